"""Opening a database for use: location checks, lock, backup, migrations, sessions.

The command line and the GUI both go through :func:`open_database`, so every way
into the data gets the same checks in the same order: the path (not a network share,
not a folder, an SQLite file), room and permission to write, the lock, SQLite's quick
check, the schema's revision and tables; then the backup and the upgrade. A command
that only reads opens the database read-only and creates nothing. A database that
does not exist yet is built under a temporary name and renamed into place only when
complete (:func:`open_or_build`), so a half-made file never looks like a good one.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL

from . import crypto, dbfile, migrations
from .db import (
    Database,
    check_local,
    make_engine,
    network_location,
    sqlite_path,
    to_url,
)
from .dblock import DatabaseLock
from .errors import DatabaseError, StorageError
from .logs import QUIET
from .paths import default_database_path
from .services.agreements import ledger_hook

__all__ = ["CheckReport", "Database", "check_database", "open_database", "open_or_build",
           "resolve_target"]

log = logging.getLogger(__name__)
DATABASE_ENV = "PLACEMENT_DESK_DB"
"""The database to open when ``--db`` is not given: a file, or a team server's URL
(``postgresql+psycopg://db.council.local/placements``), for every command and the GUI."""
PARTIAL = ".part-"
"""A database being built is named ``.<name>.part-<pid>`` beside its final name."""


def resolve_target(target: str | Path | None) -> URL:
    """The URL for ``--db`` (a path or an SQLAlchemy URL), else for the environment's
    ``PLACEMENT_DESK_DB`` or the GUI's ``database/url`` setting, else the default file.

    A network share written as a UNC path (``\\\\server\\share`` or ``//server/share``)
    is refused here, before the path is made absolute and loses its two slashes.
    """
    if target is not None and "://" not in str(target):
        where = network_location(Path(str(target)), mounts_text="")
        if where:
            check_local(Path(str(target)))
    return to_url(target or os.environ.get(DATABASE_ENV) or default_database_path())


def with_server_login(target: str | Path | None, username: str, password: str) -> str:
    """The team server's URL with the login an officer typed (the password is never
    stored or shown; the URL lives only while the database is opened)."""
    url = resolve_target(target)
    return url.set(username=username.strip() or None, password=password or None) \
        .render_as_string(hide_password=False)


def server_login_name(target: str | Path | None) -> str:
    """The login name a server URL already gives (empty for none, or for a file)."""
    url = resolve_target(target)
    return "" if url.get_backend_name() == "sqlite" else url.username or ""


def open_database(
    target: str | Path | None = None,
    *,
    migrate: bool = True,
    lock: bool = True,
    backup: bool = True,
    user: str | None = None,
    read_only: bool = False,
    require_current: bool = False,
    verify: bool = True,
    create: bool = True,
) -> Database:
    """Open and upgrade a database (creating it if ``create``); raise a UserError if unsafe.

    ``read_only`` opens it for reading: nothing is created, locked or migrated, and a
    missing file is refused. ``require_current`` refuses a database at an older schema
    (for a command that does not migrate), naming ``db upgrade``. ``verify`` runs
    SQLite's quick check and checks the schema's tables; a damaged database is refused
    with the newest good backup named.
    """
    url = resolve_target(target)
    path = sqlite_path(url)
    if read_only:
        migrate, lock, backup, create = False, False, False, False
    held: DatabaseLock | None = None
    notices: list[str] = []
    if path is not None:
        check_local(path)
        _check_path(path, create=create, write=not read_only)
        if lock:
            held = DatabaseLock(path)
            held.acquire()
            if held.recovered:
                notices.append(
                    "Placement Desk did not close properly last time; the database "
                    "lock it left has been cleared.")
    engine: Engine | None = None
    try:
        if path is not None and crypto.is_encrypted(path):
            key = crypto.key_for(path)
            crypto.connect(path, read_only=True, key=key).close()  # a wrong key says so
            url = crypto.keyed_url(url, key)
        engine = make_engine(url, read_only=read_only)
        if verify and path is not None and dbfile.file_size(path):
            _check_sound(engine, path)
        if verify:
            _check_schema_record(engine, path)
        result = migrations.prepare(engine, backup=backup) if migrate else None
        revision = result.to_revision if result else migrations.check_not_newer(engine)
        if result is None and require_current and revision != migrations.numbered_head():
            raise _needs_upgrade(path or url, revision)
        if verify and revision == migrations.numbered_head():
            _check_tables(engine, path)
        if result is not None:
            _ledger_current(engine)
        role: str | None = None
        if user is None and path is None:
            user, role = _server_login(engine)
    except BaseException:
        if engine is not None:
            engine.dispose()
        if held is not None:
            held.release()
        raise
    if result and result.backup:
        notices.append(f"The database was upgraded; a copy from before is at {result.backup}.")
    db = Database(url=url, engine=engine, path=path, revision=revision, upgrade=result,
                  lock=held, notices=notices, read_only=read_only,
                  auto_backup=backup and not read_only, user=user,
                  # every session keeps the fee ledger in step as it flushes
                  before_sessions=(ledger_hook.install,))
    if user is not None and role is not None:
        db.act_as(user, role)  # the server signed them in: its group role is their role
    return db


def _server_login(engine: Engine) -> tuple[str | None, str | None]:
    """Who the server let in, and the application's role their login holds there (None
    where the database was not given to the group roles): on a server each officer
    connects as themselves, the audit trail records that login rather than the name of
    the computer's account, and the services check that role's permissions."""
    if engine.url.get_backend_name() != "postgresql":
        return None, None
    from . import dbroles

    with engine.connect() as conn:
        login = str(conn.execute(text("SELECT session_user")).scalar())
        return login, dbroles.application_role(conn)


def _ledger_current(engine: Engine) -> None:
    """Build the fee ledger if it was built by another formula or never (just after the
    migration that made it); the data model is imported only then."""
    if not ledger_hook.built_with_current_formula(engine):
        from .services.agreements import fee_ledger

        fee_ledger.ensure_current(engine)


def _check_path(path: Path, *, create: bool, write: bool) -> None:
    """A folder, a missing file (for a command that must not create one), a file that is
    not SQLite, or no permission or room to write: refused before anything is opened."""
    if path.is_dir():
        raise dbfile.folder_given(path)
    if not path.exists():
        if not create:
            raise DatabaseError(
                f"There is no database at {path}. Check the path (or give it with --db); "
                "nothing was created.")
        if path.with_name(path.name + ".lock").is_dir():
            return  # the lock says why
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if dbfile.is_disk_full(exc):
                raise dbfile.no_room(path.parent, "create the database") from None
            raise dbfile.read_only(path) from None
    else:
        dbfile.check_file(path)
    if write and not dbfile.writable(path):
        raise dbfile.read_only(path)


def _check_sound(engine: Engine, path: Path) -> None:
    """SQLite's quick check (about a tenth of a second per 100 MB)."""
    with engine.connect() as conn:
        rows = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA quick_check(5)")]
    if rows != ["ok"]:
        log.warning("Quick check of %s failed: %s", path, " | ".join(" ".join(r.split())
                                                                  for r in rows), extra=QUIET)
        raise dbfile.damaged(path, "SQLite's quick check found damaged pages")


def _our_tables() -> set[str]:
    return set(migrations.HEAD_TABLES)


def _check_schema_record(engine: Engine, path: Path | None) -> None:
    """Tables of Placement Desk with no record of the schema's revision: the record was
    lost, and an upgrade would try to make the tables again."""
    if migrations.stored_revision(engine) is not None:
        return
    with engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
    if present & _our_tables():
        where = path or Path(engine.url.render_as_string(hide_password=True))
        raise dbfile.damaged(where, "its record of the schema version (the alembic_version "
                                    "table) is missing, so it cannot be upgraded or used "
                                    "safely") if path else DatabaseError(
            f"The database {where} has Placement Desk's tables but no record of its schema "
            "version. Restore it from a backup.")


def _check_tables(engine: Engine, path: Path | None) -> None:
    with engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
    missing = sorted(_our_tables() - present)
    if not missing:
        return
    what = (f"the table{'s' if len(missing) > 1 else ''} {', '.join(missing[:5])}"
            f"{' and more' if len(missing) > 5 else ''} "
            f"{'are' if len(missing) > 1 else 'is'} missing")
    if path is not None:
        raise dbfile.damaged(path, what)
    raise DatabaseError(f"The database {engine.url.render_as_string(hide_password=True)} is "
                        f"incomplete: {what}. Restore it from a backup.")


def _needs_upgrade(where: Path | URL, revision: str | None) -> DatabaseError:
    shown = where if isinstance(where, Path) else where.render_as_string(hide_password=True)
    return DatabaseError(
        f"The database {shown} uses an older schema ({revision or 'empty'}; this version "
        f"uses {migrations.numbered_head()}). Run 'placement-desk db upgrade --db {shown}' "
        "first: it backs the database up, then upgrades it. Nothing was changed.")


@contextlib.contextmanager
def open_or_build(target: str | Path | None = None, *, replace: bool = False,
                  user: str | None = None, doing: str = "build the database",
                  room: int = 0) -> Iterator[Database]:
    """The database for a command that may create it (an import, the demo).

    An existing database (unless ``replace``) is opened as usual. Otherwise the new one
    is built under a temporary name beside the target, and renamed into place only when
    the block completes; if it fails, is cancelled or the process is killed, nothing is
    left at the target (and a later build clears the leftovers). ``room`` is the space
    the build needs, checked first and named if the disk fills.
    """
    url = resolve_target(target)
    path = sqlite_path(url)
    if path is None or (path.exists() and not replace):
        db = open_database(target, user=user)
        try:
            yield db
        finally:
            db.close()
        return
    check_local(path)
    if path.is_dir():
        raise dbfile.folder_given(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if dbfile.is_disk_full(exc):
            raise dbfile.no_room(path.parent, doing, room) from None
        raise dbfile.read_only(path) from None
    if not dbfile.writable(path):
        raise dbfile.read_only(path)
    free = dbfile.free_bytes(path.parent)
    if free is not None and room and free < room:
        raise dbfile.no_room(path.parent, doing, room - free)
    guard = DatabaseLock(path)  # nobody opens or builds the target meanwhile
    guard.acquire()
    try:
        _remove_partials(path)
        partial = path.with_name(f".{path.name}{PARTIAL}{os.getpid()}")
        try:
            db = open_database(partial, lock=False, backup=False, user=user)
            try:
                yield db
            finally:
                db.close()
            _settle(partial)
            for suffix in ("-wal", "-shm"):  # an old log must never meet the new file
                dbfile.remove_quietly(path.with_name(path.name + suffix))
            os.replace(partial, path)
            _sync_folder(path.parent)
        except OSError as exc:
            if dbfile.is_disk_full(exc):
                raise dbfile.no_room(path.parent, doing, room) from None
            raise StorageError(f"Placement Desk could not finish {path} "
                               f"({exc.strerror or exc}). Nothing was changed.") from None
        finally:
            _remove_partials(path)
    finally:
        guard.release()


def _remove_partials(path: Path) -> None:
    """Leftovers of builds of ``path`` that did not finish (the caller holds its lock)."""
    with contextlib.suppress(OSError):
        for leftover in path.parent.glob(f".{path.name}{PARTIAL}*"):
            dbfile.remove_quietly(leftover)


def _settle(path: Path) -> None:
    """Fold the write-ahead log into the file, so that the file alone is the database."""
    import sqlite3

    if not path.with_name(path.name + "-wal").exists():
        return
    con = sqlite3.connect(str(path))
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass(frozen=True)
class CheckReport:
    revision: str | None
    head: str
    integrity: list[str]
    foreign_key_problems: int
    missing_tables: list[str] = field(default_factory=list)
    revision_record_missing: bool = False
    """Placement Desk's tables are there, but not the record of their schema version."""
    audit_events: int = 0
    audit_broken: int | None = None
    """The id of the first audit event whose hash does not follow (tampered with)."""
    audit_guarded: bool = True
    """Whether the database still refuses changes and deletions of audit events."""

    @property
    def tampered(self) -> bool:
        return self.audit_broken is not None or not self.audit_guarded

    @property
    def damaged(self) -> bool:
        """SQLite found damage, tables are missing, or their revision record is, or the
        audit trail was tampered with."""
        return (self.integrity != ["ok"] or bool(self.missing_tables)
                or self.revision_record_missing or self.tampered)

    @property
    def ok(self) -> bool:
        return (not self.damaged and self.foreign_key_problems == 0
                and self.revision == self.head)


def check_database(db: Database) -> CheckReport:
    """Integrity check (SQLite), missing tables, migration revision and the audit trail's
    chain, for ``db check``.

    An SQLite error while checking (a file too damaged to read) raises the
    DatabaseDamagedError that names the newest good backup.
    """
    integrity = ["ok"]
    fk = 0
    with db.engine.connect() as conn:
        if db.url.get_backend_name() == "sqlite":
            integrity = [str(r[0]) for r in conn.execute(text("PRAGMA integrity_check(20)"))]
            if integrity == ["ok"]:
                fk = len(conn.execute(text("PRAGMA foreign_key_check")).fetchall())
        present = set(inspect(conn).get_table_names())
    revision = migrations.stored_revision(db.engine)
    ours = present & _our_tables()
    at_head = revision == migrations.numbered_head()
    missing = sorted(_our_tables() - present) if ours and at_head else []
    chain = None
    if at_head and not missing and integrity == ["ok"]:
        from .audit import verify_chain

        with db.read() as session:
            chain = verify_chain(session)
    return CheckReport(revision, migrations.head_revision(), integrity, fk, missing,
                       revision_record_missing=bool(ours) and revision is None,
                       audit_events=chain.events if chain else 0,
                       audit_broken=chain.first_broken if chain else None,
                       audit_guarded=chain.guarded if chain else True)


def restore_open_database(db: Database, file: Path) -> Path | None:
    """Put the backup ``file`` in place of the open database ``db`` and carry on with it:
    the file is checked and the acting user's permission with it, the database is
    replaced as ``restore`` does (keeping a copy, returned), then reopened on the same
    handle and upgraded if the copy is older. The caller has no read or write under way.
    """
    from .services.common.backups import may_restore, restore_file

    if db.path is None or db.read_only:
        raise DatabaseError("Only a database file opened for work can be restored here.")
    may_restore(db, file)
    db.engine.dispose()
    kept = restore_file(db.path, file, lock_held=db.lock is not None)
    url = to_url(db.path)
    if crypto.is_encrypted(db.path):
        url = crypto.keyed_url(url, crypto.key_for(db.path))
    engine = make_engine(url)
    try:
        _check_sound(engine, db.path)
        result = migrations.prepare(engine)
        _ledger_current(engine)
    except BaseException:
        engine.dispose()
        raise
    db.rebind(engine)
    db.url = url
    db.revision = result.to_revision
    return kept
