"""Driving a modal dialog from a test: exec() blocks, so the test acts from a timer."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog


def when_modal(kind: type[QDialog], act: Callable[[QDialog], None]) -> None:
    """Drive the next modal dialog of ``kind`` once it is shown (exec() blocks the test)."""
    def attempt() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            try:
                act(widget)
            except BaseException:
                widget.reject()  # never leave exec() waiting; pytest-qt reports the error
                raise
        else:
            QTimer.singleShot(20, attempt)

    QTimer.singleShot(0, attempt)
