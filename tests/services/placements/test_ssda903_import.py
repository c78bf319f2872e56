"""Importing an SSDA903 return: counts, rejected rows, re-import, URNs, distances, rollback."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlalchemy import event

from placement_desk.audit import snapshot
from placement_desk.errors import FileFormatError
from placement_desk.io.ssda903_records import EPISODE_COLUMNS
from placement_desk.lifecycle import Database
from placement_desk.models import AuditEvent, Child, PlacementEpisode, PostcodeLookup, Setting
from placement_desk.models.enums import (
    RegistrationStatus,
    SettingType,
    Sex,
)
from placement_desk.progress import Cancelled, TaskState
from placement_desk.services.placements.ssda903 import UnknownYear
from placement_desk.services.placements.ssda903_import import (
    REPORT_HEADINGS,
    import_ssda903,
    save_problem_report,
)
from tests.reference import SSDA903, need

TODAY = dt.date(2025, 6, 2)
HEADER_HEAD = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODE_HEAD = ",".join(EPISODE_COLUMNS)


def _write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _day(text: str) -> dt.date | None:
    try:
        day, month, year = text.strip().split("/")
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _count(db: Database, model: type) -> int:
    with db.sessions() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def _dump(db: Database) -> str:
    """Every row of the tables an import writes, as a fingerprint."""
    with db.engine.connect() as conn:
        parts = [conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY id").fetchall()
                 for table in ("child", "placement_episode", "audit_event")]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _expected_counts(header: Path, episodes: Path) -> tuple[int, int, int]:
    """Children, storable episodes and refused episode rows, worked out with csv alone.

    A row is refused only when it cannot be stored: no child, no start date, no
    placement type, an end date that is not a date, a child not in the header, or a
    second episode of a child starting on the same day.
    """
    with open(header, encoding="utf-8-sig", newline="") as fh:
        children = {r["CHILD"].strip() for r in csv.DictReader(fh) if r["CHILD"].strip()}
    good = bad = 0
    seen: set[tuple[str, str]] = set()
    with open(episodes, encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            ok = (r["CHILD"].strip() in children and _day(r["DECOM"]) is not None
                  and (not r["DEC"].strip() or _day(r["DEC"]) is not None)
                  and r["PLACE"].strip() != "" and (r["CHILD"], r["DECOM"]) not in seen)
            if ok:
                seen.add((r["CHILD"], r["DECOM"]))
                good += 1
            else:
                bad += 1
    return len(children), good, bad


@pytest.mark.reference
def test_the_published_files_import_with_the_expected_counts(db: Database) -> None:
    header, episodes = need(SSDA903 / "header.csv"), need(SSDA903 / "episodes.csv")
    children, good, bad = _expected_counts(header, episodes)
    summary = import_ssda903(db, header, episodes, today=TODAY)
    assert summary.children_new == children == _count(db, Child)
    assert summary.episodes_new == good == _count(db, PlacementEpisode)
    assert summary.episode_rows_rejected == bad
    assert summary.episode_rows == good + bad > 5000
    assert summary.children_updated == summary.episodes_updated == 0
    # Every episode starts before April 2023: the nearest year with rules is 2023-24. The
    # DfE's validator (0.1.14) finds 1,413 rows breaking rule 148 and 2,224 breaking 222 in
    # this file that year, and 596 episodes and 351 children breaking 358: so do we.
    assert (summary.year, summary.year_reason) == (
        "2023_24", "the nearest year with rules to that of the latest episode")
    counts = {c.code: c.count for c in summary.by_rule()}
    assert (counts["148"], counts["222"], counts["358"]) == (1413, 2224, 596 + 351)
    assert counts["PD-OVERLAP"] == 20, "the overlaps rule 501 misses"
    assert "PD-ROW" not in counts, "every row can be stored"
    rows = {p.row for p in summary.problems if p.file == "episodes.csv"}
    assert rows and max(rows) <= good + bad + 1
    with db.sessions() as s:
        with open(episodes, encoding="utf-8-sig", newline="") as fh:
            first = next(csv.DictReader(fh))
        episode = s.scalars(sa.select(PlacementEpisode).join(Child).where(
            Child.case_ref == first["CHILD"], PlacementEpisode.start_date == _day(
                first["DECOM"]))).one()
        assert episode.placement_type == first["PLACE"]
        assert episode.urn == first["URN"]
        assert episode.setting_id is None, "no register imported: URNs are unknown"


@pytest.mark.reference
def test_importing_the_same_files_again_changes_nothing(db: Database) -> None:
    header, episodes = need(SSDA903 / "header.csv"), need(SSDA903 / "episodes.csv")
    first = import_ssda903(db, header, episodes, today=TODAY)
    before = _dump(db)
    again = import_ssda903(db, header, episodes, today=TODAY)
    assert _dump(db) == before
    assert (again.children_new, again.children_updated, again.episodes_new,
            again.episodes_updated) == (0, 0, 0, 0)
    assert again.children_unchanged == first.children_new
    assert again.episodes_unchanged == first.episodes_new
    assert again.problems == first.problems


def _small_files(tmp_path: Path) -> tuple[Path, Path]:
    header = _write(tmp_path / "header.csv", HEADER_HEAD,
                    "C1,1,01/02/2010,WBRI,,,",
                    "C2,2,15/06/2012,AIND,,,",
                    "C2,2,15/06/2012,AIND,,,",         # row 4: C2 again
                    "C3,3,01/01/2011,WBRI,,,",         # row 5: sex 3
                    "C4,1,01/01/2011,XXXX,,,")         # row 6: unknown ethnicity
    episodes = _write(tmp_path / "episodes.csv", EPISODE_HEAD,
                      "C1,01/04/2020,S,C2,N1,K2,PR4,01/04/2021,X1,,SM1 1AA,SM2 2BB,SC900001",
                      "C1,01/04/2021,P,C2,N1,U4,PR1,,,CARPL,SM1 1AA,SM1 1AA,",
                      "C9,01/04/2021,S,C2,N1,U4,PR1,,,,,,",              # row 4: no child
                      "C2,31/13/2020,S,C2,N1,U4,PR1,,,,,,",              # row 5: bad date
                      "C2,01/05/2020,S,C2,N1,ZZ,PR1,,,,,,",              # row 6: bad PLACE
                      "C2,01/06/2020,S,C2,N1,U4,PR1,01/05/2020,E8,,,,",  # row 7: ends first
                      "C1,01/04/2020,S,C2,N1,K2,PR4,,,,,,",              # row 8: C1 again
                      "C3,01/04/2020,S,C2,N1,U4,PR1,,,,,,",              # row 9: C3 rejected
                      "C2,01/07/2020,S,C2,N1,K2,PR4,,,,,,SC999999")      # row 10: unknown URN
    return header, episodes


def test_only_rows_that_cannot_be_stored_are_refused_and_every_problem_is_listed(
        db: Database, tmp_path: Path) -> None:
    header, episodes = _small_files(tmp_path)
    summary = import_ssda903(db, header, episodes, today=TODAY)
    # Refused: C2 twice in the header; an episode whose child is not in the header, one
    # with no real start date, and a second one of C1 starting on the same day.
    assert (summary.children_new, summary.header_rows_rejected) == (4, 1)
    assert (summary.episodes_new, summary.episode_rows_rejected) == (6, 3)
    refused = {(p.table, p.row, p.columns) for p in summary.problems if p.code == "PD-ROW"}
    assert refused == {("header", 4, "CHILD"), ("episodes", 4, "CHILD"),
                       ("episodes", 5, "DECOM"), ("episodes", 8, "CHILD, DECOM")}
    assert all(p.level == "error" and p.message.endswith("The row was not imported.")
               for p in summary.problems if p.code == "PD-ROW")
    # Stored, with their problems: the latest episode starts in 2020, so 2023-24's rules
    # (the nearest year with rules) apply: SEX 3 (101), ETHNIC XXXX (103), PLACE ZZ (146).
    assert summary.year == "2023_24"
    found = {(p.code, p.table, p.row) for p in summary.problems}
    assert {("101", "header", 5), ("103", "header", 6), ("146", "episodes", 6),
            ("PD-DATES", "episodes", 7), ("PD-URN", "episodes", 10)} <= found
    reasons = {(p.file, p.row, p.code): p for p in summary.problems}
    assert "already on row 3" in reasons["header.csv", 4, "PD-ROW"].message
    assert "not in the header file" in reasons["episodes.csv", 4, "PD-ROW"].message
    assert "(row 2)" in reasons["episodes.csv", 8, "PD-ROW"].message
    with db.sessions() as s:
        refs = set(s.scalars(sa.select(Child.case_ref)))
        assert refs == {"C1", "C2", "C3", "C4"}
        c1 = s.scalars(sa.select(Child).where(Child.case_ref == "C1")).one()
        assert (c1.sex, c1.date_of_birth, c1.ethnicity) == (Sex.MALE, dt.date(2010, 2, 1),
                                                            "WBRI")
        c3 = s.scalars(sa.select(Child).where(Child.case_ref == "C3")).one()
        assert c3.sex is None, "a sex code of neither code set is stored as not recorded"
        # From the child's latest episode in the file
        assert (c1.legal_status, c1.home_postcode) == ("C2", "SM1 1AA")
        assert [e.start_date for e in c1.episodes] == [dt.date(2020, 4, 1),
                                                       dt.date(2021, 4, 1)]
        assert c1.episodes[1].reason_place_change == "CARPL"
        placed = set(s.scalars(sa.select(PlacementEpisode.placement_type)))
        assert "ZZ" in placed, "stored as written; rule 146 says it is not a code"
        audit = s.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.entity == "placement_episode", AuditEvent.entity_id == c1.episodes[0].id))
        assert audit == 1, "bulk inserts are audited"


def test_no_message_carries_a_record_value(db: Database, tmp_path: Path) -> None:
    header, episodes = _small_files(tmp_path)
    summary = import_ssda903(db, header, episodes, today=TODAY)
    values = ("C1", "C2", "C3", "C9", "2010", "2012", "SM1", "SM2", "ZZ", "SC999999",
              "31/13/2020")
    assert summary.problems
    for p in summary.problems:
        assert not [v for v in values if v in p.message], p


def test_an_unknown_urn_is_kept_with_a_warning_and_a_known_one_links_the_setting(
        db: Database, tmp_path: Path) -> None:
    with db.sessions.begin() as s:
        s.add(Setting(name="Oak House", urn="SC900001", setting_type=SettingType.CHILDRENS_HOME,
                      allowed_placement_codes="K2", ofsted_provider_code="PR4",
                      registration_status=RegistrationStatus.ACTIVE,
                      registration_date=dt.date(2015, 6, 1)))
    header, episodes = _small_files(tmp_path)
    summary = import_ssda903(db, header, episodes, today=TODAY)
    with db.sessions() as s:
        rows = {e.urn: e for e in s.scalars(sa.select(PlacementEpisode))}
        oak = s.scalars(sa.select(Setting).where(Setting.urn == "SC900001")).one()
        assert rows["SC900001"].setting_id == oak.id
        assert rows["SC999999"].setting_id is None
    urn_problems = [p for p in summary.problems if p.row == 10 and p.columns == "URN"]
    assert [(p.code, p.level) for p in urn_problems] == [("PD-URN", "warning")]
    assert "not in the register" in urn_problems[0].message
    assert not [p for p in summary.problems if p.row == 2 and p.file == "episodes.csv"
                and p.code.startswith("PD-")], "an episode that matches its setting"


def test_a_changed_row_updates_the_episode_and_is_audited(db: Database,
                                                          tmp_path: Path) -> None:
    header, episodes = _small_files(tmp_path)
    import_ssda903(db, header, episodes, today=TODAY)
    text = episodes.read_text(encoding="utf-8").replace(",,,CARPL,", ",,,ALLEG,")
    episodes.write_text(text, encoding="utf-8")
    summary = import_ssda903(db, header, episodes, today=TODAY)
    assert (summary.episodes_new, summary.episodes_updated, summary.episodes_unchanged) == (
        0, 1, 5)
    with db.sessions() as s:
        episode = s.scalars(sa.select(PlacementEpisode).where(
            PlacementEpisode.start_date == dt.date(2021, 4, 1))).one()
        assert episode.reason_place_change == "ALLEG"
        assert episode.version == 2
        change = s.scalars(sa.select(AuditEvent).where(
            AuditEvent.entity_id == episode.id, AuditEvent.action == "update")).one()
        assert (change.before, change.after) == ({"reason_place_change": "CARPL"},
                                                 {"reason_place_change": "ALLEG"})


def test_distances_come_from_the_lookup_and_typed_ones_are_kept(db: Database,
                                                                tmp_path: Path) -> None:
    with db.sessions.begin() as s:
        s.add_all([PostcodeLookup(postcode="SM11AA", easting=526000, northing=164000),
                   PostcodeLookup(postcode="SM22BB", easting=529000, northing=168000)])
    header, episodes = _small_files(tmp_path)
    import_ssda903(db, header, episodes, today=TODAY)
    with db.sessions.begin() as s:
        first, second = s.scalars(sa.select(PlacementEpisode).join(Child).where(
            Child.case_ref == "C1").order_by(PlacementEpisode.start_date)).all()
        assert first.distance_miles == pytest.approx(math.hypot(3000, 4000) / 1609.344)
        assert second.distance_miles == 0.0
        assert s.scalars(sa.select(PlacementEpisode.distance_miles).join(Child).where(
            Child.case_ref == "C2")).all() == [None] * 3, "no postcodes, no distance"
        first.distance_miles, first.distance_entered = 12.5, True
    summary = import_ssda903(db, header, episodes, today=TODAY)
    assert summary.episodes_updated == 0
    with db.sessions() as s:
        kept = s.scalars(sa.select(PlacementEpisode.distance_miles).where(
            PlacementEpisode.distance_entered.is_(True))).one()
        assert kept == 12.5


def test_a_bad_file_changes_nothing(db: Database, tmp_path: Path) -> None:
    header, episodes = _small_files(tmp_path)
    import_ssda903(db, header, episodes, today=TODAY)
    before = _dump(db)
    missing = _write(tmp_path / "no_place.csv", EPISODE_HEAD.replace("PLACE,", "WHERE,", 1),
                     "C1,01/04/2023,S,C2,N1,U4,PR1,,,,,,")
    text_xlsx = _write(tmp_path / "episodes.xlsx", "just some notes")
    empty = _write(tmp_path / "empty.csv", "")
    for bad, column in ((missing, "PLACE"), (text_xlsx, "CHILD"), (empty, "CHILD")):
        with pytest.raises(FileFormatError) as caught:
            import_ssda903(db, header, bad, today=TODAY)
        assert (caught.value.file, caught.value.column) == (bad.name, column)
    with pytest.raises(FileFormatError) as caught:
        import_ssda903(db, empty, episodes, today=TODAY)
    assert caught.value.file == "empty.csv"
    assert _dump(db) == before


def test_cancelling_after_the_writes_leaves_the_database_unchanged(db: Database,
                                                                   tmp_path: Path) -> None:
    header, episodes = _small_files(tmp_path)
    before = _dump(db)
    steps: list[str] = []

    def watch(step: str, _done: int, _total: int) -> None:
        steps.append(step)
        if step.startswith("Checking episodes"):  # everything is written by now
            state.cancel()

    state = TaskState(watch, min_interval=0)
    with pytest.raises(Cancelled):
        import_ssda903(db, header, episodes, state, today=TODAY)
    assert "Saving episodes" in steps
    assert _dump(db) == before
    assert _count(db, Child) == 0


@pytest.mark.reference
def test_the_problem_report_opens_in_excel_with_every_problem(db: Database,
                                                              tmp_path: Path) -> None:
    summary = import_ssda903(db, need(SSDA903 / "header.csv"),
                             need(SSDA903 / "episodes.csv"), today=TODAY)
    out = save_problem_report(summary, tmp_path / "problems.xlsx")
    book = load_workbook(out, read_only=True)
    rows = list(book["Problems"].iter_rows(values_only=True))
    by_rule = list(book["By rule"].iter_rows(values_only=True))
    book.close()
    assert rows[0] == REPORT_HEADINGS == ("Rule", "Level", "Table", "File", "Row", "Columns",
                                          "Message")
    assert len(rows) - 1 == len(summary.problems) > 1000
    first = summary.problems[0]
    assert rows[1] == (first.code, first.level.capitalize(), first.table.capitalize(),
                       first.file, first.row, first.columns, first.message)
    assert {r[1] for r in rows[1:]} == {"Error", "Warning"}
    # The count by rule adds up to every problem, rule 148's as the validator counts it.
    assert by_rule[0] == ("Rule", "Level", "Problems", "What it checks")
    assert sum(r[2] for r in by_rule[1:]) == len(summary.problems)  # type: ignore[misc]
    assert by_rule[1][:3] == ("148", "Error", 1413)


def test_a_large_return_imports_in_one_pass(db: Database, tmp_path: Path) -> None:
    """20,000 episodes: the import reads the database in bulk, not row by row."""
    children = [f"K{i}" for i in range(5000)]
    header = _write(tmp_path / "header.csv", HEADER_HEAD,
                    *(f"{c},1,01/01/2010,WBRI,,," for c in children))
    lines = [EPISODE_HEAD]
    for c in children:
        for n in range(4):
            lines.append(f"{c},01/0{n + 1}/2020,P,C2,N1,U4,PR1,01/0{n + 2}/2020,X1,,,,")
    episodes = _write(tmp_path / "episodes.csv", *lines)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        summary = import_ssda903(db, header, episodes, today=TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert summary.episodes_new == 20000 == _count(db, PlacementEpisode)
    assert len(statements) < 200


def _year_files(tmp_path: Path) -> tuple[Path, Path]:
    """A child written in 2024-25's codes and placed in a 2025-26 type."""
    header = _write(tmp_path / "header.csv", HEADER_HEAD,
                    "Y1,M,01/02/2010,WBRI,,,",
                    "Y2,1,01/02/2010,WBRI,,,")
    episodes = _write(tmp_path / "episodes.csv", EPISODE_HEAD,
                      "Y1,01/05/2025,S,C2,N1,Z11,,,,,,,",
                      "Y2,01/06/2025,S,C2,N1,K2,PR4,,,,,,SC900001")
    return header, episodes


