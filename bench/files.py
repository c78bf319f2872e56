"""Large input files for the importers, made up but shaped as published: an Ofsted
provider-level CSV, an SSDA903 return (header and episodes) and an ONS Postcode
Directory CSV. Deterministic for a row count; used by ``bench.generate`` (a million
rows each) and by the kill -9 harness (a few thousand)."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator
from pathlib import Path

OFSTED_HEADINGS = (
    "URN", "Provision type", "Registration status", "Sector", "Places", "Setting name",
    "Setting address town", "Setting postcode", "Local authority", "Region",
    "Organisation which owns the provider", "Latest full inspection date",
    "Overall experiences and progress of children and young people",
    "How well children and young people are helped and protected",
    "The effectiveness of leaders and managers")
PROVISION = ("Children's home", "Independent fostering agency", "Residential family centre",
             "Secure children's home", "Residential special school")
JUDGEMENTS = ("Outstanding", "Good", "Requires improvement to be good", "Inadequate")
SECTORS = ("Private", "Local Authority", "Voluntary")
REGIONS = ("London", "South East", "North West", "West Midlands", "Yorkshire and The Humber")
PLACES = ("U1", "U3", "U4", "U6", "K2", "R1", "P1", "H5", "Z1", "T0")
PROVIDERS = ("PR0", "PR1", "PR2", "PR4", "PR5")


def _letters(n: int) -> str:
    a, b = divmod(n, 26)
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[a % 26] + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[b]


def postcodes() -> Iterator[str]:
    """Distinct postcodes of the usual shape (AA9 9AA), as many as asked for."""
    for area, district, sector, unit in itertools.product(range(676), range(1, 100), range(10),
                                                          range(676)):
        yield f"{_letters(area)}{district} {sector}{_letters(unit)}"


def ofsted_csv(path: Path, rows: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    start = dt.date(2016, 1, 1)
    codes = postcodes()
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("Children's social care data in England: provider level as at 31 March 2025\n\n")
        fh.write(",".join(OFSTED_HEADINGS) + "\n")
        for i in range(rows):
            urn = f"SC{i + 1:06d}" if i < 999_998 else f"{1_000_000 + i}"
            day = start + dt.timedelta(days=rng.randrange(3300))
            fh.write(",".join((
                urn, rng.choice(PROVISION), "Active", rng.choice(SECTORS),
                str(rng.randint(1, 12)), "REDACTED", "REDACTED", next(codes),
                f"Council {i % 150}", rng.choice(REGIONS), f"Care Company {i % 2000} Ltd",
                day.strftime("%d/%m/%Y"), rng.choice(JUDGEMENTS), rng.choice(JUDGEMENTS),
                rng.choice(JUDGEMENTS))) + "\n")
    return path


def ssda903_files(folder: Path, episodes: int, seed: int = 1) -> tuple[Path, Path]:
    """A header file and an episodes file with about four episodes a child."""
    rng = random.Random(seed)
    header, spells = folder / "header.csv", folder / "episodes.csv"
    children = max(1, episodes // 4)
    codes = postcodes()
    homes = [next(codes) for _ in range(5000)]
    with header.open("w", encoding="utf-8", newline="") as fh:
        fh.write("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n")
        for c in range(children):
            born = dt.date(2006, 1, 1) + dt.timedelta(days=rng.randrange(6000))
            fh.write(f"{c + 100000},{rng.choice('12')},{born:%d/%m/%Y},WBRI,,,\n")
    written = 0
    with spells.open("w", encoding="utf-8", newline="") as fh:
        fh.write("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
                 "HOME_POST,PL_POST,URN\n")
        for c in range(children):
            n = 4 if c < children - 1 else max(1, episodes - written)
            day = dt.date(2020, 4, 1) + dt.timedelta(days=rng.randrange(900))
            home = rng.choice(homes)
            for e in range(n):
                end = day + dt.timedelta(days=rng.randint(20, 200))
                last = e == n - 1
                fh.write(",".join((
                    str(c + 100000), f"{day:%d/%m/%Y}", "S" if e == 0 else "P", "C2", "N1",
                    rng.choice(PLACES), rng.choice(PROVIDERS),
                    "" if last else f"{end:%d/%m/%Y}", "" if last else "X1",
                    "" if last or e == 0 else "CARPL", home, rng.choice(homes),
                    f"SC{rng.randrange(999_999):06d}")) + "\n")
                day = end
            written += n
    return header, spells


def postcode_csv(path: Path, rows: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("pcds,oseast1m,osnrth1m,lat,long,oslaua\n")
        for code in itertools.islice(postcodes(), rows):
            fh.write(f"{code},{rng.randint(100_000, 650_000)},{rng.randint(10_000, 1_200_000)},"
                     f"{rng.uniform(50, 58):.6f},{rng.uniform(-5, 1.5):.6f},"
                     f"E0{rng.randint(6000001, 9000033)}\n")
    return path
