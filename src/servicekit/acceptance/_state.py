"""The requirement workflow's state machine: every transition and obligation is here.

Rule (from h11's ``_state.py``): everything that decides which event is legal, where
it leads, and what is owed by when, lives in this one file. As much as possible is in
the tables below ([`EVENT_TRIGGERED_TRANSITIONS`][], [`STATE_OBLIGATIONS`][],
[`TIME_TRIGGERED_EVENTS`][]); the few rules that do not fit a table (the 24-hour
delay notice, the one escalation per acceptance round, the timeout that must be
applied before anything later) are the code of [`advance`][], also here. The mermaid
diagram in the docs is generated from the tables, so it cannot drift.

These tables are the *default process*. A team's own process (``Process`` in
``_process.py``: more states, optional stages, other windows) is the same kind of
table as data; it is compiled into a [`Machine`][] that the fold reads, so the default
process and a user's run through the same code.

The machine is a pure fold: ``advance(progress, event, policy, machine, facts)``
returns the next progress or raises, and never reads the clock or mutates anything.
It is O(1) per event, so applying events never re-reads the history.
"""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import attrs
import pendulum

from servicekit import _codec
from servicekit._boundary import quote
from servicekit._pickling import keeps_instants
from servicekit._vocabulary import NamedEnum
from servicekit.acceptance._events import (
    EVENT_TYPES,
    AcceptanceFailed,
    AcceptancePassed,
    AcceptanceTimedOut,
    Cancelled,
    ConfirmationExpired,
    CustomerConfirmed,
    DelayAnnounced,
    Delivered,
    DeliveryApplied,
    Event,
    FollowUpDone,
    ProgressReported,
    SheetSent,
    StepDone,
    TaskAdded,
    TaskAssigned,
    TaskDone,
    TaskProgressed,
    step_name,
)
from servicekit.acceptance._fields import (
    INSTANT,
    OPTIONAL_INSTANT,
    elapsed,
    instant_key,
    member,
    optional_instant,
    optional_text,
    text,
    to_instant,
    utc,
)
from servicekit.acceptance._policy import (
    DAY_FIELDS,
    AcceptanceTimeoutAction,
    RequirementPolicy,
)
from servicekit.errors import (
    InvalidArgumentError,
    InvalidEventError,
    InvalidTransitionError,
    InvalidTypeError,
)
from servicekit.messages import Message

if TYPE_CHECKING:
    from collections.abc import Mapping

    from servicekit.acceptance._recurrence import RecurringDuty, RecurringTrack
    from servicekit.conditions import Condition

__all__ = [
    "DUTY_NAME",
    "EVENT_CLASSES",
    "EVENT_TRIGGERED_TRANSITIONS",
    "POLICY_FACT",
    "STATE_OBLIGATIONS",
    "TIME_TRIGGERED_EVENTS",
    "Breach",
    "BreachKind",
    "CustomName",
    "Duty",
    "DutyName",
    "Machine",
    "Obligation",
    "ObligationRule",
    "Party",
    "Progress",
    "RequirementState",
    "StateName",
    "advance",
    "allowed_events",
    "check_calendar",
    "duty_name",
    "event_facts",
    "event_name",
    "pending_timeout",
    "start",
    "state_name",
    "timeout_event",
    "timeouts",
]


class RequirementState(NamedEnum):
    """Where a requirement stands; each non-terminal state owes exactly one thing.

    Examples:
        >>> from servicekit.acceptance import RequirementState
        >>> (
        ...     RequirementState.AWAITING_SHEET.is_terminal,
        ...     RequirementState.CLOSED.is_terminal,
        ... )
        (False, True)
    """

    AWAITING_SHEET = "awaiting_sheet"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    IN_DELIVERY = "in_delivery"
    AWAITING_ACCEPTANCE = "awaiting_acceptance"
    IN_REWORK = "in_rework"
    AWAITING_FOLLOW_UP = "awaiting_follow_up"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        """Whether the state accepts no event at all."""
        return not EVENT_TRIGGERED_TRANSITIONS[self]


class Party(NamedEnum):
    """Who owes an obligation.

    Examples:
        >>> from servicekit.acceptance import Party
        >>> Party("customer")
        <Party.CUSTOMER: 'customer'>
        >>> Party.parse("CUSTOMER")
        <Party.CUSTOMER: 'customer'>
    """

    TEAM = "team"
    CUSTOMER = "customer"


class Duty(NamedEnum):
    """What is owed in the default process (a team's own process names its own duties).

    A duty of a team's process is a lower_snake_case name; wherever a duty is
    reported (``Obligation.what``, ``Breach.what``), a name that is one of these
    members is that member, any other is the plain string.

    Examples:
        >>> from servicekit.acceptance import Duty
        >>> Duty.SEND_SHEET.value
        'send_sheet'
    """

    SEND_SHEET = "send_sheet"
    CONFIRM_SHEET = "confirm_sheet"
    DELIVER = "deliver"
    ACCEPT = "accept"
    RESUBMIT = "resubmit"
    FOLLOW_UP = "follow_up"


