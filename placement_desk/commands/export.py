"""``placement-desk export settings|contracts|reviews --out FILE.xlsx|.csv``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..lifecycle import open_database
from ..services.common.history import note_export
from .groups import export_kind
from .identity import sign_in_from_args


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
        sign_in_from_args(db, args)
        rows = list_settings(db)
        headings, table = export_table(rows)
    finally:
        db.close()
    out = write_table(args.out, headings, table, sheet="Settings")
    print(f"Wrote {len(table):,} settings to {out}.")
    return 0


@export_kind("contracts", "every contract with its type, providers, dates, value, spend to "
             "date, status and reviews", _configure)
def run_contracts(args: argparse.Namespace) -> int:
    import datetime as dt

    from ..io.table_export import write_table
    from ..services.contracts.register import contract_export_table, list_contracts

    db = open_database(getattr(args, "db", None))
    try:
        sign_in_from_args(db, args)
        headings, table = contract_export_table(list_contracts(db, dt.date.today()))
        out = write_table(args.out, headings, table, sheet="Contracts")
        note_export(db, "contract", "contracts", len(table), out)
    finally:
        db.close()
    print(f"Wrote {len(table):,} contracts to {out}.")
    return 0


@export_kind("reviews", "every contract review with its provider, date, status, ratings "
             "and sign-off", _configure)
def run_reviews(args: argparse.Namespace) -> int:
    from ..io.table_export import write_table
    from ..services.contracts.reviews import list_reviews, review_export_table

    db = open_database(getattr(args, "db", None))
    try:
        sign_in_from_args(db, args)
        headings, table = review_export_table(list_reviews(db))
        out = write_table(args.out, headings, table, sheet="Reviews")
        note_export(db, "contract_review", "contract reviews", len(table), out)
    finally:
        db.close()
    print(f"Wrote {len(table):,} reviews to {out}.")
    return 0
