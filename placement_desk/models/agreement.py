"""Individual Placement Agreements: versions (variations), fees and additional services."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Audited, Base, Entity, SoftDelete, enum_type
from .enums import AgreementStatus, ServiceCharge


class Agreement(Audited, SoftDelete, Entity):
    """The IPA for one child's placement; its terms live in its versions."""

    __tablename__ = "agreement"

    reference: Mapped[str] = mapped_column(String(40), unique=True)
    child_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("child.id", ondelete="CASCADE"), index=True)
    setting_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("setting.id", ondelete="SET NULL"), index=True)
    episode_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("placement_episode.id", ondelete="SET NULL"))
    council_name: Mapped[str | None] = mapped_column(String(200))
    provider_legal_entity: Mapped[str | None] = mapped_column(String(200))

    versions: Mapped[list[AgreementVersion]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", passive_deletes=True,
        order_by="AgreementVersion.version_no")


class AgreementVersion(Audited, Entity):
    """One version of an agreement's terms. Signed versions are never edited."""

    __tablename__ = "agreement_version"
    __table_args__ = (
        UniqueConstraint("agreement_id", "version_no"),
        CheckConstraint("weekly_fee_pence >= 0", name="fee_not_negative"),
        CheckConstraint(
            "funding_social_care_bp + funding_health_bp + funding_education_bp = 10000",
            name="funding_adds_up"),
    )

    agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"))
    version_no: Mapped[int] = mapped_column(Integer)
    status: Mapped[AgreementStatus] = mapped_column(
        enum_type(AgreementStatus), default=AgreementStatus.DRAFT)
    effective_date: Mapped[dt.date] = mapped_column(Date)
    variation_reason: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    placement_type: Mapped[str | None] = mapped_column(String(8))
    weekly_fee_pence: Mapped[int] = mapped_column(Integer)
    funding_social_care_bp: Mapped[int] = mapped_column(Integer, default=10000)
    funding_health_bp: Mapped[int] = mapped_column(Integer, default=0)
    funding_education_bp: Mapped[int] = mapped_column(Integer, default=0)
    outcomes: Mapped[str | None] = mapped_column(Text)
    invoicing_reference: Mapped[str | None] = mapped_column(String(60))
    notice_terms: Mapped[str | None] = mapped_column(Text)
    special_conditions: Mapped[str | None] = mapped_column(Text)
    issued_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    issued_by: Mapped[str | None] = mapped_column(String(100))
    provider_signed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    provider_signed_by: Mapped[str | None] = mapped_column(String(100))
    provider_signed_role: Mapped[str | None] = mapped_column(String(100))
    council_signed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    council_signed_by: Mapped[str | None] = mapped_column(String(100))
    council_signed_role: Mapped[str | None] = mapped_column(String(100))
    activated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    agreement: Mapped[Agreement] = relationship(back_populates="versions")
    services: Mapped[list[AgreementService]] = relationship(
        back_populates="agreement_version", cascade="all, delete-orphan", passive_deletes=True)


class AgreementService(Audited, Entity):
    """An additional service on an agreement version: staffing hours, education, therapy."""

    __tablename__ = "agreement_service"

    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreement_version.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(String(200))
    charge: Mapped[ServiceCharge] = mapped_column(enum_type(ServiceCharge))
    hours_per_week: Mapped[float | None] = mapped_column(Float)
    rate_pence: Mapped[int | None] = mapped_column(Integer, doc="Hourly rate")
    amount_pence: Mapped[int | None] = mapped_column(
        Integer, doc="Weekly or one-off amount")
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)

    agreement_version: Mapped[AgreementVersion] = relationship(back_populates="services")


class FeeLedgerEntry(Base):
    """Derived from the versions and services, never edited: a run of days over which an
    agreement's weekly cost stays the same, or one one-off charge.

    Days are whole Julian day numbers (``date.toordinal() + 1721424``), the end being the
    first day not included (NULL: open). A one-off is a single day, ``first_day``, with
    its amount in ``one_off_pence``. :mod:`placement_desk.fee_ledger` keeps the rows in
    step with the agreements; weeks and spend is read from them.
    """

    __tablename__ = "fee_ledger"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[int] = mapped_column(Integer)
    end_day: Mapped[int | None] = mapped_column(Integer)
    weekly_pence: Mapped[int] = mapped_column(Integer)
    is_one_off: Mapped[bool] = mapped_column(Boolean)
    one_off_pence: Mapped[int] = mapped_column(Integer)
