"""The quick pass of a workbook sheet's check: whether a sheet is surely within the
limits :mod:`.sheet_extent` sets, found in about the time it takes to unpack it.

It reads the sheet as it comes out of the zip and finds every reference that could lie
beyond the furthest row and column seen so far with one pattern search per piece, and
counts tags by their letters. It can only say "surely within" or "not sure": a sheet it
is not sure of goes to the exact scans, which decide every refusal and its message.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Generator
from pathlib import Path

from ..errors import FileFormatError
from . import sheet_extent as _extent
from .sheet_extent import (
    _DIMENSION,
    _REFS,
    _TAG_HEAD,
    _UNUSUAL_EQ,
    _column_number,
    _refuse_extent,
    _unreferenced_before,
)

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


def plainly_within_limits(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo
                           ) -> bool:
    """Whether :func:`scan_xlsx_sheet` would surely accept the sheet, found in about the
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
            size = _extent._CHUNK
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
        return min(_extent.MAX_ROWS, _extent.MAX_SHEET_CELLS // max(self.columns, 1))

    def take(self, chunk: bytes) -> bool:
        if not self.read and not self._start(chunk):
            return False
        last_tag = chunk.rfind(b"<")
        if last_tag >= 0:
            self.last_tag = self.read + last_tag
        self.read += len(chunk)
        if self.read - self.last_tag > _extent._MAX_CARRY:
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
        return (rows <= _extent.MAX_ROWS and self.columns <= _extent.MAX_COLUMNS
                and rows * max(self.columns, 1) <= _extent.MAX_SHEET_CELLS
                and self.cells <= _extent.MAX_SHEET_CELLS)

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
        if self.cells_by_tag or self.cells + cells > _extent.MAX_SHEET_CELLS // 2:
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
