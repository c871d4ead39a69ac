"""Staffing: the fewest agents that meet a desk's targets, and the plan they give.

Erlang C when callers wait as long as it takes; Erlang A when they hang up (a
``patience`` is given), which is what an answer-rate target such as "95 % of calls
answered" needs. The search walks up from a bound no smaller answer can beat, one agent
at a time, carrying the Erlang B recursion along, so it costs one step per agent. This
module must never use randomness, read a clock, or loop without a bound.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Final, cast

import attrs

from servicekit import _codec
from servicekit.errors import InvalidArgumentError
from servicekit.workforce import _checks as c
from servicekit.workforce import _queueing as q

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["StaffingPlan", "required_agents"]

# A search this far past the traffic means the target is unreachable in floating point.
_SEARCH_LIMIT: Final = 1_000_000
# Float noise must not cost an agent: 60 x 663 s / 3600 s = 11.05 E over 13 agents is
# 85 % occupancy, though 11.05 / 13 is 0.8500000000000001 in floats.
_NOISE: Final = 1 + 1e-12
_DEFAULT_SERVICE_LEVEL: Final = 0.8
_ZERO: Final = dt.timedelta(0)


def _share(value: object, what: str) -> float:
    return c.share(value, f"StaffingPlan.{what}")


def _service_level(value: object) -> float:
    return _share(value, "service_level")


def _occupancy(value: object) -> float:
    return _share(value, "occupancy")


def _waiting(value: object) -> float:
    return _share(value, "waiting_probability")


def _answer_rate(value: object) -> float | None:
    return None if value is None else _share(value, "answer_rate")


def _abandon_rate(value: object) -> float | None:
    return None if value is None else _share(value, "abandon_rate")


def _asa_field(value: object) -> dt.timedelta:
    return c.duration(value, "StaffingPlan.asa")


def _optional_traffic(value: object) -> float | None:
    return None if value is None else c.traffic(value)


@_codec.value(omit_if_default=("answer_rate", "abandon_rate"))
@attrs.frozen(kw_only=True)
class StaffingPlan(_codec.Serialisable):
    """How many agents a queue needs, and how it will perform with them.

    Args:
        agents: Agents needed on the phones (productive, at once).
        scheduled_agents: Agents to schedule once shrinkage (breaks, training,
            absence) is allowed for.
        service_level: Expected share of offered contacts answered within the target.
        asa: Expected average speed of answer (the mean wait of answered contacts).
        occupancy: Expected share of time agents are busy.
        waiting_probability: The chance a contact finds every agent busy and waits.
        traffic: Offered traffic in Erlangs ([`required_agents`][] fills it in).
        answer_rate: With Erlang A (a patience was given), the expected share of
            offered contacts answered; None with Erlang C (nobody hangs up).
        abandon_rate: With Erlang A, the expected share that hang up,
            ``1 - answer_rate``; None with Erlang C.

    Raises:
        InvalidArgumentError: a count below zero, a share outside [0, 1], a
            negative ASA or traffic.

    Examples:
        >>> from datetime import timedelta
        >>> from servicekit.workforce import StaffingPlan, required_agents
        >>> plan = required_agents(
        ...     volume=1200,
        ...     period=timedelta(hours=8),
        ...     aht=timedelta(minutes=5),
        ...     target_answer=timedelta(seconds=20),
        ... )
        >>> StaffingPlan.from_dict(plan.to_dict()) == plan
        True
    """

    agents: int = attrs.field(converter=c.agents)
    scheduled_agents: int = attrs.field(converter=c.agents)
    service_level: float = attrs.field(converter=_service_level)
    asa: dt.timedelta = attrs.field(converter=_asa_field)
    occupancy: float = attrs.field(converter=_occupancy)
    waiting_probability: float = attrs.field(converter=_waiting)
    traffic: float | None = attrs.field(default=None, converter=_optional_traffic)
    answer_rate: float | None = attrs.field(default=None, converter=_answer_rate)
    abandon_rate: float | None = attrs.field(default=None, converter=_abandon_rate)


_new = object.__new__


def _slot_setter(name: str) -> Callable[[StaffingPlan, object], None]:
    return cast(
        "Callable[[StaffingPlan, object], None]", vars(StaffingPlan)[name].__set__
    )


# The slots' own setters: a frozen class refuses setattr, and these are the cheapest
# way past it for a value built here from numbers already known to be valid.
_SET_AGENTS = _slot_setter("agents")
_SET_SCHEDULED = _slot_setter("scheduled_agents")
_SET_SL = _slot_setter("service_level")
_SET_ASA = _slot_setter("asa")
_SET_OCCUPANCY = _slot_setter("occupancy")
_SET_WAITING = _slot_setter("waiting_probability")
_SET_TRAFFIC = _slot_setter("traffic")
_SET_ANSWERED = _slot_setter("answer_rate")
_SET_ABANDONED = _slot_setter("abandon_rate")


def _plan(  # noqa: PLR0917 -- private hot path: positional on purpose
    agents: int,
    scheduled: int,
    sl: float,
    asa: dt.timedelta,
    busy: float,
    waiting: float,
    traffic: float,
    answer_rate: float | None = None,
    abandon_rate: float | None = None,
) -> StaffingPlan:
    """A plan of values this module computed and knows valid, without re-checking.

    [`required_agents`][] is called per interval of a week's forecast; its
    converters would cost as much as the search itself.
    """
    plan: StaffingPlan = _new(StaffingPlan)
    _SET_AGENTS(plan, agents)
    _SET_SCHEDULED(plan, scheduled)
    _SET_SL(plan, sl)
    _SET_ASA(plan, asa)
    _SET_OCCUPANCY(plan, busy)
    _SET_WAITING(plan, waiting)
    _SET_TRAFFIC(plan, traffic)
    _SET_ANSWERED(plan, answer_rate)
    _SET_ABANDONED(plan, abandon_rate)
    return plan


def scheduled_for(agents: int, shrinkage: float) -> int:
    """``ceil(agents / (1 - shrinkage))``, exactly (17 / 0.85 is 20, not 21)."""
    if shrinkage == 0.0:
        return agents
    top, bottom = shrinkage.as_integer_ratio()
    # agents / (1 - top/bottom) = agents * bottom / (bottom - top), as integers.
    return -(-agents * bottom // (bottom - top))


def _target(value: object, what: str) -> float:
    return c.share(value, what, low_open=True, high_open=True)


def _traffic_of(volume: object, period: object, aht: object) -> tuple[float, float]:
    """Offered traffic and the AHT in seconds, checked (inlined for the common case)."""
    if (
        (type(volume) is float or type(volume) is int)
        and type(period) is dt.timedelta
        and type(aht) is dt.timedelta
        and period > _ZERO
        and aht > _ZERO
        and volume >= 0
    ):
        h = c.seconds(aht)
        # The order of offered_traffic's operations, for the same float.
        a = volume * h / c.seconds(period)
        if a <= c.MAX_TRAFFIC:
            return a, h
    a = q.offered_traffic(volume=volume, period=period, aht=aht)  # type: ignore[arg-type]
    c.check_traffic(a)
    return a, c.seconds(aht)  # type: ignore[arg-type]


def required_agents(
    *,
    volume: float,
    period: dt.timedelta,
    aht: dt.timedelta,
    target_answer: dt.timedelta,
    service_level: float | None = None,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
    patience: dt.timedelta | None = None,
    answer_rate: float | None = None,
) -> StaffingPlan:
    """Return the fewest agents meeting targets such as 80/20 or 95 % answered.

    Without ``patience``, Erlang C (callers wait as long as it takes): the answer is
    the smallest N with more agents than traffic, occupancy at most
    ``max_occupancy`` (ignoring float noise below one part in 10¹²) and service level
    at least the target. With ``patience``, Erlang A (callers hang up after a mean
    ``patience``; see [`erlang_a`][servicekit.workforce.erlang_a]): the smallest N
    whose service level, answer rate and occupancy meet every target given; N may
    then be below the traffic. In both,
    ``scheduled_agents = ceil(N / (1 - shrinkage))``.

    Args:
        volume: Contacts expected in ``period``.
        period: The interval the volume arrives in (an hour, a day of opening).
        aht: Average handling time.
        target_answer: Answer within this long ...
        service_level: ... for this share of offered contacts, in (0, 1). Defaults
            to 0.8 unless an ``answer_rate`` target is given (then only that
            target counts, unless this is given too).
        max_occupancy: Cap on agents' busy share, in (0, 1].
        shrinkage: Share of paid time not on the queue, in [0, 1).
        patience: Callers' mean patience; given, the model is Erlang A.
        answer_rate: Target share of offered contacts answered at all, in (0, 1);
            needs ``patience`` (in Erlang C nobody hangs up).

    Returns:
        A [`StaffingPlan`][] for the fewest agents that meet the targets.

    Raises:
        InvalidArgumentError: any input out of range, an ``answer_rate`` without a
            ``patience``, or traffic above a million Erlangs.
        InvalidTypeError: an input of the wrong type.

    Examples:
        >>> from datetime import timedelta
        >>> from servicekit.workforce import required_agents
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

        Callers who hang up after two minutes on average, 95 % to be answered:

        >>> plan = required_agents(
        ...     volume=1200,
        ...     period=timedelta(hours=8),
        ...     aht=timedelta(minutes=5),
        ...     target_answer=timedelta(seconds=20),
        ...     patience=timedelta(minutes=2),
        ...     answer_rate=0.95,
        ... )
        >>> plan.agents, round(plan.answer_rate, 3)
        (16, 0.961)
    """
    a, h = _traffic_of(volume, period, aht)
    if type(target_answer) is dt.timedelta and target_answer >= dt.timedelta(0):
        t = c.seconds(target_answer)
    else:
        t = c.seconds(c.duration(target_answer, "target_answer"))
    if answer_rate is None:
        answered_target = 0.0
        if service_level is None:
            sl_target = _DEFAULT_SERVICE_LEVEL
        elif type(service_level) is float and 0.0 < service_level < 1.0:
            sl_target = service_level
        else:
            sl_target = _target(service_level, "service_level")
    else:
        answered_target = _target(answer_rate, "answer_rate")
        sl_target = (
            0.0 if service_level is None else _target(service_level, "service_level")
        )
    cap = (
        1.0
        if max_occupancy == 1.0 and type(max_occupancy) in (int, float)
        else c.share(max_occupancy, "max_occupancy", low_open=True)
    )
    shrink = (
        0.0
        if shrinkage == 0.0 and type(shrinkage) in (int, float)
        else c.share(shrinkage, "shrinkage", high_open=True)
    )
    if patience is None:
        if answer_rate is not None:
            msg = (
                "an answer_rate target needs patience= (callers' mean patience): "
                "without it the model is Erlang C, in which nobody hangs up"
            )
            raise InvalidArgumentError(msg)
        return _erlang_c_plan(a, h, t, sl_target, cap, shrink)
    beta = q.patience_ratio(h, patience)
    return _erlang_a_plan(a, h, t, beta, sl_target, answered_target, cap, shrink)


def _zero_plan(*, abandonment: bool) -> StaffingPlan:
    rate = 1.0 if abandonment else None
    zero = 0.0 if abandonment else None
    return _plan(0, 0, 1.0, dt.timedelta(0), 0.0, 0.0, 0.0, rate, zero)


def _erlang_c_plan(  # noqa: PLR0917 -- the checked inputs of one call site
    a: float, h: float, t: float, target: float, cap: float, shrink: float
) -> StaffingPlan:
    if a == 0:
        return _zero_plan(abandonment=False)
    # No N at or below the traffic, nor below traffic / cap, can do; above both,
    # every N keeps both (occupancy falls as N grows): start there and check only
    # the service level.
    start = int(a)  # floor: a >= 0
    if cap != 1.0:
        start = max(start, math.ceil(a / (cap * _NOISE)) - 1)
    b = q.blocking(start, a)
    exp = math.exp
    t_per_aht = t / h
    k = float(start)
    last = k + _SEARCH_LIMIT
    # Float counters, as in blocking(): the same values, on CPython's fast path.
    while True:
        k += 1.0
        ab = a * b
        b = ab / (k + ab)
        wait = k * b / (k - a * (1.0 - b))
        sl = 1.0 - wait * exp((a - k) * t_per_aht)
        if sl >= target:
            break
        if k > last:  # pragma: no cover - float exhaustion guard
            msg = f"no staffing up to {k:.0f} agents reaches service level {target}; check the inputs"
            raise InvalidArgumentError(msg)
    n = int(k)
    return _plan(
        n,
        scheduled_for(n, shrink),
        max(0.0, sl),
        q.asa_delta(wait, h, n, a),
        a / k,
        wait,
        a,
    )


def _erlang_a_plan(  # noqa: PLR0917 -- the checked inputs of one call site
    a: float,
    h: float,
    t: float,
    beta: float,
    sl_target: float,
    answered_target: float,
    cap: float,
    shrink: float,
) -> StaffingPlan:
    if a == 0:
        return _zero_plan(abandonment=True)
    cap_with_noise = cap * _NOISE
    tau = t / h

    def meets(n: int) -> q.AbandonmentModel | None:
        found = q.model(n, a, q.blocking(n, a), beta, tau)
        ok = (
            found.service_level >= sl_target
            and found.answered >= answered_target
            and q.busy_share(n, a, found.answered) <= cap_with_noise
        )
        return found if ok else None

    # Agents answer at most N Erlangs, so the answered share and the service level
    # are at most N / A: no N at or below the targets' share of the traffic meets
    # them. Every measure improves with N (more agents, shorter queue), so gallop up
    # from there, then halve the gap.
    low = max(math.ceil(max(sl_target, answered_target) * a) - 1, 0)
    step = 1
    high = low + step
    found = meets(high)
    while found is None:
        if high > a + _SEARCH_LIMIT:  # pragma: no cover - float exhaustion guard
            msg = (
                f"no staffing up to {high} agents reaches the targets; check the inputs"
            )
            raise InvalidArgumentError(msg)
        low, step = high, step * 2
        high = low + step
        found = meets(high)
    while high - low > 1:
        middle = (low + high) // 2
        better = meets(middle)
        if better is None:
            low = middle
        else:
            high, found = middle, better
    return _plan(
        high,
        scheduled_for(high, shrink),
        found.service_level,
        q.asa_delta_a(found.asa_in_aht, h, high, a),
        q.busy_share(high, a, found.answered),
        found.waiting,
        a,
        found.answered,
        found.abandoned,
    )