def test_codes_valid_in_their_year_are_never_refused(db: Database, tmp_path: Path) -> None:
    header, episodes = _year_files(tmp_path)
    summary = import_ssda903(db, header, episodes, today=TODAY)
    # The latest episode starts in 2025-26: SEX M and PLACE Z11 are that year's codes, while
    # SEX 1 is the old code set's (101). Nothing is refused.
    assert (summary.year, summary.year_reason) == ("2025_26", "the year of the latest episode")
    assert summary.rows_rejected == 0
    assert (summary.children_new, summary.episodes_new) == (2, 2)
    assert {(p.code, p.table, p.row) for p in summary.problems} == {
        ("101", "header", 3), ("PD-URN", "episodes", 3)}
    with db.sessions() as s:
        assert set(s.scalars(sa.select(Child.sex))) == {Sex.MALE}
        assert set(s.scalars(sa.select(PlacementEpisode.placement_type))) == {"Z11", "K2"}


def test_the_year_chosen_decides_the_rules(db: Database, tmp_path: Path) -> None:
    header, episodes = _year_files(tmp_path)
    summary = import_ssda903(db, header, episodes, today=TODAY, year="2023-24")
    # In 2023-24 SEX was 1 or 2, and Z11 did not exist (146), nor was it among the types
    # needing no URN (218). 385 looks at end dates only, and these episodes are open.
    assert (summary.year, summary.year_reason) == ("2023_24", "chosen")
    assert summary.rows_rejected == 0
    assert {(p.code, p.table, p.row) for p in summary.problems if p.code[0].isdigit()} == {
        ("101", "header", 2), ("146", "episodes", 2), ("218", "episodes", 2)}
    with pytest.raises(UnknownYear, match="2019-20"):
        import_ssda903(db, header, episodes, today=TODAY, year="2019-20")


