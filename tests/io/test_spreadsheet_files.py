"""Reading teams' own workbooks as they are made (title rows, merged headings, blank rows,
dates as text and as serials, trailing empty columns, Windows-1252 CSV) and writing
exports and templates that are marked, formatted and never run a formula."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from placement_desk.io.spreadsheets.reading import (
    data_rows,
    find_header,
    headings_at,
    open_book,
    with_merges,
)
from placement_desk.io.spreadsheets.writing import MARKING, Column, Table, write_table

LIMIT = 50 * 1024 * 1024


def _score(headings: list[str]) -> int:
    return sum(1 for h in headings if h.lower() in {"child ref", "placement start",
                                                    "placement end", "type"})


def tracker(path: Path) -> Path:
    """A tracker as a team keeps it: two title rows, a blank row, a heading merged over
    two rows, a group heading merged over two columns, dates typed as text and as Excel
    serials, a blank row in the data and empty formatted columns to the right."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Tracker"
    sheet["A1"] = "Sutton placements tracker"
    sheet["A2"] = "Updated monthly by the placements team"
    sheet["A4"], sheet["B4"], sheet["D4"] = "Child ref", "Placement", "Type"
    sheet.merge_cells("A4:A5")
    sheet.merge_cells("B4:C4")
    sheet.merge_cells("D4:D5")
    sheet["B5"], sheet["C5"] = "Start", "End"
    sheet.append(["C001", "01/04/2024", None, "U4"])
    sheet.append([])
    sheet.append(["C002", 45400, 45500, "K2"])  # serials: 18/04/2024 and 27/07/2024
    sheet["H9"] = ""  # a formatted but empty cell far to the right
    sheet.column_dimensions["J"].width = 30
    book.save(path)
    return path


def test_a_header_is_found_below_title_rows_with_merged_headings(tmp_path: Path) -> None:
    book = open_book(tracker(tmp_path / "tracker.xlsx"), LIMIT)
    sheet = book.sheet(None)
    head = with_merges(sheet)
    header = find_header(head, _score)
    assert header is not None and header.row_number == 5
    assert header.headings == ["Child ref", "Placement Start", "Placement End", "Type"]
    rows = [(r.number, r.cells) for r in data_rows(book, sheet, header)]
    # calamine gives an empty cell inside the table as '' and numbers as floats
    assert rows == [(6, ["C001", "01/04/2024", "", "U4"]), (8, ["C002", 45400.0, 45500.0, "K2"])]


def test_a_title_row_above_the_headings_is_not_taken_for_a_group() -> None:
    head = [["Placements 2025", None, None], ["Child ref", "Start", "End"]]
    assert headings_at(head, 1) == ["Child ref", "Start", "End"]


def test_a_windows_1252_csv_is_read(tmp_path: Path) -> None:
    path = tmp_path / "fees.csv"
    path.write_bytes('Provider,Weekly fee\r\nCafé Homes Ltd,"£1,234.50"\r\n'.encode("cp1252"))
    book = open_book(path, LIMIT)
    assert book.sheet(None).rows()[1] == ["Café Homes Ltd", "£1,234.50"]


FORMULAS = ["=1+1", "+44 20 7946 0000", "-x", "@SUM(A1:A2)", "\tTabbed", "\rReturned",
            '=HYPERLINK("http://example.com","click")']


def _export(path: Path) -> Path:
    columns = [Column("Text"), Column("Amount", "money"), Column("Count", "int"),
               Column("Day", "date")]
    rows = [[text, -500, -5, dt.date(2025, 4, 1)] for text in FORMULAS]
    return write_table(path, Table("Data", columns, rows, title="Test – all records"))


def test_formula_text_is_a_plain_text_cell_in_a_workbook(tmp_path: Path) -> None:
    path = _export(tmp_path / "out.xlsx")
    sheet = load_workbook(path).active
    assert sheet is not None
    assert sheet["A1"].value == MARKING and sheet["A2"].value == "Test – all records"
    assert [c.value for c in sheet[3]] == ["Text", "Amount", "Count", "Day"]
    for row, text in enumerate(FORMULAS, 4):
        cell = sheet.cell(row, 1)
        assert cell.data_type == "s", (text, cell.data_type)
        assert cell.value == text
        assert sheet.cell(row, 2).value == -5.0 and sheet.cell(row, 2).data_type == "n"
        assert sheet.cell(row, 3).value == -5
        assert sheet.cell(row, 4).value == dt.datetime(2025, 4, 1)
        assert sheet.cell(row, 4).number_format == "dd/mm/yyyy"
    assert sheet.cell(4, 2).number_format == '"£"#,##0.00'
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == f"A3:D{3 + len(FORMULAS)}"
    assert MARKING in sheet.oddHeader.center.text and MARKING in sheet.oddFooter.left.text
    assert sheet.column_dimensions["A"].width >= len(FORMULAS[-1])


