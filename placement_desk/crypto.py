"""Encryption at rest (SQLCipher): the key, keyed connections, and encrypting a database.

Optional: it needs the ``sqlcipher3`` package (``pip install placement-desk[encryption]``);
without it databases stay plain and ``db encrypt`` says what to install.

Each encrypted database has a random 256-bit raw key (no passphrase: a derived key
costs about 130 ms for every connection). The key is named by a key id kept beside
the database in ``<database>.keyid`` (the id only, never the key), and copied beside
each backup. The key itself is looked for, in order, in the environment variable
``PLACEMENT_DESK_DB_KEY`` (hex, for a service account), the operating system's
credential store (keyring: Windows Credential Manager, macOS Keychain, the Secret
Service), and a key file in the user's data folder, readable by the operating-system
account only, used when there is no credential store (with a warning). The
administrator prints a recovery copy (:func:`recovery_text`) and keeps it safe;
:func:`import_recovery_key` puts it back on a new machine.

A database is plain when its file begins with SQLite's header, whatever else is beside
it; it is encrypted when it does not and a key id is beside it. A wrong or missing
key is an :class:`~placement_desk.errors.EncryptionKeyError` saying where the key was
looked for, never a crash.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import sqlite3
import sys
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL

from .errors import EncryptionKeyError
from .paths import data_dir

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
KEY_ID_SUFFIX = ".keyid"
ENV_KEY = "PLACEMENT_DESK_DB_KEY"
SERVICE = "placement-desk database key"
KEY_BYTES = 32


def available() -> bool:
    """Whether SQLCipher is installed."""
    try:
        import sqlcipher3  # noqa: F401
    except ImportError:
        return False
    return True


def database_errors() -> tuple[type[BaseException], ...]:
    """The DB-API error classes of both drivers (SQLCipher's are not sqlite3's)."""
    module = sys.modules.get("sqlcipher3.dbapi2")
    if module is None:
        return (sqlite3.Error,)
    return (sqlite3.Error, module.Error)


def key_id_file(path: Path) -> Path:
    return path.with_name(path.name + KEY_ID_SUFFIX)


def _plain_header(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError:
        return True
    return head == SQLITE_MAGIC or head == b""


def is_encrypted(path: Path) -> bool:
    """A file with no SQLite header and a key id beside it."""
    return key_id_file(path).is_file() and path.is_file() and not _plain_header(path)


def read_key_id(path: Path) -> str:
    try:
        data = json.loads(key_id_file(path).read_text(encoding="utf-8"))
        return str(uuid.UUID(str(data["key_id"])))
    except (OSError, ValueError, KeyError, TypeError):
        raise EncryptionKeyError(
            f"The database {path} is encrypted, but the file naming its key "
            f"({key_id_file(path).name}) is missing or damaged. Copy it back from where the "
            "database came from, or enter the recovery key with 'placement-desk db key "
            "--recover'.") from None


def write_key_id(path: Path, key_id: str) -> None:
    target = key_id_file(path)
    partial = target.with_name(f".{target.name}.part")
    partial.write_text(json.dumps({"key_id": key_id, "cipher": "sqlcipher4"}),
                       encoding="utf-8")
    os.replace(partial, target)


def copy_key_id(source: Path, target: Path) -> None:
    write_key_id(target, read_key_id(source))


def key_folder() -> Path:
    return data_dir() / "keys"


def _keyring() -> Any | None:
    """The credential store, or None where there is none (the fail or null backends)."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
            return None
        return keyring
    except Exception:  # a broken keyring set-up is no credential store
        log.warning("The credential store could not be reached", exc_info=True)
        return None


