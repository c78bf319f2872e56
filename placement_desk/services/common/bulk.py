"""Writing thousands of rows at once through the database driver, with the audit events
the ORM's hook would have written (:func:`~placement_desk.audit.bulk_created`,
:func:`~placement_desk.audit.bulk_updated`).

New records are passed as rows of values in one column order, and written a chunk at a
time, a column at a time: each column's values go through its type's conversion once per
distinct value, a column blank in every row of the chunk is left to the database, and
on SQLite the values every row shares (the time stamps, the user, the action) are written
into the statement instead of being passed once per row. Each record's audit event holds
its values as canonical JSON, put together from each column's text (worked out once per
distinct value), and the events are chained in one pass."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import secrets
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Boolean, Date, Enum, Table, bindparam, insert, literal_column, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ...audit import BOOKKEEPING, audit_value, bulk_updated, chain_rows, last_hash
from ...db import note_written
from ...dbsql import insert_rows_at_once
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
        # Made as unpickling makes one: the checks of UUID(int=...) are for values from
        # elsewhere, and this one is in range by construction.
        made = _new_uuid(uuid.UUID)
        _set(made, "int", self._high | (n >> 62 & 0xFFF) << 64 | 0b10 << 62
             | (n & ((1 << 62) - 1)))
        _set(made, "is_safe", _UNKNOWN)
        return made


_new_uuid = object.__new__
_set = object.__setattr__
_UNKNOWN = uuid.SafeUUID.unknown


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):  # and datetimes
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return audit_value(value)


# -- the insert --------------------------------------------------------------------------------

@contextlib.contextmanager
def indexes_built_after(session: Session, adding: Mapping[str, int]) -> Iterator[None]:
    """On SQLite, the plain (not unique) indexes of each table that is to get more new rows
    than it has rows dropped for the inserts, and made again after them from their stored
    definitions: building an index once from every row is quicker than keeping it in
    order row by row (a quarter of a second on 100,000 placements and their audit
    events, in a new database). Inside the transaction, so a failure or a cancel rolls
    the drop back with the rest. On a server, where dropping an index would lock the
    table against every reader until the commit, nothing changes."""
    connection = session.connection()
    rebuilt: list[str] = []
    if connection.dialect.name == "sqlite":
        for table, count in adding.items():
            if not count:
                continue
            held = connection.exec_driver_sql(
                f'SELECT max(rowid) FROM "{table}"').scalar() or 0  # at least its rows
            if count <= held:
                continue
            for name, sql in connection.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                    "tbl_name = ? AND sql LIKE 'CREATE INDEX %'", (table,)).all():
                connection.exec_driver_sql(f'DROP INDEX "{name}"')
                rebuilt.append(sql)
    yield
    for sql in rebuilt:
        connection.exec_driver_sql(sql)


def _sqlite_literal(value: Any) -> str | None:
    """A value as converted for SQLite, written as an SQL literal (None when it is not one
    of the kinds written so). Only NULL and whole numbers: a text shared by every row may
    be a record's value (two episodes at one postcode), and a statement's text, unlike its
    parameters, is shown in the log when it fails."""
    if value is None:
        return "NULL"
    if type(value) is int:
        return str(value)
    return None


def _converted(convert: Any, values: list[Any], repeats: bool) -> list[Any]:
    """``values`` through the column type's conversion; each distinct value converted once
    where values repeat."""
    if convert is None:
        return values
    if repeats:
        try:
            memo = {v: convert(v) for v in set(values)}
        except TypeError:  # a value that cannot be a key
            return list(map(convert, values))
        return list(map(memo.__getitem__, values))
    return list(map(convert, values))


def _insert(connection: Connection, table: Table, columns: Mapping[str, list[Any]],
            same: Mapping[str, Any], count: int, raw: frozenset[str] = frozenset()
            ) -> dict[str, list[Any]]:
    """Insert ``count`` rows given as ``columns`` (name → one value per row), with the
    columns ``same`` gives one value for all: one executemany. Each value goes through its
    column's type (but the ``raw`` columns, given as the database stores them); returns
    the columns as stored."""
    dialect = connection.dialect
    inline = dialect.name == "sqlite"
    stored: dict[str, list[Any]] = {}
    bound: dict[str, list[Any]] = {}
    fixed: dict[str, Any] = {}
    written: dict[str, Any] = {}
    for name, value in same.items():
        convert = None if name in raw else \
            table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        fixed[name] = convert(value) if convert is not None else value
    for name, values in columns.items():
        column = table.c[name]
        convert = None if name in raw else \
            column.type.dialect_impl(dialect).bind_processor(dialect)
        if values[0] is None and values.count(None) == count:  # blank in every row
            blank = convert(None) if convert is not None else None
            stored[name] = converted = [blank] * count
        else:
            stored[name] = converted = _converted(convert, values,
                                                  isinstance(column.type, Date | Enum | Boolean))
        first = converted[0]
        if first is None and converted.count(None) == count \
                and column.default is None and column.server_default is None:
            continue  # the database's NULL
        if inline and count > 1 and (first is None or type(first) is int) \
                and converted.count(first) == count:
            fixed[name] = first  # the same in every row
        else:
            bound[name] = converted
    for name, value in list(fixed.items()):
        text = _sqlite_literal(value) if inline else None
        if text is not None:  # written into the statement
            written[name] = literal_column(text)
            del fixed[name]
    keys = [*bound, *fixed]
    compiled = insert(table).values(written).compile(dialect=dialect, column_keys=keys)
    names = list(compiled.positiontup or []) if compiled.positional else keys
    if not names:  # every value written into the statement: a row each time
        for _ in range(count):
            connection.exec_driver_sql(compiled.string)
        return stored
    params = [[fixed[name]] * count if name in fixed else bound[name] for name in names]
    if inline and compiled.positional:
        insert_rows_at_once(connection, compiled.string, params, count)
    elif compiled.positional:
        connection.exec_driver_sql(compiled.string, list(zip(*params, strict=True)))
    else:
        connection.exec_driver_sql(compiled.string,
                                   [dict(zip(names, values, strict=True))
                                    for values in zip(*params, strict=True)])
    return stored


# -- the audit trail ---------------------------------------------------------------------------

_CANONICAL: dict[str, Any] = {"sort_keys": True, "separators": (",", ":"),
                              "ensure_ascii": False}
"""JSON as :func:`~placement_desk.audit.event_hash` writes it, so that an event's hash is
worked out from the text stored without decoding it again."""
_NUMBERS = frozenset({bool, int, float})


def _dumps(value: Any) -> str:
    return json.dumps(value, **_CANONICAL)


_PLAIN: frozenset[type] = frozenset({str, int, float, bool, type(None)})
_JSON_STRING: Callable[[str], str] = json.encoder.encode_basestring
"""A text as canonical JSON writes it (without escaping what is not ASCII)."""


def _plain(value: Any) -> Any:
    return value if type(value) in _PLAIN else _json_default(value)


def _text(value: Any) -> str:
    """One value as canonical JSON: the usual kinds directly, any other through
    :func:`json.dumps`."""
    kind = type(value)
    if kind is str:
        return _JSON_STRING(value)
    if value is None:
        return "null"
    if kind is uuid.UUID or kind is dt.date:
        return f'"{value}"'  # a date's str is its ISO form
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    return _dumps(_plain(value))


def _encoded(values: Sequence[Any]) -> list[str] | str:
    """A column's values as canonical JSON texts, each distinct value encoded once; the
    one text when every row has the same."""
    kinds = set(map(type, values))
    if len(kinds & _NUMBERS) > 1:  # True == 1 == 1.0 as keys: encode each
        return list(map(_text, values))
    if kinds == {uuid.UUID}:  # ids: one object per record, repeated (hashing one is slow)
        ids = {id(v): v for v in values}
        if len(ids) == 1:
            return _text(values[0])
        by_object = {key: f'"{v}"' for key, v in ids.items()}
        return [by_object[id(v)] for v in values]
    try:
        texts = {v: _text(v) for v in set(values)}
    except TypeError:  # a value that cannot be a key
        return list(map(_text, values))
    if len(texts) == 1:
        return next(iter(texts.values()))
    return list(map(texts.__getitem__, values))


def _audit_texts(columns: Mapping[str, Sequence[Any]], blanks: Mapping[str, Any],
                 count: int, encoded: Mapping[str, list[str]] | None = None) -> list[str]:
    """Each new row as the audit trail stores it, in canonical JSON (keys sorted, no
    spaces): ``columns`` (name → one value per row) and ``blanks`` (the columns every row
    has the same value in) with their dates, ids and codes as text, and a row's empty
    (null) fields left out, as :func:`~placement_desk.audit.created_values` does. Worked
    out a column at a time (``encoded`` gives columns already as JSON texts); the text the
    rows share is written once into a pattern, and each row's own values put into it.

    Every member is put together after a comma; the first comma is dropped at the end."""
    parts: list[str] = []
    varying: list[list[str]] = []
    for key in sorted([*columns, *blanks]):
        prefix = "," + _dumps(key) + ":"
        if key in columns:
            values = columns[key]
            empty = values.count(None)
            if empty == count:
                continue
            texts = (encoded or {}).get(key) or _encoded(values)
        else:
            if blanks[key] is None:
                continue
            empty, texts = 0, _dumps(_plain(blanks[key]))
        if isinstance(texts, str):
            parts.append((prefix + texts).replace("%", "%%"))
        elif empty:  # a member in the rows that have a value, nothing in the others
            varying.append(["" if v is None else prefix + t
                            for v, t in zip(values, texts, strict=True)])
            parts.append("%s")
        else:
            parts.append(prefix.replace("%", "%%") + "%s")
            varying.append(texts)
    pattern = "".join(parts)
    if not varying:
        return ["{" + (pattern % ())[1:] + "}"] * count
    return ["{" + text[1:] + "}" for text in (pattern % values
                                               for values in zip(*varying, strict=True))]


def _chain(previous: str, same: Mapping[str, Any], ids: Sequence[str],
           afters: Sequence[str]) -> list[str]:
    """The hashes of events about to be inserted in bulk, following ``previous``: the chain
    the hook keeps for forms. ``ids`` are the records' ids as JSON texts ("…" with the
    hyphens), ``afters`` the stored ``after`` texts.

    The text hashed is the one :func:`~placement_desk.audit.event_hash` builds, put
    together from the stored texts rather than by encoding them again; the tests check
    the two agree through ``verify_chain``."""
    stamp = same["at"].replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    middle = ",".join(_dumps(str(part)) for part in (
        stamp, same["user"], same["action"], same["entity"]))
    head = "," + middle + ","
    tail = "," + _dumps(same.get("before")) + ","
    sha256 = hashlib.sha256
    hashes = []
    for entity_id, after in zip(ids, afters, strict=True):
        previous = sha256(f'["{previous}"{head}{entity_id}{tail}{after}]'
                          .encode()).hexdigest()
        hashes.append(previous)
    return hashes


def _id_texts(ids: Sequence[uuid.UUID], stored: Sequence[Any]) -> list[str]:
    """The ids as JSON texts with their hyphens ("…"), from the 32 hex digits SQLite
    stores where it has them (quicker than asking each id)."""
    if stored and type(stored[0]) is str and len(stored[0]) == 32:
        return [f'"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"' for h in stored]
    return [f'"{v}"' for v in ids]


def _audited_blanks(table: Table, names: Sequence[str]) -> dict[str, Any]:
    """The table's audited columns new rows leave out, with the value each is given
    (its scalar default, else None: left out of the trail, as the form's hook does)."""
    blanks: dict[str, Any] = {}
    for column in table.columns:
        if column.key in names or column.key in BOOKKEEPING:
            continue
        default = column.default
        blanks[column.key] = getattr(default, "arg", None) if default is not None and \
            default.is_scalar else None
    return blanks


def insert_rows(session: Session, table: Table, entity: str, names: Sequence[str],
                rows: Sequence[Sequence[Any]], now: dt.datetime | None = None) -> None:
    """New records, each a row of values in the order of ``names`` (one of them ``id``),
    and an audit event each, chained, in chunks; all stamped ``now`` (by default, the
    time of the call)."""
    if not rows:
        return
    note_written(session, table.name, _AUDIT.name)
    session.flush()  # events of objects still pending come first in the chain
    connection = session.connection()
    now = now or utcnow()
    user = str(session.info.get("user") or "unknown")
    stamps = {"created_at": now, "updated_at": now, "version": 1}
    event = {"at": now, "user": user, "action": AuditAction.CREATE, "entity": entity,
             "before": None}
    blanks = _audited_blanks(table, names)
    audited = [n for n in names if n not in BOOKKEEPING]
    previous = last_hash(session)
    for start in range(0, len(rows), _BULK):
        chunk = rows[start:start + _BULK]
        columns = dict(zip(names, map(list, zip(*chunk, strict=True)), strict=True))
        stored = _insert(connection, table, columns, stamps, len(chunk))
        ids = _id_texts(columns["id"], stored["id"])
        afters = _audit_texts({n: columns[n] for n in audited}, blanks, len(chunk),
                              {"id": ids})
        hashes = _chain(previous, event, ids, afters)
        previous = hashes[-1]
        _insert(connection, _AUDIT, {"entity_id": stored["id"], "after": afters,
                                     "hash": hashes}, event, len(chunk),
                frozenset({"entity_id", "after"}))  # the ids as the record's insert stored them


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
