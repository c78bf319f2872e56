"""The needs-analysis appendix of a sufficiency strategy, as tables worked out from the data.

For a date (``at``) and a period (by default the twelve months to it), the tables the
seed strategies print, each with the definitions it counts by and the records it
could not classify:

1. children looked after on the same day in each of the last five years, with a
   straight-line forecast for the next three and its likely range;
2. profiles of the children looked after on ``at``: age, gender, ethnicity, legal
   status and category of need;
3. stability: placements in the period of the children looked after on ``at`` (three
   or more), and long-term stability;
4. placements and weeks in the period by placement type and age band (Bromley's
   layout: types down, age bands across);
5. care leavers' accommodation by where they live and by needs level (Sutton's
   layout, from :mod:`..placements.care_leavers`);
6. the settings used by their latest Ofsted judgement, and the share Good or
   Outstanding against the region and England (:mod:`..register.area_figures`);
7. QA coverage of the settings in use (:mod:`..qa.coverage`);
8. spend and weeks by commissioning route and by placement type, and the average
   weekly cost by type (:mod:`..agreements.costs`).

"Looked after", "live on a date", periods and age bands are those of
:mod:`.definitions`. Every table is plain data
(:class:`.sufficiency_table.AppendixTable`): cells are numbers or text, each column
says how its numbers read, so the PDF and the workbook print the same figures.

The first four tables come from the children's own records
(:mod:`.sufficiency_children`), the rest from the records of other parts of the app
(:mod:`.sufficiency_provision`); this module puts them together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from ...db import Database
from ...dbsql import fetch_stored, stored
from ...models import Setting
from ..common.settings_store import COUNCIL_NAME, get_setting
from .definitions import Period, year_to
from .sufficiency_children import by_type_and_age, profiles, read_children, stability, trend
from .sufficiency_provision import care_leavers, costs, ofsted, qa
from .sufficiency_table import AppendixTable

__all__ = ["Appendix", "appendix"]


@dataclass(frozen=True, slots=True)
class Appendix:
    at: dt.date
    period: Period
    council: str
    tables: tuple[AppendixTable, ...]


# --- The appendix ---------------------------------------------------------------------------

def appendix(db: Database, at: dt.date, period: Period | None = None) -> Appendix:
    """Every table of the appendix for ``at`` and ``period`` (by default the twelve months
    to ``at``)."""
    period = period or year_to(at)
    with db.read() as session:
        council = str(get_setting(session, COUNCIL_NAME) or "").strip() or "the council"
        children = read_children(session)
        setting_rows = fetch_stored(session, select(
            stored(Setting.id), stored(Setting.setting_type), stored(Setting.latest_judgement))
            .where(Setting.deleted_at.is_(None)))
    tables: list[AppendixTable] = [trend(children, at), *profiles(children, at),
                                   *stability(children, at, period),
                                   *by_type_and_age(children, period),
                                   *care_leavers(db, children, at),
                                   *ofsted(db, setting_rows, children, at), qa(db, at),
                                   *costs(db, period)]
    return Appendix(at, period, council, tuple(tables))
