"""The actions raised at a contract review, listed and added beside its draft.

Each action is saved the moment it is added (not with the draft), so it is never lost
with the form; it is then followed up in the QA page's actions tracker.
"""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
)

from ...db import Database
from ...errors import ValidationError
from ...models import Action
from ...models.enums import ActionPriority
from ...services.common.formatting import date_short
from ...services.common.limits import max_length
from ...services.contracts.reviews import ReviewRecord, load_review, raise_review_action
from ..common.fields import say
from ..common.form_base import Combo, DateField, error_label

DEFAULT_DUE_DAYS = 28


class ReviewActions(QGroupBox):
    """The actions raised at this review, listed and added; each is saved at once, so it is
    never lost with the form, and followed up in the QA page's actions tracker."""

    def __init__(self, db: Database, review_id: uuid.UUID, today: dt.date) -> None:
        super().__init__()
        self.setTitle(self.tr("Actions raised"))
        self.db, self.review_id, self.today = db, review_id, today
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Owner"),
                                              self.tr("Due"), self.tr("Status")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setFixedHeight(96)
        self.table.setAccessibleName(self.tr("Actions raised at this review"))
        self.description = QLineEdit()
        self.description.setPlaceholderText(self.tr("What needs to be done"))
        self.description.setAccessibleName(self.tr("New action"))
        self.owner = QLineEdit()
        self.owner.setMaxLength(max_length(Action.owner) or 100)
        self.owner.setPlaceholderText(self.tr("Owner, e.g. Registered manager"))
        self.owner.setAccessibleName(self.tr("Owner of the new action"))
        self.due = DateField()
        self.due.set_value(today + dt.timedelta(days=DEFAULT_DUE_DAYS))
        self.due.setAccessibleName(self.tr("Due date of the new action"))
        self.due.detach_error()  # its problem shows in the group's line, below
        self.priority = Combo()
        for value, label in ActionPriority.choices():
            self.priority.addItem(self.tr(label), value)
        self.priority.setCurrentIndex(self.priority.findData(ActionPriority.MEDIUM.value))
        self.priority.setAccessibleName(self.tr("Priority of the new action"))
        self.add_button = QPushButton(self.tr("Add action"))
        self.add_button.setToolTip(self.tr("Save this action in the tracker now (Enter in the "
                                           "action or owner box)"))
        self.add_button.setAutoDefault(False)
        self.error = error_label("action_error")
        grid = QGridLayout(self)
        grid.addWidget(self.table, 0, 0, 1, 4)
        grid.addWidget(self.description, 1, 0, 1, 4)
        grid.addWidget(self.owner, 2, 0)
        grid.addWidget(self.due, 2, 1)
        grid.addWidget(self.priority, 2, 2)
        grid.addWidget(self.add_button, 2, 3)
        grid.addWidget(self.error, 3, 0, 1, 4)
        grid.setColumnStretch(0, 1)
        for edit in (self.description, self.owner):
            edit.returnPressed.connect(self.add)
        self.add_button.clicked.connect(self.add)

    def show_rows(self, record: ReviewRecord) -> None:
        self.table.setRowCount(len(record.actions))
        for n, row in enumerate(record.actions):
            for c, text in enumerate((row.description, row.owner or "",
                                      date_short(row.due_date), row.status_text)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(n, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.description, self.owner, self.due, self.priority, self.add_button,
                       self.error):
            widget.setVisible(not read_only)

    def add(self) -> bool:
        """Save the action typed in; on a problem say what, and keep what was typed."""
        problem = self.due.problem()
        if problem:
            say(self.error, self.tr("Due date: {why}").format(why=problem))
            return False
        try:
            raise_review_action(self.db, self.review_id, self.description.text(),
                                self.owner.text(), self.due.value(),
                                ActionPriority(self.priority.currentData()))
        except ValidationError as exc:
            say(self.error, exc.message)
            return False
        say(self.error, "")
        self.description.clear()
        self.show_rows(load_review(self.db, self.review_id, self.today))
        self.description.setFocus()
        return True
