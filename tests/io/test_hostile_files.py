"""Hostile and broken files offered to the importers are refused with the file and row,
within a fixed memory bound, and the database stays as it was.

The bombs are built small, with the same declared sizes as the real ones (the sizes
in a zip's headers are what a reader trusts): an .xlsx whose sheet declares 3 GB, a
2 KB .xlsx with one cell at XFD1048576, an ODS whose repeated rows fill a billion
cells, a postcode zip whose CSV declares 2 GB, and real ones that inflate a
thousandfold. Each is run through the command in a child process limited to 1 GB of
address space: a reader that parsed it would abort or run out of memory, not exit 3.
"""

from __future__ import annotations

import datetime as dt
import io
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from placement_desk.cli import main
from placement_desk.errors import FileFormatError
from placement_desk.io.postcode_files import read_postcode_file
from placement_desk.io.safety import check_workbook, clean_text
from placement_desk.io.sheet_extent import MAX_SHEET_CELLS
from placement_desk.io.ssda903_files import read_episodes_file, read_header_file
from placement_desk.io.table_export import write_table
from placement_desk.io.tabular import open_sheets
from placement_desk.lifecycle import open_database
from placement_desk.models import PostcodeLookup, Setting
from placement_desk.models.enums import Judgement, SettingType
from placement_desk.services.placements.distance import import_postcodes
from placement_desk.services.register.ofsted_import import import_ofsted
from tests.faults import assert_told, digest, run_cli, tree

REFUSED = FileFormatError.exit_status
MEMORY_BOUND = 1024 * 1024 * 1024
"""The child's whole address space: the app's own (about 300 MB) and some room."""

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
       'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
       'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
       'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
       'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
       'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
         'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>')
_BOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats'
         '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
         'officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" '
         'r:id="rId1"/></sheets></workbook>')
_BOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
              'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
              'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
              'Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
          'openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>{rows}'
          '</sheetData></worksheet>')
_HEAD_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>URN</t></is></c><c r="B1" t="inlineStr">'
             '<is><t>Name</t></is></c></row>')


def _xlsx(path: Path, rows: str = _HEAD_ROW, dimension: str = "",
          sheet: bytes | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _BOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml",
                   sheet if sheet is not None else _SHEET.format(dimension=dimension, rows=rows))
    return path


