"""Command-line subcommands, one module per area; importing them registers them."""

from . import database, demo  # noqa: F401
