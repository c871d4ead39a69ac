"""From each simulated request to its SLA report, its outcome and its survey answer.

A request's conversation is drawn from its own seed: the first reply some seconds or
minutes after an agent takes it (the bot answers its own channel at once), further
messages and replies, a pause while waiting for the customer, the solve after the
handling time, sometimes a reopen. The event log goes through
:func:`servicekit.sla.evaluate_many` with ``SERVICE_STANDARD`` at the month's end, exactly as
a CRM would evaluate on read. Surveys are answered by a quarter of the customers whose
request was solved; the answers depend on the city's hidden quality, the customer's
mood, and how the request went (a breach, a second contact, a reply in their language).

Everything a report needs is kept in a small :class:`Summary` per request, so a city's
work can be done in another process and sent back cheaply.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import TYPE_CHECKING, Final, NamedTuple

from servicekit._vocabulary import Channel, Priority, Tier
from servicekit.cli._demo_data import ZONE
from servicekit.sla import (
    EventKind,
    MetricState,
    MetricStatus,
    TicketEvent,
    TicketStatus,
    evaluate_many,
)
from servicekit.sla._model import moved_event
from servicekit.sla.presets import SERVICE_STANDARD

if TYPE_CHECKING:
    from collections.abc import Iterator

    from servicekit.cli._demo_data import World
    from servicekit.cli._demo_sim import Outcome

# (lowest, highest) seconds from an agent taking the request to their first reply.
_FIRST_REPLY: Final = {
    Channel.PHONE: (0, 15),
    Channel.CHAT: (3, 40),
    Channel.EMAIL: (180, 2400),
    Channel.WEB: (120, 1500),
    Channel.SOCIAL: (60, 900),
    Channel.BOT: (5, 40),
}
# (lowest, highest) seconds the customer takes to write again.
_CUSTOMER_GAP: Final = {
    Channel.PHONE: (30, 300),
    Channel.CHAT: (20, 240),
    Channel.EMAIL: (1800, 6 * 3600),
    Channel.WEB: (1800, 4 * 3600),
    Channel.SOCIAL: (300, 3600),
    Channel.BOT: (20, 240),
}
_US_PER_SECOND: Final = 1_000_000
# Each member's value, read from a dict: an enum's ``.value`` is a property, and the
# summaries read a few hundred thousand of them.
_VALUE: Final[dict[object, str]] = {
    m: m.value for e in (Channel, Priority, Tier, MetricState) for m in e
}
_BREACHED_STATE: Final = MetricState.BREACHED
_BREACHED: Final = MetricState.BREACHED.value
DIMENSIONS: Final = ("response_speed", "resolution", "attitude", "follow_up")


class MetricOutcome(NamedTuple):
    """One SLA metric of one request at the month's end."""

    metric: str
    state: str
    cycles: int
    breached_cycles: int
    due_at: str | None  # for breached metrics only
    late_by: float | None  # seconds past due, for breached metrics only


# The month's requests are summarised into ~30,000 of these, and the outcomes of their
# breached metrics into ~17,000 of those above: as named tuples they are as
# immutable as frozen attrs classes, read their fields as quickly, and cost a sixth
# as much to build (a frozen attrs class sets each field through object.__setattr__)
# and less to send back from a worker process.
class Summary(NamedTuple):
    """What the report needs to know about one request."""

    id: str
    city: str
    desk: str
    customer: str
    channel: str
    priority: str
    tier: str
    category: str
    policy: str
    created: int
    bot_only: bool
    assigned: bool
    wait: int | None
    handling: int
    routed_after: int | None  # seconds from arrival to the router's choice
    step: str
    had_owner: bool
    to_owner: bool
    had_manager: bool
    to_manager: bool
    language: str
    language_matched: bool | None
    metrics: tuple[MetricOutcome, ...]
    solved: bool
    first_contact: bool | None
    survey: dict[str, object] | None


_from_seconds: Final = dt.datetime.fromtimestamp
# Where the shapes of follow-up events are built: 2025-01-01 00:00 UTC.
_SHAPE_SECONDS: Final = 1_735_689_600


