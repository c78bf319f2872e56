"""Writing a document in the house style to a PDF file, whole or not at all.

:func:`write_pdf` builds the document into a temporary file beside the target and
moves it into place, so a failure never leaves a half-written PDF. Every page has a
header with the council's name and the document's title (and, on a demo database, a
line saying the data is made up) and a footer with the OFFICIAL-SENSITIVE marking,
"Page x of y" and the date printed; the file carries its title, author and language
(en-GB) in its metadata, and a bookmark for each section heading.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

from ..errors import UserError
from ..services.common.formatting import date_long
from .page_breaks import Together, bind_headings
from .style import (
    APP_NAME,
    DEMO_MARKING,
    DRAFT_INK,
    FONT,
    FONT_BOLD,
    INK,
    MARGIN,
    MARKING,
    MUTED,
    PAGE_SIZE,
    RULE,
    DocumentInfo,
)

__all__ = ["write_pdf"]

LANGUAGE = "en-GB"


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
            keepTogetherClass=Together)
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
