"""Help: F1 opens the user guide at the page in view; the guide covers every page and its
pictures are there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from placement_desk.app import build_main_window
from placement_desk.lifecycle import Database
from placement_desk.ui.help import HelpWindow
from placement_desk.ui.main_window import MainWindow
from placement_desk.ui.pages import load_pages

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "user-guide.md"


def test_the_guide_has_a_section_for_every_page_and_all_its_pictures() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    sections = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    for spec in load_pages():
        assert any(s == spec.title or s.startswith(f"{spec.title}:") for s in sections), \
            spec.title
    pictures = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text)
    assert len(pictures) >= 10
    for picture in pictures:
        assert (GUIDE.parent / picture).is_file(), picture
    for job in ("### Recording a visit", "### Raising an IPA", "### Varying an IPA",
                "### Importing the Ofsted file", "### Importing the team's spreadsheets",
                "### Printing review packs", "kpi-definitions.md"):
        assert job in text, job


@pytest.mark.qt_log_ignore("This plugin does not support")  # raise() offscreen
def test_f1_opens_the_guide_at_the_page_in_view(qtbot: QtBot, db: Database,
                                               tmp_path: Path) -> None:
    win: MainWindow = build_main_window(
        db, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    win.persist_state = False
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.show_page("qa")
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    qtbot.keyClick(win.windowHandle(), Qt.Key.Key_F1)
    window = win.help_window
    assert isinstance(window, HelpWindow) and window.isVisible()
    qtbot.waitUntil(lambda: window.current_section().startswith("QA"))
    assert window.contents.currentItem().text() == window.current_section()
    assert "Recording a visit" in window.browser.toPlainText()
    win.show_page("contracts")
    win.show_page_help()
    qtbot.waitUntil(lambda: window.current_section().startswith("Contracts"))
    win.show_help(None)
    assert window.browser.verticalScrollBar().value() == 0, "Help › User guide: the start"
    texts = [a.text() for a in win.menuBar().actions()[-1].menu().actions()]
    assert texts[:2] == ["&Help for this page", "&User guide"]
    assert win.page_help_action.shortcut().toString() == "F1"
    assert win.ctx.tasks.wait(10000)
