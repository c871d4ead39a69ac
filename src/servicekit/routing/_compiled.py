"""What a router works out once: evaluation plans, and memos kept across calls.

A [`Plan`][] says how one escalation step's policies are evaluated (which have fast
forms, whether heaps can rank them). A [`CompiledRouter`][] holds a router's plans and
escalation chain, and the memos that let many small dispatches in a row (a desk's
simulation, a live queue) skip work: the last teams' agent indexes, eligibility and
requirements, live agent state, the last ``now``. The memos are invisible: pure
memoisation keyed by immutable values, bounded, and never pickled.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections.abc import Hashable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any

from servicekit.errors import DuplicateIdError
from servicekit.messages import Message
from servicekit.routing import _values as v
from servicekit.routing._escalation import Relaxation
from servicekit.routing._indexed import AgentIndex, IndexedPolicy
from servicekit.routing._model import Agent
from servicekit.routing._preferences import DedicatedManager

if TYPE_CHECKING:
    import pendulum

    from servicekit.routing._escalation import EscalationStep
    from servicekit.routing._indexed import LiveAgent
    from servicekit.routing._policy import Requirements, RoutingPolicy

__all__ = [
    "MEMO_LIMIT",
    "SMALL_TEAM",
    "TEAM_LIMIT",
    "CompiledRouter",
    "Memo",
    "Needs",
    "Plan",
    "check_agents",
]


class Plan:
    """How one set of active policies is evaluated (which have fast forms)."""

    __slots__ = (
        "active",
        "dedicated",
        "fixed_filters",
        "heapable",
        "levels",
        "live_rankers",
        "room_checks",
        "static_filters",
        "ticket_filters",
    )

    def __init__(
        self, active: tuple[RoutingPolicy, ...], positions: dict[int, int]
    ) -> None:
        self.active = active
        builtins = [p for p in active if isinstance(p, IndexedPolicy)]
        # Only the built-ins that filter on static facts at all: the others' key is
        # always None, which every reader of ``static_filters`` skips.
        self.static_filters = [
            (positions[id(p)], p)
            for p in builtins
            if type(p).fast_filter_key is not IndexedPolicy.fast_filter_key
        ]
        # The leading static filters whose keys follow from the ticket's requirements
        # and channel alone (memoised with the requirements), and the rest.
        fixed = 0
        while (
            fixed < len(self.static_filters)
            and self.static_filters[fixed][1].fast_filter_by_requirements
        ):
            fixed += 1
        self.fixed_filters = self.static_filters[:fixed]
        self.ticket_filters = self.static_filters[fixed:]
        self.room_checks = [p for p in builtins if p.fast_checks_room]
        self.levels = [p for p in builtins if p.fast_has_levels]
        self.live_rankers = [p for p in builtins if p.fast_has_rank]
        # Whether this plan prefers dedicated managers (then passing one over is news).
        self.dedicated = any(isinstance(p, DedicatedManager) for p in active)
        ranking = [p for p in builtins if p.fast_has_levels or p.fast_has_rank]
        first_key = next(
            (i for i, p in enumerate(ranking) if p.fast_has_rank), len(ranking)
        )
        # Heaps need ticket-independent keys after every ticket-dependent preference;
        # any other shape (or a caller's own policy) is evaluated candidate by candidate.
        self.heapable = len(builtins) == len(active) and not any(
            p.fast_has_levels for p in ranking[first_key:]
        )


# A ticket's requirements by (escalation step, channel, the ticket's asks), with the
# keys of the plan's fixed filters once worked out (see Engine._eligible).
Needs = tuple["Requirements", tuple[tuple[int, Hashable], ...] | None]
# Eligible agents and exclusion lines by signature (see Engine._eligible).
Memo = dict[
    tuple[Hashable, ...], tuple[Hashable, AbstractSet[str], tuple[Message | str, ...]]
]
# Memo entries kept across calls before a memo starts afresh (bounds memory when
# every ticket brings a new case owner or skill mix).
MEMO_LIMIT = 4096
# Recent teams (indexes with their memos) kept across calls before starting afresh,
# and the largest team kept among them (a larger one is kept only while current).
TEAM_LIMIT = 16
SMALL_TEAM = 256


class CompiledRouter:
    """A router's escalation chain and evaluation plans, computed once."""

    __slots__ = (
        "after_us",
        "earlier",
        "escalated",
        "heapable",
        "last_now",
        "lives",
        "plans",
        "relax",
        "requirements",
        "team",
        "teams",
    )

    def __init__(
        self,
        policies: tuple[RoutingPolicy, ...],
        escalations: tuple[EscalationStep, ...],
    ) -> None:
        # The last team this router indexed, and its index: many small dispatches
        # in a row (a desk's simulation, a live queue) meet the same agents again,
        # most of them the very same objects and the rest new only in their load.
        self.team: tuple[Sequence[Agent], AgentIndex, Memo] | None = None
        # Recent teams by their agent ids, for a desk whose staff changes with the
        # shifts and comes back to the same line-ups (bounded by TEAM_LIMIT).
        self.teams: dict[tuple[str, ...], tuple[Sequence[Agent], AgentIndex, Memo]]
        self.teams = {}
        # Requirements by (escalation step, channel, the ticket's asks), with the
        # fixed filters' keys: values, kept across calls, bounded by MEMO_LIMIT.
        self.requirements: dict[Hashable, Needs] = {}
        # The last ``now`` a dispatch was given, checked: a loop often passes the
        # same instant again. Held, so identity cannot be a recycled id.
        self.last_now: tuple[object, pendulum.DateTime, int] | None = None
        # LiveAgent state by agent id as of the agent object it was made from (never
        # changed once shared: a dispatch forks the ones it assigns to).
        self.lives: dict[str, LiveAgent] = {}
        # The LiveAgent each agent had before its latest one: a caller often goes
        # back to the agents it started from (a desk reset, tickets previewed one
        # by one against the same stored roster), and finds their state ready.
        self.earlier: dict[str, LiveAgent] = {}
        self.after_us = [s.after // dt.timedelta(microseconds=1) for s in escalations]
        relax = [Relaxation()]
        for step in escalations:
            relax.append(relax[-1].then(step))
        self.relax = relax
        # The line saying which steps apply, by how many do (a step's words never
        # change, so neither does the line).
        self.escalated: list[Message | None] = [None] + [
            Message(
                "routing.escalated",
                {"steps": tuple(s.description for s in escalations[:n])},
            )
            for n in range(1, len(escalations) + 1)
        ]
        positions = {id(p): i for i, p in enumerate(policies)}
        self.plans = [
            Plan(
                tuple(p for p in policies if p.name not in r.dropped_policies),
                positions,
            )
            for r in relax
        ]
        self.heapable = all(p.heapable for p in self.plans)

    def __getstate__(self) -> dict[str, Any]:
        # The team cache is a memo of one process's recent calls: never pickled.
        skip = ("team", "teams", "requirements", "last_now", "lives", "earlier")
        return {k: getattr(self, k) for k in self.__slots__ if k not in skip}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for k, val in state.items():
            object.__setattr__(self, k, val)
        self.team = None
        self.teams = {}
        self.requirements = {}
        self.last_now = None
        self.lives = {}
        self.earlier = {}

    def bound_memos(self) -> None:
        """Start afresh any memo of live state or requirements grown past its bound.

        Called as a run begins: every ticket may bring a new case owner or skill mix.
        """
        if len(self.lives) > MEMO_LIMIT:
            self.lives = {}
            self.earlier = {}
        if len(self.requirements) > MEMO_LIMIT:
            self.requirements = {}

    def instant(self, now: object) -> tuple[pendulum.DateTime, int]:
        """Return ``now`` checked, in UTC, and in microseconds since the epoch."""
        last = self.last_now
        if last is not None and last[0] is now:
            return last[1], last[2]
        now_i = v.instant(now, "now")
        now_us = v.micros(now_i)
        self.last_now = (now, now_i, now_us)
        return now_i, now_us

    def index(self, agents: Sequence[Agent]) -> tuple[AgentIndex, Memo]:
        """Return an index of ``agents`` (sorted by id) and its eligibility memo.

        The last ones are reused if the agents' static facts are the same objects
        (only their load and last assignment may differ: neither is indexed).
        """
        team = self.team
        if team is None or not _serves(team[0], agents):
            team = self.teams.get(tuple(a.id for a in agents))
            if team is not None and not _serves(team[0], agents):
                team = None
        if team is not None:
            known, index, memo = team
            return index, self._bounded(known, index, memo)
        index = AgentIndex(agents)
        fresh: Memo = {(): ((), index.all, ())}
        self.remember(agents, index, fresh)
        return index, fresh

    def _bounded(self, known: Sequence[Agent], index: AgentIndex, memo: Memo) -> Memo:
        if len(memo) > MEMO_LIMIT:
            # A new dict, not clear(): a dispatch running in another thread
            # keeps the one it holds intact.
            memo = {(): ((), index.all, ())}
            self.remember(known, index, memo)
        return memo

    def checked_team(
        self, agents: Iterable[Agent]
    ) -> tuple[Sequence[Agent], AgentIndex, Memo]:
        """Return ``agents`` checked and sorted by id, with their index and memo.

        A caller handing back the agents the last dispatch returned (the usual
        loop: the same objects, a few replaced by ``with_load``) gets them
        checked against the indexed team in one pass: each is that very agent or
        an ``Agent`` with the same static facts at the same place, so the list is
        already valid, sorted and free of duplicates.
        """
        team = self.team
        if team is not None and type(agents) in (list, tuple):
            given: Sequence[Any] = agents  # type: ignore[assignment]
            known, index, memo = team
            if len(known) == len(given):
                # Only the agents that are not the very ones known are looked at;
                # finding them runs in C, not agent by agent in Python.
                for i in itertools.compress(
                    itertools.count(), map(operator.is_not, known, given)
                ):
                    new = given[i]
                    if not (
                        isinstance(new, Agent) and _same_static_facts(known[i], new)
                    ):
                        break
                else:
                    if len(memo) > MEMO_LIMIT:
                        memo = self._bounded(known, index, memo)
                    return given, index, memo
        agent_list = check_agents(agents)
        return agent_list, *self.index(agent_list)

    def remember(self, agents: Sequence[Agent], index: AgentIndex, memo: Memo) -> None:
        """Keep ``agents`` (a dispatch's result) as the team ``index`` describes.

        They share every indexed fact with the agents the index was built from, so
        the next call, handed them back, matches them by identity.
        """
        last = self.team
        self.team = team = (agents, index, memo)
        if last is not None and last[1] is index and last[2] is memo:
            # Kept under its ids already: the agents kept there share every indexed
            # fact with these, which is all a later call compares.
            return
        if len(agents) > SMALL_TEAM:
            return  # one large team at a time: its memo can be large too
        if len(self.teams) >= TEAM_LIMIT and index.ids not in self.teams:
            # A new dict, not clear(): a dispatch in another thread may be reading.
            self.teams = {}
        self.teams[index.ids] = team


def _serves(known: Sequence[Agent], agents: Sequence[Agent]) -> bool:
    """Whether an index of ``known`` serves for ``agents`` (both sorted by id)."""
    return len(known) == len(agents) and all(map(_same_static_facts, known, agents))


def _same_static_facts(a: Agent, b: Agent) -> bool:
    """Whether an index of ``a`` serves for ``b``: what it indexes is identical.

    Identity, not equality: ``with_load`` and dispatch share these values with the
    agent they came from, and comparing them would cost as much as indexing.
    """
    return a is b or (
        a.id == b.id
        and a.skills is b.skills
        and a.capacity is b.capacity
        and a.available is b.available
        and a.senior is b.senior
        and a.languages is b.languages
        and a.groups is b.groups
        and a.dedicated_customers is b.dedicated_customers
        and a.dedicated_tiers is b.dedicated_tiers
    )


def check_agents(agents: Iterable[Agent]) -> list[Agent]:
    given = v.items_of(Agent, agents, "agents")
    by_id = {a.id: a for a in given}
    if len(by_id) != len(given):
        dup = v.first_duplicate(a.id for a in given)
        msg = f"two agents share the id {dup!r}; agent ids must be unique (merge or rename them)"
        raise DuplicateIdError(msg)
    # Sorting by id makes every result independent of the order agents were given in.
    return [by_id[k] for k in sorted(by_id)]
