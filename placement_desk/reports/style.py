"""The house look of Placement Desk's PDF documents, shared by every report.

A4 portrait with 20 mm margins, the OFFICIAL-SENSITIVE marking, the colours and the
light tints behind judgements; what every page shows about a document
(:class:`DocumentInfo`: the council's name, the title, and on a demo database a line
saying the data is made up); paragraph styles, section headings and the boxed banner.

Text typed by users always goes through :func:`para` or :func:`paragraphs`, which
escape it for reportlab's Paragraph markup. Every document is set in the house font
(:mod:`.fonts`: Noto Sans from ``resources/fonts``, embedded), and each section
heading (:func:`heading`) is a bookmark. Paragraphs never leave their last line alone
at the top of a page.

The house tables and signature blocks are in :mod:`.tables`, what is kept together
over a page break in :mod:`.page_breaks`, and writing the PDF file, with the header
and footer of every page, in :mod:`.pdf_writer`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle
from sqlalchemy.orm import Session

from ..db import Database
from ..services.common.formatting import date_long, date_short, money, weekly_money
from ..services.common.settings_store import COUNCIL_NAME, DEMO, get_setting, is_set
from . import fonts

__all__ = [
    "APP_NAME",
    "CONTENT_WIDTH",
    "DRAFT_FOR_SIGNATURE",
    "MARGIN",
    "MARKING",
    "PAGE_SIZE",
    "DocumentInfo",
    "Styles",
    "banner",
    "council_name",
    "date_long",
    "date_short",
    "demo_database",
    "heading",
    "judgement_tint",
    "markup",
    "money",
    "para",
    "paragraphs",
    "styles",
    "weekly_money",
]

PAGE_SIZE = A4
MARGIN = 20 * mm
CONTENT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
MARKING = "OFFICIAL-SENSITIVE"
"""The Government Security Classification marking: the documents are about looked-after
children."""
DRAFT_FOR_SIGNATURE = "DRAFT – not for signature"
APP_NAME = "Placement Desk"

fonts.register()
FONT = fonts.FONT
FONT_BOLD = fonts.FONT_BOLD
INK = colors.HexColor("#0b0c0c")
MUTED = colors.HexColor("#505a5f")
RULE = colors.HexColor("#b1b4b6")
SHADE = colors.HexColor("#f3f2f1")
DRAFT_INK = colors.HexColor("#942514")
TINTS = {"green": colors.HexColor("#dcefe0"), "amber": colors.HexColor("#fcecc8"),
         "red": colors.HexColor("#f6d7d2"), "grey": colors.HexColor("#ebebeb")}
"""Light backgrounds for judgement and RAG cells: they support the word, never replace it."""
FONT_CELLS = ("FONTNAME", (0, 0), (-1, -1), FONT)
"""Every table's own font (for cells drawn as plain strings): the house font, never
reportlab's unembedded Helvetica."""
_JUDGEMENT_TINT = {"outstanding": "green", "good": "green", "requires_improvement": "amber",
                   "requires_improvement_old": "amber", "adequate": "amber",
                   "satisfactory": "amber", "inadequate": "red"}


# --- Who and what -------------------------------------------------------------------

def council_name(session: Session, fallback: str | None = None) -> str:
    """The name in the header: the council's name as set for the database, else
    ``fallback`` (an agreement's council), else "Placement Desk"."""
    if is_set(session, COUNCIL_NAME):
        name = str(get_setting(session, COUNCIL_NAME) or "").strip()
        if name:
            return name
    return (fallback or "").strip() or APP_NAME


def demo_database(db: Database) -> bool:
    """Whether ``db`` is a demo database (the demo generator marks it): its documents then
    say on every page that the data is made up."""
    with db.read() as session:
        return bool(get_setting(session, DEMO))


DEMO_MARKING = "DEMO – made-up data for trying Placement Desk, not about real children"


@dataclass(frozen=True)
class DocumentInfo:
    """What every page shows about the document."""

    title: str
    council: str
    printed_on: dt.date
    draft_marking: str | None = None
    """Shown on every page when set, e.g. :data:`DRAFT_FOR_SIGNATURE` or "DRAFT"."""
    subject: str = ""
    author: str = ""
    """Who the document is by, in its metadata; the council when blank."""
    demo: bool = False
    """A demo database's document: :data:`DEMO_MARKING` on every page."""


def judgement_tint(judgement: str | None) -> colors.Color:
    """The light tint behind a judgement's word (QA or Ofsted); grey when not judged."""
    return TINTS[_JUDGEMENT_TINT.get(str(judgement) if judgement else "", "grey")]


# --- Paragraph styles -----------------------------------------------------------------

@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    label: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    banner: ParagraphStyle
    cell_small: ParagraphStyle
    cell_small_bold: ParagraphStyle
    lead: ParagraphStyle
    """Small text that introduces what follows and is kept with it."""


