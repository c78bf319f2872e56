"""The Dashboard drawn on a demo database: filters change the figures, tiles and chart bars open
the records behind them in their lists, charts show values on hover and save themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from placement_desk.app import build_main_window
from placement_desk.db import Database
from placement_desk.models import Child, PlacementEpisode, Setting
from placement_desk.models.enums import SettingType
from placement_desk.services.demo.generator import generate_demo
from placement_desk.services.kpis.common import Table
from placement_desk.ui.dashboard.tables import figures_model, table_model, unregistered_model
from placement_desk.ui.dashboard.view import DashboardView
from placement_desk.ui.main_window import MainWindow

AS_OF = dt.date(2026, 11, 1)
"""The demo's day, and the day the window works to."""


@pytest.fixture
def window(qtbot: QtBot, db: Database, tmp_path: Path) -> Iterator[MainWindow]:
    generate_demo(db.engine, size="small", seed=1, as_of=AS_OF)
    with db.sessions.begin() as s:  # a 16 year old in unregulated semi-independent living
        lodge = s.scalars(select(Setting).where(
            Setting.setting_type == SettingType.SEMI_INDEPENDENT).limit(1)).one()
        child = Child(case_ref="UNREG-1", date_of_birth=dt.date(2010, 6, 1))
        s.add(child)
        s.flush()
        s.add(PlacementEpisode(child_id=child.id, setting_id=lodge.id, placement_type="H5",
                               start_date=dt.date(2025, 1, 1)))
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    win: MainWindow = build_main_window(db, settings, today=AS_OF)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    page = win.pages["dashboard"]
    qtbot.waitUntil(lambda: page.view is not None and page.view.report is not None,  # type: ignore[attr-defined]
                    timeout=30_000)
    yield win
    assert win.ctx.tasks.wait(10_000)


def _view(win: MainWindow) -> DashboardView:
    return win.pages["dashboard"].view  # type: ignore[attr-defined, no-any-return]


def _cell(table: Table, row: str, column: str) -> object:
    found = next(r for r in table.rows if r.label == row)
    return found.values[table.columns.index(column)]


def test_a_filter_changes_the_figures_and_a_bar_opens_its_placements(
        qtbot: QtBot, window: MainWindow) -> None:
    view = _view(window)
    assert view.report is not None
    everyone = view.report.figures["children_looked_after"]
    assert view.tiles["children_looked_after"].value.text() == f"{int(everyone.numerator):,}"
    sixteen_plus = int(_cell(view.report.tables["children_by_type_age"], "Total", "16+"))  # type: ignore[arg-type]
    assert 0 < sixteen_plus < everyone.numerator
    combo = view.bar.combos["age_band"]
    with qtbot.waitSignal(view.drawn, timeout=30_000):
        combo.setCurrentIndex(combo.findData("16+"))  # as a user chooses it
    assert view.report.request.cohort.age_band == "16+"
    assert view.tiles["children_looked_after"].value.text() == f"{sixteen_plus:,}"
    assert "aged 16+" in view.period.text()
    # The stacked bar of fostering, 16 and over: hover shows its value, a click opens them.
    view.tabs.setCurrentIndex(view.tab_index["placements"])
    chart = view.charts["children_by_type_age"]
    qtbot.waitUntil(chart.plot.isVisible)
    bar = next(b for b in chart.bars if b.text.startswith("Fostering, 16+: "))
    count = int(bar.text.rsplit(": ", 1)[1].replace(",", ""))
    assert count == _cell(view.report.tables["children_by_type_age"], "Fostering", "16+")
    where = chart.plot.mapFromScene(chart.scene_point((bar.x0 + bar.x1) / 2,
                                                      (bar.y0 + bar.y1) / 2))
    qtbot.mouseMove(chart.plot.viewport(), where)
    qtbot.waitUntil(lambda: chart.hovered == bar.text)
    qtbot.mouseClick(chart.plot.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.waitUntil(lambda: window.current_key() == "placements")
    episodes = window.pages["placements"].episodes  # type: ignore[attr-defined]
    shown = episodes.model.visible()
    assert {r.id for r in shown} == bar.records.ids  # type: ignore[union-attr]
    assert len(shown) == count
    assert all(r.placement_type in {"U1", "U2", "U3", "U4", "U5", "U6"}
               and r.live_on(AS_OF) for r in shown), "fostering, placed on the day"
    assert episodes.bar.value("date_from") == episodes.bar.value("date_to") == AS_OF
    assert "Fostering, 16+" in episodes.count.text()
    episodes.bar.clear()
    assert len(episodes.model.visible()) == len(episodes.model.all_rows), "Clear shows all"


def test_enter_on_a_tile_opens_the_records_behind_it(qtbot: QtBot, window: MainWindow) -> None:
    view = _view(window)
    assert view.report is not None
    tile = view.tiles["children_looked_after"]
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_key() == "placements")
    episodes = window.pages["placements"].episodes  # type: ignore[attr-defined]
    shown = episodes.model.visible()
    assert len(shown) == view.report.figures["children_looked_after"].numerator
    assert len({r.child_id for r in shown}) == len(shown), "each child once"
    window.show_page("dashboard")
    overdue = view.report.figures["overdue_actions"]
    qtbot.mouseClick(view.tiles["overdue_actions"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_key() == "qa")
    qa = window.pages["qa"]
    actions = qa.action_list  # type: ignore[attr-defined]
    assert qa.tabs.currentWidget() is actions  # type: ignore[attr-defined]
    assert actions.bar.value("due") == "overdue"
    qtbot.waitUntil(lambda: actions.proxy.rowCount() == overdue.numerator)


def test_charts_save_a_picture_and_their_data(window: MainWindow, tmp_path: Path) -> None:
    view = _view(window)
    assert view.report is not None
    chart = view.charts["judgements"]
    picture, data = tmp_path / "judgements.png", tmp_path / "judgements.xlsx"
    chart.save_picture_to(str(picture))
    image = QImage(str(picture))
    assert image.width() > 200 and image.height() > 100
    chart.save_data_to(str(data))
    sheet = openpyxl.load_workbook(data).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    table = view.report.tables["judgements"]
    assert list(rows[0]) == [table.row_heading, *table.columns]
    assert [r[0] for r in rows[1:]] == [r.label for r in table.rows]
    everything = tmp_path / "all.xlsx"
    view.export_all_to(str(everything))
    names = openpyxl.load_workbook(everything).sheetnames
    assert names[0] == "Figures" and len(names) == 1 + len(view.report.tables)


def test_recording_why_a_child_is_in_unregistered_provision(qtbot: QtBot,
                                                            window: MainWindow) -> None:
    view = _view(window)
    assert view.report is not None
    rows = {r.child_ref: r for r in view.unregistered.rows}
    assert rows["UNREG-1"].problem == "Not registered with Ofsted"
    # From 28 October 2023 (when H5 needed registration) was before 1 January 2025: since
    # the placement began.
    assert rows["UNREG-1"].since == dt.date(2025, 1, 1)
    assert view.tabs.tabText(view.tab_index["unregistered"]) == \
        f"Unregistered provision ({len(rows)})"
    view.tabs.setCurrentIndex(view.tab_index["unregistered"])
    position = [r.child_ref for r in view.unregistered.rows].index("UNREG-1")
    view.unregistered_table.selectRow(position)
    dialog = view.record_note()
    assert dialog is not None
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.reason, "No registered supported accommodation would take them")
    qtbot.keyClicks(dialog.action, "Provider applying to register; weekly review")
    dialog.save()
    qtbot.waitUntil(lambda: any(
        r.child_ref == "UNREG-1" and r.action == "Provider applying to register; weekly review"
        for r in view.unregistered.rows), timeout=30_000)


