"""The house look of Placement Desk's PDF documents, shared by every report.

A4 portrait with 20 mm margins; a header with the council's name and the document's
title (and, on a demo database, a line saying the data is made up); a footer with the
OFFICIAL-SENSITIVE marking, "Page x of y" and the date
printed; paragraph styles, key/value and plain tables, signature blocks; and
:func:`write_pdf`, which builds the document into a temporary file beside the
target and moves it into place, so a failure never leaves a half-written PDF.

Text typed by users always goes through :func:`para` or :func:`paragraphs`, which
escape it for reportlab's Paragraph markup. Every document is set in the house font
(:mod:`.fonts`: Noto Sans from ``resources/fonts``, embedded), carries its title,
author and language (en-GB) in its metadata, and has a bookmark for each section
heading (:func:`heading`). Paragraphs never leave their last line alone at the top
of a page; whatever must not be parted from what follows (a closing line and its
signature, a table and its heading) goes in :func:`keep_together`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)
from sqlalchemy.orm import Session

from ..db import Database
from ..errors import UserError
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
    "Signatory",
    "Styles",
    "banner",
    "council_name",
    "date_long",
    "date_short",
    "demo_database",
    "heading",
    "judgement_tint",
    "keep_together",
    "key_value_table",
    "markup",
    "money",
    "para",
    "paragraphs",
    "plain_table",
    "signature_block",
    "signatures",
    "styles",
    "weekly_money",
    "write_pdf",
]

PAGE_SIZE = A4
MARGIN = 20 * mm
CONTENT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
MARKING = "OFFICIAL-SENSITIVE"
"""The Government Security Classification marking: the documents are about looked-after
children."""
DRAFT_FOR_SIGNATURE = "DRAFT – not for signature"
APP_NAME = "Placement Desk"

LANGUAGE = "en-GB"
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
_FONT_CELLS = ("FONTNAME", (0, 0), (-1, -1), FONT)
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


START_HERE = 0.3
"""A group too tall for any page starts where it is when at least this share of a page is
left, rather than leaving that space blank."""
SPLIT_HERE = 0.4
"""A group that may split (a heading and a long table) starts where it is when at least
this share of a page is left."""


class _Together(KeepTogether):  # type: ignore[misc]  # reportlab is untyped
    """Keeps its flowables on one page, moving them whole to the next when they do not
    fit; but a group taller than a whole page starts where it is when there is room,
    instead of leaving most of a page blank, and so does a group that may split (a
    heading with a long table, whose header row repeats on the next page) when much of
    the page is left. A group made around such a group (a section heading and its
    introduction kept with what follows) may split too."""

    def __init__(self, flowables: Sequence[Flowable], may_split: bool = False) -> None:
        super().__init__(list(flowables))
        self.may_split = may_split

    def split(self, aW: float, aH: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(aW, aH)
        frame = getattr(self, "_frame", None)
        if not (parts and isinstance(parts[0], type(self.FrameBreak)) and frame is not None):
            return parts
        page, content = frame._height, self._H
        may_split = self.may_split or any(getattr(f, "may_split", False)
                                          for f in self._content)
        if (content > page and aH > page * START_HERE) or (may_split
                                                           and aH > page * SPLIT_HERE):
            # The doc needs more than one piece back from a split; the first does nothing.
            return [self.NullActionFlowable(), *_placed_here(parts[1:])]
        return parts


def _placed_here(flowables: Sequence[Flowable]) -> Iterator[Flowable]:
    """A group's flowables laid out one after another where it starts: groups within it
    opened up and headings no longer held to what follows, so no later decision moves
    part of it to the next page and leaves its heading behind."""
    for f in flowables:
        if isinstance(f, _Together):
            yield from _placed_here(f._content)
        else:
            f.__dict__["keepWithNext"] = 0
            yield f


def bind_headings(story: Sequence[Flowable]) -> list[Flowable]:
    """The story with each run of headings (and other flowables kept with what follows)
    that comes just before a kept-together group moved into that group.

    reportlab keeps a heading with the flowable after it, but never with a group, so a
    heading before a group would otherwise be left at the foot of a page when the group
    moves on to the next.
    """
    out: list[Flowable] = []
    for f in story:
        if isinstance(f, _Together):
            held: list[Flowable] = []
            while out and not isinstance(out[-1], KeepTogether) \
                    and out[-1].getKeepWithNext():
                held.insert(0, out.pop())
            if held:
                f._content = [*held, *f._content]
        out.append(f)
    return out


def keep_together(flowables: Sequence[Flowable], *, may_split: bool = False) -> Flowable:
    """Flowables kept on one page (moved whole to the next when they do not fit), so a
    closing line, a signature or a short table never stands alone on a page.

    With ``may_split`` (a heading and a long table), the group starts where it is when
    at least :data:`SPLIT_HERE` of the page is left, and the table runs on over pages.
    """
    return _Together(flowables, may_split)


def banner(text: str) -> Flowable:
    """A boxed warning line across the page, e.g. the DRAFT marking under the title."""
    table = Table([[Paragraph(escape(text), _STYLES.banner)]], colWidths=[CONTENT_WIDTH])
    table.setStyle(TableStyle([
        _FONT_CELLS,
        ("BOX", (0, 0), (-1, -1), 1.5, DRAFT_INK),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
    ]))
    table.spaceBefore, table.spaceAfter = 2, 8
    return table


# --- Tables ---------------------------------------------------------------------------------

Cell: TypeAlias = str | Flowable | None


def _cell(value: Cell, style: ParagraphStyle) -> Flowable:
    if value is None or isinstance(value, str):
        return para(value, style)
    return value


def key_value_table(rows: Sequence[tuple[str, Cell]], *, key_width: float = 48 * mm,
                    width: float = CONTENT_WIDTH) -> Table:
    """Labels on the left, values (text escaped, or flowables) on the right."""
    data = [[para(key, _STYLES.label), _cell(value, _STYLES.cell)] for key, value in rows]
    table = Table(data, colWidths=[key_width, width - key_width], splitInRow=1)
    table.setStyle(TableStyle([
        _FONT_CELLS,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), SHADE),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
        ("LINEABOVE", (0, 0), (-1, 0), 0.5, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    table.hAlign = "LEFT"
    table.spaceAfter = 6
    return table


def plain_table(header: Sequence[str], rows: Sequence[Sequence[Cell]], *,
                widths: Sequence[float] | None = None, right: Sequence[int] = (),
                total_rows: int = 0,
                extra: Sequence[tuple[Any, ...]] = (), small: bool = False) -> Table:
    """A table whose header row repeats on every page; ``right`` lists columns of numbers.

    The last ``total_rows`` rows are totals, in bold under a rule. Rows may split
    across pages, so a long cell never overflows a page. ``extra`` adds TableStyle
    commands (tints, spans); ``small`` sets a table of many columns in a smaller size.
    """
    plain, bold_style = ((_STYLES.cell_small, _STYLES.cell_small_bold) if small
                         else (_STYLES.cell, _STYLES.cell_bold))
    aligned: dict[tuple[str, int], ParagraphStyle] = {}

    def style_for(col: int, bold: bool) -> ParagraphStyle:
        base = bold_style if bold else plain
        if col in right:
            key = (base.name, col)
            if key not in aligned:
                aligned[key] = ParagraphStyle(f"{base.name}_r{col}", parent=base, alignment=2)
            return aligned[key]
        return base

    if widths is None:
        widths = [CONTENT_WIDTH / len(header)] * len(header)
    pad = 4 if small else 5
    room = [w - 2 * pad - 0.5 for w in widths]

    def cell(value: Cell, col: int, bold: bool) -> Cell:
        # Text that fits on one line is drawn as it is: a table of hundreds of rows then
        # lays out in a fraction of the time. Longer text wraps in a paragraph.
        if isinstance(value, str):
            text = value.strip()
            if "\n" not in text and fonts.drawable(text) and stringWidth(
                    text, FONT_BOLD if bold else FONT, plain.fontSize) <= room[col]:
                return text
        return _cell(value, style_for(col, bold))

    data: list[list[Cell]] = [[para(h, style_for(c, True)) for c, h in enumerate(header)]]
    first_total = len(rows) - total_rows
    for r, row in enumerate(rows):
        data.append([cell(v, c, r >= first_total) for c, v in enumerate(row)])
    table = Table(data, colWidths=list(widths), repeatRows=1, splitInRow=1)
    commands: list[tuple[Any, ...]] = [
        _FONT_CELLS,
        ("FONTSIZE", (0, 0), (-1, -1), plain.fontSize),
        ("LEADING", (0, 0), (-1, -1), plain.leading),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        *(("ALIGN", (c, 0), (c, -1), "RIGHT") for c in right),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 1, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.5, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), 3 if small else 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4 if small else 5),
    ]
    if 0 < total_rows <= len(rows):
        commands.append(("LINEABOVE", (0, -total_rows), (-1, -total_rows), 1, INK))
        commands.append(("FONTNAME", (0, -total_rows), (-1, -1), FONT_BOLD))
    table.setStyle(TableStyle([*commands, *extra]))
    table.hAlign = "LEFT"
    table.spaceAfter = 6
    return table


@dataclass(frozen=True)
class Signatory:
    """One party who signs: known values are printed, the rest left blank to fill in."""

    party: str
    name: str | None = None
    role: str | None = None
    signed_on: dt.date | None = None


_SIGN_HEIGHTS = (None, 10 * mm, 10 * mm, 16 * mm, 10 * mm, 3 * mm)
_SIGN_KEY = 22 * mm


def _signature_cells(who: Signatory) -> list[list[Any]]:
    return [
        [para(f"Signed for and on behalf of {who.party}", _STYLES.cell_bold), ""],
        [para("Name", _STYLES.label), para(who.name, _STYLES.cell)],
        [para("Role", _STYLES.label), para(who.role, _STYLES.cell)],
        [para("Signature", _STYLES.label), ""],
        [para("Date", _STYLES.label), para(date_long(who.signed_on, blank=""), _STYLES.cell)],
        ["", ""],
    ]


def _signature_style(col: int, row: int) -> list[tuple[Any, ...]]:
    """The look of one block whose top-left cell is (col, row)."""
    top, bottom, value = (col, row), (col + 1, row + 5), col + 1
    return [
        ("SPAN", top, (col + 1, row)),
        ("VALIGN", top, (col + 1, row), "TOP"),
        ("BOX", top, bottom, 0.5, RULE),
        ("BACKGROUND", top, (col + 1, row), SHADE),
        ("LINEBELOW", (value, row + 1), (value, row + 4), 0.75, INK),
        ("TOPPADDING", top, (col + 1, row), 5), ("BOTTOMPADDING", top, (col + 1, row), 6),
    ]


_SIGN_BASE: list[tuple[Any, ...]] = [
    _FONT_CELLS,
    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
    ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
    ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]


def signature_block(who: Signatory, *, width: float = (CONTENT_WIDTH - 6 * mm) / 2) -> Table:
    """One "Signed for and on behalf of" block: name, role, signature line, date line."""
    table = Table(_signature_cells(who), colWidths=[_SIGN_KEY, width - _SIGN_KEY],
                  rowHeights=list(_SIGN_HEIGHTS))
    table.setStyle(TableStyle([*_SIGN_BASE, *_signature_style(0, 0)]))
    table.hAlign = "LEFT"
    table.spaceBefore, table.spaceAfter = 2 * mm, 6 * mm
    return table


def signatures(signatories: Sequence[Signatory], *,
               before: Sequence[Flowable] = ()) -> Flowable:
    """Signature blocks two to a row, their lines level, kept on one page with ``before``."""
    gap = 6 * mm
    half = (CONTENT_WIDTH - gap) / 2
    rows: list[list[Any]] = []
    heights: list[float | None] = []
    commands = list(_SIGN_BASE)
    for i in range(0, len(signatories), 2):
        left = _signature_cells(signatories[i])
        right = (_signature_cells(signatories[i + 1]) if i + 1 < len(signatories)
                 else [["", ""] for _ in left])
        commands += _signature_style(0, len(rows))
        if i + 1 < len(signatories):
            commands += _signature_style(3, len(rows))
        rows += [[*a, "", *b] for a, b in zip(left, right, strict=True)]
        heights += [*_SIGN_HEIGHTS]
        if i + 2 < len(signatories):
            rows.append([""] * 5)
            heights.append(6 * mm)
    grid = Table(rows, colWidths=[_SIGN_KEY, half - _SIGN_KEY, gap, _SIGN_KEY,
                                  half - _SIGN_KEY], rowHeights=heights)
    grid.setStyle(TableStyle(commands))
    grid.hAlign = "LEFT"
    grid.spaceAfter = 6 * mm
    return _Together([*before, grid])


# --- Pages ------------------------------------------------------------------------------------

def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` points."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _decorate(canvas: Canvas, info: DocumentInfo, page: int, pages: int) -> None:
    width, height = PAGE_SIZE
    left, right = MARGIN, width - MARGIN
    canvas.saveState()
    canvas.setFillColor(INK)
    canvas.setFont(FONT_BOLD, 8)
    canvas.drawCentredString(width / 2, height - 10 * mm, MARKING)
    if info.draft_marking:
        canvas.setFillColor(DRAFT_INK)
        canvas.setFont(FONT_BOLD, 9)
        canvas.drawRightString(right, height - 10 * mm, info.draft_marking)
        canvas.setFillColor(INK)
    half = (right - left) / 2 - 3 * mm
    canvas.setFont(FONT_BOLD, 9)
    canvas.drawString(left, height - 16 * mm, _fit(info.council, FONT_BOLD, 9, half))
    canvas.setFont(FONT, 9)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(right, height - 16 * mm, _fit(info.title, FONT, 9, half))
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(left, height - 17.5 * mm, right, height - 17.5 * mm)
    if info.demo:
        canvas.setFillColor(DRAFT_INK)
        canvas.setFont(FONT_BOLD, 9)
        canvas.drawCentredString(width / 2, height - 22 * mm, DEMO_MARKING)
        canvas.setFillColor(INK)
    canvas.line(left, 15 * mm, right, 15 * mm)
    canvas.setFillColor(INK)
    canvas.setFont(FONT_BOLD, 8)
    canvas.drawString(left, 10.5 * mm, MARKING)
    canvas.setFont(FONT, 8)
    canvas.drawCentredString(width / 2, 10.5 * mm, f"Page {page} of {pages}")
    canvas.drawRightString(right, 10.5 * mm, f"Printed {date_long(info.printed_on)}")
    canvas.restoreState()


def _numbered_canvas(info: DocumentInfo) -> type[Canvas]:
    """A canvas that holds its pages back until the end, to print "Page x of y".

    Bookmarks are made as the held pages are written out, since only then does each
    page have its place in the file.
    """

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []
            self._marks: list[tuple[int, str, int, float]] = []

        def mark_section(self, title: str, level: int, top: float) -> None:
            """Bookmark ``title`` at height ``top`` on the page being drawn."""
            # An outline starts at its top level and goes down one level at a time.
            level = min(level, self._marks[-1][2] + 1) if self._marks else 0
            self._marks.append((len(self._held), title, level, top))

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages = len(self._held)
            marks = list(self._marks)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                _decorate(self, info, number, pages)
                for n, (page, title, level, top) in enumerate(marks):
                    if page == number - 1:
                        key = f"section-{n}"
                        self.bookmarkHorizontalAbsolute(key, top + 4)
                        self.addOutlineEntry(title, key, level)
                super().showPage()
            if marks:
                self.showOutline()
            super().save()

    return NumberedCanvas


# --- Writing ------------------------------------------------------------------------------------

def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


def _write_error(target: Path, exc: OSError) -> UserError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return UserError(f"The disk is full, so {target.name} was not saved. Free some space "
                         "or choose another folder, then try again.")
    reason = exc.strerror or str(exc)
    return UserError(f"{target.name} could not be saved in {target.parent} ({reason}). "
                     "Choose another folder, then try again.")


def write_pdf(path: str | os.PathLike[str], info: DocumentInfo,
              story: Sequence[Flowable] | Callable[[], Sequence[Flowable]]) -> Path:
    """Build the document in the house style and save it at ``path``; returns the path.

    The PDF is written to a temporary file in the same folder and moved over ``path``
    only once it is complete. Raises :class:`UserError` if the folder is missing or
    not writable, or the file is open in another program; nothing is left behind.
    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise UserError(f"The folder {folder} does not exist, so {target.name} was not saved. "
                        "Choose another folder.")
    if target.is_dir():
        raise UserError(f"{target} is a folder. Choose a file name for the PDF.")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".pdf.tmp",
                                        dir=folder)
    except PermissionError as exc:
        raise UserError(f"You cannot save files in {folder} (it is read-only or you do not "
                        f"have permission), so {target.name} was not saved. Choose another "
                        "folder.") from exc
    except OSError as exc:
        raise _write_error(target, exc) from exc
    os.close(handle)
    try:
        doc = SimpleDocTemplate(
            temp, pagesize=PAGE_SIZE, leftMargin=MARGIN, rightMargin=MARGIN,
            topMargin=MARGIN + (7 if info.demo else 2) * mm,  # room for the demo line
            bottomMargin=MARGIN, title=info.title,
            author=info.author or info.council, subject=info.subject or info.title,
            creator=APP_NAME, lang=LANGUAGE, initialFontName=FONT,
            keepTogetherClass=_Together)
        flowables = bind_headings(list(story() if callable(story) else story))
        try:
            doc.build(flowables, canvasmaker=_numbered_canvas(info))
            os.chmod(temp, (target.stat().st_mode & 0o777) if target.exists() else 0o644)
        except OSError as exc:
            raise _write_error(target, exc) from exc
        try:
            os.replace(temp, target)
        except PermissionError as exc:
            raise UserError(f"{target.name} is open in another program or is read-only, so "
                            "it was not replaced. Close it and try again, or save under "
                            "another name.") from exc
        except OSError as exc:
            raise _write_error(target, exc) from exc
    except BaseException:
        _remove(temp)
        raise
    return target
