"""The plain records Ofsted's files are read into: settings, inspection events and
closures, with the kinds of file and the judgement labels a record can carry.

They hold the published values, checked and normalised, and nothing of the register:
:mod:`.ofsted_files` reads them, the Ofsted import maps them into the register.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

FileKind = Literal["provider_level", "in_year", "closed", "council_list"]

JUDGEMENTS = ("Outstanding", "Good", "Requires improvement to be good", "Inadequate",
              "Adequate", "Requires improvement", "Satisfactory", "Sufficient", "Insufficient",
              "Improved effectiveness", "Sustained effectiveness", "Declined in effectiveness",
              "Consistently strong service delivery", "Inconsistent quality of service delivery",
              "Serious or widespread weaknesses")
"""Every overall judgement label a record can carry (the published words, normalised)."""

NOT_JUDGED = "Not judged"


@dataclass(frozen=True, slots=True)
class OfstedInspectionRecord:
    """One inspection event: a setting's latest (or previous) full inspection, or an
    in-year event. Judgements use the labels in :data:`JUDGEMENTS`."""

    urn: str
    event_type: str | None  # 'Full inspection', 'Monitoring inspection', 'Assurance visit'...
    inspection_date: dt.date
    publication_date: dt.date | None
    event_number: str | None
    overall_judgement: str | None
    sub_judgements: dict[str, str]  # e.g. {'help_and_protection': 'Good', 'leadership': ...}
    supported_accommodation_outcome: str | None
    source_row: int
    previous: OfstedInspectionRecord | None = None  # the full inspection before this one


@dataclass(frozen=True, slots=True)
class OfstedSettingRecord:
    """One registered setting. Blank and REDACTED values are None."""

    urn: str
    name: str | None
    provision_type: str | None
    registration_status: str | None
    registration_date: dt.date | None
    sector: str | None
    places: int | None
    address1: str | None
    address2: str | None
    town: str | None
    county: str | None
    postcode: str | None
    local_authority: str | None
    region: str | None  # Government Office Region (2015: "Region")
    owner_name: str | None
    linked_education_urn: str | None
    latest_inspection: OfstedInspectionRecord | None
    source_row: int  # the row number a spreadsheet shows
    allowed_placement_codes: tuple[str, ...] = ()  # council lists: SSDA903 PLACE codes
    provider_code: str | None = None  # council lists: PLACE_PROVIDER code(s), e.g. 'PR4'
    owner_id: str | None = None
    ofsted_region: str | None = None
    supported_accommodation_premises: int | None = None  # 2024 "Premises", 2025 onwards


@dataclass(frozen=True, slots=True)
class ClosedSettingRecord:
    urn: str
    registration_status: str | None
    closed_date: dt.date | None
    source_row: int


@dataclass(frozen=True, slots=True)
class OfstedFile:
    """Everything read from one file."""

    path: Path
    kind: FileKind
    as_at: dt.date | None = None  # the date the file describes, from its title or name
    settings: list[OfstedSettingRecord] = field(default_factory=list)
    inspections: list[OfstedInspectionRecord] = field(default_factory=list)  # in-year events
    closures: list[ClosedSettingRecord] = field(default_factory=list)
    sheets_used: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class OfstedChunk:
    """The records read from a run of rows, in file order."""

    settings: list[OfstedSettingRecord] = field(default_factory=list)
    inspections: list[OfstedInspectionRecord] = field(default_factory=list)
    closures: list[ClosedSettingRecord] = field(default_factory=list)
