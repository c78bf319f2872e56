"""Individual placement agreements, and fees (contract rates)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ....models import Agreement, Child, Contract, ContractRate, Provider
from ....models.enums import AgreementStatus, PlacementType
from ..values import Field
from .base import (
    SETTING_NAME,
    SETTING_POSTCODE,
    Outcome,
    RowError,
    Writer,
    _setting_names,
    _urn_like,
    _where,
    child_with_ref,
    provider_named,
    setting_ref,
)
from .placements import CHILD_FIELDS

# -- agreements ------------------------------------------------------------------------------

AGREEMENT_FIELDS = (
    Field("reference", "Agreement reference", required=True,
          aliases=("ipa reference", "ipa ref", "agreement ref", "reference", "ipa number")),
    Field("case_ref", "Case reference", required=True, aliases=CHILD_FIELDS[0].aliases),
    Field("urn", "URN", aliases=("setting urn",), looks_like=_urn_like),
    SETTING_NAME,
    SETTING_POSTCODE,
    Field("council_name", "Council", aliases=("council name", "local authority")),
    Field("provider_legal_entity", "Provider legal entity", aliases=("provider", "legal entity",
                                                                     "provider legal name")),
    Field("start_date", "Start date", "date", required=True, aliases=("start",)),
    Field("end_date", "End date", "date", aliases=("end",)),
    Field("placement_type", "Placement type", "code", codes=PlacementType, code_text="value",
          aliases=("place", "type")),
    Field("weekly_fee_pence", "Weekly fee", "money", required=True,
          aliases=("fee", "weekly cost", "cost per week", "weekly rate", "fee per week",
                   "price", "weekly price")),
    Field("invoicing_reference", "Invoicing reference", aliases=("invoice reference",
                                                                 "po number", "po")),
    Field("outcomes", "Outcomes"),
    Field("special_conditions", "Special conditions", aliases=("conditions",)),
    Field("status", "Status", "code", codes=AgreementStatus, importable=False),
)


class AgreementWriter(Writer):
    tables = ("agreement", "agreement_version")

    def save(self, values: dict[str, Any]) -> Outcome:
        from ...agreements.ipa import (
            EDITABLE,
            SIGNED_MESSAGE,
            TERM_FIELDS,
            AgreementForm,
            _validate_header,
            new_version,
            terms_of,
            validate_terms,
        )

        session = self.session
        reference = " ".join((values.get("reference") or "").split())
        agreement = session.scalar(select(Agreement).where(Agreement.reference == reference)) \
            if reference else None
        latest = max(agreement.versions, key=lambda v: v.version_no) if agreement else None
        form = AgreementForm(reference=reference)
        for key in vars(AgreementForm()):
            if key in values:
                setattr(form, key, values[key])
            elif latest is not None and key in TERM_FIELDS:
                setattr(form, key, getattr(latest, key))
            elif agreement is not None and hasattr(agreement, key):
                setattr(form, key, getattr(agreement, key))
        form.child_id = child_with_ref(session, values.get("case_ref")) \
            if "case_ref" in values or agreement is None else agreement.child_id
        if "urn" in values or "setting" in values:
            form.setting_id = setting_ref(session, values)
        if form.weekly_fee_pence is None:
            form.weekly_fee_pence = 0
        terms = terms_of(form)
        validate_terms(terms, [])
        if agreement is None:
            reference = _validate_header(session, form, None)
            agreement = Agreement(id=uuid.uuid4(), reference=reference, child_id=form.child_id,
                                  setting_id=form.setting_id,
                                  council_name=(form.council_name or "").strip() or None,
                                  provider_legal_entity=(form.provider_legal_entity or "")
                                  .strip() or None)
            session.add(agreement)
            new_version(agreement, 1, terms["start_date"], None, terms, [])
            return self._done(True)
        assert latest is not None
        if agreement.deleted_at is not None:
            raise RowError("reference", "This agreement was deleted in Placement Desk.")
        same = all(getattr(latest, k) == v for k, v in terms.items()) and all(
            getattr(agreement, k) == getattr(form, k) for k in ("child_id", "setting_id"))
        if same:
            return "unchanged"
        if latest.status not in EDITABLE:
            raise RowError("weekly_fee_pence", SIGNED_MESSAGE)
        if latest.version_no == 1:
            _validate_header(session, form, agreement.id)
            assert form.child_id is not None
            agreement.child_id, agreement.setting_id = form.child_id, form.setting_id
            latest.effective_date = terms["start_date"]
        for key, value in terms.items():
            if getattr(latest, key) != value:
                setattr(latest, key, value)
        return self._done(False)


def _read_agreements(session: Session, ids: frozenset[uuid.UUID] | None
                     ) -> Iterator[dict[str, Any]]:
    refs = dict(session.execute(select(Child.id, Child.case_ref)).all())
    names = _setting_names(session)
    query = select(Agreement).where(Agreement.deleted_at.is_(None)).order_by(Agreement.reference)
    if ids is not None:
        query = query.where(Agreement.id.in_(ids))
    for a in session.scalars(query):
        if not a.versions:
            continue
        v = max(a.versions, key=lambda x: x.version_no)
        yield {"reference": a.reference, "case_ref": refs.get(a.child_id),
               **_where(names, a.setting_id),
               "council_name": a.council_name, "provider_legal_entity": a.provider_legal_entity,
               "start_date": v.start_date, "end_date": v.end_date,
               "placement_type": v.placement_type, "weekly_fee_pence": v.weekly_fee_pence,
               "invoicing_reference": v.invoicing_reference, "outcomes": v.outcomes,
               "special_conditions": v.special_conditions, "status": v.status}


# -- fees (contract rates) -------------------------------------------------------------------

FEE_FIELDS = (
    Field("contract_reference", "Contract reference", required=True,
          aliases=("contract", "contract ref", "framework", "framework reference")),
    Field("description", "Rate for", required=True, aliases=("description", "rate",
                                                             "service", "band", "lot")),
    Field("placement_type", "Placement type", "code", codes=PlacementType, code_text="value",
          aliases=("place", "type")),
    Field("provider", "Provider", aliases=("provider name",)),
    Field("weekly_rate_pence", "Weekly rate", "money", required=True,
          aliases=("weekly fee", "fee", "rate per week", "price", "weekly price", "cost")),
    Field("effective_from", "Effective from", "date", required=True,
          aliases=("from", "start", "date from", "effective")),
)


class FeeWriter(Writer):
    tables = ("contract_rate",)

    def save(self, values: dict[str, Any]) -> Outcome:
        from ...contracts.rates import RateForm, _check_against, check_rate

        session = self.session
        ref = " ".join((values.get("contract_reference") or "").split())
        contract_id = session.scalar(select(Contract.id).where(
            func.lower(Contract.reference) == ref.lower(), Contract.deleted_at.is_(None))) \
            if ref else None
        if contract_id is None:
            raise RowError("contract_reference", "No contract has this reference in "
                                                 "Placement Desk: import the contracts first.")
        form = RateForm(description=values.get("description") or "",
                        weekly_rate_pence=values.get("weekly_rate_pence"),
                        effective_from=values.get("effective_from"),
                        placement_type=values.get("placement_type"),
                        provider_id=provider_named(session, values.get("provider"), "provider"))
        check_rate(form)
        _check_against(session, contract_id, form)
        description = " ".join(form.description.split())
        existing = session.scalar(select(ContractRate).where(
            ContractRate.contract_id == contract_id,
            func.lower(ContractRate.description) == description.lower(),
            ContractRate.effective_from == form.effective_from,
            ContractRate.placement_type.is_(None) if not form.placement_type
            else ContractRate.placement_type == form.placement_type).limit(1))
        if existing is None:
            session.add(ContractRate(id=uuid.uuid4(), contract_id=contract_id,
                                     provider_id=form.provider_id,
                                     placement_type=form.placement_type or None,
                                     description=description,
                                     weekly_rate_pence=form.weekly_rate_pence,
                                     effective_from=form.effective_from))
            return self._done(True)
        existing.weekly_rate_pence = form.weekly_rate_pence  # type: ignore[assignment]
        if "provider" in values:
            existing.provider_id = form.provider_id
        return self._done(False)


def _read_fees(session: Session, ids: frozenset[uuid.UUID] | None) -> Iterator[dict[str, Any]]:
    names = dict(session.execute(select(Provider.id, Provider.name)).all())
    query = (select(ContractRate, Contract.reference).join(Contract)
             .where(Contract.deleted_at.is_(None))
             .order_by(Contract.reference, ContractRate.description, ContractRate.effective_from))
    if ids is not None:
        query = query.where(ContractRate.id.in_(ids))
    for rate, ref in session.execute(query):
        yield {"contract_reference": ref, "description": rate.description,
               "placement_type": rate.placement_type,
               "provider": names.get(rate.provider_id) if rate.provider_id else None,
               "weekly_rate_pence": rate.weekly_rate_pence,
               "effective_from": rate.effective_from}