def store_key(key_id: str, key: bytes) -> str:
    """Keep a key; returns where, in words. A key file is the last resort."""
    store = _keyring()
    if store is not None:
        try:
            store.set_password(SERVICE, key_id, key.hex())
            if store.get_password(SERVICE, key_id) == key.hex():
                return "the operating system's credential store"
        except Exception:
            log.warning("The credential store refused the key", exc_info=True)
    folder = key_folder()
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(folder, 0o700)
    target = folder / f"{key_id}.key"
    partial = target.with_name(f".{target.name}.part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex())
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(partial, target)
    return (f"the key file {target} (there is no credential store here: only your "
            "operating-system account can read it; keep the printed recovery copy safe)")


def load_key(key_id: str) -> bytes | None:
    """The key named ``key_id`` from the environment, the credential store or a key file."""
    candidates: list[str] = []
    if os.environ.get(ENV_KEY):
        candidates.append(os.environ[ENV_KEY])
    store = _keyring()
    if store is not None:
        with contextlib.suppress(Exception):
            found = store.get_password(SERVICE, key_id)
            if found:
                candidates.append(found)
    with contextlib.suppress(OSError):
        candidates.append((key_folder() / f"{key_id}.key").read_text(encoding="ascii"))
    for text in candidates:
        key = parse_key(text)
        if key is not None:
            return key
    return None


def parse_key(text: str) -> bytes | None:
    """A key from its hex text (spaces, dashes and line breaks ignored); None if not one."""
    cleaned = "".join(ch for ch in text if ch not in " -\t\r\n")
    try:
        key = bytes.fromhex(cleaned)
    except ValueError:
        return None
    return key if len(key) == KEY_BYTES else None


def _where_looked() -> str:
    return (f"the environment variable {ENV_KEY}, the operating system's credential store "
            f"and {key_folder()}")


def key_for(path: Path) -> bytes:
    """The key of the encrypted database at ``path``; EncryptionKeyError if not found."""
    if not available():
        raise EncryptionKeyError(
            f"The database {path} is encrypted, and this installation cannot read encrypted "
            "databases (the sqlcipher3 package is missing). Install Placement Desk with "
            "encryption ('pip install placement-desk[encryption]').")
    key_id = read_key_id(path)
    key = load_key(key_id)
    if key is None:
        raise EncryptionKeyError(
            f"The database {path} is encrypted and its key was not found (looked in "
            f"{_where_looked()}). Enter the administrator's printed recovery key with "
            f"'placement-desk db key --recover --db {path}', or open it on the computer "
            "that encrypted it.")
    return key


def _pragma_key(key: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}'\""


def _sqlcipher() -> Any:
    from sqlcipher3 import dbapi2

    return dbapi2


def connect(path: Path, *, read_only: bool = False, key: bytes | None = None,
            key_from: Path | None = None) -> Any:
    """A DB-API connection to ``path``: SQLCipher with the key when the file is encrypted
    (or ``key``/``key_from`` says the new file is to be), else plain sqlite3.

    A wrong key raises EncryptionKeyError."""
    if key is None and key_from is not None:
        key = key_for(key_from)
    if key is None and is_encrypted(path):
        key = key_for(path)
    if key is None:
        if read_only:
            uri = f"{path.resolve().as_uri()}?mode=ro"
            return sqlite3.connect(uri, uri=True, check_same_thread=False)
        return sqlite3.connect(str(path), check_same_thread=False)
    dbapi = _sqlcipher()
    if read_only:
        con = dbapi.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                            check_same_thread=False)
    else:
        con = dbapi.connect(str(path), check_same_thread=False)
    quiet(con)
    con.execute(_pragma_key(key))
    check_key(con, path)
    return con


def quiet(con: Any) -> None:
    """SQLCipher writes its own log lines to stderr on a wrong key: not here."""
    with contextlib.suppress(Exception):
        con.execute("PRAGMA cipher_log_level = NONE")


def check_key(con: Any, path: Path) -> None:
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except database_errors() as exc:
        con.close()
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF == 26:  # SQLITE_NOTADB
            raise EncryptionKeyError(
                f"The key found for the encrypted database {path} does not open it (looked "
                f"in {_where_looked()}). Enter the administrator's printed recovery key "
                f"with 'placement-desk db key --recover --db {path}'.") from None
        raise


def keyed_url(url: URL, key: bytes) -> URL:
    """The SQLAlchemy URL that opens an encrypted file with its raw key."""
    return url.set(drivername="sqlite+pysqlcipher", password=f"x'{key.hex()}'")


def recovery_text(path: Path) -> str:
    """The recovery copy to print: the key id and the key in groups of four."""
    key_id = read_key_id(path)
    key = key_for(path).hex().upper()
    groups = " ".join(key[i:i + 4] for i in range(0, len(key), 4))
    return (f"Placement Desk database recovery key\n\nDatabase: {path.name}\nKey id: {key_id}\n"
            f"Key: {groups}\n\nKeep this page locked away. Anyone with it and a copy of the "
            "database can read the database.\n")


