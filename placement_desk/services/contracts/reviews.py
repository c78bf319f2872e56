"""Contract reviews: who is due one, recording a review as a draft, sign-off, and addenda.

**Due.** Every provider with a live commissioned placement (a child placed today,
by the house rule, at a setting of a provider other than the council) needs a
signed-off review at least every ``contracts.review_interval_months`` (6 by
default). Its next review is due on the earlier of the date its last signed-off
review set and that review's date plus the interval; a provider never reviewed is
due the interval after the earliest start of its children's current placements.
A review due before today is **overdue**; one due within :data:`DUE_SOON_DAYS`
days is **due soon**.

**Recording.** A review moves along :data:`NEXT_STEP`: planned → in progress
(a draft) → signed off; planned or in progress → cancelled. Starting a review for
a provider resumes its draft if it has one, else takes up its planned review,
else begins a new one, with the agenda areas (:data:`AGENDA`) and the provider's
current placements and their weekly fees (from the fee ledger) filled in. A draft
is saved as often as the form likes; a save that changes nothing writes nothing.

**Sign-off.** A manager signs a review off (:func:`check_may_sign_off` refuses anyone
else once accounts are on) when it is complete: dated, not in the
future, attendees on both sides, a Red, Amber or Green for every area, and the
next review within the interval. Signed off, it is read-only: the service refuses
every change, and a correction is an addendum with its own date and author.
Actions raised at a review go to the shared actions tracker at once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...db import Database
from ...errors import ValidationError
from ...models import (
    Agreement,
    Child,
    Contract,
    ContractProvider,
    ContractReview,
    ContractReviewAddendum,
    FeeLedgerEntry,
    PlacementEpisode,
    Provider,
    QaVisit,
    Setting,
    utcnow,
)
from ...models.enums import (
    ActionPriority,
    ActionSource,
    ActionStatus,
    LabelledEnum,
    QaVisitStatus,
    Rag,
    ReviewStatus,
)
from ..agreements.fee_ledger import day as day_number
from ..common.formatting import date_short
from ..placements.live import live_on
from ..qa.actions import ActionFilter, ActionRow, _list_actions, new_action
from ..qa.schedule import add_months
from ..users.roles import Permission, check, require
from .terms import review_interval_months

AGENDA = (
    "Contract and compliance",
    "Performance against the contract's KPIs",
    "Business development",
    "Individual placements",
    "Feedback from social care, health, education and the young people",
    "Improvement and value for money",
    "Support and negotiations",
)
"""The agenda of every review, after Nottingham's commissioning strategy."""

DUE_SOON_DAYS = 30
TEXT_MAX = 4000

NEXT_STEP: dict[ReviewStatus, frozenset[ReviewStatus]] = {
    ReviewStatus.PLANNED: frozenset({ReviewStatus.DRAFT, ReviewStatus.CANCELLED}),
    ReviewStatus.DRAFT: frozenset({ReviewStatus.SIGNED_OFF, ReviewStatus.CANCELLED}),
    ReviewStatus.SIGNED_OFF: frozenset(),
    ReviewStatus.CANCELLED: frozenset(),
}


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


def _live(on: dt.date) -> Any:
    return live_on(on)


