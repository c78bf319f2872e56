"""``placement-desk db check`` and ``db upgrade``."""

from __future__ import annotations

import argparse
import json

from ..dbfile import damaged
from ..errors import EXIT_PROBLEMS_FOUND, DatabaseDamagedError
from ..lifecycle import CheckReport, check_database, open_database
from .registry import command


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["check", "upgrade"],
                        help="check: integrity and schema revision (reads only, creates "
                             "nothing); upgrade: migrate to this version's schema (after a "
                             "backup)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


@command("db", "check or upgrade the database", _configure)
def run(args: argparse.Namespace) -> int:
    if args.action == "upgrade":
        return _upgrade(args)
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
                          "audit_events": report.audit_events,
                          "audit_first_broken_event": report.audit_broken,
                          "audit_append_only": report.audit_guarded,
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
        if report.revision == report.head and report.integrity == ["ok"]:
            print(f"Audit trail: {report.audit_events} events, " + (
                "chain intact" if report.audit_broken is None else
                f"chain broken at event {report.audit_broken} (changed, removed or "
                "inserted there)"))
            if not report.audit_guarded:
                print("Audit trail: the database no longer refuses changes to audit events "
                      "(its triggers were removed)")
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
    if report.audit_broken is not None:
        return (f"its audit trail was changed outside Placement Desk (the chain breaks at "
                f"event {report.audit_broken})")
    if not report.audit_guarded:
        return "the guard that keeps its audit trail append-only was removed"
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
