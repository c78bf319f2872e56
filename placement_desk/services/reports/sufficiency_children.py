"""The tables of the sufficiency appendix worked out from the children's own records.

The children and their placement episodes are read once (:func:`read_children`) and
give the first four tables: children looked after over five years with the forecast
(:func:`forecast`), the profiles of the children looked after on the day, stability,
and placements and weeks by placement type and age band.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...dbsql import fetch_stored, stored
from ...models import Child, PlacementEpisode
from ...models.enums import CategoryOfNeed, Ethnicity, LegalStatus, PlacementType, Sex
from ..common.formatting import date_long, date_short
from ..qa.schedule import add_months
from .definitions import (
    AGE_BANDS,
    PROFILE_AGE_BANDS,
    Period,
    age_band,
    age_on,
    is_care_leaver_type,
    is_live_on,
    overlap_days,
    profile_age_band,
)
from .sufficiency_table import AppendixTable, Column, Kind, plural, share

__all__ = ["ChildRecord", "by_type_and_age", "forecast", "profiles", "read_children",
           "stability", "trend"]

YEARS_BACK = 5
YEARS_AHEAD = 3
T_80 = {1: 3.078, 2: 1.886, 3: 1.638, 4: 1.533, 5: 1.476, 6: 1.440, 7: 1.415, 8: 1.397,
        9: 1.383, 10: 1.372}
"""Student's t at 90% one-sided (an 80% two-sided interval) by degrees of freedom."""
NOT_RECORDED = "Not recorded"


# --- Reading the records once ---------------------------------------------------------

@dataclass(slots=True)
class _Episode:
    child: str
    """Ids are as the database stores them: read in bulk, they need no conversion."""
    start: dt.date
    end: dt.date | None
    place: str
    legal: str | None
    need: str | None
    rne: str | None
    setting: str | None


@dataclass(slots=True)
class ChildRecord:
    born: dt.date | None
    sex: str | None
    ethnicity: str | None
    episodes: list[_Episode] = field(default_factory=list)


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def read_children(session: Session) -> dict[str, ChildRecord]:
    """Every child not deleted, with their episodes not deleted, oldest first; read
    straight from the driver (the 60,000 episodes of a large council in well under a
    second)."""
    pe = PlacementEpisode
    children = {cid: ChildRecord(_day(born), str(sex) if sex else None, ethnicity)
                for cid, born, sex, ethnicity in fetch_stored(session, select(
                    stored(Child.id), stored(Child.date_of_birth), Child.sex,
                    Child.ethnicity).where(Child.deleted_at.is_(None)))}
    for cid, start, end, place, legal, need, rne, setting in fetch_stored(session, select(
            stored(pe.child_id), stored(pe.start_date), stored(pe.end_date),
            pe.placement_type, pe.legal_status, pe.category_of_need, pe.reason_new_episode,
            stored(pe.setting_id))
            .where(pe.deleted_at.is_(None)).order_by(pe.child_id, pe.start_date)):
        child = children.get(cid)
        if child is not None:
            first = _day(start)
            assert first is not None  # a start date is required
            child.episodes.append(_Episode(cid, first, _day(end), place, legal, need, rne,
                                           setting))
    return children


def _looked_after(child: ChildRecord, day: dt.date) -> _Episode | None:
    """The child's SSDA903 episode live on ``day`` (the latest to start); None if none."""
    found = None
    for ep in child.episodes:
        if ep.start > day:
            break
        if not is_care_leaver_type(ep.place) and is_live_on(ep.start, ep.end, day):
            found = ep
    return found


def _label(enum: Any, code: str | None) -> str | None:
    if not code:
        return None
    try:
        return f"{code} {enum(code).label}"
    except ValueError:
        return None


# --- 1. Children looked after over five years ------------------------------------------

def forecast(values: Sequence[float], ahead: int) -> list[tuple[float, float, float]]:
    """(low, value, high) for each of the ``ahead`` points after ``values`` (evenly
    spaced), from the least-squares straight line through them, with its 80% prediction
    interval; low is never below 0. Needs three values or more."""
    n = len(values)
    if n < 3:
        return []
    xs = list(range(n))
    mean_x, mean_y = sum(xs) / n, sum(values) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, values, strict=True)) / sxx
    intercept = mean_y - slope * mean_x
    residual = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, values, strict=True))
    spread = math.sqrt(residual / (n - 2))
    t = T_80.get(n - 2, 1.282)
    found = []
    for step in range(1, ahead + 1):
        x = n - 1 + step
        value = intercept + slope * x
        half = t * spread * math.sqrt(1 + 1 / n + (x - mean_x) ** 2 / sxx)
        found.append((max(0.0, value - half), max(0.0, value), max(0.0, value + half)))
    return found


