"""The one place every report passes once it is saved: where printing is recorded.

Packs, appendices, letters and agreements are about looked-after children, so each
one written calls :func:`report_written` with what it was and whose records it
holds: it is kept in the audit trail as a print (who, when, what, the file's format),
and the log gets one line naming the kind of report (never its contents or the file's
name, which may carry a provider's or a child's details).
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from ..db import Database
from ..services.common.history import note_export

__all__ = ["report_written"]

log = logging.getLogger(__name__)


def report_written(db: Database, kind: str, path: Path, *, subject: str = "",
                   subject_id: str = "") -> None:
    """Note that a report of ``kind`` ("provider review pack") was saved at ``path``, by
    whoever is using ``db``; ``subject`` is the kind of record it is about ("provider"),
    ``subject_id`` that record's id (never a child's reference or name)."""
    record = uuid.UUID(subject_id) if subject_id else None
    note_export(db, subject.replace(" ", "_") or "report", kind, 1, path, entity_id=record,
                printed=True)
    log.info("Report written: %s%s", kind, f" about a {subject}" if subject else "")
