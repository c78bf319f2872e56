"""Contract alerts: contracts ending soon and extension decisions due, on the page and in the
shared actions tracker.

* A contract in force whose end date falls within the ending-soon window
  (``contracts.ending_soon_months``, 6 by default) is **ending**. Its action, owned
  by the commissioning manager, is due on the end date.
* An extension option not yet decided, of a contract not ended, whose decide-by
  date is within ``contracts.extension_warning_days`` (90 by default) or has
  passed, is a **decision due**. Its action is due on the decide-by date.

:func:`raise_contract_actions` adds each alert's action once: an ending contract
has one for each end date it has had (an extension brings a new one later), an
option one in all. Decisions and early ends close them (:func:`close_contract_actions`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ...db import Database
from ...models import Action, ActionUpdate, Contract, ContractExtension, ContractProvider
from ...models.enums import ActionPriority, ActionSource, ActionStatus, ExtensionStatus
from ..common.formatting import date_short
from ..qa.actions import new_action
from ..qa.schedule import add_months
from .terms import MANAGER, ending_soon_months, extension_warning_days

AlertKind = Literal["ending", "extension"]
LIVE_ACTION = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.OVERDUE)


@dataclass(frozen=True, slots=True)
class ContractAlert:
    kind: AlertKind
    contract_id: uuid.UUID
    reference: str
    title: str
    day: dt.date
    """The end date, or the date the extension must be decided by."""
    text: str
    extension_id: uuid.UUID | None = None
    overdue: bool = False
    """A decision whose date has passed."""


def _contract_alerts(session: Session, today: dt.date) -> list[ContractAlert]:
    window = add_months(today, ending_soon_months(session))
    alerts: list[ContractAlert] = []
    for c in session.scalars(select(Contract).where(
            Contract.deleted_at.is_(None), Contract.start_date <= today,
            Contract.end_date >= today, Contract.end_date <= window)
            .order_by(Contract.end_date, Contract.reference)):
        assert c.end_date is not None
        alerts.append(ContractAlert(
            "ending", c.id, c.reference, c.title, c.end_date,
            f"{c.reference} {c.title} ends on {date_short(c.end_date)}: decide whether to "
            "extend it, buy again or let it end."))
    due_by = today + dt.timedelta(days=extension_warning_days(session))
    for option, c in session.execute(
            select(ContractExtension, Contract)
            .join(Contract, Contract.id == ContractExtension.contract_id)
            .where(Contract.deleted_at.is_(None), ContractExtension.status == ExtensionStatus.OPEN,
                   ContractExtension.decide_by <= due_by,
                   or_(Contract.end_date.is_(None), Contract.end_date >= today))
            .order_by(ContractExtension.decide_by, Contract.reference)):
        late = option.decide_by < today
        alerts.append(ContractAlert(
            "extension", c.id, c.reference, c.title, option.decide_by,
            f"Decide by {date_short(option.decide_by)} whether to extend {c.reference} "
            f"{c.title} to {date_short(option.extends_to)}"
            + (" (the date has passed)." if late else "."),
            option.id, late))
    return sorted(alerts, key=lambda a: (a.day, a.reference, a.kind))


def contract_alerts(db: Database, today: dt.date) -> list[ContractAlert]:
    """Contracts ending soon and extension decisions due, soonest first."""
    with db.read() as session:
        return _contract_alerts(session, today)


def _has_action(session: Session, alert: ContractAlert) -> bool:
    query = select(Action.id).where(Action.source == ActionSource.CONTRACT,
                                    Action.contract_id == alert.contract_id,
                                    Action.deleted_at.is_(None))
    if alert.kind == "extension":
        query = query.where(Action.contract_extension_id == alert.extension_id)
    else:
        query = query.where(Action.contract_extension_id.is_(None),
                            Action.due_date == alert.day)
    return session.scalar(query.limit(1)) is not None


def _sole_provider(session: Session, contract_id: uuid.UUID) -> uuid.UUID | None:
    found = list(session.scalars(select(ContractProvider.provider_id)
                                 .where(ContractProvider.contract_id == contract_id).limit(2)))
    return found[0] if len(found) == 1 else None


def raise_contract_actions(db: Database, today: dt.date) -> int:
    """Add an action to the tracker for each alert that has none yet; returns how many."""
    with db.write() as session:
        added = 0
        for alert in _contract_alerts(session, today):
            if _has_action(session, alert):
                continue
            soon = alert.day <= add_months(today, 3)
            new_action(session, source=ActionSource.CONTRACT, description=alert.text,
                       owner=MANAGER, due_date=alert.day,
                       priority=ActionPriority.HIGH if soon else ActionPriority.MEDIUM,
                       provider_id=_sole_provider(session, alert.contract_id),
                       contract_id=alert.contract_id, contract_extension_id=alert.extension_id)
            added += 1
        return added


def close_contract_actions(session: Session, contract_id: uuid.UUID,
                           extension_id: uuid.UUID | None, due: dt.date | None, by: str,
                           on: dt.date, note: str) -> int:
    """Mark done the live alert actions of an option (``extension_id``) or of a contract's
    end date ``due``, with ``note`` in their history; returns how many."""
    query = select(Action).where(Action.source == ActionSource.CONTRACT,
                                 Action.contract_id == contract_id,
                                 Action.deleted_at.is_(None), Action.status.in_(LIVE_ACTION))
    if extension_id is not None:
        query = query.where(Action.contract_extension_id == extension_id)
    else:
        query = query.where(Action.contract_extension_id.is_(None), Action.due_date == due)
    closed = 0
    for action in session.scalars(query):
        session.add(ActionUpdate(action_id=action.id, author=by, old_status=action.status,
                                 new_status=ActionStatus.DONE, note=note))
        action.status = ActionStatus.DONE
        action.completed_date = on
        closed += 1
    return closed
