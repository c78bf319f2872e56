"""What a provider review pack says, gathered as plain data for the PDF to draw.

Everything a manager takes into a meeting with a provider, for a period (by default
the twelve months to the day printed):

* **the provider**: its settings (type, registration, places, latest Ofsted
  judgement, risk level with the factors that produced it, children placed today),
  its relationship tier (suggested and chosen), and who the pack is for and by;
* **summary figures**: children placed today and in the period; weeks of placement
  and spend in the period, counted as weeks and spend counts them
  (:mod:`..agreements.costs`: the episodes' days at its settings ÷ 7, and the fee
  ledger of the agreements for its settings, rounded once per agreement); the
  average weekly cost by placement type (spend ÷ weeks paid for) against the
  council's average for the same type over every provider in the period;
* **Ofsted**: each setting's inspections, its open rating alerts and whether it is
  under enhanced monitoring;
* **QA**: visits in the period with their judgements by area; actions still open,
  with those overdue (:func:`~..qa.actions.overdue_condition`);
* **placements** live today and those that ended in the period, by child reference
  only: setting, type, dates, the weekly cost today (or on the last day), the
  agreement's variations, the distance from home and the commissioning route;
* **contracts** with their status, the next review due, and the last signed-off
  contract review with its ratings, outcome, actions and addenda;
* **documents** of each setting and the provider, with their expiry.

Days and periods follow :mod:`.definitions`. :func:`council_average_fees` is worked
out once for a batch of packs and passed to each.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...db import Database
from ...errors import UserError
from ...identifiers import is_urn, normalise_urn
from ...models import (
    Agreement,
    AgreementVersion,
    Child,
    FeeLedgerEntry,
    OfstedInspection,
    PlacementEpisode,
    Provider,
    ProviderDocument,
    QaVisit,
    RatingAlert,
    Setting,
    User,
)
from ...models.enums import (
    AgreementStatus,
    CommissioningRoute,
    InspectionEventType,
    PlacementType,
    QaVisitStatus,
    ReviewStatus,
    RiskLevel,
)
from ..agreements.costs import weeks_and_spend
from ..agreements.fee_ledger import day as day_number
from ..agreements.fees import round_half_up
from ..common.settings_store import COUNCIL_NAME, get_setting
from ..contracts.register import provider_contracts
from ..contracts.review_due import review_dates
from ..contracts.review_list import _list_reviews
from ..contracts.reviews import load_review
from ..contracts.tiers import provider_tier
from ..qa.actions import LIVE_STATUSES, ActionFilter, ActionRow, _list_actions
from ..register.documents import CHECKLIST, document_statuses
from ..register.risk import assess_settings
from .definitions import (
    Period,
    average_weekly_pence,
    is_live_on,
    overlap_days,
    within_20_miles,
    year_to,
)

__all__ = ["ActionLine", "DocumentLine", "FeeComparison", "InspectionLine", "PackSetting",
           "PlacementLine", "ProviderPack", "ReviewSummary", "SettingOfsted", "VisitLine",
           "council_average_fees", "find_provider", "provider_pack"]

_RISK_ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


# --- What the pack holds ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PackSetting:
    id: uuid.UUID
    name: str
    urn: str | None
    setting_type: str
    registration: str
    places: int | None
    judgement: str
    """The latest full inspection's judgement in words, or "Not yet judged"."""
    judged_on: dt.date | None
    risk: RiskLevel | None
    risk_score: int
    risk_factors: tuple[tuple[str, int], ...]
    """(why, points) for each factor that raised the score."""
    children_now: int
    enhanced_monitoring: bool


@dataclass(frozen=True, slots=True)
class InspectionLine:
    date: dt.date
    kind: str
    judgement: str
    """In words; blank when the event gave none."""
    rank: int
    """4 Outstanding … 1 Inadequate; 0 when not an overall judgement (for the chart)."""
    full: bool
    published: dt.date | None


