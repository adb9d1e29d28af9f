"""The columnar parts of the checks (`tracker.checks.arrays`) give exactly what the
point-by-point definitions give: the figure's printed forms, the nearest figure of another
claimant, the best-overlapping period of another claimant."""

from __future__ import annotations

from bisect import bisect_left

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tracker.checks import arrays
from tracker.extraction.numbers import _figure_forms

SEPARATORS = ",\u00a0\u202f\u2009 '\u2019.;"
figures = st.one_of(
    st.integers(0, 30), st.integers(0, 20_000), st.integers(0, 10**7), st.integers(0, 10**12)
)


@st.composite
def texts_around(draw: st.DrawFn, figure: int) -> str:
    """Text mixing the figure's forms, pieces of it and stray digits and separators."""
    grouped = f"{figure:,}"
    pieces = st.one_of(
        st.sampled_from(SEPARATORS).map(lambda sep: grouped.replace(",", sep)),
        st.just(str(figure)),
        st.integers(0, len(str(figure))).map(lambda n: str(figure)[:n]),
        st.text(alphabet="0123456789,. '\u00a0\u2019x-\u0663", max_size=6),
    )
    return "".join(draw(st.lists(pieces, max_size=5)))


@given(st.data(), figures)
def test_a_figure_is_printed_in_a_text_exactly_when_its_regex_finds_it(data, figure):
    text = data.draw(texts_around(figure))
    assert arrays.figure_printed(figure, text) == bool(_figure_forms(figure).search(text))


def test_a_figure_is_found_grouped_or_plain_but_never_inside_another_number():
    assert arrays.figure_printed(7199, "killed 7,199 people")
    assert arrays.figure_printed(7199, "killed 7 199 people")
    assert arrays.figure_printed(7199, "killed 7199.")
    assert not arrays.figure_printed(7199, "killed 17,199 people")
    assert not arrays.figure_printed(7199, "killed 7,199.5 people")
    assert not arrays.figure_printed(199, "killed 7,199 people")


def nearest_by_definition(day, series, window):  # noqa: ANN001, ANN201
    """The point of `series` [(day, published, id)] closest to `day` within the window:
    the one just before or just after; on a tie the later published, then the higher id."""
    days = [d for d, _pub, _id in series]
    i = bisect_left(days, day)
    before = i - 1 if i > 0 and day - days[i - 1] <= window else None
    after = i if i < len(series) and days[i] - day <= window else None
    if before is None or after is None:
        return before if after is None else after
    if day - days[before] != days[after] - day:
        return before if day - days[before] < days[after] - day else after
    return max((before, after), key=lambda k: series[k][1:])


series_of_claimant = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 3)), max_size=12, unique_by=lambda t: t[0]
)


@given(st.lists(series_of_claimant, min_size=1, max_size=4), st.integers(0, 70), st.integers(0, 9))
def test_the_nearest_figure_is_the_one_just_before_or_after_within_the_window(
    claimants, day, window
):
    all_series = []
    next_id = 1
    for s in claimants:
        rows = []
        for d, pub in sorted(s):
            rows.append((d, pub, next_id))
            next_id += 1
        all_series.append(rows)
    counts = np.array([len(s) for s in all_series], dtype=np.int64)
    end = np.cumsum(counts)
    start = end - counts
    flat = [row for s in all_series for row in s]
    days = np.array([r[0] for r in flat], dtype=np.int64)
    pub = np.array([r[1] for r in flat], dtype=np.int64)
    ids = np.array([r[2] for r in flat], dtype=np.int64)
    owner = np.repeat(np.arange(len(all_series), dtype=np.int64), counts)
    keys = owner * arrays.DAY_SPAN + days
    of = np.arange(len(all_series), dtype=np.int64)
    at = np.full(len(all_series), day, dtype=np.int64)
    got = arrays.nearest(keys, days, pub, ids, start, end, of, at, window)
    for k, s in enumerate(all_series):
        expected = nearest_by_definition(day, s, window)
        assert got[k] == (-1 if expected is None else start[k] + expected)


periods = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 40), st.integers(0, 12), st.integers(0, 3)),
    max_size=25,
)


@given(periods, st.sampled_from([0.0, 0.5, 0.9, 1.0]))
def test_per_period_figures_are_paired_with_their_mutual_best_overlap(rows, threshold):
    claimant = np.array([r[0] for r in rows], dtype=np.int64)
    first = np.array([r[1] for r in rows], dtype=np.int64)
    last = first + np.array([r[2] for r in rows], dtype=np.int64)
    pub = np.array([r[3] for r in rows], dtype=np.int64)
    ids = np.arange(1, len(rows) + 1, dtype=np.int64)

    def overlap(a: int, b: int) -> float:
        inter = min(last[a], last[b]) - max(first[a], first[b]) + 1
        union = max(last[a], last[b]) - min(first[a], first[b]) + 1
        return max(int(inter), 0) / int(union)

    def best(p: int, of: int) -> int | None:
        scored = [(overlap(p, o), pub[o], ids[o], o) for o in range(len(rows)) if claimant[o] == of]
        scored = [t for t in scored if t[0] >= threshold]
        return max(scored)[3] if scored else None

    expected = sorted(
        (p, o)
        for p in range(len(rows))
        for o in range(len(rows))
        if claimant[p] < claimant[o] and best(p, claimant[o]) == o and best(o, claimant[p]) == p
    )
    p, o = arrays.mutual_best_overlaps(claimant, first, last, pub, ids, threshold)
    assert sorted(zip(p.tolist(), o.tolist(), strict=True)) == expected
