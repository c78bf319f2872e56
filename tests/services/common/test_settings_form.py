"""Every editable setting as one form: grouped from the registry, checked, saved in one go."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from placement_desk.errors import ValidationError
from placement_desk.lifecycle import Database
from placement_desk.models import AppSetting, Child, PlacementEpisode, QaVisit, Setting
from placement_desk.models.enums import (
    Judgement,
    QaVisitStatus,
    QaVisitType,
    RiskLevel,
    SettingType,
)
from placement_desk.services.common.settings_form import (
    check_settings,
    load_settings,
    option_groups,
    save_settings,
)
from placement_desk.services.common.settings_store import OPTIONS
from placement_desk.services.qa.schedule import recompute_schedule
from placement_desk.services.register.risk import refresh_risk_levels

TODAY = dt.date(2026, 6, 1)


def _problem(db: Database, **changes: object) -> tuple[str, str]:
    values = {**load_settings(db), **{k.replace("__", "."): v for k, v in changes.items()}}
    with pytest.raises(ValidationError) as caught:
        check_settings(values)
    return caught.value.field, caught.value.message


def test_the_form_lists_every_setting_a_user_may_change_by_group() -> None:
    groups = dict(option_groups())
    assert list(groups) == ["Council", "Alerts", "QA", "Risk", "Contracts", "Safety", "Import"]
    listed = {o.key for options in groups.values() for o in options}
    assert listed == {key for key, o in OPTIONS.items() if o.editable}
    assert "ofsted.register_as_at" not in listed, "kept by the Ofsted import"
    assert "app.demo" not in listed and "app.set_up_on" not in listed
    weights = next(o for o in groups["Risk"] if o.key == "risk.weights")
    assert weights.parts is not None and set(weights.parts) == set(weights.default), \
        "every risk weight has a label"


def test_a_new_database_reads_the_defaults(db: Database) -> None:
    values = load_settings(db)
    assert values["council.name"] == "Demo Borough Council"
    assert values["qa.cycle_months"] == {"high": 3, "medium": 6, "low": 12}
    assert values["risk.thresholds"] == {"high": 40, "medium": 20}
    assert values["contracts.extension_warning_days"] == 90


def test_the_council_rules_name_their_setting(db: Database) -> None:
    assert _problem(db, council__local_authority_code="E1234") == (
        "council.local_authority_code",
        "E1234 is not the ONS code of an English council. Enter a code such as E09000029 "
        "(E06, E07, E08, E09 or E10 and six digits), or leave it empty.")
    field, message = _problem(db, qa__cycle_months={"high": 8, "medium": 6, "low": 12})
    assert field == "qa.cycle_months"
    assert message.startswith("High risk settings need visits at least as often as Medium")
    assert _problem(db, council__name="  ")[0] == "council.name"


def test_numbers_out_of_range_are_refused_with_the_part_named(db: Database) -> None:
    weights = {**load_settings(db)["risk.weights"], "open_action": 101}
    assert _problem(db, risk__weights=weights) == (
        "risk.weights", "Points each risk factor adds to a setting's score – Each open "
                        "action: enter a whole number from 0 to 100 points.")
    assert _problem(db, risk__thresholds={"high": 30, "medium": 30}) == (
        "risk.thresholds", "The Medium risk score (30) must be below the High risk score (30).")
    assert _problem(db, contracts__extension_warning_days=400)[0] == \
        "contracts.extension_warning_days"


def test_saving_writes_only_what_changed_and_nothing_when_refused(db: Database) -> None:
    assert save_settings(db, {"council.name": " Sutton Council ",
                              "council.local_authority_code": "e09 000029",
                              "contracts.review_interval_months": 6}, TODAY) == [
        "council.name", "council.local_authority_code"]
    with db.read() as s:
        stored = {row.key: row.value for row in s.query(AppSetting)
                  if row.key in OPTIONS}  # not the fee ledger's bookkeeping row
    assert stored == {"council.name": "Sutton Council",
                      "council.local_authority_code": "E09000029"}
    with pytest.raises(ValidationError):
        save_settings(db, {"council.name": "Kent", "qa.cycle_months": {"high": 99}}, TODAY)
    assert load_settings(db)["council.name"] == "Sutton Council", "nothing of it saved"
    with pytest.raises(ValidationError, match="not a setting that can be changed"):
        save_settings(db, {"ofsted.register_as_at": "2026-01-01"}, TODAY)


def _inadequate_home(db: Database) -> uuid.UUID:
    """A children's home judged Inadequate with one child placed and a recent QA visit:
    40 points for the judgement and 5 for the child with the default weights."""
    with db.write() as s:
        home = Setting(name="Oak House", urn="SC469688", setting_type=SettingType.CHILDRENS_HOME,
                       latest_judgement=Judgement.INADEQUATE,
                       latest_inspection_date=dt.date(2026, 3, 1))
        child = Child(case_ref="C-1")
        s.add_all([home, child])
        s.flush()
        s.add(PlacementEpisode(child_id=child.id, setting_id=home.id,
                               start_date=dt.date(2025, 1, 1), placement_type="K2"))
        s.add(QaVisit(setting_id=home.id, status=QaVisitStatus.COMPLETED,
                      visit_date=dt.date(2026, 5, 1), visit_type=QaVisitType.ANNOUNCED))
        s.flush()
        refresh_risk_levels(s, TODAY)
        recompute_schedule(s, TODAY)
        return home.id


def _home(db: Database, home_id: uuid.UUID) -> tuple[RiskLevel | None, dt.date | None]:
    with db.read() as s:
        home = s.get(Setting, home_id)
        assert home is not None
        return home.risk_level, home.next_qa_due


def test_new_risk_weights_change_levels_and_the_visits_that_follow_them(db: Database) -> None:
    home = _inadequate_home(db)
    assert _home(db, home) == (RiskLevel.HIGH, dt.date(2026, 8, 1))  # 45 points; 3 months
    weights = {**load_settings(db)["risk.weights"], "judgement_inadequate": 20}
    assert save_settings(db, {"risk.weights": weights}, TODAY) == ["risk.weights"]
    # 20 + 5 = 25 points: Medium (20 or more), so the next visit is six months on.
    assert _home(db, home) == (RiskLevel.MEDIUM, dt.date(2026, 11, 1))
    assert save_settings(db, {"risk.thresholds": {"high": 60, "medium": 30}}, TODAY) == [
        "risk.thresholds"]
    assert _home(db, home) == (RiskLevel.LOW, dt.date(2027, 5, 1))  # 25 < 30: yearly
