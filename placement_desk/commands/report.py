"""``placement-desk report provider|packs|sufficiency``: the documents a manager prints.

* ``report provider URN-or-reference --out F.pdf``: one provider's review pack;
* ``report packs --due-before DATE --out DIR``: a pack for every provider with a
  contract review due before the date, and an index;
* ``report sufficiency --at DATE [--from DATE] --out F.pdf|.xlsx``: the sufficiency
  strategy's needs-analysis appendix.

Dates are typed dd/mm/yyyy or yyyy-mm-dd. Each reads the database only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EXIT_PROBLEMS_FOUND, UserError
from ..lifecycle import open_database
from .registry import command_group
from .terminal import terminal_progress

if TYPE_CHECKING:
    from ..db import Database
    from ..services.reports.definitions import Period

report_kind = command_group("report", "print reports: provider review packs and the "
                                      "sufficiency appendix")


def parse_day(text: str) -> dt.date:
    """A date typed dd/mm/yyyy or yyyy-mm-dd; argparse reports anything else."""
    value = text.strip()
    try:
        if "/" in value:
            day, month, year = (int(p) for p in value.split("/"))
            if year < 1000:
                raise ValueError(value)
            return dt.date(year, month, day)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date: type it as dd/mm/yyyy or yyyy-mm-dd") from None


def _period_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", type=parse_day, metavar="DATE", default=None,
                        help="the first day of the period covered (default: a year before "
                             "the last day)")
    parser.add_argument("--to", dest="last", type=parse_day, metavar="DATE", default=None,
                        help="the last day of the period covered (default: --today)")


def _today_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--today", type=parse_day, metavar="DATE", default=None,
                        help="work as on this date: who is placed, what is overdue, the date "
                             "printed (default: today)")


def _period(args: argparse.Namespace, today: dt.date) -> Period:
    from ..services.reports.definitions import Period, year_to

    last = args.last or today
    if args.start is None:
        return year_to(last)
    if args.start > last:
        raise UserError("The period starts after it ends: give a --from date on or before "
                        "the --to date.")
    return Period(args.start, last + dt.timedelta(days=1))


def _open(args: argparse.Namespace) -> Database:
    # Reading only: nothing is created, locked or upgraded beside the database.
    return open_database(getattr(args, "db", None), read_only=True, require_current=True)


def _check_pdf(path: Path) -> Path:
    if path.suffix.lower() != ".pdf":
        raise UserError(f"Cannot write the pack to {path.name}: choose a name ending in .pdf.")
    return path


def _provider_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("provider", metavar="URN-OR-REFERENCE",
                        help="the URN of one of the provider's settings, or the provider's "
                             "name, Ofsted owner id, Companies House number or id")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE.pdf",
                        help="the PDF to write")
    parser.add_argument("--prepared-for", default="", metavar="TEXT",
                        help="who or what the pack is for (default: the contract review "
                             "meeting with the provider)")
    _period_options(parser)
    _today_option(parser)


@report_kind("provider", "a provider's review pack (PDF): settings, risk, Ofsted, QA, "
             "placements, spend, contracts and documents", _provider_args)
def run_provider(args: argparse.Namespace) -> int:
    from ..reports.provider_pack import write_provider_pack
    from ..services.reports.provider_pack import find_provider

    out = _check_pdf(args.out)
    today = args.today or dt.date.today()
    db = _open(args)
    try:
        provider_id = find_provider(db, args.provider)
        written = write_provider_pack(db, provider_id, out,
                                      today=today, period=_period(args, today),
                                      prepared_for=args.prepared_for)
    finally:
        db.close()
    print(f"Wrote the review pack to {written}.")
    return 0


def _packs_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--due-before", required=True, type=parse_day, metavar="DATE",
                        help="print a pack for each provider whose next contract review is "
                             "due before this date (not on it)")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR",
                        help="the folder to write the packs and their index into")
    parser.add_argument("--prepared-for", default="", metavar="TEXT",
                        help="who or what the packs are for (default: the contract review "
                             "meeting with each provider)")
    _period_options(parser)
    _today_option(parser)


@report_kind("packs", "a review pack for every provider with a contract review due before a "
             "date, and an index", _packs_args)
def run_packs(args: argparse.Namespace) -> int:
    from ..reports.batch import check_folder, write_packs

    folder = check_folder(args.out)
    today = args.today or dt.date.today()
    db = _open(args)
    try:
        with terminal_progress(unit="packs") as state:
            result = write_packs(db, folder, args.due_before, today, state,
                                 period=_period(args, today),
                                 prepared_for=args.prepared_for)
    finally:
        db.close()
    print(f"Wrote {len(result.written):,} of {len(result.outcomes):,} review packs to "
          f"{result.folder}, with the index {result.index.name if result.index else ''}.")
    for failed in result.failed:
        print(f"Not written: {failed.provider}: {failed.problem}", file=sys.stderr)
    return EXIT_PROBLEMS_FOUND if result.failed else 0


def _sufficiency_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--at", required=True, type=parse_day, metavar="DATE",
                        help="the date the appendix is as on, e.g. 31/03/2026")
    parser.add_argument("--from", dest="start", type=parse_day, metavar="DATE", default=None,
                        help="the first day of the period (default: a year before --at, so "
                             "the period is the twelve months to it)")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE",
                        help="the file to write: .pdf, or .xlsx for a workbook with one sheet "
                             "per table")


@report_kind("sufficiency", "the sufficiency strategy's needs-analysis appendix, as a PDF or "
             "an .xlsx workbook", _sufficiency_args)
def run_sufficiency(args: argparse.Namespace) -> int:
    from ..reports.sufficiency import SUFFIXES, write_appendix
    from ..services.reports.definitions import Period, year_to

    if args.out.suffix.lower() not in SUFFIXES:
        raise UserError(f"Cannot write the appendix to {args.out.name}: choose a name ending "
                        "in .pdf or .xlsx.")
    if args.start is not None and args.start > args.at:
        raise UserError("The period starts after --at: give a --from date on or before it.")
    period = (year_to(args.at) if args.start is None
              else Period(args.start, args.at + dt.timedelta(days=1)))
    db = _open(args)
    try:
        with terminal_progress() as state:
            out = write_appendix(db, args.at, args.out, period=period, state=state)
    finally:
        db.close()
    print(f"Wrote the sufficiency appendix as on {args.at:%d/%m/%Y} to {out}.")
    return 0
