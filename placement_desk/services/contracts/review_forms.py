"""What a contract review's form holds, how it is kept on a review, and the rules a draft
and a sign-off must meet.

The agenda areas (:data:`AGENDA`) and the placements discussed are kept on the review as
JSON; :func:`form_of` reads a review into plain values and :func:`apply_form` writes a
form back, touching only what differs. A review may be signed off
(:func:`check_sign_off`) when it is complete: dated, not in the future, attendees on
both sides, a Red, Amber or Green for every area, and the next review within the
interval.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from ...errors import ValidationError
from ...models import ContractReview
from ...models.enums import Rag
from ..common.formatting import date_short
from ..qa.schedule import add_months

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

TEXT_MAX = 4000


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


def agenda_json(items: list[AgendaItem]) -> list[dict[str, Any]]:
    return [{"area": " ".join(a.area.split()), "rag": a.rag.value if a.rag else None,
             "notes": _text(a.notes)} for a in items]


def placements_json(items: list[PlacementItem]) -> list[dict[str, Any]]:
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


def form_of(review: ContractReview) -> ReviewForm:
    return ReviewForm(review.review_date, review.contract_id, review.attendees,
                      review.provider_attendees, _agenda_of(review.agenda),
                      _placements_of(review.placements), review.outcome, review.next_due)


def _text(value: str | None) -> str | None:
    return value.strip() if value is not None and value.strip() else None


def apply_form(review: ContractReview, form: ReviewForm) -> bool:
    """Write the form onto the review, touching only what differs; True if anything did."""
    values: dict[str, Any] = {
        "review_date": form.review_date, "contract_id": form.contract_id,
        "attendees": _text(form.attendees), "provider_attendees": _text(form.provider_attendees),
        "agenda": agenda_json(form.agenda), "placements": placements_json(form.placements),
        "outcome": _text(form.outcome), "next_due": form.next_due}
    changed = False
    for key, value in values.items():
        if getattr(review, key) != value:
            setattr(review, key, value)
            changed = True
    return changed


# --- The rules a draft and a sign-off meet ---------------------------------------------

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

