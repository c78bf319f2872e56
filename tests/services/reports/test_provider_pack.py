"""The provider review pack's data, against the figures worked out in ``pack_world``."""

from __future__ import annotations

import datetime as dt

import pytest

from placement_desk.errors import UserError
from placement_desk.lifecycle import Database
from placement_desk.models import Setting
from placement_desk.models.enums import RiskLevel, SettingType
from placement_desk.services.reports.definitions import Period, year_to
from placement_desk.services.reports.provider_pack import find_provider, provider_pack

from .pack_world import ACORN_SPEND, BIRCH_SPEND, TODAY, World, build

D = dt.date


@pytest.fixture
def world(db: Database) -> World:
    return build(db)


def test_the_year_to_a_date_is_the_twelve_months_up_to_and_including_it() -> None:
    period = year_to(TODAY)
    assert (period.start, period.end, period.days) == (D(2025, 4, 1), D(2026, 4, 1), 365)
    assert period.label == "1 April 2025 to 31 March 2026"
    assert year_to(D(2024, 2, 29)).start == D(2023, 3, 1)


def test_the_pack_counts_children_weeks_and_spend_as_worked_out_by_hand(
        db: Database, world: World) -> None:
    pack = provider_pack(db, world.acorn, TODAY)
    assert pack.period == Period(D(2025, 4, 1), D(2026, 4, 1))
    assert (pack.name, pack.legal_name, pack.council) == ("Acorn Care", "Acorn Care Ltd",
                                                          "Sutton Council")
    assert pack.address == "Unit 4, Mill Lane, Croydon, CR0 2AB"
    assert [s.name for s in pack.settings] == ["Elm Flats", "Oak House"]
    assert (pack.children_now, pack.children_in_period) == (2, 3)
    assert pack.weeks == pytest.approx((365 + 92 + 31) / 7)
    assert pack.paid_weeks == pytest.approx((365 + 92) / 7)
    assert pack.spend_pence == ACORN_SPEND == 25_977_143
    [k2] = pack.fees
    assert (k2.placement_type, k2.weeks) == ("K2", pytest.approx(457 / 7))
    assert k2.average_pence == 397_899  # 25,977,143 × 7 ÷ 457 = 397,899.35
    assert k2.council_average_pence == 443_236  # 52,048,572 × 7 ÷ 822 = 443,236.01
    assert (ACORN_SPEND + BIRCH_SPEND) * 7 // 822 == 443_236


def test_placements_today_and_ended_carry_fee_variations_distance_and_route(
        db: Database, world: World) -> None:
    pack = provider_pack(db, world.acorn, TODAY)
    current = {p.child_ref: p for p in pack.current_placements}
    assert set(current) == {"C-1", "C-3"}
    assert current["C-1"].weekly_pence == 420_000
    assert (current["C-1"].variations, current["C-1"].last_variation) == (
        1, "01/10/2025: Annual uplift")
    assert (current["C-1"].distance_miles, current["C-1"].local) == (12.5, True)
    assert current["C-1"].route == "Framework or DPS"
    assert (current["C-3"].weekly_pence, current["C-3"].local) == (None, None)
    [ended] = pack.ended_placements
    assert (ended.child_ref, ended.end, ended.weekly_pence, ended.local) == (
        "C-2", D(2026, 1, 1), 350_000, False)


def test_ofsted_qa_contracts_and_documents_are_gathered(db: Database, world: World) -> None:
    pack = provider_pack(db, world.acorn, TODAY)
    oak = next(o for o in pack.ofsted if o.name == "Oak House")
    assert [(i.date, i.judgement, i.rank) for i in oak.inspections] == [
        (D(2023, 5, 10), "Good", 3), (D(2025, 6, 1), "Requires improvement to be good", 2)]
    assert oak.alerts == ("Downgrade raised 20/06/2025: Good to Requires improvement to be "
                          "good",)
    assert (oak.enhanced_monitoring, oak.monitoring_since) == (True, D(2025, 6, 20))
    elm = next(o for o in pack.ofsted if o.name == "Elm Flats")
    assert (elm.inspections, elm.regulated) == ((), False)
    [visit] = pack.visits
    assert (visit.setting, visit.date, visit.overall) == ("Oak House", D(2025, 11, 10), "Good")
    assert visit.areas[1][1] == "Requires improvement"
    assert [(a.description, a.overdue, a.status) for a in pack.open_actions] == [
        ("Update the policies", True, "Overdue"),  # from the review, due 31/10/2025
        ("Audit the missing-episode records", True, "Overdue"),
        ("Send the new staffing rota", False, "Open")]
    assert pack.overdue_actions == 2
    assert [c.reference for c in pack.contracts] == ["FW-01"]
    review = pack.last_review
    assert review is not None
    assert (review.review_date, review.next_due) == (D(2025, 9, 15), D(2026, 3, 15))
    assert review.agenda[0][1:] == ("Amber", "Policies out of date.")
    assert review.outcome == "Improvement plan agreed for the staffing rota."
    assert [a.description for a in review.actions] == ["Update the policies"]
    assert review.addenda[0][2] == "The provider sent the updated policies late."
    oak_docs = {d.title: d.status for d in pack.documents if d.owner == "Oak House"}
    assert oak_docs["Public liability insurance"] == "Expired"
    assert oak_docs["Latest accounts"] == "Missing"
    assert pack.risk in (RiskLevel.MEDIUM, RiskLevel.HIGH)
    oak_risk = next(s for s in pack.settings if s.name == "Oak House")
    assert ("Downgraded from Good", 10) in oak_risk.risk_factors


def test_a_provider_is_found_by_urn_id_or_name_and_a_miss_names_no_value(
        db: Database, world: World) -> None:
    assert find_provider(db, "sc100001") == world.acorn
    assert find_provider(db, str(world.birch)) == world.birch
    assert find_provider(db, "  acorn   care ") == world.acorn
    with pytest.raises(UserError) as caught:
        find_provider(db, "SC999999")
    assert "SC999999" not in str(caught.value)
    with db.write() as s:
        s.add(Setting(name="Loose", urn="SC300003", setting_type=SettingType.CHILDRENS_HOME))
    with pytest.raises(UserError, match="no provider recorded"):
        find_provider(db, "SC300003")
