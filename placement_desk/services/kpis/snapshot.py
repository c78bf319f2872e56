"""What the KPIs read, held in memory: episodes, children, settings, inspections, QA
visits, the fee ledger and the few counts that need SQL, as plain arrays and dictionaries.

A snapshot is read once (:mod:`.snapshot_reading`); the figures are then worked out
from memory for any filters (:mod:`.report`), so that the Dashboard re-filters without
reading again. A snapshot is for the dates it was read for (:attr:`Snapshot.dates`:
the periods' last days).

Dates are day ordinals (``date.toordinal()``); an open end is :data:`OPEN`. Ids are
as stored (32 hex digits). Episodes of deleted children, and deleted episodes, are
not read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from ...models.enums import CommissioningRoute, RegistrationStatus, SettingType
from ..register.area_figures import JudgementCounts, RegisterShares

OPEN = dt.date.max.toordinal()
"""The end of an episode or ledger run with no end."""
NOT_BORN = OPEN
"""The date of birth of a child with none recorded: never of any age."""
ROUTES: tuple[str, ...] = tuple(r.value for r in CommissioningRoute)
REGISTERED = frozenset(s.value for s in RegistrationStatus if s.group == "registered")
REGULATED = frozenset(t.value for t in SettingType if t.group == "regulated")

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Codes:
    """The PLACE codes met, each once, with what the figures need to know of each."""

    codes: tuple[str, ...]
    group: IntArray
    """Index into :data:`GROUP_ORDER`."""
    care_leaver: BoolArray
    temporary: BoolArray


@dataclass(frozen=True)
class Episodes:
    ids: list[str]
    child: IntArray
    start: IntArray
    end: IntArray
    place: IntArray
    """Index into :attr:`Snapshot.codes`."""
    setting: IntArray
    """Index into :attr:`Snapshot.settings`, -1 for none."""
    route: IntArray
    """Index into :data:`ROUTES`, -1 for none."""
    miles: FloatArray
    """NaN when not known."""
    legal_only: BoolArray
    """RNE L: only the legal status changed."""
    same_carers: BoolArray
    """RNE T or B: the placement changed but not the carers."""
    short_break: BoolArray
    postcodes: list[str | None]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Children:
    ids: list[str]
    born: IntArray
    """Day ordinal of the date of birth; :data:`NOT_BORN` when not recorded."""
    uasc: BoolArray
    refs: list[str]
    """Case references."""


@dataclass(frozen=True)
class SettingInfo:
    id: str
    name: str
    urn: str | None
    setting_type: str
    status: str
    provider: int
    """Index into :attr:`Snapshot.providers`, -1 for none."""
    judgement: str | None
    inspected: int | None
    next_qa_due: int | None
    allowed_codes: frozenset[str] | None
    closed: int | None

    @property
    def registered(self) -> bool:
        return self.status in REGISTERED

    @property
    def regulated(self) -> bool:
        return self.setting_type in REGULATED


@dataclass(frozen=True)
class ProviderInfo:
    id: str
    name: str
    is_council: bool


@dataclass(frozen=True)
class Ledger:
    """The fee ledger with each row's agreement's grouping: days are day ordinals."""

    agreement: IntArray
    first: IntArray
    end: IntArray
    weekly: IntArray
    one_off: BoolArray
    amount: IntArray
    agreement_episode: IntArray
    """Per agreement: its episode, -1 for none."""
    agreement_child: IntArray
    agreement_setting: IntArray
    agreement_place: IntArray
    """Per agreement: its placement type (the episode's, else its own), -1 for none."""
    agreement_route: IntArray


@dataclass(frozen=True)
class DatedCounts:
    """What is read in SQL for one date (a period's last day)."""

    overdue_action_ids: frozenset[str]
    contracts_ending_ids: frozenset[str]
    in_area: IntArray
    """Per episode live that day: 1 placed inside the council's area, 0 outside, -1 not
    known (and -1 for every episode not live then)."""


@dataclass(frozen=True)
class Snapshot:
    dates: tuple[dt.date, ...]
    codes: Codes
    episodes: Episodes
    children: Children
    settings: list[SettingInfo]
    providers: list[ProviderInfo]
    full_inspections: dict[int, tuple[list[int], list[str | None]]]
    """Setting index → (dates, judgements) of its full inspections, oldest first."""
    visits: dict[int, list[int]]
    """Setting index → dates of its completed QA visits, oldest first."""
    documents: Documents
    ledger: Ledger
    agreement_ids: list[str]
    last_reviews: dict[int, tuple[int, int | None]]
    """Provider index → (its latest signed-off review, the next review date that set)."""
    review_interval: int
    notes: dict[str, tuple[str | None, str | None]]
    """Episode id → (reason, action) recorded for unregistered provision."""
    at: dict[dt.date, DatedCounts]
    shares: RegisterShares
    region: str | None
    england_judgements: JudgementCounts
    region_judgements: JudgementCounts | None
    council_code: str

    @cached_property
    def setting_ids(self) -> list[str]:
        return [s.id for s in self.settings]

    @cached_property
    def setting_provider(self) -> IntArray:
        """Each setting's provider (index), -1 for none."""
        return np.array([s.provider for s in self.settings] or [], dtype=np.int64)

    @cached_property
    def episode_provider(self) -> IntArray:
        """Each episode's setting's provider, -1 for none."""
        found = np.full(len(self.episodes), -1, dtype=np.int64)
        has = self.episodes.setting >= 0
        found[has] = self.setting_provider[self.episodes.setting[has]]
        return found

    @cached_property
    def chains(self) -> Chains:
        return _chains(self.episodes)


@dataclass(frozen=True)
class Documents:
    """Every document with an expiry date: its setting or provider (-1 for neither), its
    kind and when it expires."""

    setting: IntArray
    provider: IntArray
    kind: IntArray
    expiry: IntArray


@dataclass(frozen=True)
class Chains:
    """Each episode's place in its child's history: episodes sorted by child and start
    (``order``), and when the run of episodes that follow on without a gap began."""

    order: IntArray
    position: IntArray
    """Each episode's position in ``order``."""
    care_start: IntArray
    """When the child's continuous period of care, up to this episode, began."""
    placement_start: IntArray
    """When the placement began: back through episodes that changed only the legal status
    (RNE L) or the placement but not the carers (RNE T or B)."""
    stay_start: IntArray
    """When the stay at this episode's setting began (the same setting throughout)."""


def _chains(e: Episodes) -> Chains:
    order = np.lexsort((e.start, e.child)).astype(np.int64)
    child, start, end = e.child[order], e.start[order], e.end[order]
    follows = np.zeros(len(order), dtype=np.bool_)
    if len(order) > 1:
        follows[1:] = (child[1:] == child[:-1]) & (end[:-1] == start[1:])

    def run_start(continues: BoolArray) -> IntArray:
        begins = ~continues
        first = np.flatnonzero(begins)
        run = np.cumsum(begins) - 1
        found = np.empty(len(order), dtype=np.int64)
        found[order] = start[first[run]] if len(order) else start
        return found

    setting = e.setting[order]
    same_setting = np.zeros(len(order), dtype=np.bool_)
    if len(order) > 1:
        same_setting[1:] = setting[1:] == setting[:-1]
    continues = follows & (e.legal_only[order] | e.same_carers[order])
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    return Chains(order, position, run_start(follows), run_start(continues),
                  run_start(follows & same_setting))
