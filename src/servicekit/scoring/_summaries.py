"""Sufficient statistics behind every estimate, and how to compare two of them.

A proportion is (successes, n); an NPS survey is (promoters, passives, detractors); a
mean is (n, mean, sum of squared deviations) on a bounded scale. Each summary turns
itself into an [`Estimate`][], compares itself with another of its kind, and reports
the sampling variance that empirical-Bayes shrinkage needs. Public functions and
``segment_table`` share these, so a city's row and a direct call agree exactly.

This module must never look at individual responses: only at counts.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any, Final, Protocol, cast

from servicekit.scoring._distributions import (
    normal_ppf,
    normal_sf,
    t_ppf,
    t_sf,
    two_sided_z,
)
from servicekit.scoring._estimate import Comparison, Estimate, _wilson

if TYPE_CHECKING:
    from collections.abc import Hashable, Mapping, Sequence

__all__ = [
    "MeanSummary",
    "NpsSummary",
    "ShareSummary",
    "Summary",
    "ZTested",
    "nps_interval",
]


class Summary(Protocol):
    """What segment tables need from a measure's summary of one group."""

    @property
    def n(self) -> int:
        """Responses behind the summary."""
        ...

    @property
    def bounds(self) -> tuple[float, float]:
        """The smallest and largest value the estimate can take."""
        ...

    def estimate(self, confidence: float) -> Estimate:
        """The point estimate with its interval."""
        ...

    @property
    def identity(self) -> Hashable:
        """Equal for two summaries of the same counts (they test alike against anything)."""
        ...

    def compare(self, other: Summary, confidence: float) -> Comparison:
        """This minus ``other``, with a two-sided test."""
        ...

    def test(self, other: Summary) -> tuple[float, float]:
        """The statistic and two-sided p-value of ``compare(other)``, bit for bit."""
        ...

    def statistics(self, others: Sequence[Summary]) -> list[float]:
        """``test(o)[0]`` for every ``o`` in ``others``, bit for bit, without p-values."""
        ...

    def side(self, other: Summary, statistic: float, p: float) -> int:
        """Where ``test(other)``'s p-value surely lies against ``p``, without computing it.

        Returns -1 when it is surely below ``p``, 1 when surely not below, and 0
        when only computing it can tell.
        """
        ...


def _cover(value: float, low: float, high: float) -> tuple[float, float]:
    # Adjusted intervals are centred on a shifted estimate; at tiny n the observed
    # value can fall just outside. Widening (never narrowing) keeps the promise that
    # an interval contains its estimate and can only raise coverage.
    return min(low, value), max(high, value)


def _z_p_value(z: float) -> float:
    """The two-sided p-value of a z statistic."""
    return min(1.0, 2.0 * normal_sf(abs(z)))


# A statistic this much beyond (or short of) a critical value has a p-value surely
# below (or above) the critical value's level, whatever the rounding in either (the
# quantiles are good to about 1e-9 relative).
_MARGIN: Final = 1e-6


@functools.lru_cache(maxsize=4096)
def _z_critical(p: float) -> float:
    # Pure memoisation keyed by a number: a segment table asks for a few levels.
    return -normal_ppf(p / 2.0)


@functools.lru_cache(maxsize=4096)
def _t_tail_critical(p: float, df: int) -> float:
    return -t_ppf(p / 2.0, df)


def _side(statistic: float, critical: float) -> int:
    """-1 if ``|statistic|`` is surely beyond ``critical``, 1 if surely short, else 0."""
    size = abs(statistic)
    if size > critical * (1.0 + _MARGIN):
        return -1
    if size < critical * (1.0 - _MARGIN):
        return 1
    return 0


class ZTested:
    """A summary whose test is a z test: ``test`` and ``side`` follow from ``statistics``.

    The pooled z of shares, the adjusted-Wald z of NPS, the Price–Bonett z of
    duration quantiles. An infinite z (two samples known exactly, and different) has
    a p-value of 0.
    """

    __slots__ = ()

    def statistics(self, others: Sequence[Summary]) -> list[float]:
        """The z of this summary minus each of ``others``."""
        raise NotImplementedError

    def test(self, other: Summary) -> tuple[float, float]:
        """The z test of ``compare(other)``: ``(z, two-sided p)``."""
        z = self.statistics((other,))[0]
        return z, _z_p_value(z)

    def side(self, other: Summary, statistic: float, p: float) -> int:  # noqa: ARG002 - a z test's p depends on z alone
        """Where the z test's p-value lies against ``p`` (see the protocol)."""
        return _side(statistic, _z_critical(p))


