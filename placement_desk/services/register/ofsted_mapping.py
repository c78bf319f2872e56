"""Turning the words of Ofsted's files into the app's enumerations.

Ofsted's spelling drifts between years ("Children's Home", "Independent Fostering
agency", "Local authority"); these functions match case- and space-insensitively
and keep the published wording elsewhere (``Setting.ofsted_provision_type``).
"""

from __future__ import annotations

from ...models.enums import InspectionEventType, Judgement, RegistrationStatus, Sector, SettingType


def _key(text: str | None) -> str:
    return " ".join((text or "").replace("\u2019", "'").split()).casefold()


_SETTING_TYPES: dict[str, SettingType] = {
    "children's home": SettingType.CHILDRENS_HOME,
    "residential special school (registered as a children's home)": SettingType.CHILDRENS_HOME,
    "secure children's home": SettingType.SECURE_CHILDRENS_HOME,
    "independent fostering agency": SettingType.IFA,
    "local authority fostering agency": SettingType.LA_FOSTERING,
    "supported accommodation": SettingType.SUPPORTED_ACCOMMODATION,
    "residential family centre": SettingType.RESIDENTIAL_FAMILY_CENTRE,
    "residential special school": SettingType.RESIDENTIAL_SPECIAL_SCHOOL,
    "residential special school (>295 days/year)": SettingType.RESIDENTIAL_SPECIAL_SCHOOL,
    "voluntary adoption agency": SettingType.ADOPTION_AGENCY,
    "residential holiday scheme for disabled children": SettingType.HOLIDAY_SCHEME,
}


def setting_type(provision_type: str | None) -> SettingType:
    """The setting type for Ofsted's provision type; other registered kinds are 'other'."""
    return _SETTING_TYPES.get(_key(provision_type), SettingType.OTHER_REGULATED)


_STATUSES = {m.label.casefold(): m for m in RegistrationStatus}


def registration_status(text: str | None) -> RegistrationStatus | None:
    return _STATUSES.get(_key(text))


_SECTORS = {
    "private": Sector.PRIVATE, "local authority": Sector.LOCAL_AUTHORITY,
    "voluntary": Sector.VOLUNTARY, "health authority": Sector.HEALTH_AUTHORITY,
    "academy": Sector.ACADEMY,
}


def sector(text: str | None) -> Sector | None:
    key = _key(text)
    if not key:
        return None
    return _SECTORS.get(key, Sector.OTHER)


_JUDGEMENTS = {m.label.casefold(): m for m in Judgement}
_JUDGEMENTS["requires improvement"] = Judgement.REQUIRES_IMPROVEMENT_OLD


def judgement(text: str | None) -> Judgement | None:
    """A judgement from its published words; None for blank or unknown words."""
    return _JUDGEMENTS.get(_key(text))


def event_type(text: str | None) -> InspectionEventType:
    key = _key(text)
    if "interim" in key:
        return InspectionEventType.INTERIM
    if "monitoring" in key:
        return InspectionEventType.MONITORING
    if "assurance" in key:
        return InspectionEventType.ASSURANCE
    if "focused" in key:
        return InspectionEventType.FOCUSED
    if "full" in key or not key:
        return InspectionEventType.FULL
    return InspectionEventType.OTHER
