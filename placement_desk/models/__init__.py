"""SQLAlchemy entities, one module per aggregate; importing this registers them all."""

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
from .qa import Action, ActionUpdate, Concern, QaTemplate, QaTemplateVersion, QaVisit, QaVisitArea

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
