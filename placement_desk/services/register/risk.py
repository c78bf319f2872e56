"""Provider risk level: a transparent score per setting, High / Medium / Low.

The score adds points for each factor (latest Ofsted judgement and its trend, the
council's last QA outcome, open and overdue actions, open concerns, expired
documents, children placed, time since the last QA visit). Each factor says how
many points it gave and why, so the screen can show what produced the level.
Weights and thresholds live in the shared settings (``risk.weights``,
``risk.thresholds``) and default to :data:`DEFAULT_WEIGHTS`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Table, bindparam, case, func, or_, select, update
from sqlalchemy.orm import Session

from ...models import (
    Action,
    Concern,
    OfstedInspection,
    PlacementEpisode,
    ProviderDocument,
    QaVisit,
    Setting,
)
from ...models.enums import (
    ActionStatus,
    InspectionEventType,
    Judgement,
    QaJudgement,
    QaVisitStatus,
    RiskLevel,
)
from ..common.settings_store import (
    DEFAULT_THRESHOLDS,
    DEFAULT_WEIGHTS,
    RISK_THRESHOLDS,
    RISK_WEIGHTS,
    get_setting,
)
from ..placements.live import live_on


@dataclass(frozen=True)
class RiskInputs:
    """What is known about one setting, gathered from the database."""

    regulated: bool = True
    latest_judgement: Judgement | None = None
    previous_judgement: Judgement | None = None
    last_qa_judgement: QaJudgement | None = None
    last_qa_date: dt.date | None = None
    open_actions: int = 0
    overdue_actions: int = 0
    open_concerns: int = 0
    expired_documents: int = 0
    children_placed: int = 0


@dataclass(frozen=True)
class RiskFactor:
    name: str
    points: int
    reason: str


@dataclass(frozen=True)
class RiskAssessment:
    level: RiskLevel
    score: int
    factors: tuple[RiskFactor, ...] = field(default_factory=tuple)

    def explain(self) -> str:
        if not self.factors:
            return f"{self.level.label} risk: nothing raises the score."
        parts = "; ".join(f"{f.reason} (+{f.points})" for f in self.factors)
        return f"{self.level.label} risk, score {self.score}: {parts}."


def _capped(count: int, each: int, cap: int) -> int:
    return min(count * each, cap)


def assess(inputs: RiskInputs, today: dt.date,
           weights: Mapping[str, int] = DEFAULT_WEIGHTS,
           thresholds: Mapping[str, int] = DEFAULT_THRESHOLDS) -> RiskAssessment:
    """Score one setting. Pure: the same inputs always give the same answer."""
    w = {**DEFAULT_WEIGHTS, **weights}
    factors: list[RiskFactor] = []

    def add(name: str, points: int, reason: str) -> None:
        if points:
            factors.append(RiskFactor(name, points, reason))

    judged = inputs.latest_judgement
    if judged is not None and judged.group == "inadequate":
        add("judgement", w["judgement_inadequate"], f"Latest Ofsted judgement {judged.label}")
    elif judged is not None and judged.group == "below":
        add("judgement", w["judgement_below_good"], f"Latest Ofsted judgement {judged.label}")
    elif judged is None and inputs.regulated:
        add("judgement", w["never_inspected"], "No full Ofsted inspection on record")
    prev = inputs.previous_judgement
    if judged is not None and prev is not None and judged.rank < prev.rank:
        add("trend", w["downgraded"], f"Downgraded from {prev.label}")
    qa = inputs.last_qa_judgement
    if qa == QaJudgement.INADEQUATE:
        add("qa", w["qa_inadequate"], "Last QA visit judged Inadequate")
    elif qa == QaJudgement.REQUIRES_IMPROVEMENT:
        add("qa", w["qa_requires_improvement"], "Last QA visit judged Requires improvement")
    add("open_actions", _capped(inputs.open_actions, w["open_action"], w["open_actions_cap"]),
        f"{inputs.open_actions} open action{'s' * (inputs.open_actions != 1)}")
    add("overdue_actions",
        _capped(inputs.overdue_actions, w["overdue_action"], w["overdue_actions_cap"]),
        f"{inputs.overdue_actions} overdue action{'s' * (inputs.overdue_actions != 1)}")
    add("concerns", _capped(inputs.open_concerns, w["open_concern"], w["open_concerns_cap"]),
        f"{inputs.open_concerns} open concern{'s' * (inputs.open_concerns != 1)}")
    add("documents",
        _capped(inputs.expired_documents, w["expired_document"], w["expired_documents_cap"]),
        f"{inputs.expired_documents} expired document{'s' * (inputs.expired_documents != 1)}")
    if inputs.children_placed >= 3:
        add("children", w["children_placed_3_plus"], f"{inputs.children_placed} children placed")
    elif inputs.children_placed >= 1:
        add("children", w["children_placed_1_2"],
            f"{inputs.children_placed} child{'ren' * (inputs.children_placed != 1)} placed")
    if inputs.children_placed:
        if inputs.last_qa_date is None or (today - inputs.last_qa_date).days > 365:
            add("qa_age", w["no_qa_12_months"], "No QA visit in the last 12 months")
        elif (today - inputs.last_qa_date).days > 183:
            add("qa_age", w["no_qa_6_months"], "No QA visit in the last 6 months")
    score = sum(f.points for f in factors)
    if score >= thresholds.get("high", DEFAULT_THRESHOLDS["high"]):
        level = RiskLevel.HIGH
    elif score >= thresholds.get("medium", DEFAULT_THRESHOLDS["medium"]):
        level = RiskLevel.MEDIUM
    else:
        level = RiskLevel.LOW
    return RiskAssessment(level, score, tuple(factors))


def gather_inputs(session: Session, setting_ids: Iterable[uuid.UUID],
                  today: dt.date) -> dict[uuid.UUID, RiskInputs]:
    """Collect every setting's risk inputs with a handful of grouped queries."""
    ids = list(setting_ids)
    if not ids:
        return {}
    base: dict[uuid.UUID, dict[str, object]] = {
        sid: {"regulated": kind.group == "regulated", "latest_judgement": judgement}
        for sid, kind, judgement in session.execute(
            select(Setting.id, Setting.setting_type, Setting.latest_judgement)
            .where(Setting.id.in_(ids)))
    }
    full = (select(OfstedInspection.setting_id, OfstedInspection.overall_judgement,
                   OfstedInspection.supported_accommodation_outcome)
            .where(OfstedInspection.setting_id.in_(ids),
                   OfstedInspection.event_type == InspectionEventType.FULL)
            .order_by(OfstedInspection.setting_id, OfstedInspection.inspection_date.desc()))
    seen: dict[uuid.UUID, int] = {}
    for sid, overall, sa_outcome in session.execute(full):
        n = seen.get(sid, 0)
        seen[sid] = n + 1
        judged = overall or sa_outcome
        if n == 1 and judged is not None:
            base[sid]["previous_judgement"] = judged
    visits = (select(QaVisit.setting_id, QaVisit.visit_date, QaVisit.overall_judgement)
              .where(QaVisit.setting_id.in_(ids), QaVisit.status == QaVisitStatus.COMPLETED,
                     QaVisit.deleted_at.is_(None))
              .order_by(QaVisit.setting_id, QaVisit.visit_date.desc()))
    for sid, day, qa_judged in session.execute(visits):
        if "last_qa_date" not in base[sid]:
            base[sid]["last_qa_date"] = day
            base[sid]["last_qa_judgement"] = qa_judged
    open_states = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.OVERDUE)
    for sid, n_open, n_overdue in session.execute(
            select(Action.setting_id, func.count(),
                   func.sum(case((or_(Action.due_date < today,
                                      Action.status == ActionStatus.OVERDUE), 1), else_=0)))
            .where(Action.setting_id.in_(ids), Action.status.in_(open_states),
                   Action.deleted_at.is_(None))
            .group_by(Action.setting_id)):
        base[sid]["open_actions"] = int(n_open)
        base[sid]["overdue_actions"] = int(n_overdue or 0)
    for sid, n in session.execute(
            select(Concern.setting_id, func.count())
            .where(Concern.setting_id.in_(ids), Concern.closed_on.is_(None),
                   Concern.deleted_at.is_(None))
            .group_by(Concern.setting_id)):
        base[sid]["open_concerns"] = int(n)
    for doc_sid, n in session.execute(
            select(ProviderDocument.setting_id, func.count())
            .where(ProviderDocument.setting_id.in_(ids), ProviderDocument.expiry_date < today,
                   ProviderDocument.deleted_at.is_(None))
            .group_by(ProviderDocument.setting_id)):
        if doc_sid is not None:
            base[doc_sid]["expired_documents"] = int(n)
    placed = func.count(func.distinct(PlacementEpisode.child_id))
    for ep_sid, n in session.execute(
            select(PlacementEpisode.setting_id, placed)
            .where(PlacementEpisode.setting_id.in_(ids), live_on(today))
            .group_by(PlacementEpisode.setting_id)):
        if ep_sid is not None:
            base[ep_sid]["children_placed"] = int(n)
    return {sid: RiskInputs(**values) for sid, values in base.items()}  # type: ignore[arg-type]


