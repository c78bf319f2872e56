"""Children and their placement episodes: the forms, their checks, and an episode's details.

Children are known by the council's case reference only. An episode's distance
from home comes from the postcode lookup unless an officer typed it; an unknown
postcode leaves it unknown, never guessed. The SSDA903 checks (:mod:`.ssda903`) are
shown on each record with their rule codes. The Placements list and its filters are in
:mod:`.listing`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...concurrency import expect_unchanged
from ...db import Database
from ...errors import ValidationError
from ...identifiers import is_postcode, normalise_postcode
from ...models import Agreement, AgreementVersion, Child, PlacementEpisode, Setting
from ...models.enums import (
    CategoryOfNeed,
    CommissioningRoute,
    Ethnicity,
    LegalStatus,
    PlacementType,
    PlaceProvider,
    ReasonCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
    Sex,
)
from ..common.formatting import date_short
from ..common.limits import check_length
from ..common.settings_store import COUNCIL_AREA, get_setting
from ..users.roles import Permission, require
from .distance import area_codes, in_area, miles_between, postcode_key, within_20_miles
from .ssda903.register import clean_urn

CASE_REF_RE = re.compile(r"^[A-Za-z0-9/_.-]{1,40}$")


def clean_postcode(value: str | None, field_name: str) -> str | None:
    """A UK postcode in its usual form ("SM1 1AA"), None if blank; else ValidationError."""
    if not _text(value):
        return None
    clean = normalise_postcode(value)
    if clean is None or not is_postcode(clean):
        raise ValidationError(field_name, f"{value} is not a UK postcode.")
    return clean


# --- Children ------------------------------------------------------------------------------

@dataclass
class ChildForm:
    case_ref: str = ""
    date_of_birth: dt.date | None = None
    sex: Sex | None = None
    ethnicity: str | None = None
    uasc: bool = False
    disability: bool = False
    legal_status: str | None = None
    home_postcode: str | None = None
    needs_level: int | None = None
    personal_adviser: str | None = None
    notes: str | None = None
    row_version: int | None = field(default=None, compare=False)
    """The record's change counter when the form read it: a save is refused if someone
    else saved the child since (None: a new child, or a caller that does not say)."""


def _record_fields(form_class: type) -> tuple[str, ...]:
    """A form's fields that are the record's columns (not its change counter)."""
    return tuple(f.name for f in fields(form_class) if f.name != "row_version")


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


@functools.cache
def _codes(enum: Any) -> frozenset[str]:
    return frozenset(m.value for m in enum)


def _check_code(enum: Any, value: str | None, field_name: str, what: str) -> None:
    if value and value not in _codes(enum):
        raise ValidationError(field_name, f"{value} is not a {what} code.")


class Lookups:
    """Where the checks below find the records a form refers to: by default a query in
    the session each time; an import of thousands of rows passes one that has read them
    in bulk (and knows the records it is adding), so that the same checks run on every
    row without a query each."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def child_with_ref(self, ref: str) -> uuid.UUID | None:
        """The child with this case reference (any case), deleted or not."""
        return self.session.scalar(select(Child.id).where(
            func.lower(Child.case_ref) == ref.lower()))

    def child_exists(self, child_id: uuid.UUID) -> bool:
        return self.session.get(Child, child_id) is not None

    def setting_with_urn(self, urn: str) -> uuid.UUID | None:
        """The setting (not deleted) with this URN."""
        return self.session.scalar(select(Setting.id).where(Setting.urn == urn,
                                                            Setting.deleted_at.is_(None)))

    def setting_postcode(self, setting_id: uuid.UUID) -> tuple[bool, str | None]:
        """Whether the setting exists, and its postcode."""
        setting = self.session.get(Setting, setting_id)
        return setting is not None, setting.postcode if setting is not None else None


