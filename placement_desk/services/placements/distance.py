"""Straight-line distances between postcodes, and loading the postcode lookup from ONS or OS files.

PL_DISTANCE is the straight-line distance in miles between the home and placement
postcodes, worked out from their British National Grid references (Pythagoras on
eastings and northings in metres, ÷ 1609.344). A postcode that is not in the lookup,
or has no grid reference there, gives None: distances are never guessed. When
neither of two postcodes has a grid reference but both have latitude and longitude
(some files carry only those), the great-circle distance is used instead.

The lookup loads from the ONS Postcode Directory (ONSPD, with a heading row) or OS
Code-Point Open (no heading row: Postcode, Positional_quality_indicator, Eastings,
Northings, Country_code, NHS_regional_HA_code, NHS_HA_code, Admin_county_code,
Admin_district_code, Admin_ward_code), as a CSV file or a zip of CSV files. Each
postcode keeps its district's ONS code and, in two-tier areas, its county's, so that
a county council (E10) and a district, unitary or London borough council alike can
say which placements are in their area (:func:`in_area`).
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from ...errors import FileFormatError
from ...models import PostcodeLookup
from ...progress import NULL_STATE, TaskState
from ..register.settings import POSTCODE_RE, normalise_postcode

__all__ = ["LOCAL_MILES", "Point", "PostcodeImportSummary", "area_codes", "detect_layout",
           "grid_miles", "import_postcodes", "in_area", "lookup_points", "miles_between",
           "miles_between_many",
           "normalise_postcode", "point_miles", "postcode_key", "within_20_miles"]

METRES_PER_MILE = 1609.344
LOCAL_MILES = 20.0
EARTH_RADIUS_M = 6_371_008.8
CHUNK = 5000
IN_LIMIT = 900
"""Keys per IN list: older SQLite builds allow at most 999 bound values."""
MAX_PROBLEMS = 200

_POSTCODE_NAMES = ("pcds", "pcd", "pcd2", "pcd7", "pcd8", "postcode", "post_code", "pc")
_EAST_NAMES = ("oseast1m", "east1m", "easting", "eastings", "x_coordinate")
_NORTH_NAMES = ("osnrth1m", "north1m", "northing", "northings", "y_coordinate")
_LAT_NAMES = ("lat", "latitude")
_LONG_NAMES = ("long", "longitude", "lng", "lon")
_LA_NAMES = ("oslaua", "laua", "local_authority_code", "admin_district_code", "lad_code")
_LA_PATTERN = re.compile(r"^lad\d{2}cd$")
_COUNTY_NAMES = ("oscty", "cty", "county_code", "admin_county_code", "cty_code")
_COUNTY_PATTERN = re.compile(r"^cty\d{2}cd$")
_NO_AREA = re.compile(r"^[A-Z]99999999$")
"""ONS pseudo-codes for "none" (E99999999: not in a two-tier county)."""


@dataclass(frozen=True)
class Point:
    easting: int | None
    northing: int | None
    latitude: float | None = None
    longitude: float | None = None


def postcode_key(text: str | None) -> str | None:
    """The lookup's key: upper case without spaces (``sm1 1aa`` → ``SM11AA``)."""
    value = normalise_postcode(text)
    return value.replace(" ", "") if value else None


def grid_miles(e1: float, n1: float, e2: float, n2: float) -> float:
    """Straight-line miles between two grid references in metres."""
    return math.hypot(e1 - e2, n1 - n2) / METRES_PER_MILE


def _great_circle_miles(a: Point, b: Point) -> float:
    assert a.latitude is not None and a.longitude is not None
    assert b.latitude is not None and b.longitude is not None
    p1, p2 = math.radians(a.latitude), math.radians(b.latitude)
    dp, dl = p2 - p1, math.radians(b.longitude - a.longitude)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h)) / METRES_PER_MILE


