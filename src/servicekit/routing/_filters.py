"""The built-in filters: policies that keep or remove agents for a ticket, and say why.

Each keeps the agents who meet one requirement (a channel, room on it, skills, a
language, a skill group, a part-time share, seniority) and removes the rest with a
reason a supervisor understands. Each states its rule as ``assess`` and as the
``fast_*`` forms of [`IndexedPolicy`][servicekit.routing._indexed.IndexedPolicy]; the
tests hold the two to agreeing. This module must never read a clock.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, ClassVar

import attrs

from servicekit.errors import InvalidArgumentError
from servicekit.messages import Message
from servicekit.routing import _values as v
from servicekit.routing._indexed import NO_IDS, IndexedPolicy, policy_name
from servicekit.routing._policy import ADMIT, Assessment

if TYPE_CHECKING:
    from collections.abc import Hashable, Iterable, Sequence
    from collections.abc import Set as AbstractSet

    from servicekit._vocabulary import Channel
    from servicekit.routing._indexed import AgentIndex, LiveAgent
    from servicekit.routing._model import Agent, Ticket
    from servicekit.routing._policy import RoutingContext

__all__ = [
    "Availability",
    "ChannelMatch",
    "LanguageMatch",
    "PartTimeWeighting",
    "RequiredSkills",
    "SeniorForRepeatComplaints",
    "SkillGroupMatch",
    "skill_needs",
]

_UNAVAILABLE_ONE = Message("routing.unavailable.one", {})
_UNAVAILABLE_MANY = Message("routing.unavailable.many", {})


def skill_needs(needs: Iterable[tuple[str, int]]) -> tuple[Message | str, ...]:
    """Each skill asked for, with its minimum level when that is above 1."""
    return tuple(
        s if n == 1 else Message("routing.skill_at_level", {"skill": s, "level": n})
        for s, n in needs
    )


@attrs.frozen(kw_only=True)
class ChannelMatch(IndexedPolicy):
    """Keep agents who work the ticket's channel at all (capacity above zero there).

    Examples:
        >>> import pendulum
        >>> from servicekit.routing import Agent, ChannelMatch, Ticket, explain
        >>> t = Ticket(
        ...     id="T",
        ...     created_at=pendulum.datetime(2026, 1, 1),
        ...     priority="low",
        ...     tier="ordinary",
        ...     channel="phone",
        ... )
        >>> explain(ChannelMatch(), t, Agent(id="A", capacity={"chat": 3}))
        'A: does not work the phone channel'
    """

    kind: ClassVar[str] = "channel"
    fast_filter_by_requirements: ClassVar[bool] = True
    name: str = attrs.field(default="channel", converter=policy_name)

    def assess(
        self,
        ticket: Ticket,
        agent: Agent,
        context: RoutingContext,  # noqa: ARG002  # the protocol's signature
    ) -> Assessment:
        """Exclude agents with no capacity on the ticket's channel."""
        if agent.capacity.get(ticket.channel, 0) > 0:
            return ADMIT
        return Assessment.exclude(self._refusal(ticket.channel))

    def fast_filter_key(self, ticket: Ticket, _ctx: RoutingContext) -> Hashable:
        return ticket.channel

    def fast_filter_ids(self, key: Channel, index: AgentIndex) -> AbstractSet[str]:
        return index.by_channel.get(key, NO_IDS)

    def fast_filter_admits(self, key: Channel, agent: Agent) -> bool:
        return agent.capacity.get(key, 0) > 0

    def fast_filter_summary(self, key: Channel, _removed: Sequence[Agent]) -> Message:
        return self._refusal(key, many=True)

    @staticmethod
    def _refusal(channel: Channel, *, many: bool = False) -> Message:
        # Its one sentence: of one agent (assess) or of many (a dispatch's summary).
        code = "routing.channel.many" if many else "routing.channel.one"
        return Message(code, {"channel": channel})


