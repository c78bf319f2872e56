"""Importing Ofsted's files into the register: settings, inspections, closures, alerts.

One call imports one or more files in a single transaction: new settings are
created, changed ones updated, each distinct inspection recorded once (so
re-importing a file changes nothing), closures marked. A name or address the
council holds is never replaced by a blank (Ofsted publishes children's homes'
names and addresses as REDACTED; the reader turns that into None). Downgrades,
suspensions and closures of settings in use raise rating alerts (see
:mod:`placement_desk.services.alerts`). Cancelling rolls everything back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ...audit import bulk_created
from ...db import Database
from ...identifiers import is_urn
from ...io.ofsted_files import (
    OfstedFile,
    OfstedInspectionRecord,
    OfstedSettingRecord,
    read_ofsted_file,
)
from ...models import AuditEvent, OfstedInspection, Setting, utcnow
from ...models.enums import (
    AlertKind,
    InspectionEventType,
    Judgement,
    RegistrationStatus,
)
from ...progress import NULL_STATE, TaskState
from . import alerts, ofsted_mapping, risk

CLOSED_STATUSES = frozenset({RegistrationStatus.CLOSED, RegistrationStatus.CANCELLED,
                             RegistrationStatus.RESIGNED})
_SETTING_FIELDS = ("name", "address1", "address2", "town", "county", "postcode",
                   "local_authority", "region", "owner_name", "places", "sector",
                   "registration_date", "linked_education_urn", "ofsted_provision_type",
                   "setting_type", "ofsted_provider_code", "allowed_placement_codes")


@dataclass
class ImportSummary:
    """What an import did, for the GUI and ``--json``."""

    files: list[str] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    inspections_added: int = 0
    upgrades: int = 0
    downgrades: int = 0
    alerts: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Latest:
    date: dt.date
    judgement: Judgement | None


class _Importer:
    def __init__(self, session: Session, today: dt.date, state: TaskState) -> None:
        self.session = session
        self.today = today
        self.state = state
        self.summary = ImportSummary()
        self.by_urn: dict[str, Setting] = {
            s.urn: s for s in session.scalars(select(Setting).where(Setting.urn.is_not(None)))
            if s.urn
        }
        self.known_events: set[tuple[uuid.UUID, str, dt.date]] = {
            (sid, str(kind), day) for sid, kind, day in session.execute(
                select(OfstedInspection.setting_id, OfstedInspection.event_type,
                       OfstedInspection.inspection_date))
        }
        self.in_use = alerts.settings_in_use(session, today)
        self.touched: set[uuid.UUID] = set()
        self.pending_settings: list[Setting] = []
        self.pending_inspections: list[dict[str, Any]] = []
        self.now = utcnow()
        self.user = str(session.info.get("user") or "unknown")

    # -- settings --------------------------------------------------------------

    def _values(self, rec: OfstedSettingRecord) -> dict[str, Any]:
        return {
            "name": rec.name, "address1": rec.address1, "address2": rec.address2,
            "town": rec.town, "county": rec.county, "postcode": rec.postcode,
            "local_authority": rec.local_authority, "region": rec.region,
            "owner_name": rec.owner_name, "places": rec.places,
            "sector": ofsted_mapping.sector(rec.sector),
            "registration_date": rec.registration_date,
            "linked_education_urn": rec.linked_education_urn,
            "ofsted_provision_type": rec.provision_type,
            "setting_type": ofsted_mapping.setting_type(rec.provision_type)
            if rec.provision_type else None,
            "ofsted_provider_code": rec.provider_code,
            "allowed_placement_codes": ",".join(rec.allowed_placement_codes) or None,
        }

    def upsert_setting(self, rec: OfstedSettingRecord) -> Setting:
        values = self._values(rec)
        status = ofsted_mapping.registration_status(rec.registration_status)
        setting = self.by_urn.get(rec.urn)
        if setting is None:
            kind = values["setting_type"] or ofsted_mapping.setting_type(None)
            setting = Setting(id=uuid.uuid4(), urn=rec.urn,
                              registration_status=status or RegistrationStatus.ACTIVE,
                              **{k: v for k, v in values.items() if v is not None})
            if not setting.name:
                setting.name = f"{kind.label} {rec.urn}"
            setting.setting_type = kind
            setting.enhanced_monitoring = False
            self.pending_settings.append(setting)  # inserted in bulk by _flush_new
            self.by_urn[rec.urn] = setting
            self.summary.new += 1
            self.touched.add(setting.id)
            return setting
        changed = False
        for key in _SETTING_FIELDS:
            new = values[key]
            # Blank (or REDACTED) never replaces what the council holds.
            if new is not None and getattr(setting, key) != new:
                setattr(setting, key, new)
                changed = True
        if status is not None and status != setting.registration_status:
            changed |= self._change_status(setting, status, None)
        if setting.id not in self.touched:
            self.touched.add(setting.id)
            if changed:
                self.summary.updated += 1
            else:
                self.summary.unchanged += 1
        return setting

    def _change_status(self, setting: Setting, status: RegistrationStatus,
                       closed_on: dt.date | None) -> bool:
        old = setting.registration_status
        if old == status and (closed_on is None or setting.closed_date == closed_on):
            return False
        setting.registration_status = status
        if status in CLOSED_STATUSES:
            setting.closed_date = closed_on or setting.closed_date
            if old not in CLOSED_STATUSES:
                self.summary.closed += 1
                self._alert(setting, AlertKind.CLOSURE, None, None)
        elif status == RegistrationStatus.SUSPENDED and old != status:
            self._alert(setting, AlertKind.SUSPENSION, None, None)
        return True

    # -- inspections -------------------------------------------------------------

    def add_inspection(self, setting: Setting, rec: OfstedInspectionRecord) -> None:
        kind = ofsted_mapping.event_type(rec.event_type)
        key = (setting.id, str(kind), rec.inspection_date)
        if key in self.known_events:
            return
        self.known_events.add(key)
        overall = ofsted_mapping.judgement(rec.overall_judgement)
        sa_outcome = ofsted_mapping.judgement(rec.supported_accommodation_outcome)
        inspection_id = uuid.uuid4()
        self.pending_inspections.append({
            "id": inspection_id, "setting_id": setting.id, "event_type": kind,
            "inspection_date": rec.inspection_date, "publication_date": rec.publication_date,
            "event_number": rec.event_number, "overall_judgement": overall,
            "sub_judgements": dict(rec.sub_judgements),
            "supported_accommodation_outcome": sa_outcome, "source": self.current_file,
            "created_at": self.now, "updated_at": self.now, "version": 1})
        self.summary.inspections_added += 1
        judged = overall or sa_outcome
        if kind != InspectionEventType.FULL or judged is None:
            return
        if setting.latest_inspection_date and setting.latest_inspection_date >= rec.inspection_date:
            return
        previous = setting.latest_judgement
        setting.latest_judgement = judged
        setting.latest_inspection_date = rec.inspection_date
        if previous is None:
            return
        if judged.rank > previous.rank:
            self.summary.upgrades += 1
        elif judged.rank < previous.rank:
            self.summary.downgrades += 1
            if judged.group in ("below", "inadequate"):
                self._alert(setting, AlertKind.DOWNGRADE, previous, judged, inspection_id)

    def _alert(self, setting: Setting, kind: AlertKind, previous: Judgement | None,
               new: Judgement | None, inspection_id: uuid.UUID | None = None) -> None:
        if setting.id not in self.in_use:
            return
        self._flush_new()  # the alert refers to rows still waiting for the bulk insert
        alerts.raise_alert(self.session, setting, kind, previous, new, self.today,
                           inspection_id=inspection_id)
        self.summary.alerts += 1

    # -- bulk writes -------------------------------------------------------------------

    def _flush_new(self) -> None:
        """Insert new settings and inspections in bulk, with their audit events.

        Thousands of new rows through the unit of work cost seconds; Core inserts
        take a fraction. The audit trail is written here for them, as the hook
        would. New settings are then loaded back so later files update them.
        """
        table = Setting.__table__
        if self.pending_settings:
            rows = []
            for setting in self.pending_settings:
                row = {c.key: getattr(setting, c.key) for c in table.c}
                row.update(created_at=self.now, updated_at=self.now, version=1)
                rows.append(row)
            self.session.execute(insert(Setting), rows)
            self._audit("setting", rows)
        if self.pending_inspections:
            self.session.execute(insert(OfstedInspection), self.pending_inspections)
            self._audit("ofsted_inspection", self.pending_inspections)
        if self.pending_settings:
            ids = [s.id for s in self.pending_settings]
            for start in range(0, len(ids), 500):
                for loaded in self.session.scalars(
                        select(Setting).where(Setting.id.in_(ids[start:start + 500]))):
                    if loaded.urn:
                        self.by_urn[loaded.urn] = loaded
        self.pending_settings = []
        self.pending_inspections = []

    def _audit(self, entity: str, rows: list[dict[str, Any]]) -> None:
        self.session.execute(insert(AuditEvent),
                             bulk_created(entity, rows, user=self.user, at=self.now))

    # -- files -----------------------------------------------------------------------

    current_file = ""

    def import_file(self, data: OfstedFile) -> None:
        self.current_file = Path(data.path).name
        self.touched = set()
        total = len(data.settings) + len(data.inspections) + len(data.closures)
        done = 0
        step = f"Updating the register from {self.current_file}"
        for rec in data.settings:
            if not is_urn(rec.urn):
                self.summary.warnings.append(
                    f"{self.current_file}: row {rec.source_row}: {rec.urn!r} is not an Ofsted "
                    "URN, so the row was not added to the register.")
                continue
            setting = self.upsert_setting(rec)
            if rec.latest_inspection is not None:
                self.add_inspection(setting, rec.latest_inspection)
            done += 1
            if done % 200 == 0:
                self.state.check_cancelled()
                self.state.progress(step, done, total)
        for event in sorted(data.inspections, key=lambda e: e.inspection_date):
            found = self.by_urn.get(event.urn)
            if found is None:
                self.summary.warnings.append(
                    f"{self.current_file}: inspection of unknown URN {event.urn} skipped "
                    f"(row {event.source_row}).")
            else:
                self.add_inspection(found, event)
            done += 1
            if done % 200 == 0:
                self.state.check_cancelled()
                self.state.progress(step, done, total)
        for closure in data.closures:
            found = self.by_urn.get(closure.urn)
            if found is None:
                self.summary.warnings.append(
                    f"{self.current_file}: closed URN {closure.urn} is not in the register "
                    f"(row {closure.source_row}); import a provider-level file first.")
                continue
            status = (ofsted_mapping.registration_status(closure.registration_status)
                      or RegistrationStatus.CLOSED)
            self._change_status(found, status, closure.closed_date)
            done += 1
        self._flush_new()
        self.state.progress(step, total, total)
        self.summary.warnings.extend(f"{self.current_file}: {w}" for w in data.warnings)
        self.summary.files.append(self.current_file)


def import_ofsted(
    db: Database,
    paths: Sequence[str | Path],
    state: TaskState = NULL_STATE,
    today: dt.date | None = None,
    reader: Callable[[str | Path, TaskState], OfstedFile] = read_ofsted_file,
) -> ImportSummary:
    """Read every file first (so a bad file changes nothing), then import them in order."""
    files = [reader(path, state) for path in paths]
    with db.write() as session:
        importer = _Importer(session, today or dt.date.today(), state)
        for data in files:
            importer.import_file(data)
            state.check_cancelled()
            session.flush()
        state.progress("Updating risk levels", 0, 1)
        risk.refresh_risk_levels(session, importer.today)
        state.progress("Saving", 1, 1)
    return importer.summary