def trend(children: dict[str, ChildRecord], at: dt.date) -> AppendixTable:
    first = min((ep.start for c in children.values() for ep in c.episodes
                 if not is_care_leaver_type(ep.place)), default=None)
    days = [add_months(at, -12 * k) for k in range(YEARS_BACK - 1, -1, -1)]
    counts: list[int | None] = []
    for day in days:
        if first is None or day < first:
            counts.append(None)
        else:
            counts.append(sum(1 for c in children.values() if _looked_after(c, day)))
    known = [c for c in counts if c is not None]
    ahead = forecast([float(c) for c in known], YEARS_AHEAD) if len(known) >= 3 else []
    rows: list[tuple[Any, ...]] = [(date_short(day), count, None, None, None)
                                   for day, count in zip(days, counts, strict=True)]
    for k, (low, value, high) in enumerate(ahead, start=1):
        rows.append((date_short(add_months(at, 12 * k)), None, round(value), round(low),
                     round(high)))
    unclassified = []
    missing = [date_short(d) for d, c in zip(days, counts, strict=True) if c is None]
    if missing:
        unclassified.append(f"No placement is recorded as early as {', '.join(missing)}: "
                            "those years are blank and left out of the trend.")
    if len(known) < 3:
        unclassified.append("Fewer than three years are recorded, too few to forecast.")
    return AppendixTable(
        "Looked after", "Children looked after over five years, with the forecast",
        (Column("On", "text"), Column("Children looked after"), Column("Forecast"),
         Column("Likely range: low"), Column("Likely range: high")),
        tuple(rows),
        definitions=(
            f"Children looked after on {date_long(at)} and on the same day in each of the "
            "four years before: every child with a placement episode of an SSDA903 type "
            "that had started on or before that day and not ended by it (care leavers' "
            "accommodation is not counted).",
            "The forecast is the straight line that best fits the years recorded (least "
            "squares), carried on for three years; the likely range is where four years in "
            "five would fall if the trend held (an 80% prediction interval).",
        ), unclassified=tuple(unclassified), chart="trend")


# --- 2. Profiles --------------------------------------------------------------------------

def _profile(key: str, title: str, heading: str, counts: Counter[str], order: Sequence[str],
             total: int, definition: str, unclassified: Sequence[str]) -> AppendixTable:
    rows: list[tuple[Any, ...]] = [(name, counts[name], share(counts[name], total))
                                   for name in order if counts[name]]
    rows += [(name, n, share(n, total)) for name, n in sorted(counts.items())
             if name not in order and n]
    rows.append(("Total", total, share(total, total) if total else None))
    return AppendixTable(key, title, (Column(heading, "text"), Column("Children"),
                                      Column("% of children looked after", "percent")),
                         tuple(rows), total_rows=1, definitions=(definition,),
                         unclassified=tuple(unclassified))


def _with_bars(table: AppendixTable) -> AppendixTable:
    return dataclasses.replace(table, chart="bars")


