"""The child and episode forms and their checks, for one form or many rows a column at a time.

A form is checked by :func:`check_children` or :func:`check_episodes`, which run over
many forms a column at a time: one form is a column of one row
(:func:`clean_child_form`, :func:`clean_episode_form`), and the spreadsheet import checks
thousands of rows with the same rules, so a row of a spreadsheet is refused with the
message its form would get. Only what makes a record unusable is refused here; the
SSDA903 rules (:mod:`.ssda903`) are shown on the saved record. Where the checks find the
records a form names is :class:`Lookups`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...errors import ValidationError
from ...identifiers import is_postcode, normalise_postcode
from ...models import Child, PlacementEpisode, Setting
from ...models.enums import (
    CategoryOfNeed,
    CommissioningRoute,
    Ethnicity,
    LegalStatus,
    PlacementType,
    PlaceProvider,
    ReasonCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
    Sex,
)
from ..common.limits import check_length
from .ssda903.register import clean_urn

CASE_REF_RE = re.compile(r"^[A-Za-z0-9/_.-]{1,40}$")


def clean_postcode(value: str | None, field_name: str) -> str | None:
    """A UK postcode in its usual form ("SM1 1AA"), None if blank; else ValidationError."""
    if not _text(value):
        return None
    clean = normalise_postcode(value)
    if clean is None or not is_postcode(clean):
        raise ValidationError(field_name, f"{value} is not a UK postcode.")
    return clean


# --- Children ------------------------------------------------------------------------------

@dataclass
class ChildForm:
    case_ref: str = ""
    date_of_birth: dt.date | None = None
    sex: Sex | None = None
    ethnicity: str | None = None
    uasc: bool = False
    disability: bool = False
    legal_status: str | None = None
    home_postcode: str | None = None
    needs_level: int | None = None
    personal_adviser: str | None = None
    notes: str | None = None
    row_version: int | None = field(default=None, compare=False)
    """The record's change counter when the form read it: a save is refused if someone
    else saved the child since (None: a new child, or a caller that does not say)."""


def record_fields(form_class: type) -> tuple[str, ...]:
    """A form's fields that are the record's columns (not its change counter)."""
    return tuple(f.name for f in fields(form_class) if f.name != "row_version")


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


@functools.cache
def _codes(enum: Any) -> frozenset[str]:
    return frozenset(m.value for m in enum)


class Lookups:
    """Where the checks below find the records a form refers to: by default a query in
    the session each time; an import of thousands of rows passes one that has read them
    in bulk (and knows the records it is adding), so that the same checks run on every
    row without a query each."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def child_with_ref(self, ref: str) -> uuid.UUID | None:
        """The child with this case reference (any case), deleted or not."""
        return self.session.scalar(select(Child.id).where(
            func.lower(Child.case_ref) == ref.lower()))

    def child_exists(self, child_id: uuid.UUID) -> bool:
        return self.session.get(Child, child_id) is not None

    def setting_with_urn(self, urn: str) -> uuid.UUID | None:
        """The setting (not deleted) with this URN."""
        return self.session.scalar(select(Setting.id).where(Setting.urn == urn,
                                                            Setting.deleted_at.is_(None)))

    def setting_postcode(self, setting_id: uuid.UUID) -> tuple[bool, str | None]:
        """Whether the setting exists, and its postcode."""
        setting = self.session.get(Setting, setting_id)
        return setting is not None, setting.postcode if setting is not None else None


@dataclass(frozen=True)
class Checked:
    """Forms checked together: each row's cleaned values (a column per field; a row with
    a problem holds values of no meaning) and each row's first problem (None when it has
    none)."""

    clean: dict[str, list[Any]]
    problems: list[ValidationError | None]


def _distinct(values: Sequence[Any], clean: Callable[[Any], Any],
              done: dict[Any, Any]) -> list[Any]:
    """``clean`` applied to each value, worked out once for each distinct value (``done``
    holds the values worked out already); a value that ``clean`` refuses gives its
    ValidationError in its place."""
    for value in set(values).difference(done):
        try:
            done[value] = clean(value)
        except ValidationError as exc:
            done[value] = exc
    return [done[v] for v in values]


