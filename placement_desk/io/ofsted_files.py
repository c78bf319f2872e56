"""Reading Ofsted's children's social care files exactly as published, into plain records.

Pure file reading, no database and no Qt: :func:`read_ofsted_file` turns one file
into an :class:`OfstedFile` that the importer maps into the register. It reads

- the yearly provider-level files ("Children's social care data in England –
  provider level", CSV or the published ODS workbook, 2015 onwards) and the
  31 August 2024 one: one row per setting with its latest full inspection (and,
  in 2024, the previous one);
- the in-year inspections file: one row per inspection event, monitoring
  inspections and assurance visits included (the ODS workbook's in-year sheet
  is read with its provider table);
- the closed children's homes file: URN, registration status, date closed;
- the provider lists Ofsted sends councils (children's homes list, social care
  providers list, the 2025 combined list), which keep each URN's allowed
  SSDA903 placement codes (PLACE) and placement provider code (PLACE_PROVIDER).

Headings are matched by meaning across the years' spellings (``Reg Status`` and
``Registration status``, ``Setting Name`` and ``Name``, ``Overall effectiveness``
and ``Overall experiences and progress of children and young people``, the 2022
file's ``Latest full inspectio health services``...). A problem in one row is a
warning naming the row and column, never a crash; a file without the columns
that matter is refused with a :class:`FileFormatError` saying what is missing.

:func:`open_ofsted_file` looks at a file's top rows only; its records are then read a
chunk of rows at a time (:meth:`OfstedReading.chunks`), which is how an import takes a
file of a million rows without holding it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import FileFormatError
from ..identifiers import is_urn, normalise_urn
from ..progress import NULL_STATE, TaskState
from .safety import TOO_LONG
from .tabular import (
    Cell,
    Row,
    SheetSource,
    cell_text,
    find_header,
    heading_key,
    long_cell,
    open_sheets,
    parse_date,
    parse_int,
)

FileKind = Literal["provider_level", "in_year", "closed", "council_list"]

JUDGEMENTS = ("Outstanding", "Good", "Requires improvement to be good", "Inadequate",
              "Adequate", "Requires improvement", "Satisfactory", "Sufficient", "Insufficient",
              "Improved effectiveness", "Sustained effectiveness", "Declined in effectiveness",
              "Consistently strong service delivery", "Inconsistent quality of service delivery",
              "Serious or widespread weaknesses")
"""Every overall judgement label a record can carry (the published words, normalised)."""

NOT_JUDGED = "Not judged"
WARNING_LIMIT = 500
_PROGRESS_EVERY = 250
EARLIEST_DATE = dt.date(1950, 1, 1)
"""No registration or closure date is earlier (the published files go back to 1973)."""
EARLIEST_INSPECTION = dt.date(2000, 1, 1)
"""No inspection in the files is earlier (Ofsted's start at 2007)."""
MAX_PLACES = 10_000
"""No setting has more places (the largest fostering agency has under 1,000)."""


def latest_date() -> dt.date:
    """The latest date a file may hold: a year from today (a date further on is a typing
    slip, such as 9999, that would otherwise outrank every real inspection)."""
    return _year_after(dt.date.today())


@functools.lru_cache(maxsize=4)
def _year_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=366)


