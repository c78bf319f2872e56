"""Every shared setting a user may change, as one form: read them, check them, save them.

The settings dialog is made from :data:`~.settings_store.OPTIONS` (its groups, kinds,
limits and labels), so a setting declared there appears in it without more code. The
checks are the registry's limits for every setting, and the council settings' own
rules (:func:`~.council_settings.validate_council_settings`: an English council's ONS
code, QA cycles in order of risk, ...), and risk thresholds in order. Saving writes
only what changed, in one transaction, and then moves the QA due dates (when the
cycles or alert deadlines changed) and works the risk levels out again (when the risk
weights or thresholds changed), as of ``today``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ...db import Database
from ...errors import ValidationError
from ...models.enums import RiskLevel
from ..qa.schedule import recompute_schedule
from ..register.risk import refresh_risk_levels
from .council_settings import CouncilSettings, normalise_area_code, validate_council_settings
from .settings_store import (
    COUNCIL_AREA,
    COUNCIL_NAME,
    ENDING_SOON_MONTHS,
    EXTENSION_WARNING_DAYS,
    OPTIONS,
    QA_CYCLE_MONTHS,
    REVIEW_INTERVAL_MONTHS,
    RISK_THRESHOLDS,
    RISK_WEIGHTS,
    VISIT_DAYS_INADEQUATE,
    VISIT_DAYS_OTHER,
    VISIT_DAYS_REQUIRES_IMPROVEMENT,
    Option,
    get_setting,
    set_setting,
)

COUNCIL_FIELDS = {
    "council_name": COUNCIL_NAME.key,
    "local_authority_code": COUNCIL_AREA.key,
    "cycle_months": QA_CYCLE_MONTHS.key,
    "visit_working_days_inadequate": VISIT_DAYS_INADEQUATE.key,
    "visit_working_days_requires_improvement": VISIT_DAYS_REQUIRES_IMPROVEMENT.key,
    "visit_working_days_other": VISIT_DAYS_OTHER.key,
    "review_interval_months": REVIEW_INTERVAL_MONTHS.key,
    "ending_soon_months": ENDING_SOON_MONTHS.key,
    "extension_warning_days": EXTENSION_WARNING_DAYS.key,
}
"""The council settings' field names and the settings they are."""
SCHEDULE_KEYS = {QA_CYCLE_MONTHS.key, VISIT_DAYS_INADEQUATE.key,
                 VISIT_DAYS_REQUIRES_IMPROVEMENT.key, VISIT_DAYS_OTHER.key}
RISK_KEYS = {RISK_WEIGHTS.key, RISK_THRESHOLDS.key}
TEXT_MAX = 200
"""The longest text a setting without its own maximum may hold."""


def editable_options() -> list[Option]:
    """The settings a user may change, in the order they are declared."""
    return [o for o in OPTIONS.values() if o.editable]


def option_groups() -> list[tuple[str, list[Option]]]:
    """The editable settings by group, groups in the order they are first declared."""
    groups: dict[str, list[Option]] = {}
    for option in editable_options():
        groups.setdefault(option.group, []).append(option)
    return list(groups.items())


def _value(option: Option, stored: Any) -> Any:
    if option.kind is dict:
        return {**(option.default or {}), **(stored or {})}
    return stored


def load_settings(db: Database) -> dict[str, Any]:
    """Every editable setting's value (its default when never changed)."""
    with db.read() as session:
        return {o.key: _value(o, get_setting(session, o)) for o in editable_options()}


