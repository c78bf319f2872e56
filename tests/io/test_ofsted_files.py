"""Reading Ofsted's files as published: every reference file, bad rows, refusals, cancel.

Expected values come from the raw files, read here with the csv module (or calamine
for the ODS) without the app's reader, or were checked by eye in the files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from placement_desk.errors import FileFormatError
from placement_desk.io import ofsted_files
from placement_desk.io.ofsted_files import open_ofsted_file, read_ofsted_file
from placement_desk.io.ofsted_records import JUDGEMENTS, OfstedFile, OfstedSettingRecord
from placement_desk.io.tabular import parse_date
from placement_desk.progress import Cancelled, TaskState
from tests.reference import REFERENCE

OFSTED, SSDA903 = REFERENCE / "ofsted", REFERENCE / "ssda903"
ALL_FILES = sorted(p.name for p in OFSTED.iterdir()) if OFSTED.is_dir() else []
CSV_FILES = [n for n in ALL_FILES if n.endswith(".csv")]
# Rows per file from shared/reference-data/README.md: yearly files 2,600 to 5,600 each.
README_ROWS = {"provider_level_at_31_aug_2024.csv": (3876, 3876),
               "provider_level_in_year_2023-24.csv": (4160, 4160),
               "closed_childrens_homes_31_march_2024.csv": (226, 226)}


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"reference data not available: {path} (the published files sit beside "
                    "the checkout in ../shared/reference-data)")
    return path


def _raw(path: Path) -> tuple[list[str], list[list[str]], int]:
    """Headings (lower case, spaces collapsed), non-blank data rows, and the header's row
    number, read with the csv module alone."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    start = next(i for i, r in enumerate(rows) if "URN" in (c.strip() for c in r))
    heads = [" ".join(c.split()).lower() for c in rows[start]]
    body = [r for r in rows[start + 1:] if any(c.strip() for c in r)]
    return heads, body, start + 1


def _col(heads: list[str], *names: str) -> int:
    return next(heads.index(n) for n in names if n in heads)


def _day(text: str) -> dt.date:
    d, m, y = text.strip().split("/")
    return dt.date(int(y), int(m), int(d))


@pytest.mark.reference
@pytest.mark.parametrize("name", ALL_FILES or ["(reference data absent)"])
def test_every_published_file_reads_completely(name: str) -> None:
    path = need(OFSTED / name)
    data = read_ofsted_file(path)
    assert data.warnings == []
    if name.endswith(".ods"):
        _check_ods(data)
        return
    heads, body, header_row = _raw(path)
    urns = [r[heads.index("urn")].strip() for r in body]
    low, high = README_ROWS.get(name, (2600, 5600))
    assert low <= len(body) <= high, "the README's row counts still hold"
    if data.kind == "closed":
        got = [c.urn for c in data.closures]
        status = heads.index("registration status")
        assert [c.registration_status for c in data.closures] == [r[status] for r in body]
    elif data.kind == "in_year":
        got = [e.urn for e in data.inspections]
        assert [s.urn for s in data.settings] == list(dict.fromkeys(urns))
    else:
        assert data.kind == "provider_level"
        got = [s.urn for s in data.settings]
        assert data.settings[0].source_row == header_row + 1
        _check_judgements(data.settings, heads, body)
    assert got == urns


def _check_judgements(settings: list[OfstedSettingRecord], heads: list[str],
                      body: list[list[str]]) -> None:
    """Every setting's latest judgement and date against the raw cells."""
    overall = _col(heads, "overall effectiveness",
                   "overall experiences and progress of children and young people",
                   "latest full inspection overall experiences and progress of children and "
                   "young people")
    day = _col(heads, "inspection date", "latest full inspection date")
    judged = 0
    for record, row in zip(settings, body, strict=True):
        words = " ".join(row[overall].split())
        latest = record.latest_inspection
        if not row[day].strip():
            assert latest is None
            continue
        assert latest is not None and latest.inspection_date == _day(row[day])
        if words:
            judged += 1
            assert latest.overall_judgement is not None
            assert latest.overall_judgement.casefold() == words.casefold(), record.urn
            assert latest.overall_judgement in JUDGEMENTS
    assert judged > 2000


