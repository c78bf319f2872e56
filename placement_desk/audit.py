"""The audit trail: every write to a core record adds an :class:`AuditEvent`.

A ``before_flush`` hook on all sessions looks at new, changed and deleted objects
of classes marked :class:`~placement_desk.models.Audited` and records who did it
(the session's ``info['user']``), when, and the column values before and after (for a
new record, the values it was given: :func:`created_values`).
Setting ``deleted_at`` is recorded as a delete, clearing it as a restore. Shared
settings (``app_setting``: council name, QA cycles, alert deadlines) are audited
too, under the id :func:`setting_entity_id` gives their key. Imports that insert
and update thousands of rows through Core bypass the hook; they write the same
events with :func:`bulk_created` and :func:`bulk_updated`, passed through
:func:`chain_rows` before the insert. The demo generator's bulk loads are not
audited.

The trail is tamper-evident: the database refuses to update or delete an event
(triggers made by migration 0011), and each event's ``hash`` is a SHA-256 over its
content and the previous event's hash (:func:`event_hash`), computed in Python in one
pass per flush or bulk insert, so changing, removing or inserting a row anywhere
breaks the chain from there on; :func:`verify_chain` finds the first broken event
(``placement-desk db check``). Writers take turns (every unit of work that writes
begins with ``BEGIN IMMEDIATE``), so the last hash read is the last one written.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, inspect, select
from sqlalchemy.orm import Session

from .models import AppSetting, Audited, AuditEvent
from .models.base import utcnow
from .models.enums import AuditAction

_SKIP = frozenset({"created_at", "updated_at", "version"})
BOOKKEEPING = _SKIP
"""Columns the audit trail leaves out of a record's values."""


def audit_value(value: Any) -> Any:
    """A value as the audit trail stores it (JSON-ready: enums by value, dates ISO)."""
    return _jsonable(value)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


def created_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """What a new record's event holds of its values: the fields it was given. The fields
    left empty (null) are left out: every new record would repeat them, and an import of
    100,000 rows wrote them 100,000 times (more than half of what its trail stored). A
    field absent from a creation was empty; later events record each change to it."""
    return {k: v for k, v in values.items() if v is not None}


def _columns(obj: Any) -> list[str]:
    hidden: frozenset[str] = getattr(obj, "__audit_exclude__", frozenset())
    return [c.key for c in inspect(obj).mapper.column_attrs
            if c.key not in _SKIP and c.key not in hidden]


