"""What every kind of record has, and the helpers the kinds share: finding the provider,
setting or child a row names, and writing a setting as an export gives it."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ....errors import ValidationError
from ....identifiers import is_urn, normalise_postcode, normalise_urn
from ....models import Child, Provider, Setting
from ..values import Field

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

    def keys_of(self, columns: Mapping[str, Sequence[Any]], count: int
                ) -> list[tuple[Any, ...] | None]:
        """Each of ``count`` rows' natural key, in a form where case and spacing do not
        count; None for a row without one (every part blank: the row can only be new).
        The rows are given a column at a time (field name → one value per row; a field
        left out is blank in every row)."""
        if not self.key:
            return [None] * count
        parts = [map(_key_part, columns[name]) if name in columns
                 else itertools.repeat(None, count) for name in self.key]
        return [key if key.count(None) < len(key) else None
                for key in zip(*parts, strict=True)]


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

    def save_rows(self, columns: Mapping[str, Sequence[Any]], rows: Sequence[int]
                  ) -> list[Outcome | ValidationError]:
        """Save some rows of a block given a column at a time (field name → one value per
        row of the block), the rows at places ``rows`` in order: each one's outcome, or
        why it was refused. Each row goes through :meth:`save` in a savepoint of its own,
        so that a row refused leaves nothing behind."""
        done: list[Outcome | ValidationError] = []
        for position in rows:
            values = {name: column[position] for name, column in columns.items()}
            try:
                with self.session.begin_nested():
                    done.append(self.save(values))
            except ValidationError as exc:
                done.append(exc)
        return done

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


def _key_part(value: Any) -> Any:
    return " ".join(value.split()).casefold() if isinstance(value, str) else value


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



def _enum_or_none(enum: Any, value: Any) -> Any:
    return enum(value) if isinstance(value, str) else value
