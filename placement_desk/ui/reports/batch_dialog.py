"""Printing the review packs of every provider with a contract review due, from the window.

:class:`PrintPacksButton` ("Print packs for reviews due…") opens
:class:`BatchPacksDialog`: the date reviews are due before (by default the end of next
month) and the folder to save in, with how many providers that takes in; then
"Print packs" writes them in the background with progress and cancel
(:func:`~placement_desk.reports.batch.write_packs`), and the dialog lists what was
written and which packs could not be, with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...errors import UserError
from ...progress import TaskState
from ...reports.batch import BatchResult, due_for_packs, index_file_name
from ...services.common.formatting import date_short
from ..common.fields import DateField
from ..context import AppContext
from ..tasks import StartTask, Task
from .printing import choose_folder, run_in_background

__all__ = ["BatchPacksDialog", "PrintPacksButton", "default_due_before"]


def default_due_before(today: dt.date) -> dt.date:
    """The first day of the month after next: reviews due by the end of next month."""
    month = today.month + 2
    return dt.date(today.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


class BatchPacksDialog(QDialog):
    def __init__(self, db: Database, start_task: StartTask | None, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.start_task, self.today = db, start_task, today
        self.task: Task | None = None
        self.batch: BatchResult | None = None
        self.setWindowTitle(self.tr("Print packs for reviews due"))
        self.setMinimumWidth(560)
        intro = QLabel(self.tr(
            "A review pack (PDF) for every provider whose next contract review is due before "
            "the date, saved in one folder with an index of the packs."))
        intro.setWordWrap(True)
        self.due_before = DateField()
        self.due_before.set_value(default_due_before(today))
        self.due_before.setAccessibleName(self.tr("Reviews due before"))
        self.folder = QLineEdit()
        self.folder.setReadOnly(True)
        self.folder.setPlaceholderText(self.tr("Choose the folder to save the packs in"))
        self.folder.setAccessibleName(self.tr("Folder"))
        self.choose = QPushButton(self.tr("Choose…"))
        where = QHBoxLayout()
        where.addWidget(self.folder, 1)
        where.addWidget(self.choose)
        form = QFormLayout()
        form.addRow(self.tr("Reviews &due before:"), self.due_before)
        form.addRow(self.tr("&Save in:"), where)
        self.count = QLabel()
        self.count.setWordWrap(True)
        self.outcome = QPlainTextEdit()
        self.outcome.setReadOnly(True)
        self.outcome.setVisible(False)
        self.outcome.setAccessibleName(self.tr("What was printed"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = self.buttons.addButton(self.tr("Print packs"),
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.print_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.count)
        layout.addWidget(self.outcome, 1)
        layout.addWidget(self.buttons)
        self.choose.clicked.connect(self._choose)
        self.due_before.edit.textChanged.connect(lambda _t: self.update_count())
        self.buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.start)
        self.update_count()

    def _choose(self) -> None:
        folder = choose_folder(self, self.tr("Save the review packs in"))
        if folder:
            self.set_folder(folder)

    def set_folder(self, folder: str | Path) -> None:
        self.folder.setText(str(folder))
        self.update_count()

    def update_count(self) -> int | None:
        """Say how many packs the date takes in; None while the date is not a date."""
        day = self.due_before.value()
        if day is None:
            self.count.setText(self.tr("Enter the date as dd/mm/yyyy."))
            self.print_button.setEnabled(False)
            return None
        n = len(due_for_packs(self.db, day, self.today))
        self.count.setText(self.tr("{n} providers have a contract review due before "
                                   "{day}.").format(n=f"{n:,}", day=date_short(day))
                           if n != 1 else self.tr("1 provider has a contract review due "
                                                  "before {day}.").format(day=date_short(day)))
        self.print_button.setEnabled(n > 0 and bool(self.folder.text()) and self.task is None)
        return n

    def start(self) -> Task | None:
        day = self.due_before.value()
        folder = self.folder.text()
        if day is None or not folder:
            return None
        db, today = self.db, self.today

        def work(state: TaskState) -> BatchResult:
            from ...reports.batch import write_packs

            return write_packs(db, folder, day, today, state)

        self.print_button.setEnabled(False)
        self.task = run_in_background(self, self.start_task, self.tr("Printing review packs"),
                                      work, self._done, self._failed, self._cancelled)
        return self.task

    def _finished(self, lines: list[str]) -> None:
        self.task = None
        self.outcome.setPlainText("\n".join(lines))
        self.outcome.setVisible(True)
        self.update_count()

    def _done(self, result: BatchResult) -> None:
        self.batch = result
        lines = [self.tr("{written} of {total} packs saved in {folder}, with the index "
                         "{index}.").format(written=len(result.written),
                                            total=len(result.outcomes), folder=result.folder,
                                            index=result.index.name if result.index else "")]
        if result.failed:
            lines.append(self.tr("Not printed:"))
            lines += [f"• {o.provider}: {o.problem}" for o in result.failed]
        self._finished(lines)

    def _failed(self, exc: BaseException, _detail: str = "") -> None:
        self._finished([str(exc) if isinstance(exc, UserError) else self.tr(
            "The packs could not be printed because of a fault in Placement Desk; the log "
            "has the details.")])

    def _cancelled(self) -> None:
        self._finished([self.tr("Stopped. The packs printed before you stopped are in {folder}, "
                                "listed in its index {index}.").format(
            folder=self.folder.text(), index=index_file_name(self.today))])


class PrintPacksButton(QPushButton):
    """"Print packs for reviews due…": opens :class:`BatchPacksDialog`."""

    def __init__(self, ctx: AppContext, today: Callable[[], dt.date],
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Print packs for reviews due…"), parent)
        self.ctx, self.today = ctx, today
        self.setToolTip(self.tr("Save a review pack (PDF) for every provider with a contract "
                                "review due before a date, with an index"))
        self.dialog: BatchPacksDialog | None = None
        self.clicked.connect(self.open_dialog)

    def open_dialog(self) -> BatchPacksDialog:
        self.dialog = BatchPacksDialog(self.ctx.db, self.ctx.tasks.start, self.today(),
                                       self.window())
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.show()
        return self.dialog
