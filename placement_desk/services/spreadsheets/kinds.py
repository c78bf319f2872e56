"""Every kind of record a spreadsheet can bring in or take out, declared once: its fields
(as columns), its natural key, how a row is saved through the services' own rules, and
how its records are read for an export.

A row is saved by the same session-level checks the forms use (``_validate_setting``,
``_validate_child``, ``_validate_episode``, ``validate_terms``, ``check_rate``,
``check_complete``, ``new_action``, ``apply_contract``...): an import never has a copy of
the rules. Placements, the kind imported by the hundred thousand, are checked row by row
by those same functions with their records looked up in memory, and written in bulk with
their audit trail; the others go through the ORM, whose hook writes the audit trail.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...errors import ValidationError
from ...identifiers import is_postcode, is_urn, normalise_postcode, normalise_urn
from ...models import (
    Action,
    ActionUpdate,
    Agreement,
    AuditEvent,
    Child,
    Contract,
    ContractProvider,
    ContractRate,
    ContractReview,
    OfstedInspection,
    PlacementEpisode,
    Provider,
    ProviderDocument,
    QaVisit,
    Setting,
    utcnow,
)
from ...models.enums import (
    ActionPriority,
    ActionSource,
    ActionStatus,
    AgreementStatus,
    AuditAction,
    CategoryOfNeed,
    CommissioningRoute,
    ContractType,
    DocumentKind,
    Ethnicity,
    InspectionEventType,
    Judgement,
    LegalStatus,
    PlacementType,
    PlaceProvider,
    QaJudgement,
    QaVisitStatus,
    QaVisitType,
    ReasonCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
    RegistrationStatus,
    ReviewStatus,
    Sector,
    SettingType,
    Sex,
)
from ..common.limits import check_length
from .values import Field

Outcome = Literal["created", "updated", "unchanged"]


class RowError(ValidationError):
    """A row that cannot be saved, for a reason of the import's (a reference to a record
    that is not there), naming the field."""


# -- what every kind has ---------------------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    """A kind of record as a spreadsheet table."""

    name: str
    """As the command line spells it: ``placements``."""
    label: str
    sheet: str
    fields: tuple[Field, ...]
    key: tuple[str, ...] = ()
    """The fields that find an existing record (its natural key)."""
    entity: str = ""
    writer: Callable[[Session, dt.date], Writer] | None = None
    read: Callable[[Session, frozenset[uuid.UUID] | None], Iterator[dict[str, Any]]] | None = None
    form_fields: Mapping[str, str] = field(default_factory=dict)
    """A service's field name → this kind's field, for the column of a refusal."""
    description: str = ""
    noun: str = ""
    """The records in a sentence ("placements"); the label in lower case by default."""

    @property
    def plural(self) -> str:
        return self.noun or self.label.lower()

    @property
    def importable(self) -> bool:
        return self.writer is not None

    def field(self, name: str) -> Field:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def import_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.importable)

    def key_of(self, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The row's natural key, in a form where case and spacing do not count; None when
        it has none (every part blank: the row can only be new)."""
        parts = []
        for name in self.key:
            value = values.get(name)
            parts.append(" ".join(value.split()).casefold() if isinstance(value, str)
                         else value)
        return tuple(parts) if any(p is not None for p in parts) else None


class Writer:
    """Saves one kind's rows in one session, through its service's rules."""

    tables: tuple[str, ...] = ()

    def __init__(self, session: Session, today: dt.date) -> None:
        self.session = session
        self.today = today

    def prepare(self) -> None:
        """Read what the rows will be matched against."""

    def save(self, values: dict[str, Any]) -> Outcome:
        raise NotImplementedError

    def finish(self) -> None:
        """Write what was held back to be written in bulk."""

    # helpers for ORM writers
    def _done(self, created: bool) -> Outcome:
        session = self.session
        changed = bool(session.new or session.deleted
                       or any(session.is_modified(o) for o in session.dirty))
        session.flush()
        if created:
            return "created"
        return "updated" if changed else "unchanged"


def _ci(text: str) -> str:
    return " ".join(text.split()).casefold()


def provider_named(session: Session, name: str | None, field_name: str) -> uuid.UUID | None:
    if not name:
        return None
    found = session.scalar(select(Provider.id).where(func.lower(Provider.name) == _ci(name),
                                                     Provider.deleted_at.is_(None)))
    if found is None:
        raise RowError(field_name, "No provider has this name in Placement Desk: import the "
                                   "providers first, or correct the name.")
    return found


def setting_with_urn(session: Session, urn: str | None, field_name: str = "urn"
                     ) -> uuid.UUID | None:
    clean = normalise_urn(urn)
    if clean is None:
        return None
    found = session.scalar(select(Setting.id).where(Setting.urn == clean,
                                                    Setting.deleted_at.is_(None)))
    if found is None:
        raise RowError(field_name, "No setting has this URN in Placement Desk: import the "
                                   "settings (or Ofsted's file) first, or correct the URN.")
    return found


def setting_ref(session: Session, values: Mapping[str, Any]) -> uuid.UUID | None:
    """The setting a row names: by its URN, or (for a setting without one) by its name."""
    if values.get("urn"):
        return setting_with_urn(session, values.get("urn"))
    name = values.get("setting")
    if not name:
        return None
    query = select(Setting.id).where(func.lower(Setting.name) == _ci(name),
                                     Setting.deleted_at.is_(None))
    postcode = normalise_postcode(values.get("setting_postcode"))
    if postcode:
        query = query.where(Setting.postcode == postcode)
    found = list(session.scalars(query.limit(2)))
    if not found:
        raise RowError("setting", "No setting has this name in Placement Desk: give its URN, "
                                  "or import the settings first.")
    if len(found) > 1:
        raise RowError("setting", "More than one setting has this name: give the URN, or "
                                  "the setting's postcode.")
    return found[0]


def _setting_names(session: Session
                   ) -> dict[uuid.UUID, tuple[str | None, str, str | None]]:
    """Each setting's URN, name and postcode, for exports."""
    return {sid: (urn, name, postcode) for sid, urn, name, postcode in session.execute(
        select(Setting.id, Setting.urn, Setting.name, Setting.postcode))}


def _where(names: dict[uuid.UUID, tuple[str | None, str, str | None]],
           setting_id: uuid.UUID | None) -> dict[str, Any]:
    """A setting as an export writes it: its URN, or for a setting without one its name
    and postcode."""
    if setting_id is None or setting_id not in names:
        return {"urn": None, "setting": None, "setting_postcode": None}
    urn, name, postcode = names[setting_id]
    return {"urn": urn, "setting": None if urn else name,
            "setting_postcode": None if urn else postcode}


SETTING_NAME = Field("setting", "Setting name", aliases=("setting", "home", "service"),
                     help="For a setting without a URN")
SETTING_POSTCODE = Field("setting_postcode", "Setting postcode",
                         aliases=("postcode", "post code"),
                         help="For a setting without a URN, when two share a name")


def child_with_ref(session: Session, ref: str | None, field_name: str = "case_ref"
                   ) -> uuid.UUID:
    if not ref:
        raise RowError(field_name, "Enter the child's case reference.")
    found = session.scalar(select(Child.id).where(func.lower(Child.case_ref) == _ci(ref),
                                                  Child.deleted_at.is_(None)))
    if found is None:
        raise RowError(field_name, "No child has this case reference in Placement Desk: "
                                   "import the children or placements first.")
    return found


