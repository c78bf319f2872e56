"""The audit trail is append-only and chained: the database refuses changes and deletions
of events, every event's hash follows from the one before, and `db check` names the first
event that was tampered with, whether written by the ORM hook or by a bulk import."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from placement_desk.audit import GENESIS, bulk_created, chain_rows, verify_chain
from placement_desk.cli import main
from placement_desk.lifecycle import Database
from placement_desk.models import AuditEvent, Provider
from tests.backend import target
from tests.services.placements.test_ssda903_import import TODAY, _small_files


def _providers(db: Database, *names: str) -> None:
    for name in names:
        with db.write() as s:
            s.add(Provider(name=name))
            s.flush()
            s.add(Provider(name=name + " Two"))  # two flushes in one unit of work


def _execute(db: Database, *statements: str) -> None:
    """Plain SQL, as any tool with the file or a server login could send it."""
    with db.engine.connect() as con:
        for sql in statements:
            con.exec_driver_sql(sql)
        con.commit()


def _unguard(db: Database) -> list[str]:
    """The statements that take away the database's refusal of changes to events."""
    if db.engine.dialect.name == "postgresql":
        return ["DROP TRIGGER audit_event_append_only ON audit_event"]
    return ["DROP TRIGGER audit_event_no_update", "DROP TRIGGER audit_event_no_delete"]


def test_each_hash_is_sha256_over_the_event_and_the_previous_hash(db: Database) -> None:
    _providers(db, "Acorn")
    with db.read() as s:
        events = list(s.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)))
    assert len(events) == 2
    previous = GENESIS
    for event in events:  # worked out here, independently of audit.event_hash
        body = json.dumps([previous, event.at.strftime("%Y-%m-%d %H:%M:%S.%f"), event.user,
                           "create", "provider", str(event.entity_id), event.before,
                           event.after], sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False)
        assert event.hash == hashlib.sha256(body.encode()).hexdigest()
        previous = event.hash


def test_the_database_refuses_to_change_or_delete_an_audit_event(db: Database) -> None:
    _providers(db, "Acorn")
    with pytest.raises(sa.exc.DatabaseError, match="cannot be changed or deleted"):
        _execute(db, "UPDATE audit_event SET \"user\" = 'someone else'")
    with pytest.raises(sa.exc.DatabaseError, match="cannot be changed or deleted"):
        _execute(db, "DELETE FROM audit_event")
    report = _verify(db)
    assert report.ok and report.events == 2


def _verify(db: Database):  # type: ignore[no-untyped-def]
    with db.read() as s:
        return verify_chain(s)


def _tamper(db: Database, sql: str) -> None:
    _execute(db, *_unguard(db), sql)


def _ids(db: Database) -> list[int]:
    with db.read() as s:
        return list(s.scalars(sa.select(AuditEvent.id).order_by(AuditEvent.id)))


def test_a_changed_event_breaks_the_chain_there(db: Database) -> None:
    _providers(db, "Acorn", "Beacon", "Compass")
    ids = _ids(db)
    _tamper(db, f"UPDATE audit_event SET \"user\" = 'nobody' WHERE id = {ids[3]}")
    report = _verify(db)
    assert (report.first_broken, report.guarded, report.events) == (ids[3], False, 6)


def test_a_removed_event_breaks_the_chain_at_the_next_one(db: Database) -> None:
    _providers(db, "Acorn", "Beacon", "Compass")
    ids = _ids(db)
    _tamper(db, f"DELETE FROM audit_event WHERE id = {ids[2]}")
    assert _verify(db).first_broken == ids[3]


def test_bulk_rows_are_chained_after_the_hooks_events(db: Database) -> None:
    _providers(db, "Acorn")
    at = dt.datetime(2026, 3, 2, 9, 30)
    with db.write() as s:
        s.add(Provider(name="Pending before the bulk rows"))  # flushed first, then chained
        rows = bulk_created("provider", [{"id": uuid.uuid4(), "name": f"P{n}"}
                                         for n in range(50)], user="import", at=at)
        s.execute(sa.insert(AuditEvent.__table__), chain_rows(s, rows))
    report = _verify(db)
    assert report.ok and report.events == 53


def test_an_ssda903_import_writes_a_chained_trail(db: Database, tmp_path: Path) -> None:
    header, episodes = _small_files(tmp_path)
    from placement_desk.services.placements.ssda903_import import import_ssda903

    import_ssda903(db, header, episodes, today=TODAY)
    text = episodes.read_text(encoding="utf-8").replace(",,,CARPL,", ",,,ALLEG,")
    episodes.write_text(text, encoding="utf-8")
    import_ssda903(db, header, episodes, today=TODAY)  # bulk updates too
    report = _verify(db)
    assert report.ok and report.events > 5


def test_db_check_names_the_first_broken_event(db: Database,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    _providers(db, "Acorn", "Beacon")
    ids = _ids(db)
    path = target(db)
    assert main(["db", "check", "--db", path]) == 0
    assert "Audit trail: 4 events, chain intact" in capsys.readouterr().out
    _tamper(db, f"UPDATE audit_event SET after = '{{}}' WHERE id = {ids[1]}")
    db.close()
    assert main(["db", "check", "--db", path]) == 6
    out = capsys.readouterr().out
    assert f"broken at event {ids[1]}" in out
    assert "no longer refuses" in out