@attrs.frozen(kw_only=True)
class Availability(IndexedPolicy):
    """Keep agents who are available and have room on the ticket's channel.

    Examples:
        >>> import pendulum
        >>> from servicekit.routing import Agent, Availability, Ticket, explain
        >>> t = Ticket(
        ...     id="T",
        ...     created_at=pendulum.datetime(2026, 1, 1),
        ...     priority="low",
        ...     tier="ordinary",
        ...     channel="chat",
        ... )
        >>> explain(
        ...     Availability(), t, Agent(id="A", capacity={"chat": 2}, load={"chat": 2})
        ... )
        'A: already has 2 of 2 chat tickets (no room)'
        >>> explain(
        ...     Availability(), t, Agent(id="B", capacity={"chat": 2}, available=False)
        ... )
        'B: is not available (on a break, in training or logged off)'
    """

    kind: ClassVar[str] = "availability"
    fast_filter_by_requirements: ClassVar[bool] = True
    name: str = attrs.field(default="availability and capacity", converter=policy_name)
    fast_checks_room: ClassVar[bool] = True

    def assess(
        self,
        ticket: Ticket,
        agent: Agent,
        context: RoutingContext,  # noqa: ARG002  # the protocol's signature
    ) -> Assessment:
        """Exclude unavailable agents and agents whose channel capacity is used up."""
        if not agent.available:
            return Assessment.exclude(self._refusal())
        cap = agent.capacity.get(ticket.channel, 0)
        load = agent.load.get(ticket.channel, 0)
        if load >= cap:
            return Assessment.exclude(
                Message(
                    "routing.no_room",
                    {"load": load, "capacity": cap, "channel": ticket.channel},
                )
            )
        return ADMIT

    def fast_filter_key(self, _ticket: Ticket, _ctx: RoutingContext) -> Hashable:
        return "available"

    def fast_filter_ids(self, _key: str, index: AgentIndex) -> AbstractSet[str]:
        return index.available

    def fast_has_room(self, live: LiveAgent, channel: Channel) -> bool:
        return live.load.get(channel, 0) < live.capacity.get(channel, 0)

    def fast_filter_admits(self, _key: str, agent: Agent) -> bool:
        return agent.available

    def fast_filter_summary(self, _key: str, _removed: Sequence[Agent]) -> Message:
        return self._refusal(many=True)

    @staticmethod
    def _refusal(*, many: bool = False) -> Message:
        # Its sentence for the unavailable: of one agent (assess) or of many (a
        # dispatch's summary). Lack of room is said by assess alone, or by the
        # engine's "at capacity" line.
        return _UNAVAILABLE_MANY if many else _UNAVAILABLE_ONE


@attrs.frozen(kw_only=True)
class RequiredSkills(IndexedPolicy):
    """Keep agents with every required skill at the required level or above.

    Examples:
        >>> import pendulum
        >>> from servicekit.routing import Agent, RequiredSkills, Ticket, explain
        >>> t = Ticket(
        ...     id="T",
        ...     created_at=pendulum.datetime(2026, 1, 1),
        ...     priority="low",
        ...     tier="ordinary",
        ...     channel="chat",
        ...     skills={"billing", "refunds"},
        ...     min_levels={"billing": 5},
        ... )
        >>> explain(RequiredSkills(), t, Agent(id="A", skills={"billing": 3}))
        'A: has billing at level 3 but needs 5 or above; lacks the skill refunds'
    """

    kind: ClassVar[str] = "skills"
    fast_filter_by_requirements: ClassVar[bool] = True
    name: str = attrs.field(default="required skills", converter=policy_name)
    fast_filter_names_removed: ClassVar[bool] = True

    def assess(
        self,
        ticket: Ticket,  # noqa: ARG002  # the protocol's signature
        agent: Agent,
        context: RoutingContext,
    ) -> Assessment:
        """Exclude agents missing a required skill or below its minimum level."""
        problems: list[Message] = []
        for skill, need in context.requirements.skills.items():
            have = agent.skills.get(skill)
            if have is None:
                problems.append(Message("routing.lacks_skill", {"skill": skill}))
            elif have < need:
                problems.append(
                    Message(
                        "routing.skill_too_low",
                        {"skill": skill, "level": have, "need": need},
                    )
                )
        if not problems:
            return ADMIT
        return Assessment.exclude(
            problems[0]
            if len(problems) == 1
            else Message("list.semicolon", {"items": tuple(problems)})
        )

    def fast_filter_key(self, _ticket: Ticket, ctx: RoutingContext) -> Hashable | None:
        skills = ctx.requirements.skills
        return tuple(skills.items()) if skills else None

    def fast_filter_ids(
        self, key: tuple[tuple[str, int], ...], index: AgentIndex
    ) -> AbstractSet[str]:
        sets = sorted((index.with_skill(s, n) for s, n in key), key=len)
        out = set(sets[0])
        for other in sets[1:]:
            out &= other
        return out

    def fast_filter_admits(
        self, key: tuple[tuple[str, int], ...], agent: Agent
    ) -> bool:
        return all(agent.skills.get(s, 0) >= n for s, n in key)

    def fast_filter_summary(
        self, key: tuple[tuple[str, int], ...], removed: Sequence[Agent]
    ) -> Message:
        # Say exactly what each removed agent lacks: an agent missing only billing
        # must not be said to lack billing and logistics.
        unmet: dict[tuple[tuple[str, int], ...], int] = {}
        for agent in removed:
            lacks = tuple((s, n) for s, n in key if agent.skills.get(s, 0) < n)
            unmet[lacks] = unmet.get(lacks, 0) + 1

        if len(unmet) == 1:
            skills = skill_needs(next(iter(unmet)))
            return Message("routing.lack_skills", {"skills": skills})
        groups = sorted(unmet.items(), key=lambda g: (-g[1], g[0]))
        return Message(
            "routing.lack_skills.groups",
            {
                "groups": tuple(
                    Message(
                        "routing.lack_skills.group",
                        {"skills": skill_needs(lacks), "count": n},
                    )
                    for lacks, n in groups
                )
            },
        )


