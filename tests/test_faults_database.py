"""Every fault of the database file gets a clear message, its own exit status, no
traceback, and the database stays as it was (a digest of every table before and after).

Each case is made here from a good database: a CSV, a workbook or random bytes given as
the database, a folder, a cut-off file, damaged header or middle pages, a lost schema
record, a dropped table, an older schema for a command that does not migrate, a
read-only disk, a lock path that is a folder, a full disk, a network share, a mistyped
path, another program holding the write lock; and it is tried with ``db check``, an
import, an export and ``--smoke-test``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from placement_desk import migrations
from placement_desk.cli import main
from placement_desk.db import make_engine
from placement_desk.errors import (
    EXIT_BUG,
    DatabaseBusyError,
    DatabaseDamagedError,
    DatabaseError,
    StorageError,
)
from placement_desk.lifecycle import open_database
from placement_desk.services.demo.generator import generate_demo
from tests.faults import (
    PANIC,
    TRACEBACK,
    assert_told,
    digest,
    fill,
    log_text,
    make_read_only,
    run_cli,
    small_disk,
    tree,
)

pytestmark = pytest.mark.sqlite_only(
    reason="faults of the database file (full disk, read-only file, damage, locks)")

DAMAGED, UNUSABLE = DatabaseDamagedError.exit_status, DatabaseError.exit_status
NO_ROOM, BUSY = StorageError.exit_status, DatabaseBusyError.exit_status
OFSTED_CSV = ("URN,Provision type,Name,Inspection date,Overall effectiveness\n"
              "SC100001,Children's home,Oak House,01/01/2024,Good\n"
              "SC100002,Children's home,Elm House,02/02/2024,Inadequate\n")


@pytest.fixture(scope="module")
def good_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo database, made once for the module; tests copy it."""
    path = tmp_path_factory.mktemp("good") / "good.db"
    db = open_database(path, backup=False)
    try:
        generate_demo(db.engine, size="small", seed=3, as_of=dt.date(2026, 3, 31))
    finally:
        db.close()
    return path


def _copy(good: Path, folder: Path, name: str = "pd.db") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copy(good, target)
    return target


def _ofsted(folder: Path) -> Path:
    path = folder / "ofsted.csv"
    path.write_text(OFSTED_CSV, encoding="utf-8")
    return path


# -- the cases -----------------------------------------------------------------------------

def _csv_file(good: Path, folder: Path) -> Path:
    path = folder / "pd.db"
    path.write_text("CHILD,SEX,DOB\nC1,1,01/01/2010\n", encoding="utf-8")
    return path


def _workbook(good: Path, folder: Path) -> Path:
    from openpyxl import Workbook

    path = folder / "pd.db"
    book = Workbook()
    book.active.append(["URN", "Name"])  # type: ignore[union-attr]
    book.save(path)
    return path


def _random_bytes(good: Path, folder: Path) -> Path:
    path = folder / "pd.db"
    path.write_bytes(os.urandom(20_000))
    return path


def _folder(good: Path, folder: Path) -> Path:
    path = folder / "pd.db"
    path.mkdir()
    return path


