"""The Data page lists the backups kept beside the database, newest first with why each
was made, and restores the one chosen from the list by keyboard, after asking."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QItemSelectionModel, QSettings, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from placement_desk.app import build_main_window
from placement_desk.lifecycle import Database
from placement_desk.models import Provider
from placement_desk.services.common.backups import BEFORE_IMPORT, back_up
from tests.ui.modal import when_modal

pytestmark = pytest.mark.sqlite_only(reason="backups are copies of a database file")


def test_the_backups_are_listed_and_the_one_chosen_is_restored(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    with db.write() as s:
        s.add(Provider(name="Acorn Care"))
    first = back_up(db)
    with db.write() as s:
        s.add(Provider(name="Beacon Homes"))
    second = back_up(db, BEFORE_IMPORT)
    with db.write() as s:
        s.add(Provider(name="Compass Care"))
    win = build_main_window(db, QSettings(str(tmp_path / "ui.ini"),
                                          QSettings.Format.IniFormat),
                            today=dt.date(2026, 3, 31))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    win.show_page("data")
    page = win.pages["data"]
    model = page.backups_model  # type: ignore[attr-defined]
    assert [model.row_for(r).path for r in range(model.rowCount())] == [second, first]
    assert model.index(0, 1).data() == "Before an import"
    assert model.index(1, 1).data() == "Backed up by hand"
    assert "(2)" in page.backups_label.text()  # type: ignore[attr-defined]
    button = page.restore_chosen_button  # type: ignore[attr-defined]
    assert not button.isEnabled(), "nothing chosen yet"
    table = page.backups_table  # type: ignore[attr-defined]
    table.setFocus()
    table.selectionModel().setCurrentIndex(
        model.index(1, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)
    assert button.isEnabled() and page.chosen_backup().path == first  # type: ignore[attr-defined]

    def yes(box: QMessageBox) -> None:  # type: ignore[override]
        assert first.name in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    when_modal(QMessageBox, yes)  # type: ignore[arg-type]
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Restored" in page.result.text())  # type: ignore[attr-defined]
    with db.read() as s:
        assert set(s.scalars(sa.select(Provider.name))) == {"Acorn Care"}
    win.ctx.tasks.wait(5000)
