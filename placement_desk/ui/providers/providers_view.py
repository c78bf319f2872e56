"""The Providers page body: the register of settings with filters, a table and details.

Filter bar (search first, then combos, clear, count), a sortable table and a
detail panel; Enter or double-click edits, Ctrl+N adds, Ctrl+E exports the
current view, Ctrl+F searches. The filter bar remembers its values across restarts;
what they mean is the register's filter rule (``services/register/listing.py``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection, QModelIndex, QSettings, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...models.enums import Judgement, RegistrationStatus, RiskLevel, Sector, SettingType
from ...services.common.formatting import date_short
from ...services.register.listing import (
    SettingFilter,
    SettingRow,
    filter_settings,
    haystack,
    latest_judgement_text,
    list_settings,
)
from ...services.register.settings import setting_detail
from ..common.elide import ElidedLabel
from ..common.fast_rows import FastRowsModel
from ..common.file_dialogs import save_file_name
from ..common.filter_bar import FilterBar
from ..common.list_table import list_table
from ..common.rows import ID_ROLE, Column
from ..common.shortcuts import local_shortcuts
from ..reports.printing import PackPrinter
from ..tasks import StartTask
from .setting_detail import SettingDetailTabs


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

    def __init__(self, db: Database, settings: QSettings,
                 parent: QWidget | None = None, *, start_task: StartTask | None = None,
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__(parent)
        self.db = db
        self.settings = settings
        self.today = today
        self._only: frozenset[uuid.UUID] | None = None
        self._only_label = ""
        """Only the settings another page asked for (behind a Dashboard figure)."""
        # Filtered by the service and sorted in Python, once per change: a sort/filter
        # proxy called back into Python for every row of 30,000 (half a second when a
        # search was shortened).
        self.model: FastRowsModel[SettingRow] = FastRowsModel(COLUMNS, lambda r: r.id)
        self._hays: list[str] = []
        self._refiltering = False
        self._build_filters(settings)
        actions = self._build_actions(db)
        self._build_table()
        self._build_detail(db, start_task, today)
        self._build_layout(actions)
        self._connect_signals()

    # -- building the page ---------------------------------------------------------

    def _build_filters(self, settings: QSettings) -> None:
        """Search and eight combos on two rows, remembered across restarts."""
        self.bar = FilterBar(settings, "providers",
                             self.tr("Search name, URN, postcode, provider or owner"),
                             self.tr("{shown} of {total} settings"))
        for n, (key, label, choices) in enumerate((
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
        )):
            self.bar.add_combo(key, label, choices, row=1 + n // 4, stretch=1, width=6)
        self.bar.finish()
        self.search, self.combos, self.count = self.bar.search, self.bar.combos, self.bar.count
        self.clear_button = self.bar.clear_button

    def _build_actions(self, db: Database) -> QHBoxLayout:
        """The count, how printing went, and the New and Export buttons."""
        actions = QHBoxLayout()
        actions.addWidget(self.count, 1)
        self.print_note = ElidedLabel("")
        self.print_note.setAccessibleName(self.tr("How printing went"))
        actions.addWidget(self.print_note, 2)
        self.new_button = QPushButton(self.tr("New setting"))
        from ...services.users.roles import Permission
        from ..common.permissions import guard

        guard(self.new_button, db, Permission.EDIT_REGISTER)
        self.new_button.setToolTip("Ctrl+N")
        self.export_button = QPushButton(self.tr("Export view…"))
        self.export_button.setToolTip(self.tr("Save the rows shown to Excel (Ctrl+E)"))
        actions.addWidget(self.new_button)
        actions.addWidget(self.export_button)
        return actions

    def _build_table(self) -> None:
        """The sortable table, and what it says while the register is empty."""
        self.table = list_table(self.model, self.tr("Settings"),
                                (90, 220, 150, 180, 150, 220, 85, 65, 60, 85, 140),
                                stretch=1)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.empty = QLabel(self.tr(
            "No settings yet. Import Ofsted's provider-level file with \"Import Ofsted "
            "files…\" to build the register, or add a setting with New setting (Ctrl+N)."))
        self.empty.setWordWrap(True)
        self.empty.setVisible(False)

    def _build_detail(self, db: Database, start_task: StartTask | None,
                      today: Callable[[], dt.date]) -> None:
        """The chosen setting's details, and the pack printer behind their Print button."""
        self.detail = SettingDetailTabs(db=self.db)
        self.printer = PackPrinter(db, start_task, today, self)
        self.detail.print_pack.connect(self.printer.ask_and_print)
        self.printer.said.connect(self.print_note.setText)

    def _build_layout(self, actions: QHBoxLayout) -> None:
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addLayout(actions)
        layout.addWidget(self.empty)
        layout.addWidget(split, 1)

    def _connect_signals(self) -> None:
        self.bar.changed.connect(self.apply_filters)
        self.bar.cleared.connect(self._forget_only)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.new_button.clicked.connect(self.new_setting)
        self.export_button.clicked.connect(self.export_view)
        local_shortcuts(self, ((QKeySequence.StandardKey.Find, self.bar.focus_search),
                               (QKeySequence.StandardKey.New, self.new_setting),
                               ("Ctrl+E", self.export_view),
                               (Qt.Key.Key_Return, self.edit_selected)))

    # -- data ----------------------------------------------------------------------

    def reload(self, today: dt.date | None = None) -> None:
        keep = self.selected_id()
        rows = list_settings(self.db, today)
        self._hays = [haystack(r) for r in rows]
        authorities = sorted({r.local_authority for r in rows if r.local_authority})
        self.bar.set_choices("local_authority", [(name, name) for name in authorities])
        self.bar.settle()
        self.model.set_rows(rows, filter_settings(rows, self._hays, self.filters()))
        self._after_filter()
        if keep is not None:
            self.select_id(keep)

    def filters(self) -> SettingFilter:
        return SettingFilter(**self.bar.values(), ids=self._only)

    def apply_filters(self) -> None:
        self.bar.settle()
        keep = self.selected_id()
        self._refiltering = True  # the chosen setting's detail stays while it is shown
        try:
            self.model.set_shown(filter_settings(self.model.all_rows, self._hays,
                                                 self.filters()))
            if keep is not None:
                self.select_id(keep)
        finally:
            self._refiltering = False
        self._after_filter()
        if keep is not None and self.selected_id() != keep:
            self.detail.show_empty()

    def _after_filter(self) -> None:
        shown, total = len(self.model.shown), len(self.model.all_rows)
        more = self.tr(": {label}").format(label=self._only_label) if self._only is not None \
            else ""
        self.bar.show_count(shown, total, more=more, narrowed=self._only is not None)
        self.empty.setVisible(total == 0)

    def _forget_only(self) -> None:
        self._only, self._only_label = None, ""

    def show_records(self, values: tuple[tuple[str, Any], ...], ids: frozenset[str] | None,
                     label: str) -> None:
        """Show only the settings ``ids`` (as stored: hex), with the filter bar set to
        ``values`` and the count saying ``label`` (another page asked)."""
        self.bar.show_only(values)
        self._only = frozenset(uuid.UUID(i) for i in ids) if ids is not None else None
        self._only_label = label
        self.apply_filters()

    def clear_filters(self) -> None:
        self.bar.clear()

    # -- selection and detail ---------------------------------------------------------

    def selected_id(self) -> uuid.UUID | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ID_ROLE) if rows else None

    def select_id(self, setting_id: uuid.UUID) -> None:
        position = self.model.position_of(setting_id)
        if position is not None:
            self.table.selectRow(position)
            self.table.scrollTo(self.model.index(position, 0))

    def _selected(self, _new: QItemSelection, _old: QItemSelection) -> None:
        if self._refiltering:
            return
        setting_id = self.selected_id()
        if setting_id is None:
            self.detail.show_empty()
            return
        self.detail.show_detail(setting_detail(self.db, setting_id))

    # -- actions ---------------------------------------------------------------------------

    def new_setting(self) -> None:
        from .setting_dialog import SettingDialog

        dialog = SettingDialog(self.db, None, self)
        if dialog.exec() and dialog.saved_id:
            self.reload()
            self.select_id(dialog.saved_id)
            self.changed.emit()

    def edit_selected(self, _index: QModelIndex | None = None) -> None:
        setting_id = self.selected_id()
        if setting_id is None:
            return
        from .setting_dialog import SettingDialog

        dialog = SettingDialog(self.db, setting_id, self)
        if dialog.exec():
            self.reload()
            self.changed.emit()

    def visible_rows(self) -> list[SettingRow]:
        return self.model.visible()

    def export_view(self) -> None:
        name = save_file_name(self, self.tr("Export the settings shown"), "settings.xlsx",
                              self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"))
        if name:
            self.export_to(name)

    def export_to(self, path: str) -> None:
        """The settings shown, in the register's import layout, with the filter named."""
        from ..spreadsheets.exporting import export_shown

        export_shown(self.db, "settings", [r.id for r in self.visible_rows()],
                     self.bar.describe(), path)
