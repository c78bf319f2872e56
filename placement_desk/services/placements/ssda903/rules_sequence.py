"""Episode sequence rules: each child's episodes in date order and how neighbours join up."""

from __future__ import annotations

import numpy as np

from .base import Hits
from .prepared import BoolArray, IntArray, ObjArray, Prepared

_PLACEMENT_FIELDS = ("PLACE", "PL_POST", "URN", "PLACE_PROVIDER")


def _previous(arr: np.ndarray, order: IntArray) -> tuple[np.ndarray, np.ndarray]:
    """The array in sorted order, and the same shifted one row down (row 0 repeats itself)."""
    cur = arr[order]
    prev = np.empty_like(cur)
    prev[1:] = cur[:-1]
    if len(cur):
        prev[0] = cur[0]
    return cur, prev


def _unsort(mask_sorted: BoolArray, order: IntArray) -> BoolArray:
    out = np.zeros(len(order), dtype=bool)
    out[order] = mask_sorted
    return out


def _eq_strict(a: ObjArray, b: ObjArray) -> BoolArray:
    """Equal text, a blank never equal to anything."""
    given = (a != None) & (b != None)  # noqa: E711 - elementwise test on object arrays
    out: BoolArray = given & (a == b)
    return out


def _eq_blank_equal(a: ObjArray, b: ObjArray) -> BoolArray:
    """Equal text, two blanks counting as equal."""
    both_blank = (a == None) & (b == None)  # noqa: E711
    out: BoolArray = both_blank | _eq_strict(a, b)
    return out


def ceased_x1_without_continuation(p: Prepared) -> Hits:
    """388: X1 (new episode begins) must be followed by an episode starting on DEC, and only then.

    In each child's episodes ordered by DECOM (a blank DECOM first): an X1 episode whose next
    episode starts on another date; an episode ending on the next one's DECOM with a reason
    other than X1; and a last episode that has ended with X1. Only valid DECs are looked at.
    """
    order = p.order_by_start_blank_first
    child = p.episode_child[order]
    has_next = np.zeros(len(order), dtype=bool)
    has_next[:-1] = (child[:-1] == child[1:]) & (child[:-1] >= 0)
    is_last = (~has_next) & (child >= 0)

    decom = p.decom.to_numpy().copy()
    decom[np.isnat(decom)] = np.datetime64("1901-01-01")
    next_decom = np.empty_like(decom[order])
    next_decom[:-1] = decom[order][1:]
    if len(order):
        next_decom[-1] = np.datetime64("NaT")
    dec = p.dec.to_numpy()[order]
    dec_given = ~np.isnat(dec)
    rec = p.values("REC")[order]
    x1 = rec == "X1"
    rec_other = (rec != None) & ~x1  # noqa: E711

    continues_same_day = dec == next_decom
    case1 = has_next & x1 & dec_given & ~continues_same_day
    case2 = has_next & rec_other & dec_given & continues_same_day
    case3 = is_last & dec_given & x1
    return {"episodes": _unsort(case1 | case2 | case3, order)}


def continuation_not_same_day(p: Prepared) -> Hits:
    """433: a continuation episode (RNE P, L, T, U or B) must start on the day the last one ended.

    Episodes are ordered by child, DECOM, then DEC. The dates are compared as written, so a
    blank on either side is a mismatch; two spellings of the same valid date count as equal.
    """
    order = p.order_by_start_end
    same = p.same_child_as_previous(order)
    _, prev_dec_text = _previous(p.values("DEC"), order)
    decom_text = p.values("DECOM")[order]
    _, prev_dec = _previous(p.dec.to_numpy(), order)
    decom = p.decom.to_numpy()[order]
    equal_text = _eq_strict(prev_dec_text, decom_text)
    equal_date = prev_dec == decom  # NaT never equal
    rne = p.isin("RNE", frozenset({"P", "L", "T", "U", "B"}))[order]
    return {"episodes": _unsort(rne & same & ~(equal_text | equal_date), order)}


def _neighbour_fields(
    p: Prepared, order: IntArray, cols: tuple[str, ...]
) -> list[tuple[ObjArray, ObjArray]]:
    return [_previous(p.values(c), order) for c in cols]


def legal_status_only_mismatch(p: Prepared) -> Hits:
    """434: RNE L (legal status changed, placement not) but LS is unchanged or placement changed.

    Placement details are PLACE, PL_POST, URN and PLACE_PROVIDER; blanks compare equal there,
    but a blank LS never equals the previous LS.
    """
    order = p.order_by_start
    same = p.same_child_as_previous(order)
    rne_l = p.eq("RNE", "L")[order]
    ls, prev_ls = _previous(p.values("LS"), order)
    changed = np.zeros(len(order), dtype=bool)
    for cur, prev in _neighbour_fields(p, order, _PLACEMENT_FIELDS):
        changed |= ~_eq_blank_equal(cur, prev)
    return {"episodes": _unsort(same & rne_l & (_eq_strict(ls, prev_ls) | changed), order)}


def placement_only_mismatch(p: Prepared) -> Hits:
    """435: RNE P or T (placement changed, legal status not) but LS changed or placement did not.

    Blanks never compare equal here: a blank LS counts as a change and a blank placement
    detail counts as a change of placement.
    """
    order = p.order_by_start
    same = p.same_child_as_previous(order)
    rne = p.isin("RNE", frozenset({"P", "T"}))[order]
    ls, prev_ls = _previous(p.values("LS"), order)
    unchanged = np.ones(len(order), dtype=bool)
    for cur, prev in _neighbour_fields(p, order, _PLACEMENT_FIELDS):
        unchanged &= _eq_strict(cur, prev)
    return {"episodes": _unsort(same & rne & (~_eq_strict(ls, prev_ls) | unchanged), order)}


def both_changed_mismatch(p: Prepared) -> Hits:
    """436: RNE U or B (placement and legal status both changed) but LS or placement did not.

    Blanks compare equal to blanks here.
    """
    order = p.order_by_start
    same = p.same_child_as_previous(order)
    rne = p.isin("RNE", frozenset({"U", "B"}))[order]
    ls, prev_ls = _previous(p.values("LS"), order)
    unchanged = np.ones(len(order), dtype=bool)
    for cur, prev in _neighbour_fields(p, order, _PLACEMENT_FIELDS):
        unchanged &= _eq_blank_equal(cur, prev)
    return {"episodes": _unsort(same & rne & (_eq_blank_equal(ls, prev_ls) | unchanged), order)}


def episodes_after_death_or_18(p: Prepared) -> Hits:
    """437: REC E2 (died) or E15 (turned 18) but the child has a later episode.

    An episode without a valid DECOM is not itself checked, but counts as a later episode.
    """
    order = p.order_by_start
    child = p.episode_child[order]
    has_next = np.zeros(len(order), dtype=bool)
    has_next[:-1] = (child[:-1] == child[1:]) & (child[:-1] >= 0)
    ceased = p.isin("REC", frozenset({"E2", "E15"}))[order]
    has_start = p.decom.notna().to_numpy()[order]
    return {"episodes": _unsort(ceased & has_next & has_start, order)}


def starts_before_previous_end(p: Prepared) -> Hits:
    """501: an episode starts before the previous episode of the child (by DECOM) ended."""
    order = p.order_by_start
    same = p.same_child_as_previous(order)
    decom = p.decom.to_numpy()[order]
    _, prev_dec = _previous(p.dec.to_numpy(), order)
    return {"episodes": _unsort(same & (decom < prev_dec), order)}
