"""The Dashboard's chart tabs (Quality, Placements, Weeks and spend, Forecast): built the
first time figures are shown, in place of the notes that wait for them, then filled from
each report with the tables beside the charts.

:class:`ChartTabs` is the part of :class:`~.view.DashboardView` that draws them. Charts
are built once the window is drawn, when pyqtgraph is imported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QWidget,
)

from ...services.common.formatting import MONTHS
from ...services.kpis import KpiReport, Records
from ...services.kpis.common import Row, Table
from ...services.kpis.definitions import definition
from ..common.list_table import list_table
from ..common.rows import ROW_ROLE, RowTableModel
from .tables import table_model

if TYPE_CHECKING:
    from .charts import ChartPanel


def _numbers(rows: Sequence[Row], column: int) -> list[float | None]:
    """A column of a table's rows as numbers (None where there is none)."""
    found: list[float | None] = []
    for row in rows:
        value = row.values[column]
        found.append(float(value) if isinstance(value, int | float) else None)
    return found


SHORT_JUDGEMENTS = {
    "Requires improvement": "Requires\nimprovement", "Consistently strong": "Strong\n(SA)",
    "Inconsistent": "Inconsistent\n(SA)", "Serious or widespread weaknesses": "Serious\n(SA)"}
"""Judgements as the chart's axis names them (SA: supported accommodation's outcomes)."""


def _month(day: str) -> str:
    """"01/12/2025" → "Dec\n2025": month over year, for an axis."""
    try:
        when = dt.datetime.strptime(day, "%d/%m/%Y")
    except ValueError:
        return day
    return f"{MONTHS[when.month - 1][:3]}\n{when.year}"


def _tab_page(*widgets: QWidget, stretches: tuple[int, ...] = ()) -> QWidget:
    page = QWidget()
    row = QHBoxLayout(page)
    row.setContentsMargins(4, 4, 4, 4)
    row.setSpacing(12)
    for n, widget in enumerate(widgets):
        row.addWidget(widget, stretches[n] if n < len(stretches) else 1)
    return page


