"""Children and their placement episodes: checking, saving and loading their forms.

Children are known by the council's case reference only, and found by it
(:func:`find_children`). A form's checks are in :mod:`.form_checks`. An episode's
distance from home comes from the postcode lookup unless an officer typed it; an unknown
postcode leaves it unknown, never guessed. An episode's details, with its SSDA903
checks, are in :mod:`.episode_detail`; the Placements list and its filters in
:mod:`.listing`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...concurrency import expect_unchanged
from ...db import Database
from ...errors import ValidationError
from ...models import Child, PlacementEpisode
from ..users.roles import Permission, require
from .distance import miles_between
from .form_checks import (
    ChildForm,
    EpisodeForm,
    clean_child_form,
    clean_episode_form,
    record_fields,
)

# --- Children ------------------------------------------------------------------------------

def validate_child(db: Database, form: ChildForm, child_id: uuid.UUID | None,
                   today: dt.date) -> ChildForm:
    """The form cleaned, or a ValidationError naming the field."""
    with db.read() as session:
        return clean_child_form(session, form, child_id, today)


def save_child(db: Database, form: ChildForm, today: dt.date,
               child_id: uuid.UUID | None = None) -> uuid.UUID:
    require(db, Permission.EDIT_PLACEMENTS)
    with db.write() as session:
        clean = clean_child_form(session, form, child_id, today)
        child = session.get(Child, child_id) if child_id else Child()
        if child is None:
            raise ValidationError("case_ref", "This child has been removed by someone else.")
        if child_id is not None:
            expect_unchanged(session, child, form.row_version, "child's record",
                             apply=lambda: _copy(clean, child))
        _copy(clean, child)
        session.add(child)
        session.flush()
        return child.id


def _copy(form: ChildForm | EpisodeForm, record: Any) -> None:
    for name in record_fields(type(form)):
        setattr(record, name, getattr(form, name))


def load_child(db: Database, child_id: uuid.UUID) -> ChildForm:
    with db.read() as session:
        child = session.get(Child, child_id)
        if child is None:
            raise ValidationError("case_ref", "This child is not in the database.")
        return ChildForm(**{name: getattr(child, name) for name in record_fields(ChildForm)},
                         row_version=child.version)


@dataclass(frozen=True)
class ChildChoice:
    id: uuid.UUID
    case_ref: str
    home_postcode: str | None


def _find_children(session: Session, text: str = "", limit: int = 50) -> list[ChildChoice]:
    query = select(Child.id, Child.case_ref, Child.home_postcode).where(
        Child.deleted_at.is_(None))
    if text.strip():
        query = query.where(Child.case_ref.ilike(f"%{text.strip()}%"))
    rows = session.execute(query.order_by(Child.case_ref).limit(limit)).all()
    return [ChildChoice(cid, ref, postcode) for cid, ref, postcode in rows]


def find_children(db: Database, text: str = "", limit: int = 50) -> list[ChildChoice]:
    with db.read() as session:
        return _find_children(session, text, limit)


# --- Episodes ------------------------------------------------------------------------------

def validate_episode(db: Database, form: EpisodeForm,
                     episode_id: uuid.UUID | None = None) -> EpisodeForm:
    """The form cleaned (setting found from the URN), or a ValidationError naming the field.

    Only what makes a record unusable is refused here; the 903 rules (URN required,
    registration dates, overlaps...) are shown as errors and warnings on the saved
    record, as the return itself reports them.
    """
    with db.read() as session:
        return clean_episode_form(session, form, episode_id)


def save_episode(db: Database, form: EpisodeForm,
                 episode_id: uuid.UUID | None = None) -> uuid.UUID:
    """Add or change an episode; the distance is worked out unless typed by hand."""
    require(db, Permission.EDIT_PLACEMENTS)
    with db.write() as session:
        clean = clean_episode_form(session, form, episode_id)
        episode = session.get(PlacementEpisode, episode_id) if episode_id else None
        if episode_id is not None and episode is None:
            raise ValidationError("start_date", "This episode has been removed by someone else.")
        if episode is None:
            episode = PlacementEpisode()
        else:
            found = episode
            expect_unchanged(session, found, form.row_version, "placement",
                             apply=lambda: _copy(clean, found))
        child = session.get(Child, clean.child_id)
        home = clean.home_postcode or (child.home_postcode if child else None)
        _copy(clean, episode)
        episode.home_postcode = home
        if not clean.distance_entered:
            episode.distance_miles = miles_between(session, home, clean.placement_postcode)
        session.add(episode)
        session.flush()
        return episode.id


def load_episode(db: Database, episode_id: uuid.UUID) -> EpisodeForm:
    with db.read() as session:
        episode = session.get(PlacementEpisode, episode_id)
        if episode is None:
            raise ValidationError("start_date", "This episode is not in the database.")
        return EpisodeForm(**{name: getattr(episode, name)
                              for name in record_fields(EpisodeForm)},
                           row_version=episode.version)


def end_episode(db: Database, episode_id: uuid.UUID, end: dt.date,
                reason_ceased: str | None) -> None:
    form = load_episode(db, episode_id)
    form.end_date, form.reason_ceased = end, reason_ceased
    save_episode(db, form, episode_id)

