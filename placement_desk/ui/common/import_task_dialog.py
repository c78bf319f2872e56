"""The frame shared by the import dialogs: run the import off the GUI thread, show its
progress, let Cancel stop it, and say what happened.

A subclass builds its inputs (and any results shown below the outcome) and places them
with :meth:`ImportTaskDialog._lay_out`, says when the import may start
(:meth:`ImportTaskDialog.can_import`), starts it from :meth:`ImportTaskDialog.run` with
:meth:`ImportTaskDialog.start_import`, and describes the summary
(:meth:`ImportTaskDialog.summary_text`, :meth:`ImportTaskDialog.show_summary`). Imports
run in one transaction, so Cancel or a failure leaves the database exactly as it was;
the dialog says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLayout,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...errors import UserError
from ...progress import TaskState


class ImportTaskDialog(QDialog):
    """``start_task(title, fn, on_success=, on_failure=, on_cancel=)`` runs work in the
    background and returns an object with a ``progress`` (str, int, int) signal and
    ``cancel()``; ``on_done(summary)`` is called after a successful import."""

    def __init__(self, db: Database, start_task: Callable[..., Any],
                 parent: QWidget | None = None, on_done: Callable[[Any], None] | None = None
                 ) -> None:
        super().__init__(parent)
        self.db = db
        self.start_task = start_task
        self.on_done = on_done
        self.task: Any = None
        self.summary: Any = None
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

    preferred_width = 0
    """How wide the dialog grows to once it shows results (0: as wide as it is)."""

    def fit_to_content(self) -> None:
        """Grow (never past the screen) so the summary reads in full and results have room.

        A dialog keeps the size it opened at; once results appear below the summary, a
        short dialog would squeeze them, so it grows as far as the screen allows.
        """
        layout = self.layout()
        if not self.isVisible() or layout is None:
            return
        layout.activate()
        screen = self.screen().availableGeometry()
        width = min(max(self.width(), self.sizeHint().width(), self.preferred_width),
                    screen.width() - 40)
        wanted = max(layout.totalHeightForWidth(width), self.sizeHint().height())
        height = min(max(self.height(), wanted), screen.height() - 60)
        self.resize(width, height)
        frame = self.frameGeometry()
        if not screen.contains(frame):  # moved back inside the screen after growing
            self.move(max(screen.left(), min(frame.left(), screen.right() - frame.width())),
                      max(screen.top(), min(frame.top(), screen.bottom() - frame.height())))

    def _lay_out(self, above: Sequence[QWidget | QLayout],
                 below: Sequence[tuple[QWidget | QLayout, int]] = ()) -> None:
        """The inputs ``above``, then the step, bar and outcome, then ``below`` (each part
        with its stretch), then the buttons."""
        layout = QVBoxLayout(self)
        parts = [(part, 0) for part in (*above, self.step, self.bar, self.outcome)]
        for part, stretch in (*parts, *below, (self.buttons, 0)):
            if isinstance(part, QLayout):
                layout.addLayout(part, stretch)
            else:
                layout.addWidget(part, stretch)

    # -- hooks for the subclass ----------------------------------------------------------

    def can_import(self) -> bool:
        """Whether the inputs are complete enough to start."""
        return True

    def run(self) -> None:
        """Gather the inputs and call :meth:`start_import`."""
        raise NotImplementedError

    def summary_text(self, summary: Any) -> str:
        """The summary in words, for the outcome line."""
        raise NotImplementedError

    def show_summary(self, summary: Any) -> None:
        self.outcome.setText(self.summary_text(summary))
        self.fit_to_content()

    # -- running -------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        self.import_button.setEnabled(self.can_import() and self.task is None)

    def start_import(self, title: str, work: Callable[[TaskState], Any]) -> None:
        """Run ``work`` in the background; its result is the summary."""
        self.outcome.clear()
        self.bar.setVisible(True)
        self.bar.setRange(0, 0)
        self.task = self.start_task(title, work, on_success=self._done,
                                    on_failure=self._failed, on_cancel=self._cancelled)
        self.task.progress.connect(self._progress)
        self._update_buttons()

    def _progress(self, step: str, done: int, total: int) -> None:
        if total:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
            self.step.setText(self.tr("{step}… {done} of {total}").format(
                step=step, done=f"{done:,}", total=f"{total:,}"))
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
        self.show_summary(summary)
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

    # -- closing -------------------------------------------------------------------------

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
