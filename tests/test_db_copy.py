"""``placement-desk db copy`` moves a laptop's database whole, in one transaction: the
same ids, version counters and audit rows in the same order, and ``db check`` passes
on the copy (a server database on a server run, a new file otherwise)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, select, text

from placement_desk.cli import main
from placement_desk.lifecycle import check_database, open_database
from placement_desk.models import Base, Provider
from placement_desk.services.agreements.ipa import AgreementForm, create_agreement, update_draft
from placement_desk.services.agreements.ipa_detail import agreement_detail, load_version_form

TODAY = dt.date(2026, 3, 2)


def _laptop(tmp_path: Path) -> Path:
    """A small demo on a laptop, with audited edits on top of the demo's bulk load."""
    path = tmp_path / "laptop.db"
    assert main(["demo", "--db", str(path), "--size", "small", "--seed", "3"]) == 0
    db = open_database(path, user="sam.officer")
    try:
        with db.read() as s:
            from placement_desk.models import Child, Setting

            child = s.scalars(select(Child).order_by(Child.case_ref)).first()
            setting = s.scalars(select(Setting).order_by(Setting.urn)).first()
            assert child is not None and setting is not None
            child_id, setting_id = child.id, setting.id
        aid = create_agreement(db, AgreementForm(
            reference="IPA-2026-999999", child_id=child_id, setting_id=setting_id,
            start_date=dt.date(2026, 1, 5), placement_type="K2", weekly_fee_pence=383_000))
        vid = agreement_detail(db, aid).versions[0].id
        for fee in (390_000, 395_500):  # the version counter moves twice
            form = load_version_form(db, vid)
            form.weekly_fee_pence = fee
            form.outcomes = f"Outcome at £{fee / 100:,.2f} – “quoted”"
            update_draft(db, vid, form)
        with db.write() as s:
            s.add(Provider(name="Acorn Care — Ünïcode Ltd"))
    finally:
        db.close()
    return path


def _rows(url_or_path: Any, table: Table) -> list[tuple[Any, ...]]:
    db = open_database(url_or_path, read_only=True)
    try:
        with db.engine.connect() as conn:
            key = list(table.primary_key.columns)
            return [tuple(r) for r in conn.execute(select(table).order_by(*key))]
    finally:
        db.close()


def _audit_text(url_or_path: Any) -> list[tuple[int, str, str]]:
    """The audit rows' ids and their values exactly as stored (JSON text)."""
    db = open_database(url_or_path, read_only=True)
    try:
        with db.engine.connect() as conn:
            return [(int(i), str(b), str(a)) for i, b, a in conn.execute(text(
                "SELECT id, CAST(before AS TEXT), CAST(after AS TEXT) FROM audit_event "
                "ORDER BY id"))]
    finally:
        db.close()


def test_copy_moves_every_record_with_its_ids_versions_and_audit_rows(
        tmp_path: Path, fresh_target: Any, capsys: pytest.CaptureFixture[str]) -> None:
    laptop = _laptop(tmp_path)
    target = str(fresh_target)
    capsys.readouterr()
    assert main(["db", "copy", "--from", str(laptop), "--to", target, "--json"]) == 0
    copied = json.loads(capsys.readouterr().out)
    assert copied["rows"]["placement_episode"] > 100

    for table in Base.metadata.sorted_tables:
        assert _rows(target, table) == _rows(laptop, table), f"{table.name} copied whole"
    source_audit = _audit_text(laptop)
    assert len(source_audit) >= 5
    assert _audit_text(target) == source_audit, "audit rows byte for byte, in order"
    def counters(where: Any) -> list[int]:
        reading = open_database(where, read_only=True)
        try:
            with reading.engine.connect() as conn:
                return list(conn.execute(text(
                    "SELECT v.version FROM agreement_version v JOIN agreement a "
                    "ON a.id = v.agreement_id WHERE a.reference = 'IPA-2026-999999'"))
                    .scalars())
        finally:
            reading.close()

    assert counters(laptop)[0] > 2, "two saves moved the counter on"
    assert counters(target) == counters(laptop), "the version counter came across as it was"

    db = open_database(target, user="alex.jones")
    try:
        assert check_database(db).ok
        with db.write() as s:  # the server numbers new audit rows after the copied ones
            s.add(Provider(name="After the move"))
        with db.read() as s:
            from placement_desk.models import AuditEvent

            newest = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
            assert newest is not None and newest.id > source_audit[-1][0]
            assert newest.user == "alex.jones"
    finally:
        db.close()
    assert main(["db", "check", "--db", target]) == 0


def test_a_copy_into_a_database_with_records_changes_nothing(
        tmp_path: Path, fresh_target: Any, capsys: pytest.CaptureFixture[str]) -> None:
    laptop = _laptop(tmp_path)
    target = str(fresh_target)
    db = open_database(target, user="alex.jones")
    try:
        with db.write() as s:
            s.add(Provider(name="Already here"))
    finally:
        db.close()
    assert main(["db", "copy", "--from", str(laptop), "--to", target]) == 5
    assert "already holds records" in capsys.readouterr().err
    providers = [r for r in _rows(target, Base.metadata.tables["provider"])]
    assert [p[1] for p in providers] == ["Already here"] or len(providers) == 1


def test_copy_needs_both_ends(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["db", "copy", "--from", str(tmp_path / "a.db")]) == 2
    assert "--to" in capsys.readouterr().err


def test_commands_open_the_database_the_environment_names(
        fresh_target: Any, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    open_database(fresh_target).close()
    monkeypatch.setenv("PLACEMENT_DESK_DB", str(fresh_target))
    assert main(["db", "check"]) == 0
    shown = capsys.readouterr().out
    assert "Result: OK" in shown
    name = Path(str(fresh_target)).name if "://" not in str(fresh_target) \
        else str(fresh_target).rsplit("/", 1)[1]
    assert name in shown, "the database named by PLACEMENT_DESK_DB, not the default file"


def test_text_longer_than_its_column_stops_a_copy_to_a_server_saying_where(
        tmp_path: Path, fresh_target: Any, capsys: pytest.CaptureFixture[str]) -> None:
    laptop = tmp_path / "old.db"
    db = open_database(laptop)
    try:
        with db.write() as s:
            s.add(Provider(name="Willow " + "W" * 4993))  # saved before names were limited
    finally:
        db.close()
    capsys.readouterr()
    status = main(["db", "copy", "--from", str(laptop), "--to", str(fresh_target)])
    if "://" not in str(fresh_target):  # a file keeps any length: the copy is whole
        assert status == 0
        return
    assert status == 5
    err = capsys.readouterr().err
    assert "A value in provider" in err and "Nothing was changed" in err
    assert "Willow" not in err, "no record values in the message"
    assert _rows(fresh_target, Base.metadata.tables["provider"]) == []
