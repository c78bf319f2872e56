"""An episode's details as its record shows them: child, setting, codes, checks, agreements.

The SSDA903 checks (:mod:`.ssda903`) are shown on each record with their rule codes;
whether the placement is within 20 miles and in the council's area comes from the
postcode lookup.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db import Database
from ...errors import ValidationError
from ...models import Agreement, PlacementEpisode, Setting
from ...models.enums import (
    CategoryOfNeed,
    CommissioningRoute,
    LegalStatus,
    PlacementType,
    PlaceProvider,
    ReasonCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
)
from ..common.formatting import date_short
from ..common.settings_store import COUNCIL_AREA, get_setting
from .distance import area_codes, in_area, postcode_key, within_20_miles


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
