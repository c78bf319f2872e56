"""The demo council's contracts and contract reviews, made up to fit its placements.

A framework (children's homes, fostering, schools) and a dynamic purchasing system
(supported accommodation) take the providers whose placements were bought that
way; a regional arrangement about to end; block contracts with the providers
holding most block-bought placements (beds a little above those in use, so some
lie void); spot terms; and the council's own in-house service level agreement.
Each has its rates (uplifted every April), extension options, documents, and
reviews every six months or so: most up to date, a few overdue, one in progress,
some planned, one with an addendum.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from ...models import (
    Action,
    Contract,
    ContractDocument,
    ContractExtension,
    ContractLot,
    ContractProvider,
    ContractRate,
    ContractReview,
    ContractReviewAddendum,
    PlacementEpisode,
    Provider,
)
from ..contracts.review_forms import AGENDA
from ..qa.schedule import add_months
from .word_lists import FEES

if TYPE_CHECKING:
    from .generator import _Gen

Row = dict[str, Any]
DAY = dt.timedelta(days=1)

TIER_REASONS = {
    "transactional": "Used only for spot placements while its quality improves.",
    "framework_provider": "Framework provider; we are not looking to buy more here yet.",
    "key_partner": "Key to the sufficiency strategy for older children close to home.",
}
"""Why a manager chose a provider's tier, by tier (for the few the demo sets)."""

LOTS = (("1", "Children's homes", ("childrens_home", "secure_childrens_home"), 450_000),
        ("2", "Independent fostering", ("ifa",), 95_000),
        ("3", "Residential schools and family centres",
         ("residential_special_school", "residential_family_centre"), 520_000))
SUPPORTED = ("supported_accommodation", "semi_independent", "supported_lodgings")
NOTES = {
    "green": ("On track; nothing to raise.", "Good evidence seen; records up to date.",
              "Meeting the contract's standards."),
    "amber": ("Some delays; agreed a plan to catch up.", "Mostly met; two gaps to close.",
              "Improving but not yet consistent."),
    "red": ("Not met: escalated to the provider's director.",
            "Serious concern; an improvement plan is required."),
}


def _month_start(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, 1)


def _table(model: Any) -> Any:
    return model.__table__


