"""Dialogs for accounts: signing in, the first administrator, adding an account and
setting a password. The first-run wizard reuses :class:`FirstAdministratorDialog`."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...errors import SignInError, ValidationError
from ...models.enums import UserRole
from ..common.fields import error_label, say
from ..common.form_base import Combo, FormDialog


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


class SignInDialog(QDialog):
    """Name and password; Sign in checks them with the service (argon2id) and the window
    then acts as the account. With ``username`` given (unlocking), the name is fixed."""

    def __init__(self, db: Database, parent: QWidget | None = None, *,
                 username: str = "", purpose: str = "") -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(self.tr("Sign in to Placement Desk"))
        self.intro = QLabel(purpose or self.tr("This database asks everyone to sign in."))
        self.intro.setWordWrap(True)
        self.username = QLineEdit(username)
        self.username.setAccessibleName(self.tr("User name"))
        self.username.setReadOnly(bool(username))
        self.password = _password_field(self.tr("Password"))
        form = QFormLayout()
        form.addRow(self.tr("&User name:"), self.username)
        form.addRow(self.tr("&Password:"), self.password)
        self.error = error_label("sign_in_error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Sign in"))
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()
        self.setMinimumWidth(380)

    def try_sign_in(self) -> None:
        from ...services.users.accounts import sign_in

        try:
            sign_in(self.db, self.username.text(), self.password.text())
        except SignInError as exc:
            self.password.clear()
            self.password.setFocus()
            say(self.error, str(exc))
            return
        self.accept()


class FirstAdministratorDialog(FormDialog):
    """The first administrator's name and password: accounts start with them."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Create the administrator"), parent)
        self.db = db
        note = QLabel(self.tr(
            "From now on everyone signs in to this database. The administrator adds the "
            "others' accounts (File › Users). Keep the password safe: nobody can read it "
            "back."))
        note.setWordWrap(True)
        self.layout_.insertWidget(0, note)
        self.setMinimumWidth(460)
        self.username = QLineEdit()
        self.add_row("username", self.tr("User name *"), self.username)
        self.display_name = QLineEdit()
        self.add_row("display_name", self.tr("Your name"), self.display_name)
        self.password = _password_field(self.tr("Password"))
        self.add_row("password", self.tr("Password *"), self.password)
        self.again = _password_field(self.tr("Password again"))
        self.add_row("again", self.tr("Password again *"), self.again)
        self.ready()

    def check(self) -> None:
        from ...services.users.accounts import check_password_rules

        if not self.username.text().strip():
            raise ValidationError("username", self.tr("Choose a user name."))
        check_password_rules(self.password.text())
        if self.again.text() != self.password.text():
            raise ValidationError("again", self.tr("The two passwords differ."))

    def store(self) -> None:
        from ...services.users.accounts import create_first_administrator

        create_first_administrator(self.db, self.username.text(),
                                   self.display_name.text(),
                                   self.password.text())
        return None


class AccountDialog(FormDialog):
    """An administrator adds an account: name, user name, role and a first password."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Add an account"), parent)
        self.db = db
        self.setMinimumWidth(460)
        self.display_name = QLineEdit()
        self.add_row("display_name", self.tr("Name *"), self.display_name)
        self.username = QLineEdit()
        self.add_row("username", self.tr("User name *"), self.username)
        self.role = Combo()
        for role in UserRole:
            self.role.addItem(role.label, role.value)
        self.add_row("role", self.tr("Role *"), self.role)
        self.password = _password_field(self.tr("Password"))
        self.add_row("password", self.tr("Password *"), self.password)
        self.ready()

    def check(self) -> None:
        from ...services.users.accounts import check_password_rules

        if not self.display_name.text().strip():
            raise ValidationError("display_name", self.tr("Give the person's name."))
        if not self.username.text().strip():
            raise ValidationError("username", self.tr("Choose a user name."))
        check_password_rules(self.password.text())

    def store(self):  # type: ignore[no-untyped-def]
        from ...services.users.accounts import add_account

        return add_account(self.db, self.username.text(),
                           self.display_name.text(),
                           UserRole(self.role.currentData()),
                           self.password.text())


class PasswordDialog(FormDialog):
    """An administrator sets someone's password (which also lifts a lock-out)."""

    def __init__(self, db: Database, user_id, name: str,  # type: ignore[no-untyped-def]
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("New password for {name}").format(name=name), parent)
        self.db, self.user_id = db, user_id
        self.password = _password_field(self.tr("Password"))
        self.add_row("password", self.tr("Password *"), self.password)
        self.ready()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def check(self) -> None:
        from ...services.users.accounts import check_password_rules

        check_password_rules(self.password.text())

    def store(self) -> None:
        from ...services.users.accounts import set_password

        set_password(self.db, self.user_id, self.password.text())
        return None
