"""Writing a table to .xlsx or .csv: headings in bold, dates as real dates, safely.

The file is written to a temporary name beside the target and renamed at the
end, so a failure or cancel never leaves a half-written file where the user
expects a good one. The target is checked first (:func:`check_target`), so that a
command can refuse a bad name before it does any work. Text is cleaned of control
characters and direction-override marks (:func:`~placement_desk.io.safety.clean_text`),
cut to what a spreadsheet cell holds, and kept from running as a formula in Excel.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from ..dbfile import is_disk_full, no_room
from ..errors import StorageError, UserError
from ..progress import NULL_STATE, TaskState
from .safety import MAX_TEXT, clean_text

FORMULA_START = ("=", "+", "-", "@")
SUFFIXES = (".xlsx", ".csv")


def _safe_text(value: object) -> object:
    """Text without control characters, cut to a cell's limit, and kept from running as a
    formula in Excel (CSV injection)."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT - 1] + "\u2026"
    if value.startswith(FORMULA_START):
        return "'" + value
    return value


def check_target(path: str | Path) -> Path:
    """The file to write, after refusing a name that will not do: not .xlsx or .csv, a
    folder, a folder that does not exist or cannot be written."""
    target = Path(path).absolute()
    if target.suffix.lower() not in SUFFIXES:
        raise UserError(f"Cannot export to {target.name}: choose a name ending in .xlsx or "
                        ".csv.")
    if target.is_dir():
        raise UserError(f"{target} is a folder: give the name of the file to write, ending "
                        "in .xlsx or .csv.")
    folder = target.parent
    if not folder.is_dir():
        raise UserError(f"The folder {folder} does not exist. Choose a folder that does, or "
                        "make it first.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StorageError(f"Cannot write {target.name} in {folder}: the folder is "
                           "read-only. Choose another folder.")
    return target


Sheet = tuple[str, Sequence[str], Sequence[Sequence[object]]]
"""A sheet to write: its name, its headings and its rows."""


def write_table(path: str | Path, headings: Sequence[str], rows: Sequence[Sequence[object]],
                sheet: str = "Data", state: TaskState = NULL_STATE) -> Path:
    """One table as an .xlsx sheet or a .csv file, written whole or not at all."""
    return write_tables(path, [(sheet, headings, rows)], state)


def write_tables(path: str | Path, sheets: Sequence[Sheet],
                 state: TaskState = NULL_STATE) -> Path:
    """Several tables as the sheets of one .xlsx file (a .csv file takes the first only),
    written under a temporary name and renamed into place when complete."""

    def write(tmp: Path) -> None:
        if tmp.suffix.lower() == ".csv":
            _name, headings, rows = sheets[0]
            _write_csv(tmp, headings, rows, state)
        else:
            _write_xlsx(tmp, sheets, state)

    return write_atomically(path, write)


def write_atomically(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write`` with a temporary file beside ``path`` (same ending), then rename it
    into place: a failure, a cancel or a full disk never leaves half a file at ``path``.
    The name is checked first (:func:`check_target`)."""
    target = check_target(path)
    suffix = target.suffix.lower()
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".export-", suffix=suffix, dir=target.parent)
    except OSError as exc:
        raise _write_error(exc, target, 0) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, target)
    except PermissionError:
        tmp.unlink(missing_ok=True)
        raise UserError(f"Cannot write {target}: it may be open in Excel. Close it and try "
                        "again.") from None
    except OSError as exc:
        written = tmp.stat().st_size if tmp.exists() else 0
        tmp.unlink(missing_ok=True)
        raise _write_error(exc, target, written) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _write_error(exc: OSError, target: Path, written: int) -> UserError:
    if is_disk_full(exc):
        return no_room(target.parent, f"write {target.name}", 2 * written)
    return StorageError(f"Cannot write {target} ({exc.strerror or type(exc).__name__}). "
                        "Nothing was written; choose another folder or name.")


def _write_csv(path: Path, headings: Sequence[str], rows: Sequence[Sequence[object]],
               state: TaskState) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow([_safe_text(h) for h in headings])
        for i, row in enumerate(rows, 1):
            writer.writerow(["" if v is None else
                             v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else _safe_text(v)
                             for v in row])
            if i % 1000 == 0:
                state.check_cancelled()
                state.progress("Writing rows", i, len(rows))


def _write_xlsx(path: Path, sheets: Sequence[Sheet], state: TaskState) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet, headings, rows in sheets:
        ws = wb.create_sheet(clean_text(sheet)[:31])
        header_cells = []
        for h in headings:
            cell = WriteOnlyCell(ws, value=_safe_text(h))
            cell.font = bold
            header_cells.append(cell)
        ws.append(header_cells)
        ws.freeze_panes = "A2"
        for i, row in enumerate(rows, 1):
            out: list[object] = []
            for value in row:
                if isinstance(value, dt.date):
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = "DD/MM/YYYY"
                    out.append(cell)
                else:
                    out.append(_safe_text(value))
            ws.append(out)
            if i % 1000 == 0:
                state.check_cancelled()
                state.progress("Writing rows", i, len(rows))
    # Zipped in memory, then written here: a full disk fails in this function, not inside
    # the zip library, whose clean-up would then fail again and print a traceback.
    buffer = io.BytesIO()
    wb.save(buffer)
    with open(path, "wb") as fh:
        fh.write(buffer.getbuffer())
