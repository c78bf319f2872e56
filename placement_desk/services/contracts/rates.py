"""A contract's rates: a weekly price per placement type, service or lot, each from the date it
takes effect, and uplifts that add the next year's prices.

Rates are history: a price is changed by adding a rate that takes effect later
(by hand, or by an uplift), never by editing the old one, so what was charged on
any day can always be read back. The rate in force on a day for a line (its lot,
provider, placement type and description) is the one taking effect most recently
on or before that day.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db import Database
from ...errors import ValidationError
from ...models import ContractLot, ContractRate, Provider
from ...models.enums import PlacementType
from ..agreements.fees import round_half_up
from ..common.limits import check_length
from ..users.roles import Permission, require
from .terms import get_contract

MAX_WEEKLY_PENCE = 100_000_00
"""£100,000 a week: anything above is a typing mistake."""


@dataclass
class RateForm:
    description: str = ""
    weekly_rate_pence: int | None = None
    effective_from: dt.date | None = None
    placement_type: str | None = None
    lot_id: uuid.UUID | None = None
    provider_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class RateRow:
    id: uuid.UUID
    description: str
    lot: str
    placement_type: str
    provider: str
    weekly_rate_pence: int
    effective_from: dt.date
    in_force: bool
    """The line's current rate on the day asked about."""


def check_rate(form: RateForm) -> None:
    """Refuse a rate that cannot be saved, naming the field."""
    if not " ".join(form.description.split()):
        raise ValidationError("description", "Say what the rate is for, e.g. \"Lot 1 "
                                             "children's homes\".")
    check_length("description", "The description", " ".join(form.description.split()),
                 ContractRate.description)
    if form.weekly_rate_pence is None or form.weekly_rate_pence <= 0:
        raise ValidationError("weekly_rate_pence", "Enter the weekly rate, more than £0.00.")
    if form.weekly_rate_pence > MAX_WEEKLY_PENCE:
        raise ValidationError("weekly_rate_pence", "The weekly rate is more than £100,000.00: "
                                                   "check the amount.")
    if form.effective_from is None:
        raise ValidationError("effective_from", "Enter the date the rate takes effect.")
    if form.placement_type:
        try:
            PlacementType(form.placement_type)
        except ValueError:
            raise ValidationError("placement_type", "Choose a placement type from the "
                                                    "list.") from None


def _check_against(session: Session, contract_id: uuid.UUID, form: RateForm) -> None:
    contract = get_contract(session, contract_id)
    assert form.effective_from is not None
    if form.effective_from < contract.start_date:
        raise ValidationError("effective_from", "The rate takes effect before the contract "
                                                "starts.")
    if contract.end_date is not None and form.effective_from > contract.end_date:
        raise ValidationError("effective_from", "The rate takes effect after the contract "
                                                "ends.")
    if form.lot_id is not None:
        lot = session.get(ContractLot, form.lot_id)
        if lot is None or lot.contract_id != contract_id:
            raise ValidationError("lot_id", "Choose one of this contract's lots.")


def validate_rate(db: Database, contract_id: uuid.UUID, form: RateForm) -> None:
    check_rate(form)
    with db.read() as session:
        _check_against(session, contract_id, form)


def add_rate(db: Database, contract_id: uuid.UUID, form: RateForm) -> uuid.UUID:
    """Add a rate to a contract; returns its id."""
    require(db, Permission.EDIT_CONTRACTS, Permission.CHANGE_FEES)
    check_rate(form)
    with db.write() as session:
        _check_against(session, contract_id, form)
        assert form.weekly_rate_pence is not None and form.effective_from is not None
        rate = ContractRate(id=uuid.uuid4(), contract_id=contract_id, lot_id=form.lot_id,
                            provider_id=form.provider_id,
                            placement_type=form.placement_type or None,
                            description=" ".join(form.description.split()),
                            weekly_rate_pence=form.weekly_rate_pence,
                            effective_from=form.effective_from)
        session.add(rate)
        return rate.id


