"""The quality of the settings used: Ofsted judgements beside England's and the region's,
over time, and the council's own QA visits.

A setting's judgement on a day is that of its latest full inspection on or before
that day (:func:`judgement_on`); full-inspection judgements and supported
accommodation's outcomes are kept apart, and settings not yet inspected are shown
apart. QA coverage counts completed visits from the same day a year before up to and
including the day, as the QA page does.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass

import numpy as np

from ...models.enums import SettingType
from ..qa.schedule import add_months
from ..register.area_figures import AreaShares, Share
from .common import Figure, Row, Table
from .selection import Selection, one_per_child

FULL_CATEGORIES = ("Outstanding", "Good", "Requires improvement", "Inadequate")
SA_CATEGORIES = ("Consistently strong", "Inconsistent", "Serious or widespread weaknesses")
_CATEGORY = {
    "outstanding": "Outstanding", "good": "Good", "requires_improvement": "Requires improvement",
    "requires_improvement_old": "Requires improvement", "adequate": "Requires improvement",
    "satisfactory": "Requires improvement", "inadequate": "Inadequate",
    "sa_strong": "Consistently strong", "sa_inconsistent": "Inconsistent",
    "sa_serious": "Serious or widespread weaknesses",
}
NOT_INSPECTED = "Not yet inspected"
SA_TYPE = SettingType.SUPPORTED_ACCOMMODATION.value


def judgement_on(selection: Selection, setting: int, day: int) -> str | None:
    """The setting's judgement on ``day``: its latest full inspection's then; for a setting
    whose inspections are not held, its recorded latest judgement if given by then."""
    snap = selection.snap
    held = snap.full_inspections.get(setting)
    if held is not None:
        dates, judgements = held
        n = bisect.bisect_right(dates, day)
        return judgements[n - 1] if n else None
    info = snap.settings[setting]
    if info.judgement and (info.inspected is None or info.inspected <= day):
        return info.judgement
    return None


@dataclass(frozen=True, slots=True)
class Classified:
    """The settings in use on a day, sorted by what can be said of their quality."""

    full: dict[int, str]
    """Setting → category (:data:`FULL_CATEGORIES`), judged at a full inspection."""
    supported: dict[int, str]
    """Supported accommodation → its outcome's category (:data:`SA_CATEGORIES`)."""
    not_inspected: list[int]
    unregulated: list[int]
    not_registered: list[int]
    """Regulated types that are not registered on the day (or hold no URN)."""


def classify(selection: Selection, settings: np.ndarray, day: int) -> Classified:
    snap = selection.snap
    full: dict[int, str] = {}
    supported: dict[int, str] = {}
    not_inspected, unregulated, not_registered = [], [], []
    for n in settings.tolist():
        info = snap.settings[n]
        if not info.regulated:
            unregulated.append(n)
            continue
        if not info.registered or not info.urn:
            not_registered.append(n)
            continue
        judged = judgement_on(selection, n, day)
        category = _CATEGORY.get(judged or "")
        if category is None:
            not_inspected.append(n)
        elif category in SA_CATEGORIES:
            supported[n] = category
        else:
            full[n] = category
    return Classified(full, supported, not_inspected, unregulated, not_registered)


def _good(category: str) -> bool:
    return category in ("Outstanding", "Good", "Consistently strong")


GOOD, BELOW, UNJUDGED = 1, 0, 2
"""What :func:`children_in` says of each child's setting (-1: neither judged nor waiting)."""


def children_in(selection: Selection, found: Classified, episodes: np.ndarray) -> np.ndarray:
    """For each episode, its setting's :data:`GOOD`, :data:`BELOW` (judged at a full
    inspection) or :data:`UNJUDGED` (not yet inspected); -1 for anything else."""
    codes = np.full(len(selection.snap.settings) + 1, -1, dtype=np.int64)  # last: no setting
    for n, category in found.full.items():
        codes[n] = GOOD if _good(category) else BELOW
    codes[found.not_inspected] = UNJUDGED
    settings = selection.snap.episodes.setting[episodes]
    found_codes: np.ndarray = codes[np.where(settings >= 0, settings, len(codes) - 1)]
    return found_codes


def _comparison(name: str, area: AreaShares | None, types: set[str]) -> tuple[str, str]:
    if area is None:
        return name, "–"
    share = sum((area.share(SettingType(t)) for t in sorted(types)), Share())
    return name, share.text()


