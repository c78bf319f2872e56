"""Quality-assurance visits, their templates and areas, and the actions that follow."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Audited, Entity, SoftDelete, enum_type
from .enums import (
    ActionPriority,
    ActionSource,
    ActionStatus,
    ConcernKind,
    QaJudgement,
    QaVisitStatus,
    QaVisitType,
    SettingType,
)


class QaTemplate(Audited, Entity):
    """The areas a visit examines, per setting type; edited by making a new version."""

    __tablename__ = "qa_template"

    name: Mapped[str] = mapped_column(String(200))
    setting_type: Mapped[SettingType | None] = mapped_column(enum_type(SettingType))

    versions: Mapped[list[QaTemplateVersion]] = relationship(
        back_populates="template", order_by="QaTemplateVersion.version_no")


class QaTemplateVersion(Entity):
    """A frozen list of areas; visits point at the version they used."""

    __tablename__ = "qa_template_version"
    __table_args__ = (UniqueConstraint("template_id", "version_no"),)

    template_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("qa_template.id", ondelete="CASCADE"))
    version_no: Mapped[int] = mapped_column(Integer)
    areas: Mapped[list[Any]] = mapped_column(JSON, default=list)

    template: Mapped[QaTemplate] = relationship(back_populates="versions")


class QaVisit(Audited, SoftDelete, Entity):
    """A planned, in-progress (draft) or completed QA visit to a setting."""

    __tablename__ = "qa_visit"

    setting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("setting.id", ondelete="CASCADE"), index=True)
    template_version_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("qa_template_version.id", ondelete="SET NULL"))
    status: Mapped[QaVisitStatus] = mapped_column(
        enum_type(QaVisitStatus), default=QaVisitStatus.PLANNED)
    visit_type: Mapped[QaVisitType | None] = mapped_column(enum_type(QaVisitType))
    planned_date: Mapped[dt.date | None] = mapped_column(Date)
    visit_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    lead_officer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    officers: Mapped[str | None] = mapped_column(String(300))
    spoke_children: Mapped[int] = mapped_column(Integer, default=0)
    spoke_staff: Mapped[int] = mapped_column(Integer, default=0)
    spoke_managers: Mapped[int] = mapped_column(Integer, default=0)
    overall_judgement: Mapped[QaJudgement | None] = mapped_column(enum_type(QaJudgement))
    summary: Mapped[str | None] = mapped_column(Text)
    draft_saved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    areas: Mapped[list[QaVisitArea]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", passive_deletes=True,
        order_by="QaVisitArea.position")


class QaVisitArea(Audited, Entity):
    """One area examined on a visit, with its judgement and evidence."""

    __tablename__ = "qa_visit_area"

    visit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("qa_visit.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    area: Mapped[str] = mapped_column(String(200))
    judgement: Mapped[QaJudgement | None] = mapped_column(
        enum_type(QaJudgement), default=None,
        doc="None until the officer judges the area (or marks it not assessed)")
    evidence: Mapped[str | None] = mapped_column(Text)

    visit: Mapped[QaVisit] = relationship(back_populates="areas")


class Action(Audited, SoftDelete, Entity):
    """Something to be done by someone by a date, raised by a visit, review or alert."""

    __tablename__ = "action"

    source: Mapped[ActionSource] = mapped_column(enum_type(ActionSource))
    qa_visit_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("qa_visit.id", ondelete="SET NULL"), index=True)
    contract_review_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contract_review.id", ondelete="SET NULL"), index=True)
    rating_alert_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("rating_alert.id", ondelete="SET NULL"), index=True)
    contract_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contract.id", ondelete="SET NULL"), index=True)
    contract_extension_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contract_extension.id", ondelete="SET NULL"))
    setting_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("setting.id", ondelete="SET NULL"), index=True)
    provider_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("provider.id", ondelete="SET NULL"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(100))
    owner_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    due_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    priority: Mapped[ActionPriority] = mapped_column(
        enum_type(ActionPriority), default=ActionPriority.MEDIUM)
    status: Mapped[ActionStatus] = mapped_column(
        enum_type(ActionStatus), default=ActionStatus.OPEN, index=True)
    completed_date: Mapped[dt.date | None] = mapped_column(Date)

    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ActionUpdate.created_at")


class ActionUpdate(Entity):
    """A follow-up note on an action, with the status change it made."""

    __tablename__ = "action_update"

    action_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), index=True)
    author: Mapped[str | None] = mapped_column(String(100))
    old_status: Mapped[ActionStatus | None] = mapped_column(enum_type(ActionStatus))
    new_status: Mapped[ActionStatus | None] = mapped_column(enum_type(ActionStatus))
    note: Mapped[str | None] = mapped_column(Text)

    action: Mapped[Action] = relationship(back_populates="updates")


class Concern(Audited, SoftDelete, Entity):
    """An open worry about a setting: an allegation, a complaint, a missing episode."""

    __tablename__ = "concern"

    setting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("setting.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ConcernKind] = mapped_column(enum_type(ConcernKind))
    raised_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text)
