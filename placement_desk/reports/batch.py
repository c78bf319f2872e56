"""Review packs for every provider with a contract review due, one PDF each and an index.

Before a round of review meetings a manager prints the pack of every provider whose
next contract review (:func:`~placement_desk.services.contracts.review_due.reviews_due`)
falls before a date, into one folder. The council's averages are read once for the
whole batch. Each pack is written whole or not at all; a provider whose pack cannot
be written is reported with the reason and the rest go on. The index (a PDF in the
same folder) lists every provider with its review date and its pack's file, or why
there is none. Progress is reported per pack and a cancel stops between packs: the
packs already written stay, and the index lists them.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from ..db import Database
from ..errors import UserError
from ..progress import NULL_STATE, Cancelled, TaskState
from ..services.common.formatting import date_long, date_short
from ..services.common.settings_store import COUNCIL_NAME, read_setting
from ..services.contracts.review_due import DueRow, reviews_due
from ..services.reports.definitions import Period, year_to
from ..services.reports.provider_pack_costs import council_average_fees
from . import pdf_writer, style, tables
from .provider_pack import pack_file_name, write_provider_pack
from .style import CONTENT_WIDTH, DocumentInfo, heading, para
from .tables import Cell
from .written import report_written

__all__ = ["BatchResult", "PackOutcome", "check_folder", "due_for_packs", "index_file_name",
           "write_packs"]

log = logging.getLogger(__name__)
INDEX_TITLE = "Review packs"


@dataclass(frozen=True, slots=True)
class PackOutcome:
    provider: str
    due: dt.date
    status: str
    """Overdue, due soon or not due yet, in words."""
    children: int
    path: Path | None
    """The pack written; None when it was not."""
    problem: str = ""
    """Why there is no pack: the error's message, or that the batch stopped first."""


@dataclass
class BatchResult:
    folder: Path
    due_before: dt.date
    outcomes: list[PackOutcome] = field(default_factory=list)
    index: Path | None = None
    cancelled: bool = False

    @property
    def written(self) -> list[PackOutcome]:
        return [o for o in self.outcomes if o.path is not None]

    @property
    def failed(self) -> list[PackOutcome]:
        return [o for o in self.outcomes if o.path is None and o.problem != STOPPED]


STOPPED = "Not printed: the batch was stopped first."


def due_for_packs(db: Database, due_before: dt.date, today: dt.date) -> list[DueRow]:
    """Providers whose next contract review is due before ``due_before`` (not on it),
    soonest first."""
    return [row for row in reviews_due(db, today) if row.due < due_before]


def check_folder(folder: str | os.PathLike[str]) -> Path:
    """The folder to write into, which must exist and be a folder."""
    target = Path(folder)
    if not target.is_dir():
        if target.exists():
            raise UserError(f"{target} is a file, not a folder. Choose the folder to save the "
                            "packs in.")
        raise UserError(f"The folder {target} does not exist. Make it first, or choose "
                        "another.")
    return target


def index_file_name(day: dt.date) -> str:
    return f"Review packs index {day.isoformat()}.pdf"


def _unique(folder: Path, name: str, taken: set[str]) -> Path:
    """``name`` in ``folder``, numbered when another pack of this batch already has it."""
    stem, suffix = name[:-4], name[-4:]
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem} ({n}){suffix}"
    taken.add(candidate.casefold())
    return folder / candidate


def write_packs(db: Database, folder: str | os.PathLike[str], due_before: dt.date,
                today: dt.date, state: TaskState = NULL_STATE, *,
                period: Period | None = None, prepared_for: str = "") -> BatchResult:
    """Write the pack of every provider with a review due before ``due_before`` into
    ``folder``, and an index; returns what was written and what failed.

    A cancel (``state``) stops before the next pack: the index lists what was done,
    then :class:`~placement_desk.progress.Cancelled` is raised.
    """
    target = check_folder(folder)
    period = period or year_to(today)
    state.progress("Finding the providers with a review due", 0, 0)
    rows = due_for_packs(db, due_before, today)
    result = BatchResult(target, due_before)
    fees = council_average_fees(db, period) if rows else {}
    taken: set[str] = set()
    for n, row in enumerate(rows):
        state.progress("Writing review packs", n, len(rows))
        if state.cancelled:
            result.cancelled = True
            result.outcomes += [PackOutcome(r.provider_name, r.due, r.status.label, r.children,
                                            None, STOPPED) for r in rows[n:]]
            break
        path = _unique(target, pack_file_name(row.provider_name, today), taken)
        try:
            written: Path | None = write_provider_pack(
                db, row.provider_id, path, today=today, period=period,
                prepared_for=prepared_for, council_fees=fees)
            problem = ""
        except UserError as exc:
            written, problem = None, str(exc)
            log.warning("A review pack was not written: %s", type(exc).__name__)
        except Exception:
            log.exception("A review pack could not be written")
            written, problem = None, ("Placement Desk could not write this pack (a fault, "
                                      "recorded in the log).")
        result.outcomes.append(PackOutcome(row.provider_name, row.due, row.status.label,
                                           row.children, written, problem))
    if not result.cancelled:
        state.progress("Writing review packs", len(rows), len(rows))
    result.index = _write_index(db, result, today)
    if result.cancelled:
        raise Cancelled()
    return result


def _index_story(result: BatchResult, today: dt.date) -> list[Flowable]:
    st = style.styles()
    written, failed = result.written, result.failed
    story: list[Flowable] = [
        Paragraph(INDEX_TITLE, st.title),
        para(f"Providers with a contract review due before {date_long(result.due_before)}, "
             f"as on {date_long(today)}", st.subtitle),
        para(f"{len(written)} of {len(result.outcomes)} packs written"
             + (f"; {len(failed)} could not be written (the reasons are below)" if failed
                else "") + (". The batch was stopped before the rest." if result.cancelled
                            else "."))]
    rows: list[list[Cell]] = [
        [o.provider, date_short(o.due), o.status, str(o.children),
         o.path.name if o.path is not None else o.problem]
        for o in result.outcomes]
    story.append(heading("Packs"))
    if rows:
        story.append(tables.plain_table(
            ["Provider", "Review due", "Status", "Children", "Pack"], rows,
            widths=[45 * mm, 20 * mm, 27 * mm, 16 * mm, CONTENT_WIDTH - 108 * mm], right=(3,),
            small=True))
    else:
        story.append(para(f"No provider has a contract review due before "
                          f"{date_long(result.due_before)}."))
    return story


def _write_index(db: Database, result: BatchResult, today: dt.date) -> Path:
    council = str(read_setting(db, COUNCIL_NAME) or "").strip() or style.APP_NAME
    info = DocumentInfo(title=f"{INDEX_TITLE}: reviews due before "
                              f"{date_short(result.due_before)}",
                        council=council, printed_on=today)
    path = result.folder / index_file_name(today)
    out = pdf_writer.write_pdf(path, info, _index_story(result, today))
    report_written(db, "review packs index", out, subject="providers")
    return out
