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
demo (under 300 ms for a year by provider). A few queries read columns as SQLite
stores them, with no per-row type conversion; SQLite turns every date into a whole
day number (:func:`~placement_desk.db.day_number`) and works out each episode's days
in the period itself; a version still running after the period starts is taken as
it is, and only the others are looked up among the agreements still running. The
fee history is worked out on day numbers by :func:`_spend`, which the tests hold to
the same answers as the readable :func:`fee_segments` and :func:`agreement_spend`,
with Python's garbage collector held off while the ~100,000 rows are in hand.
(Doing the fee history in SQL too, with window functions, was tried: SQLite sorts
the 50,000 versions by their text ids to do it, and that alone costs more than the
whole Python work.)

The weekly cost of one agreement version and the rounding rule (half up, to the
penny) live here too; :mod:`placement_desk.services.agreements` re-exports them.
"""

from __future__ import annotations

import datetime as dt
import gc
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, Protocol

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..db import day_number, fetch_stored, greatest, least, stored
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


def _day(day: dt.date) -> int:
    """A date as a whole Julian day number, as :func:`~placement_desk.db.day_number` reads."""
    return day.toordinal() + JULIAN_OFFSET


# What each grouping reads from an episode or an agreement: the raw column naming it.
_EPISODE_KEY = {"child": PlacementEpisode.child_id, "setting": PlacementEpisode.setting_id,
                "provider": PlacementEpisode.setting_id,
                "placement_type": PlacementEpisode.placement_type,
                "route": PlacementEpisode.commissioning_route}


class _Labels:
    """Turns the raw value an episode or agreement is grouped by into (key, label).

    Names are read for every child or setting, but ids are formatted only for the
    values met, once each.
    """

    def __init__(self, session: Session, group_by: GroupBy) -> None:
        self.group_by = group_by
        self.found: dict[Any, tuple[str, str]] = {}
        self.names: dict[str, tuple[str, str | None]] = {}
        """Raw child or setting id → (raw id of the key, label; None: the key itself)."""
        self.keys: dict[str, str] = {}
        """Raw id → the key (the id formatted), made once per id met."""
        if group_by == "child":
            for cid, ref in fetch_stored(session, select(stored(Child.id), Child.case_ref)):
                self.names[cid] = (cid, ref)
        elif group_by in ("setting", "provider"):
            query = (select(stored(Setting.id), Setting.name, Setting.urn,
                            stored(Provider.id).label("pid"), Provider.name.label("pname"))
                     .outerjoin(Provider, Provider.id == Setting.provider_id))
            for sid, name, urn, pid, pname in fetch_stored(session, query):
                if group_by == "setting":
                    self.names[sid] = (sid, f"{name} ({urn})" if urn else name)
                elif pid is not None:
                    self.names[sid] = (pid, pname or None)

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
            key_raw, name = self.names[raw]
            key = self.keys.get(key_raw)
            if key is None:
                key = self.keys[key_raw] = str(uuid.UUID(key_raw))
            return key, key if name is None else name
        return "", ("No setting recorded" if group_by == "setting" else
                    "No provider recorded" if group_by == "provider" else NOT_RECORDED)


def _deleted_children() -> Any:
    return select(Child.id).where(Child.deleted_at.is_not(None))


_Version = tuple[int, int, int, int | None, int | None, int, str]
"""(effective, version_no, start, end, ended_on, weekly fee, version id) in day numbers."""


def _episode_days(session: Session, start: dt.date, end: dt.date,
                  group_by: GroupBy) -> dict[Any, int]:
    """Raw group value → the episodes' days in [start, end)."""
    pe = PlacementEpisode
    p0, p1 = _day(start), _day(end)
    first, last = day_number(stored(pe.start_date)), day_number(stored(pe.end_date))
    days = least(func.coalesce(last, p1), p1) - greatest(first, p0)
    query = (select(stored(_EPISODE_KEY[group_by]), days)
             .where(pe.deleted_at.is_(None), pe.child_id.not_in(_deleted_children()),
                    # coalesce() keeps SQLite off the start-date index: nearly every
                    # episode starts before the period ends, and a scan is 3× quicker.
                    func.coalesce(stored(pe.start_date), "") < end.isoformat(),
                    or_(pe.end_date.is_(None), stored(pe.end_date) > start.isoformat())))
    found: dict[Any, int] = defaultdict(int)
    for raw, n in fetch_stored(session, query):
        found[raw] += n
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


