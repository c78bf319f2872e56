"""Database lifecycle: connection settings, migrations, backups, refusal, locks, shares."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations

from placement_desk import migrations
from placement_desk.cli import main
from placement_desk.db import Database, check_local, network_location
from placement_desk.dblock import DatabaseLock
from placement_desk.errors import DatabaseError
from placement_desk.lifecycle import check_database, open_database
from placement_desk.models import Base, OfstedInspection, PlacementEpisode, Provider, Setting
from placement_desk.models.child import Child
from placement_desk.models.enums import InspectionEventType, Judgement, SettingType

SQLITE_FILE = pytest.mark.sqlite_only(reason="the database file itself: SQLite's settings, "
                                      "backups before upgrades, the lock file, shares")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@SQLITE_FILE
def test_every_connection_gets_the_safety_pragmas(tmp_path: Path) -> None:
    db = open_database(tmp_path / "a.db")
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    finally:
        db.close()


def test_savepoint_rollback_keeps_the_outer_transaction(fresh_target: Any) -> None:
    db = open_database(fresh_target)
    try:
        with db.sessions.begin() as session:
            session.add(Provider(name="Kept"))
            session.flush()
            nested = session.begin_nested()
            session.add(Provider(name="Rolled back"))
            session.flush()
            nested.rollback()
        with db.sessions() as session:
            names = session.scalars(sa.select(Provider.name)).all()
        assert names == ["Kept"]
    finally:
        db.close()


def test_migrations_from_empty_to_head_match_the_models(fresh_target: Any) -> None:
    db = open_database(fresh_target)
    try:
        assert db.revision == migrations.head_revision()
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(ctx, Base.metadata) == []
    finally:
        db.close()


def test_downgrade_to_empty_and_upgrade_again(fresh_target: Any) -> None:
    db = open_database(fresh_target)
    try:
        cfg = migrations.alembic_config()
        from alembic import command

        def down(conn: sa.Connection) -> None:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")

        migrations.run_without_foreign_keys(db.engine, down)
        with db.engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == ["alembic_version"]
        migrations.upgrade(db.engine)
        assert migrations.current_revision(db.engine) == migrations.head_revision()
    finally:
        db.close()


@SQLITE_FILE
def test_a_database_newer_than_the_app_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    open_database(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()
    before = _sha(path)
    with pytest.raises(DatabaseError, match="newer version of Placement Desk"):
        open_database(path)
    assert _sha(path) == before
    assert not (tmp_path / "backups").exists()
    assert not (tmp_path / "future.db.lock").exists(), "the lock is released on refusal"


@SQLITE_FILE
def test_an_existing_database_is_backed_up_before_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE legacy_notes (note TEXT)")
    con.execute("INSERT INTO legacy_notes VALUES ('keep me')")
    con.commit()
    con.close()
    db = open_database(path)
    try:
        assert db.upgrade is not None and db.upgrade.backup is not None
        backup = db.upgrade.backup
        assert backup.parent == tmp_path / "backups"
        copy = sqlite3.connect(backup)
        assert copy.execute("SELECT note FROM legacy_notes").fetchall() == [("keep me",)]
        assert copy.execute(
            "SELECT count(*) FROM sqlite_master WHERE name='alembic_version'").fetchone()[0] == 0
        copy.close()
        assert any("upgraded" in n for n in db.notices)
    finally:
        db.close()


@SQLITE_FILE
def test_an_empty_new_database_needs_no_backup(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.db")
    db.close()
    assert db.upgrade is not None and db.upgrade.backup is None


def _seed_parent_and_children(db: Database) -> None:
    with db.write() as session:
        setting = Setting(name="Oak House", urn="SC000001",
                          setting_type=SettingType.CHILDRENS_HOME)
        session.add(setting)
        session.flush()
        session.add(OfstedInspection(setting_id=setting.id, event_type=InspectionEventType.FULL,
                                     inspection_date=dt.date(2024, 5, 1),
                                     overall_judgement=Judgement.GOOD))
        child = Child(case_ref="C1")
        session.add(child)
        session.flush()
        session.add(PlacementEpisode(child_id=child.id, setting_id=setting.id,
                                     start_date=dt.date(2024, 1, 1),
                                     placement_type="K2"))


def _rebuild_setting_table(conn: sa.Connection) -> None:
    ops = Operations(MigrationContext.configure(conn))
    with ops.batch_alter_table("setting", recreate="always") as batch:
        batch.add_column(sa.Column("extra", sa.String(20)))


@SQLITE_FILE
def test_batch_migration_of_a_parent_table_keeps_its_child_rows(tmp_path: Path) -> None:
    db = open_database(tmp_path / "a.db")
    try:
        _seed_parent_and_children(db)
        migrations.run_without_foreign_keys(db.engine, _rebuild_setting_table)
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM ofsted_inspection").scalar() == 1
            assert conn.exec_driver_sql(
                "SELECT count(*) FROM placement_episode WHERE setting_id IS NOT NULL"
            ).scalar() == 1
            assert "extra" in {c["name"] for c in sa.inspect(conn).get_columns("setting")}
    finally:
        db.close()


@SQLITE_FILE
def test_the_same_rebuild_with_foreign_keys_on_would_lose_children(tmp_path: Path) -> None:
    """The hazard the migration runner guards against is real (control for the test above)."""
    db = open_database(tmp_path / "a.db")
    try:
        _seed_parent_and_children(db)
        with db.engine.begin() as conn:  # an ordinary connection: foreign keys on
            _rebuild_setting_table(conn)
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM ofsted_inspection").scalar() == 0
    finally:
        db.close()


@SQLITE_FILE
def test_a_migration_leaving_broken_links_is_rolled_back(tmp_path: Path) -> None:
    db = open_database(tmp_path / "a.db")
    try:
        def orphan(conn: sa.Connection) -> None:
            conn.exec_driver_sql(
                "INSERT INTO setting (id, name, setting_type, registration_status, "
                "enhanced_monitoring, created_at, updated_at, version, provider_id) VALUES "
                "('00000000000000000000000000000001', 'X', 'childrens_home', 'active', 0, "
                "'2024-01-01', '2024-01-01', 1, 'ffffffffffffffffffffffffffffffff')")

        with pytest.raises(migrations.MigrationError, match="broken links"):
            migrations.run_without_foreign_keys(db.engine, orphan)
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM setting").scalar() == 0
    finally:
        db.close()


@SQLITE_FILE
def test_a_second_copy_on_the_same_database_is_told_clearly(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    first = open_database(path)
    try:
        with pytest.raises(DatabaseError, match="already open in another copy"):
            open_database(path)
    finally:
        first.close()
    open_database(path).close()  # free again once the first copy closed
    assert not (tmp_path / "a.db.lock").exists()


@SQLITE_FILE
def test_a_lock_left_by_a_crashed_process_is_recovered(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    (tmp_path / "a.db.lock").write_text(
        '{"pid": 999999, "host": "laptop-7", "user": "sam", "since": "2026-01-01T09:00:00"}')
    db = open_database(path)
    try:
        assert db.lock is not None and db.lock.recovered is not None
        assert db.lock.recovered["host"] == "laptop-7"
        assert any("did not close properly" in n for n in db.notices)
    finally:
        db.close()


@SQLITE_FILE
def test_the_lock_message_names_who_holds_it(tmp_path: Path) -> None:
    lock = DatabaseLock(tmp_path / "a.db")
    with lock, pytest.raises(DatabaseError, match=r"\(by .+ on .+ since .+\)"):
        DatabaseLock(tmp_path / "a.db").acquire()


@pytest.mark.parametrize("path", [r"\\fileserver\children\placements.db",
                                  "//fileserver/children/placements.db"])
@SQLITE_FILE
def test_unc_paths_are_network_shares(path: str) -> None:
    assert network_location(Path(path), mounts_text="") == "a network share (UNC path)"


MOUNTS = """\
/dev/sda1 / ext4 rw 0 0
//nas/team /mnt/team cifs rw 0 0
nas:/export /srv/nfs nfs4 rw 0 0
"""


@SQLITE_FILE
def test_mounted_network_filesystems_are_detected() -> None:
    assert "cifs" in (network_location(Path("/mnt/team/db/p.db"), MOUNTS) or "")
    assert "nfs4" in (network_location(Path("/srv/nfs/p.db"), MOUNTS) or "")
    assert network_location(Path("/home/sam/p.db"), MOUNTS) is None
    assert network_location(Path("/mnt/teamwork/p.db"), MOUNTS) is None


@SQLITE_FILE
def test_a_database_on_a_share_is_refused_with_advice() -> None:
    with pytest.raises(DatabaseError, match="Copy the database to a folder on this computer"):
        check_local(Path(r"\\fileserver\children\placements.db"))


@SQLITE_FILE
def test_db_check_and_upgrade_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "cli.db")
    assert main(["db", "upgrade", "--db", path]) == 0
    assert "Upgraded" in capsys.readouterr().out
    assert main(["db", "upgrade", "--db", path]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main(["db", "check", "--db", path]) == 0
    out = capsys.readouterr().out
    assert "Integrity: ok" in out and "Result: OK" in out
    db = open_database(path)
    try:
        assert check_database(db).ok
    finally:
        db.close()


@SQLITE_FILE
def test_db_check_on_a_newer_database_exits_with_the_database_status(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cli.db"
    open_database(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = 'zzzz'")
    con.commit()
    con.close()
    assert main(["db", "check", "--db", str(path)]) == DatabaseError.exit_status == 5
    assert "newer version" in capsys.readouterr().err


@SQLITE_FILE
def test_upgrading_from_the_first_schema_keeps_data_and_backs_up(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    from placement_desk.db import make_engine

    engine = make_engine(path)
    migrations.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO provider (id, name, is_council, created_at, updated_at, version) "
            "VALUES ('0000000000000000000000000000000a', 'Acorn Care', 0, '2024-01-01', "
            "'2024-01-01', 1)")
    engine.dispose()
    db = open_database(path)
    try:
        assert db.upgrade is not None
        assert (db.upgrade.from_revision, db.upgrade.to_revision) == ("0001",
                                                                       migrations.head_revision())
        assert db.upgrade.backup is not None
        old = sqlite3.connect(db.upgrade.backup)
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        old.close()
        with db.sessions() as s:
            assert s.scalars(sa.select(Provider.name)).all() == ["Acorn Care"]
    finally:
        db.close()


def test_the_numbered_files_name_alembics_revisions_and_head() -> None:
    # Start-up trusts the file numbering to skip Alembic when the database is current.
    assert migrations.numbered_head() == migrations.head_revision()
    assert migrations.numbered_revisions() == migrations.known_revisions()


@SQLITE_FILE
def test_opening_a_current_database_does_not_import_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    target = tmp_path / "current.db"
    open_database(target, backup=False).close()
    code = ("import sys\nfrom placement_desk.lifecycle import open_database\n"
            f"open_database({str(target)!r}, backup=False).close()\n"
            "print(any(m == 'alembic' or m.startswith('alembic.') for m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"