def summarise(world: World, outcomes: list[Outcome]) -> list[Summary]:
    """Evaluate and summarise each outcome, in the given order.

    Examples:
        >>> from servicekit.cli._demo_data import generate
        >>> from servicekit.cli._demo_sim import simulate
        >>> world = generate(3, "2025-03", volume=60)
        >>> summaries = summarise(world, simulate(world))
        >>> {s.policy for s in summaries} <= {p.name for p in SERVICE_STANDARD.policies}
        True
    """
    speakers = {s.agent.id: s.agent.languages for s in world.staff}
    quality = {c.name: c.quality for c in world.cities}
    now = _from_seconds(world.end - 1, ZONE)
    maker = EventMaker(ZONE)
    # A request's draws come from its own seed. One generator serves every request,
    # seeded anew for each (``Random(seed)`` is ``Random().seed(seed)``): a survey's
    # draws are taken right after the conversation's, before the next request
    # reseeds it, and its answers are worked out from them once the SLA report says
    # how it went.
    rng = random.Random()
    reseed = rng.seed
    talks: list[tuple[bool, bool | None, tuple[float, ...] | None]] = []
    talk = talks.append

    def logs() -> Iterator[list[TicketEvent]]:
        for o in outcomes:
            r = o.request
            reseed(r.seed)
            events, solved, first_contact = _conversation(world, o, rng, maker)
            talk(
                (
                    solved,
                    first_contact,
                    _survey_draws(rng) if solved and r.answers_survey else None,
                )
            )
            yield events

    # One call for the month's logs: the policies are read once, not per request.
    # It is lazy and in order, so each log is evaluated (and dropped) right after it
    # is drawn, and ``talks[i]`` is request i's by the time its report comes.
    reports = evaluate_many(SERVICE_STANDARD, logs(), now)
    out: list[Summary] = []
    add = out.append
    value = _VALUE
    breached_state = _BREACHED_STATE
    # Unbreached outcomes are a few dozen values, shared by every request.
    shared: dict[tuple[str, MetricState, int, int], MetricOutcome] = {}
    for i, (o, report) in enumerate(zip(outcomes, reports, strict=True)):
        solved, first_contact, draws = talks[i]
        r = o.request
        # A metric's outcome is breached exactly when its state is; an unbreached
        # one is found among the shared outcomes here, without calling _metric.
        found = []
        breached = False
        for m, status in report.metrics.items():
            state = status.state
            if state is breached_state:
                breached = True
                found.append(_metric(str(m), status, now, shared))
                continue
            outcome = shared.get((m, state, status.cycles, status.breached_cycles))
            if outcome is None:
                outcome = _metric(str(m), status, now, shared)
            found.append(outcome)
        agent = o.agent
        matched = (
            None
            if r.language == "zh" or agent is None
            else r.language in speakers[agent]
        )
        wait = o.wait
        survey = None
        if draws is not None:
            mood = (
                quality[r.city]
                + 0.8 * r.noise
                - (1.0 if breached else 0.0)
                - (0.0 if first_contact else 0.5)
                + (0.4 if matched else 0.0)
                - 0.5 * _waited(wait)
            )
            survey = _answers(draws, wait, mood)
        owner = o.owner
        manager = o.manager
        decided = o.decided
        add(
            Summary(
                id=r.id,
                city=r.city,
                desk=r.desk,
                customer=r.customer,
                channel=value[r.channel],
                priority=value[o.priority],
                tier=value[r.tier],
                category=r.category,
                policy=report.policy,
                created=r.created,
                bot_only=o.bot_solved,
                assigned=agent is not None,
                wait=wait,
                handling=r.handling,
                routed_after=None if decided is None else decided - r.created,
                step=o.step,
                had_owner=owner is not None,
                to_owner=owner is not None and agent == owner,
                had_manager=manager is not None,
                to_manager=manager is not None and agent == manager,
                language=r.language,
                language_matched=matched,
                metrics=tuple(found),
                solved=solved,
                first_contact=first_contact,
                survey=survey,
            )
        )
    return out


def _metric(
    name: str,
    status: MetricStatus,
    now: dt.datetime,
    shared: dict[tuple[str, MetricState, int, int], MetricOutcome],
) -> MetricOutcome:
    """The outcome of one metric; instants are read only for breached ones (cheaper).

    An outcome without a breach is only its name, state and counts: one frozen
    value per combination, kept in ``shared`` under (name, state, cycles, breached
    cycles), serves every request that has it.
    """
    state = status.state
    due_at = status.due_at if state is _BREACHED_STATE else None
    if due_at is None:
        key = (name, state, status.cycles, status.breached_cycles)
        outcome = shared.get(key)
        if outcome is None:
            outcome = shared[key] = MetricOutcome(
                name,
                _VALUE[state],
                status.cycles,
                status.breached_cycles,
                due_at=None,
                late_by=None,
            )
        return outcome
    end = status.stopped_at or now
    # The plain datetime difference: pendulum's own builds an Interval (slow);
    # both are exact to the microsecond.
    late = max(0.0, dt.datetime.__sub__(end, due_at).total_seconds())
    return MetricOutcome(
        metric=name,
        state=_BREACHED,
        cycles=status.cycles,
        breached_cycles=status.breached_cycles,
        due_at=due_at.isoformat(),
        late_by=late,
    )


