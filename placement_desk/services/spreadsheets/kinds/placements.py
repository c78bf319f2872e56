"""Children, and children with their placements."""

from __future__ import annotations

import datetime as dt
import functools
import operator
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ....errors import ValidationError
from ....identifiers import is_postcode
from ....models import Child, PlacementEpisode, Setting
from ....models.enums import (
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
from ..values import Field
from .base import Outcome, RowError, Writer, _case_ref_like, _ci, _enum_or_none, _urn_like

# -- children --------------------------------------------------------------------------------

_SEX = {"m": "1", "male": "1", "boy": "1", "f": "2", "female": "2", "girl": "2",
        "u": "U", "unknown": "U", "not known": "U"}

CHILD_FIELDS = (
    Field("case_ref", "Case reference", required=True,
          aliases=("child", "child id", "child reference", "child ref", "case ref", "ref",
                   "lac id", "person id", "client id", "id", "case number", "mosaic id"),
          looks_like=_case_ref_like),
    Field("date_of_birth", "Date of birth", "date", aliases=("dob", "birth date", "born")),
    Field("sex", "Sex", "code", codes=Sex, synonyms=_SEX, aliases=("gender",)),
    Field("ethnicity", "Ethnicity", "code", codes=Ethnicity, code_text="value",
          aliases=("ethnic", "ethnic code")),
    Field("uasc", "UASC", "bool", aliases=("unaccompanied", "asylum seeking")),
    Field("disability", "Disability", "bool", aliases=("disabled",)),
    Field("legal_status", "Legal status", "code", codes=LegalStatus, code_text="value",
          aliases=("ls",)),
    Field("home_postcode", "Home postcode", aliases=("home post", "home_post",
                                                     "child postcode"),
          looks_like=is_postcode),
    Field("needs_level", "Needs level", "int", aliases=("level", "needs")),
    Field("personal_adviser", "Personal adviser", aliases=("pa",)),
    Field("notes", "Notes", aliases=("comments",)),
)


def _values(form: Any) -> dict[str, Any]:
    """A cleaned form's values that are its record's columns (not the change counter a
    form carries for its next save)."""
    return {k: v for k, v in vars(form).items() if k != "row_version"}


class ChildWriter(Writer):
    tables = ("child",)

    def save(self, values: dict[str, Any]) -> Outcome:
        from ...placements.form_checks import ChildForm, clean_child_form, record_fields

        ref = values.get("case_ref") or ""
        existing = self.session.scalar(select(Child).where(
            func.lower(Child.case_ref) == _ci(ref))) if ref else None
        if existing is not None and existing.deleted_at is not None:
            raise RowError("case_ref", "This child was deleted in Placement Desk; restore the "
                                       "record first.")
        form = ChildForm()
        for key in record_fields(ChildForm):
            if key in values:
                setattr(form, key, values[key])
            elif existing is not None:
                setattr(form, key, getattr(existing, key))
        form.sex = _enum_or_none(Sex, form.sex)
        form.uasc, form.disability = bool(form.uasc), bool(form.disability)
        clean = clean_child_form(self.session, form, existing.id if existing else None,
                                 self.today)
        child = existing or Child(id=uuid.uuid4())
        if existing is None:
            self.session.add(child)
        for key in record_fields(ChildForm):
            value = getattr(clean, key)
            if getattr(child, key, None) != value:
                setattr(child, key, value)
        return self._done(existing is None)


def _read_children(session: Session, ids: frozenset[uuid.UUID] | None
                   ) -> Iterator[dict[str, Any]]:
    query = select(Child).where(Child.deleted_at.is_(None)).order_by(Child.case_ref)
    if ids is not None:
        query = query.where(Child.id.in_(ids))
    for c in session.scalars(query):
        yield {f.name: getattr(c, f.name) for f in CHILD_FIELDS}


# -- placements ------------------------------------------------------------------------------

_ROUTES = {"ih": "in_house", "in house": "in_house", "inhouse": "in_house",
           "own": "in_house", "block": "block", "framework": "framework", "dps": "framework",
           "regional": "regional", "spot": "spot", "spot purchase": "spot"}

PLACEMENT_FIELDS = (
    CHILD_FIELDS[0],
    Field("date_of_birth", "Date of birth", "date", aliases=("dob", "birth date")),
    Field("sex", "Sex", "code", codes=Sex, synonyms=_SEX, aliases=("gender",)),
    Field("start_date", "Start date", "date", required=True,
          aliases=("decom", "start", "placement start", "date started", "placed on",
                   "placement start date", "from")),
    Field("end_date", "End date", "date", aliases=("dec", "end", "placement end",
                                                   "date ended", "to", "placement end date")),
    Field("placement_type", "Placement type", "code", required=True, codes=PlacementType,
          code_text="value", aliases=("place", "type", "placement", "placement code")),
    Field("urn", "URN", aliases=("setting urn", "ofsted urn"), looks_like=_urn_like),
    Field("place_provider", "Placement provider", "code", codes=PlaceProvider,
          code_text="value", aliases=("place provider", "place_provider", "provider type")),
    Field("reason_new_episode", "Reason new episode", "code", codes=ReasonNewEpisode,
          code_text="value", aliases=("rne",)),
    Field("legal_status", "Legal status", "code", codes=LegalStatus, code_text="value",
          aliases=("ls",)),
    Field("category_of_need", "Category of need", "code", codes=CategoryOfNeed,
          code_text="value", aliases=("cin",)),
    Field("reason_ceased", "Reason ceased", "code", codes=ReasonCeased, code_text="value",
          aliases=("rec",)),
    Field("reason_place_change", "Reason for placement change", "code",
          codes=ReasonPlaceChange, code_text="value", aliases=("reason place change",)),
    Field("home_postcode", "Home postcode", aliases=("home post", "home_post"),
          looks_like=is_postcode),
    Field("placement_postcode", "Placement postcode", aliases=("pl post", "pl_post",
                                                               "placement post")),
    Field("commissioning_route", "Route", "code", codes=CommissioningRoute, synonyms=_ROUTES,
          aliases=("commissioning route", "purchase route", "how bought", "procurement")),
    Field("route_reason", "Why spot purchase", aliases=("route reason", "spot reason",
                                                        "reason for spot", "why spot")),
    Field("distance_miles", "Distance (miles)", "number", aliases=("distance", "miles",
                                                                   "pl distance")),
    Field("notes", "Notes", aliases=("comments",)),
)
_SEX_OF = {m.value: m for m in Sex}
_ROUTE_OF = {m.value: m for m in CommissioningRoute}
EPISODE_COLUMNS = ("start_date", "end_date", "placement_type", "reason_new_episode",
                   "legal_status", "category_of_need", "place_provider", "reason_ceased",
                   "reason_place_change", "home_postcode", "placement_postcode", "urn",
                   "setting_id", "distance_miles", "distance_entered", "commissioning_route",
                   "route_reason", "notes")


@dataclass(frozen=True)
class _Layout:
    """The columns of a new child and a new episode as the placements writer holds them
    (a row of values each), and how each is taken from its cleaned form."""

    child: tuple[str, ...]
    episode: tuple[str, ...]
    child_values: Callable[[Any], tuple[Any, ...]]
    episode_values: Callable[[Any], tuple[Any, ...]]


@functools.cache
def _layout() -> _Layout:
    from ...placements.form_checks import ChildForm, EpisodeForm, record_fields

    child = record_fields(ChildForm)
    episode = tuple(n for n in record_fields(EpisodeForm) if n != "child_id")
    return _Layout(("id", *child, "deleted_at"), ("id", "child_id", *episode, "deleted_at"),
                   operator.attrgetter(*child), operator.attrgetter(*episode))


class _Held:
    """What the placements writer knows of a record: its id, values, whether deleted, and
    whether this import adds it."""

    __slots__ = ("deleted", "id", "new", "values")

    def __init__(self, record_id: uuid.UUID, values: dict[str, Any], deleted: bool,
                 new: bool = False) -> None:
        self.id, self.values, self.deleted, self.new = record_id, values, deleted, new


@functools.cache
def _known() -> type[Any]:
    """The lookups of the forms' checks answered from what the placements writer read
    once (and the records it adds as it goes). They hold its tables, not the writer, so
    that nothing refers back to it and it goes as soon as the import is done."""
    from ...placements.form_checks import Lookups

    class _Known(Lookups):
        def __init__(self, session: Session, children: dict[str, _Held],
                     child_ids: set[uuid.UUID],
                     settings: dict[str, tuple[uuid.UUID, str | None]],
                     by_id: dict[uuid.UUID, str | None]) -> None:
            super().__init__(session)
            self.children, self.child_ids = children, child_ids
            self.settings, self.by_id = settings, by_id
            self.current: uuid.UUID | None = None
            """The child of the row being checked."""

        def child_with_ref(self, ref: str) -> uuid.UUID | None:
            held = self.children.get(ref.lower())
            return held.id if held else None

        def child_exists(self, child_id: uuid.UUID) -> bool:
            # the row's own child, known without working out its id's hash again
            return child_id is self.current or child_id in self.child_ids

        def setting_with_urn(self, urn: str) -> uuid.UUID | None:
            found = self.settings.get(urn)
            return found[0] if found else None

        def setting_postcode(self, setting_id: uuid.UUID) -> tuple[bool, str | None]:
            if setting_id in self.by_id:
                return True, self.by_id[setting_id]
            return super().setting_postcode(setting_id)

    return _Known


class PlacementWriter(Writer):
    """Children and their episodes, a row each: the child (by case reference) is added when
    new; the episode (by child and start date) added or updated. The forms' checks run on
    every row, with the records they look up read once; rows are written in bulk."""

    tables = ("child", "placement_episode")
    _cleaned: dict[str, dict[Any, Any]] | None = None
    """The codes, URNs, postcodes and texts the rows' checks cleaned, as they cleaned them
    (for the checks of the rows after)."""

    def prepare(self) -> None:
        from ...placements import form_checks

        self.forms = form_checks
        session = self.session
        self.children: dict[str, _Held] = {}
        self.child_ids: set[uuid.UUID] = set()
        for cid, ref, deleted, born, sex in session.execute(select(
                Child.id, Child.case_ref, Child.deleted_at, Child.date_of_birth, Child.sex)):
            self.children[ref.lower()] = _Held(cid, {"date_of_birth": born, "sex": sex},
                                               deleted is not None)
            self.child_ids.add(cid)
        self.settings: dict[str, tuple[uuid.UUID, str | None]] = {
            str(urn): (sid, postcode) for sid, urn, postcode in session.execute(
                select(Setting.id, Setting.urn, Setting.postcode).where(
                    Setting.urn.is_not(None), Setting.deleted_at.is_(None)))}
        self.by_id = {sid: postcode for sid, postcode in self.settings.values()}
        pe = PlacementEpisode
        self.episodes: dict[tuple[uuid.UUID, dt.date], _Held] = {}
        for row in session.execute(select(pe.id, pe.child_id, pe.deleted_at,
                                          *(getattr(pe, n) for n in EPISODE_COLUMNS))
                                   .order_by(pe.created_at)):
            key = (row.child_id, row.start_date)
            if key in self.episodes and not self.episodes[key].deleted:
                continue
            self.episodes[key] = _Held(row.id, dict(zip(EPISODE_COLUMNS, row[3:],
                                                        strict=True)), row.deleted_at is not None)
        self.lookups = _known()(session, self.children, self.child_ids, self.settings,
                                self.by_id)
        from ...common.bulk import SequentialIds

        self.new_id = SequentialIds()
        self.layout = _layout()
        self.added: set[tuple[str, Any]] = set()
        """The child's case reference (in lower case) and start date of each episode this
        import adds."""
        self.new_children: list[tuple[Any, ...]] = []
        """New children, each a row of values in the order of ``layout.child``."""
        self.new_episodes: list[tuple[Any, ...]] = []
        """New episodes, in the order of ``layout.episode``."""
        self.changed: list[tuple[uuid.UUID, dict[str, Any], dict[str, Any]]] = []
        self._given: tuple[str, ...] | None = None

    def save(self, values: dict[str, Any]) -> Outcome:
        done = self.save_rows({name: [value] for name, value in values.items()}, [0])[0]
        if isinstance(done, ValidationError):
            raise done
        return done

    def save_rows(self, columns: Mapping[str, Sequence[Any]], rows: Sequence[int]
                  ) -> list[Outcome | ValidationError]:
        """Each row in order: its child added when new (after its form's checks), then
        its episode added, or the stored one changed. The checks of the new episodes'
        forms run first, a column at a time over all the rows; a row's child, the
        records it names and a stored episode it changes are looked up row by row, as a
        row may add a child that the rows after it name."""
        count = len(rows)
        if count and rows[-1] - rows[0] + 1 == count:  # one run of rows: a slice of each
            picked = {n: list(c[rows[0]:rows[-1] + 1]) for n, c in columns.items()}
        else:
            picked = {n: [c[p] for p in rows] for n, c in columns.items()}
        blank = [None] * count
        refs, born, sex, starts, routes = (picked.get(n, blank) for n in (
            "case_ref", "date_of_birth", "sex", "start_date", "commissioning_route"))
        if self._cleaned is None:
            self._cleaned = {}
        checked = self.forms.check_episodes(self.session, self._as_new(picked, count), count,
                                            self.lookups, self._cleaned)
        problems = checked.problems
        new = list(zip(*(checked.clean[n] for n in self.layout.episode[2:-1]), strict=True))
        kids = self._children_checked(refs, born, sex)
        children, added, stored = self.children, self.added, self.episodes
        new_episodes, new_id = self.new_episodes, self.new_id
        done: list[Outcome | ValidationError] = []
        for i in range(count):
            ref = refs[i] or ""
            lower = ref.lower()
            held = children.get(lower)
            start = starts[i]
            try:
                if held is None:
                    kid = kids[i] if kids is not None else None
                    if isinstance(kid, ValidationError):
                        raise kid
                    held = self._add_child(kid) if kid is not None else \
                        self._new_child(ref, born[i], sex[i])
                elif held.deleted:
                    raise RowError("case_ref", "This child was deleted in Placement Desk; "
                                               "restore the record first.")
                if (lower, start) in added:  # a row above added it (the rows' keys say so)
                    raise RowError("start_date", "An earlier row has this child's "
                                                 "placement from this date; keep one row "
                                                 "for each.")
                # a child this import adds has no placements stored yet
                found = None if held.new else stored.get((held.id, start))
                if found is not None and found.deleted:
                    raise RowError("start_date", "This placement was deleted in Placement "
                                                 "Desk; restore it first to update it from "
                                                 "a file.")
                if found is not None or (routes[i] is not None
                                         and routes[i] not in _ROUTE_OF):
                    # a stored episode changed: its form has the stored values too
                    self.lookups.current = held.id
                    done.append(self._save_episode({n: c[i] for n, c in picked.items()},
                                                   held, found))
                    continue
            except ValidationError as exc:
                done.append(exc)
                continue
            problem = problems[i]
            if problem is not None:
                done.append(problem)
                continue
            new_episodes.append((new_id(), held.id, *new[i], None))
            added.add((lower, start))
            done.append("created")
        return done

    def _as_new(self, columns: dict[str, list[Any]], count: int) -> dict[str, list[Any]]:
        """The rows' values as the forms of new episodes take them (as
        :meth:`_save_episode` makes one)."""
        given = {k: columns[k] for k in EPISODE_COLUMNS if k in columns}
        if "commissioning_route" in given:
            given["commissioning_route"] = [_ROUTE_OF.get(r) if r is not None else None
                                            for r in given["commissioning_route"]]
        if "distance_miles" in given:
            given["distance_entered"] = [m is not None for m in given["distance_miles"]]
        given["placement_type"] = [t or "" for t in given.get("placement_type",
                                                                [""] * count)]
        return given

    def _children_checked(self, refs: list[Any], born: list[Any], sex: list[Any]
                          ) -> list[tuple[Any, ...] | ValidationError | None] | None:
        """Each row's child as a new child's form would be checked and cleaned, a column
        at a time: its values in the order of ``layout.child`` (without the id), or its
        problem; None when a sex is not one of the codes (each row's form then)."""
        try:
            sexes = [_SEX_OF[s] if s else None for s in sex]
        except KeyError:
            return None
        rows: list[tuple[Any, ...] | ValidationError | None] = [None] * len(refs)
        # only a row whose child is not known yet can add one
        new = [i for i, r in enumerate(refs) if (r or "").lower() not in self.children]
        checked = self.forms.check_children(
            self.session, {"case_ref": [refs[i] or "" for i in new],
                           "date_of_birth": [born[i] for i in new],
                           "sex": [sexes[i] for i in new]}, len(new), self.today,
            self.lookups)
        for i, values, problem in zip(new, zip(*(checked.clean[n] for n in
                                                 self.layout.child[1:-1]), strict=True),
                                      checked.problems, strict=True):
            rows[i] = values if problem is None else problem
        return rows

    def _new_child(self, ref: str, born: dt.date | None, sex: str | None) -> _Held:
        """A child this import adds, after its form's checks."""
        forms = self.forms
        clean_child = forms.clean_child_form(
            self.session, forms.ChildForm(case_ref=ref, date_of_birth=born,
                                          sex=_SEX_OF[sex] if sex else None),
            None, self.today, self.lookups)
        return self._add_child(self.layout.child_values(clean_child))

    def _add_child(self, values: tuple[Any, ...]) -> _Held:
        """A child this import adds, its values cleaned (in the order of
        ``layout.child``, without the id)."""
        child_id = self.new_id()
        self.new_children.append((child_id, *values, None))
        held = _Held(child_id, {}, False, new=True)
        self.children[values[0].lower()] = held
        self.child_ids.add(child_id)
        return held

    def _save_episode(self, values: dict[str, Any], held: _Held, found: _Held | None
                      ) -> Outcome:
        """The row's episode checked as its form and added, or the stored one changed."""
        forms = self.forms
        given = self._given
        if given is None:  # every row has the same fields: the columns mapped
            given = self._given = tuple(k for k in EPISODE_COLUMNS if k in values)
        if found is None:
            form = forms.EpisodeForm(held.id, **{k: values[k] for k in given})
        else:
            form = forms.EpisodeForm(held.id, **{**found.values,
                                                 **{k: values[k] for k in given}})
        route = values.get("commissioning_route")
        if route is not None:
            form.commissioning_route = _ROUTE_OF[route]
        if "distance_miles" in values:
            form.distance_entered = values["distance_miles"] is not None
        if not form.placement_type:
            form.placement_type = ""
        clean = forms.clean_episode_form(self.session, form, found.id if found else None,
                                         self.lookups)
        if not clean.home_postcode:
            clean.home_postcode = None
        if found is None:
            episode_id = self.new_id()
            self.new_episodes.append((episode_id, held.id,
                                      *self.layout.episode_values(clean), None))
            self.added.add(((values.get("case_ref") or "").lower(), values.get("start_date")))
            return "created"
        episode = _values(clean)
        del episode["child_id"]
        if not clean.distance_entered and found.values["distance_entered"] is False:
            episode["distance_miles"] = found.values["distance_miles"]
        if all(_same(found.values[k], v) for k, v in episode.items()):
            return "unchanged"
        self.changed.append((found.id, found.values, episode))
        found.values = episode
        return "updated"

    def finish(self) -> None:
        from ...common.bulk import indexes_built_after, insert_rows, update_rows
        from ...placements.distance import miles_between_many

        layout = self.layout
        home, place, entered, miles = (layout.episode.index(n) for n in (
            "home_postcode", "placement_postcode", "distance_entered", "distance_miles"))
        wanted = [i for i, r in enumerate(self.new_episodes)
                  if not r[entered] and r[home] and r[place]]
        if wanted:
            rows = self.new_episodes
            distances = miles_between_many(self.session, [(rows[i][home], rows[i][place])
                                                          for i in wanted])
            for i, distance in zip(wanted, distances, strict=True):
                rows[i] = (*rows[i][:miles], distance, *rows[i][miles + 1:])
        adding = {"child": len(self.new_children), "placement_episode": len(self.new_episodes),
                  "audit_event": len(self.new_children) + len(self.new_episodes)
                  + len(self.changed)}
        with indexes_built_after(self.session, adding):
            insert_rows(self.session, Child.__table__, "child",  # type: ignore[arg-type]
                        layout.child, self.new_children)
            insert_rows(self.session, PlacementEpisode.__table__,  # type: ignore[arg-type]
                        "placement_episode", layout.episode, self.new_episodes)
            update_rows(self.session, PlacementEpisode.__table__,  # type: ignore[arg-type]
                        "placement_episode", self.changed)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-9
    return bool(a == b)


def _read_placements(session: Session, ids: frozenset[uuid.UUID] | None
                     ) -> Iterator[dict[str, Any]]:
    pe = PlacementEpisode
    query = (select(Child.case_ref, Child.date_of_birth, Child.sex,
                    *(getattr(pe, n) for n in EPISODE_COLUMNS))
             .join(Child, Child.id == pe.child_id)
             .where(pe.deleted_at.is_(None), Child.deleted_at.is_(None))
             .order_by(Child.case_ref, pe.start_date))
    if ids is not None:
        query = query.where(pe.id.in_(ids))
    names = ("case_ref", "date_of_birth", "sex", *EPISODE_COLUMNS)
    for row in session.execute(query.execution_options(yield_per=2000)):
        values = dict(zip(names, row, strict=True))
        if not values["distance_entered"]:
            values["distance_miles"] = None  # worked out here, not typed: not exported
        yield values
