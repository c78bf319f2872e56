"""What the main window adds for accounts: who is signed in, File › Users and Lock, the
idle lock, and the day's first backup once the window is drawn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu

from ...services.users.roles import Permission
from ..common.permissions import guard

if TYPE_CHECKING:
    from ..main_window import MainWindow


def install(window: MainWindow, file_menu: QMenu) -> None:
    """Add the account actions to ``file_menu`` (before Quit) and start the idle lock."""
    ctx = window.ctx
    db = ctx.db
    guard(window.settings_action, db, Permission.CHANGE_SETTINGS)
    quit_action = file_menu.actions()[-1]
    window.users_action = QAction(window.tr("&Users…"), window)
    window.users_action.setStatusTip(window.tr("Accounts, roles and passwords"))
    window.users_action.triggered.connect(lambda: open_users(window))
    guard(window.users_action, db, Permission.MANAGE_USERS)
    window.lock_action = QAction(window.tr("&Lock"), window)
    window.lock_action.setShortcut(QKeySequence("Ctrl+L"))
    window.lock_action.setEnabled(db.role is not None)
    window.lock_action.setStatusTip(window.tr("Cover the window until your password is typed"))
    file_menu.insertAction(quit_action, window.users_action)
    file_menu.insertAction(quit_action, window.lock_action)
    file_menu.insertSeparator(quit_action)
    who = (window.tr("Signed in as {user} ({role})").format(user=db.user, role=_role(db.role))
           if db.role else window.tr("No accounts: acting as {user}").format(user=db.user))
    window.user_label = QLabel(who)
    window.statusBar().addPermanentWidget(window.user_label)
    window.idle_lock = None
    ctx.hub.when_drawn(lambda: _after_first_paint(window))


def _role(value: str | None) -> str:
    from ...models.enums import UserRole

    try:
        return UserRole(value).label if value else ""
    except ValueError:
        return str(value)


def open_users(window: MainWindow) -> None:
    """File › Users; on a database without accounts, the first administrator first (the
    window then acts as them, and accounts are on)."""
    from ...services.users.roles import accounts_on
    from .dialogs import FirstAdministratorDialog
    from .users_dialog import UsersDialog

    db = window.ctx.db
    if db.role is None and not accounts_on(db):
        first = FirstAdministratorDialog(db, window)
        made = first.exec()
        first.deleteLater()
        if not made:
            return
        window.user_label.setText(window.tr("Signed in as {user} ({role})").format(
            user=db.user, role=_role(db.role)))
        window.lock_action.setEnabled(True)
    dialog = UsersDialog(window.ctx.db, window)
    dialog.exec()
    dialog.deleteLater()


def _after_first_paint(window: MainWindow) -> None:
    from ...services.common.settings_store import IDLE_LOCK_MINUTES, read_setting
    from .idle_lock import IdleLock

    ctx = window.ctx
    if ctx.db.role is not None:
        try:
            minutes = int(read_setting(ctx.db, IDLE_LOCK_MINUTES))
        except (TypeError, ValueError):
            minutes = int(IDLE_LOCK_MINUTES.default)
        window.idle_lock = IdleLock(ctx.db, window, minutes)
        window.lock_action.triggered.connect(window.idle_lock.lock)

        def settings_changed(tables: frozenset[str]) -> None:
            if "app_setting" in tables and window.idle_lock is not None:
                window.idle_lock.set_minutes(int(read_setting(ctx.db, IDLE_LOCK_MINUTES)))

        ctx.hub.changed.connect(settings_changed)


def daily_backup_task(window: MainWindow) -> None:
    """The day's first start backs the database up, off the GUI thread (run_gui only)."""
    from ...services.common.backups import daily_backup

    ctx = window.ctx
    if ctx.db.path is None or ctx.db.read_only:
        return
    today = ctx.today()

    def work(state):  # type: ignore[no-untyped-def]
        return daily_backup(ctx.db, today)

    def done(made) -> None:  # type: ignore[no-untyped-def]
        if made is not None:
            ctx.hub.status_message.emit(window.tr("Today's backup: {name}").format(
                name=made.name))

    ctx.tasks.start(window.tr("Today's backup"), work, on_success=done,
                    on_failure=lambda exc, _detail: ctx.hub.status_message.emit(
                        window.tr("Today's backup could not be made: {error}").format(
                            error=exc)))
