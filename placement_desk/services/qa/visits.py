"""Recording QA visits: area templates per setting type, drafts that autosave, completion.

A template is edited by adding a version; a visit copies the areas of the version
it started from into its own rows, so later edits never change a recorded visit.
A draft is saved as often as the form likes: a save that changes nothing writes
nothing. Completing a visit checks it, then updates the setting's risk level and
next due date.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ...audit import snapshot
from ...concurrency import expect_unchanged
from ...db import Database
from ...errors import ValidationError
from ...models import (
    Action,
    QaTemplate,
    QaTemplateVersion,
    QaVisit,
    QaVisitArea,
    Setting,
    utcnow,
)
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

CHILDRENS_HOME_STANDARDS = (
    "Quality and purpose of care", "Children's views, wishes and feelings", "Education",
    "Enjoyment and achievement", "Health and well-being", "Positive relationships",
    "Protection of children", "Leadership and management", "Care planning")
"""The nine quality standards of the Children's Homes (England) Regulations 2015."""
SUPPORTED_ACCOMMODATION_STANDARDS = ("Leadership and management", "Protection",
                                     "Accommodation", "Support")
"""The four standards of the Supported Accommodation (England) Regulations 2023."""
COUNCIL_STANDARDS = ("Safeguarding", "Matching and placement stability",
                     "Carer support and training", "The child's voice", "Premises",
                     "Staffing and recruitment")
"""The council's own areas for IFAs, unregulated provision and anything else."""

DEFAULT_TEMPLATES: tuple[tuple[str, SettingType | None, tuple[str, ...]], ...] = (
    ("Children's homes: quality standards (2015 Regulations)", SettingType.CHILDRENS_HOME,
     CHILDRENS_HOME_STANDARDS),
    ("Supported accommodation: standards (2023 Regulations)",
     SettingType.SUPPORTED_ACCOMMODATION, SUPPORTED_ACCOMMODATION_STANDARDS),
    ("IFAs and unregulated provision: council standards", None, COUNCIL_STANDARDS),
)
"""Seeded by :func:`ensure_default_templates`; the one without a type serves every other."""
SHARES_TEMPLATE_WITH = {SettingType.SECURE_CHILDRENS_HOME: SettingType.CHILDRENS_HOME}
"""Types that use another type's template unless they are given their own."""


# --- Templates --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TemplateInfo:
    id: uuid.UUID
    name: str
    setting_type: SettingType | None
    version_id: uuid.UUID
    version_no: int
    areas: tuple[str, ...]


def _add_template(session: Session, name: str, setting_type: SettingType | None,
                  areas: Sequence[str]) -> TemplateInfo:
    template = QaTemplate(id=uuid.uuid4(), name=name, setting_type=setting_type)
    version = QaTemplateVersion(id=uuid.uuid4(), template_id=template.id, version_no=1,
                                areas=list(areas))
    session.add_all([template, version])
    return TemplateInfo(template.id, name, setting_type, version.id, 1, tuple(areas))


def _ensure_default_templates(session: Session) -> int:
    """Add each default template whose setting type has none yet; returns how many."""
    have = set(session.scalars(select(QaTemplate.setting_type)))
    added = 0
    for name, kind, areas in DEFAULT_TEMPLATES:
        if kind not in have:
            _add_template(session, name, kind, areas)
            added += 1
    return added


def ensure_default_templates(db: Database) -> int:
    """Add each default template whose setting type has none yet; returns how many."""
    with db.write() as session:
        return _ensure_default_templates(session)


def _latest(session: Session, template: QaTemplate) -> QaTemplateVersion:
    version = session.scalar(
        select(QaTemplateVersion).where(QaTemplateVersion.template_id == template.id)
        .order_by(QaTemplateVersion.version_no.desc()).limit(1))
    if version is None:  # pragma: no cover - every template is created with a version
        raise ValidationError("areas", f"The template {template.name} has no areas.")
    return version


def _info(template: QaTemplate, version: QaTemplateVersion) -> TemplateInfo:
    return TemplateInfo(template.id, template.name, template.setting_type, version.id,
                        version.version_no, tuple(str(a) for a in version.areas))


def _list_templates(session: Session) -> list[TemplateInfo]:
    """Every template at its latest version, by name."""
    return [_info(t, _latest(session, t))
            for t in session.scalars(select(QaTemplate).order_by(QaTemplate.name))]


