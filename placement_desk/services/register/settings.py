"""Creating, editing and reading one setting: the rules behind the setting forms.

Validation raises :class:`~placement_desk.errors.ValidationError` naming the
field, so a dialog can show the message beside it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...db import Database
from ...errors import ValidationError
from ...identifiers import is_postcode, is_urn, normalise_postcode, normalise_urn
from ...models import (
    Action,
    AuditEvent,
    Child,
    OfstedInspection,
    PlacementEpisode,
    Provider,
    ProviderDocument,
    QaVisit,
    RatingAlert,
    Setting,
)
from ...models.enums import (
    ActionStatus,
    AuditAction,
    InspectionEventType,
    Judgement,
    RegistrationStatus,
    Sector,
    SettingType,
)
from ..common.limits import check_lengths
from ..contracts.contract_views import ProviderContract, provider_contracts
from ..placements.live import live_on
from ..users.roles import Permission, require
from .documents import DocumentStatus, document_statuses
from .listing import OtherJudgement
from .risk import assess_settings


@dataclass
class SettingForm:
    """What the create/edit form holds; plain values, no ORM objects."""

    name: str = ""
    setting_type: SettingType = SettingType.CHILDRENS_HOME
    urn: str | None = None
    provider_id: uuid.UUID | None = None
    sector: Sector | None = None
    places: int | None = None
    registration_status: RegistrationStatus = RegistrationStatus.ACTIVE
    registration_date: dt.date | None = None
    closed_date: dt.date | None = None
    address1: str | None = None
    address2: str | None = None
    town: str | None = None
    county: str | None = None
    postcode: str | None = None
    local_authority: str | None = None
    region: str | None = None
    notes: str | None = None


SETTING_TEXT = {
    "name": ("The name", Setting.name), "urn": ("The URN", Setting.urn),
    "address1": ("The address", Setting.address1), "address2": ("The address",
                                                               Setting.address2),
    "town": ("The town", Setting.town), "county": ("The county", Setting.county),
    "postcode": ("The postcode", Setting.postcode),
    "local_authority": ("The local authority", Setting.local_authority),
    "region": ("The region", Setting.region),
}
"""The setting form's text fields with their labels and columns (for their lengths)."""


def _validate_setting(session: Session, form: SettingForm, setting_id: uuid.UUID | None,
                     today: dt.date | None = None) -> SettingForm:
    """Check a form and return it tidied (URN and postcode normalised)."""
    today = today or dt.date.today()
    name = " ".join(form.name.split())
    if not name:
        raise ValidationError("name", "Enter the setting's name.")
    check_lengths(vars(form), SETTING_TEXT)
    urn = normalise_urn(form.urn)
    regulated = form.setting_type.group == "regulated"
    if urn is None and regulated:
        raise ValidationError("urn", "Enter the Ofsted URN: registered settings have one "
                                     "(for example SC469688 or 2590934).")
    if urn is not None and not is_urn(urn):
        raise ValidationError("urn", f"{urn} is not an Ofsted URN: it should be two letters "
                                     "and six digits (SC469688) or six or seven digits "
                                     "(2590934).")
    if urn is not None:
        query = select(Setting.name).where(Setting.urn == urn)
        if setting_id is not None:
            query = query.where(Setting.id != setting_id)
        clash = session.scalar(query)
        if clash is not None:
            raise ValidationError("urn", f"URN {urn} is already recorded for {clash}.")
    postcode = normalise_postcode(form.postcode)
    if postcode is not None and not is_postcode(postcode):
        raise ValidationError("postcode", f"{form.postcode} is not a UK postcode "
                                          "(for example SM1 1AA).")
    if form.places is not None and form.places < 0:
        raise ValidationError("places", "Places cannot be negative.")
    if form.registration_date and form.registration_date > today:
        raise ValidationError("registration_date", "The registration date is in the future.")
    if form.closed_date and form.registration_date and form.closed_date < form.registration_date:
        raise ValidationError("closed_date", "The closing date is before the registration date.")
    form.name, form.urn, form.postcode = name, urn, postcode
    return form


def validate_setting(db: Database, form: SettingForm, setting_id: uuid.UUID | None,
                     today: dt.date | None = None) -> SettingForm:
    """Check a form and return it tidied (URN and postcode normalised)."""
    with db.read() as session:
        return _validate_setting(session, form, setting_id, today)


