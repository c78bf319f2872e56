"""What the reports count by, written once: a period, "live on a date", looked after, age
bands, local.

* A **period** is half-open, ``[start, end)``: the day ``end`` is not in it, the rule
  of weeks and spend (:mod:`..agreements.costs`). :func:`year_to` is the twelve
  months up to and including a date.
* An episode is **live on** a day when it started on or before that day and had not
  ended by it: ``start <= day < end`` (an open episode has no end). The day a child
  moves counts in the new placement, as for weeks of placement, care leavers and the
  placements list; so a child is never in two placements on one day.
* A child is **looked after** on a day when an episode of theirs of an SSDA903
  placement type is live that day; care leavers' accommodation (the ``CL_`` types,
  outside the return's codes) does not count.
* **Age bands** for placements follow the commissioning strategies (Bromley's):
  0–4, 5–9, 10–12, 13–15, 16 and over; the profile of children looked after uses
  the DfE's bands (under 1, 1–4, 5–9, 10–15, 16 and over).
* **Local** is within 20 miles, as
  :func:`~placement_desk.services.placements.distance.within_20_miles` says.
* The **average weekly cost** of some placements is their spend ÷ the weeks paid for
  (days an agreement was in force ÷ 7), to the penny (:func:`average_weekly_pence`).

The dashboard's KPI service counts "live on a date" and "within 20 miles" too;
both should point here (and to ``within_20_miles``) so that a figure in a report and
the same figure on the dashboard always agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_

from ...models import PlacementEpisode
from ..agreements.fees import round_half_up
from ..common.formatting import date_long
from ..placements.distance import LOCAL_MILES, within_20_miles
from ..placements.episode_detail import age_on
from ..placements.live import is_live_on, live_on
from ..qa.schedule import add_months

__all__ = ["AGE_BANDS", "LOCAL_MILES", "PROFILE_AGE_BANDS", "Period", "age_band", "age_on",
           "average_weekly_pence",
           "episode_overlaps", "is_care_leaver_type", "is_live_on",
           "live_on", "looked_after_type", "overlap_days", "profile_age_band",
           "within_20_miles", "year_to"]

ONE_DAY = dt.timedelta(days=1)
CARE_LEAVER_PREFIX = "CL_"


@dataclass(frozen=True, slots=True)
class Period:
    """The days ``[start, end)``."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("A period must end after it starts.")

    @property
    def last(self) -> dt.date:
        """The last day in the period."""
        return self.end - ONE_DAY

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def label(self) -> str:
        """"1 December 2025 to 30 November 2026"."""
        return f"{date_long(self.start)} to {date_long(self.last)}"

    def holds(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day < self.end


def year_to(day: dt.date) -> Period:
    """The twelve months up to and including ``day``: 1 April 2025 to 31 March 2026."""
    end = day + ONE_DAY
    return Period(add_months(end, -12), end)


def overlap_days(start: dt.date, end: dt.date | None, period: Period) -> int:
    """Days of ``[start, end)`` inside the period (``end`` None is open)."""
    last = period.end if end is None else min(end, period.end)
    return max(0, (last - max(start, period.start)).days)



def episode_overlaps(period: Period) -> ColumnElement[bool]:
    """Episodes (not deleted) with a day in the period, as a query condition."""
    pe = PlacementEpisode
    return and_(pe.deleted_at.is_(None), pe.start_date < period.end,
                or_(pe.end_date.is_(None), pe.end_date > period.start))


def is_care_leaver_type(code: str | None) -> bool:
    return bool(code) and str(code).startswith(CARE_LEAVER_PREFIX)


def looked_after_type() -> ColumnElement[bool]:
    """Episodes of an SSDA903 placement type (not care leavers' accommodation)."""
    return PlacementEpisode.placement_type.not_like(f"{CARE_LEAVER_PREFIX}%")


AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 4, "0–4"), (5, 9, "5–9"), (10, 12, "10–12"), (13, 15, "13–15"), (16, None, "16+"))
PROFILE_AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 0, "Under 1"), (1, 4, "1–4"), (5, 9, "5–9"), (10, 15, "10–15"),
    (16, None, "16 and over"))


def _band(age: int | None, bands: tuple[tuple[int, int | None, str], ...]) -> str | None:
    if age is None or age < 0:
        return None
    for low, high, label in bands:
        if age >= low and (high is None or age <= high):
            return label
    return None  # pragma: no cover - the last band is open


def age_band(age: int | None) -> str | None:
    """The placements' band of an age (0–4 … 16+); None for no age."""
    return _band(age, AGE_BANDS)


def profile_age_band(age: int | None) -> str | None:
    """The DfE's band of an age (under 1 … 16 and over); None for no age."""
    return _band(age, PROFILE_AGE_BANDS)


def average_weekly_pence(spend_pence: int, paid_days: int) -> int | None:
    """Spend ÷ weeks paid for, rounded half up to the penny; None when nothing was paid."""
    if paid_days <= 0:
        return None
    return round_half_up(spend_pence * 7, paid_days)
