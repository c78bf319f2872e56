"""Collection years of the SSDA903 return: their dates, and the codes each year accepts.

A collection year ``YYYY_YY`` runs from 1 April to 31 March. Each year's code lists and
rule settings were read from the DfE-approved validator's rule pack for that year (see
``__init__``) and written down here as plain sets.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ....errors import UserError

__all__ = ["YEARS", "AgeFloor", "UnknownYear", "YearConfig", "collection_year_for",
           "parse_year", "year_label"]

_ETHNIC = frozenset(
    {
        "WBRI",
        "WIRI",
        "WOTH",
        "WIRT",
        "WROM",
        "MWBC",
        "MWBA",
        "MWAS",
        "MOTH",
        "AIND",
        "APKN",
        "ABAN",
        "AOTH",
        "BCRB",
        "BAFR",
        "BOTH",
        "CHNE",
        "OOTH",
        "REFU",
        "NOBT",
    }
)
_RNE = frozenset({"S", "P", "L", "T", "U", "B"})
_LS = frozenset({"C1", "C2", "D1", "E1", "V2", "V3", "V4", "J1", "J2", "J3", "L1", "L2", "L3"})
_CIN = frozenset({f"N{i}" for i in range(1, 9)})
_PROVIDER = frozenset({f"PR{i}" for i in range(6)})
_REC = frozenset(
    {
        "E11",
        "E12",
        "E2",
        "E3",
        "E4A",
        "E4B",
        "E13",
        "E41",
        "E45",
        "E46",
        "E47",
        "E48",
        "E5",
        "E6",
        "E7",
        "E8",
        "E9",
        "E14",
        "E15",
        "E16",
        "E17",
        "X1",
    }
)
_REASON_PLACE_CHANGE = frozenset(
    {
        "CARPL",
        "CLOSE",
        "ALLEG",
        "STAND",
        "APPRR",
        "CREQB",
        "CREQO",
        "CHILD",
        "LAREQ",
        "PLACE",
        "CUSTOD",
        "OTHER",
    }
)
_TEMPORARY = frozenset({"T0", "T1", "T2", "T3", "T4"})
_Z1_SPLIT = frozenset({"Z11", "Z12", "Z13", "Z14"})
# Placement types common to every year handled here.
_PLACE_CORE = (
    frozenset(
        {
            "A3",
            "A4",
            "A5",
            "A6",
            "K1",
            "K2",
            "P1",
            "P3",
            "R1",
            "R2",
            "R3",
            "R5",
            "S1",
            "U1",
            "U2",
            "U3",
            "U4",
            "U5",
            "U6",
        }
    )
    | _TEMPORARY
)
# Types that never carry an Ofsted URN (rules 218 and 222), before the year's own additions.
_NO_URN_CORE = frozenset({"P1", "P3", "R1", "R2", "R5"}) | _TEMPORARY


@dataclass(frozen=True)
class AgeFloor:
    """A minimum age at the start of an episode in a placement type (rules 370 to 374)."""

    code: str
    place: str
    years: int
    message: str


def _floor_message(where: str, years: int) -> str:
    return f"A child placed in {where} must be {years} or over on the day the episode starts."


def _floors(semi_independent: AgeFloor, *extra: AgeFloor) -> tuple[AgeFloor, ...]:
    common = (
        AgeFloor("372", "R5", 10, _floor_message("youth custody or prison (R5)", 10)),
        AgeFloor("373", "S1", 4, _floor_message("a residential school (S1)", 4)),
        AgeFloor("374", "P3", 14, _floor_message("residential employment (P3)", 14)),
    )
    return (*extra, semi_independent, *common)


@dataclass(frozen=True)
class YearConfig:
    """Everything that changes from one collection year to the next for the rules we run."""

    year: str
    start: dt.date
    end: dt.date
    sex: frozenset[str]
    sex_message: str
    ethnic: frozenset[str]
    rne: frozenset[str]
    ls: frozenset[str]
    cin: frozenset[str]
    place: frozenset[str]
    place_provider: frozenset[str]
    rec: frozenset[str]
    reason_place_change: frozenset[str]
    urn_exempt: frozenset[str]
    """Rule 218: placement types that need no URN."""
    urn_not_allowed: frozenset[str]
    """Rule 222: placement types that must not carry a URN."""
    provider_not_allowed_178: frozenset[str]
    provider_not_allowed_213: frozenset[str]
    age_floors: tuple[AgeFloor, ...]
    october_2023_changes: bool
    """2023/24 only: rules 217t (no P2 after 28 Oct 2023) and 230 (H5 needs a URN)."""


def _year(
    first: int,
    *,
    sex: frozenset[str],
    sex_message: str,
    place: frozenset[str],
    urn_exempt: frozenset[str],
    urn_not_allowed: frozenset[str],
    provider_178: frozenset[str],
    provider_213: frozenset[str],
    age_floors: tuple[AgeFloor, ...],
    october_2023_changes: bool = False,
) -> YearConfig:
    return YearConfig(
        year=f"{first}_{(first + 1) % 100:02d}",
        start=dt.date(first, 4, 1),
        end=dt.date(first + 1, 3, 31),
        sex=sex,
        sex_message=sex_message,
        ethnic=_ETHNIC,
        rne=_RNE,
        ls=_LS,
        cin=_CIN,
        place=place,
        place_provider=_PROVIDER,
        rec=_REC,
        reason_place_change=_REASON_PLACE_CHANGE,
        urn_exempt=urn_exempt,
        urn_not_allowed=urn_not_allowed,
        provider_not_allowed_178=provider_178,
        provider_not_allowed_213=provider_213,
        age_floors=age_floors,
        october_2023_changes=october_2023_changes,
    )


_SEX_NUMERIC = frozenset({"1", "2"})
_SEX_LETTERS = frozenset({"M", "F", "U"})
_OLD_SEX_MESSAGE = "The child's sex (SEX) is blank or not a code of this year's list (1 or 2)."
_NEW_SEX_MESSAGE = ("The child's sex (SEX) is blank or not a code of this year's list "
                    "(M, F or U).")
_K3_FLOOR = AgeFloor("371", "K3", 16, _floor_message("supported accommodation (K3)", 16))

YEARS: dict[str, YearConfig] = {
    c.year: c
    for c in (
        _year(
            2023,
            sex=_SEX_NUMERIC,
            sex_message=_OLD_SEX_MESSAGE,
            place=_PLACE_CORE | {"H5", "P2", "Z1"},
            urn_exempt=_NO_URN_CORE | {"H5", "P2", "Z1"},
            urn_not_allowed=_NO_URN_CORE | {"P2", "Z1"},
            provider_178=_TEMPORARY | {"Z1"},
            provider_213=_TEMPORARY,
            age_floors=_floors(
                AgeFloor("371", "H5", 16,
                         _floor_message("semi-independent accommodation (H5)", 16)),
                AgeFloor("370", "P2", 16, _floor_message("independent living (P2)", 16)),
            ),
            october_2023_changes=True,
        ),
        _year(
            2024,
            sex=_SEX_LETTERS,
            sex_message=_NEW_SEX_MESSAGE,
            # K3 is new this year; H5, P2 and Z1 are still accepted.
            place=_PLACE_CORE | {"H5", "P2", "Z1", "K3"},
            urn_exempt=_NO_URN_CORE | {"Z1"},
            urn_not_allowed=_NO_URN_CORE | {"Z1"},
            provider_178=_TEMPORARY | {"Z1"},
            provider_213=_TEMPORARY,
            age_floors=_floors(_K3_FLOOR),
        ),
        _year(
            2025,
            sex=_SEX_LETTERS,
            sex_message=_NEW_SEX_MESSAGE,
            # H5, P2 and Z1 are gone; Z1 is split into Z11 to Z14.
            place=_PLACE_CORE | {"K3"} | _Z1_SPLIT,
            urn_exempt=_NO_URN_CORE | _Z1_SPLIT,
            urn_not_allowed=_NO_URN_CORE | _Z1_SPLIT,
            # T4 left this list in 2025/26 (rule 213 still covers it).
            provider_178=(_TEMPORARY - {"T4"}) | _Z1_SPLIT,
            provider_213=_TEMPORARY | _Z1_SPLIT,
            age_floors=_floors(_K3_FLOOR),
        ),
    )
}


def collection_year_for(day: dt.date) -> str:
    """The collection year holding a day: ``"2025_26"`` for 1 April 2025 to 31 March 2026."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}_{(first + 1) % 100:02d}"


