import json
import math
import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from servicekit.errors import (
    DeserializationError,
    InsufficientDataError,
    InvalidArgumentError,
    InvalidTypeError,
)
from servicekit.scoring import NpsResult, compare_nps, nps
from strategies import confidences, nps_scores


def reference_interval(scores, confidence=0.95):
    """Adjusted Wald by hand with numpy, from the per-respondent +1/0/−1 scores."""
    s = np.asarray(scores)
    n = s.size
    z = stats.norm.ppf(0.5 + confidence / 2)
    pp = (np.count_nonzero(s >= 9) + 0.75) / (n + 3)
    pd = (np.count_nonzero(s <= 6) + 0.75) / (n + 3)
    centre = pp - pd
    var = pp + pd - centre**2
    half = z * math.sqrt(var / (n + 3))
    plain = 100 * (np.count_nonzero(s >= 9) - np.count_nonzero(s <= 6)) / n
    low = max(-100.0, 100 * (centre - half))
    high = min(100.0, 100 * (centre + half))
    return plain, min(low, plain), max(high, plain)


class TestKnownAnswers:
    def test_fifty_thirty_twenty(self):
        r = nps([9] * 50 + [7] * 30 + [6] * 20)
        assert (r.promoters, r.passives, r.detractors) == (50, 30, 20)
        assert r.estimate.value == 30.0
        assert r.n == 100
        # Independent hand computation: n' = 103, pP = 50.75/103, pD = 20.75/103.
        pp, pd = 50.75 / 103, 20.75 / 103
        se = math.sqrt((pp + pd - (pp - pd) ** 2) / 103)
        assert r.estimate.low == pytest.approx(100 * (pp - pd - 1.959963984540054 * se))
        assert r.estimate.high == pytest.approx(
            100 * (pp - pd + 1.959963984540054 * se)
        )
        assert r.estimate.method == "adjusted-wald"

    def test_boundaries_of_the_categories(self):
        r = nps([0, 6, 7, 8, 9, 10])
        assert (r.promoters, r.passives, r.detractors) == (2, 2, 2)

    def test_single_answer(self):
        r = nps([10])
        assert r.estimate.value == 100.0
        assert r.estimate.high == 100.0
        assert r.estimate.low < 0  # one answer says very little

    def test_all_promoters_interval_contains_100(self):
        r = nps([10] * 50)
        assert r.estimate.value == 100.0 == r.estimate.high
        assert 80 < r.estimate.low < 100

    def test_all_detractors(self):
        r = nps([0] * 20)
        assert r.estimate.value == -100.0 == r.estimate.low

    def test_floats_holding_whole_numbers_and_numpy_ints(self):
        assert nps([10.0, 3.0]) == nps([10, 3])
        assert nps(np.array([10, 3])) == nps([10, 3])
        assert nps(x for x in [10, 3]) == nps([10, 3])


class TestProperties:
    @given(nps_scores, confidences)
    def test_matches_independent_computation(self, scores, confidence):
        r = nps(scores, confidence=confidence)
        value, low, high = reference_interval(scores, confidence)
        assert r.estimate.value == pytest.approx(value, abs=1e-9)
        assert r.estimate.low == pytest.approx(low, abs=1e-9)
        assert r.estimate.high == pytest.approx(high, abs=1e-9)

    @given(nps_scores)
    def test_range_and_containment(self, scores):
        e = nps(scores).estimate
        assert -100 <= e.low <= e.value <= e.high <= 100

    @given(nps_scores, st.randoms(use_true_random=False))
    def test_permutation_changes_nothing(self, scores, rnd):
        shuffled = list(scores)
        rnd.shuffle(shuffled)
        assert nps(shuffled) == nps(scores)

    @given(st.integers(0, 20), st.integers(0, 20), st.integers(0, 20))
    def test_interval_shrinks_as_n_grows(self, p, a, d):
        if p + a + d == 0:
            return
        small = nps([10] * p + [8] * a + [0] * d).estimate
        big = nps([10] * (10 * p) + [8] * (10 * a) + [0] * (10 * d)).estimate
        assert big.value == pytest.approx(small.value)
        assert big.high - big.low < small.high - small.low

    @given(nps_scores)
    def test_round_trip(self, scores):
        r = nps(scores)
        assert NpsResult.from_dict(json.loads(json.dumps(r.to_dict()))) == r


