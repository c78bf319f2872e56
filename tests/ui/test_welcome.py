"""The first-run welcome: shown on a new, empty database only; the council, a postcode
lookup in the background, the start chosen; the demo said on every page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from placement_desk.app import build_main_window
from placement_desk.lifecycle import Database
from placement_desk.models import PostcodeLookup, Provider
from placement_desk.services.common.first_run import finish_welcome, needs_welcome
from placement_desk.services.common.settings_form import load_settings
from placement_desk.services.common.settings_store import SET_UP_ON, read_setting
from placement_desk.services.demo.generator import generate_demo
from placement_desk.ui import welcome
from placement_desk.ui.tasks import TaskRunner
from placement_desk.ui.welcome import PostcodeStep, Start, WelcomeDialog

TODAY = dt.date(2026, 3, 16)
ONSPD = """pcd,pcd2,pcds,dointr,doterm,oslaua,oseast1m,osnrth1m,osgrdind,lat,long
SM1 1AA,SM1  1AA,SM1 1AA,198001,,E09000029,525950,164300,1,51.3617,-0.1934
BR1 1AA,BR1  1AA,BR1 1AA,198001,,E09000006,540213,169075,1,51.4048,0.0168
"""


def test_only_a_new_empty_database_needs_the_welcome(db: Database, tmp_path: Path) -> None:
    assert needs_welcome(db)
    with db.write() as s:
        s.add(Provider(name="Acorn Care"))
    assert not needs_welcome(db), "a database with records is in use already"
    with db.write() as s:
        s.query(Provider).delete()
    finish_welcome(db, TODAY)
    assert not needs_welcome(db), "finished once, not shown again"
    assert read_setting(db, SET_UP_ON) == "2026-03-16"


def test_a_demo_database_never_needs_the_welcome(db: Database) -> None:
    generate_demo(db.engine, size="small", seed=1, as_of=TODAY)
    assert not needs_welcome(db)


def _dialog(qtbot: QtBot, db: Database) -> WelcomeDialog:
    runner = TaskRunner()
    dialog = WelcomeDialog(db, TODAY, runner)
    dialog.runner = runner  # type: ignore[attr-defined]  # kept alive with the dialog
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_council_then_the_postcodes_then_the_demo(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, db)
    council = dialog.steps[0]
    assert dialog.counter.text() == "Step 1 of 4", "council, postcodes, administrator, start"
    assert not dialog.skip.isVisible(), "the council is not optional"
    council.name.setText("London Borough of Sutton")  # type: ignore[attr-defined]
    council.area.setText("E0900002")  # type: ignore[attr-defined]
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentIndex() == 0, "a wrong code keeps the step"
    assert "E0900002 is not the ONS code of an English council" in \
        council.error.text()  # type: ignore[attr-defined]
    council.area.setText("e09 000029")  # type: ignore[attr-defined]
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentIndex() == 1
    saved = load_settings(db)
    assert (saved["council.name"], saved["council.local_authority_code"]) == (
        "London Borough of Sutton", "E09000029")

    postcodes = dialog.steps[1]
    assert isinstance(postcodes, PostcodeStep) and dialog.skip.isVisible()
    lookup = tmp_path / "ONSPD_sample.csv"
    lookup.write_text(ONSPD, encoding="utf-8")
    postcodes.run(lookup)
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    if postcodes.task is not None:
        assert dialog.stack.currentIndex() == 1, "Next waits for the import"
        assert dialog.error.text() == "The postcode import is still running."
    qtbot.waitUntil(lambda: postcodes.task is None, timeout=10000)
    assert postcodes.result.text() == "2 postcodes are in the lookup."
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(PostcodeLookup)) == 2
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)

    assert dialog.skip.isVisible(), "one person on their own computer may skip accounts"
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentIndex() == 2, "Next with no user name keeps the step"
    qtbot.mouseClick(dialog.skip, Qt.MouseButton.LeftButton)

    assert dialog.next.text() == "&Start"
    assert dialog.start_step.choice() is Start.OFSTED, "the register first, by default"
    dialog.start_step.buttons[Start.DEMO].setChecked(True)
    qtbot.mouseClick(dialog.next, Qt.MouseButton.LeftButton)
    assert dialog.start is Start.DEMO
    assert not needs_welcome(db)
    assert dialog.runner.wait(5000)  # type: ignore[attr-defined]


def test_escape_leaves_the_welcome_for_next_time(qtbot: QtBot, db: Database) -> None:
    dialog = _dialog(qtbot, db)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.start is None
    assert needs_welcome(db)


def test_the_administrator_step_appears_once_sign_in_provides_it(
        qtbot: QtBot, db: Database, monkeypatch: object) -> None:
    import sys
    import types

    import pytest

    class FirstAdministratorStep(welcome.WelcomeStep):
        title = "The first administrator"

        def __init__(self, _db: Database) -> None:
            super().__init__()

    module = types.ModuleType("placement_desk.ui.users.first_admin")
    module.FirstAdministratorStep = FirstAdministratorStep  # type: ignore[attr-defined]
    patch = pytest.MonkeyPatch()
    patch.setitem(sys.modules, "placement_desk.ui.users.first_admin", module)
    try:
        dialog = _dialog(qtbot, db)
        assert [type(s).__name__ for s in dialog.steps] == [
            "CouncilStep", "PostcodeStep", "FirstAdministratorStep", "StartStep"]
    finally:
        patch.undo()


def test_a_demo_database_is_labelled_in_the_window(qtbot: QtBot, db: Database,
                                                   tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    plain = build_main_window(db, settings, today=TODAY)
    qtbot.addWidget(plain)
    assert not plain.demo_banner.isVisibleTo(plain)
    generate_demo(db.engine, size="small", seed=1, as_of=TODAY)
    win = build_main_window(db, settings, today=TODAY)
    win.persist_state = False
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.demo_banner.isVisible()
    assert "made up" in win.demo_banner.text()
    assert win.windowTitle().endswith("(demo)")
    for key in ("providers", "qa"):
        win.show_page(key)
        assert win.demo_banner.isVisible(), "above every page"
    assert win.ctx.tasks.wait(10000)
