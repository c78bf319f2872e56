"""A team's database on a PostgreSQL server: its errors in plain words, and the
notifications that tell every officer's window what another officer changed.

Every table has a statement trigger that announces its name on :data:`CHANNEL` when a
transaction that wrote it commits (``pg_notify``; installed after each upgrade). Each
window's :class:`ChangeFeed` listens on a connection of its own, leaves out what its own
connections wrote (its pages heard of that at the commit), and hands the rest to the
database's change listeners, and so to the pages, as if this window had written it.

Messages name the server and say what to do; none carries the server's own text, which
may quote a record's values (a key that already exists, a date that does not parse).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import URL

from .errors import (
    DatabaseBusyError,
    DatabaseError,
    ServerSignInRefused,
    StorageError,
    UserError,
)
from .logs import QUIET

log = logging.getLogger(__name__)

# PostgreSQL's SQLSTATE codes (appendix A of its manual) met by the application.
_DEADLOCK, _SERIALIZATION, _LOCK_NOT_AVAILABLE = "40P01", "40001", "55P03"
_PRIVILEGE, _DISK_FULL, _OUT_OF_MEMORY = "42501", "53100", "53200"
_CONNECTION_CLASSES = ("08", "57P")
_READ_ONLY_TRANSACTION = "25006"
_SIGN_IN = "28"
"""Invalid authorization: a wrong password, or a login the server does not know."""
_REFUSED_SIGN_IN = ("password authentication failed", 'role "',
                    "no pg_hba.conf entry", "GSSAPI authentication failed",
                    "SSPI authentication failed", "no password supplied")
"""libpq's words when it refuses a sign-in before any statement (no SQLSTATE then)."""


def where(url: URL) -> str:
    """"the database placements on db.council.local": no user name, no password."""
    return f"the database {url.database or ''} on {url.host or 'this computer'}"


def translate(exc: BaseException, url: URL) -> UserError | None:
    """The user's error for a server error; None for a fault of Placement Desk."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return None
    if not isinstance(exc, psycopg.Error):
        return None
    state = exc.sqlstate or ""
    place = where(url)
    if state in (_DEADLOCK, _SERIALIZATION, _LOCK_NOT_AVAILABLE):
        return DatabaseBusyError(
            f"Another officer was saving to {place} at the same moment, and the server "
            "stopped one of the two saves: yours. Nothing of it was saved; save again.")
    if state == _PRIVILEGE:
        return StorageError(
            f"Your account on {place} may not make this change. Ask IT to give your "
            "account the Placement Desk role your work needs. Nothing was changed.")
    if state == _READ_ONLY_TRANSACTION:
        return StorageError(f"{place[0].upper()}{place[1:]} is open for reading only; "
                            "nothing was changed.")
    refused = isinstance(exc, psycopg.OperationalError) and not state
    if refused and 'database "' in str(exc) and "does not exist" in str(exc):
        return DatabaseError(
            f"There is no {place[4:]}. Check the name given with --db (or in the "
            "settings), or ask IT to create it. Nothing was created.")
    if state.startswith(_SIGN_IN) or (refused and any(m in str(exc)
                                                      for m in _REFUSED_SIGN_IN)):
        return ServerSignInRefused(
            f"{place[0].upper()}{place[1:]} did not accept your name and password (or your "
            "Windows sign-in). Check them and try again; if they are right, ask IT whether "
            "your login may use this database. Nothing was changed.")
    if state in (_DISK_FULL, _OUT_OF_MEMORY):
        return StorageError(
            f"The server holding {place} has run out of room. Nothing was saved; ask IT "
            "to free space on it, then try again.")
    if isinstance(exc, psycopg.OperationalError) and (
            not state or state.startswith(_CONNECTION_CLASSES)):
        return DatabaseError(
            f"Placement Desk cannot reach {place}, or lost its connection to it. Check "
            "this computer's network connection (or VPN), and ask IT whether the server is "
            "running. Nothing was saved.")
    return None


# --- What other officers changed -------------------------------------------------------------

CHANNEL = "placement_desk_changes"
"""The channel every commit's tables are announced on (one notification per table)."""
_TRIGGER = "placement_desk_changed"
_OWN_PIDS: WeakKeyDictionary[Engine, set[int]] = WeakKeyDictionary()


def install_change_triggers(conn: Connection, tables: Iterable[str]) -> None:
    """Make every write to ``tables`` announce the table's name on :data:`CHANNEL` when
    its transaction commits (once per table and transaction: the server folds repeats).

    Run by the migration runner after every upgrade, so that tables added later are
    announced too; creating triggers needs the schema owner's rights.
    """
    conn.exec_driver_sql(
        f"CREATE OR REPLACE FUNCTION {_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS "
        f"$body$ BEGIN PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME); RETURN NULL; END "
        "$body$")
    for table in sorted(tables):
        conn.exec_driver_sql(
            f'CREATE OR REPLACE TRIGGER {_TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR '
            f'TRUNCATE ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION {_TRIGGER}()')


def note_own_connections(engine: Engine) -> None:
    """Remember the server's process id of each of this engine's connections, so that the
    change feed can tell this window's own commits (already announced) from others'."""
    pids: set[int] = set()
    _OWN_PIDS[engine] = pids

    @event.listens_for(engine, "connect")
    def _remember(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT pg_backend_pid()")
            pids.add(int(cursor.fetchone()[0]))
        finally:
            cursor.close()


class ChangeFeed:
    """Listens on :data:`CHANNEL` on a connection of its own and hands the tables other
    connections wrote to ``deliver``, gathered over ``gather`` seconds, on its own thread.

    A lost connection (a laptop that slept, a server restarted) is opened again after a
    pause; meanwhile pages show what they last read.
    """

    def __init__(self, url: URL, engine: Engine,
                 deliver: Callable[[frozenset[str]], None], gather: float = 0.2) -> None:
        self.url, self.deliver, self.gather = url, deliver, gather
        self.own = _OWN_PIDS.get(engine, set())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="placement-desk-changes",
                                        daemon=True)
        self.listening = threading.Event()
        """Set once the feed is listening (tests wait for it)."""

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _dsn(self) -> str:
        return self.url.set(drivername="postgresql").render_as_string(hide_password=False)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self._dsn(), autocommit=True,
                                     application_name="Placement Desk (changes)") as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    while not self._stop.is_set():
                        tables = {n.payload for n in conn.notifies(timeout=self.gather)
                                  if n.pid not in self.own}
                        if tables and not self._stop.is_set():
                            self.deliver(frozenset(tables))
            except psycopg.Error:
                if not self._stop.is_set():
                    log.warning("Lost the server's change notifications; trying again",
                                extra=QUIET)
                    self._stop.wait(5.0)
