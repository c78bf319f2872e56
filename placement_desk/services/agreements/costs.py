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
linked to, else from their own terms.

The reading is tuned for the 60,000-episode demo (under 300 ms for a year by
provider). Spend is summed from the fee ledger (:mod:`placement_desk.fee_ledger`),
which holds each agreement's weekly cost over runs of days, kept in step with its
versions and services as they are saved, so no fee history is worked out here. The
queries read columns as SQLite stores them, with no per-row type conversion, and
SQLite works out each episode's and ledger row's days in the period itself, on whole
day numbers (:func:`~placement_desk.dbsql.day_number`). The readable date arithmetic of
:func:`fee_segments` and :func:`agreement_spend` says what the ledger must add up to;
the tests hold the two to the same answers.

The weekly cost of one agreement version and the rounding rule (half up, to the
penny) are in :mod:`placement_desk.fees`.
"""

from __future__ import annotations

import datetime as dt
import gc
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...db import Database
from ...dbsql import day_number, fetch_stored, greatest, least, stored, unindexed
from ...errors import ValidationError
from ...models import (
    Agreement,
    AgreementVersion,
    Child,
    FeeLedgerEntry,
    PlacementEpisode,
    Provider,
    Setting,
)
from ...models.enums import AgreementStatus, CommissioningRoute, PlacementType, ServiceCharge
from .fee_ledger import day, in_force
from .fees import round_half_up

GroupBy = Literal["child", "setting", "provider", "placement_type", "route"]
GROUPS: tuple[GroupBy, ...] = ("child", "setting", "provider", "placement_type", "route")
NOT_RECORDED = "Not recorded"
IN_FORCE = frozenset({AgreementStatus.ACTIVE, AgreementStatus.SUPERSEDED,
                      AgreementStatus.ENDED})
"""Statuses of versions that are or have been in force. Costs count these, except
superseded versions that were never activated (signed, then replaced before starting)."""


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


def _episode_days(session: Session, start: dt.date, end: dt.date,
                  group_by: GroupBy) -> dict[Any, int]:
    """Raw group value → the episodes' days in [start, end)."""
    pe = PlacementEpisode
    p0, p1 = day(start), day(end)
    first, last = day_number(stored(pe.start_date)), day_number(stored(pe.end_date))
    days = least(func.coalesce(last, p1), p1) - greatest(first, p0)
    query = (select(stored(_EPISODE_KEY[group_by]), days)
             .where(pe.deleted_at.is_(None), pe.child_id.not_in(_deleted_children()),
                    # Not through the start-date index: nearly every episode starts
                    # before the period ends, and a scan is 3× quicker.
                    unindexed(pe.start_date) < end,
                    or_(pe.end_date.is_(None), pe.end_date > start)))
    found: dict[Any, int] = defaultdict(int)
    for raw, n in fetch_stored(session, query):
        found[raw] += n
    return found


def _agreement_groups(session: Session, group_by: GroupBy) -> dict[str, Any]:
    """Agreement id (raw) → the raw value it is grouped by, for agreements not deleted.

    An agreement takes its placement type and route from its episode; with no episode
    (or none recorded there), its placement type is its first version's in force.
    """
    ag, pe = Agreement, PlacementEpisode
    if group_by in ("setting", "provider"):
        query = select(stored(ag.id), stored(ag.setting_id))
    elif group_by == "child":
        query = select(stored(ag.id), stored(ag.child_id))
    elif group_by == "route":
        query = (select(stored(ag.id), stored(pe.commissioning_route))
                 .outerjoin(pe, pe.id == ag.episode_id))
    else:
        av = AgreementVersion
        own = (select(stored(av.placement_type))
               .where(av.agreement_id == ag.id, in_force())
               .order_by(av.version_no).limit(1).scalar_subquery())
        query = (select(stored(ag.id), func.coalesce(stored(pe.placement_type), own))
                 .outerjoin(pe, pe.id == ag.episode_id))
    query = query.where(ag.deleted_at.is_(None), ag.child_id.not_in(_deleted_children()))
    return dict(fetch_stored(session, query))


def _ledger_totals(session: Session, p0: int, p1: int) -> dict[str, list[int]]:
    """Agreement id (raw) → [paid days, pence × days, one-off pence] in days [p0, p1)."""
    fl = FeeLedgerEntry
    days = least(func.coalesce(fl.end_day, p1), p1) - greatest(fl.first_day, p0)
    # The days have no index on purpose: nearly every row starts before the period
    # ends, and one scan of the table is quicker than visiting the rows one by one.
    query = (select(stored(fl.agreement_id), fl.is_one_off, fl.weekly_pence * days, days,
                    fl.one_off_pence)
             .where(fl.first_day < p1, or_(fl.end_day.is_(None), fl.end_day > p0)))
    totals: dict[str, list[int]] = {}
    for aid, one_off, pence_days, n, amount in fetch_stored(session, query):
        found = totals.get(aid)
        if found is None:
            found = totals[aid] = [0, 0, 0]
        if one_off:
            found[2] += amount
        else:
            found[0] += n
            found[1] += pence_days
    return totals


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


def weeks_and_spend(db: Database, start: dt.date, end: dt.date,
                    group_by: GroupBy) -> list[CostRow]:
    """Weeks of placement and spend in [start, end), grouped; rows sorted by label."""
    if group_by not in GROUPS:
        raise ValueError(f"group_by must be one of {', '.join(GROUPS)}")
    if end <= start:
        raise ValidationError("end", "The period must end after it starts.")
    with db.read() as session, _collector_paused():
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

    groups = _agreement_groups(session, group_by)
    spent: dict[Any, list[int]] = {}
    for aid, (days, pence_days, one_off) in _ledger_totals(session, day(start), day(end)).items():
        if aid not in groups or not (days or one_off):
            continue  # deleted, or nothing in the period
        raw = groups[aid]
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