class _Refused(Exception):
    """A value out of range: the row is left out, with the reason."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(problem)
        self.name, self.problem = name, problem


def _window(earliest: dt.date) -> str:
    return f"{earliest:%d/%m/%Y} to {latest_date():%d/%m/%Y}"

# Headings by meaning: field → the spellings seen in the published files, preferred first.
SETTING_HEADINGS: dict[str, tuple[str, ...]] = {
    "urn": ("URN",),
    "name": ("Name", "Setting Name", "Provider name"),
    "provision_type": ("Provision type", "Provider Type"),
    "registration_status": ("Registration status", "Reg Status", "Provider Status"),
    "registration_date": ("Registration date",),
    "sector": ("Sector",),
    "places": ("Places", "Number of registered places", "Max Users", "Capacity",
               "Maximum fostering places"),
    "premises": ("Supported accommodation premises", "Premises"),
    "address1": ("Address 1", "Setting address line 1", "Provider address line 1"),
    "address2": ("Address 2", "Setting address line 2", "Provider address line 2"),
    "town": ("Town", "Setting town", "Setting address town", "Provider town"),
    "county": ("County", "Setting county", "Setting address county", "Provider county"),
    "postcode": ("Postcode", "Setting postcode", "Setting address postcode",
                 "Provider postcode"),
    "local_authority": ("Local authority", "Setting local authority",
                        "Provider local authority"),
    "region": ("Government Office Region", "Region"),
    "ofsted_region": ("Ofsted region",),
    "owner_name": ("Organisation which owns the provider", "Organisation", "Organisation name",
                   "Owner name"),
    "owner_id": ("Owner ID",),
    "linked_education_urn": ("Linked Education URN", "Linked ED URN", "Linked school URN"),
    # Council lists: the children's homes list calls the PLACE codes "Provider Code" and
    # the PLACE_PROVIDER codes "Provider Placement Code" (as the DfE's 903 validator reads it).
    "place_codes": ("Placement code", "Provider Code"),
    "provider_code": ("Placement provider code", "Provider Placement Code"),
    "closed_date": ("Date closed", "Closed date", "Deregistration date"),
}
INSPECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    "event_type": ("Event type", "Inspection type", "Inspection event type"),
    "date": ("Inspection date", "Date", "Event date", "Start date",
             "Date of last full inspection"),
    "publication_date": ("Publication date", "Inspection publication date"),
    "event_number": ("Event number", "Inspection ID", "Inspection event number"),
    "overall": ("Overall effectiveness",
                "Overall experiences and progress of children and young people",
                "Overall effectiveness grade from last full inspection"),
    "sa_outcome": ("Supported Accommodation outcome",),
    "sub:outcomes": ("Outcomes for children and young people", "CYP outcomes"),
    "sub:quality_of_care": ("Quality of care",),
    "sub:safety": ("The safety of children and young people",
                   "Safeguarding children and young people", "CYP safety"),
    "sub:help_and_protection": ("How well children and young people are helped and protected",),
    "sub:leadership": ("The effectiveness of leaders and managers",
                       "Effectiveness of leaders and managers", "Leadership and management"),
    "sub:education": ("Outcomes in education and related learning activities",),
    "sub:health": ("Health services",),
}
# Which inspection an inspection heading describes, by its first words (2022: "inspectio").
INSPECTION_PREFIXES = (
    ("latest full inspection ", ""), ("latest full inspectio ", ""), ("latest ", ""),
    ("full inspection ", ""), ("previous full inspection ", "prev."),
    ("previous inspection ", "prev."), ("previous ", "prev."),
    ("interim inspection ", "interim."), ("assurance visit ", "assurance."), ("", ""))
_EXPERIENCES = heading_key(INSPECTION_HEADINGS["overall"][1])


def _keyed(table: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, int]]:
    return {heading_key(s): (name, rank) for name, spellings in table.items()
            for rank, s in enumerate(spellings)}


_SETTING_KEYS, _INSPECTION_KEYS = _keyed(SETTING_HEADINGS), _keyed(INSPECTION_HEADINGS)


@dataclass(frozen=True, slots=True)
class OfstedInspectionRecord:
    """One inspection event: a setting's latest (or previous) full inspection, or an
    in-year event. Judgements use the labels in :data:`JUDGEMENTS`."""

    urn: str
    event_type: str | None  # 'Full inspection', 'Monitoring inspection', 'Assurance visit'...
    inspection_date: dt.date
    publication_date: dt.date | None
    event_number: str | None
    overall_judgement: str | None
    sub_judgements: dict[str, str]  # e.g. {'help_and_protection': 'Good', 'leadership': ...}
    supported_accommodation_outcome: str | None
    source_row: int
    previous: OfstedInspectionRecord | None = None  # the full inspection before this one


@dataclass(frozen=True, slots=True)
class OfstedSettingRecord:
    """One registered setting. Blank and REDACTED values are None."""

    urn: str
    name: str | None
    provision_type: str | None
    registration_status: str | None
    registration_date: dt.date | None
    sector: str | None
    places: int | None
    address1: str | None
    address2: str | None
    town: str | None
    county: str | None
    postcode: str | None
    local_authority: str | None
    region: str | None  # Government Office Region (2015: "Region")
    owner_name: str | None
    linked_education_urn: str | None
    latest_inspection: OfstedInspectionRecord | None
    source_row: int  # the row number a spreadsheet shows
    allowed_placement_codes: tuple[str, ...] = ()  # council lists: SSDA903 PLACE codes
    provider_code: str | None = None  # council lists: PLACE_PROVIDER code(s), e.g. 'PR4'
    owner_id: str | None = None
    ofsted_region: str | None = None
    supported_accommodation_premises: int | None = None  # 2024 "Premises", 2025 onwards


@dataclass(frozen=True, slots=True)
class ClosedSettingRecord:
    urn: str
    registration_status: str | None
    closed_date: dt.date | None
    source_row: int


@dataclass(frozen=True, slots=True)
class OfstedFile:
    """Everything read from one file."""

    path: Path
    kind: FileKind
    as_at: dt.date | None = None  # the date the file describes, from its title or name
    settings: list[OfstedSettingRecord] = field(default_factory=list)
    inspections: list[OfstedInspectionRecord] = field(default_factory=list)  # in-year events
    closures: list[ClosedSettingRecord] = field(default_factory=list)
    sheets_used: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# -- headings and sheets ---------------------------------------------------------------------


@functools.lru_cache(maxsize=2048)
def _field_for(key: str) -> tuple[str, int] | None:
    """The field a heading key means, and the rank of its spelling (0 = preferred)."""
    if key in _SETTING_KEYS:
        return _SETTING_KEYS[key]
    for prefix, scope in INSPECTION_PREFIXES:
        if key.startswith(prefix) and (hit := _INSPECTION_KEYS.get(key[len(prefix):])):
            return scope + hit[0], hit[1]
    return None


def _columns(keys: list[str]) -> dict[str, int]:
    """Field → column index for a header row; the preferred spelling wins, then the first."""
    best: dict[str, tuple[int, int]] = {}
    for col, key in enumerate(keys):
        hit = _field_for(key) if key else None
        if hit is not None and (hit[0] not in best or (hit[1], col) < best[hit[0]]):
            best[hit[0]] = (hit[1], col)
    return {name: col for name, (_rank, col) in best.items()}


def _header_score(keys: list[str]) -> int:
    columns = _columns(keys)
    return len(columns) if "urn" in columns else 0


@dataclass(slots=True)
class _Table:
    source: SheetSource
    header: int  # index of the header row
    columns: dict[str, int]
    headings: list[str]  # as published, spaces collapsed
    title: str  # the text above the header
    role: FileKind | None


_IN_YEAR = re.compile(r"(?<![a-z])in[ _-]?year(?![a-z])")


def _table(source: SheetSource) -> _Table | None:
    header = find_header(source.head, _header_score)
    if header is None:
        return None
    row = source.head[header]
    keys = [heading_key(c) for c in row]
    columns = _columns(keys)
    title = " ".join(t for r in source.head[:header] for c in r if (t := cell_text(c)))
    judged = "overall" in columns or "sa_outcome" in columns
    role: FileKind | None = None
    if "place_codes" in columns or "provider_code" in columns:
        role = "council_list"
    elif judged and "date" in columns:
        in_year = ("inspection event type" in keys
                   or _IN_YEAR.search(f"{title} {source.name}".casefold()) is not None)
        role = "in_year" if in_year else "provider_level"
    elif "closed_date" in columns and not judged and "provision_type" not in columns:
        role = "closed"
    headings = [" ".join(str(c).split()) if c is not None else "" for c in row]
    return _Table(source, header, columns, headings, title, role)


_CHOOSE = ("Choose the provider-level file published by Ofsted (\"Children's social care data "
           "in England – provider level\", .csv or .ods), its in-year inspections or closed "
           "children's homes file, or a provider list Ofsted sent the council.")


def _refusal(path: Path, sheets: list[SheetSource], tables: list[_Table]) -> FileFormatError:
    many = len(sheets) > 1
    if not tables:
        names = f" on any of its sheets ({', '.join(s.name for s in sheets)})" if many else ""
        return FileFormatError(f"The file has no URN column{names}, so it is not an Ofsted "
                               f"file. {_CHOOSE}", file=path.name)
    best = max(tables, key=lambda t: len(t.columns))
    missing = []
    if "overall" not in best.columns and "sa_outcome" not in best.columns:
        missing.append("overall judgement column ('Overall effectiveness', 'Overall "
                       "experiences and progress of children and young people' or "
                       "'Supported accommodation outcome')")
    if "date" not in best.columns:
        missing.append("inspection date column ('Latest full inspection date' or "
                       "'Inspection date')")
    return FileFormatError(f"The file has a URN column but no {' and no '.join(missing)}, "
                           f"so it is not an Ofsted provider-level or in-year file. {_CHOOSE}",
                           file=path.name, sheet=best.source.name if many else "")


# -- cells -----------------------------------------------------------------------------------

_JUDGEMENT_KEYS = {heading_key(j): j for j in (*JUDGEMENTS, NOT_JUDGED)}
_CODE_SPLIT = re.compile(r"[\s,;/|]+")


@functools.lru_cache(maxsize=256)
def normalise_judgement(text: str) -> str | None:
    """The label for a published judgement ('Requires Improvement to be good' → 'Requires
    improvement to be good'), 'Not judged' for not judged; None when not a judgement."""
    return _JUDGEMENT_KEYS.get(heading_key(text))


@functools.lru_cache(maxsize=256)
def normalise_event_type(text: str) -> str:
    """'Full Inspection' → 'Full inspection'; 'SC – Emergency inspection' → 'Emergency
    inspection'; other words are kept as published."""
    key = heading_key(text)
    for word, label in (("interim", "Interim inspection"), ("monitoring", "Monitoring inspection"),
                        ("assurance", "Assurance visit"), ("emergency", "Emergency inspection"),
                        ("focused", "Focused visit"), ("full", "Full inspection")):
        if word in key:
            return label
    return text


def _codes(text: str | None) -> tuple[str, ...]:
    """'K2, S1' or 'K2/S1' → ('K2', 'S1')."""
    if not text:
        return ()
    return tuple(dict.fromkeys(c.upper() for c in _CODE_SPLIT.split(text) if c))


class _Row:
    """Reads the fields of one row, turning problems into warnings that name the cell."""

    __slots__ = ("columns", "experiences", "headings", "number", "row", "subs", "warnings",
                 "where")

    def __init__(self, table: _Table, where: str, warnings: _Warnings) -> None:
        self.columns, self.headings = table.columns, table.headings
        self.subs: dict[str, list[str]] = {}  # scope → its 'sub:...' fields
        for name in table.columns:
            scope, dot, rest = name.rpartition(".")
            if rest.startswith("sub:"):
                self.subs.setdefault(scope + dot, []).append(rest)
        # scopes whose overall judgement is "Overall experiences and progress..." (SCCIF)
        self.experiences = {name[:-len("overall")] for name, col in table.columns.items()
                            if name.endswith("overall")
                            and heading_key(table.headings[col]).endswith(_EXPERIENCES)}
        self.where, self.warnings = where, warnings
        self.row: Row = []
        self.number = 0

    def cell(self, name: str) -> Cell:
        col = self.columns.get(name)
        return self.row[col] if col is not None and col < len(self.row) else None

    def text(self, name: str) -> str | None:
        return cell_text(self.cell(name))

    def warn(self, name: str, problem: str) -> None:
        heading = self.headings[self.columns[name]] if name in self.columns else name
        self.warnings.add(f"{self.where}row {self.number}, column '{heading}': {problem}")

    def date(self, name: str, earliest: dt.date = EARLIEST_DATE) -> dt.date | None:
        try:
            day = parse_date(self.cell(name))
        except ValueError as exc:
            self.warn(name, f"{exc} (expected dd/mm/yyyy); left blank")
            return None
        if day is not None and not earliest <= day <= latest_date():
            raise _Refused(name, f"the date is not between {_window(earliest)}")
        return day

    def integer(self, name: str) -> int | None:
        try:
            number = parse_int(self.cell(name))
        except (ValueError, OverflowError):
            self.warn(name, f"{self.text(name)!r} is not a whole number; left blank")
            return None
        if number is not None and not 0 <= number <= MAX_PLACES:
            raise _Refused(name, f"the number is not between 0 and {MAX_PLACES:,}")
        return number

    def judgement(self, name: str) -> str | None:
        text = self.text(name)
        if text is None:
            return None
        label = normalise_judgement(text)
        if label is None:
            self.warn(name, f"{text!r} is not one of Ofsted's judgements; left blank")
        return None if label == NOT_JUDGED else label


class _Warnings:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.more = 0

    def add(self, text: str) -> None:
        if len(self.items) < WARNING_LIMIT:
            self.items.append(text)
        else:
            self.more += 1

    def result(self) -> list[str]:
        extra = [f"... and {self.more} more problems not listed"] if self.more else []
        return self.items + extra


def _inspection(r: _Row, urn: str, scope: str = "",
                default_event: str | None = None) -> OfstedInspectionRecord | None:
    """The inspection in ``scope`` ('' latest or in-year, 'prev.', 'interim.', 'assurance.')."""
    if scope + "date" not in r.columns:
        return None
    try:
        day = parse_date(r.cell(scope + "date"))
    except ValueError as exc:
        r.warn(scope + "date", f"{exc} (expected dd/mm/yyyy); the inspection is left out")
        return None
    if day is not None and not EARLIEST_INSPECTION <= day <= latest_date():
        raise _Refused(scope + "date", "the inspection date is not between "
                                       f"{_window(EARLIEST_INSPECTION)}")
    overall = r.judgement(scope + "overall")
    sa_outcome = r.judgement(scope + "sa_outcome")
    if day is None:
        if overall or sa_outcome:
            r.warn(scope + "date", "a judgement without an inspection date; the inspection "
                                   "is left out")
        return None
    subs: dict[str, str] = {}
    if overall and scope in r.experiences:
        subs["experiences_and_progress"] = overall
    for name in r.subs.get(scope, ()):
        if text := r.text(scope + name):
            subs[name[4:]] = normalise_judgement(text) or text
    event = r.text(scope + "event_type")
    return OfstedInspectionRecord(
        urn=urn, event_type=normalise_event_type(event) if event else default_event,
        inspection_date=day,
        event_number=_event_number(r, scope + "event_number"), overall_judgement=overall,
        sub_judgements=subs, supported_accommodation_outcome=sa_outcome, source_row=r.number,
        previous=_inspection(r, urn, "prev.") if scope == "" else None,
        publication_date=r.date(scope + "publication_date", EARLIEST_INSPECTION))


def _event_number(r: _Row, name: str) -> str | None:
    """An event number as published ('10183343'; '2457554' and the 2015 file's inspection
    IDs are shorter). What is not one, such as the 2023 file's '1.02E+07' (a spreadsheet's
    rounding), is left blank without a warning: the event is then known by its date."""
    text = r.text(name)
    return text if text is not None and text.isdigit() else None


def _setting(r: _Row, urn: str, latest: OfstedInspectionRecord | None) -> OfstedSettingRecord:
    postcode = r.text("postcode")
    return OfstedSettingRecord(
        urn=urn, name=r.text("name"), provision_type=r.text("provision_type"),
        registration_status=r.text("registration_status"),
        registration_date=r.date("registration_date"), sector=r.text("sector"),
        places=r.integer("places"), address1=r.text("address1"), address2=r.text("address2"),
        town=r.text("town"), county=r.text("county"),
        postcode=postcode.upper() if postcode else None,
        local_authority=r.text("local_authority"),
        region=r.text("region") or r.text("ofsted_region"), owner_name=r.text("owner_name"),
        linked_education_urn=normalise_urn(r.cell("linked_education_urn")),
        latest_inspection=latest, source_row=r.number,
        allowed_placement_codes=_codes(r.text("place_codes")),
        provider_code=",".join(_codes(r.text("provider_code"))) or None,
        owner_id=r.text("owner_id"), ofsted_region=r.text("ofsted_region"),
        supported_accommodation_premises=r.integer("premises"))


# -- reading ---------------------------------------------------------------------------------


CHUNK_ROWS = 20_000
"""Rows read before the records found in them are handed on: an importer writes each
chunk before the next is read, so a file of a million rows is never held whole."""


@dataclass(slots=True)
class OfstedChunk:
    """The records read from a run of rows, in file order."""

    settings: list[OfstedSettingRecord] = field(default_factory=list)
    inspections: list[OfstedInspectionRecord] = field(default_factory=list)
    closures: list[ClosedSettingRecord] = field(default_factory=list)


@dataclass(slots=True)
class _Sink:
    """Where rows put their records, and what the rows after them need to know."""

    chunk: OfstedChunk
    seen: dict[str, int] = field(default_factory=dict)
    """URN → the row of the latest setting read with it."""
    merged: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Council lists: URN → the placement codes of all its rows, where several rows share
    the URN (found by a first pass, :meth:`OfstedReading._council_codes`)."""
    codes: dict[str, tuple[str, ...]] | None = None
    """That first pass: URN → the codes of its rows so far."""
    grown: set[str] = field(default_factory=set)
    """That first pass: the URNs a later row added codes to."""


class OfstedReading:
    """One of Ofsted's files, opened: its kind, its date and its sheets are known at once
    (a file that is not Ofsted's is refused by :func:`open_ofsted_file`), and its records
    are read a chunk of rows at a time by :meth:`chunks`."""

    def __init__(self, path: Path, used: list[_Table], many: bool) -> None:
        self.path = path
        self._used = used
        self._many = many
        self.kind: FileKind = used[0].role or "provider_level"
        self.as_at = _as_at(path, used[0], self.kind)
        """The date the file describes, from its title or name (None when it says none)."""
        self.sheets_used = [t.source.name for t in used]
        self.total_rows = sum(max(t.source.total_rows - t.header - 1, 0) for t in used)
        """About how many rows there are below the headers (for progress)."""
        self._warnings = _Warnings()
        self._seen: dict[str, int] = {}

    @property
    def warnings(self) -> list[str]:
        """The problems of the rows read so far: all of them once :meth:`chunks` is done."""
        return self._warnings.result()

    @property
    def urns(self) -> Collection[str]:
        """The URNs of the settings read so far."""
        return self._seen.keys()

    def chunks(self, state: TaskState = NULL_STATE, step: str = "",
               rows: int | None = None) -> Iterator[OfstedChunk]:
        """The file's records, ``rows`` rows (:data:`CHUNK_ROWS`) at a time, in file order;
        progress is reported under ``step`` (when given) and cancel honoured every few
        hundred rows."""
        rows = rows or CHUNK_ROWS
        self._warnings = warnings = _Warnings()
        merged = self._council_codes(state) if self.kind == "council_list" else {}
        sink = _Sink(OfstedChunk(), merged=merged)
        self._seen = sink.seen
        done = 0
        for table in self._used:
            r = _Row(table, f"sheet {table.source.name}, " if self._many else "", warnings)
            for index, row in enumerate(
                    itertools.islice(table.source.iter_rows(), table.header + 1, None)):
                done += 1
                if done % _PROGRESS_EVERY == 0:
                    state.check_cancelled()
                    if step:
                        state.progress(step, done, max(self.total_rows, done))
                r.row, r.number = row, table.header + index + 2
                _read_checked(r, table.role, self.kind, sink)
                if done % rows == 0:
                    yield sink.chunk
                    sink.chunk = OfstedChunk()
        if step:
            state.progress(step, done, done)
        yield sink.chunk

    def _council_codes(self, state: TaskState) -> dict[str, tuple[str, ...]]:
        """A first pass over a council list: the placement codes of each URN listed on more
        than one row (premises, or the closed sheet), all of them on its first record."""
        sink = _Sink(OfstedChunk(), codes={})
        done = 0
        for table in self._used:
            r = _Row(table, "", _Warnings())
            for index, row in enumerate(
                    itertools.islice(table.source.iter_rows(), table.header + 1, None)):
                done += 1
                if done % _PROGRESS_EVERY == 0:
                    state.check_cancelled()
                    sink.chunk = OfstedChunk()  # only the codes are wanted
                r.row, r.number = row, table.header + index + 2
                _read_checked(r, table.role, self.kind, sink)
        assert sink.codes is not None
        return {urn: sink.codes[urn] for urn in sink.grown}


def open_ofsted_file(path: str | Path) -> OfstedReading:
    """Open one of Ofsted's files (CSV, XLSX or ODS) as published, reading only its top rows.

    Raises FileFormatError when the file is not one of them, naming what is missing.
    """
    path = Path(path)
    sheets = open_sheets(path)
    tables = [t for t in map(_table, sheets) if t is not None]
    used = _choose(tables)
    if not used:
        raise _refusal(path, sheets, tables)
    return OfstedReading(path, used, len(sheets) > 1)


def read_ofsted_file(path: str | Path, state: TaskState = NULL_STATE) -> OfstedFile:
    """Read one of Ofsted's files (CSV, XLSX or ODS) as published, every record at once
    (an import reads it a chunk at a time: :func:`open_ofsted_file`).

    Raises FileFormatError when the file is not one of them, naming what is missing,
    and Cancelled when ``state`` is cancelled.
    """
    path = Path(path)
    step = f"Reading {path.name}"
    state.check_cancelled()
    state.progress(step, 0, 0)
    reading = open_ofsted_file(path)
    whole = OfstedChunk()
    for chunk in reading.chunks(state, step):
        whole.settings += chunk.settings
        whole.inspections += chunk.inspections
        whole.closures += chunk.closures
    return OfstedFile(
        path=path, kind=reading.kind, as_at=reading.as_at, settings=whole.settings,
        inspections=whole.inspections, closures=whole.closures,
        sheets_used=reading.sheets_used, warnings=reading.warnings)


def _choose(tables: list[_Table]) -> list[_Table]:
    """The provider table (with any in-year tables), else the council list sheets, else the
    in-year or closures table."""
    providers = [t for t in tables if t.role == "provider_level"]
    if providers:
        return [providers[0], *(t for t in tables if t.role == "in_year")]
    for role in ("council_list", "in_year", "closed"):
        found = [t for t in tables if t.role == role]
        if found:
            return found if role != "closed" else found[:1]
    return []


def _read_checked(r: _Row, role: FileKind | None, kind: FileKind, out: _Sink) -> None:
    """One row; a value out of range, or text longer than a cell can hold, leaves the
    whole row out with a warning naming its row and column (never its values)."""
    long = long_cell(r.row)
    if long is not None:
        heading = r.headings[long] if long < len(r.headings) else f"{long + 1}"
        r.warnings.add(f"{r.where}row {r.number}, column '{heading}': the text {TOO_LONG}; "
                       "row skipped")
        return
    chunk = out.chunk
    sizes = (len(chunk.settings), len(chunk.inspections), len(chunk.closures))
    try:
        _read_row(r, role, kind, out)
    except _Refused as refused:
        # Every value of a row is read before anything is kept (or ``seen`` changed), so
        # this only makes sure.
        del chunk.settings[sizes[0]:], chunk.inspections[sizes[1]:], chunk.closures[sizes[2]:]
        r.warn(refused.name, f"{refused.problem}; row skipped")


def _read_row(r: _Row, role: FileKind | None, kind: FileKind, out: _Sink) -> None:
    urn = normalise_urn(r.cell("urn"))
    if urn is None or urn == "URN":  # a blank row, a note below the table, a repeated header
        if urn is None and any(cell_text(c) for c in r.row):
            r.warn("urn", "no URN; row skipped")
        return
    if not urn.isalnum():
        r.warn("urn", f"{urn!r} is not a URN; row skipped")
        return
    if not is_urn(urn):
        r.warn("urn", f"{urn!r} does not look like an Ofsted URN (such as SC469688 or "
                      "2590934); read anyway")
    chunk = out.chunk
    if role == "closed":
        chunk.closures.append(ClosedSettingRecord(urn, r.text("registration_status"),
                                                  r.date("closed_date"), r.number))
    elif role == "provider_level":
        if urn in out.seen:
            r.warn("urn", f"{urn} is also in row {out.seen[urn]}; both read")
        record = _setting(r, urn, _inspection(r, urn))
        out.seen[urn] = r.number
        chunk.settings.append(record)
    elif role == "in_year":
        event = _inspection(r, urn)
        setting = _setting(r, urn, None) if kind == "in_year" and urn not in out.seen else None
        if event is not None:
            chunk.inspections.append(event)
        elif cell_text(r.cell("date")) is None:
            r.warn("date", "no inspection date; event left out")
        if setting is not None:
            out.seen[urn] = r.number
            chunk.settings.append(setting)
    elif role == "council_list":
        _council_row(r, urn, out)


def _council_row(r: _Row, urn: str, out: _Sink) -> None:
    record = _setting(r, urn, _inspection(r, urn, "", "Full inspection"))
    extra = [found for scope, event in (("interim.", "Interim inspection"),
                                        ("assurance.", "Assurance visit"))
             if (found := _inspection(r, urn, scope, event)) is not None]
    closed = r.date("closed_date") if "closed_date" in r.columns else None
    chunk = out.chunk
    if urn not in out.seen:
        out.seen[urn] = r.number
        if out.codes is not None:
            out.codes[urn] = record.allowed_placement_codes
        elif (codes := out.merged.get(urn)) is not None:
            record = dataclasses.replace(record, allowed_placement_codes=codes)
        chunk.settings.append(record)
    elif out.codes is not None:
        # Another row (premises, or the closed sheet) of the same URN adds its codes to the
        # first row's record, which may already have been handed on: so they are gathered
        # by a first pass over the file.
        codes = tuple(dict.fromkeys(out.codes[urn] + record.allowed_placement_codes))
        out.codes[urn] = codes
        out.grown.add(urn)
    chunk.inspections.extend(extra)
    if closed is not None:
        chunk.closures.append(ClosedSettingRecord(urn, r.text("registration_status"), closed,
                                                  r.number))


_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                        "sep", "oct", "nov", "dec"), start=1)}
_TITLE_DATE = re.compile(r"as at (?:(\d{1,2}) )?([a-z]{3,9}) (\d{4})")
_NAME_DATE = re.compile(r"(?<!\d)(\d{1,2})[ _-]([a-z]{3,9})[ _-](\d{4})(?!\d)")
_YEAR_SPAN = re.compile(r"in[ _-]?year[ _-]+(\d{4})[ _]?[-\u2013][ _]?(\d{2}|\d{4})(?!\d)")


def _as_at(path: Path, table: _Table, kind: FileKind) -> dt.date | None:
    """The date the file describes: "as at 31 March 2025" in the title, or the file's name;
    an in-year file (2023-24) is dated at the end of its year (31 March 2024)."""
    for text in (table.title.casefold(), path.stem.casefold()):
        if kind == "in_year" and (span := _YEAR_SPAN.search(text)):
            return dt.date(int(span.group(1)) + 1, 3, 31)
        for match in (_TITLE_DATE.search(text), _NAME_DATE.search(text)):
            month = _MONTHS.get(match.group(2)[:3]) if match else None
            if match and month:
                year = int(match.group(3))
                if match.group(1):
                    try:
                        return dt.date(year, month, int(match.group(1)))
                    except ValueError:
                        continue
                return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return None