def make_contracts(g: _Gen, settings: list[Row], users: list[Row]) -> None:
    """Add the demo's contracts, their parts and reviews to ``g``."""
    rng = g.rng
    providers = {p["id"]: p for p in g.rows.get(_table(Provider), [])}
    council = next(p for p in providers.values() if p["is_council"])
    provider_of = {s["id"]: s["provider_id"] for s in settings}
    kinds: dict[uuid.UUID, Counter[str]] = defaultdict(Counter)
    homes: dict[uuid.UUID, list[Row]] = defaultdict(list)
    for s in settings:
        kinds[s["provider_id"]][s["setting_type"]] += 1
        homes[s["provider_id"]].append(s)
    routes: dict[str, dict[uuid.UUID, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for ep in g.rows.get(_table(PlacementEpisode), []):
        pid = provider_of.get(ep["setting_id"])
        if pid is not None and pid != council["id"] and ep["commissioning_route"]:
            routes[ep["commissioning_route"]][pid].append(ep)

    def main_kind(pid: uuid.UUID) -> str:
        return kinds[pid].most_common(1)[0][0] if kinds[pid] else "childrens_home"

    def live(eps: list[Row]) -> int:
        return sum(1 for ep in eps if ep["end_date"] is None or ep["end_date"] >= g.as_of)

    made: list[tuple[Row, list[uuid.UUID]]] = []

    # A framework for homes, fostering and schools, in three lots.
    start = _month_start(g.as_of - dt.timedelta(days=900))
    members = sorted((pid for pid in routes["framework"] if main_kind(pid) not in SUPPORTED),
                     key=lambda pid: providers[pid]["name"])
    framework = _contract(g, "FW-CH-01", "Children's homes, fostering and schools framework",
                          "framework", start, 48, 72, None, 400,
                          "Ceiling rates rise by CPI (September) each April, capped at 4%.")
    lot_ids = {}
    for number, text, lot_kinds, rate in LOTS:
        lot = g.add(ContractLot, contract_id=framework["id"], number=number, description=text)
        lot_ids.update(dict.fromkeys(lot_kinds, lot["id"]))
        _rates(g, framework, f"Lot {number} ceiling rate", rate, lot["id"])
    for pid in members:
        g.add(ContractProvider, contract_id=framework["id"], provider_id=pid,
              lot_id=lot_ids.get(main_kind(pid)))
    _options(g, framework, 12, 2, taken=0)
    made.append((framework, members))

    # A dynamic purchasing system for 16 and 17 year olds' supported accommodation.
    start = _month_start(g.as_of - dt.timedelta(days=520))
    members = sorted((pid for pid in set(routes["framework"]) | set(routes["regional"])
                      if main_kind(pid) in SUPPORTED), key=lambda pid: providers[pid]["name"])
    dps = _contract(g, "DPS-SA-01", "Supported accommodation for 16 and 17 year olds (DPS)",
                    "dps", start, 36, 60, None, 300,
                    "Rates reviewed each April in line with the National Living Wage.")
    _rates(g, dps, "Standard support package", 125_000, None, placement_type="K3")
    _rates(g, dps, "Enhanced support package", 185_000, None, placement_type="K3")
    for pid in members:
        g.add(ContractProvider, contract_id=dps["id"], provider_id=pid, lot_id=None)
    made.append((dps, members))

    # A regional arrangement about to end.
    start = _month_start(g.as_of - dt.timedelta(days=1500))
    end_month = add_months(_month_start(g.as_of), 5)
    regional = _contract(g, "REG-SL-01", "South London commissioning partnership",
                         "regional", start, 0, 0, None, None,
                         "Prices agreed each year by the partnership's board.",
                         end=add_months(end_month, 1) - DAY)
    members = sorted((pid for pid in routes["regional"] if main_kind(pid) not in SUPPORTED),
                     key=lambda pid: providers[pid]["name"])
    for pid in members:
        g.add(ContractProvider, contract_id=regional["id"], provider_id=pid, lot_id=None)
    _rates(g, regional, "Partnership children's home rate", 430_000, None, placement_type="K2")
    made.append((regional, members))

    # Block contracts with the providers holding most block-bought placements.
    wanted = max(3, len(providers) // 15)
    block_holders = sorted(routes["block"], key=lambda pid: (
        -live(routes["block"][pid]), -len(routes["block"][pid]), providers[pid]["name"]))
    for n, pid in enumerate(block_holders[:wanted]):
        kind = main_kind(pid)
        low, high = FEES.get(kind, (90_000, 150_000))
        rate = (low + high) // 2 // 5000 * 5000
        beds = max(1, live(routes["block"][pid]) + rng.randint(0, 2))
        term = rng.choice([24, 36, 36, 48])
        start = _month_start(g.as_of - dt.timedelta(days=rng.randint(300, 900)))
        home = sorted((s for s in homes[pid] if s["setting_type"] == kind),
                      key=lambda s: s["name"])[0]
        title = (f"{beds} fostering placements with {providers[pid]['name']}"
                 if kind in ("ifa", "la_fostering") else f"{beds} beds at {home['name']}")
        contract = _contract(
            g, f"BLK-{n + 1:03d}", title, "block", start, term,
            term + 24, beds * rate * 52 * term // 12 // 100_000 * 100_000,
            rng.choice([300, 400, 500]), "Bed rate rises by the uplift each April.",
            beds=beds)
        g.add(ContractProvider, contract_id=contract["id"], provider_id=pid, lot_id=None)
        _rates(g, contract, "Weekly rate per bed", rate, None)
        _options(g, contract, 12, 2, taken=1 if contract["end_date"] < g.as_of else 0)
        made.append((contract, [pid]))

    # Spot terms with some of the providers most used that way.
    spotted = [pid for pid in sorted(routes["spot"], key=lambda pid: (
        -len(routes["spot"][pid]), providers[pid]["name"])) if pid not in block_holders[:wanted]]
    for n, pid in enumerate(spotted[:max(2, len(providers) // 30)]):
        start = _month_start(g.as_of - dt.timedelta(days=rng.randint(200, 700)))
        contract = _contract(g, f"SPT-{n + 1:03d}", "Spot purchase terms", "spot", start,
                             rng.choice([12, 24, 24]), 0, None, None,
                             "Fees agreed placement by placement; uplift by negotiation.")
        if contract["end_date"] < g.as_of:  # renewed for another year
            contract["end_date"] = add_months(contract["end_date"] + DAY, 12) - DAY
            contract["final_end_date"] = contract["end_date"]
        g.add(ContractProvider, contract_id=contract["id"], provider_id=pid, lot_id=None)
        made.append((contract, [pid]))

    # The council's own services.
    sla = _contract(g, "SLA-IH-01", "In-house fostering and children's homes",
                    "in_house_sla", dt.date(g.as_of.year - 4, 4, 1), 0, 0, 650_000_000, None,
                    "Budget set each year by the council.", open_ended=True)
    g.add(ContractProvider, contract_id=sla["id"], provider_id=council["id"], lot_id=None)
    _rates(g, sla, "In-house foster placement", 45_000, None, placement_type="U4")
    made.append((sla, [council["id"]]))

    for contract, _members in made:
        _documents(g, contract)
    _reviews(g, made, routes, council["id"], users)


def _contract(g: _Gen, reference: str, title: str, kind: str, start: dt.date, months: int,
              final_months: int, value: int | None, uplift: int | None, terms: str, *,
              end: dt.date | None = None, beds: int | None = None,
              open_ended: bool = False) -> Row:
    if end is None and not open_ended:
        end = add_months(start, months) - DAY
    final = add_months(start, final_months) - DAY if final_months else end
    return g.add(Contract, reference=reference, title=title, contract_type=kind,
                 start_date=start, end_date=end, final_end_date=final, value_pence=value,
                 annual_uplift_bp=uplift, uplift_terms=terms, block_beds=beds,
                 end_reason=None, notes=None)


def _rates(g: _Gen, contract: Row, text: str, pence: int, lot_id: uuid.UUID | None,
           placement_type: str | None = None) -> None:
    """The rate from the start, and again each April by the uplift, up to today."""
    day, rate = contract["start_date"], pence
    uplift = contract["annual_uplift_bp"] or 0
    while True:
        g.add(ContractRate, contract_id=contract["id"], lot_id=lot_id, provider_id=None,
              placement_type=placement_type, description=text, weekly_rate_pence=rate,
              effective_from=day)
        day = dt.date(day.year + (day.month >= 4), 4, 1)
        if not uplift or day > g.as_of or (contract["end_date"] and day > contract["end_date"]):
            break
        rate = (rate * (10_000 + uplift) + 5_000) // 10_000


def _options(g: _Gen, contract: Row, months: int, count: int, taken: int) -> None:
    """``count`` options of ``months`` each; the first ``taken`` were taken (the contract
    now runs to the last taken option's end)."""
    end = contract["end_date"]
    for n in range(count):
        extends_to = add_months(end + DAY, months) - DAY
        if contract["final_end_date"] and extends_to > contract["final_end_date"]:
            break
        decide_by = end - dt.timedelta(days=90 + g.rng.randint(0, 60))
        was_taken = n < taken
        g.add(ContractExtension, contract_id=contract["id"], extends_to=extends_to,
              decide_by=decide_by, status="taken" if was_taken else "open",
              decided_on=decide_by - dt.timedelta(days=7) if was_taken else None,
              decided_by="sam.jones" if was_taken else None, notes=None)
        end = extends_to
        if was_taken:
            contract["end_date"] = extends_to


def _documents(g: _Gen, contract: Row) -> None:
    folder = f"Commissioning/Contracts/{contract['reference']}"
    signed = contract["start_date"] - dt.timedelta(days=21)
    docs = [("contract", "Signed contract", signed)]
    if contract["contract_type"] != "spot":
        docs.append(("specification", "Service specification", signed))
    if contract["contract_type"] in ("block", "framework", "dps"):
        docs.append(("pricing", "Pricing schedule", signed))
    for kind, title, day in docs:
        g.add(ContractDocument, contract_id=contract["id"], kind=kind, title=title,
              document_date=min(day, g.as_of), location=f"{folder}/{title}.pdf", notes=None)


def _reviews(g: _Gen, made: list[tuple[Row, list[uuid.UUID]]],
             routes: dict[str, dict[uuid.UUID, list[Row]]], council: uuid.UUID,
             users: list[Row]) -> None:
    """Reviews about every six months with each provider of a child placed today."""
    rng = g.rng
    manager = next(u for u in users if u["role"] == "manager")
    first_live: dict[uuid.UUID, dt.date] = {}
    for by_provider in routes.values():
        for pid, eps in by_provider.items():
            for ep in eps:
                if ep["end_date"] is None or ep["end_date"] >= g.as_of:
                    first_live[pid] = min(first_live.get(pid, ep["start_date"]),
                                          ep["start_date"])
    contract_of: dict[uuid.UUID, Row] = {}
    for held, members in sorted(made, key=lambda m: len(m[1]) > 1):  # one provider first
        for pid in members:
            contract_of.setdefault(pid, held)
    drafted = amended = False
    for pid in sorted(first_live, key=str):
        if pid == council:
            continue
        contract = contract_of.get(pid)
        day = max(first_live[pid], g.as_of - dt.timedelta(days=900)) \
            + dt.timedelta(days=rng.randint(90, 180))
        lapsed = rng.random() < 0.12  # the last review or two were missed
        last = g.as_of - dt.timedelta(days=rng.randint(200, 320) if lapsed else 0)
        while day < last:
            review = _signed_off(g, contract, pid, day, manager)
            if not amended and day < g.as_of - dt.timedelta(days=60):
                g.add(ContractReviewAddendum, review_id=review["id"],
                      added_on=day + dt.timedelta(days=10), author=manager["username"],
                      text="Correction: the provider's deputy manager also attended.")
                amended = True
            day += dt.timedelta(days=rng.randint(160, 182))
        if lapsed:
            continue
        if not drafted and day - g.as_of < dt.timedelta(days=30):
            drafted = True
            g.add(ContractReview, provider_id=pid,
                  contract_id=contract["id"] if contract else None, status="draft",
                  review_date=g.as_of - DAY, attendees=manager["display_name"],
                  provider_attendees="Registered manager",
                  agenda=[{"area": a, "rag": "green" if n < 2 else None,
                           "notes": "Discussed; see the minutes." if n < 2 else None}
                          for n, a in enumerate(AGENDA)],
                  placements=[], outcome=None, next_due=add_months(g.as_of - DAY, 6),
                  draft_saved_at=g.stamp)
        elif day - g.as_of < dt.timedelta(days=45):
            g.add(ContractReview, provider_id=pid,
                  contract_id=contract["id"] if contract else None, status="planned",
                  review_date=max(day, g.as_of + dt.timedelta(days=7)), agenda=[],
                  placements=[])


def _signed_off(g: _Gen, contract: Row | None, pid: uuid.UUID, day: dt.date,
                manager: Row) -> Row:
    rng = g.rng
    agenda = []
    for area in AGENDA:
        rag = rng.choices(["green", "amber", "red"], [7, 2.5, 0.5])[0]
        agenda.append({"area": area, "rag": rag, "notes": rng.choice(NOTES[rag])})
    signed = dt.datetime.combine(day + dt.timedelta(days=2), dt.time(16, 0))
    cid = contract["id"] if contract else None
    review = g.add(ContractReview, provider_id=pid, contract_id=cid,
                   status="signed_off", review_date=day,
                   attendees=f"{manager['display_name']} (commissioning manager); "
                             "Grace Okafor (QA officer)",
                   provider_attendees="Registered manager; responsible individual",
                   agenda=agenda, placements=[],
                   outcome="Relationship working well; actions agreed where needed.",
                   next_due=day + dt.timedelta(days=182), draft_saved_at=None,
                   signed_off_at=signed, signed_off_by=manager["username"])
    worst = "red" if any(a["rag"] == "red" for a in agenda) else \
        "amber" if any(a["rag"] == "amber" for a in agenda) else None
    if worst:
        due = day + dt.timedelta(days=rng.randint(28, 90))
        done = due < g.as_of and rng.random() < 0.85
        g.add(Action, source="contract_review", contract_review_id=review["id"],
              contract_id=cid, provider_id=pid,
              description="Send the updated improvement plan and staffing figures to "
                          "commissioning.", owner="Registered manager", due_date=due,
              priority="high" if worst == "red" else "medium",
              status="done" if done else "open",
              completed_date=min(due, g.as_of) if done else None)
    return review
