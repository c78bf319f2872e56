"""What an Ofsted import holds while it works, and how it writes it: what the import has
done so far, the settings and inspections loaded (the whole register when it is small
enough, else the part a file is taking), and the changes waiting to be written in bulk
with their audit events.

:class:`ImportState` is the ground the judgement history (:mod:`.ofsted_history`) and
the import of settings and files (:mod:`.ofsted_import`) build on.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ...audit import audit_value, chain_rows, created_values
from ...models import AuditEvent, OfstedInspection, RatingAlert, Setting, utcnow
from ...models.enums import AuditAction, InspectionEventType, Judgement, RegistrationStatus
from ...progress import TaskState
from ..common.settings_store import OFSTED_REGISTER_AS_AT, get_setting
from . import alerts

CACHE_LIMIT = 25_000
"""A register of up to this many settings is loaded whole, once per import; a larger one
is looked up a part at a time."""
IN_BATCH = 500
"""Keys per IN list when looking settings up."""
PAGE = 5000
"""Settings read at a time when going through a register too large to load whole."""
# The values of an inspection a later publication may correct (identity aside).
VALUE_FIELDS = ("publication_date", "overall_judgement", "supported_accommodation_outcome")
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
class StoredEvent:
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


class ImportState:
    """An import's summary, the register as loaded, and the changes waiting to be written;
    one for each import, living as long as its transaction."""

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
        self.by_number: dict[tuple[uuid.UUID, str], StoredEvent] = {}
        self.by_date: dict[tuple[uuid.UUID, InspectionEventType, dt.date], StoredEvent] = {}
        self.events_of: dict[uuid.UUID, list[StoredEvent]] = {}
        held = session.scalar(select(func.count()).select_from(Setting)
                              .where(Setting.urn.is_not(None))) or 0
        self.whole = held <= CACHE_LIMIT
        if self.whole:
            for setting in session.scalars(select(Setting).where(Setting.urn.is_not(None))):
                if setting.urn:
                    self.by_urn[setting.urn] = setting
                    self.by_id[setting.id] = setting
            for row in session.execute(select(_INSPECTION_TABLE)).mappings():
                self._index(StoredEvent(dict(row), new=False))
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
        self.pending_inserts: list[StoredEvent] = []
        self.pending_updates: dict[uuid.UUID, StoredEvent] = {}
        self.pending_deletes: list[tuple[StoredEvent, StoredEvent]] = []  # (removed, kept)
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
                    self._index(StoredEvent(dict(row), new=False))

    def _setting(self, setting_id: uuid.UUID) -> Setting:
        """A setting by id, loaded (with its inspections) if need be."""
        self._load_ids([setting_id])
        return self.by_id[setting_id]

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
                    self._index(StoredEvent(dict(row), new=False))

    def _index(self, event: StoredEvent) -> None:
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
            keys = ("event_type", "inspection_date", "event_number", *VALUE_FIELDS,
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
