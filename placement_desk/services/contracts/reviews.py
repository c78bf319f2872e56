"""Contract reviews: recording a review as a draft, sign-off, and addenda and actions.

A review moves along :data:`NEXT_STEP`: planned → in progress
(a draft) → signed off; planned or in progress → cancelled. Starting a review for
a provider resumes its draft if it has one, else takes up its planned review,
else begins a new one, with the agenda areas (:data:`~.review_forms.AGENDA`) and the
provider's current placements and their weekly fees (from the fee ledger) filled in. A
draft is saved as often as the form likes; a save that changes nothing writes nothing.

A manager signs a review off (:func:`check_may_sign_off` refuses anyone else once
accounts are on) when it is complete (:func:`~.review_forms.check_sign_off`). Signed
off, it is read-only: the service refuses every change, and a correction is an
addendum with its own date and author. Actions raised at a review go to the shared
actions tracker at once. Who is due a review is in :mod:`.review_due`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import or_, select
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
    Setting,
    utcnow,
)
from ...models.enums import ActionPriority, ActionSource, ReviewStatus
from ..agreements.fee_ledger import day as day_number
from ..placements.live import live_on
from ..qa.actions import ActionFilter, ActionRow, _list_actions, new_action
from ..qa.schedule import add_months
from ..users.roles import Permission, check, require
from .review_forms import (
    AGENDA,
    TEXT_MAX,
    AgendaItem,
    PlacementItem,
    ReviewForm,
    agenda_json,
    apply_form,
    check_review_draft,
    check_sign_off,
    form_of,
    placements_json,
)
from .terms import review_interval_months

NEXT_STEP: dict[ReviewStatus, frozenset[ReviewStatus]] = {
    ReviewStatus.PLANNED: frozenset({ReviewStatus.DRAFT, ReviewStatus.CANCELLED}),
    ReviewStatus.DRAFT: frozenset({ReviewStatus.SIGNED_OFF, ReviewStatus.CANCELLED}),
    ReviewStatus.SIGNED_OFF: frozenset(),
    ReviewStatus.CANCELLED: frozenset(),
}


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
                            review.signed_off_by, form_of(review), addenda,
                            tuple(_review_actions(session, review.id, today)))


# --- Starting and saving ----------------------------------------------------------------

def _current_placements(session: Session, provider_id: uuid.UUID,
                        today: dt.date) -> list[PlacementItem]:
    """The provider's placements live today with their weekly cost today."""
    pe = PlacementEpisode
    rows = session.execute(
        select(pe.id, Child.case_ref, Setting.name, pe.placement_type, pe.start_date)
        .join(Setting, Setting.id == pe.setting_id).join(Child, Child.id == pe.child_id)
        .where(Setting.provider_id == provider_id, live_on(today), Child.deleted_at.is_(None))
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
            review.agenda = agenda_json([AgendaItem(area) for area in AGENDA])
        review.placements = placements_json(_current_placements(session, provider_id, today))
        review.next_due = add_months(today, review_interval_months(session))
        review.draft_saved_at = utcnow()
        return review.id


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
    check_review_draft(form, today)
    with db.write() as session:
        review = _review(session, review_id)
        _check_contract(session, review, form.contract_id)
        changed = apply_form(review, form)
        if changed:
            review.draft_saved_at = utcnow()
        return DraftSaved(review.id, changed, review.draft_saved_at)


# --- Signing off ----------------------------------------------------------------------------

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
            apply_form(review, form)
        check_sign_off(form_of(review), today, interval)
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
