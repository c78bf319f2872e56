"""What the review form shows beside a provider's review: its settings' latest Ofsted
judgements and QA visits, its open actions, and its contracts to choose from."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from ...db import Database
from ...models import Contract, ContractProvider, PlacementEpisode, Provider, QaVisit, Setting
from ...models.enums import ActionStatus, QaVisitStatus
from ..common.formatting import date_short
from ..placements.live import live_on
from ..qa.actions import ActionFilter, ActionRow, _list_actions


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
            .where(PlacementEpisode.setting_id.in_(ids), live_on(today))
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
