"""The event loop of the desk simulation: arrivals, hang-ups, shifts and the router.

Private: [`simulate_desk`][servicekit.workforce.simulate_desk] checks the inputs and
builds the result; this module only runs the events. Time is carried as float seconds
since the start and turned into instants (microseconds) only where the router and the
SLA clocks need them. Every random draw comes from streams seeded from the one seed,
so a run is a pure function of its inputs. It must never read a clock, use the global
random generator, or do I/O.
"""

from __future__ import annotations

import collections
import heapq
import math
import random
from typing import TYPE_CHECKING, Final, NamedTuple

from servicekit.routing import Agent, OwnerStickiness, Router, Ticket
from servicekit.routing import _values as v
from servicekit.routing._session import Session

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Collection, Sequence

    from servicekit._vocabulary import Channel
    from servicekit.workforce._simulation import ContactType

# Events at the same instant are handled in this order: an agent who finishes or comes
# on duty is free before the contacts arriving then are offered; a contact with no
# patience at all (Erlang B's loss system) is offered before it hangs up.
_DONE, _OFF, _ON, _ARRIVE, _RETRY, _HANG_UP = range(6)
_MICRO: Final = 1e6


class Draws(NamedTuple):
    """What the random streams (or the caller) fixed for one contact beforehand."""

    arrival: float  # seconds since the start
    kind: int  # index into the contact types (or the kinds named by arrivals)
    patience: float  # seconds; inf: waits as long as it takes
    handling: float  # seconds
    ticket: Ticket | None = None  # a given arrival's own ticket; None: built from kind
    pickup: float = 0.0  # seconds from the router's choice to the agent taking it
    bot_keeps: bool = False  # the bot answered it and kept it: it never queues


class Outcome(NamedTuple):
    """What happened to one contact, in seconds since the start."""

    draws: Draws
    answered: float | None
    ended: float | None  # handling done, or hung up (or the bot's arrival answer)
    agent: str | None
    routed: float | None = None  # the router chose the agent
    step: str | None = None  # the escalation step the router chose under
    owner: str | None = None  # the case owner the ticket named


class Memory(NamedTuple):
    """Who last took a customer's contact, and when (for case owners across contacts)."""

    agent: str
    at: float  # seconds since the start


def streams(seed: int) -> tuple[random.Random, random.Random, random.Random]:
    """Three independent generators (arrivals and kinds, patience, handling) from a seed.

    Separate streams give a contact the same patience and handling time whatever
    the staffing (common random numbers), so two desk sizes run with one seed differ
    by the staffing alone.
    """
    # Draws reproducible from the seed are the point; nothing here is secret.
    root = random.Random(seed)  # noqa: S311
    arrivals, patience, handling = (
        random.Random(root.getrandbits(64))  # noqa: S311
        for _ in range(3)
    )
    return arrivals, patience, handling


def bot_stream(seed: int) -> random.Random:
    """The bot's own generator: which contacts it hands over.

    The fourth draw from the seed's root, after the three of :func:`streams`, so a
    run without a bot draws exactly what it drew before bots existed.
    """
    root = random.Random(seed)  # noqa: S311
    for _ in range(3):
        root.getrandbits(64)
    return random.Random(root.getrandbits(64))  # noqa: S311