def _urn_like(text: str) -> bool:
    return is_urn(normalise_urn(text))


def _case_ref_like(text: str) -> bool:
    return len(text) <= 12 and any(c.isdigit() for c in text) and " " not in text.strip() \
        and not _urn_like(text)


# -- providers -------------------------------------------------------------------------------

PROVIDER_FIELDS = (
    Field("name", "Provider", required=True, aliases=("provider name", "organisation",
                                                     "organisation name", "company")),
    Field("legal_name", "Legal name", aliases=("legal entity", "registered name")),
    Field("companies_house_number", "Companies House number",
          aliases=("company number", "companies house", "crn")),
    Field("address", "Address", aliases=("head office address",)),
    Field("postcode", "Postcode", aliases=("post code",), looks_like=is_postcode),
    Field("email", "Email", aliases=("email address", "e mail", "contact email"),
          looks_like=lambda t: "@" in t),
    Field("phone", "Phone", aliases=("telephone", "phone number", "tel")),
    Field("is_council", "Council's own service", "bool", aliases=("in house", "council")),
    Field("notes", "Notes", aliases=("comments",)),
)


class ProviderWriter(Writer):
    tables = ("provider",)

    def save(self, values: dict[str, Any]) -> Outcome:
        from ..register.providers import ProviderForm, apply_provider, provider_with_name

        existing = provider_with_name(self.session, values.get("name") or "")
        form = ProviderForm()
        for key in vars(ProviderForm()):
            if key in values:
                setattr(form, key, values[key])
        form.name = values.get("name") or ""
        form.is_council = bool(values.get("is_council"))
        if existing is not None:
            provider = self.session.get(Provider, existing)
            assert provider is not None
            for key in vars(ProviderForm()):  # a column not in the file keeps its value
                if key not in values:
                    setattr(form, key, getattr(provider, key))
        apply_provider(self.session, form, existing)
        return self._done(existing is None)


def _read_providers(session: Session, ids: frozenset[uuid.UUID] | None
                    ) -> Iterator[dict[str, Any]]:
    query = select(Provider).where(Provider.deleted_at.is_(None)).order_by(Provider.name)
    if ids is not None:
        query = query.where(Provider.id.in_(ids))
    for p in session.scalars(query):
        yield {f.name: getattr(p, f.name) for f in PROVIDER_FIELDS}


# -- settings --------------------------------------------------------------------------------

_SETTING_TYPES = {"ch": "childrens_home", "childrens home": "childrens_home",
                  "residential": "childrens_home", "fostering": "ifa", "ifa": "ifa",
                  "sa": "supported_accommodation", "supported accommodation":
                  "supported_accommodation", "semi independent": "semi_independent",
                  "semi independent accommodation": "semi_independent",
                  "sil": "semi_independent", "staying put": "staying_put",
                  "lodgings": "supported_lodgings", "secure": "secure_childrens_home",
                  "residential special school": "residential_special_school"}

SETTING_FIELDS = (
    Field("urn", "URN", aliases=("ofsted urn", "urn number", "unique reference number",
                                 "ofsted number"), looks_like=_urn_like),
    Field("name", "Setting", required=True, aliases=("setting name", "home", "home name",
                                                    "name", "service", "service name")),
    Field("setting_type", "Setting type", "code", required=True, codes=SettingType,
          synonyms=_SETTING_TYPES, aliases=("type", "provision type", "type of provision",
                                            "service type")),
    Field("provider", "Provider", aliases=("provider name", "organisation", "owner",
                                           "company")),
    Field("sector", "Sector", "code", codes=Sector, synonyms={"la": "local_authority",
                                                              "vol": "voluntary",
                                                              "independent": "private"}),
    Field("places", "Places", "int", aliases=("beds", "number of places", "capacity",
                                              "registered places")),
    Field("registration_status", "Registration status", "code", codes=RegistrationStatus,
          aliases=("status",), synonyms={"open": "active", "registered": "active"}),
    Field("registration_date", "Registration date", "date", aliases=("registered",
                                                                     "date registered")),
    Field("closed_date", "Closed date", "date", aliases=("date closed", "closed")),
    Field("address1", "Address line 1", aliases=("address", "address 1", "street")),
    Field("address2", "Address line 2", aliases=("address 2",)),
    Field("town", "Town", aliases=("city",)),
    Field("county", "County"),
    Field("postcode", "Postcode", aliases=("post code", "setting postcode"),
          looks_like=is_postcode),
    Field("local_authority", "Local authority", aliases=("la", "council", "host authority")),
    Field("region", "Region"),
    Field("notes", "Notes", aliases=("comments",)),
    Field("latest_judgement", "Latest Ofsted judgement", "code", codes=Judgement,
          importable=False),
    Field("latest_inspection_date", "Latest inspection", "date", importable=False),
)


class SettingWriter(Writer):
    tables = ("setting",)

    def save(self, values: dict[str, Any]) -> Outcome:
        from ..register.settings import SettingForm, _validate_setting

        urn = normalise_urn(values.get("urn"))
        existing: Setting | None = None
        if urn:
            existing = self.session.scalar(select(Setting).where(Setting.urn == urn))
        elif values.get("name"):  # a setting without a URN: by its name and postcode
            postcode = normalise_postcode(values.get("postcode"))
            existing = self.session.scalar(select(Setting).where(
                Setting.urn.is_(None), func.lower(Setting.name) == _ci(values["name"]),
                Setting.postcode.is_(None) if postcode is None
                else Setting.postcode == postcode,
                Setting.deleted_at.is_(None)).limit(1))
        if existing is not None and existing.deleted_at is not None:
            raise RowError("urn", "This setting was deleted in Placement Desk; restore it "
                                  "first to update it from a file.")
        form = SettingForm()
        for key in vars(SettingForm()):
            if key in values and key != "provider_id":
                setattr(form, key, values[key])
            elif existing is not None:
                setattr(form, key, getattr(existing, key))
        for key in ("setting_type", "registration_status", "sector"):
            raw = getattr(form, key)
            if isinstance(raw, str):
                setattr(form, key, {"setting_type": SettingType,
                                    "registration_status": RegistrationStatus,
                                    "sector": Sector}[key](raw))
        if form.registration_status is None:
            form.registration_status = RegistrationStatus.ACTIVE
        if "provider" in values:
            form.provider_id = provider_named(self.session, values.get("provider"), "provider")
        form.name = form.name or ""
        clean = _validate_setting(self.session, form, existing.id if existing else None,
                                  self.today)
        setting = existing or Setting(id=uuid.uuid4())
        if existing is None:
            self.session.add(setting)
        for key, value in vars(clean).items():
            if getattr(setting, key, None) != value:
                setattr(setting, key, value)
        return self._done(existing is None)


def _read_settings(session: Session, ids: frozenset[uuid.UUID] | None
                   ) -> Iterator[dict[str, Any]]:
    names = dict(session.execute(select(Provider.id, Provider.name)).all())
    query = select(Setting).where(Setting.deleted_at.is_(None)).order_by(Setting.name)
    if ids is not None:
        query = query.where(Setting.id.in_(ids))
    for s in session.scalars(query):
        row = {f.name: getattr(s, f.name, None) for f in SETTING_FIELDS}
        row["provider"] = names.get(s.provider_id) if s.provider_id else None
        yield row


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


def _enum_or_none(enum: Any, value: Any) -> Any:
    return enum(value) if isinstance(value, str) else value


