"""The first-run welcome: the council, a postcode lookup, the first administrator, a start.

Shown by the application (not by tests or the smoke test) when it opens a new, empty
database (:func:`~placement_desk.services.common.first_run.needs_welcome`). Its steps:

1. the council's name and ONS area code (the Settings dialog's checks);
2. optionally, a postcode lookup file, imported in the background with progress;
3. the first administrator: a step that appears once sign-in exists. It is looked for
   as ``placement_desk.ui.users.first_admin.FirstAdministratorStep`` (a
   :class:`WelcomeStep` taking the database); until that module exists there are no
   accounts to make and the step is skipped;
4. how to start: empty, with the latest Ofsted file (the team's spreadsheets too, once
   their import exists: :data:`START_HOOKS`), or the demo database, kept in its own
   file and labelled as a demo on every page and printout.

Finishing (or choosing a start) marks the database as set up; closing the welcome
leaves it to be shown again next time.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME
from ..db import Database
from ..errors import UserError, ValidationError
from ..progress import TaskState
from ..services.common.first_run import finish_welcome
from ..services.common.settings_form import load_settings, save_settings
from ..services.common.settings_store import COUNCIL_AREA, COUNCIL_NAME
from .common.fields import error_label, say
from .common.file_dialogs import open_file_name
from .tasks import TaskRunner


class Start(StrEnum):
    EMPTY = "empty"
    OFSTED = "ofsted"
    DEMO = "demo"


START_HOOKS: dict[Start, Callable[[QWidget], None]] = {}
"""What the window does after the welcome for a start (the Ofsted import now; the team's
spreadsheets once their import wizard exists add theirs here)."""


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("hint")
    return label


class WelcomeStep(QWidget):
    """One page of the welcome: ``title``, a ``problem`` that holds Next back, and
    ``finish`` when Next is pressed (raise ValidationError to stay)."""

    title = ""
    optional = False

    def problem(self) -> str | None:
        return None

    def finish(self) -> None:
        """Store what the step asked for."""


class CouncilStep(WelcomeStep):
    optional = False

    def __init__(self, db: Database, today: dt.date) -> None:
        super().__init__()
        self.db, self.today = db, today
        self.title = self.tr("Welcome to {app}").format(app=APP_NAME)
        values = load_settings(db)
        self.name = QLineEdit(str(values[COUNCIL_NAME.key] or ""))
        self.name.setAccessibleName(self.tr("Council name"))
        self.area = QLineEdit(str(values[COUNCIL_AREA.key] or ""))
        self.area.setAccessibleName(self.tr("ONS area code"))
        self.area.setPlaceholderText(self.tr("for example E09000029"))
        self.error = error_label("council_error")
        form = QFormLayout()
        for text, field in ((self.tr("Council &name"), self.name),
                            (self.tr("ONS &area code"), self.area)):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addWidget(_note(self.tr(
            "Placement Desk keeps the council's providers, placements, agreements, QA visits "
            "and contracts in one database on this computer. First, which council is it for? "
            "Its name is printed on agreements, letters and reports; its area code decides "
            "which placements count as inside the area. You can change both later in "
            "File › Settings.")))
        layout.addLayout(form)
        layout.addWidget(_note(self.tr(COUNCIL_AREA.help)))
        layout.addWidget(self.error)
        layout.addStretch(1)

    def finish(self) -> None:
        try:
            save_settings(self.db, {COUNCIL_NAME.key: self.name.text(),
                                    COUNCIL_AREA.key: self.area.text()}, self.today)
        except ValidationError as exc:
            say(self.error, exc.message)
            (self.area if exc.field == COUNCIL_AREA.key else self.name).setFocus()
            raise
        say(self.error, "")


class PostcodeStep(WelcomeStep):
    """Optional: the postcode lookup that distances and "inside the area" need."""

    optional = True

    def __init__(self, db: Database, tasks: TaskRunner) -> None:
        super().__init__()
        self.db, self.tasks = db, tasks
        self.title = self.tr("Postcode lookup (optional)")
        self.task: Any = None
        self.choose = QPushButton(self.tr("&Choose a postcode file…"))
        self.choose.clicked.connect(self.pick)
        self.bar = QProgressBar()
        self.bar.setVisible(False)
        self.bar.setAccessibleName(self.tr("Postcode import progress"))
        self.result = QLabel()
        self.result.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(_note(self.tr(
            "To work out how far each child lives from home, and whether a placement is "
            "inside the council's area, Placement Desk needs a postcode lookup: the ONS "
            "Postcode Directory or Ordnance Survey's Code-Point Open (CSV). Importing the "
            "national file takes about half a minute. You can skip this and import it later "
            "with: placement-desk import postcodes FILE.")))
        row = QHBoxLayout()
        row.addWidget(self.choose)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.bar)
        layout.addWidget(self.result)
        layout.addStretch(1)

    def problem(self) -> str | None:
        return self.tr("The postcode import is still running.") if self.task else None

    def pick(self) -> None:
        path = open_file_name(self, self.tr("Choose a postcode lookup file"),
                              self.tr("Postcode files (*.csv *.zip);;All files (*)"))
        if path:
            self.run(Path(path))

    def run(self, path: Path) -> None:
        from ..services.placements.distance import import_postcodes

        def work(state: TaskState) -> Any:
            return import_postcodes(self.db, path, state)

        self.choose.setEnabled(False)
        self.bar.setVisible(True)
        self.bar.setRange(0, 0)
        self.result.setText(self.tr("Importing {name}…").format(name=path.name))
        self.task = self.tasks.start(self.tr("Importing postcodes"), work)
        self.task.progress.connect(self._progress)
        self.task.succeeded.connect(self._done)
        self.task.failed.connect(self._failed)
        self.task.cancelled.connect(lambda: self._failed(None, ""))

    def _progress(self, step: str, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 0))
        self.bar.setValue(done)
        self.result.setText(step)

    def _done(self, summary: Any) -> None:
        self.task = None
        self.bar.setVisible(False)
        self.choose.setEnabled(True)
        added = getattr(summary, "added", 0) + getattr(summary, "updated", 0)
        self.result.setText(self.tr("{n:,} postcodes are in the lookup.").format(n=added))

    def _failed(self, exc: BaseException | None, _details: str) -> None:
        self.task = None
        self.bar.setVisible(False)
        self.choose.setEnabled(True)
        reason = str(exc) if isinstance(exc, UserError) else self.tr(
            "The file could not be imported; the details are in the log.")
        self.result.setText(reason if exc is not None else self.tr("Stopped: nothing imported."))


class StartStep(WelcomeStep):
    """How to begin: empty, the latest Ofsted file, or the demo."""

    def __init__(self) -> None:
        super().__init__()
        self.title = self.tr("How would you like to start?")
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        self.buttons: dict[Start, QRadioButton] = {}
        for start, text, note in (
                (Start.OFSTED, self.tr("&Import the latest Ofsted file"),
                 self.tr("Fill the register of providers and settings from Ofsted's published "
                         "provider-level file (CSV, XLSX or ODS), then add your placements. "
                         "The team's spreadsheets can be imported from the Data page once "
                         "that import is available.")),
                (Start.EMPTY, self.tr("Start &empty"),
                 self.tr("Add providers, children and placements yourself.")),
                (Start.DEMO, self.tr("Explore the &demo"),
                 self.tr("Open a separate demo database of a made-up council, labelled DEMO on "
                         "every page and printout. Your own database stays as it is and opens "
                         "again next time."))):
            button = QRadioButton(text)
            self.group.addButton(button)
            self.buttons[start] = button
            layout.addWidget(button)
            hint = _note(note)
            hint.setContentsMargins(28, 0, 0, 8)
            layout.addWidget(hint)
        self.buttons[Start.OFSTED].setChecked(True)
        layout.addStretch(1)

    def choice(self) -> Start:
        return next(start for start, b in self.buttons.items() if b.isChecked())


def administrator_step(db: Database) -> WelcomeStep | None:
    """The first administrator's account, once sign-in exists; None (skipped) until then."""
    try:
        module = importlib.import_module("placement_desk.ui.users.first_admin")
    except ModuleNotFoundError:
        return None
    step = module.FirstAdministratorStep(db)
    return step if isinstance(step, WelcomeStep) else None


