"""The frame every page shares: a title, a one-line summary, and refresh on change."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..context import AppContext
from ..hub import NavigationRequest


class Page(QWidget):
    """Subclasses fill :attr:`body` and implement :meth:`refresh`."""

    title = "Page"
    summary = ""
    entities: frozenset[str] = frozenset()
    """Entity names whose change makes this page refresh."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._stale = True
        self.heading = QLabel(self.title)
        self.heading.setObjectName("pageTitle")  # the style sheet's page title size
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setAccessibleName(self.title)
        self.summary_label = QLabel(self.summary)
        self.summary_label.setObjectName("pageSummary")
        self.summary_label.setWordWrap(True)
        self.body = QVBoxLayout()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 12)  # the 4-pixel grid
        outer.setSpacing(4)
        outer.addWidget(self.heading)
        outer.addWidget(self.summary_label)
        outer.addSpacing(12)
        outer.addLayout(self.body, 1)
        ctx.hub.changed.connect(self._on_changed)

    def _on_changed(self, entities: frozenset[str]) -> None:
        if not self.entities or entities & self.entities:
            self._stale = True
            if self.isVisible():
                self.refresh_if_stale()

    def refresh_if_stale(self) -> None:
        if self._stale:
            self._stale = False
            self.refresh()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        self.refresh_if_stale()

    def force_refresh(self) -> None:
        self._stale = True
        self.refresh_if_stale()

    def refresh(self) -> None:
        """Reload what the page shows from the services."""

    def open_request(self, request: NavigationRequest) -> None:
        """Show what another page asked for (its list narrowed to some records); the
        shell has shown the page first. A page with nothing to narrow does nothing."""
