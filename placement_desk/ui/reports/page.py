"""Reports: a provider's review pack, the packs for reviews due, and the sufficiency appendix."""

from __future__ import annotations

from ..common.page import Page
from ..context import AppContext
from ..pages import register_page


class ReportsPage(Page):
    title = "Reports"
    summary = ("Print what managers take into meetings and commissioners build strategies on: "
               "a provider's review pack, the packs for every contract review due, and the "
               "sufficiency strategy's needs-analysis appendix.")
    entities = frozenset({"provider"})

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        from .reports_view import ReportsView  # when the page is first shown

        self.view = ReportsView(ctx)
        self.body.addWidget(self.view, 1)

    def refresh(self) -> None:
        self.view.reload()


@register_page("reports", "Reports", "report-analytics", 6)
def make_reports(ctx: AppContext) -> Page:
    return ReportsPage(ctx)
