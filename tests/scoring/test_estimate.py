import json
import math
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    InvalidTypeError,
)
from servicekit.scoring import Comparison, Estimate, wilson_interval
from strategies import comparisons, confidences, estimates


def brute_wilson(k, n, confidence):
    """The Wilson interval by definition: every p whose score test does not reject."""
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    phat = k / n

    def inside(p):
        return abs(phat - p) <= z * math.sqrt(p * (1 - p) / n)

    def edge(a, b):  # a inside, b outside (or the other way round)
        for _ in range(200):
            m = (a + b) / 2
            if inside(m) == inside(a):
                a = m
            else:
                b = m
        return (a + b) / 2

    low = 0.0 if k == 0 else edge(phat, 0.0)
    high = 1.0 if k == n else edge(phat, 1.0)
    return low, high


class TestEstimate:
    def test_fields_are_pinned(self):
        e = Estimate(value=1.0, low=0.5, high=2.0, n=3, method="t", confidence=0.9)
        assert (e.value, e.low, e.high, e.n, e.method, e.confidence) == (
            1.0,
            0.5,
            2.0,
            3,
            "t",
            0.9,
        )

    def test_default_confidence(self):
        assert Estimate(value=1, low=1, high=1, n=1, method="t").confidence == 0.95

    @pytest.mark.parametrize(
        ("kwargs", "error", "match"),
        [
            ({"value": 3.0, "low": 4.0}, InvalidArgumentError, "must contain it"),
            ({"high": 0.0}, InvalidArgumentError, "must contain it"),
            ({"value": math.nan}, InvalidArgumentError, "finite"),
            ({"low": -math.inf}, InvalidArgumentError, "finite"),
            ({"high": 10**400}, InvalidArgumentError, "finite"),
            ({"value": "1"}, InvalidTypeError, "number"),
            ({"value": True}, InvalidTypeError, "number"),
            ({"n": 0}, InvalidArgumentError, "at least 1"),
            ({"n": 1.0}, InvalidTypeError, "whole number"),
            ({"n": True}, InvalidTypeError, "whole number"),
            ({"method": ""}, InvalidArgumentError, "method"),
            ({"confidence": 1.0}, InvalidArgumentError, "strictly between"),
            ({"confidence": "high"}, InvalidTypeError, "confidence"),
        ],
    )
    def test_invalid_values_say_what_to_fix(self, kwargs, error, match):
        base = {"value": 1.0, "low": 0.0, "high": 2.0, "n": 5, "method": "t"}
        with pytest.raises(error, match=match):
            Estimate(**{**base, **kwargs})

    @given(estimates())
    def test_round_trip_through_json(self, e):
        assert Estimate.from_dict(json.loads(json.dumps(e.to_dict()))) == e
        assert pickle.loads(pickle.dumps(e)) == e
        assert e.contains(e.value)
        assert e.margin >= 0

    @pytest.mark.parametrize("z", [10**400, float("nan"), "nan", "Infinity"])
    def test_comparison_z_is_a_number_or_a_signed_infinity(self, z):
        """Regression (issue 13): NaN in a stored z was reported without its path."""
        e = Estimate(value=6.0, low=1.0, high=11.0, n=800, method="wald")
        data = {**Comparison(difference=e, z=1.0, p_value=0.5).to_dict(), "z": z}
        with pytest.raises(DeserializationError, match=r"at \$\.z: expected a number"):
            Comparison.from_dict(data)

    def test_from_dict_rejects_bad_data(self):
        with pytest.raises(
            DeserializationError, match=r"at \$\.n: this required key is missing"
        ):
            Estimate.from_dict(
                {"value": 1, "low": 0, "high": 2, "method": "t", "confidence": 0.9}
            )
        with pytest.raises(DeserializationError, match="must contain it"):
            Estimate.from_dict(
                {
                    "value": 5,
                    "low": 0,
                    "high": 2,
                    "n": 2,
                    "method": "t",
                    "confidence": 0.9,
                }
            )
        with pytest.raises(DeserializationError, match="at \\$: expected an object"):
            Estimate.from_dict([1, 2])

    def test_separation(self):
        a = Estimate(value=5, low=4, high=6, n=9, method="t")
        b = Estimate(value=8, low=6.5, high=9, n=9, method="t")
        c = Estimate(value=6.2, low=5.9, high=7, n=9, method="t")
        assert a.separates_from(b)
        assert b.separates_from(a)
        assert not a.separates_from(c)

    def test_methods_refuse_wrong_types(self):
        e = Estimate(value=5, low=4, high=6, n=9, method="t")
        with pytest.raises(InvalidTypeError, match="number"):
            e.contains(None)
        with pytest.raises(InvalidTypeError, match="number"):
            e.contains(True)
        with pytest.raises(InvalidTypeError, match="Estimate"):
            e.separates_from(5.0)

    def test_frozen(self):
        e = Estimate(value=1, low=1, high=1, n=1, method="t")
        with pytest.raises(AttributeError):
            e.value = 2  # type: ignore[misc]


