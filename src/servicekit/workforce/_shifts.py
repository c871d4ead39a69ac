"""Shift templates: when a shift starts, how long it runs, its breaks, cost and days.

A template is a recipe, not a date: "the early shift starts at 07:00, runs 8 hours
with a 30-minute break after 4, costs 1.0 and runs Monday to Friday and on make-up
days". Planning decides how many agents start it on which dates. This module must
never read a clock, do I/O, or import the solver.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Final, TypeVar

import attrs

from servicekit import _codec
from servicekit.errors import InvalidArgumentError, InvalidTypeError
from servicekit.routing import _values as v

if TYPE_CHECKING:
    from servicekit.sla import BusinessCalendar

__all__ = [
    "DayKind",
    "ShiftBreak",
    "ShiftTemplate",
    "day_kind",
    "distinct_items",
    "weekday_names",
]

_DAY: Final = dt.timedelta(days=1)
_WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class DayKind(enum.Enum):
    """What a calendar makes of a date (private: templates name it by flags)."""

    REGULAR = "regular"
    HOLIDAY = "holiday"
    MAKEUP = "makeup"


def day_kind(calendar: BusinessCalendar | None, day: dt.date) -> DayKind:
    """Return whether ``day`` is a make-up day, a holiday or a regular day.

    Make-up days win over holidays, as in the calendar itself.
    """
    if calendar is None:
        return DayKind.REGULAR
    if day in calendar.workdays or day in calendar.holidays.workdays_in(day.year):
        return DayKind.MAKEUP
    if day in calendar.holidays.dates_in(day.year):
        return DayKind.HOLIDAY
    return DayKind.REGULAR


_V = TypeVar("_V")


def distinct_items(
    kind: type[_V], value: object, what: str, key: Callable[[_V], str], noun: str
) -> tuple[_V, ...]:
    """Return a non-empty list of ``kind`` values whose ``key`` (a name) is unique.

    Raises:
        InvalidTypeError: not a list of ``kind`` values.
        InvalidArgumentError: an empty list, or two items with one ``noun``.
    """
    items = v.items_of(kind, value, what)
    if not items:
        msg = f"{what} is empty; give at least one {kind.__name__}"
        raise InvalidArgumentError(msg)
    twice = v.first_duplicate(key(x) for x in items)
    if twice is not None:
        msg = f"two of {what} share the {noun} {twice!r}; give each its own"
        raise InvalidArgumentError(msg)
    return items


def weekday_names(days: Iterable[int]) -> str:
    """``{0, 1}`` as ``'Mon, Tue'`` (for messages)."""
    return ", ".join(_WEEKDAYS[d] for d in sorted(days)) or "none"


def _break_length(value: object) -> dt.timedelta:
    return v.duration(value, "ShiftBreak.length", positive=True)


def _offset(value: object) -> dt.timedelta:
    return v.duration(value, "ShiftBreak.after")


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class ShiftBreak(_codec.Serialisable):
    """An unpaid, off-the-phone break inside a shift.

    Args:
        after: How long after the shift's start the break begins (zero or more).
        length: How long it lasts (positive).

    Raises:
        InvalidArgumentError: a negative ``after`` or a non-positive ``length``.

    Examples:
        >>> import datetime as dt
        >>> from servicekit.workforce import ShiftBreak
        >>> ShiftBreak(after=dt.timedelta(hours=4), length=dt.timedelta(minutes=30))
        ShiftBreak(after=datetime.timedelta(seconds=14400), length=datetime.timedelta(seconds=1800))
    """

    after: dt.timedelta = attrs.field(converter=_offset)
    length: dt.timedelta = attrs.field(converter=_break_length)

    @property
    def end(self) -> dt.timedelta:
        """When the break ends, from the shift's start."""
        return self.after + self.length


def _name(value: object) -> str:
    return v.check_id(value, "ShiftTemplate.name", "'early'")


def _time_of_day(value: object) -> dt.time:
    if isinstance(value, dt.time):
        if value.tzinfo is not None:
            msg = f"ShiftTemplate.start is a wall-clock time of day without a zone (the plan's zone applies); got {value!r}"
            raise InvalidArgumentError(msg)
        return value
    if isinstance(value, str):
        try:
            return dt.time.fromisoformat(value)
        except ValueError:
            pass
        msg = f"ShiftTemplate.start must be a time of day such as '07:30'; got {value[:20]!r}"
        raise InvalidArgumentError(msg)
    msg = f"ShiftTemplate.start must be a time of day such as '07:30' or datetime.time(7, 30); got {type(value).__name__}"
    raise InvalidTypeError(msg)


