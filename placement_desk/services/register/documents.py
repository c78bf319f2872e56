"""Provider documents that expire: what is expired, expiring within 30 days, or missing."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum

from ...models import ProviderDocument
from ...models.enums import DocumentKind

EXPIRING_DAYS = 30
CHECKLIST: tuple[DocumentKind, ...] = (
    DocumentKind.REGISTRATION_CERTIFICATE, DocumentKind.INSURANCE,
    DocumentKind.STATEMENT_OF_PURPOSE, DocumentKind.ACCOUNTS,
)


class Expiry(StrEnum):
    EXPIRED = "Expired"
    EXPIRING = "Expiring soon"
    CURRENT = "Current"
    NO_EXPIRY = "No expiry date"
    MISSING = "Missing"


@dataclass(frozen=True)
class DocumentStatus:
    kind: DocumentKind
    document_id: uuid.UUID | None
    title: str
    expiry_date: dt.date | None
    status: Expiry

    @property
    def flagged(self) -> bool:
        return self.status in (Expiry.EXPIRED, Expiry.EXPIRING, Expiry.MISSING)


def expiry_status(expiry: dt.date | None, today: dt.date) -> Expiry:
    if expiry is None:
        return Expiry.NO_EXPIRY
    if expiry < today:
        return Expiry.EXPIRED
    if (expiry - today).days <= EXPIRING_DAYS:
        return Expiry.EXPIRING
    return Expiry.CURRENT


def document_statuses(documents: list[ProviderDocument], today: dt.date,
                      checklist: tuple[DocumentKind, ...] = CHECKLIST) -> list[DocumentStatus]:
    """The checklist with the latest document of each kind, then any other documents."""
    latest: dict[DocumentKind, ProviderDocument] = {}
    others: list[ProviderDocument] = []
    for doc in documents:
        if doc.kind in checklist:
            held = latest.get(doc.kind)
            if held is None or (doc.expiry_date or dt.date.max) > (held.expiry_date or
                                                                   dt.date.max):
                latest[doc.kind] = doc
        else:
            others.append(doc)
    result = []
    for kind in checklist:
        held_doc = latest.get(kind)
        if held_doc is None:
            result.append(DocumentStatus(kind, None, kind.label, None, Expiry.MISSING))
        else:
            result.append(DocumentStatus(kind, held_doc.id, held_doc.title or kind.label,
                                         held_doc.expiry_date,
                                         expiry_status(held_doc.expiry_date, today)))
    for doc in others:
        result.append(DocumentStatus(doc.kind, doc.id, doc.title or doc.kind.label,
                                     doc.expiry_date, expiry_status(doc.expiry_date, today)))
    return result
