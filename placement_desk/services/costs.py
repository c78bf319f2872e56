"""Weeks of placement and spend for any period, from episodes and the agreements' fee history.

Periods are half-open: a day counts if it is on or after ``start`` and before
``end`` (so 1 April to 1 May is the 30 days of April), the same rule as placement
episodes, where the day a child moves counts in the new placement. Weeks are days ÷ 7.

* **weeks** are the days of every placement episode in the period (in-house ones too);
* **spend** comes from the agreements: each version that is or was in force applies
  from its effective date until the next version's effective date or the agreement's
  end, at its weekly fee plus its weekly and hourly services (each within its own
  dates); one-off services count once, on their start date (else the agreement's start).
  Spend is rounded half up to the penny once per agreement;
* **paid_weeks** are the days an agreement was in force in the period, ÷ 7.

Agreements take their grouping (placement type, route) from the episode they are
linked to, else from their own terms. Everything is read in two queries and worked
out in Python over plain tuples (about a second for the 60,000-episode demo).

The weekly cost of one agreement version and the rounding rule (half up, to the
penny) live here too; :mod:`placement_desk.services.agreements` re-exports them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, Protocol

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..errors import ValidationError
from ..models import (
    Agreement,
    AgreementService,
    AgreementVersion,
    Child,
    PlacementEpisode,
    Provider,
    Setting,
)
from ..models.enums import AgreementStatus, CommissioningRoute, PlacementType, ServiceCharge

GroupBy = Literal["child", "setting", "provider", "placement_type", "route"]
GROUPS: tuple[GroupBy, ...] = ("child", "setting", "provider", "placement_type", "route")
NOT_RECORDED = "Not recorded"
IN_FORCE = frozenset({AgreementStatus.ACTIVE, AgreementStatus.SUPERSEDED,
                      AgreementStatus.ENDED})
"""Statuses of versions that are or have been in force. Costs count these, except
superseded versions that were never activated (signed, then replaced before starting)."""


# --- Money: a version's weekly cost, rounding --------------------------------------------

def round_half_up(numerator: int, denominator: int = 1) -> int:
    """``numerator / denominator`` to the nearest whole number, halves away from zero."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    sign = -1 if numerator < 0 else 1
    return sign * ((2 * abs(numerator) + denominator) // (2 * denominator))


class ServiceLike(Protocol):
    @property
    def charge(self) -> str: ...
    @property
    def hours_per_week(self) -> float | None: ...
    @property
    def rate_pence(self) -> int | None: ...
    @property
    def amount_pence(self) -> int | None: ...
    @property
    def start_date(self) -> dt.date | None: ...
    @property
    def end_date(self) -> dt.date | None: ...


class VersionLike(Protocol):
    @property
    def weekly_fee_pence(self) -> int: ...
    @property
    def services(self) -> Sequence[ServiceLike]: ...


def service_weekly_pence(service: ServiceLike) -> int:
    """A recurring service's cost per week (hours × rate, to the penny); 0 if one-off."""
    if service.charge == ServiceCharge.HOURLY:
        hours = Decimal(str(service.hours_per_week or 0))
        value = hours * (service.rate_pence or 0)
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if service.charge == ServiceCharge.WEEKLY:
        return service.amount_pence or 0
    return 0


def _service_on(service: ServiceLike, on: dt.date | None) -> bool:
    if on is None:
        return True
    return ((service.start_date is None or service.start_date <= on)
            and (service.end_date is None or on < service.end_date))


def weekly_cost_pence(version: VersionLike, on: dt.date | None = None) -> int:
    """Weekly fee plus weekly services plus hours × rate; one-off services are not included.

    With ``on``, only services running that day count (a service's end date is the
    first day it no longer runs).
    """
    return version.weekly_fee_pence + sum(
        service_weekly_pence(s) for s in version.services if _service_on(s, on))


def one_off_pence(version: VersionLike) -> int:
    """The total of the version's one-off services."""
    return sum(s.amount_pence or 0 for s in version.services
               if s.charge == ServiceCharge.ONE_OFF)


@dataclass(frozen=True)
class ServiceTerms:
    """A service on a version, reduced to what costs need."""

    charge: str
    weekly_pence: int
    """Weekly or hours × rate; 0 for a one-off."""
    amount_pence: int
    """One-off amount; 0 for a recurring service."""
    description: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None


@dataclass(frozen=True)
class VersionTerms:
    agreement_id: uuid.UUID
    version_no: int
    effective_date: dt.date
    start_date: dt.date
    end_date: dt.date | None
    weekly_fee_pence: int
    services: tuple[ServiceTerms, ...] = ()
    ended_on: dt.date | None = None
    """The day an ended version was ended, used when it has no end date."""


@dataclass(frozen=True)
class FeeSegment:
    """The days [start, end) an agreement's version was in force; ``end`` None is open."""

    agreement_id: uuid.UUID
    version_no: int
    start: dt.date
    end: dt.date | None
    weekly_fee_pence: int
    services: tuple[ServiceTerms, ...] = ()

    @property
    def weekly_pence(self) -> int:
        """Weekly fee plus every recurring service (whatever their dates)."""
        return self.weekly_fee_pence + sum(s.weekly_pence for s in self.services)


@dataclass
class CostRow:
    key: str
    label: str
    weeks: float
    spend_pence: int
    paid_weeks: float = 0.0


def overlap_days(start: dt.date, end: dt.date | None, period_start: dt.date,
                 period_end: dt.date) -> int:
    """Days of [start, end) inside [period_start, period_end); ``end`` None is open."""
    last = period_end if end is None else min(end, period_end)
    return max(0, (last - max(start, period_start)).days)


def fee_segments(versions: Iterable[VersionTerms]) -> list[FeeSegment]:
    """One agreement's fee history: which version applied from when until when.

    Versions are ordered by effective date (then number: a later variation with the
    same date replaces an earlier one). The agreement ends at the last version's end
    date, else the day it was ended, else it is open.
    """
    ordered = sorted(versions, key=lambda v: (v.effective_date, v.version_no))
    if not ordered:
        return []
    final = ordered[-1]
    agreement_end = final.end_date or final.ended_on
    segments: list[FeeSegment] = []
    for n, version in enumerate(ordered):
        start = max(version.effective_date, version.start_date)
        ends = [d for d in (ordered[n + 1].effective_date if n + 1 < len(ordered) else None,
                            agreement_end) if d is not None]
        end = min(ends) if ends else None
        if end is None or end > start:
            segments.append(FeeSegment(version.agreement_id, version.version_no, start, end,
                                       version.weekly_fee_pence, version.services))
    return segments


@dataclass
class AgreementSpend:
    """Spend and paid days of one agreement in a period (exact pence × days ÷ 7 kept)."""

    pence_days: int = 0
    one_off_pence: int = 0
    days: int = 0
    seen_one_offs: set[tuple[str, int, dt.date]] = field(default_factory=set)

    @property
    def spend_pence(self) -> int:
        return round_half_up(self.pence_days, 7) + self.one_off_pence


def agreement_spend(segments: Sequence[FeeSegment], start: dt.date, end: dt.date,
                    agreement_start: dt.date | None = None) -> AgreementSpend:
    """What one agreement's segments cost in [start, end)."""
    spend = AgreementSpend()
    if not segments:
        return spend
    first = agreement_start or segments[0].start
    for seg in segments:
        days = overlap_days(seg.start, seg.end, start, end)
        spend.days += days
        spend.pence_days += seg.weekly_fee_pence * days
        for service in seg.services:
            if service.charge == ServiceCharge.ONE_OFF:
                on = service.start_date or first
                key = (service.description, service.amount_pence, on)
                if start <= on < end and key not in spend.seen_one_offs:
                    spend.seen_one_offs.add(key)
                    spend.one_off_pence += service.amount_pence
                continue
            s_start = max(seg.start, service.start_date or seg.start)
            ends = [d for d in (seg.end, service.end_date) if d is not None]
            s_end = min(ends) if ends else None
            if s_end is not None and s_end <= s_start:
                continue
            spend.pence_days += service.weekly_pence * overlap_days(s_start, s_end, start, end)
    return spend


# --- Reading the database ------------------------------------------------------------------

def _group_columns(group_by: GroupBy) -> list[Any]:
    """The columns naming a row's group: an id (or code) and what its label is made of."""
    columns: dict[str, list[Any]] = {
        "child": [Child.id, Child.case_ref],
        "setting": [Setting.id, Setting.name, Setting.urn],
        "provider": [Provider.id, Provider.name],
        "placement_type": [PlacementEpisode.placement_type],
        "route": [PlacementEpisode.commissioning_route],
    }
    return columns[group_by]


def _label(group_by: GroupBy, values: tuple[Any, ...]) -> tuple[str, str]:
    """(key, label) of a group from its columns' values."""
    first = values[0]
    if group_by == "placement_type":
        try:
            return first or "", f"{first} {PlacementType(first).label}" if first else NOT_RECORDED
        except ValueError:
            return first, first
    if group_by == "route":
        return (str(first), CommissioningRoute(first).label) if first else ("", NOT_RECORDED)
    if first is None:
        return "", ("No setting recorded" if group_by == "setting" else "No provider recorded")
    if group_by == "setting":
        name, urn = values[1], values[2]
        return str(first), f"{name} ({urn})" if urn else name
    return str(first), values[1] or str(first)


def _joined(query: Any, group_by: GroupBy, setting_id: Any) -> Any:
    if group_by in ("setting", "provider"):
        query = query.outerjoin(Setting, Setting.id == setting_id)
    if group_by == "provider":
        query = query.outerjoin(Provider, Provider.id == Setting.provider_id)
    return query


def _episode_rows(session: Session, start: dt.date, end: dt.date,
                  group_by: GroupBy) -> Sequence[Any]:
    pe = PlacementEpisode
    query = (select(pe.start_date, pe.end_date, *_group_columns(group_by))
             .join(Child, Child.id == pe.child_id)
             .where(pe.deleted_at.is_(None), Child.deleted_at.is_(None), pe.start_date < end,
                    or_(pe.end_date.is_(None), pe.end_date > start)))
    return session.execute(_joined(query, group_by, pe.setting_id)).all()


def _version_rows(session: Session, start: dt.date, end: dt.date,
                  group_by: GroupBy) -> Sequence[Any]:
    av, svc, pe = AgreementVersion, AgreementService, PlacementEpisode
    # Agreements with any version not ended before the period (all their versions are
    # read, so a variation that brought the end date forward is still seen).
    live = select(av.agreement_id).where(or_(av.end_date.is_(None), av.end_date > start))
    group = _group_columns(group_by)
    if group_by == "placement_type":
        group = [func.coalesce(pe.placement_type, av.placement_type)]
    query = (select(av.agreement_id, av.version_no, av.effective_date, av.start_date,
                    av.end_date, av.ended_at, av.weekly_fee_pence, svc.description, svc.charge,
                    svc.hours_per_week, svc.rate_pence, svc.amount_pence, svc.start_date,
                    svc.end_date, *group)
             .join(Agreement, Agreement.id == av.agreement_id)
             .join(Child, Child.id == Agreement.child_id)
             .outerjoin(pe, pe.id == Agreement.episode_id)
             .outerjoin(svc, svc.version_id == av.id)
             .where(or_(av.status.in_([AgreementStatus.ACTIVE, AgreementStatus.ENDED]),
                        and_(av.status == AgreementStatus.SUPERSEDED,
                             av.activated_at.is_not(None))),
                    Agreement.deleted_at.is_(None), av.start_date < end,
                    av.agreement_id.in_(live))
             .order_by(av.agreement_id, av.version_no))
    return session.execute(_joined(query, group_by, Agreement.setting_id)).all()


class _ServiceRow:
    """Adapter so :func:`service_weekly_pence` can price a service row."""

    def __init__(self, charge: str, hours: float | None, rate: int | None,
                 amount: int | None) -> None:
        self.charge, self.hours_per_week, self.rate_pence = charge, hours, rate
        self.amount_pence = amount
        self.start_date: dt.date | None = None
        self.end_date: dt.date | None = None


@dataclass
class _AgreementRows:
    group: tuple[Any, ...] = ()
    versions: dict[int, list[Any]] = field(default_factory=dict)
    """version_no → [effective, start, end, ended_on, fee, services]."""


def _gather_agreements(rows: Iterable[Any]) -> dict[Any, _AgreementRows]:
    found: dict[Any, _AgreementRows] = defaultdict(_AgreementRows)
    for (aid, no, eff, v_start, v_end, ended_at, fee, desc, charge, hours, rate, amount,
         s_start, s_end, *group) in rows:
        entry = found[aid]
        if not entry.group:
            entry.group = tuple(group)
        version = entry.versions.get(no)
        if version is None:
            version = entry.versions[no] = [eff, v_start, v_end,
                                            ended_at.date() if ended_at else None, fee, []]
        if charge is not None:
            code = str(charge)
            weekly = service_weekly_pence(_ServiceRow(code, hours, rate, amount))
            one_off = (amount or 0) if code == ServiceCharge.ONE_OFF else 0
            version[5].append(ServiceTerms(code, weekly, one_off, desc or "", s_start, s_end))
    return found


def weeks_and_spend(session: Session, start: dt.date, end: dt.date,
                    group_by: GroupBy) -> list[CostRow]:
    """Weeks of placement and spend in [start, end), grouped; rows sorted by label."""
    if group_by not in GROUPS:
        raise ValueError(f"group_by must be one of {', '.join(GROUPS)}")
    if end <= start:
        raise ValidationError("end", "The period must end after it starts.")
    rows: dict[str, CostRow] = {}
    labels: dict[tuple[Any, ...], tuple[str, str]] = {}
    days: dict[str, int] = defaultdict(int)
    paid: dict[str, int] = defaultdict(int)

    def row(group: tuple[Any, ...]) -> CostRow:
        pair = labels.get(group)
        if pair is None:
            pair = labels[group] = _label(group_by, group)
        if pair[0] not in rows:
            rows[pair[0]] = CostRow(pair[0], pair[1], 0.0, 0)
        return rows[pair[0]]

    for e_start, e_end, *group in _episode_rows(session, start, end, group_by):
        days[row(tuple(group)).key] += overlap_days(e_start, e_end, start, end)

    for aid, entry in _gather_agreements(_version_rows(session, start, end, group_by)).items():
        versions = [VersionTerms(aid, no, eff, v_start, v_end, fee, tuple(services), ended)
                    for no, (eff, v_start, v_end, ended, fee, services)
                    in entry.versions.items()]
        spend = agreement_spend(fee_segments(versions), start, end,
                                min(v.start_date for v in versions))
        if spend.days or spend.one_off_pence:
            result = row(entry.group)
            result.spend_pence += spend.spend_pence
            paid[result.key] += spend.days

    for key, result in rows.items():
        result.weeks = days[key] / 7
        result.paid_weeks = paid[key] / 7
    return sorted(rows.values(), key=lambda r: (r.label.casefold(), r.key))


def total(rows: Iterable[CostRow]) -> CostRow:
    """The sum of some rows, labelled "Total"."""
    result = CostRow("", "Total", 0.0, 0)
    for r in rows:
        result.weeks += r.weeks
        result.spend_pence += r.spend_pence
        result.paid_weeks += r.paid_weeks
    return result
