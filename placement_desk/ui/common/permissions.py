"""Buttons and menu items a role cannot use: disabled, with a tooltip saying why.

Only a courtesy: the services refuse the action anyway (services/users/roles.py). A
guarded widget stays disabled whatever its page later asks, since pages enable
buttons as rows are chosen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from ...db import Database
from ...services.users.roles import Permission, refusal


class _KeepDisabled(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.EnabledChange and isinstance(watched, QWidget) \
                and watched.isEnabled():
            watched.setEnabled(False)
        return False


def guard(target: QWidget | QAction, db: Database, *permissions: Permission) -> bool:
    """Disable ``target`` with the reason as its tooltip if the acting user may not do
    these; True when allowed."""
    reason = refusal(db, *permissions)
    if reason is None:
        return True
    target.setEnabled(False)
    target.setToolTip(reason)
    if isinstance(target, QAction):
        target.setStatusTip(reason)
        action = target

        def keep_disabled(on: bool) -> None:
            if on:
                action.setEnabled(False)

        target.enabledChanged.connect(keep_disabled)
    else:
        keeper = _KeepDisabled(target)
        target.installEventFilter(keeper)
    return False