def _check_ods(data: OfstedFile) -> None:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(data.path))
    counts = {}
    for sheet in data.sheets_used:
        rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        counts[sheet] = sum(1 for r in rows[4:] if any(c not in ("", None) for c in r))
    assert data.sheets_used == ["Provider_level_at_31_Mar_2025",
                                "Provider_level_in_year_2024-25"]
    assert counts == {"Provider_level_at_31_Mar_2025": len(data.settings),
                      "Provider_level_in_year_2024-25": len(data.inspections)}
    assert len(data.settings) == 5600, "README: the same rows as the 2025 CSV"
    events = {e.event_type for e in data.inspections}
    assert events == {"Full inspection", "Monitoring inspection", "Assurance visit"}


@pytest.mark.reference
def test_samples_checked_by_eye() -> None:
    """Values read off the raw files by eye, across the years' layouts."""
    y2015 = {s.urn: s for s in read_ofsted_file(
        need(OFSTED / "provider_level_at_31_march_2015.csv")).settings}
    home = y2015["SC466378"]
    assert (home.name, home.postcode, home.local_authority) == (None, None, "Havering")
    assert home.registration_status == "Active"  # heading 'Reg Status'
    i = home.latest_inspection
    assert i is not None and (i.inspection_date, i.event_number) == (dt.date(2015, 3, 26),
                                                                     "326600")
    assert (i.overall_judgement, i.sub_judgements) == ("Adequate", {
        "outcomes": "Good", "quality_of_care": "Good", "safety": "Adequate",
        "leadership": "Adequate"})
    assert y2015["SC003895"].name == "Ratcliffe School"  # heading 'Setting Name'
    assert y2015["SC003895"].linked_education_urn == "113656"  # heading 'Linked ED URN'

    y2016 = {s.urn: s for s in read_ofsted_file(
        need(OFSTED / "provider_level_at_31_march_2016.csv")).settings}
    old = y2016["1159682"].latest_inspection
    assert old is not None and old.event_type == "Full inspection"  # 'Full Inspection'
    assert old.overall_judgement == "Requires improvement"
    assert old.sub_judgements["safety"] == "Requires improvement"

    y2024 = {s.urn: s for s in read_ofsted_file(
        need(OFSTED / "provider_level_at_31_march_2024.csv")).settings}
    ifa = y2024["SC469688"]
    assert (ifa.name, ifa.postcode, ifa.owner_name) == (
        "Affinity Fostering", "CM4 9NR", "Affinity Fostering Services Limited")
    latest = ifa.latest_inspection
    assert latest is not None and latest.previous is not None
    assert (latest.inspection_date, latest.overall_judgement) == (dt.date(2022, 8, 15),
                                                                  "Outstanding")
    assert (latest.previous.inspection_date, latest.previous.event_number,
            latest.previous.sub_judgements["leadership"]) == (dt.date(2017, 7, 10),
                                                              "10038111", "Good")


@pytest.mark.reference
def test_the_2022_headings_with_a_typo_and_a_blank_row_above() -> None:
    data = read_ofsted_file(need(OFSTED / "provider_level_at_31_march_2022.csv"))
    assert data.settings[0].source_row == 6  # three title rows and a blank row, then header
    assert data.as_at == dt.date(2022, 3, 31)  # title says "as at March 2022"
    health = [s for s in data.settings if s.latest_inspection
              and "health" in s.latest_inspection.sub_judgements]
    assert len(health) == 13, "'Latest full inspectio health services' is understood"


@pytest.mark.reference
def test_the_2025_csv_and_ods_give_identical_records() -> None:
    csv_file = read_ofsted_file(need(OFSTED / "provider_level_at_31_march_2025.csv"))
    ods_file = read_ofsted_file(need(OFSTED / "provider_level_at_31_march_2025.ods"))
    assert csv_file.settings == ods_file.settings  # source rows included
    assert csv_file.as_at == ods_file.as_at == dt.date(2025, 3, 31)
    assert csv_file.inspections == [] and len(ods_file.inspections) == 4921
    heads, body, _ = _raw(OFSTED / "provider_level_at_31_march_2025.csv")
    outcome = heads.index("supported accommodation outcome")
    raw = {r[heads.index("urn")]: " ".join(r[outcome].split()) for r in body if r[outcome]}
    got = {s.urn: s.latest_inspection.supported_accommodation_outcome
           for s in csv_file.settings if s.latest_inspection
           and s.latest_inspection.supported_accommodation_outcome}
    assert got == raw and len(got) == 50


