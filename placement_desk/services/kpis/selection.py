"""A request applied to a snapshot: which children and placements count, on which days.

Ages are worked out on a day as the care leavers' tables do (a child is 16 on their
sixteenth birthday; one born on 29 February turns a year older on 1 March in other
years: :func:`birthday_limit`), and each age band is a range of birth dates, so
that every figure filters a whole array at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..qa.schedule import add_months
from .common import AGE_BANDS, BAND_FROM, GROUP_ORDER, KpiRequest, Records
from .snapshot import ROUTES, BoolArray, IntArray, Snapshot


def birthday_limit(day: dt.date, years: int) -> int:
    """The latest date of birth (as an ordinal) of someone at least ``years`` old on
    ``day``. Someone born on 29 February is a year older on 1 March in other years."""
    try:
        return dt.date(day.year - years, day.month, day.day).toordinal()
    except ValueError:  # 29 February, the birth year not a leap year
        return dt.date(day.year - years, 2, 28).toordinal()


def age_bands(born: IntArray, day: dt.date) -> IntArray:
    """Each birth date's band on ``day`` (index into :data:`AGE_BANDS`); -1 when not known
    or not yet born."""
    bands = np.full(born.shape, -1, dtype=np.int64)
    known = born <= day.toordinal()
    bands[known] = 0
    for n, start in enumerate(BAND_FROM[1:], start=1):
        bands[known & (born <= birthday_limit(day, start))] = n
    return bands


@dataclass
class Selection:
    """The children and episodes a request counts, on its last day and in its period."""

    snap: Snapshot
    request: KpiRequest

    @property
    def at(self) -> dt.date:
        return self.request.at

    @cached_property
    def day(self) -> int:
        return self.at.toordinal()

    @cached_property
    def period(self) -> tuple[int, int]:
        """The period as day ordinals [first, after last)."""
        return self.request.start.toordinal(), self.request.end.toordinal() + 1

    @cached_property
    def bands(self) -> IntArray:
        """Each child's age band on the last day."""
        return age_bands(self.snap.children.born, self.at)

    @cached_property
    def child_ok(self) -> BoolArray:
        """The children the filters keep (age band and UASC)."""
        cohort, children = self.request.cohort, self.snap.children
        keep = np.ones(len(children.ids), dtype=np.bool_)
        if cohort.age_band:
            keep &= self.bands == AGE_BANDS.index(cohort.age_band)
        if cohort.uasc:
            keep &= children.uasc == (cohort.uasc == "yes")
        return keep

    def place_ok(self, place: IntArray) -> BoolArray:
        """The placement types the filters keep, for an array of type indexes (-1: none)."""
        codes, cohort = self.snap.codes, self.request.cohort
        allowed = np.ones(len(codes.codes), dtype=np.bool_)
        if not cohort.care_leavers:
            allowed &= ~codes.care_leaver
        if cohort.placement_group:
            allowed &= codes.group == GROUP_ORDER.index(cohort.placement_group)
        found = np.full(place.shape, not cohort.placement_group, dtype=np.bool_)
        has = place >= 0
        found[has] = allowed[place[has]]
        return found

    def route_ok(self, route: IntArray) -> BoolArray:
        cohort = self.request.cohort
        if not cohort.route:
            return np.ones(route.shape, dtype=np.bool_)
        found: BoolArray = route == ROUTES.index(cohort.route)
        return found

    @cached_property
    def episode_ok(self) -> BoolArray:
        """The episodes the filters keep: their child's, their type's and their route's."""
        e = self.snap.episodes
        return self.child_ok[e.child] & self.place_ok(e.place) & self.route_ok(e.route)

    def live(self, day: int) -> BoolArray:
        """Episodes live on ``day`` (an ordinal): started by it, not ended by it."""
        e = self.snap.episodes
        return (e.start <= day) & (e.end > day)

    @cached_property
    def live_now(self) -> BoolArray:
        return self.live(self.day)

    @cached_property
    def placed(self) -> IntArray:
        """Episodes (indexes) of every child in the selection placed on the last day, one
        per child (the one that started last), short breaks included."""
        return one_per_child(self.snap, np.flatnonzero(self.live_now & self.episode_ok))

    @cached_property
    def looked_after(self) -> IntArray:
        """:attr:`placed` without children on an agreed series of short breaks."""
        e = self.snap.episodes
        return self.placed[~e.short_break[self.placed]]

    @cached_property
    def settings_in_use(self) -> IntArray:
        """Settings (indexes) where a child in the selection is placed on the last day."""
        e = self.snap.episodes
        found = e.setting[self.live_now & self.episode_ok]
        return np.unique(found[found >= 0])

    def in_period(self, first: int, after: int) -> BoolArray:
        """Episodes with a day in [first, after)."""
        e = self.snap.episodes
        return (e.start < after) & (e.end > first)

    def days_in(self, first: int, after: int) -> IntArray:
        """Each episode's days in [first, after) (the days it is live)."""
        e = self.snap.episodes
        days: IntArray = np.clip(np.minimum(e.end, after) - np.maximum(e.start, first), 0, None)
        return days

    def year_before(self) -> tuple[int, int]:
        """The 12 months up to and including the last day, as [first, after last)."""
        return (add_months(self.at, -12) + dt.timedelta(days=1)).toordinal(), self.day + 1

    # -- records -----------------------------------------------------------------------------

    def episode_records(self, positions: IntArray | list[int], label: str, *,
                        live: bool = True) -> Records:
        """The episodes at ``positions``, for the Placements list: on the last day (``live``)
        or in the period, with the route filter the list has."""
        first, last = (self.at, self.at) if live else (self.request.start, self.request.end)
        filters: list[tuple[str, object]] = [("date_from", first), ("date_to", last)]
        if self.request.cohort.route:
            filters.append(("route", self.request.cohort.route))
        return Records("episodes", self.snap.episodes.ids, positions, label, tuple(filters))

    def setting_records(self, positions: IntArray | list[int] | set[int], label: str
                        ) -> Records:
        found = sorted(positions) if isinstance(positions, set) else positions
        return Records("settings", self.snap.setting_ids, found, label)

    @cached_property
    def in_area(self) -> IntArray:
        """Per episode live on the last day: 1 inside the council's area, 0 outside, -1 not
        known."""
        found = self.snap.at.get(self.at)
        if found is None:
            return np.full(len(self.snap.episodes), -1, dtype=np.int64)
        return found.in_area


def one_per_child(snap: Snapshot, indexes: IntArray) -> IntArray:
    """Of ``indexes`` (episodes), each child's one that started last."""
    if len(indexes) == 0:
        return indexes
    e = snap.episodes
    order = indexes[np.lexsort((e.start[indexes], e.child[indexes]))]
    children = e.child[order]
    last = np.ones(len(order), dtype=np.bool_)
    last[:-1] = children[1:] != children[:-1]
    return np.sort(order[last])
