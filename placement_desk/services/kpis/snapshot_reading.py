"""Reading a snapshot: everything the KPIs read, read once, into the plain arrays and
dictionaries of :mod:`.snapshot`.

Reading is the slow part (a large council's 60,000 episodes); the figures are then
worked out from memory. What depends on a date in SQL (the actions tracker's overdue
rule, the contracts' alerts, the postcode lookup of the placements live then) is read
for the snapshot's dates only.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from ...db import Database
from ...dbsql import day_number, fetch_stored, stored
from ...models import (
    Action,
    Agreement,
    AgreementVersion,
    Child,
    FeeLedgerEntry,
    OfstedInspection,
    PlacementEpisode,
    Provider,
    ProviderDocument,
    QaVisit,
    Setting,
)
from ...models.enums import (
    DocumentKind,
    InspectionEventType,
    PlacementType,
    QaVisitStatus,
)
from ..agreements.fee_ledger import JULIAN_OFFSET, in_force
from ..common.settings_store import COUNCIL_AREA, get_setting
from ..contracts.alerts import _contract_alerts
from ..contracts.review_due import _last_signed_off
from ..contracts.terms import review_interval_months
from ..placements.distance import area_codes, in_area, postcode_key
from ..qa.actions import overdue_condition
from ..register.area_figures import (
    JudgementCounts,
    RegisterShares,
    council_area,
    register_judgements,
    register_shares,
)
from .common import GROUP_ORDER, SHORT_BREAKS, TEMPORARY, group_of
from .snapshot import (
    NOT_BORN,
    OPEN,
    ROUTES,
    Children,
    Codes,
    DatedCounts,
    Documents,
    Episodes,
    IntArray,
    Ledger,
    ProviderInfo,
    SettingInfo,
    Snapshot,
)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while tens of thousands of row tuples are
    made (none can be part of a cycle); see :mod:`..agreements.costs`."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class _Days:
    """Stored ISO dates (text) to day ordinals, each distinct text worked out once."""

    def __init__(self) -> None:
        self.seen: dict[str | None, int] = {None: OPEN, "": OPEN}

    def __call__(self, text: str | None) -> int:
        found = self.seen.get(text)
        if found is None:
            assert text is not None
            found = self.seen[text] = dt.date.fromisoformat(text[:10]).toordinal()
        return found

    def maybe(self, text: str | None) -> int | None:
        return None if text is None else self(text)


def _index(ids: Iterable[str]) -> dict[str, int]:
    return {v: n for n, v in enumerate(ids)}


def _codes(places: Sequence[str]) -> Codes:
    groups = [GROUP_ORDER.index(group_of(code)) for code in places]
    return Codes(tuple(places), np.array(groups, dtype=np.int64),
                 np.array([group_of(c) == "Care leavers" for c in places], dtype=np.bool_),
                 np.array([c in TEMPORARY for c in places], dtype=np.bool_))


def _read_children(session: Session, days: _Days) -> Children:
    rows = fetch_stored(session, select(stored(Child.id), stored(Child.date_of_birth),
                                        Child.uasc, Child.case_ref)
                        .where(Child.deleted_at.is_(None)))
    return Children([r[0] for r in rows],
                    np.array([days(r[1]) if r[1] else NOT_BORN for r in rows], dtype=np.int64),
                    np.array([bool(r[2]) for r in rows], dtype=np.bool_),
                    [r[3] for r in rows])


def _read_settings(session: Session, days: _Days
                   ) -> tuple[list[SettingInfo], list[ProviderInfo]]:
    providers = [ProviderInfo(pid, name or "", bool(council)) for pid, name, council in
                 fetch_stored(session, select(stored(Provider.id), Provider.name,
                                              Provider.is_council))]
    provider_at = _index(p.id for p in providers)
    settings = []
    for (sid, name, urn, kind, status, pid, judged, inspected, due, allowed,
         closed) in fetch_stored(session, select(
            stored(Setting.id), Setting.name, Setting.urn, stored(Setting.setting_type),
            stored(Setting.registration_status), stored(Setting.provider_id),
            stored(Setting.latest_judgement), stored(Setting.latest_inspection_date),
            stored(Setting.next_qa_due), Setting.allowed_placement_codes,
            stored(Setting.closed_date)).where(Setting.deleted_at.is_(None))):
        codes = (frozenset(c.strip().upper() for c in allowed.split(",") if c.strip())
                 if allowed else None)
        settings.append(SettingInfo(
            sid, name or "", urn, kind, status, provider_at.get(pid, -1) if pid else -1,
            judged or None, days.maybe(inspected), days.maybe(due), codes or None,
            days.maybe(closed)))
    return settings, providers


def _day(column: Any) -> Any:
    """A stored date as a day ordinal, worked out by the database (an open end: OPEN)."""
    return func.coalesce(day_number(stored(column)), OPEN + JULIAN_OFFSET) - JULIAN_OFFSET


def _read_episodes(session: Session, child_at: dict[str, int], setting_at: dict[str, int],
                   since: dt.date) -> tuple[Episodes, Codes]:
    """Episodes not deleted, of children not deleted, not ended before ``since``."""
    pe = PlacementEpisode
    change = case((pe.reason_new_episode == "L", 1),
                  (pe.reason_new_episode.in_(("T", "B")), 2), else_=0)
    short = case((pe.legal_status.in_(sorted(SHORT_BREAKS)), 1), else_=0)
    rows = fetch_stored(session, select(
        stored(pe.id), stored(pe.child_id), _day(pe.start_date), _day(pe.end_date),
        pe.placement_type, stored(pe.setting_id), stored(pe.commissioning_route),
        pe.distance_miles, change, short, pe.placement_postcode)
        .where(pe.deleted_at.is_(None),
               or_(pe.end_date.is_(None), stored(pe.end_date) > since.isoformat())))
    (ids, children, starts, ends, places, settings, routes, miles, changes, shorts,
     postcodes) = (list(c) for c in zip(*rows, strict=True)) if rows else ([],) * 11
    child = np.array([child_at.get(c, -1) for c in children], dtype=np.int64)
    if (child < 0).any():  # episodes of deleted children are left out
        keep = child >= 0
        chosen = np.flatnonzero(keep).tolist()
        child = child[keep]
        ids, starts, ends, places, settings, routes, miles, changes, shorts, postcodes = (
            [column[n] for n in chosen] for column in (
                ids, starts, ends, places, settings, routes, miles, changes, shorts,
                postcodes))
    place_at: dict[str, int] = {m.value: n for n, m in enumerate(PlacementType)}
    for code in places:
        if code not in place_at:
            place_at[code] = len(place_at)
    route_at: dict[str | None, int] = {v: n for n, v in enumerate(ROUTES)}
    setting_of: dict[str | None, int] = {k: v for k, v in setting_at.items()}
    setting_of[None] = -1
    kinds = np.array(changes, dtype=np.int64)
    episodes = Episodes(
        ids=ids,
        child=child,
        start=np.array(starts, dtype=np.int64),
        end=np.array(ends, dtype=np.int64),
        place=np.array([place_at[c] for c in places], dtype=np.int64),
        setting=np.array([setting_of.get(v, -1) for v in settings], dtype=np.int64),
        route=np.array([route_at.get(v, -1) for v in routes], dtype=np.int64),
        miles=np.array(miles, dtype=np.float64),  # None becomes NaN
        legal_only=kinds == 1,
        same_carers=kinds == 2,
        short_break=np.array(shorts, dtype=np.bool_),
        postcodes=postcodes)
    return episodes, _codes(list(place_at))


def _read_ledger(session: Session, episode_at: dict[str, int], child_at: dict[str, int],
                 setting_at: dict[str, int], codes: Codes, episodes: Episodes,
                 since: dt.date) -> tuple[Ledger, list[str]]:
    """Agreements not deleted, of children not deleted, and their ledger rows not ended
    before ``since``."""
    ag, av, fl = Agreement, AgreementVersion, FeeLedgerEntry
    agreements = [r for r in fetch_stored(session, select(
        stored(ag.id), stored(ag.episode_id), stored(ag.child_id), stored(ag.setting_id))
        .where(ag.deleted_at.is_(None))) if r[2] in child_at]
    # An agreement with no episode (or none still held) takes its first version in force's type.
    loose = [r[0] for r in agreements if r[1] not in episode_at]
    own: dict[str, str] = {}
    if loose:
        for aid, place in fetch_stored(session, select(stored(av.agreement_id),
                                                       av.placement_type)
                                       .where(in_force(), av.placement_type.is_not(None))
                                       .order_by(av.agreement_id, av.version_no)):
            own.setdefault(aid, place)
    place_at = {c: n for n, c in enumerate(codes.codes)}
    agreement_at = _index(r[0] for r in agreements)
    episode = np.array([episode_at.get(r[1], -1) for r in agreements], dtype=np.int64)
    linked = episode >= 0
    place = np.array([place_at.get(own.get(r[0], ""), -1) for r in agreements], dtype=np.int64)
    route = np.full(len(agreements), -1, dtype=np.int64)
    place[linked] = episodes.place[episode[linked]]
    route[linked] = episodes.route[episode[linked]]
    setting_of: dict[str | None, int] = {k: v for k, v in setting_at.items()}
    setting_of[None] = -1
    open_day = OPEN + JULIAN_OFFSET
    rows = fetch_stored(session, select(
        stored(fl.agreement_id), fl.first_day, func.coalesce(fl.end_day, open_day),
        fl.weekly_pence, fl.is_one_off, fl.one_off_pence)
        .where(or_(fl.end_day.is_(None), fl.end_day > since.toordinal() + JULIAN_OFFSET)))
    owners, firsts, ends, weekly, one_off, amounts = (
        zip(*rows, strict=True) if rows else ((),) * 6)
    agreement = np.array([agreement_at.get(a, -1) for a in owners], dtype=np.int64)
    kept = agreement >= 0
    ledger = Ledger(
        agreement=agreement[kept],
        first=(np.array(firsts, dtype=np.int64) - JULIAN_OFFSET)[kept],
        end=(np.array(ends, dtype=np.int64) - JULIAN_OFFSET)[kept],
        weekly=np.array(weekly, dtype=np.int64)[kept],
        one_off=np.array(one_off, dtype=np.bool_)[kept],
        amount=np.array(amounts, dtype=np.int64)[kept],
        agreement_episode=episode,
        agreement_child=np.array([child_at[r[2]] for r in agreements], dtype=np.int64),
        agreement_setting=np.array([setting_of.get(r[3], -1) for r in agreements],
                                   dtype=np.int64),
        agreement_place=place,
        agreement_route=route)
    return ledger, [r[0] for r in agreements]


def _read_inspections(session: Session, days: _Days, setting_at: dict[str, int]
                      ) -> dict[int, tuple[list[int], list[str | None]]]:
    oi = OfstedInspection
    found: dict[int, tuple[list[int], list[str | None]]] = {}
    for sid, day, overall, outcome in fetch_stored(session, select(
            stored(oi.setting_id), stored(oi.inspection_date), stored(oi.overall_judgement),
            stored(oi.supported_accommodation_outcome))
            .where(oi.event_type == InspectionEventType.FULL)
            .order_by(oi.setting_id, oi.inspection_date)):
        n = setting_at.get(sid)
        if n is None:
            continue
        dates, judgements = found.setdefault(n, ([], []))
        dates.append(days(day))
        judgements.append(overall or outcome or None)
    return found


def _read_visits(session: Session, days: _Days, setting_at: dict[str, int]
                 ) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    for sid, day in fetch_stored(session, select(stored(QaVisit.setting_id),
                                                 stored(QaVisit.visit_date))
                                 .where(QaVisit.deleted_at.is_(None),
                                        QaVisit.status == QaVisitStatus.COMPLETED,
                                        QaVisit.visit_date.is_not(None))
                                 .order_by(QaVisit.visit_date)):
        n = setting_at.get(sid)
        if n is not None:
            found[n].append(days(day))
    return dict(found)


def _read_documents(session: Session, days: _Days, setting_at: dict[str, int],
                    provider_at: dict[str, int]) -> Documents:
    pd = ProviderDocument
    rows = fetch_stored(session, select(
        stored(pd.setting_id), stored(pd.provider_id), stored(pd.kind), stored(pd.expiry_date))
        .where(pd.deleted_at.is_(None), pd.expiry_date.is_not(None)))
    kinds = {k.value: n for n, k in enumerate(DocumentKind)}
    return Documents(
        np.array([setting_at.get(r[0], -1) if r[0] else -1 for r in rows], dtype=np.int64),
        np.array([provider_at.get(r[1], -1) if r[1] else -1 for r in rows], dtype=np.int64),
        np.array([kinds.get(r[2], len(kinds)) for r in rows], dtype=np.int64),
        np.array([days(r[3]) for r in rows], dtype=np.int64))


def _dated(session: Session, on: dt.date, episodes: Episodes,
           where: dict[str, bool | None], keys: dict[str | None, str | None]) -> DatedCounts:
    """What is read in SQL for one day; ``where`` says which postcode keys are in the
    council's area, ``keys`` each placement postcode's key."""
    overdue = frozenset(str(r[0]) for r in fetch_stored(session, select(stored(Action.id)).where(
        Action.deleted_at.is_(None), overdue_condition(on))))
    ending = frozenset(a.contract_id.hex for a in _contract_alerts(session, on)
                       if a.kind == "ending")
    found = np.full(len(episodes), -1, dtype=np.int64)
    if where:
        postcodes = episodes.postcodes
        for n in _live(episodes, on).tolist():
            key = keys.get(postcodes[n])
            inside = where.get(key) if key else None
            if inside is not None:
                found[n] = int(inside)
    return DatedCounts(overdue, ending, found)


def _live(episodes: Episodes, on: dt.date) -> IntArray:
    day = on.toordinal()
    return np.flatnonzero((episodes.start <= day) & (episodes.end > day))


def _areas(session: Session, episodes: Episodes, dates: Iterable[dt.date], council_code: str
           ) -> tuple[dict[str, bool | None], dict[str | None, str | None]]:
    """Whether each postcode of a placement live on one of ``dates`` is in the council's
    area (by lookup key), and each postcode's key."""
    if not council_code:
        return {}, {}
    postcodes = episodes.postcodes
    texts = {postcodes[n] for on in dates for n in _live(episodes, on).tolist()}
    keys = {text: postcode_key(text) for text in texts}
    codes = area_codes(session, {k for k in keys.values() if k})
    return {k: in_area(council_code, codes.get(k)) for k in codes}, keys


