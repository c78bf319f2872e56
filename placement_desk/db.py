"""Engine and session factory, SQLite connection settings, database location checks.

Every SQLite connection gets foreign keys on, WAL, ``synchronous=FULL`` (care
records must survive a power cut) and a busy timeout. The driver's own
transaction handling is switched off and SQLAlchemy emits ``BEGIN`` itself, as the
SQLAlchemy SQLite documentation advises, so that savepoints and transactional DDL
behave; a unit of work that writes begins with ``BEGIN IMMEDIATE``, so that it waits
the busy timeout for another writer instead of failing half-way. Statements never
carry their parameters into error messages (``hide_parameters``: they hold children's
details), and SQLite's errors (a full disk, a read-only file, a busy or damaged
database) reach the user as the errors of :mod:`placement_desk.dbfile`. No SQLite-only
SQL is used outside this module, :mod:`placement_desk.dbsql` and the migration runner.

A team's database on a PostgreSQL server gets an engine of its own kind: connections
checked before use, its errors in plain words (:mod:`placement_desk.dbserver`), dates
in ISO form; the SQL helpers of :mod:`placement_desk.dbsql` (stored values, day numbers,
least and greatest, unindexed comparisons) have a form for each.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import logging
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    create_engine,
    event,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import QueuePool

from . import dbfile
from .errors import DatabaseError, StorageError, UserError

if TYPE_CHECKING:
    from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

    from .dblock import DatabaseLock
    from .migrations import UpgradeResult

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ncpfs",
    "fuse.gvfsd-fuse", "glusterfs", "ceph", "davfs",
})


def to_url(target: str | Path) -> URL:
    """A database URL from a file path or an SQLAlchemy URL."""
    text = str(target)
    if "://" in text:
        return make_url(text)
    return URL.create("sqlite+pysqlite", database=str(Path(text).expanduser().resolve()))


def sqlite_path(url: URL) -> Path | None:
    """The file behind an SQLite URL, or None for another backend or in-memory."""
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:" or url.database.startswith("file::memory"):
        return None
    return Path(url.database)


def _sqlite_on_connect(foreign_keys: bool, wal: bool) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Take control of transactions: no implicit BEGIN/COMMIT from the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if wal:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=FULL")
        finally:
            cursor.close()

    return on_connect


WRITE_OPTION = "placement_desk_write"
"""Execution option of the engine behind :attr:`Database.writer`: begin with IMMEDIATE."""


def make_engine(target: str | Path | URL, *, foreign_keys: bool = True,
                echo: bool = False, read_only: bool = False) -> Engine:
    """Create an engine; for SQLite, with the connection settings described above.

    ``read_only`` opens the file for reading only: nothing is created beside it when no
    other program has it open (SQLite's ``immutable`` mode), and no write is possible.
    """
    url = target if isinstance(target, URL) else to_url(target)
    if url.get_backend_name() != "sqlite":
        return _server_engine(url, echo=echo)
    path = sqlite_path(url)
    options: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    encrypted = url.drivername == "sqlite+pysqlcipher"
    if encrypted:  # the same pool as plain files (the dialect's own is one per thread)
        options["poolclass"] = QueuePool
    if read_only and path is not None and not encrypted:
        # No -wal file: nobody has it open, and opening it immutable creates nothing.
        quiet = not path.with_name(path.name + "-wal").exists()
        uri = dbfile.read_only_uri(path, immutable=quiet)
        options = {"creator": lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)}
    engine = create_engine(url, echo=echo, hide_parameters=True, **options)
    event.listen(engine, "connect",
                 _sqlite_on_connect(foreign_keys, wal=path is not None and not read_only))

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    @event.listens_for(engine, "handle_error")
    def _translate(context: Any) -> UserError | None:
        return dbfile.translate(context.original_exception, path)

    return engine


def _server_engine(url: URL, *, echo: bool) -> Engine:
    """An engine for a database server: connections checked before use (a laptop that
    slept), the server's errors in plain words, named in the server's session list."""
    from . import dbserver

    connect_args = {"application_name": "Placement Desk", "options": "-c DateStyle=ISO,DMY"} \
        if url.get_backend_name() == "postgresql" else {}
    engine = create_engine(url, echo=echo, hide_parameters=True, pool_pre_ping=True,
                           connect_args=connect_args)
    if url.get_backend_name() == "postgresql":
        dbserver.note_own_connections(engine)

    @event.listens_for(engine, "handle_error")
    def _translate(context: Any) -> UserError | None:
        if context.is_pre_ping:  # a stale pooled connection: the pool opens a new one
            return None
        return dbserver.translate(context.original_exception, url)

    return engine


def make_session_factory(engine: Engine, user: str | None = None, *,
                         info: dict[str, Any] | None = None) -> sessionmaker[Session]:
    """Sessions for one user action each; ``info['user']`` names who is acting (audit).
    ``info`` is shared with the caller, who may change who is acting later.

    Every session adds to the audit trail as it flushes.
    """
    from sqlalchemy.orm import sessionmaker

    from . import audit_hook

    audit_hook.install()
    return sessionmaker(bind=engine, expire_on_commit=False,
                        info=info if info is not None else {"user": user or current_user()})


ChangeListener = Callable[[frozenset[str]], None]
"""Called after each commit with the names of the tables it wrote."""

_CHANGED = "placement_desk.changed"


def _note_flush(session: Session, _context: Any) -> None:
    tables = session.info.setdefault(_CHANGED, set())
    changed = [obj for obj in session.dirty if session.is_modified(obj)]
    for obj in (*session.new, *changed, *session.deleted):
        name = getattr(obj, "__tablename__", None)
        if name:
            tables.add(name)


def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if isinstance(table, Table):
            state.session.info.setdefault(_CHANGED, set()).add(table.name)


def note_written(session: Session, *tables: str) -> None:
    """Tell the commit's listeners that ``tables`` were written, for writes that go past
    the session's own statements (a bulk load through the driver's executemany)."""
    session.info.setdefault(_CHANGED, set()).update(tables)


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_CHANGED, None)


class Database:
    """An open database: the handle every service use case takes.

    ``write()`` gives a session in a transaction that commits when the block ends (and
    rolls back if it raises); ``read()`` a session for reading, closed after;
    ``connect()`` a plain connection for a Core read. A commit tells the listeners
    registered with :meth:`on_change` which tables it wrote, on the thread that
    committed.

    The ORM's session factories are made at the first ``read()`` or ``write()`` (after
    ``before_sessions`` has run, which registers the session hooks): opening a database
    and drawing the first window need only Core, and importing the ORM and the data
    model can wait until just after.
    """

    def __init__(self, url: URL, engine: Engine, sessions: sessionmaker[Session] | None = None,
                 path: Path | None = None, revision: str | None = None,
                 upgrade: UpgradeResult | None = None, lock: DatabaseLock | None = None,
                 notices: list[str] | None = None, read_only: bool = False,
                 auto_backup: bool = True, user: str | None = None,
                 before_sessions: Sequence[Callable[[], None]] = ()) -> None:
        self.url = url
        self.engine = engine
        self.path = path
        self.revision = revision
        self.upgrade = upgrade
        self.lock = lock
        self.notices: list[str] = notices if notices is not None else []
        self.read_only = read_only
        """Opened for reading only (``db check``, exports): every write is refused."""
        self.auto_backup = auto_backup
        """Back the file up before an import (not a database still being built)."""
        self._sessions: sessionmaker[Session] | None = None
        self._writer: sessionmaker[Session] | None = None
        self._before_sessions = tuple(before_sessions)
        self._info: dict[str, Any] = {"user": user or current_user()}
        """Who is acting (``user``) and their ``role``: every session's ``info``."""
        self._listeners: list[ChangeListener] = []
        self._guard = threading.Lock()
        self._making = threading.Lock()
        self._feed: Any = None
        if sessions is not None:
            self._info = sessions.kw.setdefault("info", self._info)
            self._hook(sessions)

    def __repr__(self) -> str:
        return f"Database({self.display_name!r}, revision={self.revision!r})"

    @property
    def sessions(self) -> sessionmaker[Session]:
        """Sessions for reading (and for writing without ``BEGIN IMMEDIATE``)."""
        if self._sessions is None:
            self._make_sessions()
        assert self._sessions is not None
        return self._sessions

    @property
    def writer(self) -> sessionmaker[Session]:
        """Sessions for a unit of work that writes: they begin with ``BEGIN IMMEDIATE``
        and so wait the busy timeout for another writer, before reading anything."""
        if self._writer is None:
            self._make_sessions()
        assert self._writer is not None
        return self._writer

    def _make_sessions(self) -> None:
        with self._making:
            if self._sessions is None:
                for hook in self._before_sessions:
                    hook()
                self._hook(make_session_factory(self.engine, info=self._info))

    def _hook(self, sessions: sessionmaker[Session]) -> None:
        from sqlalchemy.orm import sessionmaker

        writer = sessionmaker(**{**sessions.kw,
                                 "bind": self.engine.execution_options(**{WRITE_OPTION: True})})
        for factory in (sessions, writer):
            event.listen(factory, "after_flush", _note_flush)
            event.listen(factory, "do_orm_execute", _note_statement)
            event.listen(factory, "after_commit", self._committed)
            event.listen(factory, "after_rollback", _forget)
        if self.read_only:
            for factory in (sessions, writer):
                event.listen(factory, "before_flush", self._refuse_write)
        self._sessions, self._writer = sessions, writer

    def rebind(self, engine: Engine) -> None:
        """Use a new engine from now on (after a restore put another file in place)."""
        old = self.engine
        self.engine = engine
        if self._sessions is not None and self._writer is not None:
            self._sessions.configure(bind=engine)
            self._writer.configure(bind=engine.execution_options(**{WRITE_OPTION: True}))
        old.dispose()

    def _refuse_write(self, *_args: Any) -> None:
        raise StorageError(f"The database {self.display_name} was opened for reading only; "
                           "nothing was changed.")

    @property
    def user(self) -> str:
        """Who is acting: the name the audit trail records."""
        return str(self._info.get("user") or "unknown")

    @property
    def role(self) -> str | None:
        """The signed-in account's role (a ``UserRole`` value), or None when nobody has
        signed in: on a database without accounts that is the single-user mode of
        :mod:`placement_desk.services.users.roles`."""
        role = self._info.get("role")
        return str(role) if role else None

    def act_as(self, user: str, role: str | None) -> None:
        """From now on, sessions act as ``user`` with ``role`` (after a sign-in)."""
        self._info["user"] = user
        self._info["role"] = role

    @property
    def is_local(self) -> bool:
        return self.path is not None

    @property
    def server_name(self) -> str:
        """"placements on db.council.local": a server database's name and host."""
        where = self.url.host or "this computer"
        return f"{self.url.database or ''} on {where}"

    @property
    def display_name(self) -> str:
        if self.path is not None:
            return str(self.path)
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: a transaction committed when the block ends without error.

        On SQLite it begins with ``BEGIN IMMEDIATE``: another writer is waited for (up to
        the busy timeout) before anything is read, never found half-way through. On a
        server, officers write at once: a record another transaction changed first is
        refused as :class:`~placement_desk.errors.ConcurrentEdit` (the version counter),
        and a deadlock the server broke as
        :class:`~placement_desk.errors.DatabaseBusyError`; nothing of the unit is kept."""
        from sqlalchemy.orm.exc import StaleDataError

        try:
            with self.writer.begin() as session:
                yield session
        except StaleDataError:
            from .concurrency import stale_save

            raise stale_save() from None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed."""
        with self.sessions() as session:
            yield session

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for a plain Core read (a setting, whether accounts are on): what
        the window reads before its first paint, without the ORM."""
        with self.engine.connect() as conn:
            yield conn

    def on_change(self, listener: ChangeListener) -> Callable[[], None]:
        """Call ``listener`` after every commit; returns a function that stops it."""
        with self._guard:
            self._listeners.append(listener)

        def stop() -> None:
            with self._guard:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return stop

    def follow_others(self) -> None:
        """On a PostgreSQL server, also tell the change listeners what other officers
        commit (LISTEN/NOTIFY, see :mod:`placement_desk.dbserver`), from a thread of its
        own, until :meth:`close`. Nothing to do on an SQLite file: its lock lets one copy
        of Placement Desk in at a time."""
        if self._feed is not None or self.url.get_backend_name() != "postgresql":
            return
        from .dbserver import ChangeFeed

        self._feed = ChangeFeed(self.url, self.engine, self._announce)
        self._feed.start()

    def _committed(self, session: Session) -> None:
        self._announce(frozenset(session.info.pop(_CHANGED, ())))

    def _announce(self, tables: frozenset[str]) -> None:
        if not tables:
            return
        with self._guard:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(tables)
            except Exception:  # a listener's fault must not undo or hide the commit
                log.exception("A change listener failed")

    def close(self) -> None:
        if self._feed is not None:
            self._feed.stop()
            self._feed = None
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some locked-down machines
        return "unknown"


# --- Where the file lives -----------------------------------------------------------

def network_location(path: Path, mounts_text: str | None = None) -> str | None:
    """Describe why ``path`` is on a network share, or None if it looks local.

    SQLite in WAL mode needs shared memory between processes on one machine, so a
    database on a network share can be corrupted. ``mounts_text`` replaces
    ``/proc/mounts`` in tests.
    """
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return "a network share (UNC path)"
    if sys.platform == "win32":
        return _windows_network_drive(path)
    resolved = text
    if mounts_text is None:
        resolved = str(path.resolve())
        try:
            mounts_text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    best, best_fs = "", ""
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        if (resolved == mount_point or resolved.startswith(mount_point.rstrip("/") + "/")) \
                and len(mount_point) >= len(best):
            best, best_fs = mount_point, parts[2]
    if best_fs in NETWORK_FILESYSTEMS:
        return f"a network file system ({best_fs} mounted at {best})"
    return None


def _windows_network_drive(path: Path) -> str | None:  # pragma: no cover - Windows only
    import ctypes

    drive = os.path.splitdrive(str(path.resolve()))[0]
    if not drive:
        return None
    if drive.startswith("\\\\"):
        return "a network share (UNC path)"
    drive_remote = 4
    kind = ctypes.windll.kernel32.GetDriveTypeW(drive + "\\")  # type: ignore[attr-defined]
    if kind == drive_remote:
        return f"a mapped network drive ({drive})"
    return None


def check_local(path: Path) -> None:
    """Refuse a database on a network share, saying why and what to do."""
    where = network_location(path)
    if where:
        raise DatabaseError(
            f"The database {path} is on {where}. Placement Desk keeps its data in a "
            "file that can be corrupted when used over a network share. Copy the "
            "database to a folder on this computer (for example Documents) and open "
            "that copy, or ask for a team server database.")


# --- Backups ---------------------------------------------------------------------------

def backup_sqlite(path: Path, reason: str = "backup", folder: Path | None = None) -> Path:
    """Copy a live SQLite database with the backup API (consistent even under WAL).

    The copy is made under a temporary name, checked (SQLite's quick check, and the same
    tables as the original), then renamed: a full disk or a failure never leaves a file
    that looks like a good backup. Raises StorageError saying how much room is needed.
    """
    folder = folder or path.parent / dbfile.BACKUP_FOLDER
    needed = dbfile.database_bytes(path)
    free = dbfile.free_bytes(folder)
    doing = "back up the database before changing it"
    if free is not None and free < needed + dbfile.MIN_ROOM:
        raise dbfile.no_room(folder, doing, needed + dbfile.MIN_ROOM - free)
    made_folder = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if dbfile.is_disk_full(exc):
            raise dbfile.no_room(folder, doing, needed) from None
        raise dbfile.read_only(folder / path.name, "the backup folder of") from None
    try:
        return _backup_into(path, folder, reason, doing, needed)
    except BaseException:
        if made_folder:  # a failed first backup leaves no empty folder behind
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _backup_into(path: Path, folder: Path, reason: str, doing: str, needed: int) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = path.suffix or ".db"
    base = f"{path.stem}-{reason}-{stamp}"
    target = folder / f"{base}{suffix}"
    # Copies made within one second count on from the highest number there, even when
    # rotation has removed the first: names always sort in the order they were made.
    taken: list[int] = []
    for existing in folder.glob(f"{base}*{suffix}"):
        tail = existing.name[len(base):len(existing.name) - len(suffix)]
        if not tail:
            taken.append(1)
        elif tail[0] == "-" and tail[1:].isdigit():
            taken.append(int(tail[1:]))
    if taken:
        target = folder / f"{base}-{max(taken) + 1}{suffix}"
    partial = target.with_name(f".{target.name}.part")
    try:
        _copy_checked(path, partial)
        from . import crypto

        if crypto.is_encrypted(path):  # the copy names its key too (the id, never the key)
            crypto.copy_key_id(path, target)
        os.replace(partial, target)
    except crypto_errors() as exc:
        dbfile.remove_quietly(partial, partial.with_name(partial.name + "-journal"))
        error = dbfile.translate(exc, partial)
        if isinstance(error, StorageError) and error.needed is not None:
            raise dbfile.no_room(folder, doing, needed) from None
        if error is not None and not isinstance(error, StorageError):
            raise dbfile.translate(exc, path) or error from None
        raise StorageError(f"Placement Desk could not back up the database {path} to "
                           f"{folder} ({exc}). Nothing was changed.") from None
    except OSError as exc:
        dbfile.remove_quietly(partial)
        if dbfile.is_disk_full(exc):
            raise dbfile.no_room(folder, doing, needed) from None
        raise StorageError(f"Placement Desk could not back up the database {path} to "
                           f"{folder} ({exc.strerror or exc}). Nothing was changed.") from None
    except BaseException:
        dbfile.remove_quietly(partial)
        raise
    return target


def _copy_checked(path: Path, target: Path) -> None:
    from . import crypto

    encrypted = crypto.is_encrypted(path)
    src = crypto.connect(path)
    try:
        dst = crypto.connect(target, key_from=path if encrypted else None)
        try:
            src.backup(dst)
            tables = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            problems = dbfile.quick_check(dst)
            if problems or dst.execute(tables).fetchone() != src.execute(tables).fetchone():
                raise StorageError(f"The backup of {path} did not come out whole "
                                   f"({'; '.join(problems) or 'tables missing'}). Nothing "
                                   "was changed.")
        finally:
            dst.close()
    finally:
        src.close()


def crypto_errors() -> tuple[type[BaseException], ...]:
    from . import crypto

    return crypto.database_errors()