def test_every_overlap_is_listed_and_rule_501_s_are_labelled(db: Database,
                                                              tmp_path: Path) -> None:
    header = _write(tmp_path / "header.csv", HEADER_HEAD, "O1,M,01/02/2010,WBRI,,,")
    episodes = _write(tmp_path / "episodes.csv", EPISODE_HEAD,
                      "O1,01/05/2025,S,C2,N1,U4,PR1,01/12/2025,E8,,,,1234567",   # row 2
                      "O1,01/06/2025,S,C2,N1,U4,PR1,01/07/2025,E8,,,,1234567",   # 3: inside 2
                      "O1,01/08/2025,S,C2,N1,U4,PR1,01/09/2025,E8,,,,1234567")   # 4: inside 2
    summary = import_ssda903(db, header, episodes, today=TODAY)
    overlaps = {(p.code, p.row) for p in summary.problems
                if p.code in ("501", "PD-OVERLAP")}
    # Row 3 starts before row 2 ends (501: its neighbour); row 4 starts before row 2 ends,
    # but its neighbour is row 3, which ended first: 501 misses it, and we list it.
    assert overlaps == {("501", 3), ("PD-OVERLAP", 4)}
    missed = next(p for p in summary.problems if p.code == "PD-OVERLAP")
    assert "row 2 " in missed.message and "501" in missed.message


