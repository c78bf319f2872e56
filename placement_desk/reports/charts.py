"""Charts for print, drawn as vectors with reportlab's graphics shapes.

Each function returns a :class:`~reportlab.graphics.shapes.Drawing`, a flowable that
sits in a story like a table. Every string is set in the house font (so the PDF
embeds it), every value is written beside its bar or point, and the colours are a
colour-blind-safe pair (GOV.UK blue and orange) that never carry meaning alone: a
legend names each series in words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from .fonts import FONT, FONT_BOLD, register

__all__ = ["BLUE", "ORANGE", "grouped_bars", "judgement_timeline", "trend_with_forecast"]

register()
INK = colors.HexColor("#0b0c0c")
MUTED = colors.HexColor("#505a5f")
GRID = colors.HexColor("#dddddd")
AXIS = colors.HexColor("#b1b4b6")
BLUE = colors.HexColor("#1d70b8")
ORANGE = colors.HexColor("#f47738")
BAND = colors.HexColor("#f9d8c6")
SIZE = 7.5
LEVELS = {1: "Inadequate", 2: "Requires improvement", 3: "Good", 4: "Outstanding"}


def _drawing(width: float, height: float) -> Drawing:
    """A drawing whose starting font is the house font: reportlab's own default is an
    unembedded Helvetica, which would otherwise be named in the PDF."""
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT
    drawing.initialFontSize = SIZE
    drawing.hAlign = "LEFT"
    return drawing


def _text(x: float, y: float, text: str, *, size: float = SIZE, anchor: str = "start",
          bold: bool = False, colour: colors.Color = INK) -> String:
    return String(x, y, text, fontName=FONT_BOLD if bold else FONT, fontSize=size,
                  fillColor=colour, textAnchor=anchor)


def _fit(text: str, width: float, size: float = SIZE) -> str:
    if stringWidth(text, FONT, size) <= width:
        return text
    while text and stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _legend(drawing: Drawing, x: float, y: float,
            items: Sequence[tuple[str, colors.Color]]) -> None:
    for name, colour in items:
        drawing.add(Rect(x, y - 1, 7, 7, fillColor=colour, strokeColor=None))
        drawing.add(_text(x + 10, y, name))
        x += 10 + stringWidth(name, FONT, SIZE) + 14


def judgement_timeline(points: Sequence[tuple[dt.date, int, str]], *,
                       width: float = 170 * mm, height: float = 42 * mm) -> Drawing:
    """Full-inspection judgements over time: a line through each judgement (4 Outstanding
    … 1 Inadequate), with the judgement levels named on the left and the years along the
    bottom."""
    drawing = _drawing(width, height)
    left, bottom, right, top = 92.0, 14.0, width - 10, height - 8
    judged = sorted((d, r) for d, r, _label in points if r > 0)
    for level, name in LEVELS.items():
        y = bottom + (level - 0.5) * (top - bottom) / 4
        drawing.add(Line(left, y, right, y, strokeColor=GRID, strokeWidth=0.5))
        drawing.add(_text(left - 6, y - 2.5, name, anchor="end", colour=MUTED))
    drawing.add(Line(left, bottom, right, bottom, strokeColor=AXIS, strokeWidth=0.6))
    if not judged:
        drawing.add(_text((left + right) / 2, (bottom + top) / 2, "No judged full inspection "
                          "to chart", anchor="middle", colour=MUTED))
        return drawing
    first, last = judged[0][0], judged[-1][0]
    start = dt.date(first.year, 1, 1)
    end = dt.date(last.year + 1, 1, 1)
    span = (end - start).days

    def x_of(day: dt.date) -> float:
        return left + 6 + (right - left - 12) * (day - start).days / span

    step = max(1, (end.year - start.year + 7) // 8)
    for year in range(start.year, end.year + 1, step):
        x = x_of(dt.date(year, 1, 1))
        drawing.add(Line(x, bottom, x, bottom - 3, strokeColor=AXIS, strokeWidth=0.6))
        drawing.add(_text(x, bottom - 10, str(year), anchor="middle", colour=MUTED))
    coords = [(x_of(d), bottom + (r - 0.5) * (top - bottom) / 4) for d, r in judged]
    if len(coords) > 1:
        drawing.add(PolyLine([v for xy in coords for v in xy], strokeColor=BLUE,
                             strokeWidth=1.4))
    for x, y in coords:
        drawing.add(Circle(x, y, 2.6, fillColor=BLUE, strokeColor=colors.white,
                           strokeWidth=0.6))
    return drawing


def grouped_bars(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float | None],
                                                                   colors.Color]],
                 label: Callable[[float], str], *, width: float = 170 * mm,
                 label_width: float = 60 * mm) -> Drawing:
    """Horizontal bars, one group per category and one bar per series, each bar with its
    value written at its end (a missing value says "none")."""
    bar, gap, group_gap = 8.0, 1.5, 7.0
    group = len(series) * bar + (len(series) - 1) * gap
    legend_h = 16.0
    height = legend_h + len(categories) * (group + group_gap) + 4
    drawing = _drawing(width, height)
    values = [v for _n, vs, _c in series for v in vs if v is not None]
    most = max(values) if values else 1.0
    left = label_width
    room = width - left - 70
    _legend(drawing, left, height - 9, [(name, colour) for name, _vs, colour in series])
    y = height - legend_h
    for i, category in enumerate(categories):
        y -= group + group_gap
        drawing.add(_text(left - 6, y + group / 2 - 2.5, _fit(category, left - 10),
                          anchor="end"))
        for n, (_name, vs, colour) in enumerate(reversed(series)):
            value = vs[i]
            by = y + n * (bar + gap)
            if value is None:
                drawing.add(_text(left + 3, by + 1.5, "none", colour=MUTED))
                continue
            length = room * value / most if most else 0
            drawing.add(Rect(left, by, max(length, 0.5), bar, fillColor=colour,
                             strokeColor=None))
            drawing.add(_text(left + length + 3, by + 1.5, label(value)))
    drawing.add(Line(left, height - legend_h, left, 2, strokeColor=AXIS, strokeWidth=0.6))
    return drawing


def trend_with_forecast(labels: Sequence[str], actual: Sequence[float | None],
                        forecast: Sequence[tuple[float, float, float] | None], *,
                        width: float = 170 * mm, height: float = 60 * mm,
                        actual_name: str = "Recorded", forecast_name: str = "Forecast",
                        band_name: str = "Likely range") -> Drawing:
    """A line of recorded values, then the forecast (a dashed line) inside its likely
    range (a shaded band); one point per label, each value written beside it.
    ``forecast`` holds (low, value, high) for the points forecast, None elsewhere."""
    drawing = _drawing(width, height)
    left, bottom, right, top = 34.0, 16.0, width - 12, height - 22
    highs = [v for v in actual if v is not None] + [f[2] for f in forecast if f]
    top_value = max(highs) if highs else 1.0
    floor = 0.0
    ceiling = _nice(top_value * 1.1 or 1.0)
    n = len(labels)

    def x_of(i: int) -> float:
        return left + 10 + (right - left - 20) * (i / (n - 1) if n > 1 else 0.5)

    def y_of(v: float) -> float:
        return bottom + (top - bottom) * (v - floor) / (ceiling - floor)

    for tick in _ticks(ceiling):
        y = y_of(tick)
        drawing.add(Line(left, y, right, y, strokeColor=GRID, strokeWidth=0.5))
        drawing.add(_text(left - 4, y - 2.5, f"{tick:,.0f}", anchor="end", colour=MUTED))
    drawing.add(Line(left, bottom, right, bottom, strokeColor=AXIS, strokeWidth=0.6))
    for i, text in enumerate(labels):
        drawing.add(_text(x_of(i), bottom - 10, text, anchor="middle", colour=MUTED))
    band = [(x_of(i), f) for i, f in enumerate(forecast) if f is not None]
    joined = [(i, v) for i, v in enumerate(actual) if v is not None]
    if band:
        start = [(x_of(joined[-1][0]), (joined[-1][1], joined[-1][1], joined[-1][1]))] \
            if joined else []
        path = start + band
        upper = [c for x, f in path for c in (x, y_of(f[2]))]
        lower = [c for x, f in reversed(path) for c in (x, y_of(max(f[0], floor)))]
        drawing.add(Polygon(upper + lower, fillColor=BAND, strokeColor=None))
        line = [c for x, f in path for c in (x, y_of(f[1]))]
        drawing.add(PolyLine(line, strokeColor=ORANGE, strokeWidth=1.4,
                             strokeDashArray=[3, 2]))
        for x, f in band:
            drawing.add(Circle(x, y_of(f[1]), 2.2, fillColor=ORANGE, strokeColor=None))
            drawing.add(_text(x, y_of(f[1]) + 5, f"{f[1]:,.0f}", anchor="middle"))
    if len(joined) > 1:
        drawing.add(PolyLine([c for i, v in joined for c in (x_of(i), y_of(v))],
                             strokeColor=BLUE, strokeWidth=1.6))
    for i, v in joined:
        drawing.add(Circle(x_of(i), y_of(v), 2.4, fillColor=BLUE, strokeColor=None))
        drawing.add(_text(x_of(i), y_of(v) + 5, f"{v:,.0f}", anchor="middle", bold=True))
    items = [(actual_name, BLUE)]
    if band:
        items += [(forecast_name, ORANGE), (band_name, BAND)]
    _legend(drawing, left, height - 10, items)
    return drawing


def _nice(value: float) -> float:
    """A round number at or above ``value`` for the top of an axis."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)  # pragma: no cover


def _ticks(ceiling: float) -> list[float]:
    return [ceiling * k / 4 for k in range(5)]
