"""Routing policies: small objects that admit or rank agents for a ticket, and say why.

A policy is anything with a ``name`` and an ``assess(ticket, agent, context)`` method
returning an [`Assessment`][] (the [`RoutingPolicy`][] protocol). The router keeps
the agents every policy admits and picks the best by comparing ranks policy by policy,
in pipeline order (lexicographically), with the agent id as the last tie-break.

The built-in policies also carry private, index-friendly forms of the same rule (a set
of admitted agent ids, a per-agent key) so that dispatch never scans every agent for
every ticket. Both forms must always agree; the tests check that they do. Reasons are
written for a supervisor, not a programmer. This module must never read a clock.
"""

# Every policy implements one shared signature (the protocol plus the private index
# forms); most policies ignore some of the arguments, which is the point of a protocol.
# ruff: noqa: ARG002

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any, ClassVar, Final, Protocol, runtime_checkable

import attrs

from servicekit import _codec
from servicekit._boundary import quote
from servicekit.errors import (
    InvalidArgumentError,
    InvalidTypeError,
    ServiceKitError,
)
from servicekit.routing import _values as v
from servicekit.routing._model import Agent, Ticket, last_us

if TYPE_CHECKING:
    from collections.abc import Hashable, Iterable, Mapping, Sequence
    from collections.abc import Set as AbstractSet

    from servicekit._vocabulary import Channel, Tier

__all__ = [
    "Assessment",
    "Availability",
    "ChannelMatch",
    "DedicatedManager",
    "LanguageMatch",
    "LeastLoaded",
    "LongestIdle",
    "OwnerStickiness",
    "PartTimeWeighting",
    "RequiredSkills",
    "Requirements",
    "RoutingContext",
    "RoutingPolicy",
    "SeniorForRepeatComplaints",
    "SkillGroupMatch",
    "policy_from_dict",
]

_NEVER = -math.inf


def _skill_levels(value: object) -> v.FrozenMap[str, int]:
    return v.skill_levels(value, "Requirements.skills")


def _language(value: object) -> str | None:
    return v.optional_language(value, "Requirements.language")


def _owner(value: object) -> str | None:
    return v.optional_id(value, "Requirements.owner_id")


def _optional_groups(value: object) -> frozenset[str] | None:
    return None if value is None else v.names(value, "Requirements.groups")


@attrs.frozen(kw_only=True)
class Requirements:
    """What a ticket needs from an agent right now, after any escalation relaxed it.

    Args:
        skills: Skill → minimum level.
        language: Language the agent must speak, or None.
        groups: Skill groups whose members may take it; None means any agent.
        owner_id: The case owner whose claim still holds, or None.

    Examples:
        >>> import pendulum
        >>> from servicekit.routing import Requirements, Ticket
        >>> t = Ticket(
        ...     id="T",
        ...     created_at=pendulum.datetime(2026, 1, 1),
        ...     priority="low",
        ...     tier="ordinary",
        ...     channel="chat",
        ...     skills={"refunds"},
        ...     language="ug",
        ...     group="after-sales",
        ... )
        >>> r = Requirements.of(t)
        >>> dict(r.skills), r.language, sorted(r.groups)
        ({'refunds': 1}, 'ug', ['after-sales'])
    """

    skills: v.FrozenMap[str, int] = attrs.field(
        factory=v.FrozenMap, converter=_skill_levels
    )
    language: str | None = attrs.field(default=None, converter=_language)
    groups: frozenset[str] | None = attrs.field(
        default=None, converter=_optional_groups
    )
    owner_id: str | None = attrs.field(default=None, converter=_owner)

    @classmethod
    def of(cls, ticket: Ticket) -> Requirements:
        """Return the unrelaxed requirements of ``ticket``.

        Args:
            ticket: The ticket.

        Returns:
            Its requirements before any escalation.

        Examples:
            >>> import pendulum
            >>> from servicekit.routing import Requirements, Ticket
            >>> t = Ticket(
            ...     id="T",
            ...     created_at=pendulum.datetime(2026, 1, 1),
            ...     priority="low",
            ...     tier="ordinary",
            ...     channel="chat",
            ... )
            >>> Requirements.of(t).groups is None
            True
        """
        return cls(
            skills={s: ticket.min_level(s) for s in ticket.skills},
            language=ticket.language,
            groups=None if ticket.group is None else frozenset({ticket.group}),
            owner_id=ticket.owner_id,
        )


