"""Placement Desk's own icon: on every window, and as the Windows executables' .ico."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

ROOT = Path(__file__).resolve().parents[1]
BLUE = QColor("#1d70b8")


def _make_icon_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_icon",
                                                  ROOT / "installer" / "make_icon.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_windows_icon_holds_every_size_drawn_from_the_drawing(tmp_path: Path) -> None:
    out = _make_icon_module().write_ico(tmp_path / "icons" / "placement-desk.ico")
    with Image.open(out) as ico:
        assert ico.format == "ICO"
        assert sorted(ico.info["sizes"]) == [(s, s) for s in (16, 20, 24, 32, 40, 48, 64, 256)]
        ico.size = (16, 16)
        small = ico.convert("RGBA")
    assert small.size == (16, 16)
    # The blue square's edge, and the white house in the middle, even at 16 pixels.
    red, green, blue, alpha = small.getpixel((2, 8))
    assert alpha == 255 and (red, green, blue) == (BLUE.red(), BLUE.green(), BLUE.blue())
    assert small.getpixel((8, 4))[:3] == (255, 255, 255)
    assert small.getpixel((0, 0))[3] < 128, "the rounded corner is see-through"


def test_every_window_carries_the_icon(qtbot: QtBot) -> None:
    from placement_desk.app import _qt_application

    app = _qt_application()  # type: ignore[no-untyped-call]
    assert isinstance(app, QApplication)
    icon = app.windowIcon()
    assert not icon.isNull()
    assert QSize(16, 16) in icon.availableSizes() and QSize(256, 256) in icon.availableSizes()
    pixel = icon.pixmap(QSize(32, 32)).toImage().pixelColor(4, 16)
    assert pixel.name() == BLUE.name()
