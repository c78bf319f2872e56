"""Importing an SSDA903 return (header and episodes files) into children and episodes.

One call reads both files first (so a file that is not a 903 file changes nothing),
checks them with the DfE's rules for the collection year (:mod:`.ssda903`; the year
given, or by default the year of the latest episode), then stores every row that can
be stored, in a single transaction. Children are matched by their case reference
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
audit trail written here as the ORM hook would write it. The files are held as their
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from ...audit import audit_value, bulk_updated, chain_rows
from ...db import Database, note_written
from ...dbsql import insert_rows_at_once
from ...errors import ValidationError
from ...identifiers import is_urn
from ...io.ssda903_files import read_episodes_file, read_header_file
from ...io.ssda903_records import (
    NOT_IMPORTED,
    Columns,
    EpisodeRecord,
    EpisodesFile,
    HeaderFile,
    HeaderRecord,
    raw_text,
)
from ...io.ssda903_records import Problem as FileProblem
from ...models import AuditEvent, Child, PlacementEpisode, Setting, utcnow
from ...models.enums import AuditAction
from ...progress import NULL_STATE, TaskState
from ..common.backups import import_backup
from ..users.roles import Permission, require
from .distance import miles_between_many
from .episodes import CASE_REF_RE, clean_postcode
from .ssda903 import RULES, YEARS, label_overlaps, parse_year, run_rules
from .ssda903.register import (
    Level,
    SettingFacts,
    check_against_register,
    clean_urn,
    load_settings,
)
from .ssda903.stored import rules_year_of
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
_BULK = 5000
_PART = 20_000
"""Episodes (or new children) taken before they are written, inside the one transaction:
a return of a million episodes is held a part at a time."""
_IN_BATCH = 500
"""Keys per IN list."""
_AUDIT: Table = AuditEvent.__table__  # type: ignore[assignment]

# -- the import ------------------------------------------------------------------------------

@dataclass
class _Found:
    """An existing row: its id, compared values, and what must not be touched."""

    id: uuid.UUID
    values: dict[str, Any]
    deleted: bool
    distance_entered: bool = False


_AS_IS: frozenset[type] = frozenset({str, int, float, bool, type(None)})
_AUDIT_FORMS: dict[type, Any] = {uuid.UUID: str, dt.date: dt.date.isoformat}


def _audit_values(row: dict[str, Any]) -> dict[str, Any]:
    """A new row as the audit trail stores it (as :func:`~placement_desk.audit.audit_value`
    does, with a quick path for the kinds of value an import writes), its empty fields left
    out (:func:`~placement_desk.audit.created_values`)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        kind = type(value)
        if value is None:
            continue
        if kind in _AS_IS:
            out[key] = value
        else:
            form = _AUDIT_FORMS.get(kind)
            out[key] = form(value) if form is not None else audit_value(value)
    return out


def _insert_many(session: Session, table: Table, rows: list[dict[str, Any]],
                 same: dict[str, Any]) -> None:
    """Insert rows (each with the same keys) plus the columns ``same`` gives every row one
    value: on SQLite hundreds to a statement, on a server through the driver's
    executemany.

    Each value is converted by its column's type for the database, as SQLAlchemy does, but
    a column at a time, and a shared value once: for 100,000 rows this saves seconds.
    """
    if not rows:
        return
    note_written(session, table.name)
    connection = session.connection()
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=[*rows[0], *same])
    names = list(compiled.positiontup or []) if compiled.positional else [*rows[0], *same]
    columns: list[list[Any]] = []
    for name in names:
        convert = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if name in same:
            value = same[name]
            columns.append([convert(value) if convert else value] * len(rows))
        else:
            values = [row[name] for row in rows]
            columns.append(list(map(convert, values)) if convert else values)
    if compiled.positional and dialect.name == "sqlite":
        insert_rows_at_once(connection, compiled.string, columns, len(rows))
    elif compiled.positional:
        connection.exec_driver_sql(compiled.string, list(zip(*columns, strict=True)))
    else:
        connection.exec_driver_sql(compiled.string,
                                   [dict(zip(names, values, strict=True))
                                    for values in zip(*columns, strict=True)])


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-9
    return bool(a == b)


def _from_file(table: FileTable, problem: FileProblem) -> Problem:
    """A reader's problem: a row refused (an error) or a value left out (a warning)."""
    code = "PD-ROW" if problem.level == "error" else "PD-VALUE"
    return Problem(code, problem.level, table, problem.file, problem.row, problem.column,
                   problem.reason)


@dataclass(frozen=True, slots=True)
class _Plan:
    """Which stored rows of the episodes file can be imported (by their order among them)."""

    has_child: np.ndarray[Any, np.dtype[np.bool_]]
    """Whether the row's child has a usable header row."""
    repeat_of: dict[int, int]
    """A row repeating an earlier one's child and start date → that row's number."""
    latest: dict[str, int]
    """Child reference → the position (among the data rows) of its latest episode."""