@attrs.frozen(kw_only=True)
class RoutingContext:
    """Everything a policy may consult besides the ticket and the agent.

    Args:
        now: The instant of the decision.
        waited: How long the ticket has waited (``now - created_at``).
        step: The escalation step in effect (``"standard"`` before any).
        requirements: The ticket's needs after escalation.
        agents: Every agent by id, in their current state (owners, colleagues).

    Examples:
        >>> import pendulum
        >>> from datetime import timedelta
        >>> from servicekit.routing import Requirements, RoutingContext
        >>> ctx = RoutingContext(
        ...     now=pendulum.datetime(2026, 1, 1),
        ...     waited=timedelta(0),
        ...     step="standard",
        ...     requirements=Requirements(),
        ...     agents={},
        ... )
        >>> ctx.step
        'standard'
    """

    now: dt.datetime
    waited: dt.timedelta
    step: str
    requirements: Requirements
    agents: Mapping[str, Agent]


def _reason(_inst: object, _attr: object, value: object) -> None:
    if not isinstance(value, str):
        msg = f"an assessment's reason must be a sentence (a string); got {value!r}"
        raise InvalidTypeError(msg)


def _rank(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"an assessment's rank must be a number (lower is better); got {value!r}"
        raise InvalidTypeError(msg)
    if math.isnan(value):
        msg = (
            "an assessment's rank is NaN, which cannot be ordered; return a real number"
        )
        raise InvalidArgumentError(msg)
    return float(value)


def _rank_from_json(value: object, _: object) -> float:
    # An excluded agent's rank is infinite, which strict JSON cannot hold; it is
    # written as the text "inf" / "-inf".
    if type(value) is str and value in _INFINITIES:
        return _INFINITIES[value]
    if type(value) in {int, float}:
        try:
            rank = float(value)  # type: ignore[arg-type]
        except OverflowError:
            rank = math.nan
        if not math.isnan(rank):
            return rank
    raise _codec.ExpectedError("a number, 'inf' or '-inf'", value)


def _rank_to_json(value: float) -> float | str:
    return value if math.isfinite(value) else ("inf" if value > 0 else "-inf")


_INFINITIES: Final = {"inf": math.inf, "-inf": -math.inf}


@_codec.value(omit_if_default=(), hooks={"rank": (_rank_from_json, _rank_to_json)})
@attrs.frozen(kw_only=True)
class Assessment(_codec.Serialisable):
    """One policy's verdict on one agent for one ticket.

    Args:
        admitted: False removes the agent from consideration.
        rank: Lower is better; compared only among admitted agents.
        reason: Words a supervisor understands (may be empty for "no opinion").

    Examples:
        >>> from servicekit.routing import Assessment
        >>> Assessment.exclude("is on a break").admitted
        False
        >>> Assessment.ranked(0.25, "load 25%").rank
        0.25
        >>> Assessment.exclude("is on a break").to_dict()
        {'admitted': False, 'rank': 'inf', 'reason': 'is on a break'}
    """

    admitted: bool = attrs.field(
        default=True, validator=v.flag("an assessment's admitted")
    )
    rank: float = attrs.field(default=0.0, converter=_rank)
    reason: str = attrs.field(default="", validator=_reason)

    @classmethod
    def exclude(cls, reason: str) -> Assessment:
        """Return a verdict removing the agent, with the reason.

        Args:
            reason: Why the agent cannot take the ticket, in plain words.

        Returns:
            A non-admitting [`Assessment`][].

        Examples:
            >>> from servicekit.routing import Assessment
            >>> Assessment.exclude("does not speak Uyghur").reason
            'does not speak Uyghur'
        """
        return cls(admitted=False, rank=math.inf, reason=reason)

    @classmethod
    def ranked(cls, rank: float, reason: str = "") -> Assessment:
        """Return a verdict admitting the agent with a rank (lower is better).

        Args:
            rank: Lower is better; compared only among admitted agents.
            reason: Why, in plain words (may be empty).

        Returns:
            An admitting [`Assessment`][].

        Examples:
            >>> from servicekit.routing import Assessment
            >>> Assessment.ranked(1).admitted
            True
        """
        return cls(admitted=True, rank=rank, reason=reason)


_ADMIT = Assessment()


@runtime_checkable
class RoutingPolicy(Protocol):
    """The extension point: anything with a ``name`` and an ``assess`` method.

    ``assess`` must be a pure function of its arguments (no clock, no I/O) so that
    dispatch stays deterministic.

    Examples:
        >>> from servicekit.routing import Assessment, RoutingPolicy
        >>> class SameCity:
        ...     name = "same city"
        ...
        ...     def assess(self, ticket, agent, context):
        ...         same = agent.attributes.get("city") == ticket.attributes.get("city")
        ...         return Assessment.ranked(
        ...             0 if same else 1, "same city" if same else ""
        ...         )
        >>> isinstance(SameCity(), RoutingPolicy)
        True
    """

    @property
    def name(self) -> str:
        """A short name shown in explanations ("least loaded")."""
        ...

    def assess(
        self, ticket: Ticket, agent: Agent, context: RoutingContext
    ) -> Assessment:
        """Return whether ``agent`` may take ``ticket`` and how good a match it is.

        Args:
            ticket: The ticket being placed.
            agent: The candidate agent, in its current state.
            context: The instant, the wait, the requirements after escalation, and
                every agent by id.

        Returns:
            An [`Assessment`][]; the class example shows the reasons it gives.
        """
        ...


def _assess(
    policy: RoutingPolicy, ticket: Ticket, agent: Agent, context: RoutingContext
) -> Assessment:
    """Run ``policy.assess``, turning its failures into errors that name the policy.

    A caller's policy that raises (a ``KeyError`` on a missing attribute) or returns
    something other than an [`Assessment`][] must not surface as a bare built-in
    exception from deep inside a dispatch; the original stays as ``__cause__``.
    """
    try:
        verdict: object = policy.assess(ticket, agent, context)
    except ServiceKitError:
        raise
    except Exception as exc:
        msg = (
            f"routing policy {quote(policy.name)} failed on ticket {quote(ticket.id)} "
            f"and agent {quote(agent.id)}: {type(exc).__name__}: {quote(str(exc))}"
        )
        raise InvalidArgumentError(msg) from exc
    if not isinstance(verdict, Assessment):
        msg = f"policy {policy.name!r} returned {quote(verdict)}; assess must return an Assessment"
        raise InvalidTypeError(msg)
    return verdict


class Live:
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
        self.last_us: float = _NEVER if last is None else float(last)
        self.version = 0
        # (plan, channel) -> heap keys, or None if a dynamic filter refuses; cleared
        # whenever the agent takes work, because only then can either change.
        self.cache: dict[tuple[int, Channel], tuple[float, ...] | None] = {}

    def fork(self, agent: Agent) -> Live:
        """Return a copy for ``agent`` (this one or its successor) to change alone.

        The router shares a Live between calls while it describes its agent as
        given; a dispatch that assigns work forks it first, so the shared one stays
        true to that agent.
        """
        new = Live.__new__(Live)
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


_EMPTY: frozenset[str] = frozenset()


def _policy_name(value: object) -> str:
    return v.check_id(value, "a policy's name", "'least loaded'")


class _Builtin(_codec.Serialisable):
    """Private mixin: the index-friendly forms of a built-in policy.

    Built-in policies are values: ``to_dict`` names the policy under ``"type"`` (its
    ``kind``) beside its name and parameters, and [`policy_from_dict`][] reads it back.
    The name is kept because reasons and escalation steps refer to policies by name.
    """

    kind: ClassVar[str] = ""
    name: str

    # A filter on static facts, in two halves so the router can memoise: a cheap
    # hashable key naming the restriction (None: no restriction for this ticket) ...
    def _static_key(self, ticket: Ticket, ctx: RoutingContext) -> Hashable | None:
        return None

    # ... and the ids of the agents the restriction admits ...
    def _static_ids(self, key: Any, index: AgentIndex) -> AbstractSet[str]:
        return index.all

    # ... or, one agent at a time, whether it admits ``agent`` (the scan strategy's
    # plain restatement of ``_static_ids``; the tests hold the two to agreeing).
    def _static_admits(self, key: Any, agent: Agent) -> bool:
        return True

    # A filter on live load: monotone, once False it stays False during a dispatch.
    def _dynamic(self, live: Live, channel: Channel) -> bool:
        return True

    # Preference levels, best first: [(memo key, ids)], others rank after all levels.
    def _levels(
        self, ticket: Ticket, ctx: RoutingContext, index: AgentIndex
    ) -> list[tuple[Hashable, set[str]]] | None:
        return None

    # A per-agent rank from live state that only grows as the agent receives work.
    def _key(self, live: Live) -> float:
        return 0.0

    _has_dynamic: ClassVar[bool] = False
    _has_levels: ClassVar[bool] = False
    _has_key: ClassVar[bool] = False
    # Whether ``_summary`` needs the removed agents themselves (else it gets none).
    _names_removed: ClassVar[bool] = False

    # Words for the agents a static filter removed ("do not speak ug"); ``removed``
    # are those agents, for policies whose words depend on who they are.
    def _summary(self, key: Any, removed: Sequence[Agent]) -> str:
        return f"fail {self.name}"

    # Words for why the agent at a preference level was preferred.
    def _level_reason(self, key: Any) -> str:
        return ""

    # Words for an agent's key, from live state.
    def _live_reason(self, live: Live, now_us: int) -> str:
        return ""


@attrs.frozen(kw_only=True)
class ChannelMatch(_Builtin):
    """Keep agents who work the ticket's channel at all (capacity above zero there).

    Returns:
        A dict of JSON-native values (ISO-8601 strings for instants and durations).

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
    name: str = attrs.field(default="channel", converter=_policy_name)

    def assess(
        self, ticket: Ticket, agent: Agent, context: RoutingContext
    ) -> Assessment:
        """Exclude agents with no capacity on the ticket's channel.

        Args:
            ticket: The ticket being placed.
            agent: The candidate agent, in its current state.
            context: The instant, the wait, the requirements after escalation, and
                every agent by id.

        Returns:
            An [`Assessment`][]; the class example shows the reasons it gives.
        """
        if agent.capacity.get(ticket.channel, 0) > 0:
            return _ADMIT
        return Assessment.exclude(f"does not work the {ticket.channel.value} channel")

    def _static_key(self, ticket: Ticket, ctx: RoutingContext) -> Hashable:
        return ticket.channel

    def _static_ids(self, key: Channel, index: AgentIndex) -> AbstractSet[str]:
        return index.by_channel.get(key, _EMPTY)

    def _static_admits(self, key: Channel, agent: Agent) -> bool:
        return agent.capacity.get(key, 0) > 0

    def _summary(self, key: Channel, removed: Sequence[Agent]) -> str:
        return f"do not work the {key.value} channel"


@attrs.frozen(kw_only=True)
class Availability(_Builtin):
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
    name: str = attrs.field(default="availability and capacity", converter=_policy_name)
    _has_dynamic: ClassVar[bool] = True

    def assess(
        self, ticket: Ticket, agent: Agent, context: RoutingContext
    ) -> Assessment:
        """Exclude unavailable agents and agents whose channel capacity is used up.

        Args:
            ticket: The ticket being placed.
            agent: The candidate agent, in its current state.
            context: The instant, the wait, the requirements after escalation, and
                every agent by id.

        Returns:
            An [`Assessment`][]; the class example shows the reasons it gives.
        """
        if not agent.available:
            return Assessment.exclude(
                "is not available (on a break, in training or logged off)"
            )
        cap = agent.capacity.get(ticket.channel, 0)
        load = agent.load.get(ticket.channel, 0)
        if load >= cap:
            return Assessment.exclude(
                f"already has {load} of {cap} {ticket.channel.value} tickets (no room)"
            )
        return _ADMIT

    def _static_key(self, ticket: Ticket, ctx: RoutingContext) -> Hashable:
        return "available"

    def _static_ids(self, key: str, index: AgentIndex) -> AbstractSet[str]:
        return index.available

    def _dynamic(self, live: Live, channel: Channel) -> bool:
        return live.load.get(channel, 0) < live.capacity.get(channel, 0)

    def _static_admits(self, key: str, agent: Agent) -> bool:
        return agent.available

    def _summary(self, key: str, removed: Sequence[Agent]) -> str:
        return "are not available (break, training or logged off)"


@attrs.frozen(kw_only=True)
class RequiredSkills(_Builtin):
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
    name: str = attrs.field(default="required skills", converter=_policy_name)
    _names_removed: ClassVar[bool] = True

    def assess(
        self, ticket: Ticket, agent: Agent, context: RoutingContext
    ) -> Assessment:
        """Exclude agents missing a required skill or below its minimum level.

        Args:
            ticket: The ticket being placed.
            agent: The candidate agent, in its current state.
            context: The instant, the wait, the requirements after escalation, and
                every agent by id.

        Returns:
            An [`Assessment`][]; the class example shows the reasons it gives.
        """
        problems = []
        for skill, need in context.requirements.skills.items():
            have = agent.skills.get(skill)
            if have is None:
                problems.append(f"lacks the skill {skill}")
            elif have < need:
                problems.append(
                    f"has {skill} at level {have} but needs {need} or above"
                )
        return Assessment.exclude("; ".join(problems)) if problems else _ADMIT

    def _static_key(self, ticket: Ticket, ctx: RoutingContext) -> Hashable | None:
        skills = ctx.requirements.skills
        return tuple(skills.items()) if skills else None

    def _static_ids(
        self, key: tuple[tuple[str, int], ...], index: AgentIndex
    ) -> AbstractSet[str]:
        sets = sorted((index.with_skill(s, n) for s, n in key), key=len)
        out = set(sets[0])
        for other in sets[1:]:
            out &= other
        return out

    def _static_admits(self, key: tuple[tuple[str, int], ...], agent: Agent) -> bool:
        return all(agent.skills.get(s, 0) >= n for s, n in key)

    def _summary(
        self, key: tuple[tuple[str, int], ...], removed: Sequence[Agent]
    ) -> str:
        # Say exactly what each removed agent lacks: an agent missing only billing
        # must not be said to lack billing and logistics.
        unmet: dict[tuple[tuple[str, int], ...], int] = {}
        for agent in removed:
            lacks = tuple((s, n) for s, n in key if agent.skills.get(s, 0) < n)
            unmet[lacks] = unmet.get(lacks, 0) + 1

        def need(lacks: tuple[tuple[str, int], ...]) -> str:
            return ", ".join(
                s if n == 1 else f"{s} at level {n} or above" for s, n in lacks
            )

        if len(unmet) == 1:
            return f"lack the required skills ({need(next(iter(unmet)))})"
        groups = sorted(unmet.items(), key=lambda g: (-g[1], g[0]))
        return "lack the required skills: " + "; ".join(
            f"{need(lacks)} ({n:,})" for lacks, n in groups
        )


@attrs.frozen(kw_only=True)
class LanguageMatch(_Builtin):
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
    name: str = attrs.field(default="language", converter=_policy_name)

    def assess(
        self, ticket: Ticket, agent: Agent, context: RoutingContext
    ) -> Assessment:
        """Exclude agents who do not speak the required language.

        Args:
            ticket: The ticket being placed.
            agent: The candidate agent, in its current state.
            context: The instant, the wait, the requirements after escalation, and
                every agent by id.

        Returns:
            An [`Assessment`][]; the class example shows the reasons it gives.
        """
        lang = context.requirements.language
        if lang is None or lang in agent.languages:
            return _ADMIT
        return Assessment.exclude(f"does not speak the customer's language ({lang})")

    def _static_key(self, ticket: Ticket, ctx: RoutingContext) -> Hashable | None:
        return ctx.requirements.language

    def _static_ids(self, key: str, index: AgentIndex) -> AbstractSet[str]:
        return index.by_language.get(key, _EMPTY)

    def _static_admits(self, key: str, agent: Agent) -> bool:
        return key in agent.languages

    def _summary(self, key: str, removed: Sequence[Agent]) -> str:
        return f"do not speak the customer's language ({key})"


@attrs.frozen(kw_only=True)
class SkillGroupMatch(_Builtin):
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
    name: str = attrs.field(default="skill group", converter=_policy_name)

    def assess(
        self, ticket: Ticket, agent: Agent, context: RoutingContext
    ) -> Assessment:
        """Exclude agents outside the required skill groups.

        Args:
            ticket: The ticket being placed.
            agent: The candidate agent, in its current state.
            context: The instant, the wait, the requirements after escalation, and
                every agent by id.

        Returns:
            An [`Assessment`][]; the class example shows the reasons it gives.
        """
        groups = context.requirements.groups
        if groups is None or not groups.isdisjoint(agent.groups):
            return _ADMIT
        return Assessment.exclude(f"is not in the {' or '.join(sorted(groups))} group")

    def _static_key(self, ticket: Ticket, ctx: RoutingContext) -> Hashable | None:
        groups = ctx.requirements.groups
        return None if groups is None else tuple(sorted(groups))

    def _static_ids(self, key: tuple[str, ...], index: AgentIndex) -> AbstractSet[str]:
        out: set[str] = set()
        for g in key:
            out |= index.by_group.get(g, _EMPTY)
        return out

    def _static_admits(self, key: tuple[str, ...], agent: Agent) -> bool:
        return not agent.groups.isdisjoint(key)

    def _summary(self, key: tuple[str, ...], removed: Sequence[Agent]) -> str:
        return f"are not in the {' or '.join(key)} group"


def _share(value: object) -> float:
    return v.fraction(
        value, "PartTimeWeighting.share", low=0.0, high=1.0, low_open=True
    )


@attrs.frozen(kw_only=True)
class PartTimeWeighting(_Builtin):
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
    name: str = attrs.field(default="part-time share", converter=_policy_name)
    _has_dynamic: ClassVar[bool] = True

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
        self, ticket: Ticket, agent: Agent, context: RoutingContext
    ) -> Assessment:
        """Exclude part-time agents who already hold their share.

        Args:
            ticket: The ticket being placed.
            agent: The candidate agent, in its current state.
            context: The instant, the wait, the requirements after escalation, and
                every agent by id.

        Returns:
            An [`Assessment`][]; the class example shows the reasons it gives.
        """
        if not agent.part_time:
            return _ADMIT
        cap = agent.capacity.get(ticket.channel, 0)
        load = agent.load.get(ticket.channel, 0)
        if load < self.limit(cap):
            return _ADMIT
        return Assessment.exclude(
            f"is part-time and already has {load} {ticket.channel.value} tickets, "
            f"the most a part-time agent takes ({self.share:.0%} of {cap})"
        )

    def _dynamic(self, live: Live, channel: Channel) -> bool:
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
class SeniorForRepeatComplaints(_Builtin):
    """Send customers with repeated unresolved complaints to a senior agent only.

    Args:
        threshold: Complaints at or above which a senior is required.
        attribute: The ticket attribute holding the complaint count.

    Returns:
        A dict of JSON-native values (ISO-8601 strings for instants and durations).

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
        default="senior for repeat complaints", converter=_policy_name
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
        self, ticket: Ticket, agent: Agent, context: RoutingContext
    ) -> Assessment:
        """Exclude non-senior agents for repeat complainers.

        Args:
            ticket: The ticket being placed.
            agent: The candidate agent, in its current state.
            context: The instant, the wait, the requirements after escalation, and
                every agent by id.

        Returns:
            An [`Assessment`][]; the class example shows the reasons it gives.
        """
        n = self.complaints(ticket)
        if n < self.threshold or agent.senior:
            return _ADMIT
        return Assessment.exclude(
            f"is not a senior agent, and this customer has {n} unresolved complaints "
            f"(seniors take {self.threshold} or more)"
        )

    def _static_key(self, ticket: Ticket, ctx: RoutingContext) -> Hashable | None:
        return "senior" if self.complaints(ticket) >= self.threshold else None

    def _static_ids(self, key: str, index: AgentIndex) -> AbstractSet[str]:
        return index.seniors

    def _static_admits(self, key: str, agent: Agent) -> bool:
        return agent.senior

    def _summary(self, key: str, removed: Sequence[Agent]) -> str:
        return f"are not senior agents (repeat complaints, {self.threshold} or more, go to seniors)"


