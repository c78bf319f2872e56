"""Fields that never change what was typed, and forms that say what is wrong without jumping.

Real dialogs driven by the keyboard and the mouse wheel: a date typed over a selected
one, an impossible date, Tab out of a date, negative money, a wheel over a combo in a
scrolled form, errors shown once a field is left, Escape with unsaved changes.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from placement_desk.lifecycle import Database
from placement_desk.models import Child, PlacementEpisode, Setting
from placement_desk.models.enums import SettingType
from placement_desk.services.agreements.ipa_detail import agreement_detail
from placement_desk.services.qa.visits import start_visit
from placement_desk.ui.agreements.agreement_dialog import AgreementDialog
from placement_desk.ui.common.fields import Combo, DateField, MoneyField, NumberField
from placement_desk.ui.placements.placement_dialogs import ChildDialog, EpisodeDialog
from placement_desk.ui.providers.setting_dialog import SettingDialog
from placement_desk.ui.qa.visit_dialog import VisitDialog
from tests.ui.modal import when_modal

TODAY = dt.date(2026, 6, 1)
UI = Path(__file__).resolve().parents[2] / "placement_desk" / "ui"


def _shown(qtbot: QtBot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # so that focus moves as it does for a user
    return dialog


def _retype(qtbot: QtBot, field: QWidget, text: str) -> None:
    """Select what the field holds and type over it, as a user does."""
    edit = getattr(field, "edit", field)
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, text)


@pytest.fixture
def child_id(db: Database) -> uuid.UUID:
    with db.sessions.begin() as s:
        child = Child(case_ref="C-777")
        s.add(child)
        s.flush()
        return child.id


# --- Dates -------------------------------------------------------------------------------

def test_a_whole_date_typed_over_a_selected_one_is_the_date_typed(
        qtbot: QtBot, db: Database, child_id: uuid.UUID) -> None:
    dialog = _shown(qtbot, EpisodeDialog(db, None, child_id))
    assert isinstance(dialog, EpisodeDialog)
    dialog.start_date.set_value(dt.date(2010, 3, 28))
    _retype(qtbot, dialog.start_date, "05/03/2010")  # the old field kept the 28th
    assert dialog.start_date.value() == dt.date(2010, 3, 5)
    _retype(qtbot, dialog.start_date, "5/3/10")
    assert dialog.start_date.value() == dt.date(2010, 3, 5)
    dialog.start_date.clear()
    dialog.start_date.edit.insert("2010-03-05")  # pasted from a spreadsheet
    assert dialog.start_date.value() == dt.date(2010, 3, 5)


def test_an_impossible_date_is_refused_beside_the_field_and_left_as_typed(
        qtbot: QtBot, db: Database, child_id: uuid.UUID) -> None:
    dialog = _shown(qtbot, EpisodeDialog(db, None, child_id))
    assert isinstance(dialog, EpisodeDialog)
    _retype(qtbot, dialog.start_date, "31/02/2010")  # the old field made it 28/02/2010
    assert dialog.errors["start_date"].text() == "", "nothing said while it is typed"
    qtbot.keyClick(dialog.start_date.edit, Qt.Key.Key_Tab)
    assert dialog.start_date.text() == "31/02/2010", "never altered"
    assert dialog.start_date.value() is None
    assert dialog.errors["start_date"].text() == ("February 2010 has 28 days, so there is no "
                                                  "day 31.")
    assert not dialog.save_button.isEnabled()
    _retype(qtbot, dialog.start_date, "28/02/2010")
    assert dialog.errors["start_date"].text() == ""
    assert dialog.start_date.value() == dt.date(2010, 2, 28)


def test_tab_leaves_a_date_field_in_one_press_without_changing_it(
        qtbot: QtBot, db: Database, child_id: uuid.UUID) -> None:
    dialog = _shown(qtbot, EpisodeDialog(db, None, child_id))
    assert isinstance(dialog, EpisodeDialog)
    dialog.start_date.set_value(dt.date(2026, 1, 5))
    dialog.start_date.setFocus()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.end_date.edit, "the next field, not the month"
    assert dialog.start_date.value() == dt.date(2026, 1, 5)


@pytest.mark.qt_log_ignore("This plugin does not support")  # the offscreen popup
def test_the_calendar_button_fills_the_date_and_an_optional_date_may_be_empty(
        qtbot: QtBot) -> None:
    field = DateField(optional=True)
    qtbot.addWidget(field)
    field.show()
    assert field.value() is None and field.problem() is None, "optional: blank is fine"
    qtbot.mouseClick(field.button, Qt.MouseButton.LeftButton)
    assert field.calendar is not None
    field.calendar.setSelectedDate(field.calendar.selectedDate().addDays(3))
    field.calendar.activated.emit(field.calendar.selectedDate())
    assert field.value() == dt.date.today() + dt.timedelta(days=3)
    required = DateField()
    qtbot.addWidget(required)
    assert required.problem() == "Enter the date as dd/mm/yyyy."


# --- Money and numbers -------------------------------------------------------------------

def test_negative_or_non_numeric_money_and_numbers_are_refused_not_changed(
        qtbot: QtBot) -> None:
    fee = MoneyField()
    places = NumberField(0, 999, what="the number of places")
    for field in (fee, places):
        qtbot.addWidget(field)
        field.show()
    for typed, reason in (("-500", "The amount cannot be negative."),
                          ("lots", "Type the amount in figures, for example 1,234.50.")):
        fee.setText(typed)
        assert fee.pence() is None and fee.text() == typed
        assert fee.show_problem() is False and fee.error.text() == reason
    fee.setText("3,500.50")
    assert fee.pence() == 350_050 and fee.error.text() == ""
    places.setText("-5")  # the old spin box made it 5
    assert places.value() is None and places.text() == "-5"
    assert places.problem() == "The number cannot be negative."
    places.setText("five")
    assert places.problem() == "Type the number of places in figures, for example 12."


def test_an_agreement_with_a_zero_fee_asks_before_saving(
        qtbot: QtBot, db: Database, child_id: uuid.UUID) -> None:
    with db.sessions.begin() as s:
        setting = Setting(name="Oak House", urn="SC469688",
                          setting_type=SettingType.CHILDRENS_HOME)
        s.add(setting)
        s.flush()
        episode = PlacementEpisode(child_id=child_id, setting_id=setting.id,
                                   start_date=dt.date(2026, 1, 5), placement_type="K2")
        s.add(episode)
        s.flush()
        episode_id = episode.id
    dialog = _shown(qtbot, AgreementDialog(db, "sam", TODAY, episode_id=episode_id))
    assert isinstance(dialog, AgreementDialog)
    assert dialog.weekly_fee.text() == "", "a new agreement's fee is typed, not assumed"
    _retype(qtbot, dialog.weekly_fee, "-500")
    qtbot.keyClick(dialog.windowHandle(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.agreement_id is None
    assert dialog.errors["weekly_fee_pence"].text() == "The amount cannot be negative."
    _retype(qtbot, dialog.weekly_fee, "0")
    when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Cancel).click())
    dialog.save()
    assert dialog.agreement_id is None, "£0.00 is not saved without asking"
    when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Save).click())
    dialog.save()
    assert dialog.agreement_id is not None
    detail = agreement_detail(db, dialog.agreement_id)
    assert detail.versions[0].terms["weekly_fee_pence"] == 0


# --- The mouse wheel ------------------------------------------------------------------------

def _wheel(widget: QWidget, down: bool = True) -> None:
    """A wheel notch over the middle of ``widget``, through the window system as a mouse
    sends it (Qt then gives it to the widget under the pointer)."""
    window = widget.window()
    at = widget.mapTo(window, QPoint(widget.width() // 2, widget.height() // 2))
    QTest.wheelEvent(window.windowHandle(), QPointF(at), QPoint(0, -120 if down else 120))
    QApplication.processEvents()


def test_scrolling_the_visit_form_with_the_wheel_never_changes_an_answer(
        qtbot: QtBot, db: Database) -> None:
    with db.sessions.begin() as s:
        setting = Setting(name="Oak House", urn="SC469688",
                          setting_type=SettingType.CHILDRENS_HOME)
        s.add(setting)
        s.flush()
        setting_id = setting.id
    visit_id = start_visit(db, setting_id, TODAY)
    dialog = _shown(qtbot, VisitDialog(db, visit_id, TODAY))
    assert isinstance(dialog, VisitDialog)
    dialog.timer.stop()
    bar = dialog.scroll_area.verticalScrollBar()
    assert bar.maximum() > 0, "the form is taller than the dialog: it scrolls"
    _name, area, _evidence = dialog.areas[0]
    before = (dialog.overall.currentText(), area.currentText())
    for combo in (area, dialog.overall, dialog.visit_type):
        dialog.scroll_area.ensureWidgetVisible(combo)
        top = bar.value()
        for down in (True, True, False):
            _wheel(combo, down)
        assert not combo.hasFocus(), "the wheel gives a combo no focus"
        assert bar.value() != top or bar.value() in (0, bar.maximum()), "the form scrolled"
    assert (dialog.overall.currentText(), area.currentText()) == before
    assert dialog.visit_type.currentText() == "Choose…"
    # A combo the user has chosen (it has focus) still takes the wheel.
    area.setFocus()
    _wheel(area)
    assert area.currentText() != before[1]


def test_no_form_builds_a_combo_spin_box_or_date_edit_of_its_own() -> None:
    """Every combo, number and date in the app is one of the shared fields, which leave
    the wheel alone and never correct what was typed."""
    found = []
    pattern = re.compile(r"\b(QComboBox|QSpinBox|QDoubleSpinBox|QDateEdit|QDateTimeEdit)\(")
    for path in UI.rglob("*.py"):
        if path.name == "fields.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                found.append(f"{path.relative_to(UI)}:{n}")
    assert found == []
    assert issubclass(Combo, object)


# --- Errors: after leaving the field, in space kept for them, wrapped in full ---------------

def test_errors_wait_until_a_field_is_left_and_never_move_the_form(
        qtbot: QtBot, db: Database) -> None:
    dialog = _shown(qtbot, SettingDialog(db))
    assert isinstance(dialog, SettingDialog)
    assert [k for k, label in dialog.errors.items() if label.text()] == [], \
        "no error before anything is typed"
    below = dialog.setting_type.mapTo(dialog, QPoint(0, 0))
    qtbot.keyClicks(dialog.name, "Willow Lodge")
    dialog.urn.setFocus()
    qtbot.keyClicks(dialog.urn, "SC12")
    assert dialog.errors["urn"].text() == "", "not while typing"
    qtbot.keyClick(dialog.urn, Qt.Key.Key_Tab)
    message = dialog.errors["urn"].text()
    assert message.startswith("SC12 is not an Ofsted URN")
    QApplication.processEvents()
    assert dialog.setting_type.mapTo(dialog, QPoint(0, 0)) == below, \
        "the field below stays put"
    label = dialog.errors["urn"]
    assert label.wordWrap() and label.height() >= label.heightForWidth(label.width()), \
        "the whole message shows, wrapped"


def test_escape_on_a_changed_form_asks_before_discarding(qtbot: QtBot, db: Database) -> None:
    dialog = _shown(qtbot, ChildDialog(db, TODAY))
    assert isinstance(dialog, ChildDialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible(), "nothing typed: Escape simply closes"
    dialog = _shown(qtbot, ChildDialog(db, TODAY))
    assert isinstance(dialog, ChildDialog)
    qtbot.keyClicks(dialog.case_ref, "C-1")
    asked: list[str] = []

    def keep(box: QDialog) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Cancel).click()

    when_modal(QMessageBox, keep)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked and "not saved" in asked[0]
    assert dialog.isVisible() and dialog.case_ref.text() == "C-1", "kept on Keep editing"
    when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Discard).click())
    dialog.buttons.button(dialog.buttons.StandardButton.Cancel).click()
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    with db.sessions() as s:
        assert s.query(Child).count() == 0


def test_the_template_and_plan_visit_dialogs_ask_before_discarding_too(
        qtbot: QtBot, db: Database) -> None:
    from placement_desk.ui.qa.plan_visit_dialog import PlanVisitDialog
    from placement_desk.ui.qa.template_dialog import TemplateDialog

    with db.sessions.begin() as s:
        setting = Setting(name="Oak House", urn="SC469688",
                          setting_type=SettingType.CHILDRENS_HOME)
        s.add(setting)
        s.flush()
        setting_id = setting.id
    template = _shown(qtbot, TemplateDialog(db, None))
    assert isinstance(template, TemplateDialog)
    qtbot.keyClicks(template.name, "Fostering standards")
    plan = _shown(qtbot, PlanVisitDialog(db, setting_id, "Oak House", TODAY))
    assert isinstance(plan, PlanVisitDialog)
    _retype(qtbot, plan.planned_date, "01/07/2026")
    for dialog in (template, plan):
        asked: list[str] = []

        def keep(box: QDialog, asked: list[str] = asked) -> None:
            assert isinstance(box, QMessageBox)
            asked.append(box.text())
            box.button(QMessageBox.StandardButton.Cancel).click()

        when_modal(QMessageBox, keep)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert asked and dialog.isVisible(), f"{type(dialog).__name__} asks first"
