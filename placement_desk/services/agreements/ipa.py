"""Drafting an Individual Placement Agreement: the form and the rules its terms meet, a
new agreement's reference and defaults, creating it and saving its drafts.

Draft and issued versions can be edited; once either side has signed, terms change
only through a variation (:mod:`.ipa_lifecycle`). Money is integer pence, rounded half
up to the penny; percentages are basis points (bp).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...audit import audit_value, snapshot
from ...concurrency import expect_unchanged
from ...db import Database
from ...errors import ValidationError
from ...models import (
    Agreement,
    AgreementService,
    AgreementVersion,
    Child,
    PlacementEpisode,
    Setting,
)
from ...models.base import utcnow
from ...models.enums import AgreementStatus, PlacementType, ServiceCharge
from ..common.formatting import date_short, money
from ..common.limits import check_length
from ..users.roles import Permission, require
from .fees import charge_weekly_pence

__all__ = [
    "EDITABLE",
    "SIGNED_MESSAGE",
    "AgreementForm",
    "ServiceLine",
    "create_agreement",
    "defaults_for_episode",
    "next_reference",
    "update_draft",
    "validate_agreement",
    "validate_terms",
]

S = AgreementStatus
SIGNED_MESSAGE = "This version is signed and can no longer be edited; make a variation instead."
EDITABLE = frozenset({S.DRAFT, S.ISSUED})
TERM_FIELDS = ("start_date", "end_date", "placement_type", "weekly_fee_pence",
               "funding_social_care_bp", "funding_health_bp", "funding_education_bp",
               "outcomes", "invoicing_reference", "notice_terms", "special_conditions")
HEADER_FIELDS = ("reference", "child_id", "setting_id", "episode_id", "council_name",
                 "provider_legal_entity")
TEXT_FIELDS = ("outcomes", "invoicing_reference", "notice_terms", "special_conditions",
               "council_name", "provider_legal_entity")


# --- Forms ---------------------------------------------------------------------------------

@dataclass
class ServiceLine:
    """An additional service as the form holds it."""

    description: str = ""
    charge: ServiceCharge = ServiceCharge.WEEKLY
    hours_per_week: float | None = None
    rate_pence: int | None = None
    amount_pence: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None


@dataclass
class AgreementForm:
    """What the agreement form holds: the parties (fixed after version 1) and the terms."""

    reference: str = ""
    child_id: uuid.UUID | None = None
    setting_id: uuid.UUID | None = None
    episode_id: uuid.UUID | None = None
    council_name: str | None = None
    provider_legal_entity: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    placement_type: str | None = None
    weekly_fee_pence: int = 0
    funding_social_care_bp: int = 10000
    funding_health_bp: int = 0
    funding_education_bp: int = 0
    outcomes: str | None = None
    invoicing_reference: str | None = None
    notice_terms: str | None = None
    special_conditions: str | None = None
    services: list[ServiceLine] = field(default_factory=list)
    effective_date: dt.date | None = None
    """Variations only: the day the new terms apply from (version 1: the start date)."""
    variation_reason: str | None = None
    row_version: int | None = field(default=None, compare=False)
    """The version's change counter when the form read it: a save is refused if someone
    else saved the version since (None: a new agreement, or a caller that does not say)."""


# --- Validation -----------------------------------------------------------------------------

def clean_text(text: str | None) -> str | None:
    """Text without surrounding white space; None when blank."""
    return (text or "").strip() or None


def validate_terms(terms: Mapping[str, Any], services: Sequence[ServiceLine]) -> None:
    """Check a version's terms; raise ValidationError naming the field."""
    start, end = terms.get("start_date"), terms.get("end_date")
    if start is None:
        raise ValidationError("start_date", "Enter the date the placement starts.")
    if end is not None and end <= start:
        raise ValidationError("end_date", "The end date must be after the start date.")
    code = terms.get("placement_type")
    if code is not None and code not in {m.value for m in PlacementType}:
        raise ValidationError("placement_type", f"{code} is not a placement type.")
    if (terms.get("weekly_fee_pence") or 0) < 0:
        raise ValidationError("weekly_fee_pence", "The weekly fee cannot be negative.")
    split = [terms.get(k) or 0 for k in
             ("funding_social_care_bp", "funding_health_bp", "funding_education_bp")]
    if any(part < 0 for part in split) or sum(split) != 10000:
        raise ValidationError("funding", "Social care, health and education shares must add "
                                         f"up to 100% (they add up to {sum(split) / 100:g}%).")
    check_length("invoicing_reference", "The invoicing reference",
                 terms.get("invoicing_reference"), AgreementVersion.invoicing_reference)
    for n, line in enumerate(services, start=1):
        if not clean_text(line.description):
            raise ValidationError("services", f"Service {n}: enter a description.")
        check_length("services", f"Service {n}'s description", line.description,
                     AgreementService.description)
        if line.charge == ServiceCharge.HOURLY:
            if line.hours_per_week is None or line.rate_pence is None:
                raise ValidationError("services", f"Service {n}: enter hours per week and the "
                                                  "hourly rate.")
            if line.hours_per_week < 0 or line.rate_pence < 0:
                raise ValidationError("services", f"Service {n}: hours and rate cannot be "
                                                  "negative.")
        elif line.amount_pence is None or line.amount_pence < 0:
            raise ValidationError("services", f"Service {n}: enter the amount (not negative).")
        if line.start_date and line.end_date and line.end_date <= line.start_date:
            raise ValidationError("services", f"Service {n}: the end date must be after the "
                                              "start date.")


