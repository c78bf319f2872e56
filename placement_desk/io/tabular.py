"""Reading the sheets of a CSV, XLSX, XLS or ODS file as rows of cells, and finding headers.

Generic helpers for importers of files "as published": the header row may sit
below title and blank rows, headings may carry line breaks, odd spacing or a
different case, and cells may be text, numbers or dates depending on the format.

- CSV is read with the csv module (UTF-8 with or without BOM, falling back to
  Windows-1252 and then Latin-1). Row numbers are CSV records, which is what a
  spreadsheet shows even when a quoted heading holds a line break.
- Workbooks are read with python-calamine (XLSX, XLS, XLSB, ODS), imported only
  when needed; only the top rows of each sheet are read until a sheet is chosen.
  If calamine is missing, XLSX falls back to openpyxl in read-only mode.
- The file's content decides how it is read, not its extension, so a workbook
  saved with a ``.csv`` name still opens.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

from ..errors import FileFormatError

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None
Row = list[Cell]

HEAD_ROWS = 40
"""How many rows at the top of a sheet are searched for its header row."""

BLANK_WORDS = frozenset({"", ".", "-", "\u2013", "null", "n/a", "redacted"})
"""Cell texts that mean "no value" (compared case-insensitively)."""

_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


def heading_key(text: object) -> str:
    """A heading reduced to its words: ``"\\nLatest Full  inspection-date "`` → ``"latest
    full inspection date"``; ``"Children's home"`` → ``"childrens home"``."""
    lowered = _APOSTROPHES.sub("", str(text if text is not None else "").casefold())
    return " ".join(_NON_WORD.sub(" ", lowered).split())


class SheetSource:
    """One sheet: its name, its top rows, and all its rows on demand."""

    __slots__ = ("_load", "_rows", "head", "name")

    def __init__(self, name: str, head: list[Row], load: Callable[[], list[Row]]) -> None:
        self.name = name
        self.head = head
        self._load = load
        self._rows: list[Row] | None = None

    def rows(self) -> list[Row]:
        """Every row from the sheet's first row (index 0 is spreadsheet row 1)."""
        if self._rows is None:
            self._rows = self._load()
        return self._rows


def open_sheets(path: Path) -> list[SheetSource]:
    """Every sheet of the file; a CSV is one sheet named after the file."""
    try:
        with path.open("rb") as fh:
            magic = fh.read(8)
    except FileNotFoundError:
        raise FileFormatError("The file does not exist. Check its name and folder.",
                              file=path.name) from None
    except IsADirectoryError:
        raise FileFormatError("This is a folder, not a file.", file=path.name) from None
    except OSError as exc:
        raise FileFormatError(f"The file could not be opened ({exc.strerror or exc}). If it "
                              "is open in Excel, close it and try again.",
                              file=path.name) from None
    if magic.startswith((_ZIP, _OLE)):
        return _workbook_sheets(path)
    if magic.startswith(b"%PDF") or b"\x00" in magic:
        raise FileFormatError("This is not a spreadsheet. Choose a .csv, .xlsx or .ods file.",
                              file=path.name)
    rows = read_csv_rows(path)
    return [SheetSource(path.stem, rows[:HEAD_ROWS], functools.partial(list, rows))]


def read_csv_rows(path: Path) -> list[Row]:
    """All records of a CSV file (tab-separated when its name ends in .tsv or .tab)."""
    raw = path.read_bytes()
    text = ""
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    try:
        # csv yields lists of str, which are rows of cells
        return cast(list[Row], list(csv.reader(io.StringIO(text, newline=""),
                                               delimiter=delimiter)))
    except csv.Error as exc:
        raise FileFormatError(f"The file could not be read as CSV ({exc}). Open it in Excel "
                              "and save it again as CSV or .xlsx.", file=path.name) from None


