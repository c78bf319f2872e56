"""The QA templates tab: editing areas through the dialog saves a version; visits keep theirs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from placement_desk.app import build_main_window
from placement_desk.lifecycle import Database
from placement_desk.models import QaTemplate, QaTemplateVersion, QaVisit, QaVisitArea, Setting
from placement_desk.models.enums import QaJudgement, QaVisitType, SettingType
from placement_desk.services.qa.templates import CHILDRENS_HOME_STANDARDS
from placement_desk.services.qa.visits import complete_visit, load_visit, start_visit
from placement_desk.ui.qa.page import QaPage
from placement_desk.ui.qa.templates_view import TemplatesView

TODAY = dt.date(2026, 3, 16)
"""The day the window works to (a fixed one, whatever the date the tests run)."""


def _templates(qtbot: QtBot, db: Database, tmp_path: Path) -> TemplatesView:
    win = build_main_window(db, QSettings(str(tmp_path / "ui.ini"),
                                          QSettings.Format.IniFormat), today=TODAY)
    qtbot.addWidget(win)
    win.resize(1280, 860)
    win.show()
    qtbot.waitExposed(win)
    qtbot.keyClick(win.windowHandle(), Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    page = win.pages["qa"]
    assert isinstance(page, QaPage)
    page.tabs.setCurrentWidget(page.templates)
    return page.templates


def _rows(view: TemplatesView) -> dict[str, list[str]]:
    model = view.model
    return {model.index(r, 1).data(): [model.index(r, c).data() for c in (0, 2, 3)]
            for r in range(model.rowCount())}


def _select(view: TemplatesView, type_label: str) -> None:
    row = next(r for r in range(view.model.rowCount())
               if view.model.index(r, 1).data() == type_label)
    view.table.selectRow(row)


@pytest.fixture
def recorded(db: Database) -> QaVisit:
    """A visit to a children's home completed on version 1 of the template."""
    with db.sessions.begin() as s:
        home = Setting(name="Oak House", setting_type=SettingType.CHILDRENS_HOME)
        s.add(home)
        s.flush()
    visit_id = start_visit(db, home.id, TODAY, visit_type=QaVisitType.ANNOUNCED)
    form = load_visit(db, visit_id).form
    form.overall_judgement = QaJudgement.GOOD
    for area in form.areas:
        area.judgement = QaJudgement.GOOD
    complete_visit(db, visit_id, TODAY, form)
    with db.sessions() as s:
        visit = s.get(QaVisit, visit_id)
        assert visit is not None
        return visit


def _visit_areas(db: Database, visit: QaVisit) -> list[str]:
    with db.sessions() as s:
        return list(s.scalars(select(QaVisitArea.area).where(QaVisitArea.visit_id == visit.id)
                              .order_by(QaVisitArea.position)))


