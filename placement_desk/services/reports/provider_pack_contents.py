"""What a provider review pack holds: the plain data its PDF draws, section by section.

The provider's settings, Ofsted history, QA visits and actions, placements, fees
against the council's, contracts, last contract review and documents, each as a
frozen record of words, dates and figures (:class:`ProviderPack` holds them all).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from ...models.enums import RiskLevel
from .definitions import Period

__all__ = ["ActionLine", "ContractLine", "DocumentLine", "FeeComparison", "InspectionLine",
           "PackSetting", "PlacementLine", "ProviderPack", "ReviewSummary", "SettingOfsted",
           "VisitLine"]


@dataclass(frozen=True, slots=True)
class PackSetting:
    id: uuid.UUID
    name: str
    urn: str | None
    setting_type: str
    registration: str
    places: int | None
    judgement: str
    """The latest full inspection's judgement in words, or "Not yet judged"."""
    judged_on: dt.date | None
    risk: RiskLevel | None
    risk_score: int
    risk_factors: tuple[tuple[str, int], ...]
    """(why, points) for each factor that raised the score."""
    children_now: int
    enhanced_monitoring: bool


@dataclass(frozen=True, slots=True)
class InspectionLine:
    date: dt.date
    kind: str
    judgement: str
    """In words; blank when the event gave none."""
    rank: int
    """4 Outstanding … 1 Inadequate; 0 when not an overall judgement (for the chart)."""
    full: bool
    published: dt.date | None


@dataclass(frozen=True, slots=True)
class SettingOfsted:
    name: str
    urn: str | None
    inspections: tuple[InspectionLine, ...]
    """Oldest first."""
    alerts: tuple[str, ...]
    """Rating alerts not yet acknowledged, in words."""
    enhanced_monitoring: bool
    monitoring_since: dt.date | None
    regulated: bool = True


@dataclass(frozen=True, slots=True)
class VisitLine:
    setting: str
    date: dt.date | None
    visit_type: str
    status: str
    overall: str
    areas: tuple[tuple[str, str], ...]
    """(area, judgement in words)."""


@dataclass(frozen=True, slots=True)
class ActionLine:
    description: str
    source: str
    setting: str
    owner: str
    due: dt.date | None
    priority: str
    status: str
    """"Overdue" for an overdue action, else its status."""
    overdue: bool


@dataclass(frozen=True, slots=True)
class PlacementLine:
    child_ref: str
    setting: str
    placement_type: str
    """The code, e.g. "K2"."""
    type_label: str
    start: dt.date
    end: dt.date | None
    weekly_pence: int | None
    """The agreement's weekly cost today (for an ended placement, on its last day);
    None with no agreement in force then."""
    variations: int
    """Variations of the agreement in force (versions after the first)."""
    last_variation: str
    """"01/04/2026: annual uplift" for the latest variation; blank with none."""
    distance_miles: float | None
    local: bool | None
    route: str


@dataclass(frozen=True, slots=True)
class FeeComparison:
    placement_type: str
    label: str
    weeks: float
    """Weeks paid for at this provider in the period."""
    average_pence: int
    council_average_pence: int | None
    """Over every provider, for the same type and period; None when nothing was paid."""


@dataclass(frozen=True, slots=True)
class DocumentLine:
    owner: str
    """The setting's name, or the provider's for its own documents."""
    title: str
    expiry: dt.date | None
    status: str
    flagged: bool


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    review_date: dt.date
    contract: str
    attendees: str
    provider_attendees: str
    agenda: tuple[tuple[str, str, str], ...]
    """(area, Red/Amber/Green or blank, notes)."""
    outcome: str
    next_due: dt.date | None
    signed_off_by: str
    signed_off_on: dt.date | None
    actions: tuple[ActionLine, ...]
    addenda: tuple[tuple[dt.date, str, str], ...]
    """(date, author, text)."""


@dataclass(frozen=True, slots=True)
class ContractLine:
    reference: str
    title: str
    contract_type: str
    start: dt.date
    end: dt.date | None
    value_pence: int | None
    status: str


@dataclass(frozen=True, slots=True)
class ProviderPack:
    provider_id: uuid.UUID
    name: str
    legal_name: str
    address: str
    council: str
    period: Period
    printed_on: dt.date
    prepared_for: str
    prepared_by: str
    settings: tuple[PackSetting, ...]
    risk: RiskLevel | None
    """The highest level of its settings."""
    tier: str
    tier_reason: str
    tier_chosen: str
    """"Chosen by sam.jones on 01/03/2026: …" when a manager chose the tier; else blank."""
    children_now: int
    children_in_period: int
    weeks: float
    paid_weeks: float
    spend_pence: int
    fees: tuple[FeeComparison, ...]
    ofsted: tuple[SettingOfsted, ...]
    visits: tuple[VisitLine, ...]
    open_actions: tuple[ActionLine, ...]
    current_placements: tuple[PlacementLine, ...]
    ended_placements: tuple[PlacementLine, ...]
    contracts: tuple[ContractLine, ...]
    next_review_due: dt.date | None
    last_review: ReviewSummary | None
    documents: tuple[DocumentLine, ...]

    @property
    def overdue_actions(self) -> int:
        return sum(1 for a in self.open_actions if a.overdue)