def _make_styles() -> Styles:
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5, textColor=INK,
                          spaceAfter=5, alignment=TA_LEFT, allowWidows=0, allowOrphans=0,
                          bulletFontName=FONT)
    return Styles(
        title=ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=18,
                             leading=22, spaceAfter=4),
        subtitle=ParagraphStyle("subtitle", parent=body, fontSize=11, leading=14,
                                textColor=MUTED, spaceAfter=8),
        heading=ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, fontSize=13,
                               leading=16, spaceBefore=12, spaceAfter=5, keepWithNext=1),
        subheading=ParagraphStyle("subheading", parent=body, fontName=FONT_BOLD,
                                  fontSize=10.5, leading=13.5, spaceBefore=8, spaceAfter=3,
                                  keepWithNext=1),
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8.5, leading=11,
                             textColor=MUTED),
        label=ParagraphStyle("label", parent=body, fontName=FONT_BOLD, fontSize=9.5,
                             leading=12.5, spaceAfter=0),
        cell=ParagraphStyle("cell", parent=body, fontSize=9.5, leading=12.5, spaceAfter=0),
        cell_bold=ParagraphStyle("cell_bold", parent=body, fontName=FONT_BOLD, fontSize=9.5,
                                 leading=12.5, spaceAfter=0),
        banner=ParagraphStyle("banner", parent=body, fontName=FONT_BOLD, fontSize=12,
                              leading=15, textColor=DRAFT_INK, spaceAfter=0),
        cell_small=ParagraphStyle("cell_small", parent=body, fontSize=8.5, leading=11,
                                  spaceAfter=0),
        cell_small_bold=ParagraphStyle("cell_small_bold", parent=body, fontName=FONT_BOLD,
                                       fontSize=8.5, leading=11, spaceAfter=0),
        lead=ParagraphStyle("lead", parent=body, fontSize=8.5, leading=11, textColor=MUTED,
                            keepWithNext=1),
    )


_STYLES = _make_styles()


def styles() -> Styles:
    """The shared paragraph styles (title, heading, body, small, table cells)."""
    return _STYLES


def markup(text: str) -> str:
    """User text made safe for Paragraph markup; line breaks kept; characters the house
    font lacks set in the fallback font."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return fonts.with_fallback("<br/>".join(escape(line) for line in lines))


def para(text: str | None, style: ParagraphStyle | None = None, *, blank: str = "") -> Paragraph:
    """One paragraph of plain (user) text, escaped; ``blank`` stands in for no text."""
    value = (text or "").strip() or blank
    return Paragraph(markup(value), style or _STYLES.body)


def paragraphs(text: str | None, style: ParagraphStyle | None = None, *,
               blank: str = "None recorded.") -> list[Flowable]:
    """Long user text as paragraphs (split at blank lines), each free to break across pages."""
    chunks = [c.strip() for c in (text or "").replace("\r\n", "\n").split("\n\n")]
    chunks = [c for c in chunks if c]
    if not chunks:
        return [Paragraph(escape(blank), _STYLES.body)]
    return [Paragraph(markup(c), style or _STYLES.body) for c in chunks]


class _Heading(Paragraph):  # type: ignore[misc]  # reportlab is untyped
    """A heading that adds itself to the PDF's bookmarks where it is drawn."""

    def __init__(self, text: str, style: ParagraphStyle, *args: Any,
                 outline: tuple[str, int] | None = None, **kwargs: Any) -> None:
        super().__init__(text, style, *args, **kwargs)
        self.outline = outline

    def draw(self) -> None:
        super().draw()
        mark = getattr(self.canv, "mark_section", None)
        if self.outline is not None and mark is not None:
            _x, top = self.canv.absolutePosition(0, self.height)
            mark(self.outline[0], self.outline[1], top)
            self.outline = None  # a heading split over pages is marked once


def heading(text: str, *, sub: bool = False, bookmark: bool | None = None) -> Paragraph:
    """A section heading (or a smaller one with ``sub``); text is escaped.

    A section heading is a bookmark of the PDF (a sub-heading one level down when
    ``bookmark`` is True); ``bookmark=False`` leaves it out.
    """
    mark = (not sub) if bookmark is None else bookmark
    outline = (" ".join(text.split()), 1 if sub else 0) if mark else None
    return _Heading(markup(text), _STYLES.subheading if sub else _STYLES.heading,
                    outline=outline)


def banner(text: str) -> Flowable:
    """A boxed warning line across the page, e.g. the DRAFT marking under the title."""
    table = Table([[Paragraph(escape(text), _STYLES.banner)]], colWidths=[CONTENT_WIDTH])
    table.setStyle(TableStyle([
        FONT_CELLS,
        ("BOX", (0, 0), (-1, -1), 1.5, DRAFT_INK),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
    ]))
    table.spaceBefore, table.spaceAfter = 2, 8
    return table