def test_the_bulk_audit_trail_is_what_the_orm_hook_would_write(db: Database,
                                                                tmp_path: Path) -> None:
    header, episodes = _small_files(tmp_path)
    import_ssda903(db, header, episodes, today=TODAY)
    with db.sessions() as s:
        for model in (Child, PlacementEpisode):
            for obj in s.scalars(sa.select(model)):
                event = s.scalars(sa.select(AuditEvent).where(
                    AuditEvent.entity_id == obj.id)).one()
                assert (event.action, event.before) == ("create", None)
                # the hook's record of a new object: its values, the empty ones left out
                assert event.after == {k: v for k, v in snapshot(obj).items()
                                       if v is not None}


def test_the_import_tells_the_pages_which_tables_it_wrote(db: Database, tmp_path: Path) -> None:
    header, episodes = _small_files(tmp_path)
    told: list[frozenset[str]] = []
    db.on_change(told.append)
    import_ssda903(db, header, episodes, today=TODAY)
    assert told == [frozenset({"child", "placement_episode", "audit_event"})]


def test_an_ethnicity_longer_than_any_code_is_left_out_with_a_warning(
        db: Database, tmp_path: Path) -> None:
    """A server refuses text longer than its column where an SQLite file keeps it: the
    import leaves the value out on both, and says so."""
    header = _write(tmp_path / "header.csv", HEADER_HEAD, "C1,1,01/02/2010,WBRIXXXXXX,,,")
    episodes = _write(tmp_path / "episodes.csv", EPISODE_HEAD,
                      "C1,01/04/2021,P,C2,N1,U4,PR1,,,,SM1 1AA,SM1 1AA,")
    summary = import_ssda903(db, header, episodes, today=TODAY)
    assert summary.children_new == 1
    warned = [(p.level, p.table, p.row, p.columns) for p in summary.problems
              if p.code == "PD-VALUE"]
    assert warned == [("warning", "header", 2, "ETHNIC")]
    with db.read() as session:
        assert session.scalars(sa.select(Child.ethnicity)).all() == [None]


