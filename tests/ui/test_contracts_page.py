"""The Contracts page: bad input refused beside the field once it is left, Escape asking
before changes are lost, alerts on the page and in the tracker, the detail's tabs, the
filter bar and export."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from placement_desk.app import build_main_window
from placement_desk.lifecycle import Database
from placement_desk.models.enums import ActionSource, CommissioningRoute, ContractType
from placement_desk.services.contracts.contract_views import list_contracts
from placement_desk.services.contracts.rates import RateForm, add_rate
from placement_desk.services.contracts.reviews import start_review
from placement_desk.services.qa.actions import list_actions
from placement_desk.ui.common.form_base import FormDialog
from placement_desk.ui.contracts.contract_dialogs import (
    ContractDialog,
    ExtensionDialog,
    RateDialog,
)
from placement_desk.ui.contracts.page import ContractsPage
from placement_desk.ui.main_window import MainWindow

from ..services.contracts.builders import contract, placement, provider
from .modal import when_modal

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


def _active(qtbot: QtBot, dialog: QDialog) -> None:
    """Shown and active, so that Tab moves the focus as it does for a user."""
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def _press(qtbot: QtBot, dialog: QDialog, key: Qt.Key,
           modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed wherever the focus is."""
    qtbot.keyClick(dialog.focusWidget(), key, modifier)


