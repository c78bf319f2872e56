"""The tables of the sufficiency appendix drawn from the rest of the app's records.

Care leavers' accommodation (:mod:`..placements.care_leavers`), the settings used by
their latest Ofsted judgement against the region and England
(:mod:`..register.area_figures`), QA coverage of the settings in use
(:mod:`..qa.coverage`), and spend and weeks by route and type with the average weekly
cost (:mod:`..agreements.costs`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from ...db import Database
from ...models.enums import Judgement, SettingType
from ..agreements.costs import CostRow, weeks_and_spend
from ..common.formatting import date_long
from ..placements.care_leavers import Table as CareTable
from ..placements.care_leavers import care_leaver_tables
from ..qa.coverage import coverage
from ..register.area_figures import council_area, register_shares, shares_in_use
from .definitions import Period, average_weekly_pence, is_care_leaver_type, is_live_on
from .sufficiency_children import ChildRecord
from .sufficiency_table import AppendixTable, Column, plural, share

__all__ = ["care_leavers", "costs", "ofsted", "qa"]


def _one_place(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# --- 5. Care leavers ---------------------------------------------------------------------

def _care_table(key: str, title: str, table: CareTable, first: str,
                definition: str, unclassified: Sequence[str]) -> AppendixTable:
    headings, grid = table.as_grid()
    columns = (Column(first, "text"), *(Column(h) for h in headings[1:]))
    return AppendixTable(key, title, columns, tuple(tuple(row) for row in grid),
                         total_rows=1, definitions=(definition,),
                         unclassified=tuple(unclassified))


def care_leavers(db: Database, children: dict[str, ChildRecord],
                 at: dt.date) -> list[AppendixTable]:
    tables = care_leaver_tables(db, at)
    no_age = sum(1 for c in children.values() if c.born is None and any(
        is_care_leaver_type(ep.place) and is_live_on(ep.start, ep.end, at)
        for ep in c.episodes))
    left_out = ([f"{plural(no_age, 'young person', 'young people')} in care leavers' "
                 "accommodation with no date of birth recorded cannot be aged 16 to 25, and "
                 "so are not counted."] if no_age else [])
    where = ("Young people aged 16 to 25 on "
             f"{date_long(at)} with an episode live that day, counted once by that "
             "episode's accommodation (care leavers' types, and SSDA903 types for 16 and 17 "
             "year olds still looked after): in the council's area when the placement's "
             "postcode is in the council's area in the postcode lookup, else within 20 "
             "miles or beyond by the distance from home.")
    distance_unknown = tables.by_where.column_total("Distance unknown")
    not_assessed = tables.by_needs.column_total("Not assessed")
    far = ([f"{plural(distance_unknown, 'young person', 'young people')} outside the "
            "council's area with no distance recorded: under Distance unknown."]
           if distance_unknown else [])
    unassessed = ([f"{plural(not_assessed, 'young person has', 'young people have')} no "
                   "needs level recorded: under Not assessed."] if not_assessed else [])
    return [
        _care_table("Care leavers by where", "Care leavers' accommodation: where they live",
                    tables.by_where, "Accommodation", where,
                    [*left_out, *far]),
        _care_table("Care leavers by needs", "Care leavers' accommodation by needs level",
                    tables.by_needs, "Accommodation",
                    f"The same young people by their assessed needs, from level 1 (high) to "
                    f"level 5 (ready to live independently with a personal adviser's "
                    f"support). {tables.uasc:,} of the {tables.people:,} are unaccompanied "
                    "asylum-seeking young people.",
                    [*left_out, *unassessed]),
    ]


# --- 6. Settings used by Ofsted judgement ---------------------------------------------------

_JUDGEMENT_ROWS = ("Outstanding", "Good or strong", "Requires improvement or inconsistent",
                   "Inadequate or serious weaknesses", "Not yet judged", "Not regulated")


def _judgement_row(judgement: Judgement | None, regulated: bool) -> str:
    if not regulated:
        return "Not regulated"
    if judgement is None or judgement.group == "interim":
        return "Not yet judged"
    if judgement == Judgement.OUTSTANDING:
        return "Outstanding"
    return {"good_or_better": "Good or strong", "below": "Requires improvement or inconsistent",
            "inadequate": "Inadequate or serious weaknesses"}[judgement.group]


def ofsted(db: Database, session_rows: list[tuple[Any, ...]],
           children: dict[str, ChildRecord], at: dt.date) -> list[AppendixTable]:
    settings = {sid: (SettingType(kind), Judgement(judgement) if judgement else None)
                for sid, kind, judgement in session_rows}
    used: dict[str, set[str]] = defaultdict(set)
    no_setting = 0
    for cid, child in children.items():
        for ep in child.episodes:
            if is_live_on(ep.start, ep.end, at):
                if ep.setting is None or ep.setting not in settings:
                    no_setting += 1
                else:
                    used[ep.setting].add(cid)
    settings_by: Counter[str] = Counter()
    children_by: Counter[str] = Counter()
    for sid, placed in used.items():
        kind, judgement = settings[sid]
        row = _judgement_row(judgement, kind.group == "regulated")
        settings_by[row] += 1
        children_by[row] += len(placed)
    total_settings, total_children = sum(settings_by.values()), sum(children_by.values())
    by_judgement = AppendixTable(
        "Settings by judgement", "Settings used by their latest Ofsted judgement",
        (Column("Latest full inspection", "text"), Column("Settings"),
         Column("% of settings", "percent"), Column("Children placed"),
         Column("% of children", "percent")),
        tuple([(r, settings_by[r], share(settings_by[r], total_settings), children_by[r],
                share(children_by[r], total_children)) for r in _JUDGEMENT_ROWS]
              + [("Total", total_settings, share(total_settings, total_settings)
                  if total_settings else None, total_children,
                  share(total_children, total_children) if total_children else None)]),
        total_rows=1,
        definitions=(f"Settings where a child or young person had an episode live on "
                     f"{date_long(at)}, by the overall judgement of their latest full "
                     "inspection (supported accommodation's 'Consistently strong service "
                     "delivery' with Good, 'Inconsistent quality' with Requires improvement, "
                     "'Serious or widespread weaknesses' with Inadequate). A monitoring or "
                     "interim inspection does not give an overall judgement.",),
        unclassified=((f"{plural(no_setting, 'episode', 'episodes')} live that day "
                       f"{'has' if no_setting == 1 else 'have'} no setting recorded, so "
                       "cannot be counted here.",) if no_setting else ()))
    shares = register_shares(db)
    in_use = shares_in_use(db, at)
    area = council_area(db, at)
    region_name = shares.region_of.get(area or "", "")
    region = shares.regions.get(region_name)
    rows: list[tuple[Any, ...]] = []
    for group in [*in_use.by_type, None]:
        mine = in_use.total if group is None else in_use.share(group)
        theirs = None if region is None else (region.total if group is None
                                             else region.share(group))
        england = shares.england.total if group is None else shares.england.share(group)
        rows.append(("All regulated settings" if group is None else group.label, mine.judged,
                     mine.good_or_outstanding, _one_place(mine.percent),
                     _one_place(theirs.percent) if theirs else None,
                     _one_place(england.percent)))
    comparison = AppendixTable(
        "Good or better", "Settings used Good or Outstanding, against the region and England",
        (Column("Setting type", "text"), Column("Settings used, judged"),
         Column("Good or Outstanding"), Column("% used", "percent"),
         Column(f"% {region_name}" if region_name else "% region", "percent"),
         Column("% England", "percent")),
        tuple(rows), total_rows=1,
        definitions=("The share of registered settings judged Good or Outstanding at their "
                     "latest full inspection, among the settings used (a child placed there "
                     f"on {date_long(at)}), in the council's region"
                     f"{f' ({region_name})' if region_name else ''} and in England, from the "
                     "register the Ofsted import keeps (active or suspended settings with a "
                     "URN).",),
        unclassified=(() if region is not None else (
            "The council's region is not known (set the council's name or use settings "
            "with a region recorded), so the region's column is blank.",)))
    return [by_judgement, comparison]


# --- 7. QA coverage --------------------------------------------------------------------------

def qa(db: Database, at: dt.date) -> AppendixTable:
    report = coverage(db, at)
    rows: list[tuple[Any, ...]] = [
        (t.setting_type.label, t.coverage.total, t.coverage.visited,
         share(t.coverage.visited, t.coverage.total)) for t in report.by_type]
    rows.append(("All settings in use", report.overall.total, report.overall.visited,
                 share(report.overall.visited, report.overall.total)))
    return AppendixTable(
        "QA coverage", "Quality assurance coverage of the settings in use",
        (Column("Setting type", "text"), Column("Settings in use"),
         Column("Visited in 12 months"), Column("% visited", "percent")),
        tuple(rows), total_rows=1,
        definitions=(f"Settings with a child placed on {date_long(at)}, and of them those "
                     f"with a completed QA visit from {date_long(report.since)} to "
                     f"{date_long(at)}. Unregulated settings are included: the council's QA "
                     "is their only check.",))


# --- 8. Spend, weeks and the average weekly cost ---------------------------------------------

def _cost_table(key: str, title: str, heading: str, rows: Sequence[CostRow],
                period: Period, what: str) -> AppendixTable:
    body: list[tuple[Any, ...]] = [(r.label, r.weeks, r.paid_weeks, r.spend_pence)
                                   for r in rows]
    body.append(("Total", sum(r.weeks for r in rows), sum(r.paid_weeks for r in rows),
                 sum(r.spend_pence for r in rows)))
    missing = [r for r in rows if not r.key]
    return AppendixTable(
        key, title, (Column(heading, "text"), Column("Weeks of placement", "weeks"),
                     Column("Weeks paid for", "weeks"), Column("Spend", "money")),
        tuple(body), total_rows=1,
        definitions=(f"Weeks of placement are every episode's days in {period.label} ÷ 7 "
                     "(in-house placements too); weeks paid for are the days an agreement was "
                     "in force ÷ 7; spend is the agreements' weekly fee and services over "
                     "those days, with one-off costs on their day, rounded once per agreement. "
                     f"Each placement is counted under its {what}.",),
        unclassified=((f"{missing[0].weeks:,.1f} weeks of placement have no {what} "
                       "recorded: under Not recorded.",) if missing else ()))


def costs(db: Database, period: Period) -> list[AppendixTable]:
    routes = weeks_and_spend(db, period.start, period.end, "route")
    types = weeks_and_spend(db, period.start, period.end, "placement_type")
    averages: list[tuple[Any, ...]] = []
    unpaid = []
    for r in types:
        days = round(r.paid_weeks * 7)
        average = average_weekly_pence(r.spend_pence, days)
        if average is None:
            unpaid.append(r.label)
            continue
        averages.append((r.label, r.paid_weeks, r.spend_pence, average))
    return [
        _cost_table("Spend by route", "Spend and weeks by commissioning route", "Route",
                    routes, period, "commissioning route"),
        _cost_table("Spend by type", "Spend and weeks by placement type", "Placement type",
                    types, period, "placement type"),
        AppendixTable(
            "Average weekly cost", "Average weekly cost by placement type",
            (Column("Placement type", "text"), Column("Weeks paid for", "weeks"),
             Column("Spend", "money"), Column("Average weekly cost", "money")),
            tuple(averages),
            definitions=(f"Spend ÷ weeks paid for in {period.label}, by placement type, to "
                         "the penny: the weekly fee and services of the agreements in force, "
                         "one-off costs included.",),
            unclassified=((f"No agreement was in force for {', '.join(unpaid)} in the "
                           "period (in-house placements, or agreements not recorded), so "
                           "there is no average for "
                           f"{'it' if len(unpaid) == 1 else 'them'}.",) if unpaid else ())),
    ]
