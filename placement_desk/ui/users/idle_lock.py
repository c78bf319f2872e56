"""The idle lock: after a set time without use, the window is covered and asks for the
password again; open forms and dialogs stay as they were, unsaved work included.

An event filter on the application notes every key press, click and wheel turn; a
timer locks after :data:`~placement_desk.services.common.settings_store.IDLE_LOCK_MINUTES`
of none (only once accounts are on). Locking covers the main window and every open
dialog with an opaque panel (nothing is closed or hidden, so a dialog's own event loop
carries on); the password is asked on the top one (a modal dialog, if one is open, or
the main window). While locked, input to anything but that panel and shortcuts are
swallowed. Unlocking checks the same account's password with the service.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...errors import SignInError
from ..common.fields import error_label, say

_INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel,
          QEvent.Type.MouseButtonDblClick}
_BLOCKED = _INPUT | {QEvent.Type.Shortcut, QEvent.Type.ShortcutOverride,
                     QEvent.Type.KeyRelease, QEvent.Type.MouseButtonRelease,
                     QEvent.Type.ContextMenu}


class Cover(QFrame):
    """An opaque panel over one window; the one with ``ask`` holds the password field."""

    def __init__(self, window: QWidget, ask: bool, lock: IdleLock) -> None:
        super().__init__(window)
        self.setObjectName("idleLockCover")
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.lock = lock
        self.password: QLineEdit | None = None
        self.error: QLabel | None = None
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel(self.tr("Placement Desk is locked"))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        if ask:
            who = QLabel(self.tr("Signed in as {user}. Your open work is kept: type your "
                                 "password to carry on.").format(user=lock.db.user))
            who.setWordWrap(True)
            who.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.password = QLineEdit()
            self.password.setEchoMode(QLineEdit.EchoMode.Password)
            self.password.setAccessibleName(self.tr("Password"))
            self.password.setFixedWidth(300)
            self.password.returnPressed.connect(lock.try_unlock)
            unlock = QPushButton(self.tr("Unlock"))
            unlock.clicked.connect(lock.try_unlock)
            unlock.setFixedWidth(300)
            self.error = error_label("unlock_error")
            self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(who)
            for widget in (self.password, unlock):
                layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
            layout.addWidget(self.error)
        else:
            note = QLabel(self.tr("Unlock it in the window that asks for your password."))
            note.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(note)
        layout.addStretch(2)
        window.installEventFilter(self)
        self.setGeometry(window.rect())
        self.raise_()
        self.show()
        if self.password is not None:
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        parent = self.parentWidget()
        if watched is parent and parent is not None and event.type() == QEvent.Type.Resize:
            self.setGeometry(parent.rect())
            self.raise_()
        return False


class IdleLock(QObject):
    """Locks ``window`` (and its dialogs) after ``minutes`` without input; 0 never."""

    def __init__(self, db: Database, window: QWidget, minutes: int) -> None:
        super().__init__(window)
        self.db = db
        self.window = window
        self.covers: list[Cover] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def locked(self) -> bool:
        return bool(self.covers)

    def set_minutes(self, minutes: int) -> None:
        self.minutes = max(0, int(minutes))
        self.timer.stop()
        if self.minutes and not self.locked:
            self.timer.start(self.minutes * 60_000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self.locked:
            return kind in _BLOCKED and not self._inside_cover(watched)
        if kind in _INPUT and self.minutes:
            self.timer.start(self.minutes * 60_000)
        return False

    def _inside_cover(self, obj: QObject) -> bool:
        current: QObject | None = obj
        while current is not None:
            if isinstance(current, Cover):
                return True
            current = current.parent()
        return False

    def lock(self) -> None:
        if self.locked:
            return
        self.timer.stop()
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()  # a menu or a combo's list: nothing is lost
        modal = QApplication.activeModalWidget()
        asking = modal if modal is not None else self.window
        windows = [self.window, *[w for w in QApplication.topLevelWidgets()
                                  if isinstance(w, QDialog) and w.isVisible()]]
        for window in dict.fromkeys(windows):
            self.covers.append(Cover(window, window is asking, self))

    def asking_cover(self) -> Cover | None:
        return next((c for c in self.covers if c.password is not None), None)

    def try_unlock(self) -> None:
        from ...services.users.accounts import sign_in

        cover = self.asking_cover()
        if cover is None or cover.password is None:
            return
        try:
            sign_in(self.db, self.db.user, cover.password.text())
        except SignInError as exc:
            cover.password.clear()
            if cover.error is not None:
                say(cover.error, str(exc))
            return
        self.unlock()

    def unlock(self) -> None:
        for cover in self.covers:
            parent = cover.parentWidget()
            if parent is not None:
                parent.removeEventFilter(cover)
            cover.hide()
            cover.deleteLater()
        self.covers = []
        if self.minutes:
            self.timer.start(self.minutes * 60_000)
