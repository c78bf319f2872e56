"""Reading postcode lookup files: the ONS Postcode Directory and OS Code-Point Open.

The ONS Postcode Directory (ONSPD) has a heading row; OS Code-Point Open has none
(Postcode, Positional_quality_indicator, Eastings, Northings, Country_code,
NHS_regional_HA_code, NHS_HA_code, Admin_county_code, Admin_district_code,
Admin_ward_code). Either comes as a CSV file or a zip of CSV files. The reader streams
rows in chunks of plain values keyed by the lookup's key, with each bad row's problem
named by file and row; it writes nothing.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import FileFormatError
from ..identifiers import is_postcode, postcode_key
from ..progress import NULL_STATE, TaskState

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


def _number(text: str, kind: type[int] | type[float]) -> Any:
    value = text.strip()
    if not value:
        return None
    return kind(float(value)) if kind is int else kind(value)


def parse_row(row: list[str], layout: PostcodeLayout) -> tuple[str, dict[str, Any]] | str:
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
    read and checking for cancel between chunks; a file of neither layout raises
    FileFormatError."""
    path = Path(path)
    if not path.is_file():
        raise FileFormatError("The file does not exist or cannot be read.", file=str(path))
    size = _total_size(path)
    state.progress("Reading postcodes", 0, size)
    done = 0
    for name, raw, part in _open_sources(path):
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        try:
            yield from _read_rows(name, csv.reader(text), raw, size, done, state, chunk_rows)
        finally:
            text.detach()  # the caller owns ``raw``; a collected wrapper would close it
        done += part
    state.progress("Reading postcodes", size, size)


def _read_rows(name: str, reader: Iterator[list[str]], raw: IO[bytes], size: int,
               done_before: int, state: TaskState, chunk_rows: int) -> Iterator[PostcodeChunk]:
    first = next(reader, None)
    if first is None:
        return
    layout = detect_layout(first, name)
    chunk = PostcodeChunk(layout)
    rows: Iterable[list[str]] = reader if layout.has_header else _chain(first, reader)
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
        if len(chunk.values) >= chunk_rows:
            state.check_cancelled()
            yield chunk
            chunk = PostcodeChunk(layout)
            state.progress("Reading postcodes", min(size, done_before + raw.tell()), size)
    state.check_cancelled()
    yield chunk


def _chain(first: list[str], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield first
    yield from rest