def _wait(value: object) -> dt.timedelta:
    return v.duration(value, "OwnerStickiness.wait")


@attrs.frozen(kw_only=True)
class OwnerStickiness(_Builtin):
    """First-contact ownership (首问负责制): the case owner keeps the case.

    While the owner is available, only the owner may take the ticket, for up to
    ``wait`` after it was created; after that (or at once, if the owner is not
    available, does not work the ticket's channel at all, or is not among the
    agents) anyone may, with the owner still preferred.

    Args:
        wait: How long a ticket waits for its busy owner before others may take it.

    Returns:
        A dict of JSON-native values (ISO-8601 strings for instants and durations).

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
    name: str = attrs.field(default="first-contact ownership", converter=_policy_name)
    _has_levels: ClassVar[bool] = True

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
        """Keep only the owner while the claim holds; afterwards rank the owner first.

        Args:
            ticket: The ticket being placed.
            agent: The candidate agent, in its current state.
            context: The instant, the wait, the requirements after escalation, and
                every agent by id.

        Returns:
            An [`Assessment`][]; the class example shows the reasons it gives.
        """
        owner_id = context.requirements.owner_id
        if owner_id is None:
            return _ADMIT
        if agent.id == owner_id:
            return Assessment.ranked(0, "owns the case (first-contact ownership)")
        held = self._holds(ticket, context)
        if held is not None:
            return Assessment.exclude(
                f"the case belongs to {held} (first-contact ownership); it waits up to {v.humanize(self.wait)} for them"
            )
        return Assessment.ranked(1)

    def _static_key(self, ticket: Ticket, ctx: RoutingContext) -> Hashable | None:
        return self._holds(ticket, ctx)

    def _static_ids(self, key: str, index: AgentIndex) -> AbstractSet[str]:
        return {key} & index.all

    def _levels(
        self, ticket: Ticket, ctx: RoutingContext, index: AgentIndex
    ) -> list[tuple[Hashable, set[str]]] | None:
        owner_id = ctx.requirements.owner_id
        if owner_id is None or owner_id not in index.all:
            return None
        return [(("owner", owner_id), {owner_id})]

    def _static_admits(self, key: str, agent: Agent) -> bool:
        return agent.id == key

    def _summary(self, key: str, removed: Sequence[Agent]) -> str:
        return f"are not the case owner {key}, who keeps it for now (first-contact ownership)"

    def _level_reason(self, key: Any) -> str:
        return "owns the case (first-contact ownership)"


@attrs.frozen(kw_only=True)
class DedicatedManager(_Builtin):
    """Prefer the customer's dedicated manager, then agents dedicated to the tier.

    Returns:
        A dict of JSON-native values (ISO-8601 strings for instants and durations).

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
    name: str = attrs.field(default="dedicated manager", converter=_policy_name)
    _has_levels: ClassVar[bool] = True

    def assess(
        self, ticket: Ticket, agent: Agent, context: RoutingContext
    ) -> Assessment:
        """Rank 0 for the customer's manager, 1 for tier specialists, 2 for others.

        Args:
            ticket: The ticket being placed.
            agent: The candidate agent, in its current state.
            context: The instant, the wait, the requirements after escalation, and
                every agent by id.

        Returns:
            An [`Assessment`][]; the class example shows the reasons it gives.
        """
        if (
            ticket.customer_id is not None
            and ticket.customer_id in agent.dedicated_customers
        ):
            return Assessment.ranked(0, "is this customer's dedicated manager")
        if ticket.tier in agent.dedicated_tiers:
            return Assessment.ranked(1, f"serves {v.words(ticket.tier)} customers")
        return Assessment.ranked(2)

    def _levels(
        self, ticket: Ticket, ctx: RoutingContext, index: AgentIndex
    ) -> list[tuple[Hashable, set[str]]]:
        out: list[tuple[Hashable, set[str]]] = []
        if ticket.customer_id is not None:
            out.append(
                (
                    ("customer", ticket.customer_id),
                    index.by_customer.get(ticket.customer_id, set()),
                )
            )
        out.append((("tier", ticket.tier), index.by_tier.get(ticket.tier, set())))
        return out

    def _level_reason(self, key: tuple[str, Any]) -> str:
        if key[0] == "customer":
            return "is this customer's dedicated manager"
        return f"serves {v.words(key[1])} customers"


