"""The register's kinds: providers, settings, and Ofsted inspections (export only)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ....identifiers import is_postcode, normalise_postcode, normalise_urn
from ....models import OfstedInspection, Provider, Setting
from ....models.enums import InspectionEventType, Judgement, RegistrationStatus, Sector, SettingType
from ..values import Field
from .base import Outcome, RowError, Writer, _ci, _urn_like, provider_named

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
        from ...register.providers import ProviderForm, apply_provider, provider_with_name

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
        from ...register.settings import SettingForm, _validate_setting

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


# -- exports only: inspections --------------------------------------------------------------

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
