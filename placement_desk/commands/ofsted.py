"""``placement-desk import ofsted FILE... [--json]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..lifecycle import open_database
from ..progress import TaskState
from .groups import import_kind


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE",
                        help="Ofsted provider-level, in-year or closed-homes files, or the "
                             "provider lists Ofsted sends councils (CSV, XLSX or ODS), "
                             "oldest first")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


@import_kind("ofsted", "import Ofsted's published files into the register", _configure)
def run(args: argparse.Namespace) -> int:
    from ..services.register.ofsted_import import import_ofsted

    def show(step: str, done: int, total: int) -> None:
        if sys.stderr.isatty() and not args.json:
            print(f"\r{step}: {done:,} of {total:,}\033[K", end="", file=sys.stderr)

    db = open_database(getattr(args, "db", None))
    try:
        summary = import_ofsted(db.sessions, args.files, TaskState(show, 0.2))
    finally:
        db.close()
    if sys.stderr.isatty() and not args.json:
        print("\r\033[K", end="", file=sys.stderr)
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
