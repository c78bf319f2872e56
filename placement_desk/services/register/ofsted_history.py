"""The judgement history an Ofsted import keeps: each inspection event stored once, the
later publication's values winning, and each setting's latest judgement.

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
- **Latest judgement** is that of the latest judged full inspection; a monitoring or
  other inspection's judgement is stored with its event, never as the setting's
  overall effectiveness judgement.
"""

from __future__ import annotations

import uuid
from typing import Any

from ...io.ofsted_records import OfstedInspectionRecord
from ...models import Setting
from ...models.enums import AuditAction, InspectionEventType, Judgement
from . import ofsted_mapping
from .ofsted_import_state import VALUE_FIELDS, ImportState, StoredEvent


def _remember(keys: dict[str, list[str]], kind: str, value: str | None) -> None:
    if value is not None and value not in keys[kind]:
        keys[kind].append(value)


class InspectionHistory(ImportState):
    """An import's inspections: each record taken as a new event or a correction of a
    stored one, and the settings whose history changed pointed at their latest judgement."""

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
        event = StoredEvent(row, new=True)
        self._index(event)
        self.pending_inserts.append(event)
        self._latest_may_change(setting.id)
        self.summary.inspections_added += 1

    def _is_later(self, event: StoredEvent) -> bool:
        """Whether this file is a later publication than the one the event's values are from
        (an undated file never is; a dated one is later than an undated)."""
        held = event.row["source_as_at"]
        return self.as_at is not None and (held is None or self.as_at > held)

    def _correct(self, event: StoredEvent, kind: InspectionEventType,
                 rec: OfstedInspectionRecord, values: dict[str, Any]) -> None:
        row = event.row
        wanted: dict[str, Any] = {"event_type": kind, "inspection_date": rec.inspection_date}
        if rec.event_number:
            wanted["event_number"] = rec.event_number
        for key in VALUE_FIELDS:
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

    def _merge(self, other: StoredEvent, into: StoredEvent, earlier: dict[str, list[str]]) -> None:
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

        A file of more than :data:`.ofsted_import.FLUSH_EVERY` records is settled part by
        part: a setting that two parts change is counted (and alerted on) once, by its
        judgement before the file and its judgement after it.
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
