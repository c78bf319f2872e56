"""Code-list rules (101, 103, 143-146, 149, 178, 1009) against hand-made tables, year by year."""

from __future__ import annotations

import pytest

from tests.services.placements.ssda903.kit import episodes, flagged, header

NO_EPISODES = episodes()
NO_HEADER = header()


def test_101_sex_is_numeric_before_2024_25_and_letters_from_then() -> None:
    h = header(
        {"SEX": "1"}, {"SEX": "2"}, {"SEX": "M"}, {"SEX": "F"}, {"SEX": "U"}, {"SEX": ""},
        {"SEX": "m"},
    )  # fmt: skip
    # M is invalid in 2023_24 and valid in 2024_25; a blank is always invalid; "m" reads as M.
    assert flagged(h, NO_EPISODES, "2023_24", "101", "header") == [2, 3, 4, 5, 6]
    assert flagged(h, NO_EPISODES, "2024_25", "101", "header") == [0, 1, 5]
    assert flagged(h, NO_EPISODES, "2025_26", "101", "header") == [0, 1, 5]


@pytest.mark.parametrize("year", ["2023_24", "2024_25", "2025_26"])
def test_103_ethnicity_blank_or_unknown(year: str) -> None:
    h = header({"ETHNIC": "WBRI"}, {"ETHNIC": ""}, {"ETHNIC": "XXXX"}, {"ETHNIC": "refu"})
    assert flagged(h, NO_EPISODES, year, "103", "header") == [1, 2]


@pytest.mark.parametrize(
    ("code", "col", "good", "bad"),
    [
        ("143", "RNE", "S", "X"),
        ("144", "LS", "J2", "J4"),
        ("145", "CIN", "N8", "N9"),
        ("149", "REC", "E4A", "E4"),
        ("1009", "REASON_PLACE_CHANGE", "CUSTOD", "CUSTODY"),
    ],
)
@pytest.mark.parametrize("year", ["2023_24", "2024_25", "2025_26"])
def test_episode_code_lists_allow_blank(
    year: str, code: str, col: str, good: str, bad: str
) -> None:
    e = episodes({col: good}, {col: ""}, {col: bad}, {col: good.lower()})
    assert flagged(NO_HEADER, e, year, code) == [2]


def test_146_placement_types_change_by_year() -> None:
    places = ["H5", "P2", "Z1", "K3", "Z11", "Z14", "U1", ""]
    e = episodes(*({"PLACE": p} for p in places))
    # K3 arrives in 2024_25; Z11-Z14 replace Z1 (and H5, P2 go) in 2025_26.
    assert flagged(NO_HEADER, e, "2023_24", "146") == [3, 4, 5]
    assert flagged(NO_HEADER, e, "2024_25", "146") == [4, 5]
    assert flagged(NO_HEADER, e, "2025_26", "146") == [0, 1, 2]


def test_178_provider_code_and_types_without_provider() -> None:
    e = episodes(
        {"PLACE": "U1", "PLACE_PROVIDER": "PR4"},
        {"PLACE": "U1", "PLACE_PROVIDER": "PR9"},
        {"PLACE": "T4", "PLACE_PROVIDER": "PR1"},
        {"PLACE": "Z1", "PLACE_PROVIDER": "PR1"},
        {"PLACE": "Z11", "PLACE_PROVIDER": "PR1"},
        {"PLACE": "T0", "PLACE_PROVIDER": ""},
        {"PLACE": "", "PLACE_PROVIDER": "PR2"},
    )
    assert flagged(NO_HEADER, e, "2023_24", "178") == [1, 2, 3]
    assert flagged(NO_HEADER, e, "2024_25", "178") == [1, 2, 3]
    # 2025/26 lists T0-T3 and Z11-Z14 only: T4 and the retired Z1 are not 178's business.
    assert flagged(NO_HEADER, e, "2025_26", "178") == [1, 4]
