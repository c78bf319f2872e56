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
linked to, else from their own terms. The reading is tuned for the 60,000-episode
demo (under 300 ms for a year by provider): a few queries read columns as SQLite
stores them, with no per-row type conversion, and the fee history is worked out on
whole day numbers by :func:`_spend`, which the tests hold to the same answers as the
readable :func:`fee_segments` and :func:`agreement_spend`.

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

from ..db import fetch_stored, stored
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

JULIAN_OFFSET = 1721424
"""SQLite's whole Julian day number of a date minus Python's ``date.toordinal()``."""


# What each grouping reads from an episode or an agreement: the raw column naming it.
_EPISODE_KEY = {"child": PlacementEpisode.child_id, "setting": PlacementEpisode.setting_id,
                "provider": PlacementEpisode.setting_id,
                "placement_type": PlacementEpisode.placement_type,
                "route": PlacementEpisode.commissioning_route}


class _Labels:
    """Turns the raw value an episode or agreement is grouped by into (key, label)."""

    def __init__(self, session: Session, group_by: GroupBy) -> None:
        self.group_by = group_by
        self.found: dict[Any, tuple[str, str]] = {}
        self.names: dict[str, tuple[str, str]] = {}
        if group_by == "child":
            for cid, ref in session.execute(select(stored(Child.id), Child.case_ref)):
                self.names[cid] = (str(uuid.UUID(cid)), ref)
        elif group_by in ("setting", "provider"):
            query = (select(stored(Setting.id), Setting.name, Setting.urn,
                            stored(Provider.id).label("pid"), Provider.name.label("pname"))
                     .outerjoin(Provider, Provider.id == Setting.provider_id))
            for sid, name, urn, pid, pname in session.execute(query):
                if group_by == "setting":
                    self.names[sid] = (str(uuid.UUID(sid)), f"{name} ({urn})" if urn else name)
                elif pid is not None:
                    self.names[sid] = (str(uuid.UUID(pid)), pname or str(uuid.UUID(pid)))

    def __call__(self, raw: Any) -> tuple[str, str]:
        pair = self.found.get(raw)
        if pair is None:
            pair = self.found[raw] = self._label(raw)
        return pair

    def _label(self, raw: Any) -> tuple[str, str]:
        group_by = self.group_by
        if group_by == "placement_type":
            if not raw:
                return "", NOT_RECORDED
            try:
                return raw, f"{raw} {PlacementType(raw).label}"
            except ValueError:
                return raw, raw
        if group_by == "route":
            return (str(raw), CommissioningRoute(raw).label) if raw else ("", NOT_RECORDED)
        if raw is not None and raw in self.names:
            return self.names[raw]
        return "", ("No setting recorded" if group_by == "setting" else
                    "No provider recorded" if group_by == "provider" else NOT_RECORDED)


def _deleted_children() -> Any:
    return select(Child.id).where(Child.deleted_at.is_not(None))


_Version = tuple[int, int, int, int | None, int | None, int, str]
"""(effective, version_no, start, end, ended_on, weekly fee, version id) in day numbers."""


class _Days(dict[str | None, int | None]):
    """Stored date text → whole Julian day number, each distinct text parsed once."""

    def __missing__(self, text: str | None) -> int | None:
        value = None if text is None else (dt.date.fromisoformat(text[:10]).toordinal()
                                           + JULIAN_OFFSET)
        self[text] = value
        return value


def _episode_days(session: Session, start: dt.date, end: dt.date,
                  group_by: GroupBy, days_of: _Days) -> dict[Any, int]:
    """Raw group value → the episodes' days in [start, end)."""
    pe = PlacementEpisode
    key = stored(_EPISODE_KEY[group_by])
    query = (select(key, stored(pe.start_date), stored(pe.end_date))
             .where(pe.deleted_at.is_(None), pe.child_id.not_in(_deleted_children()),
                    # ifnull() keeps SQLite off the start-date index: nearly every
                    # episode starts before the period ends, and a scan is 3× quicker.
                    func.ifnull(stored(pe.start_date), "") < end.isoformat(),
                    or_(pe.end_date.is_(None), stored(pe.end_date) > start.isoformat())))
    p0 = start.toordinal() + JULIAN_OFFSET
    p1 = end.toordinal() + JULIAN_OFFSET
    found: dict[Any, int] = defaultdict(int)
    for raw, first, last in fetch_stored(session, query):
        lo: int = days_of[first]  # type: ignore[assignment]
        hi = days_of[last]
        found[raw] += (p1 if hi is None or hi > p1 else hi) - (lo if lo > p0 else p0)
    return found