def _workbook_sheets(path: Path) -> list[SheetSource]:
    try:
        from python_calamine import CalamineSheet, CalamineWorkbook
    except ImportError:  # pragma: no cover - calamine is a dependency; openpyxl is the spare
        return _openpyxl_sheets(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets: list[SheetSource] = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            head: list[Row] = [list(r) for r in sheet.to_python(skip_empty_area=False,
                                                                nrows=HEAD_ROWS)]

            def load(sheet: CalamineSheet = sheet) -> list[Row]:
                return [list(r) for r in sheet.to_python(skip_empty_area=False)]

            sheets.append(SheetSource(name, head, load))
        return sheets
    except Exception as exc:  # calamine raises several kinds for damaged or other files
        raise FileFormatError(f"The file could not be read as a spreadsheet ({exc}). Check "
                              "that it opens in Excel, or save it again as .xlsx.",
                              file=path.name) from None


def _openpyxl_sheets(path: Path) -> list[SheetSource]:  # pragma: no cover - see above
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise FileFormatError(f"The file could not be read as a spreadsheet ({exc}). Save "
                              "it again as .xlsx.", file=path.name) from None
    sheets = []
    for ws in book.worksheets:
        rows: list[Row] = [list(r) for r in ws.iter_rows(values_only=True)]
        sheets.append(SheetSource(ws.title, rows[:HEAD_ROWS], functools.partial(list, rows)))
    book.close()
    return sheets


def find_header(head: Sequence[Sequence[Cell]], score: Callable[[list[str]], int],
                minimum: int = 1) -> int | None:
    """Index of the row with the best ``score`` of its heading keys (at least ``minimum``);
    the first such row on a tie, None when no row reaches ``minimum``."""
    best, best_score = None, minimum - 1
    for i, row in enumerate(head):
        if is_blank_row(row):
            continue
        value = score([heading_key(c) for c in row])
        if value > best_score:
            best, best_score = i, value
    return best


def is_blank_row(row: Sequence[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


def cell_text(value: Cell) -> str | None:
    """A cell as clean text: spaces collapsed; 12.0 → '12'; dates as yyyy-mm-dd; blank,
    '.', '-', NULL, N/A and REDACTED → None."""
    if value is None:
        return None
    if isinstance(value, str):
        if not value:
            return None
        text = " ".join(value.split())
    elif isinstance(value, bool):
        text = "Yes" if value else "No"
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, dt.datetime):
        text = value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    elif isinstance(value, dt.date | dt.time):
        text = value.isoformat()
    else:
        text = str(value)
    return None if text.casefold() in BLANK_WORDS else text


def parse_int(value: Cell) -> int | None:
    """A whole number from 12, 12.0, '12', '1,200' or ' 12 '; None when blank.

    Raises ValueError for anything else.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(f"{value!r} is not a whole number")
    text = cell_text(value)
    if text is None:
        return None
    number = float(text.replace(",", ""))
    if not number.is_integer():
        raise ValueError(f"{text!r} is not a whole number")
    return int(number)


def parse_date(value: Cell) -> dt.date | None:
    """A date from dd/mm/yyyy, yyyy-mm-dd (and a few other spellings), an Excel serial
    number, or a date cell; None when blank.

    Raises ValueError for text that is not a date.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(float(value))
    if value is None:
        return None
    text = value.strip() if isinstance(value, str) else cell_text(value)
    if not text or text.casefold() in BLANK_WORDS:
        return None
    return _date_from_text(text)


def _serial(number: float) -> dt.date:
    if not 1 <= number < 2958466:  # Excel's dates run from 1900 to 9999
        raise ValueError(f"{number:g} is not a date")
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%d %B %Y",
                 "%d %b %Y", "%Y/%m/%d")


@functools.lru_cache(maxsize=8192)
def _date_from_text(text: str) -> dt.date:
    if len(text) == 10 and text[2] == "/" and text[5] == "/":  # dd/mm/yyyy, most of them
        try:
            return dt.date(int(text[6:]), int(text[3:5]), int(text[:2]))
        except ValueError:
            raise ValueError(f"{text!r} is not a date") from None
    head = " ".join(text.split())
    if ":" in head:  # a date with a time of day: keep the date
        head = head.replace("T", " ").split(" ")[0]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(head, fmt).date()
        except ValueError:
            continue
    if head.isdigit() and 20000 <= int(head) <= 80000:  # an Excel serial saved as text
        return _serial(float(head))
    raise ValueError(f"{text!r} is not a date")