class WelcomeDialog(QDialog):
    """The steps one at a time with Back and Next; :attr:`start` is the choice made."""

    def __init__(self, db: Database, today: dt.date, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.today = db, today
        self.start: Start | None = None
        self.setWindowTitle(self.tr("Welcome to {app}").format(app=APP_NAME))
        admin = administrator_step(db)
        self.start_step = StartStep()
        self.steps: list[WelcomeStep] = [CouncilStep(db, today), PostcodeStep(db, tasks),
                                         *([admin] if admin is not None else []),
                                         self.start_step]
        self.heading = QLabel()
        self.heading.setObjectName("pageTitle")
        self.counter = QLabel()
        self.counter.setObjectName("caption")
        self.stack = QStackedWidget()
        for step in self.steps:
            self.stack.addWidget(step)
        self.error = error_label("step_error")
        self.back = QPushButton(self.tr("&Back"))
        self.skip = QPushButton(self.tr("S&kip"))
        self.next = QPushButton(self.tr("&Next"))
        self.next.setDefault(True)
        self.back.clicked.connect(lambda: self.show_step(self.stack.currentIndex() - 1))
        self.skip.clicked.connect(lambda: self.show_step(self.stack.currentIndex() + 1))
        self.next.clicked.connect(self.go_on)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        buttons.addWidget(self.skip)
        buttons.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(self.counter)
        layout.addWidget(self.heading)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.setMinimumSize(620, 440)
        self.show_step(0)

    def show_step(self, index: int) -> None:
        index = max(0, min(index, len(self.steps) - 1))
        step = self.steps[index]
        self.stack.setCurrentIndex(index)
        self.heading.setText(step.title)
        self.counter.setText(self.tr("Step {n} of {total}").format(n=index + 1,
                                                                   total=len(self.steps)))
        self.back.setEnabled(index > 0)
        self.skip.setVisible(step.optional)
        last = index == len(self.steps) - 1
        self.next.setText(self.tr("&Start") if last else self.tr("&Next"))
        say(self.error, "")
        step.setFocus(Qt.FocusReason.OtherFocusReason)
        step.focusNextChild()

    def go_on(self) -> None:
        step = self.steps[self.stack.currentIndex()]
        problem = step.problem()
        if problem:
            say(self.error, problem)
            return
        try:
            step.finish()
        except ValidationError:
            return
        if step is self.start_step:
            self.start = self.start_step.choice()
            finish_welcome(self.db, self.today)
            self.accept()
            return
        self.show_step(self.stack.currentIndex() + 1)
