"""The judgement history on small hand-made files: one inspection per event, the later
publication wins, settings leave the register, monitoring judgements stay what they are.

Each file is dated as Ofsted dates its files, by "as at" in its title; expected
answers are written out in the tests.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from placement_desk.lifecycle import Database
from placement_desk.models import (
    AuditEvent,
    Child,
    OfstedInspection,
    PlacementEpisode,
    RatingAlert,
    Setting,
)
from placement_desk.models.enums import (
    AlertKind,
    AuditAction,
    InspectionEventType,
    Judgement,
    RegistrationStatus,
)
from placement_desk.services.register.listing import (
    export_table,
    latest_judgement_text,
    list_settings,
)
from placement_desk.services.register.ofsted_import import import_ofsted
from placement_desk.services.register.settings import setting_detail

TODAY = dt.date(2025, 6, 2)
HEADER = ("URN,Provision type,Registration status,Name,Local authority,"
          "Government Office Region,Latest full inspection event type,"
          "Latest full inspection date,Latest full inspection event number,"
          "Overall experiences and progress of children and young people,"
          "How well children and young people are helped and protected,"
          "Previous full inspection event type,Previous full inspection event date,"
          "Previous full inspection event number,"
          "Previous overall experiences and progress of children and young people")
GOOD, RI, INADEQUATE = "Good", "Requires improvement to be good", "Inadequate"


def _row(urn: str, event: str = "", day: str = "", number: str = "", judged: str = "",
         previous: tuple[str, str, str, str] = ("", "", "", ""), status: str = "Active",
         kind: str = "Children's home", area: str = "Sutton,London") -> str:
    return ",".join((urn, kind, status, f"Home {urn}", area, event, day, number, judged,
                     judged, *previous))


def _register(tmp_path: Path, as_at: str, *rows: str, name: str = "") -> Path:
    """A provider-level file dated by its title, as Ofsted's are ("as at 31 March 2024")."""
    path = tmp_path / (name or f"provider_level_{as_at.replace(' ', '_').lower()}.csv")
    path.write_text(f"Children's social care data in England - Provider level as at {as_at}\n"
                    f"\n{HEADER}\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _inspections(db: Database, urn: str) -> list[tuple[object, ...]]:
    with db.sessions() as s:
        return [tuple(r) for r in s.execute(
            sa.select(OfstedInspection.event_type, OfstedInspection.inspection_date,
                      OfstedInspection.event_number, OfstedInspection.overall_judgement,
                      OfstedInspection.source)
            .join(Setting).where(Setting.urn == urn)
            .order_by(OfstedInspection.inspection_date))]


def _setting(db: Database, urn: str) -> Setting:
    with db.sessions() as s:
        return s.scalars(sa.select(Setting).where(Setting.urn == urn)).one()


def _place_child(db: Database, urn: str, ref: str) -> None:
    with db.sessions.begin() as s:
        setting = s.scalars(sa.select(Setting).where(Setting.urn == urn)).one()
        child = Child(case_ref=ref)
        s.add(child)
        s.flush()
        s.add(PlacementEpisode(child_id=child.id, setting_id=setting.id,
                               start_date=dt.date(2024, 9, 1), placement_type="K2"))


def _audit_count(db: Database) -> int:
    with db.sessions() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) or 0)


# -- one inspection per event, the later publication wins --------------------------------


