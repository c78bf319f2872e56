"""The fast day-number arithmetic of weeks and spend gives the same answers as the
readable date arithmetic (fee_segments + agreement_spend), on many random agreements."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from placement_desk.services import costs
from placement_desk.services.costs import (
    JULIAN_OFFSET,
    ServiceTerms,
    VersionTerms,
    agreement_spend,
    fee_segments,
)

BASE = dt.date(2024, 1, 1)


def _day(rng: random.Random, span: int = 900) -> dt.date:
    return BASE + dt.timedelta(days=rng.randrange(span))


def _jd(day: dt.date | None) -> int | None:
    return None if day is None else day.toordinal() + JULIAN_OFFSET


def _random_agreement(rng: random.Random) -> list[VersionTerms]:
    aid = uuid.uuid4()
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


def test_day_number_spend_matches_the_date_arithmetic() -> None:
    rng = random.Random(20261123)
    checked_with_services = 0
    for _ in range(3000):
        versions = _random_agreement(rng)
        period_start = _day(rng)
        period_end = period_start + dt.timedelta(days=rng.randint(1, 500))
        expected = agreement_spend(fee_segments(versions), period_start, period_end,
                                   min(v.start_date for v in versions))
        services: dict[str, list[costs._Service]] = {}
        plain: list[costs._Version] = []
        for v in versions:
            vid = f"{v.agreement_id.hex}-{v.version_no}"
            services[vid] = [(s.charge == "one_off", s.weekly_pence, s.amount_pence,
                              s.description, _jd(s.start_date), _jd(s.end_date))
                             for s in v.services]
            checked_with_services += bool(v.services)
            plain.append((_jd(v.effective_date), v.version_no, _jd(v.start_date),  # type: ignore[arg-type]
                          _jd(v.end_date), _jd(v.ended_on), v.weekly_fee_pence, vid))
        days, pence_days, one_off = costs._spend(plain, services, _jd(period_start),  # type: ignore[arg-type]
                                                 _jd(period_end))  # type: ignore[arg-type]
        assert (days, costs.round_half_up(pence_days, 7) + one_off, one_off) == (
            expected.days, expected.spend_pence, expected.one_off_pence), versions
    assert checked_with_services > 1000
