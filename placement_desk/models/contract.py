"""Contracts (block, framework, DPS, regional, spot, in-house), their providers, lots, rates,
extension options and documents; and contract reviews with their addenda."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Audited, Entity, SoftDelete, enum_type
from .enums import ContractDocumentKind, ContractType, ExtensionStatus, ReviewStatus


class Contract(Audited, SoftDelete, Entity):
    """A contract; ``end_date`` is its last day, moved on when an extension is taken."""

    __tablename__ = "contract"

    reference: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    contract_type: Mapped[ContractType] = mapped_column(enum_type(ContractType))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    final_end_date: Mapped[dt.date | None] = mapped_column(
        Date, doc="The latest the contract may run to with every extension taken")
    value_pence: Mapped[int | None] = mapped_column(Integer)
    annual_uplift_bp: Mapped[int | None] = mapped_column(Integer)
    uplift_terms: Mapped[str | None] = mapped_column(Text)
    block_beds: Mapped[int | None] = mapped_column(
        Integer, doc="Block contracts: the beds bought")
    end_reason: Mapped[str | None] = mapped_column(Text, doc="Why it was ended early")
    notes: Mapped[str | None] = mapped_column(Text)

    providers: Mapped[list[ContractProvider]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", passive_deletes=True)
    lots: Mapped[list[ContractLot]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", passive_deletes=True)
    rates: Mapped[list[ContractRate]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", passive_deletes=True)
    extensions: Mapped[list[ContractExtension]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ContractExtension.extends_to")


class ContractProvider(Audited, Entity):
    """A provider party to a contract (one for a block or spot contract, many for a
    framework), optionally on one of its lots."""

    __tablename__ = "contract_provider"

    contract_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    provider_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("provider.id", ondelete="CASCADE"), index=True)
    lot_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contract_lot.id", ondelete="SET NULL"))

    contract: Mapped[Contract] = relationship(back_populates="providers")


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


class ContractExtension(Audited, Entity):
    """An option to extend a contract to a date, to be decided by a date."""

    __tablename__ = "contract_extension"

    contract_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    extends_to: Mapped[dt.date] = mapped_column(Date)
    decide_by: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[ExtensionStatus] = mapped_column(
        enum_type(ExtensionStatus), default=ExtensionStatus.OPEN)
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)

    contract: Mapped[Contract] = relationship(back_populates="extensions")


class ContractDocument(Audited, SoftDelete, Entity):
    """A document of a contract (the signed contract, specification, variations), by where
    it is kept."""

    __tablename__ = "contract_document"

    contract_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ContractDocumentKind] = mapped_column(enum_type(ContractDocumentKind))
    title: Mapped[str] = mapped_column(String(200))
    document_date: Mapped[dt.date | None] = mapped_column(Date)
    location: Mapped[str | None] = mapped_column(
        String(500), doc="Where the document is kept: a file path, a link or a reference")
    notes: Mapped[str | None] = mapped_column(Text)


class ContractReview(Audited, SoftDelete, Entity):
    """A review meeting with a provider, its agenda areas and outcome.

    Read-only once signed off: corrections are :class:`ContractReviewAddendum` rows.
    """

    __tablename__ = "contract_review"

    provider_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("provider.id", ondelete="CASCADE"), index=True)
    contract_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contract.id", ondelete="SET NULL"), index=True)
    status: Mapped[ReviewStatus] = mapped_column(
        enum_type(ReviewStatus), default=ReviewStatus.PLANNED)
    review_date: Mapped[dt.date] = mapped_column(Date)
    attendees: Mapped[str | None] = mapped_column(Text, doc="The council's attendees")
    provider_attendees: Mapped[str | None] = mapped_column(Text)
    agenda: Mapped[list[Any]] = mapped_column(
        JSON, default=list, doc="[{area, notes, rag}] for each agenda area")
    placements: Mapped[list[Any]] = mapped_column(
        JSON, default=list, doc="The provider's placements when the review began, with notes")
    outcome: Mapped[str | None] = mapped_column(Text)
    next_due: Mapped[dt.date | None] = mapped_column(Date)
    draft_saved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    signed_off_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    signed_off_by: Mapped[str | None] = mapped_column(String(100))

    addenda: Mapped[list[ContractReviewAddendum]] = relationship(
        back_populates="review", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ContractReviewAddendum.created_at")


class ContractReviewAddendum(Audited, Entity):
    """A correction or addition to a signed-off review, with its own date and author."""

    __tablename__ = "contract_review_addendum"

    review_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contract_review.id", ondelete="CASCADE"), index=True)
    added_on: Mapped[dt.date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)

    review: Mapped[ContractReview] = relationship(back_populates="addenda")
