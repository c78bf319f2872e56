"""The shared look: page furniture, escaping, tables over pages, atomic and safe writing."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from placement_desk.errors import UserError
from placement_desk.lifecycle import Database
from placement_desk.reports import style, tables
from placement_desk.reports.pdf_writer import write_pdf
from placement_desk.reports.style import DocumentInfo
from placement_desk.reports.tables import Signatory
from placement_desk.services.common.settings_store import set_setting

INFO = DocumentInfo(title="Provider review pack", council="Sutton Council",
                    printed_on=dt.date(2026, 3, 7))

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils) is needed to read the PDFs")


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True)
    return done.stdout


def sheets(text: str) -> list[str]:
    return text.rstrip("\f").split("\f")


def lines(page: str) -> list[str]:
    return [line for line in page.splitlines() if line.strip()]


def _story() -> list[Flowable]:
    rows = [[f"Row {n}", style.money(123_450 * n), "Fine"] for n in range(1, 81)]
    return [
        style.para("Fees – 2026/27 uplift of £1,234.50 <b>not bold</b> & \"quoted\""),
        tables.key_value_table([("Weekly fee", style.weekly_money(123_450)),
                                ("Note", "x < y & y > z")]),
        tables.plain_table(["Item", "Amount", "State"], rows, right=(1,)),
        *style.paragraphs("First paragraph.\n\nSecond paragraph\nwith a line break."),
        tables.signatures([Signatory("Acorn Care Ltd", name="Pat Provider", role="Director"),
                           Signatory("Sutton Council", signed_on=dt.date(2026, 3, 9)),
                           Signatory("Surrey Health Board")]),
        tables.signature_block(Signatory("A witness")),
    ]


def test_pages_carry_marking_council_title_page_numbers_and_date(tmp_path: Path) -> None:
    out = write_pdf(tmp_path / "pack.pdf", INFO, _story())
    assert out == tmp_path / "pack.pdf"
    pages = sheets(pdf_text(out))
    assert len(pages) >= 2
    for n, page in enumerate(pages, start=1):
        top = lines(page)[:2]
        assert "OFFICIAL-SENSITIVE" in top[0]
        assert "Sutton Council" in top[1] and "Provider review pack" in top[1]
        bottom = lines(page)[-1]
        assert "OFFICIAL-SENSITIVE" in bottom
        assert f"Page {n} of {len(pages)}" in bottom
        assert "Printed 7 March 2026" in bottom
        assert "DRAFT" not in page


def test_pound_and_en_dash_render_and_user_markup_is_printed_as_typed(tmp_path: Path) -> None:
    text = pdf_text(write_pdf(tmp_path / "t.pdf", INFO, _story()))
    assert 'Fees – 2026/27 uplift of £1,234.50 <b>not bold</b> & "quoted"' in text
    assert "£1,234.50 per week" in text
    assert "x<y&y>z" in text.replace(" ", "")  # pdftotext drops the spaces around them
    assert "Second paragraph" in text and "with a line break." in text


def test_a_long_table_repeats_its_header_row_on_every_page(tmp_path: Path) -> None:
    pages = sheets(pdf_text(write_pdf(tmp_path / "t.pdf", INFO, _story())))
    with_rows = [p for p in pages if "Row " in p]
    assert len(with_rows) >= 2
    for page in with_rows:
        assert "Item" in page and "Amount" in page and "State" in page
    assert "Row 80" in pages[-1] or "Row 80" in pages[-2]
    assert "£98,760.00" in "".join(pages)  # 80 × £1,234.50


def test_signature_block_prints_name_role_and_lines_to_sign(tmp_path: Path) -> None:
    text = pdf_text(write_pdf(tmp_path / "t.pdf", INFO, _story()))
    page = lines(sheets(text)[-1])
    at = next(n for n, line in enumerate(page) if "Signed for and on behalf of" in line)
    block = [" ".join(line.split()) for line in page[at:at + 5]]
    assert block == ["Signed for and on behalf of Acorn Care Ltd Signed for and on behalf of "
                     "Sutton Council", "Name Pat Provider Name", "Role Director Role",
                     "Signature Signature", "Date Date 9 March 2026"]
    # the third party's name may wrap within its block
    rest = " ".join(" ".join(line.split()) for line in page[at + 5:])
    assert rest.startswith("Signed for and on behalf of Surrey Health Board Name Role "
                           "Signature Date Signed for and on behalf of A witness Name Role "
                           "Signature Date")


def test_draft_marking_is_on_every_page(tmp_path: Path) -> None:
    info = DocumentInfo(title="Pack", council="Sutton Council", printed_on=INFO.printed_on,
                        draft_marking=style.DRAFT_FOR_SIGNATURE)
    pages = sheets(pdf_text(write_pdf(tmp_path / "d.pdf", info, _story())))
    assert all("DRAFT – not for signature" in lines(p)[0] for p in pages)


def test_long_titles_are_shortened_to_fit_the_header(tmp_path: Path) -> None:
    info = DocumentInfo(title="A very long document title " * 6, council="Council " * 12,
                        printed_on=INFO.printed_on)
    first = sheets(pdf_text(write_pdf(tmp_path / "l.pdf", info, [style.para("Body")])))[0]
    header = lines(first)[1]
    assert header.count("…") == 2


def test_council_name_prefers_the_saved_setting_then_the_fallback(db: Database) -> None:
    with db.sessions() as s:
        assert style.council_name(s) == "Placement Desk"
        assert style.council_name(s, "  Sutton Council ") == "Sutton Council"
    with db.sessions.begin() as s:
        set_setting(s, "council.name", "London Borough of Sutton")
    with db.sessions() as s:
        assert style.council_name(s, "Sutton Council") == "London Borough of Sutton"
    with db.sessions.begin() as s:
        set_setting(s, "council.name", "  ")
    with db.sessions() as s:
        assert style.council_name(s, "Sutton Council") == "Sutton Council"


def test_a_missing_folder_is_a_user_error_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        write_pdf(tmp_path / "missing" / "x.pdf", INFO, _story())
    assert list(tmp_path.iterdir()) == []


def test_a_folder_in_place_of_the_file_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / "x.pdf").mkdir()
    with pytest.raises(UserError, match="is a folder"):
        write_pdf(tmp_path / "x.pdf", INFO, _story())
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="folder permissions do not stop the root user")
def test_a_read_only_folder_is_a_user_error_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(UserError, match="read-only"):
            write_pdf(folder / "x.pdf", INFO, _story())
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_a_failed_build_keeps_the_previous_file_and_leaves_no_temporary_file(
        tmp_path: Path) -> None:
    target = tmp_path / "pack.pdf"
    write_pdf(target, INFO, _story())
    before = target.read_bytes()
    too_tall = Spacer(1, 400 * mm)  # taller than any A4 frame: reportlab cannot lay it out
    with pytest.raises(Exception, match="too large"):
        write_pdf(target, INFO, [style.para("Start"), too_tall])
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["pack.pdf"]


def test_rewriting_replaces_the_file_and_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "pack.pdf"
    write_pdf(target, INFO, [style.para("First version")])
    assert target.stat().st_mode & 0o777 == 0o644
    target.chmod(0o640)
    write_pdf(target, INFO, [style.para("Second version")])
    assert "Second version" in pdf_text(target)
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["pack.pdf"]


def test_every_font_is_the_shipped_one_embedded_and_odd_characters_still_print(
        tmp_path: Path) -> None:
    from .pdf_tools import fonts

    story = [style.heading("Arrows and ticks"),
             style.para("Good → Inadequate; at least ≥ 3 ✓; Łódź, Ærø, Ça ira"), *_story()]
    out = write_pdf(tmp_path / "f.pdf", INFO, story)
    found = fonts(out)
    assert found and all(f.embedded for f in found), found
    assert {f.name.split("+")[-1] for f in found} == {"NotoSans-Regular", "NotoSans-Bold",
                                                      "DejaVuSans"}
    assert "Good → Inadequate; at least ≥ 3 ✓; Łódź, Ærø, Ça ira" in pdf_text(out)


def test_metadata_names_title_author_and_language_and_sections_are_bookmarked(
        tmp_path: Path) -> None:
    from .pdf_tools import bookmarks, info, language

    story: list[Flowable] = []
    for n in range(1, 4):
        story += [style.heading(f"{n}. Part {n}"), style.heading("Detail", sub=True),
                  *style.paragraphs("\n\n".join(["Some words. " * 40] * 12))]
    doc = DocumentInfo(title="Provider review pack: Acorn", council="Sutton Council",
                       printed_on=INFO.printed_on, author="Sam Jones, Sutton Council")
    out = write_pdf(tmp_path / "m.pdf", doc, story)
    meta = info(out)
    assert meta["Title"] == "Provider review pack: Acorn"
    assert meta["Author"] == "Sam Jones, Sutton Council"
    assert language(out) == "en-GB"
    marks = bookmarks(out)
    assert [(b.title, b.level) for b in marks] == [("1. Part 1", 0), ("2. Part 2", 0),
                                                    ("3. Part 3", 0)]
    texts = sheets(pdf_text(out))
    for mark in marks:  # each bookmark opens the page its heading is on
        assert mark.title in texts[mark.page - 1]
    assert marks[-1].page > marks[0].page
def test_a_demo_database_says_so_on_every_page_and_others_do_not(
        db: Database, tmp_path: Path) -> None:
    from placement_desk.services.demo.generator import generate_demo

    assert not style.demo_database(db), "a new database is not a demo"
    plain = write_pdf(tmp_path / "plain.pdf", INFO, _story())
    assert "made-up data" not in pdf_text(plain)
    generate_demo(db.engine, size="small", seed=1, as_of=dt.date(2026, 3, 7))
    assert style.demo_database(db), "the demo generator marks its database"
    info = DocumentInfo(title="Provider review pack", council="Demo Borough Council",
                        printed_on=dt.date(2026, 3, 7), demo=style.demo_database(db))
    pages = sheets(pdf_text(write_pdf(tmp_path / "demo.pdf", info, _story())))
    assert len(pages) > 1
    for page in pages:
        top = lines(page)[:4]
        assert any("DEMO – made-up data for trying Placement Desk, not about real children"
                   in line for line in top), top
        assert "Row" not in " ".join(top[:3]), "the line sits above the content"
