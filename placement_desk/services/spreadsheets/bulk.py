"""Writing thousands of rows at once through the database driver, with the audit events
the ORM's hook would have written (:func:`~placement_desk.audit.bulk_created`,
:func:`~placement_desk.audit.bulk_updated`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Date, Enum, Table, bindparam, insert, update
from sqlalchemy.orm import Session

from ...audit import BOOKKEEPING, audit_value, bulk_updated, chain_rows, last_hash
from ...db import note_written
from ...models import AuditEvent, utcnow
from ...models.enums import AuditAction

_BULK = 5000
_AUDIT: Table = AuditEvent.__table__  # type: ignore[assignment]
class SequentialIds:
    """Ids for records created in bulk, each greater than the last (laid out as a UUID
    version 7: the time in milliseconds, then a counter from a random start), so that the
    indexes on them are appended to rather than split at random places."""

    def __init__(self) -> None:
        millis = time.time_ns() // 1_000_000
        self._high = (millis & ((1 << 48) - 1)) << 80 | 0x7 << 76
        self._next = secrets.randbits(56)

    def __call__(self) -> uuid.UUID:
        n = self._next
        self._next = n + 1
        return uuid.UUID(int=self._high | (n >> 62 & 0xFFF) << 64 | 0b10 << 62
                         | (n & ((1 << 62) - 1)))


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):  # and datetimes
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return audit_value(value)


def _executemany(session: Session, table: Table, rows: Sequence[Mapping[str, Any]],
                 same: Mapping[str, Any], raw: frozenset[str] = frozenset()) -> None:
    """Insert rows (each with the same keys) and the columns ``same`` gives one value,
    converting each column's values once through its type (but the ``raw`` columns, given
    as the database stores them), then one executemany."""
    connection = session.connection()
    dialect = connection.dialect
    keys = [*rows[0], *same]
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    names = list(compiled.positiontup or []) if compiled.positional else keys
    columns: list[list[Any]] = []
    for name in names:
        convert = None if name in raw else \
            table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if name in same:
            value = same[name]
            columns.append([convert(value) if convert else value] * len(rows))
        else:
            values = [row[name] for row in rows]
            if convert is None:
                columns.append(values)
            elif isinstance(table.c[name].type, Date | Enum):  # values that repeat
                memo: dict[Any, Any] = {}
                converted = []
                for value in values:
                    try:
                        converted.append(memo[value])
                    except KeyError:
                        converted.append(memo.setdefault(value, convert(value)))
                columns.append(converted)
            else:
                columns.append(list(map(convert, values)))
    if compiled.positional:
        connection.exec_driver_sql(compiled.string, list(zip(*columns, strict=True)))
    else:
        connection.exec_driver_sql(compiled.string,
                                   [dict(zip(names, values, strict=True))
                                    for values in zip(*columns, strict=True)])


_PLAIN: frozenset[type] = frozenset({str, int, float, bool, type(None)})


_CANONICAL: dict[str, Any] = {"sort_keys": True, "separators": (",", ":"),
                              "ensure_ascii": False}
"""JSON as :func:`~placement_desk.audit.event_hash` writes it, so that an event's hash is
worked out from the text stored without decoding it again."""


def _dumps(value: Any) -> str:
    return json.dumps(value, **_CANONICAL)


def _audit_texts(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Each new row as the audit trail stores it, in canonical JSON (keys sorted, no
    spaces): the row with its dates, ids and codes as text. Worked out a column at a
    time, each distinct value encoded once (dates and codes repeat), then joined row by
    row."""
    keys = sorted(rows[0])
    prefixes = [_dumps(key) + ":" for key in keys]
    columns = [_encoded([row[key] for row in rows]) for key in keys]
    add = str.__add__
    return ["{" + ",".join(map(add, prefixes, values)) + "}"
            for values in zip(*columns, strict=True)]


def _plain(value: Any) -> Any:
    return value if type(value) in _PLAIN else _json_default(value)


