"""Create or edit a setting: errors appear beside the field; Save waits until they are fixed."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QLineEdit, QWidget

from ...db import Database
from ...models.enums import RegistrationStatus, Sector, SettingType
from ...services.common.limits import max_length
from ...services.register.settings import (
    SETTING_TEXT,
    SettingForm,
    load_form,
    save_setting,
    validate_setting,
)
from ..common.fields import fill
from ..common.form_base import Combo, DateField, FormDialog, NumberField


class SettingDialog(FormDialog):
    """Ctrl+S or Save stores the setting; Escape cancels (asking first if changed)."""

    FIELDS = ("name", "urn", "setting_type", "sector", "places", "registration_status",
              "registration_date", "closed_date", "address1", "address2", "town", "postcode",
              "local_authority", "region")

    def __init__(self, db: Database, setting_id: uuid.UUID | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit setting" if setting_id else "New setting", parent)
        self.db = db
        self.setting_id = setting_id
        self.name = QLineEdit()
        self.urn = QLineEdit()
        self.setting_type = Combo()
        for value, label in SettingType.choices():
            self.setting_type.addItem(label, value)
        self.sector = Combo()
        self.sector.addItem(self.tr("Not known"), "")
        for value, label in Sector.choices():
            self.sector.addItem(label, value)
        self.places = NumberField(0, 999, optional=True, blank_text=self.tr("Not known"),
                                  what=self.tr("the number of places"))
        self.registration_status = Combo()
        for value, label in RegistrationStatus.choices():
            self.registration_status.addItem(label, value)
        self.registration_date = DateField(optional=True)
        self.closed_date = DateField(optional=True)
        self.address1, self.address2, self.town = QLineEdit(), QLineEdit(), QLineEdit()
        self.postcode = QLineEdit()
        self.local_authority, self.region = QLineEdit(), QLineEdit()
        for key, edit in (("name", self.name), ("urn", self.urn), ("address1", self.address1),
                          ("address2", self.address2), ("town", self.town),
                          ("postcode", self.postcode),
                          ("local_authority", self.local_authority), ("region", self.region)):
            edit.setMaxLength(max_length(SETTING_TEXT[key][1]) or 32767)
        self.address1.setAccessibleName(self.tr("Address line 1"))
        self.address2.setAccessibleName(self.tr("Address line 2"))
        for key, label, widget, tip in (
                ("name", self.tr("Name *"), self.name, ""),
                ("urn", self.tr("URN"), self.urn,
                 self.tr("Unique Reference Number given by Ofsted, e.g. SC469688")),
                ("setting_type", self.tr("Type *"), self.setting_type, ""),
                ("sector", self.tr("Sector"), self.sector, ""),
                ("places", self.tr("Places"), self.places, ""),
                ("registration_status", self.tr("Registration status"),
                 self.registration_status, ""),
                ("registration_date", self.tr("Registered on"), self.registration_date, ""),
                ("closed_date", self.tr("Closed on"), self.closed_date, ""),
                ("address1", self.tr("Address"), self.address1, ""),
                ("address2", "", self.address2, ""),
                ("town", self.tr("Town"), self.town, ""),
                ("postcode", self.tr("Postcode"), self.postcode, ""),
                ("local_authority", self.tr("Local authority"), self.local_authority, ""),
                ("region", self.tr("Region"), self.region, "")):
            self.add_row(key, label, widget, tip)
        if setting_id is not None:
            self._load(load_form(db, setting_id))
        self.ready()

    def _load(self, f: SettingForm) -> None:
        fill(self.name, f.name)
        fill(self.urn, f.urn)
        self.setting_type.setCurrentIndex(self.setting_type.findData(f.setting_type.value))
        self.sector.setCurrentIndex(max(0, self.sector.findData(f.sector.value if f.sector
                                                                else "")))
        self.places.set_value(f.places)
        self.registration_status.setCurrentIndex(
            self.registration_status.findData(f.registration_status.value))
        self.registration_date.set_value(f.registration_date)
        self.closed_date.set_value(f.closed_date)
        fill(self.address1, f.address1)
        fill(self.address2, f.address2)
        fill(self.town, f.town)
        fill(self.postcode, f.postcode)
        fill(self.local_authority, f.local_authority)
        fill(self.region, f.region)

    def form(self) -> SettingForm:
        def text(edit: QLineEdit) -> str | None:
            return edit.text().strip() or None

        return SettingForm(
            name=self.name.text(), urn=text(self.urn),
            setting_type=SettingType(self.setting_type.currentData()),
            sector=Sector(self.sector.currentData()) if self.sector.currentData() else None,
            places=self.places.value(),
            registration_status=RegistrationStatus(self.registration_status.currentData()),
            registration_date=self.registration_date.value(),
            closed_date=self.closed_date.value(),
            address1=text(self.address1), address2=text(self.address2), town=text(self.town),
            postcode=text(self.postcode), local_authority=text(self.local_authority),
            region=text(self.region))

    def check(self) -> None:
        validate_setting(self.db, self.form(), self.setting_id)

    def store(self) -> uuid.UUID:
        return save_setting(self.db, self.form(), self.setting_id)
