"""The router's answers as values: a decision per ticket, assignments, a dispatch's result."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from servicekit import _codec
from servicekit.errors import InvalidTypeError
from servicekit.messages import Message
from servicekit.messages._explained import Explained
from servicekit.routing import _values as v
from servicekit.routing._model import Agent

__all__ = ["Assignment", "DispatchResult", "RoutingDecision"]


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


def _reasons(value: object) -> tuple[Message | str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = f"reasons must be a list of sentences; got {value!r}"
        raise InvalidTypeError(msg)
    return tuple(r if isinstance(r, Message) else str(r) for r in value)


# In JSON, ``reasons``: each a message's code and parameters, or a plain text.
@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class _DecisionRecord(_codec.Serialisable):
    ticket_id: str | None = None
    agent_id: str | None
    step: str
    reasons: tuple[Message | str, ...] = ()


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class _AssignmentRecord(_codec.Serialisable):
    ticket_id: str
    agent_id: str
    step: str
    reasons: tuple[Message | str, ...] = ()


def _decision_of(r: _DecisionRecord) -> RoutingDecision:
    return RoutingDecision(
        ticket_id=r.ticket_id, agent_id=r.agent_id, step=r.step, reasons=r.reasons
    )


def _decision_record(d: RoutingDecision) -> _DecisionRecord:
    return _DecisionRecord(
        ticket_id=d.ticket_id, agent_id=d.agent_id, step=d.step, reasons=d.messages
    )


def _assignment_of(r: _AssignmentRecord) -> Assignment:
    return Assignment(
        ticket_id=r.ticket_id, agent_id=r.agent_id, step=r.step, reasons=r.reasons
    )


def _assignment_record(a: Assignment) -> _AssignmentRecord:
    return _AssignmentRecord(
        ticket_id=a.ticket_id, agent_id=a.agent_id, step=a.step, reasons=a.messages
    )


@_codec.value(form=_codec.Shape(_DecisionRecord, _decision_of, _decision_record))
@attrs.frozen(kw_only=True)
class RoutingDecision(Explained, _codec.Serialisable):
    """The router's answer for one ticket: who takes it (or nobody) and why.

    ``reasons`` is the English text of ``messages``; ``reasons_in("zh-CN")`` is the
    Chinese. In JSON, each reason is its message's code and parameters (a plain
    sentence, as a custom policy may give, stays text).

    Args:
        agent_id: The chosen agent, or None when the ticket keeps waiting.
        step: The escalation step in effect (``"standard"`` before any).
        reasons: Sentences a supervisor can read, in order: each a
            [`Message`][servicekit.messages.Message] or a plain text (kept as
            ``messages``).
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
    messages: tuple[Message | str, ...] = attrs.field(
        default=(), converter=_reasons, alias="reasons"
    )


@_codec.value(form=_codec.Shape(_AssignmentRecord, _assignment_of, _assignment_record))
@attrs.frozen(kw_only=True)
class Assignment(Explained, _codec.Serialisable):
    """One ticket given to one agent by [`Router.dispatch`][].

    ``reasons`` is the English text of ``messages``; ``reasons_in("zh-CN")`` is the
    Chinese.

    Args:
        ticket_id: The ticket assigned.
        agent_id: The agent who takes it.
        step: The escalation step in effect (``"standard"`` before any).
        reasons: Sentences a supervisor can read, in order: each a
            [`Message`][servicekit.messages.Message] or a plain text (kept as
            ``messages``).

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
    messages: tuple[Message | str, ...] = attrs.field(
        default=(), converter=_reasons, alias="reasons"
    )


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


# The router's fast constructors: every value they are given was produced by the
# router from checked values, so converters and validators are skipped (100,000
# decisions in a large dispatch, one in each small one).
_PUT_DECISION = v.field_setters(
    RoutingDecision, "ticket_id", "agent_id", "step", "messages"
)
_PUT_ASSIGNMENT = v.field_setters(
    Assignment, "ticket_id", "agent_id", "step", "messages"
)
_PUT_RESULT = v.field_setters(DispatchResult, "assignments", "unassigned", "agents")


def new_decision(
    ticket_id: str, agent_id: str | None, step: str, messages: tuple[Message | str, ...]
) -> RoutingDecision:
    """Return a [`RoutingDecision`][] of the router's own checked values, unchecked."""
    out = object.__new__(RoutingDecision)
    put_ticket, put_agent, put_step, put_messages = _PUT_DECISION
    put_ticket(out, ticket_id)
    put_agent(out, agent_id)
    put_step(out, step)
    put_messages(out, messages)
    return out


def new_assignment(
    ticket_id: str, agent_id: str, step: str, messages: tuple[Message | str, ...]
) -> Assignment:
    """Return an [`Assignment`][] of the router's own checked values, unchecked."""
    out = object.__new__(Assignment)
    put_ticket, put_agent, put_step, put_messages = _PUT_ASSIGNMENT
    put_ticket(out, ticket_id)
    put_agent(out, agent_id)
    put_step(out, step)
    put_messages(out, messages)
    return out


def new_result(
    assignments: tuple[Assignment, ...],
    unassigned: tuple[RoutingDecision, ...],
    agents: tuple[Agent, ...],
) -> DispatchResult:
    """Return a [`DispatchResult`][] of the router's own checked values, unchecked."""
    out = object.__new__(DispatchResult)
    put_assignments, put_unassigned, put_agents = _PUT_RESULT
    put_assignments(out, assignments)
    put_unassigned(out, unassigned)
    put_agents(out, agents)
    return out
