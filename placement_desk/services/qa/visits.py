"""Recording QA visits: starting one from its template, drafts that autosave, completion.

A visit copies the areas of the template version it started from (:mod:`.templates`)
into its own rows, so later edits never change a recorded visit. A draft is saved as
often as the form likes: a save that changes nothing writes nothing. Completing a visit
checks it (:mod:`.visit_forms`), then updates the setting's risk level and next due
date. Actions raised at a visit are added and corrected here too.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ...audit import snapshot
from ...concurrency import expect_unchanged
from ...db import Database
from ...errors import ValidationError
from ...models import Action, QaVisit, QaVisitArea, Setting, utcnow
from ...models.enums import (
    ActionPriority,
    ActionSource,
    QaJudgement,
    QaVisitStatus,
    QaVisitType,
    RiskLevel,
    SettingType,
)
from ..common.formatting import date_short, datetime_short
from ..common.limits import check_length
from ..register.risk import refresh_risk_levels
from ..users.roles import Permission, require
from . import schedule as qa_schedule
from .actions import ActionFilter, ActionRow, _list_actions, new_action
from .templates import add_default_templates, template_for
from .visit_forms import VisitForm, apply_form, check_complete, check_draft, form_of

# --- Records ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class VisitRecord:
    id: uuid.UUID
    setting_id: uuid.UUID
    setting_name: str
    urn: str | None
    setting_type: SettingType
    status: QaVisitStatus
    planned_date: dt.date | None
    template_version_id: uuid.UUID | None
    draft_saved_at: dt.datetime | None
    completed_at: dt.datetime | None
    form: VisitForm
    actions: tuple[ActionRow, ...]


@dataclass(frozen=True, slots=True)
class DraftSaved:
    visit_id: uuid.UUID
    changed: bool
    saved_at: dt.datetime | None
    row_version: int | None = field(default=None, compare=False)
    """The visit's change counter after this save, for the form's next save."""


@dataclass(frozen=True, slots=True)
class DraftRow:
    """A visit in progress, with enough of what it holds to tell two drafts apart."""

    visit_id: uuid.UUID
    setting_id: uuid.UUID
    setting_name: str
    urn: str | None
    visit_date: dt.date | None
    visit_type: QaVisitType | None
    lead_officer_id: uuid.UUID | None
    draft_saved_at: dt.datetime | None
    areas_judged: int = 0
    areas: int = 0
    overall_judgement: QaJudgement | None = None
    actions: int = 0

    @property
    def holds(self) -> str:
        """What the draft holds, in words: "Unannounced, visit date 05/03/2026, 3 of 9 areas
        judged, overall not yet judged, 2 actions"."""
        parts = [self.visit_type.label if self.visit_type else "type not chosen",
                 f"visit date {date_short(self.visit_date)}" if self.visit_date
                 else "no visit date",
                 f"{self.areas_judged} of {self.areas} areas judged",
                 f"overall {self.overall_judgement.label}" if self.overall_judgement
                 else "overall not yet judged",
                 "1 action" if self.actions == 1 else f"{self.actions} actions"]
        return ", ".join(parts)

    @property
    def saved_text(self) -> str:
        """When the draft was last saved (UTC stored, shown as local time)."""
        if self.draft_saved_at is None:
            return "never saved"
        local = self.draft_saved_at.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)
        return f"last saved {datetime_short(local)}"


@dataclass(frozen=True, slots=True)
class CompletedVisit:
    visit_id: uuid.UUID
    setting_id: uuid.UUID
    risk_level: RiskLevel | None
    next_qa_due: dt.date | None


def _visit(session: Session, visit_id: uuid.UUID, *, editable: bool = True) -> QaVisit:
    visit = session.scalar(select(QaVisit).options(selectinload(QaVisit.areas))
                           .where(QaVisit.id == visit_id))
    if visit is None or visit.deleted_at is not None:
        raise ValidationError("visit", "This visit no longer exists.")
    if editable:
        _check_editable(visit)
    return visit


