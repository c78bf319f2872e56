"""Keyboard shortcuts that work while a view (or one of its children) has the focus."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

Keys = QKeySequence | QKeySequence.StandardKey | Qt.Key | str


def local_shortcuts(owner: QWidget, pairs: Iterable[tuple[Keys, Callable[[], Any]]], *,
                    children: bool = True) -> list[QShortcut]:
    """Attach each (keys, action) to ``owner``: active in it and, by default, its children.

    Pages sit side by side in one window, so a page's Ctrl+N or Enter must not fire
    while another page is shown; that is what the narrower context gives.
    """
    context = (Qt.ShortcutContext.WidgetWithChildrenShortcut if children
               else Qt.ShortcutContext.WidgetShortcut)
    made = []
    for keys, action in pairs:
        shortcut = QShortcut(keys if isinstance(keys, QKeySequence) else QKeySequence(keys),
                             owner)
        shortcut.setContext(context)
        shortcut.activated.connect(action)
        made.append(shortcut)
    return made
