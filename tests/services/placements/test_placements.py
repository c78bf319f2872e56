"""Children and episodes: forms, distance from home, the list and its filters, details."""

from __future__ import annotations

import datetime as dt
import math
import uuid

import pytest

from placement_desk.errors import ValidationError
from placement_desk.lifecycle import Database
from placement_desk.models import PostcodeLookup, Setting
from placement_desk.models.enums import CommissioningRoute, RegistrationStatus, SettingType
from placement_desk.services.common.settings_store import set_setting
from placement_desk.services.placements.episode_detail import episode_detail
from placement_desk.services.placements.episodes import load_child, save_child, save_episode
from placement_desk.services.placements.form_checks import ChildForm, EpisodeForm
from placement_desk.services.placements.listing import (
    EpisodeFilter,
    filter_rows,
    haystack,
    issue_counts,
    list_episodes,
    problem_codes,
)

D = dt.date
TODAY = D(2026, 3, 1)
HOME = ("SM11AA", 525950, 164300, "E09000029")
NEAR = ("SM25AA", 525800, 163100, "E09000029")  # 1.2 km south
FAR = ("BN12GU", 531000, 104500, "E06000043")  # Brighton


@pytest.fixture
def db_user() -> str:
    return "pat.officer"


@pytest.fixture(autouse=True)
def _records(db: Database) -> None:
    """The records every test here starts with."""
    with db.sessions.begin() as s:
        s.add_all(PostcodeLookup(postcode=c, easting=e, northing=n, local_authority_code=la)
                  for c, e, n, la in (HOME, NEAR, FAR))
        s.add(Setting(name="Oak House", urn="SC469688", setting_type=SettingType.CHILDRENS_HOME,
                      allowed_placement_codes="K2", ofsted_provider_code="PR4",
                      registration_status=RegistrationStatus.ACTIVE,
                      registration_date=D(2015, 6, 1), postcode="BN1 2GU"))
        set_setting(s, "council.local_authority_code", "E09000029")


def _child(db: Database, ref: str = "C-100", **kw: object) -> uuid.UUID:
    return save_child(db, ChildForm(case_ref=ref, home_postcode="sm1 1aa",
                                             date_of_birth=D(2011, 5, 4), **kw),  # type: ignore[arg-type]
                      TODAY)


def _episode(db: Database, child: uuid.UUID, **kw: object) -> uuid.UUID:
    values: dict[str, object] = {"child_id": child, "start_date": D(2025, 6, 1),
                                 "placement_type": "U4", "placement_postcode": "SM2 5AA",
                                 "commissioning_route": CommissioningRoute.FRAMEWORK}
    values.update(kw)
    return save_episode(db, EpisodeForm(**values))  # type: ignore[arg-type]


def test_child_form_rules(db: Database) -> None:
    child = _child(db)
    form = load_child(db, child)
    assert (form.case_ref, form.home_postcode) == ("C-100", "SM1 1AA")
    for bad, field in ((ChildForm(case_ref=""), "case_ref"),
                       (ChildForm(case_ref="Jane Smith"), "case_ref"),
                       (ChildForm(case_ref="c-100"), "case_ref"),
                       (ChildForm(case_ref="C-2", home_postcode="not a postcode"),
                        "home_postcode"),
                       (ChildForm(case_ref="C-2", date_of_birth=D(2027, 1, 1)), "date_of_birth"),
                       (ChildForm(case_ref="C-2", ethnicity="XXXX"), "ethnicity"),
                       (ChildForm(case_ref="C-2", needs_level=6), "needs_level")):
        with pytest.raises(ValidationError) as caught:
            save_child(db, bad, TODAY)
        assert caught.value.field == field
    # Editing keeps its own reference without calling it a clash.
    form.personal_adviser = "Alex Adviser"
    assert save_child(db, form, TODAY, child) == child


def test_distance_comes_from_grid_references(db: Database) -> None:
    child = _child(db)
    near = _episode(db, child, end_date=D(2025, 9, 1))
    far = _episode(db, child, start_date=D(2025, 9, 1), placement_type="K2", urn="SC469688",
                   placement_postcode=None, place_provider="PR4")
    rows = {r.id: r for r in list_episodes(db)}
    by_hand_near = math.sqrt((525950 - 525800) ** 2 + (164300 - 163100) ** 2) / 1609.344
    by_hand_far = math.sqrt((525950 - 531000) ** 2 + (164300 - 104500) ** 2) / 1609.344
    assert rows[near.hex].distance_miles == pytest.approx(by_hand_near, abs=1e-9)
    assert rows[far.hex].distance_miles == pytest.approx(by_hand_far, abs=1e-9)
    # The setting found from the URN gives the placement postcode when none is typed.
    assert rows[far.hex].placement_postcode == "BN1 2GU"
    assert rows[far.hex].setting_name == "Oak House"
    detail = episode_detail(db, far, TODAY)
    assert (detail.within_20, detail.in_area) == (False, False)
    assert episode_detail(db, near, TODAY).in_area is True


