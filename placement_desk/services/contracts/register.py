"""The contracts register: new, edit and end a contract, its providers, lots and documents
(the register read back, its list, export and detail, is in :mod:`~.contract_views`).

Rules checked before anything is saved (each refusal names its field):

* a reference (unique), a title, a type and a start date; the end, when given,
  is not before the start, and the final end (the latest the contract may run to
  with every extension) not before the end;
* one provider for a block contract, a spot agreement or an in-house service
  level agreement (which is with the council's own services); one or more for a
  framework, a dynamic purchasing system or a regional arrangement;
* a block contract says how many beds it buys;
* a value is not negative and an annual uplift is between 0% and 50%.

Ending a contract early sets its end date (not before its start, not after its
current end: a longer contract is an extension) with a reason; options not yet
decided are then not taken, and the alert actions about the old end are closed.
Contracts are never removed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...db import Database
from ...errors import ValidationError
from ...models import (
    Contract,
    ContractDocument,
    ContractExtension,
    ContractLot,
    ContractProvider,
    Provider,
)
from ...models.enums import ContractDocumentKind, ContractType, ExtensionStatus
from ..common.formatting import date_short
from ..common.limits import check_length
from ..users.roles import Permission, require
from .alerts import close_contract_actions
from .terms import (
    MANY_PROVIDERS,
    get_contract,
    providers_of,
)

TEXT_MAX = 2000


# --- The form ---------------------------------------------------------------------------

@dataclass
class ContractForm:
    reference: str = ""
    title: str = ""
    contract_type: ContractType | None = None
    provider_ids: list[uuid.UUID] = field(default_factory=list)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    final_end_date: dt.date | None = None
    value_pence: int | None = None
    annual_uplift_bp: int | None = None
    uplift_terms: str | None = None
    block_beds: int | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class ProviderChoice:
    id: uuid.UUID
    name: str
    is_council: bool


def provider_choices(db: Database) -> list[ProviderChoice]:
    """Every provider not deleted, by name, for choosing a contract's providers."""
    with db.read() as session:
        return [ProviderChoice(pid, name, bool(council)) for pid, name, council in
                session.execute(select(Provider.id, Provider.name, Provider.is_council)
                                .where(Provider.deleted_at.is_(None)).order_by(Provider.name))]


def _check_contract(session: Session, form: ContractForm,
                    contract_id: uuid.UUID | None) -> None:
    reference = " ".join(form.reference.split())
    if not reference:
        raise ValidationError("reference", "Enter the contract's reference, e.g. BLK-2026-01.")
    check_length("reference", "The reference", reference, Contract.reference)
    clash = session.scalar(select(Contract.id).where(
        func.lower(Contract.reference) == reference.lower(),
        Contract.id != contract_id if contract_id else Contract.id.is_not(None)))
    if clash is not None:
        raise ValidationError("reference", "Another contract already has this reference.")
    title = " ".join(form.title.split())
    if not title:
        raise ValidationError("title", "Give the contract a title.")
    check_length("title", "The title", title, Contract.title)
    if form.contract_type is None:
        raise ValidationError("contract_type", "Choose the type of contract.")
    providers = list(dict.fromkeys(form.provider_ids))
    if not providers:
        raise ValidationError("provider_ids", "Choose the provider.")
    if form.contract_type not in MANY_PROVIDERS and len(providers) > 1:
        raise ValidationError("provider_ids", f"A {form.contract_type.label.lower()} has one "
                                              "provider; a framework can have many.")
    found = {p.id: p for p in session.scalars(select(Provider).where(
        Provider.id.in_(providers), Provider.deleted_at.is_(None)))}
    if len(found) != len(providers):
        raise ValidationError("provider_ids", "One of the chosen providers no longer exists.")
    if form.contract_type == ContractType.IN_HOUSE_SLA and not found[providers[0]].is_council:
        raise ValidationError("provider_ids", "An in-house service level agreement is with the "
                                              "council's own services: choose the council.")
    if form.start_date is None:
        raise ValidationError("start_date", "Enter the date the contract starts.")
    if form.end_date is not None and form.end_date < form.start_date:
        raise ValidationError("end_date", "The end date is before the start date.")
    if form.final_end_date is not None:
        if form.end_date is None:
            raise ValidationError("final_end_date", "Enter the end date before the final end.")
        if form.final_end_date < form.end_date:
            raise ValidationError("final_end_date", "The final end, with every extension, is "
                                                    "before the end date.")
    if contract_id is not None and form.end_date is not None:
        later = session.scalar(select(func.max(ContractExtension.extends_to)).where(
            ContractExtension.contract_id == contract_id,
            ContractExtension.status == ExtensionStatus.OPEN))
        if form.final_end_date is not None and later is not None \
                and later > form.final_end_date:
            raise ValidationError("final_end_date", "An extension option runs past this date "
                                                    f"(to {date_short(later)}).")
    if form.value_pence is not None and form.value_pence < 0:
        raise ValidationError("value_pence", "The value cannot be negative.")
    if form.annual_uplift_bp is not None and not 0 <= form.annual_uplift_bp <= 5000:
        raise ValidationError("annual_uplift_bp", "The annual uplift must be from 0% to 50%.")
    if form.contract_type == ContractType.BLOCK and not form.block_beds:
        raise ValidationError("block_beds", "Enter the number of beds the block contract buys.")
    if form.block_beds is not None and form.block_beds < 0:
        raise ValidationError("block_beds", "The number of beds cannot be negative.")
    for name in ("uplift_terms", "notes"):
        value = getattr(form, name)
        if value is not None and len(value) > TEXT_MAX:
            raise ValidationError(name, f"This is too long ({TEXT_MAX:,} characters at most).")


