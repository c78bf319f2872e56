"""SQLAlchemy entities, one module per aggregate; the first use of any of them imports
them all, which registers them together (their relationships name each other).

Importing the package alone, or its ``enums``, loads no entity: start-up reaches its
first window without the data model, whose classes take about a tenth of a second to
declare, and imports it just after.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .admin import AppSetting, AuditEvent, PostcodeLookup, User
    from .agreement import Agreement, AgreementService, AgreementVersion, FeeLedgerEntry
    from .base import NAMING_CONVENTION, Audited, Base, Entity, SoftDelete, utcnow
    from .child import Child, PlacementEpisode
    from .contract import (
        Contract,
        ContractDocument,
        ContractExtension,
        ContractLot,
        ContractProvider,
        ContractRate,
        ContractReview,
        ContractReviewAddendum,
    )
    from .imports import ImportBatch, ImportProfile
    from .ofsted import OfstedInspection, RatingAlert
    from .provider import Provider, ProviderDocument, Setting
    from .qa import (
        Action,
        ActionUpdate,
        Concern,
        QaTemplate,
        QaTemplateVersion,
        QaVisit,
        QaVisitArea,
    )

_MODULES = ("admin", "agreement", "base", "child", "contract", "imports", "ofsted",
            "provider", "qa")

__all__ = [
    "NAMING_CONVENTION",
    "Action",
    "ActionUpdate",
    "Agreement",
    "AgreementService",
    "AgreementVersion",
    "AppSetting",
    "AuditEvent",
    "Audited",
    "Base",
    "Child",
    "Concern",
    "Contract",
    "ContractDocument",
    "ContractExtension",
    "ContractLot",
    "ContractProvider",
    "ContractRate",
    "ContractReview",
    "ContractReviewAddendum",
    "Entity",
    "FeeLedgerEntry",
    "ImportBatch",
    "ImportProfile",
    "OfstedInspection",
    "PlacementEpisode",
    "PostcodeLookup",
    "Provider",
    "ProviderDocument",
    "QaTemplate",
    "QaTemplateVersion",
    "QaVisit",
    "QaVisitArea",
    "RatingAlert",
    "Setting",
    "SoftDelete",
    "User",
    "utcnow",
]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    for module in _MODULES:
        loaded = importlib.import_module(f"{__name__}.{module}")
        for exported in __all__:
            if exported in vars(loaded):
                globals()[exported] = getattr(loaded, exported)
    return globals()[name]
