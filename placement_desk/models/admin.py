"""Users, the audit trail, the postcode lookup and stored application settings."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from .base import Audited, Base, Entity, enum_type, utcnow
from .enums import AuditAction, UserRole


class User(Audited, Entity):
    """A member of staff; with a password, an account that signs in (see services/users)."""

    __tablename__ = "user"
    __audit_exclude__ = frozenset({"password_hash", "failed_sign_ins", "locked_until",
                                   "last_sign_in_at"})
    """Never copied into the audit trail: the hash, and the bookkeeping of signing in."""

    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[UserRole] = mapped_column(enum_type(UserRole))
    email: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(
        String(200), doc="argon2id; empty for staff listed without an account")
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuditEvent(Base):
    """Who changed, exported or printed what, when, with the values before and after.

    Never updated or deleted (the database refuses both), and chained by ``hash``."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user: Mapped[str] = mapped_column(String(100))
    action: Mapped[AuditAction] = mapped_column(enum_type(AuditAction, 10))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid(as_uuid=True))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    hash: Mapped[str | None] = mapped_column(
        String(64), doc="SHA-256 over this event and the previous event's hash (audit.py)")


class PostcodeLookup(Base):
    """A postcode's grid reference, from the ONS Postcode Directory or Code-Point Open."""

    __tablename__ = "postcode_lookup"

    postcode: Mapped[str] = mapped_column(
        String(8), primary_key=True, doc="Upper case, no spaces")
    easting: Mapped[int | None] = mapped_column(Integer)
    northing: Mapped[int | None] = mapped_column(Integer)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    local_authority_code: Mapped[str | None] = mapped_column(
        String(12), doc="ONS code of the district, unitary or London borough (E06-E09)")
    county_code: Mapped[str | None] = mapped_column(
        String(12), doc="ONS code of the county council in two-tier areas (E10); else empty")


class AppSetting(Base):
    """A named setting shared by everyone using the database (risk weights, QA cycles)."""

    __tablename__ = "app_setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
