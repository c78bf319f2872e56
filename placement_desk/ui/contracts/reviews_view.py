"""The reviews tab: who is due a contract review, and the reviews recorded.

The due list shows the providers with a child placed, by when its next review is
due ("Overdue" in words); Start review (Ctrl+N or Enter) resumes the provider's
draft, takes up its planned review or begins one. The reviews recorded open with
Enter: a draft to carry on, a signed-off review read-only. Each list has the
shared filter bar, remembered across restarts; what the filters mean is in
``services/contracts/listing.py``.
"""

from __future__ import annotations

import itertools
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError, ValidationError
from ...io.table_export import write_table
from ...models.enums import ReviewStatus
from ...progress import TaskState
from ...services.common.formatting import date_short
from ...services.contracts.listing import (
    DUE_CHOICES,
    DUE_SOON,
    DueFilter,
    ReviewFilter,
    filter_due,
    filter_reviews,
)
from ...services.contracts.review_due import DueRow, DueStatus, reviews_due
from ...services.contracts.review_list import ReviewRow, list_reviews, review_export_table
from ...services.contracts.reviews import load_review, start_review
from ..common.colours import colour
from ..common.filter_bar import FilterBar
from ..common.list_table import list_table
from ..common.rows import ROW_ROLE, SORT_ROLE, Column, Index, RowTableModel
from ..common.shortcuts import local_shortcuts
from ..context import AppContext
from ..reports.batch_dialog import PrintPacksButton
from .review_dialog import ReviewDialog

DUE_COLUMNS: list[Column[DueRow]] = [
    Column("Provider", lambda r: r.provider_name),
    Column("Children placed", lambda r: str(r.children), sort=lambda r: r.children,
           align_right=True),
    Column("Last review", lambda r: date_short(r.last_review, "Never"),
           sort=lambda r: r.last_review),
    Column("Next due", lambda r: date_short(r.due), sort=lambda r: r.due),
    Column("Status", lambda r: r.status.label,
           sort=lambda r: list(DueStatus).index(r.status)),
    Column("In progress", lambda r: "Draft" if r.draft_id else (
        f"Planned {date_short(r.planned_date)}" if r.planned_date else ""),
        tooltip="A review already started, or one planned"),
]
REVIEW_COLUMNS: list[Column[ReviewRow]] = [
    Column("Date", lambda r: date_short(r.review_date), sort=lambda r: r.review_date),
    Column("Provider", lambda r: r.provider_name),
    Column("Contract", lambda r: r.contract_reference or ""),
    Column("Status", lambda r: r.status.label),
    Column("Ratings", lambda r: r.rag, tooltip="How many agenda areas were rated Red, Amber "
                                              "and Green (RAG)"),
    Column("Next review", lambda r: date_short(r.next_due), sort=lambda r: r.next_due),
    Column("Signed off by", lambda r: r.signed_off_by or ""),
    Column("Addenda", lambda r: str(r.addenda or ""), sort=lambda r: r.addenda,
           align_right=True),
]


