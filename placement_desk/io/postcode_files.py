"""Reading postcode lookup files: the ONS Postcode Directory and OS Code-Point Open.

The ONS Postcode Directory (ONSPD) has a heading row; OS Code-Point Open has none
(Postcode, Positional_quality_indicator, Eastings, Northings, Country_code,
NHS_regional_HA_code, NHS_HA_code, Admin_county_code, Admin_district_code,
Admin_ward_code). Either comes as a CSV file or a zip of CSV files. The reader streams
rows in chunks of plain values keyed by the lookup's key, with each bad row's problem
named by file and row; it writes nothing.

A zip is checked first (:func:`~placement_desk.io.safety.check_zip`: damaged,
encrypted, unknown compression, or a member inflating more than a hundredfold is
refused). Grid references must lie within Great Britain's National Grid (0–700 km
east, 0–1,300 km north) and latitude and longitude within the British Isles; a row
outside is skipped with its reason. An empty file, a workbook, or a file that cannot
be read as CSV is refused, saying which.
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

from ..errors import FileFormatError
from ..identifiers import is_postcode, postcode_key
from ..progress import NULL_STATE, TaskState
from .safety import check_zip, clean_text

__all__ = ["PostcodeChunk", "PostcodeLayout", "detect_layout", "parse_row", "read_postcode_file"]

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
_AREA_CODE = re.compile(r"^[A-Z]\d{8}$")
"""An ONS area code: a letter and eight digits (E09000029)."""
RANGES: dict[str, tuple[float, float]] = {
    "easting": (0, 700_000), "northing": (0, 1_300_000),
    "latitude": (49.0, 61.0), "longitude": (-9.0, 2.0),
}
"""Where a British or Northern Irish postcode can be: the National Grid's extent in
metres, and the British Isles' in degrees (the Channel Islands to Shetland)."""
_NO_LATITUDE = 99.999999
"""How the ONS Postcode Directory marks "no location"."""




@dataclass(frozen=True)
class PostcodeLayout:
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


def detect_layout(first_row: list[str], source: str) -> PostcodeLayout:
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
        return PostcodeLayout("ONS Postcode Directory", True, postcode,
                       east if has_grid else None, north if has_grid else None, lat, lon, la,
                       county)
    if (len(first_row) >= 4 and _valid_postcode(first_row[0])
            and first_row[2].strip().isdigit() and first_row[3].strip().isdigit()):
        has_areas = len(first_row) > 8
        return PostcodeLayout("Code-Point Open", False, 0, 2, 3, la=8 if has_areas else None,
                       county=7 if has_areas else None)
    raise FileFormatError(
        "This is not an ONS Postcode Directory or Code-Point Open file: the first row has "
        "neither postcode and grid reference headings nor a postcode with eastings and "
        "northings.", file=source, row=1)


def _valid_postcode(text: str) -> bool:
    return is_postcode(text)


def _shown(number: float) -> str:
    return f"{int(number):,}" if float(number).is_integer() else f"{number:g}"


def _number(text: str, kind: type[int] | type[float]) -> Any:
    """The cell's number; ValueError for one that is not a finite number."""
    value = text.strip()
    if not value:
        return None
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return int(number) if kind is int else number


def parse_row(row: list[str], layout: PostcodeLayout) -> tuple[str, dict[str, Any]] | str:
    """The lookup key and values of a row, or what is wrong with it (never its values)."""
    if len(row) <= layout.postcode or not _valid_postcode(row[layout.postcode]):
        shown = row[layout.postcode].strip() if len(row) > layout.postcode else ""
        return "the postcode is not a UK postcode" if shown else "no postcode"
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
        except (ValueError, OverflowError):
            return f"the {name} is not a number"
    if values.get("latitude") == _NO_LATITUDE:
        values["latitude"] = values["longitude"] = None
    if values.get("easting") == 0 and values.get("northing") == 0:
        values["easting"] = values["northing"] = None  # Code-Point Open: "no coordinates"
    for name, (low, high) in RANGES.items():
        value = values.get(name)
        if value is not None and not low <= value <= high:
            return (f"the {name} is outside Great Britain and Northern Ireland (it should be "
                    f"between {_shown(low)} and {_shown(high)})")
    for name, index in (("local_authority_code", layout.la), ("county_code", layout.county)):
        if index is not None:
            code = clean_text(row[index]).strip().upper() if index < len(row) else ""
            if code and not _AREA_CODE.match(code):
                return f"the {name.replace('_', ' ')} is not an ONS code (such as E09000029)"
            values[name] = None if not code or _NO_AREA.match(code) else code
    has_grid = values.get("easting") is not None and values.get("northing") is not None
    has_lat = values.get("latitude") is not None and values.get("longitude") is not None
    if not has_grid and not has_lat:
        return "no grid reference"
    if not has_grid:
        values["easting"] = values["northing"] = None
    if not has_lat and "latitude" in values:
        values["latitude"] = values["longitude"] = None
    return key, values


