"""The contracts register: the rules that refuse bad input, rates, extension options, the
contracts ending soon and their actions, ending early, and the export command."""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from placement_desk.cli import main
from placement_desk.db import Database
from placement_desk.errors import ValidationError
from placement_desk.models import Action, ActionUpdate, AuditEvent, ContractReview
from placement_desk.models.enums import (
    ActionSource,
    ContractType,
    ExtensionStatus,
    ReviewStatus,
)
from placement_desk.services.common.settings_store import ENDING_SOON_MONTHS, set_setting
from placement_desk.services.contracts.alerts import contract_alerts, raise_contract_actions
from placement_desk.services.contracts.contract_views import contract_detail, list_contracts
from placement_desk.services.contracts.extensions import (
    ExtensionForm,
    add_extension,
    decide_extension,
)
from placement_desk.services.contracts.rates import RateForm, add_rate, apply_uplift
from placement_desk.services.contracts.register import (
    ContractForm,
    add_lot,
    end_contract,
    save_contract,
    validate_contract,
)
from placement_desk.services.contracts.terms import ContractStatus, contract_status

from ...backend import target
from .builders import contract, provider

TODAY = dt.date(2026, 3, 31)
B = ContractType.BLOCK


def _refused(field: str, call: object, *args: object) -> str:
    with pytest.raises(ValidationError) as caught:
        call(*args)  # type: ignore[operator]
    assert caught.value.field == field, caught.value.message
    return caught.value.message


def test_bad_contracts_are_refused_beside_the_field(db: Database) -> None:
    acorn, _home = provider(db, "Acorn Care")
    beacon, _home2 = provider(db, "Beacon Homes")
    council, _own = provider(db, "Demo Borough Council", council=True)
    good = ContractForm("BLK-1", "Two beds", B, [acorn], dt.date(2026, 1, 1),
                        dt.date(2027, 12, 31), block_beds=2)
    validate_contract(db, good)

    def form(**changes: object) -> ContractForm:
        values = dict(good.__dict__)
        values.update(changes)
        return ContractForm(**values)  # type: ignore[arg-type]

    assert _refused("end_date", validate_contract, db, form(end_date=dt.date(2025, 12, 31))) \
        == "The end date is before the start date."
    _refused("reference", validate_contract, db, form(reference="  "))
    _refused("provider_ids", validate_contract, db, form(provider_ids=[acorn, beacon]))
    _refused("provider_ids", validate_contract, db, form(provider_ids=[]))
    _refused("block_beds", validate_contract, db, form(block_beds=None))
    _refused("final_end_date", validate_contract, db,
             form(final_end_date=dt.date(2027, 6, 30)))
    _refused("provider_ids", validate_contract, db,
             form(contract_type=ContractType.IN_HOUSE_SLA))
    validate_contract(db, form(contract_type=ContractType.IN_HOUSE_SLA, provider_ids=[council],
                               end_date=None))
    validate_contract(db, form(contract_type=ContractType.FRAMEWORK, provider_ids=[acorn, beacon],
                               block_beds=None))
    save_contract(db, good)
    assert _refused("reference", validate_contract, db, form(reference="blk-1")) == \
        "Another contract already has this reference."


