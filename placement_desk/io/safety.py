"""Refusing hostile files before any library parses them, and cleaning text alike in
every reader and writer.

A workbook (XLSX, ODS) or a zip of CSV files is a zip archive: a few kilobytes can
declare, or inflate to, gigabytes (a "zip bomb"), and one cell far down and to the
right makes a workbook library reserve room for every cell before it (a cell at
XFD1048576 asks for 17 billion). :func:`check_workbook` and :func:`check_zip` look at
each member's declared size and compression ratio, refuse encrypted members and
compression methods the reader does not know, and scan each sheet's XML as a stream
(never more than a few megabytes at a time) for its declared dimension and the
furthest cell it really uses, before python-calamine or openpyxl see the file. The
limits keep a sheet's cells within about 200 MB; a larger table is asked for as CSV,
which is read a row at a time.

:func:`clean_text` removes what must never be stored or exported: NUL and other
control characters, and the invisible marks that reverse the direction of text
(used to disguise what a value says). Every reader and writer uses it.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import FileFormatError

MAX_MEMBER_BYTES = 256 * 1024 * 1024
"""The most one member of a workbook may inflate to (it is parsed whole)."""
MAX_WORKBOOK_BYTES = 512 * 1024 * 1024
"""The most all members of a workbook together may inflate to."""
MAX_STREAMED_BYTES = 8 * 1024 * 1024 * 1024
"""The most one CSV inside a zip may inflate to (it is read a row at a time)."""
MAX_RATIO = 100
"""Inflating more than a hundredfold is a zip bomb, not a spreadsheet (real ones: 5–25)."""
RATIO_FLOOR = 1024 * 1024
"""Members smaller than this may inflate as they like."""
MAX_SHEET_CELLS = 6_000_000
"""Rows × columns of one sheet (about 200 MB in the workbook reader)."""
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384
"""Excel's own limits."""
MAX_TEXT = 32_767
"""The most characters a cell may hold (Excel's limit)."""
MAX_OLE_BYTES = 100 * 1024 * 1024
"""The largest .xls file read (an old-style workbook holds at most 65,536 rows)."""
KNOWN_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                           zipfile.ZIP_LZMA})
_CHUNK = 4 * 1024 * 1024
_MAX_CARRY = 16 * 1024 * 1024
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                     "\ufeff\ufff9-\ufffb]")
"""Control characters (tab and line breaks aside), direction overrides and isolates,
stray byte-order marks and interlinear annotation marks."""


def clean_text(text: str) -> str:
    """``text`` without control characters or direction-override marks."""
    return _UNSAFE.sub("", text) if _UNSAFE.search(text) else text


def unsafe_in(text: str) -> bool:
    """Whether :func:`clean_text` would remove anything from ``text`` (a line break, which
    it keeps, may join several texts to ask once)."""
    return _UNSAFE.search(text) is not None


def too_long(text: str) -> bool:
    return len(text) > MAX_TEXT


TOO_LONG = f"is longer than {MAX_TEXT:,} characters (more than a spreadsheet cell can hold)"


def save_as_csv(what: str) -> str:
    return (f"{what} Open it in Excel and save it as CSV (or split it), then choose that "
            "file.")


# -- zip archives ----------------------------------------------------------------------------

def check_zip(path: Path, *, streamed: bool = False) -> list[zipfile.ZipInfo]:
    """The members of a zip, after refusing a damaged, encrypted or bomb-like archive.

    ``streamed`` members (CSV read a row at a time) may be large but must still not
    inflate more than :data:`MAX_RATIO` times.
    """
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError):
        raise FileFormatError("The file is damaged: it looks like a zip archive (or a "
                              "workbook) but cannot be opened as one. Download or save it "
                              "again.", file=name) from None
    limit = MAX_STREAMED_BYTES if streamed else MAX_MEMBER_BYTES
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise FileFormatError("The file is protected with a password. Open it, remove "
                                  "the password, save it and try again.", file=name)
        if info.compress_type not in KNOWN_METHODS:
            raise FileFormatError(
                "The file is compressed in a way Placement Desk cannot read (method "
                f"{info.compress_type}). Save or zip it again with ordinary compression.",
                file=name)
        if info.file_size > limit:
            raise FileFormatError(save_as_csv(
                f"Part of the file ({info.filename}) would take {info.file_size:,} bytes "
                f"unpacked, more than the {limit // (1024 * 1024):,} MB Placement Desk "
                "reads."), file=name)
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1):
            raise FileFormatError(
                f"Part of the file ({info.filename}) would unpack to {info.file_size:,} "
                f"bytes from {info.compress_size:,}, more than {MAX_RATIO} times its size: "
                "this is not an ordinary spreadsheet or CSV file (it may be a zip bomb), so "
                "it was not opened.", file=name)
        total += info.file_size
    if not streamed and total > MAX_WORKBOOK_BYTES:
        raise FileFormatError(save_as_csv(
            f"The workbook would take {total:,} bytes unpacked, more than the "
            f"{MAX_WORKBOOK_BYTES // (1024 * 1024):,} MB Placement Desk reads."), file=name)
    return members


