"""The house tables of the PDF documents: key/value and plain tables, signature blocks.

Plain tables repeat their header row on every page and let a long row run on over a
page break; columns of numbers are set right, and totals in bold under a rule.
Signature blocks ("Signed for and on behalf of") stand two to a row with their lines
level, kept on one page with what comes before them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Table, TableStyle

from ..services.common.formatting import date_long
from . import fonts
from .page_breaks import Together
from .style import (
    CONTENT_WIDTH,
    FONT,
    FONT_BOLD,
    FONT_CELLS,
    INK,
    RULE,
    SHADE,
    para,
    styles,
)

__all__ = ["Cell", "Signatory", "key_value_table", "plain_table", "signature_block",
           "signatures"]

_STYLES = styles()


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
        FONT_CELLS,
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
        FONT_CELLS,
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
    FONT_CELLS,
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
    return Together([*before, grid])
