"""Queueing models of a contact desk: Erlang B, Erlang C and Erlang A.

All three are birth–death chains on the number of contacts in the system (Poisson
arrivals at rate λ, N agents who each answer at rate μ = 1/AHT):

* **Erlang B** (M/M/N/N): a contact that finds every agent busy is lost.
* **Erlang C** (M/M/N): it waits, for as long as it takes.
* **Erlang A** (M/M/N+M): it waits, but hangs up after an exponential patience of
  mean 1/θ, unless an agent answers first (Palm 1943; Garnett, Mandelbaum and Reiman
  2002; Mandelbaum and Zeltyn 2004/2007).

Every answer comes from the stationary distribution itself, through recurrences
whose every step stays within floating-point range (the Erlang B recursion
``B(0) = 1, B(n) = A·B(n-1) / (n + A·B(n-1))``; ratios of neighbouring states for
the queue; rescaling when a product grows), so thousands of agents work where
factorials and powers would overflow. This module must never use randomness, read a
clock, or loop without a bound.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Final, NamedTuple

import attrs

from servicekit import _codec
from servicekit.errors import InvalidArgumentError
from servicekit.workforce import _checks as c

__all__ = [
    "QueueMetrics",
    "average_speed_of_answer",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "occupancy",
    "offered_traffic",
    "service_level",
]

# The Erlang A chain is summed until the states left hold less than this share of
# the probability: below a double's resolution of every answer.
_TAIL: Final = 1e-17
# Waiting states the Erlang A sum may visit. A million (a queue a million contacts
# long at its most likely) is far beyond any desk and still answers in about a second;
# more means a patience so long and a desk so short that the model no longer says
# anything useful.
MAX_QUEUE: Final = 1_000_000
# Up to this many agents the Erlang B recursion runs without watching for underflow
# (a step costs less than the check would save).
_CHECK_UNDERFLOW: Final = 5_000
# 1.0, 2.0, ... as floats, for the Erlang B recursion's counter: CPython runs
# float-only arithmetic on its fast path, and a slice of this table costs less than
# counting in the loop (the values are those of integer counters, exact below 2**53).
_COUNTS: Final = tuple(map(float, range(1, _CHECK_UNDERFLOW + 1)))
# Rescale the chain's weights before a product of ratios above one overflows.
_BIG: Final = 1e280
_SMALL: Final = 1e-280


def _blocking_fast(n_agents: int, a: float) -> float:
    """Erlang B for 1 <= n_agents <= _CHECK_UNDERFLOW, on float counters.

    The recursion carried as ``x = A·B(k)``: ``x ← A · (x / (k + x))`` performs the
    very operations of ``B(k) = A·B(k-1) / (k + A·B(k-1))`` in the same order (so
    the same floats), with fewer steps of the interpreter per agent.
    """
    x = a
    for k in _COUNTS[: n_agents - 1]:
        x = a * (x / (k + x))
    return x / (_COUNTS[n_agents - 1] + x)


def blocking(n_agents: int, a: float) -> float:
    """Erlang B of checked input."""
    if n_agents == 0:
        return 1.0
    if n_agents <= _CHECK_UNDERFLOW:
        return _blocking_fast(n_agents, a)
    b = 1.0
    for n in range(1, n_agents + 1):
        b = a * b / (n + a * b)
        if b == 0.0:
            # Underflow: every later step maps 0 to 0, so stop (10 million agents
            # for 5 Erlangs would otherwise take seconds to reach the same 0.0).
            break
    return b


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
        >>> from servicekit.workforce import erlang_b
        >>> round(erlang_b(2, 1.0), 6)
        0.2
    """
    return blocking(c.agents(agents), c.traffic(traffic))


