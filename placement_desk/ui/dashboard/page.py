"""Dashboard: the figures the sufficiency strategies report, beside England's and the
period before, in tiles and charts that open the records behind them.

The view (and the charts' pyqtgraph) is imported when the page is first shown; the
figures are worked out once the window has been drawn (it is the page the window
usually opens on).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
        from .view import DashboardView

        self.view: DashboardView = DashboardView(ctx)
        self.body.addWidget(self.view, 1)

    def refresh(self) -> None:
        """Read the figures again (in the background, once the window is drawn)."""
        self.ctx.hub.when_drawn(self.view.reload)


@register_page("dashboard", "Dashboard", "layout-dashboard", 1)
def make_dashboard(ctx: AppContext) -> Page:
    return DashboardPage(ctx)
