"""The QA visit schedule: when each setting in use is next due a visit, and who visits.

A setting's next visit is due a number of months after its last completed visit,
by risk level (``qa.cycle_months``: High every 3 months, Medium every 6, Low every
12 by default). A setting never visited is due now. A rating alert raised since
the last visit brings the date forward to the alert's deadline, and an earlier
date an alert already stored on the setting is kept.
:func:`recompute_schedule` stores the result in ``Setting.next_qa_due``; the lists
read that stored date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from ...db import Database
from ...errors import ValidationError
from ...models import QaVisit, RatingAlert, Setting, User
from ...models.enums import QaVisitStatus, QaVisitType, RiskLevel, SettingType, UserRole
from ..common.dates import add_working_days
from ..common.settings_store import DEFAULT_CYCLE_MONTHS, QA_CYCLE_MONTHS, get_setting
from ..register.alerts import settings_in_use, visit_deadline_days
from ..register.risk import assess_settings
from ..users.roles import Permission, require


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), clamped to the end of a short month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def cycle_months(session: Session) -> dict[RiskLevel, int]:
    """Months between visits for each risk level, from the shared settings."""
    stored: Mapping[str, Any] = get_setting(session, QA_CYCLE_MONTHS) or {}
    merged = {**DEFAULT_CYCLE_MONTHS, **stored}
    return {level: int(merged[level.value]) for level in RiskLevel}


def next_due(level: RiskLevel, last_visit: dt.date | None, today: dt.date,
             cycle: Mapping[RiskLevel, int], alert_deadlines: Iterable[dt.date] = (),
             current: dt.date | None = None) -> dt.date:
    """The date a setting is next due a visit. Pure: the rule without the database.

    ``alert_deadlines`` are the deadlines of rating alerts raised since the last
    visit; while there are any, ``current`` (the date stored on the setting) is
    kept when it is earlier. A setting never visited is due today, or on the
    earlier date it was already due.
    """
    if last_visit is None:
        due = today if current is None else min(current, today)
    else:
        due = add_months(last_visit, cycle[level])
    deadlines = list(alert_deadlines)
    if deadlines:
        due = min(due, *deadlines)
        if current is not None:
            due = min(due, current)
    return due


def update_schedule(db: Database, today: dt.date) -> int:
    """Store each setting in use's next due date as of ``today`` (after a visit, a new
    cycle or a day passing); returns how many changed."""
    with db.write() as session:
        return recompute_schedule(session, today)


def recompute_schedule(session: Session, today: dt.date,
                       setting_ids: Iterable[uuid.UUID] | None = None) -> int:
    """Store the next due date of each setting in use (or of ``setting_ids``).

    Returns how many settings' dates changed. A setting with no stored risk
    level is assessed on the spot (without storing the level).
    """
    ids = list(settings_in_use(session, today) if setting_ids is None else setting_ids)
    if not ids:
        return 0
    settings = list(session.scalars(
        select(Setting).where(Setting.id.in_(ids), Setting.deleted_at.is_(None))))
    last_visits = _last_visits(session, ids)
    deadlines: dict[uuid.UUID, list[dt.date]] = {}
    for sid, raised_on, new in session.execute(
            select(RatingAlert.setting_id, RatingAlert.raised_on, RatingAlert.new_judgement)
            .where(RatingAlert.setting_id.in_(ids))):
        last = last_visits.get(sid)
        if last is None or raised_on > last:
            deadlines.setdefault(sid, []).append(
                add_working_days(raised_on, visit_deadline_days(session, new)))
    unassessed = [s.id for s in settings if s.risk_level is None]
    assessed = {sid: a.level for sid, a in assess_settings(session, unassessed, today).items()}
    cycle = cycle_months(session)
    changed = 0
    for setting in settings:
        level = setting.risk_level or assessed.get(setting.id, RiskLevel.MEDIUM)
        due = next_due(level, last_visits.get(setting.id), today, cycle,
                       deadlines.get(setting.id, ()), setting.next_qa_due)
        if setting.next_qa_due != due:
            setting.next_qa_due = due
            changed += 1
    return changed


def _last_visits(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, dt.date]:
    rows = session.execute(
        select(QaVisit.setting_id, func.max(QaVisit.visit_date))
        .where(QaVisit.setting_id.in_(ids), QaVisit.status == QaVisitStatus.COMPLETED,
               QaVisit.deleted_at.is_(None), QaVisit.visit_date.is_not(None))
        .group_by(QaVisit.setting_id))
    return {sid: day for sid, day in rows if day is not None}


# --- Lists ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """One setting in use on the schedule."""

    setting_id: uuid.UUID
    name: str
    urn: str | None
    setting_type: SettingType
    risk_level: RiskLevel | None
    last_visit: dt.date | None
    next_due: dt.date | None
    officer_id: uuid.UUID | None
    officer_name: str | None
    planned_date: dt.date | None
    """The earliest planned (or started) visit not yet completed, if any."""
    enhanced_monitoring: bool


def _schedule_rows(session: Session, today: dt.date,
                  *conditions: ColumnElement[bool]) -> list[ScheduleRow]:
    """Every setting in use today, soonest due first, filtered by ``conditions``."""
    ids = settings_in_use(session, today)
    if not ids:
        return []
    last = (select(QaVisit.setting_id, func.max(QaVisit.visit_date).label("day"))
            .where(QaVisit.status == QaVisitStatus.COMPLETED, QaVisit.deleted_at.is_(None))
            .group_by(QaVisit.setting_id).subquery())
    planned = (select(QaVisit.setting_id, func.min(QaVisit.planned_date).label("day"))
               .where(QaVisit.status.in_((QaVisitStatus.PLANNED, QaVisitStatus.DRAFT)),
                      QaVisit.deleted_at.is_(None))
               .group_by(QaVisit.setting_id).subquery())
    query = (
        select(Setting.id, Setting.name, Setting.urn, Setting.setting_type, Setting.risk_level,
               last.c.day, Setting.next_qa_due, Setting.qa_officer_id, User.display_name,
               planned.c.day, Setting.enhanced_monitoring)
        .outerjoin(last, last.c.setting_id == Setting.id)
        .outerjoin(planned, planned.c.setting_id == Setting.id)
        .outerjoin(User, User.id == Setting.qa_officer_id)
        .where(Setting.id.in_(ids), Setting.deleted_at.is_(None), *conditions)
        .order_by(Setting.next_qa_due.is_(None), Setting.next_qa_due, Setting.name))
    return [ScheduleRow(*row) for row in session.execute(query)]


def schedule_rows(db: Database, today: dt.date,
                  *conditions: ColumnElement[bool]) -> list[ScheduleRow]:
    """Every setting in use today, soonest due first, filtered by ``conditions``."""
    with db.read() as session:
        return _schedule_rows(session, today, *conditions)


UNASSIGNED = "unassigned"
"""The officer filter's value for settings with no QA officer."""


