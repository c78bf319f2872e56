"""Age rules (352, 358, 370-374, 387, 389) on hand-made tables: birthdays, gaps, year changes."""

from __future__ import annotations

import datetime as dt

import pytest

from placement_desk.services.placements.ssda903 import RULES
from tests.services.placements.ssda903.kit import episodes, flagged, header


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_352_started_care_on_or_after_18th_birthday() -> None:
    h = header({"CHILD": "A", "DOB": "10/05/2005"})
    e = episodes(
        {"CHILD": "A", "DECOM": "09/05/2023", "RNE": "S"},
        {"CHILD": "A", "DECOM": "10/05/2023", "RNE": "S"},  # the 18th birthday itself
        {"CHILD": "A", "DECOM": "11/05/2023", "RNE": "P"},  # not a new period of care
        {"CHILD": "B", "DECOM": "01/01/2024", "RNE": "S"},  # child not in the header
        {"CHILD": "A", "DECOM": "", "RNE": "S"},
    )
    for year in RULES:
        assert flagged(h, e, year, "352") == [1]


def test_358_youth_justice_status_under_10_flags_episode_and_header() -> None:
    h = header(
        {"CHILD": "A", "DOB": "15/06/2010"},
        {"CHILD": "B", "DOB": "01/01/2000"},
        {"CHILD": "C", "DOB": ""},
    )
    e = episodes(
        {"CHILD": "A", "LS": "J1", "DECOM": "15/06/2020"},  # 10th birthday: still flagged
        {"CHILD": "A", "LS": "J2", "DECOM": "16/06/2020"},
        {"CHILD": "B", "LS": "J3", "DECOM": "01/01/2005"},
        {"CHILD": "B", "LS": "C2", "DECOM": "01/01/2005"},
        {"CHILD": "C", "LS": "J1", "DECOM": "01/01/2020"},
    )
    assert flagged(h, e, "2025_26", "358") == [0, 2]
    assert flagged(h, e, "2025_26", "358", "header") == [0, 1]


def test_358_child_listed_twice_in_header() -> None:
    h = header({"CHILD": "A", "DOB": "01/01/2000"}, {"CHILD": "A", "DOB": "01/01/2015"})
    e = episodes({"CHILD": "A", "LS": "J1", "DECOM": "01/01/2020"})
    assert flagged(h, e, "2024_25", "358") == [0]
    assert flagged(h, e, "2024_25", "358", "header") == [1]


def test_372_youth_custody_under_10() -> None:
    h = header({"CHILD": "A", "DOB": "15/06/2010"})
    e = episodes(
        {"CHILD": "A", "PLACE": "R5", "DECOM": "14/06/2020", "DEC": "01/07/2020"},
        {"CHILD": "A", "PLACE": "R5", "DECOM": "15/06/2020", "DEC": "01/07/2020"},
        # Open (or badly dated) episodes are not checked, as in the DfE-approved validator.
        {"CHILD": "A", "PLACE": "R5", "DECOM": "14/06/2020", "DEC": ""},
        {"CHILD": "A", "PLACE": "R5", "DECOM": "14/06/2020", "DEC": "bad"},
        {"CHILD": "X", "PLACE": "R5", "DECOM": "01/01/2000", "DEC": "02/01/2000"},
        {"CHILD": "A", "PLACE": "K2", "DECOM": "14/06/2020", "DEC": "01/07/2020"},
    )
    for year in RULES:
        assert flagged(h, e, year, "372") == [0]


def test_age_floor_on_a_29_february_birthday() -> None:
    # A child born on 29 February turns 10 on 28 February in a common year.
    h = header({"CHILD": "A", "DOB": "29/02/2008"})
    e = episodes(
        {"CHILD": "A", "PLACE": "R5", "DECOM": "27/02/2018", "DEC": "01/03/2018"},
        {"CHILD": "A", "PLACE": "R5", "DECOM": "28/02/2018", "DEC": "01/03/2018"},
    )
    assert flagged(h, e, "2023_24", "372") == [0]


@pytest.mark.parametrize(
    ("year", "code", "place", "years"),
    [
        ("2023_24", "370", "P2", 16),
        ("2023_24", "371", "H5", 16),
        ("2024_25", "371", "K3", 16),
        ("2025_26", "371", "K3", 16),
        ("2023_24", "373", "S1", 4),
        ("2025_26", "373", "S1", 4),
        ("2024_25", "374", "P3", 14),
    ],
)
def test_age_floors_by_year(year: str, code: str, place: str, years: int) -> None:
    dob = dt.date(2005, 3, 1)
    birthday = dt.date(dob.year + years, 3, 1)
    h = header({"CHILD": "A", "DOB": _d(dob)})
    e = episodes(
        {"CHILD": "A", "PLACE": place, "DECOM": _d(birthday - dt.timedelta(days=1)),
         "DEC": _d(birthday + dt.timedelta(days=30))},
        {"CHILD": "A", "PLACE": place, "DECOM": _d(birthday),
         "DEC": _d(birthday + dt.timedelta(days=30))},
    )  # fmt: skip
    assert flagged(h, e, year, code) == [0]


def test_semi_independent_rule_371_moves_from_h5_to_k3() -> None:
    h = header({"CHILD": "A", "DOB": "01/01/2010"})
    e = episodes(
        {"CHILD": "A", "PLACE": "H5", "DECOM": "01/01/2024", "DEC": "01/02/2024"},
        {"CHILD": "A", "PLACE": "K3", "DECOM": "01/01/2024", "DEC": "01/02/2024"},
    )
    assert flagged(h, e, "2023_24", "371") == [0]
    assert flagged(h, e, "2024_25", "371") == [1]
    assert flagged(h, e, "2025_26", "371") == [1]
    assert "370" not in {r.code for r in RULES["2024_25"]}


def test_387_independent_living_before_14() -> None:
    h = header({"CHILD": "A", "DOB": "10/05/2010"})
    e = episodes(
        {"CHILD": "A", "REC": "E5", "DEC": "09/05/2024"},
        {"CHILD": "A", "REC": "E6", "DEC": "10/05/2024"},
        {"CHILD": "A", "REC": "E5", "DEC": ""},
        {"CHILD": "X", "REC": "E6", "DEC": "01/01/2024"},  # no DOB to clear it
        {"CHILD": "A", "REC": "E7", "DEC": "09/05/2024"},
    )
    for year in RULES:
        assert flagged(h, e, year, "387") == [0, 3]


def test_389_adult_social_care_before_16() -> None:
    h = header({"CHILD": "A", "DOB": "10/05/2010"})
    e = episodes(
        {"CHILD": "A", "REC": "E7", "DEC": "09/05/2026"},
        {"CHILD": "A", "REC": "E7", "DEC": "10/05/2026"},
        {"CHILD": "A", "REC": "E7", "DEC": ""},  # no end date: flagged, as the validator does
        {"CHILD": "X", "REC": "E7", "DEC": "01/01/2027"},
        {"CHILD": "A", "REC": "E5", "DEC": "09/05/2026"},
    )
    for year in RULES:
        assert flagged(h, e, year, "389") == [0, 2, 3]
