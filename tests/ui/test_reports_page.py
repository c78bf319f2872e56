"""The Reports page: a provider's pack, the packs for reviews due, the sufficiency appendix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from placement_desk.lifecycle import Database
from placement_desk.ui.context import AppContext
from placement_desk.ui.hub import Hub
from placement_desk.ui.reports.batch_dialog import PrintPacksButton
from placement_desk.ui.reports.reports_view import ReportsView, last_31_march
from placement_desk.ui.tasks import TaskRunner

from ..services.reports.appendix_world import build

TODAY = dt.date(2026, 4, 2)


@pytest.fixture
def view(qtbot: QtBot, db: Database, tmp_path: Path) -> Iterator[ReportsView]:
    build(db)
    tasks = TaskRunner()
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    widget = ReportsView(AppContext(db, settings, Hub(), tasks, today=lambda: TODAY))
    qtbot.addWidget(widget)
    widget.resize(1366, 700)
    widget.show()
    widget.reload()
    yield widget
    tasks.wait()


def test_the_appendix_defaults_to_the_last_financial_year_end() -> None:
    assert last_31_march(dt.date(2026, 4, 2)) == dt.date(2026, 3, 31)
    assert last_31_march(dt.date(2026, 3, 30)) == dt.date(2025, 3, 31)
    assert last_31_march(dt.date(2026, 3, 31)) == dt.date(2026, 3, 31)


def test_the_page_lists_providers_and_offers_the_packs_for_reviews_due(
        view: ReportsView) -> None:
    assert [view.provider.itemText(i) for i in range(view.provider.count())] == ["Acorn Care"]
    assert view.pack_button.isEnabled()
    assert view.findChildren(PrintPacksButton) == [view.packs_button]
    assert view.at.value() == dt.date(2026, 3, 31) and view.start.value() is None


def test_the_appendix_is_written_in_the_background_and_said(
        qtbot: QtBot, view: ReportsView, tmp_path: Path) -> None:
    period = view.period()
    assert period is not None and period.label == "1 April 2025 to 31 March 2026"
    out = tmp_path / "appendix.xlsx"
    assert view.write_appendix(out, period) is not None
    qtbot.waitUntil(lambda: "saved to" in view.appendix_note.full_text(), timeout=60_000)
    assert view.appendix_note.full_text() == f"Appendix as on 31/03/2026 saved to {out}."
    book = load_workbook(out, read_only=True)
    assert "Spend by route" in book.sheetnames
    book.close()


def test_dates_that_will_not_do_are_said_and_nothing_is_written(view: ReportsView) -> None:
    view.start.edit.setText("01/04/2026")
    assert view.period() is None
    assert view.appendix_note.full_text() == "The period starts after the date it is as on."
    view.start.edit.setText("")
    view.at.edit.setText("31/02/2026")
    assert view.period() is None
    assert "Enter the date" in view.appendix_note.full_text()
