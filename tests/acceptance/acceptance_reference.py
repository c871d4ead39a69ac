"""Today's requirement workflow (before processes became data), kept as the reference.

A verbatim copy of the fold of ``servicekit.acceptance._state`` as it was when the
workflow had one hard-coded table, trimmed of its public values (imported instead).
``test_default_process.py`` checks that the default process gives identical results
on random histories. Do not "fix" this file: it is the behaviour to keep.
"""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import attrs

from servicekit._boundary import quote
from servicekit._pickling import keeps_instants
from servicekit.acceptance import (
    AcceptanceFailed,
    AcceptancePassed,
    AcceptanceTimedOut,
    AcceptanceTimeoutAction,
    Breach,
    BreachKind,
    Cancelled,
    ConfirmationExpired,
    CustomerConfirmed,
    DelayAnnounced,
    Delivered,
    Duty,
    FollowUpDone,
    Obligation,
    ObligationRule,
    Party,
    RequirementPolicy,
    RequirementState,
    SheetSent,
)
from servicekit.acceptance._fields import elapsed, instant_key, to_instant, utc
from servicekit.errors import (
    InvalidArgumentError,
    InvalidEventError,
    InvalidTransitionError,
    InvalidTypeError,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pendulum

Event = Any
EVENT_TYPES: Final = (
    SheetSent,
    CustomerConfirmed,
    ConfirmationExpired,
    Delivered,
    AcceptancePassed,
    AcceptanceFailed,
    AcceptanceTimedOut,
    DelayAnnounced,
    FollowUpDone,
    Cancelled,
)


# ---------------------------------------------------------------------------------
# The tables. A trigger is an event class, or (event class, policy choice) where the
# outcome depends on RequirementPolicy.on_acceptance_timeout.
# ---------------------------------------------------------------------------------

Trigger = Any

S = RequirementState
_ESCALATE: Final = AcceptanceTimeoutAction.ESCALATE
_DEEM: Final = AcceptanceTimeoutAction.DEEM_ACCEPTED

# The tables are read-only views: a caller cannot change the workflow for everyone.
_TRANSITIONS: Final[dict[RequirementState, dict[Trigger, RequirementState]]] = {
    S.AWAITING_SHEET: {
        SheetSent: S.AWAITING_CONFIRMATION,
        Cancelled: S.CANCELLED,
    },
    S.AWAITING_CONFIRMATION: {
        CustomerConfirmed: S.IN_DELIVERY,
        ConfirmationExpired: S.AWAITING_SHEET,
        Cancelled: S.CANCELLED,
    },
    S.IN_DELIVERY: {
        Delivered: S.AWAITING_ACCEPTANCE,
        DelayAnnounced: S.IN_DELIVERY,
        Cancelled: S.CANCELLED,
    },
    S.AWAITING_ACCEPTANCE: {
        AcceptancePassed: S.AWAITING_FOLLOW_UP,
        AcceptanceFailed: S.IN_REWORK,
        (AcceptanceTimedOut, _ESCALATE): S.AWAITING_ACCEPTANCE,
        (AcceptanceTimedOut, _DEEM): S.AWAITING_FOLLOW_UP,
        Cancelled: S.CANCELLED,
    },
    S.IN_REWORK: {
        Delivered: S.AWAITING_ACCEPTANCE,
        DelayAnnounced: S.IN_REWORK,
        Cancelled: S.CANCELLED,
    },
    S.AWAITING_FOLLOW_UP: {
        FollowUpDone: S.CLOSED,
        Cancelled: S.CANCELLED,
    },
    S.CLOSED: {},
    S.CANCELLED: {},
}
EVENT_TRIGGERED_TRANSITIONS: Final[
    Mapping[RequirementState, Mapping[Trigger, RequirementState]]
] = MappingProxyType({k: MappingProxyType(row) for k, row in _TRANSITIONS.items()})
"""``state -> {trigger: next state}``: every legal event of every state."""

STATE_OBLIGATIONS: Final[Mapping[RequirementState, ObligationRule]] = MappingProxyType(
    {
        S.AWAITING_SHEET: ObligationRule(
            party=Party.TEAM, what=Duty.SEND_SHEET, within="confirm_within"
        ),
        S.AWAITING_CONFIRMATION: ObligationRule(
            party=Party.CUSTOMER,
            what=Duty.CONFIRM_SHEET,
            within="customer_confirm_within",
        ),
        S.IN_DELIVERY: ObligationRule(party=Party.TEAM, what=Duty.DELIVER, within=None),
        S.AWAITING_ACCEPTANCE: ObligationRule(
            party=Party.CUSTOMER, what=Duty.ACCEPT, within="accept_within"
        ),
        S.IN_REWORK: ObligationRule(
            party=Party.TEAM, what=Duty.RESUBMIT, within="rework_within"
        ),
        S.AWAITING_FOLLOW_UP: ObligationRule(
            party=Party.TEAM, what=Duty.FOLLOW_UP, within="follow_up_within"
        ),
    }
)
"""``state -> the one obligation it creates``; terminal states owe nothing."""

TimeoutEvent = ConfirmationExpired | AcceptanceTimedOut

TIME_TRIGGERED_EVENTS: Final[Mapping[RequirementState, type[TimeoutEvent]]] = (
    MappingProxyType(
        {
            S.AWAITING_CONFIRMATION: ConfirmationExpired,
            S.AWAITING_ACCEPTANCE: AcceptanceTimedOut,
        }
    )
)
"""``state -> the event the passage of its deadline implies`` (``timeouts(now)``)."""


def allowed_events(state: RequirementState) -> tuple[type[Event], ...]:
    """Return the event classes legal in ``state``, in table order, without repeats.

    Examples:
        >>> from servicekit.acceptance import RequirementState, allowed_events
        >>> [e.__name__ for e in allowed_events(RequirementState.AWAITING_SHEET)]
        ['SheetSent', 'Cancelled']
    """
    out: list[type[Event]] = []
    for trigger in EVENT_TRIGGERED_TRANSITIONS[state]:
        kind = trigger[0] if isinstance(trigger, tuple) else trigger
        if kind not in out:
            out.append(kind)
    return tuple(out)


# ---------------------------------------------------------------------------------
# The fold.
# ---------------------------------------------------------------------------------


@keeps_instants
@attrs.frozen(kw_only=True)
class Progress:
    """Everything the history implies, kept so that each event costs O(1).

    Not exported: it is rebuilt from the history on construction and never trusted
    from outside.
    """

    state: RequirementState
    since: pendulum.DateTime = attrs.field(eq=instant_key)
    due_at: pendulum.DateTime | None = attrs.field(eq=instant_key)
    last_at: pendulum.DateTime = attrs.field(eq=instant_key)
    promised: pendulum.DateTime | None = attrs.field(default=None, eq=instant_key)
    rework_count: int = 0
    rediscussion_count: int = 0
    escalated: bool = False
    breaches: tuple[Breach, ...] = ()

    @property
    def obligation(self) -> Obligation | None:
        """The open obligation of the current state, if any."""
        rule = STATE_OBLIGATIONS.get(self.state)
        if rule is None:
            return None
        return Obligation(
            party=rule.party, what=rule.what, since=self.since, due_at=self.due_at
        )


def _local(policy: RequirementPolicy, value: pendulum.DateTime) -> pendulum.DateTime:
    # DESIGN §2: instants servicekit returns are in the relevant calendar's zone.
    return to_instant(value.in_timezone(policy.calendar.timezone))


def _deadline(
    rule: ObligationRule | None,
    policy: RequirementPolicy,
    started: pendulum.DateTime,
    promised: pendulum.DateTime | None,
) -> pendulum.DateTime | None:
    if rule is None:
        return None
    if rule.within is None:
        return None if promised is None else _local(policy, promised)
    days: int = getattr(policy, rule.within)
    due = _answer(policy, started, days)
    if utc(due) < utc(started) and days == 0:
        # Only a 0-day window can close before it opens (started after that day's
        # close of business); a deadline before its own start could never be met.
        due = _answer(policy, started, days + 1)
    if utc(due) < utc(started):
        cal = type(policy.calendar).__name__
        msg = (
            f"the calendar {cal}.add_business_days({started.isoformat()}, {days}) "
            f"answered {due.isoformat()}, before the start; a deadline must not "
            "precede the instant it is counted from"
        )
        raise InvalidArgumentError(msg)
    # A BusinessDayCalendar may answer in another zone; show it in calendar.timezone.
    return _local(policy, due)


def _answer(
    policy: RequirementPolicy, started: pendulum.DateTime, days: int
) -> pendulum.DateTime:
    """``policy.calendar.add_business_days``, refusing an answer that is no instant."""
    due: object = policy.calendar.add_business_days(started, days)
    if not isinstance(due, dt.datetime) or due.utcoffset() is None:
        cal = type(policy.calendar).__name__
        msg = (
            f"the calendar {cal}.add_business_days must return an aware datetime; "
            f"it returned {type(due).__name__} {quote(due)}"
        )
        raise InvalidTypeError(msg)
    return to_instant(due)


def start(received_at: pendulum.DateTime, policy: RequirementPolicy) -> Progress:
    """Return the progress of a just-received requirement (the team owes the sheet)."""
    state = S.AWAITING_SHEET
    local = _local(policy, received_at)
    due = _deadline(STATE_OBLIGATIONS[state], policy, local, None)
    return Progress(state=state, since=local, due_at=due, last_at=local)


def _target(
    state: RequirementState, event: Event, policy: RequirementPolicy
) -> RequirementState | None:
    # A row keyed by the bare class applies whatever the policy; a row keyed by
    # (class, choice) only under that policy choice. Both come from the table.
    row = EVENT_TRIGGERED_TRANSITIONS[state]
    kind = type(event)
    target = row.get(kind)
    return row.get((kind, policy.on_acceptance_timeout)) if target is None else target


def _names(kinds: tuple[type[Event], ...]) -> str:
    return ", ".join(k.__name__ for k in kinds) or "nothing (the state is terminal)"


def pending_timeout(
    progress: Progress,
) -> tuple[type[TimeoutEvent], pendulum.DateTime] | None:
    """The current state's time-triggered event not yet applied, and its deadline."""
    kind = TIME_TRIGGERED_EVENTS.get(progress.state)
    if kind is None or progress.escalated or progress.due_at is None:
        return None
    return kind, progress.due_at


def _breach(
    kind: BreachKind,
    rule: ObligationRule,
    due: pendulum.DateTime,
    at: pendulum.DateTime,
) -> Breach:
    return Breach(kind=kind, party=rule.party, what=rule.what, due_at=due, at=at)


def advance(progress: Progress, event: Event, policy: RequirementPolicy) -> Progress:
    """Return the progress after ``event``, or raise and change nothing.

    Raises:
        InvalidTypeError: ``event`` is not a workflow event.
        InvalidTransitionError: the event is not legal in the current state, or a
            deadline passed before it and its timeout event was not applied first.
        InvalidEventError: the event is dated before the previous one, a timeout is
            dated before its deadline, or a delay does not move the due time later.
    """
    if not isinstance(event, EVENT_TYPES):
        msg = (
            f"expected a workflow event ({_names(EVENT_TYPES)}), "
            f"got {type(event).__name__}"
        )
        raise InvalidTypeError(msg)
    state = progress.state
    name = type(event).__name__
    target = _target(state, event, policy)
    if target is None:
        msg = (
            f"{name} is not allowed in state {state.name}; "
            f"allowed: {_names(allowed_events(state))}"
        )
        raise InvalidTransitionError(msg)
    timed_out = type(event) is TIME_TRIGGERED_EVENTS.get(state)
    if timed_out and progress.escalated:
        others = tuple(k for k in allowed_events(state) if k is not type(event))
        msg = (
            f"{name} was already applied in this round of state {state.name} (the "
            f"requirement is escalated); wait for one of: {_names(others)}"
        )
        raise InvalidTransitionError(msg)
    at = event.at
    if utc(at) < utc(progress.last_at):
        msg = (
            f"{name} at {at.isoformat()} is dated before the previous event "
            f"({progress.last_at.isoformat()}); apply events in time order"
        )
        raise InvalidEventError(msg)
    due = progress.due_at
    pending = pending_timeout(progress)
    if pending is not None:
        timeout, deadline = pending
        if isinstance(event, timeout):
            if utc(at) < utc(deadline):
                msg = (
                    f"{name} at {at.isoformat()} is before the deadline "
                    f"{deadline.isoformat()}; it can only happen at or after it"
                )
                raise InvalidEventError(msg)
        elif utc(at) > utc(deadline):
            msg = (
                f"{name} at {at.isoformat()} comes after the deadline {deadline.isoformat()} "
                f"of state {state.name}, which implies {timeout.__name__}: apply "
                f"{timeout.__name__}(at=<the deadline>) first "
                "(Requirement.timeouts(now) returns it)"
            )
            raise InvalidTransitionError(msg)

    # Everything the fold keeps is shown in the calendar's zone, like its deadlines.
    local = _local(policy, at)
    # Every state that accepts an event owes something (a table invariant, tested).
    rule = STATE_OBLIGATIONS[state]
    breaches = progress.breaches

    if isinstance(event, DelayAnnounced):
        new_due = event.new_due
        if due is not None and utc(new_due) <= utc(due):
            msg = (
                f"a delay must move the due time later: new_due {new_due.isoformat()} "
                f"is not after the current due time {due.isoformat()}"
            )
            raise InvalidEventError(msg)
        if due is None or elapsed(at, due) >= policy.delay_notice:
            due = _local(policy, new_due)
        else:
            breaches += (_breach(BreachKind.LATE_DELAY_NOTICE, rule, due, local),)
        return attrs.evolve(progress, last_at=local, due_at=due, breaches=breaches)

    if due is not None:
        if timed_out:
            breaches += (_breach(BreachKind.LAPSED, rule, due, local),)
        elif not isinstance(event, Cancelled) and utc(at) > utc(due):
            breaches += (_breach(BreachKind.LATE, rule, due, local),)

    if timed_out and target is state:
        # An escalating timeout: the customer still owes acceptance, flagged.
        return attrs.evolve(progress, last_at=local, escalated=True, breaches=breaches)

    promised = progress.promised
    if isinstance(event, SheetSent):
        promised = event.delivery_due
    return attrs.evolve(
        progress,
        state=target,
        since=local,
        due_at=_deadline(STATE_OBLIGATIONS.get(target), policy, local, promised),
        last_at=local,
        promised=promised,
        rework_count=progress.rework_count + isinstance(event, AcceptanceFailed),
        rediscussion_count=progress.rediscussion_count
        + isinstance(event, ConfirmationExpired),
        escalated=False,
        breaches=breaches,
    )


def timeouts(
    progress: Progress, now: pendulum.DateTime, policy: RequirementPolicy
) -> tuple[TimeoutEvent, ...]:
    """Return the events the passage of time to ``now`` implies, each dated at its deadline.

    Each one is folded before looking for the next, so that a timeout leading into
    another timed state whose deadline has also passed yields both, and applying the
    result leaves nothing pending at ``now``.
    """
    out: list[TimeoutEvent] = []
    while True:
        pending = pending_timeout(progress)
        if pending is None or not utc(now) > utc(pending[1]):
            return tuple(out)
        kind, deadline = pending
        # The deadline is never before the event that set it, and nothing later can
        # be applied while a timeout is pending, so the deadline keeps the order.
        event = kind(at=deadline)
        progress = advance(progress, event, policy)
        out.append(event)
