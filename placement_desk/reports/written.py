"""The one place every report passes once it is saved: where printing is recorded.

Packs, appendices, letters and agreements are about looked-after children, so each
one written calls :func:`report_written` with what it was and whose records it
holds. Today that is one log line naming the kind of report (never its contents or
the file's name, which may carry a provider's or a child's details); the audit trail
of exports and prints hooks in here, so that every report is recorded the same way.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..db import Database

__all__ = ["report_written"]

log = logging.getLogger(__name__)


def report_written(db: Database, kind: str, path: Path, *, subject: str = "",
                   subject_id: str = "") -> None:
    """Note that a report of ``kind`` ("provider review pack") was saved at ``path``, by
    whoever is using ``db``; ``subject`` is the kind of record it is about ("provider"),
    ``subject_id`` that record's id (never a child's reference or name)."""
    del db, path, subject_id  # for the audit trail, once it records prints
    log.info("Report written: %s%s", kind, f" about a {subject}" if subject else "")