def save_setting(db: Database, form: SettingForm,
                 setting_id: uuid.UUID | None = None) -> uuid.UUID:
    """Create or update a setting after validation; returns its id."""
    require(db, Permission.EDIT_REGISTER)
    with db.write() as session:
        _validate_setting(session, form, setting_id)
        if setting_id is None:
            setting = Setting(id=uuid.uuid4())
            session.add(setting)
        else:
            found = session.get(Setting, setting_id)
            if found is None or found.deleted_at is not None:
                raise ValidationError("name", "This setting has been deleted by someone else.")
            setting = found
        for key, value in vars(form).items():
            if getattr(setting, key, None) != value:
                setattr(setting, key, value)
        return setting.id


def load_form(db: Database, setting_id: uuid.UUID) -> SettingForm:
    with db.read() as session:
        setting = session.get(Setting, setting_id)
        if setting is None:
            raise ValidationError("name", "This setting no longer exists.")
        return SettingForm(**{k: getattr(setting, k) for k in vars(SettingForm())})


# --- Reading one setting with everything around it -------------------------------------

@dataclass(frozen=True)
class InspectionRow:
    date: dt.date
    event_type: str
    judgement: Judgement | None
    publication_date: dt.date | None
    sub_judgements: dict[str, Any]
    kind: InspectionEventType = InspectionEventType.FULL

    @property
    def judgement_text(self) -> str:
        """The judgement and the kind of inspection that gave it: 'Good (monitoring
        inspection)'; only a full inspection's is the overall effectiveness."""
        if self.judgement is None:
            return ""
        return f"{self.judgement.label} ({self.kind.label.lower()})"


@dataclass(frozen=True)
class PlacementRow:
    episode_id: uuid.UUID
    child_ref: str
    start: dt.date
    end: dt.date | None
    placement_type: str


@dataclass(frozen=True)
class AuditRow:
    at: dt.datetime
    user: str
    action: AuditAction
    changes: str


@dataclass(frozen=True)
class ProviderSetting:
    id: uuid.UUID
    name: str
    urn: str | None
    setting_type: SettingType
    latest_judgement: Judgement | None
    places: int | None
    children_placed: int


@dataclass(frozen=True)
class ProviderTotals:
    """A provider (organisation) with its settings and totals across them."""

    name: str
    settings: tuple[ProviderSetting, ...]
    places: int
    children_placed: int
    good_or_better: int
    judged: int
    open_actions: int


def provider_totals(session: Session, provider_id: uuid.UUID,
                    today: dt.date) -> ProviderTotals | None:
    provider = session.get(Provider, provider_id)
    if provider is None:
        return None
    live = (live_on(today),)
    placed = {sid: n for sid, n in session.execute(
        select(PlacementEpisode.setting_id, func.count(func.distinct(PlacementEpisode.child_id)))
        .join(Setting, Setting.id == PlacementEpisode.setting_id)
        .where(Setting.provider_id == provider_id, *live)
        .group_by(PlacementEpisode.setting_id))}
    rows = tuple(
        ProviderSetting(s.id, s.name, s.urn, s.setting_type, s.latest_judgement, s.places,
                        int(placed.get(s.id, 0)))
        for s in session.scalars(select(Setting).where(
            Setting.provider_id == provider_id, Setting.deleted_at.is_(None))
            .order_by(Setting.name)))
    judged = [r.latest_judgement for r in rows if r.latest_judgement is not None]
    open_actions = session.scalar(
        select(func.count()).select_from(Action).join(Setting, Setting.id == Action.setting_id)
        .where(Setting.provider_id == provider_id, Action.deleted_at.is_(None),
               Action.status.in_((ActionStatus.OPEN, ActionStatus.IN_PROGRESS,
                                  ActionStatus.OVERDUE)))) or 0
    return ProviderTotals(
        provider.name, rows, sum(r.places or 0 for r in rows),
        sum(r.children_placed for r in rows),
        sum(1 for j in judged if j.group == "good_or_better"), len(judged), int(open_actions))


@dataclass
class SettingDetail:
    id: uuid.UUID
    name: str
    urn: str | None
    setting_type: SettingType
    provider_name: str | None
    provider_id: uuid.UUID | None
    registration_status: RegistrationStatus
    address: str
    latest_judgement: Judgement | None
    latest_inspection_date: dt.date | None
    enhanced_monitoring: bool
    later_judgement: OtherJudgement | None = None
    """The latest judgement of an inspection other than a full one (a monitoring
    inspection, say) since the latest full inspection, or ever if there is none."""
    risk_level: str = ""
    risk_explanation: str = ""
    provider_totals: ProviderTotals | None = None
    inspections: list[InspectionRow] = field(default_factory=list)
    placements: list[PlacementRow] = field(default_factory=list)
    open_alerts: list[str] = field(default_factory=list)
    visits: list[tuple[dt.date | None, str, str]] = field(default_factory=list)
    actions: list[tuple[str, dt.date | None, ActionStatus]] = field(default_factory=list)
    contracts: list[ProviderContract] = field(default_factory=list)
    documents: list[DocumentStatus] = field(default_factory=list)
    audit: list[AuditRow] = field(default_factory=list)


