"""Which database the suite runs on, for tests that hand a database to a command line."""

from __future__ import annotations

from typing import Any


def target(db: Any) -> str:
    """What ``--db`` takes for the test's database: its file, or the server's URL (with
    the password: the command connects on its own)."""
    if db.path is not None:
        return str(db.path)
    return str(db.url.render_as_string(hide_password=False))
