"""``placement-desk db check``, ``db upgrade``, ``db copy`` and ``db roles``."""

from __future__ import annotations

import argparse
import json

from ..dbfile import damaged
from ..errors import EXIT_PROBLEMS_FOUND, DatabaseDamagedError, UserError
from ..lifecycle import CheckReport, check_database, open_database
from .registry import command


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["check", "upgrade", "copy", "roles"],
                        help="check: integrity and schema revision (reads only, creates "
                             "nothing); upgrade: migrate to this version's schema (after a "
                             "backup); copy: move every record from --from to a new, empty "
                             "--to in one transaction; roles: create a server's group roles "
                             "and give them the database (IT, as a login with CREATEROLE)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--from", dest="source", metavar="PATH_OR_URL",
                        help="copy: the database to copy (read only)")
    parser.add_argument("--to", dest="target", metavar="PATH_OR_URL",
                        help="copy: the new database (a file, or postgresql+psycopg://...)")


@command("db", "check, upgrade or copy the database; set up a server's roles", _configure)
def run(args: argparse.Namespace) -> int:
    if args.action == "upgrade":
        return _upgrade(args)
    if args.action == "copy":
        return _copy(args)
    if args.action == "roles":
        return _roles(args)
    # Reading only: nothing is created, locked or changed, and a damaged file is reported.
    db = open_database(getattr(args, "db", None), read_only=True, verify=False)
    try:
        report = check_database(db)
    finally:
        db.close()
    advice = ""
    if report.damaged and db.path is not None:
        advice = str(damaged(db.path, _what(report)))
    if args.json:
        print(json.dumps({"database": db.display_name, "revision": report.revision,
                          "head": report.head, "integrity": report.integrity,
                          "foreign_key_problems": report.foreign_key_problems,
                          "missing_tables": report.missing_tables,
                          "revision_record_missing": report.revision_record_missing,
                          "damaged": report.damaged, "advice": advice or None,
                          "ok": report.ok}))
    else:
        print(f"Database: {db.display_name}")
        revision = ("missing" if report.revision_record_missing
                    else report.revision or "none (empty database)")
        print(f"Schema revision: {revision} (this version: {report.head})")
        print(f"Integrity: {'; '.join(report.integrity)}")
        if report.missing_tables:
            print(f"Missing tables: {', '.join(report.missing_tables)}")
        if report.revision_record_missing:
            print("Schema version record: missing")
        print(f"Broken links between records: {report.foreign_key_problems}")
        print("Result: " + ("OK" if report.ok else
                            "DAMAGED" if report.damaged else
                            "PROBLEMS FOUND" if report.revision == report.head else
                            "needs 'placement-desk db upgrade'"))
        if advice:
            print(advice)
    if report.damaged:
        return DatabaseDamagedError.exit_status
    return 0 if report.ok else EXIT_PROBLEMS_FOUND


def _what(report: CheckReport) -> str:
    if report.integrity != ["ok"]:
        return "SQLite's integrity check found damaged pages"
    if report.missing_tables:
        return f"tables are missing: {', '.join(report.missing_tables[:5])}"
    return "its record of the schema version is missing"


def _upgrade(args: argparse.Namespace) -> int:
    db = open_database(getattr(args, "db", None))
    try:
        up = db.upgrade
        assert up is not None
        if up.from_revision == up.to_revision:
            print(f"{db.display_name} is up to date (schema {up.to_revision}).")
        else:
            print(f"Upgraded {db.display_name} from schema {up.from_revision or 'empty'} "
                  f"to {up.to_revision}.")
            if up.backup:
                print(f"Backup of the previous state: {up.backup}")
        return 0
    finally:
        db.close()


def _copy(args: argparse.Namespace) -> int:
    from ..dbcopy import copy_database

    if not args.source or not args.target:
        raise UserError("db copy needs --from (the database to copy) and --to (the new one), "
                        "for example: placement-desk db copy --from laptop.db "
                        "--to postgresql+psycopg://db.council.local/placements")
    report = copy_database(args.source, args.target)
    if args.json:
        print(json.dumps({"from": report.source, "to": report.target, "rows": report.rows,
                          "total": report.total}))
    else:
        print(f"Copied {report.total:,} rows from {report.source} to {report.target}:")
        for table, n in report.rows.items():
            if n:
                print(f"  {table}: {n:,}")
    return 0


def _roles(args: argparse.Namespace) -> int:
    from .. import dbroles

    db = open_database(getattr(args, "db", None))
    try:
        dbroles.set_up(db)
    finally:
        db.close()
    print(f"The group roles {', '.join(dbroles.ROLES)} now back {db.server_name}. Make each "
          "officer's login a member of one (GRANT pd_qa_officer TO \"asha.patel\";).")
    return 0
