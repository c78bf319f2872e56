"""Straight-line distances between postcodes, and loading the postcode lookup from ONS or OS files.

PL_DISTANCE is the straight-line distance in miles between the home and placement
postcodes, worked out from their British National Grid references (Pythagoras on
eastings and northings in metres, ÷ 1609.344). A postcode that is not in the lookup,
or has no grid reference there, gives None: distances are never guessed. When
neither of two postcodes has a grid reference but both have latitude and longitude
(some files carry only those), the great-circle distance is used instead.

The lookup loads from the ONS Postcode Directory or OS Code-Point Open (read by
:mod:`placement_desk.io.postcode_files`). Each postcode keeps its district's ONS code
and, in two-tier areas, its county's, so that a county council (E10) and a district,
unitary or London borough council alike can say which placements are in their area
(:func:`in_area`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from ...db import Database
from ...identifiers import normalise_postcode, postcode_key
from ...io.postcode_files import PostcodeLayout, read_postcode_file
from ...models import PostcodeLookup
from ...progress import NULL_STATE, TaskState
from ..common.backups import import_backup
from ..users.roles import Permission, require

__all__ = ["LOCAL_MILES", "Point", "PostcodeImportSummary", "area_codes",
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

@dataclass(frozen=True)
class Point:
    easting: int | None
    northing: int | None
    latitude: float | None = None
    longitude: float | None = None


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


def _flush(session: Session, batch: dict[str, dict[str, Any]], layout: PostcodeLayout,
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


def import_postcodes(db: Database, path: str | Path,
                     state: TaskState = NULL_STATE) -> PostcodeImportSummary:
    """Load or refresh the postcode lookup from one file, in one transaction.

    Rows are upserted in chunks (portable SQL: select the chunk's keys, insert the new,
    update the changed); only the columns the file has are written. Bad rows are
    skipped and reported with their row number. Cancelling (``state.cancel()``)
    rolls everything back; a file of neither layout raises FileFormatError.
    """
    require(db, Permission.IMPORT_DATA)
    summary = PostcodeImportSummary()
    chunks = read_postcode_file(path, state, chunk_rows=CHUNK)
    first = next(chunks, None)  # a file of neither layout is refused here
    # The file is readable: a copy to go back to, kept only if the import commits.
    with import_backup(db), db.write() as session:
        for chunk in itertools.chain([first] if first is not None else [], chunks):
            summary.layout = summary.layout or chunk.layout.name
            summary.rows_read += chunk.rows_read
            for problem in chunk.problems:
                summary.problem(problem)
            _flush(session, chunk.values, chunk.layout, summary)
        state.check_cancelled()
    return summary
