"""The few semantic colours (RAG and judgements), with high-contrast variants.

Widgets never hard-code colours: they ask here. Colour never carries meaning
alone; the text beside it does.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication

_NORMAL = {"red": "#d4351c", "amber": "#f47738", "green": "#00703c", "grey": "#505a5f",
           "blue": "#1d70b8"}
_HIGH_CONTRAST = {"red": "#a00000", "amber": "#8a4b00", "green": "#005a2b", "grey": "#000000",
                  "blue": "#003078"}
_JUDGEMENT_RAG = {"good_or_better": "green", "below": "amber", "inadequate": "red"}


def high_contrast() -> bool:
    """True when the system asks for high contrast (Qt 6.10+ accessibility hints)."""
    try:
        from PySide6.QtCore import Qt

        style_hints = QGuiApplication.styleHints()
        preference = style_hints.accessibility().contrastPreference()
        return bool(preference == Qt.ContrastPreference.HighContrast)
    except (AttributeError, RuntimeError):  # pragma: no cover - Qt without the hint
        return False


def colour(name: str) -> QColor:
    table = _HIGH_CONTRAST if high_contrast() else _NORMAL
    return QColor(table.get(name, table["grey"]))


def judgement_colour(group: str | None) -> QColor:
    return colour(_JUDGEMENT_RAG.get(group or "", "grey"))
