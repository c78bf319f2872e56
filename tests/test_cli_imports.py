"""``placement-desk import ssda903`` and ``import postcodes`` run as a user would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from placement_desk.io.ssda903_records import EPISODE_COLUMNS
from tests.reference import SSDA903, need


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "placement_desk", *map(str, args)],
                          capture_output=True, text=True, timeout=180,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, check=False)


@pytest.mark.reference
def test_import_ssda903_prints_json_and_writes_the_report(tmp_path: Path) -> None:
    header, episodes = need(SSDA903 / "header.csv"), need(SSDA903 / "episodes.csv")
    db, report = tmp_path / "cli.db", tmp_path / "problems.xlsx"
    done = _run("--db", db, "import", "ssda903", "--header", header, "--episodes", episodes,
                "--json", "--report", report)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["episodes_new"] == data["episode_rows"] > 5000
    assert data["children_new"] == data["header_rows"] > 2000
    assert data["warnings"] == sum(1 for p in data["problems"] if p["level"] == "warning")
    assert data["report"] == str(report)
    book = load_workbook(report, read_only=True)
    assert book.active is not None
    assert sum(1 for _ in book.active.iter_rows()) == len(data["problems"]) + 1
    book.close()

    again = _run("--db", db, "import", "ssda903", "--header", header, "--episodes", episodes)
    assert again.returncode == 0, again.stderr
    assert f"episodes 0 new, 0 updated, {data['episodes_new']:,} unchanged" in again.stdout


def test_import_ssda903_refuses_a_file_without_its_columns(tmp_path: Path) -> None:
    header = tmp_path / "header.csv"
    header.write_text("CHILD,SEX,DOB,ETHNIC\nC1,1,01/02/2010,WBRI\n", encoding="utf-8")
    episodes = tmp_path / "episodes.csv"
    episodes.write_text(",".join(c for c in EPISODE_COLUMNS if c != "DECOM") + "\n",
                        encoding="utf-8")
    done = _run("--db", tmp_path / "cli.db", "import", "ssda903", "--header", header,
                "--episodes", episodes, "--json")
    assert done.returncode == 3, "a file refused exits 3"
    assert "episodes.csv" in done.stderr and "no DECOM column" in done.stderr
    assert done.stdout == ""


def test_import_postcodes_prints_json(tmp_path: Path) -> None:
    lookup = tmp_path / "codepo.csv"
    lookup.write_text('"SM1 1AA",10,526000,164000,"E92000001"\n'
                      '"SM2 2BB",10,529000,168000,"E92000001"\n'
                      '"NOT A CODE",10,1,2,"E92000001"\n', encoding="utf-8")
    done = _run("--db", tmp_path / "cli.db", "import", "postcodes", lookup, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["layout"], data["added"], data["skipped"]) == ("Code-Point Open", 2, 1)
    again = _run("--db", tmp_path / "cli.db", "import", "postcodes", lookup)
    assert again.returncode == 0, again.stderr
    assert "0 postcodes added, 0 updated, 2 unchanged; rows skipped: 1." in again.stdout


def test_import_ssda903_year_chooses_the_rules(tmp_path: Path) -> None:
    header = tmp_path / "header.csv"
    header.write_text("CHILD,SEX,DOB,ETHNIC\nC1,M,01/02/2010,WBRI\n", encoding="utf-8")
    episodes = tmp_path / "episodes.csv"
    episodes.write_text(",".join(EPISODE_COLUMNS) + "\nC1,01/05/2025,S,C2,N1,Z11,,,,,,,\n",
                        encoding="utf-8")
    args = ("--db", tmp_path / "cli.db", "import", "ssda903", "--header", header,
            "--episodes", episodes, "--json")
    latest = json.loads(_run(*args).stdout)
    assert (latest["year"], latest["problems"]) == ("2025_26", [])
    # In 2023-24, SEX was 1 or 2 and Z11 was no code (nor exempt from needing a URN).
    older = json.loads(_run(*args, "--year", "2023-24").stdout)
    assert older["year"] == "2023_24"
    assert [(c["code"], c["count"]) for c in older["by_rule"]] == [
        ("101", 1), ("146", 1), ("218", 1)]
    assert older["rows_rejected"] == 0
    refused = _run(*args, "--year", "2019-20")
    assert refused.returncode == 2
    assert "no SSDA903 rules for the collection year 2019-20" in refused.stderr
