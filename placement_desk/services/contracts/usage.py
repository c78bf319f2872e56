"""What a contract is used for: the placements made under it, a block contract's occupancy
and voids month by month, and the spend under a contract from the fee ledger.

**Placements under a contract.** A placement episode counts under a contract when
its commissioning route is the contract type's route, its setting belongs to one
of the contract's providers, and it overlaps the contract's term. Should several
contracts qualify, it goes to the one that started most recently on or before the
episode began (else the earliest to start), so nothing is counted twice.

**Occupancy of a block contract.** Days are counted the way weeks of placement
are: an episode occupies the days from its start up to, not including, its end
(the day a child moves counts in the new placement). For each day of the contract
before ``today``, the beds used are the episodes under it on that day, at most the
beds bought; the rest are void. A month's occupancy is beds used ÷ beds available
over its days in the contract; void weeks are void bed-days ÷ 7, and they cost the
contract's weekly rate in force that day (the latest taking effect on or before
it; of several taking effect together, the highest) ÷ 7 each, rounded half up to
the penny once a month.

**Spend under a contract** in a period is the fee ledger's spend of the agreements
of the placements under it, on the days of the period within the contract's term,
rounded half up to the penny once per agreement (as weeks and spend does).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db import Database
from ...dbsql import fetch_stored, stored
from ...errors import ValidationError
from ...models import (
    Agreement,
    Child,
    Contract,
    ContractProvider,
    ContractRate,
    FeeLedgerEntry,
    PlacementEpisode,
    Setting,
)
from ...models.enums import ContractType
from ..agreements.fee_ledger import day as day_number
from ..agreements.fees import round_half_up
from ..common.formatting import percentage
from .terms import ROUTE_OF, get_contract

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class EpisodeUse:
    """An episode counted under a contract: days [start, end), ``end`` None still open.

    The episode and its provider are named by their ids as the database stores them
    (:func:`~placement_desk.dbsql.stored`): tens of thousands are read at once.
    """

    episode: str
    start: dt.date
    end: dt.date | None
    provider: str = ""

    def live_on(self, day: dt.date) -> bool:
        """Placed on ``day`` by the house rule: started, and not ended before it."""
        return self.start <= day and (self.end is None or self.end >= day)


@dataclass(frozen=True, slots=True)
class _Term:
    id: uuid.UUID
    reference: str
    route: str
    providers: frozenset[str]
    """As stored."""
    start: dt.date
    after: dt.date | None
    """The first day after the contract (its end date + 1); None while open-ended."""


def _terms(session: Session, contracts: Iterable[Contract]) -> list[_Term]:
    ids = [c.id for c in contracts]
    members: dict[uuid.UUID, set[str]] = defaultdict(set)
    for cid, pid in session.execute(select(ContractProvider.contract_id,
                                           stored(ContractProvider.provider_id))
                                    .where(ContractProvider.contract_id.in_(ids))):
        members[cid].add(pid)
    return [_Term(c.id, c.reference, ROUTE_OF[c.contract_type].value,
                  frozenset(members[c.id]), c.start_date,
                  c.end_date + ONE_DAY if c.end_date else None) for c in contracts]


def _overlaps(term: _Term, start: dt.date, end: dt.date | None) -> bool:
    return (end is None or end > term.start) and (term.after is None or start < term.after)


def choose_contract(candidates: Sequence[_Term], start: dt.date) -> _Term:
    """Of the contracts an episode starting on ``start`` qualifies for, the one it counts
    under: the latest to start on or before it, else the earliest to start."""
    before = [t for t in candidates if t.start <= start]
    if before:
        return max(before, key=lambda t: (t.start, t.reference))
    return min(candidates, key=lambda t: (t.start, t.reference))


def _uses(session: Session, contracts: Sequence[Contract]) -> dict[uuid.UUID, list[EpisodeUse]]:
    """Contract id → the episodes counted under it (see the module's docstring)."""
    terms = _terms(session, contracts)
    found: dict[uuid.UUID, list[EpisodeUse]] = {t.id: [] for t in terms}
    by_key: dict[tuple[str, str], list[_Term]] = defaultdict(list)
    for term in terms:
        for provider in term.providers:
            by_key[(term.route, provider)].append(term)
    if not by_key:
        return found
    pe = PlacementEpisode
    deleted_children = select(Child.id).where(Child.deleted_at.is_not(None))
    members = select(ContractProvider.provider_id).where(
        ContractProvider.contract_id.in_([c.id for c in contracts]))
    query = (select(stored(pe.id), stored(pe.start_date), stored(pe.end_date),
                    stored(pe.commissioning_route), stored(Setting.provider_id))
             .join(Setting, Setting.id == pe.setting_id)
             .where(pe.deleted_at.is_(None), pe.child_id.not_in(deleted_children),
                    Setting.provider_id.in_(members),
                    pe.commissioning_route.in_({t.route for t in terms})))
    day = dt.date.fromisoformat
    for eid, first, last, route, provider in session.execute(query):
        start, end = day(first[:10]), day(last[:10]) if last else None
        candidates = [t for t in by_key.get((route, provider), ()) if _overlaps(t, start, end)]
        if candidates:
            found[choose_contract(candidates, start).id].append(
                EpisodeUse(eid, start, end, provider))
    return found


def episodes_under(session: Session, contract: Contract) -> list[EpisodeUse]:
    """The episodes counted under one contract, once each, earliest first.

    An episode only counts under its own contract: the other contracts it could
    have gone to are weighed too (those of the same providers)."""
    rivals = list(session.scalars(
        select(Contract).join(ContractProvider, ContractProvider.contract_id == Contract.id)
        .where(Contract.deleted_at.is_(None),
               ContractProvider.provider_id.in_(
                   select(ContractProvider.provider_id)
                   .where(ContractProvider.contract_id == contract.id)))
        .distinct()))
    if contract not in rivals:
        rivals.append(contract)
    return sorted(_uses(session, rivals)[contract.id], key=lambda u: (u.start, u.episode))


# --- Occupancy ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class MonthOccupancy:
    month: dt.date
    """The first day of the month."""
    days: int
    """Days of the month counted: in the contract, before today."""
    beds: int
    available_bed_days: int
    used_bed_days: int
    void_bed_days: int
    void_cost_pence: int

    @property
    def percent(self) -> int | None:
        return percentage(self.used_bed_days, self.available_bed_days)

    @property
    def void_weeks(self) -> float:
        return self.void_bed_days / 7


@dataclass(frozen=True, slots=True)
class Occupancy:
    contract_id: uuid.UUID
    beds: int
    months: tuple[MonthOccupancy, ...]
    rated: bool
    """False when the contract has no rate, so voids are not costed."""

    @property
    def used_bed_days(self) -> int:
        return sum(m.used_bed_days for m in self.months)

    @property
    def available_bed_days(self) -> int:
        return sum(m.available_bed_days for m in self.months)

    @property
    def void_bed_days(self) -> int:
        return sum(m.void_bed_days for m in self.months)

    @property
    def void_cost_pence(self) -> int:
        return sum(m.void_cost_pence for m in self.months)

    @property
    def percent(self) -> int | None:
        return percentage(self.used_bed_days, self.available_bed_days)


def bed_rate(rates: Sequence[tuple[dt.date, int]], day: dt.date) -> int | None:
    """The weekly rate in force on ``day`` from (effective from, weekly pence) pairs."""
    known = [(start, pence) for start, pence in rates if start <= day]
    return max(known)[1] if known else None


def occupancy(beds: int, start: dt.date, last: dt.date, uses: Iterable[EpisodeUse],
              rates: Sequence[tuple[dt.date, int]]) -> list[MonthOccupancy]:
    """Month by month occupancy of ``beds`` over the days ``start`` to ``last`` (both
    included). Pure: the rule of the module's docstring without the database."""
    if last < start or beds <= 0:
        return []
    span = (last - start).days + 1
    change = [0] * (span + 1)
    for use in uses:
        a = max(0, (use.start - start).days)
        b = span if use.end is None else min(span, (use.end - start).days)
        if a < b:
            change[a] += 1
            change[b] -= 1
    months: list[MonthOccupancy] = []
    occupied = 0
    month = dt.date(start.year, start.month, 1)
    days = used = void = cost_days = 0
    for n in range(span):
        today = start + dt.timedelta(days=n)
        occupied += change[n]
        if dt.date(today.year, today.month, 1) != month:
            months.append(MonthOccupancy(month, days, beds, days * beds, used, void,
                                         round_half_up(cost_days, 7)))
            month, days, used, void, cost_days = dt.date(today.year, today.month, 1), 0, 0, 0, 0
        in_use = min(occupied, beds)
        days += 1
        used += in_use
        void += beds - in_use
        cost_days += (beds - in_use) * (bed_rate(rates, today) or 0)
    months.append(MonthOccupancy(month, days, beds, days * beds, used, void,
                                 round_half_up(cost_days, 7)))
    return months


def block_occupancy(db: Database, contract_id: uuid.UUID, today: dt.date) -> Occupancy:
    """A block contract's occupancy and voids by month, from its start to the day before
    ``today`` (or its end, if sooner)."""
    with db.read() as session:
        contract = get_contract(session, contract_id)
        if contract.contract_type != ContractType.BLOCK:
            raise ValidationError("contract_type", "Occupancy is worked out for block "
                                                   "contracts only.")
        beds = contract.block_beds or 0
        last = today - ONE_DAY
        if contract.end_date is not None and contract.end_date < last:
            last = contract.end_date
        rates = [(r.effective_from, r.weekly_rate_pence) for r in session.scalars(
            select(ContractRate).where(ContractRate.contract_id == contract.id))]
        months = occupancy(beds, contract.start_date, last, episodes_under(session, contract),
                           rates)
        return Occupancy(contract.id, beds, tuple(months), bool(rates))


# --- Spend ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ContractSpend:
    contract_id: uuid.UUID
    start: dt.date
    end: dt.date
    """The period: [start, end), end excluded."""
    spend_pence: int
    placements: int
    """Placements under the contract with any day in the period."""
    value_pence: int | None

    @property
    def percent_of_value(self) -> int | None:
        return percentage(self.spend_pence, self.value_pence) if self.value_pence else None


MANY = 2000
"""Beyond this many ids, one pass over the table (straight from the driver, as
:mod:`~placement_desk.services.agreements.costs` reads) is quicker than lists of ids."""

LedgerRow = tuple[int, int | None, int, bool, int]
"""(first day, end day or None, weekly pence, one-off?, one-off pence)."""


def _agreements_of(session: Session, episodes: Iterable[str]) -> dict[str, str]:
    """Agreement → episode, for agreements not deleted linked to these episodes (ids as
    stored)."""
    wanted = set(episodes)
    if not wanted:
        return {}
    query = (select(stored(Agreement.id), stored(Agreement.episode_id))
             .where(Agreement.deleted_at.is_(None), Agreement.episode_id.is_not(None)))
    if len(wanted) > MANY:
        return {aid: eid for aid, eid in fetch_stored(session, query) if eid in wanted}
    ids = [uuid.UUID(key) for key in wanted]
    found: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        for aid, eid in session.execute(query.where(Agreement.episode_id.in_(ids[i:i + 500]))):
            found[aid] = eid
    return found


def _ledger_rows(session: Session, agreements: Iterable[str]) -> dict[str, list[LedgerRow]]:
    """The fee ledger's rows of these agreements (ids as stored)."""
    wanted = set(agreements)
    fl = FeeLedgerEntry
    query = select(stored(fl.agreement_id), fl.first_day, fl.end_day, fl.weekly_pence,
                   fl.is_one_off, fl.one_off_pence)
    found: dict[str, list[LedgerRow]] = defaultdict(list)
    if len(wanted) > MANY:
        for aid, *row in fetch_stored(session, query):
            if aid in wanted:
                found[aid].append((row[0], row[1], row[2], bool(row[3]), row[4]))
        return found
    ids = [uuid.UUID(key) for key in wanted]
    for i in range(0, len(ids), 500):
        for aid, *row in session.execute(query.where(fl.agreement_id.in_(ids[i:i + 500]))):
            found[aid].append(tuple(row))
    return found


def _spend_of(rows: Sequence[LedgerRow], first: dt.date, after: dt.date) -> int:
    """One agreement's spend on the days [first, after), rounded once."""
    p0, p1 = day_number(first), day_number(after)
    pence_days = one_offs = 0
    for first_day, end_day, weekly, one_off, amount in rows:
        if first_day >= p1 or (end_day is not None and end_day <= p0):
            continue
        if one_off:
            one_offs += amount
        else:
            pence_days += weekly * (min(p1 if end_day is None else end_day, p1)
                                    - max(first_day, p0))
    return round_half_up(pence_days, 7) + one_offs


def _ledger_spend(session: Session, agreements: Iterable[str], first: dt.date,
                  after: dt.date) -> dict[str, int]:
    """Agreement (id as stored) → its spend on the days [first, after), rounded once."""
    return {aid: _spend_of(rows, first, after)
            for aid, rows in _ledger_rows(session, agreements).items()}


def _window(contract: Contract, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) cut to the contract's term."""
    first = max(start, contract.start_date)
    after = end if contract.end_date is None else min(end, contract.end_date + ONE_DAY)
    return first, after


def _by_episode(agreements: dict[str, str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for aid, eid in agreements.items():
        found[eid].append(aid)
    return found


def spend_in_periods(session: Session, contract: Contract, uses: Sequence[EpisodeUse],
                     periods: Sequence[tuple[dt.date, dt.date]],
                     by_episode: dict[str, list[str]] | None = None,
                     ledger: dict[str, list[LedgerRow]] | None = None
                     ) -> list[ContractSpend]:
    """The spend under ``contract`` in each [start, end) of ``periods``, from the episodes
    counted under it (``by_episode``, episode → its agreements, and ``ledger``, when
    given, are read already)."""
    if by_episode is None:
        by_episode = _by_episode(_agreements_of(session, [u.episode for u in uses]))
    if ledger is None:
        ledger = _ledger_rows(session, [aid for found in by_episode.values() for aid in found])
    found = []
    for start, end in periods:
        first, after = _window(contract, start, end)
        live = [u for u in uses if first < after and u.start < after
                and (u.end is None or u.end > first)]
        spend = sum(_spend_of(ledger.get(aid, ()), first, after)
                    for u in live for aid in by_episode.get(u.episode, ()))
        found.append(ContractSpend(contract.id, start, end, spend, len(live),
                                   contract.value_pence))
    return found


def spend_under(session: Session, contract: Contract, uses: Sequence[EpisodeUse],
                start: dt.date, end: dt.date) -> ContractSpend:
    """The spend under ``contract`` in [start, end), from the episodes counted under it."""
    return spend_in_periods(session, contract, uses, [(start, end)])[0]


def contract_spend(db: Database, contract_id: uuid.UUID, start: dt.date,
                   end: dt.date) -> ContractSpend:
    """Spend under a contract in [start, end) against its value."""
    if end <= start:
        raise ValidationError("end", "The period must end after it starts.")
    with db.read() as session:
        contract = get_contract(session, contract_id)
        return spend_under(session, contract, episodes_under(session, contract), start, end)


def monthly_spend(db: Database, contract_id: uuid.UUID, start: dt.date,
                  end: dt.date) -> list[ContractSpend]:
    """Spend under a contract in each calendar month of [start, end), the first and last
    months cut to the period."""
    if end <= start:
        raise ValidationError("end", "The period must end after it starts.")
    periods = []
    first = start
    while first < end:
        after = min(end, dt.date(first.year + first.month // 12, first.month % 12 + 1, 1))
        periods.append((first, after))
        first = after
    with db.read() as session:
        contract = get_contract(session, contract_id)
        return spend_in_periods(session, contract, episodes_under(session, contract), periods)


def spend_to_date(session: Session, contracts: Sequence[Contract],
                  today: dt.date) -> dict[uuid.UUID, int]:
    """Contract id → its spend from its start to the day before ``today``."""
    uses = _uses(session, contracts)
    agreements = _agreements_of(session, [u.episode for found in uses.values() for u in found])
    by_episode = _by_episode(agreements)
    ledger = _ledger_rows(session, agreements)
    return {c.id: 0 if c.start_date >= today else spend_in_periods(
        session, c, uses[c.id], [(c.start_date, today)], by_episode, ledger)[0].spend_pence
        for c in contracts}
