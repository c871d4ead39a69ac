"""The pairwise tests behind segment ranks are the tests of ``compare``, bit for bit."""

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from servicekit.scoring._duration_summaries import QuantileSummary, mean_summary
from servicekit.scoring._summaries import (
    MeanSummary,
    NpsSummary,
    ShareSummary,
    _side,
)

shares = st.builds(
    lambda k, extra: ShareSummary(k, k + extra),
    st.integers(0, 500),
    st.integers(0, 500),
).filter(lambda s: s.n > 0)
npss = st.builds(
    NpsSummary, st.integers(0, 300), st.integers(0, 300), st.integers(0, 300)
).filter(lambda s: s.n > 0)
means = st.dictionaries(st.integers(1, 5), st.integers(1, 40), min_size=1).map(
    lambda counts: MeanSummary.from_counts(Counter(counts), 1.0, 5.0)
)
# Durations in ticks of one minute, reported in hours: few distinct values, many ties.
duration_counts = st.dictionaries(st.integers(0, 600), st.integers(1, 30), min_size=1)
quantiles = st.builds(
    lambda counts, percent: QuantileSummary(counts, percent, 60_000_000, 3_600_000_000),
    duration_counts,
    st.sampled_from([10, 50, 90]),
)
duration_means = duration_counts.map(
    lambda counts: mean_summary(counts, 60_000_000, 3_600_000_000)
)
same_kind = st.one_of(
    st.tuples(quantiles, st.lists(quantiles, max_size=5)),
    st.tuples(duration_means, st.lists(duration_means, max_size=5)),
    st.tuples(shares, st.lists(shares, max_size=5)),
    st.tuples(npss, st.lists(npss, max_size=5)),
    st.tuples(means, st.lists(means, max_size=5)),
)


@given(same_kind, st.sampled_from([0.5, 0.95, 0.99]))
def test_statistics_test_and_compare_agree_exactly(case, confidence):
    """Regression (issue 12): ranks must use the very test ``compare`` reports."""
    first, others = case
    statistics = first.statistics(others)
    assert len(statistics) == len(others)
    for other, z in zip(others, statistics, strict=True):
        statistic, p = first.test(other)
        c = first.compare(other, confidence)
        assert (c.z, c.p_value) == (statistic, p)
        assert z == statistic
        assert 0.0 <= p <= 1.0
        # The test is antisymmetric: the other way round flips the sign only.
        back, p_back = other.test(first)
        assert (back, p_back) == (-statistic if statistic else 0.0, p)


@given(same_kind)
def test_equal_identities_test_alike(case):
    first, others = case
    for other in others:
        if first.identity == other.identity:
            assert first.test(other) == (0.0, 1.0)


@given(
    same_kind,
    st.one_of(
        st.floats(1e-12, 0.5), st.sampled_from([0.05, 0.01, 1e-4, 1e-6, 2.0**-52])
    ),
)
def test_side_never_contradicts_the_p_value(case, level):
    """The shortcut that spares computing p-values only says what is sure."""
    first, others = case
    for other, z in zip(others, first.statistics(others), strict=True):
        _, p = first.test(other)
        side = first.side(other, z, level)
        if side < 0:
            assert p < level
        elif side > 0:
            assert p >= level


def test_a_statistic_at_the_critical_value_is_left_to_the_p_value():
    assert _side(1.96, 1.96) == 0
    assert _side(-2.5, 1.96) == -1
    assert _side(1.0, 1.96) == 1
