"""The actions tracker tab: filters and their count, "Overdue" in words, bulk status change."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from placement_desk.app import build_main_window
from placement_desk.lifecycle import Database
from placement_desk.models import Action, ActionUpdate, Provider, QaVisit, QaVisitArea, Setting
from placement_desk.models.enums import (
    ActionPriority,
    ActionSource,
    ActionStatus,
    QaJudgement,
    QaVisitStatus,
    QaVisitType,
    SettingType,
)
from placement_desk.ui.common.colours import colour
from placement_desk.ui.main_window import MainWindow
from placement_desk.ui.qa.action_dialogs import VisitSummaryDialog
from placement_desk.ui.qa.actions_view import STATUS_COLUMN, ActionsView
from placement_desk.ui.qa.page import QaPage

TODAY = dt.date(2026, 3, 16)
"""The day the window works to (a fixed one, whatever the date the tests run)."""
DAY = dt.timedelta(days=1)


@pytest.fixture
def actions(db: Database) -> dict[str, uuid.UUID]:
    with db.sessions.begin() as s:
        bright = Provider(name="Bright Futures Ltd")
        calm = Provider(name="Calm Care Ltd")
        s.add_all([bright, calm])
        s.flush()
        oak = Setting(name="Oak House", urn="SC100001", setting_type=SettingType.CHILDRENS_HOME,
                      provider_id=bright.id)
        elm = Setting(name="Elm Lodge", urn="SC100002", setting_type=SettingType.CHILDRENS_HOME,
                      provider_id=calm.id)
        s.add_all([oak, elm])
        s.flush()
        visit = QaVisit(setting_id=oak.id, status=QaVisitStatus.COMPLETED,
                        visit_date=TODAY - 40 * DAY, visit_type=QaVisitType.UNANNOUNCED,
                        overall_judgement=QaJudgement.GOOD, officers="Asha Patel",
                        summary="A warm home.")
        s.add(visit)
        s.flush()
        s.add(QaVisitArea(visit_id=visit.id, position=0, area="Education",
                          judgement=QaJudgement.GOOD, evidence="Everyone in school."))

        def add(key: str, text: str, status: ActionStatus, due: dt.date, owner: str,
                setting: Setting, **kw: object) -> tuple[str, Action]:
            values: dict[str, object] = {
                "source": ActionSource.MANUAL, "description": text, "status": status,
                "due_date": due, "owner": owner, "setting_id": setting.id,
                "provider_id": setting.provider_id, "priority": ActionPriority.MEDIUM}
            values.update(kw)
            return key, Action(**values)

        made = dict([
            add("door", "Fix the fire door", ActionStatus.OPEN, TODAY - 10 * DAY, "Asha Patel",
                oak, source=ActionSource.QA_VISIT, qa_visit_id=visit.id,
                priority=ActionPriority.HIGH),
            add("risk", "Update the risk assessments", ActionStatus.IN_PROGRESS,
                TODAY + 5 * DAY, "Ben Okoro", oak),
            add("train", "Train the night staff", ActionStatus.OPEN, TODAY + 20 * DAY,
                "asha patel", elm),
            add("paint", "Repaint the lounge", ActionStatus.DONE, TODAY - 30 * DAY,
                "Ben Okoro", elm, completed_date=TODAY - 31 * DAY),
            add("menu", "Review the menus", ActionStatus.CANCELLED, TODAY + 3 * DAY,
                "Ben Okoro", elm),
        ])
        s.add_all(made.values())
        s.flush()
        return {key: action.id for key, action in made.items()}


def _window(qtbot: QtBot, db: Database, ini: Path) -> tuple[MainWindow, ActionsView]:
    win: MainWindow = build_main_window(db, QSettings(str(ini), QSettings.Format.IniFormat),
                                        today=TODAY)
    qtbot.addWidget(win)
    win.resize(1280, 860)
    win.show()
    qtbot.waitExposed(win)
    qtbot.keyClick(win.windowHandle(), Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    page = win.pages["qa"]
    assert isinstance(page, QaPage)
    page.tabs.setCurrentWidget(page.action_list)
    return win, page.action_list


def _status(db: Database, action_id: uuid.UUID) -> ActionStatus:
    with db.sessions() as s:
        status = s.scalar(select(Action.status).where(Action.id == action_id))
        assert status is not None
        return status


def _shown(view: ActionsView) -> dict[str, str]:
    """Description → the status as the table shows it."""
    proxy = view.proxy
    return {proxy.index(r, 0).data(): proxy.index(r, STATUS_COLUMN).data()
            for r in range(proxy.rowCount())}


def test_the_model_passes_the_model_tester(qtbot: QtBot, qtmodeltester: object, db: Database,
                                           actions: dict[str, uuid.UUID],
                                           tmp_path: Path) -> None:
    _win, view = _window(qtbot, db, tmp_path / "ui.ini")
    qtmodeltester.check(view.model)  # type: ignore[attr-defined]
    qtmodeltester.check(view.proxy)  # type: ignore[attr-defined]


def test_overdue_rows_say_overdue_and_filters_narrow_the_count(
        qtbot: QtBot, db: Database, actions: dict[str, uuid.UUID], tmp_path: Path) -> None:
    win, view = _window(qtbot, db, tmp_path / "ui.ini")
    assert view.count.text() == "5 of 5 actions"
    shown = _shown(view)
    assert shown["Fix the fire door"] == "Overdue", "the word, not only a colour"
    assert shown["Update the risk assessments"] == "In progress"
    assert shown["Repaint the lounge"] == "Done", "done actions are never overdue"
    door = next(r for r in range(view.proxy.rowCount())
                if view.proxy.index(r, 0).data() == "Fix the fire door")
    assert view.proxy.index(door, STATUS_COLUMN).data(Qt.ItemDataRole.ForegroundRole) == \
        colour("red")
    source = {view.proxy.index(r, 0).data(): view.proxy.index(r, 1).data()
              for r in range(view.proxy.rowCount())}
    visit_day = TODAY - 40 * DAY
    assert source["Fix the fire door"] == f"QA visit {visit_day:%d/%m/%Y}"
    assert view.proxy.index(door, 2).data() == "Oak House (Bright Futures Ltd)"
    assert not view.clear_button.isEnabled()

    # Ctrl+F reaches the search box; typing narrows the list.
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is view.search
    qtbot.keyClicks(view.search, "fire")
    qtbot.waitUntil(lambda: view.count.text() == "1 of 5 actions")
    assert view.clear_button.isEnabled()
    qtbot.mouseClick(view.clear_button, Qt.MouseButton.LeftButton)
    assert view.count.text() == "5 of 5 actions" and view.search.text() == ""

    owners = [view.owner.itemText(i) for i in range(view.owner.count())]
    assert owners == ["Any owner", "Asha Patel", "Ben Okoro"], "one entry whatever the case"
    view.owner.setCurrentIndex(view.owner.findText("Asha Patel"))
    assert view.count.text() == "2 of 5 actions"
    assert set(_shown(view)) == {"Fix the fire door", "Train the night staff"}
    view.owner.setCurrentIndex(0)
    view.provider.setCurrentIndex(view.provider.findText("Calm Care Ltd"))
    assert view.count.text() == "3 of 5 actions"
    view.status.setCurrentIndex(view.status.findData("live"))
    assert set(_shown(view)) == {"Train the night staff"}
    view.provider.setCurrentIndex(0)
    view.status.setCurrentIndex(view.status.findData("overdue"))
    assert set(_shown(view)) == {"Fix the fire door"}
    view.status.setCurrentIndex(view.status.findData("open"))
    assert set(_shown(view)) == {"Train the night staff"}, "an overdue one is not Open"
    view.status.setCurrentIndex(0)
    view.due.setCurrentIndex(view.due.findData("7"))
    assert set(_shown(view)) == {"Update the risk assessments", "Review the menus"}
    view.due.setCurrentIndex(view.due.findData("overdue"))
    assert view.count.text() == "1 of 5 actions"

    # The filters are remembered: a new window on the same settings starts with them.
    view.due.setCurrentIndex(view.due.findData("30"))
    view.owner.setCurrentIndex(view.owner.findText("Ben Okoro"))
    assert view.count.text() == "2 of 5 actions"
    win.close()
    _win2, again = _window(qtbot, db, tmp_path / "ui.ini")
    assert again.due.currentData() == "30"
    assert again.owner.currentText() == "Ben Okoro"
    assert again.count.text() == "2 of 5 actions"


def test_bulk_status_change_moves_what_it_may_and_names_what_it_may_not(
        qtbot: QtBot, db: Database, actions: dict[str, uuid.UUID], tmp_path: Path) -> None:
    _win, view = _window(qtbot, db, tmp_path / "ui.ini")
    assert not view.change_button.isEnabled()
    view.select_ids([actions["door"], actions["risk"], actions["train"]])
    assert view.change_button.isEnabled()
    dialog = view.change_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.status.setCurrentIndex(dialog.status.findText("Done"))
    preview = dialog.preview.toPlainText()
    assert "1 of 3 will move to Done." in preview
    assert "“Fix the fire door” is Overdue: it can only move to In progress or Cancelled." \
        in preview
    assert "“Train the night staff” is Open: it can only move to In progress or Cancelled." \
        in preview
    qtbot.keyClicks(dialog.note, "Signed off at the review meeting.")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted

    assert _status(db, actions["risk"]) == ActionStatus.DONE
    assert _status(db, actions["door"]) == ActionStatus.OVERDUE, "stored Overdue by the page"
    assert _status(db, actions["train"]) == ActionStatus.OPEN
    assert view.message.text().startswith("1 of 3 actions moved to Done. Not moved: “Fix")
    assert _shown(view)["Update the risk assessments"] == "Done", "the list refreshed"
    with db.sessions() as s:
        update = s.scalar(select(ActionUpdate).where(
            ActionUpdate.action_id == actions["risk"],
            ActionUpdate.new_status == ActionStatus.DONE))
        assert update is not None
        assert (update.author, update.note) == ("test.user",
                                                "Signed off at the review meeting.")

    # Both remaining ones may start; the overdue one still reads Overdue afterwards.
    view.select_ids([actions["door"], actions["train"]])
    second = view.change_dialog()
    assert second is not None
    qtbot.addWidget(second)
    second.status.setCurrentIndex(second.status.findText("In progress"))
    assert "2 of 2 will move to In progress." in second.preview.toPlainText()
    second.save()
    assert _status(db, actions["train"]) == ActionStatus.IN_PROGRESS
    assert _shown(view)["Fix the fire door"] == "Overdue"
    assert _shown(view)["Train the night staff"] == "In progress"

    # Reopening a done action needs a note: the error appears beside the note field.
    view.select_ids([actions["paint"]])
    reopen = view.change_dialog()
    assert reopen is not None
    qtbot.addWidget(reopen)
    reopen.show()
    reopen.status.setCurrentIndex(reopen.status.findText("Open"))
    reopen.save()
    assert reopen.note_error.isVisible()
    assert "Say why the action is moving from Done to Open" in reopen.note_error.text()
    assert _status(db, actions["paint"]) == ActionStatus.DONE
    qtbot.keyClicks(reopen.note, "Paint is peeling again.")
    assert not reopen.note_error.isVisible()
    reopen.save()
    with db.sessions() as s:
        note = s.scalar(select(ActionUpdate.note).where(
            ActionUpdate.action_id == actions["paint"],
            ActionUpdate.new_status == ActionStatus.OPEN))
    assert note == "Paint is peeling again."
    assert _shown(view)["Repaint the lounge"] == "Overdue", "reopened, and past its due date"

    # A cancelled action cannot move at all: nothing to save.
    view.select_ids([actions["menu"]])
    stuck = view.change_dialog()
    assert stuck is not None
    qtbot.addWidget(stuck)
    assert "“Review the menus” is Cancelled: it cannot change any more." in \
        stuck.preview.toPlainText()
    assert not stuck.save_button.isEnabled()
    assert "None of the chosen actions can move" in stuck.status_error.text()


def test_open_source_shows_the_visit_or_the_setting(
        qtbot: QtBot, db: Database, actions: dict[str, uuid.UUID], tmp_path: Path) -> None:
    win, view = _window(qtbot, db, tmp_path / "ui.ini")
    view.select_ids([actions["door"]])
    assert view.detail.tabText(0) == "Overview"
    view.table.setFocus()
    with qtbot.waitSignal(win.ctx.hub.status_message) as said:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert "Opened the QA visit" in str(said.args[0])
    dialogs = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, VisitSummaryDialog) and w.isVisible()]
    assert len(dialogs) == 1, "Enter opens the visit, read only"
    qtbot.addWidget(dialogs[0])
    text = dialogs[0].browser.toPlainText()
    assert "Education" in text and "Everyone in school." in text and "Fix the fire door" in text
    assert dialogs[0].print_button.isVisible(), "a completed visit's letter can be printed"
    assert dialogs[0].save_letter(str(tmp_path / "letter.pdf")), dialogs[0].message.text()
    assert (tmp_path / "letter.pdf").read_bytes().startswith(b"%PDF")
    dialogs[0].close()

    view.select_ids([actions["train"]])
    with qtbot.waitSignal(win.ctx.hub.status_message):
        assert view.open_source() is None
    assert "recorded by hand for Elm Lodge (Calm Care Ltd)" in view.message.text()
    overview = view.detail.widget(0)
    assert overview is not None
    assert any(label.text() == "Elm Lodge" for label in overview.findChildren(QLabel)), \
        "the setting's details are shown"
