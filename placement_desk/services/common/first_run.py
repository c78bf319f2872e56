"""The first-run welcome: whether a database needs it, and marking it done.

A database needs the welcome when nobody has finished it yet and it holds no
providers, settings or children (a new, empty database). A demo database never does.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ...db import Database
from ...models import Child, Provider, Setting
from .settings_store import DEMO, SET_UP_ON, get_setting, is_set, set_setting


def needs_welcome(db: Database) -> bool:
    """True for a new, empty database whose welcome nobody has finished."""
    with db.read() as session:
        if is_set(session, SET_UP_ON) or get_setting(session, DEMO):
            return False
        for model in (Provider, Setting, Child):
            if session.scalar(select(model.id).limit(1)) is not None:
                return False
    return True


def finish_welcome(db: Database, today: dt.date) -> None:
    """Note that the welcome is done (finished or skipped): it is not shown again."""
    with db.write() as session:
        set_setting(session, SET_UP_ON, today.isoformat())