def _check_editable(visit: QaVisit) -> None:
    if visit.status != QaVisitStatus.DRAFT:
        raise ValidationError("status", f"This visit is {visit.status.label.lower()}; only a "
                                        "visit in progress can be changed.")


def describe_visit(visit: QaVisit) -> dict[str, Any]:
    """A visit's fields and its areas, as a save that met another officer's save shows
    them side by side."""
    values = snapshot(visit)
    values["areas"] = [f"{a.area}: {a.judgement.label if a.judgement else 'not yet judged'}"
                       + (f" ({a.evidence})" if a.evidence else "") for a in visit.areas]
    return values


def _unchanged(session: Session, visit: QaVisit, form: VisitForm | None) -> None:
    """Refuse a save whose form read the visit before someone else saved it."""
    if form is not None:
        expect_unchanged(session, visit, form.row_version, "visit",
                         apply=lambda: apply_form(visit, form), describe=describe_visit)
    _check_editable(visit)


def load_visit(db: Database, visit_id: uuid.UUID) -> VisitRecord:
    with db.read() as session:
        visit = _visit(session, visit_id, editable=False)
        setting = session.get(Setting, visit.setting_id)
        assert setting is not None  # the foreign key cascades
        actions = _list_actions(session, ActionFilter(qa_visit_id=visit.id))
        return VisitRecord(visit.id, setting.id, setting.name, setting.urn,
                           setting.setting_type, visit.status, visit.planned_date,
                           visit.template_version_id, visit.draft_saved_at, visit.completed_at,
                           form_of(visit), tuple(actions))


# --- Starting, saving, completing -------------------------------------------------------

def _draft_for_setting(session: Session, setting_id: uuid.UUID) -> uuid.UUID | None:
    """The setting's visit in progress (the last saved, if somehow there are several)."""
    return session.scalar(
        select(QaVisit.id)
        .where(QaVisit.setting_id == setting_id, QaVisit.status == QaVisitStatus.DRAFT,
               QaVisit.deleted_at.is_(None))
        .order_by(QaVisit.draft_saved_at.desc(), QaVisit.created_at.desc(), QaVisit.id)
        .limit(1))


def draft_for_setting(db: Database, setting_id: uuid.UUID) -> uuid.UUID | None:
    """The setting's visit in progress (the last saved, if somehow there are several)."""
    with db.read() as session:
        return _draft_for_setting(session, setting_id)


def start_visit(db: Database, setting_id: uuid.UUID, today: dt.date, *,
                visit_id: uuid.UUID | None = None, visit_type: QaVisitType | None = None,
                officer_id: uuid.UUID | None = None) -> uuid.UUID:
    """Open a draft visit (a planned one, ``visit_id``, or a new one) with its template areas.

    Starting a visit already in progress just returns it, and so does starting a new
    visit to a setting that has one in progress: a setting has one draft at a time.
    """
    require(db, Permission.EDIT_QA)
    with db.write() as session:
        setting = session.get(Setting, setting_id)
        if setting is None or setting.deleted_at is not None:
            raise ValidationError("setting", "This setting no longer exists.")
        if visit_id is None:
            draft = _draft_for_setting(session, setting_id)
            if draft is not None:
                return draft
            visit = QaVisit(id=uuid.uuid4(), setting_id=setting_id)
            session.add(visit)
        else:
            visit = _visit(session, visit_id, editable=False)
            if visit.setting_id != setting_id:
                raise ValidationError("visit", "This visit is to another setting.")
            if visit.status == QaVisitStatus.DRAFT:
                return visit.id
            if visit.status != QaVisitStatus.PLANNED:
                raise ValidationError("status", f"This visit is {visit.status.label.lower()} "
                                                "and cannot be started.")
        add_default_templates(session)
        template = template_for(session, setting.setting_type)
        visit.status = QaVisitStatus.DRAFT
        visit.visit_date = visit.visit_date or today
        visit.visit_type = visit_type or visit.visit_type
        visit.lead_officer_id = officer_id or visit.lead_officer_id
        if template is not None:
            visit.template_version_id = template.version_id
            if visit_id is None or not visit.areas:
                visit.areas = [QaVisitArea(position=i, area=name, judgement=None)
                               for i, name in enumerate(template.areas)]
        visit.draft_saved_at = utcnow()
        return visit.id