@attrs.frozen(kw_only=True)
class LeastLoaded(_Builtin):
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
    name: str = attrs.field(default="least loaded", converter=_policy_name)
    _has_key: ClassVar[bool] = True

    def assess(
        self, ticket: Ticket, agent: Agent, context: RoutingContext
    ) -> Assessment:
        """Rank by load over capacity across all channels.

        Args:
            ticket: The ticket being placed.
            agent: The candidate agent, in its current state.
            context: The instant, the wait, the requirements after escalation, and
                every agent by id.

        Returns:
            An [`Assessment`][]; the class example shows the reasons it gives.
        """
        cap = sum(agent.capacity.values())
        load = sum(agent.load.values())
        ratio = load / cap if cap else math.inf
        pct = f"{ratio:.0%}" if cap else "no capacity"
        return Assessment.ranked(
            ratio, f"is handling {load} of {cap} tickets ({pct} loaded)"
        )

    def _key(self, live: Live) -> float:
        cap = live.total_capacity
        return live.total_load / cap if cap else math.inf

    def _live_reason(self, live: Live, now_us: int) -> str:
        cap = live.total_capacity
        load = live.total_load
        return (
            f"is handling {load} of {cap} tickets ({load / cap:.0%} loaded)"
            if cap
            else "has no capacity"
        )