def c_from_b(b: float, n: int, a: float) -> float:
    """Erlang C from Erlang B of the same N and A."""
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
        >>> from servicekit.workforce import erlang_c
        >>> round(erlang_c(agents=2, traffic=1.0), 6)
        0.333333
        >>> round(erlang_c(agents=2000, traffic=1950.0), 4)
        0.1787
    """
    # The common case (checked by its own condition: a float traffic below a whole
    # number of agents, few enough to need no underflow watch), with blocking() and
    # c_from_b() inlined into one loop, for a cheap call.
    if (
        type(agents) is int
        and type(traffic) is float
        and 0.0 < traffic < agents <= _CHECK_UNDERFLOW
    ):
        x = traffic  # _blocking_fast(), inlined
        for k in _COUNTS[: agents - 1]:
            x = traffic * (x / (k + x))
        b = x / (agents + x)
        return agents * b / (agents - traffic * (1.0 - b))
    n = c.agents(agents)
    a = c.traffic(traffic)
    return c_from_b(blocking(n, a), n, a)


def sl_c(b: float, n: int, a: float, aht_s: float, target_s: float) -> float:
    """Erlang C service level from Erlang B of the same N and A."""
    if a == 0:
        return 1.0
    if n <= a:
        return 0.0
    wait = c_from_b(b, n, a)
    return max(0.0, 1.0 - wait * math.exp(-(n - a) * target_s / aht_s))


def asa_delta(wait: float, aht_s: float, n: int, a: float) -> dt.timedelta:
    """Erlang C's mean wait as a timedelta, or a clear error if it is too long."""
    return _delta(wait * aht_s / (n - a), n, a)


def asa_delta_a(asa_in_aht: float, aht_s: float, n: int, a: float) -> dt.timedelta:
    """Erlang A's mean wait of answered contacts, as a timedelta."""
    return _delta(asa_in_aht * aht_s, n, a)


def _delta(seconds: float, n: int, a: float) -> dt.timedelta:
    try:
        return dt.timedelta(0, seconds)
    except OverflowError:
        msg = (
            f"the average speed of answer with {n} agents for {a:g} Erlangs is too long "
            "to represent as a timedelta; add agents"
        )
        raise InvalidArgumentError(msg) from None


def service_level(
    *, agents: int, traffic: float, aht: dt.timedelta, target_answer: dt.timedelta
) -> float:
    """Return the share of contacts answered within ``target_answer`` (Erlang C).

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
        >>> from servicekit.workforce import service_level
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
    n = c.agents(agents)
    a = c.traffic(traffic)
    h = c.seconds(c.duration(aht, "aht", positive=True))
    t = c.seconds(c.duration(target_answer, "target_answer"))
    return sl_c(blocking(n, a), n, a, h, t)


def average_speed_of_answer(
    *, agents: int, traffic: float, aht: dt.timedelta
) -> dt.timedelta:
    """Return the mean wait before answer (Erlang C), ``C · AHT / (N - A)``.

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
        >>> from servicekit.workforce import average_speed_of_answer
        >>> average_speed_of_answer(agents=2, traffic=1.0, aht=timedelta(minutes=3))
        datetime.timedelta(seconds=60)
    """
    n = c.agents(agents)
    a = c.traffic(traffic)
    h = c.duration(aht, "aht", positive=True)
    if a == 0:
        return dt.timedelta(0)
    if n <= a:
        msg = f"{n} agents cannot keep up with {a:g} Erlangs: the wait grows without bound; add agents until there are more than the traffic"
        raise InvalidArgumentError(msg)
    return asa_delta(c_from_b(blocking(n, a), n, a), c.seconds(h), n, a)


def occupancy(*, agents: int, traffic: float) -> float:
    """Return the share of time agents are busy with Erlang C, ``A / N`` (at most 1).

    Args:
        agents: Number of agents N.
        traffic: Offered traffic A in Erlangs.

    Returns:
        The busy share in [0, 1].

    Raises:
        InvalidArgumentError: no agents for non-zero traffic.

    Examples:
        >>> from servicekit.workforce import occupancy
        >>> occupancy(agents=20, traffic=12.5)
        0.625
    """
    n = c.agents(agents)
    a = c.traffic(traffic)
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

    Raises:
        InvalidArgumentError: a negative or non-finite volume, or a period or
            handling time that is not positive.
        InvalidTypeError: a volume that is not a number, or durations that are not
            timedeltas.

    Examples:
        >>> from datetime import timedelta
        >>> from servicekit.workforce import offered_traffic
        >>> offered_traffic(
        ...     volume=1200, period=timedelta(hours=8), aht=timedelta(minutes=5)
        ... )
        12.5
    """
    vol = c.number(volume, "volume", "contacts expected in the period")
    p = c.duration(period, "period", positive=True)
    h = c.duration(aht, "aht", positive=True)
    return vol * c.seconds(h) / c.seconds(p)


