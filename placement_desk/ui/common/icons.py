"""Icons: the SVG files in ``resources/icons``, drawn in the palette's text colour.

``icon("bed")`` reads ``resources/icons/bed.svg`` (Tabler Icons, outline, drawn with
``currentColor``), puts in the palette's text colour, and the highlighted text
colour for a chosen item, and renders it at the usual sizes. Icons are made once
and kept. A missing file gives a blank icon and a log line, never a failure.
"""

from __future__ import annotations

import logging
from functools import cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from ...resource_files import resource_path

log = logging.getLogger(__name__)
SIZES = (16, 20, 24, 32, 48)


def _pixmap(svg: str, colour: str, size: int, ratio: float) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(svg.replace("currentColor", colour).encode("utf-8")))
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return pixmap


def _svg(name: str) -> str | None:
    try:
        return resource_path("icons", f"{name}.svg").read_text(encoding="utf-8")
    except OSError:
        log.warning("icon %s is missing from resources/icons", name)
        return None


def _ratio() -> float:
    screen = QGuiApplication.primaryScreen()
    return screen.devicePixelRatio() if screen else 1.0


def icon_at(name: str, size: int) -> QIcon:
    """The icon drawn once, at one size, in the text colour (chosen or not): what the
    window's navigation shows, drawn before the first paint without the other nine."""
    svg = _svg(name)
    if svg is None:
        return QIcon()
    colour = QGuiApplication.palette().color(QPalette.ColorGroup.Active,
                                             QPalette.ColorRole.WindowText).name()
    return QIcon(_pixmap(svg, colour, size, _ratio()))


@cache
def icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg``, or a blank one if it is missing."""
    svg = _svg(name)
    if svg is None:
        return QIcon()
    palette = QGuiApplication.palette()
    ratio = _ratio()
    made = QIcon()
    for mode, role in ((QIcon.Mode.Normal, QPalette.ColorRole.WindowText),
                       (QIcon.Mode.Selected, QPalette.ColorRole.HighlightedText)):
        colour = palette.color(QPalette.ColorGroup.Active, role).name()
        for size in SIZES:
            made.addPixmap(_pixmap(svg, colour, size, ratio), mode)
    return made


APP_ICON_SIZES = (16, 24, 32, 48, 256)


@cache
def app_icon() -> QIcon:
    """Placement Desk's own icon (``resources/app/placement-desk.svg``): every window's
    title bar and the taskbar. The Windows executable and installer carry the same
    drawing as an .ico (``installer/make_icon.py``)."""
    try:
        svg = resource_path("app", "placement-desk.svg").read_text(encoding="utf-8")
    except OSError:
        log.warning("the application icon is missing from resources/app")
        return QIcon()
    made = QIcon()
    for size in APP_ICON_SIZES:
        made.addPixmap(_pixmap(svg, "", size, _ratio()))
    return made

