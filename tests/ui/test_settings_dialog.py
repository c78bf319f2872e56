"""The Settings dialog: made from the registry, typed into, held back while wrong, saved,
opened from File."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from placement_desk.app import build_main_window
from placement_desk.lifecycle import Database
from placement_desk.models.enums import RiskLevel
from placement_desk.services.common import settings_store
from placement_desk.services.common.council_settings import load_council_settings
from placement_desk.services.common.settings_form import load_settings
from placement_desk.ui.common.fields import NumberField
from placement_desk.ui.main_window import MainWindow
from placement_desk.ui.settings_dialog import SettingsDialog
from tests.ui.modal import when_modal

TODAY = dt.date(2026, 6, 1)
NAME, AREA = "council.name", "council.local_authority_code"
CYCLES, DAYS_RI = "qa.cycle_months", "alerts.visit_working_days.requires_improvement"


def _dialog(qtbot: QtBot, db: Database) -> SettingsDialog:
    dialog = SettingsDialog(db, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # so that focus moves and Ctrl+S reach it
    return dialog


def _retype(qtbot: QtBot, field: QWidget, text: str) -> None:
    """Replace a field's text as a user would: select it all, then type."""
    widget = getattr(field, "edit", field)  # a number field types into its line edit
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if text:
        qtbot.keyClicks(widget, text)
    else:
        qtbot.keyClick(widget, Qt.Key.Key_Delete)


def _tab(dialog: SettingsDialog, key: str) -> None:
    dialog.tabs.setCurrentIndex(dialog.tab_of[key])


def test_every_editable_setting_has_its_field_by_kind(qtbot: QtBot, db: Database) -> None:
    dialog = _dialog(qtbot, db)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert titles == ["Council", "Rating alerts", "QA visits", "Provider risk", "Contracts",
                      "Safety", "Import"]
    editable = {k for k, o in settings_store.OPTIONS.items() if o.editable}
    assert set(dialog.inputs) == editable
    assert isinstance(dialog.inputs[NAME], QLineEdit)
    assert isinstance(dialog.inputs["contracts.review_interval_months"], NumberField)
    assert set(dialog.parts["risk.weights"]) == set(settings_store.DEFAULT_WEIGHTS)
    assert dialog.parts[CYCLES]["low"].suffix() == "months"
    assert dialog.values() == load_settings(db), "the form shows what is stored"


