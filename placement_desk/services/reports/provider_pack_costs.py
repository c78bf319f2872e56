"""What a provider's placements cost, for its review pack, read from the fee ledger.

The provider's spend and days paid for in the period by placement type
(:func:`provider_spend`, as :mod:`..agreements.costs` counts them, rounded once per
agreement), its average weekly cost by type against the council's
(:func:`fee_comparisons`, from :func:`council_average_fees`), and the lines of its
placements live today or ended in the period with their weekly cost and variations
(:func:`placement_lines`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...db import Database
from ...models import Agreement, AgreementVersion, Child, FeeLedgerEntry, PlacementEpisode, Setting
from ...models.enums import AgreementStatus, CommissioningRoute, PlacementType
from ..agreements.costs import weeks_and_spend
from ..agreements.fee_ledger import day as day_number
from ..agreements.fees import round_half_up
from .definitions import Period, average_weekly_pence, is_live_on, overlap_days, within_20_miles
from .provider_pack_contents import FeeComparison, PlacementLine

__all__ = ["LedgerRow", "council_average_fees", "fee_comparisons", "placement_lines",
           "provider_spend"]


def council_average_fees(db: Database, period: Period) -> dict[str, tuple[int, int]]:
    """Placement type → (spend in pence, days paid for) over every provider in the period,
    from weeks and spend by type (:func:`.definitions.average_weekly_pence` makes the
    average)."""
    rows = weeks_and_spend(db, period.start, period.end, "placement_type")
    return {r.key: (r.spend_pence, round(r.paid_weeks * 7)) for r in rows if r.key}


def _type_label(code: str) -> str:
    try:
        return PlacementType(code).label
    except ValueError:
        return code or "Not recorded"


def _in_force(status: AgreementStatus, activated: dt.datetime | None) -> bool:
    return status in (AgreementStatus.ACTIVE, AgreementStatus.ENDED) or (
        status == AgreementStatus.SUPERSEDED and activated is not None)


LedgerRow = tuple[int, int | None, int, bool, int]


def _ledger(session: Session, agreement_ids: Iterable[uuid.UUID]
            ) -> dict[uuid.UUID, list[LedgerRow]]:
    ids = list(agreement_ids)
    found: dict[uuid.UUID, list[LedgerRow]] = defaultdict(list)
    fl = FeeLedgerEntry
    for i in range(0, len(ids), 500):
        for aid, first, end, weekly, one_off, amount in session.execute(
                select(fl.agreement_id, fl.first_day, fl.end_day, fl.weekly_pence,
                       fl.is_one_off, fl.one_off_pence)
                .where(fl.agreement_id.in_(ids[i:i + 500]))):
            found[aid].append((first, end, weekly, bool(one_off), amount))
    return found


def _spend(rows: Iterable[LedgerRow], period: Period) -> tuple[int, int]:
    """(spend in pence, days paid for) of one agreement in the period, rounded once."""
    p0, p1 = day_number(period.start), day_number(period.end)
    pence_days = one_offs = days = 0
    for first, end, weekly, one_off, amount in rows:
        if first >= p1 or (end is not None and end <= p0):
            continue
        if one_off:
            one_offs += amount
            continue
        n = min(p1 if end is None else end, p1) - max(first, p0)
        days += n
        pence_days += weekly * n
    return round_half_up(pence_days, 7) + one_offs, days


def _weekly_on(rows: Iterable[LedgerRow], day: dt.date) -> int | None:
    n = day_number(day)
    found = [weekly for first, end, weekly, one_off, _amount in rows
             if not one_off and first <= n and (end is None or end > n)]
    return sum(found) if found else None


@dataclass
class _Money:
    spend_pence: int = 0
    paid_days: int = 0
    by_type: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    """Placement type → [spend in pence, days paid for]."""


def provider_spend(session: Session, settings: list[Setting], period: Period
                   ) -> tuple[_Money, dict[uuid.UUID, list[uuid.UUID]],
                              dict[uuid.UUID, list[LedgerRow]]]:
    """The provider's spend in the period (every agreement for its settings, as weeks and
    spend groups them), by placement type; and each episode's agreements and ledger."""
    ag, pe, av = Agreement, PlacementEpisode, AgreementVersion
    ids = [s.id for s in settings]
    result = _Money()
    if not ids:
        return result, {}, {}
    own = (select(av.placement_type).where(av.agreement_id == ag.id, or_(
        av.status.in_((AgreementStatus.ACTIVE, AgreementStatus.ENDED)),
        (av.status == AgreementStatus.SUPERSEDED) & av.activated_at.is_not(None)))
        .order_by(av.version_no).limit(1).scalar_subquery())
    deleted = select(Child.id).where(Child.deleted_at.is_not(None))
    agreements = session.execute(
        select(ag.id, ag.episode_id, func.coalesce(pe.placement_type, own))
        .outerjoin(pe, pe.id == ag.episode_id)
        .where(ag.setting_id.in_(ids), ag.deleted_at.is_(None),
               ag.child_id.not_in(deleted))).all()
    ledger = _ledger(session, [a for a, _e, _t in agreements])
    by_episode: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for aid, episode, kind in agreements:
        if episode is not None:
            by_episode[episode].append(aid)
        spend, days = _spend(ledger.get(aid, ()), period)
        if not (spend or days):
            continue
        result.spend_pence += spend
        result.paid_days += days
        totals = result.by_type[kind or ""]
        totals[0] += spend
        totals[1] += days
    return result, by_episode, ledger


