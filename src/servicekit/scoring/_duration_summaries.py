"""Summaries of durations: an exact mean from integer sums, quantiles from order statistics.

Durations arrive as whole numbers of ticks (multiples of a declared resolution, by
default one microsecond), counted per distinct value. Every statistic is computed
from those integer counts with integer arithmetic until one final, correctly rounded
division, so counts merged from partitions give the same floats as all rows at once.

* The mean uses ``(n, Σx, Σx²)`` in integers: its variance is exact before rounding,
  and the Student-t machinery of [`MeanSummary`][] does the rest.
* A quantile is the type-7 (linear interpolation, numpy's and R's default) sample
  quantile; its interval joins two order statistics chosen from the binomial
  distribution (distribution-free; Hahn & Meeker), and its standard error for tests
  is the Price–Bonett (2002) one, read off that interval.

This module must never look at anything but integer counts.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from itertools import accumulate
from typing import TYPE_CHECKING, Final, cast

from servicekit.scoring._distributions import regularized_beta, two_sided_z
from servicekit.scoring._estimate import Estimate
from servicekit.scoring._summaries import (
    MeanSummary,
    Summary,
    ZTested,
    _comparison,
    _cover,
)

if TYPE_CHECKING:
    from collections.abc import Hashable, Mapping, Sequence

    from servicekit.scoring._estimate import Comparison

__all__ = [
    "MICROSECONDS",
    "QuantileSummary",
    "ceiling",
    "mean_summary",
    "order_statistic_ranks",
]

#: Microseconds in one unit a duration statistic can be reported in.
MICROSECONDS: Final = {
    "seconds": 1_000_000,
    "minutes": 60_000_000,
    "hours": 3_600_000_000,
    "days": 86_400_000_000,
}

# The level at which a quantile's standard error for tests is read off its interval
# (tests take no confidence of their own; Price and Bonett use 95 % too).
_TEST_LEVEL: Final = 0.95

_LONGEST_US: Final = dt.timedelta.max // dt.timedelta(microseconds=1)


def ceiling(unit_us: int) -> float:
    """The longest duration Python can hold, in the unit: the end of an unbounded interval."""
    return _LONGEST_US / unit_us


def mean_summary(counts: Mapping[int, int], tick_us: int, unit_us: int) -> MeanSummary:
    """Return the mean's summary in ``unit_us`` units from ``{ticks: count}``, exactly.

    Integer sums, then one correctly rounded division each for the mean and the sum of
    squared deviations (Python divides two ints with one rounding).
    """
    n = sum(counts.values())
    total = sum(k * c for k, c in counts.items())
    squares = sum(k * k * c for k, c in counts.items())
    mean = total * tick_us / (n * unit_us)
    m2 = (n * squares - total * total) * tick_us * tick_us / (n * unit_us * unit_us)
    return MeanSummary(n, mean, m2, 0.0, ceiling(unit_us))


def _binomial_at_most(k: int, n: int, q: float) -> float:
    """P(B <= k) for B ~ Binomial(n, q), ``0 <= k < n``."""
    return regularized_beta(n - k, k + 1.0, 1.0 - q)


def _binomial_at_least(k: int, n: int, q: float) -> float:
    """P(B >= k) for B ~ Binomial(n, q), ``0 < k <= n``."""
    return regularized_beta(k, n - k + 1.0, q)


def order_statistic_ranks(n: int, q: float, confidence: float) -> tuple[int, int]:
    """Return the ranks ``(l, u)`` of the equal-tailed order-statistic interval.

    With ``B ~ Binomial(n, q)`` the number of durations below the true ``q``-quantile,
    ``[x(l), x(u)]`` (1-based ranks) covers it with probability
    ``P(l <= B <= u - 1) >= confidence``: ``l`` is the largest rank with
    ``P(B <= l - 1) <= α/2`` and ``u`` the smallest with ``P(B >= u) <= α/2``.
    ``l = 0`` means no order statistic is low enough (the interval starts at zero),
    ``u = n + 1`` that none is high enough (it has no upper end).

    Examples:
        >>> order_statistic_ranks(100, 0.5, 0.95)
        (40, 61)
    """
    tail = (1.0 - confidence) / 2.0
    # P(B <= r - 1) grows with r: the largest r in [1, n] with it <= tail.
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _binomial_at_most(mid - 1, n, q) <= tail:
            lo = mid
        else:
            hi = mid - 1
    low_rank = lo
    # P(B >= r) shrinks as r grows: the smallest r in [1, n] with it <= tail.
    lo, hi = 1, n + 1
    while lo < hi:
        mid = (lo + hi) // 2
        if _binomial_at_least(mid, n, q) <= tail:
            hi = mid
        else:
            lo = mid + 1
    return low_rank, lo


class QuantileSummary(ZTested):
    """The ``percent``-th percentile of durations counted as ``{ticks: count}``."""

    __slots__ = (
        "_cumulative",
        "_keys",
        "n",
        "percent",
        "spread",
        "tick_us",
        "unit_us",
        "value",
    )

    def __init__(
        self, counts: Mapping[int, int], percent: int, tick_us: int, unit_us: int
    ) -> None:
        keys = sorted(counts)
        self._keys = keys
        self._cumulative = list(accumulate(counts[k] for k in keys))
        self.n = self._cumulative[-1]
        self.percent = percent
        self.tick_us = tick_us
        self.unit_us = unit_us
        # Type 7: h = (n - 1)·p/100; x_(⌊h⌋+1) + frac·(x_(⌊h⌋+2) − x_(⌊h⌋+1)), in
        # integers over 100 until the one division.
        whole, frac = divmod((self.n - 1) * percent, 100)
        below = self._ticks(whole + 1)
        above = self._ticks(min(whole + 2, self.n))
        self.value = (100 * below + frac * (above - below)) * tick_us / (100 * unit_us)
        low, high = self.interval(_TEST_LEVEL)
        self.spread = ((high - low) / (2.0 * two_sided_z(_TEST_LEVEL))) ** 2

    def _ticks(self, rank: int) -> int:
        """The ``rank``-th smallest duration (1-based) in ticks."""
        return self._keys[bisect.bisect_left(self._cumulative, rank)]

    def _at(self, rank: int) -> float:
        return self._ticks(rank) * self.tick_us / self.unit_us

    @property
    def bounds(self) -> tuple[float, float]:
        """Zero and the longest duration Python can hold."""
        return 0.0, ceiling(self.unit_us)

    def interval(self, confidence: float) -> tuple[float, float]:
        """The order-statistic interval (see [`order_statistic_ranks`][])."""
        low_rank, high_rank = order_statistic_ranks(
            self.n, self.percent / 100.0, confidence
        )
        low = self._at(low_rank) if low_rank >= 1 else 0.0
        high = self._at(high_rank) if high_rank <= self.n else ceiling(self.unit_us)
        return low, high

    def log_spread(self, confidence: float) -> float | None:
        """Price–Bonett standard error of the log quantile; None when unbounded or zero."""
        low, high = self.interval(confidence)
        if low <= 0.0 or high >= ceiling(self.unit_us):
            return None
        return (math.log(high) - math.log(low)) / (2.0 * two_sided_z(confidence))

    def estimate(self, confidence: float) -> Estimate:
        """The percentile with its order-statistic interval."""
        low, high = _cover(self.value, *self.interval(confidence))
        return Estimate(
            value=self.value,
            low=low,
            high=high,
            n=self.n,
            method="order-statistic",
            confidence=confidence,
        )

    def shrinkage_variance(self) -> float:
        """The squared Price–Bonett standard error (in unit²)."""
        return self.spread

    @property
    def identity(self) -> Hashable:
        """The percentile and the counts, in order."""
        return self.percent, tuple(self._keys), tuple(self._cumulative)

    def statistics(self, others: Sequence[Summary]) -> list[float]:
        """The z of this percentile minus each of ``others``."""
        out = []
        # A table compares summaries of one measure only: no check per pair.
        for other in cast("Sequence[QuantileSummary]", others):
            d = self.value - other.value
            se = math.sqrt(self.spread + other.spread)
            if se == 0.0:
                # Two samples whose intervals are points: the difference is known.
                out.append(0.0 if d == 0.0 else math.copysign(math.inf, d))
            else:
                out.append(d / se)
        return out

    def compare(self, other: Summary, confidence: float) -> Comparison:
        """Difference of percentiles: Price–Bonett interval and z test."""
        assert isinstance(other, QuantileSummary)  # noqa: S101 - internal invariant
        z = two_sided_z(confidence)
        halves = []
        for s in (self, other):
            low, high = s.interval(confidence)
            halves.append((high - low) / (2.0 * z))
        half = z * math.hypot(*halves)
        top = ceiling(self.unit_us)
        d = self.value - other.value
        return _comparison(
            self,
            other,
            value=d,
            low=max(-top, d - half),
            high=min(top, d + half),
            method="price-bonett",
            confidence=confidence,
        )
