"""The main window shell: pages, shortcuts, status bar, remembered state, About, tasks."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from placement_desk import __version__
from placement_desk.app import build_main_window
from placement_desk.dblock import DatabaseLock
from placement_desk.lifecycle import Database
from placement_desk.models import Action, Child, PlacementEpisode, Setting
from placement_desk.models.enums import ActionSource, Judgement, SettingType
from placement_desk.progress import TaskState
from placement_desk.ui.about import AboutDialog
from placement_desk.ui.main_window import MainWindow
from placement_desk.ui.tasks import TaskRunner


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot: QtBot, db: Database, settings: QSettings) -> MainWindow:
    win: MainWindow = build_main_window(db, settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def _titles(win: MainWindow) -> list[str]:
    return [win.nav.item(i).text() for i in range(win.nav.count())]


def test_only_pages_that_exist_are_listed(window: MainWindow) -> None:
    assert _titles(window) == ["Dashboard", "Providers", "Placements", "QA", "Contracts",
                               "Reports", "Data"]
    assert window.current_key() == "dashboard"


def test_ctrl_number_switches_pages_and_titles(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "data"
    page = window.current_page()
    assert page is not None and page.heading.text() == "Data"
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "providers"
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "dashboard"


def test_status_bar_names_the_database_and_says_local(window: MainWindow, db: Database) -> None:
    if db.path is not None:
        assert window.db_label.text() == f"Local file: {db.path}"
    else:
        assert window.db_label.text() == f"Server: {db.url.database} on {db.url.host}"
        assert "postgresql" not in window.db_label.text(), "no URL in the status bar"


def test_geometry_and_last_page_are_remembered(qtbot: QtBot, db: Database,
                                               settings: QSettings) -> None:
    first: MainWindow = build_main_window(db, settings)
    qtbot.addWidget(first)
    first.show()
    first.resize(760, 520)  # narrower than the widest page, which then scrolls sideways
    first.show_page("data")
    saved = first.size()
    first.close()
    second: MainWindow = build_main_window(db, settings)
    qtbot.addWidget(second)
    assert second.current_key() == "data"
    assert second.size() == saved
    assert saved.height() == 520


def test_a_first_start_on_a_laptop_screen_opens_maximized(qtbot: QtBot, db: Database,
                                                           settings: QSettings) -> None:
    win: MainWindow = build_main_window(db, settings)
    qtbot.addWidget(win)
    room = win.screen().availableGeometry()
    assert room.width() < 1500 or room.height() < 950, "the test screen is a small one"
    assert win.windowState() & Qt.WindowState.WindowMaximized
    win.show()
    win.setWindowState(Qt.WindowState.WindowNoState)
    win.resize(700, 500)
    win.close()  # remembered as a window of its own size: not maximized again
    again: MainWindow = build_main_window(db, settings)
    qtbot.addWidget(again)
    assert not again.windowState() & Qt.WindowState.WindowMaximized


def test_about_shows_version_and_schema(qtbot: QtBot, db: Database) -> None:
    about = AboutDialog(db)
    qtbot.addWidget(about)
    assert __version__ in about.text.text()
    assert f"<b>Schema revision:</b> {db.revision}" in about.text.text()


def test_dashboard_counts_and_empty_state(qtbot: QtBot, db: Database,
                                          settings: QSettings) -> None:
    today = dt.date(2026, 3, 16)  # the day the window works to
    win: MainWindow = build_main_window(db, settings, today=today)
    qtbot.addWidget(win)
    win.show()
    page = win.pages["dashboard"]
    # The window is drawn first; then the view is built and works the figures out in the
    # background.
    qtbot.waitUntil(lambda: page.view is not None)  # type: ignore[attr-defined]
    dash = page.view  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dash.empty.isVisible())
    assert dash.tiles["children_looked_after"].value.text() == "0"
    with db.sessions.begin() as s:
        good = Setting(name="A", urn="SC000001", setting_type=SettingType.CHILDRENS_HOME,
                       latest_judgement=Judgement.GOOD)
        poor = Setting(name="B", urn="SC000002", setting_type=SettingType.CHILDRENS_HOME,
                       latest_judgement=Judgement.INADEQUATE)
        s.add_all([good, poor])
        s.flush()
        for i, home in enumerate((good, poor, good)):
            child = Child(case_ref=f"C{i}")
            s.add(child)
            s.flush()
            s.add(PlacementEpisode(child_id=child.id, setting_id=home.id,
                                   start_date=today - dt.timedelta(days=30),
                                   placement_type="K2"))
        s.add(Action(source=ActionSource.MANUAL, description="Chase insurance",
                     due_date=today - dt.timedelta(days=1)))
    tiles = dash.tiles
    # The commit above reports its tables; the visible dashboard refreshes itself.
    qtbot.waitUntil(lambda: tiles["children_looked_after"].value.text() == "3")
    assert tiles["good_settings"].value.text() == "50%"
    assert tiles["good_settings"].detail.text().startswith("1 of 2")
    assert tiles["overdue_actions"].value.text() == "1"
    assert not dash.empty.isVisible()
    assert win.ctx.tasks.wait(5000)


def test_task_runner_reports_success_cancel_and_failure(qtbot: QtBot) -> None:
    runner = TaskRunner()
    seen: list[tuple[str, int, int]] = []

    def count(state: TaskState, n: int) -> int:
        for i in range(n):
            state.check_cancelled()
            state.progress("Counting", i + 1, n)
        return n

    task = runner.start("Count", count, 5)
    task.progress.connect(lambda *a: seen.append(a))
    with qtbot.waitSignal(task.succeeded, timeout=5000) as blocker:
        pass
    assert blocker.args == [5]
    assert seen and seen[-1] == ("Counting", 5, 5)

    def slow(state: TaskState) -> None:
        while True:
            state.check_cancelled()
            time.sleep(0.01)

    task = runner.start("Slow", slow)
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        task.cancel()

    def broken(_state: TaskState) -> None:
        raise ValueError("bad row 7")

    task = runner.start("Broken", broken)
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        pass
    assert isinstance(blocker.args[0], ValueError)
    assert "bad row 7" in blocker.args[1]
    assert runner.wait(5000)


def test_data_page_checks_and_backs_up(qtbot: QtBot, window: MainWindow, db: Database) -> None:
    window.show_page("data")
    page = window.pages["data"]
    page.run_check()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "healthy" in page.result.text(), timeout=5000)  # type: ignore[attr-defined]
    if db.path is None:  # a server's backups are the server's own
        assert not page.backup_button.isEnabled()  # type: ignore[attr-defined]
        assert "server" in page.backup_button.toolTip()  # type: ignore[attr-defined]
        window.ctx.tasks.wait(5000)
        return
    page.run_backup()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "Backed up to" in page.result.text(), timeout=5000)  # type: ignore[attr-defined]
    assert list((db.path.parent / "backups").glob("test-manual-*.db"))
    window.ctx.tasks.wait(5000)


def _run(*args: str, env_home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PLACEMENT_DESK_HOME": str(env_home),
           "XDG_CONFIG_HOME": str(env_home / "config")}
    return subprocess.run([sys.executable, "-m", "placement_desk", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_smoke_test_draws_the_window_and_exits_0(tmp_path: Path) -> None:
    result = _run("--db", str(tmp_path / "smoke.db"), "--smoke-test", env_home=tmp_path)
    assert result.returncode == 0, result.stderr
    saved = list((tmp_path / "config").rglob("*.ini")) if (tmp_path / "config").exists() else []
    assert not any("geometry" in p.read_text() for p in saved), \
        "an offscreen smoke test must not overwrite the user's window layout"


def test_smoke_test_on_a_locked_database_exits_7_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    with DatabaseLock(path):
        result = _run("--db", str(path), "--smoke-test", env_home=tmp_path)
    assert result.returncode == 7, "a database in use by another copy exits 7"
    assert "already open in another copy" in result.stderr


def test_the_window_opens_within_the_screen_titled_once(qtbot: QtBot, db: Database,
                                                        settings: QSettings) -> None:
    from PySide6.QtWidgets import QApplication

    from placement_desk.app import _qt_application

    app = QApplication.instance()
    assert app is not None
    before = (app.applicationName(), app.organizationName())
    _qt_application()  # type: ignore[no-untyped-call]
    try:
        win: MainWindow = build_main_window(db, settings)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        screen = win.screen().availableGeometry()
        assert screen.contains(win.geometry()), "a first start fits the screen"
        assert win.height() + 30 <= screen.height(), "with room for the title bar"
        if db.path is not None:
            assert win.windowTitle() == f"Placement Desk — {db.path.name}"
            assert str(db.path.parent) not in win.windowTitle(), "the file's name, not its path"
        else:
            assert win.windowTitle() == \
                f"Placement Desk — {db.url.database} on {db.url.host}"
        # Qt appends the application display name to every title: none is set, so the
        # title reads "Placement Desk" once.
        assert app.applicationDisplayName() != "Placement Desk"
        big = build_main_window(db, settings)
        qtbot.addWidget(big)
        big.resize(screen.width() + 400, screen.height() + 300)
        big.save_state()
        again = build_main_window(db, settings)
        qtbot.addWidget(again)
        assert again.width() <= screen.width() and again.height() + 30 <= screen.height(), \
            "a size saved on a bigger screen is brought within this one"
    finally:
        app.setApplicationName(before[0])
        app.setOrganizationName(before[1])


def test_file_dialogs_start_in_documents_then_the_last_folder_used(
        qtbot: QtBot, window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from placement_desk.ui.common import file_dialogs

    asked: list[str] = []
    folder = tmp_path / "exports"
    folder.mkdir()

    def answer(_parent: object, _title: str, start: str, _filters: str) -> tuple[str, str]:
        asked.append(start)
        return str(folder / "placements.xlsx"), ""

    monkeypatch.setattr(file_dialogs.QFileDialog, "getSaveFileName", answer)
    page = window.pages["placements"]
    page.episodes.export_view()  # type: ignore[attr-defined]
    documents = file_dialogs.documents_folder()
    assert asked[0] == str(documents / "placements.xlsx"), "not the program's folder"
    assert Path(asked[0]).parent != Path.cwd()
    assert (folder / "placements.xlsx").exists()
    page.episodes.export_view()  # type: ignore[attr-defined]
    assert asked[1] == str(folder / "placements.xlsx"), "the last folder used, remembered"
    assert QSettings().value(file_dialogs.LAST_FOLDER) == str(folder)


def test_an_expected_refusal_in_a_task_is_logged_as_one_line(
        qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    from placement_desk.errors import FileFormatError

    runner = TaskRunner()

    def not_ofsted(_state: TaskState) -> None:
        raise FileFormatError("This is not an Ofsted file: it has no URN column.",
                              file="budget.csv")

    with caplog.at_level("INFO"):
        task = runner.start("Importing Ofsted files", not_ofsted)
        with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
            pass
        assert runner.wait(5000)
    assert isinstance(blocker.args[0], FileFormatError)
    records = [r for r in caplog.records if r.name == "placement_desk"]
    assert [(r.levelname, r.getMessage()) for r in records] == [
        ("WARNING", "Importing Ofsted files: refused (FileFormatError at budget.csv)")]
    assert "Traceback" not in caplog.text
def test_pages_are_listed_at_once_and_built_when_first_shown(qtbot: QtBot,
                                                             window: MainWindow) -> None:
    listed = [window.nav.item(r).text() for r in range(window.nav.count())]
    assert listed == ["Dashboard", "Providers", "Placements", "QA", "Contracts",
                      "Reports", "Data"]
    assert all(not window.nav.item(r).icon().isNull() for r in range(window.nav.count())), \
        "every page has its icon from resources/icons"
    assert set(window.pages.built()) == {"dashboard"}, "only the page shown is built"
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert set(window.pages.built()) == {"dashboard", "qa"}
    assert window.current_page() is window.pages["qa"]
    assert window.ctx.tasks.wait(5000)