def _versions_by_agreement(session: Session, start: dt.date, end: dt.date,
                           groups: dict[str, Any], own_types: bool
                           ) -> tuple[dict[str, list[_Version]], dict[str, str | None]]:
    """Each agreement's versions in force (or once in force) starting before ``end``, in
    day numbers, for agreements in ``groups`` with any version not ended before ``start``
    (all their versions are read, so a variation that brought the end date forward is
    still seen); and, if ``own_types``, each one's own placement type (its first such
    version's)."""
    av = AgreementVersion
    first, last = start.isoformat(), end.isoformat()
    not_ended = or_(av.end_date.is_(None), stored(av.end_date) > first)
    columns = [stored(av.agreement_id), day_number(stored(av.effective_date)), av.version_no,
               day_number(stored(av.start_date)), day_number(stored(av.end_date)),
               day_number(stored(av.ended_at)), av.weekly_fee_pence, stored(av.id)]
    if own_types:
        columns.append(stored(av.placement_type))
    query = (select(*columns)
             .where(or_(stored(av.status).in_([AgreementStatus.ACTIVE.value,
                                              AgreementStatus.ENDED.value]),
                        and_(stored(av.status) == AgreementStatus.SUPERSEDED.value,
                             av.activated_at.is_not(None))),
                    stored(av.start_date) < last,
                    # A version not ended is itself proof that its agreement runs into the
                    # period; only the others need looking up among the agreements' ids.
                    or_(not_ended, av.agreement_id.in_(select(av.agreement_id)
                                                       .where(not_ended)))))
    found: dict[str, list[_Version]] = {}
    own_type: dict[str, tuple[int, str | None]] = {}
    for row in fetch_stored(session, query):
        aid = row[0]
        if aid not in groups:
            continue
        version: _Version = row[1:8]
        versions = found.get(aid)
        if versions is None:
            found[aid] = [version]
        else:
            versions.append(version)
        if own_types and (versions is None or row[2] < own_type[aid][0]):
            own_type[aid] = (row[2], row[8])
    return found, {aid: ptype for aid, (_no, ptype) in own_type.items()}


_Service = tuple[bool, int, int, str, int | None, int | None]
"""(one-off?, weekly pence, one-off pence, description, start, end) in day numbers."""


def _services(session: Session) -> dict[str, list[_Service]]:
    """Version id (raw) → its services."""
    svc = AgreementService
    found: dict[str, list[_Service]] = defaultdict(list)
    weekly_of: dict[tuple[str, float | None, int | None, int | None], int] = {}
    query = select(stored(svc.version_id), svc.description, stored(svc.charge), svc.hours_per_week,
                   svc.rate_pence, svc.amount_pence, day_number(stored(svc.start_date)),
                   day_number(stored(svc.end_date)))
    for vid, desc, charge, hours, rate, amount, s_start, s_end in fetch_stored(session, query):
        one_off = charge == ServiceCharge.ONE_OFF
        terms = (charge, hours, rate, amount)
        weekly = weekly_of.get(terms)
        if weekly is None:
            weekly = weekly_of[terms] = service_weekly_pence(_ServiceRow(*terms))
        found[vid].append((one_off, weekly, (amount or 0) if one_off else 0, desc or "",
                           s_start, s_end))
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
    first_start: int | None = None  # the agreement's start, worked out for one-offs only
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
        if vid not in services:
            continue
        for is_one_off, weekly, amount, desc, s_start, s_end in services[vid]:
            if is_one_off:
                if s_start is not None:
                    on = s_start
                else:
                    if first_start is None:
                        first_start = min(v[2] for v in versions)
                    on = first_start
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


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold off Python's cyclic garbage collector.

    Reading makes ~100,000 row tuples, most kept until the sums are done; each few
    thousand would otherwise set off a collection, and some of those walk every object
    in the program. None of the tuples can be part of a cycle, so nothing is lost.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def weeks_and_spend(session: Session, start: dt.date, end: dt.date,
                    group_by: GroupBy) -> list[CostRow]:
    """Weeks of placement and spend in [start, end), grouped; rows sorted by label."""
    if group_by not in GROUPS:
        raise ValueError(f"group_by must be one of {', '.join(GROUPS)}")
    if end <= start:
        raise ValidationError("end", "The period must end after it starts.")
    with _collector_paused():
        return _weeks_and_spend(session, start, end, group_by)


def _weeks_and_spend(session: Session, start: dt.date, end: dt.date,
                     group_by: GroupBy) -> list[CostRow]:
    label = _Labels(session, group_by)
    rows: dict[str, CostRow] = {}

    def row(raw: Any) -> CostRow:
        key, text = label(raw)
        found = rows.get(key)
        if found is None:
            found = rows[key] = CostRow(key, text, 0.0, 0)
        return found

    for raw, days in _episode_days(session, start, end, group_by).items():
        row(raw).weeks += days / 7

    by_type = group_by == "placement_type"
    groups = _agreement_groups(session, group_by)
    by_agreement, own_type = _versions_by_agreement(session, start, end, groups, by_type)
    services = _services(session)
    p0, p1 = _day(start), _day(end)
    spent: dict[Any, list[int]] = {}
    for aid, versions in by_agreement.items():
        raw = groups[aid]
        if by_type and raw is None:
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
