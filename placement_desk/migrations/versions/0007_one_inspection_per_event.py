"""One inspection per event

An inspection is one event: where two yearly files gave the same event number with
different dates, earlier versions stored it twice. This merges those copies, keeping
the values of the latest publication (the file with the latest "as at" date in its
name, then the latest imported) and recording the dates the others used in
``earlier_keys``; rating alerts that pointed at a removed copy point at the one kept,
and each removal is in the audit trail with the file it came from. Event numbers a
spreadsheet rounded (``1.02E+07``) are cleared. Then one event number per setting is
enforced.

Downgrading drops the new columns and the constraint; merged copies are not restored.

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-30 22:23:05.707840
"""
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                        "sep", "oct", "nov", "dec"), start=1)}
_NAME_DATE = re.compile(r"(?<!\d)(\d{1,2})[ _-]([a-z]{3,9})[ _-](\d{4})(?!\d)")
_YEAR_SPAN = re.compile(r"in[ _-]?year[ _-]+(\d{4})[ _]?[-\u2013][ _]?(\d{2}|\d{4})(?!\d)")

inspection = sa.table(
    'ofsted_inspection',
    sa.column('id', sa.Uuid()), sa.column('setting_id', sa.Uuid()),
    sa.column('inspection_date', sa.Date()), sa.column('publication_date', sa.Date()),
    sa.column('event_number', sa.String()), sa.column('overall_judgement', sa.String()),
    sa.column('event_type', sa.String()),
    sa.column('supported_accommodation_outcome', sa.String()), sa.column('source', sa.String()), sa.column('created_at', sa.DateTime()),
    sa.column('source_as_at', sa.Date()), sa.column('earlier_keys', sa.JSON()),
)
setting = sa.table(
    'setting', sa.column('id', sa.Uuid()), sa.column('latest_judgement', sa.String()),
    sa.column('latest_inspection_date', sa.Date()),
)
alert = sa.table('rating_alert', sa.column('inspection_id', sa.Uuid()))
audit = sa.table(
    'audit_event', sa.column('at', sa.DateTime()), sa.column('user', sa.String()),
    sa.column('action', sa.String()), sa.column('entity', sa.String()),
    sa.column('entity_id', sa.Uuid()), sa.column('before', sa.JSON()),
    sa.column('after', sa.JSON()),
)


def as_at(source: str | None) -> dt.date | None:
    """The date a published file describes, from its name (as the reader finds it)."""
    name = (source or "").casefold()
    if span := _YEAR_SPAN.search(name):
        return dt.date(int(span.group(1)) + 1, 3, 31)
    match = _NAME_DATE.search(name)
    month = _MONTHS.get(match.group(2)[:3]) if match else None
    if match and month:
        try:
            return dt.date(int(match.group(3)), month, int(match.group(1)))
        except ValueError:
            return None
    return None


def upgrade() -> None:
    with op.batch_alter_table('ofsted_inspection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_as_at', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('earlier_keys', sa.JSON(), nullable=True))

    merge_copies(op.get_bind())

    with op.batch_alter_table('ofsted_inspection', schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f('uq_ofsted_inspection_setting_id_event_number'),
            ['setting_id', 'event_number'])


def merge_copies(conn: sa.Connection) -> None:
    rows = conn.execute(sa.select(
        inspection.c.id, inspection.c.setting_id, inspection.c.inspection_date,
        inspection.c.publication_date, inspection.c.event_number,
        inspection.c.overall_judgement, inspection.c.source, inspection.c.created_at)).all()
    events: dict[tuple[Any, str], list[Any]] = defaultdict(list)
    for row in rows:
        number = row.event_number
        if number is not None and number.isdigit():
            events[(row.setting_id, number)].append(row)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    removed: set[Any] = set()
    affected: set[Any] = set()
    earlier: dict[Any, list[str]] = {}
    for copies in events.values():
        if len(copies) < 2:
            continue
        copies.sort(key=lambda r: (as_at(r.source) or dt.date.min, r.created_at,
                                   r.publication_date or dt.date.min))
        kept, others = copies[-1], copies[:-1]
        affected.add(kept.setting_id)
        dates = sorted({r.inspection_date.isoformat() for r in others}
                       - {kept.inspection_date.isoformat()})
        if dates:
            earlier[kept.id] = dates
        for other in others:
            removed.add(other.id)
            conn.execute(alert.update().where(alert.c.inspection_id == other.id)
                         .values(inspection_id=kept.id))
            conn.execute(inspection.delete().where(inspection.c.id == other.id))
            conn.execute(audit.insert().values(
                at=now, user="database upgrade", action="delete", entity="ofsted_inspection",
                entity_id=other.id,
                before={"event_number": other.event_number,
                        "inspection_date": other.inspection_date.isoformat(),
                        "overall_judgement": other.overall_judgement, "source": other.source},
                after={"merged_into": str(kept.id), "source": kept.source}))
    for source in {row.source for row in rows if as_at(row.source) is not None}:
        conn.execute(inspection.update().where(inspection.c.source == source)
                     .values(source_as_at=as_at(source)))
    for row in rows:
        if row.event_number is not None and not row.event_number.isdigit():
            conn.execute(inspection.update().where(inspection.c.id == row.id)
                         .values(event_number=None))
    for kept_id, dates in earlier.items():
        conn.execute(inspection.update().where(inspection.c.id == kept_id)
                     .values(earlier_keys={"event_numbers": [], "dates": dates}))
    for setting_id in affected:
        latest_full_inspection(conn, setting_id)


def latest_full_inspection(conn: sa.Connection, setting_id: Any) -> None:
    """Point the setting's latest judgement at its latest judged full inspection."""
    judged = sa.func.coalesce(inspection.c.overall_judgement,
                              inspection.c.supported_accommodation_outcome)
    found = conn.execute(
        sa.select(inspection.c.inspection_date, judged)
        .where(inspection.c.setting_id == setting_id, inspection.c.event_type == 'full',
               judged.is_not(None))
        .order_by(inspection.c.inspection_date.desc()).limit(1)).first()
    if found is not None:
        conn.execute(setting.update().where(setting.c.id == setting_id).values(
            latest_inspection_date=found[0], latest_judgement=found[1]))


def downgrade() -> None:
    with op.batch_alter_table('ofsted_inspection', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_ofsted_inspection_setting_id_event_number'), type_='unique')
        batch_op.drop_column('earlier_keys')
        batch_op.drop_column('source_as_at')