def test_a_setting_declared_later_appears_without_more_code(
        qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    patch = monkeypatch
    if True:
        option = settings_store.Option("backup.keep", int, 10, "Backups",
                                       "Backups to keep", minimum=1, maximum=100,
                                       unit="backups")
        flag = settings_store.Option("backup.daily", bool, True, "Backups", "Back up daily")
        patch.setitem(settings_store.OPTIONS, option.key, option)
        patch.setitem(settings_store.OPTIONS, flag.key, flag)
        dialog = _dialog(qtbot, db)
        assert dialog.tabs.tabText(dialog.tab_of["backup.keep"]) == "Backups"
        assert dialog.inputs["backup.keep"].value() == 10  # type: ignore[attr-defined]
        assert isinstance(dialog.inputs["backup.daily"], QCheckBox)
        _tab(dialog, "backup.keep")
        _retype(qtbot, dialog.inputs["backup.keep"], "0")
        qtbot.keyClick(dialog.inputs["backup.keep"].edit, Qt.Key.Key_Tab)  # type: ignore[attr-defined]
        assert not dialog.save_button.isEnabled()
        assert dialog.errors["backup.keep"].text() == \
            "The number is below 1, the least this field takes."  # the field's own limits


def test_a_bad_area_code_holds_save_back_until_it_is_fixed_then_saves(
        qtbot: QtBot, db: Database) -> None:
    dialog = _dialog(qtbot, db)
    name, area = dialog.inputs[NAME], dialog.inputs[AREA]
    assert isinstance(name, QLineEdit) and isinstance(area, QLineEdit)
    assert name.text() == "Demo Borough Council"
    assert dialog.save_button.isEnabled() and dialog.errors[AREA].text() == ""

    _retype(qtbot, name, "London Borough of Sutton")
    _retype(qtbot, area, "E0900002")
    assert dialog.errors[AREA].text() == "", "no error while the code is being typed"
    qtbot.keyClick(area, Qt.Key.Key_Tab)
    assert not dialog.save_button.isEnabled()
    assert "E0900002 is not the ONS code of an English council" in dialog.errors[AREA].text()
    qtbot.keyClick(dialog.windowHandle(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.saved and dialog.isVisible(), "Ctrl+S waits for the fix"

    _retype(qtbot, area, "e09 000029")
    assert dialog.save_button.isEnabled() and dialog.errors[AREA].text() == ""
    _tab(dialog, CYCLES)
    _retype(qtbot, dialog.parts[CYCLES]["medium"], "9")
    _tab(dialog, DAYS_RI)
    _retype(qtbot, dialog.inputs[DAYS_RI], "15")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.saved and dialog.result() == QDialog.DialogCode.Accepted
    stored = load_council_settings(db)
    assert stored.council_name == "London Borough of Sutton"
    assert stored.local_authority_code == "E09000029"
    assert stored.cycle_months == {RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 9, RiskLevel.LOW: 12}
    assert stored.visit_working_days_requires_improvement == 15


def test_months_out_of_order_and_an_empty_name_are_explained(
        qtbot: QtBot, db: Database) -> None:
    dialog = _dialog(qtbot, db)
    _tab(dialog, CYCLES)
    high = dialog.parts[CYCLES]["high"]
    _retype(qtbot, high, "8")
    qtbot.keyClick(high.edit, Qt.Key.Key_Tab)
    assert not dialog.save_button.isEnabled()
    assert dialog.errors[CYCLES].text() == (
        "High risk settings need visits at least as often as Medium risk ones: make High 6 "
        "months or fewer, or Medium 8 or more.")
    _retype(qtbot, high, "2")
    assert dialog.save_button.isEnabled()
    _tab(dialog, NAME)
    _retype(qtbot, dialog.inputs[NAME], "")
    qtbot.keyClick(dialog.inputs[NAME], Qt.Key.Key_Tab)
    assert dialog.errors[NAME].text() == "Enter the council's name."
    assert not dialog.save_button.isEnabled()
    when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Discard).click())
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # asks first: the changes are discarded
    assert not dialog.saved and dialog.result() == QDialog.DialogCode.Rejected
    assert load_council_settings(db).council_name == "Demo Borough Council"


def test_save_shows_the_tab_with_the_problem(qtbot: QtBot, db: Database) -> None:
    dialog = _dialog(qtbot, db)
    _tab(dialog, "risk.thresholds")
    _retype(qtbot, dialog.parts["risk.thresholds"]["medium"], "50")
    _tab(dialog, NAME)
    dialog.save()
    assert not dialog.saved
    assert dialog.tabs.currentIndex() == dialog.tab_of["risk.thresholds"]
    assert dialog.errors["risk.thresholds"].text() == (
        "The Medium risk score (50) must be below the High risk score (40).")


def test_fields_are_named_and_tab_in_reading_order(qtbot: QtBot, db: Database) -> None:
    dialog = _dialog(qtbot, db)
    _tab(dialog, CYCLES)
    order = [dialog.parts[CYCLES][level.value].edit for level in RiskLevel]
    assert all(w.accessibleName() for w in order)
    assert order[0].accessibleName() == \
        "Months between QA visits, by risk level: High risk"
    order[0].setFocus()
    seen: list[QWidget | None] = [dialog.focusWidget()]
    for _ in order[1:]:
        qtbot.keyClick(dialog.windowHandle(), Qt.Key.Key_Tab)
        seen.append(dialog.focusWidget())
    assert seen == order
    hints = [label.text() for label in dialog.findChildren(QLabel, "hint")]
    assert any("inside the council's area" in text for text in hints), \
        "each setting's help is shown under it"


def test_file_menu_opens_settings_and_a_save_is_announced(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    win: MainWindow = build_main_window(
        db, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    win.persist_state = False
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    file_menu = win.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert texts.index("&Settings…") < texts.index("&Quit")
    announced: list[frozenset[str]] = []
    win.ctx.hub.changed.connect(announced.append)

    def rename(dialog: QDialog) -> None:
        assert isinstance(dialog, SettingsDialog)
        _retype(qtbot, dialog.inputs[NAME], "Sutton Council")
        qtbot.keyClick(dialog.windowHandle(), Qt.Key.Key_S,
                       Qt.KeyboardModifier.ControlModifier)

    when_modal(SettingsDialog, rename)
    win.settings_action.trigger()
    # The save's commit reports the tables it wrote; the hub passes them on.
    qtbot.waitUntil(lambda: bool(announced) and "app_setting" in announced[-1])
    assert load_council_settings(db).council_name == "Sutton Council"

    when_modal(SettingsDialog, lambda dialog: dialog.reject())
    announced.clear()
    win.open_settings()
    assert announced == [], "Cancel announces nothing"
