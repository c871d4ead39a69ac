"""The demo's month as a use of the public desk simulation: its scenario, city by city.

Each desk (a city's own, and the national night desk) is one run of
:func:`servicekit.workforce.simulate_desk`: its requests become
:class:`~servicekit.workforce.Arrival` values (a triaged routing ticket with the
customer, language and complaint history the router's policies read, the handling
time, and a pickup delay from the router's choice to the agent taking the request);
its agents' shifts over the month become a :class:`~servicekit.workforce.Roster`;
the bot in front of the bot channel keeps most of its requests and hands the rest to
people; customers keep their last agent as case owner for a week. The simulation runs
every assignment through ``Router.dispatch``, exactly as a CRM would call it.

What the simulation reports for each request (who took it, when, under which
escalation step, whether it named a case owner) is turned here into the
:class:`Outcome` the report reads; the SLA logs and surveys are drawn from it in
:mod:`servicekit.cli._demo_tickets`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final

import attrs

from servicekit import workforce
from servicekit._vocabulary import Channel, Priority
from servicekit.cli._demo_data import NIGHT_DESK, SHIFTS, ZONE, Request, Staff, World
from servicekit.routing import EscalationStep, Router, Ticket, Triage, TriageRule
from servicekit.sla.presets import CHINA_BUSINESS_CALENDAR
from servicekit.workforce import Arrival, BotChannel, Roster, RosterShift

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from servicekit.workforce import SimulatedContact

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
ROUTER: Final = Router.default(
    owner_wait=dt.timedelta(minutes=3), escalations=ESCALATIONS
)
_COMPLAINTS: Final = frozenset({"complaint", "logistics_complaint"})
# A complaint counts as unresolved for the customer's next requests this long (the
# router's "senior for repeat complaints" reads the count from the ticket).
_COMPLAINT_OPEN: Final = 2 * 86400
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
OWNER_MEMORY: Final = dt.timedelta(days=7)  # a case owner is remembered for a week
BOT: Final = BotChannel(channel=Channel.BOT, hand_over=0.3)


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
    bot_solved: bool = False  # the bot answered and kept it

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
    by_desk = requests_by_desk(world)
    for i, desk in enumerate(desks(world)):
        for outcome in simulate_desk(world, desk, by_desk[desk]):
            found[outcome.request.id] = outcome
        if progress is not None:
            progress(i + 1)
    return [found[r.id] for r in world.requests]


def desks(world: World) -> tuple[str, ...]:
    """Every desk: the cities' own, then the national night desk."""
    return (*(c.name for c in world.cities), NIGHT_DESK)


def requests_by_desk(world: World) -> dict[str, list[Request]]:
    """Each desk's requests, in order of arrival (one pass over the month)."""
    out: dict[str, list[Request]] = {d: [] for d in desks(world)}
    for r in world.requests:
        out[r.desk].append(r)
    return out


def simulate_desk(
    world: World, desk: str, requests: list[Request] | None = None
) -> list[Outcome]:
    """One desk's month: its requests and its agents, independent of every other desk.

    ``requests``: the desk's requests, when the caller has them sorted by desk
    already (None: picked out of the world's).
    """
    if requests is None:
        requests = [r for r in world.requests if r.desk == desk]
    staff = tuple(s for s in world.staff if s.city == desk)
    given = arrivals(requests)
    run = workforce.simulate_desk(
        seed=world.seed,
        start=_at(world.start),
        until=_at(world.end),
        target_answer=dt.timedelta(seconds=20),
        arrivals=given,
        agents=[s.agent for s in staff],
        roster=roster(world, staff),
        router=ROUTER,
        owner_memory=OWNER_MEMORY,
        bot=BOT,
    )
    by_id = {r.id: r for r in requests}
    priority = {a.ticket.id: a.ticket.priority for a in given}
    return [_outcome(world, by_id[c.id], priority[c.id], c) for c in run.contacts]


