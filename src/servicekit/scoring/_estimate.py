"""The value every scoring statistic returns: a point estimate with its interval.

Reports that print "satisfaction 92.1" without saying how sure they are invite people
to read noise as news. [`Estimate`][] carries the value together with the interval,
the sample size, the method and the confidence level; [`Comparison`][] carries a
difference between two estimates with its test. [`wilson_interval`][] is the score
interval every proportion here uses. This module must never return a bare float for a
statistic.
"""

from __future__ import annotations

import math
from typing import Any

import attrs

from servicekit import _codec
from servicekit._boundary import quote
from servicekit.errors import InvalidArgumentError, InvalidTypeError
from servicekit.scoring._distributions import two_sided_z
from servicekit.scoring._validation import (
    MAX_COUNT,
    as_real,
    check_confidence,
    check_whole,
    confidence_level,
    is_bool,
    not_instance,
    of_type,
    whole,
)

__all__ = ["Comparison", "Estimate", "wilson_interval"]


def _finite(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    # Plain floats are what the statistics build, thousands per segment table.
    if type(value) is float and math.isfinite(value):
        return
    if is_bool(value) or not isinstance(value, int | float):
        msg = f"Estimate.{attribute.name} must be a number; got {type(value).__name__} {quote(value)}"
        raise InvalidTypeError(msg)
    real = as_real(value)  # None: an int beyond float range
    if real is None or not math.isfinite(real):
        msg = f"Estimate.{attribute.name} must be finite; got {quote(value)}"
        raise InvalidArgumentError(msg)


def _method(_inst: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str) or not value:
        msg = f"method must name how the interval was computed (e.g. 'wilson'); got {quote(value)}"
        raise InvalidArgumentError(msg)


@_codec.value()
@attrs.frozen(kw_only=True)
class Estimate(_codec.Serialisable):
    """A statistic with its confidence interval.

    Shares (CSAT top-box, first-contact resolution) are in percent, NPS in points
    (−100…100), indices on 0–100 and mean ratings on their rating scale. The interval
    always contains ``value``.

    Args:
        value: the point estimate.
        low: lower end of the interval.
        high: upper end of the interval.
        n: the number of responses behind the estimate.
        method: how the interval was computed (``"wilson"``, ``"t"``,
            ``"adjusted-wald"``…).
        confidence: the interval's confidence level, e.g. 0.95.

    Raises:
        InvalidArgumentError: ``low <= value <= high`` fails, a number is not finite,
            ``n < 1`` or ``confidence`` is not in (0, 1).
        InvalidTypeError: a field has the wrong type.

    Examples:
        >>> from servicekit.scoring import Estimate
        >>> e = Estimate(
        ...     value=90.0, low=85.0, high=93.5, n=200, method="wilson", confidence=0.95
        ... )
        >>> e.margin, e.contains(88)
        (5.0, True)
        >>> Estimate.from_dict(e.to_dict()) == e
        True
    """

    value: float = attrs.field(validator=_finite)
    low: float = attrs.field(validator=_finite)
    high: float = attrs.field(validator=_finite)
    n: int = attrs.field(validator=whole(1))
    method: str = attrs.field(validator=_method)
    confidence: float = attrs.field(default=0.95, validator=confidence_level)

    def __attrs_post_init__(self) -> None:
        if not self.low <= self.value <= self.high:
            msg = (
                f"an estimate's interval must contain it: need low <= value <= high, "
                f"got {self.low} <= {self.value} <= {self.high}"
            )
            raise InvalidArgumentError(msg)

    @property
    def margin(self) -> float:
        """The larger distance from ``value`` to an end of the interval."""
        return max(self.value - self.low, self.high - self.value)

    def contains(self, x: float) -> bool:
        """Return whether ``x`` lies in the closed interval ``[low, high]``.

        Raises:
            InvalidTypeError: ``x`` is not a number.
        """
        if is_bool(x) or not isinstance(x, int | float):
            msg = f"contains() needs a number; got {type(x).__name__} {quote(x)}"
            raise InvalidTypeError(msg)
        return self.low <= x <= self.high

    def separates_from(self, other: Estimate) -> bool:
        """Return whether the two intervals do not overlap (a claimable order).

        Examples:
            >>> from servicekit.scoring import Estimate
            >>> a = Estimate(value=90, low=88, high=92, n=400, method="t")
            >>> b = Estimate(value=80, low=78, high=82, n=400, method="t")
            >>> a.separates_from(b), a.separates_from(a)
            (True, False)
        """
        if not_instance(other, Estimate):
            msg = f"separates_from() needs an Estimate; got {type(other).__name__}"
            raise InvalidTypeError(msg)
        return self.low > other.high or self.high < other.low


def _probability(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if is_bool(value) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        msg = f"{attribute.name} must be a probability in [0, 1]; got {quote(value)}"
        raise InvalidArgumentError(msg)


def _statistic(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    # ±inf is allowed (two constant samples that differ); NaN and ints beyond float
    # range are not.
    real = as_real(value)
    if real is None or math.isnan(real):
        msg = f"{attribute.name} must be a number; got {quote(value)}"
        raise InvalidArgumentError(msg)


def _z_from_json(value: object, _: object) -> float:
    # Two constant samples that differ give z = ±inf, which strict JSON cannot hold;
    # it is written as the text "inf" / "-inf".
    if type(value) is str and value in _INFINITIES:
        return float(value)
    real = None if type(value) not in {int, float} else as_real(value)
    if real is None or math.isnan(real):
        what = "a number, 'inf' or '-inf'"
        raise _codec.ExpectedError(what, value)
    return real


_INFINITIES = frozenset({"inf", "-inf"})


def _z_to_json(value: float) -> float | str:
    return value if math.isfinite(value) else str(value)


@_codec.value(hooks={"z": (_z_from_json, _z_to_json)})
@attrs.frozen(kw_only=True)
class Comparison(_codec.Serialisable):
    """A difference between two estimates, with a two-sided test of "no difference".

    Args:
        difference: the estimated difference (first minus second) with its interval.
        z: the test statistic (a z score; for means, Welch's t).
        p_value: the two-sided p-value of the hypothesis of no difference.

    Examples:
        >>> from servicekit.scoring import Comparison, Estimate
        >>> d = Estimate(value=6.0, low=1.0, high=11.0, n=800, method="wald")
        >>> c = Comparison(difference=d, z=2.35, p_value=0.0188)
        >>> c.significant(), c.significant(alpha=0.01)
        (True, False)
        >>> Comparison.from_dict(c.to_dict()) == c
        True
    """

    difference: Estimate = attrs.field(validator=of_type(Estimate))
    z: float = attrs.field(validator=_statistic)
    p_value: float = attrs.field(validator=_probability)

    def significant(self, alpha: float | None = None) -> bool:
        """Return whether the difference is significant at ``alpha``.

        Args:
            alpha: the test level; defaults to ``1 - difference.confidence``.

        Raises:
            InvalidArgumentError: ``alpha`` is not strictly between 0 and 1.
        """
        if alpha is None:
            level = 1.0 - self.difference.confidence
        elif is_bool(alpha) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
            msg = f"alpha must be a probability strictly between 0 and 1, e.g. 0.05; got {quote(alpha)}"
            raise InvalidArgumentError(msg)
        else:
            level = alpha
        return self.p_value < level


def wilson_interval(
    successes: int, n: int, confidence: float = 0.95
) -> tuple[float, float]:
    """Return the Wilson score interval for a proportion, as fractions in [0, 1].

    Unlike the textbook Wald interval it never leaves [0, 1], is not degenerate at 0
    or n successes, and keeps close to its nominal coverage for small n.

    Args:
        successes: the number of successes, ``0 <= successes <= n``.
        n: the number of trials, 1 to ``2**53``.
        confidence: the confidence level.

    Returns:
        ``(low, high)``.

    Raises:
        InvalidArgumentError: the counts are impossible or above ``2**53``, or
            ``confidence`` is not in (0, 1).

    Examples:
        >>> from servicekit.scoring import wilson_interval
        >>> low, high = wilson_interval(81, 100)
        >>> round(low, 4), round(high, 4)
        (0.7222, 0.8749)
    """
    level = check_confidence(confidence)
    check_whole("successes", successes, maximum=MAX_COUNT)
    check_whole("n", n, 1, MAX_COUNT)
    if successes > n:
        msg = f"need successes <= n; got successes={successes}, n={n}"
        raise InvalidArgumentError(msg)
    z = two_sided_z(level)
    return _wilson(successes, n, z)


def _wilson(successes: int, n: int, z: float) -> tuple[float, float]:
    p = successes / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator
    # The exact ends are 0 and 1 at the extremes; rounding must not move them.
    low = 0.0 if successes == 0 else max(0.0, min(p, centre - half))
    high = 1.0 if successes == n else min(1.0, max(p, centre + half))
    return low, high