class ShareSummary(ZTested):
    """``successes`` out of ``n``; estimates are in percent with Wilson intervals."""

    __slots__ = ("n", "successes")

    bounds = (0.0, 100.0)

    def __init__(self, successes: int, n: int) -> None:
        self.successes = successes
        self.n = n

    def estimate(self, confidence: float) -> Estimate:
        """Return the share in percent with its Wilson interval."""
        low, high = _wilson(self.successes, self.n, two_sided_z(confidence))
        return Estimate(
            value=100.0 * self.successes / self.n,
            low=100.0 * low,
            high=100.0 * high,
            n=self.n,
            method="wilson",
            confidence=confidence,
        )

    def shrinkage_variance(self) -> float:
        """Agresti–Coull variance (never zero, even at 0 or n successes), in percent²."""
        p = (self.successes + 2.0) / (self.n + 4.0)
        return 1e4 * p * (1.0 - p) / (self.n + 4.0)

    @property
    def identity(self) -> Hashable:
        """``(successes, n)``."""
        return self.successes, self.n

    def statistics(self, others: Sequence[Summary]) -> list[float]:
        """The pooled z of this share minus each of ``others`` (0 when both are 0 % or 100 %)."""
        s1, n1 = self.successes, self.n
        p1 = s1 / n1
        inv1 = 1.0 / n1
        out = []
        # A table compares summaries of one measure only: no check per pair.
        for other in cast("Sequence[ShareSummary]", others):
            s2, n2 = other.successes, other.n
            pooled = (s1 + s2) / (n1 + n2)
            se0 = math.sqrt(pooled * (1.0 - pooled) * (inv1 + 1.0 / n2))
            out.append(0.0 if se0 == 0.0 else (p1 - s2 / n2) / se0)
        return out

    def compare(self, other: Summary, confidence: float) -> Comparison:
        """Difference of shares: Newcombe's hybrid score interval, pooled z test."""
        assert isinstance(other, ShareSummary)  # noqa: S101 - internal invariant
        z_crit = two_sided_z(confidence)
        p1, p2 = self.successes / self.n, other.successes / other.n
        l1, u1 = _wilson(self.successes, self.n, z_crit)
        l2, u2 = _wilson(other.successes, other.n, z_crit)
        d = p1 - p2
        # Subtracting percentages keeps 70 − 90 exactly −20 for the reported value.
        value = 100.0 * self.successes / self.n - 100.0 * other.successes / other.n
        low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
        return _comparison(
            self,
            other,
            value=value,
            low=100.0 * low,
            high=100.0 * high,
            method="newcombe",
            confidence=confidence,
        )


def nps_interval(
    promoters: int, detractors: int, n: int, z: float
) -> tuple[float, float, float, float]:
    """Return (adjusted NPS, adjusted variance per response, low, high) as fractions.

    Adjusted Wald (Rocks 2016): add 3 to n and 0.75 to promoters and to detractors,
    then use the trinomial variance ``pP + pD - (pP - pD)²`` of one response's score
    (+1, 0, −1); promoters and detractors are never treated as independent.
    """
    n_adj = n + 3.0
    p_p = (promoters + 0.75) / n_adj
    p_d = (detractors + 0.75) / n_adj
    centre = p_p - p_d
    variance = p_p + p_d - centre * centre
    half = z * math.sqrt(variance / n_adj)
    return centre, variance, max(-1.0, centre - half), min(1.0, centre + half)


