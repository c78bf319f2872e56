"""The Dashboard's charts (pyqtgraph): bars grouped or stacked, and lines with a shaded range.

Every chart has a title, a legend in words, its values written on it, a tooltip with the
value under the pointer, and "Picture…" (a PNG) and "Data…" (the table behind
it, as .xlsx). A click on a bar that stands for records emits :attr:`ChartPanel.open_records`
with them. Colours come from :mod:`..common.chart_colours` (Okabe-Ito).

This module imports pyqtgraph, which takes a while: the Dashboard imports it once the
window is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...services.kpis.common import Records, Table
from ..common.chart_colours import series_colour, translucent
from ..common.file_dialogs import save_file_name

Format = Callable[[float], str]


def percent(value: float) -> str:
    return f"{value:.0f}%"


def whole(value: float) -> str:
    return f"{value:,.0f}"


def pounds(value: float) -> str:
    """£ in short: "£1.2m", "£45k", "£900"."""
    size = abs(value)
    if size >= 1_000_000:
        return f"£{value / 1_000_000:,.1f}m"
    if size >= 10_000:
        return f"£{value / 1_000:,.0f}k"
    return f"£{value:,.0f}"


def wrap(label: str, width: int = 14) -> str:
    """A category name over two lines when it is long."""
    if len(label) <= width or " " not in label:
        return label
    middle = len(label) // 2
    spaces = [n for n, ch in enumerate(label) if ch == " "]
    cut = min(spaces, key=lambda n: abs(n - middle))
    return f"{label[:cut]}\n{label[cut + 1:]}"


LABEL_WIDTH = 120
"""Pixels a row's name may take down the left of a chart whose bars run across, when it
must fit on one line."""


class _Axis(pg.AxisItem):  # type: ignore[misc]
    """A value axis whose numbers read as the chart's values do."""

    def __init__(self, orientation: str, fmt: Format) -> None:
        super().__init__(orientation)
        self.fmt = fmt

    def tickStrings(self, values: list[float], scale: float,
                    spacing: float) -> list[str]:
        return [self.fmt(v) for v in values]


@dataclass(frozen=True)
class Bar:
    x0: float
    x1: float
    y0: float
    y1: float
    text: str
    records: Records | None = None


