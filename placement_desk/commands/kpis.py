"""``placement-desk kpis``: the Dashboard's figures on the command line, as text or JSON.

``--at DATE`` gives the 12 months to that day (today by default); ``--from`` and
``--to`` give any period. Figures "on the date" are for the period's last day; each
is shown with its change since the period of the same length before. Reading only:
nothing is created or changed beside the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json

from ..errors import UserError
from ..lifecycle import open_database
from ..models.enums import CommissioningRoute
from .registry import command

AGE_BANDS = ("0-4", "5-9", "10-12", "13-15", "16+")


def parse_day(text: str) -> dt.date:
    """dd/mm/yyyy or yyyy-mm-dd."""
    from ..services.common.formatting import parse_date_short

    try:
        return dt.date.fromisoformat(text) if "-" in text else parse_date_short(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: write it as dd/mm/yyyy (or yyyy-mm-dd)") from None


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--at", type=parse_day, metavar="DATE",
                        help="the 12 months to this day (default: today)")
    parser.add_argument("--from", dest="start", type=parse_day, metavar="DATE",
                        help="the period's first day (with --to)")
    parser.add_argument("--to", dest="end", type=parse_day, metavar="DATE",
                        help="the period's last day: figures 'on the date' are for this day")
    parser.add_argument("--age-band", choices=AGE_BANDS, help="only children of this age "
                        "on the period's last day")
    parser.add_argument("--uasc", choices=("yes", "no"),
                        help="only unaccompanied asylum-seeking children, or only the others")
    parser.add_argument("--care-leavers", action="store_true",
                        help="include young people (18-25) in care leavers' accommodation")
    parser.add_argument("--type", dest="placement_group", metavar="GROUP",
                        help="only this placement type group, e.g. Fostering or "
                             "\"Children's homes\"")
    parser.add_argument("--route", choices=[r.value for r in CommissioningRoute],
                        help="only placements bought this way")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


@command("kpis", "print the Dashboard's figures (KPIs) for a period", _configure)
def run(args: argparse.Namespace) -> int:
    from ..services.kpis import Cohort, KpiRequest, kpi_report
    from ..services.kpis.common import GROUP_ORDER

    if (args.start is None) != (args.end is None):
        raise UserError("Give both --from and --to, or neither (and --at for the 12 months "
                        "to a day).")
    if args.start is not None and args.at is not None:
        raise UserError("Give --at, or --from and --to, not both.")
    group = ""
    if args.placement_group:
        found = [g for g in GROUP_ORDER if g.casefold() == args.placement_group.casefold()]
        if not found:
            raise UserError(f"--type must be one of: {', '.join(GROUP_ORDER)}.")
        group = found[0]
    cohort = Cohort.from_values({"age_band": args.age_band, "uasc": args.uasc,
                                 "care_leavers": args.care_leavers, "placement_group": group,
                                 "route": args.route})
    if args.start is not None:
        if args.end < args.start:
            raise UserError("The period ends before it starts: --to must not be before "
                            "--from.")
        request = KpiRequest(args.start, args.end, cohort)
    else:
        request = KpiRequest.year_to(args.at or dt.date.today(), cohort)
    # Reading only: nothing is created, locked or upgraded beside the database.
    db = open_database(getattr(args, "db", None), read_only=True, require_current=True)
    try:
        report = kpi_report(db, request)
    finally:
        db.close()
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, default=str))
    else:
        print(report.as_text())
    return 0
