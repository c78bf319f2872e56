"""Care leavers' tables counted on a hand-made set of young people."""

from __future__ import annotations

import datetime as dt

import pytest

from placement_desk.lifecycle import Database
from placement_desk.models import Child, PlacementEpisode, PostcodeLookup
from placement_desk.models.enums import Sex
from placement_desk.services.common.settings_store import set_setting
from placement_desk.services.placements.care_leavers import care_leaver_tables

ON = dt.date(2026, 6, 30)


@pytest.fixture
def db_user() -> str:
    return "pat.officer"


def _person(s, ref: str, born: dt.date, sex: Sex | None, place: str, *, needs: int | None = None,
            uasc: bool = False, postcode: str | None = None, miles: float | None = None,
            start: dt.date = dt.date(2025, 1, 1), end: dt.date | None = None) -> Child:  # type: ignore[no-untyped-def]
    child = Child(case_ref=ref, date_of_birth=born, sex=sex, needs_level=needs, uasc=uasc)
    s.add(child)
    s.flush()
    s.add(PlacementEpisode(child_id=child.id, start_date=start, end_date=end,
                           placement_type=place, placement_postcode=postcode,
                           distance_miles=miles))
    return child


def test_the_three_tables(db: Database) -> None:
    with db.sessions.begin() as s:
        s.add(PostcodeLookup(postcode="SM11AA", easting=1, northing=1,
                             local_authority_code="E09000029"))
        set_setting(s, "council.local_authority_code", "E09000029")
        _person(s, "A", dt.date(2007, 1, 1), Sex.MALE, "CL_SP", needs=3, postcode="SM1 1AA",
                miles=0.5)  # 19, in borough
        _person(s, "B", dt.date(2006, 7, 1), Sex.FEMALE, "CL_SP", needs=3, miles=12.0,
                uasc=True)  # 19 (birthday tomorrow), within 20 miles
        _person(s, "C", dt.date(2002, 1, 1), Sex.MALE, "CL_SL", needs=5, miles=40.0,
                uasc=True)  # 24, beyond 20 miles
        _person(s, "D", dt.date(2009, 6, 30), None, "K3")  # 17 today; distance unknown
        _person(s, "E", dt.date(2015, 1, 1), Sex.MALE, "U1")  # 11: not counted
        _person(s, "F", dt.date(1999, 1, 1), Sex.MALE, "CL_IL")  # 27: not counted
        _person(s, "G", dt.date(2005, 1, 1), Sex.FEMALE, "CL_IL",
                end=dt.date(2026, 6, 30))  # ended on the day: not counted
        moved = _person(s, "H", dt.date(2004, 3, 3), Sex.FEMALE, "CL_SIF", needs=2, miles=3.0,
                        start=dt.date(2024, 1, 1))  # 22, has a later episode too
        s.add(PlacementEpisode(child_id=moved.id, start_date=dt.date(2026, 2, 1),
                               placement_type="CL_QH", distance_miles=25.0))
    tables = care_leaver_tables(db, ON)
    assert tables.people == 5
    assert tables.uasc == 2
    where = tables.by_where
    assert where.cell("Staying Put with former foster carers", "In the council's area") == 1
    assert where.cell("Staying Put with former foster carers", "Within 20 miles") == 1
    assert where.cell("Supported lodgings", "Beyond 20 miles") == 1
    assert where.cell("Council quota housing", "Beyond 20 miles") == 1
    assert where.row_total("Semi-independent accommodation (framework)") == 0
    assert where.column_total("Distance unknown") == 1
    assert tables.by_needs.cell("Staying Put with former foster carers", "3") == 2
    assert tables.by_needs.cell("Supported lodgings", "5") == 1
    assert tables.by_needs.column_total("Not assessed") == 1
    assert tables.by_needs.cell("Council quota housing", "2") == 1
    ages = tables.by_age
    assert list(ages.rows) == ["17", "19", "22", "24"]
    assert (ages.cell("19", "Male"), ages.cell("19", "Female")) == (1, 1)
    assert ages.cell("17", "Not recorded") == 1
    headings, grid = tables.by_where.as_grid()
    assert headings[-1] == "Total" and grid[-1][0] == "Total" and grid[-1][-1] == 5
    # The most common accommodation comes first.
    assert grid[0][0] == "Staying Put with former foster carers"