@attrs.frozen(kw_only=True)
class LongestIdle(_Builtin):
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
    name: str = attrs.field(default="longest idle", converter=_policy_name)
    _has_key: ClassVar[bool] = True

    def assess(
        self, ticket: Ticket, agent: Agent, context: RoutingContext
    ) -> Assessment:
        """Rank by when the agent last received a ticket (earlier is better).

        Args:
            ticket: The ticket being placed.
            agent: The candidate agent, in its current state.
            context: The instant, the wait, the requirements after escalation, and
                every agent by id.

        Returns:
            An [`Assessment`][]; the class example shows the reasons it gives.
        """
        last = agent.last_assigned_at
        if last is None:
            return Assessment.ranked(_NEVER, "has not received a ticket yet")
        idle = v.humanize(max(v.elapsed(last, context.now), dt.timedelta(0)))
        return Assessment.ranked(
            float(last_us(agent) or 0), f"last received a ticket {idle} ago"
        )

    def _key(self, live: Live) -> float:
        return live.last_us

    def _live_reason(self, live: Live, now_us: int) -> str:
        if live.last_us == _NEVER:
            return "has not received a ticket yet"
        idle = dt.timedelta(microseconds=max(0, now_us - int(live.last_us)))
        return f"last received a ticket {v.humanize(idle)} ago"


