"""What the QA page asks of the schedule: who can be assigned, which planned visit to start."""

from __future__ import annotations

import datetime as dt

from placement_desk.lifecycle import Database
from placement_desk.models import QaVisit, Setting, User
from placement_desk.models.enums import QaVisitStatus, SettingType, UserRole
from placement_desk.services.qa.schedule import (
    Officer,
    next_planned_visit,
    plan_visit,
    qa_officers,
)
from placement_desk.services.qa.visits import start_visit


def test_only_active_qa_officers_are_offered_by_name(db: Database) -> None:
    with db.sessions.begin() as s:
        zara = User(username="zara", display_name="Zara Khan", role=UserRole.QA_OFFICER)
        asha = User(username="asha", display_name="asha Patel", role=UserRole.QA_OFFICER)
        s.add_all([
            zara, asha,
            User(username="gone", display_name="Gone Away", role=UserRole.QA_OFFICER,
                 active=False),
            User(username="boss", display_name="Bea Boss", role=UserRole.MANAGER),
        ])
    officers = qa_officers(db)
    assert officers == [Officer(asha.id, "asha Patel"), Officer(zara.id, "Zara Khan")]


def test_no_officers_gives_an_empty_list(db: Database) -> None:
    assert qa_officers(db) == []


def test_the_earliest_planned_visit_is_the_one_recording_starts(db: Database) -> None:
    today = dt.date(2026, 6, 1)
    with db.sessions.begin() as s:
        home = Setting(name="Oak House", setting_type=SettingType.CHILDRENS_HOME)
        s.add(home)
        s.flush()
        s.add(QaVisit(setting_id=home.id, status=QaVisitStatus.COMPLETED,
                      visit_date=dt.date(2026, 1, 5)))
    assert next_planned_visit(db, home.id) is None
    later = plan_visit(db, home.id, dt.date(2026, 7, 1), today=today)
    sooner = plan_visit(db, home.id, dt.date(2026, 6, 10), today=today)
    assert next_planned_visit(db, home.id) == sooner
    assert start_visit(db, home.id, today, visit_id=sooner) == sooner
    assert next_planned_visit(db, home.id) == later, "a started visit is no longer planned"
