"""The built-in preferences: policies that rank the agents the filters kept, and say why.

First-contact ownership (the case owner keeps the case, for a while), the customer's
dedicated manager, the least loaded agent, the longest idle one. Each states its rule
as ``assess`` and as the ``fast_*`` forms of
[`IndexedPolicy`][servicekit.routing._indexed.IndexedPolicy]; the tests hold the two to
agreeing. This module must never read a clock.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from servicekit.messages import Message
from servicekit.routing import _values as v
from servicekit.routing._indexed import NEVER, IndexedPolicy, policy_name
from servicekit.routing._model import last_us
from servicekit.routing._policy import ADMIT, Assessment

if TYPE_CHECKING:
    from collections.abc import Hashable, Sequence
    from collections.abc import Set as AbstractSet

    from servicekit.routing._indexed import AgentIndex, LiveAgent
    from servicekit.routing._model import Agent, Ticket
    from servicekit.routing._policy import RoutingContext

__all__ = ["DedicatedManager", "LeastLoaded", "LongestIdle", "OwnerStickiness"]

# The sentences without parameters, made once.
_OWNS = Message("routing.owner.owns", {})
_MANAGES = Message("routing.dedicated.customer", {})
_NO_CAPACITY = Message("routing.no_capacity", {})
_NEVER_ASSIGNED = Message("routing.idle.never", {})


def _wait(value: object) -> dt.timedelta:
    return v.duration(value, "OwnerStickiness.wait")


@attrs.frozen(kw_only=True)
class OwnerStickiness(IndexedPolicy):
    """First-contact ownership (首问负责制): the case owner keeps the case.

    While the owner is available, only the owner may take the ticket, for up to
    ``wait`` after it was created; after that (or at once, if the owner is not
    available, does not work the ticket's channel at all, or is not among the
    agents) anyone may, with the owner still preferred.

    Args:
        wait: How long a ticket waits for its busy owner before others may take it.

    Examples:
        >>> import pendulum
        >>> from datetime import timedelta
        >>> from servicekit.routing import Agent, OwnerStickiness, Ticket, explain
        >>> now = pendulum.datetime(2026, 1, 1, 9)
        >>> t = Ticket(
        ...     id="T",
        ...     created_at=now,
        ...     priority="low",
        ...     tier="ordinary",
        ...     channel="chat",
        ...     owner_id="O",
        ... )
        >>> owner = Agent(id="O", capacity={"chat": 1}, load={"chat": 1})
        >>> explain(
        ...     OwnerStickiness(wait=timedelta(minutes=30)),
        ...     t,
        ...     Agent(id="A"),
        ...     agents=[owner],
        ...     now=now,
        ... )
        'A: the case belongs to O (first-contact ownership); it waits up to 30 min for them'
    """

    kind: ClassVar[str] = "owner"
    wait: dt.timedelta = attrs.field(default=dt.timedelta(minutes=30), converter=_wait)
    name: str = attrs.field(default="first-contact ownership", converter=policy_name)
    fast_has_levels: ClassVar[bool] = True

    def _holds(self, ticket: Ticket, ctx: RoutingContext) -> str | None:
        owner_id = ctx.requirements.owner_id
        if owner_id is None:
            return None
        owner = ctx.agents.get(owner_id)
        if owner is None or not owner.available or ctx.waited >= self.wait:
            return None
        if owner.capacity.get(ticket.channel, 0) <= 0:
            # An owner who never works this channel would make the customer wait
            # out the whole claim for nothing.
            return None
        return owner_id

    def assess(
        self, ticket: Ticket, agent: Agent, context: RoutingContext
    ) -> Assessment:
        """Keep only the owner while the claim holds; afterwards rank the owner first."""
        owner_id = context.requirements.owner_id
        if owner_id is None:
            return ADMIT
        if agent.id == owner_id:
            return Assessment.ranked(0, self.fast_level_reason(("owner", owner_id)))
        held = self._holds(ticket, context)
        if held is not None:
            return Assessment.exclude(
                Message("routing.owner.holds", {"owner": held, "wait": self.wait})
            )
        return Assessment.ranked(1)

    def fast_filter_key(self, ticket: Ticket, ctx: RoutingContext) -> Hashable | None:
        return self._holds(ticket, ctx)

    def fast_filter_ids(self, key: str, index: AgentIndex) -> AbstractSet[str]:
        return {key} & index.all

    def fast_levels(
        self, _ticket: Ticket, ctx: RoutingContext, index: AgentIndex
    ) -> list[tuple[Hashable, AbstractSet[str]]] | None:
        owner_id = ctx.requirements.owner_id
        if owner_id is None or owner_id not in index.all:
            return None
        return [(("owner", owner_id), {owner_id})]

    def fast_filter_admits(self, key: str, agent: Agent) -> bool:
        return agent.id == key

    def fast_filter_summary(self, key: str, _removed: Sequence[Agent]) -> Message:
        return Message("routing.owner.others", {"owner": key})

    def fast_level_reason(self, _key: Any) -> Message:
        # The words for the owner, whom assess ranks first too.
        return _OWNS


@attrs.frozen(kw_only=True)
class DedicatedManager(IndexedPolicy):
    """Prefer the customer's dedicated manager, then agents dedicated to the tier.

    Examples:
        >>> import pendulum
        >>> from servicekit.routing import Agent, DedicatedManager, Ticket, explain
        >>> t = Ticket(
        ...     id="T",
        ...     created_at=pendulum.datetime(2026, 1, 1),
        ...     priority="low",
        ...     tier="high_value",
        ...     channel="chat",
        ...     customer_id="C9",
        ... )
        >>> explain(DedicatedManager(), t, Agent(id="A", dedicated_customers={"C9"}))
        "A: is this customer's dedicated manager"
    """

    kind: ClassVar[str] = "dedicated"
    name: str = attrs.field(default="dedicated manager", converter=policy_name)
    fast_has_levels: ClassVar[bool] = True

    def assess(
        self,
        ticket: Ticket,
        agent: Agent,
        context: RoutingContext,  # noqa: ARG002  # the protocol's signature
    ) -> Assessment:
        """Rank 0 for the customer's manager, 1 for tier specialists, 2 for others."""
        if (
            ticket.customer_id is not None
            and ticket.customer_id in agent.dedicated_customers
        ):
            level = ("customer", ticket.customer_id)
            return Assessment.ranked(0, self.fast_level_reason(level))
        if ticket.tier in agent.dedicated_tiers:
            return Assessment.ranked(1, self.fast_level_reason(("tier", ticket.tier)))
        return Assessment.ranked(2)

    def fast_levels(
        self, ticket: Ticket, _ctx: RoutingContext, index: AgentIndex
    ) -> list[tuple[Hashable, AbstractSet[str]]]:
        # A level nobody is in can place nobody ahead: it is left out, so a ticket
        # whose customer has no manager and whose tier no specialists costs nothing.
        out: list[tuple[Hashable, AbstractSet[str]]] = []
        customer = ticket.customer_id
        if customer is not None:
            managers = index.by_customer.get(customer)
            if managers:
                out.append((("customer", customer), managers))
        specialists = index.by_tier.get(ticket.tier)
        if specialists:
            out.append((("tier", ticket.tier), specialists))
        return out

    def fast_level_reason(self, key: tuple[str, Any]) -> Message:
        # The words for both levels, which assess ranks 0 and 1.
        if key[0] == "customer":
            return _MANAGES
        return Message("routing.dedicated.tier", {"tier": key[1]})


