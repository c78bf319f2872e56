"""How far a workbook's sheet reaches, read from its XML before any library parses it.

A spreadsheet reader builds a grid from the first cell to the furthest one a sheet
places (python-calamine reserves room for every cell of it), so one cell at XFD1048576
asks for 17 billion. :func:`scan_xlsx_sheet` reads an XLSX sheet's XML as a stream, a
few megabytes at a time, for its declared dimension, the furthest row and column its
cells and rows really use, and how many there are; :func:`check_ods_content` does the
same for an ODS spreadsheet, counting repeated rows and cells as often as they repeat.
A sheet beyond :data:`MAX_ROWS`, :data:`MAX_COLUMNS` or :data:`MAX_SHEET_CELLS` is
refused with a message naming it. A reference is read however XML lets it be written,
and a row or cell without one is placed as the reader places it.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import FileFormatError

MAX_SHEET_CELLS = 6_000_000
"""Rows × columns of one sheet (about 200 MB in the workbook reader)."""
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384
"""Excel's own limits."""
_CHUNK = 4 * 1024 * 1024
_MAX_CARRY = 16 * 1024 * 1024


def save_as_csv(what: str) -> str:
    return (f"{what} Open it in Excel and save it as CSV (or split it), then choose that "
            "file.")


def _stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path,
            marker: bytes) -> Iterator[bytes]:
    """The member's bytes in pieces of a few megabytes, each ending just before the last
    ``marker`` in it (the start of a tag), so that no tag is split between two pieces."""
    carry = b""
    try:
        with archive.open(info) as member:
            while True:
                chunk = member.read(_CHUNK)
                if not chunk:
                    break
                buffer = carry + chunk
                cut = buffer.rfind(marker)
                if cut <= 0:
                    if len(buffer) > _MAX_CARRY:
                        raise FileFormatError("The workbook has an element too large to "
                                              "check; save it again as .xlsx or CSV.",
                                              file=path.name)
                    carry = buffer
                    continue
                yield buffer[:cut]
                carry = buffer[cut:]
    except FileFormatError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError):
        raise FileFormatError("The workbook is damaged: part of it cannot be unpacked. "
                              "Download or save it again.", file=path.name) from None
    if carry:
        yield carry


_REFS = (re.compile(rb'\sr="[A-Za-z]*([0-9]+)"'), re.compile(rb'\sr="([A-Za-z]+)[0-9]+"'))
"""A cell (or row) reference's row number, and a cell reference's column letters."""
_SPACED_REFS = (re.compile(rb' r="[A-Za-z]*([0-9]+)"'), re.compile(rb' r="([A-Za-z]+)[0-9]+"'))
"""The same after a space (a literal start, which the pattern engine finds quicker)."""
_ANY_REF = re.compile(rb'(?:^|\s)r\s*=\s*["\']([A-Za-z]*)([0-9]*)["\']')
"""A reference in a tag's attributes written in any way XML allows: white space around
the equals sign, the value in single quotes. Excel never writes them, but the reader
takes them (a cell written ``r='XFD1048576'`` is placed there, and of two, the last),
so the tags of a piece with any are read attribute by attribute (see
:func:`_references_in_tags`), and text that looks like one is left alone."""
_UNUSUAL_EQ = re.compile(rb"=(?:(?<=[ \t\r\n]=)|[^\"])")
"""An equals sign not written as attributes usually are (``name="``): white space
before or after it, or a value in single quotes (or an equals sign in a cell's text)."""
_UNREFERENCED = (re.compile(rb'<c(?![ \t\r\n]+r=")[\s/>]'),
                 re.compile(rb'<row(?![ \t\r\n]+r=")[\s/>]'),
                 re.compile(rb':(?:c|row)(?![ \t\r\n]+r=")[\s/>]'))
"""A cell or row tag that does not begin with its reference, as Excel writes every one:
it may have none, and is then placed after the one before it (see :func:`_place`)."""
_TAG_HEAD = 64
"""Bytes of a tag's start that tell whether it begins with its reference (after any white
space before it, which no writer makes long)."""


def _unreferenced_before(window: bytes, end: int) -> bool:
    """Whether a cell or row tag starting before ``end`` in ``window`` lacks a leading
    reference (the first such tag, for each kind, is the leftmost the pattern finds)."""
    plain_cell, plain_row, prefixed = _UNREFERENCED
    for pattern in (plain_cell, plain_row):
        found = pattern.search(window)
        if found is not None and found.start() < end:
            return True
    if b":" in window:
        for found in prefixed.finditer(window, 0, min(len(window), end + _TAG_HEAD)):
            if found.start() >= end:
                break
            opened = window.rfind(b"<", 0, found.start())
            if opened >= 0 and window[opened + 1:opened + 2] != b"/":  # not </x:c>
                return True
    return False


