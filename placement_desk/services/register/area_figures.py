"""The share of settings judged Good or Outstanding, by setting type, for England, each
region and each local authority area, beside the same share for the settings the
council uses.

Counted as Ofsted counts them in its provider-level statistics, from the register
the Ofsted import keeps: every registered setting (active or suspended; not those
that have left the register) with a URN, of a regulated type, by its latest full
inspection's judgement. A setting never judged at a full inspection is not counted
(a monitoring inspection's judgement is not an overall effectiveness judgement).
Supported accommodation's "Consistently strong service delivery" counts with Good
and Outstanding, as the judgements' groups say. Areas are the setting's own: its
Government Office Region and local authority as Ofsted publishes them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from ...db import Database
from ...models import PlacementEpisode, Setting
from ...models.enums import Judgement, RegistrationStatus, SettingType
from ..common.settings_store import COUNCIL_NAME, get_setting
from ..placements.live import live_on

ENGLAND = "England"
REGISTERED = tuple(s for s in RegistrationStatus if s.group == "registered")


@dataclass(frozen=True, slots=True)
class Share:
    """Good or Outstanding settings out of those judged, and the settings counted."""

    good_or_outstanding: int = 0
    judged: int = 0
    settings: int = 0

    @property
    def percent(self) -> float | None:
        """The share as a percentage; None when nothing is judged."""
        return 100 * self.good_or_outstanding / self.judged if self.judged else None

    def __add__(self, other: Share) -> Share:
        return Share(self.good_or_outstanding + other.good_or_outstanding,
                     self.judged + other.judged, self.settings + other.settings)

    def text(self) -> str:
        """'85.4% (3,086 of 3,615)'; '–' when nothing is judged."""
        if not self.judged:
            return "–"
        return f"{self.percent:.1f}% ({self.good_or_outstanding:,} of {self.judged:,})"


@dataclass(frozen=True, slots=True)
class AreaShares:
    """One area's shares by setting type, and over every type."""

    name: str
    by_type: dict[SettingType, Share] = field(default_factory=dict)

    @property
    def total(self) -> Share:
        return sum(self.by_type.values(), Share())

    def share(self, setting_type: SettingType) -> Share:
        return self.by_type.get(setting_type, Share())


@dataclass(frozen=True, slots=True)
class RegisterShares:
    """England, each region and each local authority area."""

    england: AreaShares
    regions: dict[str, AreaShares]
    local_authorities: dict[str, AreaShares]
    region_of: dict[str, str]
    """Each local authority's region (the one most of its settings give)."""


def _is_good(judgement: Judgement) -> bool:
    return judgement.group == "good_or_better"


def _judged(judgement: Judgement | None) -> bool:
    return judgement is not None and judgement.group != "interim"


def _tally(rows: list[tuple[SettingType, Judgement | None, int]]) -> dict[SettingType, Share]:
    """(type, judgement, count) rows → the shares by type."""
    found: dict[SettingType, Share] = {}
    for setting_type, judgement, n in rows:
        judged = _judged(judgement)
        good = judged and judgement is not None and _is_good(judgement)
        found[setting_type] = found.get(setting_type, Share()) + Share(
            n if good else 0, n if judged else 0, n)
    return found


def _registered() -> tuple[ColumnElement[bool], ...]:
    return (Setting.deleted_at.is_(None), Setting.urn.is_not(None),
            Setting.registration_status.in_(REGISTERED),
            Setting.setting_type.in_([t for t in SettingType if t.group == "regulated"]))


def register_shares(db: Database) -> RegisterShares:
    """Good or Outstanding by setting type for England, each region and each local
    authority area, from the register."""
    with db.read() as session:
        rows = session.execute(
            select(Setting.region, Setting.local_authority, Setting.setting_type,
                   Setting.latest_judgement, func.count())
            .where(*_registered())
            .group_by(Setting.region, Setting.local_authority, Setting.setting_type,
                      Setting.latest_judgement)).all()
    england: list[tuple[SettingType, Judgement | None, int]] = []
    regions: dict[str, list[tuple[SettingType, Judgement | None, int]]] = defaultdict(list)
    authorities: dict[str, list[tuple[SettingType, Judgement | None, int]]] = defaultdict(list)
    seen_in: dict[str, Counter[str]] = defaultdict(Counter)
    for region, authority, setting_type, judgement, n in rows:
        england.append((setting_type, judgement, n))
        if region:
            regions[region].append((setting_type, judgement, n))
        if authority:
            authorities[authority].append((setting_type, judgement, n))
            if region:
                seen_in[authority][region] += n
    return RegisterShares(
        england=AreaShares(ENGLAND, _tally(england)),
        regions={name: AreaShares(name, _tally(r)) for name, r in sorted(regions.items())},
        local_authorities={name: AreaShares(name, _tally(r))
                           for name, r in sorted(authorities.items())},
        region_of={a: c.most_common(1)[0][0] for a, c in seen_in.items()})


JudgementCounts = dict[tuple[str, str | None], int]
"""(setting type, latest judgement) → registered settings, both as stored values."""


def register_judgements(db: Database) -> tuple[JudgementCounts, dict[str, JudgementCounts]]:
    """England's and each region's registered settings (counted as above) by type and
    latest full inspection's judgement."""
    with db.read() as session:
        rows = session.execute(
            select(Setting.region, Setting.setting_type, Setting.latest_judgement, func.count())
            .where(*_registered())
            .group_by(Setting.region, Setting.setting_type, Setting.latest_judgement)).all()
    england: JudgementCounts = defaultdict(int)
    regions: dict[str, JudgementCounts] = defaultdict(lambda: defaultdict(int))
    for region, setting_type, judgement, n in rows:
        key = (setting_type.value, judgement.value if judgement is not None else None)
        england[key] += n
        if region:
            regions[region][key] += n
    return dict(england), {name: dict(counts) for name, counts in regions.items()}


def _live(today: dt.date) -> tuple[ColumnElement[bool], ...]:
    return (live_on(today),)


def shares_in_use(db: Database, today: dt.date, name: str = "Settings you use") -> AreaShares:
    """The same shares over the registered settings where the council has a child placed
    on ``today``."""
    in_use = select(PlacementEpisode.setting_id).where(*_live(today)).scalar_subquery()
    with db.read() as session:
        rows = session.execute(
            select(Setting.setting_type, Setting.latest_judgement, func.count())
            .where(Setting.id.in_(in_use), *_registered())
            .group_by(Setting.setting_type, Setting.latest_judgement)).all()
    return AreaShares(name, _tally([(t, j, int(n)) for t, j, n in rows]))


def council_area(db: Database, today: dt.date) -> str | None:
    """The local authority area the council most likely is: the one its name contains
    (the longest, so 'North Somerset' beats 'Somerset'), else the area with most of the
    settings it uses today; None when neither says."""
    with db.read() as session:
        name = str(get_setting(session, COUNCIL_NAME) or "").casefold()
        areas = _areas(session)
        named = [a for a in areas if re.search(rf"\b{re.escape(a.casefold())}\b", name)]
        if named:
            return max(named, key=len)
        in_use = select(PlacementEpisode.setting_id).where(*_live(today)).scalar_subquery()
        busiest = session.execute(
            select(Setting.local_authority, func.count())
            .where(Setting.id.in_(in_use), Setting.local_authority.is_not(None))
            .group_by(Setting.local_authority).order_by(func.count().desc()).limit(1)).first()
    return str(busiest[0]) if busiest else None


def _areas(session: Session) -> list[str]:
    return [a for a in session.scalars(select(Setting.local_authority).distinct()
                                       .where(Setting.local_authority.is_not(None))) if a]
