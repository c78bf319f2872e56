"""The fee ledger: what each agreement costs a week over which days, kept in step with its terms.

Weeks and spend (:mod:`placement_desk.services.costs`) sums this table with one query
instead of working out every agreement's fee history each time. For each agreement
it holds

* one row per run of days over which the agreement was in force at one weekly cost
  (the version's fee plus the recurring services running on those days), and
* one row per one-off charge, on the day it falls (a one-off without a start date
  falls on the agreement's start; the same one-off repeated on later versions counts
  once).

A version counts from its effective date (or its start, if later) until the next
version's effective date or the agreement's end: the last version's end date, else
the day it was ended. Only versions in force, or once in force, count: active and
ended ones, and superseded ones that were activated. Days are whole Julian day
numbers (:func:`day`), ends exclusive, NULL open.

The rows are derived and never edited:

* a hook on every session rewrites an agreement's rows whenever a flush writes one
  of its versions or services, in the same transaction (a rollback takes them back);
* bulk loads through Core (the demo generator) call :func:`rebuild`;
* opening a database rebuilds the whole ledger when it was built by another
  :data:`FORMULA` or never (just after the migration that made the table).

The tests hold :func:`entries` to the readable date arithmetic of
:func:`placement_desk.services.agreements.costs.fee_segments` and ``agreement_spend``.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from itertools import chain, pairwise
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, and_, delete, insert, inspect, or_, select
from sqlalchemy.orm import Session

from ...dbsql import day_number, stored
from ...models import AgreementService, AgreementVersion, AppSetting, FeeLedgerEntry
from ...models.base import utcnow
from ...models.enums import AgreementStatus, ServiceCharge
from .fees import charge_weekly_pence
from .ledger_hook import FORMULA, FORMULA_KEY, built_with_current_formula

log = logging.getLogger(__name__)

JULIAN_OFFSET = 1721424
"""A date's whole Julian day number minus its ``date.toordinal()``."""
CHUNK = 500
"""Agreements per query when refreshing some (keeps ``IN`` lists short)."""
_PENDING = "fee_ledger.pending"

class Version(NamedTuple):
    """A version in force, as the formula reads it; days are day numbers."""

    effective: int
    version_no: int
    start: int
    end: int | None
    ended_on: int | None
    weekly_fee_pence: int
    id: Any
    """The version's id as stored: what :class:`Service` lists are keyed by."""


class Service(NamedTuple):
    """A service on a version; days are day numbers (None: from the version's start, or
    open-ended)."""

    one_off: bool
    weekly_pence: int
    one_off_pence: int
    description: str
    start: int | None
    end: int | None


class Entry(NamedTuple):
    """One ledger row: a run of days [first_day, end_day) at a weekly cost, or a one-off."""

    first_day: int
    end_day: int | None
    weekly_pence: int
    is_one_off: bool
    one_off_pence: int


class _Running(NamedTuple):
    """A recurring service's days within one version's run, and its weekly cost."""

    start: int
    end: int | None
    weekly_pence: int


def day(date: dt.date) -> int:
    """A date as a whole Julian day number, as :class:`~placement_desk.dbsql.day_number` reads."""
    return date.toordinal() + JULIAN_OFFSET


# --- The formula ---------------------------------------------------------------------------

def entries(versions: Sequence[Version], services: Mapping[Any, Sequence[Service]]
            ) -> list[Entry]:
    """One agreement's ledger rows, from its versions in force and their services."""
    if not versions:
        return []
    ordered = sorted(versions, key=lambda v: (v.effective, v.version_no))
    last = ordered[-1]
    agreement_end = last.end if last.end is not None else last.ended_on
    first_start = min(v.start for v in ordered)
    found: list[Entry] = []
    seen: set[tuple[str, int, int]] = set()
    count = len(ordered)
    for n, version in enumerate(ordered):
        seg_start = max(version.effective, version.start)
        seg_end = ordered[n + 1].effective if n + 1 < count else None
        if agreement_end is not None and (seg_end is None or agreement_end < seg_end):
            seg_end = agreement_end
        if seg_end is not None and seg_end <= seg_start:
            continue  # replaced before it started
        running: list[_Running] = []
        for service in services.get(version.id, ()):
            s_start, s_end = service.start, service.end
            if service.one_off:
                on = s_start if s_start is not None else first_start
                key = (service.description, service.one_off_pence, on)
                if key not in seen:
                    seen.add(key)
                    found.append(Entry(on, on + 1, 0, True, service.one_off_pence))
                continue
            a = seg_start if s_start is None or s_start < seg_start else s_start
            b = seg_end if s_end is None or (seg_end is not None and seg_end < s_end) else s_end
            if service.weekly_pence and (b is None or a < b):
                running.append(_Running(a, b, service.weekly_pence))
        found.extend(_runs(seg_start, seg_end, version.weekly_fee_pence, running))
    return found


def _runs(start: int, end: int | None, fee: int, running: Sequence[_Running]) -> list[Entry]:
    """[start, end) cut wherever a service starts or stops, each run at its weekly cost."""
    if not running:
        return [Entry(start, end, fee, False, 0)]
    cuts = sorted({start, *(r.start for r in running),
                   *(r.end for r in running if r.end is not None),
                   *(() if end is None else (end,))})
    bounds: list[int | None] = [*cuts, None] if end is None else list(cuts)
    runs: list[Entry] = []
    for x, y in pairwise(bounds):
        assert x is not None
        weekly = fee + sum(r.weekly_pence for r in running
                           if r.start <= x and (r.end is None or (y is not None and y <= r.end)))
        runs.append(Entry(x, y, weekly, False, 0))
    return runs


