"""The Placements page's other tabs: annual uplift from the agreements list, weeks and
spend, care leavers' tables, and exporting what is shown."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from placement_desk.app import build_main_window
from placement_desk.lifecycle import Database
from placement_desk.models import AgreementVersion, Child, PlacementEpisode, Provider, Setting
from placement_desk.models.enums import AgreementStatus, SettingType, Sex
from placement_desk.services.agreements.ipa import AgreementForm, create_agreement
from placement_desk.services.agreements.ipa_detail import agreement_detail
from placement_desk.services.agreements.ipa_lifecycle import advance, make_variation
from placement_desk.ui.agreements.step_dialogs import VariationDialog
from placement_desk.ui.agreements.uplift_dialog import UpliftDialog
from placement_desk.ui.placements.page import PlacementsPage
from tests.ui.modal import when_modal

S = AgreementStatus
START = dt.date(2026, 1, 5)
TODAY = dt.date(2026, 3, 16)
"""The day the window works to (a fixed one, whatever the date the tests run)."""


@pytest.fixture
def placed(db: Database) -> uuid.UUID:
    """One child at Oak House (Acorn Care) on £3,500 a week, the agreement active."""
    with db.sessions.begin() as s:
        provider = Provider(name="Acorn Care")
        s.add(provider)
        s.flush()
        setting = Setting(name="Oak House", urn="SC469688",
                          setting_type=SettingType.CHILDRENS_HOME, provider_id=provider.id)
        child = Child(case_ref="C-100")
        s.add_all([setting, child])
        s.flush()
        episode = PlacementEpisode(child_id=child.id, setting_id=setting.id,
                                   start_date=START, placement_type="K2")
        s.add(episode)
        s.flush()
        child_id, setting_id, episode_id = child.id, setting.id, episode.id
    agreement_id = create_agreement(db, AgreementForm(
        reference="IPA-2026-001", child_id=child_id, setting_id=setting_id,
        episode_id=episode_id, start_date=START, placement_type="K2",
        weekly_fee_pence=350_000))
    version = agreement_detail(db, agreement_id).versions[0].id
    for n, step in enumerate((S.ISSUED, S.PROVIDER_SIGNED, S.COUNCIL_SIGNED, S.ACTIVE)):
        advance(db, version, step, "pat.officer",
                dt.datetime.combine(START, dt.time(9 + n)))
    return agreement_id


def _page(qtbot: QtBot, db: Database, tmp_path: Path) -> PlacementsPage:
    win = build_main_window(db, QSettings(str(tmp_path / "ui.ini"),
                                          QSettings.Format.IniFormat), today=TODAY)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.keyClick(win.windowHandle(), Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = win.pages["placements"]
    assert isinstance(page, PlacementsPage)
    return page


def test_uplift_previews_then_applies_a_variation(qtbot: QtBot, db: Database, placed: uuid.UUID,
                                                  tmp_path: Path) -> None:
    page = _page(qtbot, db, tmp_path)
    page.tabs.setCurrentWidget(page.agreements)
    view = page.agreements
    qtbot.waitUntil(lambda: len(view.model.all_rows) == 1)
    view.table.selectRow(0)
    qtbot.mouseClick(view.uplift_button, Qt.MouseButton.LeftButton)
    dialogs = page.findChildren(UpliftDialog)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    dialog.from_date.set_value(dt.date(2026, 4, 1))
    dialog.to_date.set_value(dt.date(2026, 4, 29))  # four weeks
    dialog.percent.set_value(3.5)
    assert dialog.table.rowCount() == 1
    row = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    # £3,500 × 1.035 = £3,622.50: £122.50 a week more, £490.00 over four weeks.
    assert row == ["IPA-2026-001", "C-100", "£3,500.00", "£3,622.50", "£122.50", "£490.00"]
    assert "£490.00 up to the date shown" in dialog.totals.text()

    asked: list[str] = []
    dialog.confirm = lambda text: asked.append(text) is None and False  # the user says No
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert asked and "3.5%" in asked[0] and "01/04/2026" in asked[0]
    with db.sessions() as s:
        assert s.query(AgreementVersion).count() == 1, "nothing changes until confirmed"

    dialog.confirm = lambda _text: True
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == 1
    with db.sessions() as s:
        versions = s.query(AgreementVersion).order_by(AgreementVersion.version_no).all()
        assert [(v.version_no, v.weekly_fee_pence, v.effective_date) for v in versions] == [
            (1, 350_000, START), (2, 362_250, dt.date(2026, 4, 1))]
        assert versions[0].status == S.SUPERSEDED and versions[1].status == S.ACTIVE


def test_weeks_and_spend_by_provider_and_export(qtbot: QtBot, db: Database, placed: uuid.UUID,
                                                tmp_path: Path) -> None:
    page = _page(qtbot, db, tmp_path)
    page.tabs.setCurrentWidget(page.spend)
    spend = page.spend
    spend.start.set_value(dt.date(2026, 1, 5))
    spend.end.set_value(dt.date(2026, 3, 2))  # eight weeks
    spend.group.setCurrentIndex(spend.group.findData("provider"))
    spend.refresh()  # read in a worker: the page stays responsive meanwhile
    assert spend.message.text() == "Working out weeks and spend…"
    assert not spend.export_button.isEnabled()
    qtbot.waitUntil(lambda: spend.message.text().startswith("From 5 January 2026"))
    assert spend.export_button.isEnabled()
    cells = [[spend.table.item(r, c).text() for c in range(4)]
             for r in range(spend.table.rowCount())]
    assert cells[0] == ["Acorn Care", "8.0", "8.0", "£28,000.00"]
    assert cells[-1][0] == "Total" and cells[-1][3] == "£28,000.00"
    spend.export_to(str(tmp_path / "spend.xlsx"))
    sheet = openpyxl.load_workbook(tmp_path / "spend.xlsx").active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == ["Acorn Care", 8.0, 8.0, 28000.0]

    spend.end.set_value(dt.date(2026, 1, 1))  # before the start: said, not crashed
    spend.refresh()
    assert "must end after it starts" in spend.message.text()


def test_care_leavers_tables_count_a_young_person(qtbot: QtBot, db: Database,
                                                  tmp_path: Path) -> None:
    with db.sessions.begin() as s:
        young = Child(case_ref="CL-1", date_of_birth=TODAY.replace(year=TODAY.year - 19)
                      - dt.timedelta(days=1), sex=Sex.FEMALE, uasc=True, needs_level=3)
        s.add(young)
        s.flush()
        s.add(PlacementEpisode(child_id=young.id, start_date=TODAY - dt.timedelta(days=30),
                               placement_type="CL_SL"))
    page = _page(qtbot, db, tmp_path)
    page.tabs.setCurrentWidget(page.leavers)
    view = page.leavers
    assert view.summary.text() == "Counting young people aged 16 to 25…", "read in a worker"
    qtbot.waitUntil(lambda: view.summary.text().startswith("1 young person aged 16 to 25"))
    assert "1 of them unaccompanied" in view.summary.text()
    by_needs = view.tables[1]
    headings = [by_needs.horizontalHeaderItem(c).text() for c in range(by_needs.columnCount())]
    row = next(r for r in range(by_needs.rowCount())
               if "lodgings" in by_needs.item(r, 0).text().lower())
    assert by_needs.item(row, headings.index(next(h for h in headings if "3" in h))).text() \
        == "1"


def test_the_agreement_form_fits_the_screen_and_scrolls(qtbot: QtBot, db: Database,
                                                        placed: uuid.UUID) -> None:
    from placement_desk.ui.agreements.agreement_dialog import AgreementDialog

    dialog = AgreementDialog(db, "pat.officer", TODAY, agreement_id=placed)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    room = dialog.screen().availableGeometry()
    assert dialog.height() <= room.height() - 60 and dialog.width() <= room.width() - 40
    # The rows scroll inside; the buttons stay in view below them.
    assert dialog.rows_scroll.widget() is dialog.form_area
    assert dialog.buttons.geometry().bottom() <= dialog.height()
    assert dialog.rows_scroll.verticalScrollBar().maximum() > 0 or \
        dialog.form_area.height() <= dialog.rows_scroll.viewport().height()


def test_the_list_shows_the_version_in_force_with_a_pending_variation_beside_it(
        qtbot: QtBot, db: Database, placed: uuid.UUID, tmp_path: Path) -> None:
    make_variation(db, placed, dt.date(2026, 4, 1), "Extra staffing",
                   {"weekly_fee_pence": 380_000})
    page = _page(qtbot, db, tmp_path)
    page.tabs.setCurrentWidget(page.agreements)
    view = page.agreements
    qtbot.waitUntil(lambda: len(view.model.all_rows) == 1)
    titles = [c.title for c in view.model.columns]
    cells = {t: view.model.index(0, n).data() for n, t in enumerate(titles)}
    # Once: "Draft" and version 2, hiding the active version 1.
    assert (cells["Version"], cells["Status"], cells["Weekly fee"]) == (
        "1", "Active", "£3,500.00")
    assert cells["Pending variation"] == "Version 2: Draft"


def test_annual_uplift_with_no_active_agreement_says_so(
        qtbot: QtBot, db: Database, placed: uuid.UUID, tmp_path: Path) -> None:
    page = _page(qtbot, db, tmp_path)
    page.tabs.setCurrentWidget(page.agreements)
    view = page.agreements
    qtbot.waitUntil(lambda: len(view.model.all_rows) == 1)
    view.search.setText("no such agreement")
    view.apply_filters()
    qtbot.mouseClick(view.uplift_button, Qt.MouseButton.LeftButton)
    assert page.findChildren(UpliftDialog) == []
    assert view.message.isVisible()
    assert view.message.text().startswith("No active agreement to uplift")


def test_an_empty_variation_reason_keeps_the_dialog_open_with_the_error_beside_it(
        qtbot: QtBot, db: Database, placed: uuid.UUID, tmp_path: Path) -> None:
    page = _page(qtbot, db, tmp_path)
    dialog = page.open_agreement(placed)
    qtbot.addWidget(dialog)
    seen: list[str] = []

    def empty_reason(variation: QDialog) -> None:
        assert isinstance(variation, VariationDialog)
        variation.save()  # no reason typed
        assert variation.isVisible(), "kept open"
        seen.append(variation.errors["variation_reason"].text())
        variation.reason.setText("Extra staffing agreed at review")
        variation.save()

    when_modal(VariationDialog, empty_reason)
    assert dialog.vary()
    assert seen == ["Say why the agreement is being varied."]
    assert dialog.version_combo.count() == 2 and dialog.version_combo.isEnabled()
    dialog.version_combo.setCurrentIndex(0)
    assert not dialog.weekly_fee.isEnabled(), "version 1 opens read-only"
    assert dialog.weekly_fee.pence() == 350_000
