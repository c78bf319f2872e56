"""The import wizard: a team's spreadsheet in, step by step.

1. the file and what it lists (and a saved mapping, if there is one);
2. the sheet and its header row, with the top of the sheet shown;
3. the mapping: each column's heading beside sample values and the field it goes to, and
   the texts of coded columns mapped to codes; saved under a name for next time;
4. the preview: every row checked off the GUI thread, problems by sheet, row and column,
   and a copy of the file with an error column to save;
5. the import, off the GUI thread with progress and cancel, and the last import undone.

The rules are the services' (:mod:`placement_desk.services.spreadsheets`); the wizard only
gathers choices and shows answers. Each step's page and its work are in their own module
(:mod:`.import_source` steps 1 and 2, :mod:`.import_mapping` step 3, :mod:`.import_run`
steps 4 and 5); the wizard puts them together, moves between them and runs their tasks.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...services.spreadsheets.importing import ImportResult, Prepared
from ...services.spreadsheets.mapping import missing_required
from ..context import AppContext
from .import_mapping import MappingStep
from .import_run import RunSteps
from .import_source import SourceSteps

STEPS = ("File", "Sheet", "Mapping", "Preview", "Import")


class ImportWizard(SourceSteps, MappingStep, RunSteps, QDialog):
    """Bring in a team's spreadsheet."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 kind: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Import a spreadsheet"))
        self.book: Any = None
        self.prepared: Prepared | None = None
        self.checked: ImportResult | None = None
        self.committed: ImportResult | None = None
        self.task: Any = None
        self.columns: dict[int, str] = {}
        self.values: dict[str, dict[str, str]] = {}
        self.steps = QLabel()
        self.stack = QStackedWidget()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.back_button = QPushButton(self.tr("< Back"))
        self.next_button = QPushButton(self.tr("Next >"))
        self.next_button.setDefault(True)
        self.close_button = QPushButton(self.tr("Close"))
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.forward)
        self.close_button.clicked.connect(self.reject)
        self._file_page()
        self._sheet_page()
        self._mapping_page()
        self._preview_page()
        self._done_page()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.steps)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        if kind:
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        self._kind_chosen()
        self.go(0)
        self.resize(1000, 620)

    # -- moving between steps ------------------------------------------------------------------

    def go(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        self.steps.setText("   ›   ".join(
            f"<b>{n + 1}. {name}</b>" if n == step else f"{n + 1}. {name}"
            for n, name in enumerate(STEPS)))
        if step == 3 and self.checked is None:
            self.run_preview()
        self._update_buttons()

    def back(self) -> None:
        self.go(max(0, self.stack.currentIndex() - 1))

    def forward(self) -> None:
        step = self.stack.currentIndex()
        if step == 3:
            self.commit()
            return
        self.go(step + 1)

    def _update_buttons(self) -> None:
        step = self.stack.currentIndex()
        busy = self.task is not None
        ready = self.book is not None if step == 0 else self.prepared is not None
        self.back_button.setEnabled(0 < step < 4 and not busy)
        if step == 3:
            self.next_button.setText(self.tr("Import"))
            self.next_button.setEnabled(not busy and self.checked is not None
                                        and not self.checked.errors and self.checked.rows > 0)
        else:
            self.next_button.setText(self.tr("Next >"))
            missing = missing_required(self.prepared.kind, self.columns) \
                if self.prepared else []
            self.next_button.setEnabled(not busy and step < 4 and ready
                                        and not (step == 2 and missing))
            if step == 2 and missing:
                self.say(self.tr("Map a column to: {fields}.").format(
                    fields=", ".join(f.label for f in missing)))
                self._asked_for_columns = True
            elif getattr(self, "_asked_for_columns", False):
                self._asked_for_columns = False
                self.say("")
        self.next_button.setVisible(step < 4)

    def _start(self, title: str, work: Any, done: Any) -> None:
        self.task = self.ctx.tasks.start(title, work, on_success=done,
                                         on_failure=self._failed)
        self.task.finished.connect(self._task_done)
        self._update_buttons()

    def _task_done(self) -> None:
        self.task = None
        self._update_buttons()

    def _failed(self, exc: BaseException, _detail: str) -> None:
        if isinstance(exc, UserError):
            self.say(str(exc), error=True)
        else:
            self.say(self.tr("Something went wrong inside Placement Desk; nothing was "
                             "changed. The log has the details."), error=True)
        if self.stack.currentIndex() == 3:
            self.preview_summary.setText(str(exc) if isinstance(exc, UserError) else "")

    def say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("error", error)

    def reject(self) -> None:
        if self.task is not None:
            self.task.cancel()
        super().reject()
