"""The register of settings: one plain row per setting, for lists and exports, and its filter.

One query builds every row (setting, its provider, whether the council has a
child placed there today), so the Providers page and ``export settings`` show
the same thing. The latest judgement is the overall effectiveness judgement of the
latest full inspection; a setting with none shows the judgement of its latest
other inspection (a monitoring inspection, say), and the text always says which
kind of inspection gave it (:func:`latest_judgement_text`). :func:`filter_settings`
is the Providers list's search and filters: a substring test on pre-built
lower-case text and a few comparisons, quick enough to run on every keystroke.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ...db import Database
from ...models import OfstedInspection, PlacementEpisode, Provider, Setting
from ...models.enums import (
    InspectionEventType,
    Judgement,
    RegistrationStatus,
    RiskLevel,
    Sector,
    SettingType,
)
from ..placements.live import live_on


@dataclass(frozen=True, slots=True)
class SettingRow:
    id: uuid.UUID
    urn: str | None
    name: str
    setting_type: SettingType
    sector: Sector | None
    registration_status: RegistrationStatus
    provider_name: str | None
    owner_name: str | None
    local_authority: str | None
    region: str | None
    postcode: str | None
    places: int | None
    latest_judgement: Judgement | None
    latest_inspection_date: dt.date | None
    risk_level: RiskLevel | None
    enhanced_monitoring: bool
    in_use: bool
    next_qa_due: dt.date | None
    other_judgement: OtherJudgement | None = None
    """Only for a setting with no judged full inspection: its latest other judgement."""


@dataclass(frozen=True, slots=True)
class OtherJudgement:
    """A judgement an inspection other than a full one gave (never overall effectiveness)."""

    judgement: Judgement
    event_type: InspectionEventType
    date: dt.date


def latest_judgement_text(judgement: Judgement | None,
                          other: OtherJudgement | None = None) -> str:
    """'Good (full inspection)'; for a setting never judged at a full inspection, its
    latest other judgement, 'Good (monitoring inspection)'; '' when there is neither."""
    if judgement is not None:
        return f"{judgement.label} ({InspectionEventType.FULL.label.lower()})"
    if other is not None:
        return f"{other.judgement.label} ({other.event_type.label.lower()})"
    return ""


def other_judgements(session: Session,
                     setting_ids: list[uuid.UUID] | None = None) -> dict[uuid.UUID, OtherJudgement]:
    """Each setting's latest judgement from an inspection other than a full one."""
    query = (select(OfstedInspection.setting_id, OfstedInspection.overall_judgement,
                    OfstedInspection.event_type, OfstedInspection.inspection_date)
             .where(OfstedInspection.event_type != InspectionEventType.FULL,
                    OfstedInspection.overall_judgement.is_not(None))
             .order_by(OfstedInspection.inspection_date))
    if setting_ids is not None:
        query = query.where(OfstedInspection.setting_id.in_(setting_ids))
    return {sid: OtherJudgement(judgement, kind, day)
            for sid, judgement, kind, day in session.execute(query) if judgement is not None}


def _list_settings(session: Session, today: dt.date | None = None) -> list[SettingRow]:
    """Every setting not deleted, with its provider and whether it is in use today."""
    today = today or dt.date.today()
    live = exists().where(
        PlacementEpisode.setting_id == Setting.id, live_on(today))
    query = (
        select(Setting.id, Setting.urn, Setting.name, Setting.setting_type, Setting.sector,
               Setting.registration_status, Provider.name, Setting.owner_name,
               Setting.local_authority, Setting.region, Setting.postcode, Setting.places,
               Setting.latest_judgement, Setting.latest_inspection_date, Setting.risk_level,
               Setting.enhanced_monitoring, live.label("in_use"), Setting.next_qa_due)
        .outerjoin(Provider, Provider.id == Setting.provider_id)
        .where(Setting.deleted_at.is_(None))
        .order_by(Setting.name)
    )
    rows = [SettingRow(*row) for row in session.execute(query)]  # type: ignore[call-arg]
    others = other_judgements(session)
    return [dataclasses.replace(row, other_judgement=others[row.id])
            if row.latest_judgement is None and row.id in others else row for row in rows]


