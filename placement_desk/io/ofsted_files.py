"""Reading Ofsted's published files as published: provider level, in year, closures, and
the provider lists Ofsted sends to councils.

Headings are matched by meaning across the years' spellings (``Reg Status`` and
``Registration status``, ``Setting Name`` and ``Name``, the 2022 file's
``Latest full inspectio health services``...). In a workbook the provider table
is the sheet with URN, provision type and a judgement column; the in-year table
is read too when present. Bad rows become warnings naming the row; a file
without the columns that matter is refused, naming what is missing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FileFormatError
from ..progress import NULL_STATE, TaskState
from .tabular import Cell, Sheet, find_header, heading_key, parse_date, read_sheets, text

URN_RE = re.compile(r"^(?:[A-Z]{2}\d{6}|\d{6,7})$")
_PREFIXES = ("latest full inspection ", "latest full inspectio ", "latest full inspections ")

# canonical field → heading keys (after removing a "latest full inspection" prefix)
HEADINGS: dict[str, tuple[str, ...]] = {
    "urn": ("urn",),
    "provision_type": ("provision type",),
    "registration_status": ("registration status", "reg status", "provider status"),
    "registration_date": ("registration date",),
    "name": ("name", "setting name", "provider name"),
    "address1": ("address 1", "setting address line 1", "provider address line 1"),
    "address2": ("address 2", "setting address line 2", "provider address line 2"),
    "town": ("town", "setting town", "provider town"),
    "county": ("county", "setting county", "provider county"),
    "postcode": ("postcode", "setting postcode", "provider postcode", "postcode area"),
    "region": ("ofsted region", "region", "government office region"),
    "local_authority": ("local authority", "setting local authority"),
    "sector": ("sector",),
    "places": ("places", "capacity"),
    "owner_name": ("organisation which owns the provider", "organisation", "organisation name"),
    "linked_education_urn": ("linked education urn", "linked ed urn"),
    "event_type": ("event type", "inspection type", "inspection event type"),
    "inspection_date": ("date", "inspection date", "inspection event date"),
    "publication_date": ("publication date", "inspection publication date"),
    "event_number": ("event number", "inspection id", "inspection event number"),
    "overall": ("overall effectiveness",
                "overall experiences and progress of children and young people"),
    "sa_outcome": ("supported accommodation outcome",),
    "closed_date": ("date closed", "closed date", "deregistration date"),
    "placement_codes": ("placement code", "provider placement code"),
    "provider_code": ("provider code",),
}
SUB_JUDGEMENTS: dict[str, tuple[str, ...]] = {
    "outcomes": ("outcomes for children and young people",),
    "quality_of_care": ("quality of care",),
    "safety": ("the safety of children and young people",
               "safeguarding children and young people"),
    "help_and_protection": ("how well children and young people are helped and protected",),
    "leadership": ("leadership and management", "the effectiveness of leaders and managers"),
    "education": ("outcomes in education and related learning activities",),
    "health": ("health services",),
}


@dataclass(frozen=True, slots=True)
class OfstedInspectionRecord:
    urn: str
    event_type: str | None
    inspection_date: dt.date
    publication_date: dt.date | None
    event_number: str | None
    overall_judgement: str | None
    sub_judgements: dict[str, str]
    supported_accommodation_outcome: str | None
    source_row: int


@dataclass(frozen=True, slots=True)
class OfstedSettingRecord:
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
    region: str | None
    owner_name: str | None
    linked_education_urn: str | None
    latest_inspection: OfstedInspectionRecord | None
    source_row: int
    allowed_placement_codes: tuple[str, ...] = ()
    provider_code: str | None = None


@dataclass(frozen=True, slots=True)
class ClosedSettingRecord:
    urn: str
    registration_status: str | None
    closed_date: dt.date | None
    source_row: int


@dataclass
class OfstedFile:
    path: Path
    kind: str  # provider_level | in_year | closed | council_list
    settings: list[OfstedSettingRecord] = field(default_factory=list)
    inspections: list[OfstedInspectionRecord] = field(default_factory=list)
    closures: list[ClosedSettingRecord] = field(default_factory=list)
    sheets_used: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _canonical(heading: str) -> str:
    for prefix in _PREFIXES:
        if heading.startswith(prefix):
            return heading[len(prefix):]
    return heading


class _Columns:
    """Where each field sits in a header row (first match wins; 'previous …' ignored)."""

    def __init__(self, header: Sequence[Cell]) -> None:
        self.raw = [heading_key(c) for c in header]
        keys = [_canonical(h) for h in self.raw]
        self.index: dict[str, int] = {}
        for name, options in {**HEADINGS, **{f"sub:{k}": v for k, v in
                                             SUB_JUDGEMENTS.items()}}.items():
            for option in options:
                if option in keys:
                    self.index[name] = keys.index(option)
                    break
        self.in_year = "inspection event type" in self.raw

    def has(self, name: str) -> bool:
        return name in self.index

    def get(self, row: Sequence[Cell], name: str) -> Cell:
        i = self.index.get(name)
        return row[i] if i is not None and i < len(row) else None


def normalise_urn(value: Cell) -> str | None:
    s = text(value)
    return s.upper().replace(" ", "") if s else None


def _places(value: Cell) -> int | None:
    s = text(value)
    if s is None:
        return None
    try:
        return int(float(s))
    except ValueError:
        return None


def _sheet_role(columns: _Columns) -> str | None:
    if not columns.has("urn"):
        return None
    if columns.has("closed_date") and not columns.has("provision_type") \
            and not columns.has("placement_codes"):
        return "closed"
    if columns.has("placement_codes"):
        return "council_list"
    judged = columns.has("overall") or columns.has("sa_outcome")
    if columns.has("provision_type") and judged:
        return "in_year" if columns.in_year else "provider_level"
    return None


def read_ofsted_file(path: str | Path, state: TaskState = NULL_STATE) -> OfstedFile:
    """Read one file; raise FileFormatError if it is not one of Ofsted's files."""
    path = Path(path)
    state.progress(f"Reading {path.name}")
    sheets = read_sheets(path)
    found: list[tuple[str, Sheet, int, _Columns]] = []
    for sheet in sheets:
        header = find_header(sheet.rows)
        if header is None:
            continue
        columns = _Columns(sheet.rows[header])
        role = _sheet_role(columns)
        if role is not None:
            found.append((role, sheet, header, columns))
    if not found:
        raise FileFormatError(_missing_message(sheets), file=path.name)
    roles = {r for r, *_ in found}
    kind = ("provider_level" if "provider_level" in roles else
            "council_list" if "council_list" in roles else
            "in_year" if "in_year" in roles else "closed")
    result = OfstedFile(path=path, kind=kind)
    total = sum(len(s.rows) - h - 1 for _r, s, h, _c in found)
    done = 0
    for role, sheet, header, columns in found:
        result.sheets_used.append(sheet.name)
        for offset, row in enumerate(sheet.rows[header + 1:], start=header + 2):
            done += 1
            if done % 250 == 0:
                state.check_cancelled()
                state.progress(f"Reading {path.name}, sheet {sheet.name}", done, total)
            if not any(c not in (None, "") for c in row):
                continue
            try:
                _read_row(result, role, kind, columns, row, offset, sheet.name,
                          len(sheets) > 1)
            except ValueError as exc:
                where = f"sheet {sheet.name}, " if len(sheets) > 1 else ""
                result.warnings.append(f"{where}row {offset}: {exc}; row skipped")
    state.progress(f"Reading {path.name}", total, total)
    return result


