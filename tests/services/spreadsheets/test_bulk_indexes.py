"""A large import into a table with fewer rows builds the table's plain indexes after its
inserts instead of keeping them in order row by row: the indexes come back as they were
defined, still there when the import fails or is cancelled, and are left alone where the
table already holds more rows than the import adds (or on a server)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from placement_desk.progress import Cancelled
from placement_desk.services.spreadsheets.importing import ImportPlan, prepare, run_import
from tests.backend import on_server

TODAY = dt.date(2026, 3, 31)


def _indexes(db: Any) -> list[tuple[str, str]]:
    with db.engine.connect() as con:
        if con.dialect.name != "sqlite":
            return sorted((str(n), str(d)) for n, d in con.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
                "('child', 'placement_episode', 'audit_event')"))
        return sorted((str(n), str(s)) for n, s in con.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN "
            "('child', 'placement_episode', 'audit_event')"))


def _tracker(path: Path, rows: int, first: int = 0) -> Path:
    lines = ["Child ref,DOB,Start,End,PLACE"]
    for n in range(first, first + rows):
        lines.append(f"C{n // 2},02/03/2012,{1 + n % 2:02d}/04/2025,"
                     f"{'' if n % 2 else '20/04/2025'},U4")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _statements(db: Any) -> list[str]:
    seen: list[str] = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    return seen


def test_indexes_are_built_after_a_large_import_as_they_were(db: Any, tmp_path: Path) -> None:
    before = _indexes(db)
    seen = _statements(db)
    result = run_import(db, prepare(db, ImportPlan(_tracker(tmp_path / "t.csv", 40),
                                                   "placements")), commit=True, today=TODAY)
    assert result.committed and result.created == 40
    assert _indexes(db) == before
    dropped = [s for s in seen if s.startswith("DROP INDEX")]
    if on_server():
        assert dropped == []  # a server would lock the table against every reader
    else:
        assert sorted(dropped) == sorted(f'DROP INDEX "{n}"' for n, sql in before
                                         if sql.startswith("CREATE INDEX "))
        # and the queries that use them still use them
        with db.engine.connect() as con:
            plan = " ".join(str(r[-1]) for r in con.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM placement_episode WHERE "
                "placement_type = 'U4'"))
        assert "ix_placement_episode_placement_type" in plan


def test_a_table_holding_more_rows_keeps_its_indexes(db: Any, tmp_path: Path) -> None:
    run_import(db, prepare(db, ImportPlan(_tracker(tmp_path / "a.csv", 30), "placements")),
               commit=True, today=TODAY)
    seen = _statements(db)
    result = run_import(db, prepare(db, ImportPlan(_tracker(tmp_path / "b.csv", 10, 100),
                                                   "placements")), commit=True, today=TODAY)
    assert result.created == 10
    # the ten new children and their episodes: fewer than the rows each table holds
    assert not [s for s in seen if s.startswith("DROP INDEX")]


def test_a_failure_while_the_indexes_are_dropped_leaves_every_index(
        db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from placement_desk.services.common import bulk

    before = _indexes(db)
    seen = _statements(db)

    def fail(*_args: Any) -> None:  # after the inserts, before the indexes are made again
        raise Cancelled()

    monkeypatch.setattr(bulk, "update_rows", fail)
    with pytest.raises(Cancelled):
        run_import(db, prepare(db, ImportPlan(_tracker(tmp_path / "t.csv", 40),
                                              "placements")), commit=True, today=TODAY)
    assert on_server() or any(s.startswith("DROP INDEX") for s in seen)
    assert _indexes(db) == before
    with db.engine.connect() as con:
        assert con.exec_driver_sql("SELECT count(*) FROM placement_episode").scalar() == 0