def import_recovery_key(path: Path, text: str) -> str:
    """Store a recovery key for the encrypted database at ``path`` after checking that it
    opens it; returns where it was kept."""
    key = parse_key(text)
    if key is None:
        raise EncryptionKeyError("That is not a recovery key: it is 64 letters and digits "
                                 "(0-9, A-F), as printed. Nothing was changed.")
    if not available():
        key_for(path)  # says what to install
    con = connect(path, read_only=True, key=key)
    con.close()
    return store_key(read_key_id(path), key)


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def export_encrypted(plain: Path, target: Path, key: bytes) -> None:
    """An encrypted copy of a plain database, checked (a restore into an encrypted one)."""
    _export(plain, target, key)
    if not _same_content(plain, target, key):
        raise EncryptionKeyError(f"The encrypted copy of {plain} did not come out whole. "
                                 "Nothing was changed.")


def _export(plain: Path, target: Path, key: bytes) -> None:
    """Write an encrypted copy of the plain database ``plain`` to ``target``."""
    dbapi = _sqlcipher()
    con = dbapi.connect(str(plain))
    try:
        quiet(con)
        version = con.execute("PRAGMA user_version").fetchone()[0]
        con.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(target),))
        con.execute("SELECT sqlcipher_export('encrypted')")
        con.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        con.execute("DETACH DATABASE encrypted")
    finally:
        con.close()


def _same_content(plain: Path, encrypted: Path, key: bytes) -> bool:
    counts = ("SELECT type, name FROM sqlite_master ORDER BY type, name")
    src = sqlite3.connect(str(plain))
    try:
        dst = connect(encrypted, key=key)
        try:
            if [r[0] for r in dst.execute("PRAGMA integrity_check(5)")] != ["ok"]:
                return False
            names = src.execute(counts).fetchall()
            if names != dst.execute(counts).fetchall():
                return False
            for kind, name in names:
                if kind != "table":
                    continue
                query = f'SELECT count(*) FROM "{name}"'
                if src.execute(query).fetchone() != dst.execute(query).fetchone():
                    return False
            return True
        finally:
            dst.close()
    finally:
        src.close()


def encrypt_file(path: Path, key: bytes | None = None,
                 key_id: str | None = None) -> str:
    """Encrypt the plain, closed database file at ``path`` in place; returns where the key
    was kept. The caller holds the database's lock.

    The key is stored first; the encrypted copy is built beside the file under a temporary
    name, checked (integrity, the same tables, indexes, triggers and row counts), then
    renamed over it after its key id is written: a kill at any point leaves the plain
    database or the encrypted one, each openable."""
    if not available():
        raise EncryptionKeyError(
            "Encryption is not installed here (the sqlcipher3 package is missing). Install "
            "Placement Desk with encryption ('pip install placement-desk[encryption]'). "
            "Nothing was changed.")
    if is_encrypted(path):
        raise EncryptionKeyError(f"The database {path} is already encrypted. Nothing was "
                                 "changed.")
    checkpoint = sqlite3.connect(str(path))
    try:
        checkpoint.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        checkpoint.close()
    key = key or new_key()
    key_id = key_id or str(uuid.uuid4())
    where = store_key(key_id, key)
    partial = path.with_name(f".{path.name}.encrypting-{os.getpid()}")
    for leftover in (partial, partial.with_name(partial.name + "-journal")):
        with contextlib.suppress(OSError):
            leftover.unlink()
    try:
        _export(path, partial, key)
        if not _same_content(path, partial, key):
            raise EncryptionKeyError(f"The encrypted copy of {path} did not come out whole. "
                                     "Nothing was changed.")
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        write_key_id(path, key_id)  # harmless beside a plain file: its header says plain
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(OSError):
                path.with_name(path.name + suffix).unlink()
        os.replace(partial, path)
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
    if os.name == "posix":
        with contextlib.suppress(OSError):
            fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    return where


def encrypt_backups(path: Path, folder: Path) -> int:
    """Encrypt, with the database's key, the plain backups of ``path`` in ``folder``."""
    key_id = read_key_id(path)
    key = key_for(path)
    done = 0
    try:
        files = sorted(folder.iterdir())
    except OSError:
        return 0
    for file in files:
        if (file.is_file() and file.name.startswith(path.stem + "-")
                and file.suffix == (path.suffix or ".db") and _plain_header(file)
                and file.stat().st_size > 0):
            encrypt_file(file, key, key_id)
            done += 1
    return done
