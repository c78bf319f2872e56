"""Writing a table to .xlsx or .csv: headings in bold, dates as real dates, safely.

The file is written to a temporary name beside the target and renamed at the
end, so a failure or cancel never leaves a half-written file where the user
expects a good one.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import UserError
from ..progress import NULL_STATE, TaskState

FORMULA_START = ("=", "+", "-", "@")


def _safe_text(value: object) -> object:
    """Stop text that looks like a formula from running in Excel (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


Sheet = tuple[str, Sequence[str], Sequence[Sequence[object]]]
"""A sheet to write: its name, its headings and its rows."""


def write_table(path: str | Path, headings: Sequence[str], rows: Sequence[Sequence[object]],
                sheet: str = "Data", state: TaskState = NULL_STATE) -> Path:
    return write_tables(path, [(sheet, headings, rows)], state)


def write_tables(path: str | Path, sheets: Sequence[Sheet],
                 state: TaskState = NULL_STATE) -> Path:
    """Several tables as the sheets of one .xlsx file (a .csv file takes the first only)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise UserError(f"Cannot export to {target.name}: choose a name ending in .xlsx or .csv.")
    if not target.parent.exists():
        raise UserError(f"The folder {target.parent} does not exist.")
    fd, tmp_name = tempfile.mkstemp(prefix=".export-", suffix=suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if suffix == ".csv":
            _name, headings, rows = sheets[0]
            _write_csv(tmp, headings, rows, state)
        else:
            _write_xlsx(tmp, sheets, state)
        os.replace(tmp, target)
    except PermissionError:
        tmp.unlink(missing_ok=True)
        raise UserError(f"Cannot write {target}: it may be open in Excel. Close it and try "
                        "again.") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _write_csv(path: Path, headings: Sequence[str], rows: Sequence[Sequence[object]],
               state: TaskState) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(headings)
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
        ws = wb.create_sheet(sheet[:31])
        header_cells = []
        for h in headings:
            cell = WriteOnlyCell(ws, value=h)
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
    wb.save(path)
