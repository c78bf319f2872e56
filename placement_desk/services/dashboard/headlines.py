"""Headline figures for the Dashboard, computed in SQL with one session per refresh."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ...db import Database
from ...models import Action, PlacementEpisode, RatingAlert, Setting
from ...models.enums import ActionStatus, Judgement, RegistrationStatus
from ..placements.live import live_on
from ..qa.actions import overdue_condition


@dataclass(frozen=True)
class AlertLine:
    setting_name: str
    urn: str | None
    kind: str
    raised_on: dt.date
    change: str


@dataclass(frozen=True)
class Headlines:
    settings: int
    settings_in_use: int
    children_placed: int
    live_placements: int
    open_actions: int
    overdue_actions: int
    good_or_better: int
    regulated_in_use: int
    alerts: list[AlertLine] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.settings == 0 and self.live_placements == 0


def headlines(db: Database, today: dt.date | None = None) -> Headlines:
    today = today or dt.date.today()
    live = (live_on(today),)
    with db.read() as s:
        settings = s.scalar(select(func.count()).select_from(Setting)
                            .where(Setting.deleted_at.is_(None))) or 0
        live_placements = s.scalar(select(func.count()).select_from(PlacementEpisode)
                                   .where(*live)) or 0
        children = s.scalar(select(func.count(func.distinct(PlacementEpisode.child_id)))
                            .where(*live)) or 0
        # No DISTINCT: IN needs none, and with it SQLite walks the setting index and reads
        # every episode row by row (four times slower on 60,000 episodes).
        in_use_ids = select(PlacementEpisode.setting_id).where(*live).scalar_subquery()
        in_use = s.scalar(select(func.count()).select_from(Setting)
                          .where(Setting.id.in_(in_use_ids))) or 0
        regulated = s.execute(
            select(Setting.latest_judgement).where(
                Setting.id.in_(in_use_ids),
                Setting.registration_status == RegistrationStatus.ACTIVE,
                Setting.latest_judgement.is_not(None))).scalars().all()
        good = sum(1 for j in regulated if j is not None and j.group == "good_or_better"
                   and j != Judgement.IMPROVED)
        open_states = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.OVERDUE)
        open_actions = s.scalar(select(func.count()).select_from(Action).where(
            Action.deleted_at.is_(None), Action.status.in_(open_states))) or 0
        overdue = s.scalar(select(func.count()).select_from(Action).where(
            Action.deleted_at.is_(None), overdue_condition(today))) or 0
        alerts = [
            AlertLine(name, urn, alert.kind.label, alert.raised_on,
                      f"{alert.previous_judgement.label} → {alert.new_judgement.label}"
                      if alert.previous_judgement and alert.new_judgement else "")
            for alert, name, urn in s.execute(
                select(RatingAlert, Setting.name, Setting.urn).join(Setting)
                .where(RatingAlert.acknowledged_at.is_(None))
                .order_by(RatingAlert.raised_on.desc()).limit(50))
        ]
    return Headlines(settings, in_use, children, live_placements, open_actions, overdue,
                     good, len(regulated), alerts)