def draw_contacts(  # noqa: PLR0917 -- private: the checked inputs of a run
    seed: int,
    volumes: Sequence[float],
    interval_s: float,
    kinds: Sequence[ContactType],
    patience_s: float,
    handling: Sequence[float] | float,
) -> list[Draws]:
    """Every contact of the forecast, in order of arrival.

    Arrivals are a Poisson process whose rate is constant within an interval
    (``volume / interval``): exponential gaps, restarted at each interval's start
    (the process is memoryless, so restarting changes nothing but keeps each
    interval's count Poisson with mean its volume). A contact's kind is drawn by
    weight; its patience is exponential with the mean given (``inf``: none); its
    handling time is exponential with its kind's mean or the desk's, or drawn from
    the sample of handling times given.
    """
    arrivals, patience_rng, handling_rng = streams(seed)
    weights = [k.weight for k in kinds]
    cumulative = [math.fsum(weights[: i + 1]) for i in range(len(weights))]
    total = cumulative[-1]
    out: list[Draws] = []
    for i, volume in enumerate(volumes):
        if volume <= 0:
            continue
        rate = volume / interval_s
        begin = i * interval_s
        end = begin + interval_s
        at = begin + arrivals.expovariate(rate)
        while at < end:
            kind = 0
            if len(kinds) > 1:
                kind = min(
                    _bisect(cumulative, arrivals.random() * total), len(kinds) - 1
                )
            wait = (
                math.inf
                if math.isinf(patience_s)
                else (
                    0.0 if patience_s == 0 else patience_rng.expovariate(1 / patience_s)
                )
            )
            out.append(
                Draws(at, kind, wait, _handling(kinds[kind], handling, handling_rng))
            )
            at += arrivals.expovariate(rate)
    return out