def _values(form: Any) -> dict[str, Any]:
    """A cleaned form's values that are its record's columns (not the change counter a
    form carries for its next save)."""
    return {k: v for k, v in vars(form).items() if k != "row_version"}


class ChildWriter(Writer):
    tables = ("child",)

    def save(self, values: dict[str, Any]) -> Outcome:
        from ..placements.episodes import ChildForm, _record_fields, _validate_child

        ref = values.get("case_ref") or ""
        existing = self.session.scalar(select(Child).where(
            func.lower(Child.case_ref) == _ci(ref))) if ref else None
        if existing is not None and existing.deleted_at is not None:
            raise RowError("case_ref", "This child was deleted in Placement Desk; restore the "
                                       "record first.")
        form = ChildForm()
        for key in _record_fields(ChildForm):
            if key in values:
                setattr(form, key, values[key])
            elif existing is not None:
                setattr(form, key, getattr(existing, key))
        form.sex = _enum_or_none(Sex, form.sex)
        form.uasc, form.disability = bool(form.uasc), bool(form.disability)
        clean = _validate_child(self.session, form, existing.id if existing else None,
                                self.today)
        child = existing or Child(id=uuid.uuid4())
        if existing is None:
            self.session.add(child)
        for key in _record_fields(ChildForm):
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


class _Held:
    """What the placements writer knows of a record: its id, values, and whether deleted."""

    __slots__ = ("deleted", "id", "values")

    def __init__(self, record_id: uuid.UUID, values: dict[str, Any], deleted: bool) -> None:
        self.id, self.values, self.deleted = record_id, values, deleted


class PlacementWriter(Writer):
    """Children and their episodes, a row each: the child (by case reference) is added when
    new; the episode (by child and start date) added or updated. The forms' checks run on
    every row, with the records they look up read once; rows are written in bulk."""

    tables = ("child", "placement_episode")

    def prepare(self) -> None:
        from ..placements.episodes import Lookups

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
        writer = self

        class _Known(Lookups):
            def child_with_ref(self, ref: str) -> uuid.UUID | None:
                held = writer.children.get(ref.lower())
                return held.id if held else None

            def child_exists(self, child_id: uuid.UUID) -> bool:
                return child_id in writer.child_ids

            def setting_with_urn(self, urn: str) -> uuid.UUID | None:
                found = writer.settings.get(urn)
                return found[0] if found else None

            def setting_postcode(self, setting_id: uuid.UUID) -> tuple[bool, str | None]:
                if setting_id in writer.by_id:
                    return True, writer.by_id[setting_id]
                return super().setting_postcode(setting_id)

        self.lookups = _Known(session)
        from .bulk import SequentialIds

        self.new_id = SequentialIds()
        self.new_children: list[dict[str, Any]] = []
        self.new_episodes: list[dict[str, Any]] = []
        self.changed: list[tuple[uuid.UUID, dict[str, Any], dict[str, Any]]] = []
        self._given: tuple[str, ...] | None = None

    def save(self, values: dict[str, Any]) -> Outcome:
        from ..placements import episodes

        ref = values.get("case_ref") or ""
        held = self.children.get(ref.lower())
        if held is None:
            sex = values.get("sex")
            clean_child = episodes._validate_child(
                self.session, episodes.ChildForm(case_ref=ref,
                                                 date_of_birth=values.get("date_of_birth"),
                                                 sex=_SEX_OF[sex] if sex else None),
                None, self.today, self.lookups)
            child_id = self.new_id()
            row = {"id": child_id, **_values(clean_child), "deleted_at": None}
            self.new_children.append(row)
            held = _Held(child_id, {}, False)
            self.children[clean_child.case_ref.lower()] = held
            self.child_ids.add(child_id)
        elif held.deleted:
            raise RowError("case_ref", "This child was deleted in Placement Desk; restore the "
                                       "record first.")
        found = self.episodes.get((held.id, values.get("start_date")))  # type: ignore[arg-type]
        if found is not None and found.deleted:
            raise RowError("start_date", "This placement was deleted in Placement Desk; "
                                         "restore it first to update it from a file.")
        given = self._given
        if given is None:  # every row has the same fields: the columns mapped
            given = self._given = tuple(k for k in EPISODE_COLUMNS if k in values)
        if found is None:
            form = episodes.EpisodeForm(held.id, **{k: values[k] for k in given})
        else:
            form = episodes.EpisodeForm(held.id, **{**found.values,
                                                    **{k: values[k] for k in given}})
        route = values.get("commissioning_route")
        if route is not None:
            form.commissioning_route = _ROUTE_OF[route]
        if "distance_miles" in values:
            form.distance_entered = values["distance_miles"] is not None
        if not form.placement_type:
            form.placement_type = ""
        clean = episodes._validate_episode(self.session, form, found.id if found else None,
                                           self.lookups)
        episode = _values(clean)
        del episode["child_id"]
        if not clean.home_postcode:
            episode["home_postcode"] = None
        if found is None:
            episode_id = self.new_id()
            self.new_episodes.append({"id": episode_id, "child_id": held.id, **episode,
                                      "deleted_at": None})
            self.episodes[(held.id, clean.start_date)] = _Held(  # type: ignore[index]
                episode_id, episode, False)
            return "created"
        if not clean.distance_entered and found.values["distance_entered"] is False:
            episode["distance_miles"] = found.values["distance_miles"]
        if all(_same(found.values[k], v) for k, v in episode.items()):
            return "unchanged"
        self.changed.append((found.id, found.values, episode))
        found.values = episode
        return "updated"

    def finish(self) -> None:
        from ..placements.distance import miles_between_many
        from .bulk import insert_rows, update_rows

        wanted = [r for r in self.new_episodes if not r["distance_entered"]
                  and r["home_postcode"] and r["placement_postcode"]]
        if wanted:
            miles = miles_between_many(self.session, [(r["home_postcode"],
                                                       r["placement_postcode"])
                                                      for r in wanted])
            for row, distance in zip(wanted, miles, strict=True):
                row["distance_miles"] = distance
        insert_rows(self.session, Child.__table__, "child", self.new_children)  # type: ignore[arg-type]
        insert_rows(self.session, PlacementEpisode.__table__,  # type: ignore[arg-type]
                    "placement_episode", self.new_episodes)
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


# -- agreements ------------------------------------------------------------------------------

AGREEMENT_FIELDS = (
    Field("reference", "Agreement reference", required=True,
          aliases=("ipa reference", "ipa ref", "agreement ref", "reference", "ipa number")),
    Field("case_ref", "Case reference", required=True, aliases=CHILD_FIELDS[0].aliases),
    Field("urn", "URN", aliases=("setting urn",), looks_like=_urn_like),
    SETTING_NAME,
    SETTING_POSTCODE,
    Field("council_name", "Council", aliases=("council name", "local authority")),
    Field("provider_legal_entity", "Provider legal entity", aliases=("provider", "legal entity",
                                                                     "provider legal name")),
    Field("start_date", "Start date", "date", required=True, aliases=("start",)),
    Field("end_date", "End date", "date", aliases=("end",)),
    Field("placement_type", "Placement type", "code", codes=PlacementType, code_text="value",
          aliases=("place", "type")),
    Field("weekly_fee_pence", "Weekly fee", "money", required=True,
          aliases=("fee", "weekly cost", "cost per week", "weekly rate", "fee per week",
                   "price", "weekly price")),
    Field("invoicing_reference", "Invoicing reference", aliases=("invoice reference",
                                                                 "po number", "po")),
    Field("outcomes", "Outcomes"),
    Field("special_conditions", "Special conditions", aliases=("conditions",)),
    Field("status", "Status", "code", codes=AgreementStatus, importable=False),
)