def _agreement_groups(session: Session, group_by: GroupBy) -> dict[str, Any]:
    """Agreement id (raw) → the raw value it is grouped by, for agreements not deleted."""
    ag, pe = Agreement, PlacementEpisode
    if group_by in ("setting", "provider"):
        query = select(stored(ag.id), stored(ag.setting_id))
    elif group_by == "child":
        query = select(stored(ag.id), stored(ag.child_id))
    else:
        column = pe.placement_type if group_by == "placement_type" else pe.commissioning_route
        query = (select(stored(ag.id), stored(column))
                 .outerjoin(pe, pe.id == ag.episode_id))
    query = query.where(ag.deleted_at.is_(None), ag.child_id.not_in(_deleted_children()))
    return dict(fetch_stored(session, query))


def _versions_by_agreement(session: Session, start: dt.date, end: dt.date, days: _Days,
                           groups: dict[str, Any]) -> tuple[dict[str, list[_Version]],
                                                            dict[str, str | None]]:
    """Each agreement's versions in force (or once in force) starting before ``end``, in
    day numbers, for agreements in ``groups`` with any version not ended before ``start``
    (all their versions are read, so a variation that brought the end date forward is
    still seen); and each one's own placement type (its first such version's)."""
    av = AgreementVersion
    first, last = start.isoformat(), end.isoformat()
    live = select(av.agreement_id).where(or_(av.end_date.is_(None),
                                             stored(av.end_date) > first))
    query = (select(stored(av.agreement_id), stored(av.effective_date), av.version_no,
                    stored(av.start_date), stored(av.end_date), stored(av.ended_at),
                    av.weekly_fee_pence, stored(av.id), stored(av.placement_type))
             .where(or_(stored(av.status).in_([AgreementStatus.ACTIVE.value,
                                              AgreementStatus.ENDED.value]),
                        and_(stored(av.status) == AgreementStatus.SUPERSEDED.value,
                             av.activated_at.is_not(None))),
                    stored(av.start_date) < last, av.agreement_id.in_(live)))
    found: dict[str, list[_Version]] = {}
    own_type: dict[str, tuple[int, str | None]] = {}
    for aid, eff, no, v_start, v_end, ended, fee, vid, ptype in fetch_stored(session, query):
        if aid not in groups:
            continue
        version = (days[eff], no, days[v_start], days[v_end], days[ended], fee, vid)
        versions = found.get(aid)
        if versions is None:
            found[aid] = [version]  # type: ignore[list-item]
            own_type[aid] = (no, ptype)
        else:
            versions.append(version)  # type: ignore[arg-type]
            if no < own_type[aid][0]:
                own_type[aid] = (no, ptype)
    return found, {aid: ptype for aid, (_no, ptype) in own_type.items()}


_Service = tuple[bool, int, int, str, int | None, int | None]
"""(one-off?, weekly pence, one-off pence, description, start, end) in day numbers."""


def _services(session: Session, days: _Days) -> dict[str, list[_Service]]:
    """Version id (raw) → its services."""
    svc = AgreementService
    found: dict[str, list[_Service]] = defaultdict(list)
    query = select(stored(svc.version_id), svc.description, stored(svc.charge), svc.hours_per_week,
                   svc.rate_pence, svc.amount_pence, stored(svc.start_date), stored(svc.end_date))
    for vid, desc, charge, hours, rate, amount, s_start, s_end in fetch_stored(session, query):
        one_off = charge == ServiceCharge.ONE_OFF
        weekly = service_weekly_pence(_ServiceRow(charge, hours, rate, amount))
        found[vid].append((one_off, weekly, (amount or 0) if one_off else 0, desc or "",
                           days[s_start], days[s_end]))
    return found