def _csv_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The data CSVs of a zip (Code-Point Open's Doc folder and header files left out)."""
    return sorted((i for i in archive.infolist()
                   if i.filename.lower().endswith(".csv")
                   and "header" not in i.filename.lower()
                   and "/doc/" not in f"/{i.filename.lower()}"), key=lambda i: i.filename)


def _members(path: Path) -> list[zipfile.ZipInfo] | None:
    """The zip's data CSVs (after the safety checks), or None when it is not a zip."""
    with path.open("rb") as fh:
        if fh.read(4) != b"PK\x03\x04":
            return None
    check_zip(path, streamed=True)
    with zipfile.ZipFile(path) as archive:
        members = _csv_members(archive)
        names = [i.filename for i in archive.infolist()]
    if not members:
        workbook = any(n in ("xl/workbook.xml", "content.xml") for n in names)
        raise FileFormatError(
            ("This is a workbook, not a CSV file. " if workbook else "The zip holds no CSV "
             "file. ") + "Choose the ONS Postcode Directory or Code-Point Open as published "
            "(a CSV file, or their zip of CSV files), or save the sheet as CSV.",
            file=path.name)
    return members


def _open_sources(path: Path, members: list[zipfile.ZipInfo] | None
                  ) -> Iterator[tuple[str, IO[bytes], int]]:
    """Each CSV to read: its name, an open binary stream and its size in bytes."""
    if members is not None:
        with zipfile.ZipFile(path) as archive:
            for info in members:
                with archive.open(info) as member:
                    yield info.filename, member, info.file_size
        return
    with path.open("rb") as raw:
        yield path.name, raw, path.stat().st_size


@dataclass
class PostcodeChunk:
    """Up to ``chunk_rows`` rows read from one CSV: the good rows' values by key, and
    what was wrong with the others."""

    layout: PostcodeLayout
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    rows_read: int = 0


def read_postcode_file(path: str | Path, state: TaskState = NULL_STATE, *,
                       chunk_rows: int = 5000) -> Iterator[PostcodeChunk]:
    """Stream a postcode file (CSV or zip of CSVs) in chunks, reporting progress by bytes
    read and checking for cancel between chunks; a file of neither layout, an empty or
    damaged one raises FileFormatError."""
    path = Path(path)
    if not path.is_file():
        raise FileFormatError("The file does not exist or cannot be read.", file=str(path))
    if path.stat().st_size == 0:
        raise FileFormatError("The file is empty. Choose the ONS Postcode Directory or "
                              "Code-Point Open file.", file=path.name)
    members = _members(path)
    size = sum(i.file_size for i in members) if members is not None else path.stat().st_size
    state.progress("Reading postcodes", 0, size)
    done = 0
    rows = 0
    try:
        for name, raw, part in _open_sources(path, members):
            encoding = _encoding(raw, name)
            text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
            try:
                for chunk in _read_rows(name, csv.reader(_clean_lines(text)), raw, size,
                                        done, state, chunk_rows):
                    rows += chunk.rows_read
                    yield chunk
            finally:
                text.detach()  # the caller owns ``raw``; a collected wrapper would close it
            done += part
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile):
        raise FileFormatError("The zip is damaged: part of it cannot be unpacked. Download "
                              "it again.", file=path.name) from None
    if rows == 0:
        raise FileFormatError("The file has no postcode rows. Choose the ONS Postcode "
                              "Directory or Code-Point Open file.", file=path.name)
    state.progress("Reading postcodes", size, size)


def _encoding(raw: IO[bytes], name: str) -> str:
    """UTF-8 (with or without its mark), or UTF-16 when the file starts with its mark."""
    start = raw.read(2)
    if start in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16-le" if start == b"\xff\xfe" else "utf-16-be"
    if b"\x00" in start:
        raise FileFormatError("The file is not text: it holds NUL bytes. Save it again as "
                              "CSV UTF-8.", file=name)
    # put the two bytes back in front: a peekable stream is not promised, so re-read
    raw.seek(0)
    return "utf-8-sig"


def _clean_lines(text: IO[str]) -> Iterator[str]:
    for line in text:
        yield clean_text(line)


def _records(reader: Iterator[list[str]], name: str) -> Iterator[list[str]]:
    """The csv reader's records; a record it cannot read refuses the file, naming the row."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            what = ("a cell is longer than 131,072 characters"
                    if "field larger" in str(exc) else "a line is malformed")
            line = getattr(reader, "line_num", 0)
            raise FileFormatError(f"The file cannot be read as CSV here ({what}). Check that "
                                  "it is the published postcode file.", file=name,
                                  row=line) from None
        yield row


def _read_rows(name: str, reader: Iterator[list[str]], raw: IO[bytes], size: int,
               done_before: int, state: TaskState, chunk_rows: int) -> Iterator[PostcodeChunk]:
    records = _records(reader, name)
    first = next(records, None)
    if first is None:
        return
    layout = detect_layout(first, name)
    chunk = PostcodeChunk(layout)
    rows: Iterable[list[str]] = records if layout.has_header else _chain(first, records)
    start = 2 if layout.has_header else 1
    for number, row in enumerate(rows, start=start):
        if not any(c.strip() for c in row):
            continue
        chunk.rows_read += 1
        parsed = parse_row(row, layout)
        if isinstance(parsed, str):
            chunk.problems.append(f"{name} row {number}: {parsed}.")
        else:
            chunk.values[parsed[0]] = parsed[1]
        if len(chunk.values) + len(chunk.problems) >= chunk_rows:
            state.check_cancelled()
            yield chunk
            chunk = PostcodeChunk(layout)
            state.progress("Reading postcodes", min(size, done_before + raw.tell()), size)
    state.check_cancelled()
    yield chunk


def _chain(first: list[str], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield first
    yield from rest
