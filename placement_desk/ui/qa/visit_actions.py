"""The actions raised at a QA visit, listed and added from the visit form.

An action is saved the moment it is added (not with the draft), so it is never
lost with the form; it is then followed up in the QA page's actions tracker.
"""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ...db import Database
from ...errors import ValidationError
from ...models.enums import ActionPriority
from ...services.common.formatting import date_short
from ...services.qa.actions import ActionFilter, list_actions
from ...services.qa.visits import raise_action
from ..common.form_base import error_label, to_date

DEFAULT_DUE_DAYS = 28
COLUMNS = ("Action", "Owner", "Due", "Priority", "Status")


class VisitActions(QGroupBox):
    def __init__(self, db: Database, visit_id: uuid.UUID, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Actions raised"), parent)
        self.db, self.visit_id, self.today = db, visit_id, today
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setFixedHeight(110)
        self.table.setAccessibleName(self.tr("Actions raised at this visit"))
        self.description = QLineEdit()
        self.description.setPlaceholderText(self.tr("What the provider must do"))
        self.description.setAccessibleName(self.tr("New action"))
        self.owner = QLineEdit()
        self.owner.setPlaceholderText(self.tr("Owner, e.g. Registered manager"))
        self.owner.setAccessibleName(self.tr("Owner of the new action"))
        self.due = QDateEdit()
        self.due.setDisplayFormat("dd/MM/yyyy")
        self.due.setCalendarPopup(True)
        due = today + dt.timedelta(days=DEFAULT_DUE_DAYS)
        self.due.setDate(QDate(due.year, due.month, due.day))
        self.due.setAccessibleName(self.tr("Due date of the new action"))
        self.priority = QComboBox()
        for value, label in ActionPriority.choices():
            self.priority.addItem(label, value)
        self.priority.setCurrentIndex(self.priority.findData(ActionPriority.MEDIUM.value))
        self.priority.setAccessibleName(self.tr("Priority of the new action"))
        self.add_button = QPushButton(self.tr("Add action"))
        self.add_button.setToolTip(self.tr("Save this action now (Enter in the action or "
                                           "owner box)"))
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
        self.reload()

    def reload(self) -> None:
        rows = list_actions(self.db, ActionFilter(qa_visit_id=self.visit_id), self.today)
        self.table.setRowCount(len(rows))
        for n, row in enumerate(rows):
            for c, text in enumerate((row.description, row.owner or "",
                                      date_short(row.due_date), row.priority.label,
                                      row.status_text)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(n, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def add(self) -> bool:
        """Save the action typed in; on a problem say what, and keep what was typed."""
        try:
            raise_action(self.db, self.visit_id, self.description.text(),
                         self.owner.text(), to_date(self.due),
                         ActionPriority(self.priority.currentData()))
        except ValidationError as exc:
            self.error.setText(exc.message)
            self.error.setVisible(True)
            return False
        self.error.setVisible(False)
        self.description.clear()
        self.reload()
        self.description.setFocus()
        return True

