"""Command-line subcommands, one module per area; importing them registers them."""

from . import (  # noqa: F401  (they register)
    database,
    demo,
    groups,
    kpis,
    ofsted,
    postcodes,
    report,
    safety,
    sheets,
    ssda903,
)
from .registry import COMMANDS, command, command_group, db_option

__all__ = ["COMMANDS", "command", "command_group", "db_option"]
