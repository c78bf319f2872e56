"""Our rules against the DfE-approved validator's own output on the published example files.

Reference: data-to-insight/csc-validator-be-903, version 0.1.14, commit
10ad07c513aa07bd8fffc928d57ae9918a70ae07 (22 April 2026), run with pandas 1.5.3 and numpy
1.24.4 on Python 3.11 over header.csv and episodes.csv of shared/reference-data/ssda903
(the validator's own example files) and no other file, for the collection years 2023-24,
2024-25 and 2025-26 (its rule packs for those years), for a London council.

Each rule was run on its own (the validator lets one choose the rules to run). Run all in
one pass, the validator answers differently for 387 and 388: its rule 365 fills in 31 March
as the end date of every open episode in the data the later rules share, so every rule that
runs after it sees open episodes as ended. Rule 388 then flags the last, open X1 episode of
1,060 more children, and 387 a few more or fewer, depending on the order its rules run in.
The rule run on its own is the rule as written, so that is the reference here; the counts
of the full run are kept below for the record.

For each rule and table: the number of rows flagged, the first 16 hex digits of the SHA-256
of the sorted row numbers joined by commas, and the rows themselves where 60 or fewer. Rows
are 0-based positions in the CSV files.

On these files our answer equals the validator's for every rule in every year. Where we
differ from the validator on purpose (its slips), the example files do not show it; the
unit tests named here hold those cases:
- 146 in 2024-25: the validator's list of placement types has K3 in lower case while it
  compares upper-cased data, so it refuses K3 in the year that brought it in. We accept K3
  (test_code_lists).
- 218 in 2023-24 and 2024-25, and 230: the validator takes a placement whose local
  authority code is blank (a postcode it cannot look up) for one outside England, so such
  placements never need a URN. We exempt only the outside-England codes themselves
  (test_placement_rules). Its 2025-26 rule 218 agrees with us.
- 433: the validator compares the previous end date and this start date as text; we also
  take the same valid date written differently, e.g. 1/2/2024 and 01/02/2024, as equal
  (test_sequence_rules).
The same differences, and nothing else, showed up when both were run over four randomly
generated files of about 1,200 episodes each, full of blanks, bad dates, lower-case codes,
duplicate and missing children, ties and overlaps.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from placement_desk.services.placements.ssda903 import RULES, validate
from placement_desk.services.placements.ssda903.prepared import Prepared
from placement_desk.services.placements.ssda903.years import YEARS

VALIDATOR_COMMIT = "10ad07c513aa07bd8fffc928d57ae9918a70ae07"
VALIDATOR_VERSION = "0.1.14"

# Not run by the validator on header and episodes alone (it needs last year's episodes).
SKIPPED_BY_VALIDATOR = {"502"}

# year -> (code, table) -> (count, sha256 prefix, rows or None)
VALIDATOR_FLAGS: dict[str, dict[tuple[str, str], tuple[int, str, tuple[int, ...] | None]]] = {
    "2023_24": {
        ("101", "header"): (0, "e3b0c44298fc1c14", ()),
        ("103", "header"): (0, "e3b0c44298fc1c14", ()),
        ("143", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("144", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("145", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("146", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("148", "episodes"): (1413, "c9c7cf8f17f4cddf", None),
        ("149", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("178", "episodes"): (1105, "68ee52244232c989", None),
        ("213", "episodes"): (912, "6b9f137d57084718", None),
        ("217t", "episodes"): (
            48,
            "bd51846d2808605f",
            (
                72, 181, 324, 485, 731, 789, 802, 879, 1266, 1337, 1441, 1502, 1549, 1630, 1642,
                1862, 1878, 2015, 2024, 2066, 2082, 2162, 2201, 2355, 2589, 2651, 2729, 2779, 2785,
                2841, 2845, 2858, 3070, 3323, 3400, 3418, 3509, 3542, 3557, 3820, 4062, 4163, 4448,
                4628, 4914, 4935, 4955, 5031,
            ),
        ),
        ("218", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("222", "episodes"): (2224, "fadc6797048d6e6e", None),
        ("230", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("352", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("358", "header"): (351, "4f6e6f365efc409b", None),
        ("358", "episodes"): (596, "78d22b54cc43d60d", None),
        ("370", "episodes"): (143, "ceebcc98eb531067", None),
        ("371", "episodes"): (156, "287dda79b06eab6a", None),
        ("372", "episodes"): (67, "1d38cfdda0737088", None),
        ("373", "episodes"): (7, "82787ab6914c2654", (671, 1292, 1937, 2356, 2424, 3163, 3630)),
        ("374", "episodes"): (108, "cfb750a745dfaf53", None),
        ("385", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("387", "episodes"): (61, "25c0bf465488d471", None),
        ("388", "episodes"): (
            21,
            "fb4934c265c1c0f2",
            (
                513, 538, 662, 899, 902, 1039, 1396, 1456, 1458, 1585, 1956, 2006, 2101, 2747, 3040,
                3103, 3106, 3869, 4124, 4412, 5021,
            ),
        ),
        ("389", "episodes"): (
            48,
            "99e0d1590405e2e0",
            (
                69, 98, 152, 240, 292, 436, 500, 596, 725, 898, 960, 976, 1073, 1094, 1665, 1847,
                2127, 2196, 2264, 2468, 2645, 2771, 2979, 3021, 3167, 3179, 3181, 3283, 3295, 3355,
                3375, 3542, 3711, 3723, 3749, 3855, 3954, 3973, 4075, 4106, 4154, 4257, 4394, 4480,
                4598, 4719, 4760, 4810,
            ),
        ),
        ("433", "episodes"): (
            12,
            "513a4e69c3a3799e",
            (663, 900, 903, 1040, 1457, 1459, 2007, 3104, 3107, 3870, 4413, 5022),
        ),
        ("434", "episodes"): (
            58,
            "97413fb81bf8f304",
            (
                54, 119, 299, 343, 373, 387, 436, 511, 590, 626, 900, 1004, 1035, 1168, 1216, 1285,
                1343, 1364, 1459, 1663, 1820, 1821, 1903, 1935, 1960, 1982, 2073, 2164, 2176, 2178,
                2397, 2404, 2408, 2462, 2571, 2655, 2871, 2874, 3001, 3118, 3181, 3200, 3338, 3385,
                3645, 3886, 3932, 4178, 4190, 4199, 4287, 4413, 4445, 4613, 4878, 4897, 4905, 4952,
            ),
        ),
        ("435", "episodes"): (7, "227c982fc33294f5", (663, 903, 1457, 3104, 3107, 3870, 5022)),
        ("436", "episodes"): (5, "2ae6bbd7fe1723b2", (933, 1290, 1813, 2676, 2881)),
        ("437", "episodes"): (7, "6381cc0163438080", (106, 679, 1209, 3775, 4024, 4867, 4869)),
        ("501", "episodes"): (62, "291d1b3786cf5b40", None),
        ("527", "episodes"): (92, "8429da040b0dc618", None),
        ("528", "episodes"): (107, "85bcc67db9158924", None),
        ("529", "episodes"): (398, "55e7221d50a206f9", None),
        ("530", "episodes"): (
            27,
            "833f5d627e1885ea",
            (
                121, 361, 406, 645, 702, 1293, 1481, 2000, 2041, 2042, 2276, 2640, 2660, 2740, 2984,
                3035, 3036, 3097, 3198, 3213, 3335, 4028, 4029, 4139, 4143, 4244, 5046,
            ),
        ),
        ("531", "episodes"): (
            28,
            "43aac0cf9901733e",
            (
                154, 205, 206, 319, 503, 517, 518, 892, 1333, 1334, 1527, 1613, 1795, 1900, 2351,
                2520, 2533, 3252, 3268, 3308, 3403, 3546, 3681, 3884, 4377, 4406, 4465, 4835,
            ),
        ),
        ("550", "episodes"): (845, "56993d490eb6ed2d", None),
        ("1009", "episodes"): (0, "e3b0c44298fc1c14", ()),
    },
    "2024_25": {
        ("101", "header"): (2675, "304fd79032508b6e", None),
        ("103", "header"): (0, "e3b0c44298fc1c14", ()),
        ("143", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("144", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("145", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("146", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("148", "episodes"): (1413, "c9c7cf8f17f4cddf", None),
        ("149", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("178", "episodes"): (1105, "68ee52244232c989", None),
        ("213", "episodes"): (912, "6b9f137d57084718", None),
        ("218", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("222", "episodes"): (2029, "96046fc31b3eafd4", None),
        ("352", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("358", "header"): (351, "4f6e6f365efc409b", None),
        ("358", "episodes"): (596, "78d22b54cc43d60d", None),
        ("371", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("372", "episodes"): (67, "1d38cfdda0737088", None),
        ("373", "episodes"): (7, "82787ab6914c2654", (671, 1292, 1937, 2356, 2424, 3163, 3630)),
        ("374", "episodes"): (108, "cfb750a745dfaf53", None),
        ("385", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("387", "episodes"): (61, "25c0bf465488d471", None),
        ("388", "episodes"): (
            21,
            "fb4934c265c1c0f2",
            (
                513, 538, 662, 899, 902, 1039, 1396, 1456, 1458, 1585, 1956, 2006, 2101, 2747, 3040,
                3103, 3106, 3869, 4124, 4412, 5021,
            ),
        ),
        ("389", "episodes"): (
            48,
            "99e0d1590405e2e0",
            (
                69, 98, 152, 240, 292, 436, 500, 596, 725, 898, 960, 976, 1073, 1094, 1665, 1847,
                2127, 2196, 2264, 2468, 2645, 2771, 2979, 3021, 3167, 3179, 3181, 3283, 3295, 3355,
                3375, 3542, 3711, 3723, 3749, 3855, 3954, 3973, 4075, 4106, 4154, 4257, 4394, 4480,
                4598, 4719, 4760, 4810,
            ),
        ),
        ("433", "episodes"): (
            12,
            "513a4e69c3a3799e",
            (663, 900, 903, 1040, 1457, 1459, 2007, 3104, 3107, 3870, 4413, 5022),
        ),
        ("434", "episodes"): (
            58,
            "97413fb81bf8f304",
            (
                54, 119, 299, 343, 373, 387, 436, 511, 590, 626, 900, 1004, 1035, 1168, 1216, 1285,
                1343, 1364, 1459, 1663, 1820, 1821, 1903, 1935, 1960, 1982, 2073, 2164, 2176, 2178,
                2397, 2404, 2408, 2462, 2571, 2655, 2871, 2874, 3001, 3118, 3181, 3200, 3338, 3385,
                3645, 3886, 3932, 4178, 4190, 4199, 4287, 4413, 4445, 4613, 4878, 4897, 4905, 4952,
            ),
        ),
        ("435", "episodes"): (7, "227c982fc33294f5", (663, 903, 1457, 3104, 3107, 3870, 5022)),
        ("436", "episodes"): (5, "2ae6bbd7fe1723b2", (933, 1290, 1813, 2676, 2881)),
        ("437", "episodes"): (7, "6381cc0163438080", (106, 679, 1209, 3775, 4024, 4867, 4869)),
        ("501", "episodes"): (62, "291d1b3786cf5b40", None),
        ("527", "episodes"): (92, "8429da040b0dc618", None),
        ("528", "episodes"): (107, "85bcc67db9158924", None),
        ("529", "episodes"): (398, "55e7221d50a206f9", None),
        ("530", "episodes"): (
            27,
            "833f5d627e1885ea",
            (
                121, 361, 406, 645, 702, 1293, 1481, 2000, 2041, 2042, 2276, 2640, 2660, 2740, 2984,
                3035, 3036, 3097, 3198, 3213, 3335, 4028, 4029, 4139, 4143, 4244, 5046,
            ),
        ),
        ("531", "episodes"): (
            28,
            "43aac0cf9901733e",
            (
                154, 205, 206, 319, 503, 517, 518, 892, 1333, 1334, 1527, 1613, 1795, 1900, 2351,
                2520, 2533, 3252, 3268, 3308, 3403, 3546, 3681, 3884, 4377, 4406, 4465, 4835,
            ),
        ),
        ("550", "episodes"): (845, "56993d490eb6ed2d", None),
        ("1009", "episodes"): (0, "e3b0c44298fc1c14", ()),
    },
    "2025_26": {
        ("101", "header"): (2675, "304fd79032508b6e", None),
        ("103", "header"): (0, "e3b0c44298fc1c14", ()),
        ("143", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("144", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("145", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("146", "episodes"): (604, "de9f6207b74f08fa", None),
        ("148", "episodes"): (1413, "c9c7cf8f17f4cddf", None),
        ("149", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("178", "episodes"): (718, "35bfba40f8cc6b2a", None),
        ("213", "episodes"): (912, "6b9f137d57084718", None),
        ("218", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("222", "episodes"): (1836, "1f218e70bd5958ad", None),
        ("352", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("358", "header"): (351, "4f6e6f365efc409b", None),
        ("358", "episodes"): (596, "78d22b54cc43d60d", None),
        ("371", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("372", "episodes"): (67, "1d38cfdda0737088", None),
        ("373", "episodes"): (7, "82787ab6914c2654", (671, 1292, 1937, 2356, 2424, 3163, 3630)),
        ("374", "episodes"): (108, "cfb750a745dfaf53", None),
        ("385", "episodes"): (0, "e3b0c44298fc1c14", ()),
        ("387", "episodes"): (61, "25c0bf465488d471", None),
        ("388", "episodes"): (
            21,
            "fb4934c265c1c0f2",
            (
                513, 538, 662, 899, 902, 1039, 1396, 1456, 1458, 1585, 1956, 2006, 2101, 2747, 3040,
                3103, 3106, 3869, 4124, 4412, 5021,
            ),
        ),
        ("389", "episodes"): (
            48,
            "99e0d1590405e2e0",
            (
                69, 98, 152, 240, 292, 436, 500, 596, 725, 898, 960, 976, 1073, 1094, 1665, 1847,
                2127, 2196, 2264, 2468, 2645, 2771, 2979, 3021, 3167, 3179, 3181, 3283, 3295, 3355,
                3375, 3542, 3711, 3723, 3749, 3855, 3954, 3973, 4075, 4106, 4154, 4257, 4394, 4480,
                4598, 4719, 4760, 4810,
            ),
        ),
        ("433", "episodes"): (
            12,
            "513a4e69c3a3799e",
            (663, 900, 903, 1040, 1457, 1459, 2007, 3104, 3107, 3870, 4413, 5022),
        ),
        ("434", "episodes"): (
            58,
            "97413fb81bf8f304",
            (
                54, 119, 299, 343, 373, 387, 436, 511, 590, 626, 900, 1004, 1035, 1168, 1216, 1285,
                1343, 1364, 1459, 1663, 1820, 1821, 1903, 1935, 1960, 1982, 2073, 2164, 2176, 2178,
                2397, 2404, 2408, 2462, 2571, 2655, 2871, 2874, 3001, 3118, 3181, 3200, 3338, 3385,
                3645, 3886, 3932, 4178, 4190, 4199, 4287, 4413, 4445, 4613, 4878, 4897, 4905, 4952,
            ),
        ),
        ("435", "episodes"): (7, "227c982fc33294f5", (663, 903, 1457, 3104, 3107, 3870, 5022)),
        ("436", "episodes"): (5, "2ae6bbd7fe1723b2", (933, 1290, 1813, 2676, 2881)),
        ("437", "episodes"): (7, "6381cc0163438080", (106, 679, 1209, 3775, 4024, 4867, 4869)),
        ("501", "episodes"): (62, "291d1b3786cf5b40", None),
        ("527", "episodes"): (92, "8429da040b0dc618", None),
        ("528", "episodes"): (107, "85bcc67db9158924", None),
        ("529", "episodes"): (398, "55e7221d50a206f9", None),
        ("530", "episodes"): (
            27,
            "833f5d627e1885ea",
            (
                121, 361, 406, 645, 702, 1293, 1481, 2000, 2041, 2042, 2276, 2640, 2660, 2740, 2984,
                3035, 3036, 3097, 3198, 3213, 3335, 4028, 4029, 4139, 4143, 4244, 5046,
            ),
        ),
        ("531", "episodes"): (
            28,
            "43aac0cf9901733e",
            (
                154, 205, 206, 319, 503, 517, 518, 892, 1333, 1334, 1527, 1613, 1795, 1900, 2351,
                2520, 2533, 3252, 3268, 3308, 3403, 3546, 3681, 3884, 4377, 4406, 4465, 4835,
            ),
        ),
        ("550", "episodes"): (845, "56993d490eb6ed2d", None),
        ("1009", "episodes"): (0, "e3b0c44298fc1c14", ()),
    },
}

FULL_RUN_COUNTS_WHERE_DIFFERENT = {
    ("2023_24", "387", "episodes"): 69,
    ("2023_24", "388", "episodes"): 1081,
    ("2024_25", "387", "episodes"): 69,
    ("2024_25", "388", "episodes"): 1081,
    ("2025_26", "387", "episodes"): 66,
    ("2025_26", "388", "episodes"): 1081,
}


def _digest(rows: list[int]) -> str:
    return hashlib.sha256(",".join(map(str, sorted(rows))).encode()).hexdigest()[:16]


@pytest.mark.parametrize("year", sorted(VALIDATOR_FLAGS))
def test_same_rows_as_the_validator(
    year: str, example_files: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    h, e = example_files
    ours: dict[tuple[str, str], list[int]] = {}
    for r in validate(h, e, year):
        ours.setdefault((r.code, r.table), []).append(r.row)
    expected = VALIDATOR_FLAGS[year]
    # Every rule we run this year has a reference answer, and nothing else is flagged.
    assert {code for code, _ in expected} == {r.code for r in RULES[year]}
    assert set(ours) <= set(expected)
    for (code, table), (count, digest, rows) in expected.items():
        got = sorted(ours.get((code, table), []))
        assert len(got) == count, (year, code, table)
        assert _digest(got) == digest, (year, code, table)
        if rows is not None:
            assert tuple(got) == rows, (year, code, table)


def test_rules_do_not_depend_on_each_other(
    example_files: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    """Unlike the validator (see rule 365 above), a rule's answer is the same run alone."""
    h, e = example_files
    for year, rules in RULES.items():
        shared = Prepared(h, e, YEARS[year])
        in_turn = {r.code: {k: v.copy() for k, v in r.function(shared).items()} for r in rules}
        for r in reversed(rules):
            alone = r.function(Prepared(h, e, YEARS[year]))
            assert alone.keys() == in_turn[r.code].keys()
            for table, mask in alone.items():
                assert (mask == in_turn[r.code][table]).all(), (year, r.code)


def test_full_run_differences_are_the_rule_365_bug() -> None:
    """The full-run counts differ only for rules reading DEC of open episodes after 365."""
    assert {code for _, code, _ in FULL_RUN_COUNTS_WHERE_DIFFERENT} == {"387", "388"}
    for (year, code, table), count in FULL_RUN_COUNTS_WHERE_DIFFERENT.items():
        assert count != VALIDATOR_FLAGS[year][(code, table)][0]
