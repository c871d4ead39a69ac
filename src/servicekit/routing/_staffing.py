"""Erlang C staffing: how many agents a queue needs to answer on time.

The M/M/N queue (Poisson arrivals, exponential handling times, N agents, callers who
wait). Probabilities come from the Erlang B recursion
``B(0) = 1, B(n) = A·B(n-1) / (n + A·B(n-1))``, which stays within [0, 1] at every
step, so thousands of agents work where factorials and powers would overflow. This
module must never use randomness, read a clock, or loop without a bound.
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

import attrs

from servicekit import _codec
from servicekit.errors import InvalidArgumentError, InvalidTypeError
from servicekit.routing import _values as v

__all__ = [
    "StaffingPlan",
    "average_speed_of_answer",
    "erlang_b",
    "erlang_c",
    "occupancy",
    "offered_traffic",
    "required_agents",
    "service_level",
]

# A search this far past the traffic means the target is unreachable in floating point.
_SEARCH_LIMIT = 1_000_000
# The Erlang B recursion takes one step per agent up to the traffic. A million Erlangs
# (a million agents busy at once) is far beyond any contact centre, still answers in
# well under a second, and keeps a mistyped volume from running for hours.
_MAX_TRAFFIC = 1_000_000.0


def _agents(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"agents must be a whole number, zero or more; got {value!r}"
        raise InvalidArgumentError(msg)
    return value


def _number(value: object, what: str, meaning: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{what} must be a number ({meaning}); got {value!r}"
        raise InvalidTypeError(msg)
    number = float(value)
    if not math.isfinite(number) or number < 0:
        msg = f"{what} must be finite and zero or more; got {value!r}"
        raise InvalidArgumentError(msg)
    return number


def _traffic(value: object) -> float:
    a = _number(value, "traffic", "Erlangs: arrival rate x handling time")
    _check_traffic(a)
    return a


def _check_traffic(a: float) -> None:
    if a > _MAX_TRAFFIC:
        msg = (
            f"traffic of {a:,.0f} Erlangs means over {_MAX_TRAFFIC:,.0f} agents busy at "
            "once, beyond what this model is for; check the volume and period, or "
            "plan each site or interval separately"
        )
        raise InvalidArgumentError(msg)


def _asa(c: float, h: float, n: int, a: float) -> dt.timedelta:
    try:
        return dt.timedelta(seconds=c * h / (n - a))
    except OverflowError:
        msg = (
            f"the average speed of answer with {n} agents for {a:g} Erlangs is too long "
            "to represent as a timedelta; add agents"
        )
        raise InvalidArgumentError(msg) from None


def _b_next(b: float, n: int, traffic: float) -> float:
    return traffic * b / (n + traffic * b)


def erlang_b(agents: int, traffic: float) -> float:
    """Return the Erlang B blocking probability (callers lost when all N are busy).

    Args:
        agents: Number of agents N (0 or more).
        traffic: Offered traffic A in Erlangs.

    Returns:
        The blocking probability in [0, 1].

    Raises:
        InvalidArgumentError: negative or non-finite input, or traffic above a
            million Erlangs.

    Examples:
        >>> from servicekit.routing.staffing import erlang_b
        >>> round(erlang_b(2, 1.0), 6)
        0.2
    """
    n_agents = _agents(agents)
    a = _traffic(traffic)
    b = 1.0
    for n in range(1, n_agents + 1):
        b = _b_next(b, n, a)
        if b == 0.0:
            # Underflow: every later step maps 0 to 0, so stop (10 million agents
            # for 5 Erlangs would otherwise take seconds to reach the same 0.0).
            break
    return b


def _c_from_b(b: float, n: int, a: float) -> float:
    if a == 0:
        return 0.0
    if n <= a:
        return 1.0
    return n * b / (n - a * (1 - b))


def erlang_c(agents: int, traffic: float) -> float:
    """Return the probability that a contact has to wait (Erlang C).

    With ``agents <= traffic`` the queue grows without bound and every contact
    waits: the result is 1.0.

    Args:
        agents: Number of agents N.
        traffic: Offered traffic A in Erlangs (contacts per unit time x AHT).

    Returns:
        The probability in [0, 1] that a contact waits.

    Raises:
        InvalidArgumentError: negative or non-finite input, or traffic above a
            million Erlangs.

    Examples:
        >>> from servicekit.routing.staffing import erlang_c
        >>> round(erlang_c(agents=2, traffic=1.0), 6)
        0.333333
        >>> round(erlang_c(agents=2000, traffic=1950.0), 4)
        0.1787
    """
    n = _agents(agents)
    a = _traffic(traffic)
    return _c_from_b(erlang_b(n, a), n, a)


def _duration(value: object, what: str, *, positive: bool) -> dt.timedelta:
    return v.duration(value, what, positive=positive)


def _seconds(value: dt.timedelta) -> float:
    return value / dt.timedelta(seconds=1)


def service_level(
    *, agents: int, traffic: float, aht: dt.timedelta, target_answer: dt.timedelta
) -> float:
    """Return the share of contacts answered within ``target_answer``.

    ``SL = 1 - C · exp(-(N - A) · t / AHT)``; 0.0 when ``agents <= traffic``.

    Args:
        agents: Number of agents N.
        traffic: Offered traffic A in Erlangs.
        aht: Average handling time.
        target_answer: The answer-time target t.

    Returns:
        The share of contacts answered within ``target_answer``, in [0, 1].

    Raises:
        InvalidArgumentError: negative input or a non-positive AHT.

    Examples:
        >>> from datetime import timedelta
        >>> from servicekit.routing.staffing import service_level
        >>> round(
        ...     service_level(
        ...         agents=3,
        ...         traffic=2.0,
        ...         aht=timedelta(minutes=3),
        ...         target_answer=timedelta(seconds=20),
        ...     ),
        ...     4,
        ... )
        0.6023
    """
    n = _agents(agents)
    a = _traffic(traffic)
    h = _seconds(_duration(aht, "aht", positive=True))
    t = _seconds(_duration(target_answer, "target_answer", positive=False))
    return _sl(erlang_b(n, a), n, a, h, t)


def _sl(b: float, n: int, a: float, h: float, t: float) -> float:
    if a == 0:
        return 1.0
    if n <= a:
        return 0.0
    c = _c_from_b(b, n, a)
    return max(0.0, 1.0 - c * math.exp(-(n - a) * t / h))


def average_speed_of_answer(
    *, agents: int, traffic: float, aht: dt.timedelta
) -> dt.timedelta:
    """Return the mean wait before answer, ``C · AHT / (N - A)``.

    Args:
        agents: Number of agents N.
        traffic: Offered traffic A in Erlangs.
        aht: Average handling time.

    Returns:
        The mean wait before answer.

    Raises:
        InvalidArgumentError: ``agents <= traffic`` (the wait grows without bound),
            negative input, or a wait too long for a timedelta.

    Examples:
        >>> from datetime import timedelta
        >>> from servicekit.routing.staffing import average_speed_of_answer
        >>> average_speed_of_answer(agents=2, traffic=1.0, aht=timedelta(minutes=3))
        datetime.timedelta(seconds=60)
    """
    n = _agents(agents)
    a = _traffic(traffic)
    h = _duration(aht, "aht", positive=True)
    if a == 0:
        return dt.timedelta(0)
    if n <= a:
        msg = f"{n} agents cannot keep up with {a:g} Erlangs: the wait grows without bound; add agents until there are more than the traffic"
        raise InvalidArgumentError(msg)
    return _asa(erlang_c(n, a), _seconds(h), n, a)


def occupancy(*, agents: int, traffic: float) -> float:
    """Return the share of time agents are busy, ``A / N`` (at most 1).

    Args:
        agents: Number of agents N.
        traffic: Offered traffic A in Erlangs.

    Returns:
        The busy share in [0, 1].

    Raises:
        InvalidArgumentError: no agents for non-zero traffic.

    Examples:
        >>> from servicekit.routing.staffing import occupancy
        >>> occupancy(agents=20, traffic=12.5)
        0.625
    """
    n = _agents(agents)
    a = _traffic(traffic)
    if n == 0:
        if a == 0:
            return 0.0
        msg = "occupancy needs at least one agent when there is traffic"
        raise InvalidArgumentError(msg)
    return min(1.0, a / n)


def offered_traffic(*, volume: float, period: dt.timedelta, aht: dt.timedelta) -> float:
    """Return traffic in Erlangs: contacts per period x handling time / period.

    Args:
        volume: Contacts expected in ``period``.
        period: The interval they arrive in.
        aht: Average handling time.

    Returns:
        Traffic in Erlangs.

    Examples:
        >>> from datetime import timedelta
        >>> from servicekit.routing.staffing import offered_traffic
        >>> offered_traffic(
        ...     volume=1200, period=timedelta(hours=8), aht=timedelta(minutes=5)
        ... )
        12.5
    """
    vol = _number(volume, "volume", "contacts expected in the period")
    p = _duration(period, "period", positive=True)
    h = _duration(aht, "aht", positive=True)
    return vol * _seconds(h) / _seconds(p)


def _unit(value: object, what: str, *, low_open: bool, high_open: bool) -> float:
    number = v.fraction(value, what, low=0.0, high=1.0, low_open=low_open)
    if high_open and number == 1.0:
        msg = f"{what} must be below 1; got {value!r}"
        raise InvalidArgumentError(msg)
    return number


def _share(value: object, what: str) -> float:
    return v.fraction(value, f"StaffingPlan.{what}", low=0.0, high=1.0, low_open=False)


def _service_level(value: object) -> float:
    return _share(value, "service_level")


def _occupancy(value: object) -> float:
    return _share(value, "occupancy")


def _waiting(value: object) -> float:
    return _share(value, "waiting_probability")


def _asa_field(value: object) -> dt.timedelta:
    return v.duration(value, "StaffingPlan.asa")


def _optional_traffic(value: object) -> float | None:
    return None if value is None else _traffic(value)


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class StaffingPlan(_codec.Serialisable):
    """How many agents a queue needs, and how it will perform with them.

    Args:
        agents: Agents needed on the phones (productive, at once).
        scheduled_agents: Agents to schedule once shrinkage (breaks, training,
            absence) is allowed for.
        service_level: Expected share answered within the target.
        asa: Expected average speed of answer.
        occupancy: Expected share of time agents are busy.
        waiting_probability: Erlang C: the chance a contact waits at all.
        traffic: Offered traffic in Erlangs ([`required_agents`][] fills it in).

    Raises:
        InvalidArgumentError: a count below zero, a share outside [0, 1], a
            negative ASA or traffic.

    Examples:
        >>> from datetime import timedelta
        >>> from servicekit.routing.staffing import StaffingPlan, required_agents
        >>> plan = required_agents(
        ...     volume=1200,
        ...     period=timedelta(hours=8),
        ...     aht=timedelta(minutes=5),
        ...     target_answer=timedelta(seconds=20),
        ... )
        >>> StaffingPlan.from_dict(plan.to_dict()) == plan
        True
    """

    agents: int = attrs.field(converter=_agents)
    scheduled_agents: int = attrs.field(converter=_agents)
    service_level: float = attrs.field(converter=_service_level)
    asa: dt.timedelta = attrs.field(converter=_asa_field)
    occupancy: float = attrs.field(converter=_occupancy)
    waiting_probability: float = attrs.field(converter=_waiting)
    traffic: float | None = attrs.field(default=None, converter=_optional_traffic)


def required_agents(
    *,
    volume: float,
    period: dt.timedelta,
    aht: dt.timedelta,
    target_answer: dt.timedelta,
    service_level: float = 0.8,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
) -> StaffingPlan:
    """Return the fewest agents meeting a service-level target such as 80/20.

    The answer is the smallest N with more agents than traffic, occupancy at most
    ``max_occupancy`` (ignoring float noise below one part in 10¹²) and service
    level at least the target;
    ``scheduled_agents = ceil(N / (1 - shrinkage))``.

    Args:
        volume: Contacts expected in ``period``.
        period: The interval the volume arrives in (an hour, a day of opening).
        aht: Average handling time.
        target_answer: Answer within this long ...
        service_level: ... for this share of contacts, in (0, 1).
        max_occupancy: Cap on agents' busy share, in (0, 1].
        shrinkage: Share of paid time not on the queue, in [0, 1).

    Returns:
        A [`StaffingPlan`][] for the fewest agents that meet the target.

    Raises:
        InvalidArgumentError: any input out of range, or traffic above a million
            Erlangs.

    Examples:
        >>> from datetime import timedelta
        >>> from servicekit.routing.staffing import required_agents
        >>> plan = required_agents(
        ...     volume=1200,
        ...     period=timedelta(hours=8),
        ...     aht=timedelta(minutes=5),
        ...     target_answer=timedelta(seconds=20),
        ...     service_level=0.8,
        ...     shrinkage=0.3,
        ... )
        >>> plan.agents, plan.scheduled_agents, round(plan.service_level, 3)
        (17, 25, 0.875)
    """
    a = offered_traffic(volume=volume, period=period, aht=aht)
    _check_traffic(a)
    h = _seconds(aht)
    t = _seconds(_duration(target_answer, "target_answer", positive=False))
    target = _unit(service_level, "service_level", low_open=True, high_open=True)
    cap = _unit(max_occupancy, "max_occupancy", low_open=True, high_open=False)
    shrink = _unit(shrinkage, "shrinkage", low_open=False, high_open=True)
    if a == 0:
        return StaffingPlan(
            agents=0,
            scheduled_agents=0,
            service_level=1.0,
            asa=dt.timedelta(0),
            occupancy=0.0,
            waiting_probability=0.0,
            traffic=0.0,
        )
    n = 0
    b = 1.0
    # Float noise must not cost an agent: 60 x 663 s / 3600 s = 11.05 E over 13
    # agents is 85 % occupancy, though 11.05 / 13 is 0.8500000000000001 in floats.
    cap_with_noise = cap * (1 + 1e-12)
    while True:
        n += 1
        b = _b_next(b, n, a)
        if n <= a or a / n > cap_with_noise:
            continue
        sl = _sl(b, n, a, h, t)
        if sl >= target:
            break
        if n > a + _SEARCH_LIMIT:  # pragma: no cover - float exhaustion guard
            msg = f"no staffing up to {n} agents reaches service level {target}; check the inputs"
            raise InvalidArgumentError(msg)
    c = _c_from_b(b, n, a)
    scheduled = math.ceil(Fraction(n) / (1 - Fraction(shrink)))
    return StaffingPlan(
        agents=n,
        scheduled_agents=scheduled,
        service_level=sl,
        asa=_asa(c, h, n, a),
        occupancy=a / n,
        waiting_probability=c,
        traffic=a,
    )
