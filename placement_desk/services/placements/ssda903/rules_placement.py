"""Placement rules: provider against placement type, Ofsted URN, end of episode and year bounds."""

from __future__ import annotations

import pandas as pd

from .base import Hits
from .prepared import BoolArray, Prepared

# PL_LA codes of placements outside England, which need no Ofsted URN (rule 218).
OUTSIDE_ENGLAND = frozenset({"CON", "NIR", "SCO", "WAL", "NUK"})


def _provider_with(p: Prepared, provider: str, places: frozenset[str]) -> Hits:
    return {"episodes": p.eq("PLACE_PROVIDER", provider) & p.isin("PLACE", places)}


def end_and_reason_mismatch(p: Prepared) -> Hits:
    """148: DEC and REC are both filled in or both left blank."""
    return {"episodes": p.present("DEC") != p.present("REC")}


def provider_not_required(p: Prepared) -> Hits:
    """213: temporary (and from 2025/26 Z11-Z14) placements carry no PLACE_PROVIDER."""
    return {
        "episodes": p.isin("PLACE", p.config.provider_not_allowed_213) & p.present("PLACE_PROVIDER")
    }


def urn_required(p: Prepared) -> Hits:
    """218: a URN is needed unless the type is exempt or the placement is outside England.

    Only episodes open at, or ending on or after, the start of the collection year count.
    An end date that is filled in but not a valid date excludes the episode.
    """
    dec_given = p.present("DEC")
    live = (~dec_given) | (p.dec >= p.collection_start).to_numpy()
    exempt = p.isin("PLACE", p.config.urn_exempt)
    abroad = p.isin("PL_LA", OUTSIDE_ENGLAND)
    flagged: BoolArray = live & ~p.present("URN") & ~exempt & ~abroad
    return {"episodes": flagged}


def p2_after_october_2023(p: Prepared) -> Hits:
    """217t (2023/24): P2 may not be used for an episode open after 28 October 2023.

    An end date that is blank or not a valid date counts as open.
    """
    open_after = (p.dec > pd.Timestamp(2023, 10, 28)).to_numpy() | p.dec.isna().to_numpy()
    return {"episodes": p.eq("PLACE", "P2") & open_after}


def h5_urn_required(p: Prepared) -> Hits:
    """230 (2023/24): an English H5 placement open on or after 29 October 2023 needs a URN.

    The placeholder URN XXXXXXX does not count. An end date that is blank or not a valid date
    counts as open. Placements whose PL_LA is Scotland, Wales or Northern Ireland are exempt.
    """
    open_after = (p.dec >= pd.Timestamp(2023, 10, 29)).to_numpy() | p.dec.isna().to_numpy()
    no_urn = ~p.present("URN") | p.eq("URN", "XXXXXXX")
    abroad = p.isin("PL_LA", OUTSIDE_ENGLAND - {"CON"})
    return {"episodes": p.eq("PLACE", "H5") & open_after & no_urn & ~abroad}


def urn_not_allowed(p: Prepared) -> Hits:
    """222: no URN (other than the placeholder XXXXXXX) for the types the year lists."""
    urn_given = p.present("URN") & ~p.eq("URN", "XXXXXXX")
    return {"episodes": p.isin("PLACE", p.config.urn_not_allowed) & urn_given}


def dec_after_year_end(p: Prepared) -> Hits:
    """385: an episode cannot end after 31 March of the collection year."""
    return {"episodes": (p.dec > p.collection_end).to_numpy()}


def pr1_with_p1_r2_r5(p: Prepared) -> Hits:
    """527: own-council provider (PR1) with placement P1, R2 or R5."""
    return _provider_with(p, "PR1", frozenset({"P1", "R2", "R5"}))


def pr2_with_p1_r2_r5(p: Prepared) -> Hits:
    """528: other-council provider (PR2) with placement P1, R2 or R5."""
    return _provider_with(p, "PR2", frozenset({"P1", "R2", "R5"}))


_NOT_PUBLIC_BODY = frozenset(
    {"A3", "A4", "A5", "A6", "K1", "K2", "P1", "U1", "U2", "U3", "U4", "U5", "U6"}
)


def pr3_with_family_or_home(p: Prepared) -> Hits:
    """529: other public body (PR3) with P1, A3-A6, K1, K2 or U1-U6."""
    return _provider_with(p, "PR3", _NOT_PUBLIC_BODY)


def pr4_with_p1(p: Prepared) -> Hits:
    """530: private provider (PR4) with placement with parents (P1)."""
    return _provider_with(p, "PR4", frozenset({"P1"}))


def pr5_with_p1(p: Prepared) -> Hits:
    """531: voluntary provider (PR5) with placement with parents (P1)."""
    return _provider_with(p, "PR5", frozenset({"P1"}))


def pr0_not_p1(p: Prepared) -> Hits:
    """550: parent as provider (PR0) only goes with placement P1 (a blank PLACE is not P1)."""
    return {"episodes": p.eq("PLACE_PROVIDER", "PR0") & ~p.eq("PLACE", "P1")}
