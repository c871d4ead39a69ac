"""The demo's month, simulated: triage, routing and handling, city by city.

Each city's desk is an event simulation over the month. Agents come on and off shift;
requests arrive; whenever work or an agent becomes free, the waiting queue goes through
``Router.dispatch`` (triage, queue order, eligibility, ranking, escalation) with the
agents on shift, exactly as a CRM would call it; an assigned request occupies one unit
of the agent's capacity on its channel for its handling time. Requests that wait are
offered again when an escalation step relaxes their requirements. The bot answers bot
requests itself and hands a third of them to people.

The outcome of each request (who took it, when, under which escalation step, whether it
went to the case owner, the dedicated manager or a speaker of the customer's language)
feeds the SLA event logs and the report.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections import Counter
from typing import TYPE_CHECKING, Final

import attrs

from servicekit._vocabulary import Channel, Priority
from servicekit.cli._demo_data import NIGHT_DESK, SHIFTS, ZONE, Request, Staff, World
from servicekit.routing import EscalationStep, Router, Ticket, Triage, TriageRule
from servicekit.sla.presets import CHINA_BUSINESS_CALENDAR

if TYPE_CHECKING:
    from collections.abc import Callable

    from servicekit.routing import Agent

TRIAGE: Final = Triage(
    rules=[
        TriageRule(
            name="outage",
            when={"attributes.category": "outage"},
            priority="urgent",
            skills={"technical"},
            min_levels={"technical": 6},
        ),
        TriageRule(
            name="complaint from a valued customer",
            when={
                "attributes.category": "complaint",
                "tier": ["high_value", "potential"],
            },
            priority="high",
            skills={"service_recovery"},
            min_levels={"service_recovery": 6},
        ),
        TriageRule(
            name="logistics complaint",
            when={"attributes.category": "logistics_complaint"},
            priority="high",
            skills={"logistics"},
        ),
        TriageRule(
            name="complaint",
            when={"attributes.category": "complaint"},
            priority="normal",
            skills={"service_recovery"},
        ),
        TriageRule(
            name="billing for a key account",
            when={"attributes.category": "billing", "tier": "high_value"},
            priority="high",
            skills={"billing"},
            min_levels={"billing": 6},
        ),
        TriageRule(
            name="billing", when={"attributes.category": "billing"}, skills={"billing"}
        ),
        TriageRule(
            name="requirement",
            when={"attributes.category": "requirement"},
            skills={"solutions"},
        ),
        TriageRule(
            name="product and account questions",
            when={"attributes.category": ["product_question", "account"]},
            priority="normal",
            skills={"product"},
        ),
        TriageRule(name="anything else", when={"channel": "email"}, priority="low"),
    ]
)
ESCALATIONS: Final = (
    EscalationStep(
        after=dt.timedelta(minutes=5), name="any language", drop_language=True
    ),
    EscalationStep(
        after=dt.timedelta(minutes=15), name="lower skill levels", lower_levels_by=3
    ),
    EscalationStep(
        after=dt.timedelta(minutes=45),
        name="anyone",
        drop_all_skills=True,
        drop_policies={"senior for repeat complaints"},
    ),
)
# Tickets are triaged once, on arrival; the router then orders and assigns them.
ROUTER: Final = Router.default(
    owner_wait=dt.timedelta(minutes=3), escalations=ESCALATIONS
)
_OWNER_WAIT: Final = dt.timedelta(minutes=3)
# A waiting ticket is offered again whenever the router would decide differently:
# when the wait for a busy case owner ends, and when each escalation step begins.
_RETRY_AFTER: Final = tuple(
    sorted(
        {int(_OWNER_WAIT.total_seconds())}
        | {int(s.after.total_seconds()) for s in ESCALATIONS}
    )
)
_COMPLAINTS: Final = frozenset({"complaint", "logistics_complaint"})
# (lowest, highest) seconds from the router's choice to the agent taking the request:
# the phone rings, a chat pops up, an email lands in a personal queue. Without it a
# request the router could only place when an escalation step began was "taken" at
# that very second, and waits piled up exactly on the steps (3, 5, 15, 45 min).
_PICKUP: Final = {
    Channel.PHONE: (4.0, 25.0),
    Channel.CHAT: (5.0, 45.0),
    Channel.EMAIL: (30.0, 600.0),
    Channel.WEB: (30.0, 600.0),
    Channel.SOCIAL: (20.0, 300.0),
    Channel.BOT: (5.0, 45.0),
}
_OWNER_MEMORY: Final = 7 * 86400  # a case owner is remembered for a week

# Event kinds, in the order they are processed at the same second.
_DONE, _OFF, _ON, _ARRIVE, _RETRY = range(5)


@attrs.frozen
class Outcome:
    """What happened to one request."""

    request: Request
    priority: Priority
    agent: str | None  # None: the bot solved it, or it still waits at month end
    assigned: int | None  # Unix seconds: the agent takes the request
    step: str
    owner: str | None
    manager: str | None
    bot: bool
    decided: int | None = None  # Unix seconds: the router chose the agent

    @property
    def wait(self) -> int | None:
        """Seconds from arrival to assignment (None when never assigned)."""
        return None if self.assigned is None else self.assigned - self.request.created


def shifts_worked(world: World, staff: tuple[Staff, ...]) -> list[tuple[int, int, str]]:
    """(start, end, agent id) in Unix seconds for every shift worked in the month."""
    out = []
    first = dt.datetime.fromtimestamp(world.start, ZONE).date()
    last = dt.datetime.fromtimestamp(world.end - 1, ZONE).date()
    day = first - dt.timedelta(days=1)  # the night shift starting the evening before
    while day <= last:
        midnight = int(
            dt.datetime(day.year, day.month, day.day, tzinfo=ZONE).timestamp()
        )
        holiday = not CHINA_BUSINESS_CALENDAR.is_business_day(day) and day.weekday() < 5
        make_up = CHINA_BUSINESS_CALENDAR.is_business_day(day) and day.weekday() >= 5
        for k, s in enumerate(staff):
            weekday = day.weekday()
            if make_up:
                weekday = 0  # a make-up day is worked like a Monday
            if weekday in s.days_off:
                continue
            if holiday and (k + day.toordinal()) % 2:
                continue  # half the team has the public holiday off
            begin, end = SHIFTS[s.shift]
            on, off = midnight + begin * 60, midnight + end * 60
            if off > world.start and on < world.end:
                out.append((on, off, s.agent.id))
        day += dt.timedelta(days=1)
    return out


def simulate(
    world: World, progress: Callable[[int], None] | None = None
) -> list[Outcome]:
    """Run every city's month; outcomes in the order of ``world.requests``.

    Examples:
        >>> from servicekit.cli._demo_data import generate
        >>> world = generate(1, "2025-02", volume=60)
        >>> outcomes = simulate(world)
        >>> len(outcomes) == len(world.requests)
        True
    """
    found: dict[str, Outcome] = {}
    for i, desk in enumerate(desks(world)):
        for outcome in simulate_desk(world, desk):
            found[outcome.request.id] = outcome
        if progress is not None:
            progress(i + 1)
    return [found[r.id] for r in world.requests]


def desks(world: World) -> tuple[str, ...]:
    """Every desk: the cities' own, then the national night desk."""
    return (*(c.name for c in world.cities), NIGHT_DESK)


