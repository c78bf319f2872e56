"""The sufficiency appendix written out: a PDF in the house style, or a workbook with one
sheet per table.

Both print the same tables from
:func:`placement_desk.services.reports.sufficiency.appendix`, each with its
definitions and the records it could not classify. In the PDF every table is a
bookmark, long tables carry their headings over pages, and the looked-after trend
and the age profile have charts. In the workbook numbers stay numbers (money in
pounds, percentages as numbers), and the first sheet says what the workbook is.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from ..db import Database
from ..errors import UserError
from ..io.table_export import check_target, write_tables
from ..progress import NULL_STATE, TaskState
from ..services.common.formatting import date_long, money
from ..services.reports.definitions import Period
from ..services.reports.sufficiency import Appendix, appendix
from ..services.reports.sufficiency_table import AppendixTable, Column
from . import charts, page_breaks, pdf_writer, style, tables
from .style import CONTENT_WIDTH, DocumentInfo, heading, para
from .tables import Cell
from .written import report_written

__all__ = ["TITLE", "appendix_sheets", "appendix_story", "write_appendix"]

TITLE = "Sufficiency needs analysis: appendix"
SUFFIXES = (".pdf", ".xlsx")


def cell_text(value: Any, column: Column) -> str:
    """A value as the PDF prints it: "1,234", "52.3", "£1,234.50", "12.5%"; "–" for none."""
    if value is None:
        return "–"
    if column.kind == "text":
        return str(value)
    if column.kind == "count":
        return f"{int(value):,}"
    if column.kind == "weeks":
        return f"{float(value):,.1f}"
    if column.kind == "money":
        return money(int(value))
    return f"{float(value):.1f}%"


def _cell_value(value: Any, column: Column) -> Any:
    """A value as the workbook holds it: numbers as numbers, money in pounds."""
    if value is None:
        return None
    if column.kind == "money":
        return round(int(value) / 100, 2)
    if column.kind in ("weeks", "percent"):
        return round(float(value), 1)
    return value


def _sheet_heading(column: Column) -> str:
    return f"{column.heading} (£)" if column.kind == "money" else column.heading


# --- PDF --------------------------------------------------------------------------------

def _widths(table: AppendixTable, texts: Sequence[Sequence[str]], small: bool) -> list[float]:
    """Each column of figures as wide as its longest word or value needs (at least an even
    share of a third of the page, so columns line up), the first column the rest."""
    size = 8.5 if small else 9.5
    pad = 8 if small else 10
    n = len(table.columns)
    if n == 1:
        return [CONTENT_WIDTH]
    even = CONTENT_WIDTH / 3 / (n - 1)
    widths = []
    for i, column in enumerate(table.columns[1:], start=1):
        words = [stringWidth(w, style.FONT_BOLD, size) for w in column.heading.split()]
        values = [stringWidth(row[i], style.FONT_BOLD, size) for row in texts]
        widths.append(max(even, *words, *values) + pad + 1)
    first = CONTENT_WIDTH - sum(widths)
    if first < 45 * mm:  # too many columns: share the room evenly
        rest = (CONTENT_WIDTH - 45 * mm) / (n - 1)
        return [45 * mm, *([rest] * (n - 1))]
    return [first, *widths]


def _chart(table: AppendixTable) -> Flowable | None:
    if table.chart == "trend":
        body = table.rows
        labels = [str(r[0])[-4:] for r in body]
        actual = [None if r[1] is None else float(r[1]) for r in body]
        ahead = [None if r[2] is None else (float(r[3]), float(r[2]), float(r[4]))
                 for r in body]
        if not any(v is not None for v in actual):
            return None
        return charts.trend_with_forecast(labels, actual, ahead,
                                          actual_name="Children looked after",
                                          band_name="Likely range (80%)")
    if table.chart == "bars":
        body = table.rows[:len(table.rows) - table.total_rows]
        return charts.grouped_bars([str(r[0]) for r in body],
                                   [(table.columns[1].heading, [float(r[1]) for r in body],
                                     charts.BLUE)],
                                   lambda v: f"{v:,.0f}", label_width=40 * mm)
    return None


def _table_story(number: int, table: AppendixTable) -> list[Flowable]:
    st = style.styles()
    lead: list[Flowable] = [heading(f"{number}. {table.title}"),
                            *(para(text, st.lead) for text in table.definitions)]
    chart = _chart(table)
    if chart is not None:
        lead += [Spacer(1, 2 * mm), chart, Spacer(1, 2 * mm)]
    texts = [[cell_text(v, c) for v, c in zip(row, table.columns, strict=True)]
             for row in table.rows]
    rows: list[list[Cell]] = [list(row) for row in texts]
    right = [i for i, c in enumerate(table.columns) if c.kind != "text"]
    small = len(table.columns) > 4
    grid = tables.plain_table([c.heading for c in table.columns], rows,
                              widths=_widths(table, texts, small), right=right,
                              total_rows=table.total_rows, small=small)
    notes = ([para("Not classified: " + " ".join(table.unclassified), st.small)]
             if table.unclassified else [para("Every record was classified.", st.small)])
    return [page_breaks.keep_together([*lead, grid, *notes], may_split=len(rows) > 16)]


def appendix_story(data: Appendix) -> list[Flowable]:
    """The appendix's pages: a title page with the contents, then a section per table."""
    st = style.styles()
    story: list[Flowable] = [
        Spacer(1, 14 * mm), Paragraph(style.markup(TITLE), st.title),
        para(f"{data.council}: as on {date_long(data.at)}, for the period "
             f"{data.period.label}", st.subtitle), Spacer(1, 4 * mm),
        para("The tables a sufficiency strategy's needs analysis is built on, worked out from "
             "the records in Placement Desk. Each says what it counts and which records it "
             "could not classify. The figures are about children looked after and care "
             "leavers: the appendix is marked OFFICIAL-SENSITIVE until it is published "
             "with its strategy.", st.body),
        heading("Contents", sub=True, bookmark=False),
        *(para(f"{n}. {t.title}", st.body) for n, t in enumerate(data.tables, start=1)),
        PageBreak()]
    for n, table in enumerate(data.tables, start=1):
        story += _table_story(n, table)
    return story


