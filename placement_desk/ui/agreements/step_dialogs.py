"""The two small dialogs an agreement's life asks through: a signing step and a variation.

A signing step asks who did it (and their role, for a signature) and on what date; a
variation asks the date it applies from and why. Each hands its answers to a ``submit``
given by the agreement dialog, which records them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from ...errors import ValidationError
from ...models import AgreementVersion
from ...services.common.limits import max_length
from ..common.form_base import DateField, FormDialog


class StepDialog(FormDialog):
    """Who did a signing step (name, and role for a signature), and on what date.

    ``submit(name, role, day)`` records the step; a ValidationError it raises is
    shown beside its field and the dialog stays open.
    """

    def __init__(self, title: str, needs_name: bool, default_name: str,
                 parent: QWidget | None = None, *, today: dt.date | None = None,
                 needs_role: bool = False,
                 submit: Callable[[str, str | None, dt.date | None], None] | None = None
                 ) -> None:
        super().__init__(title, parent)
        self.needs_name, self.submit = needs_name, submit
        self.name = QLineEdit(default_name)
        self.name.setMaxLength(max_length(AgreementVersion.provider_signed_by) or 100)
        self.name.setPlaceholderText(self.tr("Full name"))
        self.role = QLineEdit()
        self.role.setMaxLength(max_length(AgreementVersion.provider_signed_role) or 100)
        self.role.setPlaceholderText(self.tr("e.g. Registered manager"))
        self.when = DateField()
        self.when.set_value(today or dt.date.today())
        if needs_name:
            self.add_row("by", self.tr("Name *"), self.name)
        if needs_role:
            self.add_row("role", self.tr("Role"), self.role,
                         self.tr("The signatory's job title, printed under their name"))
        self.add_row("when", self.tr("Date *"), self.when)
        self.save_button.setText(self.tr("Record"))
        self.ready()

    def check(self) -> None:
        if self.needs_name and not self.name.text().strip():
            raise ValidationError("by", "Enter the name of the person who did this.")

    def store(self) -> uuid.UUID | None:
        if self.submit is not None:
            self.submit(self.name.text(), self.role.text().strip() or None, self.when.value())
        return None


class VariationDialog(FormDialog):
    """Effective date and reason for a new version; ``submit`` makes it (its id is kept)."""

    def __init__(self, parent: QWidget | None = None, *, today: dt.date | None = None,
                 submit: Callable[[dt.date, str], uuid.UUID] | None = None) -> None:
        super().__init__("Make a variation", parent)
        self.submit = submit
        self.version_id: uuid.UUID | None = None
        self.effective = DateField()
        self.effective.set_value(today or dt.date.today())
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("e.g. Extra staffing hours agreed at review"))
        intro = QLabel(self.tr(
            "The signed terms stay as they are. A new draft version copies them; change "
            "what the variation changes, then take it through signing."))
        intro.setWordWrap(True)
        self.form_layout.addRow(intro)
        self.add_row("effective_date", self.tr("Applies from *"), self.effective)
        self.add_row("variation_reason", self.tr("Reason *"), self.reason)
        self.save_button.setText(self.tr("Make variation"))
        self.ready()

    def check(self) -> None:
        if not self.reason.text().strip():
            raise ValidationError("variation_reason", "Say why the agreement is being varied.")

    def store(self) -> uuid.UUID | None:
        effective = self.effective.value()
        if self.submit is not None and effective is not None:
            self.version_id = self.submit(effective, self.reason.text())
        return self.version_id
