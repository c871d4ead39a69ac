"""What the dispatch tests share: the default router, its rules spelled out for the
reference, small ticket and agent builders, and a strategy for a team with its queue."""

import datetime as dt

from hypothesis import strategies as st

from servicekit.routing import (
    Agent,
    Router,
    Ticket,
)
from strategies import (
    ROUTING_NOW,
    routing_queues,
    routing_teams,
)

NOW = ROUTING_NOW
DEFAULT = Router.default()
# Router.default()'s parameters, spelled out for the reference's predicates.
RULES = {
    "now": NOW,
    "owner_wait": dt.timedelta(minutes=30),
    "share": 0.5,
    "threshold": 2,
}


@st.composite
def scenes(draw, max_agents=8, max_tickets=10):
    agents = draw(routing_teams(max_size=max_agents))
    tickets = draw(routing_queues(agents, max_size=max_tickets))
    return tickets, agents


def pairs(result):
    out = [(a.ticket_id, a.agent_id) for a in result.assignments]
    out += [(u.ticket_id, None) for u in result.unassigned]
    return out


def mk_ticket(ident="T", minutes_ago=5, **kw):
    kw.setdefault("priority", "normal")
    kw.setdefault("tier", "ordinary")
    kw.setdefault("channel", "chat")
    return Ticket(id=ident, created_at=NOW - dt.timedelta(minutes=minutes_ago), **kw)


def mk_agent(ident, **kw):
    kw.setdefault("capacity", {"chat": 2})
    return Agent(id=ident, **kw)
