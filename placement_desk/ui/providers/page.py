"""Providers: the register of settings, their Ofsted ratings, risk and documents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton

from ..common.page import Page
from ..context import AppContext
from ..hub import NavigationRequest
from ..pages import register_page

if TYPE_CHECKING:
    from .ofsted_import_dialog import OfstedImportDialog


class ProvidersPage(Page):
    title = "Providers"
    summary = ("Every setting the council knows: Ofsted ratings, risk level and whether a "
               "child is placed there. Search, filter, open a setting with Enter.")
    entities = frozenset({"setting", "provider", "ofsted_inspection", "placement_episode",
                          "qa_visit", "action", "provider_document"})

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        from .area_figures_panel import AreaFiguresPanel  # when the page is first shown
        from .providers_view import ProvidersView

        self.view = ProvidersView(ctx.db, ctx.settings, start_task=ctx.tasks.start,
                                  today=ctx.today)
        self.import_button = QPushButton(self.tr("Import Ofsted files…"))
        self.import_button.setToolTip(self.tr("Update the register from Ofsted's published "
                                              "provider-level data"))
        self.import_button.clicked.connect(self.open_import)
        from ...services.users.roles import Permission
        from ..common.permissions import guard

        guard(self.import_button, ctx.db, Permission.IMPORT_DATA, Permission.EDIT_REGISTER)
        self.figures = AreaFiguresPanel(ctx.db, ctx.settings)
        top = QHBoxLayout()
        top.addWidget(self.figures, 1)
        top.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignTop)
        self.body.addLayout(top)
        self.body.addWidget(self.view, 1)

    def refresh(self) -> None:
        self.view.reload(self.ctx.today())
        self.figures.reload()

    def open_request(self, request: NavigationRequest) -> None:
        """The settings behind a figure: the register narrowed to them."""
        self.view.show_records(request.filters, request.ids, request.label)
        self.view.table.setFocus()

    def open_import(self) -> OfstedImportDialog:
        from .ofsted_import_dialog import OfstedImportDialog

        dialog = OfstedImportDialog(
            self.ctx.db, self.ctx.tasks.start, self)
        dialog.show()
        return dialog


@register_page("providers", "Providers", "building-community", 2)
def make_providers(ctx: AppContext) -> Page:
    return ProvidersPage(ctx)