# -- workbooks -------------------------------------------------------------------------------

def check_workbook(path: Path) -> None:
    """Refuse a workbook that would take more than a bounded amount of memory to read."""
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(_OLE):
        _check_ole(path)
        return
    if not magic.startswith(_ZIP):
        return
    members = {i.filename: i for i in check_zip(path)}
    if "xl/workbook.bin" in members:
        raise FileFormatError("This is a binary Excel workbook (.xlsb), which Placement Desk "
                              "cannot check safely. Open it in Excel and save it as .xlsx "
                              "or CSV.", file=path.name)
    with zipfile.ZipFile(path) as archive:
        ods = "content.xml" in members and "xl/workbook.xml" not in members
        for name, info in members.items():
            if _may_hold_cells(name):
                _refuse_doctype(path, archive, info)
        names = {} if ods else _sheet_names(archive, members)
        for name, info in members.items():
            if ods:
                if name == "content.xml":
                    _check_ods_content(path, archive, info)
            elif _may_hold_cells(name):
                _check_xlsx_sheet(path, archive, info, names.get(name))


_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_HEAD_BYTES = 64 * 1024


def _refuse_doctype(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse a part that declares a document type or entities: spreadsheets never do, and
    entities are how XML is made to expand a billionfold ("billion laughs") or to read
    other files (external entities)."""
    try:
        with archive.open(info) as member:
            head = member.read(_HEAD_BYTES)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError):
        raise FileFormatError("The workbook is damaged: part of it cannot be unpacked. "
                              "Download or save it again.", file=path.name) from None
    if _DOCTYPE.search(head):
        raise FileFormatError("The workbook declares XML entities or a document type, which "
                              "spreadsheets never need and which can be used to harm (entity "
                              "expansion, reading other files). It was not opened; save it "
                              "again from Excel as .xlsx.", file=path.name)


def _may_hold_cells(name: str) -> bool:
    """Any XML part may be a sheet (the workbook's relationships can name any part)."""
    base = name.rsplit("/", 1)[-1].lower()
    return (base.endswith(".xml") or "." not in base) and base != "[content_types].xml" \
        and not name.endswith("/")


_SHEET_ENTRY = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\bid="([^"]*)"')
_RELATIONSHIP = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')


def _sheet_names(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]
                 ) -> dict[str, str]:
    """Sheet part → the sheet's name as Excel shows it (for messages), where the small
    workbook and relationship parts say so."""
    book, rels = members.get("xl/workbook.xml"), members.get("xl/_rels/workbook.xml.rels")
    if book is None or rels is None or max(book.file_size, rels.file_size) > RATIO_FLOOR:
        return {}
    try:
        sheets = dict((rid, name) for name, rid in _SHEET_ENTRY.findall(archive.read(book)))
        targets = dict(_RELATIONSHIP.findall(archive.read(rels)))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return {}
    found: dict[str, str] = {}
    for rid, name in sheets.items():
        target = targets.get(rid, b"").decode("utf-8", "replace").lstrip("/")
        part = target if target.startswith("xl/") else f"xl/{target}"
        found[part] = clean_text(name.decode("utf-8", "replace"))[:60]
    return found


