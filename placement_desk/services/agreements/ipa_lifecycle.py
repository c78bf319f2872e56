"""An agreement version's life after drafting: the steps it takes from issue to end, and
variations.

A version moves draft → issued → signed by provider → signed by council → active →
ended, one step at a time, each dated and (where the model has a column for it) by
whom. Once either side has signed, terms change only through a variation: a new
version (number last + 1) copying the terms and services, which supersedes the
version in force when it becomes active.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...concurrency import expect_unchanged
from ...db import Database
from ...errors import ValidationError
from ...models import Agreement, AgreementVersion
from ...models.base import utcnow
from ...models.enums import AgreementStatus
from ..common.formatting import date_short
from ..common.limits import check_length
from ..users.roles import Permission, require
from .ipa import (
    EDITABLE,
    TERM_FIELDS,
    TEXT_FIELDS,
    S,
    check_effective,
    clean_text,
    describe_version,
    get_agreement,
    get_version,
    lines_of,
    new_version,
    terms_of,
    validate_terms,
)

NEXT_STEP: dict[AgreementStatus, AgreementStatus] = {
    S.DRAFT: S.ISSUED, S.ISSUED: S.PROVIDER_SIGNED, S.PROVIDER_SIGNED: S.COUNCIL_SIGNED,
    S.COUNCIL_SIGNED: S.ACTIVE, S.ACTIVE: S.ENDED,
}
_STAMPS = ("issued_at", "provider_signed_at", "council_signed_at", "activated_at")


@dataclass(frozen=True)
class StepResult:
    """What :func:`advance` changed."""

    version_id: uuid.UUID
    status: AgreementStatus
    superseded: list[uuid.UUID] = field(default_factory=list)


def as_datetime(when: dt.datetime | dt.date | None) -> dt.datetime:
    if when is None:
        return utcnow()
    if isinstance(when, dt.datetime):
        return when
    return dt.datetime.combine(when, dt.time())


def supersede(agreement: Agreement, version: AgreementVersion) -> list[uuid.UUID]:
    """Make ``version`` the one in force: earlier live versions become superseded."""
    if any(v.status == S.ENDED for v in agreement.versions):
        raise ValidationError("status", "This agreement has ended; it cannot be varied.")
    later = [v for v in agreement.versions
             if v.version_no > version.version_no and v.status == S.ACTIVE]
    if later:
        raise ValidationError("status", f"Version {later[0].version_no} is already active.")
    end = dt.datetime.combine(version.effective_date, dt.time())
    done: list[uuid.UUID] = []
    for old in agreement.versions:
        if old.version_no < version.version_no and old.status not in (S.SUPERSEDED, S.ENDED):
            old.status, old.ended_at = S.SUPERSEDED, end
            done.append(old.id)
    return done


def advance(db: Database, version_id: uuid.UUID, step: AgreementStatus,
            by: str, when: dt.datetime | dt.date | None = None,
            role: str | None = None, *, row_version: int | None = None) -> StepResult:
    """Move a version one step on (only to :data:`NEXT_STEP` of its status), dated.

    ``by`` is recorded for issuing and both signatures, and ``role`` (the signatory's
    job title) for the signatures (the model has no column for who activated or ended
    a version: the audit trail records the user). Activating a variation supersedes
    the version in force; ending records the end date if the version had none. A step
    taken on a version someone else saved after ``row_version`` was read is refused
    (:class:`~placement_desk.errors.ConcurrentEdit`).
    """
    require(db, Permission.EDIT_AGREEMENTS)
    stamp = as_datetime(when)
    who = clean_text(by)
    title = clean_text(role)
    check_length("by", "The name", who, AgreementVersion.provider_signed_by)
    check_length("role", "The role", title, AgreementVersion.provider_signed_role)
    with db.write() as session:
        version = get_version(session, version_id)
        expect_unchanged(session, version, row_version, "agreement",
                         describe=describe_version)
        expected = NEXT_STEP.get(version.status)
        if expected is None:
            raise ValidationError("status", f"This version is {version.status.label.lower()}; "
                                            "it has no further steps.")
        if step != expected:
            raise ValidationError("status", f"A version that is {version.status.label.lower()} "
                                            f"cannot become {step.label.lower()}: the next "
                                            f"step is {expected.label.lower()}.")
        if step in (S.ISSUED, S.PROVIDER_SIGNED, S.COUNCIL_SIGNED) and who is None:
            raise ValidationError("by", "Say who did this.")
        earlier = [s for s in (getattr(version, k) for k in _STAMPS) if s is not None]
        if earlier and stamp < max(earlier):
            raise ValidationError("when", "This date is before the previous step "
                                          f"({date_short(max(earlier).date())}).")
        superseded: list[uuid.UUID] = []
        if step == S.ISSUED:
            version.issued_at, version.issued_by = stamp, who
        elif step == S.PROVIDER_SIGNED:
            version.provider_signed_at, version.provider_signed_by = stamp, who
            version.provider_signed_role = title
        elif step == S.COUNCIL_SIGNED:
            version.council_signed_at, version.council_signed_by = stamp, who
            version.council_signed_role = title
        elif step == S.ACTIVE:
            superseded = supersede(version.agreement, version)
            version.activated_at = stamp
        else:
            version.ended_at = stamp
            if version.end_date is None:
                version.end_date = max(stamp.date(), version.start_date + dt.timedelta(days=1))
        version.status = step
        return StepResult(version.id, step, superseded)


def _can_vary(agreement: Agreement) -> AgreementVersion:
    if not agreement.versions:
        raise ValidationError("status", "This agreement has no versions.")
    last = agreement.versions[-1]
    if last.status in EDITABLE:
        raise ValidationError("status", f"Version {last.version_no} is not signed yet: edit it "
                                        "instead of making a variation.")
    if last.status == S.ENDED:
        raise ValidationError("status", "This agreement has ended; it cannot be varied.")
    return last


def make_variation(db: Database, agreement_id: uuid.UUID,
                   effective_date: dt.date, reason: str,
                   changes: Mapping[str, Any] | None = None) -> uuid.UUID:
    """A new draft version copying the last one's terms and services, with ``changes``.

    ``changes`` maps term names (:data:`~.ipa.TERM_FIELDS`) to new values; the key
    ``"services"`` replaces the services with a list of :class:`~.ipa.ServiceLine`.
    """
    require(db, Permission.EDIT_AGREEMENTS, Permission.CHANGE_FEES)
    why = clean_text(reason)
    if why is None:
        raise ValidationError("variation_reason", "Say why the agreement is being varied.")
    with db.write() as session:
        agreement = get_agreement(session, agreement_id)
        base = _can_vary(agreement)
        terms, lines = terms_of(base), lines_of(base)
        for key, value in (changes or {}).items():
            if key == "services":
                lines = list(value)
            elif key in TERM_FIELDS:
                terms[key] = clean_text(value) if key in TEXT_FIELDS else value
            else:
                raise ValueError(f"{key!r} is not a term a variation can change")
        validate_terms(terms, lines)
        check_effective(effective_date, terms, base)
        version = new_version(agreement, base.version_no + 1, effective_date, why, terms, lines)
        return version.id