def _line(rate: ContractRate) -> tuple[object, ...]:
    return (rate.lot_id, rate.provider_id, rate.placement_type, rate.description.casefold())


def current_rates(rates: list[ContractRate], day: dt.date) -> list[ContractRate]:
    """Each line's rate in force on ``day`` (lines with none yet are left out)."""
    best: dict[tuple[object, ...], ContractRate] = {}
    for rate in rates:
        if rate.effective_from > day:
            continue
        key = _line(rate)
        if key not in best or rate.effective_from >= best[key].effective_from:
            best[key] = rate
    return list(best.values())


def uplifted(pence: int, uplift_bp: int) -> int:
    """A weekly rate raised by ``uplift_bp`` basis points, half up to the penny."""
    return round_half_up(pence * (10_000 + uplift_bp), 10_000)


def apply_uplift(db: Database, contract_id: uuid.UUID, effective_from: dt.date,
                 uplift_bp: int) -> list[uuid.UUID]:
    """Add, for each line, its rate in force the day before ``effective_from`` raised by
    ``uplift_bp``, taking effect that day; returns the new rates' ids."""
    require(db, Permission.EDIT_CONTRACTS, Permission.CHANGE_FEES)
    if not 0 < uplift_bp <= 5000:
        raise ValidationError("uplift", "Enter an uplift from 0.01% to 50%.")
    with db.write() as session:
        contract = get_contract(session, contract_id)
        if effective_from <= contract.start_date:
            raise ValidationError("effective_from", "An uplift takes effect after the "
                                                    "contract starts.")
        if contract.end_date is not None and effective_from > contract.end_date:
            raise ValidationError("effective_from", "The uplift takes effect after the "
                                                    "contract ends.")
        rates = list(session.scalars(select(ContractRate)
                                     .where(ContractRate.contract_id == contract_id)))
        if any(r.effective_from >= effective_from for r in rates):
            raise ValidationError("effective_from", "Some rates already take effect on or "
                                                    "after this date.")
        base = current_rates(rates, effective_from - dt.timedelta(days=1))
        if not base:
            raise ValidationError("uplift", "The contract has no rates to uplift yet.")
        added = []
        for rate in sorted(base, key=lambda r: r.description):
            new = ContractRate(id=uuid.uuid4(), contract_id=contract_id, lot_id=rate.lot_id,
                               provider_id=rate.provider_id,
                               placement_type=rate.placement_type,
                               description=rate.description,
                               weekly_rate_pence=uplifted(rate.weekly_rate_pence, uplift_bp),
                               effective_from=effective_from)
            session.add(new)
            added.append(new.id)
        return added


def rate_rows(session: Session, contract_id: uuid.UUID, today: dt.date) -> list[RateRow]:
    """The contract's rates, newest first within each line, marking those in force."""
    rates = list(session.scalars(select(ContractRate)
                                 .where(ContractRate.contract_id == contract_id)))
    lots = {lot.id: f"Lot {lot.number}" for lot in session.scalars(
        select(ContractLot).where(ContractLot.contract_id == contract_id))}
    names = dict(session.execute(select(Provider.id, Provider.name).where(
        Provider.id.in_({r.provider_id for r in rates if r.provider_id}))).all())
    current = {r.id for r in current_rates(rates, today)}
    rows = []
    for rate in sorted(rates, key=lambda r: (r.description.casefold(), lots.get(
            r.lot_id, "") if r.lot_id else "", -r.effective_from.toordinal())):
        kind = ""
        if rate.placement_type:
            try:
                kind = f"{rate.placement_type} – {PlacementType(rate.placement_type).label}"
            except ValueError:
                kind = rate.placement_type
        rows.append(RateRow(rate.id, rate.description,
                            lots.get(rate.lot_id, "") if rate.lot_id else "", kind,
                            names.get(rate.provider_id, "") if rate.provider_id else "",
                            rate.weekly_rate_pence, rate.effective_from, rate.id in current))
    return rows
