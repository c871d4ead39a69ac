"""The converters of the acceptance values' fields: instants, texts, enums.

Every instant that enters the acceptance workflow passes through [`to_instant`][],
which rejects naive datetimes and returns a pendulum DateTime in the zone it was given
in. Instant fields compare with [`instant_key`][] (``attrs.field(eq=instant_key)``):
by UTC instant, never by wall clock, because PEP 495 makes ``==`` between two zones
False inside a repeated (fall-back) hour, which would break JSON round trips (ISO
strings keep only the offset). Reading and writing JSON is the codec's
(``servicekit._codec``); [`INSTANT`][] and [`OPTIONAL_INSTANT`][] tell it to read an
instant field through [`to_instant`][], so that an unusable instant is named at its
JSON path. This module must never read the clock or the system time zone.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Final, TypeVar

import pendulum

from servicekit import _codec
from servicekit._boundary import quote
from servicekit._vocabulary import parse_member
from servicekit.errors import (
    CalendarRangeError,
    InvalidArgumentError,
    InvalidTypeError,
    NaiveDatetimeError,
    UnknownNameError,
)

__all__ = [
    "INSTANT",
    "OPTIONAL_INSTANT",
    "elapsed",
    "instant_key",
    "items_of",
    "member",
    "optional_instant",
    "optional_text",
    "reasons",
    "text",
    "to_instant",
    "utc",
]

E = TypeVar("E", bound=enum.StrEnum)
_T = TypeVar("_T")


# The years servicekit.sla.BusinessCalendar can count business days in; an instant
# this far inside year 1 or 9999 can be shown in any zone without overflowing.
_MIN_YEAR: Final = 2
_MAX_YEAR: Final = 9998


def to_instant(value: object) -> pendulum.DateTime:
    """Return ``value`` as a pendulum DateTime: same instant, same zone.

    Raises:
        InvalidTypeError: ``value`` is not a datetime.
        NaiveDatetimeError: ``value`` has no time zone.
        InvalidArgumentError: the UTC offset has a fraction of a second.
        CalendarRangeError: the instant is outside the years 2 to 9998 (UTC).
    """
    if not isinstance(value, dt.datetime):
        msg = (
            f"expected a timezone-aware datetime, got {type(value).__name__} {value!r}"
        )
        raise InvalidTypeError(msg)
    offset = value.utcoffset()
    if offset is None:
        msg = (
            f"{value!r} is naive; give it a time zone, e.g. "
            "pendulum.datetime(2025, 1, 24, 10, tz='Asia/Shanghai')"
        )
        raise NaiveDatetimeError(msg)
    if offset.microseconds:
        # pendulum would round the offset to whole seconds and so move the instant.
        msg = (
            f"{value!r} has a UTC offset with a fraction of a second; use whole seconds"
        )
        raise InvalidArgumentError(msg)
    try:
        year = value.astimezone(dt.UTC).year
    except OverflowError:
        year = 0
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        # Comparing, or showing it in the calendar's zone, would overflow deep inside.
        msg = (
            f"{value.isoformat()} is outside the years {_MIN_YEAR} to {_MAX_YEAR} "
            "(UTC) that a business calendar can count in; use a nearer instant"
        )
        raise CalendarRangeError(msg)
    out = pendulum.instance(value)
    if out.utcoffset() != offset:
        # A tzinfo pendulum cannot carry over: keep the instant at its fixed offset.
        zone = pendulum.FixedTimezone(offset.days * 86400 + offset.seconds)
        out = pendulum.instance(value.astimezone(dt.timezone(offset))).replace(
            tzinfo=zone
        )
    return out


def optional_instant(value: object) -> pendulum.DateTime | None:
    """Return None for None, else [`to_instant`][] of ``value``."""
    return None if value is None else to_instant(value)


def instant_key(value: dt.datetime | None) -> dt.datetime | None:
    """The equality key of an instant field: the instant in UTC (None stays None)."""
    return None if value is None else utc(value)


def elapsed(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Return ``end - start`` as a plain exact timedelta (negative if ``end`` is earlier).

    pendulum's own subtraction builds a calendar-aware Interval, ten times slower and
    not a plain timedelta; the instants' difference is all the workflow needs.
    """
    return dt.datetime.__sub__(utc(end), utc(start))


