"""kill -9 during the Ofsted, SSDA903 and spreadsheet imports and the demo: the database is sound
after every kill and holds none or all of the import (a few kills here; ``make bench``
runs twenty and records how many were survived)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.kill_harness import kill_imports

pytestmark = pytest.mark.sqlite_only(reason="kill -9 against a database file and its journal")


def test_the_database_survives_kill_9_during_imports_and_the_demo(tmp_path: Path) -> None:
    report = kill_imports(tmp_path, kills=5, ofsted_rows=2500, episodes=3000, seed=11,
                          demo_kills=1)
    assert report.failures == []
    assert report.kills == 6 and report.survived == 6
    assert report.held_none + report.held_all == 6
    assert report.finished_first < report.kills, "at least one kill landed while it ran"


def test_the_database_survives_kill_9_during_a_restore(tmp_path: Path) -> None:
    from bench.kill_harness import kill_restores

    report = kill_restores(tmp_path, kills=2, seed=7)
    assert report.failures == []
    assert report.kills == 2 and report.survived == 2
    assert report.held_none + report.held_all == 2
