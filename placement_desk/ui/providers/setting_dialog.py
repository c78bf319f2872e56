"""Create or edit a setting: errors appear beside the field; Save waits until they are fixed."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QDate
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...errors import ValidationError
from ...models.enums import RegistrationStatus, Sector, SettingType
from ...services.register.settings import SettingForm, load_form, save_setting, validate_setting
from ..common.form_base import CheckedDialog, error_label, to_date, to_qdate


def _date_edit() -> tuple[QCheckBox, QDateEdit]:
    edit = QDateEdit()
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    edit.setDate(QDate.currentDate())
    known = QCheckBox()
    known.toggled.connect(edit.setEnabled)
    edit.setEnabled(False)
    return known, edit


class SettingDialog(CheckedDialog):
    """Ctrl+S or Save stores the setting; Escape cancels."""

    FIELDS = ("name", "urn", "setting_type", "sector", "places", "registration_status",
              "registration_date", "closed_date", "address1", "address2", "town", "postcode",
              "local_authority", "region")

    def __init__(self, db: Database, setting_id: uuid.UUID | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setting_id = setting_id
        self.saved_id: uuid.UUID | None = None
        self.setWindowTitle(self.tr("Edit setting") if setting_id else self.tr("New setting"))
        self.name = QLineEdit()
        self.urn = QLineEdit()
        self.urn.setToolTip(self.tr("Unique Reference Number given by Ofsted, e.g. SC469688"))
        self.setting_type = QComboBox()
        for value, label in SettingType.choices():
            self.setting_type.addItem(label, value)
        self.sector = QComboBox()
        self.sector.addItem(self.tr("Not known"), "")
        for value, label in Sector.choices():
            self.sector.addItem(label, value)
        self.places = QSpinBox()
        self.places.setRange(0, 999)
        self.places.setSpecialValueText(self.tr("Not known"))
        self.registration_status = QComboBox()
        for value, label in RegistrationStatus.choices():
            self.registration_status.addItem(label, value)
        self.reg_known, self.registration_date = _date_edit()
        self.closed_known, self.closed_date = _date_edit()
        self.address1, self.address2, self.town = QLineEdit(), QLineEdit(), QLineEdit()
        self.postcode = QLineEdit()
        self.local_authority, self.region = QLineEdit(), QLineEdit()
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        rows: list[tuple[str, str, QWidget]] = [
            ("name", self.tr("Name *"), self.name), ("urn", self.tr("URN"), self.urn),
            ("setting_type", self.tr("Type *"), self.setting_type),
            ("sector", self.tr("Sector"), self.sector), ("places", self.tr("Places"), self.places),
            ("registration_status", self.tr("Registration status"), self.registration_status),
            ("registration_date", self.tr("Registered on"),
             self._pair(self.reg_known, self.registration_date)),
            ("closed_date", self.tr("Closed on"), self._pair(self.closed_known, self.closed_date)),
            ("address1", self.tr("Address"), self.address1),
            ("address2", "", self.address2), ("town", self.tr("Town"), self.town),
            ("postcode", self.tr("Postcode"), self.postcode),
            ("local_authority", self.tr("Local authority"), self.local_authority),
            ("region", self.tr("Region"), self.region),
        ]
        for key, label, widget in rows:
            error = error_label(f"error_{key}")
            self.errors[key] = error
            holder = QWidget()
            v = QVBoxLayout(holder)
            v.setContentsMargins(0, 0, 0, 0)
            v.addWidget(widget)
            v.addWidget(error)
            form.addRow(label, holder)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save_shortcut.activated.connect(self.save)
        note = QLabel(self.tr("* required"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        if setting_id is not None:
            self._load(load_form(db, setting_id))
        for widget in (self.name, self.urn, self.postcode, self.address1, self.town,
                       self.local_authority, self.region, self.address2):
            widget.textChanged.connect(self.revalidate)
        for combo in (self.setting_type, self.sector, self.registration_status):
            combo.currentIndexChanged.connect(self.revalidate)
        for edit in (self.registration_date, self.closed_date):
            edit.dateChanged.connect(self.revalidate)
        for box in (self.reg_known, self.closed_known):
            box.toggled.connect(self.revalidate)
        self.places.valueChanged.connect(self.revalidate)
        self.revalidate()

    @staticmethod
    def _pair(box: QCheckBox, edit: QDateEdit) -> QWidget:
        holder = QWidget()
        h = QHBoxLayout(holder)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(box)
        h.addWidget(edit, 1)
        return holder

    def _load(self, f: SettingForm) -> None:
        self.name.setText(f.name)
        self.urn.setText(f.urn or "")
        self.setting_type.setCurrentIndex(self.setting_type.findData(f.setting_type.value))
        self.sector.setCurrentIndex(max(0, self.sector.findData(f.sector.value if f.sector
                                                                else "")))
        self.places.setValue(f.places or 0)
        self.registration_status.setCurrentIndex(
            self.registration_status.findData(f.registration_status.value))
        for known, edit, value in ((self.reg_known, self.registration_date, f.registration_date),
                                   (self.closed_known, self.closed_date, f.closed_date)):
            known.setChecked(value is not None)
            if value is not None:
                edit.setDate(to_qdate(value))
        self.address1.setText(f.address1 or "")
        self.address2.setText(f.address2 or "")
        self.town.setText(f.town or "")
        self.postcode.setText(f.postcode or "")
        self.local_authority.setText(f.local_authority or "")
        self.region.setText(f.region or "")

    def form(self) -> SettingForm:
        def text(edit: QLineEdit) -> str | None:
            return edit.text().strip() or None

        return SettingForm(
            name=self.name.text(), urn=text(self.urn),
            setting_type=SettingType(self.setting_type.currentData()),
            sector=Sector(self.sector.currentData()) if self.sector.currentData() else None,
            places=self.places.value() or None,
            registration_status=RegistrationStatus(self.registration_status.currentData()),
            registration_date=to_date(self.registration_date)
            if self.reg_known.isChecked() else None,
            closed_date=to_date(self.closed_date) if self.closed_known.isChecked() else None,
            address1=text(self.address1), address2=text(self.address2), town=text(self.town),
            postcode=text(self.postcode), local_authority=text(self.local_authority),
            region=text(self.region))

    def show_error(self, error: ValidationError | None) -> None:
        for key, label in self.errors.items():
            show = error is not None and error.field == key
            label.setVisible(show)
            label.setText(error.message if show and error else "")

    def check(self) -> None:
        validate_setting(self.db, self.form(), self.setting_id)

    def store(self) -> uuid.UUID:
        return save_setting(self.db, self.form(), self.setting_id)
