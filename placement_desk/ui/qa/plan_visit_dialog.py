"""Small QA schedule forms: assign an officer to settings, and plan a visit with a date.

Both save through the schedule service in one session and show a
:class:`~placement_desk.errors.ValidationError` beside the field it names; the
primary button stays disabled while the form has an error.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...errors import ValidationError
from ...models.enums import QaVisitType
from ...services.common.formatting import date_long, date_short
from ...services.qa.schedule import Officer, assign_officer, plan_visit, qa_officers
from ..common.a11y import label_forms
from ..common.fields import Combo, DateField, error_label
from ..common.form_base import DiscardGuard


def _error_label() -> QLabel:
    return error_label()


def _show_error(label: QLabel, text: str) -> None:
    label.setText(text)
    fit_height(label.window())


def fit_height(window: QWidget) -> None:
    """Grow a dialog to the height its wrapped text needs at its current width."""
    layout = window.layout()
    if not window.isVisible() or layout is None:
        return
    layout.activate()
    wanted = window.heightForWidth(window.width())
    if wanted > window.height():
        window.resize(window.width(), wanted)


def officer_combo(officers: Sequence[Officer], nobody: str,
                  current: uuid.UUID | None = None) -> QComboBox:
    """A combo of officers; the first item (data None) is ``nobody``."""
    combo = Combo()
    combo.addItem(nobody, None)
    for officer in officers:
        combo.addItem(officer.name, officer.id)
    if current is not None:
        # findData compares Python objects by identity: match the id by value instead.
        ids = [officer.id for officer in officers]
        combo.setCurrentIndex(ids.index(current) + 1 if current in ids else 0)
    return combo


def _load_officers(db: Database) -> list[Officer]:
    return qa_officers(db)


class AssignOfficerDialog(QDialog):
    """Make one QA officer (or nobody) responsible for the chosen settings."""

    def __init__(self, db: Database, setting_ids: Sequence[uuid.UUID],
                 names: Sequence[str], current: uuid.UUID | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setting_ids = list(setting_ids)
        self.changed: list[uuid.UUID] = []
        self.setWindowTitle(self.tr("Assign a QA officer"))
        officers = _load_officers(db)
        if len(names) == 1:
            about = self.tr("Choose the QA officer for {name}.").format(name=names[0])
        else:
            shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
            about = self.tr("Choose the QA officer for these {n} settings: {names}.").format(
                n=len(names), names=shown)
        self.about = QLabel(about)
        self.about.setWordWrap(True)
        self.officer = officer_combo(officers, self.tr("Nobody (unassigned)"), current)
        self.officer.setAccessibleName(self.tr("QA officer"))
        self.officer_error = _error_label()
        form = QFormLayout()
        form.addRow(self.tr("QA officer"), self.officer)
        form.addRow("", self.officer_error)
        hint = QLabel(self.tr("Only active users with the QA officer role are listed. "
                              "Choose Nobody to leave the settings unassigned.")
                      if officers else
                      self.tr("There are no active QA officers yet. An administrator can add "
                              "users with the QA officer role; until then you can only leave "
                              "the settings unassigned."))
        hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(self.tr("Assign"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.officer.currentIndexChanged.connect(lambda _i: _show_error(self.officer_error, ""))
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        label_forms(self)
        self.officer.setFocus()

    def officer_id(self) -> uuid.UUID | None:
        value = self.officer.currentData()
        return value if isinstance(value, uuid.UUID) else None

    def save(self) -> None:
        try:
            self.changed = assign_officer(self.db, self.setting_ids, self.officer_id())
        except ValidationError as exc:
            _show_error(self.officer_error, exc.message)
            return
        self.accept()


class PlanVisitDialog(DiscardGuard):
    """Put a visit to one setting in the diary: date (dd/mm/yyyy), officer and type."""

    def __init__(self, db: Database, setting_id: uuid.UUID, name: str,
                 today: dt.date | None = None, officer: uuid.UUID | None = None,
                 next_due: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setting_id = setting_id
        self.today = today or dt.date.today()
        self.visit_id: uuid.UUID | None = None
        self.setWindowTitle(self.tr("Plan a visit: {name}").format(name=name))
        about = self.tr("Plan a QA visit to {name}.").format(name=name)
        if next_due is not None:
            about += " " + self.tr("Its next visit is due by {day}.").format(
                day=date_long(next_due))
        self.about = QLabel(about)
        self.about.setWordWrap(True)
        start = max(self.today, next_due) if next_due else self.today
        self.planned_date = DateField()
        self.planned_date.set_value(start)
        self.planned_date.setAccessibleName(self.tr("Planned date"))
        self.planned_date.detach_error()
        self.date_error = _error_label()
        self.officer = officer_combo(_load_officers(db), self.tr("Not decided yet"),
                                     officer)
        self.officer.setAccessibleName(self.tr("Lead officer"))
        self.officer_error = _error_label()
        self.visit_type = Combo()
        self.visit_type.addItem(self.tr("Not decided yet"), "")
        for value, label in QaVisitType.choices():
            self.visit_type.addItem(label, value)
        self.visit_type.setAccessibleName(self.tr("Type of visit"))
        form = QFormLayout()
        form.addRow(self.tr("Planned date *"), self.planned_date)
        form.addRow("", self.date_error)
        form.addRow(self.tr("Lead officer"), self.officer)
        form.addRow("", self.officer_error)
        form.addRow(self.tr("Type of visit"), self.visit_type)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(self.tr("Plan visit"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        save = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save.setContext(Qt.ShortcutContext.WindowShortcut)
        save.activated.connect(self.save)
        self._shown = False
        """True while the date's problem is on screen (kept up to date as it is typed)."""
        self.planned_date.changed.connect(lambda: self.check())
        self.planned_date.edit.editingFinished.connect(lambda: self.check(show=True))
        self.planned_date.edit.textEdited.connect(self.mark_dirty)
        for combo in (self.officer, self.visit_type):
            combo.activated.connect(self.mark_dirty)
        self.officer.currentIndexChanged.connect(lambda _i: _show_error(self.officer_error, ""))
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.planned_date.setFocus()
        self.check(show=True)

    def date(self) -> dt.date | None:
        return self.planned_date.value()

    def check(self, show: bool = False) -> bool:
        """The date rule, checked as the user types and shown once the date has been left
        (or on Plan visit); Plan visit waits while a problem is showing."""
        message = self.planned_date.problem() or ""
        day = self.date()
        if not message and day is not None and day < self.today:
            message = self.tr("{day} is in the past: choose today ({today}) or a later "
                              "date.").format(day=date_short(day),
                                              today=date_short(self.today))
        shown = show or self._shown or not message
        if shown:
            self._shown = bool(message)
            _show_error(self.date_error, message)
        self.save_button.setEnabled(not (message and shown))
        return not message

    def save(self) -> None:
        day = self.date()
        if not self.check(show=True) or day is None:
            return
        kind = self.visit_type.currentData()
        officer = self.officer.currentData()
        try:
            self.visit_id = plan_visit(
                self.db, self.setting_id, day,
                officer if isinstance(officer, uuid.UUID) else None,
                QaVisitType(kind) if kind else None, today=self.today)
        except ValidationError as exc:
            label = self.officer_error if exc.field == "officer" else self.date_error
            _show_error(label, exc.message)
            return
        self.dirty = False
        self.accept()
