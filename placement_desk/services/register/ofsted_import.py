"""Importing Ofsted's files into the register: settings, inspections, closures, alerts.

One call imports one or more files in a single transaction: new settings are
created, changed ones updated, closures marked. A name or address the council
holds is never replaced by a blank (Ofsted publishes children's homes' names and
addresses as REDACTED; the reader turns that into None). Downgrades, suspensions
and closures of settings in use raise rating alerts (see :mod:`.alerts`).
Cancelling rolls everything back.

Each file is opened first (one that is not Ofsted's is refused before anything is
written), then read and written twenty thousand records at a time inside the one
transaction (:data:`FLUSH_EVERY`); a register too large to load whole is looked up a
part at a time. Ofsted's files fit in one part; a file of a million rows is never held.

**Leaving the register.** A setting missing from a full provider-level file newer
than any imported before is no longer registered from that file's date (a closure
alert if the council uses it). In-year files, closed-homes files and the lists
Ofsted sends councils never close anything, and a file older than the newest
register imported adds history but does not overwrite, reopen or close a setting.

The rules of the judgement history (one inspection per event, the later publication
wins, the latest judgement) are kept by :mod:`.ofsted_history`; what an import holds
while it works, and its bulk writes, by :mod:`.ofsted_import_state`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from ...db import Database
from ...identifiers import is_urn
from ...io.ofsted_files import OfstedReading, open_ofsted_file
from ...io.ofsted_records import ClosedSettingRecord, OfstedInspectionRecord, OfstedSettingRecord
from ...models import Setting
from ...models.enums import AlertKind, Judgement, RegistrationStatus
from ...progress import NULL_STATE, TaskState
from ..common.backups import import_backup
from ..common.settings_store import OFSTED_REGISTER_AS_AT, set_setting
from ..users.roles import Permission, require
from . import alerts, ofsted_import_state, ofsted_mapping, risk
from .ofsted_history import InspectionHistory
from .ofsted_import_state import ImportSummary

CLOSED_STATUSES = frozenset(s for s in RegistrationStatus if s.group == "closed")
REGISTERED_STATUSES = frozenset(s for s in RegistrationStatus if s.group == "registered")
FLUSH_EVERY = 20_000
"""Records of a file taken before the changes they make are written (inside the one
transaction) and forgotten, so that a file of a million rows is held a part at a time.
The files Ofsted publishes (under 6,000 rows) are taken in one part."""
FULL_REGISTER_SHARE = 0.5
"""A provider-level file listing fewer than this share of the registered settings is
taken for an extract (filtered by hand), not a full register, and closes nothing."""

_SETTING_FIELDS = ("name", "address1", "address2", "town", "county", "postcode",
                   "local_authority", "region", "owner_name", "places", "sector",
                   "registration_date", "linked_education_urn", "ofsted_provision_type",
                   "setting_type", "ofsted_provider_code", "allowed_placement_codes")


class _Importer(InspectionHistory):
    """Takes Ofsted's files into the register: each file's settings, then its inspections
    and closures, a part at a time."""

    def _end_part(self) -> None:
        """Settle the part's settings, write it, and forget it unless the whole register is
        still small enough to keep loaded."""
        self.settle_latest()
        keep = self.whole and len(self.by_id) <= ofsted_import_state.CACHE_LIMIT
        self._flush(reload=keep)
        self.taken = 0
        if keep:
            return
        self.whole = False
        self.by_urn, self.by_id, self.unknown = {}, {}, set()
        self.by_number, self.by_date, self.events_of = {}, {}, {}

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
            if not self.is_current:
                # Not in the newest register imported, so it has left the register since.
                status = RegistrationStatus.NO_LONGER_REGISTERED
            setting = Setting(id=uuid.uuid4(), urn=rec.urn,
                              registration_status=status or RegistrationStatus.ACTIVE,
                              **{k: v for k, v in values.items() if v is not None})
            if not setting.name:
                setting.name = f"{kind.label} {rec.urn}"
            setting.setting_type = kind
            setting.enhanced_monitoring = False
            self.pending_settings.append(setting)  # inserted in bulk by _flush
            self.pending_ids.add(setting.id)
            self.by_urn[rec.urn] = setting
            self.by_id[setting.id] = setting
            self.unknown.discard(rec.urn)
            self.summary.new += 1
            self.touched.add(rec.urn)
            return setting
        changed = False
        if self.is_current:
            for key in _SETTING_FIELDS:
                new = values[key]
                # Blank (or REDACTED) never replaces what the council holds.
                if new is not None and getattr(setting, key) != new:
                    self._set(setting, key, new)
                    changed = True
            if status is not None and status != setting.registration_status:
                changed |= self._change_status(setting, status, None)
        if rec.urn not in self.touched:
            self.touched.add(rec.urn)
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
        self._set(setting, "registration_status", status)
        if status in CLOSED_STATUSES:
            self._set(setting, "closed_date", closed_on or setting.closed_date)
            if old not in CLOSED_STATUSES:
                self.summary.closed += 1
                self._alert(setting, AlertKind.CLOSURE, None, None)
        else:
            if old in CLOSED_STATUSES:  # registered again
                self._set(setting, "closed_date", None)
            if status == RegistrationStatus.SUSPENDED and old != status:
                self._alert(setting, AlertKind.SUSPENSION, None, None)
        return True

    def close_absent(self, listed: Collection[str]) -> None:
        """Mark the registered settings a newer full register leaves out (``listed`` holds
        the URNs it gives) as no longer registered, from the file's date."""
        absent: list[uuid.UUID] = []
        registered = 0
        for urn, setting_id, status, deleted_at in self._register():
            if status not in REGISTERED_STATUSES:
                continue
            if urn in listed:
                registered += 1
            elif deleted_at is None:
                absent.append(setting_id)
        if not absent or self.as_at is None:
            if absent:
                self.summary.warnings.append(
                    f"{self.current_file}: the file does not say which date it describes "
                    "(no 'as at' date in its title or name), so the settings it leaves out "
                    "were not marked as no longer registered. Import it under the name "
                    "Ofsted published it with (e.g. provider_level_at_31_march_2025.csv).")
            return
        registered += len(absent)
        if len(listed) < FULL_REGISTER_SHARE * registered:
            self.summary.warnings.append(
                f"{self.current_file}: the file lists {len(listed):,} settings, fewer than "
                f"half of the {registered:,} registered settings held, so it was taken for "
                "an extract of the register: no setting was marked as no longer registered.")
            return
        for start in range(0, len(absent), FLUSH_EVERY):
            part = absent[start:start + FLUSH_EVERY]
            self._load_ids(part)
            for setting_id in part:
                self._change_status(self.by_id[setting_id],
                                    RegistrationStatus.NO_LONGER_REGISTERED, self.as_at)
            if start + FLUSH_EVERY < len(absent):
                self._end_part()

    def _alert(self, setting: Setting, kind: AlertKind, previous: Judgement | None,
               new: Judgement | None, inspection_id: uuid.UUID | None = None) -> None:
        if setting.id not in self.in_use:
            return
        self._flush()  # the alert refers to rows still waiting for the bulk writes
        alerts.raise_alert(self.session, setting, kind, previous, new, self.today,
                           inspection_id=inspection_id)
        self.summary.alerts += 1

    # -- files -----------------------------------------------------------------------

    def _file_is_current(self, data: OfstedReading) -> bool:
        """Whether the file is as new as the newest register imported (an undated file
        is taken as current, as files are imported oldest first)."""
        if data.as_at is None or self.register_as_at is None:
            return True
        if data.kind == "provider_level":
            return data.as_at >= self.register_as_at
        return data.as_at > self.register_as_at

    def import_file(self, data: OfstedReading) -> None:
        """Take one file, a chunk of rows at a time: its settings as they are read, then its
        in-year inspections (in date order) and its closures. Each :data:`FLUSH_EVERY`
        records are written and forgotten; all within the caller's one transaction."""
        self.current_file = Path(data.path).name
        self.as_at = data.as_at
        self.is_current = self._file_is_current(data)
        self.touched = set()
        self.file_before = {}
        self.downgrades = {}
        step = f"Updating the register from {self.current_file}"
        inspections: list[OfstedInspectionRecord] = []
        closures: list[ClosedSettingRecord] = []
        self.state.progress(step, 0, data.total_rows)
        for chunk in data.chunks(self.state, step):
            self._load(rec.urn for rec in chunk.settings)
            for rec in chunk.settings:
                self.taken += 1
                if not is_urn(rec.urn):
                    self.summary.warnings.append(
                        f"{self.current_file}: row {rec.source_row}: {rec.urn!r} is not an "
                        "Ofsted URN, so the row was not added to the register.")
                    continue
                setting = self.upsert_setting(rec)
                if rec.latest_inspection is not None:
                    self.add_inspection(setting, rec.latest_inspection)
                    if rec.latest_inspection.previous is not None:
                        self.add_inspection(setting, rec.latest_inspection.previous)
            # In-year events and closures wait for every setting of the file.
            inspections += chunk.inspections
            closures += chunk.closures
            if self.taken >= FLUSH_EVERY:
                self._end_part()
        inspections.sort(key=lambda e: e.inspection_date)
        events_step = f"Adding the inspections from {self.current_file}"
        for start in range(0, len(inspections), FLUSH_EVERY):
            part = inspections[start:start + FLUSH_EVERY]
            self._load(e.urn for e in part)
            for done, event in enumerate(part, start + 1):
                found = self.by_urn.get(event.urn)
                if found is None:
                    self.summary.warnings.append(
                        f"{self.current_file}: inspection of unknown URN {event.urn} skipped "
                        f"(row {event.source_row}).")
                else:
                    self.add_inspection(found, event)
                    if event.previous is not None:
                        self.add_inspection(found, event.previous)
                if done % 200 == 0:
                    self.state.check_cancelled()
                    self.state.progress(events_step, done, len(inspections))
            self.taken += len(part)
            if self.taken >= FLUSH_EVERY:
                self._end_part()
        inspections = []
        for start in range(0, len(closures), FLUSH_EVERY):
            part_closures = closures[start:start + FLUSH_EVERY]
            self._load(c.urn for c in part_closures)
            for closure in part_closures:
                found = self.by_urn.get(closure.urn)
                if found is None:
                    self.summary.warnings.append(
                        f"{self.current_file}: closed URN {closure.urn} is not in the "
                        f"register (row {closure.source_row}); import a provider-level "
                        "file first.")
                    continue
                status = (ofsted_mapping.registration_status(closure.registration_status)
                          or RegistrationStatus.CLOSED)
                # An older closures file may say how a setting that has left the register
                # left it, but never closes or reopens one a newer register lists.
                if self.is_current or (found.registration_status in CLOSED_STATUSES
                                       and status in CLOSED_STATUSES):
                    self._change_status(found, status, closure.closed_date)
            self.state.check_cancelled()
            self.taken += len(part_closures)
            if self.taken >= FLUSH_EVERY:
                self._end_part()
        self._end_part()  # settled before written: new settings go in judged
        for setting_id, (before, now, inspection_id) in self.downgrades.items():
            self._alert(self._setting(setting_id), AlertKind.DOWNGRADE, before, now,
                        inspection_id)
        self.downgrades = {}
        if data.kind == "provider_level" and self.is_current:
            self.close_absent(data.urns)
            if data.as_at is not None and (self.register_as_at is None
                                           or data.as_at > self.register_as_at):
                self.register_as_at = data.as_at
                set_setting(self.session, OFSTED_REGISTER_AS_AT, data.as_at.isoformat())
            self._flush()
        self.touched = set()
        self.file_before = {}
        self.state.progress(step, data.total_rows, data.total_rows)
        self.summary.warnings.extend(f"{self.current_file}: {w}" for w in data.warnings)
        self.summary.files.append(self.current_file)


def import_ofsted(
    db: Database,
    paths: Sequence[str | Path],
    state: TaskState = NULL_STATE,
    today: dt.date | None = None,
) -> ImportSummary:
    """Import the files in order, in one transaction.

    Every file is opened first, so a file that is not Ofsted's is refused before anything
    is written; each is then read a chunk of rows at a time as it is imported (a file of a
    million rows is never held whole). A row the reader cannot read (a CSV record it
    cannot parse) raises then, and the transaction is rolled back: nothing changes.
    """
    require(db, Permission.IMPORT_DATA, Permission.EDIT_REGISTER)
    state.check_cancelled()
    files = [open_ofsted_file(path) for path in paths]
    # The files are readable: a copy to go back to, kept only if the import commits.
    with import_backup(db), db.write() as session:
        importer = _Importer(session, today or dt.date.today(), state)
        for data in files:
            importer.import_file(data)
            state.check_cancelled()
            session.flush()
        state.progress("Updating risk levels", 0, 1)
        risk.refresh_risk_levels(session, importer.today)
        state.progress("Saving", 1, 1)
    return importer.summary
