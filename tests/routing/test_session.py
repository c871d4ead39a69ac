"""The private dispatch session decides exactly as ``Router.dispatch`` does.

A session keeps the agents' live state across calls and builds no reasons; driven
side by side with the public dispatch over random teams, queues, line-ups, instants
and finished contacts, it must place the same tickets with the same agents at the
same steps, in the same order, and agree on who has room.
"""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.routing import (
    Agent,
    Assessment,
    EscalationStep,
    LeastLoaded,
    Router,
    Ticket,
    _session,
    _values,
)
from servicekit.routing._session import Session
from strategies import ROUTING_NOW, routing_instants, routing_queues, routing_teams


@st.composite
def alike_teams(draw):
    """Agents alike but for part-time, last assignment and load: ties to break."""
    n = draw(st.integers(1, 5))
    return [
        Agent(
            id=f"A{i}",
            capacity={"chat": 2, "email": 1},
            load={"chat": draw(st.integers(0, 2))},
            part_time=draw(st.booleans()),
            last_assigned_at=draw(st.none() | routing_instants),
            dedicated_customers=draw(st.sets(st.sampled_from(["c1"]), max_size=1)),
        )
        for i in range(n)
    ]


@st.composite
def plain_queues(draw, agents):
    """Tickets any agent of an alike team may take (or their case owner)."""
    n = draw(st.integers(0, 10))
    return [
        Ticket(
            id=f"T{i}",
            created_at=draw(routing_instants),
            priority=draw(st.sampled_from(["low", "normal", "urgent"])),
            tier="ordinary",
            channel=draw(st.sampled_from(["chat", "email"])),
            customer_id=draw(st.none() | st.just("c1")),
            owner_id=draw(st.none() | st.sampled_from([a.id for a in agents])),
        )
        for i in range(n)
    ]


def _routers():
    return [
        Router.default(),
        Router.default(
            escalations=[
                EscalationStep(
                    after=dt.timedelta(hours=2),
                    drop_language=True,
                    release_owner=True,
                ),
                EscalationStep(
                    after=dt.timedelta(hours=12),
                    drop_all_skills=True,
                    any_group=True,
                    drop_policies={"least loaded"},
                ),
            ],
            promote_every=dt.timedelta(hours=4),
        ),
    ]


def _room(agent):
    if not agent.available:
        return frozenset()
    return frozenset(c for c, n in agent.capacity.items() if agent.load.get(c, 0) < n)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 1),
    st.booleans(),
    st.data(),
)
def test_session_places_as_router_dispatch(which, alike, data):
    _drive_side_by_side(which, alike, data, desk_like=False)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 1),
    st.booleans(),
    st.data(),
)
def test_session_as_the_desk_calls_it_places_as_router_dispatch(which, alike, data):
    """The desk's way: line-ups as tuples (one kept while nobody comes or goes),
    and queues it vouches for (``checked``)."""
    _drive_side_by_side(which, alike, data, desk_like=True)


def _drive_side_by_side(which, alike, data, *, desk_like):
    router = _routers()[which]
    if alike:
        agents = data.draw(alike_teams())
        tickets = data.draw(plain_queues(agents))
    else:
        agents = data.draw(routing_teams(min_size=1, max_size=6))
        tickets = data.draw(routing_queues(agents, max_size=10))
    session = Session(router, agents)
    line_up = None
    public = {a.id: a for a in agents}
    ids = sorted(public)
    waiting = {t.id: t for t in tickets}
    holding: list[tuple[str, object]] = []
    now = ROUTING_NOW
    for _ in range(data.draw(st.integers(1, 12))):
        if holding and data.draw(st.booleans()):
            aid, channel = holding.pop(data.draw(st.integers(0, len(holding) - 1)))
            agent = public[aid]
            public[aid] = agent.with_load(
                {**agent.load, channel: agent.load[channel] - 1}
            )
            opened = session.release(aid, channel)
            assert opened == (channel in _room(public[aid]))
            assert opened == (channel in session.room(aid))
            continue
        now += dt.timedelta(minutes=data.draw(st.sampled_from([0, 1, 45, 300])))
        offered = (
            data.draw(st.lists(st.sampled_from(sorted(waiting)), unique=True))
            if waiting
            else []
        )
        present = data.draw(st.lists(st.sampled_from(ids), unique=True))
        present.sort()
        if desk_like:
            # The very tuple of the last call while the line-up is unchanged.
            if line_up is None or tuple(present) != line_up:
                line_up = tuple(present)
            present = line_up
        queue = [waiting[t] for t in offered]
        result = router.dispatch(queue, [public[a] for a in present], now)
        for agent in result.agents:
            public[agent.id] = agent
        expected = [(a.ticket_id, a.agent_id, a.step) for a in result.assignments]
        assert session.dispatch(queue, present, now, checked=desk_like) == expected
        for ticket_id, aid, _ in expected:
            holding.append((aid, waiting.pop(ticket_id).channel))
    for aid, agent in public.items():
        assert session.room(aid) == _room(agent)
        for channel in agent.capacity:
            room = agent.load.get(channel, 0) < agent.capacity.get(channel, 0)
            assert session.has_room(aid, channel) == room


def test_session_serves_built_in_heapable_routers_only():
    class Custom:
        name = "custom"

        def assess(self, ticket, agent, context):
            return Assessment.ranked(0)

    assert Session.serves(Router.default())
    assert Session.serves(Router(policies=[LeastLoaded()]))
    assert not Session.serves(Router(policies=[Custom()]))


def test_a_memo_past_its_bound_is_fetched_afresh(monkeypatch):
    monkeypatch.setattr(_session, "MEMO_LIMIT", 0)
    router = Router.default()
    agents = [
        Agent(id="A", capacity={"chat": 1}),
        Agent(id="B", capacity={"chat": 2}),
    ]
    session = Session(router, agents)
    tickets = [
        Ticket(
            id=f"T{i}",
            created_at=ROUTING_NOW,
            priority="normal",
            tier="ordinary",
            channel="chat",
        )
        for i in range(4)
    ]
    now_us = _values.micros(ROUTING_NOW)
    placed = [session.dispatch([t], ["A", "B"], ROUTING_NOW, now_us) for t in tickets]
    assert placed == [
        [("T0", "A", "standard")],
        [("T1", "B", "standard")],
        [("T2", "B", "standard")],
        [],
    ]
