"""The agreement dialog's fields: built, filled from a version's terms, and read back.

The parties, dates, placement type and weekly fee; the additional services table (its
rows added, removed and read as service lines); who pays; and the free-text terms.
``form()`` reads them all back as an :class:`AgreementForm`. The dialog lays them out,
locks them once a version is signed, and saves what they hold.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...errors import ValidationError
from ...models import Agreement, AgreementVersion
from ...models.enums import PlacementType, ServiceCharge
from ...services.agreements.ipa import AgreementForm, ServiceLine
from ...services.common.entry import EntryError, read_money, read_number
from ...services.common.limits import max_length
from ..common.fields import fill
from ..common.form_base import (
    Combo,
    DateField,
    FormDialog,
    MoneyField,
    NumberField,
    code_combo,
    combo_value,
    set_combo,
)

if TYPE_CHECKING:
    _Dialog = FormDialog  # the agreement dialog these fields are built into
else:
    _Dialog = object  # a mixin: the dialog itself is the one Qt class

SERVICE_COLUMNS = ("Description", "Charge", "Hours a week", "Rate £ an hour", "Amount £")


def _pounds(text: str, what: str) -> int | None:
    try:
        return read_money(text)
    except EntryError as exc:
        raise ValidationError("services", f"{what}: {exc}") from None


def _hours(text: str, what: str) -> float | None:
    try:
        value = read_number(text, 0, 168, decimals=2, what="the hours a week")
    except EntryError as exc:
        raise ValidationError("services", f"{what}: {exc}") from None
    return None if value is None else float(value)


class AgreementFields(_Dialog):
    """The agreement's fields, each built into the dialog's own attributes."""

    episode_id: uuid.UUID | None
    _child_id: uuid.UUID | None
    _setting_id: uuid.UUID | None
    _effective: dt.date | None

    def _build_terms(self) -> None:
        """The agreement's parties, dates, placement type and weekly fee."""
        self.reference = QLineEdit()
        self.reference.setMaxLength(max_length(Agreement.reference) or 40)
        self.council_name = QLineEdit()
        self.council_name.setMaxLength(max_length(Agreement.council_name) or 200)
        self.provider_legal_entity = QLineEdit()
        self.provider_legal_entity.setMaxLength(max_length(Agreement.provider_legal_entity)
                                                or 200)
        self.start_date = DateField()
        self.end_date = DateField(optional=True, label=self.tr("End date"))
        self.placement_type = code_combo(PlacementType.choices(), blank=self.tr("Not stated"))
        self.weekly_fee = MoneyField(suffix=self.tr("per week"))
        self.weekly_fee.setAccessibleName(self.tr("Weekly fee"))

    def _build_services(self) -> QWidget:
        """The additional services table with its add and remove buttons."""
        self.services = QTableWidget(0, len(SERVICE_COLUMNS))
        self.services.setHorizontalHeaderLabels(list(SERVICE_COLUMNS))
        self.services.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(SERVICE_COLUMNS)):  # the headings are read in full
            self.services.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents)
        self.services.verticalHeader().setVisible(False)
        self.services.setFixedHeight(110)
        self.services.setTabKeyNavigation(True)
        self.services.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.services.itemChanged.connect(self._changed)
        self.add_service = QPushButton(self.tr("Add service"))
        self.remove_service = QPushButton(self.tr("Remove service"))
        self.add_service.clicked.connect(lambda: self._add_service_row(ServiceLine()))
        self.remove_service.clicked.connect(self._remove_service_row)
        services_box = QWidget()
        box = QVBoxLayout(services_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.services)
        row = QHBoxLayout()
        row.addWidget(self.add_service)
        row.addWidget(self.remove_service)
        row.addStretch(1)
        box.addLayout(row)
        return services_box

    def _build_funding(self) -> QWidget:
        """Who pays: the social care, health and education shares in a row."""
        self.social_care, self.health, self.education = (
            NumberField(0, 100, suffix="%", what=self.tr("the share")) for _n in range(3))
        funding = QWidget()
        funding_row = QHBoxLayout(funding)
        funding_row.setContentsMargins(0, 0, 0, 0)
        for share, label in ((self.social_care, "Social care"), (self.health, "Health"),
                             (self.education, "Education")):
            share.setAccessibleName(self.tr("{who}'s share").format(who=self.tr(label)))
            share.changed.connect(self._changed)
            funding_row.addWidget(QLabel(self.tr(label)))
            funding_row.addWidget(share)
        funding_row.addStretch(1)
        self.social_care.set_value(100)
        self.health.set_value(0)
        self.education.set_value(0)
        return funding

    def _build_texts(self) -> None:
        """The free-text terms, the invoicing reference, the variation reason and the cost."""
        self.outcomes = QPlainTextEdit()
        self.special_conditions = QPlainTextEdit()
        self.notice_terms = QPlainTextEdit()
        for edit in (self.outcomes, self.special_conditions, self.notice_terms):
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(52)
        self.invoicing_reference = QLineEdit()
        self.invoicing_reference.setMaxLength(
            max_length(AgreementVersion.invoicing_reference) or 60)
        self.variation_reason = QLineEdit()
        self.cost_label = QLabel()
        self.cost_label.setWordWrap(True)

    def _fill(self, f: AgreementForm) -> None:
        self.row_version = f.row_version
        fill(self.reference, f.reference)
        fill(self.council_name, f.council_name)
        fill(self.provider_legal_entity, f.provider_legal_entity)
        self._child_id, self._setting_id = f.child_id, f.setting_id
        self.episode_id = f.episode_id or getattr(self, "episode_id", None)
        if f.start_date:
            self.start_date.set_value(f.start_date)
        self.end_date.set_value(f.end_date)
        set_combo(self.placement_type, f.placement_type)
        self.weekly_fee.set_pence(f.weekly_fee_pence)
        with QSignalBlocker(self.services):
            self.services.setRowCount(0)
            for line in f.services:
                self._add_service_row(line)
        self.social_care.set_value(f.funding_social_care_bp // 100)
        self.health.set_value(f.funding_health_bp // 100)
        self.education.set_value(f.funding_education_bp // 100)
        self.outcomes.setPlainText(f.outcomes or "")
        fill(self.invoicing_reference, f.invoicing_reference)
        self.notice_terms.setPlainText(f.notice_terms or "")
        self.special_conditions.setPlainText(f.special_conditions or "")
        self.variation_reason.setText(f.variation_reason or "")
        self._effective = f.effective_date

    # -- services table --------------------------------------------------------------------

    def _add_service_row(self, line: ServiceLine) -> None:
        n = self.services.rowCount()
        self.services.insertRow(n)
        charge = Combo()
        for value, label in ServiceCharge.choices():
            charge.addItem(label, value)
        set_combo(charge, line.charge.value)
        charge.currentIndexChanged.connect(self._changed)
        self.services.setItem(n, 0, QTableWidgetItem(line.description))
        self.services.setCellWidget(n, 1, charge)
        hourly = line.charge == ServiceCharge.HOURLY
        self.services.setItem(n, 2, QTableWidgetItem(
            f"{line.hours_per_week:g}" if hourly and line.hours_per_week is not None else ""))
        self.services.setItem(n, 3, QTableWidgetItem(
            f"{line.rate_pence / 100:.2f}" if hourly and line.rate_pence is not None else ""))
        self.services.setItem(n, 4, QTableWidgetItem(
            f"{line.amount_pence / 100:.2f}" if not hourly and line.amount_pence is not None
            else ""))
        self.revalidate()

    def _remove_service_row(self) -> None:
        rows = sorted({i.row() for i in self.services.selectedIndexes()}, reverse=True)
        for n in rows or [self.services.rowCount() - 1]:
            if n >= 0:
                self.services.removeRow(n)
        self._changed()

    def _service_lines(self) -> list[ServiceLine]:
        lines = []
        for n in range(self.services.rowCount()):
            def cell(column: int, row: int = n) -> str:
                item = self.services.item(row, column)
                return item.text() if item is not None else ""

            combo = self.services.cellWidget(n, 1)
            charge = ServiceCharge(combo.currentData()) if isinstance(combo, QComboBox) \
                else ServiceCharge.WEEKLY
            what = f"Service {n + 1}"
            hourly = charge == ServiceCharge.HOURLY
            lines.append(ServiceLine(
                description=cell(0), charge=charge,
                hours_per_week=_hours(cell(2), what) if hourly else None,
                rate_pence=_pounds(cell(3), what) if hourly else None,
                amount_pence=_pounds(cell(4), what) if not hourly else None))
        return lines

    # -- form ------------------------------------------------------------------------------

    def form(self) -> AgreementForm:
        def text(edit: QLineEdit | QPlainTextEdit) -> str | None:
            value = edit.text() if isinstance(edit, QLineEdit) else edit.toPlainText()
            return value.strip() or None

        return AgreementForm(
            reference=self.reference.text(), child_id=self._child_id,
            setting_id=self._setting_id, episode_id=self.episode_id,
            council_name=text(self.council_name),
            provider_legal_entity=text(self.provider_legal_entity),
            start_date=self.start_date.value(), end_date=self.end_date.value(),
            placement_type=combo_value(self.placement_type),
            weekly_fee_pence=self.weekly_fee.pence() or 0,
            funding_social_care_bp=(self.social_care.value() or 0) * 100,
            funding_health_bp=(self.health.value() or 0) * 100,
            funding_education_bp=(self.education.value() or 0) * 100,
            outcomes=text(self.outcomes), invoicing_reference=text(self.invoicing_reference),
            notice_terms=text(self.notice_terms),
            special_conditions=text(self.special_conditions),
            services=self._service_lines(), effective_date=self._effective,
            variation_reason=text(self.variation_reason), row_version=self.row_version)