def profiles(children: dict[str, ChildRecord], at: dt.date) -> list[AppendixTable]:
    looked = [(c, ep) for c in children.values() if (ep := _looked_after(c, at)) is not None]
    total = len(looked)
    base = (f"The {total:,} children looked after on {date_long(at)} (with a placement "
            "episode of an SSDA903 type live that day)")
    ages: Counter[str] = Counter()
    genders: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    legal: Counter[str] = Counter()
    needs: Counter[str] = Counter()
    no_age = no_ethnicity = no_legal = no_need = 0
    for child, ep in looked:
        band = profile_age_band(age_on(child.born, at))
        if band is None:
            no_age += 1
        ages[band or "Age not known"] += 1
        genders[{Sex.MALE.value: "Male", Sex.FEMALE.value: "Female"}.get(
            child.sex or "", "Not known or not recorded")] += 1
        try:
            ethnic = Ethnicity(child.ethnicity) if child.ethnicity else None
        except ValueError:
            ethnic = None
        if ethnic is None:
            no_ethnicity += 1
        groups[f"{ethnic.group}: {ethnic.label}" if ethnic else "Not recorded"] += 1
        status = _label(LegalStatus, ep.legal)
        no_legal += status is None
        legal[status or NOT_RECORDED] += 1
        need = _label(CategoryOfNeed, ep.need)
        no_need += need is None
        needs[need or NOT_RECORDED] += 1
    ethnic_order = [f"{e.group}: {e.label}" for e in sorted(
        Ethnicity, key=lambda e: ("White", "Mixed", "Asian", "Black", "Other",
                                  "Not known").index(e.group))]

    def missing(n: int, what: str) -> list[str]:
        return [f"{plural(n, 'child has', 'children have')} no {what} recorded (or a code "
                "that is not in the list): shown as Not recorded."] if n else []

    return [
        _with_bars(_profile("Age", "Age of children looked after", "Age on the day", ages,
                 [label for _lo, _hi, label in PROFILE_AGE_BANDS] + ["Age not known"], total,
                 f"{base}, by their age on that day (the DfE's bands).",
                 [f"{plural(no_age, 'child has', 'children have')} no date of birth "
                  "recorded: shown as Age not known."] if no_age else [])),
        _profile("Gender", "Gender of children looked after", "Gender", genders,
                 ["Male", "Female", "Not known or not recorded"], total,
                 f"{base}, by the sex recorded for the SSDA903 return.",
                 [f"{plural(genders['Not known or not recorded'], 'child has', 'children have')}"
                  " no sex recorded, or Not known."]
                 if genders["Not known or not recorded"] else []),
        _profile("Ethnicity", "Ethnicity of children looked after", "Group: ethnicity",
                 groups, [*ethnic_order, "Not recorded"], total,
                 f"{base}, by the ethnicity recorded for the SSDA903 return (ETHNIC), "
                 "grouped as the DfE groups it.", missing(no_ethnicity, "ethnicity")),
        _profile("Legal status", "Legal status of children looked after", "Legal status",
                 legal, [f"{s.value} {s.label}" for s in LegalStatus] + [NOT_RECORDED], total,
                 f"{base}, by the legal status (LS) of the episode live that day.",
                 missing(no_legal, "legal status")),
        _profile("Category of need", "Category of need of children looked after",
                 "Category of need", needs,
                 [f"{s.value} {s.label}" for s in CategoryOfNeed] + [NOT_RECORDED], total,
                 f"{base}, by the category of need (CIN) of the episode live that day.",
                 missing(no_need, "category of need")),
    ]


# --- 3. Stability ------------------------------------------------------------------------

def _placements_in(child: ChildRecord, period: Period) -> tuple[int, int]:
    """(placements in the period, episodes counted as new placements with no reason for
    the new episode recorded)."""
    found = guessed = 0
    for ep in child.episodes:
        if is_care_leaver_type(ep.place) or not overlap_days(ep.start, ep.end, period):
            continue
        if ep.start < period.start or found == 0:
            found += 1  # the placement the child was in when the period began
            continue
        if ep.rne == "L":
            continue  # a change of legal status only: the same placement
        found += 1
        guessed += not ep.rne
    return found, guessed


def _run_back(child: ChildRecord, live: _Episode, *, placement: bool) -> dt.date:
    """The start of the unbroken run of episodes ending with ``live``: going back while
    each episode began on or before the day the one before it ended (no gap between
    them). A period of care runs back to the episode that began it (reason S); a
    placement runs back only through episodes that changed the legal status alone
    (reason L)."""
    episodes = [ep for ep in child.episodes if not is_care_leaver_type(ep.place)]
    index = episodes.index(live)
    start = live.start
    while index > 0:
        current, before = episodes[index], episodes[index - 1]
        if current.rne == "S" or (placement and current.rne != "L"):
            break
        if before.end is not None and before.end < current.start:
            break  # a gap: a new period of care
        start = before.start
        index -= 1
    return start


