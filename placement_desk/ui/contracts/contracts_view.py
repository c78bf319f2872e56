"""The contracts tab: alerts, the register with its filters, and the chosen contract's detail.

The shared filter bar (search first, then type, status and provider, "Clear
filters" and the count) is remembered across restarts; what it means is the
register's filter rule in ``services/contracts/listing.py``. New (Ctrl+N), Edit
(Enter), End and Export (Ctrl+E) sit beside the count; the detail's tabs open
below the list.
"""

from __future__ import annotations

import itertools
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...io.table_export import write_table
from ...models.enums import ContractType
from ...progress import TaskState
from ...services.common.formatting import date_short, money
from ...services.contracts.alerts import ContractAlert, contract_alerts
from ...services.contracts.contract_views import (
    ContractRow,
    contract_detail,
    contract_export_table,
    list_contracts,
)
from ...services.contracts.listing import (
    STATUS_CHOICES,
    ContractFilter,
    contract_providers,
    filter_contracts,
)
from ...services.contracts.terms import ContractStatus
from ..common.colours import colour
from ..common.filter_bar import FilterBar
from ..common.list_table import list_table
from ..common.rows import ROW_ROLE, SORT_ROLE, Column, Index, RowTableModel
from ..common.shortcuts import local_shortcuts
from ..context import AppContext
from .contract_detail import ContractDetailTabs
from .contract_dialogs import ContractDialog, EndContractDialog

STATUS_RANK = {"ending_soon": 0, "live": 1, "not_started": 2, "ended": 3}

COLUMNS: list[Column[ContractRow]] = [
    Column("Reference", lambda r: r.reference),
    Column("Title", lambda r: r.title),
    Column("Type", lambda r: r.contract_type.label),
    Column("Providers", lambda r: r.provider_text, sort=lambda r: r.provider_text.casefold()),
    Column("Start", lambda r: date_short(r.start_date), sort=lambda r: r.start_date),
    Column("End", lambda r: date_short(r.end_date, "Open-ended"), sort=lambda r: r.end_date),
    Column("Value", lambda r: money(r.value_pence), sort=lambda r: r.value_pence or 0,
           align_right=True),
    Column("Spent to date", lambda r: money(r.spent_pence), sort=lambda r: r.spent_pence,
           align_right=True, tooltip="Spend under the contract from its start, from the "
                                     "placements' agreements"),
    Column("Status", lambda r: r.status.label,
           sort=lambda r: STATUS_RANK.get(r.status.value, 9)),
    Column("Decide by", lambda r: date_short(r.next_decision),
           sort=lambda r: r.next_decision,
           tooltip="The date by which the next extension option must be decided"),
    Column("Next review", lambda r: date_short(r.next_review), sort=lambda r: r.next_review,
           tooltip="When the provider's next contract review is due"),
]
STATUS_COLUMN = 8


class ContractsModel(RowTableModel[ContractRow]):
    """Rows of contracts; "Ending soon" and "Ended" also stand out in colour and weight."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.column() == STATUS_COLUMN \
                and 0 <= index.row() < len(self.rows):
            status = self.rows[index.row()].status
            if role == Qt.ItemDataRole.ForegroundRole and status == ContractStatus.ENDING_SOON:
                return colour("amber")
            if role == Qt.ItemDataRole.ForegroundRole and status == ContractStatus.ENDED:
                return colour("grey")
            if role == Qt.ItemDataRole.FontRole and status == ContractStatus.ENDING_SOON:
                font = QFont()
                font.setBold(True)
                return font
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() \
                and 0 <= index.row() < len(self.rows):
            row = self.rows[index.row()]  # the full text of a cut-short cell
            if index.column() == 3:
                return "\n".join(row.providers)
            return self.columns[index.column()].text(row)
        return super().data(index, role)


def _proxy(model: ContractsModel) -> QSortFilterProxyModel:
    """Sorting only: which contracts are listed is the register's filter rule."""
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    return proxy