@attrs.frozen(kw_only=True)
class LanguageMatch(IndexedPolicy):
    """Keep agents who speak the ticket's language (when it names one).

    Examples:
        >>> import pendulum
        >>> from servicekit.routing import Agent, LanguageMatch, Ticket, explain
        >>> t = Ticket(
        ...     id="T",
        ...     created_at=pendulum.datetime(2026, 1, 1),
        ...     priority="low",
        ...     tier="ordinary",
        ...     channel="chat",
        ...     language="ug",
        ... )
        >>> explain(LanguageMatch(), t, Agent(id="A", languages={"zh"}))
        "A: does not speak the customer's language (ug)"
    """

    kind: ClassVar[str] = "language"
    fast_filter_by_requirements: ClassVar[bool] = True
    name: str = attrs.field(default="language", converter=policy_name)

    def assess(
        self,
        ticket: Ticket,  # noqa: ARG002  # the protocol's signature
        agent: Agent,
        context: RoutingContext,
    ) -> Assessment:
        """Exclude agents who do not speak the required language."""
        lang = context.requirements.language
        if lang is None or lang in agent.languages:
            return ADMIT
        return Assessment.exclude(self._refusal(lang))

    def fast_filter_key(self, _ticket: Ticket, ctx: RoutingContext) -> Hashable | None:
        return ctx.requirements.language

    def fast_filter_ids(self, key: str, index: AgentIndex) -> AbstractSet[str]:
        return index.by_language.get(key, NO_IDS)

    def fast_filter_admits(self, key: str, agent: Agent) -> bool:
        return key in agent.languages

    def fast_filter_summary(self, key: str, _removed: Sequence[Agent]) -> Message:
        return self._refusal(key, many=True)

    @staticmethod
    def _refusal(language: str, *, many: bool = False) -> Message:
        # Its one sentence: of one agent (assess) or of many (a dispatch's summary).
        code = "routing.language.many" if many else "routing.language.one"
        return Message(code, {"language": language})


