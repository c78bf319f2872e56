"""The QA schedule: risk sets the cycle, alerts bring visits forward, lists and planning."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest
from sqlalchemy.orm import Session

from placement_desk.errors import ValidationError
from placement_desk.lifecycle import Database
from placement_desk.models import Child, PlacementEpisode, QaVisit, Setting, User
from placement_desk.models.enums import (
    AlertKind,
    Judgement,
    QaVisitStatus,
    QaVisitType,
    RiskLevel,
    SettingType,
    UserRole,
)
from placement_desk.services.common.settings_store import set_setting
from placement_desk.services.qa.schedule import (
    DEFAULT_CYCLE_MONTHS,
    UNASSIGNED,
    ScheduleFilter,
    add_months,
    assign_officer,
    by_officer,
    due_within,
    filter_schedule,
    next_due,
    overdue,
    plan_visit,
    recompute_schedule,
    schedule_rows,
)
from placement_desk.services.register.alerts import raise_alert

TODAY = dt.date(2026, 6, 1)  # a Monday
LAST_VISIT = dt.date(2026, 1, 15)
CYCLE = {RiskLevel(k): v for k, v in DEFAULT_CYCLE_MONTHS.items()}
_URNS = itertools.count(100001)


@pytest.fixture
def db_user() -> str:
    return "qa.lead"


def _setting(s: Session, name: str, *, in_use: bool = True, visited: dt.date | None = None,
             **kw: object) -> Setting:
    setting = Setting(name=name, urn=f"SC{next(_URNS)}",
                      setting_type=SettingType.CHILDRENS_HOME, **kw)
    s.add(setting)
    s.flush()
    if in_use:
        child = Child(case_ref=f"C-{name}")
        s.add(child)
        s.flush()
        s.add(PlacementEpisode(child_id=child.id, setting_id=setting.id,
                               start_date=dt.date(2025, 1, 1), placement_type="K2"))
    if visited is not None:
        s.add(QaVisit(setting_id=setting.id, status=QaVisitStatus.COMPLETED,
                      visit_date=visited, visit_type=QaVisitType.ANNOUNCED))
    return setting


def _due(db: Database, setting_id: uuid.UUID) -> dt.date | None:
    with db.sessions() as s:
        setting = s.get(Setting, setting_id)
        assert setting is not None
        return setting.next_qa_due


def test_months_are_added_and_clamped_to_short_months() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 6, 1), -12) == dt.date(2025, 6, 1)


def test_the_rule_without_the_database() -> None:
    assert next_due(RiskLevel.HIGH, LAST_VISIT, TODAY, CYCLE) == dt.date(2026, 4, 15)
    assert next_due(RiskLevel.LOW, None, TODAY, CYCLE) == TODAY, "never visited: due now"
    assert next_due(RiskLevel.LOW, None, TODAY, CYCLE, current=dt.date(2026, 5, 1)) == \
        dt.date(2026, 5, 1), "never visited and already due: stays due from then"
    alert = dt.date(2026, 6, 2)
    assert next_due(RiskLevel.LOW, LAST_VISIT, TODAY, CYCLE, [alert]) == alert
    assert next_due(RiskLevel.LOW, LAST_VISIT, TODAY, CYCLE, [alert],
                    current=dt.date(2026, 5, 29)) == dt.date(2026, 5, 29)
    assert next_due(RiskLevel.LOW, LAST_VISIT, TODAY, CYCLE,
                    current=dt.date(2026, 5, 29)) == dt.date(2027, 1, 15), \
        "without an alert the stored date does not hold the rule back"


def test_risk_level_sets_the_cycle_from_the_last_visit(db: Database) -> None:
    with db.sessions.begin() as s:
        high = _setting(s, "High", risk_level=RiskLevel.HIGH, visited=LAST_VISIT)
        medium = _setting(s, "Medium", risk_level=RiskLevel.MEDIUM, visited=LAST_VISIT)
        low = _setting(s, "Low", risk_level=RiskLevel.LOW, visited=LAST_VISIT)
        _setting(s, "Low older visit", risk_level=RiskLevel.LOW, visited=dt.date(2025, 1, 15))
        never = _setting(s, "Never", risk_level=RiskLevel.LOW)
        unused = _setting(s, "Unused", risk_level=RiskLevel.HIGH, in_use=False)
        s.add(QaVisit(setting_id=high.id, status=QaVisitStatus.DRAFT,
                      visit_date=dt.date(2026, 5, 30)))
        s.add(QaVisit(setting_id=high.id, status=QaVisitStatus.COMPLETED,
                      visit_date=dt.date(2026, 5, 1), deleted_at=dt.datetime(2026, 5, 2)))
    with db.sessions.begin() as s:
        assert recompute_schedule(s, TODAY) == 5
    assert _due(db, high.id) == dt.date(2026, 4, 15), "drafts and deleted visits do not count"
    assert _due(db, medium.id) == dt.date(2026, 7, 15)
    assert _due(db, low.id) == dt.date(2027, 1, 15)
    assert _due(db, never.id) == TODAY
    assert _due(db, unused.id) is None, "only settings in use are scheduled"
    with db.sessions.begin() as s:
        assert recompute_schedule(s, TODAY) == 0, "recomputing changes nothing"
        assert recompute_schedule(s, TODAY + dt.timedelta(days=3)) == 0, \
            "a setting never visited stays due from the day it first fell due"
    assert _due(db, never.id) == TODAY


def test_cycle_months_come_from_settings(db: Database) -> None:
    with db.sessions.begin() as s:
        high = _setting(s, "High", risk_level=RiskLevel.HIGH, visited=LAST_VISIT)
        low = _setting(s, "Low", risk_level=RiskLevel.LOW, visited=LAST_VISIT)
        set_setting(s, "qa.cycle_months", {"high": 1})
        recompute_schedule(s, TODAY)
    assert _due(db, high.id) == dt.date(2026, 2, 15)
    assert _due(db, low.id) == dt.date(2027, 1, 15), "levels not configured keep the default"


def test_a_setting_without_a_stored_level_is_assessed_on_the_spot(db: Database) -> None:
    with db.sessions.begin() as s:
        # No Ofsted judgement (+10) and a child placed (+5): Low.
        unknown = _setting(s, "Unknown", visited=LAST_VISIT)
        recompute_schedule(s, TODAY)
    assert _due(db, unknown.id) == dt.date(2027, 1, 15)
    with db.sessions() as s:
        stored = s.get(Setting, unknown.id)
        assert stored is not None and stored.risk_level is None


def test_a_rating_alert_brings_the_visit_forward_until_the_next_visit(db: Database) -> None:
    with db.sessions.begin() as s:
        home = _setting(s, "Home", risk_level=RiskLevel.LOW, visited=LAST_VISIT)
        recompute_schedule(s, TODAY)
    assert _due(db, home.id) == dt.date(2027, 1, 15)
    with db.sessions.begin() as s:
        setting = s.get(Setting, home.id)
        assert setting is not None
        raise_alert(s, setting, AlertKind.DOWNGRADE, Judgement.GOOD, Judgement.INADEQUATE,
                    TODAY)
    assert _due(db, home.id) == dt.date(2026, 6, 2), "one working day after an Inadequate"
    with db.sessions.begin() as s:
        set_setting(s, "alerts.visit_working_days.inadequate", 5)
        recompute_schedule(s, TODAY)
    assert _due(db, home.id) == dt.date(2026, 6, 2), "the earlier date from the alert wins"
    with db.sessions.begin() as s:
        s.add(QaVisit(setting_id=home.id, status=QaVisitStatus.COMPLETED,
                      visit_date=dt.date(2026, 6, 2)))
        s.flush()
        recompute_schedule(s, dt.date(2026, 6, 2))
    assert _due(db, home.id) == dt.date(2027, 6, 2), "a visit since the alert answers it"


def test_an_alert_raised_while_never_visited_uses_its_deadline(db: Database) -> None:
    with db.sessions.begin() as s:
        home = _setting(s, "Home", risk_level=RiskLevel.LOW)
        recompute_schedule(s, dt.date(2026, 5, 1))
        setting = s.get(Setting, home.id)
        assert setting is not None
        raise_alert(s, setting, AlertKind.DOWNGRADE, Judgement.GOOD,
                    Judgement.REQUIRES_IMPROVEMENT, TODAY)
        recompute_schedule(s, TODAY)
    assert _due(db, home.id) == dt.date(2026, 5, 1), "already overdue: still overdue"


def _user(s: Session, name: str, active: bool = True) -> User:
    user = User(username=name, display_name=name.title(), role=UserRole.QA_OFFICER,
                active=active)
    s.add(user)
    s.flush()
    return user


def test_lists_overdue_due_soon_and_by_officer(db: Database) -> None:
    with db.sessions.begin() as s:
        asha, ben = _user(s, "asha"), _user(s, "ben")
        late = _setting(s, "Late", next_qa_due=dt.date(2026, 5, 31), qa_officer_id=asha.id,
                        risk_level=RiskLevel.HIGH)
        _setting(s, "Today", next_qa_due=TODAY, qa_officer_id=ben.id)
        _setting(s, "Soon", next_qa_due=dt.date(2026, 7, 1), qa_officer_id=asha.id)
        _setting(s, "Later", next_qa_due=dt.date(2026, 7, 2))
        _setting(s, "Unused and late", next_qa_due=dt.date(2026, 1, 1), in_use=False)
        s.add(QaVisit(setting_id=late.id, status=QaVisitStatus.COMPLETED,
                      visit_date=dt.date(2026, 2, 28)))
    with db.sessions() as s:
        rows = overdue(db, TODAY)
        assert [r.name for r in rows] == ["Late"]
        row = rows[0]
        assert (row.setting_type, row.risk_level, row.last_visit, row.next_due,
                row.officer_id, row.officer_name) == (
            SettingType.CHILDRENS_HOME, RiskLevel.HIGH, dt.date(2026, 2, 28),
            dt.date(2026, 5, 31), asha.id, "Asha")
        assert overdue(db, TODAY, officer_id=ben.id) == []
        assert [r.name for r in due_within(db, TODAY, 30)] == ["Today", "Soon"]
        assert [r.name for r in due_within(db, TODAY, 0)] == ["Today"]
        assert [r.name for r in by_officer(s, TODAY, asha.id)] == ["Late", "Soon"]
        assert [r.name for r in by_officer(s, TODAY, None)] == ["Later"]

    # The list's filter bar means the same rule, with search on top.
    every = schedule_rows(db, TODAY)

    def shown(**kw: str) -> list[str]:
        return [r.name for r in filter_schedule(every, ScheduleFilter(**kw), TODAY)]

    assert shown() == ["Late", "Today", "Soon", "Later"]
    assert shown(due="overdue") == ["Late"]
    assert shown(due="30") == ["Today", "Soon"]
    assert shown(officer=UNASSIGNED) == ["Later"]
    assert shown(officer=str(asha.id), due="30") == ["Soon"]
    assert shown(text="asha") == ["Late", "Soon"], "the officer's name is searched too"
    assert shown(text="LAT") == ["Late", "Later"]


def test_assigning_an_officer(db: Database) -> None:
    with db.sessions.begin() as s:
        asha, gone = _user(s, "asha"), _user(s, "gone", active=False)
        one, two = _setting(s, "One", qa_officer_id=asha.id), _setting(s, "Two")
    assert assign_officer(db, [one.id, two.id], asha.id) == [two.id]
    assert assign_officer(db, [one.id], None) == [one.id]
    with pytest.raises(ValidationError, match="active user") as caught:
        assign_officer(db, [one.id], gone.id)
    assert caught.value.field == "officer"
    with db.sessions() as s:
        assert [r.name for r in by_officer(s, TODAY, asha.id)] == ["Two"]


def test_planning_a_visit(db: Database) -> None:
    with db.sessions.begin() as s:
        asha = _user(s, "asha")
        home = _setting(s, "Home", next_qa_due=dt.date(2026, 6, 20))
    visit_id = plan_visit(db, home.id, dt.date(2026, 6, 15), asha.id,
                          QaVisitType.UNANNOUNCED, today=TODAY)
    with db.sessions() as s:
        visit = s.get(QaVisit, visit_id)
        assert visit is not None
        assert (visit.status, visit.planned_date, visit.lead_officer_id, visit.visit_type) == (
            QaVisitStatus.PLANNED, dt.date(2026, 6, 15), asha.id, QaVisitType.UNANNOUNCED)
        assert due_within(db, TODAY, 30)[0].planned_date == dt.date(2026, 6, 15)
    with pytest.raises(ValidationError) as caught:
        plan_visit(db, home.id, None, today=TODAY)
    assert caught.value.field == "planned_date"
    with pytest.raises(ValidationError, match="in the past"):
        plan_visit(db, home.id, dt.date(2026, 5, 1), today=TODAY)
    with pytest.raises(ValidationError, match="no longer exists"):
        plan_visit(db, uuid.uuid4(), TODAY, today=TODAY)
