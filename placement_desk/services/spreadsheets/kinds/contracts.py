"""Contracts, contract reviews and provider documents."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ....models import Contract, ContractProvider, ContractReview, Provider, ProviderDocument
from ....models.enums import ContractType, DocumentKind, ReviewStatus
from ..values import Field
from .base import (
    SETTING_NAME,
    SETTING_POSTCODE,
    Outcome,
    RowError,
    Writer,
    _ci,
    _enum_or_none,
    _setting_names,
    _urn_like,
    _where,
    provider_named,
    setting_ref,
)

# -- contracts -------------------------------------------------------------------------------

CONTRACT_FIELDS = (
    Field("reference", "Contract reference", required=True,
          aliases=("reference", "contract ref", "contract number", "contract id")),
    Field("title", "Title", required=True, aliases=("contract title", "name", "contract name",
                                                    "description")),
    Field("contract_type", "Contract type", "code", required=True, codes=ContractType,
          aliases=("type",), synonyms={"spot": "spot", "block": "block", "dps": "dps",
                                       "framework": "framework", "regional": "regional",
                                       "sla": "in_house_sla", "in house": "in_house_sla"}),
    Field("providers", "Providers", required=True, aliases=("provider", "provider name",
                                                            "supplier", "suppliers"),
          help="Names separated by semicolons"),
    Field("start_date", "Start date", "date", required=True, aliases=("start",
                                                                      "contract start")),
    Field("end_date", "End date", "date", aliases=("end", "contract end", "expiry")),
    Field("final_end_date", "Final end date", "date", aliases=("end with extensions",
                                                               "final end", "longstop")),
    Field("value_pence", "Value", "money", aliases=("contract value", "total value")),
    Field("annual_uplift_bp", "Annual uplift", "percent", aliases=("uplift", "inflation")),
    Field("uplift_terms", "Uplift terms"),
    Field("block_beds", "Block beds", "int", aliases=("beds", "beds bought")),
    Field("notes", "Notes", aliases=("comments",)),
)


class ContractWriter(Writer):
    tables = ("contract", "contract_provider")

    def save(self, values: dict[str, Any]) -> Outcome:
        from ...contracts.register import ContractForm, apply_contract

        session = self.session
        reference = " ".join((values.get("reference") or "").split())
        existing = session.scalar(select(Contract).where(
            func.lower(Contract.reference) == reference.lower())) if reference else None
        if existing is not None and existing.deleted_at is not None:
            raise RowError("reference", "This contract was deleted in Placement Desk.")
        form = ContractForm(reference=reference)
        if existing is not None:  # a column the file leaves out keeps what is held
            form = _contract_form(session, existing.id)
        simple = ("title", "start_date", "end_date", "final_end_date", "value_pence",
                  "annual_uplift_bp", "uplift_terms", "block_beds", "notes")
        for key in simple:
            if key in values:
                setattr(form, key, values[key])
        form.reference = reference
        form.title = form.title or ""
        if "contract_type" in values:
            form.contract_type = _enum_or_none(ContractType, values["contract_type"])
        if "providers" in values:
            names = [n.strip() for n in (values.get("providers") or "").split(";")
                     if n.strip()]
            form.provider_ids = [p for p in (provider_named(session, n, "providers")
                                             for n in names) if p is not None]
        apply_contract(session, form, existing.id if existing else None)
        return self._done(existing is None)


def _contract_form(session: Session, contract_id: uuid.UUID) -> Any:
    from ...contracts.register import ContractForm

    contract = session.get(Contract, contract_id)
    assert contract is not None
    providers = list(session.scalars(select(ContractProvider.provider_id).where(
        ContractProvider.contract_id == contract_id)))
    return ContractForm(contract.reference, contract.title, contract.contract_type, providers,
                        contract.start_date, contract.end_date, contract.final_end_date,
                        contract.value_pence, contract.annual_uplift_bp, contract.uplift_terms,
                        contract.block_beds, contract.notes)


def _read_contracts(session: Session, ids: frozenset[uuid.UUID] | None
                    ) -> Iterator[dict[str, Any]]:
    names = dict(session.execute(select(Provider.id, Provider.name)).all())
    links: dict[uuid.UUID, list[str]] = {}
    for cid, pid in session.execute(select(ContractProvider.contract_id,
                                           ContractProvider.provider_id)):
        links.setdefault(cid, []).append(names.get(pid, ""))
    query = select(Contract).where(Contract.deleted_at.is_(None)).order_by(Contract.reference)
    if ids is not None:
        query = query.where(Contract.id.in_(ids))
    for c in session.scalars(query):
        yield {"reference": c.reference, "title": c.title, "contract_type": c.contract_type,
               "providers": "; ".join(sorted(links.get(c.id, []))),
               "start_date": c.start_date, "end_date": c.end_date,
               "final_end_date": c.final_end_date, "value_pence": c.value_pence,
               "annual_uplift_bp": c.annual_uplift_bp, "uplift_terms": c.uplift_terms,
               "block_beds": c.block_beds, "notes": c.notes}


# -- contract reviews ------------------------------------------------------------------------

REVIEW_FIELDS = (
    Field("provider", "Provider", required=True, aliases=("provider name",)),
    Field("review_date", "Review date", "date", required=True, aliases=("date", "meeting date",
                                                                        "reviewed on")),
    Field("contract_reference", "Contract reference", aliases=("contract", "contract ref")),
    Field("status", "Status", "code", codes=ReviewStatus,
          synonyms={"complete": "signed_off", "completed": "signed_off",
                    "done": "signed_off", "signed off": "signed_off"}),
    Field("attendees", "Council attendees", aliases=("attendees", "council")),
    Field("provider_attendees", "Provider attendees"),
    Field("outcome", "Outcome", aliases=("summary", "notes", "actions agreed")),
    Field("next_due", "Next review", "date", aliases=("next review date", "next due",
                                                      "next review due")),
    Field("signed_off_by", "Signed off by"),
    Field("ratings", "Ratings", importable=False),
)


class ReviewWriter(Writer):
    tables = ("contract_review",)

    def save(self, values: dict[str, Any]) -> Outcome:
        from ...contracts.review_forms import ReviewForm, apply_form, check_review_draft
        from ...contracts.reviews import _check_contract

        session = self.session
        provider_id = provider_named(session, values.get("provider"), "provider")
        if provider_id is None:
            raise RowError("provider", "Enter the provider's name.")
        contract_id = None
        if values.get("contract_reference"):
            contract_id = session.scalar(select(Contract.id).where(
                func.lower(Contract.reference) == _ci(values["contract_reference"])))
            if contract_id is None:
                raise RowError("contract_reference", "No contract has this reference.")
        form = ReviewForm(review_date=values.get("review_date"), contract_id=contract_id,
                          attendees=values.get("attendees"),
                          provider_attendees=values.get("provider_attendees"),
                          outcome=values.get("outcome"), next_due=values.get("next_due"))
        existing = session.scalar(select(ContractReview).where(
            ContractReview.provider_id == provider_id,
            ContractReview.review_date == form.review_date,
            ContractReview.deleted_at.is_(None)).limit(1))
        if existing is not None:  # a column the file leaves out keeps what is held
            for key in ("attendees", "provider_attendees", "outcome", "next_due"):
                if key not in values:
                    setattr(form, key, getattr(existing, key))
            if "contract_reference" not in values:
                form.contract_id = contract_id = existing.contract_id
        if existing is not None:
            form.agenda, form.placements = _agendas(existing)
            status_given = _enum_or_none(ReviewStatus, values.get("status"))
            if (status_given is None or status_given == existing.status) and all(
                    getattr(existing, k) == v for k, v in (
                        ("contract_id", contract_id),
                        ("attendees", _blank_none(form.attendees)),
                        ("provider_attendees", _blank_none(form.provider_attendees)),
                        ("outcome", _blank_none(form.outcome)), ("next_due", form.next_due))):
                return "unchanged"
        check_review_draft(form, self.today)
        status = _enum_or_none(ReviewStatus, values.get("status")) or ReviewStatus.DRAFT
        review = existing or ContractReview(id=uuid.uuid4(), provider_id=provider_id,
                                            status=status, agenda=[], placements=[])
        _check_contract(session, review, contract_id)
        if existing is None:
            session.add(review)
            apply_form(review, form)
            if status == ReviewStatus.SIGNED_OFF:
                assert form.review_date is not None
                review.signed_off_at = dt.datetime.combine(form.review_date, dt.time(12))
                review.signed_off_by = values.get("signed_off_by") or str(
                    session.info.get("user") or "unknown")
            return self._done(True)
        changed = apply_form(existing, form)
        if changed and existing.status == ReviewStatus.SIGNED_OFF:
            raise RowError("outcome", "This review is signed off: add an addendum in "
                                      "Placement Desk instead of changing it from a file.")
        if existing.status != status and existing.status != ReviewStatus.SIGNED_OFF:
            existing.status = status
        return self._done(False)


def _blank_none(text: str | None) -> str | None:
    return (text or "").strip() or None


def _agendas(review: ContractReview) -> tuple[list[Any], list[Any]]:
    from ...contracts.review_forms import _agenda_of, _placements_of

    return _agenda_of(review.agenda or []), _placements_of(review.placements or [])


def _read_reviews(session: Session, ids: frozenset[uuid.UUID] | None
                  ) -> Iterator[dict[str, Any]]:
    from ...contracts.review_list import rag_summary

    names = dict(session.execute(select(Provider.id, Provider.name)).all())
    refs = dict(session.execute(select(Contract.id, Contract.reference)).all())
    query = select(ContractReview).where(ContractReview.deleted_at.is_(None)).order_by(
        ContractReview.review_date)
    if ids is not None:
        query = query.where(ContractReview.id.in_(ids))
    for r in session.scalars(query):
        yield {"provider": names.get(r.provider_id), "review_date": r.review_date,
               "contract_reference": refs.get(r.contract_id) if r.contract_id else None,
               "status": r.status, "attendees": r.attendees,
               "provider_attendees": r.provider_attendees, "outcome": r.outcome,
               "next_due": r.next_due, "signed_off_by": r.signed_off_by,
               "ratings": rag_summary(r.agenda or []) or None}


# -- provider documents ----------------------------------------------------------------------

DOCUMENT_FIELDS = (
    Field("urn", "URN", aliases=("setting urn",), looks_like=_urn_like),
    SETTING_NAME,
    SETTING_POSTCODE,
    Field("provider", "Provider", aliases=("provider name",)),
    Field("kind", "Document", "code", required=True, codes=DocumentKind,
          aliases=("document type", "kind", "type"),
          synonyms={"registration": "registration_certificate", "certificate":
                    "registration_certificate", "insurance certificate": "insurance",
                    "public liability": "insurance", "sop": "statement_of_purpose",
                    "accounts": "accounts", "dbs": "dbs_checks"}),
    Field("title", "Title", aliases=("document title", "name")),
    Field("reference", "Reference", aliases=("policy number", "certificate number")),
    Field("received_date", "Received", "date", aliases=("date received", "received on")),
    Field("expiry_date", "Expires", "date", aliases=("expiry", "expiry date", "renewal date",
                                                     "valid until")),
    Field("notes", "Notes", aliases=("comments",)),
)


class DocumentWriter(Writer):
    tables = ("provider_document",)

    def save(self, values: dict[str, Any]) -> Outcome:
        from ...register.providers import DocumentForm, apply_document

        session = self.session
        setting_id = setting_ref(session, values)
        provider_id = provider_named(session, values.get("provider"), "provider")
        form = DocumentForm(kind=_enum_or_none(DocumentKind, values.get("kind")),
                            provider_id=provider_id if setting_id is None else None,
                            setting_id=setting_id, title=values.get("title"),
                            reference=values.get("reference"),
                            received_date=values.get("received_date"),
                            expiry_date=values.get("expiry_date"), notes=values.get("notes"))
        pd = ProviderDocument
        existing = session.scalar(select(pd.id).where(
            pd.setting_id == setting_id if setting_id else pd.setting_id.is_(None),
            pd.provider_id == form.provider_id if form.provider_id else pd.provider_id.is_(None),
            pd.kind == form.kind, pd.deleted_at.is_(None),
            pd.title == (form.title or "").strip() if form.title else pd.title.is_(None),
            pd.expiry_date == form.expiry_date if form.expiry_date
            else pd.expiry_date.is_(None)).limit(1)) if form.kind else None
        if existing is not None:  # a column the file leaves out keeps what is held
            held = session.get(ProviderDocument, existing)
            assert held is not None
            for key in ("reference", "received_date", "notes"):
                if key not in values:
                    setattr(form, key, getattr(held, key))
        apply_document(session, form, existing, self.today)
        return self._done(existing is None)


def _read_documents(session: Session, ids: frozenset[uuid.UUID] | None
                    ) -> Iterator[dict[str, Any]]:
    settings = _setting_names(session)
    names = dict(session.execute(select(Provider.id, Provider.name)).all())
    query = select(ProviderDocument).where(ProviderDocument.deleted_at.is_(None)).order_by(
        ProviderDocument.expiry_date)
    if ids is not None:
        query = query.where(ProviderDocument.id.in_(ids))
    for d in session.scalars(query):
        yield {**_where(settings, d.setting_id),
               "provider": names.get(d.provider_id) if d.provider_id else None,
               "kind": d.kind, "title": d.title, "reference": d.reference,
               "received_date": d.received_date, "expiry_date": d.expiry_date,
               "notes": d.notes}