class BreachKind(NamedEnum):
    """How a rule was broken.

    ``LATE``: an obligation was fulfilled after its due time. ``LAPSED``: the customer
    let a window pass (confirmation expired, acceptance timed out).
    ``LATE_DELAY_NOTICE``: a delay was announced less than ``policy.delay_notice``
    before the due time, so the due time did not move.

    Examples:
        >>> from servicekit.acceptance import BreachKind
        >>> BreachKind("late_delay_notice")
        <BreachKind.LATE_DELAY_NOTICE: 'late_delay_notice'>
    """

    LATE = "late"
    LAPSED = "lapsed"
    LATE_DELAY_NOTICE = "late_delay_notice"


class CustomName(str):
    """The name of a state or duty of a team's own process.

    A string that answers ``.value`` and ``.name`` as the members of
    [`RequirementState`][] and [`Duty`][] do, so code reading ``req.state.value``
    works for any process.

    Examples:
        >>> from servicekit.acceptance import CustomName
        >>> review = CustomName("solution_review")
        >>> review == "solution_review", review.value, review.name
        (True, 'solution_review', 'SOLUTION_REVIEW')
    """

    __slots__ = ()

    @property
    def value(self) -> str:
        """The name itself, as a plain string."""
        return str(self)

    @property
    def name(self) -> str:
        """The name in capitals, as an enum member's name (and the diagram's)."""
        return self.upper()


# Named converters: mypy's attrs plugin cannot see through converter factories.
def _party(value: object) -> Party:
    return member(Party, value, "party")


_DUTIES: Final = {m.value: m for m in Duty}


def duty_name(value: object, what: str = "what") -> Duty | CustomName:
    """Return the [`Duty`][] ``value`` names, or ``value`` itself for a team's own duty.

    Raises:
        InvalidTypeError: not a string.
        InvalidArgumentError: neither a member nor a lower_snake_case name.
    """
    if isinstance(value, Duty):
        return value
    name = step_name(value, what)
    return _DUTIES.get(name) or CustomName(name)


def _duty(value: object) -> Duty | CustomName:
    return duty_name(value)


def _breach_kind(value: object) -> BreachKind:
    return member(BreachKind, value, "kind")


def _within(_inst: object, _attr: object, value: Any) -> None:
    if value is not None and value not in DAY_FIELDS:
        msg = (
            f"within must name a RequirementPolicy day count ({', '.join(DAY_FIELDS)}) "
            f"or be None for the promised delivery time, got {quote(value)}"
        )
        raise InvalidArgumentError(msg)


def _days(_inst: object, _attr: object, value: Any) -> None:
    if value is None:
        return
    # bool is an int: True must not pass for one business day.
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"days is a whole number of business days, got {value!r}"
        raise InvalidTypeError(msg)
    if value < 0:
        msg = f"days must be 0 (same day) or more business days, got {value}"
        raise InvalidArgumentError(msg)


def _hours(_inst: object, _attr: object, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, dt.timedelta):
        msg = f"hours must be a timedelta of business time, e.g. timedelta(hours=4), got {value!r}"
        raise InvalidTypeError(msg)
    if value <= dt.timedelta(0):
        msg = f"hours must be a positive amount of business time, got {value}"
        raise InvalidArgumentError(msg)


def _optional_owner(value: object) -> str | None:
    return optional_text(value, "owner")


def _optional_task(value: object) -> str | None:
    return optional_text(value, "task")


#: The duty of every delivery task (its obligation names the task and its owner).
COMPLETE_TASK: Final = CustomName("complete_task")


#: The JSON form of a duty name: its text, read back as a Duty member when it is one.
DUTY_NAME: Final = _codec.Shape(str, _duty, str)


