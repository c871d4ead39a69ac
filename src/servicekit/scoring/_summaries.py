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
from typing import TYPE_CHECKING, Any, Protocol

from servicekit.scoring._distributions import normal_sf, t_ppf, t_sf, two_sided_z
from servicekit.scoring._estimate import Comparison, Estimate, _wilson

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["MeanSummary", "NpsSummary", "ShareSummary", "Summary", "nps_interval"]


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

    def compare(self, other: Summary, confidence: float) -> Comparison:
        """This minus ``other``, with a two-sided test."""
        ...


def _cover(value: float, low: float, high: float) -> tuple[float, float]:
    # Adjusted intervals are centred on a shifted estimate; at tiny n the observed
    # value can fall just outside. Widening (never narrowing) keeps the promise that
    # an interval contains its estimate and can only raise coverage.
    return min(low, value), max(high, value)


def _z_comparison(difference: Estimate, z: float) -> Comparison:
    """Return ``difference`` with its two-sided z test."""
    return Comparison(
        difference=difference, z=z, p_value=min(1.0, 2.0 * normal_sf(abs(z)))
    )


class ShareSummary:
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
        pooled = (self.successes + other.successes) / (self.n + other.n)
        se0 = math.sqrt(pooled * (1.0 - pooled) * (1.0 / self.n + 1.0 / other.n))
        low, high = _cover(value, 100.0 * low, 100.0 * high)
        return _z_comparison(
            Estimate(
                value=value,
                low=low,
                high=high,
                n=self.n + other.n,
                method="newcombe",
                confidence=confidence,
            ),
            z=0.0 if se0 == 0.0 else d / se0,
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


class NpsSummary:
    """Promoter, passive and detractor counts; estimates in NPS points."""

    __slots__ = ("detractors", "n", "passives", "promoters")

    bounds = (-100.0, 100.0)

    def __init__(self, promoters: int, passives: int, detractors: int) -> None:
        self.promoters = promoters
        self.passives = passives
        self.detractors = detractors
        self.n = promoters + passives + detractors

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

    def compare(self, other: Summary, confidence: float) -> Comparison:
        """Difference of NPS (adjusted Wald on each side), two-sided z test."""
        assert isinstance(other, NpsSummary)  # noqa: S101 - internal invariant
        z_crit = two_sided_z(confidence)
        c1, v1, _, _ = nps_interval(self.promoters, self.detractors, self.n, z_crit)
        c2, v2, _, _ = nps_interval(other.promoters, other.detractors, other.n, z_crit)
        se = math.sqrt(v1 / (self.n + 3.0) + v2 / (other.n + 3.0))
        centre = c1 - c2
        low = max(-2.0, centre - z_crit * se)
        high = min(2.0, centre + z_crit * se)
        d = self.value - other.value
        low, high = _cover(d, 100.0 * low, 100.0 * high)
        return _z_comparison(
            Estimate(
                value=d,
                low=low,
                high=high,
                n=self.n + other.n,
                method="adjusted-wald",
                confidence=confidence,
            ),
            z=centre / se,
        )


@functools.lru_cache(maxsize=512)
def _t_critical(confidence: float, df: int) -> float:
    # Pure memoisation keyed by immutable numbers, invisible to callers: segment
    # tables and simulations ask for the same few critical values again and again.
    return t_ppf(0.5 + confidence / 2.0, df)


class MeanSummary:
    """A mean on a bounded scale ``[lo, hi]``: n, mean and sum of squared deviations."""

    __slots__ = ("hi", "lo", "m2", "mean", "n")

    def __init__(self, n: int, mean: float, m2: float, lo: float, hi: float) -> None:
        self.n = n
        self.mean = mean
        self.m2 = m2
        self.lo = lo
        self.hi = hi

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

    def compare(self, other: Summary, confidence: float) -> Comparison:
        """Difference of means: Welch's t interval and test.

        With a single response on either side the spread is unknown: the interval is
        every possible difference and the p-value is 1.
        """
        assert isinstance(other, MeanSummary)  # noqa: S101 - internal invariant
        d = self.mean - other.mean
        width = self.hi - self.lo
        total = self.n + other.n
        if self.n < 2 or other.n < 2:
            return Comparison(
                difference=Estimate(
                    value=d,
                    low=-width,
                    high=width,
                    n=total,
                    method="welch",
                    confidence=confidence,
                ),
                z=0.0,
                p_value=1.0,
            )
        a = self.variance / self.n
        b = other.variance / other.n
        se = math.sqrt(a + b)
        if se == 0.0:
            # Two constant samples: the difference is known exactly.
            return Comparison(
                difference=Estimate(
                    value=d,
                    low=d,
                    high=d,
                    n=total,
                    method="welch",
                    confidence=confidence,
                ),
                z=0.0 if d == 0.0 else math.copysign(math.inf, d),
                p_value=1.0 if d == 0.0 else 0.0,
            )
        df = (a + b) ** 2 / (a * a / (self.n - 1) + b * b / (other.n - 1))
        half = t_ppf(0.5 + confidence / 2.0, df) * se
        low, high = _cover(d, max(-width, d - half), min(width, d + half))
        t = d / se
        return Comparison(
            difference=Estimate(
                value=d,
                low=low,
                high=high,
                n=total,
                method="welch",
                confidence=confidence,
            ),
            z=t,
            p_value=min(1.0, 2.0 * t_sf(abs(t), df)),
        )