@dataclass(frozen=True, slots=True)
class QualityFigures:
    good_settings: Figure
    good_children: Figure
    sa_strong: Figure
    judgements: Table
    in_use: Table


def quality_figures(selection: Selection) -> QualityFigures:
    """Good or Outstanding by settings and by children, on the last day, beside England's
    and the region's figures for the same setting types."""
    snap, day = selection.snap, selection.day
    found = classify(selection, selection.settings_in_use, day)
    label = f"in use on {selection.at:%d/%m/%Y}"
    full_types = {snap.settings[n].setting_type for n in found.full}
    region = snap.shares.regions.get(snap.region) if snap.region else None
    good = [n for n, c in found.full.items() if _good(c)]
    judged_records = selection.setting_records(
        set(found.full) | set(found.not_inspected), f"Settings {label}")
    good_settings = Figure(
        "good_settings", len(good), len(found.full), unclassified=len(found.not_inspected),
        unclassified_label="not yet inspected", records=judged_records, better="higher",
        comparisons=(_comparison("England", snap.shares.england, full_types),
                     _comparison(f"Region ({snap.region})" if snap.region else "Region",
                                 region, full_types)))
    strong = [n for n, c in found.supported.items() if _good(c)]
    sa_not = [n for n in found.not_inspected if snap.settings[n].setting_type == SA_TYPE]
    sa_strong = Figure(
        "sa_strong", len(strong), len(found.supported), unclassified=len(sa_not),
        unclassified_label="not yet inspected", better="higher",
        records=selection.setting_records(set(found.supported) | set(sa_not),
                                          f"Supported accommodation {label}"),
        comparisons=(_comparison("England", snap.shares.england, {SA_TYPE}),
                     _comparison("Region", region, {SA_TYPE})))
    # Children: each child once, in the setting of the placement that started last.
    placed = selection.placed
    where = children_in(selection, found, placed)
    judged_episodes = placed[where >= 0]
    good_children = Figure(
        "good_children", int((where == GOOD).sum()), int(((where == GOOD) | (where == BELOW))
                                                         .sum()),
        unclassified=int((where == UNJUDGED).sum()),
        unclassified_label="in settings not yet inspected", better="higher",
        records=selection.episode_records(judged_episodes, "Children placed in judged settings"))
    return QualityFigures(good_settings, good_children, sa_strong,
                          _judgement_table(selection, found), _in_use_table(selection, found))


def _judgement_table(selection: Selection, found: Classified) -> Table:
    """Each judgement's share of the judged settings in use, beside England's and the
    region's for the same setting types (from the register)."""
    snap = selection.snap
    mine = Counter(found.full.values())
    mine_sa = Counter(found.supported.values())
    types = {snap.settings[n].setting_type for n in found.full}
    rows = []
    for family, categories, counts, kinds in (
            ("full", FULL_CATEGORIES, mine, types), ("sa", SA_CATEGORIES, mine_sa, {SA_TYPE})):
        total = sum(counts.values())
        area_counts = [_area_counts(snap.england_judgements, kinds),
                       _area_counts(snap.region_judgements, kinds)]
        for category in categories:
            ids = [n for n, c in (found.full if family == "full" else found.supported).items()
                   if c == category]
            values: list[float | None] = [100 * counts[category] / total if total else None]
            for counted in area_counts:
                whole = sum(counted.values())
                values.append(100 * counted[category] / whole if whole else None)
            rows.append(Row(category, (counts[category], *values),
                            (selection.setting_records(ids, f"{category}, in use"),)))
    rows.append(Row(NOT_INSPECTED, (len(found.not_inspected), None, None, None),
                    (selection.setting_records(found.not_inspected, NOT_INSPECTED),)))
    return Table("judgements", "Judgements of the settings in use", "Judgement",
                 ("Settings in use", "% of those judged", "England %",
                  f"{snap.region or 'Region'} %"), tuple(rows), "mixed",
                 note="Full-inspection judgements and supported accommodation's outcomes are "
                      "each a share of their own kind; England and the region over the same "
                      "setting types.")


def _area_counts(judgements: dict[tuple[str, str | None], int] | None,
                 kinds: set[str]) -> Counter[str]:
    counted: Counter[str] = Counter()
    if judgements is None:
        return counted
    for (kind, judged), n in judgements.items():
        category = _CATEGORY.get(judged or "")
        if kind in kinds and category is not None:
            counted[category] += n
    return counted


