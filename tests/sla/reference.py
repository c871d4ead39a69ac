"""Brute-force reference for ``servicekit.sla.BusinessCalendar`` (DESIGN §3).

Obviously correct and slow on purpose: time is cut into UTC cells of ``step`` seconds
and each cell is decided working or not by the literal DESIGN §3 rule, with
:mod:`zoneinfo` giving the local wall clock. Nothing here is clever: no interval
algebra, no per-year tables, no bisecting, so that it can serve as the oracle the real
implementation is checked against.

Why the cells are exact: the cell size is the greatest common divisor of every interval
bound (seconds since local midnight) and 900 s. Every zone the tests use has, since
1970, UTC offsets and DST transitions on whole quarter hours, so inside one cell the
local clock neither jumps nor crosses an interval bound or midnight: working-ness is
constant on the cell, and the working time of an arbitrary ``[start, end)`` is the sum
of exact overlaps with working cells. ``_owner`` checks the offset assumption on every
cell it decides.

Instants are handled as integer microseconds since the Unix epoch, so sub-second
precision is exact. Results are plain UTC ``datetime`` objects: compare them to the
implementation's by instant, never by wall clock.

This module must never import servicekit: it is the independent side of the check.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

__all__ = [
    "Ambiguous",
    "NeverOpens",
    "Reference",
    "from_us",
    "parse_time_of_day",
    "to_us",
]

UTC = dt.UTC
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
ONE_US = dt.timedelta(microseconds=1)
DAY = 86_400
ONE_DAY = dt.timedelta(days=1)

# How far the reference searches before giving up. Far less than the 50 years of the
# contract: the random calendars of the tests open at least every few weeks, and the
# never-opens regression tests check the implementation, not this module.
MAX_SECONDS = 400 * 86_400
MAX_DAYS = 3 * 366


class NeverOpens(Exception):  # noqa: N818 - the reference's own, not servicekit's
    """The reference found no working time within its (short) search horizon."""


class Ambiguous(Exception):  # noqa: N818
    """The contract does not decide this case; property tests ``assume`` it away."""


def parse_time_of_day(value: str | dt.time) -> int:
    """Seconds since local midnight of an interval bound (``"24:00"`` is 86400)."""
    if isinstance(value, dt.time):
        assert value.microsecond == 0, "reference bounds are whole seconds"
        return value.hour * 3600 + value.minute * 60 + value.second
    parts = [int(p) for p in value.split(":")]
    assert len(parts) in {2, 3}, value
    hours, minutes, seconds = (*parts, 0)[:3]
    total = hours * 3600 + minutes * 60 + seconds
    assert 0 <= total <= DAY, value
    return total


def to_us(instant: dt.datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime (exact)."""
    assert instant.utcoffset() is not None, "the reference takes aware datetimes only"
    u = instant.astimezone(UTC)
    plain = dt.datetime(
        u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond, tzinfo=UTC
    )
    return (plain - EPOCH) // ONE_US


def from_us(us: int) -> dt.datetime:
    """The UTC datetime ``us`` microseconds after the Unix epoch."""
    return EPOCH + dt.timedelta(microseconds=us)


Interval = tuple[int, int]


