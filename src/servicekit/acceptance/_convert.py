"""Converters shared by the acceptance values: instants, durations, texts, enums, JSON.

Every instant that enters the acceptance workflow passes through [`to_instant`][],
which rejects naive datetimes and returns a pendulum DateTime in the zone it was given
in. Instant fields compare with [`instant_key`][] (``attrs.field(eq=instant_key)``):
by UTC instant, never by wall clock, because PEP 495 makes ``==`` between two zones
False inside a repeated (fall-back) hour, which would break JSON round trips (ISO
strings keep only the offset). [`to_plain`][] / [`from_plain`][] are the one
``to_dict`` / ``from_dict`` codec of the small values (events, obligations, breaches).
This module must never read the clock or the system time zone.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any, Final, TypeVar

import attrs
import pendulum

from servicekit._boundary import check_depth, quote
from servicekit._iso import duration_from_iso, duration_to_iso, instant_from_iso
from servicekit.errors import (
    CalendarRangeError,
    DeserializationError,
    InvalidArgumentError,
    InvalidTypeError,
    NaiveDatetimeError,
    UnknownNameError,
)

__all__ = [
    "duration_from_iso",
    "duration_to_iso",
    "elapsed",
    "from_plain",
    "instant_key",
    "member",
    "optional_instant",
    "optional_text",
    "parse_instant",
    "reasons",
    "text",
    "to_instant",
    "to_plain",
    "utc",
]

E = TypeVar("E", bound=enum.Enum)
A = TypeVar("A", bound=attrs.AttrsInstance)


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
    return None if value is None else value.astimezone(dt.UTC)


def elapsed(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Return ``end - start`` as a plain exact timedelta (negative if ``end`` is earlier).

    pendulum's own subtraction builds a calendar-aware Interval, ten times slower and
    not a plain timedelta; the instants' difference is all the workflow needs.
    """
    return dt.datetime.__sub__(utc(end), utc(start))


def utc(value: dt.datetime) -> dt.datetime:
    """Return ``value`` in UTC, the only safe way to compare instants of two zones."""
    return value.astimezone(dt.UTC)


def parse_instant(value: Any, what: str) -> pendulum.DateTime:
    """Parse an ISO-8601 string with an explicit offset (``to_dict`` output).

    Raises:
        DeserializationError: not a string, not ISO-8601, no offset, or not a
            usable instant (see [`to_instant`][]).
    """
    parsed = instant_from_iso(value, what)
    try:
        return to_instant(parsed)
    except InvalidArgumentError as e:
        msg = f"{what} {value!r}: {e}"
        raise DeserializationError(msg) from e


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


def member(kind: type[E], value: object, what: str) -> E:
    """Return the member of ``kind`` that is ``value`` or has it as its value.

    Raises:
        UnknownNameError: no such member; the message lists the values.
    """
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except (ValueError, TypeError):
        allowed = ", ".join(repr(m.value) for m in kind)
        msg = f"{what} must be one of {allowed}, got {value!r}"
        raise UnknownNameError(msg) from None


# One codec for every acceptance value: its attrs fields are the keys, in order.
# Instant fields are the ones compared with instant_key, and they are what is
# written as ISO-8601 strings.


def _is_instant(field: attrs.Attribute[Any]) -> bool:
    # attrs records eq=instant_key as Attribute.eq_key; its stubs do not declare it.
    return getattr(field, "eq_key", None) is instant_key


def _plain(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def to_plain(value: attrs.AttrsInstance) -> dict[str, Any]:
    """Return an attrs value's fields as JSON-native data, in field order.

    Enums become their values, instants ISO-8601 strings with their offset, tuples
    lists; everything else (str, int, bool, None) is already JSON-native.
    """
    return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(type(value))}


def from_plain(cls: type[A], data: Any, *, extra: tuple[str, ...] = ()) -> A:
    """Build ``cls`` from [`to_plain`][] data; ``extra`` keys are allowed and ignored.

    A key may be left out only where the field has a default.

    Raises:
        DeserializationError: not a mapping, a missing or unknown key, or a value
            ``cls`` refuses (the message says which).
    """
    name = cls.__name__
    if not isinstance(data, Mapping):
        msg = f"{name}.from_dict needs a mapping, got {quote(data)}"
        raise DeserializationError(msg)
    check_depth(data, f"{name} data")
    fields = [f for f in attrs.fields(cls) if f.init]
    unknown = sorted(set(data) - {*extra, *(f.name for f in fields)}, key=repr)
    if unknown:
        expected = [*extra, *(f.name for f in fields)]
        msg = f"{name} data has unknown keys {unknown}; expected {expected}"
        raise DeserializationError(msg)
    kwargs: dict[str, Any] = {}
    for f in fields:
        if f.name not in data:
            if f.default is attrs.NOTHING:
                msg = f"{name} data lacks the key {f.name!r}"
                raise DeserializationError(msg)
            continue
        value = data[f.name]
        if _is_instant(f) and value is not None:
            value = parse_instant(value, f"{name}.{f.name}")
        kwargs[f.name] = value
    try:
        return cls(**kwargs)
    except (InvalidArgumentError, InvalidTypeError, UnknownNameError) as e:
        msg = f"invalid {name} data {quote(dict(data))}: {e}"
        raise DeserializationError(msg) from e
