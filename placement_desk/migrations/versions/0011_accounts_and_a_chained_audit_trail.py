"""Accounts, an append-only chained audit trail and spot purchase approval

Staff records become accounts that can sign in: an argon2id password hash, the count
of failed sign-ins and the time a lock-out ends, and when each last signed in.
Placements record the manager who approved a spot purchase. Audit events gain a hash
over their content and the previous event's hash, computed here for the events
already stored (in the order of their ids); from now on the database refuses to
change or delete an audit event.

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-30 23:45:33.779811
"""
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
REFUSAL = "Audit events cannot be changed or deleted."


def _event_hash(previous: str, at: dt.datetime, user: str, action: str, entity: str,
                entity_id: Any, before: Any, after: Any) -> str:
    """As placement_desk.audit.event_hash computes it (copied: a migration never changes)."""
    stamp = at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    body = json.dumps([previous, stamp, str(user), str(action), str(entity),
                       str(uuid.UUID(str(entity_id))), before, after],
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))

    with op.batch_alter_table('placement_episode', schema=None) as batch_op:
        batch_op.add_column(sa.Column('spot_approved_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('spot_approved_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_hash', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('failed_sign_ins', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_sign_in_at', sa.DateTime(), nullable=True))

    bind = op.get_bind()
    events = sa.table('audit_event', sa.column('id', sa.Integer()),
                      sa.column('at', sa.DateTime()), sa.column('user', sa.String()),
                      sa.column('action', sa.String()), sa.column('entity', sa.String()),
                      sa.column('entity_id', sa.Uuid()), sa.column('before', sa.JSON()),
                      sa.column('after', sa.JSON()), sa.column('hash', sa.String()))
    previous = GENESIS
    hashes: list[dict[str, Any]] = []
    rows = bind.execute(sa.select(events.c.id, events.c.at, events.c.user, events.c.action,
                                  events.c.entity, events.c.entity_id, events.c.before,
                                  events.c.after).order_by(events.c.id))
    for row in rows:
        previous = _event_hash(previous, row.at, row.user, row.action, row.entity,
                               row.entity_id, row.before, row.after)
        hashes.append({"b_id": row.id, "b_hash": previous})
    for start in range(0, len(hashes), 5000):
        bind.execute(events.update().where(events.c.id == sa.bindparam("b_id"))
                     .values(hash=sa.bindparam("b_hash")), hashes[start:start + 5000])

    if bind.dialect.name == "sqlite":
        for what in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_event_no_{what.lower()} BEFORE {what} "
                       f"ON audit_event BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END")
    elif bind.dialect.name == "postgresql":
        op.execute("CREATE FUNCTION audit_event_refuse() RETURNS trigger AS $$ BEGIN "
                   f"RAISE EXCEPTION '{REFUSAL}'; END $$ LANGUAGE plpgsql")
        op.execute("CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON "
                   "audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_refuse()")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_refuse()")

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('last_sign_in_at')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_sign_ins')
        batch_op.drop_column('password_hash')

    with op.batch_alter_table('placement_episode', schema=None) as batch_op:
        batch_op.drop_column('spot_approved_at')
        batch_op.drop_column('spot_approved_by')

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('hash')
