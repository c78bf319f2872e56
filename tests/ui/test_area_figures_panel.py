"""The Providers page's comparison: the settings the council uses beside a local
authority area, its region and England; and the latest judgement column's words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from placement_desk.lifecycle import Database
from placement_desk.models import Child, OfstedInspection, PlacementEpisode, Setting
from placement_desk.models.enums import InspectionEventType, Judgement, SettingType
from placement_desk.services.common.settings_store import set_setting
from placement_desk.ui.providers.area_figures_panel import AREA_KEY, AreaFiguresPanel
from placement_desk.ui.providers.providers_view import ProvidersView

TODAY = dt.date(2025, 6, 2)


@pytest.fixture
def register(db: Database) -> Database:
    with db.sessions.begin() as s:
        set_setting(s, "council.name", "London Borough of Sutton")
        rows = [("SC1", SettingType.CHILDRENS_HOME, Judgement.GOOD, "Sutton", "London"),
                ("SC2", SettingType.CHILDRENS_HOME, Judgement.INADEQUATE, "Sutton", "London"),
                ("SC3", SettingType.CHILDRENS_HOME, Judgement.OUTSTANDING, "Merton", "London"),
                ("SC4", SettingType.IFA, Judgement.GOOD, "Leeds", "Yorkshire and The Humber"),
                ("SC5", SettingType.CHILDRENS_HOME, None, "Leeds", "Yorkshire and The Humber")]
        settings = {urn: Setting(name=f"Home {urn}", urn=urn, setting_type=kind,
                                 latest_judgement=judged, local_authority=area, region=region)
                    for urn, kind, judged, area, region in rows}
        s.add_all(settings.values())
        s.flush()
        s.add(OfstedInspection(setting_id=settings["SC5"].id,
                               event_type=InspectionEventType.MONITORING,
                               inspection_date=dt.date(2024, 12, 3),
                               overall_judgement=Judgement.GOOD))
        for urn in ("SC2", "SC3"):
            child = Child(case_ref=f"C-{urn}")
            s.add(child)
            s.flush()
            s.add(PlacementEpisode(child_id=child.id, setting_id=settings[urn].id,
                                   start_date=dt.date(2025, 1, 1), placement_type="K2"))
    return db


def _cells(panel: AreaFiguresPanel) -> list[list[str]]:
    table = panel.table
    return [[table.horizontalHeaderItem(c).text() for c in range(table.columnCount())],
            *([table.item(r, c).text() for c in range(table.columnCount())]
              for r in range(table.rowCount()))]


def test_the_council_is_compared_with_its_area_region_and_england(
        qtbot: QtBot, register: Database, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    panel = AreaFiguresPanel(register, settings, today=lambda: TODAY)
    qtbot.addWidget(panel)
    panel.resize(1100, 300)
    panel.show()
    panel.reload()
    assert panel.area.currentText() == "Sutton", "the council's own area, from its name"
    assert panel.summary.text() == (
        "Good or Outstanding: Settings you use 50.0% (1 of 2) · Sutton 50.0% (1 of 2) · "
        "London 66.7% (2 of 3) · England 75.0% (3 of 4)")
    panel.toggle.setChecked(True)
    assert panel.table.isVisible()
    assert _cells(panel) == [
        ["Setting type", "Settings you use", "Sutton", "London", "England"],
        ["All registered settings", "50.0% (1 of 2)", "50.0% (1 of 2)", "66.7% (2 of 3)",
         "75.0% (3 of 4)"],
        ["Children's home", "50.0% (1 of 2)", "50.0% (1 of 2)", "66.7% (2 of 3)",
         "66.7% (2 of 3)"],
        ["Independent fostering agency", "none judged", "none judged", "none judged",
         "100.0% (1 of 1)"]]
    panel.area.setCurrentIndex(panel.area.findData("Leeds"))
    assert _cells(panel)[0] == ["Setting type", "Settings you use", "Leeds",
                                "Yorkshire and The Humber", "England"]
    assert settings.value(AREA_KEY) == "Leeds"
    again = AreaFiguresPanel(register, settings, today=lambda: TODAY)
    qtbot.addWidget(again)
    again.reload()
    assert again.area.currentText() == "Leeds", "the chosen area is remembered"
    assert again.toggle.isChecked(), "and whether the table was shown"


def test_an_empty_register_says_what_to_import(qtbot: QtBot, db: Database,
                                               tmp_path: Path) -> None:
    panel = AreaFiguresPanel(db, QSettings(str(tmp_path / "ui.ini"),
                                           QSettings.Format.IniFormat), today=lambda: TODAY)
    qtbot.addWidget(panel)
    panel.reload()
    assert "import Ofsted's provider-level file" in panel.summary.text()
    assert panel.table.rowCount() == 0


def test_the_latest_judgement_column_says_which_kind_of_inspection_gave_it(
        qtbot: QtBot, register: Database, tmp_path: Path) -> None:
    view = ProvidersView(register, QSettings(str(tmp_path / "ui.ini"),
                                                      QSettings.Format.IniFormat))
    qtbot.addWidget(view)
    view.reload(TODAY)
    column = [c.title for c in view.model.columns].index("Latest judgement")
    shown = {view.model.index(r, 0).data(): view.model.index(r, column).data()
             for r in range(view.model.rowCount())}
    assert shown["SC1"] == "Good (full inspection)"
    assert shown["SC5"] == "Good (monitoring inspection)"
    view.combos["judgement"].setCurrentIndex(view.combos["judgement"].findData("none"))
    assert view.count.text() == "1 of 5 settings", \
        "a monitoring judgement leaves the setting not yet judged"