class Reference:
    """A business calendar decided cell by cell; same constructor as the real one."""

    def __init__(
        self,
        *,
        timezone: str,
        weekly_hours: Mapping[int, Sequence[tuple[str | dt.time, str | dt.time]]],
        holidays: Iterable[dt.date] = (),
        workdays: Iterable[dt.date] = (),
        workday_hours: Sequence[tuple[str | dt.time, str | dt.time]] | None = None,
        step: int | None = None,
    ) -> None:
        """Build from ``BusinessCalendar``'s keyword arguments.

        ``step`` forces a finer cell size (it must divide the natural one); the
        reference's self-tests use it to show the coarse cells lose nothing.
        """
        self.zone = ZoneInfo(timezone)
        self.weekly: dict[int, list[Interval]] = {
            day: [(parse_time_of_day(a), parse_time_of_day(b)) for a, b in intervals]
            for day, intervals in weekly_hours.items()
        }
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        self.workday_hours: list[Interval] = (
            list(self.weekly.get(0, []))
            if workday_hours is None
            else [
                (parse_time_of_day(a), parse_time_of_day(b)) for a, b in workday_hours
            ]
        )
        bounds = [b for ivs in self.weekly.values() for iv in ivs for b in iv]
        bounds += [b for iv in self.workday_hours for b in iv]
        self.step = math.gcd(900, *bounds)
        if step is not None:
            assert self.step % step == 0, "a forced step must refine the natural one"
            self.step = step
        self.step_us = self.step * 1_000_000
        self.max_cells = MAX_SECONDS // self.step
        self._cells: dict[int, dt.date | None] = {}

    # -- the DESIGN §3 rule -------------------------------------------------------

    def intervals(self, day: dt.date) -> list[Interval]:
        """The intervals of a local date: holidays none, make-up days their own."""
        if day in self.holidays:
            return []
        if day in self.workdays:
            return self.workday_hours
        return self.weekly.get(day.weekday(), [])

    def _owner(self, cell: int) -> dt.date | None:
        """The local date whose interval contains cell ``cell``, or None if closed."""
        if cell in self._cells:
            return self._cells[cell]
        local = from_us(cell * self.step_us).astimezone(self.zone)
        offset = local.utcoffset()
        assert offset is not None
        assert offset.total_seconds() % self.step == 0, "zone offset off the cell grid"
        day = local.date()
        wall = local.hour * 3600 + local.minute * 60 + local.second
        owner: dt.date | None = None
        for start, end in self.intervals(day):
            night = end <= start
            if start <= wall and (night or wall < end):
                owner = day
        yesterday = day - ONE_DAY
        for start, end in self.intervals(yesterday):
            if end <= start and wall < end:
                owner = yesterday
        self._cells[cell] = owner
        return owner

    # -- the public methods, naively ----------------------------------------------

    def is_open(self, at: dt.datetime) -> bool:
        """Whether ``at`` is working time."""
        return self._owner(to_us(at) // self.step_us) is not None

    def next_open(self, at: dt.datetime) -> dt.datetime:
        """``at`` if open, else the start of the next working cell."""
        us = to_us(at)
        cell = us // self.step_us
        if self._owner(cell) is not None:
            return from_us(us)
        for k in range(cell + 1, cell + self.max_cells):
            if self._owner(k) is not None:
                return from_us(k * self.step_us)
        raise NeverOpens

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time in ``[start, end)``, negated when ``end < start``."""
        s, e = to_us(start), to_us(end)
        if e < s:
            return -self.between(end, start)
        total = 0
        for k in range(s // self.step_us, (e - 1) // self.step_us + 1):
            if self._owner(k) is not None:
                lo = max(s, k * self.step_us)
                hi = min(e, (k + 1) * self.step_us)
                total += hi - lo
        return dt.timedelta(microseconds=total)

    def add(self, start: dt.datetime, delta: dt.timedelta) -> dt.datetime:
        """The earliest ``t >= start`` with ``between(start, t) == delta``."""
        if delta < dt.timedelta(0):
            msg = "negative delta"
            raise ValueError(msg)
        remaining = delta // ONE_US
        pos = to_us(start)
        if remaining == 0:
            return from_us(pos)
        cell = pos // self.step_us
        for k in range(cell, cell + self.max_cells):
            cell_end = (k + 1) * self.step_us
            if self._owner(k) is not None:
                available = cell_end - pos
                if remaining <= available:
                    return from_us(pos + remaining)
                remaining -= available
            pos = cell_end
        raise NeverOpens

    def subtract(self, end: dt.datetime, delta: dt.timedelta) -> dt.datetime:
        """The latest ``t <= end`` with ``between(t, end) == delta``."""
        if delta < dt.timedelta(0):
            msg = "negative delta"
            raise ValueError(msg)
        remaining = delta // ONE_US
        pos = to_us(end)
        if remaining == 0:
            return from_us(pos)
        cell = (pos - 1) // self.step_us
        for k in range(cell, cell - self.max_cells, -1):
            cell_start = k * self.step_us
            if self._owner(k) is not None:
                available = pos - cell_start
                if remaining <= available:
                    return from_us(pos - remaining)
                remaining -= available
            pos = cell_start
        raise NeverOpens

    def is_business_day(self, day: dt.date) -> bool:
        """Whether the date has at least one interval."""
        return bool(self.intervals(day))

    def local_date(self, at: dt.datetime) -> dt.date:
        """The calendar-zone date shown at ``at``."""
        return at.astimezone(self.zone).date()

    def closing(self, day: dt.date) -> dt.datetime:
        """End of the last working cell that belongs to ``day``."""
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=self.zone)
        first = to_us(midnight - ONE_DAY) // self.step_us
        last = to_us(midnight + 3 * ONE_DAY) // self.step_us
        for k in range(last, first - 1, -1):
            if self._owner(k) == day:
                return from_us((k + 1) * self.step_us)
        # The day's intervals all fall in a skipped DST hour: the contract is silent.
        raise Ambiguous(day)

    def _business_days_from(self, day: dt.date) -> Iterator[dt.date]:
        for i in range(MAX_DAYS):
            d = day + i * ONE_DAY
            if self.is_business_day(d):
                yield d
        raise NeverOpens

    def add_business_days(self, start: dt.datetime, n: int) -> dt.datetime:
        """Close of the n-th business day after ``start``'s local date (n=0: own/next)."""
        assert n >= 0
        today = self.local_date(start)
        days = self._business_days_from(today if n == 0 else today + ONE_DAY)
        target = next(days)
        for _ in range(max(n - 1, 0)):
            target = next(days)
        return self.closing(target)

    def business_days_between(self, a: dt.date, b: dt.date) -> int:
        """Business days in ``[a, b)``; for ``b < a``, minus those in ``(b, a]``.

        numpy's ``busday_count`` counts the begin date and never the end date, in
        both directions.
        """
        if b < a:
            return -sum(
                self.is_business_day(b + i * ONE_DAY)
                for i in range(1, (a - b).days + 1)
            )
        return sum(self.is_business_day(a + i * ONE_DAY) for i in range((b - a).days))