def _validate_header(session: Session, form: AgreementForm,
                     agreement_id: uuid.UUID | None) -> str:
    reference = clean_text(form.reference)
    if reference is None:
        raise ValidationError("reference", "Enter the agreement's reference.")
    check_length("reference", "The reference", reference, Agreement.reference)
    check_length("council_name", "The council's name", form.council_name, Agreement.council_name)
    check_length("provider_legal_entity", "The provider's legal name",
                 form.provider_legal_entity, Agreement.provider_legal_entity)
    query = select(Agreement.id).where(Agreement.reference == reference)
    if agreement_id is not None:
        query = query.where(Agreement.id != agreement_id)
    if session.scalar(query) is not None:
        raise ValidationError("reference", f"{reference} is already used by another agreement.")
    child = session.get(Child, form.child_id) if form.child_id else None
    if child is None or child.deleted_at is not None:
        raise ValidationError("child_id", "Choose the child the agreement is for.")
    if form.setting_id is not None:
        setting = session.get(Setting, form.setting_id)
        if setting is None or setting.deleted_at is not None:
            raise ValidationError("setting_id", "This setting no longer exists.")
    if form.episode_id is not None:
        episode = session.get(PlacementEpisode, form.episode_id)
        if episode is None or episode.child_id != form.child_id:
            raise ValidationError("episode_id", "Choose one of this child's placements.")
    return reference


def check_effective(effective: dt.date, terms: Mapping[str, Any],
                     previous: AgreementVersion | None) -> None:
    if effective < terms["start_date"]:
        raise ValidationError("effective_date", "A variation cannot apply before the "
                                                "placement starts.")
    if terms.get("end_date") is not None and effective >= terms["end_date"]:
        raise ValidationError("effective_date", "A variation must apply before the "
                                                "agreement ends.")
    if previous is not None and effective < previous.effective_date:
        raise ValidationError("effective_date", "A variation cannot apply before version "
                              f"{previous.version_no} ({date_short(previous.effective_date)}).")


def _validate_agreement(session: Session, form: AgreementForm,
                       agreement_id: uuid.UUID | None = None) -> None:
    """Everything :func:`create_agreement` (or saving version 1) checks, for a live form."""
    validate_terms(terms_of(form), form.services)
    _validate_header(session, form, agreement_id)


def validate_agreement(db: Database, form: AgreementForm,
                       agreement_id: uuid.UUID | None = None) -> None:
    """Everything :func:`create_agreement` (or saving version 1) checks, for a live form."""
    with db.read() as session:
        _validate_agreement(session, form, agreement_id)


