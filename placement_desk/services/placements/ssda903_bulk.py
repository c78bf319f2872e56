"""Writing an SSDA903 import's children and episodes in bulk, through Core, with their audit trail.

The import adds and changes up to hundreds of thousands of rows in one transaction: the
ORM would take minutes, so new rows go in as the spreadsheet import writes them
(:func:`~placement_desk.services.common.bulk.insert_rows`: statements of many rows
each, and audit events put together a column at a time and chained in one pass), and
changed rows with the audit trail written here as the ORM hook would write it, chained
as :func:`~placement_desk.audit.chain_rows` chains it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session

from ...audit import bulk_updated, chain_rows
from ...models import AuditEvent, Child, PlacementEpisode, utcnow
from ...progress import TaskState
from ..common.bulk import insert_rows

_BULK = 5000
_AUDIT: Table = AuditEvent.__table__  # type: ignore[assignment]


@dataclass
class Found:
    """An existing row: its id, compared values, and what must not be touched."""

    id: uuid.UUID
    values: dict[str, Any]
    deleted: bool
    distance_entered: bool = False


def same_value(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-9
    return bool(a == b)


class BulkWriter:
    """One import's inserts and updates, every row stamped with the same time and user
    and each with its audit row."""

    def __init__(self, session: Session, state: TaskState) -> None:
        self.session = session
        self.state = state
        self.now = utcnow()
        self.user = str(session.info.get("user") or "unknown")

    def insert(self, model: type[Child] | type[PlacementEpisode], entity: str,
               rows: list[dict[str, Any]]) -> None:
        table: Table = model.__table__  # type: ignore[assignment]
        if not rows:
            return
        names = list(rows[0])
        for start in range(0, len(rows), _BULK):
            insert_rows(self.session, table, entity, names,
                        [[row[name] for name in names] for row in rows[start:start + _BULK]],
                        self.now)
            self.state.check_cancelled()

    def update(self, model: type[Child] | type[PlacementEpisode], entity: str,
               names: tuple[str, ...], changed: list[tuple[Found, dict[str, Any]]]) -> None:
        if not changed:
            return
        table: Table = model.__table__  # type: ignore[assignment]
        statement = (update(table).where(table.c.id == bindparam("b_id"))
                     .values({**{name: bindparam(f"b_{name}") for name in names},
                              "version": table.c.version + 1,
                              "updated_at": bindparam("b_now")}))
        for start in range(0, len(changed), _BULK):
            chunk = changed[start:start + _BULK]
            self.session.execute(statement, [
                {"b_id": found.id, "b_now": self.now,
                 **{f"b_{name}": values[name] for name in names}} for found, values in chunk])
            changes = []
            for found, values in chunk:
                keys = [k for k in names if not same_value(found.values[k], values[k])]
                changes.append((found.id, {k: found.values[k] for k in keys},
                                {k: values[k] for k in keys}))
            self.session.execute(insert(_AUDIT), chain_rows(
                self.session, bulk_updated(entity, changes, user=self.user, at=self.now)))
            self.state.check_cancelled()
