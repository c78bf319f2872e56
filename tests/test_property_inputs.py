"""Random and malformed cells, rows, files and forms for every reader and validator: each
returns or refuses with a clear message (a UserError), never an unhandled exception, and
a refused import leaves the database exactly as it was. (bench/fuzz_inputs.py holds the
targets; ``make bench`` runs many more inputs and records how many.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.fuzz_inputs import TRIED, targets
from placement_desk.lifecycle import Database

EXAMPLES = int(os.environ.get("PLACEMENT_DESK_FUZZ_EXAMPLES", "30"))
NAMES = ["cells", "typed_entries", "ssda903_rows", "ssda903_files_read", "ofsted_file",
         "postcode_file", "garbage_files", "child_forms", "episode_forms", "setting_forms",
         "council_settings", "ssda903_import", "sheet_import"]


def test_every_target_is_run_here(tmp_path: Path, db: Database) -> None:
    assert sorted(targets(tmp_path, 1, db)) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_random_input_is_answered_or_refused_never_a_crash(
        name: str, tmp_path: Path, db: Database) -> None:
    TRIED.clear()
    targets(tmp_path, EXAMPLES, db)[name]()
    assert sum(TRIED.values()) >= 3  # the inputs really reached the code