def _live_commissioned(session: Session, today: dt.date,
                       provider_id: uuid.UUID | None = None
                       ) -> dict[uuid.UUID, tuple[set[uuid.UUID], dt.date]]:
    """Provider → (children placed today, earliest start of their placements)."""
    pe = PlacementEpisode
    query = (select(Setting.provider_id, pe.child_id, pe.start_date)
             .join(Setting, Setting.id == pe.setting_id)
             .join(Provider, Provider.id == Setting.provider_id)
             .join(Child, Child.id == pe.child_id)
             .where(_live(today), Provider.is_council.is_(False), Provider.deleted_at.is_(None),
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


# --- Forms --------------------------------------------------------------------------------

@dataclass
class AgendaItem:
    area: str
    rag: Rag | None = None
    """None until the reviewer chooses."""
    notes: str | None = None


@dataclass
class PlacementItem:
    """A placement discussed at the review, as it stood when the review began."""

    child_ref: str
    setting: str
    placement_type: str
    start: dt.date | None
    weekly_pence: int | None
    """The weekly cost from the agreement's fee ledger; None with no agreement."""
    notes: str | None = None
    episode_id: str | None = None


@dataclass
class ReviewForm:
    """What the review form holds; plain values, no ORM objects."""

    review_date: dt.date | None = None
    contract_id: uuid.UUID | None = None
    attendees: str | None = None
    """The council's attendees."""
    provider_attendees: str | None = None
    agenda: list[AgendaItem] = field(default_factory=list)
    placements: list[PlacementItem] = field(default_factory=list)
    outcome: str | None = None
    next_due: dt.date | None = None


def _agenda_json(items: list[AgendaItem]) -> list[dict[str, Any]]:
    return [{"area": " ".join(a.area.split()), "rag": a.rag.value if a.rag else None,
             "notes": _text(a.notes)} for a in items]


def _placements_json(items: list[PlacementItem]) -> list[dict[str, Any]]:
    return [{"episode_id": p.episode_id, "child_ref": p.child_ref, "setting": p.setting,
             "placement_type": p.placement_type,
             "start": p.start.isoformat() if p.start else None,
             "weekly_pence": p.weekly_pence, "notes": _text(p.notes)} for p in items]


def _agenda_of(data: list[Any]) -> list[AgendaItem]:
    items = []
    for item in data or []:
        rag = item.get("rag") or None
        items.append(AgendaItem(str(item.get("area") or ""), Rag(rag) if rag else None,
                                item.get("notes") or None))
    return items


def _placements_of(data: list[Any]) -> list[PlacementItem]:
    items = []
    for item in data or []:
        start = item.get("start")
        items.append(PlacementItem(str(item.get("child_ref") or ""),
                                   str(item.get("setting") or ""),
                                   str(item.get("placement_type") or ""),
                                   dt.date.fromisoformat(start) if start else None,
                                   item.get("weekly_pence"), item.get("notes") or None,
                                   item.get("episode_id")))
    return items


def _form_of(review: ContractReview) -> ReviewForm:
    return ReviewForm(review.review_date, review.contract_id, review.attendees,
                      review.provider_attendees, _agenda_of(review.agenda),
                      _placements_of(review.placements), review.outcome, review.next_due)


def _text(value: str | None) -> str | None:
    return value.strip() if value is not None and value.strip() else None


# --- Records ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AddendumRow:
    id: uuid.UUID
    added_on: dt.date
    author: str
    text: str


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    id: uuid.UUID
    provider_id: uuid.UUID
    provider_name: str
    status: ReviewStatus
    draft_saved_at: dt.datetime | None
    signed_off_at: dt.datetime | None
    signed_off_by: str | None
    form: ReviewForm
    addenda: tuple[AddendumRow, ...]
    actions: tuple[ActionRow, ...]

    @property
    def read_only(self) -> bool:
        return self.status != ReviewStatus.DRAFT


def _review(session: Session, review_id: uuid.UUID, *, editable: bool = True) -> ContractReview:
    review = session.get(ContractReview, review_id)
    if review is None or review.deleted_at is not None:
        raise ValidationError("review", "This review no longer exists.")
    if editable and review.status != ReviewStatus.DRAFT:
        if review.status == ReviewStatus.SIGNED_OFF:
            raise ValidationError(
                "status", "This review has been signed off and can no longer be changed. "
                          "Add an addendum to correct or add to it.")
        raise ValidationError("status", f"This review is {review.status.label.lower()}; only "
                                        "a review in progress can be changed.")
    return review


def _review_actions(session: Session, review_id: uuid.UUID,
                    today: dt.date | None = None) -> list[ActionRow]:
    return _list_actions(session, ActionFilter(contract_review_id=review_id), today)


def load_review(db: Database, review_id: uuid.UUID,
                today: dt.date | None = None) -> ReviewRecord:
    with db.read() as session:
        review = _review(session, review_id, editable=False)
        provider = session.get(Provider, review.provider_id)
        addenda = tuple(AddendumRow(a.id, a.added_on, a.author, a.text) for a in review.addenda)
        return ReviewRecord(review.id, review.provider_id, provider.name if provider else "",
                            review.status, review.draft_saved_at, review.signed_off_at,
                            review.signed_off_by, _form_of(review), addenda,
                            tuple(_review_actions(session, review.id, today)))


# --- Starting and saving ----------------------------------------------------------------

def _current_placements(session: Session, provider_id: uuid.UUID,
                        today: dt.date) -> list[PlacementItem]:
    """The provider's placements live today with their weekly cost today."""
    pe = PlacementEpisode
    rows = session.execute(
        select(pe.id, Child.case_ref, Setting.name, pe.placement_type, pe.start_date)
        .join(Setting, Setting.id == pe.setting_id).join(Child, Child.id == pe.child_id)
        .where(Setting.provider_id == provider_id, _live(today), Child.deleted_at.is_(None))
        .order_by(Setting.name, Child.case_ref)).all()
    today_number = day_number(today)
    fees: dict[uuid.UUID, int] = defaultdict(int)
    ids = [r[0] for r in rows]
    for i in range(0, len(ids), 500):
        fl = FeeLedgerEntry
        for eid, weekly in session.execute(
                select(Agreement.episode_id, fl.weekly_pence)
                .join(fl, fl.agreement_id == Agreement.id)
                .where(Agreement.episode_id.in_(ids[i:i + 500]), Agreement.deleted_at.is_(None),
                       fl.is_one_off.is_(False), fl.first_day <= today_number,
                       or_(fl.end_day.is_(None), fl.end_day > today_number))):
            if eid is not None:
                fees[eid] += weekly
    return [PlacementItem(ref, setting, kind, start, fees.get(eid), None, str(eid))
            for eid, ref, setting, kind, start in rows]


def _sole_live_contract(session: Session, provider_id: uuid.UUID,
                        today: dt.date) -> uuid.UUID | None:
    found = list(session.scalars(
        select(Contract.id).join(ContractProvider, ContractProvider.contract_id == Contract.id)
        .where(ContractProvider.provider_id == provider_id, Contract.deleted_at.is_(None),
               Contract.start_date <= today,
               or_(Contract.end_date.is_(None), Contract.end_date >= today))
        .distinct().limit(2)))
    return found[0] if len(found) == 1 else None


def start_review(db: Database, provider_id: uuid.UUID, today: dt.date,
                 contract_id: uuid.UUID | None = None) -> uuid.UUID:
    """Resume the provider's draft, or take up its planned review, or begin a new one."""
    require(db, Permission.EDIT_CONTRACTS)
    with db.write() as session:
        provider = session.get(Provider, provider_id)
        if provider is None or provider.deleted_at is not None:
            raise ValidationError("provider", "This provider no longer exists.")
        mine = (select(ContractReview).where(ContractReview.provider_id == provider_id,
                                             ContractReview.deleted_at.is_(None))
                .order_by(ContractReview.review_date))
        draft = session.scalar(mine.where(ContractReview.status == ReviewStatus.DRAFT).limit(1))
        if draft is not None:
            return draft.id
        review = session.scalar(mine.where(ContractReview.status == ReviewStatus.PLANNED)
                                .limit(1))
        if review is None:
            review = ContractReview(id=uuid.uuid4(), provider_id=provider_id, agenda=[],
                                    placements=[], review_date=today)
            session.add(review)
        review.status = ReviewStatus.DRAFT
        review.review_date = today
        review.contract_id = (contract_id or review.contract_id
                              or _sole_live_contract(session, provider_id, today))
        if not review.agenda:
            review.agenda = _agenda_json([AgendaItem(area) for area in AGENDA])
        review.placements = _placements_json(_current_placements(session, provider_id, today))
        review.next_due = add_months(today, review_interval_months(session))
        review.draft_saved_at = utcnow()
        return review.id


def _check_draft(form: ReviewForm, today: dt.date) -> None:
    if form.review_date is None:
        raise ValidationError("review_date", "Enter the date of the review.")
    if form.review_date > today:
        raise ValidationError("review_date", "The review date is in the future: record a "
                                             "review on or after the day it took place.")
    if form.next_due is not None and form.next_due <= form.review_date:
        raise ValidationError("next_due", "The next review must be after this one.")
    for name, value in (("attendees", form.attendees),
                        ("provider_attendees", form.provider_attendees),
                        ("outcome", form.outcome)):
        if value is not None and len(value) > TEXT_MAX:
            raise ValidationError(name, f"This is too long ({TEXT_MAX:,} characters at most).")
    for i, item in enumerate(form.agenda):
        if not " ".join(item.area.split()):
            raise ValidationError(f"agenda[{i}].area", "Name the agenda area.")
        if item.notes is not None and len(item.notes) > TEXT_MAX:
            raise ValidationError(f"agenda[{i}].notes", f"The notes on {item.area} are too "
                                                        f"long ({TEXT_MAX:,} characters at most).")


def check_review_draft(form: ReviewForm, today: dt.date) -> None:
    """The rules every draft meets (a sign-off asks more: :func:`check_sign_off`); raises
    ValidationError naming the field."""
    _check_draft(form, today)


def review_interval(db: Database) -> int:
    """The months allowed between a provider's reviews (a council setting)."""
    with db.read() as session:
        return review_interval_months(session)


def _check_contract(session: Session, review: ContractReview,
                    contract_id: uuid.UUID | None) -> None:
    if contract_id is None:
        return
    member = session.scalar(select(ContractProvider.id).where(
        ContractProvider.contract_id == contract_id,
        ContractProvider.provider_id == review.provider_id).limit(1))
    if member is None:
        raise ValidationError("contract_id", "Choose one of this provider's contracts.")


def _apply(review: ContractReview, form: ReviewForm) -> bool:
    """Write the form onto the review, touching only what differs; True if anything did."""
    values: dict[str, Any] = {
        "review_date": form.review_date, "contract_id": form.contract_id,
        "attendees": _text(form.attendees), "provider_attendees": _text(form.provider_attendees),
        "agenda": _agenda_json(form.agenda), "placements": _placements_json(form.placements),
        "outcome": _text(form.outcome), "next_due": form.next_due}
    changed = False
    for key, value in values.items():
        if getattr(review, key) != value:
            setattr(review, key, value)
            changed = True
    return changed


@dataclass(frozen=True, slots=True)
class DraftSaved:
    review_id: uuid.UUID
    changed: bool
    saved_at: dt.datetime | None


def save_review_draft(db: Database, review_id: uuid.UUID, form: ReviewForm,
                      today: dt.date) -> DraftSaved:
    """Autosave: write what differs; nothing at all if nothing does. A review signed off
    (or cancelled) is refused."""
    require(db, Permission.EDIT_CONTRACTS)
    _check_draft(form, today)
    with db.write() as session:
        review = _review(session, review_id)
        _check_contract(session, review, form.contract_id)
        changed = _apply(review, form)
        if changed:
            review.draft_saved_at = utcnow()
        return DraftSaved(review.id, changed, review.draft_saved_at)


# --- Signing off ----------------------------------------------------------------------------

def check_sign_off(form: ReviewForm, today: dt.date, interval: int) -> None:
    """The rules a review must meet to be signed off; raises ValidationError naming the field."""
    _check_draft(form, today)
    assert form.review_date is not None
    if not _text(form.attendees):
        raise ValidationError("attendees", "Name who attended for the council.")
    if not _text(form.provider_attendees):
        raise ValidationError("provider_attendees", "Name who attended for the provider.")
    if not form.agenda:
        raise ValidationError("agenda", "The review has no agenda areas.")
    for i, item in enumerate(form.agenda):
        if item.rag is None:
            raise ValidationError(f"agenda[{i}].rag",
                                  f"Choose Red, Amber or Green for {item.area}.")
    if form.next_due is None:
        raise ValidationError("next_due", "Enter the date of the next review.")
    latest = add_months(form.review_date, interval)
    if form.next_due > latest:
        raise ValidationError("next_due", f"The next review must be within {interval} months "
                                          f"of this one: by {date_short(latest)}.")


def check_may_sign_off(session: Session, user: str) -> None:
    """Only a commissioning manager signs a review off (in single-user mode, whoever
    has the database open); raises PermissionRefused. Every sign-off passes through
    here, inside its unit of work."""
    del user
    check(session, Permission.SIGN_OFF_REVIEWS)


@dataclass(frozen=True, slots=True)
class SignedOff:
    review_id: uuid.UUID
    signed_off_at: dt.datetime
    signed_off_by: str
    next_due: dt.date | None


def sign_off_review(db: Database, review_id: uuid.UUID, today: dt.date,
                    form: ReviewForm | None = None) -> SignedOff:
    """Check and sign off a review (saving ``form`` first if given); it is then read-only."""
    require(db, Permission.SIGN_OFF_REVIEWS)
    with db.write() as session:
        interval = review_interval_months(session)
        if form is not None:
            check_sign_off(form, today, interval)
        review = _review(session, review_id)
        check_may_sign_off(session, db.user)
        if form is not None:
            _check_contract(session, review, form.contract_id)
            _apply(review, form)
        check_sign_off(_form_of(review), today, interval)
        review.status = ReviewStatus.SIGNED_OFF
        review.signed_off_at = utcnow()
        review.signed_off_by = db.user
        return SignedOff(review.id, review.signed_off_at, db.user, review.next_due)


def cancel_review(db: Database, review_id: uuid.UUID) -> None:
    """Cancel a planned review or one in progress; a signed-off review stays as it is."""
    require(db, Permission.EDIT_CONTRACTS)
    with db.write() as session:
        review = _review(session, review_id, editable=False)
        if ReviewStatus.CANCELLED not in NEXT_STEP[review.status]:
            raise ValidationError("status", f"This review is {review.status.label.lower()} "
                                            "and cannot be cancelled.")
        review.status = ReviewStatus.CANCELLED


def add_addendum(db: Database, review_id: uuid.UUID, text: str, on: dt.date,
                 today: dt.date) -> uuid.UUID:
    """Add a dated correction to a signed-off review, by whoever is using the database."""
    require(db, Permission.EDIT_CONTRACTS)
    body = (text or "").strip()
    if not body:
        raise ValidationError("text", "Write the correction or addition.")
    if len(body) > TEXT_MAX:
        raise ValidationError("text", f"This is too long ({TEXT_MAX:,} characters at most).")
    if on > today:
        raise ValidationError("added_on", "The addendum's date is in the future.")
    with db.write() as session:
        review = _review(session, review_id, editable=False)
        if review.status != ReviewStatus.SIGNED_OFF:
            raise ValidationError("status", "Only a signed-off review takes addenda; change "
                                            "the review itself while it is in progress.")
        if on < review.review_date:
            raise ValidationError("added_on", "The addendum's date is before the review.")
        addendum = ContractReviewAddendum(id=uuid.uuid4(), review_id=review.id, added_on=on,
                                          author=db.user, text=body)
        session.add(addendum)
        return addendum.id


def raise_review_action(db: Database, review_id: uuid.UUID, description: str,
                        owner: str | None, due_date: dt.date | None,
                        priority: ActionPriority = ActionPriority.MEDIUM) -> uuid.UUID:
    """Add an action arising from a review in progress to the tracker; returns its id."""
    require(db, Permission.EDIT_CONTRACTS)
    with db.write() as session:
        review = _review(session, review_id)
        action = new_action(session, source=ActionSource.CONTRACT_REVIEW,
                            description=description, owner=owner, due_date=due_date,
                            priority=priority, provider_id=review.provider_id,
                            contract_review_id=review.id, contract_id=review.contract_id)
        return action.id


# --- Beside the form ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SettingBrief:
    name: str
    urn: str | None
    setting_type: str
    judgement: str
    """The latest Ofsted judgement with its date, or "Not yet judged"."""
    last_visit: str
    """The last completed QA visit's date and judgement, or "No QA visit"."""
    children: int


@dataclass(frozen=True, slots=True)
class ReviewContext:
    provider_name: str
    settings: tuple[SettingBrief, ...]
    open_actions: tuple[ActionRow, ...]
    contracts: tuple[tuple[uuid.UUID, str], ...]
    """(id, "reference title") of the provider's contracts, for the form's choice."""


def review_context(db: Database, provider_id: uuid.UUID, today: dt.date) -> ReviewContext:
    """The latest Ofsted judgements, QA visits and open actions of a provider's settings."""
    with db.read() as session:
        provider = session.get(Provider, provider_id)
        name = provider.name if provider else ""
        settings = list(session.scalars(select(Setting).where(
            Setting.provider_id == provider_id, Setting.deleted_at.is_(None))
            .order_by(Setting.name)))
        ids = [s.id for s in settings]
        placed = dict(session.execute(
            select(PlacementEpisode.setting_id, func.count(PlacementEpisode.child_id.distinct()))
            .where(PlacementEpisode.setting_id.in_(ids), _live(today))
            .group_by(PlacementEpisode.setting_id)).all())
        visits: dict[uuid.UUID, QaVisit] = {}
        for visit in session.scalars(select(QaVisit).where(
                QaVisit.setting_id.in_(ids), QaVisit.status == QaVisitStatus.COMPLETED,
                QaVisit.deleted_at.is_(None)).order_by(QaVisit.visit_date)):
            visits[visit.setting_id] = visit
        briefs = []
        for s in settings:
            judged = (f"{s.latest_judgement.label} ({date_short(s.latest_inspection_date)})"
                      if s.latest_judgement else "Not yet judged")
            v = visits.get(s.id)
            last = (f"{date_short(v.visit_date)}: "
                    f"{v.overall_judgement.label if v.overall_judgement else 'not judged'}"
                    if v is not None else "No QA visit")
            briefs.append(SettingBrief(s.name, s.urn, s.setting_type.label, judged, last,
                                       int(placed.get(s.id, 0))))
        live = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.OVERDUE})
        actions = _list_actions(session, ActionFilter(provider_id=provider_id, statuses=live),
                                today)
        contracts = tuple(
            (cid, f"{ref} {title}") for cid, ref, title in session.execute(
                select(Contract.id, Contract.reference, Contract.title)
                .join(ContractProvider, ContractProvider.contract_id == Contract.id)
                .where(ContractProvider.provider_id == provider_id,
                       Contract.deleted_at.is_(None))
                .distinct().order_by(Contract.reference)))
        return ReviewContext(name, tuple(briefs), tuple(actions), contracts)


