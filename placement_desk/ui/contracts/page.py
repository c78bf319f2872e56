"""Contracts: the register with its alerts, occupancy and spend; contract reviews; tiers.

One page with a tab per part; each tab is its own widget module. A refresh first
adds the tracker's actions for new contract alerts (one write), then reloads the
tab shown; the others reload when they are next shown.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget

from ..common.page import Page
from ..context import AppContext
from ..hub import NavigationRequest
from ..pages import register_page

if TYPE_CHECKING:  # the tabs' modules are imported when the page is first shown
    from .review_dialog import ReviewDialog

TAB_KEY = "contracts/tab"


class ContractsPage(Page):
    title = "Contracts"
    summary = ("Contracts and who holds them, what ends soon, how full block beds are and "
               "what is spent; six-monthly contract reviews with every provider of placements; "
               "and how closely the council works with each.")
    entities = frozenset({"contract", "contract_provider", "contract_lot", "contract_rate",
                          "contract_extension", "contract_document", "contract_review",
                          "contract_review_addendum", "provider", "placement_episode",
                          "agreement_version", "action", "app_setting"})

    def __init__(self, ctx: AppContext) -> None:
        from .contracts_view import ContractsView
        from .reviews_view import ReviewsView
        from .tiers_view import TiersView

        super().__init__(ctx)
        self._today = ctx.today()
        self.contracts = ContractsView(ctx)
        self.reviews = ReviewsView(ctx)
        self.tiers = TiersView(ctx)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.contracts, self.tr("Contracts"))
        self.tabs.addTab(self.reviews, self.tr("Reviews"))
        self.tabs.addTab(self.tiers, self.tr("Relationship tiers"))
        stored = str(ctx.settings.value(TAB_KEY, 0) or 0)
        self.tabs.setCurrentIndex(int(stored) if stored.isdigit() else 0)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.contracts.open_review.connect(self.open_review)
        self._loaded: set[int] = set()
        self.body.addWidget(self.tabs, 1)

    @property
    def today(self) -> dt.date:
        return self._today

    @today.setter
    def today(self, day: dt.date) -> None:
        """The date the page works to (tests set it); every tab follows."""
        self._today = day
        for tab in (self.contracts, self.reviews, self.tiers):
            tab.today = day

    def refresh(self) -> None:
        from ...services.contracts.alerts import raise_contract_actions

        raise_contract_actions(self.ctx.db, self.today)
        self._loaded.clear()
        self._tab_changed(self.tabs.currentIndex())

    def _tab_changed(self, index: int) -> None:
        self.ctx.settings.setValue(TAB_KEY, index)
        if index in self._loaded:
            return
        self._loaded.add(index)
        tab = self.tabs.widget(index)
        if tab in (self.contracts, self.reviews, self.tiers):
            tab.reload()

    def open_request(self, request: NavigationRequest) -> None:
        """The contracts or reviews behind a figure: their tab."""
        tab = {"contracts": self.contracts, "reviews": self.reviews}.get(request.tab)
        if tab is not None:
            self.tabs.setCurrentWidget(tab)

    def open_review(self, review_id: uuid.UUID) -> ReviewDialog:
        return self.reviews.open_review(review_id)


@register_page("contracts", "Contracts", "file-text", 5)
def make_contracts(ctx: AppContext) -> Page:
    return ContractsPage(ctx)