@attrs.frozen(kw_only=True)
class LeastLoaded(IndexedPolicy):
    """Prefer the agent using the smallest share of their total capacity.

    Examples:
        >>> import pendulum
        >>> from servicekit.routing import Agent, LeastLoaded, Ticket, explain
        >>> t = Ticket(
        ...     id="T",
        ...     created_at=pendulum.datetime(2026, 1, 1),
        ...     priority="low",
        ...     tier="ordinary",
        ...     channel="chat",
        ... )
        >>> explain(
        ...     LeastLoaded(), t, Agent(id="A", capacity={"chat": 4}, load={"chat": 1})
        ... )
        'A: is handling 1 of 4 tickets (25% loaded)'
    """

    kind: ClassVar[str] = "least_loaded"
    name: str = attrs.field(default="least loaded", converter=policy_name)
    fast_has_rank: ClassVar[bool] = True

    def assess(
        self,
        ticket: Ticket,  # noqa: ARG002  # the protocol's signature
        agent: Agent,
        context: RoutingContext,  # noqa: ARG002  # the protocol's signature
    ) -> Assessment:
        """Rank by load over capacity across all channels."""
        cap = sum(agent.capacity.values())
        load = sum(agent.load.values())
        ratio = load / cap if cap else math.inf
        return Assessment.ranked(ratio, self._load_words(load, cap))

    def fast_rank(self, live: LiveAgent) -> float:
        cap = live.total_capacity
        return live.total_load / cap if cap else math.inf

    def fast_rank_reason(self, live: LiveAgent, _now_us: int) -> Message:
        cap = live.total_capacity
        # Unreachable in a dispatch with no capacity (availability needs room).
        return self._load_words(live.total_load, cap) if cap else _NO_CAPACITY

    @staticmethod
    def _load_words(load: int, capacity: int) -> Message:
        if not capacity:
            return Message("routing.load.no_capacity", {"load": load, "capacity": 0})
        return Message(
            "routing.load",
            {"load": load, "capacity": capacity, "share": load / capacity},
        )


