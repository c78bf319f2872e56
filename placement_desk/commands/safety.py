"""``placement-desk backup``, ``restore FILE`` and ``users``: copies of the database,
putting one back, and the accounts that sign in."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UserError, ValidationError
from ..lifecycle import open_database, resolve_target
from ..models.enums import UserRole
from .identity import read_password, sign_in_from_args
from .registry import command


def _configure_backup(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--list", action="store_true",
                        help="list the backups kept beside the database instead")


@command("backup", "copy the database now into backups/ beside it (checked, rotated)",
         _configure_backup)
def run_backup(args: argparse.Namespace) -> int:
    from ..services.common.backups import back_up, list_backups

    db = open_database(getattr(args, "db", None))
    try:
        sign_in_from_args(db, args)
        if args.list:
            if db.path is None:
                raise UserError("A team server's database is backed up by its administrators.")
            for backup in list_backups(db.path):
                print(f"{backup.taken:%d/%m/%Y %H:%M:%S}  {backup.kind:<16} {backup.path}")
            return 0
        made = back_up(db)
    finally:
        db.close()
    print(f"Backed up to {made}.")
    return 0


def _configure_restore(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="the backup to restore")


@command("restore", "replace the database with a backup, after checking it and keeping a "
         "copy of what it replaces (administrators)", _configure_restore)
def run_restore(args: argparse.Namespace) -> int:
    from ..errors import DatabaseDamagedError
    from ..services.common.backups import check_backup, may_restore, restore_file

    url = resolve_target(getattr(args, "db", None))
    target = Path(url.database or "") if url.get_backend_name() == "sqlite" else None
    if target is None or not url.database:
        raise UserError("Only a database file can be restored here; a team server's database "
                        "is restored by its administrators.")
    try:
        db = open_database(target, create=False)
    except DatabaseDamagedError:
        check_backup(args.file)  # the database cannot be opened to sign in: restore anyway
    else:
        try:
            sign_in_from_args(db, args)
            may_restore(db, args.file)
        finally:
            db.close()
    kept = restore_file(target, args.file)
    print(f"Restored {args.file} to {target}." +
          (f" The database it replaced is kept at {kept}." if kept else ""))
    return 0


def _configure_users(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["list", "create-admin", "add", "set-password",
                                           "set-role", "deactivate"],
                        help="create-admin: the first administrator (turns accounts on); "
                             "the others need an administrator's --user")
    parser.add_argument("name", nargs="?", help="the account's user name")
    parser.add_argument("--display-name", default="", help="the person's name")
    parser.add_argument("--role", choices=[r.value for r in UserRole],
                        help="for add and set-role")


def _new_password(name: str) -> str:
    import os

    given = os.environ.get("PLACEMENT_DESK_NEW_PASSWORD")
    if given is not None:
        return given
    first = read_password(f"New password for {name}: ")
    if read_password("Type it again: ") != first:
        raise ValidationError("password", "The two passwords differ. Nothing was changed.")
    return first


@command("users", "list accounts, create the first administrator, add accounts, set a "
         "password or role, or switch an account off", _configure_users)
def run_users(args: argparse.Namespace) -> int:
    from ..services.users import accounts

    db = open_database(getattr(args, "db", None))
    try:
        if args.action == "create-admin":
            if not args.name:
                raise UserError("Give the administrator's user name.")
            made = accounts.create_first_administrator(
                db, args.name, args.display_name or args.name, _new_password(args.name))
            print(f"{made.username} is the administrator; this database now asks everyone "
                  "to sign in.")
            return 0
        sign_in_from_args(db, args)
        if args.action == "list":
            for a in accounts.list_accounts(db):
                state = ("account" if a.has_password else "staff record") + \
                        ("" if a.active else ", switched off")
                print(f"{a.username:<24} {a.display_name:<30} {a.role.label:<24} {state}")
            return 0
        if not args.name:
            raise UserError("Give the account's user name.")
        found = next((a for a in accounts.list_accounts(db)
                      if a.username.lower() == args.name.lower()), None)
        if args.action == "add":
            if not args.role:
                raise UserError("Give the new account's --role.")
            accounts.add_account(db, args.name, args.display_name or args.name,
                                 UserRole(args.role), _new_password(args.name))
        elif found is None:
            raise ValidationError("username", "There is no account with that user name.")
        elif args.action == "set-password":
            accounts.set_password(db, found.id, _new_password(args.name))
        elif args.action == "set-role":
            if not args.role:
                raise UserError("Give the --role.")
            accounts.update_account(db, found.id, role=UserRole(args.role))
        else:
            accounts.update_account(db, found.id, active=False)
        print("Done.")
        return 0
    finally:
        db.close()