@dataclass(frozen=True, slots=True)
class SettingOfsted:
    name: str
    urn: str | None
    inspections: tuple[InspectionLine, ...]
    """Oldest first."""
    alerts: tuple[str, ...]
    """Rating alerts not yet acknowledged, in words."""
    enhanced_monitoring: bool
    monitoring_since: dt.date | None
    regulated: bool = True


@dataclass(frozen=True, slots=True)
class VisitLine:
    setting: str
    date: dt.date | None
    visit_type: str
    status: str
    overall: str
    areas: tuple[tuple[str, str], ...]
    """(area, judgement in words)."""


@dataclass(frozen=True, slots=True)
class ActionLine:
    description: str
    source: str
    setting: str
    owner: str
    due: dt.date | None
    priority: str
    status: str
    """"Overdue" for an overdue action, else its status."""
    overdue: bool


@dataclass(frozen=True, slots=True)
class PlacementLine:
    child_ref: str
    setting: str
    placement_type: str
    """The code, e.g. "K2"."""
    type_label: str
    start: dt.date
    end: dt.date | None
    weekly_pence: int | None
    """The agreement's weekly cost today (for an ended placement, on its last day);
    None with no agreement in force then."""
    variations: int
    """Variations of the agreement in force (versions after the first)."""
    last_variation: str
    """"01/04/2026: annual uplift" for the latest variation; blank with none."""
    distance_miles: float | None
    local: bool | None
    route: str


@dataclass(frozen=True, slots=True)
class FeeComparison:
    placement_type: str
    label: str
    weeks: float
    """Weeks paid for at this provider in the period."""
    average_pence: int
    council_average_pence: int | None
    """Over every provider, for the same type and period; None when nothing was paid."""


@dataclass(frozen=True, slots=True)
class DocumentLine:
    owner: str
    """The setting's name, or the provider's for its own documents."""
    title: str
    expiry: dt.date | None
    status: str
    flagged: bool


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    review_date: dt.date
    contract: str
    attendees: str
    provider_attendees: str
    agenda: tuple[tuple[str, str, str], ...]
    """(area, Red/Amber/Green or blank, notes)."""
    outcome: str
    next_due: dt.date | None
    signed_off_by: str
    signed_off_on: dt.date | None
    actions: tuple[ActionLine, ...]
    addenda: tuple[tuple[dt.date, str, str], ...]
    """(date, author, text)."""


@dataclass(frozen=True, slots=True)
class ContractLine:
    reference: str
    title: str
    contract_type: str
    start: dt.date
    end: dt.date | None
    value_pence: int | None
    status: str


@dataclass(frozen=True, slots=True)
class ProviderPack:
    provider_id: uuid.UUID
    name: str
    legal_name: str
    address: str
    council: str
    period: Period
    printed_on: dt.date
    prepared_for: str
    prepared_by: str
    settings: tuple[PackSetting, ...]
    risk: RiskLevel | None
    """The highest level of its settings."""
    tier: str
    tier_reason: str
    tier_chosen: str
    """"Chosen by sam.jones on 01/03/2026: …" when a manager chose the tier; else blank."""
    children_now: int
    children_in_period: int
    weeks: float
    paid_weeks: float
    spend_pence: int
    fees: tuple[FeeComparison, ...]
    ofsted: tuple[SettingOfsted, ...]
    visits: tuple[VisitLine, ...]
    open_actions: tuple[ActionLine, ...]
    current_placements: tuple[PlacementLine, ...]
    ended_placements: tuple[PlacementLine, ...]
    contracts: tuple[ContractLine, ...]
    next_review_due: dt.date | None
    last_review: ReviewSummary | None
    documents: tuple[DocumentLine, ...]

    @property
    def overdue_actions(self) -> int:
        return sum(1 for a in self.open_actions if a.overdue)


# --- Finding the provider -----------------------------------------------------------------

