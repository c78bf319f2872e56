"""Refusing hostile files before any library parses them, and cleaning text alike in
every reader and writer.

A workbook (XLSX, ODS) or a zip of CSV files is a zip archive: a few kilobytes can
declare, or inflate to, gigabytes (a "zip bomb"), and one cell far down and to the
right makes a workbook library reserve room for every cell before it (a cell at
XFD1048576 asks for 17 billion). :func:`check_workbook` and :func:`check_zip` look at
each member's declared size and compression ratio, refuse encrypted members and
compression methods the reader does not know, and scan each sheet's XML as a stream
(never more than a few megabytes at a time) for its declared dimension and the
furthest cell it really uses, before python-calamine or openpyxl see the file (the
scans are in :mod:`.sheet_extent` and :mod:`.sheet_quick`). The limits keep a sheet's
cells within about 200 MB; a larger table is asked for as CSV, which is read a row at a
time.

:func:`clean_text` removes what must never be stored or exported: NUL and other
control characters, and the invisible marks that reverse the direction of text
(used to disguise what a value says). Every reader and writer uses it.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import IO

from ..errors import FileFormatError
from .sheet_extent import (
    check_ods_content,
    save_as_csv,
    scan_xlsx_sheet,
)
from .sheet_quick import plainly_within_limits

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
MAX_TEXT = 32_767
"""The most characters a cell may hold (Excel's limit)."""
MAX_OLE_BYTES = 100 * 1024 * 1024
"""The largest .xls file read (an old-style workbook holds at most 65,536 rows)."""
KNOWN_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                           zipfile.ZIP_LZMA})
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
                    check_ods_content(path, archive, info)
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


def _check_xlsx_sheet(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                      sheet: str | None) -> None:
    """Refuse a sheet that declares or uses more rows, columns or cells than are read.

    A quick pass (:func:`~.sheet_quick.plainly_within_limits`) works out limits the sheet
    cannot exceed and lets an ordinary sheet through. Only a sheet it cannot vouch for is
    scanned exactly (:func:`~.sheet_extent.scan_xlsx_sheet`): a
    first pass counts cell and row tags by their start alone (``<c``, ``<row`` and any
    ``:c`` or ``:row`` of a prefixed tag: more than there are, never fewer); only if that
    pass would refuse the sheet is it scanned again counting each kind of tag exactly,
    so that what is refused, and the message, are those of the exact count."""
    if plainly_within_limits(path, archive, info):
        return
    try:
        scan_xlsx_sheet(path, archive, info, sheet, exact=False)
    except FileFormatError:
        scan_xlsx_sheet(path, archive, info, sheet, exact=True)


def is_workbook_bytes(magic: bytes) -> bool:
    return magic.startswith((_ZIP, _OLE))


def open_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> IO[bytes]:
    """A member opened for streaming (zipfile stops at its declared size and checks it)."""
    return archive.open(info)
