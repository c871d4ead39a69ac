"""The business calendar's engine: working time as sorted integer ranges, per year.

For each local date the engine takes that date's intervals (weekly hours, make-up-day
hours, or none on a holiday) and maps the wall-clock ranges onto real instants through
the zone's UTC offsets, so a skipped DST hour is lost and a repeated one counts twice.
Per year, those ranges are precomputed as sorted integer arrays (microseconds since
the Unix epoch) with running sums, kept in a bounded cache, and every query is a couple
of bisections. The public class is ``BusinessCalendar`` (``_calendar``); the holiday
sets it reads are in ``_holidays``. Also here: the checks that turn instants and
durations into integer microseconds, shared by the SLA clocks.

This module must never read the system clock or the system time zone, and never does
I/O beyond what ``zoneinfo`` does to load its own data.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
import threading
import warnings
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Final, NoReturn, Protocol

import pendulum

from servicekit._boundary import said
from servicekit.errors import (
    CalendarNeverOpensError,
    CalendarRangeError,
    HolidayDataMissingError,
    HolidayDataWarning,
)
from servicekit.sla._hours import (
    US_PER_DAY,
    US_PER_SECOND,
    DayHours,
    parse_day,
    parse_weekly,
)
from servicekit.sla._instants import (
    MAX_YEAR,
    MIN_YEAR,
    duration_text,
    instant_us,
    zone_named,
)

if TYPE_CHECKING:
    import zoneinfo

    from servicekit.sla._holidays import HolidaySet

_EPOCH_ORDINAL: Final = dt.date(1970, 1, 1).toordinal()
_EPOCH_NAIVE: Final = dt.datetime(1970, 1, 1)  # noqa: DTZ001  (naive on purpose: wall-clock arithmetic)
_US: Final = US_PER_SECOND
ONE_US: Final = dt.timedelta(microseconds=1)
_HOUR: Final = 3600 * _US
# Offsets on Earth lie within −12 h … +14 h; 16 h keeps every bound conservative.
_MARGIN: Final = 16 * _HOUR
# DST transitions are found by sampling offsets this often, then bisecting to the second.
# Real zones never change offset and change back within 12 hours.
_SAMPLE_STEP_S: Final = 12 * 3600
# "Never opens" is decided on this horizon: 50 years of 365.2425 days.
HORIZON_US: Final = 18_262 * US_PER_DAY + 3 * _HOUR
# Bounded memoisation: the year blocks kept (least recently used first out), the years
# one snapshot spans at most, and the converted instants kept for add_business_days.
CACHE_YEARS: Final = 32
WINDOW_YEARS: Final = 12
_DT_CACHE: Final = 4096
# Offsets are sampled only where every zone's wall clock lies within years 1 … 9999.
_FIRST_SAMPLE_S: Final = (dt.date(1, 1, 2).toordinal() - _EPOCH_ORDINAL) * 86400
_LAST_SAMPLE_S: Final = (dt.date(9999, 12, 30).toordinal() - _EPOCH_ORDINAL) * 86400
# "No holiday-data horizon": beyond every instant and date a calendar can reach.
_NO_HORIZON: Final = 2**62


class CalendarRules(Protocol):
    """What the engine reads from a business calendar (``CalendarRules`` is one)."""

    @property
    def timezone(self) -> str:
        """The IANA zone of the calendar's wall clock."""
        ...

    @property
    def weekly_hours(self) -> tuple[tuple[tuple[str, str], ...], ...]:
        """Monday … Sunday: each day's ``(start, end)`` wall-clock intervals."""
        ...

    @property
    def holidays(self) -> HolidaySet:
        """The dated closures."""
        ...

    @property
    def workdays(self) -> frozenset[dt.date]:
        """Make-up working days."""
        ...

    @property
    def workday_hours(self) -> tuple[tuple[str, str], ...] | None:
        """Hours on make-up days (None: Monday's)."""
        ...


def _year_ord(year: int) -> int:
    """Return the proleptic ordinal of 1 January of ``year`` (``year`` may be 10000)."""
    if year > dt.MAXYEAR:
        return dt.date.max.toordinal() + 1
    return dt.date(year, 1, 1).toordinal()


def _ord_us(ordinal: int) -> int:
    """Return local midnight of the day ``ordinal`` as wall-clock microseconds."""
    return (ordinal - _EPOCH_ORDINAL) * US_PER_DAY


