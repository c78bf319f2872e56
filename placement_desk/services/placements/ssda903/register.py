"""The checks the DfE's validator cannot make: an episode against the Ofsted register.

The validator knows the return only; Placement Desk also holds the register of settings,
so it checks what an episode's URN says about the setting:

* ``PD-URN`` (warning): the URN is not in the register (the register may be incomplete);
* ``PD-TYPE``: the placement type is not among the setting's registered PLACE codes;
* ``PD-REG``: the setting was not registered on the start date, or closed before the
  episode ended (or while it is open); a cancelled or resigned registration on an open
  episode is a warning;
* ``PD-PROVIDER``: PLACE_PROVIDER differs from Ofsted's provider code for the setting.

They apply to episodes whose type may carry a URN in the collection year (rule 222
reports a URN where none belongs). The other checks of our own are also named here:
``PD-ROW`` (a row that cannot be stored), ``PD-VALUE`` (a value left out or kept with a
doubt), ``PD-DATES`` (an episode that ends before it starts) and ``PD-OVERLAP`` (two
episodes of a child that overlap where rule 501 does not say so). Messages name the
setting and the register's facts, never the child's values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ....models import Setting
from ....models.enums import RegistrationStatus
from ...common.formatting import date_short

__all__ = ["OUR_CHECKS", "Finding", "Level", "SettingFacts", "check_against_register",
           "clean_urn", "load_settings", "parse_codes"]

Level = Literal["error", "warning"]
NO_URN = "XXXXXXX"
"""What the return writes for "no URN"."""

OUR_CHECKS: dict[str, str] = {
    "PD-ROW": "The row cannot be stored, so it was not imported.",
    "PD-VALUE": "A value was left out, or kept with a doubt.",
    "PD-DATES": "The episode ends before it starts.",
    "PD-OVERLAP": "The episode overlaps another of the child's episodes where rule 501 "
                  "does not say so.",
    "PD-URN": "The URN is not in the register.",
    "PD-TYPE": "The placement type is not one the setting is registered for.",
    "PD-REG": "The setting was not registered for the whole episode.",
    "PD-PROVIDER": "PLACE_PROVIDER differs from Ofsted's provider code for the setting.",
}
"""Placement Desk's own checks (not the DfE's rules): code → what it means."""

_CLOSED = frozenset({RegistrationStatus.CLOSED, RegistrationStatus.CANCELLED,
                     RegistrationStatus.RESIGNED})


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem with an episode or a child: rule code, level, columns, message."""

    code: str
    level: Level
    columns: tuple[str, ...]
    message: str


@dataclass(frozen=True, slots=True)
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


def load_settings(session: Session) -> dict[str, SettingFacts]:
    """Every setting of the register with a URN, by its cleaned URN."""
    found: dict[str, SettingFacts] = {}
    for name, urn, codes, provider_code, status, registered, closed in session.execute(
            select(Setting.name, Setting.urn, Setting.allowed_placement_codes,
                   Setting.ofsted_provider_code, Setting.registration_status,
                   Setting.registration_date, Setting.closed_date)
            .where(Setting.deleted_at.is_(None), Setting.urn.is_not(None))):
        key = clean_urn(urn)
        if key:
            found[key] = SettingFacts(name, urn, parse_codes(codes), provider_code, status,
                                      registered, closed)
    return found


def check_against_register(place: str, start: dt.date, end: dt.date | None,
                           urn: str | None, provider: str | None,
                           settings: dict[str, SettingFacts], today: dt.date
                           ) -> list[Finding]:
    """An episode (whose type may carry a URN) against the register's entry for its URN."""
    key = clean_urn(urn)
    if key is None:
        return []
    setting = settings.get(key)
    if setting is None:
        return [Finding("PD-URN", "warning", ("URN",),
                        "The URN is not in the register: check it, or import Ofsted's "
                        "latest list.")]
    found: list[Finding] = []
    name = setting.name
    allowed = setting.allowed_placement_codes
    if allowed and place not in allowed:
        found.append(Finding("PD-TYPE", "error", ("PLACE", "URN"),
                             f"{name} is registered for placement types "
                             f"{', '.join(sorted(allowed))} only."))
    if setting.registration_date and setting.registration_date > start:
        found.append(Finding("PD-REG", "error", ("DECOM", "URN"),
                             f"{name} was not registered on the start date (registered "
                             f"{date_short(setting.registration_date)})."))
    if setting.closed_date is not None:
        closed = date_short(setting.closed_date)
        if end is None and setting.closed_date <= today:
            found.append(Finding("PD-REG", "error", ("DEC", "URN"),
                                 f"{name} closed on {closed} but the episode is still open."))
        elif end is not None and setting.closed_date < end:
            found.append(Finding("PD-REG", "error", ("DEC", "URN"),
                                 f"{name} closed on {closed}, before the episode ended."))
    elif setting.registration_status in _CLOSED and end is None:
        status = setting.registration_status.label.lower()
        found.append(Finding("PD-REG", "warning", ("URN",),
                             f"{name}'s registration is {status}, but the episode is still "
                             "open."))
    theirs = (setting.ofsted_provider_code or "").strip().upper()
    ours = (provider or "").strip().upper()
    if theirs and ours and theirs != ours:
        found.append(Finding("PD-PROVIDER", "error", ("PLACE_PROVIDER", "URN"),
                             f"PLACE_PROVIDER differs from Ofsted's provider code for {name} "
                             f"({theirs})."))
    return found
