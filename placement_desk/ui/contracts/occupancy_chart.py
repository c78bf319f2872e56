"""Small bar charts by month for a contract: a block contract's occupancy, and the spend under
any contract in a period (pyqtgraph, loaded lazily).

One colour, each bar labelled with its value, so a chart reads without colour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...services.common.formatting import MONTHS
from ...services.contracts.usage import ContractSpend, MonthOccupancy
from ..common.colours import colour

SHOWN = 12
"""A chart shows a year at most; the table beside it has every month."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("MonthChart", text)


def month_labels(months: Sequence[dt.date]) -> list[str]:
    """Each bar's month, "Apr"; the years are in the axis's title (:func:`period`)."""
    return [MONTHS[month.month - 1][:3] for month in months]


def period(months: Sequence[dt.date]) -> str:
    """"December 2025 to November 2026" (or one month, "April 2026")."""
    first, last = months[0], months[-1]
    name = f"{MONTHS[first.month - 1]} {first.year}"
    return name if first == last else f"{name} to {MONTHS[last.month - 1]} {last.year}"


def short_money(pence: int) -> str:
    """A bar's label: whole pounds under £10,000, else thousands ("£57k", "£1.2m")."""
    pounds = pence / 100
    if pounds >= 1_000_000:
        return f"£{pounds / 1_000_000:.1f}m"
    if pounds >= 10_000:
        return f"£{pounds / 1000:.0f}k"
    return f"£{pounds:,.0f}"


class MonthChart(QWidget):
    """Bars by month, each labelled; ``ticks`` are the left axis's (value, text) marks."""

    def __init__(self, months: Sequence[dt.date], values: Sequence[float],
                 labels: Sequence[str], ticks: Sequence[tuple[float, str]], top: float,
                 name: str, empty: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if not months:
            note = QLabel(empty)
            note.setWordWrap(True)
            layout.addWidget(note)
            layout.addStretch(1)
            return
        import pyqtgraph as pg

        plot = pg.PlotWidget(background=None)
        plot.setMinimumHeight(150)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        xs = list(range(len(months)))
        bars = pg.BarGraphItem(x=xs, height=list(values), width=0.6, brush=colour("blue"),
                               pen=colour("blue"))
        plot.addItem(bars)
        text_colour = self.palette().color(self.foregroundRole())
        for x, y, text in zip(xs, values, labels, strict=True):
            label = pg.TextItem(text, color=text_colour, anchor=(0.5, 1.0))
            label.setPos(x, y)
            plot.addItem(label)
        plot.getAxis("bottom").setTicks([list(zip(xs, month_labels(months), strict=True))])
        plot.getAxis("bottom").setLabel(period(months), color=text_colour)
        plot.getAxis("left").setTicks([list(ticks)])
        for axis in ("left", "bottom"):
            plot.getAxis(axis).setTextPen(text_colour)
        plot.setYRange(0, top * 1.15)
        plot.setXRange(-0.6, len(months) - 0.4)
        plot.setAccessibleName(name)
        layout.addWidget(plot)


class OccupancyChart(MonthChart):
    def __init__(self, months: list[MonthOccupancy]) -> None:
        shown = [m for m in months if m.percent is not None][-SHOWN:]
        values = [m.percent or 0 for m in shown]
        super().__init__([m.month for m in shown], values, [f"{v}%" for v in values],
                         [(v, f"{v}%") for v in (0, 25, 50, 75, 100)], 100,
                         _tr("Occupancy by month"),
                         _tr("No days to chart yet: the contract has not started."))


class SpendChart(MonthChart):
    def __init__(self, months: list[ContractSpend]) -> None:
        shown = months[-SHOWN:]
        values = [m.spend_pence / 100 for m in shown]
        top = max(values, default=0) or 1
        step = _nice_step(top / 4)
        ticks = [(step * n, short_money(round(step * n * 100)))
                 for n in range(int(top // step) + 2)]
        super().__init__([m.start.replace(day=1) for m in shown], values,
                         [short_money(m.spend_pence) for m in shown], ticks, top,
                         _tr("Spend by month"), _tr("No spend to chart in this period."))


def _nice_step(rough: float) -> float:
    """1, 2 or 5 times a power of ten, at least ``rough``."""
    power = 1.0
    while power * 10 <= rough:
        power *= 10
    for factor in (1, 2, 5, 10):
        if power * factor >= rough:
            return power * factor
    return power * 10