@attrs.frozen(kw_only=True)
class SkillGroupMatch(IndexedPolicy):
    """Keep members of the ticket's skill group (or of the groups escalation widened to).

    Examples:
        >>> import pendulum
        >>> from servicekit.routing import Agent, SkillGroupMatch, Ticket, explain
        >>> t = Ticket(
        ...     id="T",
        ...     created_at=pendulum.datetime(2026, 1, 1),
        ...     priority="low",
        ...     tier="ordinary",
        ...     channel="chat",
        ...     group="logistics",
        ... )
        >>> explain(SkillGroupMatch(), t, Agent(id="A", groups={"after-sales"}))
        'A: is not in the logistics group'
    """

    kind: ClassVar[str] = "group"
    fast_filter_by_requirements: ClassVar[bool] = True
    name: str = attrs.field(default="skill group", converter=policy_name)

    def assess(
        self,
        ticket: Ticket,  # noqa: ARG002  # the protocol's signature
        agent: Agent,
        context: RoutingContext,
    ) -> Assessment:
        """Exclude agents outside the required skill groups."""
        groups = context.requirements.groups
        if groups is None or not groups.isdisjoint(agent.groups):
            return ADMIT
        return Assessment.exclude(self._refusal(tuple(sorted(groups))))

    def fast_filter_key(self, _ticket: Ticket, ctx: RoutingContext) -> Hashable | None:
        groups = ctx.requirements.groups
        return None if groups is None else tuple(sorted(groups))

    def fast_filter_ids(
        self, key: tuple[str, ...], index: AgentIndex
    ) -> AbstractSet[str]:
        out: set[str] = set()
        for g in key:
            out |= index.by_group.get(g, NO_IDS)
        return out

    def fast_filter_admits(self, key: tuple[str, ...], agent: Agent) -> bool:
        return not agent.groups.isdisjoint(key)

    def fast_filter_summary(
        self, key: tuple[str, ...], _removed: Sequence[Agent]
    ) -> Message:
        return self._refusal(key, many=True)

    @staticmethod
    def _refusal(groups: tuple[str, ...], *, many: bool = False) -> Message:
        # Its one sentence: of one agent (assess) or of many (a dispatch's summary).
        code = "routing.group.many" if many else "routing.group.one"
        return Message(code, {"groups": tuple(groups)})


def _share(value: object) -> float:
    return v.fraction(
        value, "PartTimeWeighting.share", low=0.0, high=1.0, low_open=True
    )


@attrs.frozen(kw_only=True)
class PartTimeWeighting(IndexedPolicy):
    """Part-time agents take only ``share`` of their capacity (at least one ticket).

    Args:
        share: Fraction of each channel's capacity a part-time agent fills, in (0, 1].

    Examples:
        >>> import pendulum
        >>> from servicekit.routing import Agent, PartTimeWeighting, Ticket, explain
        >>> t = Ticket(
        ...     id="T",
        ...     created_at=pendulum.datetime(2026, 1, 1),
        ...     priority="low",
        ...     tier="ordinary",
        ...     channel="chat",
        ... )
        >>> a = Agent(id="A", capacity={"chat": 4}, load={"chat": 2}, part_time=True)
        >>> explain(PartTimeWeighting(share=0.5), t, a)
        'A: is part-time and already has 2 chat tickets, the most a part-time agent takes (50% of 4)'
        >>> PartTimeWeighting(share=0)
        Traceback (most recent call last):
        ...
        servicekit.errors.InvalidArgumentError: PartTimeWeighting.share must lie in (0.0, 1.0]; got 0
    """

    kind: ClassVar[str] = "part_time"
    share: float = attrs.field(default=0.5, converter=_share)
    name: str = attrs.field(default="part-time share", converter=policy_name)
    fast_checks_room: ClassVar[bool] = True

    def limit(self, capacity: int) -> int:
        """Return how many tickets a part-time agent with ``capacity`` takes.

        Args:
            capacity: The agent's capacity on one channel.

        Returns:
            ``max(1, floor(capacity * share))``, or 0 with no capacity.

        Examples:
            >>> from servicekit.routing import PartTimeWeighting
            >>> (
            ...     PartTimeWeighting(share=0.5).limit(5),
            ...     PartTimeWeighting(share=0.5).limit(1),
            ... )
            (2, 1)
        """
        if capacity <= 0:
            return 0
        return max(1, math.floor(capacity * self.share))

    def assess(
        self,
        ticket: Ticket,
        agent: Agent,
        context: RoutingContext,  # noqa: ARG002  # the protocol's signature
    ) -> Assessment:
        """Exclude part-time agents who already hold their share."""
        if not agent.part_time:
            return ADMIT
        cap = agent.capacity.get(ticket.channel, 0)
        load = agent.load.get(ticket.channel, 0)
        if load < self.limit(cap):
            return ADMIT
        return Assessment.exclude(
            Message(
                "routing.part_time",
                {
                    "load": load,
                    "channel": ticket.channel,
                    "share": self.share,
                    "capacity": cap,
                },
            )
        )

    def fast_has_room(self, live: LiveAgent, channel: Channel) -> bool:
        if not live.part_time:
            return True
        return live.load.get(channel, 0) < self.limit(live.capacity.get(channel, 0))


