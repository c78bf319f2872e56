"""Episode sequence rules (388, 433-437, 501) on hand-made tables, in and out of file order."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from tests.services.placements.ssda903.kit import episodes, flagged, header

H = header()
YEAR = "2025_26"


def _placement(**kw: str) -> dict[str, str]:
    base = {"LS": "C2", "PLACE": "U1", "PLACE_PROVIDER": "PR1", "URN": "1", "PL_POST": "AB1 2CD"}
    base.update(kw)
    return base


def _frame_388() -> pd.DataFrame:
    return episodes(
        {"CHILD": "A", "DECOM": "01/01/2024", "DEC": "01/02/2024", "REC": "X1"},
        {"CHILD": "A", "DECOM": "01/02/2024", "DEC": "01/03/2024", "REC": "X1"},  # gap follows
        {"CHILD": "A", "DECOM": "05/03/2024", "DEC": "01/04/2024", "REC": "E11"},  # continues
        {"CHILD": "A", "DECOM": "01/04/2024", "DEC": "01/05/2024", "REC": "X1"},  # last, X1
        {"CHILD": "B", "DECOM": "01/01/2024", "DEC": "", "REC": "X1"},
        {"CHILD": "C", "DECOM": "01/01/2024", "DEC": "01/02/2024", "REC": "E11"},
        # A blank DECOM sorts first for this rule.
        {"CHILD": "D", "DECOM": "", "DEC": "01/01/2024", "REC": "X1"},
        {"CHILD": "D", "DECOM": "01/01/2024", "DEC": "", "REC": ""},
    )


def test_388_x1_needs_a_same_day_continuation_and_only_x1_has_one() -> None:
    assert flagged(H, _frame_388(), YEAR, "388") == [1, 2, 3]


def test_433_continuation_must_start_on_previous_end() -> None:
    e = episodes(
        {"CHILD": "A", "DECOM": "01/01/2024", "DEC": "01/02/2024", "RNE": "S"},
        {"CHILD": "A", "DECOM": "01/02/2024", "DEC": "01/03/2024", "RNE": "P"},
        {"CHILD": "A", "DECOM": "02/03/2024", "RNE": "L"},  # a day's gap
        {"CHILD": "B", "DECOM": "01/01/2024", "RNE": "S"},
        {"CHILD": "B", "DECOM": "01/02/2024", "RNE": "T"},  # previous one never ended
        {"CHILD": "C", "DECOM": "01/01/2024", "RNE": "B"},  # no previous episode to compare
        {"CHILD": "D", "DECOM": "01/01/2024", "DEC": "1/2/2024", "RNE": "S"},
        {"CHILD": "D", "DECOM": "01/02/2024", "RNE": "P"},  # same day, written differently
    )
    assert flagged(H, e, YEAR, "433") == [2, 4]


def test_434_legal_status_only() -> None:
    e = episodes(
        {"CHILD": "A", "DECOM": "01/01/2024", "RNE": "S", **_placement()},
        {"CHILD": "A", "DECOM": "01/02/2024", "RNE": "L", **_placement(LS="C1")},
        {"CHILD": "A", "DECOM": "01/03/2024", "RNE": "L", **_placement(LS="C1")},  # LS same
        {"CHILD": "A", "DECOM": "01/04/2024", "RNE": "L", **_placement(LS="E1", PLACE="U2")},
        {"CHILD": "B", "DECOM": "01/01/2024", "RNE": "S", **_placement(URN="", PL_POST="")},
        {"CHILD": "B", "DECOM": "01/02/2024", "RNE": "L",
         **_placement(LS="C1", URN="", PL_POST="")},  # blanks on both sides are no change
        {"CHILD": "B", "DECOM": "01/03/2024", "RNE": "L", **_placement(LS="", URN="", PL_POST="")},
    )  # fmt: skip
    assert flagged(H, e, YEAR, "434") == [2, 3]


def test_435_placement_only() -> None:
    e = episodes(
        {"CHILD": "A", "DECOM": "01/01/2024", "RNE": "S", **_placement()},
        {"CHILD": "A", "DECOM": "01/02/2024", "RNE": "P", **_placement(PLACE="U2")},
        {"CHILD": "A", "DECOM": "01/03/2024", "RNE": "T", **_placement(LS="C1", PLACE="U3")},
        {"CHILD": "A", "DECOM": "01/04/2024", "RNE": "P", **_placement(LS="C1", PLACE="U3")},
        {"CHILD": "B", "DECOM": "01/01/2024", "RNE": "S", **_placement(URN="", PL_POST="")},
        # Blank placement details never compare equal here, so this counts as a move.
        {"CHILD": "B", "DECOM": "01/02/2024", "RNE": "P", **_placement(URN="", PL_POST="")},
    )
    assert flagged(H, e, YEAR, "435") == [2, 3]


def test_436_placement_and_legal_status_both() -> None:
    e = episodes(
        {"CHILD": "A", "DECOM": "01/01/2024", "RNE": "S", **_placement()},
        {"CHILD": "A", "DECOM": "01/02/2024", "RNE": "B", **_placement(LS="C1", PLACE="U2")},
        {"CHILD": "A", "DECOM": "01/03/2024", "RNE": "U", **_placement(LS="C1", PLACE="U3")},
        {"CHILD": "A", "DECOM": "01/04/2024", "RNE": "B", **_placement(LS="E1", PLACE="U3")},
        {"CHILD": "B", "DECOM": "01/01/2024", "RNE": "S", **_placement(URN="", PL_POST="")},
        # Here blanks do compare equal: the placement has not changed.
        {"CHILD": "B", "DECOM": "01/02/2024", "RNE": "U",
         **_placement(LS="C1", URN="", PL_POST="")},
    )  # fmt: skip
    assert flagged(H, e, YEAR, "436") == [2, 3, 5]


def test_437_no_episode_after_death_or_turning_18() -> None:
    e = episodes(
        {"CHILD": "A", "DECOM": "01/01/2024", "DEC": "01/02/2024", "REC": "E2"},
        {"CHILD": "A", "DECOM": "01/03/2024"},
        {"CHILD": "B", "DECOM": "01/01/2024", "DEC": "01/02/2024", "REC": "E15"},
        {"CHILD": "C", "DECOM": "01/01/2024", "DEC": "01/02/2024", "REC": "E15"},
        {"CHILD": "C", "DECOM": "", "REC": "E2"},  # undated, but still a later episode
    )
    assert flagged(H, e, YEAR, "437") == [0, 3]


def _overlap_frame() -> pd.DataFrame:
    return episodes(
        {"CHILD": "A", "DECOM": "01/01/2024", "DEC": "01/03/2024", "REC": "X1"},
        {"CHILD": "A", "DECOM": "01/02/2024", "DEC": "01/04/2024", "REC": "X1"},
        {"CHILD": "A", "DECOM": "01/04/2024", "DEC": ""},
        {"CHILD": "A", "DECOM": "01/05/2024", "DEC": ""},
        {"CHILD": "B", "DECOM": "01/01/2024", "DEC": "01/12/2024", "REC": "E11"},
        {"CHILD": "B", "DECOM": "01/02/2024", "DEC": "01/03/2024", "REC": "X1"},
        {"CHILD": "B", "DECOM": "01/06/2024", "DEC": "01/07/2024", "REC": "E11"},
    )


def test_501_compares_neighbours_only() -> None:
    # Row 3 follows an open episode and row 6 overlaps row 4, not its neighbour row 5:
    # 501 reports neither (all_overlaps does, see test_overlaps).
    assert flagged(H, _overlap_frame(), YEAR, "501") == [1, 5]


@pytest.mark.parametrize(
    ("code", "make", "expected"),
    [("388", _frame_388, [1, 2, 3]), ("501", _overlap_frame, [1, 5])],
)
def test_rows_are_positions_in_the_frame_given(
    code: str, make: Callable[[], pd.DataFrame], expected: list[int]
) -> None:
    e = make()
    e_rev = e.iloc[::-1].copy()
    e_rev.index = pd.Index([f"r{i}" for i in range(len(e_rev))])
    n = len(e)
    assert sorted(n - 1 - r for r in flagged(H, e_rev, YEAR, code)) == expected
