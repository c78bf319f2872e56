"""Choosing files: every file dialog starts in the last folder used, else the user's Documents.

The folder is remembered in the user's settings (``files/last_folder``) whenever a
file is chosen, so opening an import, saving a PDF and exporting a list all carry
on from where the user last was, never from the program's own folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

LAST_FOLDER = "files/last_folder"


def documents_folder() -> Path:
    """The user's Documents folder (their home folder if there is none)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


def start_folder() -> Path:
    """Where the next file dialog opens: the last folder used if it is still there."""
    last = QSettings().value(LAST_FOLDER, "")
    if isinstance(last, str) and last and Path(last).is_dir():
        return Path(last)
    return documents_folder()


def remember(path: str) -> None:
    """Remember the folder of a chosen file for the next dialog."""
    if path:
        settings = QSettings()
        settings.setValue(LAST_FOLDER, str(Path(path).parent))
        settings.sync()


def _start(suggested: str) -> str:
    """A suggested name (or path) placed in the start folder unless it names its own."""
    if suggested and Path(suggested).is_absolute():
        return suggested
    return str(start_folder() / suggested) if suggested else str(start_folder())


def save_file_name(parent: QWidget, title: str, suggested: str, filters: str) -> str:
    """Ask where to save; "" when the user cancels."""
    name, _filter = QFileDialog.getSaveFileName(parent, title, _start(suggested), filters)
    remember(name)
    return name


def open_file_name(parent: QWidget, title: str, filters: str, current: str = "") -> str:
    """Ask for one file to open; "" when the user cancels."""
    name, _filter = QFileDialog.getOpenFileName(parent, title, _start(current), filters)
    remember(name)
    return name


def open_file_names(parent: QWidget, title: str, filters: str) -> list[str]:
    """Ask for files to open; [] when the user cancels."""
    names, _filter = QFileDialog.getOpenFileNames(parent, title, _start(""), filters)
    if names:
        remember(names[0])
    return list(names)
