"""Migration 0011 chains the audit events already stored, in the order of their ids, makes
the trail append-only, and turns staff records into accounts without passwords; and back."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from pathlib import Path

import pytest

from placement_desk import migrations
from placement_desk.audit import GENESIS
from placement_desk.db import make_engine


def test_stored_events_are_chained_and_the_trail_becomes_append_only(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(path)
    migrations.upgrade(engine, "0009")
    events = [("2025-01-02 09:00:00.000000", "asha", "create", uuid.uuid4(), None,
               {"name": "Acorn"}),
              ("2025-01-03 10:30:00.250000", "ben", "update", uuid.uuid4(),
               {"name": "Acorn"}, {"name": "Acorn Care", "beds": 4})]
    con = sqlite3.connect(path)
    for at, user, action, entity_id, before, after in events:
        con.execute("INSERT INTO audit_event (at, user, action, entity, entity_id, before, "
                    "after) VALUES (?, ?, ?, 'provider', ?, ?, ?)",
                    (at, user, action, entity_id.hex,
                     None if before is None else json.dumps(before), json.dumps(after)))
    con.execute("INSERT INTO user (id, username, display_name, role, active, created_at, "
                "updated_at, version) VALUES (?, 'quinn', 'Quinn', 'qa_officer', 1, "
                "'2025-01-01 00:00:00', '2025-01-01 00:00:00', 1)", (uuid.uuid4().hex,))
    con.commit()
    con.close()

    migrations.upgrade(engine)
    con = sqlite3.connect(path)
    try:
        stored = [r[0] for r in con.execute("SELECT hash FROM audit_event ORDER BY id")]
        previous = GENESIS  # worked out here from the rows as inserted
        for (at, user, action, entity_id, before, after), got in zip(events, stored,
                                                                      strict=True):
            body = json.dumps([previous, at, user, action, "provider", str(entity_id),
                               before, after], sort_keys=True, separators=(",", ":"),
                              ensure_ascii=False)
            previous = hashlib.sha256(body.encode()).hexdigest()
            assert got == previous
        assert con.execute("SELECT password_hash, failed_sign_ins FROM user").fetchall() == [
            (None, 0)]
        with pytest.raises(sqlite3.DatabaseError, match="cannot be changed or deleted"):
            con.execute("DELETE FROM audit_event")
    finally:
        con.close()

    from alembic import command

    cfg = migrations.alembic_config()

    def down(conn: object) -> None:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")

    migrations.run_without_foreign_keys(engine, down)
    con = sqlite3.connect(path)
    try:
        assert "hash" not in [r[1] for r in con.execute("PRAGMA table_info(audit_event)")]
        con.execute("DELETE FROM audit_event")  # the guard went with the downgrade
    finally:
        con.close()
    engine.dispose()