_BUILTINS: tuple[type[_Builtin], ...] = (
    ChannelMatch,
    Availability,
    RequiredSkills,
    LanguageMatch,
    SkillGroupMatch,
    PartTimeWeighting,
    SeniorForRepeatComplaints,
    OwnerStickiness,
    DedicatedManager,
    LeastLoaded,
    LongestIdle,
)
for _cls in _BUILTINS:
    _codec.value(tag=_cls.kind, omit_if_default=())(_cls)
# A field typed RoutingPolicy reads a built-in policy by its "type".
_codec.variants(RoutingPolicy, _BUILTINS)


def policy_from_dict(data: Mapping[str, Any]) -> RoutingPolicy:
    """Build a built-in policy from its ``to_dict()`` data.

    Args:
        data: ``{"type": kind, **parameters}`` as produced by ``to_dict()``.

    Returns:
        The built-in policy.

    Raises:
        DeserializationError: the data names no built-in policy, has a key the
            policy does not take, or a malformed value; the message names the path.

    Examples:
        >>> from datetime import timedelta
        >>> from servicekit.routing import OwnerStickiness, policy_from_dict
        >>> p = OwnerStickiness(wait=timedelta(minutes=10))
        >>> p.to_dict()
        {'type': 'owner', 'wait': 'PT10M', 'name': 'first-contact ownership'}
        >>> policy_from_dict(p.to_dict()) == p
        True
    """
    # A protocol names the family of variants the codec reads by their "type".
    return _codec.from_data(RoutingPolicy, data, what="policy")  # type: ignore[type-abstract]