class AgreementWriter(Writer):
    tables = ("agreement", "agreement_version")

    def save(self, values: dict[str, Any]) -> Outcome:
        from ..agreements.ipa import (
            EDITABLE,
            SIGNED_MESSAGE,
            TERM_FIELDS,
            AgreementForm,
            _validate_header,
            new_version,
            terms_of,
            validate_terms,
        )

        session = self.session
        reference = " ".join((values.get("reference") or "").split())
        agreement = session.scalar(select(Agreement).where(Agreement.reference == reference)) \
            if reference else None
        latest = max(agreement.versions, key=lambda v: v.version_no) if agreement else None
        form = AgreementForm(reference=reference)
        for key in vars(AgreementForm()):
            if key in values:
                setattr(form, key, values[key])
            elif latest is not None and key in TERM_FIELDS:
                setattr(form, key, getattr(latest, key))
            elif agreement is not None and hasattr(agreement, key):
                setattr(form, key, getattr(agreement, key))
        form.child_id = child_with_ref(session, values.get("case_ref")) \
            if "case_ref" in values or agreement is None else agreement.child_id
        if "urn" in values or "setting" in values:
            form.setting_id = setting_ref(session, values)
        if form.weekly_fee_pence is None:
            form.weekly_fee_pence = 0
        terms = terms_of(form)
        validate_terms(terms, [])
        if agreement is None:
            reference = _validate_header(session, form, None)
            agreement = Agreement(id=uuid.uuid4(), reference=reference, child_id=form.child_id,
                                  setting_id=form.setting_id,
                                  council_name=(form.council_name or "").strip() or None,
                                  provider_legal_entity=(form.provider_legal_entity or "")
                                  .strip() or None)
            session.add(agreement)
            new_version(agreement, 1, terms["start_date"], None, terms, [])
            return self._done(True)
        assert latest is not None
        if agreement.deleted_at is not None:
            raise RowError("reference", "This agreement was deleted in Placement Desk.")
        same = all(getattr(latest, k) == v for k, v in terms.items()) and all(
            getattr(agreement, k) == getattr(form, k) for k in ("child_id", "setting_id"))
        if same:
            return "unchanged"
        if latest.status not in EDITABLE:
            raise RowError("weekly_fee_pence", SIGNED_MESSAGE)
        if latest.version_no == 1:
            _validate_header(session, form, agreement.id)
            assert form.child_id is not None
            agreement.child_id, agreement.setting_id = form.child_id, form.setting_id
            latest.effective_date = terms["start_date"]
        for key, value in terms.items():
            if getattr(latest, key) != value:
                setattr(latest, key, value)
        return self._done(False)


def _read_agreements(session: Session, ids: frozenset[uuid.UUID] | None
                     ) -> Iterator[dict[str, Any]]:
    refs = dict(session.execute(select(Child.id, Child.case_ref)).all())
    names = _setting_names(session)
    query = select(Agreement).where(Agreement.deleted_at.is_(None)).order_by(Agreement.reference)
    if ids is not None:
        query = query.where(Agreement.id.in_(ids))
    for a in session.scalars(query):
        if not a.versions:
            continue
        v = max(a.versions, key=lambda x: x.version_no)
        yield {"reference": a.reference, "case_ref": refs.get(a.child_id),
               **_where(names, a.setting_id),
               "council_name": a.council_name, "provider_legal_entity": a.provider_legal_entity,
               "start_date": v.start_date, "end_date": v.end_date,
               "placement_type": v.placement_type, "weekly_fee_pence": v.weekly_fee_pence,
               "invoicing_reference": v.invoicing_reference, "outcomes": v.outcomes,
               "special_conditions": v.special_conditions, "status": v.status}


# -- fees (contract rates) -------------------------------------------------------------------

FEE_FIELDS = (
    Field("contract_reference", "Contract reference", required=True,
          aliases=("contract", "contract ref", "framework", "framework reference")),
    Field("description", "Rate for", required=True, aliases=("description", "rate",
                                                             "service", "band", "lot")),
    Field("placement_type", "Placement type", "code", codes=PlacementType, code_text="value",
          aliases=("place", "type")),
    Field("provider", "Provider", aliases=("provider name",)),
    Field("weekly_rate_pence", "Weekly rate", "money", required=True,
          aliases=("weekly fee", "fee", "rate per week", "price", "weekly price", "cost")),
    Field("effective_from", "Effective from", "date", required=True,
          aliases=("from", "start", "date from", "effective")),
)


class FeeWriter(Writer):
    tables = ("contract_rate",)

    def save(self, values: dict[str, Any]) -> Outcome:
        from ..contracts.rates import RateForm, _check_against, check_rate

        session = self.session
        ref = " ".join((values.get("contract_reference") or "").split())
        contract_id = session.scalar(select(Contract.id).where(
            func.lower(Contract.reference) == ref.lower(), Contract.deleted_at.is_(None))) \
            if ref else None
        if contract_id is None:
            raise RowError("contract_reference", "No contract has this reference in "
                                                 "Placement Desk: import the contracts first.")
        form = RateForm(description=values.get("description") or "",
                        weekly_rate_pence=values.get("weekly_rate_pence"),
                        effective_from=values.get("effective_from"),
                        placement_type=values.get("placement_type"),
                        provider_id=provider_named(session, values.get("provider"), "provider"))
        check_rate(form)
        _check_against(session, contract_id, form)
        description = " ".join(form.description.split())
        existing = session.scalar(select(ContractRate).where(
            ContractRate.contract_id == contract_id,
            func.lower(ContractRate.description) == description.lower(),
            ContractRate.effective_from == form.effective_from,
            ContractRate.placement_type.is_(None) if not form.placement_type
            else ContractRate.placement_type == form.placement_type).limit(1))
        if existing is None:
            session.add(ContractRate(id=uuid.uuid4(), contract_id=contract_id,
                                     provider_id=form.provider_id,
                                     placement_type=form.placement_type or None,
                                     description=description,
                                     weekly_rate_pence=form.weekly_rate_pence,
                                     effective_from=form.effective_from))
            return self._done(True)
        existing.weekly_rate_pence = form.weekly_rate_pence  # type: ignore[assignment]
        if "provider" in values:
            existing.provider_id = form.provider_id
        return self._done(False)


def _read_fees(session: Session, ids: frozenset[uuid.UUID] | None) -> Iterator[dict[str, Any]]:
    names = dict(session.execute(select(Provider.id, Provider.name)).all())
    query = (select(ContractRate, Contract.reference).join(Contract)
             .where(Contract.deleted_at.is_(None))
             .order_by(Contract.reference, ContractRate.description, ContractRate.effective_from))
    if ids is not None:
        query = query.where(ContractRate.id.in_(ids))
    for rate, ref in session.execute(query):
        yield {"contract_reference": ref, "description": rate.description,
               "placement_type": rate.placement_type,
               "provider": names.get(rate.provider_id) if rate.provider_id else None,
               "weekly_rate_pence": rate.weekly_rate_pence,
               "effective_from": rate.effective_from}


# -- QA visits -------------------------------------------------------------------------------

