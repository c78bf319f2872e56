"""A small bar chart of a block contract's occupancy by month (pyqtgraph, loaded lazily).

One colour, each bar labelled with its percentage, so the chart reads without colour.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...services.common.formatting import MONTHS
from ...services.contracts.usage import MonthOccupancy
from ..common.colours import colour

SHOWN = 12
"""The chart shows the last year; the table below it has every month."""


def _month_label(m: MonthOccupancy, first: bool) -> str:
    """"Apr", with the year on the first bar and on each January: "Jan 2026"."""
    name = MONTHS[m.month.month - 1][:3]
    return f"{name} {m.month.year}" if first or m.month.month == 1 else name


class OccupancyChart(QWidget):
    def __init__(self, months: list[MonthOccupancy]) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        shown = [m for m in months if m.percent is not None][-SHOWN:]
        if not shown:
            empty = QLabel(self.tr("No days to chart yet: the contract has not started."))
            empty.setWordWrap(True)
            layout.addWidget(empty)
            return
        import pyqtgraph as pg

        plot = pg.PlotWidget(background=None)
        plot.setMinimumHeight(150)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        xs = list(range(len(shown)))
        ys = [m.percent or 0 for m in shown]
        bars = pg.BarGraphItem(x=xs, height=ys, width=0.6, brush=colour("blue"),
                               pen=colour("blue"))
        plot.addItem(bars)
        text_colour = self.palette().color(self.foregroundRole())
        for x, y in zip(xs, ys, strict=True):
            label = pg.TextItem(f"{y}%", color=text_colour, anchor=(0.5, 1.0))
            label.setPos(x, y)
            plot.addItem(label)
        plot.getAxis("bottom").setTicks([[(x, _month_label(m, x == 0))
                                          for x, m in zip(xs, shown, strict=True)]])
        plot.getAxis("left").setTicks([[(v, f"{v}%") for v in (0, 25, 50, 75, 100)]])
        for axis in ("left", "bottom"):
            plot.getAxis(axis).setTextPen(text_colour)
        plot.setYRange(0, 115)
        plot.setXRange(-0.6, len(shown) - 0.4)
        plot.setAccessibleName(self.tr("Occupancy by month"))
        layout.addWidget(plot)