@dataclass(frozen=True)
class ScheduleFilter:
    """What the schedule list shows; empty values show every setting in use."""

    text: str = ""
    """Words that must all appear in the setting's name, URN or officer's name."""
    due: str = ""
    """"overdue" (due before today), or a number of days ahead ("30": due from today
    up to and including 30 days from today)."""
    officer: str = ""
    """An officer's id as text, or :data:`UNASSIGNED`."""

    def is_clear(self) -> bool:
        return not (self.text.strip() or self.due or self.officer)


def is_due(row: ScheduleRow, due: str, today: dt.date) -> bool:
    """Whether ``row`` falls in the ``due`` window of :class:`ScheduleFilter`."""
    if not due:
        return True
    if row.next_due is None:
        return False
    if due == "overdue":
        return row.next_due < today
    return today <= row.next_due <= today + dt.timedelta(days=int(due))


def filter_schedule(rows: Iterable[ScheduleRow], f: ScheduleFilter,
                    today: dt.date) -> list[ScheduleRow]:
    """The rows that pass the filter, in their order."""
    words = f.text.casefold().split()
    kept = []
    for row in rows:
        if not is_due(row, f.due, today):
            continue
        if f.officer == UNASSIGNED:
            if row.officer_id is not None:
                continue
        elif f.officer and str(row.officer_id) != f.officer:
            continue
        if words:
            hay = " ".join(p for p in (row.name, row.urn, row.officer_name) if p).casefold()
            if not all(w in hay for w in words):
                continue
        kept.append(row)
    return kept


def overdue(db: Database, today: dt.date,
            officer_id: uuid.UUID | None = None) -> list[ScheduleRow]:
    """Settings in use whose next visit was due before today (optionally one officer's)."""
    return filter_schedule(schedule_rows(db, today), ScheduleFilter(
        due="overdue", officer=str(officer_id) if officer_id else ""), today)


def due_within(db: Database, today: dt.date, days: int) -> list[ScheduleRow]:
    """Settings in use due from today up to and including ``days`` days from today."""
    return filter_schedule(schedule_rows(db, today), ScheduleFilter(due=str(days)), today)


def by_officer(session: Session, today: dt.date,
               officer_id: uuid.UUID | None) -> list[ScheduleRow]:
    """Settings in use assigned to ``officer_id``; ``None`` gives the unassigned ones."""
    if officer_id is None:
        return _schedule_rows(session, today, Setting.qa_officer_id.is_(None))
    return _schedule_rows(session, today, Setting.qa_officer_id == officer_id)


