"""The [`Requirement`][] value: one customer requirement and its event history.

A requirement is its history folded through the state machine of ``_state.py``; the
fold's result is cached on the value so that [`Requirement.apply`][] costs O(1)
work per event (plus the copy of the history tuple). This module holds no rule of the
workflow: it must never decide on its own which event is legal or what is owed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Self

import attrs
import pendulum  # noqa: TC002 -- the codec reads field annotations at run time

from servicekit import _codec
from servicekit._boundary import quote
from servicekit._pickling import keeps_instants
from servicekit._vocabulary import Channel, Priority
from servicekit.acceptance._events import (
    EVENT_TYPES,
    DeliveryApplied,
    Event,
    FollowUpDone,
)
from servicekit.acceptance._fields import (
    INSTANT,
    instant_key,
    member,
    optional_text,
    text,
    to_instant,
    utc,
)
from servicekit.acceptance._policy import RequirementPolicy
from servicekit.acceptance._process import DEFAULT_PROCESS, Process
from servicekit.acceptance._recurrence import (
    RecurringTrack,
    check_calendar_days,
    missed_at,
    owed_at,
)
from servicekit.acceptance._state import (
    POLICY_FACT,
    Breach,
    Machine,
    Obligation,
    Progress,
    RequirementState,
    StateName,
    Task,
    advance,
    check_calendar,
    start,
    timeouts,
)
from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    InvalidTypeError,
    UnknownNameError,
)

if TYPE_CHECKING:
    import datetime as dt

__all__ = ["Requirement"]

#: The key ``to_dict`` adds for checking: the state the history reaches.
_STATE: Final = "state"


def _id(value: object) -> str:
    return text(value, "Requirement.id", allow_empty=False)


def _customer(value: object) -> str | None:
    return optional_text(value, "Requirement.customer")


def _channel(value: object) -> Channel | None:
    # Case and spaces are forgiven, as Priority.parse forgives them for priority.
    return None if value is None else member(Channel, value, "channel")


def _priority(value: object) -> Priority | None:
    return None if value is None else Priority.parse(value)


def _policy(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, RequirementPolicy):
        msg = f"policy must be a RequirementPolicy, got {type(value).__name__}"
        raise InvalidTypeError(msg)


def _process(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, Process):
        msg = f"process must be a Process, got {type(value).__name__}"
        raise InvalidTypeError(msg)


def _to_attributes(value: object) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        msg = (
            f"attributes must be a mapping of names to JSON scalars, got {quote(value)}"
        )
        raise InvalidTypeError(msg)
    out: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key.strip():
            msg = f"attribute names must be non-blank strings, got {quote(key)}"
            raise InvalidArgumentError(msg)
        if not isinstance(item, str | int | float) or item != item:  # noqa: PLR0124 -- NaN
            msg = (
                f"attribute {key!r} must be a string, number or boolean (a fact a "
                f"condition can compare), got {quote(item)}"
            )
            raise InvalidTypeError(msg)
        out[key] = item
    return out


def _same(value: Any) -> Any:
    return value


def _facts(req: Requirement) -> dict[str, Any]:
    """What a conditional row of the process is matched against."""
    facts: dict[str, Any] = {
        POLICY_FACT: req.policy.on_acceptance_timeout.value,
        "attributes": req.attributes,
    }
    for name in ("channel", "priority", "customer"):
        value = getattr(req, name)
        if value is not None:
            facts[name] = value
    return facts


def _events(value: Iterable[Event]) -> tuple[Event, ...]:
    if isinstance(value, Mapping | str | bytes) or not isinstance(value, Iterable):
        msg = f"history must be a list of events, got {value!r}"
        raise InvalidTypeError(msg)
    out = tuple(value)
    for e in out:
        if not isinstance(e, EVENT_TYPES):
            msg = (
                f"history holds {type(e).__name__} {e!r}, not an event; build events "
                "with their classes or event_from_dict"
            )
            raise InvalidTypeError(msg)
    return out


@_codec.value(
    omit_if_default=("process", "attributes"),
    shapes={
        "received_at": INSTANT,
        "attributes": _codec.Shape(dict[str, Any], _to_attributes, _same),
    },
)
@keeps_instants
@attrs.frozen(kw_only=True)
class Requirement(_codec.Serialisable):
    """A customer requirement moving from receipt to confirmation, delivery, acceptance.

    Build one with [`open`][], then [`apply`][] events; each call returns a new
    value. Constructing ``Requirement(..., history=[...])`` directly replays the
    history, so an inconsistent history cannot be built. Equality compares identity,
    facts, policy and history (and therefore the derived state).

    Args:
        id: the requirement's identifier (non-blank).
        received_at: when it was received (timezone-aware).
        policy: the deadline rules.
        channel: the channel it came in on, optional.
        customer: who asked, optional.
        priority: its urgency, optional.
        history: the events so far, oldest first.

    Raises:
        InvalidTypeError, InvalidArgumentError, NaiveDatetimeError: invalid fields.
        UnknownNameError: an unknown channel or priority.
        InvalidTransitionError, InvalidEventError: the history is not a legal sequence.

    Examples:
        >>> import pendulum
        >>> from servicekit.acceptance import Requirement, RequirementPolicy, SheetSent
        >>> from servicekit.sla import BusinessCalendar
        >>> policy = RequirementPolicy(BusinessCalendar.always_open(timezone="UTC"))
        >>> req = Requirement.open(
        ...     id="REQ-1",
        ...     received_at=pendulum.datetime(2025, 3, 3, 10, tz="UTC"),
        ...     policy=policy,
        ... )
        >>> req.state
        <RequirementState.AWAITING_SHEET: 'awaiting_sheet'>
        >>> [k.__name__ for k in req.allowed_events]
        ['SheetSent', 'Cancelled']
        >>> req = req.apply(SheetSent(at=pendulum.datetime(2025, 3, 4, 9, tz="UTC")))
        >>> [(o.party.value, o.what.value, str(o.due_at)) for o in req.obligations]
        [('customer', 'confirm_sheet', '2025-03-06 00:00:00+00:00')]

        The customer lets the sheet lapse, so the team re-discusses and sends a new
        one; the customer confirms, the first delivery fails acceptance, the rework
        passes, and the follow-up visit closes the requirement. The counters and the
        follow-up record say how it went:

        >>> from servicekit.acceptance import (
        ...     AcceptanceFailed,
        ...     AcceptancePassed,
        ...     CustomerConfirmed,
        ...     Delivered,
        ...     FollowUpDone,
        ... )
        >>> t = pendulum.datetime(2025, 3, 7, 9, tz="UTC")
        >>> req = req.apply_all(req.timeouts(t))
        >>> req.rediscussion_count, req.state.value
        (1, 'awaiting_sheet')
        >>> req = req.apply_all(
        ...     [
        ...         SheetSent(at=t),
        ...         CustomerConfirmed(at=t.add(hours=2)),
        ...         Delivered(at=t.add(days=1)),
        ...         AcceptanceFailed(at=t.add(days=2), reasons=["typo"]),
        ...     ]
        ... )
        >>> req.rework_count, req.state.value, req.escalated
        (1, 'in_rework', False)
        >>> [(b.kind.value, b.what.value) for b in req.breaches]
        [('lapsed', 'confirm_sheet')]
        >>> req = req.apply_all(
        ...     [
        ...         Delivered(at=t.add(days=3)),
        ...         AcceptancePassed(at=t.add(days=4)),
        ...         FollowUpDone(at=t.add(days=5), solved=True, attitude=5),
        ...     ]
        ... )
        >>> req.is_terminal, req.follow_up.attitude
        (True, 5)
    """

    id: str = attrs.field(converter=_id)
    received_at: pendulum.DateTime = attrs.field(converter=to_instant, eq=instant_key)
    policy: RequirementPolicy = attrs.field(validator=_policy)
    channel: Channel | None = attrs.field(default=None, converter=_channel)
    customer: str | None = attrs.field(default=None, converter=_customer)
    priority: Priority | None = attrs.field(default=None, converter=_priority)
    history: tuple[Event, ...] = attrs.field(default=(), converter=_events)
    process: Process = attrs.field(default=DEFAULT_PROCESS, validator=_process)
    attributes: Mapping[str, Any] = attrs.field(
        factory=dict, converter=_to_attributes, hash=False
    )
    _progress: Progress = attrs.field(init=False, repr=False)
    _facts: Mapping[str, Any] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        machine = self.process.machine
        check_calendar(self.policy, machine)
        if machine.recurring:
            check_calendar_days(self.policy.calendar)
        facts = _facts(self)
        progress = start(self.received_at, self.policy, machine)
        for event in self.history:
            progress = advance(progress, event, self.policy, machine, facts)
        # Frozen: set the derived fields the way attrs' own __init__ does.
        object.__setattr__(self, "_progress", progress)
        object.__setattr__(self, "_facts", facts)

    @property
    def _machine(self) -> Machine:
        return self.process.machine

    def _task_tracks(self) -> tuple[tuple[RecurringTrack, ...], tuple[Task, ...]]:
        """The per-task duties' tracks, and the task of each, in the same order."""
        tasks = {t.id: t for t in self._progress.tasks}
        pairs = self._progress.task_recurring
        return (
            tuple(track for _task, track in pairs),
            tuple(tasks[task] for task, _track in pairs),
        )

    @classmethod
    def open(
        cls,
        *,
        id: str,  # noqa: A002 -- the pinned public name
        received_at: dt.datetime,
        policy: RequirementPolicy,
        channel: Channel | str | None = None,
        customer: str | None = None,
        priority: Priority | str | None = None,
        process: Process = DEFAULT_PROCESS,
        attributes: Mapping[str, Any] | None = None,
    ) -> Self:
        """Return a just-received requirement: the team owes the confirmation sheet.

        Args:
            id: the requirement's identifier (non-blank).
            received_at: when it was received (timezone-aware).
            policy: the deadline rules.
            channel: the channel it came in on, optional.
            customer: who asked, optional.
            priority: its urgency, optional.
            process: the process it follows; today's workflow by default.
            attributes: further facts for the process's conditions (e.g.
                ``{"complexity": "complex"}``, matched as ``attributes.complexity``).

        Returns:
            A requirement in the process's first state (``AWAITING_SHEET`` in the
            default process) with an empty history.

        Raises:
            NaiveDatetimeError: ``received_at`` has no time zone.
            InvalidTypeError, InvalidArgumentError: an invalid field.
            UnknownNameError: an unknown channel or priority.

        Examples:
            >>> import pendulum
            >>> from servicekit.acceptance import Requirement, RequirementPolicy
            >>> from servicekit.sla import BusinessCalendar
            >>> req = Requirement.open(
            ...     id="R7",
            ...     received_at=pendulum.datetime(2025, 3, 3, 10, tz="UTC"),
            ...     policy=RequirementPolicy(BusinessCalendar.always_open()),
            ...     channel="email",
            ...     priority="high",
            ... )
            >>> req.channel, req.priority, req.history
            (<Channel.EMAIL: 'email'>, <Priority.HIGH: 'high'>, ())
        """
        return cls(
            id=id,
            received_at=received_at,
            policy=policy,
            channel=channel,
            customer=customer,
            priority=priority,
            process=process,
            attributes={} if attributes is None else attributes,
        )

    def apply(self, event: Event) -> Self:
        """Return the requirement after ``event``; ``self`` is never changed.

        Args:
            event: the next event, dated no earlier than the previous one.

        Returns:
            A new requirement whose history ends with ``event``.

        Raises:
            InvalidTransitionError: ``event`` is illegal in the current state (the
                message names the state, the event and the allowed events), or a
                deadline passed before it whose timeout event must be applied first.
            InvalidEventError: ``event`` is dated before the previous event, a timeout
                is dated before its deadline, or a delay does not move the due time.
            InvalidTypeError: ``event`` is not a workflow event.

        Examples:
            >>> import pendulum
            >>> from servicekit.acceptance import (
            ...     Delivered,
            ...     Requirement,
            ...     RequirementPolicy,
            ... )
            >>> from servicekit.errors import InvalidTransitionError
            >>> from servicekit.sla import BusinessCalendar
            >>> req = Requirement.open(
            ...     id="R1",
            ...     received_at=pendulum.datetime(2025, 3, 3, 10, tz="UTC"),
            ...     policy=RequirementPolicy(BusinessCalendar.always_open()),
            ... )
            >>> try:
            ...     req.apply(Delivered(at=pendulum.datetime(2025, 3, 3, 11, tz="UTC")))
            ... except InvalidTransitionError as e:
            ...     print(e)
            Delivered is not allowed in state AWAITING_SHEET; allowed: SheetSent, Cancelled
        """
        progress = advance(
            self._progress, event, self.policy, self._machine, self._facts
        )
        # attrs.evolve would replay the whole history; the fold already did the work.
        new = object.__new__(type(self))
        for field in attrs.fields(type(self)):
            object.__setattr__(new, field.name, getattr(self, field.name))
        object.__setattr__(new, "history", (*self.history, event))
        object.__setattr__(new, "_progress", progress)
        return new

    def apply_all(self, events: Iterable[Event]) -> Self:
        """Return the requirement after each of ``events`` in turn (all or nothing).

        Convenient for ``req.apply_all(req.timeouts(now))``. If any event is refused,
        the error propagates and no partial result exists.

        Raises:
            InvalidTransitionError, InvalidEventError, InvalidTypeError: as [`apply`][].

        Examples:
            >>> import pendulum
            >>> from servicekit.acceptance import (
            ...     CustomerConfirmed,
            ...     Requirement,
            ...     RequirementPolicy,
            ...     SheetSent,
            ... )
            >>> from servicekit.sla import BusinessCalendar
            >>> req = Requirement.open(
            ...     id="R1",
            ...     received_at=pendulum.datetime(2025, 3, 3, 10, tz="UTC"),
            ...     policy=RequirementPolicy(BusinessCalendar.always_open()),
            ... )
            >>> req.apply_all(
            ...     [
            ...         SheetSent(at=pendulum.datetime(2025, 3, 3, 11, tz="UTC")),
            ...         CustomerConfirmed(
            ...             at=pendulum.datetime(2025, 3, 3, 12, tz="UTC")
            ...         ),
            ...     ]
            ... ).state
            <RequirementState.IN_DELIVERY: 'in_delivery'>
        """
        req = self
        for event in events:
            req = req.apply(event)
        return req

    @property
    def state(self) -> StateName:
        """Where the requirement stands now.

        A [`RequirementState`][] for the default process's states, a
        [`CustomName`][] for a state of a team's own process.
        """
        return self._progress.state

    @property
    def is_terminal(self) -> bool:
        """Whether the requirement is finished (accepts no more events)."""
        return self._machine.is_terminal(self._progress.state)

    @property
    def allowed_events(self) -> tuple[type[Event], ...]:
        """The event classes [`apply`][] accepts in the current state."""
        return self._machine.allowed[self._progress.state]

    @property
    def allowed_steps(self) -> tuple[str, ...]:
        """The names of the events [`apply`][] accepts now: class names and steps."""
        return self._machine.names[self._progress.state]

    @property
    def obligations(self) -> tuple[Obligation, ...]:
        """The open obligations: the state's duty, then each open task's.

        One per non-terminal state of the default process, none when terminal.
        ``due_at`` is None only while delivering with no promised delivery time.
        """
        progress = self._progress
        obligation = progress.obligation
        own = () if obligation is None else (obligation,)
        if not progress.tasks or self.is_terminal:
            return own
        return own + tuple(t.obligation() for t in progress.tasks if t.is_open)

    @property
    def tasks(self) -> tuple[Task, ...]:
        """The delivery's tasks, in the order they were added (done ones too)."""
        return self._progress.tasks

    @property
    def application(self) -> DeliveryApplied | None:
        """The latest delivery application (contents and acceptance criteria), if any."""
        for event in reversed(self.history):
            if isinstance(event, DeliveryApplied):
                return event
        return None

    @property
    def rework_count(self) -> int:
        """How many acceptances failed (each one sent the work back for rework)."""
        return self._progress.rework_count

    @property
    def rediscussion_count(self) -> int:
        """How many confirmation sheets expired unconfirmed (each forced a re-discussion)."""
        return self._progress.rediscussion_count

    @property
    def escalated(self) -> bool:
        """Whether the current acceptance round timed out under ``"escalate"``."""
        return self._progress.escalated

    @property
    def breaches(self) -> tuple[Breach, ...]:
        """Every rule broken so far, oldest first: late fulfilments, lapses, late notices."""
        return self._progress.breaches

    @property
    def follow_up(self) -> FollowUpDone | None:
        """The follow-up visit's record once it took place, else None.

        In the default process the visit closes the requirement; in the standard
        process a low rating first opens a duty to answer it.
        """
        for event in reversed(self.history):
            if isinstance(event, FollowUpDone):
                return event
        return None

    def overdue(self, now: dt.datetime) -> tuple[Obligation, ...]:
        """Return the open obligations whose due time is strictly before ``now``.

        Recurring duties' missed instances included (see [`due_duties`][]).
        Monotone in ``now``: an obligation overdue at ``now`` is overdue later too.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.

        Examples:
            >>> import pendulum
            >>> from servicekit.acceptance import Requirement, RequirementPolicy
            >>> from servicekit.sla import BusinessCalendar
            >>> req = Requirement.open(
            ...     id="R1",
            ...     received_at=pendulum.datetime(2025, 3, 3, 10, tz="UTC"),
            ...     policy=RequirementPolicy(BusinessCalendar.always_open()),
            ... )
            >>> req.overdue(pendulum.datetime(2025, 3, 5, 12, tz="UTC"))
            ()
            >>> [
            ...     o.what.value
            ...     for o in req.overdue(pendulum.datetime(2025, 3, 6, 1, tz="UTC"))
            ... ]
            ['send_sheet']
        """
        return tuple(o for o in self.due_duties(now) if o.is_overdue(now))

    def due_duties(self, now: dt.datetime) -> tuple[Obligation, ...]:
        """Return every open obligation at ``now``, recurring duties' instances too.

        The [`obligations`][] (the state's duty, each open task), then for each
        recurring duty of the state the instance owed at ``now``: the one of
        ``now``'s period (or the next period with a business day) unless it is
        met, due at close of business on its period's last business day and
        overdue once that passed. Instances of periods that ended unmet are no
        longer owed: they are lapsed, in [`missed`][]. Costs O(1) per requirement
        (a few calendar look-ups per recurring duty, however long ago the last
        note).

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.

        Examples:
            >>> import pendulum
            >>> from servicekit.acceptance import Requirement, RequirementPolicy
            >>> from servicekit.sla import BusinessCalendar
            >>> req = Requirement.open(
            ...     id="R1",
            ...     received_at=pendulum.datetime(2025, 3, 3, 10, tz="UTC"),
            ...     policy=RequirementPolicy(BusinessCalendar.always_open()),
            ... )
            >>> [
            ...     o.what.value
            ...     for o in req.due_duties(pendulum.datetime(2025, 3, 4, tz="UTC"))
            ... ]
            ['send_sheet']
        """
        to_instant(now)
        own = self.obligations
        progress = self._progress
        if self.is_terminal or not (progress.recurring or progress.task_recurring):
            return own
        calendar = self.policy.calendar
        own += owed_at(progress.recurring, calendar, now)
        if progress.task_recurring:
            tracks, tasks = self._task_tracks()
            own += owed_at(tracks, calendar, now, tasks)
        return own

    def missed(self, now: dt.datetime) -> tuple[Breach, ...]:
        """Return the recurring duties' instances lapsed by ``now``, not yet in [`breaches`][].

        An instance lapses when its period ends unmet (a progress note owed on
        Monday and not written by Monday's end). The history records it when the
        next event meeting the duty arrives, or when the requirement leaves the
        duty's states; until then it is reported here, so ``req.breaches +
        req.missed(now)`` is the record as of ``now``, whenever the caller asks.
        Nothing changes. Each is a ``LAPSED`` breach dated at its due time, oldest
        first.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.

        Examples:
            >>> import pendulum
            >>> from servicekit.acceptance import (
            ...     RecurringDuty,
            ...     Requirement,
            ...     RequirementPolicy,
            ...     SheetSent,
            ... )
            >>> from servicekit.sla import BusinessCalendar
            >>> sheet_chase = RecurringDuty(
            ...     name="chase_sheet",
            ...     party="team",
            ...     every="business_day",
            ...     met_by="sheet_chased",
            ...     while_in=["awaiting_confirmation"],
            ... )
            >>> from servicekit.acceptance import DEFAULT_PROCESS, Transition
            >>> chasing = DEFAULT_PROCESS.extended(
            ...     transitions=[
            ...         Transition(
            ...             source="awaiting_confirmation",
            ...             on="sheet_chased",
            ...             target="awaiting_confirmation",
            ...         )
            ...     ],
            ...     recurring=[sheet_chase],
            ... )
            >>> t = pendulum.datetime(2025, 3, 3, 10, tz="UTC")
            >>> req = Requirement.open(
            ...     id="R1",
            ...     received_at=t,
            ...     policy=RequirementPolicy(BusinessCalendar.always_open()),
            ...     process=chasing,
            ... ).apply(SheetSent(at=t))
            >>> [
            ...     (b.kind.value, str(b.due_at))
            ...     for b in req.missed(pendulum.datetime(2025, 3, 4, 9, tz="UTC"))
            ... ]
            [('lapsed', '2025-03-04 00:00:00+00:00')]
            >>> req.breaches
            ()
        """
        progress = self._progress
        calendar = self.policy.calendar
        found = missed_at(progress.recurring, calendar, now)
        if not progress.task_recurring:
            return found
        tracks, tasks = self._task_tracks()
        found += missed_at(tracks, calendar, now, tasks)
        # Stable: instances due at one instant keep the order of the duties.
        return tuple(sorted(found, key=lambda b: utc(b.due_at)))

    def timeouts(self, now: dt.datetime) -> tuple[Event, ...]:
        """Return the events that the passage of time up to ``now`` implies.

        In ``AWAITING_CONFIRMATION`` past the deadline: ``ConfirmationExpired``; in
        ``AWAITING_ACCEPTANCE`` past the deadline and not yet escalated:
        ``AcceptanceTimedOut``. Each is dated at the deadline, not at ``now``, so the
        result does not depend on how often the caller polls. Other states return
        ``()``: a team's lateness implies no event, it shows in [`overdue`][]. The
        caller applies the events; nothing changes by itself.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.

        Examples:
            >>> import pendulum
            >>> from servicekit.acceptance import (
            ...     Requirement,
            ...     RequirementPolicy,
            ...     SheetSent,
            ... )
            >>> from servicekit.sla import BusinessCalendar
            >>> req = Requirement.open(
            ...     id="R1",
            ...     received_at=pendulum.datetime(2025, 3, 3, 10, tz="UTC"),
            ...     policy=RequirementPolicy(BusinessCalendar.always_open()),
            ... ).apply(SheetSent(at=pendulum.datetime(2025, 3, 3, 11, tz="UTC")))
            >>> [
            ...     type(e).__name__
            ...     for e in req.timeouts(pendulum.datetime(2025, 3, 9, tz="UTC"))
            ... ]
            ['ConfirmationExpired']
            >>> req.apply_all(
            ...     req.timeouts(pendulum.datetime(2025, 3, 9, tz="UTC"))
            ... ).state
            <RequirementState.AWAITING_SHEET: 'awaiting_sheet'>
        """
        return timeouts(
            self._progress, to_instant(now), self.policy, self._machine, self._facts
        )

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-native data: facts, policy and history, and ``state`` for checking.

        Examples:
            >>> import pendulum
            >>> from servicekit.acceptance import Requirement, RequirementPolicy
            >>> from servicekit.sla import BusinessCalendar
            >>> req = Requirement.open(
            ...     id="R1",
            ...     received_at=pendulum.datetime(2025, 3, 3, 10, tz="Asia/Shanghai"),
            ...     policy=RequirementPolicy(BusinessCalendar.always_open()),
            ... )
            >>> d = req.to_dict()
            >>> d["received_at"], d["state"], d["history"]
            ('2025-03-03T10:00:00+08:00', 'awaiting_sheet', [])
            >>> Requirement.from_dict(d) == req
            True
        """
        return {**super().to_dict(), _STATE: str(self.state)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Rebuild a requirement by replaying the stored history.

        If the data holds a ``state``, it must be the state the replay reaches (a
        mismatch means the data was edited or written under other rules).

        Raises:
            DeserializationError: missing or unknown keys, invalid values, a history
                that is not a legal sequence, or a ``state`` that does not match; the
                message names the JSON path.

        Examples:
            >>> import pendulum
            >>> from servicekit.acceptance import (
            ...     Requirement,
            ...     RequirementPolicy,
            ...     SheetSent,
            ... )
            >>> from servicekit.sla import BusinessCalendar
            >>> t = pendulum.datetime(2025, 3, 3, 10, tz="UTC")
            >>> req = Requirement.open(
            ...     id="R1",
            ...     received_at=t,
            ...     policy=RequirementPolicy(BusinessCalendar.always_open()),
            ... )
            >>> data = req.apply(SheetSent(at=t)).to_dict()
            >>> Requirement.from_dict(data).state
            <RequirementState.AWAITING_CONFIRMATION: 'awaiting_confirmation'>
            >>> Requirement.from_dict(data | {"state": "closed"})
            Traceback (most recent call last):
            ...
            servicekit.errors.DeserializationError: Requirement data is unusable: at $: stored state 'closed' does not match ...
        """
        stored = None
        if isinstance(data, Mapping) and _STATE in data:
            stored = data[_STATE]
            data = {k: v for k, v in data.items() if k != _STATE}
        req = super().from_dict(data)
        if stored is not None:
            _check_state(req.state, stored)
        return req


def _check_state(replayed: StateName, stored: object) -> None:
    # The state is derived, not read: the codec never sees it, so say it its way.
    # A mismatch breaks a rule tying two keys together: it is said at "$".
    if type(stored) is not str:
        expected = _codec.ExpectedError("the text name of a RequirementState", stored)
        problem = f"at $.{_STATE}: {expected}"
    else:
        try:
            if RequirementState.parse(stored) is replayed:
                return
        except UnknownNameError:
            if stored == replayed:
                return
        problem = (
            f"at $: stored state {quote(stored)} does not match the replayed history, "
            f"which reaches {str(replayed)!r}; the data was edited or written under "
            "other rules"
        )
    msg = f"Requirement data is unusable: {problem}"
    raise DeserializationError(msg)