def stability(children: dict[str, ChildRecord], at: dt.date,
              period: Period) -> list[AppendixTable]:
    looked = [(c, ep) for c in children.values() if (ep := _looked_after(c, at)) is not None]
    buckets: Counter[str] = Counter()
    guessed = 0
    for child, _ep in looked:
        n, unknown = _placements_in(child, period)
        guessed += unknown
        buckets["1" if n <= 1 else "2" if n == 2 else "3 or more"] += 1
    total = len(looked)
    moves = AppendixTable(
        "Placements in the year", "Stability: placements in the period",
        (Column("Placements in the period", "text"), Column("Children"),
         Column("% of children looked after", "percent")),
        tuple([(k, buckets[k], share(buckets[k], total)) for k in ("1", "2", "3 or more")]
              + [("Total", total, share(total, total) if total else None)]),
        total_rows=1,
        definitions=(f"The {total:,} children looked after on {date_long(at)}, by how many "
                     f"placements they had in {period.label}: the placement they were in as "
                     "the period began (or their first in it), and each later episode that "
                     "began a new placement. An episode that changed the legal status only "
                     "(reason L) is the same placement. Care leavers' accommodation is not "
                     "counted.",),
        unclassified=((f"{plural(guessed, 'episode has', 'episodes have')} no reason for "
                       "the new episode recorded and counted as a new placement.",)
                      if guessed else ()))
    younger = settled = no_age = 0
    for child, ep in looked:
        age = age_on(child.born, at)
        if age is None:
            no_age += 1
            continue
        if age >= 16:
            continue
        in_care = _run_back(child, ep, placement=False)
        if (at - in_care).days < 913:  # 2.5 years
            continue
        younger += 1
        if (at - _run_back(child, ep, placement=True)).days >= 730:
            settled += 1
    long_term = AppendixTable(
        "Long-term stability", "Stability: long-term",
        (Column("Measure", "text"), Column("Children"), Column("%", "percent")),
        (("Under 16, looked after for 2½ years or more", younger, None),
         ("of whom in the same placement for 2 years or more", settled,
          share(settled, younger))),
        definitions=(f"Children looked after on {date_long(at)} aged under 16, looked after "
                     "without a break for 2½ years (913 days) or more, and of them those in "
                     "the same placement for 2 years (730 days) or more. Care runs back "
                     "through episodes that follow on without a gap, to the one that began "
                     "the period of care (reason S); a placement runs back through episodes "
                     "that changed the legal status only (reason L).",),
        unclassified=((f"{plural(no_age, 'child has', 'children have')} no date of birth "
                       "recorded, so cannot be placed under or over 16, and is not counted.",)
                      if no_age else ()))
    return [moves, long_term]


# --- 4. Placements and weeks by type and age band ---------------------------------------

_GROUP_ORDER = ("Fostering", "Adoption", "Children's homes", "Secure",
                "Supported accommodation", "Independent living", "Residential schools",
                "Other residential", "With parents", "Custody", "Temporary", "Other")


def by_type_and_age(children: dict[str, ChildRecord],
                    period: Period) -> list[AppendixTable]:
    bands = [label for _lo, _hi, label in AGE_BANDS]
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    weeks: dict[str, Counter[str]] = defaultdict(Counter)
    no_age = no_age_days = unknown = 0
    for child in children.values():
        for ep in child.episodes:
            if is_care_leaver_type(ep.place):
                continue
            days = overlap_days(ep.start, ep.end, period)
            if not days:
                continue
            try:
                group = PlacementType(ep.place).group
            except ValueError:
                group = "Code not known"
                unknown += 1
            band = age_band(age_on(child.born, max(ep.start, period.start)))
            if band is None:
                band = "Age not known"
                no_age += 1
                no_age_days += days
            counts[group][band] += 1
            weeks[group][band] += days  # days, made weeks below
    columns = bands + (["Age not known"] if no_age else [])
    groups = [g for g in (*_GROUP_ORDER, "Code not known") if g in counts]

    def table(key: str, title: str, source: dict[str, Counter[str]], kind: Kind,
              scale: float) -> AppendixTable:
        def value(n: int) -> float | int:
            return n / scale if kind == "weeks" else n

        rows: list[tuple[Any, ...]] = []
        for g in groups:
            values = [source[g][b] for b in columns]
            rows.append((g, *(value(v) for v in values), value(sum(values))))
        totals = [sum(source[g][b] for g in groups) for b in columns]
        rows.append(("Total", *(value(v) for v in totals), value(sum(totals))))
        unclassified = []
        if no_age:
            unclassified.append(f"{plural(no_age, 'placement is', 'placements are')} of "
                                f"children with no date of birth ({no_age_days / 7:,.1f} "
                                "weeks): under Age not known.")
        if unknown:
            unclassified.append(f"{plural(unknown, 'placement has', 'placements have')} a "
                                "placement type that is not an SSDA903 code: under Code not "
                                "known.")
        return AppendixTable(
            key, title, (Column("Placement type", "text"),
                         *(Column(c, kind) for c in columns), Column("Total", kind)),
            tuple(rows), total_rows=1, unclassified=tuple(unclassified),
            definitions=(f"Placement episodes of an SSDA903 type with a day in "
                         f"{period.label}, by the placement type's group and the child's age "
                         "on the first day of the placement in the period (0–4, 5–9, 10–12, "
                         "13–15, 16 and over). Weeks are the episodes' days in the period ÷ "
                         "7; the day a child moves counts in the new placement. Care "
                         "leavers' accommodation is in its own table.",))

    return [table("Placements by type", "Placements by type and age band", counts, "count",
                  1), table("Weeks by type", "Weeks of placement by type and age band", weeks,
                            "weeks", 7)]