class DueModel(RowTableModel[DueRow]):
    """"Overdue" is written out; it is also bold and red."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.column() == 4 and 0 <= index.row() < len(self.rows) \
                and self.rows[index.row()].status == DueStatus.OVERDUE:
            if role == Qt.ItemDataRole.ForegroundRole:
                return colour("red")
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        return super().data(index, role)


def _proxy(model: RowTableModel[Any]) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    return proxy


class ReviewsView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = ctx.today()
        self.due_rows: list[DueRow] = []
        """Every provider with a child placed, as last read; the list shows those the
        filters pass."""
        self.review_rows: list[ReviewRow] = []
        actions = self._build_due_list()
        second = self._build_review_list()
        self._build_layout(actions, second)
        self.bar.changed.connect(self.apply_filters)
        self.review_bar.changed.connect(self.apply_review_filters)
        self.start_button.clicked.connect(self.start_selected)
        self.open_button.clicked.connect(self.open_selected)
        self.export_button.clicked.connect(self.export)
        self.due.doubleClicked.connect(lambda _i: self.start_selected())
        self.reviews.doubleClicked.connect(lambda _i: self.open_selected())
        self.due.selectionModel().selectionChanged.connect(lambda *_a: self._enable())
        self.reviews.selectionModel().selectionChanged.connect(lambda *_a: self._enable())
        local_shortcuts(self, [(QKeySequence.StandardKey.New, self.start_selected),
                               (QKeySequence.StandardKey.Find, self.bar.focus_search)])
        local_shortcuts(self.due, [(Qt.Key.Key_Return, self.start_selected),
                                   (Qt.Key.Key_Enter, self.start_selected)], children=False)
        local_shortcuts(self.reviews, [(Qt.Key.Key_Return, self.open_selected),
                                       (Qt.Key.Key_Enter, self.open_selected)], children=False)
        order = [self.search, self.view, self.bar.clear_button, self.start_button, self.due,
                 self.review_search, self.review_view, self.review_bar.clear_button,
                 self.open_button, self.export_button, self.reviews]
        for first, then in itertools.pairwise(order):
            self.setTabOrder(first, then)
        self._enable()

    # -- building --------------------------------------------------------------------------

    def _build_due_list(self) -> QHBoxLayout:
        """The due list's filter bar and table; returns the row of its count and buttons."""
        self.bar = FilterBar(self.ctx.settings, "contract_reviews_due",
                             self.tr("Search provider (Ctrl+F)"),
                             self.tr("{shown} of {total} providers with children placed"))
        self.view = self.bar.add_combo(
            "due", self.tr("Every provider with a child placed"),
            [(key, self.tr(label)) for key, label in DUE_CHOICES], default=DUE_SOON, width=30,
            tooltip=self.tr("Which providers to list, by when their review is due"))
        self.bar.finish()
        self.search, self.count = self.bar.search, self.bar.count
        self.start_button = QPushButton(self.tr("Start review…"))
        self.start_button.setToolTip(self.tr("Record a review with the chosen provider, or "
                                             "carry on with its draft (Ctrl+N or Enter)"))
        actions = QHBoxLayout()
        actions.addWidget(self.count, 1)
        actions.addWidget(self.start_button)
        actions.addWidget(PrintPacksButton(self.ctx, lambda: self.today, self))
        self.due_model = DueModel(DUE_COLUMNS, lambda r: r.provider_id)
        self.due_proxy = _proxy(self.due_model)
        self.due = list_table(self.due_proxy, self.tr("Providers due a contract review"),
                              (260, 110, 100, 100, 150), stretch=0)
        self.due.setSortingEnabled(True)
        self.due.horizontalHeader().setSortIndicator(3, Qt.SortOrder.AscendingOrder)
        return actions

    def _build_review_list(self) -> QHBoxLayout:
        """The reviews recorded: heading, filter bar and table; returns the row of its count
        and buttons."""
        self.recorded_label = QLabel(self.tr("Reviews recorded"))
        bold = QFont(self.recorded_label.font())
        bold.setBold(True)
        self.recorded_label.setFont(bold)
        self.review_bar = FilterBar(self.ctx.settings, "contract_reviews",
                                    self.tr("Search provider or contract"),
                                    self.tr("{shown} of {total} reviews"))
        self.review_view = self.review_bar.add_combo(
            "status", self.tr("Any status"),
            [(value, self.tr(label)) for value, label in ReviewStatus.choices()], width=10,
            tooltip=self.tr("Which reviews to list"))
        self.review_bar.finish()
        self.review_search = self.review_bar.search
        self.review_count = self.review_bar.count
        self.open_button = QPushButton(self.tr("Open review"))
        self.open_button.setToolTip(self.tr("A draft opens to carry on; a signed-off review "
                                            "opens read-only (Enter)"))
        self.export_button = QPushButton(self.tr("Export reviews…"))
        self.export_button.setToolTip(self.tr("Save the reviews listed to Excel or CSV"))
        second = QHBoxLayout()
        second.addWidget(self.review_count, 1)
        second.addWidget(self.open_button)
        second.addWidget(self.export_button)
        self.review_model: RowTableModel[ReviewRow] = RowTableModel(REVIEW_COLUMNS,
                                                                    lambda r: r.id)
        self.review_proxy = _proxy(self.review_model)
        self.reviews = list_table(self.review_proxy, self.tr("Reviews recorded"),
                                  (90, 240, 90, 90, 160, 90, 110), stretch=1)
        self.reviews.setSortingEnabled(True)
        self.reviews.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        return second

    def _build_layout(self, actions: QHBoxLayout, second: QHBoxLayout) -> None:
        """The due list above the reviews recorded, split, under the message line."""
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.bar)
        upper_layout.addLayout(actions)
        upper_layout.addWidget(self.due, 1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 4, 0, 0)
        lower_layout.addWidget(self.recorded_label)
        lower_layout.addWidget(self.review_bar)
        lower_layout.addLayout(second)
        lower_layout.addWidget(self.reviews, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setChildrenCollapsible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)

    # -- data ------------------------------------------------------------------------------

    def reload(self) -> None:
        self.due_rows = reviews_due(self.ctx.db, self.today)
        self.review_rows = list_reviews(self.ctx.db)
        self._show_due()
        self._show_reviews()
        if not self.due_rows:
            self._say(self.tr("No provider has a child placed today, so no contract review is "
                              "due. Reviews recorded are listed below."))
        elif self.message.text().startswith(self.tr("No provider has a child placed")):
            self._say("")

    def apply_filters(self) -> None:
        self.bar.settle()
        self._show_due()

    def apply_review_filters(self) -> None:
        self.review_bar.settle()
        self._show_reviews()

    def _show_due(self) -> None:
        keep = self.selected_due()
        rows = filter_due(self.due_rows, DueFilter(**self.bar.values()))
        self.due_model.set_rows(rows)
        overdue = sum(1 for r in rows if r.status == DueStatus.OVERDUE)
        self.bar.show_count(len(rows), len(self.due_rows), more=self.tr(
            "; {overdue} overdue").format(overdue=f"{overdue:,}"))
        if keep is not None:
            self.select_provider(keep.provider_id)
        self._enable()

    def _show_reviews(self) -> None:
        keep = self.selected_review()
        rows = filter_reviews(self.review_rows, ReviewFilter(**self.review_bar.values()))
        self.review_model.set_rows(rows)
        self.review_bar.show_count(len(rows), len(self.review_rows))
        if keep is not None:
            self.select_review(keep.id)
        self._enable()

    def _enable(self) -> None:
        self.start_button.setEnabled(self.selected_due() is not None)
        self.open_button.setEnabled(self.selected_review() is not None)
        self.export_button.setEnabled(self.review_model.rowCount() > 0)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- selection ---------------------------------------------------------------------------

    def selected_due(self) -> DueRow | None:
        rows = self.due.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def selected_review(self) -> ReviewRow | None:
        rows = self.reviews.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def select_provider(self, provider_id: uuid.UUID) -> bool:
        for r in range(self.due_proxy.rowCount()):
            if self.due_proxy.index(r, 0).data(ROW_ROLE).provider_id == provider_id:
                self.due.selectRow(r)
                return True
        return False

    def select_review(self, review_id: uuid.UUID) -> bool:
        for r in range(self.review_proxy.rowCount()):
            if self.review_proxy.index(r, 0).data(ROW_ROLE).id == review_id:
                self.reviews.selectRow(r)
                return True
        return False

    # -- actions -----------------------------------------------------------------------------

    def start_selected(self) -> ReviewDialog | None:
        row = self.selected_due()
        if row is None:
            self._say(self.tr("Choose a provider in the list first."))
            return None
        try:
            review_id = row.draft_id or start_review(self.ctx.db, row.provider_id, self.today)
        except ValidationError as exc:
            self._say(exc.message)
            return None
        return self.open_review(review_id)

    def open_selected(self) -> ReviewDialog | None:
        row = self.selected_review()
        if row is None:
            return None
        return self.open_review(row.id)

    def open_review(self, review_id: uuid.UUID) -> ReviewDialog:
        """Open a review: a planned one is started (it becomes the provider's draft)."""
        record = load_review(self.ctx.db, review_id, self.today)
        if record.status == ReviewStatus.PLANNED:
            review_id = start_review(self.ctx.db, record.provider_id, self.today)
        dialog = ReviewDialog(self.ctx.db, review_id, self.today, self)
        dialog.show()
        return dialog

    def export(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export reviews"), "Contract reviews.xlsx",
            self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"))
        if name:
            self.export_to(name)

    def visible_reviews(self) -> list[ReviewRow]:
        """The reviews listed, in the table's order."""
        return [self.review_proxy.index(r, 0).data(ROW_ROLE)
                for r in range(self.review_proxy.rowCount())]

    def export_to(self, path: str | Path) -> None:
        """Write the reviews listed (as filtered) to ``path`` in a worker."""
        headings, table = review_export_table(self.visible_reviews())

        def work(state: TaskState) -> Path:
            return write_table(path, headings, table, sheet="Reviews", state=state)

        def failed(exc: BaseException, _detail: str = "") -> None:
            self._say(str(exc) if isinstance(exc, UserError) else
                      self.tr("The export did not finish: {error}").format(error=exc))

        self.ctx.tasks.start(self.tr("Exporting reviews"), work,
                             on_success=lambda out: self._say(self.tr(
                                 "{n} reviews saved to {path}.").format(n=len(table), path=out)),
                             on_failure=failed)