def find_provider(db: Database, text: str) -> uuid.UUID:
    """The provider named by a URN of one of its settings, its id, its Ofsted owner id,
    its Companies House number or its exact name; a UserError when none or several."""
    key = " ".join((text or "").split())
    if not key:
        raise UserError("Give the URN of one of the provider's settings, or the provider's "
                        "reference.")
    with db.read() as session:
        live = Provider.deleted_at.is_(None)
        urn = normalise_urn(key)
        if urn is not None and is_urn(urn):
            found = session.scalar(select(Setting.provider_id).where(
                Setting.urn == urn, Setting.deleted_at.is_(None)))
            if found is not None:
                return found
            if session.scalar(select(Setting.id).where(Setting.urn == urn)) is not None:
                raise UserError("The setting with that URN has no provider recorded, so there "
                                "is no provider to print a pack for. Link the setting to its "
                                "provider first.")
        try:
            as_id = uuid.UUID(key)
        except ValueError:
            as_id = None
        if as_id is not None and session.scalar(
                select(Provider.id).where(Provider.id == as_id, live)) is not None:
            return as_id
        for column in (Provider.ofsted_owner_id, Provider.companies_house_number):
            ids = list(session.scalars(select(Provider.id).where(
                func.upper(column) == key.upper(), live).limit(2)))
            if len(ids) == 1:
                return ids[0]
        ids = list(session.scalars(select(Provider.id).where(
            func.lower(Provider.name) == key.lower(), live).limit(2)))
    if len(ids) == 1:
        return ids[0]
    if len(ids) > 1:
        raise UserError("More than one provider has that name. Give the URN of one of its "
                        "settings instead.")
    raise UserError("No provider has a setting with that URN or goes by that reference. "
                    "Check it against the Providers page.")


# --- Reading ----------------------------------------------------------------------------

def council_average_fees(db: Database, period: Period) -> dict[str, tuple[int, int]]:
    """Placement type → (spend in pence, days paid for) over every provider in the period,
    from weeks and spend by type (:func:`.definitions.average_weekly_pence` makes the
    average)."""
    rows = weeks_and_spend(db, period.start, period.end, "placement_type")
    return {r.key: (r.spend_pence, round(r.paid_weeks * 7)) for r in rows if r.key}


def _type_label(code: str) -> str:
    try:
        return PlacementType(code).label
    except ValueError:
        return code or "Not recorded"


def _in_force(status: AgreementStatus, activated: dt.datetime | None) -> bool:
    return status in (AgreementStatus.ACTIVE, AgreementStatus.ENDED) or (
        status == AgreementStatus.SUPERSEDED and activated is not None)


def _action_line(a: ActionRow) -> ActionLine:
    return ActionLine(a.description, a.source_label, a.setting_name or "", a.owner or "",
                      a.due_date, a.priority.label, a.status_text, a.overdue)


def _prepared_by(session: Session, user: str) -> str:
    name = session.scalar(select(User.display_name).where(User.username == user))
    return str(name) if name else user


def _settings(session: Session, provider_id: uuid.UUID, today: dt.date
              ) -> tuple[list[Setting], dict[uuid.UUID, int]]:
    settings = list(session.scalars(select(Setting).where(
        Setting.provider_id == provider_id, Setting.deleted_at.is_(None))
        .order_by(Setting.name)))
    pe = PlacementEpisode
    now: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    if settings:
        for sid, child, start, end in session.execute(
                select(pe.setting_id, pe.child_id, pe.start_date, pe.end_date)
                .join(Child, Child.id == pe.child_id)
                .where(pe.setting_id.in_([s.id for s in settings]), pe.deleted_at.is_(None),
                       Child.deleted_at.is_(None), pe.start_date <= today)):
            if sid is not None and is_live_on(start, end, today):
                now[sid].add(child)
    return settings, {sid: len(children) for sid, children in now.items()}


def _ofsted(session: Session, settings: list[Setting]) -> list[SettingOfsted]:
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


def _visits(session: Session, settings: list[Setting], period: Period) -> list[VisitLine]:
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


