"""The router: triage → queue order → eligibility → ranking → decision, with reasons.

A [`Router`][] is a pipeline of [`RoutingPolicy`][servicekit.routing.RoutingPolicy] objects
plus escalation steps. ``route`` explains one ticket against every agent; ``dispatch``
assigns a whole queue in queue order, filling capacity as it goes.

Dispatch never scans every agent for every ticket: built-in policies expose their rules
as sets of agent ids (an index by channel, skill level, language, group…) and as
per-agent keys kept in lazily repaired heaps, so each ticket costs about
``log(agents)``. The ``"scan"`` strategy judges every agent one by one and must give
the same decisions and the same reasons word for word; the tests hold the two to that. This module must never
read a clock, use randomness, or depend on the order agents are given in.
"""

# The router drives the built-in policies' private, index-friendly forms
# (``_static_key``, ``_key``, …): they are an internal contract of this package.
# ruff: noqa: SLF001

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import itertools
import operator
from collections.abc import Hashable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import attrs

from servicekit import _codec
from servicekit._boundary import quote
from servicekit._vocabulary import Priority
from servicekit.errors import (
    DuplicateIdError,
    InvalidArgumentError,
    InvalidTypeError,
)
from servicekit.routing import _values as v
from servicekit.routing._model import Agent, Ticket, holding
from servicekit.routing._policies import (
    AgentIndex,
    Availability,
    ChannelMatch,
    DedicatedManager,
    LanguageMatch,
    LeastLoaded,
    Live,
    LongestIdle,
    OwnerStickiness,
    PartTimeWeighting,
    RequiredSkills,
    Requirements,
    RoutingContext,
    RoutingPolicy,
    SeniorForRepeatComplaints,
    SkillGroupMatch,
    _assess,
    _Builtin,
)
from servicekit.routing._queue import QueueOrder, unique_tickets, waited
from servicekit.routing._triage import Triage, TriageResult

if TYPE_CHECKING:
    import pendulum

    from servicekit._vocabulary import Channel, Tier

__all__ = [
    "Assignment",
    "DispatchResult",
    "EscalationStep",
    "Router",
    "RoutingDecision",
]

STANDARD = "standard"
_PRIORITIES = tuple(Priority)
Strategy = Literal["indexed", "scan"]
# "route" is Router.route's mode: every agent judged by every policy, one line each.
_Mode = Literal["indexed", "scan", "route"]


def _after(value: object) -> dt.timedelta:
    return v.duration(value, "EscalationStep.after", positive=True)


def _default_name(step: EscalationStep) -> str:
    return f"after {v.humanize(step.after)}"


def _step_name(value: object) -> str:
    return v.check_id(value, "EscalationStep.name")


def _drop_skills(value: object) -> frozenset[str]:
    return v.names(value, "EscalationStep.drop_skills")


def _widen(value: object) -> frozenset[str]:
    return v.names(value, "EscalationStep.widen_to_groups")


def _drop_policies(value: object) -> frozenset[str]:
    return v.names(value, "EscalationStep.drop_policies")


def _ticket_id(value: object) -> str:
    return v.check_id(value, "ticket_id")


def _agent_id(value: object) -> str:
    return v.check_id(value, "agent_id")


def _optional_ticket_id(value: object) -> str | None:
    return v.optional_id(value, "ticket_id")


def _optional_agent_id(value: object) -> str | None:
    return v.optional_id(value, "agent_id")


def _step(value: object) -> str:
    return v.check_id(value, "step")


def _lower(value: object) -> int:
    n = v.count(value, "EscalationStep.lower_levels_by")
    if n > 9:
        msg = f"EscalationStep.lower_levels_by must be 0-9 (levels run 1-10); got {n}"
        raise InvalidArgumentError(msg)
    return n


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class EscalationStep(_codec.Serialisable):
    """After a ticket has waited ``after``, relax these requirements or widen the pool.

    Steps accumulate: at a given wait, every step whose ``after`` has passed applies.

    Args:
        after: Wait (since ``created_at``) at which the step applies.
        name: Shown in decisions; defaults to ``"after 10 min"``.
        drop_skills: Skills no longer required.
        drop_all_skills: Require no skills at all.
        lower_levels_by: Accept skill levels this much lower (never below 1).
        drop_language: Accept agents who do not speak the customer's language.
        widen_to_groups: Also accept members of these skill groups.
        any_group: Accept any skill group.
        release_owner: Stop waiting for the case owner.
        drop_policies: Names of router policies to skip from now on.

    Raises:
        InvalidArgumentError: ``after`` is not positive.

    Examples:
        >>> from datetime import timedelta
        >>> from servicekit.routing import EscalationStep
        >>> step = EscalationStep(after=timedelta(minutes=10), drop_skills={"billing"})
        >>> step.name, step.describe()
        ('after 10 min', 'after 10 min: stop requiring billing')
        >>> EscalationStep.from_dict(step.to_dict()) == step
        True
    """

    after: dt.timedelta = attrs.field(converter=_after)
    name: str = attrs.field(
        default=attrs.Factory(_default_name, takes_self=True), converter=_step_name
    )
    drop_skills: frozenset[str] = attrs.field(
        default=frozenset(), converter=_drop_skills
    )
    drop_all_skills: bool = attrs.field(
        default=False, validator=v.flag("EscalationStep.drop_all_skills")
    )
    lower_levels_by: int = attrs.field(default=0, converter=_lower)
    drop_language: bool = attrs.field(
        default=False, validator=v.flag("EscalationStep.drop_language")
    )
    widen_to_groups: frozenset[str] = attrs.field(default=frozenset(), converter=_widen)
    any_group: bool = attrs.field(
        default=False, validator=v.flag("EscalationStep.any_group")
    )
    release_owner: bool = attrs.field(
        default=False, validator=v.flag("EscalationStep.release_owner")
    )
    drop_policies: frozenset[str] = attrs.field(
        default=frozenset(), converter=_drop_policies
    )

    def describe(self) -> str:
        """Return the step in words, for supervisors.

        Returns:
            One sentence naming the step and what it relaxes.

        Examples:
            >>> from datetime import timedelta
            >>> from servicekit.routing import EscalationStep
            >>> EscalationStep(
            ...     after=timedelta(hours=1), drop_language=True, any_group=True
            ... ).describe()
            "after 1 h 00 min: accept agents who do not speak the customer's language, accept any skill group"
        """
        parts = []
        if self.drop_all_skills:
            parts.append("stop requiring any skill")
        elif self.drop_skills:
            parts.append(f"stop requiring {', '.join(sorted(self.drop_skills))}")
        if self.lower_levels_by:
            parts.append(f"accept skill levels {self.lower_levels_by} lower")
        if self.drop_language:
            parts.append("accept agents who do not speak the customer's language")
        if self.any_group:
            parts.append("accept any skill group")
        elif self.widen_to_groups:
            parts.append(
                f"also accept the {', '.join(sorted(self.widen_to_groups))} group"
            )
        if self.release_owner:
            parts.append("stop waiting for the case owner")
        if self.drop_policies:
            parts.append(f"skip {', '.join(sorted(self.drop_policies))}")
        return f"{self.name}: {', '.join(parts) or 'no change'}"


