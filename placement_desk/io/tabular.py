"""Reading the sheets of a CSV, XLSX, XLS or ODS file as rows of cells, and finding headers.

Generic helpers for importers of files "as published": the header row may sit
below title and blank rows, headings may carry line breaks, odd spacing or a
different case, and cells may be text, numbers or dates depending on the format.

- CSV is read with the csv module, a row at a time (UTF-8 with or without BOM,
  UTF-16 with its BOM, falling back to Windows-1252 and then Latin-1, decided by a
  first pass over the bytes). Row numbers are CSV records, which is what a
  spreadsheet shows even when a quoted heading holds a line break.
- Workbooks are read with python-calamine (XLSX, XLS, ODS), imported only when
  needed, after :func:`~placement_desk.io.safety.check_workbook` has refused bombs
  and sheets too large to hold; only the top rows of each sheet are read until a
  sheet is chosen. If calamine is missing, XLSX falls back to openpyxl in read-only
  mode.
- Text is cleaned as it is read (:func:`~placement_desk.io.safety.clean_text`: no
  control characters or direction-override marks), the same for every reader.
- The file's content decides how it is read, not its extension, so a workbook
  saved with a ``.csv`` name still opens.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, cast

from ..errors import FileFormatError
from .safety import MAX_TEXT, check_workbook, clean_text, too_long, unsafe_in

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
    """One sheet: its name, its top rows, and all its rows on demand, a row at a time."""

    __slots__ = ("_rows", "head", "hidden", "merged", "name", "total_rows")

    def __init__(self, name: str, head: list[Row], rows: Callable[[], Iterator[Row]],
                 total_rows: int = 0, *, hidden: bool = False,
                 merged: Sequence[tuple[tuple[int, int], tuple[int, int]]] = ()) -> None:
        self.name = name
        self.head = head
        self._rows = rows
        self.total_rows = total_rows
        """About how many rows the sheet has (for progress; CSV counts line breaks)."""
        self.hidden = hidden
        """A workbook's hidden sheet (such as a template's lists)."""
        self.merged = list(merged)
        """Merged ranges among the top rows, ((first row, first column), (last row, last
        column)), 0-based, from spreadsheet row 1 and column A."""

    def iter_rows(self) -> Iterator[Row]:
        """Every row from the sheet's first (the first is spreadsheet row 1), read as they
        are used: a large CSV is never held whole."""
        return self._rows()

    def rows(self) -> list[Row]:
        """Every row, as a list (for small sheets)."""
        return list(self._rows())


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
        check_workbook(path)
        return _workbook_sheets(path)
    if magic.startswith(b"%PDF"):
        raise FileFormatError("This is a PDF, not a spreadsheet. Choose a .csv, .xlsx or "
                              ".ods file.", file=path.name)
    encoding, lines = _encoding(path, magic)
    head = list(itertools.islice(_csv_rows(path, encoding), HEAD_ROWS))
    return [SheetSource(path.stem, head, functools.partial(_csv_rows, path, encoding),
                        lines)]


def _encoding(path: Path, magic: bytes) -> tuple[str, int]:
    """How the CSV's text is encoded (from its byte-order mark, or a first pass over the
    bytes), and how many line breaks it has."""
    lines = 1 if _ends_without_line_break(path) else 0
    if magic.startswith((b"\xff\xfe", b"\xfe\xff")):
        with path.open("rb") as fh:
            while block := fh.read(1 << 20):
                lines += block.count(b"\n")
        return "utf-16", lines
    if b"\x00" in magic:
        raise FileFormatError(
            "The file is not text: it holds NUL bytes, as a program's own file or text saved "
            "as UTF-16 without its marker does. Open it in Excel and save it as CSV UTF-8 "
            "or .xlsx.", file=path.name)
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        lines = 1 if _ends_without_line_break(path) else 0
        try:
            with path.open("rb") as fh:
                while block := fh.read(1 << 20):
                    decoder.decode(block)
                    lines += block.count(b"\n")
            decoder.decode(b"", final=True)
            return encoding, lines
        except UnicodeDecodeError:
            continue
    return "latin-1", lines


def _ends_without_line_break(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(0, 2)
        if fh.tell() == 0:
            return False
        fh.seek(-1, 2)
        return fh.read(1) != b"\n"


def _clean_lines(text: IO[str]) -> Iterator[str]:
    for line in text:
        yield clean_text(line)


def _csv_rows(path: Path, encoding: str) -> Iterator[Row]:
    """The file's records, a row at a time, text cleaned; a record the csv module cannot
    read (a cell over its 131,072-character limit, a stray NUL) refuses the file, naming
    the row."""
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    with path.open(encoding=encoding, newline="", errors="strict") as text:
        reader = csv.reader(_clean_lines(text), delimiter=delimiter)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileFormatError(
                    f"The file cannot be read as CSV here ({_csv_problem(exc)}). Open it in "
                    "Excel and save it again as CSV or .xlsx.", file=path.name,
                    row=reader.line_num) from None
            except UnicodeError:
                raise FileFormatError("The file's text is not in one encoding. Open it in "
                                      "Excel and save it again as CSV UTF-8.",
                                      file=path.name, row=reader.line_num) from None
            yield cast(Row, row)  # csv yields lists of str, which are rows of cells


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"a cell is longer than {csv.field_size_limit():,} characters"
    if "NUL" in text or "null" in text.lower():
        return "it holds a NUL character"
    return "a quoted cell is not closed, or a line is malformed"


def read_csv_rows(path: Path) -> list[Row]:
    """All records of a CSV file (tab-separated when its name ends in .tsv or .tab)."""
    with path.open("rb") as fh:
        magic = fh.read(8)
    return list(_csv_rows(path, _encoding(path, magic)[0]))


def long_cell(row: Sequence[Cell]) -> int | None:
    """The index of the first cell holding more text than a spreadsheet cell can, if any."""
    try:  # a CSV row is all text: one pass in C
        if max(map(len, row), default=0) <= MAX_TEXT:  # type: ignore[arg-type]
            return None
    except TypeError:  # a workbook row holds numbers and dates too
        pass
    for i, value in enumerate(row):
        if isinstance(value, str) and too_long(value):
            return i
    return None


def _clean_row(row: Sequence[Cell]) -> Row:
    return [clean_text(c) if isinstance(c, str) else c for c in row]


def _workbook_sheets(path: Path) -> list[SheetSource]:
    try:
        from python_calamine import CalamineSheet, CalamineWorkbook
    except ImportError:  # pragma: no cover - calamine is a dependency; openpyxl is the spare
        return _openpyxl_sheets(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets: list[SheetSource] = []
        visible = {m.name: "hidden" not in str(getattr(m, "visible", "")).lower()
                   for m in getattr(book, "sheets_metadata", [])}
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            end = sheet.end
            total = end[0] + 1 if end else 0

            def rows(sheet: CalamineSheet = sheet) -> Iterator[Row]:
                return _calamine_rows(path, sheet)

            head = list(itertools.islice(rows(), HEAD_ROWS))
            merged = [((a[0], a[1]), (b[0], b[1]))
                      for a, b in (getattr(sheet, "merged_cell_ranges", None) or [])
                      if a[0] < HEAD_ROWS]
            sheets.append(SheetSource(clean_text(name), head, rows, total,
                                      hidden=not visible.get(name, True), merged=merged))
        return sheets
    except FileFormatError:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # calamine raises several kinds (a panic too) for damaged files
        raise FileFormatError("The file could not be read as a spreadsheet: it is damaged or "
                              "not a workbook. Check that it opens in Excel, or save it "
                              "again as .xlsx.", file=path.name) from None


def _calamine_rows(path: Path, sheet: Any) -> Iterator[Row]:
    """The sheet's rows from spreadsheet row 1 and column A (calamine's rows start at row 1
    but at the first column used)."""
    start = sheet.start
    pad: Row = [None] * (start[1] if start else 0)
    if not hasattr(sheet, "iter_rows"):  # older calamine: the whole sheet, from A1
        pad, rows = [], iter(sheet.to_python(skip_empty_area=False))
    else:
        rows = sheet.iter_rows()
    try:
        while chunk := list(itertools.islice(rows, _CHUNK_ROWS)):
            # Most rows hold nothing to remove: one search over a few hundred rows' text
            # finds out; only a chunk with something to remove is gone through by row.
            if unsafe_in("\n".join([c for row in chunk for c in row if type(c) is str])):
                chunk = [_clean_row(row) if unsafe_in(
                    "\n".join([c for c in row if type(c) is str])) else row for row in chunk]
            if pad:
                chunk = [pad + row for row in chunk]
            yield from chunk
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException:
        raise FileFormatError("The spreadsheet could not be read to the end: it is damaged. "
                              "Save it again as .xlsx.", file=path.name) from None


_CHUNK_ROWS = 256
"""Rows whose text is looked at together."""


def _openpyxl_sheets(path: Path) -> list[SheetSource]:  # pragma: no cover - see above
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        raise FileFormatError("The file could not be read as a spreadsheet. Save it again "
                              "as .xlsx.", file=path.name) from None
    sheets = []
    for ws in book.worksheets:
        rows: list[Row] = [_clean_row(r) for r in ws.iter_rows(values_only=True)]
        sheets.append(SheetSource(ws.title, rows[:HEAD_ROWS], functools.partial(iter, rows),
                                  len(rows)))
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
