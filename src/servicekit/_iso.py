"""The JSON codec of time values shared by every subpackage: ISO-8601 text, exactly.

Durations are written in hours, minutes and (fractional) seconds, never in days: an
ISO ``P1D`` may mean a calendar day, which is not 24 hours across a DST change.
Instants are written with their UTC offset and parsed only when they carry one.
This module must never read the clock or the system time zone.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final

from servicekit._boundary import said
from servicekit.errors import DeserializationError

__all__ = ["duration_from_iso", "duration_to_iso", "instant_from_iso"]

_ISO_DURATION: Final = re.compile(
    r"^(?P<sign>-)?P(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?"
    r"(?:(?P<seconds>\d+)(?:\.(?P<micro>\d{1,6}))?S)?)?$"
)


def duration_to_iso(value: dt.timedelta) -> str:
    """Return an exact ISO-8601 duration such as ``'PT24H'`` or ``'PT0.000001S'``."""
    sign = "-" if value < dt.timedelta(0) else ""
    value = abs(value)
    hours, rest = divmod(value.days * 86400 + value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = ""
    if hours:
        clock += f"{hours}H"
    if minutes:
        clock += f"{minutes}M"
    if seconds or value.microseconds:
        clock += f"{seconds}"
        if value.microseconds:
            clock += f".{value.microseconds:06d}".rstrip("0")
        clock += "S"
    return f"{sign}PT" + (clock or "0S")


def duration_from_iso(value: Any, what: str) -> dt.timedelta:
    """Parse an ISO-8601 duration of days, hours, minutes and seconds exactly.

    ``nD`` is read as n × 24 hours.

    Raises:
        DeserializationError: not such a string.
    """
    match = _ISO_DURATION.match(value) if isinstance(value, str) else None
    if match is None or value.rstrip("-").endswith(("P", "T")):
        msg = f"{what} must be an ISO-8601 duration such as 'PT24H' or 'PT30M', got {value!r}"
        raise DeserializationError(
            msg, message=said("error.iso.duration", what=what, value=repr(value))
        )
    parts = match.groupdict()
    out = dt.timedelta(
        days=int(parts["days"] or 0),
        hours=int(parts["hours"] or 0),
        minutes=int(parts["minutes"] or 0),
        seconds=int(parts["seconds"] or 0),
        microseconds=int((parts["micro"] or "0").ljust(6, "0")),
    )
    return -out if parts["sign"] else out


def instant_from_iso(value: Any, what: str) -> dt.datetime:
    """Parse an ISO-8601 instant that carries its UTC offset.

    Raises:
        DeserializationError: not a string, not ISO-8601, or without an offset.
    """
    if not isinstance(value, str):
        msg = f"{what} must be an ISO-8601 string such as '2025-01-24T10:00:00+08:00', got {value!r}"
        raise DeserializationError(
            msg, message=said("error.iso.not_text", what=what, value=repr(value))
        )
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        msg = f"{what} {value!r} is not ISO-8601; use e.g. '2025-01-24T10:00:00+08:00'"
        raise DeserializationError(
            msg, message=said("error.iso.not_iso", what=what, value=repr(value))
        ) from None
    if parsed.utcoffset() is None:
        msg = f"{what} {value!r} has no UTC offset; append one such as '+08:00'"
        raise DeserializationError(
            msg, message=said("error.iso.no_offset", what=what, value=repr(value))
        )
    return parsed