@attrs.frozen
class _Relax:
    """The cumulative effect of the escalation steps that apply at some wait."""

    name: str = STANDARD
    all_skills: bool = False
    skills: frozenset[str] = frozenset()
    lower: int = 0
    language: bool = False
    widen: frozenset[str] = frozenset()
    any_group: bool = False
    owner: bool = False
    policies: frozenset[str] = frozenset()

    def then(self, step: EscalationStep) -> _Relax:
        return _Relax(
            name=step.name,
            all_skills=self.all_skills or step.drop_all_skills,
            skills=self.skills | step.drop_skills,
            lower=min(9, self.lower + step.lower_levels_by),
            language=self.language or step.drop_language,
            widen=self.widen | step.widen_to_groups,
            any_group=self.any_group or step.any_group,
            owner=self.owner or step.release_owner,
            policies=self.policies | step.drop_policies,
        )

    def requirements(self, ticket: Ticket) -> Requirements:
        skills: dict[str, int] = {}
        if not self.all_skills:
            for s in ticket.skills:
                if s not in self.skills:
                    skills[s] = max(1, ticket.min_level(s) - self.lower)
        groups: frozenset[str] | None = None
        if ticket.group is not None and not self.any_group:
            groups = frozenset({ticket.group}) | self.widen
        return Requirements(
            skills=skills,
            language=None if self.language else ticket.language,
            groups=groups,
            owner_id=None if self.owner else ticket.owner_id,
        )


