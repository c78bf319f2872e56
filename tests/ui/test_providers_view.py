"""The Providers register: filtering, counts, detail, the setting form, export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from placement_desk.lifecycle import Database, open_database
from placement_desk.models import Child, OfstedInspection, PlacementEpisode, Provider, Setting
from placement_desk.models.enums import (
    InspectionEventType,
    Judgement,
    RiskLevel,
    SettingType,
)
from placement_desk.ui.providers.providers_view import ProvidersView
from placement_desk.ui.providers.setting_dialog import SettingDialog


@pytest.fixture(autouse=True)
def _records(db: Database) -> None:
    """The records every test here starts with."""
    with db.sessions.begin() as s:
        acorn = Provider(name="Acorn Care Ltd")
        s.add(acorn)
        s.flush()
        homes = []
        for i in range(30):
            home = Setting(
                name=f"Home {i:02d}", urn=f"SC{100000 + i}",
                setting_type=SettingType.CHILDRENS_HOME if i % 3 else SettingType.IFA,
                provider_id=acorn.id if i < 10 else None, postcode=f"SM{i % 5} 1AA",
                local_authority="Sutton" if i % 2 else "Merton",
                latest_judgement=Judgement.GOOD if i % 4 else Judgement.INADEQUATE,
                risk_level=RiskLevel.HIGH if i % 4 == 0 else RiskLevel.LOW)
            homes.append(home)
        s.add_all(homes)
        s.flush()
        s.add(OfstedInspection(setting_id=homes[0].id, event_type=InspectionEventType.FULL,
                               inspection_date=dt.date(2024, 2, 1),
                               overall_judgement=Judgement.INADEQUATE))
        child = Child(case_ref="C-7")
        s.add(child)
        s.flush()
        s.add(PlacementEpisode(child_id=child.id, setting_id=homes[0].id,
                               start_date=dt.date(2024, 1, 1), placement_type="K2"))


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def view(qtbot: QtBot, db: Database, settings: QSettings) -> ProvidersView:
    widget = ProvidersView(db, settings)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    widget.reload()
    return widget


def test_the_item_models_pass_the_model_tester(qtmodeltester, view: ProvidersView) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(view.model)


def test_search_and_filters_update_the_count(qtbot: QtBot, view: ProvidersView) -> None:
    assert view.count.text() == "30 of 30 settings"
    qtbot.keyClicks(view.search, "sm3 home")
    view.apply_filters()
    assert view.count.text() == "6 of 30 settings"  # postcodes SM3 1AA: every fifth
    view.search.clear()
    view.combos["judgement"].setCurrentIndex(view.combos["judgement"].findData("inadequate"))
    assert view.count.text() == "8 of 30 settings"
    view.combos["local_authority"].setCurrentIndex(
        view.combos["local_authority"].findData("Merton"))
    assert view.count.text() == "8 of 30 settings"  # every 4th is even, so Merton
    view.combos["in_use"].setCurrentIndex(view.combos["in_use"].findData("yes"))
    assert view.count.text() == "1 of 30 settings"
    view.clear_filters()
    assert view.count.text() == "30 of 30 settings"
    qtbot.keyClicks(view.search, "acorn")
    view.apply_filters()
    assert view.count.text() == "10 of 30 settings", "searches the provider name too"


def test_filters_are_remembered(qtbot: QtBot, db: Database, settings: QSettings,
                                view: ProvidersView) -> None:
    view.combos["risk"].setCurrentIndex(view.combos["risk"].findData("high"))
    qtbot.keyClicks(view.search, "Home")
    view.apply_filters()
    again = ProvidersView(db, settings)
    qtbot.addWidget(again)
    again.reload()
    assert again.search.text() == "Home"
    assert again.combos["risk"].currentData() == "high"
    assert again.count.text() == "8 of 30 settings"


def test_selecting_a_row_shows_its_history_and_placements(view: ProvidersView) -> None:
    view.search.setText("SC100000")
    view.apply_filters()
    view.table.selectRow(0)
    tabs = [view.detail.tabText(i) for i in range(view.detail.count())]
    assert "Ofsted history (1)" in tabs and "Placements (1)" in tabs


def test_the_chosen_setting_stays_chosen_while_a_search_keeps_it(qtbot: QtBot,
                                                                 view: ProvidersView) -> None:
    view.search.setText("SC100000")
    view.apply_filters()
    view.table.selectRow(0)
    chosen = view.selected_id()
    overview = view.detail.widget(0)
    view.search.setText("SC10000")  # a shorter search: more rows, the same one chosen
    view.apply_filters()
    assert view.selected_id() == chosen
    assert view.detail.widget(0) is overview, "its detail was not read again"
    view.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert view.selected_id() == chosen, "sorting keeps it chosen too"
    view.search.setText("no setting is called this")
    view.apply_filters()
    assert view.selected_id() is None
    assert [view.detail.tabText(i) for i in range(view.detail.count())] == ["Overview"]
    assert not view.detail.print_button.isEnabled()


def test_the_form_shows_errors_beside_fields_and_saves(qtbot: QtBot, db: Database,
                                                        view: ProvidersView) -> None:
    dialog = SettingDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    assert all(label.text() == "" for label in dialog.errors.values()), \
        "no error before anything is typed"
    assert dialog.save_button.isEnabled()
    qtbot.keyClick(dialog.windowHandle(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible(), "Save shows what is missing rather than saving"
    assert dialog.errors["name"].text() == "Enter the setting's name."
    assert not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.name, "Willow Lodge")
    qtbot.keyClicks(dialog.urn, "SC100003")
    assert dialog.errors["urn"].text() == "URN SC100003 is already recorded for Home 03."
    assert not dialog.save_button.isEnabled()
    dialog.urn.clear()
    qtbot.keyClicks(dialog.urn, "sc999999")
    qtbot.keyClicks(dialog.postcode, "nonsense")
    assert "is not a UK postcode" in dialog.errors["postcode"].text()
    dialog.postcode.clear()
    qtbot.keyClicks(dialog.postcode, "sm5 2bb")
    assert dialog.save_button.isEnabled()
    qtbot.keyClick(dialog.windowHandle(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == dialog.DialogCode.Accepted
    with db.sessions() as s:
        saved = s.scalars(sa.select(Setting).where(Setting.urn == "SC999999")).one()
        assert (saved.name, saved.postcode) == ("Willow Lodge", "SM5 2BB")


def test_export_writes_only_the_rows_shown(tmp_path: Path, view: ProvidersView) -> None:
    view.combos["setting_type"].setCurrentIndex(view.combos["setting_type"].findData("ifa"))
    out = tmp_path / "view.xlsx"
    view.export_to(str(out))
    rows = list(load_workbook(out).active.values)
    assert rows[0][0] == "OFFICIAL-SENSITIVE"
    assert "Independent fostering agency" in rows[1][0], "the filter is named in the title"
    assert rows[2][:3] == ("URN", "Setting", "Setting type")
    assert len(rows) - 3 == 10
    assert {r[2] for r in rows[3:]} == {"Independent fostering agency"}


def test_an_empty_register_says_what_to_do(qtbot: QtBot, tmp_path: Path,
                                           settings: QSettings) -> None:
    empty_db = open_database(tmp_path / "empty.db")
    try:
        widget = ProvidersView(empty_db, settings)
        qtbot.addWidget(widget)
        widget.show()
        widget.reload()
        assert widget.empty.isVisible()
        assert "Import Ofsted" in widget.empty.text()
        assert widget.count.text() == "0 of 0 settings"
    finally:
        empty_db.close()


@pytest.mark.sqlite_only(reason="only an SQLite file can hold a name longer than its column, "
                                "as names saved before they were limited are")
def test_a_very_long_name_elides_and_never_widens_the_page(
        qtbot: QtBot, db: Database, view: ProvidersView) -> None:
    from placement_desk.ui.common.elide import ElidedLabel

    long_name = "Willow " + "W" * 4993  # 5,000 characters, stored before names were limited
    with db.sessions.begin() as s:
        home = s.scalar(sa.select(Setting).where(Setting.name == "Home 00"))
        assert home is not None
        home.name = long_name
    view.reload()
    view.search.setText("Willow")
    view.apply_filters()
    view.table.selectRow(0)
    assert view.minimumSizeHint().width() < 1366, "the filters stay on the screen"
    assert view.width() <= 1200
    tabs = [view.detail.tabText(i) for i in range(view.detail.count())]
    assert "Provider (10 settings)" in tabs, "the Provider tab is still there"
    overview = view.detail.widget(0)
    shown = [label for label in overview.findChildren(ElidedLabel)
             if label.full_text() == long_name]
    assert len(shown) == 1
    assert shown[0].is_elided() and shown[0].toolTip() == long_name, "whole name on hover"
    name_column = [c.title for c in view.model.columns].index("Name")
    assert view.table.columnWidth(name_column) < 400
    dialog = SettingDialog(db, home.id)
    qtbot.addWidget(dialog)
    assert dialog.name.text() == long_name, "a stored name is shown whole, never cut"
    new = SettingDialog(db)
    qtbot.addWidget(new)
    assert new.name.maxLength() == 200, "a field takes what its column keeps"
    with pytest.MonkeyPatch.context() as patch:  # Save says so rather than cutting it
        patch.setattr(dialog, "accept", lambda: None)
        dialog.save()
    assert dialog.errors["name"].text().startswith("The name is too long: 5,000 characters")