class _Timeline:
    """An immutable snapshot of working ranges for the years ``y0 … y1``.

    At most ``WINDOW_YEARS`` years: a query spanning more walks window after window.
    Queries take one snapshot and use only it, so a concurrent replacement (which builds
    a new snapshot and swaps one reference) never tears a computation.

    All instants and durations are integer microseconds (instants since the epoch,
    UTC). Working ranges are ``starts[i] … ends[i]``; ``worked_before[i]`` and
    ``worked_through[i]`` are the working time before range ``i`` and up to its end.
    The zone's UTC offset is ``first_offset`` until the first of ``change_at``, then
    ``offset_after[k]`` from ``change_at[k]`` (``offset_before[k]`` just before it);
    ``shifted_wall_start/end[k]`` bound the wall-clock times a change skips or repeats.
    """

    __slots__ = (
        "change_at",
        "closes",
        "ends",
        "first_offset",
        "hi",
        "lo",
        "offset_after",
        "offset_before",
        "ord_hi",
        "ord_lo",
        "ords",
        "quiet_hi",
        "shifted_wall_end",
        "shifted_wall_start",
        "starts",
        "worked_before",
        "worked_through",
        "y0",
        "y1",
    )

    def __init__(  # noqa: PLR0917
        self,
        y0: int,
        y1: int,
        starts: list[int],
        ends: list[int],
        ords: list[int],
        closes: list[int],
        first_offset: int,
        transitions: list[tuple[int, int]],
    ) -> None:
        self.first_offset = first_offset
        self.change_at = [u for u, _ in transitions]
        self.offset_after = [o for _, o in transitions]
        self.offset_before = [first_offset, *self.offset_after][
            : len(self.offset_after)
        ]
        # Wall-clock span of each transition: a gap (spring forward) or a repeat (fall
        # back); outside it a wall time has exactly one offset.
        self.shifted_wall_start = [
            u + min(p, o)
            for u, p, o in zip(
                self.change_at, self.offset_before, self.offset_after, strict=True
            )
        ]
        self.shifted_wall_end = [
            u + max(p, o)
            for u, p, o in zip(
                self.change_at, self.offset_before, self.offset_after, strict=True
            )
        ]
        self.y0 = y0
        self.y1 = y1
        self.starts = starts
        self.ends = ends
        worked_before: list[int] = []
        worked_through: list[int] = []
        total = 0
        for s, e in zip(starts, ends, strict=True):
            worked_before.append(total)
            total += e - s
            worked_through.append(total)
        self.worked_before = worked_before
        self.worked_through = worked_through
        self.ords = ords
        self.closes = closes
        self.ord_lo = _year_ord(y0)
        self.ord_hi = _year_ord(y1 + 1)
        # Instants in [lo, hi] are only touched by ranges of dates in y0 … y1.
        self.lo = _ord_us(self.ord_lo + 1) + _MARGIN
        self.hi = _ord_us(self.ord_hi) - _MARGIN
        # Below this, a result needs no holiday-data check either (the engine lowers
        # it to the horizon), so the hot paths compare against one bound, not two.
        self.quiet_hi = self.hi

    def worked(self, us: int) -> int:
        """Working microseconds from the first range up to ``us``."""
        i = bisect_right(self.starts, us) - 1
        if i < 0:
            return 0
        end = self.ends[i]
        return self.worked_before[i] + (us if us < end else end) - self.starts[i]  # noqa: FURB136

    def first_open(self, us: int) -> int | None:
        """The first working instant at or after ``us`` before ``hi``, if any."""
        i = bisect_right(self.starts, us) - 1
        if i >= 0 and us < self.ends[i]:
            return us
        if i + 1 < len(self.starts) and self.starts[i + 1] < self.hi:
            return self.starts[i + 1]
        return None

    def last_close(self, us: int) -> int | None:
        """The latest ``x <= us`` with working time just before it, after ``lo``."""
        i = bisect_left(self.ends, us)  # first range ending at or after us
        if i < len(self.starts) and self.starts[i] < us:
            return us
        if i > 0 and self.ends[i - 1] > self.lo:
            return self.ends[i - 1]
        return None


class _YearData:
    """One year's working ranges as instants: the unit of the bounded cache.

    Never mutated after it is built, so sharing it between snapshots is safe.
    """

    __slots__ = ("closes", "first_offset", "ords", "ranges", "transitions")

    def __init__(
        self,
        ranges: list[tuple[int, int]],
        ords: list[int],
        closes: list[int],
        first_offset: int,
        transitions: list[tuple[int, int]],
    ) -> None:
        self.ranges = ranges
        self.ords = ords
        self.closes = closes
        self.first_offset = first_offset
        self.transitions = transitions


