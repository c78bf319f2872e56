"""The SSDA903 checks over the episodes held in the database, year by year."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from placement_desk.lifecycle import Database
from placement_desk.models import Child, PlacementEpisode, Setting
from placement_desk.models.enums import SettingType, Sex
from placement_desk.services.placements.ssda903.stored import check_stored, rules_year_of

D = dt.date
TODAY = D(2026, 3, 1)
BORN = D(2008, 1, 1)


def _child(db: Database, ref: str, sex: Sex | None = Sex.MALE,
           born: dt.date = BORN) -> uuid.UUID:
    with db.sessions.begin() as s:
        child = Child(case_ref=ref, sex=sex, date_of_birth=born, ethnicity="WBRI")
        s.add(child)
        s.flush()
        return child.id


def _episode(db: Database, child: uuid.UUID, start: dt.date, end: dt.date | None,
             place: str, **kw: Any) -> uuid.UUID:
    values: dict[str, Any] = {"reason_new_episode": "S", "legal_status": "C2",
                              "category_of_need": "N1", "reason_ceased": "E8" if end else None}
    values.update(kw)
    with db.sessions.begin() as s:
        episode = PlacementEpisode(child_id=child, start_date=start, end_date=end,
                                   placement_type=place, **values)
        s.add(episode)
        s.flush()
        return episode.id


def _codes(db: Database, child: uuid.UUID | None = None,
           today: dt.date = TODAY) -> dict[uuid.UUID, list[str]]:
    with db.sessions() as s:
        found = check_stored(s, today, child_id=child)
    return {eid: [f.code for f in items] for eid, items in found.items()}


def test_each_episode_is_judged_by_the_rules_of_its_own_year() -> None:
    assert rules_year_of(D(2024, 3, 31)) == "2023_24"
    assert rules_year_of(D(2019, 5, 1)) == "2023_24", "before any year with rules: the first"
    assert rules_year_of(D(2027, 5, 1)) == "2025_26", "after: the latest"


def test_codes_of_their_year_pass_and_codes_of_another_year_do_not(db: Database) -> None:
    child = _child(db, "A-1")  # stored as male: written 1 in 2023-24 and M from 2024-25
    old_h5 = _episode(db, child, D(2023, 6, 1), D(2023, 12, 1), "H5", urn="2590934",
                      reason_ceased="X1")
    old_p2 = _episode(db, child, D(2019, 1, 1), D(2019, 5, 1), "P2", reason_ceased="E8")
    new_h5 = _episode(db, child, D(2023, 12, 1), None, "H5", reason_new_episode="P",
                      urn="2590934")
    found = _codes(db)
    # H5 was a code of 2023-24 (the year it ended) and is not one of 2025-26 (open today).
    assert "146" not in found.get(old_h5, [])
    assert "146" in found[new_h5]
    # P2 in 2019: judged by the first year with rules, where it was a code; 217t looks at
    # episodes open after 28/10/2023 only.
    assert not {"146", "217t"} & set(found.get(old_p2, []))
    assert "101" not in [c for codes in found.values() for c in codes], \
        "the child's sex is written in each year's code set"


def test_a_blank_sex_is_reported_on_the_childs_episodes_of_the_year(db: Database) -> None:
    child = _child(db, "B-1", sex=None)
    first = _episode(db, child, D(2023, 5, 1), D(2023, 6, 1), "U4", urn="1234567")
    second = _episode(db, child, D(2025, 5, 1), None, "U4", urn="1234567")
    found = _codes(db)
    assert "101" in found[first] and "101" in found[second]


def test_every_overlap_is_listed_with_rule_501_s_own(db: Database) -> None:
    child = _child(db, "C-1")
    first = _episode(db, child, D(2025, 4, 1), D(2025, 12, 1), "U4", urn="1234567")
    inside = _episode(db, child, D(2025, 5, 1), D(2025, 6, 1), "U4", urn="1234567")
    later = _episode(db, child, D(2025, 8, 1), None, "U4", urn="1234567")
    found = _codes(db)
    # inside starts before first ends: 501. later starts before first ends too, but its
    # neighbour (inside) ended earlier, so 501 misses it: our PD-OVERLAP says so.
    assert "501" in found[inside] and "PD-OVERLAP" not in found[inside]
    assert "PD-OVERLAP" in found[later] and "501" not in found[later]
    assert "PD-OVERLAP" not in found.get(first, [])


def test_care_leavers_accommodation_has_only_date_and_overlap_checks(db: Database) -> None:
    child = _child(db, "D-1", born=D(2005, 1, 1))
    care = _episode(db, child, D(2022, 1, 1), D(2023, 2, 1), "U4", urn="1234567")
    leaver = _episode(db, child, D(2023, 1, 1), None, "CL_SP", reason_new_episode=None)
    backwards = _episode(db, child, D(2025, 1, 1), D(2024, 12, 1), "CL_SL",
                         reason_new_episode=None)
    found = _codes(db)
    assert found[leaver] == ["PD-OVERLAP"], "starts before the care episode ended"
    assert "PD-DATES" in found[backwards]
    assert "146" not in found.get(care, [])


def test_the_register_is_checked_for_types_that_may_carry_a_urn(db: Database) -> None:
    with db.sessions.begin() as s:
        s.add(Setting(name="Secure Unit", urn="SC469688",
                      setting_type=SettingType.SECURE_CHILDRENS_HOME,
                      allowed_placement_codes="K1", ofsted_provider_code="PR4",
                      registration_date=D(2015, 6, 1)))
    child = _child(db, "E-1")
    wrong_type = _episode(db, child, D(2025, 5, 1), D(2025, 6, 1), "K2", urn="SC469688",
                          place_provider="PR4", reason_ceased="X1")
    with_parents = _episode(db, child, D(2025, 6, 1), None, "P1", urn="SC469688",
                            reason_new_episode="P")
    found = _codes(db)
    assert "PD-TYPE" in found[wrong_type]
    # P1 may not carry a URN (222): the register is not asked about it.
    assert "222" in found[with_parents] and "PD-TYPE" not in found[with_parents]
    assert set(_codes(db, child)) == set(found), "one child's episodes alone"
    assert _codes(db, _child(db, "E-2")) == {}


def test_rule_385_is_the_returns_own_bound_and_not_applied_to_the_database(
        db: Database) -> None:
    child = _child(db, "F-1")
    # Ends in 2026-27, which has no rules yet: judged by 2025-26's, whose year it outlasts.
    ended = _episode(db, child, D(2026, 1, 1), D(2026, 6, 1), "U4", urn="1234567")
    assert "385" not in _codes(db, today=D(2026, 7, 1)).get(ended, [])


def test_one_episode_alone_gets_the_same_answer_as_in_the_whole(db: Database) -> None:
    child = _child(db, "G-1", sex=None)
    ids = [_episode(db, child, D(2023, 6, 1), D(2023, 12, 1), "H5", reason_ceased="X1"),
           _episode(db, child, D(2023, 12, 1), D(2024, 9, 1), "K3", reason_new_episode="P"),
           _episode(db, child, D(2024, 8, 1), None, "Z11", reason_new_episode="P")]
    with db.sessions() as s:
        whole = check_stored(s, TODAY)
        for eid in ids:
            assert check_stored(s, TODAY, child_id=child, episode_id=eid).get(eid) == \
                whole.get(eid)
    # The K3 episode ended in 2024-25, the year K3 came in: a code, for a child under 16.
    codes = _codes(db)
    assert {"101", "371"} <= set(codes[ids[1]]) and "146" not in codes[ids[1]]