def _conversation(
    world: World, o: Outcome, rng: random.Random, maker: EventMaker
) -> tuple[list[TicketEvent], bool, bool | None]:
    """The request's event log up to the month's end; (events, solved, first contact).

    Each uniform draw is written out as ``Random.uniform`` computes it,
    ``a + (b - a) * random()``, the same float from the same draw, without its call
    (tests/cli/test_demo_events.py checks the two agree).
    """
    r = o.request
    end = world.end - 1
    draw = rng.random
    plan: list[tuple[float, TicketEvent]] = []
    add = plan.append
    reply = maker.reply
    message = maker.message
    channel = r.channel
    t = float(r.created)
    if o.bot:
        t += 1.0 + 11.0 * draw()  # the bot answers, occasionally slowly
        add((t, reply))
        if o.bot_solved:
            add((t + (60 + 300 * draw()), maker.solved))
            return _events(o, plan, end, maker), True, True
        # Handed to a person: the bot's answer was the first response; the person's
        # reply follows when an agent takes the request.
    if o.assigned is None:
        return _events(o, plan, end, maker), False, None
    low, high = _FIRST_REPLY[channel]
    span = high - low
    t = o.assigned + (low + span * draw())
    add((t, reply))
    if r.pending:
        add((t + 5, maker.pending))
        t += 3600 + (30 * 3600 - 3600) * draw()
        add((t, maker.opened))
        add((t, message))
        t += (low + span * draw()) + 600 * draw()
        add((t, reply))
    gap_low, gap_high = _CUSTOMER_GAP[channel]
    gap_span = gap_high - gap_low
    for _ in range(r.exchanges):
        t += gap_low + gap_span * draw()
        add((t, message))
        # Later replies depend on the agent's other work: sometimes they are slow.
        t += (low + span * draw()) * (1 if draw() < 0.8 else 8)
        add((t, reply))
    if r.stays_open:  # passed to the second line: on hold, not solved this month
        add((t + 60, maker.on_hold))
        return _events(o, plan, end, maker), False, None
    t = max(t + 30, o.assigned + r.handling)
    add((t, maker.solved))
    first_contact = r.exchanges == 0 and not r.pending and not r.reopens
    if r.reopens:
        t += 2 * 3600 + (48 * 3600 - 2 * 3600) * draw()
        add((t, maker.reopened))
        t += (low + span * draw()) + 1800 * draw()
        add((t, reply))
        t += 600 + (4 * 3600 - 600) * draw()
        add((t, maker.solved))
    solved = t <= end
    return _events(o, plan, end, maker), solved, (first_contact if solved else None)


def _events(
    o: Outcome,
    plan: list[tuple[float, TicketEvent]],
    end: int,
    maker: EventMaker,
) -> list[TicketEvent]:
    request = o.request
    events = [
        maker.created(
            request.created,
            priority=o.priority,
            tier=request.tier,
            channel=request.channel,
            category=request.category,
            city=request.city,
        )
    ]
    add = events.append
    zone = maker.zone
    for t, shape in plan:
        if t > end:
            break
        seconds = round(t)
        add(moved_event(shape, _from_seconds(seconds, zone), seconds * _US_PER_SECOND))
    return events


