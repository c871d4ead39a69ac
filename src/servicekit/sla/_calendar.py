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
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final, NoReturn, Self

import attrs
import holidays as holidays_lib
import pendulum

from servicekit.errors import (
    CalendarNeverOpensError,
    CalendarRangeError,
    DeserializationError,
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
    normalise_json_day,
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


# ---------------------------------------------------------------------------- inputs


def _instant_us(value: object, what: str) -> int:
    """Return an aware datetime as exact integer microseconds since the Unix epoch."""
    if not isinstance(value, dt.datetime):
        msg = f"{what} must be a timezone-aware datetime, got {type(value).__name__} {value!r}"
        raise InvalidTypeError(msg)
    off = value.utcoffset()
    if off is None:
        msg = (
            f"{what} {value!r} is naive; give an aware datetime, e.g. "
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
        msg = (
            f"{what} must be a datetime.timedelta, got {type(value).__name__} {value!r}"
        )
        raise InvalidTypeError(msg)
    return (value.days * 86400 + value.seconds) * _US + value.microseconds


def _check_date(value: object, what: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        msg = f"{what} must be a datetime.date (a calendar day, not an instant), got {value!r}"
        raise InvalidTypeError(msg)
    return value


def _wall_us(day: dt.date) -> int:
    """Return local midnight of ``day`` as wall-clock microseconds (naive epoch)."""
    return (day.toordinal() - _EPOCH_ORDINAL) * US_PER_DAY


# --------------------------------------------------------------------------- holidays


def _holiday_dates(value: object, what: str) -> frozenset[dt.date]:
    items: Iterable[Any]
    if isinstance(value, Mapping):
        items = value.keys()
    elif isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"{what} must be dates (a list, set or mapping of datetime.date), got {value!r}"
        raise InvalidHolidayError(msg)
    else:
        items = value
    out: set[dt.date] = set()
    for item in items:
        if isinstance(item, dt.datetime) or not isinstance(item, dt.date):
            msg = (
                f"{what} entry {item!r} is not a datetime.date; give calendar days "
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
        msg = f"holiday categories must be strings, got {value!r}"
        raise InvalidHolidayError(msg)
    return tuple(sorted({str(v) for v in value}))


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


@attrs.frozen(kw_only=True)
class HolidaySet:
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
    country: str | None = None
    market: str | None = None
    subdiv: str | None = None
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
                msg = f"source must be a holidays.HolidayBase, got {self.source!r}"  # type: ignore[unreachable]
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
        except NotImplementedError as e:
            code = self.country if self.country is not None else self.market
            msg = f"holidays has no calendar for {code!r} (subdivision {self.subdiv!r}): {e}"
            raise UnknownNameError(msg) from None

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
        return {
            "dates": sorted(d.isoformat() for d in self.dates),
            "removed": sorted(d.isoformat() for d in self.removed),
            "country": self.country,
            "market": self.market,
            "subdiv": self.subdiv,
            "observed": self.observed,
            "categories": list(self.categories),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HolidaySet:
        """Return the set ``to_dict`` described.

        Raises:
            DeserializationError: the data is malformed.
        """
        try:
            return cls(
                dates=[dt.date.fromisoformat(d) for d in data.get("dates", [])],
                removed=[dt.date.fromisoformat(d) for d in data.get("removed", [])],
                country=data.get("country"),
                market=data.get("market"),
                subdiv=data.get("subdiv"),
                observed=bool(data.get("observed", True)),
                categories=data.get("categories") or (),
            )
        except (TypeError, ValueError, AttributeError) as e:
            if isinstance(e, InvalidHolidayError | UnknownNameError):
                raise
            msg = f"cannot read a HolidaySet from {data!r}: {e}"
            raise DeserializationError(msg) from None


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
        msg = f"timezone must be an IANA name such as 'Asia/Shanghai', got {name!r}"
        raise UnknownTimezoneError(msg)
    if name in _NOT_IANA or name.startswith(("posix/", "right/")):
        # "localtime" is the host's zone: one calendar would mean different things on
        # different servers. "right/" zones count leap seconds, which instants don't.
        msg = f"{name!r} is not an IANA zone name; give one such as 'Asia/Shanghai'"
        raise UnknownTimezoneError(msg)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        msg = f"unknown time zone {name!r}; use an IANA name such as 'Asia/Shanghai' or 'America/New_York'"
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


class _Timeline:
    """An immutable snapshot of working ranges for the years ``y0 … y1``.

    Queries take one snapshot and use only it, so a concurrent extension (which builds
    a new snapshot and swaps one reference) never tears a computation.
    """

    __slots__ = (
        "closes",
        "cum",
        "cumend",
        "ends",
        "hi",
        "lo",
        "off0",
        "ord_hi",
        "ord_lo",
        "ords",
        "starts",
        "tr_off",
        "tr_prev",
        "tr_u",
        "tr_whi",
        "tr_wlo",
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
        off0: int,
        transitions: list[tuple[int, int]],
    ) -> None:
        self.off0 = off0
        self.tr_u = [u for u, _ in transitions]
        self.tr_off = [o for _, o in transitions]
        self.tr_prev = [off0, *self.tr_off][: len(self.tr_off)]
        # Wall-clock span of each transition: a gap (spring forward) or a repeat (fall
        # back); outside it a wall time has exactly one offset.
        self.tr_wlo = [
            u + min(p, o)
            for u, p, o in zip(self.tr_u, self.tr_prev, self.tr_off, strict=True)
        ]
        self.tr_whi = [
            u + max(p, o)
            for u, p, o in zip(self.tr_u, self.tr_prev, self.tr_off, strict=True)
        ]
        self.y0 = y0
        self.y1 = y1
        self.starts = starts
        self.ends = ends
        cum: list[int] = []
        cumend: list[int] = []
        total = 0
        for s, e in zip(starts, ends, strict=True):
            cum.append(total)
            total += e - s
            cumend.append(total)
        self.cum = cum
        self.cumend = cumend
        self.ords = ords
        self.closes = closes
        # Instants in [lo, hi) are only touched by ranges of dates in y0 … y1.
        self.lo = _wall_us(dt.date(y0, 1, 2)) + _MARGIN
        self.hi = _wall_us(dt.date(y1 + 1, 1, 1)) - _MARGIN
        self.ord_lo = dt.date(y0, 1, 1).toordinal()
        self.ord_hi = dt.date(y1 + 1, 1, 1).toordinal()

    def worked(self, us: int) -> int:
        """Working microseconds from the first range up to ``us``."""
        i = bisect_right(self.starts, us) - 1
        if i < 0:
            return 0
        end = self.ends[i]
        return self.cum[i] + (us if us < end else end) - self.starts[i]  # noqa: FURB136


class _YearData:
    __slots__ = ("closes", "off0", "ords", "ranges", "transitions")

    def __init__(
        self,
        ranges: list[tuple[int, int]],
        ords: list[int],
        closes: list[int],
        off0: int,
        transitions: list[tuple[int, int]],
    ) -> None:
        self.ranges = ranges
        self.ords = ords
        self.closes = closes
        self.off0 = off0
        self.transitions = transitions


class _Engine:
    """The precomputed, lazily extended view of one calendar. Invisible memoisation."""

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
        self.years: dict[int, _YearData] = {}
        self.timeline: _Timeline | None = None
        self.dt_cache: dict[int, pendulum.DateTime] = {}
        self.lock = threading.Lock()

    # -- time zone ------------------------------------------------------------------

    def offset_s(self, t: int) -> int:
        off = dt.datetime.fromtimestamp(t, self.zone).utcoffset()
        assert off is not None  # noqa: S101  (a ZoneInfo always answers)
        return off.days * 86400 + off.seconds

    def transitions(self, lo_s: int, hi_s: int) -> tuple[int, list[tuple[int, int]]]:
        """Return the offset (µs) at ``lo_s`` and the changes ``(instant µs, offset µs)``."""
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
        """Return the instant ``us`` as a pendulum DateTime in the calendar's zone."""
        if tl is not None and tl.lo <= us < tl.hi:
            # Fast path: the offset (and fold) come from the timeline's own transitions.
            k = bisect_right(tl.tr_u, us) - 1
            if k < 0:
                off = tl.off0
                fold = 0
            else:
                off = tl.tr_off[k]
                prev = tl.tr_off[k - 1] if k else tl.off0
                # After a backward jump, the repeated wall-clock times are the fold.
                fold = 1 if off < prev and us + off < tl.tr_u[k] + prev else 0
            return self.wall_to_datetime(_EPOCH_NAIVE + _ONE_US * (us + off), fold)
        naive = _EPOCH_NAIVE + _ONE_US * us
        local = self.zone.fromutc(naive.replace(tzinfo=self.zone))
        return self.wall_to_datetime(local, local.fold)

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
                k = bisect_right(tl.tr_wlo, w) - 1
                if k < 0:
                    off = tl.off0
                elif w < tl.tr_whi[k]:
                    off = tl.tr_off[k] if value.fold else tl.tr_prev[k]
                else:
                    off = tl.tr_off[k]
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
            return data
        cal = self.calendar
        closed = cal.holidays.dates_in(year)
        workdays = frozenset(
            d for d in cal.workdays if d.year == year
        ) | cal.holidays.workdays_in(year)
        first = dt.date(year, 1, 1)
        lo_s = (_wall_us(first) - US_PER_DAY) // _US
        hi_s = (_wall_us(dt.date(year + 1, 1, 1)) + 3 * US_PER_DAY) // _US
        off0, trans = self.transitions(lo_s, hi_s)
        ranges: list[tuple[int, int]] = []
        ords: list[int] = []
        closes: list[int] = []
        day = first
        one = dt.timedelta(days=1)
        while day.year == year:
            hours = self.hours_for(day, closed, workdays)
            base = _wall_us(day)
            close = None
            for s, e in hours:
                for a, b in _wall_to_instants(base + s, base + e, off0, trans):
                    ranges.append((a, b))
                    close = b if close is None or b > close else close
            if close is not None:
                ords.append(day.toordinal())
                closes.append(close)
            day += one
        data = _YearData(ranges, ords, closes, off0, trans)
        self.years[year] = data
        return data

    def rebuild(self, y0: int, y1: int) -> _Timeline:
        if y0 < _MIN_YEAR or y1 > _MAX_YEAR:
            msg = (
                f"this computation needs the calendar for years {y0}…{y1}, beyond the "
                f"supported {_MIN_YEAR}…{_MAX_YEAR}; use a shorter duration or a nearer instant"
            )
            raise CalendarRangeError(msg)
        with self.lock:
            raw: list[tuple[int, int]] = []
            ords: list[int] = []
            closes: list[int] = []
            transitions: dict[int, int] = {}
            off0 = self.build_year(y0).off0
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
                y0, y1, starts, ends, ords, closes, off0, sorted(transitions.items())
            )
            self.timeline = tl
            return tl

    def year_of(self, us: int) -> int:
        # Offsets are within ±16 h, so the UTC year bounds the local one to ±1.
        days = us // US_PER_DAY
        if days < dt.date(_MIN_YEAR, 1, 1).toordinal() - _EPOCH_ORDINAL:
            return _MIN_YEAR - 1
        if days > dt.date(_MAX_YEAR, 12, 31).toordinal() - _EPOCH_ORDINAL:
            return _MAX_YEAR + 1
        return dt.date.fromordinal(days + _EPOCH_ORDINAL).year

    def ensure(self, lo_us: int, hi_us: int) -> _Timeline:
        tl = self.timeline
        if tl is not None and tl.lo <= lo_us and hi_us < tl.hi:
            return tl
        y0 = self.year_of(lo_us) - 1
        y1 = self.year_of(hi_us) + 1
        if tl is not None:
            y0, y1 = min(y0, tl.y0), max(y1, tl.y1)
        return self.rebuild(y0, y1)

    def ensure_years(self, y0: int, y1: int) -> _Timeline:
        tl = self.timeline
        if tl is not None and tl.y0 <= y0 and y1 <= tl.y1:
            return tl
        if tl is not None:
            y0, y1 = min(y0, tl.y0), max(y1, tl.y1)
        return self.rebuild(y0, y1)

    def grow_forward(self, tl: _Timeline, us: int) -> _Timeline:
        """Return a timeline reaching further into the future than ``tl``.

        Raises:
            CalendarNeverOpensError: nothing opens within the horizon after ``us``.
        """
        if tl.hi - us > _HORIZON_US and tl.worked(tl.hi) <= tl.worked(us):
            self.never_opens(us, "after")
        step = max(2, (tl.y1 - tl.y0) // 2)
        return self.rebuild(tl.y0, min(_MAX_YEAR + 1, tl.y1 + step))

    def grow_backward(self, tl: _Timeline, us: int) -> _Timeline:
        """Return a timeline reaching further into the past than ``tl``.

        Raises:
            CalendarNeverOpensError: nothing was open within the horizon before ``us``.
        """
        if us - tl.lo > _HORIZON_US and tl.worked(us) <= tl.worked(tl.lo):
            self.never_opens(us, "before")
        step = max(2, (tl.y1 - tl.y0) // 2)
        return self.rebuild(max(_MIN_YEAR - 1, tl.y0 - step), tl.y1)

    def check_horizon_after(self, tl: _Timeline, us: int, result: int) -> None:
        """Raise if the first opening at or after ``us`` lies beyond the horizon.

        Only called when ``result`` is that far away, so the check is cache-independent
        and costs nothing on ordinary calls.
        """
        if result - us <= _HORIZON_US:
            return
        i = bisect_right(tl.starts, us) - 1
        if i >= 0 and us < tl.ends[i]:
            return
        if tl.starts[i + 1] - us > _HORIZON_US:
            self.never_opens(us, "after")

    def check_horizon_before(self, tl: _Timeline, us: int, result: int) -> None:
        """Raise if the last working instant before ``us`` lies beyond the horizon."""
        if us - result <= _HORIZON_US:
            return
        i = bisect_left(tl.ends, us)  # first range ending at or after us
        if i < len(tl.starts) and tl.starts[i] < us:
            return
        if us - tl.ends[i - 1] > _HORIZON_US:
            self.never_opens(us, "before")

    def check_reach(self, tl: _Timeline, us: int, delta_us: int, sign: int) -> None:
        """Fail fast when ``delta_us`` of working time cannot fit before the year limit.

        The estimate assumes future years have up to 1.5 times the working time per
        year already computed, so a plausible result is not refused; building
        thousands of years only to fail would look like a hang.
        """
        per_year = tl.cumend[-1] // (tl.y1 - tl.y0 + 1) if tl.cumend else 0
        if per_year <= 0:
            return
        years = delta_us * 2 // (3 * per_year)
        year = self.year_of(us)
        if year + sign * years > _MAX_YEAR or year + sign * years < _MIN_YEAR:
            msg = (
                f"{dt.timedelta(microseconds=delta_us)} of working time from {year} lies "
                f"beyond the supported years {_MIN_YEAR}…{_MAX_YEAR}"
            )
            raise CalendarRangeError(msg)

    def between_us(self, s: int, e: int) -> int:
        """Working microseconds in ``[s, e)`` (``s <= e``)."""
        tl = self.timeline
        if tl is None or not (tl.lo <= s and e < tl.hi):
            tl = self.ensure(s, e)
        return tl.worked(e) - tl.worked(s)

    def add_us(self, s: int, d: int) -> int:
        """The earliest instant ``t >= s`` with ``d`` working microseconds in ``[s, t)``."""
        if d <= 0:
            return s
        tl = self.timeline
        if tl is None or not tl.lo <= s < tl.hi:
            tl = self.ensure(s, s)
        checked = False
        while True:
            # tl.worked(s), inlined: this is the hot path of every SLA deadline.
            starts = tl.starts
            i = bisect_right(starts, s) - 1
            if i < 0:
                target = d
            else:
                end = tl.ends[i]
                target = tl.cum[i] + (s if s < end else end) - starts[i] + d  # noqa: FURB136  (min() costs a call)
            cumend = tl.cumend
            i = bisect_left(cumend, target)
            if i < len(cumend):
                t = starts[i] + target - tl.cum[i]
                if t < tl.hi:
                    if t - s > _HORIZON_US:
                        self.check_horizon_after(tl, s, t)
                    return t
            if not checked:
                self.check_reach(tl, s, d, 1)
                checked = True
            tl = self.grow_forward(tl, s)

    def never_opens(self, us: int, where: str) -> NoReturn:
        msg = (
            f"the calendar has no working time within 50 years {where} "
            f"{self.to_datetime(us).isoformat()} (timezone {self.calendar.timezone}); "
            "check its weekly hours, holidays and make-up days"
        )
        raise CalendarNeverOpensError(msg)


def _wall_to_instants(
    ws: int, we: int, off0: int, trans: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Return the instant ranges whose local wall-clock time lies in ``[ws, we)``."""
    if not trans:
        return [(ws - off0, we - off0)]
    out: list[tuple[int, int]] = []
    seg_start: int | None = None
    off = off0
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
    naive = _EPOCH_NAIVE + _ONE_US * us
    local = zone.fromutc(naive.replace(tzinfo=zone))
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


@attrs.frozen(kw_only=True)
class BusinessCalendar:
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
        tl = eng.ensure(us, us)
        while True:
            i = bisect_right(tl.starts, us) - 1
            if i >= 0 and us < tl.ends[i]:
                return eng.to_datetime(us, tl)
            if i + 1 < len(tl.starts) and tl.starts[i + 1] < tl.hi:
                eng.check_horizon_after(tl, us, tl.starts[i + 1])
                return eng.to_datetime(tl.starts[i + 1], tl)
            tl = eng.grow_forward(tl, us)

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
            tl = self._engine.ensure(s, e)
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
            msg = f"cannot add a negative business duration {delta!r}; use subtract()"
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
                msg = (
                    f"cannot subtract a negative business duration {delta!r}; use add()"
                )
                raise InvalidArgumentError(msg)
            return eng.to_datetime(e)
        tl = eng.ensure(e, e)
        checked = False
        while True:
            target = tl.worked(e) - d
            i = bisect_right(tl.cum, target) - 1
            if i >= 0:
                t = tl.starts[i] + target - tl.cum[i]
                if t >= tl.lo:
                    eng.check_horizon_before(tl, e, t)
                    return eng.to_datetime(t, tl)
            if not checked:
                eng.check_reach(tl, e, d, -1)
                checked = True
            tl = eng.grow_backward(tl, e)

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
        tl = eng.ensure(s, e)
        i = max(0, bisect_right(tl.starts, s) - 1)
        while i < len(tl.starts) and tl.starts[i] < e:
            a, b = max(tl.starts[i], s), min(tl.ends[i], e)
            if a < b:
                yield eng.to_datetime(a, tl), eng.to_datetime(b, tl)
            i += 1

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
            msg = f"n must be a whole number of business days, got {n!r}"
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
        while idx >= len(tl.ords):
            tl = eng.grow_forward(tl, us)
            idx = (
                bisect_right(tl.ords, today) + n - 1
                if n
                else bisect_left(tl.ords, today)
            )
        close = tl.closes[idx]
        eng.check_horizon_after(tl, us, close)
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
            tl = self._engine.ensure_years(y0, y1)
        ords = tl.ords
        if ob >= oa:
            return bisect_left(ords, ob) - bisect_left(ords, oa)
        return bisect_right(ords, ob) - bisect_right(ords, oa)

    # -- serialisation --------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-native data that [`from_dict`][] turns back into an equal calendar.

        Examples:
            >>> from servicekit.sla import BusinessCalendar, parse_hours
            >>> cal = BusinessCalendar.for_country(
            ...     "CN",
            ...     timezone="Asia/Shanghai",
            ...     weekly_hours=parse_hours("Mon-Fri 09:00-18:00"),
            ... )
            >>> cal.to_dict()["weekly_hours"]["0"]
            [['09:00', '18:00']]
            >>> BusinessCalendar.from_dict(cal.to_dict()) == cal
            True
        """
        return {
            "timezone": self.timezone,
            "weekly_hours": {
                str(i): [list(iv) for iv in day]
                for i, day in enumerate(self.weekly_hours)
                if day
            },
            "holidays": self.holidays.to_dict(),
            "workdays": sorted(d.isoformat() for d in self.workdays),
            "workday_hours": None
            if self.workday_hours is None
            else [list(iv) for iv in self.workday_hours],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Return the calendar ``to_dict`` described.

        Raises:
            DeserializationError: the data is malformed (other servicekit errors say
                which value is invalid).
        """
        if not isinstance(data, Mapping):
            msg = f"a calendar is described by a mapping, got {data!r}"  # type: ignore[unreachable]
            raise DeserializationError(msg)
        try:
            weekly = {
                k: normalise_json_day(v) for k, v in dict(data["weekly_hours"]).items()
            }
            workday_hours = data.get("workday_hours")
            holidays = data.get("holidays")
            return cls(
                timezone=data["timezone"],
                weekly_hours=weekly,
                holidays=None
                if holidays is None
                else HolidaySet.from_dict(holidays)
                if isinstance(holidays, Mapping)
                else [dt.date.fromisoformat(d) for d in holidays],
                workdays=[dt.date.fromisoformat(d) for d in data.get("workdays", [])],
                workday_hours=None
                if workday_hours is None
                else normalise_json_day(workday_hours),
            )
        except KeyError as e:
            msg = f"calendar data lacks {e.args[0]!r}: {dict(data)!r}"
            raise DeserializationError(msg) from None
        except (TypeError, ValueError, AttributeError) as e:
            if isinstance(
                e,
                (
                    InvalidHoursError | InvalidHolidayError,
                    UnknownTimezoneError | DeserializationError,
                ),
            ):
                raise
            msg = f"cannot read a calendar from {dict(data)!r}: {e}"
            raise DeserializationError(msg) from None