class NpsSummary(ZTested):
    """Promoter, passive and detractor counts; estimates in NPS points."""

    __slots__ = ("centre", "detractors", "n", "passives", "promoters", "spread")

    bounds = (-100.0, 100.0)

    def __init__(self, promoters: int, passives: int, detractors: int) -> None:
        self.promoters = promoters
        self.passives = passives
        self.detractors = detractors
        self.n = n = promoters + passives + detractors
        # The adjusted NPS (a fraction) and its squared standard error: all that a
        # test between two surveys needs.
        centre, variance, _, _ = nps_interval(promoters, detractors, n, 0.0)
        self.centre = centre
        self.spread = variance / (n + 3.0)

    @property
    def value(self) -> float:
        """The plain NPS, %promoters − %detractors."""
        return 100.0 * (self.promoters - self.detractors) / self.n

    def estimate(self, confidence: float) -> Estimate:
        """Return NPS in points with the adjusted-Wald interval."""
        _, _, low, high = nps_interval(
            self.promoters, self.detractors, self.n, two_sided_z(confidence)
        )
        low, high = _cover(self.value, 100.0 * low, 100.0 * high)
        return Estimate(
            value=self.value,
            low=low,
            high=high,
            n=self.n,
            method="adjusted-wald",
            confidence=confidence,
        )

    def shrinkage_variance(self) -> float:
        """Adjusted trinomial variance of the NPS (never zero), in points²."""
        _, variance, _, _ = nps_interval(self.promoters, self.detractors, self.n, 0.0)
        return 1e4 * variance / (self.n + 3.0)

    @property
    def identity(self) -> Hashable:
        """``(promoters, passives, detractors)``."""
        return self.promoters, self.passives, self.detractors

    def statistics(self, others: Sequence[Summary]) -> list[float]:
        """The z of this NPS minus each of ``others`` (adjusted centres over their se)."""
        c1, q1 = self.centre, self.spread
        # A table compares summaries of one measure only: no check per pair.
        return [
            (c1 - other.centre) / math.sqrt(q1 + other.spread)
            for other in cast("Sequence[NpsSummary]", others)
        ]

    def compare(self, other: Summary, confidence: float) -> Comparison:
        """Difference of NPS (adjusted Wald on each side), two-sided z test."""
        assert isinstance(other, NpsSummary)  # noqa: S101 - internal invariant
        z_crit = two_sided_z(confidence)
        se = math.sqrt(self.spread + other.spread)
        centre = self.centre - other.centre
        low = max(-2.0, centre - z_crit * se)
        high = min(2.0, centre + z_crit * se)
        d = self.value - other.value
        return _comparison(
            self,
            other,
            value=d,
            low=100.0 * low,
            high=100.0 * high,
            method="adjusted-wald",
            confidence=confidence,
        )


def _comparison(
    a: Summary,
    b: Summary,
    *,
    value: float,
    low: float,
    high: float,
    method: str,
    confidence: float,
) -> Comparison:
    """``a`` minus ``b``: ``value`` in points, its interval, and the two-sided test.

    The interval is widened to cover ``value`` where rounding left it just outside.
    """
    low, high = _cover(value, low, high)
    z, p_value = a.test(b)
    difference = Estimate(
        value=value,
        low=low,
        high=high,
        n=a.n + b.n,
        method=method,
        confidence=confidence,
    )
    return Comparison(difference=difference, z=z, p_value=p_value)


@functools.lru_cache(maxsize=512)
def _t_critical(confidence: float, df: int) -> float:
    # Pure memoisation keyed by immutable numbers, invisible to callers: segment
    # tables and simulations ask for the same few critical values again and again.
    return t_ppf(0.5 + confidence / 2.0, df)