def _validate_child(session: Session, form: ChildForm, child_id: uuid.UUID | None,
                   today: dt.date, lookups: Lookups | None = None) -> ChildForm:
    """The form cleaned, or a ValidationError naming the field."""
    lookups = lookups or Lookups(session)
    ref = form.case_ref.strip()
    if not ref:
        raise ValidationError("case_ref", "Enter the child's case reference.")
    if not CASE_REF_RE.match(ref):
        raise ValidationError("case_ref", "A case reference is up to 40 letters, digits and "
                                          "/ _ . - (no names or spaces).")
    clash = lookups.child_with_ref(ref)
    if clash is not None and clash != child_id:
        raise ValidationError("case_ref", f"Another child already has the reference {ref}.")
    if form.date_of_birth is not None:
        if form.date_of_birth > today:
            raise ValidationError("date_of_birth", "The date of birth is in the future.")
        if form.date_of_birth < dt.date(today.year - 30, 1, 1):
            raise ValidationError("date_of_birth",
                                  "The date of birth makes this person over 30; check it.")
    _check_code(Ethnicity, form.ethnicity, "ethnicity", "903 ethnicity")
    _check_code(LegalStatus, form.legal_status, "legal_status", "903 legal status")
    if form.needs_level is not None and not 1 <= form.needs_level <= 5:
        raise ValidationError("needs_level", "The needs level is from 1 (high) to 5.")
    check_length("personal_adviser", "The personal adviser's name", form.personal_adviser,
                 Child.personal_adviser)
    postcode = clean_postcode(form.home_postcode, "home_postcode")
    return ChildForm(ref, form.date_of_birth, form.sex, _text(form.ethnicity), form.uasc,
                     form.disability, _text(form.legal_status), postcode, form.needs_level,
                     _text(form.personal_adviser), _text(form.notes))


def validate_child(db: Database, form: ChildForm, child_id: uuid.UUID | None,
                   today: dt.date) -> ChildForm:
    """The form cleaned, or a ValidationError naming the field."""
    with db.read() as session:
        return _validate_child(session, form, child_id, today)


def save_child(db: Database, form: ChildForm, today: dt.date,
               child_id: uuid.UUID | None = None) -> uuid.UUID:
    require(db, Permission.EDIT_PLACEMENTS)
    with db.write() as session:
        clean = _validate_child(session, form, child_id, today)
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
    for name in _record_fields(type(form)):
        setattr(record, name, getattr(form, name))


