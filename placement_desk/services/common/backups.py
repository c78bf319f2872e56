"""Backups and restore: a copy on the first start of each day, before every import and
upgrade, and on demand; rotation; restoring a copy after checking it.

Every copy is made with SQLite's backup API (consistent while the app runs) under a
temporary name, checked, then renamed (:func:`placement_desk.db.backup_sqlite`), in
``backups/`` beside the database, named ``<database>-<kind>-<yyyymmdd-hhmmss>``. An
encrypted database's copies are encrypted with the same key. Each kind keeps the
newest :data:`~.settings_store.BACKUPS_KEEP` copies.

A restore checks the chosen file first (SQLite's integrity check, a Placement Desk
schema this version knows, no newer than this version), keeps a copy of what it
replaces, builds the new file beside the database under a temporary name and renames
it into place: a failure or a kill at any point leaves either the old database or
the new one, never a mixture. The caller closes the database first; the next open
upgrades an older copy as usual.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ... import crypto, dbfile
from ...db import Database, backup_sqlite
from ...dblock import DatabaseLock
from ...errors import DatabaseDamagedError, DatabaseError, StorageError, UserError
from ..users.roles import Permission, require
from .settings_store import BACKUPS_KEEP, read_setting

DAILY = "daily"
BEFORE_IMPORT = "before-import"
BEFORE_RESTORE = "before-restore"
MANUAL = "manual"
RESTORING = ".restoring-"
"""A restore builds ``.<name>.restoring-<pid>`` beside the database."""

_STAMP = re.compile(r"-(\d{8}-\d{6})(?:-(\d+))?$")


@dataclass(frozen=True, slots=True)
class BackupFile:
    path: Path
    kind: str
    """daily, before-import, before-upgrade, before-restore, manual..."""
    taken: dt.datetime
    """When it was made (local time, from its name)."""
    size: int
    sequence: int = 1
    """The second, third... copy made within the same second."""


def backup_folder(database: Path) -> Path:
    return database.parent / dbfile.BACKUP_FOLDER


def _parse(database: Path, file: Path) -> BackupFile | None:
    name = file.name
    suffix = database.suffix or ".db"
    prefix = database.stem + "-"
    if not name.startswith(prefix) or not name.endswith(suffix) or name.startswith("."):
        return None
    middle = name[len(prefix):len(name) - len(suffix)]
    found = _STAMP.search(middle)
    if not found:
        return None
    try:
        taken = dt.datetime.strptime(found.group(1), "%Y%m%d-%H%M%S")
    except ValueError:
        return None
    kind = middle[:found.start()]
    if kind.startswith("before-upgrade"):
        kind = "before-upgrade"
    try:
        size = file.stat().st_size
    except OSError:
        return None
    return BackupFile(file, kind, taken, size, int(found.group(2) or 1))


def list_backups(database: Path) -> list[BackupFile]:
    """The copies of ``database`` in its backup folder, newest first."""
    try:
        files = list(backup_folder(database).iterdir())
    except OSError:
        return []
    found = [b for f in files if f.is_file() and (b := _parse(database, f)) is not None]
    # Names give the second; two copies made within one second go by when each was written.
    return sorted(found, key=lambda b: (b.taken, b.sequence, _written(b.path)), reverse=True)


def _written(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _path(db: Database) -> Path:
    if db.path is None:
        raise UserError("Only a database file is backed up by Placement Desk; a team "
                        "server's database is backed up by its administrators.")
    return db.path


def rotate(database: Path, kind: str, keep: int) -> list[Path]:
    """Remove the oldest copies of one kind beyond ``keep``; returns those removed."""
    keep = max(1, keep)
    removed = []
    for old in [b for b in list_backups(database) if b.kind == kind][keep:]:
        dbfile.remove_quietly(old.path, crypto.key_id_file(old.path))
        removed.append(old.path)
    return removed


def _kept(db: Database) -> int:
    try:
        return int(read_setting(db, BACKUPS_KEEP))
    except (TypeError, ValueError):
        return int(BACKUPS_KEEP.default)


def back_up(db: Database, kind: str = MANUAL) -> Path:
    """Copy the open database now (``placement-desk backup``, the Data page); rotates."""
    path = _path(db)
    made = backup_sqlite(path, reason=kind)
    rotate(path, kind, _kept(db))
    return made


def daily_backup(db: Database, today: dt.date) -> Path | None:
    """The first start of each day makes a copy; later starts that day make none."""
    if db.path is None or db.read_only or not db.auto_backup:
        return None
    if any(b.kind == DAILY and b.taken.date() == today for b in list_backups(db.path)):
        return None
    return back_up(db, DAILY)


def before_import(db: Database) -> Path | None:
    """A copy before an import changes anything (not for a database still being built)."""
    if db.path is None or db.read_only or not db.auto_backup:
        return None
    return back_up(db, BEFORE_IMPORT)


@contextlib.contextmanager
def import_backup(db: Database) -> Iterator[Path | None]:
    """:func:`before_import` around an import's unit of work. An import that fails or is
    cancelled changed nothing, so its copy is removed again: the folder is as it was."""
    folder = backup_folder(db.path) if db.path is not None else None
    had_folder = folder is not None and folder.exists()
    made = before_import(db)
    try:
        yield made
    except BaseException:
        if made is not None:
            dbfile.remove_quietly(made, crypto.key_id_file(made))
            if folder is not None and not had_folder:
                with contextlib.suppress(OSError):
                    folder.rmdir()
        raise


# --- Restore ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class BackupCheck:
    file: Path
    revision: str
    encrypted: bool


def check_backup(file: Path) -> BackupCheck:
    """Refuse a file that is not a sound Placement Desk database this version can open:
    damaged, not a database, no schema record, or written by a newer version."""
    from ... import migrations

    if not file.is_file():
        raise DatabaseError(f"There is no backup file at {file}.")
    encrypted = crypto.is_encrypted(file)
    if not encrypted:
        problem = dbfile.header_problem(file)
        if problem:
            raise DatabaseDamagedError(f"{file} cannot be restored: {problem}. Nothing was "
                                       "changed.")
    try:
        con = crypto.connect(file, read_only=True)
    except sqlite3.Error:
        raise DatabaseDamagedError(f"{file} cannot be restored: SQLite cannot open it. "
                                   "Nothing was changed.") from None
    try:
        rows = [str(r[0]) for r in con.execute("PRAGMA integrity_check(5)")]
        if rows != ["ok"]:
            raise DatabaseDamagedError(f"{file} cannot be restored: it is damaged (SQLite's "
                                       "integrity check failed). Choose another backup. "
                                       "Nothing was changed.")
        try:
            revision = con.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            revision = None
    except sqlite3.DatabaseError:
        raise DatabaseDamagedError(f"{file} cannot be restored: it is not a Placement Desk "
                                   "database, or it is damaged. Nothing was changed.") from None
    finally:
        con.close()
    if not revision or not revision[0]:
        raise DatabaseDamagedError(f"{file} cannot be restored: it is not a Placement Desk "
                                   "database (it has no schema record). Nothing was changed.")
    stored = str(revision[0])
    if stored not in migrations.numbered_revisions() and stored not in \
            migrations.known_revisions():
        raise DatabaseError(f"{file} was written by a newer version of Placement Desk "
                            f"(schema {stored}; this version knows up to "
                            f"{migrations.numbered_head()}). Install the newer version to "
                            "restore it. Nothing was changed.")
    return BackupCheck(file, stored, encrypted)


def may_restore(db: Database, file: Path) -> BackupCheck:
    """Whether the acting user may restore, and the file is fit to: call with the
    database still open, then close it and call :func:`restore_file`."""
    require(db, Permission.ADMINISTER_DATABASE)
    return check_backup(file)


def restore_file(database: Path, file: Path,
                 after_copy: Callable[[], None] | None = None,
                 lock_held: bool = False) -> Path | None:
    """Replace the (closed) database at ``database`` with the backup ``file``.

    Returns the copy kept of what was replaced (None if there was no database). The file
    is checked again here; the database's lock is held throughout. ``after_copy`` runs
    once the new file is complete, before the rename (the crash tests stop there).
    ``lock_held``: the caller holds the lock already (the window restoring its own file).

    An encrypted database stays encrypted: a plain copy is encrypted with its key on the
    way in."""
    checked = check_backup(file)
    lock = DatabaseLock(database)
    if not lock_held:
        lock.acquire()
    try:
        _remove_leftovers(database)
        kept: Path | None = None
        if database.exists():
            kept = _keep_replaced(database)
        partial = database.with_name(f".{database.name}{RESTORING}{os.getpid()}")
        keep_key = (crypto.is_encrypted(database) and not checked.encrypted)
        try:
            if keep_key:
                crypto.export_encrypted(file, partial, crypto.key_for(database))
            else:
                _copy(file, partial, checked.encrypted)
            if after_copy is not None:
                after_copy()
            for suffix in ("-wal", "-shm"):  # checkpointed into the kept copy already
                dbfile.remove_quietly(database.with_name(database.name + suffix))
            if checked.encrypted:
                crypto.copy_key_id(file, database)
            elif not keep_key:
                dbfile.remove_quietly(crypto.key_id_file(database))
            os.replace(partial, database)
            _sync(database.parent)
        except OSError as exc:
            if dbfile.is_disk_full(exc):
                raise dbfile.no_room(database.parent, "restore the backup",
                                     dbfile.file_size(file)) from None
            raise StorageError(f"Placement Desk could not restore {file} over {database} "
                               f"({exc.strerror or exc}). The database is as it was.") from None
        finally:
            _remove_leftovers(database)
        return kept
    finally:
        if not lock_held:
            lock.release()


def _keep_replaced(database: Path) -> Path:
    """A copy of the database about to be replaced: a checked backup when it is sound,
    else the bytes as they are (a damaged database is kept too)."""
    try:
        con = crypto.connect(database)
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            con.close()
        return backup_sqlite(database, reason=BEFORE_RESTORE)
    except (sqlite3.Error, DatabaseDamagedError, StorageError) as exc:
        if isinstance(exc, StorageError) and exc.needed is not None:
            raise
        folder = backup_folder(database)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = folder / f"{database.stem}-replaced-{stamp}{database.suffix or '.db'}"
        shutil.copy2(database, target)
        with contextlib.suppress(OSError):
            wal = database.with_name(database.name + "-wal")
            if wal.exists():
                shutil.copy2(wal, target.with_name(target.name + "-wal"))
        return target


def _copy(file: Path, partial: Path, encrypted: bool) -> None:
    src = crypto.connect(file, read_only=True)
    try:
        dst = crypto.connect(partial, key_from=file if encrypted else None)
        try:
            src.backup(dst)
            if dbfile.quick_check(dst):
                raise DatabaseDamagedError(f"The copy of {file} did not come out whole. The "
                                           "database is as it was.")
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    with open(partial, "rb+") as fh:
        os.fsync(fh.fileno())


def _remove_leftovers(database: Path) -> None:
    with contextlib.suppress(OSError):
        for leftover in database.parent.glob(f".{database.name}{RESTORING}*"):
            dbfile.remove_quietly(leftover)


def _sync(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def newest_good_backup(database: Path) -> Path | None:
    """The newest copy that passes :func:`check_backup` (offered when start-up finds the
    database damaged)."""
    for backup in list_backups(database)[:20]:
        try:
            check_backup(backup.path)
        except UserError:
            continue
        return backup.path
    return None
