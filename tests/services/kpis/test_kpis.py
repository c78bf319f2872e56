"""Every KPI on the hand-built council of ``conftest.py``, each answer worked out by hand in the
comments beside it (the period is 1 April 2025 to 31 March 2026)."""

from __future__ import annotations

import datetime as dt

import pytest

from placement_desk.db import Database
from placement_desk.services.kpis import Cohort, KpiReport, KpiRequest, kpi_report
from placement_desk.services.kpis.common import Table

from .conftest import AT, Council

YEAR = KpiRequest.year_to(AT)


@pytest.fixture
def report(db: Database, council: Council) -> KpiReport:
    return kpi_report(db, YEAR)


def _row(table: Table, label: str) -> dict[str, object]:
    found = next(r for r in table.rows if r.label == label)
    return dict(zip(table.columns, found.values, strict=True))


def _ids(db: Database, council: Council, records: frozenset[str]) -> set[str]:
    """Episode or setting ids (hex) back to the fixture's names."""
    names = {v.hex: k for k, v in council.settings.items()}
    for child, episodes in council.episodes.items():
        for n, e in enumerate(episodes):
            names[e.hex] = f"{child}.{n}"
    return {names[i] for i in records}


def test_the_period_and_the_one_before() -> None:
    assert (YEAR.start, YEAR.end) == (dt.date(2025, 4, 1), AT)
    before = YEAR.previous()
    assert (before.start, before.end) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))


def test_children_looked_after_and_their_types_and_ages(report: KpiReport, db: Database,
                                                          council: Council) -> None:
    # C6 is on short breaks, C7 is a care leaver (26) and C10's care ended on the day:
    # C1, C2, C3, C4, C5, C8, C9, C11, C12 and C13 are looked after.
    figure = report.figures["children_looked_after"]
    assert figure.text() == "10"
    assert _ids(db, council, figure.records.ids) == {
        "C1.0", "C2.2", "C3.0", "C4.1", "C5.1", "C8.0", "C9.0", "C11.2", "C12.1", "C13.0"}
    # A year before: C1, C4 (from 1 March 2025), C5, C12 and C13.
    assert report.previous.figures()["children_looked_after"].numerator == 5
    assert report.change("children_looked_after").text() == "Up 5"  # type: ignore[union-attr]
    table = report.tables["children_by_type_age"]
    # Children's homes: C2, C8, C9, C12 are 10 to 12; C1 and C11 are 13 to 15.
    assert _row(table, "Children's homes") == {
        "0–4": 0, "5–9": 0, "10–12": 4, "13–15": 2, "16+": 0, "No date of birth": 0, "Total": 6}
    # Supported accommodation: C4 (15), C3 (17) and C13 (16).
    assert _row(table, "Supported accommodation")["13–15"] == 1
    assert _row(table, "Supported accommodation")["16+"] == 2
    assert _row(table, "Fostering") == {
        "0–4": 0, "5–9": 1, "10–12": 0, "13–15": 0, "16+": 0, "No date of birth": 0, "Total": 1}
    assert _row(table, "Total")["Total"] == 10
    cell = next(r for r in table.rows if r.label == "Children's homes").records_at(2)
    assert _ids(db, council, cell.ids) == {"C2.2", "C8.0", "C9.0", "C12.1"}


def test_placements_and_weeks_in_the_period(report: KpiReport) -> None:
    # Placements with a day in the year: C1 1, C2 3, C3 1, C4 1 (its legal-status change
    # in September continues the first), C5 1 (its legal-status episode began before the
    # year), C6 1, C8 1, C9 1, C10 1, C11 3 (home, holiday, home), C12 2, C13 1 = 17.
    assert _row(report.tables["placements_by_type_age"], "Total")["Total"] == 17
    # Days in the year (365), the end day not counted: C1 365; C2 92 + 122 + 121 = 335;
    # C3 304 (from 1 June); C4 365; C5 365; C6 182 (from 1 October); C8 151 (from
    # 1 November); C9 90 (from 1 January); C10 364 (ended 31 March); C11 198 (from
    # 15 September: 16 + 182); C12 365; C13 365. In all 3,449 days.
    assert report.figures["weeks"].numerator == pytest.approx(3449 / 7)
    assert report.figures["weeks"].text() == "492.7 weeks"


