"""Duration statistics against brute-force references.

Order-statistic intervals are checked against direct binomial sums in exact rationals;
quantiles against the type-7 formula in rationals (and numpy); means against exact
rational means; the change between periods against the delta method and the
Price–Bonett formula written out with SciPy.
"""

import datetime as dt
import math
from fractions import Fraction

import numpy as np
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from servicekit.errors import (
    InsufficientDataError,
    InvalidArgumentError,
    InvalidTypeError,
)
from servicekit.scoring import (
    DurationMeasure,
    DurationStatistics,
    MeasureSummary,
    NpsMeasure,
    duration_change,
    duration_statistics,
    segment_table,
    summarise,
)
from servicekit.scoring._duration_summaries import ceiling, order_statistic_ranks
from strategies import confidences, duration_lists

US = dt.timedelta(microseconds=1)
HOUR_US = 3_600_000_000


def _binomial_pmf(n, q):
    return [math.comb(n, i) * q**i * (1 - q) ** (n - i) for i in range(n + 1)]


def reference_ranks(n, percent, confidence):
    """Ranks by direct binomial sums in exact rationals, and the tails at the cuts."""
    q = Fraction(percent, 100)
    tail = Fraction((1.0 - confidence) / 2.0)
    pmf = _binomial_pmf(n, q)
    at_most = [sum(pmf[: k + 1]) for k in range(n + 1)]
    low = max((r for r in range(1, n + 1) if at_most[r - 1] <= tail), default=0)
    high = min(
        (r for r in range(1, n + 1) if 1 - at_most[r - 1] <= tail), default=n + 1
    )
    return low, high, pmf, tail, at_most


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 60), st.sampled_from([5, 10, 25, 50, 75, 90, 95]), confidences)
def test_order_statistic_ranks_match_direct_binomial_sums(n, percent, confidence):
    low, high, pmf, tail, at_most = reference_ranks(n, percent, confidence)
    got = order_statistic_ranks(n, percent / 100, confidence)
    if got != (low, high):
        # Only a tail within rounding of α/2 may fall the other way.
        for r in {got[0], low} - {0}:
            assert abs(float(at_most[r - 1] - tail)) < 1e-12
        for r in {got[1], high} - {n + 1}:
            assert abs(float(1 - at_most[r - 1] - tail)) < 1e-12
        return
    # The interval covers the quantile with at least the stated probability.
    coverage = sum(pmf[low:high])
    assert coverage >= Fraction(confidence) - Fraction(1, 10**12)


def _type7(values_us, percent):
    """numpy's default quantile, in exact rationals of microseconds."""
    xs = sorted(values_us)
    h = Fraction((len(xs) - 1) * percent, 100)
    j = math.floor(h)
    below = xs[j]
    above = xs[min(j + 1, len(xs) - 1)]
    return below + (h - j) * (above - below)


