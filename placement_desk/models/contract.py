"""Contracts (block, framework, DPS, regional, spot), their lots and rates, and reviews."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Audited, Entity, SoftDelete, enum_type
from .enums import ContractType, ReviewStatus


class Contract(Audited, SoftDelete, Entity):
    __tablename__ = "contract"

    reference: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    contract_type: Mapped[ContractType] = mapped_column(enum_type(ContractType))
    provider_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("provider.id", ondelete="SET NULL"), index=True,
        doc="Empty for a framework with many providers")
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    value_pence: Mapped[int | None] = mapped_column(Integer)
    annual_uplift_bp: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)

    lots: Mapped[list[ContractLot]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", passive_deletes=True)
    rates: Mapped[list[ContractRate]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", passive_deletes=True)


class ContractLot(Audited, Entity):
    __tablename__ = "contract_lot"

    contract_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(200))

    contract: Mapped[Contract] = relationship(back_populates="lots")


class ContractRate(Audited, Entity):
    """A weekly price under a contract, optionally per lot, provider and placement type."""

    __tablename__ = "contract_rate"

    contract_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    lot_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contract_lot.id", ondelete="SET NULL"))
    provider_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("provider.id", ondelete="SET NULL"))
    placement_type: Mapped[str | None] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(String(200))
    weekly_rate_pence: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[dt.date] = mapped_column(Date)

    contract: Mapped[Contract] = relationship(back_populates="rates")


class ContractReview(Audited, SoftDelete, Entity):
    """A six-monthly review meeting with a provider, its agenda areas and outcome."""

    __tablename__ = "contract_review"

    provider_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("provider.id", ondelete="CASCADE"), index=True)
    contract_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contract.id", ondelete="SET NULL"), index=True)
    status: Mapped[ReviewStatus] = mapped_column(
        enum_type(ReviewStatus), default=ReviewStatus.PLANNED)
    review_date: Mapped[dt.date] = mapped_column(Date)
    attendees: Mapped[str | None] = mapped_column(Text)
    agenda: Mapped[list[Any]] = mapped_column(
        JSON, default=list, doc="[{area, notes, rag}] for each agenda area")
    outcome: Mapped[str | None] = mapped_column(Text)
    next_due: Mapped[dt.date | None] = mapped_column(Date)
