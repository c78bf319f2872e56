"""Shared fixtures: offscreen Qt, a freshly migrated real SQLite database per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory: pytest.TempPathFactory,
                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep tests away from the real user's data folder, logs and settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("PLACEMENT_DESK_HOME", str(home))
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


@pytest.fixture
def db(tmp_path: Path, db_user: str) -> Iterator[object]:
    """A freshly migrated database in a real SQLite file, closed after the test. The one
    ``db`` fixture: a module that needs records in it adds an autouse fixture taking it."""
    from placement_desk.lifecycle import open_database

    database = open_database(tmp_path / "test.db", user=db_user)
    yield database
    database.close()
