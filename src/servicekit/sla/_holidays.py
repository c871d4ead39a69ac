"""Holiday sets: the dated closures (and their names) a business calendar skips.

A ``HolidaySet`` holds dates and names, either given or taken from the ``holidays``
package (a country and optional subdivision, with its categories), and, for China, the
make-up working days (调休) that package knows as ``weekend_workdays``.

Where those make-up days are announced by a government a year at a time (China's State
Council, and the other countries whose ``holidays`` class has substituted days), the
package's tables end with the last announcement it has: ``known_until`` is the last
date they cover, moved forward by the announcements a team adds as data
(``HolidayAnnouncement``, ``with_announcement``).

This module never does I/O beyond what ``holidays`` does to load its own data.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import holidays as holidays_lib

from servicekit import _codec
from servicekit._boundary import quote, said
from servicekit.errors import (
    InvalidArgumentError,
    InvalidHolidayError,
    UnknownNameError,
)
from servicekit.sla._instants import MAX_YEAR, MIN_YEAR, show

__all__ = ["HolidayAnnouncement", "HolidaySet"]


# --------------------------------------------------------------------------- holidays


def _holiday_dates(value: object, what: str) -> frozenset[dt.date]:
    items: Iterable[Any]
    if isinstance(value, Mapping):
        items = value.keys()
    elif isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"{what} must be dates (a list, set or mapping of datetime.date), got {show(value)}"
        raise InvalidHolidayError(msg)
    else:
        items = value
    out: set[dt.date] = set()
    for item in items:
        if isinstance(item, dt.datetime) or not isinstance(item, dt.date):
            msg = (
                f"{what} entry {show(item)} is not a datetime.date; give calendar days "
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
        msg = f"holiday categories must be strings, got {show(value)}"
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
        msg = f"a holiday country, market or subdivision is a code such as 'CN', got {show(value)}"
        raise InvalidHolidayError(msg)
    return value.strip()


def _to_dates(value: object) -> frozenset[dt.date]:
    return _holiday_dates(value, "holidays")


def _year(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"an announcement's year must be a whole number such as 2027, got {show(value)}"
        raise InvalidHolidayError(msg)
    if not MIN_YEAR <= value <= MAX_YEAR:
        msg = f"an announcement's year must lie in {MIN_YEAR}…{MAX_YEAR}, got {value}"
        raise InvalidHolidayError(msg)
    return value


def _announced_workdays(value: object) -> frozenset[dt.date]:
    return _holiday_dates(value, "workdays")


@_codec.value(omit_if_default=("workdays",))
@attrs.frozen(kw_only=True)
class HolidayAnnouncement(_codec.Serialisable):
    """One year's announced schedule: its holidays and its make-up working days (调休).

    The whole year's schedule as a government publishes it (China's State Council
    does so each autumn for the next year). Added to a [`HolidaySet`][], it *replaces*
    what the ``holidays`` package has or estimates for that year, and moves the set's
    ``known_until`` to the year's last day. A date may lie in the year or in one of
    its neighbours (a New Year bridge can reach back into December).

    Args:
        year: the year announced.
        holidays: its closed days (at least one).
        workdays: its make-up working days, none of them also a holiday.

    Raises:
        InvalidHolidayError: a year that is not a whole number in 1 … 9999, no
            holidays, a date that is not a ``datetime.date`` or lies more than a year
            away, or a day listed both as a holiday and as a make-up day.

    Examples:
        >>> import datetime as dt
        >>> from servicekit.sla import HolidayAnnouncement
        >>> spring = [dt.date(2026, 2, 15) + dt.timedelta(days=i) for i in range(9)]
        >>> notice = HolidayAnnouncement(
        ...     year=2026,
        ...     holidays=spring,
        ...     workdays=[dt.date(2026, 2, 14), dt.date(2026, 2, 28)],
        ... )
        >>> len(notice.holidays), sorted(notice.workdays)[0]
        (9, datetime.date(2026, 2, 14))
    """

    year: int = attrs.field(converter=_year)
    holidays: frozenset[dt.date] = attrs.field(converter=_to_dates)
    workdays: frozenset[dt.date] = attrs.field(
        default=frozenset(), converter=_announced_workdays
    )

    def __attrs_post_init__(self) -> None:
        if not self.holidays:
            msg = (
                f"the {self.year} announcement lists no holidays; it replaces the "
                "year's holidays, so give all of them"
            )
            raise InvalidHolidayError(msg)
        for what, days in (("holidays", self.holidays), ("workdays", self.workdays)):
            far = sorted(d for d in days if abs(d.year - self.year) > 1)
            if far:
                msg = (
                    f"the {self.year} announcement's {what} include {far[0].isoformat()}, "
                    "more than a year away; announce that year on its own"
                )
                raise InvalidHolidayError(msg)
        both = sorted(self.holidays & self.workdays)
        if both:
            msg = (
                f"the {self.year} announcement lists {both[0].isoformat()} both as a "
                "holiday and as a make-up working day; it is one or the other"
            )
            raise InvalidHolidayError(msg)


def _announcements(value: object) -> tuple[HolidayAnnouncement, ...]:
    if isinstance(value, HolidayAnnouncement):
        value = (value,)
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        msg = f"announcements must be a list of HolidayAnnouncement, got {show(value)}"
        raise InvalidHolidayError(msg)
    items = list(value)
    seen: set[int] = set()
    for item in items:
        if not isinstance(item, HolidayAnnouncement):
            msg = f"announcements entry {show(item)} is not a HolidayAnnouncement"
            raise InvalidHolidayError(msg)
        if item.year in seen:
            msg = (
                f"two announcements for {item.year}; give one per year (with_announcement "
                "replaces a year announced before)"
            )
            raise InvalidHolidayError(msg)
        seen.add(item.year)
    return tuple(sorted(items, key=lambda a: a.year))


def _announced_until(source: holidays_lib.HolidayBase) -> int | None:
    """The last year of a ``holidays`` object's announced special days, if it has any.

    Only entities whose special-day tables move working days (``has_substituted_
    holidays``: China's 调休, and the other countries whose governments announce
    transfers yearly) have a horizon: their tables stop at the last announcement the
    package has. The others' rules hold for every year (a one-off special day can
    still be announced, but nothing is missing by default), so they have none.
    """
    if not getattr(source, "has_substituted_holidays", False):
        return None
    years = [
        year
        for name in dir(source)
        if name.startswith("special_")
        and isinstance(table := getattr(source, name, None), dict)
        for year in table
        if isinstance(year, int)
    ]
    return max(years, default=None)


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


@_codec.value(omit_if_default=("announcements", "strict"), skip=("source",))
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
    announcements: tuple[HolidayAnnouncement, ...] = attrs.field(
        default=(), converter=_announcements
    )
    strict: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool)
    )
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
    # The last year of the package's announced special days (None: no horizon), read
    # once from its tables: a function of the fields above, so never compared.
    _package_until: int | None = attrs.field(
        init=False, repr=False, eq=False, hash=False, default=None
    )
    _announced: dict[int, HolidayAnnouncement] = attrs.field(
        init=False, repr=False, eq=False, hash=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        codes = [x for x in (self.country, self.market, self.source) if x is not None]
        if len(codes) > 1:
            msg = "a HolidaySet takes one source: a country, a market or a holidays object"
            raise InvalidHolidayError(msg)
        if self.source is not None:
            if not isinstance(self.source, holidays_lib.HolidayBase):
                msg = f"source must be a holidays.HolidayBase, got {show(self.source)}"  # type: ignore[unreachable]
                raise InvalidHolidayError(msg)
            object.__setattr__(self, "_source_id", _source_key(self.source))
            # A private copy: populating years must never touch the caller's object.
            object.__setattr__(self, "source", copy.deepcopy(self.source))
        elif self.country is not None or self.market is not None:
            self._instance(None)  # unknown codes fail here, at construction
        self._derive()

    def _derive(self) -> None:
        """Fill the private fields that follow from the public ones."""
        object.__setattr__(self, "_announced", {a.year: a for a in self.announcements})
        until = None
        if self.source is not None:
            until = _announced_until(self.source)
        elif self.country is not None or self.market is not None:
            until = _announced_until(self._instance(None))
        object.__setattr__(self, "_package_until", until)

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
        self._derive()

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
            raise UnknownNameError(
                msg,
                message=said(
                    "error.holidays.no_calendar",
                    kind="country" if self.country is not None else "market",
                    which=quote(self.country or self.market),
                )
                if self.subdiv is None
                else said(
                    "error.holidays.no_calendar.subdiv",
                    kind="country" if self.country is not None else "market",
                    which=quote(self.country or self.market),
                    subdiv=quote(self.subdiv),
                ),
            ) from None
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
        for y in (year - 1, year, year + 1):
            notice = self._announced.get(y)
            if notice is not None:
                own.update(d for d in notice.holidays if d.year == year)
        if self.country is None and self.market is None and self.source is None:
            return frozenset(own)
        if year not in self._announced:  # an announcement replaces the package's year
            # Observed days can fall in a neighbouring year's population.
            for y in (year - 1, year, year + 1):
                if MIN_YEAR - 1 <= y <= MAX_YEAR + 1:
                    own.update(d for d in self._population(y)[0] if d.year == year)
        return frozenset(own - self.removed)

    def workdays_in(self, year: int) -> frozenset[dt.date]:
        """Return the make-up working days (``weekend_workdays``) of ``year``.

        Examples:
            >>> from servicekit.sla import HolidaySet
            >>> sorted(HolidaySet(country="CN").workdays_in(2025))[:2]
            [datetime.date(2025, 1, 26), datetime.date(2025, 2, 8)]
        """
        own: set[dt.date] = set()
        for y in (year - 1, year, year + 1):
            notice = self._announced.get(y)
            if notice is not None:
                own.update(d for d in notice.workdays if d.year == year)
        if (
            self.country is None and self.market is None and self.source is None
        ) or year in self._announced:
            return frozenset(own)
        return self._population(year)[1] | own

    @property
    def known_until(self) -> dt.date | None:
        """The last date the set's announced holidays and make-up days cover, if any.

        For a country whose ``holidays`` class moves working days by announcement
        (China's 调休; see [`HolidayDataWarning`][servicekit.errors.HolidayDataWarning]),
        the 31 December of the last year in its special-day tables, moved forward
        year by year by consecutive [`HolidayAnnouncement`][]s. A set of plain dates
        with announcements: the end of the run of consecutive announced years from
        the first. Otherwise None: the rules (or the dates given) hold for every year.

        Examples:
            >>> from servicekit.sla import HolidaySet
            >>> HolidaySet(country="CN").known_until
            datetime.date(2026, 12, 31)
            >>> HolidaySet(country="US").known_until is None
            True
        """
        known = self._announced
        year = self._package_until
        if year is None:
            if self.country is not None or self.market is not None:
                return None
            if self.source is not None or not known:
                return None
            year = min(known)
        while year + 1 in known:
            year += 1
        return dt.date(year, 12, 31)

    def with_announcement(
        self,
        year: int,
        *,
        holidays: Iterable[dt.date],
        workdays: Iterable[dt.date] = (),
    ) -> HolidaySet:
        """Return this set with ``year``'s announced schedule added (or corrected).

        The announcement replaces what the ``holidays`` package has or estimates for
        that year (a second announcement of one year replaces the first), and
        ``known_until`` moves to its 31 December when the year follows the data.

        Raises:
            InvalidHolidayError: see [`HolidayAnnouncement`][].

        Examples:
            >>> import datetime as dt
            >>> from servicekit.sla import HolidaySet
            >>> hs = HolidaySet().with_announcement(
            ...     2026,
            ...     holidays=[dt.date(2026, 1, 1), dt.date(2026, 1, 2)],
            ...     workdays=[dt.date(2026, 1, 4)],
            ... )
            >>> hs.known_until, sorted(hs.workdays_in(2026))
            (datetime.date(2026, 12, 31), [datetime.date(2026, 1, 4)])
        """
        notice = HolidayAnnouncement(year=year, holidays=holidays, workdays=workdays)
        others = [a for a in self.announcements if a.year != notice.year]
        out = attrs.evolve(self, announcements=(*others, notice))
        # The private source copy has grown with use: keep what it was when given.
        object.__setattr__(out, "_source_id", self._source_id)
        return out

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


def to_holiday_set(value: object) -> HolidaySet:
    if value is None:
        return HolidaySet()
    if isinstance(value, HolidaySet):
        return value
    if isinstance(value, holidays_lib.HolidayBase):
        return HolidaySet.from_holidays(value)
    return HolidaySet(dates=_holiday_dates(value, "holidays"))


def to_workdays(value: object) -> frozenset[dt.date]:
    return _holiday_dates(() if value is None else value, "workdays")
