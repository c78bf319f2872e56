"""Reading any sheet of a CSV, XLSX or ODS file as rows of cells, and finding headers.

CSV is read with the csv module (UTF-8 with or without BOM, falling back to
Windows-1252); workbooks with python-calamine, imported only when needed.
Header cells are compared by meaning: case, spacing, line breaks and
punctuation do not matter.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import FileFormatError

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None
_PUNCT = re.compile(r"[^a-z0-9 ]+")
BLANKS = frozenset({"", ".", "-", "null", "n/a", "na", "none", "redacted"})


def heading_key(text: object) -> str:
    """'Reg\\nStatus ' → 'reg status'."""
    flat = " ".join(str(text or "").replace("\u2019", "'").split()).casefold()
    return " ".join(_PUNCT.sub(" ", flat).split())


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]]


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of the file (a CSV is one sheet named after the file)."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise FileFormatError("The file does not exist.", file=path.name)
    if suffix in (".csv", ".txt"):
        return [Sheet(path.stem, list(_read_csv(path)))]
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        try:
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_path(str(path))
            sheets: list[Sheet] = []
            for name in book.sheet_names:
                cells: list[list[Cell]] = [list(r) for r in book.get_sheet_by_name(name)
                                           .to_python(skip_empty_area=False)]
                sheets.append(Sheet(name, cells))
            return sheets
        except FileFormatError:
            raise
        except Exception as exc:  # calamine raises several kinds for damaged files
            raise FileFormatError(f"The file could not be read as a spreadsheet ({exc}). "
                                  "Check it opens in Excel, or save it again as .xlsx.",
                                  file=path.name) from None
    raise FileFormatError("Choose a .csv, .xlsx or .ods file.", file=path.name)


def _read_csv(path: Path) -> Iterator[list[Cell]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    for row in csv.reader(io.StringIO(text, newline="")):
        yield list(row)


def find_header(rows: Sequence[Sequence[Cell]], required: str = "urn",
                scan: int = 40) -> int | None:
    """Index of the first row (among the first ``scan``) with a cell meaning ``required``."""
    for i, row in enumerate(rows[:scan]):
        if any(heading_key(c) == required for c in row):
            return i
    return None


def text(value: Cell) -> str | None:
    """A cell as clean text; blank, '.', NULL, N/A and REDACTED become None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = " ".join(str(value).split())
    return None if s.casefold() in BLANKS else s


def parse_date(value: Cell) -> dt.date | None:
    """dd/mm/yyyy, yyyy-mm-dd, an Excel serial, or a date cell; None when blank.

    Raises ValueError for text that is not a date.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    s = text(value)
    if s is None:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S",
                "%d/%m/%Y %H:%M"):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{s!r} is not a date")
