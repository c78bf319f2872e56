"""The colours of charts: the Okabe-Ito palette, told apart with every common colour-vision
deficiency, with darker variants when the system asks for high contrast.

Charts take their series' colours here, in order, and the semantic ones for the council,
England and the region; text and axes follow the widget's palette. Colour is never the
only way to tell series apart: bars carry their values and charts a legend in words.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from .colours import high_contrast

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442",
             "#000000")
"""Blue, orange, bluish green, vermilion, sky blue, reddish purple, yellow, black."""
_DARKER = ("#004C7A", "#9C6B00", "#006B4E", "#8F3F00", "#2478A8", "#8E4A74", "#8A8400",
           "#000000")
_ROLES = {"council": 0, "england": 1, "region": 2, "forecast": 3, "range": 4}


def series_colour(n: int) -> QColor:
    """The ``n``-th series' colour (after the eighth, they repeat)."""
    table = _DARKER if high_contrast() else OKABE_ITO
    return QColor(table[n % len(table)])


def role_colour(role: str) -> QColor:
    """"council", "england", "region", "forecast" or "range"."""
    return series_colour(_ROLES.get(role, 0))


def translucent(colour: QColor, alpha: int = 70) -> QColor:
    """The colour for a shaded area (a forecast's range)."""
    found = QColor(colour)
    found.setAlpha(alpha)
    return found
