"""The checks of children's and episodes' forms run over many rows a column at a time:
each row gets the first rule it breaks, in the order a single form is checked."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest

from placement_desk.lifecycle import Database
from placement_desk.models import Setting
from placement_desk.models.enums import CommissioningRoute, RegistrationStatus, SettingType
from placement_desk.services.placements.episodes import save_child
from placement_desk.services.placements.form_checks import (
    ChildForm,
    check_children,
    check_episodes,
)
from placement_desk.services.spreadsheets.importing import ImportPlan, prepare, run_import

D = dt.date
TODAY = D(2026, 3, 1)
SPOT = CommissioningRoute.SPOT


@pytest.fixture
def db_user() -> str:
    return "pat.officer"


@pytest.fixture(autouse=True)
def _records(db: Database) -> None:
    with db.sessions.begin() as s:
        s.add(Setting(name="Oak House", urn="SC469688", setting_type=SettingType.CHILDRENS_HOME,
                      allowed_placement_codes="K2", ofsted_provider_code="PR4",
                      registration_status=RegistrationStatus.ACTIVE,
                      registration_date=D(2015, 6, 1), postcode="BN1 2GU"))


def _problems(checked: Any) -> list[tuple[str, str] | None]:
    return [(p.field, p.message) if p is not None else None for p in checked.problems]


def _setting(db: Database) -> uuid.UUID:
    with db.read() as s:
        found = s.query(Setting.id).filter(Setting.urn == "SC469688").scalar()
    assert found is not None
    return found


def test_each_episode_row_gets_the_first_rule_it_breaks(db: Database) -> None:
    rows: list[dict[str, Any]] = [
        # fine: codes and texts trimmed, the setting found from its URN, its postcode taken
        {"start_date": D(2025, 6, 1), "placement_type": "U4", "reason_new_episode": "S",
         "urn": " sc469688 ", "home_postcode": "sm11aa", "commissioning_route": SPOT,
         "route_reason": " none free ", "notes": "  "},
        {"start_date": None, "end_date": D(2020, 1, 1), "placement_type": "ZZ"},
        {"start_date": D(2025, 6, 1), "end_date": D(2025, 1, 1), "placement_type": "U4",
         "home_postcode": "YY"},
        {"start_date": D(2025, 6, 1), "placement_type": "ZZ", "legal_status": "V9"},
        {"start_date": D(2025, 6, 1), "placement_type": "U4", "legal_status": "V9",
         "category_of_need": "N9"},
        {"start_date": D(2025, 6, 1), "placement_type": "U4", "reason_ceased": "E11",
         "commissioning_route": SPOT},
        {"start_date": D(2025, 6, 1), "placement_type": "U4", "commissioning_route": SPOT,
         "route_reason": "   ", "distance_entered": True, "distance_miles": 2000.0},
        {"start_date": D(2025, 6, 1), "placement_type": "U4", "distance_entered": True,
         "distance_miles": None, "urn": "X" * 25},
        {"start_date": D(2025, 6, 1), "placement_type": "U4", "urn": "X" * 25,
         "placement_postcode": "XX"},
        {"start_date": D(2025, 6, 1), "placement_type": "U4", "placement_postcode": "XX",
         "home_postcode": "YY"},
        {"start_date": D(2025, 6, 1), "placement_type": "U4", "home_postcode": "YY"},
        {"start_date": D(2025, 6, 1), "placement_type": "U4", "setting_id": uuid.uuid4()},
        {"start_date": D(2025, 6, 1), "end_date": D(2025, 7, 1), "placement_type": "U4",
         "reason_ceased": "E11", "urn": "XXXXXXX", "placement_postcode": "bn12gu",
         "commissioning_route": CommissioningRoute.BLOCK, "route_reason": "not kept",
         "distance_entered": True, "distance_miles": 12.5, "notes": " a note "},
    ]
    names = sorted({n for r in rows for n in r})
    columns = {n: [r.get(n, "" if n == "placement_type" else
                         False if n == "distance_entered" else None) for r in rows]
               for n in names}
    expected = [
        None,
        ("start_date", "Enter the date the placement started."),
        ("end_date", "The placement must end after it starts."),
        ("placement_type", "Choose the placement type."),
        ("legal_status", "V9 is not a legal status code."),
        ("end_date", "An episode with a reason ceased needs an end date."),
        ("route_reason", "Say why the in-house, block, framework and regional routes could "
                         "not serve this child."),
        ("distance_miles", "Enter the distance in miles (0 to 1,000)."),
        ("urn", "The URN is too long: 25 characters, and 20 at most are kept."),
        ("placement_postcode", "XX is not a UK postcode."),
        ("home_postcode", "YY is not a UK postcode."),
        ("setting_id", "That setting is no longer in the register."),
        None,
    ]
    known: dict[str, dict[Any, Any]] = {}
    with db.read() as session:
        first = check_episodes(session, columns, len(rows), known=known)
        again = check_episodes(session, columns, len(rows), known=known)
    assert _problems(first) == expected
    assert _problems(again) == expected, "what earlier rows cleaned is used the same way"
    clean = first.clean
    assert [clean[n][0] for n in ("reason_new_episode", "urn", "setting_id",
                                  "placement_postcode", "home_postcode", "route_reason",
                                  "notes")] == ["S", "SC469688", _setting(db), "BN1 2GU",
                                                "SM1 1AA", "none free", None]
    assert [clean[n][12] for n in ("urn", "setting_id", "placement_postcode",
                                   "route_reason", "distance_miles", "notes")] == [
        None, None, "BN1 2GU", None, 12.5, "a note"]


def test_each_child_row_gets_the_first_rule_it_breaks(db: Database) -> None:
    stored = save_child(db, ChildForm(case_ref="C-100"), TODAY)
    rows: list[dict[str, Any]] = [
        {"case_ref": " C-1 ", "date_of_birth": D(2012, 1, 1), "home_postcode": "sm1 1aa",
         "ethnicity": "WBRI", "personal_adviser": " Sam "},
        {"case_ref": "  ", "date_of_birth": D(2099, 1, 1)},
        {"case_ref": "Jane Smith", "home_postcode": "XX"},
        {"case_ref": "c-100"},
        {"case_ref": "C-100", "date_of_birth": D(1990, 1, 1)},
        {"case_ref": "C-2", "date_of_birth": D(2099, 1, 1), "ethnicity": "ZZZZ"},
        {"case_ref": "C-3", "date_of_birth": D(1990, 1, 1)},
        {"case_ref": "C-4", "ethnicity": "ZZZZ", "legal_status": "Q1"},
        {"case_ref": "C-5", "legal_status": "Q1", "needs_level": 7},
        {"case_ref": "C-6", "needs_level": 0, "personal_adviser": "x" * 101},
        {"case_ref": "C-7", "personal_adviser": "x" * 101, "home_postcode": "XX"},
        {"case_ref": "C-8", "home_postcode": "XX"},
    ]
    names = sorted({n for r in rows for n in r})
    columns = {n: [r.get(n) for r in rows] for n in names}
    editing: list[uuid.UUID | None] = [None] * len(rows)
    editing[4] = stored  # the stored child itself, changed
    expected = [
        None,
        ("case_ref", "Enter the child's case reference."),
        ("case_ref", "A case reference is up to 40 letters, digits and / _ . - (no names or "
                     "spaces)."),
        ("case_ref", "Another child already has the reference c-100."),
        ("date_of_birth", "The date of birth makes this person over 30; check it."),
        ("date_of_birth", "The date of birth is in the future."),
        ("date_of_birth", "The date of birth makes this person over 30; check it."),
        ("ethnicity", "ZZZZ is not a 903 ethnicity code."),
        ("legal_status", "Q1 is not a 903 legal status code."),
        ("needs_level", "The needs level is from 1 (high) to 5."),
        ("personal_adviser", "The personal adviser's name is too long: 101 characters, and "
                             "100 at most are kept."),
        ("home_postcode", "XX is not a UK postcode."),
    ]
    with db.read() as session:
        checked = check_children(session, columns, len(rows), TODAY, editing=editing)
    assert _problems(checked) == expected
    assert [checked.clean[n][0] for n in ("case_ref", "home_postcode", "ethnicity",
                                          "personal_adviser")] == [
        "C-1", "SM1 1AA", "WBRI", "Sam"]


def test_an_imported_row_breaking_several_rules_is_told_the_first(db: Database,
                                                                   tmp_path: Path) -> None:
    path = tmp_path / "placements.csv"
    path.write_text(
        "Case reference,Date of birth,Start date,End date,Placement type,URN,Reason ceased,"
        "Home postcode,Route,Why spot purchase\n"
        "P1,01/01/2012,01/04/2025,01/03/2025,U4,,E11,XX,Spot purchase,\n"
        "P2,01/01/2012,01/05/2025,,U4,SC469688,E11,XX,Spot purchase,\n"
        "P3,01/01/2012,01/06/2025,,U4,SC469688,,XX,Spot purchase,\n"
        "P4,01/01/2012,01/06/2025,,U4,SC469688,,XX,Spot purchase,because\n"
        "P5,01/01/1980,01/06/2025,01/03/2025,U4,,,,,\n"
        "P6,01/01/2012,01/06/2025,,U4,sc469688,,sm1 1aa,Spot purchase,because\n",
        encoding="utf-8")
    result = run_import(db, prepare(db, ImportPlan(path, "placements")), commit=False,
                        today=TODAY)
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (2, "D (End date)", "The placement must end after it starts."),
        (3, "D (End date)", "An episode with a reason ceased needs an end date."),
        (4, "J (Why spot purchase)", "Say why the in-house, block, framework and regional "
                                     "routes could not serve this child."),
        (5, "H (Home postcode)", "XX is not a UK postcode."),
        (6, "B (Date of birth)", "The date of birth makes this person over 30; check it."),
    ]
    assert (result.rows, result.created) == (6, 1)