class ChartPanel(QWidget):
    """A titled chart with its legend and its two Save buttons."""

    open_records = Signal(object)
    """The :class:`~placement_desk.services.kpis.common.Records` behind a clicked bar."""

    def __init__(self, title: str, fmt: Format = whole, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.table: Table | None = None
        self.bars: list[Bar] = []
        self.points: list[tuple[float, str]] = []
        """(x, text) of each point of a line chart, for its tooltip."""
        self.hovered = ""
        """The text of the tooltip last shown (for tests and screen readers)."""
        self._across: list[str] = []
        self.row_names: list[str] = []
        """The names down the left of a chart whose bars run across, as shown."""
        self.title = QLabel(f"<b>{title}</b>")
        self.title.setWordWrap(True)
        # Short words beside the legend; the names and tooltips say the whole of it.
        self.save_picture = QPushButton(self.tr("Picture…"))
        self.save_picture.setAccessibleName(self.tr("Save picture of {title}").format(
            title=title))
        self.save_picture.setToolTip(self.tr("Save this chart as a PNG picture"))
        self.save_data = QPushButton(self.tr("Data…"))
        self.save_data.setAccessibleName(self.tr("Save data of {title}").format(title=title))
        self.save_data.setToolTip(self.tr("Save the figures behind this chart to Excel"))
        for button in (self.save_picture, self.save_data):
            button.setFlat(True)
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.save_picture.clicked.connect(self._ask_picture)
        self.save_data.clicked.connect(self._ask_data)
        # The title has the panel's whole width (beside two buttons it wrapped into five
        # lines in a third of a 1366-pixel screen); the buttons sit by the legend below.
        foot = QHBoxLayout()
        foot.setSpacing(2)
        self.plot = pg.PlotWidget(background=None, axisItems={
            "left": _Axis("left", fmt), "bottom": _Axis("bottom", fmt)})
        self.plot.setAccessibleName(title)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setMinimumHeight(150)
        self.plot.getPlotItem().showGrid(y=True, alpha=0.15)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.body = QWidget()
        inner = QVBoxLayout(self.body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(2)
        inner.addWidget(self.plot, 1)
        foot.addWidget(self.legend, 1)
        foot.addWidget(self.save_picture, 0, Qt.AlignmentFlag.AlignTop)
        foot.addWidget(self.save_data, 0, Qt.AlignmentFlag.AlignTop)
        inner.addLayout(foot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.body, 1)
        self.plot.installEventFilter(self)
        scene = self.plot.scene()
        scene.sigMouseMoved.connect(self._moved)
        scene.sigMouseClicked.connect(self._clicked)
        self.text_colour = self.palette().color(self.foregroundRole())
        self.tick_font = QFont(self.font())
        self.tick_font.setPointSizeF(self.tick_font.pointSizeF() * 0.85)
        for axis in ("left", "bottom"):
            item = self.plot.getAxis(axis)
            item.setTextPen(self.text_colour)
            item.setPen(self.text_colour)
            item.setStyle(tickFont=self.tick_font)

    # -- drawing ---------------------------------------------------------------------------

    def _start(self, table: Table) -> None:
        self.table = table
        self.bars, self.points = [], []
        self._across, self.row_names = [], []
        self.plot.clear()

    def _legend(self, names: Sequence[str], colours: Sequence[QColor]) -> None:
        self.legend.setText("&nbsp;&nbsp; ".join(
            f"<span style='color:{c.name()}'>■</span>&nbsp;{n}"
            for n, c in zip(names, colours, strict=True)))

    def _label(self, x: float, y: float, text: str, *, across: bool = False,
               below: bool = False) -> None:
        """A value written at the end of its bar (or above a point, or below it)."""
        item = pg.TextItem(text, color=self.text_colour,
                           anchor=(0.0, 0.5) if across else (0.5, 0.0) if below else (0.5, 1.0))
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.72)
        item.setFont(font)
        item.setPos(x, y)
        self.plot.addItem(item)

    def _categories(self, labels: Sequence[str], *, across: bool = False) -> None:
        """Name the categories along the bottom, or down the left (``across``: the bars
        run across, first category at the top). Long names take two lines."""
        names = [label if "\n" in label else wrap(label, 18 if across else 12)
                 for label in labels]
        lines = max((name.count("\n") + 1 for name in names), default=1)
        height = QFontMetrics(self.tick_font).height()
        category = self.plot.getAxis("left" if across else "bottom")
        values = self.plot.getAxis("bottom" if across else "left")
        category.setStyle(hideOverlappingLabels=False)
        values.setStyle(hideOverlappingLabels=True)
        if across:
            self._across = list(labels)
            self._fit_across()
            values.setTicks(None)
            self.plot.getAxis("bottom").setHeight(height + 12)
            self.plot.setYRange(-0.6, len(names) - 0.4, padding=0)
        else:
            category.setTicks([[(n, name) for n, name in enumerate(names)]])
            values.setTicks(None)
            # the tick, its gap and the lines of the names
            self.plot.getAxis("bottom").setHeight(lines * height + 22)
            self.plot.setXRange(-0.6, len(names) - 0.4, padding=0)

    def _fit_across(self) -> None:
        """Name the rows of a chart whose bars run across: over two lines where each row
        has the height for them, else on one line, cut short with "…" (the tooltip and
        the chart's data say the whole name). Run again as the chart is resized."""
        if not self._across:
            return
        metrics = QFontMetrics(self.tick_font)
        rows = len(self._across)
        room = self.plot.height() - 2 * metrics.height() - 24  # the axis below, margins
        if room >= rows * (2 * metrics.lineSpacing() + 2):
            names = [label if "\n" in label else wrap(label, 18) for label in self._across]
        else:
            names = [metrics.elidedText(label.replace("\n", " "), Qt.TextElideMode.ElideRight,
                                        LABEL_WIDTH) for label in self._across]
        if names != self.row_names:
            self.row_names = names
            self.plot.getAxis("left").setTicks(
                [[(rows - 1 - n, name) for n, name in enumerate(names)]])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The plot's own resizes: a chart drawn on a hidden tab is laid out when shown.
        if watched is self.plot and event.type() == QEvent.Type.Resize:
            self._fit_across()
        return False

    def show_bars(self, table: Table, categories: Sequence[str],
                  series: Sequence[tuple[str, Sequence[float | None], Sequence[Records | None]]],
                  *, stacked: bool = False, across: bool = False,
                  ticks: Sequence[str] | None = None, top: float | None = None) -> None:
        """Bars for each category: one per series side by side, or stacked; upright, or
        running across with the categories down the left (``across``, for long names).
        Each series is (name, values, the records behind each value)."""
        self._start(table)
        colours = [series_colour(n) for n in range(len(series))]
        self._legend([name for name, _v, _r in series], colours)
        width = 0.7 if stacked else 0.8 / max(1, len(series))
        last = len(categories) - 1
        highest = 0.0
        totals: list[tuple[tuple[float, float], float]] = []
        for c, category in enumerate(categories):
            at = last - c if across else c  # across: the first category on top
            base = 0.0
            for n, (name, values, records) in enumerate(series):
                value = values[c]
                if value is None:
                    continue
                if stacked:
                    start, low, high = at - width / 2, base, base + value
                    base = high
                else:
                    start = at + 0.4 - (n + 1) * width if across else at - 0.4 + n * width
                    low, high = 0.0, value
                x0, x1, y0, y1 = ((low, high, start, start + width) if across
                                  else (start, start + width, low, high))
                bar = Bar(x0, x1, y0, y1, f"{category}, {name}: {self.fmt(value)}",
                          records[c] if c < len(records) else None)
                self.bars.append(bar)
                self.plot.addItem(pg.BarGraphItem(x0=[x0], x1=[x1], y0=[y0], y1=[y1],
                                                  brush=colours[n], pen=colours[n]))
                highest = max(highest, high)
                if not stacked and value > 0:
                    totals.append(((x1, (y0 + y1) / 2) if across else ((x0 + x1) / 2, y1),
                                   value))
            if stacked and base:
                totals.append(((base, float(at)) if across else (float(at), base), base))
        for (x, y), value in totals:
            self._label(x, y, self.fmt(value), across=across)
        self._categories(ticks or categories, across=across)
        reach = top or (highest * 1.15 if highest else 1)
        if across:  # room after the longest bar for its value ("100%")
            self.plot.setXRange(0, reach * (1.3 if top else 1.15), padding=0)
        else:
            self.plot.setYRange(0, reach * (1.08 if top else 1.0), padding=0)

    def show_lines(self, table: Table, labels: Sequence[str],
                   series: Sequence[tuple[str, Sequence[float | None]]], *,
                   ticks: Sequence[str] | None = None, dashed_from: int | None = None,
                   band: tuple[Sequence[float | None], Sequence[float | None]] | None = None,
                   top: float | None = None) -> None:
        """Lines through points at each label (``ticks`` name them on the axis, shorter);
        the first series is drawn dashed from ``dashed_from`` on (a forecast), with
        ``band`` (low, high) shaded around it."""
        self._start(table)
        colours = [series_colour(n) for n in range(len(series))]
        names = [name for name, _values in series]
        highest = 0.0
        if band is not None:
            xs = [n for n in range(len(labels)) if band[0][n] is not None]
            low = pg.PlotDataItem(xs, [band[0][n] for n in xs])
            high = pg.PlotDataItem(xs, [band[1][n] for n in xs])
            fill = pg.FillBetweenItem(low, high, brush=translucent(series_colour(4)))
            self.plot.addItem(fill)
            highest = max([highest, *(band[1][n] or 0 for n in xs)])
            colours.append(translucent(series_colour(4), 160))
            names.append(self.tr("Range of the forecast"))
        for n, (_name, values) in enumerate(series):
            xs = [k for k, v in enumerate(values) if v is not None]
            ys = [float(values[k] or 0) for k in xs]
            highest = max([highest, *ys])
            if dashed_from is not None and n == 0:
                solid = [k for k in xs if k <= dashed_from]
                dashed = [k for k in xs if k >= dashed_from]
                for part, style in ((solid, Qt.PenStyle.SolidLine),
                                    (dashed, Qt.PenStyle.DashLine)):
                    if part:
                        self.plot.addItem(pg.PlotDataItem(
                            part, [float(values[k] or 0) for k in part],
                            pen=pg.mkPen(colours[n], width=2, style=style), symbol="o",
                            symbolSize=6, symbolBrush=colours[n], symbolPen=colours[n]))
            else:
                self.plot.addItem(pg.PlotDataItem(xs, ys, pen=pg.mkPen(colours[n], width=2),
                                                  symbol="o", symbolSize=6,
                                                  symbolBrush=colours[n], symbolPen=colours[n]))
            for k, y in zip(xs, ys, strict=True):
                self._label(k, y, self.fmt(y), below=_lower_of_two(series, n, k))
        for k, label in enumerate(labels):
            parts = [f"{name}: {self.fmt(value)}" for name, values in series
                     if (value := values[k]) is not None]
            if band is not None and band[0][k] is not None:
                parts.append(self.tr("range {low} to {high}").format(
                    low=self.fmt(band[0][k] or 0), high=self.fmt(band[1][k] or 0)))
            self.points.append((k, f"{label}: " + "; ".join(parts)))
        self._legend(names, colours)
        self._categories(ticks or labels)
        self.plot.setYRange(0, (top * 1.08) if top else (highest * 1.15 if highest else 1),
                            padding=0)

    # -- pointing ------------------------------------------------------------------------------

    def view_point(self, scene_pos: QPointF) -> QPointF:
        found: QPointF = self.plot.getPlotItem().vb.mapSceneToView(scene_pos)
        return found

    def scene_point(self, x: float, y: float) -> QPointF:
        """Where a point of the chart's values is on the scene (for tests)."""
        found: QPointF = self.plot.getPlotItem().vb.mapViewToScene(QPointF(x, y))
        return found

    def bar_at(self, point: QPointF) -> Bar | None:
        for bar in self.bars:
            if bar.x0 <= point.x() <= bar.x1 and min(bar.y0, bar.y1) <= point.y() <= max(
                    bar.y0, bar.y1):
                return bar
        return None

    def text_at(self, point: QPointF) -> str:
        bar = self.bar_at(point)
        if bar is not None:
            return bar.text
        near = [(abs(x - point.x()), text) for x, text in self.points]
        if near:
            distance, text = min(near)
            if distance <= 0.4:
                return text
        return ""

    def _moved(self, scene_pos: QPointF) -> None:
        """The value under the pointer becomes the chart's tooltip (Qt shows it as the
        pointer rests, and updates one already showing)."""
        text = self.text_at(self.view_point(scene_pos))
        if text != self.hovered:
            self.hovered = text
            self.plot.setToolTip(text)
            if QToolTip.isVisible() and text:
                QToolTip.showText(QCursor.pos(), text, self.plot)
            elif QToolTip.isVisible():
                QToolTip.hideText()

    def _clicked(self, event: object) -> None:
        button = getattr(event, "button", lambda: None)()
        if button != Qt.MouseButton.LeftButton:
            return
        bar = self.bar_at(self.view_point(event.scenePos()))  # type: ignore[attr-defined]
        if bar is not None and bar.records is not None and bar.records.kind != "none":
            self.open_records.emit(bar.records)

    # -- saving --------------------------------------------------------------------------------

    def save_picture_to(self, path: str) -> None:
        if not self.body.grab().save(path, "PNG"):
            raise UserError(f"Could not write the picture {path}: choose another folder.")

    def save_data_to(self, path: str) -> None:
        from ...io.table_export import write_tables

        if self.table is not None:
            write_tables(path, [self.table.as_sheet()])

    def _ask_picture(self) -> None:
        name = save_file_name(self, self.tr("Save the chart as a picture"),
                              f"{self._file_stem()}.png", self.tr("PNG picture (*.png)"))
        if name:
            self._saving(lambda: self.save_picture_to(name))

    def _ask_data(self) -> None:
        name = save_file_name(self, self.tr("Save the chart's figures"),
                              f"{self._file_stem()}.xlsx", self.tr("Excel workbook (*.xlsx)"))
        if name:
            self._saving(lambda: self.save_data_to(name))

    def _saving(self, work: Callable[[], None]) -> None:
        try:
            work()
        except UserError as exc:
            QMessageBox.warning(self, self.tr("Not saved"), str(exc))

    def _file_stem(self) -> str:
        return (self.table.key if self.table is not None else "chart").replace("_", "-")


def _lower_of_two(series: Sequence[tuple[str, Sequence[float | None]]], n: int,
                  k: int) -> bool:
    """Whether series ``n``'s point ``k`` is the lower of two lines' points there: its
    value is written below the point, the other's above, so close values do not
    overlap."""
    if len(series) != 2:
        return False
    mine, theirs = series[n][1][k], series[1 - n][1][k]
    if mine is None or theirs is None:
        return False
    return mine < theirs or (mine == theirs and n == 1)


def nice_top(value: float) -> float:
    """A round number a little above ``value``, for the top of an axis."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value * 1.15 <= step * power:
            return float(step * power)
    return float(10 * power)
