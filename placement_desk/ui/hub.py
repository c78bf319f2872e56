"""The application's signal hub: writes announce what changed; pages refresh themselves.

Pages never call each other. A page that saves something emits
``hub.changed.emit({"setting"})``; every page listening refreshes if the entity
names concern it.
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