def test_unknown_postcode_leaves_distance_unknown_and_hand_entry_is_kept(db: Database) -> None:
    child = _child(db)
    unknown = _episode(db, child, placement_postcode="TR1 1AA", end_date=D(2025, 7, 1))
    typed = _episode(db, child, start_date=D(2025, 7, 1), placement_postcode="TR1 1AA",
                     distance_miles=212.5, distance_entered=True)
    rows = {r.id: r for r in list_episodes(db)}
    assert rows[unknown.hex].distance_miles is None
    assert (rows[typed.hex].distance_miles, rows[typed.hex].distance_entered) == (212.5, True)
    with pytest.raises(ValidationError) as caught:
        _episode(db, child, start_date=D(2026, 1, 1), distance_entered=True, distance_miles=None)
    assert caught.value.field == "distance_miles"


def test_episode_form_rules(db: Database) -> None:
    child = _child(db)
    cases = [({"start_date": None}, "start_date"),
             ({"end_date": D(2025, 5, 1)}, "end_date"),
             ({"placement_type": "Q9"}, "placement_type"),
             ({"legal_status": "ZZ"}, "legal_status"),
             ({"reason_ceased": "E11"}, "end_date"),
             ({"commissioning_route": CommissioningRoute.SPOT}, "route_reason"),
             ({"placement_postcode": "nowhere"}, "placement_postcode"),
             ({"child_id": uuid.uuid4()}, "child_id")]
    for changes, field in cases:
        with pytest.raises(ValidationError) as caught:
            _episode(db, child, **changes)
        assert caught.value.field == field, changes
    spot = _episode(db, child, commissioning_route=CommissioningRoute.SPOT,
                    route_reason="No framework home had a vacancy within 20 miles.")
    assert episode_detail(db, spot, TODAY).route_reason.startswith("No framework")


def test_903_issues_show_on_the_record_with_their_rule_codes(db: Database) -> None:
    child = _child(db)  # no sex or ethnicity recorded
    unknown_urn = _episode(db, child, placement_type="K2", urn="SC999999", end_date=D(2025, 8, 1))
    overlapping = _episode(db, child, start_date=D(2025, 7, 1))
    detail = episode_detail(db, unknown_urn, TODAY)
    assert detail.setting_id is None and detail.urn == "SC999999"
    # 2025-26 rules: the child's blank SEX (101) and ETHNIC (103); an end date without a
    # reason (148); and our own check, a URN the register does not know.
    assert {(i.code, i.level) for i in detail.issues} == {
        ("101", "error"), ("103", "error"), ("148", "error"), ("PD-URN", "warning")}
    urn = next(i for i in detail.issues if i.code == "PD-URN")
    assert (urn.columns, "not in the register" in urn.message) == ("URN", True)
    # A foster placement needs its agency's URN (218) and starts before the last one ends.
    assert {i.code for i in episode_detail(db, overlapping, TODAY).issues} == {
        "101", "103", "218", "501"}
    counts = issue_counts(db, TODAY)
    assert (counts[unknown_urn.hex].errors, counts[unknown_urn.hex].warnings) == (3, 1)
    assert counts[overlapping.hex].codes == ("101", "103", "218", "501")
    assert counts[overlapping.hex].text == "101, 103, 218, 501 (4 errors)"
    assert problem_codes(counts) == [("101", 2), ("103", 2), ("148", 1), ("218", 1),
                                     ("501", 1), ("PD-URN", 1)]
    rows = list_episodes(db)
    hays = [haystack(r) for r in rows]

    def shown(code: str) -> set[uuid.UUID]:
        keep = filter_rows(rows, hays, EpisodeFilter(problem_code=code), TODAY, counts)
        return {rows[n].uuid for n in keep}

    assert shown("501") == {overlapping}
    assert shown("PD-URN") == {unknown_urn}
    assert shown("101") == {unknown_urn, overlapping}
    assert shown("385") == set()


def test_filters(db: Database) -> None:
    a, b = _child(db, "A-1"), _child(db, "B-2")
    local = _episode(db, a, end_date=D(2025, 12, 1))
    far = _episode(db, a, start_date=D(2025, 12, 1), placement_type="K2", urn="SC469688",
                   placement_postcode=None)
    leaver = _episode(db, b, start_date=D(2024, 1, 1), placement_type="CL_SL",
                      placement_postcode="TR1 1AA", commissioning_route=CommissioningRoute.BLOCK)
    rows = list_episodes(db)
    hays = [haystack(r) for r in rows]

    def ids(**kw: object) -> set[uuid.UUID]:
        keep = filter_rows(rows, hays, EpisodeFilter(**kw), TODAY)  # type: ignore[arg-type]
        return {rows[n].uuid for n in keep}

    assert ids() == {local, far, leaver}
    assert ids(text="oak") == {far}
    assert ids(text="a-1 sc469688") == {far}
    assert ids(placement_type="care_leavers") == {leaver}
    assert ids(placement_type="U4") == {local}
    assert ids(route="block") == {leaver}
    assert ids(state="live") == {far, leaver}
    assert ids(state="ended") == {local}
    assert ids(within_20="yes") == {local}
    assert ids(within_20="no") == {far}
    assert ids(within_20="unknown") == {leaver}
    assert ids(date_from=D(2025, 12, 1), date_to=D(2026, 1, 1)) == {far, leaver}
    assert ids(date_to=D(2025, 5, 31)) == {leaver}
    assert ids(child_id=b.hex) == {leaver}
    # Words narrow first; the other filters then apply to what is left.
    assert ids(text="a-1", state="live") == {far}
    assert ids(text="a-1", within_20="yes") == {local}
    assert ids(text="a-1 nowhere") == set()
    # Newest start first.
    assert [r.uuid for r in rows] == [far, local, leaver]
