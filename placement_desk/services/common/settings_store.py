"""Settings shared by everyone on a database (risk weights, QA cycles, alert deadlines).

Stored in the ``app_setting`` table as JSON; every key has a default here, so a
new database behaves sensibly before anyone changes anything.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ...models import AppSetting

DEFAULTS: dict[str, Any] = {
    "council.name": "Demo Borough Council",
    # ONS code of the council's area (E09000029 for Sutton): placements inside or outside it.
    "council.local_authority_code": "",
    # Working days allowed for the QA visit after a rating alert, by new judgement.
    "alerts.visit_working_days.inadequate": 1,
    "alerts.visit_working_days.requires_improvement": 10,
    "alerts.visit_working_days.other": 10,
    # The "as at" date (yyyy-mm-dd) of the newest full Ofsted register imported: an older
    # file adds history but never reopens, closes or overwrites a setting.
    "ofsted.register_as_at": None,
}


def get_setting(session: Session, key: str) -> Any:
    row = session.get(AppSetting, key)
    if row is not None:
        return row.value
    if key in DEFAULTS:
        return DEFAULTS[key]
    raise KeyError(f"Unknown setting {key!r}")


def set_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(AppSetting, key)
    if row is None:
        session.add(AppSetting(key=key, value=value))
    else:
        row.value = value
