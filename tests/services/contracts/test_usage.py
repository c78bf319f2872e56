"""A block contract's occupancy and voids over three months, and the spend under contracts,
worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from placement_desk.db import Database
from placement_desk.models.enums import CommissioningRoute, ContractType
from placement_desk.services.contracts import usage
from placement_desk.services.contracts.contract_views import list_contracts
from placement_desk.services.contracts.rates import RateForm, add_rate
from placement_desk.services.contracts.usage import block_occupancy, contract_spend

from .builders import contract, placement, provider

R = CommissioningRoute
D = dt.date


def _block(db: Database) -> tuple[object, object]:
    """Two beds at Acorn Care from 1 January 2026 at £1,400.00 a week (£200.00 a day),
    £2,100.00 a week (£300.00 a day) from 1 March; and the placements:

    * E1 block, 1 Jan to 15 Feb (a move on the 15th: it occupies 1 Jan–14 Feb)
    * E2 block, from 11 Jan, still there
    * E3 block, 20 Feb to 11 Mar (20 Feb–10 Mar)
    * E6 block, 5 to 9 Mar (5–8 Mar): a third child while two beds are full
    * a spot placement at Acorn and a block placement at another provider, which do not
      count.
    """
    acorn, home = provider(db, "Acorn Care")
    _other, elsewhere = provider(db, "Beacon Homes")
    cid = contract(db, reference="BLK-1", title="Two beds", contract_type=ContractType.BLOCK,
                   provider_ids=[acorn], start_date=D(2026, 1, 1), end_date=D(2026, 12, 31),
                   value_pence=100_000_00, block_beds=2)
    add_rate(db, cid, RateForm("Weekly rate per bed", 140_000, D(2026, 1, 1)))
    add_rate(db, cid, RateForm("Weekly rate per bed", 210_000, D(2026, 3, 1)))
    placement(db, home, "E1", D(2026, 1, 1), D(2026, 2, 15), R.BLOCK, 70_000)
    placement(db, home, "E2", D(2026, 1, 11), None, R.BLOCK, 140_000)
    placement(db, home, "E3", D(2026, 2, 20), D(2026, 3, 11), R.BLOCK)
    placement(db, home, "E6", D(2026, 3, 5), D(2026, 3, 9), R.BLOCK)
    placement(db, home, "S1", D(2026, 1, 1), None, R.SPOT, 500_000)
    placement(db, elsewhere, "X1", D(2026, 1, 1), None, R.BLOCK, 500_000)
    return cid, acorn


def test_occupancy_and_voids_by_month_for_a_block_contract(db: Database) -> None:
    cid, _acorn = _block(db)
    result = block_occupancy(db, cid, D(2026, 4, 1))  # counts up to 31 March
    months = [(m.month, m.available_bed_days, m.used_bed_days, m.void_bed_days, m.percent,
               m.void_cost_pence) for m in result.months]
    # January: 31 days × 2 beds = 62; E1 31 days + E2 21 days (11th–31st) = 52 used,
    #   10 void at £200.00 = £2,000.00; 52 of 62 is 83.9%, 84%.
    # February: 28 × 2 = 56; 1–14th both beds (E1, E2) 28, 15–19th one (E2) 5,
    #   20–28th both (E2, E3) 18: 51 used, 5 void at £200.00 = £1,000.00; 91%.
    # March: 31 × 2 = 62; 1–10th both (E2, E3; E6 on 5–8th finds no bed) 20, 11–31st one
    #   (E2) 21: 41 used, 21 void at £300.00 = £6,300.00; 66%.
    assert months == [
        (D(2026, 1, 1), 62, 52, 10, 84, 2_000_00),
        (D(2026, 2, 1), 56, 51, 5, 91, 1_000_00),
        (D(2026, 3, 1), 62, 41, 21, 66, 6_300_00),
    ]
    # The three months: 144 of 180 bed-days (80%), 36 void bed-days (5.14 weeks), £9,300.00.
    assert (result.used_bed_days, result.available_bed_days, result.percent) == (144, 180, 80)
    assert round(result.months[2].void_weeks, 2) == 3.0
    assert result.void_bed_days == 36 and result.void_cost_pence == 9_300_00


def test_occupancy_stops_at_the_contract_end_and_the_day_before_today(db: Database) -> None:
    cid, _acorn = _block(db)
    # On 15 January only the 1st–14th count: 28 bed-days, E1 14 + E2 4 (11th–14th) used.
    months = block_occupancy(db, cid, D(2026, 1, 15)).months
    assert [(m.days, m.available_bed_days, m.used_bed_days, m.void_bed_days)
            for m in months] == [(14, 28, 18, 10)]


def test_spend_under_a_contract_comes_from_the_fee_ledger(db: Database) -> None:
    cid, _acorn = _block(db)
    # E1 at £700.00 a week (£100.00 a day) for 45 days (1 Jan–14 Feb): £4,500.00;
    # E2 at £1,400.00 (£200.00 a day) for 80 days (11 Jan–31 Mar): £16,000.00.
    # E3 and E6 have no agreement; the spot and the other provider's placements are not
    # under this contract.
    spend = contract_spend(db, cid, D(2026, 1, 1), D(2026, 4, 1))
    assert (spend.spend_pence, spend.placements) == (20_500_00, 4)
    assert spend.percent_of_value == 21  # £20,500.00 of £100,000.00 is 20.5%, half up
    # February alone: E1 14 days £1,400.00, E2 28 days £5,600.00.
    assert contract_spend(db, cid, D(2026, 2, 1), D(2026, 3, 1)).spend_pence == 7_000_00
    rows = {r.reference: r for r in list_contracts(db, D(2026, 4, 1))}
    assert rows["BLK-1"].spent_pence == 20_500_00


def test_a_placement_counts_under_one_contract_only(db: Database) -> None:
    """Two spot contracts with the same provider, one after the other: each placement goes
    to the contract in force when it began."""
    acorn, home = provider(db, "Acorn Care")
    first = contract(db, reference="SPT-1", title="Spot 2025", contract_type=ContractType.SPOT,
                     provider_ids=[acorn], start_date=D(2025, 1, 1), end_date=D(2025, 12, 31))
    second = contract(db, reference="SPT-2", title="Spot 2026",
                      contract_type=ContractType.SPOT, provider_ids=[acorn],
                      start_date=D(2026, 1, 1), end_date=D(2026, 12, 31))
    # Started in 2025 at £700.00 a week and still there: 10 days of 2026 at £100.00 a day.
    placement(db, home, "C1", D(2025, 12, 1), None, R.SPOT, 70_000)
    # Started in 2026 at £1,400.00: 10 days at £200.00.
    placement(db, home, "C2", D(2026, 1, 1), None, R.SPOT, 140_000)
    january = (D(2026, 1, 1), D(2026, 1, 11))
    assert contract_spend(db, first, *january).spend_pence == 0, "its term is over"
    assert contract_spend(db, second, *january).spend_pence == 2_000_00
    # December 2025: C1's 31 days at £100.00 fall under the first contract.
    assert contract_spend(db, first, D(2025, 12, 1), D(2026, 1, 1)).spend_pence == 3_100_00


def test_many_placements_are_read_in_one_pass_with_the_same_answers(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond MANY ids the agreements and the ledger are read whole; nothing changes."""
    cid, _acorn = _block(db)
    monkeypatch.setattr(usage, "MANY", 0)
    spend = contract_spend(db, cid, D(2026, 1, 1), D(2026, 4, 1))
    assert (spend.spend_pence, spend.placements) == (20_500_00, 4)
    assert {r.reference: r.spent_pence for r in list_contracts(db, D(2026, 4, 1))} == {
        "BLK-1": 20_500_00}
