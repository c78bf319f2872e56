"""Importing Ofsted's published files: counts, judgements, idempotency, alerts, refusal."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from placement_desk.errors import FileFormatError
from placement_desk.io.ofsted_files import read_ofsted_file
from placement_desk.lifecycle import Database, open_database
from placement_desk.models import (
    Action,
    Child,
    OfstedInspection,
    PlacementEpisode,
    RatingAlert,
    Setting,
)
from placement_desk.models.enums import (
    ActionSource,
    AlertKind,
    Judgement,
)
from placement_desk.progress import Cancelled, TaskState
from placement_desk.services.register.ofsted_import import import_ofsted
from tests.reference import OFSTED, need

TODAY = dt.date(2025, 6, 2)  # a Monday


def _raw_rows(path: Path) -> list[dict[str, str]]:
    """The data rows of a published CSV, read independently of the app's reader."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        rows = list(csv.reader(fh))
    start = next(i for i, r in enumerate(rows) if any(c.strip() == "URN" for c in r))
    heads = [" ".join(c.split()).lower() for c in rows[start]]
    return [dict(zip(heads, r, strict=False)) for r in rows[start + 1:] if any(r)]


def _count(db: Database, model: type) -> int:
    with db.sessions() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def _dump(db: Database) -> str:
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT urn, name, setting_type, registration_status, latest_judgement, "
            "latest_inspection_date, postcode FROM setting ORDER BY urn").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.mark.reference