_QA = {"o": "outstanding", "g": "good", "ri": "requires_improvement", "i": "inadequate",
       "requires improvement to be good": "requires_improvement", "na": "not_assessed",
       "n a": "not_assessed"}
IMPORTED_AREA = "Overall (from the visit log)"

VISIT_FIELDS = (
    Field("urn", "URN", aliases=("setting urn", "ofsted urn"), looks_like=_urn_like),
    SETTING_NAME,
    SETTING_POSTCODE,
    Field("visit_date", "Visit date", "date", required=True, aliases=("date", "date of visit",
                                                                      "visited", "qa date")),
    Field("visit_type", "Visit type", "code", codes=QaVisitType,
          aliases=("type", "type of visit"), synonyms={"unannounced visit": "unannounced",
                                                       "desktop": "desktop"}),
    Field("officers", "Officers", aliases=("officer", "qa officer", "visited by", "lead")),
    Field("overall_judgement", "Overall judgement", "code", codes=QaJudgement, synonyms=_QA,
          aliases=("judgement", "rating", "outcome", "qa rating", "grade", "overall")),
    Field("spoke_children", "Children spoken to", "int", aliases=("children",)),
    Field("spoke_staff", "Staff spoken to", "int", aliases=("staff",)),
    Field("spoke_managers", "Managers spoken to", "int", aliases=("managers",)),
    Field("summary", "Summary", aliases=("notes", "comments", "findings")),
    Field("status", "Status", "code", codes=QaVisitStatus, importable=False),
)


class VisitWriter(Writer):
    tables = ("qa_visit", "qa_visit_area")

    def save(self, values: dict[str, Any]) -> Outcome:
        from ..qa.visits import (
            AreaForm,
            VisitForm,
            _apply,
            _check_draft,
            _form_of,
            check_complete,
        )

        session = self.session
        setting_id = setting_ref(session, values)
        if setting_id is None:
            raise RowError("urn", "Enter the setting's URN (or its name, if it has none).")
        existing = session.scalar(select(QaVisit).where(
            QaVisit.setting_id == setting_id,
            func.coalesce(QaVisit.visit_date, QaVisit.planned_date) == values.get("visit_date"),
            QaVisit.deleted_at.is_(None)).limit(1))
        form = _form_of(existing) if existing is not None else VisitForm()
        given = {"visit_type": _enum_or_none(QaVisitType, values.get("visit_type")),
                 "visit_date": values.get("visit_date"), "officers": values.get("officers"),
                 "spoke_children": values.get("spoke_children") or 0,
                 "spoke_staff": values.get("spoke_staff") or 0,
                 "spoke_managers": values.get("spoke_managers") or 0,
                 "overall_judgement": _enum_or_none(QaJudgement,
                                                    values.get("overall_judgement")),
                 "summary": values.get("summary")}
        for key, value in given.items():
            if key in values or key == "visit_date":
                setattr(form, key, value)
        if existing is not None and existing.status != QaVisitStatus.COMPLETED \
                and existing.visit_date is None:
            form.visit_date = None  # a planned visit keeps its planned date
        if existing is None and form.overall_judgement is not None:
            form.areas = [AreaForm(IMPORTED_AREA, form.overall_judgement)]
        _check_draft(form)
        completed = form.overall_judgement is not None and form.visit_date is not None
        if completed and (existing is None or existing.status != QaVisitStatus.COMPLETED):
            check_complete(form, self.today)
        if existing is None:
            planned = None if completed else form.visit_date
            if not completed:
                form.visit_date = None
            visit = QaVisit(id=uuid.uuid4(), setting_id=setting_id,
                            status=QaVisitStatus.COMPLETED if completed
                            else QaVisitStatus.PLANNED,
                            planned_date=planned, completed_at=utcnow() if completed else None)
            session.add(visit)
            _apply(visit, form)
            return self._done(True)
        changed = _apply(existing, form)
        if changed and existing.status == QaVisitStatus.COMPLETED:
            raise RowError("overall_judgement", "This visit is completed and cannot be changed "
                                                "from a file.")
        return self._done(False)


def _read_visits(session: Session, ids: frozenset[uuid.UUID] | None
                 ) -> Iterator[dict[str, Any]]:
    names = _setting_names(session)
    query = select(QaVisit).where(QaVisit.deleted_at.is_(None)).order_by(
        QaVisit.visit_date, QaVisit.planned_date)
    if ids is not None:
        query = query.where(QaVisit.id.in_(ids))
    for v in session.scalars(query):
        yield {**_where(names, v.setting_id), "visit_date": v.visit_date or v.planned_date,
               "visit_type": v.visit_type, "officers": v.officers,
               "overall_judgement": v.overall_judgement, "spoke_children": v.spoke_children,
               "spoke_staff": v.spoke_staff, "spoke_managers": v.spoke_managers,
               "summary": v.summary, "status": v.status}


# -- actions ---------------------------------------------------------------------------------

ACTION_FIELDS = (
    Field("description", "Action", required=True, aliases=("description", "action required",
                                                           "what", "task")),
    Field("urn", "URN", aliases=("setting urn",), looks_like=_urn_like),
    SETTING_NAME,
    SETTING_POSTCODE,
    Field("provider", "Provider", aliases=("provider name",)),
    Field("owner", "Owner", required=True, aliases=("who", "responsible", "assigned to",
                                                    "action owner", "lead")),
    Field("due_date", "Due date", "date", required=True, aliases=("due", "by", "deadline",
                                                                  "target date")),
    Field("priority", "Priority", "code", codes=ActionPriority,
          synonyms={"h": "high", "m": "medium", "med": "medium", "l": "low"}),
    Field("status", "Status", "code", codes=ActionStatus,
          synonyms={"complete": "done", "completed": "done", "closed": "done",
                    "ongoing": "in_progress", "not started": "open"}),
    Field("completed_date", "Completed on", "date", aliases=("completed", "date completed",
                                                             "closed on")),
)


class ActionWriter(Writer):
    tables = ("action",)

    def save(self, values: dict[str, Any]) -> Outcome:
        from ..qa.actions import new_action

        session = self.session
        setting_id = setting_ref(session, values)
        provider_id = provider_named(session, values.get("provider"), "provider")
        text = (values.get("description") or "").strip()
        existing = session.scalar(select(Action).where(
            Action.setting_id == setting_id if setting_id else Action.setting_id.is_(None),
            Action.provider_id == provider_id if provider_id else Action.provider_id.is_(None),
            Action.description == text, Action.due_date == values.get("due_date"),
            Action.deleted_at.is_(None)).limit(1)) if text else None
        status = _enum_or_none(ActionStatus, values.get("status"))
        priority = _enum_or_none(ActionPriority, values.get("priority"))
        if existing is None:
            action = new_action(session, source=ActionSource.MANUAL, description=text,
                                owner=values.get("owner"), due_date=values.get("due_date"),
                                priority=priority or ActionPriority.MEDIUM,
                                setting_id=setting_id, provider_id=provider_id)
            created = True
        else:  # a column the file leaves out, or a blank cell, keeps what is held
            action, created = existing, False
            owner = " ".join((values.get("owner") or "").split())
            if owner and action.owner != owner:
                check_length("owner", "The owner's name", owner, Action.owner)
                action.owner = owner
            if priority is not None and action.priority != priority:
                action.priority = priority
        status = status or action.status
        if status == ActionStatus.DONE and values.get("completed_date") is None \
                and action.completed_date is None:
            raise RowError("completed_date", "Enter the date a done action was completed.")
        _move_action(session, action, status)
        if values.get("completed_date") is not None \
                and action.completed_date != values["completed_date"]:
            action.completed_date = values["completed_date"]
        return self._done(created)