_TAG_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
"""A row or cell tag (with any prefix), and its attributes."""
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row)[\s/>]")
_CELL_TAGS = (b"<c ", b"<c>", b"<c/", b"<c\t", b"<c\n", b"<c\r")
_ROW_TAGS = (b"<row ", b"<row>", b"<row/", b"<row\t", b"<row\n", b"<row\r")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref="([A-Za-z]*)([0-9]*)'
                        rb'(?::([A-Za-z]*)([0-9]*))?"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


@dataclass
class _Extent:
    rows: int = 0
    columns: int = 0
    cells: int = 0


def _sheet_name(info: zipfile.ZipInfo) -> str:
    return info.filename.rsplit("/", 1)[-1].removesuffix(".xml")


@dataclass
class _Placed:
    """Where the reader puts rows and cells: a row without a reference comes after the
    row before it, a cell without one after the cell before it. Followed from the first
    piece with such a tag, starting from the furthest row and column seen before it (at
    least where the reader is)."""

    following: bool = False
    row: int = 0
    column: int = 0
    last_row: int = 0
    last_column: int = 0


def _references_in_tags(piece: bytes) -> tuple[set[bytes], set[bytes]]:
    """The row numbers and column letters of every reference in the cell and row tags of
    ``piece``, however written."""
    digits: set[bytes] = set()
    letters: set[bytes] = set()
    for match in _TAG_OPEN.finditer(piece):
        for column, row in _ANY_REF.findall(match.group(2)):
            if row:
                digits.add(row)
            if column and row:
                letters.add(column)
    return digits, letters


def _place(piece: bytes, placed: _Placed) -> None:
    """Follow the rows and cells of ``piece``, as the reader places them."""
    for match in _TAG_OPEN.finditer(piece):
        refs = _ANY_REF.findall(match.group(2))
        letters, digits = refs[-1] if refs else (b"", b"")  # of two, the reader takes the last
        if match.group(1) == b"row":
            placed.row = int(digits) if digits else placed.row + 1
            placed.column = 0
        else:
            placed.column = _column_number(letters) if letters else placed.column + 1
            placed.last_column = max(placed.last_column, placed.column)
            if digits:
                placed.last_row = max(placed.last_row, int(digits))
        placed.last_row = max(placed.last_row, placed.row)


def scan_xlsx_sheet(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                     sheet: str | None, *, exact: bool) -> None:
    extent = _Extent()
    row_tags = 0
    referenced_rows = 0
    placed = _Placed()
    first = True
    for piece in _stream(archive, info, path, b"<"):
        if first:
            first = False
            dim = _DIMENSION.search(piece)
            if dim:
                declared_rows = int(dim.group(4) or dim.group(2) or 0)
                declared_cols = _column_number(dim.group(3) or dim.group(1) or b"")
                _refuse_extent(path, sheet or _sheet_name(info), declared_rows,
                               declared_cols, "declares")
        rows_before, columns_before = referenced_rows, extent.columns
        # Each distinct row number and column is worked out once: a sheet of 100,000 rows
        # has a million references but only a dozen columns. References follow a space
        # in every workbook seen; the patterns for any white space are slower.
        spaced = piece.count(b' r="') == piece.count(b'r="') or not any(
            w + b'r="' in piece for w in (b"\t", b"\n", b"\r"))
        if _UNUSUAL_EQ.search(piece):
            digit_set, letter_set = _references_in_tags(piece)
        else:
            rows_used, columns_used = (_SPACED_REFS if spaced else _REFS)
            digit_set = set(rows_used.findall(piece))
            letter_set = set(columns_used.findall(piece))
        if digit_set or letter_set:
            if max(map(len, digit_set), default=0) > 7 \
                    or max(map(len, letter_set), default=0) > 3:
                _refuse_extent(path, sheet or _sheet_name(info), MAX_ROWS + 1,
                               MAX_COLUMNS + 1, "uses")
            referenced_rows = max(referenced_rows, max(map(int, digit_set), default=0))
            extent.columns = max(extent.columns, max(map(_column_number, letter_set),
                                                     default=0))
        if not placed.following and _unreferenced_before(piece, len(piece)):
            placed.following = True  # from the furthest row and column of the pieces before
            placed.row = placed.last_row = rows_before
            placed.column = placed.last_column = columns_before
        if placed.following:
            _place(piece, placed)
        if not exact:  # at least as many as there are
            extent.cells += piece.count(b"<c") + piece.count(b":c")
            row_tags += piece.count(b"<row") + piece.count(b":row")
        elif _PREFIXED.search(piece):  # tags with a namespace prefix: count them by pattern
            extent.cells += len(_CELL_TAG.findall(piece))
            row_tags += len(_ROW_TAG.findall(piece))
        else:  # the usual case, counted without making a match per cell
            extent.cells += sum(piece.count(t) for t in _CELL_TAGS)
            row_tags += sum(piece.count(t) for t in _ROW_TAGS)
        extent.rows = max(row_tags, referenced_rows, placed.last_row)
        extent.columns = max(extent.columns, placed.last_column)
        _refuse_extent(path, sheet or _sheet_name(info), extent.rows,
                       max(extent.columns, 1), "uses")
        if extent.cells > MAX_SHEET_CELLS:
            _refuse_cells(path, sheet or _sheet_name(info), extent.cells)