def test_a_rate_needs_its_date_and_uplifts_add_next_years_prices(db: Database) -> None:
    acorn, _home = provider(db, "Acorn Care")
    cid = contract(db, reference="BLK-1", title="Two beds", contract_type=B,
                   provider_ids=[acorn], start_date=dt.date(2025, 4, 1),
                   end_date=dt.date(2028, 3, 31), block_beds=2)
    assert _refused("effective_from", add_rate, db, cid,
                    RateForm("Weekly rate per bed", 450_000, None)) == \
        "Enter the date the rate takes effect."
    _refused("weekly_rate_pence", add_rate, db, cid,
             RateForm("Weekly rate per bed", None, dt.date(2025, 4, 1)))
    _refused("effective_from", add_rate, db, cid,
             RateForm("Weekly rate per bed", 450_000, dt.date(2025, 3, 1)))
    add_rate(db, cid, RateForm("Weekly rate per bed", 450_000, dt.date(2025, 4, 1)))
    # 4% on £4,500.00 is £180.00: £4,680.00 from 1 April 2026.
    apply_uplift(db, cid, dt.date(2026, 4, 1), 400)
    rates = contract_detail(db, cid, dt.date(2026, 4, 2)).rates
    assert [(r.weekly_rate_pence, r.effective_from, r.in_force) for r in rates] == [
        (468_000, dt.date(2026, 4, 1), True), (450_000, dt.date(2025, 4, 1), False)]


def test_extension_options_stay_within_the_final_end_and_taking_one_moves_the_end(
        db: Database) -> None:
    acorn, _home = provider(db, "Acorn Care")
    cid = contract(db, reference="BLK-1", title="Two beds", contract_type=B,
                   provider_ids=[acorn], start_date=dt.date(2024, 4, 1),
                   end_date=dt.date(2026, 3, 31), final_end_date=dt.date(2028, 3, 31),
                   block_beds=2)
    assert _refused("extends_to", add_extension, db, cid,
                    ExtensionForm(dt.date(2028, 4, 30), dt.date(2025, 12, 31))) == \
        "The extension runs past the contract's final end (31/03/2028)."
    assert _refused("decide_by", add_extension, db, cid,
                    ExtensionForm(dt.date(2027, 3, 31), dt.date(2026, 4, 30))) == \
        "The decision is needed by the end it extends (31/03/2026)."
    _refused("extends_to", add_extension, db, cid,
             ExtensionForm(dt.date(2026, 3, 1), dt.date(2025, 12, 31)))
    first = add_extension(db, cid, ExtensionForm(dt.date(2027, 3, 31), dt.date(2025, 12, 31)))
    # The second option extends the first: its decision is due by 31/03/2027.
    second = add_extension(db, cid, ExtensionForm(dt.date(2028, 3, 31), dt.date(2027, 1, 31)))
    assert raise_contract_actions(db, dt.date(2025, 11, 1)) == 2, "ending, and the decision"

    _refused("decided_on", decide_extension, db, first, True, dt.date(2025, 12, 2),
             dt.date(2025, 12, 1))
    decide_extension(db, first, True, dt.date(2025, 12, 1), dt.date(2025, 12, 1))
    detail = contract_detail(db, cid, dt.date(2025, 12, 1))
    assert detail.row.end_date == dt.date(2027, 3, 31)
    assert [(e.status, e.decided_by) for e in detail.extensions] == [
        (ExtensionStatus.TAKEN, "test.user"), (ExtensionStatus.OPEN, None)]
    _refused("status", decide_extension, db, first, False, dt.date(2025, 12, 1),
             dt.date(2025, 12, 1))
    with db.read() as s:
        closed = s.scalars(select(Action).where(Action.contract_id == cid)).all()
        assert sorted(a.status.value for a in closed) == ["done", "done"]
        notes = set(s.scalars(select(ActionUpdate.note)))
    assert notes == {"Extension taken.", "The contract was extended to 31/03/2027."}
    assert second is not None