# -- a large return, taken a part at a time ------------------------------------------------


def _stored(db: Database) -> list[tuple[object, ...]]:
    """The children and episodes as stored, without ids or times."""
    with db.engine.connect() as conn:
        return [*conn.exec_driver_sql(
            "SELECT case_ref, date_of_birth, sex, ethnicity, legal_status, home_postcode, "
            "version FROM child ORDER BY case_ref").fetchall(),
            *conn.exec_driver_sql(
                "SELECT c.case_ref, e.start_date, e.end_date, e.reason_new_episode, "
                "e.legal_status, e.placement_type, e.place_provider, e.reason_ceased, "
                "e.home_postcode, e.placement_postcode, e.urn, e.setting_id, "
                "e.distance_miles, e.version FROM placement_episode e "
                "JOIN child c ON c.id = e.child_id ORDER BY c.case_ref, e.start_date")
            .fetchall()]


def test_a_return_taken_in_parts_is_imported_as_one_part_imports_it(
        db: Database, fresh_target: object, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A return is written a part of 20,000 episodes at a time; taken two at a time, the
    small return (refused rows, a child's episode twice, a row whose child is refused) and
    then a changed copy of it must give the same children, episodes and problems."""
    from placement_desk.lifecycle import open_database
    from placement_desk.services.placements import ssda903_import

    header, episodes = _small_files(tmp_path)
    changed = _write(tmp_path / "changed.csv", *[
        line.replace(",U4,", ",K2,") for line in episodes.read_text().splitlines()])
    whole = [import_ssda903(db, header, path, today=TODAY) for path in (episodes, changed)]
    other = open_database(fresh_target)  # type: ignore[arg-type]
    try:
        monkeypatch.setattr(ssda903_import, "_PART", 2)
        parts = [import_ssda903(other, header, path, today=TODAY)
                 for path in (episodes, changed)]
        assert _stored(other) == _stored(db)
    finally:
        other.close()
    assert [s.as_dict() for s in parts] == [s.as_dict() for s in whole]
    assert whole[1].episodes_updated > 0 and whole[0].episode_rows_rejected == 3


@pytest.mark.reference
def test_the_published_return_taken_in_parts_gives_the_same_import(
        db: Database, fresh_target: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from placement_desk.lifecycle import open_database
    from placement_desk.services.placements import ssda903_import

    header, episodes = need(SSDA903 / "header.csv"), need(SSDA903 / "episodes.csv")
    whole = import_ssda903(db, header, episodes, today=TODAY)
    other = open_database(fresh_target)  # type: ignore[arg-type]
    try:
        monkeypatch.setattr(ssda903_import, "_PART", 700)
        parts = import_ssda903(other, header, episodes, today=TODAY)
        assert _stored(other) == _stored(db)
    finally:
        other.close()
    assert parts.as_dict() == whole.as_dict()
    assert whole.episodes_new > 5000