class TestBadInput:
    def test_empty_is_a_clear_error(self):
        with pytest.raises(InsufficientDataError, match="at least one answer"):
            nps([])

    @pytest.mark.parametrize("bad", [11, -1, 100])
    def test_out_of_range(self, bad):
        with pytest.raises(InvalidArgumentError, match="0–10"):
            nps([10, bad])

    def test_nan(self):
        with pytest.raises(InvalidArgumentError, match="NaN"):
            nps([10, math.nan])

    def test_fraction(self):
        with pytest.raises(InvalidArgumentError, match="whole numbers"):
            nps([9.5])

    def test_booleans_are_not_scores(self):
        """Regression: True == 1 and hashes alike, so Counter merged True into 1.

        A yes/no column passed by mistake was silently scored as detractors.
        """
        with pytest.raises(InvalidTypeError, match="booleans"):
            nps([1, True])
        with pytest.raises(InvalidTypeError, match="booleans"):
            nps([True, 10])
        with pytest.raises(InvalidTypeError, match="booleans"):
            nps(np.array([True, False]))

    @pytest.mark.parametrize("bad", ["9", None, object()])
    def test_non_numbers(self, bad):
        with pytest.raises(InvalidTypeError):
            nps([10, bad])

    @pytest.mark.parametrize("bad", ["9 10", {"a": 1}, 7])
    def test_not_a_list(self, bad):
        with pytest.raises(InvalidTypeError, match="list"):
            nps(bad)

    def test_confidence_checked(self):
        with pytest.raises(InvalidArgumentError):
            nps([10], confidence=95)

    def test_inconsistent_result_cannot_be_built(self):
        r = nps([10, 0, 8])
        with pytest.raises(InvalidArgumentError, match="n = 3"):
            NpsResult(estimate=r.estimate, promoters=2, passives=1, detractors=1)
        with pytest.raises(InvalidArgumentError, match="counts give"):
            NpsResult(estimate=r.estimate, promoters=2, passives=0, detractors=1)
        with pytest.raises(InvalidArgumentError, match="at least 0"):
            NpsResult(estimate=r.estimate, promoters=-1, passives=3, detractors=1)
        with pytest.raises(InvalidTypeError, match="whole number"):
            NpsResult(estimate=r.estimate, promoters=2.0, passives=0, detractors=1)
        with pytest.raises(InvalidTypeError, match="Estimate"):
            NpsResult(estimate=30.0, promoters=2, passives=0, detractors=1)
        with pytest.raises(DeserializationError):
            NpsResult.from_dict({**r.to_dict(), "promoters": 5})


class TestCompare:
    def reference(self, a, b, confidence=0.95):
        def adj(r):
            n = r.n + 3
            pp, pd = (r.promoters + 0.75) / n, (r.detractors + 0.75) / n
            return pp - pd, (pp + pd - (pp - pd) ** 2) / n

        ca, va = adj(a)
        cb, vb = adj(b)
        se = math.sqrt(va + vb)
        z = (ca - cb) / se
        return (
            z,
            2 * stats.norm.sf(abs(z)),
            100 * (ca - cb - stats.norm.ppf(0.5 + confidence / 2) * se),
        )

    @given(nps_scores, nps_scores)
    def test_matches_reference(self, xs, ys):
        a, b = nps(xs), nps(ys)
        c = compare_nps(a, b)
        z, p, low = self.reference(a, b)
        assert c.z == pytest.approx(z, abs=1e-9)
        assert c.p_value == pytest.approx(p, abs=1e-9)
        assert c.difference.value == pytest.approx(a.estimate.value - b.estimate.value)
        assert c.difference.low <= c.difference.value <= c.difference.high
        assert c.difference.low == pytest.approx(
            max(-200, min(low, c.difference.value)), abs=1e-9
        )

    def test_promoters_and_detractors_are_not_independent(self):
        """The variance of a difference of NPS uses the trinomial variance.

        Treating %P and %D as independent binomials would add their variances and
        overstate the spread when both are large.
        """
        a = nps([10] * 45 + [0] * 45 + [8] * 10)
        b = nps([10] * 40 + [0] * 50 + [8] * 10)
        c = compare_nps(a, b)
        n = 103
        pp, pd = 45.75 / n, 45.75 / n
        trinomial = pp + pd - (pp - pd) ** 2
        independent = pp * (1 - pp) + pd * (1 - pd)
        assert trinomial != pytest.approx(independent)
        qp, qd = 40.75 / n, 50.75 / n
        se = math.sqrt(trinomial / n + (qp + qd - (qp - qd) ** 2) / n)
        assert c.z == pytest.approx(((pp - pd) - (qp - qd)) / se)

    def test_identical_surveys(self):
        a = nps([10, 8, 3] * 10)
        c = compare_nps(a, a)
        assert c.difference.value == 0
        assert c.z == 0
        assert c.p_value == 1.0
        assert not c.significant()

    def test_large_real_difference_is_significant(self):
        c = compare_nps(nps([10] * 300 + [0] * 100), nps([10] * 100 + [0] * 300))
        assert c.significant()
        assert c.difference.value == 100.0

    def test_confidence_override_and_type_errors(self):
        a, b = nps([10, 0]), nps([10, 10])
        assert compare_nps(a, b, confidence=0.8).difference.confidence == 0.8
        with pytest.raises(InvalidTypeError, match="NpsResult"):
            compare_nps(a, [10, 10])  # type: ignore[arg-type]


