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
    from ..io.table_export import write_table
    from ..services.register.listing import export_table, list_settings

    db = open_database(getattr(args, "db", None))
    try:
        rows = list_settings(db)
        headings, table = export_table(rows)
        out = write_table(args.out, headings, table, sheet="Settings")
    finally:
        db.close()
    print(f"Wrote {len(table):,} settings to {out}.")
    return 0
