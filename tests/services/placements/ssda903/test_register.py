"""Our own checks against the Ofsted register, each shown firing and not firing."""

from __future__ import annotations

import datetime as dt

from placement_desk.models.enums import RegistrationStatus
from placement_desk.services.placements.ssda903.register import (
    Finding,
    SettingFacts,
    check_against_register,
    clean_urn,
    parse_codes,
)

D = dt.date
TODAY = D(2026, 3, 7)
OAK = SettingFacts("Oak House", "SC469688", frozenset({"K2"}), "PR4",
                   RegistrationStatus.ACTIVE, D(2015, 6, 1), None)


MAY_2024 = D(2024, 5, 1)


def _check(setting: SettingFacts | None = OAK, place: str = "K2", start: dt.date = MAY_2024,
           end: dt.date | None = None, urn: str | None = "SC469688",
           provider: str | None = "PR4") -> list[Finding]:
    settings = {"SC469688": setting} if setting is not None else {}
    return check_against_register(place, start, end, urn, provider, settings, TODAY)


def _codes(found: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.level) for f in found]


def test_small_helpers() -> None:
    assert clean_urn(" sc 469688 ") == "SC469688"
    assert clean_urn("XXXXXXX") is None
    assert parse_codes("K2, k1 ,") == frozenset({"K1", "K2"})


def test_an_episode_that_matches_its_setting_has_nothing_to_report() -> None:
    assert _check() == []
    assert _check(urn=None) == [], "no URN: rules 218 and 222 say whether one is needed"
    assert _check(urn="XXXXXXX") == []


def test_a_urn_not_in_the_register_is_a_warning() -> None:
    found = _check(setting=None)
    assert _codes(found) == [("PD-URN", "warning")]
    assert found[0].columns == ("URN",)
    assert "SC469688" not in found[0].message


def test_the_placement_type_must_be_one_the_setting_is_registered_for() -> None:
    found = _check(place="K1")
    assert _codes(found) == [("PD-TYPE", "error")]
    assert found[0].message == "Oak House is registered for placement types K2 only."
    anything = SettingFacts("Unknown codes", "SC469688")
    assert _check(anything, place="K1", provider=None) == []


def test_the_setting_must_be_registered_for_the_whole_episode() -> None:
    late = SettingFacts("New House", "SC469688", registration_date=D(2024, 6, 1))
    assert _codes(_check(late, start=D(2024, 5, 1), provider=None)) == [("PD-REG", "error")]
    assert _check(late, start=D(2024, 6, 1), provider=None) == []
    closed = SettingFacts("Old House", "SC469688", registration_date=D(2010, 1, 1),
                          closed_date=D(2025, 1, 31))
    assert _codes(_check(closed, end=D(2025, 2, 14), provider=None)) == [("PD-REG", "error")]
    assert "closed on 31/01/2025" in _check(closed, provider=None)[0].message
    assert _check(closed, end=D(2025, 1, 31), provider=None) == []
    cancelled = SettingFacts("Gone House", "SC469688",
                             registration_status=RegistrationStatus.CANCELLED)
    assert _codes(_check(cancelled, provider=None)) == [("PD-REG", "warning")]
    assert _check(cancelled, end=D(2024, 6, 1), provider=None) == []


def test_place_provider_must_match_ofsted() -> None:
    found = _check(provider="PR5")
    assert _codes(found) == [("PD-PROVIDER", "error")]
    assert "(PR4)" in found[0].message and "PR5" not in found[0].message
    assert _check(provider=None) == []
