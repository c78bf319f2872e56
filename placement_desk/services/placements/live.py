"""The one meaning of "live on a date" for placement episodes, in SQL and in Python.

An episode is live on a day when it started on or before that day and had not
ended by it: ``start_date <= day`` and (no end date, or ``end_date > day``). This
is the SSDA903 convention. DEC, the date an episode ceased, is also the DECOM of
the episode that follows it, so the day a child moves counts in the new placement
and not in the old one; and a child whose last episode ceased on 31 March is not
counted as looked after at 31 March (the DfE counts them among those who ceased to
be looked after during the year). Periods are read the same way: an episode's days
in a period are the days from its start up to, not including, its end
(:func:`days_in`), so that a move is never counted twice.

Every list, count and figure that asks "placed on this day" uses :func:`live_on`
(queries) or :func:`is_live_on` (plain rows): the dashboard, the register's "in
use", QA coverage and schedule, rating alerts, contract reviews, care leavers and
the KPIs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from ...models import PlacementEpisode


def live_on(day: dt.date, episode: Any = PlacementEpisode) -> ColumnElement[bool]:
    """The SQL condition: the episode (not deleted) is live on ``day``.

    ``episode`` is the entity or an alias of it.
    """
    return and_(episode.deleted_at.is_(None), episode.start_date <= day,
                or_(episode.end_date.is_(None), episode.end_date > day))


def is_live_on(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    """The same rule for a plain row: started on or before ``day``, not ended by it."""
    return start <= day and (end is None or end > day)


def days_in(start: dt.date, end: dt.date | None, first: dt.date, last: dt.date) -> int:
    """The days of an episode from ``start`` to ``end`` (``end`` not included; None:
    open) that fall in the period from ``first`` to ``last``, both included: the days
    on which it is live."""
    stop = last + dt.timedelta(days=1)
    if end is not None and end < stop:
        stop = end
    return max(0, (stop - max(start, first)).days)
