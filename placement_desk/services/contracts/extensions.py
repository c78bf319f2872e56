"""Extension options: a contract may be extended to a date if the council decides so by a date.

An option runs past the end it extends (the contract's end, or an earlier option's
new end) and never past the contract's final end; it must be decided by the end
it extends. Decisions follow :data:`NEXT_STEP`: an open option is taken or not
taken, once. Taking it moves the contract's end date to the option's; either
decision closes the tracker's actions about it (and, when taken, the one about
the old end date), saying so in their history.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db import Database
from ...errors import ValidationError
from ...models import Contract, ContractExtension
from ...models.enums import ExtensionStatus
from ..common.formatting import date_short
from ..users.roles import Permission, require
from .alerts import close_contract_actions
from .terms import extension_warning_days, get_contract

NEXT_STEP: dict[ExtensionStatus, frozenset[ExtensionStatus]] = {
    ExtensionStatus.OPEN: frozenset({ExtensionStatus.TAKEN, ExtensionStatus.DECLINED}),
    ExtensionStatus.TAKEN: frozenset(),
    ExtensionStatus.DECLINED: frozenset(),
}


@dataclass
class ExtensionForm:
    extends_to: dt.date | None = None
    decide_by: dt.date | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class ExtensionRow:
    id: uuid.UUID
    extends_to: dt.date
    decide_by: dt.date
    status: ExtensionStatus
    decided_on: dt.date | None
    decided_by: str | None
    notes: str | None
    decision_due: bool
    """Open, with its decide-by date within the warning window or passed."""


def _end_extended(contract: Contract, others: list[ContractExtension],
                  extends_to: dt.date) -> dt.date:
    """The end an option to ``extends_to`` extends: the contract's, or an earlier option's."""
    assert contract.end_date is not None
    ends = [contract.end_date] + [o.extends_to for o in others
                                  if o.status != ExtensionStatus.DECLINED
                                  and o.extends_to < extends_to]
    return max(ends)


def _check(session: Session, contract: Contract, form: ExtensionForm) -> None:
    if form.extends_to is None:
        raise ValidationError("extends_to", "Enter the date the contract would run to.")
    if contract.end_date is None:
        raise ValidationError("extends_to", "This contract has no end date to extend.")
    if form.extends_to <= contract.end_date:
        raise ValidationError("extends_to", "The extension must run past the contract's end "
                                            f"({date_short(contract.end_date)}).")
    if contract.final_end_date is not None and form.extends_to > contract.final_end_date:
        raise ValidationError("extends_to", "The extension runs past the contract's final end "
                                            f"({date_short(contract.final_end_date)}).")
    others = list(session.scalars(select(ContractExtension)
                                  .where(ContractExtension.contract_id == contract.id)))
    if any(o.extends_to == form.extends_to and o.status != ExtensionStatus.DECLINED
           for o in others):
        raise ValidationError("extends_to", "There is already an option to this date.")
    if form.decide_by is None:
        raise ValidationError("decide_by", "Enter the date by which the council must decide.")
    if form.decide_by < contract.start_date:
        raise ValidationError("decide_by", "The decision date is before the contract starts.")
    extended = _end_extended(contract, others, form.extends_to)
    if form.decide_by > extended:
        raise ValidationError("decide_by", "The decision is needed by the end it extends "
                                           f"({date_short(extended)}).")
    if form.notes is not None and len(form.notes) > 2000:
        raise ValidationError("notes", "The notes are too long (2,000 characters at most).")


def validate_extension(db: Database, contract_id: uuid.UUID, form: ExtensionForm) -> None:
    with db.read() as session:
        _check(session, get_contract(session, contract_id), form)


def add_extension(db: Database, contract_id: uuid.UUID, form: ExtensionForm) -> uuid.UUID:
    """Add an extension option to a contract; returns its id."""
    require(db, Permission.EDIT_CONTRACTS)
    with db.write() as session:
        contract = get_contract(session, contract_id)
        _check(session, contract, form)
        assert form.extends_to is not None and form.decide_by is not None
        option = ContractExtension(id=uuid.uuid4(), contract_id=contract.id,
                                   extends_to=form.extends_to, decide_by=form.decide_by,
                                   status=ExtensionStatus.OPEN,
                                   notes=(form.notes or "").strip() or None)
        session.add(option)
        return option.id


def decide_extension(db: Database, extension_id: uuid.UUID, take: bool, on: dt.date,
                     today: dt.date, note: str | None = None) -> None:
    """Record the decision on an option: taken (the contract now runs to its date) or not."""
    require(db, Permission.EDIT_CONTRACTS)
    if on > today:
        raise ValidationError("decided_on", "The decision date is in the future.")
    new = ExtensionStatus.TAKEN if take else ExtensionStatus.DECLINED
    with db.write() as session:
        option = session.get(ContractExtension, extension_id)
        if option is None:
            raise ValidationError("extension", "This extension option no longer exists.")
        contract = get_contract(session, option.contract_id)
        if new not in NEXT_STEP[option.status]:
            raise ValidationError("status", f"This option is already decided: "
                                            f"{option.status.label.lower()}.")
        if take:
            if contract.end_date is None or contract.end_date >= option.extends_to:
                raise ValidationError("status", "The contract already runs to "
                                                f"{date_short(contract.end_date)}.")
            old_end = contract.end_date
            contract.end_date = option.extends_to
            close_contract_actions(
                session, contract.id, None, old_end, db.user, on,
                f"The contract was extended to {date_short(option.extends_to)}.")
        option.status = new
        option.decided_on = on
        option.decided_by = db.user
        if note and note.strip():
            option.notes = "\n".join(p for p in (option.notes, note.strip()) if p)
        close_contract_actions(
            session, contract.id, option.id, None, db.user, on,
            "Extension taken." if take else "Extension not taken.")


def extension_rows(session: Session, contract_id: uuid.UUID, today: dt.date) -> list[ExtensionRow]:
    window = today + dt.timedelta(days=extension_warning_days(session))
    return [ExtensionRow(o.id, o.extends_to, o.decide_by, o.status, o.decided_on,
                         o.decided_by, o.notes,
                         o.status == ExtensionStatus.OPEN and o.decide_by <= window)
            for o in session.scalars(select(ContractExtension)
                                     .where(ContractExtension.contract_id == contract_id)
                                     .order_by(ContractExtension.extends_to))]
