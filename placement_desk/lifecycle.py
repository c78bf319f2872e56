"""Opening a database for use: location checks, lock, backup, migrations, sessions.

The command line and the GUI both go through :func:`open_database`, so every way
into the data gets the same checks in the same order.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL

from . import migrations
from .db import Database, check_local, make_engine, make_session_factory, sqlite_path, to_url
from .dblock import DatabaseLock
from .paths import default_database_path
from .services.agreements import fee_ledger

__all__ = ["CheckReport", "Database", "check_database", "open_database", "resolve_target"]

log = logging.getLogger(__name__)


def resolve_target(target: str | Path | None) -> URL:
    """The URL for ``--db`` (a path or an SQLAlchemy URL), or the default file."""
    return to_url(target if target else default_database_path())


def open_database(
    target: str | Path | None = None,
    *,
    migrate: bool = True,
    lock: bool = True,
    backup: bool = True,
    user: str | None = None,
) -> Database:
    """Open (creating if needed) and upgrade a database; raise DatabaseError if unsafe."""
    url = resolve_target(target)
    path = sqlite_path(url)
    held: DatabaseLock | None = None
    notices: list[str] = []
    if path is not None:
        check_local(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if lock:
            held = DatabaseLock(path)
            held.acquire()
            if held.recovered:
                notices.append(
                    "Placement Desk did not close properly last time; the database "
                    "lock it left has been cleared.")
    engine = make_engine(url)
    try:
        result = migrations.prepare(engine, backup=backup) if migrate else None
        revision = result.to_revision if result else migrations.check_not_newer(engine)
        if result is not None:
            fee_ledger.ensure_current(engine)  # once, after the migration that made it
    except BaseException:
        engine.dispose()
        if held is not None:
            held.release()
        raise
    if result and result.backup:
        notices.append(f"The database was upgraded; a copy from before is at {result.backup}.")
    fee_ledger.install()  # every session keeps the fee ledger in step as it flushes
    return Database(url=url, engine=engine, sessions=make_session_factory(engine, user),
                    path=path, revision=revision, upgrade=result, lock=held, notices=notices)


@dataclass(frozen=True)
class CheckReport:
    revision: str | None
    head: str
    integrity: list[str]
    foreign_key_problems: int

    @property
    def ok(self) -> bool:
        return (self.integrity == ["ok"] and self.foreign_key_problems == 0
                and self.revision == self.head)


def check_database(db: Database) -> CheckReport:
    """Integrity check (SQLite) and migration revision, for ``db check``."""
    integrity = ["ok"]
    fk = 0
    if db.url.get_backend_name() == "sqlite":
        with db.engine.connect() as conn:
            integrity = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            fk = len(conn.execute(text("PRAGMA foreign_key_check")).fetchall())
    return CheckReport(migrations.current_revision(db.engine), migrations.head_revision(),
                       integrity, fk)