# --- Lists and export ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ReviewRow:
    id: uuid.UUID
    provider_id: uuid.UUID
    provider_name: str
    contract_id: uuid.UUID | None
    contract_reference: str | None
    review_date: dt.date
    status: ReviewStatus
    next_due: dt.date | None
    signed_off_by: str | None
    signed_off_at: dt.datetime | None
    rag: str
    """"1 Red, 2 Amber, 4 Green"; blank with no ratings."""
    addenda: int


def rag_summary(agenda: list[Any]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for item in agenda or []:
        if item.get("rag"):
            counts[item["rag"]] += 1
    return ", ".join(f"{counts[r.value]} {r.label}" for r in Rag if counts[r.value])


def _list_reviews(session: Session, provider_ids: Iterable[uuid.UUID] | None = None,
                  contract_id: uuid.UUID | None = None,
                  statuses: Iterable[ReviewStatus] | None = None) -> list[ReviewRow]:
    addenda = (select(func.count(ContractReviewAddendum.id))
               .where(ContractReviewAddendum.review_id == ContractReview.id)
               .correlate(ContractReview).scalar_subquery())
    query = (select(ContractReview, Provider.name, Contract.reference, addenda)
             .join(Provider, Provider.id == ContractReview.provider_id)
             .outerjoin(Contract, Contract.id == ContractReview.contract_id)
             .where(ContractReview.deleted_at.is_(None))
             .order_by(ContractReview.review_date.desc(), Provider.name))
    if provider_ids is not None:
        query = query.where(ContractReview.provider_id.in_(list(provider_ids)))
    if contract_id is not None:
        query = query.where(ContractReview.contract_id == contract_id)
    if statuses is not None:
        query = query.where(ContractReview.status.in_(list(statuses)))
    return [ReviewRow(r.id, r.provider_id, name, r.contract_id, ref, r.review_date, r.status,
                      r.next_due, r.signed_off_by, r.signed_off_at, rag_summary(r.agenda),
                      int(n or 0))
            for r, name, ref, n in session.execute(query)]


def list_reviews(db: Database, provider_id: uuid.UUID | None = None,
                 contract_id: uuid.UUID | None = None,
                 statuses: Iterable[ReviewStatus] | None = None) -> list[ReviewRow]:
    """Reviews not deleted, newest first, optionally of one provider or contract."""
    with db.read() as session:
        return _list_reviews(session, [provider_id] if provider_id else None, contract_id,
                             statuses)


REVIEW_EXPORT = ("Provider", "Contract", "Review date", "Status", "Ratings", "Next review",
                 "Signed off by", "Signed off on", "Addenda")


def review_export_table(rows: list[ReviewRow]) -> tuple[list[str], list[list[object]]]:
    """Headings and cells for a spreadsheet of reviews."""
    return list(REVIEW_EXPORT), [
        [r.provider_name, r.contract_reference or "", r.review_date, r.status.label, r.rag,
         r.next_due, r.signed_off_by or "", r.signed_off_at.date() if r.signed_off_at else None,
         r.addenda] for r in rows]
