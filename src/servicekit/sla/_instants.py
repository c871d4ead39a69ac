"""Instants and durations as the calendar and the clocks check them: exact microseconds.

An aware ``datetime`` becomes integer microseconds since the Unix epoch, a
``timedelta`` integer microseconds, a zone name a ``ZoneInfo``; anything else is
refused with a message that shows the bad value briefly (never a Python repr).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Final

from servicekit._boundary import quote, said
from servicekit.errors import (
    InvalidTypeError,
    NaiveDatetimeError,
    UnknownTimezoneError,
)
from servicekit.sla._hours import US_PER_DAY, US_PER_SECOND

_EPOCH_ORDINAL: Final = dt.date(1970, 1, 1).toordinal()
_US: Final = US_PER_SECOND
_NOT_IANA: Final = frozenset({"localtime", "posixrules", "Factory"})
#: The years an instant may fall in (a margin inside what ``datetime`` can hold).
MIN_YEAR: Final = 2
MAX_YEAR: Final = 9998


def instant_us(value: object, what: str) -> int:
    """Return an aware datetime as exact integer microseconds since the Unix epoch."""
    if not isinstance(value, dt.datetime):
        msg = f"{what} must be a timezone-aware datetime, got {type(value).__name__} {show(value)}"
        raise InvalidTypeError(msg)
    off = value.utcoffset()
    if off is None:
        msg = (
            f"{what} {show(value)} is naive; give an aware datetime, e.g. "
            "pendulum.datetime(2025, 1, 24, 17, 40, tz='Asia/Shanghai')"
        )
        raise NaiveDatetimeError(msg)
    return (
        (
            (value.toordinal() - _EPOCH_ORDINAL) * 86400
            + value.hour * 3600
            + value.minute * 60
            + value.second
            - off.days * 86400
            - off.seconds
        )
        * _US
        + value.microsecond
        - off.microseconds
    )


def delta_us(value: object, what: str) -> int:
    if not isinstance(value, dt.timedelta):
        msg = f"{what} must be a datetime.timedelta, got {type(value).__name__} {show(value)}"
        raise InvalidTypeError(msg)
    return (value.days * 86400 + value.seconds) * _US + value.microseconds


def show(value: object) -> str:
    """A bad value as a message shows it, never as a Python repr or a whole input.

    Instants and days in ISO form, durations in days, hours and minutes, anything
    else as a short prefix.

    Examples:
        >>> import datetime as dt
        >>> show(dt.datetime(9999, 12, 31, 23, 0)), show(dt.timedelta(hours=-1))
        ('9999-12-31T23:00:00', '-1 h')
    """
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_text(delta_us(value, "duration"))
    return quote(value)


def duration_text(us: int) -> str:
    """A duration in the reader's units: ``"3 days 2 h 5 min"``, ``"1.5 s"``.

    Examples:
        >>> duration_text(90 * 60 * 1_000_000), duration_text(-1)
        ('1 h 30 min', '-0.000001 s')
    """
    sign = "-" if us < 0 else ""
    us = abs(us)
    days, rest = divmod(us, US_PER_DAY)
    hours, rest = divmod(rest, 3600 * _US)
    minutes, rest = divmod(rest, 60 * _US)
    parts = [f"{days:,} days" if days != 1 else "1 day"] if days else []
    parts += [f"{hours} h"] if hours else []
    parts += [f"{minutes} min"] if minutes else []
    if rest or not parts:
        parts.append(f"{rest / _US:.6f}".rstrip("0").rstrip(".") + " s")
    return sign + " ".join(parts)


def check_date(value: object, what: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        msg = f"{what} must be a datetime.date (a calendar day, not an instant), got {show(value)}"
        raise InvalidTypeError(msg)
    return value


def zone_named(name: object) -> zoneinfo.ZoneInfo:
    if not isinstance(name, str) or not name:
        msg = f"timezone must be an IANA name such as 'Asia/Shanghai', got {show(name)}"
        raise UnknownTimezoneError(
            msg, message=said("error.zone.not_text", value=show(name))
        )
    if name in _NOT_IANA or name.startswith(("posix/", "right/")):
        # "localtime" is the host's zone: one calendar would mean different things on
        # different servers. "right/" zones count leap seconds, which instants don't.
        msg = f"{show(name)} is not an IANA zone name; give one such as 'Asia/Shanghai'"
        raise UnknownTimezoneError(
            msg, message=said("error.zone.not_iana", value=show(name))
        )
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a directory ("America") or a name too long for the file system.
        msg = f"unknown time zone {show(name)}; use an IANA name such as 'Asia/Shanghai' or 'America/New_York'"
        raise UnknownTimezoneError(
            msg, message=said("error.zone.unknown", value=show(name))
        ) from None


# ---------------------------------------------------------------------------- engine
