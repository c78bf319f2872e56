"""An agreement read back: every version with its terms, services and weekly cost, and
a version as the form that edits it."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ...db import Database
from ...models import AgreementVersion, Child
from ...models.enums import AgreementStatus
from .fees import one_off_pence, weekly_cost_pence
from .ipa import (
    EDITABLE,
    HEADER_FIELDS,
    AgreementForm,
    ServiceLine,
    get_agreement,
    get_version,
    lines_of,
    terms_of,
)


@dataclass(frozen=True)
class VersionView:
    """One version as read back; earlier versions stay readable after a variation."""

    id: uuid.UUID
    version_no: int
    status: AgreementStatus
    effective_date: dt.date
    variation_reason: str | None
    terms: dict[str, Any]
    services: list[ServiceLine]
    weekly_cost_pence: int
    one_off_pence: int
    stamps: dict[str, Any]
    row_version: int | None = field(default=None, compare=False)
    """Its change counter when read (see :attr:`AgreementForm.row_version`)."""

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


@dataclass(frozen=True)
class AgreementDetail:
    id: uuid.UUID
    reference: str
    child_id: uuid.UUID
    child_ref: str
    setting_id: uuid.UUID | None
    episode_id: uuid.UUID | None
    council_name: str | None
    provider_legal_entity: str | None
    versions: list[VersionView]


def _view(version: AgreementVersion) -> VersionView:
    stamps = {k: getattr(version, k) for k in (
        "issued_at", "issued_by", "provider_signed_at", "provider_signed_by",
        "provider_signed_role", "council_signed_at", "council_signed_by",
        "council_signed_role", "activated_at", "ended_at")}
    return VersionView(version.id, version.version_no, version.status, version.effective_date,
                       version.variation_reason, terms_of(version), lines_of(version),
                       weekly_cost_pence(version), one_off_pence(version), stamps,
                       version.version)


def agreement_detail(db: Database, agreement_id: uuid.UUID) -> AgreementDetail:
    """The agreement with every version, oldest first."""
    with db.read() as session:
        agreement = get_agreement(session, agreement_id)
        child_ref = session.scalar(select(Child.case_ref).where(Child.id == agreement.child_id))
        return AgreementDetail(agreement.id, agreement.reference, agreement.child_id,
                               child_ref or "", agreement.setting_id, agreement.episode_id,
                               agreement.council_name, agreement.provider_legal_entity,
                               [_view(v) for v in agreement.versions])


def load_version_form(db: Database, version_id: uuid.UUID) -> AgreementForm:
    """A version's terms and its agreement's parties as a form, for editing a draft."""
    with db.read() as session:
        version = get_version(session, version_id)
        header = {k: getattr(version.agreement, k) for k in HEADER_FIELDS}
        return AgreementForm(**header, **terms_of(version), services=lines_of(version),
                             effective_date=version.effective_date,
                             variation_reason=version.variation_reason,
                             row_version=version.version)
