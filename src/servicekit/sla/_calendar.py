"""The business calendar: working hours, holidays, make-up days, zones and DST, exactly.

Working time is a set of instants. For each local date the calendar takes that date's
intervals (weekly hours, or make-up-day hours, or none on a holiday) and maps the
wall-clock ranges onto real instants through the zone's UTC offsets, so a skipped DST
hour is lost and a repeated one counts twice. Per year, those instant ranges are
precomputed as sorted integer arrays (microseconds since the Unix epoch) with running
sums, and every query is a couple of bisections: cost does not grow with the span.

This module must never read the system clock or the system time zone, and never does
I/O beyond what ``zoneinfo`` and ``holidays`` do to load their own data.

Holiday data runs out: China's make-up working days are announced a year at a time,
so a calendar knows the last date its data covers (``known_until``) and a computation
reaching past it warns once (``HolidayDataWarning``) or, when strict, raises. The
"warned" flag lives in the precomputed engine, outside the calendar's value.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, Any, Final, Self

import attrs

from servicekit import _codec
from servicekit._boundary import said
from servicekit.errors import (
    CalendarNeverOpensError,
    InvalidArgumentError,
    InvalidHoursError,
    InvalidTypeError,
)
from servicekit.sla._holidays import HolidaySet, to_holiday_set, to_workdays
from servicekit.sla._hours import (
    check_spill,
    day_to_json,
    parse_day,
    parse_weekly,
)
from servicekit.sla._instants import (
    check_date,
    delta_us,
    duration_text,
    show,
    zone_named,
)
from servicekit.sla._timeline import HORIZON_US, ONE_US, WINDOW_YEARS, Engine

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    import pendulum

__all__ = ["BusinessCalendar"]


# ---------------------------------------------------------------------------- timezone


def _check_timezone(_inst: object, _attr: object, name: str) -> None:
    zone_named(name)


def _canonical_weekly(value: object) -> tuple[tuple[tuple[str, str], ...], ...]:
    days = parse_weekly(value)
    return tuple(tuple((a, b) for a, b in day_to_json(d)) for d in days)


def _canonical_day(value: object) -> tuple[tuple[str, str], ...] | None:
    if value is None:
        return None
    day = parse_day(value, what="workday_hours")
    return tuple((a, b) for a, b in day_to_json(day))


def engine_of(calendar: BusinessCalendar) -> Engine:
    """The calendar's precomputed engine, for the SLA clocks' integer arithmetic."""
    return calendar._engine  # noqa: SLF001  (same package, private by convention)


# ---------------------------------------------------------------------------- calendar


def _read_holidays(data: object, _: object) -> HolidaySet:
    # The object a HolidaySet writes, or (as people write them) a list of dates.
    if data is None:
        return HolidaySet()
    if isinstance(data, list):
        return HolidaySet(dates=_codec.from_data(list[dt.date], data, what="holidays"))
    return HolidaySet.from_dict(data)  # type: ignore[arg-type]


def _write_holidays(holidays: HolidaySet) -> dict[str, Any]:
    return holidays.to_dict()  # which refuses a custom holidays class


def _weekly_to_json(
    weekly: tuple[tuple[tuple[str, str], ...], ...],
) -> dict[str, tuple[tuple[str, str], ...]]:
    return {str(i): day for i, day in enumerate(weekly) if day}


def _checked_weekly(weekly: dict[str, Any]) -> dict[str, Any]:
    _canonical_weekly(weekly)  # raises here, so the error names the field's path
    return weekly


def _checked_day(day: list[Any] | None) -> list[Any] | None:
    _canonical_day(day)
    return day


_WEEKLY_JSON: Final = _codec.Shape(
    dict[str, list[tuple[str, str]]], _checked_weekly, _weekly_to_json
)
_DAY_JSON: Final = _codec.Shape(
    list[tuple[str, str]] | None, _checked_day, lambda day: day
)


def _checked_zone(name: str) -> str:
    zone_named(name)
    return name


@_codec.value(
    omit_if_default=(),
    hooks={"holidays": (_read_holidays, _write_holidays)},
    shapes={
        "timezone": _codec.Shape(str, _checked_zone, lambda name: name),
        "weekly_hours": _WEEKLY_JSON,
        "workday_hours": _DAY_JSON,
    },
)
@attrs.frozen(kw_only=True)
class BusinessCalendar(_codec.Serialisable):
    """Working hours in a time zone, minus holidays, plus make-up working days.

    The moment ``t`` is working time iff the wall-clock time at ``t`` in ``timezone``
    lies in one of the intervals of that local date (half-open ``[start, end)``). An
    interval whose end is not after its start is a night shift belonging to the date it
    starts on. Business time is real elapsed time: DST gaps are lost, repeated hours
    count twice. A date in ``workdays`` (or a holiday object's ``weekend_workdays``) is
    a working day with ``workday_hours`` (default: Monday's), even if it is also listed
    as a holiday.

    Args:
        timezone: IANA zone name.
        weekly_hours: weekday (0 = Monday … 6 = Sunday) → list of ``(start, end)``
            bounds as ``"HH:MM"``, ``"HH:MM:SS"`` or ``datetime.time``; ``"24:00"`` ends
            at the next midnight. Missing weekdays are closed.
        holidays: a ``holidays.HolidayBase``, a [`HolidaySet`][], or dates.
        workdays: extra make-up working days.
        workday_hours: hours on make-up days; None means Monday's.

    Holiday data has an end (``known_until``, from the holiday set): a computation
    that reaches past it emits [`HolidayDataWarning`][servicekit.errors.HolidayDataWarning]
    once per calendar object, or raises
    [`HolidayDataMissingError`][servicekit.errors.HolidayDataMissingError] when the
    holiday set is ``strict``. That "warned once" memory is not part of the value: it
    never affects equality, hashing or pickling (a copy, unpickled or read from JSON,
    warns again).

    Raises:
        UnknownTimezoneError: the zone is not a known IANA name.
        InvalidHoursError: malformed, empty or overlapping intervals, a night shift
            running into the next day's first interval, or make-up days without hours.
        InvalidHolidayError: a holiday that is not a ``datetime.date``.
        CalendarNeverOpensError: no day could ever have hours.

    Examples:
        >>> import datetime as dt
        >>> import holidays, pendulum
        >>> from servicekit.sla import BusinessCalendar
        >>> day = [("09:00", "12:00"), ("13:30", "18:00")]
        >>> cal = BusinessCalendar(
        ...     timezone="Asia/Shanghai",
        ...     weekly_hours={d: day for d in range(5)},
        ...     holidays=holidays.China(years=2025),
        ... )
        >>> start = pendulum.datetime(2025, 1, 24, 17, 0, tz="Asia/Shanghai")
        >>> cal.add(start, dt.timedelta(hours=2))  # Sunday 26 January is a make-up day
        DateTime(2025, 1, 26, 10, 0, 0, tzinfo=Timezone('Asia/Shanghai'))
    """

    timezone: str = attrs.field(validator=_check_timezone)
    weekly_hours: tuple[tuple[tuple[str, str], ...], ...] = attrs.field(
        converter=_canonical_weekly
    )
    holidays: HolidaySet = attrs.field(default=None, converter=to_holiday_set)
    workdays: frozenset[dt.date] = attrs.field(default=(), converter=to_workdays)
    workday_hours: tuple[tuple[str, str], ...] | None = attrs.field(
        default=None, converter=_canonical_day
    )
    _engine: Engine = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        makeup = (
            self.weekly_hours[0] if self.workday_hours is None else self.workday_hours
        )
        if not any(self.weekly_hours) and not makeup:
            msg = (
                "this calendar has no working hours on any day; give weekly_hours such "
                "as {0: [('09:00', '18:00')]} or use BusinessCalendar.always_open()"
            )
            example = "{0: [('09:00', '18:00')]}"
            said_as = said("error.calendar.never_opens", example=example)
            raise CalendarNeverOpensError(msg, message=said_as)
        if self.workdays and not makeup:
            # Make-up days default to Monday's hours; with Monday closed they would
            # silently stay closed, which is never what listing them meant.
            msg = (
                "workdays are listed but make-up days would have no hours (Monday is "
                "closed and workday_hours is None); pass workday_hours=[('09:00', '18:00')]"
            )
            raise InvalidHoursError(msg)
        engine = Engine(self)
        # A make-up day may follow or precede any weekday, or another make-up day: a
        # night shift must not run into the next day's first interval in any order.
        for day in (*engine.weekly, engine.makeup):
            check_spill(day, engine.makeup, what="a day followed by a make-up day")
            check_spill(
                engine.makeup, day, what="a make-up day followed by another day"
            )
        object.__setattr__(self, "_engine", engine)

    def __getstate__(self) -> dict[str, Any]:
        # The engine is precomputed data: ship the recipe and rebuild it on arrival.
        return {
            f.name: getattr(self, f.name) for f in attrs.fields(type(self)) if f.init
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_engine", Engine(self))

    # -- constructors ---------------------------------------------------------------

    @classmethod
    def always_open(cls, timezone: str = "UTC") -> Self:
        """Return a 24×7 calendar with no holidays.

        Examples:
            >>> import datetime as dt, pendulum
            >>> from servicekit.sla import BusinessCalendar
            >>> cal = BusinessCalendar.always_open("America/New_York")
            >>> day = pendulum.datetime(2025, 3, 9, tz="America/New_York")
            >>> cal.between(day, day.add(days=1))  # the spring-forward day has 23 hours
            datetime.timedelta(seconds=82800)
        """
        return cls(
            timezone=timezone,
            weekly_hours={d: [("00:00", "24:00")] for d in range(7)},
        )

    @classmethod
    def for_country(
        cls,
        country: str,
        *,
        timezone: str,
        weekly_hours: Mapping[Any, Any],
        subdiv: str | None = None,
        observed: bool = True,
        categories: Iterable[str] | None = None,
        workdays: Iterable[dt.date] = (),
        workday_hours: Iterable[Any] | None = None,
        strict: bool = False,
    ) -> Self:
        """Return a calendar closed on ``country``'s public holidays (``holidays`` codes).

        ``strict=True`` makes a computation past the holiday data's ``known_until``
        raise [`HolidayDataMissingError`][servicekit.errors.HolidayDataMissingError]
        instead of warning.

        Raises:
            UnknownNameError: the ``holidays`` package has no such country/subdivision.

        Examples:
            >>> import pendulum
            >>> from servicekit.sla import BusinessCalendar, parse_hours
            >>> cal = BusinessCalendar.for_country(
            ...     "CN",
            ...     timezone="Asia/Shanghai",
            ...     weekly_hours=parse_hours("Mon-Fri 09:00-18:00"),
            ... )
            >>> cal.is_business_day(pendulum.date(2025, 2, 8))  # a Saturday make-up day
            True
        """
        return cls(
            timezone=timezone,
            weekly_hours=weekly_hours,
            holidays=HolidaySet(
                country=country,
                subdiv=subdiv,
                observed=observed,
                categories=categories,
                strict=strict,
            ),
            workdays=workdays,
            workday_hours=workday_hours,
        )

    # -- holiday-data horizon -------------------------------------------------------

    @property
    def known_until(self) -> dt.date | None:
        """The last date the holiday data covers (``holidays.known_until``), if any.

        Examples:
            >>> from servicekit.sla import BusinessCalendar, parse_hours
            >>> cal = BusinessCalendar.for_country(
            ...     "CN",
            ...     timezone="Asia/Shanghai",
            ...     weekly_hours=parse_hours("Mon-Fri 09:00-18:00"),
            ... )
            >>> cal.known_until
            datetime.date(2026, 12, 31)
        """
        return self.holidays.known_until

    def with_announcement(
        self,
        year: int,
        *,
        holidays: Iterable[dt.date],
        workdays: Iterable[dt.date] = (),
    ) -> Self:
        """Return this calendar with ``year``'s announced holidays and make-up days.

        The announcement replaces what the ``holidays`` package has or estimates for
        that year, and moves ``known_until`` to its 31 December when the year follows
        the data. Make-up days work ``workday_hours`` (default: Monday's). The result
        serialises like any calendar.

        Raises:
            InvalidHolidayError: see [`HolidayAnnouncement`][].
            InvalidHoursError: make-up days while Monday is closed and
                ``workday_hours`` is None.

        Examples:
            >>> import datetime as dt
            >>> from servicekit.sla import BusinessCalendar, parse_hours
            >>> cal = BusinessCalendar(
            ...     timezone="Asia/Shanghai",
            ...     weekly_hours=parse_hours("Mon-Fri 09:00-18:00"),
            ... ).with_announcement(
            ...     2026,
            ...     holidays=[
            ...         dt.date(2026, 1, 1),
            ...         dt.date(2026, 1, 2),
            ...         dt.date(2026, 1, 3),
            ...     ],
            ...     workdays=[dt.date(2026, 1, 4)],
            ... )
            >>> cal.known_until, cal.is_business_day(dt.date(2026, 1, 4))
            (datetime.date(2026, 12, 31), True)
        """
        announced = self.holidays.with_announcement(
            year, holidays=holidays, workdays=workdays
        )
        if announced.workdays_in(year) and not self._engine.makeup:
            msg = (
                "the announcement lists make-up days but they would have no hours "
                "(Monday is closed and workday_hours is None); give workday_hours"
            )
            raise InvalidHoursError(msg)
        return type(self)(
            timezone=self.timezone,
            weekly_hours=dict(enumerate(self.weekly_hours)),
            holidays=announced,
            workdays=self.workdays,
            workday_hours=self.workday_hours,
        )

    # -- queries --------------------------------------------------------------------

    def is_open(self, at: dt.datetime) -> bool:
        """Return whether ``at`` is working time.

        Examples:
            >>> import pendulum
            >>> from servicekit.sla import BusinessCalendar
            >>> cal = BusinessCalendar(
            ...     timezone="UTC", weekly_hours={0: [("09:00", "17:00")]}
            ... )
            >>> (
            ...     cal.is_open(pendulum.datetime(2025, 1, 6, 16, 59)),
            ...     cal.is_open(pendulum.datetime(2025, 1, 6, 17)),
            ... )
            (True, False)
        """
        eng = self._engine
        us = eng.instant(at, "at")
        if us >= eng.beyond_us:
            eng.reached(us + 1)
        tl = eng.ensure(us, us)
        i = bisect_right(tl.starts, us) - 1
        return i >= 0 and us < tl.ends[i]

    def next_open(self, at: dt.datetime) -> pendulum.DateTime:
        """Return ``at`` if it is working time, else the start of the next working interval.

        Raises:
            CalendarNeverOpensError: nothing opens within 50 years.

        Examples:
            >>> import pendulum
            >>> from servicekit.sla import BusinessCalendar, parse_hours
            >>> cal = BusinessCalendar(
            ...     timezone="UTC", weekly_hours=parse_hours("Mon-Fri 09:00-17:00")
            ... )
            >>> cal.next_open(pendulum.datetime(2025, 1, 4, 12))  # a Saturday
            DateTime(2025, 1, 6, 9, 0, 0, tzinfo=Timezone('UTC'))
        """
        us = self._engine.instant(at, "at")
        eng = self._engine
        found = eng.next_open_us(us)
        out = eng.to_datetime(found, eng.timeline)
        if found >= eng.beyond_us:  # the opening found is consulted
            eng.reached(found + 1)
        return out

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Return the working time in ``[start, end)``; negative if ``end < start``.

        Examples:
            >>> import pendulum
            >>> from servicekit.sla import BusinessCalendar, parse_hours
            >>> cal = BusinessCalendar(
            ...     timezone="Asia/Shanghai",
            ...     weekly_hours=parse_hours("Mon-Fri 09:00-12:00,13:30-18:00"),
            ... )
            >>> a = pendulum.datetime(2025, 3, 3, 11, tz="Asia/Shanghai")
            >>> cal.between(a, a.add(hours=3))  # the lunch break does not count
            datetime.timedelta(seconds=5400)
            >>> cal.between(a.add(hours=3), a)
            datetime.timedelta(days=-1, seconds=81000)
        """
        s = self._engine.instant(start, "start")
        e = self._engine.instant(end, "end")
        if e < s:
            s, e = e, s
            sign = -1
        else:
            sign = 1
        tl = self._engine.timeline
        if tl is None or not (tl.lo <= s and e < tl.quiet_hi):
            return ONE_US * (sign * self._engine.between_us(s, e))
        return ONE_US * (sign * (tl.worked(e) - tl.worked(s)))

    def add(self, start: dt.datetime, delta: dt.timedelta) -> pendulum.DateTime:
        """Return the earliest instant ``t >= start`` with ``between(start, t) == delta``.

        So ``add(t, 0) == t`` even when closed, a result landing on an interval's end is
        that end (not the next opening), and a start outside hours waits for the next
        opening.

        Raises:
            InvalidArgumentError: ``delta`` is negative (a ``ValueError``).
            CalendarNeverOpensError: no working time within 50 years.
            CalendarRangeError: the result would lie beyond year 9998.

        Examples:
            >>> import datetime as dt, pendulum
            >>> from servicekit.sla import BusinessCalendar, parse_hours
            >>> cal = BusinessCalendar(
            ...     timezone="Asia/Shanghai",
            ...     weekly_hours=parse_hours("Mon-Fri 09:00-12:00,13:30-18:00"),
            ... )
            >>> cal.add(
            ...     pendulum.datetime(2025, 3, 7, 17, tz="Asia/Shanghai"),
            ...     dt.timedelta(hours=2),
            ... )
            DateTime(2025, 3, 10, 10, 0, 0, tzinfo=Timezone('Asia/Shanghai'))
        """
        s = self._engine.instant(start, "start")
        d = delta_us(delta, "delta")
        if d < 0:
            msg = f"cannot add a negative business duration ({duration_text(d)}); use subtract()"
            raise InvalidArgumentError(msg)
        eng = self._engine
        return eng.to_datetime(eng.add_us(s, d), eng.timeline)

    def subtract(self, end: dt.datetime, delta: dt.timedelta) -> pendulum.DateTime:
        """Return the latest instant ``t <= end`` with ``between(t, end) == delta``.

        Raises:
            InvalidArgumentError: ``delta`` is negative.
            CalendarNeverOpensError: no working time within 50 years before ``end``.

        Examples:
            >>> import datetime as dt, pendulum
            >>> from servicekit.sla import BusinessCalendar, parse_hours
            >>> cal = BusinessCalendar(
            ...     timezone="UTC", weekly_hours=parse_hours("Mon-Fri 09:00-17:00")
            ... )
            >>> cal.subtract(pendulum.datetime(2025, 1, 6, 10), dt.timedelta(hours=2))
            DateTime(2025, 1, 3, 16, 0, 0, tzinfo=Timezone('UTC'))
        """
        e = self._engine.instant(end, "end")
        d = delta_us(delta, "delta")
        eng = self._engine
        if d <= 0:
            if d < 0:
                msg = f"cannot subtract a negative business duration ({duration_text(d)}); use add()"
                raise InvalidArgumentError(msg)
            return eng.to_datetime(e)
        out = eng.to_datetime(eng.subtract_us(e, d), eng.timeline)
        if e > eng.beyond_us:
            eng.reached(e)
        return out

    def working_periods(
        self, start: dt.datetime, end: dt.datetime
    ) -> Iterator[tuple[pendulum.DateTime, pendulum.DateTime]]:
        """Yield the working intervals within ``[start, end)``, clipped, in order.

        Examples:
            >>> import pendulum
            >>> from servicekit.sla import BusinessCalendar, parse_hours
            >>> cal = BusinessCalendar(
            ...     timezone="UTC",
            ...     weekly_hours=parse_hours("Mon-Fri 09:00-12:00,13:00-17:00"),
            ... )
            >>> [
            ...     (a.hour, b.hour)
            ...     for a, b in cal.working_periods(
            ...         pendulum.datetime(2025, 1, 6, 10),
            ...         pendulum.datetime(2025, 1, 6, 14),
            ...     )
            ... ]
            [(10, 12), (13, 14)]
        """
        s = self._engine.instant(start, "start")
        e = self._engine.instant(end, "end")
        if e <= s:
            return
        eng = self._engine
        eng.reached(e)
        pending: tuple[int, int] | None = None
        while True:
            tl = eng.ensure(s, e)
            stop = min(e, tl.hi)
            i = max(0, bisect_right(tl.starts, s) - 1)
            while i < len(tl.starts) and tl.starts[i] < stop:
                a, b = max(tl.starts[i], s), min(tl.ends[i], stop)
                if a < b:
                    if pending is not None and pending[1] == a:
                        a = pending[0]  # one range cut by two snapshots
                    elif pending is not None:
                        yield eng.to_datetime(pending[0]), eng.to_datetime(pending[1])
                    pending = (a, b)
                i += 1
            if stop == e:
                break
            s = stop
        if pending is not None:
            yield eng.to_datetime(pending[0]), eng.to_datetime(pending[1])

    # -- business days --------------------------------------------------------------

    def is_business_day(self, day: dt.date) -> bool:
        """Return whether ``day`` has at least one working interval.

        Examples:
            >>> import pendulum
            >>> from servicekit.sla import BusinessCalendar
            >>> cal = BusinessCalendar.for_country(
            ...     "CN",
            ...     timezone="Asia/Shanghai",
            ...     weekly_hours={d: [("09:00", "18:00")] for d in range(5)},
            ... )
            >>> (
            ...     cal.is_business_day(pendulum.date(2025, 1, 29)),
            ...     cal.is_business_day(pendulum.date(2025, 1, 26)),
            ... )
            (False, True)
        """
        d = check_date(day, "day").toordinal()
        if d >= self._engine.beyond_ord:
            self._engine.reached_date(d)
        tl = self._engine.ensure_years(day.year - 1, day.year + 1)
        i = bisect_left(tl.ords, d)
        return i < len(tl.ords) and tl.ords[i] == d

    def add_business_days(self, start: dt.datetime, n: int) -> pendulum.DateTime:
        """Return the close of business of the ``n``-th business day after ``start``'s date.

        For ``n >= 1``, the closing instant (end of the last interval) of the n-th
        business day strictly after ``start``'s local date: "within N business days"
        means by close of business on day T+N. For ``n == 0``, the close of ``start``'s
        own date if it is a business day, else of the next business day.

        Raises:
            InvalidArgumentError: ``n`` is negative.

        Examples:
            >>> import holidays, pendulum
            >>> from servicekit.sla import BusinessCalendar, parse_hours
            >>> cal = BusinessCalendar(
            ...     timezone="Asia/Shanghai",
            ...     weekly_hours=parse_hours("Mon-Fri 09:00-12:00,13:30-18:00"),
            ...     holidays=holidays.China(),
            ... )
            >>> cal.add_business_days(
            ...     pendulum.datetime(2025, 1, 24, 10, tz="Asia/Shanghai"), 2
            ... )
            DateTime(2025, 1, 27, 18, 0, 0, tzinfo=Timezone('Asia/Shanghai'))
        """
        us = self._engine.instant(start, "start")
        if isinstance(n, bool) or not isinstance(n, int):
            msg = f"n must be a whole number of business days, got {show(n)}"
            raise InvalidTypeError(msg)
        if n < 0:
            msg = f"n must be 0 or more business days, got {n}"
            raise InvalidArgumentError(msg)
        eng = self._engine
        tl = eng.timeline
        if tl is None or not tl.lo <= us < tl.hi:
            tl = eng.ensure(us, us)
        today = eng.local_ordinal(us)
        idx = bisect_right(tl.ords, today) + n - 1 if n else bisect_left(tl.ords, today)
        if idx >= len(tl.ords):
            # Beyond this snapshot: count whole snapshots of business days forward.
            eng.next_open_us(us)  # raises if nothing opens within 50 years
            while idx >= len(tl.ords):
                if eng.closed_after(tl):
                    eng.never_again(us, "after")
                if tl.y1 >= dt.MAXYEAR:
                    eng.out_of_range(tl.hi)
                rest = idx - len(tl.ords)
                first = tl.ord_hi
                tl = eng.window(tl.y1 + 1, tl.y1 + WINDOW_YEARS)
                idx = bisect_left(tl.ords, first) + rest
        close = tl.closes[idx]
        if close - us > HORIZON_US:
            eng.next_open_us(us)
        if close > eng.beyond_us:
            eng.reached_date(tl.ords[idx])
        cached = eng.dt_cache.get(close)
        if cached is None:
            cached = eng.to_datetime(close, tl)
            eng.dt_cache[close] = cached
        return cached

    def business_days_between(self, a: dt.date, b: dt.date) -> int:
        """Return the number of business days in ``[a, b)``; negative if ``b < a``.

        This is numpy's ``busday_count`` convention exactly: ``a`` is counted and ``b``
        is not, in both directions, so for ``b < a`` the result is minus the business
        days in ``(b, a]``.

        Examples:
            >>> import pendulum
            >>> from servicekit.sla import BusinessCalendar, parse_hours
            >>> cal = BusinessCalendar.for_country(
            ...     "CN",
            ...     timezone="Asia/Shanghai",
            ...     weekly_hours=parse_hours("Mon-Fri 09:00-18:00"),
            ... )
            >>> cal.business_days_between(
            ...     pendulum.date(2025, 1, 27), pendulum.date(2025, 2, 10)
            ... )
            5
            >>> cal.business_days_between(
            ...     pendulum.date(2025, 3, 10), pendulum.date(2025, 3, 8)
            ... )
            -1
        """
        check_date(a, "a")
        check_date(b, "b")
        oa = a.toordinal()
        ob = b.toordinal()
        # The dates consulted: [a, b) forwards, (b, a] backwards.
        if max(oa, ob) >= self._engine.beyond_ord and oa != ob:
            self._engine.reached_date(ob - 1 if ob > oa else oa)
        tl = self._engine.timeline
        lo, hi = (oa, ob) if oa <= ob else (ob, oa)
        if tl is None or lo < tl.ord_lo or hi >= tl.ord_hi:
            y0, y1 = sorted((a.year, b.year))
            if y1 - y0 >= WINDOW_YEARS:
                # Longer than one snapshot: count snapshot by snapshot.
                if ob >= oa:
                    return self._engine.business_days(y0, y1, oa, ob)
                return -self._engine.business_days(y0, y1, ob + 1, oa + 1)
            tl = self._engine.ensure_years(y0, y1)
        ords = tl.ords
        if ob >= oa:
            return bisect_left(ords, ob) - bisect_left(ords, oa)
        return bisect_right(ords, ob) - bisect_right(ords, oa)
