"""The SSDA903 episode checks, each shown firing and not firing."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from placement_desk.lifecycle import Database
from placement_desk.models import Child, PlacementEpisode, Setting
from placement_desk.models.enums import RegistrationStatus, SettingType
from placement_desk.services.placements.ssda903_rules import (
    EpisodeFacts,
    Issue,
    SettingFacts,
    check_episode,
    check_episodes,
    check_overlaps,
    clean_urn,
    parse_codes,
    urn_rule,
)

TODAY = dt.date(2026, 3, 7)
D = dt.date
OAK = SettingFacts("Oak House", "SC469688", frozenset({"K2"}), "PR4",
                   RegistrationStatus.ACTIVE, D(2015, 6, 1), None)


MAY_2024 = D(2024, 5, 1)


def _ep(place: str = "K2", start: dt.date = MAY_2024, end: dt.date | None = None,
        urn: str | None = "SC469688", provider: str | None = "PR4") -> EpisodeFacts:
    return EpisodeFacts(start, end, place, provider, urn)


def _fields(issues: list[Issue]) -> list[tuple[str, str]]:
    return [(i.level, i.field) for i in issues]


def test_a_clean_episode_has_no_issues() -> None:
    assert check_episode(_ep(), OAK, today=TODAY) == []
    assert check_episode(_ep("U4", urn=None), None, today=TODAY) == []


def test_small_helpers() -> None:
    assert clean_urn(" sc 469688 ") == "SC469688"
    assert clean_urn("XXXXXXX") is None
    assert parse_codes("K2, k1 ,") == frozenset({"K1", "K2"})
    assert urn_rule("H5", D(2023, 10, 27)) == "optional"
    assert urn_rule("H5", D(2023, 10, 28)) == "required"
    assert urn_rule("U5", D(2024, 1, 1)) == "optional"
    assert urn_rule("T2", D(2024, 1, 1)) == "not_allowed"


@pytest.mark.parametrize("place", ["K1", "K2", "R1", "S1"])
def test_urn_required_for_registered_settings(place: str) -> None:
    issues = check_episode(_ep(place, urn=None), None, OAK, today=TODAY)
    assert _fields(issues) == [("error", "urn")]
    assert "SC469688" in issues[0].message, "suggests the linked setting's URN"
    assert check_episode(_ep(place, urn="XXXXXXX"), None, today=TODAY)[0].field == "urn"


def test_urn_required_for_supported_accommodation_from_october_2023() -> None:
    assert check_episode(_ep("H5", D(2023, 9, 1), urn=None), None, today=TODAY) == []
    assert _fields(check_episode(_ep("H5", D(2023, 11, 1), urn=None), None, today=TODAY)) \
        == [("error", "urn")]
    assert _fields(check_episode(_ep("K3", D(2025, 5, 1), urn=None), None, today=TODAY)) \
        == [("error", "urn")]


@pytest.mark.parametrize("place", ["P1", "T0", "T4", "Z1", "A3", "A6", "R5"])
def test_urn_not_allowed_for_unregistered_placements(place: str) -> None:
    assert _fields(check_episode(_ep(place), OAK, today=TODAY)) == [("error", "urn")]
    assert check_episode(_ep(place, urn="XXXXXXX"), None, today=TODAY) == []
    assert check_episode(_ep(place, urn=None), None, today=TODAY) == []


def test_unknown_urn_is_a_warning() -> None:
    issues = check_episode(_ep(urn="SC999999"), None, today=TODAY)
    assert _fields(issues) == [("warning", "urn")]
    assert "not in the register" in issues[0].message


def test_placement_type_must_be_allowed_for_the_urn() -> None:
    issues = check_episode(_ep("K1"), OAK, today=TODAY)
    assert _fields(issues) == [("error", "placement_type")]
    assert "registered for placement types K2, not K1" in issues[0].message
    anything = SettingFacts("Unknown codes", "SC469688")
    assert check_episode(_ep("K1", provider=None), anything, today=TODAY) == []


def test_setting_must_be_registered_on_the_start_and_end_dates() -> None:
    late = SettingFacts("New House", "SC1", registration_date=D(2024, 6, 1))
    assert _fields(check_episode(_ep(start=D(2024, 5, 1), provider=None), late,
                                 today=TODAY)) == [("error", "start_date")]
    assert check_episode(_ep(start=D(2024, 6, 1), provider=None), late, today=TODAY) == []
    closed = SettingFacts("Old House", "SC1", registration_date=D(2010, 1, 1),
                          closed_date=D(2025, 1, 31))
    assert _fields(check_episode(_ep(end=D(2025, 2, 14), provider=None), closed,
                                 today=TODAY)) == [("error", "end_date")]
    assert _fields(check_episode(_ep(end=None, provider=None), closed, today=TODAY)) \
        == [("error", "end_date")]
    assert check_episode(_ep(end=D(2025, 1, 31), provider=None), closed, today=TODAY) == []
    cancelled = SettingFacts("Gone House", "SC1", registration_status=RegistrationStatus.CANCELLED)
    assert _fields(check_episode(_ep(provider=None), cancelled, today=TODAY)) \
        == [("warning", "urn")]


def test_place_provider_must_match_ofsted() -> None:
    issues = check_episode(_ep(provider="PR5"), OAK, today=TODAY)
    assert _fields(issues) == [("error", "place_provider")]
    assert "PR5" in issues[0].message and "PR4" in issues[0].message
    assert check_episode(_ep(provider=None), OAK, today=TODAY) == []


def test_end_before_start() -> None:
    issues = check_episode(_ep(start=D(2024, 5, 1), end=D(2024, 4, 30)), OAK, today=TODAY)
    assert _fields(issues) == [("error", "end_date")]
    assert check_episode(_ep(start=D(2024, 5, 1), end=D(2024, 5, 1)), OAK, today=TODAY) == []


def test_code_sets_change_on_1_april_2025() -> None:
    h5 = SettingFacts("Supported", "2590934")
    assert _fields(check_episode(_ep("H5", D(2025, 4, 1), urn="2590934", provider=None), h5,
                                 today=TODAY)) == [("error", "placement_type")]
    assert check_episode(_ep("H5", D(2025, 3, 31), urn="2590934", provider=None), h5,
                         today=TODAY) == []
    assert _fields(check_episode(_ep("P2", D(2025, 4, 1), urn=None), None, today=TODAY)) \
        == [("error", "placement_type")]
    assert check_episode(_ep("P2", D(2025, 3, 31), urn=None), None, today=TODAY) == []
    k3 = check_episode(_ep("K3", D(2025, 3, 31), urn="2590934", provider=None), h5, today=TODAY)
    assert _fields(k3) == [("error", "placement_type")]
    assert check_episode(_ep("K3", D(2025, 4, 1), urn="2590934", provider=None), h5,
                         today=TODAY) == []
    assert _fields(check_episode(_ep("Q7", urn=None), None, today=TODAY)) \
        == [("error", "placement_type")]
    assert check_episode(_ep("CL_SP", urn=None), None, today=TODAY) == []


def test_overlapping_episodes_of_one_child() -> None:
    first = _ep(start=D(2024, 1, 1), end=D(2024, 3, 1))
    touching = _ep(start=D(2024, 3, 1), end=D(2024, 6, 1))
    overlapping = _ep(start=D(2024, 5, 1), end=D(2024, 5, 20))
    inside_open = _ep(start=D(2024, 7, 1), end=None)
    later = _ep(start=D(2024, 9, 1), end=D(2024, 10, 1))
    assert check_overlaps([first, touching]) == {}
    found = check_overlaps([later, inside_open, overlapping, touching, first])
    assert set(found) == {overlapping.id, later.id}
    assert "01/03/2024 (01/06/2024)" in found[overlapping.id][0].message
    assert "still open" in found[later.id][0].message


@pytest.fixture
def db_user() -> str:
    return "sam.officer"


def test_check_episodes_gathers_from_the_database(db: Database) -> None:
    with db.sessions.begin() as s:
        home = Setting(name="Oak House", urn="SC469688", setting_type=SettingType.CHILDRENS_HOME,
                       allowed_placement_codes="K2", ofsted_provider_code="PR4",
                       registration_date=D(2015, 6, 1))
        a, b = Child(case_ref="C-1"), Child(case_ref="C-2")
        s.add_all([home, a, b])
        s.flush()
        good = PlacementEpisode(child_id=a.id, setting_id=home.id, start_date=D(2024, 1, 1),
                                end_date=D(2024, 6, 1), placement_type="K2",
                                place_provider="PR4", urn="SC469688")
        clash = PlacementEpisode(child_id=a.id, setting_id=home.id, start_date=D(2024, 5, 1),
                                 placement_type="K2", place_provider="PR5", urn=None)
        other = PlacementEpisode(child_id=b.id, start_date=D(2024, 5, 1), placement_type="U4")
        s.add_all([good, clash, other])
        s.flush()
        ids: dict[str, uuid.UUID] = {"good": good.id, "clash": clash.id, "a": a.id, "b": b.id}
    with db.sessions() as s:
        found = check_episodes(s, today=TODAY)
        assert set(found) == {ids["clash"]}
        assert sorted(i.field for i in found[ids["clash"]]) == ["start_date", "urn"]
        assert "SC469688" in next(i.message for i in found[ids["clash"]] if i.field == "urn")
        assert check_episodes(s, child_id=ids["b"], today=TODAY) == {}
        assert set(check_episodes(s, child_id=ids["a"], today=TODAY)) == {ids["clash"]}
