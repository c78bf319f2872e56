"""The fee ledger adds up to the same weeks and spend as the readable date arithmetic
(fee_segments + agreement_spend): its rows on many random agreements, and weeks and
spend read from a real database whose ledger the session hook kept."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence
from pathlib import Path

from placement_desk.lifecycle import open_database
from placement_desk.models import Agreement, AgreementService, AgreementVersion, Child
from placement_desk.models.enums import AgreementStatus
from placement_desk.services.agreements import fee_ledger
from placement_desk.services.agreements.costs import (
    AgreementSpend,
    ServiceTerms,
    VersionTerms,
    agreement_spend,
    fee_segments,
    weeks_and_spend,
)
from placement_desk.services.agreements.fee_ledger import Entry

BASE = dt.date(2024, 1, 1)


def _day(rng: random.Random, span: int = 900) -> dt.date:
    return BASE + dt.timedelta(days=rng.randrange(span))


def _jd(day: dt.date | None) -> int | None:
    return None if day is None else fee_ledger.day(day)


def _random_agreement(rng: random.Random, aid: uuid.UUID | None = None) -> list[VersionTerms]:
    aid = aid or uuid.uuid4()
    start = _day(rng)
    versions = []
    effective = start
    for no in range(1, rng.randint(1, 4) + 1):
        services = []
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            one_off = rng.random() < 0.3
            s_start = rng.choice((None, _day(rng)))
            s_end = rng.choice((None, None, _day(rng)))
            services.append(ServiceTerms(
                "one_off" if one_off else "weekly", 0 if one_off else rng.randint(1, 90000),
                rng.randint(1, 500000) if one_off else 0, rng.choice(("Tutor", "Therapy")),
                s_start, s_end))
        end = rng.choice((None, None, start + dt.timedelta(days=rng.randint(-30, 800))))
        ended_on = rng.choice((None, _day(rng)))
        versions.append(VersionTerms(aid, no, effective, start, end, rng.randint(0, 900000),
                                     tuple(services), ended_on))
        effective = effective + dt.timedelta(days=rng.randint(0, 200))
    rng.shuffle(versions)
    return versions


def _expected(versions: Sequence[VersionTerms], start: dt.date, end: dt.date) -> AgreementSpend:
    if not versions:
        return AgreementSpend()
    return agreement_spend(fee_segments(versions), start, end,
                           min(v.start_date for v in versions))


def _add_up(rows: Sequence[Entry], start: dt.date, end: dt.date) -> tuple[int, int, int]:
    """(paid days, pence × days, one-off pence) of ledger rows in [start, end)."""
    p0, p1 = fee_ledger.day(start), fee_ledger.day(end)
    days = pence_days = one_off = 0
    for first, last, weekly, is_one_off, amount in rows:
        if is_one_off:
            one_off += amount if p0 <= first < p1 else 0
            continue
        n = max(0, min(p1 if last is None else last, p1) - max(first, p0))
        days += n
        pence_days += weekly * n
    return days, pence_days, one_off


def test_ledger_rows_add_up_to_the_date_arithmetic() -> None:
    rng = random.Random(20261123)
    checked_with_services = 0
    for _ in range(3000):
        versions = _random_agreement(rng)
        services: dict[str, list[fee_ledger.Service]] = {}
        plain: list[fee_ledger.Version] = []
        for v in versions:
            vid = f"{v.agreement_id.hex}-{v.version_no}"
            services[vid] = [fee_ledger.Service(s.charge == "one_off", s.weekly_pence,
                                                s.amount_pence, s.description,
                                                _jd(s.start_date), _jd(s.end_date))
                             for s in v.services]
            checked_with_services += bool(v.services)
            plain.append(fee_ledger.Version(
                fee_ledger.day(v.effective_date), v.version_no, fee_ledger.day(v.start_date),
                _jd(v.end_date), _jd(v.ended_on), v.weekly_fee_pence, vid))
        rows = fee_ledger.entries(plain, services)
        for _period in range(3):
            period_start = _day(rng)
            period_end = period_start + dt.timedelta(days=rng.randint(1, 500))
            expected = _expected(versions, period_start, period_end)
            days, pence_days, one_off = _add_up(rows, period_start, period_end)
            assert (days, pence_days, one_off) == (
                expected.days, expected.pence_days, expected.one_off_pence), versions
    assert checked_with_services > 1000


IN_FORCE = (AgreementStatus.ACTIVE, AgreementStatus.ENDED, AgreementStatus.SUPERSEDED)


def test_weeks_and_spend_from_a_real_database_matches(tmp_path: Path) -> None:
    """Random agreements saved through sessions (so the hook builds their ledger), some
    versions never in force; spend by child (one agreement each) is compared."""
    rng = random.Random(7)
    db = open_database(tmp_path / "ledger.db", user="test.user")
    counted: dict[str, list[VersionTerms]] = {}
    try:
        with db.sessions.begin() as s:
            for n in range(150):
                child = Child(case_ref=f"C-{n:04}")
                s.add(child)
                s.flush()
                agreement = Agreement(reference=f"IPA-{n:04}", child_id=child.id)
                s.add(agreement)
                s.flush()
                terms = _random_agreement(rng, agreement.id)
                in_force = []
                for v in sorted(terms, key=lambda t: t.version_no):
                    status = rng.choice((*IN_FORCE, *IN_FORCE, AgreementStatus.DRAFT))
                    activated = status != AgreementStatus.SUPERSEDED or rng.random() < 0.7
                    version = AgreementVersion(
                        agreement=agreement, version_no=v.version_no, status=status,
                        effective_date=v.effective_date, start_date=v.start_date,
                        end_date=v.end_date, weekly_fee_pence=v.weekly_fee_pence,
                        activated_at=(dt.datetime(2024, 1, 1, 9) if activated else None),
                        ended_at=(None if v.ended_on is None
                                  else dt.datetime.combine(v.ended_on, dt.time(15, 30))))
                    for t in v.services:
                        version.services.append(AgreementService(
                            description=t.description, charge=t.charge,
                            amount_pence=t.amount_pence or t.weekly_pence,
                            start_date=t.start_date, end_date=t.end_date))
                    s.add(version)
                    if status != AgreementStatus.DRAFT and activated:
                        in_force.append(v)
                counted[str(child.id)] = in_force
        for _ in range(6):
            start = _day(rng)
            end = start + dt.timedelta(days=rng.randint(1, 400))
            found = {r.key: r for r in weeks_and_spend(db, start, end, "child")}
            for child_key, versions in counted.items():
                expected = _expected(versions, start, end)
                row = found.get(child_key)
                spend = row.spend_pence if row else 0
                days = round(row.paid_weeks * 7) if row else 0
                assert (days, spend) == (expected.days, expected.spend_pence), child_key
            assert any(r.spend_pence for r in found.values())
    finally:
        db.close()
