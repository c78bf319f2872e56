"""The shapes every KPI shares: the request (period and filters), a figure with its
numerator, denominator and unclassified records, a table, and the records behind them.

Each figure knows the records it counted (:class:`Records`), so that a click on a
tile, a bar or a cell opens exactly those in their list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ...errors import ValidationError
from ...models.enums import CommissioningRoute, PlacementType
from ..common.formatting import count, date_short, money, percent_of, percentage
from ..qa.schedule import add_months
from .definitions import definition, title

AGE_BANDS: tuple[str, ...] = ("0-4", "5-9", "10-12", "13-15", "16+")
"""Filter values and table columns, in order; :func:`band_label` for people."""
BAND_FROM: tuple[int, ...] = (0, 5, 10, 13, 16)
"""The age each band starts at."""
NO_BIRTH_DATE = "No date of birth"

GROUP_ORDER: tuple[str, ...] = (
    "Fostering", "Children's homes", "Supported accommodation", "Secure",
    "Residential schools", "Other residential", "Adoption", "With parents",
    "Independent living", "Custody", "Temporary", "Other", "Care leavers")
"""Placement type groups (:class:`PlacementType`'s ``group``) in the order tables list them."""

SHORT_BREAKS = frozenset({"V3", "V4"})
"""Legal statuses of an agreed series of short breaks: not counted as looked after."""
TEMPORARY = frozenset({"T0", "T1", "T2", "T3", "T4"})


def band_label(band: str) -> str:
    """"10–12", with an en dash; "16+" stays."""
    return band.replace("-", "–")


def group_of(code: str | None) -> str:
    """The placement type group of a PLACE code; unknown codes are "Other"."""
    if not code:
        return "Other"
    try:
        return PlacementType(code).group or "Other"
    except ValueError:
        return "Other"


def codes_in_group(group: str) -> frozenset[str]:
    return frozenset(m.value for m in PlacementType if (m.group or "Other") == group)


def group_choices() -> list[tuple[str, str]]:
    """(value, label) for a filter: every group but care leavers' (a tick box of its own)."""
    return [(g, g) for g in GROUP_ORDER if g != "Care leavers"]


def route_label(value: str | None) -> str:
    if not value:
        return "Not recorded"
    try:
        return CommissioningRoute(value).label
    except ValueError:
        return value


# --- The request ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Cohort:
    """Which children the figures count; empty values count everyone looked after."""

    age_band: str = ""
    """One of :data:`AGE_BANDS`: the child's age on the last day of the period."""
    uasc: str = ""
    """"yes": only unaccompanied asylum-seeking children; "no": only the others."""
    care_leavers: bool = False
    """Include young people (18–25) in care leavers' accommodation."""
    placement_group: str = ""
    """A placement type group (:data:`GROUP_ORDER`)."""
    route: str = ""
    """A :class:`CommissioningRoute` value."""

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> Cohort:
        """From a filter bar's values; unknown keys and values are ignored."""
        band = str(values.get("age_band") or "")
        uasc = str(values.get("uasc") or "")
        group = str(values.get("placement_group") or "")
        route = str(values.get("route") or "")
        return cls(age_band=band if band in AGE_BANDS else "",
                   uasc=uasc if uasc in ("yes", "no") else "",
                   care_leavers=bool(values.get("care_leavers")),
                   placement_group=group if group in GROUP_ORDER else "",
                   route=route if route in {r.value for r in CommissioningRoute} else "")

    def is_everyone(self) -> bool:
        return not (self.age_band or self.uasc or self.placement_group or self.route
                    or self.care_leavers)

    def describe(self) -> str:
        """"Children aged 10–12, UASC, in fostering, bought by spot purchase"."""
        parts = []
        if self.age_band:
            parts.append(f"aged {band_label(self.age_band)}")
        if self.uasc:
            parts.append("UASC" if self.uasc == "yes" else "not UASC")
        if self.placement_group:
            parts.append(f"in {self.placement_group.lower()}")
        if self.route:
            parts.append(f"bought by {route_label(self.route).lower()}")
        who = "Children and care leavers" if self.care_leavers else "Children looked after"
        return " ".join([who, ", ".join(parts)]).strip()


@dataclass(frozen=True, slots=True)
class KpiRequest:
    """A period (both days included) and the children counted. Figures "on the date" are
    for the period's last day, :attr:`at`."""

    start: dt.date
    end: dt.date
    cohort: Cohort = field(default_factory=Cohort)

    @classmethod
    def year_to(cls, at: dt.date, cohort: Cohort | None = None) -> KpiRequest:
        """The 12 months ending on ``at``."""
        return cls(add_months(at, -12) + dt.timedelta(days=1), at, cohort or Cohort())

    @property
    def at(self) -> dt.date:
        return self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> KpiRequest:
        """The period of the same length just before, with the same children."""
        end = self.start - dt.timedelta(days=1)
        return replace(self, start=end - dt.timedelta(days=self.days - 1), end=end)

    def describe(self) -> str:
        return f"{date_short(self.start)} to {date_short(self.end)}"


PERIODS: tuple[tuple[str, str], ...] = (
    ("", "12 months to today"), ("fy", "This financial year so far"),
    ("last_fy", "Last financial year"), ("quarter", "Last full quarter"),
    ("3m", "3 months to today"))
"""The period choices (value, label); dates typed in win over any of them."""


def financial_year_start(day: dt.date) -> dt.date:
    """1 April of the financial year (April to March) ``day`` is in."""
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def request_for(choice: str, today: dt.date, date_from: dt.date | None = None,
                date_to: dt.date | None = None, cohort: Cohort | None = None) -> KpiRequest:
    """The period a choice of :data:`PERIODS` means on ``today``; with a date typed in, the
    dates (a missing end is today, a missing start 12 months before the end). A period
    that ends before it starts is refused."""
    cohort = cohort or Cohort()
    if date_from is not None or date_to is not None:
        end = date_to or today
        start = date_from or add_months(end, -12) + dt.timedelta(days=1)
        if end < start:
            raise ValidationError("date_to", "The period ends before it starts: choose a "
                                             "'To' date on or after the 'From' date.")
        return KpiRequest(start, end, cohort)
    if choice == "fy":
        return KpiRequest(financial_year_start(today), today, cohort)
    if choice == "last_fy":
        start = financial_year_start(today)
        return KpiRequest(dt.date(start.year - 1, 4, 1), start - dt.timedelta(days=1), cohort)
    if choice == "quarter":
        first = financial_year_start(today)
        while add_months(first, 3) <= today:
            first = add_months(first, 3)
        return KpiRequest(add_months(first, -3), first - dt.timedelta(days=1), cohort)
    if choice == "3m":
        return KpiRequest(add_months(today, -3) + dt.timedelta(days=1), today, cohort)
    return KpiRequest.year_to(today, cohort)


# --- Records ---------------------------------------------------------------------------------

RecordKind = Literal["episodes", "settings", "actions", "reviews", "contracts", "unregistered",
                     "none"]


@dataclass(frozen=True, eq=False)
class Records:
    """The records behind a number: their kind, their ids (as stored: 32 hex digits) and
    words for the list's count line ("Looked after on 31/03/2026: fostering, 10–12").

    The ids are picked from ``source`` (every id of the kind, shared) at ``positions``
    only when asked for, so that a table of many cells costs nothing until one is opened.
    """

    kind: RecordKind = "none"
    source: Sequence[str] = ()
    positions: Sequence[int] | npt.NDArray[np.int64] = ()
    label: str = ""
    filters: tuple[tuple[str, Any], ...] = ()
    """Values for the list's own filter bar that match these records as near as it can."""

    @classmethod
    def of(cls, kind: RecordKind, ids: Iterable[str], label: str,
           filters: tuple[tuple[str, Any], ...] = ()) -> Records:
        found = sorted(ids)
        return cls(kind, found, range(len(found)), label, filters)

    @cached_property
    def ids(self) -> frozenset[str]:
        source = self.source
        return frozenset(source[int(n)] for n in self.positions)

    def __len__(self) -> int:
        return len(self.positions)


NO_RECORDS = Records()


# --- Figures ---------------------------------------------------------------------------------

Unit = Literal["count", "share", "pence", "weeks"]


@dataclass(frozen=True, slots=True)
class Figure:
    """One number, with what it is made of.

    A share is ``numerator`` of ``denominator``; a count, an amount of money (pence) or
    of weeks is ``numerator`` alone. ``unclassified`` counts the records that could not
    be placed on either side (distance unknown, not yet inspected...), named by
    ``unclassified_label``; they are not in the denominator unless the definition says
    so.
    """

    key: str
    numerator: float
    denominator: int | None = None
    unit: Unit = "share"
    unclassified: int = 0
    unclassified_label: str = ""
    records: Records = NO_RECORDS
    better: Literal["higher", "lower", ""] = ""
    """Which way is better, for colouring a change; "" when neither is."""
    comparisons: tuple[tuple[str, str], ...] = ()
    """(area, text) beside the figure: ("England", "82.3% (3,086 of 3,750)")."""

    @property
    def title(self) -> str:
        return title(self.key)

    @property
    def definition(self) -> str:
        return definition(self.key)

    @property
    def percent(self) -> int | None:
        if self.unit != "share" or self.denominator is None:
            return None
        return percentage(int(self.numerator), self.denominator)

    @property
    def value(self) -> float | None:
        """The number a chart or a change works from: the percentage for a share."""
        if self.unit == "share":
            if not self.denominator:
                return None
            return 100 * self.numerator / self.denominator
        return self.numerator

    def text(self) -> str:
        """"93% (51 of 55)", "1,234", "£1,234.50" or "1,234.5 weeks"."""
        if self.unit == "share":
            return percent_of(int(self.numerator), self.denominator or 0)
        if self.unit == "pence":
            return money(int(self.numerator))
        if self.unit == "weeks":
            return f"{self.numerator:,.1f} weeks"
        return count(int(self.numerator))

    def short_text(self) -> str:
        """The big number of a tile: "93%", "1,234", "£1.2m"."""
        if self.unit == "share":
            share = self.percent
            return "–" if share is None else f"{share}%"
        if self.unit == "pence":
            return compact_money(int(self.numerator))
        if self.unit == "weeks":
            return f"{self.numerator:,.0f}"
        return count(int(self.numerator))

    def change_from(self, before: Figure | None) -> Change | None:
        """The change since ``before`` (the previous period's figure)."""
        if before is None or self.value is None or before.value is None:
            return None
        if self.unit == "share":  # in the whole percentages shown
            delta = float((self.percent or 0) - (before.percent or 0))
        else:
            delta = self.value - before.value
        direction: Literal["up", "down", "same"] = (
            "same" if abs(delta) < 1e-9 else "up" if delta > 0 else "down")
        if self.unit == "share":
            points = round(abs(delta))
            text = f"{points} point{'s' if points != 1 else ''}"
        elif self.unit == "pence":
            text = compact_money(round(abs(delta)))
        elif self.unit == "weeks":
            text = f"{abs(delta):,.0f} weeks"
        else:
            text = count(round(abs(delta)))
        good: bool | None = None
        if self.better and direction != "same":
            good = (direction == "up") == (self.better == "higher")
        return Change(direction, text, good)

    def as_dict(self) -> dict[str, Any]:
        """For ``--json``: plain values only (no records' ids)."""
        return {"key": self.key, "title": self.title, "unit": self.unit,
                "numerator": self.numerator, "denominator": self.denominator,
                "percent": self.percent, "text": self.text(),
                "unclassified": self.unclassified,
                "unclassified_label": self.unclassified_label,
                "comparisons": dict(self.comparisons), "definition": self.definition}


@dataclass(frozen=True, slots=True)
class Change:
    direction: Literal["up", "down", "same"]
    amount: str
    """"3 points", "12", "£4.1k"; "no change" when the same."""
    good: bool | None
    """True for a change for the better, False for the worse, None when it is neither."""

    def text(self) -> str:
        if self.direction == "same":
            return "No change"
        return f"{'Up' if self.direction == 'up' else 'Down'} {self.amount}"


def compact_money(pence: int) -> str:
    """"£1.23m", "£45.6k", "£980"."""
    pounds = pence / 100
    sign = "-" if pounds < 0 else ""
    pounds = abs(pounds)
    if pounds >= 1_000_000:
        return f"{sign}£{pounds / 1_000_000:,.2f}m"
    if pounds >= 10_000:
        return f"{sign}£{pounds / 1_000:,.1f}k"
    return f"{sign}£{pounds:,.0f}"


# --- Tables -----------------------------------------------------------------------------------

Cell = float | int | str | None


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    values: tuple[Cell, ...]
    records: tuple[Records, ...] = ()
    """The records behind each value (by column), where there are some."""

    def records_at(self, column: int) -> Records:
        return self.records[column] if column < len(self.records) else NO_RECORDS


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of values under named columns: what a chart draws and a sheet holds."""

    key: str
    title: str
    row_heading: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    unit: Unit | Literal["percent", "mixed"] = "count"
    note: str = ""

    def column(self, index: int) -> list[Cell]:
        return [r.values[index] for r in self.rows]

    @property
    def sheet_name(self) -> str:
        """The title as a spreadsheet allows a sheet's name: no ``[]:*?/\\``, 31 at most."""
        name = "".join(" " if ch in "[]:*?/\\" else ch for ch in self.title)
        return " ".join(name.split())[:31].strip() or "Data"

    def as_sheet(self) -> tuple[str, list[str], list[list[object]]]:
        """(sheet name, headings, rows) for :func:`~placement_desk.io.table_export.write_tables`."""
        headings = [self.row_heading, *self.columns]
        return (self.sheet_name, headings, [[r.label, *r.values] for r in self.rows])