def simulate_desk(world: World, desk: str) -> list[Outcome]:
    """One desk's month: its requests and its agents, independent of every other desk."""
    requests = [r for r in world.requests if r.desk == desk]
    staff = tuple(s for s in world.staff if s.city == desk)
    return _city(world, requests, staff)


def _city(
    world: World, requests: list[Request], staff: tuple[Staff, ...]
) -> list[Outcome]:
    """One city's desk over the month."""
    agents: dict[str, Agent] = {s.agent.id: s.agent for s in staff}
    on_shift: set[str] = set()
    queue: dict[str, Ticket] = {}
    pending: dict[str, Request] = {}
    handling: dict[str, tuple[str, Channel]] = {}
    owners: dict[str, tuple[str, int]] = {}
    open_complaints: dict[str, int] = {}
    handled_for: dict[str, str] = {}
    outcomes: list[Outcome] = []
    heap: list[tuple[int, int, int, str]] = []
    seq = 0
    for on, off, agent_id in shifts_worked(world, staff):
        heap.append((on, _ON, seq, agent_id))
        heap.append((off, _OFF, seq + 1, agent_id))
        seq += 2
    for r in requests:
        heap.append((r.created, _ARRIVE, seq, r.id))
        seq += 1
        pending[r.id] = r
    heapq.heapify(heap)

    # Kept up to date as agents and tickets change, so that the (frequent) events
    # after which nobody on shift has room for any waiting channel cost no dispatch.
    rooms = {i: _room(a) for i, a in agents.items()}
    waiting: Counter[Channel] = Counter()
    present_ids: list[str] = []

    def dispatch(now: int) -> None:
        nonlocal seq
        if not queue:
            return
        open_channels = [c for c, n in waiting.items() if n]
        if not any(not rooms[i].isdisjoint(open_channels) for i in present_ids):
            return
        present = [agents[i] for i in present_ids]
        when = dt.datetime.fromtimestamp(now, ZONE)
        # The router keeps its team index across calls while the agents' indexed
        # facts stay the same objects, so the indexed strategy is the cheap one here.
        result = ROUTER.dispatch(list(queue.values()), present, when)
        for agent in result.agents:
            if agents[agent.id] is not agent:  # the router returns the others as given
                agents[agent.id] = agent
                rooms[agent.id] = _room(agent)
        for a in result.assignments:
            ticket = queue.pop(a.ticket_id)
            waiting[ticket.channel] -= 1
            request = pending.pop(a.ticket_id)
            owners[request.customer] = (a.agent_id, now)
            handling[a.ticket_id] = (a.agent_id, ticket.channel)
            if request.category in _COMPLAINTS:
                handled_for[a.ticket_id] = request.customer
            else:
                handled_for[a.ticket_id] = ""
            taken = now + pickup(request)
            heapq.heappush(heap, (taken + request.handling, _DONE, seq, a.ticket_id))
            seq += 1
            outcomes.append(
                Outcome(
                    request=request,
                    priority=ticket.priority,
                    agent=a.agent_id,
                    assigned=taken,
                    step=a.step,
                    owner=ticket.owner_id,
                    manager=_manager(world, request),
                    bot=request.channel is Channel.BOT,
                    decided=now,
                )
            )

    while heap:
        now, kind, _, key = heapq.heappop(heap)
        if kind == _ON:
            on_shift.add(key)
            present_ids = sorted(on_shift)
        elif kind == _OFF:
            on_shift.discard(key)
            present_ids = sorted(on_shift)
            continue  # one agent fewer never lets a waiting ticket be placed
        elif kind == _DONE:
            agent_id, channel = handling.pop(key)
            customer = handled_for.pop(key)
            if customer in open_complaints:
                open_complaints[customer] -= 1
            agent = agents[agent_id]
            agents[agent_id] = agent = agent.with_load(
                {**agent.load, channel: agent.load[channel] - 1}
            )
            rooms[agent_id] = _room(agent)
        elif kind == _ARRIVE:
            request = pending[key]
            if request.category in _COMPLAINTS and not request.bot_solves:
                open_complaints[request.customer] = (
                    open_complaints.get(request.customer, 0) + 1
                )
            ticket = TRIAGE.apply(_ticket(request, now, owners, open_complaints))
            if request.bot_solves:
                del pending[key]
                outcomes.append(_bot_outcome(world, request, ticket.priority))
                continue
            queue[key] = ticket
            waiting[ticket.channel] += 1
            for after in _RETRY_AFTER:
                heapq.heappush(heap, (now + after, _RETRY, seq, key))
                seq += 1
        elif key not in queue:  # a retry for a ticket already taken
            continue
        if now >= world.end:
            break
        dispatch(now)
    for key, ticket in sorted(queue.items()):
        request = pending[key]
        outcomes.append(
            Outcome(
                request=request,
                priority=ticket.priority,
                agent=None,
                assigned=None,
                step="standard",
                owner=ticket.owner_id,
                manager=_manager(world, request),
                bot=request.channel is Channel.BOT,
            )
        )
    return outcomes


