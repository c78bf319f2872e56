"""Children under 18 placed in unregistered provision: who, where, since when, why, and what
the council is doing about it.

Councils report these placements to the DfE and answer for them in Freedom of
Information requests. :data:`NEEDS_REGISTRATION` says which placement types need a
setting registered for that kind of care, and from when; :func:`problem` is the rule
for one placement, written out in the definition (:mod:`.definitions`). The reason
and action officers record are kept on the placement episode
(:func:`record_unregistered_note`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import numpy as np

from ...db import Database
from ...errors import ValidationError
from ...models import PlacementEpisode
from ...models.enums import SettingType
from .common import Figure, Records
from .selection import Selection, birthday_limit
from .snapshot import OPEN, SettingInfo

TEXT_LIMIT = 2000
"""Characters kept for a reason or an action."""


@dataclass(frozen=True, slots=True)
class Need:
    """A placement type that needs a registered setting of one of ``types``, from ``since``."""

    types: frozenset[str]
    since: dt.date | None = None


_ST = SettingType
NEEDS_REGISTRATION: dict[str, Need] = {
    "K1": Need(frozenset({_ST.SECURE_CHILDRENS_HOME.value})),
    "K2": Need(frozenset({_ST.CHILDRENS_HOME.value})),
    "K3": Need(frozenset({_ST.SUPPORTED_ACCOMMODATION.value})),
    # Supported accommodation for 16 and 17 year olds had to be registered from this day.
    "H5": Need(frozenset({_ST.SUPPORTED_ACCOMMODATION.value}), dt.date(2023, 10, 28)),
    # Care homes registered with the Care Quality Commission are recorded as "other
    # registered provision"; a home registered with Ofsted as a children's home will do.
    "R1": Need(frozenset({_ST.OTHER_REGULATED.value, _ST.CHILDRENS_HOME.value})),
    # Residential special schools, and boarding schools and colleges Ofsted registers
    # (recorded as other registered provision).
    "S1": Need(frozenset({_ST.RESIDENTIAL_SPECIAL_SCHOOL.value, _ST.OTHER_REGULATED.value})),
}
SUPPORTED_PLACES = frozenset({"K3", "H5"})
SUPPORTED_SETTINGS = frozenset({_ST.SUPPORTED_ACCOMMODATION.value, _ST.SEMI_INDEPENDENT.value,
                                _ST.SUPPORTED_LODGINGS.value})
UNDER_16_SINCE = dt.date(2021, 9, 9)
"""From this day children under 16 may not be placed in accommodation that does not care."""
NO_SETTING = "No setting recorded: cannot be checked"


NEEDED: dict[str, str] = {
    "K1": "a secure children's home", "K2": "a children's home",
    "K3": "supported accommodation", "H5": "supported accommodation",
    "R1": "a residential care home", "S1": "a residential school"}
"""What each placement type needs the setting to be registered as, in words."""


def problem(place: str, setting: SettingInfo | None, under_16: bool,
            on: dt.date) -> str | None:
    """Why a placement of type ``place`` in ``setting`` on ``on`` is unregistered provision,
    or None when it is not; :data:`NO_SETTING` when it needs a setting and has none."""
    if under_16 and on >= UNDER_16_SINCE and (
            place in SUPPORTED_PLACES
            or (setting is not None and setting.setting_type in SUPPORTED_SETTINGS)):
        return "Under 16 in supported accommodation, which may not provide care"
    need = NEEDS_REGISTRATION.get(place)
    if need is None or (need.since is not None and on < need.since):
        return None
    if setting is None:
        return NO_SETTING
    if not setting.registered or (setting.closed is not None
                                  and setting.closed <= on.toordinal()):
        return "Not registered with Ofsted"
    if setting.setting_type not in need.types:
        kind = SettingType(setting.setting_type).label.lower() \
            if setting.setting_type in {t.value for t in SettingType} else setting.setting_type
        return f"Registered as {_article(kind)} {kind}, not as {NEEDED.get(place, place)}"
    if setting.allowed_codes is not None and place not in setting.allowed_codes:
        return f"Ofsted's provider list does not allow placement type {place} here"
    return None


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


@dataclass(frozen=True, slots=True)
class UnregisteredRow:
    episode_id: str
    """As stored: 32 hex digits."""
    child_ref: str
    age: int | None
    placement_type: str
    setting_name: str
    urn: str | None
    since: dt.date
    """When the stay that needs registration began (the rule's start at the earliest)."""
    days: int
    """Days there up to and including the date."""
    problem: str
    reason: str | None
    action: str | None

    @property
    def how_long(self) -> str:
        """"12 days", "3 weeks and 2 days"."""
        weeks, days = divmod(self.days, 7)
        if not weeks:
            return f"{days} day{'s' if days != 1 else ''}"
        text = f"{weeks} week{'s' if weeks != 1 else ''}"
        return text + (f" and {days} day{'s' if days != 1 else ''}" if days else "")


@dataclass(frozen=True, slots=True)
class UnregisteredFigures:
    figure: Figure
    rows: tuple[UnregisteredRow, ...]
    unchecked: int
    """Placements that need a registered setting and have none recorded."""


def _age(born: int, on: dt.date) -> int | None:
    if born >= OPEN:
        return None
    birth = dt.date.fromordinal(born)
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def unregistered_figures(selection: Selection) -> UnregisteredFigures:
    """Every child under 18 in unregistered provision on the last day (no other filter)."""
    snap, on = selection.snap, selection.at
    e = snap.episodes
    eighteen = birthday_limit(on, 18)
    sixteen = birthday_limit(on, 16)
    born = snap.children.born
    born_all = born[e.child]
    under_18 = born_all > eighteen
    under_16 = under_18 & (born_all > sixteen) & (born_all < OPEN)
    needs = np.array([c in NEEDS_REGISTRATION for c in snap.codes.codes], dtype=np.bool_)
    supported_place = np.array([c in SUPPORTED_PLACES for c in snap.codes.codes],
                               dtype=np.bool_)
    supported_setting = np.array([s.setting_type in SUPPORTED_SETTINGS for s in snap.settings]
                                 + [False], dtype=np.bool_)  # last: no setting
    in_supported = supported_place[e.place] | supported_setting[
        np.where(e.setting >= 0, e.setting, len(snap.settings))]
    candidates = (selection.live_now & ~snap.codes.care_leaver[e.place] & under_18
                  & (needs[e.place] | (under_16 & in_supported)))
    live = np.flatnonzero(candidates)
    rows: list[UnregisteredRow] = []
    unchecked = 0
    for n in live.tolist():
        child = int(e.child[n])
        place = snap.codes.codes[int(e.place[n])]
        setting = snap.settings[int(e.setting[n])] if e.setting[n] >= 0 else None
        young = bool(under_16[n])
        found = problem(place, setting, young, on)
        if found is None:
            continue
        if found == NO_SETTING:
            unchecked += 1
            continue
        since = _stay_start(selection, n)
        need = NEEDS_REGISTRATION.get(place)
        if need is not None and need.since is not None and not young:
            since = max(since, need.since)
        reason, action = _note(selection, n)
        rows.append(UnregisteredRow(
            e.ids[n], snap.children.refs[child], _age(int(born[child]), on), place,
            setting.name if setting else "", setting.urn if setting else None, since,
            (on - since).days + 1, found, reason, action))
    rows.sort(key=lambda r: (-r.days, r.child_ref))
    ids = frozenset(r.episode_id for r in rows)
    figure = Figure("unregistered", len({r.child_ref for r in rows}), unit="count",
                    better="lower", unclassified=unchecked,
                    unclassified_label="with no setting recorded",
                    records=Records.of("unregistered", ids,
                                       f"In unregistered provision on {on:%d/%m/%Y}"))
    return UnregisteredFigures(figure, tuple(rows), unchecked)


def _stay_start(selection: Selection, episode: int) -> dt.date:
    """The start of the child's stay in this episode's setting: back through the episodes
    at the same setting that follow on without a gap."""
    return dt.date.fromordinal(int(selection.snap.chains.stay_start[episode]))


def _note(selection: Selection, episode: int) -> tuple[str | None, str | None]:
    """The reason and action recorded on this episode, else on the latest earlier episode
    of the same stay that has them."""
    snap = selection.snap
    e, chains = snap.episodes, snap.chains
    position = int(chains.position[episode])
    began = int(chains.stay_start[episode])
    while position >= 0:
        n = int(chains.order[position])
        if e.child[n] != e.child[episode] or e.start[n] < began:
            break
        if e.ids[n] in snap.notes:
            return snap.notes[e.ids[n]]
        position -= 1
    return None, None


def check_note(reason: str | None, action: str | None) -> tuple[str | None, str | None]:
    """The reason and action as they will be kept (trimmed; blank is none), or a
    ValidationError naming the field that is too long."""
    values = {"reason": (reason or "").strip() or None, "action": (action or "").strip() or None}
    for field, label in (("reason", "The reason"), ("action", "The action")):
        text = values[field]
        if text is not None and len(text) > TEXT_LIMIT:
            raise ValidationError(field, f"{label} is too long: {len(text):,} characters, and "
                                         f"{TEXT_LIMIT:,} at most are kept.")
    return values["reason"], values["action"]


def record_unregistered_note(db: Database, episode_id: uuid.UUID, reason: str | None,
                             action: str | None) -> None:
    """Keep why a child is in unregistered provision and what is being done, on the
    placement episode (blank text clears)."""
    kept_reason, kept_action = check_note(reason, action)
    with db.write() as session:
        episode = session.get(PlacementEpisode, episode_id)
        if episode is None or episode.deleted_at is not None:
            raise ValidationError("episode", "That placement is no longer held: refresh the "
                                             "list and choose it again.")
        episode.unregistered_reason = kept_reason
        episode.unregistered_action = kept_action