def _move_action(session: Session, action: Action, status: ActionStatus) -> None:
    """Move an action to ``status`` by the tracker's own steps (open, in progress, done;
    or cancelled), each recorded as the tracker records it. Overdue is worked out from the
    due date, never set; reopening a done action needs a reason, given in the tracker."""
    from ..qa.actions import NOTE_REQUIRED, TRANSITIONS, underlying_status

    if status == ActionStatus.OVERDUE or action.status == status:
        return
    session.flush()
    current = underlying_status(action) if action.id else action.status
    if current == status:
        return
    path = _steps(TRANSITIONS, current, status)
    if path is None:
        raise RowError("status", f"An action that is {action.status.label.lower()} cannot "
                                 f"be moved to {status.label.lower()}.")
    user = str(session.info.get("user") or "unknown")
    for before, after in zip([current, *path], path, strict=False):
        if (before, after) in NOTE_REQUIRED:
            raise RowError("status", f"Moving an action from {before.label.lower()} to "
                                     f"{after.label.lower()} needs a reason: do it in the "
                                     "actions tracker.")
        session.add(ActionUpdate(action_id=action.id, author=user, old_status=action.status,
                                 new_status=after, note="From an imported spreadsheet"))
        action.status = after


def _steps(moves: Mapping[ActionStatus, frozenset[ActionStatus]], start: ActionStatus,
           goal: ActionStatus) -> list[ActionStatus] | None:
    """The shortest run of allowed moves from ``start`` to ``goal`` (None if there is
    none)."""
    paths: list[list[ActionStatus]] = [[]]
    seen = {start}
    while paths:
        path = paths.pop(0)
        for step in sorted(moves.get(path[-1] if path else start, frozenset())):
            if step == goal:
                return [*path, step]
            if step not in seen:
                seen.add(step)
                paths.append([*path, step])
    return None


def _read_actions(session: Session, ids: frozenset[uuid.UUID] | None
                  ) -> Iterator[dict[str, Any]]:
    settings = _setting_names(session)
    names = dict(session.execute(select(Provider.id, Provider.name)).all())
    query = select(Action).where(Action.deleted_at.is_(None)).order_by(Action.due_date)
    if ids is not None:
        query = query.where(Action.id.in_(ids))
    for a in session.scalars(query):
        yield {"description": a.description, **_where(settings, a.setting_id),
               "provider": names.get(a.provider_id) if a.provider_id else None,
               "owner": a.owner, "due_date": a.due_date, "priority": a.priority,
               "status": a.status, "completed_date": a.completed_date}


# -- contracts -------------------------------------------------------------------------------

CONTRACT_FIELDS = (
    Field("reference", "Contract reference", required=True,
          aliases=("reference", "contract ref", "contract number", "contract id")),
    Field("title", "Title", required=True, aliases=("contract title", "name", "contract name",
                                                    "description")),
    Field("contract_type", "Contract type", "code", required=True, codes=ContractType,
          aliases=("type",), synonyms={"spot": "spot", "block": "block", "dps": "dps",
                                       "framework": "framework", "regional": "regional",
                                       "sla": "in_house_sla", "in house": "in_house_sla"}),
    Field("providers", "Providers", required=True, aliases=("provider", "provider name",
                                                            "supplier", "suppliers"),
          help="Names separated by semicolons"),
    Field("start_date", "Start date", "date", required=True, aliases=("start",
                                                                      "contract start")),
    Field("end_date", "End date", "date", aliases=("end", "contract end", "expiry")),
    Field("final_end_date", "Final end date", "date", aliases=("end with extensions",
                                                               "final end", "longstop")),
    Field("value_pence", "Value", "money", aliases=("contract value", "total value")),
    Field("annual_uplift_bp", "Annual uplift", "percent", aliases=("uplift", "inflation")),
    Field("uplift_terms", "Uplift terms"),
    Field("block_beds", "Block beds", "int", aliases=("beds", "beds bought")),
    Field("notes", "Notes", aliases=("comments",)),
)


class ContractWriter(Writer):
    tables = ("contract", "contract_provider")

    def save(self, values: dict[str, Any]) -> Outcome:
        from ..contracts.register import ContractForm, apply_contract

        session = self.session
        reference = " ".join((values.get("reference") or "").split())
        existing = session.scalar(select(Contract).where(
            func.lower(Contract.reference) == reference.lower())) if reference else None
        if existing is not None and existing.deleted_at is not None:
            raise RowError("reference", "This contract was deleted in Placement Desk.")
        form = ContractForm(reference=reference)
        if existing is not None:  # a column the file leaves out keeps what is held
            form = _contract_form(session, existing.id)
        simple = ("title", "start_date", "end_date", "final_end_date", "value_pence",
                  "annual_uplift_bp", "uplift_terms", "block_beds", "notes")
        for key in simple:
            if key in values:
                setattr(form, key, values[key])
        form.reference = reference
        form.title = form.title or ""
        if "contract_type" in values:
            form.contract_type = _enum_or_none(ContractType, values["contract_type"])
        if "providers" in values:
            names = [n.strip() for n in (values.get("providers") or "").split(";")
                     if n.strip()]
            form.provider_ids = [p for p in (provider_named(session, n, "providers")
                                             for n in names) if p is not None]
        apply_contract(session, form, existing.id if existing else None)
        return self._done(existing is None)


def _contract_form(session: Session, contract_id: uuid.UUID) -> Any:
    from ..contracts.register import ContractForm

    contract = session.get(Contract, contract_id)
    assert contract is not None
    providers = list(session.scalars(select(ContractProvider.provider_id).where(
        ContractProvider.contract_id == contract_id)))
    return ContractForm(contract.reference, contract.title, contract.contract_type, providers,
                        contract.start_date, contract.end_date, contract.final_end_date,
                        contract.value_pence, contract.annual_uplift_bp, contract.uplift_terms,
                        contract.block_beds, contract.notes)


def _read_contracts(session: Session, ids: frozenset[uuid.UUID] | None
                    ) -> Iterator[dict[str, Any]]:
    names = dict(session.execute(select(Provider.id, Provider.name)).all())
    links: dict[uuid.UUID, list[str]] = {}
    for cid, pid in session.execute(select(ContractProvider.contract_id,
                                           ContractProvider.provider_id)):
        links.setdefault(cid, []).append(names.get(pid, ""))
    query = select(Contract).where(Contract.deleted_at.is_(None)).order_by(Contract.reference)
    if ids is not None:
        query = query.where(Contract.id.in_(ids))
    for c in session.scalars(query):
        yield {"reference": c.reference, "title": c.title, "contract_type": c.contract_type,
               "providers": "; ".join(sorted(links.get(c.id, []))),
               "start_date": c.start_date, "end_date": c.end_date,
               "final_end_date": c.final_end_date, "value_pence": c.value_pence,
               "annual_uplift_bp": c.annual_uplift_bp, "uplift_terms": c.uplift_terms,
               "block_beds": c.block_beds, "notes": c.notes}


# -- contract reviews ------------------------------------------------------------------------

