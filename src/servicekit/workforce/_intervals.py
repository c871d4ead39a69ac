"""Agents needed per interval of a forecast, over a business calendar.

A forecast is a volume per interval (15, 30 or 60 minutes, or any length that divides
a day) from a start instant. Each interval is staffed as its own stationary queue
([`required_agents`][servicekit.workforce.required_agents] at that interval's arrival
rate); an interval when the calendar is closed needs nobody, and the volume forecast
for closed time is reported beside the requirements, never dropped. Holidays and
make-up working days (调休) are the calendar's. The result is the input of a shift
scheduler: a start, an interval length and a count per interval.

This module must never read a clock or do I/O.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Final

import attrs
import pendulum

from servicekit import _codec
from servicekit.errors import InvalidArgumentError, InvalidTypeError, NaiveDatetimeError
from servicekit.sla import BusinessCalendar
from servicekit.workforce import _checks as c
from servicekit.workforce._staffing import (
    StaffingPlan,
    required_agents,
    scheduled_for,
)

__all__ = ["IntervalRequirements", "interval_requirements", "spread_volume"]

_DAY: Final = dt.timedelta(days=1)
_MINUTE: Final = dt.timedelta(minutes=1)
_MINUTES_A_DAY: Final = 1440
# The handling time the staffing inputs are checked with when a forecast is empty.
_PROBE_AHT: Final = dt.timedelta(minutes=1)
# A forecast longer than this many intervals (a year of 15-minute ones is 35,040) is
# almost certainly a unit mistake; planning it would take minutes.
_MAX_INTERVALS: Final = 100_000


def _interval(value: object, what: str = "interval") -> dt.timedelta:
    # Whole minutes, as the shift planner reads requirements: a value made here is
    # always one it can plan.
    length = c.duration(value, what, positive=True)
    if _DAY % length or length % _MINUTE:
        msg = (
            f"{what} must be whole minutes that divide a day evenly, such as 15, 30 "
            f"or 60 minutes; got {length}"
        )
        raise InvalidArgumentError(msg)
    return length


def _aware(value: object, what: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        msg = f"{what} must be a timezone-aware datetime; got {value!r}"
        raise InvalidTypeError(msg)
    if value.utcoffset() is None:
        msg = (
            f"{what} {value.isoformat()} is naive; give an aware datetime, such as "
            "pendulum.datetime(2025, 1, 24, 9, tz='Asia/Shanghai')"
        )
        raise NaiveDatetimeError(msg)
    return value


def _volumes(value: object, what: str) -> tuple[float, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        msg = f"{what} must be a sequence of numbers (contacts per interval); got {value!r}"
        raise InvalidTypeError(msg)
    if len(value) > _MAX_INTERVALS:
        msg = f"{what} holds {len(value):,} intervals, more than {_MAX_INTERVALS:,}; plan a shorter horizon"
        raise InvalidArgumentError(msg)
    return tuple(
        c.number(v, f"{what}[{i}]", "contacts in the interval")
        for i, v in enumerate(value)
    )


def _counts(value: object, what: str) -> tuple[int, ...]:
    if not isinstance(value, Sequence):  # pragma: no cover - the codec reads arrays
        msg = f"IntervalRequirements.{what} must be a sequence of counts; got {value!r}"
        raise InvalidTypeError(msg)
    return tuple(
        c.agents(v, f"IntervalRequirements.{what}[{i}]") for i, v in enumerate(value)
    )


def _agents_field(value: object) -> tuple[int, ...]:
    return _counts(value, "agents")


def _scheduled_field(value: object) -> tuple[int, ...]:
    return _counts(value, "scheduled_agents")


def _volumes_field(value: object) -> tuple[float, ...]:
    return _volumes(value, "IntervalRequirements.volumes")


def _closed_field(value: object) -> tuple[float, ...]:
    return _volumes(value, "IntervalRequirements.closed_volumes")


def _shares_field(value: object) -> tuple[float, ...]:
    if not isinstance(value, Sequence):  # pragma: no cover - the codec reads arrays
        msg = f"IntervalRequirements.open_shares must be a sequence; got {value!r}"
        raise InvalidTypeError(msg)
    return tuple(
        c.share(v, f"IntervalRequirements.open_shares[{i}]")
        for i, v in enumerate(value)
    )


def _start_field(value: object) -> dt.datetime:
    return _aware(value, "IntervalRequirements.start")


def _interval_field(value: object) -> dt.timedelta:
    return _interval(value, "IntervalRequirements.interval")


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class IntervalRequirements(_codec.Serialisable):
    """Agents needed in each interval of a forecast, and the volume that finds it closed.

    Interval ``i`` covers ``[start + i·interval, start + (i+1)·interval)`` (elapsed
    time, so a day with a daylight-saving change has one interval more or fewer of
    wall clock, never a gap). A shift scheduler takes ``start``, ``interval`` and
    ``required`` (``scheduled_agents``; or ``agents`` if it plans shrinkage itself).

    Args:
        start: The first interval's start (in the calendar's zone when computed).
        interval: The length of every interval: whole minutes that divide a day.
        volumes: The forecast: contacts expected in each interval.
        open_shares: Share of each interval that is the calendar's working time
            (0 closed, 1 open all through; between for an interval the opening or
            closing falls inside).
        agents: Agents needed on the queue at once in each interval (0 when closed).
        scheduled_agents: ``agents`` with shrinkage allowed for: the head count each
            interval needs on shift.
        closed_volumes: Contacts forecast for the closed part of each interval:
            ``volume × (1 - open share)``. They are not planned for (nobody is on
            duty) but reported, so a forecast that expects contacts at night shows.

    Raises:
        InvalidArgumentError: sequences of different lengths, an interval that does
            not divide a day, or a count, share or volume out of range.

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.sla import BusinessCalendar, parse_hours
        >>> from servicekit.workforce import IntervalRequirements, interval_requirements
        >>> desk = BusinessCalendar(
        ...     timezone="Asia/Shanghai",
        ...     weekly_hours=parse_hours("Mon-Fri 09:00-18:00"),
        ... )
        >>> need = interval_requirements(
        ...     forecast=[10, 40, 60],
        ...     start=pendulum.datetime(2025, 3, 3, 8, tz="Asia/Shanghai"),
        ...     interval=dt.timedelta(hours=1),
        ...     calendar=desk,
        ...     aht=dt.timedelta(minutes=5),
        ...     target_answer=dt.timedelta(seconds=20),
        ... )
        >>> need.agents, need.closed_volume
        ((0, 6, 8), 10.0)
        >>> IntervalRequirements.from_dict(need.to_dict()) == need
        True
    """

    start: dt.datetime = attrs.field(converter=_start_field)
    interval: dt.timedelta = attrs.field(converter=_interval_field)
    volumes: tuple[float, ...] = attrs.field(converter=_volumes_field)
    open_shares: tuple[float, ...] = attrs.field(converter=_shares_field)
    agents: tuple[int, ...] = attrs.field(converter=_agents_field)
    scheduled_agents: tuple[int, ...] = attrs.field(converter=_scheduled_field)
    closed_volumes: tuple[float, ...] = attrs.field(converter=_closed_field)

    def __attrs_post_init__(self) -> None:
        n = len(self.volumes)
        for name in ("open_shares", "agents", "scheduled_agents", "closed_volumes"):
            if len(getattr(self, name)) != n:
                msg = (
                    f"IntervalRequirements.{name} holds {len(getattr(self, name))} "
                    f"intervals but volumes holds {n}; give one value per interval"
                )
                raise InvalidArgumentError(msg)

    def __len__(self) -> int:
        return len(self.volumes)

    def _at(self, index: int) -> pendulum.DateTime:
        # Elapsed time, in UTC: pendulum adds whole days on the wall clock.
        first = pendulum.instance(self.start)
        utc = first.in_timezone("UTC") + self.interval * index
        return utc.in_timezone(first.timezone)  # type: ignore[arg-type]

    @property
    def starts(self) -> tuple[pendulum.DateTime, ...]:
        """Each interval's start, in the zone of ``start``."""
        return tuple(self._at(i) for i in range(len(self.volumes)))

    @property
    def end(self) -> pendulum.DateTime:
        """The end of the last interval."""
        return self._at(len(self.volumes))

    @property
    def closed_volume(self) -> float:
        """All the volume forecast for closed time (the sum of ``closed_volumes``)."""
        return math.fsum(self.closed_volumes)

    @property
    def closed_intervals(self) -> tuple[tuple[pendulum.DateTime, float], ...]:
        """Each interval with volume forecast for closed time: (its start, that volume)."""
        return tuple(
            (at, v) for at, v in zip(self.starts, self.closed_volumes, strict=True) if v
        )

    @property
    def required(self) -> tuple[int, ...]:
        """The counts a shift planner covers: ``scheduled_agents``.

        With ``start`` and ``interval``, this is all a shift scheduler reads, so the
        value can be handed to one as it is.
        """
        return self.scheduled_agents

    @property
    def staffed_time(self) -> dt.timedelta:
        """Person-time on shift the plan needs: ``Σ scheduled_agents × interval``.

        Divided by a working week (``timedelta(hours=40)``), the full-time
        equivalents the forecast calls for.
        """
        return self.interval * sum(self.scheduled_agents)

    @property
    def peak_agents(self) -> int:
        """The most agents any interval needs on shift (0 for an empty forecast)."""
        return max(self.scheduled_agents, default=0)


