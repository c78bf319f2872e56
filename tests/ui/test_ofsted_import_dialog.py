"""Importing Ofsted files through the window: progress, summary, refusal, refresh."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from placement_desk.app import build_main_window
from placement_desk.lifecycle import Database
from placement_desk.models import Setting
from placement_desk.ui.main_window import MainWindow
from tests.reference import OFSTED, need

HEADER = ("URN,Provision type,Registration status,Name,Postcode,Sector,"
          "Latest full inspection event type,Latest full inspection date,"
          "Overall experiences and progress of children and young people\n")


def _window(qtbot: QtBot, db: Database, tmp_path: Path) -> MainWindow:
    win: MainWindow = build_main_window(
        db, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    win.show_page("providers")
    return win


def test_importing_a_file_shows_the_summary_and_refreshes_the_register(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    path = tmp_path / "ofsted.csv"
    path.write_text(HEADER + "SC900001,Children's home,Active,Oak House,SM1 1AA,Private,"
                    "Full inspection,10/01/2024,Good\n", encoding="utf-8")
    win = _window(qtbot, db, tmp_path)
    page = win.pages["providers"]
    dialog = page.open_import()  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    assert not dialog.import_button.isEnabled(), "nothing to import yet"
    dialog.add_files([str(path)])
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "Import finished" in dialog.step.text(), timeout=10_000)
    assert "New settings: 1" in dialog.outcome.text()
    assert "Inspections added: 1" in dialog.outcome.text()
    qtbot.waitUntil(lambda: page.view.count.text() == "1 of 1 settings",  # type: ignore[attr-defined]
                    timeout=5000)
    assert dialog.cancel_button.text() == "Close"


def test_a_file_that_is_not_from_ofsted_changes_nothing(qtbot: QtBot, db: Database,
                                                       tmp_path: Path) -> None:
    bad = tmp_path / "budget.csv"
    bad.write_text("Cost centre,Amount\nA1,100\n", encoding="utf-8")
    win = _window(qtbot, db, tmp_path)
    dialog = win.pages["providers"].open_import()  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    dialog.add_files([str(bad)])
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "database is unchanged" in dialog.step.text(), timeout=10_000)
    assert "no URN column" in dialog.outcome.text()
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Setting)) == 0


def test_cancelling_a_real_import_leaves_the_database_unchanged(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    path = need(OFSTED / "provider_level_at_31_march_2025.csv")
    win = _window(qtbot, db, tmp_path)
    dialog = win.pages["providers"].open_import()  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    dialog.add_files([str(path)])
    dialog.import_button.click()
    dialog.cancel_or_close()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=20_000)
    assert "cancelled" in dialog.step.text()
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Setting)) == 0
