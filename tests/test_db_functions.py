"""The SQL helpers that spell things per database: day numbers, least and greatest."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import create_engine, literal, literal_column, select
from sqlalchemy.dialects import postgresql

from placement_desk.db import day_number, greatest, least
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
