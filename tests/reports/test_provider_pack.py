"""The provider review pack read back from the PDF: name, figures, marking, pages, fonts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from placement_desk.errors import UserError
from placement_desk.lifecycle import Database
from placement_desk.reports.provider_pack import SECTIONS, pack_file_name, write_provider_pack

from ..services.reports.pack_world import TODAY, World, build
from .pdf_tools import bookmarks, flat, fonts, info, language, lines, needs_poppler, pages

pytestmark = needs_poppler


@pytest.fixture
def world(db: Database) -> World:
    return build(db)


@pytest.fixture
def pack_pdf(db: Database, world: World, tmp_path: Path) -> Path:
    return write_provider_pack(db, world.acorn, tmp_path / "pack.pdf", today=TODAY)


def test_the_pack_names_the_provider_and_prints_the_figures_worked_out_by_hand(
        pack_pdf: Path) -> None:
    sheets = pages(pack_pdf)
    cover = flat(sheets[0])
    for expected in ("Provider review pack", "Acorn Care", "Acorn Care Ltd",
                     "Unit 4, Mill Lane, Croydon, CR0 2AB",
                     "Oak House (SC100001): Children's home, active",
                     "Elm Flats: Semi-independent accommodation, active",
                     "1 April 2025 to 31 March 2026",
                     "Contract review meeting with Acorn Care", "test.user, Sutton Council",
                     "31 March 2026"):
        assert expected in cover, expected
    whole = flat("\n".join(sheets))
    for expected in ("Children placed today 2", "Children placed in the period 3",
                     "69.7 weeks in the period",  # (365 + 92 + 31) ÷ 7
                     "£259,771.43 in the period, for 65.3 weeks paid for",
                     "Open actions 3, of which 2 overdue",
                     "15 March 2026 (overdue)",
                     "£3,978.99", "£4,432.36", "-£453.37",  # K2: Acorn against the council
                     "Downgrade raised 20/06/2025: Good to Requires improvement to be good",
                     "Under enhanced monitoring since 20/06/2025",
                     "Not regulated by Ofsted",
                     "10/11/2025: Oak House (unannounced, completed)",
                     "Audit the missing-episode", "Overdue",
                     "FW-01", "The last contract review: 15 September 2025",
                     "Policies out of date.", "Improvement plan agreed for the staffing rota.",
                     "The provider sent the updated policies late.",
                     "Public liability insurance 31/01/2026 Expired"):
        assert expected in whole, expected


def test_placements_print_by_child_reference_with_fee_variations_and_distance(
        pack_pdf: Path) -> None:
    whole = flat("\n".join(pages(pack_pdf)))
    today = whole[whole.index("Placed today (2)"):whole.index("Ended in the period (1)")]
    assert re.search(r"C-1 Oak House K2 01/01/2025 £4,200.00 1, latest 01/10/2025: "
                     r"(Annual )?.*12.5", today), today
    assert "C-3 Elm Flats H5 01/03/2026 No None – Spot purchase agreement" in today
    ended = whole[whole.index("Ended in the period (1)"):whole.rindex("5. Contracts")]
    assert "C-2 Oak House K2 01/10/2025 01/01/2026 £3,500.00 None 48.0 Spot purchase" in ended


def test_every_page_is_marked_numbered_and_every_font_embedded(pack_pdf: Path) -> None:
    sheets = pages(pack_pdf)
    count = int(info(pack_pdf)["Pages"])
    assert count == len(sheets) >= 5
    for n, sheet in enumerate(sheets, start=1):
        text = lines(sheet)
        assert "OFFICIAL-SENSITIVE" in text[0], n
        assert "Sutton Council" in text[1] and "Provider review pack: Acorn Care" in text[1]
        assert "OFFICIAL-SENSITIVE" in text[-1] and f"Page {n} of {count}" in text[-1]
        assert len(text) > 4, f"page {n} holds next to nothing"
    found = fonts(pack_pdf)
    assert found and all(f.embedded for f in found), found
    assert all("NotoSans" in f.name or "DejaVuSans" in f.name for f in found), found


def test_metadata_and_a_bookmark_for_each_section(pack_pdf: Path) -> None:
    meta = info(pack_pdf)
    assert meta["Title"] == "Provider review pack: Acorn Care"
    assert meta["Author"] == "test.user, Sutton Council"
    assert language(pack_pdf) == "en-GB"
    marks = bookmarks(pack_pdf)
    assert [b.title for b in marks] == list(SECTIONS)
    sheets = pages(pack_pdf)
    assert all(b.title in sheets[b.page - 1] for b in marks)
    assert [b.page for b in marks] == sorted(b.page for b in marks)


def test_a_provider_that_is_gone_is_refused_and_nothing_is_written(
        db: Database, world: World, tmp_path: Path) -> None:
    import uuid

    with pytest.raises(UserError, match="no longer in the database"):
        write_provider_pack(db, uuid.uuid4(), tmp_path / "gone.pdf", today=TODAY)
    assert list(tmp_path.glob("*.pdf*")) == []


def test_the_offered_file_name_is_safe_on_windows() -> None:
    assert pack_file_name('Acorn: "Care" / North', TODAY) == \
        "Review pack Acorn Care North 2026-03-31.pdf"
