"""Duration statistics with intervals: mean, median and 90th percentile, and their change.

"Mean first response 4.8 h against 1.2 h, target −60 %" needs intervals to mean
anything. [`duration_statistics`][] gives the mean (Student-t interval, exact integer
sums), the median and the 90th percentile (type-7 sample quantiles with
distribution-free order-statistic intervals) of response or resolution times;
[`duration_change`][] gives the change between two periods as a percentage with an
interval. Both accept the durations themselves or a merged [`MeasureSummary`][] of a
[`DurationMeasure`][], with identical results.

This module must never round a duration before the measure's declared resolution.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from typing import TYPE_CHECKING, Any

import attrs

from servicekit import _codec
from servicekit.errors import InsufficientDataError, InvalidArgumentError
from servicekit.scoring._distributions import t_ppf, two_sided_z
from servicekit.scoring._duration_summaries import (
    MICROSECONDS,
    QuantileSummary,
    mean_summary,
)
from servicekit.scoring._estimate import Estimate
from servicekit.scoring._measures import DurationMeasure, check_unit
from servicekit.scoring._mergeable import MeasureSummary
from servicekit.scoring._validation import (
    check_confidence,
    materialise,
    of_type,
    require,
    whole,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["DurationStatistics", "duration_change", "duration_statistics"]

_MICROSECOND = dt.timedelta(microseconds=1)


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class DurationStatistics(_codec.Serialisable):
    """Mean, median and 90th percentile of a set of durations, each with its interval.

    Args:
        n: the durations behind the statistics.
        unit: what the values are in (``"seconds"``, ``"minutes"``, ``"hours"``,
            ``"days"``).
        mean: the mean, Student-t interval (method ``"t"``).
        median: the median, order-statistic interval (``"order-statistic"``).
        p90: the 90th percentile, order-statistic interval.

    Examples:
        >>> import datetime as dt
        >>> from servicekit.scoring import DurationStatistics, duration_statistics
        >>> s = duration_statistics([dt.timedelta(minutes=m) for m in range(1, 61)])
        >>> DurationStatistics.from_dict(s.to_dict()) == s
        True
    """

    n: int = attrs.field(validator=whole(1))
    unit: str = attrs.field(validator=check_unit)
    mean: Estimate = attrs.field(validator=of_type(Estimate))
    median: Estimate = attrs.field(validator=of_type(Estimate))
    p90: Estimate = attrs.field(validator=of_type(Estimate))


def _counted(
    durations: Iterable[dt.timedelta] | MeasureSummary,
    unit: str,
    resolution: dt.timedelta,
    confidence: float,
) -> MeasureSummary:
    """The durations as a summary of a mean-of-durations measure."""
    if isinstance(durations, MeasureSummary):
        if not isinstance(durations.measure, DurationMeasure):
            msg = f"a summary of durations needs a DurationMeasure; this one is of {durations.measure!r}"
            raise InvalidArgumentError(msg)
        return durations
    level = check_confidence(confidence)
    measure = DurationMeasure(field="duration", unit=unit, resolution=resolution)
    values = materialise(durations, "durations")
    counts = Counter(measure.keys(values))
    return MeasureSummary(measure=measure, counts=counts, confidence=level)


def duration_statistics(
    durations: Iterable[dt.timedelta] | MeasureSummary,
    *,
    unit: str = "hours",
    confidence: float = 0.95,
    resolution: dt.timedelta = _MICROSECOND,
) -> DurationStatistics:
    """Return the mean, median and 90th percentile of durations with their intervals.

    The mean's interval is Student's t on the exact sample variance (integer sums of
    microseconds): for skewed response times it is the usual large-sample interval,
    honest from a few dozen durations on. The quantiles are type-7 sample quantiles
    (numpy's default) with the equal-tailed order-statistic interval
    ``[x(l), x(u)]``, whose coverage is at least ``confidence`` for any continuous
    distribution; with too few durations an end the order statistics cannot reach is
    0 (below) or the longest ``timedelta`` (above).

    Args:
        durations: non-negative ``timedelta`` values (``pendulum.Duration`` too), or a
            [`MeasureSummary`][] of a [`DurationMeasure`][] (then its unit,
            resolution and confidence are used and the keyword arguments ignored).
        unit: ``"seconds"``, ``"minutes"``, ``"hours"`` or ``"days"``.
        confidence: the intervals' level.
        resolution: durations are rounded down to a whole number of this first.

    Raises:
        InsufficientDataError: no durations.
        InvalidArgumentError: a negative duration, an unknown unit or a bad level.
        InvalidTypeError: a value that is not a ``timedelta``.

    Examples:
        >>> import datetime as dt
        >>> from servicekit.scoring import duration_statistics
        >>> hours = [0.5] * 40 + [1.0] * 30 + [2.0] * 20 + [8.0] * 10
        >>> s = duration_statistics([dt.timedelta(hours=h) for h in hours])
        >>> s.mean.value, s.median.value, s.p90.value
        (1.7, 1.0, 2.6)
        >>> s.median.low, s.median.high
        (0.5, 1.0)
    """
    summary = _counted(durations, unit, resolution, confidence)
    require(summary.n, "duration statistics")
    measure = summary.measure
    assert isinstance(measure, DurationMeasure)  # noqa: S101 - checked by _counted
    counts = dict(summary.counts)
    unit_us = MICROSECONDS[measure.unit]
    level = summary.confidence
    return DurationStatistics(
        n=summary.n,
        unit=measure.unit,
        mean=mean_summary(counts, measure.tick_us, unit_us).estimate(level),
        median=QuantileSummary(counts, 50, measure.tick_us, unit_us).estimate(level),
        p90=QuantileSummary(counts, 90, measure.tick_us, unit_us).estimate(level),
    )


def _percent(ratio_low: float, ratio_high: float) -> tuple[float, float]:
    return 100.0 * (ratio_low - 1.0), 100.0 * (ratio_high - 1.0)


def duration_change(
    before: Iterable[dt.timedelta] | MeasureSummary,
    after: Iterable[dt.timedelta] | MeasureSummary,
    *,
    statistic: str = "mean",
    confidence: float = 0.95,
    resolution: dt.timedelta = _MICROSECOND,
) -> Estimate:
    """Return the change of a duration statistic from ``before`` to ``after``, in percent.

    The value is ``100 · (after / before − 1)``: a mean first response falling from
    4.8 h to 1.92 h is −60 %. The interval is on the ratio's logarithm, turned back:

    * ``"mean"``: the delta method, ``se² = s₁²/(n₁m₁²) + s₀²/(n₀m₀²)``, with
      Student's t on Welch–Satterthwaite degrees of freedom (method
      ``"log-ratio-t"``);
    * ``"median"`` or ``"pNN"``: Price and Bonett's (2002) interval for a ratio of
      quantiles, each log quantile's standard error read off its order-statistic
      interval (method ``"price-bonett"``).

    Args:
        before: the earlier period's durations, or a summary of a
            [`DurationMeasure`][].
        after: the later period's, likewise.
        statistic: ``"mean"``, ``"median"`` or ``"p1"``…``"p99"``.
        confidence: the interval's level (a summary's own level wins).
        resolution: durations are rounded down to a whole number of this first.

    Raises:
        InsufficientDataError: fewer than two durations in a period, a statistic of
            zero in ``before`` (no ratio), or, for a quantile, too few durations for
            its order-statistic interval to have two ends above zero.
        InvalidArgumentError: an unknown statistic, a negative duration or two
            summaries at different resolutions or levels.

    Examples:
        >>> import datetime as dt
        >>> from servicekit.scoring import duration_change
        >>> march = [dt.timedelta(hours=h) for h in [4.0, 5.6] * 50]
        >>> june = [dt.timedelta(hours=h) for h in [1.6, 2.24] * 50]
        >>> change = duration_change(march, june)
        >>> round(change.value, 6), round(change.low, 1), round(change.high, 1)
        (-60.0, -61.8, -58.1)
    """
    probe = DurationMeasure(statistic=statistic)  # validates the statistic's name
    a = _counted(before, "hours", resolution, confidence)
    b = _counted(after, "hours", resolution, confidence)
    ma, mb = a.measure, b.measure
    assert isinstance(ma, DurationMeasure)  # noqa: S101 - checked by _counted
    assert isinstance(mb, DurationMeasure)  # noqa: S101 - checked by _counted
    if ma.resolution != mb.resolution or a.confidence != b.confidence:
        msg = (
            f"cannot compare durations at resolution {ma.resolution} and level "
            f"{a.confidence} with ones at {mb.resolution} and {b.confidence}"
        )
        raise InvalidArgumentError(msg)
    for name, s in (("before", a), ("after", b)):
        if s.n < 2:
            msg = (
                f"a change needs at least 2 durations in each period; {name} has {s.n}"
            )
            raise InsufficientDataError(msg)
    level = a.confidence
    tick = ma.tick_us
    ca, cb = dict(a.counts), dict(b.counts)
    if probe.statistic == "mean":
        return _mean_change(ca, cb, tick, level)
    percent = 50 if probe.statistic == "median" else int(probe.statistic[1:])
    return _quantile_change(ca, cb, percent, tick, level)


def _mean_change(
    before: dict[Any, int], after: dict[Any, int], tick: int, level: float
) -> Estimate:
    n0, n1 = sum(before.values()), sum(after.values())
    s0 = sum(k * c for k, c in before.items())
    s1 = sum(k * c for k, c in after.items())
    if s0 == 0:
        msg = "the mean before is zero: a change from it has no ratio"
        raise InsufficientDataError(msg)
    # 100·(m₁/m₀ − 1) in integers, then one rounding.
    value = 100 * (s1 * n0 - s0 * n1) / (s0 * n1)
    if s1 == 0:
        return Estimate(
            value=value,
            low=-100.0,
            high=-100.0,
            n=n0 + n1,
            method="log-ratio-t",
            confidence=level,
        )
    m0 = mean_summary(before, tick, tick)
    m1 = mean_summary(after, tick, tick)
    # Relative variances of each mean: s²/(n·m²).
    r0 = m0.variance / (n0 * m0.mean * m0.mean)
    r1 = m1.variance / (n1 * m1.mean * m1.mean)
    se = math.sqrt(r0 + r1)
    if se == 0.0:
        low = high = value
    else:
        df = (r0 + r1) ** 2 / (r0 * r0 / (n0 - 1) + r1 * r1 / (n1 - 1))
        half = t_ppf(0.5 + level / 2.0, df) * se
        ratio = s1 * n0 / (s0 * n1)
        low, high = _percent(ratio * math.exp(-half), ratio * math.exp(half))
        low, high = min(low, value), max(high, value)
    return Estimate(
        value=value,
        low=low,
        high=high,
        n=n0 + n1,
        method="log-ratio-t",
        confidence=level,
    )


def _quantile_change(
    before: dict[Any, int],
    after: dict[Any, int],
    percent: int,
    tick: int,
    level: float,
) -> Estimate:
    q0 = QuantileSummary(before, percent, tick, tick)
    q1 = QuantileSummary(after, percent, tick, tick)
    se0, se1 = q0.log_spread(level), q1.log_spread(level)
    if se0 is None or se1 is None or q0.value <= 0.0 or q1.value <= 0.0:
        msg = (
            f"the p{percent} change needs enough durations above zero in both periods "
            "for an order-statistic interval with two ends above zero"
        )
        raise InsufficientDataError(msg)
    ratio = q1.value / q0.value
    value = 100.0 * (ratio - 1.0)
    half = two_sided_z(level) * math.hypot(se0, se1)
    low, high = _percent(ratio * math.exp(-half), ratio * math.exp(half))
    return Estimate(
        value=value,
        low=min(low, value),
        high=max(high, value),
        n=q0.n + q1.n,
        method="price-bonett",
        confidence=level,
    )
