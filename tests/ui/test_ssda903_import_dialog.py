"""Importing an SSDA903 return through the dialog: progress, summary, problems, report."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from openpyxl import load_workbook
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from placement_desk.lifecycle import Database
from placement_desk.models import Child, PlacementEpisode
from placement_desk.ui.placements.ssda903_import_dialog import (
    COL_COLUMN,
    COL_MESSAGE,
    COL_ROW,
    COL_RULE,
    Ssda903ImportDialog,
)
from placement_desk.ui.tasks import TaskRunner
from tests.reference import SSDA903, need


def _dialog(qtbot: QtBot, db: Database) -> tuple[Ssda903ImportDialog, TaskRunner, list[Any]]:
    runner = TaskRunner()
    done: list[Any] = []
    dialog = Ssda903ImportDialog(db, runner.start, on_done=done.append)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, runner, done


def _count(db: Database, model: type) -> int:
    with db.sessions() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_the_example_files_import_and_the_problems_are_listed_and_saved(
        qtbot: QtBot, db: Database, tmp_path: Path, qtmodeltester: ModelTester) -> None:
    header, episodes = need(SSDA903 / "header.csv"), need(SSDA903 / "episodes.csv")
    with open(episodes, encoding="utf-8-sig", newline="") as fh:
        episode_rows = sum(1 for _ in csv.DictReader(fh))
    dialog, runner, done = _dialog(qtbot, db)
    assert not dialog.import_button.isEnabled(), "no files chosen yet"
    qtbot.keyClicks(dialog.header_edit, str(header))
    assert not dialog.import_button.isEnabled(), "the episodes file is still missing"
    qtbot.keyClicks(dialog.episodes_edit, str(episodes))
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "Import finished" in dialog.step.text(), timeout=30_000)
    summary = done[0]
    assert f"Episodes: {summary.episodes_new:,} new" in dialog.outcome.text()
    assert summary.episodes_new == _count(db, PlacementEpisode) == episode_rows
    assert _count(db, Child) == summary.children_new > 0
    problems = len(summary.problems)
    assert dialog.problems_label.text().startswith(f"{problems:,} problems:")
    assert dialog.table.isVisibleTo(dialog)
    model = dialog.table.model()
    assert model.rowCount() == problems > 0
    first = summary.problems[0]
    assert model.index(0, COL_RULE).data() == first.code
    assert model.index(0, COL_ROW).data() == f"{first.row:,}"
    assert model.index(0, COL_COLUMN).data() == first.columns
    assert model.index(0, COL_MESSAGE).data() == first.message
    assert "Every row was imported" in dialog.outcome.text()
    assert "rules of 2023-24" in dialog.outcome.text(), "the nearest year to the latest episode"
    assert "By rule: 148 × 1,413, 178 × 1,105" in dialog.problems_label.text()
    qtmodeltester.check(dialog.model)
    assert dialog.cancel_button.text() == "Close"

    assert dialog.save_button.isEnabled()
    out = tmp_path / "problems.xlsx"
    dialog.save_report(out)
    qtbot.waitUntil(lambda: dialog.report_path is not None, timeout=30_000)
    assert "Report saved" in dialog.step.text()
    book = load_workbook(out, read_only=True)
    assert book.active is not None
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    assert len(rows) == problems + 1
    assert rows[1][0] == first.code
    assert rows[1][4:6] == (first.row, first.columns)
    assert book.sheetnames == ["Problems", "By rule"]
    runner.wait()


def test_a_file_that_is_not_a_903_file_changes_nothing(qtbot: QtBot, db: Database,
                                                       tmp_path: Path) -> None:
    bad = tmp_path / "budget.csv"
    bad.write_text("Cost centre,Amount\nA1,100\n", encoding="utf-8")
    dialog, runner, done = _dialog(qtbot, db)
    dialog.set_files(bad, bad)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "database is unchanged" in dialog.step.text(), timeout=10_000)
    assert "budget.csv" in dialog.outcome.text()
    assert "no CHILD column" in dialog.outcome.text()
    assert not done
    assert _count(db, Child) == 0
    runner.wait()


def test_cancel_leaves_the_database_unchanged(qtbot: QtBot, db: Database) -> None:
    header, episodes = need(SSDA903 / "header.csv"), need(SSDA903 / "episodes.csv")
    dialog, runner, done = _dialog(qtbot, db)
    dialog.set_files(header, episodes)
    dialog.import_button.click()
    dialog.cancel_or_close()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=30_000)
    assert "cancelled" in dialog.step.text()
    assert not done
    assert _count(db, Child) == _count(db, PlacementEpisode) == 0
    runner.wait()


def test_rows_imported_with_problems_say_so_and_the_list_is_not_squeezed(
        qtbot: QtBot, db: Database, tmp_path: Path, qtmodeltester: ModelTester) -> None:
    from placement_desk.io.ssda903_records import EPISODE_COLUMNS

    children = [f"C{n}" for n in range(1, 21)]
    header = tmp_path / "header.csv"
    header.write_text("CHILD,SEX,DOB,ETHNIC\n" + "".join(
        f"{c},1,01/02/2010,WBRI\n" for c in children), encoding="utf-8")
    episodes = tmp_path / "episodes.csv"
    # Every row can be used, but a T2 placement (temporary) is given a URN: a 903 error.
    episodes.write_text(",".join(EPISODE_COLUMNS) + "\n" + "".join(
        f"{c},01/04/2021,S,C2,N1,T2,PR1,,,,,,SC900001\n" for c in children), encoding="utf-8")
    dialog, _runner, done = _dialog(qtbot, db)
    dialog.set_files(header, episodes)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "Import finished" in dialog.step.text(), timeout=30_000)
    summary = done[0]
    assert summary.rows_rejected == 0 and summary.errors >= 20
    text = dialog.outcome.text()
    assert "Rows not imported: 0" not in text, "not beside thousands of errors"
    assert "Every row was imported (40)." in text
    assert f"found {summary.errors:,} errors and {summary.warnings:,} warnings in the rows " \
           "imported" in text
    assert "Files: header.csv and episodes.csv" in text, "names, not long paths"
    rows_shown = dialog.table.viewport().height() // dialog.table.rowHeight(0)
    assert rows_shown >= 8, "the problems list is never squeezed to a line"
    outcome = dialog.outcome
    assert outcome.height() >= outcome.heightForWidth(outcome.width()), "summary in full"
    qtmodeltester.check(dialog.model)
    qtmodeltester.check(dialog.proxy)
def test_the_collection_year_chosen_decides_the_rules(qtbot: QtBot, db: Database,
                                                       tmp_path: Path) -> None:
    header = tmp_path / "header.csv"
    header.write_text("CHILD,SEX,DOB,ETHNIC\nC1,M,01/02/2010,WBRI\n", encoding="utf-8")
    episodes = tmp_path / "episodes.csv"
    episodes.write_text("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,"
                        "REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
                        "C1,01/05/2025,S,C2,N1,Z11,,,,,,,\n", encoding="utf-8")
    dialog, runner, done = _dialog(qtbot, db)
    dialog.set_files(header, episodes)
    years = [dialog.year_combo.itemText(i) for i in range(dialog.year_combo.count())]
    assert years == ["The year of the latest episode", "2025-26", "2024-25", "2023-24"]
    dialog.year_combo.setCurrentIndex(years.index("2023-24"))
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "Import finished" in dialog.step.text(), timeout=30_000)
    assert "rules of 2023-24 (chosen)" in dialog.outcome.text()
    assert "Every row was imported (2)" in dialog.outcome.text()
    assert {p.code for p in done[0].problems} == {
        "101", "146", "218"}
    runner.wait()
