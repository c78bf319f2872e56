"""The list of contract reviews recorded, each with its ratings in brief, and its
spreadsheet export."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...db import Database
from ...models import Contract, ContractReview, ContractReviewAddendum, Provider
from ...models.enums import Rag, ReviewStatus


@dataclass(frozen=True, slots=True)
class ReviewRow:
    id: uuid.UUID
    provider_id: uuid.UUID
    provider_name: str
    contract_id: uuid.UUID | None
    contract_reference: str | None
    review_date: dt.date
    status: ReviewStatus
    next_due: dt.date | None
    signed_off_by: str | None
    signed_off_at: dt.datetime | None
    rag: str
    """"1 Red, 2 Amber, 4 Green"; blank with no ratings."""
    addenda: int


def rag_summary(agenda: list[Any]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for item in agenda or []:
        if item.get("rag"):
            counts[item["rag"]] += 1
    return ", ".join(f"{counts[r.value]} {r.label}" for r in Rag if counts[r.value])


def _list_reviews(session: Session, provider_ids: Iterable[uuid.UUID] | None = None,
                  contract_id: uuid.UUID | None = None,
                  statuses: Iterable[ReviewStatus] | None = None) -> list[ReviewRow]:
    addenda = (select(func.count(ContractReviewAddendum.id))
               .where(ContractReviewAddendum.review_id == ContractReview.id)
               .correlate(ContractReview).scalar_subquery())
    query = (select(ContractReview, Provider.name, Contract.reference, addenda)
             .join(Provider, Provider.id == ContractReview.provider_id)
             .outerjoin(Contract, Contract.id == ContractReview.contract_id)
             .where(ContractReview.deleted_at.is_(None))
             .order_by(ContractReview.review_date.desc(), Provider.name))
    if provider_ids is not None:
        query = query.where(ContractReview.provider_id.in_(list(provider_ids)))
    if contract_id is not None:
        query = query.where(ContractReview.contract_id == contract_id)
    if statuses is not None:
        query = query.where(ContractReview.status.in_(list(statuses)))
    return [ReviewRow(r.id, r.provider_id, name, r.contract_id, ref, r.review_date, r.status,
                      r.next_due, r.signed_off_by, r.signed_off_at, rag_summary(r.agenda),
                      int(n or 0))
            for r, name, ref, n in session.execute(query)]


def list_reviews(db: Database, provider_id: uuid.UUID | None = None,
                 contract_id: uuid.UUID | None = None,
                 statuses: Iterable[ReviewStatus] | None = None) -> list[ReviewRow]:
    """Reviews not deleted, newest first, optionally of one provider or contract."""
    with db.read() as session:
        return _list_reviews(session, [provider_id] if provider_id else None, contract_id,
                             statuses)


REVIEW_EXPORT = ("Provider", "Contract", "Review date", "Status", "Ratings", "Next review",
                 "Signed off by", "Signed off on", "Addenda")


def review_export_table(rows: list[ReviewRow]) -> tuple[list[str], list[list[object]]]:
    """Headings and cells for a spreadsheet of reviews."""
    return list(REVIEW_EXPORT), [
        [r.provider_name, r.contract_reference or "", r.review_date, r.status.label, r.rag,
         r.next_due, r.signed_off_by or "", r.signed_off_at.date() if r.signed_off_at else None,
         r.addenda] for r in rows]
