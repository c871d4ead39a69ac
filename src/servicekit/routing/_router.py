"""The router: triage → queue order → eligibility → ranking → decision, with reasons.

A [`Router`][] is a pipeline of [`RoutingPolicy`][servicekit.routing.RoutingPolicy] objects
plus escalation steps. ``route`` explains one ticket against every agent; ``dispatch``
assigns a whole queue in queue order, filling capacity as it goes. This module checks
the inputs and orders the queue; the dispatch engine (``_engine.py``) does the work,
with the plans and memos the router compiled once (``_compiled.py``). This module must
never read a clock, use randomness, or depend on the order agents are given in.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Mapping
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
from servicekit.messages import Message
from servicekit.routing import _values as v
from servicekit.routing._builtins import (
    Availability,
    ChannelMatch,
    DedicatedManager,
    LanguageMatch,
    LeastLoaded,
    LongestIdle,
    OwnerStickiness,
    PartTimeWeighting,
    RequiredSkills,
    SeniorForRepeatComplaints,
    SkillGroupMatch,
)
from servicekit.routing._compiled import CompiledRouter, check_agents
from servicekit.routing._engine import Engine
from servicekit.routing._escalation import EscalationStep
from servicekit.routing._filters import skill_needs
from servicekit.routing._indexed import IndexedPolicy
from servicekit.routing._policy import RoutingPolicy
from servicekit.routing._queue import (
    QueueOrder,
    rank_of,
    service_key,
    unique_tickets,
    waited,
)
from servicekit.routing._results import (
    Assignment,
    DispatchResult,
    RoutingDecision,
    new_assignment,
    new_decision,
    new_result,
)
from servicekit.routing._triage import Triage, TriageResult

if TYPE_CHECKING:
    from collections.abc import Sequence

    from servicekit.routing._compiled import Memo
    from servicekit.routing._indexed import AgentIndex
    from servicekit.routing._model import Agent, Ticket

__all__ = ["Router", "Strategy"]

_PRIORITIES = tuple(Priority)
Strategy = Literal["indexed", "scan"]
# Dispatch sorts (queue key, wait, ticket, note) rows by their queue key.
_QUEUE_KEY = operator.itemgetter(0)


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
    _compiled: CompiledRouter = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(
            self, "_compiled", CompiledRouter(self.policies, self.escalations)
        )
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
        agent_list = check_agents(agents)
        ((triaged, note),) = _check_tickets([ticket], self.triage)
        wait_us = waited(triaged, v.micros(now_i), now_i)
        engine = Engine(
            self.policies,
            self._compiled,
            agent_list,
            now_i,
            "route",
            None,
            v.micros(now_i),
        )
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
        team: tuple[AgentIndex, Memo] | None = None
        agent_list: Sequence[Agent]
        if strategy == "indexed":
            agent_list, index, memo = compiled.checked_team(agents)
            team = (index, memo)
        else:
            agent_list = check_agents(agents)
        prepared = _check_tickets(tickets, self.triage)
        promoting = self.queue.promote_every is not None
        # A queue of one needs no order, and its key only says whether it was promoted.
        ordering = promoting or len(prepared) > 1
        keyed: list[tuple[Any, int, Ticket, Message | None]] = []
        for t, triaged in prepared:
            wait_us = waited(t, now_us, now_i)
            key = (
                service_key(self.queue, t, wait_us, now_us - wait_us)
                if ordering
                else ()
            )
            note = triaged
            if promoting and key[0] != rank_of(t.priority):
                # Say why a ticket is served ahead of others at its own priority.
                promoted = Message(
                    "routing.promoted",
                    {
                        "priority": _PRIORITIES[key[0]],
                        "waited": v.MICROSECOND * wait_us,
                        "every": self.queue.promote_every,
                    },
                )
                note = (
                    promoted
                    if note is None
                    else Message("list.semicolon", {"items": (note, promoted)})
                )
            keyed.append((key, wait_us, t, note))
        if ordering:
            # Keys end with the (unique) ticket id, so the sort never compares tickets.
            keyed.sort(key=_QUEUE_KEY)
        engine = Engine(
            self.policies, compiled, agent_list, now_i, strategy, team, now_us
        )
        engine.once = len(keyed) == 1
        assignments: list[Assignment] = []
        unassigned: list[RoutingDecision] = []
        for _, wait_us, t, note in keyed:
            agent_id, step, reasons = engine.decide(t, note, wait_us)
            # Every field here was produced by the engine from validated values, so
            # the fast constructors skip re-validating 100,000 of them.
            if agent_id is None:
                unassigned.append(new_decision(t.id, None, step, tuple(reasons)))
            else:
                assignments.append(new_assignment(t.id, agent_id, step, tuple(reasons)))
        final = engine.final_agents()
        if team is not None:
            compiled.remember(final, *team)
        # Built from the engine's own, already checked values: no re-validation.
        return new_result(tuple(assignments), tuple(unassigned), final)

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
            if not isinstance(p, IndexedPolicy):
                msg = f"policy {p.name!r} is not a built-in policy, so the router cannot be serialised; rebuild it in code instead"
                raise InvalidTypeError(msg)
        return super().to_dict()


def _check_tickets(
    tickets: Iterable[Ticket], triage: Triage | None
) -> list[tuple[Ticket, Message | None]]:
    """Validate a queue, triage it, and pair each ticket with triage's sentence."""
    out: list[tuple[Ticket, Message | None]] = []
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


def _triage_note(result: TriageResult) -> Message:
    parts = [Message("routing.triage.priority", {"priority": result.priority})]
    if result.group is not None:
        parts.append(Message("routing.triage.group", {"group": result.group}))
    if result.skills:
        needs = skill_needs(
            (s, result.min_levels.get(s, 1)) for s in sorted(result.skills)
        )
        parts.append(Message("routing.triage.skills", {"skills": needs}))
    return Message("routing.triaged", {"rule": result.rule.name, "parts": tuple(parts)})