def _bisect(cumulative: Sequence[float], x: float) -> int:
    lo, hi = 0, len(cumulative)
    while lo < hi:
        mid = (lo + hi) // 2
        if cumulative[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _handling(
    kind: ContactType, handling: Sequence[float] | float, rng: random.Random
) -> float:
    if kind.aht is not None:
        return rng.expovariate(1.0 / kind.aht.total_seconds())
    if isinstance(handling, float):
        return rng.expovariate(1.0 / handling)
    return handling[int(rng.random() * len(handling))]


class Desk:
    """One run: the agents' state, the queue, and the events still to come."""

    def __init__(  # noqa: PLR0917 -- private: the checked inputs of a run
        self,
        router: Router,
        agents: Sequence[Agent],
        duty: Sequence[tuple[float, float, str]] | None,
        kinds: Sequence[ContactType],
        base: dt.datetime,
        zone: dt.tzinfo,
        *,
        until: float = math.inf,
        owner_memory: float | None = None,
    ) -> None:
        self.router = router
        self.kinds = kinds
        self.base = base
        self.base_us = v.micros(base)
        self.zone = zone
        # The start's UTC wall clock labelled with the zone: adding a duration
        # keeps the label, and the zone's fromutc then reads the sum as UTC, which
        # is what astimezone does after its own subtraction of a zero offset.
        self.base_in_zone = base.replace(tzinfo=zone)
        self.fromutc = zone.fromutc
        self.agents = {a.id: a for a in agents}
        self.rooms = {a.id: _room(a) for a in agents}
        # With built-in policies only, a session keeps the agents' live state and
        # decides as the router would, without its words (see routing._session).
        self.session = Session(router, agents) if Session.serves(router) else None
        self.heap: list[tuple[float, int, int, int | str]] = []
        self.seq = 0
        if duty is None:
            self.on_duty = collections.Counter(list(self.agents))
        else:
            # A count, not a set: a CRM's rota may give one agent overlapping
            # shifts, and the first to end must not take the agent off duty.
            self.on_duty = collections.Counter()
            for on, off, agent in duty:
                self._push(on, _ON, agent)
                self._push(off, _OFF, agent)
        # A tuple, made anew only when someone comes or goes: the session knows
        # an unchanged line-up by identity.
        self.present = tuple(sorted(+self.on_duty))
        self.retries = sorted({s.after.total_seconds() for s in router.escalations})
        # A ticket naming its case owner is offered again when its wait for the
        # busy owner ends: the router then lets others take it.
        self.owner_waits = sorted(
            {
                p.wait.total_seconds()
                for p in router.policies
                if isinstance(p, OwnerStickiness)
            }
            - set(self.retries)
        )
        self.until = until
        self.owner_memory = owner_memory
        self.memory: dict[str, Memory] = {}
        self.owner_named: dict[int, str] = {}
        self.queue: dict[int, Ticket] = {}
        self.waiting: dict[Channel, int] = {}
        self.holding: dict[int, tuple[str, Channel]] = {}
        # Each waiting contact's retries not yet on the heap, as (instant, sequence
        # number), latest first (see _later).
        self.later: dict[int, list[tuple[float, int]]] = {}

    def _push(self, at: float, kind: int, key: int | str) -> None:
        heapq.heappush(self.heap, (at, kind, self.seq, key))
        self.seq += 1

    def _later(self, i: int) -> None:
        """Put contact ``i``'s next retry on the heap, if it still waits and has one.

        Most contacts are taken long before their first retry, which would then only
        be popped and dropped: so a contact's retries go on the heap one at a time,
        each once the one before found it still waiting. Each keeps the sequence
        number it was given on arrival, so the events run in the very order they
        would if all had been pushed then.
        """
        steps = self.later.get(i)
        if steps and i in self.queue:
            at, seq = steps.pop()
            heapq.heappush(self.heap, (at, _RETRY, seq, i))

    def instant(self, seconds: float) -> dt.datetime:
        """The instant ``seconds`` after the start, to the microsecond, in UTC."""
        return self.base + v.MICROSECOND * round(seconds * _MICRO)

    def local(self, seconds: float) -> dt.datetime:
        """The instant ``seconds`` after the start, in the start's zone.

        ``instant(seconds).astimezone(zone)`` exactly (``base`` is in UTC), without
        building the UTC value first. (A timedelta times a whole number is exact, and
        several times cheaper to make than ``timedelta(microseconds=...)``.)
        """
        return self.fromutc(self.base_in_zone + v.MICROSECOND * round(seconds * _MICRO))

    def run(self, draws: Sequence[Draws]) -> list[Outcome]:
        """Run every event; one outcome per contact, in the order of ``draws``."""
        answered: list[float | None] = [None] * len(draws)
        ended: list[float | None] = [None] * len(draws)
        taken_by: list[str | None] = [None] * len(draws)
        routed: list[float | None] = [None] * len(draws)
        steps: list[str | None] = [None] * len(draws)
        heap = self.heap
        for i, d in enumerate(draws):
            if d.bot_keeps:
                ended[i] = d.arrival  # answered and kept by the bot on arrival
            else:
                heap.append((d.arrival, _ARRIVE, self.seq, i))
                self.seq += 1
        # Made a heap at once rather than pushed one by one: the same events, each
        # with its own sequence number, so they pop in the same order either way.
        heapq.heapify(heap)
        pop = heapq.heappop
        until = self.until
        # After every dispatch no waiting contact can be placed (the router places
        # greedily, and placing one only ever uses room up). So an event needs a
        # dispatch only if it could let a contact be placed: whether an agent may
        # take a contact depends on that agent's own room and the contact's own
        # facts and wait, so only the agent or the contact the event changed can
        # have become a match. The router itself decides whether it is one.
        while heap:
            now, kind, _, key = pop(heap)
            if now >= until:
                break  # nothing more happens: who still waits, waits
            if kind == _DONE:
                assert isinstance(key, int)  # noqa: S101 -- the heap's own invariant
                agent_id, channel = self._finish(key)
                if not (
                    self.waiting.get(channel)
                    and self.on_duty[agent_id] > 0
                    and channel in self.rooms[agent_id]
                ):
                    continue
                candidates = self._on_channels({channel})
            elif kind == _ON:
                agent_id = str(key)
                self.on_duty[agent_id] += 1
                self.present = tuple(sorted(+self.on_duty))
                if not self._room_for_waiting(agent_id):
                    continue
                candidates = self._on_channels(self.rooms[agent_id])
            elif kind == _OFF:
                agent_id = str(key)
                self.on_duty[agent_id] -= 1
                self.present = tuple(sorted(+self.on_duty))
                # One agent fewer lets a contact be placed only when it was
                # waiting for that agent as its case owner.
                if self.on_duty[agent_id] > 0 or not self.owner_named:
                    continue
                candidates = [
                    i for i, t in self.queue.items() if t.owner_id == agent_id
                ]
            elif kind == _ARRIVE:
                assert isinstance(key, int)  # noqa: S101 -- the heap's own invariant
                if not self._room_on(self._arrive(key, draws[key]).channel):
                    self._later(key)
                    continue
                candidates = [key]
            elif kind == _HANG_UP:
                assert isinstance(key, int)  # noqa: S101 -- the heap's own invariant
                ticket = self.queue.pop(key, None)
                if ticket is not None:
                    self.waiting[ticket.channel] -= 1
                    ended[key] = now
                continue
            else:  # a retry: the contact's wait crossed one of the router's steps
                assert isinstance(key, int)  # noqa: S101 -- the heap's own invariant
                waiting = self.queue.get(key)
                if waiting is None:
                    continue
                if not self._room_on(waiting.channel):
                    self._later(key)
                    continue
                candidates = [key]
            for i, agent_id, step in self._dispatch(now, candidates):
                # The agent's capacity is held from the router's choice; the
                # contact is taken after its pickup delay.
                taken = now + draws[i].pickup
                answered[i] = taken
                ended[i] = taken + draws[i].handling
                taken_by[i] = agent_id
                routed[i] = now
                steps[i] = step
                self._push(taken + draws[i].handling, _DONE, i)
            if kind >= _ARRIVE:  # an arrival or a retry: its contact's next retry
                self._later(key)  # type: ignore[arg-type]
        owners = self.owner_named
        return [
            Outcome(
                d,
                answered[i],
                ended[i],
                taken_by[i],
                routed[i],
                steps[i],
                owners.get(i),
            )
            for i, d in enumerate(draws)
        ]

    def _room_on(self, channel: Channel) -> bool:
        """Someone on duty has room on ``channel``."""
        rooms = self.rooms
        return any(channel in rooms[a] for a in self.present)

    def _room_for_waiting(self, agent_id: str) -> bool:
        """``agent_id`` has room on a channel someone waits on."""
        return any(self.waiting.get(c) for c in self.rooms[agent_id])

    def _on_channels(self, channels: Collection[Channel]) -> list[int]:
        """The waiting contacts on ``channels``, in order of arrival."""
        return [i for i, t in self.queue.items() if t.channel in channels]

    def _arrive(self, i: int, d: Draws) -> Ticket:
        ticket = d.ticket
        if ticket is None:
            kind = self.kinds[d.kind]
            ticket = Ticket(
                id=f"C{i + 1}",
                created_at=self.instant(d.arrival),
                priority=kind.priority,
                tier=kind.tier,
                channel=kind.channel,
                skills=kind.skills,
                min_levels=kind.min_levels,
                language=kind.language,
                attributes={"kind": kind.name},
            )
        elif (
            self.owner_memory is not None
            and ticket.owner_id is None
            and ticket.customer_id is not None
        ):
            seen = self.memory.get(ticket.customer_id)
            if seen is not None and d.arrival - seen.at <= self.owner_memory:
                # The owner is an id the router itself chose: nothing to check.
                ticket = v.trusted_evolve(ticket, owner_id=seen.agent)
        # The retries' sequence numbers are taken here, in the order they were
        # always pushed in; _later pushes them one at a time.
        steps = []
        if ticket.owner_id is not None:
            self.owner_named[i] = ticket.owner_id
            for after in self.owner_waits:
                steps.append((d.arrival + after, self.seq))
                self.seq += 1
        self.queue[i] = ticket
        self.waiting[ticket.channel] = self.waiting.get(ticket.channel, 0) + 1
        if not math.isinf(d.patience):
            self._push(d.arrival + d.patience, _HANG_UP, i)
        for after in self.retries:
            steps.append((d.arrival + after, self.seq))
            self.seq += 1
        if steps:
            steps.sort(reverse=True)
            self.later[i] = steps
        return ticket

    def _finish(self, i: int) -> tuple[str, Channel]:
        """Free the capacity contact ``i`` held; (its agent, its channel)."""
        agent_id, channel = self.holding.pop(i)
        session = self.session
        if session is not None:
            # One fewer on this channel: only this channel's room can open.
            if session.release(agent_id, channel):
                self.rooms[agent_id] = self.rooms[agent_id] | {channel}
            return agent_id, channel
        agent = self.agents[agent_id]
        agent = agent.with_load({**agent.load, channel: agent.load[channel] - 1})
        self.agents[agent_id] = agent
        if agent.available:  # one fewer on a channel always leaves room on it
            self.rooms[agent_id] = self.rooms[agent_id] | {channel}
        return agent_id, channel

    def _dispatch(
        self, now: float, candidates: list[int]
    ) -> list[tuple[int, str, str]]:
        """Offer the waiting ``candidates`` to everyone on duty; what was placed.

        Only the contacts an event may have made placeable are offered (see
        ``run``): the others could be placed by nobody before the event and still
        cannot, so leaving them out changes nothing the router decides (every agent
        on duty is still offered, since who is present decides the case owners' and
        managers' claims) and saves the router reading the whole queue.
        """
        if not candidates:
            return []
        queue = self.queue
        tickets = [queue[i] for i in candidates]
        rooms = self.rooms
        session = self.session
        if session is not None:
            # The instant in microseconds as instant() makes it, without reading
            # it back from the datetime. The queue holds distinct, unassigned
            # tickets (arrivals are checked so; the desk's own are made so).
            placed = session.dispatch(
                tickets,
                self.present,
                self.instant(now),
                self.base_us + round(now * _MICRO),
                checked=True,
            )
            taken = self._taken(now, candidates, tickets, placed)
            for i, agent_id, _ in taken:
                # One more on this channel: only this channel's room can end.
                channel = self.holding[i][1]
                if not session.has_room(agent_id, channel):
                    rooms[agent_id] = rooms[agent_id] - {channel}
            return taken
        result = self.router.dispatch(
            tickets,
            [self.agents[a] for a in self.present],
            self.instant(now),
        )
        for agent in result.agents:
            if self.agents[agent.id] is not agent:  # the others come back as given
                self.agents[agent.id] = agent
                rooms[agent.id] = _room(agent)
        return self._taken(
            now,
            candidates,
            tickets,
            [(a.ticket_id, a.agent_id, a.step) for a in result.assignments],
        )

    def _taken(
        self,
        now: float,
        candidates: list[int],
        tickets: list[Ticket],
        placed: list[tuple[str, str, str]],
    ) -> list[tuple[int, str, str]]:
        """Take the ``placed`` contacts off the queue; (contact, agent, step) each.

        ``tickets``: the ``candidates``' tickets, in their order.
        """
        taken: list[tuple[int, str, str]] = []
        if not placed:
            return taken  # a quarter of the dispatches place nobody
        by_id = {t.id: i for t, i in zip(tickets, candidates, strict=True)}
        for ticket_id, agent_id, step in placed:
            i = by_id[ticket_id]
            ticket = self.queue.pop(i)
            self.waiting[ticket.channel] -= 1
            self.holding[i] = (agent_id, ticket.channel)
            taken.append((i, agent_id, step))
            if ticket.customer_id is not None:
                self.memory[ticket.customer_id] = Memory(agent_id, now)
        return taken


def _room(agent: Agent) -> frozenset[Channel]:
    """The channels on which ``agent`` can take one more contact now."""
    if not agent.available:
        return frozenset()
    return frozenset(c for c, n in agent.capacity.items() if agent.load.get(c, 0) < n)
