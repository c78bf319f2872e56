"""The unregistered provision rule case by case, and recording the reason and the action."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from placement_desk.db import Database
from placement_desk.errors import ValidationError
from placement_desk.models import PlacementEpisode
from placement_desk.services.kpis import KpiRequest, kpi_report
from placement_desk.services.kpis.snapshot import SettingInfo
from placement_desk.services.kpis.unregistered import (
    NO_SETTING,
    TEXT_LIMIT,
    problem,
    record_unregistered_note,
)

from .conftest import AT, Council

ON = dt.date(2026, 3, 31)


def _setting(kind: str, status: str = "active", allowed: frozenset[str] | None = None,
             closed: dt.date | None = None) -> SettingInfo:
    return SettingInfo("0" * 32, "A setting", "SC000001", kind, status, -1, None, None, None,
                       allowed, closed.toordinal() if closed else None)


@pytest.mark.parametrize(("place", "kind", "status", "expected"), [
    ("K2", "childrens_home", "active", None),
    ("K2", "childrens_home", "suspended", None),  # still registered
    ("K2", "childrens_home", "cancelled", "Not registered with Ofsted"),
    ("K2", "semi_independent", "not_registered", "Not registered with Ofsted"),
    ("K2", "ifa", "active",
     "Registered as an independent fostering agency, not as a children's home"),
    ("K1", "childrens_home", "active",
     "Registered as a children's home, not as a secure children's home"),
    ("K3", "supported_accommodation", "active", None),
    ("H5", "supported_accommodation", "active", None),
    ("H5", "semi_independent", "not_registered", "Not registered with Ofsted"),
    ("R1", "other_regulated", "active", None),  # a care home the CQC registers
    ("S1", "residential_special_school", "active", None),
    ("S1", "childrens_home", "active",
     "Registered as a children's home, not as a residential school"),
    ("U4", "semi_independent", "not_registered", None),  # fostering is not checked here
    ("P1", "semi_independent", "not_registered", None),
])
def test_which_placements_need_which_registration(place: str, kind: str, status: str,
                                                   expected: str | None) -> None:
    assert problem(place, _setting(kind, status), False, ON) == expected


def test_semi_independent_living_needed_registration_from_28_october_2023() -> None:
    unregulated = _setting("semi_independent", "not_registered")
    assert problem("H5", unregulated, False, dt.date(2023, 10, 27)) is None
    assert problem("H5", unregulated, False, dt.date(2023, 10, 28)) == \
        "Not registered with Ofsted"


def test_under_16s_may_not_be_in_accommodation_that_does_not_care() -> None:
    registered = _setting("supported_accommodation")
    assert problem("K3", registered, True, ON) == \
        "Under 16 in supported accommodation, which may not provide care"
    assert problem("K2", _setting("supported_lodgings", "not_registered"), True, ON) == \
        "Under 16 in supported accommodation, which may not provide care"
    assert problem("K3", registered, False, ON) is None


def test_a_closed_registration_and_the_providers_list() -> None:
    closed = _setting("childrens_home", closed=dt.date(2026, 1, 1))
    assert problem("K2", closed, False, ON) == "Not registered with Ofsted"
    assert problem("K2", closed, False, dt.date(2025, 12, 31)) is None
    listed = _setting("childrens_home", allowed=frozenset({"K2"}))
    assert problem("K2", listed, False, ON) is None
    short_breaks_only = _setting("childrens_home", allowed=frozenset({"U1"}))
    assert problem("K2", short_breaks_only, False, ON) == \
        "Ofsted's provider list does not allow placement type K2 here"
    assert problem("K2", None, False, ON) == NO_SETTING


def test_recording_the_reason_and_action_shows_in_the_list(db: Database,
                                                           council: Council) -> None:
    episode = council.episodes["C8"][0]
    record_unregistered_note(db, episode, "  No registered home would take C8  ",
                             "Emergency application to Ofsted; search continues daily")
    rows = {r.child_ref: r for r in kpi_report(db, KpiRequest.year_to(AT)).current
            .unregistered.rows}
    assert rows["C8"].reason == "No registered home would take C8"
    assert rows["C8"].action == "Emergency application to Ofsted; search continues daily"
    assert rows["C13"].reason is None
    with db.sessions() as s:
        stored = s.get(PlacementEpisode, episode)
        assert stored is not None and stored.unregistered_reason.startswith("No registered")
    record_unregistered_note(db, episode, "", "")
    rows = {r.child_ref: r for r in kpi_report(db, KpiRequest.year_to(AT)).current
            .unregistered.rows}
    assert (rows["C8"].reason, rows["C8"].action) == (None, None), "blank clears"


def test_a_note_on_the_first_episode_of_a_stay_carries_to_the_next(db: Database,
                                                                   council: Council) -> None:
    first, _legal_change = council.episodes["C4"]
    record_unregistered_note(db, first, "Only bed found", "Moving to foster care")
    rows = {r.child_ref: r for r in kpi_report(db, KpiRequest.year_to(AT)).current
            .unregistered.rows}
    assert rows["C4"].reason == "Only bed found"


def test_a_note_that_is_too_long_or_for_a_missing_placement_is_refused(
        db: Database, council: Council) -> None:
    with pytest.raises(ValidationError) as caught:
        record_unregistered_note(db, council.episodes["C8"][0], "x" * (TEXT_LIMIT + 1), None)
    assert caught.value.field == "reason"
    with pytest.raises(ValidationError) as caught:
        record_unregistered_note(db, uuid.uuid4(), "Why", "What")
    assert caught.value.field == "episode"
