"""Errors a user can cause, each carrying a message that says what to do next."""

from __future__ import annotations


class UserError(Exception):
    """An error caused by input or circumstances, shown to the user as is."""


class ValidationError(UserError):
    """A value failed a rule; ``field`` names the form field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class FileFormatError(UserError):
    """A file could not be read as the expected kind.

    ``location`` says where: file, sheet, row and column when known.
    """

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
    """The database cannot be opened or used safely (locked, too new, on a share)."""
