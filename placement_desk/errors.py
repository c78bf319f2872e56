"""Errors a user can cause, each carrying a message that says what to do next.

Every expected failure is a :class:`UserError` (or one of its kin below) whose text is
one plain sentence or two for the user: what happened, where (file, sheet, row, column;
never the values in them) and what to do. The command line prints that text and exits
with the kind's :attr:`~UserError.exit_status`; the GUI shows it in a dialog; the log
gets one line. Anything else is a fault in Placement Desk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_PROBLEMS_FOUND = 1
"""``db check`` ran and found problems in the database."""
EXIT_BUG = 70
"""A fault in Placement Desk itself (EX_SOFTWARE): an apology and where the log is."""
EXIT_INTERRUPTED = 130


class UserError(Exception):
    """An error caused by input or circumstances, shown to the user as is."""

    exit_status = 2
    """The command line's exit status for this kind of error (see README)."""


class ValidationError(UserError):
    """A value failed a rule; ``field`` names the form field it belongs to."""

    exit_status = 4

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class FileFormatError(UserError):
    """A file could not be read as the expected kind, or was refused as unsafe.

    ``location`` says where: file, sheet, row and column when known.
    """

    exit_status = 3

    def __init__(self, message: str, *, file: str = "", sheet: str = "",
                 row: int | None = None, column: str = "") -> None:
        parts = [p for p in (file, f"sheet {sheet}" if sheet else "",
                             f"row {row}" if row is not None else "",
                             f"column {column}" if column else "") if p]
        self.location = ", ".join(parts)
        super().__init__(f"{self.location}: {message}" if self.location else message)
        self.file, self.sheet, self.row, self.column = file, sheet, row, column
        self.message = message


class DatabaseError(UserError):
    """The database cannot be opened or used as it is (missing, too new, too old, on a
    share)."""

    exit_status = 5


class ServerSignInRefused(DatabaseError):
    """A team server did not accept the login it was given (a wrong or missing password,
    or a name it does not know): the window asks for them again."""


class DatabaseDamagedError(DatabaseError):
    """The file is not a Placement Desk database, or it is damaged; nothing is written
    to it. The message names the newest good backup when there is one."""

    exit_status = 6


class DatabaseBusyError(DatabaseError):
    """Another copy of Placement Desk, or another program, is using the database."""

    exit_status = 7


class ConcurrentEdit(UserError):
    """Someone else saved the record after this form read it: nothing was saved.

    ``changed_by`` and ``changed_at`` (UTC) say who and when, from the audit trail;
    ``theirs`` holds the record's saved values and ``mine`` the values the refused save
    would have written (field → value, as the audit trail stores them), so the form can
    show both; ``current_version`` is the record's version counter now, which a save
    must name to replace their values with these.
    """

    exit_status = 7

    def __init__(self, message: str, *, entity: str = "", changed_by: str | None = None,
                 changed_at: dt.datetime | None = None,
                 theirs: Mapping[str, Any] | None = None,
                 mine: Mapping[str, Any] | None = None,
                 current_version: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = entity
        self.entity, self.changed_by, self.changed_at = entity, changed_by, changed_at
        self.theirs: dict[str, Any] = dict(theirs or {})
        self.mine: dict[str, Any] = dict(mine or {})
        self.current_version = current_version

    def differences(self) -> list[tuple[str, Any, Any]]:
        """(field, mine, theirs) for every field whose two values differ, in form order."""
        keys = [*self.mine, *(k for k in self.theirs if k not in self.mine)]
        return [(k, self.mine.get(k), self.theirs.get(k)) for k in keys
                if self.mine.get(k) != self.theirs.get(k)]


class StorageError(UserError):
    """There is no room or no permission to write: a full disk, a read-only file or
    folder. Nothing was changed.

    For a full disk, ``folder`` is where room is needed and ``needed`` how many bytes
    more, so that a caller who knows the size of the work can say more.
    """

    exit_status = 8

    def __init__(self, message: str, *, folder: Path | None = None,
                 needed: int | None = None) -> None:
        super().__init__(message)
        self.folder, self.needed = folder, needed


class PermissionRefused(UserError):
    """The signed-in user's role may not do this; the message says which role may."""

    exit_status = 9


class SignInError(UserError):
    """Signing in failed: a wrong name or password, a locked or inactive account, or no
    password given. Nothing about the account is revealed beyond that."""

    exit_status = 10


class EncryptionKeyError(DatabaseError):
    """The database is encrypted and its key is missing or wrong, or SQLCipher is not
    installed; the message says where the key was looked for and what to do."""

    exit_status = 11


EXIT_STATUSES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "done"),
    (EXIT_PROBLEMS_FOUND, "db check found problems in the database"),
    (UserError.exit_status, "the command line is wrong, or another expected problem"),
    (FileFormatError.exit_status, "a file could not be read or was refused"),
    (ValidationError.exit_status, "a value failed a rule"),
    (DatabaseError.exit_status, "the database cannot be used as it is (missing, newer or "
                                "older than this version, on a network share)"),
    (DatabaseDamagedError.exit_status, "the file is not a Placement Desk database, or it is "
                                       "damaged"),
    (DatabaseBusyError.exit_status, "the database is in use by another copy or program, "
                                    "or another officer saved the same record first"),
    (StorageError.exit_status, "no room or no permission to write (disk full, read-only "
                               "file or folder)"),
    (PermissionRefused.exit_status, "the signed-in user's role may not do this"),
    (SignInError.exit_status, "signing in failed (wrong name or password, locked or "
                              "inactive account)"),
    (EncryptionKeyError.exit_status, "the database is encrypted and its key is missing or "
                                     "wrong, or encryption is not installed"),
    (EXIT_BUG, "a fault in Placement Desk: the log has the details"),
    (EXIT_INTERRUPTED, "stopped with Ctrl+C"),
)
"""Every exit status of the command line and what it means (the README lists them)."""