def explain(
    policy: RoutingPolicy,
    ticket: Ticket,
    agent: Agent,
    *,
    agents: Iterable[Agent] = (),
    now: dt.datetime | None = None,
) -> str:
    """Return one policy's verdict on one agent as a sentence (for docs and debugging).

    Args:
        policy: Any routing policy.
        ticket: The ticket.
        agent: The agent judged.
        agents: Other agents the policy may consult (case owners).
        now: The instant (default: the ticket's creation).

    Returns:
        ``"<agent id>: <reason>"``, or ``"<agent id>: admitted"``.

    Raises:
        InvalidArgumentError: the policy raised (it is named; the original exception
            is the ``__cause__``).
        InvalidTypeError: the policy returned something other than an Assessment.

    Examples:
        >>> import pendulum
        >>> from servicekit.routing import Agent, LanguageMatch, Ticket, explain
        >>> t = Ticket(
        ...     id="T",
        ...     created_at=pendulum.datetime(2026, 1, 1),
        ...     priority="low",
        ...     tier="ordinary",
        ...     channel="chat",
        ... )
        >>> explain(LanguageMatch(), t, Agent(id="A"))
        'A: admitted'
    """
    given: tuple[object, object] = (ticket, agent)
    if not isinstance(given[0], Ticket) or not isinstance(given[1], Agent):
        msg = f"explain needs a Ticket and an Agent; got {ticket!r} and {agent!r}"
        raise InvalidTypeError(msg)
    when = ticket.created_at if now is None else v.instant(now, "now")
    everyone = {a.id: a for a in agents}
    everyone.setdefault(agent.id, agent)
    ctx = RoutingContext(
        now=when,
        waited=v.elapsed(ticket.created_at, when),
        step="standard",
        requirements=Requirements.of(ticket),
        agents=everyone,
    )
    verdict = _assess(policy, ticket, agent, ctx)
    if not verdict.admitted:
        return f"{agent.id}: {verdict.reason}"
    return f"{agent.id}: {verdict.reason or 'admitted'}"
