"""Importing Ofsted's files into the register: settings, inspections, closures, alerts.

One call imports one or more files in a single transaction: new settings are
created, changed ones updated, closures marked. A name or address the council
holds is never replaced by a blank (Ofsted publishes children's homes' names and
addresses as REDACTED; the reader turns that into None). Downgrades, suspensions
and closures of settings in use raise rating alerts (see :mod:`.alerts`).
Cancelling rolls everything back.

The rules of the judgement history:

- **One inspection per event.** An event is found by its event number where the
  file gives one, otherwise by its setting, type and date; the previous full
  inspection a file gives beside the latest is an event too. Numbers and dates an
  earlier publication used for an event stay attached to it (``earlier_keys``), so
  re-importing any file finds the event again and changes nothing.
- **The later publication wins.** Files are dated by what they describe ("as at
  31 March 2025", from the title or the name). Where a later file gives another
  date, number or judgement for an event, the stored event takes it and the audit
  trail keeps the change with the file it came from; a blank never erases a value.
  If the new date is that of another stored copy of the event, the two are merged.
- **Leaving the register.** A setting missing from a full provider-level file newer
  than any imported before is no longer registered from that file's date (a closure
  alert if the council uses it). In-year files, closed-homes files and the lists
  Ofsted sends councils never close anything, and a file older than the newest
  register imported adds history but does not overwrite, reopen or close a setting.
- **Latest judgement** is that of the latest judged full inspection; a monitoring or
  other inspection's judgement is stored with its event, never as the setting's
  overall effectiveness judgement.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ...audit import audit_value, chain_rows
from ...db import Database
from ...identifiers import is_urn
from ...io.ofsted_files import (
    OfstedFile,
    OfstedInspectionRecord,
    OfstedSettingRecord,
    read_ofsted_file,
)
from ...models import AuditEvent, OfstedInspection, RatingAlert, Setting, utcnow
from ...models.enums import (
    AlertKind,
    AuditAction,
    InspectionEventType,
    Judgement,
    RegistrationStatus,
)
from ...progress import NULL_STATE, TaskState
from ..common.backups import import_backup
from ..common.settings_store import OFSTED_REGISTER_AS_AT, get_setting, set_setting
from ..users.roles import Permission, require
from . import alerts, ofsted_mapping, risk

CLOSED_STATUSES = frozenset(s for s in RegistrationStatus if s.group == "closed")
REGISTERED_STATUSES = frozenset(s for s in RegistrationStatus if s.group == "registered")
FULL_REGISTER_SHARE = 0.5
"""A provider-level file listing fewer than this share of the registered settings is
taken for an extract (filtered by hand), not a full register, and closes nothing."""

_SETTING_FIELDS = ("name", "address1", "address2", "town", "county", "postcode",
                   "local_authority", "region", "owner_name", "places", "sector",
                   "registration_date", "linked_education_urn", "ofsted_provision_type",
                   "setting_type", "ofsted_provider_code", "allowed_placement_codes")
# The values of an inspection a later publication may correct (identity aside).
_VALUE_FIELDS = ("publication_date", "overall_judgement", "supported_accommodation_outcome")
_INSPECTION_TABLE: Table = OfstedInspection.__table__  # type: ignore[assignment]
_SETTING_TABLE: Table = Setting.__table__  # type: ignore[assignment]
_AUDIT_TABLE: Table = AuditEvent.__table__  # type: ignore[assignment]
_META = ("created_at", "updated_at", "version")


@dataclass
class ImportSummary:
    """What an import did, for the GUI and ``--json``."""

    files: list[str] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    inspections_added: int = 0
    inspections_corrected: int = 0
    upgrades: int = 0
    downgrades: int = 0
    alerts: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(eq=False, slots=True)
class _Event:
    """One stored (or about to be stored) inspection: its row as the table holds it."""

    row: dict[str, Any]
    new: bool  # waiting for the bulk insert

    @property
    def id(self) -> uuid.UUID:
        return self.row["id"]  # type: ignore[no-any-return]

    @property
    def setting_id(self) -> uuid.UUID:
        return self.row["setting_id"]  # type: ignore[no-any-return]

    @property
    def earlier(self) -> dict[str, list[str]]:
        keys = self.row.get("earlier_keys") or {}
        return {"event_numbers": list(keys.get("event_numbers", ())),
                "dates": list(keys.get("dates", ()))}

    def judged(self) -> Judgement | None:
        if self.row["event_type"] != InspectionEventType.FULL:
            return None
        found: Judgement | None = (self.row["overall_judgement"]
                                   or self.row["supported_accommodation_outcome"])
        return found


def _remember(keys: dict[str, list[str]], kind: str, value: str | None) -> None:
    if value is not None and value not in keys[kind]:
        keys[kind].append(value)


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
        self.by_id: dict[uuid.UUID, Setting] = {s.id: s for s in self.by_urn.values()}
        stored = get_setting(session, OFSTED_REGISTER_AS_AT)
        self.register_as_at: dt.date | None = dt.date.fromisoformat(stored) if stored else None
        self.in_use = alerts.settings_in_use(session, today)
        self.now = utcnow()
        self.user = str(session.info.get("user") or "unknown")
        # Every stored inspection, found by (setting, number) and (setting, type, date),
        # earlier numbers and dates included.
        self.by_number: dict[tuple[uuid.UUID, str], _Event] = {}
        self.by_date: dict[tuple[uuid.UUID, InspectionEventType, dt.date], _Event] = {}
        self.events_of: dict[uuid.UUID, list[_Event]] = {}
        for row in session.execute(select(_INSPECTION_TABLE)).mappings():
            self._index(_Event(dict(row), new=False))
        self.touched: set[uuid.UUID] = set()
        self.judged_before: dict[uuid.UUID, Judgement | None] = {}
        self.pending_settings: list[Setting] = []
        self.pending_ids: set[uuid.UUID] = set()
        self.setting_before: dict[uuid.UUID, dict[str, Any]] = {}
        self.setting_changes: dict[uuid.UUID, dict[str, Any]] = {}
        self.pending_inserts: list[_Event] = []
        self.pending_updates: dict[uuid.UUID, _Event] = {}
        self.pending_deletes: list[tuple[_Event, _Event]] = []  # (removed, kept)
        self.pending_audit: list[dict[str, Any]] = []
        self.current_file = ""
        self.as_at: dt.date | None = None
        self.is_current = True

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
            self.summary.new += 1
            self.touched.add(setting.id)
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

    def _set(self, setting: Setting, key: str, value: Any) -> None:
        """Change a setting's value. A setting already stored is written by :meth:`_flush`
        in bulk, with its audit event (the unit of work takes seconds for thousands)."""
        if setting.id in self.pending_ids:
            setattr(setting, key, value)  # not stored yet: inserted with its values
            return
        old = getattr(setting, key)
        if old == value:
            return
        set_committed_value(setting, key, value)
        self.setting_before.setdefault(setting.id, {}).setdefault(key, old)
        self.setting_changes.setdefault(setting.id, {})[key] = value

    def close_absent(self, data: OfstedFile) -> None:
        """Mark the registered settings a newer full register leaves out as no longer
        registered, from the file's date."""
        listed = {rec.urn for rec in data.settings}
        absent = [s for urn, s in self.by_urn.items()
                  if urn not in listed and s.deleted_at is None
                  and s.registration_status in REGISTERED_STATUSES]
        if not absent or self.as_at is None:
            if absent:
                self.summary.warnings.append(
                    f"{self.current_file}: the file does not say which date it describes "
                    "(no 'as at' date in its title or name), so the settings it leaves out "
                    "were not marked as no longer registered. Import it under the name "
                    "Ofsted published it with (e.g. provider_level_at_31_march_2025.csv).")
            return
        registered = len(absent) + sum(
            1 for urn in listed if (s := self.by_urn.get(urn)) is not None
            and s.registration_status in REGISTERED_STATUSES)
        if len(listed) < FULL_REGISTER_SHARE * registered:
            self.summary.warnings.append(
                f"{self.current_file}: the file lists {len(listed):,} settings, fewer than "
                f"half of the {registered:,} registered settings held, so it was taken for "
                "an extract of the register: no setting was marked as no longer registered.")
            return
        for setting in absent:
            self._change_status(setting, RegistrationStatus.NO_LONGER_REGISTERED, self.as_at)

    # -- inspections -------------------------------------------------------------

    def _index(self, event: _Event) -> None:
        row = event.row
        sid = event.setting_id
        self.events_of.setdefault(sid, []).append(event)
        if row["event_number"]:
            self.by_number.setdefault((sid, row["event_number"]), event)
        self.by_date[(sid, row["event_type"], row["inspection_date"])] = event
        if row["earlier_keys"]:
            earlier = event.earlier
            for number in earlier["event_numbers"]:
                self.by_number.setdefault((sid, number), event)
            for day in earlier["dates"]:
                self.by_date.setdefault((sid, row["event_type"], dt.date.fromisoformat(day)),
                                        event)

    def _record_values(self, kind: InspectionEventType,
                       rec: OfstedInspectionRecord) -> dict[str, Any]:
        subs = dict(rec.sub_judgements)
        if kind != InspectionEventType.FULL:
            # "Overall experiences and progress" is the overall effectiveness of a full
            # inspection; a monitoring inspection's word there is not that judgement.
            subs.pop("experiences_and_progress", None)
        return {"publication_date": rec.publication_date,
                "overall_judgement": ofsted_mapping.judgement(rec.overall_judgement),
                "supported_accommodation_outcome":
                    ofsted_mapping.judgement(rec.supported_accommodation_outcome),
                "sub_judgements": subs}

    def add_inspection(self, setting: Setting, rec: OfstedInspectionRecord) -> None:
        kind = ofsted_mapping.event_type(rec.event_type)
        number = rec.event_number
        event = self.by_number.get((setting.id, number)) if number else None
        if event is None:
            event = self.by_date.get((setting.id, kind, rec.inspection_date))
        values = self._record_values(kind, rec)
        if event is None:
            self._new_event(setting, kind, rec, values)
        elif self._is_later(event):
            self._correct(event, kind, rec, values)

    def _new_event(self, setting: Setting, kind: InspectionEventType,
                   rec: OfstedInspectionRecord, values: dict[str, Any]) -> None:
        row = {"id": uuid.uuid4(), "setting_id": setting.id, "event_type": kind,
               "inspection_date": rec.inspection_date, "event_number": rec.event_number,
               **values, "source": self.current_file, "source_as_at": self.as_at,
               "earlier_keys": None, "created_at": self.now, "updated_at": self.now,
               "version": 1}
        event = _Event(row, new=True)
        self._index(event)
        self.pending_inserts.append(event)
        self._latest_may_change(setting.id)
        self.summary.inspections_added += 1

    def _is_later(self, event: _Event) -> bool:
        """Whether this file is a later publication than the one the event's values are from
        (an undated file never is; a dated one is later than an undated)."""
        held = event.row["source_as_at"]
        return self.as_at is not None and (held is None or self.as_at > held)

    def _correct(self, event: _Event, kind: InspectionEventType,
                 rec: OfstedInspectionRecord, values: dict[str, Any]) -> None:
        row = event.row
        wanted: dict[str, Any] = {"event_type": kind, "inspection_date": rec.inspection_date}
        if rec.event_number:
            wanted["event_number"] = rec.event_number
        for key in _VALUE_FIELDS:
            if values[key] is not None:  # a blank never erases what was published
                wanted[key] = values[key]
        subs = {**(row["sub_judgements"] or {}), **values["sub_judgements"]}
        if subs != (row["sub_judgements"] or {}):
            wanted["sub_judgements"] = subs
        changed = {k: v for k, v in wanted.items() if row[k] != v}
        if not changed:
            return
        earlier = event.earlier
        if "event_number" in changed:
            _remember(earlier, "event_numbers", row["event_number"])
            self.by_number[(event.setting_id, changed["event_number"])] = event
        moved = "inspection_date" in changed or "event_type" in changed
        if moved:
            _remember(earlier, "dates", row["inspection_date"].isoformat())
            at = (event.setting_id, kind, rec.inspection_date)
            other = self.by_date.get(at)
            if other is not None and other is not event:
                self._merge(other, into=event, earlier=earlier)
            self.by_date[at] = event
        earlier["dates"] = [d for d in earlier["dates"]
                            if d != rec.inspection_date.isoformat()]
        earlier["event_numbers"] = [n for n in earlier["event_numbers"]
                                    if n != wanted.get("event_number", row["event_number"])]
        keys = earlier if earlier["event_numbers"] or earlier["dates"] else None
        if keys != row["earlier_keys"]:
            changed["earlier_keys"] = keys
        self.pending_audit.append(self._audit_row(
            AuditAction.UPDATE, event.id,
            {**{k: row[k] for k in changed}, "source": row["source"]},
            {**changed, "source": self.current_file}))
        row.update(changed, source=self.current_file, source_as_at=self.as_at)
        if not event.new:
            self.pending_updates[event.id] = event
        self._latest_may_change(event.setting_id)
        self.summary.inspections_corrected += 1

    def _merge(self, other: _Event, into: _Event, earlier: dict[str, list[str]]) -> None:
        """``other`` is another copy of the event ``into`` is now: keep ``into``."""
        for number in (other.row["event_number"], *other.earlier["event_numbers"]):
            _remember(earlier, "event_numbers", number)
            if number:
                self.by_number[(other.setting_id, number)] = into
        for day in (other.row["inspection_date"].isoformat(), *other.earlier["dates"]):
            _remember(earlier, "dates", day)
        for key, found in list(self.by_date.items()):
            if found is other:
                self.by_date[key] = into
        self.events_of[other.setting_id].remove(other)
        if other.new:  # never written: nothing to delete
            self.pending_inserts.remove(other)
            return
        self.pending_updates.pop(other.id, None)
        self.pending_deletes.append((other, into))
        self.pending_audit.append(self._audit_row(
            AuditAction.DELETE, other.id,
            other.row, {"merged_into": into.id, "source": self.current_file}))

    def _latest_may_change(self, setting_id: uuid.UUID) -> None:
        if setting_id not in self.judged_before:
            self.judged_before[setting_id] = self.by_id[setting_id].latest_judgement

    def settle_latest(self) -> list[tuple[uuid.UUID, Judgement, Judgement, uuid.UUID]]:
        """Point each setting whose history changed at its latest judged full inspection;
        count the changes of judgement this file brought, and return the downgrades to
        alert on (setting, before, now, inspection)."""
        downgrades = []
        for setting_id, before in self.judged_before.items():
            judged = [(e.row["inspection_date"], e) for e in self.events_of.get(setting_id, ())
                      if e.judged() is not None]
            if not judged:
                continue
            day, latest = max(judged, key=lambda pair: pair[0])
            now = latest.judged()
            setting = self.by_id[setting_id]
            if now is None:
                continue
            if (setting.latest_judgement, setting.latest_inspection_date) != (now, day):
                self._set(setting, "latest_judgement", now)
                self._set(setting, "latest_inspection_date", day)
            if before is None or now.rank == before.rank:
                continue
            if now.rank > before.rank:
                self.summary.upgrades += 1
            else:
                self.summary.downgrades += 1
                if now.group in ("below", "inadequate"):
                    downgrades.append((setting_id, before, now, latest.id))
        self.judged_before = {}
        return downgrades

    def _alert(self, setting: Setting, kind: AlertKind, previous: Judgement | None,
               new: Judgement | None, inspection_id: uuid.UUID | None = None) -> None:
        if setting.id not in self.in_use:
            return
        self._flush()  # the alert refers to rows still waiting for the bulk writes
        alerts.raise_alert(self.session, setting, kind, previous, new, self.today,
                           inspection_id=inspection_id)
        self.summary.alerts += 1

    # -- bulk writes -------------------------------------------------------------------

    def _audit_row(self, action: AuditAction, entity_id: uuid.UUID,
                   before: dict[str, Any] | None, after: dict[str, Any] | None,
                   entity: str = "ofsted_inspection") -> dict[str, Any]:
        def plain(values: dict[str, Any] | None) -> dict[str, Any] | None:
            if values is None:
                return None
            return {k: audit_value(v) for k, v in values.items() if k not in _META}

        return {"at": self.now, "user": self.user, "action": action, "entity": entity,
                "entity_id": entity_id, "before": plain(before), "after": plain(after)}

    def _write_setting_changes(self) -> None:
        """UPDATE the stored settings :meth:`_set` changed, grouped by the columns changed,
        with an audit event each as the hook would write; their version moves on by one."""
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        written: list[Setting] = []
        for setting_id, after in self.setting_changes.items():
            before = self.setting_before[setting_id]
            changed = {k: v for k, v in after.items() if before[k] != v}
            if not changed:
                continue
            keys = tuple(sorted(changed))
            groups.setdefault(keys, []).append({"b_id": setting_id, **{
                f"b_{k}": changed[k] for k in keys}})
            self.pending_audit.append(self._audit_row(
                AuditAction.UPDATE, setting_id, {k: before[k] for k in keys}, changed,
                "setting"))
            written.append(self.by_id[setting_id])
        for keys, rows in groups.items():
            self.session.execute(
                update(_SETTING_TABLE).where(_SETTING_TABLE.c.id == bindparam("b_id"))
                .values({**{_SETTING_TABLE.c[k]: bindparam(f"b_{k}", type_=_SETTING_TABLE.c[k].type)
                            for k in keys},
                         _SETTING_TABLE.c.updated_at: self.now,
                         _SETTING_TABLE.c.version: _SETTING_TABLE.c.version + 1}), rows)
        for setting in written:  # as the unit of work would, for its later updates
            set_committed_value(setting, "version", setting.version + 1)
        self.setting_before = {}
        self.setting_changes = {}

    def _flush(self) -> None:
        """Write new settings, then inspection deletions, corrections and additions in
        bulk, with their audit events.

        Thousands of rows through the unit of work cost seconds; Core statements take
        a fraction. The audit trail is written here for them, as the hook would. New
        settings are then loaded back so later files update them.
        """
        self.session.flush()  # alerts added since, which the re-pointing below may move
        self._write_setting_changes()
        table = Setting.__table__
        if self.pending_settings:
            rows = []
            for setting in self.pending_settings:
                row = {c.key: getattr(setting, c.key) for c in table.c}
                row.update(created_at=self.now, updated_at=self.now, version=1)
                rows.append(row)
            self.session.execute(insert(_SETTING_TABLE), rows)
            self.pending_audit[:0] = [self._audit_row(AuditAction.CREATE, row["id"], None, row,
                                                      "setting") for row in rows]
        moved_alerts: list[tuple[uuid.UUID, uuid.UUID]] = []
        if self.pending_deletes:
            gone = {removed.id: kept.id for removed, kept in self.pending_deletes}
            moved_alerts = [(alert_id, gone[inspection_id]) for alert_id, inspection_id in
                            self.session.execute(select(RatingAlert.id, RatingAlert.inspection_id)
                                                 .where(RatingAlert.inspection_id.in_(gone)))
                            if inspection_id is not None]
            self.session.execute(delete(OfstedInspection).where(
                OfstedInspection.id.in_(list(gone))))
        if self.pending_updates:
            keys = ("event_type", "inspection_date", "event_number", *_VALUE_FIELDS,
                    "sub_judgements", "source", "source_as_at", "earlier_keys")
            statement = (update(_INSPECTION_TABLE)
                         .where(_INSPECTION_TABLE.c.id == bindparam("b_id"))
                         .values({**{_INSPECTION_TABLE.c[k]: bindparam(
                             f"b_{k}", type_=_INSPECTION_TABLE.c[k].type) for k in keys},
                             _INSPECTION_TABLE.c.updated_at: self.now,
                             _INSPECTION_TABLE.c.version: _INSPECTION_TABLE.c.version + 1}))
            self.session.execute(statement, [
                {"b_id": e.id, **{f"b_{k}": e.row[k] for k in keys}}
                for e in self.pending_updates.values()])
        if self.pending_inserts:
            self.session.execute(insert(_INSPECTION_TABLE), [e.row for e in self.pending_inserts])
            self.pending_audit.extend(self._audit_row(AuditAction.CREATE, e.id, None, e.row)
                                      for e in self.pending_inserts)
            for event in self.pending_inserts:
                event.new = False
        for alert_id, kept_id in moved_alerts:  # the kept copy now exists
            self.session.execute(update(RatingAlert).where(RatingAlert.id == alert_id)
                                 .values(inspection_id=kept_id))
        if self.pending_audit:
            self.session.execute(insert(_AUDIT_TABLE),
                                 chain_rows(self.session, self.pending_audit))
        if self.pending_settings:
            ids = [s.id for s in self.pending_settings]
            for start in range(0, len(ids), 500):
                for loaded in self.session.scalars(
                        select(Setting).where(Setting.id.in_(ids[start:start + 500]))):
                    if loaded.urn:
                        self.by_urn[loaded.urn] = loaded
                    self.by_id[loaded.id] = loaded
        self.pending_settings = []
        self.pending_ids = set()
        self.pending_inserts = []
        self.pending_updates = {}
        self.pending_deletes = []
        self.pending_audit = []

    # -- files -----------------------------------------------------------------------

    def _file_is_current(self, data: OfstedFile) -> bool:
        """Whether the file is as new as the newest register imported (an undated file
        is taken as current, as files are imported oldest first)."""
        if data.as_at is None or self.register_as_at is None:
            return True
        if data.kind == "provider_level":
            return data.as_at >= self.register_as_at
        return data.as_at > self.register_as_at

    def import_file(self, data: OfstedFile) -> None:
        self.current_file = Path(data.path).name
        self.as_at = data.as_at
        self.is_current = self._file_is_current(data)
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
                if rec.latest_inspection.previous is not None:
                    self.add_inspection(setting, rec.latest_inspection.previous)
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
                if event.previous is not None:
                    self.add_inspection(found, event.previous)
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
            # An older closures file may say how a setting that has left the register
            # left it, but never closes or reopens one a newer register lists.
            if self.is_current or (found.registration_status in CLOSED_STATUSES
                                   and status in CLOSED_STATUSES):
                self._change_status(found, status, closure.closed_date)
            done += 1
        downgrades = self.settle_latest()  # before the flush: new settings go in judged
        self._flush()
        for setting_id, before, now, inspection_id in downgrades:
            self._alert(self.by_id[setting_id], AlertKind.DOWNGRADE, before, now, inspection_id)
        if data.kind == "provider_level" and self.is_current:
            self.close_absent(data)
            if data.as_at is not None and (self.register_as_at is None
                                           or data.as_at > self.register_as_at):
                self.register_as_at = data.as_at
                set_setting(self.session, OFSTED_REGISTER_AS_AT, data.as_at.isoformat())
            self._flush()
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
    require(db, Permission.IMPORT_DATA, Permission.EDIT_REGISTER)
    files = [reader(path, state) for path in paths]
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
