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
from typing import NoReturn

from . import __version__
from .errors import EXIT_BUG, EXIT_INTERRUPTED, UserError


def _top_parser(*, add_help: bool = True) -> argparse.ArgumentParser:
    """The options of the command itself: what opening the application takes."""
    from .commands.registry import db_option

    parser = argparse.ArgumentParser(
        prog="placement-desk", add_help=add_help,
        description="Placement Desk: commissioning children's placements. "
                    "With no command, opens the application.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    db_option(parser, top=True)
    parser.add_argument("--smoke-test", nargs="?", const="full", choices=["full", "window"],
                        default=None, metavar="window",
                        help="start, open (and upgrade) the database, draw the main window "
                             "offscreen, write a one-page PDF in the temporary folder, exit 0; "
                             "--smoke-test=window stops once the window is drawn")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    return parser


class _NotTheWindow(Exception):
    pass


def _not_for_the_window(message: str) -> NoReturn:
    raise _NotTheWindow


def _opening_the_application(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The options when ``argv`` names no command (and asks for no help): opening the
    window then needs none of the commands' modules, which start-up would otherwise
    import (the database commands bring the whole data model). None for a command."""
    parser = _top_parser(add_help=False)
    parser.error = _not_for_the_window  # type: ignore[method-assign]
    try:
        args, rest = parser.parse_known_args(argv)
    except _NotTheWindow:  # a malformed option: the whole parser says what was wrong
        return None
    if rest:
        return None
    args.command = None
    return args


def build_parser() -> argparse.ArgumentParser:
    from .commands import COMMANDS, db_option

    parser = _top_parser()
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, configure, _handler) in COMMANDS.items():
        sub = subs.add_parser(name, help=help_text, description=help_text)
        db_option(sub)
        configure(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; its exit status (the README lists them).

    An expected failure prints its message (one sentence or two, no traceback), logs one
    line and exits with its kind's status; a fault of Placement Desk prints the
    traceback and an apology saying where the log is, and exits 70.
    """
    from .logs import ScreenFilter, apology, log_file, note_user_error, setup_file_logging

    args = _opening_the_application(argv)
    if args is None:
        args = build_parser().parse_args(argv)
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    console.addFilter(ScreenFilter())
    root = logging.getLogger()
    root.addHandler(console)
    root.setLevel(logging.DEBUG if args.verbose else logging.INFO)
    doing = " ".join(filter(None, (args.command, getattr(args, "kind", None),
                                   getattr(args, "action", None)))) or "start"
    try:
        setup_file_logging()
        if args.command is None:
            from .app import run_gui

            return run_gui(args.db, smoke_test=args.smoke_test)
        from .commands import COMMANDS

        _help, _configure, handler = COMMANDS[args.command]
        return int(handler(args))
    except UserError as exc:
        note_user_error(exc, doing)
        print(f"placement-desk: {exc}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        print("placement-desk: stopped.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (SystemExit, GeneratorExit):
        raise
    except BaseException:  # a fault (a Rust panic is a BaseException too)
        logging.getLogger("placement_desk").exception("Fault in %s", doing)
        print(f"placement-desk: {apology(log_file())}", file=sys.stderr)
        return EXIT_BUG
    finally:
        root.removeHandler(console)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
