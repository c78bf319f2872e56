"""A record's history from the audit trail, in words; and exports and prints, logged.

:func:`record_history` lists who did what to a record and when, each change as the
field's label (not its column name) with the values before and after shown as the
forms show them (dates dd/mm/yyyy, money £1,234.50, a choice's label). It is
exportable with :func:`history_table`. :func:`note_export` adds an event to the
audit trail whenever records about children leave the database in a file or on
paper: what was exported, how many rows, in which format; never the file's name
(which may hold a child's name) nor the values.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Enum as EnumType
from sqlalchemy import select, tuple_

from ...db import Database
from ...models import AuditEvent, Base
from ...models.enums import AuditAction
from .formatting import date_short, datetime_short, money

EXPORTS_NAMESPACE = uuid.UUID("b6f1f4a2-64a9-4d0e-9a33-0e4f5f7a1c21")

_WORDS = {
    "urn": "URN", "id": "", "qa": "QA", "ofsted": "Ofsted", "ssda903": "SSDA903",
    "dob": "date of birth", "upn": "UPN", "ipa": "IPA", "rag": "RAG", "la": "LA",
    "ons": "ONS", "sla": "SLA", "dps": "DPS", "url": "web address", "pence": "",
    "bp": "", "at": "", "email": "email",
}
_LABELS = {
    "deleted_at": "Deleted",
    "case_ref": "Case reference",
    "place_provider": "Placement provider",
    "reason_place_change": "Reason for the change of placement",
    "reason_new_episode": "Reason for a new episode",
    "reason_ceased": "Reason the episode ended",
    "legal_status": "Legal status",
    "category_of_need": "Category of need",
    "distance_entered": "Distance typed by hand",
    "spot_approved_by": "Spot purchase approved by",
    "spot_approved_at": "Spot purchase approved on",
    "key": "Setting",
    "value": "Value",
}


def field_label(entity: str, column: str) -> str:
    """The label a person reads for a column: ``weekly_fee_pence`` → "Weekly fee (£)"."""
    del entity  # one vocabulary across the tables
    if column in _LABELS:
        return _LABELS[column]
    parts = column.split("_")
    unit = ""
    if parts[-1] == "pence":
        unit = " (£)"
    elif parts[-1] == "bp":
        unit = " (%)"
    words = [w for w in (_WORDS.get(p, p) for p in parts) if w]
    text = " ".join(words) or column
    return text[:1].upper() + text[1:] + unit


def _enum_label(entity: str, column: str, value: Any) -> str | None:
    table = Base.metadata.tables.get(entity)
    if table is None or column not in table.c:
        return None
    kind = table.c[column].type
    if isinstance(kind, EnumType) and kind.enum_class is not None:
        try:
            member = kind.enum_class(value)
        except ValueError:
            return None
        label = getattr(member, "label", None)
        return str(label) if label else None
    return None


def show_value(entity: str, column: str, value: Any) -> str:
    """A stored audit value as the forms show it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if column.endswith("_id") and isinstance(value, str):
        return f"record {value.replace('-', '')[:8]}"  # a link to another record
    if column.endswith("_pence") and isinstance(value, int):
        return money(value)
    if column.endswith("_bp") and isinstance(value, int | float):
        return f"{value / 100:.2f}%"
    label = _enum_label(entity, column, value)
    if label:
        return label
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            if len(value) == 10:
                return date_short(dt.date.fromisoformat(value))
            return datetime_short(dt.datetime.fromisoformat(value))
        except ValueError:
            pass
    if isinstance(value, list):
        return ", ".join(show_value(entity, column, v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {show_value(entity, str(k), v)}" for k, v in value.items())
    return str(value)


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class HistoryLine:
    event_id: int
    at: dt.datetime
    """UTC, as stored."""
    user: str
    action: AuditAction
    entity: str
    changes: tuple[Change, ...]

    @property
    def summary(self) -> str:
        """The changes in one line: "Name: Acorn → Acorn Care; Beds: 3 → 4"."""
        if self.action == AuditAction.UPDATE:
            return "; ".join(f"{c.field}: {c.before} → {c.after}" for c in self.changes)
        return "; ".join(f"{c.field}: {c.after if c.after != '—' else c.before}"
                         for c in self.changes)


def _changes(event: AuditEvent) -> tuple[Change, ...]:
    before = event.before or {}
    after = event.after or {}
    if event.action in (AuditAction.EXPORT, AuditAction.PRINT):
        what = after.get("what", "")
        rows = after.get("rows")
        fmt = after.get("format", "")
        text = f"{what}: {rows} row{'s' if rows != 1 else ''}{f', {fmt}' if fmt else ''}"
        return (Change("Exported" if event.action == AuditAction.EXPORT else "Printed",
                       "", text),)
    keys = list(dict.fromkeys([*before, *after]))
    if event.action == AuditAction.CREATE:  # what was filled in, not every empty field
        keys = [k for k in keys if after.get(k) not in (None, "", [], {})]
    return tuple(Change(field_label(event.entity, k),
                        show_value(event.entity, k, before.get(k)) if k in before else "—",
                        show_value(event.entity, k, after.get(k)) if k in after else "—")
                 for k in keys if k not in ("id",))


def record_history(db: Database, records: Sequence[tuple[str, uuid.UUID]]) -> list[HistoryLine]:
    """Every audit event of these records (table name, id), oldest first."""
    if not records:
        return []
    with db.read() as session:
        events = session.scalars(select(AuditEvent).where(
            tuple_(AuditEvent.entity, AuditEvent.entity_id).in_(list(records)))
            .order_by(AuditEvent.id))
        return [HistoryLine(e.id, e.at, e.user, e.action, e.entity, _changes(e))
                for e in events]


HISTORY_HEADINGS = ("When (UTC)", "Who", "What", "Field", "Before", "After")


def history_table(lines: Sequence[HistoryLine]) -> tuple[list[str], list[list[object]]]:
    """The history as one row per changed field, for a spreadsheet."""
    rows: list[list[object]] = []
    for line in lines:
        for change in line.changes or (Change("", "", ""),):
            rows.append([line.at.strftime("%d/%m/%Y %H:%M:%S"), line.user, line.action.label,
                         change.field, change.before, change.after])
    return list(HISTORY_HEADINGS), rows


def export_id(what: str) -> uuid.UUID:
    """The id under which exports of a whole list are logged."""
    return uuid.uuid5(EXPORTS_NAMESPACE, what)


def note_export(db: Database, entity: str, what: str, rows: int, file: Path | str | None,
                *, entity_id: uuid.UUID | None = None, printed: bool = False) -> None:
    """Log that records left the database: ``what`` (a list, a letter, a report), how many
    ``rows``, and the file's format; the record's id when it is about one record."""
    if db.read_only:
        return
    fmt = Path(str(file)).suffix.lstrip(".").lower() if file else ""
    with db.write() as session:
        session.add(AuditEvent(
            user=db.user, action=AuditAction.PRINT if printed else AuditAction.EXPORT,
            entity=entity, entity_id=entity_id or export_id(what),
            before=None, after={"what": what, "rows": int(rows), "format": fmt}))
