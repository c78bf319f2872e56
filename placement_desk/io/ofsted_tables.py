"""Finding the tables in an Ofsted file: which columns mean what, what each sheet holds,
which sheets a file is read from, the date it describes, and the refusal of a file that
is not Ofsted's.

Headings are matched by meaning across the years' spellings (``Reg Status`` and
``Registration status``, ``Setting Name`` and ``Name``, ``Overall effectiveness``
and ``Overall experiences and progress of children and young people``, the 2022
file's ``Latest full inspectio health services``...); a sheet's role (provider level,
in-year, closures, a council's list) follows from the columns it has.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import FileFormatError
from .ofsted_records import FileKind
from .tabular import SheetSource, cell_text, find_header, heading_key

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


def _keyed(table: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, int]]:
    return {heading_key(s): (name, rank) for name, spellings in table.items()
            for rank, s in enumerate(spellings)}


_SETTING_KEYS, _INSPECTION_KEYS = _keyed(SETTING_HEADINGS), _keyed(INSPECTION_HEADINGS)


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
class OfstedTable:
    """One sheet's table: where its header is, what its columns mean and what it holds."""

    source: SheetSource
    header: int  # index of the header row
    columns: dict[str, int]
    headings: list[str]  # as published, spaces collapsed
    title: str  # the text above the header
    role: FileKind | None


_IN_YEAR = re.compile(r"(?<![a-z])in[ _-]?year(?![a-z])")


def find_table(source: SheetSource) -> OfstedTable | None:
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
    return OfstedTable(source, header, columns, headings, title, role)


_CHOOSE = ("Choose the provider-level file published by Ofsted (\"Children's social care data "
           "in England – provider level\", .csv or .ods), its in-year inspections or closed "
           "children's homes file, or a provider list Ofsted sent the council.")


def refusal(path: Path, sheets: list[SheetSource], tables: list[OfstedTable]) -> FileFormatError:
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


def choose_tables(tables: list[OfstedTable]) -> list[OfstedTable]:
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


_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                        "sep", "oct", "nov", "dec"), start=1)}
_TITLE_DATE = re.compile(r"as at (?:(\d{1,2}) )?([a-z]{3,9}) (\d{4})")
_NAME_DATE = re.compile(r"(?<!\d)(\d{1,2})[ _-]([a-z]{3,9})[ _-](\d{4})(?!\d)")
_YEAR_SPAN = re.compile(r"in[ _-]?year[ _-]+(\d{4})[ _]?[-\u2013][ _]?(\d{2}|\d{4})(?!\d)")


def as_at_date(path: Path, table: OfstedTable, kind: FileKind) -> dt.date | None:
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
