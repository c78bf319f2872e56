"""The Placements page: a child, a placement and an IPA made through the GUI, signed, locked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from placement_desk.app import build_main_window
from placement_desk.lifecycle import Database
from placement_desk.models import AgreementVersion, Child, PlacementEpisode, Setting
from placement_desk.models.enums import AgreementStatus, RegistrationStatus, SettingType
from placement_desk.ui.agreements.agreement_dialog import AgreementDialog
from placement_desk.ui.agreements.step_dialogs import StepDialog, VariationDialog
from placement_desk.ui.main_window import MainWindow
from placement_desk.ui.placements.page import PlacementsPage
from placement_desk.ui.placements.placement_dialogs import ChildDialog, EpisodeDialog
from tests.ui.modal import when_modal


@pytest.fixture
def home(db: Database) -> None:
    with db.sessions.begin() as s:
        s.add(Setting(name="Oak House", urn="SC469688", setting_type=SettingType.CHILDRENS_HOME,
                      allowed_placement_codes="K2", ofsted_provider_code="PR4",
                      registration_status=RegistrationStatus.ACTIVE,
                      registration_date=dt.date(2015, 6, 1), postcode="BN1 2GU",
                      owner_name="Oak Care Ltd"))


def _page(qtbot: QtBot, db: Database, tmp_path: Path) -> tuple[MainWindow, PlacementsPage]:
    win: MainWindow = build_main_window(
        db, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.keyClick(win.windowHandle(), Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert win.current_key() == "placements"
    page = win.pages["placements"]
    assert isinstance(page, PlacementsPage)
    return win, page




def _type(qtbot: QtBot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def test_create_a_placement_and_an_agreement_then_sign_it_and_it_is_locked(
        qtbot: QtBot, db: Database, home: None, tmp_path: Path) -> None:
    _win, page = _page(qtbot, db, tmp_path)
    view = page.episodes
    assert view.empty.isVisible()

    def fill_episode(dialog: QDialog) -> None:
        assert isinstance(dialog, EpisodeDialog)
        assert dialog.child.currentText() == "C-777"
        dialog.start_date.set_value(dt.date(2026, 1, 5))
        dialog.placement_type.setCurrentIndex(dialog.placement_type.findData("K2"))
        _type(qtbot, dialog.urn, "SC469688")
        dialog.place_provider.setCurrentIndex(dialog.place_provider.findData("PR4"))
        # A spot purchase needs its reason: Save says so and waits.
        dialog.route.setCurrentIndex(dialog.route.findData("spot"))
        assert dialog.errors["route_reason"].text() == "", "not before Save or leaving it"
        qtbot.keyClick(dialog.windowHandle(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        assert dialog.isVisible() and not dialog.save_button.isEnabled()
        assert dialog.errors["route_reason"].text().startswith("Say why the in-house")
        _type(qtbot, dialog.route_reason, "No framework home could meet his needs.")
        assert dialog.save_button.isEnabled()
        qtbot.keyClick(dialog.windowHandle(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    def fill_child(dialog: QDialog) -> None:
        assert isinstance(dialog, ChildDialog)
        assert all(label.text() == "" for label in dialog.errors.values()), \
            "no error shows before anything is typed"
        _type(qtbot, dialog.case_ref, "C-777")
        _type(qtbot, dialog.home_postcode, "sm1 1aa")
        when_modal(EpisodeDialog, fill_episode)
        qtbot.keyClick(dialog.windowHandle(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    when_modal(ChildDialog, fill_child)
    qtbot.mouseClick(view.new_child_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(view.model.all_rows) == 1)
    row = view.selected_row()
    assert row is not None and (row.child_ref, row.placement_type, row.setting_name) == (
        "C-777", "K2", "Oak House")
    assert "1 of 1 placements" in view.count.text()
    assert "Spot purchase" in view.overview.toPlainText()
    # The setting's name links to its placements only; Clear filters shows them all again.
    assert f"setting:{row.setting_id}" in view.overview.toHtml()
    view.overview.anchorClicked.emit(QUrl(f"setting:{row.setting_id}"))
    assert view.count.text() == "1 of 1 placements, at Oak House only"
    qtbot.mouseClick(view.clear_button, Qt.MouseButton.LeftButton)
    assert view.count.text() == "1 of 1 placements"
    view.table.selectRow(0)

    # Draw up the IPA from the placement.
    qtbot.mouseClick(view.agreement_button, Qt.MouseButton.LeftButton)
    dialogs = page.findChildren(AgreementDialog)
    assert len(dialogs) == 1
    ipa = dialogs[0]
    assert ipa.reference.text().startswith("IPA-")
    assert ipa.provider_legal_entity.text() == "Oak Care Ltd"
    ipa.weekly_fee.clear()
    _type(qtbot, ipa.weekly_fee.edit, "4250.50")
    _type(qtbot, ipa.outcomes, "Attend school every day.")
    qtbot.keyClick(ipa.windowHandle(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert ipa.agreement_id is not None and ipa.detail is not None
    assert "Draft" in ipa.version_combo.currentText()
    assert ipa.weekly_fee.isEnabled()

    def sign(name: str, role: str) -> Callable[[QDialog], None]:
        def act(dialog: QDialog) -> None:
            assert isinstance(dialog, StepDialog)
            dialog.name.clear()
            _type(qtbot, dialog.name, name)
            assert dialog.role.isVisibleTo(dialog) == bool(role), "a role for signatures"
            if role:
                _type(qtbot, dialog.role, role)
            dialog.save()
        return act

    for label, who, role in (("Issue to provider…", "Pat Officer", ""),
                             ("Provider signed…", "Sam Manager", "Registered manager"),
                             ("Council signed…", "Alex Head", "Head of Service")):
        assert ipa.step_button.text() == label
        when_modal(StepDialog, sign(who, role))
        qtbot.mouseClick(ipa.step_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda label=label: ipa.step_button.text() != label)

    # Signed: the terms can no longer be edited.
    assert "Signed by council" in ipa.version_combo.currentText()
    assert "can no longer be edited" in ipa.locked_note.text()
    assert not ipa.weekly_fee.isEnabled()
    assert ipa.outcomes.isReadOnly()
    assert not ipa.save_button.isVisible()
    assert ipa.vary_button.isVisible()
    with db.sessions() as s:
        version = s.query(AgreementVersion).one()
        assert version.status == AgreementStatus.COUNCIL_SIGNED
        assert version.weekly_fee_pence == 425050
        assert (version.provider_signed_by, version.provider_signed_role) == (
            "Sam Manager", "Registered manager")
        assert (version.council_signed_by, version.council_signed_role) == (
            "Alex Head", "Head of Service")

    # A change is a variation: version 2 is a draft, version 1 stays readable.
    def vary(dialog: QDialog) -> None:
        assert isinstance(dialog, VariationDialog)
        dialog.effective.set_value(dt.date(2026, 4, 1))
        _type(qtbot, dialog.reason, "Extra staffing agreed at review")
        dialog.save()

    when_modal(VariationDialog, vary)
    qtbot.mouseClick(ipa.vary_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ipa.version_combo.count() == 2)
    assert "Version 2: Draft" in ipa.version_combo.currentText()
    assert ipa.weekly_fee.isEnabled()
    ipa.version_combo.setCurrentIndex(0)
    assert not ipa.weekly_fee.isEnabled() and ipa.weekly_fee.pence() == 425050
    assert ipa.version_combo.isEnabled(), "earlier versions can be opened, read-only"
    ipa.close()
    qtbot.waitUntil(lambda: page.agreements.model.all_rows != [] or True)


def test_filters_count_and_remember(qtbot: QtBot, db: Database, home: None,
                                    tmp_path: Path) -> None:
    with db.sessions.begin() as s:
        for n in range(5):
            child = Child(case_ref=f"K-{n}")
            s.add(child)
            s.flush()
            s.add(PlacementEpisode(child_id=child.id, start_date=dt.date(2025, 1, 1 + n),
                                   end_date=dt.date(2025, 6, 1) if n % 2 else None,
                                   placement_type="U4" if n < 3 else "CL_SL"))
    win, page = _page(qtbot, db, tmp_path)
    view = page.episodes
    assert "5 of 5 placements" in view.count.text()
    view.table.setFocus()
    qtbot.keyClick(win.windowHandle(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.search.hasFocus(), "Ctrl+F goes to the search box"
    _type(qtbot, view.search, "k-3")
    qtbot.waitUntil(lambda: "1 of 5" in view.count.text())
    view.search.clear()
    view.type_combo.setCurrentIndex(view.type_combo.findData("care_leavers"))
    assert "2 of 5" in view.count.text()
    view.state_combo.setCurrentIndex(view.state_combo.findData("live"))
    assert [r.child_ref for r in view.model.visible()] == ["K-4"]
    assert view.clear_button.isEnabled()
    # The filters come back after a restart.
    win.close()
    _win2, page2 = _page(qtbot, db, tmp_path)
    assert page2.episodes.type_combo.currentData() == "care_leavers"
    assert "1 of 5" in page2.episodes.count.text()
    qtbot.mouseClick(page2.episodes.clear_button, Qt.MouseButton.LeftButton)
    assert "5 of 5" in page2.episodes.count.text()


@pytest.fixture
def three(db: Database) -> None:
    with db.sessions.begin() as s:
        for ref, month in (("A-1", 1), ("B-2", 2), ("C-3", 3)):
            child = Child(case_ref=ref)
            s.add(child)
            s.flush()
            s.add(PlacementEpisode(child_id=child.id, start_date=dt.date(2025, month, 1),
                                   placement_type="U4"))


def test_after_sorting_the_chosen_row_is_still_the_one_edited(
        qtbot: QtBot, db: Database, three: None, tmp_path: Path, qtmodeltester: ModelTester
) -> None:
    _win, page = _page(qtbot, db, tmp_path)
    view = page.episodes
    qtbot.waitUntil(lambda: len(view.model.all_rows) == 3)
    qtmodeltester.check(view.model)
    refs = [view.model.row_at(n).child_ref for n in range(3)]
    assert refs == ["C-3", "B-2", "A-1"], "newest start first"
    view.table.selectRow(0)
    assert view.selected_row() is not None and view.selected_row().child_ref == "C-3"
    view.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # Child
    assert [view.model.row_at(n).child_ref for n in range(3)] == ["A-1", "B-2", "C-3"]
    chosen = view.table.selectionModel().selectedRows()
    assert [i.row() for i in chosen] == [2], "the highlight moved with its row"
    assert view.table.currentIndex().row() == 2
    row = view.selected_row()
    assert row is not None and row.child_ref == "C-3"
    opened: list[str] = []

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, EpisodeDialog)
        opened.append(dialog.child.currentText())
        dialog.reject()

    when_modal(EpisodeDialog, look)
    qtbot.mouseClick(view.edit_button, Qt.MouseButton.LeftButton)
    assert opened == ["C-3"], "Edit… opens the episode shown as chosen"


def test_the_record_buttons_wait_for_a_chosen_placement(
        qtbot: QtBot, db: Database, three: None, tmp_path: Path) -> None:
    _win, page = _page(qtbot, db, tmp_path)
    view = page.episodes
    qtbot.waitUntil(lambda: len(view.model.all_rows) == 3)
    buttons = (view.edit_button, view.agreement_button, view.edit_child_button)
    assert not any(b.isEnabled() for b in buttons), "nothing chosen"
    view.table.selectRow(1)
    assert all(b.isEnabled() for b in buttons)
    view.search.setText("A-1")
    view.apply_filters()  # the list changes: the choice is gone, and so are the buttons
    assert view.selected_row() is None
    assert not any(b.isEnabled() for b in buttons)


def test_the_agreements_and_schedule_models_pass_the_model_tester(
        qtbot: QtBot, db: Database, three: None, tmp_path: Path, qtmodeltester: ModelTester
) -> None:
    win, page = _page(qtbot, db, tmp_path)
    page.tabs.setCurrentWidget(page.agreements)
    qtmodeltester.check(page.agreements.model)
    page.agreements.model.sort(0, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(win.pages["qa"].schedule.model)  # type: ignore[attr-defined]
