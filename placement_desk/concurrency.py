"""Optimistic concurrency: a form's save is refused when someone else saved the record
after the form read it, naming who and when, with both versions to compare.

Every entity has a version counter that SQLAlchemy raises on each update and checks in
the update's ``WHERE`` (``version_id_col``): two transactions that both read a record
and both write it cannot both succeed; the second fails with ``StaleDataError``, which
:meth:`placement_desk.db.Database.write` turns into :class:`ConcurrentEdit`. A form
holds a record for minutes, not a transaction: it keeps the counter it read
(``row_version``) and its save passes it to :func:`expect_unchanged`, which refuses the
save if the counter moved, saying who changed the record and when (from the audit
trail) and what they saved beside what this save would have written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .audit import snapshot
from .errors import ConcurrentEdit, UserError
from .models import AuditEvent

Describe = Callable[[Any], dict[str, Any]]


def last_change(session: Session, record: Any) -> tuple[str | None, dt.datetime | None]:
    """Who last changed ``record`` and when (UTC), from the audit trail."""
    with session.no_autoflush:
        found = session.execute(
            select(AuditEvent.user, AuditEvent.at)
            .where(AuditEvent.entity == record.__tablename__,
                   AuditEvent.entity_id == record.id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1)).first()
    return (found[0], found[1]) if found else (None, None)


def when_text(at: dt.datetime | None) -> str:
    """A UTC audit time as the officer's local "14:32 on 07/03/2026"."""
    if at is None:
        return "a moment ago"
    local = at.replace(tzinfo=dt.UTC).astimezone()
    return f"{local:%H:%M} on {local:%d/%m/%Y}"


def conflict(session: Session, record: Any, what: str, *, theirs: dict[str, Any],
             mine: dict[str, Any]) -> ConcurrentEdit:
    by, at = last_change(session, record)
    who = by or "Someone else"
    return ConcurrentEdit(
        f"{who} saved this {what} at {when_text(at)}, after you opened it. Nothing of "
        "yours was saved: compare the two versions, then keep yours or take theirs.",
        entity=record.__tablename__, changed_by=by, changed_at=at, theirs=theirs,
        mine=mine, current_version=record.version)


def expect_unchanged(session: Session, record: Any, row_version: int | None, what: str, *,
                     apply: Callable[[], object] | None = None,
                     describe: Describe = snapshot) -> None:
    """Refuse a save whose form read ``record`` at another ``row_version``.

    ``apply`` makes the form's changes on the record (it is run only to show what this
    save would have written, and rolled back with the refusal); ``describe`` gives a
    record's values by field (default: its audited columns). ``row_version`` None (a
    form that did not say) saves as before.
    """
    if row_version is None or record.version == row_version:
        return
    theirs = describe(record)
    mine = theirs
    if apply is not None:
        with session.no_autoflush:
            try:
                apply()
                mine = describe(record)
            except UserError:
                pass  # their record no longer takes these changes: show theirs alone
    raise conflict(session, record, what, theirs=theirs, mine=mine)


def stale_save() -> ConcurrentEdit:
    """Two saves of one record at the same moment: the second transaction's update found
    the record already changed (SQLAlchemy's ``StaleDataError``)."""
    return ConcurrentEdit(
        "Someone else saved this record at the same moment as you. Nothing of yours was "
        "saved: open it again to see their changes, then make yours.")
