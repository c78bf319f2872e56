"""``placement-desk db check``, ``db upgrade``, ``db copy`` and ``db roles``."""

from __future__ import annotations

import argparse
import json

from ..dbfile import damaged
from ..errors import EXIT_PROBLEMS_FOUND, DatabaseDamagedError, UserError
from ..lifecycle import CheckReport, check_database, open_database
from .registry import command


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["check", "upgrade", "encrypt", "key", "copy",
                                           "roles"],
                        help="check: integrity, schema revision and the audit trail's chain "
                             "(reads only, creates nothing); upgrade: migrate to this "
                             "version's schema (after a backup); encrypt: encrypt the "
                             "database and its backups (administrators); key: print the "
                             "recovery key, or --recover to enter it on this computer; copy: "
                             "move every record from --from to a new, empty --to in one "
                             "transaction; roles: create a server's group roles and give "
                             "them the database (IT, as a login with CREATEROLE)")
    parser.add_argument("--recover", action="store_true",
                        help="with key: type the printed recovery key (or give it in "
                             "PLACEMENT_DESK_RECOVERY_KEY) so that this computer opens the "
                             "encrypted database")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--from", dest="source", metavar="PATH_OR_URL",
                        help="copy: the database to copy (read only)")
    parser.add_argument("--to", dest="target", metavar="PATH_OR_URL",
                        help="copy: the new database (a file, or postgresql+psycopg://...)")


@command("db", "check, upgrade or copy the database; set up a server's roles", _configure)
def run(args: argparse.Namespace) -> int:
    if args.action == "upgrade":
        return _upgrade(args)
    if args.action == "encrypt":
        return _encrypt(args)
    if args.action == "key":
        return _key(args)
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


def _encrypt(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .. import crypto
    from ..dbfile import BACKUP_FOLDER
    from ..dblock import DatabaseLock
    from ..errors import UserError
    from ..services.common.backups import back_up
    from ..services.users.roles import Permission, require
    from .identity import sign_in_from_args

    if not crypto.available():
        crypto.encrypt_file(Path("."))  # says what to install
    db = open_database(getattr(args, "db", None))
    try:
        if db.path is None:
            raise UserError("Only a database file is encrypted here; a team server keeps "
                            "its data encrypted on its own.")
        sign_in_from_args(db, args)
        require(db, Permission.ADMINISTER_DATABASE)
        if crypto.is_encrypted(db.path):
            print(f"{db.display_name} is already encrypted.")
            return 0
        kept = back_up(db, "before-encrypt")
        path = db.path
    finally:
        db.close()
    lock = DatabaseLock(path)
    lock.acquire()
    try:
        where = crypto.encrypt_file(path)
        backups = crypto.encrypt_backups(path, path.parent / BACKUP_FOLDER)
    finally:
        lock.release()
    print(f"Encrypted {path}; its key is kept in {where}.")
    print(f"The copy from before ({kept.name}) and {backups - 1 if backups else 0} older "
          "backups are encrypted with the same key.")
    print("Print the recovery key now and lock it away: 'placement-desk db key'.")
    return 0


def _key(args: argparse.Namespace) -> int:
    import os

    from .. import crypto
    from ..errors import UserError
    from ..lifecycle import resolve_target
    from ..services.users.roles import Permission, require
    from .identity import sign_in_from_args

    url = resolve_target(getattr(args, "db", None))
    if url.get_backend_name() != "sqlite" or not url.database:
        raise UserError("Only a database file has a recovery key.")
    from pathlib import Path

    path = Path(url.database)
    if not crypto.is_encrypted(path):
        raise UserError(f"The database {path} is not encrypted: it has no key.")
    if args.recover:
        text = os.environ.get("PLACEMENT_DESK_RECOVERY_KEY")
        if text is None:
            text = input("Recovery key (64 letters and digits, spaces allowed): ")
        where = crypto.import_recovery_key(path, text)
        print(f"The key opens {path}; it is kept in {where}.")
        return 0
    db = open_database(path)
    try:
        sign_in_from_args(db, args)
        require(db, Permission.ADMINISTER_DATABASE)
    finally:
        db.close()
    print(crypto.recovery_text(path))
    return 0


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
