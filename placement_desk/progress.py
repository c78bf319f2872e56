"""Progress reporting and cancellation for long work, with no dependency on Qt.

Long operations (imports, exports, demo generation, PDF rendering) take a
:class:`TaskState`. They call :meth:`TaskState.progress` as they go and
:meth:`TaskState.check_cancelled` between rows; the GUI's background-task helper
passes a state whose callbacks reach the progress dialog, the command line passes
one that prints or stays quiet.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Cancelled(Exception):
    """Raised inside a task when the user asked it to stop."""


ProgressCallback = Callable[[str, int, int], None]


class TaskState:
    """Shared state between a running task and whoever watches it.

    ``progress(step, done, total)`` is throttled: the callback runs at most every
    ``min_interval`` seconds, and always for the first and last call of a step.
    """

    def __init__(
        self,
        on_progress: ProgressCallback | None = None,
        min_interval: float = 0.05,
    ) -> None:
        self._cancel = threading.Event()
        self._on_progress = on_progress
        self._min_interval = min_interval
        self._last_emit = 0.0
        self._last_step = ""
        self.step = ""
        self.done = 0
        self.total = 0

    def cancel(self) -> None:
        """Ask the task to stop at its next check."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        """Raise :class:`Cancelled` if cancellation was requested."""
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, step: str, done: int = 0, total: int = 0) -> None:
        """Report that ``done`` of ``total`` units of ``step`` are finished."""
        self.step, self.done, self.total = step, done, total
        if self._on_progress is None:
            return
        now = time.monotonic()
        if (
            step != self._last_step
            or done >= total
            or now - self._last_emit >= self._min_interval
        ):
            self._last_emit = now
            self._last_step = step
            self._on_progress(step, done, total)


NULL_STATE = TaskState()
"""A state nobody watches, for callers that do not need progress or cancel."""