def pickup(request: Request) -> int:
    """Seconds from the router's choice to the agent taking ``request`` (from its seed).

    Examples:
        >>> from servicekit.cli._demo_data import generate
        >>> r = generate(1, "2025-02", volume=60).requests[0]
        >>> pickup(r) == pickup(r) and 4 <= pickup(r) <= 600
        True
    """
    low, high = _PICKUP[request.channel]
    return round(random.Random(request.seed ^ 0x5EED).uniform(low, high))


def _room(agent: Agent) -> frozenset[Channel]:
    """The channels on which ``agent`` can take one more ticket now."""
    return frozenset(c for c, n in agent.capacity.items() if agent.load.get(c, 0) < n)


def _manager(world: World, request: Request) -> str | None:
    return world.managers.get(request.customer)


def _bot_outcome(world: World, request: Request, priority: Priority) -> Outcome:
    return Outcome(
        request=request,
        priority=priority,
        agent=None,
        assigned=None,
        step="standard",
        owner=None,
        manager=_manager(world, request),
        bot=True,
    )


def _ticket(
    request: Request,
    now: int,
    owners: dict[str, tuple[str, int]],
    open_complaints: dict[str, int],
) -> Ticket:
    """The routing ticket for a request, with its owner and complaint history."""
    owner = owners.get(request.customer)
    owner_id = (
        owner[0] if owner is not None and now - owner[1] <= _OWNER_MEMORY else None
    )
    return Ticket(
        id=request.id,
        created_at=dt.datetime.fromtimestamp(request.created, ZONE),
        priority=Priority.NORMAL,
        tier=request.tier,
        channel=request.channel,
        skills=() if request.skill is None else (request.skill,),
        language=request.language,
        customer_id=request.customer,
        owner_id=owner_id,
        attributes={
            "city": request.city,
            "category": request.category,
            "unresolved_complaints": open_complaints.get(request.customer, 0),
        },
    )
