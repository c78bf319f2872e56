"""Reading a team's own spreadsheet as a table: the sheet, its header row, its data rows.

Any .xlsx, .xlsm, .ods, .xls or .csv file is opened through
:func:`~placement_desk.io.tabular.open_sheets` (python-calamine for workbooks, after
:mod:`~placement_desk.io.safety` has refused bombs; the csv module for CSV, UTF-8 with
or without BOM, then Windows-1252), after refusing what no reader should be given: a
missing or empty file, a file larger than the limit the caller sets, a password-protected
workbook. The header row is found below title rows by how many of its cells match the
headings a kind knows (and can be chosen by hand); a heading merged over several
columns, or over two rows, is read into each column it covers. Blank rows are skipped
and empty columns after the last heading ignored. A cell longer than a spreadsheet cell
can hold refuses the file, naming the sheet, row and column. Nothing here knows what a
column means: that is the services' mapping.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import FileFormatError
from ..safety import MAX_TEXT, TOO_LONG
from ..tabular import HEAD_ROWS, Cell, Row, SheetSource, heading_key, is_blank_row, open_sheets

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a cell's text may not begin with in a file we write (OWASP's list)."""


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Book:
    """An opened file: its name, its SHA-256, and its sheets (the visible ones first)."""

    path: Path
    sha256: str
    sheets: list[SheetSource]

    @property
    def name(self) -> str:
        return self.path.name

    def sheet(self, name: str | None) -> SheetSource:
        """The sheet called ``name`` (any case), or the first when None."""
        if name is None:
            return self.sheets[0]
        for sheet in self.sheets:
            if sheet.name.casefold() == name.strip().casefold():
                return sheet
        names = ", ".join(s.name for s in self.sheets)
        raise FileFormatError(f"The file has no sheet called {name.strip()[:60]!r}; its "
                              f"sheets are: {names}.", file=self.name)


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def open_book(path: Path, max_bytes: int) -> Book:
    """The file's sheets, after refusing a missing, empty, oversized or protected file."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise FileFormatError("The file does not exist. Check its name and folder.",
                              file=path.name) from None
    except OSError:
        raise FileFormatError("The file could not be opened. If it is open in Excel, close "
                              "it and try again.", file=path.name) from None
    if path.is_dir():
        raise FileFormatError("This is a folder, not a file.", file=path.name)
    if size == 0:
        raise FileFormatError("The file is empty. Choose the spreadsheet that holds the "
                              "table.", file=path.name)
    if size > max_bytes:
        raise FileFormatError(
            f"The file is {size / 1048576:,.1f} MB, more than the {max_bytes / 1048576:,.0f} "
            "MB set as the largest file to import. Split it, or ask whoever looks after "
            "Placement Desk to raise the limit.", file=path.name)
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0") and path.suffix.lower() in (".xlsx", ".xlsm"):
        # An .xlsx saved with a password is an encrypted package inside an OLE file.
        raise FileFormatError("The workbook is protected with a password. Open it in "
                              "Excel, remove the password, save it and try again.",
                              file=path.name)
    sheets = open_sheets(path)
    sheets = [s for s in sheets if not _hidden(s)] + [s for s in sheets if _hidden(s)]
    if not sheets or all(is_blank_row(r) for s in sheets for r in s.head):
        raise FileFormatError("The file has no rows with anything in them.", file=path.name)
    return Book(path, _hash(path), sheets)


def _hidden(sheet: SheetSource) -> bool:
    return bool(getattr(sheet, "hidden", False))


# -- headers --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Header:
    """The header row (0-based index into the sheet's rows) and each column's heading."""

    index: int
    headings: list[str]
    """One per column up to the last heading; a blank heading is ''."""

    @property
    def row_number(self) -> int:
        """The header's row as a spreadsheet shows it (1-based)."""
        return self.index + 1


HEADING_MAX = 200
"""A heading is read up to this many characters (a longer cell is not a heading)."""


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value)[:HEADING_MAX].split())


def headings_at(head: Sequence[Sequence[Cell]], index: int) -> list[str]:
    """The headings of row ``index``. A group heading above (merged across the columns of
    its group, so that each of them holds it) joins each heading under it: "Placement"
    over "Start" and "End" gives "Placement Start" and "Placement End"; a heading merged
    over both rows stands alone. A title row above (one cell) is not a group heading.
    Empty columns after the last heading are left out."""
    row = [_text(c) for c in head[index]]
    above = [_text(c) for c in head[index - 1]] if index > 0 else []
    if sum(1 for a in above if a) < 2:
        above = []
    width = max(len(row), len(above))
    while width and not (row[width - 1] if width - 1 < len(row) else "") \
            and not (above[width - 1] if width - 1 < len(above) else ""):
        width -= 1
    headings = []
    for i in range(width):
        own = row[i] if i < len(row) else ""
        group = above[i] if i < len(above) and _is_group(above, i) else ""
        if own and group and heading_key(group) != heading_key(own):
            headings.append(f"{group} {own}")
        else:
            headings.append(own or group)
    return headings


