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
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Connection, column, select, table

from ...db import Database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_STORED = table("app_setting", column("key"), column("value", JSON))
"""The settings' table for reading one: the window reads settings before its first
paint, which must not wait for the data model to be imported or the ORM's mappers to
be set up (about a tenth of a second together)."""


@dataclass(frozen=True)
class Option:
    """One shared setting.

    The settings dialog is made from these: a text box for ``str``, a number field for
    ``int`` (from ``minimum`` to ``maximum``, with its ``unit``), a tick box for ``bool``
    and, for a ``dict`` of numbers, one number field a part, labelled by ``parts``.
    ``editable=False`` marks a value the application keeps for itself.
    """

    key: str
    kind: type
    default: Any
    group: str
    label: str
    help: str = ""
    minimum: int | None = None
    maximum: int | None = None
    unit: str = ""
    """The plural unit shown after a number ("months"); singular by dropping the "s"."""
    parts: dict[str, str] | None = None
    """For a dict setting: each part's key and label, in the order shown."""
    editable: bool = True


OPTIONS: dict[str, Option] = {}


def _declare(key: str, kind: type, default: Any, group: str, label: str,
             help: str = "", *, minimum: int | None = None, maximum: int | None = None,
             unit: str = "", parts: dict[str, str] | None = None,
             editable: bool = True) -> Option:
    if key in OPTIONS:
        raise ValueError(f"The setting {key!r} is declared twice.")
    option = Option(key, kind, default, group, label, help, minimum, maximum, unit, parts,
                    editable)
    OPTIONS[key] = option
    return option


# --- The council ---------------------------------------------------------------------------

COUNCIL_NAME = _declare("council.name", str, "Demo Borough Council", "Council",
                        "Council name", "Printed on agreements, letters and reports.",
                        maximum=120)
COUNCIL_AREA = _declare(
    "council.local_authority_code", str, "", "Council", "Council's ONS area code",
    "The Office for National Statistics (ONS) code of the council's area, such as "
    "E09000029 for Sutton or E10000016 for Kent County Council. It decides which "
    "placements count as inside the council's area, from the postcode of where the child "
    "lives. Leave it empty if not known.")

# --- Rating alerts: working days allowed for the QA visit, by new judgement ------------------

VISIT_DAYS_INADEQUATE = _declare(
    "alerts.visit_working_days.inadequate", int, 1, "Alerts",
    "Visit after an Inadequate judgement",
    "After a new judgement of Inadequate (or Serious or widespread weaknesses). Weekends "
    "and England and Wales bank holidays are not counted; 0 means the same day.",
    minimum=0, maximum=60, unit="working days")
VISIT_DAYS_REQUIRES_IMPROVEMENT = _declare(
    "alerts.visit_working_days.requires_improvement", int, 10, "Alerts",
    "Visit after a Requires improvement judgement",
    "After a new judgement of Requires improvement (or Adequate, Satisfactory, "
    "Inconsistent quality of service delivery).", minimum=0, maximum=60,
    unit="working days")
VISIT_DAYS_OTHER = _declare("alerts.visit_working_days.other", int, 10, "Alerts",
                            "Visit after a suspension or other alert",
                            "After any other rating alert, such as a suspension or a closure.",
                            minimum=0, maximum=60, unit="working days")

# --- QA visits -----------------------------------------------------------------------------------

DEFAULT_CYCLE_MONTHS: dict[str, int] = {"high": 3, "medium": 6, "low": 12}
QA_CYCLE_MONTHS = _declare(
    "qa.cycle_months", dict, DEFAULT_CYCLE_MONTHS, "QA",
    "Months between QA visits, by risk level",
    "From a setting's last completed visit to its next one, for settings in use. Saving "
    "moves every setting's next due date.", minimum=1, maximum=36, unit="months",
    parts={"high": "High risk", "medium": "Medium risk", "low": "Low risk"})

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
RISK_WEIGHTS = _declare(
    "risk.weights", dict, DEFAULT_WEIGHTS, "Risk",
    "Points each risk factor adds to a setting's score",
    "A \"cap\" is the most that factor adds, however many there are. Saving works every "
    "setting's risk level out again.", minimum=0, maximum=100, unit="points", parts={
        "judgement_inadequate": "Latest Ofsted judgement Inadequate",
        "judgement_below_good": "Latest Ofsted judgement below Good",
        "never_inspected": "No full Ofsted inspection on record",
        "downgraded": "Downgraded at the latest inspection",
        "qa_inadequate": "Last QA visit Inadequate",
        "qa_requires_improvement": "Last QA visit Requires improvement",
        "open_action": "Each open action",
        "open_actions_cap": "Open actions: cap",
        "overdue_action": "Each overdue action",
        "overdue_actions_cap": "Overdue actions: cap",
        "open_concern": "Each open concern",
        "open_concerns_cap": "Open concerns: cap",
        "expired_document": "Each expired document",
        "expired_documents_cap": "Expired documents: cap",
        "children_placed_1_2": "One or two children placed",
        "children_placed_3_plus": "Three or more children placed",
        "no_qa_12_months": "No QA visit in 12 months",
        "no_qa_6_months": "No QA visit in 6 months",
    })
