"""The provider review pack as a PDF: what a manager takes into a meeting with a provider.

A cover (the provider, its settings, the period covered, who it is for and by, the
date), then one section each for the summary, Ofsted, QA, placements, contracts and
the last contract review, and documents. Each section is a bookmark; tables carry
their headings over pages; charts are vectors. Children appear by case reference
only. The data comes from
:func:`placement_desk.services.reports.provider_pack.provider_pack`; this module
only draws it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from ..db import Database
from ..services.common.formatting import date_long, date_short, money
from ..services.reports.definitions import Period
from ..services.reports.provider_pack import provider_pack
from ..services.reports.provider_pack_contents import ActionLine, PlacementLine, ProviderPack
from . import charts, page_breaks, pdf_writer, style, tables
from .style import CONTENT_WIDTH, DocumentInfo, heading, para
from .tables import Cell, key_value_table
from .written import report_written

__all__ = ["TITLE", "pack_file_name", "pack_story", "write_provider_pack"]

TITLE = "Provider review pack"
SECTIONS = ("1. Summary", "2. Ofsted", "3. Quality assurance", "4. Placements",
            "5. Contracts and the last review", "6. Documents")
KEEP_ROWS = 12
"""A table of this many rows or fewer is kept on one page with its heading."""
_TINT_WORDS = {"Overdue": "red", "Expired": "red", "Missing": "red", "Expiring soon": "amber",
               "Red": "red", "Amber": "amber", "Green": "green", "High": "red",
               "Medium": "amber", "Low": "green"}


def pack_file_name(provider_name: str, day: dt.date) -> str:
    """The file name to offer: "Review pack Acorn Care 2026-03-07.pdf"."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", provider_name)
    safe = " ".join(safe.split())[:80].strip(" .") or "provider"
    return f"Review pack {safe} {day.isoformat()}.pdf"


def _tints(rows: Sequence[Sequence[Cell]], column: int) -> list[tuple[object, ...]]:
    """Background tints behind status words (the word is always printed too)."""
    found: list[tuple[object, ...]] = []
    for r, row in enumerate(rows, start=1):
        value = row[column]
        tint = _TINT_WORDS.get(value) if isinstance(value, str) else None
        if tint:
            found.append(("BACKGROUND", (column, r), (column, r), style.TINTS[tint]))
    return found


def _judgement_tints(rows: Sequence[Sequence[Cell]], column: int,
                     words: Mapping[str, str]) -> list[tuple[object, ...]]:
    found: list[tuple[object, ...]] = []
    for r, row in enumerate(rows, start=1):
        value = row[column]
        key = words.get(value) if isinstance(value, str) else None
        if key:
            found.append(("BACKGROUND", (column, r), (column, r), style.judgement_tint(key)))
    return found


_JUDGEMENT_KEYS = {"Outstanding": "outstanding", "Good": "good",
                   "Requires improvement to be good": "requires_improvement",
                   "Requires improvement": "requires_improvement", "Inadequate": "inadequate",
                   "Adequate": "adequate", "Satisfactory": "satisfactory",
                   "Consistently strong service delivery": "good",
                   "Inconsistent quality of service delivery": "requires_improvement",
                   "Serious or widespread weaknesses": "inadequate"}


def _table(header: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[float], *,
           right: Sequence[int] = (), extra: Sequence[tuple[object, ...]] = (),
           small: bool = False, before: Sequence[Flowable] = ()) -> list[Flowable]:
    """A table kept on one page with what comes before it; a long one starts where it is
    when much of the page is left, and runs on with its header row repeated."""
    table = tables.plain_table(header, rows, widths=widths, right=right, extra=extra,
                               small=small)
    return [page_breaks.keep_together([*before, table], may_split=len(rows) > KEEP_ROWS)]


def _none(text: str) -> Paragraph:
    return para(text, style.styles().body)


