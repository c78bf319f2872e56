"""QA visits and actions."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ....models import Action, ActionUpdate, Provider, QaVisit, utcnow
from ....models.enums import (
    ActionPriority,
    ActionSource,
    ActionStatus,
    QaJudgement,
    QaVisitStatus,
    QaVisitType,
)
from ...common.limits import check_length
from ..values import Field
from .base import (
    SETTING_NAME,
    SETTING_POSTCODE,
    Outcome,
    RowError,
    Writer,
    _enum_or_none,
    _setting_names,
    _urn_like,
    _where,
    provider_named,
    setting_ref,
)

# -- QA visits -------------------------------------------------------------------------------

_QA = {"o": "outstanding", "g": "good", "ri": "requires_improvement", "i": "inadequate",
       "requires improvement to be good": "requires_improvement", "na": "not_assessed",
       "n a": "not_assessed"}
IMPORTED_AREA = "Overall (from the visit log)"

VISIT_FIELDS = (
    Field("urn", "URN", aliases=("setting urn", "ofsted urn"), looks_like=_urn_like),
    SETTING_NAME,
    SETTING_POSTCODE,
    Field("visit_date", "Visit date", "date", required=True, aliases=("date", "date of visit",
                                                                      "visited", "qa date")),
    Field("visit_type", "Visit type", "code", codes=QaVisitType,
          aliases=("type", "type of visit"), synonyms={"unannounced visit": "unannounced",
                                                       "desktop": "desktop"}),
    Field("officers", "Officers", aliases=("officer", "qa officer", "visited by", "lead")),
    Field("overall_judgement", "Overall judgement", "code", codes=QaJudgement, synonyms=_QA,
          aliases=("judgement", "rating", "outcome", "qa rating", "grade", "overall")),
    Field("spoke_children", "Children spoken to", "int", aliases=("children",)),
    Field("spoke_staff", "Staff spoken to", "int", aliases=("staff",)),
    Field("spoke_managers", "Managers spoken to", "int", aliases=("managers",)),
    Field("summary", "Summary", aliases=("notes", "comments", "findings")),
    Field("status", "Status", "code", codes=QaVisitStatus, importable=False),
)


class VisitWriter(Writer):
    tables = ("qa_visit", "qa_visit_area")

    def save(self, values: dict[str, Any]) -> Outcome:
        from ...qa.visit_forms import (
            AreaForm,
            VisitForm,
            apply_form,
            check_complete,
            check_draft,
            form_of,
        )

        session = self.session
        setting_id = setting_ref(session, values)
        if setting_id is None:
            raise RowError("urn", "Enter the setting's URN (or its name, if it has none).")
        existing = session.scalar(select(QaVisit).where(
            QaVisit.setting_id == setting_id,
            func.coalesce(QaVisit.visit_date, QaVisit.planned_date) == values.get("visit_date"),
            QaVisit.deleted_at.is_(None)).limit(1))
        form = form_of(existing) if existing is not None else VisitForm()
        given = {"visit_type": _enum_or_none(QaVisitType, values.get("visit_type")),
                 "visit_date": values.get("visit_date"), "officers": values.get("officers"),
                 "spoke_children": values.get("spoke_children") or 0,
                 "spoke_staff": values.get("spoke_staff") or 0,
                 "spoke_managers": values.get("spoke_managers") or 0,
                 "overall_judgement": _enum_or_none(QaJudgement,
                                                    values.get("overall_judgement")),
                 "summary": values.get("summary")}
        for key, value in given.items():
            if key in values or key == "visit_date":
                setattr(form, key, value)
        if existing is not None and existing.status != QaVisitStatus.COMPLETED \
                and existing.visit_date is None:
            form.visit_date = None  # a planned visit keeps its planned date
        if existing is None and form.overall_judgement is not None:
            form.areas = [AreaForm(IMPORTED_AREA, form.overall_judgement)]
        check_draft(form)
        completed = form.overall_judgement is not None and form.visit_date is not None
        if completed and (existing is None or existing.status != QaVisitStatus.COMPLETED):
            check_complete(form, self.today)
        if existing is None:
            planned = None if completed else form.visit_date
            if not completed:
                form.visit_date = None
            visit = QaVisit(id=uuid.uuid4(), setting_id=setting_id,
                            status=QaVisitStatus.COMPLETED if completed
                            else QaVisitStatus.PLANNED,
                            planned_date=planned, completed_at=utcnow() if completed else None)
            session.add(visit)
            apply_form(visit, form)
            return self._done(True)
        changed = apply_form(existing, form)
        if changed and existing.status == QaVisitStatus.COMPLETED:
            raise RowError("overall_judgement", "This visit is completed and cannot be changed "
                                                "from a file.")
        return self._done(False)


def _read_visits(session: Session, ids: frozenset[uuid.UUID] | None
                 ) -> Iterator[dict[str, Any]]:
    names = _setting_names(session)
    query = select(QaVisit).where(QaVisit.deleted_at.is_(None)).order_by(
        QaVisit.visit_date, QaVisit.planned_date)
    if ids is not None:
        query = query.where(QaVisit.id.in_(ids))
    for v in session.scalars(query):
        yield {**_where(names, v.setting_id), "visit_date": v.visit_date or v.planned_date,
               "visit_type": v.visit_type, "officers": v.officers,
               "overall_judgement": v.overall_judgement, "spoke_children": v.spoke_children,
               "spoke_staff": v.spoke_staff, "spoke_managers": v.spoke_managers,
               "summary": v.summary, "status": v.status}


# -- actions ---------------------------------------------------------------------------------

ACTION_FIELDS = (
    Field("description", "Action", required=True, aliases=("description", "action required",
                                                           "what", "task")),
    Field("urn", "URN", aliases=("setting urn",), looks_like=_urn_like),
    SETTING_NAME,
    SETTING_POSTCODE,
    Field("provider", "Provider", aliases=("provider name",)),
    Field("owner", "Owner", required=True, aliases=("who", "responsible", "assigned to",
                                                    "action owner", "lead")),
    Field("due_date", "Due date", "date", required=True, aliases=("due", "by", "deadline",
                                                                  "target date")),
    Field("priority", "Priority", "code", codes=ActionPriority,
          synonyms={"h": "high", "m": "medium", "med": "medium", "l": "low"}),
    Field("status", "Status", "code", codes=ActionStatus,
          synonyms={"complete": "done", "completed": "done", "closed": "done",
                    "ongoing": "in_progress", "not started": "open"}),
    Field("completed_date", "Completed on", "date", aliases=("completed", "date completed",
                                                             "closed on")),
)


class ActionWriter(Writer):
    tables = ("action",)

    def save(self, values: dict[str, Any]) -> Outcome:
        from ...qa.actions import new_action

        session = self.session
        setting_id = setting_ref(session, values)
        provider_id = provider_named(session, values.get("provider"), "provider")
        text = (values.get("description") or "").strip()
        existing = session.scalar(select(Action).where(
            Action.setting_id == setting_id if setting_id else Action.setting_id.is_(None),
            Action.provider_id == provider_id if provider_id else Action.provider_id.is_(None),
            Action.description == text, Action.due_date == values.get("due_date"),
            Action.deleted_at.is_(None)).limit(1)) if text else None
        status = _enum_or_none(ActionStatus, values.get("status"))
        priority = _enum_or_none(ActionPriority, values.get("priority"))
        if existing is None:
            action = new_action(session, source=ActionSource.MANUAL, description=text,
                                owner=values.get("owner"), due_date=values.get("due_date"),
                                priority=priority or ActionPriority.MEDIUM,
                                setting_id=setting_id, provider_id=provider_id)
            created = True
        else:  # a column the file leaves out, or a blank cell, keeps what is held
            action, created = existing, False
            owner = " ".join((values.get("owner") or "").split())
            if owner and action.owner != owner:
                check_length("owner", "The owner's name", owner, Action.owner)
                action.owner = owner
            if priority is not None and action.priority != priority:
                action.priority = priority
        status = status or action.status
        if status == ActionStatus.DONE and values.get("completed_date") is None \
                and action.completed_date is None:
            raise RowError("completed_date", "Enter the date a done action was completed.")
        _move_action(session, action, status)
        if values.get("completed_date") is not None \
                and action.completed_date != values["completed_date"]:
            action.completed_date = values["completed_date"]
        return self._done(created)


def _move_action(session: Session, action: Action, status: ActionStatus) -> None:
    """Move an action to ``status`` by the tracker's own steps (open, in progress, done;
    or cancelled), each recorded as the tracker records it. Overdue is worked out from the
    due date, never set; reopening a done action needs a reason, given in the tracker."""
    from ...qa.actions import NOTE_REQUIRED, TRANSITIONS, underlying_status

    if status == ActionStatus.OVERDUE or action.status == status:
        return
    session.flush()
    current = underlying_status(action) if action.id else action.status
    if current == status:
        return
    path = _steps(TRANSITIONS, current, status)
    if path is None:
        raise RowError("status", f"An action that is {action.status.label.lower()} cannot "
                                 f"be moved to {status.label.lower()}.")
    user = str(session.info.get("user") or "unknown")
    for before, after in zip([current, *path], path, strict=False):
        if (before, after) in NOTE_REQUIRED:
            raise RowError("status", f"Moving an action from {before.label.lower()} to "
                                     f"{after.label.lower()} needs a reason: do it in the "
                                     "actions tracker.")
        session.add(ActionUpdate(action_id=action.id, author=user, old_status=action.status,
                                 new_status=after, note="From an imported spreadsheet"))
        action.status = after


def _steps(moves: Mapping[ActionStatus, frozenset[ActionStatus]], start: ActionStatus,
           goal: ActionStatus) -> list[ActionStatus] | None:
    """The shortest run of allowed moves from ``start`` to ``goal`` (None if there is
    none)."""
    paths: list[list[ActionStatus]] = [[]]
    seen = {start}
    while paths:
        path = paths.pop(0)
        for step in sorted(moves.get(path[-1] if path else start, frozenset())):
            if step == goal:
                return [*path, step]
            if step not in seen:
                seen.add(step)
                paths.append([*path, step])
    return None


def _read_actions(session: Session, ids: frozenset[uuid.UUID] | None
                  ) -> Iterator[dict[str, Any]]:
    settings = _setting_names(session)
    names = dict(session.execute(select(Provider.id, Provider.name)).all())
    query = select(Action).where(Action.deleted_at.is_(None)).order_by(Action.due_date)
    if ids is not None:
        query = query.where(Action.id.in_(ids))
    for a in session.scalars(query):
        yield {"description": a.description, **_where(settings, a.setting_id),
               "provider": names.get(a.provider_id) if a.provider_id else None,
               "owner": a.owner, "due_date": a.due_date, "priority": a.priority,
               "status": a.status, "completed_date": a.completed_date}
