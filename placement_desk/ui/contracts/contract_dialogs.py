"""The contract forms: a contract (new or edit), ending it early, a rate, an uplift, an
extension option and its decision, a lot, a provider's lot, a document.

Each is a :class:`~placement_desk.ui.common.form_base.FormDialog` built from the
shared fields: the service's rules are checked as the fields change, and a
refusal shows beside the field it names once that field has been left (or on
Save), with Save held back until it is fixed. Text fields take no more than
their column keeps. Escape or Cancel on a changed form asks before discarding.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...errors import ValidationError
from ...models import Contract, ContractDocument, ContractLot, ContractRate
from ...models.enums import ContractDocumentKind, ContractType, PlacementType
from ...services.common.formatting import date_short
from ...services.common.limits import max_length
from ...services.contracts.contract_views import LotRow
from ...services.contracts.extensions import (
    ExtensionForm,
    ExtensionRow,
    add_extension,
    decide_extension,
    validate_extension,
)
from ...services.contracts.rates import RateForm, add_rate, apply_uplift, check_rate, validate_rate
from ...services.contracts.register import (
    ContractForm,
    DocumentForm,
    ProviderChoice,
    add_document,
    add_lot,
    check_document,
    end_contract,
    load_contract_form,
    provider_choices,
    save_contract,
    set_provider_lot,
    validate_contract,
    validate_end_contract,
)
from ...services.contracts.terms import MANY_PROVIDERS
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


def _notes(height: int = 60) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    return edit


def required_date(name: str) -> DateField:
    """A date the form needs, whose blank the service's rule refuses in its own words.

    The field reads a blank as no date (rather than refusing it itself), so the form's
    first problem is the first one in reading order: a later empty date never hides the
    rule an earlier field breaks.
    """
    field = DateField(optional=True)
    field.setAccessibleName(name)
    field.edit.setToolTip(field.tr("Type the date as dd/mm/yyyy, or choose it from the "
                                   "calendar (Alt+Down)"))
    return field


def _line(limit: int | None, fallback: int, placeholder: str = "") -> QLineEdit:
    """A line of text no longer than its column keeps (``limit``, from the entity)."""
    edit = QLineEdit()
    edit.setMaxLength(limit or fallback)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def _text(edit: QLineEdit | QPlainTextEdit) -> str | None:
    value = edit.text() if isinstance(edit, QLineEdit) else edit.toPlainText()
    return value.strip() or None


def _pence_or_none(box: MoneyField) -> int | None:
    return box.pence() or None


class ProviderPicker(QWidget):
    """Providers to tick, narrowed by typing: one for most contracts, many for a framework."""

    def __init__(self, choices: Sequence[ProviderChoice]) -> None:
        super().__init__()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Type to find a provider"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName(self.tr("Find a provider"))
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Providers"))
        self.list.setFixedHeight(120)
        for choice in choices:
            label = choice.name + (self.tr(" (the council)") if choice.is_council else "")
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.filter)
        column.addWidget(self.list)
        column.addWidget(self.summary)
        self.filter.textChanged.connect(self._narrow)
        self.list.itemChanged.connect(lambda _item: self._summarise())
        self.setFocusProxy(self.filter)
        self._summarise()

    def _summarise(self) -> None:
        """Who is ticked, in words: the list may hide them below its fold or a search."""
        names = [self.list.item(r).text() for r in range(self.list.count())
                 if self.list.item(r).checkState() == Qt.CheckState.Checked]
        if not names:
            text = self.tr("None chosen yet.")
        elif len(names) <= 3:
            text = self.tr("Chosen: {names}.").format(names="; ".join(names))
        else:
            text = self.tr("{n} chosen: {names} and {more} more.").format(
                n=len(names), names="; ".join(names[:2]), more=len(names) - 2)
        self.summary.setText(text)

    def _narrow(self, text: str) -> None:
        words = text.casefold().split()
        for row in range(self.list.count()):
            item = self.list.item(row)
            hay = item.text().casefold()
            item.setHidden(bool(words) and not all(w in hay for w in words))

    def chosen(self) -> list[uuid.UUID]:
        return [self.list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.list.count())
                if self.list.item(r).checkState() == Qt.CheckState.Checked]

    def set_chosen(self, ids: Sequence[uuid.UUID]) -> None:
        wanted = set(ids)
        first = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            chosen = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)
            if chosen and first is None:
                first = item
        if first is not None:
            self.list.scrollToItem(first, QAbstractItemView.ScrollHint.PositionAtTop)


class ContractDialog(FormDialog):
    """A new contract, or changes to one."""

    def __init__(self, db: Database, contract_id: uuid.UUID | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit contract" if contract_id else "New contract", parent)
        self.db, self.contract_id = db, contract_id
        self.setMinimumWidth(560)
        self.reference = _line(max_length(Contract.reference), 60, self.tr("e.g. BLK-2026-01"))
        self.title_edit = _line(max_length(Contract.title), 200)
        self.contract_type = code_combo(ContractType.choices(), blank=self.tr("Choose…"),
                                        show_code=False)
        self.providers = ProviderPicker(provider_choices(db))
        self.start = required_date(self.tr("Start date"))
        self.end = DateField(optional=True)
        self.end.setAccessibleName(self.tr("End date"))
        self.final_end = DateField(optional=True)
        self.final_end.setAccessibleName(self.tr("Final end date"))
        self.value = MoneyField(optional=True, maximum_pence=100_000_000_000)
        self.value.setAccessibleName(self.tr("Value"))
        self.beds = NumberField(0, 999, optional=True, what="the beds bought",
                                suffix=self.tr("beds"))
        self.beds.setAccessibleName(self.tr("Beds bought"))
        self.uplift = NumberField(0, 50, decimals=2, optional=True, suffix="%",
                                  what="the uplift", blank_text=self.tr("None"))
        self.uplift.setAccessibleName(self.tr("Annual uplift"))
        self.uplift_terms = _notes(48)
        self.notes = _notes(48)
        for key, label, widget, tip in (
                ("reference", self.tr("Reference *"), self.reference, ""),
                ("title", self.tr("Title *"), self.title_edit, ""),
                ("contract_type", self.tr("Type *"), self.contract_type,
                 self.tr("A framework, dynamic purchasing system (DPS) or regional arrangement "
                         "may have many providers; the others have one")),
                ("provider_ids", self.tr("Providers *"), self.providers,
                 self.tr("Tick the provider, or every provider on a framework")),
                ("start_date", self.tr("Start *"), self.start, ""),
                ("end_date", self.tr("End"), self.end,
                 self.tr("The contract's last day, before any extension")),
                ("final_end_date", self.tr("Final end"), self.final_end,
                 self.tr("The latest the contract may run to with every extension taken")),
                ("value_pence", self.tr("Value"), self.value,
                 self.tr("The contract's whole value over its term")),
                ("block_beds", self.tr("Beds bought"), self.beds,
                 self.tr("Block contracts only: how many beds the council buys")),
                ("annual_uplift_bp", self.tr("Annual uplift"), self.uplift, ""),
                ("uplift_terms", self.tr("Uplift terms"), self.uplift_terms,
                 self.tr("How prices rise, e.g. CPI each April, capped at 4%")),
                ("notes", self.tr("Notes"), self.notes, "")):
            self.add_row(key, label, widget, tip)
        self.providers.list.itemChanged.connect(self._changed)
        self.contract_type.currentIndexChanged.connect(lambda _i: self._type_changed())
        if contract_id is not None:
            self._load(load_contract_form(db, contract_id))
        self._type_changed()
        self.ready()

    def _type_changed(self) -> None:
        kind = combo_value(self.contract_type)
        self.beds.setEnabled(kind == ContractType.BLOCK.value)
        many = kind is not None and ContractType(kind) in MANY_PROVIDERS
        self.providers.list.setFixedHeight(160 if many else 120)

    def _load(self, f: ContractForm) -> None:
        fill(self.reference, f.reference)
        fill(self.title_edit, f.title)
        set_combo(self.contract_type, f.contract_type.value if f.contract_type else "")
        self.providers.set_chosen(f.provider_ids)
        if f.start_date:
            self.start.set_value(f.start_date)
        self.end.set_value(f.end_date)
        self.final_end.set_value(f.final_end_date)
        self.value.set_pence(f.value_pence)
        self.beds.set_value(f.block_beds)
        self.uplift.set_value(f.annual_uplift_bp / 100 if f.annual_uplift_bp else None)
        self.uplift_terms.setPlainText(f.uplift_terms or "")
        self.notes.setPlainText(f.notes or "")

    def form(self) -> ContractForm:
        kind = combo_value(self.contract_type)
        return ContractForm(
            reference=self.reference.text(), title=self.title_edit.text(),
            contract_type=ContractType(kind) if kind else None,
            provider_ids=self.providers.chosen(), start_date=self.start.value(),
            end_date=self.end.value(), final_end_date=self.final_end.value(),
            value_pence=_pence_or_none(self.value),
            annual_uplift_bp=round((self.uplift.value() or 0) * 100) or None,
            uplift_terms=_text(self.uplift_terms),
            block_beds=self.beds.value() or None if self.beds.isEnabled() else None,
            notes=_text(self.notes))

    def check(self) -> None:
        validate_contract(self.db, self.form(), self.contract_id)

    def store(self) -> uuid.UUID:
        return save_contract(self.db, self.form(), self.contract_id)


class EndContractDialog(FormDialog):
    """End a contract early: its last day and why."""

    def __init__(self, db: Database, contract_id: uuid.UUID, label: str, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"End contract {label}", parent)
        self.db, self.contract_id, self.today = db, contract_id, today
        self.end = required_date(self.tr("Last day"))
        self.end.set_value(today)
        self.reason = _notes(80)
        self.add_row("end_date", self.tr("Last day *"), self.end)
        self.add_row("end_reason", self.tr("Why it ends *"), self.reason,
                     self.tr("Kept with the contract and in its audit trail"))
        self.save_button.setText(self.tr("End contract"))
        self.ready()

    def check(self) -> None:
        validate_end_contract(self.db, self.contract_id, self.end.value(),
                              self.reason.toPlainText())

    def store(self) -> uuid.UUID:
        end_contract(self.db, self.contract_id, self.end.value(), self.reason.toPlainText(),
                     self.today)
        return self.contract_id


def _lot_combo(lots: Sequence[LotRow], blank: str) -> Combo:
    combo = Combo()
    combo.addItem(blank, None)
    for lot in lots:
        combo.addItem(f"Lot {lot.number}: {lot.description}", lot.id)
    return combo


class RateDialog(FormDialog):
    """A weekly rate and the date it takes effect."""

    def __init__(self, db: Database, contract_id: uuid.UUID, lots: Sequence[LotRow],
                 today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__("Add a rate", parent)
        self.db, self.contract_id = db, contract_id
        self.description = _line(max_length(ContractRate.description), 200,
                                 self.tr("e.g. Weekly rate per bed"))
        self.rate = MoneyField(suffix=self.tr("per week"))
        self.rate.setAccessibleName(self.tr("Weekly rate"))
        self.effective = required_date(self.tr("Takes effect"))
        self.placement_type = code_combo(PlacementType.choices(),
                                         blank=self.tr("Any placement type"))
        self.lot = _lot_combo(lots, self.tr("No particular lot"))
        self.lot.setEnabled(bool(lots))
        self.add_row("description", self.tr("For *"), self.description)
        self.add_row("weekly_rate_pence", self.tr("Weekly rate *"), self.rate)
        self.add_row("effective_from", self.tr("Takes effect *"), self.effective,
                     self.tr("The first day the rate applies"))
        self.add_row("placement_type", self.tr("Placement type"), self.placement_type)
        self.add_row("lot_id", self.tr("Lot"), self.lot)
        self.effective.set_value(today)
        self.ready()

    def form(self) -> RateForm:
        return RateForm(self.description.text(), _pence_or_none(self.rate),
                        self.effective.value(), combo_value(self.placement_type),
                        self.lot.currentData())

    def check(self) -> None:
        form = self.form()
        check_rate(form)
        validate_rate(self.db, self.contract_id, form)

    def store(self) -> uuid.UUID:
        return add_rate(self.db, self.contract_id, self.form())


class UpliftDialog(FormDialog):
    """Next year's prices: every current rate raised by a percentage from a date."""

    def __init__(self, db: Database, contract_id: uuid.UUID, uplift_bp: int | None,
                 today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__("Apply an uplift", parent)
        self.db, self.contract_id, self.today = db, contract_id, today
        self.effective = DateField()
        self.effective.setAccessibleName(self.tr("Takes effect"))
        april = dt.date(today.year + (today.month >= 4), 4, 1)
        self.effective.set_value(april)
        self.percent = NumberField(0, 50, decimals=2, suffix="%", what="the uplift")
        self.percent.set_value((uplift_bp or 0) / 100)
        self.percent.setAccessibleName(self.tr("Uplift"))
        self.add_row("effective_from", self.tr("Takes effect *"), self.effective)
        self.add_row("uplift", self.tr("Uplift *"), self.percent,
                     self.tr("Each line's current rate is raised by this, to the penny"))
        self.save_button.setText(self.tr("Add uplifted rates"))
        self.ready()

    def check(self) -> None:
        if round((self.percent.value() or 0) * 100) <= 0:
            raise ValidationError("uplift", "Enter the uplift, more than 0%.")

    def store(self) -> uuid.UUID:
        added = apply_uplift(self.db, self.contract_id, self.effective.value() or self.today,
                             round((self.percent.value() or 0) * 100))
        return added[0]


class ExtensionDialog(FormDialog):
    """An option to extend the contract to a date, decided by a date."""

    def __init__(self, db: Database, contract_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__("Add an extension option", parent)
        self.db, self.contract_id = db, contract_id
        self.extends_to = required_date(self.tr("Extends the contract to"))
        self.decide_by = required_date(self.tr("Decide by"))
        self.notes = _notes()
        self.add_row("extends_to", self.tr("Extends the contract to *"), self.extends_to)
        self.add_row("decide_by", self.tr("Decide by *"), self.decide_by,
                     self.tr("The last day the council can take up the option"))
        self.add_row("notes", self.tr("Notes"), self.notes)
        self.ready()

    def form(self) -> ExtensionForm:
        return ExtensionForm(self.extends_to.value(), self.decide_by.value(),
                             _text(self.notes))

    def check(self) -> None:
        validate_extension(self.db, self.contract_id, self.form())

    def store(self) -> uuid.UUID:
        return add_extension(self.db, self.contract_id, self.form())


class DecisionDialog(FormDialog):
    """The council's decision on an extension option."""

    def __init__(self, db: Database, options: Sequence[ExtensionRow], today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__("Record an extension decision", parent)
        self.db, self.today = db, today
        self.option = Combo()
        for o in options:
            self.option.addItem(self.tr("To {to} (decide by {by})").format(
                to=date_short(o.extends_to), by=date_short(o.decide_by)), o.id)
        self.decision = Combo()
        self.decision.addItem(self.tr("Take the extension"), True)
        self.decision.addItem(self.tr("Do not take it"), False)
        self.decided_on = DateField()
        self.decided_on.setAccessibleName(self.tr("Decided on"))
        self.decided_on.set_value(today)
        self.note = _notes()
        self.add_row("extension", self.tr("Option *"), self.option)
        self.add_row("status", self.tr("Decision *"), self.decision)
        self.add_row("decided_on", self.tr("Decided on *"), self.decided_on)
        self.add_row("notes", self.tr("Note"), self.note)
        self.save_button.setText(self.tr("Record decision"))
        self.ready()

    def check(self) -> None:
        day = self.decided_on.value()
        if day is not None and day > self.today:
            raise ValidationError("decided_on", "The decision date is in the future.")

    def store(self) -> uuid.UUID:
        option = self.option.currentData()
        decide_extension(self.db, option, bool(self.decision.currentData()),
                         self.decided_on.value() or self.today, self.today,
                         self.note.toPlainText())
        return uuid.UUID(str(option))


class LotDialog(FormDialog):
    def __init__(self, db: Database, contract_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__("Add a lot", parent)
        self.db, self.contract_id = db, contract_id
        self.number = _line(max_length(ContractLot.number), 20, self.tr("e.g. 1"))
        self.description = _line(max_length(ContractLot.description), 200,
                                 self.tr("e.g. Children's homes"))
        self.add_row("number", self.tr("Lot number *"), self.number)
        self.add_row("description", self.tr("What it buys *"), self.description)
        self.ready()

    def check(self) -> None:
        if not self.number.text().strip():
            raise ValidationError("number", "Enter the lot's number, e.g. 1.")
        if not self.description.text().strip():
            raise ValidationError("description", "Say what the lot buys.")

    def store(self) -> uuid.UUID:
        return add_lot(self.db, self.contract_id, self.number.text(), self.description.text())


class ProviderLotDialog(FormDialog):
    def __init__(self, db: Database, contract_id: uuid.UUID, provider_id: uuid.UUID,
                 name: str, lots: Sequence[LotRow], current: uuid.UUID | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Lot for {name}", parent)
        self.db, self.contract_id, self.provider_id = db, contract_id, provider_id
        self.lot = _lot_combo(lots, self.tr("No particular lot"))
        ids = [lot.id for lot in lots]
        self.lot.setCurrentIndex(ids.index(current) + 1 if current in ids else 0)
        self.add_row("lot_id", self.tr("Lot"), self.lot)
        self.ready()

    def store(self) -> uuid.UUID:
        set_provider_lot(self.db, self.contract_id, self.provider_id, self.lot.currentData())
        return self.provider_id


class DocumentDialog(FormDialog):
    """A document of the contract and where it is kept."""

    def __init__(self, db: Database, contract_id: uuid.UUID, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__("Add a document", parent)
        self.db, self.contract_id, self.today = db, contract_id, today
        self.kind = code_combo(ContractDocumentKind.choices(), blank=self.tr("Choose…"),
                               show_code=False)
        self.title_edit = _line(max_length(ContractDocument.title), 200)
        self.document_date = DateField(optional=True)
        self.document_date.setAccessibleName(self.tr("Document date"))
        self.location = _line(max_length(ContractDocument.location), 500,
                              self.tr("A file, a link or a reference"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        where = QWidget()
        row = QHBoxLayout(where)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.location, 1)
        row.addWidget(browse)
        where.setFocusProxy(self.location)
        self.notes = _notes()
        self.add_row("kind", self.tr("Kind *"), self.kind)
        self.add_row("title", self.tr("Title *"), self.title_edit)
        self.add_row("document_date", self.tr("Date"), self.document_date)
        self.add_row("location", self.tr("Where it is kept"), where)
        self.location.textChanged.connect(self._changed)
        self.add_row("notes", self.tr("Notes"), self.notes)
        self.ready()

    def _browse(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, self.tr("Choose the document"))
        if name:
            self.location.setText(name)

    def form(self) -> DocumentForm:
        kind = combo_value(self.kind)
        return DocumentForm(ContractDocumentKind(kind) if kind else None, self.title_edit.text(),
                            self.document_date.value(), _text(self.location), _text(self.notes))

    def check(self) -> None:
        check_document(self.form(), self.today)

    def store(self) -> uuid.UUID:
        return add_document(self.db, self.contract_id, self.form(), self.today)
