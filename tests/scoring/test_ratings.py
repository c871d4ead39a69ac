import json
import math
import random
import statistics

import attrs
import numpy as np
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
from servicekit.scoring import (
    RatingResult,
    ces,
    csat,
    first_contact_resolution,
    proportion,
)
from strategies import confidences, csat_ratings, fcr_outcomes


def reference_t(values, lo, hi, confidence=0.95):
    a = np.asarray(values, dtype=float)
    mean = float(a.mean())
    if a.size == 1:
        return mean, float(lo), float(hi)
    se = float(a.std(ddof=1)) / math.sqrt(a.size)
    low, high = (
        stats.t.interval(confidence, a.size - 1, loc=mean, scale=se)
        if se > 0
        else (mean, mean)
    )
    return mean, min(max(lo, low), mean), max(min(hi, high), mean)


class TestCsat:
    def test_known_answer(self):
        r = csat([5] * 70 + [4] * 20 + [2] * 10)
        assert r.top_box.value == 90.0
        ci = stats.binomtest(90, 100).proportion_ci(method="wilson")
        assert r.top_box.low == pytest.approx(100 * ci.low)
        assert r.top_box.high == pytest.approx(100 * ci.high)
        assert r.mean.value == pytest.approx(4.5)
        assert r.counts == (0, 10, 0, 20, 70)
        assert (r.kind, r.scale, r.threshold, r.n) == ("csat", 5, 4, 100)

    @given(csat_ratings, confidences)
    def test_matches_scipy(self, ratings, confidence):
        r = csat(ratings, confidence=confidence)
        top = sum(1 for x in ratings if x >= 4)
        ci = stats.binomtest(top, len(ratings)).proportion_ci(
            confidence_level=confidence, method="wilson"
        )
        assert r.top_box.value == pytest.approx(100 * top / len(ratings))
        assert r.top_box.low == pytest.approx(100 * ci.low, abs=1e-9)
        assert r.top_box.high == pytest.approx(100 * ci.high, abs=1e-9)
        mean, low, high = reference_t(ratings, 1, 5, confidence)
        assert r.mean.value == pytest.approx(statistics.fmean(ratings), abs=1e-12)
        assert r.mean.value == pytest.approx(mean, abs=1e-12)
        assert r.mean.low == pytest.approx(low, abs=1e-9)
        assert r.mean.high == pytest.approx(high, abs=1e-9)

    @given(csat_ratings, st.randoms(use_true_random=False))
    def test_permutation_and_round_trip(self, ratings, rnd):
        r = csat(ratings)
        shuffled = list(ratings)
        rnd.shuffle(shuffled)
        assert csat(shuffled) == r
        assert RatingResult.from_dict(json.loads(json.dumps(r.to_dict()))) == r

    @given(st.lists(st.integers(1, 5), min_size=2, max_size=40))
    def test_intervals_shrink_as_n_grows(self, ratings):
        small, big = csat(ratings), csat(ratings * 5)
        assert (
            big.top_box.high - big.top_box.low < small.top_box.high - small.top_box.low
            or (small.top_box.high - small.top_box.low == 0)
        )
        assert big.mean.high - big.mean.low <= small.mean.high - small.mean.low

    def test_single_rating_has_the_whole_scale_as_mean_interval(self):
        r = csat([4])
        assert (r.mean.low, r.mean.value, r.mean.high) == (1.0, 4.0, 5.0)
        assert r.top_box.value == 100.0 == r.top_box.high

    def test_ten_point_scale(self):
        r = csat([10, 9, 8, 1], scale=10, satisfied_at=9)
        assert r.top_box.value == 50.0
        assert r.counts[-1] == 1
        assert len(r.counts) == 10

    @pytest.mark.parametrize(
        ("ratings", "kwargs", "error", "match"),
        [
            ([], {}, InsufficientDataError, "at least one"),
            ([6], {}, InvalidArgumentError, "1–5"),
            ([0], {}, InvalidArgumentError, "1–5"),
            ([math.nan], {}, InvalidArgumentError, "NaN"),
            ([True], {}, InvalidTypeError, "booleans"),
            ([4.5], {}, InvalidArgumentError, "whole"),
            ([4], {"scale": 1}, InvalidArgumentError, "2 <= scale"),
            ([4], {"scale": 10**9}, InvalidArgumentError, "scale <= 1000"),
            ([4], {"satisfied_at": 6}, InvalidArgumentError, "satisfied_at"),
            ([4], {"satisfied_at": 1}, InvalidArgumentError, "satisfied_at"),
            ([4], {"scale": 5.0}, InvalidTypeError, "scale"),
        ],
    )
    def test_bad_input(self, ratings, kwargs, error, match):
        with pytest.raises(error, match=match):
            csat(ratings, **kwargs)

    def test_inconsistent_result_cannot_be_built(self):
        r = csat([5, 4, 1])
        with pytest.raises(InvalidArgumentError, match="counts"):
            RatingResult(
                kind="csat",
                scale=5,
                threshold=4,
                top_box=r.top_box,
                mean=r.mean,
                counts=(1, 1),
            )
        with pytest.raises(InvalidArgumentError, match="counts"):
            RatingResult(
                kind="csat",
                scale=5,
                threshold=4,
                top_box=r.top_box,
                mean=r.mean,
                counts=(1, 0, 0, 1, -1),
            )
        with pytest.raises(DeserializationError, match=r"at \$\.kind: expected one of"):
            RatingResult.from_dict({**r.to_dict(), "kind": "nps"})
        with pytest.raises(InvalidArgumentError, match="'csat' or 'ces'"):
            RatingResult(**{**attrs.asdict(r, recurse=False), "kind": "nps"})
        with pytest.raises(InvalidTypeError, match="counts"):
            RatingResult(
                kind="csat",
                scale=5,
                threshold=4,
                top_box=r.top_box,
                mean=r.mean,
                counts=None,
            )
        with pytest.raises(DeserializationError, match="counts"):
            RatingResult.from_dict({**r.to_dict(), "counts": "10011"})


