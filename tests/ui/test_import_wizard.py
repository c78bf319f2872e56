"""The import wizard, driven as a user would: the file, the sheet, the mapping, a preview
with an error, the mapping fixed, the import, and undoing it; and exports from the window."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from placement_desk.app import build_main_window
from placement_desk.ui.main_window import MainWindow
from placement_desk.ui.spreadsheets.import_wizard import ImportWizard

TODAY = dt.date(2026, 3, 31)
SHOTS = Path("/tmp/placement-desk-shots")


def _window(qtbot: QtBot, db: Any, tmp_path: Path) -> MainWindow:
    win: MainWindow = build_main_window(
        db, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), today=TODAY)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    return win


def _workbook(path: Path) -> Path:
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Read me"
    notes["A1"] = "This workbook is the team's placements tracker."
    sheet = book.create_sheet("Tracker")
    sheet["A1"] = "Placements 2025-26"
    sheet.append(["Child ref", "Began", "PLACE", "Notes"])
    sheet.append(["C1", "01/04/2025", "U4", "First placement"])
    sheet.append(["C2", dt.datetime(2025, 5, 1), "Foster", None])
    book.save(path)
    return path


def _episodes(db: Any) -> list[tuple[Any, ...]]:
    with db.engine.connect() as con:  # the dates as text and the flag as 0/1 on either
        return [tuple(row) for row in con.execute(sa.text(
            "SELECT c.case_ref, CAST(e.start_date AS VARCHAR(10)), e.placement_type, "
            "CASE WHEN e.deleted_at IS NULL THEN 0 ELSE 1 END "
            "FROM placement_episode e JOIN child c ON c.id = e.child_id ORDER BY c.case_ref"))]


def _shot(widget: Any, name: str) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / name))


def test_the_wizard_from_file_to_undo(qtbot: QtBot, db: Any, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "tracker.xlsx")
    win = _window(qtbot, db, tmp_path)
    win.show_page("data")
    wizard = win.pages["data"].open_import()  # type: ignore[attr-defined]
    assert isinstance(wizard, ImportWizard)
    qtbot.addWidget(wizard)
    wizard.kind_combo.setCurrentIndex(wizard.kind_combo.findData("placements"))
    wizard.set_file(str(path))
    qtbot.waitUntil(lambda: wizard.sheet_combo.count() == 2, timeout=10_000)
    _shot(wizard, "1-file.png")
    wizard.next_button.click()  # the sheet
    assert wizard.stack.currentIndex() == 1
    wizard.sheet_combo.setCurrentIndex(wizard.sheet_combo.findData("Tracker"))
    assert wizard.prepared is not None and wizard.prepared.header.row_number == 2
    _shot(wizard, "2-sheet.png")
    wizard.next_button.click()  # the mapping
    assert [wizard.field_combos[i].currentData() for i in range(4)] == [
        "case_ref", "", "placement_type", "notes"], "Began is not a heading it knows"
    assert not wizard.next_button.isEnabled() and "Start date" in wizard.message.text()
    wizard.set_column(1, "start_date")
    assert wizard.next_button.isEnabled()
    _shot(wizard, "3-mapping.png")
    wizard.next_button.click()  # the preview
    qtbot.waitUntil(lambda: wizard.checked is not None, timeout=10_000)
    assert wizard.checked is not None and wizard.checked.errors == 1
    assert wizard.problems.item(0, 2).text() == "4"
    assert wizard.problems.item(0, 3).text() == "C (PLACE)"
    assert not wizard.next_button.isEnabled(), "no import while there are errors"
    copy = tmp_path / "tracker-problems.xlsx"
    wizard.save_copy(str(copy))
    sheet = load_workbook(copy).active
    assert sheet is not None and sheet["A5"].value == "C2"
    assert sheet["E5"].value.startswith("PLACE: The placement type")
    _shot(wizard, "4-preview-error.png")
    wizard.back_button.click()  # fix the mapping: Foster means U6
    wizard.set_value("placement_type", "Foster", "U6")
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.checked is not None, timeout=10_000)
    assert wizard.checked is not None and wizard.checked.errors == 0
    assert _episodes(db) == [], "a preview writes nothing"
    assert wizard.next_button.text() == "Import" and wizard.next_button.isEnabled()
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.committed is not None, timeout=10_000)
    assert wizard.stack.currentIndex() == 4
    assert _episodes(db) == [("C1", "2025-04-01", "U4", 0), ("C2", "2025-05-01", "U6", 0)]
    _shot(wizard, "5-done.png")
    wizard.undo_now()
    assert _episodes(db) == [("C1", "2025-04-01", "U4", 1), ("C2", "2025-05-01", "U6", 1)]
    assert "undone" in wizard.message.text()
    wizard.again_button.click()
    assert wizard.stack.currentIndex() == 0 and not wizard.next_button.isEnabled()
    wizard.close()


def test_file_menu_exports_any_kind_with_its_title_and_marking(qtbot: QtBot, db: Any,
                                                              tmp_path: Path) -> None:
    win = _window(qtbot, db, tmp_path)
    dialog = win.open_export()
    qtbot.addWidget(dialog)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("audit"))  # type: ignore[attr-defined]
    assert not dialog.what.model().item(1).isEnabled(), "no template for the audit trail"  # type: ignore[attr-defined]
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("children"))  # type: ignore[attr-defined]
    dialog.what.setCurrentIndex(1)  # type: ignore[attr-defined]
    out = tmp_path / "children template.xlsx"
    dialog.export_to(str(out))  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "template" in dialog.message.text(), timeout=10_000)  # type: ignore[attr-defined]
    sheet = load_workbook(out)["Children"]
    assert [sheet["A1"].value, sheet["A2"].value] == ["OFFICIAL-SENSITIVE",
                                                      "Children – template for import"]
    _shot(dialog, "export-dialog.png")


def test_the_data_page_at_laptop_size(qtbot: QtBot, db: Any, tmp_path: Path) -> None:
    win = _window(qtbot, db, tmp_path)
    win.show_page("data")
    page = win.pages["data"]
    qtbot.waitUntil(lambda: page.last_import.text() == "None yet")  # type: ignore[attr-defined]
    assert not page.undo_button.isEnabled()  # type: ignore[attr-defined]
    _shot(win, "data-page.png")
