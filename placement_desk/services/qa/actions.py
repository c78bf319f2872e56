"""The actions tracker: actions raised by visits, reviews and alerts, filtered and followed up.

An action is overdue when it is open or in progress and its due date has passed;
lists say "Overdue" for it whether or not :func:`mark_overdue` has stored that yet.
Status changes follow :data:`TRANSITIONS` (open → in progress → done; open or in
progress → cancelled; done → open, reopening, with a note) and each one adds an
:class:`~placement_desk.models.ActionUpdate` saying who, what and why.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ...db import Database
from ...errors import ValidationError
from ...models import (
    Action,
    ActionUpdate,
    Contract,
    ContractReview,
    Provider,
    QaVisit,
    RatingAlert,
    Setting,
)
from ...models.enums import ActionPriority, ActionSource, ActionStatus
from ..common.formatting import date_short
from ..users.roles import Permission, require

TRANSITIONS: dict[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.OPEN: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.CANCELLED}),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.DONE, ActionStatus.CANCELLED}),
    ActionStatus.DONE: frozenset({ActionStatus.OPEN}),
    ActionStatus.CANCELLED: frozenset(),
}
"""Where each status may go next. A stored Overdue action moves as the status it had."""

NOTE_REQUIRED: frozenset[tuple[ActionStatus, ActionStatus]] = frozenset(
    {(ActionStatus.DONE, ActionStatus.OPEN)})
SYSTEM_AUTHOR = "Placement Desk"


def overdue_condition(today: dt.date) -> ColumnElement[bool]:
    """The one rule for "overdue on ``today``": stored Overdue, or open or in progress
    with the due date passed. Lists read it as their rows' ``overdue`` column, and
    counts (the dashboard's) use it in their queries."""
    return or_(Action.status == ActionStatus.OVERDUE,
               and_(Action.status.in_((ActionStatus.OPEN, ActionStatus.IN_PROGRESS)),
                    Action.due_date.is_not(None), Action.due_date < today))


# --- Listing ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ActionRow:
    id: uuid.UUID
    description: str
    source: ActionSource
    source_label: str
    """Where it came from, with the date: "QA visit 12/03/2026"."""
    qa_visit_id: uuid.UUID | None
    contract_review_id: uuid.UUID | None
    rating_alert_id: uuid.UUID | None
    setting_id: uuid.UUID | None
    setting_name: str | None
    provider_id: uuid.UUID | None
    provider_name: str | None
    owner: str | None
    due_date: dt.date | None
    priority: ActionPriority
    status: ActionStatus
    """As stored."""
    allowed: frozenset[ActionStatus]
    """The statuses :func:`change_status` accepts for this action."""
    overdue: bool
    status_text: str
    """What the list shows: "Overdue" for an overdue action, else the status label."""
    completed_date: dt.date | None
    contract_id: uuid.UUID | None = None


LIVE = "live"
"""The status choice for actions not finished: open, in progress or overdue."""
LIVE_STATUSES = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.OVERDUE})


