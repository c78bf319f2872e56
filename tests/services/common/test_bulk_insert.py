"""Rows written in bulk arrive whole and in order, however many statements they take:
on SQLite, hundreds of rows go in each statement, up to the placeholders SQLite allows
and well within its longest statement."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, select

from placement_desk.db import make_engine
from placement_desk.services.common import bulk


def _table(width: int) -> Table:
    return Table("t", MetaData(), Column("n", Integer, primary_key=True),
                 Column("day", Date), Column("name", String),
                 *(Column(f"c{i}", Integer) for i in range(width)))


@pytest.mark.parametrize(("rows", "width"), [(1, 2), (2_500, 2), (3_001, 300)])
def test_rows_written_many_to_a_statement_arrive_whole_and_in_order(
        tmp_path: Path, rows: int, width: int) -> None:
    table = _table(width)
    engine = make_engine(tmp_path / "bulk.db")
    seen: list[str] = []
    try:
        table.metadata.create_all(engine)
        columns = {"n": list(range(rows)),
                   "day": [dt.date(2025, 4, 1) + dt.timedelta(days=n % 40)
                           for n in range(rows)],
                   "name": [None if n % 3 else f"Row {n}" for n in range(rows)],
                   "c0": [7] * rows,  # the same in every row: written into the statement
                   **{f"c{i}": [n * i for n in range(rows)] for i in range(1, width)}}
        from sqlalchemy import event

        event.listen(engine, "before_cursor_execute",
                     lambda _c, _cur, statement, *_a: seen.append(statement))
        with engine.begin() as conn:
            bulk._insert(conn, table, columns, {}, rows)
        with engine.connect() as conn:
            back = [tuple(r) for r in conn.execute(select(table).order_by(table.c.n))]
    finally:
        engine.dispose()
    expected = [(n, columns["day"][n], columns["name"][n], 7,
                 *(n * i for i in range(1, width))) for n in range(rows)]
    assert back == expected
    inserts = [s for s in seen if s.startswith("INSERT")]
    assert all(len(s) < 1_000_000 and s.count("?") <= 32766 for s in inserts)
    if rows > 1:
        assert len(inserts) < rows / 100  # hundreds of rows a statement, not one
