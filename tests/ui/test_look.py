"""The look: GOV.UK colours over Fusion, or high contrast by choice or when the system asks;
focus is visible on every kind of control; the style sheets' pictures are shipped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from placement_desk.ui.common import colours, look

STYLES = Path(__file__).resolve().parents[2] / "resources" / "styles"


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The application, its look put back as it was afterwards."""
    application = qapp
    before = (application.styleSheet(), QPalette(application.palette()), application.font())
    yield application
    application.setStyleSheet(before[0])
    application.setPalette(before[1])
    application.setFont(before[2])
    colours.set_high_contrast(None)
    look._LOOK = None


def _settings(tmp_path: Path, choice: str) -> QSettings:
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    settings.setValue(look.CONTRAST_KEY, choice)
    return settings


def test_standard_is_govuk_on_white_and_high_contrast_is_white_on_black(
        app: QApplication, tmp_path: Path) -> None:
    applied = look.apply_look(app, _settings(tmp_path, "standard"))
    assert not applied.high and not colours.high_contrast()
    palette = app.palette()
    assert palette.color(QPalette.ColorRole.Window).name() == "#ffffff"
    assert palette.color(QPalette.ColorRole.WindowText).name() == "#0b0c0c"
    assert palette.color(QPalette.ColorRole.Highlight).name() == "#1d70b8"
    assert "#ffdd00" in app.styleSheet(), "the GOV.UK focus colour"
    assert app.font().pointSizeF() >= look.BODY_POINTS
    applied.choose(look.Contrast.HIGH)
    assert applied.high and colours.high_contrast()
    assert app.palette().color(QPalette.ColorRole.Window).name() == "#000000"
    assert app.palette().color(QPalette.ColorRole.Highlight).name() == "#ffdd00"
    assert "palette(highlight)" in app.styleSheet()
    assert colours.colour("red").name() == "#ff8080", "light status colours on black"


def test_following_the_system_asks_qt(app: QApplication, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(look, "system_wants_high_contrast", lambda: True)
    assert look.apply_look(app, _settings(tmp_path, "system")).high
    monkeypatch.setattr(look, "system_wants_high_contrast", lambda: False)
    assert not look.apply_look(app, _settings(tmp_path, "system")).high
    assert look.contrast_choice(_settings(tmp_path, "nonsense")) is look.Contrast.SYSTEM


def test_every_picture_a_style_sheet_names_is_shipped() -> None:
    for sheet in STYLES.glob("*.qss"):
        text = sheet.read_text(encoding="utf-8")
        for dark in (False, True):
            names = re.findall(r"url\(@styles/([^)]+)\)",
                               text.replace("@chevron", "chevron-down-light" if dark
                                            else "chevron-down")
                               .replace("@check", "check-light" if dark else "check")
                               .replace("@dot", "dot-light" if dark else "dot"))
            assert names and all((STYLES / n).is_file() for n in names), (sheet.name, names)
        resolved = look.style_sheet(sheet.name.startswith("high"))
        assert "@" not in re.sub(r"/\*.*?\*/", "", resolved, flags=re.DOTALL)


@pytest.mark.parametrize("choice", ["standard", "high"])
def test_focus_is_visible_on_every_kind_of_control(app: QApplication, qtbot: QtBot,
                                                   tmp_path: Path, choice: str) -> None:
    look.apply_look(app, _settings(tmp_path, choice))
    holder = QWidget()
    layout = QVBoxLayout(holder)
    tabs = QTabWidget()
    tabs.addTab(QWidget(), "First")
    tabs.addTab(QWidget(), "Second")
    controls: list[QWidget] = [QPushButton("Save"), QLineEdit("text"), QCheckBox("Tick"),
                               tabs.tabBar()]
    for control in controls[:3]:
        layout.addWidget(control)
    layout.addWidget(tabs)
    qtbot.addWidget(holder)
    holder.show()
    qtbot.waitExposed(holder)
    for control in controls:
        unfocused = control.grab().toImage()
        control.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(control.hasFocus)
        focused = control.grab().toImage()
        assert _changed(unfocused, focused) > 0.05, f"{type(control).__name__} in {choice}"
        control.clearFocus()


def _changed(a: QImage, b: QImage) -> float:
    """The share of pixels that differ between two grabs of one widget."""
    width, height = min(a.width(), b.width()), min(a.height(), b.height())
    differ = sum(1 for x in range(0, width, 2) for y in range(0, height, 2)
                 if a.pixel(x, y) != b.pixel(x, y))
    return differ / max(1, len(range(0, width, 2)) * len(range(0, height, 2)))
