"""A realistic, made-up demo database, deterministic for a seed and an 'as of' date.

Everything derives from ``random.Random(seed)`` and ``as_of``: identifiers,
dates and timestamps, so two runs give identical tables. Rows are written with
SQLAlchemy Core bulk inserts in one transaction (the demo is not audited);
cancelling rolls everything back. Fees follow the Competition and Markets
Authority's figures by placement type, rising with yearly uplifts.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Table, insert
from sqlalchemy.orm import Session

from ...models import (
    Action,
    Agreement,
    AgreementService,
    AgreementVersion,
    AppSetting,
    Child,
    Concern,
    Contract,
    ContractDocument,
    ContractExtension,
    ContractLot,
    ContractProvider,
    ContractRate,
    ContractReview,
    ContractReviewAddendum,
    OfstedInspection,
    PlacementEpisode,
    PostcodeLookup,
    Provider,
    ProviderDocument,
    QaVisit,
    QaVisitArea,
    RatingAlert,
    Setting,
    User,
)
from ...progress import NULL_STATE, TaskState
from ..agreements import fee_ledger
from ..common.settings_store import DEMO
from ..register.risk import refresh_risk_levels
from .contract_data import TIER_REASONS, make_contracts
from .word_lists import (
    AREAS,
    CARE_LEAVER_TYPES,
    ETHNICITIES,
    FEES,
    HOME_OUTCODES,
    JUDGEMENT_MIX,
    NAME_A,
    NAME_B,
    OTHER_OUTCODES,
    PROVIDER_SUFFIX,
    SETTING_MIX,
    TOWNS,
)

SIZES: dict[str, dict[str, int]] = {
    "small": {"providers": 15, "settings": 35, "children": 150, "episodes": 600},
    "council": {"providers": 150, "settings": 350, "children": 1500, "episodes": 6000},
    "large": {"providers": 1500, "settings": 3500, "children": 15000, "episodes": 60000},
}
CHUNK = 5000
AGES = (*range(1, 25), 15, 16, 16, 17, 17, 18, 19, 20)  # more teenagers, as in care
YEARS = 6


@dataclass(frozen=True)
class DemoSummary:
    counts: dict[str, int]
    seconds: float


class _Gen:
    def __init__(self, seed: int, as_of: dt.date, size: dict[str, int]) -> None:
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.size = size
        self.stamp = dt.datetime(as_of.year, as_of.month, as_of.day, 9, 0)
        self.rows: dict[Table, list[dict[str, Any]]] = {}
        self.postcodes: dict[str, tuple[int, int]] = {}
        self._defaults: dict[Table, dict[str, Any]] = {}
        self._has_id: dict[Table, bool] = {}

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def add(self, model: Any, **values: Any) -> dict[str, Any]:
        table = _table(model)
        defaults = self._defaults.get(table)
        if defaults is None:
            # A nullable column left out is empty, so every row of a table has the same keys.
            defaults = {c.name: None for c in table.c if c.nullable}
            for key, value in (("created_at", self.stamp), ("updated_at", self.stamp),
                               ("version", 1)):
                if key in table.c:
                    defaults[key] = value
            self._defaults[table] = defaults
            self._has_id[table] = "id" in table.c
        row = {**defaults, **values}
        if self._has_id[table] and "id" not in values:
            row["id"] = self.uid()
        self.rows.setdefault(table, []).append(row)
        return row

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        span = max(0, (end - start).days)
        return start + dt.timedelta(days=self.rng.randint(0, span))

    def postcode(self, home: bool) -> str:
        rng = self.rng
        if home:
            out, (e0, n0) = rng.choice(HOME_OUTCODES)
            spread = 3000
        else:
            out, (e0, n0) = rng.choice(OTHER_OUTCODES)
            spread = 6000
        code = f"{out} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}" \
               f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        if code not in self.postcodes:
            self.postcodes[code] = (e0 + rng.randint(-spread, spread),
                                    n0 + rng.randint(-spread, spread))
        return code

    def miles(self, a: str | None, b: str | None) -> float | None:
        if not a or not b or a not in self.postcodes or b not in self.postcodes:
            return None
        (e1, n1), (e2, n2) = self.postcodes[a], self.postcodes[b]
        return round(math.hypot(e1 - e2, n1 - n2) / 1609.344, 1)


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _pick(rng: random.Random, mix: Sequence[tuple[Any, float]]) -> Any:
    values = [v for v, _w in mix]
    weights = [w for _v, w in mix]
    return rng.choices(values, weights)[0]


def generate_demo(engine: Engine, size: str = "council", seed: int = 1,
                  as_of: dt.date | None = None, state: TaskState = NULL_STATE) -> DemoSummary:
    """Fill an empty, migrated database with a demo council's data."""
    started = time.perf_counter()
    as_of = as_of or dt.date.today()
    if size not in SIZES:
        raise ValueError(f"Unknown demo size {size!r}: choose small, council or large.")
    g = _Gen(seed, as_of, SIZES[size])
    state.progress("Making up providers and settings", 0, 4)
    users, settings = _providers_and_settings(g)
    state.check_cancelled()
    state.progress("Making up children and placements", 1, 4)
    in_use = _children_and_placements(g, settings)
    state.check_cancelled()
    state.progress("Making up visits, actions and contracts", 2, 4)
    _quality_and_contracts(g, settings, in_use, users)
    for code, (e, n) in sorted(g.postcodes.items()):
        g.add(PostcodeLookup, postcode=code.replace(" ", ""), easting=e, northing=n,
              latitude=None, longitude=None,
              local_authority_code="E09000029" if code[:2] == "SM" else None)
    g.add(AppSetting, key="council.name", value="Demo Borough Council", updated_at=g.stamp)
    g.add(AppSetting, key="council.local_authority_code", value="E09000029",
          updated_at=g.stamp)  # its home postcodes (SM) carry this code in the lookup
    g.add(AppSetting, key=DEMO.key, value=True, updated_at=g.stamp)  # said on every page
    state.check_cancelled()
    total = sum(len(r) for r in g.rows.values())
    done = 0
    order = [t for t in _ORDER if t in g.rows]
    with engine.begin() as conn:
        for table in order:
            rows = g.rows[table]
            for i in range(0, len(rows), CHUNK):
                state.check_cancelled()
                conn.execute(insert(table), rows[i:i + CHUNK])
                done += len(rows[i:i + CHUNK])
                state.progress("Writing the demo database", done, total)
        state.progress("Working out the agreements' fee ledger", 0, 1)
        fee_ledger.rebuild(conn, g.stamp)  # the bulk insert went round the session hook
    state.progress("Assessing each setting's risk", 0, 1)
    with Session(engine) as session, session.begin():
        refresh_risk_levels(session, as_of)  # a bulk update: no timestamps, deterministic
    counts = {name: len(g.rows.get(_table(model), [])) for name, model in (
        ("providers", Provider), ("settings", Setting), ("inspections", OfstedInspection),
        ("children", Child), ("episodes", PlacementEpisode), ("agreements", Agreement),
        ("QA visits", QaVisit), ("actions", Action), ("contracts", Contract),
        ("reviews", ContractReview))}
    return DemoSummary(counts, time.perf_counter() - started)