def test_a_period_that_ends_before_it_starts_is_refused(qtbot: QtBot,
                                                        window: MainWindow) -> None:
    view = _view(window)
    view.bar.dates["date_from"].set_value(dt.date(2026, 6, 1))
    view.bar.dates["date_to"].set_value(dt.date(2026, 1, 1))
    qtbot.waitUntil(lambda: "ends before it starts" in view.problem.text())


def test_the_dashboards_item_models_pass_the_model_tester(qtmodeltester, window: MainWindow  # type: ignore[no-untyped-def]
                                                          ) -> None:
    view = _view(window)
    assert view.report is not None
    for table in view.report.tables.values():
        qtmodeltester.check(table_model(table))
    figures = figures_model()
    figures.set_rows(list(view.figures.rows))
    qtmodeltester.check(figures)
    unregistered = unregistered_model()
    unregistered.set_rows(list(view.unregistered.rows))
    qtmodeltester.check(unregistered)


def _table() -> Table:
    return Table("test", "Test", "Name", ("Value",), ())


def test_long_row_names_fit_the_rows_height_and_keep_their_whole_name(qtbot: QtBot) -> None:
    from placement_desk.ui.dashboard.charts import ChartPanel, percent

    names = ["Children's home", "Secure children's home", "Independent fostering agency",
             "Local authority fostering service", "Supported accommodation",
             "Residential special school", "Semi-independent accommodation"]
    panel = ChartPanel("QA-visited by type", percent)
    qtbot.addWidget(panel)
    panel.resize(320, 230)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_bars(_table(), names, [("Visited", [0.8] * 7, [None] * 7)], across=True)
    # Seven rows in a short chart: one line each, the long ones cut short.
    assert all("\n" not in name for name in panel.row_names)
    assert panel.row_names[0] == "Children's home"
    assert panel.row_names[2].endswith("…") and panel.row_names[2] != names[2]
    assert any(names[2] in bar.text for bar in panel.bars), "the tooltip names it whole"
    panel.resize(320, 700)  # room for two lines a row: the names wrap instead
    qtbot.waitUntil(lambda: any("\n" in name for name in panel.row_names))
    assert [name.replace("\n", " ") for name in panel.row_names] == names


def test_two_lines_write_the_lower_points_value_below_it(qtbot: QtBot) -> None:
    import pyqtgraph as pg

    from placement_desk.ui.dashboard.charts import ChartPanel, percent

    panel = ChartPanel("Rated Good or Outstanding", percent)
    qtbot.addWidget(panel)
    panel.show_lines(_table(), ["2025", "2026"],
                     [("By settings", [83.0, 90.0]), ("By children", [84.0, 85.0])])
    labels = {item.toPlainText(): item.anchor for item in panel.plot.getPlotItem().items
              if isinstance(item, pg.TextItem)}
    above, below = pg.Point(0.5, 1.0), pg.Point(0.5, 0.0)
    # 2025: children's 84% is higher than settings' 83%; 2026: settings' 90% is higher.
    assert labels == {"83%": below, "84%": above, "90%": above, "85%": below}