def _check_ole(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_OLE_BYTES:
        raise FileFormatError(save_as_csv(
            f"The workbook is {size:,} bytes, more than an old-style (.xls) workbook "
            "should be."), file=path.name)
    with path.open("rb") as fh:
        if _ENCRYPTED_PACKAGE in fh.read():
            raise FileFormatError("The workbook is protected with a password. Open it in "
                                  "Excel, remove the password, save it and try again.",
                                  file=path.name)


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


def _check_xlsx_sheet(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                      sheet: str | None) -> None:
    """Refuse a sheet that declares or uses more rows, columns or cells than are read.

    A quick pass (:class:`_Bounds`) works out limits the sheet cannot exceed and lets an
    ordinary sheet through. Only a sheet it cannot vouch for is scanned as before: a
    first pass counts cell and row tags by their start alone (``<c``, ``<row`` and any
    ``:c`` or ``:row`` of a prefixed tag: more than there are, never fewer); only if that
    pass would refuse the sheet is it scanned again counting each kind of tag exactly,
    so that what is refused, and the message, are those of the exact count."""
    if _plainly_within_limits(path, archive, info):
        return
    try:
        _scan_xlsx_sheet(path, archive, info, sheet, exact=False)
    except FileFormatError:
        _scan_xlsx_sheet(path, archive, info, sheet, exact=True)


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


def _scan_xlsx_sheet(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo,
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


_QUICK_CHUNK = 1024 * 1024
_QUICK_SEED = 64 * 1024
"""How much of a sheet's start gives the first guess of its widest column."""
_QUICK_RAISES = 16
"""Raised bounds within one piece after which the rest of it is read reference by
reference, as the exact scan reads it (a sheet whose rows come in no order)."""
_SEAM = 32
"""Bytes either side of where two pieces meet that are looked at again together (a
plain reference is far shorter)."""
_WHITE_SPACE = frozenset(b" \t\n\r\x0b\x0c")
_REF_AT = re.compile(rb'([A-Za-z]*)([0-9]*)')
"""A reference's column letters and row digits, after its ``r="``."""
_LAST_REF = b' r="'
_ALL_BUT_C_AND_W = bytes(b for b in range(256) if b not in b"cw")


def _plainly_within_limits(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo
                           ) -> bool:
    """Whether :func:`_scan_xlsx_sheet` would surely accept the sheet, found in about the
    time it takes to unpack it. False refuses nothing: it sends the sheet to the exact
    scans, which meet again whatever was odd (a damaged member, an element too large to
    check, a reference out of the ordinary) and tell it as they always have."""
    chunks = _chunks(archive, info)
    bounds = _Bounds()
    tail = b""
    try:
        for chunk in chunks:
            # An attribute written otherwise than name="…" (the quick pass reads those
            # alone), or a cell or row without its reference, sends the sheet to the
            # exact scans. A tag at the end of a piece is looked at with the next.
            if _UNUSUAL_EQ.search(tail[-1:] + chunk[:1]) or _UNUSUAL_EQ.search(chunk) \
                    or _unreferenced_before(tail + chunk, len(tail) + len(chunk) - _TAG_HEAD):
                return False
            tail = chunk[-_TAG_HEAD:]
            if not bounds.take(chunk):
                return False
        if _unreferenced_before(tail, len(tail)):
            return False
    except _ReadFailed:
        return False
    finally:
        chunks.close()
    return bounds.finish()


class _ReadFailed(Exception):
    """Reading the member failed (told by the exact scans, which meet it again)."""


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Generator[bytes, None, None]:
    """The member's bytes as read, not cut at tags: first the :data:`_CHUNK` the exact
    scan reads first (where it looks for the declared dimension), then pieces of
    :data:`_QUICK_CHUNK`, which are looked at while they are still in the processor's
    cache."""
    try:
        with archive.open(info) as member:
            size = _CHUNK
            while chunk := member.read(size):
                yield chunk
                size = _QUICK_CHUNK
    except Exception as error:  # whatever it is, the exact scans meet it again
        raise _ReadFailed from error


def _letters(column: int) -> str:
    """A column's letters (the inverse of :func:`_column_number`)."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _any(top: str, times: str) -> str:
    return ("[0-9]" if top == "9" else "[A-Za-z]") + f"{{{times}}}"


def _up_to(char: str, top: str) -> str:
    """A class of the characters up to ``char`` (letters in either case)."""
    return f"[0-{char}]" if top == "9" else f"[A-{char}a-{char.lower()}]"


def _same_length(bound: str, top: str) -> str:
    """A run as long as ``bound`` that comes no later than it (for runs of one length,
    alphabetical order is their order)."""
    if bound == top * len(bound):
        return _any(top, str(len(bound)))
    head, rest = bound[0], bound[1:]
    parts = [(head if top == "9" else f"[{head}{head.lower()}]")
             + (_same_length(rest, top) if rest else "")]
    if head > ("0" if top == "9" else "A"):
        parts.append(_up_to(chr(ord(head) - 1), top)
                     + (_any(top, str(len(rest))) if rest else ""))
    return "(?:" + "|".join(parts) + ")"


def _within(bound: str, top: str) -> str:
    """Takes a run of digits (``top`` 9) or letters (``top`` Z) that comes no later than
    ``bound`` (shorter runs always do), and never gives back: what follows a longer or
    later run is still a digit or letter, which the pattern then finds."""
    if not bound:
        return ""
    head, rest = bound[0], bound[1:]
    if rest == top * len(rest):  # the usual shape (S, 199999): no alternatives
        return _up_to(head, top) + "?+" + (_any(top, f"0,{len(rest)}") + "+" if rest else "")
    return f"(?>{_same_length(bound, top)}|{_any(top, f'0,{len(rest)}') if rest else ''})"


def _beyond(columns: int, rows: int) -> re.Pattern[bytes]:
    """Finds each ``r="`` whose reference is not plainly within ``columns`` and ``rows``:
    one beyond them, or anything but letters, digits and a quote (an ordinary reference
    is looked at for a few characters and passed over)."""
    return re.compile(
        f'r="{_within(_letters(columns), "Z")}{_within(str(rows), "9")}[^"]'.encode())


def _rows_bound(rows: int, limit: int) -> int:
    """A bound at least ``rows`` for the pattern to check, as coarse as there is room
    for: the first digit kept and the rest 9s when that is within a quarter of the
    ``limit`` (the quickest pattern, and room for columns found later), else the first
    two digits within half of it, three within it, else ``rows`` itself."""
    text = str(rows)
    for kept, room in ((1, limit // 4), (2, limit // 2), (3, limit)):
        coarse = int(text[:kept] + "9" * max(len(text) - kept, 0))
        if coarse <= room:
            return max(rows, coarse)
    return rows


def _tag_starts(chunk: bytes, seam: bytes, name: bytes) -> int:
    """How many times ``<name`` or ``:name`` (a tag with a prefix) is in ``chunk`` and in
    ``seam``, where it meets the piece before; the second is not looked for where there is
    no colon at all (a quick look)."""
    return sum(part.count(b"<" + name) + (part.count(b":" + name) if b":" in part else 0)
               for part in (chunk, seam))


class _Bounds:
    """Limits a sheet's rows, columns and cells cannot exceed, gathered piece by piece,
    each no lower than what the exact scan would count.

    Cells are at most the letters ``c`` (every cell tag has one) and row tags at most
    the letters ``w``, counted together in one pass; once either count nears what is
    allowed, the starts of tags are counted instead, as the first exact pass counts
    them. Every ``r="`` is looked at by one pattern (:func:`_beyond`) that passes over
    references within the bounds so far and finds the rest, which are read as the exact
    scan reads them and raise the bounds. A reference of more than 7 digits or 3
    letters, a declared dimension the exact scan refuses, a stretch without a tag that
    it would find too long, or bounds beyond the limits end the quick pass: the exact
    scans then decide."""

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0
        self.cells = 0
        self.row_tags = 0
        self.cells_by_tag = False
        self.rows_by_tag = False
        self.read = 0
        self.last_tag = 0
        self.tail = b""

    def limit(self) -> int:
        return min(MAX_ROWS, MAX_SHEET_CELLS // max(self.columns, 1))

    def take(self, chunk: bytes) -> bool:
        if not self.read and not self._start(chunk):
            return False
        last_tag = chunk.rfind(b"<")
        if last_tag >= 0:
            self.last_tag = self.read + last_tag
        self.read += len(chunk)
        if self.read - self.last_tag > _MAX_CARRY:
            return False
        self._count_tags(chunk)
        seam = self.tail + chunk[:_SEAM]
        if not self._take_references(seam, stop=len(self.tail) + 1, last=True) \
                or not self._take_references(chunk, stop=len(chunk), last=False):
            return False
        self.tail = chunk[-_SEAM - 1:]  # and the byte before a reference there
        return self.within()

    def finish(self) -> bool:
        return self._take_references(self.tail, stop=len(self.tail), last=True) \
            and self.within()

    def within(self) -> bool:
        rows = max(self.rows, self.row_tags)
        return (rows <= MAX_ROWS and self.columns <= MAX_COLUMNS
                and rows * max(self.columns, 1) <= MAX_SHEET_CELLS
                and self.cells <= MAX_SHEET_CELLS)

    def _start(self, chunk: bytes) -> bool:
        """The declared dimension, looked for where the exact scan looks (its first piece
        ends at the last ``<`` of this chunk), and a first guess of the columns."""
        if chunk.rfind(b"<") <= 0:
            return False  # the exact scan's first piece would be longer
        first = chunk.find(b"dimension")  # quicker than trying the pattern at every <
        dim = None if first < 0 else _DIMENSION.search(  # (a match starts at the < before)
            chunk, max(chunk.rfind(b"<", 0, first), 0))
        if dim:
            try:
                _refuse_extent(Path(), "", int(dim.group(4) or dim.group(2) or 0),
                               _column_number(dim.group(3) or dim.group(1) or b""),
                               "declares")
            except FileFormatError:
                return False
        self.columns = max((_column_number(letters) for letters
                            in _REFS[1].findall(chunk, 0, _QUICK_SEED)
                            if len(letters) <= 3), default=0)
        return True

    def _count_tags(self, chunk: bytes) -> None:
        cells = rows = 0
        if not (self.cells_by_tag and self.rows_by_tag):
            letters = chunk.translate(None, _ALL_BUT_C_AND_W)
            rows = letters.count(b"w")
            cells = len(letters) - rows
        seam = self.tail[-3:] + chunk[:3]  # a tag's start cut in two (or counted twice)
        if self.cells_by_tag or self.cells + cells > MAX_SHEET_CELLS // 2:
            self.cells_by_tag = True
            cells = _tag_starts(chunk, seam, b"c")
        if self.rows_by_tag or self.row_tags + rows > self.limit() // 2:
            self.rows_by_tag = True
            rows = _tag_starts(chunk, seam, b"row")
        self.cells += cells
        self.row_tags += rows

    def _take_references(self, text: bytes, *, stop: int, last: bool) -> bool:
        """Takes in the references whose ``r="`` starts before ``stop``. One cut off by
        the end of ``text`` is left for the seam with the next piece, unless ``last``
        (then ``text`` ends where the member does, or there is room for any plain one)."""
        columns, rows = self.columns, self.rows
        if not last:
            rows = max(rows, self._last_row(text))
        rows = _rows_bound(rows, self.limit())
        pattern, raised, at = _beyond(columns, rows), 0, 0
        while (found := pattern.search(text, at)) and found.start() < stop:
            at = found.start() + 3
            if found.start() == 0 or text[found.start() - 1] not in _WHITE_SPACE:
                continue  # not an attribute r (the exact scan passes it over too)
            ref = _REF_AT.match(text, at)
            assert ref is not None  # (both of its runs may be empty)
            if ref.end() == len(text):  # cut off by the end of the text
                if last or found.start() < len(text) - _SEAM:
                    return False  # too long a run for a plain reference
                continue  # the seam with the next piece reads it whole
            letters, digits = ref.groups()
            if not digits or text[ref.end():ref.end() + 1] != b'"':
                continue  # not a reference (the exact scan passes it over too)
            if len(digits) > 7 or len(letters) > 3:
                return False
            row, column = int(digits), _column_number(letters)
            if row <= rows and column <= columns:
                continue
            columns, rows = max(columns, column), max(rows, row)
            raised += 1
            if raised > _QUICK_RAISES:  # no order: read the rest as the exact scan does
                digit_set = set(_REFS[0].findall(text, at))
                letter_set = set(_REFS[1].findall(text, at))
                if max(map(len, digit_set), default=0) > 7 \
                        or max(map(len, letter_set), default=0) > 3:
                    return False
                rows = max(rows, max(map(int, digit_set), default=0))
                columns = max(columns, max(map(_column_number, letter_set), default=0))
                break
            self.columns = columns
            rows = _rows_bound(rows, self.limit())
            pattern = _beyond(columns, rows)
        self.rows, self.columns = rows, columns
        return True

    @staticmethod
    def _last_row(chunk: bytes) -> int:
        """The row of the piece's last whole reference (in a sheet in order, its last
        row), as a first bound; 0 if there is none."""
        end = len(chunk)
        for _ in range(4):
            start = chunk.rfind(_LAST_REF, 0, end)
            if start < 0:
                return 0
            ref = _REF_AT.match(chunk, start + len(_LAST_REF))
            if ref is not None and ref.end() < len(chunk) and 0 < len(ref.group(2)) <= 7:
                return int(ref.group(2))
            end = start
        return 0


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


def _check_ods_content(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
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


def is_workbook_bytes(magic: bytes) -> bool:
    return magic.startswith((_ZIP, _OLE))


def open_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> IO[bytes]:
    """A member opened for streaming (zipfile stops at its declared size and checks it)."""
    return archive.open(info)
