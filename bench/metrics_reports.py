"""Reports: one provider review pack and a batch of fifty on the council demo, and the
sufficiency appendix on the large demo, each written whole (data read, PDF drawn and saved).
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from .harness import DATA, metric
from .metrics_placements import AS_OF


def _copy(tmp: str, size: str) -> Path:
    """Work on a copy: opening takes the lock and may write the settings table."""
    target = Path(tmp) / f"{size}.db"
    shutil.copyfile(DATA / f"{size}.db", target)
    return target


@metric("review_pack_council_s", "s", target=1.0,
        note="One provider review pack on the council demo: the provider with the most "
             "children placed among those with a review due, read, drawn and saved as a PDF; "
             "median of 5 (the first, which loads the fonts, not counted)")
def review_pack() -> float:
    from placement_desk.lifecycle import open_database
    from placement_desk.reports.provider_pack import write_provider_pack
    from placement_desk.services.contracts.review_due import reviews_due

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(_copy(tmp, "council"), backup=False)
        try:
            busiest = max(reviews_due(db, AS_OF), key=lambda r: r.children)
            write_provider_pack(db, busiest.provider_id, Path(tmp) / "warm.pdf", today=AS_OF)
            times = []
            for n in range(5):
                start = time.perf_counter()
                write_provider_pack(db, busiest.provider_id, Path(tmp) / f"pack{n}.pdf",
                                    today=AS_OF)
                times.append(time.perf_counter() - start)
            return statistics.median(times)
        finally:
            db.close()


@metric("review_packs_batch_50_s", "s", target=30.0,
        note="Review packs for the 50 providers whose contract reviews fall due first on the "
             "council demo, and their index, written into a folder (report packs)")
def review_packs_batch() -> float:
    from placement_desk.lifecycle import open_database
    from placement_desk.reports.batch import write_packs
    from placement_desk.services.contracts.review_due import reviews_due

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(_copy(tmp, "council"), backup=False)
        try:
            due = sorted(r.due for r in reviews_due(db, AS_OF))
            if len(due) <= 50 or due[49] == due[50]:
                raise RuntimeError("The council demo does not give exactly 50 reviews due "
                                   "before one date.")
            folder = Path(tmp) / "packs"
            folder.mkdir()
            start = time.perf_counter()
            result = write_packs(db, folder, due[50], AS_OF)
            seconds = time.perf_counter() - start
            if len(result.written) != 50:
                raise RuntimeError(f"{len(result.written)} packs written, not 50")
            return seconds
        finally:
            db.close()


@metric("sufficiency_appendix_large_s", "s", target=10.0,
        note="The sufficiency appendix as a PDF on the large demo (15,000 children, 60,000 "
             "episodes): every table worked out, drawn and saved (report sufficiency)")
def sufficiency_appendix() -> float:
    from placement_desk.lifecycle import open_database
    from placement_desk.reports.sufficiency import write_appendix

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(_copy(tmp, "large"), backup=False)
        try:
            start = time.perf_counter()
            write_appendix(db, AS_OF, Path(tmp) / "appendix.pdf", today=AS_OF)
            return time.perf_counter() - start
        finally:
            db.close()


@metric("sufficiency_workbook_large_s", "s", target=10.0,
        note="The same appendix as an .xlsx workbook, one sheet per table")
def sufficiency_workbook() -> float:
    from placement_desk.lifecycle import open_database
    from placement_desk.reports.sufficiency import write_appendix

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(_copy(tmp, "large"), backup=False)
        try:
            start = time.perf_counter()
            write_appendix(db, AS_OF, Path(tmp) / "appendix.xlsx", today=AS_OF)
            return time.perf_counter() - start
        finally:
            db.close()
