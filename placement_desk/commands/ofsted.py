"""``placement-desk import ofsted FILE... [--json]``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..lifecycle import open_or_build
from .groups import import_kind
from .identity import sign_in_from_args
from .room import import_room, room_for
from .terminal import terminal_progress


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE",
                        help="Ofsted provider-level, in-year or closed-homes files, or the "
                             "provider lists Ofsted sends councils (CSV, XLSX or ODS), "
                             "oldest first")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


@import_kind("ofsted", "import Ofsted's published files into the register", _configure)
def run(args: argparse.Namespace) -> int:
    from ..services.register.ofsted_import import import_ofsted

    room = import_room(args.files)
    doing = "import the Ofsted files"
    with room_for(doing, room), \
            open_or_build(getattr(args, "db", None), doing=doing, room=room) as db, \
            terminal_progress(quiet=args.json) as state:
        sign_in_from_args(db, args)
        summary = import_ofsted(db, args.files, state)
    if args.json:
        print(json.dumps(summary.as_dict(), indent=2))
    else:
        print(f"Imported {', '.join(summary.files)}: {summary.new:,} new, "
              f"{summary.updated:,} updated, {summary.unchanged:,} unchanged, "
              f"{summary.closed:,} closed or no longer registered; "
              f"{summary.inspections_added:,} inspections added, "
              f"{summary.inspections_corrected:,} corrected by a later file "
              f"({summary.upgrades:,} upgrades, {summary.downgrades:,} downgrades); "
              f"{summary.alerts:,} rating alerts.")
        for warning in summary.warnings[:20]:
            print(f"  warning: {warning}")
        if len(summary.warnings) > 20:
            print(f"  … and {len(summary.warnings) - 20:,} more warnings (use --json for all).")
    return 0
