"""Importing teams' own spreadsheets through the forms' rules, round trips of every kind,
undoing a batch, and value mapping."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from placement_desk.errors import FileFormatError, UserError
from placement_desk.services.spreadsheets.exporting import export_kind, write_template
from placement_desk.services.spreadsheets.importing import (
    ImportPlan,
    last_batch,
    prepare,
    run_import,
    undo_last_batch,
)
from placement_desk.services.spreadsheets.kinds import IMPORTABLE
from placement_desk.services.spreadsheets.mapping import (
    columns_by_heading,
    profile_names,
    save_profile,
)

TODAY = dt.date(2026, 3, 31)


def _run(db: Any, path: Path, kind: str, *, commit: bool = True, **plan: Any) -> Any:
    prepared = prepare(db, ImportPlan(path, kind, **plan))
    return run_import(db, prepared, commit=commit, today=TODAY)


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _as_stored(value: Any) -> Any:
    """A value as an SQLite file stores it, so that a row reads the same on a server."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, bool):
        return int(value)
    return value


def _rows(db: Any, sql: str) -> list[tuple[Any, ...]]:
    with db.engine.connect() as con:
        return [tuple(map(_as_stored, row)) for row in con.exec_driver_sql(sql)]


def tracker(path: Path) -> Path:
    """A placements tracker as a team keeps it: a title row, a heading merged over two
    rows, a group heading over the start and end, dates as text and as Excel serials,
    a blank row, and formatted empty columns to the right."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "2025-26"
    sheet["A1"] = "Placements tracker – OFFICIAL-SENSITIVE"
    sheet["A3"], sheet["B3"], sheet["D3"], sheet["E3"] = "Child ID", "Placement", "PLACE", \
        "Route"
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("B3:C3")
    sheet.merge_cells("D3:D4")
    sheet.merge_cells("E3:E4")
    sheet["B4"], sheet["C4"] = "Start", "End"
    sheet.append(["C1001", "01/04/2025", None, "U4", "IFA framework"])
    sheet.append([None, None, None, None, None])
    sheet.append(["C1002", 45778, "2025-09-30", "K2", "In house"])  # 45778 is 01/05/2025
    sheet.append(["C1001", 45900, None, "U6", "framework"])  # 45900 is 31/08/2025
    sheet["K8"] = ""
    sheet.column_dimensions["K"].width = 20
    book.save(path)
    return path


def test_a_real_looking_tracker_imports_with_its_dates_and_codes(db: Any,
                                                                 tmp_path: Path) -> None:
    path = tracker(tmp_path / "tracker.xlsx")
    prepared = prepare(db, ImportPlan(path, "placements",
                                      values={"commissioning_route":
                                              {"ifa framework": "framework"}}))
    assert prepared.header.row_number == 4
    assert [prepared.columns[i] for i in range(5)] == [
        "case_ref", "start_date", "end_date", "placement_type", "commissioning_route"]
    result = run_import(db, prepared, commit=True, today=TODAY)
    assert (result.rows, result.created, result.errors) == (3, 3, 0), result.problems
    assert _rows(db, "SELECT c.case_ref, e.start_date, e.end_date, e.placement_type, "
                     "e.commissioning_route FROM placement_episode e JOIN child c "
                     "ON c.id = e.child_id ORDER BY c.case_ref, e.start_date") == [
        ("C1001", "2025-04-01", None, "U4", "framework"),
        ("C1001", "2025-08-31", None, "U6", "framework"),
        ("C1002", "2025-05-01", "2025-09-30", "K2", "in_house")]
    assert _rows(db, "SELECT count(*) FROM audit_event WHERE entity = 'placement_episode'"
                     " AND action = 'create'") == [(3,)]
    batch = last_batch(db)
    assert batch is not None and (batch.file_name, batch.created) == ("tracker.xlsx", 3)


def test_no_record_value_is_written_into_a_statements_text(db: Any, tmp_path: Path) -> None:
    # Values are bound as parameters, which the log never shows; the text of a statement
    # is shown when it fails. Two children placed at one postcode on one day share those
    # values, and they must still not become part of any statement's text.
    from sqlalchemy import event

    path = _csv(tmp_path / "tracker.csv",
                "Child ID,Start,PLACE,Route,Postcode\n"
                "QZ770001,01/04/2025,U4,framework,SM3 1QZ\n"
                "QZ770002,01/04/2025,U4,framework,SM3 1QZ\n")
    texts: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        texts.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        result = _run(db, path, "placements")
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert (result.created, result.errors) == (2, 0), result.problems
    assert any("INSERT INTO placement_episode" in text for text in texts)
    for value in ("QZ77000", "SM3 1QZ", "2025-04-01", "'U4'", "'framework'"):
        assert not any(value in text for text in texts), value


def test_a_preview_checks_every_row_and_changes_nothing(db: Any, tmp_path: Path) -> None:
    path = _csv(tmp_path / "p.csv",
                "Child ref,Start,PLACE,Route\n"
                "C1,01/04/2025,U4,Spot\n"       # a spot purchase needs its reason
                "C2,31/02/2025,U4,\n"           # no such date
                "C3,01/04/2025,Q9,\n"           # no such placement type
                "C4,01/04/2025,K2,\n"
                "C4,01/04/2025,K2,\n")          # the same placement twice
    before = _held(db, everything=True)
    result = _run(db, path, "placements", commit=True)
    assert not result.committed and _held(db, everything=True) == before
    errors = [(p.row, p.column, p.message) for p in result.problems if p.level == "error"]
    assert errors == [
        (2, "", "Say why the in-house, block, framework and regional routes could not serve "
                "this child."),
        (3, "B (Start)", "The start date is not a date (dd/mm/yyyy)."),
        (4, "C (PLACE)", "The placement type is not one of the placement type values; map it "
                         "to one in the value mapping."),
        (6, "B (Start)", "Row 5 has the same case reference, start date; keep one row for "
                         "each.")]
    assert all("C1" not in p.message and "Q9" not in p.message for p in result.problems)


def test_each_row_says_which_of_its_needed_cells_are_empty_or_unreadable(
        db: Any, tmp_path: Path) -> None:
    path = _csv(tmp_path / "p.csv", "Child ref,Start,PLACE\n"
                                    "C1,,U4\n"
                                    ",01/04/2025,\n"
                                    "C3,31/02/2025,\n"
                                    "C4,01/04/2025,K2\n")
    result = _run(db, path, "placements", commit=False)
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (2, "B (Start)", "Enter the start date: every row needs one."),
        (3, "A (Child ref)", "Enter the case reference: every row needs one."),
        (3, "C (PLACE)", "Enter the placement type: every row needs one."),
        (4, "B (Start)", "The start date is not a date (dd/mm/yyyy)."),
        (4, "C (PLACE)", "Enter the placement type: every row needs one.")]
    assert (result.rows, result.created) == (4, 1)


def test_a_windows_1252_provider_list_with_value_mapping(db: Any, tmp_path: Path) -> None:
    providers = tmp_path / "providers.csv"
    providers.write_bytes("Organisation,Email\r\nCafé Care Ltd,office@cafe.example\r\n"
                          .encode("cp1252"))
    assert _run(db, providers, "providers").created == 1
    settings = _csv(tmp_path / "homes.csv",
                    "URN,Home,Type,Provider,Sector,Beds\n"
                    "SC100001,Oak House,CH,café care ltd,Private,4\n"
                    "2590934,Elm Fostering,IFA,Café Care Ltd,Vol,\n")
    result = _run(db, settings, "settings")
    assert (result.created, result.errors) == (2, 0), result.problems
    assert sorted(_rows(db, "SELECT s.urn, s.setting_type, s.sector, s.places, p.name FROM "
                            "setting s JOIN provider p ON p.id = s.provider_id")) == [
        ("2590934", "ifa", "voluntary", None, "Café Care Ltd"),
        ("SC100001", "childrens_home", "private", 4, "Café Care Ltd")]


def test_a_saved_mapping_is_used_for_next_months_file(db: Any, tmp_path: Path) -> None:
    first = _csv(tmp_path / "april.csv", "Kid,Began,Kind\nC1,01/04/2025,Foster\n")
    prepared = prepare(db, ImportPlan(first, "placements",
                                      columns={0: "case_ref", 1: "start_date",
                                               2: "placement_type"},
                                      values={"placement_type": {"foster": "U6"}}))
    save_profile(db, "placements", "Monthly tracker",
                 columns_by_heading(prepared.headings, prepared.columns), prepared.values,
                 prepared.header.row_number)
    assert profile_names(db, "placements") == ["Monthly tracker"]
    second = _csv(tmp_path / "may.csv", "Kind,Kid,Began\nFoster,C2,01/05/2025\n")
    result = _run(db, second, "placements", profile="Monthly tracker")
    assert (result.created, result.errors) == (1, 0), result.problems
    assert _rows(db, "SELECT placement_type FROM placement_episode") == [("U6",)]


def test_rows_match_on_natural_keys_and_the_last_batch_undoes(db: Any, tmp_path: Path
                                                              ) -> None:
    first = _csv(tmp_path / "one.csv", "Child ref,Start,PLACE,End\n"
                                       "C1,01/04/2025,U4,\nC2,01/05/2025,K2,\n")
    _run(db, first, "placements")
    before = _rows(db, "SELECT id, placement_type, end_date, deleted_at, version FROM "
                       "placement_episode ORDER BY start_date")
    second = _csv(tmp_path / "two.csv", "Child ref,Start,PLACE,End\n"
                                        "c1,01/04/2025,U4,30/09/2025\nC3,01/06/2025,U6,\n")
    result = _run(db, second, "placements")
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    assert _rows(db, "SELECT count(*) FROM placement_episode") == [(3,)], "no duplicate"
    undone = undo_last_batch(db)
    assert (undone.deleted, undone.restored) == (2, 1)  # C3's child and episode; C1 ended
    after = _rows(db, "SELECT id, placement_type, end_date, deleted_at, version FROM "
                      "placement_episode WHERE deleted_at IS NULL ORDER BY start_date")
    assert [r[:4] for r in after] == [r[:4] for r in before]
    assert _rows(db, "SELECT count(*) FROM child WHERE deleted_at IS NULL") == [(2,)]
    with pytest.raises(UserError, match="undone already"):
        undo_last_batch(db)


def test_an_import_whose_records_changed_since_is_not_undone(db: Any, tmp_path: Path) -> None:
    from placement_desk.services.placements.episodes import load_episode, save_episode

    path = _csv(tmp_path / "one.csv", "Child ref,Start,PLACE\nC1,01/04/2025,U4\n")
    _run(db, path, "placements")
    (episode_id,) = _rows(db, "SELECT id FROM placement_episode")[0]
    import uuid

    eid = uuid.UUID(episode_id) if isinstance(episode_id, str) else uuid.UUID(bytes=episode_id)
    form = load_episode(db, eid)
    form.notes = "Seen by the panel"
    save_episode(db, form, eid)
    before = _held(db, everything=True)
    with pytest.raises(UserError, match="changes have been made since"):
        undo_last_batch(db)
    assert _held(db, everything=True) == before


# -- round trips ---------------------------------------------------------------------------

SEED = {
    "providers": "Provider,Legal name,Email,Council's own service,Notes\n"
                 "Acorn Care,Acorn Care Ltd,hello@acorn.example,No,\"=cmd|' /C calc'!A0\"\n"
                 "Sutton Council,,,Yes,\n",
    "settings": "URN,Setting,Setting type,Provider,Sector,Places,Registration date,Postcode\n"
                "SC100001,Oak House,Children's home,Acorn Care,Private,4,01/02/2015,SM1 1AA\n"
                "SC100002,Elm Lodge,Children's home,Acorn Care,Private,3,,\n",
    "children": "Case reference,Date of birth,Sex,UASC,Needs level,Notes\n"
                "C100,14/03/2010,Female,No,,+44 note\nC101,02/09/2008,Male,Yes,2,\n",
    "placements": "Case reference,Start date,End date,Placement type,URN,Route,"
                  "Why spot purchase,Distance (miles)\n"
                  "C100,01/04/2024,31/03/2025,K2,SC100001,Spot,No block bed free,12.5\n"
                  "C101,01/05/2024,,U4,,In-house,,\n",
    "agreements": "Agreement reference,Case reference,URN,Start date,Placement type,"
                  "Weekly fee\nIPA-1,C100,SC100001,01/04/2024,K2,\"£4,250.00\"\n",
    "contracts": "Contract reference,Title,Contract type,Providers,Start date,End date,Value,"
                 "Annual uplift,Block beds\n"
                 "BLK-1,Two beds,Block contract,Acorn Care,01/04/2024,31/03/2027,"
                 "\"£500,000.00\",2.5%,2\n",
    "fees": "Contract reference,Rate for,Placement type,Provider,Weekly rate,Effective from\n"
            "BLK-1,Block bed,K2,Acorn Care,\"£3,900.00\",01/04/2024\n",
    "qa-visits": "URN,Visit date,Visit type,Officers,Overall judgement,Summary\n"
                 "SC100001,12/01/2026,Unannounced,Sam Jones,G,Warm and settled\n",
    "actions": "Action,URN,Owner,Due date,Priority,Status\n"
               "Update the fire risk assessment,SC100001,Sam Jones,30/04/2026,High,Open\n",
    "reviews": "Provider,Review date,Contract reference,Status,Council attendees,Outcome,"
               "Next review\nAcorn Care,01/10/2025,BLK-1,In progress,Sam Jones,On track,"
               "01/04/2026\n",
    "documents": "URN,Provider,Document,Title,Reference,Received,Expires\n"
                 ",Acorn Care,Insurance,Public liability,PL-123,01/01/2026,31/12/2026\n"
                 "SC100001,,Registration certificate,Registration,,01/02/2015,\n",
}


def _seed(db: Any, folder: Path) -> None:
    for kind, text in SEED.items():
        result = _run(db, _csv(folder / f"{kind}.csv", text), kind)
        assert result.errors == 0 and result.committed, (kind, result.problems)


def _held(db: Any, *, everything: bool = False) -> str:
    """Every table but the import batches, which each import adds to (``everything``:
    those too), and the audit trail's notes of exports, which each export adds."""
    tables = sorted(sa.inspect(db.engine).get_table_names())
    if not everything:
        tables.remove("import_batch")
    return repr([(t, sorted(map(repr, _rows(db, f'SELECT * FROM "{t}"' + (
        " WHERE action != 'export'" if t == "audit_event" and not everything else "")))))
        for t in tables])