def spread_volume(
    volume: float | Sequence[float], *, profile: Sequence[float]
) -> tuple[float, ...]:
    """Spread a daily volume over the intervals of a day by an intraday profile.

    The profile gives each interval of a day a weight (96 of them for 15-minute
    intervals, 48 for 30, 24 for hours; any count that divides a day into whole
    minutes); each interval
    gets ``volume × weight / sum of weights``. Several daily volumes give several
    days, one after the other: a forecast for [`interval_requirements`][].

    Args:
        volume: Contacts in a day, or a sequence of them (one per day).
        profile: A weight per interval of the day (shares, percentages or past
            counts; only their proportions matter).

    Returns:
        The volume of each interval, day after day.

    Raises:
        InvalidArgumentError: a negative or non-finite volume or weight, a profile
            of no weight at all, or one whose length does not divide a day.
        InvalidTypeError: volumes or weights that are not numbers.

    Examples:
        >>> from servicekit.workforce import spread_volume
        >>> spread_volume(1200, profile=[0] * 9 + [1, 2, 3, 2, 1, 2, 3, 2, 1] + [0] * 6)
        (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 70.58823529411765, ...)
        >>> len(spread_volume([1200, 800], profile=[1] * 48))
        96
    """
    weights = _volumes(profile, "profile")
    if not weights or _MINUTES_A_DAY % len(weights):
        msg = (
            "profile must hold one weight per interval of a day (96, 48 or 24, for "
            "example: a count that divides a day into whole minutes); got "
            f"{len(weights)}"
        )
        raise InvalidArgumentError(msg)
    total = math.fsum(weights)
    if total == 0:
        msg = "profile must give some interval a weight above zero"
        raise InvalidArgumentError(msg)
    days = _volumes([volume] if not isinstance(volume, Sequence) else volume, "volume")
    shares = [w / total for w in weights]
    return tuple(day * share for day in days for share in shares)


