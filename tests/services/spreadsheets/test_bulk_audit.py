"""Bulk imports write their audit events' text and hashes without the ORM: the text must
decode to what the hook would record, and each hash must be the one ``event_hash`` gives,
or ``db check`` would report the chain broken after every import."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from placement_desk.audit import GENESIS, event_hash
from placement_desk.models.enums import AuditAction
from placement_desk.services.spreadsheets import bulk


class _NoSession:
    """``last_hash`` reads the newest stored hash; here the chain starts afresh."""


def test_bulk_texts_and_hashes_match_the_audit_trails_own(monkeypatch: Any) -> None:
    monkeypatch.setattr(bulk, "last_hash", lambda session: GENESIS)
    rows = [{"id": uuid.uuid4(), "name": name, "born": dt.date(2012, 3, 2), "places": n,
             "fee": fee, "active": flag, "notes": None}
            for name, n, fee, flag in (("Zoë's house – Ōtaki", 3, 1234.5, True),
                                       ("Birch \"Care\"", 0, 1e-7, False),
                                       ("Plain", -4, 2.0, True))]
    texts = bulk._audit_texts(rows)
    for row, text in zip(rows, texts, strict=True):
        assert json.loads(text) == {k: (str(v) if isinstance(v, uuid.UUID | dt.date) else v)
                                    for k, v in row.items()}
    same = {"at": dt.datetime(2026, 3, 31, 9, 30, 1, 5), "user": "asha.patel",
            "action": AuditAction.CREATE, "entity": "provider", "before": None}
    events = bulk._chained(_NoSession(), [{"entity_id": row["id"], "after": text}  # type: ignore[arg-type]
                                          for row, text in zip(rows, texts, strict=True)],
                           same)
    previous = GENESIS
    for event in events:
        previous = event_hash(previous, same["at"], same["user"], same["action"],
                              same["entity"], event["entity_id"], None,
                              json.loads(event["after"]))
        assert event["hash"] == previous
