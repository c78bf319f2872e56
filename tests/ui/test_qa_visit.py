"""Recording a QA visit: keyboard entry, autosave survives a killed form, completion."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from placement_desk.app import build_main_window
from placement_desk.lifecycle import Database
from placement_desk.models import Child, PlacementEpisode, QaVisit, Setting
from placement_desk.models.enums import Judgement, QaJudgement, QaVisitStatus, SettingType
from placement_desk.ui.main_window import MainWindow
from placement_desk.ui.qa import visit_dialog
from tests.ui.modal import when_modal

TODAY = dt.date(2026, 3, 16)
"""The day the window works to (a fixed one, whatever the date the tests run)."""


@pytest.fixture
def home(db: Database) -> Setting:
    with db.sessions.begin() as s:
        setting = Setting(name="Oak House", urn="SC469688",
                          setting_type=SettingType.CHILDRENS_HOME,
                          latest_judgement=Judgement.GOOD)
        s.add(setting)
        s.flush()
        s.add(QaVisit(setting_id=setting.id, status=QaVisitStatus.COMPLETED,
                      visit_date=TODAY - dt.timedelta(days=420),
                      overall_judgement=QaJudgement.GOOD))
        child = Child(case_ref="C-1")
        s.add(child)
        s.flush()
        s.add(PlacementEpisode(child_id=child.id, setting_id=setting.id,
                               start_date=TODAY - dt.timedelta(days=100), placement_type="K2"))
    return setting


def _window(qtbot: QtBot, db: Database, tmp_path: Path) -> MainWindow:
    win: MainWindow = build_main_window(
        db, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), today=TODAY)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.keyClick(win.windowHandle(), Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert win.current_key() == "qa"
    return win


def _pdf_text(path: Path) -> str:
    assert path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:  # the make targets install it; say so if absent
        pytest.skip("pdftotext (poppler-utils) is needed to read the letter")
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _next_due(db: Database, setting: Setting) -> dt.date | None:
    with db.sessions() as s:
        found = s.get(Setting, setting.id)
        assert found is not None
        return found.next_qa_due


def test_a_visit_survives_a_killed_form_and_completing_it_moves_the_due_date(
        qtbot: QtBot, db: Database, home: Setting, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(visit_dialog, "AUTOSAVE_MS", 200)
    win = _window(qtbot, db, tmp_path)
    page = win.pages["qa"]
    schedule = page.schedule  # type: ignore[attr-defined]
    assert schedule.count.text() == "1 of 1 settings"
    due_before = _next_due(db, home)
    assert due_before is not None and due_before < TODAY, "a year and more since the last visit"
    schedule.table.selectRow(0)
    dialog = schedule.record_visit()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.visit_date.edit
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)  # one Tab leaves the date
    assert dialog.focusWidget() is dialog.visit_type, "Tab follows reading order"
    qtbot.keyClicks(dialog.visit_type, "Un")
    assert dialog.visit_type.currentText() == "Unannounced"
    qtbot.keyClicks(dialog.officers, "Asha Patel")
    name, first_area, first_evidence = dialog.areas[0]
    assert name == "Quality and purpose of care"
    qtbot.keyClicks(first_area, "G")
    qtbot.keyClicks(first_evidence, "Warm, settled home; plans up to date.")
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Draft saved"), timeout=5000)
    # The laptop dies: the form vanishes without closing, saving or asking.
    dialog.timer.stop()
    shiboken6.delete(dialog)

    win.pages["qa"].force_refresh()
    assert schedule.drafts.count() == 1
    item = schedule.drafts.item(0)
    again = schedule.open_visit(item.data(Qt.ItemDataRole.UserRole))
    qtbot.addWidget(again)
    assert again.officers.text() == "Asha Patel"
    assert again.visit_type.currentText() == "Unannounced"
    assert again.areas[0][1].currentText() == "Good"
    assert again.areas[0][2].toPlainText() == "Warm, settled home; plans up to date."

    # An action is raised from the keyboard and saved at once, not with the draft.
    raised = again.raised
    raised.description.setFocus()
    qtbot.keyClicks(raised.description, "Update the missing-from-care protocol")
    qtbot.keyClick(raised.description, Qt.Key.Key_Return)
    assert raised.error.text() == "Name who owns this action.", "the owner is required"
    assert raised.table.rowCount() == 0
    qtbot.keyClicks(raised.owner, "Registered manager")
    qtbot.keyClick(raised.owner, Qt.Key.Key_Return)
    assert raised.table.rowCount() == 1 and raised.description.text() == ""
    assert raised.table.item(0, 0).text() == "Update the missing-from-care protocol"
    assert raised.table.item(0, 2).text() == (TODAY + dt.timedelta(days=28)).strftime(
        "%d/%m/%Y")

    # The letter can be printed while the visit is in progress: it says DRAFT.
    assert again.save_letter(tmp_path / "draft.pdf"), again.error.text()
    draft = _pdf_text(tmp_path / "draft.pdf")
    assert "DRAFT" in draft and "Warm, settled home" in draft

    again.complete()
    assert again.error.text() == "Choose the overall judgement."
    qtbot.keyClicks(again.overall, "G")
    again.complete()
    assert "or Not assessed" in again.error.text(), "unjudged areas are caught"
    for _name, combo, _evidence in again.areas[1:]:
        qtbot.keyClicks(combo, "G")
    when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    again.complete()  # asks first: completing cannot be undone
    assert again.completed is not None, again.error.text()
    due_after = _next_due(db, home)
    assert due_after is not None and due_after > TODAY, "the next visit is now in the future"
    page.force_refresh()
    assert schedule.drafts.count() == 0

    # The completed visit's letter is reprinted from the schedule, no longer a draft.
    schedule.view.setCurrentIndex(schedule.view.findData("all"))
    schedule.table.selectRow(0)
    assert schedule.letter_button.isEnabled()
    assert schedule.save_last_letter(str(tmp_path / "final.pdf")), schedule.message.text()
    final = _pdf_text(tmp_path / "final.pdf")
    assert "DRAFT" not in final and "Oak House" in final and "Asha Patel" in final
    assert "Update the missing-from-care protocol" in final


def test_record_a_visit_resumes_the_settings_draft_which_can_be_discarded(
        qtbot: QtBot, db: Database, home: Setting, tmp_path: Path) -> None:
    win = _window(qtbot, db, tmp_path)
    schedule = win.pages["qa"].schedule  # type: ignore[attr-defined]
    schedule.table.selectRow(0)
    first = schedule.record_visit()
    assert first is not None
    qtbot.addWidget(first)
    qtbot.keyClicks(first.visit_type, "Un")
    qtbot.keyClicks(first.areas[0][1], "G")
    assert first.autosave()
    first.close()
    win.pages["qa"].force_refresh()

    schedule.table.selectRow(0)
    again = schedule.record_visit()  # once started a second, blank visit
    assert again is not None
    qtbot.addWidget(again)
    assert again.visit_id == first.visit_id, "the setting's draft is resumed"
    assert again.visit_type.currentText() == "Unannounced"
    assert schedule.message.text().startswith("Resumed the visit in progress (last saved ")
    again.close()
    win.pages["qa"].force_refresh()
    assert schedule.drafts.count() == 1, "one visit in progress, not two identical lines"
    line = schedule.drafts.item(0).text()
    assert line.startswith("Oak House (SC469688), last saved ")
    assert line.endswith(": Unannounced, visit date "
                         f"{TODAY:%d/%m/%Y}, 1 of 9 areas judged, overall not yet judged, "
                         "0 actions")

    schedule.drafts.setCurrentRow(0)
    asked: list[str] = []

    def keep(box: QDialog) -> None:
        asked.append(box.text())  # type: ignore[attr-defined]
        box.button(QMessageBox.StandardButton.Cancel).click()  # type: ignore[attr-defined]

    when_modal(QMessageBox, keep)
    assert not schedule.discard_current()
    assert "audit trail" in asked[0] and schedule.drafts.count() == 1
    when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Discard).click())
    assert schedule.discard_current()
    assert schedule.drafts.count() == 0 and not schedule.drafts.isVisible()
    with db.sessions() as s:
        visit = s.get(QaVisit, first.visit_id)
        assert visit is not None and visit.deleted_at is not None, "kept, marked deleted"


def test_actions_can_be_corrected_and_removed_in_the_visit_form_and_completing_asks(
        qtbot: QtBot, db: Database, home: Setting, tmp_path: Path) -> None:
    win = _window(qtbot, db, tmp_path)
    schedule = win.pages["qa"].schedule  # type: ignore[attr-defined]
    schedule.table.selectRow(0)
    dialog = schedule.record_visit()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.timer.stop()
    raised = dialog.raised
    for text in ("Fix the door", "Update the rota"):
        raised.description.setText(text)
        raised.owner.setText("Manager")
        assert raised.add()
    assert raised.table.rowCount() == 2
    assert not raised.edit_button.isEnabled(), "nothing chosen yet"
    raised.table.selectRow(0)
    qtbot.mouseClick(raised.edit_button, Qt.MouseButton.LeftButton)
    assert raised.description.text() == "Fix the door"
    raised.description.setText("Fix the fire door")
    raised.owner.setText("Deputy manager")
    assert raised.add_button.text() == "Save changes"
    qtbot.mouseClick(raised.add_button, Qt.MouseButton.LeftButton)
    texts = sorted((raised.table.item(n, 0).text(), raised.table.item(n, 1).text())
                   for n in range(raised.table.rowCount()))
    assert texts == [("Fix the fire door", "Deputy manager"), ("Update the rota", "Manager")]
    assert raised.add_button.text() == "Add action"

    row = next(n for n in range(raised.table.rowCount())
               if raised.table.item(n, 0).text() == "Update the rota")
    raised.table.selectRow(row)
    when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    assert raised.remove_selected()
    assert [raised.table.item(n, 0).text() for n in range(raised.table.rowCount())] == [
        "Fix the fire door"]

    # Completing asks first; answering Cancel leaves the visit in progress.
    qtbot.keyClicks(dialog.visit_type, "Un")
    qtbot.keyClicks(dialog.overall, "G")
    for _name, combo, _evidence in dialog.areas:
        qtbot.keyClicks(combo, "G")
    when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Cancel).click())
    dialog.complete()
    assert dialog.completed is None and dialog.isVisible()
    with db.sessions() as s:
        visit = s.get(QaVisit, dialog.visit_id)
        assert visit is not None and visit.status == QaVisitStatus.DRAFT
