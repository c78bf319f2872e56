"""The sufficiency appendix's tables against ``appendix_world``, worked out by hand."""

from __future__ import annotations

import math
from typing import Any

import pytest

from placement_desk.lifecycle import Database
from placement_desk.services.reports.sufficiency import Appendix, appendix
from placement_desk.services.reports.sufficiency_children import forecast
from placement_desk.services.reports.sufficiency_table import AppendixTable

from .appendix_world import AT, build


@pytest.fixture
def data(db: Database) -> Appendix:
    build(db)
    return appendix(db, AT)


def table(data: Appendix, key: str) -> AppendixTable:
    return next(t for t in data.tables if t.key == key)


def rows(data: Appendix, key: str) -> dict[str, tuple[Any, ...]]:
    return {str(r[0]): r[1:] for r in table(data, key).rows}


def test_every_table_states_its_definitions_and_has_a_sheet_name(data: Appendix) -> None:
    assert (data.period.start.isoformat(), data.period.last.isoformat()) == ("2025-04-01",
                                                                             "2026-03-31")
    keys = [t.key for t in data.tables]
    assert len(keys) == len(set(keys)) == 18
    assert all(t.definitions and len(t.key) <= 31 for t in data.tables)
    assert all(len(r) == len(t.columns) for t in data.tables for r in t.rows)


def test_the_trend_counts_children_looked_after_each_year_and_forecasts_three(
        data: Appendix) -> None:
    found = table(data, "Looked after").rows
    assert [(r[0], r[1]) for r in found[:5]] == [("31/03/2022", 3), ("31/03/2023", 3),
                                                ("31/03/2024", 3), ("31/03/2025", 3),
                                                ("31/03/2026", 4)]
    # 3, 3, 3, 3, 4: slope 0.2, intercept 2.8; 3.8, 4.0, 4.2 with 80% ranges ±0.87, ±1.00,
    # ±1.15 (t = 1.638, s = √(0.4 / 3)), rounded
    assert [r[:2] for r in found[5:]] == [("31/03/2027", None), ("31/03/2028", None),
                                          ("31/03/2029", None)]
    assert [r[2:] for r in found[5:]] == [(4, 3, 5), (4, 3, 5), (4, 3, 5)]


def test_the_forecast_is_a_least_squares_line_with_an_80_percent_range() -> None:
    [(low, value, high), *_rest] = forecast([3, 3, 3, 3, 4], 3)
    half = 1.638 * math.sqrt(0.4 / 3) * math.sqrt(1 + 1 / 5 + 9 / 10)
    assert value == pytest.approx(3.8)
    assert (low, high) == (pytest.approx(3.8 - half), pytest.approx(3.8 + half))
    assert forecast([5, 5], 3) == [], "two years are too few"
    assert forecast([10, 5, 0], 1)[0][0] == 0.0, "never below none"


def test_profiles_of_the_children_looked_after(data: Appendix) -> None:
    assert rows(data, "Age") == {"10–15": (2, 50.0), "16 and over": (1, 25.0),
                                 "Age not known": (1, 25.0), "Total": (4, 100.0)}
    assert table(data, "Age").unclassified == (
        "1 child has no date of birth recorded: shown as Age not known.",)
    assert rows(data, "Gender") == {"Male": (2, 50.0), "Female": (1, 25.0),
                                    "Not known or not recorded": (1, 25.0),
                                    "Total": (4, 100.0)}
    assert rows(data, "Ethnicity") == {"White: White British": (1, 25.0),
                                       "Black: African": (1, 25.0),
                                       "Not recorded": (2, 50.0), "Total": (4, 100.0)}
    assert "2 children have no ethnicity recorded" in table(data, "Ethnicity").unclassified[0]
    assert rows(data, "Legal status") == {"C2 Full care order": (2, 50.0),
                                          "V2 Single period of accommodation under section 20":
                                              (1, 25.0),
                                          "Not recorded": (1, 25.0), "Total": (4, 100.0)}
    assert rows(data, "Category of need") == {
        "N1 Abuse or neglect": (1, 25.0), "N2 Child's disability": (1, 25.0),
        "N4 Family in acute stress": (1, 25.0), "Not recorded": (1, 25.0),
        "Total": (4, 100.0)}


def test_stability_three_moves_and_long_term(data: Appendix) -> None:
    # A: U4 as the year began, U6 from 01/06/2025, K2 from 01/12/2025: three placements.
    # B's change of legal status on 01/01/2023 kept the same placement.
    assert rows(data, "Placements in the year") == {
        "1": (3, 75.0), "2": (0, 0.0), "3 or more": (1, 25.0), "Total": (4, 100.0)}
    # Under 16 and looked after 2½ years or more: A (since 10/01/2022) and B (since
    # 01/01/2020); B alone has been in one placement for 2 years. D has no age.
    long_term = table(data, "Long-term stability")
    assert [r[1:] for r in long_term.rows] == [(2, None), (1, 50.0)]
    assert long_term.unclassified == (
        "1 child has no date of birth recorded, so cannot be placed under or over 16, and "
        "is not counted.",)