@pytest.mark.reference
def test_the_in_year_file_keeps_every_event_and_the_previous_inspection() -> None:
    data = read_ofsted_file(need(OFSTED / "provider_level_in_year_2023-24.csv"))
    assert data.as_at == dt.date(2024, 3, 31)
    kinds = {e.event_type for e in data.inspections}
    assert kinds == {"Full inspection", "Monitoring inspection", "Assurance visit",
                     "Emergency inspection"}
    event = next(e for e in data.inspections if e.urn == "SC039689")
    assert (event.inspection_date, event.overall_judgement) == (
        dt.date(2023, 9, 26), "Requires improvement to be good")
    assert event.previous is not None
    assert (event.previous.inspection_date, event.previous.overall_judgement,
            event.previous.sub_judgements["leadership"]) == (
        dt.date(2022, 10, 25), "Good", "Requires improvement to be good")
    assert all(s.latest_inspection is None for s in data.settings)


@pytest.mark.reference
@pytest.mark.parametrize(("name", "expected"), [
    ("ch_fake.xlsx", [("NJASCN", ("COD3",), "COD3C0D3")]),
    ("scp_fake.xlsx", [("BABABOOEY", ("COD35",), "COD3C0D5"),
                       ("P4BABOO7", ("C0D5",), "C0D4D0")]),
    ("scp_ch_2025_fake.xlsx", [("1", ("H5",), "RRR"), ("2", ("N1",), None)]),
])
def test_council_provider_lists_keep_placement_codes(
        name: str, expected: list[tuple[str, tuple[str, ...], str | None]]) -> None:
    data = read_ofsted_file(need(SSDA903 / name))
    assert data.kind == "council_list"
    assert [(s.urn, s.allowed_placement_codes, s.provider_code)
            for s in data.settings] == expected
    # the fake lists' URNs are made up: read, with a warning for each
    assert sum("does not look like an Ofsted URN" in w for w in data.warnings) == len(expected)


@pytest.mark.reference
def test_the_2025_council_list_reads_both_sheets_and_its_inspections() -> None:
    data = read_ofsted_file(need(SSDA903 / "scp_ch_2025_fake.xlsx"))
    assert data.sheets_used == ["Providers", "SA Providers"]
    provider, sa = data.settings
    assert (provider.name, provider.owner_id, provider.places) == ("Provision Provider", "1", 10)
    # the supported accommodation sheet: the setting's local authority, 'Capacity' as places
    assert (sa.name, sa.local_authority, sa.places, sa.postcode) == (
        "SA Provision", "SA LA", 1, "P05 7OD")
    assert [(e.event_type, e.inspection_date) for e in data.inspections] == [
        ("Interim inspection", dt.date(2025, 6, 1)), ("Assurance visit", dt.date(2025, 1, 1))]
    assert [(c.urn, c.closed_date) for c in data.closures] == [("2", dt.date(2024, 2, 1))]
    assert any("'Excellent' is not one of Ofsted's judgements" in w for w in data.warnings)


# -- files made here ----------------------------------------------------------------------


