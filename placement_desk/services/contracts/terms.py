"""What every contracts module shares: a contract's status on a day, the route its placements
are bought by, and the council settings that time the alerts and reviews.

A contract runs from its start date to its end date, both days included; an
open-ended contract (an in-house service level agreement, say) has no end. On a
day it is

* **not started** before its start,
* **ended** after its end,
* **ending soon** when its end falls within the ending-soon window
  (``contracts.ending_soon_months``, 6 by default) of the day,
* **live** otherwise.

A placement is bought under a contract when its commissioning route is the one
the contract's type gives (:data:`ROUTE_OF`) and its setting belongs to one of the
contract's providers.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import ValidationError
from ...models import Contract, ContractProvider, Provider
from ...models.enums import CommissioningRoute, ContractType, LabelledEnum
from ..common.settings_store import (
    ENDING_SOON_MONTHS,
    EXTENSION_WARNING_DAYS,
    REVIEW_INTERVAL_MONTHS,
    get_setting,
)
from ..qa.schedule import add_months

ROUTE_OF: dict[ContractType, CommissioningRoute] = {
    ContractType.BLOCK: CommissioningRoute.BLOCK,
    ContractType.FRAMEWORK: CommissioningRoute.FRAMEWORK,
    ContractType.DPS: CommissioningRoute.FRAMEWORK,
    ContractType.REGIONAL: CommissioningRoute.REGIONAL,
    ContractType.SPOT: CommissioningRoute.SPOT,
    ContractType.IN_HOUSE_SLA: CommissioningRoute.IN_HOUSE,
}
"""The commissioning route of the placements bought under each type of contract."""

MANY_PROVIDERS = frozenset({ContractType.FRAMEWORK, ContractType.DPS, ContractType.REGIONAL})
"""Types that may have many providers; the others have exactly one."""

MANAGER = "Commissioning manager"
"""Who owns the actions the contract alerts raise."""


class ContractStatus(LabelledEnum):
    NOT_STARTED = ("not_started", "Not started")
    LIVE = ("live", "Live")
    ENDING_SOON = ("ending_soon", "Ending soon")
    ENDED = ("ended", "Ended")


def contract_status(start: dt.date, end: dt.date | None, today: dt.date,
                    ending_soon_months: int) -> ContractStatus:
    """A contract's status on ``today`` (a pure rule; see the module's docstring)."""
    if start > today:
        return ContractStatus.NOT_STARTED
    if end is not None and end < today:
        return ContractStatus.ENDED
    if end is not None and end <= add_months(today, ending_soon_months):
        return ContractStatus.ENDING_SOON
    return ContractStatus.LIVE


def is_live(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    """Whether a contract is in force on ``day`` (started and not ended)."""
    return start <= day and (end is None or day <= end)


def ending_soon_months(session: Session) -> int:
    return int(get_setting(session, ENDING_SOON_MONTHS))


def extension_warning_days(session: Session) -> int:
    return int(get_setting(session, EXTENSION_WARNING_DAYS))


def review_interval_months(session: Session) -> int:
    return int(get_setting(session, REVIEW_INTERVAL_MONTHS))


def get_contract(session: Session, contract_id: uuid.UUID) -> Contract:
    """A contract not deleted, or a ValidationError saying it is gone."""
    contract = session.get(Contract, contract_id)
    if contract is None or contract.deleted_at is not None:
        raise ValidationError("contract", "This contract no longer exists.")
    return contract


def providers_of(session: Session, contract_ids: list[uuid.UUID] | None = None
                 ) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
    """Contract id → its providers (id, name), by name."""
    query = (select(ContractProvider.contract_id, Provider.id, Provider.name)
             .join(Provider, Provider.id == ContractProvider.provider_id)
             .order_by(Provider.name))
    if contract_ids is not None:
        query = query.where(ContractProvider.contract_id.in_(contract_ids))
    found: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
    for cid, pid, name in session.execute(query):
        found.setdefault(cid, []).append((pid, name))
    return found
