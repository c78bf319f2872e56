"""A small world for the provider review pack, with every figure worked out by hand.

Printed on 31 March 2026, for the year 1 April 2025 to 31 March 2026 (365 days).

Acorn Care (legal name Acorn Care Ltd) runs Oak House (SC100001, a children's
home) and Elm Flats (semi-independent, unregulated). Birch Ltd runs Birch House.

* C-1 at Oak House (K2) from 1 January 2025, still there: an agreement at £4,000 a
  week, varied to £4,200 from 1 October 2025 ("Annual uplift"). In the year: 183
  days at £4,000 and 182 at £4,200: (400,000 × 183 + 420,000 × 182) ÷ 7 =
  149,640,000 ÷ 7 = 21,377,142.86 → 21,377,143 pence.
* C-2 at Oak House (K2) from 1 October 2025 to 1 January 2026 (92 days): £3,500 a
  week: 350,000 × 92 ÷ 7 = 4,600,000 pence.
* C-3 at Elm Flats (H5) from 1 March 2026, still there, with no agreement: 31 days.
* C-4 at Birch House (K2) from 1 April 2025, still there: £5,000 a week for 365
  days: 182,500,000 ÷ 7 = 26,071,428.57 → 26,071,429 pence.

So Acorn: weeks of placement (365 + 92 + 31) ÷ 7 = 488 ÷ 7 = 69.7; weeks paid for
457 ÷ 7 = 65.3; spend 25,977,143 pence (£259,771.43); its average weekly cost for K2
25,977,143 × 7 ÷ 457 = 397,899.35 → £3,978.99 against the council's (25,977,143 +
26,071,429) × 7 ÷ (457 + 365) = 443,236.01 → £4,432.36. Children placed today: C-1
and C-3 (2); in the year: C-1, C-2, C-3 (3).

Oak House: full inspections Good (10 May 2023) then Requires improvement to be
good (1 June 2025), a downgrade alert raised 20 June 2025 not yet acknowledged, and
enhanced monitoring since then. A QA visit on 10 November 2025 (completed, Good
overall) raised two actions: one due 1 February 2026 (overdue on the day printed)
and one due 1 May 2026. Its insurance expired on 31 January 2026.

Acorn holds framework FW-01; its review on 15 September 2025 was signed off with
the next one set for 15 March 2026 (overdue), raised an action due 31 October 2025
(still open, so overdue too), and was later given an addendum.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from placement_desk.db import Database
from placement_desk.models import (
    Agreement,
    AgreementVersion,
    Child,
    OfstedInspection,
    PlacementEpisode,
    Provider,
    ProviderDocument,
    RatingAlert,
    Setting,
)
from placement_desk.models.enums import (
    AgreementStatus,
    AlertKind,
    CommissioningRoute,
    ContractType,
    DocumentKind,
    InspectionEventType,
    Judgement,
    QaJudgement,
    QaVisitType,
    Rag,
    SettingType,
)
from placement_desk.services.common.settings_store import COUNCIL_NAME, set_setting
from placement_desk.services.contracts.register import ContractForm, save_contract
from placement_desk.services.contracts.reviews import (
    add_addendum,
    load_review,
    raise_review_action,
    sign_off_review,
    start_review,
)
from placement_desk.services.qa.visits import (
    complete_visit,
    load_visit,
    raise_action,
    save_draft,
    start_visit,
)

D = dt.date
TODAY = D(2026, 3, 31)
ACORN_SPEND = 21_377_143 + 4_600_000
BIRCH_SPEND = 26_071_429


@dataclass(frozen=True)
class World:
    acorn: uuid.UUID
    birch: uuid.UUID
    oak: uuid.UUID
    elm: uuid.UUID


def _agreement(s: object, child: Child, setting: Setting, episode: PlacementEpisode,
               versions: list[tuple[D, int, str | None, D | None]]) -> None:
    """Versions as (effective, weekly pence, reason, end); all but the last superseded."""
    agreement = Agreement(id=uuid.uuid4(), reference=f"IPA-{child.case_ref}",
                          child_id=child.id, setting_id=setting.id, episode_id=episode.id)
    s.add(agreement)  # type: ignore[attr-defined]
    s.flush()  # type: ignore[attr-defined]
    for n, (effective, pence, reason, end) in enumerate(versions, start=1):
        last = n == len(versions)
        s.add(AgreementVersion(  # type: ignore[attr-defined]
            agreement_id=agreement.id, version_no=n,
            status=AgreementStatus.ACTIVE if last else AgreementStatus.SUPERSEDED,
            effective_date=effective, start_date=episode.start_date, end_date=end,
            placement_type=episode.placement_type, weekly_fee_pence=pence,
            variation_reason=reason,
            activated_at=dt.datetime.combine(effective, dt.time(9))))


def build(db: Database) -> World:
    with db.write() as s:
        set_setting(s, COUNCIL_NAME, "Sutton Council")
        acorn = Provider(id=uuid.uuid4(), name="Acorn Care", legal_name="Acorn Care Ltd",
                         address="Unit 4, Mill Lane, Croydon", postcode="CR0 2AB")
        birch = Provider(id=uuid.uuid4(), name="Birch Ltd")
        s.add_all([acorn, birch])
        s.flush()
        oak = Setting(id=uuid.uuid4(), name="Oak House", urn="SC100001", provider_id=acorn.id,
                      setting_type=SettingType.CHILDRENS_HOME, places=4,
                      latest_judgement=Judgement.REQUIRES_IMPROVEMENT,
                      latest_inspection_date=D(2025, 6, 1), enhanced_monitoring=True,
                      enhanced_monitoring_since=dt.datetime(2025, 6, 20, 9))
        elm = Setting(id=uuid.uuid4(), name="Elm Flats", provider_id=acorn.id,
                      setting_type=SettingType.SEMI_INDEPENDENT)
        birch_house = Setting(id=uuid.uuid4(), name="Birch House", urn="SC200002",
                              provider_id=birch.id, setting_type=SettingType.CHILDRENS_HOME)
        s.add_all([oak, elm, birch_house])
        s.flush()
        good = OfstedInspection(setting_id=oak.id, event_type=InspectionEventType.FULL,
                                inspection_date=D(2023, 5, 10),
                                publication_date=D(2023, 6, 2),
                                overall_judgement=Judgement.GOOD)
        worse = OfstedInspection(setting_id=oak.id, event_type=InspectionEventType.FULL,
                                 inspection_date=D(2025, 6, 1),
                                 publication_date=D(2025, 6, 18),
                                 overall_judgement=Judgement.REQUIRES_IMPROVEMENT)
        s.add_all([good, worse])
        s.flush()
        s.add(RatingAlert(setting_id=oak.id, inspection_id=worse.id, kind=AlertKind.DOWNGRADE,
                          previous_judgement=Judgement.GOOD,
                          new_judgement=Judgement.REQUIRES_IMPROVEMENT,
                          raised_on=D(2025, 6, 20)))
        s.add_all([
            ProviderDocument(setting_id=oak.id, kind=DocumentKind.INSURANCE,
                             title="Public liability insurance", expiry_date=D(2026, 1, 31)),
            ProviderDocument(setting_id=oak.id, kind=DocumentKind.REGISTRATION_CERTIFICATE,
                             expiry_date=D(2027, 6, 30)),
        ])
        children = {ref: Child(id=uuid.uuid4(), case_ref=ref)
                    for ref in ("C-1", "C-2", "C-3", "C-4")}
        s.add_all(children.values())
        s.flush()

        def episode(ref: str, setting: Setting, kind: str, start: D, end: D | None,
                    miles: float | None, route: CommissioningRoute) -> PlacementEpisode:
            found = PlacementEpisode(id=uuid.uuid4(), child_id=children[ref].id,
                                     setting_id=setting.id, placement_type=kind,
                                     start_date=start, end_date=end, distance_miles=miles,
                                     commissioning_route=route)
            s.add(found)
            s.flush()
            return found

        one = episode("C-1", oak, "K2", D(2025, 1, 1), None, 12.5,
                      CommissioningRoute.FRAMEWORK)
        _agreement(s, children["C-1"], oak, one,
                   [(D(2025, 1, 1), 400_000, None, None),
                    (D(2025, 10, 1), 420_000, "Annual uplift", None)])
        two = episode("C-2", oak, "K2", D(2025, 10, 1), D(2026, 1, 1), 48.0,
                      CommissioningRoute.SPOT)
        _agreement(s, children["C-2"], oak, two, [(D(2025, 10, 1), 350_000, None,
                                                   D(2026, 1, 1))])
        episode("C-3", elm, "H5", D(2026, 3, 1), None, None, CommissioningRoute.SPOT)
        four = episode("C-4", birch_house, "K2", D(2025, 4, 1), None, 5.0,
                       CommissioningRoute.FRAMEWORK)
        _agreement(s, children["C-4"], birch_house, four, [(D(2025, 4, 1), 500_000, None,
                                                            None)])
        world = World(acorn.id, birch.id, oak.id, elm.id)

    visit = start_visit(db, world.oak, D(2025, 11, 10), visit_type=QaVisitType.UNANNOUNCED)
    form = load_visit(db, visit).form
    form.overall_judgement = QaJudgement.GOOD
    for n, area in enumerate(form.areas):
        area.judgement = QaJudgement.REQUIRES_IMPROVEMENT if n == 1 else QaJudgement.GOOD
    save_draft(db, visit, form)
    raise_action(db, visit, "Audit the missing-episode records", "Registered manager",
                 D(2026, 2, 1))
    raise_action(db, visit, "Send the new staffing rota", "Deputy manager", D(2026, 5, 1))
    complete_visit(db, visit, D(2025, 11, 10))

    save_contract(db, ContractForm(reference="FW-01", title="Children's homes framework",
                                   contract_type=ContractType.FRAMEWORK,
                                   provider_ids=[world.acorn], start_date=D(2024, 4, 1),
                                   end_date=D(2028, 3, 31)))
    review = start_review(db, world.acorn, D(2025, 9, 15))
    draft = load_review(db, review).form
    draft.attendees = "Sam Jones"
    draft.provider_attendees = "Registered manager"
    for n, item in enumerate(draft.agenda):
        item.rag = Rag.AMBER if n == 0 else Rag.GREEN
        item.notes = "Policies out of date." if n == 0 else None
    draft.outcome = "Improvement plan agreed for the staffing rota."
    draft.next_due = D(2026, 3, 15)
    raise_review_action(db, review, "Update the policies", "Registered manager",
                        D(2025, 10, 31))
    sign_off_review(db, review, D(2025, 9, 15), draft)
    add_addendum(db, review, "The provider sent the updated policies late.", D(2025, 11, 3),
                 D(2025, 11, 3))
    return world