# --- Writing ------------------------------------------------------------------------------------

def terms_of(source: Any) -> dict[str, Any]:
    terms = {k: getattr(source, k) for k in TERM_FIELDS}
    for key in TEXT_FIELDS:
        if key in terms:
            terms[key] = clean_text(terms[key])
    return terms


def lines_of(version: AgreementVersion) -> list[ServiceLine]:
    return [ServiceLine(s.description, s.charge, s.hours_per_week, s.rate_pence,
                        s.amount_pence, s.start_date, s.end_date) for s in version.services]


def _set_services(version: AgreementVersion, lines: Iterable[ServiceLine]) -> None:
    version.services.clear()
    for line in lines:
        version.services.append(AgreementService(
            id=uuid.uuid4(), description=clean_text(line.description) or "", charge=line.charge,
            hours_per_week=line.hours_per_week if line.charge == ServiceCharge.HOURLY else None,
            rate_pence=line.rate_pence if line.charge == ServiceCharge.HOURLY else None,
            amount_pence=None if line.charge == ServiceCharge.HOURLY else line.amount_pence,
            start_date=line.start_date, end_date=line.end_date))


def new_version(agreement: Agreement, version_no: int, effective: dt.date,
                 reason: str | None, terms: Mapping[str, Any],
                 lines: Iterable[ServiceLine]) -> AgreementVersion:
    version = AgreementVersion(id=uuid.uuid4(), version_no=version_no, status=S.DRAFT,
                               effective_date=effective, variation_reason=reason, **terms)
    agreement.versions.append(version)
    _set_services(version, lines)
    return version


def create_agreement(db: Database, form: AgreementForm) -> uuid.UUID:
    """Create an agreement with its version 1 as a draft; returns the agreement's id."""
    require(db, Permission.EDIT_AGREEMENTS, Permission.CHANGE_FEES)
    terms = terms_of(form)
    validate_terms(terms, form.services)
    with db.write() as session:
        reference = _validate_header(session, form, None)
        agreement = Agreement(
            id=uuid.uuid4(), reference=reference, child_id=form.child_id,
            setting_id=form.setting_id, episode_id=form.episode_id,
            council_name=clean_text(form.council_name),
            provider_legal_entity=clean_text(form.provider_legal_entity))
        session.add(agreement)
        new_version(agreement, 1, terms["start_date"], None, terms, form.services)
        return agreement.id


def get_version(session: Session, version_id: uuid.UUID) -> AgreementVersion:
    version = session.get(AgreementVersion, version_id)
    if version is None or version.agreement.deleted_at is not None:
        raise ValidationError("status", "This agreement version no longer exists.")
    return version


def get_agreement(session: Session, agreement_id: uuid.UUID) -> Agreement:
    agreement = session.get(Agreement, agreement_id)
    if agreement is None or agreement.deleted_at is not None:
        raise ValidationError("reference", "This agreement no longer exists.")
    return agreement


def describe_version(version: AgreementVersion) -> dict[str, Any]:
    """A version's terms, its parties and its services by field, as a save that met
    another officer's save shows them side by side."""
    agreement = version.agreement
    values = {key: audit_value(getattr(agreement, key)) for key in HEADER_FIELDS}
    values.update(snapshot(version))
    values["services"] = [_service_text(s) for s in version.services]
    return values


def _service_text(service: AgreementService) -> str:
    """"Extra staffing: £420.00 a week": a service in words, its cost a week or once."""
    charge = ServiceCharge(service.charge)
    if charge == ServiceCharge.ONE_OFF:
        return f"{service.description or charge.label}: {money(service.amount_pence or 0)} once"
    weekly = charge_weekly_pence(charge, service.hours_per_week, service.rate_pence,
                                 service.amount_pence)
    return f"{service.description or charge.label}: {money(weekly)} a week"