class TestCes:
    def test_defaults_are_seven_point_agreement(self):
        r = ces([7, 6, 5, 4, 1])
        assert (r.kind, r.scale, r.threshold) == ("ces", 7, 5)
        assert r.top_box.value == 60.0
        with pytest.raises(InvalidArgumentError, match="1–7"):
            ces([8])


class TestProportionAndFcr:
    @given(fcr_outcomes, confidences)
    def test_fcr_matches_scipy(self, outcomes, confidence):
        e = first_contact_resolution(outcomes, confidence=confidence)
        k, n = sum(outcomes), len(outcomes)
        ci = stats.binomtest(k, n).proportion_ci(
            confidence_level=confidence, method="wilson"
        )
        assert e.value == pytest.approx(100 * k / n)
        assert e.low == pytest.approx(100 * ci.low, abs=1e-9)
        assert e.high == pytest.approx(100 * ci.high, abs=1e-9)
        assert e == proportion(k, n, confidence=confidence)

    def test_fcr_rejects_numbers(self):
        with pytest.raises(InvalidTypeError, match="True or False"):
            first_contact_resolution([1, 0, 1])
        with pytest.raises(InsufficientDataError):
            first_contact_resolution([])

    def test_numpy_booleans_accepted(self):
        assert first_contact_resolution(np.array([True, False])).value == 50.0

    @pytest.mark.parametrize(
        ("k", "n", "error"),
        [
            (0, 0, InsufficientDataError),
            (3, 2, InvalidArgumentError),
            (-1, 2, InvalidArgumentError),
            (1.0, 2, InvalidTypeError),
            (True, 2, InvalidTypeError),
        ],
    )
    def test_proportion_rejects_impossible_counts(self, k, n, error):
        with pytest.raises(error):
            proportion(k, n)


def test_coverage_simulation_wilson_and_t():
    """≥ 93 % of 95 % Wilson (top-box) and t (mean) intervals cover the truth, n = 50."""
    rng = random.Random(7)  # noqa: S311 - a seeded simulation, not secrets
    shapes = [
        [0.05, 0.05, 0.1, 0.3, 0.5],
        [0.2, 0.2, 0.2, 0.2, 0.2],
        [0.01, 0.02, 0.07, 0.3, 0.6],
    ]
    top_cover = mean_cover = 0
    for i in range(2000):
        weights = shapes[i % len(shapes)]
        true_top = 100 * (weights[3] + weights[4])
        true_mean = sum((k + 1) * w for k, w in enumerate(weights))
        r = csat(rng.choices(range(1, 6), weights=weights, k=50))
        top_cover += r.top_box.contains(true_top)
        mean_cover += r.mean.contains(true_mean)
    # Upper bounds: an interval covering the whole scale would always "cover".
    assert 0.93 <= top_cover / 2000 <= 0.98
    assert 0.93 <= mean_cover / 2000 <= 0.98


def test_numpy_scalars_in_plain_lists():
    assert first_contact_resolution([np.True_, np.False_]).value == 50.0
    with pytest.raises(InvalidTypeError, match="True or False"):
        first_contact_resolution([np.True_, 1])
    assert csat([np.int64(5), np.int64(3)]) == csat([5, 3])


def test_zero_dimensional_array_is_not_a_list():
    with pytest.raises(InvalidTypeError, match="list"):
        csat(np.array(5))
