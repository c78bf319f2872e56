"""The sufficiency appendix read back: the PDF (text, marking, pages, fonts, bookmarks) and
the workbook (one sheet per table, numbers as numbers)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from placement_desk.errors import UserError
from placement_desk.lifecycle import Database
from placement_desk.reports.sufficiency import write_appendix
from tests.backend import target

from ..services.reports.appendix_world import AT, build
from .pdf_tools import bookmarks, flat, fonts, info, language, lines, needs_poppler, pages

PRINTED = dt.date(2026, 4, 2)


@pytest.fixture
def built(db: Database) -> Database:
    build(db)
    return db


@needs_poppler
def test_the_pdf_prints_every_table_with_its_definitions_and_marking(
        built: Database, tmp_path: Path) -> None:
    out = write_appendix(built, AT, tmp_path / "appendix.pdf", today=PRINTED)
    sheets = pages(out)
    count = int(info(out)["Pages"])
    assert count == len(sheets) >= 5
    for n, sheet in enumerate(sheets, start=1):
        text = lines(sheet)
        assert "OFFICIAL-SENSITIVE" in text[0] and "OFFICIAL-SENSITIVE" in text[-1]
        assert f"Page {n} of {count}" in text[-1]
    whole = flat("\n".join(sheets))
    for expected in ("Sufficiency needs analysis: appendix",
                     "Sutton Council: as on 31 March 2026, for the period 1 April 2025 to 31 "
                     "March 2026",
                     "31/03/2026 4 – – –", "31/03/2029 – 4 3 5",
                     "10–15 2 50.0%", "Age not known 1 25.0%",
                     "3 or more 1 25.0%",
                     "Fostering 0 1 1 1 0 1 4",
                     "Fostering 0.0 8.7 26.1 52.1 0.0 52.1 139.1",  # 61, 183, 365, 365 ÷ 7
                     "Children's home 1 1 100.0% 50.0% 66.7%",
                     "All settings in use 3 1 33.3%",
                     "Spot purchase 17.3 17.3 £69,142.86",
                     "Total 264.9 69.4 £116,071.43",
                     "£4,000.00", "£900.00",
                     "Not classified: 1 child has no date of birth recorded"):
        assert expected in whole, expected
    assert whole.count("Every record was classified.") >= 3
    found = fonts(out)
    assert found and all(f.embedded for f in found)
    assert language(out) == "en-GB"
    titles = [b.title for b in bookmarks(out)]
    assert titles[0] == "1. Children looked after over five years, with the forecast"
    assert titles[-1] == "18. Average weekly cost by placement type"


def test_the_workbook_has_a_sheet_per_table_with_numbers_and_notes(
        built: Database, tmp_path: Path) -> None:
    out = write_appendix(built, AT, tmp_path / "appendix.xlsx", today=PRINTED)
    book = load_workbook(out, read_only=True)
    names = book.sheetnames
    assert names[0] == "About" and len(names) == 19
    about = [tuple(r) for r in book["About"].iter_rows(values_only=True)]
    assert ("Marking", "OFFICIAL-SENSITIVE") in about
    assert ("As on", dt.datetime(2026, 3, 31)) in about
    route = [tuple(r) for r in book["Spend by route"].iter_rows(values_only=True)]
    assert route[0] == ("Route", "Weeks of placement", "Weeks paid for", "Spend (£)")
    spot = next(r for r in route if r[0] == "Spot purchase")
    assert spot[1:] == (17.3, 17.3, 69142.86)
    notes = [r[0] for r in route if r and str(r[0]).startswith(("Definition", "Not class"))]
    assert notes[0].startswith("Definition: Weeks of placement are every episode's days")
    assert notes[-1] == ("Not classified: 52.1 weeks of placement have no commissioning route "
                         "recorded: under Not recorded.")
    age = [tuple(r) for r in book["Age"].iter_rows(values_only=True)]
    assert ("10–15", 2, 50.0) in age and ("Total", 4, 100.0) in age
    book.close()


def test_a_name_that_is_not_pdf_or_xlsx_is_refused_before_any_work(
        built: Database, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"\.pdf or \.xlsx"):
        write_appendix(built, AT, tmp_path / "appendix.docx")
    assert list(tmp_path.glob("appendix*")) == []


def test_report_sufficiency_writes_the_workbook_from_the_command_line(
        built: Database, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    path = target(built)
    built.close()
    out = tmp_path / "appendix.xlsx"

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "placement_desk", "--db", path, "report",
                               "sufficiency", *map(str, args)], capture_output=True, text=True,
                              timeout=180, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                              check=False)

    done = run("--at", "31/03/2026", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "as on 31/03/2026" in done.stdout
    book = load_workbook(out, read_only=True)
    assert len(book.sheetnames) == 19
    book.close()
    wrong = run("--at", "2026-03-31", "--out", tmp_path / "appendix.txt")
    assert wrong.returncode == 2 and ".pdf or .xlsx" in wrong.stderr
    late = run("--at", "2026-03-31", "--from", "2026-04-01", "--out", out)
    assert late.returncode == 2 and "starts after" in late.stderr
