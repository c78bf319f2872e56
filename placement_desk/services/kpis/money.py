"""Weeks and spend by route, provider and placement type, the average weekly cost, and spend by
route year by year: the rule of :mod:`..agreements.costs`, on the snapshot's fee ledger.

Spend per agreement is its pence × days ÷ 7 rounded half up to the penny, plus its
one-off costs falling in the period, exactly as the Weeks and spend tab works it
out; each agreement is grouped by its placement's route and type (its own type when
it has no placement) and by its setting's provider. Weeks come from the episodes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ..qa.schedule import add_months
from .common import GROUP_ORDER, Figure, Records, Row, Table, route_label
from .selection import Selection
from .snapshot import ROUTES, BoolArray, IntArray

TOP_PROVIDERS = 10
NOT_RECORDED = "Not recorded"


@dataclass(frozen=True, slots=True)
class Spend:
    """Per agreement: spend (pence) and paid days in one period."""

    pence: IntArray
    days: IntArray
    kept: BoolArray
    """The agreements the filters keep."""


def agreements_kept(selection: Selection) -> BoolArray:
    ledger = selection.snap.ledger
    return (selection.child_ok[ledger.agreement_child] & selection.place_ok(
        ledger.agreement_place) & selection.route_ok(ledger.agreement_route))


def _sum_by(keys: IntArray, values: IntArray, size: int) -> IntArray:
    """Integer sums of ``values`` by ``keys`` (0 ≤ key < size). Through floating point,
    exact: every sum here is far below 2⁵³."""
    found: IntArray = np.rint(np.bincount(keys, weights=values, minlength=size)).astype(np.int64)
    return found


def spend_in(selection: Selection, first: int, after: int) -> Spend:
    """Each agreement's spend and paid days in [first, after)."""
    ledger = selection.snap.ledger
    count = len(ledger.agreement_episode)
    days = np.clip(np.minimum(ledger.end, after) - np.maximum(ledger.first, first), 0, None)
    running = ~ledger.one_off
    pence_days = _sum_by(ledger.agreement, np.where(running, ledger.weekly * days, 0), count)
    paid = _sum_by(ledger.agreement, np.where(running, days, 0), count)
    falls = ledger.one_off & (ledger.first >= first) & (ledger.first < after)
    one_off = _sum_by(ledger.agreement, np.where(falls, ledger.amount, 0), count)
    pence = (2 * pence_days + 7) // 14 + one_off  # half up, once per agreement
    return Spend(pence, paid, agreements_kept(selection))


@dataclass(frozen=True, slots=True)
class MoneyFigures:
    spend: Figure
    by_route: Table
    by_type: Table
    top_providers: Table


def _keys(values: IntArray, size: int) -> IntArray:
    """Indexes with -1 (none) moved to ``size``, the "not recorded" key."""
    return np.where(values >= 0, values, size)


def money_figures(selection: Selection) -> MoneyFigures:
    snap = selection.snap
    ledger, e = snap.ledger, snap.episodes
    first, after = selection.period
    spend = spend_in(selection, first, after)
    counted = spend.kept & ((spend.pence > 0) | (spend.days > 0))
    in_period = selection.in_period(first, after) & selection.episode_ok
    days = np.where(in_period, selection.days_in(first, after), 0)
    episodes = np.flatnonzero(in_period)
    total = Figure("spend", int(spend.pence[counted].sum()), unit="pence",
                   records=selection.episode_records(episodes, "Placements in the period",
                                                     live=False))
    pence = np.where(counted, spend.pence, 0)
    paid = np.where(counted, spend.days, 0)

    def group_table(key: str, title: str, heading: str, agreement_keys: IntArray,
                    episode_keys: IntArray, labels: list[str], order: list[int]) -> Table:
        size = len(labels) + 1
        spent = _sum_by(_keys(agreement_keys, len(labels)), pence, size)
        paid_days = _sum_by(_keys(agreement_keys, len(labels)), paid, size)
        placed = _keys(episode_keys, len(labels))
        weeks = np.bincount(placed, weights=days, minlength=size) / 7
        rows = []
        for k in order:
            if not spent[k] and not weeks[k]:
                continue
            name = labels[k] if k < len(labels) else NOT_RECORDED
            paid_weeks = paid_days[k] / 7
            rows.append(Row(name, (
                int(spent[k]) / 100, round(float(weeks[k]), 1), round(float(paid_weeks), 1),
                round(int(spent[k]) / 100 / paid_weeks, 2) if paid_weeks else None),
                (selection.episode_records(episodes[placed[episodes] == k], name,
                                           live=False),)))
        return Table(key, title, heading, ("Spend (£)", "Weeks", "Paid weeks",
                                           "Average weekly cost (£)"), tuple(rows), "mixed")

    routes = [route_label(r) for r in ROUTES]
    by_route = group_table("spend_by_route", "Spend and weeks by route", "Route",
                           ledger.agreement_route, e.route, routes,
                           list(range(len(routes) + 1)))
    groups = snap.codes.group
    a_group = np.where(ledger.agreement_place >= 0,
                       groups[np.maximum(ledger.agreement_place, 0)], -1)
    by_type = group_table("spend_by_type", "Spend, weeks and average weekly cost by placement "
                          "type", "Placement type", a_group, groups[e.place],
                          list(GROUP_ORDER), list(range(len(GROUP_ORDER) + 1)))
    provider_of = snap.setting_provider
    a_provider = np.where(ledger.agreement_setting >= 0,
                          provider_of[np.maximum(ledger.agreement_setting, 0)], -1) \
        if len(provider_of) else np.full(len(ledger.agreement_setting), -1, dtype=np.int64)
    names = [p.name for p in snap.providers]
    ranked = _sum_by(_keys(a_provider, len(names)), pence, len(names) + 1)[:len(names)]
    top = [int(k) for k in np.lexsort((np.array(names, dtype=object), -ranked))
           if ranked[k] > 0][:TOP_PROVIDERS]
    top_table = group_table("top_providers", f"The {TOP_PROVIDERS} providers paid most",
                            "Provider", a_provider, snap.episode_provider, names, top)
    return MoneyFigures(total, by_route, by_type, top_table)


def spend_over_time(selection: Selection, years: int = 5) -> Table:
    """Spend by route in the 12 months to the last day, and to the same day in each of the
    ``years`` before."""
    ledger = selection.snap.ledger
    e = selection.snap.episodes
    a_route = _keys(ledger.agreement_route, len(ROUTES))
    e_route = _keys(e.route, len(ROUTES))
    rows = []
    for back in range(years, -1, -1):
        end = add_months(selection.at, -12 * back)
        first = (add_months(end, -12) + dt.timedelta(days=1)).toordinal()
        after = end.toordinal() + 1
        spend = spend_in(selection, first, after)
        spent = _sum_by(a_route, np.where(spend.kept, spend.pence, 0), len(ROUTES) + 1)
        placed = np.flatnonzero(selection.in_period(first, after) & selection.episode_ok)
        values = []
        records = []
        for r, route in enumerate((*ROUTES, "")):
            values.append(int(spent[r]) / 100)
            records.append(Records(
                "episodes", e.ids, placed[e_route[placed] == r],
                f"{route_label(route)}, year to {end:%d/%m/%Y}",
                (("date_from", dt.date.fromordinal(first)), ("date_to", end),
                 *((("route", route),) if route else ()))))
        rows.append(Row(f"Year to {end:%d/%m/%Y}", tuple(values), tuple(records)))
    return Table("spend_over_time", "Spend by route, year by year", "Year",
                 (*(route_label(r) for r in ROUTES), NOT_RECORDED), tuple(rows), "mixed")
