"""The command line acts as a named user once the database has accounts: --user with the
password from PLACEMENT_DESK_PASSWORD (or a prompt); without accounts, as before."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from placement_desk.cli import main
from placement_desk.lifecycle import open_database
from placement_desk.models import AuditEvent

PASSWORD = "correct horse battery"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "pd.db"
    open_database(path).close()
    monkeypatch.delenv("PLACEMENT_DESK_PASSWORD", raising=False)
    monkeypatch.delenv("PLACEMENT_DESK_USER", raising=False)
    return path


def _users(path: Path, *args: str, monkeypatch: pytest.MonkeyPatch,
           new_password: str = PASSWORD) -> int:
    monkeypatch.setenv("PLACEMENT_DESK_NEW_PASSWORD", new_password)
    return main(["users", *args, "--db", str(path)])


def test_without_accounts_commands_act_as_the_computer_account(
        database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "contracts", "--db", str(database), "--out",
                 str(tmp_path / "c.xlsx")]) == 0
    assert main(["export", "contracts", "--db", str(database), "--user", "sam", "--out",
                 str(tmp_path / "c.xlsx")]) == 2
    assert "no user accounts yet" in capsys.readouterr().err


def test_once_accounts_are_on_commands_sign_in(
        database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert _users(database, "create-admin", "alex.admin", monkeypatch=monkeypatch) == 0
    out = str(tmp_path / "c.xlsx")
    assert main(["export", "contracts", "--db", str(database), "--out", out]) == 10
    assert "give --user" in capsys.readouterr().err
    monkeypatch.setenv("PLACEMENT_DESK_PASSWORD", "not the password")
    assert main(["export", "contracts", "--db", str(database), "--user", "alex.admin",
                 "--out", out]) == 10
    assert "wrong" in capsys.readouterr().err
    monkeypatch.setenv("PLACEMENT_DESK_PASSWORD", PASSWORD)
    assert main(["export", "contracts", "--db", str(database), "--user", "alex.admin",
                 "--out", out]) == 0
    db = open_database(database)
    try:
        with db.read() as s:
            export = s.scalars(sa.select(AuditEvent).where(
                AuditEvent.action == "export")).one()
            assert export.user == "alex.admin"
            assert export.after == {"what": "contracts", "rows": 0, "format": "xlsx"}
    finally:
        db.close()


def test_roles_are_refused_with_their_own_exit_status(
        database: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert _users(database, "create-admin", "alex.admin", monkeypatch=monkeypatch) == 0
    monkeypatch.setenv("PLACEMENT_DESK_PASSWORD", PASSWORD)
    assert _users(database, "add", "val", "--role", "viewer", "--display-name", "Val",
                  "--user", "alex.admin", monkeypatch=monkeypatch) == 0
    assert main(["users", "list", "--db", str(database), "--user", "alex.admin"]) == 0
    listed = capsys.readouterr().out
    assert "val" in listed and "Viewer" in listed
    # A viewer may not add accounts, nor restore.
    assert _users(database, "add", "sam", "--role", "manager", "--user", "val",
                  monkeypatch=monkeypatch) == 9
    assert "viewer may not manage user accounts" in capsys.readouterr().err
    assert main(["backup", "--db", str(database), "--user", "val"]) == 0
    made = capsys.readouterr().out.strip().removeprefix("Backed up to ").rstrip(".")
    assert main(["restore", made, "--db", str(database), "--user", "val"]) == 9


def test_no_password_and_no_terminal_is_a_clear_refusal(
        database: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert _users(database, "create-admin", "alex.admin", monkeypatch=monkeypatch) == 0
    assert main(["backup", "--db", str(database), "--user", "alex.admin"]) == 10
    assert "PLACEMENT_DESK_PASSWORD" in capsys.readouterr().err


def test_a_read_only_export_signs_in_without_writing(
        database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _users(database, "create-admin", "alex.admin", monkeypatch=monkeypatch) == 0
    monkeypatch.setenv("PLACEMENT_DESK_PASSWORD", PASSWORD)
    before = database.read_bytes()
    assert main(["export", "settings", "--db", str(database), "--user", "alex.admin",
                 "--out", str(tmp_path / "s.csv")]) == 0
    assert database.read_bytes() == before
    monkeypatch.setenv("PLACEMENT_DESK_PASSWORD", "wrong password")
    assert main(["export", "settings", "--db", str(database), "--user", "alex.admin",
                 "--out", str(tmp_path / "s.csv")]) == 10
