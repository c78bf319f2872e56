"""Contracts: the register with spend to date, and the reviews due, on the large demo."""

from __future__ import annotations

import statistics
import tempfile
import time

from .harness import metric
from .metrics_placements import AS_OF, _copy_of_large


def _median_ms(call: object, runs: int = 3) -> float:
    times = []
    for _run in range(runs):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


@metric("contracts_list_large_ms", "ms", target=1500.0,
        note="The contracts register on the large demo (150 contracts, 60,000 episodes): every "
             "contract's status, spend to date from the fee ledger and next review, median of 3")
def contracts_list() -> float:
    from placement_desk.lifecycle import open_database
    from placement_desk.services.contracts.contract_views import list_contracts

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(_copy_of_large(tmp), backup=False)
        try:
            return _median_ms(lambda: list_contracts(db, AS_OF))
        finally:
            db.close()


@metric("contract_reviews_due_large_ms", "ms", target=500.0,
        note="Providers due a contract review on the large demo, median of 3")
def reviews_due_large() -> float:
    from placement_desk.lifecycle import open_database
    from placement_desk.services.contracts.review_due import reviews_due

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(_copy_of_large(tmp), backup=False)
        try:
            return _median_ms(lambda: reviews_due(db, AS_OF))
        finally:
            db.close()