# --- Reading the agreements and writing their rows ----------------------------------------

def in_force() -> Any:
    """The condition picking versions that count: in force now or once."""
    av = AgreementVersion
    return or_(av.status.in_([AgreementStatus.ACTIVE, AgreementStatus.ENDED]),
               and_(av.status == AgreementStatus.SUPERSEDED, av.activated_at.is_not(None)))


def _read(conn: Connection, agreement_ids: Collection[uuid.UUID] | None
          ) -> tuple[dict[uuid.UUID, list[Version]], dict[Any, list[Service]]]:
    """Versions in force by agreement, and their services by version id (all, or some)."""
    av, svc = AgreementVersion, AgreementService
    versions_query = select(
        av.agreement_id, day_number(stored(av.effective_date)), av.version_no,
        day_number(stored(av.start_date)), day_number(stored(av.end_date)),
        day_number(stored(av.ended_at)), av.weekly_fee_pence, stored(av.id)).where(in_force())
    services_query = (select(stored(svc.version_id), stored(svc.charge), svc.hours_per_week,
                             svc.rate_pence, svc.amount_pence, svc.description,
                             day_number(stored(svc.start_date)),
                             day_number(stored(svc.end_date)))
                      .join(av, av.id == svc.version_id).where(in_force()))
    if agreement_ids is not None:
        versions_query = versions_query.where(av.agreement_id.in_(agreement_ids))
        services_query = services_query.where(av.agreement_id.in_(agreement_ids))
    versions: dict[uuid.UUID, list[Version]] = defaultdict(list)
    for aid, *version in conn.execute(versions_query):
        versions[aid].append(Version(*version))
    services: dict[Any, list[Service]] = defaultdict(list)
    weekly_of: dict[tuple[Any, ...], int] = {}
    for vid, charge, hours, rate, amount, desc, s_start, s_end in conn.execute(services_query):
        one_off = charge == ServiceCharge.ONE_OFF
        terms = (charge, hours, rate, amount)
        weekly = weekly_of.get(terms)
        if weekly is None:
            weekly = weekly_of[terms] = charge_weekly_pence(charge, hours, rate, amount)
        services[vid].append(Service(one_off, weekly, (amount or 0) if one_off else 0,
                                     desc or "", s_start, s_end))
    return versions, services


def _write(conn: Connection, versions: Mapping[uuid.UUID, list[Version]],
           services: Mapping[Any, list[Service]]) -> int:
    rows = [{"agreement_id": aid, **entry._asdict()}
            for aid, agreement in versions.items()
            for entry in entries(agreement, services)]
    for i in range(0, len(rows), 5000):
        conn.execute(insert(FeeLedgerEntry), rows[i:i + 5000])
    return len(rows)


def refresh(conn: Connection, agreement_ids: Iterable[uuid.UUID]) -> None:
    """Rewrite the ledger rows of some agreements from their versions and services."""
    ids = sorted(set(agreement_ids))
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        conn.execute(delete(FeeLedgerEntry).where(FeeLedgerEntry.agreement_id.in_(chunk)))
        _write(conn, *_read(conn, chunk))


def rebuild(conn: Connection, now: dt.datetime | None = None) -> int:
    """Rewrite the whole ledger and record the formula it was built with (at ``now``,
    default the present); the number of rows."""
    conn.execute(delete(FeeLedgerEntry))
    count = _write(conn, *_read(conn, None))
    conn.execute(delete(AppSetting).where(AppSetting.key == FORMULA_KEY))
    conn.execute(insert(AppSetting).values(key=FORMULA_KEY, value=FORMULA,
                                        updated_at=now or utcnow()))
    return count


def ensure_current(engine: Engine) -> bool:
    """Rebuild the ledger if it was built by another formula or never; True if rebuilt."""
    if built_with_current_formula(engine):  # every start: one plain read
        return False
    with engine.begin() as conn:
        built = conn.execute(select(AppSetting.value)
                             .where(AppSetting.key == FORMULA_KEY)).scalar()
        if built == FORMULA:  # another officer's copy built it a moment ago
            return False
        log.info("Building the fee ledger (formula %s, was %s)", FORMULA, built)
        rebuild(conn)
        return True


# --- The session hook ----------------------------------------------------------------------

def note_touched(session: Session, _context: Any) -> None:
    """After a flush: note the agreements whose versions or services it wrote."""
    agreements: set[uuid.UUID] = set()
    versions: set[uuid.UUID] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, AgreementVersion):
            values = inspect(obj).dict
            if values.get("agreement_id") is not None:
                agreements.add(values["agreement_id"])
            elif values.get("id") is not None:
                versions.add(values["id"])
        elif isinstance(obj, AgreementService):
            values = inspect(obj).dict
            if values.get("version_id") is not None:
                versions.add(values["version_id"])
    if agreements or versions:
        pending = session.info.setdefault(_PENDING, (set(), set()))
        pending[0].update(agreements)
        pending[1].update(versions)


def bring_up_to_date(session: Session, _context: Any) -> None:
    """Once the flush is done: rewrite the noted agreements' rows on its connection."""
    pending = session.info.pop(_PENDING, None)
    if pending is None:
        return
    agreements, versions = pending
    conn = session.connection()
    found = sorted(versions)
    for i in range(0, len(found), CHUNK):
        agreements.update(conn.execute(
            select(AgreementVersion.agreement_id)
            .where(AgreementVersion.id.in_(found[i:i + CHUNK]))).scalars())
    refresh(conn, agreements)
