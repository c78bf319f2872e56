"""A small council for the sufficiency appendix, every figure worked out by hand.

As on 31 March 2026; the period is 1 April 2025 to 31 March 2026 (365 days).

Children (born; sex; ethnicity) and their episodes (start–end, reason new episode,
type, legal status, category of need, setting, route):

* A (01/06/2015; male; WBRI): 10/01/2022–01/06/2025 S U4 C2 N1 in-house;
  01/06/2025–01/12/2025 P U6 C2 N1 in-house; 01/12/2025– P K2 C2 N1 at Oak House,
  spot purchase, £4,000 a week.
* B (01/02/2012; female; BAFR): 01/01/2020–01/01/2023 S U4 C1 N2 at IFA One;
  01/01/2023– L U4 C2 N2 at IFA One, framework, £900 a week.
* C (01/05/2008; sex U; no ethnicity): 01/09/2025– S H5 V2 N4 at Elm Flats, in-house,
  distance unknown.
* D (no date of birth; male; XXXX, not a code): 01/04/2024– S U6, with no legal status,
  category of need, setting or route.
* E (01/01/2004; female; WBRI; needs level 2): 01/01/2024– CL_SP, in-house, 3 miles.
* F (01/01/2016; male; WBRI): 01/01/2021–01/06/2024 S U4 C2 N1 in-house.
* G (no date of birth; female): 01/10/2025– CL_SL, in-house.

Looked after on 31 March of 2022…2026: {A, B, F}, {A, B, F}, {A, B, F}, {A, B, D},
{A, B, C, D}: 3, 3, 3, 3, 4.

Register: Oak House (SC100001, children's home, Good, Sutton, London), IFA One
(SC100002, IFA, Outstanding, Sutton, London), Other Home (SC100003, children's
home, Inadequate, Sutton, London, not used), Far Home (SC100004, children's home,
Good, Bolton, North West, not used), Elm Flats (semi-independent, unregulated). A
completed QA visit to Oak House on 1 October 2025.
"""

from __future__ import annotations

import datetime as dt
import uuid

from placement_desk.db import Database
from placement_desk.models import (
    Agreement,
    AgreementVersion,
    Child,
    PlacementEpisode,
    Provider,
    QaVisit,
    Setting,
)
from placement_desk.models.enums import (
    AgreementStatus,
    CommissioningRoute,
    Judgement,
    QaJudgement,
    QaVisitStatus,
    RegistrationStatus,
    SettingType,
)
from placement_desk.services.common.settings_store import COUNCIL_NAME, set_setting

D = dt.date
AT = D(2026, 3, 31)
R = CommissioningRoute


def build(db: Database) -> None:
    with db.write() as s:
        set_setting(s, COUNCIL_NAME, "Sutton Council")
        provider = Provider(id=uuid.uuid4(), name="Acorn Care")
        s.add(provider)
        s.flush()

        def setting(name: str, urn: str | None, kind: SettingType, judged: Judgement | None,
                    authority: str | None, region: str | None) -> Setting:
            found = Setting(id=uuid.uuid4(), name=name, urn=urn, setting_type=kind,
                            provider_id=provider.id, latest_judgement=judged,
                            local_authority=authority, region=region,
                            registration_status=RegistrationStatus.ACTIVE)
            s.add(found)
            return found

        oak = setting("Oak House", "SC100001", SettingType.CHILDRENS_HOME, Judgement.GOOD,
                      "Sutton", "London")
        ifa = setting("IFA One", "SC100002", SettingType.IFA, Judgement.OUTSTANDING, "Sutton",
                      "London")
        setting("Other Home", "SC100003", SettingType.CHILDRENS_HOME, Judgement.INADEQUATE,
                "Sutton", "London")
        setting("Far Home", "SC100004", SettingType.CHILDRENS_HOME, Judgement.GOOD, "Bolton",
                "North West")
        elm = setting("Elm Flats", None, SettingType.SEMI_INDEPENDENT, None, None, None)
        s.flush()
        s.add(QaVisit(setting_id=oak.id, status=QaVisitStatus.COMPLETED,
                      visit_date=D(2025, 10, 1), overall_judgement=QaJudgement.GOOD))

        def child(ref: str, born: D | None, sex: str | None, ethnic: str | None,
                  needs: int | None = None) -> Child:
            found = Child(id=uuid.uuid4(), case_ref=ref, date_of_birth=born, sex=sex,
                          ethnicity=ethnic, needs_level=needs)
            s.add(found)
            s.flush()
            return found

        def episode(who: Child, start: D, end: D | None, rne: str | None, place: str,
                    legal: str | None, need: str | None, where: Setting | None,
                    route: CommissioningRoute | None, miles: float | None = None
                    ) -> PlacementEpisode:
            found = PlacementEpisode(id=uuid.uuid4(), child_id=who.id, start_date=start,
                                     end_date=end, reason_new_episode=rne,
                                     placement_type=place, legal_status=legal,
                                     category_of_need=need,
                                     setting_id=where.id if where else None,
                                     commissioning_route=route, distance_miles=miles)
            s.add(found)
            s.flush()
            return found

        def agreement(who: Child, ep: PlacementEpisode, where: Setting, pence: int) -> None:
            found = Agreement(id=uuid.uuid4(), reference=f"IPA-{who.case_ref}",
                              child_id=who.id, setting_id=where.id, episode_id=ep.id)
            s.add(found)
            s.flush()
            s.add(AgreementVersion(agreement_id=found.id, version_no=1,
                                   status=AgreementStatus.ACTIVE, effective_date=ep.start_date,
                                   start_date=ep.start_date, end_date=None,
                                   placement_type=ep.placement_type, weekly_fee_pence=pence,
                                   activated_at=dt.datetime.combine(ep.start_date,
                                                                    dt.time(9))))

        a = child("A", D(2015, 6, 1), "1", "WBRI")
        episode(a, D(2022, 1, 10), D(2025, 6, 1), "S", "U4", "C2", "N1", None, R.IN_HOUSE)
        episode(a, D(2025, 6, 1), D(2025, 12, 1), "P", "U6", "C2", "N1", None, R.IN_HOUSE)
        a3 = episode(a, D(2025, 12, 1), None, "P", "K2", "C2", "N1", oak, R.SPOT)
        agreement(a, a3, oak, 400_000)
        b = child("B", D(2012, 2, 1), "2", "BAFR")
        episode(b, D(2020, 1, 1), D(2023, 1, 1), "S", "U4", "C1", "N2", ifa, R.FRAMEWORK)
        b2 = episode(b, D(2023, 1, 1), None, "L", "U4", "C2", "N2", ifa, R.FRAMEWORK)
        agreement(b, b2, ifa, 90_000)
        c = child("C", D(2008, 5, 1), "U", None)
        episode(c, D(2025, 9, 1), None, "S", "H5", "V2", "N4", elm, R.IN_HOUSE)
        d = child("D", None, "1", "XXXX")
        episode(d, D(2024, 4, 1), None, "S", "U6", None, None, None, None)
        e = child("E", D(2004, 1, 1), "2", "WBRI", needs=2)
        episode(e, D(2024, 1, 1), None, None, "CL_SP", None, None, None, R.IN_HOUSE, 3.0)
        f = child("F", D(2016, 1, 1), "1", "WBRI")
        episode(f, D(2021, 1, 1), D(2024, 6, 1), "S", "U4", "C2", "N1", None, R.IN_HOUSE)
        g = child("G", None, "2", None)
        episode(g, D(2025, 10, 1), None, None, "CL_SL", None, None, None, R.IN_HOUSE)