class TestComparison:
    @given(comparisons)
    def test_round_trip(self, c):
        assert Comparison.from_dict(json.loads(json.dumps(c.to_dict()))) == c

    def test_significance_uses_the_interval_level_by_default(self):
        d = Estimate(value=1, low=0.1, high=2, n=10, method="t", confidence=0.99)
        c = Comparison(difference=d, z=2.2, p_value=0.03)
        assert not c.significant()
        assert c.significant(alpha=0.05)

    @pytest.mark.parametrize("alpha", [0, 1, 1.5, "0.05", True, math.nan])
    def test_alpha_must_be_a_probability(self, alpha):
        d = Estimate(value=1, low=0.1, high=2, n=10, method="t")
        with pytest.raises(InvalidArgumentError, match="alpha"):
            Comparison(difference=d, z=2.2, p_value=0.03).significant(alpha=alpha)

    @pytest.mark.parametrize("p", [-0.1, 1.1, math.nan, True])
    def test_rejects_impossible_p_values(self, p):
        d = Estimate(value=1, low=0, high=2, n=10, method="t")
        with pytest.raises(InvalidArgumentError, match="probability"):
            Comparison(difference=d, z=1.0, p_value=p)

    def test_rejects_nan_statistic_and_non_estimates(self):
        d = Estimate(value=1, low=0, high=2, n=10, method="t")
        with pytest.raises(InvalidArgumentError, match="number"):
            Comparison(difference=d, z=math.nan, p_value=0.5)
        with pytest.raises(InvalidTypeError, match="Estimate"):
            Comparison(difference=1.0, z=1.0, p_value=0.5)  # type: ignore[arg-type]
        with pytest.raises(DeserializationError):
            Comparison.from_dict({"difference": {}, "z": 1, "p_value": 0.5})


class TestWilson:
    @given(
        st.integers(1, 2000).flatmap(
            lambda n: st.tuples(st.integers(0, n), st.just(n))
        ),
        confidences,
    )
    def test_matches_brute_force_and_scipy(self, kn, confidence):
        k, n = kn
        low, high = wilson_interval(k, n, confidence)
        blow, bhigh = brute_wilson(k, n, confidence)
        assert low == pytest.approx(blow, abs=1e-9)
        assert high == pytest.approx(bhigh, abs=1e-9)
        ci = stats.binomtest(k, n).proportion_ci(
            confidence_level=confidence, method="wilson"
        )
        assert low == pytest.approx(ci.low, abs=1e-9)
        assert high == pytest.approx(ci.high, abs=1e-9)
        assert 0.0 <= low <= k / n <= high <= 1.0

    @given(st.integers(0, 50), st.integers(1, 50))
    def test_shrinks_as_n_grows_with_fixed_share(self, k, n):
        k = min(k, n)
        a = wilson_interval(k, n)
        b = wilson_interval(4 * k, 4 * n)
        assert b[1] - b[0] < a[1] - a[0]

    def test_known_value(self):
        low, high = wilson_interval(81, 100)
        assert (round(low, 4), round(high, 4)) == (0.7222, 0.8749)

    @pytest.mark.parametrize(
        ("k", "n", "error"),
        [
            (5, 4, InvalidArgumentError),
            (-1, 4, InvalidArgumentError),
            (0, 0, InvalidArgumentError),
            (1.0, 4, InvalidTypeError),
            (True, 4, InvalidTypeError),
        ],
    )
    def test_rejects_impossible_counts(self, k, n, error):
        with pytest.raises(error):
            wilson_interval(k, n)


def test_infinite_statistic_round_trips_through_strict_json():
    d = Estimate(value=1.0, low=1.0, high=1.0, n=4, method="welch")
    c = Comparison(difference=d, z=-math.inf, p_value=0.0)
    text = json.dumps(c.to_dict(), allow_nan=False)
    assert Comparison.from_dict(json.loads(text)) == c
