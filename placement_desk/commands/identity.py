"""Who a command acts as: ``--user NAME``, with the password from a prompt or
``PLACEMENT_DESK_PASSWORD``.

On a database without accounts (single-user mode, see services/users/roles.py) the
command acts as the operating-system account, and ``--user`` is refused as it cannot
be checked. Once accounts are on, every command that reads records or changes
anything signs in first.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from ..db import Database
from ..errors import SignInError, UserError

PASSWORD_ENV = "PLACEMENT_DESK_PASSWORD"
USER_ENV = "PLACEMENT_DESK_USER"


def sign_in_from_args(db: Database, args: argparse.Namespace) -> None:
    """Sign the command in as ``--user`` (or PLACEMENT_DESK_USER), when accounts are on."""
    from ..services.users.roles import accounts_on

    name = getattr(args, "user", None) or os.environ.get(USER_ENV)
    if db.role is not None:
        return  # a team server signed the command in: its login and that login's role
    if not accounts_on(db):
        if getattr(args, "user", None):
            raise UserError(f"The database {db.display_name} has no user accounts yet, so "
                            "--user cannot be checked: leave it out (the command acts as "
                            "your computer account), or create the first administrator "
                            "with 'placement-desk users create-admin NAME'.")
        return
    if not name:
        raise SignInError(f"The database {db.display_name} has user accounts: give --user "
                          f"NAME (the password is asked for, or read from {PASSWORD_ENV}). "
                          "Nothing was changed.")
    from ..services.users.accounts import sign_in  # argon2: only when signing in

    sign_in(db, name, read_password(f"Password for {name}: "))


def read_password(prompt: str) -> str:
    """The password from PLACEMENT_DESK_PASSWORD, else typed at a prompt (not echoed)."""
    given = os.environ.get(PASSWORD_ENV)
    if given is not None:
        return given
    if not sys.stdin or not sys.stdin.isatty():
        raise SignInError(f"No password: type it at a terminal, or set {PASSWORD_ENV} for a "
                          "script. Nothing was changed.")
    return getpass.getpass(prompt)