@attrs.frozen(kw_only=True)
class LongestIdle(IndexedPolicy):
    """Prefer the agent who received work longest ago (never: first) — round robin.

    Examples:
        >>> import pendulum
        >>> from servicekit.routing import Agent, LongestIdle, Ticket, explain
        >>> now = pendulum.datetime(2026, 1, 1, 10)
        >>> t = Ticket(
        ...     id="T", created_at=now, priority="low", tier="ordinary", channel="chat"
        ... )
        >>> explain(
        ...     LongestIdle(),
        ...     t,
        ...     Agent(id="A", last_assigned_at=now.subtract(minutes=42)),
        ...     now=now,
        ... )
        'A: last received a ticket 42 min ago'
    """

    kind: ClassVar[str] = "longest_idle"
    name: str = attrs.field(default="longest idle", converter=policy_name)
    fast_has_rank: ClassVar[bool] = True

    def assess(
        self,
        ticket: Ticket,  # noqa: ARG002  # the protocol's signature
        agent: Agent,
        context: RoutingContext,
    ) -> Assessment:
        """Rank by when the agent last received a ticket (earlier is better)."""
        last = agent.last_assigned_at
        if last is None:
            return Assessment.ranked(NEVER, self._idle_words(None))
        idle = max(v.elapsed(last, context.now), dt.timedelta(0))
        return Assessment.ranked(float(last_us(agent) or 0), self._idle_words(idle))

    def fast_rank(self, live: LiveAgent) -> float:
        return live.last_us

    def fast_rank_reason(self, live: LiveAgent, now_us: int) -> Message:
        if live.last_us == NEVER:
            return self._idle_words(None)
        idle = v.MICROSECOND * max(0, now_us - int(live.last_us))
        return self._idle_words(idle)

    @staticmethod
    def _idle_words(idle: dt.timedelta | None) -> Message:
        # idle: how long since the agent's last ticket; None: never had one.
        if idle is None:
            return _NEVER_ASSIGNED
        return Message("routing.idle", {"idle": idle})