def test_coverage_simulation():
    """≥ 93 % of 95 % intervals cover the true NPS over 2,000 seeded surveys of n = 50."""
    rng = random.Random(20240601)  # noqa: S311 - a seeded simulation, not secrets
    truths = [(0.5, 0.3), (0.7, 0.1), (0.3, 0.4), (0.9, 0.05)]
    covered = total = 0
    for i in range(2000):
        p_promoter, p_detractor = truths[i % len(truths)]
        true_nps = 100 * (p_promoter - p_detractor)
        scores = []
        for _ in range(50):
            u = rng.random()
            scores.append(
                10 if u < p_promoter else (0 if u < p_promoter + p_detractor else 8)
            )
        covered += nps(scores).estimate.contains(true_nps)
        total += 1
    # The upper bound catches an interval too wide to be useful (−100…100 would
    # always cover).
    assert 0.93 <= covered / total <= 0.98


def test_compare_coverage_and_false_alarm_simulation():
    """The difference interval covers the true change; equal surveys rarely differ.

    2,000 seeded pairs of n = 50 surveys. Treating promoters and detractors as
    independent, or forgetting one survey's variance, moves these rates.
    """
    rng = random.Random(5)  # noqa: S311 - a seeded simulation, not secrets
    pairs = [
        ((0.5, 0.3), (0.6, 0.2)),
        ((0.7, 0.1), (0.7, 0.1)),
        ((0.3, 0.4), (0.5, 0.3)),
        ((0.9, 0.05), (0.8, 0.1)),
    ]

    def survey(p_promoter, p_detractor):
        out = []
        for _ in range(50):
            u = rng.random()
            out.append(
                10 if u < p_promoter else (0 if u < p_promoter + p_detractor else 8)
            )
        return out

    covered = false_alarms = 0
    for i in range(2000):
        (pa, da), (pb, db) = pairs[i % len(pairs)]
        c = compare_nps(nps(survey(pa, da)), nps(survey(pb, db)))
        covered += c.difference.contains(100 * ((pa - da) - (pb - db)))
        if pairs[i % len(pairs)][0] == pairs[i % len(pairs)][1]:
            false_alarms += c.significant()
    assert 0.93 <= covered / 2000 <= 0.98
    assert false_alarms / 500 <= 0.07


def test_pandas_and_numpy_columns_take_the_fast_path():
    scores = [10, 9, 7, 3, 0] * 20
    assert nps(pd.Series(scores)) == nps(scores)
    assert nps(np.array(scores, dtype=np.int64)) == nps(scores)
    assert nps(pd.Series([float(s) for s in scores])) == nps(scores)
    with pytest.raises(InvalidArgumentError, match="NaN"):
        nps(pd.Series([10.0, np.nan]))
    with pytest.raises(InvalidTypeError, match="booleans"):
        nps(pd.Series([True, False]))
