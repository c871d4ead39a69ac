"""Working-hours values: parsing interval bounds, weekly tables and the compact syntax.

Everything here is wall-clock arithmetic on one local day, in whole microseconds since
local midnight; no time zone, no date, no instant. The calendar maps these onto
instants. This module must never read the clock or know about holidays.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from servicekit._boundary import quote, said
from servicekit.errors import InvalidHoursError

__all__ = ["DayHours", "Interval", "parse_hours"]

US_PER_SECOND: Final = 1_000_000
US_PER_DAY: Final = 86_400 * US_PER_SECOND

# A local day's working intervals as (start, end) microseconds from local midnight.
# end > start always; end > US_PER_DAY means a night shift running into the next day.
Interval = tuple[int, int]
DayHours = tuple[Interval, ...]

_BOUND_RE: Final = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$")
_DAY_NAMES: Final = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "wed": 2,
    "wednesday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
}
_SHORT: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def parse_bound(value: object, *, is_end: bool) -> int:
    """Return a bound (``"HH:MM"``, ``"HH:MM:SS[.ffffff]"`` or ``time``) in µs from midnight.

    ``"24:00"`` (the next midnight) is allowed only as an end.

    Raises:
        InvalidHoursError: the bound is malformed or out of range.
    """
    if isinstance(value, dt.time):
        if value.tzinfo is not None:
            msg = f"working-hour bound {value.isoformat()} has a time zone; give wall-clock times, the calendar has the zone"
            raise InvalidHoursError(msg)
        return (
            value.hour * 3600 + value.minute * 60 + value.second
        ) * US_PER_SECOND + value.microsecond
    if not isinstance(value, str):
        msg = f"working-hour bound must be 'HH:MM', 'HH:MM:SS' or a datetime.time; got {quote(value)}"
        raise InvalidHoursError(msg)
    m = _BOUND_RE.match(value.strip())
    if m is None:
        msg = f"malformed time {quote(value)}; write it as 'HH:MM' or 'HH:MM:SS' (24-hour clock)"
        raise InvalidHoursError(
            msg, message=said("error.hours.malformed", value=quote(value))
        )
    hh, mm, ss = int(m[1]), int(m[2]), int(m[3] or 0)
    frac = int((m[4] or "0").ljust(6, "0"))
    if hh == 24 and mm == ss == frac == 0:
        if not is_end:
            msg = f"{quote(value)} cannot start an interval; '24:00' is the next midnight, use '00:00'"
            raise InvalidHoursError(
                msg, message=said("error.hours.midnight_start", value=quote(value))
            )
        return US_PER_DAY
    if hh > 23 or mm > 59 or ss > 59:
        msg = f"time {quote(value)} is out of range; hours run 00-23 (or 24:00 as an end), minutes and seconds 00-59"
        raise InvalidHoursError(
            msg, message=said("error.hours.out_of_range", value=quote(value))
        )
    return (hh * 3600 + mm * 60 + ss) * US_PER_SECOND + frac


def format_bound(us: int) -> str:
    """Return the shortest ``HH:MM[:SS[.ffffff]]`` text for a bound (``24:00`` allowed).

    Examples:
        >>> format_bound(9 * 3600 * 1_000_000), format_bound(86_400 * 1_000_000)
        ('09:00', '24:00')
    """
    seconds, frac = divmod(us, US_PER_SECOND)
    hh, rest = divmod(seconds, 3600)
    mm, ss = divmod(rest, 60)
    text = f"{hh:02d}:{mm:02d}"
    if ss or frac:
        text += f":{ss:02d}"
    if frac:
        text += f".{frac:06d}"
    return text


def parse_interval(item: object) -> Interval:
    """Return one interval ``(start, end)`` in µs, unfolding a night shift past midnight.

    Raises:
        InvalidHoursError: not a pair of bounds, or empty (start equals end).
    """
    if isinstance(item, str) and "-" in item:
        start_text, _, end_text = item.partition("-")
        pair: tuple[object, object] = (start_text, end_text)
    elif isinstance(item, Iterable) and not isinstance(item, str | bytes | Mapping):
        parts = tuple(item)
        if len(parts) != 2:
            msg = f"an interval is a (start, end) pair such as ('09:00', '12:00'); got {quote(item)}"
            raise InvalidHoursError(msg)
        pair = (parts[0], parts[1])
    else:
        msg = f"an interval is a (start, end) pair such as ('09:00', '12:00'); got {quote(item)}"
        raise InvalidHoursError(msg)
    start = parse_bound(pair[0], is_end=False)
    end = parse_bound(pair[1], is_end=True)
    if end == start:
        msg = (
            f"interval {quote(item)} is empty (it ends where it starts); a 24-hour day is "
            "('00:00', '24:00')"
        )
        said_as = said("error.hours.empty", value=quote(item))
        raise InvalidHoursError(msg, message=said_as)
    if end < start:
        # A night shift: it belongs to the date it starts on and runs past midnight.
        end += US_PER_DAY
    return (start, end)


def parse_day(items: object, *, what: str) -> DayHours:
    """Return one day's intervals sorted by start, rejecting overlaps.

    Raises:
        InvalidHoursError: a malformed or overlapping interval.
    """
    if items is None:
        return ()
    if isinstance(items, str | bytes) or not isinstance(items, Iterable):
        msg = f"{what} must be a list of (start, end) intervals; got {quote(items)}"
        raise InvalidHoursError(msg)
    intervals = sorted(parse_interval(item) for item in items)
    for (s1, e1), (s2, e2) in itertools.pairwise(intervals):
        if s2 < e1:
            first = f"{format_bound(s1)}-{format_bound(e1 % US_PER_DAY or e1)}"
            second = f"{format_bound(s2)}-{format_bound(e2 % US_PER_DAY or e2)}"
            msg = (
                f"{what}: intervals {first} and {second} overlap; "
                "merge them or fix the bounds"
            )
            said_as = said("error.hours.overlap", what=what, first=first, second=second)
            raise InvalidHoursError(msg, message=said_as)
    return tuple(intervals)


def _weekday_key(key: object) -> int:
    if isinstance(key, bool):
        key = str(key)
    if isinstance(key, int) and 0 <= key <= 6:
        return key
    if isinstance(key, str):
        text = key.strip().lower()
        if text.isdigit() and 0 <= int(text) <= 6:
            return int(text)
        if text in _DAY_NAMES:
            return _DAY_NAMES[text]
    msg = f"weekday {quote(key)} is not 0 (Monday) … 6 (Sunday) or a day name such as 'Mon'"
    raise InvalidHoursError(msg, message=said("error.hours.weekday", value=quote(key)))


def parse_weekly(weekly: object) -> tuple[DayHours, ...]:
    """Return seven days of intervals (Monday first) from a weekday → intervals mapping.

    Raises:
        InvalidHoursError: a bad weekday, a malformed interval, or an overlap (also a
            night shift running into the next weekday's first interval).
    """
    if not isinstance(weekly, Mapping):
        msg = (
            "weekly_hours must map weekdays (0 = Monday … 6 = Sunday) to lists of "
            f"(start, end) intervals; got {quote(weekly)}"
        )
        raise InvalidHoursError(msg)
    days: list[DayHours] = [()] * 7
    seen: set[int] = set()
    for key, items in weekly.items():
        day = _weekday_key(key)
        if day in seen:
            msg = f"weekday {_SHORT[day]} is given twice in weekly_hours"
            raise InvalidHoursError(msg)
        seen.add(day)
        days[day] = parse_day(items, what=f"weekly_hours[{_SHORT[day]}]")
    for day in range(7):
        check_spill(
            days[day],
            days[(day + 1) % 7],
            what=f"{_SHORT[day]}→{_SHORT[(day + 1) % 7]}",
        )
    return tuple(days)


def check_spill(today: DayHours, tomorrow: DayHours, *, what: str) -> None:
    """Reject a night shift that runs into the next day's first interval.

    Raises:
        InvalidHoursError: the two overlap.
    """
    if today and tomorrow and today[-1][1] - US_PER_DAY > tomorrow[0][0]:
        msg = (
            f"{what}: the night shift ending at {format_bound(today[-1][1] - US_PER_DAY)} "
            f"overlaps the next day's interval starting at {format_bound(tomorrow[0][0])}"
        )
        raise InvalidHoursError(msg)


def day_to_json(day: DayHours) -> list[list[str]]:
    """Return a day's intervals as ``[["09:00", "12:00"], …]`` (night shifts folded back)."""
    return [
        [format_bound(s), format_bound(e - US_PER_DAY if e > US_PER_DAY else e)]
        for s, e in day
    ]


def _expand_days(spec: str) -> list[int]:
    days: list[int] = []
    for part in spec.split(","):
        piece = part.strip().lower()
        if piece in ("daily", "everyday", "all"):
            days.extend(range(7))
            continue
        first, sep, last = piece.partition("-")
        if first not in _DAY_NAMES or (sep and last not in _DAY_NAMES):
            msg = f"unknown day {quote(part.strip())}; use Mon, Tue, Wed, Thu, Fri, Sat, Sun, ranges like Mon-Fri, or Daily"
            raise InvalidHoursError(
                msg, message=said("error.hours.unknown_day", value=quote(part.strip()))
            )
        a = _DAY_NAMES[first]
        b = _DAY_NAMES[last] if sep else a
        days.extend((a + k) % 7 for k in range((b - a) % 7 + 1))
    return days


def parse_hours(text: str) -> dict[int, list[tuple[str, str]]]:
    """Parse the compact weekly-hours syntax into a ``weekly_hours`` mapping.

    Segments are separated by ``;``. Each is a day list (``Mon``, ``Mon-Fri``,
    ``Fri-Mon`` wraps, ``Mon,Wed``, ``Daily``) followed by comma-separated intervals
    ``HH:MM-HH:MM`` (an end not after the start is a night shift; ``24:00`` is the next
    midnight) or the word ``closed``. Days not named are closed.

    Args:
        text: for example ``"Mon-Fri 09:00-12:00,13:30-18:00; Sat 10:00-14:00"``.

    Returns:
        A mapping usable as ``BusinessCalendar(weekly_hours=...)``.

    Raises:
        InvalidHoursError: malformed text, unknown day names, a day given twice, or
            overlapping intervals.

    Examples:
        >>> from servicekit.sla import parse_hours
        >>> parse_hours("Mon-Fri 09:00-12:00,13:30-18:00; Sat 10:00-14:00")[5]
        [('10:00', '14:00')]
        >>> sorted(parse_hours("Mon-Fri 09:00-18:00"))
        [0, 1, 2, 3, 4]
        >>> parse_hours("Daily 22:00-06:00")[6]
        [('22:00', '06:00')]
    """
    if not isinstance(text, str) or not text.strip():
        msg = f"hours text must be a non-empty string such as 'Mon-Fri 09:00-18:00'; got {quote(text)}"
        raise InvalidHoursError(
            msg, message=said("error.hours.not_text", value=quote(text))
        )
    result: dict[int, list[tuple[str, str]]] = {}
    for segment in text.split(";"):
        seg = segment.strip()
        if not seg:
            continue
        day_spec, _, hours_spec = seg.partition(" ")
        hours_spec = hours_spec.strip()
        if not hours_spec:
            msg = f"segment {quote(seg)} names days but no hours; write e.g. 'Mon-Fri 09:00-18:00' or 'Sun closed'"
            raise InvalidHoursError(
                msg, message=said("error.hours.no_hours", value=quote(seg))
            )
        if hours_spec.lower() in ("closed", "off"):
            intervals: list[tuple[str, str]] = []
        else:
            intervals = []
            for chunk in hours_spec.split(","):
                start, sep, end = chunk.strip().partition("-")
                if not sep:
                    msg = f"interval {quote(chunk.strip())} in {quote(seg)} must look like 09:00-12:00"
                    said_as = said(
                        "error.hours.interval_shape",
                        value=quote(chunk.strip()),
                        segment=quote(seg),
                    )
                    raise InvalidHoursError(msg, message=said_as)
                intervals.append((start.strip(), end.strip()))
        for day in _expand_days(day_spec):
            if day in result:
                msg = f"{_SHORT[day]} is given twice in {quote(text)}"
                said_as = said(
                    "error.hours.day_twice", day=_SHORT[day], text=quote(text)
                )
                raise InvalidHoursError(msg, message=said_as)
            result[day] = list(intervals)
    if not result:
        msg = f"hours text {quote(text)} names no days"
        raise InvalidHoursError(
            msg, message=said("error.hours.no_days", text=quote(text))
        )
    parse_weekly(result)  # validate bounds and overlaps now, at the boundary
    return {day: intervals for day, intervals in sorted(result.items()) if intervals}


def normalise_json_day(items: Any) -> list[tuple[str, str]]:
    """Return JSON interval lists as tuples (for ``from_dict``)."""
    return [(str(a), str(b)) for a, b in items]
