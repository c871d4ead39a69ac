"""The dispatch engine: one routing run over a queue, with live agent state.

Dispatch never scans every agent for every ticket: built-in policies expose their rules
as sets of agent ids (an index by channel, skill level, language, group…) and as
per-agent keys kept in lazily repaired heaps, so each ticket costs about
``log(agents)``. The ``"scan"`` strategy judges every agent one by one and must give
the same decisions and the same reasons word for word; the tests hold the two to that.
``"route"`` explains one ticket against every agent. The engine is private and mutable,
and lives for one call; it must never read a clock, use randomness, or depend on the
order agents are given in.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, cast

from servicekit.messages import Message
from servicekit.routing import _values as v
from servicekit.routing._indexed import AgentIndex, IndexedPolicy, LiveAgent
from servicekit.routing._model import Agent, Ticket, holding
from servicekit.routing._policy import RoutingContext, checked_assess, new_context

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Hashable, Iterable, Iterator, Sequence
    from collections.abc import Set as AbstractSet

    from servicekit._vocabulary import Channel
    from servicekit.routing._compiled import CompiledRouter, Memo, Needs, Plan
    from servicekit.routing._escalation import Relaxation
    from servicekit.routing._policy import RoutingPolicy

__all__ = ["Engine", "Mode"]

# "route" is Router.route's mode: every agent judged by every policy, one line each.
Mode = Literal["indexed", "scan", "route"]


#: A reason line: a message, or the plain text a custom policy gave.
Reason = Message | str


def _excluded_line(
    policy: IndexedPolicy,
    key: Hashable,
    count: int,
    removed: Sequence[Agent],
    total: int,
) -> Message:
    return Message(
        "routing.excluded.one" if count == 1 else "routing.excluded.many",
        {
            "count": count,
            "total": total,
            "policy": policy.name,
            "why": policy.fast_filter_summary(key, removed),
        },
    )


_NOBODY_QUALIFIES = Message("routing.nobody_qualifies", {})
# An agent's heap keys not worked out yet (None means a dynamic filter refuses it).
_UNKNOWN: Any = object()


def _nobody_free(members: AbstractSet[str]) -> Message:
    if len(members) == 1:
        return Message("routing.full.one", {"agent": next(iter(members))})
    if members:
        return Message("routing.full.many", {"count": len(members)})
    return _NOBODY_QUALIFIES


def _chose_line(aid: str, members: AbstractSet[str], notes: list[Reason]) -> Message:
    said = tuple(filter(None, notes))
    one = len(members) == 1
    if said:
        code = "routing.chose.one.notes" if one else "routing.chose.many.notes"
        return Message(code, {"agent": aid, "count": len(members), "notes": said})
    code = "routing.chose.one" if one else "routing.chose.many"
    return Message(code, {"agent": aid, "count": len(members)})


class Engine:
    """One routing run: live agent state, indexes and memo tables (private, mutable)."""

    __slots__ = (
        "after_us",
        "agents",
        "changed",
        "current",
        "eligible",
        "escalated",
        "ids",
        "index",
        "keep_current",
        "lives",
        "now",
        "now_us",
        "once",
        "original",
        "plans",
        "policies",
        "pools",
        "position",
        "relax",
        "requirements",
        "route",
        "scan",
        "view",
    )

    def __init__(  # noqa: PLR0917  # private, called twice: positional on purpose
        self,
        policies: tuple[RoutingPolicy, ...],
        compiled: CompiledRouter,
        agents: Sequence[Agent],
        now: dt.datetime,
        strategy: Mode,
        team: tuple[AgentIndex, Memo] | None,
        now_us: int,
    ) -> None:
        self.policies = policies
        self.now = now
        self.now_us = now_us
        self.route = strategy == "route"
        # "scan" and "route" keep no index: they judge every agent one by one.
        self.scan = strategy != "indexed"
        self.keep_current = self.scan or not compiled.heapable
        self.agents = agents
        self.ids = [a.id for a in agents] if self.scan else ()
        self.index: AgentIndex | None
        self.eligible: Memo
        self.original: Mapping[str, Agent]
        # Without heaps every candidate is judged as it stands now, so the current
        # agents are kept as values; with them, live state says what changed.
        self.current: Mapping[str, Agent] | dict[str, Agent]
        if team is not None:
            index, memo = team
            self.index = index
            self.eligible = memo
            # The index was built from agents with these ids in this order (sorted):
            # its positions find them, with no table of the agents built per call.
            self.position = index.position
            self.original = _Roster(agents, self.position)
            self.current = (
                dict(zip(index.ids, agents, strict=True))
                if self.keep_current
                else self.original
            )
        else:
            self.index = None
            self.eligible = {}
            self.original = {a.id: a for a in agents}
            self.position = {aid: i for i, aid in enumerate(self.original)}
            self.current = dict(self.original) if self.keep_current else self.original
        self.view = MappingProxyType(self.current)
        self.changed: set[str] = set()
        # Live state is made on first use: a small dispatch touches few agents.
        compiled.bound_memos()
        self.lives = LiveAgents(agents, self.position, compiled.lives, compiled.earlier)
        self.after_us = compiled.after_us
        self.relax = compiled.relax
        self.plans = compiled.plans
        self.escalated = compiled.escalated
        self.requirements = compiled.requirements
        self.pools: dict[Hashable, list[tuple[Any, ...]]] = {}
        # Whether this run decides one ticket only (dispatch sets it).
        self.once = False

    def step_for(
        self, ticket: Ticket, waited_us: int
    ) -> tuple[int, Relaxation, tuple[Hashable, ...], Needs]:
        """The escalation step a wait reaches, and the ticket's needs at that step.

        Returns the step's index, the step, the memo key of the ticket's
        requirements there and the memo's entry (kept across calls: a ticket's
        requirements depend only on the fields in the key).
        """
        n = bisect.bisect_right(self.after_us, waited_us)
        relax = self.relax[n]
        rkey = (
            n,
            ticket.channel,
            ticket.skills,
            ticket.min_levels,
            ticket.language,
            ticket.group,
            ticket.owner_id,
        )
        needs = self.requirements.get(rkey)
        if needs is None:
            needs = self.requirements[rkey] = (relax.requirements(ticket), None)
        return n, relax, rkey, needs

    def decide(
        self, ticket: Ticket, note: Reason | None, waited_us: int
    ) -> tuple[str | None, str, list[Reason]]:
        n, relax, rkey, needs = self.step_for(ticket, waited_us)
        req = needs[0]
        wait = v.MICROSECOND * waited_us
        ctx = new_context(self.now, wait, relax.name, req, self.view)
        header = Message(
            "routing.waiting",
            {
                "ticket": ticket.id,
                "priority": ticket.priority,
                "tier": ticket.tier,
                "channel": ticket.channel,
                "waited": wait,
            },
        )
        reasons: list[Reason] = [header]
        if note is not None:
            reasons.append(note)
        escalated = self.escalated[n]
        if escalated is not None:
            reasons.append(escalated)
        plan = self.plans[n]
        if self.route:
            chosen = self._rank(ticket, ctx, plan, self.ids, reasons)
        else:
            # Both dispatch strategies explain alike: static exclusions summarised
            # per policy, then the choice. "scan" works each out agent by agent.
            sig, members, lines = (
                self._eligible_scan(ticket, ctx, plan)
                if self.scan
                else self._eligible(ticket, ctx, plan, rkey, needs)
            )
            reasons.extend(lines)
            if not plan.heapable:
                chosen = self._rank(ticket, ctx, plan, sorted(members), reasons)
            elif self.scan:
                chosen = self._best_scan(ticket, ctx, plan, members, reasons)
            else:
                chosen = self._heap(ticket, ctx, plan, sig, members, reasons)
        customer = ticket.customer_id
        if (
            plan.dedicated
            and customer is not None
            # Indexed, a customer no agent manages (the usual case) needs no call.
            and (self.index is None or customer in self.index.by_customer)
        ):
            self._passed_over(ticket, ctx, plan, chosen, reasons)
        if chosen is not None:
            self._assign(chosen, ticket.channel)
        return chosen, relax.name, reasons

    def _agent_now(self, aid: str) -> Agent:
        """The agent as it stands now in this run (load and last assignment)."""
        if self.keep_current or aid not in self.changed:
            return self.current[aid]
        return _holding(self.original[aid], self.lives[aid].load, self.now, self.now_us)

    def _passed_over(
        self,
        ticket: Ticket,
        ctx: RoutingContext,
        plan: Plan,
        chosen: str | None,
        reasons: list[Reason],
    ) -> None:
        """Say why the customer's dedicated manager did not get the ticket."""
        customer = ticket.customer_id
        assert customer is not None  # noqa: S101  # decide asks only then
        if self.index is not None:
            # decide calls this only for a customer the index knows a manager of.
            managers = sorted(self.index.by_customer[customer])
        else:
            managers = [
                aid
                for aid in self.ids
                if customer in self.original[aid].dedicated_customers
            ]
        if not managers or chosen in managers:
            return
        lines: list[Reason] = []
        for aid in managers:
            agent = self._agent_now(aid)
            why = None
            for _, p in plan.static_filters:
                k = p.fast_filter_key(ticket, ctx)
                if k is not None and not p.fast_filter_admits(k, agent):
                    why = Message(
                        "routing.by_policy",
                        {
                            "why": checked_assess(p, ticket, agent, ctx).reason,
                            "policy": p.name,
                        },
                    )
                    break
            if why is None:
                why = self._outranked(ticket, ctx, plan, agent, chosen)
            lines.append(Message("routing.passed_over", {"agent": aid, "why": why}))
        reasons[-1:-1] = lines

    def _outranked(
        self,
        ticket: Ticket,
        ctx: RoutingContext,
        plan: Plan,
        agent: Agent,
        chosen: str | None,
    ) -> Message:
        best = None if chosen is None else self._agent_now(chosen)
        for p in plan.active:
            mine = checked_assess(p, ticket, agent, ctx)
            if not mine.admitted:
                return Message(
                    "routing.by_policy", {"why": mine.reason, "policy": p.name}
                )
            if best is not None:
                theirs = checked_assess(p, ticket, best, ctx)
                if theirs.rank < mine.rank:
                    return Message(
                        "routing.came_first", {"agent": chosen, "policy": p.name}
                    )
        # Unreachable while the plan ranks managers first: admitted and not chosen
        # means an earlier policy preferred the chosen agent.
        return Message("routing.came_first.id", {"agent": chosen})  # pragma: no cover

    def _rank(
        self,
        ticket: Ticket,
        ctx: RoutingContext,
        plan: Plan,
        ids: Iterable[str],
        reasons: list[Reason],
    ) -> str | None:
        ranked: list[tuple[tuple[float, ...], str, list[Reason]]] = []
        for aid in ids:
            agent = self.current[aid]
            ranks: list[float] = []
            notes: list[Reason] = []
            for p in plan.active:
                verdict = checked_assess(p, ticket, agent, ctx)
                if not verdict.admitted:
                    reasons.append(
                        Message(
                            "routing.agent_excluded",
                            {"agent": aid, "policy": p.name, "why": verdict.reason},
                        )
                    )
                    break
                ranks.append(verdict.rank)
                if verdict.reason:
                    notes.append(verdict.reason)
            else:
                ranked.append((tuple(ranks), aid, notes))
        ranked.sort(key=lambda r: (r[0], r[1]))
        for i, (_, aid, notes) in enumerate(ranked, 1):
            place = {"agent": aid, "rank": i, "count": len(ranked)}
            reasons.append(
                Message("routing.ranked", {**place, "notes": tuple(notes)})
                if notes
                else Message("routing.ranked.no_preference", place)
            )
        if not ranked:
            reasons.append(Message("routing.no_agent_now", {}))
            return None
        best = ranked[0]
        why: Message
        if len(ranked) == 1:
            why = Message("routing.only_eligible", {})
        else:
            runner = ranked[1][0]
            first = next(
                (
                    i
                    for i, (a, b) in enumerate(zip(best[0], runner, strict=True))
                    if a != b
                ),
                None,
            )
            why = (
                Message("routing.decided_by", {"policy": plan.active[first].name})
                if first is not None
                else Message("routing.tied", {})
            )
        reasons.append(Message("routing.chose", {"agent": best[1], "why": why}))
        return best[1]

    def _eligible_scan(
        self, ticket: Ticket, ctx: RoutingContext, plan: Plan
    ) -> tuple[Hashable, AbstractSet[str], tuple[Reason, ...]]:
        """``_eligible`` worked out agent by agent, with no index and no memo."""
        remaining = [self.original[aid] for aid in self.ids]
        total = len(remaining)
        lines: list[Reason] = []
        for _, p in plan.static_filters:
            k = p.fast_filter_key(ticket, ctx)
            if k is None:
                continue
            kept = [a for a in remaining if p.fast_filter_admits(k, a)]
            if len(kept) < len(remaining):
                removed = [a for a in remaining if not p.fast_filter_admits(k, a)]
                lines.append(
                    _excluded_line(
                        p,
                        k,
                        len(removed),
                        removed if p.fast_filter_names_removed else (),
                        total,
                    )
                )
            remaining = kept
        return None, frozenset(a.id for a in remaining), tuple(lines)

    def _best_scan(
        self,
        ticket: Ticket,
        ctx: RoutingContext,
        plan: Plan,
        members: AbstractSet[str],
        reasons: list[Reason],
    ) -> str | None:
        """``_heap`` worked out agent by agent: the best admitted member by rank."""
        best: tuple[tuple[float, ...], str] | None = None
        for aid in members:
            agent = self.current[aid]
            verdicts = [checked_assess(p, ticket, agent, ctx) for p in plan.active]
            if all(x.admitted for x in verdicts):
                cand = (tuple(x.rank for x in verdicts), aid)
                if best is None or cand < best:
                    best = cand
        if best is None:
            reasons.append(_nobody_free(members))
            return None
        aid = best[1]
        agent = self.current[aid]
        notes = [checked_assess(p, ticket, agent, ctx).reason for p in plan.levels]
        notes += [
            checked_assess(p, ticket, agent, ctx).reason for p in plan.live_rankers
        ]
        reasons.append(_chose_line(aid, members, notes))
        return aid

    def _signature(
        self,
        ticket: Ticket,
        ctx: RoutingContext,
        plan: Plan,
        rkey: Hashable,
        needs: Needs,
    ) -> tuple[tuple[int, Hashable], ...]:
        """The keys of the static filters that restrict ``ticket``: (position, key)."""
        req, fixed = needs
        if fixed is None:
            # Worked out once per requirements and channel (the memo's key), and
            # kept with them.
            fixed = tuple(
                (pos, k)
                for pos, p in plan.fixed_filters
                if (k := p.fast_filter_key(ticket, ctx)) is not None
            )
            self.requirements[rkey] = (req, fixed)
        sig = fixed
        for pos, p in plan.ticket_filters:
            k = p.fast_filter_key(ticket, ctx)
            if k is not None:
                sig = (*sig, (pos, k))
        return sig

    def _eligible(  # private hot path: positional on purpose
        self,
        ticket: Ticket,
        ctx: RoutingContext,
        plan: Plan,
        rkey: Hashable,
        needs: Needs,
    ) -> tuple[Hashable, AbstractSet[str], tuple[Reason, ...]]:
        sig = self._signature(ticket, ctx, plan, rkey, needs)
        hit = self.eligible.get(sig)
        if hit is not None:
            return hit
        index = self.index
        assert index is not None  # noqa: S101  # the indexed strategy always builds one
        # Every prefix of a signature is memoised, and work resumes from the longest
        # one known: tickets that differ only in a late, selective key (a different
        # case owner each) then share the large intersections before it instead of
        # redoing them, which would cost a scan of all agents per ticket.
        n = len(sig)
        while sig[:n] not in self.eligible:  # the empty prefix is always there
            n -= 1
        _, remaining, lines = self.eligible[sig[:n]]
        total = len(index.all)
        for i in range(n, len(sig)):
            pos, k = sig[i]
            policy = self.policies[pos]
            assert isinstance(policy, IndexedPolicy)  # noqa: S101  # static filters are built-ins only
            after = remaining & policy.fast_filter_ids(k, index)
            if len(after) < len(remaining):
                # Only a policy whose words depend on who was removed gets them:
                # listing a case owner's thousands of colleagues would cost a scan.
                removed = (
                    [self.original[aid] for aid in sorted(remaining - after)]
                    if policy.fast_filter_names_removed
                    else ()
                )
                count = len(remaining) - len(after)
                lines = (*lines, _excluded_line(policy, k, count, removed, total))
            remaining = after
            self.eligible[sig[: i + 1]] = (sig[: i + 1], frozenset(remaining), lines)
        return self.eligible[sig]

    def _heap(  # noqa: PLR0917  # private hot path: positional on purpose
        self,
        ticket: Ticket,
        ctx: RoutingContext,
        plan: Plan,
        sig: Hashable,
        members: AbstractSet[str],
        reasons: list[Reason],
    ) -> str | None:
        index = self.index
        assert index is not None  # noqa: S101  # the indexed strategy always builds one
        levels: list[tuple[IndexedPolicy, list[tuple[Hashable, AbstractSet[str]]]]] = []
        for p in plan.levels:
            lv = p.fast_levels(ticket, ctx, index)
            if lv:
                levels.append((p, lv))
        notes: list[Reason]
        if self.once and all(
            ids.isdisjoint(members) for _, lv in levels for _, ids in lv
        ):
            # The only decision of this run, and no qualified agent is in any
            # preference level (the usual case): the best entry, in one pass.
            best = self._best_entry(members, ticket.channel, plan)
            if best is None:
                reasons.append(_nobody_free(members))
                return None
            aid, notes = best, []
        else:
            base = (id(plan), ticket.channel, sig)
            found = self._search(base, members, ticket.channel, plan, levels)
            if found is None:
                reasons.append(_nobody_free(members))
                return None
            aid, chosen = found
            notes = [
                p.fast_level_reason(k)
                for (p, _), k in zip(levels, chosen, strict=True)
                if k is not None
            ]
        live = self.lives[aid]
        now_us = self.now_us
        for p in plan.live_rankers:
            notes.append(p.fast_rank_reason(live, now_us))
        reasons.append(_chose_line(aid, members, notes))
        return aid

    def _search(  # private hot path: positional on purpose
        self,
        base: Hashable,
        members: AbstractSet[str],
        channel: Channel,
        plan: Plan,
        levels: list[tuple[IndexedPolicy, list[tuple[Hashable, AbstractSet[str]]]]],
    ) -> tuple[str, tuple[Hashable, ...]] | None:
        # Lexicographic preference: each preference policy's levels best first, then
        # "none of its levels"; itertools.product varies the last policy fastest,
        # which is exactly lexicographic order. Levels no qualified agent is in
        # cannot yield anyone and are skipped.
        options = [
            [(k, ids) for k, ids in lv if not ids.isdisjoint(members)] + [(None, None)]
            for _, lv in levels
        ]
        for combo in itertools.product(*options):
            chosen = tuple(k for k, _ in combo)
            if self.once:
                # The only decision of this run: no agent has changed, every entry
                # is current, so the heap's top would be the least entry, and no
                # later ticket would reuse the heap.
                restrict = tuple(ids for _, ids in combo if ids is not None)
                entries = self._entries(members, restrict, channel, plan)
                if entries:
                    return min(entries)[-2], chosen
                continue
            key = (base, chosen)
            pool = self.pools.get(key)
            if pool is None:
                restrict = tuple(ids for _, ids in combo if ids is not None)
                pool = self._entries(members, restrict, channel, plan)
                heapq.heapify(pool)
                self.pools[key] = pool
            aid = self._top(pool, channel, plan)
            if aid is not None:
                return aid, chosen
        return None

    def _best_entry(
        self, members: AbstractSet[str], channel: Channel, plan: Plan
    ) -> str | None:
        """Return the member whose heap entry would be least (None: nobody has room).

        For a run's only decision: no agent has changed, so every entry is current.
        """
        lives = self.lives
        slot = (id(plan), channel)
        best: tuple[tuple[float, ...], str] | None = None
        for aid in members:
            live = lives[aid]
            keys = live.cache.get(slot, _UNKNOWN)
            if keys is _UNKNOWN:
                keys = self._entry(live, channel, plan)
            if keys is not None and (best is None or (keys, aid) < best):
                best = (keys, aid)
        return None if best is None else best[1]

    def _entry(
        self, live: LiveAgent, channel: Channel, plan: Plan
    ) -> tuple[float, ...] | None:
        """Work out and cache ``live``'s heap keys (callers looked in the cache)."""
        slot = (id(plan), channel)
        keys: tuple[float, ...] | None = None
        for p in plan.room_checks:
            if not p.fast_has_room(live, channel):
                break
        else:
            keys = tuple([p.fast_rank(live) for p in plan.live_rankers])
        live.cache[slot] = keys
        return keys

    def _entries(
        self,
        members: AbstractSet[str],
        restrict: tuple[AbstractSet[str], ...],
        channel: Channel,
        plan: Plan,
    ) -> list[tuple[Any, ...]]:
        """Return heap entries ``(*keys, agent id, version)``, unordered.

        One for each agent in ``members`` and every set of ``restrict`` that the
        dynamic filters admit now.
        """
        # Start from the smallest set (a customer's one dedicated manager, the case
        # owner) so a narrow preference level costs its own size, not the pool's.
        smallest, *others = sorted((members, *restrict), key=len)
        pool = set(smallest)
        for r in others:
            pool &= r
        heap = []
        lives = self.lives
        slot = (id(plan), channel)
        for aid in pool:
            live = lives[aid]
            cache = live.cache
            # Most agents' keys were worked out by an earlier call (see LiveAgents).
            keys = cache[slot] if slot in cache else self._entry(live, channel, plan)
            if keys is not None:
                heap.append((*keys, aid, live.version))
        return heap

    def _top(
        self, heap: list[tuple[Any, ...]], channel: Channel, plan: Plan
    ) -> str | None:
        # Invariant: an entry whose version is current passed the dynamic filters when
        # filed and nothing changed since, so it is valid as it stands.
        lives = self.lives
        slot = (id(plan), channel)
        while heap:
            entry = heap[0]
            aid: str = entry[-2]
            live = lives[aid]
            if entry[-1] == live.version:
                return aid
            keys = (
                live.cache[slot]
                if slot in live.cache
                else self._entry(live, channel, plan)
            )
            if keys is None:
                # Load only grows during a dispatch, so an agent without room now
                # never regains it: drop the entry for good.
                heapq.heappop(heap)
                continue
            fresh = (*keys, aid, live.version)
            n = len(heap)
            if (n < 2 or fresh <= heap[1]) and (n < 3 or fresh <= heap[2]):
                # Still no worse than both children: rewrite the root in place.
                heap[0] = fresh
                return aid
            # The agent took work since this entry was filed; its keys only grow,
            # so re-file it with fresh keys and look again.
            heapq.heapreplace(heap, fresh)
        return None

    def _assign(self, aid: str, channel: Channel) -> None:
        if not self.scan:
            live = self.lives[aid]
            if aid not in self.changed:
                # The first ticket this run gives the agent: stop sharing its LiveAgent.
                live = self.lives[aid] = live.fork(live.agent)
            live.load[channel] = live.load.get(channel, 0) + 1
            live.total_load += 1
            live.last_us = float(self.now_us)
            live.version += 1
            live.cache.clear()
        self.changed.add(aid)
        if self.keep_current:
            # Kept as values, the current agents are a table of this run's own.
            current = cast("dict[str, Agent]", self.current)
            agent = current[aid]
            load = dict(agent.load)
            load[channel] = load.get(channel, 0) + 1
            current[aid] = _holding(agent, load, self.now, self.now_us)

    def final_agents(self) -> tuple[Agent, ...]:
        """Return every agent as this run leaves them, sorted by id.

        Ends the run: the changed agents' live state passes to the router's shared
        table, for the next call.
        """
        out = list(self.agents)
        # Find the few that changed by their places instead of walking all.
        for aid in self.changed:
            i = self.position[aid]
            if self.keep_current:
                out[i] = self.current[aid]
            else:
                live = self.lives[aid]
                out[i] = after = _holding(
                    self.original[aid], live.load, self.now, self.now_us
                )
                # This run is over, and its LiveAgent (forked in _assign) now holds what
                # LiveAgent(after) would: share it, so the next call, handed ``after``
                # back, finds it ready.
                live.agent = after
                live.version = 0
                live.cache.clear()
                self.lives.share(aid, live)
        return tuple(out)


