"""The Dashboard's body: filters, KPI tiles, charts and tables, all from the KPI service.

The figures are worked out off the GUI thread (:class:`~..tasks.LatestRequest`: the
latest request wins). A snapshot of the database is read once and kept until the data
or the period changes, so that another choice of children is only worked out again
from memory. A tile, a bar or a row opens the records behind it: the view asks the hub
to show the list that holds them (:class:`~..hub.NavigationRequest`); it never calls
another page. The chart tabs (:mod:`.chart_tabs`) are built once the window is drawn,
when pyqtgraph is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError, ValidationError
from ...models.enums import CommissioningRoute
from ...services.common.formatting import date_short
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
    band_label,
    group_choices,
    request_for,
)
from ...services.kpis.definitions import title
from ...services.kpis.unregistered import UnregisteredRow
from ..common.file_dialogs import save_file_name
from ..common.filter_bar import FilterBar
from ..common.list_table import list_table
from ..context import AppContext
from ..hub import NavigationRequest
from ..tasks import LatestRequest
from .chart_tabs import ChartTabs
from .tables import (
    FigureLine,
    NoteDialog,
    figures_model,
    unregistered_model,
)
from .tiles import KpiTile

if TYPE_CHECKING:
    from .charts import ChartPanel

COLUMNS = 6
"""Tiles a row."""


class DashboardView(ChartTabs):
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