def list_templates(db: Database) -> list[TemplateInfo]:
    """Every template at its latest version, by name."""
    with db.read() as session:
        return _list_templates(session)


def template_for(session: Session, setting_type: SettingType) -> TemplateInfo | None:
    """The template a visit to this type of setting uses: its own, a shared one, the general."""
    for kind in (setting_type, SHARES_TEMPLATE_WITH.get(setting_type)):
        if kind is not None:
            template = session.scalar(select(QaTemplate).where(QaTemplate.setting_type == kind))
            if template is not None:
                return _info(template, _latest(session, template))
    general = session.scalar(select(QaTemplate).where(QaTemplate.setting_type.is_(None))
                             .order_by(QaTemplate.created_at).limit(1))
    return _info(general, _latest(session, general)) if general is not None else None


def clean_areas(areas: Iterable[str]) -> list[str]:
    """Areas tidied (spaces collapsed, blanks dropped); refused if empty or repeated."""
    cleaned = [" ".join(a.split()) for a in areas]
    cleaned = [a for a in cleaned if a]
    if not cleaned:
        raise ValidationError("areas", "List at least one area to examine.")
    seen: set[str] = set()
    for area in cleaned:
        if len(area) > 200:
            raise ValidationError("areas", f"{area[:40]}… is too long (200 characters at most).")
        if area.casefold() in seen:
            raise ValidationError("areas", f"{area} is listed twice.")
        seen.add(area.casefold())
    return cleaned


def create_template(db: Database, name: str,
                    setting_type: SettingType | None, areas: Iterable[str]) -> TemplateInfo:
    """A new template for a setting type that has none of its own yet."""
    require(db, Permission.EDIT_QA)
    title = " ".join(name.split())
    if not title:
        raise ValidationError("name", "Name the template.")
    check_length("name", "The template's name", title, QaTemplate.name)
    cleaned = clean_areas(areas)
    with db.write() as session:
        query = select(QaTemplate.name).where(
            QaTemplate.setting_type == setting_type if setting_type is not None
            else QaTemplate.setting_type.is_(None))
        clash = session.scalar(query)
        if clash is not None:
            raise ValidationError("setting_type", f"{clash} already covers this type; edit it "
                                                  "instead.")
        return _add_template(session, title, setting_type, cleaned)


def edit_template(db: Database, template_id: uuid.UUID,
                  areas: Iterable[str]) -> TemplateInfo:
    """Save new areas as the template's next version (unchanged areas add no version)."""
    require(db, Permission.EDIT_QA)
    cleaned = clean_areas(areas)
    with db.write() as session:
        template = session.get(QaTemplate, template_id)
        if template is None:
            raise ValidationError("areas", "This template no longer exists.")
        latest = _latest(session, template)
        if list(latest.areas) == cleaned:
            return _info(template, latest)
        version = QaTemplateVersion(id=uuid.uuid4(), template_id=template.id,
                                    version_no=latest.version_no + 1, areas=cleaned)
        session.add(version)
        return _info(template, version)


# --- Forms and records ------------------------------------------------------------------

@dataclass
class AreaForm:
    area: str
    judgement: QaJudgement | None = None
    """None until the officer chooses; Not assessed is a choice."""
    evidence: str | None = None


@dataclass
class VisitForm:
    """What the visit form holds; plain values, no ORM objects."""

    visit_type: QaVisitType | None = None
    visit_date: dt.date | None = None
    lead_officer_id: uuid.UUID | None = None
    officers: str | None = None
    spoke_children: int = 0
    spoke_staff: int = 0
    spoke_managers: int = 0
    overall_judgement: QaJudgement | None = None
    summary: str | None = None
    areas: list[AreaForm] = field(default_factory=list)
    row_version: int | None = field(default=None, compare=False)
    """The visit's change counter when the form read it (or last saved it): a save is
    refused if someone else saved the visit since (None: the caller does not say)."""


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


def _text(value: str | None) -> str | None:
    return value if value is not None and value.strip() else None


def _stored(judgement: QaJudgement | None) -> QaJudgement | None:
    """None means "not yet judged", which completing the visit refuses."""
    return judgement


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


