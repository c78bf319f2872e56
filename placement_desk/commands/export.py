"""``placement-desk export settings --out FILE.xlsx|.csv``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..lifecycle import open_database
from .groups import export_kind


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, type=Path, metavar="FILE",
                        help="the file to write, ending in .xlsx or .csv")


@export_kind("settings", "every setting with its URN, type, provider, latest judgement and "
             "risk level", _configure)
def run(args: argparse.Namespace) -> int:
    from ..io.table_export import check_target, write_table
    from ..services.register.listing import export_table, list_settings

    check_target(args.out)  # a bad name is refused before anything is read
    # Reading only: nothing is created, locked or upgraded beside the database.
    db = open_database(getattr(args, "db", None), read_only=True, require_current=True)
    try:
        with db.read() as session:
            rows = list_settings(session)
        headings, table = export_table(rows)
    finally:
        db.close()
    out = write_table(args.out, headings, table, sheet="Settings")
    print(f"Wrote {len(table):,} settings to {out}.")
    return 0
