"""A lock file beside the database so that a second copy of the app is told clearly.

The lock is an operating-system lock on ``<database>.lock`` (``fcntl.flock`` on
POSIX, ``msvcrt.locking`` on Windows), so it disappears with the process that held
it: a lock left by a crashed session is recovered on the next start. The file
also records who holds it, for the message shown to the second copy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import socket
import sys
from pathlib import Path
from typing import IO, Any

from .db import current_user
from .errors import DatabaseBusyError, DatabaseError, StorageError

_WIN_LOCK_OFFSET = 1 << 20  # lock a byte beyond the text so others can still read it


class DatabaseLock:
    """Hold the lock for one database file while the app has it open."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self.db_path = db_path
        self._fh: IO[str] | None = None
        self.recovered: dict[str, Any] | None = None
        """Who held a stale lock we took over, if any."""

    def acquire(self) -> None:
        from .dbfile import no_room, read_only

        if self.path.is_dir():
            raise DatabaseError(
                f"Placement Desk keeps a lock file at {self.path} while the database is open, "
                "but that is a folder. Move or rename the folder and try again. Nothing was "
                "changed.")
        try:
            fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held while open
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise no_room(self.path.parent, "open the database") from None
            raise read_only(self.db_path) from None
        try:
            _lock(fh)
        except OSError:
            holder = _read_holder(self.path)
            fh.close()
            who = _describe(holder)
            raise DatabaseBusyError(
                f"The database {self.db_path} is already open in another copy of "
                f"Placement Desk{who}. Switch to that window, or close it and try "
                "again. Two copies writing at once could lose work.") from None
        previous = _read_holder(self.path)
        if previous:
            self.recovered = previous
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(json.dumps({
                "pid": os.getpid(), "host": socket.gethostname(), "user": current_user(),
                "since": dt.datetime.now().isoformat(timespec="seconds"),
            }))
            fh.flush()
        except OSError as exc:
            with contextlib.suppress(OSError):
                _unlock(fh)
            fh.close()
            with contextlib.suppress(OSError):
                self.path.unlink()
            if exc.errno in (errno.ENOSPC, errno.EFBIG):
                raise no_room(self.path.parent, "open the database") from None
            raise StorageError(f"Placement Desk could not write its lock file {self.path} "
                               f"({exc.strerror or exc}). Nothing was changed.") from None
        self._fh = fh

    def release(self) -> None:
        if self._fh is None:
            return
        try:
            self._fh.seek(0)
            self._fh.truncate()
            self._fh.flush()
            _unlock(self._fh)
        finally:
            self._fh.close()
            self._fh = None
        with contextlib.suppress(OSError):
            self.path.unlink()

    @property
    def held(self) -> bool:
        return self._fh is not None

    def __enter__(self) -> DatabaseLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def holder_text(db_path: Path) -> str:
    """Who holds the lock of the database at ``db_path`` (" (by sam on laptop-7 since
    ...)"), or "" when no other copy of Placement Desk has it."""
    holder = _read_holder(db_path.with_name(db_path.name + ".lock"))
    if not holder or (holder.get("pid") == os.getpid()
                      and holder.get("host") == socket.gethostname()):
        return ""
    return _describe(holder)


def _describe(holder: dict[str, Any] | None) -> str:
    if not holder:
        return ""
    return (f" (by {holder.get('user', 'someone')} on {holder.get('host', 'a computer')}"
            f" since {holder.get('since', 'earlier')})")


def _read_holder(path: Path) -> dict[str, Any] | None:
    try:
        text = path.read_text(encoding="utf-8").strip()
        data = json.loads(text) if text else None
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


if sys.platform == "win32":  # pragma: no cover - Windows only
    import msvcrt

    def _lock(fh: IO[str]) -> None:
        fh.seek(_WIN_LOCK_OFFSET)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(fh: IO[str]) -> None:
        fh.seek(_WIN_LOCK_OFFSET)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fh: IO[str]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fh: IO[str]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