def _reasons(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = f"reasons must be a list of sentences; got {value!r}"
        raise InvalidTypeError(msg)
    return tuple(str(r) for r in value)


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class RoutingDecision(_codec.Serialisable):
    """The router's answer for one ticket: who takes it (or nobody) and why.

    Args:
        agent_id: The chosen agent, or None when the ticket keeps waiting.
        step: The escalation step in effect (``"standard"`` before any).
        reasons: Sentences a supervisor can read, in order.
        ticket_id: The ticket decided (the router always fills it in).

    Examples:
        >>> from servicekit.routing import RoutingDecision
        >>> d = RoutingDecision(
        ...     ticket_id="T",
        ...     agent_id=None,
        ...     step="standard",
        ...     reasons=["nobody is free"],
        ... )
        >>> RoutingDecision.from_dict(d.to_dict()) == d
        True
    """

    ticket_id: str | None = attrs.field(default=None, converter=_optional_ticket_id)
    agent_id: str | None = attrs.field(converter=_optional_agent_id)
    step: str = attrs.field(converter=_step)
    reasons: tuple[str, ...] = attrs.field(default=(), converter=_reasons)


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class Assignment(_codec.Serialisable):
    """One ticket given to one agent by [`Router.dispatch`][].

    Args:
        ticket_id: The ticket assigned.
        agent_id: The agent who takes it.
        step: The escalation step in effect (``"standard"`` before any).
        reasons: Sentences a supervisor can read, in order.

    Examples:
        >>> from servicekit.routing import Assignment
        >>> a = Assignment(
        ...     ticket_id="T", agent_id="A", step="standard", reasons=["least loaded"]
        ... )
        >>> Assignment.from_dict(a.to_dict()) == a
        True
    """

    ticket_id: str = attrs.field(converter=_ticket_id)
    agent_id: str = attrs.field(converter=_agent_id)
    step: str = attrs.field(converter=_step)
    reasons: tuple[str, ...] = attrs.field(default=(), converter=_reasons)


def _assignments(value: object) -> tuple[Assignment, ...]:
    return v.items_of(Assignment, value, "DispatchResult.assignments")


def _unassigned(value: object) -> tuple[RoutingDecision, ...]:
    return v.items_of(RoutingDecision, value, "DispatchResult.unassigned")


def _agents(value: object) -> tuple[Agent, ...]:
    return v.items_of(Agent, value, "DispatchResult.agents")


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class DispatchResult(_codec.Serialisable):
    """What [`Router.dispatch`][] did with a queue.

    Args:
        assignments: In queue order.
        unassigned: Tickets left waiting, in queue order, each with its reasons.
        agents: Every agent after dispatch (load and ``last_assigned_at`` updated),
            sorted by id; [`Router.dispatch`][] always fills it in.

    Examples:
        >>> from servicekit.routing import DispatchResult
        >>> r = DispatchResult(assignments=[], unassigned=[])
        >>> r.to_dict()
        {'assignments': [], 'unassigned': [], 'agents': []}
        >>> DispatchResult.from_dict(r.to_dict()) == r
        True
    """

    assignments: tuple[Assignment, ...] = attrs.field(converter=_assignments)
    unassigned: tuple[RoutingDecision, ...] = attrs.field(converter=_unassigned)
    agents: tuple[Agent, ...] = attrs.field(default=(), converter=_agents)


def _policies(value: object) -> tuple[RoutingPolicy, ...]:
    if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
        msg = f"Router.policies must be a list of policies; got {value!r}"
        raise InvalidTypeError(msg)
    out = list(value)
    seen: set[str] = set()
    for p in out:
        if not isinstance(p, RoutingPolicy):
            msg = (
                f"{p!r} is not a routing policy: give it a `name` and an "
                "`assess(ticket, agent, context)` method returning an Assessment"
            )
            raise InvalidTypeError(msg)
        if not isinstance(p.name, str) or not p.name:
            msg = f"policy {quote(p)} needs a non-empty string `name`"
            raise InvalidTypeError(msg)
        method: object = getattr(p, "assess", None)
        if not callable(method):
            # Refused here, not at the first ticket: a data attribute named
            # ``assess`` would otherwise fail deep inside a dispatch.
            msg = f"policy {quote(p.name)}: `assess` must be a method taking (ticket, agent, context); got {quote(method)}"
            raise InvalidTypeError(msg)
        if p.name in seen:
            msg = f"two policies are named {p.name!r}; names identify policies in reasons and escalation steps"
            raise DuplicateIdError(msg)
        seen.add(p.name)
    if not any(isinstance(p, Availability) for p in out):
        # Capacity is an invariant of dispatch, not an option: without this a
        # pipeline that forgot it would overfill agents silently.
        out.insert(0, Availability())
    return tuple(out)


def _escalations(value: object) -> tuple[EscalationStep, ...]:
    out = v.items_of(EscalationStep, value, "Router.escalations")
    names: set[str] = set()
    for i, step in enumerate(out):
        if i and step.after <= out[i - 1].after:
            msg = (
                f"escalation steps must be in increasing order of wait: step {i + 1} "
                f"({step.name}) waits {v.humanize(step.after)}, not longer than step {i} "
                f"({out[i - 1].name}, {v.humanize(out[i - 1].after)}); reorder them"
            )
            raise InvalidArgumentError(msg)
        if step.name in names:
            msg = (
                f"two escalation steps are named {step.name!r}; give each its own name"
            )
            raise DuplicateIdError(msg)
        names.add(step.name)
    return out


def _optional_triage(value: object) -> Triage | None:
    if value is not None and not isinstance(value, Triage):
        msg = f"Router.triage must be a Triage or None; got {value!r}"
        raise InvalidTypeError(msg)
    return value


def _queue(_inst: object, _attr: object, value: object) -> None:
    if not isinstance(value, QueueOrder):
        msg = f"Router.queue must be a QueueOrder; got {value!r}"
        raise InvalidTypeError(msg)


class _Plan:
    """How one set of active policies is evaluated (which have fast forms)."""

    __slots__ = (
        "active",
        "dedicated",
        "dynamic",
        "heapable",
        "keys",
        "levels",
        "statics",
    )

    def __init__(
        self, active: tuple[RoutingPolicy, ...], positions: dict[int, int]
    ) -> None:
        self.active = active
        builtins = [p for p in active if isinstance(p, _Builtin)]
        # Only the built-ins that filter on static facts at all: the others' key is
        # always None, which every reader of ``statics`` skips.
        self.statics = [
            (positions[id(p)], p)
            for p in builtins
            if type(p)._static_key is not _Builtin._static_key
        ]
        self.dynamic = [p for p in builtins if p._has_dynamic]
        self.levels = [p for p in builtins if p._has_levels]
        self.keys = [p for p in builtins if p._has_key]
        # Whether this plan prefers dedicated managers (then passing one over is news).
        self.dedicated = any(isinstance(p, DedicatedManager) for p in active)
        ranking = [p for p in builtins if p._has_levels or p._has_key]
        first_key = next((i for i, p in enumerate(ranking) if p._has_key), len(ranking))
        # Heaps need ticket-independent keys after every ticket-dependent preference;
        # any other shape (or a caller's own policy) is evaluated candidate by candidate.
        self.heapable = len(builtins) == len(active) and not any(
            p._has_levels for p in ranking[first_key:]
        )


# Eligible agents and exclusion lines by signature (see _Engine._eligible).
_Memo = dict[tuple[Hashable, ...], tuple[Hashable, AbstractSet[str], tuple[str, ...]]]
# Memo entries kept across calls before a memo starts afresh (bounds memory when
# every ticket brings a new case owner or skill mix).
_MEMO_LIMIT = 4096
# Recent teams (indexes with their memos) kept across calls before starting afresh,
# and the largest team kept among them (a larger one is kept only while current).
_TEAM_LIMIT = 16
_SMALL_TEAM = 256


class _Compiled:
    """A router's escalation chain and evaluation plans, computed once."""

    __slots__ = (
        "after_us",
        "escalated",
        "headers",
        "heapable",
        "last_now",
        "lives",
        "plans",
        "relax",
        "requirements",
        "team",
        "teams",
    )

    def __init__(self, router: Router) -> None:
        # The last team this router indexed, and its index: many small dispatches
        # in a row (a desk's simulation, a live queue) meet the same agents again,
        # most of them the very same objects and the rest new only in their load.
        self.team: tuple[Sequence[Agent], AgentIndex, _Memo] | None = None
        # Recent teams by their agent ids, for a desk whose staff changes with the
        # shifts and comes back to the same line-ups (bounded by _TEAM_LIMIT).
        self.teams: dict[tuple[str, ...], tuple[Sequence[Agent], AgentIndex, _Memo]]
        self.teams = {}
        # Requirements by (escalation step, the ticket's asks): values, kept across
        # calls, bounded by _MEMO_LIMIT.
        self.requirements: dict[Hashable, Requirements] = {}
        # The last ``now`` a dispatch was given, checked: a loop often passes the
        # same instant again. Held, so identity cannot be a recycled id.
        self.last_now: tuple[object, pendulum.DateTime, int] | None = None
        # The start of each decision's first line by (priority, tier, channel).
        self.headers: dict[tuple[Priority, Tier, Channel], str] = {}
        # Live state by agent id as of the agent object it was made from (never
        # changed once shared: a dispatch forks the ones it assigns to).
        self.lives: dict[str, Live] = {}
        self.after_us = [
            s.after // dt.timedelta(microseconds=1) for s in router.escalations
        ]
        relax = [_Relax()]
        for step in router.escalations:
            relax.append(relax[-1].then(step))
        self.relax = relax
        # The line saying which steps apply, by how many do (a step's words never
        # change, so neither does the line).
        self.escalated = [""] + [
            f"escalated: {'; '.join(s.describe() for s in router.escalations[:n])}"
            for n in range(1, len(router.escalations) + 1)
        ]
        positions = {id(p): i for i, p in enumerate(router.policies)}
        self.plans = [
            _Plan(
                tuple(p for p in router.policies if p.name not in r.policies), positions
            )
            for r in relax
        ]
        self.heapable = all(p.heapable for p in self.plans)

    def __getstate__(self) -> dict[str, Any]:
        # The team cache is a memo of one process's recent calls: never pickled.
        skip = ("team", "teams", "requirements", "last_now", "headers", "lives")
        return {k: getattr(self, k) for k in self.__slots__ if k not in skip}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for k, val in state.items():
            object.__setattr__(self, k, val)
        self.team = None
        self.teams = {}
        self.requirements = {}
        self.last_now = None
        self.headers = {}
        self.lives = {}

    def instant(self, now: object) -> tuple[pendulum.DateTime, int]:
        """Return ``now`` checked, in UTC, and in microseconds since the epoch."""
        last = self.last_now
        if last is not None and last[0] is now:
            return last[1], last[2]
        now_i = v.instant(now, "now")
        now_us = v.micros(now_i)
        self.last_now = (now, now_i, now_us)
        return now_i, now_us

    def index(self, agents: Sequence[Agent]) -> tuple[AgentIndex, _Memo]:
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
        fresh: _Memo = {(): ((), index.all, ())}
        self.remember(agents, index, fresh)
        return index, fresh

    def _bounded(self, known: Sequence[Agent], index: AgentIndex, memo: _Memo) -> _Memo:
        if len(memo) > _MEMO_LIMIT:
            # A new dict, not clear(): a dispatch running in another thread
            # keeps the one it holds intact.
            memo = {(): ((), index.all, ())}
            self.remember(known, index, memo)
        return memo

    def checked_team(
        self, agents: Iterable[Agent]
    ) -> tuple[Sequence[Agent], AgentIndex, _Memo]:
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
                if all(map(operator.is_, known, given)):
                    return given, index, self._bounded(known, index, memo)
                for old, new in zip(known, given, strict=True):
                    if old is not new and not (
                        isinstance(new, Agent) and _same_static_facts(old, new)
                    ):
                        break
                else:
                    return given, index, self._bounded(known, index, memo)
        agent_list = _check_agents(agents)
        return agent_list, *self.index(agent_list)

    def remember(self, agents: Sequence[Agent], index: AgentIndex, memo: _Memo) -> None:
        """Keep ``agents`` (a dispatch's result) as the team ``index`` describes.

        They share every indexed fact with the agents the index was built from, so
        the next call, handed them back, matches them by identity.
        """
        self.team = team = (agents, index, memo)
        if len(agents) > _SMALL_TEAM:
            return  # one large team at a time: its memo can be large too
        if len(self.teams) >= _TEAM_LIMIT and index.ids not in self.teams:
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


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class Router(_codec.Serialisable):
    r"""A routing pipeline: policies, escalation steps, queue order and optional triage.

    Capacity is always respected: if ``policies`` holds no [`Availability`][],
    one is put first. Candidates every policy admits are compared by rank, policy by
    policy in pipeline order; the agent id breaks the last ties.

    Args:
        policies: The pipeline, in order of importance.
        escalations: Steps in strictly increasing order of ``after``.
        queue: How tickets are ordered for dispatch.
        triage: Applied to every ticket before anything else, if given.

    Raises:
        DuplicateIdError: two policies or escalation steps share a name.
        InvalidTypeError: a policy has no ``name`` or no callable ``assess``.
        InvalidArgumentError: escalation steps out of order, or one drops a
            policy the router does not have or its availability and capacity check.

    Examples:
        >>> import pendulum
        >>> from servicekit.routing import Agent, Router, Ticket
        >>> now = pendulum.datetime(2026, 3, 2, 10, tz="Asia/Shanghai")
        >>> agents = [
        ...     Agent(
        ...         id="li",
        ...         skills={"billing": 6},
        ...         languages={"zh"},
        ...         capacity={"chat": 2},
        ...     ),
        ...     Agent(
        ...         id="wang",
        ...         skills={"billing": 2},
        ...         languages={"zh"},
        ...         capacity={"chat": 2},
        ...     ),
        ... ]
        >>> t = Ticket(
        ...     id="T1",
        ...     created_at=now.subtract(minutes=5),
        ...     priority="high",
        ...     tier="ordinary",
        ...     channel="chat",
        ...     skills={"billing"},
        ...     min_levels={"billing": 4},
        ...     language="zh",
        ... )
        >>> d = Router.default().route(t, agents, now)
        >>> d.agent_id
        'li'
        >>> print("\n".join(d.reasons))
        ticket T1: high priority, ordinary customer, chat, waiting 5 min
        agent wang excluded by required skills: has billing at level 2 but needs 4 or above
        agent li ranked 1 of 1: is handling 0 of 2 tickets (0% loaded); has not received a ticket yet
        chose agent li: the only eligible agent
    """

    policies: tuple[RoutingPolicy, ...] = attrs.field(converter=_policies)
    escalations: tuple[EscalationStep, ...] = attrs.field(
        default=(), converter=_escalations
    )
    queue: QueueOrder = attrs.field(factory=QueueOrder, validator=_queue)
    triage: Triage | None = attrs.field(default=None, converter=_optional_triage)
    # How each escalation step's policies are evaluated, worked out once per router
    # rather than on every dispatch (derived data: not part of equality or repr).
    _compiled: _Compiled = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_compiled", _Compiled(self))
        names = {p.name for p in self.policies}
        capacity = {p.name for p in self.policies if isinstance(p, Availability)}
        for step in self.escalations:
            unknown = sorted(step.drop_policies - names)
            if unknown:
                msg = (
                    f"escalation step {step.name!r} drops {unknown}, which this router does "
                    f"not have; its policies are: {', '.join(sorted(names))}"
                )
                raise InvalidArgumentError(msg)
            if step.drop_policies & capacity:
                # Waiting never justifies overfilling an agent or waking one on a break.
                msg = (
                    f"escalation step {step.name!r} drops {sorted(step.drop_policies & capacity)}; "
                    "availability and capacity always hold, so no step may drop them"
                )
                raise InvalidArgumentError(msg)

    @classmethod
    def default(
        cls,
        *,
        owner_wait: dt.timedelta = dt.timedelta(minutes=30),
        part_time_share: float = 0.5,
        senior_threshold: int = 2,
        escalations: Iterable[EscalationStep] = (),
        promote_every: dt.timedelta | None = None,
        triage: Triage | None = None,
    ) -> Router:
        """Return the built-in pipeline.

        In order: channel, availability and capacity, required skills, language,
        skill group, part-time share, senior for repeat complaints, first-contact
        ownership, dedicated manager, least loaded, longest idle.

        Args:
            owner_wait: How long a ticket waits for its busy case owner.
            part_time_share: Share of capacity part-time agents fill.
            senior_threshold: Unresolved complaints from which seniors take the case.
            escalations: Escalation steps, in increasing order of wait.
            promote_every: Queue promotion bound (None: no promotion).
            triage: Triage table applied to every ticket first, or None.

        Returns:
            A [`Router`][] with the built-in pipeline.

        Examples:
            >>> from servicekit.routing import Router
            >>> [p.name for p in Router.default().policies][:3]
            ['channel', 'availability and capacity', 'required skills']
        """
        return cls(
            policies=[
                ChannelMatch(),
                Availability(),
                RequiredSkills(),
                LanguageMatch(),
                SkillGroupMatch(),
                PartTimeWeighting(share=part_time_share),
                SeniorForRepeatComplaints(threshold=senior_threshold),
                OwnerStickiness(wait=owner_wait),
                DedicatedManager(),
                LeastLoaded(),
                LongestIdle(),
            ],
            escalations=escalations,
            queue=QueueOrder(promote_every=promote_every),
            triage=triage,
        )

    def route(
        self, ticket: Ticket, agents: Iterable[Agent], now: dt.datetime
    ) -> RoutingDecision:
        """Decide who takes one ticket, explaining every agent eliminated or ranked.

        Args:
            ticket: A queued ticket (``assignee_id`` None).
            agents: Every agent, in any order.
            now: The instant of the decision (aware).

        Returns:
            A [`RoutingDecision`][] listing every agent excluded or ranked.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.
            DuplicateIdError: two agents share an id.
            InvalidArgumentError: the ticket is already assigned or was created
                after ``now``.

        Examples:
            >>> import pendulum
            >>> from servicekit.routing import Agent, Router, Ticket
            >>> now = pendulum.datetime(2026, 1, 1, 9)
            >>> t = Ticket(
            ...     id="T",
            ...     created_at=now,
            ...     priority="low",
            ...     tier="ordinary",
            ...     channel="email",
            ... )
            >>> Router.default().route(
            ...     t, [Agent(id="A", capacity={"chat": 1})], now
            ... ).reasons[-1]
            'no agent can take it now; it stays in the queue'
        """
        now_i = v.instant(now, "now")
        agent_list = _check_agents(agents)
        ((triaged, note),) = _check_tickets([ticket], self.triage)
        wait_us = waited(triaged, v.micros(now_i), now_i)
        engine = _Engine(self, agent_list, now_i, "route", None, v.micros(now_i))
        agent_id, step, reasons = engine.decide(triaged, note, wait_us)
        return RoutingDecision(
            ticket_id=ticket.id, agent_id=agent_id, step=step, reasons=reasons
        )

    def dispatch(
        self,
        tickets: Iterable[Ticket],
        agents: Iterable[Agent],
        now: dt.datetime,
        *,
        strategy: Strategy = "indexed",
    ) -> DispatchResult:
        """Assign a queue in queue order, filling capacity as it goes.

        Args:
            tickets: The queue, in any order.
            agents: Every agent, in any order, in their current state.
            now: The instant of the decision (aware).
            strategy: ``"indexed"`` or ``"scan"``.

        Returns:
            A [`DispatchResult`][]: assignments and waiting tickets in queue order,
            and the agents' new state.

        ``strategy="indexed"`` (default) uses agent indexes and heaps; ``"scan"``
        judges every agent one by one for every ticket. Both give the same decisions
        and the same reasons, word for word: exclusions summarised per policy with
        exactly what the agents lack, a line naming the customer's dedicated manager
        when one was passed over and why, then the choice.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.
            DuplicateIdError: two tickets or two agents share an id.
            InvalidArgumentError: a ticket is already assigned or was created after
                ``now``; ``strategy`` is unknown; a policy of yours raised (it is
                named, with the original exception as ``__cause__``).
            InvalidTypeError: a policy of yours returned something other than an
                [`Assessment`][servicekit.routing.Assessment].

        Examples:
            >>> import pendulum
            >>> from servicekit.routing import Agent, Router, Ticket
            >>> now = pendulum.datetime(2026, 1, 1, 9)
            >>> tickets = [
            ...     Ticket(
            ...         id=f"T{i}",
            ...         created_at=now,
            ...         priority=p,
            ...         tier="ordinary",
            ...         channel="chat",
            ...     )
            ...     for i, p in enumerate(["low", "urgent", "normal"])
            ... ]
            >>> r = Router.default().dispatch(
            ...     tickets, [Agent(id="A", capacity={"chat": 2})], now
            ... )
            >>> (
            ...     [(a.ticket_id, a.agent_id) for a in r.assignments],
            ...     [u.ticket_id for u in r.unassigned],
            ... )
            ([('T1', 'A'), ('T2', 'A')], ['T0'])
            >>> r.agents[0].load["chat"]
            2
        """
        if strategy not in ("indexed", "scan"):
            msg = f"unknown dispatch strategy {strategy!r}; use 'indexed' or 'scan'"
            raise InvalidArgumentError(msg)
        compiled = self._compiled
        now_i, now_us = compiled.instant(now)
        team: tuple[AgentIndex, _Memo] | None = None
        agent_list: Sequence[Agent]
        if strategy == "indexed":
            agent_list, index, memo = compiled.checked_team(agents)
            team = (index, memo)
        else:
            agent_list = _check_agents(agents)
        prepared = _check_tickets(tickets, self.triage)
        keyed = []
        for t, triaged in prepared:
            wait_us = waited(t, now_us, now_i)
            key = self.queue._key_after(t, wait_us, now_us - wait_us)
            note = triaged
            if self.queue.promote_every is not None and key[0] != t.priority.rank:
                # Say why a ticket is served ahead of others at its own priority.
                promoted = (
                    f"served as {v.words(_PRIORITIES[key[0]])} priority after waiting "
                    f"{v.humanize(dt.timedelta(microseconds=wait_us))} (one level up "
                    f"for every {v.humanize(self.queue.promote_every)} waited)"
                )
                note = promoted if note is None else f"{note}; {promoted}"
            keyed.append((key, wait_us, t, note))
        # Keys end with the (unique) ticket id, so the sort never compares tickets.
        keyed.sort(key=lambda k: k[0])
        engine = _Engine(self, agent_list, now_i, strategy, team, now_us)
        engine.once = len(keyed) == 1
        assignments: list[Assignment] = []
        unassigned: list[RoutingDecision] = []
        for _, wait_us, t, note in keyed:
            agent_id, step, reasons = engine.decide(t, note, wait_us)
            # Every field here was produced by the engine from validated values, so
            # the fast constructor skips re-validating 100,000 of them.
            if agent_id is None:
                unassigned.append(
                    v.trusted(
                        RoutingDecision,
                        ticket_id=t.id,
                        agent_id=None,
                        step=step,
                        reasons=tuple(reasons),
                    )
                )
            else:
                assignments.append(
                    v.trusted(
                        Assignment,
                        ticket_id=t.id,
                        agent_id=agent_id,
                        step=step,
                        reasons=tuple(reasons),
                    )
                )
        final = engine.final_agents()
        if team is not None:
            compiled.remember(final, *team)
        # Built from the engine's own, already checked values: no re-validation.
        return v.trusted(
            DispatchResult,
            assignments=tuple(assignments),
            unassigned=tuple(unassigned),
            agents=final,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return this router as JSON-native data (see ``docs/serialisation.md``).

        Only built-in policies serialise; a router holding your own policy raises.

        Raises:
            InvalidTypeError: a policy is not a built-in one.

        Examples:
            >>> from servicekit.routing import LeastLoaded, Router
            >>> Router(policies=[LeastLoaded()]).to_dict()["policies"][1]
            {'type': 'least_loaded', 'name': 'least loaded'}
            >>> Router.from_dict(Router.default().to_dict()) == Router.default()
            True
            >>> r = Router.from_dict({"policies": [{"type": "least_loaded"}]})
            >>> [p.name for p in r.policies]
            ['availability and capacity', 'least loaded']
        """
        for p in self.policies:
            if not isinstance(p, _Builtin):
                msg = f"policy {p.name!r} is not a built-in policy, so the router cannot be serialised; rebuild it in code instead"
                raise InvalidTypeError(msg)
        return super().to_dict()


def _check_agents(agents: Iterable[Agent]) -> list[Agent]:
    given = v.items_of(Agent, agents, "agents")
    by_id = {a.id: a for a in given}
    if len(by_id) != len(given):
        dup = v.first_duplicate(a.id for a in given)
        msg = f"two agents share the id {dup!r}; agent ids must be unique (merge or rename them)"
        raise DuplicateIdError(msg)
    # Sorting by id makes every result independent of the order agents were given in.
    return [by_id[k] for k in sorted(by_id)]


def _check_tickets(
    tickets: Iterable[Ticket], triage: Triage | None
) -> list[tuple[Ticket, str | None]]:
    """Validate a queue, triage it, and pair each ticket with triage's sentence."""
    out: list[tuple[Ticket, str | None]] = []
    for t in unique_tickets(tickets):
        if t.assignee_id is not None:
            msg = f"ticket {t.id} is already assigned to {t.assignee_id}; route only queued tickets (assignee_id=None)"
            raise InvalidArgumentError(msg)
        if triage is None:
            out.append((t, None))
        else:
            result = triage.classify(t)
            out.append((result.apply(t), _triage_note(result)))
    return out


def _triage_note(result: TriageResult) -> str:
    parts = [f"{v.words(result.priority)} priority"]
    if result.group is not None:
        parts.append(f"the {result.group} group")
    if result.skills:
        needs = [
            s if result.min_levels.get(s, 1) == 1 else f"{s} at level {n} or above"
            for s in sorted(result.skills)
            for n in (result.min_levels.get(s, 1),)
        ]
        parts.append(f"skills {', '.join(needs)}")
    return f"triage rule {result.rule.name!r} gave it {', '.join(parts)}"


def _excluded_line(
    policy: _Builtin, key: Hashable, count: int, removed: Sequence[Agent], total: int
) -> str:
    return (
        f"{v.plural(count, 'agent')} of {total:,} excluded by "
        f"{policy.name}: they {policy._summary(key, removed)}"
    )


def _nobody_free(members: AbstractSet[str]) -> str:
    if len(members) == 1:
        return (
            f"the only qualified agent, {next(iter(members))}, is at capacity or "
            "at their part-time share; it stays in the queue"
        )
    if members:
        return (
            f"all {len(members):,} qualified agents are at capacity or at their "
            "part-time share; it stays in the queue"
        )
    return "no agent qualifies; it stays in the queue"


def _chose_line(aid: str, members: AbstractSet[str], notes: list[str]) -> str:
    detail = "; ".join(n for n in notes if n)
    return f"chose agent {aid} of {v.plural(len(members), 'qualified agent')}" + (
        f": {detail}" if detail else ""
    )


class _Engine:
    """One routing run: live agent state, indexes and memo tables (private, mutable)."""

    def __init__(  # noqa: PLR0917  # private, called twice: positional on purpose
        self,
        router: Router,
        agents: Sequence[Agent],
        now: dt.datetime,
        strategy: _Mode,
        team: tuple[AgentIndex, _Memo] | None,
        now_us: int,
    ) -> None:
        self.router = router
        self.now = now
        self.now_us = now_us
        self.route = strategy == "route"
        # "scan" and "route" keep no index: they judge every agent one by one.
        self.scan = strategy != "indexed"
        compiled = router._compiled
        self.keep_current = self.scan or not compiled.heapable
        self.agents = agents
        self.ids = [a.id for a in agents] if self.scan else []
        self.original = {a.id: a for a in agents}
        # Without heaps every candidate is judged as it stands now, so the current
        # agents are kept as values; with them, live state says what changed.
        self.current = dict(self.original) if self.keep_current else self.original
        self.view = MappingProxyType(self.current)
        self.changed: set[str] = set()
        self.index: AgentIndex | None = None
        self.eligible: _Memo = {}
        if team is not None:
            self.index, self.eligible = team
        # Live state is made on first use: a small dispatch touches few agents.
        if len(compiled.lives) > _MEMO_LIMIT:
            compiled.lives = {}
        self.lives = _Lives(self.original, compiled.lives)
        self.after_us = compiled.after_us
        self.relax = compiled.relax
        self.plans = compiled.plans
        self.headers = compiled.headers
        self.escalated = compiled.escalated
        if len(compiled.requirements) > _MEMO_LIMIT:
            compiled.requirements = {}
        self.requirements = compiled.requirements
        self.pools: dict[Hashable, list[tuple[Any, ...]]] = {}
        # Whether this run decides one ticket only (dispatch sets it).
        self.once = False

    def decide(
        self, ticket: Ticket, note: str | None, waited_us: int
    ) -> tuple[str | None, str, list[str]]:
        n = bisect.bisect_right(self.after_us, waited_us)
        relax = self.relax[n]
        rkey = (
            n,
            ticket.skills,
            ticket.min_levels,
            ticket.language,
            ticket.group,
            ticket.owner_id,
        )
        req = self.requirements.get(rkey)
        if req is None:
            req = self.requirements[rkey] = relax.requirements(ticket)
        wait = dt.timedelta(microseconds=waited_us)
        ctx = RoutingContext(
            now=self.now,
            waited=wait,
            step=relax.name,
            requirements=req,
            agents=self.view,
        )
        facts = (ticket.priority, ticket.tier, ticket.channel)
        prefix = self.headers.get(facts)
        if prefix is None:  # at most 4 priorities x 3 tiers x 6 channels
            prefix = self.headers[facts] = (
                f"{v.words(ticket.priority)} priority, "
                f"{v.words(ticket.tier)} customer, {v.words(ticket.channel)}"
            )
        header = f"ticket {ticket.id}: {prefix}, waiting {v.humanize(wait)}"
        reasons = [header]
        if note is not None:
            reasons.append(note)
        if n:
            reasons.append(self.escalated[n])
        plan = self.plans[n]
        if self.route:
            chosen = self._rank(ticket, ctx, plan, self.ids, reasons)
        else:
            # Both dispatch strategies explain alike: static exclusions summarised
            # per policy, then the choice. "scan" works each out agent by agent.
            sig, members, lines = (
                self._eligible_scan(ticket, ctx, plan)
                if self.scan
                else self._eligible(ticket, ctx, plan)
            )
            reasons.extend(lines)
            if not plan.heapable:
                chosen = self._rank(ticket, ctx, plan, sorted(members), reasons)
            elif self.scan:
                chosen = self._best_scan(ticket, ctx, plan, members, reasons)
            else:
                chosen = self._heap(ticket, ctx, plan, sig, members, reasons)
        if plan.dedicated and ticket.customer_id is not None:
            self._passed_over(ticket, ctx, plan, chosen, reasons)
        if chosen is not None:
            self._assign(chosen, ticket.channel)
        return chosen, relax.name, reasons

    def _agent_now(self, aid: str) -> Agent:
        """The agent as it stands now in this run (load and last assignment)."""
        if self.keep_current or aid not in self.changed:
            return self.current[aid]
        return _holding(self.original[aid], self.lives[aid].load, self.now)

    def _passed_over(
        self,
        ticket: Ticket,
        ctx: RoutingContext,
        plan: _Plan,
        chosen: str | None,
        reasons: list[str],
    ) -> None:
        """Say why the customer's dedicated manager did not get the ticket."""
        customer = ticket.customer_id
        assert customer is not None  # noqa: S101  # decide asks only then
        if self.index is not None:
            managers = sorted(self.index.by_customer.get(customer, ()))
        else:
            managers = [
                aid
                for aid in self.ids
                if customer in self.original[aid].dedicated_customers
            ]
        if not managers or chosen in managers:
            return
        lines = []
        for aid in managers:
            agent = self._agent_now(aid)
            why = None
            for _, p in plan.statics:
                k = p._static_key(ticket, ctx)
                if k is not None and not p._static_admits(k, agent):
                    why = f"{_assess(p, ticket, agent, ctx).reason} ({p.name})"
                    break
            if why is None:
                why = self._outranked(ticket, ctx, plan, agent, chosen)
            lines.append(
                f"the customer's dedicated manager {aid} was passed over: {why}"
            )
        reasons[-1:-1] = lines

    def _outranked(
        self,
        ticket: Ticket,
        ctx: RoutingContext,
        plan: _Plan,
        agent: Agent,
        chosen: str | None,
    ) -> str:
        best = None if chosen is None else self._agent_now(chosen)
        for p in plan.active:
            mine = _assess(p, ticket, agent, ctx)
            if not mine.admitted:
                return f"{mine.reason} ({p.name})"
            if best is not None:
                theirs = _assess(p, ticket, best, ctx)
                if theirs.rank < mine.rank:
                    return f"agent {chosen} came first on {p.name}"
        # Unreachable while the plan ranks managers first: admitted and not chosen
        # means an earlier policy preferred the chosen agent.
        return f"agent {chosen} came first by agent id"  # pragma: no cover

    def _rank(
        self,
        ticket: Ticket,
        ctx: RoutingContext,
        plan: _Plan,
        ids: Iterable[str],
        reasons: list[str],
    ) -> str | None:
        ranked: list[tuple[tuple[float, ...], str, list[str]]] = []
        for aid in ids:
            agent = self.current[aid]
            ranks: list[float] = []
            notes: list[str] = []
            for p in plan.active:
                verdict = _assess(p, ticket, agent, ctx)
                if not verdict.admitted:
                    reasons.append(
                        f"agent {aid} excluded by {p.name}: {verdict.reason}"
                    )
                    break
                ranks.append(verdict.rank)
                if verdict.reason:
                    notes.append(verdict.reason)
            else:
                ranked.append((tuple(ranks), aid, notes))
        ranked.sort(key=lambda r: (r[0], r[1]))
        for i, (_, aid, notes) in enumerate(ranked, 1):
            reasons.append(
                f"agent {aid} ranked {i} of {len(ranked)}: {'; '.join(notes) or 'no preference'}"
            )
        if not ranked:
            reasons.append("no agent can take it now; it stays in the queue")
            return None
        best = ranked[0]
        if len(ranked) == 1:
            why = "the only eligible agent"
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
                f"decided by {plan.active[first].name}"
                if first is not None
                else "tied on every policy, so the lowest agent id"
            )
        reasons.append(f"chose agent {best[1]}: {why}")
        return best[1]

    def _eligible_scan(
        self, ticket: Ticket, ctx: RoutingContext, plan: _Plan
    ) -> tuple[Hashable, AbstractSet[str], tuple[str, ...]]:
        """``_eligible`` worked out agent by agent, with no index and no memo."""
        remaining = [self.original[aid] for aid in self.ids]
        total = len(remaining)
        lines: list[str] = []
        for _, p in plan.statics:
            k = p._static_key(ticket, ctx)
            if k is None:
                continue
            kept = [a for a in remaining if p._static_admits(k, a)]
            if len(kept) < len(remaining):
                removed = [a for a in remaining if not p._static_admits(k, a)]
                lines.append(
                    _excluded_line(
                        p, k, len(removed), removed if p._names_removed else (), total
                    )
                )
            remaining = kept
        return None, frozenset(a.id for a in remaining), tuple(lines)

    def _best_scan(
        self,
        ticket: Ticket,
        ctx: RoutingContext,
        plan: _Plan,
        members: AbstractSet[str],
        reasons: list[str],
    ) -> str | None:
        """``_heap`` worked out agent by agent: the best admitted member by rank."""
        best: tuple[tuple[float, ...], str] | None = None
        for aid in members:
            agent = self.current[aid]
            verdicts = [_assess(p, ticket, agent, ctx) for p in plan.active]
            if all(x.admitted for x in verdicts):
                cand = (tuple(x.rank for x in verdicts), aid)
                if best is None or cand < best:
                    best = cand
        if best is None:
            reasons.append(_nobody_free(members))
            return None
        aid = best[1]
        agent = self.current[aid]
        notes = [_assess(p, ticket, agent, ctx).reason for p in plan.levels]
        notes += [_assess(p, ticket, agent, ctx).reason for p in plan.keys]
        reasons.append(_chose_line(aid, members, notes))
        return aid

    def _eligible(
        self, ticket: Ticket, ctx: RoutingContext, plan: _Plan
    ) -> tuple[Hashable, AbstractSet[str], tuple[str, ...]]:
        keys = []
        for pos, p in plan.statics:
            k = p._static_key(ticket, ctx)
            if k is not None:
                keys.append((pos, k))
        sig = tuple(keys)
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
            policy = self.router.policies[pos]
            assert isinstance(policy, _Builtin)  # noqa: S101  # statics are built-ins only
            after = remaining & policy._static_ids(k, index)
            if len(after) < len(remaining):
                # Only a policy whose words depend on who was removed gets them:
                # listing a case owner's thousands of colleagues would cost a scan.
                removed = (
                    [self.original[aid] for aid in sorted(remaining - after)]
                    if policy._names_removed
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
        plan: _Plan,
        sig: Hashable,
        members: AbstractSet[str],
        reasons: list[str],
    ) -> str | None:
        index = self.index
        assert index is not None  # noqa: S101  # the indexed strategy always builds one
        levels: list[tuple[_Builtin, list[tuple[Hashable, set[str]]]]] = []
        for p in plan.levels:
            lv = p._levels(ticket, ctx, index)
            if lv:
                levels.append((p, lv))
        base = (id(plan), ticket.channel, sig)
        found = self._search(base, members, ticket.channel, plan, levels)
        if found is None:
            reasons.append(_nobody_free(members))
            return None
        aid, chosen = found
        live = self.lives[aid]
        notes = [
            p._level_reason(k)
            for (p, _), k in zip(levels, chosen, strict=True)
            if k is not None
        ]
        notes.extend(p._live_reason(live, self.now_us) for p in plan.keys)
        reasons.append(_chose_line(aid, members, notes))
        return aid

    def _search(  # private hot path: positional on purpose
        self,
        base: Hashable,
        members: AbstractSet[str],
        channel: Channel,
        plan: _Plan,
        levels: list[tuple[_Builtin, list[tuple[Hashable, set[str]]]]],
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

    def _entry(
        self, live: Live, channel: Channel, plan: _Plan
    ) -> tuple[float, ...] | None:
        """Work out and cache ``live``'s heap keys (callers looked in the cache)."""
        slot = (id(plan), channel)
        keys: tuple[float, ...] | None = None
        for p in plan.dynamic:
            if not p._dynamic(live, channel):
                break
        else:
            keys = tuple([p._key(live) for p in plan.keys])
        live.cache[slot] = keys
        return keys

    def _entries(
        self,
        members: AbstractSet[str],
        restrict: tuple[AbstractSet[str], ...],
        channel: Channel,
        plan: _Plan,
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
            # Most agents' keys were worked out by an earlier call (see _Lives).
            keys = cache[slot] if slot in cache else self._entry(live, channel, plan)
            if keys is not None:
                heap.append((*keys, aid, live.version))
        return heap

    def _top(
        self, heap: list[tuple[Any, ...]], channel: Channel, plan: _Plan
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
                # The first ticket this run gives the agent: stop sharing its Live.
                live = self.lives[aid] = live.fork(live.agent)
            live.load[channel] = live.load.get(channel, 0) + 1
            live.total_load += 1
            live.last_us = float(self.now_us)
            live.version += 1
            live.cache.clear()
        self.changed.add(aid)
        if self.keep_current:
            agent = self.current[aid]
            load = dict(agent.load)
            load[channel] = load.get(channel, 0) + 1
            self.current[aid] = _holding(agent, load, self.now)

    def final_agents(self) -> tuple[Agent, ...]:
        """Return every agent as this run leaves them, sorted by id.

        Ends the run: the changed agents' live state passes to the router's shared
        table, for the next call.
        """
        out = list(self.agents)
        # Agents are sorted by id: find the few that changed instead of walking all.
        for aid in self.changed:
            i = bisect.bisect_left(out, aid, key=_agent_id_of)
            if self.keep_current:
                out[i] = self.current[aid]
            else:
                live = self.lives[aid]
                out[i] = after = _holding(self.original[aid], live.load, self.now)
                # This run is over, and its Live (forked in _assign) now holds what
                # Live(after) would: share it, so the next call, handed ``after``
                # back, finds it ready.
                live.agent = after
                live.version = 0
                live.cache.clear()
                self.lives.shared[aid] = live
        return tuple(out)


class _Lives(dict[str, Live]):
    """Live state per agent id, made from the agent on first use.

    ``shared`` holds the router's Lives from earlier calls, each true to the agent
    object it was made from; one is reused only for that very object.
    """

    def __init__(self, agents: Mapping[str, Agent], shared: dict[str, Live]) -> None:
        super().__init__()
        self.agents = agents
        self.shared = shared

    def __missing__(self, aid: str) -> Live:
        agent = self.agents[aid]
        live = self.shared.get(aid)
        if live is None or live.agent is not agent:
            live = self.shared[aid] = Live(agent)
        self[aid] = live
        return live


def _agent_id_of(agent: Agent) -> str:
    return agent.id


def _holding(agent: Agent, load: Mapping[Channel, int], now: dt.datetime) -> Agent:
    """Return ``agent.with_load(load, assigned_at=now)`` without re-checking.

    Dispatch only ever adds one ticket where there was room, to a load and an
    instant already valid.
    """
    return holding(agent, v.FrozenMap(load), now)