def _csv(tmp_path: Path, text: str, name: str = "f.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_a_header_found_by_meaning_below_titles(tmp_path: Path) -> None:
    text = ("Children’s social care – provider level as at 30 June 2023,,,,,,\n,,,,,,\n"
            '" urn ","Setting\nName","REG  status","Latest Full Inspection Date",'
            '"Overall Effectiveness","Places",,\n'
            "sc123456,Oak House,Active,2023-05-04,requires improvement TO BE GOOD,4,,\n"
            "2590934.0,REDACTED,Active,45000,Good,,,\n")
    data = read_ofsted_file(_csv(tmp_path, text, encoding="cp1252"))
    first, second = data.settings
    assert (first.urn, first.name, first.registration_status, first.places) == (
        "SC123456", "Oak House", "Active", 4)
    assert first.latest_inspection is not None
    assert first.latest_inspection.overall_judgement == "Requires improvement to be good"
    assert first.latest_inspection.inspection_date == dt.date(2023, 5, 4)
    assert (second.urn, second.name) == ("2590934", None)
    assert second.latest_inspection is not None
    assert second.latest_inspection.inspection_date == dt.date(2023, 3, 15)  # Excel serial
    assert (first.source_row, data.as_at) == (4, dt.date(2023, 6, 30))


def test_a_bad_date_or_word_is_a_warning_naming_row_and_column(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Title\n\nURN,Provision type,Name,Registration date,"
                          "Latest full inspection date,Overall effectiveness\n"
                          "SC000001,Children's home,A,01/02/2020,01/02/2024,Good\n"
                          "SC000002,Children's home,B,31/02/2020,yesterday,Good\n"
                          "SC000003,Children's home,C,NULL,03/02/2024,Brilliant\n")
    data = read_ofsted_file(path)
    assert [s.urn for s in data.settings] == ["SC000001", "SC000002", "SC000003"]
    assert data.settings[1].registration_date is None and data.settings[1].latest_inspection is None
    assert data.warnings == [
        "row 5, column 'Latest full inspection date': 'yesterday' is not a date (expected "
        "dd/mm/yyyy); the inspection is left out",
        "row 5, column 'Registration date': '31/02/2020' is not a date (expected dd/mm/yyyy); "
        "left blank",
        "row 6, column 'Overall effectiveness': 'Brilliant' is not one of Ofsted's judgements; "
        "left blank"]
    assert data.settings[2].latest_inspection is not None
    assert data.settings[2].latest_inspection.overall_judgement is None


def test_files_that_are_not_from_ofsted_are_refused(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match=r"^f\.csv: The file has no URN column") as err:
        read_ofsted_file(_csv(tmp_path, "Cost centre,Amount\nA1,100\n"))
    assert "Choose the provider-level file published by Ofsted" in str(err.value)
    with pytest.raises(FileFormatError) as err:
        read_ofsted_file(_csv(tmp_path, "URN,Name,Provision type\nSC000001,A,Children's home\n"))
    assert "has a URN column but no overall judgement column" in err.value.message
    assert "and no inspection date column" in err.value.message
    book = Workbook()
    book.active.title = "Budget"
    book.active.append(["Budget", "2025"])
    other = book.create_sheet("Homes")
    other.append(["URN", "Setting name", "Overall effectiveness"])
    book.save(tmp_path / "budget.xlsx")
    with pytest.raises(FileFormatError) as err:
        read_ofsted_file(tmp_path / "budget.xlsx")
    assert (err.value.file, err.value.sheet) == ("budget.xlsx", "Homes")
    assert "no inspection date column" in err.value.message
    assert "overall judgement" not in err.value.message
    book.remove(other)
    book.create_sheet("Notes").append(["Note", "Text"])
    book.save(tmp_path / "budget.xlsx")
    with pytest.raises(FileFormatError, match=r"no URN column on any of its sheets \(Budget, "
                                              r"Notes\)"):
        read_ofsted_file(tmp_path / "budget.xlsx")
    with pytest.raises(FileFormatError, match="does not exist"):
        read_ofsted_file(tmp_path / "missing.csv")


def test_a_workbook_list_made_in_excel(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Current providers"
    sheet.append(["Social care providers list", None])
    sheet.append([])
    sheet.append(["URN", "Provision type", "Setting name", "Registration status",
                  "Placement code", "Placement provider code", "Date of last full inspection",
                  "Latest overall effectiveness grade from last full inspection"])
    sheet.append(["SC123456", "Children's home", "Oak House", "Active", "K2/S1", "PR4",
                  dt.datetime(2024, 3, 1), "Good"])
    path = tmp_path / "list.xlsx"
    book.save(path)
    data = read_ofsted_file(path)
    (record,) = data.settings
    assert (record.allowed_placement_codes, record.provider_code) == (("K2", "S1"), "PR4")
    assert record.source_row == 4 and record.latest_inspection is not None
    assert (record.latest_inspection.event_type, record.latest_inspection.overall_judgement,
            record.latest_inspection.inspection_date) == ("Full inspection", "Good",
                                                          dt.date(2024, 3, 1))


def test_a_file_read_in_chunks_gives_every_record_once_in_file_order(tmp_path: Path) -> None:
    rows = "".join(f"SC{100000 + i},Children's home,H{i},01/01/2024,Good\n" for i in range(25))
    path = _csv(tmp_path, "URN,Provision type,Name,Inspection date,Overall effectiveness\n"
                + rows + "SC100003,Children's home,Again,02/01/2024,Inadequate\n")
    reading = open_ofsted_file(path)
    chunks = list(reading.chunks(rows=10))
    assert [len(c.settings) for c in chunks] == [10, 10, 6]
    urns = [s.urn for c in chunks for s in c.settings]
    assert urns == [f"SC{100000 + i}" for i in range(25)] + ["SC100003"]
    assert [s.source_row for c in chunks for s in c.settings] == list(range(2, 28))
    # a URN met again in a later chunk is still found and warned about, as in one read
    assert reading.warnings == ["row 27, column 'URN': SC100003 is also in row 5; both read"]
    assert read_ofsted_file(path).settings == [s for c in chunks for s in c.settings]
    assert set(reading.urns) == set(urns)


def test_a_council_list_read_in_chunks_gives_a_urn_all_its_rows_codes_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _csv(tmp_path, "URN,Provision type,Setting name,Registration status,Placement code,"
                          "Placement provider code,Date of last full inspection,"
                          "Latest overall effectiveness grade from last full inspection\n"
                          "SC123456,Children's home,Oak House,Active,K2,PR4,01/03/2024,Good\n"
                          "SC223456,Children's home,Elm House,Active,K2,PR4,01/03/2024,Good\n"
                          "SC323456,Children's home,Ash House,Active,S1,PR4,01/03/2024,Good\n"
                          "SC123456,Children's home,Oak annexe,Active,S1 K2,PR4,,\n"
                          "SC123456,Children's home,Oak flat,Active,P1,PR4,,\n")
    whole = read_ofsted_file(path)
    monkeypatch.setattr(ofsted_files, "CHUNK_ROWS", 1)
    chunked = read_ofsted_file(path)
    # Worked out by hand: the first row's codes, then those the later rows add, in order.
    expected = [("SC123456", "Oak House", ("K2", "S1", "P1")),
                ("SC223456", "Elm House", ("K2",)), ("SC323456", "Ash House", ("S1",))]
    for data in (whole, chunked):
        assert [(s.urn, s.name, s.allowed_placement_codes) for s in data.settings] == expected
    assert chunked.settings == whole.settings and chunked.warnings == whole.warnings


def test_progress_is_reported_and_cancel_stops_reading(tmp_path: Path) -> None:
    rows = "".join(f"SC{100000 + i},Children's home,H{i},01/01/2024,Good\n" for i in range(1000))
    path = _csv(tmp_path, "URN,Provision type,Name,Inspection date,Overall effectiveness\n"
                + rows)
    seen: list[tuple[str, int, int]] = []
    state = TaskState(lambda step, done, total: seen.append((step, done, total)), 0)
    assert len(read_ofsted_file(path, state).settings) == 1000
    assert seen[-1] == ("Reading f.csv", 1000, 1000) and len(seen) >= 4
    state.cancel()
    with pytest.raises(Cancelled):
        read_ofsted_file(path, state)


def test_dates_in_every_spelling() -> None:
    assert parse_date("05/11/2024") == dt.date(2024, 11, 5)
    assert parse_date("2024-11-05") == dt.date(2024, 11, 5)
    assert parse_date("2024-11-05 00:00:00") == dt.date(2024, 11, 5)
    assert parse_date(45601) == parse_date(45601.0) == dt.date(2024, 11, 5)
    assert parse_date(dt.datetime(2024, 11, 5, 9, 30)) == dt.date(2024, 11, 5)
    assert parse_date("5 November 2024") == dt.date(2024, 11, 5)
    for blank in (None, "", " ", ".", "NULL", "N/A", "n/a"):
        assert parse_date(blank) is None
    with pytest.raises(ValueError, match="is not a date"):
        parse_date("31/02/2024")
