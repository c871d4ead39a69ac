"""The routing policy protocol: what a policy is given, and the verdict it returns.

A policy is anything with a ``name`` and an ``assess(ticket, agent, context)`` method
returning an [`Assessment`][] (the [`RoutingPolicy`][] protocol). The router keeps
the agents every policy admits and picks the best by comparing ranks policy by policy,
in pipeline order (lexicographically), with the agent id as the last tie-break.
Reasons are written for a supervisor, not a programmer. This module must never read a
clock.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final, Protocol, runtime_checkable

import attrs

from servicekit import _codec
from servicekit._boundary import quote
from servicekit.errors import (
    InvalidArgumentError,
    InvalidTypeError,
    ServiceKitError,
)
from servicekit.messages import Message
from servicekit.routing import _values as v
from servicekit.routing._model import Agent, Ticket

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Mapping

__all__ = [
    "ADMIT",
    "Assessment",
    "Requirements",
    "RoutingContext",
    "RoutingPolicy",
    "checked_assess",
    "explain",
]


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
            Its requirements before any escalation; ``groups`` is None when the
            ticket names no skill group (the class example shows one that does).
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


_PUT_CONTEXT = v.field_setters(
    RoutingContext, "now", "waited", "step", "requirements", "agents"
)


def new_context(  # the fields, in order, as the class has them
    now: dt.datetime,
    waited: dt.timedelta,
    step: str,
    requirements: Requirements,
    agents: Mapping[str, Agent],
) -> RoutingContext:
    """Return a [`RoutingContext`][] of the dispatch engine's own values, unchecked.

    The engine makes one per ticket it decides.
    """
    out = object.__new__(RoutingContext)
    put_now, put_waited, put_step, put_requirements, put_agents = _PUT_CONTEXT
    put_now(out, now)
    put_waited(out, waited)
    put_step(out, step)
    put_requirements(out, requirements)
    put_agents(out, agents)
    return out


def _reason(_inst: object, _attr: object, value: object) -> None:
    if not isinstance(value, str | Message):
        msg = f"an assessment's reason must be a sentence (a string or a Message); got {value!r}"
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
        reason: Words a supervisor understands (may be empty for "no opinion"): a
            plain sentence, or a [`Message`][servicekit.messages.Message] that
            renders in each locale (the built-in policies give messages).

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
    reason: str | Message = attrs.field(default="", validator=_reason)

    @classmethod
    def exclude(cls, reason: str | Message) -> Assessment:
        """Return a verdict removing the agent, with the reason.

        Args:
            reason: Why the agent cannot take the ticket, in plain words.

        Returns:
            A non-admitting [`Assessment`][] (its rank is infinite).
        """
        return cls(admitted=False, rank=math.inf, reason=reason)

    @classmethod
    def ranked(cls, rank: float, reason: str | Message = "") -> Assessment:
        """Return a verdict admitting the agent with a rank (lower is better).

        Args:
            rank: Lower is better; compared only among admitted agents.
            reason: Why, in plain words (may be empty).

        Returns:
            An admitting [`Assessment`][].
        """
        return cls(admitted=True, rank=rank, reason=reason)


ADMIT: Final = Assessment()
"""The verdict of a policy with no objection and no preference."""


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


def checked_assess(
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
    verdict = checked_assess(policy, ticket, agent, ctx)
    if not verdict.admitted:
        return f"{agent.id}: {verdict.reason}"
    return f"{agent.id}: {verdict.reason or 'admitted'}"
