"""Declarative base, column types and the mixins every entity shares.

Keys are UUIDs (portable to PostgreSQL and safe for offline sync); every row has
created/updated timestamps (UTC) and a version counter that SQLAlchemy checks on
update (optimistic concurrency); core records are soft-deleted. Money columns are
integer pence and end in ``_pence``; percentages are basis points (``_bp``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, Integer, MetaData, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Now in UTC, without tzinfo (SQLite stores no zone; every stamp is UTC)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def enum_type(enum_cls: type[StrEnum], length: int = 40) -> Enum:
    """A text column holding an enum's value (not its name), with no CHECK constraint.

    New enum values therefore never need a migration; SQLAlchemy still refuses
    unknown values on write.
    """
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        uuid.UUID: Uuid(as_uuid=True),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Entity(Base):
    """Abstract base of every table with a UUID key, timestamps and a version."""

    __abstract__ = True

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"


class SoftDelete:
    """Core records are never removed: ``deleted_at`` marks them deleted."""

    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Audited:
    """Marker: every insert, update or soft delete of this class is audited."""


def short_text(length: int = 200) -> String:
    return String(length)