def load_child(db: Database, child_id: uuid.UUID) -> ChildForm:
    with db.read() as session:
        child = session.get(Child, child_id)
        if child is None:
            raise ValidationError("case_ref", "This child is not in the database.")
        return ChildForm(**{name: getattr(child, name) for name in _record_fields(ChildForm)},
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

@dataclass
class EpisodeForm:
    child_id: uuid.UUID | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    placement_type: str = ""
    reason_new_episode: str | None = None
    legal_status: str | None = None
    category_of_need: str | None = None
    place_provider: str | None = None
    reason_ceased: str | None = None
    reason_place_change: str | None = None
    home_postcode: str | None = None
    placement_postcode: str | None = None
    urn: str | None = None
    setting_id: uuid.UUID | None = None
    distance_miles: float | None = None
    distance_entered: bool = False
    commissioning_route: CommissioningRoute | None = None
    route_reason: str | None = None
    notes: str | None = None
    row_version: int | None = field(default=None, compare=False)
    """As :attr:`ChildForm.row_version`, for the episode."""


def _validate_episode(session: Session, form: EpisodeForm,
                     episode_id: uuid.UUID | None = None,
                     lookups: Lookups | None = None) -> EpisodeForm:
    """The form cleaned (setting found from the URN), or a ValidationError naming the field.

    Only what makes a record unusable is refused here; the 903 rules (URN required,
    registration dates, overlaps...) are shown as errors and warnings on the saved
    record, as the return itself reports them.
    """
    lookups = lookups or Lookups(session)
    if form.child_id is None or not lookups.child_exists(form.child_id):
        raise ValidationError("child_id", "Choose the child.")
    if form.start_date is None:
        raise ValidationError("start_date", "Enter the date the placement started.")
    if form.end_date is not None and form.end_date <= form.start_date:
        raise ValidationError("end_date", "The placement must end after it starts.")
    if form.placement_type not in _codes(PlacementType):
        raise ValidationError("placement_type", "Choose the placement type.")
    for enum, value, name, what in (
            (ReasonNewEpisode, form.reason_new_episode, "reason_new_episode", "RNE"),
            (LegalStatus, form.legal_status, "legal_status", "legal status"),
            (CategoryOfNeed, form.category_of_need, "category_of_need", "category of need"),
            (PlaceProvider, form.place_provider, "place_provider", "PLACE_PROVIDER"),
            (ReasonCeased, form.reason_ceased, "reason_ceased", "reason ceased"),
            (ReasonPlaceChange, form.reason_place_change, "reason_place_change",
             "reason for placement change")):
        if value:
            _check_code(enum, value, name, what)
    if form.reason_ceased and form.end_date is None:
        raise ValidationError("end_date", "An episode with a reason ceased needs an end date.")
    if form.commissioning_route == CommissioningRoute.SPOT and not _text(form.route_reason):
        raise ValidationError("route_reason", "Say why the in-house, block, framework and "
                                              "regional routes could not serve this child.")
    if form.distance_entered and (form.distance_miles is None or form.distance_miles < 0
                                  or form.distance_miles > 1000):
        raise ValidationError("distance_miles", "Enter the distance in miles (0 to 1,000).")
    check_length("urn", "The URN", form.urn, PlacementEpisode.urn)
    urn = clean_urn(form.urn)
    setting_id = form.setting_id
    if urn:
        # The URN decides the setting; one not in the register is kept, with the
        # 903 check's warning on the record.
        setting_id = lookups.setting_with_urn(urn)
    elif setting_id is not None:
        chosen = session.get(Setting, setting_id)
        if chosen is None:
            raise ValidationError("setting_id", "That setting is no longer in the register.")
        urn = chosen.urn
    placement_postcode = clean_postcode(form.placement_postcode, "placement_postcode") \
        if form.placement_postcode else None
    if placement_postcode is None and setting_id is not None:
        placement_postcode = lookups.setting_postcode(setting_id)[1]
    return EpisodeForm(
        form.child_id, form.start_date, form.end_date, form.placement_type,
        _text(form.reason_new_episode), _text(form.legal_status), _text(form.category_of_need),
        _text(form.place_provider), _text(form.reason_ceased), _text(form.reason_place_change),
        clean_postcode(form.home_postcode, "home_postcode") if form.home_postcode else None,
        placement_postcode, urn, setting_id,
        form.distance_miles if form.distance_entered else None, form.distance_entered,
        form.commissioning_route,
        _text(form.route_reason) if form.commissioning_route == CommissioningRoute.SPOT
        else None, _text(form.notes))


def validate_episode(db: Database, form: EpisodeForm,
                     episode_id: uuid.UUID | None = None) -> EpisodeForm:
    """The form cleaned (setting found from the URN), or a ValidationError naming the field.

    Only what makes a record unusable is refused here; the 903 rules (URN required,
    registration dates, overlaps...) are shown as errors and warnings on the saved
    record, as the return itself reports them.
    """
    with db.read() as session:
        return _validate_episode(session, form, episode_id)


def save_episode(db: Database, form: EpisodeForm,
                 episode_id: uuid.UUID | None = None) -> uuid.UUID:
    """Add or change an episode; the distance is worked out unless typed by hand."""
    require(db, Permission.EDIT_PLACEMENTS)
    with db.write() as session:
        clean = _validate_episode(session, form, episode_id)
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
                              for name in _record_fields(EpisodeForm)},
                           row_version=episode.version)


def end_episode(db: Database, episode_id: uuid.UUID, end: dt.date,
                reason_ceased: str | None) -> None:
    form = load_episode(db, episode_id)
    form.end_date, form.reason_ceased = end, reason_ceased
    save_episode(db, form, episode_id)


@dataclass(frozen=True)
class IssueLine:
    """One SSDA903 problem of an episode: the rule's code, level, columns and message."""

    code: str
    level: str
    columns: str
    message: str


