"""The oversight sections of a provider review pack: Ofsted, QA, documents and reviews.

Each of the provider's settings with its inspections, open rating alerts and enhanced
monitoring (:func:`ofsted_by_setting`); QA visits in the period (:func:`visit_lines`);
actions still open, overdue ones marked (:func:`open_actions`); the documents of each
setting and the provider with their expiry (:func:`document_lines`); and the last
signed-off contract review (:func:`last_review`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ...db import Database
from ...models import OfstedInspection, Provider, ProviderDocument, QaVisit, RatingAlert, Setting
from ...models.enums import InspectionEventType, QaVisitStatus
from ..contracts.contract_views import provider_contracts
from ..contracts.reviews import load_review
from ..qa.actions import LIVE_STATUSES, ActionFilter, ActionRow, _list_actions
from ..register.documents import CHECKLIST, document_statuses
from .definitions import Period
from .provider_pack_contents import (
    ActionLine,
    DocumentLine,
    InspectionLine,
    ReviewSummary,
    SettingOfsted,
    VisitLine,
)

__all__ = ["document_lines", "last_review", "ofsted_by_setting", "open_actions", "visit_lines"]


def _action_line(a: ActionRow) -> ActionLine:
    return ActionLine(a.description, a.source_label, a.setting_name or "", a.owner or "",
                      a.due_date, a.priority.label, a.status_text, a.overdue)


def ofsted_by_setting(session: Session, settings: list[Setting]) -> list[SettingOfsted]:
    ids = [s.id for s in settings]
    inspections: dict[uuid.UUID, list[InspectionLine]] = defaultdict(list)
    alerts: dict[uuid.UUID, list[str]] = defaultdict(list)
    if ids:
        for ins in session.scalars(select(OfstedInspection).where(
                OfstedInspection.setting_id.in_(ids))
                .order_by(OfstedInspection.inspection_date)):
            judged = ins.overall_judgement or ins.supported_accommodation_outcome
            full = ins.event_type == InspectionEventType.FULL
            inspections[ins.setting_id].append(InspectionLine(
                ins.inspection_date, ins.event_type.label, judged.label if judged else "",
                judged.rank if judged is not None and full else 0, full,
                ins.publication_date))
        for alert in session.scalars(select(RatingAlert).where(
                RatingAlert.setting_id.in_(ids), RatingAlert.acknowledged_at.is_(None))
                .order_by(RatingAlert.raised_on)):
            change = (f": {alert.previous_judgement.label} to {alert.new_judgement.label}"
                      if alert.previous_judgement and alert.new_judgement else "")
            alerts[alert.setting_id].append(
                f"{alert.kind.label} raised {alert.raised_on:%d/%m/%Y}{change}")
    return [SettingOfsted(s.name, s.urn, tuple(inspections[s.id]), tuple(alerts[s.id]),
                          s.enhanced_monitoring,
                          s.enhanced_monitoring_since.date()
                          if s.enhanced_monitoring_since else None,
                          s.setting_type.group == "regulated")
            for s in settings]


def visit_lines(session: Session, settings: list[Setting], period: Period) -> list[VisitLine]:
    names = {s.id: s.name for s in settings}
    if not names:
        return []
    found = []
    for visit in session.scalars(select(QaVisit).where(
            QaVisit.setting_id.in_(list(names)), QaVisit.deleted_at.is_(None),
            QaVisit.status.in_((QaVisitStatus.COMPLETED, QaVisitStatus.DRAFT)),
            QaVisit.visit_date >= period.start, QaVisit.visit_date < period.end)
            .order_by(QaVisit.visit_date, QaVisit.id)):
        found.append(VisitLine(
            names[visit.setting_id], visit.visit_date,
            visit.visit_type.label if visit.visit_type else "Not recorded",
            visit.status.label,
            visit.overall_judgement.label if visit.overall_judgement else "Not yet judged",
            tuple((a.area, a.judgement.label if a.judgement else "Not yet judged")
                  for a in visit.areas)))
    return found


def open_actions(session: Session, provider_id: uuid.UUID, settings: list[Setting],
                 today: dt.date) -> list[ActionLine]:
    rows: dict[uuid.UUID, ActionRow] = {}
    filters = [ActionFilter(provider_id=provider_id, statuses=LIVE_STATUSES)]
    filters += [ActionFilter(setting_id=s.id, statuses=LIVE_STATUSES) for s in settings]
    for f in filters:
        for row in _list_actions(session, f, today):
            rows[row.id] = row
    ordered = sorted(rows.values(), key=lambda a: (a.due_date is None,
                                                   a.due_date or dt.date.max,
                                                   a.description))
    return [_action_line(a) for a in ordered]


def document_lines(session: Session, provider: Provider, settings: list[Setting],
                   today: dt.date) -> list[DocumentLine]:
    ids = [s.id for s in settings]
    owners = [ProviderDocument.provider_id == provider.id]
    if ids:
        owners.append(ProviderDocument.setting_id.in_(ids))
    docs = list(session.scalars(select(ProviderDocument).where(
        or_(*owners), ProviderDocument.deleted_at.is_(None))))
    own = [d for d in docs if d.setting_id is None]
    lines: list[DocumentLine] = []
    for s in settings:
        # As the setting's page shows them: its own documents and the provider's, the
        # checklist first.
        mine = [d for d in docs if d.setting_id == s.id] + own
        lines += [DocumentLine(s.name, d.title, d.expiry_date, d.status.value, d.flagged)
                  for d in document_statuses(mine, today)]
    if not settings:
        lines += [DocumentLine(provider.name, d.title, d.expiry_date, d.status.value,
                               d.flagged) for d in document_statuses(own, today, CHECKLIST)]
    return lines


def last_review(db: Database, provider_id: uuid.UUID, today: dt.date,
                review_id: uuid.UUID | None) -> ReviewSummary | None:
    if review_id is None:
        return None
    record = load_review(db, review_id, today)
    form = record.form
    with db.read() as session:
        contract = ""
        if form.contract_id is not None:
            rows = [c for c in provider_contracts(session, provider_id, today)
                    if c.id == form.contract_id]
            contract = f"{rows[0].reference} {rows[0].title}" if rows else ""
    assert form.review_date is not None
    return ReviewSummary(
        form.review_date, contract, form.attendees or "", form.provider_attendees or "",
        tuple((a.area, a.rag.label if a.rag else "", a.notes or "") for a in form.agenda),
        form.outcome or "", form.next_due, record.signed_off_by or "",
        record.signed_off_at.date() if record.signed_off_at else None,
        tuple(_action_line(a) for a in record.actions),
        tuple((a.added_on, a.author, a.text) for a in record.addenda))
