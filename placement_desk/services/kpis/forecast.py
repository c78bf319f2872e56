"""A forecast of children looked after, and of the placements needed by type, for three years.

The method, stated in the definition: a straight line fitted by least squares to the
children looked after at 31 March in each of the last five years, carried forward to
the next three; the range is the line plus or minus twice the standard error of the
fit, never below zero. Years before the first with any child looked after are left
out (the data did not start yet); with fewer than three years there is no forecast.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from .common import GROUP_ORDER, Row, Table
from .selection import Selection, one_per_child

YEARS_BACK = 5
YEARS_AHEAD = 3
MIN_YEARS = 3


@dataclass(frozen=True, slots=True)
class Trend:
    """A least-squares line through (year, count) points, and its standard error."""

    slope: float
    intercept: float
    standard_error: float

    def at(self, year: int) -> float:
        return self.intercept + self.slope * year

    def range_at(self, year: int) -> tuple[float, float, float]:
        """(low, expected, high), none below zero."""
        mid = self.at(year)
        spread = 2 * self.standard_error
        return max(0.0, mid - spread), max(0.0, mid), max(0.0, mid + spread)


def fit(years: list[int], counts: list[float]) -> Trend | None:
    """The least-squares line through the points; None with fewer than :data:`MIN_YEARS`.

    The standard error is √(Σ residual² ÷ (n − 2)).
    """
    n = len(years)
    if n < MIN_YEARS:
        return None
    mean_x = sum(years) / n
    mean_y = sum(counts) / n
    sxx = sum((x - mean_x) ** 2 for x in years)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(years, counts, strict=True))
    slope = sxy / sxx if sxx else 0.0
    intercept = mean_y - slope * mean_x
    residuals = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(years, counts,
                                                                       strict=True))
    return Trend(slope, intercept, math.sqrt(residuals / (n - 2)))


def last_march(day: dt.date) -> dt.date:
    """The latest 31 March on or before ``day``."""
    this_year = dt.date(day.year, 3, 31)
    return this_year if this_year <= day else dt.date(day.year - 1, 3, 31)


@dataclass(frozen=True, slots=True)
class Forecast:
    years: tuple[int, ...]
    """The years of the counts (each 31 March), oldest first."""
    counts: tuple[int, ...]
    ahead: tuple[int, ...]
    """The years forecast."""
    total: tuple[tuple[float, float, float], ...]
    """(low, expected, high) for each year ahead; empty when there is too little data."""
    by_group: dict[str, tuple[tuple[int, ...], tuple[tuple[float, float, float], ...]]]
    """Group → (its counts, its (low, expected, high) ahead)."""

    @property
    def possible(self) -> bool:
        return bool(self.total)

    def table(self) -> Table:
        """Counts and forecasts, a row per year; the range for the total."""
        rows = []
        for year, n in zip(self.years, self.counts, strict=True):
            rows.append(Row(f"31/03/{year}", (n, None, None, None, *(
                self.by_group[g][0][self.years.index(year)] for g in self.by_group))))
        for k, year in enumerate(self.ahead):
            if not self.total:
                break
            low, mid, high = self.total[k]
            rows.append(Row(f"31/03/{year} (forecast)", (None, round(mid), round(low),
                                                         round(high), *(
                round(self.by_group[g][1][k][1]) if self.by_group[g][1] else None
                for g in self.by_group))))
        return Table("forecast", "Children looked after at 31 March, and the forecast",
                     "Year", ("Children", "Forecast", "Low", "High", *self.by_group),
                     tuple(rows), note="A straight-line trend of the last five years; the "
                     "range is twice the fit's standard error either side.")


def forecast(selection: Selection) -> Forecast:
    """Children in the selection looked after at 31 March in each of the last five years,
    by placement type group, and the trend three years ahead."""
    snap = selection.snap
    e = snap.episodes
    latest = last_march(selection.at)
    years = list(range(latest.year - YEARS_BACK + 1, latest.year + 1))
    per_year: list[np.ndarray] = []
    for year in years:
        day = dt.date(year, 3, 31).toordinal()
        placed = one_per_child(snap, np.flatnonzero(selection.live(day) & selection.episode_ok))
        per_year.append(placed[~e.short_break[placed]])
    counts = [len(p) for p in per_year]
    first = next((k for k, n in enumerate(counts) if n), len(counts))
    years, counts, per_year = years[first:], counts[first:], per_year[first:]
    ahead = tuple(range(latest.year + 1, latest.year + 1 + YEARS_AHEAD))
    offsets = [y - latest.year for y in years]
    trend = fit(offsets, [float(c) for c in counts])
    total = tuple(trend.range_at(y - latest.year) for y in ahead) if trend else ()
    by_group: dict[str, tuple[tuple[int, ...], tuple[tuple[float, float, float], ...]]] = {}
    for g, group in enumerate(GROUP_ORDER):
        group_counts = tuple(int((snap.codes.group[e.place[p]] == g).sum()) for p in per_year)
        if not any(group_counts):
            continue
        group_trend = fit(offsets, [float(c) for c in group_counts])
        by_group[group] = (group_counts, tuple(group_trend.range_at(y - latest.year)
                                               for y in ahead) if group_trend else ())
    return Forecast(tuple(years), tuple(counts), ahead, total, by_group)
