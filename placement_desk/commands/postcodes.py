"""``placement-desk import postcodes FILE [--json]``: load the postcode lookup for distances."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from ..lifecycle import open_or_build
from .groups import import_kind
from .identity import sign_in_from_args
from .room import import_room, room_for
from .terminal import terminal_progress

SHOWN = 20


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE",
                        help="the ONS Postcode Directory or OS Code-Point Open file: CSV, or "
                             "a zip of CSV files")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


@import_kind("postcodes", "import a postcode lookup (ONSPD or Code-Point Open) so that "
             "distances from home can be worked out", _configure)
def run(args: argparse.Namespace) -> int:
    from ..services.placements.distance import import_postcodes

    room = import_room([args.file])
    doing = "import the postcode lookup"
    with room_for(doing, room), \
            open_or_build(getattr(args, "db", None), doing=doing, room=room) as db, \
            terminal_progress(quiet=args.json, unit="bytes") as state:
        sign_in_from_args(db, args)
        summary = import_postcodes(db, args.file, state)
    if args.json:
        print(json.dumps(dataclasses.asdict(summary), indent=2))
        return 0
    print(f"Imported {args.file.name} ({summary.layout or 'no rows'}): {summary.rows_read:,} "
          f"rows read; {summary.added:,} postcodes added, {summary.updated:,} updated, "
          f"{summary.unchanged:,} unchanged; rows skipped: {summary.skipped:,}.")
    for problem in summary.problems[:SHOWN]:
        print(f"  skipped: {problem}")
    if len(summary.problems) > SHOWN:
        print(f"  … and {len(summary.problems) - SHOWN:,} more (use --json for the first "
              f"{len(summary.problems) - 1:,}).")
    return 0
