"""The ``placement-desk`` command: opens the GUI, or runs a subcommand.

Subcommands live in :mod:`placement_desk.commands` and register themselves in
its registry, so later features add theirs (import, export, kpis, report,
backup) without editing the parser here.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from . import __version__
from .errors import UserError


def build_parser() -> argparse.ArgumentParser:
    from .commands import COMMANDS, db_option

    parser = argparse.ArgumentParser(
        prog="placement-desk",
        description="Placement Desk: commissioning children's placements. "
                    "With no command, opens the application.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    db_option(parser, top=True)
    parser.add_argument("--smoke-test", action="store_true",
                        help="start, open the database, draw the main window offscreen, exit")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, configure, _handler) in COMMANDS.items():
        sub = subs.add_parser(name, help=help_text, description=help_text)
        db_option(sub)
        configure(sub)
    return parser


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
        from .commands import COMMANDS

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
