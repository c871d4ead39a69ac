"""The built-in policies' fast path: agent index, live agent state, and their protocol.

A built-in policy states its rule twice: as ``assess`` (one agent at a time, the
[`RoutingPolicy`][servicekit.routing.RoutingPolicy] protocol) and as the ``fast_*``
forms of [`IndexedPolicy`][], the protocol through which the dispatch engine reads it
(sets of agent ids drawn from an [`AgentIndex`][], and per-agent keys read from a
[`LiveAgent`][]), so that dispatch never scans every agent for every ticket. Both forms
must always agree; the tests hold them to it. This module must never read a clock.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, ClassVar, Final

from servicekit import _codec
from servicekit.routing import _values as v
from servicekit.routing._model import Agent, last_us

if TYPE_CHECKING:
    from collections.abc import Hashable, Sequence
    from collections.abc import Set as AbstractSet

    from servicekit._vocabulary import Channel, Tier
    from servicekit.messages import Message
    from servicekit.routing._model import Ticket
    from servicekit.routing._policy import RoutingContext

__all__ = [
    "NEVER",
    "NO_IDS",
    "AgentIndex",
    "IndexedPolicy",
    "LiveAgent",
    "policy_name",
]

NEVER: Final = -math.inf
"""The last-assignment key of an agent who has never received a ticket (first in line)."""

NO_IDS: Final[frozenset[str]] = frozenset()


class LiveAgent:
    """Mutable per-agent state during one dispatch (never escapes the router)."""

    __slots__ = (
        "agent",
        "available",
        "cache",
        "capacity",
        "last_us",
        "load",
        "part_time",
        "total_capacity",
        "total_load",
        "version",
    )

    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.available = agent.available
        self.part_time = agent.part_time
        self.capacity: dict[Channel, int] = agent.capacity.thawed()
        self.load: dict[Channel, int] = agent.load.thawed()
        self.total_capacity = sum(self.capacity.values())
        self.total_load = sum(self.load.values())
        last = last_us(agent)
        self.last_us: float = NEVER if last is None else float(last)
        self.version = 0
        # (plan, channel) -> heap keys, or None if a dynamic filter refuses; cleared
        # whenever the agent takes work, because only then can either change.
        self.cache: dict[tuple[int, Channel], tuple[float, ...] | None] = {}

    def fork(self, agent: Agent) -> LiveAgent:
        """Return a copy for ``agent`` (this one or its successor) to change alone.

        The router shares a LiveAgent between calls while it describes its agent as
        given; a dispatch that assigns work forks it first, so the shared one stays
        true to that agent.
        """
        new = LiveAgent.__new__(LiveAgent)
        new.agent = agent
        new.available = self.available
        new.part_time = self.part_time
        new.capacity = self.capacity  # never changed: shared
        new.load = dict(self.load)
        new.total_capacity = self.total_capacity
        new.total_load = self.total_load
        new.last_us = self.last_us
        new.version = self.version
        new.cache = {}
        return new


class AgentIndex:
    """Agents indexed by the static facts the built-in filters ask about."""

    def __init__(self, agents: Sequence[Agent]) -> None:
        # The agents' ids in the order given (sorted, as the router gives them).
        self.ids: tuple[str, ...] = tuple(a.id for a in agents)
        self.all: frozenset[str] = frozenset(self.ids)
        # Where each agent stands in the (sorted) team, to find it in a later call's
        # list of the same team.
        self.position: dict[str, int] = {aid: i for i, aid in enumerate(self.ids)}
        self.available: set[str] = set()
        self.by_channel: dict[Channel, set[str]] = {}
        # Skill sets are built per skill on first use (one pass over the agents),
        # for the skills a dispatch asks about, rather than for every skill up front.
        self._agents = tuple(agents)
        self._skill_sets: dict[str, tuple[frozenset[str], ...]] = {}
        self.by_language: dict[str, set[str]] = {}
        self.by_group: dict[str, set[str]] = {}
        self.seniors: set[str] = set()
        self.by_customer: dict[str, set[str]] = {}
        self.by_tier: dict[Tier, set[str]] = {}
        for a in agents:
            if a.available:
                self.available.add(a.id)
            if a.senior:
                self.seniors.add(a.id)
            for ch, n in a.capacity.items():
                if n > 0:
                    self.by_channel.setdefault(ch, set()).add(a.id)
            for lang in a.languages:
                self.by_language.setdefault(lang, set()).add(a.id)
            for g in a.groups:
                self.by_group.setdefault(g, set()).add(a.id)
            for c in a.dedicated_customers:
                self.by_customer.setdefault(c, set()).add(a.id)
            for t in a.dedicated_tiers:
                self.by_tier.setdefault(t, set()).add(a.id)

    def with_skill(self, skill: str, level: int) -> frozenset[str]:
        """Return ids of agents with ``skill`` at ``level`` or above."""
        levels = self._skill_sets.get(skill)
        if levels is None:
            levels = self._skill_levels(skill)
            self._skill_sets[skill] = levels
        return levels[min(max(level, 1), 11) - 1]

    def _skill_levels(self, skill: str) -> tuple[frozenset[str], ...]:
        """``result[i]``: ids of agents with ``skill`` at level ``i + 1`` or above."""
        by_level: list[list[str]] = [[] for _ in range(11)]
        for a in self._agents:
            level = a.skills.get(skill)
            if level:
                by_level[level - 1].append(a.id)
        out: list[frozenset[str]] = []
        seen: frozenset[str] = frozenset()
        for ids in reversed(by_level):  # level 11 (nobody) down to level 1
            seen = seen.union(ids)
            out.append(seen)
        out.reverse()
        return tuple(out)


def policy_name(value: object) -> str:
    """Check a built-in policy's ``name`` (a converter)."""
    return v.check_id(value, "a policy's name", "'least loaded'")