def list_settings(db: Database, today: dt.date | None = None) -> list[SettingRow]:
    """Every setting not deleted, with its provider and whether it is in use today."""
    with db.read() as session:
        return _list_settings(session, today)


@dataclass(frozen=True)
class SettingFilter:
    """What the Providers list shows; empty values show everything."""

    text: str = ""
    """Words that must all appear in the name, URN, postcode, provider or owner."""
    setting_type: str = ""
    sector: str = ""
    status: str = ""
    judgement: str = ""
    """A judgement's value, or "none" for settings not yet judged."""
    local_authority: str = ""
    in_use: str = ""
    """"", "yes" or "no"."""
    risk: str = ""
    enhanced: str = ""
    """"", "yes" or "no": enhanced monitoring after a rating alert."""
    ids: frozenset[uuid.UUID] | None = None
    """Only these settings, e.g. those behind a KPI."""

    def is_clear(self) -> bool:
        return not any((self.text.strip(), self.setting_type, self.sector, self.status,
                        self.judgement, self.local_authority, self.in_use, self.risk,
                        self.enhanced, self.ids is not None))


def haystack(row: SettingRow) -> str:
    """The lower-case text the search looks in."""
    return " ".join(p for p in (row.name, row.urn, row.postcode, row.provider_name,
                                row.owner_name) if p).casefold()


def _value(enum_value: object) -> str:
    return str(getattr(enum_value, "value", "") or "")


def matches(row: SettingRow, hay: str, f: SettingFilter, words: Sequence[str]) -> bool:
    """Whether ``row`` (with its :func:`haystack`) passes the filter; ``words`` are the
    search text's, lower case."""
    if words and not all(w in hay for w in words):
        return False
    if f.ids is not None and row.id not in f.ids:
        return False
    if f.setting_type and _value(row.setting_type) != f.setting_type:
        return False
    if f.sector and _value(row.sector) != f.sector:
        return False
    if f.status and _value(row.registration_status) != f.status:
        return False
    if f.judgement:
        if f.judgement == "none":
            if row.latest_judgement is not None:
                return False
        elif _value(row.latest_judgement) != f.judgement:
            return False
    if f.local_authority and (row.local_authority or "") != f.local_authority:
        return False
    if f.in_use and row.in_use != (f.in_use == "yes"):
        return False
    if f.risk and _value(row.risk_level) != f.risk:
        return False
    return not (f.enhanced and row.enhanced_monitoring != (f.enhanced == "yes"))


def filter_settings(rows: Sequence[SettingRow], hays: Sequence[str],
                    f: SettingFilter) -> list[int]:
    """Positions of the rows that pass the filter, in their order."""
    words = f.text.casefold().split()
    return [n for n, (row, hay) in enumerate(zip(rows, hays, strict=True))
            if matches(row, hay, f, words)]


EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("URN", "urn"), ("Name", "name"), ("Type", "setting_type"), ("Sector", "sector"),
    ("Registration status", "registration_status"), ("Provider", "provider_name"),
    ("Owner (Ofsted)", "owner_name"), ("Local authority", "local_authority"),
    ("Region", "region"), ("Postcode", "postcode"), ("Places", "places"),
    ("Latest judgement", "latest_judgement"),
    ("Latest inspection date", "latest_inspection_date"), ("Risk level", "risk_level"),
    ("Enhanced monitoring", "enhanced_monitoring"), ("In use", "in_use"),
)


def export_table(rows: list[SettingRow]) -> tuple[list[str], list[list[object]]]:
    """Headings and cell values (labels, not codes) for a spreadsheet export."""
    headings = [h for h, _ in EXPORT_COLUMNS]
    table: list[list[object]] = []
    for row in rows:
        cells: list[object] = []
        for _h, attr in EXPORT_COLUMNS:
            value = getattr(row, attr)
            if attr == "latest_judgement":
                value = latest_judgement_text(row.latest_judgement, row.other_judgement)
            elif hasattr(value, "label"):
                value = value.label
            elif isinstance(value, bool):
                value = "Yes" if value else "No"
            cells.append(value)
        table.append(cells)
    return headings, table