REVIEW_FIELDS = (
    Field("provider", "Provider", required=True, aliases=("provider name",)),
    Field("review_date", "Review date", "date", required=True, aliases=("date", "meeting date",
                                                                        "reviewed on")),
    Field("contract_reference", "Contract reference", aliases=("contract", "contract ref")),
    Field("status", "Status", "code", codes=ReviewStatus,
          synonyms={"complete": "signed_off", "completed": "signed_off",
                    "done": "signed_off", "signed off": "signed_off"}),
    Field("attendees", "Council attendees", aliases=("attendees", "council")),
    Field("provider_attendees", "Provider attendees"),
    Field("outcome", "Outcome", aliases=("summary", "notes", "actions agreed")),
    Field("next_due", "Next review", "date", aliases=("next review date", "next due",
                                                      "next review due")),
    Field("signed_off_by", "Signed off by"),
    Field("ratings", "Ratings", importable=False),
)


class ReviewWriter(Writer):
    tables = ("contract_review",)

    def save(self, values: dict[str, Any]) -> Outcome:
        from ..contracts.reviews import ReviewForm, _apply, _check_contract, _check_draft

        session = self.session
        provider_id = provider_named(session, values.get("provider"), "provider")
        if provider_id is None:
            raise RowError("provider", "Enter the provider's name.")
        contract_id = None
        if values.get("contract_reference"):
            contract_id = session.scalar(select(Contract.id).where(
                func.lower(Contract.reference) == _ci(values["contract_reference"])))
            if contract_id is None:
                raise RowError("contract_reference", "No contract has this reference.")
        form = ReviewForm(review_date=values.get("review_date"), contract_id=contract_id,
                          attendees=values.get("attendees"),
                          provider_attendees=values.get("provider_attendees"),
                          outcome=values.get("outcome"), next_due=values.get("next_due"))
        existing = session.scalar(select(ContractReview).where(
            ContractReview.provider_id == provider_id,
            ContractReview.review_date == form.review_date,
            ContractReview.deleted_at.is_(None)).limit(1))
        if existing is not None:  # a column the file leaves out keeps what is held
            for key in ("attendees", "provider_attendees", "outcome", "next_due"):
                if key not in values:
                    setattr(form, key, getattr(existing, key))
            if "contract_reference" not in values:
                form.contract_id = contract_id = existing.contract_id
        if existing is not None:
            form.agenda, form.placements = _agendas(existing)
            status_given = _enum_or_none(ReviewStatus, values.get("status"))
            if (status_given is None or status_given == existing.status) and all(
                    getattr(existing, k) == v for k, v in (
                        ("contract_id", contract_id),
                        ("attendees", _blank_none(form.attendees)),
                        ("provider_attendees", _blank_none(form.provider_attendees)),
                        ("outcome", _blank_none(form.outcome)), ("next_due", form.next_due))):
                return "unchanged"
        _check_draft(form, self.today)
        status = _enum_or_none(ReviewStatus, values.get("status")) or ReviewStatus.DRAFT
        review = existing or ContractReview(id=uuid.uuid4(), provider_id=provider_id,
                                            status=status, agenda=[], placements=[])
        _check_contract(session, review, contract_id)
        if existing is None:
            session.add(review)
            _apply(review, form)
            if status == ReviewStatus.SIGNED_OFF:
                assert form.review_date is not None
                review.signed_off_at = dt.datetime.combine(form.review_date, dt.time(12))
                review.signed_off_by = values.get("signed_off_by") or str(
                    session.info.get("user") or "unknown")
            return self._done(True)
        changed = _apply(existing, form)
        if changed and existing.status == ReviewStatus.SIGNED_OFF:
            raise RowError("outcome", "This review is signed off: add an addendum in "
                                      "Placement Desk instead of changing it from a file.")
        if existing.status != status and existing.status != ReviewStatus.SIGNED_OFF:
            existing.status = status
        return self._done(False)


def _blank_none(text: str | None) -> str | None:
    return (text or "").strip() or None


def _agendas(review: ContractReview) -> tuple[list[Any], list[Any]]:
    from ..contracts.reviews import _agenda_of, _placements_of

    return _agenda_of(review.agenda or []), _placements_of(review.placements or [])


def _read_reviews(session: Session, ids: frozenset[uuid.UUID] | None
                  ) -> Iterator[dict[str, Any]]:
    from ..contracts.reviews import rag_summary

    names = dict(session.execute(select(Provider.id, Provider.name)).all())
    refs = dict(session.execute(select(Contract.id, Contract.reference)).all())
    query = select(ContractReview).where(ContractReview.deleted_at.is_(None)).order_by(
        ContractReview.review_date)
    if ids is not None:
        query = query.where(ContractReview.id.in_(ids))
    for r in session.scalars(query):
        yield {"provider": names.get(r.provider_id), "review_date": r.review_date,
               "contract_reference": refs.get(r.contract_id) if r.contract_id else None,
               "status": r.status, "attendees": r.attendees,
               "provider_attendees": r.provider_attendees, "outcome": r.outcome,
               "next_due": r.next_due, "signed_off_by": r.signed_off_by,
               "ratings": rag_summary(r.agenda or []) or None}


# -- provider documents ----------------------------------------------------------------------

DOCUMENT_FIELDS = (
    Field("urn", "URN", aliases=("setting urn",), looks_like=_urn_like),
    SETTING_NAME,
    SETTING_POSTCODE,
    Field("provider", "Provider", aliases=("provider name",)),
    Field("kind", "Document", "code", required=True, codes=DocumentKind,
          aliases=("document type", "kind", "type"),
          synonyms={"registration": "registration_certificate", "certificate":
                    "registration_certificate", "insurance certificate": "insurance",
                    "public liability": "insurance", "sop": "statement_of_purpose",
                    "accounts": "accounts", "dbs": "dbs_checks"}),
    Field("title", "Title", aliases=("document title", "name")),
    Field("reference", "Reference", aliases=("policy number", "certificate number")),
    Field("received_date", "Received", "date", aliases=("date received", "received on")),
    Field("expiry_date", "Expires", "date", aliases=("expiry", "expiry date", "renewal date",
                                                     "valid until")),
    Field("notes", "Notes", aliases=("comments",)),
)


class DocumentWriter(Writer):
    tables = ("provider_document",)

    def save(self, values: dict[str, Any]) -> Outcome:
        from ..register.providers import DocumentForm, apply_document

        session = self.session
        setting_id = setting_ref(session, values)
        provider_id = provider_named(session, values.get("provider"), "provider")
        form = DocumentForm(kind=_enum_or_none(DocumentKind, values.get("kind")),
                            provider_id=provider_id if setting_id is None else None,
                            setting_id=setting_id, title=values.get("title"),
                            reference=values.get("reference"),
                            received_date=values.get("received_date"),
                            expiry_date=values.get("expiry_date"), notes=values.get("notes"))
        pd = ProviderDocument
        existing = session.scalar(select(pd.id).where(
            pd.setting_id == setting_id if setting_id else pd.setting_id.is_(None),
            pd.provider_id == form.provider_id if form.provider_id else pd.provider_id.is_(None),
            pd.kind == form.kind, pd.deleted_at.is_(None),
            pd.title == (form.title or "").strip() if form.title else pd.title.is_(None),
            pd.expiry_date == form.expiry_date if form.expiry_date
            else pd.expiry_date.is_(None)).limit(1)) if form.kind else None
        if existing is not None:  # a column the file leaves out keeps what is held
            held = session.get(ProviderDocument, existing)
            assert held is not None
            for key in ("reference", "received_date", "notes"):
                if key not in values:
                    setattr(form, key, getattr(held, key))
        apply_document(session, form, existing, self.today)
        return self._done(existing is None)


