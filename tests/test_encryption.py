"""Encryption at rest: `db encrypt` converts a database and its backups, plain SQLite
cannot read the file, the key is kept outside it, and a wrong or missing key is a clear
message, never a crash."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from placement_desk import crypto
from placement_desk.cli import main
from placement_desk.errors import EncryptionKeyError
from placement_desk.lifecycle import open_database
from placement_desk.models import Provider
from placement_desk.services.common.backups import back_up, check_backup, list_backups, restore_file

pytestmark = pytest.mark.skipif(not crypto.available(),
                                reason="sqlcipher3 is not installed here (encryption is "
                                       "optional: pip install placement-desk[encryption])")


@pytest.fixture(autouse=True)
def _no_credential_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """No keyring here: keys go to the key file in the (private) user data folder."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv(crypto.ENV_KEY, raising=False)


def _database(tmp_path: Path, *names: str) -> Path:
    path = tmp_path / "pd.db"
    db = open_database(path)
    try:
        with db.write() as s:
            for name in names:
                s.add(Provider(name=name))
    finally:
        db.close()
    return path


def _names(path: Path) -> set[str]:
    db = open_database(path)
    try:
        with db.read() as s:
            return set(s.scalars(sa.select(Provider.name)))
    finally:
        db.close()


def test_db_encrypt_makes_a_file_plain_sqlite_cannot_read(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _database(tmp_path, "Acorn Care", "Beacon Homes")
    assert main(["db", "encrypt", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "key file" in out  # no credential store here: said so
    assert not path.read_bytes().startswith(b"SQLite format 3")
    assert b"Acorn Care" not in path.read_bytes()
    con = sqlite3.connect(str(path))
    try:
        with pytest.raises(sqlite3.DatabaseError, match="not a database"):
            con.execute("SELECT count(*) FROM sqlite_master").fetchall()
    finally:
        con.close()
    assert _names(path) == {"Acorn Care", "Beacon Homes"}  # the app opens it with its key
    key_file = crypto.key_folder() / f"{crypto.read_key_id(path)}.key"
    assert key_file.stat().st_mode & 0o077 == 0  # the OS account alone reads it
    assert main(["db", "check", "--db", str(path)]) == 0
    assert "chain intact" in capsys.readouterr().out


def test_backups_of_an_encrypted_database_are_encrypted_too(tmp_path: Path) -> None:
    path = _database(tmp_path, "Acorn Care")
    db = open_database(path)
    try:
        plain_backup = back_up(db)
    finally:
        db.close()
    assert main(["db", "encrypt", "--db", str(path)]) == 0
    for backup in list_backups(path):
        assert not backup.path.read_bytes().startswith(b"SQLite format 3"), backup.kind
    db = open_database(path)
    try:
        with db.write() as s:
            s.add(Provider(name="Compass Care"))
        later = back_up(db)
    finally:
        db.close()
    assert not later.read_bytes().startswith(b"SQLite format 3")
    assert check_backup(later).encrypted
    restore_file(path, plain_backup)  # encrypted in place since: restores as encrypted
    assert crypto.is_encrypted(path)
    assert _names(path) == {"Acorn Care"}


def test_a_missing_key_is_a_clear_message(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = _database(tmp_path, "Acorn Care")
    assert main(["db", "encrypt", "--db", str(path)]) == 0
    recovery = crypto.recovery_text(path)
    for key in crypto.key_folder().iterdir():
        key.unlink()
    with pytest.raises(EncryptionKeyError, match="key was not found"):
        open_database(path)
    assert main(["export", "contracts", "--db", str(path), "--out",
                 str(tmp_path / "c.xlsx")]) == 11
    assert "recovery key" in capsys.readouterr().err
    key_line = next(line for line in recovery.splitlines() if line.startswith("Key: "))
    crypto.import_recovery_key(path, key_line.removeprefix("Key: "))
    assert _names(path) == {"Acorn Care"}


def test_a_wrong_key_is_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capfd: pytest.CaptureFixture[str]) -> None:
    path = _database(tmp_path, "Acorn Care")
    assert main(["db", "encrypt", "--db", str(path)]) == 0
    for key in crypto.key_folder().iterdir():
        key.write_text("11" * 32, encoding="ascii")
    with pytest.raises(EncryptionKeyError, match="does not open it"):
        open_database(path)
    with pytest.raises(EncryptionKeyError, match="not a recovery key"):
        crypto.import_recovery_key(path, "not hex")
    with pytest.raises(EncryptionKeyError, match="does not open it"):
        crypto.import_recovery_key(path, "22" * 32)
    monkeypatch.setenv(crypto.ENV_KEY, "33" * 32)
    with pytest.raises(EncryptionKeyError):
        open_database(path)
    assert "hmac check failed" not in capfd.readouterr().err


def test_encrypting_twice_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    path = _database(tmp_path, "Acorn Care")
    assert main(["db", "encrypt", "--db", str(path)]) == 0
    key_id = crypto.read_key_id(path)
    keys = sorted(crypto.key_folder().iterdir())
    assert main(["db", "encrypt", "--db", str(path)]) == 0  # says it is already encrypted
    assert crypto.read_key_id(path) == key_id
    assert sorted(crypto.key_folder().iterdir()) == keys
    assert _names(path) == {"Acorn Care"}


def test_the_append_only_guard_survives_encryption(tmp_path: Path) -> None:
    path = _database(tmp_path, "Acorn Care")
    assert main(["db", "encrypt", "--db", str(path)]) == 0
    con = crypto.connect(path)
    try:
        with pytest.raises(crypto.database_errors(), match="cannot be changed"):
            con.execute("DELETE FROM audit_event")
    finally:
        con.close()