def year_label(year: str) -> str:
    """How people write a collection year: ``"2025_26"`` → ``"2025-26"``."""
    return year.replace("_", "-")


class UnknownYear(UserError):
    """No rules are held for the collection year asked for."""

    def __init__(self, year: str) -> None:
        known = ", ".join(year_label(y) for y in sorted(YEARS))
        super().__init__(f"There are no SSDA903 rules for the collection year "
                         f"{year_label(year)}. Choose one of {known}.")
        self.year = year


_YEAR_TEXT = re.compile(r"^\s*(\d{4})\s*[-_/]\s*(\d{2}|\d{4})\s*$")


def parse_year(text: str) -> str:
    """``"2025-26"``, ``"2025_26"``, ``"2025/26"`` or ``"2025-2026"`` → ``"2025_26"``.

    Raises :class:`UnknownYear` for text that is not such a year, or a year with no rules.
    """
    found = _YEAR_TEXT.match(text)
    if found is None:
        raise UnknownYear(text.strip()[:20])
    first, second = int(found.group(1)), int(found.group(2))
    if second % 100 != (first + 1) % 100:
        raise UnknownYear(text.strip()[:20])
    year = f"{first}_{(first + 1) % 100:02d}"
    if year not in YEARS:
        raise UnknownYear(year)
    return year