RISK_THRESHOLDS = _declare(
    "risk.thresholds", dict, DEFAULT_THRESHOLDS, "Risk",
    "Scores at which a setting's risk is High or Medium",
    "A score at or above the High threshold is High risk; at or above Medium, Medium; "
    "below it, Low.", minimum=1, maximum=500, unit="points",
    parts={"high": "High risk from", "medium": "Medium risk from"})


# --- The Ofsted register -----------------------------------------------------------------------

OFSTED_REGISTER_AS_AT = _declare(
    "ofsted.register_as_at", str, None, "Ofsted", "Date of the newest full register imported",
    "Set by the Ofsted import (yyyy-mm-dd): an older file adds history but never reopens, "
    "closes or overwrites a setting.", editable=False)

# --- Contracts and contract reviews ------------------------------------------------------------

REVIEW_INTERVAL_MONTHS = _declare(
    "contracts.review_interval_months", int, 6, "Contracts",
    "Review each provider every",
    "Every provider with a child placed must have a signed-off review at least this often.",
    minimum=1, maximum=24, unit="months")
ENDING_SOON_MONTHS = _declare(
    "contracts.ending_soon_months", int, 6, "Contracts",
    "Warn of a contract's end",
    "Contracts ending within this time are shown as alerts and added to the actions "
    "tracker.", minimum=1, maximum=24, unit="months")
EXTENSION_WARNING_DAYS = _declare(
    "contracts.extension_warning_days", int, 90, "Contracts",
    "Warn of an extension decision",
    "Extension options to be decided within this time are shown as alerts.",
    minimum=7, maximum=365, unit="days")

# --- This database ----------------------------------------------------------------------------

DEMO = _declare(
    "app.demo", bool, False, "About", "A demo database",
    "Set by the demo generator: every page and printout says the data is made up.",
    editable=False)
SET_UP_ON = _declare(
    "app.set_up_on", str, None, "About", "Day the first-run welcome was finished (yyyy-mm-dd)",
    "Set when someone finishes or skips the welcome; a database without it that holds no "
    "providers, settings or children shows the welcome when opened.", editable=False)


# --- Safety ------------------------------------------------------------------------------

BACKUPS_KEEP = _declare(
    "backups.keep", int, 10, "Safety", "Backups kept of each kind",
    "Daily backups, backups before imports, upgrades and restores: the oldest beyond this "
    "number are removed.", minimum=1, maximum=100, unit="copies")
IDLE_LOCK_MINUTES = _declare(
    "security.idle_lock_minutes", int, 15, "Safety", "Lock the window after idle (minutes)",
    "Once accounts are on, the window asks for the password again after this many minutes "
    "without use, keeping unsaved work. 0 never locks.", minimum=0, maximum=240,
    unit="minutes")

# --- Importing spreadsheets ----------------------------------------------------------------------

IMPORT_MAX_MB = _declare(
    "import.max_file_mb", int, 50, "Import", "Largest spreadsheet to import",
    "A larger file is refused before it is read; split it or raise this limit.",
    minimum=1, maximum=2048, unit="MB")


def _option(key: str | Option) -> Option:
    if isinstance(key, Option):
        return key
    try:
        return OPTIONS[key]
    except KeyError:
        raise KeyError(f"Unknown setting {key!r}") from None


def get_setting(session: Session | Connection, key: str | Option) -> Any:
    """The stored value of a setting, or its declared default."""
    option = _option(key)
    row = session.execute(select(_STORED.c.value).where(_STORED.c.key == option.key)).first()
    return row[0] if row is not None else option.default


def is_set(session: Session, key: str | Option) -> bool:
    """Whether someone has stored a value for the setting (not just its default)."""
    from ...models import AppSetting

    return session.get(AppSetting, _option(key).key) is not None


def set_setting(session: Session, key: str | Option, value: Any) -> None:
    from ...models import AppSetting

    option = _option(key)
    row = session.get(AppSetting, option.key)
    if row is None:
        session.add(AppSetting(key=option.key, value=value))
    else:
        row.value = value


def read_setting(db: Database, key: str | Option) -> Any:
    """:func:`get_setting` as a use case of its own (a plain read: the window reads
    settings before its first paint)."""
    with db.connect() as conn:
        return get_setting(conn, key)