class Engine:
    """The precomputed, lazily built view of one calendar. Invisible memoisation.

    Memory is bounded whatever is asked: at most ``CACHE_YEARS`` year blocks (least
    recently used first out), one snapshot of at most ``WINDOW_YEARS`` years, and at
    most ``_DT_CACHE`` converted instants. A query far from the others builds only the
    years it needs and replaces the snapshot; it never extends it across the gap.
    """

    def __init__(self, calendar: CalendarRules) -> None:
        self.calendar = calendar
        self.zone = zone_named(calendar.timezone)
        self.ptz = pendulum.timezone(calendar.timezone)
        self.weekly: tuple[DayHours, ...] = parse_weekly(
            dict(enumerate(calendar.weekly_hours))
        )
        self.makeup: DayHours = (
            self.weekly[0]
            if calendar.workday_hours is None
            else parse_day(calendar.workday_hours, what="workday_hours")
        )
        self.years: OrderedDict[int, _YearData] = OrderedDict()
        self.timeline: _Timeline | None = None
        self.dt_cache: dict[int, pendulum.DateTime] = {}
        self.lock = threading.Lock()
        self.open_years = _open_years(calendar, self.weekly)
        # The holiday-data horizon: the first local date (and its midnight, as an
        # instant) the holiday data does not cover. A computation whose span reaches
        # past it warns once per engine (one per calendar object), or raises when
        # strict; the hot paths compare one integer against these bounds.
        self.known_until = calendar.holidays.known_until
        self.strict = calendar.holidays.strict
        self.warned = False
        self.beyond_ord = _NO_HORIZON
        self.beyond_us = _NO_HORIZON
        if self.known_until is not None and self.known_until.year < MAX_YEAR:
            first = self.known_until + dt.timedelta(days=1)
            self.beyond_ord = first.toordinal()
            midnight = dt.datetime(first.year, first.month, first.day, tzinfo=self.zone)
            self.beyond_us = instant_us(midnight, "known_until")

    # -- time zone ------------------------------------------------------------------

    def offset_s(self, t: int) -> int:
        off = dt.datetime.fromtimestamp(t, self.zone).utcoffset()
        assert off is not None  # noqa: S101  (a ZoneInfo always answers)
        return off.days * 86400 + off.seconds

    def transitions(self, lo_s: int, hi_s: int) -> tuple[int, list[tuple[int, int]]]:
        """Return the offset (µs) at ``lo_s`` and the changes ``(instant µs, offset µs)``."""
        # Local wall clocks must stay within years 1 … 9999 while sampling.
        lo_s = max(lo_s, _FIRST_SAMPLE_S)
        hi_s = min(hi_s, _LAST_SAMPLE_S)
        first = prev = self.offset_s(lo_s)
        out: list[tuple[int, int]] = []
        t0 = lo_s
        while t0 < hi_s:
            t1 = min(t0 + _SAMPLE_STEP_S, hi_s)
            off = self.offset_s(t1)
            if off != prev:
                a, b = t0, t1
                while b - a > 1:
                    m = (a + b) // 2
                    if self.offset_s(m) == prev:
                        a = m
                    else:
                        b = m
                out.append((b * _US, off * _US))
                prev = off
            t0 = t1
        return first * _US, out

    def local_ordinal(self, us: int) -> int:
        local = dt.datetime.fromtimestamp(us // _US, self.zone)
        return local.toordinal()

    def to_datetime(self, us: int, tl: _Timeline | None = None) -> pendulum.DateTime:
        """Return the instant ``us`` as a pendulum DateTime in the calendar's zone.

        Raises:
            CalendarRangeError: the instant's local date is outside years 1 … 9999.
        """
        try:
            if tl is not None and tl.lo <= us < tl.hi:
                # Fast path: the offset (and fold) come from the timeline's transitions.
                k = bisect_right(tl.change_at, us) - 1
                if k < 0:
                    off = tl.first_offset
                    fold = 0
                else:
                    off = tl.offset_after[k]
                    prev = tl.offset_after[k - 1] if k else tl.first_offset
                    # After a backward jump, the repeated wall-clock times are the fold.
                    fold = 1 if off < prev and us + off < tl.change_at[k] + prev else 0
                return self.wall_to_datetime(_EPOCH_NAIVE + ONE_US * (us + off), fold)
            naive = _EPOCH_NAIVE + ONE_US * us
            local = self.zone.fromutc(naive.replace(tzinfo=self.zone))
        except OverflowError:
            msg = (
                f"the result lies outside the years {MIN_YEAR}…{MAX_YEAR} in "
                f"{self.calendar.timezone}; use a nearer instant or a shorter duration"
            )
            raise CalendarRangeError(
                msg,
                message=said(
                    "error.calendar.result_outside",
                    first=MIN_YEAR,
                    last=MAX_YEAR,
                    zone=self.calendar.timezone,
                ),
            ) from None
        return self.wall_to_datetime(local, local.fold)

    def describe(self, us: int) -> str:
        """The instant ``us`` in ISO form for a message (never raises)."""
        try:
            return self.to_datetime(us).isoformat()
        except CalendarRangeError:
            return f"{us // US_PER_DAY:,} days from 1970-01-01 UTC"

    def wall_to_datetime(self, local: dt.datetime, fold: int) -> pendulum.DateTime:
        """Return the wall-clock fields of ``local`` as a DateTime in the zone."""
        return pendulum.DateTime(
            local.year,
            local.month,
            local.day,
            local.hour,
            local.minute,
            local.second,
            local.microsecond,
            tzinfo=self.ptz,
            fold=fold,
        )

    def instant(self, value: object, what: str) -> int:
        """Return an aware datetime as exact epoch microseconds.

        For datetimes in the calendar's own zone (what it returns, and what callers
        mostly pass) the offset comes from the timeline's transitions, following PEP 495
        exactly (``fold=0`` takes the offset before a transition, ``fold=1`` the one
        after); anything else takes the general path through ``utcoffset()``.
        """
        tl = self.timeline
        if tl is not None and isinstance(value, dt.datetime):
            tz = value.tzinfo
            if tz is self.ptz or tz is self.zone:
                w = (
                    (value.toordinal() - _EPOCH_ORDINAL) * 86400
                    + value.hour * 3600
                    + value.minute * 60
                    + value.second
                ) * _US + value.microsecond
                k = bisect_right(tl.shifted_wall_start, w) - 1
                if k < 0:
                    off = tl.first_offset
                elif w < tl.shifted_wall_end[k]:
                    off = tl.offset_after[k] if value.fold else tl.offset_before[k]
                else:
                    off = tl.offset_after[k]
                us = w - off
                if tl.lo <= us < tl.hi:
                    return us
        return instant_us(value, what)

    # -- building -------------------------------------------------------------------

    def hours_for(
        self, day: dt.date, holidays: frozenset[dt.date], workdays: frozenset[dt.date]
    ) -> DayHours:
        if day in workdays:
            return self.makeup
        if day in holidays:
            return ()
        return self.weekly[day.weekday()]

    def build_year(self, year: int) -> _YearData:
        data = self.years.get(year)
        if data is not None:
            self.years.move_to_end(year)
            return data
        cal = self.calendar
        closed = cal.holidays.dates_in(year)
        workdays = frozenset(
            d for d in cal.workdays if d.year == year
        ) | cal.holidays.workdays_in(year)
        first = _year_ord(year)
        last = _year_ord(year + 1)
        lo_s = (_ord_us(first) - US_PER_DAY) // _US
        hi_s = (_ord_us(last) + 3 * US_PER_DAY) // _US
        first_offset, trans = self.transitions(lo_s, hi_s)
        ranges: list[tuple[int, int]] = []
        ords: list[int] = []
        closes: list[int] = []
        for ordinal in range(first, last):
            day = dt.date.fromordinal(ordinal)
            hours = self.hours_for(day, closed, workdays)
            base = _ord_us(ordinal)
            close = None
            for s, e in hours:
                for a, b in _wall_to_instants(base + s, base + e, first_offset, trans):
                    ranges.append((a, b))
                    close = b if close is None or b > close else close
            if close is not None:
                ords.append(ordinal)
                closes.append(close)
        data = _YearData(ranges, ords, closes, first_offset, trans)
        self.years[year] = data
        while len(self.years) > CACHE_YEARS:
            self.years.popitem(last=False)
        return data

    def rebuild(self, y0: int, y1: int) -> _Timeline:
        with self.lock:
            raw: list[tuple[int, int]] = []
            ords: list[int] = []
            closes: list[int] = []
            transitions: dict[int, int] = {}
            first_offset = self.build_year(y0).first_offset
            for y in range(y0, y1 + 1):
                data = self.build_year(y)
                raw.extend(data.ranges)
                ords.extend(data.ords)
                closes.extend(data.closes)
                transitions.update(data.transitions)  # year windows overlap
            raw.sort()
            starts: list[int] = []
            ends: list[int] = []
            for a, b in raw:
                if ends and a <= ends[-1]:
                    # Touching or overlapping ranges merge, so an end is never an opening.
                    ends[-1] = max(ends[-1], b)
                else:
                    starts.append(a)
                    ends.append(b)
            tl = _Timeline(
                y0,
                y1,
                starts,
                ends,
                ords,
                closes,
                first_offset,
                sorted(transitions.items()),
            )
            tl.quiet_hi = min(tl.hi, self.beyond_us + 1)
            self.timeline = tl
            if len(self.dt_cache) > _DT_CACHE:
                self.dt_cache = {}
            return tl

    def out_of_range(self, us: int) -> NoReturn:
        msg = (
            f"{self.describe(us)} is too close to the ends of the supported years "
            f"{MIN_YEAR}…{MAX_YEAR} (timezone {self.calendar.timezone}); use a "
            "nearer instant or a shorter duration"
        )
        raise CalendarRangeError(
            msg,
            message=said(
                "error.calendar.too_close",
                at=self.describe(us),
                first=MIN_YEAR,
                last=MAX_YEAR,
                zone=self.calendar.timezone,
            ),
        )

    def window(self, y0: int, y1: int, *, forward: bool = True) -> _Timeline:
        """Return a snapshot covering years ``y0 … y1``, or as many as one may hold.

        It keeps the current snapshot's years when the union stays small (nearby
        queries share one snapshot), and otherwise covers only the years asked for:
        starting at ``y0`` when ``forward``, else ending at ``y1``.
        """
        y0 = max(y0, 1)
        y1 = min(y1, dt.MAXYEAR)
        tl = self.timeline
        if tl is not None:
            if tl.y0 <= y0 and y1 <= tl.y1:
                return tl
            u0, u1 = min(y0, tl.y0), max(y1, tl.y1)
            if u1 - u0 < WINDOW_YEARS:
                y0, y1 = u0, u1
        if y1 - y0 >= WINDOW_YEARS:
            if forward:
                y1 = y0 + WINDOW_YEARS - 1
            else:
                y0 = y1 - WINDOW_YEARS + 1
        return self.rebuild(y0, y1)

    def year_of(self, us: int) -> int:
        # Offsets are within ±16 h, so the UTC year bounds the local one to ±1.
        ordinal = us // US_PER_DAY + _EPOCH_ORDINAL
        if ordinal < 1:
            return 0
        if ordinal > dt.date.max.toordinal():
            return dt.MAXYEAR + 1
        return dt.date.fromordinal(ordinal).year

    def ensure(self, lo_us: int, hi_us: int) -> _Timeline:
        """Return a snapshot holding ``lo_us`` and, if it fits, ``hi_us``.

        Raises:
            CalendarRangeError: ``lo_us`` is too near the ends of time.
        """
        tl = self.timeline
        if tl is not None and tl.lo <= lo_us and hi_us < tl.hi:
            return tl
        tl = self.window(self.year_of(lo_us) - 1, self.year_of(hi_us) + 1)
        if not tl.lo <= lo_us < tl.hi:
            self.out_of_range(lo_us)
        return tl

    def ensure_back(self, us: int) -> _Timeline:
        """Return a snapshot holding ``us``, reaching as far back as it may."""
        tl = self.timeline
        if tl is not None and tl.lo <= us < tl.hi:
            return tl
        y = self.year_of(us)
        tl = self.window(y - 1, y + 1, forward=False)
        if not tl.lo <= us < tl.hi:
            self.out_of_range(us)
        return tl

    def after(self, tl: _Timeline) -> _Timeline:
        """The next snapshot forward, overlapping ``tl`` at its ``hi``."""
        if tl.y1 >= dt.MAXYEAR:
            self.out_of_range(tl.hi)
        return self.window(tl.y1 - 1, tl.y1 + WINDOW_YEARS)

    def before(self, tl: _Timeline) -> _Timeline:
        """The next snapshot backward, overlapping ``tl`` at its ``lo``."""
        if tl.y0 <= 1:
            self.out_of_range(tl.lo)
        return self.window(tl.y0 - WINDOW_YEARS, tl.y0 + 1, forward=False)

    def ensure_years(self, y0: int, y1: int) -> _Timeline:
        """Return a snapshot holding the dates of years ``y0 … y1`` (a short span)."""
        tl = self.timeline
        if tl is not None and tl.y0 <= y0 and y1 <= tl.y1:
            return tl
        return self.window(y0, y1)

    def business_days(self, y0: int, y1: int, lo_ord: int, hi_ord: int) -> int:
        """Business days with ordinals in ``[lo_ord, hi_ord)``, years ``y0 … y1``."""
        total = 0
        y = y0
        while y <= y1:
            tl = self.window(y, y1)
            total += bisect_left(tl.ords, hi_ord) - bisect_left(tl.ords, lo_ord)
            y = tl.y1 + 1
        return total

    # -- never opens ----------------------------------------------------------------

    def never_opens(self, us: int, where: str) -> NoReturn:
        msg = (
            f"the calendar has no working time within 50 years {where} "
            f"{self.describe(us)} (timezone {self.calendar.timezone}); "
            "check its weekly hours, holidays and make-up days"
        )
        raise CalendarNeverOpensError(
            msg,
            message=said(
                f"error.calendar.never_within.{where}",
                at=self.describe(us),
                zone=self.calendar.timezone,
            ),
        )

    def never_again(self, us: int, where: str) -> NoReturn:
        first, last = self.open_years
        bound = last if where == "after" else first
        msg = (
            f"the calendar has no working time {where} {self.describe(us)} "
            f"(timezone {self.calendar.timezone}): it has no weekly hours and no "
            f"make-up working days {where} {bound}; add weekly hours or make-up days"
        )
        raise CalendarNeverOpensError(
            msg,
            message=said(
                f"error.calendar.never_again.{where}",
                at=self.describe(us),
                zone=self.calendar.timezone,
                bound=str(bound),
            ),
        )

    def closed_after(self, tl: _Timeline) -> bool:
        """Whether nothing after ``tl`` can ever be open (no weekly hours)."""
        last = self.open_years[1]
        return last is not None and tl.y1 > last

    def closed_before(self, tl: _Timeline) -> bool:
        first = self.open_years[0]
        return first is not None and tl.y0 < first

    # -- holiday-data horizon -------------------------------------------------------

    def reached(self, end_us: int) -> None:
        """A computation's span ends at ``end_us``: warn or raise if past the horizon."""
        if end_us > self.beyond_us:
            self.crossed(self.describe(end_us))

    def reached_date(self, ordinal: int) -> None:
        """A computation consulted the local date ``ordinal``: likewise."""
        if ordinal >= self.beyond_ord:
            self.crossed(dt.date.fromordinal(ordinal).isoformat())

    def crossed(self, where: str) -> None:
        """Warn once (or raise, when strict) that the holiday data has run out."""
        if self.warned and not self.strict:
            return
        until = self.known_until
        assert until is not None  # noqa: S101  (only a horizon can be crossed)
        hs = self.calendar.holidays
        country = hs.country or hs.market
        if country is None and hs.source is not None:
            country = getattr(hs.source, "country", None) or type(hs.source).__name__
        year = until.year + 1
        text = (
            f"holiday data for {country or 'this calendar'} ends on {until.isoformat()} "
            f"(the last year whose holidays and make-up working days were announced); "
            f"a computation reaching {where} relies on {year} and later, where make-up "
            f"days are unknown and holidays only estimated. Add the {year} "
            f"announcement with calendar.with_announcement(year={year}, holidays=[...], "
            "workdays=[...]) or update the holidays package"
        )
        if self.strict:
            msg = f"{text}; this calendar is strict"
            raise HolidayDataMissingError(
                msg,
                message=said(
                    "error.holidays.missing",
                    country=country or "this calendar",
                    until=until.isoformat(),
                    where=where,
                    year=year,
                ),
            )
        self.warned = True
        warnings.warn(
            HolidayDataWarning(text, country=country, year=year, known_until=until),
            stacklevel=_caller_level(),
        )

    # -- arithmetic -----------------------------------------------------------------

    def next_open_us(self, us: int) -> int:
        """The first working instant at or after ``us``.

        Raises:
            CalendarNeverOpensError: nothing opens within 50 years after ``us``.
        """
        tl = self.ensure(us, us)
        s = us
        while True:
            found = tl.first_open(s)
            if found is not None:
                if found - us > HORIZON_US:
                    self.never_opens(us, "after")
                return found
            if self.closed_after(tl):
                self.never_again(us, "after")
            if tl.hi - us > HORIZON_US:
                self.never_opens(us, "after")
            s = tl.hi
            tl = self.after(tl)

    def last_close_us(self, us: int) -> int:
        """The latest instant at or before ``us`` that ends working time.

        Raises:
            CalendarNeverOpensError: nothing was open within 50 years before ``us``.
        """
        tl = self.ensure_back(us)
        e = us
        while True:
            found = tl.last_close(e)
            if found is not None:
                if us - found > HORIZON_US:
                    self.never_opens(us, "before")
                return found
            if self.closed_before(tl):
                self.never_again(us, "before")
            if us - tl.lo > HORIZON_US:
                self.never_opens(us, "before")
            e = tl.lo
            tl = self.before(tl)

    def check_reach(self, tl: _Timeline, us: int, delta_us: int, sign: int) -> None:
        """Fail fast when ``delta_us`` of working time cannot fit before the year limit.

        The estimate assumes future years have up to 1.5 times the working time per
        year already computed, so a plausible result is not refused; building
        thousands of years only to fail would look like a hang.
        """
        per_year = (
            tl.worked_through[-1] // (tl.y1 - tl.y0 + 1) if tl.worked_through else 0
        )
        if per_year <= 0:
            return
        years = delta_us * 2 // (3 * per_year)
        year = self.year_of(us)
        if year + sign * years > MAX_YEAR or year + sign * years < MIN_YEAR:
            msg = (
                f"{duration_text(delta_us)} of working time "
                f"{'from' if sign > 0 else 'before'} {year} lies beyond the supported "
                f"years {MIN_YEAR}…{MAX_YEAR}"
            )
            raise CalendarRangeError(
                msg,
                message=said(
                    "error.calendar.beyond.from"
                    if sign > 0
                    else "error.calendar.beyond.before",
                    amount=dt.timedelta(microseconds=delta_us),
                    year=year,
                    first=MIN_YEAR,
                    last=MAX_YEAR,
                ),
            )

    def between_us(self, s: int, e: int) -> int:
        """Working microseconds in ``[s, e)`` (``s <= e``)."""
        tl = self.timeline
        if tl is not None and tl.lo <= s and e < tl.quiet_hi:
            # tl.worked(e) - tl.worked(s), inlined: every span of every business-
            # hours clock comes here. From s <= e: if no range starts by e, none
            # starts by s, and both are 0.
            starts = tl.starts
            i = bisect_right(starts, e) - 1
            if i < 0:
                return 0
            end = tl.ends[i]
            worked = tl.worked_before[i] + (e if e < end else end) - starts[i]  # noqa: FURB136  (min() costs a call)
            i = bisect_right(starts, s, 0, i + 1) - 1
            if i < 0:
                return worked
            end = tl.ends[i]
            return worked - (tl.worked_before[i] + (s if s < end else end) - starts[i])  # noqa: FURB136
        if e > self.beyond_us and e > s:
            self.reached(e)
        if tl is not None and tl.lo <= s and e < tl.hi:
            return tl.worked(e) - tl.worked(s)
        total = 0
        while True:
            tl = self.ensure(s, e)
            if e < tl.hi:
                return total + tl.worked(e) - tl.worked(s)
            # Beyond one snapshot: count up to its end and carry on from there.
            total += tl.worked(tl.hi) - tl.worked(s)
            s = tl.hi

    def add_us(self, s: int, d: int) -> int:
        """The earliest instant ``t >= s`` with ``d`` working microseconds in ``[s, t)``."""
        if d <= 0:
            return s
        tl = self.timeline
        if tl is None or not tl.lo <= s < tl.hi:
            tl = self.ensure(s, s)
        origin = s
        slid = False
        while True:
            # tl.worked(s), inlined: this is the hot path of every SLA deadline.
            starts = tl.starts
            i = bisect_right(starts, s) - 1
            if i < 0:
                target = d
            else:
                end = tl.ends[i]
                target = tl.worked_before[i] + (s if s < end else end) - starts[i] + d  # noqa: FURB136  (min() costs a call)
            worked_through = tl.worked_through
            i = bisect_left(worked_through, target)
            if i < len(worked_through):
                t = starts[i] + target - tl.worked_before[i]
                if t < tl.quiet_hi:
                    return t
                if t < tl.hi:
                    self.reached(t)  # past the holiday data
                    return t
            if not slid:
                self.check_reach(tl, s, d, 1)
                slid = True
                if tl.first_open(s) is None:
                    # Closed to the end of this snapshot: jump to the next opening,
                    # which raises if nothing opens within 50 years.
                    s = self.next_open_us(origin)
                    tl = self.ensure(s, s)
                    continue
            if self.closed_after(tl):
                self.never_again(origin, "after")
            # Not within this snapshot: use up its working time and move on.
            d -= tl.worked(tl.hi) - tl.worked(s)
            s = tl.hi
            if d <= 0:
                self.reached(s)
                return s
            tl = self.after(tl)

    def subtract_us(self, e: int, d: int) -> int:
        """The latest instant ``t <= e`` with ``d > 0`` working microseconds in ``[t, e)``."""
        tl = self.ensure_back(e)
        origin = e
        slid = False
        while True:
            target = tl.worked(e) - d
            i = bisect_right(tl.worked_before, target) - 1
            if i >= 0:
                t = tl.starts[i] + target - tl.worked_before[i]
                if t >= tl.lo:
                    return t
            if not slid:
                self.check_reach(tl, e, d, -1)
                slid = True
                if tl.last_close(e) is None:
                    # Closed back to the start of this snapshot: jump to the last
                    # close, which raises if nothing was open within 50 years.
                    e = self.last_close_us(origin)
                    tl = self.ensure_back(e)
                    continue
            if self.closed_before(tl):
                self.never_again(origin, "before")
            d -= tl.worked(e) - tl.worked(tl.lo)
            e = tl.lo
            tl = self.before(tl)


_PACKAGE_DIR: Final = str(Path(__file__).resolve().parent.parent)


def _caller_level() -> int:
    """The ``stacklevel`` that points a warning at the first frame outside servicekit."""
    frame = sys._getframe(1)  # noqa: SLF001  (once per calendar, never on a hot path)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def _open_years(
    calendar: CalendarRules, weekly: tuple[DayHours, ...]
) -> tuple[int | None, int | None]:
    """The first and last years that can have working time, or None if unbounded.

    A calendar with weekly hours opens again every week (no holiday source covers
    every day); one without opens only on make-up days, which are finite: the listed
    ``workdays`` and the years the holiday source knows (its ``start_year`` …
    ``end_year``).
    """
    if any(weekly):
        return None, None
    hs = calendar.holidays
    years = [d.year for d in calendar.workdays]
    if hs.country is not None or hs.market is not None or hs.source is not None:
        inst = hs.source if hs.source is not None else hs._instance(None)  # noqa: SLF001
        first = getattr(inst, "start_year", None)
        last = getattr(inst, "end_year", None)
        if not isinstance(first, int) or not isinstance(last, int):
            return None, None
        years += [first, last]
    if not years:
        return None, None
    # A night shift on the last make-up day runs into the next year.
    return min(years) - 1, max(years) + 1