def test_settings_in_use_rated_good_or_outstanding_beside_england_and_the_region(
        report: KpiReport, db: Database, council: Council) -> None:
    # In use: H1 (Good since June 2025), H2 (Inadequate), H3 (not yet inspected), F1
    # (Outstanding), SA1 (strong), SI1 (unregulated), X1 (resigned). Judged at a full
    # inspection: H1, H2, F1, of which H1 and F1 are Good or Outstanding.
    good = report.figures["good_settings"]
    assert good.text() == "67% (2 of 3)"
    assert (good.unclassified, good.unclassified_label) == (1, "not yet inspected")
    # England, children's homes and fostering agencies registered: H1 Good, H2 Inadequate,
    # F1 Outstanding, E1 Good, E2 Requires improvement (H3 not judged, X1 resigned):
    # 3 of 5. London: H1, H2, F1, E2: 2 of 4.
    assert dict(good.comparisons) == {"England": "60.0% (3 of 5)",
                                      "Region (London)": "50.0% (2 of 4)"}
    assert _ids(db, council, good.records.ids) == {"H1", "H2", "H3", "F1"}
    # Children placed in judged settings: C1, C6, C12 (H1), C5 (F1) and C11 (H2); C2 is in
    # H3, not yet inspected.
    children = report.figures["good_children"]
    assert children.text() == "80% (4 of 5)"
    assert children.unclassified == 1
    # Supported accommodation: SA1 is strong; England SA1 and E3 (serious): 1 of 2.
    strong = report.figures["sa_strong"]
    assert strong.text() == "100% (1 of 1)"
    assert dict(strong.comparisons)["England"] == "50.0% (1 of 2)"
    judgements = report.tables["judgements"]
    assert _row(judgements, "Inadequate")["Settings in use"] == 1
    assert _row(judgements, "Inadequate")["% of those judged"] == pytest.approx(100 / 3)
    # England: Outstanding F1, Good H1 and E1, Requires improvement E2, Inadequate H2.
    assert _row(judgements, "Good")["England %"] == pytest.approx(40.0)
    assert _row(judgements, "Requires improvement")["London %"] == pytest.approx(25.0)
    assert _row(judgements, "Not yet inspected")["Settings in use"] == 1
    # A year before: H1 (Inadequate then: its Good came in June 2025), F1 and SI1 in use;
    # children C1 in H1, C5 and C12 in F1.
    history = report.tables["good_over_time"]
    assert _row(history, "31/03/2025")["By settings %"] == pytest.approx(50.0)
    assert _row(history, "31/03/2025")["By children %"] == pytest.approx(200 / 3)
    assert _row(history, "31/03/2026")["By children %"] == pytest.approx(80.0)


def test_qa_coverage_by_setting_and_provider_and_overdue_visits(report: KpiReport) -> None:
    # Visited in the 12 months from 31 March 2025 to 31 March 2026: H1 (June), F1 (on
    # 31 March 2025, the first day), SI1 (on the day). Not H2 (30 March 2025), SA1 (only
    # planned), H3 and X1 (never).
    assert report.figures["qa_settings"].text() == "43% (3 of 7)"
    # Providers: P1 (H1) yes, P2 (H2, H3) no, P3 (F1) yes, P4 (SI1) yes.
    assert report.figures["qa_providers"].text() == "75% (3 of 4)"
    # H2 was due on 1 January 2026; H3 is due on the day itself, not yet overdue.
    assert report.figures["qa_overdue"].text() == "1"
    by_type = report.tables["qa_by_type"]
    assert _row(by_type, "Children's home") == {"% visited": 25.0, "Visited": 1, "In use": 4}


