"""The one helper that runs long work off the GUI thread, with progress and cancel.

A task is a plain function ``fn(state, *args)`` taking a
:class:`~placement_desk.progress.TaskState`; it runs on a thread pool, reports
progress through the state (throttled, delivered to the GUI thread by a queued
signal) and checks for cancel between rows. Success, failure and cancel arrive as
callbacks on the GUI thread. Workers never touch widgets.

A view that reads in the background again and again (a list's checks, a report
for a chosen period, the dashboard's figures) goes through :class:`LatestRequest`:
only the answer to the latest request is shown, and none once the view is gone.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..errors import UserError
from ..logs import note_user_error
from ..progress import Cancelled, TaskState

log = logging.getLogger(__name__)


class _Signals(QObject):
    progress = Signal(str, int, int)
    succeeded = Signal(object)
    failed = Signal(object, str)
    cancelled = Signal()


class _Runnable(QRunnable):
    def __init__(self, title: str, fn: Callable[..., Any], state: TaskState,
                 signals: _Signals, args: tuple[Any, ...]) -> None:
        super().__init__()
        self.title = title
        self.fn, self.state, self.signals, self.args = fn, state, signals, args
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn(self.state, *self.args)
        except Cancelled:
            self.signals.cancelled.emit()
        except UserError as exc:  # expected: shown to the user; one line in the log
            note_user_error(exc, self.title)
            self.signals.failed.emit(exc, str(exc))
        except BaseException as exc:
            detail = "".join(traceback.format_exception(exc))
            log.error("Background task failed:\n%s", detail)
            self.signals.failed.emit(exc, detail)
        else:
            if self.state.cancelled:
                self.signals.cancelled.emit()
            else:
                self.signals.succeeded.emit(result)


class Task(QObject):
    """A running task: connect to its signals, call :meth:`cancel` to stop it."""

    progress = Signal(str, int, int)
    succeeded = Signal(object)
    failed = Signal(object, str)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, title: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.state = TaskState(self._report, min_interval=0.05)
        self._signals = _Signals()
        self._signals.progress.connect(self.progress, Qt.ConnectionType.QueuedConnection)
        self._signals.succeeded.connect(self._on_success, Qt.ConnectionType.QueuedConnection)
        self._signals.failed.connect(self._on_failure, Qt.ConnectionType.QueuedConnection)
        self._signals.cancelled.connect(self._on_cancel, Qt.ConnectionType.QueuedConnection)
        self.running = False

    def _report(self, step: str, done: int, total: int) -> None:
        self._signals.progress.emit(step, done, total)  # from the worker thread

    def cancel(self) -> None:
        self.state.cancel()

    @Slot(object)
    def _on_success(self, result: object) -> None:
        self.running = False
        self.succeeded.emit(result)
        self.finished.emit()

    @Slot(object, str)
    def _on_failure(self, exc: object, detail: str) -> None:
        self.running = False
        self.failed.emit(exc, detail)
        self.finished.emit()

    @Slot()
    def _on_cancel(self) -> None:
        self.running = False
        self.cancelled.emit()
        self.finished.emit()


class TaskRunner(QObject):
    """Starts tasks on a thread pool and keeps them alive until they finish."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._tasks: set[Task] = set()

    def start(self, title: str, fn: Callable[..., Any], *args: Any,
              on_success: Callable[[Any], None] | None = None,
              on_failure: Callable[[BaseException, str], None] | None = None,
              on_cancel: Callable[[], None] | None = None) -> Task:
        task = Task(title, self)
        if on_success:
            task.succeeded.connect(on_success)
        if on_failure:
            task.failed.connect(on_failure)
        if on_cancel:
            task.cancelled.connect(on_cancel)
        self._tasks.add(task)
        task.finished.connect(lambda: self._tasks.discard(task))
        task.running = True
        self.pool.start(_Runnable(title, fn, task.state, task._signals, args))
        return task

    def active(self) -> int:
        return len(self._tasks)

    def wait(self, msecs: int = 30_000) -> bool:
        return bool(self.pool.waitForDone(msecs))


StartTask = Callable[..., Any]
""":meth:`TaskRunner.start`, or a stand-in with its signature."""


class LatestRequest:
    """Background reads for one view where the latest request wins.

    Each :meth:`run` supersedes the ones before: an earlier read that finishes
    later is dropped rather than shown over the newer answer, and nothing is shown
    once ``owner`` has been deleted. With no task runner (``start_task`` None) the
    read runs at once, on the calling thread.
    """

    def __init__(self, owner: QObject, start_task: StartTask | None) -> None:
        self.owner, self.start_task = owner, start_task
        self.asked = 0
        self.pending = False
        """True while the latest request has not answered."""

    def run(self, title: str, read: Callable[[], Any], show: Callable[[Any], None],
            failed: Callable[[BaseException], None] | None = None,
            expected: tuple[type[BaseException], ...] = ()) -> bool:
        """Start reading; True if it runs in a worker, False if it was done at once.

        ``show`` gets the value read, ``failed`` the exception, on the GUI thread and
        only for the latest request. At once (no runner), the ``expected`` exceptions
        go to ``failed`` and any other propagates.
        """
        self.asked += 1
        asked = self.asked

        def current() -> bool:
            return asked == self.asked and shiboken6.isValid(self.owner)

        def succeeded(value: Any) -> None:
            if current():
                self.pending = False
                show(value)

        def went_wrong(exc: BaseException, _detail: str = "") -> None:
            if current():
                self.pending = False
                if failed is not None:
                    failed(exc)

        if self.start_task is None:
            try:
                value = read()
            except expected as exc:
                went_wrong(exc)
                return False
            succeeded(value)
            return False
        self.pending = True
        self.start_task(title, lambda _state=None: read(), on_success=succeeded,
                        on_failure=went_wrong)
        return True

    def forget(self) -> None:
        """Drop the answer of every request made so far."""
        self.asked += 1
        self.pending = False


class ProgressDialog(QDialog):
    """A modeless window showing a task's step in words, a bar and a Cancel button."""

    def __init__(self, task: Task, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(task.title)
        self.setModal(False)
        self.setMinimumWidth(420)
        self.step = QLabel(self.tr("Starting…"))
        self.step.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self._cancel)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.step)
        layout.addWidget(self.bar)
        layout.addLayout(buttons)
        self.task = task
        task.progress.connect(self.show_progress)
        task.finished.connect(self.accept)

    @Slot(str, int, int)
    def show_progress(self, step: str, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
            self.step.setText(self.tr("{step}… {done} of {total}").format(
                step=step, done=f"{done:,}", total=f"{total:,}"))
        else:
            self.bar.setRange(0, 0)
            self.step.setText(f"{step}…")

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.step.setText(self.tr("Cancelling…"))
        self.task.cancel()

    def reject(self) -> None:  # Escape cancels the task rather than hiding it
        self._cancel()
