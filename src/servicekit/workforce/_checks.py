"""Checks at the boundary of the workforce models: counts, rates, shares, durations.

Private. Each check names the field it refused and says what it needs, and runs
before anything is computed, so a bad input never yields a silent wrong answer. It
must never read a clock or do I/O.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Final

from servicekit.errors import InvalidArgumentError, InvalidTypeError

# The models take one step per agent up to the traffic. A million Erlangs (a million
# agents busy at once) is far beyond any contact centre, still answers in well under a
# second, and keeps a mistyped volume from running for hours.
MAX_TRAFFIC: Final = 1_000_000.0
_TOTAL_SECONDS: Final = dt.timedelta.total_seconds


def agents(value: object, what: str = "agents") -> int:
    """Return ``value`` if it is a whole number of agents, zero or more."""
    if type(value) is int and value >= 0:
        return value
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"{what} must be a whole number, zero or more; got {value!r}"
        raise InvalidArgumentError(msg)
    return int(value)


def number(value: object, what: str, meaning: str) -> float:
    """Return ``value`` as a finite float, zero or more."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{what} must be a number ({meaning}); got {value!r}"
        raise InvalidTypeError(msg)
    found = float(value)
    if not math.isfinite(found) or found < 0:
        msg = f"{what} must be finite and zero or more; got {value!r}"
        raise InvalidArgumentError(msg)
    return found


def check_traffic(erlangs: float) -> None:
    """Refuse traffic beyond what the models are for (see ``MAX_TRAFFIC``)."""
    if erlangs > MAX_TRAFFIC:
        msg = (
            f"traffic of {erlangs:,.0f} Erlangs means over {MAX_TRAFFIC:,.0f} agents "
            "busy at once, beyond what this model is for; check the volume and "
            "period, or plan each site or interval separately"
        )
        raise InvalidArgumentError(msg)


def traffic(value: object) -> float:
    """Return offered traffic in Erlangs, checked."""
    erlangs = number(value, "traffic", "Erlangs: arrival rate x handling time")
    check_traffic(erlangs)
    return erlangs


def duration(value: object, what: str, *, positive: bool = False) -> dt.timedelta:
    """Return ``value`` if it is a non-negative (or positive) timedelta."""
    if not isinstance(value, dt.timedelta):
        msg = f"{what} must be a datetime.timedelta such as timedelta(minutes=30); got {value!r}"
        raise InvalidTypeError(msg)
    if value < dt.timedelta(0) or (positive and not value):
        need = "positive" if positive else "zero or positive"
        msg = f"{what} must be {need}; got {value}"
        raise InvalidArgumentError(msg)
    return value


def seconds(value: dt.timedelta) -> float:
    """Return a timedelta in seconds, as a float.

    The base class's method: a ``pendulum.Duration`` divided by a plain timedelta
    raises AttributeError (pendulum 3), and subclasses may round differently.
    """
    return _TOTAL_SECONDS(value)


def share(
    value: object, what: str, *, low_open: bool = False, high_open: bool = False
) -> float:
    """Return a float in [0, 1], with either end excluded on request."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{what} must be a number; got {value!r}"
        raise InvalidTypeError(msg)
    found = float(value)
    too_low = found <= 0 if low_open else found < 0
    if math.isnan(found) or too_low or found > 1:
        bracket = "(" if low_open else "["
        msg = f"{what} must lie in {bracket}0.0, 1.0]; got {value!r}"
        raise InvalidArgumentError(msg)
    if high_open and found == 1:
        msg = f"{what} must be below 1; got {value!r}"
        raise InvalidArgumentError(msg)
    return found