# --------------------------------------------------------------------------- Erlang A


class AbandonmentModel(NamedTuple):
    """The answers of the Erlang A chain (private; shares of offered contacts)."""

    service_level: float
    answered: float
    abandoned: float
    waiting: float
    asa_in_aht: float


def queue_states(n: int, a: float, beta: float) -> float:
    """About how many waiting states the Erlang A sum visits (within a factor of 2).

    The queue's weights peak at ``(A - N) / β`` waiting (zero if N >= A) and fall
    like a Gaussian of variance about ``A / β`` beyond; with N > A they also fall at
    least geometrically, by ``A / N`` a state.
    """
    spread = math.sqrt(2.0 * 40.0 * a / beta)
    if n > a:
        return min(spread, 40.0 / -math.log(a / n))
    return (a - n) / beta + spread


def check_queue_length(n: int, a: float, beta: float) -> None:
    """Refuse an Erlang A chain too long to sum (a queue of millions), up front."""
    states = queue_states(n, a, beta)
    if states > MAX_QUEUE:
        msg = (
            f"with {n} agents for {a:g} Erlangs and a patience of "
            f"{1 / beta:g} handling times the queue would run to about "
            f"{states:,.0f} contacts, beyond what this model represents "
            f"(at most {MAX_QUEUE:,}); shorten patience, add agents or plan a "
            "smaller interval"
        )
        raise InvalidArgumentError(msg)


def abandonment_model(
    b: float, n: int, a: float, beta: float, tau: float
) -> AbandonmentModel:
    """Erlang A by summing its birth–death chain; time is in units of the AHT.

    Args:
        b: Erlang B of ``n`` and ``a`` (the weight of state ``n`` among ``0..n``).
        n: agents.
        a: traffic in Erlangs.
        beta: AHT / mean patience (> 0).
        tau: the answer target / AHT.

    State ``n + j`` (``j`` waiting) has weight ``x_j``, with ``x_0 = B`` and the states
    below ``n`` weighing ``1 - B`` together; ``x_{j+1} = x_j · A / (n + (j+1)·β)``.
    A contact arriving in state ``n + j`` (PASTA) has ``j`` contacts ahead; it reaches
    an agent through ``j + 1`` stages, stage ``i`` ending at rate ``n + i·β``
    (an answer, or one ahead hanging up) while it hangs up itself at rate ``β``, so
    it is answered with probability ``n / (n + (j+1)·β)``, after a mean wait of
    ``Σ_{i=1}^{j+1} 1 / (n + i·β)`` given that it is, and within ``tau`` with
    probability ``I_p(j + 1, n/β + 1)`` given that it is, where ``p = 1 - e^{-β·tau}``
    and ``I`` is the regularised incomplete beta function (the stages' sum is the
    ``(j+1)``-th order statistic of ``n/β + j + 1`` exponentials of rate β). ``I`` is
    carried from one ``j`` to the next by subtracting negative-binomial terms.
    """
    below = 1.0 - b
    x = b
    total = below
    waiting = answered = abandoned = within = asa = 0.0
    hazard_sum = 0.0  # Σ_{i ≤ j+1} 1/(n + iβ): the mean wait of an answered one
    shape = n / beta + 1.0
    p = -math.expm1(-beta * tau)
    log_p = math.log(p) if p > 0.0 else -math.inf
    log_term = -(n + beta) * tau  # log of (1-p)^shape, the first term
    not_yet = 1.0  # I_p(j + 1, shape), from 1 down
    j = 0
    while True:
        hang_ups = (j + 1) * beta
        rate = n + hang_ups
        answer_share = n / rate
        hazard_sum += 1.0 / rate
        if not_yet > 0.0:
            not_yet -= math.exp(log_term)
            if not_yet < 1e-18:
                not_yet = 0.0
            log_term += log_p + math.log((j + shape) / (j + 1))
        total += x
        waiting += x
        answered += x * answer_share
        # Not 1 - answer_share: that loses the digits of a small abandon rate.
        abandoned += x * (hang_ups / rate)
        within += x * answer_share * not_yet
        asa += x * answer_share * hazard_sum
        ratio = a / rate
        x *= ratio
        if ratio < 1.0 and x < _TAIL * total * (1.0 - ratio):
            break
        if x > _BIG:
            below *= _SMALL
            x *= _SMALL
            total *= _SMALL
            waiting *= _SMALL
            answered *= _SMALL
            abandoned *= _SMALL
            within *= _SMALL
            asa *= _SMALL
        j += 1
        if j > 2 * MAX_QUEUE:  # pragma: no cover - check_queue_length refused it
            msg = (
                f"with {n} agents for {a:g} Erlangs and a patience of {1 / beta:g} "
                f"handling times the queue runs past {MAX_QUEUE:,} contacts, beyond "
                "what this model represents; shorten patience or add agents"
            )
            raise InvalidArgumentError(msg)
    served = below + answered
    return AbandonmentModel(
        service_level=min(1.0, (below + within) / total),
        answered=min(1.0, served / total),
        abandoned=min(1.0, abandoned / total),
        waiting=min(1.0, waiting / total),
        asa_in_aht=asa / served if served > 0.0 else 0.0,
    )