def _in_use_table(selection: Selection, found: Classified) -> Table:
    """What can be said of the settings in use: for the figure's note and the records."""
    rows = [
        Row("Judged at a full inspection", (len(found.full),),
            (selection.setting_records(list(found.full), "Judged at a full inspection"),)),
        Row("Supported accommodation with an outcome", (len(found.supported),),
            (selection.setting_records(list(found.supported), "Supported accommodation"),)),
        Row(NOT_INSPECTED, (len(found.not_inspected),),
            (selection.setting_records(found.not_inspected, NOT_INSPECTED),)),
        Row("Unregulated (no Ofsted rating)", (len(found.unregulated),),
            (selection.setting_records(found.unregulated, "Unregulated settings in use"),)),
        Row("Not registered (or no URN)", (len(found.not_registered),),
            (selection.setting_records(found.not_registered, "Not registered"),)),
    ]
    return Table("settings_in_use", "Settings in use by what is known of them", "Settings",
                 ("Settings",), tuple(rows))


def good_over_time(selection: Selection, years: int = 5) -> Table:
    """Good or Outstanding (by settings and by children) on the last day and the same day
    in each of the ``years`` before."""
    rows = []
    for back in range(years, -1, -1):
        day = add_months(selection.at, -12 * back)
        n = day.toordinal()
        live = selection.live(n) & selection.episode_ok
        e = selection.snap.episodes
        settings = e.setting[live]
        found = classify(selection, np.unique(settings[settings >= 0]), n)
        good = sum(_good(c) for c in found.full.values())
        where = children_in(selection, found,
                            one_per_child(selection.snap, np.flatnonzero(live)))
        judged = int(((where == GOOD) | (where == BELOW)).sum())
        rows.append(Row(f"{day:%d/%m/%Y}", (
            100 * good / len(found.full) if found.full else None,
            100 * int((where == GOOD).sum()) / judged if judged else None,
            good, len(found.full))))
    return Table("good_over_time", "Settings in use rated Good or Outstanding over time", "Date",
                 ("By settings %", "By children %", "Good or Outstanding", "Judged"),
                 tuple(rows), "mixed")


# --- QA ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class QaFigures:
    settings: Figure
    providers: Figure
    overdue: Figure
    by_type: Table


def _visited(selection: Selection, setting: int, since: int, day: int) -> bool:
    dates = selection.snap.visits.get(setting)
    if not dates:
        return False
    n = bisect.bisect_right(dates, day)
    return n > 0 and dates[n - 1] >= since


def qa_figures(selection: Selection) -> QaFigures:
    snap, day = selection.snap, selection.day
    since = add_months(selection.at, -12).toordinal()
    in_use = selection.settings_in_use.tolist()
    visited = {n for n in in_use if _visited(selection, n, since, day)}
    providers: dict[int, bool] = {}
    for n in in_use:
        p = snap.settings[n].provider
        if p >= 0:
            providers[p] = providers.get(p, False) or n in visited
    overdue = [n for n in in_use if (due := snap.settings[n].next_qa_due) is not None
               and due < day]
    settings = Figure("qa_settings", len(visited), len(in_use), better="higher",
                      records=selection.setting_records(in_use, "Settings in use"))
    provider_figure = Figure(
        "qa_providers", sum(providers.values()), len(providers), better="higher",
        records=selection.setting_records(
            [n for n in in_use if snap.settings[n].provider >= 0], "Settings in use"))
    overdue_figure = Figure("qa_overdue", len(overdue), unit="count", better="lower",
                            records=selection.setting_records(overdue, "Overdue a QA visit"))
    kinds: dict[str, list[int]] = {}
    for n in in_use:
        kinds.setdefault(snap.settings[n].setting_type, []).append(n)
    rows = []
    for kind in SettingType:
        members = kinds.get(kind.value)
        if not members:
            continue
        done = [n for n in members if n in visited]
        rows.append(Row(kind.label, (100 * len(done) / len(members), len(done), len(members)),
                        (selection.setting_records(members, f"{kind.label}, in use"),)))
    return QaFigures(settings, provider_figure, overdue_figure, Table(
        "qa_by_type", "Settings in use QA-visited in the last 12 months, by type",
        "Setting type", ("% visited", "Visited", "In use"), tuple(rows), "mixed"))
