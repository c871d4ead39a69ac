"""Time for shift plans: the intervals a requirement covers, and shifts on dates.

Reads agents required per interval (a list of counts with a start and an interval
length, or any value holding them, [`IntervalCounts`][servicekit.workforce.IntervalCounts])
into exact microseconds in a named zone, and places a template's on-duty stretches
on a date, so plans and rosters agree on what a shift covers. This module must never
read a clock or do I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final, Protocol, runtime_checkable

import attrs
import pendulum

from servicekit.errors import InvalidArgumentError, InvalidTypeError
from servicekit.routing import _values as v

if TYPE_CHECKING:
    from servicekit.workforce._shifts import ShiftTemplate

__all__ = [
    "Horizon",
    "IntervalCounts",
    "check_interval",
    "check_zone",
    "horizon_of",
    "instant_at",
    "shift_us",
    "zone_name",
]

_US: Final = dt.timedelta(microseconds=1)


@runtime_checkable
class IntervalCounts(Protocol):
    """Anything that holds agents required per interval (such as interval requirements).

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.workforce import IntervalCounts
        >>> class Need:
        ...     start = pendulum.datetime(2025, 1, 6, tz="UTC")
        ...     interval = dt.timedelta(minutes=30)
        ...     required = (1, 2)
        >>> isinstance(Need(), IntervalCounts)
        True
    """

    @property
    def start(self) -> dt.datetime:
        """The first interval's start."""

    @property
    def interval(self) -> dt.timedelta:
        """Each interval's length."""

    @property
    def required(self) -> Sequence[int]:
        """Agents required in each interval, in order."""


@attrs.frozen
class Horizon:
    """The intervals a plan covers, as exact microseconds (internal)."""

    start: dt.datetime
    start_us: int
    interval: dt.timedelta
    interval_us: int
    required: tuple[int, ...]
    timezone: str
    zone: pendulum.Timezone

    @property
    def end_us(self) -> int:
        """The end of the last interval."""
        return self.start_us + self.interval_us * len(self.required)

    def local_date(self, us: int) -> dt.date:
        """The date, in the plan's zone, of the instant ``us``."""
        return instant_at(us, self.zone).date()

    def label(self, i: int) -> str:
        """Interval ``i``'s start as local ``YYYY-MM-DD HH:MM`` (for messages)."""
        at = instant_at(self.start_us + i * self.interval_us, self.zone)
        return at.format("YYYY-MM-DD HH:mm")

    def covered(self, segments: Iterable[tuple[int, int]]) -> list[int]:
        """The indices of the intervals lying wholly inside one of ``segments``."""
        out: list[int] = []
        n = len(self.required)
        for a, b in segments:
            first = max(0, -((self.start_us - a) // self.interval_us))
            last = min(n, (b - self.start_us) // self.interval_us)
            out.extend(range(first, last))
        return out


def zone_name(start: dt.datetime, timezone: str | None) -> str:
    if timezone is not None:
        return timezone
    tz = start.tzinfo
    name = getattr(tz, "key", None) or getattr(tz, "name", None)
    if tz is dt.UTC:
        return "UTC"
    if not isinstance(name, str):
        msg = (
            f"start's zone {tz!r} has no IANA name, so shift start times cannot be "
            "placed on dates; pass timezone='Asia/Shanghai' (or a calendar)"
        )
        raise InvalidArgumentError(msg)
    return name


def check_zone(name: str, what: str) -> pendulum.Timezone:
    try:
        return pendulum.timezone(name)
    except Exception:  # noqa: BLE001 -- pendulum raises its own types
        msg = f"{what} {name[:40]!r} is not a known time zone; use an IANA name such as 'Asia/Shanghai'"
        raise InvalidArgumentError(msg) from None


def _required(value: object) -> tuple[int, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        msg = f"required must be a list of agents needed per interval, such as [2, 3, 3]; got {type(value).__name__}"
        raise InvalidTypeError(msg)
    if not value:
        msg = "required is empty; give the agents needed in at least one interval"
        raise InvalidArgumentError(msg)
    return tuple(v.count(n, f"required[{i}]") for i, n in enumerate(value))


def check_interval(value: object) -> dt.timedelta:
    interval = v.duration(value, "interval", positive=True)
    if dt.timedelta(days=1) % interval or interval % dt.timedelta(minutes=1):
        msg = (
            f"interval must be whole minutes that divide a day evenly, such as 15, 30 "
            f"or 60 minutes; got {interval}"
        )
        raise InvalidArgumentError(msg)
    return interval


def horizon_of(
    required: object,
    start: dt.datetime | None,
    interval: dt.timedelta | None,
    timezone: str | None,
) -> Horizon:
    """Read the requirements a planner is given (a list of counts or an object).

    Raises:
        InvalidArgumentError: counts that are not whole numbers >= 0, an interval
            that does not divide a day, or a start off an interval boundary.
        InvalidTypeError: values of the wrong type.
    """
    if isinstance(required, IntervalCounts) and not isinstance(required, Sequence):
        if start is not None or interval is not None:
            msg = (
                "start and interval come from the requirements object given as "
                "required; do not pass them as well"
            )
            raise InvalidArgumentError(msg)
        start, interval = required.start, required.interval
        required = tuple(required.required)
    if start is None or interval is None:
        msg = (
            "give start (the first interval's start) and interval (15, 30 or 60 "
            "minutes) with a list of required counts"
        )
        raise InvalidArgumentError(msg)
    counts = _required(required)
    step = check_interval(interval)
    begin = v.aware(start, "start")
    name = zone_name(begin, timezone)
    zone = check_zone(name, "timezone")
    local = begin.astimezone(zone)
    into_day = dt.timedelta(
        hours=local.hour,
        minutes=local.minute,
        seconds=local.second,
        microseconds=local.microsecond,
    )
    if into_day % step:
        msg = (
            f"start {local.isoformat()} is not on a {step} interval boundary of its "
            "day; start the requirements at one"
        )
        raise InvalidArgumentError(msg)
    return Horizon(
        start=begin,
        start_us=v.micros(begin),
        interval=step,
        interval_us=step // _US,
        required=counts,
        timezone=name,
        zone=zone,
    )


_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def instant_at(us: int, zone: pendulum.Timezone) -> pendulum.DateTime:
    """The instant ``us`` microseconds after the epoch, shown in ``zone`` (internal)."""
    return pendulum.instance(_EPOCH + dt.timedelta(microseconds=us)).in_timezone(zone)


def shift_us(
    template: ShiftTemplate, day: dt.date, zone: pendulum.Timezone
) -> tuple[int, tuple[tuple[int, int], ...]]:
    """Return a shift's start and its on-duty stretches, in microseconds (internal)."""
    begin = v.micros(dt.datetime.combine(day, template.start, tzinfo=zone))
    return begin, tuple(
        (begin + a // _US, begin + b // _US) for a, b in template.on_duty_offsets()
    )
