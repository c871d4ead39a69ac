"""The business calendar: working hours, holidays, make-up days, zones and DST, exactly.

Working time is a set of instants. For each local date the calendar takes that date's
intervals (weekly hours, or make-up-day hours, or none on a holiday) and maps the
wall-clock ranges onto real instants through the zone's UTC offsets, so a skipped DST
hour is lost and a repeated one counts twice. Per year, those instant ranges are
precomputed as sorted integer arrays (microseconds since the Unix epoch) with running
sums, and every query is a couple of bisections: cost does not grow with the span.

This module must never read the system clock or the system time zone, and never does
I/O beyond what ``zoneinfo`` and ``holidays`` do to load their own data.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import threading
import zoneinfo
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final, NoReturn, Self

import attrs
import holidays as holidays_lib
import pendulum

from servicekit import _codec
from servicekit._boundary import quote
from servicekit.errors import (
    CalendarNeverOpensError,
    CalendarRangeError,
    InvalidArgumentError,
    InvalidHolidayError,
    InvalidHoursError,
    InvalidTypeError,
    NaiveDatetimeError,
    UnknownNameError,
    UnknownTimezoneError,
)
from servicekit.sla._hours import (
    US_PER_DAY,
    US_PER_SECOND,
    DayHours,
    check_spill,
    day_to_json,
    parse_day,
    parse_weekly,
)

__all__ = ["BusinessCalendar", "HolidaySet"]

_EPOCH_ORDINAL: Final = dt.date(1970, 1, 1).toordinal()
_EPOCH_NAIVE: Final = dt.datetime(1970, 1, 1)  # noqa: DTZ001  (naive on purpose: wall-clock arithmetic)
_US: Final = US_PER_SECOND
_ONE_US: Final = dt.timedelta(microseconds=1)
_HOUR: Final = 3600 * _US
# Offsets on Earth lie within −12 h … +14 h; 16 h keeps every bound conservative.
_MARGIN: Final = 16 * _HOUR
# DST transitions are found by sampling offsets this often, then bisecting to the second.
# Real zones never change offset and change back within 12 hours.
_SAMPLE_STEP_S: Final = 12 * 3600
# "Never opens" is decided on this horizon: 50 years of 365.2425 days.
_HORIZON_US: Final = 18_262 * US_PER_DAY + 3 * _HOUR
_NOT_IANA: Final = frozenset({"localtime", "posixrules", "Factory"})
_MIN_YEAR: Final = 2
_MAX_YEAR: Final = 9998
# Bounded memoisation: the year blocks kept (least recently used first out), the years
# one snapshot spans at most, and the converted instants kept for add_business_days.
_CACHE_YEARS: Final = 32
_WINDOW_YEARS: Final = 12
_DT_CACHE: Final = 4096
# Offsets are sampled only where every zone's wall clock lies within years 1 … 9999.
_FIRST_SAMPLE_S: Final = (dt.date(1, 1, 2).toordinal() - _EPOCH_ORDINAL) * 86400
_LAST_SAMPLE_S: Final = (dt.date(9999, 12, 30).toordinal() - _EPOCH_ORDINAL) * 86400


# ---------------------------------------------------------------------------- inputs


def _instant_us(value: object, what: str) -> int:
    """Return an aware datetime as exact integer microseconds since the Unix epoch."""
    if not isinstance(value, dt.datetime):
        msg = f"{what} must be a timezone-aware datetime, got {type(value).__name__} {_show(value)}"
        raise InvalidTypeError(msg)
    off = value.utcoffset()
    if off is None:
        msg = (
            f"{what} {_show(value)} is naive; give an aware datetime, e.g. "
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


def _delta_us(value: object, what: str) -> int:
    if not isinstance(value, dt.timedelta):
        msg = f"{what} must be a datetime.timedelta, got {type(value).__name__} {_show(value)}"
        raise InvalidTypeError(msg)
    return (value.days * 86400 + value.seconds) * _US + value.microseconds


def _show(value: object) -> str:
    """A bad value as a message shows it, never as a Python repr or a whole input.

    Instants and days in ISO form, durations in days, hours and minutes, anything
    else as a short prefix.

    Examples:
        >>> import datetime as dt
        >>> _show(dt.datetime(9999, 12, 31, 23, 0)), _show(dt.timedelta(hours=-1))
        ('9999-12-31T23:00:00', '-1 h')
    """
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return _duration_text(_delta_us(value, "duration"))
    return quote(value)


def _duration_text(us: int) -> str:
    """A duration in the reader's units: ``"3 days 2 h 5 min"``, ``"1.5 s"``.

    Examples:
        >>> _duration_text(90 * 60 * 1_000_000), _duration_text(-1)
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


