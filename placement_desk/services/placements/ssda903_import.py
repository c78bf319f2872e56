"""Importing an SSDA903 return (header and episodes files) into children and episodes.

One call reads both files first (so a file that is not a 903 file changes nothing),
checks them with the DfE's rules for the collection year (:mod:`.ssda903_file_checks`;
the year given, or by default the year of the latest episode), then stores every row
that can be stored, in a single transaction. Children are matched by their case reference
(CHILD), episodes by child and start date (DECOM): new rows are added, changed ones
updated, the rest left alone, so importing the same files again changes nothing.

A row is refused only when it cannot be stored at all: no child reference, no start
date, a date that is not a date, no placement type, a child twice, or an episode whose
child is not in the header. Every other row is stored as written, valid or not, and
its problems are listed: each with its rule code (the DfE's, or ``PD-...`` for our own
checks, :data:`.ssda903.register.OUR_CHECKS`), level, table, row, columns and message.
An episode whose URN is not in the register is kept with a warning and no link to a
setting. Distances are worked out from HOME_POST and PL_POST with the postcode lookup;
a distance an officer typed is never replaced. Cancelling, or an unexpected error, rolls
everything back. No message carries a record's values: each says where, not what.

Writes go through Core in bulk (100,000 rows take seconds, not minutes), with the
audit trail written as the ORM hook would write it (:mod:`.ssda903_bulk`). Which rows of
the episodes file can be imported is worked out over its columns at once
(:mod:`.ssda903_episode_plan`). The files are held as their
columns (:class:`~placement_desk.io.ssda903_records.Columns`) and the episodes are taken,
compared, written and checked against the register twenty thousand at a time, inside
the one transaction; the problems are held as a row and a kind each (:mod:`.ssda903_problems`).
A return of a million episodes takes well under a gigabyte.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db import Database
from ...errors import ValidationError
from ...identifiers import is_urn
from ...io.ssda903_files import read_episodes_file, read_header_file
from ...io.ssda903_records import (
    NOT_IMPORTED,
    EpisodeRecord,
    EpisodesFile,
    HeaderFile,
    HeaderRecord,
)
from ...io.ssda903_records import Problem as FileProblem
from ...models import Child, PlacementEpisode, Setting
from ...progress import NULL_STATE, TaskState
from ..common.backups import import_backup
from ..users.roles import Permission, require
from .distance import miles_between_many
from .form_checks import CASE_REF_RE, clean_postcode
from .ssda903 import YEARS, parse_year
from .ssda903.register import (
    Level,
    SettingFacts,
    check_against_register,
    clean_urn,
    load_settings,
)
from .ssda903_bulk import BulkWriter, Found, same_value
from .ssda903_episode_plan import EpisodePlan, plan_episodes
from .ssda903_file_checks import check_rules, rules_year_for
from .ssda903_problems import (
    REPORT_HEADINGS,
    SUMMARY_HEADINGS,
    FileTable,
    Problem,
    Problems,
    RuleCount,
    Ssda903Summary,
    problem_rows,
    rule_count_rows,
    save_problem_report,
)

__all__ = ["REPORT_HEADINGS", "SUMMARY_HEADINGS", "Problem", "Problems", "RuleCount",
           "Ssda903Summary", "import_ssda903", "problem_rows", "rule_count_rows",
           "save_problem_report"]

CHILD_FIELDS = ("date_of_birth", "sex", "ethnicity", "legal_status", "home_postcode")
EPISODE_FIELDS = ("end_date", "reason_new_episode", "legal_status", "category_of_need",
                  "placement_type", "place_provider", "reason_ceased", "reason_place_change",
                  "home_postcode", "placement_postcode", "urn", "setting_id", "distance_miles")
CODE_WIDTHS = {"reason_new_episode": ("RNE", 4), "legal_status": ("LS", 4),
               "category_of_need": ("CIN", 4), "placement_type": ("PLACE", 8),
               "place_provider": ("PLACE_PROVIDER", 4), "reason_ceased": ("REC", 4),
               "reason_place_change": ("REASON_PLACE_CHANGE", 8), "urn": ("URN", 20)}
"""Episode codes and the widest value the database holds for each."""
_ETHNIC_WIDTH = 8
"""The widest ethnicity code the database holds."""
_CHUNK = 1000
_PART = 20_000
"""Episodes (or new children) taken before they are written, inside the one transaction:
a return of a million episodes is held a part at a time."""
_IN_BATCH = 500
"""Keys per IN list."""

# -- the import ------------------------------------------------------------------------------

def _from_file(table: FileTable, problem: FileProblem) -> Problem:
    """A reader's problem: a row refused (an error) or a value left out (a warning)."""
    code = "PD-ROW" if problem.level == "error" else "PD-VALUE"
    return Problem(code, problem.level, table, problem.file, problem.row, problem.column,
                   problem.reason)