# --- Workbook -------------------------------------------------------------------------------

def appendix_sheets(data: Appendix, prepared_by: str = ""
                    ) -> list[tuple[str, Sequence[str], Sequence[Sequence[object]]]]:
    """The workbook's sheets: "About" first, then one per table (its headings, rows, then
    its definitions and what it could not classify below)."""
    about: list[Sequence[object]] = [
        ("Title", TITLE), ("Council", data.council), ("As on", data.at),
        ("Period", data.period.label), ("First day of the period", data.period.start),
        ("Last day of the period", data.period.last), ("Marking", style.MARKING)]
    if prepared_by:
        about.append(("Prepared by", prepared_by))
    about.append(("", ""))
    about += [(f"Sheet {n + 1}", t.key) for n, t in enumerate(data.tables, start=1)]
    sheets: list[tuple[str, Sequence[str], Sequence[Sequence[object]]]] = [
        ("About", ("Appendix", "Value"), about)]
    for table in data.tables:
        rows: list[Sequence[object]] = [
            [_cell_value(v, c) for v, c in zip(row, table.columns, strict=True)]
            for row in table.rows]
        rows.append([])
        rows.append([table.title])
        rows += [["Definition: " + text] for text in table.definitions]
        rows += ([["Not classified: " + text] for text in table.unclassified]
                 or [["Every record was classified."]])
        sheets.append((table.key, [_sheet_heading(c) for c in table.columns], rows))
    return sheets


def _prepared_by(db: Database) -> str:
    return db.user


def write_appendix(db: Database, at: dt.date, path: str | os.PathLike[str], *,
                   period: Period | None = None, state: TaskState = NULL_STATE,
                   today: dt.date | None = None) -> Path:
    """Write the appendix for ``at`` (and ``period``) as a PDF or an .xlsx workbook, by the
    name's ending; returns the path. Nothing is left half-written."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SUFFIXES:
        raise UserError(f"Cannot write the appendix to {target.name}: choose a name ending "
                        "in .pdf or .xlsx.")
    if suffix == ".xlsx":
        check_target(target)
    state.progress("Working out the tables", 0, 0)
    data = appendix(db, at, period)
    state.check_cancelled()
    state.progress("Writing the appendix", 0, 0)
    if suffix == ".xlsx":
        out = write_tables(target, appendix_sheets(data, _prepared_by(db)), state)
    else:
        info = DocumentInfo(title=f"{TITLE}, {date_long(at)}", council=data.council,
                            printed_on=today or dt.date.today(),
                            subject=f"Sufficiency needs analysis for {data.period.label}",
                            author=f"{_prepared_by(db)}, {data.council}")
        out = pdf_writer.write_pdf(target, info, lambda: appendix_story(data))
    report_written(db, "sufficiency appendix", out, subject="children looked after")
    return out
