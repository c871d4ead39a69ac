"""A CRM's loop as a state machine: tickets arrive, dispatch runs, agents finish work.

The router itself keeps no state; the state here is what a CRM stores between calls
(the queue, the agents returned by the last dispatch, the open assignments). The
invariants are the promises dispatch makes across repeated calls.
"""

import datetime as dt
from collections import Counter

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from servicekit.routing import EscalationStep, Router
from strategies import ROUTING_NOW, routing_teams, routing_tickets

ROUTER = Router.default(
    promote_every=dt.timedelta(minutes=40),
    escalations=[EscalationStep(after=dt.timedelta(minutes=30), drop_language=True)],
)


class DispatchCycle(RuleBasedStateMachine):
    @initialize(agents=routing_teams(min_size=1, max_size=5))
    def start(self, agents):
        self.now = ROUTING_NOW + dt.timedelta(days=1)
        self.base = {a.id: dict(a.load) for a in agents}
        self.agents = {a.id: a for a in agents}
        self.queue = {}
        self.open = {}  # ticket id -> (agent id, channel)
        self.serial = 0

    @rule(data=st.data(), n=st.integers(1, 4))
    def arrive(self, data, n):
        for _ in range(n):
            t = data.draw(routing_tickets(ident=f"T{self.serial}"))
            # Arrivals happen "now": shift the drawn creation time to just before it.
            t = attrs.evolve(
                t,
                created_at=self.now - dt.timedelta(seconds=self.serial % 7),
                owner_id=None,
            )
            self.serial += 1
            self.queue[t.id] = t

    @rule(minutes=st.integers(1, 45))
    def time_passes(self, minutes):
        self.now += dt.timedelta(minutes=minutes)

    @precondition(lambda self: self.queue)
    @rule()
    def dispatch(self):
        result = ROUTER.dispatch(
            list(self.queue.values()), list(self.agents.values()), self.now
        )
        again = ROUTER.dispatch(
            list(reversed(self.queue.values())),
            list(reversed(self.agents.values())),
            self.now,
        )
        assert again == result
        for a in result.assignments:
            ticket = self.queue.pop(a.ticket_id)
            self.open[a.ticket_id] = (a.agent_id, ticket.channel)
        assert set(self.queue) == {u.ticket_id for u in result.unassigned}
        self.agents = {a.id: a for a in result.agents}

    @precondition(lambda self: self.open)
    @rule(data=st.data())
    def agent_finishes(self, data):
        ticket_id = data.draw(st.sampled_from(sorted(self.open)))
        agent_id, channel = self.open.pop(ticket_id)
        agent = self.agents[agent_id]
        load = dict(agent.load)
        load[channel] -= 1
        self.agents[agent_id] = attrs.evolve(agent, load=load)

    @rule(data=st.data())
    def break_toggles(self, data):
        agent_id = data.draw(st.sampled_from(sorted(self.agents)))
        agent = self.agents[agent_id]
        self.agents[agent_id] = attrs.evolve(agent, available=not agent.available)

    @invariant()
    def load_is_base_plus_open_work(self):
        if not hasattr(self, "agents"):
            return
        held = Counter(self.open.values())
        for agent in self.agents.values():
            for ch in set(agent.load) | set(agent.capacity):
                extra = held[(agent.id, ch)]
                assert agent.load.get(ch, 0) == self.base[agent.id].get(ch, 0) + extra
                if extra:
                    assert agent.load[ch] <= max(
                        agent.capacity.get(ch, 0), self.base[agent.id].get(ch, 0)
                    )

    @invariant()
    def queue_and_open_are_disjoint(self):
        if hasattr(self, "queue"):
            assert not set(self.queue) & set(self.open)


DispatchCycle.TestCase.settings = settings(max_examples=30, stateful_step_count=15)
TestDispatchCycle = DispatchCycle.TestCase
