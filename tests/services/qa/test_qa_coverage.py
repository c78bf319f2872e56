"""QA coverage and planned-versus-done figures, checked against a fixture counted by hand."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from placement_desk.lifecycle import Database
from placement_desk.models import Child, PlacementEpisode, QaVisit, Setting
from placement_desk.models.enums import QaVisitStatus, SettingType
from placement_desk.services.qa.coverage import (
    Coverage,
    coverage,
    financial_quarters,
    financial_year_of,
    planned_vs_done,
)

ON = dt.date(2026, 6, 1)
CH, SA, IFA = SettingType.CHILDRENS_HOME, SettingType.SUPPORTED_ACCOMMODATION, SettingType.IFA
DONE, PLANNED = QaVisitStatus.COMPLETED, QaVisitStatus.PLANNED


def _setting(s: Session, name: str, kind: SettingType,
             placements: list[tuple[dt.date, dt.date | None]]) -> Setting:
    setting = Setting(name=name, setting_type=kind)
    s.add(setting)
    s.flush()
    for n, (start, end) in enumerate(placements):
        child = Child(case_ref=f"{name}-{n}")
        s.add(child)
        s.flush()
        s.add(PlacementEpisode(child_id=child.id, setting_id=setting.id, start_date=start,
                               end_date=end, placement_type="K2"))
    return setting


def _visit(s: Session, setting: Setting, status: QaVisitStatus, visit_date: dt.date | None,
           planned_date: dt.date | None = None, deleted: bool = False) -> None:
    s.add(QaVisit(setting_id=setting.id, status=status, visit_date=visit_date,
                  planned_date=planned_date,
                  deleted_at=dt.datetime(2026, 1, 1) if deleted else None))


LIVE = [(dt.date(2025, 1, 1), None)]


def test_coverage_overall_and_by_type(db: Database) -> None:
    with db.sessions.begin() as s:
        # Children's homes: 3 in use, 2 visited in the twelve months to 1 June 2026.
        a = _setting(s, "A", CH, [*LIVE, (dt.date(2025, 3, 1), None)])  # two children
        _visit(s, a, DONE, dt.date(2025, 9, 10))
        _visit(s, a, DONE, dt.date(2026, 2, 1))  # counted once
        b = _setting(s, "B", CH, LIVE)
        _visit(s, b, DONE, dt.date(2025, 6, 1))  # exactly a year before: counts
        c = _setting(s, "C", CH, LIVE)
        _visit(s, c, DONE, dt.date(2025, 5, 31))  # a day too old
        # Supported accommodation: 2 in use, 1 visited.
        e = _setting(s, "E", SA, LIVE)
        _visit(s, e, DONE, ON)
        f = _setting(s, "F", SA, LIVE)
        _visit(s, f, DONE, dt.date(2026, 3, 1), deleted=True)  # deleted: does not count
        # IFAs: 1 in use with only a draft and a cancelled visit; 1 no longer in use.
        d = _setting(s, "D", IFA, LIVE)
        _visit(s, d, QaVisitStatus.DRAFT, dt.date(2026, 5, 1))
        _visit(s, d, QaVisitStatus.CANCELLED, dt.date(2026, 4, 1))
        g = _setting(s, "G", IFA, [(dt.date(2025, 1, 1), dt.date(2026, 5, 31))])
        _visit(s, g, DONE, dt.date(2026, 1, 1))
        # Not yet in use: the placement starts tomorrow.
        h = _setting(s, "H", CH, [(dt.date(2026, 6, 2), None)])
        _visit(s, h, DONE, dt.date(2026, 1, 1))
        # In use but the setting is deleted.
        x = _setting(s, "X", CH, LIVE)
        x.deleted_at = dt.datetime(2026, 1, 1)

    report = coverage(db, ON)
    assert report.since == dt.date(2025, 6, 1)
    assert report.overall == Coverage(3, 6)
    assert report.overall.text == "50% (3 of 6)"
    assert [(t.setting_type, t.coverage.text) for t in report.by_type] == [
        (CH, "67% (2 of 3)"), (IFA, "0% (0 of 1)"), (SA, "50% (1 of 2)")]
    assert report.by_type[0].coverage.percent == 67


def test_coverage_with_nothing_in_use(db: Database) -> None:
    report = coverage(db, ON)
    assert (report.overall, report.by_type, report.overall.text) == (Coverage(0, 0), (),
                                                                      "0 of 0")


def test_financial_quarters_run_april_to_march() -> None:
    quarters = financial_quarters(2025)
    assert [(q.start, q.end) for q in quarters] == [
        (dt.date(2025, 4, 1), dt.date(2025, 6, 30)), (dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        (dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31))]
    assert quarters[0].label == "Q1 2025-26 (Apr–Jun)"
    assert quarters[3].label == "Q4 2025-26 (Jan–Mar)"
    assert financial_year_of(dt.date(2026, 3, 31)) == 2025
    assert financial_year_of(dt.date(2026, 4, 1)) == 2026


def test_planned_versus_done_per_quarter(db: Database) -> None:
    with db.sessions.begin() as s:
        home = _setting(s, "Home", CH, LIVE)
        _visit(s, home, DONE, dt.date(2025, 4, 12), dt.date(2025, 4, 10))  # Q1 / Q1
        _visit(s, home, DONE, dt.date(2025, 7, 1), dt.date(2025, 6, 30))  # planned Q1, done Q2
        _visit(s, home, QaVisitStatus.CANCELLED, None, dt.date(2025, 9, 15))  # planned Q2
        _visit(s, home, DONE, dt.date(2025, 12, 31))  # unplanned, done Q3
        _visit(s, home, PLANNED, None, dt.date(2026, 3, 31))  # planned Q4
        _visit(s, home, DONE, dt.date(2026, 1, 6), dt.date(2026, 1, 5), deleted=True)
        _visit(s, home, DONE, dt.date(2025, 4, 1), dt.date(2025, 3, 31))  # planned last year
        _visit(s, home, PLANNED, None, dt.date(2026, 4, 1))  # next year
    rows = planned_vs_done(db, 2025)
    assert [(r.quarter.number, r.planned, r.done) for r in rows] == [
        (1, 2, 2), (2, 1, 1), (3, 0, 1), (4, 1, 0)]
    assert [r.text for r in rows] == ["100% (2 of 2)", "100% (1 of 1)", "1 done, none planned",
                                      "0% (0 of 1)"]