def test_editing_a_template_saves_version_2_and_the_recorded_visit_keeps_version_1(
        qtbot: QtBot, db: Database, tmp_path: Path, recorded: QaVisit) -> None:
    view = _templates(qtbot, db, tmp_path)
    rows = _rows(view)
    assert rows["Children's home"] == [
        "Children's homes: quality standards (2015 Regulations)", "1", "9"]
    assert rows["Every other type"][1:] == ["1", "6"]
    _select(view, "Children's home")
    assert view.areas_label.text() == "Areas examined (version 1)"
    assert view.areas.item(0).text() == "1. Quality and purpose of care"

    dialog = view.edit_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.save_button.text() == "Save as version 2"
    assert not dialog.name.isEnabled() or dialog.name.isReadOnly()
    assert dialog.area_names() == list(CHILDRENS_HOME_STANDARDS)

    # Add an area with the keyboard; a repeated one is refused beside the list.
    qtbot.keyClicks(dialog.new_area, "Night-time care")
    qtbot.keyClick(dialog.new_area, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.new_area, "education")
    qtbot.keyClick(dialog.new_area, Qt.Key.Key_Return)
    assert dialog.areas_error.text() == "education is already in the list."
    dialog.new_area.clear()

    # Remove Education, move Care planning up one, rename the first area in place.
    dialog.areas.setCurrentRow(dialog.area_names().index("Education"))
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    dialog.areas.setCurrentRow(dialog.area_names().index("Care planning"))
    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    assert dialog.areas.currentItem().text() == "Care planning", "the moved area stays chosen"
    dialog.areas.setCurrentRow(0)
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    assert dialog.areas.isPersistentEditorOpen(dialog.areas.item(0)) or \
        dialog.areas.state() == dialog.areas.State.EditingState, "Rename edits in place"
    editors = dialog.areas.viewport().findChildren(QLineEdit)
    assert len(editors) == 1
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClicks(editor, "Quality and purpose of care (Reg 6)")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.areas.item(0).text() != "Quality and purpose of care")
    wanted = ["Quality and purpose of care (Reg 6)", "Children's views, wishes and feelings",
              "Enjoyment and achievement", "Health and well-being", "Positive relationships",
              "Protection of children", "Care planning", "Leadership and management",
              "Night-time care"]
    assert dialog.area_names() == wanted
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.saved is not None and dialog.saved.version_no == 2

    with db.sessions() as s:
        versions = {n: list(a) for n, a in s.execute(
            select(QaTemplateVersion.version_no, QaTemplateVersion.areas)
            .join(QaTemplate, QaTemplate.id == QaTemplateVersion.template_id)
            .where(QaTemplate.setting_type == SettingType.CHILDRENS_HOME))}
    assert versions == {1: list(CHILDRENS_HOME_STANDARDS), 2: wanted}
    assert _visit_areas(db, recorded) == list(CHILDRENS_HOME_STANDARDS), \
        "the visit recorded on version 1 keeps its areas"
    assert _rows(view)["Children's home"][1:] == ["2", "9"]
    assert view.message.text().endswith("saved as version 2.")
    assert view.areas_label.text() == "Areas examined (version 2)"

    # A visit started now uses version 2.
    with db.sessions() as s:
        home_id = s.scalar(select(Setting.id).where(Setting.name == "Oak House"))
    assert home_id is not None
    new_visit = start_visit(db, home_id, TODAY)
    assert [a.area for a in load_visit(db, new_visit).form.areas] == wanted


def test_an_empty_list_cannot_be_saved_and_unchanged_areas_add_no_version(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    view = _templates(qtbot, db, tmp_path)
    assert len(_rows(view)) == 3, "the standard templates are there from the start"
    _select(view, "Supported accommodation")
    dialog = view.edit_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.save()
    assert dialog.saved is not None and dialog.saved.version_no == 1
    assert "unchanged: no new version was saved" in view.message.text()

    again = view.edit_dialog()
    assert again is not None
    qtbot.addWidget(again)
    for _area in range(again.areas.count()):
        again.areas.setCurrentRow(0)
        again.remove_area()
    assert not again.save_button.isEnabled(), "a template needs at least one area"
    assert not again.remove_button.isEnabled()


def test_a_new_template_for_a_type_without_one(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    view = _templates(qtbot, db, tmp_path)
    dialog = view.new_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    offered = [dialog.setting_type.itemText(i) for i in range(dialog.setting_type.count())]
    assert "Children's home" not in offered and "Every other type" not in offered, \
        "types that have a template already are not offered"
    assert not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.name, "Fostering agencies: council standards")
    dialog.setting_type.setCurrentIndex(dialog.setting_type.findText(
        "Independent fostering agency"))
    for area in ("Matching", "Carer support"):
        qtbot.keyClicks(dialog.new_area, area)
        qtbot.keyClick(dialog.new_area, Qt.Key.Key_Return)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert _rows(view)["Independent fostering agency"] == [
        "Fostering agencies: council standards", "1", "2"]
