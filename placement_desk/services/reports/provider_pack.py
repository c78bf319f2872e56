"""What a provider review pack says, gathered as plain data for the PDF to draw.

Everything a manager takes into a meeting with a provider, for a period (by default
the twelve months to the day printed):

* **the provider**: its settings (type, registration, places, latest Ofsted
  judgement, risk level with the factors that produced it, children placed today),
  its relationship tier (suggested and chosen), and who the pack is for and by;
* **summary figures**: children placed today and in the period; weeks of placement
  and spend in the period, counted as weeks and spend counts them
  (:mod:`..agreements.costs`: the episodes' days at its settings ÷ 7, and the fee
  ledger of the agreements for its settings, rounded once per agreement); the
  average weekly cost by placement type (spend ÷ weeks paid for) against the
  council's average for the same type over every provider in the period;
* **Ofsted**: each setting's inspections, its open rating alerts and whether it is
  under enhanced monitoring;
* **QA**: visits in the period with their judgements by area; actions still open,
  with those overdue (:func:`~..qa.actions.overdue_condition`);
* **placements** live today and those that ended in the period, by child reference
  only: setting, type, dates, the weekly cost today (or on the last day), the
  agreement's variations, the distance from home and the commissioning route;
* **contracts** with their status, the next review due, and the last signed-off
  contract review with its ratings, outcome, actions and addenda;
* **documents** of each setting and the provider, with their expiry.

Days and periods follow :mod:`.definitions`.
:func:`.provider_pack_costs.council_average_fees` is worked out once for a batch of
packs and passed to each.

This module finds the provider and puts the pack together: what it holds is in
:mod:`.provider_pack_contents`, what the placements cost in :mod:`.provider_pack_costs`,
and the Ofsted, QA, documents and review sections in :mod:`.provider_pack_oversight`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...db import Database
from ...errors import UserError
from ...identifiers import is_urn, normalise_urn
from ...models import Child, PlacementEpisode, Provider, Setting, User
from ...models.enums import ReviewStatus, RiskLevel
from ..common.settings_store import COUNCIL_NAME, get_setting
from ..contracts.contract_views import provider_contracts
from ..contracts.review_due import review_dates
from ..contracts.review_list import _list_reviews
from ..contracts.tiers import provider_tier
from ..register.risk import assess_settings
from .definitions import Period, is_live_on, year_to
from .provider_pack_contents import ContractLine, PackSetting, ProviderPack
from .provider_pack_costs import (
    council_average_fees,
    fee_comparisons,
    placement_lines,
    provider_spend,
)
from .provider_pack_oversight import (
    document_lines,
    last_review,
    ofsted_by_setting,
    open_actions,
    visit_lines,
)

__all__ = ["find_provider", "provider_pack"]

_RISK_ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


# --- Finding the provider -----------------------------------------------------------------

def find_provider(db: Database, text: str) -> uuid.UUID:
    """The provider named by a URN of one of its settings, its id, its Ofsted owner id,
    its Companies House number or its exact name; a UserError when none or several."""
    key = " ".join((text or "").split())
    if not key:
        raise UserError("Give the URN of one of the provider's settings, or the provider's "
                        "reference.")
    with db.read() as session:
        live = Provider.deleted_at.is_(None)
        urn = normalise_urn(key)
        if urn is not None and is_urn(urn):
            found = session.scalar(select(Setting.provider_id).where(
                Setting.urn == urn, Setting.deleted_at.is_(None)))
            if found is not None:
                return found
            if session.scalar(select(Setting.id).where(Setting.urn == urn)) is not None:
                raise UserError("The setting with that URN has no provider recorded, so there "
                                "is no provider to print a pack for. Link the setting to its "
                                "provider first.")
        try:
            as_id = uuid.UUID(key)
        except ValueError:
            as_id = None
        if as_id is not None and session.scalar(
                select(Provider.id).where(Provider.id == as_id, live)) is not None:
            return as_id
        for column in (Provider.ofsted_owner_id, Provider.companies_house_number):
            ids = list(session.scalars(select(Provider.id).where(
                func.upper(column) == key.upper(), live).limit(2)))
            if len(ids) == 1:
                return ids[0]
        ids = list(session.scalars(select(Provider.id).where(
            func.lower(Provider.name) == key.lower(), live).limit(2)))
    if len(ids) == 1:
        return ids[0]
    if len(ids) > 1:
        raise UserError("More than one provider has that name. Give the URN of one of its "
                        "settings instead.")
    raise UserError("No provider has a setting with that URN or goes by that reference. "
                    "Check it against the Providers page.")


# --- Putting the pack together ---------------------------------------------------------

def _prepared_by(session: Session, user: str) -> str:
    name = session.scalar(select(User.display_name).where(User.username == user))
    return str(name) if name else user


def _settings(session: Session, provider_id: uuid.UUID, today: dt.date
              ) -> tuple[list[Setting], dict[uuid.UUID, int]]:
    settings = list(session.scalars(select(Setting).where(
        Setting.provider_id == provider_id, Setting.deleted_at.is_(None))
        .order_by(Setting.name)))
    pe = PlacementEpisode
    now: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    if settings:
        for sid, child, start, end in session.execute(
                select(pe.setting_id, pe.child_id, pe.start_date, pe.end_date)
                .join(Child, Child.id == pe.child_id)
                .where(pe.setting_id.in_([s.id for s in settings]), pe.deleted_at.is_(None),
                       Child.deleted_at.is_(None), pe.start_date <= today)):
            if sid is not None and is_live_on(start, end, today):
                now[sid].add(child)
    return settings, {sid: len(children) for sid, children in now.items()}


def provider_pack(db: Database, provider_id: uuid.UUID, today: dt.date,
                  period: Period | None = None, *, prepared_for: str = "",
                  council_fees: Mapping[str, tuple[int, int]] | None = None
                  ) -> ProviderPack:
    """Everything the review pack of one provider prints, for ``period`` (by default the
    twelve months to ``today``). ``council_fees`` (from :func:`council_average_fees` for
    the same period) saves reading every provider's spend again for each pack of a batch.
    """
    period = period or year_to(today)
    if council_fees is None:
        council_fees = council_average_fees(db, period)
    with db.read() as session:
        provider = session.get(Provider, provider_id)
        if provider is None or provider.deleted_at is not None:
            raise UserError("This provider is no longer in the database, so there is no pack "
                            "to print. Refresh the list and try again.")
        name, legal_name = provider.name, provider.legal_name or provider.name
        address = ", ".join(p.strip() for p in (provider.address, provider.postcode)
                            if p and p.strip())
        council = str(get_setting(session, COUNCIL_NAME) or "").strip() or "the council"
        prepared_by = _prepared_by(session, db.user)
        settings, placed = _settings(session, provider_id, today)
        pack_settings = _pack_settings(session, settings, placed, today)
        money, by_episode, ledger = provider_spend(session, settings, period)
        current, ended, children, weeks = placement_lines(session, settings, period, today,
                                                          by_episode, ledger)
        ofsted = ofsted_by_setting(session, settings)
        visits = visit_lines(session, settings, period)
        actions = open_actions(session, provider_id, settings, today)
        contracts = [ContractLine(c.reference, c.title, c.contract_type.label, c.start_date,
                                  c.end_date, c.value_pence, c.status.label)
                     for c in provider_contracts(session, provider_id, today)]
        due = review_dates(session, [provider_id], today)[provider_id].next_due
        signed = _list_reviews(session, [provider_id], statuses=[ReviewStatus.SIGNED_OFF])
        last_id = max(signed, key=lambda r: (r.review_date, str(r.id))).id if signed else None
        documents = document_lines(session, provider, settings, today)
    tier = provider_tier(db, provider_id, today)
    chosen = ""
    if tier.chosen is not None:
        who = f" by {tier.chosen_by}" if tier.chosen_by else ""
        when = f" on {tier.chosen_on:%d/%m/%Y}" if tier.chosen_on else ""
        chosen = f"Chosen{who}{when}: {tier.chosen_reason or 'no reason recorded'}"
    levels = [p.risk for p in pack_settings if p.risk is not None]
    return ProviderPack(
        provider_id=provider_id, name=name, legal_name=legal_name, address=address,
        council=council, period=period, printed_on=today,
        prepared_for=prepared_for or f"Contract review meeting with {name}",
        prepared_by=prepared_by, settings=tuple(pack_settings),
        risk=max(levels, key=lambda level: _RISK_ORDER[level]) if levels else None,
        tier=tier.tier.label,
        tier_reason=f"Suggested {tier.suggested.label.lower()}: {tier.reason}",
        tier_chosen=chosen, children_now=sum(placed.values()),
        children_in_period=len(children), weeks=weeks, paid_weeks=money.paid_days / 7,
        spend_pence=money.spend_pence, fees=fee_comparisons(money, council_fees),
        ofsted=tuple(ofsted), visits=tuple(visits), open_actions=tuple(actions),
        current_placements=tuple(current), ended_placements=tuple(ended),
        contracts=tuple(contracts), next_review_due=due,
        last_review=last_review(db, provider_id, today, last_id),
        documents=tuple(documents))


def _pack_settings(session: Session, settings: list[Setting], placed: Mapping[uuid.UUID, int],
                   today: dt.date) -> list[PackSetting]:
    risks = assess_settings(session, [s.id for s in settings], today)
    found = []
    for s in settings:
        risk = risks.get(s.id)
        found.append(PackSetting(
            s.id, s.name, s.urn, s.setting_type.label, s.registration_status.label, s.places,
            s.latest_judgement.label if s.latest_judgement else "Not yet judged",
            s.latest_inspection_date, risk.level if risk else None, risk.score if risk else 0,
            tuple((f.reason, f.points) for f in risk.factors) if risk else (),
            placed.get(s.id, 0), s.enhanced_monitoring))
    return found