class IndexedPolicy(_codec.Serialisable):
    """The base of the built-in policies: their index-friendly forms, for dispatch.

    Built-in policies are values: ``to_dict`` names the policy under ``"type"`` (its
    ``kind``) beside its name and parameters, and
    [`policy_from_dict`][servicekit.routing.policy_from_dict] reads it back. The name is
    kept because reasons and escalation steps refer to policies by name.

    The ``fast_*`` members restate ``assess`` for the dispatch engine, in three
    optional parts: a filter on static facts (``fast_filter_*``, in force when
    ``fast_filter_key`` is overridden), a filter on room (``fast_has_room``, when
    ``fast_checks_room``), and a preference, either by levels (``fast_levels`` and
    ``fast_level_reason``, when ``fast_has_levels``) or by a live rank (``fast_rank``
    and ``fast_rank_reason``, when ``fast_has_rank``). The defaults mean "no
    restriction, no preference"; a member of a part the policy lacks is never asked.
    They are an internal contract of the routing package, not public API.
    """

    kind: ClassVar[str] = ""
    name: str

    # Which forms a policy has beyond a static filter (one is a static filter when it
    # overrides fast_filter_key), so the engine asks only the policies that answer.
    fast_checks_room: ClassVar[bool] = False
    fast_has_levels: ClassVar[bool] = False
    fast_has_rank: ClassVar[bool] = False
    # Whether fast_filter_key reads nothing of the ticket but its channel, and nothing
    # of the context but its requirements: then the engine asks it once per set of
    # requirements and channel, not once per ticket.
    fast_filter_by_requirements: ClassVar[bool] = False
    # Whether fast_filter_summary needs the removed agents themselves (else it gets
    # none: listing a case owner's thousands of colleagues would cost a scan).
    fast_filter_names_removed: ClassVar[bool] = False

    def fast_filter_key(
        self, _ticket: Ticket, _context: RoutingContext
    ) -> Hashable | None:
        """Return a cheap hashable key naming this ticket's restriction on static facts.

        The engine memoises the admitted agents by the keys of all filters.

        Returns:
            The key, or None when the policy restricts nothing for this ticket.
        """
        return None

    def fast_filter_ids(self, key: Any, index: AgentIndex) -> AbstractSet[str]:
        """Return the ids of the agents the restriction named by ``key`` admits."""
        raise NotImplementedError

    def fast_filter_admits(self, key: Any, agent: Agent) -> bool:
        """Return whether the restriction named by ``key`` admits ``agent``.

        The plain, one-agent restatement of ``fast_filter_ids`` (the scan strategy's).
        """
        raise NotImplementedError

    def fast_filter_summary(self, key: Any, removed: Sequence[Agent]) -> Message | str:
        """Return words for the agents the restriction removed ("do not speak ug").

        ``removed`` are those agents when ``fast_filter_names_removed`` is set (for
        words that depend on who they are), else empty.
        """
        raise NotImplementedError

    def fast_has_room(self, _live: LiveAgent, _channel: Channel) -> bool:
        """Return whether the agent may take one more ticket on ``channel`` now.

        Monotone: once False it stays False during a dispatch, as load only grows.
        """
        return True

    def fast_levels(
        self, _ticket: Ticket, _context: RoutingContext, _index: AgentIndex
    ) -> list[tuple[Hashable, AbstractSet[str]]] | None:
        """Return preference levels, best first, as ``(memo key, agent ids)``.

        Agents in none of the levels rank after all of them; None: no preference.
        """
        return None

    def fast_level_reason(self, key: Any) -> Message | str:
        """Return words for why an agent at the level named by ``key`` was preferred."""
        raise NotImplementedError

    def fast_rank(self, live: LiveAgent) -> float:
        """Return the agent's rank from live state (lower is better).

        It may only grow as the agent receives work (the engine's heaps rely on it).
        """
        raise NotImplementedError

    def fast_rank_reason(self, live: LiveAgent, now_us: int) -> Message | str:
        """Return words for the agent's ``fast_rank``, at ``now_us``."""
        raise NotImplementedError
