"""The SSDA903 checks on placement episodes, as errors and warnings naming the field.

The rules follow the DfE's 903 guidance and validator as closely as a short list can,
kept deliberately simple:

* **URN required** for PLACE K1, K2, K3, R1 and S1 (registered settings), and for H5
  episodes starting on or after 28 October 2023, when supported accommodation had to
  be registered with Ofsted.
* **URN not allowed** for P1, P2, T0–T4, Z1, A3–A6 and R5. ``XXXXXXX`` (the return's
  "no URN") counts as no URN. Other types (foster care U1–U6, R2, R3, P3) may have one.
* A URN given but not in the register is a warning (the register may be incomplete);
  a placement type not among the URN's allowed PLACE codes is an error, as is a
  setting not yet registered on the start date or closed before the end (or while
  the episode is open), or a PLACE_PROVIDER different from Ofsted's provider code.
* Episodes of one child must not overlap (an episode ends on the day the next starts).
* Code sets change on 1 April 2025: H5 and P2 are not valid for episodes starting on
  or after it, K3 not before it.

Care leavers' accommodation (``CL_`` codes) is outside the return: only the date and
overlap checks apply. Pure functions over plain values, plus :func:`check_episodes`
which gathers them from the database in two queries.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Child, PlacementEpisode, Setting
from ...models.enums import (
    PLACE_CODES_BEFORE_2025,
    PLACE_CODES_FROM_2025,
    PlacementType,
    RegistrationStatus,
)
from ..common.formatting import date_short

Level = Literal["error", "warning"]
NO_URN = "XXXXXXX"
CODE_CHANGE = dt.date(2025, 4, 1)
SA_REGISTRATION = dt.date(2023, 10, 28)
URN_REQUIRED = frozenset({"K1", "K2", "K3", "R1", "S1"})
URN_NOT_ALLOWED = frozenset({"P1", "P2", "T0", "T1", "T2", "T3", "T4", "Z1",
                             "A3", "A4", "A5", "A6", "R5"})
_CLOSED = frozenset({RegistrationStatus.CLOSED, RegistrationStatus.CANCELLED,
                     RegistrationStatus.RESIGNED})
_PLACE_CODES = frozenset(m.value for m in PlacementType if not m.is_care_leaver)


@dataclass(frozen=True)
class Issue:
    level: Level
    field: str
    message: str


@dataclass(frozen=True)
class EpisodeFacts:
    """The fields of an episode the checks read."""

    start_date: dt.date
    end_date: dt.date | None
    placement_type: str
    place_provider: str | None = None
    urn: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    setting_id: uuid.UUID | None = None
    child_id: uuid.UUID | None = None


@dataclass(frozen=True)
class SettingFacts:
    """What the register knows about the setting behind a URN."""

    name: str
    urn: str | None = None
    allowed_placement_codes: frozenset[str] = frozenset()
    ofsted_provider_code: str | None = None
    registration_status: RegistrationStatus | None = None
    registration_date: dt.date | None = None
    closed_date: dt.date | None = None


def clean_urn(urn: str | None) -> str | None:
    """Upper case without spaces; None for blank or the return's ``XXXXXXX``."""
    value = "".join((urn or "").upper().split())
    return None if not value or value == NO_URN else value


def parse_codes(text: str | None) -> frozenset[str]:
    """``"K2, k1 ,S1"`` → ``{"K1", "K2", "S1"}``."""
    return frozenset(c.strip().upper() for c in (text or "").split(",") if c.strip())


def urn_rule(placement_type: str, start: dt.date) -> Literal["required", "not_allowed",
                                                             "optional"]:
    """Whether an episode of this type starting on ``start`` needs a URN."""
    if placement_type in URN_REQUIRED or (placement_type == "H5" and start >= SA_REGISTRATION):
        return "required"
    if placement_type in URN_NOT_ALLOWED:
        return "not_allowed"
    return "optional"


def check_dates(ep: EpisodeFacts) -> list[Issue]:
    if ep.end_date is not None and ep.end_date < ep.start_date:
        return [Issue("error", "end_date", "The episode ends before it starts.")]
    return []


