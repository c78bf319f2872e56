"""The check of a workbook's sheets before they are parsed: a quick pass vouches for an
ordinary sheet, and whatever it cannot vouch for is scanned exactly, as before. These
tests hide one far cell reference where the quick pass might miss it (the middle of a
large sheet, across the pieces the sheet is read in, after white space other than a
space, beyond its row's number, rows out of order) and check that it is refused with
the message the exact scan gives, worked out here by hand; and that every sheet the
quick pass lets through, the exact scan accepts too.

The sheets are built with zipfile, in memory; the large one is about 6 MB of XML (a
few hundred kilobytes packed), so that it is read in several pieces.
"""

from __future__ import annotations

import base64
import random
import zipfile
from pathlib import Path

import pytest

from placement_desk.errors import FileFormatError
from placement_desk.io import safety, sheet_extent, sheet_quick
from placement_desk.io.safety import check_workbook
from placement_desk.io.tabular import open_sheets
from tests.io.test_hostile_files import _xlsx

HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://'
        b'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
FOOT = b"</sheetData></worksheet>"
LETTERS = "ABCDEFGHIJKL"  # twelve columns, as in a placements tracker
BEYOND = "uses cells beyond the last row or column a spreadsheet can have"
WHOLE = "uses 1,048,576 rows by 16,384 columns"  # the last cell is within, but too far


def _row(number: int) -> bytes:
    cells = "".join(
        f'<c r="{column}{number}" t="inlineStr"><is><t>{column} {number * 7 % 1000}</t></is></c>'
        if i % 3 else f'<c r="{column}{number}" s="1"><v>{40000 + number % 9000}</v></c>'
        for i, column in enumerate(LETTERS))
    return f'<row r="{number}">{cells}</row>'.encode()


@pytest.fixture(scope="module")
def rows() -> list[bytes]:
    """An ordinary sheet's rows, in order, about 6 MB in all."""
    made, size, number = [], len(HEAD), 1
    while size < 6 * 1024 * 1024:
        made.append(_row(number))
        size += len(made[-1])
        number += 1
    return made


def _with(rows: list[bytes], at: int, hostile: bytes) -> bytes:
    """The sheet with one more row, holding the cell ``hostile`` (``<c``, white space,
    ``r="...`` and the rest of the tag), placed so that its white space is the byte
    ``at`` of the sheet's XML."""
    head, count = [HEAD], len(HEAD)
    for row in rows:
        if count + len(row) > at - 300:
            break
        head.append(row)
        count += len(row)
    number = len(head)  # the row before's number again (a repeat is no matter)
    opening = f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>'.encode()
    closing = b"</t></is></c>"
    fill = at - count - len(opening) - len(closing) - len(b"<c")
    assert fill > 0
    row = opening + b"x" * fill + closing + hostile + b"><v>1</v></c></row>"
    sheet = b"".join(head) + row + b"".join(rows[len(head) - 1:]) + FOOT
    assert sheet[at:at + 1] == hostile[2:3] and sheet.find(hostile) == at - 2
    return sheet


def _book(tmp_path: Path, sheet: bytes) -> Path:
    return _xlsx(tmp_path / "tracker.xlsx", sheet=sheet)


def _refused(path: Path, words: str) -> None:
    with pytest.raises(FileFormatError) as refusal:
        check_workbook(path)
    assert f"The workbook's sheet Sheet1 {words}" in str(refusal.value)