def _unit_share(value: object, what: str) -> float:
    return c.share(value, f"QueueMetrics.{what}")


def _sl_field(value: object) -> float:
    return _unit_share(value, "service_level")


def _answer_field(value: object) -> float:
    return _unit_share(value, "answer_rate")


def _abandon_field(value: object) -> float:
    return _unit_share(value, "abandon_rate")


def _occupancy_field(value: object) -> float:
    return _unit_share(value, "occupancy")


def _waiting_field(value: object) -> float:
    return _unit_share(value, "waiting_probability")


def _asa_field(value: object) -> dt.timedelta:
    return c.duration(value, "QueueMetrics.asa")


def _agents_field(value: object) -> int:
    return c.agents(value, "QueueMetrics.agents")


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class QueueMetrics(_codec.Serialisable):
    """How a desk with a given number of agents performs (Erlang A).

    Every share is of **offered** contacts (all that arrive), so the shares of
    those answered and those that hang up add up to one.

    Args:
        agents: Agents on the queue, N.
        service_level: Share of offered contacts answered within the target
            (those that hang up count against it, however soon they do).
        answer_rate: Share of offered contacts answered at all, ``1 - abandon_rate``.
        abandon_rate: Share of offered contacts that hang up before an answer.
        asa: Average speed of answer: the mean wait of the contacts that are
            answered (zero for those answered at once included).
        occupancy: Share of the agents' time spent handling contacts:
            answered traffic / N.
        waiting_probability: Share of offered contacts that find every agent busy
            (and so wait, until answered or until they hang up).

    Raises:
        InvalidArgumentError: a count below zero, a share outside [0, 1] or a
            negative ASA.

    Examples:
        >>> from datetime import timedelta
        >>> from servicekit.workforce import QueueMetrics
        >>> m = QueueMetrics(
        ...     agents=12,
        ...     service_level=0.83,
        ...     answer_rate=0.94,
        ...     abandon_rate=0.06,
        ...     asa=timedelta(seconds=6),
        ...     occupancy=0.78,
        ...     waiting_probability=0.28,
        ... )
        >>> m.to_dict()["asa"], QueueMetrics.from_dict(m.to_dict()) == m
        ('PT6S', True)
    """

    agents: int = attrs.field(converter=_agents_field)
    service_level: float = attrs.field(converter=_sl_field)
    answer_rate: float = attrs.field(converter=_answer_field)
    abandon_rate: float = attrs.field(converter=_abandon_field)
    asa: dt.timedelta = attrs.field(converter=_asa_field)
    occupancy: float = attrs.field(converter=_occupancy_field)
    waiting_probability: float = attrs.field(converter=_waiting_field)


def patience_ratio(aht_s: float, patience: object) -> float:
    """AHT / mean patience (β), from a checked AHT; ``inf`` for zero patience."""
    p = c.seconds(c.duration(patience, "patience"))
    return math.inf if p == 0 else aht_s / p