def validate_contract(db: Database, form: ContractForm,
                      contract_id: uuid.UUID | None = None) -> None:
    """Raise a ValidationError naming the first field that cannot be saved."""
    with db.read() as session:
        _check_contract(session, form, contract_id)


def save_contract(db: Database, form: ContractForm,
                  contract_id: uuid.UUID | None = None) -> uuid.UUID:
    """Add a contract, or change one; returns its id."""
    require(db, Permission.EDIT_CONTRACTS)
    with db.write() as session:
        return apply_contract(session, form, contract_id)


def apply_contract(session: Session, form: ContractForm,
                   contract_id: uuid.UUID | None = None) -> uuid.UUID:
    """Check the form and add or change the contract in ``session`` (for a form's save and
    an import alike); returns its id."""
    _check_contract(session, form, contract_id)
    assert form.contract_type is not None and form.start_date is not None
    if contract_id is None:
        contract = Contract(id=uuid.uuid4())
        session.add(contract)
    else:
        contract = get_contract(session, contract_id)
    block = form.contract_type == ContractType.BLOCK
    values = {
        "reference": " ".join(form.reference.split()), "title": " ".join(form.title.split()),
        "contract_type": form.contract_type, "start_date": form.start_date,
        "end_date": form.end_date, "final_end_date": form.final_end_date,
        "value_pence": form.value_pence, "annual_uplift_bp": form.annual_uplift_bp,
        "uplift_terms": (form.uplift_terms or "").strip() or None,
        "block_beds": form.block_beds if block else None,
        "notes": (form.notes or "").strip() or None}
    for key, value in values.items():
        if getattr(contract, key, None) != value:
            setattr(contract, key, value)
    wanted = list(dict.fromkeys(form.provider_ids))
    links = list(session.scalars(select(ContractProvider)
                                 .where(ContractProvider.contract_id == contract.id)))
    for link in links:
        if link.provider_id not in wanted:
            session.delete(link)
    have = {link.provider_id for link in links}
    for pid in wanted:
        if pid not in have:
            session.add(ContractProvider(id=uuid.uuid4(), contract_id=contract.id,
                                         provider_id=pid))
    return contract.id


def load_contract_form(db: Database, contract_id: uuid.UUID) -> ContractForm:
    with db.read() as session:
        c = get_contract(session, contract_id)
        providers = [pid for pid, _name in providers_of(session, [c.id]).get(c.id, [])]
        return ContractForm(c.reference, c.title, c.contract_type, providers, c.start_date,
                            c.end_date, c.final_end_date, c.value_pence, c.annual_uplift_bp,
                            c.uplift_terms, c.block_beds, c.notes)


def _check_end(contract: Contract, end: dt.date | None, why: str) -> None:
    if end is None:
        raise ValidationError("end_date", "Enter the contract's last day.")
    if end < contract.start_date:
        raise ValidationError("end_date", "The end date is before the start date.")
    if contract.end_date is not None and end > contract.end_date:
        raise ValidationError("end_date", "The contract already ends on "
                                          f"{date_short(contract.end_date)}; to run it "
                                          "longer, take an extension option.")
    if not why:
        raise ValidationError("end_reason", "Say why the contract is ending.")
    if len(why) > TEXT_MAX:
        raise ValidationError("end_reason", f"This is too long ({TEXT_MAX:,} characters "
                                            "at most).")


def validate_end_contract(db: Database, contract_id: uuid.UUID, end: dt.date | None,
                          reason: str) -> None:
    with db.read() as session:
        _check_end(get_contract(session, contract_id), end, (reason or "").strip())