@dataclass(frozen=True)
class EpisodeDetail:
    id: uuid.UUID
    child_id: uuid.UUID
    child_ref: str
    child_age: int | None
    uasc: bool
    needs_level: int | None
    personal_adviser: str | None
    start_date: dt.date
    end_date: dt.date | None
    placement_type: str
    type_label: str
    setting_id: uuid.UUID | None
    setting_name: str | None
    urn: str | None
    route: CommissioningRoute | None
    route_reason: str | None
    home_postcode: str | None
    placement_postcode: str | None
    distance_miles: float | None
    distance_entered: bool
    within_20: bool | None
    in_area: bool | None
    codes: list[tuple[str, str]]
    issues: list[IssueLine]
    other_episodes: list[tuple[uuid.UUID, str]]
    agreements: list[tuple[uuid.UUID, str, str]] = field(default_factory=list)
    """(id, reference, status of its latest version)."""


def age_on(born: dt.date | None, day: dt.date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _label(enum: Any, value: str | None) -> str:
    if not value:
        return ""
    try:
        return f"{value} – {enum(value).label}"
    except ValueError:
        return value


def in_council_area(session: Session, postcode: str | None) -> bool | None:
    """True or False from the lookup's district and county codes, None when unknown."""
    code = str(get_setting(session, COUNCIL_AREA) or "")
    key = postcode_key(postcode)
    if not code or key is None:
        return None
    return in_area(code, area_codes(session, [key]).get(key))


def episode_detail(db: Database, episode_id: uuid.UUID,
                   today: dt.date) -> EpisodeDetail:
    with db.read() as session:
        ep = session.get(PlacementEpisode, episode_id)
        if ep is None or ep.deleted_at is not None:
            raise ValidationError("start_date", "This episode is not in the database.")
        child = ep.child
        setting = session.get(Setting, ep.setting_id) if ep.setting_id else None
        from .ssda903.stored import check_stored  # pandas loads only when it is needed

        issues = check_stored(session, today, child_id=child.id, episode_id=ep.id).get(ep.id,
                                                                                     [])
        others = [(e.id, f"{date_short(e.start_date)} – {date_short(e.end_date) or 'now'}: "
                         f"{e.placement_type}")
                  for e in child.episodes if e.id != ep.id and e.deleted_at is None]
        agreements = []
        for agreement in session.scalars(select(Agreement).where(
                Agreement.episode_id == ep.id, Agreement.deleted_at.is_(None))):
            latest = max(agreement.versions, key=lambda v: v.version_no, default=None)
            agreements.append((agreement.id, agreement.reference,
                               latest.status.label if latest else ""))
        codes = [("RNE", _label(ReasonNewEpisode, ep.reason_new_episode)),
                 ("LS", _label(LegalStatus, ep.legal_status)),
                 ("CIN", _label(CategoryOfNeed, ep.category_of_need)),
                 ("PLACE_PROVIDER", _label(PlaceProvider, ep.place_provider)),
                 ("REC", _label(ReasonCeased, ep.reason_ceased)),
                 ("REASON_PLACE_CHANGE", _label(ReasonPlaceChange, ep.reason_place_change))]
        return EpisodeDetail(
            ep.id, child.id, child.case_ref, age_on(child.date_of_birth, today), child.uasc,
            child.needs_level, child.personal_adviser, ep.start_date, ep.end_date,
            ep.placement_type, _label(PlacementType, ep.placement_type),
            ep.setting_id, setting.name if setting else None, ep.urn or (
                setting.urn if setting else None), ep.commissioning_route, ep.route_reason,
            ep.home_postcode, ep.placement_postcode, ep.distance_miles, ep.distance_entered,
            within_20_miles(ep.distance_miles), in_council_area(session, ep.placement_postcode),
            [(k, v) for k, v in codes if v],
            [IssueLine(i.code, i.level, ", ".join(i.columns), i.message) for i in issues],
            others, agreements)



def agreement_status_of(session: Session, agreement_ids: Iterable[uuid.UUID]) -> dict[
        uuid.UUID, str]:
    rows = session.execute(select(AgreementVersion.agreement_id, AgreementVersion.version_no,
                                  AgreementVersion.status)
                           .where(AgreementVersion.agreement_id.in_(list(agreement_ids)))).all()
    latest: dict[uuid.UUID, tuple[int, str]] = {}
    for aid, no, status in rows:
        if aid not in latest or no > latest[aid][0]:
            latest[aid] = (no, status.label)
    return {aid: label for aid, (_no, label) in latest.items()}
