"""Holm's step-down procedure with repeated comparisons, against the textbook."""

from hypothesis import given
from hypothesis import strategies as st

from servicekit.scoring._ranking import holm_significant


def textbook_holm(p_values, alpha):
    """Reject while ``(m - i + 1) * p(i) < alpha`` for the i-th smallest, one at a time."""
    ordered = sorted(p_values)
    m = len(ordered)
    rejected = 0
    for i, p in enumerate(ordered, start=1):
        if not (m - i + 1) * p < alpha:
            break
        rejected += 1
    return rejected


@given(
    st.lists(
        st.tuples(
            st.one_of(
                st.floats(0, 1),
                st.sampled_from([0.0, 1e-6, 0.001, 0.01, 0.0125, 0.025, 0.05]),
            ),
            st.integers(1, 4),
        ),
        max_size=12,
    ),
    st.integers(0, 10),
    st.sampled_from([0.01, 0.05, 0.5, 1.0]),
)
def test_blocks_of_equal_comparisons_match_one_at_a_time(blocks, unlisted, alpha):
    """Segments with equal counts are compared once and counted as often as they occur."""
    listed = sorted((p, k) for p, k in blocks if p < alpha)
    expanded = [p for p, k in listed for _ in range(k)]
    # Comparisons left out (p >= alpha, never significant) still count in m.
    m = len(expanded) + unlisted + sum(k for p, k in blocks if p >= alpha)
    accepted = holm_significant(listed, m, alpha)
    everything = expanded + [1.0] * (m - len(expanded))
    assert sum(k for _, k in listed[:accepted]) == textbook_holm(everything, alpha)
