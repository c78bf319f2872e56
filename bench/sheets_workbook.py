"""A generated placements tracker of 100,000 rows (40,000 children) as a team keeps one:
a title row, the usual headings, dates as real date cells, codes as the return writes
them. Written by ``bench.generate`` into ``bench/data/placements_100k.xlsx``."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

from .harness import DATA

ROWS = 100_000
CHILDREN = 40_000
PATH = DATA / "placements_100k.xlsx"
HEADINGS = ("Child ID", "DOB", "Sex", "Placement start", "Placement end", "PLACE", "URN",
            "Placement provider", "Route", "Why spot purchase", "Home postcode", "Notes")
TYPES = ("U1", "U3", "U4", "U5", "U6", "K2", "H5", "P1", "R1", "S1")
ROUTES = ("In-house", "Block contract", "Framework or DPS", "Regional arrangement",
          "Spot purchase")


def rows(seed: int = 15) -> Iterator[list[object]]:
    rng = random.Random(seed)
    base = dt.date(2018, 4, 1)
    per_child = ROWS // CHILDREN
    extra = ROWS - per_child * CHILDREN
    for child in range(CHILDREN):
        born = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(0, 4500))
        start = max(base + dt.timedelta(days=rng.randrange(0, 600)), born)
        count = per_child + (1 if child < extra else 0)
        for n in range(count):
            end = start + dt.timedelta(days=rng.randrange(20, 400))
            last = n == count - 1
            route = rng.choice(ROUTES)
            yield [f"LA{child:06d}", born, rng.choice(("Male", "Female")), start,
                   None if last and rng.random() < 0.6 else end, rng.choice(TYPES),
                   f"SC{100000 + rng.randrange(0, 900):06d}", rng.choice(("PR1", "PR4", "PR5")),
                   route, "No framework place free" if route == "Spot purchase" else None,
                   None, "Reviewed at panel" if rng.random() < 0.1 else None]
            start = end + dt.timedelta(days=1)


def write(path: Path = PATH) -> Path:
    from placement_desk.io.spreadsheets.writing import Column, Table, write_table

    path.parent.mkdir(parents=True, exist_ok=True)
    kinds = ("text", "date", "text", "date", "date", "text", "text", "text", "text", "text",
             "text", "text")
    columns = [Column(h, k) for h, k in zip(HEADINGS, kinds, strict=True)]  # type: ignore[arg-type]
    return write_table(path, Table("Tracker", columns, rows(), title="Placements tracker",
                                   marking="", total=ROWS))


def current() -> bool:
    return PATH.exists()
