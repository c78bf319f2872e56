"""Where the application keeps its files: the user's data directory (platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir, user_log_dir

from . import APP_ID


def data_dir() -> Path:
    override = os.environ.get("PLACEMENT_DESK_HOME")
    return Path(override) if override else Path(user_data_dir(APP_ID, appauthor=False))


def cache_dir() -> Path:
    """Files the application can make again (the schema template of a new database)."""
    override = os.environ.get("PLACEMENT_DESK_CACHE")
    if override:
        return Path(override)
    home = os.environ.get("PLACEMENT_DESK_HOME")
    return Path(home) / "cache" if home else Path(user_cache_dir(APP_ID, appauthor=False))


def default_database_path() -> Path:
    return data_dir() / "placement-desk.db"


def log_dir() -> Path:
    override = os.environ.get("PLACEMENT_DESK_HOME")
    return Path(override) / "logs" if override else Path(user_log_dir(APP_ID, appauthor=False))
