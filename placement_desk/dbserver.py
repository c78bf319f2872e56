"""A team's database on a PostgreSQL server: its errors in plain words, and the
notifications that tell every officer's window what another officer changed.

Messages name the server and say what to do; none carries the server's own text, which
may quote a record's values (a key that already exists, a date that does not parse).
"""

from __future__ import annotations

from sqlalchemy.engine import URL

from .errors import DatabaseBusyError, DatabaseError, StorageError, UserError

# PostgreSQL's SQLSTATE codes (appendix A of its manual) met by the application.
_DEADLOCK, _SERIALIZATION, _LOCK_NOT_AVAILABLE = "40P01", "40001", "55P03"
_PRIVILEGE, _DISK_FULL, _OUT_OF_MEMORY = "42501", "53100", "53200"
_CONNECTION_CLASSES = ("08", "57P")
_READ_ONLY_TRANSACTION = "25006"


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
