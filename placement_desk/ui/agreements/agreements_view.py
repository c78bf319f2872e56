"""The list of Individual Placement Agreements, with the annual uplift for the ones chosen."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...models.enums import AgreementStatus
from ...services.agreements.ipa import AgreementRow, list_agreements
from ...services.common.formatting import date_short, money
from ..common.fast_rows import FastRowsModel
from ..common.fields import Combo
from ..common.list_table import list_table
from ..common.rows import Column

PREFIX = "placements/agreements/"
COLUMNS: list[Column[AgreementRow]] = [
    Column("Reference", lambda r: r.reference),
    Column("Child", lambda r: r.child_ref),
    Column("Setting", lambda r: r.setting_name or ""),
    Column("URN", lambda r: r.urn or ""),
    Column("Version", lambda r: str(r.version_no), sort=lambda r: r.version_no,
           tooltip="The version in force"),
    Column("Status", lambda r: r.status.label, tooltip="The status of the version in force"),
    Column("Pending variation", lambda r: r.pending_text,
           sort=lambda r: r.pending_version_no or 0,
           tooltip="A later version being drawn up or signed; the version in force applies "
                   "until it is made active"),
    Column("Start", lambda r: date_short(r.start_date), sort=lambda r: r.start_date),
    Column("End", lambda r: date_short(r.end_date), sort=lambda r: r.end_date),
    Column("Weekly fee", lambda r: money(r.weekly_fee_pence), sort=lambda r: r.weekly_fee_pence,
           align_right=True, tooltip="Fee per week of the version in force, without services"),
]


class AgreementsView(QWidget):
    open_agreement = Signal(object)
    uplift = Signal(list)

    def __init__(self, db: Database, settings: QSettings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.settings = db, settings
        self.model: FastRowsModel[AgreementRow] = FastRowsModel(COLUMNS, lambda r: r.id)
        self._hays: list[str] = []
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search reference, child, setting or URN"))
        self.search.setClearButtonEnabled(True)
        self.status = Combo()
        self.status.addItem(self.tr("Any status"), "")
        for value, label in AgreementStatus.choices():
            self.status.addItem(label, value)
        self.status.setCurrentIndex(max(0, self.status.findData(
            settings.value(PREFIX + "status", ""))))
        self.search.setText(str(settings.value(PREFIX + "text", "") or ""))
        self.count = QLabel()
        self.open_button = QPushButton(self.tr("Open…"))
        self.open_button.setToolTip(self.tr("Open the selected agreement (Enter)"))
        self.uplift_button = QPushButton(self.tr("Annual uplift…"))
        self.uplift_button.setToolTip(self.tr(
            "Raise the fees of the selected agreements (or of every active one shown)"))
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.status)
        bar.addWidget(self.count)
        bar.addWidget(self.open_button)
        bar.addWidget(self.uplift_button)
        self.table = list_table(self.model, self.tr("Agreements"),
                                (130, 95, 200, 85, 60, 130, 150, 85, 85), many=True)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.empty = QLabel(self.tr("No agreements yet. Choose a placement on the Placements "
                                    "tab and press \"New IPA…\" to draw one up."))
        self.empty.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.empty)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._debounce.start)
        self.status.currentIndexChanged.connect(self.apply_filters)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.open_button.clicked.connect(self.open_selected)
        self.uplift_button.clicked.connect(self._uplift)
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(self.open_selected)

    def reload(self) -> None:
        rows = list_agreements(self.db)
        self._hays = [" ".join(p for p in (r.reference, r.child_ref, r.setting_name, r.urn)
                               if p).casefold() for r in rows]
        self.model.set_rows(rows, self._filtered(rows))
        self._after()

    def _filtered(self, rows: list[AgreementRow]) -> list[int]:
        words = self.search.text().casefold().split()
        status = str(self.status.currentData() or "")
        return [n for n, r in enumerate(rows)
                if all(w in self._hays[n] for w in words)
                and (not status or r.status.value == status)]

    def apply_filters(self) -> None:
        self._debounce.stop()
        self.model.set_shown(self._filtered(self.model.all_rows))
        self.settings.setValue(PREFIX + "text", self.search.text())
        self.settings.setValue(PREFIX + "status", self.status.currentData() or "")
        self._after()

    def _after(self) -> None:
        self.count.setText(self.tr("{shown} of {total} agreements").format(
            shown=f"{len(self.model.shown):,}", total=f"{len(self.model.all_rows):,}"))
        self.empty.setVisible(not self.model.all_rows)

    def selected_ids(self) -> list[uuid.UUID]:
        return [self.model.row_at(i.row()).id
                for i in self.table.selectionModel().selectedRows()]

    def open_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.open_agreement.emit(ids[0])

    def _uplift(self) -> None:
        ids = self.selected_ids() or [r.id for r in self.model.visible()
                                      if r.status == AgreementStatus.ACTIVE]
        if ids:
            self.message.setVisible(False)
            self.uplift.emit(ids)
            return
        self.message.setText(self.tr(
            "No active agreement to uplift: none is chosen, and none of the agreements "
            "listed is active. Choose the agreements to uplift, or clear the filters."))
        self.message.setVisible(True)