def test_every_importable_kind_is_seeded(db: Any, tmp_path: Path) -> None:
    assert {k.name for k in IMPORTABLE} == set(SEED)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_every_kind_exported_imports_again_with_no_change(db: Any, tmp_path: Path,
                                                          suffix: str) -> None:
    _seed(db, tmp_path)
    before = _held(db)
    for kind in SEED:
        out = tmp_path / f"{kind}-export{suffix}"
        count = export_kind(db, kind, out, today=TODAY)
        assert count >= 1, kind
        result = _run(db, out, kind)
        assert (result.errors, result.created, result.updated) == (0, 0, 0), \
            (kind, result.problems)
        assert result.unchanged == count, kind
    assert _held(db) == before


def test_a_template_filled_in_imports(db: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = write_template("children", tmp_path / "children.xlsx")
    book = load_workbook(path)
    sheet = book["Children"]
    headings = [c.value for c in sheet[4]]
    assert headings[0] == "Case reference *"
    sheet.append(["C900", dt.datetime(2012, 6, 1), "Male"])
    book.save(path)
    result = _run(db, path, "children")
    assert (result.created, result.errors) == (1, 0), result.problems
    assert _rows(db, "SELECT case_ref, date_of_birth, sex FROM child") == [
        ("C900", "2012-06-01", "1")]


def test_a_sheet_of_another_kind_is_refused(db: Any, tmp_path: Path) -> None:
    path = _csv(tmp_path / "visits.csv", "Colour,Flavour\nRed,Sweet\n")
    with pytest.raises(FileFormatError, match="does not look like a list of"):
        _run(db, path, "placements")


def test_a_cancelled_import_leaves_the_database_as_it_was(db: Any, tmp_path: Path) -> None:
    from placement_desk.progress import Cancelled, TaskState

    path = _csv(tmp_path / "big.csv", "Child ref,Start,PLACE\n" + "".join(
        f"C{n},01/04/2025,U4\n" for n in range(1500)))
    before = _held(db, everything=True)
    state = TaskState()

    def stop(_step: str, done: int, _total: int) -> None:
        if done >= 500:
            state.cancel()

    state = TaskState(stop, min_interval=0)
    prepared = prepare(db, ImportPlan(path, "placements"))
    with pytest.raises(Cancelled):
        run_import(db, prepared, commit=True, state=state, today=TODAY)
    assert _held(db, everything=True) == before


@pytest.mark.sqlite_only(reason="the copy is of a database file; a team server's database is "
                                 "backed up on the server")
def test_a_commit_copies_the_database_first_and_keeps_the_copy_only_if_it_commits(
        db: Any, tmp_path: Path) -> None:
    from placement_desk.services.common.backups import (
        BEFORE_IMPORT,
        backup_folder,
        list_backups,
    )

    def copies() -> list[str]:
        return [b.kind for b in list_backups(db.path)]

    good = _csv(tmp_path / "good.csv", "Child ref,Start,PLACE\nC1,01/04/2025,U4\n")
    bad = _csv(tmp_path / "bad.csv", "Child ref,Start,PLACE\nC2,01/04/2025,Q9\n")
    assert not _run(db, good, "placements", commit=False).committed and copies() == []
    assert not _run(db, bad, "placements").committed and copies() == []
    assert not backup_folder(db.path).exists()  # the folder as it was, too
    assert _run(db, good, "placements").committed and copies() == [BEFORE_IMPORT]
    with sa.create_engine(f"sqlite:///{list_backups(db.path)[0].path}").connect() as copy:
        assert copy.exec_driver_sql("SELECT count(*) FROM child").scalar() == 0  # before


def test_an_ods_provider_list_imports(db: Any, tmp_path: Path) -> None:
    from tests.io.test_hostile_files import _ODS_CELL, _ods

    def row(*cells: str) -> str:
        return "<table:table-row>" + "".join(_ODS_CELL.format(c) for c in cells) \
            + "</table:table-row>"

    path = _ods(tmp_path / "providers.ods", row("Our providers") + row()
                + row("Organisation", "Phone") + row("Birch Care", "020 7946 0000"))
    result = _run(db, path, "providers")
    assert (result.header_row, result.created, result.errors) == (3, 1, 0), result.problems
    assert _rows(db, "SELECT name, phone FROM provider") == [("Birch Care", "020 7946 0000")]


def test_a_preview_of_placements_writes_nothing(db: Any, tmp_path: Path) -> None:
    path = _csv(tmp_path / "p.csv", "Child ref,Start,PLACE\nC1,01/04/2025,U4\n")
    result = _run(db, path, "placements", commit=False)
    assert (result.created, result.committed) == (1, False)
    assert _rows(db, "SELECT count(*) FROM child") == [(0,)]


def test_the_demo_councils_records_export_and_import_again_unchanged(db: Any,
                                                                     tmp_path: Path) -> None:
    """Real-looking data: settings without a URN sharing a name, actions repeated for one
    setting, documents renewed under the same title, signed agreements, planned reviews."""
    from placement_desk.services.demo.generator import generate_demo

    generate_demo(db.engine, "small", seed=3, as_of=TODAY)
    before = _held(db)
    for kind in SEED:
        out = tmp_path / f"{kind}.xlsx"
        count = export_kind(db, kind, out, today=TODAY)
        result = _run(db, out, kind)
        assert (result.errors, result.created, result.updated, result.unchanged) == (
            0, 0, 0, count), (kind, result.problems[:3])
        assert not [p for p in result.problems if p.level == "warning"], kind
    assert _held(db) == before


def test_undoing_a_contract_import_gives_back_the_providers_it_replaced(
        db: Any, tmp_path: Path) -> None:
    _run(db, _csv(tmp_path / "providers.csv", "Provider\nAcorn Care\nBirch Care\n"),
         "providers")
    head = "Contract reference,Title,Contract type,Providers,Start date\n"
    _run(db, _csv(tmp_path / "c1.csv", head + "SPOT-1,One bed,Spot,Acorn Care,01/04/2025\n"),
         "contracts")

    def providers() -> list[tuple[Any, ...]]:
        return _rows(db, "SELECT p.name FROM contract_provider l JOIN provider p "
                         "ON p.id = l.provider_id")

    assert providers() == [("Acorn Care",)]
    result = _run(db, _csv(tmp_path / "c2.csv",
                           head + "SPOT-1,One bed,Spot,Birch Care,01/04/2025\n"), "contracts")
    assert result.updated == 1 and providers() == [("Birch Care",)]
    undo_last_batch(db)
    assert providers() == [("Acorn Care",)]
    assert _rows(db, "SELECT reference, deleted_at FROM contract") == [("SPOT-1", None)]


def test_records_written_in_bulk_are_audited_as_the_forms_would_be(db: Any,
                                                                     tmp_path: Path) -> None:
    from sqlalchemy import select

    from placement_desk.audit import created_values, snapshot
    from placement_desk.models import AuditEvent, Child, PlacementEpisode

    path = _csv(tmp_path / "p.csv", "Child ref,DOB,Start,PLACE,Route,Why spot purchase\n"
                                    "C1,02/03/2012,01/04/2025,U4,Spot,No bed on the framework\n")
    _run(db, path, "placements")
    with db.read() as session:
        for model in (Child, PlacementEpisode):
            record = session.scalars(select(model)).one()
            event = session.scalars(select(AuditEvent).where(
                AuditEvent.entity_id == record.id)).one()
            assert event.action == "create" and event.user == db.user
            assert event.after == created_values(snapshot(record)), model.__name__
            # what the hook leaves out are the empty fields, and only those
            assert {k for k, v in snapshot(record).items() if v is None} == \
                set(snapshot(record)) - set(event.after) != set(), model.__name__


def test_an_action_logged_as_done_moves_by_the_trackers_steps(db: Any, tmp_path: Path) -> None:
    _seed(db, tmp_path)
    path = _csv(tmp_path / "log.csv", "Action,URN,Owner,Due date,Status,Completed on\n"
                                      "Fix the door,SC100001,Sam Jones,01/02/2026,Done,"
                                      "28/01/2026\n"
                                      "Update the fire risk assessment,SC100001,Sam Jones,"
                                      "30/04/2026,Overdue,\n")
    result = _run(db, path, "actions")
    assert (result.created, result.unchanged, result.errors) == (1, 1, 0), result.problems
    assert _rows(db, "SELECT a.status, a.completed_date, u.old_status, u.new_status FROM "
                     "action a JOIN action_update u ON u.action_id = a.id WHERE "
                     "a.description = 'Fix the door' ORDER BY u.created_at") == [
        ("done", "2026-01-28", "open", "in_progress"),
        ("done", "2026-01-28", "in_progress", "done")]
    reopen = _csv(tmp_path / "reopen.csv", "Action,URN,Owner,Due date,Status\n"
                                           "Fix the door,SC100001,Sam Jones,01/02/2026,Open\n")
    refused = _run(db, reopen, "actions")
    assert [p.message for p in refused.problems] == [
        "Moving an action from done to open needs a reason: do it in the actions tracker."]


@pytest.mark.parametrize("kind", list(SEED))
def test_a_file_with_only_the_key_columns_changes_nothing(db: Any, tmp_path: Path,
                                                          kind: str) -> None:
    """A column the file leaves out keeps what is held: importing the natural key and the
    required columns alone, as they are, changes no record."""
    from placement_desk.services.spreadsheets.kinds import KINDS

    _seed(db, tmp_path)
    before = _held(db)
    spec = KINDS[kind]
    keep = {f.name for f in spec.import_fields if f.required} | set(spec.key)
    out = tmp_path / f"{kind}-all.xlsx"
    export_kind(db, kind, out, today=TODAY)
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    assert sheet is not None
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    labels = {f.label: f.name for f in spec.fields}
    wanted = [i for i, h in enumerate(rows[0]) if labels.get(h) in keep]
    narrow = tmp_path / f"{kind}-narrow.csv"
    import csv

    with open(narrow, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        for row in rows:
            writer.writerow(["" if row[i] is None else
                             row[i].strftime("%d/%m/%Y") if hasattr(row[i], "strftime")
                             else row[i] for i in wanted])
    result = _run(db, narrow, kind)
    assert (result.errors, result.created, result.updated) == (0, 0, 0), \
        (kind, result.problems[:3])
    assert _held(db) == before


def test_imports_and_their_undo_keep_the_audit_chain_whole(db: Any, tmp_path: Path) -> None:
    from placement_desk.audit import verify_chain

    _seed(db, tmp_path)
    _run(db, _csv(tmp_path / "providers.csv", "Provider\nAcorn Care\nBirch Care\n"),
         "providers")
    _run(db, _csv(tmp_path / "p.csv", "Child ref,DOB,Start,PLACE,Route,Why spot purchase\n"
                                      "C9,02/03/2012,01/04/2025,U4,Spot,No bed\n"),
         "placements")
    undo_last_batch(db)
    with db.read() as session:
        report = verify_chain(session)
    assert report.events > 10 and report.first_broken is None
