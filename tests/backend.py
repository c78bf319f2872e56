"""Which database the suite runs on, for tests that hand a database to a command line."""

from __future__ import annotations

import os
from typing import Any

TEST_DB_ENV = "PLACEMENT_DESK_TEST_DB"


def server_url() -> str | None:
    """The PostgreSQL server the suite runs on (``make test-postgres``), or None for
    SQLite files."""
    value = os.environ.get(TEST_DB_ENV, "").strip()
    return value or None


def on_server() -> bool:
    return server_url() is not None


def target(db: Any) -> str:
    """What ``--db`` takes for the test's database: its file, or the server's URL (with
    the password: the command connects on its own)."""
    if db.path is not None:
        return str(db.path)
    return str(db.url.render_as_string(hide_password=False))