def _encoded(values: list[Any]) -> list[str]:
    """A column's values as canonical JSON texts."""
    kinds = set(map(type, values))
    if kinds <= {uuid.UUID, type(None)}:
        return ["null" if v is None else f'"{v}"' for v in values]
    if bool in kinds and (int in kinds or float in kinds):  # True == 1: encode each
        return [_dumps(_plain(v)) for v in values]
    try:
        texts = {v: _dumps(_plain(v)) for v in set(values)}
    except TypeError:  # a value that cannot be a key
        return [_dumps(_plain(v)) for v in values]
    return list(map(texts.__getitem__, values))


def _audited_blanks(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """The table's audited columns a new row leaves out, with the value each is given
    (its scalar default, else None): the audit trail records every column, as the form's
    hook does."""
    blanks: dict[str, Any] = {}
    for column in table.columns:
        if column.key in row or column.key in BOOKKEEPING:
            continue
        default = column.default
        blanks[column.key] = getattr(default, "arg", None) if default is not None and \
            default.is_scalar else None
    return blanks


def _chained(session: Session, events: list[dict[str, Any]], same: Mapping[str, Any]
             ) -> list[dict[str, Any]]:
    """Give events about to be inserted in bulk (``after`` as its canonical JSON text)
    their ``hash``, following the newest stored event: the chain the hook keeps for forms.

    The text hashed is the one :func:`~placement_desk.audit.event_hash` builds, put
    together from the stored ``after`` text rather than by encoding it again; the tests
    check the two agree through ``verify_chain``."""
    previous = last_hash(session)
    stamp = same["at"].replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    middle = ",".join(_dumps(str(part)) for part in (
        stamp, same["user"], same["action"], same["entity"]))
    tail = "," + _dumps(same.get("before")) + ","
    sha256 = hashlib.sha256
    for event in events:
        body = (f'["{previous}",{middle},"{uuid.UUID(str(event["entity_id"]))}"'
                f'{tail}{event["after"]}]')
        previous = sha256(body.encode("utf-8")).hexdigest()
        event["hash"] = previous
    return events


def insert_rows(session: Session, table: Table, entity: str,
                rows: Sequence[dict[str, Any]]) -> None:
    """New records (with their ``id``) and an audit event each, chained, in chunks."""
    if not rows:
        return
    note_written(session, table.name, _AUDIT.name)
    session.flush()  # events of objects still pending come first in the chain
    now = utcnow()
    user = str(session.info.get("user") or "unknown")
    stamps = {"created_at": now, "updated_at": now, "version": 1}
    event = {"at": now, "user": user, "action": AuditAction.CREATE, "entity": entity,
             "before": None}
    blanks = _audited_blanks(table, rows[0])
    for start in range(0, len(rows), _BULK):
        chunk = rows[start:start + _BULK]
        _executemany(session, table, chunk, stamps)
        audited = [{**row, **blanks} for row in chunk] if blanks else chunk
        events = [{"entity_id": row["id"], "after": text}
                  for row, text in zip(chunk, _audit_texts(audited), strict=True)]
        _executemany(session, _AUDIT, _chained(session, events, event), event,
                     frozenset({"after"}))


def update_rows(session: Session, table: Table, entity: str,
                changes: Sequence[tuple[uuid.UUID, Mapping[str, Any], Mapping[str, Any]]]
                ) -> None:
    """Changed records, as ``(id, before, after)``, and an audit event each."""
    if not changes:
        return
    note_written(session, table.name, _AUDIT.name)
    now = utcnow()
    user = str(session.info.get("user") or "unknown")
    names = list(changes[0][2])
    statement = (update(table).where(table.c.id == bindparam("b_id"))
                 .values({**{name: bindparam(f"b_{name}") for name in names},
                          "version": table.c.version + 1, "updated_at": bindparam("b_now")}))
    for start in range(0, len(changes), _BULK):
        chunk = changes[start:start + _BULK]
        session.execute(statement, [{"b_id": rid, "b_now": now,
                                     **{f"b_{n}": after[n] for n in names}}
                                    for rid, _before, after in chunk])
        session.execute(insert(_AUDIT),
                        chain_rows(session, bulk_updated(entity, chunk, user=user, at=now)))
