"""The settings register and its export to .xlsx and .csv."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from placement_desk.cli import main
from placement_desk.errors import UserError
from placement_desk.io.table_export import write_table
from placement_desk.lifecycle import Database, open_database
from placement_desk.models import Child, PlacementEpisode, Provider, Setting
from placement_desk.models.enums import Judgement, RiskLevel, Sector, SettingType
from placement_desk.progress import Cancelled, TaskState
from placement_desk.services.register.listing import export_table, list_settings


@pytest.fixture(autouse=True)
def _records(db: Database) -> None:
    """The records every test here starts with."""
    with db.sessions.begin() as s:
        acorn = Provider(name="Acorn Care Ltd")
        s.add(acorn)
        s.flush()
        oak = Setting(name="Oak House", urn="SC469688", setting_type=SettingType.CHILDRENS_HOME,
                      provider_id=acorn.id, sector=Sector.PRIVATE, postcode="SM1 1AA",
                      latest_judgement=Judgement.GOOD,
                      latest_inspection_date=dt.date(2025, 1, 28), risk_level=RiskLevel.LOW)
        ash = Setting(name="=HYPERLINK(\"x\")", urn="2590934", setting_type=SettingType.IFA)
        gone = Setting(name="Deleted", urn="SC000009", setting_type=SettingType.IFA,
                       deleted_at=dt.datetime(2025, 1, 1))
        s.add_all([oak, ash, gone])
        child = Child(case_ref="C1")
        s.add(child)
        s.flush()
        s.add(PlacementEpisode(child_id=child.id, setting_id=oak.id,
                               start_date=dt.date(2025, 1, 1), placement_type="K2"))


def test_register_rows_show_provider_and_use(db: Database) -> None:
    rows = {r.urn: r for r in list_settings(db, dt.date(2025, 6, 1))}
    assert set(rows) == {"SC469688", "2590934"}, "deleted settings are not listed"
    oak = rows["SC469688"]
    assert (oak.provider_name, oak.in_use, oak.latest_judgement) == (
        "Acorn Care Ltd", True, Judgement.GOOD)
    assert rows["2590934"].in_use is False


def test_export_to_xlsx_uses_labels_and_real_dates(db: Database, tmp_path: Path) -> None:
    headings, table = export_table(list_settings(db, dt.date(2025, 6, 1)))
    out = write_table(tmp_path / "settings.xlsx", headings, table, sheet="Settings")
    ws = load_workbook(out)["Settings"]
    values = list(ws.values)
    assert values[0][:3] == ("URN", "Name", "Type")
    by_urn = {row[0]: dict(zip(values[0], row, strict=True)) for row in values[1:]}
    oak = by_urn["SC469688"]
    assert oak["Type"] == "Children's home"
    assert oak["Latest judgement"] == "Good (full inspection)"
    assert oak["Latest inspection date"] == dt.datetime(2025, 1, 28)
    assert oak["In use"] == "Yes"
    assert by_urn["2590934"]["Name"] == "'=HYPERLINK(\"x\")", "formulas are neutralised"


def test_export_to_csv_writes_uk_dates(db: Database, tmp_path: Path) -> None:
    headings, table = export_table(list_settings(db, dt.date(2025, 6, 1)))
    out = write_table(tmp_path / "settings.csv", headings, table)
    with open(out, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    oak = next(r for r in rows if r["URN"] == "SC469688")
    assert oak["Latest inspection date"] == "28/01/2025"
    assert oak["Provider"] == "Acorn Care Ltd"


def test_a_bad_export_name_or_a_cancel_leaves_no_file(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(UserError, match=r"\.xlsx or \.csv"):
        write_table(folder / "settings.pdf", ["A"], [[1]])
    state = TaskState()
    state.cancel()
    with pytest.raises(Cancelled):
        write_table(folder / "big.csv", ["A"], [[i] for i in range(5000)], state=state)
    assert list(folder.iterdir()) == []


def test_export_settings_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "cmd.db")
    open_database(path).close()  # an export reads only: it never creates a database
    out = tmp_path / "all.csv"
    assert main(["export", "settings", "--db", path, "--out", str(out)]) == 0
    assert "Wrote 0 settings" in capsys.readouterr().out
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "OFFICIAL-SENSITIVE" and lines[1].startswith("Settings – all records")
    assert lines[2].startswith("URN,Setting,Setting type,Provider")
