"""Each commit tells the listeners which tables it wrote; nothing is typed by hand."""

from __future__ import annotations

import uuid

from sqlalchemy import insert, update

from placement_desk.db import Database
from placement_desk.models import AppSetting, Provider


def test_a_commit_reports_the_tables_it_wrote(db: Database) -> None:
    seen: list[frozenset[str]] = []
    db.on_change(seen.append)
    with db.write() as session:
        session.add(Provider(id=uuid.uuid4(), name="Acorn Care Ltd"))
    assert seen and "provider" in seen[-1] and "audit_event" in seen[-1]


def test_statements_run_through_the_session_are_reported_too(db: Database) -> None:
    seen: list[frozenset[str]] = []
    db.on_change(seen.append)
    with db.write() as session:
        session.execute(insert(AppSetting), [{"key": "demo.flag", "value": True}])
    with db.write() as session:
        session.execute(update(AppSetting).where(AppSetting.key == "demo.flag")
                        .values(value=False))
    assert seen == [frozenset({"app_setting"}), frozenset({"app_setting"})]


def test_reads_and_rolled_back_writes_report_nothing(db: Database) -> None:
    seen: list[frozenset[str]] = []
    stop = db.on_change(seen.append)
    with db.read() as session:
        session.get(Provider, uuid.uuid4())
    try:
        with db.write() as session:
            session.add(Provider(id=uuid.uuid4(), name="Birch Homes"))
            session.flush()
            raise RuntimeError("the user cancelled")
    except RuntimeError:
        pass
    with db.write() as session:  # a later commit must not carry the rolled-back tables
        session.execute(insert(AppSetting), [{"key": "x.y", "value": 1}])
    assert seen == [frozenset({"app_setting"})]
    stop()
    with db.write() as session:
        session.add(Provider(id=uuid.uuid4(), name="Cedar House"))
    assert len(seen) == 1


def test_a_failing_listener_does_not_stop_the_others(db: Database) -> None:
    seen: list[frozenset[str]] = []

    def broken(_tables: frozenset[str]) -> None:
        raise ValueError("listener bug")

    db.on_change(broken)
    db.on_change(seen.append)
    with db.write() as session:
        session.add(Provider(id=uuid.uuid4(), name="Dale View"))
    assert seen and "provider" in seen[0]
    with db.read() as session:
        assert session.query(Provider).count() == 1