def snapshot(obj: Any) -> dict[str, Any]:
    """The audited column values of an object, as JSON-ready data."""
    return {key: _jsonable(getattr(obj, key)) for key in _columns(obj)}


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _columns(obj):
        history = state.attrs[key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                before[key] = _jsonable(old)
                after[key] = _jsonable(new)
    return before, after


def bulk_created(entity: str, rows: Iterable[Mapping[str, Any]], *, user: str,
                 at: dt.datetime) -> list[dict[str, Any]]:
    """Audit rows, ready for a Core insert into ``audit_event``, for records of table
    ``entity`` inserted in bulk: what the hook writes for a new object (each row's
    ``id``, and its values but the bookkeeping columns and the empty ones as ``after``)."""
    return [{"at": at, "user": user, "action": AuditAction.CREATE, "entity": entity,
             "entity_id": row["id"], "before": None,
             "after": {k: _jsonable(v) for k, v in row.items()
                       if k not in _SKIP and v is not None}}
            for row in rows]


def bulk_updated(entity: str,
                 changes: Iterable[tuple[uuid.UUID, Mapping[str, Any], Mapping[str, Any]]],
                 *, user: str, at: dt.datetime) -> list[dict[str, Any]]:
    """Audit rows for records of table ``entity`` updated in bulk: one per
    ``(id, before, after)``, holding the columns whose values differ, as the hook
    records a change."""
    events = []
    for entity_id, before, after in changes:
        keys = [k for k in after if k not in _SKIP and before.get(k) != after[k]]
        events.append({"at": at, "user": user, "action": AuditAction.UPDATE, "entity": entity,
                       "entity_id": entity_id,
                       "before": {k: _jsonable(before.get(k)) for k in keys},
                       "after": {k: _jsonable(after[k]) for k in keys}})
    return events


# --- The chain ---------------------------------------------------------------------------

GENESIS = "0" * 64
"""The "previous hash" of the first event."""
_TABLE: Table = AuditEvent.__table__  # type: ignore[assignment]


def event_hash(previous: str, at: dt.datetime, user: str, action: Any, entity: str,
               entity_id: Any, before: Any, after: Any) -> str:
    """SHA-256 (hex) over an event's content and the previous event's hash.

    The content is canonical JSON: the time to the microsecond as stored (no zone), the
    action's value, the id in its hyphenated form, ``before`` and ``after`` with sorted
    keys. Migration 0011 holds a copy of this function for the events it found.
    """
    stamp = at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    body = json.dumps([previous, stamp, str(user), str(action), str(entity),
                       str(uuid.UUID(str(entity_id))), before, after],
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def last_hash(session: Session) -> str:
    """The hash of the newest event, read on the session's connection (no flush)."""
    value = session.connection().execute(
        select(_TABLE.c.hash).order_by(_TABLE.c.id.desc()).limit(1)).scalar()
    return str(value) if value else GENESIS


def chain_rows(session: Session, rows: list[dict[str, Any]],
               same: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Give audit rows about to be inserted in bulk, in this order, their ``hash``.

    Pending ORM objects are flushed first (their events are chained by the hook), so the
    rows follow the newest stored event. ``same`` holds the columns every row shares
    when the insert passes them separately. Returns ``rows``.
    """
    if not rows:
        return rows
    session.flush()
    previous = last_hash(session)
    shared = dict(same or {})
    for row in rows:
        full = {**shared, **row} if shared else row
        previous = event_hash(previous, full["at"], full["user"], full["action"],
                              full["entity"], full["entity_id"], full.get("before"),
                              full.get("after"))
        row["hash"] = previous
    return rows


def _chain_pending(session: Session) -> None:
    pending = [obj for obj in session.new if isinstance(obj, AuditEvent) and obj.hash is None]
    if not pending:
        return
    pending.sort(key=lambda obj: inspect(obj).insert_order or 0)
    previous = last_hash(session)
    for obj in pending:
        if obj.at is None:
            obj.at = utcnow()
        obj.before = _jsonable(obj.before) if obj.before is not None else None
        obj.after = _jsonable(obj.after) if obj.after is not None else None
        previous = event_hash(previous, obj.at, obj.user, obj.action, obj.entity,
                              obj.entity_id, obj.before, obj.after)
        obj.hash = previous


@dataclass(frozen=True, slots=True)
class ChainReport:
    events: int
    """How many events were checked."""
    first_broken: int | None
    """The id of the first event whose hash does not follow from the ones before it."""
    guarded: bool
    """Whether the database still refuses changes and deletions of events."""

    @property
    def ok(self) -> bool:
        return self.first_broken is None and self.guarded


def verify_chain(session: Session) -> ChainReport:
    """Recompute every event's hash in order; the first one that does not match.

    An event changed in place, removed (its successor no longer follows) or slipped in
    breaks the chain at that point. Reads in batches; about a second per 200,000 events.
    """
    columns = (_TABLE.c.id, _TABLE.c.at, _TABLE.c.user, _TABLE.c.action, _TABLE.c.entity,
               _TABLE.c.entity_id, _TABLE.c.before, _TABLE.c.after, _TABLE.c.hash)
    previous = GENESIS
    count = 0
    broken: int | None = None
    result = session.connection().execution_options(yield_per=5000).execute(
        select(*columns).order_by(_TABLE.c.id))
    for row in result:
        count += 1
        if broken is not None:
            continue
        action = row.action.value if isinstance(row.action, enum.Enum) else row.action
        try:
            expected = event_hash(previous, row.at, row.user, action, row.entity,
                                  row.entity_id, row.before, row.after)
        except (TypeError, ValueError, AttributeError):
            expected = ""
        if row.hash != expected:
            broken = row.id
        previous = str(row.hash or "")
    return ChainReport(count, broken, _guarded(session))


def _guarded(session: Session) -> bool:
    connection = session.connection()
    name = connection.dialect.name
    if name == "sqlite":
        found = connection.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN "
            "('audit_event_no_update', 'audit_event_no_delete')").scalar()
        return found == 2
    if name == "postgresql":
        found = connection.exec_driver_sql(  # present, and not disabled
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass "
            "AND tgname = 'audit_event_append_only' AND tgenabled <> 'D'").scalar()
        return found == 1
    return True


SETTINGS_NAMESPACE = uuid.UUID("5d0f3c1e-8a43-4c55-9e0b-2f5b7c1d9a60")


def setting_entity_id(key: str) -> uuid.UUID:
    """The id under which changes to the shared setting ``key`` are audited."""
    return uuid.uuid5(SETTINGS_NAMESPACE, key)


def _setting_events(session: Session, user: str, now: dt.datetime) -> list[AuditEvent]:
    events: list[AuditEvent] = []
    for obj in session.new:
        if isinstance(obj, AppSetting):
            events.append(AuditEvent(at=now, user=user, action=AuditAction.CREATE,
                                     entity="app_setting", entity_id=setting_entity_id(obj.key),
                                     before=None,
                                     after={"key": obj.key, "value": _jsonable(obj.value)}))
    for obj in session.dirty:
        if isinstance(obj, AppSetting) and session.is_modified(obj):
            before, after = _changes(obj)
            if "value" in after:
                events.append(AuditEvent(
                    at=now, user=user, action=AuditAction.UPDATE, entity="app_setting",
                    entity_id=setting_entity_id(obj.key),
                    before={"key": obj.key, "value": before["value"]},
                    after={"key": obj.key, "value": after["value"]}))
    return events


def before_flush(session: Session, _context: Any, _instances: Any) -> None:
    user = str(session.info.get("user") or "unknown")
    now = utcnow()
    events: list[AuditEvent] = _setting_events(session, user, now)
    for obj in session.new:
        if isinstance(obj, Audited):
            if getattr(obj, "id", None) is None:
                obj.id = uuid.uuid4()  # type: ignore[attr-defined]
            events.append(AuditEvent(at=now, user=user, action=AuditAction.CREATE,
                                     entity=obj.__tablename__,  # type: ignore[attr-defined]
                                     entity_id=obj.id,  # type: ignore[attr-defined]
                                     before=None, after=created_values(snapshot(obj))))
    for obj in session.dirty:
        if not isinstance(obj, Audited) or not session.is_modified(obj):
            continue
        before, after = _changes(obj)
        if not after and not before:
            continue
        action = AuditAction.UPDATE
        if "deleted_at" in after:
            action = AuditAction.DELETE if after["deleted_at"] else AuditAction.RESTORE
        events.append(AuditEvent(at=now, user=user, action=action,
                                 entity=obj.__tablename__,  # type: ignore[attr-defined]
                                 entity_id=obj.id,  # type: ignore[attr-defined]
                                 before=before, after=after))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            events.append(AuditEvent(at=now, user=user, action=AuditAction.DELETE,
                                     entity=obj.__tablename__,  # type: ignore[attr-defined]
                                     entity_id=obj.id,  # type: ignore[attr-defined]
                                     before=snapshot(obj), after=None))
    session.add_all(events)
    _chain_pending(session)
