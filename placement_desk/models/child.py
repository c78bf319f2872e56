"""Children (by the council's case reference, no names) and their placement episodes."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Audited, Entity, SoftDelete, enum_type
from .enums import CommissioningRoute, Sex


class Child(Audited, SoftDelete, Entity):
    """A looked-after child or care leaver, known by case reference only."""

    __tablename__ = "child"

    case_ref: Mapped[str] = mapped_column(String(40), unique=True)
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    sex: Mapped[Sex | None] = mapped_column(enum_type(Sex, 2))
    ethnicity: Mapped[str | None] = mapped_column(String(8), doc="SSDA903 ETHNIC code")
    uasc: Mapped[bool] = mapped_column(Boolean, default=False)
    disability: Mapped[bool] = mapped_column(Boolean, default=False)
    legal_status: Mapped[str | None] = mapped_column(String(4), doc="Current LS code")
    home_postcode: Mapped[str | None] = mapped_column(String(10))
    needs_level: Mapped[int | None] = mapped_column(
        Integer, doc="Care leavers: 1 (high needs) to 5 (ready for independent living)")
    personal_adviser: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)

    episodes: Mapped[list[PlacementEpisode]] = relationship(
        back_populates="child", order_by="PlacementEpisode.start_date")


class PlacementEpisode(Audited, SoftDelete, Entity):
    """One SSDA903 episode: where a child lived, from when to when, on what basis."""

    __tablename__ = "placement_episode"
    __table_args__ = (
        Index("ix_placement_episode_child_start", "child_id", "start_date"),
        Index("ix_placement_episode_dates", "start_date", "end_date"),
    )

    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    setting_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("setting.id", ondelete="SET NULL"), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    reason_new_episode: Mapped[str | None] = mapped_column(String(4), doc="RNE")
    legal_status: Mapped[str | None] = mapped_column(String(4), doc="LS")
    category_of_need: Mapped[str | None] = mapped_column(String(4), doc="CIN")
    placement_type: Mapped[str] = mapped_column(String(8), index=True, doc="PLACE")
    place_provider: Mapped[str | None] = mapped_column(String(4), doc="PLACE_PROVIDER")
    reason_ceased: Mapped[str | None] = mapped_column(String(4), doc="REC")
    reason_place_change: Mapped[str | None] = mapped_column(String(8))
    home_postcode: Mapped[str | None] = mapped_column(String(10))
    placement_postcode: Mapped[str | None] = mapped_column(String(10))
    urn: Mapped[str | None] = mapped_column(String(20), doc="URN as recorded on the return")
    distance_miles: Mapped[float | None] = mapped_column(Float)
    distance_entered: Mapped[bool] = mapped_column(
        Boolean, default=False, doc="True when an officer typed the distance by hand")
    commissioning_route: Mapped[CommissioningRoute | None] = mapped_column(
        enum_type(CommissioningRoute))
    route_reason: Mapped[str | None] = mapped_column(
        Text, doc="For a spot purchase: why earlier routes could not serve")
    spot_approved_by: Mapped[str | None] = mapped_column(
        String(100), doc="The manager who approved the spot purchase")
    spot_approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    notes: Mapped[str | None] = mapped_column(Text)
    unregistered_reason: Mapped[str | None] = mapped_column(
        Text, doc="Why the child is placed in provision not registered for their care")
    unregistered_action: Mapped[str | None] = mapped_column(
        Text, doc="What the council is doing about it (for the DfE and FOI requests)")

    child: Mapped[Child] = relationship(back_populates="episodes")
