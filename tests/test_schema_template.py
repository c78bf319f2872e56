"""A new SQLite database is filled from a schema template that the migrations built once,
instead of running every migration again: the same schema and revision, a template made
again when the migrations change or it is damaged, and the migrations themselves wherever
the template cannot be used."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from placement_desk.db import make_engine
from placement_desk.lifecycle import open_database
from placement_desk.migrations import numbered_head, template, upgrade


def _schema(path: Path) -> list[str]:
    """Every line of the schema, sorted (the migrations' batch rebuilds list a table's
    constraints in no fixed order, so two runs of them differ in order only)."""
    con = sqlite3.connect(path)
    try:
        text = "\n".join(r[0] for r in con.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"))
        return sorted(line.strip().rstrip(",") for line in text.splitlines())
    finally:
        con.close()


def _revision(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return str(con.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        con.close()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PLACEMENT_DESK_CACHE", str(folder))
    return folder


def test_a_new_database_from_the_template_is_the_migrated_one(cache: Path,
                                                               tmp_path: Path) -> None:
    migrated = tmp_path / "migrated.db"
    engine = make_engine(migrated)
    upgrade(engine)
    engine.dispose()
    made = open_database(tmp_path / "new.db")
    made.close()
    built = template.template_path()
    assert built.parent == cache and built.exists()
    assert _schema(tmp_path / "new.db") == _schema(migrated)
    assert _revision(tmp_path / "new.db") == numbered_head()
    con = sqlite3.connect(tmp_path / "new.db")
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
    # built once: the next new database copies the same file
    stamp = built.stat().st_mtime_ns
    open_database(tmp_path / "second.db").close()
    assert built.stat().st_mtime_ns == stamp
    assert _schema(tmp_path / "second.db") == _schema(migrated)


def test_a_database_from_the_template_takes_records(cache: Path, tmp_path: Path) -> None:
    from placement_desk.services.register.providers import ProviderForm, save_provider

    db = open_database(tmp_path / "new.db", user="asha.patel")
    try:
        save_provider(db, ProviderForm(name="Acorn Care"))
        with db.read() as session:
            from sqlalchemy import text

            assert session.execute(text("SELECT name FROM provider")).scalars().all() == [
                "Acorn Care"]
            assert session.execute(text("SELECT count(*) FROM audit_event")).scalar() == 1
    finally:
        db.close()


def test_the_template_depends_on_the_migrations_text(cache: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    first = template.template_key()
    copy = tmp_path / "migrations"
    (copy / "versions").mkdir(parents=True)
    for path in [template._HERE / "env.py", *(template._HERE / "versions").glob("*.py")]:
        target = copy / path.relative_to(template._HERE)
        target.write_bytes(path.read_bytes())
    monkeypatch.setattr(template, "_HERE", copy)
    assert template.template_key() == first
    last = sorted((copy / "versions").glob("*.py"))[-1]
    last.write_bytes(last.read_bytes() + b"\n# changed\n")
    assert template.template_key() != first


def test_a_damaged_template_is_built_again(cache: Path, tmp_path: Path) -> None:
    open_database(tmp_path / "one.db").close()
    built = template.template_path()
    built.write_bytes(b"not a database at all" * 100)
    open_database(tmp_path / "two.db").close()
    assert _revision(tmp_path / "two.db") == numbered_head()
    assert _schema(built) == _schema(tmp_path / "one.db")


def test_without_a_cache_folder_the_migrations_run(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a file where the cache folder would be"
    blocked.write_text("")
    monkeypatch.setenv("PLACEMENT_DESK_CACHE", str(blocked / "cache"))
    open_database(tmp_path / "new.db").close()
    assert _revision(tmp_path / "new.db") == numbered_head()
    assert blocked.read_text() == ""


def test_a_file_with_tables_is_never_overwritten(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (body TEXT)")
    con.execute("INSERT INTO notes VALUES ('kept')")
    con.commit()
    con.close()
    engine = make_engine(path)
    try:
        assert template.fill_from_template(engine) is False
    finally:
        engine.dispose()
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT body FROM notes").fetchall() == [("kept",)]
    finally:
        con.close()