def _patch(path: Path, member: str, *, size: int | None = None, flags: int | None = None,
           method: int | None = None) -> Path:
    """Rewrite a member's declared size, flags or compression method in both of the zip's
    headers (local and central), as a crafted file would carry them."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        local = z.getinfo(member).header_offset
    name = member.encode()
    central = data.find(b"PK\x01\x02" + b"")
    while central >= 0:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46:central + 46 + name_len]) == name:
            break
        central = data.find(b"PK\x01\x02", central + 4)
    assert central >= 0
    for offset, size_at, flags_at, method_at in ((local, 22, 6, 8), (central, 24, 8, 10)):
        if size is not None:
            struct.pack_into("<I", data, offset + size_at, size)
        if flags is not None:
            struct.pack_into("<H", data, offset + flags_at, flags)
        if method is not None:
            struct.pack_into("<H", data, offset + method_at, method)
    path.write_bytes(bytes(data))
    return path


def _bounded(*args: object, home: Path) -> subprocess.CompletedProcess[str]:
    """The command in a child limited to :data:`MEMORY_BOUND` of address space."""
    import os

    def limit() -> None:  # pragma: no cover - runs in the child
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BOUND, MEMORY_BOUND))

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PLACEMENT_DESK_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "placement_desk", *map(str, args)],
                          capture_output=True, text=True, timeout=120, env=env,
                          preexec_fn=limit, check=False)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "db" / "pd.db"
    open_database(path).close()
    return path


# -- workbooks --------------------------------------------------------------------------------

def _sheet_bomb(path: Path) -> Path:
    """A real bomb: 60 MB of sheet XML (blank space between rows) packed a thousandfold."""
    padding = b" " * (60 * 1024 * 1024)
    sheet = _SHEET.format(dimension="", rows=_HEAD_ROW).encode().replace(
        b"</sheetData>", padding + b"</sheetData>")
    return _xlsx(path, sheet=sheet)


BOMBS = {
    "a sheet declaring 3 GB": lambda p: _patch(_xlsx(p), "xl/worksheets/sheet1.xml",
                                               size=3_000_000_000),
    "a sheet inflating a thousandfold": _sheet_bomb,
    "one cell at XFD1048576": lambda p: _xlsx(
        p, _HEAD_ROW + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
    "a dimension of the whole sheet": lambda p: _xlsx(p, dimension='<dimension '
                                                                   'ref="A1:XFD1048576"/>'),
    "a cell beyond the last column": lambda p: _xlsx(
        p, _HEAD_ROW + '<row r="2"><c r="ZZZZ2"><v>1</v></c></row>'),
}


@pytest.mark.parametrize("bomb", list(BOMBS))
def test_a_workbook_bomb_is_refused_before_it_is_parsed(tmp_path: Path, database: Path,
                                                        bomb: str) -> None:
    path = BOMBS[bomb](tmp_path / "ofsted.xlsx")
    assert path.stat().st_size < 200_000, "built small"
    before, files = digest(database), tree(database.parent)
    done = _bounded("--db", database, "import", "ofsted", path, home=tmp_path / "home")
    assert_told(done, REFUSED, "ofsted.xlsx")
    assert digest(database) == before and tree(database.parent) == files
    with pytest.raises(FileFormatError):
        open_sheets(path)  # the GUI's reader refuses it too, so the app stays up


def test_the_far_cell_is_refused_for_the_ssda903_import_too(tmp_path: Path,
                                                            database: Path) -> None:
    header = BOMBS["one cell at XFD1048576"](tmp_path / "header.xlsx")
    episodes = tmp_path / "episodes.csv"
    episodes.write_text("CHILD,DECOM\n", encoding="utf-8")
    done = _bounded("--db", database, "import", "ssda903", "--header", header, "--episodes",
                    episodes, home=tmp_path / "home")
    assert_told(done, REFUSED, "header.xlsx", "stray cell")


def _ods(path: Path, body: str) -> Path:
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office='
               '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names'
               ':tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:'
               'xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>'
               f'<table:table table:name="Providers">{body}</table:table></office:spreadsheet>'
               '</office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:'
                'oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
                'vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
                '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


_ODS_CELL = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'


def test_an_ods_whose_repeated_rows_fill_a_billion_cells_is_refused(tmp_path: Path,
                                                                    database: Path) -> None:
    body = ("<table:table-row>" + _ODS_CELL.format("URN") + "</table:table-row>"
            '<table:table-row table:number-rows-repeated="1000000">'
            '<table:table-cell office:value-type="string" table:number-columns-repeated="1000">'
            "<text:p>x</text:p></table:table-cell></table:table-row>")
    path = _ods(tmp_path / "ofsted.ods", body)
    done = _bounded("--db", database, "import", "ofsted", path, home=tmp_path / "home")
    assert_told(done, REFUSED, "ofsted.ods", "Providers", "repeated")


@pytest.mark.parametrize("repeat", ["table:number-rows-repeated='900000'",
                                    'table:number-rows-repeated = "900000"'])
def test_an_ods_repeat_written_any_way_xml_allows_is_counted(tmp_path: Path,
                                                             repeat: str) -> None:
    """The reader repeats a row however its count is written (in single quotes, with
    spaces around the equals sign): 900,000 rows of 20 cells would take gigabytes."""
    body = ("<table:table-row>" + _ODS_CELL.format("URN") + "</table:table-row>"
            f"<table:table-row {repeat}>"
            '<table:table-cell office:value-type="string" table:number-columns-repeated="20">'
            "<text:p>x</text:p></table:table-cell></table:table-row>")
    with pytest.raises(FileFormatError, match="900,001 rows by 20 columns"):
        check_workbook(_ods(tmp_path / "odd.ods", body))


def test_trailing_empty_repeats_as_spreadsheets_write_them_are_read(tmp_path: Path) -> None:
    body = ("<table:table-row>" + _ODS_CELL.format("URN") + _ODS_CELL.format("Name")
            + '<table:table-cell table:number-columns-repeated="16382"/></table:table-row>'
            + "<table:table-row>" + _ODS_CELL.format("SC100001") + _ODS_CELL.format("Oak")
            + '<table:table-cell table:number-columns-repeated="16382"/></table:table-row>'
            '<table:table-row table:number-rows-repeated="1048574">'
            '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>')
    path = _ods(tmp_path / "fine.ods", body)
    check_workbook(path)
    assert open_sheets(path)[0].rows()[:2] == [["URN", "Name"], ["SC100001", "Oak"]]


def test_a_sheet_of_up_to_the_cell_limit_is_read(tmp_path: Path) -> None:
    rows = 1000
    columns = MAX_SHEET_CELLS // 100_000  # a modest sheet: the limit is far above it
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    for r in range(rows):
        sheet.append([f"r{r}c{c}" for c in range(columns)])
    path = tmp_path / "fine.xlsx"
    book.save(path)
    check_workbook(path)
    assert len(open_sheets(path)[0].rows()) == rows


def test_the_quick_count_of_tags_never_refuses_what_the_exact_count_reads(
        tmp_path: Path) -> None:
    """The first pass counts tags by their start (``<row`` also counts ``<rowBreaks``), so it
    may count more rows than a sheet has; a sheet within the limits only by the exact count
    is still read, and one past them refused with the exact count's message."""
    columns = 16_384
    rows = MAX_SHEET_CELLS // columns  # 366 rows of the widest width: just within the limit
    body = _HEAD_ROW + "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>'
                               for r in range(2, rows)) + \
        f'<row r="{rows}"><c r="XFD{rows}"><v>1</v></c></row>'
    breaks = b'</sheetData><rowBreaks count="1"><brk id="5" max="16383"/></rowBreaks>'
    sheet = _SHEET.format(dimension="", rows=body).encode().replace(b"</sheetData>", breaks)
    check_workbook(_xlsx(tmp_path / "wide.xlsx", sheet=sheet))
    # one row more is refused, the far cell's reference found after a tab as well
    one_more = sheet.replace(f'<row r="{rows}"><c r="XFD{rows}"'.encode(),
                             f'<row r="{rows + 1}"><c\tr="XFD{rows + 1}"'.encode())
    with pytest.raises(FileFormatError, match=f"uses {rows + 1:,} rows by {columns:,} columns"):
        check_workbook(_xlsx(tmp_path / "wider.xlsx", sheet=one_more))


