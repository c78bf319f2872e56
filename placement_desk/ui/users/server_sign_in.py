"""Signing in to a team server: when the server does not accept the login the database's
address gives (no password in it, or a wrong one), the window asks for the officer's own
server name and password, and opens the database as them. The password is kept only in
the open connection's address, never in the settings or the log."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...errors import ServerSignInRefused, UserError
from ...lifecycle import server_login_name, with_server_login
from ..common.fields import error_label, say

Opened = TypeVar("Opened")


class ServerSignInDialog(QDialog):
    """The officer's name and password on the team server; ``open_with`` opens the
    database with them and either returns it (the dialog closes) or is refused again
    (the reason shows beside the fields)."""

    def __init__(self, target: str | None, refusal: str,
                 open_with: Callable[[str], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target = target
        self.open_with = open_with
        self.opened: object = None
        self.failure: UserError | None = None
        self.setWindowTitle(self.tr("Sign in to the team database"))
        intro = QLabel(self.tr("The team's shared database asks for your own name and "
                               "password on its server (IT gave you them)."))
        intro.setWordWrap(True)
        self.username = QLineEdit(server_login_name(target))
        self.username.setAccessibleName(self.tr("Server user name"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Server password"))
        form = QFormLayout()
        form.addRow(self.tr("&User name:"), self.username)
        form.addRow(self.tr("&Password:"), self.password)
        self.error = error_label("server_sign_in_error")
        say(self.error, refusal)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Sign in"))
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        (self.password if self.username.text() else self.username).setFocus()
        self.setMinimumWidth(420)

    def try_sign_in(self) -> None:
        url = with_server_login(self.target, self.username.text(), self.password.text())
        try:
            self.opened = self.open_with(url)
        except ServerSignInRefused as exc:
            self.password.clear()
            self.password.setFocus()
            say(self.error, str(exc))
            return
        except UserError as exc:  # the login was taken, something else is wrong
            self.failure = exc
            self.reject()
            return
        self.accept()


def sign_in_to_server(target: str | None, refusal: ServerSignInRefused,
                      open_with: Callable[[str], Opened]) -> Opened | None:
    """Ask for the server login until the database opens (returned) or the officer
    cancels (None). Any other error than a refused login is raised as it is."""
    dialog = ServerSignInDialog(target, str(refusal), open_with)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    if dialog.failure is not None:
        raise dialog.failure
    return dialog.opened if accepted else None  # type: ignore[return-value]