def _handling_times(value: object, count: int) -> tuple[dt.timedelta, ...]:
    """One AHT per interval: the one given for all, or one each."""
    if isinstance(value, dt.timedelta):
        return (c.duration(value, "aht", positive=True),) * count
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        msg = (
            "aht must be a timedelta, or a sequence of them (one per interval); "
            f"got {value!r}"
        )
        raise InvalidTypeError(msg)
    if len(value) != count:
        msg = f"aht holds {len(value)} handling times but forecast holds {count} intervals; give one per interval"
        raise InvalidArgumentError(msg)
    return tuple(
        c.duration(each, f"aht[{i}]", positive=True) for i, each in enumerate(value)
    )


def _aligned(
    start: dt.datetime, interval: dt.timedelta, zone: str
) -> pendulum.DateTime:
    local = pendulum.instance(start).in_timezone(zone)
    since_midnight = dt.timedelta(
        hours=local.hour,
        minutes=local.minute,
        seconds=local.second,
        microseconds=local.microsecond,
    )
    if since_midnight % interval:
        msg = (
            f"start {local.isoformat()} does not begin an interval of {interval} on "
            f"the {zone} clock; start at a whole interval, such as {local.start_of('day').isoformat()}"
        )
        raise InvalidArgumentError(msg)
    return local