def test_an_encrypted_or_damaged_workbook_is_refused(tmp_path: Path, database: Path) -> None:
    locked = _patch(_xlsx(tmp_path / "locked.xlsx"), "xl/worksheets/sheet1.xml", flags=1)
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(_xlsx(tmp_path / "x.xlsx").read_bytes()[:400])
    for path, words in ((locked, "password"), (damaged, "damaged")):
        done = run_cli("--db", database, "import", "ofsted", path, home=tmp_path / "home")
        assert_told(done, REFUSED, path.name, words)


# -- postcode files ---------------------------------------------------------------------------

ONSPD_HEAD = "pcds,oseast1m,osnrth1m,lat,long,oslaua\n"


def _zip(path: Path, name: str, data: bytes, method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as z:
        z.writestr(name, data)
    return path


def _cut(path: Path) -> Path:
    path.write_bytes(path.read_bytes()[:path.stat().st_size * 2 // 3])
    return path


POSTCODE_BOMBS = {
    "a CSV declaring 2 GB": lambda p: _patch(
        _zip(p, "Data/onspd.csv", (ONSPD_HEAD + "SM1 1AA,526000,164000,51.36,-0.19,E09000029\n")
             .encode()), "Data/onspd.csv", size=2_000_000_000),
    "a CSV inflating a thousandfold": lambda p: _zip(
        p, "Data/onspd.csv", ONSPD_HEAD.encode() + b"\n" * (80 * 1024 * 1024)),
    "an encrypted zip": lambda p: _patch(_zip(p, "Data/onspd.csv", ONSPD_HEAD.encode()),
                                         "Data/onspd.csv", flags=1),
    "an unknown compression method": lambda p: _patch(
        _zip(p, "Data/onspd.csv", ONSPD_HEAD.encode()), "Data/onspd.csv", method=99),
    "a damaged zip": lambda p: _cut(_zip(p, "Data/onspd.csv", bytes(range(256)) * 400)),
    "a workbook": lambda p: _xlsx(p),
}


@pytest.mark.parametrize("case", list(POSTCODE_BOMBS))
def test_a_hostile_postcode_zip_is_refused(tmp_path: Path, database: Path, case: str) -> None:
    path = POSTCODE_BOMBS[case](tmp_path / "onspd.zip")
    before = digest(database)
    started = dt.datetime.now()
    done = _bounded("--db", database, "import", "postcodes", path, home=tmp_path / "home")
    assert_told(done, REFUSED, "onspd.zip")
    assert (dt.datetime.now() - started).total_seconds() < 60
    assert digest(database) == before


def test_a_postcode_cell_of_10_mb_is_refused_with_its_row(tmp_path: Path,
                                                          database: Path) -> None:
    path = tmp_path / "onspd.csv"
    path.write_text(ONSPD_HEAD + "SM1 1AA,526000,164000,51.36,-0.19,E09000029\n"
                    + "SM2 2BB,526000,164000,51.36,-0.19," + "E" * 10_000_000 + "\n",
                    encoding="utf-8")
    before = digest(database)
    done = run_cli("--db", database, "import", "postcodes", path, home=tmp_path / "home")
    assert_told(done, REFUSED, "onspd.csv, row 3", "longer than")
    assert digest(database) == before


def test_postcode_rows_out_of_range_are_skipped_with_their_reasons(tmp_path: Path) -> None:
    path = tmp_path / "onspd.csv"
    path.write_text(ONSPD_HEAD
                    + "SM1 1AA,526000,164000,51.36,-0.19,E09000029\n"
                    + "SM1 1AB,inf,164000,,,E09000029\n"
                    + "SM1 1AC,1e400,164000,,,E09000029\n"
                    + "SM1 1AD,526000,99999999999999999999999,,,E09000029\n"
                    + "SM1 1AE,-5,164000,,,E09000029\n"
                    + "SM1 1AF,,,51.36,-400,E09000029\n"
                    + "SM1 1AG,526000,164000,51.36,-0.19,E0900\x000029\n"
                    + "SM1 1AH,526000,164000,51.36,-0.19,NOT A CODE\n", encoding="utf-8")
    db = open_database(tmp_path / "p.db")
    try:
        summary = import_postcodes(db, path)
        with db.read() as session:
            held = {p.postcode: (p.easting, p.local_authority_code)
                    for p in session.query(PostcodeLookup)}
    finally:
        db.close()
    assert held == {"SM11AA": (526000, "E09000029"), "SM11AG": (526000, "E09000029")}
    reasons = [p.split(": ", 1)[1] for p in summary.problems]
    assert reasons == ["the easting is not a number.", "the easting is not a number.",
                       "the northing is outside Great Britain and Northern Ireland (it should "
                       "be between 0 and 1,300,000).",
                       "the easting is outside Great Britain and Northern Ireland (it should "
                       "be between 0 and 700,000).",
                       "the longitude is outside Great Britain and Northern Ireland (it should "
                       "be between -9 and 2).",
                       "the local authority code is not an ONS code (such as E09000029)."]


def test_an_empty_file_or_a_workbook_is_not_a_postcode_lookup(tmp_path: Path,
                                                              database: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    book = _xlsx(tmp_path / "lookup.xlsx")
    for path, words in ((empty, "empty"), (book, "workbook")):
        done = run_cli("--db", database, "import", "postcodes", path, home=tmp_path / "home")
        assert_told(done, REFUSED, path.name, words)


def test_a_utf16_postcode_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "onspd.csv"
    path.write_text(ONSPD_HEAD + "SM1 1AA,526000,164000,51.36,-0.19,E09000029\n",
                    encoding="utf-16")
    chunks = list(read_postcode_file(path))
    assert sum(len(c.values) for c in chunks) == 1


# -- Ofsted ---------------------------------------------------------------------------------

OFSTED_HEAD = "URN,Provision type,Name,Places,Inspection date,Overall effectiveness\n"


def test_ofsted_values_out_of_range_refuse_the_row(tmp_path: Path) -> None:
    path = tmp_path / "ofsted.csv"
    path.write_text(OFSTED_HEAD
                    + "SC100001,Children's home,Oak,1000000000000000000000000000000,"
                      "01/01/2024,Good\n"
                    + "SC100002,Children's home,Elm,-5,01/01/2024,Good\n"
                    + "SC100003,Children's home,Ash,3,31/12/9999,Outstanding\n"
                    + "SC100004,Children's home,Yew,3,01/01/0001,Outstanding\n"
                    + "SC100005,Children's home," + "N" * 120_000 + ",3,01/01/2024,Good\n"
                    + "0000000,Children's home,Zero,3,01/01/2024,Good\n"
                    + "SC100006,Children's home,Bay,3,01/01/2024,Good\n", encoding="utf-8")
    db = open_database(tmp_path / "o.db")
    try:
        summary = import_ofsted(db, [path], today=dt.date(2026, 3, 31))
        with db.read() as session:
            urns = sorted(u for u in session.query(Setting.urn))
    finally:
        db.close()
    assert urns == [("SC100006",)]
    text = "\n".join(summary.warnings)
    for row, words in ((2, "not between 0 and 10,000"), (3, "not between 0 and 10,000"),
                       (4, "inspection date is not between"),
                       (5, "inspection date is not between"), (6, "longer than 32,767")):
        assert f"row {row}, column" in text and words in text, (row, text)
    assert "N" * 100 not in text, "warnings say where, not what"


def test_a_date_far_in_the_future_does_not_outrank_a_real_inadequate(tmp_path: Path) -> None:
    first, second = tmp_path / "2024.csv", tmp_path / "2025.csv"
    first.write_text(OFSTED_HEAD + "SC100001,Children's home,Oak,3,01/06/2023,Good\n"
                     "SC100001,Children's home,Oak,3,31/12/9999,Outstanding\n",
                     encoding="utf-8")
    second.write_text(OFSTED_HEAD + "SC100001,Children's home,Oak,3,01/02/2025,Inadequate\n",
                      encoding="utf-8")
    db = open_database(tmp_path / "o.db")
    try:
        import_ofsted(db, [first], today=dt.date(2026, 3, 31))
        summary = import_ofsted(db, [second], today=dt.date(2026, 3, 31))
        with db.read() as session:
            setting = session.query(Setting).one()
            latest = (setting.latest_judgement, setting.latest_inspection_date)
    finally:
        db.close()
    assert latest == (Judgement.INADEQUATE, dt.date(2025, 2, 1))
    assert summary.downgrades == 1


def test_nul_and_direction_marks_are_removed_as_files_are_read(tmp_path: Path) -> None:
    path = tmp_path / "ofsted.csv"
    path.write_text(OFSTED_HEAD + "SC100001,Children's home,Oak\x00 \u202eesuoH\u202c,3,"
                    "01/01/2024,Good\n", encoding="utf-8")
    db = open_database(tmp_path / "o.db")
    try:
        import_ofsted(db, [path], today=dt.date(2026, 3, 31))
        with db.read() as session:
            name = session.query(Setting.name).scalar()
    finally:
        db.close()
    assert name == "Oak esuoH"


# -- SSDA903 --------------------------------------------------------------------------------

SSDA_HEADER = "CHILD,SEX,DOB,ETHNIC\n"
SSDA_EPISODES = ("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
                 "HOME_POST,PL_POST,URN\n")


def test_ssda903_values_out_of_range_refuse_the_row(tmp_path: Path) -> None:
    header = tmp_path / "header.csv"
    header.write_text(SSDA_HEADER + "C1,1,01/02/1800,WBRI\nC2,1,01/02/2999,WBRI\n"
                      "C3,1,01/02/2012,WB\x00RI\nC4,1," + "9" * 120_000 + ",WBRI\n",
                      encoding="utf-8")
    episodes = tmp_path / "episodes.csv"
    episodes.write_text(SSDA_EPISODES + "C3,01/04/2024,S,C2,N1,U1,PR1,,,,,,0000000\n"
                        "C3,01/04/1700,S,C2,N1,U1,PR1,,,,,,\n", encoding="utf-8")
    read = read_header_file(header)
    assert [r.child for r in read.records] == ["C3"]
    assert read.records[0].ethnicity == "WBRI", "the NUL was removed, the code then read"
    reasons = {p.row: p.reason for p in read.problems}
    assert "not between" in reasons[2] and "not between" in reasons[3]
    assert "longer than 32,767" in reasons[5]
    spells = read_episodes_file(episodes)
    assert [r.urn for r in spells.records] == [None]
    assert {p.row: p.level for p in spells.problems} == {2: "warning", 3: "error"}


def test_the_report_path_is_checked_before_anything_is_imported(tmp_path: Path,
                                                                database: Path,
                                                                capsys: pytest.CaptureFixture[
                                                                    str]) -> None:
    header = tmp_path / "header.csv"
    header.write_text(SSDA_HEADER + "C\x001,1,01/02/2012,WBRI\n", encoding="utf-8")
    episodes = tmp_path / "episodes.csv"
    episodes.write_text(SSDA_EPISODES + "C1,01/04/2024,S,C2,N1,U1,PR1,,,,,,\n",
                        encoding="utf-8")
    before = digest(database)
    for report in (tmp_path / "no such folder" / "r.xlsx", tmp_path / "report.pdf"):
        assert main(["--db", str(database), "import", "ssda903", "--header", str(header),
                     "--episodes", str(episodes), "--report", str(report)]) == 2
        assert "Traceback" not in capsys.readouterr().err
        assert digest(database) == before, "refused before the import, not after it"
    report = tmp_path / "report.xlsx"
    assert main(["--db", str(database), "import", "ssda903", "--header", str(header),
                 "--episodes", str(episodes), "--report", str(report)]) == 0
    assert report.exists()


# -- exports ----------------------------------------------------------------------------------

def test_exports_remove_control_characters_and_cut_text_to_a_cell(tmp_path: Path) -> None:
    rows = [["Oak\x00House\u202e", "=1+1"], ["x" * 40_000, dt.date(2024, 5, 1)]]
    out = write_table(tmp_path / "out.xlsx", ["Na\x07me", "Note"], rows)
    sheet = load_workbook(out).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["Name", "Note"]
    assert values[1] == ["OakHouse", "'=1+1"]
    assert len(values[2][0]) == 32_767 and values[2][0].endswith("\u2026")
    csv_out = write_table(tmp_path / "out.csv", ["Name"], [["Oak\x00House\x1b"]])
    assert "\x00" not in csv_out.read_text(encoding="utf-8-sig")
    assert clean_text("a\u2066b\u2069c\tz") == "abc\tz"


def test_a_register_with_a_nul_exports(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    path = tmp_path / "pd.db"
    db = open_database(path)
    try:
        with db.write() as session:
            session.add(Setting(name="Oak\x00 House", urn="SC100001",
                                setting_type=SettingType.CHILDRENS_HOME))
    finally:
        db.close()
    out = tmp_path / "register.xlsx"
    assert main(["--db", str(path), "export", "settings", "--out", str(out)]) == 0
    sheet = load_workbook(io.BytesIO(out.read_bytes())).active
    assert sheet is not None
    assert sheet["B4"].value == "Oak House"  # under the marking, the title and the headings