def _wall_to_instants(
    ws: int, we: int, first_offset: int, trans: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Return the instant ranges whose local wall-clock time lies in ``[ws, we)``."""
    if not trans:
        return [(ws - first_offset, we - first_offset)]
    out: list[tuple[int, int]] = []
    seg_start: int | None = None
    off = first_offset
    for u, nxt in (*trans, (None, None)):
        a = ws - off if seg_start is None else max(seg_start, ws - off)
        b = we - off if u is None else min(u, we - off)
        if a < b:
            out.append((a, b))
        if u is None:
            break
        seg_start, off = u, nxt  # type: ignore[assignment]
    return out


@functools.lru_cache(maxsize=64)
def _zones(
    name: str,
) -> tuple[pendulum.Timezone | pendulum.FixedTimezone, zoneinfo.ZoneInfo]:
    return pendulum.timezone(name), zone_named(name)


def datetime_at(us: int, timezone: str) -> pendulum.DateTime:
    """Return the instant ``us`` (epoch microseconds) as a DateTime in ``timezone``."""
    ptz, zone = _zones(timezone)
    try:
        naive = _EPOCH_NAIVE + ONE_US * us
        local = zone.fromutc(naive.replace(tzinfo=zone))
    except OverflowError:
        msg = (
            f"an instant {us // US_PER_DAY:,} days from 1970-01-01 lies outside the "
            f"years {MIN_YEAR}…{MAX_YEAR} in {timezone}"
        )
        raise CalendarRangeError(msg) from None
    return pendulum.DateTime(
        local.year,
        local.month,
        local.day,
        local.hour,
        local.minute,
        local.second,
        local.microsecond,
        tzinfo=ptz,
        fold=local.fold,
    )