# --- Writes -----------------------------------------------------------------------------

def _check_officer(session: Session, officer_id: uuid.UUID, field: str) -> None:
    user = session.get(User, officer_id)
    if user is None or not user.active:
        raise ValidationError(field, "Choose an active user as the QA officer.")


def assign_officer(db: Database, setting_ids: Iterable[uuid.UUID],
                   officer_id: uuid.UUID | None) -> list[uuid.UUID]:
    """Make ``officer_id`` (or nobody) the QA officer of settings; returns those changed."""
    require(db, Permission.EDIT_QA)
    ids = list(setting_ids)
    with db.write() as session:
        if officer_id is not None:
            _check_officer(session, officer_id, "officer")
        changed: list[uuid.UUID] = []
        for setting in session.scalars(
                select(Setting).where(Setting.id.in_(ids), Setting.deleted_at.is_(None))):
            if setting.qa_officer_id != officer_id:
                setting.qa_officer_id = officer_id
                changed.append(setting.id)
        order = {sid: n for n, sid in enumerate(ids)}
        return sorted(changed, key=order.__getitem__)


def plan_visit(db: Database, setting_id: uuid.UUID,
               planned_date: dt.date | None, officer_id: uuid.UUID | None = None,
               visit_type: QaVisitType | None = None, *,
               today: dt.date | None = None) -> uuid.UUID:
    """Put a visit to a setting in the diary; returns the new visit's id."""
    require(db, Permission.EDIT_QA)
    today = today or dt.date.today()
    if planned_date is None:
        raise ValidationError("planned_date", "Enter the date the visit is planned for.")
    if planned_date < today:
        raise ValidationError("planned_date", "The planned date is in the past: record a visit "
                                              "that has happened instead.")
    with db.write() as session:
        setting = session.get(Setting, setting_id)
        if setting is None or setting.deleted_at is not None:
            raise ValidationError("setting", "This setting no longer exists.")
        if officer_id is not None:
            _check_officer(session, officer_id, "officer")
        visit = QaVisit(id=uuid.uuid4(), setting_id=setting_id, status=QaVisitStatus.PLANNED,
                        planned_date=planned_date, lead_officer_id=officer_id,
                        visit_type=visit_type)
        session.add(visit)
        return visit.id


# --- Choices for forms ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Officer:
    """Someone who can be the QA officer of a setting or lead a visit."""

    id: uuid.UUID
    name: str


def _qa_officers(session: Session) -> list[Officer]:
    """Active users with the QA officer role, by name: whom a setting or visit can go to."""
    query = (select(User.id, User.display_name)
             .where(User.active.is_(True), User.role == UserRole.QA_OFFICER)
             .order_by(func.lower(User.display_name)))
    return [Officer(uid, name) for uid, name in session.execute(query)]


def qa_officers(db: Database) -> list[Officer]:
    """Active users with the QA officer role, by name: whom a setting or visit can go to."""
    with db.read() as session:
        return _qa_officers(session)


def _next_planned_visit(session: Session, setting_id: uuid.UUID) -> uuid.UUID | None:
    """The setting's earliest planned visit not yet started, so recording can start it."""
    return session.scalar(
        select(QaVisit.id)
        .where(QaVisit.setting_id == setting_id, QaVisit.status == QaVisitStatus.PLANNED,
               QaVisit.deleted_at.is_(None))
        .order_by(QaVisit.planned_date.is_(None), QaVisit.planned_date, QaVisit.created_at)
        .limit(1))


def next_planned_visit(db: Database, setting_id: uuid.UUID) -> uuid.UUID | None:
    """The setting's earliest planned visit not yet started, so recording can start it."""
    with db.read() as session:
        return _next_planned_visit(session, setting_id)


def _last_completed_visit(session: Session, setting_id: uuid.UUID) -> uuid.UUID | None:
    """The setting's most recent completed visit: the one whose letter is reprinted."""
    return session.scalar(
        select(QaVisit.id)
        .where(QaVisit.setting_id == setting_id, QaVisit.status == QaVisitStatus.COMPLETED,
               QaVisit.deleted_at.is_(None))
        .order_by(QaVisit.visit_date.desc(), QaVisit.completed_at.desc())
        .limit(1))


def last_completed_visit(db: Database, setting_id: uuid.UUID) -> uuid.UUID | None:
    """The setting's most recent completed visit: the one whose letter is reprinted."""
    with db.read() as session:
        return _last_completed_visit(session, setting_id)