def assess_settings(session: Session, setting_ids: Iterable[uuid.UUID],
                    today: dt.date) -> dict[uuid.UUID, RiskAssessment]:
    weights = get_setting(session, RISK_WEIGHTS)
    thresholds = get_setting(session, RISK_THRESHOLDS)
    return {sid: assess(inputs, today, weights, thresholds)
            for sid, inputs in gather_inputs(session, setting_ids, today).items()}


RISK_BATCH = 2000
"""Settings assessed and written at a time."""


def refresh_risk_levels(session: Session, today: dt.date,
                        setting_ids: Iterable[uuid.UUID] | None = None) -> int:
    """Store each setting's level (for filtering); returns how many changed.

    The level is derived data the system recomputes, so it is written with one
    bulk update by primary key rather than as audited edits. Settings are taken
    :data:`RISK_BATCH` at a time (a register of a million settings is never held whole).
    """
    changed = 0
    if setting_ids is None:
        after: uuid.UUID | None = None
        while True:
            query = (select(Setting.id, Setting.risk_level).where(Setting.deleted_at.is_(None))
                     .order_by(Setting.id).limit(RISK_BATCH))
            if after is not None:
                query = query.where(Setting.id > after)
            stored = {sid: level for sid, level in session.execute(query)}
            if not stored:
                break
            changed += _store_levels(session, today, stored)
            after = next(reversed(stored))
    else:
        ids = list(setting_ids)
        for start in range(0, len(ids), RISK_BATCH):
            batch = ids[start:start + RISK_BATCH]
            stored = {sid: level for sid, level in session.execute(
                select(Setting.id, Setting.risk_level)
                .where(Setting.deleted_at.is_(None), Setting.id.in_(batch)))}
            changed += _store_levels(session, today, stored, batch)
    if changed:
        session.expire_all()  # loaded settings must not keep the old level
    return changed


def _store_levels(session: Session, today: dt.date, stored: dict[uuid.UUID, RiskLevel | None],
                  ids: Sequence[uuid.UUID] | None = None) -> int:
    """Assess a batch of settings (``ids``, else those of ``stored``) and write the levels
    that differ from ``stored``."""
    results = assess_settings(session, list(stored) if ids is None else ids, today)
    changes = [{"b_id": sid, "b_level": result.level}
               for sid, result in results.items() if stored.get(sid) != result.level]
    if changes:
        table: Table = Setting.__table__  # type: ignore[assignment]
        session.execute(update(table).where(table.c.id == bindparam("b_id"))
                        .values(risk_level=bindparam("b_level"),
                                updated_at=table.c.updated_at),  # not an edit: keep the stamp
                        changes)
    return len(changes)
