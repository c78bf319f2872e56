"""Upgrading a database that stored one inspection twice (two yearly files gave one event
number two dates): the copies merge, keeping the latest publication's values."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa

from placement_desk import migrations
from placement_desk.db import make_engine, to_url
from placement_desk.lifecycle import open_database
from placement_desk.models import AuditEvent, OfstedInspection, RatingAlert, Setting
from placement_desk.models.enums import AuditAction, Judgement

SETTING, OLD, NEW, OTHER, MANGLED = (uuid.uuid4() for _ in range(5))


def _insert_inspection(conn: sa.Connection, key: uuid.UUID, day: str, number: str,
                       judged: str, source: str) -> None:
    conn.execute(sa.text(
        "INSERT INTO ofsted_inspection (id, setting_id, event_type, inspection_date, "
        "event_number, overall_judgement, sub_judgements, source, created_at, updated_at, "
        "version) VALUES (:id, :setting, 'full', :day, :number, :judged, '{}', :source, "
        "'2025-06-01 09:00:00', '2025-06-01 09:00:00', 1)"),
        {"id": key.hex, "setting": SETTING.hex, "day": day, "number": number,
         "judged": judged, "source": source})


def test_copies_of_one_event_merge_into_the_latest_publications(fresh_target: Any) -> None:
    engine = make_engine(to_url(fresh_target))
    migrations.upgrade(engine, "0006")
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO setting (id, urn, name, setting_type, registration_status, "
            "latest_judgement, latest_inspection_date, enhanced_monitoring, created_at, "
            "updated_at, version) VALUES (:id, 'SC036607', 'Oak House', 'childrens_home', "
            "'active', 'good', '2018-03-09', false, '2025-06-01', '2025-06-01', 1)"),
            {"id": SETTING.hex})
        # The 2018 file said 9 March and Good; the 2019 file, 5 March and Outstanding.
        _insert_inspection(conn, OLD, "2018-03-09", "10037546", "good",
                           "provider_level_at_31_march_2018.csv")
        _insert_inspection(conn, NEW, "2018-03-05", "10037546", "outstanding",
                           "provider_level_at_31_march_2019.csv")
        _insert_inspection(conn, OTHER, "2016-01-29", "2457327", "good",
                           "provider_level_at_31_march_2016.csv")
        _insert_inspection(conn, MANGLED, "2017-06-07", "1.02E+07", "good",
                           "provider_level_at_31_march_2023.csv")
        conn.execute(sa.text(
            "INSERT INTO rating_alert (id, setting_id, inspection_id, kind, raised_on, "
            "created_at, updated_at, version) VALUES (:id, :setting, :inspection, "
            "'downgrade', '2018-04-01', '2025-06-01', '2025-06-01', 1)"),
            {"id": uuid.uuid4().hex, "setting": SETTING.hex, "inspection": OLD.hex})
    engine.dispose()

    db = open_database(fresh_target)
    try:
        assert db.upgrade is not None
        assert db.path is None or db.upgrade.backup is not None, "a file is backed up first"
        with db.sessions() as s:
            kept = {i.id: i for i in s.scalars(sa.select(OfstedInspection))}
            assert set(kept) == {NEW, OTHER, MANGLED}
            assert (kept[NEW].inspection_date, kept[NEW].overall_judgement) == (
                dt.date(2018, 3, 5), Judgement.OUTSTANDING)
            assert kept[NEW].earlier_keys == {"event_numbers": [], "dates": ["2018-03-09"]}
            assert kept[NEW].source_as_at == dt.date(2019, 3, 31)
            assert kept[OTHER].source_as_at == dt.date(2016, 3, 31)
            assert kept[MANGLED].event_number is None, "a rounded number is no number"
            assert s.scalars(sa.select(RatingAlert.inspection_id)).one() == NEW
            setting = s.get(Setting, SETTING)
            assert setting is not None
            assert (setting.latest_judgement, setting.latest_inspection_date) == (
                Judgement.OUTSTANDING, dt.date(2018, 3, 5))
            removal = s.scalars(sa.select(AuditEvent).where(AuditEvent.entity_id == OLD)).one()
            assert removal.action == AuditAction.DELETE
            assert removal.before is not None and removal.after is not None
            assert removal.before["source"] == "provider_level_at_31_march_2018.csv"
            assert removal.after == {"merged_into": str(NEW),
                                     "source": "provider_level_at_31_march_2019.csv"}
    finally:
        db.close()