def _refuse_extent(path: Path, sheet: str, rows: int, columns: int, verb: str) -> None:
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise FileFormatError(
            f"The workbook's sheet {sheet} {verb} cells beyond the last row or "
            "column a spreadsheet can have, so it is damaged or was made to harm. It was "
            "not opened.", file=path.name)
    if rows * columns > MAX_SHEET_CELLS:
        raise FileFormatError(save_as_csv(
            f"The workbook's sheet {sheet} {verb} {rows:,} rows by {columns:,} "
            f"columns, more than the {MAX_SHEET_CELLS:,} cells Placement Desk reads from a "
            "workbook (often because of one stray cell far down or to the right)."),
            file=path.name)


def _refuse_cells(path: Path, sheet: str, cells: int) -> None:
    raise FileFormatError(save_as_csv(
        f"The workbook's sheet {sheet} has more than {MAX_SHEET_CELLS:,} cells "
        f"({cells:,} so far)."), file=path.name)

_ODS_BLOCK = re.compile(rb"<table:table(-row)?([\s][^>]*?)?(/?)>|</table:table>")
_ROW_END = b"</table:table-row>"
_VALUE = rb'\s*=\s*["\']([0-9]+)["\']'
"""An attribute's number however XML lets it be written (in single quotes, with white
space around the equals sign), as the reader takes it."""
_COLUMNS_REPEATED = re.compile(rb"table:number-columns-repeated" + _VALUE)
_ROWS_REPEATED = re.compile(rb"table:number-rows-repeated" + _VALUE)
_TRAILING_EMPTY = re.compile(
    rb"<table:table-cell(?:(?!value-type)[^>])*?table:number-columns-repeated" + _VALUE
    + rb"(?:(?!value-type)[^>])*/>\s*$")
_TABLE_NAME = re.compile(rb'table:name="([^"]*)"')


def _row_width(body: bytes) -> int:
    """How many columns a row reaches, counting repeated cells each time and leaving out
    only a last run of empty cells (an upper bound of what a reader fills)."""
    cells = body.count(b"<table:table-cell") + body.count(b"<table:covered-table-cell")
    if b"repeated" not in body:
        return cells
    repeats = [int(n) for n in _COLUMNS_REPEATED.findall(body)]
    width = cells + sum(repeats) - len(repeats)
    trailing = _TRAILING_EMPTY.search(body)
    return width - int(trailing.group(1)) if trailing else width


def check_ods_content(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """The rows and columns each table of an ODS spreadsheet fills: repeated rows and
    cells count as many times as they repeat; trailing empty ones do not count."""
    name = ""
    row = last_row = width = 0
    for piece in _stream(archive, info, path, b"<table:table-row"):
        for match in _ODS_BLOCK.finditer(piece):
            is_row, attrs, closed = match.group(1), match.group(2) or b"", match.group(3)
            if match.group(0) == b"</table:table>":
                name, row, last_row, width = "", 0, 0, 0
                continue
            if not is_row:
                found = _TABLE_NAME.search(attrs)
                name = found.group(1).decode("utf-8", "replace")[:60] if found else ""
                continue
            repeated = _ROWS_REPEATED.search(attrs)
            rows = int(repeated.group(1)) if repeated else 1
            if closed:
                row += rows
                continue
            end = piece.find(_ROW_END, match.end())
            body = piece[match.end():end if end >= 0 else len(piece)]
            if b"value-type" in body or b"<text:" in body:
                width = max(width, _row_width(body))
                last_row = row + rows
            row += rows
            if last_row > MAX_ROWS or width > MAX_COLUMNS \
                    or last_row * width > MAX_SHEET_CELLS:
                _refuse_ods(path, name, last_row, width)


def _refuse_ods(path: Path, sheet: str, rows: int, columns: int) -> None:
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise FileFormatError("The spreadsheet fills cells beyond the last row or column a "
                              "spreadsheet can have, so it is damaged or was made to harm. "
                              "It was not opened.", file=path.name, sheet=sheet)
    raise FileFormatError(save_as_csv(
        f"The spreadsheet fills {rows:,} rows by {columns:,} columns, more than the "
        f"{MAX_SHEET_CELLS:,} cells Placement Desk reads from a workbook (repeated rows "
        "or cells count each time)."), file=path.name, sheet=sheet)