def _actions(session: Session, provider_id: uuid.UUID, settings: list[Setting],
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


LedgerRow = tuple[int, int | None, int, bool, int]


def _ledger(session: Session, agreement_ids: Iterable[uuid.UUID]
            ) -> dict[uuid.UUID, list[LedgerRow]]:
    ids = list(agreement_ids)
    found: dict[uuid.UUID, list[LedgerRow]] = defaultdict(list)
    fl = FeeLedgerEntry
    for i in range(0, len(ids), 500):
        for aid, first, end, weekly, one_off, amount in session.execute(
                select(fl.agreement_id, fl.first_day, fl.end_day, fl.weekly_pence,
                       fl.is_one_off, fl.one_off_pence)
                .where(fl.agreement_id.in_(ids[i:i + 500]))):
            found[aid].append((first, end, weekly, bool(one_off), amount))
    return found


def _spend(rows: Iterable[LedgerRow], period: Period) -> tuple[int, int]:
    """(spend in pence, days paid for) of one agreement in the period, rounded once."""
    p0, p1 = day_number(period.start), day_number(period.end)
    pence_days = one_offs = days = 0
    for first, end, weekly, one_off, amount in rows:
        if first >= p1 or (end is not None and end <= p0):
            continue
        if one_off:
            one_offs += amount
            continue
        n = min(p1 if end is None else end, p1) - max(first, p0)
        days += n
        pence_days += weekly * n
    return round_half_up(pence_days, 7) + one_offs, days


def _weekly_on(rows: Iterable[LedgerRow], day: dt.date) -> int | None:
    n = day_number(day)
    found = [weekly for first, end, weekly, one_off, _amount in rows
             if not one_off and first <= n and (end is None or end > n)]
    return sum(found) if found else None


@dataclass
class _Money:
    spend_pence: int = 0
    paid_days: int = 0
    by_type: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    """Placement type → [spend in pence, days paid for]."""


def _money(session: Session, settings: list[Setting], period: Period
           ) -> tuple[_Money, dict[uuid.UUID, list[uuid.UUID]], dict[uuid.UUID, list[LedgerRow]]]:
    """The provider's spend in the period (every agreement for its settings, as weeks and
    spend groups them), by placement type; and each episode's agreements and ledger."""
    ag, pe, av = Agreement, PlacementEpisode, AgreementVersion
    ids = [s.id for s in settings]
    result = _Money()
    if not ids:
        return result, {}, {}
    own = (select(av.placement_type).where(av.agreement_id == ag.id, or_(
        av.status.in_((AgreementStatus.ACTIVE, AgreementStatus.ENDED)),
        (av.status == AgreementStatus.SUPERSEDED) & av.activated_at.is_not(None)))
        .order_by(av.version_no).limit(1).scalar_subquery())
    deleted = select(Child.id).where(Child.deleted_at.is_not(None))
    agreements = session.execute(
        select(ag.id, ag.episode_id, func.coalesce(pe.placement_type, own))
        .outerjoin(pe, pe.id == ag.episode_id)
        .where(ag.setting_id.in_(ids), ag.deleted_at.is_(None),
               ag.child_id.not_in(deleted))).all()
    ledger = _ledger(session, [a for a, _e, _t in agreements])
    by_episode: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for aid, episode, kind in agreements:
        if episode is not None:
            by_episode[episode].append(aid)
        spend, days = _spend(ledger.get(aid, ()), period)
        if not (spend or days):
            continue
        result.spend_pence += spend
        result.paid_days += days
        totals = result.by_type[kind or ""]
        totals[0] += spend
        totals[1] += days
    return result, by_episode, ledger


def _variations(session: Session, agreement_ids: list[uuid.UUID]
                ) -> dict[uuid.UUID, tuple[int, str]]:
    """Agreement → (variations in force, "dd/mm/yyyy: reason" of the latest)."""
    versions: dict[uuid.UUID, list[tuple[int, dt.date, str | None]]] = defaultdict(list)
    av = AgreementVersion
    for i in range(0, len(agreement_ids), 500):
        for aid, number, effective, reason, status, activated in session.execute(
                select(av.agreement_id, av.version_no, av.effective_date,
                       av.variation_reason, av.status, av.activated_at)
                .where(av.agreement_id.in_(agreement_ids[i:i + 500]))):
            if _in_force(status, activated):
                versions[aid].append((number, effective, reason))
    found = {}
    for aid, rows in versions.items():
        rows.sort()
        if len(rows) > 1:
            _n, effective, reason = rows[-1]
            found[aid] = (len(rows) - 1,
                          f"{effective:%d/%m/%Y}: {reason}" if reason else f"{effective:%d/%m/%Y}")
        else:
            found[aid] = (0, "")
    return found


def _placements(session: Session, settings: list[Setting], period: Period, today: dt.date,
                by_episode: Mapping[uuid.UUID, list[uuid.UUID]],
                ledger: Mapping[uuid.UUID, list[LedgerRow]]
                ) -> tuple[list[PlacementLine], list[PlacementLine], set[uuid.UUID], float]:
    """Placements live today and those ended in the period; the children with a day in
    the period; and the weeks of placement in it."""
    names = {s.id: s.name for s in settings}
    pe = PlacementEpisode
    if not names:
        return [], [], set(), 0.0
    rows = session.execute(
        select(pe.id, pe.child_id, Child.case_ref, pe.setting_id, pe.placement_type,
               pe.start_date, pe.end_date, pe.distance_miles, pe.commissioning_route)
        .join(Child, Child.id == pe.child_id)
        .where(pe.setting_id.in_(list(names)), pe.deleted_at.is_(None),
               Child.deleted_at.is_(None))
        .order_by(pe.start_date, Child.case_ref)).all()
    variations = _variations(session, [a for found in by_episode.values() for a in found])
    current: list[PlacementLine] = []
    ended: list[PlacementLine] = []
    children: set[uuid.UUID] = set()
    days = 0
    for eid, child, ref, sid, kind, start, end, miles, route in rows:
        in_period = overlap_days(start, end, period)
        days += in_period
        if in_period:
            children.add(child)
        live = is_live_on(start, end, today)
        ended_in_period = end is not None and period.start < end <= period.end
        if not (live or ended_in_period):
            continue
        agreements = by_episode.get(eid, [])
        on = today if live or end is None else end - dt.timedelta(days=1)
        weekly = [w for a in agreements if (w := _weekly_on(ledger.get(a, ()), on)) is not None]
        varied = [variations.get(a, (0, "")) for a in agreements]
        latest = max(varied, key=lambda v: v[1]) if varied else (0, "")
        line = PlacementLine(
            ref, names.get(sid, "") if sid is not None else "", kind, _type_label(kind), start, end,
            sum(weekly) if weekly else None, sum(v[0] for v in varied), latest[1],
            miles, within_20_miles(miles),
            CommissioningRoute(route).label if route else "Not recorded")
        (current if live else ended).append(line)
    return current, ended, children, days / 7


def _documents(session: Session, provider: Provider, settings: list[Setting],
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


def _last_review(db: Database, provider_id: uuid.UUID, today: dt.date,
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


def provider_pack(db: Database, provider_id: uuid.UUID, today: dt.date,
                  period: Period | None = None, *, prepared_for: str = "",
                  council_fees: Mapping[str, tuple[int, int]] | None = None
                  ) -> ProviderPack:
    """Everything the review pack of one provider prints, for ``period`` (by default the
    twelve months to ``today``). ``council_fees`` (from :func:`council_average_fees` for
    the same period) saves reading every provider's spend again for each pack of a batch.
    """
    period = period or year_to(today)
    if council_fees is None:
        council_fees = council_average_fees(db, period)
    with db.read() as session:
        provider = session.get(Provider, provider_id)
        if provider is None or provider.deleted_at is not None:
            raise UserError("This provider is no longer in the database, so there is no pack "
                            "to print. Refresh the list and try again.")
        name, legal_name = provider.name, provider.legal_name or provider.name
        address = ", ".join(p.strip() for p in (provider.address, provider.postcode)
                            if p and p.strip())
        council = str(get_setting(session, COUNCIL_NAME) or "").strip() or "the council"
        prepared_by = _prepared_by(session, db.user)
        settings, placed = _settings(session, provider_id, today)
        pack_settings = _pack_settings(session, settings, placed, today)
        money, by_episode, ledger = _money(session, settings, period)
        current, ended, children, weeks = _placements(session, settings, period, today,
                                                      by_episode, ledger)
        ofsted = _ofsted(session, settings)
        visits = _visits(session, settings, period)
        actions = _actions(session, provider_id, settings, today)
        contracts = [ContractLine(c.reference, c.title, c.contract_type.label, c.start_date,
                                  c.end_date, c.value_pence, c.status.label)
                     for c in provider_contracts(session, provider_id, today)]
        due = review_dates(session, [provider_id], today)[provider_id].next_due
        signed = _list_reviews(session, [provider_id], statuses=[ReviewStatus.SIGNED_OFF])
        last_id = max(signed, key=lambda r: (r.review_date, str(r.id))).id if signed else None
        documents = _documents(session, provider, settings, today)
    tier = provider_tier(db, provider_id, today)
    chosen = ""
    if tier.chosen is not None:
        who = f" by {tier.chosen_by}" if tier.chosen_by else ""
        when = f" on {tier.chosen_on:%d/%m/%Y}" if tier.chosen_on else ""
        chosen = f"Chosen{who}{when}: {tier.chosen_reason or 'no reason recorded'}"
    levels = [p.risk for p in pack_settings if p.risk is not None]
    return ProviderPack(
        provider_id=provider_id, name=name, legal_name=legal_name, address=address,
        council=council, period=period, printed_on=today,
        prepared_for=prepared_for or f"Contract review meeting with {name}",
        prepared_by=prepared_by, settings=tuple(pack_settings),
        risk=max(levels, key=lambda level: _RISK_ORDER[level]) if levels else None,
        tier=tier.tier.label,
        tier_reason=f"Suggested {tier.suggested.label.lower()}: {tier.reason}",
        tier_chosen=chosen, children_now=sum(placed.values()),
        children_in_period=len(children), weeks=weeks, paid_weeks=money.paid_days / 7,
        spend_pence=money.spend_pence, fees=_fees(money, council_fees),
        ofsted=tuple(ofsted), visits=tuple(visits), open_actions=tuple(actions),
        current_placements=tuple(current), ended_placements=tuple(ended),
        contracts=tuple(contracts), next_review_due=due,
        last_review=_last_review(db, provider_id, today, last_id),
        documents=tuple(documents))


def _pack_settings(session: Session, settings: list[Setting], placed: Mapping[uuid.UUID, int],
                   today: dt.date) -> list[PackSetting]:
    risks = assess_settings(session, [s.id for s in settings], today)
    found = []
    for s in settings:
        risk = risks.get(s.id)
        found.append(PackSetting(
            s.id, s.name, s.urn, s.setting_type.label, s.registration_status.label, s.places,
            s.latest_judgement.label if s.latest_judgement else "Not yet judged",
            s.latest_inspection_date, risk.level if risk else None, risk.score if risk else 0,
            tuple((f.reason, f.points) for f in risk.factors) if risk else (),
            placed.get(s.id, 0), s.enhanced_monitoring))
    return found


def _fees(money: _Money, council: Mapping[str, tuple[int, int]]
          ) -> tuple[FeeComparison, ...]:
    """The provider's average weekly cost by type (spend ÷ weeks paid for, to the penny)
    against the council's."""
    found = []
    for kind, (spend, days) in sorted(money.by_type.items()):
        if not days:
            continue
        council_spend, council_days = council.get(kind, (0, 0))
        average = average_weekly_pence(spend, days)
        assert average is not None
        found.append(FeeComparison(
            kind, _type_label(kind) if kind else "Not recorded", days / 7, average,
            average_weekly_pence(council_spend, council_days)))
    return tuple(found)
