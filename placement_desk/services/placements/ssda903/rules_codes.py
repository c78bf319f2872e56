"""Code-list rules: each coded field of header and episodes must hold one of the year's codes."""

from __future__ import annotations

from .base import Hits
from .prepared import BoolArray, Prepared


def _invalid_when_present(p: Prepared, col: str, codes: frozenset[str]) -> Hits:
    bad: BoolArray = p.present(col) & ~p.isin(col, codes)
    return {"episodes": bad}


def sex_invalid(p: Prepared) -> Hits:
    """101: SEX must be one of the year's codes; a blank is invalid too."""
    return {"header": ~p.h["SEX"].isin(p.config.sex).to_numpy()}


def ethnic_invalid(p: Prepared) -> Hits:
    """103: ETHNIC must be one of the listed codes; a blank is invalid too."""
    return {"header": ~p.h["ETHNIC"].isin(p.config.ethnic).to_numpy()}


def rne_invalid(p: Prepared) -> Hits:
    """143: RNE, where given, must be a valid reason for new episode."""
    return _invalid_when_present(p, "RNE", p.config.rne)


def ls_invalid(p: Prepared) -> Hits:
    """144: LS, where given, must be a valid legal status."""
    return _invalid_when_present(p, "LS", p.config.ls)


def cin_invalid(p: Prepared) -> Hits:
    """145: CIN, where given, must be a valid category of need."""
    return _invalid_when_present(p, "CIN", p.config.cin)


def place_invalid(p: Prepared) -> Hits:
    """146: PLACE, where given, must be one of the year's placement types."""
    return _invalid_when_present(p, "PLACE", p.config.place)


def rec_invalid(p: Prepared) -> Hits:
    """149: REC, where given, must be a valid reason episode ceased."""
    return _invalid_when_present(p, "REC", p.config.rec)


def reason_place_change_invalid(p: Prepared) -> Hits:
    """1009: REASON_PLACE_CHANGE, where given, must be a valid reason."""
    return _invalid_when_present(p, "REASON_PLACE_CHANGE", p.config.reason_place_change)


def provider_invalid(p: Prepared) -> Hits:
    """178: PLACE_PROVIDER, where given, must be a valid code and the type must take a provider."""
    given = p.present("PLACE_PROVIDER")
    valid = p.isin("PLACE_PROVIDER", p.config.place_provider)
    no_provider_type = p.isin("PLACE", p.config.provider_not_allowed_178)
    return {"episodes": given & (~valid | no_provider_type)}
