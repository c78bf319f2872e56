"""Providers (organisations), their settings (Ofsted-registered services) and documents."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Audited, Entity, SoftDelete, enum_type
from .enums import (
    DocumentKind,
    Judgement,
    RegistrationStatus,
    RelationshipTier,
    RiskLevel,
    Sector,
    SettingType,
)

if TYPE_CHECKING:
    from .ofsted import OfstedInspection


class Provider(Audited, SoftDelete, Entity):
    """An organisation: a company, a charity or the council itself."""

    __tablename__ = "provider"

    name: Mapped[str] = mapped_column(String(200), index=True)
    legal_name: Mapped[str | None] = mapped_column(String(200))
    companies_house_number: Mapped[str | None] = mapped_column(String(20))
    ofsted_owner_id: Mapped[str | None] = mapped_column(String(40), index=True)
    address: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(10))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    is_council: Mapped[bool] = mapped_column(Boolean, default=False)
    relationship_tier: Mapped[RelationshipTier | None] = mapped_column(
        enum_type(RelationshipTier), doc="A manager's choice; None follows the suggestion")
    relationship_tier_reason: Mapped[str | None] = mapped_column(Text)
    relationship_tier_set_by: Mapped[str | None] = mapped_column(String(100))
    relationship_tier_set_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)

    settings: Mapped[list[Setting]] = relationship(back_populates="provider")


class Setting(Audited, SoftDelete, Entity):
    """One registered (or unregulated) service a provider runs, keyed by its URN."""

    __tablename__ = "setting"
    __table_args__ = (
        Index("ix_setting_postcode", "postcode"),
        Index("ix_setting_type_status", "setting_type", "registration_status"),
    )

    provider_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("provider.id", ondelete="SET NULL"), index=True)
    urn: Mapped[str | None] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    setting_type: Mapped[SettingType] = mapped_column(enum_type(SettingType))
    ofsted_provision_type: Mapped[str | None] = mapped_column(String(120))
    sector: Mapped[Sector | None] = mapped_column(enum_type(Sector))
    places: Mapped[int | None] = mapped_column(Integer)
    registration_status: Mapped[RegistrationStatus] = mapped_column(
        enum_type(RegistrationStatus), default=RegistrationStatus.ACTIVE)
    registration_date: Mapped[dt.date | None] = mapped_column(Date)
    closed_date: Mapped[dt.date | None] = mapped_column(Date)
    address1: Mapped[str | None] = mapped_column(String(200))
    address2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str | None] = mapped_column(String(100))
    county: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str | None] = mapped_column(String(10))
    local_authority: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    owner_name: Mapped[str | None] = mapped_column(String(200))
    linked_education_urn: Mapped[str | None] = mapped_column(String(20))
    # From the provider lists Ofsted sends to councils
    ofsted_provider_code: Mapped[str | None] = mapped_column(String(20))
    allowed_placement_codes: Mapped[str | None] = mapped_column(
        String(200), doc="Comma-separated SSDA903 PLACE codes allowed for this URN")
    # Kept up to date by the Ofsted import and the risk service
    latest_judgement: Mapped[Judgement | None] = mapped_column(enum_type(Judgement))
    latest_inspection_date: Mapped[dt.date | None] = mapped_column(Date)
    risk_level: Mapped[RiskLevel | None] = mapped_column(enum_type(RiskLevel))
    enhanced_monitoring: Mapped[bool] = mapped_column(Boolean, default=False)
    enhanced_monitoring_since: Mapped[dt.datetime | None] = mapped_column(DateTime)
    next_qa_due: Mapped[dt.date | None] = mapped_column(Date)
    qa_officer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    notes: Mapped[str | None] = mapped_column(Text)

    provider: Mapped[Provider | None] = relationship(back_populates="settings")
    inspections: Mapped[list[OfstedInspection]] = relationship(
        back_populates="setting", cascade="all, delete-orphan", passive_deletes=True,
        order_by="OfstedInspection.inspection_date")


class ProviderDocument(Audited, SoftDelete, Entity):
    """A document a provider must keep current (insurance, registration, accounts...)."""

    __tablename__ = "provider_document"

    provider_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("provider.id", ondelete="CASCADE"), index=True)
    setting_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("setting.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_type(DocumentKind))
    title: Mapped[str | None] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(100))
    received_date: Mapped[dt.date | None] = mapped_column(Date)
    expiry_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    notes: Mapped[str | None] = mapped_column(Text)