class MeanSummary:
    """A mean on a bounded scale ``[lo, hi]``: n, mean and sum of squared deviations."""

    __slots__ = ("hi", "lo", "m2", "mean", "n", "spread")

    def __init__(self, n: int, mean: float, m2: float, lo: float, hi: float) -> None:
        self.n = n
        self.mean = mean
        self.m2 = m2
        self.lo = lo
        self.hi = hi
        # The squared standard error of the mean: what a Welch test needs.
        self.spread = self.variance / n

    @classmethod
    def from_counts(
        cls, counts: Mapping[Any, int], lo: float, hi: float
    ) -> MeanSummary:
        """Summarise ``{value: count}`` exactly (two passes, no cancellation)."""
        n = sum(counts.values())
        mean = math.fsum(v * c for v, c in counts.items()) / n
        # Rounding can put the mean a hair outside [min, max] of the data.
        mean = min(max(mean, min(counts)), max(counts))
        m2 = math.fsum(c * (v - mean) ** 2 for v, c in counts.items())
        return cls(n, mean, m2, lo, hi)

    @property
    def bounds(self) -> tuple[float, float]:
        """The ends of the scale."""
        return self.lo, self.hi

    @property
    def variance(self) -> float:
        """The sample variance (n − 1 denominator); 0 for a single response."""
        return self.m2 / (self.n - 1) if self.n > 1 else 0.0

    def estimate(self, confidence: float) -> Estimate:
        """Return the mean with a Student-t interval, clipped to the scale.

        With one response nothing bounds the spread, so the interval is the whole scale.
        """
        if self.n == 1:
            low, high = self.lo, self.hi
        else:
            half = _t_critical(confidence, self.n - 1) * math.sqrt(
                self.variance / self.n
            )
            low = max(self.lo, self.mean - half)
            high = min(self.hi, self.mean + half)
        low, high = _cover(self.mean, low, high)
        return Estimate(
            value=self.mean,
            low=low,
            high=high,
            n=self.n,
            method="t",
            confidence=confidence,
        )

    @property
    def identity(self) -> Hashable:
        """``(n, mean, m2)``."""
        return self.n, self.mean, self.m2

    def _welch_df(self, other: MeanSummary) -> float:
        a = self.spread
        b = other.spread
        return (a + b) ** 2 / (a * a / (self.n - 1) + b * b / (other.n - 1))

    def test(self, other: Summary) -> tuple[float, float]:
        """Welch's t test: ``(t, two-sided p)``.

        With a single response on either side the spread is unknown: t is 0 and p is
        1. Two constant samples that differ give t = ±inf and p = 0.
        """
        assert isinstance(other, MeanSummary)  # noqa: S101 - internal invariant
        t = self.statistics((other,))[0]
        if self.n < 2 or other.n < 2 or t == 0.0:
            return t, 1.0
        if math.isinf(t):
            return t, 0.0
        return t, min(1.0, 2.0 * t_sf(abs(t), self._welch_df(other)))

    def side(self, other: Summary, statistic: float, p: float) -> int:
        """Where Welch's p-value lies against ``p`` (see the protocol).

        Welch's degrees of freedom lie between ``min(n₁, n₂) − 1`` and
        ``n₁ + n₂ − 2``, and fewer degrees of freedom mean heavier tails: a t beyond
        the critical value at the fewest is beyond it at the true degrees of freedom,
        and one short of the critical value at the most falls short there too.
        """
        assert isinstance(other, MeanSummary)  # noqa: S101 - internal invariant
        if math.isinf(statistic):
            return -1
        fewest = min(self.n, other.n) - 1
        if fewest < 1 or statistic == 0.0:
            return 1  # p is 1
        # Rounded to powers of two (down for the fewest, up for the most), which
        # only widens the band left to the p-value, so that a table asks for a few
        # critical values instead of one per pair.
        fewer = 1 << (fewest.bit_length() - 1)
        more = 1 << (self.n + other.n - 3).bit_length()
        if _side(statistic, _t_tail_critical(p, fewer)) < 0:
            return -1
        return max(0, _side(statistic, _t_tail_critical(p, more)))

    def statistics(self, others: Sequence[Summary]) -> list[float]:
        """Welch's t of this mean minus each of ``others`` (see [`test`][])."""
        out: list[float] = []
        if self.n < 2:
            return [0.0] * len(others)
        mean = self.mean
        a = self.spread
        # A table compares summaries of one measure only: no check per pair.
        for other in cast("Sequence[MeanSummary]", others):
            if other.n < 2:
                out.append(0.0)
                continue
            d = mean - other.mean
            se = math.sqrt(a + other.spread)
            if se == 0.0:
                # Two constant samples: the difference is known exactly.
                out.append(0.0 if d == 0.0 else math.copysign(math.inf, d))
            else:
                out.append(d / se)
        return out

    def compare(self, other: Summary, confidence: float) -> Comparison:
        """Difference of means: Welch's t interval and test.

        With a single response on either side the spread is unknown: the interval is
        every possible difference and the p-value is 1.
        """
        assert isinstance(other, MeanSummary)  # noqa: S101 - internal invariant
        d = self.mean - other.mean
        width = self.hi - self.lo
        if self.n < 2 or other.n < 2:
            low, high = -width, width
        else:
            se = math.sqrt(self.spread + other.spread)
            if se == 0.0:
                # Two constant samples: the difference is known exactly.
                low = high = d
            else:
                half = t_ppf(0.5 + confidence / 2.0, self._welch_df(other)) * se
                low, high = max(-width, d - half), min(width, d + half)
        return _comparison(
            self,
            other,
            value=d,
            low=low,
            high=high,
            method="welch",
            confidence=confidence,
        )