def _form_of(visit: QaVisit) -> VisitForm:
    return VisitForm(visit.visit_type, visit.visit_date, visit.lead_officer_id, visit.officers,
                     visit.spoke_children, visit.spoke_staff, visit.spoke_managers,
                     visit.overall_judgement, visit.summary,
                     [AreaForm(a.area, a.judgement, a.evidence) for a in visit.areas],
                     visit.version)


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
                         apply=lambda: _apply(visit, form), describe=describe_visit)
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
                           _form_of(visit), tuple(actions))


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
        _ensure_default_templates(session)
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


def _check_draft(form: VisitForm) -> None:
    for name in ("spoke_children", "spoke_staff", "spoke_managers"):
        if getattr(form, name) < 0:
            raise ValidationError(name, "A number of people cannot be negative.")
    check_length("officers", "The officers' names", form.officers, QaVisit.officers)
    for i, area in enumerate(form.areas):
        name = " ".join(area.area.split())
        if not name:
            raise ValidationError(f"areas[{i}].area", "Name the area examined.")
        if len(name) > 200:
            raise ValidationError(f"areas[{i}].area", "The area's name is too long "
                                                      "(200 characters at most).")


def _apply(visit: QaVisit, form: VisitForm) -> bool:
    """Write the form onto the visit, touching only what differs; True if anything did."""
    values = {"visit_type": form.visit_type, "visit_date": form.visit_date,
              "lead_officer_id": form.lead_officer_id,
              "officers": (form.officers or "").strip() or None,
              "spoke_children": form.spoke_children, "spoke_staff": form.spoke_staff,
              "spoke_managers": form.spoke_managers,
              "overall_judgement": form.overall_judgement, "summary": _text(form.summary)}
    changed = False
    for key, value in values.items():
        if getattr(visit, key) != value:
            setattr(visit, key, value)
            changed = True
    rows = list(visit.areas)
    for i, area in enumerate(form.areas):
        wanted = (" ".join(area.area.split()), _stored(area.judgement), _text(area.evidence))
        if i < len(rows):
            row = rows[i]
            if (row.area, row.judgement, row.evidence) != wanted:
                row.area, row.judgement, row.evidence = wanted
                changed = True
        else:
            visit.areas.append(QaVisitArea(position=i, area=wanted[0], judgement=wanted[1],
                                           evidence=wanted[2]))
            changed = True
    for row in rows[len(form.areas):]:
        visit.areas.remove(row)
        changed = True
    return changed


def save_draft(db: Database, visit_id: uuid.UUID,
               form: VisitForm) -> DraftSaved:
    """Autosave: write every field and area that differs; nothing at all if none does.

    Refused with :class:`~placement_desk.errors.ConcurrentEdit` if someone else saved the
    visit after the form read it (``form.row_version``)."""
    require(db, Permission.EDIT_QA)
    _check_draft(form)
    with db.write() as session:
        visit = _visit(session, visit_id, editable=False)
        _unchanged(session, visit, form)
        changed = _apply(visit, form)
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


def check_complete(form: VisitForm, today: dt.date) -> None:
    """The rules a visit must meet to be completed; raises ValidationError naming the field."""
    if form.visit_date is None:
        raise ValidationError("visit_date", "Enter the date of the visit.")
    if form.visit_date > today:
        raise ValidationError("visit_date", "The visit date is in the future.")
    if form.visit_type is None:
        raise ValidationError("visit_type", "Choose the type of visit.")
    if form.overall_judgement is None:
        raise ValidationError("overall_judgement", "Choose the overall judgement.")
    if not form.areas:
        raise ValidationError("areas", "Record at least one area examined.")
    for i, area in enumerate(form.areas):
        if area.judgement is None:
            raise ValidationError(f"areas[{i}].judgement",
                                  f"Choose a judgement for {area.area}, or Not assessed.")


def complete_visit(db: Database, visit_id: uuid.UUID, today: dt.date,
                   form: VisitForm | None = None) -> CompletedVisit:
    """Check and complete a visit (saving ``form`` first if given).

    Then reassess the setting's risk level and move its next due date.
    """
    require(db, Permission.EDIT_QA)
    if form is not None:
        _check_draft(form)
        check_complete(form, today)
    with db.write() as session:
        visit = _visit(session, visit_id, editable=False)
        _unchanged(session, visit, form)
        if form is not None:
            _apply(visit, form)
        check_complete(_form_of(visit), today)
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