def test_formula_text_is_inert_in_a_csv(tmp_path: Path) -> None:
    path = _export(tmp_path / "out.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == [MARKING] and rows[2] == ["Text", "Amount", "Count", "Day"]
    for row, text in zip(rows[3:], FORMULAS, strict=True):
        assert row[0] == "'" + text  # OWASP: an apostrophe first
        assert row[1] == "-£5.00"  # written by us from a number, not text: no apostrophe
        assert row[2] == "-5", "numbers stay numbers"
        assert row[3] == "01/04/2025"


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice is not installed here; openpyxl reads the file back "
                           "in the test above")
def test_libreoffice_reads_the_same_rows_and_no_formula(tmp_path: Path) -> None:
    path = _export(tmp_path / "out.xlsx")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir",
                    str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 3 + len(FORMULAS)
    assert [r[0].strip() for r in rows[3:]] == [t.strip() for t in FORMULAS], \
        "each formula-like text comes out as the text, not a result"
    assert [r[2] for r in rows[3:]] == ["-5"] * len(FORMULAS)


def test_a_template_has_drop_downs_on_a_hidden_sheet_and_date_checks(tmp_path: Path) -> None:
    choices = tuple(f"Choice number {n} with a long label" for n in range(20))
    assert len(",".join(choices)) > 255, "longer than Excel takes inline"
    columns = [Column("Name", required=True), Column("Type", choices=choices),
               Column("Start", "date")]
    path = write_table(tmp_path / "template.xlsx",
                       Table("Data", columns, (), title="Template", template=True))
    book = load_workbook(path)
    lists = book["Lists"]
    assert lists.sheet_state == "hidden"
    assert [lists.cell(r, 1).value for r in range(2, 22)] == list(choices)
    rules = book["Data"].data_validations.dataValidation
    by_type = {v.type: v for v in rules}
    assert by_type["list"].formula1 == "Lists!$A$2:$A$21"
    assert "B4" in str(by_type["list"].sqref)
    assert by_type["date"].operator == "between" and "C4" in str(by_type["date"].sqref)


def test_rows_far_down_a_long_sheet_are_read_and_refused_as_near_the_top(
        tmp_path: Path) -> None:
    """Rows are looked at a few hundred at a time: a hidden control character, text we
    wrote with a protective apostrophe and a cell too long for a spreadsheet are each
    found on the row where they are, however far down."""
    from placement_desk.errors import FileFormatError
    from placement_desk.io.safety import MAX_TEXT

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Child ref", "Notes"])
    for n in range(1, 701):
        sheet.append([f"C{n:04d}", None])
    sheet["B401"] = "Seen\u202e weekly"  # a direction override: text made to mislead
    sheet["B402"] = "'=SUM(A1:A2)"  # as our export writes formula-like text
    sheet["B403"] = "Kept 'as' typed"
    path = tmp_path / "long.xlsx"
    book.save(path)
    opened = open_book(path, LIMIT)
    source = opened.sheets[0]
    header = find_header(with_merges(source), _score)
    if header is None:
        header = headings_at(with_merges(source), 0)
    rows = {r.number: r.cells for r in data_rows(opened, source, header)}
    assert sorted(rows) == list(range(2, 702))
    assert rows[401] == ["C0400", "Seen weekly"]
    assert rows[402] == ["C0401", "=SUM(A1:A2)"]
    assert rows[403] == ["C0402", "Kept 'as' typed"]
    assert rows[404][0] == "C0403" and not rows[404][1]

    # a workbook cannot hold a longer text (Excel and openpyxl cut it); a CSV can
    lines = ["Child ref,Notes", *(f"C{n:04d}," for n in range(1, 701))]
    lines[650] = "C0650," + "x" * (MAX_TEXT + 1)
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    opened = open_book(path, LIMIT)
    with pytest.raises(FileFormatError) as refused:
        list(data_rows(opened, opened.sheets[0], header))
    assert refused.value.row == 651 and str(refused.value.column).startswith("B")