def save_draft(db: Database, visit_id: uuid.UUID,
               form: VisitForm) -> DraftSaved:
    """Autosave: write every field and area that differs; nothing at all if none does.

    Refused with :class:`~placement_desk.errors.ConcurrentEdit` if someone else saved the
    visit after the form read it (``form.row_version``)."""
    require(db, Permission.EDIT_QA)
    check_draft(form)
    with db.write() as session:
        visit = _visit(session, visit_id, editable=False)
        _unchanged(session, visit, form)
        changed = apply_form(visit, form)
        if changed:
            visit.draft_saved_at = utcnow()
            session.flush()  # the change counter moves now, for the form's next save
        return DraftSaved(visit.id, changed, visit.draft_saved_at, visit.version)


def open_drafts(db: Database,
                officer_id: uuid.UUID | None = None) -> list[DraftRow]:
    """Visits still in progress (optionally one lead officer's), last saved first.

    Drafts saved at the same moment keep one order (setting name, then id), so the
    list never shuffles between refreshes.
    """
    judged = (select(func.count()).select_from(QaVisitArea)
              .where(QaVisitArea.visit_id == QaVisit.id, QaVisitArea.judgement.is_not(None))
              .correlate(QaVisit).scalar_subquery())
    areas = (select(func.count()).select_from(QaVisitArea)
             .where(QaVisitArea.visit_id == QaVisit.id)
             .correlate(QaVisit).scalar_subquery())
    actions = (select(func.count()).select_from(Action)
               .where(Action.qa_visit_id == QaVisit.id, Action.deleted_at.is_(None))
               .correlate(QaVisit).scalar_subquery())
    with db.read() as session:
        query = (select(QaVisit.id, Setting.id, Setting.name, Setting.urn, QaVisit.visit_date,
                        QaVisit.visit_type, QaVisit.lead_officer_id, QaVisit.draft_saved_at,
                        judged, areas, QaVisit.overall_judgement, actions)
                 .join(Setting, Setting.id == QaVisit.setting_id)
                 .where(QaVisit.status == QaVisitStatus.DRAFT, QaVisit.deleted_at.is_(None),
                        Setting.deleted_at.is_(None))
                 .order_by(QaVisit.draft_saved_at.desc(), func.lower(Setting.name),
                           QaVisit.id))
        if officer_id is not None:
            query = query.where(QaVisit.lead_officer_id == officer_id)
        return [DraftRow(*row) for row in session.execute(query)]


def discard_draft(db: Database, visit_id: uuid.UUID) -> int:
    """Discard a visit in progress: it and the actions raised at it are marked deleted
    (kept in the audit trail, never removed). Returns how many actions went with it."""
    require(db, Permission.EDIT_QA)
    with db.write() as session:
        visit = _visit(session, visit_id)
        now = utcnow()
        visit.deleted_at = now
        raised = session.scalars(select(Action).where(Action.qa_visit_id == visit.id,
                                                      Action.deleted_at.is_(None))).all()
        for action in raised:
            action.deleted_at = now
        return len(raised)


