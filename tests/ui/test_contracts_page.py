"""The Contracts page: bad input refused beside the field, alerts on the page and in the
tracker, the detail's tabs, filters and export."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from placement_desk.app import build_main_window
from placement_desk.lifecycle import Database
from placement_desk.models.enums import ActionSource, CommissioningRoute, ContractType
from placement_desk.services.contracts.rates import RateForm, add_rate
from placement_desk.services.qa.actions import list_actions
from placement_desk.ui.contracts.contract_dialogs import ContractDialog, RateDialog
from placement_desk.ui.contracts.page import ContractsPage
from placement_desk.ui.main_window import MainWindow

from ..services.contracts.builders import contract, placement, provider

TODAY = dt.date(2026, 3, 31)
D = dt.date


def _page(qtbot: QtBot, db: Database, tmp_path: Path) -> ContractsPage:
    win: MainWindow = build_main_window(
        db, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.keyClick(win.windowHandle(), Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    page = win.pages["contracts"]
    assert isinstance(page, ContractsPage) and win.current_key() == "contracts"
    page.today = TODAY
    page.force_refresh()
    return page


def test_a_new_contract_is_refused_beside_the_field_until_it_is_right(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    provider(db, "Acorn Care")
    page = _page(qtbot, db, tmp_path)
    view = page.contracts
    assert view.empty.isVisible() and view.count.text() == "0 of 0 contracts"
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = view.findChild(ContractDialog)
    assert dialog is not None
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.reference, "BLK-2026-01")
    qtbot.keyClicks(dialog.title_edit, "Two beds at Acorn House")
    dialog.contract_type.setCurrentIndex(dialog.contract_type.findData("block"))
    assert dialog.errors["provider_ids"].text() == "Choose the provider."
    qtbot.keyClicks(dialog.providers.filter, "acorn")
    dialog.providers.list.item(0).setCheckState(Qt.CheckState.Checked)
    assert dialog.errors["block_beds"].text() == \
        "Enter the number of beds the block contract buys."
    dialog.beds.setValue(2)
    dialog.start.set_value(D(2026, 4, 1))
    dialog.end.set_value(D(2026, 3, 31))
    assert dialog.errors["end_date"].isVisibleTo(dialog)
    assert dialog.errors["end_date"].text() == "The end date is before the start date."
    assert not dialog.save_button.isEnabled()
    dialog.end.set_value(D(2028, 3, 31))
    assert dialog.save_button.isEnabled(), dialog.general_error.text()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == ContractDialog.DialogCode.Accepted
    assert [r.reference for r in view.visible_rows()] == ["BLK-2026-01"]
    assert view.selected_row() is not None and view.selected_row().reference == "BLK-2026-01"
    assert view.detail.detail is not None

    # A rate without its date is refused beside the date.
    rate = view.detail.add_rate()
    assert isinstance(rate, RateDialog)
    qtbot.addWidget(rate)
    qtbot.keyClicks(rate.description, "Weekly rate per bed")
    rate.rate.setValue(4550.0)
    assert rate.errors["effective_from"].text() == "Enter the date the rate takes effect."
    assert not rate.save_button.isEnabled()
    rate.effective.set_value(D(2026, 4, 1))
    assert rate.save_button.isEnabled()
    rate.save()
    view.reload()
    assert [(r.weekly_rate_pence, r.effective_from) for r in view.detail.detail.rates] == [
        (455_000, D(2026, 4, 1))]


def test_an_extension_past_the_final_end_is_refused_beside_the_field(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    pid, _home = provider(db, "Acorn Care")
    contract(db, reference="BLK-1", title="Two beds", contract_type=ContractType.BLOCK,
             provider_ids=[pid], start_date=D(2024, 4, 1), end_date=D(2027, 3, 31),
             final_end_date=D(2028, 3, 31), block_beds=2)
    page = _page(qtbot, db, tmp_path)
    page.contracts.table.selectRow(0)
    option = page.contracts.detail.add_extension()
    assert option is not None
    qtbot.addWidget(option)
    option.extends_to.set_value(D(2028, 6, 30))
    option.decide_by.set_value(D(2026, 12, 31))
    assert option.errors["extends_to"].text() == \
        "The extension runs past the contract's final end (31/03/2028)."
    assert not option.save_button.isEnabled()
    option.extends_to.set_value(D(2028, 3, 31))
    assert option.save_button.isEnabled()


def test_contracts_ending_soon_show_as_alerts_and_tracker_actions(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    acorn, home = provider(db, "Acorn Care")
    beacon, _other = provider(db, "Beacon Homes")
    contract(db, reference="BLK-1", title="Two beds", contract_type=ContractType.BLOCK,
             provider_ids=[acorn], start_date=D(2024, 4, 1), end_date=D(2026, 6, 30),
             value_pence=500_000_00, block_beds=2)
    fw = contract(db, reference="FW-1", title="Homes framework",
                  contract_type=ContractType.FRAMEWORK, provider_ids=[acorn, beacon],
                  start_date=D(2024, 4, 1), end_date=D(2029, 3, 31))
    placement(db, home, "C-1", D(2025, 1, 1), None, CommissioningRoute.BLOCK, 140_000)
    page = _page(qtbot, db, tmp_path)
    view = page.contracts
    assert view.alerts.count() == 1
    assert view.alerts.item(0).text() == (
        "Ending: BLK-1 Two beds ends on 30/06/2026: decide whether to extend it, buy again or "
        "let it end.")
    actions = [a for a in list_actions(db, today=TODAY) if a.source == ActionSource.CONTRACT]
    assert [(a.source_label, a.due_date, a.owner) for a in actions] == [
        ("Contract BLK-1", D(2026, 6, 30), "Commissioning manager")]
    rows = {r.reference: r for r in view.visible_rows()}
    assert rows["BLK-1"].status.label == "Ending soon"
    assert rows["FW-1"].provider_text == "Acorn Care, Beacon Homes"
    # Spent to date, up to yesterday: 1 January 2025 to 30 March 2026 is 365 + 31 + 28 + 30
    # = 454 days at £200.00 a day (£1,400.00 a week).
    assert view.model.index(0, 7).data() == "£90,800.00"

    qtbot.keyClicks(view.search, "framework")
    assert [r.reference for r in view.visible_rows()] == ["FW-1"]
    assert view.count.text() == "1 of 2 contracts"
    view.clear_filters()
    view.status.setCurrentIndex(view.status.findData("ending_soon"))
    assert [r.reference for r in view.visible_rows()] == ["BLK-1"]
    view.clear_filters()

    assert view.select_id(fw)
    tabs = [view.detail.tabText(i) for i in range(view.detail.count())]
    assert "Occupancy" not in tabs and tabs[2] == "Providers (2)"
    view.select_id(rows["BLK-1"].id)
    assert "Occupancy" in [view.detail.tabText(i) for i in range(view.detail.count())]
    add_rate(db, rows["BLK-1"].id, RateForm("Weekly rate per bed", 140_000, D(2024, 4, 1)))
    qtbot.waitUntil(lambda: len(view.detail.detail.rates) == 1)  # the page refreshes itself

    out = tmp_path / "contracts.csv"
    view.export_to(out)
    qtbot.waitUntil(lambda: out.exists() and view.message.text().startswith("2 contracts"))
    with open(out, encoding="utf-8-sig", newline="") as fh:
        assert [r["Reference"] for r in csv.DictReader(fh)] == ["BLK-1", "FW-1"]


def test_the_contract_and_review_models_pass_the_model_tester(
        qtbot: QtBot, qtmodeltester: object, db: Database, tmp_path: Path) -> None:
    acorn, home = provider(db, "Acorn Care")
    contract(db, reference="BLK-1", title="Two beds", contract_type=ContractType.BLOCK,
             provider_ids=[acorn], start_date=D(2024, 4, 1), end_date=D(2026, 6, 30),
             block_beds=2)
    placement(db, home, "C-1", D(2025, 1, 1), None, CommissioningRoute.BLOCK, 140_000)
    page = _page(qtbot, db, tmp_path)
    page.tabs.setCurrentWidget(page.reviews)
    page.reviews.view.setCurrentIndex(page.reviews.view.findData("all"))
    page.tabs.setCurrentWidget(page.tiers)
    assert page.contracts.model.rowCount() == 1 and page.reviews.due_model.rowCount() == 1
    assert page.tiers.model.rowCount() == 1
    for model in (page.contracts.model, page.contracts.proxy, page.reviews.due_model,
                  page.reviews.review_model, page.tiers.model):
        qtmodeltester.check(model)  # type: ignore[attr-defined]