class _Roster(Mapping[str, Agent]):
    """The agents of a run by id, found through the index's positions (read-only)."""

    __slots__ = ("agents", "position")

    def __init__(self, agents: Sequence[Agent], position: Mapping[str, int]) -> None:
        self.agents = agents
        self.position = position

    def __getitem__(self, aid: str) -> Agent:
        return self.agents[self.position[aid]]

    def get(self, aid: str, default: Any = None) -> Any:
        i = self.position.get(aid)
        return default if i is None else self.agents[i]

    def __contains__(self, aid: object) -> bool:
        return aid in self.position

    def __iter__(self) -> Iterator[str]:
        return iter(self.position)

    def __len__(self) -> int:
        return len(self.position)


class LiveAgents(dict[str, LiveAgent]):
    """Live state of each agent by id, made from the agent on first use.

    ``shared`` holds the router's LiveAgents from earlier calls, each true to the agent
    object it was made from, and ``earlier`` the one each agent had before that; one
    is reused only for that very object.
    """

    __slots__ = ("agents", "earlier", "position", "shared")

    def __init__(
        self,
        agents: Sequence[Agent],
        position: Mapping[str, int],
        shared: dict[str, LiveAgent],
        earlier: dict[str, LiveAgent],
    ) -> None:
        # dict.__init__ is not called: the table starts empty, as dict.__new__ made it.
        self.agents = agents
        self.position = position
        self.shared = shared
        self.earlier = earlier

    def __missing__(self, aid: str) -> LiveAgent:
        agent = self.agents[self.position[aid]]
        live = self.shared.get(aid)
        if live is None or live.agent is not agent:
            before = self.earlier.get(aid)
            if before is None or before.agent is not agent:
                before = LiveAgent(agent)
            # Handed the agent as it was a generation back (or anew): the two swap.
            if live is not None:
                self.earlier[aid] = live
            self.shared[aid] = live = before
        self[aid] = live
        return live

    def share(self, aid: str, live: LiveAgent) -> None:
        """Make ``live`` the shared state of ``aid``, keeping the one it replaces.

        ``live`` was forked in this run from the shared state the run read first,
        so that one is there to keep.
        """
        self.earlier[aid] = self.shared[aid]
        self.shared[aid] = live


def _holding(
    agent: Agent, load: dict[Channel, int], now: dt.datetime, now_us: int
) -> Agent:
    """Return ``agent.with_load(load, assigned_at=now)`` without re-checking.

    Dispatch only ever adds one ticket where there was room, to a load and an
    instant already valid. ``load`` is a copy of the agent's own load with counts
    raised, so while it has no channel the agent's lacks, its keys are still in the
    agent's (sorted) order and need no sorting, nor does a load of one channel (an
    agent's first ticket). It is copied: a LiveAgent's load changes with the run.
    """
    if len(load) == len(agent.load) or len(load) == 1:
        return holding(agent, v.FrozenMap.in_order(dict(load)), now, now_us)
    return holding(agent, v.FrozenMap(load), now, now_us)
