"""Children and their placements: how many, of what type and age, how far from home, and how
stable, in the layout of the councils' sufficiency strategies.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from ..qa.schedule import add_months
from .common import (
    AGE_BANDS,
    BAND_FROM,
    GROUP_ORDER,
    NO_BIRTH_DATE,
    Figure,
    Records,
    Row,
    Table,
    band_label,
)
from .selection import Selection

LOCAL_MILES = 20.0
DISTANCE_BANDS: tuple[tuple[str, float], ...] = (
    ("Up to 5 miles", 5.0), ("Over 5 to 10 miles", 10.0), ("Over 10 to 20 miles", 20.0),
    ("Over 20 to 50 miles", 50.0), ("Over 50 miles", math.inf))
DISTANCE_UNKNOWN = "Distance not known"


# --- Counts by type and age ----------------------------------------------------------------

def _type_age_table(selection: Selection, key: str, title: str, episodes: np.ndarray,
                    weights: np.ndarray | None, *, live: bool, label: str,
                    unit: str = "count") -> Table:
    """Rows by placement type group, columns by age band (then no date of birth, total),
    each cell with its episodes."""
    snap = selection.snap
    e = snap.episodes
    groups = snap.codes.group[e.place[episodes]]
    bands = selection.bands[e.child[episodes]]
    values = weights if weights is not None else np.ones(len(episodes), dtype=np.float64)
    columns = (*(band_label(b) for b in AGE_BANDS), NO_BIRTH_DATE, "Total")
    rows = []
    band_index = (*range(len(AGE_BANDS)), -1)
    for g, group in enumerate(GROUP_ORDER):
        in_group = groups == g
        if not in_group.any():
            continue
        cells: list[float] = []
        records: list[Records] = []
        for b in band_index:
            chosen = in_group & (bands == b)
            cells.append(float(values[chosen].sum()))
            what = band_label(AGE_BANDS[b]) if b >= 0 else NO_BIRTH_DATE.lower()
            records.append(selection.episode_records(episodes[chosen], f"{label}: {group}, "
                                                     f"{what}", live=live))
        cells.append(float(values[in_group].sum()))
        records.append(selection.episode_records(episodes[in_group], f"{label}: {group}",
                                                 live=live))
        rows.append(Row(group, tuple(_number(v, unit) for v in cells), tuple(records)))
    totals = [float(values[bands == b].sum()) for b in band_index] + [float(values.sum())]
    rows.append(Row("Total", tuple(_number(v, unit) for v in totals),
                    (*(selection.episode_records(episodes[bands == b], label, live=live)
                       for b in band_index),
                     selection.episode_records(episodes, label, live=live))))
    return Table(key, title, "Placement type", columns, tuple(rows),
                 "weeks" if unit == "weeks" else "count")


def _number(value: float, unit: str) -> float | int:
    return round(value, 1) if unit == "weeks" else round(value)


@dataclass(frozen=True, slots=True)
class ChildrenFigures:
    looked_after: Figure
    children: Table
    placements: Table
    weeks: Table
    weeks_total: Figure


def children_figures(selection: Selection) -> ChildrenFigures:
    """Children on the last day, placements and weeks in the period, by type and age."""
    day_text = f"{selection.at:%d/%m/%Y}"
    looked_after = selection.looked_after
    unknown_age = int((selection.bands[selection.snap.episodes.child[looked_after]] < 0).sum())
    figure = Figure("children_looked_after", len(looked_after), unit="count",
                    unclassified=unknown_age, unclassified_label="with no date of birth",
                    records=selection.episode_records(looked_after,
                                                      f"Children looked after on {day_text}"))
    first, after = selection.period
    e = selection.snap.episodes
    in_period = selection.in_period(first, after) & selection.episode_ok
    counted = in_period & ~(e.legal_only & (e.start > first))
    placements = np.flatnonzero(counted)
    with_days = np.flatnonzero(in_period)
    days = selection.days_in(first, after)[with_days]
    weeks = days / 7
    return ChildrenFigures(
        figure,
        _type_age_table(selection, "children_by_type_age", "Children looked after on "
                        f"{day_text}, by placement type and age", looked_after, None,
                        live=True, label=f"Looked after on {day_text}"),
        _type_age_table(selection, "placements_by_type_age", "Placements in the period, by "
                        "placement type and age", placements, None, live=False,
                        label="Placements in the period"),
        _type_age_table(selection, "weeks_by_type_age", "Weeks of placement in the period, by "
                        "placement type and age", with_days, weeks, live=False,
                        label="Placements in the period", unit="weeks"),
        Figure("weeks", float(weeks.sum()), unit="weeks",
               records=selection.episode_records(with_days, "Placements in the period",
                                                 live=False)))


# --- Distance and area ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DistanceFigures:
    within_20: Figure
    in_area: Figure
    bands: Table


def distance_figures(selection: Selection) -> DistanceFigures:
    e = selection.snap.episodes
    children = selection.looked_after
    miles = e.miles[children]
    known = ~np.isnan(miles)
    near = known & (miles <= LOCAL_MILES)
    day_text = f"{selection.at:%d/%m/%Y}"
    within = Figure("within_20", int(near.sum()), len(children), better="higher",
                    unclassified=int((~known).sum()), unclassified_label="distance not known",
                    records=selection.episode_records(children,
                                                      f"Looked after on {day_text}"))
    where = selection.in_area[children]
    area = Figure("in_area", int((where == 1).sum()), int((where >= 0).sum()), better="higher",
                  unclassified=int((where < 0).sum()), unclassified_label="area not known",
                  records=selection.episode_records(children, f"Looked after on {day_text}"))
    rows = []
    lower = -math.inf
    for name, upper in DISTANCE_BANDS:
        chosen = known & (miles > lower) & (miles <= upper)
        rows.append(Row(name, (int(chosen.sum()),),
                        (selection.episode_records(children[chosen], f"{name} from home"),)))
        lower = upper
    rows.append(Row(DISTANCE_UNKNOWN, (int((~known).sum()),),
                    (selection.episode_records(children[~known], DISTANCE_UNKNOWN),)))
    table = Table("distance_bands", f"Children looked after on {day_text} by distance from home",
                  "Distance", ("Children",), tuple(rows))
    return DistanceFigures(within, area, table)


# --- Stability ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StabilityFigures:
    three_placements: Figure
    long_term: Figure


def placements_in_year(selection: Selection) -> np.ndarray:
    """Each child's placements in the 12 months up to the last day (see the definition)."""
    snap = selection.snap
    e = snap.episodes
    first, after = selection.year_before()
    counted = ((e.start < after) & (e.end > first) & ~snap.codes.temporary[e.place]
               & ~(e.legal_only & (e.start > first)))
    return np.bincount(e.child[counted], minlength=len(snap.children.ids))


