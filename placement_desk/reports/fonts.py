"""The fonts of every PDF: Noto Sans, shipped in ``resources/fonts`` and embedded.

:func:`register` makes the family known to reportlab once (regular, bold, italic,
bold italic, so ``<b>`` and ``<i>`` in paragraphs find their faces), with DejaVu Sans
beside it for the few characters Noto Sans has no glyph for (arrows, ≥, ticks).
:func:`with_fallback` wraps such characters of a paragraph's markup in the
fallback face, so text typed by users always prints; characters neither font has
are left to print as the font's empty box rather than being dropped. reportlab
embeds the glyphs used (a subset) of every TrueType font in the PDF.
"""

from __future__ import annotations

import threading
from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..resource_files import resource_path

__all__ = ["FALLBACK", "FONT", "FONT_BOLD", "FONT_BOLD_ITALIC", "FONT_ITALIC", "drawable",
           "register", "with_fallback"]

FONT = "NotoSans"
FONT_BOLD = "NotoSans-Bold"
FONT_ITALIC = "NotoSans-Italic"
FONT_BOLD_ITALIC = "NotoSans-BoldItalic"
FALLBACK = "DejaVuSans"
_FILES = {FONT: "NotoSans-Regular.ttf", FONT_BOLD: "NotoSans-Bold.ttf",
          FONT_ITALIC: "NotoSans-Italic.ttf", FONT_BOLD_ITALIC: "NotoSans-BoldItalic.ttf",
          FALLBACK: "DejaVuSans.ttf"}
_lock = threading.Lock()


@cache
def _register() -> frozenset[int]:
    for name, file_name in _FILES.items():
        path = resource_path("fonts", file_name)
        if not path.is_file():
            raise FileNotFoundError(f"The PDF font {file_name} is missing from {path.parent}. "
                                    "Reinstall Placement Desk.")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC,
                                  boldItalic=FONT_BOLD_ITALIC)
    pdfmetrics.registerFontFamily(FALLBACK, normal=FALLBACK, bold=FALLBACK, italic=FALLBACK,
                                  boldItalic=FALLBACK)
    font = pdfmetrics.getFont(FONT)
    return frozenset(font.face.charToGlyph)


def register() -> frozenset[int]:
    """Register the fonts with reportlab (once; safe from several threads); returns the
    code points the house font can draw."""
    with _lock:
        return _register()


def drawable(text: str) -> bool:
    """Whether the house font has a glyph for every character of ``text``."""
    if text.isascii():
        return True
    known = register()
    return all(ord(ch) in known for ch in text)


@cache
def _fallback_points() -> frozenset[int]:
    register()
    return frozenset(pdfmetrics.getFont(FALLBACK).face.charToGlyph)


def with_fallback(markup: str) -> str:
    """Paragraph markup with each run of characters the house font cannot draw (but the
    fallback can) set in the fallback face. ``markup`` is already escaped; tags and
    entities are plain ASCII, so they are never touched."""
    if markup.isascii():
        return markup
    known = register()
    spare = _fallback_points()
    out: list[str] = []
    run: list[str] = []
    for ch in markup:
        point = ord(ch)
        if point not in known and point in spare:
            run.append(ch)
            continue
        if run:
            out.append(f'<font face="{FALLBACK}">{"".join(run)}</font>')
            run.clear()
        out.append(ch)
    if run:
        out.append(f'<font face="{FALLBACK}">{"".join(run)}</font>')
    return "".join(out)