def end_contract(db: Database, contract_id: uuid.UUID, end: dt.date | None, reason: str,
                 today: dt.date) -> None:
    """End a contract early on ``end`` (its last day), saying why."""
    require(db, Permission.EDIT_CONTRACTS)
    why = (reason or "").strip()
    with db.write() as session:
        contract = get_contract(session, contract_id)
        _check_end(contract, end, why)
        assert end is not None
        old_end = contract.end_date
        contract.end_date = end
        contract.end_reason = why
        if contract.final_end_date is not None and contract.final_end_date > end:
            contract.final_end_date = end
        for option in session.scalars(select(ContractExtension).where(
                ContractExtension.contract_id == contract.id,
                ContractExtension.status == ExtensionStatus.OPEN)):
            option.status = ExtensionStatus.DECLINED
            option.decided_on = min(today, end)
            option.decided_by = db.user
            close_contract_actions(session, contract.id, option.id, None, db.user, today,
                                   "The contract was ended early.")
        if old_end is not None:
            close_contract_actions(session, contract.id, None, old_end, db.user, today,
                                   f"The contract was ended on {date_short(end)}.")


# --- Lots and documents ------------------------------------------------------------------

def add_lot(db: Database, contract_id: uuid.UUID, number: str, description: str) -> uuid.UUID:
    """Add a lot (a part of a framework with its own providers and prices)."""
    require(db, Permission.EDIT_CONTRACTS)
    number = " ".join(number.split())
    text = " ".join(description.split())
    if not number:
        raise ValidationError("number", "Enter the lot's number, e.g. 1.")
    check_length("number", "The lot number", number, ContractLot.number)
    if not text:
        raise ValidationError("description", "Say what the lot buys.")
    check_length("description", "The description", text, ContractLot.description)
    with db.write() as session:
        get_contract(session, contract_id)
        clash = session.scalar(select(ContractLot.id).where(
            ContractLot.contract_id == contract_id, func.lower(ContractLot.number) ==
            number.lower()))
        if clash is not None:
            raise ValidationError("number", f"The contract already has a lot {number}.")
        lot = ContractLot(id=uuid.uuid4(), contract_id=contract_id, number=number,
                          description=text)
        session.add(lot)
        return lot.id


def set_provider_lot(db: Database, contract_id: uuid.UUID, provider_id: uuid.UUID,
                     lot_id: uuid.UUID | None) -> None:
    """Put a provider on one of the contract's lots (None: on no particular lot)."""
    require(db, Permission.EDIT_CONTRACTS)
    with db.write() as session:
        get_contract(session, contract_id)
        link = session.scalar(select(ContractProvider).where(
            ContractProvider.contract_id == contract_id,
            ContractProvider.provider_id == provider_id))
        if link is None:
            raise ValidationError("provider_ids", "This provider is not on the contract.")
        if lot_id is not None:
            lot = session.get(ContractLot, lot_id)
            if lot is None or lot.contract_id != contract_id:
                raise ValidationError("lot_id", "Choose one of this contract's lots.")
        link.lot_id = lot_id


@dataclass
class DocumentForm:
    kind: ContractDocumentKind | None = None
    title: str = ""
    document_date: dt.date | None = None
    location: str | None = None
    notes: str | None = None


def check_document(form: DocumentForm, today: dt.date) -> None:
    if form.kind is None:
        raise ValidationError("kind", "Choose the kind of document.")
    if not " ".join(form.title.split()):
        raise ValidationError("title", "Give the document a title.")
    check_length("title", "The title", " ".join(form.title.split()), ContractDocument.title)
    if form.document_date is not None and form.document_date > today:
        raise ValidationError("document_date", "The document's date is in the future.")
    check_length("location", "Where it is kept", form.location, ContractDocument.location)


def add_document(db: Database, contract_id: uuid.UUID, form: DocumentForm,
                 today: dt.date) -> uuid.UUID:
    """Record a document of the contract and where it is kept."""
    require(db, Permission.EDIT_CONTRACTS)
    check_document(form, today)
    with db.write() as session:
        get_contract(session, contract_id)
        assert form.kind is not None
        doc = ContractDocument(id=uuid.uuid4(), contract_id=contract_id, kind=form.kind,
                               title=" ".join(form.title.split()),
                               document_date=form.document_date,
                               location=(form.location or "").strip() or None,
                               notes=(form.notes or "").strip() or None)
        session.add(doc)
        return doc.id


def remove_document(db: Database, document_id: uuid.UUID) -> None:
    """Mark a document record deleted (the audit trail keeps it)."""
    require(db, Permission.EDIT_CONTRACTS)
    with db.write() as session:
        doc = session.get(ContractDocument, document_id)
        if doc is None or doc.deleted_at is not None:
            raise ValidationError("document", "This document is no longer listed.")
        doc.deleted_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
