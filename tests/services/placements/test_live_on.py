"""One meaning of "live on a date": a move's day counts in the new placement, and an episode
that ended on a day is not live on it, in every list and count that asks."""

from __future__ import annotations

import datetime as dt

from placement_desk.db import Database
from placement_desk.models import Child, PlacementEpisode, Setting
from placement_desk.models.enums import Judgement, SettingType
from placement_desk.services.placements.care_leavers import care_leaver_tables
from placement_desk.services.placements.live import days_in, is_live_on, live_on
from placement_desk.services.qa.coverage import coverage
from placement_desk.services.register.area_figures import shares_in_use
from placement_desk.services.register.listing import list_settings

MOVE = dt.date(2026, 3, 31)


def test_the_rule_in_python() -> None:
    start = dt.date(2026, 1, 10)
    assert is_live_on(start, None, start), "live from its first day"
    assert is_live_on(start, MOVE, MOVE - dt.timedelta(days=1))
    assert not is_live_on(start, MOVE, MOVE), "not on the day it ended (DEC)"
    assert not is_live_on(start, None, start - dt.timedelta(days=1))
    # 10 January to 31 March, the end not counted: 10-31 January (22), February (28),
    # 1-30 March (30).
    assert days_in(start, MOVE, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == 22 + 28 + 30
    # The same episode in the period 1 to 31 March (both days in): 30 days, the 31st not.
    assert days_in(start, MOVE, dt.date(2026, 3, 1), MOVE) == 30
    assert days_in(start, None, MOVE, MOVE) == 1


def test_a_move_counts_in_the_new_placement_everywhere(db: Database) -> None:
    """A child moves from home A to home B on 31 March: on that day A is not in use and B
    is, for the register, the area figures, QA coverage and the query itself; a young
    person whose care leavers' accommodation ended that day is not counted."""
    with db.sessions.begin() as s:
        old = Setting(name="A", urn="SC000001", setting_type=SettingType.CHILDRENS_HOME,
                      latest_judgement=Judgement.INADEQUATE)
        new = Setting(name="B", urn="SC000002", setting_type=SettingType.CHILDRENS_HOME,
                      latest_judgement=Judgement.GOOD)
        child = Child(case_ref="C1", date_of_birth=dt.date(2012, 5, 1))
        leaver = Child(case_ref="L1", date_of_birth=dt.date(2006, 5, 1))
        s.add_all([old, new, child, leaver])
        s.flush()
        s.add_all([
            PlacementEpisode(child_id=child.id, setting_id=old.id, placement_type="K2",
                             start_date=dt.date(2025, 1, 1), end_date=MOVE),
            PlacementEpisode(child_id=child.id, setting_id=new.id, placement_type="K2",
                             start_date=MOVE),
            PlacementEpisode(child_id=leaver.id, placement_type="CL_SL",
                             start_date=dt.date(2025, 1, 1), end_date=MOVE),
        ])
        old_id, new_id = old.id, new.id
        live = {e.setting_id for e in s.query(PlacementEpisode).where(live_on(MOVE))}
    assert live == {new_id}
    in_use = {r.id for r in list_settings(db, MOVE) if r.in_use}
    assert in_use == {new_id}
    assert {r.id for r in list_settings(db, MOVE - dt.timedelta(days=1)) if r.in_use} == {old_id}
    shares = shares_in_use(db, MOVE).total
    assert (shares.good_or_outstanding, shares.judged) == (1, 1), "only B, which is Good"
    assert coverage(db, MOVE).overall.total == 1
    assert care_leaver_tables(db, MOVE).people == 0
    assert care_leaver_tables(db, MOVE - dt.timedelta(days=1)).people == 1