def rules_frame(columns: Columns) -> pd.DataFrame:
    """A file's columns as the SSDA903 rules read them (text as the DfE's validator reads
    it), each column categorical: a code per row and each distinct text once."""
    data: dict[str, pd.Categorical] = {}
    size = len(columns)
    for name in columns.names:
        texts = [raw_text(cell) for cell in columns.distinct(name)]
        if not columns.has(name):
            data[name] = pd.Categorical.from_codes(np.zeros(size, dtype=np.int8), [""])
            continue
        distinct = list(dict.fromkeys(texts))
        index = {text: i for i, text in enumerate(distinct)}
        recode = np.array([index[text] for text in texts], dtype=np.int32)
        codes = recode[np.frombuffer(columns.codes(name), dtype=np.intc)]
        data[name] = pd.Categorical.from_codes(codes, distinct)
    return pd.DataFrame(data)


class _Importer:
    def __init__(self, session: Session, header: HeaderFile, episodes: EpisodesFile,
                 year: str, state: TaskState, today: dt.date) -> None:
        self.session = session
        self.header = header
        self.episodes = episodes
        self.year = year
        self.state = state
        self.today = today
        self.now = utcnow()
        self.user = str(session.info.get("user") or "unknown")
        self.summary = Ssda903Summary(
            header_file=header.name, episodes_file=episodes.name, year=year,
            header_rows=header.rows_read, episode_rows=episodes.rows_read,
            header_rows_rejected=header.rejected, episode_rows_rejected=episodes.rejected)
        self.problems = Problems([*(_from_file("header", p) for p in header.problems),
                                  *(_from_file("episodes", p) for p in episodes.problems)])
        self.audit_rows: list[dict[str, Any]] = []
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

    def check_rules(self) -> None:
        """The DfE's rules of the year over the files as written, and every overlap."""
        header = rules_frame(self.header.columns)
        episodes = rules_frame(self.episodes.columns)
        rules = {rule.code: rule for rule in RULES[self.year]}
        found = run_rules(header, episodes, self.year, self.state)
        del header
        files = {"header": (self.header.name, self.header.columns.numbers),
                 "episodes": (self.episodes.name, self.episodes.columns.numbers)}
        for code, table, positions in found:
            rule = rules[code]
            name, numbers = files[table]
            self.problems.add_rows(code, "error", table, name, ", ".join(rule.fields),
                                   rule.message,
                                   np.frombuffer(numbers, dtype=np.intc)[positions].tolist())
        del found
        self.state.check_cancelled()
        numbers = self.episodes.columns.numbers
        for pair in label_overlaps(episodes):
            if not pair.is_501:
                self.problems.add(
                    "PD-OVERLAP", "error", "episodes", self.episodes.name,
                    numbers[pair.second], "DECOM, DEC",
                    f"The episode starts before the child's episode on row "
                    f"{numbers[pair.first]:,} ends; rule 501 compares each episode with the "
                    "one before it only (and skips one still open), so it does not report "
                    "this.")

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

    def save_children(self, children: dict[str, HeaderRecord], existing: dict[str, _Found],
                      latest: dict[str, int]) -> dict[str, uuid.UUID]:
        """Add the new children and update the changed ones (``latest``: each child's latest
        episode, by its position in the episodes file); their ids by reference."""
        ids: dict[str, uuid.UUID] = {}
        new_rows: list[dict[str, Any]] = []
        changed: list[tuple[_Found, dict[str, Any]]] = []
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
                    self._insert(Child, "child", new_rows)
                    new_rows = []
                continue
            ids[ref] = found.id
            self.held_children.add(found.id)
            if all(_same(found.values[k], v) for k, v in values.items()):
                self.summary.children_unchanged += 1
            else:
                changed.append((found, values))
                self.summary.children_updated += 1
        self._insert(Child, "child", new_rows)
        self._update(Child, "child", CHILD_FIELDS, changed)
        return ids

    # -- episodes ------------------------------------------------------------------------

    def plan_episodes(self, children: dict[str, HeaderRecord]) -> _Plan:
        """Which stored rows of the episodes file can be imported, worked out over the file's
        columns at once: a row whose child has no usable header row, or a second row of a
        child starting on the same day, cannot; and each child's latest episode."""
        episodes = self.episodes
        columns = episodes.columns
        stored = np.frombuffer(episodes.stored, dtype=np.intc).astype(np.int64)
        index = {ref: i for i, ref in enumerate(children)}
        child_of = np.array([index.get(value, -1) for value in columns.values("CHILD")]
                            + [-1], dtype=np.int64)
        day_of = np.array([value.toordinal() if value is not None else 0
                           for value in columns.values("DECOM")] + [0], dtype=np.int64)
        child = child_of[np.frombuffer(columns.codes("CHILD"), dtype=np.intc)[stored]]
        day = day_of[np.frombuffer(columns.codes("DECOM"), dtype=np.intc)[stored]]
        usable = np.flatnonzero(child >= 0)
        # A second row of a child and start day (in file order) repeats the first.
        key = child[usable] * (1 << 23) + day[usable]
        order = np.argsort(key, kind="stable")
        ranked = key[order]
        first = np.ones(len(ranked), dtype=bool)
        first[1:] = ranked[1:] != ranked[:-1]
        group = np.maximum.accumulate(np.where(first, np.arange(len(ranked)), 0))
        repeats = usable[order[~first]]
        originals = usable[order[group[~first]]]
        numbers = columns.numbers
        repeat_of = {int(r): numbers[int(stored[o])]
                     for r, o in zip(repeats.tolist(), originals.tolist(), strict=True)}
        ok = usable[order[first]]
        ok.sort()
        # Each child's latest episode: the first in file order of its latest start.
        latest_rows = ok[np.lexsort((ok, -day[ok], child[ok]))]
        heads = np.ones(len(latest_rows), dtype=bool)
        heads[1:] = child[latest_rows][1:] != child[latest_rows][:-1]
        refs = list(children)
        latest = {refs[int(child[i])]: int(stored[i]) for i in latest_rows[heads].tolist()}
        return _Plan(child >= 0, repeat_of, latest)

    def _usable(self, plan: _Plan, at: int, record: EpisodeRecord,
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
                       ) -> dict[tuple[uuid.UUID, dt.date], _Found]:
        """The episodes held for these children, by child and start date."""
        pe = PlacementEpisode
        found: dict[tuple[uuid.UUID, dt.date], _Found] = {}
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
                found[key] = _Found(row.id, values, row.deleted_at is not None,
                                    bool(row.distance_entered))
        return found

    def save_episodes(self, children: dict[str, HeaderRecord],
                      child_ids: dict[str, uuid.UUID], plan: _Plan) -> None:
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
        changed: list[tuple[_Found, dict[str, Any]]] = []
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
            if all(_same(found.values[k], v) for k, v in values.items()):
                self.summary.episodes_unchanged += 1
            else:
                changed.append((found, values))
                self.summary.episodes_updated += 1
        self.state.check_cancelled()
        self.state.progress(step, done + len(records), total)
        # In the order of the child-and-start index: SQLite inserts them a fifth quicker.
        new_rows.sort(key=lambda row: (row["child_id"], row["start_date"]))
        self._insert(PlacementEpisode, "placement_episode", new_rows)
        self._update(PlacementEpisode, "placement_episode", EPISODE_FIELDS, changed)
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

    # -- bulk writes ----------------------------------------------------------------------

    def _insert(self, model: type[Child] | type[PlacementEpisode], entity: str,
                rows: list[dict[str, Any]]) -> None:
        table: Table = model.__table__  # type: ignore[assignment]
        stamps = {"created_at": self.now, "updated_at": self.now, "version": 1}
        event = {"at": self.now, "user": self.user, "action": AuditAction.CREATE,
                 "entity": entity, "before": None}
        for start in range(0, len(rows), _BULK):
            chunk = rows[start:start + _BULK]
            _insert_many(self.session, table, chunk, stamps)
            _insert_many(self.session, _AUDIT, chain_rows(
                self.session, [{"entity_id": row["id"], "after": _audit_values(row)}
                               for row in chunk], event), event)
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
            self.session.execute(insert(_AUDIT), chain_rows(
                self.session, bulk_updated(entity, changes, user=self.user, at=self.now)))
            self.state.check_cancelled()

    # -- all together ---------------------------------------------------------------------

    def run(self) -> Ssda903Summary:
        self.state.progress("Comparing children with the database", 0, 1)
        existing = self._load_children()
        children = self.usable_children(existing)
        plan = self.plan_episodes(children)
        self.state.check_cancelled()
        child_ids = self.save_children(children, existing, plan.latest)
        del existing
        self.state.check_cancelled()
        self.save_episodes(children, child_ids, plan)
        self.state.check_cancelled()
        self.summary.problems = self.problems.sorted()
        self.problems = Problems()
        return self.summary


def _rules_year(episodes: EpisodesFile, year: str | None, today: dt.date) -> tuple[str, str]:
    """The collection year whose rules apply, and why that one."""
    if year is not None:
        return parse_year(year), "chosen"
    latest = episodes.latest_start or today
    chosen = rules_year_of(latest)
    natural = f"{latest.year if latest.month >= 4 else latest.year - 1}"
    if not chosen.startswith(natural):
        return chosen, "the nearest year with rules to that of the latest episode"
    return chosen, "the year of the latest episode"


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
    rules_year, reason = _rules_year(episodes, year, today)
    # The files are readable: a copy to go back to, kept only if the import commits.
    with import_backup(db), db.write() as session:
        importer = _Importer(session, header, episodes, rules_year, state, today)
        importer.summary.year_reason = reason
        importer.check_rules()
        summary = importer.run()
        state.check_cancelled()
        state.progress("Saving", 1, 1)
    return summary