def complete_visit(db: Database, visit_id: uuid.UUID, today: dt.date,
                   form: VisitForm | None = None) -> CompletedVisit:
    """Check and complete a visit (saving ``form`` first if given).

    Then reassess the setting's risk level and move its next due date.
    """
    require(db, Permission.EDIT_QA)
    if form is not None:
        check_draft(form)
        check_complete(form, today)
    with db.write() as session:
        visit = _visit(session, visit_id, editable=False)
        _unchanged(session, visit, form)
        if form is not None:
            apply_form(visit, form)
        check_complete(form_of(visit), today)
        visit.status = QaVisitStatus.COMPLETED
        visit.completed_at = utcnow()
        session.flush()
        refresh_risk_levels(session, today, [visit.setting_id])
        qa_schedule.recompute_schedule(session, today, [visit.setting_id])
        setting = session.get(Setting, visit.setting_id)
        assert setting is not None
        return CompletedVisit(visit.id, setting.id, setting.risk_level, setting.next_qa_due)


def cancel_visit(db: Database, visit_id: uuid.UUID) -> None:
    """Cancel a planned visit or one in progress; a completed visit stays as it is."""
    require(db, Permission.EDIT_QA)
    with db.write() as session:
        visit = _visit(session, visit_id, editable=False)
        if visit.status not in (QaVisitStatus.PLANNED, QaVisitStatus.DRAFT):
            raise ValidationError("status", f"This visit is {visit.status.label.lower()} "
                                            "and cannot be cancelled.")
        visit.status = QaVisitStatus.CANCELLED


def raise_action(db: Database, visit_id: uuid.UUID, description: str,
                 owner: str | None, due_date: dt.date | None,
                 priority: ActionPriority = ActionPriority.MEDIUM,
                 owner_user_id: uuid.UUID | None = None) -> uuid.UUID:
    """Add an action arising from a visit (in progress or completed); returns its id."""
    require(db, Permission.EDIT_QA)
    with db.write() as session:
        visit = _visit(session, visit_id, editable=False)
        if visit.status not in (QaVisitStatus.DRAFT, QaVisitStatus.COMPLETED):
            raise ValidationError("status", "Actions are raised on a visit in progress or "
                                            "completed.")
        setting = session.get(Setting, visit.setting_id)
        action = new_action(session, source=ActionSource.QA_VISIT, description=description,
                            owner=owner, due_date=due_date, priority=priority,
                            owner_user_id=owner_user_id, setting_id=visit.setting_id,
                            provider_id=setting.provider_id if setting else None,
                            qa_visit_id=visit.id)
        return action.id


def _visit_action(session: Session, visit_id: uuid.UUID, action_id: uuid.UUID) -> Action:
    """An action raised at a visit still in progress, which the visit form may change."""
    _visit(session, visit_id)
    action = session.get(Action, action_id)
    if action is None or action.deleted_at is not None or action.qa_visit_id != visit_id:
        raise ValidationError("action", "This action is no longer on the visit.")
    return action


def edit_visit_action(db: Database, visit_id: uuid.UUID,
                      action_id: uuid.UUID, description: str, owner: str | None,
                      due_date: dt.date | None,
                      priority: ActionPriority = ActionPriority.MEDIUM) -> None:
    """Correct an action raised at a visit in progress (what, who, when, priority)."""
    require(db, Permission.EDIT_QA)
    text = (description or "").strip()
    if not text:
        raise ValidationError("description", "Say what needs to be done.")
    who = " ".join((owner or "").split()) or None
    if who is None:
        raise ValidationError("owner", "Name who owns this action.")
    check_length("owner", "The owner's name", who, Action.owner)
    if due_date is None:
        raise ValidationError("due_date", "Enter the date the action is due.")
    with db.write() as session:
        action = _visit_action(session, visit_id, action_id)
        for key, value in (("description", text), ("owner", who), ("due_date", due_date),
                           ("priority", priority)):
            if getattr(action, key) != value:
                setattr(action, key, value)


def remove_visit_action(db: Database, visit_id: uuid.UUID,
                        action_id: uuid.UUID) -> None:
    """Take an action off a visit in progress (marked deleted, kept in the audit trail)."""
    require(db, Permission.EDIT_QA)
    with db.write() as session:
        _visit_action(session, visit_id, action_id).deleted_at = utcnow()