def point_miles(a: Point | None, b: Point | None) -> float | None:
    """Miles between two looked-up points; None when either cannot be placed."""
    if a is None or b is None:
        return None
    if None not in (a.easting, a.northing, b.easting, b.northing):
        return grid_miles(a.easting or 0, a.northing or 0, b.easting or 0, b.northing or 0)
    if None not in (a.latitude, a.longitude, b.latitude, b.longitude):
        return _great_circle_miles(a, b)
    return None


def within_20_miles(miles: float | None) -> bool | None:
    """"Local" means 20 miles or less; None when the distance is unknown."""
    return None if miles is None else miles <= LOCAL_MILES


def lookup_points(session: Session, postcodes: Iterable[str | None]) -> dict[str, Point]:
    """Grid references for the postcodes found, keyed by :func:`postcode_key`."""
    keys = sorted({k for k in (postcode_key(p) for p in postcodes) if k})
    found: dict[str, Point] = {}
    for i in range(0, len(keys), IN_LIMIT):
        for code, east, north, lat, lon in session.execute(
                select(PostcodeLookup.postcode, PostcodeLookup.easting, PostcodeLookup.northing,
                       PostcodeLookup.latitude, PostcodeLookup.longitude)
                .where(PostcodeLookup.postcode.in_(keys[i:i + IN_LIMIT]))):
            found[code] = Point(east, north, lat, lon)
    return found


AreaCodes = tuple[str | None, str | None]
"""A postcode's (district code, county code) from the lookup."""


def area_codes(session: Session, postcodes: Iterable[str | None]) -> dict[str, AreaCodes]:
    """District and county codes of the postcodes found, keyed by :func:`postcode_key`."""
    keys = sorted({k for k in (postcode_key(p) for p in postcodes) if k})
    found: dict[str, AreaCodes] = {}
    for i in range(0, len(keys), IN_LIMIT):
        for code, district, county in session.execute(
                select(PostcodeLookup.postcode, PostcodeLookup.local_authority_code,
                       PostcodeLookup.county_code)
                .where(PostcodeLookup.postcode.in_(keys[i:i + IN_LIMIT]))):
            found[code] = (district, county)
    return found


def in_area(council_code: str, codes: AreaCodes | None) -> bool | None:
    """Whether a postcode with these codes is in the council's area: its district's or,
    for a county council, its county's. None when the council's code or the postcode's
    district is unknown."""
    if not council_code or codes is None or not codes[0]:
        return None
    return council_code in codes


def miles_between(session: Session, home: str | None, placement: str | None) -> float | None:
    """Straight-line miles between two postcodes, or None if either is unknown."""
    return miles_between_many(session, [(home, placement)])[0]


def miles_between_many(session: Session,
                       pairs: Sequence[tuple[str | None, str | None]]) -> list[float | None]:
    """:func:`miles_between` for many pairs, with one lookup query per 900 postcodes."""
    points = lookup_points(session, [p for pair in pairs for p in pair])

    def point(text: str | None) -> Point | None:
        key = postcode_key(text)
        return points.get(key) if key else None

    return [point_miles(point(a), point(b)) for a, b in pairs]


# --- Importing the lookup -----------------------------------------------------------------

@dataclass
class PostcodeImportSummary:
    """What an import did; ``problems`` names the file and row of each bad row."""

    layout: str = ""
    rows_read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        self.skipped += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(text)
        elif len(self.problems) == MAX_PROBLEMS:
            self.problems.append("… further problems not listed.")


@dataclass(frozen=True)
class _Layout:
    name: str
    has_header: bool
    postcode: int
    easting: int | None = None
    northing: int | None = None
    latitude: int | None = None
    longitude: int | None = None
    la: int | None = None
    county: int | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """The lookup's columns this layout fills (others are left as they are)."""
        names = [("easting", self.easting), ("northing", self.northing),
                 ("latitude", self.latitude), ("longitude", self.longitude),
                 ("local_authority_code", self.la), ("county_code", self.county)]
        return tuple(n for n, i in names if i is not None)


def _find(heads: list[str], names: Sequence[str]) -> int | None:
    for name in names:
        if name in heads:
            return heads.index(name)
    return None


