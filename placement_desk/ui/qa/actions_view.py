"""The actions tracker tab: every action from visits, reviews and alerts, filtered and followed up.

Filter bar (search first, then owner, provider, status and due date, a count and
"Clear filters"), remembered across restarts; a table where overdue actions say
"Overdue"; several actions moved to a new status at once, with a note (those that
may not make the move are named, with the reason, and left alone); Enter or
double-click opens where the action came from.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...errors import ValidationError
from ...models.enums import ActionSource, ActionStatus, QaVisitStatus
from ...services.common.formatting import date_short
from ...services.qa.actions import LIVE, ActionFilter, ActionRow, list_actions
from ...services.qa.visits import load_visit
from ...services.register.settings import setting_detail
from ..common.colours import colour
from ..common.filter_bar import FilterBar
from ..common.list_table import list_table
from ..common.rows import ROW_ROLE, SORT_ROLE, Column, Index, RowTableModel
from ..common.shortcuts import local_shortcuts
from ..context import AppContext
from ..providers.setting_detail import SettingDetailTabs
from .action_dialogs import ChangeStatusDialog, VisitSummaryDialog
from .visit_dialog import VisitDialog

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


# --- Filtering: the rule is ActionFilter.accepts, in the service ---------------------

class ActionsProxy(QSortFilterProxyModel):
    def __init__(self, source: ActionsModel) -> None:
        super().__init__()
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.filters = ActionFilter()

    def set_filters(self, filters: ActionFilter) -> None:
        self.beginFilterChange()
        self.filters = filters
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        row = self.sourceModel().index(source_row, 0, source_parent).data(ROW_ROLE)
        return row is not None and self.filters.accepts(row)


# --- Status change -----------------------------------------------------------------------

# --- The tab ---------------------------------------------------------------------------------

class ActionsView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = ctx.today()
        self.model = ActionsModel(COLUMNS, lambda r: r.id)
        self.proxy = ActionsProxy(self.model)
        self._build_filters(ctx)
        second = self._build_buttons()
        self._build_table()
        self._build_messages()
        self.detail = SettingDetailTabs(self.tr(
            "Choose an action in the list to see its setting's details."))
        self._build_layout(second)
        self._connect_signals()
        self._set_tab_order()
        self._selected()

    # -- building the tab ----------------------------------------------------------------

    def _build_filters(self, ctx: AppContext) -> None:
        """Search, owner, provider, status and due date, remembered across restarts."""
        self.bar = FilterBar(ctx.settings, "qa_actions", self.tr("Search actions (Ctrl+F)"),
                             self.tr("{shown} of {total} actions"))
        self.search, self.count = self.bar.search, self.bar.count
        self.clear_button = self.bar.clear_button
        self.search.setToolTip(self.tr("Words from the description, source, owner, setting "
                                       "or provider"))
        self.owner = self.bar.add_combo("owner", self.tr("Any owner"), stretch=1)
        self.provider = self.bar.add_combo("provider", self.tr("Any provider"), stretch=1,
                                           width=12)
        self.status = self.bar.add_combo(
            "status", self.tr("Any status"),
            [(LIVE, self.tr("Not finished")),
             *((s.value, s.label) for s in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS,
                                            ActionStatus.OVERDUE, ActionStatus.DONE,
                                            ActionStatus.CANCELLED))], stretch=1)
        self.status.setItemData(1, self.tr("Open, in progress or overdue"),
                                Qt.ItemDataRole.ToolTipRole)
        self.due = self.bar.add_combo(
            "due", self.tr("Due any time"),
            [("overdue", self.tr("Overdue")), ("7", self.tr("Due in the next 7 days")),
             ("30", self.tr("Due in the next 30 days"))], stretch=1, width=12)
        self.combos = self.bar.combos
        # "Clear filters" sits on the second row, so the page fits a small laptop screen.
        self.bar.finish(clear_row=None)

    def _build_buttons(self) -> QHBoxLayout:
        """The second row: the count, "Clear filters" and the buttons acting on the list."""
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
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Save the actions shown to Excel or CSV "
                                              "(Ctrl+E)"))
        second.addWidget(self.export_button)
        self.export_button.clicked.connect(self.export_view)
        return second

    def _build_table(self) -> None:
        self.table = list_table(self.proxy, self.tr("Actions"), (260, 150, 220, 110, 65, 85),
                                many=True, stretch=0)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)

    def _build_messages(self) -> None:
        """What the page says when there are no actions yet, and after a change."""
        self.empty = QLabel(self.tr(
            "No actions yet. Actions are raised when a QA visit, a contract review or a "
            "rating alert finds something to put right; they are followed up here."))
        self.empty.setWordWrap(True)
        self.empty.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setVisible(False)

    def _build_layout(self, second: QHBoxLayout) -> None:
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.addWidget(self.bar)
        layout.addLayout(second)
        layout.addWidget(self.empty)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)

    def _connect_signals(self) -> None:
        self.bar.changed.connect(self.apply_filters)
        self.change_button.clicked.connect(self.change_selected)
        self.open_button.clicked.connect(self.open_source)
        self.table.doubleClicked.connect(lambda _i: self.open_source())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selected())
        local_shortcuts(self, [(QKeySequence.StandardKey.Find, self.bar.focus_search),
                               ("Ctrl+E", self.export_view)])
        local_shortcuts(self.table, [(Qt.Key.Key_Return, self.open_source),
                                     (Qt.Key.Key_Enter, self.open_source)], children=False)

    def _set_tab_order(self) -> None:
        """Filters, "Clear filters", the buttons, then the list."""
        self.setTabOrder(self.search, self.owner)
        self.setTabOrder(self.owner, self.provider)
        self.setTabOrder(self.provider, self.status)
        self.setTabOrder(self.status, self.due)
        self.setTabOrder(self.due, self.clear_button)
        self.setTabOrder(self.clear_button, self.open_button)
        self.setTabOrder(self.open_button, self.change_button)
        self.setTabOrder(self.change_button, self.export_button)
        self.setTabOrder(self.export_button, self.table)

    # -- data ----------------------------------------------------------------------------

    def reload(self) -> None:
        keep = set(self.selected_ids())
        rows = list_actions(self.ctx.db, None, self.today)
        self.model.set_rows(rows)
        owners: dict[str, str] = {}
        for row in rows:
            if row.owner:  # one entry per owner, spelled as first seen
                owners.setdefault(row.owner.casefold(), row.owner)
        providers = {str(r.provider_id): r.provider_name or self.tr("Unnamed provider")
                     for r in rows if r.provider_id is not None}
        for key, choices in (("owner", owners), ("provider", providers)):
            self.bar.set_choices(key, sorted(choices.items(), key=lambda kv: kv[1].casefold()),
                                 missing=self.tr("{value} (no actions now)"))
        self.apply_filters()
        if keep:
            self.select_ids(keep)

    def filters(self) -> ActionFilter:
        return ActionFilter.from_choices(self.today, **self.bar.values())

    def apply_filters(self) -> None:
        self.bar.settle()
        self.proxy.set_filters(self.filters())
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.bar.show_count(shown, total)
        self.empty.setVisible(total == 0)
        self._selected()

    def clear_filters(self) -> None:
        self.bar.clear()

    def focus_search(self) -> None:
        self.bar.focus_search()

    # -- selection -----------------------------------------------------------------------

    def selected_rows(self) -> list[ActionRow]:
        indexes = sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row())
        return [i.data(ROW_ROLE) for i in indexes]

    def export_view(self) -> None:
        from ..spreadsheets.exporting import ask_and_export_shown

        ask_and_export_shown(self, self.ctx.db, "actions",
                             [r.id for r in self.visible_rows()], self.bar.describe())

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