def utc(value: dt.datetime) -> dt.datetime:
    """Return ``value`` in UTC, the only safe way to compare instants of two zones.

    Built from the wall clock and the offset (which respects ``fold``): three
    times faster than pendulum's ``astimezone``, and every event pays it.
    """
    offset = value.utcoffset()
    if offset is None:
        # Only validated instants reach here; a naive one would be a local time.
        msg = f"{value!r} has no time zone; compare only timezone-aware instants"
        raise NaiveDatetimeError(msg)
    wall = dt.datetime(
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
        tzinfo=dt.UTC,
    )
    return wall - offset


def text(value: object, what: str, *, allow_empty: bool = True) -> str:
    """Return ``value`` if it is a string (non-blank unless ``allow_empty``).

    Raises:
        InvalidTypeError: not a string.
        InvalidArgumentError: blank where text is required.
    """
    if not isinstance(value, str):
        msg = f"{what} must be a string, got {type(value).__name__} {value!r}"
        raise InvalidTypeError(msg)
    if not allow_empty and not value.strip():
        msg = f"{what} must not be blank; say it in words"
        raise InvalidArgumentError(msg)
    return value


def optional_text(value: object, what: str) -> str | None:
    """Return None for None, else a non-blank string."""
    return None if value is None else text(value, what, allow_empty=False)


def reasons(value: object, what: str, *, allow_none: bool) -> tuple[str, ...]:
    """Return a tuple of non-blank strings from a list or tuple of them.

    A bare string is refused: iterating it would silently give one reason per letter.

    Raises:
        InvalidTypeError: a bare string, a non-iterable or a non-string item.
        InvalidArgumentError: a blank item, or no item when one is required.
    """
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"{what} must be a list of strings, e.g. ['wrong totals'], not {value!r}"
        raise InvalidTypeError(msg)
    out = tuple(text(v, f"each of {what}", allow_empty=False) for v in value)
    if not out and not allow_none:
        msg = f"{what} needs at least one entry: say what was wrong"
        raise InvalidArgumentError(msg)
    return out


def items_of(
    value: object,
    kind: type[_T] | tuple[type[_T], ...],
    what: str,
    name: str | None = None,
) -> tuple[_T, ...]:
    """Return ``value``, a list or tuple of ``kind`` values, as a tuple.

    ``name`` says what an item is in messages (``kind``'s class name by default).

    Raises:
        InvalidTypeError: a mapping, a string or a non-iterable, or an item that
            is not a ``kind``; the message names ``what``.
    """
    if name is None:
        name = kind.__name__ if isinstance(kind, type) else "value"
    if isinstance(value, Mapping | str | bytes) or not isinstance(value, Iterable):
        msg = f"{what} must be a list of {name}, got {quote(value)}"
        raise InvalidTypeError(msg)
    out = tuple(value)
    for item in out:
        if not isinstance(item, kind):
            msg = f"{what} holds {type(item).__name__} {quote(item)}, not a {name}"
            raise InvalidTypeError(msg)
    return out


def member(kind: type[E], value: object, what: str) -> E:
    """Return the member of ``kind`` that ``value`` names (as the enum's ``parse`` does).

    Raises:
        UnknownNameError: no such member; the message names ``what`` and lists the
            values.
    """
    try:
        return parse_member(kind, value)
    except UnknownNameError:
        allowed = ", ".join(repr(m.value) for m in kind)
        msg = f"{what} must be one of {allowed}, got {quote(value)}"
        raise UnknownNameError(msg) from None


def _same(value: _T) -> _T:
    return value


#: An instant field's JSON form: ISO-8601 text with its offset, read through
#: [`to_instant`][] (so that an instant outside the calendar's years is named at
#: its path, like any other unusable value).
INSTANT: Final = _codec.Shape(dt.datetime, to_instant, _same)
#: The same for a field that may be null.
OPTIONAL_INSTANT: Final = _codec.Shape(dt.datetime | None, optional_instant, _same)