def _truncated(good: Path, folder: Path) -> Path:
    path = _copy(good, folder)
    with open(path, "r+b") as fh:
        fh.truncate(path.stat().st_size // 3)
    return path


def _damaged_header(good: Path, folder: Path) -> Path:
    path = _copy(good, folder)
    with open(path, "r+b") as fh:
        fh.seek(16)
        fh.write(b"\x03\x07")  # a page size that is not a power of two
    return path


def _damaged_middle(good: Path, folder: Path) -> Path:
    path = _copy(good, folder)
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(size // 2 - size // 2 % 4096)
        fh.write(bytes(range(256)) * 64)  # four pages of nonsense
    return path


def _revision_missing(good: Path, folder: Path) -> Path:
    path = _copy(good, folder)
    con = sqlite3.connect(path)
    con.execute("DELETE FROM alembic_version")
    con.commit()
    con.close()
    return path


def _table_dropped(good: Path, folder: Path) -> Path:
    path = _copy(good, folder)
    con = sqlite3.connect(path)
    con.execute("DROP TABLE concern")
    con.commit()
    con.close()
    return path


Case = Callable[[Path, Path], Path]
CASES: dict[str, tuple[Case, int, str]] = {
    "a CSV file": (_csv_file, DAMAGED, "is not a Placement Desk database"),
    "an .xlsx workbook": (_workbook, DAMAGED, "is not a Placement Desk database"),
    "random bytes": (_random_bytes, DAMAGED, "is not a Placement Desk database"),
    "a folder": (_folder, UNUSABLE, "is a folder, not a database file"),
    "a cut-off file": (_truncated, DAMAGED, "is damaged"),
    "a damaged header": (_damaged_header, DAMAGED, "is damaged"),
    "damaged middle pages": (_damaged_middle, DAMAGED, "is damaged"),
    "a lost schema record": (_revision_missing, DAMAGED, "record of the schema version"),
    "a dropped table": (_table_dropped, DAMAGED, "concern"),
}


def _command(kind: str, db: Path, folder: Path) -> list[object]:
    if kind == "db check":
        return ["--db", db, "db", "check"]
    if kind == "import":
        return ["--db", db, "import", "ofsted", _ofsted(folder)]
    if kind == "export":
        return ["--db", db, "export", "settings", "--out", folder / "out" / "settings.xlsx"]
    return ["--db", db, "--smoke-test"]


@pytest.mark.parametrize("kind", ["db check", "import", "export"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_database_file_is_refused_and_left_as_it_was(
        good_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str,
        kind: str) -> None:
    make, status, words = CASES[case]
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "out").mkdir()
    path = make(good_db, folder)
    args = _command(kind, path, folder)
    before, files = digest(path), tree(folder)
    assert main([str(a) for a in args]) == status
    shown = capsys.readouterr()
    text = shown.out + shown.err
    assert TRACEBACK not in text and PANIC not in text, text
    assert words in text, text
    assert digest(path) == before, "the database is as it was"
    assert tree(folder) == files, "nothing made or left beside it"


@pytest.mark.parametrize("case", ["a CSV file", "a cut-off file", "damaged middle pages",
                                  "a lost schema record"])
def test_the_smoke_test_refuses_a_bad_database_too(good_db: Path, tmp_path: Path,
                                                   case: str) -> None:
    make, status, words = CASES[case]
    folder = tmp_path / "work"
    folder.mkdir()
    path = make(good_db, folder)
    before, files = digest(path), tree(folder)
    done = run_cli("--db", path, "--smoke-test", home=tmp_path / "home")
    assert_told(done, status, words)
    assert digest(path) == before and tree(folder) == files


@pytest.mark.parametrize("case", ["a cut-off file", "damaged middle pages",
                                  "a dropped table"])
def test_a_damaged_database_names_the_newest_good_backup(good_db: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str],
                                                         case: str) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    path = CASES[case][0](good_db, folder)
    backups = folder / "backups"
    backups.mkdir()
    older = _copy(good_db, backups, "pd-before-upgrade-0004-20260101-090000.db")
    newer = _copy(good_db, backups, "pd-manual-20260301-090000.db")
    broken = backups / "pd-manual-20260302-090000.db"
    broken.write_bytes(b"SQLite format 3\x00" + os.urandom(5000))  # newest, but no good
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_750_000_000, 1_750_000_000))
    assert main(["--db", str(path), "import", "ofsted", str(_ofsted(tmp_path))]) == DAMAGED
    err = capsys.readouterr().err
    assert f"Restore the newest good backup, {newer}" in err
    assert main(["--db", str(path), "db", "check"]) == DAMAGED
    shown = capsys.readouterr()
    assert str(newer) in shown.out + shown.err


