"""An obviously-correct, slow re-statement of ``Router.default()`` for property tests.

Written from the issue's rules, not from the implementation: plain loops over every
ticket and every agent, plain predicates, one sort key. Nothing here is shared with
``servicekit.routing`` except the value types.
"""

import datetime as dt
import math

from servicekit import Priority
from servicekit.routing import Agent, Ticket

PRIORITY_ORDER = [Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW]
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def us(x: dt.datetime) -> int:
    """Exact microseconds since the epoch, via plain stdlib datetimes."""
    x = x.astimezone(dt.UTC)
    plain = dt.datetime(
        x.year, x.month, x.day, x.hour, x.minute, x.second, x.microsecond, tzinfo=dt.UTC
    )
    return (plain - EPOCH) // dt.timedelta(microseconds=1)


def waited(t: Ticket, now: dt.datetime) -> dt.timedelta:
    return dt.timedelta(microseconds=us(now) - us(t.created_at))


def queue_key(t: Ticket, now: dt.datetime, promote_every: dt.timedelta | None):
    rank = PRIORITY_ORDER.index(t.priority)
    if promote_every is not None:
        wait = waited(t, now)
        steps = 0
        while wait >= promote_every * (steps + 1):
            steps += 1
        rank = max(0, rank - steps)
    # Integer microseconds: floats would merge distinct microseconds.
    due_us = us(t.due_at) if t.due_at is not None else None
    return (rank, due_us is None, due_us or 0, us(t.created_at), t.id)


def eligible(
    t: Ticket,
    a: Agent,
    *,
    load: dict,
    everyone: dict,
    now,
    owner_wait,
    share,
    threshold,
):
    ch = t.channel
    cap = a.capacity.get(ch, 0)
    used = load[a.id].get(ch, 0)
    if cap <= 0 or not a.available or used >= cap:
        return False
    for skill in t.skills:
        if a.skills.get(skill, 0) < t.min_levels.get(skill, 1):
            return False
    if t.language is not None and t.language not in a.languages:
        return False
    if t.group is not None and t.group not in a.groups:
        return False
    if a.part_time and used >= max(1, math.floor(cap * share)):
        return False
    if t.attributes.get("unresolved_complaints", 0) >= threshold and not a.senior:
        return False
    if t.owner_id is not None and a.id != t.owner_id:
        owner = everyone.get(t.owner_id)
        if (
            owner is not None
            and owner.available
            and owner.capacity.get(ch, 0) > 0
            and waited(t, now) < owner_wait
        ):
            return False
    return True


def rank_key(t: Ticket, a: Agent, load: dict, last: dict):
    owner = 0 if t.owner_id is None or a.id == t.owner_id else 1
    if t.customer_id is not None and t.customer_id in a.dedicated_customers:
        dedicated = 0
    elif t.tier in a.dedicated_tiers:
        dedicated = 1
    else:
        dedicated = 2
    cap = sum(a.capacity.values())
    ratio = sum(load[a.id].values()) / cap if cap else math.inf
    idle = -math.inf if last[a.id] is None else last[a.id]
    return (owner, dedicated, ratio, idle, a.id)


def dispatch(
    tickets,
    agents,
    now,
    *,
    owner_wait=dt.timedelta(minutes=30),
    share=0.5,
    threshold=2,
    promote_every=None,
):
    """Return [(ticket_id, agent_id or None)] in queue order."""
    everyone = {a.id: a for a in agents}
    load = {a.id: dict(a.load) for a in agents}
    last = {
        a.id: (None if a.last_assigned_at is None else us(a.last_assigned_at))
        for a in agents
    }
    out = []
    for t in sorted(tickets, key=lambda t: queue_key(t, now, promote_every)):
        fits = [
            a
            for a in agents
            if eligible(
                t,
                a,
                load=load,
                everyone=everyone,
                now=now,
                owner_wait=owner_wait,
                share=share,
                threshold=threshold,
            )
        ]
        if not fits:
            out.append((t.id, None))
            continue
        best = min(fits, key=lambda a: rank_key(t, a, load, last))
        load[best.id][t.channel] = load[best.id].get(t.channel, 0) + 1
        last[best.id] = us(now)
        out.append((t.id, best.id))
    return out
