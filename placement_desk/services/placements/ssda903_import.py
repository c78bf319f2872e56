"""Importing an SSDA903 return (header and episodes files) into children and episodes.

One call reads both files first (so a file that is not a 903 file changes nothing),
then imports every usable row in a single transaction: children are matched by
their case reference (CHILD), episodes by child and start date (DECOM). New rows
are added, changed ones updated, the rest left alone, so importing the same files
again changes nothing. Rows that cannot be used (an episode whose child is not in
the header, a date that is not a date, an unknown code, an end before the start...)
are listed with their row, column and reason and left out. An episode whose URN is
not in the register is kept with a warning and no link to a setting. Every imported
episode is then checked with the 903 rules of
:mod:`placement_desk.services.ssda903_rules`, and their errors and warnings are
reported too. Distances are worked out from HOME_POST and PL_POST with the postcode
lookup; a distance an officer typed is never replaced. Cancelling, or an unexpected
error, rolls everything back.

Writes go through Core in bulk (100,000 rows take seconds, not minutes), with the
audit trail written here as the ORM hook would write it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from ...audit import bulk_created, bulk_updated
from ...db import Database
from ...errors import ValidationError
from ...identifiers import is_urn
from ...io.ssda903_files import (
    NOT_IMPORTED,
    EpisodeRecord,
    EpisodesFile,
    HeaderFile,
    HeaderRecord,
    Level,
    Problem,
    read_episodes_file,
    read_header_file,
)
from ...models import AuditEvent, Child, PlacementEpisode, Setting, utcnow
from ...progress import NULL_STATE, TaskState
from ..common.formatting import date_short
from .distance import miles_between_many
from .episodes import CASE_REF_RE, clean_postcode
from .ssda903_rules import check_episodes, clean_urn

__all__ = ["REPORT_HEADINGS", "Problem", "Ssda903Summary", "import_ssda903",
           "problem_rows", "save_problem_report"]

REPORT_HEADINGS = ("File", "Row", "Column", "Value", "Level", "Reason")
CHILD_FIELDS = ("date_of_birth", "sex", "ethnicity", "legal_status", "home_postcode")
EPISODE_FIELDS = ("end_date", "reason_new_episode", "legal_status", "category_of_need",
                  "placement_type", "place_provider", "reason_ceased", "reason_place_change",
                  "home_postcode", "placement_postcode", "urn", "setting_id", "distance_miles")
RULE_COLUMNS = {"start_date": "DECOM", "end_date": "DEC", "placement_type": "PLACE",
                "place_provider": "PLACE_PROVIDER", "urn": "URN",
                "reason_ceased": "REC", "legal_status": "LS"}
_CHUNK = 1000
_BULK = 5000
_AUDIT: Table = AuditEvent.__table__  # type: ignore[assignment]


@dataclass
class Ssda903Summary:
    """What an import did, for the GUI, the command line and ``--json``."""

    header_file: str = ""
    episodes_file: str = ""
    header_rows: int = 0
    episode_rows: int = 0
    children_new: int = 0
    children_updated: int = 0
    children_unchanged: int = 0
    episodes_new: int = 0
    episodes_updated: int = 0
    episodes_unchanged: int = 0
    header_rows_rejected: int = 0
    episode_rows_rejected: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        """Rows of either file left out."""
        return self.header_rows_rejected + self.episode_rows_rejected

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.level == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.level == "warning")

    def as_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.name != "problems"}
        data.update(rows_rejected=self.rows_rejected, errors=self.errors,
                    warnings=self.warnings,
                    problems=[dataclasses.asdict(p) for p in self.problems])
        return data


def problem_rows(summary: Ssda903Summary) -> list[list[object]]:
    """The problems as table rows under :data:`REPORT_HEADINGS`."""
    return [[p.file, p.row, p.column, p.value, p.level.capitalize(), p.reason]
            for p in summary.problems]


def save_problem_report(summary: Ssda903Summary, path: str | Path,
                        state: TaskState = NULL_STATE) -> Path:
    """Write the problems to an .xlsx (or .csv) file the user can filter and share."""
    from ...io.table_export import write_table

    return write_table(path, REPORT_HEADINGS, problem_rows(summary), sheet="Problems",
                       state=state)


# -- the import ------------------------------------------------------------------------------

@dataclass
class _Found:
    """An existing row: its id, compared values, and what must not be touched."""

    id: uuid.UUID
    values: dict[str, Any]
    deleted: bool
    distance_entered: bool = False


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-9
    return bool(a == b)


class _Importer:
    def __init__(self, session: Session, header: HeaderFile, episodes: EpisodesFile,
                 state: TaskState, today: dt.date) -> None:
        self.session = session
        self.header = header
        self.episodes = episodes
        self.state = state
        self.today = today
        self.now = utcnow()
        self.user = str(session.info.get("user") or "unknown")
        self.summary = Ssda903Summary(
            header_file=header.name, episodes_file=episodes.name,
            header_rows=header.rows_read, episode_rows=episodes.rows_read,
            header_rows_rejected=header.rejected, episode_rows_rejected=episodes.rejected)
        self.header_problems = list(header.problems)
        self.episode_problems = list(episodes.problems)
        self.audit_rows: list[dict[str, Any]] = []

    # -- problems ------------------------------------------------------------------------

    def _problem(self, record: HeaderRecord | EpisodeRecord, column: str, value: str | None,
                 level: Level, reason: str) -> None:
        is_header = isinstance(record, HeaderRecord)
        target = self.header_problems if is_header else self.episode_problems
        name = self.header.name if is_header else self.episodes.name
        target.append(Problem(name, record.row, column, value or "", level,
                              reason + (NOT_IMPORTED if level == "error" else "")))

    # -- children ------------------------------------------------------------------------

    def _load_children(self) -> dict[str, _Found]:
        found: dict[str, _Found] = {}
        for row in self.session.execute(select(
                Child.id, Child.case_ref, Child.deleted_at,
                *(getattr(Child, name) for name in CHILD_FIELDS))):
            values = dict(zip(CHILD_FIELDS, row[3:], strict=True))
            found[row.case_ref] = _Found(row.id, values, row.deleted_at is not None)
        return found

    def usable_children(self, existing: dict[str, _Found]) -> dict[str, HeaderRecord]:
        children: dict[str, HeaderRecord] = {}
        for record in self.header.records:
            if not CASE_REF_RE.match(record.child):
                self._problem(record, "CHILD", record.child, "error",
                              f"{record.child} is not a case reference: use up to 40 letters, "
                              "digits and / _ . - only.")
            elif record.child in children:
                self._problem(record, "CHILD", record.child, "error",
                              f"Child {record.child} is already on row "
                              f"{children[record.child].row} of the header file.")
            elif record.child in existing and existing[record.child].deleted:
                self._problem(record, "CHILD", record.child, "error",
                              f"Child {record.child} was deleted in Placement Desk; restore "
                              "the child's record first if this is the same child.")
            else:
                children[record.child] = record
                continue
            self.summary.header_rows_rejected += 1
        return children

    def save_children(self, children: dict[str, HeaderRecord], existing: dict[str, _Found],
                      latest: dict[str, EpisodeRecord]) -> dict[str, uuid.UUID]:
        ids: dict[str, uuid.UUID] = {}
        new_rows: list[dict[str, Any]] = []
        changed: list[tuple[_Found, dict[str, Any]]] = []
        for ref, record in children.items():
            found = existing.get(ref)
            values: dict[str, Any] = {"date_of_birth": record.date_of_birth, "sex": record.sex,
                                      "ethnicity": record.ethnicity}
            last = latest.get(ref)
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
                continue
            ids[ref] = found.id
            if all(_same(found.values[k], v) for k, v in values.items()):
                self.summary.children_unchanged += 1
            else:
                changed.append((found, values))
                self.summary.children_updated += 1
        self._insert(Child, "child", new_rows)
        self._update(Child, "child", CHILD_FIELDS, changed)
        return ids

    # -- episodes ------------------------------------------------------------------------

    def usable_episodes(self, children: dict[str, HeaderRecord]) -> list[EpisodeRecord]:
        rejected = dict(self.header.rejected_children)
        for child_row in self.header.records:
            if child_row.child not in children:
                rejected.setdefault(child_row.child, child_row.row)
        seen: dict[tuple[str, dt.date], int] = {}
        usable: list[EpisodeRecord] = []
        for record in self.episodes.records:
            key = (record.child, record.start_date)
            child = children.get(record.child)
            if child is None:
                reason = (f"Child {record.child} has no usable row in the header file "
                          f"(see row {rejected[record.child]} there)."
                          if record.child in rejected else
                          f"Child {record.child} is not in the header file.")
                self._problem(record, "CHILD", record.child, "error", reason)
            elif key in seen:
                self._problem(record, "DECOM", date_short(record.start_date), "error",
                              f"Child {record.child} already has an episode starting on "
                              f"{date_short(record.start_date)} (row {seen[key]}).")
            else:
                seen[key] = record.row
                usable.append(record)
                if record.start_date < child.date_of_birth:
                    self._problem(record, "DECOM", date_short(record.start_date), "warning",
                                  "The episode starts before the child's date of birth "
                                  f"({date_short(child.date_of_birth)}).")
                continue
            self.summary.episode_rows_rejected += 1
        return usable

    def _clean(self, record: EpisodeRecord) -> EpisodeRecord:
        """Postcodes in their usual form (a bad one left out with a warning), URN cleaned."""
        home = self._postcode(record, record.home_postcode, "HOME_POST")
        placement = self._postcode(record, record.placement_postcode, "PL_POST")
        urn = clean_urn(record.urn)
        if urn is not None and not is_urn(urn):
            self._problem(record, "URN", record.urn, "warning",
                          f"{urn} is not an Ofsted URN (two letters and six digits, or six "
                          "or seven digits); it was kept as recorded.")
        return dataclasses.replace(record, urn=urn, home_postcode=home,
                                   placement_postcode=placement)

    def _postcode(self, record: EpisodeRecord, value: str | None, column: str) -> str | None:
        try:
            return clean_postcode(value, column)
        except ValidationError:
            self._problem(record, column, value, "warning",
                          f"{value} is not a UK postcode, so it was left out.")
            return None

    def _load_episodes(self) -> dict[tuple[uuid.UUID, dt.date], _Found]:
        pe = PlacementEpisode
        found: dict[tuple[uuid.UUID, dt.date], _Found] = {}
        for row in self.session.execute(select(
                pe.id, pe.child_id, pe.start_date, pe.deleted_at, pe.distance_entered,
                *(getattr(pe, name) for name in EPISODE_FIELDS)).order_by(pe.created_at)):
            key = (row.child_id, row.start_date)
            if key in found and not found[key].deleted:
                continue  # two held episodes with one start: the first is matched
            values = dict(zip(EPISODE_FIELDS, row[5:], strict=True))
            found[key] = _Found(row.id, values, row.deleted_at is not None,
                                bool(row.distance_entered))
        return found

    def save_episodes(self, records: list[EpisodeRecord], child_ids: dict[str, uuid.UUID]
                      ) -> dict[uuid.UUID, EpisodeRecord]:
        existing = self._load_episodes()
        settings = {clean_urn(urn): sid for sid, urn in self.session.execute(
            select(Setting.id, Setting.urn).where(Setting.urn.is_not(None),
                                                  Setting.deleted_at.is_(None)))}
        self.state.progress("Working out distances", 0, 1)
        miles = miles_between_many(self.session, [(r.home_postcode, r.placement_postcode)
                                                  for r in records])
        matched: dict[uuid.UUID, EpisodeRecord] = {}
        new_rows: list[dict[str, Any]] = []
        changed: list[tuple[_Found, dict[str, Any]]] = []
        step = "Comparing episodes with the database"
        for done, (record, distance) in enumerate(zip(records, miles, strict=True), 1):
            if done % _CHUNK == 0:
                self.state.check_cancelled()
                self.state.progress(step, done, len(records))
            child_id = child_ids[record.child]
            found = existing.get((child_id, record.start_date))
            if found is not None and found.deleted:
                self._problem(record, "DECOM", date_short(record.start_date), "error",
                              f"Child {record.child}'s episode starting on "
                              f"{date_short(record.start_date)} was deleted in Placement "
                              "Desk; restore it first to update it from the return.")
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
            if found is None:
                episode_id = uuid.uuid4()
                new_rows.append({"id": episode_id, "child_id": child_id,
                                 "start_date": record.start_date, **values,
                                 "distance_entered": False, "commissioning_route": None,
                                 "route_reason": None, "notes": None, "deleted_at": None})
                matched[episode_id] = record
                self.summary.episodes_new += 1
                continue
            matched[found.id] = record
            if all(_same(found.values[k], v) for k, v in values.items()):
                self.summary.episodes_unchanged += 1
            else:
                changed.append((found, values))
                self.summary.episodes_updated += 1
        self.state.check_cancelled()
        self.state.progress("Saving episodes", 0, 1)
        self._insert(PlacementEpisode, "placement_episode", new_rows)
        self._update(PlacementEpisode, "placement_episode", EPISODE_FIELDS, changed)
        return matched

    def report_rules(self, matched: dict[uuid.UUID, EpisodeRecord]) -> None:
        """The 903 rules' errors and warnings on the episodes of the file."""
        self.state.progress("Checking episodes against the SSDA903 rules", 0, 1)
        issues = check_episodes(self.session, today=self.today)
        for episode_id, record in matched.items():
            found = issues.get(episode_id, [])
            for issue in found:
                column = RULE_COLUMNS.get(issue.field, issue.field.upper())
                self._rule_problem(record, column, issue.level, issue.message)

    def _rule_problem(self, record: EpisodeRecord, column: str, level: Level,
                      reason: str) -> None:
        value = {"DECOM": date_short(record.start_date), "DEC": date_short(record.end_date),
                 "PLACE": record.placement_type, "PLACE_PROVIDER": record.place_provider,
                 "URN": record.urn, "REC": record.reason_ceased,
                 "LS": record.legal_status}.get(column)
        self.episode_problems.append(Problem(self.episodes.name, record.row, column,
                                             value or "", level, reason))

    # -- bulk writes ----------------------------------------------------------------------

    def _insert(self, model: type[Child] | type[PlacementEpisode], entity: str,
                rows: list[dict[str, Any]]) -> None:
        table: Table = model.__table__  # type: ignore[assignment]
        for start in range(0, len(rows), _BULK):
            chunk = rows[start:start + _BULK]
            self.session.execute(insert(table), [
                {**row, "created_at": self.now, "updated_at": self.now, "version": 1}
                for row in chunk])
            self.session.execute(insert(_AUDIT),
                                 bulk_created(entity, chunk, user=self.user, at=self.now))
            self.state.check_cancelled()

    def _update(self, model: type[Child] | type[PlacementEpisode], entity: str,
                names: tuple[str, ...], changed: list[tuple[_Found, dict[str, Any]]]) -> None:
        if not changed:
            return
        table: Table = model.__table__  # type: ignore[assignment]
        statement = (update(table).where(table.c.id == bindparam("b_id"))
                     .values({**{name: bindparam(f"b_{name}") for name in names},
                              "version": table.c.version + 1,
                              "updated_at": bindparam("b_now")}))
        for start in range(0, len(changed), _BULK):
            chunk = changed[start:start + _BULK]
            self.session.execute(statement, [
                {"b_id": found.id, "b_now": self.now,
                 **{f"b_{name}": values[name] for name in names}} for found, values in chunk])
            changes = []
            for found, values in chunk:
                keys = [k for k in names if not _same(found.values[k], values[k])]
                changes.append((found.id, {k: found.values[k] for k in keys},
                                {k: values[k] for k in keys}))
            self.session.execute(insert(_AUDIT),
                                 bulk_updated(entity, changes, user=self.user, at=self.now))
            self.state.check_cancelled()

    # -- all together ---------------------------------------------------------------------

    def run(self) -> Ssda903Summary:
        self.state.progress("Comparing children with the database", 0, 1)
        existing = self._load_children()
        children = self.usable_children(existing)
        records = [self._clean(r) for r in self.usable_episodes(children)]
        latest: dict[str, EpisodeRecord] = {}
        for record in records:
            held = latest.get(record.child)
            if held is None or record.start_date > held.start_date:
                latest[record.child] = record
        self.state.check_cancelled()
        child_ids = self.save_children(children, existing, latest)
        self.state.check_cancelled()
        matched = self.save_episodes(records, child_ids)
        self.state.check_cancelled()
        self.report_rules(matched)
        self.summary.problems = (sorted(self.header_problems, key=lambda p: p.row)
                                 + sorted(self.episode_problems, key=lambda p: p.row))
        return self.summary


def import_ssda903(db: Database, header_path: str | Path,
                   episodes_path: str | Path, state: TaskState = NULL_STATE,
                   today: dt.date | None = None) -> Ssda903Summary:
    """Import an SSDA903 header file and episodes file (CSV or XLSX) in one transaction.

    Raises :class:`~placement_desk.errors.FileFormatError` (nothing imported) when a file
    cannot be read or lacks a required column, and
    :class:`~placement_desk.progress.Cancelled` (nothing imported) when cancelled.
    """
    header = read_header_file(header_path, state)
    episodes = read_episodes_file(episodes_path, state)
    with db.write() as session:
        summary = _Importer(session, header, episodes, state, today or dt.date.today()).run()
        state.check_cancelled()
        state.progress("Saving", 1, 1)
    return summary
