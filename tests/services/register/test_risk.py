"""The provider risk level explains itself and follows its inputs."""

from __future__ import annotations

import datetime as dt

from placement_desk.lifecycle import Database
from placement_desk.models import (
    Action,
    Child,
    Concern,
    OfstedInspection,
    PlacementEpisode,
    QaVisit,
    Setting,
)
from placement_desk.models.enums import (
    ActionSource,
    ActionStatus,
    ConcernKind,
    InspectionEventType,
    Judgement,
    QaJudgement,
    QaVisitStatus,
    RiskLevel,
    SettingType,
)
from placement_desk.services.common.settings_store import set_setting
from placement_desk.services.register.risk import (
    RiskInputs,
    assess,
    assess_settings,
    refresh_risk_levels,
)

TODAY = dt.date(2026, 6, 1)


def test_a_good_setting_with_nothing_open_is_low_risk() -> None:
    result = assess(RiskInputs(latest_judgement=Judgement.GOOD), TODAY)
    assert (result.level, result.score, result.factors) == (RiskLevel.LOW, 0, ())
    assert result.explain() == "Low risk: nothing raises the score."


def test_an_inadequate_downgrade_is_high_and_says_why() -> None:
    result = assess(RiskInputs(latest_judgement=Judgement.INADEQUATE,
                               previous_judgement=Judgement.GOOD, children_placed=2,
                               last_qa_date=TODAY - dt.timedelta(days=30)), TODAY)
    assert result.level == RiskLevel.HIGH
    assert result.score == 40 + 10 + 5
    reasons = [f.reason for f in result.factors]
    assert reasons == ["Latest Ofsted judgement Inadequate", "Downgraded from Good",
                       "2 children placed"]
    assert "High risk, score 55" in result.explain()


def test_counts_are_capped_and_qa_age_only_matters_with_children_placed() -> None:
    many = RiskInputs(latest_judgement=Judgement.GOOD, open_actions=20, overdue_actions=9,
                      open_concerns=1)
    result = assess(many, TODAY)
    points = {f.name: f.points for f in result.factors}
    assert points == {"open_actions": 10, "overdue_actions": 20, "concerns": 10}
    assert result.level == RiskLevel.HIGH  # 40
    placed = assess(RiskInputs(latest_judgement=Judgement.GOOD, children_placed=1), TODAY)
    assert {f.name for f in placed.factors} == {"children", "qa_age"}
    assert (placed.score, placed.level) == (15, RiskLevel.LOW)
    unplaced = assess(RiskInputs(latest_judgement=Judgement.GOOD, children_placed=0), TODAY)
    assert unplaced.factors == ()


def test_unregulated_provision_is_not_penalised_for_having_no_ofsted_rating() -> None:
    assert assess(RiskInputs(regulated=False), TODAY).score == 0
    assert assess(RiskInputs(regulated=True), TODAY).score == 10


def test_weights_and_thresholds_come_from_settings() -> None:
    inputs = RiskInputs(latest_judgement=Judgement.REQUIRES_IMPROVEMENT)
    assert assess(inputs, TODAY).level == RiskLevel.MEDIUM
    assert assess(inputs, TODAY, {"judgement_below_good": 50}).level == RiskLevel.HIGH
    assert assess(inputs, TODAY, thresholds={"high": 90, "medium": 30}).level == RiskLevel.LOW


def test_inputs_are_gathered_from_the_database(db: Database) -> None:
    with db.sessions.begin() as s:
        home = Setting(name="Oak House", urn="SC100001", setting_type=SettingType.CHILDRENS_HOME,
                       latest_judgement=Judgement.REQUIRES_IMPROVEMENT)
        quiet = Setting(name="Elm House", urn="SC100002", setting_type=SettingType.CHILDRENS_HOME,
                        latest_judgement=Judgement.GOOD)
        s.add_all([home, quiet])
        s.flush()
        for day, judged in ((dt.date(2023, 1, 5), Judgement.GOOD),
                            (dt.date(2025, 11, 2), Judgement.REQUIRES_IMPROVEMENT)):
            s.add(OfstedInspection(setting_id=home.id, event_type=InspectionEventType.FULL,
                                   inspection_date=day, overall_judgement=judged))
        s.add(QaVisit(setting_id=home.id, status=QaVisitStatus.COMPLETED,
                      visit_date=dt.date(2025, 1, 10), overall_judgement=QaJudgement.INADEQUATE))
        s.add(Action(source=ActionSource.QA_VISIT, setting_id=home.id, description="Fix",
                     due_date=dt.date(2026, 5, 1), status=ActionStatus.OPEN))
        s.add(Action(source=ActionSource.QA_VISIT, setting_id=home.id, description="Done",
                     due_date=dt.date(2026, 5, 1), status=ActionStatus.DONE))
        s.add(Concern(setting_id=home.id, kind=ConcernKind.MISSING, raised_on=TODAY))
        for ref in ("C1", "C2", "C3"):
            child = Child(case_ref=ref)
            s.add(child)
            s.flush()
            s.add(PlacementEpisode(child_id=child.id, setting_id=home.id,
                                   start_date=dt.date(2026, 1, 1), placement_type="K2"))
    with db.sessions() as s:
        results = assess_settings(s, [home.id, quiet.id], TODAY)
    factors = {f.name: f.reason for f in results[home.id].factors}
    assert factors == {
        "judgement": "Latest Ofsted judgement Requires improvement to be good",
        "trend": "Downgraded from Good",
        "qa": "Last QA visit judged Inadequate",
        "open_actions": "1 open action",
        "overdue_actions": "1 overdue action",
        "concerns": "1 open concern",
        "children": "3 children placed",
        "qa_age": "No QA visit in the last 12 months",
    }
    assert results[home.id].level == RiskLevel.HIGH
    assert results[quiet.id].level == RiskLevel.LOW
    with db.sessions.begin() as s:
        set_setting(s, "risk.thresholds", {"high": 1000, "medium": 500})
        assert refresh_risk_levels(s, TODAY) == 2
    with db.sessions() as s:
        stored = s.get(Setting, home.id)
        assert stored is not None and stored.risk_level == RiskLevel.LOW
