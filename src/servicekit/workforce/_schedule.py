"""Rosters as schedules: which named agent works which shift, and who is on duty when.

A [`Roster`][servicekit.workforce.Roster] is a list of
[`RosterShift`][servicekit.workforce.RosterShift]s (one agent on one shift, with its
breaks). It answers who is on duty at an instant and marks routing
[`Agent`][servicekit.routing.Agent]s available or not accordingly, so the router is
given only the people on duty. This module must never read a clock: "now" is always
a parameter.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable

import attrs

from servicekit import _codec
from servicekit.errors import InvalidArgumentError
from servicekit.routing import Agent
from servicekit.routing import _values as v
from servicekit.workforce._shifts_milp import SolveStatus

__all__ = ["Roster", "RosterShift"]

_Stretch = tuple[dt.datetime, dt.datetime]


def _agent(value: object) -> str:
    return v.check_id(value, "RosterShift.agent", "'A-7'")


def _template(value: object) -> str:
    return v.check_id(value, "RosterShift.template", "'early'")


def _start(value: object) -> dt.datetime:
    return v.aware(value, "RosterShift.start")


def _end(value: object) -> dt.datetime:
    return v.aware(value, "RosterShift.end")


def _breaks(value: object) -> tuple[_Stretch, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = (
            f"RosterShift.breaks must be a list of (start, end) instants; got {value!r}"
        )
        raise InvalidArgumentError(msg)
    out = []
    for i, pair in enumerate(value):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            msg = f"RosterShift.breaks[{i}] must be a (start, end) pair of instants; got {pair!r}"
            raise InvalidArgumentError(msg)
        a = v.aware(pair[0], f"RosterShift.breaks[{i}][0]")
        b = v.aware(pair[1], f"RosterShift.breaks[{i}][1]")
        out.append((a, b))
    return tuple(out)


@_codec.value(omit_if_default=("breaks",))
@attrs.frozen(kw_only=True)
class RosterShift(_codec.Serialisable):
    """One named agent on one shift: when it starts, ends, and its breaks.

    Args:
        agent: The agent's id (as in routing).
        template: The shift template's name.
        day: The date the shift starts on (its template's date).
        start: When it starts.
        end: When it ends (after ``start``).
        breaks: ``(start, end)`` of each break, inside the shift; off duty then.

    Raises:
        InvalidArgumentError: ``end`` not after ``start``, or a break outside the
            shift.

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.workforce import RosterShift
        >>> at = pendulum.datetime(2025, 10, 1, 8, tz="Asia/Urumqi")
        >>> s = RosterShift(
        ...     agent="A-7",
        ...     template="early",
        ...     day=at.date(),
        ...     start=at,
        ...     end=at.add(hours=8),
        ...     breaks=[(at.add(hours=4), at.add(hours=5))],
        ... )
        >>> (
        ...     s.on_duty(at.add(hours=3)),
        ...     s.on_duty(at.add(hours=4)),
        ...     s.on_duty(at.add(hours=8)),
        ... )
        (True, False, False)
        >>> s.paid_time
        datetime.timedelta(seconds=25200)
    """

    agent: str = attrs.field(converter=_agent)
    template: str = attrs.field(converter=_template)
    day: dt.date = attrs.field()
    start: dt.datetime = attrs.field(converter=_start)
    end: dt.datetime = attrs.field(converter=_end)
    breaks: tuple[tuple[dt.datetime, dt.datetime], ...] = attrs.field(
        default=(), converter=_breaks
    )

    @day.validator
    def _check_day(self, _attribute: object, value: object) -> None:
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            msg = f"RosterShift.day must be a datetime.date; got {value!r}"
            raise InvalidArgumentError(msg)

    def __attrs_post_init__(self) -> None:
        s, e = v.micros(self.start), v.micros(self.end)
        if e <= s:
            msg = f"RosterShift.end ({self.end.isoformat()}) must be after start ({self.start.isoformat()})"
            raise InvalidArgumentError(msg)
        for i, (a, b) in enumerate(self.breaks):
            if not s <= v.micros(a) < v.micros(b) <= e:
                msg = (
                    f"RosterShift.breaks[{i}] ({a.isoformat()} to {b.isoformat()}) must "
                    "lie inside the shift and end after it starts"
                )
                raise InvalidArgumentError(msg)

    def stretches_us(self) -> list[tuple[int, int]]:
        """The on-duty stretches, in microseconds (internal to rosters)."""
        out = []
        at = v.micros(self.start)
        for a, b in sorted((v.micros(a), v.micros(b)) for a, b in self.breaks):
            if a > at:
                out.append((at, a))
            at = max(at, b)
        end = v.micros(self.end)
        if end > at:
            out.append((at, end))
        return out

    @property
    def paid_time(self) -> dt.timedelta:
        """From start to end, breaks excluded."""
        return dt.timedelta(microseconds=sum(b - a for a, b in self.stretches_us()))

    def on_duty(self, at: dt.datetime) -> bool:
        """Return whether the agent is on this shift and not on a break at ``at``."""
        us = v.micros(v.aware(at, "at"))
        return any(a <= us < b for a, b in self.stretches_us())


def _shifts(value: object) -> tuple[RosterShift, ...]:
    shifts = v.items_of(RosterShift, value, "Roster.shifts")
    return tuple(sorted(shifts, key=lambda s: (v.micros(s.start), s.agent, s.template)))


def _status(value: object) -> SolveStatus:
    return v.enum_member(SolveStatus, value, "Roster.status")  # type: ignore[no-any-return]


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class Roster(_codec.Serialisable):
    """Named agents on shifts: the schedule routing reads who is on duty from.

    Built by [`build_roster`][servicekit.workforce.build_roster], or by a CRM from its
    own rota. Shifts are kept in order of start, then agent.

    Args:
        shifts: One entry per agent per shift.
        status: ``OPTIMAL``, or ``TIME_LIMIT`` when the solver stopped early.

    Examples:
        >>> import pendulum
        >>> from servicekit.routing import Agent
        >>> from servicekit.workforce import Roster, RosterShift
        >>> at = pendulum.datetime(2025, 10, 1, 8, tz="Asia/Urumqi")
        >>> roster = Roster(
        ...     shifts=[
        ...         RosterShift(
        ...             agent="A",
        ...             template="day",
        ...             day=at.date(),
        ...             start=at,
        ...             end=at.add(hours=8),
        ...         ),
        ...         RosterShift(
        ...             agent="B",
        ...             template="late",
        ...             day=at.date(),
        ...             start=at.add(hours=6),
        ...             end=at.add(hours=14),
        ...         ),
        ...     ]
        ... )
        >>> roster.on_duty(at.add(hours=7))
        ('A', 'B')
        >>> [
        ...     (a.id, a.available)
        ...     for a in roster.agents_at(
        ...         at.add(hours=9), [Agent(id="A"), Agent(id="B")]
        ...     )
        ... ]
        [('A', False), ('B', True)]
    """

    shifts: tuple[RosterShift, ...] = attrs.field(converter=_shifts)
    status: SolveStatus = attrs.field(default=SolveStatus.OPTIMAL, converter=_status)
    _starts: tuple[int, ...] = attrs.field(init=False, eq=False, hash=False, repr=False)
    _stretches: tuple[tuple[int, int, str], ...] = attrs.field(
        init=False, eq=False, hash=False, repr=False
    )
    _longest: int = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        stretches = sorted(
            (a, b, s.agent) for s in self.shifts for a, b in s.stretches_us()
        )
        object.__setattr__(self, "_stretches", tuple(stretches))
        object.__setattr__(self, "_starts", tuple(a for a, _, _ in stretches))
        object.__setattr__(
            self, "_longest", max((b - a for a, b, _ in stretches), default=0)
        )

    @property
    def agents(self) -> tuple[str, ...]:
        """Every agent on the roster, in order of id."""
        return tuple(sorted({s.agent for s in self.shifts}))

    def shifts_of(self, agent: str) -> tuple[RosterShift, ...]:
        """Return ``agent``'s shifts in order of start.

        Examples:
            >>> import pendulum
            >>> from servicekit.workforce import Roster, RosterShift
            >>> at = pendulum.datetime(2025, 1, 6, 9, tz="UTC")
            >>> r = Roster(
            ...     shifts=[
            ...         RosterShift(
            ...             agent="A",
            ...             template="d",
            ...             day=at.date(),
            ...             start=at,
            ...             end=at.add(hours=8),
            ...         )
            ...     ]
            ... )
            >>> [s.template for s in r.shifts_of("A")], r.shifts_of("B")
            (['d'], ())
        """
        return tuple(s for s in self.shifts if s.agent == agent)

    def on_duty(self, at: dt.datetime) -> tuple[str, ...]:
        """Return the ids of the agents on duty at ``at`` (on a shift, not on a break).

        Args:
            at: The instant (aware).

        Returns:
            Agent ids in order.

        Raises:
            NaiveDatetimeError: ``at`` has no time zone.

        Examples:
            >>> import pendulum
            >>> from servicekit.workforce import Roster, RosterShift
            >>> at = pendulum.datetime(2025, 1, 6, 22, tz="Asia/Shanghai")
            >>> night = RosterShift(
            ...     agent="N",
            ...     template="night",
            ...     day=at.date(),
            ...     start=at,
            ...     end=at.add(hours=9),
            ... )
            >>> Roster(shifts=[night]).on_duty(at.add(hours=8, minutes=59))
            ('N',)
        """
        us = v.micros(v.aware(at, "at"))
        hi = bisect_right(self._starts, us)
        found = set()
        i = hi - 1
        while i >= 0 and self._stretches[i][0] > us - self._longest - 1:
            a, b, agent = self._stretches[i]
            if a <= us < b:
                found.add(agent)
            i -= 1
        return tuple(sorted(found))

    def agents_at(self, at: dt.datetime, agents: Iterable[Agent]) -> tuple[Agent, ...]:
        """Return ``agents`` with ``available`` set to whether each is on duty at ``at``.

        An agent is available when it is on duty and was available as given (an
        agent the CRM marks unavailable, say logged off, stays so); an agent not on
        the roster is off duty. Hand the result to the router.

        Args:
            at: The instant (aware).
            agents: Routing agents, matched to the roster by id.

        Returns:
            The agents, in the order given.

        Examples:
            >>> import pendulum
            >>> from servicekit.routing import Agent, Router, Ticket
            >>> from servicekit.workforce import Roster, RosterShift
            >>> now = pendulum.datetime(2025, 1, 6, 10, tz="Asia/Shanghai")
            >>> roster = Roster(
            ...     shifts=[
            ...         RosterShift(
            ...             agent="B",
            ...             template="day",
            ...             day=now.date(),
            ...             start=now.subtract(hours=1),
            ...             end=now.add(hours=7),
            ...         )
            ...     ]
            ... )
            >>> staff = [Agent(id=i, capacity={"chat": 2}) for i in ("A", "B")]
            >>> ticket = Ticket(
            ...     id="T",
            ...     created_at=now,
            ...     priority="normal",
            ...     tier="ordinary",
            ...     channel="chat",
            ... )
            >>> Router.default().route(
            ...     ticket, roster.agents_at(now, staff), now
            ... ).agent_id
            'B'
        """
        on = set(self.on_duty(at))
        out = []
        for agent in agents:
            available = agent.available and agent.id in on
            out.append(
                agent
                if agent.available == available
                else attrs.evolve(agent, available=available)
            )
        return tuple(out)
