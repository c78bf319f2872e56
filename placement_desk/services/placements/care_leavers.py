"""Care leavers' accommodation (16–25): the tables councils' sufficiency strategies print.

On a chosen day, every young person aged 16 to 25 with a live episode is counted
once, by that episode's accommodation type (care leavers' types outside the 903
codes, and 903 types for 16 and 17 year olds still looked after):

* placement type by where: in the council's area, elsewhere within 20 miles,
  beyond 20 miles, distance unknown;
* needs level (1 high … 5 ready for independent living) by accommodation type;
* age and gender, with the number of unaccompanied asylum-seeking young people.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db import Database
from ...models import Child, PlacementEpisode
from ...models.enums import PlacementType, Sex
from ..common.settings_store import COUNCIL_AREA, get_setting
from .distance import LOCAL_MILES, area_codes, in_area, postcode_key
from .live import live_on

WHERE = ("In the council's area", "Within 20 miles", "Beyond 20 miles", "Distance unknown")
NEEDS = ("1", "2", "3", "4", "5", "Not assessed")
GENDERS = ("Male", "Female", "Not recorded")


@dataclass
class Table:
    """Rows of counts under named columns, with totals."""

    title: str
    columns: tuple[str, ...]
    rows: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, row: str, column: str) -> None:
        self.rows.setdefault(row, Counter())[column] += 1

    def cell(self, row: str, column: str) -> int:
        return self.rows.get(row, Counter())[column]

    def row_total(self, row: str) -> int:
        return sum(self.rows.get(row, Counter()).values())

    def column_total(self, column: str) -> int:
        return sum(counts[column] for counts in self.rows.values())

    @property
    def total(self) -> int:
        return sum(self.row_total(r) for r in self.rows)

    def as_grid(self) -> tuple[list[str], list[list[object]]]:
        """Headings and rows (with a Total row and column), for display or export."""
        headings = ["", *self.columns, "Total"]
        grid: list[list[object]] = [
            [row, *(self.cell(row, c) for c in self.columns), self.row_total(row)]
            for row in self.rows]
        grid.append(["Total", *(self.column_total(c) for c in self.columns), self.total])
        return headings, grid


@dataclass
class CareLeaverTables:
    on: dt.date
    by_where: Table
    by_needs: Table
    by_age: Table
    uasc: int
    people: int


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _type_label(code: str) -> str:
    try:
        return PlacementType(code).label
    except ValueError:
        return code


def _care_leaver_tables(session: Session, on: dt.date) -> CareLeaverTables:
    """The three tables for young people aged 16–25 on ``on``."""
    pe = PlacementEpisode
    oldest = dt.date(on.year - 26, on.month, 1)
    youngest = dt.date(on.year - 16, on.month, on.day) if (on.month, on.day) != (2, 29) \
        else dt.date(on.year - 16, 2, 28)
    query = (select(Child.id, Child.date_of_birth, Child.sex, Child.uasc, Child.needs_level,
                    pe.placement_type, pe.placement_postcode, pe.distance_miles,
                    pe.start_date)
             .join(pe, pe.child_id == Child.id)
             .where(Child.deleted_at.is_(None), pe.deleted_at.is_(None),
                    Child.date_of_birth.is_not(None), Child.date_of_birth <= youngest,
                    Child.date_of_birth > oldest, live_on(on))
             .order_by(Child.id, pe.start_date))
    latest: dict[Any, Any] = {}
    for row in session.execute(query).all():
        latest[row[0]] = tuple(row)  # the episode that started last wins
    council = str(get_setting(session, COUNCIL_AREA) or "")
    postcodes = {k for k in (postcode_key(r[6]) for r in latest.values()) if k}
    codes = area_codes(session, postcodes) if council else {}
    by_where = Table("Accommodation by where the young person lives", WHERE)
    by_needs = Table("Needs level by accommodation", NEEDS)
    by_age = Table("Age and gender", GENDERS)
    uasc = 0
    counted: dict[str, int] = defaultdict(int)
    for (_cid, born, sex, is_uasc, needs, place, postcode, miles, _start) in latest.values():
        assert isinstance(born, dt.date)
        age = _age(born, on)
        if not 16 <= age <= 25:
            continue
        label = _type_label(str(place))
        key = postcode_key(postcode if isinstance(postcode, str) else None)
        if key and in_area(council, codes.get(key)):
            where = WHERE[0]
        elif miles is None:
            where = WHERE[3]
        else:
            where = WHERE[1] if float(miles) <= LOCAL_MILES else WHERE[2]
        by_where.add(label, where)
        by_needs.add(label, str(needs) if needs else NEEDS[-1])
        gender = {Sex.MALE: GENDERS[0], Sex.FEMALE: GENDERS[1]}.get(sex, GENDERS[2])
        by_age.add(f"{age}", gender)
        uasc += bool(is_uasc)
        counted[label] += 1
    by_age.rows = dict(sorted(by_age.rows.items(), key=lambda item: int(item[0])))
    for table in (by_where, by_needs):
        table.rows = dict(sorted(table.rows.items(), key=lambda item: -counted[item[0]]))
    return CareLeaverTables(on, by_where, by_needs, by_age, uasc, sum(counted.values()))


def care_leaver_tables(db: Database, on: dt.date) -> CareLeaverTables:
    """The three tables for young people aged 16–25 on ``on``."""
    with db.read() as session:
        return _care_leaver_tables(session, on)
