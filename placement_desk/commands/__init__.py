"""Command-line subcommands, one module per area; importing them registers them."""

from . import database, demo, export, groups, ofsted  # noqa: F401
