"""Spreadsheet imports: the mapping profiles teams save, and each import as a batch."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Entity, utcnow


class ImportProfile(Entity):
    """A named column mapping (heading → field) and value mapping (text → code) for one
    kind of record, saved for next month's file."""

    __tablename__ = "import_profile"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    columns: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Heading key → field name ('' for a column left out)."""
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Field name → {text key → stored value}."""
    header_row: Mapped[int | None] = mapped_column(Integer)
    saved_by: Mapped[str | None] = mapped_column(String(100))


class ImportBatch(Base):
    """One import of a spreadsheet: who, when, the file and what it did. The audit
    events it wrote are those from ``first_audit_id`` to ``last_audit_id`` by its user;
    undoing it reads them back."""

    __tablename__ = "import_batch"

    id: Mapped[uuid.UUID] = mapped_column(Uuid(as_uuid=True), primary_key=True,
                                          default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(260))
    file_sha256: Mapped[str] = mapped_column(String(64))
    sheet: Mapped[str | None] = mapped_column(String(100))
    user: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Records created and updated by table."""
    first_audit_id: Mapped[int | None] = mapped_column(Integer)
    last_audit_id: Mapped[int | None] = mapped_column(Integer)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str | None] = mapped_column(String(100))
