"""Reading Ofsted's files as published: every reference file, bad rows, refusals, cancel."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from placement_desk.errors import FileFormatError
from placement_desk.io.ofsted_files import read_ofsted_file
from placement_desk.progress import Cancelled, TaskState
from tests.reference import OFSTED, SSDA903, need

CSV_FILES = sorted(p.name for p in OFSTED.glob("*.csv")) if OFSTED.exists() else []


def _independent_urns(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        rows = list(csv.reader(fh))
    start = next(i for i, r in enumerate(rows) if any(c.strip() == "URN" for c in r))
    at = [c.strip() for c in rows[start]].index("URN")
    return [r[at].strip() for r in rows[start + 1:] if len(r) > at and r[at].strip()]


@pytest.mark.reference
@pytest.mark.parametrize("name", CSV_FILES or ["(reference data absent)"])
def test_every_published_csv_reads_completely(name: str) -> None:
    path = need(OFSTED / name)
    data = read_ofsted_file(path)
    urns = _independent_urns(path)
    got = ([c.urn for c in data.closures] if data.kind == "closed" else
           [e.urn for e in data.inspections] if data.kind == "in_year" else
           [s.urn for s in data.settings])
    assert got == [u.upper() for u in urns]
    assert data.warnings == []


@pytest.mark.reference
def test_a_header_below_title_rows_and_a_line_break_inside_a_heading() -> None:
    data = read_ofsted_file(need(OFSTED / "provider_level_at_31_march_2022.csv"))
    first = data.settings[0]
    assert first.source_row == 6  # title rows and a blank row sit above the header
    judged = [s for s in data.settings if s.latest_inspection and
              s.latest_inspection.sub_judgements.get("health")]
    assert judged, "the 2022 file's 'Latest full inspectio health services' is understood"


@pytest.mark.reference
def test_older_headings_map_to_the_same_fields() -> None:
    data = read_ofsted_file(need(OFSTED / "provider_level_at_31_march_2015.csv"))
    s = next(s for s in data.settings if s.latest_inspection)
    assert s.registration_status == "Active"
    assert s.latest_inspection is not None and s.latest_inspection.overall_judgement
    names = {s.name for s in data.settings}
    assert "REDACTED" not in names


@pytest.mark.reference
def test_the_ods_workbook_uses_the_provider_and_in_year_tables() -> None:
    data = read_ofsted_file(need(OFSTED / "provider_level_at_31_march_2025.ods"))
    assert data.kind == "provider_level"
    assert data.sheets_used == ["Provider_level_at_31_Mar_2025",
                                "Provider_level_in_year_2024-25"]
    kinds = {e.event_type for e in data.inspections}
    assert {"Full inspection", "Monitoring inspection"} <= kinds


@pytest.mark.reference
@pytest.mark.parametrize("name", ["ch_fake.xlsx", "scp_fake.xlsx", "scp_ch_2025_fake.xlsx"])
def test_council_provider_lists_report_their_invalid_urns(name: str) -> None:
    data = read_ofsted_file(need(SSDA903 / name))
    assert data.kind == "council_list"
    assert data.settings == []
    assert data.warnings and all("is not an Ofsted URN" in w for w in data.warnings)


def test_a_council_list_keeps_allowed_placement_codes(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Current providers"
    sheet.append(["URN", "Provision type", "Setting name", "Registration status",
                  "Placement code", "Provider code"])
    sheet.append(["SC123456", "Children's home", "Oak House", "Active", "K2, S1", "PR4"])
    path = tmp_path / "list.xlsx"
    book.save(path)
    (record,) = read_ofsted_file(path).settings
    assert (record.allowed_placement_codes, record.provider_code) == (("K2", "S1"), "PR4")


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_date_is_a_warning_naming_row_and_column(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Title\n\nURN,Provision type,Name,Latest full inspection date,"
                          "Overall effectiveness\nSC000001,Children's home,A,01/02/2024,Good\n"
                          "SC000002,Children's home,B,31/02/2024,Good\n")
    data = read_ofsted_file(path)
    assert [s.urn for s in data.settings] == ["SC000001"]
    assert data.warnings == ["row 5: column 'latest full inspection date': '31/02/2024' is "
                             "not a date; row skipped"]


def test_a_file_that_is_not_from_ofsted_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="no URN column"):
        read_ofsted_file(_csv(tmp_path, "Cost centre,Amount\nA1,100\n"))
    with pytest.raises(FileFormatError, match="no provision type or overall judgement"):
        read_ofsted_file(_csv(tmp_path, "URN,Name\nSC000001,A\n"))
    book = Workbook()
    book.active.append(["Budget", "2025"])
    book.save(tmp_path / "budget.xlsx")
    with pytest.raises(FileFormatError, match=r"budget\.xlsx: The file has no URN column"):
        read_ofsted_file(tmp_path / "budget.xlsx")
    with pytest.raises(FileFormatError, match=r"Choose a \.csv, \.xlsx or \.ods file"):
        read_ofsted_file(_csv(tmp_path, "x").rename(tmp_path / "notes.docx"))


def test_cancel_stops_reading(tmp_path: Path) -> None:
    rows = "".join(f"SC{100000 + i},Children's home,H{i},,\n" for i in range(1000))
    path = _csv(tmp_path, "URN,Provision type,Name,Inspection date,Overall effectiveness\n"
                + rows)
    state = TaskState()
    state.cancel()
    with pytest.raises(Cancelled):
        read_ofsted_file(path, state)