class ContractsView(QWidget):
    open_review = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = ctx.today()
        self.rows: list[ContractRow] = []
        """Every contract, as last read; the table shows those the filters pass."""
        self.alert_rows: list[ContractAlert] = []
        self.model = ContractsModel(COLUMNS, lambda r: r.id)
        self.proxy = _proxy(self.model)
        self._build_filters()
        second = self._build_buttons()
        self._build_alerts()
        self._build_table()
        split = self._build_split()
        self._build_layout(second, split)
        self.bar.changed.connect(self.apply_filters)
        self.new_button.clicked.connect(self.new_contract)
        self.edit_button.clicked.connect(self.edit_contract)
        self.end_button.clicked.connect(self.end_selected)
        self.export_button.clicked.connect(self.export)
        self.table.doubleClicked.connect(lambda _i: self.edit_contract())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selected())
        local_shortcuts(self, [(QKeySequence.StandardKey.Find, self.bar.focus_search),
                               (QKeySequence.StandardKey.New, self.new_contract),
                               (QKeySequence("Ctrl+E"), self.export)])
        local_shortcuts(self.table, [(Qt.Key.Key_Return, self.edit_contract),
                                     (Qt.Key.Key_Enter, self.edit_contract)], children=False)
        order = [self.alerts, self.search, self.contract_type, self.status, self.provider,
                 self.bar.clear_button, self.new_button, self.edit_button, self.end_button,
                 self.export_button, self.table, self.detail]
        for first, then in itertools.pairwise(order):
            self.setTabOrder(first, then)
        self._selected()

    # -- building --------------------------------------------------------------------------

    def _build_filters(self) -> None:
        """The shared filter bar: search, type, status and provider."""
        self.bar = FilterBar(self.ctx.settings, "contracts",
                             self.tr("Search reference, title, type or provider (Ctrl+F)"),
                             self.tr("{shown} of {total} contracts"))
        self.contract_type = self.bar.add_combo(
            "contract_type", self.tr("Any type"),
            [(value, self.tr(label)) for value, label in ContractType.choices()], width=12)
        self.status = self.bar.add_combo(
            "status", self.tr("Any status"),
            [(value, self.tr(label)) for value, label in STATUS_CHOICES], width=10)
        self.status.setItemData(1, self.tr("Live or ending soon"), Qt.ItemDataRole.ToolTipRole)
        self.provider = self.bar.add_combo("provider", self.tr("Any provider"), width=14,
                                           tooltip=self.tr("Contracts this provider is on"))
        self.bar.finish()
        self.search, self.count = self.bar.search, self.bar.count

    def _build_buttons(self) -> QHBoxLayout:
        """The row under the filters: the count, then New, Edit, End and Export."""
        self.new_button = QPushButton(self.tr("New contract…"))
        self.new_button.setToolTip(self.tr("Add a contract to the register (Ctrl+N)"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.setToolTip(self.tr("Change the chosen contract (Enter)"))
        self.end_button = QPushButton(self.tr("End contract…"))
        self.end_button.setToolTip(self.tr("End the chosen contract early, saying why"))
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Save the contracts listed to Excel or CSV "
                                              "(Ctrl+E)"))
        second = QHBoxLayout()
        second.addWidget(self.count, 1)
        for button in (self.new_button, self.edit_button, self.end_button, self.export_button):
            second.addWidget(button)
        return second

    def _build_alerts(self) -> None:
        """The alerts' heading and list; choosing an alert shows its contract."""
        self.alerts_title = QLabel()
        bold = QFont(self.alerts_title.font())
        bold.setBold(True)
        self.alerts_title.setFont(bold)
        self.alerts_title.setWordWrap(True)
        self.alerts = QListWidget()
        self.alerts.setAccessibleName(self.tr("Contract alerts"))
        self.alerts.setToolTip(self.tr("Enter shows the contract; each alert is also an action "
                                       "in the QA page's actions tracker"))
        self.alerts.itemActivated.connect(self._alert_chosen)

    def _build_table(self) -> None:
        """The register's table, the line shown when it is empty and the message line."""
        self.table = list_table(self.proxy, self.tr("Contracts"),
                                (78, 160, 110, 130, 80, 80, 100, 110, 92, 80),
                                stretch=1)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.empty = QLabel(self.tr(
            "No contracts yet. Add the council's block contracts, frameworks and spot terms "
            "with New contract (Ctrl+N): their alerts, occupancy and spend then appear here."))
        self.empty.setWordWrap(True)
        self.empty.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)

    def _build_split(self) -> QSplitter:
        """The table above the chosen contract's detail tabs."""
        self.detail = ContractDetailTabs(self.ctx.db, self.today)
        self.detail.open_review.connect(self.open_review.emit)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        self.table.setMinimumHeight(110)
        self.detail.setMinimumHeight(200)
        split.setSizes([300, 330])
        return split

    def _build_layout(self, second: QHBoxLayout, split: QSplitter) -> None:
        """Alerts, filters, the row of buttons, the notes and the split, top to bottom."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.addWidget(self.alerts_title)
        layout.addWidget(self.alerts)
        layout.addWidget(self.bar)
        layout.addLayout(second)
        layout.addWidget(self.empty)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)

    # -- data ------------------------------------------------------------------------------

    def reload(self) -> None:
        keep = self.selected_id()
        self.detail.today = self.today
        self.rows = list_contracts(self.ctx.db, self.today)
        self.bar.set_choices("provider", contract_providers(self.rows),
                             missing=self.tr("A provider on no contract now"))
        self._reload_alerts()
        self._show(keep, force=True)

    def filters(self) -> ContractFilter:
        return ContractFilter(**self.bar.values())

    def apply_filters(self) -> None:
        self.bar.settle()
        self._show(self.selected_id())

    def _show(self, keep: uuid.UUID | None, force: bool = False) -> None:
        shown = filter_contracts(self.rows, self.filters())
        self.model.set_rows(shown)
        self.bar.show_count(len(shown), len(self.rows))
        self.empty.setVisible(not self.rows)
        if keep is not None:
            self.select_id(keep)
        self._selected(force)

    def _reload_alerts(self) -> None:
        self.alert_rows = contract_alerts(self.ctx.db, self.today)
        self.alerts.clear()
        ending = sum(1 for a in self.alert_rows if a.kind == "ending")
        decisions = len(self.alert_rows) - ending
        if not self.alert_rows:
            self.alerts_title.setText(self.tr("No contract ends within the warning window and "
                                              "no extension decision is due."))
        else:
            self.alerts_title.setText(self.tr(
                "Alerts: {ending} ending soon, {decisions} due").format(
                    ending=self.tr("1 contract") if ending == 1
                    else self.tr("{n} contracts").format(n=ending),
                    decisions=self.tr("1 extension decision") if decisions == 1
                    else self.tr("{n} extension decisions").format(n=decisions)))
        for alert in self.alert_rows:
            word = self.tr("Ending") if alert.kind == "ending" else (
                self.tr("Decision overdue") if alert.overdue else self.tr("Decision due"))
            item = QListWidgetItem(f"{word}: {alert.text}")
            item.setData(Qt.ItemDataRole.UserRole, alert.contract_id)
            item.setToolTip(alert.text)
            if alert.overdue:
                item.setForeground(colour("red"))
            self.alerts.addItem(item)
        self.alerts.setVisible(bool(self.alert_rows))
        if self.alert_rows:  # room for three whole alerts; more scroll
            rows = min(3, len(self.alert_rows))
            self.alerts.setFixedHeight(sum(self.alerts.sizeHintForRow(n) for n in range(rows))
                                       + 2 * self.alerts.frameWidth())

    def _alert_chosen(self, item: QListWidgetItem) -> None:
        contract_id = item.data(Qt.ItemDataRole.UserRole)
        if not self.select_id(contract_id):  # the filters hide it: show every contract
            self.bar.clear()
            self.select_id(contract_id)
        self.table.setFocus()

    # -- selection -------------------------------------------------------------------------

    def selected_row(self) -> ContractRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return indexes[0].data(ROW_ROLE) if indexes else None

    def selected_id(self) -> uuid.UUID | None:
        row = self.selected_row()
        return row.id if row else None

    def select_id(self, contract_id: uuid.UUID) -> bool:
        for r in range(self.proxy.rowCount()):
            index = self.proxy.index(r, 0)
            if index.data(ROW_ROLE).id == contract_id:
                self.table.selectRow(r)
                self.table.scrollTo(index)
                return True
        return False

    def visible_rows(self) -> list[ContractRow]:
        return [self.proxy.index(r, 0).data(ROW_ROLE) for r in range(self.proxy.rowCount())]

    def _selected(self, force: bool = False) -> None:
        row = self.selected_row()
        self.edit_button.setEnabled(row is not None)
        self.end_button.setEnabled(row is not None and row.status != ContractStatus.ENDED)
        self.export_button.setEnabled(self.proxy.rowCount() > 0)
        if row is None:
            if self.detail.detail is not None:
                self.detail.show_empty()
            return
        if force or self.detail.detail is None or self.detail.detail.row != row:
            self.detail.show_detail(contract_detail(self.ctx.db, row.id, self.today))

    # -- writes ----------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def new_contract(self) -> QDialog:
        dialog = ContractDialog(self.ctx.db, parent=self)
        dialog.accepted.connect(lambda: self._saved(dialog, self.tr("Contract added.")))
        dialog.show()
        return dialog

    def edit_contract(self) -> QDialog | None:
        row = self.selected_row()
        if row is None:
            self._say(self.tr("Choose a contract in the list first."))
            return None
        dialog = ContractDialog(self.ctx.db, row.id, parent=self)
        dialog.accepted.connect(lambda: self._saved(dialog, self.tr("Contract saved.")))
        dialog.show()
        return dialog

    def end_selected(self) -> QDialog | None:
        row = self.selected_row()
        if row is None:
            return None
        dialog = EndContractDialog(self.ctx.db, row.id, row.reference, self.today, self)
        dialog.accepted.connect(lambda: self._saved(dialog, self.tr("Contract ended.")))
        dialog.show()
        return dialog

    def _saved(self, dialog: QDialog, text: str) -> None:
        self._say(text)
        self.ctx.hub.status_message.emit(text)
        saved = getattr(dialog, "saved_id", None)
        self.reload()
        if saved is not None:
            self.select_id(saved)

    def export(self) -> None:
        if self.proxy.rowCount() == 0:
            return
        name, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export contracts"), "Contracts.xlsx",
            self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"))
        if name:
            self.export_to(name)

    def export_to(self, path: str | Path) -> None:
        """Write the contracts listed (as filtered) to ``path`` in a worker."""
        headings, table = contract_export_table(self.visible_rows())

        def work(state: TaskState) -> Path:
            return write_table(path, headings, table, sheet="Contracts", state=state)

        def failed(exc: BaseException, _detail: str = "") -> None:
            self._say(str(exc) if isinstance(exc, UserError) else
                      self.tr("The export did not finish: {error}").format(error=exc))

        self.ctx.tasks.start(self.tr("Exporting contracts"), work,
                             on_success=lambda out: self._say(self.tr(
                                 "{n} contracts saved to {path}.").format(n=len(table),
                                                                          path=out)),
                             on_failure=failed)