def read_snapshot(session: Session, dates: Sequence[dt.date], shares: RegisterShares,
                  region: str | None, judgements: tuple[JudgementCounts, JudgementCounts | None]
                  ) -> Snapshot:
    """Read everything for figures on ``dates``; ``shares`` and ``region`` are the
    register's figures and the council's region (helper: :func:`load_snapshot` reads
    them and opens the session)."""
    with _collector_paused():
        days = _Days()
        children = _read_children(session, days)
        child_at = _index(children.ids)
        settings, providers = _read_settings(session, days)
        setting_at = _index(s.id for s in settings)
        provider_at = _index(p.id for p in providers)
        since = earliest_needed(dates)
        episodes, codes = _read_episodes(session, child_at, setting_at, since)
        episode_at = _index(episodes.ids)
        ledger, agreement_ids = _read_ledger(session, episode_at, child_at, setting_at, codes,
                                             episodes, since)
        pe = PlacementEpisode
        notes = {eid: (reason, action) for eid, reason, action in fetch_stored(
            session, select(stored(pe.id), pe.unregistered_reason, pe.unregistered_action)
            .where(pe.deleted_at.is_(None), or_(pe.unregistered_reason.is_not(None),
                                               pe.unregistered_action.is_not(None))))}
        last_reviews = {provider_at[pid.hex]: (day.toordinal(),
                                               due.toordinal() if due else None)
                        for pid, (day, due) in _last_signed_off(session).items()
                        if pid.hex in provider_at}
        council_code = str(get_setting(session, COUNCIL_AREA) or "")
        where, keys = _areas(session, episodes, dates, council_code)
        return Snapshot(
            dates=tuple(dates), codes=codes, episodes=episodes, children=children,
            settings=settings, providers=providers,
            full_inspections=_read_inspections(session, days, setting_at),
            visits=_read_visits(session, days, setting_at),
            documents=_read_documents(session, days, setting_at, provider_at),
            ledger=ledger, agreement_ids=agreement_ids, last_reviews=last_reviews,
            review_interval=review_interval_months(session), notes=notes,
            at={d: _dated(session, d, episodes, where, keys) for d in dict.fromkeys(dates)},
            shares=shares, region=region, england_judgements=judgements[0],
            region_judgements=judgements[1], council_code=council_code)


HISTORY_YEARS = 6
"""How far back a snapshot reads: the year-by-year figures go five years back from the
period's end, each over the 12 months before, and the forecast to 31 March five years
back."""


def earliest_needed(dates: Sequence[dt.date]) -> dt.date:
    """The first day any figure for ``dates`` looks at: episodes and fees that ended before
    it are not read."""
    first = min(dates)
    return dt.date(first.year - HISTORY_YEARS - 1, 1, 1)


def load_snapshot(db: Database, dates: Sequence[dt.date]) -> Snapshot:
    """Everything the figures for ``dates`` (periods' last days) need, read in one go."""
    shares = register_shares(db)
    area = council_area(db, max(dates))
    region = shares.region_of.get(area) if area else None
    england, regions = register_judgements(db)
    with db.read() as session:
        return read_snapshot(session, dates, shares, region,
                             (england, regions.get(region) if region else None))