def _variations(session: Session, agreement_ids: list[uuid.UUID]
                ) -> dict[uuid.UUID, tuple[int, str]]:
    """Agreement → (variations in force, "dd/mm/yyyy: reason" of the latest)."""
    versions: dict[uuid.UUID, list[tuple[int, dt.date, str | None]]] = defaultdict(list)
    av = AgreementVersion
    for i in range(0, len(agreement_ids), 500):
        for aid, number, effective, reason, status, activated in session.execute(
                select(av.agreement_id, av.version_no, av.effective_date,
                       av.variation_reason, av.status, av.activated_at)
                .where(av.agreement_id.in_(agreement_ids[i:i + 500]))):
            if _in_force(status, activated):
                versions[aid].append((number, effective, reason))
    found = {}
    for aid, rows in versions.items():
        rows.sort()
        if len(rows) > 1:
            _n, effective, reason = rows[-1]
            found[aid] = (len(rows) - 1,
                          f"{effective:%d/%m/%Y}: {reason}" if reason else f"{effective:%d/%m/%Y}")
        else:
            found[aid] = (0, "")
    return found


def placement_lines(session: Session, settings: list[Setting], period: Period, today: dt.date,
                    by_episode: Mapping[uuid.UUID, list[uuid.UUID]],
                    ledger: Mapping[uuid.UUID, list[LedgerRow]]
                    ) -> tuple[list[PlacementLine], list[PlacementLine], set[uuid.UUID], float]:
    """Placements live today and those ended in the period; the children with a day in
    the period; and the weeks of placement in it."""
    names = {s.id: s.name for s in settings}
    pe = PlacementEpisode
    if not names:
        return [], [], set(), 0.0
    rows = session.execute(
        select(pe.id, pe.child_id, Child.case_ref, pe.setting_id, pe.placement_type,
               pe.start_date, pe.end_date, pe.distance_miles, pe.commissioning_route)
        .join(Child, Child.id == pe.child_id)
        .where(pe.setting_id.in_(list(names)), pe.deleted_at.is_(None),
               Child.deleted_at.is_(None))
        .order_by(pe.start_date, Child.case_ref)).all()
    variations = _variations(session, [a for found in by_episode.values() for a in found])
    current: list[PlacementLine] = []
    ended: list[PlacementLine] = []
    children: set[uuid.UUID] = set()
    days = 0
    for eid, child, ref, sid, kind, start, end, miles, route in rows:
        in_period = overlap_days(start, end, period)
        days += in_period
        if in_period:
            children.add(child)
        live = is_live_on(start, end, today)
        ended_in_period = end is not None and period.start < end <= period.end
        if not (live or ended_in_period):
            continue
        agreements = by_episode.get(eid, [])
        on = today if live or end is None else end - dt.timedelta(days=1)
        weekly = [w for a in agreements if (w := _weekly_on(ledger.get(a, ()), on)) is not None]
        varied = [variations.get(a, (0, "")) for a in agreements]
        latest = max(varied, key=lambda v: v[1]) if varied else (0, "")
        line = PlacementLine(
            ref, names.get(sid, "") if sid is not None else "", kind, _type_label(kind), start, end,
            sum(weekly) if weekly else None, sum(v[0] for v in varied), latest[1],
            miles, within_20_miles(miles),
            CommissioningRoute(route).label if route else "Not recorded")
        (current if live else ended).append(line)
    return current, ended, children, days / 7


def fee_comparisons(money: _Money, council: Mapping[str, tuple[int, int]]
                    ) -> tuple[FeeComparison, ...]:
    """The provider's average weekly cost by type (spend ÷ weeks paid for, to the penny)
    against the council's."""
    found = []
    for kind, (spend, days) in sorted(money.by_type.items()):
        if not days:
            continue
        council_spend, council_days = council.get(kind, (0, 0))
        average = average_weekly_pence(spend, days)
        assert average is not None
        found.append(FeeComparison(
            kind, _type_label(kind) if kind else "Not recorded", days / 7, average,
            average_weekly_pence(council_spend, council_days)))
    return tuple(found)