def test_a_later_file_correcting_an_event_updates_it_and_the_audit_names_the_file(
        db: Database, tmp_path: Path) -> None:
    first = _register(tmp_path, "31 March 2020",
                      _row("SC900001", "Full inspection", "02/07/2019", "10094715", RI))
    second = _register(tmp_path, "31 March 2021",
                       _row("SC900001", "Full inspection", "02/07/2019", "10094715", GOOD))
    import_ofsted(db, [first], today=TODAY)
    summary = import_ofsted(db, [second], today=TODAY)
    assert (summary.inspections_added, summary.inspections_corrected) == (0, 1)
    assert _inspections(db, "SC900001") == [
        (InspectionEventType.FULL, dt.date(2019, 7, 2), "10094715", Judgement.GOOD,
         "provider_level_31_march_2021.csv")]
    assert _setting(db, "SC900001").latest_judgement == Judgement.GOOD
    with db.sessions() as s:
        change = s.scalars(sa.select(AuditEvent).where(
            AuditEvent.entity == "ofsted_inspection",
            AuditEvent.action == AuditAction.UPDATE)).one()
    assert change.before == {"overall_judgement": "requires_improvement",
                             "sub_judgements": {"experiences_and_progress": RI,
                                                "help_and_protection": RI},
                             "source": "provider_level_31_march_2020.csv"}
    assert change.after is not None
    assert change.after["overall_judgement"] == "good"
    assert change.after["source"] == "provider_level_31_march_2021.csv"
    # The older file again changes nothing: the later publication stands.
    audited = _audit_count(db)
    again = import_ofsted(db, [first, second], today=TODAY)
    assert (again.inspections_added, again.inspections_corrected, again.updated) == (0, 0, 0)
    assert _setting(db, "SC900001").latest_judgement == Judgement.GOOD
    assert _audit_count(db) == audited


def test_an_event_number_given_two_dates_is_one_inspection_at_the_later_files_date(
        db: Database, tmp_path: Path) -> None:
    files = [_register(tmp_path, "31 March 2018",
                       _row("SC036607", "Full inspection", "09/03/2018", "10037546", GOOD)),
             _register(tmp_path, "31 March 2019",
                       _row("SC036607", "Full inspection", "05/03/2018", "10037546", GOOD))]
    import_ofsted(db, files, today=TODAY)
    rows = _inspections(db, "SC036607")
    assert [(r[1], r[2]) for r in rows] == [(dt.date(2018, 3, 5), "10037546")]
    assert _setting(db, "SC036607").latest_inspection_date == dt.date(2018, 3, 5)
    again = import_ofsted(db, files, today=TODAY)
    assert (again.inspections_added, again.inspections_corrected) == (0, 0)
    assert len(_inspections(db, "SC036607")) == 1


def test_a_renumbered_event_moved_onto_another_copy_merges_the_two_and_keeps_its_alert(
        db: Database, tmp_path: Path) -> None:
    """2015 gives an inspection ID; 2016 the event number at another date; 2019 moves that
    event onto the 2015 date: one inspection, and the alert that named either follows."""
    y2015 = _register(tmp_path, "31 March 2015",
                      _row("SC900002", "Full inspection", "24/04/2012", "228846", GOOD))
    y2016 = _register(tmp_path, "31 March 2016",
                      _row("SC900002", "Full inspection", "25/04/2012", "793533", GOOD))
    import_ofsted(db, [y2015, y2016], today=TODAY)
    assert len(_inspections(db, "SC900002")) == 2, "no number or date links them yet"
    with db.sessions.begin() as s:
        setting = s.scalars(sa.select(Setting).where(Setting.urn == "SC900002")).one()
        copy = s.scalars(sa.select(OfstedInspection).where(
            OfstedInspection.event_number == "228846")).one()
        s.add(RatingAlert(setting_id=setting.id, inspection_id=copy.id,
                          kind=AlertKind.DOWNGRADE, raised_on=dt.date(2015, 4, 1)))
    y2019 = _register(tmp_path, "31 March 2019",
                      _row("SC900002", "Full inspection", "24/04/2012", "793533", RI))
    import_ofsted(db, [y2019], today=TODAY)
    rows = _inspections(db, "SC900002")
    assert rows == [(InspectionEventType.FULL, dt.date(2012, 4, 24), "793533",
                     Judgement.REQUIRES_IMPROVEMENT, "provider_level_31_march_2019.csv")]
    with db.sessions() as s:
        kept = s.scalars(sa.select(OfstedInspection)).one()
        assert kept.earlier_keys == {"event_numbers": ["228846"], "dates": ["2012-04-25"]}
        assert s.scalars(sa.select(RatingAlert.inspection_id)).one() == kept.id
        removed = s.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == AuditAction.DELETE)).one()
        assert removed.after == {"merged_into": str(kept.id),
                                 "source": "provider_level_31_march_2019.csv"}
    # Every earlier file still finds the one inspection.
    again = import_ofsted(db, [y2015, y2016, y2019], today=TODAY)
    assert (again.inspections_added, again.inspections_corrected) == (0, 0)
    assert len(_inspections(db, "SC900002")) == 1