class EventMaker:
    """Builds the demo's ``TicketEvent``s: each shape built once, then moved in time.

    The demo's 130,000 events take a handful of shapes (a kind and a status, or a
    CREATED event's facts); building each through the validators cost more than
    evaluating them. A shape is built once by ``TicketEvent`` itself, which checks it
    (a follow-up's at a fixed instant, a CREATED event's at its first use); every
    event of that shape is moved to its own instant, as
    ``TicketEvent.moved_to`` would but without checking the instant again: it is
    whole Unix seconds in the demo's years and zone, so its microseconds are the
    seconds' (tests/cli/test_demo_events.py compares the events with those built
    directly, with Hypothesis).
    """

    def __init__(self, zone: dt.tzinfo) -> None:
        self.zone: Final = zone
        self._shapes: dict[tuple[object, ...], TicketEvent] = {}
        # The follow-up shapes a conversation is made of.
        self.reply: Final = self.shape(EventKind.AGENT_REPLY)
        self.message: Final = self.shape(EventKind.CUSTOMER_MESSAGE)
        self.reopened: Final = self.shape(EventKind.REOPENED)
        self.pending: Final = self.shape(EventKind.STATUS_CHANGED, TicketStatus.PENDING)
        self.opened: Final = self.shape(EventKind.STATUS_CHANGED, TicketStatus.OPEN)
        self.on_hold: Final = self.shape(EventKind.STATUS_CHANGED, TicketStatus.ON_HOLD)
        self.solved: Final = self.shape(EventKind.STATUS_CHANGED, TicketStatus.SOLVED)

    def shape(self, kind: EventKind, status: TicketStatus | None = None) -> TicketEvent:
        """The ``kind`` event (with ``status``) that every one of its kind copies.

        It is built once, by ``TicketEvent`` itself, at a fixed instant that a copy
        never keeps.
        """
        key = (kind, status)
        shape = self._shapes.get(key)
        if shape is None:
            at = _from_seconds(_SHAPE_SECONDS, self.zone)
            if status is None:
                shape = TicketEvent(at=at, kind=kind)
            else:
                shape = TicketEvent(at=at, kind=kind, status=status)
            self._shapes[key] = shape
        return shape

    def event(
        self, seconds: int, kind: EventKind, status: TicketStatus | None = None
    ) -> TicketEvent:
        """A ``kind`` event (with ``status``, for STATUS_CHANGED) at Unix ``seconds``."""
        return moved_event(
            self.shape(kind, status),
            _from_seconds(seconds, self.zone),
            seconds * _US_PER_SECOND,
        )

    def created(
        self,
        seconds: int,
        *,
        priority: Priority,
        tier: Tier,
        channel: Channel,
        category: str,
        city: str,
    ) -> TicketEvent:
        """The CREATED event at Unix ``seconds`` with these facts."""
        at = _from_seconds(seconds, self.zone)
        key = (priority, tier, channel, category, city)
        shape = self._shapes.get(key)
        if shape is not None:
            return moved_event(shape, at, seconds * _US_PER_SECOND)
        event = TicketEvent(
            at=at,
            kind=EventKind.CREATED,
            priority=priority,
            tier=tier,
            channel=channel,
            category=category,
            attributes={"city": city},
        )
        self._shapes[key] = event
        return event


def _waited(wait: int | None) -> float:
    """How much a wait weighs on the customer: 0 for none, about 1 for 10 min, 3 a day.

    Examples:
        >>> [round(_waited(w), 2) for w in (None, 0, 60, 600, 3600, 86400)]
        [0.0, 0.0, 0.3, 1.04, 1.79, 3.16]
    """
    if not wait:
        return 0.0
    return math.log10(1 + wait / 60)


def _survey(rng: random.Random, o: Outcome, mood: float) -> dict[str, object]:
    """A customer's answers: four 1-5 ratings (follow-up sometimes skipped), NPS, CSAT."""
    return _answers(_survey_draws(rng), o.wait, mood)


def _survey_draws(rng: random.Random) -> tuple[float, ...]:
    """A survey's draws, in the order its answers take them; None for a skipped one.

    Whether the follow-up is rated is drawn before its rating, and no draw depends
    on the customer's mood, so the draws can be taken before the mood is known.
    """
    gauss = rng.gauss
    speed = gauss(0.0, 0.6)
    resolution = gauss(0.0, 0.6)
    attitude = gauss(0.0, 0.6)
    follow_up = gauss(0.0, 0.6) if rng.random() < 0.7 else None
    promoter = gauss(0.0, 1.2)
    return speed, resolution, attitude, follow_up, promoter, gauss(0.0, 0.6)  # type: ignore[return-value]


def _answers(
    draws: tuple[float, ...], wait: int | None, mood: float
) -> dict[str, object]:
    """The answers of a customer in ``mood`` who waited ``wait``, from ``draws``."""
    speed, resolution, attitude, follow_up, promoter, satisfied = draws

    def rate(shift: float, noise: float) -> int:
        return min(5, max(1, round(4.3 + 0.75 * (mood + shift) + noise)))

    return {
        # The wait is what a customer rates first: a minute costs little, an
        # afternoon a lot, a night the most.
        "response_speed": rate(0.5 - 1.6 * _waited(wait), speed),
        "resolution": rate(0.0, resolution),
        "attitude": rate(0.3, attitude),
        "follow_up": None if follow_up is None else rate(-0.2, follow_up),
        "nps": min(10, max(0, round(8.9 + 1.5 * mood + promoter))),
        "csat": rate(0.1, satisfied),
    }