def test_contracts_ending_within_six_months_are_alerts_and_actions_once(db: Database) -> None:
    acorn, _h1 = provider(db, "Acorn Care")
    beacon, _h2 = provider(db, "Beacon Homes")
    compass, _h3 = provider(db, "Compass Fostering")
    start = dt.date(2024, 4, 1)
    # 31/03/2026 plus six months is 30/09/2026: that day is inside the window, the next not.
    ending = contract(db, reference="BLK-1", title="Two beds", contract_type=B,
                      provider_ids=[acorn], start_date=start, end_date=dt.date(2026, 9, 30),
                      block_beds=2)
    later = contract(db, reference="BLK-2", title="Three beds", contract_type=B,
                     provider_ids=[beacon], start_date=start, end_date=dt.date(2026, 10, 1),
                     final_end_date=dt.date(2027, 10, 1), block_beds=3)
    ended = contract(db, reference="SPT-1", title="Spot terms", contract_type=ContractType.SPOT,
                     provider_ids=[compass], start_date=start, end_date=dt.date(2026, 3, 30))
    # 31/03/2026 plus 90 days is 29/06/2026: a decision due on that day warns now.
    option = add_extension(db, later, ExtensionForm(dt.date(2027, 10, 1), dt.date(2026, 6, 29)))

    assert [(a.kind, a.reference, a.day) for a in contract_alerts(db, TODAY)] == [
        ("extension", "BLK-2", dt.date(2026, 6, 29)), ("ending", "BLK-1", dt.date(2026, 9, 30))]
    statuses = {r.reference: r.status for r in list_contracts(db, TODAY)}
    assert statuses == {"BLK-1": ContractStatus.ENDING_SOON, "BLK-2": ContractStatus.LIVE,
                        "SPT-1": ContractStatus.ENDED}
    assert raise_contract_actions(db, TODAY) == 2
    assert raise_contract_actions(db, TODAY) == 0, "each alert gets one action"
    with db.read() as s:
        actions = {a.contract_id: a for a in s.scalars(select(Action))}
    assert actions[ending].due_date == dt.date(2026, 9, 30)
    assert actions[ending].owner == "Commissioning manager"
    assert actions[ending].source == ActionSource.CONTRACT
    assert actions[later].contract_extension_id == option
    assert ended not in actions

    with db.write() as s:  # the council widens its window to seven months
        set_setting(s, ENDING_SOON_MONTHS, 7)
    assert {a.reference for a in contract_alerts(db, TODAY) if a.kind == "ending"} == \
        {"BLK-1", "BLK-2"}


def test_contract_status_rule_by_hand() -> None:
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    assert contract_status(start, end, dt.date(2025, 12, 31), 6) == ContractStatus.NOT_STARTED
    assert contract_status(start, end, dt.date(2026, 6, 30), 6) == ContractStatus.LIVE
    assert contract_status(start, end, dt.date(2026, 7, 1), 6) == ContractStatus.ENDING_SOON
    assert contract_status(start, end, end, 6) == ContractStatus.ENDING_SOON
    assert contract_status(start, end, dt.date(2027, 1, 1), 6) == ContractStatus.ENDED
    assert contract_status(start, None, dt.date(2030, 1, 1), 6) == ContractStatus.LIVE


def test_ending_early_needs_a_reason_declines_options_and_is_audited(db: Database) -> None:
    acorn, _home = provider(db, "Acorn Care")
    cid = contract(db, reference="BLK-1", title="Two beds", contract_type=B,
                   provider_ids=[acorn], start_date=dt.date(2025, 4, 1),
                   end_date=dt.date(2027, 3, 31), final_end_date=dt.date(2028, 3, 31),
                   block_beds=2)
    add_extension(db, cid, ExtensionForm(dt.date(2028, 3, 31), dt.date(2026, 12, 31)))
    _refused("end_date", end_contract, db, cid, dt.date(2025, 3, 1), "Closing", TODAY)
    _refused("end_date", end_contract, db, cid, dt.date(2027, 6, 30), "Closing", TODAY)
    _refused("end_reason", end_contract, db, cid, dt.date(2026, 4, 30), " ", TODAY)
    end_contract(db, cid, dt.date(2026, 4, 30), "The home is closing.", TODAY)
    detail = contract_detail(db, cid, TODAY)
    assert detail.row.end_date == dt.date(2026, 4, 30)
    assert detail.end_reason == "The home is closing."
    assert [e.status for e in detail.extensions] == [ExtensionStatus.DECLINED]
    changes = [a for a in detail.audit if a.what == "Changed contract"]
    assert changes and "end_date: '2027-03-31' → '2026-04-30'" in changes[0].changes