def detect_layout(first_row: list[str], source: str) -> _Layout:
    """ONSPD-style headings, or Code-Point Open data with no headings; else an error."""
    heads = [c.strip().lower().replace(" ", "_") for c in first_row]
    postcode = _find(heads, _POSTCODE_NAMES)
    east, north = _find(heads, _EAST_NAMES), _find(heads, _NORTH_NAMES)
    lat, lon = _find(heads, _LAT_NAMES), _find(heads, _LONG_NAMES)
    if postcode is not None and ((east is not None and north is not None)
                                 or (lat is not None and lon is not None)):
        la = _find(heads, _LA_NAMES)
        if la is None:
            la = next((i for i, h in enumerate(heads) if _LA_PATTERN.match(h)), None)
        county = _find(heads, _COUNTY_NAMES)
        if county is None:
            county = next((i for i, h in enumerate(heads) if _COUNTY_PATTERN.match(h)), None)
        has_grid = east is not None and north is not None
        return _Layout("ONS Postcode Directory", True, postcode,
                       east if has_grid else None, north if has_grid else None, lat, lon, la,
                       county)
    if (len(first_row) >= 4 and _valid_postcode(first_row[0])
            and first_row[2].strip().isdigit() and first_row[3].strip().isdigit()):
        has_areas = len(first_row) > 8
        return _Layout("Code-Point Open", False, 0, 2, 3, la=8 if has_areas else None,
                       county=7 if has_areas else None)
    raise FileFormatError(
        "This is not an ONS Postcode Directory or Code-Point Open file: the first row has "
        "neither postcode and grid reference headings nor a postcode with eastings and "
        "northings.", file=source, row=1)


def _valid_postcode(text: str) -> bool:
    value = normalise_postcode(text)
    return value is not None and POSTCODE_RE.match(value) is not None


def _number(text: str, kind: type[int] | type[float]) -> Any:
    value = text.strip()
    if not value:
        return None
    return kind(float(value)) if kind is int else kind(value)


def _parse_row(row: list[str], layout: _Layout) -> tuple[str, dict[str, Any]] | str:
    """The lookup key and values of a row, or what is wrong with it."""
    if len(row) <= layout.postcode or not _valid_postcode(row[layout.postcode]):
        shown = row[layout.postcode].strip() if len(row) > layout.postcode else ""
        return f"'{shown}' is not a postcode" if shown else "no postcode"
    key = postcode_key(row[layout.postcode])
    assert key is not None
    values: dict[str, Any] = {}
    for name, index, kind in (("easting", layout.easting, int),
                              ("northing", layout.northing, int),
                              ("latitude", layout.latitude, float),
                              ("longitude", layout.longitude, float)):
        if index is None:
            continue
        try:
            values[name] = _number(row[index], kind) if index < len(row) else None
        except ValueError:
            return f"{name} '{row[index].strip()}' is not a number"
    if values.get("latitude") is not None and not -90 <= values["latitude"] <= 90:
        values["latitude"] = values["longitude"] = None  # ONSPD marks "no location" as 99.999999
    for name, index in (("local_authority_code", layout.la), ("county_code", layout.county)):
        if index is not None:
            code = row[index].strip().upper() if index < len(row) else ""
            values[name] = None if not code or _NO_AREA.match(code) else code
    has_grid = values.get("easting") is not None and values.get("northing") is not None
    has_lat = values.get("latitude") is not None and values.get("longitude") is not None
    if not has_grid and not has_lat:
        return "no grid reference"
    if not has_grid:
        values["easting"] = values["northing"] = None
    return key, values