def interval_requirements(
    *,
    forecast: Sequence[float],
    start: dt.datetime,
    interval: dt.timedelta,
    calendar: BusinessCalendar,
    aht: dt.timedelta | Sequence[dt.timedelta],
    target_answer: dt.timedelta,
    service_level: float | None = None,
    answer_rate: float | None = None,
    patience: dt.timedelta | None = None,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
    minimum_agents: int = 0,
) -> IntervalRequirements:
    """Return the agents each interval of a forecast needs, over a business calendar.

    Interval ``i`` starts at ``start + i·interval``. Its open share is the calendar's
    working time within it over its length; contacts are taken to arrive evenly
    through it, so the open part is staffed for the interval's arrival rate
    (``forecast[i]`` per ``interval``) by [`required_agents`][] with the targets
    given (Erlang A with ``patience``, else Erlang C), at least ``minimum_agents``,
    and the closed part's share of the volume is reported in ``closed_volumes``.
    An interval with no working time needs nobody.

    Args:
        forecast: Contacts expected in each interval (see [`spread_volume`][]).
        start: The first interval's start; it must begin an interval on the
            calendar's clock (09:00 or 09:30 for 30-minute intervals, not 09:10).
        interval: The intervals' length: whole minutes that divide a day (15, 30,
            60 minutes).
        calendar: When the desk is open: weekly hours, holidays, make-up days.
        aht: Average handling time, or one per interval (handling times that
            change through the day: longer calls in the evening, say).
        target_answer: The service level's answer-time target.
        service_level: Target share answered within ``target_answer`` (see
            [`required_agents`][]).
        answer_rate: Target share answered at all (needs ``patience``).
        patience: Callers' mean patience; given, the model is Erlang A.
        max_occupancy: Cap on agents' busy share, in (0, 1].
        shrinkage: Share of paid time off the queue, for ``scheduled_agents``.
        minimum_agents: Agents on the queue whenever the desk is open, however
            quiet (0 by default: an open interval with no volume needs nobody).

    Returns:
        The [`IntervalRequirements`][].

    Raises:
        InvalidArgumentError: an interval that is not whole minutes dividing a day, a start off
            the intervals' grid, a negative or non-finite volume (named by its
            index), or any staffing input out of range.
        NaiveDatetimeError: a ``start`` without a time zone.
        InvalidTypeError: inputs of the wrong type.

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.sla import BusinessCalendar, parse_hours
        >>> from servicekit.workforce import interval_requirements
        >>> desk = BusinessCalendar(
        ...     timezone="Asia/Shanghai",
        ...     weekly_hours=parse_hours("Mon-Fri 09:00-12:00,13:30-18:00"),
        ... )
        >>> need = interval_requirements(
        ...     forecast=[50, 50, 50, 50],
        ...     start=pendulum.datetime(2025, 3, 3, 11, tz="Asia/Shanghai"),
        ...     interval=dt.timedelta(minutes=30),
        ...     calendar=desk,
        ...     aht=dt.timedelta(minutes=5),
        ...     target_answer=dt.timedelta(seconds=20),
        ... )
        >>> need.agents, need.closed_volumes  # lunch is 12:00-13:30
        ((12, 12, 0, 0), (0.0, 0.0, 50.0, 50.0))
    """
    length = _interval(interval)
    given: object = calendar  # typed, but callers are not always
    if not isinstance(given, BusinessCalendar):
        msg = f"calendar must be a servicekit.sla.BusinessCalendar; got {calendar!r}"
        raise InvalidTypeError(msg)
    first = _aligned(_aware(start, "start"), length, calendar.timezone)
    volumes = _volumes(forecast, "forecast")
    floor = c.agents(minimum_agents, "minimum_agents")
    handling = _handling_times(aht, len(volumes))
    targets = {
        "target_answer": target_answer,
        "service_level": service_level,
        "answer_rate": answer_rate,
        "patience": patience,
        "max_occupancy": max_occupancy,
        "shrinkage": shrinkage,
    }
    # Check every staffing input once, before any interval, even with no volume.
    for each in dict.fromkeys(handling) or (_PROBE_AHT,):
        required_agents(volume=0, period=length, aht=each, **targets)  # type: ignore[arg-type]
    shrink = 0.0 if shrinkage == 0 else float(shrinkage)
    # Forecasts repeat (a profile day after day): plan each (volume, AHT) once.
    plans: dict[tuple[float, dt.timedelta], StaffingPlan] = {}
    shares: list[float] = []
    agents: list[int] = []
    scheduled: list[int] = []
    closed: list[float] = []
    # Elapsed time, in UTC: pendulum adds whole days on the wall clock.
    at = first.in_timezone("UTC")
    for volume, handle in zip(volumes, handling, strict=True):
        end = at + length
        share = calendar.between(at, end) / length
        shares.append(share)
        closed.append(volume * (1.0 - share))
        if share > 0.0:
            plan = plans.get((volume, handle))
            if plan is None:
                plan = plans[volume, handle] = required_agents(
                    volume=volume,
                    period=length,
                    aht=handle,
                    **targets,  # type: ignore[arg-type]
                )
            on_queue = max(plan.agents, floor)
            agents.append(on_queue)
            scheduled.append(
                plan.scheduled_agents
                if on_queue == plan.agents
                else scheduled_for(on_queue, shrink)
            )
        else:
            agents.append(0)
            scheduled.append(0)
        at = end
    return IntervalRequirements(
        start=first,
        interval=length,
        volumes=volumes,
        open_shares=tuple(shares),
        agents=tuple(agents),
        scheduled_agents=tuple(scheduled),
        closed_volumes=tuple(closed),
    )
