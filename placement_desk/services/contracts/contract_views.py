"""The contracts register read back: the list of contracts with each one's status, spend to
date, next decision and reviews; its export; a contract's detail (providers, lots, rates,
extension options, documents, reviews and its history); and the contracts a provider's
settings are under, for the setting's page. Editing the register is in
:mod:`~.register`."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...db import Database
from ...dbsql import stored
from ...models import (
    AuditEvent,
    Contract,
    ContractDocument,
    ContractExtension,
    ContractLot,
    ContractProvider,
)
from ...models.enums import AuditAction, ContractDocumentKind, ContractType, ExtensionStatus
from ..common.formatting import money
from .extensions import ExtensionRow, extension_rows
from .rates import RateRow, rate_rows
from .review_due import review_dates
from .review_list import ReviewRow, _list_reviews
from .terms import (
    ContractStatus,
    contract_status,
    ending_soon_months,
    get_contract,
    providers_of,
)
from .usage import episodes_under, spend_to_date

# --- The list --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ContractRow:
    id: uuid.UUID
    reference: str
    title: str
    contract_type: ContractType
    providers: tuple[str, ...]
    provider_ids: tuple[uuid.UUID, ...]
    start_date: dt.date
    end_date: dt.date | None
    final_end_date: dt.date | None
    value_pence: int | None
    spent_pence: int
    """From the start to the day before today."""
    block_beds: int | None
    status: ContractStatus
    next_decision: dt.date | None
    """The earliest decide-by date of an extension option not yet decided."""
    last_review: dt.date | None
    next_review: dt.date | None
    """Of the provider (the soonest, for a contract with several)."""

    @property
    def provider_text(self) -> str:
        if len(self.providers) <= 2:
            return ", ".join(self.providers)
        return f"{self.providers[0]} and {len(self.providers) - 1} others"


def _rows(session: Session, contracts: list[Contract], today: dt.date) -> list[ContractRow]:
    ids = [c.id for c in contracts]
    members = providers_of(session, ids)
    months = ending_soon_months(session)
    spent = spend_to_date(session, contracts, today)
    decisions: dict[uuid.UUID, dt.date] = dict(session.execute(
        select(ContractExtension.contract_id, func.min(ContractExtension.decide_by))
        .where(ContractExtension.contract_id.in_(ids),
               ContractExtension.status == ExtensionStatus.OPEN)
        .group_by(ContractExtension.contract_id)).all())
    everyone = {pid for found in members.values() for pid, _n in found}
    dates = review_dates(session, everyone, today)
    rows = []
    for c in contracts:
        found = members.get(c.id, [])
        lasts = [d.last for pid, _n in found if (d := dates.get(pid)) and d.last]
        nexts = [d.next_due for pid, _n in found if (d := dates.get(pid)) and d.next_due]
        rows.append(ContractRow(
            c.id, c.reference, c.title, c.contract_type, tuple(n for _p, n in found),
            tuple(p for p, _n in found), c.start_date, c.end_date, c.final_end_date,
            c.value_pence, spent.get(c.id, 0), c.block_beds,
            contract_status(c.start_date, c.end_date, today, months), decisions.get(c.id),
            max(lasts) if lasts else None, min(nexts) if nexts else None))
    return rows


def list_contracts(db: Database, today: dt.date) -> list[ContractRow]:
    """Every contract not deleted, by reference, with its status and spend to date."""
    with db.read() as session:
        contracts = list(session.scalars(select(Contract).where(Contract.deleted_at.is_(None))
                                         .order_by(Contract.reference)))
        return _rows(session, contracts, today)


EXPORT_HEADINGS = ("Reference", "Title", "Type", "Providers", "Start", "End", "Final end",
                   "Value", "Spent to date", "Beds", "Status", "Next extension decision",
                   "Last review", "Next review")


def contract_export_table(rows: list[ContractRow]) -> tuple[list[str], list[list[object]]]:
    """Headings and cells (money as £1,234.50, dates as dates) for a spreadsheet."""
    return list(EXPORT_HEADINGS), [
        [r.reference, r.title, r.contract_type.label, "; ".join(r.providers), r.start_date,
         r.end_date, r.final_end_date, money(r.value_pence), money(r.spent_pence),
         r.block_beds, r.status.label, r.next_decision, r.last_review, r.next_review]
        for r in rows]


# --- The detail ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LotRow:
    id: uuid.UUID
    number: str
    description: str
    providers: int


@dataclass(frozen=True, slots=True)
class MemberRow:
    provider_id: uuid.UUID
    name: str
    lot_id: uuid.UUID | None
    lot: str
    children: int
    """Children placed today under this contract."""


@dataclass(frozen=True, slots=True)
class DocumentRow:
    id: uuid.UUID
    kind: ContractDocumentKind
    title: str
    document_date: dt.date | None
    location: str | None
    notes: str | None


@dataclass(frozen=True, slots=True)
class AuditRow:
    at: dt.datetime
    user: str
    what: str
    changes: str


@dataclass(frozen=True, slots=True)
class ContractDetail:
    row: ContractRow
    annual_uplift_bp: int | None
    uplift_terms: str | None
    end_reason: str | None
    notes: str | None
    lots: tuple[LotRow, ...]
    members: tuple[MemberRow, ...]
    rates: tuple[RateRow, ...]
    extensions: tuple[ExtensionRow, ...]
    documents: tuple[DocumentRow, ...]
    reviews: tuple[ReviewRow, ...]
    audit: tuple[AuditRow, ...]


_PARTS = {"contract_provider": "provider", "contract_lot": "lot", "contract_rate": "rate",
          "contract_extension": "extension option", "contract_document": "document"}


def _audit(session: Session, contract_id: uuid.UUID) -> list[AuditRow]:
    key = str(contract_id)
    rows = []
    for event in session.scalars(
            select(AuditEvent).where(or_(
                (AuditEvent.entity == "contract") & (AuditEvent.entity_id == contract_id),
                AuditEvent.entity.in_(list(_PARTS))))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())):
        if event.entity != "contract":
            owner = (event.after or event.before or {}).get("contract_id")
            if owner != key:
                continue
        part = _PARTS.get(event.entity, "contract")
        what = f"{event.action.label} {part}" if event.action != AuditAction.UPDATE \
            else f"Changed {part}"
        if event.action == AuditAction.UPDATE:
            changes = ", ".join(f"{k}: {(event.before or {}).get(k)!r} → {v!r}"
                                for k, v in (event.after or {}).items())
        else:
            values = event.after or event.before or {}
            changes = ", ".join(f"{k}: {v!r}" for k, v in values.items()
                                if k not in ("id", "contract_id", "deleted_at") and v is not None)
        rows.append(AuditRow(event.at, event.user, what, changes))
        if len(rows) >= 300:
            break
    return rows


def contract_detail(db: Database, contract_id: uuid.UUID, today: dt.date) -> ContractDetail:
    """Everything the contract's tabs show."""
    with db.read() as session:
        contract = get_contract(session, contract_id)
        row = _rows(session, [contract], today)[0]
        lots = list(session.scalars(select(ContractLot).where(
            ContractLot.contract_id == contract.id).order_by(ContractLot.number)))
        lot_names = {lot.id: f"Lot {lot.number}: {lot.description}" for lot in lots}
        links = {link.provider_id: link.lot_id for link in session.scalars(
            select(ContractProvider).where(ContractProvider.contract_id == contract.id))}
        placed: dict[str, set[str]] = defaultdict(set)
        for use in episodes_under(session, contract):
            if use.live_on(today):
                placed[use.provider].add(use.episode)
        key_of: dict[uuid.UUID, str] = dict(session.execute(
            select(ContractProvider.provider_id,
                   stored(ContractProvider.provider_id).label("key"))
            .where(ContractProvider.contract_id == contract.id)).all())
        per_lot: dict[uuid.UUID | None, int] = defaultdict(int)
        for lot_id in links.values():
            per_lot[lot_id] += 1
        members = tuple(
            MemberRow(pid, name, lot, lot_names.get(lot, "") if lot else "",
                      len(placed.get(key_of.get(pid, ""), ())))
            for pid, name in providers_of(session, [contract.id]).get(contract.id, [])
            for lot in [links.get(pid)])
        documents = tuple(
            DocumentRow(d.id, d.kind, d.title, d.document_date, d.location, d.notes)
            for d in session.scalars(select(ContractDocument).where(
                ContractDocument.contract_id == contract.id,
                ContractDocument.deleted_at.is_(None))
                .order_by(ContractDocument.document_date.desc(), ContractDocument.title)))
        reviews = tuple(r for r in _list_reviews(session, list(links))
                        if r.contract_id in (None, contract.id))
        return ContractDetail(
            row, contract.annual_uplift_bp, contract.uplift_terms, contract.end_reason,
            contract.notes,
            tuple(LotRow(lot.id, lot.number, lot.description, per_lot.get(lot.id, 0))
                  for lot in lots),
            members, tuple(rate_rows(session, contract.id, today)),
            tuple(extension_rows(session, contract.id, today)), documents, reviews,
            tuple(_audit(session, contract.id)))


# --- On a setting's page ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ProviderContract:
    id: uuid.UUID
    reference: str
    title: str
    contract_type: ContractType
    start_date: dt.date
    end_date: dt.date | None
    value_pence: int | None
    status: ContractStatus
    last_review: dt.date | None
    next_review: dt.date | None


def provider_contracts(session: Session, provider_id: uuid.UUID,
                       today: dt.date) -> list[ProviderContract]:
    """A provider's contracts, newest first, with its last and next review."""
    months = ending_soon_months(session)
    dates = review_dates(session, [provider_id], today)[provider_id]
    return [ProviderContract(c.id, c.reference, c.title, c.contract_type, c.start_date,
                             c.end_date, c.value_pence,
                             contract_status(c.start_date, c.end_date, today, months),
                             dates.last, dates.next_due)
            for c in session.scalars(
                select(Contract).join(ContractProvider,
                                      ContractProvider.contract_id == Contract.id)
                .where(ContractProvider.provider_id == provider_id,
                       Contract.deleted_at.is_(None))
                .order_by(Contract.start_date.desc(), Contract.reference))]