def test_the_previous_full_inspection_beside_the_latest_is_stored(
        db: Database, tmp_path: Path) -> None:
    path = _register(tmp_path, "31 March 2024", _row(
        "2649739", "Full inspection", "29/08/2023", "10272660", RI,
        previous=("Full inspection", "22/03/2023", "10238608", INADEQUATE)))
    summary = import_ofsted(db, [path], today=TODAY)
    assert summary.inspections_added == 2
    assert [(r[1], r[2], r[3]) for r in _inspections(db, "2649739")] == [
        (dt.date(2023, 3, 22), "10238608", Judgement.INADEQUATE),
        (dt.date(2023, 8, 29), "10272660", Judgement.REQUIRES_IMPROVEMENT)]
    setting = _setting(db, "2649739")
    assert (setting.latest_judgement, setting.latest_inspection_date) == (
        Judgement.REQUIRES_IMPROVEMENT, dt.date(2023, 8, 29))
    assert (summary.upgrades, summary.downgrades) == (0, 0), \
        "a file's own previous inspection is history, not a change"


def test_an_undated_file_adds_events_but_never_corrects_a_dated_one(
        db: Database, tmp_path: Path) -> None:
    dated = _register(tmp_path, "31 March 2021",
                      _row("SC900003", "Full inspection", "02/07/2019", "10094715", GOOD))
    undated = tmp_path / "ofsted.csv"
    undated.write_text(HEADER + "\n" + _row("SC900003", "Full inspection", "02/07/2019",
                                            "10094715", INADEQUATE) + "\n", encoding="utf-8")
    import_ofsted(db, [dated, undated], today=TODAY)
    assert [r[3] for r in _inspections(db, "SC900003")] == [Judgement.GOOD]


# -- leaving the register ----------------------------------------------------------------


def test_a_setting_missing_from_a_newer_register_is_no_longer_registered_and_alerts(
        db: Database, tmp_path: Path) -> None:
    homes = [_row(f"SC90001{i}") for i in range(4)]
    import_ofsted(db, [_register(tmp_path, "31 March 2024", *homes)], today=TODAY)
    _place_child(db, "SC900010", "C-0001")
    newer = _register(tmp_path, "31 March 2025", *homes[2:])
    summary = import_ofsted(db, [newer], today=TODAY)
    assert summary.closed == 2
    for urn in ("SC900010", "SC900011"):
        setting = _setting(db, urn)
        assert (setting.registration_status, setting.closed_date) == (
            RegistrationStatus.NO_LONGER_REGISTERED, dt.date(2025, 3, 31)), urn
    assert _setting(db, "SC900012").registration_status == RegistrationStatus.ACTIVE
    with db.sessions() as s:
        alert = s.scalars(sa.select(RatingAlert)).one()
        assert alert.kind == AlertKind.CLOSURE and alert.children_placed == "C-0001"
    again = import_ofsted(db, [newer], today=TODAY)
    assert (again.closed, again.alerts) == (0, 0)


