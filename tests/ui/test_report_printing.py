"""Printing from the window: a provider's review pack from its setting, and the packs of the
providers with a review due, each in the background with progress."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from placement_desk.lifecycle import Database
from placement_desk.models import Setting
from placement_desk.models.enums import SettingType
from placement_desk.ui.contracts.reviews_view import ReviewsView
from placement_desk.ui.providers.providers_view import ProvidersView
from placement_desk.ui.reports.batch_dialog import (
    BatchPacksDialog,
    PrintPacksButton,
    default_due_before,
)
from placement_desk.ui.tasks import TaskRunner

from ..reports.pdf_tools import flat, needs_poppler, pages
from ..services.reports.pack_world import TODAY, World, build


@pytest.fixture
def world(db: Database) -> World:
    found = build(db)
    with db.write() as s:
        s.add(Setting(name="Loose Home", urn="SC300003", setting_type=SettingType.CHILDRENS_HOME))
    return found


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def runner(qtbot: QtBot) -> TaskRunner:
    tasks = TaskRunner()
    yield tasks
    tasks.wait()


def _select(view: ProvidersView, text: str) -> None:
    view.search.setText(text)
    view.apply_filters()
    view.table.selectRow(0)


@needs_poppler
def test_the_setting_detail_prints_its_providers_pack_in_the_background(
        qtbot: QtBot, db: Database, world: World, settings: QSettings, runner: TaskRunner,
        tmp_path: Path) -> None:
    view = ProvidersView(db, settings, start_task=runner.start, today=lambda: TODAY)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    view.reload()
    _select(view, "SC300003")
    assert not view.detail.print_button.isEnabled(), "no provider, no pack"
    _select(view, "SC100001")
    assert view.detail.print_button.isEnabled()
    assert view.detail.provider == (world.acorn, "Acorn Care")
    out = tmp_path / "pack.pdf"
    task = view.printer.print_to(world.acorn, out)
    assert task is not None
    qtbot.waitUntil(lambda: "Review pack saved" in view.print_note.full_text(),
                    timeout=30_000)
    assert view.printer.last == out
    assert "£259,771.43 in the period" in flat("\n".join(pages(out)))


def test_a_pack_that_cannot_be_saved_is_told_in_words(
        qtbot: QtBot, db: Database, world: World, settings: QSettings, tmp_path: Path) -> None:
    view = ProvidersView(db, settings, today=lambda: TODAY)  # no runner: runs at once
    qtbot.addWidget(view)
    view.reload()
    _select(view, "SC100001")
    view.printer.print_to(world.acorn, tmp_path / "nowhere" / "pack.pdf")
    assert view.print_note.full_text().startswith(
        "The review pack was not saved: The folder")
    assert not (tmp_path / "nowhere").exists()


def test_the_end_of_next_month_is_the_default_for_reviews_due() -> None:
    assert default_due_before(dt.date(2026, 3, 31)) == dt.date(2026, 5, 1)
    assert default_due_before(dt.date(2026, 11, 15)) == dt.date(2027, 1, 1)
    assert default_due_before(dt.date(2026, 12, 1)) == dt.date(2027, 2, 1)


@needs_poppler
def test_the_batch_dialog_counts_prints_and_lists_the_packs(
        qtbot: QtBot, db: Database, world: World, runner: TaskRunner, tmp_path: Path) -> None:
    dialog = BatchPacksDialog(db, runner.start, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.print_button.isEnabled(), "no folder chosen yet"
    dialog.due_before.edit.setText("15/03/2026")
    assert dialog.count.text() == "1 provider has a contract review due before 15/03/2026."
    dialog.due_before.edit.setText("01/04/2026")
    dialog.set_folder(tmp_path)
    assert dialog.count.text() == "2 providers have a contract review due before 01/04/2026."
    assert dialog.print_button.isEnabled()
    dialog.print_button.click()
    qtbot.waitUntil(lambda: dialog.outcome.isVisible(), timeout=60_000)
    assert dialog.outcome.toPlainText().startswith(f"2 of 2 packs saved in {tmp_path}")
    assert len(list(tmp_path.glob("Review pack *.pdf"))) == 2
    assert (tmp_path / "Review packs index 2026-03-31.pdf").is_file()


def test_the_reviews_tab_offers_the_packs_for_reviews_due(qtbot: QtBot, db: Database,
                                                          settings: QSettings) -> None:
    from placement_desk.ui.context import AppContext
    from placement_desk.ui.hub import Hub

    ctx = AppContext(db, settings, Hub(), TaskRunner(), today=lambda: TODAY)
    view = ReviewsView(ctx)
    qtbot.addWidget(view)
    view.today = TODAY
    [button] = view.findChildren(PrintPacksButton)
    dialog = button.open_dialog()  # closes itself away (deleted on close)
    assert dialog.today == TODAY
    assert dialog.due_before.value() == dt.date(2026, 5, 1)
    dialog.close()
