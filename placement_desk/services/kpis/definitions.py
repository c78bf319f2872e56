"""What each figure means, in words: one text per figure, shown beside it on the Dashboard,
printed by ``placement-desk kpis`` and kept in ``docs/kpi-definitions.md``.

The guide's page is written from these texts (:func:`definitions_markdown`), and a test
holds the two together, so a change of rule is a change here first.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Definition:
    key: str
    title: str
    text: str
    family: str


_FAMILIES = ("Children and placements", "Quality of the settings used", "Quality assurance",
             "Distance and area", "Stability", "Weeks and spend", "Unregistered provision",
             "Needs attention", "Forecast")

LIVE_RULE = (
    "A placement is live on a day when it started on or before that day and had not ended "
    "by it, as in the SSDA903 return: the day a child moves counts in the new placement, and "
    "a child whose care ended on a day is not looked after on it.")

COHORT_RULE = (
    "The filters choose the children: age band (the child's age on the last day of the "
    "period), unaccompanied asylum-seeking children (UASC) or not, placement type group and "
    "commissioning route of the placement, and whether young people aged 18 to 25 in care "
    "leavers' accommodation are included (they are not looked after, and are left out "
    "unless chosen). Each figure says which of these it follows.")

_DEFS = (
    Definition(
        "children_looked_after", "Children looked after on the date",
        "Children with a placement live on the last day of the period, each counted once (in "
        "the placement that started last). Children placed under an agreed series of short "
        "breaks (legal status V3 or V4) are left out, as in the DfE's figures.",
        "Children and placements"),
    Definition(
        "children_by_type_age", "Children by placement type and age band",
        "Children looked after on the last day of the period, by the group of their placement "
        "type (the SSDA903 PLACE code) and their age on that day: 0–4, 5–9, 10–12, 13–15, "
        "16 and over. Children with no date of birth are shown apart.",
        "Children and placements"),
    Definition(
        "placements_by_type_age", "Placements by placement type and age band",
        "Placements with at least one day in the period, by placement type group and the "
        "child's age on the last day of the period. Each episode counts once, except one that "
        "only changed the legal status (RNE L) and began after the period started: it "
        "continues the placement before it.",
        "Children and placements"),
    Definition(
        "weeks_by_type_age", "Weeks of placement by type and age band",
        "The days each placement was live in the period (its first day counted, its last "
        "not), divided by 7, by placement type group and the child's age on the last day of "
        "the period. In-house placements count too.",
        "Children and placements"),
    Definition(
        "good_settings", "Settings in use rated Good or Outstanding",
        "Settings in use on the last day of the period (a child in the selection placed "
        "there) that are registered with Ofsted (active or suspended) and of a regulated "
        "type: those whose latest full inspection on or before that day judged overall "
        "effectiveness Outstanding or Good, out of those judged at a full inspection. "
        "Supported accommodation's outcomes are counted apart, and settings not yet "
        "inspected are shown apart and left out. England's and the region's figures are the "
        "same share over every registered setting of the same types in the register as last "
        "imported.",
        "Quality of the settings used"),
    Definition(
        "good_children", "Children placed in settings rated Good or Outstanding",
        "Children in the selection placed on the last day of the period in a setting judged "
        "at a full inspection (as for the settings' figure), and of those, the ones whose "
        "setting was judged Outstanding or Good.",
        "Quality of the settings used"),
    Definition(
        "sa_strong", "Supported accommodation in use with consistently strong delivery",
        "Registered supported accommodation in use on the last day of the period with an "
        "Ofsted outcome, and of those, the ones whose latest outcome is 'Consistently strong "
        "service delivery'. Supported accommodation not yet inspected is shown apart.",
        "Quality of the settings used"),
    Definition(
        "good_over_time", "Settings in use rated Good or Outstanding over time",
        "The settings' and children's figures above, worked out for the last day of the "
        "period and the same day in each of the five years before, each from the inspections "
        "held for that day.",
        "Quality of the settings used"),
    Definition(
        "qa_settings", "Settings in use QA-visited in the last 12 months",
        "Settings in use on the last day of the period, and of those, the ones with a "
        "completed QA visit dated from the same day a year before up to and including it.",
        "Quality assurance"),
    Definition(
        "qa_providers", "Providers QA-visited in the last 12 months",
        "Providers with a setting in use on the last day of the period, and of those, the ones "
        "with a completed QA visit to any of those settings in the 12 months up to it.",
        "Quality assurance"),
    Definition(
        "qa_overdue", "Settings in use overdue a QA visit",
        "Settings in use on the last day of the period whose next QA visit was due before it "
        "(the schedule's due date: by risk level, brought forward by rating alerts).",
        "Quality assurance"),
    Definition(
        "within_20", "Children placed within 20 miles of home",
        "Children looked after on the last day of the period whose placement is 20 miles or "
        "less from their home in a straight line (PL_DISTANCE). Children whose distance is "
        "not known stay in the denominator and are shown apart.",
        "Distance and area"),
    Definition(
        "in_area", "Children placed inside the council's area",
        "Children looked after on the last day of the period whose placement postcode lies in "
        "the council's area (its ONS code in Council settings, against the postcode lookup), "
        "out of those whose placement could be placed inside or outside it. Placements whose "
        "postcode is not in the lookup are shown apart, as are all of them when the council's "
        "code is not set.",
        "Distance and area"),
    Definition(
        "distance_bands", "Children by distance from home",
        "Children looked after on the last day of the period by the straight-line distance "
        "from home to placement: up to 5 miles, over 5 to 10, over 10 to 20, over 20 to 50, "
        "over 50, and not known.",
        "Distance and area"),
    Definition(
        "three_placements", "Children with 3 or more placements in the year",
        "Children looked after on the last day of the period (not on short breaks), and of "
        "those, the ones with three or more placements in the 12 months up to and including "
        "it. Placements are the episodes with a day in those months, leaving out temporary "
        "placements (T0 to T4) and episodes that only changed the legal status (RNE L) after "
        "the 12 months began, since they continue the placement before. The DfE measures "
        "this at 31 March: choose a period ending on 31 March to compare.",
        "Stability"),
    Definition(
        "long_term_stability", "Long-term stability",
        "Children under 16 on the last day of the period who had been looked after "
        "continuously for at least two and a half years up to it, and of those, the ones who "
        "had lived in the same placement for at least two years. A placement continues "
        "through episodes that change only the legal status (RNE L), or the placement but not "
        "the carers (RNE T or B), so that a child adopted by their foster carers keeps the "
        "time spent with them, as the DfE counts it.",
        "Stability"),
    Definition(
        "weeks", "Weeks of placement in the period",
        "The days every placement in the selection was live in the period (its first day "
        "counted, its last not), divided by 7: in-house placements too.",
        "Weeks and spend"),
    Definition(
        "spend", "Spend in the period",
        "Spend from the placements' agreements (IPAs): each version in force at its weekly "
        "fee plus its weekly and hourly services, for the days it applied in the period, "
        "divided by 7 and rounded half up to the penny once per agreement, and one-off "
        "costs on the day they fall: the rule of the Weeks and spend tab. By the route and "
        "placement type of the agreement's placement (its own type when it has none) and by "
        "the provider of its setting.",
        "Weeks and spend"),
    Definition(
        "average_weekly_cost", "Average weekly cost by placement type",
        "Spend in the period divided by the weeks the agreements were in force in it, by "
        "placement type group: placements with no agreement (most in-house ones) are not "
        "in it.",
        "Weeks and spend"),
    Definition(
        "unregistered", "Children under 18 in unregistered provision",
        "Children under 18 on the last day of the period whose placement that day needs a "
        "setting registered for that kind of care and is not in one. The placement types "
        "that need one are K1 (secure children's home), K2 (children's home), K3 "
        "(registered supported accommodation), H5 (semi-independent living, from 28 October "
        "2023, when supported accommodation for 16 and 17 year olds had to be registered "
        "with Ofsted), R1 (residential care home: registered with Ofsted or the Care Quality "
        "Commission, recorded as other registered provision) and S1 (residential school). "
        "A setting counts as unregistered when it is not registered (never, or no longer), "
        "when it is registered as another kind of setting, or when Ofsted's provider list "
        "for it does not allow the placement type. A child under 16 in supported or "
        "semi-independent accommodation counts whatever its registration, since it may not "
        "provide care. How long is counted from the start of the stay in that setting (from "
        "28 October 2023 for H5). Placements with no setting recorded cannot be checked "
        "and are shown apart. Filters other than the period do not apply.",
        "Unregistered provision"),
    Definition(
        "overdue_actions", "Overdue actions",
        "Actions open or in progress whose due date has passed, or stored as Overdue (the "
        "actions tracker's rule), on the last day of the period. Filters other than the "
        "period do not apply.",
        "Needs attention"),
    Definition(
        "reviews_due", "Contract reviews overdue",
        "Providers other than the council with a placement live on the last day of the "
        "period whose next contract review was due before it: the review interval after "
        "the last signed-off review (or the next review date it set, if sooner), or after "
        "their first live placement began when there has been none.",
        "Needs attention"),
    Definition(
        "contracts_ending", "Contracts ending soon",
        "Contracts in force on the last day of the period that end within the ending-soon "
        "window after it (6 months unless Council settings say otherwise).",
        "Needs attention"),
    Definition(
        "documents_expired", "Documents expired",
        "Settings in use on the last day of the period, and their providers, whose latest "
        "document of a kind (registration certificate, insurance, statement of purpose, "
        "accounts...) expired before that day; each document counted once.",
        "Needs attention"),
    Definition(
        "forecast", "Forecast of children looked after and placements needed",
        "A straight line fitted by least squares to the number of children looked after at "
        "31 March in each of the last five years (children in the selection, counted as "
        "above), carried forward three years. The range is the line plus or minus twice the "
        "standard error of the fit (the square root of the sum of the squared differences "
        "between the counts and the line, divided by the years less two), never below "
        "zero. The same for each placement type group gives the placements needed by type. "
        "A trend says what happens if nothing changes, and no more.",
        "Forecast"),
)

DEFINITIONS: dict[str, Definition] = {d.key: d for d in _DEFS}


def definition(key: str) -> str:
    return DEFINITIONS[key].text


def title(key: str) -> str:
    return DEFINITIONS[key].title


def definitions_markdown() -> str:
    """The guide's page of definitions, grouped by family, in the order above."""
    lines = ["# What the figures mean", "",
             "The Dashboard, `placement-desk kpis` and the reports show the same figures from "
             "the same rules. Each figure states its numerator, its denominator and the "
             "records it could not classify.", "",
             "## Two rules every figure follows", "", LIVE_RULE, "", COHORT_RULE, ""]
    for family in _FAMILIES:
        lines += [f"## {family}", ""]
        for d in _DEFS:
            if d.family == family:
                lines += [f"### {d.title}", "", d.text, ""]
    return "\n".join(lines)
