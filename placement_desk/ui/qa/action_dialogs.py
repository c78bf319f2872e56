"""Following up actions: moving several to a new status with a note, and reading the
visit an action came from."""

from __future__ import annotations

import datetime as dt
import html
import uuid

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...errors import ValidationError
from ...models.enums import ActionStatus, QaVisitStatus
from ...services.common.formatting import date_long, date_short
from ...services.qa.actions import ActionRow, change_status
from ...services.qa.visits import VisitRecord
from ..common.colours import colour
from ..common.fields import Combo
from ..common.form_base import DiscardGuard
from .plan_visit_dialog import fit_height
from .visit_dialog import ask_letter_path, letter_file_name, write_letter

TARGETS = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE,
           ActionStatus.CANCELLED)
"""The statuses a person can choose; Overdue is worked out from the due date."""


def _or_list(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def refusal(row: ActionRow, target: ActionStatus) -> str | None:
    """Why ``row`` may not move to ``target``, in words; None when it may (or already is)."""
    if row.status == target or target in row.allowed:
        return None
    name = _short(row.description)
    if not row.allowed:
        return f"“{name}” is {row.status_text}: it cannot change any more."
    choices = _or_list([s.label for s in TARGETS if s in row.allowed])
    return f"“{name}” is {row.status_text}: it can only move to {choices}."


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ChangeStatusDialog(DiscardGuard):
    """Move the chosen actions to one status with a note; the others are named and kept."""

    def __init__(self, db: Database, rows: list[ActionRow], by: str,
                 today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.rows, self.by, self.today = db, list(rows), by, today
        self.moved: list[uuid.UUID] = []
        self.refused: list[str] = []
        self.setWindowTitle(self.tr("Change the status of {n} actions").format(n=len(rows))
                            if len(rows) != 1 else self.tr("Change the status of an action"))
        self.status = Combo()
        for status in TARGETS:
            self.status.addItem(status.label, status.value)
        self.status.setAccessibleName(self.tr("New status"))
        common = {r.status for r in rows}
        first = next((s for s in TARGETS if all(s in r.allowed for r in rows)), None)
        if first is not None and not (len(common) == 1 and first in common):
            self.status.setCurrentIndex(self.status.findData(first.value))
        self.status_error = QLabel()
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(self.tr("What was done, or why the status changes"))
        self.note.setAccessibleName(self.tr("Note"))
        self.note.setFixedHeight(80)
        self.note_error = QLabel()
        for label in (self.status_error, self.note_error):
            label.setWordWrap(True)
            label.setStyleSheet(f"color: {colour('red').name()};")
            label.setVisible(False)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setTabChangesFocus(True)
        self.preview.setAccessibleName(self.tr("What will happen"))
        self.preview.setFixedHeight(120)
        form = QFormLayout()
        form.addRow(self.tr("New status *"), self.status)
        form.addRow("", self.status_error)
        form.addRow(self.tr("Note"), self.note)
        form.addRow("", self.note_error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(self.tr("Change status"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        save = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save.activated.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        self.status.currentIndexChanged.connect(lambda _i: self._preview())
        self.note.textChanged.connect(lambda: self._error(self.note_error, ""))
        self.note.textChanged.connect(self.mark_dirty)
        self.status.activated.connect(self.mark_dirty)
        self._preview()
        self.status.setFocus()

    def target(self) -> ActionStatus:
        return ActionStatus(self.status.currentData())

    def plan(self) -> tuple[list[ActionRow], list[ActionRow], list[str]]:
        """(to move, already there, refusals in words) for the chosen status."""
        target = self.target()
        move = [r for r in self.rows if r.status != target and target in r.allowed]
        already = [r for r in self.rows if r.status == target]
        refused = [text for r in self.rows if (text := refusal(r, target)) is not None]
        return move, already, refused

    @staticmethod
    def _error(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))
        fit_height(label.window())

    def _preview(self) -> None:
        move, already, refused = self.plan()
        target = self.target().label
        lines = [self.tr("{n} of {total} will move to {status}.").format(
            n=len(move), total=len(self.rows), status=target)]
        if already:
            lines.append(self.tr("{n} already {status}: left as they are.").format(
                n=len(already), status=target))
        if refused:
            lines.append(self.tr("{n} cannot move to {status} and will be left as they are:")
                         .format(n=len(refused), status=target))
            lines.extend(f"• {text}" for text in refused[:8])
            if len(refused) > 8:
                lines.append(self.tr("… and {n} more.").format(n=len(refused) - 8))
        self.preview.setPlainText("\n".join(lines))
        self._error(self.status_error, "" if move else self.tr(
            "None of the chosen actions can move to {status}. Choose another status.").format(
                status=target))
        self.save_button.setEnabled(bool(move))

    def save(self) -> None:
        move, _already, refused = self.plan()
        if not move:
            return
        try:
            self.moved = change_status(self.db, [r.id for r in move], self.target(),
                                       self.note.toPlainText(), self.by, self.today)
        except ValidationError as exc:
            label = self.note_error if exc.field == "note" else self.status_error
            self._error(label, exc.message)
            return
        self.refused = refused
        self.dirty = False
        self.accept()


# --- A recorded visit, read only -----------------------------------------------------------

def visit_html(record: VisitRecord) -> str:
    """A completed (or cancelled, or planned) visit as simple HTML for reading."""
    f = record.form
    e = html.escape
    parts = [f"<h3>{e(record.setting_name)} {e(record.urn or '')}</h3>",
             "<table cellspacing='0' cellpadding='3'>"]
    for label, value in (
            ("Status", record.status.label),
            ("Visit date", date_long(f.visit_date, "")),
            ("Planned for", date_long(record.planned_date, "")),
            ("Type", f.visit_type.label if f.visit_type else ""),
            ("Officers", f.officers or ""),
            ("Spoken to", f"{f.spoke_children} children, {f.spoke_staff} staff, "
                          f"{f.spoke_managers} managers"),
            ("Overall judgement", f.overall_judgement.label if f.overall_judgement else "")):
        if value:
            parts.append(f"<tr><td><b>{e(label)}</b></td><td>{e(value)}</td></tr>")
    parts.append("</table>")
    if f.areas:
        parts.append("<h4>Areas examined</h4><table cellspacing='0' cellpadding='3' border='1'>")
        parts.append("<tr><th align='left'>Area</th><th align='left'>Judgement</th>"
                     "<th align='left'>Evidence</th></tr>")
        for area in f.areas:
            parts.append(f"<tr><td>{e(area.area)}</td>"
                         f"<td>{e(area.judgement.label if area.judgement else 'Not judged')}</td>"
                         f"<td>{e(area.evidence or '')}</td></tr>")
        parts.append("</table>")
    if f.summary:
        parts.append(f"<h4>Summary</h4><p>{e(f.summary)}</p>")
    if record.actions:
        parts.append("<h4>Actions raised</h4><ul>")
        for action in record.actions:
            parts.append(f"<li>{e(action.description)}: {e(action.owner or '')}, due "
                         f"{e(date_short(action.due_date))}, {e(action.status_text)}</li>")
        parts.append("</ul>")
    return "".join(parts)


class VisitSummaryDialog(QDialog):
    """A recorded visit to read (nothing can be changed here), and its letter to print."""

    def __init__(self, record: VisitRecord, parent: QWidget | None = None,
                 db: Database | None = None,
                 today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.record, self.db = record, db
        self.today = today or dt.date.today()
        self.setWindowTitle(self.tr("QA visit: {name}").format(name=record.setting_name))
        self.browser = QTextBrowser()
        self.browser.setHtml(visit_html(record))
        self.browser.setAccessibleName(self.tr("The visit as recorded"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.print_button = buttons.addButton(self.tr("Print letter…"),
                                              QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.setToolTip(self.tr("Save the letter to the provider as a PDF"))
        self.print_button.setVisible(db is not None
                                     and record.status == QaVisitStatus.COMPLETED)
        self.print_button.clicked.connect(self.print_letter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(680, 560)

    def print_letter(self) -> None:
        path = ask_letter_path(self, letter_file_name(self.record.setting_name,
                                                      self.record.form.visit_date))
        if path:
            self.save_letter(path)

    def save_letter(self, path: str) -> bool:
        assert self.db is not None
        problem = write_letter(self.db, self.record.id, path, self.today)
        self.message.setText(problem or self.tr("Letter saved to {path}").format(path=path))
        return problem is None
