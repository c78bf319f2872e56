"""The SSDA903 checks over the episodes held in the database, for the list and each record.

The database is not one return but many years of them, so each episode is judged by the
rules of the collection year it last belongs to: the year its end date falls in, or for
an open episode the year of today (years before or after those with rules take the
nearest year's rules). For each year the episodes are laid out as that year's return
would hold them: the children concerned with every episode started by the end of the
year, and the child's sex written in the year's code set (1 and 2 before 2024-25, M, F
and U from then). Rule 385 (an end date after the year) is the return's own bound and is
not applied here. Then come the checks of our own (:mod:`.register`): every overlapping
pair of episodes that rule 501 does not report, episodes that end before they start, and
the register's facts. Care leavers' accommodation (``CL_`` codes) is outside the return:
only the date and overlap checks apply to it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ....models import Child, PlacementEpisode
from ....models.enums import Sex
from .base import Table
from .engine import run_rules
from .overlaps import label_overlaps
from .register import Finding, check_against_register, load_settings
from .registry import RULES
from .years import YEARS, collection_year_for

__all__ = ["check_stored", "rules_year_of"]

_SKIPPED = frozenset({"385"})
_KNOWN = sorted(YEARS)
_LETTERS = {Sex.MALE: "M", Sex.FEMALE: "F", Sex.NOT_KNOWN: "U"}
_NUMBERS = {Sex.MALE: "1", Sex.FEMALE: "2", Sex.NOT_KNOWN: "U"}


def rules_year_of(day: dt.date) -> str:
    """The collection year whose rules judge an episode last in the return on ``day``."""
    year = collection_year_for(day)
    return min(max(year, _KNOWN[0]), _KNOWN[-1])


@dataclass(frozen=True, slots=True)
class _Episode:
    id: uuid.UUID
    child: uuid.UUID
    start: dt.date
    end: dt.date | None
    place: str
    provider: str | None
    urn: str | None
    cells: tuple[str | None, ...]
    """RNE, LS, CIN, REC, REASON_PLACE_CHANGE, HOME_POST, PL_POST."""


_CELL_COLUMNS = ("RNE", "LS", "CIN", "REC", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST")


def _text(day: dt.date | None) -> str:
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _episodes_frame(episodes: list[_Episode]) -> pd.DataFrame:
    columns: dict[str, list[str]] = {
        "CHILD": [e.child.hex for e in episodes],
        "DECOM": [_text(e.start) for e in episodes],
        "DEC": [_text(e.end) for e in episodes],
        "PLACE": [e.place for e in episodes],
        "PLACE_PROVIDER": [e.provider or "" for e in episodes],
        "URN": [e.urn or "" for e in episodes],
    }
    for i, name in enumerate(_CELL_COLUMNS):
        columns[name] = [e.cells[i] or "" for e in episodes]
    return pd.DataFrame(columns, dtype=object)


def _header_frame(children: list[tuple[uuid.UUID, dt.date | None, Sex | None, str | None]],
                  year: str) -> pd.DataFrame:
    codes = _NUMBERS if year < "2024_25" else _LETTERS
    return pd.DataFrame({
        "CHILD": [cid.hex for cid, _dob, _sex, _eth in children],
        "SEX": [codes.get(sex, "") if sex is not None else "" for _c, _d, sex, _e in children],
        "DOB": [_text(dob) for _cid, dob, _sex, _eth in children],
        "ETHNIC": [eth or "" for _cid, _dob, _sex, eth in children],
    }, dtype=object)


def _load(session: Session, child_id: uuid.UUID | None) -> tuple[
        list[_Episode], dict[uuid.UUID, tuple[uuid.UUID, dt.date | None, Sex | None, str | None]]]:
    pe = PlacementEpisode
    query = (select(pe.id, pe.child_id, pe.start_date, pe.end_date, pe.placement_type,
                    pe.place_provider, pe.urn, pe.reason_new_episode, pe.legal_status,
                    pe.category_of_need, pe.reason_ceased, pe.reason_place_change,
                    pe.home_postcode, pe.placement_postcode)
             .join(Child, Child.id == pe.child_id)
             .where(pe.deleted_at.is_(None), Child.deleted_at.is_(None)))
    people = select(Child.id, Child.date_of_birth, Child.sex, Child.ethnicity).where(
        Child.deleted_at.is_(None))
    if child_id is not None:
        query = query.where(pe.child_id == child_id)
        people = people.where(Child.id == child_id)
    episodes = [_Episode(eid, cid, start, end, place or "", provider, urn, tuple(cells))
                for eid, cid, start, end, place, provider, urn, *cells
                in session.execute(query)]
    children = {row[0]: (row[0], row[1], row[2], row[3]) for row in session.execute(people)}
    return episodes, children


def check_stored(session: Session, today: dt.date, child_id: uuid.UUID | None = None,
                 episode_id: uuid.UUID | None = None) -> dict[uuid.UUID, list[Finding]]:
    """Every live episode (or one child's): episode id → its problems, only those with any.

    With ``episode_id`` (one of the child's), only that episode's collection year is
    checked: its own answer is complete, its siblings' may not be.
    """
    episodes, children = _load(session, child_id)
    found: dict[uuid.UUID, list[Finding]] = defaultdict(list)
    in_return = [e for e in episodes if not e.place.startswith("CL_")]
    year_of = {e.id: rules_year_of(e.end or today) for e in in_return}
    by_child: dict[uuid.UUID, list[_Episode]] = defaultdict(list)
    for e in in_return:
        by_child[e.child].append(e)
    years = set(year_of.values())
    if episode_id is not None:
        years &= {year_of.get(episode_id, "")}
    for year in sorted(years):
        _apply_rules(year, by_child, children, year_of, found)
    _overlaps(episodes, in_return, found)
    settings = load_settings(session)
    for e in episodes:
        if e.end is not None and e.end < e.start:
            found[e.id].append(Finding("PD-DATES", "error", ("DECOM", "DEC"),
                                       "The episode ends before it starts."))
    for e in in_return:
        if e.place not in YEARS[year_of[e.id]].urn_not_allowed:
            found[e.id].extend(check_against_register(e.place, e.start, e.end, e.urn,
                                                      e.provider, settings, today))
    return {eid: items for eid, items in found.items() if items}


def _apply_rules(year: str, by_child: dict[uuid.UUID, list[_Episode]],
                 children: dict[uuid.UUID, tuple[uuid.UUID, dt.date | None, Sex | None,
                                                 str | None]],
                 year_of: dict[uuid.UUID, str], found: dict[uuid.UUID, list[Finding]]) -> None:
    """One collection year's rules over the episodes it judges, with their history."""
    last_day = YEARS[year].end
    judged = {cid for cid, eps in by_child.items() if any(year_of[e.id] == year for e in eps)}
    rows = [e for cid in judged for e in by_child[cid] if e.start <= last_day]
    people = [children[cid] for cid in judged if cid in children]
    flagged = run_rules(_header_frame(people, year), _episodes_frame(rows), year)
    rules = {rule.code: rule for rule in RULES[year]}
    for code, table, positions in flagged:
        if code in _SKIPPED:
            continue
        rule = rules[code]
        finding = Finding(code, "error", rule.fields, rule.message)
        for position in positions.tolist():
            for episode in _targets(table, position, rows, people, by_child):
                if year_of[episode.id] == year:
                    found[episode.id].append(finding)


def _targets(table: Table, position: int, rows: list[_Episode],
             people: list[tuple[uuid.UUID, dt.date | None, Sex | None, str | None]],
             by_child: dict[uuid.UUID, list[_Episode]]) -> list[_Episode]:
    """The episodes a flagged row concerns: itself, or for a header row the child's."""
    if table == "episodes":
        return [rows[position]]
    return by_child[people[position][0]]


def _overlaps(episodes: list[_Episode], in_return: list[_Episode],
              found: dict[uuid.UUID, list[Finding]]) -> None:
    """Overlapping pairs that rule 501 does not report, on the later episode of each."""
    message = ("The episode overlaps another of the child's episodes (starting {when}); rule "
               "501 compares each episode with the one before it only, so it does not "
               "report this.")
    for pair in label_overlaps(_episodes_frame(in_return)):
        if not pair.is_501:
            first = in_return[pair.first]
            found[in_return[pair.second].id].append(Finding(
                "PD-OVERLAP", "error", ("DECOM", "DEC"),
                message.format(when=_text(first.start))))
    leavers = [e for e in episodes if e.place.startswith("CL_")]
    if not leavers:
        return
    touched = {e.child for e in leavers}
    mixed = [e for e in episodes if e.child in touched]
    for pair in label_overlaps(_episodes_frame(mixed)):
        first, second = mixed[pair.first], mixed[pair.second]
        if first.place.startswith("CL_") or second.place.startswith("CL_"):
            found[second.id].append(Finding(
                "PD-OVERLAP", "error", ("DECOM", "DEC"),
                f"The episode overlaps another of the child's episodes (starting "
                f"{_text(first.start)})."))