def test_placements_and_weeks_by_type_and_age_band(data: Appendix) -> None:
    counts = rows(data, "Placements by type")
    assert counts == {
        "Fostering": (0, 1, 1, 1, 0, 1, 4),  # A U4 (9), A U6 (10), B (13), D (no age)
        "Children's homes": (0, 0, 1, 0, 0, 0, 1),  # A K2 (10)
        "Supported accommodation": (0, 0, 0, 0, 1, 0, 1),  # C H5 (17)
        "Total": (0, 1, 2, 1, 1, 1, 6)}
    assert [c.heading for c in table(data, "Placements by type").columns][1:] == [
        "0–4", "5–9", "10–12", "13–15", "16+", "Age not known", "Total"]
    weeks = rows(data, "Weeks by type")
    assert weeks["Fostering"] == pytest.approx((0, 61 / 7, 183 / 7, 365 / 7, 0, 365 / 7,
                                                974 / 7))
    assert weeks["Children's homes"] == pytest.approx((0, 0, 121 / 7, 0, 0, 0, 121 / 7))
    assert weeks["Supported accommodation"][-1] == pytest.approx(212 / 7)
    assert table(data, "Weeks by type").unclassified[0].startswith(
        "1 placement is of children with no date of birth (52.1 weeks)")


def test_care_leavers_in_sutton_layout(data: Appendix) -> None:
    where = rows(data, "Care leavers by where")
    assert where["Staying Put with former foster carers"] == (0, 1, 0, 0, 1)
    assert where["Semi-independent living accommodation not subject to regulation"] == (
        0, 0, 0, 1, 1)
    assert where["Total"] == (0, 1, 0, 1, 2)
    needs = rows(data, "Care leavers by needs")
    assert needs["Staying Put with former foster carers"] == (0, 1, 0, 0, 0, 0, 1)
    assert needs["Total"] == (0, 1, 0, 0, 0, 1, 2)
    assert any("1 young person in care leavers' accommodation with no date of birth" in u
               for u in table(data, "Care leavers by where").unclassified)


def test_settings_used_by_judgement_against_the_region_and_england(data: Appendix) -> None:
    assert rows(data, "Settings by judgement") == {
        "Outstanding": (1, 33.3, 1, 33.3), "Good or strong": (1, 33.3, 1, 33.3),
        "Requires improvement or inconsistent": (0, 0.0, 0, 0.0),
        "Inadequate or serious weaknesses": (0, 0.0, 0, 0.0),
        "Not yet judged": (0, 0.0, 0, 0.0), "Not regulated": (1, 33.3, 1, 33.3),
        "Total": (3, 100.0, 3, 100.0)}
    assert table(data, "Settings by judgement").unclassified == (
        "3 episodes live that day have no setting recorded, so cannot be counted here.",)
    good = table(data, "Good or better")
    assert good.columns[4].heading == "% London"
    assert rows(data, "Good or better") == {
        "Children's home": (1, 1, 100.0, 50.0, 66.7),  # London 1 of 2; England 2 of 3
        "Independent fostering agency": (1, 1, 100.0, 100.0, 100.0),
        "All regulated settings": (2, 2, 100.0, 66.7, 75.0)}


def test_qa_coverage_of_the_settings_in_use(data: Appendix) -> None:
    assert rows(data, "QA coverage") == {
        "Children's home": (1, 1, 100.0), "Independent fostering agency": (1, 0, 0.0),
        "Semi-independent accommodation": (1, 0, 0.0), "All settings in use": (3, 1, 33.3)}


def test_spend_and_weeks_by_route_and_the_average_weekly_cost(data: Appendix) -> None:
    by_route = rows(data, "Spend by route")
    assert by_route["Spot purchase"] == pytest.approx((121 / 7, 121 / 7, 6_914_286))
    assert by_route["Framework or DPS"] == pytest.approx((365 / 7, 365 / 7, 4_692_857))
    assert by_route["In-house"] == pytest.approx(((61 + 183 + 212 + 365 + 182) / 7, 0, 0))
    assert by_route["Not recorded"] == pytest.approx((365 / 7, 0, 0))
    assert by_route["Total"] == pytest.approx((1854 / 7, 486 / 7, 11_607_143))
    assert table(data, "Spend by route").unclassified == (
        "52.1 weeks of placement have no commissioning route recorded: under Not recorded.",)
    averages = rows(data, "Average weekly cost")
    assert averages["K2 Children's home"] == pytest.approx((121 / 7, 6_914_286, 400_000))
    assert averages["U4 Foster placement with other foster carer, long term"][-1] == 90_000
    assert set(averages) == {"K2 Children's home",
                             "U4 Foster placement with other foster carer, long term"}
    assert "H5 Semi-independent" in table(data, "Average weekly cost").unclassified[0]
