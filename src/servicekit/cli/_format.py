"""Formatting shared by the demo's text and HTML reports."""

from __future__ import annotations

import math
from typing import Any


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
