"""The ``placement-desk`` command: opens the GUI, or runs a subcommand.

Subcommands register themselves in :data:`COMMANDS` through :func:`command`, so
later features add theirs (import, export, kpis, report, backup) without editing
the parser here.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .errors import UserError

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
            _db_option(sub)
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


def _db_option(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    parser.add_argument(
        "--db", metavar="PATH_OR_URL", default=None if top else argparse.SUPPRESS,
        help="database file or SQLAlchemy URL (default: the file in your user data folder)")


def build_parser() -> argparse.ArgumentParser:
    _load_commands()
    parser = argparse.ArgumentParser(
        prog="placement-desk",
        description="Placement Desk: commissioning children's placements. "
                    "With no command, opens the application.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _db_option(parser, top=True)
    parser.add_argument("--smoke-test", action="store_true",
                        help="start, open the database, draw the main window offscreen, exit")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, configure, _handler) in COMMANDS.items():
        sub = subs.add_parser(name, help=help_text, description=help_text)
        _db_option(sub)
        configure(sub)
    return parser


def _load_commands() -> None:
    # Importing the modules registers their commands.
    from . import commands  # noqa: F401


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(console)
    root.setLevel(logging.DEBUG if args.verbose else logging.INFO)
    try:
        if args.command is None:
            from .app import run_gui

            return run_gui(args.db, smoke_test=args.smoke_test)
        _help, _configure, handler = COMMANDS[args.command]
        return int(handler(args))
    except UserError as exc:
        print(f"placement-desk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("placement-desk: stopped.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
