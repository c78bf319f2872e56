"""The fee ledger's part in opening a database, without the data model.

Start-up must not import the models on the way to the first window (they cost about a
tenth of a second), yet every session must keep the ledger in step from the first
flush. So this module registers the session hook with trampolines that import
:mod:`~placement_desk.services.agreements.fee_ledger` at the first flush (there are
models in the session by then), and reads the formula the ledger was built with
through a table clause of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Engine, column, event, select, table

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

FORMULA = 1
"""Raise this when the ledger's entries change meaning: every database's ledger is
rebuilt the next time it is opened."""
FORMULA_KEY = "fee_ledger.formula"
"""The ``app_setting`` holding the formula a database's ledger was built with."""

_SETTINGS = table("app_setting", column("key"), column("value", JSON))


def built_with_current_formula(engine: Engine) -> bool:
    """Whether the database's ledger was built with :data:`FORMULA` (one plain read)."""
    with engine.connect() as conn:
        built = conn.execute(select(_SETTINGS.c.value)
                             .where(_SETTINGS.c.key == FORMULA_KEY)).scalar()
    return bool(built == FORMULA)


def _touched(session: Session, context: Any) -> None:
    from . import fee_ledger

    fee_ledger.note_touched(session, context)


def _flushed(session: Session, context: Any) -> None:
    from . import fee_ledger

    fee_ledger.bring_up_to_date(session, context)


_installed = False


def install() -> None:
    """Register the hook on every Session (idempotent)."""
    from sqlalchemy.orm import Session

    global _installed
    if not _installed:
        event.listen(Session, "after_flush", _touched)
        event.listen(Session, "after_flush_postexec", _flushed)
        _installed = True
