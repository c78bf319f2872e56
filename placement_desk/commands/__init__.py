"""Command-line subcommands, one module per area; importing them registers them."""

from . import database, demo, groups, ofsted, postcodes, sheets, ssda903  # noqa: F401  (they register)
from .registry import COMMANDS, command, command_group, db_option

__all__ = ["COMMANDS", "command", "command_group", "db_option"]