def test_in_year_undated_and_older_files_never_close_reopen_or_overwrite(
        db: Database, tmp_path: Path) -> None:
    homes = [_row(f"SC90002{i}") for i in range(4)]
    register_2025 = _register(tmp_path, "31 March 2025", *homes[1:])
    register_2024 = _register(tmp_path, "31 March 2024", *homes[:2],
                              _row("SC900029", status="Active"))
    in_year = tmp_path / "provider_level_in_year_2024-25.csv"
    in_year.write_text(HEADER.replace("Latest full inspection event type",
                                      "Inspection event type") + "\n"
                       + _row("SC900021", "Monitoring inspection", "03/12/2024") + "\n",
                       encoding="utf-8")
    undated = _register(tmp_path, "", _row("SC900022"), name="ofsted.csv")
    import_ofsted(db, [_register(tmp_path, "31 March 2023", *homes)], today=TODAY)
    summary = import_ofsted(db, [register_2025, in_year, undated], today=TODAY)
    assert summary.closed == 1, "only the newer register closes"
    assert any("does not say which date" in w for w in summary.warnings)
    closed = _setting(db, "SC900020")
    assert (closed.registration_status, closed.closed_date) == (
        RegistrationStatus.NO_LONGER_REGISTERED, dt.date(2025, 3, 31))
    # An older register: history only. It does not reopen SC900020, close the settings it
    # lacks, or make SC900029 (gone by 2025) a registered setting.
    older = import_ofsted(db, [register_2024], today=TODAY)
    assert (older.closed, older.updated) == (0, 0)
    assert _setting(db, "SC900020").registration_status == \
        RegistrationStatus.NO_LONGER_REGISTERED
    assert _setting(db, "SC900023").registration_status == RegistrationStatus.ACTIVE
    assert _setting(db, "SC900029").registration_status == \
        RegistrationStatus.NO_LONGER_REGISTERED


def test_a_setting_back_in_a_later_register_is_registered_again(
        db: Database, tmp_path: Path) -> None:
    homes = [_row(f"SC90003{i}") for i in range(3)]
    import_ofsted(db, [_register(tmp_path, "31 March 2023", *homes),
                                _register(tmp_path, "31 March 2024", *homes[1:]),
                                _register(tmp_path, "31 March 2025", *homes)], today=TODAY)
    back = _setting(db, "SC900030")
    assert (back.registration_status, back.closed_date) == (RegistrationStatus.ACTIVE, None)


def test_an_extract_of_the_register_closes_nothing_and_says_why(
        db: Database, tmp_path: Path) -> None:
    homes = [_row(f"SC90004{i}") for i in range(5)]
    import_ofsted(db, [_register(tmp_path, "31 March 2024", *homes)], today=TODAY)
    summary = import_ofsted(db, [_register(tmp_path, "31 March 2025", homes[0])],
                            today=TODAY)
    assert summary.closed == 0
    assert any("fewer than half of the 5 registered settings" in w for w in summary.warnings)


# -- a monitoring inspection is not an overall effectiveness judgement -------------------


