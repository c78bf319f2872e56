"""Hostile and broken files offered to ``import sheet`` (and so to the wizard, which reads
them the same way): each refused with a message naming the file (and sheet, row and
column where there is one), no traceback, and every table of the database unchanged."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from placement_desk.errors import FileFormatError
from placement_desk.lifecycle import open_database
from placement_desk.services.common.settings_store import IMPORT_MAX_MB, set_setting
from tests.faults import assert_told, digest, run_cli
from tests.io.test_hostile_files import BOMBS, _patch, _xlsx

REFUSED = FileFormatError.exit_status


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "db" / "pd.db"
    open_database(path).close()
    return path


def _import(database: Path, path: Path, home: Path, kind: str = "placements"
            ) -> subprocess.CompletedProcess[str]:
    return run_cli("--db", database, "import", "sheet", path, "--kind", kind, home=home)


def _refused(database: Path, path: Path, home: Path, *words: str,
             kind: str = "placements") -> None:
    before = digest(database)
    done = _import(database, path, home, kind)
    assert_told(done, REFUSED, path.name, *words)
    assert digest(database) == before


def _billion_laughs(path: Path) -> Path:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10))
    sheet = (f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]><worksheet xmlns="http:'
             '//schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
             '<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    return _xlsx(path, sheet=sheet.encode())


def _external_entity(path: Path) -> Path:
    sheet = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/'
             'passwd">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
             'main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c>'
             '</row></sheetData></worksheet>')
    return _xlsx(path, sheet=sheet.encode())


def _encrypted_ole(path: Path) -> Path:
    """What Excel saves when a workbook has a password: an OLE file holding an
    EncryptedPackage stream, with the .xlsx name kept."""
    body = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    body += "EncryptedInfo".encode("utf-16-le") + bytes(64)
    body += "EncryptedPackage".encode("utf-16-le") + bytes(4096)
    path.write_bytes(bytes(body))
    return path


def _no_header(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for n in range(50):
        sheet.append([n, n * 2, n * 3])
    book.save(path)
    return path


def _noise(size: int) -> str:
    """Text that does not compress much (so that it is not refused as a zip bomb)."""
    import base64

    return base64.b64encode(os.urandom(size * 3 // 4)).decode()[:size]


def _big_cell_xlsx(path: Path) -> Path:
    """A workbook with a 10 MB cell (written by hand: openpyxl cuts text to a cell's limit
    as it saves, Excel refuses to, but a crafted file can hold it)."""
    def cell(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    heads = ("Case reference", "Start date", "Placement type", "Notes")
    rows = '<row r="1">' + "".join(cell(f"{c}1", h) for c, h in zip("ABCD", heads,
                                                                     strict=True)) + "</row>"
    rows += '<row r="2">' + "".join(cell(f"{c}2", v) for c, v in zip(
        "ABCD", ("C1", "01/04/2025", "U4", "ok"), strict=True)) + "</row>"
    rows += '<row r="3">' + "".join(cell(f"{c}3", v) for c, v in zip(
        "ABCD", ("C2", "01/04/2025", "U4", _noise(10_000_000)), strict=True)) + "</row>"
    return _xlsx(path, rows)


CASES = {
    "a PDF": (lambda p: (p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj<<>>endobj\n"), p)[1],
              "tracker.xlsx", ("PDF",)),
    "a program's own file": (lambda p: (p.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" * 64),
                                        p)[1], "tracker.csv", ("not text",)),
    "a password-protected workbook": (_encrypted_ole, "tracker.xlsx", ("password",)),
    "an encrypted zip part": (lambda p: _patch(_xlsx(p), "xl/worksheets/sheet1.xml", flags=1),
                              "tracker.xlsx", ("password",)),
    "entity expansion": (_billion_laughs, "tracker.xlsx", ("entities",)),
    "an external entity": (_external_entity, "tracker.xlsx", ("entities",)),
    "an empty file": (lambda p: (p.write_bytes(b""), p)[1], "tracker.csv", ("empty",)),
    "a sheet with no header": (_no_header, "tracker.xlsx", ("no header row", "sheet Sheet")),
    "a sheet of another kind": (
        lambda p: (p.write_text("Colour,Flavour\nRed,Sweet\n", encoding="utf-8"), p)[1],
        "tracker.csv", ("does not look like a list of children and placements",)),
    "a 10 MB cell in a workbook": (_big_cell_xlsx, "tracker.xlsx",
                                   ("sheet Sheet1, row 3, column D (Notes)", "longer than")),
    "a 10 MB cell in a CSV": (
        lambda p: (p.write_text("Case reference,Start date,Placement type,Notes\n"
                                "C1,01/04/2025,U4,ok\nC2,01/04/2025,U4," + "N" * 10_000_000
                                + "\n", encoding="utf-8"), p)[1],
        "tracker.csv", ("row 3", "longer than")),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_or_broken_sheet_is_refused(tmp_path: Path, database: Path,
                                              case: str) -> None:
    make, name, words = CASES[case]
    path = make(tmp_path / name)
    _refused(database, path, tmp_path / "home", *words)


def test_a_file_larger_than_the_limit_set_is_refused_before_it_is_read(
        tmp_path: Path, database: Path) -> None:
    db = open_database(database)
    try:
        with db.write() as session:
            set_setting(session, IMPORT_MAX_MB, 1)
    finally:
        db.close()
    path = tmp_path / "tracker.csv"
    path.write_text("Case reference,Start date,Placement type\n"
                    + "C1,01/04/2025,U4\n" * 80_000, encoding="utf-8")
    assert path.stat().st_size > 1024 * 1024
    _refused(database, path, tmp_path / "home", "1 MB", "largest file")


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_a_workbook_bomb_offered_as_a_team_sheet_is_refused(tmp_path: Path, database: Path,
                                                            bomb: str) -> None:
    path = BOMBS[bomb](tmp_path / "tracker.xlsx")
    before = digest(database)

    def limit() -> None:  # pragma: no cover - runs in the child
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PLACEMENT_DESK_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-m", "placement_desk", "--db", str(database),
                           "import", "sheet", str(path), "--kind", "settings"],
                          capture_output=True, text=True, timeout=120, env=env,
                          preexec_fn=limit, check=False)
    assert_told(done, REFUSED, "tracker.xlsx")
    assert digest(database) == before


def test_errors_in_rows_exit_non_zero_with_the_report_beside_the_file(
        tmp_path: Path, database: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "tracker.csv"
    path.write_text("Title of the tracker\nCase reference,Start date,Placement type\n"
                    "C1,01/04/2025,U4\nC2,not a date,U4\n", encoding="utf-8")
    before = digest(database)
    done = run_cli("--db", database, "import", "sheet", path, "--kind", "placements",
                   home=tmp_path / "home")
    assert_told(done, 4, "row 4, column B (Start date)", "not a date")
    assert digest(database) == before, "all or nothing"
    report = tmp_path / "tracker-problems.xlsx"
    sheet = load_workbook(report).active
    assert sheet is not None
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    assert rows[0] == ["Case reference", "Start date", "Placement type",
                       "Problems found on import"]
    assert rows[1] == ["C1", "01/04/2025", "U4", None]
    assert rows[2] == ["C2", "not a date", "U4",
                       "Start date: The start date is not a date (dd/mm/yyyy)."]
    dry = run_cli("--db", database, "import", "sheet", path, "--kind", "placements",
                  "--dry-run", "--json", home=tmp_path / "home")
    assert dry.returncode == 4 and '"errors": 1' in dry.stdout