def _read_documents(session: Session, ids: frozenset[uuid.UUID] | None
                    ) -> Iterator[dict[str, Any]]:
    settings = _setting_names(session)
    names = dict(session.execute(select(Provider.id, Provider.name)).all())
    query = select(ProviderDocument).where(ProviderDocument.deleted_at.is_(None)).order_by(
        ProviderDocument.expiry_date)
    if ids is not None:
        query = query.where(ProviderDocument.id.in_(ids))
    for d in session.scalars(query):
        yield {**_where(settings, d.setting_id),
               "provider": names.get(d.provider_id) if d.provider_id else None,
               "kind": d.kind, "title": d.title, "reference": d.reference,
               "received_date": d.received_date, "expiry_date": d.expiry_date,
               "notes": d.notes}


# -- exports only: inspections and the audit trail -----------------------------------------

INSPECTION_FIELDS = (
    Field("urn", "URN"), Field("setting", "Setting"),
    Field("inspection_date", "Inspection date", "date"),
    Field("event_type", "Inspection", "code", codes=InspectionEventType),
    Field("overall_judgement", "Overall judgement", "code", codes=Judgement),
    Field("publication_date", "Published", "date"),
)


def _read_inspections(session: Session, ids: frozenset[uuid.UUID] | None
                      ) -> Iterator[dict[str, Any]]:
    query = (select(OfstedInspection, Setting.urn, Setting.name).join(Setting)
             .order_by(Setting.urn, OfstedInspection.inspection_date))
    if ids is not None:
        query = query.where(OfstedInspection.setting_id.in_(ids))
    for ins, urn, name in session.execute(query):
        yield {"urn": urn, "setting": name, "inspection_date": ins.inspection_date,
               "event_type": ins.event_type,
               "overall_judgement": ins.overall_judgement or ins.supported_accommodation_outcome,
               "publication_date": ins.publication_date}


AUDIT_FIELDS = (
    Field("at", "When", "datetime"), Field("user", "Who"),
    Field("action", "What", "code", codes=AuditAction), Field("entity", "Record"),
    Field("entity_id", "Record id"), Field("changes", "Changes"),
)


def _read_audit(session: Session, ids: frozenset[uuid.UUID] | None
                ) -> Iterator[dict[str, Any]]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if ids is not None:
        query = query.where(AuditEvent.entity_id.in_(ids))
    for e in session.execute(query.execution_options(yield_per=2000)).scalars():
        after = e.after or {}
        before = e.before or {}
        keys = sorted(set(after) | set(before))
        yield {"at": e.at, "user": e.user, "action": e.action, "entity": e.entity,
               "entity_id": str(e.entity_id),
               "changes": "; ".join(f"{k}: {before.get(k)!r} → {after.get(k)!r}"
                                    for k in keys)}


# -- the list ----------------------------------------------------------------------------------

KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("providers", "Providers", "Providers", PROVIDER_FIELDS, ("name",), "provider",
         ProviderWriter, _read_providers,
         description="Organisations: name, legal name, Companies House number, contact"),
    Kind("settings", "Settings", "Settings", SETTING_FIELDS, ("urn",), "setting",
         SettingWriter, _read_settings, {"provider_id": "provider"},
         description="Registered services and homes by URN, with type, provider and address"),
    Kind("inspections", "Ofsted inspections", "Inspections", INSPECTION_FIELDS,
         read=_read_inspections, description="Every inspection held, by URN (export only)",
         noun="Ofsted inspections"),
    Kind("children", "Children", "Children", CHILD_FIELDS, ("case_ref",), "child",
         ChildWriter, _read_children,
         description="Children by case reference: date of birth, sex, legal status"),
    Kind("placements", "Children and placements", "Placements", PLACEMENT_FIELDS,
         ("case_ref", "start_date"), "placement_episode", PlacementWriter, _read_placements,
         {"child_id": "case_ref", "setting_id": "urn"},
         description="A placements tracker: child, start and end, type, URN, route",
         noun="placements"),
    Kind("agreements", "IPAs", "Agreements", AGREEMENT_FIELDS, ("reference",), "agreement",
         AgreementWriter, _read_agreements,
         {"child_id": "case_ref", "setting_id": "urn", "funding": "weekly_fee_pence"},
         description="Individual placement agreements with their weekly fee", noun="IPAs"),
    Kind("fees", "Fees (contract rates)", "Fees", FEE_FIELDS,
         ("contract_reference", "description", "placement_type", "effective_from"),
         "contract_rate", FeeWriter, _read_fees,
         {"provider_id": "provider", "lot_id": "description"},
         description="Fee schedules: weekly rates under each contract",
         noun="contract rates"),
    Kind("qa-visits", "QA visits", "QA visits", VISIT_FIELDS, ("urn", "setting", "visit_date"),
         "qa_visit", VisitWriter, _read_visits, {"areas": "overall_judgement"},
         description="A QA visit log: URN, date, type, officers, judgement",
         noun="QA visits"),
    Kind("actions", "Actions", "Actions", ACTION_FIELDS,
         ("urn", "setting", "provider", "description", "due_date"),
         "action", ActionWriter, _read_actions,
         description="Actions with owners and due dates"),
    Kind("contracts", "Contracts", "Contracts", CONTRACT_FIELDS, ("reference",), "contract",
         ContractWriter, _read_contracts, {"provider_ids": "providers"},
         description="A contract register: reference, type, providers, dates, value"),
    Kind("reviews", "Contract reviews", "Reviews", REVIEW_FIELDS, ("provider", "review_date"),
         "contract_review", ReviewWriter, _read_reviews, {"contract_id": "contract_reference"},
         description="Contract review meetings with providers"),
    Kind("documents", "Provider documents", "Documents", DOCUMENT_FIELDS,
         ("urn", "setting", "provider", "kind", "title", "expiry_date"), "provider_document",
         DocumentWriter,
         _read_documents, {"provider_id": "provider", "setting_id": "urn"},
         description="Insurance, registration and other documents with expiry dates"),
    Kind("audit", "Audit trail", "Audit", AUDIT_FIELDS, read=_read_audit,
         description="Every change: who, when, what (export only)", noun="audit events"),
)}

IMPORTABLE = tuple(k for k in KINDS.values() if k.importable)
EXPORTABLE = tuple(KINDS.values())


def kind_named(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(KINDS)
        raise ValidationError("kind", f"There is no kind of record called {name!r}: choose "
                                      f"one of {known}.") from None


def field_for(kind: Kind, service_field: str) -> str | None:
    """The kind's field a service's ValidationError names (None: the row as a whole)."""
    name = service_field.split("[", 1)[0].split(".", 1)[0]
    name = kind.form_fields.get(name, name)
    return name if any(f.name == name for f in kind.fields) else None


def key_text(kind: Kind, values: Mapping[str, Any]) -> str:
    """Which columns make up the natural key (for messages; never the values)."""
    return ", ".join(kind.field(k).label for k in kind.key)


def headings(kind: Kind) -> list[str]:
    return [f.label for f in kind.fields]


def heading_keys(kind: Kind) -> dict[str, str]:
    """Every heading key that names one of the kind's importable fields → the field."""
    out: dict[str, str] = {}
    for spec in kind.import_fields:
        for key in spec.keys:
            out.setdefault(key, spec.name)
    return out