class _Importer:
    def __init__(self, session: Session, header: HeaderFile, episodes: EpisodesFile,
                 year: str, state: TaskState, today: dt.date) -> None:
        self.session = session
        self.header = header
        self.episodes = episodes
        self.year = year
        self.state = state
        self.today = today
        self.writes = BulkWriter(session, state)
        self.summary = Ssda903Summary(
            header_file=header.name, episodes_file=episodes.name, year=year,
            header_rows=header.rows_read, episode_rows=episodes.rows_read,
            header_rows_rejected=header.rejected, episode_rows_rejected=episodes.rejected)
        self.problems = Problems([*(_from_file("header", p) for p in header.problems),
                                  *(_from_file("episodes", p) for p in episodes.problems)])
        self._postcode_cache: dict[str, str | None] = {}
        """Postcode text → its usual form, None when blank, "" when not a postcode."""
        self._urn_cache: dict[str, bool] = {}
        self.held_children: set[uuid.UUID] = set()
        """Children held before the import (only theirs can have episodes held)."""

    # -- problems ------------------------------------------------------------------------

    def _problem(self, record: HeaderRecord | EpisodeRecord, code: str, columns: str,
                 level: Level, message: str) -> None:
        """A problem of our own with a row; a refused row's message says so."""
        if isinstance(record, HeaderRecord):
            table: FileTable = "header"
            name = self.header.name
        else:
            table, name = "episodes", self.episodes.name
        if code == "PD-ROW":
            message += NOT_IMPORTED
        self.problems.add(code, level, table, name, record.row, columns, message)

    # -- children ------------------------------------------------------------------------

    def _load_children(self) -> dict[str, Found]:
        found: dict[str, Found] = {}
        for row in self.session.execute(select(
                Child.id, Child.case_ref, Child.deleted_at,
                *(getattr(Child, name) for name in CHILD_FIELDS))):
            values = dict(zip(CHILD_FIELDS, row[3:], strict=True))
            found[row.case_ref] = Found(row.id, values, row.deleted_at is not None)
        return found

    def usable_children(self, existing: dict[str, Found]) -> dict[str, HeaderRecord]:
        children: dict[str, HeaderRecord] = {}
        for record in self.header.records:
            if not CASE_REF_RE.match(record.child):
                self._problem(record, "PD-ROW", "CHILD", "error",
                              "The child's reference is not a case reference: use up to 40 "
                              "letters, digits and / _ . - only.")
            elif record.child in children:
                self._problem(record, "PD-ROW", "CHILD", "error",
                              f"The same child is already on row "
                              f"{children[record.child].row:,} of the header file.")
            elif record.child in existing and existing[record.child].deleted:
                self._problem(record, "PD-ROW", "CHILD", "error",
                              "This child was deleted in Placement Desk; restore the child's "
                              "record first if this is the same child.")
            else:
                if record.ethnicity is not None and len(record.ethnicity) > _ETHNIC_WIDTH:
                    self._problem(record, "PD-VALUE", "ETHNIC", "warning",
                                  "The ETHNIC value is longer than any code, so it was left "
                                  "out.")
                    record = dataclasses.replace(record, ethnicity=None)
                children[record.child] = record
                continue
            self.summary.header_rows_rejected += 1
        return children

    def save_children(self, children: dict[str, HeaderRecord], existing: dict[str, Found],
                      latest: dict[str, int]) -> dict[str, uuid.UUID]:
        """Add the new children and update the changed ones (``latest``: each child's latest
        episode, by its position in the episodes file); their ids by reference."""
        ids: dict[str, uuid.UUID] = {}
        new_rows: list[dict[str, Any]] = []
        changed: list[tuple[Found, dict[str, Any]]] = []
        for ref, record in children.items():
            found = existing.get(ref)
            values: dict[str, Any] = {"date_of_birth": record.date_of_birth, "sex": record.sex,
                                      "ethnicity": record.ethnicity}
            at = latest.get(ref)
            last = self._clean(self.episodes.record_at(at), report=False) if at is not None \
                else None
            for name, value in (("legal_status", last.legal_status if last else None),
                                ("home_postcode", last.home_postcode if last else None)):
                # From the child's latest episode in the file; none keeps what is held.
                values[name] = value if value is not None else (
                    found.values[name] if found else None)
            if found is None:
                child_id = uuid.uuid4()
                new_rows.append({"id": child_id, "case_ref": ref, **values, "uasc": False,
                                 "disability": False, "needs_level": None,
                                 "personal_adviser": None, "notes": None, "deleted_at": None})
                ids[ref] = child_id
                self.summary.children_new += 1
                if len(new_rows) >= _PART:
                    self.writes.insert(Child, "child", new_rows)
                    new_rows = []
                continue
            ids[ref] = found.id
            self.held_children.add(found.id)
            if all(same_value(found.values[k], v) for k, v in values.items()):
                self.summary.children_unchanged += 1
            else:
                changed.append((found, values))
                self.summary.children_updated += 1
        self.writes.insert(Child, "child", new_rows)
        self.writes.update(Child, "child", CHILD_FIELDS, changed)
        return ids

    # -- episodes ------------------------------------------------------------------------

    def _usable(self, plan: EpisodePlan, at: int, record: EpisodeRecord,
                children: dict[str, HeaderRecord], rejected: dict[str, int]) -> bool:
        """Whether the ``at``-th stored episode can be imported; its problems if not, and
        the doubts about its dates if so."""
        child = children.get(record.child)
        if not plan.has_child[at]:
            reason = (f"The child has no usable row in the header file (see row "
                      f"{rejected[record.child]:,} there)."
                      if record.child in rejected else
                      "The child is not in the header file.")
            self._problem(record, "PD-ROW", "CHILD", "error", reason)
        elif at in plan.repeat_of:
            self._problem(record, "PD-ROW", "CHILD, DECOM", "error",
                          f"The child already has an episode starting on the same day "
                          f"(row {plan.repeat_of[at]:,}).")
        else:
            assert child is not None
            if record.end_date is not None and record.end_date < record.start_date:
                self._problem(record, "PD-DATES", "DECOM, DEC", "error",
                              "The episode ends (DEC) before it starts (DECOM).")
            if child.date_of_birth is not None and record.start_date < child.date_of_birth:
                self._problem(record, "PD-DATES", "DECOM", "warning",
                              "The episode starts before the child's date of birth.")
            return True
        self.summary.episode_rows_rejected += 1
        return False

    def _clean(self, record: EpisodeRecord, report: bool = True) -> EpisodeRecord:
        """Postcodes in their usual form (a bad one left out with a warning), URN cleaned,
        a code too long for the database left out with a warning (none when not
        ``report``)."""
        home = self._postcode(record, record.home_postcode, "HOME_POST", report)
        placement = self._postcode(record, record.placement_postcode, "PL_POST", report)
        urn = clean_urn(record.urn)
        if report and urn is not None and not self._urn_shaped(urn):
            self._problem(record, "PD-VALUE", "URN", "warning",
                          "The URN is not in Ofsted's form (two letters and six digits, or "
                          "six or seven digits); it was kept as recorded.")
        changes: dict[str, Any] = {"urn": urn, "home_postcode": home,
                                   "placement_postcode": placement}
        for name, (column, width) in CODE_WIDTHS.items():
            value = changes[name] if name == "urn" else getattr(record, name)
            if value is None or len(value) <= width:
                continue
            if name == "placement_type":
                value = value[:width]
                message = (f"The placement type is longer than any code; its first {width} "
                           "characters were kept.")
            else:
                value = None
                message = f"The {column} value is longer than any code, so it was left out."
            if report:
                self._problem(record, "PD-VALUE", column, "warning", message)
            changes[name] = value
        if all(getattr(record, name) == value for name, value in changes.items()):
            return record  # most rows: nothing to change
        return dataclasses.replace(record, **changes)

    def _urn_shaped(self, urn: str) -> bool:
        known = self._urn_cache.get(urn)
        if known is None:
            known = self._urn_cache[urn] = is_urn(urn)
        return known

    def _postcode(self, record: EpisodeRecord, value: str | None, column: str,
                  report: bool = True) -> str | None:
        """The postcode in its usual form (the same text is worked out once per import)."""
        if value is None:
            return None
        try:
            clean = self._postcode_cache[value]
        except KeyError:
            try:
                clean = clean_postcode(value, column)
            except ValidationError:
                clean = ""
            self._postcode_cache[value] = clean
        if clean == "":
            if report:
                self._problem(record, "PD-VALUE", column, "warning",
                              f"The {column} value is not a UK postcode, so it was left out.")
            return None
        return clean

    def _load_episodes(self, child_ids: Iterable[uuid.UUID]
                       ) -> dict[tuple[uuid.UUID, dt.date], Found]:
        """The episodes held for these children, by child and start date."""
        pe = PlacementEpisode
        found: dict[tuple[uuid.UUID, dt.date], Found] = {}
        wanted = list(dict.fromkeys(child_ids))
        for start in range(0, len(wanted), _IN_BATCH):
            for row in self.session.execute(select(
                    pe.id, pe.child_id, pe.start_date, pe.deleted_at, pe.distance_entered,
                    *(getattr(pe, name) for name in EPISODE_FIELDS))
                    .where(pe.child_id.in_(wanted[start:start + _IN_BATCH]))
                    .order_by(pe.created_at)):
                key = (row.child_id, row.start_date)
                if key in found and not found[key].deleted:
                    continue  # two held episodes with one start: the first is matched
                values = dict(zip(EPISODE_FIELDS, row[5:], strict=True))
                found[key] = Found(row.id, values, row.deleted_at is not None,
                                    bool(row.distance_entered))
        return found

    def save_episodes(self, children: dict[str, HeaderRecord],
                      child_ids: dict[str, uuid.UUID], plan: EpisodePlan) -> None:
        """Take the episodes file a part at a time: which rows can be imported (with the
        doubts about their dates), their values cleaned, compared with the episodes held,
        written, and checked against the register. Only a part's records are held."""
        rejected = dict(self.header.rejected_children)
        for child_row in self.header.records:
            if child_row.child not in children:
                rejected.setdefault(child_row.child, child_row.row)
        settings = {clean_urn(urn): sid for sid, urn in self.session.execute(
            select(Setting.id, Setting.urn).where(Setting.urn.is_not(None),
                                                  Setting.deleted_at.is_(None)))}
        facts = load_settings(self.session)
        stored = self.episodes.stored
        total = len(stored)
        for start in range(0, total, _PART):
            records: list[EpisodeRecord] = []
            for at in range(start, min(start + _PART, total)):
                record = self.episodes.record_at(stored[at])
                if self._usable(plan, at, record, children, rejected):
                    records.append(self._clean(record))
            self.state.check_cancelled()
            matched = self._save_part(records, child_ids, settings, start, total)
            self.state.check_cancelled()
            self.state.progress("Checking episodes against the register", start + len(records),
                                total)
            self.check_register(matched, facts)
            self.state.check_cancelled()

    def _save_part(self, records: list[EpisodeRecord], child_ids: dict[str, uuid.UUID],
                   settings: dict[str | None, uuid.UUID], done: int, total: int
                   ) -> list[EpisodeRecord]:
        """Write a part's episodes: the new added, the changed updated; the records matched
        with a stored episode (new or held)."""
        existing = self._load_episodes(
            i for r in records if (i := child_ids[r.child]) in self.held_children)
        miles = miles_between_many(self.session, [(r.home_postcode, r.placement_postcode)
                                                  for r in records])
        matched: list[EpisodeRecord] = []
        new_rows: list[dict[str, Any]] = []
        changed: list[tuple[Found, dict[str, Any]]] = []
        step = "Saving episodes"
        for count, (record, distance) in enumerate(zip(records, miles, strict=True), 1):
            if count % _CHUNK == 0:
                self.state.check_cancelled()
                self.state.progress(step, done + count, total)
            child_id = child_ids[record.child]
            found = existing.get((child_id, record.start_date))
            if found is not None and found.deleted:
                self._problem(record, "PD-ROW", "CHILD, DECOM", "error",
                              "This episode was deleted in Placement Desk; restore it first "
                              "to update it from the return.")
                self.summary.episode_rows_rejected += 1
                continue
            setting_id = settings.get(record.urn) if record.urn else None
            if setting_id is None and found is not None and found.values["urn"] == record.urn:
                setting_id = found.values["setting_id"]  # a link made by hand stays
            values = {name: getattr(record, name) for name in EPISODE_FIELDS
                      if name not in ("setting_id", "distance_miles")}
            values["setting_id"] = setting_id
            values["distance_miles"] = distance
            if found is not None and found.distance_entered:
                values["distance_miles"] = found.values["distance_miles"]
            matched.append(record)
            if found is None:
                new_rows.append({"id": uuid.uuid4(), "child_id": child_id,
                                 "start_date": record.start_date, **values,
                                 "distance_entered": False, "commissioning_route": None,
                                 "route_reason": None, "notes": None, "deleted_at": None,
                                 "unregistered_reason": None, "unregistered_action": None})
                self.summary.episodes_new += 1
                continue
            if all(same_value(found.values[k], v) for k, v in values.items()):
                self.summary.episodes_unchanged += 1
            else:
                changed.append((found, values))
                self.summary.episodes_updated += 1
        self.state.check_cancelled()
        self.state.progress(step, done + len(records), total)
        # In the order of the child-and-start index: SQLite inserts them a fifth quicker.
        new_rows.sort(key=lambda row: (row["child_id"], row["start_date"]))
        self.writes.insert(PlacementEpisode, "placement_episode", new_rows)
        self.writes.update(PlacementEpisode, "placement_episode", EPISODE_FIELDS, changed)
        return matched

    def check_register(self, matched: list[EpisodeRecord],
                       settings: dict[str, SettingFacts]) -> None:
        """The stored episodes against the register (types that may carry a URN only)."""
        no_urn = YEARS[self.year].urn_not_allowed
        for record in matched:
            if record.placement_type in no_urn:
                continue
            for finding in check_against_register(
                    record.placement_type, record.start_date, record.end_date, record.urn,
                    record.place_provider, settings, self.today):
                self._problem(record, finding.code, ", ".join(finding.columns), finding.level,
                              finding.message)

    # -- all together ---------------------------------------------------------------------

    def run(self) -> Ssda903Summary:
        self.state.progress("Comparing children with the database", 0, 1)
        existing = self._load_children()
        children = self.usable_children(existing)
        plan = plan_episodes(self.episodes, children)
        self.state.check_cancelled()
        child_ids = self.save_children(children, existing, plan.latest)
        del existing
        self.state.check_cancelled()
        self.save_episodes(children, child_ids, plan)
        self.state.check_cancelled()
        self.summary.problems = self.problems.sorted()
        self.problems = Problems()
        return self.summary


