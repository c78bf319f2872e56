"""The application's signal hub: writes announce what changed; pages refresh themselves.

Pages never call each other. Every commit to the database reports the tables it
wrote (:meth:`placement_desk.db.Database.on_change`), which the composition root
forwards to :attr:`Hub.changed`; every page listening refreshes if the table names
concern it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Hub(QObject):
    changed = Signal(object)
    """A frozenset of entity names (table names) that changed."""

    status_message = Signal(str)
    """A short message for the status bar."""

    def announce(self, *entities: str) -> None:
        self.changed.emit(frozenset(entities))
