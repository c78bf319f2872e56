"""A small council, built by hand, whose every figure on 31 March 2026 is worked out in the
tests that use it.

Thirteen children (C1 to C13), seven settings in use, four providers, two agreements.
The comments beside each child say what the tests need to know of them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

import pytest

from placement_desk.db import Database
from placement_desk.models import (
    Action,
    Child,
    Contract,
    ContractReview,
    OfstedInspection,
    PlacementEpisode,
    PostcodeLookup,
    Provider,
    ProviderDocument,
    QaVisit,
    Setting,
)
from placement_desk.models.enums import (
    ActionSource,
    ActionStatus,
    AgreementStatus,
    CommissioningRoute,
    ContractType,
    DocumentKind,
    InspectionEventType,
    Judgement,
    QaVisitStatus,
    RegistrationStatus,
    ReviewStatus,
    ServiceCharge,
    SettingType,
)
from placement_desk.services.agreements.ipa import AgreementForm, ServiceLine, create_agreement
from placement_desk.services.agreements.ipa_detail import agreement_detail
from placement_desk.services.agreements.ipa_lifecycle import advance, make_variation
from placement_desk.services.common.settings_store import set_setting

AT = dt.date(2026, 3, 31)
"""The period is 1 April 2025 to 31 March 2026; the one before, the year to 31 March 2025."""
R = CommissioningRoute
OPEN_END = None


@dataclass
class Council:
    settings: dict[str, uuid.UUID] = field(default_factory=dict)
    providers: dict[str, uuid.UUID] = field(default_factory=dict)
    children: dict[str, uuid.UUID] = field(default_factory=dict)
    episodes: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    """Each child's episodes in date order."""


@pytest.fixture
def db_user() -> str:
    return "sam.officer"


def _setting(s, council: Council, key: str, kind: SettingType, provider: str | None,
             urn: str | None, *, status: RegistrationStatus = RegistrationStatus.ACTIVE,
             region: str = "London", authority: str = "Sutton",
             judgement: Judgement | None = None, due: dt.date | None = None,
             closed: dt.date | None = None) -> None:  # type: ignore[no-untyped-def]
    setting = Setting(name=f"Setting {key}", urn=urn, setting_type=kind,
                      provider_id=council.providers.get(provider or ""), registration_status=status,
                      region=region, local_authority=authority, latest_judgement=judgement,
                      next_qa_due=due, closed_date=closed)
    s.add(setting)
    s.flush()
    council.settings[key] = setting.id


def _inspect(s, council: Council, key: str, day: dt.date, judged: Judgement) -> None:  # type: ignore[no-untyped-def]
    supported = judged.value.startswith("sa_")
    s.add(OfstedInspection(setting_id=council.settings[key], event_type=InspectionEventType.FULL,
                           inspection_date=day, overall_judgement=None if supported else judged,
                           supported_accommodation_outcome=judged if supported else None))


def _child(s, council: Council, key: str, born: dt.date, *, uasc: bool = False) -> None:  # type: ignore[no-untyped-def]
    child = Child(case_ref=key, date_of_birth=born, uasc=uasc)
    s.add(child)
    s.flush()
    council.children[key] = child.id
    council.episodes[key] = []


def _episode(s, council: Council, key: str, setting: str | None, place: str, start: dt.date,
             end: dt.date | None, route: CommissioningRoute | None, *, rne: str = "S",
             miles: float | None = None, postcode: str | None = None,
             legal: str = "C2") -> None:  # type: ignore[no-untyped-def]
    episode = PlacementEpisode(
        child_id=council.children[key], setting_id=council.settings[setting] if setting else None,
        placement_type=place, start_date=start, end_date=end, commissioning_route=route,
        reason_new_episode=rne, distance_miles=miles, placement_postcode=postcode,
        legal_status=legal)
    s.add(episode)
    s.flush()
    council.episodes[key].append(episode.id)


