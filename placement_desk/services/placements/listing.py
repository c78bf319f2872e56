"""The Placements list: every episode as a plain row, and its search and filters.

The list holds every episode (60,000 and more on a large council's database), so
it is read once into plain rows by :func:`list_episodes` and filtered in memory by
:func:`filter_rows`: one pass over pre-built lower-case search text and a few
comparisons, quick enough to run on every keystroke. The SSDA903 checks
(:mod:`.ssda903`: the DfE's rules of each episode's collection year and our own
``PD-...`` checks) give the list their counts and rule codes through
:func:`issue_counts`, which the page runs in the background; the problem filter takes
a rule code.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db import Database
from ...dbsql import fetch_stored, stored
from ...models import Agreement, Child, PlacementEpisode, Setting
from ...models.enums import CommissioningRoute, PlacementType
from .distance import LOCAL_MILES, within_20_miles
from .live import is_live_on


class EpisodeRow(NamedTuple):
    """One episode as the Placements list shows it. Ids are as stored (32 hex digits):
    turning 60,000 of them into UUIDs would cost more than the rest of the read."""

    id: str
    child_id: str
    child_ref: str
    start_date: dt.date
    end_date: dt.date | None
    placement_type: str
    setting_id: str | None
    setting_name: str | None
    urn: str | None
    route: CommissioningRoute | None
    distance_miles: float | None
    distance_entered: bool
    placement_postcode: str | None
    agreement_ref: str | None = None

    @property
    def uuid(self) -> uuid.UUID:
        return uuid.UUID(self.id)

    @property
    def care_leaver(self) -> bool:
        return self.placement_type.startswith("CL_")

    @property
    def type_label(self) -> str:
        try:
            return PlacementType(self.placement_type).label
        except ValueError:
            return self.placement_type

    def live_on(self, day: dt.date) -> bool:
        return is_live_on(self.start_date, self.end_date, day)

    @property
    def local(self) -> bool | None:
        return within_20_miles(self.distance_miles)


def _list_episodes(session: Session) -> list[EpisodeRow]:
    """Every live (not deleted) episode of every child, newest start first.

    Four plain queries (episodes, children, settings, agreements) joined here, and
    columns read as SQLite stores them: 60,000 episodes in a fraction of a second.
    """
    pe = PlacementEpisode
    children: dict[str, str] = dict(fetch_stored(session, select(
        stored(Child.id), Child.case_ref).where(Child.deleted_at.is_(None))))
    settings = {sid: (name, urn) for sid, name, urn in fetch_stored(session, select(
        stored(Setting.id), Setting.name, Setting.urn))}
    agreements: dict[str, str] = dict(fetch_stored(session, select(
        stored(Agreement.episode_id), Agreement.reference)
        .where(Agreement.deleted_at.is_(None), Agreement.episode_id.is_not(None))))
    query = (select(stored(pe.id), stored(pe.child_id), stored(pe.start_date), stored(pe.end_date),
                    pe.placement_type, stored(pe.setting_id), pe.urn,
                    stored(pe.commissioning_route), pe.distance_miles, pe.distance_entered,
                    pe.placement_postcode)
             .where(pe.deleted_at.is_(None)))
    found = fetch_stored(session, query)
    days: dict[str | None, dt.date | None] = {None: None}
    for text in {r[2] for r in found} | {r[3] for r in found}:
        if text is not None:
            days[text] = dt.date.fromisoformat(text[:10])
    routes: dict[str | None, CommissioningRoute | None] = {m.value: m
                                                           for m in CommissioningRoute}
    no_setting = (None, None)
    row = EpisodeRow
    rows: list[EpisodeRow] = []
    append = rows.append
    for (eid, cid, start, end, place, sid, urn, route, miles, entered,
         postcode) in found:
        ref = children.get(cid)
        if ref is None:
            continue
        name, setting_urn = settings.get(sid, no_setting)
        append(row(eid, cid, ref, days[start], days[end], place,  # type: ignore[arg-type]
                   sid, name, urn or setting_urn, routes.get(route), miles, bool(entered),
                   postcode, agreements.get(eid)))
    rows.sort(key=lambda r: r.child_ref)
    rows.sort(key=lambda r: r.start_date, reverse=True)
    return rows


def list_episodes(db: Database) -> list[EpisodeRow]:
    """Every live (not deleted) episode of every child, newest start first.

    Four plain queries (episodes, children, settings, agreements) joined here, and
    columns read as SQLite stores them: 60,000 episodes in a fraction of a second.
    """
    with db.read() as session:
        return _list_episodes(session)


Within = Literal["", "yes", "no", "unknown"]
State = Literal["", "live", "ended"]


@dataclass
class EpisodeFilter:
    """What the list shows; empty values show everything."""

    text: str = ""
    """Words that must all appear in the child reference, setting, URN or postcode."""
    placement_type: str = ""
    """A PLACE code, or "care_leavers" for every care leaver's accommodation."""
    route: str = ""
    state: State = ""
    within_20: Within = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    """Episodes overlapping [date_from, date_to] (both days included)."""
    child_id: str | None = None
    """As stored: 32 hex digits (``uuid.hex``)."""
    setting_id: str | None = None
    only_with_issues: bool = False
    problem_code: str = ""
    """A rule code (``146``, ``PD-URN``...): only episodes with a problem of that rule."""
    ids: frozenset[str] | None = None
    """Only these episodes (as stored: 32 hex digits), e.g. those behind a KPI."""

    def is_clear(self) -> bool:
        return not any((self.text, self.placement_type, self.route, self.state, self.within_20,
                        self.date_from, self.date_to, self.child_id, self.setting_id,
                        self.only_with_issues, self.problem_code, self.ids is not None))


