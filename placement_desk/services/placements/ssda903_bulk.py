"""Writing an SSDA903 import's children and episodes in bulk, through Core, with their audit trail.

The import adds and changes up to hundreds of thousands of rows in one transaction: the
ORM would take minutes, so the rows go in as statements of many rows each (100,000 take
seconds), with the audit trail written here as the ORM hook would write it, chained as
:func:`~placement_desk.audit.chain_rows` chains it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session

from ...audit import audit_value, bulk_updated, chain_rows
from ...db import note_written
from ...dbsql import insert_rows_at_once
from ...models import AuditEvent, Child, PlacementEpisode, utcnow
from ...models.enums import AuditAction
from ...progress import TaskState

_BULK = 5000
_AUDIT: Table = AuditEvent.__table__  # type: ignore[assignment]


@dataclass
class Found:
    """An existing row: its id, compared values, and what must not be touched."""

    id: uuid.UUID
    values: dict[str, Any]
    deleted: bool
    distance_entered: bool = False


_AS_IS: frozenset[type] = frozenset({str, int, float, bool, type(None)})
_AUDIT_FORMS: dict[type, Any] = {uuid.UUID: str, dt.date: dt.date.isoformat}


def _audit_values(row: dict[str, Any]) -> dict[str, Any]:
    """A new row as the audit trail stores it (as :func:`~placement_desk.audit.audit_value`
    does, with a quick path for the kinds of value an import writes), its empty fields left
    out (:func:`~placement_desk.audit.created_values`)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        kind = type(value)
        if value is None:
            continue
        if kind in _AS_IS:
            out[key] = value
        else:
            form = _AUDIT_FORMS.get(kind)
            out[key] = form(value) if form is not None else audit_value(value)
    return out


def _insert_many(session: Session, table: Table, rows: list[dict[str, Any]],
                 same: dict[str, Any]) -> None:
    """Insert rows (each with the same keys) plus the columns ``same`` gives every row one
    value: on SQLite hundreds to a statement, on a server through the driver's
    executemany.

    Each value is converted by its column's type for the database, as SQLAlchemy does, but
    a column at a time, and a shared value once: for 100,000 rows this saves seconds.
    """
    if not rows:
        return
    note_written(session, table.name)
    connection = session.connection()
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=[*rows[0], *same])
    names = list(compiled.positiontup or []) if compiled.positional else [*rows[0], *same]
    columns: list[list[Any]] = []
    for name in names:
        convert = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if name in same:
            value = same[name]
            columns.append([convert(value) if convert else value] * len(rows))
        else:
            values = [row[name] for row in rows]
            columns.append(list(map(convert, values)) if convert else values)
    if compiled.positional and dialect.name == "sqlite":
        insert_rows_at_once(connection, compiled.string, columns, len(rows))
    elif compiled.positional:
        connection.exec_driver_sql(compiled.string, list(zip(*columns, strict=True)))
    else:
        connection.exec_driver_sql(compiled.string,
                                   [dict(zip(names, values, strict=True))
                                    for values in zip(*columns, strict=True)])


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
        stamps = {"created_at": self.now, "updated_at": self.now, "version": 1}
        event = {"at": self.now, "user": self.user, "action": AuditAction.CREATE,
                 "entity": entity, "before": None}
        for start in range(0, len(rows), _BULK):
            chunk = rows[start:start + _BULK]
            _insert_many(self.session, table, chunk, stamps)
            _insert_many(self.session, _AUDIT, chain_rows(
                self.session, [{"entity_id": row["id"], "after": _audit_values(row)}
                               for row in chunk], event), event)
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