@settings(max_examples=80, deadline=None)
@given(duration_lists, confidences)
def test_statistics_match_exact_references(durations, confidence):
    s = duration_statistics(durations, confidence=confidence, unit="hours")
    us = [d // US for d in durations]
    assert s.n == len(durations)
    assert s.mean.value == float(Fraction(sum(us), len(us) * HOUR_US))
    assert s.median.value == float(_type7(us, 50) / HOUR_US)
    assert s.p90.value == float(_type7(us, 90) / HOUR_US)
    assert s.p90.value == pytest.approx(np.percentile(us, 90) / HOUR_US, rel=1e-12)
    # Quantile intervals are the order statistics the binomial sums choose.
    ordered = sorted(us)
    for estimate, percent in ((s.median, 50), (s.p90, 90)):
        low, high = order_statistic_ranks(len(us), percent / 100, confidence)
        expected_low = ordered[low - 1] / HOUR_US if low else 0.0
        expected_high = (
            ordered[high - 1] / HOUR_US if high <= len(us) else ceiling(HOUR_US)
        )
        assert estimate.low == min(expected_low, estimate.value)
        assert estimate.high == max(expected_high, estimate.value)
        assert estimate.method == "order-statistic"
    # The mean's interval is Student's t on the exact variance.
    if len(us) > 1:
        mean = Fraction(sum(us), len(us))
        variance = sum((Fraction(x) - mean) ** 2 for x in us) / (len(us) - 1)
        half = stats.t.ppf(0.5 + confidence / 2, len(us) - 1) * math.sqrt(
            variance / len(us)
        )
        assert s.mean.high == pytest.approx(
            float(mean) / HOUR_US + half / HOUR_US, rel=1e-9, abs=1e-12
        )
        assert s.mean.low == pytest.approx(
            max(0.0, float(mean) / HOUR_US - half / HOUR_US), rel=1e-9, abs=1e-12
        )


@settings(max_examples=60, deadline=None)
@given(duration_lists, duration_lists, confidences)
def test_the_change_of_the_mean_is_the_delta_method_on_the_log_ratio(a, b, level):
    us_a = [d // US for d in a]
    us_b = [d // US for d in b]
    if len(a) < 2 or len(b) < 2 or sum(us_a) == 0:
        with pytest.raises(InsufficientDataError):
            duration_change(a, b, confidence=level)
        return
    change = duration_change(a, b, confidence=level)
    ratio = Fraction(sum(us_b), len(us_b)) / Fraction(sum(us_a), len(us_a))
    assert change.value == float(100 * (ratio - 1))
    assert change.method == "log-ratio-t"
    if sum(us_b) == 0:
        assert change.low == change.high == -100.0
        return
    parts = []
    for us in (us_a, us_b):
        m = np.mean(us)
        parts.append((np.var(us, ddof=1) / (len(us) * m * m), len(us)))
    se2 = sum(p for p, _ in parts)
    if se2 == 0:
        assert change.low == change.high == change.value
        return
    df = se2**2 / sum(p * p / (n - 1) for p, n in parts)
    half = stats.t.ppf(0.5 + level / 2, df) * math.sqrt(se2)
    assert change.low == pytest.approx(
        min(100 * (float(ratio) * math.exp(-half) - 1), change.value),
        rel=1e-7,
        abs=1e-9,
    )
    assert change.high == pytest.approx(
        max(100 * (float(ratio) * math.exp(half) - 1), change.value), rel=1e-7, abs=1e-9
    )


def test_the_monthly_reports_minus_sixty_percent():
    """USERS.md: mean first response 4.8 h, target ≤ 2 h (−60 %) against it."""
    march = [dt.timedelta(minutes=5 * k) for k in range(20, 100)]
    june = [dt.timedelta(minutes=2 * k) for k in range(20, 100)]
    change = duration_change(march, june)
    assert change.value == pytest.approx(-60.0, abs=1e-12)
    assert change.low < -60.0 < change.high
    median = duration_change(march, june, statistic="median")
    assert median.value == pytest.approx(-60.0, abs=1e-12)
    assert median.method == "price-bonett"
    assert median.low < -60.0 < median.high


@settings(max_examples=40, deadline=None)
@given(duration_lists, duration_lists, st.sampled_from(["median", "p90", "p25"]))
def test_the_change_of_a_quantile_is_price_bonett(a, b, statistic):
    percent = 50 if statistic == "median" else int(statistic[1:])
    try:
        change = duration_change(a, b, statistic=statistic)
    except InsufficientDataError:
        return
    us_a = [d // US for d in a]
    us_b = [d // US for d in b]
    qa, qb = _type7(us_a, percent), _type7(us_b, percent)
    assert change.value == pytest.approx(
        100 * (float(qb / qa) - 1), rel=1e-12, abs=1e-12
    )
    se = []
    for us in (us_a, us_b):
        low, high = order_statistic_ranks(len(us), percent / 100, 0.95)
        ordered = sorted(us)
        se.append(
            (math.log(ordered[high - 1]) - math.log(ordered[low - 1]))
            / (2 * 1.959963984540054)
        )
    half = 1.959963984540054 * math.hypot(*se)
    ratio = float(qb / qa)
    assert change.low == pytest.approx(
        min(100 * (ratio * math.exp(-half) - 1), change.value), rel=1e-9, abs=1e-9
    )
    assert change.high == pytest.approx(
        max(100 * (ratio * math.exp(half) - 1), change.value), rel=1e-9, abs=1e-9
    )


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_segment_rows_are_the_segments_own_statistics(data):
    """A duration measure in ``segment_table`` gives each city its own statistics."""
    statistic = data.draw(st.sampled_from(["mean", "median", "p90"]))
    level = data.draw(confidences)
    rows = [
        {"city": city, "first_response": d}
        for city in ("Beijing", "Hohhot")
        for d in data.draw(duration_lists)
    ]
    measure = DurationMeasure(
        field="first_response", statistic=statistic, unit="minutes"
    )
    table = segment_table(rows, by="city", measure=measure, confidence=level, min_n=1)
    for row in table.rows:
        own = [r["first_response"] for r in rows if r["city"] == row.segment]
        stats_ = duration_statistics(own, unit="minutes", confidence=level)
        assert row.estimate == getattr(stats_, statistic)


def test_a_summary_gives_the_same_statistics_as_the_durations():
    durations = [dt.timedelta(minutes=m) for m in (1, 5, 5, 9, 30, 120)]
    measure = DurationMeasure(
        field="d", unit="minutes", resolution=dt.timedelta(seconds=1)
    )
    rows = [{"d": d} for d in durations]
    merged = summarise(rows[:2], measure=measure) + summarise(rows[2:], measure=measure)
    direct = duration_statistics(
        durations, unit="minutes", resolution=dt.timedelta(seconds=1)
    )
    assert duration_statistics(merged) == direct
    assert DurationStatistics.from_dict(direct.to_dict()) == direct
    assert duration_change(merged, merged) == duration_change(
        durations, durations, resolution=dt.timedelta(seconds=1)
    )


def test_resolution_rounds_down_before_anything_else():
    s = duration_statistics(
        [dt.timedelta(seconds=59), dt.timedelta(seconds=61)],
        unit="minutes",
        resolution=dt.timedelta(minutes=1),
    )
    assert s.mean.value == 0.5
    assert s.median.value == 0.5


def test_one_duration_has_intervals_as_wide_as_durations_go():
    """A single response time says nothing about the spread: no invented bound."""
    s = duration_statistics([dt.timedelta(hours=2)])
    top = dt.timedelta.max / dt.timedelta(hours=1)
    assert (s.mean.low, s.mean.value, s.mean.high) == (0.0, 2.0, pytest.approx(top))
    assert (s.p90.low, s.p90.high) == (0.0, pytest.approx(top))
    assert (s.median.low, s.median.high) == (0.0, pytest.approx(top))


def test_pendulum_durations_are_timedeltas():
    s = duration_statistics([pendulum.duration(minutes=30), dt.timedelta(minutes=90)])
    assert s.mean.value == 1.0


@pytest.mark.parametrize(
    ("durations", "kwargs", "error", "match"),
    [
        ([], {}, InsufficientDataError, "no responses"),
        ([dt.timedelta(seconds=-1)], {}, InvalidArgumentError, "negative"),
        ([3600], {}, InvalidTypeError, "timedelta"),
        ([dt.timedelta(1)], {"unit": "weeks"}, InvalidArgumentError, "unit"),
        ([dt.timedelta(1)], {"confidence": 1.5}, InvalidArgumentError, "confidence"),
        (
            [dt.timedelta(1)],
            {"resolution": dt.timedelta(0)},
            InvalidArgumentError,
            "resolution",
        ),
        ("PT1H", {}, InvalidTypeError, "iterable"),
    ],
)
def test_bad_durations(durations, kwargs, error, match):
    with pytest.raises(error, match=match):
        duration_statistics(durations, **kwargs)


@pytest.mark.parametrize("statistic", ["p0", "p100", "p9.5", "mode", "", 90])
def test_bad_statistics(statistic):
    with pytest.raises(InvalidArgumentError, match="statistic"):
        DurationMeasure(statistic=statistic)


def test_bad_changes():
    two = [dt.timedelta(hours=1), dt.timedelta(hours=2)]
    with pytest.raises(InsufficientDataError, match="before has 1"):
        duration_change(two[:1], two)
    with pytest.raises(InsufficientDataError, match="zero"):
        duration_change([dt.timedelta(0)] * 2, two)
    with pytest.raises(InsufficientDataError, match="p90"):
        duration_change(two, two, statistic="p90")
    with pytest.raises(InvalidArgumentError, match="statistic"):
        duration_change(two, two, statistic="p200")
    coarse = summarise(
        [{"d": d} for d in two],
        measure=DurationMeasure(field="d", resolution=dt.timedelta(seconds=1)),
    )
    with pytest.raises(InvalidArgumentError, match="resolution"):
        duration_change(coarse, two)
    scores = summarise([{"nps": 9}], measure=NpsMeasure())
    with pytest.raises(InvalidArgumentError, match="DurationMeasure"):
        duration_statistics(scores)
    assert isinstance(scores, MeasureSummary)


def test_all_zero_after_is_minus_one_hundred_percent():
    change = duration_change(
        [dt.timedelta(hours=1), dt.timedelta(hours=3)], [dt.timedelta(0)] * 2
    )
    assert (change.value, change.low, change.high) == (-100.0, -100.0, -100.0)


def test_constant_periods_have_a_point_interval():
    change = duration_change([dt.timedelta(hours=2)] * 3, [dt.timedelta(hours=1)] * 3)
    assert (change.value, change.low, change.high) == (-50.0, -50.0, -50.0)
