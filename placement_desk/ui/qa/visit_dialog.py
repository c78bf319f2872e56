"""Recording a QA visit: keyboard-first, saved as a draft every few seconds and on close.

A crash or power cut loses at most the last few seconds of typing: the form
writes a draft (only what changed) every :data:`AUTOSAVE_MS` and whenever it is
closed; drafts reopen from the QA page. "Complete visit" checks the visit and
updates the setting's risk level and next due date. "Print letter…" saves the
letter to the provider as a PDF (marked DRAFT until the visit is complete).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...errors import ConcurrentEdit, UserError, ValidationError
from ...models import QaVisit
from ...models.enums import QaJudgement, QaVisitType
from ...services.common.limits import max_length
from ...services.qa.visit_forms import AreaForm, VisitForm, check_complete
from ...services.qa.visits import CompletedVisit, complete_visit, load_visit, save_draft
from ..common.a11y import label_forms
from ..common.conflict_dialog import KEEP_MINE, resolve_conflict
from ..common.fields import Combo, DateField, NumberField, error_label, say
from ..common.file_dialogs import save_file_name
from .visit_actions import VisitActions

AUTOSAVE_MS = 3000


def letter_file_name(setting_name: str, day: dt.date | None) -> str:
    """A file name to offer for a visit letter: "QA visit Oak House 2026-03-02.pdf"."""
    safe = re.sub(r'[\\/:*?"<>|]+', " ", setting_name).strip() or "setting"
    return f"QA visit {safe}{' ' + day.isoformat() if day else ''}.pdf"


def ask_letter_path(parent: QWidget, suggested: str) -> str:
    """Ask where to save a visit letter; "" when the user cancels."""
    return save_file_name(parent, parent.tr("Save the letter to the provider"), suggested,
                          parent.tr("PDF (*.pdf)"))


def write_letter(db: Database, visit_id: uuid.UUID,
                 path: str | Path, today: dt.date) -> str | None:
    """Write the visit letter; returns a message for the user when it cannot be written."""
    from ...reports.visit_letter import write_visit_letter

    try:
        write_visit_letter(db, visit_id, path, today=today)
    except UserError as exc:
        return str(exc)
    return None


def _judgement_combo(placeholder: str) -> QComboBox:
    combo = Combo()
    combo.addItem(placeholder, "")
    for value, label in QaJudgement.choices():
        combo.addItem(label, value)
    return combo


class VisitDialog(QDialog):
    def __init__(self, db: Database, visit_id: uuid.UUID,
                 today: dt.date | None = None, parent: QWidget | None = None, *,
                 resolve: Callable[[ConcurrentEdit], str] | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.visit_id = visit_id
        self.today = today or dt.date.today()
        self.completed: CompletedVisit | None = None
        self.resolve = resolve or (lambda error: resolve_conflict(self, error))
        """Shows another officer's save beside this form's; says whose version to keep."""
        record = load_visit(db, visit_id)
        form = record.form
        self.row_version = form.row_version
        """The visit's change counter as read, or as this form last saved it."""
        self.lead_officer_id = form.lead_officer_id
        self.setWindowTitle(self.tr("QA visit: {name}").format(name=record.setting_name))
        header = self._build_header(form)
        group = self._build_areas(form)
        footer = self._build_footer(form)
        scroll = self._build_scroll(header, group, footer)
        self._build_buttons()
        self.setting_name = record.setting_name
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        shortcut.activated.connect(self.autosave)
        self._build_layout(scroll)
        self._start_autosave()
        self._fit_screen()
        label_forms(self)
        self.visit_date.setFocus()

    # -- building the form ---------------------------------------------------------------

    def _build_header(self, form: VisitForm) -> QFormLayout:
        """Date, type, officers and how many people were spoken to."""
        self.visit_date = DateField()
        self.visit_date.set_value(form.visit_date or self.today)
        self.visit_date.setAccessibleName(self.tr("Visit date"))
        self.visit_type = Combo()
        self.visit_type.addItem(self.tr("Choose…"), "")
        for value, label in QaVisitType.choices():
            self.visit_type.addItem(label, value)
        self.visit_type.setCurrentIndex(max(0, self.visit_type.findData(
            form.visit_type.value if form.visit_type else "")))
        self.officers = QLineEdit(form.officers or "")
        self.officers.setMaxLength(max_length(QaVisit.officers) or 300)
        self.spoke = [NumberField(0, 999, what=self.tr("the number of people"))
                      for _ in range(3)]
        for spin, count, who in zip(self.spoke, (form.spoke_children, form.spoke_staff,
                                                 form.spoke_managers),
                                    (self.tr("Children spoken to"), self.tr("Staff spoken to"),
                                     self.tr("Managers spoken to")), strict=True):
            spin.set_value(count)
            spin.setAccessibleName(who)
        header = QFormLayout()
        header.addRow(self.tr("Visit date *"), self.visit_date)
        header.addRow(self.tr("Type *"), self.visit_type)
        header.addRow(self.tr("Officers"), self.officers)
        spoken = QWidget()
        spoken_row = QHBoxLayout(spoken)
        spoken_row.setContentsMargins(0, 0, 0, 0)
        for spin, label in zip(self.spoke, (self.tr("children"), self.tr("staff"),
                                            self.tr("managers")), strict=True):
            spin.set_suffix(label)
            spoken_row.addWidget(spin)
        spoken_row.addStretch(1)
        header.addRow(self.tr("Spoken to"), spoken)
        return header

    def _build_areas(self, form: VisitForm) -> QGroupBox:
        """A judgement and the evidence for each area the template examines."""
        self.areas: list[tuple[str, QComboBox, QPlainTextEdit]] = []
        group = QGroupBox(self.tr("Areas examined"))
        grid = QGridLayout(group)
        for i, area in enumerate(form.areas):
            combo = _judgement_combo(self.tr("Not yet judged"))
            combo.setCurrentIndex(max(0, combo.findData(
                area.judgement.value if area.judgement else "")))
            combo.setAccessibleName(area.area)
            evidence = QPlainTextEdit(area.evidence or "")
            evidence.setPlaceholderText(self.tr("Evidence: what you saw, read and heard"))
            evidence.setAccessibleName(self.tr("{area}: evidence").format(area=area.area))
            evidence.setTabChangesFocus(True)
            evidence.setFixedHeight(54)
            grid.addWidget(QLabel(area.area), i * 2, 0)
            grid.addWidget(combo, i * 2, 1)
            grid.addWidget(evidence, i * 2 + 1, 0, 1, 2)
            self.areas.append((area.area, combo, evidence))
        return group

    def _build_footer(self, form: VisitForm) -> QFormLayout:
        """The overall judgement and the summary."""
        self.overall = _judgement_combo(self.tr("Choose…"))
        self.overall.setCurrentIndex(max(0, self.overall.findData(
            form.overall_judgement.value if form.overall_judgement else "")))
        self.summary = QPlainTextEdit(form.summary or "")
        self.summary.setTabChangesFocus(True)
        footer = QFormLayout()
        footer.addRow(self.tr("Overall judgement *"), self.overall)
        footer.addRow(self.tr("Summary"), self.summary)
        return footer

    def _build_scroll(self, header: QFormLayout, group: QGroupBox,
                      footer: QFormLayout) -> QScrollArea:
        """The form and the actions raised, in one area that scrolls."""
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.addLayout(header)
        inner.addWidget(group)
        inner.addLayout(footer)
        self.raised = VisitActions(self.db, self.visit_id, self.today)
        inner.addWidget(self.raised)
        self.scroll_area = scroll = QScrollArea()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # it follows the field in focus
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        return scroll

    def _build_buttons(self) -> None:
        """The status line, the error line and the buttons under the form."""
        self.status = QLabel()
        self.error = error_label("visit_error")
        self.buttons = QDialogButtonBox()
        self.complete_button = self.buttons.addButton(self.tr("Complete visit"),
                                                      QDialogButtonBox.ButtonRole.AcceptRole)
        close = self.buttons.addButton(self.tr("Save draft and close"),
                                       QDialogButtonBox.ButtonRole.RejectRole)
        self.print_button = self.buttons.addButton(self.tr("Print letter…"),
                                                   QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.setToolTip(self.tr(
            "Save the letter to the provider as a PDF; marked DRAFT until the visit is "
            "complete"))
        self.print_button.clicked.connect(self.print_letter)
        history = self.buttons.addButton(self.tr("History…"),
                                         QDialogButtonBox.ButtonRole.ActionRole)
        history.setToolTip(self.tr("Who changed this visit, and what"))
        history.clicked.connect(self.show_history)
        self.complete_button.clicked.connect(self.complete)
        close.clicked.connect(self.close)

    def _build_layout(self, scroll: QScrollArea) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    def _start_autosave(self) -> None:
        """A draft is written every :data:`AUTOSAVE_MS` while the form is open."""
        self.timer = QTimer(self)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.autosave)
        self.timer.start()

    def _fit_screen(self) -> None:
        """As tall as the form wants, within the screen (a 1366×768 laptop included)."""
        screen = self.screen().availableGeometry()
        self.resize(min(820, screen.width() - 40), min(760, screen.height() - 60))

    def unreadable(self) -> str | None:
        """The first date or number that cannot be read, in words (None: all can)."""
        for name, field in ((self.tr("Visit date"), self.visit_date),
                            (self.tr("Children spoken to"), self.spoke[0]),
                            (self.tr("Staff spoken to"), self.spoke[1]),
                            (self.tr("Managers spoken to"), self.spoke[2])):
            problem = field.problem()
            if problem:
                return f"{name}: {problem}"
        return None

    def form(self) -> VisitForm:
        kind = self.visit_type.currentData()
        overall = self.overall.currentData()
        return VisitForm(
            visit_type=QaVisitType(kind) if kind else None,
            visit_date=self.visit_date.value(),
            officers=self.officers.text().strip() or None,
            spoke_children=self.spoke[0].value() or 0, spoke_staff=self.spoke[1].value() or 0,
            spoke_managers=self.spoke[2].value() or 0,
            overall_judgement=QaJudgement(overall) if overall else None,
            summary=self.summary.toPlainText().strip() or None,
            areas=[AreaForm(name, QaJudgement(c.currentData()) if c.currentData() else None,
                            e.toPlainText().strip() or None) for name, c, e in self.areas],
            lead_officer_id=self.lead_officer_id, row_version=self.row_version)

    def fill(self, form: VisitForm) -> None:
        """Show a visit as saved (another officer's version, taken in place of this one)."""
        self.row_version = form.row_version
        self.lead_officer_id = form.lead_officer_id
        self.visit_date.set_value(form.visit_date or self.today)
        self.visit_type.setCurrentIndex(max(0, self.visit_type.findData(
            form.visit_type.value if form.visit_type else "")))
        self.officers.setText(form.officers or "")
        for spin, count in zip(self.spoke, (form.spoke_children, form.spoke_staff,
                                            form.spoke_managers), strict=True):
            spin.set_value(count)
        saved = {area.area: area for area in form.areas}
        for name, combo, evidence in self.areas:
            area = saved.get(name)
            combo.setCurrentIndex(max(0, combo.findData(
                area.judgement.value if area and area.judgement else "")))
            evidence.setPlainText(area.evidence or "" if area else "")
        self.overall.setCurrentIndex(max(0, self.overall.findData(
            form.overall_judgement.value if form.overall_judgement else "")))
        self.summary.setPlainText(form.summary or "")

    def conflict(self, error: ConcurrentEdit) -> None:
        """Another officer saved this visit since this form read it: show both, then keep
        the form's values (saved over theirs now) or show what they saved."""
        self.timer.stop()
        try:
            if self.resolve(error) == KEEP_MINE:
                self.row_version = error.current_version
                self.autosave()
                return
            self.fill(load_visit(self.db, self.visit_id).form)
            self.status.setText(self.tr("Showing the visit as {who} saved it.").format(
                who=error.changed_by or self.tr("the other officer")))
        finally:
            if self.completed is None:
                self.timer.start()

    def autosave(self) -> bool:
        if self.completed is not None:
            return True
        unreadable = self.unreadable()
        if unreadable:  # never store a guess: keep the last draft until it is put right
            self.status.setText(self.tr("Draft not saved: {why}").format(why=unreadable))
            return False
        try:
            saved = save_draft(self.db, self.visit_id, self.form())
        except ValidationError as exc:
            self.status.setText(self.tr("Draft not saved: {why}").format(why=exc.message))
            return False
        except ConcurrentEdit as exc:
            self.conflict(exc)
            return False
        self.row_version = saved.row_version
        if saved.changed:
            self.status.setText(self.tr("Draft saved at {time}").format(
                time=dt.datetime.now().strftime("%H:%M:%S")))
        return True

    def show_history(self) -> None:
        from ..common.history_panel import HistoryDialog

        dialog = HistoryDialog(self.db, "QA visit", [("qa_visit", self.visit_id)], self)
        dialog.exec()
        dialog.deleteLater()

    def print_letter(self) -> None:
        path = ask_letter_path(self, letter_file_name(self.setting_name, self.form().visit_date))
        if path:
            self.save_letter(path)

    def save_letter(self, path: str | Path) -> bool:
        """Save the draft, then write the letter as it stands to ``path``."""
        if not self.autosave():
            return False
        problem = write_letter(self.db, self.visit_id, path, self.today)
        if problem:
            say(self.error, problem)
            return False
        self.status.setText(self.tr("Letter saved to {path}").format(path=Path(path).name))
        return True

    def complete(self) -> None:
        unreadable = self.unreadable()
        if unreadable:
            say(self.error, unreadable)
            return
        for field in (self.visit_date, *self.spoke):
            field.show_problem()
        try:
            check_complete(self.form(), self.today)
        except ValidationError as exc:
            say(self.error, exc.message)
            return
        if not self.confirm_complete():
            return
        try:
            self.completed = complete_visit(self.db, self.visit_id, self.today,
                                            self.form())
        except ValidationError as exc:
            say(self.error, exc.message)
            return
        except ConcurrentEdit as exc:
            self.conflict(exc)
            return
        self.timer.stop()
        self.accept()

    def confirm_complete(self) -> bool:
        """Completing cannot be undone: ask first."""
        answer = QMessageBox.question(
            self, self.tr("Complete the visit"),
            self.tr("Complete this visit? It can no longer be changed afterwards, and the "
                    "setting's risk level and next visit date are worked out again from it."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def closeEvent(self, event: QCloseEvent) -> None:
        self.timer.stop()
        self.autosave()
        super().closeEvent(event)

    def reject(self) -> None:
        self.timer.stop()
        self.autosave()
        super().reject()