def _is_group(above: list[str], i: int) -> bool:
    """The heading above column ``i`` spans more than one column (a group heading, merged
    across its columns), not a note that happens to sit above one column."""
    key = above[i]
    return bool(key) and ((i > 0 and above[i - 1] == key)
                          or (i + 1 < len(above) and above[i + 1] == key))


def find_header(head: Sequence[Sequence[Cell]], score: Callable[[list[str]], int],
                minimum: int = 1) -> Header | None:
    """The row among the first :data:`~placement_desk.io.tabular.HEAD_ROWS` whose headings
    ``score`` best (at least ``minimum``); None when none does."""
    best: Header | None = None
    best_score = minimum - 1
    for i, row in enumerate(head[:HEAD_ROWS]):
        if is_blank_row(row):
            continue
        headings = headings_at(head, i)
        value = score(headings)
        if value > best_score:
            best, best_score = Header(i, headings), value
    return best


def header_at(head: Sequence[Sequence[Cell]], index: int) -> Header:
    """The header row chosen by hand (0-based)."""
    return Header(index, headings_at(head, index))


def with_merges(sheet: SheetSource) -> list[Row]:
    """The sheet's top rows with each merged range's value copied into every cell it
    covers (a workbook's merged header cells; a CSV has none)."""
    rows = [list(r) for r in sheet.head]
    for (r0, c0), (r1, c1) in getattr(sheet, "merged", ()):
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, c1 + 1):
                if (r, c) == (r0, c0):
                    continue
                while len(rows[r]) <= c:
                    rows[r].append(None)
                if rows[r][c] is None or rows[r][c] == "":
                    rows[r][c] = value
    return rows


# -- data rows ------------------------------------------------------------------------------

@dataclass
class DataRow:
    """A data row: its number as a spreadsheet shows it, and its cells."""

    number: int
    cells: Row = field(default_factory=list)


def _unquote(value: Cell) -> Cell:
    """Text we wrote with a leading apostrophe to keep it from running as a formula, read
    back as it was ("'=A1" → "=A1")."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" \
            and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def data_rows(book: Book, sheet: SheetSource, header: Header) -> Iterator[DataRow]:
    """Every row below the header with anything in it, its cells cut to the headings'
    width; a cell holding more text than a spreadsheet cell can refuses the file."""
    width = len(header.headings)
    rows = itertools.islice(sheet.iter_rows(), header.row_number, None)
    number = header.row_number
    while chunk := list(itertools.islice(rows, _CHUNK_ROWS)):
        first = number + 1
        number += len(chunk)
        cut = [row[:width] if len(row) > width else row for row in chunk]
        # One look at a few hundred rows' text: only rows with a long text or an
        # apostrophe in them are gone through a cell at a time.
        text = "\n".join([c for cells in cut for c in cells if type(c) is str])
        careful = len(text) > MAX_TEXT or "'" in text
        for at, cells in enumerate(cut, first):
            if _blank(cells):
                continue
            yield DataRow(at, _checked(book, sheet, header, at, cells) if careful else cells)


_CHUNK_ROWS = 256
"""Rows whose text is looked at together."""


def _checked(book: Book, sheet: SheetSource, header: Header, number: int,
             cells: Row) -> Row:
    """The row's cells, refusing one too long for a spreadsheet, with text we wrote with
    a leading apostrophe read back (see :func:`_unquote`): a new list where one changes
    (the sheet's own rows are left as read)."""
    cells = list(cells)
    for i, value in enumerate(cells):
        if isinstance(value, str):
            if len(value) > MAX_TEXT:
                raise FileFormatError(
                    f"A cell {TOO_LONG}. Shorten it and try again.", file=book.name,
                    sheet=sheet.name, row=number,
                    column=f"{column_letter(i)} "
                           f"({header.headings[i][:40] or 'no heading'})")
            if value[:1] == "'":
                cells[i] = _unquote(value)
    return cells


def _blank(cells: Row) -> bool:
    """Whether a row's cells are all empty or spaces."""
    for c in cells:
        if c is None or c == "" or (isinstance(c, str) and not c.strip()):
            continue
        return False
    return True


def first_rows(sheet: SheetSource, header: Header, count: int) -> list[Row]:
    """Up to ``count`` non-blank rows under the header from the sheet's top rows (for
    samples and guessing by content)."""
    rows = [r[:len(header.headings)] for r in sheet.head[header.index + 1:]]
    return [[_unquote(c) for c in r] for r in rows if not is_blank_row(r)][:count]
