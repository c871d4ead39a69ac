"""Normal and Student-t distribution functions in pure Python.

Every interval in ``servicekit.scoring`` needs a normal or Student-t quantile, and the
library must not depend on scipy at run time. The normal quantile is the standard
library's ``statistics.NormalDist().inv_cdf`` (Wichura's AS 241, about 1e-16
relative); the Student-t CDF goes through the regularised incomplete beta function
(Lentz's continued fraction), and the Student-t quantile starts from Hill's AS 396
approximation and is polished by Newton steps on that CDF. The test suite checks all of them against
scipy.stats to about 1e-9 relative.

This module must never import numpy or scipy, and never cache anything.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Final

from servicekit.errors import InvalidArgumentError

__all__ = [
    "normal_cdf",
    "normal_ppf",
    "normal_sf",
    "regularized_beta",
    "t_cdf",
    "t_ppf",
    "t_sf",
    "two_sided_z",
]

_SQRT2: Final = math.sqrt(2.0)
_EPS: Final = 1e-16
_TINY: Final = 1e-300
_LOG_MAX: Final = math.log(1.7976931348623157e308)
_STANDARD_NORMAL: Final = NormalDist()


def normal_cdf(x: float) -> float:
    """Return P(Z <= x) for a standard normal Z.

    Examples:
        >>> round(normal_cdf(1.959963984540054), 6)
        0.975
    """
    return 0.5 * math.erfc(-x / _SQRT2)


def normal_sf(x: float) -> float:
    """Return P(Z > x) for a standard normal Z, accurate far into the upper tail.

    Examples:
        >>> normal_sf(0.0)
        0.5
    """
    return 0.5 * math.erfc(x / _SQRT2)


def _check_probability(p: float) -> None:
    if not (0.0 < p < 1.0):
        msg = (
            f"a probability for a quantile must lie strictly between 0 and 1; got {p!r}"
        )
        raise InvalidArgumentError(msg)


def normal_ppf(p: float) -> float:
    """Return the standard normal quantile: the x with ``normal_cdf(x) == p``.

    Raises:
        InvalidArgumentError: ``p`` is not strictly between 0 and 1.

    Examples:
        >>> round(normal_ppf(0.975), 12)
        1.95996398454
    """
    _check_probability(p)
    return _STANDARD_NORMAL.inv_cdf(p)


def two_sided_z(confidence: float) -> float:
    """Return the normal critical value for a two-sided interval at ``confidence``.

    Examples:
        >>> round(two_sided_z(0.95), 6)
        1.959964
    """
    return normal_ppf(0.5 + confidence / 2.0)


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    # Modified Lentz evaluation of the continued fraction for I_x(a, b)
    # (Numerical Recipes 6.4); converges fast when x < (a + 1) / (a + b + 2).
    # A denominator that cancels to exactly zero is replaced by 1e-300, as Lentz
    # prescribes (``or`` does that without a branch per term).
    qab = a + b
    qap = a + 1.0
    qam = a - 1.0
    c = 1.0
    d = 1.0 / ((1.0 - qab * x / qap) or _TINY)
    h = d
    # Large a needs about sqrt(a) terms; the cap only guards against a bug.
    for m in range(1, 100_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 / ((1.0 + aa * d) or _TINY)
        c = (1.0 + aa / c) or _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 / ((1.0 + aa * d) or _TINY)
        c = (1.0 + aa / c) or _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            return h
    msg = (
        f"incomplete beta did not converge for a={a}, b={b}, x={x}"  # pragma: no cover
    )
    raise ArithmeticError(msg)  # pragma: no cover


def regularized_beta(a: float, b: float, x: float) -> float:
    """Return the regularised incomplete beta function I_x(a, b).

    Examples:
        >>> round(regularized_beta(2.0, 3.0, 0.5), 12)
        0.6875
    """
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b)
        - math.lgamma(a)
        - math.lgamma(b)
        + a * math.log(x)
        + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, 1.0 - x) / b


def _log_gamma_half_ratio(a: float) -> float:
    # log Γ(a + 1/2) - log Γ(a). Subtracting two lgamma values near 1e7 loses nine
    # digits when df is in the millions, so large a uses the difference of the
    # Stirling series, whose terms are all small.
    if a < 40.0:
        return math.lgamma(a + 0.5) - math.lgamma(a)
    b = a + 0.5

    def tail(z: float) -> float:
        z2 = z * z
        return (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / (1260.0 * z2)) / z2) / z

    return a * math.log1p(0.5 / a) - 0.5 + 0.5 * math.log(a) + tail(b) - tail(a)


_LOG_GAMMA_HALF: Final = math.lgamma(0.5)


def _t_tail(t: float, df: float) -> float:
    # P(T > |t|) = I_x(df/2, 1/2) / 2 with x = df / (df + t²). Whichever of I_x and
    # its complement lies in the fast-converging region of the continued fraction is
    # evaluated directly, so a tiny tail is never found as 1 - (something near 1).
    t2 = t * t
    if t2 == 0.0:
        # |t| < 1e-154: the tail differs from 1/2 by less than a double can show.
        return 0.5
    a = df / 2.0
    if t2 > 1e300:
        # t² overflows (or nearly): x = df/(df + t²) ≈ df/t², y ≈ 1, in logs so
        # that tails down to the float minimum keep their value.
        log_x = math.log(df) - 2.0 * math.log(abs(t))
        front = math.exp(_log_gamma_half_ratio(a) - _LOG_GAMMA_HALF + a * log_x)
        return 0.5 * front * _beta_continued_fraction(a, 0.5, math.exp(log_x)) / a
    denom = df + t2
    x = df / denom
    y = t2 / denom
    log_x = -math.log1p(t2 / df)
    log_y = math.log(t2) - math.log(denom)
    front = math.exp(
        _log_gamma_half_ratio(a) - _LOG_GAMMA_HALF + a * log_x + 0.5 * log_y
    )
    if x < (a + 1.0) / (a + 2.5):
        return 0.5 * front * _beta_continued_fraction(a, 0.5, x) / a
    return 0.5 - front * _beta_continued_fraction(0.5, a, y)


def _check_df(df: float) -> None:
    if not (df > 0.0) or math.isinf(df):
        msg = f"degrees of freedom must be a positive finite number; got {df!r}"
        raise InvalidArgumentError(msg)


def t_cdf(t: float, df: float) -> float:
    """Return P(T <= t) for Student's t with ``df`` degrees of freedom (``df`` may be fractional).

    Raises:
        InvalidArgumentError: ``df`` is not positive and finite.

    Examples:
        >>> round(t_cdf(2.0, 10), 10)
        0.9633059826
    """
    _check_df(df)
    tail = _t_tail(t, df)
    return 1.0 - tail if t > 0 else tail


def t_sf(t: float, df: float) -> float:
    """Return P(T > t) for Student's t with ``df`` degrees of freedom.

    Examples:
        >>> round(t_sf(2.0, 10), 10)
        0.0366940174
    """
    _check_df(df)
    tail = _t_tail(t, df)
    return tail if t > 0 else 1.0 - tail


def _t_pdf(t: float, df: float) -> float:
    log_density = (
        _log_gamma_half_ratio(df / 2.0)
        - 0.5 * math.log(df * math.pi)
        - (df + 1.0) / 2.0 * math.log1p(t * t / df)
    )
    return math.exp(log_density)


def _hill_start(p_two_sided: float, df: float) -> float:
    # Hill (1970), Algorithm 396: |t| whose two-sided tail probability is p.
    if df == 1.0:
        half = p_two_sided * math.pi / 2.0
        return math.cos(half) / math.sin(half)
    if df == 2.0:
        return math.sqrt(2.0 / (p_two_sided * (2.0 - p_two_sided)) - 2.0)
    a = 1.0 / (df - 0.5)
    b = 48.0 / (a * a)
    c = ((20700.0 * a / b - 98.0) * a - 16.0) * a + 96.36
    d = ((94.5 / (b + c) - 3.0) / b + 1.0) * math.sqrt(a * math.pi / 2.0) * df
    x = d * p_two_sided
    y = x ** (2.0 / df)
    if y > 0.05 + a:
        x = normal_ppf(p_two_sided * 0.5)
        y = x * x
        if df < 5.0:
            c += 0.3 * (df - 4.5) * (x + 0.6)
        c = (((0.05 * d * x - 5.0) * x - 7.0) * x - 2.0) * x + b + c
        y = (((((0.4 * y + 6.3) * y + 36.0) * y + 94.5) / c - y - 3.0) / b + 1.0) * x
        y = a * y * y
        y = math.expm1(y) if y > 0.002 else 0.5 * y * y + y
    else:
        y = (
            (
                1.0 / (((df + 6.0) / (df * y) - 0.089 * d - 0.822) * (df + 2.0) * 3.0)
                + 0.5 / (df + 4.0)
            )
            * y
            - 1.0
        ) * (df + 1.0) / (df + 2.0) + 1.0 / y
    return math.sqrt(df * y)


def t_ppf(p: float, df: float) -> float:
    """Return the Student-t quantile: the t with ``t_cdf(t, df) == p``.

    Raises:
        InvalidArgumentError: ``p`` is not strictly between 0 and 1, or ``df`` is not
            positive and finite.

    Examples:
        >>> round(t_ppf(0.975, 10), 10)
        2.228138852
    """
    _check_probability(p)
    _check_df(df)
    if p == 0.5:
        return 0.0
    upper = p > 0.5
    tail = 1.0 - p if upper else p
    t = _solve_tail(tail, df)
    return t if upper else -t


def _solve_tail(tail: float, df: float) -> float:
    # Solve P(T > t) = tail for t > 0. Newton runs on u = log t against log tail:
    # the t tail is a power law, so that curve is nearly straight and Newton
    # converges in a few steps from Hill's start even for df < 1. A bracket
    # [lo, hi] is kept so that a wild step falls back to bisection.
    start = _hill_start(2.0 * tail, df) if df >= 1.0 else 1.0
    if not (math.isfinite(start) and start > 0.0):  # pragma: no cover - defensive
        start = 1.0
    target = math.log(tail)
    lo, hi = -math.inf, math.inf
    u = math.log(start)
    for _ in range(400):
        t = math.exp(u) if u < _LOG_MAX else math.inf
        upper_tail = _t_tail(t, df)
        if upper_tail <= 0.0:
            # Overshot into underflow (or past the float range): step back.
            hi = u
            u = (lo + u) / 2.0 if math.isfinite(lo) else u / 2.0 - 1.0
            continue
        f = math.log(upper_tail) - target
        if f > 0.0:
            lo = u
        else:
            hi = u
        slope = -_t_pdf(t, df) * t / upper_tail
        new = u - f / slope if slope < 0.0 else math.nan
        if not (lo < new < hi):
            if math.isfinite(lo) and math.isfinite(hi):
                new = (lo + hi) / 2.0
            else:
                new = u + (1.0 if f > 0.0 else -1.0)
        if abs(new - u) <= 4e-16 * max(1.0, abs(new)):
            # A quantile beyond the largest float is reported as infinity.
            return math.exp(new) if new < _LOG_MAX else math.inf
        u = new
    return math.exp(u) if u < _LOG_MAX else math.inf  # pragma: no cover