def setting_detail(db: Database, setting_id: uuid.UUID,
                   today: dt.date | None = None) -> SettingDetail:
    today = today or dt.date.today()
    with db.read() as s:
        setting = s.get(Setting, setting_id)
        if setting is None:
            raise ValidationError("name", "This setting no longer exists.")
        provider = s.get(Provider, setting.provider_id) if setting.provider_id else None
        address = ", ".join(p for p in (setting.address1, setting.address2, setting.town,
                                        setting.county, setting.postcode) if p)
        detail = SettingDetail(
            id=setting.id, name=setting.name, urn=setting.urn,
            setting_type=setting.setting_type,
            provider_name=provider.name if provider else setting.owner_name,
            provider_id=setting.provider_id, registration_status=setting.registration_status,
            address=address, latest_judgement=setting.latest_judgement,
            latest_inspection_date=setting.latest_inspection_date,
            enhanced_monitoring=setting.enhanced_monitoring)
        assessed = assess_settings(s, [setting_id], today).get(setting_id)
        if assessed is not None:
            detail.risk_level = assessed.level.label
            detail.risk_explanation = assessed.explain()
        if setting.provider_id:
            detail.provider_totals = provider_totals(s, setting.provider_id, today)
        for ins in s.scalars(select(OfstedInspection).where(
                OfstedInspection.setting_id == setting_id)
                .order_by(OfstedInspection.inspection_date)):
            judged = ins.overall_judgement or ins.supported_accommodation_outcome
            detail.inspections.append(InspectionRow(
                ins.inspection_date, ins.event_type.label, judged,
                ins.publication_date, dict(ins.sub_judgements or {}), ins.event_type))
            if (ins.event_type != InspectionEventType.FULL and judged is not None
                    and (setting.latest_inspection_date is None
                         or ins.inspection_date > setting.latest_inspection_date)):
                detail.later_judgement = OtherJudgement(judged, ins.event_type,
                                                        ins.inspection_date)
        for ep, ref in s.execute(
                select(PlacementEpisode, Child.case_ref).join(Child)
                .where(PlacementEpisode.setting_id == setting_id,
                       PlacementEpisode.deleted_at.is_(None))
                .order_by(PlacementEpisode.start_date.desc())):
            detail.placements.append(PlacementRow(ep.id, ref, ep.start_date, ep.end_date,
                                                  ep.placement_type))
        for alert in s.scalars(select(RatingAlert).where(
                RatingAlert.setting_id == setting_id, RatingAlert.acknowledged_at.is_(None))):
            detail.open_alerts.append(
                f"{alert.kind.label} on {alert.raised_on:%d/%m/%Y}"
                + (f": {alert.previous_judgement.label} → {alert.new_judgement.label}"
                   if alert.previous_judgement and alert.new_judgement else ""))
        for visit in s.scalars(select(QaVisit).where(
                QaVisit.setting_id == setting_id, QaVisit.deleted_at.is_(None))
                .order_by(QaVisit.visit_date.desc())):
            detail.visits.append((visit.visit_date or visit.planned_date, visit.status.label,
                                  visit.overall_judgement.label if visit.overall_judgement
                                  else ""))
        for action in s.scalars(select(Action).where(
                Action.setting_id == setting_id, Action.deleted_at.is_(None))
                .order_by(Action.due_date)):
            detail.actions.append((action.description, action.due_date, action.status))
        if setting.provider_id:
            detail.contracts = provider_contracts(s, setting.provider_id, today)
        owners = [ProviderDocument.setting_id == setting_id]
        if setting.provider_id:
            owners.append(ProviderDocument.provider_id == setting.provider_id)
        docs = s.scalars(select(ProviderDocument).where(
            or_(*owners), ProviderDocument.deleted_at.is_(None)))
        detail.documents = document_statuses(list(docs), today)
        for event in s.scalars(select(AuditEvent).where(
                AuditEvent.entity == "setting", AuditEvent.entity_id == setting_id)
                .order_by(AuditEvent.at.desc()).limit(200)):
            changes = ", ".join(f"{k}: {(event.before or {}).get(k)!r} → {v!r}"
                                for k, v in (event.after or {}).items())
            detail.audit.append(AuditRow(event.at, event.user, event.action, changes))
        return detail
