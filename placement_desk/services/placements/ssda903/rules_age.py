"""Age rules: the child's age, from the header's DOB, at the start or end of an episode."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .base import Hits
from .prepared import BoolArray, Prepared
from .years import AgeFloor


def started_care_aged_18(p: Prepared) -> Hits:
    """352: an episode starting a period of care (RNE S) on or after the 18th birthday."""
    j = p.episode_dob
    decom = p.decom.to_numpy()[j["ep"].to_numpy()]
    rne_s = p.eq("RNE", "S")[j["ep"].to_numpy()]
    bad = rne_s & (p.dob_plus_years(18).to_numpy() <= decom)
    return {"episodes": p.episodes_mask(j["ep"].to_numpy()[bad])}


def youth_justice_under_10(p: Prepared) -> Hits:
    """358: legal status J1-J3 with the child under 10 (10th birthday on or after DECOM).

    Flags the episode and the child's header row.
    """
    j = p.episode_dob
    ep = j["ep"].to_numpy()
    decom = p.decom.to_numpy()[ep]
    ls_j = p.isin("LS", frozenset({"J1", "J2", "J3"}))[ep]
    bad = ls_j & (p.dob_plus_years(10).to_numpy() >= decom)
    return {
        "episodes": p.episodes_mask(ep[bad]),
        "header": p.header_mask(j["hd"].to_numpy()[bad]),
    }


def age_floor(floor: AgeFloor) -> Callable[[Prepared], Hits]:
    """370-374: a child in ``floor.place`` must have reached ``floor.years`` at DECOM.

    As in the DfE-approved validator, only episodes with a valid start date, a valid end date
    and a child found in the header with a valid DOB are checked: open episodes are not.
    """

    def check(p: Prepared) -> Hits:
        j = p.episode_dob
        ep = j["ep"].to_numpy()
        decom = p.decom.to_numpy()[ep]
        has_dec = p.dec.notna().to_numpy()[ep]
        in_type = p.eq("PLACE", floor.place)[ep]
        # NaT on either side compares False, so a missing DOB or DECOM flags nothing.
        too_young = decom < p.dob_plus_years(floor.years).to_numpy()
        bad: BoolArray = in_type & has_dec & (j["hd"].to_numpy() >= 0) & too_young
        return {"episodes": p.episodes_mask(ep[bad])}

    check.__name__ = f"age_floor_{floor.code}"
    check.__doc__ = f"{floor.code}: {floor.message}"
    return check


def _ceased_before_age(p: Prepared, recs: frozenset[str], years: int, need_dec: bool) -> Hits:
    j = p.episode_dob
    ep = j["ep"].to_numpy()
    dec = p.dec.to_numpy()[ep]
    reached = p.dob_plus_years(years).to_numpy() <= dec  # False when either date is missing
    bad = p.isin("REC", recs)[ep] & ~reached
    if need_dec:
        bad &= ~np.isnat(dec)
    return {"episodes": p.episodes_mask(ep[bad])}


def independent_living_under_14(p: Prepared) -> Hits:
    """387: ceased to independent living (E5, E6) before the 14th birthday.

    An episode with a valid DEC but no DOB to check against is flagged too.
    """
    return _ceased_before_age(p, frozenset({"E5", "E6"}), 14, need_dec=True)


def adult_social_care_under_16(p: Prepared) -> Hits:
    """389: ceased to adult social care (E7) before the 16th birthday.

    As in the DfE-approved validator, an E7 episode whose DEC or DOB is missing is flagged.
    """
    return _ceased_before_age(p, frozenset({"E7"}), 16, need_dec=False)
