"""Matching a sheet's columns to a kind's fields, and the profiles that remember it.

Headings are matched by name first (each field's label, name and the usual other
headings, compared without case, punctuation or spacing), then the columns still free by
content: a column whose sample values look like URNs, postcodes or case references, or are
all codes of one field, goes to that field. The user can change any of it; a mapping
(columns and values) saved under a name is offered again for next month's file.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ...db import Database
from ...errors import ValidationError
from ...io.tabular import Row, heading_key
from ...models import ImportProfile
from .kinds import Kind, heading_keys
from .values import CellError, Field, convert, read_text

_MAX_WORDS = 12
"""Headings of more words are not split to find a field's name at their end."""


def guess_columns(kind: Kind, headings: Sequence[str], sample: Sequence[Row]) -> dict[int, str]:
    """Column index → field name, by heading and then by content."""
    known = heading_keys(kind)
    found: dict[int, str] = {}
    taken: set[str] = set()
    for i, heading in enumerate(headings):
        key = heading_key(heading)
        name = known.get(key)
        if name is None and 0 < key.count(" ") < _MAX_WORDS:  # a group heading joined to
            parts = key.split(" ")                              # its own: try its own
            for cut in range(1, len(parts)):
                name = known.get(" ".join(parts[cut:]))
                if name is not None:
                    break
        if name is not None and name not in taken:
            found[i] = name
            taken.add(name)
    for i in range(len(headings)):
        if i in found:
            continue
        cells = [read_text(r[i]) for r in sample if i < len(r)]
        texts = [c for c in cells if c]
        if len(texts) < 2:
            continue
        for spec in kind.import_fields:
            if spec.name in taken:
                continue
            if _looks(spec, texts):
                found[i] = spec.name
                taken.add(spec.name)
                break
    return found


def _looks(spec: Field, texts: list[str]) -> bool:
    if spec.looks_like is not None:
        return sum(1 for t in texts if spec.looks_like(t)) >= 0.8 * len(texts)
    if spec.type == "code" and spec.codes is not None:
        try:
            for t in texts:
                convert(spec, t)
        except CellError:
            return False
        return True
    return False


def score_headings(kind: Kind) -> Any:
    """A function scoring a row of headings by how many name one of the kind's fields
    (for finding the header row below title rows)."""
    known = heading_keys(kind)

    def score(headings: list[str]) -> int:
        keys = {heading_key(h) for h in headings}
        hits = {known[k] for k in keys if k in known}
        for k in keys:
            parts = k.split(" ")
            if len(parts) > _MAX_WORDS:
                continue
            for cut in range(1, len(parts)):
                if " ".join(parts[cut:]) in known:
                    hits.add(known[" ".join(parts[cut:])])
                    break
        return len(hits)

    return score


def missing_required(kind: Kind, columns: Mapping[int, str]) -> list[Field]:
    mapped = set(columns.values())
    return [f for f in kind.import_fields if f.required and f.name not in mapped]


def unknown_values(kind: Kind, columns: Mapping[int, str], rows: Sequence[Row],
                   values: Mapping[str, Mapping[str, str]]) -> dict[str, list[str]]:
    """For each coded field mapped, the distinct texts of the rows that are not one of its
    codes yet (for the value mapping)."""
    out: dict[str, list[str]] = {}
    for index, name in columns.items():
        spec = kind.field(name) if name else None
        if spec is None or spec.type != "code":
            continue
        seen: dict[str, str] = {}
        for row in rows:
            text = read_text(row[index]) if index < len(row) else None
            if not text or heading_key(text) in seen:
                continue
            try:
                convert(spec, text, values.get(name))
            except CellError:
                seen[heading_key(text)] = text
        if seen:
            out[name] = list(seen.values())
    return out


# -- profiles ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Profile:
    kind: str
    name: str
    columns: dict[str, str]
    """Heading key → field name ('' for a column left out)."""
    values: dict[str, dict[str, str]]
    header_row: int | None


def columns_by_heading(headings: Sequence[str], columns: Mapping[int, str]) -> dict[str, str]:
    """A mapping by index as the profile keeps it: by heading."""
    return {heading_key(h): columns.get(i, "") for i, h in enumerate(headings) if h}


def columns_from_profile(profile: Profile, headings: Sequence[str]) -> dict[int, str]:
    """A profile's mapping applied to this file's headings (in any order)."""
    out: dict[int, str] = {}
    for i, heading in enumerate(headings):
        name = profile.columns.get(heading_key(heading))
        if name:
            out[i] = name
    return out


def save_profile(db: Database, kind: str, name: str, columns: Mapping[str, str],
                 values: Mapping[str, Mapping[str, str]], header_row: int | None) -> uuid.UUID:
    """Save (or replace) a named mapping for a kind."""
    clean = " ".join(name.split())
    if not clean:
        raise ValidationError("name", "Give the mapping a name, e.g. \"Monthly tracker\".")
    if len(clean) > 100:
        raise ValidationError("name", "The name is too long (100 characters at most).")
    with db.write() as session:
        profile = session.scalar(select(ImportProfile).where(ImportProfile.kind == kind,
                                                             ImportProfile.name == clean))
        if profile is None:
            profile = ImportProfile(id=uuid.uuid4(), kind=kind, name=clean)
            session.add(profile)
        profile.columns = dict(columns)
        profile.values = {k: dict(v) for k, v in values.items() if v}
        profile.header_row = header_row
        profile.saved_by = db.user
        return profile.id


def profile_names(db: Database, kind: str) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(ImportProfile.name).where(
            ImportProfile.kind == kind).order_by(ImportProfile.name)))


def load_profile(db: Database, kind: str, name: str) -> Profile:
    with db.read() as session:
        found = session.scalar(select(ImportProfile).where(ImportProfile.kind == kind,
                                                           ImportProfile.name == name.strip()))
        if found is None:
            names = ", ".join(profile_names(db, kind)) or "none yet"
            raise ValidationError("mapping", f"There is no saved mapping called "
                                             f"{name.strip()[:100]!r} for this kind "
                                             f"(saved: {names}).")
        return Profile(kind, found.name, dict(found.columns or {}),
                       {k: dict(v) for k, v in (found.values or {}).items()}, found.header_row)
