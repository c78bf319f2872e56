"""The audit trail: every write to a core record adds an :class:`AuditEvent`.

A ``before_flush`` hook on all sessions looks at new, changed and deleted objects
of classes marked :class:`~placement_desk.models.Audited` and records who did it
(the session's ``info['user']``), when, and the column values before and after.
Setting ``deleted_at`` is recorded as a delete, clearing it as a restore. Shared
settings (``app_setting``: council name, QA cycles, alert deadlines) are audited
too, under the id :func:`setting_entity_id` gives their key. Imports that insert
and update thousands of rows through Core bypass the hook; they write the same
events with :func:`bulk_created` and :func:`bulk_updated`. The demo generator's
bulk loads are not audited.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from .models import AppSetting, Audited, AuditEvent
from .models.base import utcnow
from .models.enums import AuditAction

_SKIP = frozenset({"created_at", "updated_at", "version"})
_installed = False


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


def _columns(obj: Any) -> list[str]:
    return [c.key for c in inspect(obj).mapper.column_attrs if c.key not in _SKIP]


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
    ``id``, and its values but the bookkeeping columns as ``after``)."""
    return [{"at": at, "user": user, "action": AuditAction.CREATE, "entity": entity,
             "entity_id": row["id"], "before": None,
             "after": {k: _jsonable(v) for k, v in row.items() if k not in _SKIP}}
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


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
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
                                     before=None, after=snapshot(obj)))
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


def install() -> None:
    """Register the hook on every Session (idempotent)."""
    global _installed
    if not _installed:
        event.listen(Session, "before_flush", _before_flush)
        _installed = True
