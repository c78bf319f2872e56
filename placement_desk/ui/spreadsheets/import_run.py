"""The import wizard's last two steps: every row checked, then the import and its undoing.

Step 4 checks every row off the GUI thread with nothing written, and lists the problems
by sheet, row and column, with a copy of the file and an error column to save. Step 5
imports off the GUI thread with progress and cancel, and can undo the last import.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...progress import TaskState
from ...services.spreadsheets.importing import ImportResult, run_import, undo_last_batch
from ...services.spreadsheets.reporting import save_error_copy
from ..common.file_dialogs import save_file_name
from ..tasks import ProgressDialog
from .wizard_step import WizardStep, table


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


class RunSteps(WizardStep):
    """Steps 4 and 5 of the import wizard."""

    # -- page 4: the preview -------------------------------------------------------------------

    def _preview_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.preview_summary = QLabel()
        self.preview_summary.setWordWrap(True)
        layout.addWidget(self.preview_summary)
        self.problems = table([self.tr("Level"), self.tr("Sheet"), self.tr("Row"),
                               self.tr("Column"), self.tr("Problem")], self.tr("Problems found"))
        layout.addWidget(self.problems, 1)
        row = QHBoxLayout()
        self.copy_button = QPushButton(self.tr("Save a copy with an error column…"))
        self.copy_button.clicked.connect(self.save_copy)
        self.recheck_button = QPushButton(self.tr("Check again"))
        self.recheck_button.clicked.connect(self.run_preview)
        row.addWidget(self.copy_button)
        row.addWidget(self.recheck_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.stack.addWidget(page)

    def run_preview(self) -> None:
        """Check every row off the GUI thread (nothing is written)."""
        if self.prepared is None:
            return
        self._prepare(self.prepared.header.row_number, keep_columns=True)
        prepared = self.prepared
        if prepared is None:
            return
        self.checked = None
        self.preview_summary.setText(self.tr("Checking every row…"))
        self.problems.setRowCount(0)
        today = self.ctx.today()

        def work(state: TaskState) -> ImportResult:
            return run_import(self.ctx.db, prepared, commit=False, state=state, today=today)

        self._start(self.tr("Checking the spreadsheet"), work, self._previewed)

    def _previewed(self, result: ImportResult) -> None:
        self.checked = result
        self.preview_summary.setText(self.tr(
            "{rows}: {new} new, {updated} to update, {same} unchanged; {errors}, "
            "{warnings}. {what}").format(
            rows=_count(result.rows, "row"), new=f"{result.created:,}",
            updated=f"{result.updated:,}", same=f"{result.unchanged:,}",
            errors=_count(result.errors, "error"), warnings=_count(result.warnings, "warning"),
            what=self.tr("Fix the file or the mapping, then check again: nothing is imported "
                         "while there are errors.") if result.errors
            else self.tr("Nothing has been written yet: choose Import.")))
        problems = sorted(result.problems, key=lambda p: (p.level != "error", p.row))
        shown = problems[:2000]
        self.problems.setRowCount(len(shown))
        for r, p in enumerate(shown):
            for c, text in enumerate((p.level.capitalize(), p.sheet, str(p.row), p.column,
                                      p.message)):
                self.problems.setItem(r, c, QTableWidgetItem(text))
        for column in range(4):
            self.problems.resizeColumnToContents(column)
        self.copy_button.setEnabled(bool(result.errors))
        self._update_buttons()

    def save_copy(self, path: str | None = None) -> None:
        if self.checked is None or self.prepared is None:
            return
        name = path or save_file_name(
            self, self.tr("Save a copy with an error column"),
            f"{Path(self.file_edit.text()).stem}-problems.xlsx", "Excel workbook (*.xlsx)")
        if not name:
            return
        try:
            save_error_copy(self.prepared, self.checked, name)
        except UserError as exc:
            self.say(str(exc), error=True)
            return
        self.say(self.tr("Saved the copy with its problems to {path}.").format(path=name))

    # -- page 5: the import --------------------------------------------------------------------

    def _done_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.done_text = QLabel()
        self.done_text.setWordWrap(True)
        layout.addWidget(self.done_text)
        self.undo_button = QPushButton(self.tr("Undo this import"))
        self.undo_button.setToolTip(self.tr("Mark the records it added as deleted and give "
                                            "the records it changed their values back"))
        self.undo_button.clicked.connect(self.undo)
        self.again_button = QPushButton(self.tr("Import another file…"))
        self.again_button.clicked.connect(self.start_again)
        row = QHBoxLayout()
        row.addWidget(self.undo_button)
        row.addWidget(self.again_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.stack.addWidget(page)

    def start_again(self) -> None:
        """Back to the first step for the next file (the kind and mapping kept)."""
        self.book = self.prepared = self.checked = self.committed = None
        self.columns, self.values = {}, {}
        self.file_edit.clear()
        self._kind_chosen()
        self.say("")
        self.go(0)

    def commit(self) -> None:
        prepared = self.prepared
        if prepared is None or self.checked is None or self.checked.errors:
            return
        today = self.ctx.today()

        def work(state: TaskState) -> ImportResult:
            return run_import(self.ctx.db, prepared, commit=True, state=state, today=today)

        self.task = self.ctx.tasks.start(self.tr("Importing {name}").format(
            name=prepared.book.name), work, on_success=self._committed,
            on_failure=self._failed, on_cancel=self._cancelled)
        self.task.finished.connect(self._task_done)
        self.progress = ProgressDialog(self.task, self)
        self.progress.show()
        self._update_buttons()

    def _committed(self, result: ImportResult) -> None:
        if not result.committed:
            self.say(self.tr("Nothing was imported: {n} found.").format(
                n=_count(result.errors, "error")), error=True)
            self._previewed(result)
            self.go(3)
            return
        self.committed = result
        self.done_text.setText(self.tr(
            "Imported {file}: {new} added, {updated} updated, {same} unchanged. The import is "
            "recorded with your name, the file and the time; it can be undone until another "
            "import is made.").format(file=result.file, new=f"{result.created:,}",
                                      updated=f"{result.updated:,}",
                                      same=f"{result.unchanged:,}"))
        self.undo_button.setEnabled(True)
        self.say(self.tr("Import finished."))
        self.go(4)

    def _cancelled(self) -> None:
        self.say(self.tr("The import was cancelled; the database is unchanged."))

    def undo(self) -> None:
        answer = QMessageBox.question(
            self, self.tr("Undo the import"),
            self.tr("Mark the records this import added as deleted, and give the records it "
                    "changed their values back?"))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.undo_now()

    def undo_now(self) -> None:
        try:
            undone = undo_last_batch(self.ctx.db)
        except UserError as exc:
            self.say(str(exc), error=True)
            return
        self.undo_button.setEnabled(False)
        self.done_text.setText(self.tr("The import of {file} was undone: {deleted} records "
                                       "marked deleted, {restored} given their values "
                                       "back.").format(file=undone.batch.file_name,
                                                       deleted=f"{undone.deleted:,}",
                                                       restored=f"{undone.restored:,}"))
        self.say(self.tr("Import undone."))
