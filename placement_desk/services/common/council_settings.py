"""The council-wide settings a manager can change: name, area, QA cycles, alert deadlines,
and the contract review interval and warning windows.

A typed view over :mod:`~placement_desk.services.common.settings_store`: load them all
at once, check them with messages a user can act on, and save them in one
transaction that also moves every QA due date to follow the new cycles.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from ...db import Database
from ...errors import ValidationError
from ...models.enums import RiskLevel
from ..qa.schedule import cycle_months, recompute_schedule
from ..users.roles import Permission, require
from .settings_store import (
    BACKUPS_KEEP,
    COUNCIL_AREA,
    COUNCIL_NAME,
    ENDING_SOON_MONTHS,
    EXTENSION_WARNING_DAYS,
    IDLE_LOCK_MINUTES,
    QA_CYCLE_MONTHS,
    REVIEW_INTERVAL_MONTHS,
    VISIT_DAYS_INADEQUATE,
    VISIT_DAYS_OTHER,
    VISIT_DAYS_REQUIRES_IMPROVEMENT,
    Option,
    get_setting,
    set_setting,
)


def _range(option: Option) -> tuple[int, int]:
    """The limits declared with the setting (``settings_store``), so they are stated once."""
    assert option.minimum is not None and option.maximum is not None, option.key
    return option.minimum, option.maximum


NAME_MAX = COUNCIL_NAME.maximum or 120
CYCLE_MIN, CYCLE_MAX = _range(QA_CYCLE_MONTHS)
WORKING_DAYS_MIN, WORKING_DAYS_MAX = _range(VISIT_DAYS_INADEQUATE)
REVIEW_MONTHS_MIN, REVIEW_MONTHS_MAX = _range(REVIEW_INTERVAL_MONTHS)
ENDING_MONTHS_MIN, ENDING_MONTHS_MAX = _range(ENDING_SOON_MONTHS)
WARNING_DAYS_MIN, WARNING_DAYS_MAX = _range(EXTENSION_WARNING_DAYS)
BACKUPS_KEEP_MIN, BACKUPS_KEEP_MAX = _range(BACKUPS_KEEP)
IDLE_MINUTES_MIN, IDLE_MINUTES_MAX = _range(IDLE_LOCK_MINUTES)

# Unitary authorities (E06), districts (E07), metropolitan districts (E08),
# London boroughs and the City (E09), counties (E10): the ONS code of an English council.
_ENGLISH_LA_CODE = re.compile(r"E(06|07|08|09|10)\d{6}")


@dataclass(frozen=True, slots=True)
class CouncilSettings:
    """Everything on the Council settings form, as the services read it."""

    council_name: str
    local_authority_code: str
    """ONS code of the council's area (E09000029 for Sutton); empty when not set."""
    cycle_months: dict[RiskLevel, int]
    """Months between QA visits by risk level."""
    # Working days allowed for the QA visit after a rating alert, by the new judgement:
    # Inadequate (or serious weaknesses), Requires improvement (or similar), anything else.
    visit_working_days_inadequate: int
    visit_working_days_requires_improvement: int
    visit_working_days_other: int
    # Contracts: months between reviews with a provider, and how far ahead to warn of a
    # contract's end and of an extension decision.
    review_interval_months: int = 6
    ending_soon_months: int = 6
    extension_warning_days: int = 90
    # Safety: backups kept of each kind, and minutes without use before the window locks.
    backups_keep: int = 10
    idle_lock_minutes: int = 15


def normalise_area_code(text: str) -> str:
    """An ONS code as typed ("e09 000 029") in its stored form ("E09000029")."""
    return "".join(text.split()).upper()


def _normalised(s: CouncilSettings) -> CouncilSettings:
    return replace(s, council_name=s.council_name.strip(),
                   local_authority_code=normalise_area_code(s.local_authority_code))


def _load_council_settings(session: Session) -> CouncilSettings:
    """The settings as stored, with the defaults for any never changed."""
    return CouncilSettings(
        council_name=str(get_setting(session, COUNCIL_NAME) or ""),
        local_authority_code=str(get_setting(session, COUNCIL_AREA) or ""),
        cycle_months=cycle_months(session),
        visit_working_days_inadequate=int(get_setting(session, VISIT_DAYS_INADEQUATE)),
        visit_working_days_requires_improvement=int(
            get_setting(session, VISIT_DAYS_REQUIRES_IMPROVEMENT)),
        visit_working_days_other=int(get_setting(session, VISIT_DAYS_OTHER)),
        review_interval_months=int(get_setting(session, REVIEW_INTERVAL_MONTHS)),
        ending_soon_months=int(get_setting(session, ENDING_SOON_MONTHS)),
        extension_warning_days=int(get_setting(session, EXTENSION_WARNING_DAYS)),
        backups_keep=int(get_setting(session, BACKUPS_KEEP)),
        idle_lock_minutes=int(get_setting(session, IDLE_LOCK_MINUTES)),
    )