@_codec.value(omit_if_default=("days", "hours"), shapes={"what": DUTY_NAME})
@attrs.frozen(kw_only=True)
class ObligationRule(_codec.Serialisable):
    """What a state owes: who owes what, and where its deadline comes from.

    The window is one of: ``within``, the name of a ``RequirementPolicy`` day count;
    ``days``, a fixed number of business days; ``hours``, an amount of business time
    (counted with the calendar's ``add``, to the minute). With none of them, the
    deadline is the promised delivery instant (``SheetSent.delivery_due``, moved by a
    timely ``DelayAnnounced``). The clock starts at the event that entered the state.

    Raises:
        InvalidArgumentError: more than one window, an unknown ``within``, a negative
            ``days`` or a non-positive ``hours``.
        InvalidTypeError, UnknownNameError: an invalid field.

    Examples:
        >>> from servicekit.acceptance import STATE_OBLIGATIONS, RequirementState
        >>> STATE_OBLIGATIONS[RequirementState.AWAITING_SHEET].within
        'confirm_within'
        >>> from servicekit.acceptance import ObligationRule
        >>> rule = ObligationRule(party="team", what="resubmit", within="rework_within")
        >>> rule.to_dict()
        {'party': 'team', 'what': 'resubmit', 'within': 'rework_within'}
        >>> ObligationRule.from_dict(rule.to_dict()) == rule
        True

        A team's own duty, with a window in business hours:

        >>> from datetime import timedelta
        >>> review = ObligationRule(
        ...     party="team", what="review_solution", hours=timedelta(hours=4)
        ... )
        >>> review.describe()
        'team owes review_solution within 4 business hours'
        >>> review.to_dict()["hours"]
        'PT4H'
    """

    party: Party = attrs.field(converter=_party)
    what: DutyName = attrs.field(converter=_duty)
    within: str | None = attrs.field(default=None, validator=_within)
    days: int | None = attrs.field(default=None, validator=_days)
    hours: dt.timedelta | None = attrs.field(default=None, validator=_hours)

    def __attrs_post_init__(self) -> None:
        given = [
            name
            for name in ("within", "days", "hours")
            if getattr(self, name) is not None
        ]
        if len(given) > 1:
            msg = (
                f"the duty {self.what!s} has two windows ({' and '.join(given)}); "
                "give one of within, days or hours (none: the promised delivery time)"
            )
            raise InvalidArgumentError(msg)

    @property
    def promised(self) -> bool:
        """Whether the deadline is the promised delivery instant (no window given)."""
        return self.within is None and self.days is None and self.hours is None

    def describe(self) -> str:
        """Return a one-line English description, as used in the diagram.

        Examples:
            >>> from servicekit.acceptance import STATE_OBLIGATIONS, RequirementState
            >>> STATE_OBLIGATIONS[RequirementState.IN_DELIVERY].describe()
            'team owes deliver by the promised delivery time'
        """
        return str(self.message)

    @property
    def message(self) -> Message:
        """The description as a message (``message.render("zh-CN")``: Chinese).

        Examples:
            >>> from servicekit.acceptance import STATE_OBLIGATIONS, RequirementState
            >>> rule = STATE_OBLIGATIONS[RequirementState.AWAITING_ACCEPTANCE]
            >>> rule.message.render("zh-CN")
            '客户须在策略 accept_within 规定的工作日内完成验收'
        """
        who = {"party": self.party.value, "what": str(self.what)}
        if self.within is not None:
            return Message("acceptance.owes.policy", {**who, "within": self.within})
        if self.days is not None:
            return Message("acceptance.owes.days", {**who, "days": self.days})
        if self.hours is not None:
            hours = _duration_words(self.hours)
            return Message("acceptance.owes.hours", {**who, "hours": hours})
        return Message("acceptance.owes.promised", who)


def _duration_words(delta: dt.timedelta) -> str:
    hours, rest = divmod(delta, dt.timedelta(hours=1))
    return str(hours) if not rest else str(delta)


@_codec.value(shapes={"since": INSTANT, "due_at": OPTIONAL_INSTANT, "what": DUTY_NAME})
@keeps_instants
@attrs.frozen(kw_only=True)
class Obligation(_codec.Serialisable):
    """An open obligation: ``party`` owes ``what`` by ``due_at`` (None: no date set).

    ``since`` is the instant the obligation arose. Fulfilling it exactly at ``due_at``
    is on time; it is overdue at any later instant. A delivery task's obligation
    names the ``task`` and its ``owner`` (None otherwise).

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import Duty, Obligation, Party
        >>> o = Obligation(
        ...     party=Party.TEAM,
        ...     what=Duty.SEND_SHEET,
        ...     since=pendulum.datetime(2025, 1, 24, 10, tz="Asia/Shanghai"),
        ...     due_at=pendulum.datetime(2025, 1, 27, 18, tz="Asia/Shanghai"),
        ... )
        >>> o.is_overdue(pendulum.datetime(2025, 1, 27, 18, tz="Asia/Shanghai"))
        False
        >>> Obligation.from_dict(o.to_dict()) == o
        True
    """

    party: Party = attrs.field(converter=_party)
    what: DutyName = attrs.field(converter=_duty)
    since: pendulum.DateTime = attrs.field(converter=to_instant, eq=instant_key)
    due_at: pendulum.DateTime | None = attrs.field(
        converter=optional_instant, eq=instant_key
    )
    owner: str | None = attrs.field(default=None, converter=_optional_owner)
    task: str | None = attrs.field(default=None, converter=_optional_task)

    def is_overdue(self, now: dt.datetime) -> bool:
        """Return whether ``now`` is strictly after ``due_at`` (never, if no due date).

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.
        """
        now = to_instant(now)
        return self.due_at is not None and utc(now) > utc(self.due_at)


