"""A one-page PDF that proves an installed copy can print: the installer's smoke test.

It goes through :func:`~placement_desk.reports.pdf_writer.write_pdf` like every report, so
a bundle missing reportlab's fonts or a writable temporary folder fails here rather
than when an officer first prints an agreement.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .. import __version__
from .pdf_writer import write_pdf
from .style import APP_NAME, DocumentInfo, heading, para
from .tables import key_value_table


def write_smoke_pdf(folder: Path, revision: str | None, today: dt.date | None = None) -> Path:
    """Write ``smoke-test.pdf`` in ``folder``; the path written."""
    today = today or dt.date.today()
    info = DocumentInfo(title="Smoke test", council=APP_NAME, printed_on=today)
    story = [
        heading("Placement Desk started and printed"),
        para("This page was written by the installer's smoke test. It holds no records."),
        key_value_table([("Version", __version__), ("Schema revision", revision or "–"),
                         ("Fee per week", "£1,234.50")]),
    ]
    return write_pdf(folder / "smoke-test.pdf", info, story)
