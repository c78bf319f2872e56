"""The import commands' progress on the terminal: one line, rewritten as the work goes on.

The line goes to standard error and only when it is a terminal, so ``--json``
output and logs captured from a pipe stay clean; it is wiped when the work ends,
however it ends, so the summary printed next starts on a clean line.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from ..progress import TaskState

INTERVAL_S = 0.2
"""At most five updates a second: enough to see it move, cheap for the terminal."""


@contextmanager
def terminal_progress(*, quiet: bool = False, unit: str = "",
                      stream: TextIO | None = None) -> Iterator[TaskState]:
    """A task state printing "Step: 1,200 of 5,050 [unit]" on one line of ``stream``
    (standard error), unless ``quiet`` or the stream is not a terminal."""
    out = stream or sys.stderr
    shown = not quiet and out.isatty()
    suffix = f" {unit}" if unit else ""

    def show(step: str, done: int, total: int) -> None:
        print(f"\r{step}: {done:,} of {total:,}{suffix}\033[K", end="", file=out, flush=True)

    try:
        yield TaskState(show if shown else None, INTERVAL_S)
    finally:
        if shown:
            print("\r\033[K", end="", file=out, flush=True)