_ORDER: list[Table] = [_table(m) for m in (
    User, Provider, Setting, OfstedInspection, RatingAlert, Child, PlacementEpisode,
    Agreement, AgreementVersion, AgreementService, QaVisit, QaVisitArea, Contract, ContractLot,
    ContractProvider, ContractRate, ContractExtension, ContractDocument, ContractReview,
    ContractReviewAddendum, Action, ProviderDocument, Concern, PostcodeLookup, AppSetting)]


def _providers_and_settings(g: _Gen) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = g.rng
    users = [g.add(User, username=u, display_name=d, role=r, email=f"{u}@demo.gov.uk",
                   active=True)
             for u, d, r in (("asha.patel", "Asha Patel", "placement_officer"),
                             ("tom.reid", "Tom Reid", "placement_officer"),
                             ("grace.okafor", "Grace Okafor", "qa_officer"),
                             ("li.wei", "Li Wei", "qa_officer"),
                             ("sam.jones", "Sam Jones", "manager"))]
    council = g.add(Provider, name="Demo Borough Council", legal_name="Demo Borough Council",
                    is_council=True, relationship_tier=None)
    providers = [council]
    names: set[str] = set()
    for n in range(g.size["providers"] - 1):
        name = f"{rng.choice(NAME_A)} {rng.choice(NAME_B)}"
        while name in names:
            name = f"{rng.choice(NAME_A)} {rng.choice(NAME_B)} {rng.randint(2, 99)}"
        names.add(name)
        legal = f"{name} {rng.choice(PROVIDER_SUFFIX)}"
        number = f"{rng.randint(1_000_000, 13_999_999):08d}"
        # Most providers follow the suggested tier; a manager chose one for a few.
        drawn = rng.choice(["transactional", "framework_provider", "key_partner"])
        chosen = drawn if n % 9 == 4 else None
        providers.append(g.add(
            Provider, name=name, legal_name=legal, is_council=False,
            companies_house_number=number, relationship_tier=chosen,
            relationship_tier_reason=TIER_REASONS[drawn] if chosen else None,
            relationship_tier_set_by="sam.jones" if chosen else None,
            relationship_tier_set_on=g.as_of - dt.timedelta(days=40 + n) if chosen else None))
    settings = []
    start = g.as_of - dt.timedelta(days=365 * YEARS)
    for i in range(g.size["settings"]):
        kind = _pick(rng, SETTING_MIX)
        own = kind in ("la_fostering", "staying_put") or (kind == "childrens_home"
                                                          and rng.random() < 0.08)
        provider = council if own else rng.choice(providers[1:])
        regulated = kind not in ("semi_independent", "supported_lodgings", "staying_put")
        local = rng.random() < 0.55
        postcode = g.postcode(local)
        status = "active"
        roll = rng.random()
        if roll < 0.03:
            status = "suspended"
        elif roll < 0.07:
            status = "resigned"
        urn = None
        if regulated:
            urn = (f"SC{100000 + i * 7 + rng.randint(0, 6)}" if kind != "supported_accommodation"
                   else f"{2500000 + i * 7 + rng.randint(0, 6)}")
        town = TOWNS.get(postcode[:3].strip(), rng.choice(list(TOWNS.values())))
        settings.append(g.add(
            Setting, provider_id=provider["id"], urn=urn,
            name=f"{rng.choice(AREAS)} {_kind_word(kind)}", setting_type=kind,
            ofsted_provision_type=None, sector="local_authority" if own else
            rng.choice(["private", "private", "private", "voluntary"]),
            places=rng.randint(2, 6) if kind == "childrens_home" else
            rng.randint(20, 120) if kind in ("ifa", "la_fostering") else rng.randint(2, 12),
            registration_status=status if regulated else "not_registered",
            registration_date=g.day(start - dt.timedelta(days=3000), start),
            closed_date=g.day(start, g.as_of) if status == "resigned" else None,
            address1=f"{rng.randint(1, 220)} {rng.choice(AREAS)} Road", address2=None,
            town=town, county=None, postcode=postcode,
            local_authority="Demo Borough" if local else rng.choice(
                ["Croydon", "Kent", "Surrey", "Essex", "Birmingham", "Medway"]),
            region="London" if local else "South East", owner_name=provider["name"],
            linked_education_urn=None, ofsted_provider_code=None, allowed_placement_codes=None,
            latest_judgement=None, latest_inspection_date=None, risk_level=None,
            enhanced_monitoring=False, enhanced_monitoring_since=None,
            next_qa_due=None, qa_officer_id=rng.choice(users[2:4])["id"], notes=None))
        if regulated:
            _inspections(g, settings[-1], start)
    return users, settings