@dataclass(frozen=True, slots=True)
class ActionFilter:
    """What to show; every field left empty shows everything. :meth:`accepts` is the
    rule, for :func:`list_actions` and for the actions list's filter bar alike."""

    text: str = ""
    """Words that must all appear in the description, source, owner, setting or provider."""
    owner: str | None = None
    """The owner's name, ignoring case."""
    provider_id: uuid.UUID | None = None
    setting_id: uuid.UUID | None = None
    qa_visit_id: uuid.UUID | None = None
    contract_review_id: uuid.UUID | None = None
    statuses: frozenset[ActionStatus] | None = None
    """As shown: Overdue matches overdue actions, the others only those not overdue."""
    due_before: dt.date | None = None
    """Due strictly before this date."""
    due_after: dt.date | None = None
    """Due strictly after this date."""

    @classmethod
    def from_choices(cls, today: dt.date, text: str = "", owner: str = "", provider: str = "",
                     status: str = "", due: str = "") -> ActionFilter:
        """The filter for the list's choices: ``status`` an ActionStatus value or
        :data:`LIVE`; ``due`` "overdue" or a number of days ahead ("7": due from today up
        to and including 7 days from today); ``provider`` an id as text."""
        statuses: frozenset[ActionStatus] | None = None
        if status == LIVE:
            statuses = LIVE_STATUSES
        elif status:
            statuses = frozenset({ActionStatus(status)})
        before = after = None
        if due == "overdue":
            statuses = frozenset({ActionStatus.OVERDUE} & (statuses or {ActionStatus.OVERDUE}))
        elif due:
            after = today - dt.timedelta(days=1)
            before = today + dt.timedelta(days=int(due) + 1)
        return cls(text=text, owner=owner or None,
                   provider_id=uuid.UUID(provider) if provider else None,
                   statuses=statuses, due_before=before, due_after=after)

    def is_clear(self) -> bool:
        return (not self.text.strip() and not (self.owner or "").strip()
                and all(v is None for v in (self.provider_id, self.setting_id,
                                            self.qa_visit_id, self.contract_review_id,
                                            self.statuses,
                                            self.due_before, self.due_after)))

    def accepts(self, row: ActionRow) -> bool:
        """Whether ``row`` passes the filter."""
        words = self.text.casefold().split()
        if words:
            hay = " ".join((row.description, row.source_label, row.owner or "",
                            row.setting_name or "", row.provider_name or "")).casefold()
            if not all(w in hay for w in words):
                return False
        owner = (self.owner or "").strip().casefold()
        if owner and (row.owner or "").casefold() != owner:
            return False
        for wanted, value in ((self.provider_id, row.provider_id),
                              (self.setting_id, row.setting_id),
                              (self.qa_visit_id, row.qa_visit_id),
                              (self.contract_review_id, row.contract_review_id)):
            if wanted is not None and value != wanted:
                return False
        if self.statuses is not None and (ActionStatus.OVERDUE if row.overdue
                                          else row.status) not in self.statuses:
            return False
        if self.due_before is not None and (row.due_date is None
                                            or row.due_date >= self.due_before):
            return False
        return not (self.due_after is not None and (row.due_date is None
                                                    or row.due_date <= self.due_after))


def _source_label(source: ActionSource, visit_day: dt.date | None,
                  review_day: dt.date | None, alert_day: dt.date | None,
                  contract_reference: str | None = None) -> str:
    if source == ActionSource.CONTRACT and contract_reference:
        return f"{source.label} {contract_reference}"
    day = {ActionSource.QA_VISIT: visit_day, ActionSource.CONTRACT_REVIEW: review_day,
           ActionSource.RATING_ALERT: alert_day}.get(source)
    return f"{source.label} {date_short(day)}" if day else source.label