def load_council_settings(db: Database) -> CouncilSettings:
    """The settings as stored, with the defaults for any never changed."""
    with db.read() as session:
        return _load_council_settings(session)


def validate_council_settings(s: CouncilSettings) -> None:
    """Raise :class:`ValidationError` naming the first field that cannot be saved.

    The name is checked without surrounding spaces and the area code without
    spaces and in capitals, as :func:`save_council_settings` stores them.
    """
    s = _normalised(s)
    if not s.council_name:
        raise ValidationError("council_name", "Enter the council's name.")
    if len(s.council_name) > NAME_MAX:
        raise ValidationError(
            "council_name", f"The council's name must be {NAME_MAX} characters or fewer "
                            f"(it is {len(s.council_name)}).")
    code = s.local_authority_code
    if code and not _ENGLISH_LA_CODE.fullmatch(code):
        raise ValidationError(
            "local_authority_code",
            f"{code} is not the ONS code of an English council. Enter a code such as "
            "E09000029 (E06, E07, E08, E09 or E10 and six digits), or leave it empty.")
    for level in RiskLevel:
        months = s.cycle_months.get(level)
        if months is None or not CYCLE_MIN <= months <= CYCLE_MAX:
            raise ValidationError(
                "cycle_months", f"{level.label} risk: the months between visits must be "
                                f"from {CYCLE_MIN} to {CYCLE_MAX}.")
    high, medium, low = (s.cycle_months[level] for level in
                         (RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW))
    for more, fewer, more_months, fewer_months in (
            ("High", "Medium", high, medium), ("Medium", "Low", medium, low)):
        if more_months > fewer_months:
            raise ValidationError(
                "cycle_months",
                f"{more} risk settings need visits at least as often as {fewer} risk ones: "
                f"make {more} {fewer_months} months or fewer, or {fewer} {more_months} "
                "or more.")
    for name, label, days in (
            ("visit_working_days_inadequate", "Inadequate", s.visit_working_days_inadequate),
            ("visit_working_days_requires_improvement", "Requires improvement",
             s.visit_working_days_requires_improvement),
            ("visit_working_days_other", "Other alerts", s.visit_working_days_other)):
        if not WORKING_DAYS_MIN <= days <= WORKING_DAYS_MAX:
            raise ValidationError(
                name, f"{label}: the working days to visit must be from {WORKING_DAYS_MIN} "
                      f"to {WORKING_DAYS_MAX}.")
    for name, label, value, low, high, unit in (
            ("review_interval_months", "Contract reviews", s.review_interval_months,
             REVIEW_MONTHS_MIN, REVIEW_MONTHS_MAX, "months between reviews"),
            ("ending_soon_months", "Contracts ending", s.ending_soon_months,
             ENDING_MONTHS_MIN, ENDING_MONTHS_MAX, "months of warning"),
            ("extension_warning_days", "Extension decisions", s.extension_warning_days,
             WARNING_DAYS_MIN, WARNING_DAYS_MAX, "days of warning"),
            ("backups_keep", "Backups", s.backups_keep, BACKUPS_KEEP_MIN, BACKUPS_KEEP_MAX,
             "copies kept of each kind"),
            ("idle_lock_minutes", "Lock after", s.idle_lock_minutes, IDLE_MINUTES_MIN,
             IDLE_MINUTES_MAX, "minutes without use")):
        if not low <= value <= high:
            raise ValidationError(name, f"{label}: the {unit} must be from {low} to {high}.")


def save_council_settings(db: Database, s: CouncilSettings,
                          today: dt.date | None = None) -> None:
    """Check and store every setting in one transaction, then reschedule QA visits.

    The due dates of the settings in use on ``today`` (default: today) are
    recomputed in the same transaction, so new cycles and alert deadlines apply
    at once.
    """
    require(db, Permission.CHANGE_SETTINGS)
    today = today or dt.date.today()
    s = _normalised(s)
    validate_council_settings(s)
    with db.write() as session:
        set_setting(session, COUNCIL_NAME, s.council_name)
        set_setting(session, COUNCIL_AREA, s.local_authority_code)
        set_setting(session, QA_CYCLE_MONTHS,
                    {level.value: int(s.cycle_months[level]) for level in RiskLevel})
        set_setting(session, VISIT_DAYS_INADEQUATE, int(s.visit_working_days_inadequate))
        set_setting(session, VISIT_DAYS_REQUIRES_IMPROVEMENT,
                    int(s.visit_working_days_requires_improvement))
        set_setting(session, VISIT_DAYS_OTHER, int(s.visit_working_days_other))
        set_setting(session, REVIEW_INTERVAL_MONTHS, int(s.review_interval_months))
        set_setting(session, ENDING_SOON_MONTHS, int(s.ending_soon_months))
        set_setting(session, EXTENSION_WARNING_DAYS, int(s.extension_warning_days))
        set_setting(session, BACKUPS_KEEP, int(s.backups_keep))
        set_setting(session, IDLE_LOCK_MINUTES, int(s.idle_lock_minutes))
        session.flush()
        recompute_schedule(session, today)
