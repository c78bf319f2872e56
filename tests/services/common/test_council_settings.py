"""Council settings: defaults, messages a user can act on, one save that reschedules QA."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest

from placement_desk.errors import ValidationError
from placement_desk.lifecycle import Database
from placement_desk.models import AppSetting, Child, PlacementEpisode, QaVisit, Setting
from placement_desk.models.enums import QaVisitStatus, QaVisitType, RiskLevel, SettingType
from placement_desk.services.common.council_settings import (
    CouncilSettings,
    load_council_settings,
    save_council_settings,
    validate_council_settings,
)
from placement_desk.services.common.settings_store import get_setting
from placement_desk.services.qa.schedule import cycle_months, recompute_schedule
from placement_desk.services.register.alerts import visit_deadline_days

TODAY = dt.date(2026, 6, 1)
LAST_VISIT = dt.date(2026, 1, 15)


def _load(db: Database) -> CouncilSettings:
    return load_council_settings(db)


def _valid() -> CouncilSettings:
    return CouncilSettings(
        council_name="London Borough of Sutton", local_authority_code="E09000029",
        cycle_months={RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 6, RiskLevel.LOW: 12},
        visit_working_days_inadequate=1, visit_working_days_requires_improvement=10,
        visit_working_days_other=10)


def _due(db: Database, setting_id: uuid.UUID) -> dt.date | None:
    with db.sessions() as s:
        setting = s.get(Setting, setting_id)
        assert setting is not None
        return setting.next_qa_due


def _message(s: CouncilSettings) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        validate_council_settings(s)
    return caught.value.field, caught.value.message


def test_a_new_database_loads_the_defaults(db: Database) -> None:
    s = _load(db)
    assert s.council_name == "Demo Borough Council"
    assert s.local_authority_code == ""
    assert s.cycle_months == {RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 6, RiskLevel.LOW: 12}
    assert (s.visit_working_days_inadequate, s.visit_working_days_requires_improvement,
            s.visit_working_days_other) == (1, 10, 10)
    validate_council_settings(s)  # the defaults can be saved as they are


def test_the_council_name_is_required_and_at_most_120_characters() -> None:
    field, message = _message(dataclasses.replace(_valid(), council_name="   "))
    assert (field, message) == ("council_name", "Enter the council's name.")
    field, message = _message(dataclasses.replace(_valid(), council_name="x" * 121))
    assert field == "council_name" and "120 characters or fewer" in message
    validate_council_settings(dataclasses.replace(_valid(), council_name="x" * 120))


@pytest.mark.parametrize("code", ["E0900002", "E05000029", "W06000015", "S12000033",
                                  "E09000029X", "Sutton"])
def test_an_area_code_that_is_not_an_english_councils_is_refused(code: str) -> None:
    field, message = _message(dataclasses.replace(_valid(), local_authority_code=code))
    assert field == "local_authority_code"
    assert "is not the ONS code of an English council" in message
    assert "E09000029" in message and "leave it empty" in message


@pytest.mark.parametrize("code", ["", "E06000001", "E07000228", "E08000025", "e09 000 029",
                                  " E10000014 "])
def test_an_english_council_area_code_or_none_is_accepted(code: str) -> None:
    validate_council_settings(dataclasses.replace(_valid(), local_authority_code=code))


def test_high_risk_settings_cannot_be_visited_less_often_than_medium_or_low() -> None:
    high_after_medium = {RiskLevel.HIGH: 9, RiskLevel.MEDIUM: 6, RiskLevel.LOW: 12}
    field, message = _message(dataclasses.replace(_valid(), cycle_months=high_after_medium))
    assert field == "cycle_months"
    assert message == ("High risk settings need visits at least as often as Medium risk ones: "
                       "make High 6 months or fewer, or Medium 9 or more.")
    medium_after_low = {RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 18, RiskLevel.LOW: 12}
    field, message = _message(dataclasses.replace(_valid(), cycle_months=medium_after_low))
    assert message.startswith("Medium risk settings need visits at least as often as Low")
    equal = {RiskLevel.HIGH: 6, RiskLevel.MEDIUM: 6, RiskLevel.LOW: 6}
    validate_council_settings(dataclasses.replace(_valid(), cycle_months=equal))


def test_cycles_and_working_days_are_kept_within_range() -> None:
    field, message = _message(dataclasses.replace(
        _valid(), cycle_months={RiskLevel.HIGH: 0, RiskLevel.MEDIUM: 6, RiskLevel.LOW: 12}))
    assert (field, message) == ("cycle_months",
                                "High risk: the months between visits must be from 1 to 36.")
    field, _ = _message(dataclasses.replace(
        _valid(), cycle_months={RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 6, RiskLevel.LOW: 37}))
    assert field == "cycle_months"
    field, message = _message(dataclasses.replace(_valid(), visit_working_days_other=61))
    assert field == "visit_working_days_other" and "from 0 to 60" in message
    validate_council_settings(dataclasses.replace(_valid(), visit_working_days_inadequate=0))


def test_saving_round_trips_and_stores_what_the_readers_expect(db: Database) -> None:
    wanted = dataclasses.replace(
        _valid(), council_name="  London Borough of Sutton ", local_authority_code="e09 000029",
        cycle_months={RiskLevel.HIGH: 2, RiskLevel.MEDIUM: 4, RiskLevel.LOW: 9},
        visit_working_days_inadequate=3, visit_working_days_requires_improvement=15,
        visit_working_days_other=20)
    save_council_settings(db, wanted, TODAY)
    loaded = _load(db)
    assert loaded == dataclasses.replace(wanted, council_name="London Borough of Sutton",
                                         local_authority_code="E09000029")
    with db.sessions() as s:
        stored = {row.key: row.value for row in s.query(AppSetting)}
        assert stored["qa.cycle_months"] == {"high": 2, "medium": 4, "low": 9}
        assert stored["council.local_authority_code"] == "E09000029"
        assert stored["alerts.visit_working_days.other"] == 20
        assert cycle_months(s) == {RiskLevel.HIGH: 2, RiskLevel.MEDIUM: 4, RiskLevel.LOW: 9}
        assert visit_deadline_days(s, None) == 20
        assert get_setting(s, "council.name") == "London Borough of Sutton"


def test_nothing_is_saved_when_a_setting_is_invalid(db: Database) -> None:
    bad = dataclasses.replace(_valid(), council_name="Sutton", local_authority_code="X1")
    with pytest.raises(ValidationError):
        save_council_settings(db, bad, TODAY)
    assert _load(db).council_name == "Demo Borough Council"


def test_saving_new_cycle_months_moves_the_next_qa_due_date(db: Database) -> None:
    with db.sessions.begin() as s:
        setting = Setting(name="Oak House", urn="SC469688",
                          setting_type=SettingType.CHILDRENS_HOME, risk_level=RiskLevel.MEDIUM)
        child = Child(case_ref="C-1")
        s.add_all([setting, child])
        s.flush()
        s.add(PlacementEpisode(child_id=child.id, setting_id=setting.id,
                               start_date=dt.date(2025, 1, 1), placement_type="K2"))
        s.add(QaVisit(setting_id=setting.id, status=QaVisitStatus.COMPLETED,
                      visit_date=LAST_VISIT, visit_type=QaVisitType.ANNOUNCED))
        s.flush()
        recompute_schedule(s, TODAY)
        setting_id = setting.id
    assert _due(db, setting_id) == dt.date(2026, 7, 15)  # Medium: six months

    longer = dataclasses.replace(
        _load(db), cycle_months={RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 9, RiskLevel.LOW: 12})
    save_council_settings(db, longer, TODAY)
    assert _due(db, setting_id) == dt.date(2026, 10, 15)  # now nine months