def _length(value: object) -> dt.timedelta:
    length = v.duration(value, "ShiftTemplate.length", positive=True)
    if length > _DAY:
        msg = f"ShiftTemplate.length must be at most 24 hours (one start per day); got {length}"
        raise InvalidArgumentError(msg)
    return length


def _breaks(value: object) -> tuple[ShiftBreak, ...]:
    return v.items_of(ShiftBreak, value, "ShiftTemplate.breaks")


def _cost(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"ShiftTemplate.cost must be a number (what one agent on this shift costs); got {type(value).__name__}"
        raise InvalidTypeError(msg)
    cost = float(value)
    if not math.isfinite(cost) or cost < 0:
        msg = f"ShiftTemplate.cost must be finite and zero or more; got {value!r}"
        raise InvalidArgumentError(msg)
    return cost


def _weekdays(value: object) -> frozenset[int]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = f"ShiftTemplate.weekdays must be a set of weekdays 0 (Monday) … 6 (Sunday), such as {{0, 1, 2, 3, 4}}; got {value!r}"
        raise InvalidTypeError(msg)
    days = []
    for day in value:
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            msg = f"ShiftTemplate.weekdays holds {day!r}; weekdays are 0 (Monday) … 6 (Sunday)"
            raise InvalidArgumentError(msg)
        days.append(day)
    return frozenset(days)


def _time_text(t: dt.time) -> str:
    return t.isoformat("minutes" if not t.second and not t.microsecond else "auto")


_TIME: Final = _codec.Shape(str, _time_of_day, _time_text)


@_codec.value(omit_if_default=(), shapes={"start": _TIME})
@attrs.frozen(kw_only=True)
class ShiftTemplate(_codec.Serialisable):
    """A shift as a recipe: its start time, length, breaks, cost and the days it runs.

    On a date, the template runs when the date is a regular day whose weekday is in
    ``weekdays``, a holiday of the plan's calendar and ``holidays`` is True, or a
    make-up working day (调休) of the calendar and ``makeup_days`` is True. Without a
    calendar every date is a regular day.

    Args:
        name: Unique within a plan (``"early"``).
        start: Wall-clock time of day it starts, in the plan's zone (``"07:30"``).
        length: From start to end, breaks included (positive, at most 24 hours); a
            shift may run past midnight and belongs to the date it starts on.
        breaks: Unpaid breaks, each inside the shift; they do not overlap.
        cost: What one agent on one such shift costs (any unit; zero or more).
        weekdays: Regular days it runs on, 0 (Monday) … 6 (Sunday).
        holidays: Whether it runs on the calendar's holidays.
        makeup_days: Whether it runs on the calendar's make-up working days.

    Raises:
        InvalidArgumentError: a non-positive or over-24-hour ``length``, a break that
            ends after the shift or overlaps another, a negative cost, a weekday
            outside 0-6, or a template that can never run.
        InvalidTypeError: a field of the wrong type.

    Examples:
        >>> import datetime as dt
        >>> from servicekit.workforce import ShiftBreak, ShiftTemplate
        >>> early = ShiftTemplate(
        ...     name="early",
        ...     start="07:00",
        ...     length=dt.timedelta(hours=9),
        ...     breaks=[
        ...         ShiftBreak(
        ...             after=dt.timedelta(hours=4), length=dt.timedelta(hours=1)
        ...         )
        ...     ],
        ...     weekdays={0, 1, 2, 3, 4},
        ...     holidays=False,
        ... )
        >>> early.paid_time, early.to_dict()["start"]
        (datetime.timedelta(seconds=28800), '07:00')
        >>> ShiftTemplate(
        ...     name="late",
        ...     start="15:00",
        ...     length=dt.timedelta(hours=8),
        ...     breaks=[
        ...         ShiftBreak(
        ...             after=dt.timedelta(hours=8), length=dt.timedelta(minutes=30)
        ...         )
        ...     ],
        ... )
        Traceback (most recent call last):
        ...
        servicekit.errors.InvalidArgumentError: ShiftTemplate.breaks[0] runs from 8:00:00 to 8:30:00 after the start, outside the 8:00:00 shift 'late'; a break must end by the shift's end
    """

    name: str = attrs.field(converter=_name)
    start: dt.time = attrs.field(converter=_time_of_day)
    length: dt.timedelta = attrs.field(converter=_length)
    breaks: tuple[ShiftBreak, ...] = attrs.field(default=(), converter=_breaks)
    cost: float = attrs.field(default=1.0, converter=_cost)
    weekdays: frozenset[int] = attrs.field(
        default=frozenset(range(7)), converter=_weekdays
    )
    holidays: bool = attrs.field(
        default=True, validator=v.flag("ShiftTemplate.holidays")
    )
    makeup_days: bool = attrs.field(
        default=True, validator=v.flag("ShiftTemplate.makeup_days")
    )

    def __attrs_post_init__(self) -> None:
        previous: ShiftBreak | None = None
        for i, b in enumerate(sorted(self.breaks, key=lambda b: b.after)):
            if b.end > self.length:
                msg = (
                    f"ShiftTemplate.breaks[{self.breaks.index(b)}] runs from {b.after} "
                    f"to {b.end} after the start, outside the {self.length} shift "
                    f"{self.name!r}; a break must end by the shift's end"
                )
                raise InvalidArgumentError(msg)
            if previous is not None and b.after < previous.end:
                msg = (
                    f"ShiftTemplate.breaks of {self.name!r} overlap: one runs "
                    f"{previous.after}–{previous.end} and one {b.after}–{b.end} after "
                    f"the start (break {i} in time order); merge or move them"
                )
                raise InvalidArgumentError(msg)
            previous = b
        if not self.weekdays and not self.holidays and not self.makeup_days:
            msg = (
                f"ShiftTemplate {self.name!r} can never run: weekdays is empty and "
                "holidays and makeup_days are both False; give it weekdays"
            )
            raise InvalidArgumentError(msg)

    @property
    def paid_time(self) -> dt.timedelta:
        """The shift's length minus its breaks: the time an agent is on duty."""
        return self.length - sum((b.length for b in self.breaks), dt.timedelta())

    def runs_on(self, day: dt.date, calendar: BusinessCalendar | None = None) -> bool:
        """Return whether the template may start on ``day``.

        Args:
            day: A date.
            calendar: Says which dates are holidays and make-up days; None: every
                date is a regular day.

        Examples:
            >>> import datetime as dt
            >>> from servicekit.sla import BusinessCalendar, parse_hours
            >>> from servicekit.workforce import ShiftTemplate
            >>> cn = BusinessCalendar.for_country(
            ...     "CN",
            ...     timezone="Asia/Shanghai",
            ...     weekly_hours=parse_hours("Mon-Sun 00:00-24:00"),
            ... )
            >>> office = ShiftTemplate(
            ...     name="office",
            ...     start="09:00",
            ...     length=dt.timedelta(hours=9),
            ...     weekdays={0, 1, 2, 3, 4},
            ...     holidays=False,
            ... )
            >>> office.runs_on(dt.date(2025, 10, 1), cn)  # National Day
            False
            >>> office.runs_on(dt.date(2025, 10, 11), cn)  # a Saturday make-up day
            True
        """
        kind = day_kind(calendar, day)
        if kind is DayKind.MAKEUP:
            return self.makeup_days
        if kind is DayKind.HOLIDAY:
            return self.holidays
        return day.weekday() in self.weekdays

    def on_duty_offsets(self) -> tuple[tuple[dt.timedelta, dt.timedelta], ...]:
        """Return the on-duty stretches as ``(from, to)`` offsets from the start.

        Examples:
            >>> import datetime as dt
            >>> from servicekit.workforce import ShiftBreak, ShiftTemplate
            >>> h = dt.timedelta(hours=1)
            >>> t = ShiftTemplate(
            ...     name="t",
            ...     start="08:00",
            ...     length=4 * h,
            ...     breaks=[ShiftBreak(after=2 * h, length=h)],
            ... )
            >>> [(a / h, b / h) for a, b in t.on_duty_offsets()]
            [(0.0, 2.0), (3.0, 4.0)]
        """
        out = []
        at = dt.timedelta()
        for b in sorted(self.breaks, key=lambda b: b.after):
            if b.after > at:
                out.append((at, b.after))
            at = b.end
        if self.length > at:
            out.append((at, self.length))
        return tuple(out)