def import_ssda903(db: Database, header_path: str | Path,
                   episodes_path: str | Path, state: TaskState = NULL_STATE,
                   today: dt.date | None = None, year: str | None = None) -> Ssda903Summary:
    """Import an SSDA903 header file and episodes file (CSV or XLSX) in one transaction.

    ``year`` (``"2025-26"``) chooses the collection year whose rules check the files; by
    default it is the year of the latest episode (the nearest year with rules when that
    year has none). Raises :class:`~.ssda903.UnknownYear` for a year without rules and
    :class:`~placement_desk.errors.FileFormatError` when a file cannot be read or lacks a
    required column (nothing imported), and :class:`~placement_desk.progress.Cancelled`
    (nothing imported) when cancelled.
    """
    require(db, Permission.IMPORT_DATA, Permission.EDIT_PLACEMENTS)
    today = today or dt.date.today()
    if year is not None:
        parse_year(year)  # refuse an unknown year before reading anything
    header = read_header_file(header_path, state)
    episodes = read_episodes_file(episodes_path, state)
    rules_year, reason = rules_year_for(episodes, year, today)
    # The files are readable: a copy to go back to, kept only if the import commits.
    with import_backup(db), db.write() as session:
        importer = _Importer(session, header, episodes, rules_year, state, today)
        importer.summary.year_reason = reason
        check_rules(importer.problems, header, episodes, rules_year, state)
        summary = importer.run()
        state.check_cancelled()
        state.progress("Saving", 1, 1)
    return summary
