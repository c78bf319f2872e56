"""A hostile workbook offered in the window: the app stays up and says why, unchanged."""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from placement_desk.app import build_main_window
from placement_desk.lifecycle import Database
from placement_desk.models import Setting
from tests.io.test_hostile_files import BOMBS


def test_a_workbook_bomb_is_refused_in_the_import_dialog(qtbot: QtBot, db: Database,
                                                         tmp_path: Path) -> None:
    bomb = BOMBS["one cell at XFD1048576"](tmp_path / "providers.xlsx")
    win = build_main_window(db, QSettings(str(tmp_path / "ui.ini"),
                                          QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    win.show_page("providers")
    dialog = win.pages["providers"].open_import()  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    dialog.add_files([str(bomb)])
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "database is unchanged" in dialog.step.text(), timeout=10_000)
    text = dialog.outcome.text()
    assert "providers.xlsx" in text and "stray cell" in text and "Sorry" not in text
    shots = os.environ.get("PLACEMENT_DESK_SHOTS")
    if shots:
        dialog.grab().save(str(Path(shots) / "hostile-import-dialog.png"))
    with db.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Setting)) == 0
