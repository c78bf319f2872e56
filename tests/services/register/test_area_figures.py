"""The share Good or Outstanding by setting type for England, regions, local authority
areas and the settings the council uses, on a small register counted by hand."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from placement_desk.lifecycle import Database
from placement_desk.models import Child, PlacementEpisode, Setting
from placement_desk.models.enums import Judgement, RegistrationStatus, SettingType
from placement_desk.services.common.settings_store import set_setting
from placement_desk.services.register.area_figures import (
    Share,
    council_area,
    register_shares,
    shares_in_use,
)

TODAY = dt.date(2025, 6, 2)
HOME, IFA, SA = (SettingType.CHILDRENS_HOME, SettingType.IFA,
                 SettingType.SUPPORTED_ACCOMMODATION)
ACTIVE, SUSPENDED, GONE = (RegistrationStatus.ACTIVE, RegistrationStatus.SUSPENDED,
                           RegistrationStatus.NO_LONGER_REGISTERED)
J = Judgement

# urn, type, status, judgement, local authority, region
REGISTER = [
    ("SC000001", HOME, ACTIVE, J.OUTSTANDING, "Sutton", "London"),
    ("SC000002", HOME, ACTIVE, J.GOOD, "Sutton", "London"),
    ("SC000003", HOME, SUSPENDED, J.INADEQUATE, "Sutton", "London"),
    ("SC000004", HOME, ACTIVE, None, "Sutton", "London"),  # not yet judged
    ("SC000005", HOME, GONE, J.GOOD, "Sutton", "London"),  # left the register
    ("SC000006", HOME, ACTIVE, J.REQUIRES_IMPROVEMENT, "Merton", "London"),
    ("SC000007", IFA, ACTIVE, J.GOOD, "Merton", "London"),
    ("SC000008", HOME, ACTIVE, J.GOOD, "Leeds", "Yorkshire and The Humber"),
    ("2000009", SA, ACTIVE, J.SA_STRONG, "Leeds", "Yorkshire and The Humber"),
    ("2000010", SA, ACTIVE, J.SA_INCONSISTENT, "Leeds", "Yorkshire and The Humber"),
]


def _build(db: Database) -> None:
    with db.sessions.begin() as s:
        settings = {}
        for urn, kind, status, judged, area, region in REGISTER:
            settings[urn] = Setting(name=f"Home {urn}", urn=urn, setting_type=kind,
                                    registration_status=status, latest_judgement=judged,
                                    local_authority=area, region=region)
        unregulated = Setting(name="Lodgings", setting_type=SettingType.SUPPORTED_LODGINGS,
                              registration_status=RegistrationStatus.NOT_REGISTERED,
                              latest_judgement=J.GOOD, local_authority="Sutton")
        s.add_all([*settings.values(), unregulated])
        s.flush()
        for n, urn in enumerate(("SC000001", "SC000003", "SC000005", "SC000007", "2000010")):
            child = Child(case_ref=f"C-{n}")
            s.add(child)
            s.flush()
            s.add(PlacementEpisode(child_id=child.id, setting_id=settings[urn].id,
                                   start_date=dt.date(2025, 1, 1), placement_type="K2"))
        ended = Child(case_ref="C-9")
        s.add(ended)
        s.flush()
        s.add(PlacementEpisode(child_id=ended.id, setting_id=settings["SC000002"].id,
                               start_date=dt.date(2024, 1, 1), end_date=dt.date(2025, 1, 1),
                               placement_type="K2"))


def test_shares_by_type_for_england_regions_and_areas(db: Database) -> None:
    _build(db)
    shares = register_shares(db)
    # Children's homes in England: 1, 2, 3, 4, 6, 8 registered (5 has left); 4 is not
    # judged; Good or Outstanding: 1, 2, 8 of 1, 2, 3, 6, 8.
    assert shares.england.share(HOME) == Share(3, 5, 6)
    assert f"{shares.england.share(HOME).percent:.1f}" == "60.0"
    assert shares.england.share(IFA) == Share(1, 1, 1)
    assert shares.england.share(SA) == Share(1, 2, 2), "consistently strong counts as good"
    assert shares.england.total == Share(5, 8, 9)
    assert SettingType.SUPPORTED_LODGINGS not in shares.england.by_type, "unregulated"
    assert shares.regions["London"].share(HOME) == Share(2, 4, 5)
    assert shares.regions["Yorkshire and The Humber"].total == Share(2, 3, 3)
    assert shares.local_authorities["Sutton"].share(HOME) == Share(2, 3, 4)
    assert shares.local_authorities["Merton"].by_type == {HOME: Share(0, 1, 1),
                                                          IFA: Share(1, 1, 1)}
    assert shares.region_of == {"Sutton": "London", "Merton": "London",
                                "Leeds": "Yorkshire and The Humber"}
    assert shares.england.share(SettingType.SECURE_CHILDRENS_HOME).text() == "–"
    assert shares.england.total.text() == "62.5% (5 of 8)"


def test_the_settings_the_council_uses_today(db: Database) -> None:
    _build(db)
    ours = shares_in_use(db, TODAY)
    # In use today: 1 (Outstanding), 3 (Inadequate, suspended), 5 (left the register: not
    # counted), 7 (IFA, Good), 2000010 (inconsistent); 2's placement has ended.
    assert ours.by_type == {HOME: Share(1, 2, 2), IFA: Share(1, 1, 1), SA: Share(0, 1, 1)}


def test_the_councils_area_is_guessed_from_its_name_then_its_placements(db: Database) -> None:
    _build(db)
    with db.sessions.begin() as s:
        set_setting(s, "council.name", "London Borough of Merton")
    assert council_area(db, TODAY) == "Merton"
    with db.sessions.begin() as s:
        set_setting(s, "council.name", "Demo Borough Council")
    assert council_area(db, TODAY) == "Sutton", "where most settings in use are"
    with db.sessions.begin() as s:
        s.execute(sa.delete(PlacementEpisode))
    assert council_area(db, TODAY) is None
