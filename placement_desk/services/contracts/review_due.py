"""Which providers are due a contract review, and when each one's next review falls.

Every provider with a live commissioned placement (a child placed today,
by the house rule, at a setting of a provider other than the council) needs a
signed-off review at least every ``contracts.review_interval_months`` (6 by
default). Its next review is due on the earlier of the date its last signed-off
review set and that review's date plus the interval; a provider never reviewed is
due the interval after the earliest start of its children's current placements.
A review due before today is **overdue**; one due within :data:`DUE_SOON_DAYS`
days is **due soon**.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db import Database
from ...models import Child, ContractReview, PlacementEpisode, Provider, Setting
from ...models.enums import LabelledEnum, ReviewStatus
from ..placements.live import live_on
from ..qa.schedule import add_months
from .terms import review_interval_months

DUE_SOON_DAYS = 30


class DueStatus(LabelledEnum):
    OVERDUE = ("overdue", "Overdue")
    DUE_SOON = ("due_soon", "Due within 30 days")
    NOT_DUE = ("not_due", "Not due yet")


# --- The due rule -------------------------------------------------------------------------

def next_review_due(last_review: dt.date | None, last_next_due: dt.date | None,
                    first_live_start: dt.date | None, interval: int) -> dt.date | None:
    """When a provider's next review is due (the rule in the module's docstring)."""
    if last_review is not None:
        due = add_months(last_review, interval)
        return min(due, last_next_due) if last_next_due is not None else due
    if first_live_start is not None:
        return add_months(first_live_start, interval)
    return None


def due_status(due: dt.date, today: dt.date) -> DueStatus:
    if due < today:
        return DueStatus.OVERDUE
    if due <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return DueStatus.DUE_SOON
    return DueStatus.NOT_DUE


def _live_commissioned(session: Session, today: dt.date,
                       provider_id: uuid.UUID | None = None
                       ) -> dict[uuid.UUID, tuple[set[uuid.UUID], dt.date]]:
    """Provider → (children placed today, earliest start of their placements)."""
    pe = PlacementEpisode
    query = (select(Setting.provider_id, pe.child_id, pe.start_date)
             .join(Setting, Setting.id == pe.setting_id)
             .join(Provider, Provider.id == Setting.provider_id)
             .join(Child, Child.id == pe.child_id)
             .where(live_on(today), Provider.is_council.is_(False), Provider.deleted_at.is_(None),
                    Child.deleted_at.is_(None)))
    if provider_id is not None:
        query = query.where(Setting.provider_id == provider_id)
    found: dict[uuid.UUID, tuple[set[uuid.UUID], dt.date]] = {}
    for pid, child, start in session.execute(query):
        if pid is None:
            continue
        children, first = found.get(pid, (set(), start))
        children.add(child)
        found[pid] = (children, min(first, start))
    return found


def _last_signed_off(session: Session, provider_ids: Iterable[uuid.UUID] | None = None
                     ) -> dict[uuid.UUID, tuple[dt.date, dt.date | None]]:
    """Provider → (date of its latest signed-off review, the next review date it set)."""
    query = (select(ContractReview.provider_id, ContractReview.review_date,
                    ContractReview.next_due)
             .where(ContractReview.status == ReviewStatus.SIGNED_OFF,
                    ContractReview.deleted_at.is_(None))
             .order_by(ContractReview.review_date))
    if provider_ids is not None:
        query = query.where(ContractReview.provider_id.in_(list(provider_ids)))
    return {pid: (day, next_due) for pid, day, next_due in session.execute(query)}


@dataclass(frozen=True, slots=True)
class ReviewDates:
    last: dt.date | None
    next_due: dt.date | None


def review_dates(session: Session, provider_ids: Iterable[uuid.UUID],
                 today: dt.date) -> dict[uuid.UUID, ReviewDates]:
    """Each provider's last signed-off review and when the next is due."""
    ids = list(provider_ids)
    interval = review_interval_months(session)
    last = _last_signed_off(session, ids)
    live = _live_commissioned(session, today) if ids else {}
    found = {}
    for pid in ids:
        day, set_due = last.get(pid, (None, None))
        first = live[pid][1] if pid in live else None
        found[pid] = ReviewDates(day, next_review_due(day, set_due, first, interval))
    return found


@dataclass(frozen=True, slots=True)
class DueRow:
    provider_id: uuid.UUID
    provider_name: str
    children: int
    last_review: dt.date | None
    due: dt.date
    status: DueStatus
    draft_id: uuid.UUID | None
    """A review in progress, to resume."""
    planned_date: dt.date | None


def reviews_due(db: Database, today: dt.date) -> list[DueRow]:
    """Every provider with a live commissioned placement, soonest due first."""
    with db.read() as session:
        interval = review_interval_months(session)
        live = _live_commissioned(session, today)
        last = _last_signed_off(session, list(live))
        names = dict(session.execute(select(Provider.id, Provider.name)
                                     .where(Provider.id.in_(list(live)))).all())
        drafts: dict[uuid.UUID, uuid.UUID] = {}
        planned: dict[uuid.UUID, dt.date] = {}
        for rid, pid, status, day in session.execute(
                select(ContractReview.id, ContractReview.provider_id, ContractReview.status,
                       ContractReview.review_date)
                .where(ContractReview.deleted_at.is_(None),
                       ContractReview.status.in_((ReviewStatus.DRAFT, ReviewStatus.PLANNED)))
                .order_by(ContractReview.review_date)):
            if status == ReviewStatus.DRAFT:
                drafts.setdefault(pid, rid)
            else:
                planned.setdefault(pid, day)
        rows = []
        for pid, (children, first) in live.items():
            last_day, set_due = last.get(pid, (None, None))
            due = next_review_due(last_day, set_due, first, interval)
            assert due is not None  # a live placement always gives a date
            rows.append(DueRow(pid, names.get(pid, ""), len(children), last_day, due,
                               due_status(due, today), drafts.get(pid), planned.get(pid)))
        return sorted(rows, key=lambda r: (r.due, r.provider_name.casefold()))