def arrivals(requests: list[Request]) -> list[Arrival]:
    """Each request as the simulation's arrival: its triaged ticket, handling, pickup.

    Examples:
        >>> from servicekit.cli._demo_data import generate
        >>> world = generate(1, "2025-02", volume=60)
        >>> a = arrivals(list(world.requests[:3]))
        >>> [x.ticket.id for x in a] == [r.id for r in world.requests[:3]]
        True
    """
    complaints: dict[str, list[int]] = {}
    shapes = _SHAPES
    frozen = _ATTRIBUTES
    repeat = Arrival.repeated
    zone = ZONE
    second = _SECOND
    out = []
    for r in requests:
        customer = r.customer
        category = r.category
        created = r.created
        if category in _COMPLAINTS:
            complaints.setdefault(customer, []).append(created)
        recent = complaints.get(customer)
        unresolved = (
            sum(1 for t in recent if created - t < _COMPLAINT_OPEN) if recent else 0
        )
        key = (r.tier, r.channel, r.skill, r.language, category)
        shape = shapes.get(key)
        if shape is None:
            shape = shapes[key] = _shape(r)
        facts = (r.city, category, unresolved)
        attributes = frozen.get(facts)
        arrival = repeat(
            shape,
            id=r.id,
            created_at=_from_seconds(created, zone),
            handling=second * r.handling,
            customer_id=customer,
            attributes=attributes
            or {
                "city": r.city,
                "category": category,
                "unresolved_complaints": unresolved,
            },
            pickup=second * pickup(r),
        )
        if attributes is None:
            frozen[facts] = arrival.ticket.attributes
        out.append(arrival)
    return out


# The month's requests come in a few hundred shapes (what triage reads and the
# router matches on: the same at every desk); each shape is built and triaged once
# in a process, then repeated. A shape's id, instant, customer, attributes, handling
# and pickup are never read: every repeat sets its own. Likewise each of the few
# thousand combinations of ticket attributes is frozen once, by its first ticket,
# and later tickets share it.
_SHAPES: dict[tuple[object, ...], Arrival] = {}
_ATTRIBUTES: dict[tuple[str, str, int], Mapping[str, Any]] = {}
_SECOND: Final = dt.timedelta(seconds=1)
_from_seconds: Final = dt.datetime.fromtimestamp


def _shape(r: Request) -> Arrival:
    """A triaged arrival of ``r``'s shape (triage reads category, tier and channel)."""
    ticket = TRIAGE.apply(
        Ticket(
            id=r.id,
            created_at=_at(r.created),
            priority=Priority.NORMAL,
            tier=r.tier,
            channel=r.channel,
            skills=() if r.skill is None else (r.skill,),
            language=r.language,
            attributes={"category": r.category},
        )
    )
    return Arrival(
        ticket=ticket, handling=dt.timedelta(seconds=r.handling), kind=r.category
    )


def roster(world: World, staff: tuple[Staff, ...]) -> Roster:
    """The desk's shifts worked in the month, as the simulation's roster."""
    names = {s.agent.id: s.shift for s in staff}
    shifts = []
    for on, off, agent_id in shifts_worked(world, staff):
        begin = _at(on)
        shifts.append(
            RosterShift(
                agent=agent_id,
                template=names[agent_id],
                day=begin.date(),
                start=begin,
                end=_at(off),
            )
        )
    return Roster(shifts=shifts)


def _at(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, ZONE)


def _seconds(at: dt.datetime | None) -> int | None:
    return None if at is None else round(at.timestamp())


def _outcome(
    world: World, request: Request, priority: Priority, contact: SimulatedContact
) -> Outcome:
    """What the report reads about one request, from what the simulation says."""
    return Outcome(
        request=request,
        priority=priority,
        agent=contact.agent_id,
        assigned=_seconds(contact.answered_at),
        step=contact.step or "standard",
        owner=contact.owner_id,
        manager=world.managers.get(request.customer),
        bot=request.channel is Channel.BOT,
        decided=_seconds(contact.routed_at),
        bot_solved=contact.by_bot,
    )


def pickup(request: Request) -> int:
    """Seconds from the router's choice to the agent taking ``request`` (from its seed).

    Examples:
        >>> from servicekit.cli._demo_data import generate
        >>> r = generate(1, "2025-02", volume=60).requests[0]
        >>> pickup(r) == pickup(r) and 4 <= pickup(r) <= 600
        True
    """
    low, high = _PICKUP[request.channel]
    # A fraction in [0, 1) from the request's own seed: a multiplicative hash
    # (Knuth's), as reproducible as a seeded generator and far cheaper to make.
    share = (request.seed * 0x9E3779B1 & 0xFFFFFFFF) / 0x100000000
    return round(low + share * (high - low))
