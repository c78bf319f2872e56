"""The demo generator: deterministic, realistic in shape, and safe to re-run."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from placement_desk.cli import main
from placement_desk.lifecycle import open_database
from placement_desk.progress import Cancelled, TaskState
from placement_desk.services.demo.generator import generate_demo

AS_OF = dt.date(2026, 3, 31)


def _make(path: Path, seed: int, size: str = "small") -> None:
    db = open_database(path, backup=False)
    try:
        generate_demo(db.engine, size=size, seed=seed, as_of=AS_OF)
    finally:
        db.close()


def _dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name != 'alembic_version' "
            "ORDER BY name")]
        return [f"{t}: {sorted(map(repr, con.execute(f'SELECT * FROM {t}')))}" for t in tables]
    finally:
        con.close()


def test_the_same_seed_and_date_give_identical_databases(tmp_path: Path) -> None:
    _make(tmp_path / "a.db", seed=7)
    _make(tmp_path / "b.db", seed=7)
    _make(tmp_path / "c.db", seed=8)
    assert _dump(tmp_path / "a.db") == _dump(tmp_path / "b.db")
    assert _dump(tmp_path / "a.db") != _dump(tmp_path / "c.db")


def test_the_council_demo_has_the_shape_the_issue_asks_for(tmp_path: Path) -> None:
    path = tmp_path / "council.db"
    _make(path, seed=1, size="council")
    con = sqlite3.connect(path)

    def one(sql: str) -> object:
        return con.execute(sql).fetchone()[0]

    try:
        assert one("SELECT count(*) FROM provider") == 150
        assert one("SELECT count(*) FROM setting") == 350
        assert one("SELECT count(*) FROM child") == 1500
        assert one("SELECT count(*) FROM placement_episode") == 6_000  # exact, as asked
        assert one("SELECT count(DISTINCT setting_type) FROM setting") >= 9
        assert one("SELECT min(start_date) FROM placement_episode") >= "2020-03-31"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        overlaps = one(
            "SELECT count(*) FROM placement_episode a JOIN placement_episode b "
            "ON a.child_id = b.child_id AND a.id < b.id "
            "AND a.start_date < coalesce(b.end_date, '9999') "
            "AND b.start_date < coalesce(a.end_date, '9999')")
        assert overlaps == 0
        assert one("SELECT min(weekly_fee_pence) FROM agreement_version") >= 0
        assert one("SELECT count(*) FROM agreement_version WHERE funding_social_care_bp + "
                   "funding_health_bp + funding_education_bp != 10000") == 0
        home_fee = one("SELECT avg(v.weekly_fee_pence) FROM agreement_version v JOIN agreement a "
                       "ON a.id = v.agreement_id JOIN setting s ON s.id = a.setting_id "
                       "WHERE s.setting_type = 'childrens_home' AND v.version_no = 1")
        ifa_fee = one("SELECT avg(v.weekly_fee_pence) FROM agreement_version v JOIN agreement a "
                      "ON a.id = v.agreement_id JOIN setting s ON s.id = a.setting_id "
                      "WHERE s.setting_type = 'ifa' AND v.version_no = 1")
        assert 380_000 <= home_fee <= 650_000 and 80_000 <= ifa_fee <= 100_000
        assert one("SELECT count(*) FROM rating_alert WHERE kind = 'downgrade'") > 0
        assert one("SELECT count(*) FROM placement_episode WHERE placement_type = 'K3' "
                   "AND start_date < '2025-04-01'") == 0
        assert one("SELECT count(*) FROM placement_episode WHERE placement_type = 'H5' "
                   "AND start_date >= '2025-04-01'") == 0
        local = one("SELECT avg(distance_miles <= 20) FROM placement_episode "
                    "WHERE distance_miles IS NOT NULL")
        assert 0.5 < local < 0.85
    finally:
        con.close()


def test_cancelling_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    db = open_database(path, backup=False)
    state = TaskState(lambda step, done, total: state.cancel()
                      if step.startswith("Writing") else None)
    try:
        with pytest.raises(Cancelled):
            generate_demo(db.engine, size="small", seed=1, as_of=AS_OF, state=state)
    finally:
        db.close()
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM provider").fetchone()[0] == 0
    con.close()


def test_demo_command_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "demo.db")
    assert main(["demo", "--db", path, "--size", "small", "--as-of", "2026-03-31"]) == 0
    assert "Demo database (small, seed 1)" in capsys.readouterr().out
    assert main(["db", "check", "--db", path]) == 0
    assert main(["demo", "--db", path, "--size", "small"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["demo", "--db", path, "--size", "small", "--replace", "--quiet"]) == 0
