"""What needs doing: overdue actions, contract reviews overdue, contracts ending soon and
documents expired, on the last day of the period.

These count work, not children, so the child filters do not apply. The rules are
the trackers' own: the actions tracker's overdue condition, the contract review due
rule (:func:`~..contracts.review_due.next_review_due`), the contracts' ending-soon
alerts and the documents' expiry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ..contracts.review_due import next_review_due
from .common import Figure, Records
from .selection import Selection
from .snapshot import OPEN


@dataclass(frozen=True, slots=True)
class AttentionFigures:
    overdue_actions: Figure
    reviews_due: Figure
    contracts_ending: Figure
    documents_expired: Figure


def attention_figures(selection: Selection) -> AttentionFigures:
    snap, on = selection.snap, selection.at
    dated = snap.at.get(on)
    overdue_ids = dated.overdue_action_ids if dated else frozenset()
    ending_ids = dated.contracts_ending_ids if dated else frozenset()
    e = snap.episodes
    live = selection.live_now & (e.setting >= 0)
    in_use = np.zeros(len(snap.settings), dtype=np.bool_)
    in_use[e.setting[live]] = True
    # Providers other than the council with a placement live, and when the earliest began.
    council = np.array([p.is_council for p in snap.providers], dtype=np.bool_)
    provider = snap.episode_provider
    commissioned = live & (provider >= 0)
    if len(council):
        commissioned &= ~council[np.maximum(provider, 0)]
    first_start = np.full(len(snap.providers), OPEN, dtype=np.int64)
    np.minimum.at(first_start, provider[commissioned], e.start[commissioned])
    overdue_reviews = []
    for p in np.flatnonzero(first_start < OPEN).tolist():
        last, set_due = snap.last_reviews.get(p, (None, None))
        due = next_review_due(_date(last), _date(set_due), _date(int(first_start[p])),
                              snap.review_interval)
        if due is not None and due < on:
            overdue_reviews.append(snap.providers[p].id)
    # The latest document of each kind, of each setting in use and each of their providers.
    docs = snap.documents
    provider_in_use = np.zeros(len(snap.providers), dtype=np.bool_)
    owners = snap.setting_provider[in_use] if len(snap.settings) else np.array([], np.int64)
    provider_in_use[owners[owners >= 0]] = True
    of_setting = (docs.setting >= 0) & in_use[np.maximum(docs.setting, 0)] \
        if len(in_use) else np.zeros(len(docs.setting), dtype=np.bool_)
    of_provider = (docs.setting < 0) & (docs.provider >= 0) & (
        provider_in_use[np.maximum(docs.provider, 0)] if len(provider_in_use)
        else np.zeros(len(docs.setting), dtype=np.bool_))
    # Owners: settings by their index, providers after them; the latest of each kind.
    kept = np.flatnonzero(of_setting | of_provider)
    owner = np.where(of_setting[kept], docs.setting[kept],
                     len(snap.settings) + docs.provider[kept])
    kinds = int(docs.kind.max()) + 1 if len(docs.kind) else 1
    key = owner * kinds + docs.kind[kept]
    order = np.lexsort((docs.expiry[kept], key))
    newest = np.ones(len(order), dtype=np.bool_)
    if len(order) > 1:
        newest[:-1] = key[order][1:] != key[order][:-1]
    latest = order[newest]
    expired = latest[docs.expiry[kept][latest] < selection.day]
    owners = owner[expired]
    expired_providers = set((owners[owners >= len(snap.settings)]
                             - len(snap.settings)).tolist())
    expired_settings = set(owners[owners < len(snap.settings)].tolist()) | {
        s for s in np.flatnonzero(in_use).tolist()
        if snap.settings[s].provider in expired_providers}
    return AttentionFigures(
        Figure("overdue_actions", len(overdue_ids), unit="count", better="lower",
               records=Records.of("actions", overdue_ids, "Overdue actions",
                                  (("due", "overdue"),))),
        Figure("reviews_due", len(overdue_reviews), unit="count", better="lower",
               records=Records.of("reviews", overdue_reviews, "Contract reviews overdue")),
        Figure("contracts_ending", len(ending_ids), unit="count",
               records=Records.of("contracts", ending_ids, "Contracts ending soon")),
        Figure("documents_expired", len(expired), unit="count", better="lower",
               records=selection.setting_records(expired_settings,
                                                 "Settings with documents expired")))


def _date(ordinal: int | None) -> dt.date | None:
    return dt.date.fromordinal(ordinal) if ordinal is not None else None

