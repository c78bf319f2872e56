"""Recording a QA visit: keyboard entry, autosave survives a killed form, completion."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from placement_desk.app import build_main_window
from placement_desk.lifecycle import Database
from placement_desk.models import Child, PlacementEpisode, QaVisit, Setting
from placement_desk.models.enums import Judgement, QaJudgement, QaVisitStatus, SettingType
from placement_desk.ui.dialogs import visit_dialog
from placement_desk.ui.main_window import MainWindow

TODAY = dt.date.today()


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
        db, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.keyClick(win.windowHandle(), Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert win.current_key() == "qa"
    return win


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
    assert page.count.text() == "1 settings"  # type: ignore[attr-defined]
    due_before = _next_due(db, home)
    assert due_before is not None and due_before < TODAY, "a year and more since the last visit"
    page.table.selectRow(0)  # type: ignore[attr-defined]
    dialog = page.record_visit()  # type: ignore[attr-defined]
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.visit_date
    for _section in range(3):  # Tab steps through day, month and year, then leaves
        if dialog.focusWidget() is not dialog.visit_date:
            break
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
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
    assert page.drafts.count() == 1  # type: ignore[attr-defined]
    item = page.drafts.item(0)  # type: ignore[attr-defined]
    again = page.open_visit(item.data(Qt.ItemDataRole.UserRole))  # type: ignore[attr-defined]
    qtbot.addWidget(again)
    assert again.officers.text() == "Asha Patel"
    assert again.visit_type.currentText() == "Unannounced"
    assert again.areas[0][1].currentText() == "Good"
    assert again.areas[0][2].toPlainText() == "Warm, settled home; plans up to date."

    again.complete()
    assert again.error.text() == "Choose the overall judgement."
    qtbot.keyClicks(again.overall, "G")
    again.complete()
    assert "or Not assessed" in again.error.text(), "unjudged areas are caught"
    for _name, combo, _evidence in again.areas[1:]:
        qtbot.keyClicks(combo, "G")
    again.complete()
    assert again.completed is not None, again.error.text()
    due_after = _next_due(db, home)
    assert due_after is not None and due_after > TODAY, "the next visit is now in the future"
    page.force_refresh()  # type: ignore[attr-defined]
    assert page.drafts.count() == 0  # type: ignore[attr-defined]