def test_a_monitoring_inspection_is_shown_as_what_it_is(db: Database, tmp_path: Path) -> None:
    files = [_register(tmp_path, "31 March 2024",
                       _row("SC001452", "Full inspection", "20/02/2024", "10272103",
                            "Outstanding"),
                       _row("SC900050", "Full inspection", "10/01/2024", "10300001", GOOD)),
             _register(tmp_path, "31 March 2025",
                       _row("SC001452", "Monitoring inspection", "03/12/2024", "10370424",
                            GOOD),
                       _row("SC900050", "Full inspection", "10/01/2024", "10300001", GOOD),
                       _row("SC900051", "Monitoring inspection", "05/02/2025", "10370425",
                            GOOD))]
    summary = import_ofsted(db, files, today=TODAY)
    assert summary.downgrades == 0, "Outstanding to a monitoring Good is no downgrade"
    home = _setting(db, "SC001452")
    assert (home.latest_judgement, home.latest_inspection_date) == (
        Judgement.OUTSTANDING, dt.date(2024, 2, 20))
    with db.sessions() as s:
        monitoring = s.scalars(sa.select(OfstedInspection).where(
            OfstedInspection.event_number == "10370424")).one()
        assert monitoring.event_type == InspectionEventType.MONITORING
        assert "experiences_and_progress" not in monitoring.sub_judgements
    rows = {r.urn: r for r in list_settings(db, TODAY)}
    assert latest_judgement_text(rows["SC001452"].latest_judgement,
                                 rows["SC001452"].other_judgement) == \
        "Outstanding (full inspection)"
    only_monitored = rows["SC900051"]
    assert only_monitored.latest_judgement is None, "not judged at a full inspection"
    assert latest_judgement_text(only_monitored.latest_judgement,
                                 only_monitored.other_judgement) == \
        "Good (monitoring inspection)"
    headings, table = export_table(list(rows.values()))
    exported = {r[0]: dict(zip(headings, r, strict=True)) for r in table}
    assert exported["SC001452"]["Latest judgement"] == "Outstanding (full inspection)"
    assert exported["SC900051"]["Latest judgement"] == "Good (monitoring inspection)"
    detail = setting_detail(db, home.id, TODAY)
    assert detail.latest_judgement == Judgement.OUTSTANDING
    assert detail.later_judgement is not None
    assert (detail.later_judgement.judgement, detail.later_judgement.event_type,
            detail.later_judgement.date) == (Judgement.GOOD, InspectionEventType.MONITORING,
                                             dt.date(2024, 12, 3))
    assert [i.judgement_text for i in detail.inspections] == [
        "Outstanding (full inspection)", "Good (monitoring inspection)"]


@pytest.mark.parametrize("kind", ["Monitoring inspection", "Interim inspection"])
def test_only_full_inspections_change_the_latest_judgement(
        db: Database, tmp_path: Path, kind: str) -> None:
    files = [_register(tmp_path, "31 March 2024",
                       _row("SC900060", "Full inspection", "10/01/2024", "1", GOOD)),
             _register(tmp_path, "31 March 2025",
                       _row("SC900060", kind, "10/01/2025", "2", INADEQUATE))]
    summary = import_ofsted(db, files, today=TODAY)
    assert (summary.downgrades, summary.alerts) == (0, 0)
    assert _setting(db, "SC900060").latest_judgement == Judgement.GOOD


def test_bulk_changes_and_an_alert_on_one_setting_keep_its_version_in_step(
        db: Database, tmp_path: Path) -> None:
    """The import writes settings in bulk and the alert through the unit of work: both
    move the version on, so a later edit of the setting is not refused as stale."""
    import_ofsted(db, [_register(
        tmp_path, "31 March 2023", _row("SC900070", "Full inspection", "10/01/2023", "1",
                                        GOOD))], today=TODAY)
    _place_child(db, "SC900070", "C-0070")
    files = [_register(tmp_path, "31 March 2024",
                       _row("SC900070", "Full inspection", "10/01/2024", "2", INADEQUATE,
                            area="Merton,London")),
             _register(tmp_path, "31 March 2025",
                       _row("SC900070", "Full inspection", "10/01/2025", "3", GOOD,
                            area="Kingston upon Thames,London"))]
    summary = import_ofsted(db, files, today=TODAY)
    assert (summary.downgrades, summary.upgrades, summary.alerts) == (1, 1, 1)
    with db.sessions.begin() as s:
        setting = s.scalars(sa.select(Setting).where(Setting.urn == "SC900070")).one()
        assert (setting.local_authority, setting.latest_judgement, setting.enhanced_monitoring
                ) == ("Kingston upon Thames", Judgement.GOOD, True)
        setting.notes = "Visited after the downgrade."
    with db.sessions() as s:
        changes = s.scalars(sa.select(AuditEvent).where(
            AuditEvent.entity == "setting", AuditEvent.action == AuditAction.UPDATE)
            .order_by(AuditEvent.id)).all()
    assert [sorted((c.after or {}).keys()) for c in changes][-1] == ["notes"]
    assert any((c.after or {}).get("local_authority") == "Merton" for c in changes)