def test_distance_and_area(report: KpiReport, db: Database, council: Council) -> None:
    # Miles of the ten looked after: C1 5, C2 25, C3 unknown, C4 12, C5 3, C8 20 (20 or
    # less is local), C9 unknown, C11 60, C12 8, C13 30.
    within = report.figures["within_20"]
    assert within.text() == "50% (5 of 10)"
    assert (within.unclassified, within.unclassified_label) == (2, "distance not known")
    bands = report.tables["distance_bands"]
    assert [r.values[0] for r in bands.rows] == [2, 1, 2, 2, 1, 2]
    unknown = bands.rows[-1].records_at(0)
    assert _ids(db, council, unknown.ids) == {"C3.0", "C9.0"}
    # In the council's area (E09000029): C1 and C5 (SM1 1AA); outside: C2 (CR0 1AA);
    # the other seven have no postcode in the lookup.
    area = report.figures["in_area"]
    assert area.text() == "67% (2 of 3)"
    assert area.unclassified == 7


def test_stability(report: KpiReport, db: Database, council: Council) -> None:
    # Only C2 had three placements in the year; C11's holiday (T2) is not a placement and
    # C4's legal-status change is not a move.
    moved = report.figures["three_placements"]
    assert moved.text() == "10% (1 of 10)"
    assert _ids(db, council, moved.records.ids) == {"C2.0", "C2.1", "C2.2"}
    # Under 16 and looked after since 30 September 2023 or before: C1 (2023), C5 (2021),
    # C12 (2022). In the same placement since 31 March 2024: C1, and C5 (a legal-status
    # change does not move a child); C12 moved in June 2025.
    stable = report.figures["long_term_stability"]
    assert stable.text() == "67% (2 of 3)"
    assert _ids(db, council, stable.records.ids) == {"C1.0", "C5.1", "C12.1"}


def test_spend_by_route_type_and_provider(report: KpiReport) -> None:
    # IPA-1: 183 days at £4,000 a week (to 1 October) and 182 at £4,200: pence × days =
    # 400,000 × 183 + 420,000 × 182 = 149,640,000; ÷ 7 = 21,377,142.86 → £213,771.43.
    # IPA-2: 304 days at £1,500: 150,000 × 304 ÷ 7 = 6,514,285.71 → £65,142.86, and the
    # £250 set-up: £65,392.86.
    assert report.figures["spend"].text() == "£279,164.29"
    by_route = report.tables["spend_by_route"]
    assert _row(by_route, "Block contract")["Spend (£)"] == pytest.approx(213_771.43)
    assert _row(by_route, "Framework or DPS")["Spend (£)"] == pytest.approx(65_392.86)
    # Weeks by route: block is C1 (365 days) and C6 (182): 547 ÷ 7 = 78.1.
    assert _row(by_route, "Block contract")["Weeks"] == pytest.approx(78.1)
    # The average weekly cost: £213,771.43 over 365 paid days (52.14 weeks) = £4,099.73.
    assert _row(by_route, "Block contract")["Average weekly cost (£)"] == pytest.approx(
        4099.73)
    by_type = report.tables["spend_by_type"]
    assert _row(by_type, "Children's homes")["Spend (£)"] == pytest.approx(213_771.43)
    assert _row(by_type, "Supported accommodation")["Spend (£)"] == pytest.approx(65_392.86)
    top = report.tables["top_providers"]
    assert [r.label for r in top.rows] == ["Provider P1", "Provider P3"]