def _missing_message(sheets: list[Sheet]) -> str:
    for sheet in sheets:
        header = find_header(sheet.rows)
        if header is not None:
            columns = _Columns(sheet.rows[header])
            missing = [label for name, label in (("provision_type", "provision type"),
                                                 ("overall", "overall judgement"))
                       if not columns.has(name)]
            return (f"Sheet {sheet.name} has a URN column but no {' or '.join(missing)} "
                    "column, so it is not an Ofsted provider-level file. Choose the "
                    "provider-level file Ofsted publishes, or its in-year or closed homes file.")
    return ("The file has no URN column, so it is not an Ofsted file. Choose the "
            "provider-level file Ofsted publishes (\"Children's social care data in England "
            "– provider level\"), or a provider list Ofsted sent the council.")


def _read_row(result: OfstedFile, role: str, kind: str, c: _Columns, row: Sequence[Cell],
              number: int, sheet: str, many_sheets: bool) -> None:
    urn = normalise_urn(c.get(row, "urn"))
    if urn is None:
        return
    if urn.endswith(".0"):
        urn = urn[:-2]
    if not URN_RE.match(urn):
        raise ValueError(f"URN {urn!r} is not an Ofsted URN")
    if role == "closed":
        result.closures.append(ClosedSettingRecord(
            urn, text(c.get(row, "registration_status")),
            _date(c, row, "closed_date"), number))
        return
    inspection = _inspection(urn, c, row, number)
    if role == "in_year":
        if inspection is not None:
            result.inspections.append(inspection)
        if kind != "in_year":
            return  # with a provider table, the in-year sheet adds events only
    codes = tuple(sorted({p.strip().upper() for p in re.split(r"[,;/ ]+",
                                                              text(c.get(row, "placement_codes"))
                                                              or "") if p.strip()}))
    record = OfstedSettingRecord(
        urn=urn, name=text(c.get(row, "name")),
        provision_type=text(c.get(row, "provision_type")),
        registration_status=text(c.get(row, "registration_status")),
        registration_date=_date(c, row, "registration_date"),
        sector=text(c.get(row, "sector")), places=_places(c.get(row, "places")),
        address1=text(c.get(row, "address1")), address2=text(c.get(row, "address2")),
        town=text(c.get(row, "town")), county=text(c.get(row, "county")),
        postcode=(text(c.get(row, "postcode")) or "").upper() or None,
        local_authority=text(c.get(row, "local_authority")),
        region=text(c.get(row, "region")), owner_name=text(c.get(row, "owner_name")),
        linked_education_urn=normalise_urn(c.get(row, "linked_education_urn")),
        latest_inspection=inspection if role == "provider_level" else None,
        source_row=number, allowed_placement_codes=codes,
        provider_code=text(c.get(row, "provider_code")))
    if role == "in_year" and result.settings and result.settings[-1].urn == urn:
        result.settings[-1] = record
    else:
        result.settings.append(record)


def _date(c: _Columns, row: Sequence[Cell], name: str) -> dt.date | None:
    try:
        return parse_date(c.get(row, name))
    except ValueError as exc:
        heading = c.raw[c.index[name]] if name in c.index else name
        raise ValueError(f"column {heading!r}: {exc}") from None


def _inspection(urn: str, c: _Columns, row: Sequence[Cell],
                number: int) -> OfstedInspectionRecord | None:
    day = _date(c, row, "inspection_date")
    if day is None:
        return None
    subs = {name[4:]: value for name in c.index if name.startswith("sub:")
            if (value := text(c.get(row, name))) is not None}
    return OfstedInspectionRecord(
        urn=urn, event_type=text(c.get(row, "event_type")), inspection_date=day,
        publication_date=_date(c, row, "publication_date"),
        event_number=text(c.get(row, "event_number")),
        overall_judgement=text(c.get(row, "overall")), sub_judgements=subs,
        supported_accommodation_outcome=text(c.get(row, "sa_outcome")), source_row=number)