def model(n: int, a: float, b: float, beta: float, tau: float) -> AbandonmentModel:
    """Erlang A's shares of checked input with traffic (``b``: Erlang B of n and a)."""
    if math.isinf(beta):
        # No patience at all: whoever finds every agent busy leaves at once, the
        # loss system of Erlang B.
        return AbandonmentModel(1.0 - b, 1.0 - b, b, b, 0.0)
    check_queue_length(n, a, beta)
    return abandonment_model(b, n, a, beta, tau)


def metrics(  # noqa: PLR0917 -- private: the checked inputs of erlang_a
    n: int, a: float, b: float, aht_s: float, beta: float, target_s: float
) -> QueueMetrics:
    """Erlang A's metrics of checked input (``b`` is Erlang B of ``n`` and ``a``)."""
    if a == 0:
        return QueueMetrics(
            agents=n,
            service_level=1.0,
            answer_rate=1.0,
            abandon_rate=0.0,
            asa=dt.timedelta(0),
            occupancy=0.0,
            waiting_probability=0.0,
        )
    found = model(n, a, b, beta, target_s / aht_s)
    return QueueMetrics(
        agents=n,
        service_level=found.service_level,
        answer_rate=found.answered,
        abandon_rate=found.abandoned,
        asa=asa_delta_a(found.asa_in_aht, aht_s, n, a),
        occupancy=busy_share(n, a, found.answered),
        waiting_probability=found.waiting,
    )


def busy_share(n: int, a: float, answered: float) -> float:
    """Occupancy: the answered traffic over the agents (none answer nothing)."""
    return min(1.0, a * answered / n) if n else 0.0


def erlang_a(
    *,
    agents: int,
    volume: float,
    period: dt.timedelta,
    aht: dt.timedelta,
    patience: dt.timedelta,
    target_answer: dt.timedelta,
) -> QueueMetrics:
    """Return how N agents perform when callers hang up (Erlang A, M/M/N+M).

    Contacts arrive at random (Poisson) at ``volume / period``; each takes an
    exponential handling time of mean ``aht``; one that waits hangs up after an
    exponential patience of mean ``patience`` unless an agent answers first. The
    answers are exact (up to floating point) for this model, from its birth–death
    stationary distribution: see ``docs/workforce.md`` for each formula and
    Mandelbaum & Zeltyn's closed forms it agrees with. Unlike Erlang C, a desk with
    fewer agents than traffic is stable (callers hang up), so every N has an answer.

    ``patience=timedelta(0)`` is the limit where nobody waits: Erlang B's loss
    system. A very long patience tends to Erlang C (while N > A).

    Args:
        agents: Agents on the queue, N.
        volume: Contacts expected in ``period``.
        period: The interval they arrive in.
        aht: Average handling time (talk and wrap-up).
        patience: Callers' mean patience (how long they wait before hanging up,
            on average, if never answered).
        target_answer: The answer-time target of the service level.

    Returns:
        The desk's [`QueueMetrics`][].

    Raises:
        InvalidArgumentError: negative or non-finite input, traffic above a million
            Erlangs, or a patience so long, with so few agents, that the queue would
            hold over a million contacts.
        InvalidTypeError: a volume that is not a number, durations that are not
            timedeltas.

    Examples:
        >>> from datetime import timedelta
        >>> from servicekit.workforce import erlang_a
        >>> m = erlang_a(
        ...     agents=14,
        ...     volume=100,
        ...     period=timedelta(minutes=30),
        ...     aht=timedelta(minutes=3),
        ...     patience=timedelta(minutes=2),
        ...     target_answer=timedelta(seconds=20),
        ... )
        >>> round(m.service_level, 3), round(m.abandon_rate, 4), m.asa.seconds
        (0.933, 0.0228, 2)
    """
    n = c.agents(agents)
    a = offered_traffic(volume=volume, period=period, aht=aht)
    c.check_traffic(a)
    h = c.seconds(aht)
    t = c.seconds(c.duration(target_answer, "target_answer"))
    beta = patience_ratio(h, patience)
    return metrics(n, a, blocking(n, a), h, beta, t)