def check_code_set(ep: EpisodeFacts) -> list[Issue]:
    """Is PLACE a 903 code, and valid in the code set for the episode's start date?"""
    code = ep.placement_type
    if code not in _PLACE_CODES:
        return [Issue("error", "placement_type", f"{code} is not an SSDA903 placement type.")]
    if ep.start_date >= CODE_CHANGE and code not in PLACE_CODES_FROM_2025:
        hint = " use K3 for registered supported accommodation." if code == "H5" else ""
        return [Issue("error", "placement_type", f"{code} is not used for episodes starting on "
                      f"or after {date_short(CODE_CHANGE)};{hint or ' choose another type.'}")]
    if ep.start_date < CODE_CHANGE and code not in PLACE_CODES_BEFORE_2025:
        return [Issue("error", "placement_type", f"{code} is used only for episodes starting on "
                      f"or after {date_short(CODE_CHANGE)}; use H5 before then.")]
    return []


def check_urn(ep: EpisodeFacts, setting: SettingFacts | None,
              linked: SettingFacts | None = None) -> list[Issue]:
    """URN present when required, absent when not allowed, and known to the register.

    ``setting`` is the register's entry for the episode's URN (None if unknown);
    ``linked`` the setting the episode is linked to, used to suggest a missing URN.
    """
    urn = clean_urn(ep.urn)
    rule = urn_rule(ep.placement_type, ep.start_date)
    if urn is None:
        if rule != "required":
            return []
        known = clean_urn(linked.urn) if linked else None
        hint = f" (the setting's URN is {known})" if known else ""
        return [Issue("error", "urn", f"Placement type {ep.placement_type} needs the Ofsted "
                                      f"URN of the setting{hint}.")]
    if rule == "not_allowed":
        return [Issue("error", "urn", f"Placement type {ep.placement_type} is not in an "
                                      "Ofsted-registered setting: leave the URN blank.")]
    if setting is None:
        return [Issue("warning", "urn", f"URN {urn} is not in the register: check it, or "
                                        "import Ofsted's latest list.")]
    return []


def check_setting(ep: EpisodeFacts, setting: SettingFacts, today: dt.date) -> list[Issue]:
    """The episode against the register: allowed codes, registration dates, provider code."""
    issues: list[Issue] = []
    code = ep.placement_type
    if setting.allowed_placement_codes and code not in setting.allowed_placement_codes:
        allowed = ", ".join(sorted(setting.allowed_placement_codes))
        issues.append(Issue("error", "placement_type", f"{setting.name} is registered for "
                            f"placement types {allowed}, not {code}."))
    if setting.registration_date and setting.registration_date > ep.start_date:
        registered = date_short(setting.registration_date)
        issues.append(Issue("error", "start_date", f"{setting.name} was not registered on "
                            f"the start date (registered {registered})."))
    if setting.closed_date is not None:
        if ep.end_date is None:
            if setting.closed_date <= today:
                issues.append(Issue("error", "end_date", f"{setting.name} closed on "
                                    f"{date_short(setting.closed_date)} but the episode is "
                                    "still open."))
        elif setting.closed_date < ep.end_date:
            issues.append(Issue("error", "end_date", f"{setting.name} closed on "
                                f"{date_short(setting.closed_date)}, before the episode ended."))
    elif setting.registration_status in _CLOSED and ep.end_date is None:
        issues.append(Issue("warning", "urn", f"{setting.name}'s registration is "
                            f"{setting.registration_status.label.lower()}, but the "
                            "episode is still open."))
    theirs = (setting.ofsted_provider_code or "").strip().upper()
    ours = (ep.place_provider or "").strip().upper()
    if theirs and ours and theirs != ours:
        issues.append(Issue("error", "place_provider", f"PLACE_PROVIDER is {ours} but Ofsted "
                            f"records this URN as {theirs}."))
    return issues