def haystack(row: EpisodeRow) -> str:
    return " ".join(p for p in (row.child_ref, row.setting_name, row.urn,
                                row.placement_postcode, row.placement_type,
                                row.agreement_ref) if p).casefold()


def filter_rows(rows: Sequence[EpisodeRow], hays: Sequence[str], f: EpisodeFilter,
                today: dt.date, issues: dict[str, IssueCount] | None = None) -> list[int]:
    """Positions of the rows that pass the filter, in their order."""
    words = f.text.casefold().split()
    place, route, state, within = f.placement_type, f.route, f.state, f.within_20
    first, last = f.date_from, f.date_to
    child, setting, ids = f.child_id, f.setting_id, f.ids
    only_issues = (f.only_with_issues or bool(f.problem_code)) and issues is not None
    code = f.problem_code
    # Typing is the common case: the words narrow the list first, each in one pass.
    candidates: Sequence[int] = range(len(rows))
    for word in words:
        candidates = [n for n in candidates if word in hays[n]]
    if ids is not None:
        candidates = [n for n in candidates if rows[n].id in ids]
    if not (place or route or state or within or first or last or child or setting
            or only_issues):
        return list(candidates)
    keep: list[int] = []
    for n in candidates:
        row = rows[n]
        if place:
            if place == "care_leavers":
                if not row.placement_type.startswith("CL_"):
                    continue
            elif row.placement_type != place:
                continue
        if route and (row.route is None or row.route.value != route):
            continue
        if state:
            live = row.end_date is None or row.end_date > today
            if live != (state == "live"):
                continue
        if within:
            miles = row.distance_miles
            if within == "unknown":
                if miles is not None:
                    continue
            elif miles is None or (miles <= LOCAL_MILES) != (within == "yes"):
                continue
        if last is not None and row.start_date > last:
            continue
        if first is not None and row.end_date is not None and row.end_date <= first:
            continue
        if child is not None and row.child_id != child:
            continue
        if setting is not None and row.setting_id != setting:
            continue
        if only_issues:
            found = issues.get(row.id) if issues is not None else None
            if found is None or (code and code not in found.codes):
                continue
        keep.append(n)
    return keep


@dataclass(frozen=True)
class IssueCount:
    errors: int
    warnings: int
    codes: tuple[str, ...] = ()
    """The rule codes of the problems, each once, in the order found."""

    @property
    def text(self) -> str:
        parts = []
        if self.errors:
            parts.append(f"{self.errors} error{'s' if self.errors != 1 else ''}")
        if self.warnings:
            parts.append(f"{self.warnings} warning{'s' if self.warnings != 1 else ''}")
        return f"{', '.join(self.codes)} ({', '.join(parts)})" if self.codes else ", ".join(parts)


def issue_counts(db: Database, today: dt.date) -> dict[str, IssueCount]:
    """Episode id (hex) → its 903 errors, warnings and rule codes (only those with any)."""
    from .ssda903.stored import check_stored  # pandas loads only when the checks run

    with db.read() as session:
        found = check_stored(session, today)
    result = {}
    for eid, issues in found.items():
        levels = Counter(i.level for i in issues)
        codes = tuple(dict.fromkeys(i.code for i in issues))
        result[eid.hex] = IssueCount(levels["error"], levels["warning"], codes)
    return result


def problem_codes(issues: dict[str, IssueCount]) -> list[tuple[str, int]]:
    """Each rule code found, with how many episodes have it: the DfE's codes in number
    order, then our own."""
    counts = Counter(code for found in issues.values() for code in found.codes)

    def order(code: str) -> tuple[int, int, str]:
        digits = "".join(ch for ch in code if ch.isdigit())
        return (1, 0, code) if code.startswith("PD-") else (0, int(digits or 0), code)

    return sorted(counts.items(), key=lambda item: order(item[0]))
