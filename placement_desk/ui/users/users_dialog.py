"""File › Users: the administrator's list of accounts, to add one, set a password, change a
role or switch an account off. The services refuse anyone else."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...errors import UserError
from ...models.enums import UserRole
from ...services.common.formatting import datetime_short
from ...services.users.accounts import Account
from ..common.fields import Combo, error_label, say
from ..common.list_table import list_table
from ..common.rows import ID_ROLE, Column, RowTableModel


def account_model(parent: QWidget | None = None) -> RowTableModel[Account]:
    columns: list[Column[Account]] = [
        Column("Name", lambda a: a.display_name),
        Column("User name", lambda a: a.username),
        Column("Role", lambda a: a.role.label),
        Column("Signs in", lambda a: ("Yes" if a.has_password else "No (staff record)")
               if a.active else "Switched off"),
        Column("Last signed in (UTC)", lambda a: datetime_short(a.last_sign_in_at),
               sort=lambda a: a.last_sign_in_at),
    ]
    return RowTableModel(columns, lambda a: a.id, parent)


class UsersDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(self.tr("Users"))
        self.model = account_model(self)
        self.table = list_table(self.model, self.tr("Accounts"), [180, 140, 170, 130])
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.add_button = QPushButton(self.tr("Add account…"))
        self.password_button = QPushButton(self.tr("Set password…"))
        self.role = Combo()
        self.role.setAccessibleName(self.tr("Role"))
        for role in UserRole:
            self.role.addItem(role.label, role.value)
        self.role_button = QPushButton(self.tr("Change role"))
        self.off_button = QPushButton(self.tr("Switch off"))
        self.add_button.clicked.connect(self.add)
        self.password_button.clicked.connect(self.set_password)
        self.role_button.clicked.connect(self.change_role)
        self.off_button.clicked.connect(self.switch_off)
        row = QHBoxLayout()
        for widget in (self.add_button, self.password_button, self.role, self.role_button,
                       self.off_button):
            row.addWidget(widget)
        row.addStretch(1)
        self.error = error_label("users_error")
        note = QLabel(self.tr("Roles: a viewer changes nothing; placement and QA officers do "
                              "their own work (QA officers do not change fees); only a "
                              "commissioning manager signs off reviews, approves spot "
                              "purchases and changes tiers; an administrator manages "
                              "accounts and restores backups."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(820, 460)
        self.reload()

    def reload(self) -> None:
        from ...services.users.accounts import list_accounts

        self.model.set_rows(list_accounts(self.db))
        self._selected()

    def chosen(self) -> Account | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        wanted = rows[0].data(ID_ROLE)
        return next((a for a in self.model.rows if a.id == wanted), None)

    def _selected(self, *_args: object) -> None:
        account = self.chosen()
        for button in (self.password_button, self.role_button, self.off_button):
            button.setEnabled(account is not None)
        if account is not None:
            self.role.setCurrentIndex(self.role.findData(account.role.value))

    def _run(self, work) -> None:  # type: ignore[no-untyped-def]
        try:
            work()
        except UserError as exc:
            say(self.error, str(exc))
            return
        say(self.error, "")
        self.reload()

    def add(self) -> None:
        from .dialogs import AccountDialog

        dialog = AccountDialog(self.db, self)
        if dialog.exec():
            self.reload()
        dialog.deleteLater()

    def set_password(self) -> None:
        from .dialogs import PasswordDialog

        account = self.chosen()
        if account is None:
            return
        dialog = PasswordDialog(self.db, account.id, account.display_name, self)
        if dialog.exec():
            self.reload()
        dialog.deleteLater()

    def change_role(self) -> None:
        from ...services.users.accounts import update_account

        account = self.chosen()
        if account is not None:
            role = UserRole(self.role.currentData())
            self._run(lambda: update_account(self.db, account.id, role=role))

    def switch_off(self) -> None:
        from ...services.users.accounts import update_account

        account = self.chosen()
        if account is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Switch off the account"),
            self.tr("{name} will no longer be able to sign in. Their work stays in the "
                    "records and the audit trail.").format(name=account.display_name))
        if answer == QMessageBox.StandardButton.Yes:
            self._run(lambda: update_account(self.db, account.id, active=False))
