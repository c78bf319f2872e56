"""The fee ledger follows the agreements as they are saved, signed, varied, uplifted,
rolled back and deleted, and is rebuilt when a database is opened without one."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select

from placement_desk.lifecycle import Database, open_database
from placement_desk.models import Agreement, AgreementVersion, AppSetting, Child, FeeLedgerEntry
from placement_desk.models.enums import AgreementStatus, ServiceCharge
from placement_desk.services.agreements import fee_ledger
from placement_desk.services.agreements.fee_ledger import day
from placement_desk.services.agreements.ipa import AgreementForm, ServiceLine, create_agreement
from placement_desk.services.agreements.ipa_detail import agreement_detail
from placement_desk.services.agreements.ipa_lifecycle import advance, make_variation
from placement_desk.services.agreements.uplift import apply_uplift

S = AgreementStatus
START = dt.date(2025, 1, 6)
SIGNING = (S.ISSUED, S.PROVIDER_SIGNED, S.COUNCIL_SIGNED, S.ACTIVE)


@pytest.fixture
def child_id(db: Database) -> uuid.UUID:
    with db.sessions.begin() as s:
        child = Child(case_ref="C-0001")
        s.add(child)
        s.flush()
        return child.id


def _agreement(db: Database, child_id: uuid.UUID, reference: str = "IPA-1") -> uuid.UUID:
    return create_agreement(db, AgreementForm(
        reference=reference, child_id=child_id, start_date=START, placement_type="K2",
        weekly_fee_pence=383_000,
        services=[ServiceLine("1:1 staffing", ServiceCharge.HOURLY, hours_per_week=10,
                              rate_pence=2800, end_date=dt.date(2025, 3, 3)),
                  ServiceLine("Set-up", ServiceCharge.ONE_OFF, amount_pence=50_000)]))


def _sign(db: Database, version_id: uuid.UUID, when: dt.date) -> None:
    for n, step in enumerate(SIGNING):
        advance(db, version_id, step, "asha.patel",
                dt.datetime.combine(when, dt.time(9 + n)))


def _kept(db: Database) -> list[tuple[Any, ...]]:
    """The ledger as the sessions left it."""
    with db.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(
            FeeLedgerEntry.agreement_id, FeeLedgerEntry.first_day, FeeLedgerEntry.end_day,
            FeeLedgerEntry.weekly_pence, FeeLedgerEntry.is_one_off,
            FeeLedgerEntry.one_off_pence)))


def _rebuilt(db: Database) -> list[tuple[Any, ...]]:
    """The ledger rebuilt from scratch, in a transaction then rolled back."""
    with db.engine.connect() as conn, conn.begin() as transaction:
        fee_ledger.rebuild(conn)
        rows = sorted(tuple(r) for r in conn.execute(select(
            FeeLedgerEntry.agreement_id, FeeLedgerEntry.first_day, FeeLedgerEntry.end_day,
            FeeLedgerEntry.weekly_pence, FeeLedgerEntry.is_one_off,
            FeeLedgerEntry.one_off_pence)))
        transaction.rollback()
    return rows


def test_the_ledger_follows_signing_variation_and_uplift(db: Database,
                                                         child_id: uuid.UUID) -> None:
    aid = _agreement(db, child_id)
    v1 = agreement_detail(db, aid).versions[0].id
    assert _kept(db) == [], "a draft costs nothing"

    _sign(db, v1, START)
    # 383,000 a week plus 10 h × 28.00 until 3 March, then the fee alone; the set-up
    # one-off falls on the start date.
    assert _kept(db) == [
        (aid, day(START), day(START) + 1, 0, True, 50_000),
        (aid, day(START), day(dt.date(2025, 3, 3)), 411_000, False, 0),
        (aid, day(dt.date(2025, 3, 3)), None, 383_000, False, 0)]

    v2 = make_variation(db, aid, dt.date(2025, 4, 1), "Fee review",
                        {"weekly_fee_pence": 400_000})
    assert len(_kept(db)) == 3, "a draft variation changes nothing yet"
    _sign(db, v2, dt.date(2025, 3, 20))
    kept = _kept(db)
    assert (aid, day(dt.date(2025, 3, 3)), day(dt.date(2025, 4, 1)), 383_000, False, 0) in kept
    assert (aid, day(dt.date(2025, 4, 1)), None, 400_000, False, 0) in kept
    assert [r for r in kept if r[4]] == [(aid, day(START), day(START) + 1, 0, True, 50_000)], \
        "the one-off repeated on the variation counts once"
    assert kept == _rebuilt(db)

    other = _agreement(db, child_id, "IPA-2")
    _sign(db, agreement_detail(db, other).versions[0].id, START)
    apply_uplift(db, [aid, other], 350, dt.date(2026, 4, 1), "sam.jones",
                 dt.datetime(2026, 3, 25, 12))
    kept = _kept(db)
    assert (aid, day(dt.date(2026, 4, 1)), None, 414_000, False, 0) in kept
    assert (other, day(dt.date(2026, 4, 1)), None, 396_405, False, 0) in kept
    assert kept == _rebuilt(db)


def test_a_rolled_back_change_leaves_the_ledger_as_it_was(db: Database,
                                                          child_id: uuid.UUID) -> None:
    aid = _agreement(db, child_id)
    _sign(db, agreement_detail(db, aid).versions[0].id, START)
    before = _kept(db)
    with db.sessions() as s:
        version = s.scalars(select(AgreementVersion)).one()
        version.weekly_fee_pence = 1
        s.flush()
        assert sorted(s.connection().execute(  # the flush rewrote the rows, uncommitted
            select(FeeLedgerEntry.weekly_pence).where(FeeLedgerEntry.is_one_off.is_(False))
        ).scalars()) == [1, 28_001]
        s.rollback()
    assert _kept(db) == before


def test_deleting_an_agreement_deletes_its_rows(db: Database, child_id: uuid.UUID) -> None:
    aid = _agreement(db, child_id)
    _sign(db, agreement_detail(db, aid).versions[0].id, START)
    assert _kept(db)
    with db.sessions.begin() as s:
        s.delete(s.get(Agreement, aid))
    assert _kept(db) == []


def test_opening_a_database_without_a_ledger_builds_it(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = open_database(path, user="sam.officer")
    with db.sessions.begin() as s:
        child = Child(case_ref="C-0001")
        s.add(child)
        s.flush()
        child_id = child.id
    aid = _agreement(db, child_id)
    _sign(db, agreement_detail(db, aid).versions[0].id, START)
    built = _kept(db)
    assert built
    with db.engine.begin() as conn:  # as just after the migration that made the table
        conn.execute(delete(FeeLedgerEntry))
        conn.execute(delete(AppSetting).where(AppSetting.key == fee_ledger.FORMULA_KEY))
    db.close()

    db = open_database(path, user="sam.officer")
    try:
        assert _kept(db) == built
        with db.engine.connect() as conn:
            assert conn.execute(select(AppSetting.value).where(
                AppSetting.key == fee_ledger.FORMULA_KEY)).scalar() == fee_ledger.FORMULA
        assert fee_ledger.ensure_current(db.engine) is False, "built once, not every time"
    finally:
        db.close()
