"""Placement rules (148, 213, 217t, 218, 222, 230, 385, 527-531, 550) on hand-made tables."""

from __future__ import annotations

import pytest

from placement_desk.services.placements.ssda903 import RULES
from tests.services.placements.ssda903.kit import episodes, flagged, header

H = header()


def test_148_end_date_and_reason_both_or_neither() -> None:
    e = episodes(
        {"DEC": "01/05/2024", "REC": "E11"},
        {"DEC": "", "REC": ""},
        {"DEC": "01/05/2024", "REC": ""},  # ended, no reason
        {"DEC": "", "REC": "X1"},  # reason, no end
        {"DEC": "not a date", "REC": ""},  # something is written in DEC
    )
    for year in RULES:
        assert flagged(H, e, year, "148") == [2, 3, 4]


def test_213_no_provider_for_temporary_placements() -> None:
    e = episodes(
        {"PLACE": "T0", "PLACE_PROVIDER": "PR1"},
        {"PLACE": "T4", "PLACE_PROVIDER": "PR1"},
        {"PLACE": "T2", "PLACE_PROVIDER": ""},
        {"PLACE": "U1", "PLACE_PROVIDER": "PR1"},
        {"PLACE": "Z11", "PLACE_PROVIDER": "PR1"},
        {"PLACE": "Z1", "PLACE_PROVIDER": "PR1"},
    )
    assert flagged(H, e, "2023_24", "213") == [0, 1]
    assert flagged(H, e, "2024_25", "213") == [0, 1]
    assert flagged(H, e, "2025_26", "213") == [0, 1, 4]


def test_218_only_episodes_live_in_the_year_need_a_urn() -> None:
    e = episodes(
        {"PLACE": "U1", "DEC": ""},
        {"PLACE": "U1", "DEC": "31/03/2023", "REC": "E11"},
        {"PLACE": "U1", "DEC": "01/04/2023", "REC": "E11"},
        {"PLACE": "U1", "URN": "1234567"},
        {"PLACE": "K2", "DEC": "garbled", "REC": "E11"},
    )
    assert flagged(H, e, "2023_24", "218") == [0, 2]


def test_218_exempt_types_by_year_and_outside_england() -> None:
    places = ["U1", "H5", "P2", "Z1", "Z12", "K2", "", "P1", "T4"]
    rows = [{"PLACE": p} for p in places]
    rows[5]["PL_LA"] = "WAL"
    e = episodes(*rows, extra=("PL_LA",))
    assert flagged(H, e, "2023_24", "218") == [0, 4, 6]
    assert flagged(H, e, "2024_25", "218") == [0, 1, 2, 4, 6]
    assert flagged(H, e, "2025_26", "218") == [0, 1, 2, 3, 6]


def test_218_without_pl_la_column_treats_placements_as_in_england() -> None:
    e = episodes({"PLACE": "K2"}, {"PLACE": "K2", "URN": "SC123456"})
    assert flagged(H, e, "2025_26", "218") == [0]


def test_222_no_urn_for_listed_types() -> None:
    e = episodes(
        {"PLACE": "P1", "URN": "1234567"},
        {"PLACE": "P1", "URN": "XXXXXXX"},
        {"PLACE": "P2", "URN": "1234567"},
        {"PLACE": "H5", "URN": "1234567"},
        {"PLACE": "Z1", "URN": "1234567"},
        {"PLACE": "Z13", "URN": "1234567"},
        {"PLACE": "K2", "URN": "1234567"},
        {"PLACE": "P1", "URN": ""},
    )
    assert flagged(H, e, "2023_24", "222") == [0, 2, 4]
    assert flagged(H, e, "2024_25", "222") == [0, 4]
    assert flagged(H, e, "2025_26", "222") == [0, 5]


def test_385_end_date_after_collection_year() -> None:
    e = episodes({"DEC": "31/03/2026"}, {"DEC": "01/04/2026"}, {"DEC": ""}, {"DEC": "32/03/2026"})
    assert flagged(H, e, "2025_26", "385") == [1]
    assert flagged(H, e, "2024_25", "385") == [0, 1]


def test_provider_against_placement_type() -> None:
    pairs = [
        ("P1", "PR1"), ("R2", "PR1"), ("R5", "PR2"), ("K2", "PR3"), ("U4", "PR3"),
        ("R1", "PR3"), ("P1", "PR4"), ("P1", "PR5"), ("P1", "PR0"), ("U1", "PR0"),
        ("", "PR0"), ("K2", "PR1"),
    ]  # fmt: skip
    e = episodes(*({"PLACE": p, "PLACE_PROVIDER": pp} for p, pp in pairs))
    expected = {
        "527": [0, 1], "528": [2], "529": [3, 4], "530": [6], "531": [7], "550": [9, 10],
    }  # fmt: skip
    for year in RULES:
        for code, rows in expected.items():
            assert flagged(H, e, year, code) == rows, (year, code)


def test_217t_and_230_run_in_2023_24_only() -> None:
    assert {"217t", "230"} <= {r.code for r in RULES["2023_24"]}
    for year in ("2024_25", "2025_26"):
        assert not {"217t", "230"} & {r.code for r in RULES[year]}


def test_217t_no_p2_after_28_october_2023() -> None:
    e = episodes(
        {"PLACE": "P2", "DEC": "28/10/2023"},
        {"PLACE": "P2", "DEC": "29/10/2023"},
        {"PLACE": "P2", "DEC": ""},
        {"PLACE": "P2", "DEC": "bad"},
        {"PLACE": "H5", "DEC": ""},
    )
    assert flagged(H, e, "2023_24", "217t") == [1, 2, 3]


@pytest.mark.parametrize("pl_la_column", [True, False])
def test_230_h5_needs_a_urn_from_29_october_2023(pl_la_column: bool) -> None:
    rows = [
        {"PLACE": "H5", "DEC": "28/10/2023"},
        {"PLACE": "H5", "DEC": "29/10/2023"},
        {"PLACE": "H5", "URN": "XXXXXXX"},
        {"PLACE": "H5", "URN": "1234567"},
        {"PLACE": "H5", "PL_LA": "SCO"},
        {"PLACE": "U1"},
    ]
    e = episodes(*rows, extra=("PL_LA",) if pl_la_column else ())
    assert flagged(H, e, "2023_24", "230") == ([1, 2] if pl_la_column else [1, 2, 4])