def test_damaged_middle_pages_are_found_by_db_check_not_a_traceback(
        good_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _damaged_middle(good_db, tmp_path)
    assert main(["--db", str(path), "db", "check"]) == DAMAGED
    out = capsys.readouterr()
    assert "malformed" not in out.err and TRACEBACK not in out.err
    assert "damaged" in out.out + out.err


def test_an_older_schema_is_refused_by_a_command_that_does_not_migrate(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(path)
    migrations.upgrade(engine, "0003")
    engine.dispose()
    before, files = digest(path), tree(tmp_path)
    out = tmp_path / "settings.csv"
    assert main(["--db", str(path), "export", "settings", "--out", str(out)]) == UNUSABLE
    assert f"db upgrade --db {path}" in capsys.readouterr().err
    assert main(["--db", str(path), "db", "check"]) == 1  # reports it: needs db upgrade
    assert "needs 'placement-desk db upgrade'" in capsys.readouterr().out
    assert digest(path) == before and tree(tmp_path) == files


def test_a_lock_path_that_is_a_folder_is_named(good_db: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = _copy(good_db, tmp_path)
    (tmp_path / "pd.db.lock").mkdir()
    before = digest(path)
    assert main(["--db", str(path), "import", "ofsted", str(_ofsted(tmp_path))]) == UNUSABLE
    assert "lock file" in capsys.readouterr().err and digest(path) == before
    assert main(["--db", str(path), "db", "check"]) == 0, "reading needs no lock"


def test_a_network_share_is_refused_and_nothing_is_created(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["--db", "//server/share/pd.db", "db", "check"],
                 ["--db", "//server/share/pd.db", "import", "ofsted", str(_ofsted(tmp_path))],
                 ["db", "upgrade", "--db", "//server/share/pd.db"]):
        assert main(args) == UNUSABLE
        assert "network share" in capsys.readouterr().err
    assert not Path("/server").exists()


def test_db_check_on_a_mistyped_path_creates_nothing(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    path = tmp_path / "typo" / "folder" / "pd.db"
    assert main(["--db", str(path), "db", "check"]) == UNUSABLE
    assert "There is no database at" in capsys.readouterr().err
    assert not (tmp_path / "typo").exists()
    out = tmp_path / "x.csv"
    assert main(["--db", str(path), "export", "settings", "--out", str(out)]) == UNUSABLE
    assert not (tmp_path / "typo").exists() and not out.exists()


def test_db_check_and_an_export_create_nothing_beside_the_database(
        good_db: Path, tmp_path: Path) -> None:
    path = _copy(good_db, tmp_path / "db")
    files = tree(tmp_path / "db")
    assert main(["--db", str(path), "db", "check"]) == 0
    assert main(["--db", str(path), "export", "settings", "--out",
                 str(tmp_path / "s.csv")]) == 0
    assert tree(tmp_path / "db") == files, "no -wal, -shm or lock file left by reading"


# -- disks: read-only and full --------------------------------------------------------------

def test_a_read_only_database_is_read_but_never_written(good_db: Path, tmp_path: Path
                                                        ) -> None:
    with small_disk(tmp_path, 4096) as disk:
        path = _copy(good_db, disk)
        make_read_only(disk)
        before, files, home = digest(path), tree(disk), tmp_path / "home"
        done = run_cli("--db", path, "import", "ofsted", _ofsted(tmp_path), home=home)
        assert_told(done, NO_ROOM, "read-only", "Nothing was changed")
        done = run_cli("--db", path, "--smoke-test", home=home)
        assert_told(done, NO_ROOM, "read-only")
        done = run_cli("--db", path, "db", "check", home=home)
        assert_told(done, 0, "Result: OK")
        done = run_cli("--db", path, "export", "settings", "--out", tmp_path / "s.csv",
                       home=home)
        assert_told(done, 0, "Wrote 35 settings")
        done = run_cli("--db", path, "export", "contracts", "--out", tmp_path / "c.csv",
                       home=home)  # the council's contracts: read, the export unlogged
        assert_told(done, 0, "contracts to")
        done = run_cli("--db", path, "export", "placements", "--out", tmp_path / "p.csv",
                       home=home)  # about children: only where the export is logged
        assert_told(done, NO_ROOM, "read-only", "kept in the audit trail",
                    "nothing was exported")
        assert not (tmp_path / "p.csv").exists()
        done = run_cli("--db", disk / "new.db", "import", "ofsted", _ofsted(tmp_path),
                       home=home)
        assert_told(done, NO_ROOM, "its folder is read-only")
        assert digest(path) == before and tree(disk) == files


def test_a_full_disk_during_an_import_says_how_much_room_and_changes_nothing(
        good_db: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    rows = "".join(f"SC{200000 + i},Children's home,Home {i},01/01/2024,Good\n"
                   for i in range(20_000))
    big.write_text(OFSTED_CSV.splitlines()[0] + "\n" + rows, encoding="utf-8")
    with small_disk(tmp_path, 2600) as disk:
        path = _copy(good_db, disk)
        before, files = digest(path), tree(disk)
        done = run_cli("--db", path, "import", "ofsted", big, home=tmp_path / "home")
        assert_told(done, NO_ROOM, "not enough room", "It needs about", "Nothing was")
        assert digest(path) == before and tree(disk) == files
        done = run_cli("--db", path, "db", "check", home=tmp_path / "home")
        assert_told(done, 0, "Result: OK")


def test_a_full_disk_during_a_demo_export_check_and_backup(good_db: Path,
                                                           tmp_path: Path) -> None:
    home = tmp_path / "home"
    with small_disk(tmp_path, 3000) as disk:
        path = _copy(good_db, disk)
        old = disk / "old.db"
        engine = make_engine(old)
        migrations.upgrade(engine, "0003")
        engine.dispose()
        con = sqlite3.connect(old)
        con.execute("CREATE TABLE filler (x)")
        con.executemany("INSERT INTO filler VALUES (?)", [("x" * 900,)] * 400)
        con.commit()
        con.close()
        fill(disk, 80)
        before = {p: digest(p) for p in (path, old)}
        files = tree(disk)
        done = run_cli("demo", "--db", disk / "demo.db", "--size", "small", home=home)
        assert_told(done, NO_ROOM, "not enough room", "make the demo database")
        assert tree(disk) == files
        done = run_cli("--db", old, "db", "upgrade", home=home)
        assert_told(done, NO_ROOM, "back up the database", "It needs about")
        assert tree(disk) == files
        fill(disk, 4)
        files = tree(disk)
        done = run_cli("--db", path, "export", "settings", "--out", disk / "s.xlsx",
                       home=home)
        assert_told(done, NO_ROOM, "not enough room", "s.xlsx")
        done = run_cli("--db", path, "db", "check", home=home)
        assert_told(done, 0, "Result: OK")
        assert {p: digest(p) for p in (path, old)} == before
        assert tree(disk) == files, "no partial demo, export or backup left behind"


def test_a_file_size_limit_stops_an_import_cleanly_without_root(good_db: Path,
                                                                tmp_path: Path) -> None:
    """RLIMIT_FSIZE makes every write past the limit fail, as a full disk does."""
    path = _copy(good_db, tmp_path / "db")
    big = tmp_path / "big.csv"
    rows = "".join(f"SC{200000 + i},Children's home,Home {i},01/01/2024,Good\n"
                   for i in range(20_000))
    big.write_text(OFSTED_CSV.splitlines()[0] + "\n" + rows, encoding="utf-8")
    before, files = digest(path), tree(tmp_path / "db")
    done = run_cli("--db", path, "import", "ofsted", big, home=tmp_path / "home",
                   file_limit=path.stat().st_size + 256 * 1024)
    assert_told(done, NO_ROOM, "Nothing was")
    assert digest(path) == before and tree(tmp_path / "db") == files


def test_a_failed_backup_before_an_upgrade_leaves_no_file_that_looks_good(
        tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(path)
    migrations.upgrade(engine, "0003")
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE filler (x)")
    con.executemany("INSERT INTO filler VALUES (?)", [("x" * 900,)] * 2000)
    con.commit()
    con.close()
    before = digest(path)
    done = run_cli("--db", path, "db", "upgrade", home=tmp_path / "home",
                   file_limit=path.stat().st_size // 2)
    assert_told(done, NO_ROOM, "Nothing was")
    assert digest(path) == before
    left = list((tmp_path / "backups").glob("*")) if (tmp_path / "backups").exists() else []
    assert left == [], "no partial backup that would open as a valid database"


# -- another program holds the write lock ---------------------------------------------------

def test_a_writer_elsewhere_is_waited_for_then_named(good_db: Path, tmp_path: Path) -> None:
    path = _copy(good_db, tmp_path / "db")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE'); c.execute('UPDATE app_setting SET value = value')\n"
         "print('held', flush=True); time.sleep(30)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        before = digest(path)
        started = time.monotonic()
        done = run_cli("--db", path, "import", "ofsted", _ofsted(tmp_path),
                       home=tmp_path / "home")
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert_told(done, BUSY, "is busy", "another program", "Nothing was changed")
    assert waited >= 9.5, f"gave up after {waited:.1f} s, not the 10 s busy timeout"
    assert digest(path) == before


def test_another_copy_holding_the_database_is_named(good_db: Path, tmp_path: Path) -> None:
    path = _copy(good_db, tmp_path / "db")
    first = open_database(path)
    try:
        done = run_cli("--db", path, "import", "ofsted", _ofsted(tmp_path),
                       home=tmp_path / "home")
    finally:
        first.close()
    assert_told(done, BUSY, "already open in another copy", "(by ")


# -- no personal data in any message or log line --------------------------------------------

HEADER = "CHILD,SEX,DOB,ETHNIC\n{rows}"
EPISODES = ("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
            "HOME_POST,PL_POST,URN\n{rows}")
SECRET_REF, SECRET_DOB, SECRET_POSTCODE = "QXLEAK4471", "17/05/2012", "SW1A 2AA"


def _return_files(folder: Path) -> tuple[Path, Path]:
    header, episodes = folder / "header.csv", folder / "episodes.csv"
    children = [f"{SECRET_REF},1,{SECRET_DOB},WBRI\n"] + [
        f"QXC{i:05d},2,01/02/2011,WBRI\n" for i in range(3000)]
    header.write_text(HEADER.format(rows="".join(children)), encoding="utf-8")
    spells = [f"{SECRET_REF},01/04/2024,S,C2,N1,U1,PR1,,,,{SECRET_POSTCODE},SM1 1AA,\n"] + [
        f"QXC{i:05d},01/04/2024,S,C2,N1,U1,PR1,,,,SM2 2BB,SM1 1AA,\n" for i in range(3000)]
    episodes.write_text(EPISODES.format(rows="".join(spells)), encoding="utf-8")
    return header, episodes


def _assert_no_leak(done: subprocess.CompletedProcess[str], home: Path) -> None:
    for text in (done.stdout, done.stderr, log_text(home)):
        for secret in (SECRET_REF, SECRET_DOB, SECRET_POSTCODE, "2012-05-17"):
            assert secret not in text, f"{secret} leaked into: {text[-2000:]}"


def test_a_failed_write_carries_no_childs_details(good_db: Path, tmp_path: Path) -> None:
    path = _copy(good_db, tmp_path / "db")
    header, episodes = _return_files(tmp_path)
    home = tmp_path / "home"
    before = digest(path)
    done = run_cli("--db", path, "import", "ssda903", "--header", header, "--episodes",
                   episodes, home=home, file_limit=path.stat().st_size + 64 * 1024)
    assert_told(done, NO_ROOM, "Nothing was")
    _assert_no_leak(done, home)
    assert digest(path) == before


def test_a_full_disk_or_read_only_disk_carries_no_childs_details(good_db: Path,
                                                                 tmp_path: Path) -> None:
    header, episodes = _return_files(tmp_path)
    home = tmp_path / "home"
    with small_disk(tmp_path, 1700) as disk:
        path = _copy(good_db, disk)
        done = run_cli("--db", path, "import", "ssda903", "--header", header, "--episodes",
                       episodes, home=home)
        assert_told(done, NO_ROOM)
        _assert_no_leak(done, home)
        make_read_only(disk)
        done = run_cli("--db", path, "import", "ssda903", "--header", header, "--episodes",
                       episodes, home=home)
        assert_told(done, NO_ROOM, "read-only")
        _assert_no_leak(done, home)


def test_sql_errors_never_carry_their_parameters(tmp_path: Path) -> None:
    import sqlalchemy as sa

    db = open_database(tmp_path / "p.db")
    try:
        with db.write() as session:
            session.execute(sa.text("INSERT INTO child (id, case_ref, uasc, disability, "
                                    "created_at, updated_at, version) VALUES (:i, :c, 0, 0, "
                                    "'2024-01-01', '2024-01-01', 1)"),
                            {"i": "0" * 32, "c": SECRET_REF})
        with pytest.raises(sa.exc.IntegrityError) as caught, db.write() as session:
            session.execute(sa.text("INSERT INTO child (id, case_ref, uasc, disability, "
                                    "created_at, updated_at, version) VALUES (:i, :c, 0, 0, "
                                    "'2024-01-01', '2024-01-01', 1)"),
                            {"i": "0" * 32, "c": SECRET_REF})
        assert SECRET_REF not in str(caught.value)
        assert "parameters hidden" in str(caught.value)
    finally:
        db.close()


# -- a fault of Placement Desk --------------------------------------------------------------

def test_a_fault_apologises_and_says_where_the_log_is(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    from placement_desk.commands import COMMANDS

    def broken(_args: object) -> int:
        raise RuntimeError("a fault in the program")

    help_text, configure, _handler = COMMANDS["db"]
    monkeypatch.setitem(COMMANDS, "db", (help_text, configure, broken))
    assert main(["db", "check"]) == EXIT_BUG
    err = capsys.readouterr().err
    assert "Sorry" in err and "not something you did" in err
    assert "placement-desk.log" in err
    assert TRACEBACK in err, "a real fault shows its traceback"


def test_a_user_error_writes_one_log_line(good_db: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = tmp_path / "work"
    folder.mkdir()
    done = run_cli("--db", _csv_file(good_db, folder), "db", "check", home=home)
    assert_told(done, DAMAGED, "is not a Placement Desk database")
    lines = [line for line in log_text(home).splitlines() if line.strip()]
    assert len(lines) == 1 and "WARNING" in lines[0], lines
    assert done.stderr.count("\n") == 1, "one sentence on the terminal, no log echo"


def test_the_readme_lists_every_exit_status() -> None:
    from placement_desk.errors import EXIT_STATUSES

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for status, _meaning in EXIT_STATUSES:
        assert f"\n| {status} |" in readme, status
