"""Which rules run in each collection year, with their codes and messages, and those left out."""

from __future__ import annotations

from .base import Rule, RuleFunc
from .rules_age import (
    adult_social_care_under_16,
    age_floor,
    independent_living_under_14,
    started_care_aged_18,
    youth_justice_under_10,
)
from .rules_codes import (
    cin_invalid,
    ethnic_invalid,
    ls_invalid,
    place_invalid,
    provider_invalid,
    reason_place_change_invalid,
    rec_invalid,
    rne_invalid,
    sex_invalid,
)
from .rules_placement import (
    dec_after_year_end,
    end_and_reason_mismatch,
    h5_urn_required,
    p2_after_october_2023,
    pr0_not_p1,
    pr1_with_p1_r2_r5,
    pr2_with_p1_r2_r5,
    pr3_with_family_or_home,
    pr4_with_p1,
    pr5_with_p1,
    provider_not_required,
    urn_not_allowed,
    urn_required,
)
from .rules_sequence import (
    both_changed_mismatch,
    ceased_x1_without_continuation,
    continuation_not_same_day,
    episodes_after_death_or_18,
    legal_status_only_mismatch,
    placement_only_mismatch,
    starts_before_previous_end,
)
from .years import YEARS, YearConfig

__all__ = ["NOT_IMPLEMENTED", "RULES"]

_PLACE_PP = ("PLACE", "PLACE_PROVIDER")

# (code, message, fields, function) run in every year; year-specific rules are added below.
# The messages are ours: each says what is wrong in plain English and names the columns.
_COMMON: tuple[tuple[str, str, tuple[str, ...], RuleFunc], ...] = (
    ("103", "The ethnicity (ETHNIC) is blank or not an SSDA903 ethnicity code.",
     ("ETHNIC",), ethnic_invalid),
    ("143", "The reason for the new episode (RNE) is not an SSDA903 code.", ("RNE",),
     rne_invalid),
    ("144", "The legal status (LS) is not an SSDA903 code.", ("LS",), ls_invalid),
    ("145", "The category of need (CIN) is not an SSDA903 code.", ("CIN",), cin_invalid),
    ("146", "The placement type (PLACE) is not one of this collection year's codes.",
     ("PLACE",), place_invalid),
    ("148", "The end date (DEC) and the reason the episode ended (REC) go together: give "
            "both, or leave both blank.", ("DEC", "REC"), end_and_reason_mismatch),
    ("149", "The reason the episode ended (REC) is not an SSDA903 code.", ("REC",),
     rec_invalid),
    ("178", "The placement provider (PLACE_PROVIDER) is not a provider code, or is given for "
            "a placement type that takes none.", ("PLACE_PROVIDER",), provider_invalid),
    ("213", "This placement type takes no placement provider: leave PLACE_PROVIDER blank.",
     ("PLACE_PROVIDER",), provider_not_required),
    ("218", "This placement needs the Ofsted URN of the setting.", ("URN",), urn_required),
    ("222", "This placement type is not in an Ofsted-registered setting: leave the URN "
            "blank.", ("URN",), urn_not_allowed),
    ("352", "The child started to be looked after (RNE S) on or after their 18th birthday.",
     ("DECOM", "RNE"), started_care_aged_18),
    ("358", "A youth justice legal status (LS J1, J2 or J3) for a child under 10, or turning "
            "10 that day, when the episode started.", ("DECOM", "DOB", "LS"),
     youth_justice_under_10),
    ("385", "The episode ends (DEC) after 31 March, the last day of this collection year.",
     ("DEC",), dec_after_year_end),
    ("387", "The episode ended with a move to independent living (REC E5 or E6) before the "
            "child's 14th birthday.", ("REC",), independent_living_under_14),
    ("388", "The reason the episode ended (REC) and the next episode disagree: X1 (a new "
            "episode begins) needs a next episode starting on the end date, and only X1 may "
            "have one.", ("REC",), ceased_x1_without_continuation),
    ("389", "The episode ended with a move to adult social care (REC E7) before the child's "
            "16th birthday.", ("REC",), adult_social_care_under_16),
    ("433", "A continuing episode (RNE P, L, T, U or B) must start on the day the child's "
            "previous episode ended.", ("RNE", "DECOM"), continuation_not_same_day),
    ("434", "RNE L says only the legal status changed, but the legal status is as before or "
            "the placement details changed.",
     ("RNE", "LS", "PLACE", "PL_POST", "URN", "PLACE_PROVIDER"), legal_status_only_mismatch),
    ("435", "RNE P or T says only the placement changed, but the legal status changed too or "
            "the placement details are as before.",
     ("LS", "PLACE", "PL_POST", "URN", "PLACE_PROVIDER"), placement_only_mismatch),
    ("436", "RNE U or B says the placement and the legal status both changed, but one of them "
            "is as before.",
     ("RNE", "LS", "PLACE", "PL_POST", "URN", "PLACE_PROVIDER"), both_changed_mismatch),
    ("437", "The episode ended because the child died or turned 18 (REC E2 or E15), yet the "
            "child has a later episode.", ("REC",), episodes_after_death_or_18),
    ("501", "The episode starts before the child's previous episode ended.", ("DECOM", "DEC"),
     starts_before_previous_end),
    ("527", "Provider PR1 (own council) cannot go with placement P1, R2 or R5.", _PLACE_PP,
     pr1_with_p1_r2_r5),
    ("528", "Provider PR2 (another council) cannot go with placement P1, R2 or R5.",
     _PLACE_PP, pr2_with_p1_r2_r5),
    ("529", "Provider PR3 (another public body) cannot go with placement P1, A3 to A6, K1, "
            "K2 or U1 to U6.", _PLACE_PP, pr3_with_family_or_home),
    ("530", "Provider PR4 (private) cannot go with placement P1.", _PLACE_PP, pr4_with_p1),
    ("531", "Provider PR5 (voluntary) cannot go with placement P1.", _PLACE_PP, pr5_with_p1),
    ("550", "Provider PR0 (parent) goes with placement P1 only.", _PLACE_PP, pr0_not_p1),
    ("1009", "The reason for the placement change (REASON_PLACE_CHANGE) is not an SSDA903 "
             "code.", ("REASON_PLACE_CHANGE",), reason_place_change_invalid),
)


def _sort_key(code: str) -> tuple[int, str]:
    digits = "".join(ch for ch in code if ch.isdigit())
    return (int(digits) if digits else 0, code)


def _rules_for(config: YearConfig) -> list[Rule]:
    rules = [Rule(code, msg, fields, fn) for code, msg, fields, fn in _COMMON]
    rules.append(Rule("101", config.sex_message, ("SEX",), sex_invalid))
    rules.extend(
        Rule(f.code, f.message, ("DECOM", "PLACE"), age_floor(f)) for f in config.age_floors
    )
    if config.october_2023_changes:
        rules.append(Rule("217t", "Placement type P2 (independent living) is not used after "
                                  "28/10/2023.", ("PLACE", "DECOM"), p2_after_october_2023))
        rules.append(Rule("230", "An H5 placement in England still open on 29/10/2023 or later "
                                 "needs the setting's Ofsted URN.", ("PLACE", "DEC", "URN"),
                          h5_urn_required))
    return sorted(rules, key=lambda r: _sort_key(r.code))


RULES: dict[str, list[Rule]] = {year: _rules_for(cfg) for year, cfg in YEARS.items()}

NOT_IMPLEMENTED: dict[str, str] = {
    "502": "Compares this year's first episode with last year's open episode: needs the "
    "previous year's episodes file, which the app does not receive.",
}