class _ServiceRow:
    """Adapter so :func:`service_weekly_pence` can price a service row."""

    def __init__(self, charge: str, hours: float | None, rate: int | None,
                 amount: int | None) -> None:
        self.charge, self.hours_per_week, self.rate_pence = charge, hours, rate
        self.amount_pence = amount
        self.start_date: dt.date | None = None
        self.end_date: dt.date | None = None


def _spend(versions: list[_Version], services: dict[str, list[_Service]], p0: int,
           p1: int) -> tuple[int, int, int]:
    """(paid days, pence × days, one-off pence) of one agreement in [p0, p1).

    The arithmetic of :func:`fee_segments` and :func:`agreement_spend`, on whole day
    numbers for speed; the tests hold the two to the same answers.
    """
    versions.sort()
    last = versions[-1]
    agreement_end = last[3] if last[3] is not None else last[4]
    first_start = min(v[2] for v in versions)
    days = pence_days = one_off = 0
    seen: set[tuple[str, int, int]] = set()
    count = len(versions)
    for n in range(count):
        eff, _no, v_start, _end, _ended, fee, vid = versions[n]
        seg_start = eff if eff > v_start else v_start
        seg_end = versions[n + 1][0] if n + 1 < count else None
        if agreement_end is not None and (seg_end is None or agreement_end < seg_end):
            seg_end = agreement_end
        if seg_end is not None and seg_end <= seg_start:
            continue
        lo = seg_start if seg_start > p0 else p0
        hi = p1 if seg_end is None or seg_end > p1 else seg_end
        if hi > lo:
            days += hi - lo
            pence_days += fee * (hi - lo)
        for is_one_off, weekly, amount, desc, s_start, s_end in services.get(vid, ()):
            if is_one_off:
                on = first_start if s_start is None else s_start
                if p0 <= on < p1 and (desc, amount, on) not in seen:
                    seen.add((desc, amount, on))
                    one_off += amount
                continue
            a = seg_start if s_start is None or s_start < seg_start else s_start
            b = seg_end if s_end is None or (seg_end is not None and seg_end < s_end) else s_end
            lo = a if a > p0 else p0
            hi = p1 if b is None or b > p1 else b
            if hi > lo:
                pence_days += weekly * (hi - lo)
    return days, pence_days, one_off


def weeks_and_spend(session: Session, start: dt.date, end: dt.date,
                    group_by: GroupBy) -> list[CostRow]:
    """Weeks of placement and spend in [start, end), grouped; rows sorted by label."""
    if group_by not in GROUPS:
        raise ValueError(f"group_by must be one of {', '.join(GROUPS)}")
    if end <= start:
        raise ValidationError("end", "The period must end after it starts.")
    label = _Labels(session, group_by)
    rows: dict[str, CostRow] = {}

    def row(raw: Any) -> CostRow:
        key, text = label(raw)
        found = rows.get(key)
        if found is None:
            found = rows[key] = CostRow(key, text, 0.0, 0)
        return found

    days_of = _Days()
    for raw, days in _episode_days(session, start, end, group_by, days_of).items():
        row(raw).weeks += days / 7

    groups = _agreement_groups(session, group_by)
    by_agreement, own_type = _versions_by_agreement(session, start, end, days_of, groups)
    services = _services(session, days_of)
    p0, p1 = start.toordinal() + JULIAN_OFFSET, end.toordinal() + JULIAN_OFFSET
    spent: dict[Any, list[int]] = {}
    for aid, versions in by_agreement.items():
        raw = groups[aid]
        if group_by == "placement_type" and raw is None:
            raw = own_type[aid]  # no linked episode: the agreement's own type
        days, pence_days, one_off = _spend(versions, services, p0, p1)
        if not (days or one_off):
            continue
        amount = round_half_up(pence_days, 7) + one_off
        totals = spent.get(raw)
        if totals is None:
            spent[raw] = [amount, days]
        else:
            totals[0] += amount
            totals[1] += days
    paid: dict[str, int] = defaultdict(int)
    for raw, (amount, days) in spent.items():
        result = row(raw)
        result.spend_pence += amount
        paid[result.key] += days

    for key, result in rows.items():
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
