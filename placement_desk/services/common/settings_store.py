"""Settings shared by everyone on a database, each declared once: key, type, default,
group and label.

Stored in the ``app_setting`` table as JSON. :data:`OPTIONS` is the registry (in the
way Picard declares its options): every key the app reads or writes is declared here,
so a new database behaves sensibly before anyone changes anything, the settings
dialog can list them all, and a mistyped key fails at once (``KeyError``) instead of
reading a silent default. (The fee ledger's bookkeeping row is not a setting.)
Window, filter and column state is per user and lives in the GUI's own settings
file, under the ``ui/`` prefix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ...db import Database
from ...models import AppSetting


@dataclass(frozen=True)
class Option:
    """One shared setting."""

    key: str
    kind: type
    default: Any
    group: str
    label: str
    help: str = ""


OPTIONS: dict[str, Option] = {}


def _declare(key: str, kind: type, default: Any, group: str, label: str,
             help: str = "") -> Option:
    if key in OPTIONS:
        raise ValueError(f"The setting {key!r} is declared twice.")
    option = Option(key, kind, default, group, label, help)
    OPTIONS[key] = option
    return option


# --- The council ---------------------------------------------------------------------------

COUNCIL_NAME = _declare("council.name", str, "Demo Borough Council", "Council",
                        "Council name", "Printed on agreements, letters and reports.")
COUNCIL_AREA = _declare(
    "council.local_authority_code", str, "", "Council", "Council's ONS area code",
    "For example E09000029 for Sutton: placements inside or outside the council's area.")

# --- Rating alerts: working days allowed for the QA visit, by new judgement ------------------

VISIT_DAYS_INADEQUATE = _declare("alerts.visit_working_days.inadequate", int, 1, "Alerts",
                                 "Visit after an Inadequate judgement (working days)")
VISIT_DAYS_REQUIRES_IMPROVEMENT = _declare(
    "alerts.visit_working_days.requires_improvement", int, 10, "Alerts",
    "Visit after a Requires improvement judgement (working days)")
VISIT_DAYS_OTHER = _declare("alerts.visit_working_days.other", int, 10, "Alerts",
                            "Visit after a suspension or other alert (working days)")

# --- QA visits -----------------------------------------------------------------------------------

DEFAULT_CYCLE_MONTHS: dict[str, int] = {"high": 3, "medium": 6, "low": 12}
QA_CYCLE_MONTHS = _declare("qa.cycle_months", dict, DEFAULT_CYCLE_MONTHS, "QA",
                           "Months between QA visits, by risk level")

# --- Provider risk ------------------------------------------------------------------------------

DEFAULT_WEIGHTS: dict[str, int] = {
    "judgement_inadequate": 40,
    "judgement_below_good": 20,
    "never_inspected": 10,
    "downgraded": 10,
    "qa_inadequate": 25,
    "qa_requires_improvement": 15,
    "open_action": 2,
    "open_actions_cap": 10,
    "overdue_action": 5,
    "overdue_actions_cap": 20,
    "open_concern": 10,
    "open_concerns_cap": 30,
    "expired_document": 5,
    "expired_documents_cap": 15,
    "children_placed_1_2": 5,
    "children_placed_3_plus": 10,
    "no_qa_12_months": 10,
    "no_qa_6_months": 5,
}
DEFAULT_THRESHOLDS: dict[str, int] = {"high": 40, "medium": 20}
RISK_WEIGHTS = _declare("risk.weights", dict, DEFAULT_WEIGHTS, "Risk",
                        "Points each risk factor adds to a setting's score")
RISK_THRESHOLDS = _declare("risk.thresholds", dict, DEFAULT_THRESHOLDS, "Risk",
                           "Scores at which a setting's risk is High or Medium")


# --- The Ofsted register -----------------------------------------------------------------------

OFSTED_REGISTER_AS_AT = _declare(
    "ofsted.register_as_at", str, None, "Ofsted", "Date of the newest full register imported",
    "Set by the Ofsted import (yyyy-mm-dd): an older file adds history but never reopens, "
    "closes or overwrites a setting.")

# --- Contracts and contract reviews ------------------------------------------------------------

REVIEW_INTERVAL_MONTHS = _declare(
    "contracts.review_interval_months", int, 6, "Contracts",
    "Months between contract reviews with each provider",
    "Every provider with a child placed must have a signed-off review at least this often.")
ENDING_SOON_MONTHS = _declare(
    "contracts.ending_soon_months", int, 6, "Contracts",
    "Warn of contracts ending within (months)")
EXTENSION_WARNING_DAYS = _declare(
    "contracts.extension_warning_days", int, 90, "Contracts",
    "Warn of extension decisions due within (days)")

# --- Importing spreadsheets ----------------------------------------------------------------------

IMPORT_MAX_MB = _declare(
    "import.max_file_mb", int, 50, "Import", "Largest spreadsheet to import (MB)",
    "A larger file is refused before it is read; split it or raise this limit.")


def _option(key: str | Option) -> Option:
    if isinstance(key, Option):
        return key
    try:
        return OPTIONS[key]
    except KeyError:
        raise KeyError(f"Unknown setting {key!r}") from None


def get_setting(session: Session, key: str | Option) -> Any:
    """The stored value of a setting, or its declared default."""
    option = _option(key)
    row = session.get(AppSetting, option.key)
    return row.value if row is not None else option.default


def is_set(session: Session, key: str | Option) -> bool:
    """Whether someone has stored a value for the setting (not just its default)."""
    return session.get(AppSetting, _option(key).key) is not None


def set_setting(session: Session, key: str | Option, value: Any) -> None:
    option = _option(key)
    row = session.get(AppSetting, option.key)
    if row is None:
        session.add(AppSetting(key=option.key, value=value))
    else:
        row.value = value


def read_setting(db: Database, key: str | Option) -> Any:
    """:func:`get_setting` as a use case of its own."""
    with db.read() as session:
        return get_setting(session, key)
