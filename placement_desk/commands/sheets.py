"""``placement-desk import sheet FILE --kind K`` and ``placement-desk export KIND --out FILE``:
a team's own spreadsheets in, any kind of record out."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..db import Database
from ..errors import DatabaseBusyError, StorageError
from ..lifecycle import open_database, open_or_build
from .groups import export_kind, import_kind
from .identity import sign_in_from_args
from .room import import_room, room_for
from .terminal import terminal_progress

SHOWN = 20
"""How many problems the plain summary lists (the report beside the file has them all)."""


def _kinds() -> tuple[list[str], list[str]]:
    from ..services.spreadsheets.kinds import EXPORTABLE, IMPORTABLE

    return [k.name for k in IMPORTABLE], [k.name for k in EXPORTABLE]


def _configure_import(parser: argparse.ArgumentParser) -> None:
    importable, _ = _kinds()
    parser.add_argument("file", type=Path, metavar="FILE",
                        help="the spreadsheet: .xlsx, .xlsm, .ods or .csv")
    parser.add_argument("--kind", required=True, choices=importable, dest="record_kind",
                        help="what the sheet lists")
    parser.add_argument("--sheet", default=None, help="the sheet's name (default: the first)")
    parser.add_argument("--mapping", default=None, metavar="NAME",
                        help="a column mapping saved in the import wizard")
    parser.add_argument("--header-row", type=int, default=None, metavar="N",
                        help="the row of headings (default: found below any title rows)")
    parser.add_argument("--dry-run", action="store_true",
                        help="check every row and report, but change nothing")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def report_path(file: Path) -> Path:
    """Where the copy of the file with its problems goes: beside it."""
    return file.with_name(f"{file.stem}-problems.xlsx")


@import_kind("sheet", "import a team's own spreadsheet (providers, settings, children and "
             "placements, IPAs, fees, QA visits, actions, contracts, reviews, documents)",
             _configure_import)
def run_import(args: argparse.Namespace) -> int:
    from ..errors import ValidationError
    from ..services.spreadsheets.importing import ImportPlan, prepare, run_import
    from ..services.spreadsheets.reporting import save_error_copy

    plan = ImportPlan(Path(args.file), args.record_kind, sheet=args.sheet,
                      header_row=args.header_row,
                      profile=args.mapping)
    room = import_room([Path(args.file)])
    doing = f"import {Path(args.file).name}"
    with room_for(doing, room), \
            open_or_build(getattr(args, "db", None), doing=doing, room=room) as db, \
            terminal_progress(quiet=args.json) as state:
        sign_in_from_args(db, args)
        prepared = prepare(db, plan)
        result = run_import(db, prepared, commit=not args.dry_run, state=state)
    report = None
    if result.errors:
        report = save_error_copy(prepared, result, report_path(Path(args.file)))
    if args.json:
        data = result.as_dict()
        data["report"] = str(report) if report else None
        print(json.dumps(data, indent=2, default=str))
    else:
        done = "Checked" if args.dry_run or not result.committed else "Imported"
        print(f"{done} {result.file}, sheet {result.sheet} (headings on row "
              f"{result.header_row}): {result.rows:,} rows; {result.created:,} new, "
              f"{result.updated:,} updated, {result.unchanged:,} unchanged; "
              f"{result.errors:,} errors, {result.warnings:,} warnings.")
        for p in [p for p in result.problems if p.level == "error"][:SHOWN]:
            print(f"  {p.text()}")
        if result.errors > SHOWN:
            print(f"  … and {result.errors - SHOWN:,} more errors.")
        if report:
            print(f"Nothing was imported. The file with a column of its problems is {report}.")
    if result.errors:
        return ValidationError.exit_status
    return 0


# The public register (Ofsted's own data) is read without writing; every other list is
# about children or the council's contracts, so its export is kept in the audit trail.
_REGISTER_KINDS = frozenset({"providers", "settings", "inspections"})
_ABOUT_CHILDREN = frozenset({"children", "placements", "agreements", "audit"})
"""Lists that name children: exported only when the export can be kept in the trail."""


def _open_to_export(target: str | None, kind: str) -> Database:
    """The database opened for the export: read-only for the public register; otherwise
    for writing, so that the export is kept in the audit trail. A copy that cannot be
    written (read-only, or open in another copy of Placement Desk) is still read for the
    council's contracts and QA lists, but records about children are not exported from
    it: their export must be logged. Nothing is created or upgraded either way."""
    if kind in _REGISTER_KINDS:
        return open_database(target, read_only=True, require_current=True)
    try:
        return open_database(target, migrate=False, require_current=True, create=False,
                             backup=False)
    except (StorageError, DatabaseBusyError) as exc:
        if kind in _ABOUT_CHILDREN:
            raise type(exc)(
                f"{exc} Records about children are exported only where the export can be "
                "kept in the audit trail, so nothing was exported.") from None
    return open_database(target, read_only=True, require_current=True)


def _configure_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, type=Path, metavar="FILE",
                        help="the file to write, ending in .xlsx or .csv")
    parser.add_argument("--template", action="store_true",
                        help="write a blank template to fill in for import instead")


def _exporter(kind: str) -> None:
    from ..services.spreadsheets.kinds import KINDS

    spec = KINDS[kind]

    def run(args: argparse.Namespace) -> int:
        from ..io.table_export import check_target
        from ..services.spreadsheets.exporting import export_kind, write_template

        check_target(args.out)  # a bad name is refused before anything is read
        if args.template:
            if not spec.importable:
                print(f"placement-desk: {spec.label} are not imported, so there is no "
                      "template for them.")
                return 2
            out = write_template(kind, args.out)
            print(f"Wrote a blank {spec.label.lower()} template to {out}.")
            return 0
        db = _open_to_export(getattr(args, "db", None), kind)
        try:
            sign_in_from_args(db, args)
            count = export_kind(db, kind, args.out)
        finally:
            db.close()
        print(f"Wrote {count:,} {spec.plural} to {Path(args.out).absolute()}.")
        return 0

    export_kind(kind, f"{spec.description[0].lower()}{spec.description[1:]}",
                _configure_export)(run)


for _name in _kinds()[1]:
    _exporter(_name)
