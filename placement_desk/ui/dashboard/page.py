"""Dashboard: the figures the sufficiency strategies report, beside England's and the
period before, in tiles and charts that open the records behind them.

It is the page the window usually opens on, so the window is drawn first: the view
(with the KPI service and numpy; the charts' pyqtgraph later still) is imported and
built once the window has been drawn, and then works the figures out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel

from ..common.page import Page
from ..context import AppContext
from ..pages import register_page

if TYPE_CHECKING:
    from .view import DashboardView


class DashboardPage(Page):
    title = "Dashboard"
    summary = ("How good, local and stable the council's placements are, what they cost and "
               "what needs attention. Enter or a click on a figure opens its records.")
    entities = frozenset({"child", "placement_episode", "setting", "provider",
                          "ofsted_inspection", "qa_visit", "action", "agreement",
                          "agreement_version", "agreement_service", "fee_ledger",
                          "provider_document", "contract", "contract_review", "app_setting",
                          "postcode_lookup"})

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.view: DashboardView | None = None
        self.waiting = QLabel(self.tr("Working out the figures…"))
        self.body.addWidget(self.waiting, 1)
        ctx.hub.when_drawn(self._build)

    def _build(self) -> None:
        from .view import DashboardView

        self.view = DashboardView(self.ctx)
        self.body.replaceWidget(self.waiting, self.view)
        self.waiting.deleteLater()
        self.view.reload()

    def refresh(self) -> None:
        """Read the figures again (in the background); the first time, the view does once
        it is built."""
        if self.view is not None:
            self.view.reload()


@register_page("dashboard", "Dashboard", "layout-dashboard", 1)
def make_dashboard(ctx: AppContext) -> Page:
    return DashboardPage(ctx)