def _check_date(value: object, what: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        msg = f"{what} must be a datetime.date (a calendar day, not an instant), got {_show(value)}"
        raise InvalidTypeError(msg)
    return value


# --------------------------------------------------------------------------- holidays


def _holiday_dates(value: object, what: str) -> frozenset[dt.date]:
    items: Iterable[Any]
    if isinstance(value, Mapping):
        items = value.keys()
    elif isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"{what} must be dates (a list, set or mapping of datetime.date), got {_show(value)}"
        raise InvalidHolidayError(msg)
    else:
        items = value
    out: set[dt.date] = set()
    for item in items:
        if isinstance(item, dt.datetime) or not isinstance(item, dt.date):
            msg = (
                f"{what} entry {_show(item)} is not a datetime.date; give calendar days "
                "(parse text with datetime.date.fromisoformat)"
            )
            raise InvalidHolidayError(msg)
        out.add(item)
    return frozenset(out)


def _categories(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Iterable):
        msg = f"holiday categories must be strings, got {_show(value)}"
        raise InvalidHolidayError(msg)
    return tuple(sorted({str(v) for v in value}))


def _code(value: object) -> str | None:
    """A country or market code, upper-cased as the holidays package spells it."""
    text = _code_text(value)
    return None if text is None else text.upper()


def _code_text(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        msg = f"a holiday country, market or subdivision is a code such as 'CN', got {_show(value)}"
        raise InvalidHolidayError(msg)
    return value.strip()


def _to_dates(value: object) -> frozenset[dt.date]:
    return _holiday_dates(value, "holidays")


def _source_key(source: holidays_lib.HolidayBase | None) -> tuple[Any, ...] | None:
    """Compare custom holiday sources by what builds them, not by object identity."""
    if source is None:
        return None
    return (
        type(source).__module__,
        type(source).__qualname__,
        getattr(source, "subdiv", None),
        bool(getattr(source, "observed", True)),
        tuple(sorted(getattr(source, "categories", ()) or ())),
        tuple(sorted(source.items())),
    )


@_codec.value(omit_if_default=(), skip=("source",))
@attrs.frozen(kw_only=True)
class HolidaySet(_codec.Serialisable):
    """Closed days: a country's, market's or custom holidays, plus and minus dates.

    A country (``"CN"``) or financial market (``"NYSE"``) is resolved with the
    ``holidays`` package one year at a time, on demand, so arithmetic crossing into a
    new year just works; its make-up working days (``weekend_workdays``, China's 调休)
    become working days of the calendar. ``dates`` are extra closed days, ``removed``
    are the source's holidays that are worked all the same. A custom ``HolidayBase``
    subclass (a company's own days off) is kept as ``source`` and populated on demand
    from a private copy; it has no JSON form.

    Examples:
        >>> import datetime as dt
        >>> from servicekit.sla import HolidaySet
        >>> hs = HolidaySet(country="CN")
        >>> (
        ...     dt.date(2025, 1, 29) in hs.dates_in(2025),
        ...     dt.date(2025, 1, 26) in hs.workdays_in(2025),
        ... )
        (True, True)
        >>> HolidaySet.from_dict(hs.to_dict()) == hs
        True
    """

    dates: frozenset[dt.date] = attrs.field(default=frozenset(), converter=_to_dates)
    removed: frozenset[dt.date] = attrs.field(default=frozenset(), converter=_to_dates)
    country: str | None = attrs.field(default=None, converter=_code)
    market: str | None = attrs.field(default=None, converter=_code)
    subdiv: str | None = attrs.field(default=None, converter=_code_text)
    observed: bool = True
    categories: tuple[str, ...] = attrs.field(default=(), converter=_categories)
    source: holidays_lib.HolidayBase | None = attrs.field(
        default=None, eq=False, repr=False
    )
    # What the custom source was when given (class, options, dates): equality and hash
    # use this, never the private copy, whose populated years grow with use.
    _source_id: tuple[Any, ...] | None = attrs.field(init=False, default=None)
    # year -> (holidays of that year's population, its make-up working days)
    _years: dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]] = attrs.field(
        init=False, repr=False, eq=False, hash=False, factory=dict
    )
    _lock: threading.Lock = attrs.field(
        init=False, repr=False, eq=False, hash=False, factory=threading.Lock
    )

    def __attrs_post_init__(self) -> None:
        codes = [x for x in (self.country, self.market, self.source) if x is not None]
        if len(codes) > 1:
            msg = "a HolidaySet takes one source: a country, a market or a holidays object"
            raise InvalidHolidayError(msg)
        if self.source is not None:
            if not isinstance(self.source, holidays_lib.HolidayBase):
                msg = f"source must be a holidays.HolidayBase, got {_show(self.source)}"  # type: ignore[unreachable]
                raise InvalidHolidayError(msg)
            object.__setattr__(self, "_source_id", _source_key(self.source))
            # A private copy: populating years must never touch the caller's object.
            object.__setattr__(self, "source", copy.deepcopy(self.source))
        elif self.country is not None or self.market is not None:
            self._instance(None)  # unknown codes fail here, at construction

    def __getstate__(self) -> dict[str, Any]:
        state = {
            f.name: getattr(self, f.name) for f in attrs.fields(type(self)) if f.init
        }
        state["_source_id"] = self._source_id
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_years", {})
        object.__setattr__(self, "_lock", threading.Lock())

    def _instance(self, years: int | None) -> holidays_lib.HolidayBase:
        kwargs: dict[str, Any] = {"subdiv": self.subdiv, "observed": self.observed}
        if years is not None:
            kwargs["years"] = years
        if self.categories:
            kwargs["categories"] = self.categories
        try:
            if self.country is not None:
                return holidays_lib.country_holidays(self.country, **kwargs)
            return holidays_lib.financial_holidays(str(self.market), **kwargs)
        except NotImplementedError:
            what = self._describe()
            msg = f"the holidays package has no holiday calendar for {what}"
            raise UnknownNameError(msg) from None
        except ValueError as e:
            what = self._describe()
            if "ategor" in str(e):
                msg = (
                    f"the holidays package has no holiday category "
                    f"{quote(', '.join(self.categories))} for {what}"
                )
                raise UnknownNameError(msg) from None
            msg = f"the holidays package refuses {what}: {quote(str(e))}"
            raise InvalidHolidayError(msg) from None
        except (TypeError, KeyError, AttributeError) as e:
            msg = f"the holidays package refuses {self._describe()}: {quote(str(e))}"
            raise InvalidHolidayError(msg) from None

    def _describe(self) -> str:
        kind, code = (
            ("country", self.country)
            if self.country is not None
            else ("market", self.market)
        )
        text = f"{kind} {quote(code)}"
        if self.subdiv is not None:
            text += f", subdivision {quote(self.subdiv)}"
        return text

    def _population(self, year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
        # Invisible memoisation: each year is computed once.
        cached = self._years.get(year)
        if cached is not None:
            return cached
        with self._lock:
            if self.source is not None:
                inst = self.source
                inst.get(dt.date(year, 1, 1))  # populates the private copy's year
                days = frozenset(d for d in list(inst.keys()) if d.year == year)
            else:
                inst = self._instance(year)
                days = frozenset(inst.keys())
            extra = getattr(inst, "weekend_workdays", ())
            cached = (days, frozenset(d for d in extra if d.year == year))
            self._years[year] = cached
        return cached

    def dates_in(self, year: int) -> frozenset[dt.date]:
        """Return the closed dates of ``year``.

        Examples:
            >>> from servicekit.sla import HolidaySet
            >>> len(HolidaySet(country="CN").dates_in(2025))
            19
        """
        own = {d for d in self.dates if d.year == year}
        if self.country is None and self.market is None and self.source is None:
            return frozenset(own)
        # Observed days can fall in a neighbouring year's population.
        for y in (year - 1, year, year + 1):
            if _MIN_YEAR - 1 <= y <= _MAX_YEAR + 1:
                own.update(d for d in self._population(y)[0] if d.year == year)
        return frozenset(own - self.removed)

    def workdays_in(self, year: int) -> frozenset[dt.date]:
        """Return the make-up working days (``weekend_workdays``) of ``year``.

        Examples:
            >>> from servicekit.sla import HolidaySet
            >>> sorted(HolidaySet(country="CN").workdays_in(2025))[:2]
            [datetime.date(2025, 1, 26), datetime.date(2025, 2, 8)]
        """
        if self.country is None and self.market is None and self.source is None:
            return frozenset()
        return self._population(year)[1]

    @classmethod
    def from_holidays(cls, value: holidays_lib.HolidayBase) -> HolidaySet:
        """Return the set a ``holidays.HolidayBase`` describes, edits included.

        A registry class (``holidays.China``, ``holidays.financial_holidays("NYSE")``)
        becomes its code, with the dates the caller added (``dates``) or removed
        (``removed``) in the years it has populated; anything else (a subclass with
        its own rules) is kept as a private copy (``source``).

        Examples:
            >>> import datetime as dt, holidays
            >>> from servicekit.sla import HolidaySet
            >>> us = holidays.US(years=2025)
            >>> del us[dt.date(2025, 7, 4)]  # the company works on Independence Day
            >>> hs = HolidaySet.from_holidays(us)
            >>> hs.country, sorted(hs.removed)
            ('US', [datetime.date(2025, 7, 4)])
        """
        country = getattr(value, "country", None)
        market = getattr(value, "market", None)
        module = type(value).__module__
        # Classes defined inside the holidays package are its registry's; a subclass
        # defined anywhere else may have rules of its own, so it is kept whole.
        if (country is None and market is None) or not module.startswith("holidays."):
            return cls(source=value)
        spec = cls(
            country=country,
            market=market if country is None else None,
            subdiv=getattr(value, "subdiv", None),
            observed=bool(getattr(value, "observed", True)),
            categories=getattr(value, "categories", None),
        )
        fresh = spec._instance(None)
        for y in sorted(value.years):
            fresh.get(dt.date(y, 1, 1))
        added = frozenset(d for d in value if d not in fresh)
        removed = frozenset(d for d in fresh if d not in value)
        return attrs.evolve(spec, dates=added, removed=removed)

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-native data (ISO dates).

        Raises:
            InvalidArgumentError: the set holds a custom ``holidays`` class, which has
                no JSON form (list its dates instead).

        Examples:
            >>> import datetime as dt
            >>> from servicekit.sla import HolidaySet
            >>> HolidaySet(dates=[dt.date(2025, 5, 1)]).to_dict()["dates"]
            ['2025-05-01']
        """
        if self.source is not None:
            msg = (
                f"holidays from the custom class {type(self.source).__qualname__} have no "
                "JSON form; store HolidaySet(dates=...) for the years you need, or use a "
                "country or market code"
            )
            raise InvalidArgumentError(msg)
        return super().to_dict()


def _to_holiday_set(value: object) -> HolidaySet:
    if value is None:
        return HolidaySet()
    if isinstance(value, HolidaySet):
        return value
    if isinstance(value, holidays_lib.HolidayBase):
        return HolidaySet.from_holidays(value)
    return HolidaySet(dates=_holiday_dates(value, "holidays"))


def _to_workdays(value: object) -> frozenset[dt.date]:
    return _holiday_dates(() if value is None else value, "workdays")


# ---------------------------------------------------------------------------- timezone


def _check_timezone(_inst: object, _attr: object, name: str) -> None:
    _zone(name)


def _zone(name: object) -> zoneinfo.ZoneInfo:
    if not isinstance(name, str) or not name:
        msg = (
            f"timezone must be an IANA name such as 'Asia/Shanghai', got {_show(name)}"
        )
        raise UnknownTimezoneError(msg)
    if name in _NOT_IANA or name.startswith(("posix/", "right/")):
        # "localtime" is the host's zone: one calendar would mean different things on
        # different servers. "right/" zones count leap seconds, which instants don't.
        msg = (
            f"{_show(name)} is not an IANA zone name; give one such as 'Asia/Shanghai'"
        )
        raise UnknownTimezoneError(msg)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a directory ("America") or a name too long for the file system.
        msg = f"unknown time zone {_show(name)}; use an IANA name such as 'Asia/Shanghai' or 'America/New_York'"
        raise UnknownTimezoneError(msg) from None


def _canonical_weekly(value: object) -> tuple[tuple[tuple[str, str], ...], ...]:
    days = parse_weekly(value)
    return tuple(tuple((a, b) for a, b in day_to_json(d)) for d in days)


def _canonical_day(value: object) -> tuple[tuple[str, str], ...] | None:
    if value is None:
        return None
    day = parse_day(value, what="workday_hours")
    return tuple((a, b) for a, b in day_to_json(day))


# ---------------------------------------------------------------------------- engine


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

    At most ``_WINDOW_YEARS`` years: a query spanning more walks window after window.
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


class _Engine:
    """The precomputed, lazily built view of one calendar. Invisible memoisation.

    Memory is bounded whatever is asked: at most ``_CACHE_YEARS`` year blocks (least
    recently used first out), one snapshot of at most ``_WINDOW_YEARS`` years, and at
    most ``_DT_CACHE`` converted instants. A query far from the others builds only the
    years it needs and replaces the snapshot; it never extends it across the gap.
    """

    def __init__(self, calendar: BusinessCalendar) -> None:
        self.calendar = calendar
        self.zone = _zone(calendar.timezone)
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
                return self.wall_to_datetime(_EPOCH_NAIVE + _ONE_US * (us + off), fold)
            naive = _EPOCH_NAIVE + _ONE_US * us
            local = self.zone.fromutc(naive.replace(tzinfo=self.zone))
        except OverflowError:
            msg = (
                f"the result lies outside the years {_MIN_YEAR}…{_MAX_YEAR} in "
                f"{self.calendar.timezone}; use a nearer instant or a shorter duration"
            )
            raise CalendarRangeError(msg) from None
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
        return _instant_us(value, what)

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
        while len(self.years) > _CACHE_YEARS:
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
            self.timeline = tl
            if len(self.dt_cache) > _DT_CACHE:
                self.dt_cache = {}
            return tl

    def out_of_range(self, us: int) -> NoReturn:
        msg = (
            f"{self.describe(us)} is too close to the ends of the supported years "
            f"{_MIN_YEAR}…{_MAX_YEAR} (timezone {self.calendar.timezone}); use a "
            "nearer instant or a shorter duration"
        )
        raise CalendarRangeError(msg)

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
            if u1 - u0 < _WINDOW_YEARS:
                y0, y1 = u0, u1
        if y1 - y0 >= _WINDOW_YEARS:
            if forward:
                y1 = y0 + _WINDOW_YEARS - 1
            else:
                y0 = y1 - _WINDOW_YEARS + 1
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
        return self.window(tl.y1 - 1, tl.y1 + _WINDOW_YEARS)

    def before(self, tl: _Timeline) -> _Timeline:
        """The next snapshot backward, overlapping ``tl`` at its ``lo``."""
        if tl.y0 <= 1:
            self.out_of_range(tl.lo)
        return self.window(tl.y0 - _WINDOW_YEARS, tl.y0 + 1, forward=False)

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
        raise CalendarNeverOpensError(msg)

    def never_again(self, us: int, where: str) -> NoReturn:
        first, last = self.open_years
        bound = last if where == "after" else first
        msg = (
            f"the calendar has no working time {where} {self.describe(us)} "
            f"(timezone {self.calendar.timezone}): it has no weekly hours and no "
            f"make-up working days {where} {bound}; add weekly hours or make-up days"
        )
        raise CalendarNeverOpensError(msg)

    def closed_after(self, tl: _Timeline) -> bool:
        """Whether nothing after ``tl`` can ever be open (no weekly hours)."""
        last = self.open_years[1]
        return last is not None and tl.y1 > last

    def closed_before(self, tl: _Timeline) -> bool:
        first = self.open_years[0]
        return first is not None and tl.y0 < first

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
                if found - us > _HORIZON_US:
                    self.never_opens(us, "after")
                return found
            if self.closed_after(tl):
                self.never_again(us, "after")
            if tl.hi - us > _HORIZON_US:
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
                if us - found > _HORIZON_US:
                    self.never_opens(us, "before")
                return found
            if self.closed_before(tl):
                self.never_again(us, "before")
            if us - tl.lo > _HORIZON_US:
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
        if year + sign * years > _MAX_YEAR or year + sign * years < _MIN_YEAR:
            msg = (
                f"{_duration_text(delta_us)} of working time "
                f"{'from' if sign > 0 else 'before'} {year} lies beyond the supported "
                f"years {_MIN_YEAR}…{_MAX_YEAR}"
            )
            raise CalendarRangeError(msg)

    def between_us(self, s: int, e: int) -> int:
        """Working microseconds in ``[s, e)`` (``s <= e``)."""
        tl = self.timeline
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
                if t < tl.hi:
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


def _open_years(
    calendar: BusinessCalendar, weekly: tuple[DayHours, ...]
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


# ---------------------------------------------------------------------------- for sla


def engine_of(calendar: BusinessCalendar) -> _Engine:
    """The calendar's precomputed engine, for the SLA clocks' integer arithmetic."""
    return calendar._engine  # noqa: SLF001  (same package, private by convention)


instant_us = _instant_us
delta_us = _delta_us


@functools.lru_cache(maxsize=64)
def _zones(
    name: str,
) -> tuple[pendulum.Timezone | pendulum.FixedTimezone, zoneinfo.ZoneInfo]:
    return pendulum.timezone(name), _zone(name)


def datetime_at(us: int, timezone: str) -> pendulum.DateTime:
    """Return the instant ``us`` (epoch microseconds) as a DateTime in ``timezone``."""
    ptz, zone = _zones(timezone)
    try:
        naive = _EPOCH_NAIVE + _ONE_US * us
        local = zone.fromutc(naive.replace(tzinfo=zone))
    except OverflowError:
        msg = (
            f"an instant {us // US_PER_DAY:,} days from 1970-01-01 lies outside the "
            f"years {_MIN_YEAR}…{_MAX_YEAR} in {timezone}"
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
    _zone(name)
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
    holidays: HolidaySet = attrs.field(default=None, converter=_to_holiday_set)
    workdays: frozenset[dt.date] = attrs.field(default=(), converter=_to_workdays)
    workday_hours: tuple[tuple[str, str], ...] | None = attrs.field(
        default=None, converter=_canonical_day
    )
    _engine: _Engine = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        makeup = (
            self.weekly_hours[0] if self.workday_hours is None else self.workday_hours
        )
        if not any(self.weekly_hours) and not makeup:
            msg = (
                "this calendar has no working hours on any day; give weekly_hours such "
                "as {0: [('09:00', '18:00')]} or use BusinessCalendar.always_open()"
            )
            raise CalendarNeverOpensError(msg)
        if self.workdays and not makeup:
            # Make-up days default to Monday's hours; with Monday closed they would
            # silently stay closed, which is never what listing them meant.
            msg = (
                "workdays are listed but make-up days would have no hours (Monday is "
                "closed and workday_hours is None); pass workday_hours=[('09:00', '18:00')]"
            )
            raise InvalidHoursError(msg)
        engine = _Engine(self)
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
        object.__setattr__(self, "_engine", _Engine(self))

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
    ) -> Self:
        """Return a calendar closed on ``country``'s public holidays (``holidays`` codes).

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
            ),
            workdays=workdays,
            workday_hours=workday_hours,
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
        us = self._engine.instant(at, "at")
        tl = self._engine.ensure(us, us)
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
        return eng.to_datetime(found, eng.timeline)

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
        if tl is None or not (tl.lo <= s and e < tl.hi):
            return _ONE_US * (sign * self._engine.between_us(s, e))
        return _ONE_US * (sign * (tl.worked(e) - tl.worked(s)))

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
        d = _delta_us(delta, "delta")
        if d < 0:
            msg = f"cannot add a negative business duration ({_duration_text(d)}); use subtract()"
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
        d = _delta_us(delta, "delta")
        eng = self._engine
        if d <= 0:
            if d < 0:
                msg = f"cannot subtract a negative business duration ({_duration_text(d)}); use add()"
                raise InvalidArgumentError(msg)
            return eng.to_datetime(e)
        return eng.to_datetime(eng.subtract_us(e, d), eng.timeline)

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
        d = _check_date(day, "day").toordinal()
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
            msg = f"n must be a whole number of business days, got {_show(n)}"
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
                tl = eng.window(tl.y1 + 1, tl.y1 + _WINDOW_YEARS)
                idx = bisect_left(tl.ords, first) + rest
        close = tl.closes[idx]
        if close - us > _HORIZON_US:
            eng.next_open_us(us)
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
        _check_date(a, "a")
        _check_date(b, "b")
        oa = a.toordinal()
        ob = b.toordinal()
        tl = self._engine.timeline
        lo, hi = (oa, ob) if oa <= ob else (ob, oa)
        if tl is None or lo < tl.ord_lo or hi >= tl.ord_hi:
            y0, y1 = sorted((a.year, b.year))
            if y1 - y0 >= _WINDOW_YEARS:
                # Longer than one snapshot: count snapshot by snapshot.
                if ob >= oa:
                    return self._engine.business_days(y0, y1, oa, ob)
                return -self._engine.business_days(y0, y1, ob + 1, oa + 1)
            tl = self._engine.ensure_years(y0, y1)
        ords = tl.ords
        if ob >= oa:
            return bisect_left(ords, ob) - bisect_left(ords, oa)
        return bisect_right(ords, ob) - bisect_right(ords, oa)