def _list_actions(session: Session, filters: ActionFilter | None = None,
                 today: dt.date | None = None) -> list[ActionRow]:
    """Actions not deleted, matching ``filters``, soonest due first (undated last)."""
    today = today or dt.date.today()
    f = filters or ActionFilter()
    visit_day = func.coalesce(QaVisit.visit_date, QaVisit.planned_date)
    overdue_from = (select(ActionUpdate.old_status)
                    .where(ActionUpdate.action_id == Action.id,
                           ActionUpdate.new_status == ActionStatus.OVERDUE)
                    .order_by(ActionUpdate.created_at.desc()).limit(1)
                    .correlate(Action).scalar_subquery())
    query = (
        select(Action.id, Action.description, Action.source, visit_day,
               ContractReview.review_date, RatingAlert.raised_on, Action.qa_visit_id,
               Action.contract_review_id, Action.rating_alert_id, Action.setting_id,
               Setting.name, Action.provider_id, Provider.name, Action.owner,
               Action.due_date, Action.priority, Action.status, Action.completed_date,
               overdue_from, overdue_condition(today).label("overdue"), Action.contract_id,
               Contract.reference)
        .outerjoin(QaVisit, QaVisit.id == Action.qa_visit_id)
        .outerjoin(ContractReview, ContractReview.id == Action.contract_review_id)
        .outerjoin(RatingAlert, RatingAlert.id == Action.rating_alert_id)
        .outerjoin(Contract, Contract.id == Action.contract_id)
        .outerjoin(Setting, Setting.id == Action.setting_id)
        .outerjoin(Provider, Provider.id == Action.provider_id)
        .where(Action.deleted_at.is_(None))
        .order_by(Action.due_date.is_(None), Action.due_date, Action.created_at))
    # The ids narrow the query (a visit's actions among thousands); every rule, these
    # included, is then ActionFilter.accepts.
    for wanted, column in ((f.provider_id, Action.provider_id),
                           (f.setting_id, Action.setting_id),
                           (f.qa_visit_id, Action.qa_visit_id),
                           (f.contract_review_id, Action.contract_review_id)):
        if wanted is not None:
            query = query.where(column == wanted)
    rows: list[ActionRow] = []
    for (aid, text, source, v_day, r_day, a_day, visit_id, review_id, alert_id, setting_id,
         setting_name, provider_id, provider_name, owner, due, priority, status,
         completed, before, late, contract_id, contract_ref) in session.execute(query):
        late = bool(late)
        allowed = TRANSITIONS[_moves_from(status, before)]
        row = ActionRow(
            aid, text, source, _source_label(source, v_day, r_day, a_day, contract_ref),
            visit_id, review_id, alert_id, setting_id, setting_name, provider_id,
            provider_name, owner, due, priority, status, allowed, late,
            ActionStatus.OVERDUE.label if late else status.label, completed, contract_id)
        if f.accepts(row):
            rows.append(row)
    return rows


def list_actions(db: Database, filters: ActionFilter | None = None,
                 today: dt.date | None = None) -> list[ActionRow]:
    """Actions not deleted, matching ``filters``, soonest due first (undated last)."""
    with db.read() as session:
        return _list_actions(session, filters, today)


# --- Creating ---------------------------------------------------------------------------

def new_action(session: Session, *, source: ActionSource, description: str,
               owner: str | None, due_date: dt.date | None,
               priority: ActionPriority = ActionPriority.MEDIUM,
               owner_user_id: uuid.UUID | None = None, setting_id: uuid.UUID | None = None,
               provider_id: uuid.UUID | None = None, qa_visit_id: uuid.UUID | None = None,
               contract_review_id: uuid.UUID | None = None,
               rating_alert_id: uuid.UUID | None = None,
               contract_id: uuid.UUID | None = None,
               contract_extension_id: uuid.UUID | None = None) -> Action:
    """Validate and add an action (owner and due date required) inside ``session``."""
    text = (description or "").strip()
    if not text:
        raise ValidationError("description", "Say what needs to be done.")
    who = " ".join((owner or "").split()) or None
    if who is None and owner_user_id is None:
        raise ValidationError("owner", "Name who owns this action.")
    if who is not None and len(who) > 100:
        raise ValidationError("owner", "The owner's name is too long (100 characters at most).")
    if due_date is None:
        raise ValidationError("due_date", "Enter the date the action is due.")
    action = Action(id=uuid.uuid4(), source=source, description=text, owner=who,
                    owner_user_id=owner_user_id, due_date=due_date, priority=priority,
                    status=ActionStatus.OPEN, setting_id=setting_id, provider_id=provider_id,
                    qa_visit_id=qa_visit_id, contract_review_id=contract_review_id,
                    rating_alert_id=rating_alert_id, contract_id=contract_id,
                    contract_extension_id=contract_extension_id)
    session.add(action)
    return action


# --- Status changes ---------------------------------------------------------------------

def _moves_from(status: ActionStatus, before_overdue: ActionStatus | None) -> ActionStatus:
    if status != ActionStatus.OVERDUE:
        return status
    if before_overdue in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS):
        return before_overdue
    return ActionStatus.OPEN


def underlying_status(action: Action) -> ActionStatus:
    """The status an action moves from: for a stored Overdue one, the status it had."""
    before = next((u.old_status for u in reversed(action.updates)
                   if u.new_status == ActionStatus.OVERDUE), None)
    return _moves_from(action.status, before)