# Where in the sheet the far reference goes, and how the pieces cut it: the offset of
# the white space before its r= from the sheet's start.
FIRST = sheet_extent._CHUNK  # the end of the first piece read
LATER = sheet_extent._CHUNK + sheet_quick._QUICK_CHUNK  # the end of the next
PLACES = {
    "in the middle": 3 * 1024 * 1024 + 12_345,
    "white space last in the first piece": FIRST - 1,
    "r= cut from its value by the first piece's end": FIRST - 3,
    "the value cut by the first piece's end": FIRST - 6,
    "the end of the reference cut by the first piece's end": FIRST - 14,
    "white space first in a later piece": LATER,
    "the letters cut by a later piece's end": LATER - 5,
    "the digits cut by a later piece's end": LATER - 9,
}
HOSTILE = {
    "the last cell of all": (b' r="XFD1048576"', WHOLE),
    "a row of nine digits": (b' r="A123456789"', BEYOND),
    "four letters": (b' r="ABCD7"', BEYOND),
    "a row number beyond its row's": (b' r="B600000"', "uses 600,000 rows by 12 columns"),
    "after a tab": (b'\tr="XFD1048576"', WHOLE),
    "after a line break": (b'\nr="C900000"', "uses 900,000 rows by 12 columns"),
    "after a carriage return": (b'\rr="A123456789"', BEYOND),
    "in lower case": (b' r="xfd1048576"', WHOLE),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_far_reference_in_the_middle_of_a_large_sheet_is_refused(
        tmp_path: Path, rows: list[bytes], kind: str) -> None:
    reference, words = HOSTILE[kind]
    _refused(_book(tmp_path, _with(rows, PLACES["in the middle"], b"<c" + reference)), words)


@pytest.mark.parametrize("place", [p for p in PLACES if p != "in the middle"])
@pytest.mark.parametrize("kind", ["the last cell of all", "a row number beyond its row's",
                                  "after a line break"])
def test_a_far_reference_cut_by_the_pieces_read_is_refused(
        tmp_path: Path, rows: list[bytes], place: str, kind: str) -> None:
    reference, words = HOSTILE[kind]
    _refused(_book(tmp_path, _with(rows, PLACES[place], b"<c" + reference)), words)


@pytest.mark.parametrize("place", [FIRST - 33, LATER - 33, LATER - 20])
def test_a_reference_too_long_to_be_plain_is_refused_where_the_pieces_meet(
        tmp_path: Path, rows: list[bytes], place: int) -> None:
    """Forty letters, starting just before a piece ends: where the quick pass looks at
    the two pieces' edges together, the reference does not fit."""
    hostile = b'<c r="' + b"A" * 40 + b'1"'
    _refused(_book(tmp_path, _with(rows, place, hostile)), BEYOND)


def test_an_ordinary_large_sheet_is_let_through_by_the_quick_pass_alone(
        tmp_path: Path, rows: list[bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    """So that its check takes about the time of unpacking it: the exact scans, which
    read every reference, are not needed (a row beyond its row tag's number, within the
    limits, included)."""
    def exact_scan(*args: object, **kwargs: object) -> None:
        raise AssertionError("the exact scan was needed")

    monkeypatch.setattr(safety, "scan_xlsx_sheet", exact_scan)
    check_workbook(_book(tmp_path, HEAD + b"".join(rows) + FOOT))
    within = _with(rows, PLACES["white space first in a later piece"], b'<c r="L400000"')
    check_workbook(_book(tmp_path, within))  # 400,000 rows by 12 columns: 4.8 million cells


def test_a_wider_sheet_written_by_openpyxl_is_let_through_by_the_quick_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    for r in range(3000):
        sheet.append([f"r{r}c{c}" if c % 2 else r * c for c in range(40)])  # A to AN
    path = tmp_path / "wide.xlsx"
    book.save(path)
    monkeypatch.setattr(safety, "scan_xlsx_sheet", lambda *a, **k: pytest.fail("exact"))
    check_workbook(path)


def test_rows_out_of_order_are_read_and_a_far_cell_among_them_refused(tmp_path: Path) -> None:
    numbers = list(range(1, 20_001))
    random.Random(15).shuffle(numbers)
    sheet = HEAD + b"".join(_row(n) for n in numbers) + FOOT
    check_workbook(_book(tmp_path, sheet))
    assert len(open_sheets(tmp_path / "tracker.xlsx")[0].rows()) == 20_000
    far = sheet.replace(b'<c r="K17" ', b'<c r="K510000" ')  # 510,000 by 12: 6.12 million
    assert far != sheet
    _refused(_book(tmp_path, far), "uses 510,000 rows by 12 columns")


@pytest.mark.parametrize("before", [b"", b'<row r="1"><c r="A1" t="inlineStr"><is><t>dimension'
                                         b"</t></is></c></row>"])
def test_a_declared_dimension_with_a_prefix_is_refused(tmp_path: Path, before: bytes) -> None:
    sheet = HEAD.replace(b"<sheetData>", b"") + before.replace(b"row", b"x:row") + \
        b'<x:dimension ref="A1:XFD1048576"/><sheetData>' + _row(2) + FOOT
    _refused(_book(tmp_path, sheet), "declares 1,048,576 rows by 16,384 columns")


def test_a_far_row_after_many_rows_above_the_last_is_refused(tmp_path: Path) -> None:
    """The sheet's last row is numbered 1 again, so that the quick pass's first guess of
    its rows (the last row's number) is raised at every decade, until it reads the rest
    of the piece reference by reference: a far row there is refused all the same."""
    rows = [_row(n) for n in range(1, 5001)]
    rows[3000] = rows[3000].replace(b'<c r="B3001" ', b'<c r="B600000" ')
    _refused(_book(tmp_path, HEAD + b"".join(rows) + _row(1) + FOOT),
             "uses 600,000 rows by 12 columns")


def test_a_long_stretch_without_a_tag_is_refused(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A stretch without a tag longer than the exact scan holds at once (16 MB, lowered
    here so that the sheet stays small) is refused as before; one within it is read."""
    monkeypatch.setattr(sheet_extent, "_MAX_CARRY", 256 * 1024)
    monkeypatch.setattr(sheet_extent, "_CHUNK", 64 * 1024)
    monkeypatch.setattr(sheet_quick, "_QUICK_CHUNK", 16 * 1024)
    text = base64.b64encode(random.Random(3).randbytes(300 * 1024))
    open_text = HEAD + _row(1) + b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
    with pytest.raises(FileFormatError, match="element too large to check"):
        check_workbook(_book(tmp_path, open_text + text + b"</t></is></c></row>" + FOOT))
    check_workbook(_book(tmp_path, open_text + text[:200 * 1024] + b"</t></is></c></row>"
                         + FOOT))


@pytest.mark.parametrize("prefix", [b"", b"x:"])
@pytest.mark.parametrize("tags", [1000, 1001])
def test_row_tags_cut_by_the_pieces_read_are_counted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tags: int, prefix: bytes) -> None:
    """Rows without a number count one each, with a namespace prefix or not. With the
    limit lowered to 1,000 cells and sheets read in pieces of 64 bytes, many row tags are
    cut in two; the 1,001st row is refused all the same."""
    monkeypatch.setattr(sheet_extent, "MAX_SHEET_CELLS", 1000)
    monkeypatch.setattr(sheet_extent, "_CHUNK", 256)
    monkeypatch.setattr(sheet_quick, "_QUICK_CHUNK", 64)
    sheet = HEAD + b'<row><c r="A1"><v>1</v></c></row>' + (b"<" + prefix + b"row/>") \
        * (tags - 1) + FOOT
    path = _book(tmp_path, sheet)
    if tags > 1000:
        _refused(path, "uses 1,001 rows by 1 columns")
    else:
        check_workbook(path)


@pytest.mark.parametrize("prefix", [b"", b"x:"])
@pytest.mark.parametrize("cells", [1000, 1001])
def test_cell_tags_cut_by_the_pieces_read_are_counted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cells: int, prefix: bytes) -> None:
    """Cells without a reference count one each, with a prefix or not, cut in two by the
    pieces or not."""
    monkeypatch.setattr(sheet_extent, "MAX_SHEET_CELLS", 1000)
    monkeypatch.setattr(sheet_extent, "_CHUNK", 256)
    monkeypatch.setattr(sheet_quick, "_QUICK_CHUNK", 64)
    sheet = HEAD + b'<row r="1">' + (b"<" + prefix + b"c/>") * cells + b"</row>" + FOOT
    path = _book(tmp_path, sheet)
    if cells > 1000:  # placed one after another: the 1,001st is in column 1,001
        _refused(path, "uses 1 rows by 1,001 columns")
    else:
        check_workbook(path)


# -- the quick pass against the exact scan ---------------------------------------------------

def _column(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _name(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def test_the_pattern_finds_every_reference_beyond_its_bounds() -> None:
    """For bounds as the quick pass sets them (at most 3 letters and 7 digits) and
    references of any case and length: each reference beyond them is found; one within
    them, of no more digits than the bound, is passed over."""
    draw = random.Random(7)
    for _ in range(1500):
        columns = draw.choice([0, 1, 12, 19, 26, 27, 40, 52, 702, 703, 16_384,
                               draw.randint(1, 18_278)])
        rows = draw.choice([0, 9, 99, 100, 93_999, 99_999, 109_999, 199_999, 1_048_576,
                            draw.randint(0, 9_999_999)])
        pattern = sheet_quick._beyond(columns, rows)
        for _ in range(20):
            letters = "".join(draw.choice("ABCXYZabcxyz") for _ in range(draw.randint(0, 4)))
            if columns and draw.random() < 0.4:
                letters = _name(max(1, columns + draw.randint(-2, 2)))
            digits = str(draw.randint(0, 10 ** draw.randint(1, 8)))
            if draw.random() < 0.4:
                digits = str(max(0, rows + draw.randint(-2, 2)))
            found = pattern.search(b'<c r="' + (letters + digits).encode() + b'"/>')
            beyond = _column(letters) > columns or int(digits) > rows
            if beyond:
                assert found, (columns, rows, letters, digits)
            elif len(digits) <= len(str(rows)):
                assert not found, (columns, rows, letters, digits)


def _random_sheet(draw: random.Random, rows: int, cells: int) -> bytes:
    """A small sheet with something odd in it now and then: rows out of order or without
    numbers, prefixed tags, white space of every kind, references far away, too long, in
    lower case or not references at all, a declared dimension, text that looks like a
    reference. Its rows are numbered from 1, or from near the limits of ``rows`` rows and
    ``cells`` cells."""
    odd = draw.choice([0.0, 0.0, 0.005, 0.03])
    space = [b" ", b" ", b"\t", b"\n", b"\r", b"  "]
    width = draw.choice([3, 12, 30, 60])
    start = max(0, draw.choice([0, 0, rows // 2, rows - 65, cells // width - 30]))
    numbers = list(range(start + 1, start + draw.randint(2, 60)))
    if draw.random() < 0.2:
        draw.shuffle(numbers)
    parts = [HEAD]
    if draw.random() < 0.2:
        parts.insert(1, f'<dimension ref="A1:{_name(draw.randint(1, 60))}'
                        f'{draw.randint(1, rows + 100)}"/>'.encode())
    for n in numbers:
        row = b"x:row" if draw.random() < 0.2 else b"row"
        number = b"" if draw.random() < 0.05 else draw.choice(space) + f'r="{n}"'.encode()
        parts.append(b"<" + row + number + b">")
        for c in range(1, draw.randint(1, width) + 1):
            ref = f"{_name(c)}{n}"
            if draw.random() < odd:
                ref = draw.choice([f"{_name(draw.randint(1, 20_000))}{n}",
                                   f"{_name(c)}{draw.randint(1, 2_000_000)}", f"ABCD{n}",
                                   f"{_name(c)}000000{n}", f"{_name(c).lower()}{n}",
                                   f"{_name(c)}{'9' * draw.randint(8, 40)}", "",
                                   "A" * draw.randint(4, 60) + "1", f"{_name(c)}{n}x"])
            cell = b"x:c" if row == b"x:row" else b"c"
            parts.append(b"<" + cell + draw.choice(space) + f'r="{ref}"'.encode())
            text = draw.choice([b"x", b"with w", b"ccc", b'r="XFD9"', b"9999999999"])
            if draw.random() < odd:
                text = draw.choice([b' r="XFD1048576"', b' r="A99999999"'])
            parts.append(b' t="inlineStr"><is><t>' + text + b"</t></is></" + cell + b">")
        parts.append(b"</" + row + b">")
    return b"".join(parts) + FOOT


def _exact(path: Path) -> str:
    """What the exact scans (alone) say of the sheet: "" when they accept it."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        try:
            try:
                sheet_extent.scan_xlsx_sheet(path, archive, info, "Sheet1", exact=False)
            except FileFormatError:
                sheet_extent.scan_xlsx_sheet(path, archive, info, "Sheet1", exact=True)
        except FileFormatError as refusal:
            return str(refusal)
    return ""


def test_what_the_quick_pass_lets_through_the_exact_scan_accepts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hundreds of small sheets, read in pieces of a few dozen bytes (so that references
    and tags are cut in every way) with limits lowered to match: whenever the quick pass
    vouches for a sheet, the exact scan accepts it; the check refuses what the exact scan
    refuses, with its message; and most ordinary sheets need no exact scan at all."""
    draw = random.Random(2025)
    vouched = ordinary = 0
    for case in range(400):
        monkeypatch.setattr(sheet_extent, "_CHUNK", draw.choice([256, 512, 4096]))
        monkeypatch.setattr(sheet_quick, "_QUICK_CHUNK", draw.choice([64, 100, 256]))
        monkeypatch.setattr(sheet_quick, "_QUICK_SEED", draw.choice([50, 200, 65536]))
        cells = draw.choice([6_000_000, 5000, 300])
        rows, columns = draw.choice([(1_048_576, 16_384), (1000, 30), (200_000, 50)])
        monkeypatch.setattr(sheet_extent, "MAX_SHEET_CELLS", cells)
        monkeypatch.setattr(sheet_extent, "MAX_ROWS", rows)
        monkeypatch.setattr(sheet_extent, "MAX_COLUMNS", columns)
        sheet = _random_sheet(draw, rows, cells)
        path = _book(tmp_path, sheet)
        exact = _exact(path)
        with zipfile.ZipFile(path) as archive:
            quick = sheet_quick.plainly_within_limits(
                path, archive, archive.getinfo("xl/worksheets/sheet1.xml"))
        assert not (quick and exact), f"case {case}: {exact}"
        if exact:
            with pytest.raises(FileFormatError) as refusal:
                check_workbook(path)
            assert str(refusal.value) == exact
        else:
            check_workbook(path)
            # a row or cell without its reference (which no spreadsheet program writes)
            # is placed by the exact scan
            if not sheet_extent._unreferenced_before(sheet, len(sheet)):
                ordinary += 1
                vouched += quick
    assert ordinary > 25 and vouched > 0.8 * ordinary, (vouched, ordinary)



# -- references written as no spreadsheet program writes them, which the reader takes ------

def _cell(ref: bytes, text: bytes = b"x") -> bytes:
    return b'<c ' + ref + b' t="inlineStr"><is><t>' + text + b"</t></is></c>"


ODD_REFERENCES = [b"r='Z900000'", b'r = "Z900000"', b'r\t=\t"Z900000"', b"r=\n'Z900000'",
                  # two references in one tag: the reader takes the last
                  b'r="B2" r = "Z900000"', b'r="B2" r="Z900000"']


@pytest.mark.parametrize("ref", ODD_REFERENCES)
def test_the_reader_places_a_cell_by_a_reference_written_any_way_xml_allows(
        tmp_path: Path, ref: bytes) -> None:
    """Why the check reads them: the reader puts the cell where such a reference says
    (shown on a near cell, C5, not to take gigabytes here)."""
    from python_calamine import CalamineWorkbook

    near = ref.replace(b"Z900000", b"C5")
    path = _book(tmp_path, HEAD + _row(1) + b'<row r="5">' + _cell(near) + b"</row>" + FOOT)
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    assert (sheet.height, sheet.width) == (5, 12)
    assert sheet.to_python()[4][2] == "x"


@pytest.mark.parametrize("ref", ODD_REFERENCES)
def test_a_far_reference_written_any_way_xml_allows_is_refused(tmp_path: Path,
                                                               ref: bytes) -> None:
    _refused(_book(tmp_path, HEAD + _row(1) + b'<row r="2">' + _cell(ref) + b"</row>" + FOOT),
             "uses 900,000 rows by 26 columns")


@pytest.mark.parametrize("row", [b'<row r="900000">', b"<row r='900000'>"])
def test_a_far_row_of_cells_without_references_is_refused(tmp_path: Path, row: bytes) -> None:
    """Cells without a reference are placed one after another along their row: a hundred
    of them in row 900,000 would have the reader make 90 million cells."""
    cells = b"".join(b'<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(100))
    _refused(_book(tmp_path, HEAD + _row(1) + row + cells + b"</row>" + FOOT),
             "uses 900,000 rows by 100 columns")


def test_equals_signs_and_quotes_in_text_are_read_as_text(tmp_path: Path) -> None:
    """Text with an equals sign after a space or before a quote sends the sheet to the
    exact scan, which accepts it."""
    texts = [b"Fee = 1,200 a week", b"Route='spot'", b"a r = 'Z900000' note"]
    rows = b"".join(b'<row r="%d">' % n + _cell(b'r="A%d"' % n, t) + b"</row>"
                    for n, t in enumerate(texts, 2))
    path = _book(tmp_path, HEAD + _row(1) + rows + FOOT)
    with zipfile.ZipFile(path) as archive:
        assert not sheet_quick.plainly_within_limits(
            path, archive, archive.getinfo("xl/worksheets/sheet1.xml"))
    check_workbook(path)