def _refuser(problems: list[ValidationError | None]
             ) -> Callable[[Iterable[int], str, Callable[[int], str]], None]:
    """Records a rule's refusal of some rows, for the rows that no rule before it refused
    (the first rule a form breaks is the one it is told about)."""
    def refuse(rows: Iterable[int], name: str, message: Callable[[int], str]) -> None:
        for i in rows:
            if problems[i] is None:
                problems[i] = ValidationError(name, message(i))

    return refuse


def _column_reader(form_class: type, columns: Mapping[str, Sequence[Any]], count: int
                   ) -> Callable[[str], Sequence[Any]]:
    """A field's values over ``count`` forms: the column given, or the form's default in
    every row for a field left out."""
    blank: dict[str, Any] = {f.name: f.default for f in fields(form_class)}

    def column(name: str) -> Sequence[Any]:
        found = columns.get(name)
        return found if found is not None else [blank[name]] * count

    return column


def _not_a_code(codes: Sequence[Any], what: str) -> Callable[[int], str]:
    return lambda i: f"{codes[i]} is not a {what} code."


CHILD_CHECKED = record_fields(ChildForm)
"""The fields of a child's form that :func:`check_children` reads and cleans."""


def check_children(session: Session, columns: Mapping[str, Sequence[Any]], count: int,
                   today: dt.date, lookups: Lookups | None = None,
                   editing: Sequence[uuid.UUID | None] | None = None) -> Checked:
    """The checks of a child's form, run over ``count`` forms a column at a time (as
    :func:`check_episodes`); ``editing`` gives the stored child each form changes (None
    for a new child, and for every row when left out)."""
    lookups = lookups or Lookups(session)
    column = _column_reader(ChildForm, columns, count)
    problems: list[ValidationError | None] = [None] * count
    refuse = _refuser(problems)
    refs = [r.strip() for r in column("case_ref")]
    refuse((i for i, r in enumerate(refs) if not r), "case_ref",
           lambda i: "Enter the child's case reference.")
    refuse((i for i, r in enumerate(refs) if r and not CASE_REF_RE.match(r)), "case_ref",
           lambda i: "A case reference is up to 40 letters, digits and / _ . - (no names "
                     "or spaces).")
    editing = editing if editing is not None else [None] * count
    for i, ref in enumerate(refs):
        if problems[i] is None:
            clash = lookups.child_with_ref(ref)
            if clash is not None and clash != editing[i]:
                problems[i] = ValidationError(
                    "case_ref", f"Another child already has the reference {ref}.")
    born = column("date_of_birth")
    oldest = dt.date(today.year - 30, 1, 1)
    refuse((i for i, b in enumerate(born) if b is not None and b > today), "date_of_birth",
           lambda i: "The date of birth is in the future.")
    refuse((i for i, b in enumerate(born) if b is not None and b < oldest), "date_of_birth",
           lambda i: "The date of birth makes this person over 30; check it.")
    for enum, name, what in ((Ethnicity, "ethnicity", "903 ethnicity"),
                             (LegalStatus, "legal_status", "903 legal status")):
        codes = column(name)
        wrong = {v for v in set(codes) if v and v not in _codes(enum)}
        if wrong:
            refuse((i for i, v in enumerate(codes) if v in wrong), name,
                   _not_a_code(codes, what))
    levels = column("needs_level")
    refuse((i for i, n in enumerate(levels) if n is not None and not 1 <= n <= 5),
           "needs_level", lambda i: "The needs level is from 1 (high) to 5.")

    def adviser(value: str | None) -> str | None:
        check_length("personal_adviser", "The personal adviser's name", value,
                     Child.personal_adviser)
        return _text(value)

    advisers = _distinct(column("personal_adviser"), adviser, {})
    homes = _distinct(column("home_postcode"),
                      lambda value: clean_postcode(value, "home_postcode"), {})
    for i, (name, home) in enumerate(zip(advisers, homes, strict=True)):
        if problems[i] is None:
            if isinstance(name, ValidationError):
                problems[i] = name
            elif isinstance(home, ValidationError):
                problems[i] = home
    text: dict[Any, Any] = {}
    clean = {"case_ref": refs, "date_of_birth": list(born), "sex": list(column("sex")),
             "ethnicity": _distinct(column("ethnicity"), _text, text),
             "uasc": list(column("uasc")), "disability": list(column("disability")),
             "legal_status": _distinct(column("legal_status"), _text, text),
             "home_postcode": homes, "needs_level": list(levels),
             "personal_adviser": advisers, "notes": _distinct(column("notes"), _text, text)}
    return Checked(clean, problems)


