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
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ...audit import audit_value, chain_rows, created_values
from ...db import Database
from ...identifiers import is_urn
from ...io.ofsted_files import OfstedReading, open_ofsted_file
from ...io.ofsted_records import (
    ClosedSettingRecord,
    OfstedInspectionRecord,
    OfstedSettingRecord,
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
FLUSH_EVERY = 20_000
"""Records of a file taken before the changes they make are written (inside the one
transaction) and forgotten, so that a file of a million rows is held a part at a time.
The files Ofsted publishes (under 6,000 rows) are taken in one part."""
CACHE_LIMIT = 25_000
"""A register of up to this many settings is loaded whole, once per import; a larger one
is looked up a part at a time."""
IN_BATCH = 500
"""Keys per IN list when looking settings up."""
PAGE = 5000
"""Settings read at a time when going through a register too large to load whole."""
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
        # The settings (and their inspections) loaded: every one, when the register is no
        # larger than CACHE_LIMIT (``whole``); else those of the part of a file being taken.
        self.by_urn: dict[str, Setting] = {}
        self.by_id: dict[uuid.UUID, Setting] = {}
        self.unknown: set[str] = set()
        """URNs looked up and not in the register (in a part)."""
        # Inspections, found by (setting, number) and (setting, type, date), earlier
        # numbers and dates included.
        self.by_number: dict[tuple[uuid.UUID, str], _Event] = {}
        self.by_date: dict[tuple[uuid.UUID, InspectionEventType, dt.date], _Event] = {}
        self.events_of: dict[uuid.UUID, list[_Event]] = {}
        held = session.scalar(select(func.count()).select_from(Setting)
                              .where(Setting.urn.is_not(None))) or 0
        self.whole = held <= CACHE_LIMIT
        if self.whole:
            for setting in session.scalars(select(Setting).where(Setting.urn.is_not(None))):
                if setting.urn:
                    self.by_urn[setting.urn] = setting
                    self.by_id[setting.id] = setting
            for row in session.execute(select(_INSPECTION_TABLE)).mappings():
                self._index(_Event(dict(row), new=False))
        stored = get_setting(session, OFSTED_REGISTER_AS_AT)
        self.register_as_at: dt.date | None = dt.date.fromisoformat(stored) if stored else None
        self.in_use = alerts.settings_in_use(session, today)
        self.now = utcnow()
        self.user = str(session.info.get("user") or "unknown")
        self.touched: set[str] = set()
        """URNs of the settings the file being imported has listed."""
        self.judged_before: dict[uuid.UUID, Judgement | None] = {}
        """Settings whose history the part changed: their latest judgement before it."""
        self.file_before: dict[str, Judgement | None] = {}
        """Settings whose history the file changed: URN → latest judgement before it."""
        self.downgrades: dict[uuid.UUID, tuple[Judgement, Judgement, uuid.UUID]] = {}
        """Settings the file has downgraded: (before, now, the inspection)."""
        self.taken = 0
        """Records taken since the last part was written."""
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

    def _load(self, urns: Iterable[str]) -> None:
        """Load the settings of these URNs, with their inspections, unless loaded (or known
        to be absent) already; nothing to do while the whole register is loaded."""
        if self.whole:
            return
        wanted = [u for u in dict.fromkeys(urns) if u not in self.by_urn and u not in self.unknown]
        for start in range(0, len(wanted), IN_BATCH):
            batch = wanted[start:start + IN_BATCH]
            found = list(self.session.scalars(select(Setting).where(Setting.urn.in_(batch))))
            for setting in found:
                if setting.urn:
                    self.by_urn[setting.urn] = setting
                    self.by_id[setting.id] = setting
            self.unknown.update(u for u in batch if u not in self.by_urn)
            if found:
                for row in self.session.execute(select(_INSPECTION_TABLE).where(
                        _INSPECTION_TABLE.c.setting_id.in_([s.id for s in found]))).mappings():
                    self._index(_Event(dict(row), new=False))

    def _setting(self, setting_id: uuid.UUID) -> Setting:
        """A setting by id, loaded (with its inspections) if need be."""
        self._load_ids([setting_id])
        return self.by_id[setting_id]

    def _end_part(self) -> None:
        """Settle the part's settings, write it, and forget it unless the whole register is
        still small enough to keep loaded."""
        self.settle_latest()
        keep = self.whole and len(self.by_id) <= CACHE_LIMIT
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

    def _register(self) -> Iterator[tuple[str | None, uuid.UUID, RegistrationStatus,
                                          dt.datetime | None]]:
        """Every setting with a URN: (URN, id, registration status, deleted at), as the
        changes made so far leave them; read a few thousand at a time when the register
        is not loaded whole."""
        if self.whole:
            for held, setting in self.by_urn.items():
                yield held, setting.id, setting.registration_status, setting.deleted_at
            return
        self._flush()
        after: uuid.UUID | None = None
        while True:
            query = (select(Setting.id, Setting.urn, Setting.registration_status,
                            Setting.deleted_at)
                     .where(Setting.urn.is_not(None)).order_by(Setting.id).limit(PAGE))
            if after is not None:
                query = query.where(Setting.id > after)
            page = self.session.execute(query).all()
            if not page:
                return
            for setting_id, urn, status, deleted_at in page:
                yield urn, setting_id, status, deleted_at
            after = page[-1][0]

    def _load_ids(self, ids: Sequence[uuid.UUID]) -> None:
        """Load these settings (with their inspections) unless loaded already. A setting
        loaded always has its inspections indexed with it."""
        wanted = [i for i in ids if i not in self.by_id]
        for start in range(0, len(wanted), IN_BATCH):
            found = list(self.session.scalars(
                select(Setting).where(Setting.id.in_(wanted[start:start + IN_BATCH]))))
            for setting in found:
                if setting.urn:
                    self.by_urn[setting.urn] = setting
                    self.unknown.discard(setting.urn)
                self.by_id[setting.id] = setting
            if found:
                for row in self.session.execute(select(_INSPECTION_TABLE).where(
                        _INSPECTION_TABLE.c.setting_id.in_([s.id for s in found]))).mappings():
                    self._index(_Event(dict(row), new=False))

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
            setting = self.by_id[setting_id]
            self.judged_before[setting_id] = setting.latest_judgement
            if setting.urn:
                self.file_before.setdefault(setting.urn, setting.latest_judgement)

    def settle_latest(self) -> None:
        """Point each setting whose history changed at its latest judged full inspection;
        count the changes of judgement the file brought, and note the downgrades to alert
        on (:attr:`downgrades`).

        A file of more than :data:`FLUSH_EVERY` records is settled part by part: a setting
        that two parts change is counted (and alerted on) once, by its judgement before
        the file and its judgement after it.
        """
        for setting_id, before_part in self.judged_before.items():
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
            before = self.file_before.get(setting.urn or "", before_part)
            self._count(before, before_part, -1)  # what an earlier part of the file counted
            self._count(before, now, 1)
            if (before is not None and now.rank < before.rank
                    and now.group in ("below", "inadequate")):
                self.downgrades[setting_id] = (before, now, latest.id)
            else:
                self.downgrades.pop(setting_id, None)
        self.judged_before = {}

    def _count(self, before: Judgement | None, now: Judgement | None, sign: int) -> None:
        if before is None or now is None or now.rank == before.rank:
            return
        if now.rank > before.rank:
            self.summary.upgrades += sign
        else:
            self.summary.downgrades += sign

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

        done = plain(after)
        if action == AuditAction.CREATE and done is not None:
            done = created_values(done)  # a new record's empty fields are left out
        return {"at": self.now, "user": self.user, "action": action, "entity": entity,
                "entity_id": entity_id, "before": plain(before), "after": done}

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

    def _flush(self, reload: bool = True) -> None:
        """Write new settings, then inspection deletions, corrections and additions in
        bulk, with their audit events.

        Thousands of rows through the unit of work cost seconds; Core statements take
        a fraction. The audit trail is written here for them, as the hook would. New
        settings are then loaded back so later files update them (unless ``reload`` is
        false: the part is about to be forgotten, and they are looked up when needed).
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
        if not reload:
            for setting in self.pending_settings:
                self.by_id.pop(setting.id, None)
                if setting.urn:
                    self.by_urn.pop(setting.urn, None)
        elif self.pending_settings:
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
