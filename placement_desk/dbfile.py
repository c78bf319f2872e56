"""The database file itself: whether it is an SQLite database, whether it is sound, its
newest good backup, room and permission to write, and SQLite's errors in plain words.

Every message names the file and says what to do; none carries a value from the
database. :func:`translate` turns an SQLite error (a full disk, a read-only file, a
busy or damaged database) into the :mod:`placement_desk.errors` kind the user sees;
the engine in :mod:`placement_desk.db` applies it to every statement.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import struct
from pathlib import Path
from urllib.parse import quote

from .errors import (
    DatabaseBusyError,
    DatabaseDamagedError,
    DatabaseError,
    StorageError,
    UserError,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
BACKUP_FOLDER = "backups"
MIN_ROOM = 16 * 1024 * 1024
"""Room asked for at the least when a write fails for want of it."""

# SQLite's primary result codes (the low byte of an extended code).
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _AUTH, _NOTADB = (
    3, 5, 6, 8, 10, 11, 13, 14, 23, 26)
_IOERR_NOMEM = 10 | (12 << 8)


def human_size(n: int | float) -> str:
    """``1536`` → ``'1.5 KB'``; ``3_200_000_000`` → ``'3.2 GB'``."""
    value = float(max(n, 0))
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value):,} bytes" if unit == "bytes" else f"{value:,.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def free_bytes(folder: Path) -> int | None:
    """Free space on the disk holding ``folder`` (or its nearest existing parent)."""
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    try:
        return shutil.disk_usage(probe).free
    except OSError:
        return None


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def database_bytes(path: Path) -> int:
    """The database with its write-ahead log: what a copy of it needs."""
    return file_size(path) + file_size(path.with_name(path.name + "-wal"))


# -- messages --------------------------------------------------------------------------------

def no_room(folder: Path, doing: str, needed: int | None = None) -> StorageError:
    """The disk is full: how much is free, how much the work needs, what to do."""
    free = free_bytes(folder)
    have = f" (only {human_size(free)} free)" if free is not None else ""
    want = max(needed or 0, MIN_ROOM)
    return StorageError(
        f"There is not enough room on the disk holding {folder} to {doing}{have}. It needs "
        f"about {human_size(want)} more: free some space there, or use a folder on another "
        "disk, and try again. Nothing was changed.", folder=folder, needed=want)


def read_only(path: Path, what: str = "the database") -> StorageError:
    """``path`` (or its folder) cannot be written."""
    folder = path.parent
    exists = path.exists()
    whose = ("its folder" if not exists or (os.access(path, os.W_OK)
                                           and not os.access(folder, os.W_OK))
             else "the file")
    reading = " Reading it (db check, export) still works." if exists else ""
    return StorageError(
        f"Placement Desk cannot write to {what} {path}: {whose} is read-only (a read-only "
        "copy, a protected folder or a disk mounted read-only). Copy the database to a "
        "folder you can write to (for example Documents) and open that copy, or ask IT for "
        f"write access. Nothing was changed.{reading}")


def newest_good_backup(path: Path) -> Path | None:
    """The newest copy in ``backups/`` beside the database that is itself sound."""
    folder = path.parent / BACKUP_FOLDER
    try:
        candidates = [p for p in folder.iterdir()
                      if p.is_file() and p.name.startswith(path.stem + "-")
                      and not p.name.startswith(".")]
    except OSError:
        return None
    candidates.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for candidate in candidates[:20]:
        if header_problem(candidate) is None and not _quick_check_file(candidate):
            return candidate
    return None


def damaged(path: Path, what: str) -> DatabaseDamagedError:
    """The database at ``path`` is damaged (``what`` says how, with no record values)."""
    backup = newest_good_backup(path)
    restore = (f"Restore the newest good backup, {backup}: close Placement Desk and copy it "
               f"over {path.name}." if backup else
               f"There is no good backup in {path.parent / BACKUP_FOLDER}: ask IT to restore "
               "the file from the council's backups.")
    return DatabaseDamagedError(
        f"The database {path} is damaged ({what}). Placement Desk will not write to it, so "
        f"that nothing more is lost. {restore}")


def not_a_database(path: Path, why: str) -> DatabaseDamagedError:
    backup = newest_good_backup(path)
    restore = (f" If it was your database, the newest good backup is {backup}." if backup
               else "")
    return DatabaseDamagedError(
        f"{path} is not a Placement Desk database: {why}. Check the --db path or the file "
        f"you chose. Nothing was changed.{restore}")


def folder_given(path: Path) -> DatabaseError:
    return DatabaseError(
        f"{path} is a folder, not a database file. Give the path of the database file "
        f"itself (for example {path / 'placement-desk.db'}).")


# -- the file ----------------------------------------------------------------------------------

def header_problem(path: Path) -> str | None:
    """What is wrong with the file's SQLite header, or None if it looks sound.

    An empty file is sound (SQLite makes it a new database), and so is an encrypted
    one (its header is encrypted too: :mod:`placement_desk.crypto`). Checks the magic
    string, the page size, and that the file is as long as its header says.
    """
    from . import crypto

    if crypto.is_encrypted(path):
        return None
    try:
        size = path.stat().st_size
        if size == 0:
            return None
        with path.open("rb") as fh:
            head = fh.read(HEADER_SIZE)
    except IsADirectoryError:
        return "it is a folder"
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or type(exc).__name__})"
    if not head.startswith(SQLITE_MAGIC[:6]) or len(head) < HEADER_SIZE:
        return "it is not an SQLite database file"
    if not head.startswith(SQLITE_MAGIC):
        return "its header is damaged"
    page_size = struct.unpack(">H", head[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return "its header is damaged"
    change_counter, pages = struct.unpack(">II", head[24:32])
    valid_for = struct.unpack(">I", head[92:96])[0]
    if pages and change_counter == valid_for and pages * page_size > size:
        return "the file is shorter than its header says: it was cut off"
    return None


def check_file(path: Path) -> None:
    """Refuse a folder, or a file that is not an SQLite database (named in the message)."""
    if path.is_dir():
        raise folder_given(path)
    problem = header_problem(path)
    if problem is None:
        return
    if problem == "it is not an SQLite database file":
        raise not_a_database(path, problem)
    raise damaged(path, problem)


def quick_check(connection: sqlite3.Connection) -> list[str]:
    """SQLite's quick check: [] when sound, else its first few findings (page numbers and
    index names, never values)."""
    from . import crypto

    try:
        rows = connection.execute("PRAGMA quick_check(5)").fetchall()
    except crypto.database_errors() as exc:
        return [str(exc)]
    found = [str(r[0]) for r in rows]
    return [] if found == ["ok"] else found


def _quick_check_file(path: Path) -> list[str]:
    from . import crypto

    try:
        if crypto.is_encrypted(path):
            con = crypto.connect(path, read_only=True)
        else:
            con = sqlite3.connect(read_only_uri(path, immutable=True), uri=True)
    except Exception as exc:  # either driver's errors, or a key not found
        return [str(exc)]
    try:
        return quick_check(con)
    finally:
        con.close()


def read_only_uri(path: Path, *, immutable: bool = False) -> str:
    """A URI opening ``path`` for reading only (immutable: no lock, -wal or -shm files)."""
    text = quote(str(path.resolve()).replace("\\", "/"), safe="/:")
    return f"file:{text}?mode=ro" + ("&immutable=1" if immutable else "")


def writable(path: Path) -> bool:
    """Whether the database file (when it exists) and its folder can be written."""
    folder = path.parent
    if path.exists() and not os.access(path, os.W_OK):
        return False
    return os.access(folder, os.W_OK | os.X_OK)


# -- SQLite's errors ---------------------------------------------------------------------------

def translate(exc: BaseException, path: Path | None) -> UserError | None:
    """The user's error for an SQLite error on the database at ``path``; None for a fault
    of Placement Desk (a bad statement), which stays a fault."""
    from . import crypto

    code = getattr(exc, "sqlite_errorcode", None)
    if not isinstance(exc, crypto.database_errors()) or code is None:
        return None
    primary = code & 0xFF
    where = path or Path("the database")
    if primary == _FULL or (primary == _IOERR and _disk_full(where)):
        return no_room(where.parent, "save this change",
                       2 * file_size(where.with_name(where.name + "-wal")))
    if primary == _IOERR and code != _IOERR_NOMEM:
        return StorageError(
            f"The disk holding {where.parent} reported an error while Placement Desk was "
            "writing to the database (it may be full, removed or failing). Nothing was "
            "saved; the database is as it was. Check the disk and try again.")
    if primary in (_READONLY, _PERM, _AUTH):
        return read_only(where)
    if primary == _CANTOPEN:
        return StorageError(
            f"Placement Desk cannot open the database {where}: the file or its folder cannot "
            "be read or written here. Check that the folder exists and that you may write "
            "to it.")
    if primary in (_BUSY, _LOCKED):
        return busy(where)
    if primary == _NOTADB:
        return not_a_database(where, "it is not an SQLite database file, or its header is "
                                     "damaged")
    if primary == _CORRUPT:
        return damaged(where, "SQLite found damaged pages in it")
    return None


def busy(path: Path) -> DatabaseBusyError:
    """Another program held the database for longer than the busy timeout."""
    from .db import BUSY_TIMEOUT_MS
    from .dblock import holder_text

    who = holder_text(path)
    by = (f"It is open in Placement Desk{who}." if who else
          "Placement Desk's lock file names no one, so it is another program: a database "
          "browser, a backup or synchronisation tool.")
    return DatabaseBusyError(
        f"The database {path} is busy: something else kept it locked for more than "
        f"{BUSY_TIMEOUT_MS // 1000} seconds. {by} Close it and try again. Nothing was "
        "changed.")


def _disk_full(path: Path) -> bool:
    free = free_bytes(path.parent)
    return free is not None and free < MIN_ROOM


def is_disk_full(exc: OSError) -> bool:
    """Whether an operating-system error means the disk (or the file size limit) is full."""
    return exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", -1))


def remove_quietly(*paths: Path) -> None:
    for p in paths:
        with contextlib.suppress(OSError):
            p.unlink()
