"""``placement-desk import ssda903 --header FILE --episodes FILE [--year 2025-26] [--json]
[--report OUT.xlsx]``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..lifecycle import open_or_build
from ..services.common.history import note_export
from .groups import import_kind
from .identity import sign_in_from_args
from .room import import_room, room_for
from .terminal import terminal_progress

SHOWN = 20
"""How many problems the plain summary lists (--json and --report give them all)."""


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--header", required=True, type=Path, metavar="FILE",
                        help="the SSDA903 header file (CHILD, SEX, DOB, ETHNIC...), CSV or XLSX")
    parser.add_argument("--episodes", required=True, type=Path, metavar="FILE",
                        help="the SSDA903 episodes file (CHILD, DECOM, RNE, LS, CIN, PLACE...), "
                             "CSV or XLSX")
    parser.add_argument("--year", metavar="YYYY-YY", default=None,
                        help="the collection year whose SSDA903 rules check the files, e.g. "
                             "2025-26 (default: the year of the latest episode)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--report", type=Path, metavar="OUT.xlsx", default=None,
                        help="also write every problem (rule, level, table, file, row, "
                             "columns, message) and the count by rule to this .xlsx file "
                             "(a .csv file takes the problems only)")


@import_kind("ssda903", "import an SSDA903 return (header and episodes files): children and "
             "placement episodes", _configure)
def run(args: argparse.Namespace) -> int:
    from ..io.table_export import check_target
    from ..services.placements.ssda903_import import import_ssda903, save_problem_report

    if args.report:
        check_target(args.report)  # refused before the import, not after it has committed
    room = import_room([args.header, args.episodes])
    doing = "import the SSDA903 return"
    with room_for(doing, room), \
            open_or_build(getattr(args, "db", None), doing=doing, room=room) as db, \
            terminal_progress(quiet=args.json) as state:
        sign_in_from_args(db, args)
        summary = import_ssda903(db, args.header, args.episodes, state, year=args.year)
        report = save_problem_report(summary, args.report) if args.report else None
        if report is not None:
            note_export(db, "placement_episode", "SSDA903 problem report",
                        len(summary.problems), report)
    if args.json:
        data = summary.as_dict()
        data["report"] = str(report) if report else None
        print(json.dumps(data, indent=2))
        return 0
    print(f"Imported {summary.header_file} and {summary.episodes_file}: children "
          f"{summary.children_new:,} new, {summary.children_updated:,} updated, "
          f"{summary.children_unchanged:,} unchanged; episodes {summary.episodes_new:,} new, "
          f"{summary.episodes_updated:,} updated, {summary.episodes_unchanged:,} unchanged; "
          f"{summary.rows_text()}.")
    print(f"Checked with the SSDA903 rules of {summary.year_label} ({summary.year_reason}): "
          f"{summary.errors:,} errors and {summary.warnings:,} warnings.")
    for count in summary.by_rule():
        print(f"  {count.code:>11} {count.level:<7} {count.count:>7,}  {count.message}")
    if summary.problems:
        print("First problems:")
    for p in summary.problems[:SHOWN]:
        print(f"  {p.code} {p.level}: {p.file} row {p.row}, {p.columns}: {p.message}")
    if len(summary.problems) > SHOWN:
        print(f"  … and {len(summary.problems) - SHOWN:,} more problems (use --report "
              "OUT.xlsx or --json for all).")
    if report:
        print(f"Wrote the {len(summary.problems):,} problems to {report}.")
    return 0
