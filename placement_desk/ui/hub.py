"""The application's signal hub: every commit says what changed; pages refresh themselves.

Pages never call each other. Every commit to the database reports the tables it
wrote (:meth:`placement_desk.db.Database.on_change`); the composition root hands
them to :meth:`Hub.tables_written`, from whichever thread committed. The hub
gathers what arrives until the GUI thread next runs its event loop and then emits
:attr:`Hub.changed` once, on the GUI thread, with all of it: a page whose entities
include one of those tables refreshes itself. Nobody lists by hand what changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot


@dataclass(frozen=True)
class NavigationRequest:
    """"Show this page's list, narrowed to these records": one view asks through the hub
    (:attr:`Hub.navigate`), the shell shows the page, and the page sets its own filter bar
    (:meth:`~placement_desk.ui.common.page.Page.open_request`). Views never call each other.
    """

    page: str
    """The page's key (``placements``, ``providers``, ``qa``, ``contracts``...)."""
    tab: str = ""
    """A tab of the page, by the page's own name for it (``actions``, ``reviews``...)."""
    filters: tuple[tuple[str, Any], ...] = ()
    """Values for the list's filter bar, by key."""
    ids: frozenset[str] | None = None
    """Only these records (ids as stored: 32 hex digits); None: what the filters show."""
    label: str = ""
    """Says whose list it is: "Children looked after on 31/03/2026: fostering"."""


class Hub(QObject):
    changed = Signal(object)
    """A frozenset of the table names written since the last emission."""

    status_message = Signal(str)
    """A short message for the status bar."""

    drawn = Signal()
    """The main window has been drawn for the first time (once)."""

    navigate = Signal(object)
    """A :class:`NavigationRequest`: show a page's list narrowed to some records."""

    _pending_ready = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: set[str] = set()
        self._scheduled = False
        self._pending_ready.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.window_drawn = False

    def mark_drawn(self) -> None:
        """The main window says it has been drawn: what waited for that runs now."""
        if not self.window_drawn:
            self.window_drawn = True
            self.drawn.emit()

    def when_drawn(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once the main window has first been drawn (now, if it has), so that
        work a page starts as it is shown does not hold up the first paint."""
        if self.window_drawn:
            fn()
        else:
            self.drawn.connect(fn, Qt.ConnectionType.SingleShotConnection)

    def tables_written(self, tables: frozenset[str]) -> None:
        """Note a commit's tables (any thread); :attr:`changed` follows on the GUI thread."""
        with self._lock:
            self._pending |= tables
            if self._scheduled:
                return
            self._scheduled = True
        self._pending_ready.emit()

    @Slot()
    def _deliver(self) -> None:
        with self._lock:
            tables, self._pending, self._scheduled = frozenset(self._pending), set(), False
        if tables:
            self.changed.emit(tables)