def test_unregistered_provision_with_how_long(report: KpiReport) -> None:
    found = report.current.unregistered
    rows = {r.child_ref: r for r in found.rows}
    assert set(rows) == {"C4", "C8", "C13"}
    assert report.figures["unregistered"].text() == "3"
    assert found.unchecked == 1, "C9's children's home is not recorded"
    # C13 (16) has been in SI1, not registered, since June 2023; it had to be from
    # 28 October 2023: 886 days to 31 March 2026, both counted.
    assert rows["C13"].problem == "Not registered with Ofsted"
    assert rows["C13"].since == dt.date(2023, 10, 28)
    assert rows["C13"].days == (AT - dt.date(2023, 10, 28)).days + 1 == 886
    # C4 is 15: under 16 in semi-independent accommodation, since 1 March 2025 (the
    # legal-status change in September is the same stay): 396 days.
    assert rows["C4"].problem.startswith("Under 16 in supported accommodation")
    assert (rows["C4"].since, rows["C4"].days) == (dt.date(2025, 3, 1), 396)
    assert rows["C4"].how_long == "56 weeks and 4 days"
    # C8 is in X1, whose registration ended in January 2025: since 1 November 2025.
    assert (rows["C8"].problem, rows["C8"].days) == ("Not registered with Ofsted", 151)


def test_what_needs_attention(report: KpiReport) -> None:
    assert report.figures["overdue_actions"].text() == "1"
    # Reviews: P1 signed one off on 15 January 2026 (next due July); P2's first live
    # placement began 8 October 2025 (due 8 April 2026); P3's on 1 June 2024 and P4's on
    # 1 June 2023 have never been reviewed: overdue.
    assert report.figures["reviews_due"].text() == "2"
    assert report.figures["contracts_ending"].text() == "1"
    # Expired: H2's registration certificate and P4's insurance (H1's was renewed, F1's
    # accounts expire on the day, E1 is not in use).
    assert report.figures["documents_expired"].text() == "2"


def test_filters_choose_the_children(db: Database, council: Council) -> None:
    ten_to_twelve = kpi_report(db, KpiRequest(YEAR.start, AT, Cohort(age_band="10-12")))
    # C2, C8, C9, C12; in use: H3, X1, H1.
    assert ten_to_twelve.figures["children_looked_after"].numerator == 4
    assert ten_to_twelve.figures["qa_settings"].denominator == 3
    uasc = kpi_report(db, KpiRequest(YEAR.start, AT, Cohort(uasc="yes")))
    assert uasc.figures["children_looked_after"].numerator == 2  # C3 and C13
    assert uasc.figures["spend"].text() == "£65,392.86", "only IPA-2 is for a UASC child"
    spot = kpi_report(db, KpiRequest(YEAR.start, AT, Cohort(route="spot")))
    # C2 (now in H3 by spot purchase), C4, C8, C9, C11, C13.
    assert spot.figures["children_looked_after"].numerator == 6
    homes = kpi_report(db, KpiRequest(YEAR.start, AT, Cohort(placement_group="Children's homes")))
    assert homes.figures["children_looked_after"].numerator == 6
    leavers = kpi_report(db, KpiRequest(YEAR.start, AT, Cohort(care_leavers=True)))
    assert leavers.figures["children_looked_after"].numerator == 11, "C7 too"
    # Unregistered provision is counted for every child, whatever the filters.
    assert uasc.figures["unregistered"].numerator == 3


def test_the_forecast_by_least_squares(report: KpiReport) -> None:
    forecast = report.forecast
    # Looked after at 31 March 2022 to 2026: C5, C12 | + C1 | + C13 | + C4 | ten.
    assert forecast.years == (2022, 2023, 2024, 2025, 2026)
    assert forecast.counts == (2, 3, 4, 5, 10)
    # x = -4..0, mean -2; y mean 4.8; Sxx = 10; Sxy = 18: slope 1.8, intercept 8.4.
    # Residuals 0.8, 0, -0.8, -1.6, 1.6: squares sum to 6.4; standard error √(6.4 ÷ 3).
    spread = 2 * (6.4 / 3) ** 0.5
    low, mid, high = forecast.total[0]
    assert forecast.ahead == (2027, 2028, 2029)
    assert mid == pytest.approx(10.2)
    assert (low, high) == (pytest.approx(10.2 - spread), pytest.approx(10.2 + spread))
    assert forecast.total[2][1] == pytest.approx(13.8)
