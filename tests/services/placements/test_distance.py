"""Straight-line distances from grid references, and loading the postcode lookup."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from placement_desk.errors import FileFormatError
from placement_desk.lifecycle import Database
from placement_desk.models import PostcodeLookup
from placement_desk.progress import Cancelled, TaskState
from placement_desk.services.placements import distance
from placement_desk.services.placements.distance import (
    area_codes,
    grid_miles,
    import_postcodes,
    in_area,
    miles_between,
    miles_between_many,
    normalise_postcode,
    postcode_key,
    within_20_miles,
)

ONSPD = """pcd,pcd2,pcds,dointr,doterm,oslaua,oseast1m,osnrth1m,osgrdind,lat,long
SM1 1AA,SM1  1AA,SM1 1AA,198001,,E09000029,525950,164300,1,51.3617,-0.1934
SW1A2AA,SW1A 2AA,SW1A 2AA,198001,,E09000033,530047,179951,1,51.5035,-0.1276
BR1 1AA,BR1  1AA,BR1 1AA,198001,,E09000006,540213,169075,1,51.4048,0.0168
ZZ9 9ZZ,ZZ9  9ZZ,ZZ9 9ZZ,198001,,,,,9,99.999999,0.000000
CR0 1AA,CR0  1AA,CR0 1AA,198001,,E09000008,north,166000,1,51.37,-0.10
NOTAPC,,NOTAPC,198001,,,1,2,1,51.0,0.0
"""

CODE_POINT = """"SM1 1AA",10,525951,164301,"E92000001","E19000003","","","E09000029","E05000555"
"SM2 5AA",10,525800,163100,"E92000001","E19000003","","","E09000029","E05000556"
"BAD",10,1,2,"E92000001","","","","",""
"SM3 8AA",10,,,"E92000001","","","","E09000029",""
"""


@pytest.fixture
def db_user() -> str:
    return "sam.officer"


def _add(db: Database, *rows: tuple[str, int | None, int | None]) -> None:
    with db.sessions.begin() as s:
        s.add_all(PostcodeLookup(postcode=code, easting=e, northing=n) for code, e, n in rows)


def _count(db: Database) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(PostcodeLookup)) or 0


def test_postcodes_are_tidied_for_the_lookup() -> None:
    assert normalise_postcode("sm11aa") == "SM1 1AA"
    assert postcode_key(" sw1a 2aa ") == "SW1A2AA"
    assert postcode_key("") is None


def test_distance_is_pythagoras_on_grid_references(db: Database) -> None:
    # 30 km east and 40 km north: 50 km, which is 50,000 ÷ 1,609.344 miles.
    _add(db, ("SM11AA", 500_000, 160_000), ("TN11AA", 530_000, 200_000),
         ("SM21AA", 503_000, 164_000), ("XX11AA", None, None))
    assert grid_miles(500_000, 160_000, 530_000, 200_000) == 50_000 / 1609.344
    with db.sessions() as s:
        assert miles_between(s, "sm1 1aa", "TN1 1AA") == pytest.approx(31.0686, abs=1e-4)
        assert miles_between(s, "SM1 1AA", "SM2 1AA") == pytest.approx(5000 / 1609.344)
        assert miles_between(s, "SM1 1AA", "ZZ1 1ZZ") is None, "unknown: never guessed"
        assert miles_between(s, "SM1 1AA", "XX1 1AA") is None, "no grid reference"
        assert miles_between(s, None, "SM1 1AA") is None
        assert miles_between_many(s, [("SM11AA", "SM11AA"), ("SM1 1AA", "")]) == [0.0, None]


def test_within_20_miles() -> None:
    assert within_20_miles(20.0) is True
    assert within_20_miles(20.01) is False
    assert within_20_miles(None) is None


def test_latitude_and_longitude_when_there_is_no_grid_reference(db: Database) -> None:
    with db.sessions.begin() as s:
        s.add(PostcodeLookup(postcode="AA11AA", latitude=51.0, longitude=0.0))
        s.add(PostcodeLookup(postcode="AA12AA", latitude=52.0, longitude=0.0))
    with db.sessions() as s:
        # One degree of latitude on a sphere of radius 6,371,008.8 m.
        expected = 6_371_008.8 * math.pi / 180 / 1609.344
        assert miles_between(s, "AA1 1AA", "AA1 2AA") == pytest.approx(expected)


def test_import_onspd_with_headings(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "ONSPD_FEB_2025_UK.csv"
    path.write_text(ONSPD, encoding="utf-8")
    summary = import_postcodes(db, path)
    assert summary.layout == "ONS Postcode Directory"
    assert (summary.rows_read, summary.added, summary.updated, summary.skipped) == (6, 3, 0, 3)
    assert summary.problems == [
        f"{path.name} row 5: no grid reference.",
        f"{path.name} row 6: the easting is not a number.",
        f"{path.name} row 7: the postcode is not a UK postcode.",
    ]
    with db.sessions() as s:
        row = s.get(PostcodeLookup, "SW1A2AA")
        assert row is not None
        assert (row.easting, row.northing, row.local_authority_code) == \
            (530047, 179951, "E09000033")
        assert row.latitude == pytest.approx(51.5035)
    again = import_postcodes(db, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)


def test_import_code_point_open_without_headings(db: Database, tmp_path: Path) -> None:
    onspd = tmp_path / "onspd.csv"
    onspd.write_text(ONSPD, encoding="utf-8")
    import_postcodes(db, onspd)
    path = tmp_path / "sm.csv"
    path.write_text(CODE_POINT, encoding="utf-8")
    summary = import_postcodes(db, path)
    assert summary.layout == "Code-Point Open"
    assert (summary.rows_read, summary.added, summary.updated, summary.skipped) == (4, 1, 1, 2)
    assert summary.problems == ["sm.csv row 3: the postcode is not a UK postcode.",
                                "sm.csv row 4: no grid reference."]
    with db.sessions() as s:
        row = s.get(PostcodeLookup, "SM11AA")
        assert row is not None
        assert (row.easting, row.northing) == (525951, 164301)
        assert row.latitude == pytest.approx(51.3617), "columns the file lacks are kept"
        added = s.get(PostcodeLookup, "SM25AA")
        assert added is not None and added.local_authority_code == "E09000029"


def test_import_a_zip_of_code_point_files(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "codepo_gb.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Doc/Code-Point_Open_Column_Headers.csv", "PC,PQ,EA,NO\n")
        archive.writestr("Data/CSV/sm.csv", CODE_POINT)
        archive.writestr("Data/CSV/br.csv", '"BR1 1AA",10,540213,169075,"E92000001"\n')
    summary = import_postcodes(db, path)
    assert (summary.added, summary.skipped) == (3, 2)
    assert summary.problems[0] == "Data/CSV/sm.csv row 3: the postcode is not a UK postcode."


def test_a_file_of_another_kind_is_refused(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("name,town\nOak House,Sutton\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match="not an ONS Postcode Directory"):
        import_postcodes(db, path)
    with pytest.raises(FileFormatError):
        import_postcodes(db, tmp_path / "missing.csv")
    assert _count(db) == 0


def test_cancelling_leaves_the_lookup_unchanged(db: Database, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _add(db, ("SM11AA", 1, 1))
    monkeypatch.setattr(distance, "CHUNK", 1)
    path = tmp_path / "onspd.csv"
    path.write_text(ONSPD, encoding="utf-8")
    seen: list[int] = []

    def on_progress(step: str, done: int, total: int) -> None:
        seen.append(done)
        if len(seen) == 3:  # the start, then after two chunks were written
            state.cancel()

    state = TaskState(on_progress, min_interval=0)
    with pytest.raises(Cancelled):
        import_postcodes(db, path, state)
    assert _count(db) == 1
    with db.sessions() as s:
        row = s.get(PostcodeLookup, "SM11AA")
        assert row is not None and (row.easting, row.northing) == (1, 1)


TWO_TIER = """pcds,oscty,oslaua,oseast1m,osnrth1m
ME14 1XX,E10000016,E07000110,575900,155900
ME4 4TR,E99999999,E06000035,575800,168000
"""


def test_a_county_council_counts_its_districts_as_its_area(db: Database,
                                                           tmp_path: Path) -> None:
    """Kent County Council (E10) holds Maidstone (a district, E07); Medway is a unitary
    council (E06) with no county, which the ONSPD marks E99999999."""
    path = tmp_path / "onspd.csv"
    path.write_text(TWO_TIER, encoding="utf-8")
    import_postcodes(db, path)
    with db.sessions() as s:
        codes = area_codes(s, ["me14 1xx", "ME4 4TR", "SM1 1AA"])
    assert codes == {"ME141XX": ("E07000110", "E10000016"), "ME44TR": ("E06000035", None)}
    maidstone, medway = codes["ME141XX"], codes["ME44TR"]
    assert (in_area("E10000016", maidstone), in_area("E10000016", medway)) == (True, False)
    assert (in_area("E07000110", maidstone), in_area("E06000035", medway)) == (True, True)
    assert in_area("E10000016", None) is None, "a postcode not in the lookup is unknown"
    assert in_area("", maidstone) is None, "so is everything when the council's code is not set"

    code_point = tmp_path / "ke.csv"
    code_point.write_text('"ME15 6AA",10,576000,154000,"E92000001","","","E10000016",'
                          '"E07000110","E05000001"\n', encoding="utf-8")
    import_postcodes(db, code_point)
    with db.sessions() as s:
        assert area_codes(s, ["ME15 6AA"]) == {"ME156AA": ("E07000110", "E10000016")}
