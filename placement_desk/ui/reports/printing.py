"""Printing reports from the window: off the GUI thread, with a progress window, and the
outcome told in words.

:class:`PackPrinter` prints one provider's review pack: it asks where to save it
(offering "Review pack <provider> <date>.pdf" in the last folder used), writes it with
:func:`~placement_desk.reports.provider_pack.write_provider_pack` in a background task
and emits :attr:`PackPrinter.said` with a sentence for the user. Views own one and
show what it says.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from ...db import Database
from ...errors import UserError
from ...progress import TaskState
from ..common.file_dialogs import remember, save_file_name, start_folder
from ..tasks import ProgressDialog, StartTask, Task

__all__ = ["PackPrinter", "choose_folder", "run_in_background"]


def choose_folder(parent: QWidget, title: str) -> str:
    """Ask for a folder, starting in the last one used; "" when the user cancels."""
    folder = QFileDialog.getExistingDirectory(parent, title, str(start_folder()))
    if folder:
        remember(str(Path(folder) / "x"))  # remembered as the folder of a file in it
    return folder


def run_in_background(parent: QWidget, start_task: StartTask | None, title: str,
                      work: Callable[[TaskState], Any], done: Callable[[Any], None],
                      failed: Callable[[BaseException, str], None],
                      cancelled: Callable[[], None] | None = None) -> Task | None:
    """Run ``work`` as a task with a progress window (or at once, with no task runner, as
    in tests of a view alone); returns the task when there is one."""
    if start_task is None:
        try:
            result = work(TaskState())
        except Exception as exc:  # told to the user like a failed task
            failed(exc, "")
            return None
        done(result)
        return None
    task: Task = start_task(title, work, on_success=done, on_failure=failed,
                            on_cancel=cancelled)
    ProgressDialog(task, parent).show()
    return task


class PackPrinter(QObject):
    """Prints a provider's review pack and says how it went."""

    said = Signal(str)
    """A sentence for the user: where the pack was saved, or why it was not."""

    def __init__(self, db: Database, start_task: StartTask | None,
                 today: Callable[[], dt.date], parent: QWidget) -> None:
        super().__init__(parent)
        self.db, self.start_task, self.today = db, start_task, today
        self.widget = parent
        self.last: Path | None = None

    def ask_and_print(self, provider_id: uuid.UUID, provider_name: str) -> Task | None:
        from ...reports.provider_pack import pack_file_name

        name = save_file_name(self.widget, self.tr("Save the review pack"),
                              pack_file_name(provider_name, self.today()),
                              self.tr("PDF (*.pdf)"))
        if not name:
            return None
        if not name.lower().endswith(".pdf"):
            name += ".pdf"
        return self.print_to(provider_id, name)

    def print_to(self, provider_id: uuid.UUID, path: str | Path) -> Task | None:
        """Write the pack at ``path`` in the background."""
        db, day = self.db, self.today()
        step = self.tr("Gathering the provider's records")

        def work(state: TaskState) -> Path:
            from ...reports.provider_pack import write_provider_pack

            state.progress(step, 0, 0)
            return write_provider_pack(db, provider_id, path, today=day)

        return run_in_background(self.widget, self.start_task,
                                 self.tr("Printing the review pack"), work, self._done,
                                 self._failed)

    def _done(self, path: Path) -> None:
        self.last = Path(path)
        self.said.emit(self.tr("Review pack saved to {path}.").format(path=path))

    def _failed(self, exc: BaseException, _detail: str = "") -> None:
        if isinstance(exc, UserError):
            self.said.emit(self.tr("The review pack was not saved: {why}").format(why=exc))
        else:
            self.said.emit(self.tr("The review pack could not be printed because of a fault "
                                   "in Placement Desk; the log has the details."))
