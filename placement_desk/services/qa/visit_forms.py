"""The QA visit form: what it holds, read from a visit, checked, and written onto a visit.

The same steps serve the visit dialog's drafts and completion (:mod:`.visits`) and a
visit brought in from a spreadsheet, so a visit is checked the same way however it comes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from ...errors import ValidationError
from ...models import QaVisit, QaVisitArea
from ...models.enums import QaJudgement, QaVisitType
from ..common.limits import check_length


@dataclass
class AreaForm:
    area: str
    judgement: QaJudgement | None = None
    """None until the officer chooses; Not assessed is a choice."""
    evidence: str | None = None


@dataclass
class VisitForm:
    """What the visit form holds; plain values, no ORM objects."""

    visit_type: QaVisitType | None = None
    visit_date: dt.date | None = None
    lead_officer_id: uuid.UUID | None = None
    officers: str | None = None
    spoke_children: int = 0
    spoke_staff: int = 0
    spoke_managers: int = 0
    overall_judgement: QaJudgement | None = None
    summary: str | None = None
    areas: list[AreaForm] = field(default_factory=list)
    row_version: int | None = field(default=None, compare=False)
    """The visit's change counter when the form read it (or last saved it): a save is
    refused if someone else saved the visit since (None: the caller does not say)."""


def _text(value: str | None) -> str | None:
    return value if value is not None and value.strip() else None


def _stored(judgement: QaJudgement | None) -> QaJudgement | None:
    """None means "not yet judged", which completing the visit refuses."""
    return judgement


def form_of(visit: QaVisit) -> VisitForm:
    """The form as the visit holds it."""
    return VisitForm(visit.visit_type, visit.visit_date, visit.lead_officer_id, visit.officers,
                     visit.spoke_children, visit.spoke_staff, visit.spoke_managers,
                     visit.overall_judgement, visit.summary,
                     [AreaForm(a.area, a.judgement, a.evidence) for a in visit.areas],
                     visit.version)


def check_draft(form: VisitForm) -> None:
    """The checks every save of a visit meets; raises ValidationError naming the field."""
    for name in ("spoke_children", "spoke_staff", "spoke_managers"):
        if getattr(form, name) < 0:
            raise ValidationError(name, "A number of people cannot be negative.")
    check_length("officers", "The officers' names", form.officers, QaVisit.officers)
    for i, area in enumerate(form.areas):
        name = " ".join(area.area.split())
        if not name:
            raise ValidationError(f"areas[{i}].area", "Name the area examined.")
        if len(name) > 200:
            raise ValidationError(f"areas[{i}].area", "The area's name is too long "
                                                      "(200 characters at most).")


def apply_form(visit: QaVisit, form: VisitForm) -> bool:
    """Write the form onto the visit, touching only what differs; True if anything did."""
    values = {"visit_type": form.visit_type, "visit_date": form.visit_date,
              "lead_officer_id": form.lead_officer_id,
              "officers": (form.officers or "").strip() or None,
              "spoke_children": form.spoke_children, "spoke_staff": form.spoke_staff,
              "spoke_managers": form.spoke_managers,
              "overall_judgement": form.overall_judgement, "summary": _text(form.summary)}
    changed = False
    for key, value in values.items():
        if getattr(visit, key) != value:
            setattr(visit, key, value)
            changed = True
    rows = list(visit.areas)
    for i, area in enumerate(form.areas):
        wanted = (" ".join(area.area.split()), _stored(area.judgement), _text(area.evidence))
        if i < len(rows):
            row = rows[i]
            if (row.area, row.judgement, row.evidence) != wanted:
                row.area, row.judgement, row.evidence = wanted
                changed = True
        else:
            visit.areas.append(QaVisitArea(position=i, area=wanted[0], judgement=wanted[1],
                                           evidence=wanted[2]))
            changed = True
    for row in rows[len(form.areas):]:
        visit.areas.remove(row)
        changed = True
    return changed


def check_complete(form: VisitForm, today: dt.date) -> None:
    """The rules a visit must meet to be completed; raises ValidationError naming the field."""
    if form.visit_date is None:
        raise ValidationError("visit_date", "Enter the date of the visit.")
    if form.visit_date > today:
        raise ValidationError("visit_date", "The visit date is in the future.")
    if form.visit_type is None:
        raise ValidationError("visit_type", "Choose the type of visit.")
    if form.overall_judgement is None:
        raise ValidationError("overall_judgement", "Choose the overall judgement.")
    if not form.areas:
        raise ValidationError("areas", "Record at least one area examined.")
    for i, area in enumerate(form.areas):
        if area.judgement is None:
            raise ValidationError(f"areas[{i}].judgement",
                                  f"Choose a judgement for {area.area}, or Not assessed.")

