"""Import Ofsted's files: choose them, run off the GUI thread, read the summary.

The import runs in one transaction, so Cancel (or a file that is not an Ofsted
file) leaves the database exactly as it was; the dialog says so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from ...errors import UserError
from ...progress import TaskState

FILE_FILTER = "Ofsted files (*.csv *.xlsx *.ods);;All files (*)"


def summary_text(summary: Any) -> str:
    lines = [
        f"Files: {', '.join(summary.files)}",
        f"New settings: {summary.new:,}",
        f"Updated: {summary.updated:,}",
        f"Unchanged: {summary.unchanged:,}",
        f"Closed: {summary.closed:,}",
        f"Inspections added: {summary.inspections_added:,}",
        f"Upgrades: {summary.upgrades:,}",
        f"Downgrades: {summary.downgrades:,}",
        f"Rating alerts raised: {summary.alerts:,}",
    ]
    if summary.warnings:
        lines.append(f"Warnings: {len(summary.warnings):,} (first: {summary.warnings[0]})")
    return "\n".join(lines)


class OfstedImportDialog(QDialog):
    """``start_task(title, fn, on_success, on_failure, on_cancel)`` runs work in the background;
    it returns an object with ``progress`` (str, int, int) signal and ``cancel()``."""

    def __init__(self, sessions: sessionmaker[Session], start_task: Callable[..., Any],
                 parent: QWidget | None = None, on_done: Callable[[Any], None] | None = None
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import Ofsted files"))
        self.setMinimumWidth(560)
        self.sessions = sessions
        self.start_task = start_task
        self.on_done = on_done
        self.task: Any = None
        self.summary: Any = None
        intro = QLabel(self.tr(
            "Choose Ofsted's provider-level file (CSV, XLSX or ODS) and, if you have them, "
            "the in-year inspections and closed homes files, or the provider lists Ofsted "
            "sends the council. Import yearly files oldest first to build each setting's "
            "history. Names and addresses you hold are never replaced by REDACTED."))
        intro.setWordWrap(True)
        self.files = QListWidget()
        self.files.setAccessibleName(self.tr("Files to import"))
        choose = QPushButton(self.tr("Add files…"))
        choose.clicked.connect(self.choose_files)
        clear = QPushButton(self.tr("Remove all"))
        clear.clicked.connect(self.files.clear)
        row = QHBoxLayout()
        row.addWidget(choose)
        row.addWidget(clear)
        row.addStretch(1)
        self.step = QLabel()
        self.step.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setVisible(False)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(self.tr("Import"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.import_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel_or_close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.files)
        layout.addLayout(row)
        for part in (self.step, self.bar, self.outcome, self.buttons):
            layout.addWidget(part)
        self._update_buttons()
        self.files.model().rowsInserted.connect(self._update_buttons)
        self.files.model().rowsRemoved.connect(self._update_buttons)

    def _update_buttons(self) -> None:
        self.import_button.setEnabled(self.files.count() > 0 and self.task is None)

    def add_files(self, paths: list[str]) -> None:
        for path in paths:
            self.files.addItem(path)

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Choose Ofsted files"), "",
                                                FILE_FILTER)
        self.add_files(paths)

    def paths(self) -> list[Path]:
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]

    def run(self) -> None:
        from ...services.ofsted_import import import_ofsted

        paths = self.paths()
        sessions = self.sessions

        def work(state: TaskState) -> Any:
            return import_ofsted(sessions, paths, state)

        self.outcome.clear()
        self.bar.setVisible(True)
        self.bar.setRange(0, 0)
        self.task = self.start_task(self.tr("Importing Ofsted files"), work,
                                    on_success=self._done, on_failure=self._failed,
                                    on_cancel=self._cancelled)
        self.task.progress.connect(self._progress)
        self._update_buttons()

    def _progress(self, step: str, done: int, total: int) -> None:
        if total:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
            self.step.setText(f"{step}… {done:,} of {total:,}")
        else:
            self.step.setText(f"{step}…")

    def _finish(self) -> None:
        self.task = None
        self.bar.setVisible(False)
        self.cancel_button.setText(self.tr("Close"))
        self._update_buttons()

    def _done(self, summary: Any) -> None:
        self.summary = summary
        self._finish()
        self.step.setText(self.tr("Import finished."))
        self.outcome.setText(summary_text(summary))
        if self.on_done:
            self.on_done(summary)

    def _failed(self, exc: BaseException, _detail: str) -> None:
        self._finish()
        self.step.setText(self.tr("Nothing was imported; the database is unchanged."))
        if isinstance(exc, UserError):
            self.outcome.setText(str(exc))
        else:
            self.outcome.setText(self.tr("Sorry, the import failed unexpectedly ({error}). "
                                        "The details are in the log.").format(error=exc))

    def _cancelled(self) -> None:
        self._finish()
        self.step.setText(self.tr("Import cancelled; the database is unchanged."))

    def cancel_or_close(self) -> None:
        if self.task is not None:
            self.step.setText(self.tr("Cancelling…"))
            self.task.cancel()
        else:
            self.reject()

    def reject(self) -> None:
        if self.task is not None:
            self.cancel_or_close()
            return
        super().reject()
