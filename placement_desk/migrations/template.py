"""A new SQLite database copied from a schema template instead of migrated step by step.

Building an empty database runs every migration, batch table rebuilds included: about
0.3 s, a third of a second before the first window of a new installation, before an
import into a new file, and in every test. The template is an empty database the same
migrations built once, kept in the cache folder under a name that depends on the
migration scripts' text and on the SQLAlchemy, Alembic and SQLite versions, so a change
to any of them builds a new one. A new file is filled from it with SQLite's backup API,
which copies its pages (the recorded revision among them) into the new file.

Anything unusual falls back to running the migrations: an encrypted or server database,
a file that already has tables, a cache folder that cannot be written (a locked-down
laptop), a damaged template (checked before use).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from ..db import make_engine, sqlite_path

_HERE = Path(__file__).resolve().parent


def template_key() -> str:
    """What the template depends on, as 16 hexadecimal digits."""
    from importlib.metadata import version

    import sqlalchemy

    digest = hashlib.sha256()
    # Alembic's version from its metadata: importing Alembic takes a tenth of a second
    for part in (sqlalchemy.__version__, version("alembic"), sqlite3.sqlite_version):
        digest.update(part.encode() + b"\0")
    for path in sorted([_HERE / "env.py", *(_HERE / "versions").glob("*.py")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def template_path() -> Path:
    from ..paths import cache_dir

    return cache_dir() / f"schema-{template_key()}.db"


def _build(target: Path) -> None:
    """Run every migration into a file beside ``target``, then put it in place at once
    (another process building the same template at the same time does no harm)."""
    from . import upgrade

    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(f".{target.stem}-{os.getpid()}-{secrets.token_hex(4)}.db")
    try:
        engine = make_engine(building)
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        con = sqlite3.connect(building)
        try:  # one self-contained file: the log folded in
            con.execute("PRAGMA journal_mode=DELETE")
        finally:
            con.close()
        os.replace(building, target)
    finally:
        for leftover in (building, building.with_name(building.name + "-wal"),
                         building.with_name(building.name + "-shm")):
            leftover.unlink(missing_ok=True)


def _usable(template: Path) -> bool:
    try:
        con = sqlite3.connect(f"{template.as_uri()}?mode=ro", uri=True)
        try:
            return [r[0] for r in con.execute("PRAGMA quick_check(1)")] == ["ok"] and \
                con.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1
        finally:
            con.close()
    except sqlite3.Error:
        return False


def fill_from_template(engine: Engine) -> bool:
    """Copy the schema template into the empty SQLite file behind ``engine``; False (and
    nothing done) where the migrations must run instead."""
    path = sqlite_path(engine.url)
    if path is None or engine.url.drivername not in ("sqlite", "sqlite+pysqlite"):
        return False
    try:
        template = template_path()
        if not template.exists() or not _usable(template):
            template.unlink(missing_ok=True)
            _build(template)
        source = sqlite3.connect(f"{template.as_uri()}?mode=ro", uri=True)
        try:
            with engine.connect() as conn:
                target = conn.connection.dbapi_connection
                assert isinstance(target, sqlite3.Connection)
                if target.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                    return False
                source.backup(target)
                target.execute("PRAGMA journal_mode=WAL")
        finally:
            source.close()
    except (OSError, sqlite3.Error):
        return False
    return True