def _normalised(values: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if isinstance(out.get(COUNCIL_NAME.key), str):
        out[COUNCIL_NAME.key] = out[COUNCIL_NAME.key].strip()
    if isinstance(out.get(COUNCIL_AREA.key), str):
        out[COUNCIL_AREA.key] = normalise_area_code(out[COUNCIL_AREA.key])
    return out


def _council(values: Mapping[str, Any]) -> CouncilSettings:
    cycles = values[QA_CYCLE_MONTHS.key]
    return CouncilSettings(
        council_name=str(values[COUNCIL_NAME.key] or ""),
        local_authority_code=str(values[COUNCIL_AREA.key] or ""),
        cycle_months={level: int(cycles.get(level.value, 0) or 0) for level in RiskLevel},
        visit_working_days_inadequate=int(values[VISIT_DAYS_INADEQUATE.key] or 0),
        visit_working_days_requires_improvement=int(
            values[VISIT_DAYS_REQUIRES_IMPROVEMENT.key] or 0),
        visit_working_days_other=int(values[VISIT_DAYS_OTHER.key] or 0),
        review_interval_months=int(values[REVIEW_INTERVAL_MONTHS.key] or 0),
        ending_soon_months=int(values[ENDING_SOON_MONTHS.key] or 0),
        extension_warning_days=int(values[EXTENSION_WARNING_DAYS.key] or 0),
    )


def _in_range(option: Option, value: Any, what: str) -> None:
    low = option.minimum if option.minimum is not None else 0
    high = option.maximum
    if not isinstance(value, int) or isinstance(value, bool) or value < low or (
            high is not None and value > high):
        limits = f"from {low} to {high}" if high is not None else f"{low} or more"
        unit = f" {option.unit}" if option.unit else ""
        raise ValidationError(option.key, f"{what}: enter a whole number {limits}{unit}.")


def _check_option(option: Option, value: Any) -> None:
    if option.kind is int:
        _in_range(option, value, option.label)
    elif option.kind is dict and option.parts:
        for part, label in option.parts.items():
            _in_range(option, (value or {}).get(part), f"{option.label} – {label}")
    elif option.kind is str:
        text = "" if value is None else str(value)
        longest = option.maximum or TEXT_MAX
        if len(text) > longest:
            raise ValidationError(option.key, f"{option.label} must be {longest} characters "
                                              f"or fewer (it is {len(text)}).")
    elif option.kind is bool and not isinstance(value, bool):
        raise ValidationError(option.key, f"{option.label}: choose yes or no.")


def check_settings(values: Mapping[str, Any]) -> None:
    """Raise :class:`ValidationError` naming the first setting (its key) that cannot be
    saved; ``values`` holds every editable setting."""
    values = _normalised(values)
    try:
        validate_council_settings(_council(values))
    except ValidationError as exc:
        raise ValidationError(COUNCIL_FIELDS.get(exc.field, exc.field), exc.message) from None
    for option in editable_options():
        if option.key in values:
            _check_option(option, values[option.key])
    thresholds = values.get(RISK_THRESHOLDS.key) or {}
    high, medium = thresholds.get("high"), thresholds.get("medium")
    if isinstance(high, int) and isinstance(medium, int) and medium >= high:
        raise ValidationError(RISK_THRESHOLDS.key,
                              f"The Medium risk score ({medium}) must be below the High risk "
                              f"score ({high}).")


def save_settings(db: Database, changes: Mapping[str, Any],
                  today: dt.date | None = None) -> list[str]:
    """Check and store ``changes`` (setting key → value; the others stay as they are) in one
    transaction; the keys that changed. QA due dates and risk levels follow at once."""
    today = today or dt.date.today()
    unknown = [key for key in changes if key not in OPTIONS or not OPTIONS[key].editable]
    if unknown:
        raise ValidationError(unknown[0], f"{unknown[0]} is not a setting that can be changed.")
    current = load_settings(db)
    wanted = {**current, **_normalised(changes)}
    check_settings(wanted)
    changed = [key for key in changes if wanted[key] != current[key]]
    if not changed:
        return []
    with db.write() as session:
        for key in changed:
            set_setting(session, key, wanted[key])
        session.flush()
        if RISK_KEYS.intersection(changed):
            refresh_risk_levels(session, today)
        if (SCHEDULE_KEYS | RISK_KEYS).intersection(changed):  # cycles follow risk levels
            recompute_schedule(session, today)
    return changed