def test_the_2025_file_imports_with_the_right_counts_and_judgements(db: Database) -> None:
    path = need(OFSTED / "provider_level_at_31_march_2025.csv")
    raw = _raw_rows(path)
    urns = {r["urn"].strip() for r in raw if r["urn"].strip()}
    summary = import_ofsted(db, [path], today=TODAY)
    assert summary.new == len(urns) == _count(db, Setting)
    assert summary.updated == summary.unchanged == 0
    with_dates = {r["urn"].strip() for r in raw if r["latest full inspection date"].strip()}
    assert summary.inspections_added == len(with_dates) == _count(db, OfstedInspection)
    judged = [r for r in raw if r["overall experiences and progress of children and young "
                                  "people"].strip()]
    with db.sessions() as s:
        for r in judged[:: max(1, len(judged) // 25)]:
            setting = s.scalars(sa.select(Setting).where(Setting.urn == r["urn"].strip())).one()
            words = r["overall experiences and progress of children and young people"]
            assert setting.latest_judgement is not None
            assert setting.latest_judgement.label.casefold() == " ".join(words.split()).casefold()
            day, month, year = r["latest full inspection date"].split("/")
            assert setting.latest_inspection_date == dt.date(int(year), int(month), int(day))
        sa_rows = [r for r in raw if r.get("supported accommodation outcome", "").strip()]
        assert sa_rows, "the 2025 file has supported accommodation outcomes"
        sa_setting = s.scalars(sa.select(Setting).where(
            Setting.urn == sa_rows[0]["urn"].strip())).one()
        assert sa_setting.latest_judgement is not None
        assert sa_setting.latest_judgement.label == sa_rows[0][
            "supported accommodation outcome"].strip()
        redacted = s.scalar(sa.select(sa.func.count()).select_from(Setting).where(
            Setting.name == "REDACTED"))
        assert redacted == 0, "REDACTED is never stored as a name"


@pytest.mark.reference
def test_reimporting_a_file_changes_nothing(db: Database) -> None:
    path = need(OFSTED / "provider_level_at_31_march_2025.csv")
    import_ofsted(db, [path], today=TODAY)
    before = (_dump(db), _count(db, OfstedInspection))
    again = import_ofsted(db, [path], today=TODAY)
    assert (again.new, again.updated, again.inspections_added, again.closed) == (0, 0, 0, 0)
    assert again.unchanged == _count(db, Setting)
    assert (_dump(db), _count(db, OfstedInspection)) == before


@pytest.mark.reference
def test_the_2025_ods_and_csv_give_the_same_register(tmp_path: Path) -> None:
    """The ODS's provider table equals the CSV; its in-year sheet only adds events."""
    csv_file = read_ofsted_file(need(OFSTED / "provider_level_at_31_march_2025.csv"))
    ods_file = read_ofsted_file(need(OFSTED / "provider_level_at_31_march_2025.ods"))
    assert ods_file.sheets_used == ["Provider_level_at_31_Mar_2025",
                                    "Provider_level_in_year_2024-25"]

    def plain(records: list[Any]) -> list[tuple[Any, ...]]:
        return [tuple(getattr(r, f) for f in r.__slots__ if f != "source_row")
                for r in records]

    assert plain(csv_file.settings) == plain(ods_file.settings)
    assert not csv_file.inspections and len(ods_file.inspections) > 4000
    registers, events = [], []
    for name in ("provider_level_at_31_march_2025.csv", "provider_level_at_31_march_2025.ods"):
        database = open_database(tmp_path / f"{name}.db")
        try:
            import_ofsted(database, [OFSTED / name], today=TODAY)
            with database.engine.connect() as conn:
                registers.append(conn.exec_driver_sql(
                    "SELECT urn, name, setting_type, registration_status, postcode, places "
                    "FROM setting ORDER BY urn").fetchall())
                events.append(set(conn.exec_driver_sql(
                    "SELECT s.urn, i.event_type, i.inspection_date FROM ofsted_inspection i "
                    "JOIN setting s ON s.id = i.setting_id").fetchall()))
        finally:
            database.close()
    assert registers[0] == registers[1]
    assert events[0] < events[1], "the in-year sheet adds events, never loses one"


@pytest.mark.reference
def test_the_yearly_files_in_order_build_a_judgement_history(db: Database) -> None:
    files = sorted(OFSTED.glob("provider_level_at_31_march_*.csv"))
    if len(files) < 11:
        pytest.skip(f"reference data incomplete: {len(files)} yearly files in {OFSTED}")
    summary = import_ofsted(db, files, today=TODAY)
    assert len(summary.files) == 11
    assert summary.upgrades > 100 and summary.downgrades > 100
    with db.engine.connect() as conn:
        longest = conn.exec_driver_sql(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM ofsted_inspection "
            "GROUP BY setting_id) AS per_setting").scalar()
    assert longest >= 5, "some settings have five or more inspections across the years"


@pytest.mark.reference
def test_closed_homes_are_marked_closed(db: Database) -> None:
    register = need(OFSTED / "provider_level_at_31_march_2023.csv")
    closed = need(OFSTED / "closed_childrens_homes_31_march_2024.csv")
    import_ofsted(db, [register], today=TODAY)
    summary = import_ofsted(db, [closed], today=TODAY)
    with open(closed, encoding="utf-8-sig") as fh:
        raw = list(csv.DictReader(fh))
    with db.sessions() as s:
        held = {u: (st, d) for u, st, d in s.execute(
            sa.select(Setting.urn, Setting.registration_status, Setting.closed_date))}
    compared = 0
    for r in raw:
        urn = r["URN"].strip()
        if urn not in held:
            continue
        compared += 1
        status, closed_on = held[urn]
        assert status.label == r["Registration status"].strip(), urn
        if r["Date closed"].strip():
            day, month, year = r["Date closed"].split("/")
            assert closed_on == dt.date(int(year), int(month), int(day)), urn
    assert compared > 100, "most homes closed in 2023-24 were in the 2023 register"
    assert summary.closed >= 1


HEADER = ("URN,Provision type,Registration status,Name,Postcode,Sector,"
          "Latest full inspection event type,Latest full inspection date,"
          "Overall experiences and progress of children and young people\n")


def _file(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text("Children's social care data – Provider level\n\n" + HEADER
                    + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _place_child(db: Database, urn: str, ref: str) -> None:
    with db.sessions.begin() as s:
        setting = s.scalars(sa.select(Setting).where(Setting.urn == urn)).one()
        child = Child(case_ref=ref)
        s.add(child)
        s.flush()
        s.add(PlacementEpisode(child_id=child.id, setting_id=setting.id,
                               start_date=dt.date(2024, 9, 1), placement_type="K2"))


def test_a_downgrade_of_a_setting_in_use_raises_an_alert_and_a_visit(
        db: Database, tmp_path: Path) -> None:
    first = _file(tmp_path, "2024.csv",
                  "SC900001,Children's home,Active,Oak House,SM1 1AA,Private,"
                  "Full inspection,10/01/2024,Good",
                  "SC900002,Children's home,Active,Elm House,SM1 1AB,Private,"
                  "Full inspection,10/01/2024,Good")
    import_ofsted(db, [first], today=TODAY)
    _place_child(db, "SC900001", "C-0001")
    second = _file(tmp_path, "2025.csv",
                   "SC900001,Children's home,Active,REDACTED,REDACTED,Private,"
                   "Full inspection,20/05/2025,Inadequate",
                   "SC900002,Children's home,Active,Elm House,SM1 1AB,Private,"
                   "Full inspection,21/05/2025,Requires improvement to be good")
    summary = import_ofsted(db, [second], today=TODAY)
    assert (summary.downgrades, summary.alerts) == (2, 1), "only the setting in use alerts"
    with db.sessions() as s:
        oak = s.scalars(sa.select(Setting).where(Setting.urn == "SC900001")).one()
        assert (oak.name, oak.postcode) == ("Oak House", "SM1 1AA"), "REDACTED kept out"
        assert oak.latest_judgement == Judgement.INADEQUATE
        assert oak.enhanced_monitoring
        alert = s.scalars(sa.select(RatingAlert)).one()
        assert (alert.kind, alert.previous_judgement, alert.new_judgement) == (
            AlertKind.DOWNGRADE, Judgement.GOOD, Judgement.INADEQUATE)
        assert alert.children_placed == "C-0001"
        action = s.scalars(sa.select(Action)).one()
        assert action.source == ActionSource.RATING_ALERT
        assert action.due_date == dt.date(2025, 6, 3), "1 working day for Inadequate"
        assert "C-0001" in action.description and "Oak House" in action.description
        assert oak.next_qa_due == dt.date(2025, 6, 3)
    again = import_ofsted(db, [second], today=TODAY)
    assert again.alerts == 0 and _count(db, RatingAlert) == 1


def test_a_suspension_of_a_setting_in_use_raises_an_alert(db: Database, tmp_path: Path) -> None:
    import_ofsted(db, [_file(tmp_path, "a.csv",
                                      "SC900003,Children's home,Active,Ash,SM1 1AC,Private,,,")],
                  today=TODAY)
    _place_child(db, "SC900003", "C-0002")
    summary = import_ofsted(db, [_file(
        tmp_path, "b.csv", "SC900003,Children's home,Suspended,Ash,SM1 1AC,Private,,,")],
        today=TODAY)
    assert summary.alerts == 1 and summary.updated == 1
    with db.sessions() as s:
        assert s.scalars(sa.select(RatingAlert.kind)).one() == AlertKind.SUSPENSION


def test_a_file_that_is_not_from_ofsted_is_refused_and_nothing_changes(
        db: Database, tmp_path: Path) -> None:
    good = _file(tmp_path, "good.csv",
                 "SC900004,Children's home,Active,Birch,SM1 1AD,Private,,,")
    bad = tmp_path / "budget.csv"
    bad.write_text("Cost centre,Amount\nA1,100\n", encoding="utf-8")
    before = _dump(db)
    with pytest.raises(FileFormatError, match="URN"):
        import_ofsted(db, [good, bad], today=TODAY)
    assert _dump(db) == before and _count(db, Setting) == 0


def test_cancelling_an_import_leaves_the_database_unchanged(
        db: Database, tmp_path: Path) -> None:
    rows = [f"SC{900100 + i},Children's home,Active,Home {i},SM1 1AA,Private,,,"
            for i in range(500)]
    path = _file(tmp_path, "many.csv", *rows)
    state = TaskState(lambda step, done, total: state.cancel() if done >= 200 else None)
    with pytest.raises(Cancelled):
        import_ofsted(db, [path], state=state, today=TODAY)
    assert _count(db, Setting) == 0


@pytest.mark.reference
def test_made_up_urns_in_a_council_list_never_enter_the_register(db: Database) -> None:
    from tests.reference import SSDA903

    lists = [need(SSDA903 / n) for n in ("ch_fake.xlsx", "scp_fake.xlsx",
                                         "scp_ch_2025_fake.xlsx")]
    summary = import_ofsted(db, lists, today=TODAY)
    assert summary.new == 0 and _count(db, Setting) == 0
    assert any("'NJASCN' is not an Ofsted URN" in w for w in summary.warnings)


# -- a large file, taken a part at a time ---------------------------------------------------


def _in_parts(monkeypatch: pytest.MonkeyPatch, records: int) -> None:
    """Take files ``records`` at a time (read a third of that at a time), looking settings up
    part by part rather than loading the register whole."""
    from placement_desk.io import ofsted_files
    from placement_desk.services.register import ofsted_import, ofsted_import_state

    monkeypatch.setattr(ofsted_import, "FLUSH_EVERY", records)
    monkeypatch.setattr(ofsted_import_state, "CACHE_LIMIT", 0)
    monkeypatch.setattr(ofsted_files, "CHUNK_ROWS", max(1, records // 3))


def _register(db: Database) -> list[tuple[Any, ...]]:
    """The register as stored: every setting's values and every inspection (no ids)."""
    with db.engine.connect() as conn:
        return [*conn.exec_driver_sql(
            "SELECT urn, name, postcode, setting_type, registration_status, closed_date, "
            "latest_judgement, latest_inspection_date, risk_level, enhanced_monitoring "
            "FROM setting ORDER BY urn").fetchall(),
            *conn.exec_driver_sql(
                "SELECT s.urn, i.event_type, i.inspection_date, i.event_number, "
                "i.overall_judgement, i.source, i.earlier_keys FROM ofsted_inspection i "
                "JOIN setting s ON s.id = i.setting_id "
                "ORDER BY s.urn, i.event_type, i.inspection_date").fetchall()]


@pytest.mark.reference
def test_files_taken_in_parts_give_the_register_one_part_gives(
        db: Database, fresh_target: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The published files are taken in one part each; a larger file in many. Taken in parts
    of 400 records, three years of files (an in-year file and closures among them) must
    leave the same register and the same summary."""
    files = [need(OFSTED / name) for name in (
        "provider_level_at_31_march_2023.csv", "provider_level_in_year_2023-24.csv",
        "closed_childrens_homes_31_march_2024.csv", "provider_level_at_31_march_2024.csv")]
    whole = [import_ofsted(db, [path], today=TODAY) for path in files]
    other = open_database(fresh_target)
    try:
        _in_parts(monkeypatch, 400)
        parts = [import_ofsted(other, [path], today=TODAY) for path in files]
        assert _register(other) == _register(db)
    finally:
        other.close()
    assert [s.as_dict() for s in parts] == [s.as_dict() for s in whole]
    assert whole[1].inspections_added > 1000 and whole[3].closed > 0


@pytest.mark.parametrize("last, downgrades", [("Good", 0), ("Inadequate", 1)])
def test_a_setting_listed_in_two_parts_is_counted_and_alerted_once(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, last: str,
        downgrades: int) -> None:
    """A setting in use, judged Good, is listed twice in a file taken two records at a time:
    first Requires improvement, then (later) Good again or Inadequate. Its judgement is
    worked out once for the file: no change, or one downgrade with one alert."""
    import_ofsted(db, [_file(tmp_path, "2024.csv",
                             "SC900001,Children's home,Active,Oak House,SM1 1AA,Private,"
                             "Full inspection,10/01/2024,Good")], today=TODAY)
    _place_child(db, "SC900001", "C-0001")
    _in_parts(monkeypatch, 2)
    summary = import_ofsted(db, [_file(
        tmp_path, "2025.csv",
        "SC900001,Children's home,Active,Oak House,SM1 1AA,Private,"
        "Full inspection,20/05/2025,Requires improvement to be good",
        "SC900002,Children's home,Active,Elm House,SM1 1AB,Private,,,",
        "SC900001,Children's home,Active,Oak House,SM1 1AA,Private,"
        f"Full inspection,25/05/2025,{last}")], today=TODAY)
    assert (summary.upgrades, summary.downgrades, summary.alerts) == (0, downgrades, downgrades)
    assert (summary.new, summary.updated, summary.unchanged) == (1, 0, 1)
    with db.sessions() as s:
        oak = s.scalars(sa.select(Setting).where(Setting.urn == "SC900001")).one()
        assert (oak.latest_judgement, oak.latest_inspection_date) == (
            Judgement.GOOD if last == "Good" else Judgement.INADEQUATE, dt.date(2025, 5, 25))
        assert [a.new_judgement for a in s.scalars(sa.select(RatingAlert))] == (
            [Judgement.INADEQUATE] if downgrades else [])


def test_a_file_that_cannot_be_read_to_the_end_changes_nothing_though_parts_were_written(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows are read as they are written; a record the CSV reader cannot read (a cell over
    its limit) far down the file refuses the file, naming the row, and rolls back the
    parts already written."""
    rows = [f"SC{900100 + i},Children's home,Active,Home {i},SM1 1AA,Private,"
            "Full inspection,10/01/2024,Good" for i in range(60)]
    path = _file(tmp_path, "long.csv", *rows, "SC900999,Children's home,Active,"
                 + "x" * 200_000 + ",SM1 1AA,Private,,,")
    before = _dump(db)
    _in_parts(monkeypatch, 20)
    with pytest.raises(FileFormatError) as caught:
        import_ofsted(db, [path], today=TODAY)
    assert (caught.value.file, caught.value.row) == ("long.csv", 64)
    assert _dump(db) == before and _count(db, Setting) == 0
    assert _count(db, OfstedInspection) == 0
