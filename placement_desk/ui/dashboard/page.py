"""Dashboard: headline figures and rating alerts at a glance.

The figures are read in the background once the page is shown (it is the page the
window usually opens on, so the window is drawn first and the numbers follow).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QListWidget,
    QVBoxLayout,
)

from ...services.common.formatting import date_short, percent_of
from ...services.dashboard.headlines import Headlines, headlines
from ..common.page import Page
from ..context import AppContext
from ..pages import register_page
from ..tasks import LatestRequest


class Tile(QFrame):
    """A headline number with its label underneath."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("–")
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label = QLabel(label)
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.value)
        layout.addWidget(self.label)

    def set(self, text: str) -> None:
        self.value.setText(text)
        self.setAccessibleName(f"{self.label.text()}: {text}")


class DashboardPage(Page):
    title = "Dashboard"
    summary = "Where the council's children are placed, how good those places are, and what " \
              "needs attention."

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.tiles = {
            "children": Tile(self.tr("Children placed today")),
            "placements": Tile(self.tr("Live placements")),
            "in_use": Tile(self.tr("Settings in use")),
            "good": Tile(self.tr("Settings in use rated Good or Outstanding")),
            "open_actions": Tile(self.tr("Open actions")),
            "overdue": Tile(self.tr("Overdue actions")),
        }
        grid = QGridLayout()
        for i, tile in enumerate(self.tiles.values()):
            grid.addWidget(tile, i // 3, i % 3)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        self.body.addLayout(grid)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setVisible(False)  # until the figures say the database is empty
        self.body.addWidget(self.empty)
        self.alerts_title = QLabel(self.tr("Rating alerts"))
        bold = QFont(self.alerts_title.font())
        bold.setBold(True)
        self.alerts_title.setFont(bold)
        self.alerts = QListWidget()
        self.alerts.setAccessibleName(self.tr("Rating alerts"))
        self.body.addWidget(self.alerts_title)
        self.body.addWidget(self.alerts, 1)
        self.last: Headlines | None = None
        self.reader = LatestRequest(self, ctx.tasks.start)

    def refresh(self) -> None:
        """Read the figures in the background once the window is drawn; they replace the
        tiles' when they come."""
        self.ctx.hub.when_drawn(self._read)

    def _read(self) -> None:
        db, today = self.ctx.db, self.ctx.today()
        self.reader.run(self.tr("Reading the headline figures"), lambda: headlines(db, today),
                        self._show, self._failed)

    def _failed(self, _exc: BaseException) -> None:
        self.empty.setText(self.tr("The figures could not be read; the details are in the "
                                   "log. Press F5 to try again."))
        self.empty.setVisible(True)

    def _show(self, figures: Headlines) -> None:
        self.last = figures
        self.tiles["children"].set(f"{figures.children_placed:,}")
        self.tiles["placements"].set(f"{figures.live_placements:,}")
        self.tiles["in_use"].set(f"{figures.settings_in_use:,}")
        self.tiles["good"].set(percent_of(figures.good_or_better, figures.regulated_in_use))
        self.tiles["open_actions"].set(f"{figures.open_actions:,}")
        self.tiles["overdue"].set(f"{figures.overdue_actions:,}")
        self.empty.setVisible(figures.empty)
        self.empty.setText(self.tr(
            "No data yet. Import Ofsted's provider-level file to build the register "
            "(placement-desk import ofsted FILE), or explore a demo database made with "
            "placement-desk demo."))
        self.alerts.clear()
        for alert in figures.alerts:
            change = f": {alert.change}" if alert.change else ""
            self.alerts.addItem(f"{date_short(alert.raised_on)}  {alert.kind} — "
                                f"{alert.setting_name} ({alert.urn or 'no URN'}){change}")
        if not figures.alerts:
            self.alerts.addItem(self.tr("No open rating alerts."))


@register_page("dashboard", "Dashboard", "layout-dashboard", 1)
def make_dashboard(ctx: AppContext) -> Page:
    return DashboardPage(ctx)
