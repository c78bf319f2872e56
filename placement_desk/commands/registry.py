"""The registry of subcommands: each area's module registers its command here."""

from __future__ import annotations

import argparse
from collections.abc import Callable

Handler = Callable[[argparse.Namespace], int]
Configure = Callable[[argparse.ArgumentParser], None]
COMMANDS: dict[str, tuple[str, Configure, Handler]] = {}


def command(name: str, help_text: str, configure: Configure) -> Callable[[Handler], Handler]:
    """Register a subcommand: ``configure`` adds its arguments, the handler runs it."""

    def register(handler: Handler) -> Handler:
        COMMANDS[name] = (help_text, configure, handler)
        return handler

    return register


def command_group(name: str, help_text: str) -> Callable[[str, str, Configure],
                                                         Callable[[Handler], Handler]]:
    """Register a command with sub-kinds (``import ofsted``, ``import ssda903``...).

    Returns a decorator factory like :func:`command` for the kinds of the group.
    """
    kinds: dict[str, tuple[str, Configure, Handler]] = {}

    def configure(parser: argparse.ArgumentParser) -> None:
        subs = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
        for kind, (kind_help, kind_configure, _handler) in kinds.items():
            sub = subs.add_parser(kind, help=kind_help, description=kind_help)
            db_option(sub)
            kind_configure(sub)

    def dispatch(args: argparse.Namespace) -> int:
        return int(kinds[args.kind][2](args))

    COMMANDS[name] = (help_text, configure, dispatch)

    def kind(kind_name: str, kind_help: str,
             kind_configure: Configure) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            kinds[kind_name] = (kind_help, kind_configure, handler)
            return handler

        return register

    return kind


def db_option(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    parser.add_argument(
        "--db", metavar="PATH_OR_URL", default=None if top else argparse.SUPPRESS,
        help="database file or SQLAlchemy URL (default: the file in your user data folder)")
    parser.add_argument(
        "--user", metavar="NAME", default=None if top else argparse.SUPPRESS,
        help="act as this account (the password is asked for, or read from "
             "PLACEMENT_DESK_PASSWORD); needed once the database has accounts")


