"""Formatting shared by the demo's text and HTML reports."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

_BOUNDS = frozenset({-100.0, 0.0, 100.0})


def wait(seconds: Any) -> str:
    """A duration, human-readable: ``45 s``, ``3 min 20 s``, ``1 h 05 min``, ``2 d 04 h``.

    Anything that is not a finite number reads ``n/a``; negative durations read as 0.

    Examples:
        >>> [wait(45), wait(200), wait(3900), wait(187_200), wait(float("nan"))]
        ['45 s', '3 min 20 s', '1 h 05 min', '2 d 04 h', 'n/a']
    """
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return "n/a"
    if not math.isfinite(seconds):
        return "n/a"
    total = max(0, round(seconds))
    if total < 60:
        return f"{total} s"
    if total < 3600:
        minutes, secs = divmod(total, 60)
        return f"{minutes} min" if secs == 0 else f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(round(total / 60), 60)
    if hours < 24:
        return f"{hours} h" if minutes == 0 else f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d" if hours == 0 else f"{days} d {hours:02d} h"


def decimals(numbers: Iterable[float], digits: int = 1) -> int:
    """Decimals to show so that no number reads as a bound (0, ±100) it is not.

    A share of 99.97 % printed with one decimal reads "100.0 %", a claim the data
    does not make; this adds decimals (up to four) until it no longer does.

    Examples:
        >>> decimals([78.04, 77.61]), decimals([99.97, 99.9]), decimals([100.0, 0.0])
        (1, 2, 1)
    """
    values = [float(x) for x in numbers if math.isfinite(x)]
    while digits < 4 and any(
        round(x, digits) in _BOUNDS and x not in _BOUNDS for x in values
    ):
        digits += 1
    return digits