def stability_figures(selection: Selection) -> StabilityFigures:
    snap = selection.snap
    e = snap.episodes
    children = selection.looked_after
    counts = placements_in_year(selection)
    moved = children[counts[e.child[children]] >= 3]
    first, after = selection.year_before()
    in_year = np.flatnonzero((e.start < after) & (e.end > first))
    moved_episodes = in_year[np.isin(e.child[in_year], e.child[moved])]
    three = Figure("three_placements", len(moved), len(children), better="lower",
                   records=Records("episodes", e.ids, moved_episodes,
                                   "Placements in the year of children with 3 or more",
                                   (("date_from", dt.date.fromordinal(first)),
                                    ("date_to", selection.at))))
    under_16 = children[(selection.bands[e.child[children]] >= 0)
                        & (selection.bands[e.child[children]] < len(BAND_FROM) - 1)]
    chains = snap.chains
    care_since = add_months(selection.at, -30).toordinal()
    placed_since = add_months(selection.at, -24).toordinal()
    long_enough = under_16[chains.care_start[under_16] <= care_since]
    stayed = long_enough[chains.placement_start[long_enough] <= placed_since]
    long_term = Figure("long_term_stability", len(stayed), len(long_enough), better="higher",
                       records=selection.episode_records(
                           long_enough, "Under 16, looked after 2½ years or more"))
    return StabilityFigures(three, long_term)
