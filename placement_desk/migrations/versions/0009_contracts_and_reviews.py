"""Contracts and reviews for the managers' page

A contract may now have many providers (a framework): each contract's one provider
moves to the new ``contract_provider`` table. Contracts gain a final end date,
uplift terms, the beds of a block contract and the reason for ending early;
extension options and documents get tables of their own. Reviews gain the
provider's attendees, the placements discussed, draft and sign-off stamps, and
addenda; reviews recorded as completed become signed off. Providers' relationship
tiers take the new names (preferred → framework provider, strategic → key
partner, trusted strategic partner → strategic partner), with a reason, who set
it and when. Actions may point at a contract or one of its extension options.

Revision ID: 0009
Revises: 0005
Create Date: 2026-11-30 22:31:46.416344
"""
import datetime as dt
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('contract_document',
    sa.Column('contract_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('contract', 'specification', 'pricing', 'variation', 'extension', 'other', name='contractdocumentkind', native_enum=False, length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('document_date', sa.Date(), nullable=True),
    sa.Column('location', sa.String(length=500), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_document_contract_id_contract'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_document'))
    )
    with op.batch_alter_table('contract_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_document_contract_id'), ['contract_id'], unique=False)

    op.create_table('contract_extension',
    sa.Column('contract_id', sa.Uuid(), nullable=False),
    sa.Column('extends_to', sa.Date(), nullable=False),
    sa.Column('decide_by', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('open', 'taken', 'declined', name='extensionstatus', native_enum=False, length=40), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_extension_contract_id_contract'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_extension'))
    )
    with op.batch_alter_table('contract_extension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_extension_contract_id'), ['contract_id'], unique=False)

    op.create_table('contract_provider',
    sa.Column('contract_id', sa.Uuid(), nullable=False),
    sa.Column('provider_id', sa.Uuid(), nullable=False),
    sa.Column('lot_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_provider_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lot_id'], ['contract_lot.id'], name=op.f('fk_contract_provider_lot_id_contract_lot'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_contract_provider_provider_id_provider'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_provider'))
    )
    with op.batch_alter_table('contract_provider', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_provider_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_provider_provider_id'), ['provider_id'], unique=False)

    op.create_table('contract_review_addendum',
    sa.Column('review_id', sa.Uuid(), nullable=False),
    sa.Column('added_on', sa.Date(), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['contract_review.id'], name=op.f('fk_contract_review_addendum_review_id_contract_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_review_addendum'))
    )
    with op.batch_alter_table('contract_review_addendum', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_review_addendum_review_id'), ['review_id'], unique=False)

    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contract_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('contract_extension_id', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_action_contract_id'), ['contract_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_action_contract_id_contract'), 'contract', ['contract_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_action_contract_extension_id_contract_extension'), 'contract_extension', ['contract_extension_id'], ['id'], ondelete='SET NULL')

    _move_providers_to_their_table()
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('final_end_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('uplift_terms', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('block_beds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('end_reason', sa.Text(), nullable=True))
        batch_op.drop_index(batch_op.f('ix_contract_provider_id'))
        batch_op.drop_constraint(batch_op.f('fk_contract_provider_id_provider'), type_='foreignkey')
        batch_op.drop_column('provider_id')

    with op.batch_alter_table('contract_review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provider_attendees', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('placements', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('draft_saved_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('signed_off_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('signed_off_by', sa.String(length=100), nullable=True))
    op.execute("UPDATE contract_review SET placements = '[]'")
    op.execute("UPDATE contract_review SET status = 'signed_off', signed_off_at = updated_at "
               "WHERE status = 'completed'")
    with op.batch_alter_table('contract_review', schema=None) as batch_op:
        batch_op.alter_column('placements', existing_type=sa.JSON(), nullable=False)

    with op.batch_alter_table('provider', schema=None) as batch_op:
        batch_op.add_column(sa.Column('relationship_tier_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('relationship_tier_set_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('relationship_tier_set_on', sa.Date(), nullable=True))
    _rename_tiers(TIER_NAMES)


TIER_NAMES = {"preferred": "framework_provider", "strategic": "key_partner",
              "partner": "strategic_partner"}


def _rename_tiers(names: dict[str, str]) -> None:
    cases = " ".join(f"WHEN '{old}' THEN '{new}'" for old, new in names.items())
    olds = ", ".join(f"'{old}'" for old in names)
    op.execute(f"UPDATE provider SET relationship_tier = CASE relationship_tier {cases} END "
               f"WHERE relationship_tier IN ({olds})")


def _move_providers_to_their_table() -> None:
    """One contract_provider row for each contract that named a provider."""
    contract = sa.table("contract", sa.column("id", sa.Uuid()),
                        sa.column("provider_id", sa.Uuid()))
    link = sa.table("contract_provider", sa.column("id", sa.Uuid()),
                    sa.column("contract_id", sa.Uuid()), sa.column("provider_id", sa.Uuid()),
                    sa.column("lot_id", sa.Uuid()), sa.column("created_at", sa.DateTime()),
                    sa.column("updated_at", sa.DateTime()), sa.column("version", sa.Integer()))
    conn = op.get_bind()
    found = conn.execute(sa.select(contract.c.id, contract.c.provider_id)
                         .where(contract.c.provider_id.is_not(None))).all()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if found:
        conn.execute(sa.insert(link), [
            {"id": uuid.uuid4(), "contract_id": cid, "provider_id": pid, "lot_id": None,
             "created_at": now, "updated_at": now, "version": 1} for cid, pid in found])


def _move_providers_back() -> None:
    """Each contract keeps one of its providers (the first added) in its own column."""
    op.execute("UPDATE contract SET provider_id = (SELECT p.provider_id FROM contract_provider p "
               "WHERE p.contract_id = contract.id ORDER BY p.created_at, p.id LIMIT 1)")


def downgrade() -> None:
    _rename_tiers({new: old for old, new in TIER_NAMES.items()})
    op.execute("UPDATE contract_review SET status = 'completed' WHERE status = 'signed_off'")
    op.execute("UPDATE contract_review SET status = 'planned' WHERE status = 'draft'")
    op.execute("UPDATE contract SET contract_type = 'block' WHERE contract_type = 'in_house_sla'")
    op.execute("UPDATE action SET source = 'manual' WHERE source = 'contract'")
    with op.batch_alter_table('provider', schema=None) as batch_op:
        batch_op.drop_column('relationship_tier_set_on')
        batch_op.drop_column('relationship_tier_set_by')
        batch_op.drop_column('relationship_tier_reason')

    with op.batch_alter_table('contract_review', schema=None) as batch_op:
        batch_op.drop_column('signed_off_by')
        batch_op.drop_column('signed_off_at')
        batch_op.drop_column('draft_saved_at')
        batch_op.drop_column('placements')
        batch_op.drop_column('provider_attendees')

    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provider_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_contract_provider_id_provider'), 'provider', ['provider_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_contract_provider_id'), ['provider_id'], unique=False)
    _move_providers_back()
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_column('end_reason')
        batch_op.drop_column('block_beds')
        batch_op.drop_column('uplift_terms')
        batch_op.drop_column('final_end_date')

    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_action_contract_extension_id_contract_extension'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_action_contract_id_contract'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_action_contract_id'))
        batch_op.drop_column('contract_extension_id')
        batch_op.drop_column('contract_id')

    with op.batch_alter_table('contract_review_addendum', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_review_addendum_review_id'))

    op.drop_table('contract_review_addendum')
    with op.batch_alter_table('contract_provider', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_provider_provider_id'))
        batch_op.drop_index(batch_op.f('ix_contract_provider_contract_id'))

    op.drop_table('contract_provider')
    with op.batch_alter_table('contract_extension', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_extension_contract_id'))

    op.drop_table('contract_extension')
    with op.batch_alter_table('contract_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_document_contract_id'))

    op.drop_table('contract_document')
