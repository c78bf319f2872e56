"""Annual uplift of Individual Placement Agreements: preview the cost effect, then apply.

An uplift raises the weekly fee, weekly services and hourly rates of each chosen
active agreement by a percentage from a date, rounded half up to the penny, as
an active variation signed by the council. One-off services are unchanged.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...db import Database
from ...errors import ValidationError
from ...models import Agreement, AgreementVersion, Child
from ...models.enums import ServiceCharge
from ..common.formatting import date_short
from ..users.roles import Permission, require
from .fees import round_half_up, weekly_cost_pence
from .ipa import S, ServiceLine, clean_text, lines_of, new_version, terms_of
from .ipa_lifecycle import as_datetime, supersede


def uplift_pence(amount: int, percent_bp: int) -> int:
    """``amount`` raised by ``percent_bp`` basis points, to the penny (half up)."""
    return round_half_up(amount * (10000 + percent_bp), 10000)


def uplift_label(percent_bp: int) -> str:
    """``350`` → ``"3.5%"``; two decimals only when needed (``325`` → ``"3.25%"``)."""
    return f"{percent_bp / 100:.1f}%" if percent_bp % 10 == 0 else f"{percent_bp / 100:.2f}%"


@dataclass(frozen=True)
class UpliftLine:
    agreement_id: uuid.UUID
    reference: str
    child_ref: str
    version_no: int
    current_weekly_pence: int
    new_weekly_pence: int
    difference_pence: int
    days: int
    effect_pence: int
    """The difference over ``days`` (from ``from_date`` to ``to_date`` or the end)."""


@dataclass(frozen=True)
class SkippedAgreement:
    agreement_id: uuid.UUID
    reference: str
    reason: str


@dataclass
class UpliftPreview:
    percent_bp: int
    from_date: dt.date
    to_date: dt.date | None
    lines: list[UpliftLine] = field(default_factory=list)
    skipped: list[SkippedAgreement] = field(default_factory=list)

    @property
    def total_current_weekly_pence(self) -> int:
        return sum(line.current_weekly_pence for line in self.lines)

    @property
    def total_new_weekly_pence(self) -> int:
        return sum(line.new_weekly_pence for line in self.lines)

    @property
    def total_difference_pence(self) -> int:
        return sum(line.difference_pence for line in self.lines)

    @property
    def total_effect_pence(self) -> int:
        return sum(line.effect_pence for line in self.lines)


@dataclass
class UpliftResult:
    created: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)
    """Agreement id → the new active version's id."""
    skipped: list[SkippedAgreement] = field(default_factory=list)


@dataclass(frozen=True)
class _Uplifted:
    weekly_fee_pence: int
    services: list[ServiceLine]


def _uplifted(version: AgreementVersion, percent_bp: int) -> _Uplifted:
    """The fee, weekly amounts and hourly rates raised; one-off services unchanged."""
    lines = lines_of(version)
    for line in lines:
        if line.charge == ServiceCharge.HOURLY and line.rate_pence is not None:
            line.rate_pence = uplift_pence(line.rate_pence, percent_bp)
        elif line.charge == ServiceCharge.WEEKLY and line.amount_pence is not None:
            line.amount_pence = uplift_pence(line.amount_pence, percent_bp)
    return _Uplifted(uplift_pence(version.weekly_fee_pence, percent_bp), lines)


def _uplift_base(agreement: Agreement, from_date: dt.date) -> AgreementVersion | str:
    """The active version to uplift, or why the agreement is skipped."""
    if not agreement.versions or agreement.deleted_at is not None:
        return "No agreement terms recorded."
    last = agreement.versions[-1]
    if last.status in (S.DRAFT, S.ISSUED, S.PROVIDER_SIGNED, S.COUNCIL_SIGNED):
        return f"Version {last.version_no} is not yet active: finish it first."
    if last.status != S.ACTIVE:
        return "The agreement is not active."
    if from_date < last.effective_date:
        return f"Version {last.version_no} applies from {date_short(last.effective_date)}, " \
               "after the uplift date."
    if last.end_date is not None and last.end_date <= from_date:
        return f"The agreement ends on {date_short(last.end_date)}."
    return last


def _load_for_uplift(session: Session,
                     agreement_ids: Iterable[uuid.UUID]) -> list[tuple[Agreement, str]]:
    rows = session.execute(
        select(Agreement, Child.case_ref).join(Child, Child.id == Agreement.child_id)
        .where(Agreement.id.in_(list(agreement_ids)))
        .options(selectinload(Agreement.versions).selectinload(AgreementVersion.services))
        .order_by(Agreement.reference)).all()
    return [(agreement, ref) for agreement, ref in rows]


def _check_percent(percent_bp: int) -> None:
    if not 0 < percent_bp <= 10000:
        raise ValidationError("percent_bp", "Enter an uplift between 0.01% and 100%.")


def preview_uplift(db: Database, agreement_ids: Iterable[uuid.UUID],
                   percent_bp: int, from_date: dt.date,
                   to_date: dt.date | None = None) -> UpliftPreview:
    """Each agreement's weekly cost now and after the uplift, and the cost to ``to_date``.

    The effect counts days from ``from_date`` up to but not including ``to_date`` (or
    the agreement's end if sooner): difference × days ÷ 7, to the penny.
    """
    _check_percent(percent_bp)
    preview = UpliftPreview(percent_bp, from_date, to_date)
    with db.read() as session:
        for agreement, child_ref in _load_for_uplift(session, agreement_ids):
            base = _uplift_base(agreement, from_date)
            if isinstance(base, str):
                preview.skipped.append(SkippedAgreement(agreement.id, agreement.reference, base))
                continue
            current = weekly_cost_pence(base, from_date)
            new = weekly_cost_pence(_uplifted(base, percent_bp), from_date)
            ends = [d for d in (to_date, base.end_date) if d is not None]
            days = max(0, (min(ends) - from_date).days) if ends else 0
            preview.lines.append(UpliftLine(
                agreement.id, agreement.reference, child_ref, base.version_no, current, new,
                new - current, days, round_half_up((new - current) * days, 7)))
    return preview


def apply_uplift(db: Database, agreement_ids: Iterable[uuid.UUID],
                 percent_bp: int, from_date: dt.date, by: str,
                 when: dt.datetime | dt.date | None = None) -> UpliftResult:
    """Make an active variation "Annual uplift x.x%" from ``from_date`` for each agreement.

    The council's authorisation is recorded as its signature (``by``, ``when``); the
    version in force is superseded. Agreements that cannot take an uplift are skipped
    with the reason :func:`preview_uplift` gives. All in one transaction.
    """
    require(db, Permission.CHANGE_FEES)
    _check_percent(percent_bp)
    who = clean_text(by)
    if who is None:
        raise ValidationError("by", "Say who authorised the uplift.")
    stamp = as_datetime(when)
    reason = f"Annual uplift {uplift_label(percent_bp)}"
    result = UpliftResult()
    with db.write() as session:
        for agreement, _ref in _load_for_uplift(session, agreement_ids):
            base = _uplift_base(agreement, from_date)
            if isinstance(base, str):
                result.skipped.append(SkippedAgreement(agreement.id, agreement.reference, base))
                continue
            raised = _uplifted(base, percent_bp)
            terms = terms_of(base) | {"weekly_fee_pence": raised.weekly_fee_pence}
            version = new_version(agreement, base.version_no + 1, from_date, reason, terms,
                                   raised.services)
            supersede(agreement, version)
            version.status = S.ACTIVE
            version.council_signed_at, version.council_signed_by = stamp, who
            version.activated_at = stamp
            result.created[agreement.id] = version.id
    return result
