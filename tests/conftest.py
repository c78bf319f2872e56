"""Shared fixtures: offscreen Qt, a freshly migrated real database per test.

The database is a real SQLite file, or, when ``PLACEMENT_DESK_TEST_DB`` names a
PostgreSQL server (``postgresql+psycopg://user@host:port/postgres``, as ``make
test-postgres`` sets it), a fresh database on that server for each test. On the server
every worker migrates one template database with the same Alembic migrations as the
app, and each test's database is a copy of it (``CREATE DATABASE ... TEMPLATE``),
dropped after the test.

On a server run, tests that never open a database are left out (they would only repeat
the SQLite run), and tests marked ``sqlite_only`` are skipped with their reason.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .backend import on_server, server_url

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATABASE_FIXTURES = frozenset({"db", "fresh_target"})
"""A test that takes one of these runs on the server too."""


def pytest_report_header(config: pytest.Config) -> str:
    url = server_url()
    if url is None:
        return "database: SQLite files"
    from sqlalchemy.engine import make_url

    return f"database: PostgreSQL at {make_url(url).render_as_string(hide_password=True)}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not on_server():
        return
    kept, dropped = [], []
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))
            kept.append(item)
        elif names & DATABASE_FIXTURES:
            kept.append(item)
        else:
            dropped.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def _schema_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cache folder of the worker's tests: the schema template of a new database is
    built once, by the migrations, and copied into each test's new file."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory: pytest.TempPathFactory, _schema_cache: Path,
                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep tests away from the real user's data folder, logs and settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("PLACEMENT_DESK_HOME", str(home))
    monkeypatch.setenv("PLACEMENT_DESK_CACHE", str(_schema_cache))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with its smallest costs: the same code paths, milliseconds per hash."""
    from argon2 import PasswordHasher

    from placement_desk.services.users import accounts

    monkeypatch.setattr(accounts, "hasher",
                        PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def db_user() -> str:
    """Who the test database's writes are audited as; a test module may override it."""
    return "test.user"


# --- databases on a PostgreSQL server ------------------------------------------------------

_names = itertools.count(1)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _admin(url: str) -> Any:
    from sqlalchemy import create_engine

    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=_null_pool())


def _null_pool() -> Any:
    from sqlalchemy.pool import NullPool

    return NullPool


class Server:
    """Creates and drops databases on the test server for one worker."""

    def __init__(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        self.admin = _admin(url)
        self.template: str | None = None

    def url_for(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'
                              + (f' TEMPLATE "{template}"' if template else "")))
        return self.url_for(name)

    def drop(self, name: str) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def migrated(self) -> str:
        """The worker's template: an empty database migrated to head, built once."""
        if self.template is None:
            from placement_desk.lifecycle import open_database

            name = f"pd_template_{_worker()}"
            url = self.create(name)
            open_database(url).close()
            self.template = name
        return self.template

    def fresh_name(self) -> str:
        return f"pd_{_worker()}_{os.getpid()}_{next(_names)}"


@pytest.fixture(scope="session")
def _server() -> Iterator[Server | None]:
    url = server_url()
    if url is None:
        yield None
        return
    server = Server(url)
    yield server
    if server.template is not None:
        server.drop(server.template)
    server.admin.dispose()


@pytest.fixture
def fresh_target(tmp_path: Path, _server: Server | None) -> Iterator[Any]:
    """Where a test may create a database of its own: an SQLite file path that does not
    exist yet, or the URL of a new empty database on the server (dropped after)."""
    if _server is None:
        yield tmp_path / "fresh.db"
        return
    name = _server.fresh_name()
    url = _server.create(name)
    yield url
    _server.drop(name)


@pytest.fixture
def db(tmp_path: Path, db_user: str, _server: Server | None) -> Iterator[Any]:
    """A freshly migrated database, closed after the test: a real SQLite file, or a new
    database on the test server. The one ``db`` fixture: a module that needs records in
    it adds an autouse fixture taking it."""
    from placement_desk.lifecycle import open_database

    if _server is None:
        database = open_database(tmp_path / "test.db", user=db_user)
        yield database
        database.close()
        return
    name = _server.fresh_name()
    url = _server.create(name, template=_server.migrated())
    database = open_database(url, user=db_user)
    try:
        yield database
    finally:
        database.close()
        _server.drop(name)
