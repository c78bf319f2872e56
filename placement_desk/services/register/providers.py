"""Providers (organisations) and their documents: the rules for adding and changing them.

The same rules serve a form and an import of a team's provider list: validation raises
:class:`~placement_desk.errors.ValidationError` naming the field. A provider is known by
its name (any case); a document by its owner, kind and title.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...db import Database
from ...errors import ValidationError
from ...identifiers import is_postcode, normalise_postcode
from ...models import Provider, ProviderDocument
from ...models.enums import DocumentKind
from ..common.limits import check_lengths

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COMPANY = re.compile(r"^[A-Z0-9]{8}$")


@dataclass
class ProviderForm:
    name: str = ""
    legal_name: str | None = None
    companies_house_number: str | None = None
    address: str | None = None
    postcode: str | None = None
    email: str | None = None
    phone: str | None = None
    is_council: bool = False
    notes: str | None = None


PROVIDER_TEXT = {
    "name": ("The name", Provider.name), "legal_name": ("The legal name", Provider.legal_name),
    "companies_house_number": ("The Companies House number",
                               Provider.companies_house_number),
    "postcode": ("The postcode", Provider.postcode), "email": ("The email address",
                                                              Provider.email),
    "phone": ("The phone number", Provider.phone),
}


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def provider_with_name(session: Session, name: str) -> uuid.UUID | None:
    """The provider (not deleted) with this name, in any case and spacing."""
    key = " ".join(name.split()).lower()
    return session.scalar(select(Provider.id).where(func.lower(Provider.name) == key,
                                                    Provider.deleted_at.is_(None)))


def check_provider(session: Session, form: ProviderForm,
                   provider_id: uuid.UUID | None) -> ProviderForm:
    """The form tidied, or a ValidationError naming the field."""
    name = " ".join(form.name.split())
    if not name:
        raise ValidationError("name", "Enter the provider's name.")
    clean = ProviderForm(name, _text(form.legal_name),
                         "".join((form.companies_house_number or "").upper().split()) or None,
                         _text(form.address), normalise_postcode(form.postcode),
                         _text(form.email), _text(form.phone), bool(form.is_council),
                         _text(form.notes))
    check_lengths(vars(clean), PROVIDER_TEXT)
    clash = provider_with_name(session, name)
    if clash is not None and clash != provider_id:
        raise ValidationError("name", "Another provider already has this name.")
    if clean.companies_house_number and not _COMPANY.match(clean.companies_house_number):
        raise ValidationError("companies_house_number", "A Companies House number is eight "
                                                        "letters and digits (e.g. 01234567).")
    if clean.postcode and not is_postcode(clean.postcode):
        raise ValidationError("postcode", "This is not a UK postcode (for example SM1 1AA).")
    if clean.email and not _EMAIL.match(clean.email):
        raise ValidationError("email", "This is not an email address.")
    return clean


def apply_provider(session: Session, form: ProviderForm,
                   provider_id: uuid.UUID | None) -> uuid.UUID:
    """Check the form and add or change the provider in ``session``; returns its id."""
    clean = check_provider(session, form, provider_id)
    if provider_id is None:
        provider = Provider(id=uuid.uuid4())
        session.add(provider)
    else:
        found = session.get(Provider, provider_id)
        if found is None or found.deleted_at is not None:
            raise ValidationError("name", "This provider has been deleted.")
        provider = found
    for key, value in vars(clean).items():
        if getattr(provider, key, None) != value:
            setattr(provider, key, value)
    return provider.id


def save_provider(db: Database, form: ProviderForm,
                  provider_id: uuid.UUID | None = None) -> uuid.UUID:
    """Add or change a provider; returns its id."""
    with db.write() as session:
        return apply_provider(session, form, provider_id)


# --- Documents ------------------------------------------------------------------------------

@dataclass
class DocumentForm:
    kind: DocumentKind | None = None
    provider_id: uuid.UUID | None = None
    setting_id: uuid.UUID | None = None
    title: str | None = None
    reference: str | None = None
    received_date: dt.date | None = None
    expiry_date: dt.date | None = None
    notes: str | None = None


DOCUMENT_TEXT = {"title": ("The title", ProviderDocument.title),
                 "reference": ("The reference", ProviderDocument.reference)}


def check_document(form: DocumentForm, today: dt.date) -> DocumentForm:
    """The form tidied, or a ValidationError naming the field."""
    if form.provider_id is None and form.setting_id is None:
        raise ValidationError("provider_id", "Say whose document it is: a provider or a "
                                             "setting.")
    if form.kind is None:
        raise ValidationError("kind", "Choose the kind of document.")
    clean = DocumentForm(form.kind, form.provider_id, form.setting_id, _text(form.title),
                         _text(form.reference), form.received_date, form.expiry_date,
                         _text(form.notes))
    check_lengths(vars(clean), DOCUMENT_TEXT)
    if clean.received_date and clean.received_date > today:
        raise ValidationError("received_date", "The date received is in the future.")
    if clean.received_date and clean.expiry_date and clean.expiry_date < clean.received_date:
        raise ValidationError("expiry_date", "The document expires before it was received.")
    return clean


def apply_document(session: Session, form: DocumentForm, document_id: uuid.UUID | None,
                   today: dt.date) -> uuid.UUID:
    """Check the form and add or change the document in ``session``; returns its id."""
    clean = check_document(form, today)
    if document_id is None:
        document = ProviderDocument(id=uuid.uuid4())
        session.add(document)
    else:
        found = session.get(ProviderDocument, document_id)
        if found is None or found.deleted_at is not None:
            raise ValidationError("title", "This document has been deleted.")
        document = found
    for key, value in vars(clean).items():
        if getattr(document, key, None) != value:
            setattr(document, key, value)
    return document.id
