"""Command-line subcommands, one module per area; importing them registers them."""

from . import database, demo, export, groups, kpis, ofsted, postcodes, ssda903  # noqa: F401

# (importing them registers them)
from .registry import COMMANDS, command, command_group, db_option

__all__ = ["COMMANDS", "command", "command_group", "db_option"]