def test_a_framework_has_many_providers_on_lots(db: Database) -> None:
    ids = [provider(db, name)[0] for name in ("Acorn Care", "Beacon Homes", "Compass Care")]
    cid = contract(db, reference="FW-1", title="Homes framework",
                   contract_type=ContractType.FRAMEWORK, provider_ids=ids,
                   start_date=dt.date(2025, 4, 1), end_date=dt.date(2029, 3, 31))
    lot = add_lot(db, cid, "1", "Children's homes")
    _refused("number", add_lot, db, cid, "1", "Again")
    from placement_desk.services.contracts.register import set_provider_lot

    set_provider_lot(db, cid, ids[1], lot)
    detail = contract_detail(db, cid, TODAY)
    assert [(m.name, m.lot) for m in detail.members] == [
        ("Acorn Care", ""), ("Beacon Homes", "Lot 1: Children's homes"), ("Compass Care", "")]
    assert detail.lots[0].providers == 1
    assert list_contracts(db, TODAY)[0].provider_text == "Acorn Care and 2 others"
    # Dropping a provider removes its link; the audit trail keeps who and when.
    save_contract(db, ContractForm("FW-1", "Homes framework", ContractType.FRAMEWORK,
                                   ids[:2], dt.date(2025, 4, 1), dt.date(2029, 3, 31)), cid)
    assert [m.name for m in contract_detail(db, cid, TODAY).members] == [
        "Acorn Care", "Beacon Homes"]
    with db.read() as s:
        gone = s.scalars(select(AuditEvent).where(AuditEvent.entity == "contract_provider",
                                                  AuditEvent.action == "delete")).all()
    assert len(gone) == 1 and gone[0].before["provider_id"] == str(ids[2])


def test_export_contracts_and_reviews_from_the_command_line(db: Database, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    acorn, _home = provider(db, "Acorn Care")
    cid = contract(db, reference="BLK-1", title="Two beds", contract_type=B,
                   provider_ids=[acorn], start_date=dt.date(2025, 4, 1),
                   end_date=dt.date(2027, 3, 31), value_pence=123_456_78, block_beds=2)
    with db.write() as s:
        s.add(ContractReview(id=uuid.uuid4(), provider_id=acorn, contract_id=cid,
                             status=ReviewStatus.SIGNED_OFF, review_date=dt.date(2025, 10, 1),
                             agenda=[{"area": "Contract and compliance", "rag": "amber"}],
                             placements=[], next_due=dt.date(2026, 4, 1),
                             signed_off_by="sam.jones"))
    path = target(db)
    db.close()  # the command opens the database itself
    out = tmp_path / "contracts.csv"
    assert main(["export", "contracts", "--db", path, "--out", str(out)]) == 0
    assert "Wrote 1 contracts" in capsys.readouterr().out
    with open(out, encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == ["OFFICIAL-SENSITIVE"]
    rows = [dict(zip(lines[2], line, strict=True)) for line in lines[3:]]
    assert rows[0]["Contract reference"] == "BLK-1" and rows[0]["Value"] == "£123,456.78"
    assert rows[0]["Start date"] == "01/04/2025" and rows[0]["Providers"] == "Acorn Care"
    reviews = tmp_path / "reviews.xlsx"
    assert main(["export", "reviews", "--db", path, "--out", str(reviews)]) == 0
    from openpyxl import load_workbook

    sheet = load_workbook(reviews).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert values[0][:4] == ["Provider", "Review date", "Contract reference", "Status"]
    assert values[1][0] == "Acorn Care" and values[1][3] == "Signed off"
    assert values[1][1] == dt.datetime(2025, 10, 1) and values[1][8] == "sam.jones"
    assert values[1][9] == "1 Amber"
