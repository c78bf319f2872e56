"""The audit trail's hook on every session, registered without the data model.

Opening a database registers it before the first window, which must not wait for the
models to be imported; the trail's own module (:mod:`placement_desk.audit`) is
imported at the first flush, when there are records to audit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import event

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _before_flush(session: Session, context: Any, instances: Any) -> None:
    from . import audit

    audit.before_flush(session, context, instances)


_installed = False


def install() -> None:
    """Register the hook on every Session (idempotent)."""
    from sqlalchemy.orm import Session

    global _installed
    if not _installed:
        event.listen(Session, "before_flush", _before_flush)
        _installed = True