def _miles(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


# --- Cover ------------------------------------------------------------------------------

def _cover(pack: ProviderPack) -> list[Flowable]:
    st = style.styles()
    settings = "\n".join(
        f"{s.name}{f' ({s.urn})' if s.urn else ''}: {s.setting_type}, {s.registration.lower()}"
        for s in pack.settings) or "No settings recorded"
    story: list[Flowable] = [
        Spacer(1, 14 * mm),
        Paragraph(TITLE, st.subtitle),
        Paragraph(style.markup(pack.name), st.title),
    ]
    if pack.legal_name != pack.name:
        story.append(para(pack.legal_name, st.subtitle))
    story += [Spacer(1, 6 * mm), key_value_table([
        ("Provider", pack.legal_name),
        ("Address", pack.address or "Not recorded"),
        ("Settings", settings),
        ("Period covered", pack.period.label),
        ("Prepared for", pack.prepared_for),
        ("Prepared by", f"{pack.prepared_by}, {pack.council}"),
        ("Date", date_long(pack.printed_on)),
    ], key_width=38 * mm), Spacer(1, 6 * mm),
        para("This pack is marked OFFICIAL-SENSITIVE: it is about children looked after by "
             f"{pack.council}, who appear by case reference only. Keep it securely, share it "
             "only with those at the meeting, and destroy it when it is no longer needed.",
             st.small),
        Spacer(1, 4 * mm), heading("Contents", sub=True, bookmark=False),
        *(para(section, st.body) for section in SECTIONS), PageBreak()]
    return story


# --- Summary ------------------------------------------------------------------------------

def _summary(pack: ProviderPack) -> list[Flowable]:
    st = style.styles()
    risk = pack.risk.label if pack.risk else "Not assessed"
    overdue = pack.overdue_actions
    tier = pack.tier_reason + (f"\n{pack.tier_chosen}" if pack.tier_chosen else "")
    story: list[Flowable] = [heading(SECTIONS[0]), key_value_table([
        ("Risk level", f"{risk} (the highest of its settings)"),
        ("Relationship tier", f"{pack.tier}\n{tier}"),
        ("Children placed today", f"{pack.children_now:,}"),
        ("Children placed in the period", f"{pack.children_in_period:,}"),
        ("Weeks of placement", f"{pack.weeks:,.1f} weeks in the period"),
        ("Spend", f"{money(pack.spend_pence)} in the period, for "
                  f"{pack.paid_weeks:,.1f} weeks paid for"),
        ("Open actions", f"{len(pack.open_actions):,}, of which {overdue:,} overdue"),
        ("Next contract review", date_long(pack.next_review_due, blank="None due")
         + (" (overdue)" if pack.next_review_due and pack.next_review_due < pack.printed_on
            else "")),
    ], key_width=52 * mm)]
    rows: list[list[Cell]] = []
    for s in pack.settings:
        factors = "\n".join(f"{why} (+{points})" for why, points in s.risk_factors) \
            or "Nothing raises the score"
        rows.append([s.name, s.risk.label if s.risk else "Not assessed", str(s.risk_score),
                     factors])
    story += _table(["Setting", "Risk", "Score", "What produced it"], rows,
                    [45 * mm, 20 * mm, 15 * mm, CONTENT_WIDTH - 80 * mm], right=(2,),
                    extra=_tints(rows, 1),
                    before=[heading("Risk by setting", sub=True)])
    story.append(heading("Average weekly cost against the council's", sub=True))
    if pack.fees:
        fee_rows: list[list[Cell]] = []
        for f in pack.fees:
            difference = "" if f.council_average_pence is None else (
                f"{'+' if f.average_pence >= f.council_average_pence else '-'}"
                f"{money(abs(f.average_pence - f.council_average_pence))}")
            fee_rows.append([f"{f.placement_type} {f.label}" if f.placement_type else f.label,
                             f"{f.weeks:,.1f}", money(f.average_pence),
                             money(f.council_average_pence, "–"), difference])
        story += [para("Spend ÷ weeks paid for in the period, by placement type: this "
                       "provider's against every provider the council used for the same "
                       "type.", st.lead)]
        story += _table(["Placement type", "Weeks paid", "This provider", "Council average",
                         "Difference"], fee_rows,
                        [CONTENT_WIDTH - 110 * mm, 22 * mm, 28 * mm, 30 * mm, 30 * mm],
                        right=(1, 2, 3, 4))
        story.append(charts.grouped_bars(
            [f.label for f in pack.fees],
            [("This provider", [f.average_pence / 100 for f in pack.fees], charts.BLUE),
             ("Council average", [None if f.council_average_pence is None
                                  else f.council_average_pence / 100 for f in pack.fees],
              charts.ORANGE)],
            lambda v: f"£{v:,.0f}", label_width=72 * mm))
    else:
        story.append(_none("Nothing was paid to this provider in the period."))
    return story


# --- Ofsted ---------------------------------------------------------------------------------

def _ofsted(pack: ProviderPack) -> list[Flowable]:
    story: list[Flowable] = [heading(SECTIONS[1])]
    if not pack.ofsted:
        return [*story, _none("The provider has no settings recorded.")]
    for setting in pack.ofsted:
        title = f"{setting.name}{f' ({setting.urn})' if setting.urn else ''}"
        monitoring = ("Under enhanced monitoring"
                      + (f" since {date_short(setting.monitoring_since)}"
                         if setting.monitoring_since else "")
                      if setting.enhanced_monitoring else "Normal monitoring")
        alerts = "\n".join(setting.alerts) or "None open"
        lead: list[Flowable] = [heading(title, sub=True), key_value_table(
            [("Monitoring", monitoring), ("Rating alerts", alerts)], key_width=38 * mm)]
        full = [(i.date, i.rank, i.judgement) for i in setting.inspections if i.full]
        if any(rank for _d, rank, _j in full):
            lead.append(charts.judgement_timeline(full))
        if setting.inspections:
            rows: list[list[Cell]] = [
                [date_short(i.date), i.kind, i.judgement or "No judgement",
                 date_short(i.published, "–")] for i in reversed(setting.inspections)]
            story += _table(["Date", "Event", "Judgement", "Published"], rows,
                            [25 * mm, 45 * mm, CONTENT_WIDTH - 95 * mm, 25 * mm],
                            extra=_judgement_tints(rows, 2, _JUDGEMENT_KEYS), before=lead)
        else:
            story += [page_breaks.keep_together([*lead, _none(
                "No inspections recorded." if setting.regulated else
                "Not regulated by Ofsted: the council's own QA is the only check.")])]
    return story


# --- QA ---------------------------------------------------------------------------------------

def _actions_table(actions: Sequence[ActionLine], title: str) -> list[Flowable]:
    rows: list[list[Cell]] = [[a.description, a.setting or "–", a.owner or "Not assigned",
                               date_short(a.due, "No date"), a.priority, a.status]
                              for a in actions]
    return _table(["Action", "Setting", "Owner", "Due", "Priority", "Status"], rows,
                  [CONTENT_WIDTH - 126 * mm, 34 * mm, 30 * mm, 20 * mm, 18 * mm, 24 * mm],
                  extra=_tints(rows, 5), small=True, before=[heading(title, sub=True)])


def _qa(pack: ProviderPack) -> list[Flowable]:
    story: list[Flowable] = [heading(SECTIONS[2])]
    story.append(heading("Visits in the period", sub=True))
    if not pack.visits:
        story.append(_none("No QA visits in the period."))
    for visit in pack.visits:
        title = (f"{date_short(visit.date)}: {visit.setting} ({visit.visit_type.lower()}, "
                 f"{visit.status.lower()})")
        rows: list[list[Cell]] = [[area, judged] for area, judged in visit.areas]
        rows.append(["Overall", visit.overall])
        tints = _judgement_tints(rows, 1, {"Outstanding": "outstanding", "Good": "good",
                                            "Requires improvement": "requires_improvement",
                                            "Inadequate": "inadequate"})
        story += _table(["Area", "Judgement"], rows,
                        [CONTENT_WIDTH - 50 * mm, 50 * mm], extra=tints,
                        before=[para(title, style.styles().label), Spacer(1, 2)])
    if pack.open_actions:
        overdue = pack.overdue_actions
        story += _actions_table(pack.open_actions, f"Open actions ({len(pack.open_actions)}, "
                                                   f"{overdue} overdue)")
    else:
        story += [heading("Open actions", sub=True), _none("No open actions.")]
    return story


# --- Placements -------------------------------------------------------------------------

def _placement_rows(lines: Sequence[PlacementLine], *, ended: bool) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for p in lines:
        variations = (f"{p.variations}, latest {p.last_variation}" if p.variations
                      else "None")
        row: list[Cell] = [p.child_ref, p.setting, p.placement_type, date_short(p.start)]
        if ended:
            row.append(date_short(p.end))
        row += [money(p.weekly_pence, "No agreement"), variations, _miles(p.distance_miles),
                p.route]
        rows.append(row)
    return rows


def _placements(pack: ProviderPack) -> list[Flowable]:
    st = style.styles()
    story: list[Flowable] = [
        heading(SECTIONS[3]),
        para("Children are named by case reference only. The weekly cost is the agreement's "
             "fee and weekly services today (for an ended placement, on its last day); "
             "distance is the straight line from home in miles (20 or less is local; – where "
             "it is not known).",
             st.lead)]
    head = ["Child", "Setting", "Type", "Start", "Weekly cost", "Variations", "Miles", "Route"]
    widths = [19 * mm, 30 * mm, 13 * mm, 19.5 * mm, 19.5 * mm, 0.0, 11 * mm, 23 * mm]
    widths[5] = CONTENT_WIDTH - sum(widths)
    title = f"Placed today ({len(pack.current_placements)})"
    if pack.current_placements:
        story += _table(head, _placement_rows(pack.current_placements, ended=False), widths,
                        right=(4, 6), small=True, before=[heading(title, sub=True)])
    else:
        story += [heading(title, sub=True), _none("No child is placed with this provider "
                                                  "today.")]
    head_ended = [*head[:4], "End", *head[4:]]
    widths_ended = [18.5 * mm, 24 * mm, 13 * mm, 19.5 * mm, 19.5 * mm, 19.5 * mm, 0.0,
                    11 * mm, 23 * mm]
    widths_ended[6] = CONTENT_WIDTH - sum(widths_ended)
    title = f"Ended in the period ({len(pack.ended_placements)})"
    if pack.ended_placements:
        story += _table(head_ended, _placement_rows(pack.ended_placements, ended=True),
                        widths_ended, right=(5, 7), small=True,
                        before=[heading(title, sub=True)])
    else:
        story += [heading(title, sub=True), _none("No placement ended in the period.")]
    return story


# --- Contracts and the last review ------------------------------------------------------

def _contracts(pack: ProviderPack) -> list[Flowable]:
    st = style.styles()
    story: list[Flowable] = [heading(SECTIONS[4])]
    if pack.contracts:
        rows: list[list[Cell]] = [
            [f"{c.reference}\n{c.title}", c.contract_type, date_short(c.start),
             date_short(c.end, "Open-ended"), money(c.value_pence, "–"), c.status]
            for c in pack.contracts]
        story += _table(["Contract", "Type", "Start", "End", "Value", "Status"], rows,
                        [CONTENT_WIDTH - 126 * mm, 34 * mm, 20 * mm, 22 * mm, 26 * mm,
                         24 * mm], right=(4,), small=True,
                        before=[heading("Contracts", sub=True)])
    else:
        story += [heading("Contracts", sub=True), _none("The provider holds no contract.")]
    due = pack.next_review_due
    late = " (overdue)" if due is not None and due < pack.printed_on else ""
    story.append(para(f"Next contract review due: {date_long(due, blank='none due')}{late}.",
                      st.body))
    review = pack.last_review
    if review is None:
        story += [heading("The last contract review", sub=True),
                  _none("No contract review with this provider has been signed off.")]
        return story
    story += [heading(f"The last contract review: {date_long(review.review_date)}", sub=True),
              key_value_table([
                  ("Contract", review.contract or "Not recorded"),
                  ("Attended for the council", review.attendees or "Not recorded"),
                  ("Attended for the provider", review.provider_attendees or "Not recorded"),
                  ("Signed off", f"{review.signed_off_by or 'Not recorded'}, "
                                 f"{date_short(review.signed_off_on)}"),
                  ("Next review set for", date_long(review.next_due, blank="Not set")),
              ], key_width=52 * mm)]
    rows = [[area, rag or "Not rated", notes or "–"] for area, rag, notes in review.agenda]
    story += _table(["Area", "Rating", "Notes"], rows,
                    [60 * mm, 22 * mm, CONTENT_WIDTH - 82 * mm], extra=_tints(rows, 1),
                    before=[para("Ratings by agenda area", st.label), Spacer(1, 2)])
    story += [para("Outcome", st.label), *style.paragraphs(review.outcome,
                                                          blank="No outcome recorded.")]
    if review.actions:
        story += _actions_table(review.actions, "Actions from the review")
    if review.addenda:
        rows = [[date_short(day), who, text] for day, who, text in review.addenda]
        story += _table(["Added", "By", "Addendum"], rows,
                        [22 * mm, 35 * mm, CONTENT_WIDTH - 57 * mm],
                        before=[para("Addenda since sign-off", st.label), Spacer(1, 2)])
    return story


# --- Documents --------------------------------------------------------------------------

def _documents(pack: ProviderPack) -> list[Flowable]:
    story: list[Flowable] = [heading(SECTIONS[5])]
    if not pack.documents:
        return [*story, _none("No documents recorded.")]
    rows: list[list[Cell]] = [[d.owner, d.title, date_short(d.expiry, "–"), d.status]
                              for d in pack.documents]
    flagged = sum(1 for d in pack.documents if d.flagged)
    story.append(para(f"{flagged} to check: expired, expiring within 30 days or missing.",
                      style.styles().lead))
    story += _table(["Setting", "Document", "Expires", "Status"], rows,
                    [50 * mm, CONTENT_WIDTH - 110 * mm, 25 * mm, 35 * mm],
                    extra=_tints(rows, 3))
    return story


def pack_story(pack: ProviderPack) -> list[Flowable]:
    """The pack's pages, from its data."""
    return [*_cover(pack), *_summary(pack), *_ofsted(pack), *_qa(pack), *_placements(pack),
            *_contracts(pack), *_documents(pack)]


def write_provider_pack(db: Database, provider_id: uuid.UUID, path: str | os.PathLike[str], *,
                        today: dt.date | None = None, period: Period | None = None,
                        prepared_for: str = "",
                        council_fees: Mapping[str, tuple[int, int]] | None = None) -> Path:
    """Write one provider's review pack at ``path``; returns the path.

    Raises :class:`~placement_desk.errors.UserError` if the provider is gone or the
    file cannot be saved there (nothing is left half-written).
    """
    day = today or dt.date.today()
    pack = provider_pack(db, provider_id, day, period, prepared_for=prepared_for,
                         council_fees=council_fees)
    info = DocumentInfo(title=f"{TITLE}: {pack.name}", council=pack.council, printed_on=day,
                        subject=f"Review pack for {pack.name}, {pack.period.label}",
                        author=f"{pack.prepared_by}, {pack.council}")
    out = pdf_writer.write_pdf(path, info, lambda: pack_story(pack))
    report_written(db, "provider review pack", out, subject="provider",
                   subject_id=str(provider_id))
    return out
