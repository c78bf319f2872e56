"""The SQL helpers that spell things per database: day numbers, least and greatest, stored
values, unindexed comparisons; checked on the test database of each run."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import create_engine, literal, literal_column, select
from sqlalchemy.dialects import postgresql

from placement_desk.db import Database
from placement_desk.dbsql import day_number, fetch_stored, greatest, least, stored, unindexed
from placement_desk.models import Child, PlacementEpisode, Provider, Setting
from placement_desk.models.enums import SettingType
from placement_desk.services.agreements.fee_ledger import JULIAN_OFFSET


def test_day_number_on_sqlite_matches_python_for_dates_and_afternoons() -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as con:
        for text, day in (("2026-11-01", dt.date(2026, 11, 1)),
                          ("2024-02-29 18:45:00.000000", dt.date(2024, 2, 29)),
                          ("0001-01-01", dt.date(1, 1, 1))):
            got = con.execute(select(day_number(literal(text)))).scalar()
            assert got == day.toordinal() + JULIAN_OFFSET, text
        assert con.execute(select(day_number(literal(None)))).scalar() is None
        assert con.execute(select(least(literal(3), 5), greatest(literal(3), 5))).one() == (3, 5)


def test_other_databases_get_standard_sql() -> None:
    sql = str(select(day_number(literal_column("d")), least(literal_column("a"), 1),
                     greatest(literal_column("b"), 2)).compile(dialect=postgresql.dialect()))
    assert "CAST(d AS DATE) - DATE '0001-01-01' + 1721425" in sql
    assert "least(a," in sql and "greatest(b," in sql and "julianday" not in sql


# --- On the test database: an SQLite file, or a PostgreSQL server on a server run ----------

def test_stored_values_are_the_same_text_on_every_database(db: Database) -> None:
    """Hot paths read ids and dates as SQLite stores them; a server makes the same text."""
    ids = [uuid.UUID("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"), uuid.uuid4()]
    with db.write() as s:
        provider = Provider(id=ids[0], name="Acorn Care")
        s.add(provider)
        s.flush()
        s.add(Setting(id=ids[1], name="Oak House", setting_type=SettingType.CHILDRENS_HOME,
                      provider_id=provider.id, registration_date=dt.date(2019, 3, 7),
                      deleted_at=dt.datetime(2026, 2, 1, 14, 5, 9, 120)))
    with db.read() as s:
        rows = fetch_stored(s, select(stored(Setting.id), stored(Setting.provider_id),
                                      stored(Setting.registration_date),
                                      stored(Setting.deleted_at), stored(Setting.setting_type),
                                      Setting.name))
    assert rows == [(ids[1].hex, "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "2019-03-07",
                     "2026-02-01 14:05:09.000120", "childrens_home", "Oak House")]


def test_day_numbers_least_greatest_and_unindexed_dates_agree_with_python(db: Database) -> None:
    days = [dt.date(2026, 11, 1), dt.date(2024, 2, 29), dt.date(2000, 1, 1)]
    with db.write() as s:
        child = Child(case_ref="C1")
        s.add(child)
        s.flush()
        for start in days:
            s.add(PlacementEpisode(child_id=child.id, start_date=start, placement_type="K2",
                                   end_date=start + dt.timedelta(days=10)))
    pe = PlacementEpisode
    with db.read() as s:
        found = fetch_stored(s, select(
            day_number(stored(pe.start_date)), day_number(stored(pe.end_date)),
            least(day_number(stored(pe.start_date)), 2_451_546),
            greatest(day_number(stored(pe.start_date)), 2_451_546))
            .where(unindexed(pe.start_date) < dt.date(2026, 1, 1))
            .order_by(pe.start_date))
    expected = [(d.toordinal() + JULIAN_OFFSET, d.toordinal() + JULIAN_OFFSET + 10,
                 min(d.toordinal() + JULIAN_OFFSET, 2_451_546),
                 max(d.toordinal() + JULIAN_OFFSET, 2_451_546))
                for d in sorted(days) if d < dt.date(2026, 1, 1)]
    assert found == expected
    # The Julian date of the midnight that begins 1 January 2000 is 2,451,544.5 (J2000, noon
    # that day, is 2,451,545.0): its whole day is 2,451,544.
    assert dt.date(2000, 1, 1).toordinal() + JULIAN_OFFSET == 2_451_544
