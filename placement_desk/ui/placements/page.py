"""Placements: children's episodes with their 903 checks, the IPAs, spend and care leavers."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTabWidget

from ..common.page import Page
from ..context import AppContext
from ..hub import NavigationRequest
from ..pages import register_page

if TYPE_CHECKING:
    from ..agreements.agreement_dialog import AgreementDialog
    from ..agreements.uplift_dialog import UpliftDialog


class PlacementsPage(Page):
    title = "Placements"
    summary = ("Where each child lives, on what terms and at what cost: placement episodes "
               "with their SSDA903 checks, Individual Placement Agreements (IPAs), weeks and "
               "spend, and care leavers' accommodation.")
    entities = frozenset({"child", "placement_episode", "agreement", "agreement_version",
                          "agreement_service", "setting"})

    def __init__(self, ctx: AppContext, today: dt.date | None = None) -> None:
        super().__init__(ctx)
        # The tabs' modules are imported here, when the page is first shown, not at start.
        from ..agreements.agreements_view import AgreementsView
        from .episodes_view import EpisodesView
        from .placement_reports import CareLeaversView, SpendView

        self.today = today or ctx.today()
        self.user = ctx.db.user
        self.episodes = EpisodesView(ctx.db, ctx.settings, ctx.tasks.start, self.today)
        self.agreements = AgreementsView(ctx.db, ctx.settings)
        self.spend = SpendView(ctx.db, ctx.settings, self.today, ctx.tasks.start)
        self.leavers = CareLeaversView(ctx.db, self.today, ctx.tasks.start)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.episodes, self.tr("Placements"))
        self.tabs.addTab(self.agreements, self.tr("Agreements (IPAs)"))
        self.tabs.addTab(self.spend, self.tr("Weeks and spend"))
        self.tabs.addTab(self.leavers, self.tr("Care leavers"))
        self.tabs.setCurrentIndex(int(str(ctx.settings.value("placements/tab", 0) or 0)))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.import_button = QPushButton(self.tr("Import SSDA903 files…"))
        self.import_button.setToolTip(self.tr("Add children and episodes from the header and "
                                              "episodes files of the SSDA903 return"))
        self.import_button.clicked.connect(self.open_import)
        from ...services.users.roles import Permission
        from ..common.permissions import guard

        guard(self.import_button, ctx.db, Permission.IMPORT_DATA, Permission.EDIT_PLACEMENTS)
        # Beside the tabs rather than on a row of its own: small screens need the height.
        self.tabs.setCornerWidget(self.import_button, Qt.Corner.TopRightCorner)
        self.body.addWidget(self.tabs, 1)
        self.episodes.open_agreement.connect(self.open_agreement)
        self.episodes.new_agreement.connect(self.new_agreement)
        self.agreements.open_agreement.connect(self.open_agreement)
        self.agreements.uplift.connect(self.open_uplift)
        self._loaded: set[int] = set()

    def refresh(self) -> None:
        self._loaded.clear()
        self._tab_changed(self.tabs.currentIndex())

    def _tab_changed(self, index: int) -> None:
        self.ctx.settings.setValue("placements/tab", index)
        if index in self._loaded:
            return
        self._loaded.add(index)
        view = self.tabs.widget(index)
        if view is self.episodes:
            self.episodes.reload()
        elif view is self.agreements:
            self.agreements.reload()
        elif view is self.spend:
            self.spend.refresh()
        elif view is self.leavers:
            self.leavers.refresh()

    def open_request(self, request: NavigationRequest) -> None:
        """The placements behind a figure: the Placements tab, narrowed to them."""
        self.tabs.setCurrentWidget(self.episodes)
        self.episodes.show_records(request.filters, request.ids, request.label)
        self.episodes.table.setFocus()

    def _agreement_dialog(self, **kw: object) -> AgreementDialog:
        from ..agreements.agreement_dialog import AgreementDialog

        dialog = AgreementDialog(self.ctx.db, self.user, self.today, parent=self,
                                 **kw)  # type: ignore[arg-type]

        dialog.show()
        return dialog

    def open_agreement(self, agreement_id: uuid.UUID) -> AgreementDialog:
        return self._agreement_dialog(agreement_id=agreement_id)

    def new_agreement(self, episode_id: uuid.UUID) -> AgreementDialog:
        return self._agreement_dialog(episode_id=episode_id)

    def open_uplift(self, ids: list[uuid.UUID]) -> UpliftDialog:
        from ..agreements.uplift_dialog import UpliftDialog

        dialog = UpliftDialog(self.ctx.db, ids, self.user, self.today, parent=self)
        dialog.show()
        return dialog

    def open_import(self) -> object:
        from .ssda903_import_dialog import Ssda903ImportDialog

        dialog = Ssda903ImportDialog(
            self.ctx.db, self.ctx.tasks.start, self)
        dialog.show()
        return dialog


@register_page("placements", "Placements", "bed", 3)
def make_placements(ctx: AppContext) -> Page:
    return PlacementsPage(ctx)
