"""``placement-desk db check`` and ``db upgrade``."""

from __future__ import annotations

import argparse
import json

from ..lifecycle import check_database, open_database
from .registry import command


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["check", "upgrade"],
                        help="check: integrity and schema revision; upgrade: migrate to "
                             "this version's schema (after a backup)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


@command("db", "check or upgrade the database", _configure)
def run(args: argparse.Namespace) -> int:
    db = open_database(getattr(args, "db", None), migrate=args.action == "upgrade")
    try:
        if args.action == "upgrade":
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
        report = check_database(db)
        if args.json:
            print(json.dumps({"database": db.display_name, "revision": report.revision,
                              "head": report.head, "integrity": report.integrity,
                              "foreign_key_problems": report.foreign_key_problems,
                              "ok": report.ok}))
        else:
            print(f"Database: {db.display_name}")
            print(f"Schema revision: {report.revision or 'none (empty database)'} "
                  f"(this version: {report.head})")
            print(f"Integrity: {'; '.join(report.integrity)}")
            print(f"Broken links between records: {report.foreign_key_problems}")
            print("Result: " + ("OK" if report.ok else
                                "PROBLEMS FOUND" if report.revision == report.head else
                                "needs 'placement-desk db upgrade'"))
        return 0 if report.ok else 1
    finally:
        db.close()
