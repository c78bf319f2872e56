"""The Council settings dialog: typed into, held back while wrong, saved, opened from File."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from placement_desk.app import build_main_window
from placement_desk.lifecycle import Database
from placement_desk.models.enums import RiskLevel
from placement_desk.services.common.council_settings import load_council_settings
from placement_desk.ui.council_settings_dialog import CouncilSettingsDialog
from placement_desk.ui.main_window import MainWindow
from tests.ui.modal import when_modal

TODAY = dt.date(2026, 6, 1)


def _dialog(qtbot: QtBot, db: Database) -> CouncilSettingsDialog:
    dialog = CouncilSettingsDialog(db, TODAY)
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




def test_a_bad_area_code_holds_save_back_until_it_is_fixed_then_saves(
        qtbot: QtBot, db: Database) -> None:
    dialog = _dialog(qtbot, db)
    assert dialog.council_name.text() == "Demo Borough Council"
    assert dialog.save_button.isEnabled() and dialog.error.text() == ""

    _retype(qtbot, dialog.council_name, "London Borough of Sutton")
    _retype(qtbot, dialog.local_authority_code, "E0900002")
    assert dialog.error.text() == "", "no error while the code is being typed"
    qtbot.keyClick(dialog.local_authority_code, Qt.Key.Key_Tab)
    assert not dialog.save_button.isEnabled()
    assert "E0900002 is not the ONS code of an English council" in dialog.error.text()
    qtbot.keyClick(dialog.windowHandle(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.saved and dialog.isVisible(), "Ctrl+S waits for the fix"

    _retype(qtbot, dialog.local_authority_code, "e09 000029")
    assert dialog.save_button.isEnabled() and dialog.error.text() == ""
    _retype(qtbot, dialog.cycle[RiskLevel.MEDIUM], "9")
    _retype(qtbot, dialog.days_requires_improvement, "15")
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
    _retype(qtbot, dialog.cycle[RiskLevel.HIGH], "8")
    qtbot.keyClick(dialog.cycle[RiskLevel.HIGH].edit, Qt.Key.Key_Tab)
    assert not dialog.save_button.isEnabled()
    assert dialog.error.text() == ("High risk settings need visits at least as often as "
                                   "Medium risk ones: make High 6 months or fewer, or Medium "
                                   "8 or more.")
    _retype(qtbot, dialog.cycle[RiskLevel.HIGH], "2")
    assert dialog.save_button.isEnabled()
    _retype(qtbot, dialog.council_name, "")
    qtbot.keyClick(dialog.council_name, Qt.Key.Key_Tab)
    assert dialog.error.text() == "Enter the council's name."
    assert not dialog.save_button.isEnabled()
    when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Discard).click())
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # asks first: the changes are discarded
    assert not dialog.saved and dialog.result() == QDialog.DialogCode.Rejected
    assert load_council_settings(db).council_name == "Demo Borough Council"


def test_fields_are_named_and_tab_in_reading_order(qtbot: QtBot, db: Database) -> None:
    dialog = _dialog(qtbot, db)
    order = [dialog.council_name, dialog.local_authority_code,
             dialog.cycle[RiskLevel.HIGH], dialog.cycle[RiskLevel.MEDIUM],
             dialog.cycle[RiskLevel.LOW], dialog.days_inadequate,
             dialog.days_requires_improvement, dialog.days_other]
    assert all(w.accessibleName() for w in order)
    assert "inside the council's area" in dialog.local_authority_code.toolTip()
    assert dialog.cycle[RiskLevel.LOW].suffix() == "months"
    dialog.council_name.setFocus()
    seen: list[QWidget | None] = [dialog.focusWidget()]
    for _ in order[1:]:
        qtbot.keyClick(dialog.windowHandle(), Qt.Key.Key_Tab)
        seen.append(dialog.focusWidget())
    assert seen == [getattr(w, "edit", w) for w in order]


def test_file_menu_opens_council_settings_and_a_save_is_announced(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    win: MainWindow = build_main_window(
        db, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    win.persist_state = False
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    file_menu = win.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert texts.index("&Council settings…") < texts.index("&Quit")
    announced: list[frozenset[str]] = []
    win.ctx.hub.changed.connect(announced.append)

    def rename(dialog: QDialog) -> None:
        assert isinstance(dialog, CouncilSettingsDialog)
        _retype(qtbot, dialog.council_name, "Sutton Council")
        qtbot.keyClick(dialog.windowHandle(), Qt.Key.Key_S,
                       Qt.KeyboardModifier.ControlModifier)

    when_modal(CouncilSettingsDialog, rename)
    win.council_settings_action.trigger()
    # The save's commit reports the tables it wrote; the hub passes them on.
    qtbot.waitUntil(lambda: bool(announced) and "app_setting" in announced[-1])
    assert load_council_settings(db).council_name == "Sutton Council"

    when_modal(CouncilSettingsDialog, lambda dialog: dialog.reject())
    announced.clear()
    win.open_council_settings()
    assert announced == [], "Cancel announces nothing"
