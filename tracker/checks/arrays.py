"""The columnar parts of the checks: what would otherwise be Python work per claim or per
pair of claims, done over numpy arrays of a whole (metric, place) group at once.

At a million claims a (metric, place) group holds about fifty claimants with series of
hundreds of figures; comparing every claimant with every other one point by point is
tens of millions of Python calls (minutes). Here each comparison is one array operation
over all the pairs of a group, with the same arithmetic in the same order (IEEE doubles,
as Python's floats), so that the findings are exactly those of the point-by-point rules
they replace (`tests/test_checks_reference.py` holds them to that).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

#: Keys (claimant index * DAY_SPAN + day ordinal) sort a group's series by claimant, then
#: by date; any date's ordinal (year 9999: 3,652,059) is below DAY_SPAN.
DAY_SPAN = 1 << 22

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

_DIGITS = frozenset("0123456789")
#: Characters used between digit groups (as `tracker.extraction.numbers._GROUP_SEPS`).
_GROUP_SEPS = frozenset(",\u00a0\u202f\u2009 '\u2019.")


def _is_digit(ch: str) -> bool:
    return ch.isdecimal()  # what `\d` matches in a str pattern (Unicode category Nd)


def figure_printed(figure: int, text: str) -> bool:
    """Whether `text` prints `figure` in digits, plain ("7199") or grouped in thousands
    with any usual separator ("7,199", "7 199", "7.199"), standing alone (not part of a
    longer number or a decimal): exactly what `tracker.extraction.numbers._figure_forms`
    matches, without compiling a pattern for each figure. A million claims carry hundreds
    of thousands of distinct figures; compiling a regex for each took most of the check's
    time and, cached, over a gigabyte."""
    plain = str(figure)
    groups = f"{figure:,}".split(",")
    n = len(text)

    def alone(start: int, end: int) -> bool:
        if start > 0:
            before = text[start - 1]
            if before in ".," or _is_digit(before):
                return False
        if end < n:
            after = text[end]
            if _is_digit(after):
                return False
            if after in ".," and end + 1 < n and _is_digit(text[end + 1]):
                return False
        return True

    i = text.find(plain)
    while i >= 0:
        if alone(i, i + len(plain)):
            return True
        i = text.find(plain, i + 1)
    if len(groups) == 1:
        return False
    head = groups[0]
    i = text.find(head)
    while i >= 0:
        pos = i + len(head)
        for group in groups[1:]:
            if pos < n and text[pos] in _GROUP_SEPS and text.startswith(group, pos + 1):
                pos += 1 + len(group)
            else:
                break
        else:
            if alone(i, pos):
                return True
        i = text.find(head, i + 1)
    return False


def spans(counts: IntArray) -> tuple[IntArray, IntArray]:
    """For runs of `counts[i]` items each: the run each item belongs to and its place in it."""
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    firsts = np.cumsum(counts) - counts
    return owner, np.arange(total, dtype=np.int64) - firsts[owner] if total else owner


def nearest(
    keys: IntArray,
    day: IntArray,
    published: IntArray,
    ids: IntArray,
    start: IntArray,
    end: IntArray,
    of: IntArray,
    at: IntArray,
    window: int,
) -> IntArray:
    """For each (claimant `of`, day `at`): the index of that claimant's point closest in date
    (the one just before or just after, within `window` days; on a tie the later published,
    then the higher id), or -1. `keys` are the points' sort keys (claimant index *
    DAY_SPAN + day), one point per claimant and day, claimant k's at start[k]:end[k]."""
    if not len(keys):
        return np.full(len(of), -1, dtype=np.int64)
    pos = np.searchsorted(keys, of * DAY_SPAN + at, side="left")
    lo, hi = start[of], end[of]
    has_before = pos > lo
    before = np.where(has_before, pos - 1, 0)
    gap_before = at - day[before]
    has_before &= gap_before <= window
    has_after = pos < hi
    after = np.where(has_after, pos, 0)
    gap_after = day[after] - at
    has_after &= gap_after <= window
    later_wins = (published[after] > published[before]) | (
        (published[after] == published[before]) & (ids[after] > ids[before])
    )
    take_after = has_after & (
        ~has_before | (gap_after < gap_before) | ((gap_after == gap_before) & later_wins)
    )
    return np.where(take_after, after, np.where(has_before, before, -1))


def mutual_best_overlaps(
    claimant: IntArray,
    first: IntArray,
    last: IntArray,
    published: IntArray,
    ids: IntArray,
    threshold: float,
    focus: BoolArray | None = None,
) -> tuple[IntArray, IntArray]:
    """Pairs (p, o) of per-period figures of two claimants, claimant[p] < claimant[o], each
    the other's best match among the other claimant's figures: the largest share of the
    two periods' union that both cover (at least `threshold`), then the later published,
    then the higher id. Days are ordinals; a period runs from `first` to `last`. With
    `focus` (a flag per claimant), only pairs of claimants including a flagged one: the
    matches between two claimants depend on their two series only.

    Only figures whose periods end close enough to overlap that much are compared: two
    periods sharing a `threshold` of their union end at most (1 - t) / t of either's
    length apart, so a daily figure meets only the same day's."""
    n = len(ids)
    if n == 0:
        return ids[:0], ids[:0]
    order = np.argsort(last, kind="stable")
    ends = last[order]
    length = last - first + 1
    if threshold > 0:
        reach = np.ceil((1 - threshold) / threshold * length).astype(np.int64) + 1
    else:
        reach = np.full(n, DAY_SPAN, dtype=np.int64)
    lo = np.searchsorted(ends, last - reach, side="left")
    hi = np.searchsorted(ends, last + reach, side="right")
    p, k = spans(hi - lo)
    o = order[lo[p] + k]
    keep = claimant[o] != claimant[p]
    if focus is not None:
        keep &= focus[claimant[p]] | focus[claimant[o]]
    p, o = p[keep], o[keep]
    inter = np.minimum(last[p], last[o]) - np.maximum(first[p], first[o]) + 1
    union = np.maximum(last[p], last[o]) - np.minimum(first[p], first[o]) + 1
    share = np.maximum(inter, 0) / union
    keep = share >= threshold
    p, o, share = p[keep], o[keep], share[keep]
    if not len(p):
        return p, o
    # The best o of each (p, o's claimant): the last of its run once sorted by the score.
    width = int(claimant.max()) + 1
    by = np.lexsort((ids[o], published[o], share, claimant[o], p))
    p, o = p[by], o[by]
    run = p * width + claimant[o]
    last_of_run = np.append(run[1:] != run[:-1], True)
    best_p, best_o, best_key = p[last_of_run], o[last_of_run], run[last_of_run]
    # Mutual: o's best among p's claimant is p (`best_key` is sorted).
    forward = claimant[best_p] < claimant[best_o]
    p, o = best_p[forward], best_o[forward]
    back_key = o * width + claimant[p]
    at = np.minimum(np.searchsorted(best_key, back_key), len(best_key) - 1)
    mutual = (best_key[at] == back_key) & (best_o[at] == p)
    return p[mutual], o[mutual]