def clean_child_form(session: Session, form: ChildForm, child_id: uuid.UUID | None,
                     today: dt.date, lookups: Lookups | None = None) -> ChildForm:
    """The form cleaned, or a ValidationError naming the field (:func:`check_children`'s
    rules)."""
    checked = check_children(session, {n: [getattr(form, n)] for n in CHILD_CHECKED}, 1,
                             today, lookups, [child_id])
    problem = checked.problems[0]
    if problem is not None:
        raise problem
    return ChildForm(**{n: checked.clean[n][0] for n in CHILD_CHECKED})


# --- Episodes ------------------------------------------------------------------------------

@dataclass
class EpisodeForm:
    child_id: uuid.UUID | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    placement_type: str = ""
    reason_new_episode: str | None = None
    legal_status: str | None = None
    category_of_need: str | None = None
    place_provider: str | None = None
    reason_ceased: str | None = None
    reason_place_change: str | None = None
    home_postcode: str | None = None
    placement_postcode: str | None = None
    urn: str | None = None
    setting_id: uuid.UUID | None = None
    distance_miles: float | None = None
    distance_entered: bool = False
    commissioning_route: CommissioningRoute | None = None
    route_reason: str | None = None
    notes: str | None = None
    row_version: int | None = field(default=None, compare=False)
    """As :attr:`ChildForm.row_version`, for the episode."""


_EPISODE_CODES = (
    (ReasonNewEpisode, "reason_new_episode", "RNE"),
    (LegalStatus, "legal_status", "legal status"),
    (CategoryOfNeed, "category_of_need", "category of need"),
    (PlaceProvider, "place_provider", "PLACE_PROVIDER"),
    (ReasonCeased, "reason_ceased", "reason ceased"),
    (ReasonPlaceChange, "reason_place_change", "reason for placement change"))
"""The SSDA903 codes an episode may carry, in the order they are checked: the enum, the
field and how a refusal names the code."""

EPISODE_CHECKED = tuple(f.name for f in fields(EpisodeForm)
                        if f.name not in ("child_id", "row_version"))
"""The fields of an episode form that :func:`check_episodes` reads and cleans."""


