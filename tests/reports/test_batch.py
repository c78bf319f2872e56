"""Printing the packs of every provider with a review due: one PDF each, an index, failures
reported while the rest go on, progress and cancel; and the report commands."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from placement_desk.lifecycle import Database
from placement_desk.progress import Cancelled, TaskState
from placement_desk.reports.batch import check_folder, due_for_packs, write_packs
from tests.backend import target

from ..services.reports.pack_world import TODAY, World, build
from .pdf_tools import flat, fonts, needs_poppler, pages

pytestmark = needs_poppler
D = dt.date


@pytest.fixture
def world(db: Database) -> World:
    return build(db)


def test_providers_due_before_a_date_are_those_whose_review_falls_before_it(
        db: Database, world: World) -> None:
    # Acorn's signed-off review set 15/03/2026; Birch, never reviewed, is due six months
    # after its child's placement began on 01/04/2025.
    assert [(r.provider_name, r.due) for r in due_for_packs(db, D(2026, 4, 1), TODAY)] == [
        ("Birch Ltd", D(2025, 10, 1)), ("Acorn Care", D(2026, 3, 15))]
    assert [r.provider_name for r in due_for_packs(db, D(2026, 3, 15), TODAY)] == ["Birch Ltd"]


def test_a_batch_writes_a_pack_each_and_an_index(db: Database, world: World,
                                                 tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    result = write_packs(db, tmp_path, D(2026, 4, 1), TODAY,
                         TaskState(lambda *step: seen.append(step), min_interval=0))
    assert [o.provider for o in result.written] == ["Birch Ltd", "Acorn Care"]
    assert result.failed == [] and not result.cancelled
    names = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert names == ["Review pack Acorn Care 2026-03-31.pdf",
                     "Review pack Birch Ltd 2026-03-31.pdf",
                     "Review packs index 2026-03-31.pdf"]
    assert ("Writing review packs", 0, 2) in seen and ("Writing review packs", 2, 2) in seen
    acorn = flat("\n".join(pages(tmp_path / "Review pack Acorn Care 2026-03-31.pdf")))
    assert "£259,771.43 in the period" in acorn
    index = flat("\n".join(pages(tmp_path / "Review packs index 2026-03-31.pdf")))
    assert "2 of 2 packs written." in index
    assert "Birch Ltd 01/10/2025 Overdue 1" in index
    assert "Acorn Care 15/03/2026 Overdue 2" in index
    for pdf in tmp_path.glob("*.pdf"):
        assert all(f.embedded for f in fonts(pdf))
        assert all("OFFICIAL-SENSITIVE" in p for p in pages(pdf))


def test_a_pack_that_cannot_be_written_is_reported_and_the_rest_go_on(
        db: Database, world: World, tmp_path: Path) -> None:
    (tmp_path / "Review pack Birch Ltd 2026-03-31.pdf").mkdir()  # in the way of Birch's pack
    result = write_packs(db, tmp_path, D(2026, 4, 1), TODAY)
    assert [o.provider for o in result.written] == ["Acorn Care"]
    [failed] = result.failed
    assert failed.provider == "Birch Ltd" and "is a folder" in failed.problem
    index = flat("\n".join(pages(tmp_path / "Review packs index 2026-03-31.pdf")))
    assert "1 of 2 packs written; 1 could not be written" in index
    assert "is a folder" in index


def test_cancel_stops_between_packs_keeps_what_was_written_and_lists_it(
        db: Database, world: World, tmp_path: Path) -> None:
    def stop_after_first(step: str, done: int, _total: int) -> None:
        if step == "Writing review packs" and done == 1:
            state.cancel()

    state = TaskState(stop_after_first, min_interval=0)
    with pytest.raises(Cancelled):
        write_packs(db, tmp_path, D(2026, 4, 1), TODAY, state)
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == [
        "Review pack Birch Ltd 2026-03-31.pdf", "Review packs index 2026-03-31.pdf"]
    index = flat("\n".join(pages(tmp_path / "Review packs index 2026-03-31.pdf")))
    assert "1 of 2 packs written. The batch was stopped before the rest." in index
    assert "Not printed: the batch was stopped first." in index
    assert not list(tmp_path.glob("*.tmp"))


def test_the_folder_must_exist_and_be_a_folder(tmp_path: Path) -> None:
    from placement_desk.errors import UserError

    with pytest.raises(UserError, match="does not exist"):
        check_folder(tmp_path / "nowhere")
    (tmp_path / "file").write_text("x")
    with pytest.raises(UserError, match="is a file"):
        check_folder(tmp_path / "file")


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "placement_desk", *map(str, args)],
                          capture_output=True, text=True, timeout=180,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, check=False)


def test_the_report_commands_print_a_pack_and_a_batch(db: Database, world: World,
                                                      tmp_path: Path) -> None:
    path = target(db)
    db.close()
    out = tmp_path / "acorn.pdf"
    done = _run("--db", path, "report", "provider", "SC100001", "--out", out,
                "--today", "31/03/2026")
    assert done.returncode == 0, done.stderr
    assert "£259,771.43 in the period" in flat("\n".join(pages(out)))
    missing = _run("--db", path, "report", "provider", "SC999999", "--out", tmp_path / "x.pdf")
    assert missing.returncode == 2 and "No provider" in missing.stderr
    assert "SC999999" not in missing.stderr
    folder = tmp_path / "packs"
    folder.mkdir()
    done = _run("--db", path, "report", "packs", "--due-before", "2026-04-01", "--out", folder,
                "--today", "2026-03-31")
    assert done.returncode == 0, done.stderr
    assert "Wrote 2 of 2 review packs" in done.stdout
    assert len(list(folder.glob("*.pdf"))) == 3
    bad = _run("--db", path, "report", "packs", "--due-before", "31/02/2026", "--out", folder)
    assert bad.returncode == 2 and "is not a date" in bad.stderr
