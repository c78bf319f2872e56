"""The actions tracker tab: every action from visits, reviews and alerts, filtered and followed up.

Filter bar (search first, then owner, provider, status and due date, a count and
"Clear filters"), remembered across restarts; a table where overdue actions say
"Overdue"; several actions moved to a new status at once, with a note (those that
may not make the move are named, with the reason, and left alone); Enter or
double-click opens where the action came from.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...errors import ValidationError
from ...models.enums import ActionSource, ActionStatus, QaVisitStatus
from ...services.common.formatting import date_short
from ...services.qa.actions import ActionRow, list_actions
from ...services.qa.visits import load_visit
from ...services.register.settings import setting_detail
from ..common.colours import colour
from ..common.list_table import list_table
from ..common.rows import ROW_ROLE, SORT_ROLE, Column, Index, RowTableModel
from ..common.shortcuts import local_shortcuts
from ..context import AppContext
from ..providers.setting_detail import SettingDetailTabs
from .action_dialogs import ChangeStatusDialog, VisitSummaryDialog
from .visit_dialog import VisitDialog

PREFIX = "qa/actions/filters/"
LIVE = "live"
"""Status filter value: open, in progress or overdue (not done, not cancelled)."""
PRIORITY_RANK = {"high": 3, "medium": 2, "low": 1}


def where_text(row: ActionRow) -> str:
    """The setting and its provider, whichever are known: "Oak House (Bright Futures Ltd)"."""
    if row.setting_name and row.provider_name:
        return f"{row.setting_name} ({row.provider_name})"
    return row.setting_name or row.provider_name or ""


COLUMNS: list[Column[ActionRow]] = [
    Column("Description", lambda r: " ".join(r.description.split())),
    Column("Source", lambda r: r.source_label, tooltip="Where the action was raised"),
    Column("Setting / provider", where_text),
    Column("Owner", lambda r: r.owner or ""),
    Column("Priority", lambda r: r.priority.label,
           sort=lambda r: PRIORITY_RANK.get(r.priority.value, 0)),
    Column("Due", lambda r: date_short(r.due_date), sort=lambda r: r.due_date),
    Column("Status", lambda r: r.status_text,
           tooltip="Overdue: open or in progress with the due date passed"),
]
STATUS_COLUMN = len(COLUMNS) - 1


class ActionsModel(RowTableModel[ActionRow]):
    """Rows of actions; the status of an overdue one is bold and red, and says "Overdue"."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (index.isValid() and index.column() == STATUS_COLUMN
                and 0 <= index.row() < len(self.rows) and self.rows[index.row()].overdue):
            if role == Qt.ItemDataRole.ForegroundRole:
                return colour("red")
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() == 0 \
                and 0 <= index.row() < len(self.rows):
            return self.rows[index.row()].description
        return super().data(index, role)


# --- Filtering ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActionFilters:
    """The filter bar's values; empty strings show everything."""

    text: str = ""
    owner: str = ""
    provider: str = ""
    """A provider id as text."""
    status: str = ""
    """An ActionStatus value, or :data:`LIVE`."""
    due: str = ""
    """"overdue", or a number of days ahead ("7", "30")."""

    def is_clear(self) -> bool:
        return not any((self.text.strip(), self.owner, self.provider, self.status, self.due))


def accepts(row: ActionRow, f: ActionFilters, today: dt.date) -> bool:
    """Whether the filters let ``row`` through (a pure rule, tested through the view)."""
    words = f.text.casefold().split()
    if words:
        hay = " ".join((row.description, row.source_label, row.owner or "",
                        row.setting_name or "", row.provider_name or "")).casefold()
        if not all(w in hay for w in words):
            return False
    if f.owner and (row.owner or "").casefold() != f.owner.casefold():
        return False
    if f.provider and str(row.provider_id) != f.provider:
        return False
    if f.status == LIVE:
        if not (row.overdue or row.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)):
            return False
    elif f.status == ActionStatus.OVERDUE.value:
        if not row.overdue:
            return False
    elif f.status and (row.overdue or row.status.value != f.status):
        return False
    if f.due == "overdue":
        return row.overdue
    if f.due:
        if row.due_date is None:
            return False
        return today <= row.due_date <= today + dt.timedelta(days=int(f.due))
    return True


class ActionsProxy(QSortFilterProxyModel):
    def __init__(self, source: ActionsModel) -> None:
        super().__init__()
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.filters = ActionFilters()
        self.today = dt.date.today()

    def set_filters(self, filters: ActionFilters, today: dt.date) -> None:
        self.beginFilterChange()
        self.filters, self.today = filters, today
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        row = self.sourceModel().index(source_row, 0, source_parent).data(ROW_ROLE)
        return row is not None and accepts(row, self.filters, self.today)


# --- Status change -----------------------------------------------------------------------

# --- The tab ---------------------------------------------------------------------------------

