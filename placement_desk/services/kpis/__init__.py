"""The figures councils' sufficiency strategies report, each with its numerator, denominator,
unclassified records and definition: the Dashboard, ``placement-desk kpis`` and the
reports show the same numbers from here.

``kpi_report(db, KpiRequest.year_to(day))`` gives every figure for the 12 months to a
day; the families (:mod:`.children`, :mod:`.quality`, :mod:`.money`,
:mod:`.unregistered`, :mod:`.attention`, :mod:`.forecast`) each work theirs out from a
:class:`~.selection.Selection` of a snapshot (:mod:`.snapshot`). What each figure
means is in :mod:`.definitions`.
"""

from .common import Cohort, Figure, KpiRequest, Records, Row, Table
from .report import HEADLINES, KpiReport, compute, kpi_report, snapshot_dates
from .snapshot import Snapshot
from .snapshot_reading import load_snapshot

__all__ = ["HEADLINES", "Cohort", "Figure", "KpiReport", "KpiRequest", "Records", "Row",
           "Snapshot", "Table", "compute", "kpi_report", "load_snapshot", "snapshot_dates"]
