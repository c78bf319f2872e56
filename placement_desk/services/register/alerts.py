"""Rating alerts: a downgrade, suspension or closure of a setting the council uses.

Raising an alert puts the setting under enhanced monitoring and creates a
follow-up action: a QA visit due within a configurable number of working days,
listing the children placed there.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Action, Child, PlacementEpisode, RatingAlert, Setting, utcnow
from ...models.enums import ActionPriority, ActionSource, AlertKind, Judgement
from ..common.dates import add_working_days
from ..common.settings_store import (
    VISIT_DAYS_INADEQUATE,
    VISIT_DAYS_OTHER,
    VISIT_DAYS_REQUIRES_IMPROVEMENT,
    get_setting,
)
from ..placements.live import live_on


def settings_in_use(session: Session, on: dt.date) -> set[uuid.UUID]:
    """Settings with a placement live on ``on`` (:func:`~..placements.live.live_on`)."""
    rows = session.scalars(
        select(PlacementEpisode.setting_id).distinct().where(
            PlacementEpisode.setting_id.is_not(None), live_on(on)))
    return {r for r in rows if r is not None}


def children_placed(session: Session, setting_id: uuid.UUID, on: dt.date) -> list[str]:
    return sorted(session.scalars(
        select(Child.case_ref).join(PlacementEpisode, PlacementEpisode.child_id == Child.id)
        .where(PlacementEpisode.setting_id == setting_id, live_on(on))
        .distinct()))


def visit_deadline_days(session: Session, new: Judgement | None) -> int:
    if new is not None and new.group == "inadequate":
        return int(get_setting(session, VISIT_DAYS_INADEQUATE))
    if new is not None and new.group == "below":
        return int(get_setting(session, VISIT_DAYS_REQUIRES_IMPROVEMENT))
    return int(get_setting(session, VISIT_DAYS_OTHER))


def raise_alert(session: Session, setting: Setting, kind: AlertKind,
                previous: Judgement | None, new: Judgement | None, today: dt.date,
                inspection_id: uuid.UUID | None = None) -> RatingAlert:
    children = children_placed(session, setting.id, today)
    alert = RatingAlert(id=uuid.uuid4(), setting_id=setting.id, inspection_id=inspection_id,
                        kind=kind, previous_judgement=previous, new_judgement=new,
                        raised_on=today, children_placed=", ".join(children) or None)
    session.add(alert)
    if not setting.enhanced_monitoring:
        setting.enhanced_monitoring = True
        setting.enhanced_monitoring_since = utcnow()
    due = add_working_days(today, visit_deadline_days(session, new))
    if setting.next_qa_due is None or setting.next_qa_due > due:
        setting.next_qa_due = due
    what = kind.label.lower()
    if kind == AlertKind.DOWNGRADE and previous and new:
        what = f"downgrade from {previous.label} to {new.label}"
    placed = (f" Children placed: {', '.join(children)}." if children
              else " No children placed today.")
    session.add(Action(
        source=ActionSource.RATING_ALERT, rating_alert_id=alert.id, setting_id=setting.id,
        provider_id=setting.provider_id, priority=ActionPriority.HIGH, due_date=due,
        description=f"QA visit to {setting.name} ({setting.urn}) after Ofsted {what}."
                    f"{placed}"))
    return alert
