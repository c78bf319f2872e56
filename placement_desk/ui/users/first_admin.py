"""The welcome's step for the first administrator: the account that turns sign-in on.

The first-run welcome (:mod:`placement_desk.ui.welcome`) shows this step. It may be
skipped, for one person trying Placement Desk on their own computer: the database
then works without accounts, as before, and File › Users creates the administrator
later.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout

from ...db import Database
from ...errors import ValidationError
from ..welcome import WelcomeStep
from .dialogs import _password_field


class FirstAdministratorStep(WelcomeStep):
    optional = True

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.title = self.tr("The first administrator (optional)")
        note = QLabel(self.tr(
            "The administrator's account turns sign-in on: from then on everyone signs in "
            "to this database, and the administrator adds the others' accounts (File › "
            "Users). Skip this if only you use Placement Desk on this computer; you can "
            "create the administrator later."))
        note.setWordWrap(True)
        self.username = QLineEdit()
        self.username.setAccessibleName(self.tr("User name"))
        self.display_name = QLineEdit()
        self.display_name.setAccessibleName(self.tr("Your name"))
        self.password = _password_field(self.tr("Password"))
        self.again = _password_field(self.tr("Password again"))
        form = QFormLayout()
        for text, field in ((self.tr("&User name"), self.username),
                            (self.tr("Your &name"), self.display_name),
                            (self.tr("&Password"), self.password),
                            (self.tr("Password a&gain"), self.again)):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addStretch(1)

    def problem(self) -> str | None:
        from ...services.users.accounts import check_password_rules

        if not self.username.text().strip():
            return self.tr("Choose a user name, or skip this step.")
        try:
            check_password_rules(self.password.text())
        except ValidationError as exc:
            return exc.message
        if self.again.text() != self.password.text():
            return self.tr("The two passwords differ.")
        return None

    def finish(self) -> None:
        from ...services.users.accounts import create_first_administrator

        create_first_administrator(self.db, self.username.text(), self.display_name.text(),
                                   self.password.text())