@_codec.value(shapes={"due_at": INSTANT, "at": INSTANT, "what": DUTY_NAME})
@keeps_instants
@attrs.frozen(kw_only=True)
class Breach(_codec.Serialisable):
    """A broken rule, kept forever in the requirement's record.

    ``at`` is when it happened (the late fulfilment, the lapse, the late notice);
    ``due_at`` is the deadline it broke. A late delivery task names the ``task``
    and its ``owner``.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import Breach, BreachKind, Duty, Party
        >>> b = Breach(
        ...     kind=BreachKind.LATE,
        ...     party=Party.TEAM,
        ...     what=Duty.DELIVER,
        ...     due_at=pendulum.datetime(2025, 2, 14, 18, tz="UTC"),
        ...     at=pendulum.datetime(2025, 2, 15, 9, tz="UTC"),
        ... )
        >>> b.late_by
        datetime.timedelta(seconds=54000)
        >>> Breach.from_dict(b.to_dict()) == b
        True
    """

    kind: BreachKind = attrs.field(converter=_breach_kind)
    party: Party = attrs.field(converter=_party)
    what: DutyName = attrs.field(converter=_duty)
    due_at: pendulum.DateTime = attrs.field(converter=to_instant, eq=instant_key)
    at: pendulum.DateTime = attrs.field(converter=to_instant, eq=instant_key)
    owner: str | None = attrs.field(default=None, converter=_optional_owner)
    task: str | None = attrs.field(default=None, converter=_optional_task)

    @property
    def late_by(self) -> dt.timedelta:
        """``at - due_at``: how late (negative for a delay notice given too close)."""
        return elapsed(self.due_at, self.at)


def _task_name(value: object) -> str:
    return text(value, "Task.id", allow_empty=False)


def _task_owner(value: object) -> str:
    return text(value, "Task.owner", allow_empty=False)


def _task_title(value: object) -> str:
    return text(value, "Task.title")


