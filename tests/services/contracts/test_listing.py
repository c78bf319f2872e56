"""What the Contracts page's filters mean: the register by words, type, status and provider;
the providers due a review by how soon; the reviews recorded by status and words."""

from __future__ import annotations

import datetime as dt
import uuid

from placement_desk.db import Database
from placement_desk.models.enums import ContractType, ReviewStatus
from placement_desk.services.contracts.contract_views import list_contracts
from placement_desk.services.contracts.listing import (
    DUE_SOON,
    IN_FORCE,
    OVERDUE,
    ContractFilter,
    DueFilter,
    ReviewFilter,
    contract_providers,
    filter_contracts,
    filter_due,
    filter_reviews,
)
from placement_desk.services.contracts.review_due import DueRow, DueStatus
from placement_desk.services.contracts.review_list import ReviewRow

from .builders import contract, provider

TODAY = dt.date(2026, 3, 31)
D = dt.date


def _register(db: Database) -> dict[str, uuid.UUID]:
    acorn, _h = provider(db, "Acorn Care")
    beacon, _h = provider(db, "Beacon Homes")
    council, _h = provider(db, "Northshire Council", council=True)
    # With the ending-soon window of 6 months from 31/03/2026 (to 30/09/2026):
    # BLK-1 ends 30/06/2026, ending soon; FW-1 ends 2029, live; SPOT-1 ended 31/12/2025;
    # SLA-1 starts 01/04/2026, not started.
    contract(db, reference="BLK-1", title="Two beds at Acorn House",
             contract_type=ContractType.BLOCK, provider_ids=[acorn],
             start_date=D(2024, 4, 1), end_date=D(2026, 6, 30), block_beds=2)
    contract(db, reference="FW-1", title="Residential framework",
             contract_type=ContractType.FRAMEWORK, provider_ids=[acorn, beacon],
             start_date=D(2024, 4, 1), end_date=D(2029, 3, 31))
    contract(db, reference="SPOT-1", title="Emergency bed",
             contract_type=ContractType.SPOT, provider_ids=[beacon],
             start_date=D(2025, 1, 1), end_date=D(2025, 12, 31))
    contract(db, reference="SLA-1", title="In-house fostering",
             contract_type=ContractType.IN_HOUSE_SLA, provider_ids=[council],
             start_date=D(2026, 4, 1))
    return {"acorn": acorn, "beacon": beacon, "council": council}


def _refs(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [r.reference for r in rows]


def test_the_register_filter_narrows_by_words_type_status_and_provider(db: Database) -> None:
    ids = _register(db)
    rows = list_contracts(db, TODAY)
    assert _refs(filter_contracts(rows, ContractFilter())) == ["BLK-1", "FW-1", "SLA-1",
                                                               "SPOT-1"]
    # Words in any order and case, from the reference, title, type or a provider's name.
    assert _refs(filter_contracts(rows, ContractFilter(text="HOUSE acorn"))) == ["BLK-1"]
    assert _refs(filter_contracts(rows, ContractFilter(text="framework"))) == ["FW-1"]
    assert _refs(filter_contracts(rows, ContractFilter(text="beacon"))) == ["FW-1", "SPOT-1"]
    assert _refs(filter_contracts(rows, ContractFilter(text="beacon bed"))) == ["SPOT-1"]
    assert _refs(filter_contracts(rows, ContractFilter(contract_type="block"))) == ["BLK-1"]
    assert _refs(filter_contracts(rows, ContractFilter(status="ending_soon"))) == ["BLK-1"]
    assert _refs(filter_contracts(rows, ContractFilter(status="ended"))) == ["SPOT-1"]
    assert _refs(filter_contracts(rows, ContractFilter(status="not_started"))) == ["SLA-1"]
    assert _refs(filter_contracts(rows, ContractFilter(status=IN_FORCE))) == ["BLK-1", "FW-1"]
    assert _refs(filter_contracts(rows, ContractFilter(provider=str(ids["beacon"])))) == [
        "FW-1", "SPOT-1"]
    assert _refs(filter_contracts(rows, ContractFilter(
        status=IN_FORCE, provider=str(ids["beacon"])))) == ["FW-1"]
    assert filter_contracts(rows, ContractFilter(text="acorn", contract_type="spot")) == []
    assert ContractFilter().is_clear()
    assert not ContractFilter(provider=str(ids["acorn"])).is_clear()
    assert contract_providers(rows) == [(str(ids["acorn"]), "Acorn Care"),
                                        (str(ids["beacon"]), "Beacon Homes"),
                                        (str(ids["council"]), "Northshire Council")]


def _due(name: str, status: DueStatus) -> DueRow:
    return DueRow(uuid.uuid4(), name, 1, None, D(2026, 5, 1), status, None, None)


def test_the_due_list_filter_narrows_by_how_soon_and_the_providers_name() -> None:
    rows = [_due("Acorn Care", DueStatus.OVERDUE), _due("Beacon Homes", DueStatus.DUE_SOON),
            _due("Cedar Lodge Care", DueStatus.NOT_DUE)]
    names = lambda found: [r.provider_name for r in found]  # noqa: E731
    assert names(filter_due(rows, DueFilter())) == ["Acorn Care", "Beacon Homes",
                                                    "Cedar Lodge Care"]
    assert names(filter_due(rows, DueFilter(due=OVERDUE))) == ["Acorn Care"]
    assert names(filter_due(rows, DueFilter(due=DUE_SOON))) == ["Acorn Care", "Beacon Homes"]
    assert names(filter_due(rows, DueFilter(text="care"))) == ["Acorn Care",
                                                               "Cedar Lodge Care"]
    assert names(filter_due(rows, DueFilter(text="care", due=DUE_SOON))) == ["Acorn Care"]
    assert DueFilter().is_clear() and not DueFilter(due=OVERDUE).is_clear()


def _review(name: str, ref: str | None, status: ReviewStatus) -> ReviewRow:
    return ReviewRow(uuid.uuid4(), uuid.uuid4(), name, None, ref, D(2026, 1, 5), status,
                     None, None, None, "", 0)


def test_the_reviews_recorded_filter_narrows_by_status_and_words() -> None:
    rows = [_review("Acorn Care", "BLK-1", ReviewStatus.SIGNED_OFF),
            _review("Acorn Care", None, ReviewStatus.DRAFT),
            _review("Beacon Homes", "FW-1", ReviewStatus.PLANNED)]
    found = lambda f: [(r.provider_name, r.status.value) for r in filter_reviews(rows, f)]  # noqa: E731
    assert len(filter_reviews(rows, ReviewFilter())) == 3
    assert found(ReviewFilter(status="draft")) == [("Acorn Care", "draft")]
    assert found(ReviewFilter(text="blk-1")) == [("Acorn Care", "signed_off")]
    assert found(ReviewFilter(text="fw-1 beacon")) == [("Beacon Homes", "planned")]
    assert found(ReviewFilter(text="acorn", status="signed_off")) == [
        ("Acorn Care", "signed_off")]
    assert found(ReviewFilter(text="acorn", status="planned")) == []