def _kind_word(kind: str) -> str:
    return {"childrens_home": "House", "secure_childrens_home": "Secure Centre",
            "ifa": "Fostering", "la_fostering": "Fostering Service",
            "supported_accommodation": "Supported Living", "semi_independent": "Lodge",
            "supported_lodgings": "Supported Lodgings", "staying_put": "Staying Put",
            "residential_special_school": "School",
            "residential_family_centre": "Family Centre"}.get(kind, "Service")


def _inspections(g: _Gen, setting: dict[str, Any], start: dt.date) -> None:
    rng = g.rng
    sa = setting["setting_type"] == "supported_accommodation"
    day = g.day(start - dt.timedelta(days=400), start + dt.timedelta(days=300))
    judged = None
    while day < g.as_of - dt.timedelta(days=20):
        if sa:
            new = _pick(rng, [("sa_strong", 6), ("sa_inconsistent", 3), ("sa_serious", 1)])
            if day < dt.date(2024, 4, 1):
                day += dt.timedelta(days=200)
                continue
        else:
            new = _pick(rng, JUDGEMENT_MIX)
        g.add(OfstedInspection, setting_id=setting["id"], event_type="full",
              inspection_date=day, publication_date=day + dt.timedelta(days=rng.randint(20, 40)),
              event_number=f"EV{rng.randint(10**8, 10**9 - 1)}",
              overall_judgement=None if sa else new, sub_judgements={},
              supported_accommodation_outcome=new if sa else None, source="demo")
        judged = new
        setting["latest_judgement"], setting["latest_inspection_date"] = new, day
        day += dt.timedelta(days=rng.randint(300, 620) if new in ("good", "outstanding",
                                                                  "sa_strong")
                            else rng.randint(150, 300))
    if judged is None:
        setting["latest_judgement"] = None