def _task_percent(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        msg = (
            f"Task.percent must be a whole number from 0 to 100 or None, got {value!r}"
        )
        raise InvalidArgumentError(msg)
    return value


@_codec.value(
    shapes={
        "added_at": INSTANT,
        "due_at": INSTANT,
        "done_at": OPTIONAL_INSTANT,
        "progressed_at": OPTIONAL_INSTANT,
    }
)
@keeps_instants
@attrs.frozen(kw_only=True)
class Task(_codec.Serialisable):
    """A task of the delivery: its owner, its deadline to the hour, and how it stands.

    Built by the fold from ``TaskAdded``, ``TaskAssigned``, ``TaskProgressed`` and
    ``TaskDone``; read it from ``Requirement.tasks``.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import Task
        >>> t = Task(
        ...     id="T1",
        ...     owner="Li Wei",
        ...     added_at=pendulum.datetime(2025, 3, 10, 9, tz="UTC"),
        ...     due_at=pendulum.datetime(2025, 3, 10, 17, tz="UTC"),
        ... )
        >>> t.is_open, Task.from_dict(t.to_dict()) == t
        (True, True)
    """

    id: str = attrs.field(converter=_task_name)
    owner: str = attrs.field(converter=_task_owner)
    added_at: pendulum.DateTime = attrs.field(converter=to_instant, eq=instant_key)
    due_at: pendulum.DateTime = attrs.field(converter=to_instant, eq=instant_key)
    title: str = attrs.field(default="", converter=_task_title)
    percent: int | None = attrs.field(default=None, converter=_task_percent)
    progressed_at: pendulum.DateTime | None = attrs.field(
        default=None, converter=optional_instant, eq=instant_key
    )
    done_at: pendulum.DateTime | None = attrs.field(
        default=None, converter=optional_instant, eq=instant_key
    )

    @property
    def is_open(self) -> bool:
        """Whether the task is not done yet."""
        return self.done_at is None

    def obligation(self) -> Obligation:
        """The open task as an obligation: the team owes it, its owner named."""
        return Obligation(
            party=Party.TEAM,
            what=COMPLETE_TASK,
            since=self.added_at,
            due_at=self.due_at,
            owner=self.owner,
            task=self.id,
        )


# ---------------------------------------------------------------------------------
# The tables of the default process. A trigger is an event class, or (event class,
# policy choice) where the outcome depends on RequirementPolicy.on_acceptance_timeout.
# ---------------------------------------------------------------------------------

Trigger = type[Event] | tuple[type[Event], AcceptanceTimeoutAction]

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

#: The fact a policy-dependent row of the default process is conditioned on.
POLICY_FACT: Final = "on_acceptance_timeout"


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
# The compiled process the fold reads.
# ---------------------------------------------------------------------------------

#: Every event class by the name a transition's ``on`` gives it.
EVENT_CLASSES: Final[Mapping[str, type[Event]]] = MappingProxyType(
    {kind.__name__: kind for kind in EVENT_TYPES}
)
_STATES: Final = {m.value: m for m in RequirementState}

StateName = RequirementState | CustomName
DutyName = Duty | CustomName


def state_name(name: str) -> StateName:
    """Return the [`RequirementState`][] named ``name`` if there is one, else a [`CustomName`][].

    So the default process's states are its enum members wherever they are reported.
    """
    return _STATES.get(name) or CustomName(name)


#: The rows of one state for one event name: (condition or None for always, target).
Rows = tuple[tuple["Condition | None", StateName], ...]


@attrs.frozen(kw_only=True)
class Machine:
    """A process compiled for the fold: dict lookups only (built by ``Process``).

    Not exported: a ``Process`` builds it once, after validating its table.
    """

    initial: StateName
    rows: Mapping[str, Mapping[str, Rows]]
    owes: Mapping[str, ObligationRule]
    lapses: Mapping[str, str]
    allowed: Mapping[str, tuple[type[Event], ...]]
    names: Mapping[str, tuple[str, ...]]
    recurring: Mapping[str, tuple[RecurringDuty, ...]] = attrs.field(factory=dict)
    task_recurring: Mapping[str, tuple[RecurringDuty, ...]] = attrs.field(factory=dict)

    @property
    def counts_hours(self) -> bool:
        """Whether some duty's window is in business hours (the calendar must ``add``)."""
        return any(rule.hours is not None for rule in self.owes.values())

    def is_terminal(self, state: str) -> bool:
        """Whether ``state`` accepts no event."""
        return not self.rows[state]


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

    state: StateName
    owes: ObligationRule | None
    since: pendulum.DateTime = attrs.field(eq=instant_key)
    due_at: pendulum.DateTime | None = attrs.field(eq=instant_key)
    last_at: pendulum.DateTime = attrs.field(eq=instant_key)
    promised: pendulum.DateTime | None = attrs.field(default=None, eq=instant_key)
    rework_count: int = 0
    rediscussion_count: int = 0
    escalated: bool = False
    breaches: tuple[Breach, ...] = ()
    tasks: tuple[Task, ...] = ()
    criteria: tuple[str, ...] = ()
    recurring: tuple[RecurringTrack, ...] = ()
    #: Each open task's per-task duties: (task id, track).
    task_recurring: tuple[tuple[str, RecurringTrack], ...] = ()

    @property
    def obligation(self) -> Obligation | None:
        """The open obligation of the current state, if any."""
        rule = self.owes
        if rule is None:
            return None
        return Obligation(
            party=rule.party, what=rule.what, since=self.since, due_at=self.due_at
        )


def _local(policy: RequirementPolicy, value: pendulum.DateTime) -> pendulum.DateTime:
    # DESIGN §2: instants servicekit returns are in the relevant calendar's zone.
    zone = policy.calendar.timezone
    if type(value) is pendulum.DateTime and getattr(value.tzinfo, "name", None) == zone:
        return value  # already there (events usually are): no conversion to pay
    return to_instant(value.in_timezone(zone))


def _deadline(
    rule: ObligationRule | None,
    policy: RequirementPolicy,
    started: pendulum.DateTime,
    promised: pendulum.DateTime | None,
) -> pendulum.DateTime | None:
    if rule is None:
        return None
    if rule.hours is not None:
        return _local(policy, _after_hours(policy, started, rule.hours))
    if rule.days is not None:
        days = rule.days
    elif rule.within is not None:
        days = getattr(policy, rule.within)
    else:
        return None if promised is None else _local(policy, promised)
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


def check_calendar(policy: RequirementPolicy, machine: Machine) -> None:
    """Refuse a calendar that cannot count the process's business-hour windows.

    Raises:
        InvalidTypeError: a window is in hours and the calendar has no ``add``.
    """
    if machine.counts_hours and not callable(getattr(policy.calendar, "add", None)):
        cal = type(policy.calendar).__name__
        msg = (
            f"the process has windows in business hours, which need a calendar with "
            f"add(start, delta), as servicekit.sla.BusinessCalendar has; {cal} has none"
        )
        raise InvalidTypeError(msg)


def _after_hours(
    policy: RequirementPolicy, started: pendulum.DateTime, hours: dt.timedelta
) -> pendulum.DateTime:
    """``policy.calendar.add(started, hours)``: the end of a business-hour window."""
    due: object = policy.calendar.add(started, hours)  # type: ignore[attr-defined]
    if not isinstance(due, dt.datetime) or due.utcoffset() is None:
        cal = type(policy.calendar).__name__
        msg = (
            f"the calendar {cal}.add must return an aware datetime; "
            f"it returned {type(due).__name__} {quote(due)}"
        )
        raise InvalidTypeError(msg)
    return to_instant(due)


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


def start(
    received_at: pendulum.DateTime, policy: RequirementPolicy, machine: Machine
) -> Progress:
    """Return the progress of a just-received requirement in the initial state."""
    state = machine.initial
    local = _local(policy, received_at)
    owes = machine.owes.get(state)
    due = _deadline(owes, policy, local, None)
    tracks = tuple(duty.start(local) for duty in machine.recurring.get(state, ()))
    return Progress(
        state=state, owes=owes, since=local, due_at=due, last_at=local, recurring=tracks
    )


def event_name(event: Event) -> str:
    """The name a transition's ``on`` gives ``event``: its step, or its class name."""
    return event.step if type(event) is StepDone else type(event).__name__


def event_facts(event: Event) -> dict[str, Any]:
    """What a row's condition reads as ``event.<field>``: the event's plain fields.

    Its class name under ``type``, every field holding a string, number or boolean
    (a declined rating, None, is left out, so it never compares), and what the
    event's class lists in ``FACTS`` (``SolutionReviewed.approved``).
    """
    out: dict[str, Any] = {"type": type(event).__name__}
    for field in attrs.fields(type(event)):
        value = getattr(event, field.name)
        if isinstance(value, str | int | float):
            out[field.name] = value
    # What an event derives from its fields (a review's overall verdict).
    for name in getattr(event, "FACTS", ()):
        out[name] = getattr(event, name)
    return out


def _target(
    rows: Rows | None, facts: Mapping[str, Any], event: Event
) -> StateName | None:
    # The first row whose condition holds wins (a row without one always holds).
    if rows:
        seen: Mapping[str, Any] | None = None
        for when, target in rows:
            if when is None:
                return target
            if seen is None:
                seen = {**facts, "event": event_facts(event)}
            if when.matches(seen):
                return target
    return None


def _names(kinds: tuple[str, ...]) -> str:
    return ", ".join(kinds) or "nothing (the state is terminal)"


def pending_timeout(
    progress: Progress, machine: Machine
) -> tuple[str, pendulum.DateTime] | None:
    """The name of the current state's time-triggered event not yet applied, and its deadline."""
    name = machine.lapses.get(progress.state)
    if name is None or progress.escalated or progress.due_at is None:
        return None
    return name, progress.due_at


def _breach(
    kind: BreachKind,
    rule: ObligationRule,
    due: pendulum.DateTime,
    at: pendulum.DateTime,
) -> Breach:
    return Breach(kind=kind, party=rule.party, what=rule.what, due_at=due, at=at)


def advance(
    progress: Progress,
    event: Event,
    policy: RequirementPolicy,
    machine: Machine,
    facts: Mapping[str, Any],
) -> Progress:
    """Return the progress after ``event``, or raise and change nothing.

    The state's own rules first (``_advance``), then the recurring duties: the
    event meets those it is named for, leaving their states lapses what they
    owed before, and a new state starts its own.
    """
    after = _advance(progress, event, policy, machine, facts)
    if machine.recurring:
        after = _state_duties(progress, after, event, policy, machine)
    if machine.task_recurring:
        after = _task_duties(progress, after, event, policy, machine)
    return after


def _state_duties(
    progress: Progress,
    after: Progress,
    event: Event,
    policy: RequirementPolicy,
    machine: Machine,
) -> Progress:
    """The requirement's recurring duties after ``event`` (``after``: its own rules)."""
    name = event_name(event)
    moved = after.state != progress.state
    if not moved and all(t.duty.met_by != name for t in progress.recurring):
        return after  # nothing recurring is touched: no copy to pay for
    calendar = policy.calendar
    breaches = after.breaches
    tracks: list[RecurringTrack] = []
    for track in progress.recurring:
        if track.duty.met_by == name:
            met, missed = track.meet(calendar, after.last_at)
            breaches += missed
            tracks.append(met)
        else:
            tracks.append(track)
    if moved:
        duties = machine.recurring.get(after.state, ())
        staying = {duty.name for duty in duties}
        for track in tracks:
            if track.duty.name not in staying:
                # Leaving its states: what was owed before now can never be met.
                breaches += track.stop(calendar, after.last_at)
        kept = {t.duty.name: t for t in tracks}
        tracks = [kept.get(duty.name) or duty.start(after.last_at) for duty in duties]
    return attrs.evolve(after, recurring=tuple(tracks), breaches=breaches)


def _task_duties(
    progress: Progress,
    after: Progress,
    event: Event,
    policy: RequirementPolicy,
    machine: Machine,
) -> Progress:
    """Each open task's recurring duties after ``event``.

    Started by ``TaskAdded``, met by the duty's event for that task, ended by
    ``TaskDone`` or by leaving the duty's states (what was owed before then
    lapses, naming the task and its owner).
    """
    name = event_name(event)
    task_id = getattr(event, "task", None)
    moved = after.state != progress.state
    if not moved and task_id is None:
        return after  # only task events and leaving a state touch these duties
    calendar = policy.calendar
    breaches = after.breaches
    staying = {d.name for d in machine.task_recurring.get(after.state, ())}
    tasks = {t.id: t for t in after.tasks}
    out: list[tuple[str, RecurringTrack]] = []
    for owner_task, track in progress.task_recurring:
        task = tasks[owner_task]
        ends = (isinstance(event, TaskDone) and task_id == owner_task) or (
            moved and track.duty.name not in staying
        )
        if ends:
            breaches += track.stop(calendar, after.last_at, task)
            continue
        if track.duty.met_by == name and task_id == owner_task:
            met, missed = track.meet(calendar, after.last_at, task)
            breaches += missed
            out.append((owner_task, met))
        else:
            out.append((owner_task, track))
    if isinstance(event, TaskAdded):
        out.extend(
            (event.task, duty.start(after.last_at))
            for duty in machine.task_recurring.get(after.state, ())
        )
    return attrs.evolve(after, task_recurring=tuple(out), breaches=breaches)


def _advance(
    progress: Progress,
    event: Event,
    policy: RequirementPolicy,
    machine: Machine,
    facts: Mapping[str, Any],
) -> Progress:
    """Return the progress after ``event`` by the state's own rules, or raise.

    ``facts`` are what a conditional row of the process is matched against (the
    requirement's facts and the policy's choices).

    Raises:
        InvalidTypeError: ``event`` is not a workflow event.
        InvalidTransitionError: the event is not legal in the current state, or a
            deadline passed before it and its timeout event was not applied first.
        InvalidEventError: the event is dated before the previous one, a timeout is
            dated before its deadline, or a delay does not move the due time later.
    """
    if not isinstance(event, EVENT_TYPES):
        msg = (
            f"expected a workflow event ({_names(tuple(EVENT_CLASSES))}), "
            f"got {type(event).__name__}"
        )
        raise InvalidTypeError(msg)
    state = progress.state
    name = event_name(event)
    rows = machine.rows[state].get(name)
    target = _target(rows, facts, event)
    if target is None:
        allowed = _names(machine.names[state])
        if rows:
            msg = (
                f"{name} is not allowed in state {state.upper()} for this requirement: "
                f"no row's condition matches its facts; allowed: {allowed}"
            )
        else:
            msg = f"{name} is not allowed in state {state.upper()}; allowed: {allowed}"
        raise InvalidTransitionError(msg)
    timed_out = name == machine.lapses.get(state)
    if timed_out and progress.escalated:
        others = tuple(k for k in machine.names[state] if k != name)
        msg = (
            f"{name} was already applied in this round of state {state.upper()} (the "
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
    pending = pending_timeout(progress, machine)
    if pending is not None:
        timeout, deadline = pending
        if name == timeout:
            if utc(at) < utc(deadline):
                msg = (
                    f"{name} at {at.isoformat()} is before the deadline "
                    f"{deadline.isoformat()}; it can only happen at or after it"
                )
                raise InvalidEventError(msg)
        elif utc(at) > utc(deadline):
            msg = (
                f"{name} at {at.isoformat()} comes after the deadline {deadline.isoformat()} "
                f"of state {state.upper()}, which implies {timeout}: apply "
                f"{timeout}(at=<the deadline>) first "
                "(Requirement.timeouts(now) returns it)"
            )
            raise InvalidTransitionError(msg)

    # Everything the fold keeps is shown in the calendar's zone, like its deadlines.
    local = _local(policy, at)
    rule = progress.owes
    breaches = progress.breaches

    if isinstance(event, TASK_EVENTS):
        return _task_event(progress, event, policy, local)
    if isinstance(event, ProgressReported):
        return attrs.evolve(progress, last_at=local)
    if isinstance(event, AcceptanceFailed):
        _check_criteria(event, progress.criteria)
    if target != state and not timed_out and not isinstance(event, Cancelled):
        still_open = [t for t in progress.tasks if t.is_open]
        if still_open:
            listed = ", ".join(
                f"{t.id} (owner {t.owner}, due {t.due_at.isoformat()})"
                for t in still_open
            )
            msg = (
                f"{name} is not allowed in state {state.upper()} while a task is "
                f"open: {listed}; finish each with TaskDone first"
            )
            raise InvalidTransitionError(msg)

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
        elif rule is not None:  # pragma: no branch -- a due time implies a duty
            breaches += (_breach(BreachKind.LATE_DELAY_NOTICE, rule, due, local),)
        return attrs.evolve(progress, last_at=local, due_at=due, breaches=breaches)

    if due is not None and rule is not None:
        if timed_out:
            breaches += (_breach(BreachKind.LAPSED, rule, due, local),)
        elif not isinstance(event, Cancelled) and utc(at) > utc(due):
            breaches += (_breach(BreachKind.LATE, rule, due, local),)

    if timed_out and target == state:
        # An escalating timeout: the duty is still owed, flagged.
        return attrs.evolve(progress, last_at=local, escalated=True, breaches=breaches)

    promised = progress.promised
    if isinstance(event, SheetSent):
        promised = event.delivery_due
    criteria = progress.criteria
    if isinstance(event, DeliveryApplied):
        criteria = event.criteria
    elif isinstance(event, Delivered):
        criteria = ()
    owes = machine.owes.get(target)
    return attrs.evolve(
        progress,
        state=target,
        owes=owes,
        since=local,
        due_at=_deadline(owes, policy, local, promised),
        last_at=local,
        promised=promised,
        rework_count=progress.rework_count + isinstance(event, AcceptanceFailed),
        rediscussion_count=progress.rediscussion_count
        + isinstance(event, ConfirmationExpired),
        escalated=False,
        breaches=breaches,
        criteria=criteria,
    )


def _check_criteria(event: AcceptanceFailed, criteria: tuple[str, ...]) -> None:
    """A failed acceptance names which of the application's criteria failed."""
    failed = event.failed_criteria
    if not criteria:
        if failed:
            msg = (
                f"AcceptanceFailed names failed criteria {list(failed)!r}, but the "
                "delivery was made without an application listing criteria"
            )
            raise InvalidEventError(msg)
        return
    listed = ", ".join(repr(c) for c in criteria)
    unknown = [c for c in failed if c not in criteria]
    if unknown:
        msg = (
            f"AcceptanceFailed names {unknown[0]!r}, which is not a criterion of the "
            f"delivery application; its criteria: {listed}"
        )
        raise InvalidEventError(msg)
    if not failed:
        msg = (
            "AcceptanceFailed must say which criteria of the delivery application "
            f"failed (failed_criteria); its criteria: {listed}"
        )
        raise InvalidEventError(msg)


TASK_EVENTS: Final = (TaskAdded, TaskAssigned, TaskProgressed, TaskDone)
TaskEvent = TaskAdded | TaskAssigned | TaskProgressed | TaskDone


def _find(tasks: tuple[Task, ...], event: TaskEvent) -> int:
    for i, task in enumerate(tasks):
        if task.id == event.task:
            if task.done_at is not None:
                msg = (
                    f"{type(event).__name__}: task {event.task!r} was done at "
                    f"{task.done_at.isoformat()}; add a new task instead"
                )
                raise InvalidEventError(msg)
            return i
    known = ", ".join(repr(t.id) for t in tasks) or "none yet"
    msg = f"{type(event).__name__}: there is no task {event.task!r} (tasks: {known})"
    raise InvalidEventError(msg)


def _task_event(
    progress: Progress,
    event: TaskEvent,
    policy: RequirementPolicy,
    local: pendulum.DateTime,
) -> Progress:
    """The progress after a task event: the state and its duty do not move."""
    tasks = progress.tasks
    breaches = progress.breaches
    if isinstance(event, TaskAdded):
        if any(t.id == event.task for t in tasks):
            msg = f"TaskAdded: the requirement already has a task {event.task!r}"
            raise InvalidEventError(msg)
        if event.within is not None:
            due = _local(policy, _after_hours(policy, local, event.within))
        else:
            due = _local(policy, event.due_at)  # type: ignore[arg-type]
        task = Task(
            id=event.task,
            owner=event.owner,
            title=event.title,
            added_at=local,
            due_at=due,
        )
        return attrs.evolve(progress, last_at=local, tasks=(*tasks, task))
    i = _find(tasks, event)
    task = tasks[i]
    if isinstance(event, TaskAssigned):
        task = attrs.evolve(task, owner=event.owner)
    elif isinstance(event, TaskProgressed):
        percent = task.percent if event.percent is None else event.percent
        task = attrs.evolve(task, progressed_at=local, percent=percent)
    else:
        task = attrs.evolve(task, done_at=local)
        if utc(local) > utc(task.due_at):
            late = Breach(
                kind=BreachKind.LATE,
                party=Party.TEAM,
                what=COMPLETE_TASK,
                due_at=task.due_at,
                at=local,
                owner=task.owner,
                task=task.id,
            )
            breaches += (late,)
    return attrs.evolve(
        progress,
        last_at=local,
        tasks=(*tasks[:i], task, *tasks[i + 1 :]),
        breaches=breaches,
    )


def timeout_event(name: str, at: pendulum.DateTime) -> Event:
    """The event named ``name`` (a class name, else a ``StepDone`` step), dated ``at``."""
    kind = EVENT_CLASSES.get(name)
    if kind is None:
        return StepDone(at=at, step=name)
    return kind(at=at)  # type: ignore[call-arg]


def timeouts(
    progress: Progress,
    now: pendulum.DateTime,
    policy: RequirementPolicy,
    machine: Machine,
    facts: Mapping[str, Any],
) -> tuple[Event, ...]:
    """Return the events the passage of time to ``now`` implies, each dated at its deadline.

    Each one is folded before looking for the next, so that a timeout leading into
    another timed state whose deadline has also passed yields both, and applying the
    result leaves nothing pending at ``now``.
    """
    out: list[Event] = []
    while True:
        pending = pending_timeout(progress, machine)
        if pending is None or not utc(now) > utc(pending[1]):
            return tuple(out)
        name, deadline = pending
        # The deadline is never before the event that set it, and nothing later can
        # be applied while a timeout is pending, so the deadline keeps the order.
        event = timeout_event(name, deadline)
        progress = advance(progress, event, policy, machine, facts)
        out.append(event)
