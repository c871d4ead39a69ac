"""A run of many small dispatches that keeps the agents' live state between them.

Private. The desk simulation asks the router thousands of times in a row who takes
the few contacts an event made placeable, and only wants the answer: which agent, at
which escalation step. :class:`Session` gives exactly what ``Router.dispatch`` would
(the same agents, the same steps, in the same order) without building the reasons or
the agents' new values, and keeps each agent's live state (load, last assignment) from
one call to the next instead of rebuilding it from a new ``Agent`` each time. It
serves routers whose policies are all built-in and rank with heaps
(:meth:`Session.serves`); the caller uses ``Router.dispatch`` for any other. The
tests drive a session and ``Router.dispatch`` side by side and require the same
assignments. It must never read a clock, use randomness, or depend on the order
agents are given in.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from servicekit.routing import _values as v
from servicekit.routing._compiled import MEMO_LIMIT
from servicekit.routing._engine import Engine
from servicekit.routing._indexed import AgentIndex, IndexedPolicy, LiveAgent
from servicekit.routing._policy import new_context
from servicekit.routing._queue import service_key, waited
from servicekit.routing._router import _check_tickets

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Hashable, Iterable, Sequence

    from servicekit._vocabulary import Channel
    from servicekit.routing._compiled import Plan
    from servicekit.routing._model import Agent, Ticket
    from servicekit.routing._policy import RoutingContext
    from servicekit.routing._router import Router

__all__ = ["Session"]


class Session(Engine):
    """Dispatches among a fixed staff whose live state this object keeps (private).

    Every agent's load and last assignment live here from the start: the caller
    tells the session when an agent finishes a contact (:meth:`release`) and asks
    who has room (:meth:`room`) instead of reading new ``Agent`` values.
    """

    def __init__(self, router: Router, agents: Iterable[Agent]) -> None:
        # Engine.__init__ is not called: the fields a dispatch reads are set here
        # once, and the per-call ones by each dispatch.
        compiled = router._compiled  # noqa: SLF001 -- the router's own package
        self.router = router
        self.compiled = compiled
        self.policies = router.policies
        self.route = False
        self.scan = False
        self.keep_current = False
        self.staff = {a.id: a for a in agents}
        self.lives = {aid: LiveAgent(a) for aid, a in self.staff.items()}  # type: ignore[assignment]
        self.after_us = compiled.after_us
        self.relax = compiled.relax
        self.plans = compiled.plans
        self.escalated = compiled.escalated
        self.requirements = compiled.requirements
        self.changed = set()
        self.pools = {}
        self.once = False
        # The whole staff's index, and the staff each signature of static filters
        # (see Engine._signature) admits, whoever is on duty: each filter admits an
        # agent by the agent's own static facts, so the agents on duty it admits
        # are these and the line-up in common. Kept for the session, so a line-up
        # met for the first time finds most signatures worked out already.
        self.staff_index = AgentIndex([self.staff[aid] for aid in sorted(self.staff)])
        self.admitted: dict[tuple[tuple[int, Hashable], ...], frozenset[str]] = {}
        # Per line-up of agents on duty (their sorted ids): a table of them by id,
        # an index of them, and the members each signature admits among them.
        self.lineups: dict[tuple[str, ...], Lineup] = {}
        self.members: dict[tuple[tuple[int, Hashable], ...], frozenset[str]] = {}
        self.on_duty: frozenset[str] = frozenset()
        # The line-up the last call was given, if a tuple (it cannot have changed).
        self.last: Sequence[str] | None = None

    @staticmethod
    def serves(router: Router) -> bool:
        """Whether a session decides as ``router.dispatch`` does (built-ins, heaps)."""
        return router._compiled.heapable and all(  # noqa: SLF001 -- same package
            isinstance(p, IndexedPolicy) for p in router.policies
        )

    def release(self, aid: str, channel: Channel) -> bool:
        """Agent ``aid`` finished one contact on ``channel``: one fewer in its load.

        Returns whether ``channel`` is now in the agent's :meth:`room`: the only
        channel whose room one fewer can change, and only by opening it.
        """
        live = self.lives[aid]
        live.load[channel] -= 1
        live.total_load -= 1
        live.version += 1
        live.cache.clear()
        return bool(live.available) and live.load[channel] < live.capacity.get(
            channel, 0
        )

    def room(self, aid: str) -> frozenset[Channel]:
        """The channels on which agent ``aid`` can take one more contact now."""
        live = self.lives[aid]
        if not live.available:
            return frozenset()
        load = live.load
        return frozenset(c for c, n in live.capacity.items() if load.get(c, 0) < n)

    def has_room(self, aid: str, channel: Channel) -> bool:
        """Whether agent ``aid``'s load on ``channel`` is below its capacity there."""
        live = self.lives[aid]
        return live.load.get(channel, 0) < live.capacity.get(channel, 0)

    def dispatch(
        self,
        tickets: Sequence[Ticket],
        present: Sequence[str],
        now: dt.datetime,
        now_us: int | None = None,
        *,
        checked: bool = False,
    ) -> list[tuple[str, str, str]]:
        """Place ``tickets`` among the agents ``present`` (sorted ids) at ``now``.

        ``now_us``: ``now`` in microseconds since the epoch, if the caller knows it
        (then ``now`` is taken as it is: no built-in policy's fast form reads it).
        ``checked``: the caller vouches that ``tickets`` is a list of distinct,
        unassigned tickets (as ``Router.dispatch`` would check them); only triage
        is then left to do.

        Returns:
            ``(ticket id, agent id, step)`` for each ticket placed, in queue order:
            what ``Router.dispatch`` would assign given these agents as they stand.
        """
        compiled = self.compiled
        router = self.router
        now_i: dt.datetime
        if now_us is None:
            now_i, now_us = compiled.instant(now)
        else:
            now_i = now
        if present is not self.last or len(self.members) > MEMO_LIMIT:
            # (The desk passes the same tuple until someone comes or goes.)
            self._enter(present)
        if len(self.admitted) > MEMO_LIMIT:
            # Every ticket may bring a new case owner: a bound, as the router's.
            self.admitted = {}
        compiled.bound_memos()
        self.requirements = compiled.requirements
        self.now = now_i
        self.now_us = now_us
        self.pools = {}
        queue_given: Sequence[Ticket] = (
            tickets
            if checked and router.triage is None
            else [t for t, _ in _check_tickets(tickets, router.triage)]
        )
        queue = router.queue
        self.once = len(queue_given) == 1
        if self.once and queue.promote_every is None:
            # A queue of one needs no order (nor its key).
            t = queue_given[0]
            aid, step = self._place(t, waited(t, now_us, now_i))
            return [] if aid is None else [(t.id, aid, step)]
        keyed: list[tuple[Any, int, Ticket]] = []
        for t in queue_given:
            wait_us = waited(t, now_us, now_i)
            keyed.append((service_key(queue, t, wait_us, now_us - wait_us), wait_us, t))
        keyed.sort(key=_first)
        placed: list[tuple[str, str, str]] = []
        for _, wait_us, t in keyed:
            aid, step = self._place(t, wait_us)
            if aid is not None:
                placed.append((t.id, aid, step))
        return placed

    def _enter(self, present: Sequence[str]) -> None:
        """Dispatch among the agents ``present`` (sorted ids) from now on.

        Their line-up is made on first use, and made anew when its memo has grown
        past its bound.
        """
        key = tuple(present)
        lineup = self.lineups.get(key)
        if lineup is None or len(lineup.members) > MEMO_LIMIT:
            members = [self.staff[aid] for aid in key]
            table = MappingProxyType(dict(zip(key, members, strict=True)))
            lineup = self.lineups[key] = Lineup(table, AgentIndex(members))
        self.index = lineup.index
        self.members = lineup.members
        self.on_duty = lineup.index.all
        self.original = lineup.table
        self.view = lineup.table
        # A tuple cannot change: the next call given this very one may skip this.
        self.last = present if type(present) is tuple else None

    def _eligible_ids(self, sig: tuple[tuple[int, Hashable], ...]) -> frozenset[str]:
        """The agents on duty the static filters of ``sig`` admit.

        ``Engine._eligible``'s members without its words (a session has no use for
        them): the staff the signature admits, among those on duty.
        """
        members = self.members.get(sig)
        if members is None:
            members = self.members[sig] = self._admitted(sig) & self.on_duty
        return members

    def _admitted(self, sig: tuple[tuple[int, Hashable], ...]) -> frozenset[str]:
        """The staff (on duty or not) the static filters of ``sig`` admit.

        Every prefix is kept: tickets differing only in a late key (their case
        owner) share the intersections before it.
        """
        hit = self.admitted.get(sig)
        if hit is None:
            if not sig:
                hit = self.staff_index.all
            else:
                pos, k = sig[-1]
                policy = self.policies[pos]
                assert isinstance(policy, IndexedPolicy)  # noqa: S101  # static filters are built-ins only
                hit = self._admitted(sig[:-1]) & policy.fast_filter_ids(
                    k, self.staff_index
                )
            self.admitted[sig] = hit
        return hit

    def _place(self, ticket: Ticket, waited_us: int) -> tuple[str | None, str]:
        """``Engine.decide`` without its words: the agent chosen, and the step."""
        n, relax, rkey, needs = self.step_for(ticket, waited_us)
        ctx = new_context(
            self.now, v.MICROSECOND * waited_us, relax.name, needs[0], self.view
        )
        plan = self.plans[n]
        sig = self._signature(ticket, ctx, plan, rkey, needs)
        members = self._eligible_ids(sig)
        # Preferences only order the candidates: with one (or none), the choice is
        # that agent if the dynamic filters let them take it now, which is what
        # _best_entry reads from the live state (kept current: a change clears its
        # cache). Most of the desk's tickets qualify for one agent or none.
        chosen = (
            self._best_entry(members, ticket.channel, plan)
            if len(members) < 2
            else self._choose(ticket, ctx, plan, sig, members)
        )
        if chosen is not None:
            self._take(chosen, ticket.channel)
        return chosen, relax.name

    def _choose(
        self,
        ticket: Ticket,
        ctx: RoutingContext,
        plan: Plan,
        sig: Any,
        members: Any,
    ) -> str | None:
        """``Engine._heap`` without its words."""
        index: AgentIndex = self.index  # type: ignore[assignment]
        levels: list[tuple[IndexedPolicy, Any]] = []
        for p in plan.levels:
            lv = p.fast_levels(ticket, ctx, index)
            if lv:
                levels.append((p, lv))
        if self.once and all(
            ids.isdisjoint(members) for _, lv in levels for _, ids in lv
        ):
            return self._best_entry(members, ticket.channel, plan)
        found = self._search(
            (id(plan), ticket.channel, sig), members, ticket.channel, plan, levels
        )
        return None if found is None else found[0]

    def _take(self, aid: str, channel: Channel) -> None:
        """Agent ``aid`` takes a contact on ``channel`` now (kept, not forked)."""
        live = self.lives[aid]
        live.load[channel] = live.load.get(channel, 0) + 1
        live.total_load += 1
        live.last_us = float(self.now_us)
        live.version += 1
        live.cache.clear()


class Lineup:
    """The agents on duty at once: by id, indexed, and who each signature admits."""

    __slots__ = ("index", "members", "table")

    def __init__(self, table: MappingProxyType[str, Agent], index: AgentIndex) -> None:
        self.table = table
        self.index = index
        self.members: dict[tuple[tuple[int, Hashable], ...], frozenset[str]] = {}


def _first(row: tuple[Any, ...]) -> Any:
    return row[0]
