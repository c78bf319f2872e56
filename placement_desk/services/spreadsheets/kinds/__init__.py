"""Every kind of record a spreadsheet can bring in or take out, declared once: its fields
(as columns), its natural key, how a row is saved through the services' own rules, and
how its records are read for an export.

A row is saved by the same session-level checks the forms use (``_validate_setting``,
``clean_child_form``, ``clean_episode_form``, ``validate_terms``, ``check_rate``,
``check_complete``, ``new_action``, ``apply_contract``...): an import never has a copy of
the rules. Placements, the kind imported by the hundred thousand, are checked row by row
by those same functions with their records looked up in memory, and written in bulk with
their audit trail; the others go through the ORM, whose hook writes the audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ....errors import ValidationError
from .agreements import (
    AGREEMENT_FIELDS,
    FEE_FIELDS,
    AgreementWriter,
    FeeWriter,
    _read_agreements,
    _read_fees,
)
from .audit import AUDIT_FIELDS, _read_audit
from .base import (
    SETTING_NAME,
    SETTING_POSTCODE,
    Kind,
    Outcome,
    RowError,
    Writer,
    child_with_ref,
    provider_named,
    setting_ref,
    setting_with_urn,
)
from .contracts import (
    CONTRACT_FIELDS,
    DOCUMENT_FIELDS,
    REVIEW_FIELDS,
    ContractWriter,
    DocumentWriter,
    ReviewWriter,
    _read_contracts,
    _read_documents,
    _read_reviews,
)
from .placements import (
    CHILD_FIELDS,
    EPISODE_COLUMNS,
    PLACEMENT_FIELDS,
    ChildWriter,
    PlacementWriter,
    _read_children,
    _read_placements,
)
from .qa import (
    ACTION_FIELDS,
    IMPORTED_AREA,
    VISIT_FIELDS,
    ActionWriter,
    VisitWriter,
    _read_actions,
    _read_visits,
)
from .register import (
    INSPECTION_FIELDS,
    PROVIDER_FIELDS,
    SETTING_FIELDS,
    ProviderWriter,
    SettingWriter,
    _read_inspections,
    _read_providers,
    _read_settings,
)

__all__ = [
    "ACTION_FIELDS", "AGREEMENT_FIELDS", "AUDIT_FIELDS", "CHILD_FIELDS", "CONTRACT_FIELDS",
    "DOCUMENT_FIELDS", "EPISODE_COLUMNS", "EXPORTABLE", "FEE_FIELDS", "IMPORTABLE",
    "IMPORTED_AREA", "INSPECTION_FIELDS", "KINDS", "PLACEMENT_FIELDS", "PROVIDER_FIELDS",
    "REVIEW_FIELDS", "SETTING_FIELDS", "SETTING_NAME", "SETTING_POSTCODE", "VISIT_FIELDS",
    "ActionWriter", "AgreementWriter", "ChildWriter", "ContractWriter", "DocumentWriter",
    "FeeWriter", "Kind", "Outcome", "PlacementWriter", "ProviderWriter", "ReviewWriter",
    "RowError", "SettingWriter", "VisitWriter", "Writer", "child_with_ref", "field_for",
    "heading_keys", "headings", "key_text", "kind_named", "provider_named", "setting_ref",
    "setting_with_urn",
]


# -- the list ----------------------------------------------------------------------------------

KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("providers", "Providers", "Providers", PROVIDER_FIELDS, ("name",), "provider",
         ProviderWriter, _read_providers,
         description="Organisations: name, legal name, Companies House number, contact"),
    Kind("settings", "Settings", "Settings", SETTING_FIELDS, ("urn",), "setting",
         SettingWriter, _read_settings, {"provider_id": "provider"},
         description="Registered services and homes by URN, with type, provider and address"),
    Kind("inspections", "Ofsted inspections", "Inspections", INSPECTION_FIELDS,
         read=_read_inspections, description="Every inspection held, by URN (export only)",
         noun="Ofsted inspections"),
    Kind("children", "Children", "Children", CHILD_FIELDS, ("case_ref",), "child",
         ChildWriter, _read_children,
         description="Children by case reference: date of birth, sex, legal status"),
    Kind("placements", "Children and placements", "Placements", PLACEMENT_FIELDS,
         ("case_ref", "start_date"), "placement_episode", PlacementWriter, _read_placements,
         {"child_id": "case_ref", "setting_id": "urn"},
         description="A placements tracker: child, start and end, type, URN, route",
         noun="placements"),
    Kind("agreements", "IPAs", "Agreements", AGREEMENT_FIELDS, ("reference",), "agreement",
         AgreementWriter, _read_agreements,
         {"child_id": "case_ref", "setting_id": "urn", "funding": "weekly_fee_pence"},
         description="Individual placement agreements with their weekly fee", noun="IPAs"),
    Kind("fees", "Fees (contract rates)", "Fees", FEE_FIELDS,
         ("contract_reference", "description", "placement_type", "effective_from"),
         "contract_rate", FeeWriter, _read_fees,
         {"provider_id": "provider", "lot_id": "description"},
         description="Fee schedules: weekly rates under each contract",
         noun="contract rates"),
    Kind("qa-visits", "QA visits", "QA visits", VISIT_FIELDS, ("urn", "setting", "visit_date"),
         "qa_visit", VisitWriter, _read_visits, {"areas": "overall_judgement"},
         description="A QA visit log: URN, date, type, officers, judgement",
         noun="QA visits"),
    Kind("actions", "Actions", "Actions", ACTION_FIELDS,
         ("urn", "setting", "provider", "description", "due_date"),
         "action", ActionWriter, _read_actions,
         description="Actions with owners and due dates"),
    Kind("contracts", "Contracts", "Contracts", CONTRACT_FIELDS, ("reference",), "contract",
         ContractWriter, _read_contracts, {"provider_ids": "providers"},
         description="A contract register: reference, type, providers, dates, value"),
    Kind("reviews", "Contract reviews", "Reviews", REVIEW_FIELDS, ("provider", "review_date"),
         "contract_review", ReviewWriter, _read_reviews, {"contract_id": "contract_reference"},
         description="Contract review meetings with providers"),
    Kind("documents", "Provider documents", "Documents", DOCUMENT_FIELDS,
         ("urn", "setting", "provider", "kind", "title", "expiry_date"), "provider_document",
         DocumentWriter,
         _read_documents, {"provider_id": "provider", "setting_id": "urn"},
         description="Insurance, registration and other documents with expiry dates"),
    Kind("audit", "Audit trail", "Audit", AUDIT_FIELDS, read=_read_audit,
         description="Every change: who, when, what (export only)", noun="audit events"),
)}

IMPORTABLE = tuple(k for k in KINDS.values() if k.importable)
EXPORTABLE = tuple(KINDS.values())


def kind_named(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(KINDS)
        raise ValidationError("kind", f"There is no kind of record called {name!r}: choose "
                                      f"one of {known}.") from None


def field_for(kind: Kind, service_field: str) -> str | None:
    """The kind's field a service's ValidationError names (None: the row as a whole)."""
    name = service_field.split("[", 1)[0].split(".", 1)[0]
    name = kind.form_fields.get(name, name)
    return name if any(f.name == name for f in kind.fields) else None


def key_text(kind: Kind, values: Mapping[str, Any]) -> str:
    """Which columns make up the natural key (for messages; never the values)."""
    return ", ".join(kind.field(k).label for k in kind.key)


def headings(kind: Kind) -> list[str]:
    return [f.label for f in kind.fields]


def heading_keys(kind: Kind) -> dict[str, str]:
    """Every heading key that names one of the kind's importable fields → the field."""
    out: dict[str, str] = {}
    for spec in kind.import_fields:
        for key in spec.keys:
            out.setdefault(key, spec.name)
    return out
