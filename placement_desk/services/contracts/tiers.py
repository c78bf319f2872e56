"""Relationship tiers: how closely the council works with each provider, suggested from what
it buys there, and a manager's choice with a reason.

The suggestion weighs the spend in the 12 months before today (from the fee
ledger, every agreement at the provider's settings), the children placed there
today, and the contracts it holds in force today:

* **strategic partner**: holds a block contract or an in-house service level
  agreement, and either spend of at least :data:`STRATEGIC_SPEND_PENCE` or at
  least :data:`STRATEGIC_CHILDREN` children placed;
* **key partner**: holds a block contract, or spend of at least
  :data:`KEY_SPEND_PENCE`, or at least :data:`KEY_CHILDREN` children placed;
* **framework provider**: on a framework, a dynamic purchasing system or a
  regional arrangement;
* **transactional**: everyone else (spot purchases).

The reason is shown with the suggestion. A manager may choose another tier, with
a reason; the provider's record keeps the choice, the reason, who and when, and
the audit trail keeps every change. Clearing the choice follows the suggestion again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ...db import Database
from ...dbsql import stored
from ...errors import ValidationError
from ...models import Agreement, Contract, ContractProvider, Provider, Setting
from ...models.enums import ContractType, RelationshipTier
from ..common.formatting import money
from ..qa.schedule import add_months
from ..users.roles import Permission, require
from .review_due import _live_commissioned
from .usage import _ledger_spend

STRATEGIC_SPEND_PENCE = 1_500_000_00
STRATEGIC_CHILDREN = 12
KEY_SPEND_PENCE = 500_000_00
KEY_CHILDREN = 5
REASON_MAX = 500


def suggest_tier(spend_pence: int, children: int, contract_types: set[ContractType]
                 ) -> tuple[RelationshipTier, str]:
    """The suggested tier and why (pure: the rule of the module's docstring)."""
    held = sorted(t.label.lower() for t in contract_types)
    facts = [f"spend {money(spend_pence)} in the last 12 months",
             f"{children} {'child' if children == 1 else 'children'} placed",
             f"holds {', '.join(held)}" if held else "no contract in force"]
    why = "; ".join(facts)
    anchor = contract_types & {ContractType.BLOCK, ContractType.IN_HOUSE_SLA}
    if anchor and (spend_pence >= STRATEGIC_SPEND_PENCE or children >= STRATEGIC_CHILDREN):
        return RelationshipTier.STRATEGIC_PARTNER, why
    if (ContractType.BLOCK in contract_types or spend_pence >= KEY_SPEND_PENCE
            or children >= KEY_CHILDREN):
        return RelationshipTier.KEY_PARTNER, why
    if contract_types & {ContractType.FRAMEWORK, ContractType.DPS, ContractType.REGIONAL}:
        return RelationshipTier.FRAMEWORK_PROVIDER, why
    return RelationshipTier.TRANSACTIONAL, why


@dataclass(frozen=True, slots=True)
class TierRow:
    provider_id: uuid.UUID
    name: str
    spend_pence: int
    children: int
    contracts: str
    """The types of contract held in force today, in words."""
    suggested: RelationshipTier
    reason: str
    chosen: RelationshipTier | None
    """A manager's choice, when one was made."""
    chosen_reason: str | None
    chosen_by: str | None
    chosen_on: dt.date | None

    @property
    def tier(self) -> RelationshipTier:
        return self.chosen or self.suggested


def _spend_by_provider(session: Session, providers: set[uuid.UUID], today: dt.date
                       ) -> dict[uuid.UUID, int]:
    owners: dict[str, uuid.UUID | None] = dict(session.execute(
        select(stored(Agreement.id), Setting.provider_id)
        .join(Setting, Setting.id == Agreement.setting_id)
        .where(Agreement.deleted_at.is_(None), Setting.provider_id.in_(providers))).all())
    found: dict[uuid.UUID, int] = defaultdict(int)
    for aid, spend in _ledger_spend(session, owners, add_months(today, -12), today).items():
        owner = owners[aid]
        if owner is not None:
            found[owner] += spend
    return found


def _tiers(session: Session, today: dt.date,
           provider_ids: set[uuid.UUID] | None = None) -> list[TierRow]:
    held: dict[uuid.UUID, set[ContractType]] = defaultdict(set)
    for pid, kind in session.execute(
            select(ContractProvider.provider_id, Contract.contract_type)
            .join(Contract, Contract.id == ContractProvider.contract_id)
            .where(Contract.deleted_at.is_(None), Contract.start_date <= today,
                   or_(Contract.end_date.is_(None), Contract.end_date >= today))):
        held[pid].add(kind)
    live = _live_commissioned(session, today)
    query = select(Provider).where(Provider.deleted_at.is_(None))
    if provider_ids is not None:
        query = query.where(Provider.id.in_(provider_ids))
    providers = [p for p in session.scalars(query)
                 if provider_ids is not None or p.id in held or p.id in live
                 or p.relationship_tier is not None]
    spend = _spend_by_provider(session, {p.id for p in providers}, today)
    rows = []
    for p in providers:
        children = len(live[p.id][0]) if p.id in live else 0
        kinds = held.get(p.id, set())
        tier, why = suggest_tier(spend.get(p.id, 0), children, kinds)
        rows.append(TierRow(p.id, p.name, spend.get(p.id, 0), children,
                            ", ".join(sorted(k.label for k in kinds)), tier, why,
                            p.relationship_tier, p.relationship_tier_reason,
                            p.relationship_tier_set_by, p.relationship_tier_set_on))
    return sorted(rows, key=lambda r: (-r.tier.rank, r.name.casefold()))


def list_tiers(db: Database, today: dt.date) -> list[TierRow]:
    """Providers with a contract in force, a child placed or a chosen tier: their suggested
    and chosen tiers, closest partners first."""
    with db.read() as session:
        return _tiers(session, today)


def provider_tier(db: Database, provider_id: uuid.UUID, today: dt.date) -> TierRow:
    with db.read() as session:
        rows = _tiers(session, today, {provider_id})
        if not rows:
            raise ValidationError("provider", "This provider no longer exists.")
        return rows[0]


def check_tier(tier: RelationshipTier | None, reason: str | None) -> str | None:
    """The reason tidied; refused (naming ``reason``) when a tier is chosen without one."""
    why = " ".join((reason or "").split()) or None
    if tier is not None and why is None:
        raise ValidationError("reason", "Say why this provider is in this tier.")
    if why is not None and len(why) > REASON_MAX:
        raise ValidationError("reason", f"The reason is too long ({REASON_MAX} characters at "
                                        "most).")
    return why


def set_tier(db: Database, provider_id: uuid.UUID, tier: RelationshipTier | None,
             reason: str | None, today: dt.date) -> None:
    """Choose a provider's tier with a reason (None: follow the suggestion again)."""
    require(db, Permission.CHANGE_TIERS)
    why = check_tier(tier, reason)
    with db.write() as session:
        provider = session.get(Provider, provider_id)
        if provider is None or provider.deleted_at is not None:
            raise ValidationError("provider", "This provider no longer exists.")
        provider.relationship_tier = tier
        provider.relationship_tier_reason = why
        provider.relationship_tier_set_by = db.user
        provider.relationship_tier_set_on = today
