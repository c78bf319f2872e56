"""``placement-desk kpis`` prints the same figures as the service, as text or JSON, and
refuses a period it cannot read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from placement_desk.cli import main
from placement_desk.db import Database
from tests.backend import target

from .conftest import Council


def test_text_and_json(db: Database, council: Council, capsys: pytest.CaptureFixture[str]
                       ) -> None:
    path = target(db)
    db.close()  # the command opens it read-only, as a user's second program would
    assert main(["--db", path, "kpis", "--at", "31/03/2026"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Figures for 01/04/2025 to 31/03/2026 (Children looked after); "
                           "changes against 01/04/2024 to 31/03/2025.")
    assert "Children looked after on the date: 10 (up 5)" in text
    assert "Settings in use rated Good or Outstanding: 67% (2 of 3) (1 not yet inspected; " \
           "England 60.0% (3 of 5); Region (London) 50.0% (2 of 4)" in text
    assert "C13  H5  Setting SI1 (no URN)  since 28/10/2023, 126 weeks and 4 days: Not " \
           "registered with Ofsted." in text
    assert main(["--db", path, "kpis", "--from", "2025-04-01", "--to", "2026-03-31",
                 "--uasc", "yes", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    figures = {f["key"]: f for f in data["figures"]}
    assert figures["children_looked_after"]["numerator"] == 2
    assert figures["spend"]["text"] == "£65,392.86"
    assert figures["within_20"]["unclassified"] == 1
    assert data["period"]["previous_to"] == "2025-03-31"
    assert {r["child"] for r in data["unregistered"]} == {"C4", "C8", "C13"}


@pytest.mark.parametrize("args", [
    ["--from", "01/04/2025"],
    ["--from", "01/04/2026", "--to", "31/03/2026"],
    ["--at", "31/03/2026", "--from", "01/04/2025", "--to", "31/03/2026"],
    ["--type", "Castles"],
])
def test_a_period_or_filter_that_will_not_do_is_refused(tmp_path: Path, args: list[str],
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    assert main(["--db", str(tmp_path / "none.db"), "kpis", *args]) == 2
    assert capsys.readouterr().err.startswith("placement-desk: ")
    assert not (tmp_path / "none.db").exists(), "nothing is created"