def _retype(qtbot: QtBot, dialog: QDialog, text: str) -> None:
    """Select what the focused field holds and type over it."""
    _press(qtbot, dialog, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if text:
        qtbot.keyClicks(dialog.focusWidget(), text)
    else:
        _press(qtbot, dialog, Qt.Key.Key_Delete)


def _shown_errors(dialog: FormDialog) -> dict[str, str]:
    return {key: label.text() for key, label in dialog.errors.items() if label.text()}


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
    _active(qtbot, dialog)
    dialog.reference.setFocus()
    qtbot.keyClicks(dialog.reference, "BLK-2026-01")
    _press(qtbot, dialog, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.focusWidget(), "Two beds at Acorn House")
    assert dialog.title_edit.text() == "Two beds at Acorn House"
    _press(qtbot, dialog, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.focusWidget(), "B")  # the type, chosen by its first letter
    assert dialog.contract_type.currentText() == "Block contract"
    assert _shown_errors(dialog) == {}, "nothing is refused before a field is left"

    # Through the providers without ticking one: refused beside them once they are left.
    _press(qtbot, dialog, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.providers.filter
    _press(qtbot, dialog, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.providers.list
    _press(qtbot, dialog, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.start.edit
    assert _shown_errors(dialog) == {"provider_ids": "Choose the provider."}
    assert not dialog.save_button.isEnabled()
    _press(qtbot, dialog, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert dialog.focusWidget() is dialog.providers.list
    dialog.providers.list.setCurrentRow(0)
    _press(qtbot, dialog, Qt.Key.Key_Space)
    assert dialog.providers.chosen() != []
    # Put right, the providers' problem goes at once; the start date, left empty on the way
    # back, now says what it needs.
    assert _shown_errors(dialog) == {"start_date": "Enter the date the contract starts."}

    _press(qtbot, dialog, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.focusWidget(), "01/04/2026")
    assert _shown_errors(dialog) == {}
    _press(qtbot, dialog, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.end.edit
    qtbot.keyClicks(dialog.focusWidget(), "31/03/2026")
    assert _shown_errors(dialog) == {}, "not while typing"
    _press(qtbot, dialog, Qt.Key.Key_Tab)
    assert _shown_errors(dialog) == {"end_date": "The end date is before the start date."}
    assert dialog.errors["end_date"].isVisibleTo(dialog)
    assert not dialog.save_button.isEnabled()
    _press(qtbot, dialog, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    _retype(qtbot, dialog, "31/03/2028")
    assert _shown_errors(dialog) == {} and dialog.save_button.isEnabled()

    # Final end and value left blank; the beds a block contract buys may not be.
    for field in (dialog.final_end, dialog.value, dialog.beds):
        _press(qtbot, dialog, Qt.Key.Key_Tab)
        assert dialog.focusWidget() is field.edit
    _press(qtbot, dialog, Qt.Key.Key_Tab)
    assert _shown_errors(dialog) == {
        "block_beds": "Enter the number of beds the block contract buys."}
    assert not dialog.save_button.isEnabled()
    _press(qtbot, dialog, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(dialog.focusWidget(), "2")
    assert _shown_errors(dialog) == {} and dialog.save_button.isEnabled()
    _press(qtbot, dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == ContractDialog.DialogCode.Accepted
    assert [r.reference for r in view.visible_rows()] == ["BLK-2026-01"]
    saved = view.selected_row()
    assert saved is not None and (saved.reference, saved.block_beds, saved.end_date) == (
        "BLK-2026-01", 2, D(2028, 3, 31))
    assert view.detail.detail is not None

    # A rate without its date is refused beside the date once it is left, and not saved.
    rate = view.detail.add_rate()
    assert isinstance(rate, RateDialog)
    _active(qtbot, rate)
    rate.description.setFocus()
    qtbot.keyClicks(rate.description, "Weekly rate per bed")
    _press(qtbot, rate, Qt.Key.Key_Tab)
    qtbot.keyClicks(rate.focusWidget(), "4,550.00")
    _press(qtbot, rate, Qt.Key.Key_Tab)
    assert rate.focusWidget() is rate.effective.edit
    _retype(qtbot, rate, "")
    assert _shown_errors(rate) == {}
    _press(qtbot, rate, Qt.Key.Key_Tab)
    assert _shown_errors(rate) == {"effective_from": "Enter the date the rate takes effect."}
    assert not rate.save_button.isEnabled()
    _press(qtbot, rate, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert rate.isVisible(), "Save waits until the date is put right"
    _press(qtbot, rate, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(rate.focusWidget(), "01/04/2026")
    assert _shown_errors(rate) == {} and rate.save_button.isEnabled()
    _press(qtbot, rate, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert rate.result() == RateDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: view.detail.detail is not None and len(view.detail.detail.rates) == 1)
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
    assert isinstance(option, ExtensionDialog)
    _active(qtbot, option)
    assert option.focusWidget() is option.extends_to.edit
    qtbot.keyClicks(option.focusWidget(), "30/06/2028")
    assert _shown_errors(option) == {}, "not while typing"
    _press(qtbot, option, Qt.Key.Key_Tab)
    assert _shown_errors(option) == {
        "extends_to": "The extension runs past the contract's final end (31/03/2028)."}
    assert option.errors["extends_to"].isVisibleTo(option)
    assert not option.save_button.isEnabled()
    _press(qtbot, option, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    _retype(qtbot, option, "31/03/2028")
    _press(qtbot, option, Qt.Key.Key_Tab)
    # Put right; the decision date, passed through empty on the way back, is asked for.
    assert _shown_errors(option) == {
        "decide_by": "Enter the date by which the council must decide."}
    assert option.focusWidget() is option.decide_by.edit
    qtbot.keyClicks(option.focusWidget(), "31/12/2026")
    _press(qtbot, option, Qt.Key.Key_Tab)
    assert _shown_errors(option) == {} and option.save_button.isEnabled()
    _press(qtbot, option, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert option.result() == ExtensionDialog.DialogCode.Accepted
    detail = page.contracts.detail
    qtbot.waitUntil(lambda: detail.detail is not None and len(detail.detail.extensions) == 1)
    assert [(e.extends_to, e.decide_by) for e in detail.detail.extensions] == [
        (D(2028, 3, 31), D(2026, 12, 31))]


def test_escape_on_a_changed_contract_form_asks_before_discarding(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    pid, _home = provider(db, "Acorn Care")
    contract(db, reference="BLK-1", title="Two beds", contract_type=ContractType.BLOCK,
             provider_ids=[pid], start_date=D(2024, 4, 1), end_date=D(2027, 3, 31),
             block_beds=2)
    page = _page(qtbot, db, tmp_path)
    view = page.contracts
    view.table.selectRow(0)
    dialog = view.edit_contract()
    assert isinstance(dialog, ContractDialog)
    _active(qtbot, dialog)
    _press(qtbot, dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible(), "nothing changed: Escape simply closes"
    dialog = view.edit_contract()
    assert isinstance(dialog, ContractDialog)
    _active(qtbot, dialog)
    dialog.title_edit.setFocus()
    qtbot.keyClicks(dialog.title_edit, " in Leeds")
    asked: list[str] = []

    def keep(box: QDialog) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Cancel).click()

    when_modal(QMessageBox, keep)
    _press(qtbot, dialog, Qt.Key.Key_Escape)
    assert asked and "not saved" in asked[0]
    assert dialog.isVisible() and dialog.title_edit.text() == "Two beds in Leeds"
    when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Discard).click())
    _press(qtbot, dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert [r.title for r in list_contracts(db, TODAY)] == ["Two beds"]


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
    qtbot.waitUntil(lambda: view.count.text() == "1 of 2 contracts")  # once typing pauses
    assert [r.reference for r in view.visible_rows()] == ["FW-1"]
    assert view.bar.clear_button.isEnabled()
    view.bar.clear_button.click()
    assert view.count.text() == "2 of 2 contracts" and view.search.text() == ""
    assert not view.bar.clear_button.isEnabled()
    view.status.setCurrentIndex(view.status.findData("ending_soon"))
    assert [r.reference for r in view.visible_rows()] == ["BLK-1"]
    view.provider.setCurrentIndex(view.provider.findText("Beacon Homes"))
    assert view.visible_rows() == [] and view.count.text() == "0 of 2 contracts"
    # The filters are remembered for next time.
    stored = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    assert stored.value("ui/filters/contracts/status") == "ending_soon"
    assert stored.value("ui/filters/contracts/provider") == str(beacon)
    # The alert still finds its contract: the filters that hide it are cleared.
    view.alerts.setCurrentRow(0)
    view.alerts.itemActivated.emit(view.alerts.item(0))
    assert view.selected_row() is not None and view.selected_row().reference == "BLK-1"
    assert view.count.text() == "2 of 2 contracts"

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


def test_the_review_lists_each_have_a_remembered_filter_bar_and_a_count(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    acorn, acorn_home = provider(db, "Acorn Care")
    beacon, beacon_home = provider(db, "Beacon Homes")
    # Placed since 01/01/2025: the review was due six months on, 01/07/2025, so overdue.
    placement(db, acorn_home, "C-1", D(2025, 1, 1), None, CommissioningRoute.SPOT, 140_000)
    # Placed since 01/03/2026: due 01/09/2026, more than 30 days away.
    placement(db, beacon_home, "C-2", D(2026, 3, 1), None, CommissioningRoute.SPOT, 150_000)
    start_review(db, acorn, TODAY)
    start_review(db, beacon, TODAY)
    page = _page(qtbot, db, tmp_path)
    page.tabs.setCurrentWidget(page.reviews)
    reviews = page.reviews
    names = lambda: [r.provider_name for r in reviews.due_model.rows]  # noqa: E731
    assert names() == ["Acorn Care"], "the list opens on overdue or due within 30 days"
    assert reviews.count.text() == "1 of 2 providers with children placed; 1 overdue"
    reviews.view.setCurrentIndex(0)
    assert names() == ["Acorn Care", "Beacon Homes"]
    qtbot.keyClicks(reviews.search, "beac")
    qtbot.waitUntil(lambda: names() == ["Beacon Homes"])
    assert reviews.count.text() == "1 of 2 providers with children placed; 0 overdue"
    reviews.bar.clear_button.click()
    assert names() == ["Acorn Care", "Beacon Homes"] and reviews.search.text() == ""

    assert reviews.review_count.text() == "2 of 2 reviews"
    reviews.review_view.setCurrentIndex(reviews.review_view.findData("signed_off"))
    assert reviews.review_model.rows == [] and reviews.review_count.text() == "0 of 2 reviews"
    reviews.review_view.setCurrentIndex(reviews.review_view.findData("draft"))
    qtbot.keyClicks(reviews.review_search, "acorn")
    qtbot.waitUntil(lambda: reviews.review_count.text() == "1 of 2 reviews")
    assert [r.provider_name for r in reviews.review_model.rows] == ["Acorn Care"]
    stored = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    assert stored.value("ui/filters/contract_reviews/status") == "draft"
    assert stored.value("ui/filters/contract_reviews/text") == "acorn"
    assert stored.value("ui/filters/contract_reviews_due/due") == ""


def test_the_contract_and_review_models_pass_the_model_tester(
        qtbot: QtBot, qtmodeltester: object, db: Database, tmp_path: Path) -> None:
    acorn, home = provider(db, "Acorn Care")
    contract(db, reference="BLK-1", title="Two beds", contract_type=ContractType.BLOCK,
             provider_ids=[acorn], start_date=D(2024, 4, 1), end_date=D(2026, 6, 30),
             block_beds=2)
    placement(db, home, "C-1", D(2025, 1, 1), None, CommissioningRoute.BLOCK, 140_000)
    page = _page(qtbot, db, tmp_path)
    page.tabs.setCurrentWidget(page.reviews)
    page.reviews.view.setCurrentIndex(0)  # every provider with a child placed
    page.tabs.setCurrentWidget(page.tiers)
    assert page.contracts.model.rowCount() == 1 and page.reviews.due_model.rowCount() == 1
    assert page.tiers.model.rowCount() == 1
    for model in (page.contracts.model, page.contracts.proxy, page.reviews.due_model,
                  page.reviews.review_model, page.tiers.model):
        qtmodeltester.check(model)  # type: ignore[attr-defined]
