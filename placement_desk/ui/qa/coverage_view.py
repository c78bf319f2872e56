"""The QA coverage tab: settings in use visited in the last 12 months, and visits per quarter.

Coverage reads "93% (51 of 55)" overall and for each type of setting. Planned
versus done is shown for a chosen financial year (April to March) as a small
table and a bar chart whose bars carry their values, in a colour-blind-safe pair
of colours (blue and orange from the Okabe-Ito palette).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...services.common.formatting import date_long
from ...services.qa.coverage import (
    CoverageReport,
    QuarterVisits,
    coverage,
    financial_year_of,
    planned_vs_done,
)
from ..common.fields import Combo
from ..context import AppContext

PREFIX = "qa/coverage/"
CHART_COLOURS = {"planned": "#0072B2", "done": "#E69F00"}
"""Okabe-Ito blue and orange: told apart with every common colour-vision deficiency."""


def year_label(year: int) -> str:
    """"2025-26 (April 2025 to March 2026)"."""
    return f"{year}-{(year + 1) % 100:02d} (April {year} to March {year + 1})"


def _table(headings: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setHorizontalHeaderLabels(headings)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setTabKeyNavigation(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(24)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headings)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], right_from: int = 1) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c >= right_from:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


class QuarterChart(QWidget):
    """Planned and done visits per quarter as grouped bars, each bar labelled with its count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph as pg

        self.plot = pg.PlotWidget(background=None)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setMinimumHeight(220)
        self.plot.setAccessibleName(self.tr("Visits planned and done per quarter"))
        self.plot.getPlotItem().getViewBox().setDefaultPadding(0.02)
        self.legend = self.plot.addLegend(
            offset=(10, 5), labelTextColor=self.palette().color(self.foregroundRole()))
        self.labels: list[str] = []
        """The value labels drawn, in order (planned then done per quarter): for tests."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def show_quarters(self, quarters: tuple[QuarterVisits, ...]) -> None:
        import pyqtgraph as pg

        self.plot.clear()
        self.legend.clear()
        text_colour = self.palette().color(self.foregroundRole())
        width = 0.36
        xs = list(range(len(quarters)))
        self.labels = []
        top = max([1, *(q.planned for q in quarters), *(q.done for q in quarters)])
        for offset, key, name in ((-width / 2, "planned", self.tr("Planned")),
                                  (width / 2, "done", self.tr("Done"))):
            values = [getattr(q, key) for q in quarters]
            fill = QColor(CHART_COLOURS[key])
            bars = pg.BarGraphItem(x=[x + offset for x in xs], height=values, width=width,
                                   brush=fill, pen=pg.mkPen(text_colour, width=0.5), name=name)
            self.plot.addItem(bars)  # named, so the legend lists it once
            for x, value in zip(xs, values, strict=True):
                label = pg.TextItem(str(value), color=text_colour, anchor=(0.5, 1.0))
                label.setPos(x + offset, value)
                self.plot.addItem(label)
                self.labels.append(str(value))
        axis = self.plot.getAxis("bottom")
        axis.setTicks([[(x, f"Q{q.quarter.number} {q.quarter.label.split('(')[-1].rstrip(')')}")
                        for x, q in zip(xs, quarters, strict=True)]])
        for name in ("left", "bottom"):
            self.plot.getAxis(name).setTextPen(text_colour)
            self.plot.getAxis(name).setPen(text_colour)
        self.plot.getAxis("left").setLabel(self.tr("Visits"))
        self.plot.setXRange(-0.6, len(quarters) - 0.4, padding=0)
        self.plot.setYRange(0, top * 1.45 + 0.5, padding=0)


class CoverageView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = ctx.today()
        self.report: CoverageReport | None = None
        self.quarters: tuple[QuarterVisits, ...] = ()
        self.overall = QLabel()
        font = QFont(self.overall.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.overall.setFont(font)
        self.overall.setAccessibleName(self.tr("Coverage of settings in use"))
        self.overall_caption = QLabel()
        self.overall_caption.setWordWrap(True)
        self.by_type = _table([self.tr("Type of setting"),
                               self.tr("Visited in the last 12 months")])
        self.by_type.setAccessibleName(self.tr("Coverage by type of setting"))
        coverage_box = QGroupBox(self.tr("Settings in use visited in the last 12 months"))
        left = QVBoxLayout(coverage_box)
        left.addWidget(self.overall)
        left.addWidget(self.overall_caption)
        left.addWidget(self.by_type)
        left.addStretch(1)
        self.year = Combo()
        self.year.setAccessibleName(self.tr("Financial year"))
        self.year.currentIndexChanged.connect(lambda _i: self._year_changed())
        self.quarter_table = _table([self.tr("Quarter"), self.tr("Planned"), self.tr("Done"),
                                     self.tr("Done against planned")])
        self.quarter_table.setAccessibleName(self.tr("Visits planned and done per quarter"))
        self.quarter_table.setFixedHeight(4 * 24 + self.quarter_table.horizontalHeader()
                                          .sizeHint().height() + 4)
        self.chart: QuarterChart | None = None
        self.chart_holder = QVBoxLayout()
        quarter_box = QGroupBox(self.tr("Visits planned and done per quarter"))
        right = QVBoxLayout(quarter_box)
        year_row = QHBoxLayout()
        year_label_widget = QLabel(self.tr("Financial year"))
        year_label_widget.setBuddy(self.year)
        year_row.addWidget(year_label_widget)
        year_row.addWidget(self.year)
        year_row.addStretch(1)
        right.addLayout(year_row)
        right.addWidget(self.quarter_table)
        right.addLayout(self.chart_holder, 1)
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 8, 6, 6)
        grid.addWidget(coverage_box, 0, 0)
        grid.addWidget(quarter_box, 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

    def _fill_years(self) -> None:
        current = financial_year_of(self.today)
        wanted = self.year.currentData()
        if wanted is None:
            stored = str(self.ctx.settings.value(PREFIX + "year", current))
            wanted = int(stored) if stored.isdigit() else current
        with QSignalBlocker(self.year):
            self.year.clear()
            for year in range(current + 1, current - 5, -1):
                self.year.addItem(year_label(year), year)
            index = self.year.findData(wanted)
            self.year.setCurrentIndex(index if index >= 0 else self.year.findData(current))

    def chosen_year(self) -> int:
        value: Any = self.year.currentData()
        return int(value) if value is not None else financial_year_of(self.today)

    def reload(self) -> None:
        self._fill_years()
        self.report = coverage(self.ctx.db, self.today)
        report = self.report
        self.overall.setText(report.overall.text if report.overall.total else self.tr(
            "No settings in use"))
        if report.overall.total:
            self.overall_caption.setText(self.tr(
                "Settings with a child placed on {on} that had a completed QA visit between "
                "{since} and {on}.").format(on=date_long(report.on),
                                            since=date_long(report.since)))
        else:
            self.overall_caption.setText(self.tr(
                "Coverage counts the settings where a child is placed. Record placements on "
                "the Placements page, or import them from the SSDA903 return."))
        _fill(self.by_type, [[t.setting_type.label, t.coverage.text] for t in report.by_type])
        self.by_type.setFixedHeight(self.by_type.horizontalHeader().sizeHint().height()
                                    + 24 * max(1, self.by_type.rowCount()) + 4)
        self._load_quarters()

    def _year_changed(self) -> None:
        self.ctx.settings.setValue(PREFIX + "year", self.chosen_year())
        self._load_quarters()

    def _load_quarters(self) -> None:
        self.quarters = planned_vs_done(self.ctx.db, self.chosen_year())
        _fill(self.quarter_table, [
            [q.quarter.label, f"{q.planned:,}", f"{q.done:,}", q.text] for q in self.quarters])
        if self.chart is None:
            self.chart = QuarterChart(self)
            self.chart_holder.addWidget(self.chart)
        self.chart.show_quarters(self.quarters)