def check_episode(ep: EpisodeFacts, setting: SettingFacts | None,
                  linked: SettingFacts | None = None,
                  today: dt.date | None = None) -> list[Issue]:
    """Every check on one episode except overlaps (see :func:`check_overlaps`)."""
    today = today or dt.date.today()
    issues = check_dates(ep)
    if ep.placement_type.startswith("CL_"):
        return issues
    issues += check_code_set(ep)
    issues += check_urn(ep, setting, linked)
    if (setting is not None and clean_urn(ep.urn) is not None
            and urn_rule(ep.placement_type, ep.start_date) != "not_allowed"):
        issues += check_setting(ep, setting, today)
    return issues


def check_overlaps(episodes: Sequence[EpisodeFacts]) -> dict[uuid.UUID, list[Issue]]:
    """One child's episodes: each one starting before an earlier one ended is flagged."""
    found: dict[uuid.UUID, list[Issue]] = {}
    ordered = sorted(episodes, key=lambda e: (e.start_date, e.end_date or dt.date.max))
    latest: EpisodeFacts | None = None
    for ep in ordered:
        if latest is not None and (latest.end_date is None or latest.end_date > ep.start_date):
            until = date_short(latest.end_date) if latest.end_date else "still open"
            found.setdefault(ep.id, []).append(Issue(
                "error", "start_date", f"Overlaps the episode from "
                f"{date_short(latest.start_date)} ({until})."))
        if latest is None or (latest.end_date is not None and (
                ep.end_date is None or ep.end_date > latest.end_date)):
            latest = ep
    return found


def _setting_facts(session: Session) -> tuple[dict[str, SettingFacts],
                                                dict[uuid.UUID, SettingFacts]]:
    by_urn: dict[str, SettingFacts] = {}
    by_id: dict[uuid.UUID, SettingFacts] = {}
    for sid, name, urn, codes, provider_code, status, registered, closed in session.execute(
            select(Setting.id, Setting.name, Setting.urn, Setting.allowed_placement_codes,
                   Setting.ofsted_provider_code, Setting.registration_status,
                   Setting.registration_date, Setting.closed_date)
            .where(Setting.deleted_at.is_(None))):
        facts = SettingFacts(name, urn, parse_codes(codes), provider_code, status, registered,
                             closed)
        by_id[sid] = facts
        key = clean_urn(urn)
        if key:
            by_urn[key] = facts
    return by_urn, by_id


def check_all(episodes: Iterable[EpisodeFacts], by_urn: dict[str, SettingFacts],
              by_id: dict[uuid.UUID, SettingFacts],
              today: dt.date | None = None) -> dict[uuid.UUID, list[Issue]]:
    """Every check on many episodes; only episodes with issues are in the result."""
    today = today or dt.date.today()
    result: dict[uuid.UUID, list[Issue]] = {}
    per_child: dict[uuid.UUID | None, list[EpisodeFacts]] = defaultdict(list)
    for ep in episodes:
        per_child[ep.child_id].append(ep)
        urn = clean_urn(ep.urn)
        linked = by_id.get(ep.setting_id) if ep.setting_id else None
        issues = check_episode(ep, by_urn.get(urn) if urn else None, linked, today)
        if issues:
            result[ep.id] = issues
    for child_episodes in per_child.values():
        for eid, issues in check_overlaps(child_episodes).items():
            result.setdefault(eid, []).extend(issues)
    return result


def check_episodes(session: Session, child_id: uuid.UUID | None = None,
                   today: dt.date | None = None) -> dict[uuid.UUID, list[Issue]]:
    """Check every live episode (or one child's): episode id → its issues."""
    pe = PlacementEpisode
    query = (select(pe.id, pe.child_id, pe.setting_id, pe.start_date, pe.end_date,
                    pe.placement_type, pe.place_provider, pe.urn)
             .join(Child, Child.id == pe.child_id)
             .where(pe.deleted_at.is_(None), Child.deleted_at.is_(None)))
    if child_id is not None:
        query = query.where(pe.child_id == child_id)
    episodes = [EpisodeFacts(start, end, place, provider, urn, eid, sid, cid)
                for eid, cid, sid, start, end, place, provider, urn in session.execute(query)]
    by_urn, by_id = _setting_facts(session)
    return check_all(episodes, by_urn, by_id, today)