def check_episodes(session: Session, columns: Mapping[str, Sequence[Any]], count: int,
                   lookups: Lookups | None = None,
                   known: dict[str, dict[Any, Any]] | None = None) -> Checked:
    """The checks of an episode form that follow the choice of its child, run over
    ``count`` forms a column at a time: ``columns`` gives each field of the forms (a
    field left out holds the form's default in every row). Each distinct code, URN,
    postcode and text is checked and cleaned once. A row's problem is the first rule it
    breaks in the order a single form is checked, so that a row of a spreadsheet is
    refused with the message its form would get. A caller checking rows in batches
    passes the same ``known`` to each, for what earlier batches worked out already.

    Only what makes a record unusable is refused here; the 903 rules (URN required,
    registration dates, overlaps...) are shown as errors and warnings on the saved
    record, as the return itself reports them.
    """
    lookups = lookups or Lookups(session)
    known = known if known is not None else {}
    column = _column_reader(EpisodeForm, columns, count)
    problems: list[ValidationError | None] = [None] * count
    refuse = _refuser(problems)
    start, end = column("start_date"), column("end_date")
    if None in start:
        refuse((i for i, s in enumerate(start) if s is None), "start_date",
               lambda i: "Enter the date the placement started.")
    refuse([i for i, (s, e) in enumerate(zip(start, end, strict=True))
            if e is not None and s is not None and e <= s], "end_date",
           lambda i: "The placement must end after it starts.")
    kind = column("placement_type")
    if not set(kind) <= _codes(PlacementType):
        refuse((i for i, k in enumerate(kind) if k not in _codes(PlacementType)),
               "placement_type", lambda i: "Choose the placement type.")
    texts: dict[str, list[Any]] = {}
    for enum, name, what in _EPISODE_CODES:
        codes = column(name)
        wrong = {v for v in set(codes) if v and v not in _codes(enum)}
        if wrong:
            refuse((i for i, v in enumerate(codes) if v in wrong), name,
                   _not_a_code(codes, what))
        texts[name] = _distinct(codes, _text, known.setdefault("text", {}))
    ceased = column("reason_ceased")
    if any(ceased):
        refuse((i for i, (r, e) in enumerate(zip(ceased, end, strict=True))
                if r and e is None), "end_date",
               lambda i: "An episode with a reason ceased needs an end date.")
    route, why = column("commissioning_route"), column("route_reason")
    reasons = _distinct(why, _text, known.setdefault("text", {}))
    spot = [r == CommissioningRoute.SPOT for r in route]
    if any(spot):
        refuse((i for i, s in enumerate(spot) if s and not reasons[i]), "route_reason",
               lambda i: "Say why the in-house, block, framework and regional routes "
                         "could not serve this child.")
    entered, miles = column("distance_entered"), column("distance_miles")
    if any(entered):
        refuse((i for i, (d, m) in enumerate(zip(entered, miles, strict=True))
                if d and (m is None or m < 0 or m > 1000)), "distance_miles",
               lambda i: "Enter the distance in miles (0 to 1,000).")
    given_urns = column("urn")

    def urn_of(value: str | None) -> str | None:
        check_length("urn", "The URN", value, PlacementEpisode.urn)
        return clean_urn(value)

    urns = _distinct(given_urns, urn_of, known.setdefault("urn", {}))
    for i, urn in enumerate(urns):
        if isinstance(urn, ValidationError) and problems[i] is None:
            problems[i] = urn
    chosen, setting_ids = column("setting_id"), list(column("setting_id"))
    settings = known.setdefault("setting", {})
    for i, urn in enumerate(urns):
        if problems[i] is not None:
            continue
        if urn:
            # The URN decides the setting; one not in the register is kept, with the
            # 903 check's warning on the record.
            if urn not in settings:
                settings[urn] = lookups.setting_with_urn(urn)
            setting_ids[i] = settings[urn]
        elif chosen[i] is not None:
            setting = session.get(Setting, chosen[i])
            if setting is None:
                problems[i] = ValidationError("setting_id",
                                              "That setting is no longer in the register.")
            else:
                urns[i] = setting.urn

    def postcode(name: str) -> Callable[[str | None], str | None]:
        return lambda value: clean_postcode(value, name) if value else None

    places = _distinct(column("placement_postcode"), postcode("placement_postcode"),
                       known.setdefault("placement_postcode", {}))
    homes = _distinct(column("home_postcode"), postcode("home_postcode"),
                      known.setdefault("home_postcode", {}))
    for i, (place, home) in enumerate(zip(places, homes, strict=True)):
        if problems[i] is not None:
            continue
        if isinstance(place, ValidationError):
            problems[i] = place
            continue
        if place is None and setting_ids[i] is not None:
            places[i] = lookups.setting_postcode(setting_ids[i])[1]
        if isinstance(home, ValidationError):
            problems[i] = home
    clean = {"start_date": list(start), "end_date": list(end), "placement_type": list(kind),
             **texts, "home_postcode": homes, "placement_postcode": places, "urn": urns,
             "setting_id": setting_ids,
             "distance_miles": [m if d else None for d, m in zip(entered, miles,
                                                                   strict=True)],
             "distance_entered": list(entered), "commissioning_route": list(route),
             "route_reason": [r if s else None for s, r in zip(spot, reasons, strict=True)],
             "notes": _distinct(column("notes"), _text, known.setdefault("text", {}))}
    return Checked(clean, problems)


def clean_episode_form(session: Session, form: EpisodeForm,
                       episode_id: uuid.UUID | None = None,
                       lookups: Lookups | None = None) -> EpisodeForm:
    """The form cleaned (setting found from the URN), or a ValidationError naming the field:
    its child chosen, then :func:`check_episodes`'s rules."""
    lookups = lookups or Lookups(session)
    if form.child_id is None or not lookups.child_exists(form.child_id):
        raise ValidationError("child_id", "Choose the child.")
    checked = check_episodes(session, {n: [getattr(form, n)] for n in EPISODE_CHECKED}, 1,
                             lookups)
    problem = checked.problems[0]
    if problem is not None:
        raise problem
    return EpisodeForm(form.child_id, **{n: checked.clean[n][0] for n in EPISODE_CHECKED})

