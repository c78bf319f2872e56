"""Weeks and spend from episodes and the agreements' fee history, worked out by hand."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from placement_desk.errors import ValidationError
from placement_desk.lifecycle import Database
from placement_desk.models import Child, PlacementEpisode, Provider, Setting
from placement_desk.models.enums import (
    AgreementStatus,
    CommissioningRoute,
    ServiceCharge,
    SettingType,
)
from placement_desk.services.agreements.costs import (
    FeeSegment,
    ServiceTerms,
    VersionTerms,
    agreement_spend,
    fee_segments,
    overlap_days,
    total,
    weeks_and_spend,
)
from placement_desk.services.agreements.ipa import AgreementForm, ServiceLine, create_agreement
from placement_desk.services.agreements.ipa_detail import agreement_detail
from placement_desk.services.agreements.ipa_lifecycle import advance, make_variation

S = AgreementStatus
MARCH, MAY = dt.date(2025, 3, 1), dt.date(2025, 5, 1)
AID = uuid.uuid4()


@pytest.fixture
def db_user() -> str:
    return "sam.officer"


def _activate(db: Database, version_id: uuid.UUID, day: dt.date) -> None:
    for n, step in enumerate((S.ISSUED, S.PROVIDER_SIGNED, S.COUNCIL_SIGNED, S.ACTIVE)):
        advance(db, version_id, step, "asha.patel",
                dt.datetime.combine(day, dt.time(9 + n)))


@pytest.fixture
def placements(db: Database) -> dict[str, uuid.UUID]:
    """A private children's home placement with a fee change on 1 April 2025, and an
    in-house foster placement with no agreement."""
    with db.sessions.begin() as s:
        provider = Provider(name="Acorn Care")
        s.add(provider)
        s.flush()
        home = Setting(name="Oak House", urn="SC469688", provider_id=provider.id,
                       setting_type=SettingType.CHILDRENS_HOME)
        first, second = Child(case_ref="C-0001"), Child(case_ref="C-0002")
        s.add_all([home, first, second])
        s.flush()
        episode = PlacementEpisode(child_id=first.id, setting_id=home.id,
                                   start_date=dt.date(2025, 1, 1), placement_type="K2",
                                   commissioning_route=CommissioningRoute.FRAMEWORK)
        s.add_all([episode, PlacementEpisode(
            child_id=second.id, start_date=dt.date(2025, 4, 15), end_date=dt.date(2025, 6, 1),
            placement_type="U4", commissioning_route=CommissioningRoute.IN_HOUSE)])
        s.flush()
        ids = {"first": first.id, "second": second.id, "home": home.id,
               "provider": provider.id, "episode": episode.id}
    aid = create_agreement(db, AgreementForm(
        reference="IPA-1", child_id=ids["first"], setting_id=ids["home"],
        episode_id=ids["episode"], start_date=dt.date(2025, 1, 1), placement_type="K2",
        weekly_fee_pence=70_000, services=[
            ServiceLine("Education", ServiceCharge.WEEKLY, amount_pence=7_000,
                        start_date=dt.date(2025, 3, 15)),
            ServiceLine("Set-up", ServiceCharge.ONE_OFF, amount_pence=25_000,
                        start_date=dt.date(2025, 4, 10))]))
    _activate(db, agreement_detail(db, aid).versions[0].id, dt.date(2025, 1, 1))
    v2 = make_variation(db, aid, dt.date(2025, 4, 1), "Annual uplift 10%",
                        {"weekly_fee_pence": 77_000})
    _activate(db, v2, dt.date(2025, 3, 25))
    # A draft variation is not in force and costs nothing.
    make_variation(db, aid, dt.date(2025, 4, 15), "Proposed", {
        "weekly_fee_pence": 999_999})
    ids["agreement"] = aid
    return ids


def test_overlap_days_are_half_open() -> None:
    assert overlap_days(dt.date(2025, 4, 1), dt.date(2025, 5, 1), MARCH, MAY) == 30
    assert overlap_days(dt.date(2025, 1, 1), None, MARCH, MAY) == 61
    assert overlap_days(dt.date(2025, 1, 1), MARCH, MARCH, MAY) == 0
    assert overlap_days(MAY, None, MARCH, MAY) == 0


def test_fee_segments_follow_effective_dates_and_the_agreement_end() -> None:
    versions = [
        VersionTerms(AID, 1, dt.date(2025, 1, 1), dt.date(2025, 1, 1), None, 70_000),
        VersionTerms(AID, 2, dt.date(2025, 4, 1), dt.date(2025, 1, 1), None, 77_000),
        VersionTerms(AID, 3, dt.date(2025, 4, 1), dt.date(2025, 1, 1), None, 80_000,
                     ended_on=dt.date(2025, 6, 1)),
    ]
    assert fee_segments(versions) == [
        FeeSegment(AID, 1, dt.date(2025, 1, 1), dt.date(2025, 4, 1), 70_000),
        FeeSegment(AID, 3, dt.date(2025, 4, 1), dt.date(2025, 6, 1), 80_000),
    ], "version 2 was replaced on its first day; the agreement ended on 1 June"
    open_ended = fee_segments(versions[:2])
    assert open_ended[-1].end is None
    assert fee_segments([]) == []


def test_spend_counts_services_within_their_dates_and_one_offs_once() -> None:
    weekly = ServiceTerms("weekly", 7_000, 0, "Education", dt.date(2025, 3, 15))
    once = ServiceTerms("one_off", 0, 25_000, "Set-up", dt.date(2025, 4, 10))
    segments = [FeeSegment(AID, 1, dt.date(2025, 1, 1), dt.date(2025, 4, 1), 70_000,
                           (weekly, once)),
                FeeSegment(AID, 2, dt.date(2025, 4, 1), None, 77_000, (weekly, once))]
    spend = agreement_spend(segments, MARCH, MAY)
    # Fee: 31 days × £100 + 30 days × £110 = £6,400; education 47 days × £10 = £470;
    # set-up £250 once.
    assert spend.days == 61
    assert spend.spend_pence == 640_000 + 47_000 + 25_000


def test_weeks_and_spend_by_placement_type(db: Database,
                                           placements: dict[str, uuid.UUID]) -> None:
    rows = weeks_and_spend(db, MARCH, MAY, "placement_type")
    assert [(r.key, r.label) for r in rows] == [
        ("K2", "K2 Children's home"),
        ("U4", "U4 Foster placement with other foster carer, long term")]
    home, foster = rows
    assert home.weeks == pytest.approx(61 / 7)
    assert home.paid_weeks == pytest.approx(61 / 7)
    assert home.spend_pence == 640_000 + 47_000 + 25_000
    assert foster.weeks == pytest.approx(16 / 7)
    assert (foster.spend_pence, foster.paid_weeks) == (0, 0)
    summed = total(rows)
    assert summed.weeks == pytest.approx(77 / 7)
    assert summed.spend_pence == 712_000


def test_a_period_before_the_fee_change_uses_the_old_fee(
        db: Database, placements: dict[str, uuid.UUID]) -> None:
    rows = weeks_and_spend(db, dt.date(2025, 1, 1), dt.date(2025, 1, 15), "child")
    assert [(r.label, r.spend_pence) for r in rows] == [("C-0001", 140_000)]
    assert rows[0].weeks == 2


@pytest.mark.parametrize(("group_by", "expected"), [
    ("provider", [("Acorn Care", 712_000), ("No provider recorded", 0)]),
    ("setting", [("No setting recorded", 0), ("Oak House (SC469688)", 712_000)]),
    ("route", [("Framework or DPS", 712_000), ("In-house", 0)]),
    ("child", [("C-0001", 712_000), ("C-0002", 0)]),
])
def test_grouping(db: Database, placements: dict[str, uuid.UUID], group_by: str,
                  expected: list[tuple[str, int]]) -> None:
    rows = weeks_and_spend(db, MARCH, MAY, group_by)  # type: ignore[arg-type]
    assert [(r.label, r.spend_pence) for r in rows] == expected


def test_bad_periods_and_groups_are_refused(db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        weeks_and_spend(db, MAY, MARCH, "child")
    assert caught.value.field == "end"
    with pytest.raises(ValueError, match="group_by"):
        weeks_and_spend(db, MARCH, MAY, "colour")  # type: ignore[arg-type]


def test_a_version_replaced_before_it_started_costs_nothing(db: Database) -> None:
    with db.sessions.begin() as s:
        child = Child(case_ref="C-0003")
        s.add(child)
        s.flush()
        child_id = child.id
    aid = create_agreement(db, AgreementForm(
        reference="IPA-2", child_id=child_id, start_date=dt.date(2025, 3, 1),
        placement_type="H5", weekly_fee_pence=140_000))
    v1 = agreement_detail(db, aid).versions[0].id
    for step in (S.ISSUED, S.PROVIDER_SIGNED):
        advance(db, v1, step, "asha.patel", dt.date(2025, 2, 20))
    v2 = make_variation(db, aid, dt.date(2025, 3, 15), "Price agreed after signing",
                        {"weekly_fee_pence": 70_000})
    _activate(db, v2, dt.date(2025, 3, 10))
    assert agreement_detail(db, aid).versions[0].status == S.SUPERSEDED
    rows = weeks_and_spend(db, MARCH, MAY, "placement_type")
    routes = weeks_and_spend(db, MARCH, MAY, "route")
    # No episode: grouped by the agreement's own type; only version 2 was ever in force,
    # from 15 March: 47 days at £100 a day. No episode, so no weeks of placement.
    assert [(r.key, r.weeks, r.paid_weeks, r.spend_pence) for r in rows] == \
        [("H5", 0.0, 47 / 7, 470_000)]
    assert [(r.label, r.spend_pence) for r in routes] == [("Not recorded", 470_000)]