def _children_and_placements(g: _Gen, settings: list[dict[str, Any]]) -> set[uuid.UUID]:
    rng = g.rng
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for s in settings:
        if s["registration_status"] in ("active", "not_registered", "suspended"):
            by_kind.setdefault(s["setting_type"], []).append(s)
    window_start = g.as_of - dt.timedelta(days=365 * YEARS)
    live_settings: set[uuid.UUID] = set()
    episodes_left = g.size["episodes"]
    n_children = g.size["children"]
    for c in range(n_children):
        age_now = rng.choice(AGES)
        dob = g.as_of - dt.timedelta(days=int(age_now * 365.25) + rng.randint(0, 364))
        home = g.postcode(rng.random() < 0.8)
        leaver = age_now >= 18
        child = g.add(
            Child, case_ref=f"DB{seed_ref(c)}", date_of_birth=dob, sex=rng.choice("12"),
            ethnicity=rng.choice(ETHNICITIES), uasc=age_now >= 16 and rng.random() < 0.3,
            disability=rng.random() < 0.1, legal_status=rng.choice(["C2", "C2", "V2", "C1"]),
            home_postcode=home, needs_level=rng.randint(1, 5) if leaver else None,
            personal_adviser=rng.choice(["Jo Bright", "Priya Shah", "Dan Cole"])
            if age_now >= 16 else None, notes=None)
        remaining_children = n_children - c
        count = max(1, min(8, round(episodes_left / remaining_children + rng.uniform(-1.5, 1.5))))
        count = min(count, max(1, episodes_left - (remaining_children - 1)))
        if remaining_children == 1:  # the last child takes what is left: the size is exact
            count = max(1, episodes_left)
        episodes_left -= count
        day = g.day(max(window_start, dob + dt.timedelta(days=30)),
                    g.as_of - dt.timedelta(days=40 * count))
        in_care_now = rng.random() < 0.6
        for k in range(count):
            last = k == count - 1
            average = max(6, (g.as_of - day).days // (count - k))
            length = rng.randint(max(3, average // 2), max(4, average * 3 // 2))
            end: dt.date | None = min(day + dt.timedelta(days=length),
                                      g.as_of - dt.timedelta(days=count - k))
            if last and (in_care_now or end is None or end >= g.as_of):
                end = None
            age = (day - dob).days / 365.25
            place, kind = _placement_type(rng, age, day)
            setting = rng.choice(by_kind[kind]) if kind in by_kind else None
            _episode(g, child, setting, day, end, place, k, last, home)
            if end is None and setting is not None:
                live_settings.add(setting["id"])
            if end is None:
                break
            day = end
    return live_settings


def seed_ref(n: int) -> str:
    return f"{100000 + n * 37 % 900000:06d}"


def _placement_type(rng: random.Random, age: float, day: dt.date) -> tuple[str, str]:
    if age >= 18:
        place, kind = rng.choice(CARE_LEAVER_TYPES)
        return str(place), str(kind)
    new_codes = day >= dt.date(2025, 4, 1)
    if age >= 16 and rng.random() < 0.45:
        return ("K3" if new_codes else "H5"), ("supported_accommodation" if new_codes
                                               else "semi_independent")
    chosen: tuple[str, str] = _pick(rng, [
        (("U4", "ifa"), 14), (("U6", "ifa"), 16), (("U5", "la_fostering"), 4),
        (("U4", "la_fostering"), 12), (("U6", "la_fostering"), 12), (("U3", "la_fostering"), 6),
        (("K2", "childrens_home"), 10 if age >= 10 else 2), (("K1", "secure_childrens_home"), 0.4),
        (("P1", "none"), 6), (("S1", "residential_special_school"), 1),
        (("R3", "residential_family_centre"), 1 if age < 1 else 0.05),
    ])
    return chosen


def _episode(g: _Gen, child: dict[str, Any], setting: dict[str, Any] | None, start: dt.date,
             end: dt.date | None, place: str, k: int, last: bool, home: str) -> None:
    rng = g.rng
    own = setting is not None and setting["sector"] == "local_authority"
    route = "in_house" if own or setting is None else _pick(
        rng, [("block", 2), ("framework", 5), ("regional", 1.5), ("spot", 2.5)])
    pl_post = setting["postcode"] if setting else home
    episode = g.add(
        PlacementEpisode, child_id=child["id"], setting_id=setting["id"] if setting else None,
        start_date=start, end_date=end, reason_new_episode="S" if k == 0 else "P",
        legal_status=child["legal_status"], category_of_need=rng.choice(
            ["N1", "N1", "N1", "N2", "N4", "N5", "N6", "N8"]),
        placement_type=place, place_provider="PR1" if own else "PR0" if setting is None
        else rng.choice(["PR4", "PR4", "PR5"]),
        reason_ceased=None if end is None else ("X1" if not last else rng.choice(
            ["E4A", "E11", "E41", "E45", "E8", "E17"])),
        reason_place_change=None if end is None or last else rng.choice(
            ["CARPL", "CREQB", "CHILD", "LAREQ", "STAND", "OTHER"]),
        home_postcode=home, placement_postcode=pl_post,
        urn=setting["urn"] if setting else None, distance_miles=g.miles(home, pl_post),
        distance_entered=False, commissioning_route=route,
        route_reason="No framework provider could meet the child's needs within 20 miles"
        if route == "spot" else None, notes=None)
    if setting is None or own:
        return
    low, high = FEES.get(setting["setting_type"], (90_000, 150_000))
    fee = rng.randint(low // 500, high // 500) * 500
    ref = f"IPA-{start.year}-{len(g.rows.get(_table(Agreement), [])) + 1:06d}"
    agreement = g.add(Agreement, reference=ref, child_id=child["id"], setting_id=setting["id"],
                      episode_id=episode["id"], council_name="Demo Borough Council",
                      provider_legal_entity=setting["owner_name"])
    version_no, effective = 1, start
    stop = end or g.as_of
    while True:
        next_uplift = dt.date(effective.year + (effective.month >= 4), 4, 1)
        superseded = next_uplift < stop
        signed = dt.datetime.combine(effective, dt.time(11, 0))
        version = g.add(
            AgreementVersion, agreement_id=agreement["id"], version_no=version_no,
            status="superseded" if superseded else ("ended" if end else "active"),
            effective_date=effective, variation_reason=None if version_no == 1
            else "Annual uplift", start_date=start, end_date=end, placement_type=place,
            weekly_fee_pence=fee, funding_social_care_bp=10000, funding_health_bp=0,
            funding_education_bp=0, outcomes="Stable home; attend school every day; "
            "keep in touch with family as the care plan says.", invoicing_reference=ref,
            notice_terms="28 days' notice by either party", special_conditions=None,
            issued_at=signed, issued_by="asha.patel", provider_signed_at=signed,
            provider_signed_by="Registered manager", council_signed_at=signed,
            council_signed_by="sam.jones", activated_at=signed, ended_at=None)
        if version_no == 1 and rng.random() < 0.15:
            g.add(AgreementService, version_id=version["id"],
                  description="Additional 1:1 staffing", charge="hourly",
                  hours_per_week=rng.choice([10.0, 20.0, 40.0]), rate_pence=2800,
                  amount_pence=None, start_date=start, end_date=None)
        if not superseded:
            break
        version_no += 1
        effective = next_uplift
        fee = int(round(fee * (1 + rng.choice([0.03, 0.04, 0.05, 0.07])), -2))


def _quality_and_contracts(g: _Gen, settings: list[dict[str, Any]], in_use: set[uuid.UUID],
                           users: list[dict[str, Any]]) -> None:
    rng = g.rng
    qa_officers = users[2:4]
    for s in settings:
        used = s["id"] in in_use
        # Most settings were visited within their cycle; about one in seven has lapsed.
        visit_day = g.as_of - dt.timedelta(days=rng.randint(20, 170) if rng.random() < 0.85
                                           else rng.randint(200, 500))
        for n in range(rng.randint(1, 3) if used else rng.randint(0, 1)):
            judged = _pick(rng, [("good", 6), ("outstanding", 1), ("requires_improvement", 2.5),
                                 ("inadequate", 0.5)])
            visit = g.add(QaVisit, setting_id=s["id"], template_version_id=None,
                          status="completed", visit_type=rng.choice(
                              ["announced", "unannounced", "desktop", "virtual"]),
                          planned_date=visit_day, visit_date=visit_day,
                          lead_officer_id=rng.choice(qa_officers)["id"],
                          officers=rng.choice(qa_officers)["display_name"],
                          spoke_children=rng.randint(0, 4), spoke_staff=rng.randint(1, 5),
                          spoke_managers=1, overall_judgement=judged,
                          summary="Children spoke warmly of staff; records were up to date.",
                          draft_saved_at=None, completed_at=g.stamp)
            for pos, area in enumerate(("Safeguarding", "Leadership and management",
                                        "Care planning", "The child's voice")):
                g.add(QaVisitArea, visit_id=visit["id"], position=pos, area=area,
                      judgement=judged if rng.random() < 0.6 else "good",
                      evidence="Checked files and spoke with the manager.")
            if judged in ("requires_improvement", "inadequate"):
                due = visit_day + dt.timedelta(days=rng.randint(14, 90))
                # Most actions past their date were done by then; a few are still open.
                done_on = (min(due - dt.timedelta(days=rng.randint(0, 10)), g.as_of)
                           if due < g.as_of and rng.random() < 0.9 else None)
                g.add(Action, source="qa_visit", qa_visit_id=visit["id"],
                      contract_review_id=None, rating_alert_id=None, setting_id=s["id"],
                      provider_id=s["provider_id"], description="Update the missing-from-care "
                      "protocol and share it with the QA team.", owner="Registered manager",
                      owner_user_id=None, due_date=due, priority="high" if judged ==
                      "inadequate" else "medium", status="open" if done_on is None else "done",
                      completed_date=done_on)
            visit_day -= dt.timedelta(days=rng.randint(150, 400))
            if n == 0:
                s["next_qa_due"] = visit["visit_date"] + dt.timedelta(days=180)
        if used and s["latest_judgement"] in ("inadequate", "requires_improvement",
                                              "sa_serious"):
            alert = g.add(RatingAlert, setting_id=s["id"], inspection_id=None,
                          kind="downgrade", previous_judgement="good",
                          new_judgement=s["latest_judgement"],
                          raised_on=s["latest_inspection_date"] or g.as_of,
                          children_placed=None, acknowledged_at=None, acknowledged_by=None)
            s["enhanced_monitoring"] = True
            due = alert["raised_on"] + dt.timedelta(days=10)
            # The visit after an older alert has happened; recent ones are still to do.
            done_on = (alert["raised_on"] + dt.timedelta(days=rng.randint(2, 10))
                       if due < g.as_of - dt.timedelta(days=14) else None)
            g.add(Action, source="rating_alert", qa_visit_id=None, contract_review_id=None,
                  rating_alert_id=alert["id"], setting_id=s["id"], provider_id=s["provider_id"],
                  description=f"QA visit to {s['name']} after an Ofsted downgrade.",
                  owner="Grace Okafor", owner_user_id=qa_officers[0]["id"],
                  due_date=due, priority="high",
                  status="open" if done_on is None else "done", completed_date=done_on)
        for kind in ("insurance", "registration_certificate", "statement_of_purpose"):
            g.add(ProviderDocument, provider_id=None, setting_id=s["id"], kind=kind,
                  title=None, reference=None, received_date=None,
                  expiry_date=g.as_of + dt.timedelta(days=rng.randint(-60, 400)), notes=None)
        if used and rng.random() < 0.1:
            g.add(Concern, setting_id=s["id"], kind=rng.choice(["safeguarding", "complaint",
                                                                "missing"]),
                  raised_on=g.as_of - dt.timedelta(days=rng.randint(1, 60)), closed_on=None,
                  summary="Reported by the child's social worker.")
    make_contracts(g, settings, users)
