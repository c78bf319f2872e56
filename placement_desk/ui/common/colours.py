"""The few semantic colours (RAG and judgements), with high-contrast variants.

Widgets never hard-code colours: they ask here. Colour never carries meaning
alone; the text beside it does.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

_NORMAL = {"red": "#d4351c", "amber": "#b35000", "green": "#00703c", "grey": "#505a5f",
           "blue": "#1d70b8"}
"""GOV.UK's status colours, with its orange darkened to #b35000: #f47738 is a fill colour
and reads at only 2.8:1 as text on white, where WCAG AA asks for 4.5:1 (this is 5.2:1)."""
_HIGH_CONTRAST = {"red": "#a00000", "amber": "#8a4b00", "green": "#005a2b", "grey": "#000000",
                  "blue": "#003078"}
"""High contrast on a light background (such as Windows' "Desert" contrast theme)."""
_HIGH_CONTRAST_ON_DARK = {"red": "#ff8080", "amber": "#ffc060", "green": "#70e0a0",
                          "grey": "#ffffff", "blue": "#90ccff"}
"""High contrast on a dark background (the look's own, or Windows' "Night sky"): 7:1 or
more on black."""
_JUDGEMENT_RAG = {"good_or_better": "green", "below": "amber", "inadequate": "red"}


_chosen: bool | None = None
"""Set by the look (``ui/common/look.py``): the user's choice or the system's."""


def set_high_contrast(high: bool | None) -> None:
    global _chosen
    _chosen = high


def high_contrast() -> bool:
    """True when the look in force is high contrast: as the look chose it, else as the
    system asks (Qt 6.10+ accessibility hints)."""
    if _chosen is not None:
        return _chosen
    try:
        from PySide6.QtCore import Qt

        style_hints = QGuiApplication.styleHints()
        preference = style_hints.accessibility().contrastPreference()
        return bool(preference == Qt.ContrastPreference.HighContrast)
    except (AttributeError, RuntimeError):  # pragma: no cover - Qt without the hint
        return False


def colour(name: str) -> QColor:
    if not high_contrast():
        table = _NORMAL
    elif QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128:
        table = _HIGH_CONTRAST_ON_DARK
    else:
        table = _HIGH_CONTRAST
    return QColor(table.get(name, table["grey"]))


def judgement_colour(group: str | None) -> QColor:
    return colour(_JUDGEMENT_RAG.get(group or "", "grey"))
