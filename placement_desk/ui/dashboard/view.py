"""The Dashboard's body: filters, KPI tiles, charts and tables, all from the KPI service.

The figures are worked out off the GUI thread (:class:`~..tasks.LatestRequest`: the
latest request wins). A snapshot of the database is read once and kept until the data
or the period changes, so that another choice of children is only worked out again
from memory. A tile, a bar or a row opens the records behind it: the view asks the hub
to show the list that holds them (:class:`~..hub.NavigationRequest`); it never calls
another page. Charts are built once the window is drawn, when pyqtgraph is imported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError, ValidationError
from ...models.enums import CommissioningRoute
from ...services.common.formatting import MONTHS, date_short
from ...services.kpis import (
    HEADLINES,
    Cohort,
    KpiReport,
    Records,
    Snapshot,
    compute,
    load_snapshot,
    snapshot_dates,
)
from ...services.kpis.common import (
    AGE_BANDS,
    PERIODS,
    KpiRequest,
    Row,
    Table,
    band_label,
    group_choices,
    request_for,
)
from ...services.kpis.definitions import definition, title
from ...services.kpis.unregistered import UnregisteredRow
from ..common.file_dialogs import save_file_name
from ..common.filter_bar import FilterBar
from ..common.list_table import list_table
from ..common.rows import ROW_ROLE, RowTableModel
from ..context import AppContext
from ..hub import NavigationRequest
from ..tasks import LatestRequest
from .tables import (
    FigureLine,
    NoteDialog,
    figures_model,
    table_model,
    unregistered_model,
)
from .tiles import KpiTile

if TYPE_CHECKING:
    from .charts import ChartPanel

COLUMNS = 6
"""Tiles a row."""


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


class DashboardView(QWidget):
    drawn = Signal()
    """New figures have been shown (after every answer)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.snapshot: Snapshot | None = None
        self.report: KpiReport | None = None
        self.reader = LatestRequest(self, ctx.tasks.start)
        self.charts: dict[str, ChartPanel] = {}
        self._build_filters()
        grid = self._build_tiles()
        self._build_tabs()
        self.tabs.setCurrentIndex(int(str(ctx.settings.value("dashboard/tab", 0) or 0)))
        self.tabs.currentChanged.connect(lambda i: ctx.settings.setValue("dashboard/tab", i))
        self._build_messages()
        self._build_layout(grid)

    def _build_filters(self) -> None:
        """The filter bar (period and dates, then who is counted) and the period shown."""
        self.bar = FilterBar(self.ctx.settings, "dashboard", None, "")
        self.bar.add_combo("period", self.tr(PERIODS[0][1]),
                           [(v, self.tr(label)) for v, label in PERIODS[1:]], width=18,
                           tooltip=self.tr("The period the figures cover; dates typed in "
                                           "the From and To boxes win"))
        self.bar.add_dates(self.tr("From"), self.tr("To"))
        self.bar.add_combo("age_band", self.tr("Any age"),
                           [(b, self.tr("Aged {band}").format(band=band_label(b)))
                            for b in AGE_BANDS], row=1,
                           tooltip=self.tr("The child's age on the period's last day"))
        self.bar.add_combo("uasc", self.tr("UASC or not"),
                           [("yes", self.tr("UASC only")), ("no", self.tr("Not UASC"))], row=1,
                           tooltip=self.tr("Unaccompanied asylum-seeking children"))
        self.bar.add_combo("placement_group", self.tr("Any placement type"), group_choices(),
                           row=1, width=14)
        self.bar.add_combo("route", self.tr("Any route"), CommissioningRoute.choices(), row=1,
                           tooltip=self.tr("How the placement was bought"))
        self.bar.add_check("care_leavers", self.tr("Include care leavers (16+)"), row=1)
        self.bar.checks["care_leavers"].setToolTip(self.tr(
            "Count young people aged 18 to 25 in care leavers' accommodation too"))
        self.bar.finish()
        self.bar.changed.connect(self.refilter)
        self.period = QLabel()
        self.period.setWordWrap(True)
        self.period.setAccessibleName(self.tr("Period shown"))

    def _build_tiles(self) -> QGridLayout:
        """The headline figures' tiles, in rows."""
        self.tiles = {key: KpiTile(key, title(key)) for key in HEADLINES}
        grid = QGridLayout()
        grid.setSpacing(6)
        for n, tile in enumerate(self.tiles.values()):
            grid.addWidget(tile, n // COLUMNS, n % COLUMNS)
            tile.activated.connect(self.open_figure)
        for n in range(COLUMNS):
            grid.setColumnStretch(n, 1)
        return grid

    def _build_tabs(self) -> None:
        """The tabs: the charts' places until they are drawn, the unregistered provision list
        and every figure."""
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.placeholders: dict[str, QLabel] = {}
        for name in ("quality", "placements", "spend", "forecast"):
            waiting = QLabel(self.tr("The charts are drawn once the figures are worked out."))
            waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.placeholders[name] = waiting
        self.tab_index: dict[str, int] = {}
        for name, label in (("quality", self.tr("Quality")),
                            ("placements", self.tr("Placements")),
                            ("spend", self.tr("Weeks and spend")),
                            ("forecast", self.tr("Forecast"))):
            self.tab_index[name] = self.tabs.addTab(self.placeholders[name], label)
        self.tab_index["unregistered"] = self.tabs.addTab(
            self._build_unregistered_page(), self.tr("Unregistered provision"))
        self.tab_index["figures"] = self.tabs.addTab(self._build_figures_page(),
                                                     self.tr("All figures"))

    def _build_unregistered_page(self) -> QWidget:
        """The children in unregistered provision, with a note and its buttons above."""
        self.unregistered = unregistered_model()
        self.unregistered_table = list_table(
            self.unregistered, self.tr("Children in unregistered provision"),
            (80, 40, 45, 180, 80, 85, 110, 260, 200))
        self.unregistered_table.setSortingEnabled(False)
        self.unregistered_table.doubleClicked.connect(lambda _i: self.record_note())
        self.note_button = QPushButton(self.tr("Record reason and action…"))
        self.note_button.setToolTip(self.tr("Why the chosen child is there, and what is being "
                                            "done (Enter)"))
        self.note_button.clicked.connect(self.record_note)
        self.open_unregistered = QPushButton(self.tr("Show in Placements"))
        self.open_unregistered.clicked.connect(self._show_unregistered_placement)
        self.export_unregistered = QPushButton(self.tr("Export list…"))
        self.export_unregistered.setToolTip(self.tr("Save the list to Excel, for the DfE or a "
                                                    "Freedom of Information answer"))
        self.export_unregistered.clicked.connect(self._export_unregistered)
        self.unregistered_note = QLabel()
        self.unregistered_note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.unregistered_note, 1)
        for button in (self.note_button, self.open_unregistered, self.export_unregistered):
            buttons.addWidget(button)
        unregistered_page = QWidget()
        column = QVBoxLayout(unregistered_page)
        column.setContentsMargins(4, 4, 4, 4)
        column.addLayout(buttons)
        column.addWidget(self.unregistered_table, 1)
        return unregistered_page

    def _build_figures_page(self) -> QWidget:
        """Every figure in a table, with a line saying what it holds and Export above."""
        self.figures = figures_model()
        self.figures_table = list_table(self.figures, self.tr("Every figure"),
                                        (300, 150, 150, 120, 170, 150, 150))
        self.figures_table.activated.connect(self._figure_row)
        self.export_all = QPushButton(self.tr("Export all figures…"))
        self.export_all.setToolTip(self.tr("Every figure and table, each on its own sheet"))
        self.export_all.clicked.connect(self._export_all)
        figures_page = QWidget()
        column = QVBoxLayout(figures_page)
        column.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Every figure with the period before, what it could not "
                                     "classify and what it counts. Enter opens its records.")),
                      1)
        top.addWidget(self.export_all)
        column.addLayout(top)
        column.addWidget(self.figures_table, 1)
        return figures_page

    def _build_messages(self) -> None:
        """The problem and the empty-database notes, hidden until they are needed."""
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        self.empty = QLabel(self.tr(
            "No data yet. The Dashboard counts the council's placements and the settings they "
            "are in: import Ofsted's provider-level file on the Providers page and your "
            "SSDA903 return on the Placements page (or placement-desk import ofsted FILE), or "
            "explore a demo database made with placement-desk demo."))
        self.empty.setWordWrap(True)
        self.empty.setVisible(False)  # until the figures say the database is empty

    def _build_layout(self, grid: QGridLayout) -> None:
        """Filters, period, notes, tiles, then the tabs taking the room left."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.bar)
        layout.addWidget(self.period)
        layout.addWidget(self.problem)
        layout.addWidget(self.empty)
        layout.addLayout(grid)
        layout.addWidget(self.tabs, 1)

    # -- reading ---------------------------------------------------------------------------

    def request(self) -> KpiRequest:
        values = self.bar.values()
        return request_for(str(values.get("period") or ""), self.ctx.today(),
                           values.get("date_from"), values.get("date_to"),
                           Cohort.from_values(values))

    def reload(self) -> None:
        """The data changed: read it again."""
        self.snapshot = None
        self.refilter()

    def refilter(self) -> None:
        """Work the figures out for the filters chosen, reading again only if the period's
        days changed."""
        try:
            request = self.request()
        except ValidationError as exc:
            self._say(str(exc))
            return
        self.bar.clear_button.setEnabled(not self.bar.is_clear())
        db, kept = self.ctx.db, self.snapshot
        dates = snapshot_dates(request)
        reuse = kept if kept is not None and kept.dates == dates else None

        def work() -> tuple[Snapshot, KpiReport]:
            snap = reuse or load_snapshot(db, dates)
            return snap, compute(snap, request)

        self.period.setText(self.tr("Working out the figures for {period}…").format(
            period=request.describe()))
        self.reader.run(self.tr("Working out the Dashboard's figures"), work, self._show,
                        self._failed, expected=(UserError,))

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self._say(str(exc))
        else:
            self._say(self.tr("The figures could not be worked out; the details are in the "
                              "log. Press F5 to try again."))

    # -- showing ---------------------------------------------------------------------------

    def _show(self, answer: tuple[Snapshot, KpiReport]) -> None:
        self.snapshot, report = answer
        self.report = report
        self._say("")
        self.empty.setVisible(not len(self.snapshot.episodes) and not self.snapshot.settings)
        request = report.request
        before = request.previous()
        self.period.setText(self.tr(
            "{who}: figures for {start} to {end} (on the date: {end}); changes against "
            "{bstart} to {bend}.").format(
            who=request.cohort.describe(), start=date_short(request.start),
            end=date_short(request.end), bstart=date_short(before.start),
            bend=date_short(before.end)))
        since = self.tr("since the period before")
        for key, tile in self.tiles.items():
            tile.show_figure(report.figures[key], report.change(key), since)
        previous = report.previous.figures()
        self.figures.set_rows([(f, previous.get(k), report.change(k))
                               for k, f in report.figures.items()])
        rows = report.current.unregistered.rows
        self.unregistered.set_rows(rows)
        self.unregistered_table.resizeColumnsToContents()
        unchecked = report.current.unregistered.unchecked
        self.tabs.setTabText(self.tab_index["unregistered"],
                             self.tr("Unregistered provision ({n})").format(n=len(rows)))
        self.unregistered_note.setText(self.tr(
            "Children under 18 on {day} placed where the placement needs a registered setting "
            "and is not in one.{more}").format(
            day=date_short(request.at),
            more=self.tr(" {n} placements have no setting recorded and cannot be checked.")
            .format(n=unchecked) if unchecked else ""))
        for button in (self.note_button, self.open_unregistered, self.export_unregistered):
            button.setEnabled(bool(rows))
        self._draw_charts(report)
        self.drawn.emit()

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

    # -- opening records -------------------------------------------------------------------

    def open_figure(self, key: str) -> None:
        if self.report is not None:
            self.open_records(self.report.figures[key].records)

    def open_records(self, records: Records) -> None:
        """Show the list that holds ``records``, narrowed to them."""
        request = self.navigation(records)
        if request is None:
            if records.kind == "unregistered":
                self.tabs.setCurrentIndex(self.tab_index["unregistered"])
                self.unregistered_table.setFocus()
            return
        self.ctx.hub.navigate.emit(request)

    @staticmethod
    def navigation(records: Records) -> NavigationRequest | None:
        """Which page and list hold records of this kind."""
        if records.kind == "episodes":
            return NavigationRequest("placements", "episodes", records.filters,
                                     records.ids, records.label)
        if records.kind == "settings":
            return NavigationRequest("providers", "", records.filters, records.ids,
                                     records.label)
        if records.kind == "actions":
            return NavigationRequest("qa", "actions", records.filters, None, records.label)
        if records.kind in ("reviews", "contracts"):
            return NavigationRequest("contracts", records.kind, records.filters, None,
                                     records.label)
        return None

    def _figure_row(self, index: QModelIndex) -> None:
        line: FigureLine | None = self.figures.row_for(index.row())
        if line is not None:
            self.open_records(line[0].records)

    def _table_row(self, key: str, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if row is not None:
            self.open_records(row.records_at(0))

    # -- unregistered provision ------------------------------------------------------------

    def selected_unregistered(self) -> UnregisteredRow | None:
        rows = self.unregistered_table.selectionModel().selectedRows()
        if rows:
            return self.unregistered.row_for(rows[0].row())
        return self.unregistered.row_for(0)

    def record_note(self) -> NoteDialog | None:
        row = self.selected_unregistered()
        if row is None:
            return None
        dialog = NoteDialog(self.ctx.db, row, self)
        dialog.show()
        return dialog

    def _show_unregistered_placement(self) -> None:
        row = self.selected_unregistered()
        if row is not None:
            self.ctx.hub.navigate.emit(NavigationRequest(
                "placements", "episodes", (), frozenset({row.episode_id}),
                self.tr("{child}, in unregistered provision").format(child=row.child_ref)))

    def _export_unregistered(self) -> None:
        name = save_file_name(self, self.tr("Export the children in unregistered provision"),
                              "unregistered-provision.xlsx", self.tr("Excel workbook (*.xlsx)"))
        if name:
            self.export_unregistered_to(name)

    def export_unregistered_to(self, path: str) -> None:
        from ...io.table_export import write_table

        columns = [c.title for c in self.unregistered.columns]
        write_table(path, columns, [[c.text(r) for c in self.unregistered.columns]
                                    for r in self.unregistered.rows],
                    sheet="Unregistered provision")

    def _export_all(self) -> None:
        name = save_file_name(self, self.tr("Export every figure"), "kpis.xlsx",
                              self.tr("Excel workbook (*.xlsx)"))
        if name:
            self.export_all_to(name)

    def export_all_to(self, path: str) -> None:
        from ...io.table_export import write_tables

        if self.report is None:
            return
        figures: list[list[object]] = [
            [c.text(line) for c in self.figures.columns] for line in self.figures.rows]
        sheets: list[Any] = [("Figures", [c.title for c in self.figures.columns], figures)]
        seen: set[str] = {"Figures"}
        for table in self.report.tables.values():
            name, headings, rows = table.as_sheet()
            while name in seen:
                name = name[:28] + f" {len(seen)}"
            seen.add(name)
            sheets.append((name, headings, rows))
        write_tables(path, sheets)

    def focus_first_tile(self) -> None:
        next(iter(self.tiles.values())).setFocus(Qt.FocusReason.OtherFocusReason)

    def table_views(self) -> list[QTableView]:
        return [self.unregistered_table, self.figures_table]
