"""The QA page's schedule and coverage tabs, driven through real widgets and a real database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from placement_desk.app import build_main_window
from placement_desk.lifecycle import Database
from placement_desk.models import Child, PlacementEpisode, QaVisit, Setting, User
from placement_desk.models.enums import QaVisitStatus, SettingType, UserRole
from placement_desk.ui.main_window import MainWindow
from placement_desk.ui.qa.page import QaPage
from placement_desk.ui.qa.schedule_view import QaScheduleView

TODAY = dt.date(2026, 3, 16)
"""The day the window works to (a fixed one, whatever the date the tests run)."""
CH, SA, IFA = SettingType.CHILDRENS_HOME, SettingType.SUPPORTED_ACCOMMODATION, SettingType.IFA


def _setting(s: Session, name: str, kind: SettingType = CH, in_use: bool = True,
             since: dt.date | None = None) -> Setting:
    setting = Setting(name=name, setting_type=kind)
    s.add(setting)
    s.flush()
    child = Child(case_ref=f"C-{name}")
    s.add(child)
    s.flush()
    start = since or TODAY - dt.timedelta(days=700)
    s.add(PlacementEpisode(child_id=child.id, setting_id=setting.id, start_date=start,
                           end_date=None if in_use else start + dt.timedelta(days=10),
                           placement_type="K2"))
    return setting


def _done(s: Session, setting: Setting, day: dt.date, planned: dt.date | None = None) -> None:
    s.add(QaVisit(setting_id=setting.id, status=QaVisitStatus.COMPLETED, visit_date=day,
                  planned_date=planned))


def _window(qtbot: QtBot, db: Database, tmp_path: Path,
            today: dt.date = TODAY) -> tuple[MainWindow, QaPage]:
    win: MainWindow = build_main_window(
        db, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), today=today)
    qtbot.addWidget(win)
    win.resize(1280, 860)
    win.show()
    qtbot.waitExposed(win)
    qtbot.keyClick(win.windowHandle(), Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert win.current_key() == "qa"
    page = win.pages["qa"]
    assert isinstance(page, QaPage)
    return win, page


def _show_all(schedule: QaScheduleView) -> None:
    schedule.view.setCurrentIndex(0)  # "All settings in use": no "when due" filter


def _texts(schedule: QaScheduleView, column: int) -> dict[str, str]:
    model = schedule.model
    return {model.index(r, 0).data(): model.index(r, column).data()
            for r in range(model.rowCount())}


def _click_row(qtbot: QtBot, schedule: QaScheduleView, name: str,
               modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    model = schedule.model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == name)
    rect = schedule.table.visualRect(model.index(row, 0))
    qtbot.mouseClick(schedule.table.viewport(), Qt.MouseButton.LeftButton, modifier,
                     rect.center())


@pytest.fixture
def people(db: Database) -> dict[str, User]:
    with db.sessions.begin() as s:
        users = {
            "asha": User(username="asha", display_name="Asha Patel", role=UserRole.QA_OFFICER),
            "ben": User(username="ben", display_name="Ben Okoro", role=UserRole.QA_OFFICER),
            "gone": User(username="gone", display_name="Gill Gone", role=UserRole.QA_OFFICER,
                         active=False),
            "boss": User(username="boss", display_name="Bea Boss", role=UserRole.MANAGER),
        }
        s.add_all(users.values())
        for name, kind in (("Oak House", CH), ("Elm Lodge", CH), ("Ash Court", SA)):
            _setting(s, name, kind)
    return users


def test_assigning_an_officer_to_two_selected_settings_through_the_dialog(
        qtbot: QtBot, db: Database, tmp_path: Path, people: dict[str, User]) -> None:
    _win, page = _window(qtbot, db, tmp_path)
    schedule = page.schedule
    assert page.tabs.currentWidget() is schedule
    _show_all(schedule)
    assert schedule.count.text() == "3 of 3 settings"
    assert not schedule.assign_button.isEnabled(), "nothing chosen yet"
    _click_row(qtbot, schedule, "Oak House")
    _click_row(qtbot, schedule, "Ash Court", Qt.KeyboardModifier.ControlModifier)
    assert {r.name for r in schedule.selected_rows()} == {"Oak House", "Ash Court"}
    assert schedule.assign_button.isEnabled() and not schedule.plan_button.isEnabled()

    dialog = schedule.assign_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    offered = [dialog.officer.itemText(i) for i in range(dialog.officer.count())]
    assert offered == ["Nobody (unassigned)", "Asha Patel", "Ben Okoro"], \
        "only active QA officers, by name"
    assert "Ash Court" in dialog.about.text() and "Oak House" in dialog.about.text()
    qtbot.keyClicks(dialog.officer, "Ben")
    assert dialog.officer.currentText() == "Ben Okoro"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted

    with db.sessions() as s:
        officers = {name: officer for name, officer in s.execute(
            select(Setting.name, Setting.qa_officer_id))}
    ben = people["ben"].id
    assert officers == {"Oak House": ben, "Ash Court": ben, "Elm Lodge": None}
    assert "Ben Okoro is now the QA officer of 2 of 2 settings" in schedule.message.text()
    qtbot.waitUntil(lambda: _texts(schedule, 7) == {
        "Oak House": "Ben Okoro", "Ash Court": "Ben Okoro", "Elm Lodge": "Unassigned"})

    # The "by officer" filter narrows the list to one officer, or the unassigned.
    schedule.officer.setCurrentIndex(schedule.officer.findText("Ben Okoro"))
    assert schedule.count.text() == "2 of 3 settings"
    assert set(_texts(schedule, 0)) == {"Oak House", "Ash Court"}
    schedule.officer.setCurrentIndex(schedule.officer.findText("Unassigned"))
    assert schedule.count.text() == "1 of 3 settings"
    assert set(_texts(schedule, 0)) == {"Elm Lodge"}

    # Choosing Nobody unassigns.
    schedule.officer.setCurrentIndex(0)
    schedule.select_ids([schedule.model.rows[0].setting_id])
    again = schedule.assign_dialog()
    assert again is not None
    qtbot.addWidget(again)
    again.officer.setCurrentIndex(0)
    again.save()
    with db.sessions() as s:
        assert s.scalar(select(Setting.qa_officer_id).where(
            Setting.name == schedule.model.rows[0].name)) is None


def test_planning_a_visit_puts_its_date_on_the_schedule_and_refuses_a_past_date(
        qtbot: QtBot, db: Database, tmp_path: Path, people: dict[str, User]) -> None:
    with db.sessions.begin() as s:
        oak = s.scalar(select(Setting).where(Setting.name == "Oak House"))
        assert oak is not None
        _done(s, oak, TODAY - dt.timedelta(days=420))
    _win, page = _window(qtbot, db, tmp_path)
    schedule = page.schedule
    assert schedule.view.currentData() == "overdue"
    assert set(_texts(schedule, 0)) == {"Oak House"}, "visited over a year ago: overdue"
    assert _texts(schedule, 5)["Oak House"].endswith("(overdue)"), "said in words"
    assert _texts(schedule, 6)["Oak House"] == ""
    _click_row(qtbot, schedule, "Oak House")
    dialog = schedule.plan_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.focusWidget() is dialog.planned_date.edit
    assert dialog.date_error.text() == ""

    def retype(day: dt.date) -> None:
        qtbot.keyClick(dialog.planned_date.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(dialog.planned_date.edit, f"{day.day:02d}/{day.month:02d}/{day.year}")

    past = TODAY - dt.timedelta(days=3)
    retype(past)
    assert dialog.date_error.text() == "", "no error while the date is being typed"
    qtbot.keyClick(dialog.planned_date.edit, Qt.Key.Key_Tab)
    assert "is in the past" in dialog.date_error.text()
    assert not dialog.save_button.isEnabled(), "Plan visit waits until the date is fixed"

    day = TODAY + dt.timedelta(days=14)
    dialog.planned_date.setFocus()
    retype(day)
    assert dialog.date_error.text() == ""
    assert dialog.save_button.isEnabled()
    dialog.officer.setCurrentIndex(dialog.officer.findText("Asha Patel"))
    dialog.visit_type.setCurrentIndex(dialog.visit_type.findText("Unannounced"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.visit_id is not None

    with db.sessions() as s:
        visit = s.get(QaVisit, dialog.visit_id)
        assert visit is not None
        assert (visit.status, visit.planned_date, visit.lead_officer_id) == (
            QaVisitStatus.PLANNED, day, people["asha"].id)
    shown = f"{day.day:02d}/{day.month:02d}/{day.year}"
    qtbot.waitUntil(lambda: _texts(schedule, 6)["Oak House"] == shown)  # the page refreshed
    assert schedule.message.text() == f"Visit to Oak House planned for {shown}."

    # Recording a visit to the setting now starts the planned one, not a second visit.
    visit = schedule.record_visit()
    assert visit is not None
    qtbot.addWidget(visit)
    assert visit.visit_id == dialog.visit_id
    visit.close()
    with db.sessions() as s:
        statuses = list(s.scalars(select(QaVisit.status).where(
            QaVisit.setting_id == oak.id, QaVisit.status != QaVisitStatus.COMPLETED)))
    assert statuses == [QaVisitStatus.DRAFT]


def test_the_coverage_tab_reads_a_hand_made_fixture(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    on = dt.date(2026, 6, 1)
    since = dt.date(2025, 1, 1)
    with db.sessions.begin() as s:
        # Children's homes in use: 4, of which 3 visited in the 12 months to 1 June 2026.
        a, b, c, d = (_setting(s, n, CH, since=since) for n in ("A", "B", "C", "D"))
        _done(s, a, dt.date(2026, 5, 10), planned=dt.date(2026, 5, 1))
        _done(s, b, dt.date(2025, 10, 1))
        _done(s, c, dt.date(2025, 6, 1))  # exactly a year before: counts
        _done(s, d, dt.date(2025, 5, 31))  # a day too old
        # Supported accommodation in use: 2, of which 1 visited.
        e = _setting(s, "E", SA, since=since)
        _setting(s, "F", SA, since=since)
        _done(s, e, dt.date(2026, 4, 20))
        # Not in use: visited, but does not count.
        g = _setting(s, "G", IFA, in_use=False, since=since)
        _done(s, g, dt.date(2026, 1, 15))
        s.add(QaVisit(setting_id=c.id, status=QaVisitStatus.PLANNED,
                      planned_date=dt.date(2026, 6, 20)))
        s.add(QaVisit(setting_id=d.id, status=QaVisitStatus.PLANNED,
                      planned_date=dt.date(2026, 8, 1)))
    _win, page = _window(qtbot, db, tmp_path, on)
    page.tabs.setCurrentWidget(page.coverage)
    page.force_refresh()
    view = page.coverage
    assert view.overall.text() == "67% (4 of 6)"
    assert "1 June 2025" in view.overall_caption.text()
    by_type = {view.by_type.item(r, 0).text(): view.by_type.item(r, 1).text()
               for r in range(view.by_type.rowCount())}
    assert by_type == {"Children's home": "75% (3 of 4)",
                       "Supported accommodation": "50% (1 of 2)"}

    assert view.year.currentText() == "2026-27 (April 2026 to March 2027)"
    quarters = [[view.quarter_table.item(r, c).text() for c in range(4)]
                for r in range(view.quarter_table.rowCount())]
    assert quarters == [
        ["Q1 2026-27 (Apr–Jun)", "2", "2", "100% (2 of 2)"],
        ["Q2 2026-27 (Jul–Sep)", "1", "0", "0% (0 of 1)"],
        ["Q3 2026-27 (Oct–Dec)", "0", "0", "0 done, none planned"],
        ["Q4 2026-27 (Jan–Mar)", "0", "0", "0 done, none planned"],
    ]
    assert view.chart is not None
    assert view.chart.labels == ["2", "1", "0", "0", "2", "0", "0", "0"], \
        "every bar carries its value (planned, then done)"

    view.year.setCurrentIndex(view.year.findData(2025))
    done = [view.quarter_table.item(r, 2).text() for r in range(4)]
    assert done == ["2", "0", "1", "1"], "May and June 2025, October 2025, January 2026"
    assert page.ctx.settings.value("qa/coverage/year") in (2025, "2025"), "remembered"


def test_the_schedule_shown_exports_with_its_dates_as_dates(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    with db.write() as s:
        oak = _setting(s, "Oak House")
        _setting(s, "Ash Court")
        _setting(s, "Old Lodge", in_use=False)  # not in use: not on the schedule
        _done(s, oak, dt.date(2025, 11, 3))
    win, page = _window(qtbot, db, tmp_path)
    schedule = page.schedule
    _show_all(schedule)
    schedule.search.setText("oak")
    schedule.apply_filters()
    out = tmp_path / "schedule.xlsx"
    schedule.export_to(str(out))
    assert win.ctx.tasks.wait(10_000)
    qtbot.waitUntil(lambda: "1 setting saved to" in schedule.message.text())
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Setting", "URN", "Type", "Risk", "Last visit")
    assert len(rows) == 2 and rows[1][0] == "Oak House"  # the filter applied
    assert rows[1][4] is not None and rows[1][4].date() == dt.date(2025, 11, 3)
