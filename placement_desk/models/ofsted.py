"""Ofsted inspections of settings and the rating alerts they raise."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Audited, Entity, enum_type
from .enums import AlertKind, InspectionEventType, Judgement

if TYPE_CHECKING:
    from .provider import Setting


class OfstedInspection(Audited, Entity):
    """One inspection event of a setting, recorded once however often it is imported.

    An event is known by its event number where the file gives one, otherwise by its
    type and date. Its values are those of the newest publication that gave them
    (``source``, ``source_as_at``); the numbers and dates earlier publications used
    for it are kept in ``earlier_keys`` so that they still find it.
    """

    __tablename__ = "ofsted_inspection"
    __table_args__ = (
        UniqueConstraint("setting_id", "event_type", "inspection_date"),
        UniqueConstraint("setting_id", "event_number"),
    )

    setting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("setting.id", ondelete="CASCADE"), index=True)
    event_type: Mapped[InspectionEventType] = mapped_column(enum_type(InspectionEventType))
    inspection_date: Mapped[dt.date] = mapped_column(Date)
    publication_date: Mapped[dt.date | None] = mapped_column(Date)
    event_number: Mapped[str | None] = mapped_column(String(40))
    overall_judgement: Mapped[Judgement | None] = mapped_column(enum_type(Judgement))
    sub_judgements: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    supported_accommodation_outcome: Mapped[Judgement | None] = mapped_column(
        enum_type(Judgement))
    source: Mapped[str | None] = mapped_column(String(200), doc="File it was imported from")
    source_as_at: Mapped[dt.date | None] = mapped_column(
        Date, doc="The date the source file describes (its 'as at' date); None if unknown")
    earlier_keys: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), default=None,
        doc="{'event_numbers': [...], 'dates': ['yyyy-mm-dd', ...]} an earlier publication "
            "gave this inspection before a later one corrected them")

    setting: Mapped[Setting] = relationship(back_populates="inspections")


class RatingAlert(Audited, Entity):
    """A downgrade, suspension or closure of a setting the council uses."""

    __tablename__ = "rating_alert"

    setting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("setting.id", ondelete="CASCADE"), index=True)
    inspection_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ofsted_inspection.id", ondelete="SET NULL"))
    kind: Mapped[AlertKind] = mapped_column(enum_type(AlertKind))
    previous_judgement: Mapped[Judgement | None] = mapped_column(enum_type(Judgement))
    new_judgement: Mapped[Judgement | None] = mapped_column(enum_type(Judgement))
    raised_on: Mapped[dt.date] = mapped_column(Date)
    children_placed: Mapped[str | None] = mapped_column(
        Text, doc="Case references of the children placed when the alert was raised")
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(100))
