"""Command-line subcommands, one module per area; importing them registers them.

The areas' modules are imported when the commands are first asked for (``COMMANDS``):
opening the window needs none of them, and the database commands alone bring in the
whole data model.
"""

from __future__ import annotations

import importlib
from typing import Any

from .registry import command, command_group, db_option

AREAS = ("database", "demo", "groups", "kpis", "ofsted", "postcodes", "report", "safety",
         "sheets", "ssda903")
"""The modules that register commands, in the order of the help."""

__all__ = ["COMMANDS", "command", "command_group", "db_option"]


def __getattr__(name: str) -> Any:
    if name != "COMMANDS":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    for area in AREAS:
        importlib.import_module(f"{__name__}.{area}")
    from .registry import COMMANDS

    globals()["COMMANDS"] = COMMANDS
    return COMMANDS
