"""The actions raised at a QA visit, listed, added, corrected and removed in the visit form.

An action is saved the moment it is added (not with the draft), so it is never
lost with the form; it is then followed up in the QA page's actions tracker.
While the visit is in progress an action can be corrected (choose it, Edit, change,
Save changes) or removed (kept in the audit trail).
"""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ...db import Database
from ...errors import ValidationError
from ...models import Action
from ...models.enums import ActionPriority
from ...services.common.formatting import date_short
from ...services.common.limits import max_length
from ...services.qa.actions import ActionFilter, ActionRow, list_actions
from ...services.qa.visits import edit_visit_action, raise_action, remove_visit_action
from ..common.fields import Combo, DateField, error_label, say

DEFAULT_DUE_DAYS = 28
COLUMNS = ("Action", "Owner", "Due", "Priority", "Status")


class VisitActions(QGroupBox):
    def __init__(self, db: Database, visit_id: uuid.UUID, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Actions raised"), parent)
        self.db, self.visit_id, self.today = db, visit_id, today
        self.rows: list[ActionRow] = []
        self.editing: uuid.UUID | None = None
        """The action being corrected, or None when the fields add a new one."""
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setFixedHeight(110)
        self.table.setAccessibleName(self.tr("Actions raised at this visit"))
        self.description = QLineEdit()
        self.description.setPlaceholderText(self.tr("What the provider must do"))
        self.description.setAccessibleName(self.tr("New action"))
        self.owner = QLineEdit()
        self.owner.setMaxLength(max_length(Action.owner) or 100)
        self.owner.setPlaceholderText(self.tr("Owner, e.g. Registered manager"))
        self.owner.setAccessibleName(self.tr("Owner of the new action"))
        self.due = DateField()
        self.due.set_value(today + dt.timedelta(days=DEFAULT_DUE_DAYS))
        self.due.setAccessibleName(self.tr("Due date of the new action"))
        self.priority = Combo()
        for value, label in ActionPriority.choices():
            self.priority.addItem(label, value)
        self.priority.setCurrentIndex(self.priority.findData(ActionPriority.MEDIUM.value))
        self.priority.setAccessibleName(self.tr("Priority of the new action"))
        self.add_button = QPushButton(self.tr("Add action"))
        self.add_button.setToolTip(self.tr("Save this action now (Enter in the action or "
                                           "owner box)"))
        self.add_button.setAutoDefault(False)
        self.edit_button = QPushButton(self.tr("Edit"))
        self.edit_button.setToolTip(self.tr("Correct the chosen action in the fields below"))
        self.remove_button = QPushButton(self.tr("Remove…"))
        self.remove_button.setToolTip(self.tr("Take the chosen action off this visit"))
        self.cancel_edit_button = QPushButton(self.tr("Cancel edit"))
        for button in (self.edit_button, self.remove_button, self.cancel_edit_button):
            button.setAutoDefault(False)
        self.cancel_edit_button.setVisible(False)
        self.error = error_label("action_error")
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(self.edit_button)
        row_buttons.addWidget(self.remove_button)
        row_buttons.addStretch(1)
        grid = QGridLayout(self)
        grid.addWidget(self.table, 0, 0, 1, 4)
        grid.addLayout(row_buttons, 1, 0, 1, 4)
        grid.addWidget(self.description, 2, 0, 1, 4)
        grid.addWidget(self.owner, 3, 0)
        grid.addWidget(self.due, 3, 1)
        grid.addWidget(self.priority, 3, 2, Qt.AlignmentFlag.AlignTop)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.cancel_edit_button)
        grid.addLayout(buttons, 3, 3, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.error, 4, 0, 1, 4)
        grid.setColumnStretch(0, 1)
        for edit in (self.description, self.owner):
            edit.returnPressed.connect(self.add)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.cancel_edit_button.clicked.connect(self.cancel_edit)
        self.table.itemSelectionChanged.connect(self._enable)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.reload()

    def reload(self) -> None:
        self.rows = list_actions(self.db, ActionFilter(qa_visit_id=self.visit_id),
                                 self.today)
        self.table.setRowCount(len(self.rows))
        for n, row in enumerate(self.rows):
            for c, text in enumerate((row.description, row.owner or "",
                                      date_short(row.due_date), row.priority.label,
                                      row.status_text)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                item.setData(Qt.ItemDataRole.UserRole, row.id.hex)
                self.table.setItem(n, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._enable()

    def selected(self) -> ActionRow | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.rows[min(rows)] if rows and min(rows) < len(self.rows) else None

    def _enable(self) -> None:
        chosen = self.selected() is not None
        self.edit_button.setEnabled(chosen and self.editing is None)
        self.remove_button.setEnabled(chosen and self.editing is None)

    def _clear_fields(self) -> None:
        self.description.clear()
        self.owner.clear()
        self.due.set_value(self.today + dt.timedelta(days=DEFAULT_DUE_DAYS))
        self.priority.setCurrentIndex(self.priority.findData(ActionPriority.MEDIUM.value))

    def edit_selected(self) -> None:
        """Put the chosen action into the fields to be corrected."""
        row = self.selected()
        if row is None:
            return
        self.editing = row.id
        self.description.setText(row.description)
        self.owner.setText(row.owner or "")
        self.due.set_value(row.due_date)
        self.priority.setCurrentIndex(self.priority.findData(row.priority.value))
        self.add_button.setText(self.tr("Save changes"))
        self.cancel_edit_button.setVisible(True)
        say(self.error, "")
        self._enable()
        self.description.setFocus()

    def cancel_edit(self) -> None:
        self.editing = None
        self.add_button.setText(self.tr("Add action"))
        self.cancel_edit_button.setVisible(False)
        self._clear_fields()
        say(self.error, "")
        self._enable()

    def confirm_remove(self, row: ActionRow) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Remove the action"),
            self.tr("Remove the action “{what}” from this visit? It is kept in the audit "
                    "trail.").format(what=row.description[:80]),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def remove_selected(self) -> bool:
        row = self.selected()
        if row is None or not self.confirm_remove(row):
            return False
        try:
            remove_visit_action(self.db, self.visit_id, row.id)
        except ValidationError as exc:
            say(self.error, exc.message)
            return False
        say(self.error, "")
        self.reload()
        return True

    def add(self) -> bool:
        """Save the action typed in (or the correction); on a problem say what, and keep
        what was typed."""
        problem = self.due.problem()
        if problem:
            say(self.error, self.tr("Due date: {why}").format(why=problem))
            return False
        try:
            if self.editing is None:
                raise_action(self.db, self.visit_id, self.description.text(),
                             self.owner.text(), self.due.value(),
                             ActionPriority(self.priority.currentData()))
            else:
                edit_visit_action(self.db, self.visit_id, self.editing,
                                  self.description.text(), self.owner.text(), self.due.value(),
                                  ActionPriority(self.priority.currentData()))
        except ValidationError as exc:
            say(self.error, exc.message)
            return False
        say(self.error, "")
        if self.editing is not None:
            self.cancel_edit()
        else:
            self.description.clear()
        self.reload()
        self.description.setFocus()
        return True