def _csv_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The data CSVs of a zip (Code-Point Open's Doc folder and header files left out)."""
    return sorted((i for i in archive.infolist()
                   if i.filename.lower().endswith(".csv")
                   and "header" not in i.filename.lower()
                   and "/doc/" not in f"/{i.filename.lower()}"), key=lambda i: i.filename)


def _total_size(path: Path) -> int:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return sum(i.file_size for i in _csv_members(archive))
    return path.stat().st_size


def _open_sources(path: Path) -> Iterator[tuple[str, IO[bytes], int]]:
    """Each CSV to read: its name, an open binary stream and its size in bytes."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in _csv_members(archive):
                with archive.open(info) as member:
                    yield info.filename, member, info.file_size
        return
    with path.open("rb") as raw:
        yield path.name, raw, path.stat().st_size


def _flush(session: Session, batch: dict[str, dict[str, Any]], layout: _Layout,
           summary: PostcodeImportSummary) -> None:
    if not batch:
        return
    columns = layout.columns
    table: Table = PostcodeLookup.__table__  # type: ignore[assignment]
    keys = list(batch)
    existing: dict[str, tuple[Any, ...]] = {}
    for i in range(0, len(keys), IN_LIMIT):
        existing.update((row[0], tuple(row[1:])) for row in session.execute(
            select(table.c.postcode, *(table.c[c] for c in columns))
            .where(table.c.postcode.in_(keys[i:i + IN_LIMIT]))))
    inserts, updates = [], []
    for key, values in batch.items():
        if key not in existing:
            inserts.append({"postcode": key, **values})
        elif existing[key] != tuple(values[c] for c in columns):
            updates.append({"key": key, **values})
        else:
            summary.unchanged += 1
    if inserts:
        session.execute(insert(table), inserts)
    if updates:
        session.execute(update(table).where(table.c.postcode == bindparam("key"))
                        .values({c: bindparam(c) for c in columns}), updates)
    summary.added += len(inserts)
    summary.updated += len(updates)
    batch.clear()


def _import_file(session: Session, name: str, raw: IO[bytes], size: int, done_before: int,
                 state: TaskState, summary: PostcodeImportSummary) -> int:
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
    try:
        return _read_rows(session, name, csv.reader(text), raw, size, done_before, state,
                          summary)
    finally:
        text.detach()  # the caller owns ``raw``; a collected wrapper would close it


def _read_rows(session: Session, name: str, reader: Iterator[list[str]], raw: IO[bytes],
               size: int, done_before: int, state: TaskState,
               summary: PostcodeImportSummary) -> int:
    first = next(reader, None)
    if first is None:
        return 0
    layout = detect_layout(first, name)
    summary.layout = summary.layout or layout.name
    batch: dict[str, dict[str, Any]] = {}
    rows: Iterable[list[str]] = reader if layout.has_header else _chain(first, reader)
    start = 2 if layout.has_header else 1
    count = 0
    for number, row in enumerate(rows, start=start):
        if not any(c.strip() for c in row):
            continue
        count += 1
        summary.rows_read += 1
        parsed = _parse_row(row, layout)
        if isinstance(parsed, str):
            summary.problem(f"{name} row {number}: {parsed}.")
        else:
            batch[parsed[0]] = parsed[1]
        if len(batch) >= CHUNK:
            state.check_cancelled()
            _flush(session, batch, layout, summary)
            state.progress("Reading postcodes", min(size, done_before + raw.tell()), size)
    state.check_cancelled()
    _flush(session, batch, layout, summary)
    return count


def _chain(first: list[str], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield first
    yield from rest


def import_postcodes(sessions: sessionmaker[Session], path: str | Path,
                     state: TaskState = NULL_STATE) -> PostcodeImportSummary:
    """Load or refresh the postcode lookup from one file, in one transaction.

    Rows are upserted in chunks (portable SQL: select the chunk's keys, insert the new,
    update the changed); only the columns the file has are written. Bad rows are
    skipped and reported with their row number. Cancelling (``state.cancel()``)
    rolls everything back; a file of neither layout raises FileFormatError.
    """
    path = Path(path)
    if not path.is_file():
        raise FileFormatError("The file does not exist or cannot be read.", file=str(path))
    size = _total_size(path)
    summary = PostcodeImportSummary()
    state.progress("Reading postcodes", 0, size)
    with sessions.begin() as session:
        done = 0
        for name, raw, part in _open_sources(path):
            _import_file(session, name, raw, size, done, state, summary)
            done += part
        state.check_cancelled()
    state.progress("Reading postcodes", size, size)
    return summary