def _threshold(value: object) -> int:
    n = v.count(value, "SeniorForRepeatComplaints.threshold")
    if n == 0:
        msg = "SeniorForRepeatComplaints.threshold must be at least 1 (0 would send every ticket to seniors)"
        raise InvalidArgumentError(msg)
    return n


def _attr_name(value: object) -> str:
    return v.check_id(value, "SeniorForRepeatComplaints.attribute")


@attrs.frozen(kw_only=True)
class SeniorForRepeatComplaints(IndexedPolicy):
    """Send customers with repeated unresolved complaints to a senior agent only.

    Args:
        threshold: Complaints at or above which a senior is required.
        attribute: The ticket attribute holding the complaint count.

    Examples:
        >>> import pendulum
        >>> from servicekit.routing import (
        ...     Agent,
        ...     SeniorForRepeatComplaints,
        ...     Ticket,
        ...     explain,
        ... )
        >>> t = Ticket(
        ...     id="T",
        ...     created_at=pendulum.datetime(2026, 1, 1),
        ...     priority="low",
        ...     tier="ordinary",
        ...     channel="chat",
        ...     attributes={"unresolved_complaints": 3},
        ... )
        >>> explain(SeniorForRepeatComplaints(), t, Agent(id="A"))
        'A: is not a senior agent, and this customer has 3 unresolved complaints (seniors take 2 or more)'
    """

    kind: ClassVar[str] = "senior"
    threshold: int = attrs.field(default=2, converter=_threshold)
    attribute: str = attrs.field(default="unresolved_complaints", converter=_attr_name)
    name: str = attrs.field(
        default="senior for repeat complaints", converter=policy_name
    )

    def complaints(self, ticket: Ticket) -> int:
        """Return the ticket's complaint count (0 when the attribute is absent).

        Args:
            ticket: The ticket whose attribute is read.

        Returns:
            The number of unresolved complaints.

        Raises:
            InvalidArgumentError: the attribute is not a whole number.

        Examples:
            >>> import pendulum
            >>> from servicekit.routing import SeniorForRepeatComplaints, Ticket
            >>> t = Ticket(
            ...     id="T",
            ...     created_at=pendulum.datetime(2026, 1, 1),
            ...     priority="low",
            ...     tier="ordinary",
            ...     channel="chat",
            ... )
            >>> SeniorForRepeatComplaints().complaints(t)
            0
        """
        n = ticket.attributes.get(self.attribute, 0)
        if isinstance(n, bool) or not isinstance(n, int):
            msg = f"ticket {ticket.id}: attributes[{self.attribute!r}] must be a whole number of complaints; got {n!r}"
            raise InvalidArgumentError(msg)
        return n

    def assess(
        self,
        ticket: Ticket,
        agent: Agent,
        context: RoutingContext,  # noqa: ARG002  # the protocol's signature
    ) -> Assessment:
        """Exclude non-senior agents for repeat complainers."""
        n = self.complaints(ticket)
        if n < self.threshold or agent.senior:
            return ADMIT
        return Assessment.exclude(
            Message(
                "routing.not_senior", {"complaints": n, "threshold": self.threshold}
            )
        )

    def fast_filter_key(self, ticket: Ticket, _ctx: RoutingContext) -> Hashable | None:
        return "senior" if self.complaints(ticket) >= self.threshold else None

    def fast_filter_ids(self, _key: str, index: AgentIndex) -> AbstractSet[str]:
        return index.seniors

    def fast_filter_admits(self, _key: str, agent: Agent) -> bool:
        return agent.senior

    def fast_filter_summary(self, _key: str, _removed: Sequence[Agent]) -> Message:
        return Message("routing.not_seniors", {"threshold": self.threshold})