def _activate(db: Database, version_id: uuid.UUID, day: dt.date) -> None:
    for n, step in enumerate((AgreementStatus.ISSUED, AgreementStatus.PROVIDER_SIGNED,
                              AgreementStatus.COUNCIL_SIGNED, AgreementStatus.ACTIVE)):
        advance(db, version_id, step, "asha.patel", dt.datetime.combine(day, dt.time(9 + n)))


@pytest.fixture
def council(db: Database) -> Council:
    c = Council()
    d = dt.date
    with db.sessions.begin() as s:
        set_setting(s, "council.name", "London Borough of Sutton")
        set_setting(s, "council.local_authority_code", "E09000029")
        s.add_all([PostcodeLookup(postcode="SM11AA", easting=1, northing=1,
                                  local_authority_code="E09000029"),
                   PostcodeLookup(postcode="CR01AA", easting=2, northing=2,
                                  local_authority_code="E09000008")])
        for key in ("P1", "P2", "P3", "P4"):
            provider = Provider(name=f"Provider {key}")
            s.add(provider)
            s.flush()
            c.providers[key] = provider.id
        council_itself = Provider(name="Sutton Council", is_council=True)
        s.add(council_itself)
        st, rs = SettingType, RegistrationStatus
        # In use on 31 March 2026:
        _setting(s, c, "H1", st.CHILDRENS_HOME, "P1", "SC000001", judgement=Judgement.GOOD,
                 due=d(2026, 6, 1))
        _setting(s, c, "H2", st.CHILDRENS_HOME, "P2", "SC000002",
                 judgement=Judgement.INADEQUATE, due=d(2026, 1, 1))  # overdue a QA visit
        _setting(s, c, "H3", st.CHILDRENS_HOME, "P2", "SC000003", due=AT)  # not yet inspected
        _setting(s, c, "F1", st.IFA, "P3", "SC000004", judgement=Judgement.OUTSTANDING)
        _setting(s, c, "SA1", st.SUPPORTED_ACCOMMODATION, "P3", "2500001",
                 judgement=Judgement.SA_STRONG)
        _setting(s, c, "SI1", st.SEMI_INDEPENDENT, "P4", None, status=rs.NOT_REGISTERED)
        _setting(s, c, "X1", st.CHILDRENS_HOME, "P4", "SC000009", status=rs.RESIGNED,
                 closed=d(2025, 1, 1))
        # Elsewhere in England, never used:
        _setting(s, c, "E1", st.CHILDRENS_HOME, None, "SC000011", region="North West",
                 authority="Wigan", judgement=Judgement.GOOD)
        _setting(s, c, "E2", st.CHILDRENS_HOME, None, "SC000012", authority="Croydon",
                 judgement=Judgement.REQUIRES_IMPROVEMENT)
        _setting(s, c, "E3", st.SUPPORTED_ACCOMMODATION, None, "2500003",
                 region="North West", authority="Wigan", judgement=Judgement.SA_SERIOUS)
        _inspect(s, c, "H1", d(2022, 1, 1), Judgement.INADEQUATE)
        _inspect(s, c, "H1", d(2025, 6, 1), Judgement.GOOD)
        _inspect(s, c, "H2", d(2025, 9, 1), Judgement.INADEQUATE)
        _inspect(s, c, "F1", d(2024, 5, 1), Judgement.OUTSTANDING)
        _inspect(s, c, "SA1", d(2025, 1, 1), Judgement.SA_STRONG)
        _inspect(s, c, "E1", d(2024, 1, 1), Judgement.GOOD)
        _inspect(s, c, "E2", d(2024, 1, 1), Judgement.REQUIRES_IMPROVEMENT)
        _inspect(s, c, "E3", d(2025, 1, 1), Judgement.SA_SERIOUS)

        _child(s, c, "C1", d(2012, 6, 1))  # 13: in H1 since 2023, stable
        _episode(s, c, "C1", "H1", "K2", d(2023, 1, 1), None, R.BLOCK, miles=5.0,
                 postcode="SM1 1AA")
        _child(s, c, "C2", d(2015, 4, 1))  # 10 (11 tomorrow): three placements in the year
        _episode(s, c, "C2", "F1", "U4", d(2025, 5, 1), d(2025, 8, 1), R.FRAMEWORK)
        _episode(s, c, "C2", "H2", "K2", d(2025, 8, 1), d(2025, 12, 1), R.SPOT, rne="P")
        _episode(s, c, "C2", "H3", "K2", d(2025, 12, 1), None, R.SPOT, rne="P", miles=25.0,
                 postcode="CR0 1AA")
        _child(s, c, "C3", d(2009, 1, 15), uasc=True)  # 17, UASC, in supported accommodation
        _episode(s, c, "C3", "SA1", "K3", d(2025, 6, 1), None, R.FRAMEWORK)
        _child(s, c, "C4", d(2011, 2, 1))  # 15: under 16 in semi-independent accommodation
        _episode(s, c, "C4", "SI1", "H5", d(2025, 3, 1), d(2025, 9, 1), R.SPOT, miles=12.0)
        _episode(s, c, "C4", "SI1", "H5", d(2025, 9, 1), None, R.SPOT, rne="L", miles=12.0)
        _child(s, c, "C5", d(2020, 1, 1))  # 6: with F1 since 2021, a legal change in 2024
        _episode(s, c, "C5", "F1", "U6", d(2021, 1, 1), d(2024, 6, 1), R.FRAMEWORK)
        _episode(s, c, "C5", "F1", "U6", d(2024, 6, 1), None, R.FRAMEWORK, rne="L", miles=3.0,
                 postcode="SM1 1AA")
        _child(s, c, "C6", d(2022, 3, 1))  # 4: short breaks only
        _episode(s, c, "C6", "H1", "K2", d(2025, 10, 1), None, R.BLOCK, legal="V3")
        _child(s, c, "C7", d(2000, 1, 1))  # 26: care leaver's accommodation
        _episode(s, c, "C7", "SI1", "CL_SL", d(2024, 1, 1), None, R.SPOT)
        _child(s, c, "C8", d(2013, 9, 1))  # 12: in a home that resigned its registration
        _episode(s, c, "C8", "X1", "K2", d(2025, 11, 1), None, R.SPOT, miles=20.0)
        _child(s, c, "C9", d(2014, 1, 1))  # 12: children's home not recorded
        _episode(s, c, "C9", None, "K2", d(2026, 1, 1), None, R.SPOT)
        _child(s, c, "C10", d(2016, 5, 5))  # 9: home with parents, ended on 31 March
        _episode(s, c, "C10", None, "P1", d(2025, 4, 1), AT, R.IN_HOUSE, miles=0.0)
        _child(s, c, "C11", d(2010, 10, 10))  # 15: a holiday between two spells in H2
        _episode(s, c, "C11", "H2", "K2", d(2025, 9, 15), d(2025, 10, 1), R.SPOT)
        _episode(s, c, "C11", None, "T2", d(2025, 10, 1), d(2025, 10, 8), None, rne="P")
        _episode(s, c, "C11", "H2", "K2", d(2025, 10, 8), None, R.SPOT, rne="P", miles=60.0)
        _child(s, c, "C12", d(2014, 7, 7))  # 11: in care since 2022, moved in June 2025
        _episode(s, c, "C12", "F1", "U4", d(2022, 1, 1), d(2025, 6, 1), R.FRAMEWORK)
        _episode(s, c, "C12", "H1", "K2", d(2025, 6, 1), None, R.FRAMEWORK, rne="P",
                 miles=8.0)
        _child(s, c, "C13", d(2009, 6, 6), uasc=True)  # 16, UASC: unregistered since 2023
        _episode(s, c, "C13", "SI1", "H5", d(2023, 6, 1), None, R.SPOT, miles=30.0)

        ids = c.settings
        s.add_all([  # QA visits
            QaVisit(setting_id=ids["H1"], status=QaVisitStatus.COMPLETED,
                    planned_date=d(2025, 6, 15), visit_date=d(2025, 6, 15)),
            QaVisit(setting_id=ids["H2"], status=QaVisitStatus.COMPLETED,
                    planned_date=d(2025, 3, 30), visit_date=d(2025, 3, 30)),  # a day too early
            QaVisit(setting_id=ids["F1"], status=QaVisitStatus.COMPLETED,
                    planned_date=d(2025, 3, 31), visit_date=d(2025, 3, 31)),  # the first day
            QaVisit(setting_id=ids["SI1"], status=QaVisitStatus.COMPLETED,
                    planned_date=AT, visit_date=AT),
            QaVisit(setting_id=ids["SA1"], status=QaVisitStatus.PLANNED, planned_date=AT),
        ])
        s.add_all([  # actions: one overdue on 31 March 2026
            Action(source=ActionSource.MANUAL, description="Overdue", due_date=d(2026, 3, 30),
                   status=ActionStatus.OPEN),
            Action(source=ActionSource.MANUAL, description="Due today", due_date=AT,
                   status=ActionStatus.IN_PROGRESS),
            Action(source=ActionSource.MANUAL, description="Done", due_date=d(2026, 1, 1),
                   status=ActionStatus.DONE),
        ])
        s.add_all([  # documents
            ProviderDocument(setting_id=ids["H1"], kind=DocumentKind.INSURANCE,
                             expiry_date=d(2026, 3, 30)),
            ProviderDocument(setting_id=ids["H1"], kind=DocumentKind.INSURANCE,
                             expiry_date=d(2027, 1, 1)),  # renewed: the latest counts
            ProviderDocument(setting_id=ids["H2"], kind=DocumentKind.REGISTRATION_CERTIFICATE,
                             expiry_date=d(2026, 3, 1)),  # expired
            ProviderDocument(setting_id=ids["F1"], kind=DocumentKind.ACCOUNTS,
                             expiry_date=AT),  # expires today: not yet expired
            ProviderDocument(provider_id=c.providers["P4"], kind=DocumentKind.INSURANCE,
                             expiry_date=d(2025, 12, 31)),  # expired, provider in use
            ProviderDocument(setting_id=ids["E1"], kind=DocumentKind.INSURANCE,
                             expiry_date=d(2020, 1, 1)),  # not in use
        ])
        s.add(ContractReview(provider_id=c.providers["P1"], status=ReviewStatus.SIGNED_OFF,
                             review_date=d(2026, 1, 15)))
        s.add_all([
            Contract(reference="BLK-1", title="Block beds", contract_type=ContractType.BLOCK,
                     start_date=d(2025, 1, 1), end_date=d(2026, 6, 30)),  # ending soon
            Contract(reference="FW-1", title="Framework", contract_type=ContractType.FRAMEWORK,
                     start_date=d(2025, 1, 1), end_date=d(2027, 1, 1)),
        ])
    # Agreements: C1 at H1, £4,000 a week, £4,200 from 1 October 2025; C3 at SA1,
    # £1,500 a week from 1 June 2025 and a £250 one-off on 1 July 2025.
    first = create_agreement(db, AgreementForm(
        reference="IPA-1", child_id=c.children["C1"], setting_id=c.settings["H1"],
        episode_id=c.episodes["C1"][0], start_date=d(2023, 1, 1), placement_type="K2",
        weekly_fee_pence=400_000))
    _activate(db, agreement_detail(db, first).versions[0].id, d(2023, 1, 1))
    uplift = make_variation(db, first, d(2025, 10, 1), "Uplift", {"weekly_fee_pence": 420_000})
    _activate(db, uplift, d(2025, 9, 20))
    second = create_agreement(db, AgreementForm(
        reference="IPA-2", child_id=c.children["C3"], setting_id=c.settings["SA1"],
        episode_id=c.episodes["C3"][0], start_date=d(2025, 6, 1), placement_type="K3",
        weekly_fee_pence=150_000, services=[
            ServiceLine("Set-up", ServiceCharge.ONE_OFF, amount_pence=25_000,
                        start_date=d(2025, 7, 1))]))
    _activate(db, agreement_detail(db, second).versions[0].id, d(2025, 6, 1))
    return c
