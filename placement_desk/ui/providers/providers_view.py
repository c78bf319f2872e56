"""The Providers page body: the register of settings with filters, a table and details.

Filter bar (search first, then combos, clear, count), a sortable table and a
detail panel; Enter or double-click edits, Ctrl+N adds, Ctrl+E exports the
current view, Ctrl+F searches. Filters are remembered across restarts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from PySide6.QtCore import QItemSelection, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from ...models.enums import Judgement, RegistrationStatus, RiskLevel, Sector, SettingType
from ...services.common.formatting import date_short
from ...services.register.listing import (
    SettingRow,
    export_table,
    latest_judgement_text,
    list_settings,
)
from ...services.register.settings import setting_detail
from ..common.list_table import list_table
from ..common.rows import ID_ROLE, Column, RowTableModel
from ..common.shortcuts import local_shortcuts
from .setting_detail import SettingDetailTabs
from .settings_filter import SettingFilters, SettingsFilterProxy

SETTINGS_PREFIX = "providers/filters/"


def _label(value: Any) -> str:
    return str(getattr(value, "label", "") or "")


COLUMNS: list[Column[SettingRow]] = [
    Column("URN", lambda r: r.urn or "", tooltip="Unique Reference Number given by Ofsted"),
    Column("Name", lambda r: r.name),
    Column("Type", lambda r: _label(r.setting_type)),
    Column("Provider", lambda r: r.provider_name or r.owner_name or ""),
    Column("Status", lambda r: _label(r.registration_status)),
    Column("Latest judgement",
           lambda r: latest_judgement_text(r.latest_judgement, r.other_judgement),
           sort=lambda r: r.latest_judgement.rank if r.latest_judgement else -1,
           tooltip="The overall effectiveness judgement of the latest full inspection; "
                   "a setting never judged at a full inspection shows its latest other "
                   "judgement, with the kind of inspection that gave it"),
    Column("Inspected", lambda r: date_short(r.latest_inspection_date),
           sort=lambda r: r.latest_inspection_date),
    Column("Risk", lambda r: _label(r.risk_level),
           sort=lambda r: {"high": 3, "medium": 2, "low": 1}.get(
               r.risk_level.value if r.risk_level else "", 0)),
    Column("In use", lambda r: "In use" if r.in_use else "", sort=lambda r: r.in_use),
    Column("Monitoring", lambda r: "Enhanced" if r.enhanced_monitoring else "",
           tooltip="Enhanced monitoring after a rating alert"),
    Column("Local authority", lambda r: r.local_authority or ""),
    Column("Postcode", lambda r: r.postcode or ""),
]


class ProvidersView(QWidget):
    """Emits :attr:`changed` after a save so other pages can refresh."""

    changed = Signal()

    def __init__(self, sessions: sessionmaker[Session], settings: QSettings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sessions = sessions
        self.settings = settings
        self.model: RowTableModel[SettingRow] = RowTableModel(COLUMNS, lambda r: r.id)
        self.proxy = SettingsFilterProxy(self.model)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name, URN, postcode, provider or owner"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search settings"))
        self.combos: dict[str, QComboBox] = {}
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        combos = QGridLayout()
        for key, label, choices in (
            ("setting_type", self.tr("All types"), SettingType.choices()),
            ("sector", self.tr("All sectors"), Sector.choices()),
            ("status", self.tr("Any status"), RegistrationStatus.choices()),
            ("judgement", self.tr("Any judgement"),
             [*Judgement.choices(), ("none", "Not yet judged")]),
            ("local_authority", self.tr("Any local authority"), []),
            ("in_use", self.tr("In use or not"), [("yes", "In use"), ("no", "Not in use")]),
            ("risk", self.tr("Any risk"), RiskLevel.choices()),
            ("enhanced", self.tr("Any monitoring"),
             [("yes", "Enhanced monitoring"), ("no", "Normal monitoring")]),
        ):
            combo = QComboBox()
            combo.addItem(label, "")
            for value, text in choices:
                combo.addItem(text, value)
            combo.setAccessibleName(label)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
            combo.currentIndexChanged.connect(self.apply_filters)
            self.combos[key] = combo
            n = len(self.combos) - 1
            combos.addWidget(combo, n // 4, n % 4)
        self.clear_button = QPushButton(self.tr("Clear filters"))
        self.clear_button.clicked.connect(self.clear_filters)
        bar.addWidget(self.clear_button)
        self.count = QLabel()
        actions = QHBoxLayout()
        actions.addWidget(self.count, 1)
        self.new_button = QPushButton(self.tr("New setting"))
        self.new_button.setToolTip("Ctrl+N")
        self.export_button = QPushButton(self.tr("Export view…"))
        self.export_button.setToolTip(self.tr("Save the rows shown to Excel (Ctrl+E)"))
        actions.addWidget(self.new_button)
        actions.addWidget(self.export_button)
        self.table = list_table(self.proxy, self.tr("Settings"),
                                (90, 220, 150, 180, 150, 220, 85, 65, 60, 85, 140))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.empty = QLabel(self.tr(
            "No settings yet. Import Ofsted's provider-level file with \"Import Ofsted "
            "files…\" to build the register, or add a setting with New setting (Ctrl+N)."))
        self.empty.setWordWrap(True)
        self.empty.setVisible(False)
        self.detail = SettingDetailTabs()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(combos)
        layout.addLayout(actions)
        layout.addWidget(self.empty)
        layout.addWidget(split, 1)
        self.search.textChanged.connect(self._search_later)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self.apply_filters)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.new_button.clicked.connect(self.new_setting)
        self.export_button.clicked.connect(self.export_view)
        local_shortcuts(self, ((QKeySequence.StandardKey.Find, self.search.setFocus),
                               (QKeySequence.StandardKey.New, self.new_setting),
                               ("Ctrl+E", self.export_view),
                               (Qt.Key.Key_Return, self.edit_selected)))
        self._restore_filters()

    # -- data ----------------------------------------------------------------------

    def reload(self, today: dt.date | None = None) -> None:
        keep = self.selected_id()
        with self.sessions() as session:
            rows = list_settings(session, today)
        self.model.set_rows(rows)
        authorities = sorted({r.local_authority for r in rows if r.local_authority})
        combo = self.combos["local_authority"]
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("Any local authority"), "")
        for name in authorities:
            combo.addItem(name, name)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)
        self.apply_filters()
        if keep is not None:
            self.select_id(keep)

    def filters(self) -> SettingFilters:
        values = {k: str(c.currentData() or "") for k, c in self.combos.items()}
        return SettingFilters(
            text=self.search.text(), setting_type=values["setting_type"],
            sector=values["sector"], status=values["status"], judgement=values["judgement"],
            local_authority=values["local_authority"], in_use=values["in_use"],
            risk=values["risk"], enhanced=values["enhanced"])

    def _search_later(self) -> None:
        self._debounce.start()

    def apply_filters(self) -> None:
        self._debounce.stop()
        filters = self.filters()
        self.proxy.set_filters(filters)
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(self.tr("{shown} of {total} settings").format(
            shown=f"{shown:,}", total=f"{total:,}"))
        self.clear_button.setEnabled(not filters.is_clear())
        self.empty.setVisible(total == 0)
        self._save_filters()

    def clear_filters(self) -> None:
        for combo in self.combos.values():
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.clear()
        self.apply_filters()

    def _save_filters(self) -> None:
        self.settings.setValue(SETTINGS_PREFIX + "text", self.search.text())
        for key, combo in self.combos.items():
            self.settings.setValue(SETTINGS_PREFIX + key, combo.currentData() or "")

    def _restore_filters(self) -> None:
        self.search.blockSignals(True)
        self.search.setText(str(self.settings.value(SETTINGS_PREFIX + "text", "") or ""))
        self.search.blockSignals(False)
        for key, combo in self.combos.items():
            value = self.settings.value(SETTINGS_PREFIX + key, "")
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)

    # -- selection and detail ---------------------------------------------------------

    def selected_id(self) -> uuid.UUID | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ID_ROLE) if rows else None

    def select_id(self, setting_id: uuid.UUID) -> None:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(ID_ROLE) == setting_id:
                self.table.selectRow(row)
                self.table.scrollTo(index)
                return

    def _selected(self, _new: QItemSelection, _old: QItemSelection) -> None:
        setting_id = self.selected_id()
        if setting_id is None:
            self.detail.show_empty()
            return
        self.detail.show_detail(setting_detail(self.sessions, setting_id))

    # -- actions ---------------------------------------------------------------------------

    def new_setting(self) -> None:
        from .setting_dialog import SettingDialog

        dialog = SettingDialog(self.sessions, None, self)
        if dialog.exec() and dialog.saved_id:
            self.reload()
            self.select_id(dialog.saved_id)
            self.changed.emit()

    def edit_selected(self, _index: QModelIndex | None = None) -> None:
        setting_id = self.selected_id()
        if setting_id is None:
            return
        from .setting_dialog import SettingDialog

        dialog = SettingDialog(self.sessions, setting_id, self)
        if dialog.exec():
            self.reload()
            self.changed.emit()

    def visible_rows(self) -> list[SettingRow]:
        from ..common.rows import ROW_ROLE

        return [self.proxy.index(r, 0).data(ROW_ROLE) for r in range(self.proxy.rowCount())]

    def export_view(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export the settings shown"), "settings.xlsx",
            self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"))
        if name:
            self.export_to(name)

    def export_to(self, path: str) -> None:
        from ...io.table_export import write_table

        headings, table = export_table(self.visible_rows())
        write_table(path, headings, table, sheet="Settings")