class ChartTabs(QWidget):
    """A view with the Dashboard's chart tabs: :meth:`_draw_charts` builds them the first
    time (in :attr:`tabs`, at :attr:`tab_index`, in place of :attr:`placeholders`) and
    fills them from each report; a bar or a row opens its records (:attr:`open_records`)."""

    tabs: QTabWidget
    tab_index: dict[str, int]
    placeholders: dict[str, QLabel]
    charts: dict[str, ChartPanel]
    open_records: Callable[[Records], None]

    def _draw_charts(self, report: KpiReport) -> None:
        from .charts import ChartPanel, percent, pounds, whole

        if not self.charts:
            self.charts = {
                "judgements": ChartPanel(self.tr("Judgements of the settings in use, beside "
                                                 "England and the region"), percent),
                "good_over_time": ChartPanel(self.tr("Rated Good or Outstanding, year by year"),
                                             percent),
                "qa_by_type": ChartPanel(self.tr("QA-visited in the last 12 months, by type"),
                                         percent),
                "children_by_type_age": ChartPanel(self.tr(
                    "Children looked after by placement type and age"), whole),
                "distance_bands": ChartPanel(self.tr("Children by distance from home"), whole),
                "spend_over_time": ChartPanel(self.tr("Spend by route, year by year"), pounds),
                "forecast": ChartPanel(self.tr("Children looked after at 31 March, and the "
                                               "forecast"), whole),
            }
            for chart in self.charts.values():
                chart.open_records.connect(self.open_records)
            self.spend_tables = {key: list_table(RowTableModel([], lambda r: r, self), heading,
                                                 (200, 110, 80, 80, 110))
                                 for key, heading in (("spend_by_type", self.tr("By type")),
                                                      ("top_providers",
                                                       self.tr("Top providers")))}
            for key, view in self.spend_tables.items():
                view.activated.connect(lambda index, key=key: self._table_row(key, index))
            self.forecast_table = list_table(RowTableModel([], lambda r: r, self),
                                             self.tr("Forecast by placement type"),
                                             (150, 80, 80, 70, 70))
            self.method = QTextBrowser()
            self.method.setAccessibleName(self.tr("How the forecast is worked out"))
            c = self.charts
            pages = {
                "quality": _tab_page(c["judgements"], c["good_over_time"], c["qa_by_type"],
                                     stretches=(3, 2, 2)),
                "placements": _tab_page(c["children_by_type_age"], c["distance_bands"],
                                        stretches=(3, 2)),
                "spend": _tab_page(c["spend_over_time"], self._stacked(
                    (self.tr("By placement type"),
                     self.tr("Spend, weeks and average weekly cost by placement type"),
                     self.spend_tables["spend_by_type"]),
                    (self.tr("Providers paid most"), self.tr("The providers paid most"),
                     self.spend_tables["top_providers"])),
                    stretches=(1, 1)),
                "forecast": _tab_page(c["forecast"], self._stacked(
                    (self.tr("By placement type"),
                     self.tr("Children and placements needed, by placement type"),
                     self.forecast_table),
                    (self.tr("How it is worked out"),
                     self.tr("How the forecast is worked out"), self.method)),
                    stretches=(3, 2)),
            }
            current = self.tabs.currentIndex()
            for name, page in pages.items():
                index = self.tab_index[name]
                text = self.tabs.tabText(index)
                self.tabs.removeTab(index)
                self.tabs.insertTab(index, page, text)
                self.placeholders[name].deleteLater()
            self.tabs.setCurrentIndex(current)
        self._fill_charts(report)

    def _stacked(self, *parts: tuple[str, str, QWidget]) -> QWidget:
        """Tables beside a chart, one at a time under tabs of their own (a short name, and
        what it holds as the tab's tooltip): stacked, a laptop screen gave each a row and
        a half."""
        tabs = QTabWidget()
        tabs.setDocumentMode(True)
        for name, heading, widget in parts:
            index = tabs.addTab(widget, name)
            tabs.setTabToolTip(index, heading)
            widget.setAccessibleDescription(heading)
        return tabs

    def _fill_charts(self, report: KpiReport) -> None:
        t, c = report.tables, self.charts
        judgements = t["judgements"]
        judged = [r for r in judgements.rows if r.label != "Not yet inspected"]
        region = report.current.quality.good_settings.comparisons[1][0]
        c["judgements"].show_bars(judgements, [r.label for r in judged], [
            (self.tr("Settings in use"), _numbers(judged, 1), [r.records_at(0) for r in judged]),
            (self.tr("England"), _numbers(judged, 2), []),
            (region, _numbers(judged, 3), []),
        ], ticks=[SHORT_JUDGEMENTS.get(r.label, r.label) for r in judged], top=100)
        over_time = t["good_over_time"]
        c["good_over_time"].show_lines(over_time, [r.label for r in over_time.rows], [
            (self.tr("By settings"), _numbers(over_time.rows, 0)),
            (self.tr("By children"), _numbers(over_time.rows, 1)),
        ], ticks=[_month(r.label) for r in over_time.rows], top=100)
        qa = t["qa_by_type"]
        c["qa_by_type"].show_bars(qa, [r.label for r in qa.rows], [
            (self.tr("Visited in 12 months"), _numbers(qa.rows, 0),
             [r.records_at(0) for r in qa.rows])], across=True, top=100)
        mix = t["children_by_type_age"]
        groups = [r for r in mix.rows if r.label != "Total"]
        bands = [n for n in range(len(mix.columns) - 1)
                 if any(r.values[n] for r in groups)]
        c["children_by_type_age"].show_bars(mix, [r.label for r in groups], [
            (mix.columns[n], _numbers(groups, n), [r.records_at(n) for r in groups])
            for n in bands], stacked=True, across=True)
        distance = t["distance_bands"]
        c["distance_bands"].show_bars(distance, [r.label for r in distance.rows], [
            (self.tr("Children"), _numbers(distance.rows, 0),
             [r.records_at(0) for r in distance.rows])], across=True)
        spend = t["spend_over_time"]
        routes = [n for n in range(len(spend.columns)) if any(r.values[n] for r in spend.rows)]
        c["spend_over_time"].show_bars(spend, [r.label for r in spend.rows], [
            (spend.columns[n], _numbers(spend.rows, n), [r.records_at(n) for r in spend.rows])
            for n in routes], stacked=True,
            ticks=[self.tr("to {month}").format(month=_month(r.label[-10:]))
                   for r in spend.rows])
        self._fill_forecast(report)
        for key, view in self.spend_tables.items():
            self._set_table(view, t[key])
        self._set_table(self.forecast_table, self._forecast_groups(report))

    def _set_table(self, view: QTableView, table: Table) -> None:
        """Show ``table`` in ``view``, which owns its model (the one before is let go)."""
        old = view.model()
        view.setModel(table_model(table, view))
        if old is not None and old.parent() is view:
            old.deleteLater()
        view.resizeColumnsToContents()

    def _fill_forecast(self, report: KpiReport) -> None:
        forecast = report.forecast
        labels = [f"31/03/{y}" for y in forecast.years] + [
            self.tr("31/03/{year} (forecast)").format(year=y) for y in forecast.ahead]
        ticks = [str(y) for y in (*forecast.years, *forecast.ahead)]
        counts: list[float | None] = [float(n) for n in forecast.counts]
        low: list[float | None] = [None] * len(counts)
        high: list[float | None] = [None] * len(counts)
        if forecast.total and counts:
            low[-1] = high[-1] = counts[-1]
            counts += [mid for _l, mid, _h in forecast.total]
            low += [lo for lo, _m, _h in forecast.total]
            high += [hi for _l, _m, hi in forecast.total]
        else:
            labels, ticks = labels[:len(counts)], ticks[:len(counts)]
        self.charts["forecast"].show_lines(
            report.tables["forecast"], labels, [(self.tr("Children looked after"), counts)],
            ticks=ticks,
            dashed_from=len(forecast.years) - 1 if forecast.total else None,
            band=(low, high) if forecast.total else None)
        self.method.setText(definition("forecast") if forecast.possible else self.tr(
            "There are fewer than three years of children looked after at 31 March in the "
            "database: too few for a trend. ") + definition("forecast"))

    def _forecast_groups(self, report: KpiReport) -> Table:
        forecast = report.forecast
        rows = []
        for group, (counts, ahead) in forecast.by_group.items():
            expected: list[int | None] = [round(mid) for _l, mid, _h in ahead] or [
                None] * len(forecast.ahead)
            rows.append(Row(group, (counts[-1] if counts else None, *expected)))
        latest = forecast.years[-1] if forecast.years else ""
        return Table("forecast_by_type", "Forecast by placement type", "Placement type",
                     (f"31/03/{latest}", *(f"{y} forecast" for y in forecast.ahead)),
                     tuple(rows))

    def _table_row(self, key: str, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if row is not None:
            self.open_records(row.records_at(0))
