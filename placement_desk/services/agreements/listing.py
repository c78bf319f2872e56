"""The list of Individual Placement Agreements: its rows, search and filter.

:func:`list_agreements` gives every agreement with the version in force and any
variation pending; :func:`filter_agreements` is what the list's search box and status
choice mean: one pass over pre-built lower-case search text, quick enough to run on
every keystroke.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...db import Database
from ...models import Agreement, AgreementVersion, Child, Setting
from ...models.enums import AgreementStatus
from .ipa import S


@dataclass(frozen=True)
class AgreementRow:
    """An agreement as the list shows it: the version in force, and a variation pending."""

    id: uuid.UUID
    reference: str
    child_ref: str
    setting_name: str | None
    urn: str | None
    version_no: int
    status: AgreementStatus
    start_date: dt.date
    end_date: dt.date | None
    weekly_fee_pence: int
    """The weekly fee of the version in force (services not included)."""
    pending_version_no: int | None = None
    pending_status: AgreementStatus | None = None
    """A later version still being drawn up or signed, if there is one."""

    @property
    def pending_text(self) -> str:
        if self.pending_version_no is None or self.pending_status is None:
            return ""
        return f"Version {self.pending_version_no}: {self.pending_status.label}"


def _in_force(versions: Sequence[AgreementVersion]) -> AgreementVersion:
    """The version whose terms apply: the active one; else the last ended; else the first
    still being agreed (an agreement never signed has only that)."""
    for wanted in (S.ACTIVE, S.ENDED):
        found = [v for v in versions if v.status == wanted]
        if found:
            return found[-1]
    live = [v for v in versions if v.status != S.SUPERSEDED]
    return live[0] if live else versions[-1]


def _list_agreements(session: Session) -> list[AgreementRow]:
    """Every agreement with the version in force and any pending variation, newest
    reference first."""
    query = (select(Agreement, Child.case_ref, Setting.name, Setting.urn)
             .join(Child, Child.id == Agreement.child_id)
             .outerjoin(Setting, Setting.id == Agreement.setting_id)
             .where(Agreement.deleted_at.is_(None))
             .options(selectinload(Agreement.versions))
             .order_by(Agreement.reference.desc()))
    rows: list[AgreementRow] = []
    for agreement, child, name, urn in session.execute(query).all():
        versions = list(agreement.versions)
        if not versions:
            continue
        current = _in_force(versions)
        last = versions[-1]
        pending = last if last.version_no > current.version_no and last.status not in (
            S.SUPERSEDED, S.ENDED) else None
        rows.append(AgreementRow(
            agreement.id, agreement.reference, child, name, urn, current.version_no,
            current.status, current.start_date, current.end_date, current.weekly_fee_pence,
            pending.version_no if pending else None, pending.status if pending else None))
    return rows


def list_agreements(db: Database) -> list[AgreementRow]:
    """Every agreement with the version in force and any pending variation, newest
    reference first."""
    with db.read() as session:
        return _list_agreements(session)


@dataclass(frozen=True)
class AgreementFilter:
    """What the list shows; empty values show everything."""

    text: str = ""
    """Words that must all appear in the reference, child reference, setting or URN."""
    status: str = ""
    """An :class:`~placement_desk.models.enums.AgreementStatus` value (latest version's)."""

    def is_clear(self) -> bool:
        return not (self.text.strip() or self.status)


def haystack(row: AgreementRow) -> str:
    """The lower-case text the search looks in."""
    return " ".join(p for p in (row.reference, row.child_ref, row.setting_name, row.urn)
                    if p).casefold()


def filter_agreements(rows: Sequence[AgreementRow], hays: Sequence[str],
                      f: AgreementFilter) -> list[int]:
    """Positions of the rows that pass the filter, in their order."""
    words = f.text.casefold().split()
    return [n for n, row in enumerate(rows)
            if all(w in hays[n] for w in words)
            and (not f.status or row.status.value == f.status)]