def update_draft(db: Database, version_id: uuid.UUID,
                 form: AgreementForm) -> int:
    """Save a draft or issued version's terms (and, for version 1, the parties); returns
    the version's change counter after the save, for the form's next save.

    Refused with :class:`~placement_desk.errors.ConcurrentEdit` if someone else saved the
    version after the form read it (``form.row_version``)."""
    require(db, Permission.EDIT_AGREEMENTS, Permission.CHANGE_FEES)
    terms = terms_of(form)
    validate_terms(terms, form.services)
    with db.write() as session:
        version = get_version(session, version_id)
        if version.status not in EDITABLE:
            raise ValidationError("status", SIGNED_MESSAGE)
        expect_unchanged(session, version, form.row_version, "agreement",
                         apply=lambda: _write_draft(session, version, form, terms),
                         describe=describe_version)
        _write_draft(session, version, form, terms)
        version.updated_at = utcnow()  # the counter moves even if only services changed
        session.flush()
        return version.version


def _write_draft(session: Session, version: AgreementVersion, form: AgreementForm,
                 terms: dict[str, Any]) -> None:
    agreement = version.agreement
    if version.version_no == 1:
        agreement.reference = _validate_header(session, form, agreement.id)
        for key in HEADER_FIELDS[1:]:
            value = getattr(form, key)
            value = clean_text(value) if key in TEXT_FIELDS else value
            if getattr(agreement, key) != value:
                setattr(agreement, key, value)
        effective = terms["start_date"]
    else:
        for key in HEADER_FIELDS:
            value = getattr(form, key)
            value = clean_text(value) if isinstance(value, str) else value
            if value is not None and value != getattr(agreement, key):
                raise ValidationError(key, "The parties and reference were agreed in "
                                           "version 1 and cannot change in a variation.")
        effective = form.effective_date or version.effective_date
        earlier = [v for v in agreement.versions if v.version_no < version.version_no]
        check_effective(effective, terms, earlier[-1] if earlier else None)
        reason = clean_text(form.variation_reason)
        if reason is not None:
            version.variation_reason = reason
    version.effective_date = effective
    for key, value in terms.items():
        if getattr(version, key) != value:
            setattr(version, key, value)
    _set_services(version, form.services)


# --- A new agreement -----------------------------------------------------------------------

REFERENCE_DIGITS = 6
"""References are IPA-YYYY-NNNNNN: the year, then a number padded to six digits."""


def next_reference(session: Session, today: dt.date) -> str:
    """The next free reference of the form IPA-2026-000001 (one format, always six digits).

    The number follows the highest used that year in any number of digits, so
    references made before the format was fixed (IPA-2026-3080) keep their place.
    """
    prefix = f"IPA-{today.year}-"
    used = session.scalars(select(Agreement.reference)
                           .where(Agreement.reference.ilike(f"{prefix}%"))).all()
    numbers = [int(r[len(prefix):]) for r in used if r[len(prefix):].isdigit()]
    return f"{prefix}{(max(numbers, default=0) + 1):0{REFERENCE_DIGITS}d}"


def _defaults_for_episode(session: Session, episode_id: uuid.UUID,
                         today: dt.date) -> AgreementForm:
    """A new agreement's form filled from a placement: child, setting, dates, type."""
    from ..common.settings_store import COUNCIL_NAME, get_setting

    episode = session.get(PlacementEpisode, episode_id)
    if episode is None:
        raise ValidationError("episode_id", "This placement is not in the database.")
    setting = session.get(Setting, episode.setting_id) if episode.setting_id else None
    provider = setting.provider if setting is not None else None
    return AgreementForm(
        reference=next_reference(session, today), child_id=episode.child_id,
        setting_id=episode.setting_id, episode_id=episode.id,
        council_name=str(get_setting(session, COUNCIL_NAME) or "") or None,
        provider_legal_entity=(provider.name if provider else
                               setting.owner_name if setting else None),
        start_date=episode.start_date, end_date=episode.end_date,
        placement_type=episode.placement_type,
        notice_terms="28 days' notice in writing by either party.")


def defaults_for_episode(db: Database, episode_id: uuid.UUID,
                         today: dt.date) -> AgreementForm:
    """A new agreement's form filled from a placement: child, setting, dates, type."""
    with db.read() as session:
        return _defaults_for_episode(session, episode_id, today)
