"""Reading SSDA903 header and episodes files: columns by name, rows or their problems."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from placement_desk.errors import FileFormatError
from placement_desk.io import ssda903_files
from placement_desk.io.ssda903_files import read_episodes_file, read_header_file
from placement_desk.io.ssda903_records import EPISODE_COLUMNS, HEADER_COLUMNS
from placement_desk.io.ssda903_rows import parse_episode_row, parse_header_row
from placement_desk.models.enums import Sex
from placement_desk.progress import Cancelled, TaskState
from tests.reference import SSDA903, need

EPISODE_HEAD = ",".join(EPISODE_COLUMNS)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _day(text: str) -> dt.date | None:
    """dd/mm/yyyy read by hand, independently of the reader."""
    try:
        day, month, year = text.split("/")
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


@pytest.mark.reference
def test_the_published_files_read_with_every_row_accounted_for() -> None:
    header_path = need(SSDA903 / "header.csv")
    episodes_path = need(SSDA903 / "episodes.csv")
    with open(header_path, encoding="utf-8-sig", newline="") as fh:
        header_rows = list(csv.DictReader(fh))
    with open(episodes_path, encoding="utf-8-sig", newline="") as fh:
        episode_rows = list(csv.DictReader(fh))
    # A row is refused only when it cannot be stored: no child, no start date, no
    # placement type, or a date that is not a date.
    good_header = [r for r in header_rows if r["CHILD"].strip()]
    good_episodes = [r for r in episode_rows
                     if r["CHILD"].strip() and _day(r["DECOM"]) and r["PLACE"].strip()
                     and (not r["DEC"].strip() or _day(r["DEC"]))]
    bad_dobs = sum(1 for r in good_header if r["DOB"].strip() and not _day(r["DOB"]))

    header = read_header_file(header_path)
    episodes = read_episodes_file(episodes_path)

    assert header.rows_read == len(header_rows)
    assert len(header.records) == len(good_header)
    assert header.rejected == len(header_rows) - len(good_header)
    assert len([p for p in header.problems if p.level == "warning"]) == bad_dobs
    assert episodes.rows_read == len(episode_rows) > 5000
    assert len(episodes.records) == len(good_episodes)
    assert episodes.rejected == len(episode_rows) - len(good_episodes)
    first = episodes.records[0]
    raw = episode_rows[0]
    assert (first.row, first.child, first.start_date, first.placement_type, first.urn) == (
        2, raw["CHILD"], _day(raw["DECOM"]), raw["PLACE"], raw["URN"])
    assert header.records[0].sex == Sex(header_rows[0]["SEX"])
    # The cells as written, for the SSDA903 rules, in file order with their row numbers.
    assert episodes.raw["DEC"] == [r["DEC"] for r in episode_rows]
    assert header.raw["SEX"] == [r["SEX"] for r in header_rows]
    assert episodes.row_numbers == list(range(2, len(episode_rows) + 2))


def test_only_rows_that_cannot_be_stored_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "episodes.csv", EPISODE_HEAD + "\n"
                  "A1,01/04/2020,S,C2,N1,U4,PR1,,,,SM1 1AA,SM2 2BB,\n"       # row 2: good
                  "A1,31/02/2020,S,C2,N1,U4,PR1,,,,,,\n"                     # 3: no such date
                  "A1,01/05/2020,S,C2,N1,Q9,PR1,,,,,,\n"                     # 4: unknown PLACE
                  "A1,01/06/2020,S,C2,N1,U4,PR1,01/05/2020,E8,,,,\n"         # 5: ends first
                  "\n"                                                       # 6: blank, skipped
                  ",01/07/2020,S,C2,N1,U4,PR1,,,,,,\n"                       # 7: no child
                  "A1,01/08/2020,s,c2,n1,k2,pr4,01/09/2020,e8,carpl,,,sc123456\n"  # 8: lower
                  "A1,01/09/2025,S,C2,N1,Z11,,,,,,,\n"                       # 9: 2025-26 code
                  "A1,01/10/2025,S,C2,N1,,,,,,,,\n"                          # 10: no PLACE
                  "A1,01/11/2025,S,C2,N1,K2,PR4,soon,E8,,,,\n"               # 11: DEC no date
                  "A1,01/12/2025,S,C2,N1,K2,PR4,,E8,,,,\n")                  # 12: REC, no DEC
    result = read_episodes_file(path)
    assert [r.row for r in result.records] == [2, 4, 5, 8, 9, 12]
    assert result.rejected == 4
    by_row = {r.row: r for r in result.records}
    lower = by_row[8]
    assert (lower.reason_new_episode, lower.placement_type, lower.place_provider,
            lower.reason_ceased, lower.reason_place_change, lower.urn) == (
        "S", "K2", "PR4", "E8", "CARPL", "SC123456")
    assert by_row[4].placement_type == "Q9", "kept as written: the year's rules judge it"
    assert by_row[9].placement_type == "Z11"
    assert (by_row[12].reason_ceased, by_row[12].end_date) == ("E8", None)
    problems = {p.row: p for p in result.problems}
    assert set(problems) == {3, 7, 10, 11}
    assert (problems[3].column, problems[7].column) == ("DECOM", "CHILD")
    assert (problems[10].column, problems[11].column) == ("PLACE", "DEC")
    assert all("not imported" in p.reason and p.level == "error" for p in problems.values())
    assert "31/02" not in problems[3].reason, "the reason says where, not what"
    # The raw text keeps every row read, refused or not, as written.
    assert result.raw["PLACE"] == ["U4", "U4", "Q9", "U4", "U4", "k2", "Z11", "", "K2", "K2"]
    assert result.row_numbers == [2, 3, 4, 5, 7, 8, 9, 10, 11, 12]


def test_a_header_row_is_kept_whatever_its_codes(tmp_path: Path) -> None:
    path = _write(tmp_path / "header.csv", "CHILD,SEX,DOB,ETHNIC\n"
                  "C1,M,01/02/2012,WBRI\n"      # 2024-25 letters
                  "C2,2,01/02/2012,WBRI\n"      # before 2024-25
                  "C3,U,31/02/2012,XXXX\n"      # not known; a DOB that is not a date
                  "C4,9,,\n"                    # neither code set
                  ",1,01/02/2012,WBRI\n")       # no child: refused
    result = read_header_file(path)
    assert [(r.child, r.sex, r.date_of_birth, r.ethnicity) for r in result.records] == [
        ("C1", Sex.MALE, dt.date(2012, 2, 1), "WBRI"),
        ("C2", Sex.FEMALE, dt.date(2012, 2, 1), "WBRI"),
        ("C3", Sex.NOT_KNOWN, None, "XXXX"),
        ("C4", None, None, None),
    ]
    assert result.rejected == 1
    assert [(p.row, p.column, p.level) for p in result.problems] == [
        (4, "DOB", "warning"), (6, "CHILD", "error")]


def test_columns_are_found_by_name_in_any_order_case_and_spacing(tmp_path: Path) -> None:
    path = _write(tmp_path / "header.csv",
                  "Return for 2024-25\n\n dob ,Ethnic, child ,Sex,UPN\n"
                  "12/03/2012,WBRI,C9,2,\n")
    result = read_header_file(path)
    assert len(result.records) == 1
    record = result.records[0]
    assert (record.row, record.child, record.date_of_birth, record.sex, record.ethnicity) == (
        4, "C9", dt.date(2012, 3, 12), Sex.FEMALE, "WBRI")


def test_an_xlsx_file_with_real_dates_and_numbers_reads_like_the_csv(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Notes"
    sheet.append(["This workbook holds the episodes on the next sheet"])
    data = book.create_sheet("Episodes")
    data.append(list(EPISODE_COLUMNS))
    data.append([566910, dt.datetime(2016, 2, 15), "L", "C2", "N3", "T2", "PR0",
                 dt.datetime(2017, 8, 14), "X1", "CLOSE", None, None, None])
    path = tmp_path / "episodes.xlsx"
    book.save(path)
    result = read_episodes_file(path)
    assert result.sheet == "Episodes"
    assert len(result.records) == 1
    record = result.records[0]
    assert (record.child, record.start_date, record.end_date, record.urn) == (
        "566910", dt.date(2016, 2, 15), dt.date(2017, 8, 14), None)


def test_a_missing_column_is_refused_naming_the_file_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "episodes.csv", EPISODE_HEAD.replace(",PLACE,", ",PLACEMENT,")
                  + "\nA1,01/04/2020,S,C2,N1,U4,PR1,,,,,,\n")
    with pytest.raises(FileFormatError) as caught:
        read_episodes_file(path)
    assert caught.value.file == "episodes.csv"
    assert caught.value.column == "PLACE"
    assert "no PLACE column" in str(caught.value)


def test_an_empty_file_and_a_text_file_named_xlsx_are_refused(tmp_path: Path) -> None:
    empty = _write(tmp_path / "header.csv", "")
    with pytest.raises(FileFormatError) as caught:
        read_header_file(empty)
    assert (caught.value.file, caught.value.column) == ("header.csv", "CHILD")
    assert "empty" in str(caught.value)
    fake = _write(tmp_path / "header.xlsx", "this is a note, not a spreadsheet\n")
    with pytest.raises(FileFormatError) as caught:
        read_header_file(fake)
    assert (caught.value.file, caught.value.column) == ("header.xlsx", "CHILD")
    assert "holds text, not a workbook" in str(caught.value)


@pytest.mark.reference
def test_the_published_provider_lists_are_not_taken_for_903_files() -> None:
    for name in ("ch_fake.xlsx", "scp_fake.xlsx", "scp_ch_2025_fake.xlsx"):
        path = need(SSDA903 / name)
        with pytest.raises(FileFormatError) as caught:
            read_episodes_file(path)
        assert caught.value.file == name
        assert caught.value.column == "CHILD"
        assert caught.value.sheet, "a workbook's refusal names the sheet it looked at"
        with pytest.raises(FileFormatError):
            read_header_file(path)


def test_reading_reports_progress_and_stops_when_cancelled(tmp_path: Path) -> None:
    lines = [EPISODE_HEAD] + [f"C{i},01/04/2020,S,C2,N1,U4,PR1,,,,,," for i in range(3000)]
    path = _write(tmp_path / "episodes.csv", "\n".join(lines) + "\n")
    seen: list[tuple[str, int, int]] = []
    read_episodes_file(path, TaskState(lambda *a: seen.append(a), min_interval=0))
    assert seen[-1] == ("Reading episodes.csv", 3000, 3000)
    assert len(seen) > 3
    state = TaskState()
    state.cancel()
    with pytest.raises(Cancelled):
        read_episodes_file(path, state)


# Cells that read differently: blanks, spaces, case, dates in several spellings and out of
# range, numbers and dates as a workbook holds them, URNs of zeros, over-long text.
_EDGE_CELLS: list[object] = [
    "", " ", "  C1 ", "c1", "C2", "0000000", "SC 123456", "sc123456", "XXXXXXX", "S", "p",
    "E8", " e8 ", "K2", "U4", "ZZ", "PR4", "01/04/2020", "1/4/2020", "2020-04-01",
    "31/02/2020", "01/04/1800", "01/04/2099", "yesterday", "45000", "SM1 1AA", "sm1 1aa",
    "1", "2", "M", "F", "U", "9", "WBRI", "x" * 33_000, None, 0, 1, 1.0, 2.5, 45000.0, True,
    dt.datetime(2020, 4, 1), dt.datetime(2021, 5, 6, 12, 30), dt.date(2012, 2, 1),
    dt.time(12, 30)]


def _random_rows(columns: tuple[str, ...], count: int, seed: int) -> list[list[object]]:
    rng = random.Random(seed)
    usual = {"CHILD": [f"C{i}" for i in range(40)], "DECOM": ["01/04/2020", "02/05/2021"],
             "DEC": ["", "01/06/2021"], "DOB": ["01/02/2012", "31/12/2008"],
             "PLACE": ["K2", "U4"], "SEX": ["1", "2"], "ETHNIC": ["WBRI"]}
    return [[rng.choice(_EDGE_CELLS) if rng.random() < 0.3
             else rng.choice(usual.get(name, ["", "PR1", "C2"])) for name in columns]
            for _ in range(count)]


def _row_by_row(path: Path, names: tuple[str, ...], required: tuple[str, ...],
                parse: Any) -> tuple[list[Any], list[Any]]:
    """Every row parsed on its own (the readable path): the records and the problems."""
    table = ssda903_files._find_table(path, names, required, "file")
    records, problems = [], []
    for number, row in ssda903_files._data_rows(table):
        record, found = parse(path.name, number, row, table.columns)
        problems += found
        if record is not None:
            records.append(record)
    return records, problems


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_reading_by_columns_gives_what_reading_each_row_gives(
        tmp_path: Path, kind: str, seed: int) -> None:
    """A file is read into columns, each distinct cell read once: the records and problems
    must be those of parsing every row on its own, for cells of every sort."""
    for names, read, parse, rows in (
            (EPISODE_COLUMNS, read_episodes_file, parse_episode_row,
             _random_rows(EPISODE_COLUMNS, 400, seed)),
            (HEADER_COLUMNS, read_header_file, parse_header_row,
             _random_rows(HEADER_COLUMNS, 200, seed))):
        path = tmp_path / f"{names[1]}.{kind}"
        if kind == "csv":
            with path.open("w", encoding="utf-8", newline="") as fh:
                csv.writer(fh).writerows([names, *[[("" if c is None else str(c)) for c in r]
                                                   for r in rows]])
        else:
            book = Workbook()
            sheet = book.active
            assert sheet is not None
            sheet.append(list(names))
            for row in rows:
                sheet.append(row)
            book.save(path)
        records, problems = _row_by_row(path, names, names[:4], parse)
        result = read(path)
        assert list(result.records) == records
        assert result.problems == problems
        assert result.rejected == result.rows_read - len(records) > 0
        assert len(records) > 20
