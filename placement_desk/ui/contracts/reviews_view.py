"""The reviews tab: who is due a contract review, and the reviews recorded.

The due list shows every provider with a child placed, by when its next review is
due ("Overdue" in words); Start review (Ctrl+N or Enter) resumes the provider's
draft, takes up its planned review or begins one. The reviews recorded open with
Enter: a draft to carry on, a signed-off review read-only.
"""

from __future__ import annotations

import datetime as dt
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
from ...services.contracts.reviews import (
    DueRow,
    DueStatus,
    ReviewRow,
    list_reviews,
    load_review,
    review_export_table,
    reviews_due,
    start_review,
)
from ..common.colours import colour
from ..common.fields import Combo
from ..common.list_table import list_table
from ..common.rows import ROW_ROLE, SORT_ROLE, Column, Index, RowTableModel
from ..common.shortcuts import local_shortcuts
from ..context import AppContext
from .review_dialog import ReviewDialog

PREFIX = "contracts/reviews/"
DUE_VIEWS = (("overdue", "Overdue"), ("soon", "Overdue or due within 30 days"),
             ("all", "Every provider with a child placed"))
REVIEW_VIEWS = (("", "All reviews"), (ReviewStatus.DRAFT.value, "In progress"),
                (ReviewStatus.PLANNED.value, "Planned"),
                (ReviewStatus.SIGNED_OFF.value, "Signed off"))

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
        self.today = dt.date.today()
        self.view = Combo()
        for key, label in DUE_VIEWS:
            self.view.addItem(self.tr(label), key)
        self.view.setAccessibleName(self.tr("Which providers to list"))
        self.view.setCurrentIndex(max(0, self.view.findData(
            ctx.settings.value(PREFIX + "view", "soon"))))
        self.count = QLabel()
        self.start_button = QPushButton(self.tr("Start review…"))
        self.start_button.setToolTip(self.tr("Record a review with the chosen provider, or "
                                             "carry on with its draft (Ctrl+N or Enter)"))
        self.export_button = QPushButton(self.tr("Export reviews…"))
        self.export_button.setToolTip(self.tr("Save every review recorded to Excel or CSV"))
        bar = QHBoxLayout()
        bar.addWidget(self.view)
        bar.addWidget(self.count, 1)
        bar.addWidget(self.start_button)
        bar.addWidget(self.export_button)
        self.due_model = DueModel(DUE_COLUMNS, lambda r: r.provider_id)
        self.due_proxy = _proxy(self.due_model)
        self.due = list_table(self.due_proxy, self.tr("Providers due a contract review"),
                              (260, 110, 100, 100, 150), stretch=0)
        self.due.setSortingEnabled(True)
        self.due.horizontalHeader().setSortIndicator(3, Qt.SortOrder.AscendingOrder)
        self.recorded_label = QLabel(self.tr("Reviews recorded"))
        bold = QFont(self.recorded_label.font())
        bold.setBold(True)
        self.recorded_label.setFont(bold)
        self.review_view = Combo()
        for key, label in REVIEW_VIEWS:
            self.review_view.addItem(self.tr(label), key)
        self.review_view.setAccessibleName(self.tr("Which reviews to list"))
        self.open_button = QPushButton(self.tr("Open review"))
        self.open_button.setToolTip(self.tr("A draft opens to carry on; a signed-off review "
                                            "opens read-only (Enter)"))
        second = QHBoxLayout()
        second.addWidget(self.recorded_label)
        second.addWidget(self.review_view)
        second.addStretch(1)
        second.addWidget(self.open_button)
        self.review_model: RowTableModel[ReviewRow] = RowTableModel(REVIEW_COLUMNS,
                                                                    lambda r: r.id)
        self.review_proxy = _proxy(self.review_model)
        self.reviews = list_table(self.review_proxy, self.tr("Reviews recorded"),
                                  (90, 240, 90, 90, 160, 90, 110), stretch=1)
        self.reviews.setSortingEnabled(True)
        self.reviews.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 4, 0, 0)
        lower_layout.addLayout(second)
        lower_layout.addWidget(self.reviews, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.due)
        split.addWidget(lower)
        split.setChildrenCollapsible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        self.view.currentIndexChanged.connect(lambda _i: self.reload())
        self.review_view.currentIndexChanged.connect(lambda _i: self._reload_reviews())
        self.start_button.clicked.connect(self.start_selected)
        self.open_button.clicked.connect(self.open_selected)
        self.export_button.clicked.connect(self.export)
        self.due.doubleClicked.connect(lambda _i: self.start_selected())
        self.reviews.doubleClicked.connect(lambda _i: self.open_selected())
        self.due.selectionModel().selectionChanged.connect(lambda *_a: self._enable())
        self.reviews.selectionModel().selectionChanged.connect(lambda *_a: self._enable())
        local_shortcuts(self, [(QKeySequence.StandardKey.New, self.start_selected)])
        local_shortcuts(self.due, [(Qt.Key.Key_Return, self.start_selected),
                                   (Qt.Key.Key_Enter, self.start_selected)], children=False)
        local_shortcuts(self.reviews, [(Qt.Key.Key_Return, self.open_selected),
                                       (Qt.Key.Key_Enter, self.open_selected)], children=False)
        order = [self.view, self.start_button, self.export_button, self.due, self.review_view,
                 self.open_button, self.reviews]
        for first, then in itertools.pairwise(order):
            self.setTabOrder(first, then)
        self._enable()

    # -- data ------------------------------------------------------------------------------

    def reload(self) -> None:
        key = str(self.view.currentData())
        self.ctx.settings.setValue(PREFIX + "view", key)
        rows = reviews_due(self.ctx.db, self.today)
        total = len(rows)
        if key == "overdue":
            rows = [r for r in rows if r.status == DueStatus.OVERDUE]
        elif key == "soon":
            rows = [r for r in rows if r.status != DueStatus.NOT_DUE]
        self.due_model.set_rows(rows)
        overdue = sum(1 for r in self.due_model.rows if r.status == DueStatus.OVERDUE)
        self.count.setText(self.tr("{shown} of {total} providers with children placed; "
                                   "{overdue} overdue").format(
            shown=f"{len(rows):,}", total=f"{total:,}", overdue=f"{overdue:,}"))
        self._reload_reviews()
        if not total:
            self._say(self.tr("No provider has a child placed today, so no contract review is "
                              "due. Reviews recorded are listed below."))
        self._enable()

    def _reload_reviews(self) -> None:
        status = str(self.review_view.currentData() or "")
        self.review_model.set_rows(list_reviews(
            self.ctx.db, statuses=[ReviewStatus(status)] if status else None))
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

    def export_to(self, path: str | Path) -> None:
        headings, table = review_export_table(list_reviews(self.ctx.db))

        def work(state: TaskState) -> Path:
            return write_table(path, headings, table, sheet="Reviews", state=state)

        def failed(exc: BaseException, _detail: str = "") -> None:
            self._say(str(exc) if isinstance(exc, UserError) else
                      self.tr("The export did not finish: {error}").format(error=exc))

        self.ctx.tasks.start(self.tr("Exporting reviews"), work,
                             on_success=lambda out: self._say(self.tr(
                                 "{n} reviews saved to {path}.").format(n=len(table), path=out)),
                             on_failure=failed)
