"""The house look of Placement Desk's PDF documents, shared by every report.

A4 portrait with 20 mm margins; a header with the council's name and the document's
title (and, on a demo database, a line saying the data is made up); a footer with the
OFFICIAL-SENSITIVE marking, "Page x of y" and the date
printed; paragraph styles, key/value and plain tables, signature blocks; and
:func:`write_pdf`, which builds the document into a temporary file beside the
target and moves it into place, so a failure never leaves a half-written PDF.

Text typed by users always goes through :func:`para` or :func:`paragraphs`, which
escape it for reportlab's Paragraph markup. The built-in Helvetica renders "£" and
"–" (it is drawn with the Windows ANSI encoding, which has both).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import tempfile
from collections.abc import Callable, Sequence
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

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
INK = colors.HexColor("#0b0c0c")
MUTED = colors.HexColor("#505a5f")
RULE = colors.HexColor("#b1b4b6")
SHADE = colors.HexColor("#f3f2f1")
DRAFT_INK = colors.HexColor("#942514")
TINTS = {"green": colors.HexColor("#dcefe0"), "amber": colors.HexColor("#fcecc8"),
         "red": colors.HexColor("#f6d7d2"), "grey": colors.HexColor("#ebebeb")}
"""Light backgrounds for judgement and RAG cells: they support the word, never replace it."""
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


def _make_styles() -> Styles:
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5, textColor=INK,
                          spaceAfter=5, alignment=TA_LEFT)
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
    )


_STYLES = _make_styles()


def styles() -> Styles:
    """The shared paragraph styles (title, heading, body, small, table cells)."""
    return _STYLES


def markup(text: str) -> str:
    """User text made safe for Paragraph markup; line breaks kept."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br/>".join(escape(line) for line in lines)


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


def heading(text: str, *, sub: bool = False) -> Paragraph:
    """A section heading (or a smaller one with ``sub``); text is escaped."""
    return Paragraph(escape(text), _STYLES.subheading if sub else _STYLES.heading)


def banner(text: str) -> Flowable:
    """A boxed warning line across the page, e.g. the DRAFT marking under the title."""
    table = Table([[Paragraph(escape(text), _STYLES.banner)]], colWidths=[CONTENT_WIDTH])
    table.setStyle(TableStyle([
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
                extra: Sequence[tuple[Any, ...]] = ()) -> Table:
    """A table whose header row repeats on every page; ``right`` lists columns of numbers.

    The last ``total_rows`` rows are totals, in bold under a rule. Rows may split
    across pages, so a long cell never overflows a page. ``extra`` adds TableStyle
    commands (tints, spans).
    """
    def style_for(col: int, bold: bool) -> ParagraphStyle:
        base = _STYLES.cell_bold if bold else _STYLES.cell
        if col in right:
            return ParagraphStyle(f"{base.name}_r{col}", parent=base, alignment=2)
        return base

    data: list[list[Flowable]] = [[para(h, style_for(c, True)) for c, h in enumerate(header)]]
    first_total = len(rows) - total_rows
    for r, row in enumerate(rows):
        data.append([_cell(v, style_for(c, r >= first_total)) for c, v in enumerate(row)])
    if widths is None:
        widths = [CONTENT_WIDTH / len(header)] * len(header)
    table = Table(data, colWidths=list(widths), repeatRows=1, splitInRow=1)
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 1, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.5, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    if 0 < total_rows <= len(rows):
        commands.append(("LINEABOVE", (0, -total_rows), (-1, -total_rows), 1, INK))
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
    return KeepTogether([*before, grid])


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
    """A canvas that holds its pages back until the end, to print "Page x of y"."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                _decorate(self, info, number, pages)
                super().showPage()
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
            author=info.council, subject=info.subject or info.title, creator=APP_NAME)
        flowables = list(story() if callable(story) else story)
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
