"""Backups: daily, before imports, on demand, rotated; restore checks the file first and
keeps a copy of what it replaces; the command line does the same."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from placement_desk.cli import main
from placement_desk.errors import DatabaseDamagedError, DatabaseError, PermissionRefused
from placement_desk.lifecycle import Database, open_database
from placement_desk.models import Provider
from placement_desk.models.enums import UserRole
from placement_desk.services.common.backups import (
    BEFORE_IMPORT,
    DAILY,
    back_up,
    before_import,
    check_backup,
    daily_backup,
    list_backups,
    may_restore,
    restore_file,
    rotate,
)
from placement_desk.services.common.settings_store import BACKUPS_KEEP, set_setting
from placement_desk.services.users.accounts import (
    add_account,
    create_first_administrator,
    sign_in,
)

pytestmark = pytest.mark.sqlite_only(
    reason="backups and restore are of a database file; a team server's database is backed "
           "up by its administrators")

PASSWORD = "correct horse battery"


def _names(db: Database) -> set[str]:
    with db.read() as s:
        return set(s.scalars(sa.select(Provider.name)))


def _add(db: Database, name: str) -> None:
    with db.write() as s:
        s.add(Provider(name=name))


def test_the_first_start_of_a_day_makes_one_backup(db: Database) -> None:
    today = dt.date.today()
    first = daily_backup(db, today)
    assert first is not None and first.exists()
    assert daily_backup(db, today) is None  # a second start that day makes none
    assert [b.kind for b in list_backups(db.path)] == [DAILY]  # type: ignore[arg-type]


def test_a_backup_holds_what_was_committed(db: Database) -> None:
    _add(db, "Acorn Care")
    made = back_up(db)
    con = sqlite3.connect(str(made))
    try:
        assert con.execute("SELECT name FROM provider").fetchall() == [("Acorn Care",)]
    finally:
        con.close()


def test_backups_are_rotated_keeping_the_configured_number(db: Database) -> None:
    with db.write() as s:
        set_setting(s, BACKUPS_KEEP, 3)
    assert db.path is not None
    made = []
    for _ in range(5):
        made.append(back_up(db, BEFORE_IMPORT))
    kept = [b.path for b in list_backups(db.path) if b.kind == BEFORE_IMPORT]
    assert len(kept) == 3
    assert set(kept) == set(made[-3:])
    assert rotate(db.path, BEFORE_IMPORT, 1) and len(list_backups(db.path)) == 1


def test_an_import_backs_the_database_up_first(db: Database, tmp_path: Path) -> None:
    from placement_desk.services.placements.ssda903_import import import_ssda903
    from tests.services.placements.test_ssda903_import import TODAY, _small_files

    header, episodes = _small_files(tmp_path)
    import_ssda903(db, header, episodes, today=TODAY)
    assert [b.kind for b in list_backups(db.path)] == [BEFORE_IMPORT]  # type: ignore[arg-type]


def test_restore_puts_the_backup_back_and_keeps_what_it_replaced(db: Database) -> None:
    _add(db, "Acorn Care")
    made = back_up(db)
    _add(db, "Beacon Homes")  # after the backup
    path = db.path
    assert path is not None
    check_backup(made)
    db.close()
    kept = restore_file(path, made)
    assert kept is not None
    again = open_database(path)
    try:
        assert _names(again) == {"Acorn Care"}
    finally:
        again.close()
    replaced = open_database(kept, lock=False, backup=False)
    try:
        assert _names(replaced) == {"Acorn Care", "Beacon Homes"}
    finally:
        replaced.close()


def test_restore_refuses_a_damaged_or_foreign_file(db: Database, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(DatabaseDamagedError, match="cannot be restored"):
        check_backup(junk)
    other = tmp_path / "other.db"
    con = sqlite3.connect(str(other))
    con.execute("CREATE TABLE t (a)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseDamagedError, match="not a Placement Desk database"):
        check_backup(other)
    made = back_up(db)
    cut = tmp_path / "cut.db"
    cut.write_bytes(made.read_bytes()[: made.stat().st_size // 2])
    with pytest.raises(DatabaseDamagedError):
        check_backup(cut)
    assert db.path is not None
    db.close()
    before = db.path.read_bytes()
    with pytest.raises(DatabaseDamagedError):
        restore_file(db.path, junk)
    assert db.path.read_bytes() == before


def test_restore_refuses_a_backup_from_a_newer_version(db: Database, tmp_path: Path) -> None:
    made = back_up(db)
    newer = tmp_path / "newer.db"
    newer.write_bytes(made.read_bytes())
    con = sqlite3.connect(str(newer))
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="newer version"):
        check_backup(newer)


def test_only_an_administrator_may_restore(db: Database) -> None:
    made = back_up(db)
    create_first_administrator(db, "alex.admin", "Alex", PASSWORD)
    add_account(db, "morgan", "Morgan", UserRole.MANAGER, PASSWORD)
    sign_in(db, "morgan", PASSWORD)
    with pytest.raises(PermissionRefused, match="restore"):
        may_restore(db, made)
    sign_in(db, "alex.admin", PASSWORD)
    assert may_restore(db, made).revision


def test_backup_and_restore_on_the_command_line(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "pd.db"
    db = open_database(path)
    _add(db, "Acorn Care")
    db.close()
    assert main(["backup", "--db", str(path)]) == 0
    made = Path(capsys.readouterr().out.strip().removeprefix("Backed up to ").rstrip("."))
    assert made.exists()
    db = open_database(path)
    _add(db, "Beacon Homes")
    db.close()
    assert main(["restore", str(made), "--db", str(path)]) == 0
    assert "kept at" in capsys.readouterr().out
    db = open_database(path)
    try:
        assert _names(db) == {"Acorn Care"}
    finally:
        db.close()
    assert main(["restore", str(tmp_path / "missing.db"), "--db", str(path)]) == 5


def test_before_import_skips_a_database_being_built(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.db", backup=False)
    try:
        assert before_import(db) is None
    finally:
        db.close()
