"""The contracts tab: alerts, the register with its filters, and the chosen contract's detail.

The filter bar (search first, then type, status and provider, a count and "Clear
filters") is remembered across restarts. New (Ctrl+N), Edit (Enter), End and
Export (Ctrl+E) sit beside the count; the detail's tabs open below the list.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
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
from ...services.contracts.register import (
    ContractRow,
    contract_detail,
    contract_export_table,
    list_contracts,
)
from ...services.contracts.terms import ContractStatus
from ..common.colours import colour
from ..common.fields import Combo
from ..common.list_table import list_table
from ..common.rows import ROW_ROLE, SORT_ROLE, Column, Index, RowTableModel
from ..common.shortcuts import local_shortcuts
from ..context import AppContext
from .contract_detail import ContractDetailTabs
from .contract_dialogs import ContractDialog, EndContractDialog

PREFIX = "contracts/filters/"
IN_FORCE = "in_force"
"""Status filter value: live or ending soon."""
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


@dataclass(frozen=True)
class ContractFilters:
    text: str = ""
    contract_type: str = ""
    status: str = ""
    provider: str = ""

    def is_clear(self) -> bool:
        return not any((self.text.strip(), self.contract_type, self.status, self.provider))


def accepts(row: ContractRow, f: ContractFilters) -> bool:
    """Whether the filters let ``row`` through."""
    words = f.text.casefold().split()
    if words:
        hay = " ".join((row.reference, row.title, row.contract_type.label,
                        *row.providers)).casefold()
        if not all(w in hay for w in words):
            return False
    if f.contract_type and row.contract_type.value != f.contract_type:
        return False
    if f.status == IN_FORCE:
        if row.status not in (ContractStatus.LIVE, ContractStatus.ENDING_SOON):
            return False
    elif f.status and row.status.value != f.status:
        return False
    return not f.provider or f.provider in {str(p) for p in row.provider_ids}


class ContractsProxy(QSortFilterProxyModel):
    def __init__(self, source: ContractsModel) -> None:
        super().__init__()
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.filters = ContractFilters()

    def set_filters(self, filters: ContractFilters) -> None:
        self.beginFilterChange()
        self.filters = filters
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        row = self.sourceModel().index(source_row, 0, source_parent).data(ROW_ROLE)
        return row is not None and accepts(row, self.filters)


class ContractsView(QWidget):
    open_review = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = dt.date.today()
        self.alert_rows: list[ContractAlert] = []
        self.model = ContractsModel(COLUMNS, lambda r: r.id)
        self.proxy = ContractsProxy(self.model)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search contracts (Ctrl+F)"))
        self.search.setToolTip(self.tr("Words from the reference, title, type or providers"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search contracts"))
        self.contract_type = Combo()
        self.contract_type.addItem(self.tr("Any type"), "")
        for value, label in ContractType.choices():
            self.contract_type.addItem(label, value)
        self.status = Combo()
        self.status.addItem(self.tr("Any status"), "")
        self.status.addItem(self.tr("In force"), IN_FORCE)
        self.status.setItemData(1, self.tr("Live or ending soon"), Qt.ItemDataRole.ToolTipRole)
        for status in ContractStatus:
            self.status.addItem(status.label, status.value)
        self.provider = Combo()
        self.provider.addItem(self.tr("Any provider"), "")
        self.combos = {"contract_type": self.contract_type, "status": self.status,
                       "provider": self.provider}
        for combo in self.combos.values():
            combo.setAccessibleName(combo.itemText(0))
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        self.clear_button = QPushButton(self.tr("Clear filters"))
        self.count = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        for combo in self.combos.values():
            bar.addWidget(combo, 1)
        bar.addWidget(self.clear_button)
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
        self.alerts_title = QLabel()
        bold = QFont(self.alerts_title.font())
        bold.setBold(True)
        self.alerts_title.setFont(bold)
        self.alerts = QListWidget()
        self.alerts.setAccessibleName(self.tr("Contract alerts"))
        self.alerts.setToolTip(self.tr("Enter shows the contract; each alert is also an action "
                                       "in the QA page's actions tracker"))
        self.alerts.setMaximumHeight(62)
        self.alerts.itemActivated.connect(self._alert_chosen)
        self.table = list_table(self.proxy, self.tr("Contracts"),
                                (78, 160, 108, 130, 84, 84, 96, 100, 74, 82),
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
        self.detail = ContractDetailTabs(ctx.db, self.today)
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.addWidget(self.alerts_title)
        layout.addWidget(self.alerts)
        layout.addLayout(bar)
        layout.addLayout(second)
        layout.addWidget(self.empty)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        self.search.textChanged.connect(lambda _t: self.apply_filters())
        for combo in self.combos.values():
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.clear_button.clicked.connect(self.clear_filters)
        self.new_button.clicked.connect(self.new_contract)
        self.edit_button.clicked.connect(self.edit_contract)
        self.end_button.clicked.connect(self.end_selected)
        self.export_button.clicked.connect(self.export)
        self.table.doubleClicked.connect(lambda _i: self.edit_contract())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selected())
        local_shortcuts(self, [(QKeySequence.StandardKey.Find, self.focus_search),
                               (QKeySequence.StandardKey.New, self.new_contract),
                               (QKeySequence("Ctrl+E"), self.export)])
        local_shortcuts(self.table, [(Qt.Key.Key_Return, self.edit_contract),
                                     (Qt.Key.Key_Enter, self.edit_contract)], children=False)
        order = [self.search, *self.combos.values(), self.clear_button, self.new_button,
                 self.edit_button, self.end_button, self.export_button, self.table,
                 self.detail, self.alerts]
        for first, second_widget in itertools.pairwise(order):
            self.setTabOrder(first, second_widget)
        self._restored: dict[str, str] = {}
        self._restore_filters()
        self._selected()

    # -- data ------------------------------------------------------------------------------

    def reload(self) -> None:
        keep = self.selected_id()
        self.detail.today = self.today
        rows = list_contracts(self.ctx.db, self.today)
        self.model.set_rows(rows)
        providers = {str(pid): name for r in rows for pid, name in zip(
            r.provider_ids, r.providers, strict=True)}
        self._fill_providers(providers)
        self._reload_alerts()
        self.apply_filters()
        if keep is not None:
            self.select_id(keep)
        self._selected(force=True)

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

    def _alert_chosen(self, item: QListWidgetItem) -> None:
        if self.status.currentData() and self.status.currentData() != IN_FORCE:
            self.status.setCurrentIndex(0)
        self.select_id(item.data(Qt.ItemDataRole.UserRole))
        self.table.setFocus()

    def _fill_providers(self, names: dict[str, str]) -> None:
        current = str(self.provider.currentData() or self._restored.pop("provider", "") or "")
        self.provider.blockSignals(True)
        self.provider.clear()
        self.provider.addItem(self.tr("Any provider"), "")
        for value, label in sorted(names.items(), key=lambda kv: kv[1].casefold()):
            self.provider.addItem(label, value)
        self.provider.setCurrentIndex(max(0, self.provider.findData(current)))
        self.provider.blockSignals(False)

    def filters(self) -> ContractFilters:
        return ContractFilters(self.search.text(), str(self.contract_type.currentData() or ""),
                               str(self.status.currentData() or ""),
                               str(self.provider.currentData() or ""))

    def apply_filters(self) -> None:
        filters = self.filters()
        self.proxy.set_filters(filters)
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(self.tr("{shown} of {total} contracts").format(
            shown=f"{shown:,}", total=f"{total:,}"))
        self.clear_button.setEnabled(not filters.is_clear())
        self.empty.setVisible(total == 0)
        self.ctx.settings.setValue(PREFIX + "text", self.search.text())
        for key, combo in self.combos.items():
            value = str(combo.currentData() or "")
            if key in self._restored and not value:
                continue
            self.ctx.settings.setValue(PREFIX + key, value)
        self._selected()

    def clear_filters(self) -> None:
        for combo in self.combos.values():
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filters()

    def _restore_filters(self) -> None:
        self.search.blockSignals(True)
        self.search.setText(str(self.ctx.settings.value(PREFIX + "text", "") or ""))
        self.search.blockSignals(False)
        for key, combo in self.combos.items():
            value = str(self.ctx.settings.value(PREFIX + key, "") or "")
            index = combo.findData(value)
            if index >= 0:
                combo.blockSignals(True)
                combo.setCurrentIndex(index)
                combo.blockSignals(False)
            elif value:
                self._restored[key] = value

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

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
