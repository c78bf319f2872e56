"""Reading one row of an Ofsted file into records: each field read from its cell, a
problem turned into a warning that names the row and column, a value out of range
leaving the row out, and what the row gives put where its table's role says.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from ..identifiers import is_urn, normalise_urn
from .ofsted_records import (
    JUDGEMENTS,
    NOT_JUDGED,
    ClosedSettingRecord,
    FileKind,
    OfstedChunk,
    OfstedInspectionRecord,
    OfstedSettingRecord,
)
from .ofsted_tables import INSPECTION_HEADINGS, OfstedTable
from .safety import TOO_LONG
from .tabular import Cell, Row, cell_text, heading_key, long_cell, parse_date, parse_int

WARNING_LIMIT = 500
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


# -- cells -----------------------------------------------------------------------------------

_JUDGEMENT_KEYS = {heading_key(j): j for j in (*JUDGEMENTS, NOT_JUDGED)}
_CODE_SPLIT = re.compile(r"[\s,;/|]+")
_EXPERIENCES = heading_key(INSPECTION_HEADINGS["overall"][1])


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


class RowReader:
    """Reads the fields of one row, turning problems into warnings that name the cell."""

    __slots__ = ("columns", "experiences", "headings", "number", "row", "subs", "warnings",
                 "where")

    def __init__(self, table: OfstedTable, where: str, warnings: RowWarnings) -> None:
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


class RowWarnings:
    """The problems found in a file's rows: the first :data:`WARNING_LIMIT` of them, and
    how many more."""

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


def _inspection(r: RowReader, urn: str, scope: str = "",
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


def _event_number(r: RowReader, name: str) -> str | None:
    """An event number as published ('10183343'; '2457554' and the 2015 file's inspection
    IDs are shorter). What is not one, such as the 2023 file's '1.02E+07' (a spreadsheet's
    rounding), is left blank without a warning: the event is then known by its date."""
    text = r.text(name)
    return text if text is not None and text.isdigit() else None


def _setting(r: RowReader, urn: str, latest: OfstedInspectionRecord | None) -> OfstedSettingRecord:
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


@dataclass(slots=True)
class RowSink:
    """Where rows put their records, and what the rows after them need to know."""

    chunk: OfstedChunk
    seen: dict[str, int] = field(default_factory=dict)
    """URN → the row of the latest setting read with it."""
    merged: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Council lists: URN → the placement codes of all its rows, where several rows share
    the URN (found by a first pass, :meth:`.ofsted_files.OfstedReading._council_codes`)."""
    codes: dict[str, tuple[str, ...]] | None = None
    """That first pass: URN → the codes of its rows so far."""
    grown: set[str] = field(default_factory=set)
    """That first pass: the URNs a later row added codes to."""


def read_checked(r: RowReader, role: FileKind | None, kind: FileKind, out: RowSink) -> None:
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


def _read_row(r: RowReader, role: FileKind | None, kind: FileKind, out: RowSink) -> None:
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


def _council_row(r: RowReader, urn: str, out: RowSink) -> None:
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