def change_status(db: Database, action_ids: Iterable[uuid.UUID],
                  new_status: ActionStatus, note: str | None, by: str,
                  today: dt.date | None = None) -> list[uuid.UUID]:
    """Move the chosen actions to ``new_status``; returns the ids that changed, in order.

    All or nothing: if any action may not make the move, nothing changes and a
    :class:`ValidationError` on ``status`` (or ``note``) says which. Actions
    already in ``new_status`` are left alone.
    """
    require(db, Permission.EDIT_QA)
    today = today or dt.date.today()
    ids = list(dict.fromkeys(action_ids))
    text = (note or "").strip() or None
    if new_status == ActionStatus.OVERDUE:
        raise ValidationError("status", "Overdue is worked out from the due date; choose "
                                        "another status.")
    with db.write() as session:
        actions = list(session.scalars(
            select(Action).options(selectinload(Action.updates))
            .where(Action.id.in_(ids), Action.deleted_at.is_(None))))
        order = {aid: n for n, aid in enumerate(ids)}
        actions.sort(key=lambda a: order[a.id])
        if len(actions) != len(ids):
            raise ValidationError("status", "Some of the chosen actions have been deleted; "
                                            "refresh the list and try again.")
        moves: list[tuple[Action, ActionStatus]] = []
        refused: list[str] = []
        for action in actions:
            old = underlying_status(action)
            if action.status == new_status:
                continue
            if new_status not in TRANSITIONS[old]:
                refused.append(f"{_short(action.description)} ({action.status.label})")
                continue
            if (old, new_status) in NOTE_REQUIRED and text is None:
                raise ValidationError("note", f"Say why the action is moving from {old.label} "
                                              f"to {new_status.label}.")
            moves.append((action, old))
        if refused:
            listed = "; ".join(refused[:3]) + ("; …" if len(refused) > 3 else "")
            raise ValidationError(
                "status", f"{len(refused)} of the chosen actions cannot be moved to "
                          f"{new_status.label}: {listed}.")
        for action, _old in moves:
            session.add(ActionUpdate(action_id=action.id, author=by, old_status=action.status,
                                     new_status=new_status, note=text))
            action.status = new_status
            if new_status == ActionStatus.DONE:
                action.completed_date = today
            elif action.completed_date is not None:
                action.completed_date = None
        return [action.id for action, _old in moves]


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mark_overdue(session: Session, today: dt.date) -> int:
    """Store Overdue on live actions past their due date, and undo it where the date moved.

    Each change adds an update by :data:`SYSTEM_AUTHOR`; returns how many changed.
    """
    changed = 0
    late = list(session.scalars(
        select(Action).where(Action.deleted_at.is_(None),
                             Action.status.in_((ActionStatus.OPEN, ActionStatus.IN_PROGRESS)),
                             Action.due_date < today)))
    for action in late:
        session.add(ActionUpdate(action_id=action.id, author=SYSTEM_AUTHOR,
                                 old_status=action.status, new_status=ActionStatus.OVERDUE,
                                 note="The due date has passed."))
        action.status = ActionStatus.OVERDUE
        changed += 1
    no_longer = list(session.scalars(
        select(Action).options(selectinload(Action.updates))
        .where(Action.deleted_at.is_(None), Action.status == ActionStatus.OVERDUE,
               or_(Action.due_date.is_(None), Action.due_date >= today))))
    for action in no_longer:
        back = underlying_status(action)
        session.add(ActionUpdate(action_id=action.id, author=SYSTEM_AUTHOR,
                                 old_status=ActionStatus.OVERDUE, new_status=back,
                                 note="The due date has moved and is no longer passed."))
        action.status = back
        changed += 1
    return changed


def mark_overdue(db: Database, today: dt.date) -> int:
    """Store Overdue on live actions past their due date, and undo it where the date moved.

    Each change adds an update by :data:`SYSTEM_AUTHOR`; returns how many changed.
    """
    with db.write() as session:
        return _mark_overdue(session, today)
