"""QA visit templates: the areas a visit examines, per setting type, kept in versions.

A template is edited by adding a version, so a visit that copied the areas of the
version it started from is never changed by a later edit. The defaults follow the
regulations' quality standards for children's homes and supported accommodation, and
the council's own areas for everything else.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db import Database
from ...errors import ValidationError
from ...models import QaTemplate, QaTemplateVersion
from ...models.enums import SettingType
from ..common.limits import check_length
from ..users.roles import Permission, require

CHILDRENS_HOME_STANDARDS = (
    "Quality and purpose of care", "Children's views, wishes and feelings", "Education",
    "Enjoyment and achievement", "Health and well-being", "Positive relationships",
    "Protection of children", "Leadership and management", "Care planning")
"""The nine quality standards of the Children's Homes (England) Regulations 2015."""
SUPPORTED_ACCOMMODATION_STANDARDS = ("Leadership and management", "Protection",
                                     "Accommodation", "Support")
"""The four standards of the Supported Accommodation (England) Regulations 2023."""
COUNCIL_STANDARDS = ("Safeguarding", "Matching and placement stability",
                     "Carer support and training", "The child's voice", "Premises",
                     "Staffing and recruitment")
"""The council's own areas for IFAs, unregulated provision and anything else."""

DEFAULT_TEMPLATES: tuple[tuple[str, SettingType | None, tuple[str, ...]], ...] = (
    ("Children's homes: quality standards (2015 Regulations)", SettingType.CHILDRENS_HOME,
     CHILDRENS_HOME_STANDARDS),
    ("Supported accommodation: standards (2023 Regulations)",
     SettingType.SUPPORTED_ACCOMMODATION, SUPPORTED_ACCOMMODATION_STANDARDS),
    ("IFAs and unregulated provision: council standards", None, COUNCIL_STANDARDS),
)
"""Seeded by :func:`ensure_default_templates`; the one without a type serves every other."""
SHARES_TEMPLATE_WITH = {SettingType.SECURE_CHILDRENS_HOME: SettingType.CHILDRENS_HOME}
"""Types that use another type's template unless they are given their own."""


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    id: uuid.UUID
    name: str
    setting_type: SettingType | None
    version_id: uuid.UUID
    version_no: int
    areas: tuple[str, ...]


def _add_template(session: Session, name: str, setting_type: SettingType | None,
                  areas: Sequence[str]) -> TemplateInfo:
    template = QaTemplate(id=uuid.uuid4(), name=name, setting_type=setting_type)
    version = QaTemplateVersion(id=uuid.uuid4(), template_id=template.id, version_no=1,
                                areas=list(areas))
    session.add_all([template, version])
    return TemplateInfo(template.id, name, setting_type, version.id, 1, tuple(areas))


def add_default_templates(session: Session) -> int:
    """Add each default template whose setting type has none yet; returns how many."""
    have = set(session.scalars(select(QaTemplate.setting_type)))
    added = 0
    for name, kind, areas in DEFAULT_TEMPLATES:
        if kind not in have:
            _add_template(session, name, kind, areas)
            added += 1
    return added


def ensure_default_templates(db: Database) -> int:
    """Add each default template whose setting type has none yet; returns how many."""
    with db.write() as session:
        return add_default_templates(session)


def _latest(session: Session, template: QaTemplate) -> QaTemplateVersion:
    version = session.scalar(
        select(QaTemplateVersion).where(QaTemplateVersion.template_id == template.id)
        .order_by(QaTemplateVersion.version_no.desc()).limit(1))
    if version is None:  # pragma: no cover - every template is created with a version
        raise ValidationError("areas", f"The template {template.name} has no areas.")
    return version


def _info(template: QaTemplate, version: QaTemplateVersion) -> TemplateInfo:
    return TemplateInfo(template.id, template.name, template.setting_type, version.id,
                        version.version_no, tuple(str(a) for a in version.areas))


def _list_templates(session: Session) -> list[TemplateInfo]:
    """Every template at its latest version, by name."""
    return [_info(t, _latest(session, t))
            for t in session.scalars(select(QaTemplate).order_by(QaTemplate.name))]


def list_templates(db: Database) -> list[TemplateInfo]:
    """Every template at its latest version, by name."""
    with db.read() as session:
        return _list_templates(session)


def template_for(session: Session, setting_type: SettingType) -> TemplateInfo | None:
    """The template a visit to this type of setting uses: its own, a shared one, the general."""
    for kind in (setting_type, SHARES_TEMPLATE_WITH.get(setting_type)):
        if kind is not None:
            template = session.scalar(select(QaTemplate).where(QaTemplate.setting_type == kind))
            if template is not None:
                return _info(template, _latest(session, template))
    general = session.scalar(select(QaTemplate).where(QaTemplate.setting_type.is_(None))
                             .order_by(QaTemplate.created_at).limit(1))
    return _info(general, _latest(session, general)) if general is not None else None


def clean_areas(areas: Iterable[str]) -> list[str]:
    """Areas tidied (spaces collapsed, blanks dropped); refused if empty or repeated."""
    cleaned = [" ".join(a.split()) for a in areas]
    cleaned = [a for a in cleaned if a]
    if not cleaned:
        raise ValidationError("areas", "List at least one area to examine.")
    seen: set[str] = set()
    for area in cleaned:
        if len(area) > 200:
            raise ValidationError("areas", f"{area[:40]}… is too long (200 characters at most).")
        if area.casefold() in seen:
            raise ValidationError("areas", f"{area} is listed twice.")
        seen.add(area.casefold())
    return cleaned


def create_template(db: Database, name: str,
                    setting_type: SettingType | None, areas: Iterable[str]) -> TemplateInfo:
    """A new template for a setting type that has none of its own yet."""
    require(db, Permission.EDIT_QA)
    title = " ".join(name.split())
    if not title:
        raise ValidationError("name", "Name the template.")
    check_length("name", "The template's name", title, QaTemplate.name)
    cleaned = clean_areas(areas)
    with db.write() as session:
        query = select(QaTemplate.name).where(
            QaTemplate.setting_type == setting_type if setting_type is not None
            else QaTemplate.setting_type.is_(None))
        clash = session.scalar(query)
        if clash is not None:
            raise ValidationError("setting_type", f"{clash} already covers this type; edit it "
                                                  "instead.")
        return _add_template(session, title, setting_type, cleaned)


def edit_template(db: Database, template_id: uuid.UUID,
                  areas: Iterable[str]) -> TemplateInfo:
    """Save new areas as the template's next version (unchanged areas add no version)."""
    require(db, Permission.EDIT_QA)
    cleaned = clean_areas(areas)
    with db.write() as session:
        template = session.get(QaTemplate, template_id)
        if template is None:
            raise ValidationError("areas", "This template no longer exists.")
        latest = _latest(session, template)
        if list(latest.areas) == cleaned:
            return _info(template, latest)
        version = QaTemplateVersion(id=uuid.uuid4(), template_id=template.id,
                                    version_no=latest.version_no + 1, areas=cleaned)
        session.add(version)
        return _info(template, version)

