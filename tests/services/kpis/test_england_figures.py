"""England's and the region's figures beside the council's, against sums of Ofsted's 2025
provider-level file read independently with pandas."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select

from placement_desk.db import Database
from placement_desk.models import Child, PlacementEpisode, Setting
from placement_desk.models.enums import SettingType
from placement_desk.services.common.settings_store import set_setting
from placement_desk.services.kpis import KpiRequest, kpi_report
from placement_desk.services.register.ofsted_import import import_ofsted
from tests.reference import OFSTED, need

AT = dt.date(2025, 3, 31)
HOMES = ("children's home", "residential special school (registered as a children's home)")
OVERALL = "Overall experiences and progress of children and young people"
OUTCOME = "Supported Accommodation outcome"


def _published() -> pd.DataFrame:
    frame = pd.read_csv(need(OFSTED / "provider_level_at_31_march_2025.csv"), skiprows=3,
                        encoding="utf-8-sig", dtype=str)
    frame.columns = [" ".join(str(c).split()) for c in frame.columns]
    registered = frame["Registration status"].str.strip().str.casefold().isin(
        ["active", "suspended"])
    frame = frame[registered & frame["URN"].notna()].copy()
    # A judgement counts when it is a full inspection's (one setting's latest inspection
    # was a monitoring inspection: its judgement is not an overall effectiveness one).
    full = frame["Latest Full inspection event type"].str.strip() == "Full inspection"
    frame.loc[~full, OVERALL] = None
    return frame


def _share(judged: pd.Series, good: tuple[str, ...]) -> str:
    words = judged.dropna().str.strip()
    hits = int(words.isin(good).sum())
    return f"{100 * hits / len(words):.1f}% ({hits:,} of {len(words):,})"


@pytest.mark.reference
def test_england_and_region_beside_the_settings_in_use(db: Database) -> None:
    import_ofsted(db, [need(OFSTED / "provider_level_at_31_march_2025.csv")], today=AT)
    frame = _published()
    kind = frame["Provision type"].str.strip().str.casefold()
    homes = frame[kind.isin(HOMES)]
    supported = frame[kind == "supported accommodation"]
    # The council: Lewisham, with a child in one of its children's homes and one in
    # supported accommodation elsewhere.
    with db.sessions.begin() as s:
        set_setting(s, "council.name", "London Borough of Lewisham")
        home = s.scalars(select(Setting).where(
            Setting.setting_type == SettingType.CHILDRENS_HOME,
            Setting.local_authority == "Lewisham").limit(1)).one()
        flat = s.scalars(select(Setting).where(
            Setting.setting_type == SettingType.SUPPORTED_ACCOMMODATION).limit(1)).one()
        for n, (setting, place) in enumerate(((home, "K2"), (flat, "K3"))):
            child = Child(case_ref=f"L{n}", date_of_birth=dt.date(2009, 1, 1))
            s.add(child)
            s.flush()
            s.add(PlacementEpisode(child_id=child.id, setting_id=setting.id,
                                   placement_type=place, start_date=dt.date(2025, 1, 1)))
    report = kpi_report(db, KpiRequest.year_to(AT))
    region = homes["Government Office Region"].str.strip() == "London"
    good = report.figures["good_settings"]
    assert dict(good.comparisons) == {
        "England": _share(homes[OVERALL], ("Outstanding", "Good")),
        "Region (London)": _share(homes[region][OVERALL], ("Outstanding", "Good"))}
    assert dict(good.comparisons)["England"] == "85.4% (3,085 of 3,614)"
    strong = report.figures["sa_strong"]
    assert dict(strong.comparisons)["England"] == _share(
        supported[OUTCOME], ("Consistently strong service delivery",))
    # Each judgement's share of England's judged children's homes.
    judged = homes[OVERALL].dropna().str.strip()
    table = {r.label: r.values for r in report.tables["judgements"].rows}
    england = report.tables["judgements"].columns.index("England %")
    for label, words in (("Outstanding", "Outstanding"), ("Good", "Good"),
                         ("Requires improvement", "Requires improvement to be good"),
                         ("Inadequate", "Inadequate")):
        assert table[label][england] == pytest.approx(100 * (judged == words).sum()
                                                      / len(judged))