class ActionsView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = dt.date.today()
        self.model = ActionsModel(COLUMNS, lambda r: r.id)
        self.proxy = ActionsProxy(self.model)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search actions (Ctrl+F)"))
        self.search.setToolTip(self.tr("Words from the description, source, owner, setting "
                                       "or provider"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search actions"))
        self.owner = QComboBox()
        self.provider = QComboBox()
        self.status = QComboBox()
        self.due = QComboBox()
        self.owner.addItem(self.tr("Any owner"), "")
        self.provider.addItem(self.tr("Any provider"), "")
        self.status.addItem(self.tr("Any status"), "")
        self.status.addItem(self.tr("Not finished"), LIVE)
        for status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.OVERDUE,
                       ActionStatus.DONE, ActionStatus.CANCELLED):
            self.status.addItem(status.label, status.value)
        self.status.setItemData(1, self.tr("Open, in progress or overdue"),
                                Qt.ItemDataRole.ToolTipRole)
        for label, key in ((self.tr("Due any time"), ""), (self.tr("Overdue"), "overdue"),
                           (self.tr("Due in the next 7 days"), "7"),
                           (self.tr("Due in the next 30 days"), "30")):
            self.due.addItem(label, key)
        self.combos = {"owner": self.owner, "provider": self.provider, "status": self.status,
                       "due": self.due}
        for key, combo in self.combos.items():
            combo.setAccessibleName(combo.itemText(0))
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10 if key in ("owner", "status") else 12)
        self.clear_button = QPushButton(self.tr("Clear filters"))
        self.count = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        for combo in self.combos.values():
            bar.addWidget(combo, 1)
        self.change_button = QPushButton(self.tr("Change status…"))
        self.change_button.setToolTip(self.tr("Move the chosen actions to a new status, with "
                                              "a note"))
        self.open_button = QPushButton(self.tr("Open source"))
        self.open_button.setToolTip(self.tr("Open the visit, review or alert the action came "
                                            "from (Enter)"))
        second = QHBoxLayout()
        second.addWidget(self.count, 1)
        second.addWidget(self.clear_button)  # here, so the page fits a small laptop screen
        second.addWidget(self.open_button)
        second.addWidget(self.change_button)
        self.table = list_table(self.proxy, self.tr("Actions"), (260, 150, 220, 110, 65, 85),
                                many=True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.empty = QLabel(self.tr(
            "No actions yet. Actions are raised when a QA visit, a contract review or a "
            "rating alert finds something to put right; they are followed up here."))
        self.empty.setWordWrap(True)
        self.empty.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setVisible(False)
        self.detail = SettingDetailTabs(self.tr(
            "Choose an action in the list to see its setting's details."))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.addLayout(bar)
        layout.addLayout(second)
        layout.addWidget(self.empty)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        for combo in self.combos.values():
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.clear_button.clicked.connect(self.clear_filters)
        self.change_button.clicked.connect(self.change_selected)
        self.open_button.clicked.connect(self.open_source)
        self.table.doubleClicked.connect(lambda _i: self.open_source())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selected())
        local_shortcuts(self, [(QKeySequence.StandardKey.Find, self.focus_search)])
        local_shortcuts(self.table, [(Qt.Key.Key_Return, self.open_source),
                                     (Qt.Key.Key_Enter, self.open_source)], children=False)
        self.setTabOrder(self.search, self.owner)
        self.setTabOrder(self.owner, self.provider)
        self.setTabOrder(self.provider, self.status)
        self.setTabOrder(self.status, self.due)
        self.setTabOrder(self.due, self.clear_button)
        self.setTabOrder(self.clear_button, self.open_button)
        self.setTabOrder(self.open_button, self.change_button)
        self.setTabOrder(self.change_button, self.table)
        self._restored: dict[str, str] = {}
        self._restore_filters()
        self._selected()

    # -- data ----------------------------------------------------------------------------

    def reload(self) -> None:
        keep = set(self.selected_ids())
        rows = list_actions(self.ctx.db, None, self.today)
        self.model.set_rows(rows)
        owners: dict[str, str | None] = {}
        for row in rows:
            if row.owner:  # one entry per owner, spelled as first seen
                owners.setdefault(row.owner.casefold(), row.owner)
        self._fill(self.owner, self.tr("Any owner"), owners)
        self._fill(self.provider, self.tr("Any provider"),
                   {str(r.provider_id): r.provider_name or self.tr("Unnamed provider")
                    for r in rows if r.provider_id is not None})
        self.apply_filters()
        if keep:
            self.select_ids(keep)

    def _fill(self, combo: QComboBox, blank: str, choices: dict[str, str | None]) -> None:
        key = next(k for k, c in self.combos.items() if c is combo)
        current = str(combo.currentData() or self._restored.pop(key, "") or "")
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(blank, "")
        for value, label in sorted(choices.items(), key=lambda kv: (kv[1] or "").casefold()):
            combo.addItem(label or value, value)
        if current and combo.findData(current) < 0:
            combo.addItem(self.tr("{value} (no actions now)").format(value=current), current)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def filters(self) -> ActionFilters:
        return ActionFilters(text=self.search.text(),
                             owner=str(self.owner.currentData() or ""),
                             provider=str(self.provider.currentData() or ""),
                             status=str(self.status.currentData() or ""),
                             due=str(self.due.currentData() or ""))

    def apply_filters(self) -> None:
        self._debounce.stop()
        filters = self.filters()
        self.proxy.set_filters(filters, self.today)
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(self.tr("{shown} of {total} actions").format(
            shown=f"{shown:,}", total=f"{total:,}"))
        self.clear_button.setEnabled(not filters.is_clear())
        self.empty.setVisible(total == 0)
        self._save_filters()
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

    def _save_filters(self) -> None:
        self.ctx.settings.setValue(PREFIX + "text", self.search.text())
        for key, combo in self.combos.items():
            value = str(combo.currentData() or "")
            if key in self._restored and not value:
                continue  # the list has not been loaded yet: keep the remembered choice
            self.ctx.settings.setValue(PREFIX + key, value)

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
                self._restored[key] = value  # owner and provider fill in on the first load

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # -- selection -----------------------------------------------------------------------

    def selected_rows(self) -> list[ActionRow]:
        indexes = sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row())
        return [i.data(ROW_ROLE) for i in indexes]

    def selected_ids(self) -> list[uuid.UUID]:
        return [r.id for r in self.selected_rows()]

    def select_ids(self, ids: set[uuid.UUID] | list[uuid.UUID]) -> None:
        wanted = set(ids)
        self.table.clearSelection()
        selection = self.table.selectionModel()
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(ROW_ROLE).id in wanted:
                selection.select(index, selection.SelectionFlag.Select
                                 | selection.SelectionFlag.Rows)

    def visible_rows(self) -> list[ActionRow]:
        return [self.proxy.index(r, 0).data(ROW_ROLE) for r in range(self.proxy.rowCount())]

    def _selected(self) -> None:
        rows = self.selected_rows()
        self.change_button.setEnabled(bool(rows))
        self.open_button.setEnabled(len(rows) == 1)
        setting_id = rows[0].setting_id if len(rows) == 1 else None
        if setting_id is None:
            self.detail.show_empty()
        else:
            self.detail.show_detail(setting_detail(self.ctx.db, setting_id, self.today))

    # -- writes and links ----------------------------------------------------------------

    def author(self) -> str:
        return self.ctx.db.user

    def change_dialog(self) -> ChangeStatusDialog | None:
        rows = self.selected_rows()
        if not rows:
            self._say(self.tr("Choose one or more actions in the list first."))
            return None
        dialog = ChangeStatusDialog(self.ctx.db, rows, self.author(), self.today, self)
        dialog.accepted.connect(lambda: self._changed(dialog))
        return dialog

    def change_selected(self) -> None:
        dialog = self.change_dialog()
        if dialog is not None:
            dialog.open()

    def _changed(self, dialog: ChangeStatusDialog) -> None:
        text = self.tr("{n} of {total} actions moved to {status}.").format(
            n=len(dialog.moved), total=len(dialog.rows), status=dialog.target().label)
        if dialog.refused:
            text += " " + self.tr("Not moved: {why}").format(why=" ".join(dialog.refused))
        self._say(text)
        self.reload()

    def open_source(self) -> QDialog | None:
        """Open where the chosen action came from; returns the dialog shown, if any."""
        rows = self.selected_rows()
        if len(rows) != 1:
            self._say(self.tr("Choose one action to open where it came from."))
            return None
        row = rows[0]
        where = where_text(row) or self.tr("no setting recorded")
        if row.source == ActionSource.QA_VISIT and row.qa_visit_id is not None:
            try:
                record = load_visit(self.ctx.db, row.qa_visit_id)
            except ValidationError as exc:
                self._say(exc.message + " " + self.tr(
                    "The setting's details are shown below."))
                return None
            dialog: QDialog
            if record.status == QaVisitStatus.DRAFT:
                visit = VisitDialog(self.ctx.db, record.id, self.today, self)
                dialog = visit
            else:
                dialog = VisitSummaryDialog(record, self, self.ctx.db, self.today)
            dialog.show()
            self._announce(self.tr("Opened the {source} at {where}.").format(
                source=row.source_label, where=where))
            return dialog
        if row.source == ActionSource.CONTRACT_REVIEW and row.contract_review_id is not None:
            from ..contracts.review_dialog import ReviewDialog

            review = ReviewDialog(self.ctx.db, row.contract_review_id, self.today, self)
            review.show()
            self._announce(self.tr("Opened the {source} with {where}.").format(
                source=row.source_label, where=where))
            return review
        if row.source == ActionSource.MANUAL:
            text = self.tr("This action was recorded by hand for {where}; its setting is "
                           "shown below.")
        else:
            text = self.tr("This action came from the {source} for {where}. The setting's "
                           "details are shown below; the record itself opens from its own "
                           "page.")
        source = row.source_label[:1].lower() + row.source_label[1:]
        self._announce(text.format(source=source, where=where))
        return None

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _announce(self, text: str) -> None:
        self._say(text)
        self.ctx.hub.status_message.emit(text)
