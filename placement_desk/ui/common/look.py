"""The application's look: Fusion, the GOV.UK palette and style sheet, or high contrast.

:func:`apply_look` sets the palette, the body font size and the style sheet from
``resources/styles`` (``standard.qss``, or ``high-contrast.qss``). High contrast is
used when the user chose it (View › Contrast, kept per user in the settings file under
``ui/contrast``) or, by default, when the system asks for it (Windows' contrast themes,
through Qt's accessibility hints); the look follows the system as it changes. The few
semantic colours in :mod:`.colours` and the icons follow the same choice.
"""

from __future__ import annotations

import contextlib
import logging
from enum import StrEnum

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from ...resource_files import resource_path
from . import colours
from .icons import icon

log = logging.getLogger(__name__)

CONTRAST_KEY = "ui/contrast"
BODY_POINTS = 10
"""Body text size: Windows' default of 9 points is small for a day's reading."""


class Contrast(StrEnum):
    SYSTEM = "system"
    STANDARD = "standard"
    HIGH = "high"

    @property
    def label(self) -> str:
        return {"system": "Follow the system", "standard": "Standard",
                "high": "High contrast"}[self.value]


def contrast_choice(settings: QSettings) -> Contrast:
    try:
        return Contrast(str(settings.value(CONTRAST_KEY, Contrast.SYSTEM.value)))
    except ValueError:
        return Contrast.SYSTEM


def system_wants_high_contrast() -> bool:
    try:
        hints = QGuiApplication.styleHints().accessibility()
        return bool(hints.contrastPreference() == Qt.ContrastPreference.HighContrast)
    except (AttributeError, RuntimeError):  # pragma: no cover - Qt without the hint
        return False


def wants_high_contrast(choice: Contrast) -> bool:
    if choice is Contrast.SYSTEM:
        return system_wants_high_contrast()
    return choice is Contrast.HIGH


def _palette(roles: dict[QPalette.ColorRole, str], disabled: str) -> QPalette:
    palette = QPalette()
    for role, value in roles.items():
        palette.setColor(role, QColor(value))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return palette


R = QPalette.ColorRole

STANDARD_PALETTE = {
    R.Window: "#ffffff", R.WindowText: "#0b0c0c", R.Base: "#ffffff",
    R.AlternateBase: "#f8f8f8", R.Text: "#0b0c0c", R.Button: "#f3f2f1",
    R.ButtonText: "#0b0c0c", R.Highlight: "#1d70b8", R.HighlightedText: "#ffffff",
    R.ToolTipBase: "#0b0c0c", R.ToolTipText: "#ffffff", R.Link: "#1d70b8",
    R.LinkVisited: "#4c2c92", R.PlaceholderText: "#505a5f", R.BrightText: "#ffffff",
    R.Light: "#ffffff", R.Midlight: "#f3f2f1", R.Mid: "#b1b4b6", R.Dark: "#505a5f",
    R.Shadow: "#0b0c0c",
}
"""GOV.UK's colours: text #0b0c0c on white, secondary #505a5f, borders #b1b4b6,
the accent #1d70b8."""

HIGH_CONTRAST_PALETTE = {
    R.Window: "#000000", R.WindowText: "#ffffff", R.Base: "#000000",
    R.AlternateBase: "#000000", R.Text: "#ffffff", R.Button: "#000000",
    R.ButtonText: "#ffffff", R.Highlight: "#ffdd00", R.HighlightedText: "#000000",
    R.ToolTipBase: "#000000", R.ToolTipText: "#ffffff", R.Link: "#ffdd00",
    R.LinkVisited: "#ffdd00", R.PlaceholderText: "#c0c0c0", R.BrightText: "#ffffff",
    R.Light: "#ffffff", R.Midlight: "#ffffff", R.Mid: "#ffffff", R.Dark: "#ffffff",
    R.Shadow: "#ffffff",
}
"""High contrast chosen by hand: white on black, the chosen and focused in yellow (as
Windows' own contrast themes do); when the system asks, its own colours are used."""


def style_sheet(high: bool, dark: bool = False) -> str:
    """The style sheet's text, with ``@styles`` made the folder's path (Qt reads a
    sheet's ``url()`` from the working folder) and, in high contrast, ``@chevron`` the
    arrow drawn in the palette's text colour (light on a ``dark`` background)."""
    name = "high-contrast.qss" if high else "standard.qss"
    try:
        text = resource_path("styles", name).read_text(encoding="utf-8")
    except OSError:
        log.warning("style sheet %s is missing from resources/styles", name)
        return ""
    folder = resource_path("styles").as_posix()
    light = "-light" if dark else ""
    return (text.replace("@chevron", f"chevron-down{light}").replace("@check", f"check{light}")
            .replace("@dot", f"dot{light}").replace("@styles", folder))


class Look(QObject):
    """The look in force; ``changed`` tells the window to redraw what it drew itself
    (icons)."""

    changed = Signal(bool)

    def __init__(self, app: QApplication, settings: QSettings) -> None:
        super().__init__(app)
        self.app = app
        self.settings = settings
        self.system_palette = QPalette(app.palette())
        self.high = False
        with contextlib.suppress(AttributeError):  # Qt without the hint
            QGuiApplication.styleHints().accessibility().contrastPreferenceChanged.connect(
                self._system_changed)

    @property
    def choice(self) -> Contrast:
        return contrast_choice(self.settings)

    def choose(self, choice: Contrast) -> None:
        self.settings.setValue(CONTRAST_KEY, choice.value)
        self.apply()

    def _system_changed(self, *_args: object) -> None:
        if self.choice is Contrast.SYSTEM:
            self.apply()

    def apply(self) -> bool:
        """Set the palette, font and style sheet for the current choice; True when high
        contrast."""
        high = wants_high_contrast(self.choice)
        if high and self.choice is Contrast.SYSTEM:
            palette = self.system_palette  # the system's own contrast theme
        else:
            palette = _palette(HIGH_CONTRAST_PALETTE if high else STANDARD_PALETTE,
                               "#c0c0c0" if high else "#6f777b")
        font = QFont(self.app.font())
        if font.pointSizeF() < BODY_POINTS:
            font.setPointSizeF(BODY_POINTS)
            self.app.setFont(font)
        self.app.setPalette(palette)
        colours.set_high_contrast(high)
        icon.cache_clear()
        dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
        self.app.setStyleSheet(style_sheet(high, dark))
        self.high = high
        self.changed.emit(high)
        return high


_LOOK: Look | None = None


def apply_look(app: QApplication, settings: QSettings) -> Look:
    """Give ``app`` the house look (once; later calls re-apply it) and return it."""
    global _LOOK
    if _LOOK is None or _LOOK.app is not app:
        _LOOK = Look(app, settings)
    else:
        _LOOK.settings = settings
    _LOOK.apply()
    return _LOOK


def current_look() -> Look | None:
    """The look applied by :func:`apply_look`, if any (tests build windows without one)."""
    return _LOOK
