"""A requirement process as data: its states, their duties and windows, its transitions.

A [`Process`][] is the transition table of ``_state.py`` as a value a team can
extend (add a state, make a stage optional by a condition on the requirement's facts,
change a window), store as JSON and draw ([`Process.to_mermaid`][]). It is checked
when it is built, so a process that could strand a requirement cannot exist; then it
is compiled once into the ``Machine`` the fold reads. [`DEFAULT_PROCESS`][] is the
tables of ``_state.py`` in this form. This module decides nothing at run time: which
event is legal and what it does stays in the fold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs

from servicekit import _codec
from servicekit._boundary import quote
from servicekit._conditions import (
    AllOf,
    Always,
    AnyOf,
    Compare,
    Condition,
    Contains,
    Equals,
    Not,
    OneOf,
    condition_from,
    or_always,
)
from servicekit.acceptance._events import (
    DelayAnnounced,
    StepDone,
    TaskAdded,
    TaskAssigned,
    TaskDone,
    TaskProgressed,
    step_name,
)
from servicekit.acceptance._fields import items_of, text
from servicekit.acceptance._recurrence import RecurringDuty
from servicekit.acceptance._state import (
    EVENT_CLASSES,
    EVENT_TRIGGERED_TRANSITIONS,
    POLICY_FACT,
    STATE_OBLIGATIONS,
    TIME_TRIGGERED_EVENTS,
    Machine,
    ObligationRule,
    RequirementState,
    StateName,
    state_name,
)
from servicekit.errors import (
    InvalidArgumentError,
    InvalidProcessError,
    InvalidTypeError,
    UnknownNameError,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Mapping

    from servicekit.acceptance._events import Event

__all__ = [
    "DEFAULT_PROCESS",
    "Process",
    "State",
    "Transition",
    "to_mermaid",
]


def _state_name(value: object) -> StateName:
    return state_name(step_name(value, "State.name"))


def _owes(_inst: object, _attr: object, value: Any) -> None:
    if value is not None and not isinstance(value, ObligationRule):
        msg = (
            f"State.owes must be an ObligationRule or None, got {type(value).__name__}"
        )
        raise InvalidTypeError(msg)


def _event_on(value: object, what: str) -> str:
    name = text(value, what)
    if name in EVENT_CLASSES and name != "StepDone":
        return name
    if name and name[0].isupper():
        known = ", ".join(k for k in EVENT_CLASSES if k != "StepDone")
        msg = (
            f"{what} {name!r} is no event class ({known}); a step of your own is a "
            "lower_snake_case name, taken by StepDone(step=...)"
        )
        raise InvalidArgumentError(msg)
    return step_name(name, what)


def _lapses(value: object) -> str | None:
    return None if value is None else _event_on(value, "State.lapses_with")


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        msg = f"State.terminal must be True or False, got {value!r}"
        raise InvalidTypeError(msg)
    return value


@_codec.value(shapes={"name": _codec.Shape(str, _state_name, str)})
@attrs.frozen(kw_only=True)
class State(_codec.Serialisable):
    """A state of a process: the duty it owes, and what the lapse of its window implies.

    Args:
        name: a lower_snake_case name (the default process's names are
            [`RequirementState`][] values, and are reported as those members).
        owes: the duty that arises on entering the state, with its window; None if
            nothing is owed (a terminal state owes nothing).
        lapses_with: the event that the passage of the duty's deadline implies
            (``Requirement.timeouts(now)`` returns it, dated at the deadline), or None
            if a late duty is only overdue. The state needs a transition on it.
        terminal: the requirement is finished here; a terminal state has no way out,
            and every other state must have one.

    Examples:
        >>> from datetime import timedelta
        >>> from servicekit.acceptance import ObligationRule, State
        >>> review = State(
        ...     name="solution_review",
        ...     owes=ObligationRule(
        ...         party="team", what="review_solution", hours=timedelta(hours=8)
        ...     ),
        ... )
        >>> State.from_dict(review.to_dict()) == review
        True
    """

    name: StateName = attrs.field(converter=_state_name)
    owes: ObligationRule | None = attrs.field(default=None, validator=_owes)
    lapses_with: str | None = attrs.field(default=None, converter=_lapses)
    terminal: bool = attrs.field(default=False, converter=_flag)


def _source(value: object) -> StateName:
    return state_name(step_name(value, "Transition.source"))


def _target(value: object) -> StateName:
    return state_name(step_name(value, "Transition.target"))


def _on(value: object) -> str:
    return _event_on(value, "Transition.on")


def _write_when(when: Condition) -> Condition | None:
    # An unconditional row is stored with "when": null.
    return None if isinstance(when, Always) else when


@_codec.value(
    shapes={
        "source": _codec.Shape(str, _source, str),
        "target": _codec.Shape(str, _target, str),
        "when": _codec.Shape(Condition | None, or_always, _write_when),
    }
)
@attrs.frozen(kw_only=True)
class Transition(_codec.Serialisable):
    """A row of a process's table: in ``source``, the event ``on`` leads to ``target``.

    Args:
        source: the state the row applies in.
        on: the event: an event class's name (``"CustomerConfirmed"``) or a step of
            the team's own, a lower_snake_case name taken by ``StepDone(step=...)``.
        target: the state it leads to (``source`` itself for a self-loop).
        when: a condition on the requirement's facts (``servicekit.conditions``):
            ``channel``, ``priority``, ``customer``, ``attributes.<name>`` and
            ``on_acceptance_timeout``; None (always) by default. Among the rows of one
            state for one event, the first whose condition holds is taken.

    Examples:
        >>> from servicekit.acceptance import Transition
        >>> from servicekit.conditions import Equals
        >>> row = Transition(
        ...     source="awaiting_confirmation",
        ...     on="CustomerConfirmed",
        ...     target="solution_review",
        ...     when=Equals(field="attributes.complexity", value="complex"),
        ... )
        >>> row.to_dict()["when"]
        {'type': 'equals', 'field': 'attributes.complexity', 'value': 'complex'}
        >>> Transition.from_dict(row.to_dict()) == row
        True
    """

    source: StateName = attrs.field(converter=_source)
    on: str = attrs.field(converter=_on)
    target: StateName = attrs.field(converter=_target)
    when: Condition = attrs.field(default=None, converter=condition_from)


def _name(value: object) -> str:
    return text(value, "Process.name", allow_empty=False)


def _states(value: object) -> tuple[State, ...]:
    return items_of(value, State, "Process.states")


def _transitions(value: object) -> tuple[Transition, ...]:
    return items_of(value, Transition, "Process.transitions")


def _recurring(value: object) -> tuple[RecurringDuty, ...]:
    return items_of(value, RecurringDuty, "Process.recurring")


@_codec.value(
    shapes={
        "states": _codec.Shape(tuple[State, ...], _states, tuple),
        "transitions": _codec.Shape(tuple[Transition, ...], _transitions, tuple),
        "recurring": _codec.Shape(tuple[RecurringDuty, ...], _recurring, tuple),
    }
)
@attrs.frozen(kw_only=True)
class Process(_codec.Serialisable):
    """A requirement process: states with their duties and windows, and transitions.

    The first state is where a requirement starts (``Requirement.open``). A process
    is checked when it is built; what it refuses, naming the state, row or duty:
    a transition from or to an undeclared state, a state no path from the first
    reaches, a non-terminal state with no way out (or a terminal one with one), two
    states owing a duty of one name, a ``lapses_with`` the state has no row for or no
    window to lapse, a row that an earlier unconditional row of the same state and
    event hides, and a ``DelayAnnounced`` row that leaves its state (a delay moves the
    deadline, it does not move the work).

    Args:
        name: what the team calls it.
        states: its states, the first being the initial one.
        transitions: its rows, in order of precedence.
        recurring: duties owed once per calendar period while the requirement is
            in their states (a daily progress note in delivery); refused if one
            could never fire: no state, a terminal or undeclared state, or a
            state where its meeting event is not accepted.

    Raises:
        InvalidProcessError: the table cannot work (see above).
        InvalidTypeError, InvalidArgumentError: an invalid field.

    Examples:
        A team adds a solution review after confirmation, for complex requirements
        only, with a window of 8 business hours:

        >>> from datetime import timedelta
        >>> from servicekit.acceptance import (
        ...     DEFAULT_PROCESS,
        ...     ObligationRule,
        ...     State,
        ...     Transition,
        ... )
        >>> from servicekit.conditions import Equals
        >>> reviewed = DEFAULT_PROCESS.extended(
        ...     name="with review",
        ...     states=[
        ...         State(
        ...             name="solution_review",
        ...             owes=ObligationRule(
        ...                 party="team",
        ...                 what="review_solution",
        ...                 hours=timedelta(hours=8),
        ...             ),
        ...         )
        ...     ],
        ...     transitions=[
        ...         Transition(
        ...             source="awaiting_confirmation",
        ...             on="CustomerConfirmed",
        ...             target="solution_review",
        ...             when=Equals(field="attributes.complexity", value="complex"),
        ...         ),
        ...         Transition(
        ...             source="solution_review",
        ...             on="solution_approved",
        ...             target="in_delivery",
        ...         ),
        ...         Transition(
        ...             source="solution_review", on="Cancelled", target="cancelled"
        ...         ),
        ...     ],
        ... )
        >>> reviewed.allowed("awaiting_confirmation")
        ('CustomerConfirmed', 'ConfirmationExpired', 'Cancelled')
        >>> Process.from_dict(reviewed.to_dict()) == reviewed
        True
    """

    name: str = attrs.field(converter=_name)
    states: tuple[State, ...] = attrs.field(converter=_states)
    transitions: tuple[Transition, ...] = attrs.field(converter=_transitions)
    recurring: tuple[RecurringDuty, ...] = attrs.field(default=(), converter=_recurring)
    _machine: Machine = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_machine", _compile(self))

    @property
    def initial(self) -> StateName:
        """The state a requirement starts in (the first state)."""
        return self.states[0].name

    @property
    def machine(self) -> Machine:
        """The compiled table the fold reads (servicekit's own use)."""
        return self._machine

    def state(self, name: str) -> State:
        """Return the state called ``name``.

        Raises:
            UnknownNameError: no such state; the message lists them.

        Examples:
            >>> from servicekit.acceptance import DEFAULT_PROCESS
            >>> DEFAULT_PROCESS.state("in_rework").owes.describe()
            'team owes resubmit within rework_within business days'
        """
        for state in self.states:
            if state.name == name:
                return state
        names = ", ".join(s.name for s in self.states)
        msg = f"process {self.name!r} has no state {quote(name)}; its states: {names}"
        raise UnknownNameError(msg)

    def allowed(self, state: str) -> tuple[str, ...]:
        """Return the names of the events legal in ``state``, in table order.

        Raises:
            UnknownNameError: no such state.

        Examples:
            >>> from servicekit.acceptance import DEFAULT_PROCESS
            >>> DEFAULT_PROCESS.allowed("awaiting_sheet")
            ('SheetSent', 'Cancelled')
        """
        self.state(state)
        return self._machine.names[state]

    def extended(
        self,
        *,
        name: str | None = None,
        states: Iterable[State] = (),
        transitions: Iterable[Transition] = (),
        replace: bool = False,
        recurring: Iterable[RecurringDuty] = (),
    ) -> Process:
        """Return this process with more states and rows (``self`` is unchanged).

        New states come after the existing ones; a new state of an existing name
        replaces it (to change its duty). A new unconditional row replaces every
        existing row of its state and event; a new conditional row goes before them,
        so it takes precedence and the old rows remain for the other requirements.
        With ``replace=True``, the new rows replace every existing row of their
        states and events, conditional or not (to change a condition). New
        ``recurring`` duties are added to the existing ones.

        Raises:
            InvalidProcessError: the result cannot work.

        Examples:
            >>> from servicekit.acceptance import DEFAULT_PROCESS, Transition
            >>> skip = DEFAULT_PROCESS.extended(
            ...     transitions=[
            ...         Transition(
            ...             source="awaiting_acceptance",
            ...             on="AcceptanceTimedOut",
            ...             target="awaiting_follow_up",
            ...         )
            ...     ]
            ... )
            >>> [t.target for t in skip.transitions if t.on == "AcceptanceTimedOut"]
            [<RequirementState.AWAITING_FOLLOW_UP: 'awaiting_follow_up'>]
        """
        added_states = _states(states)
        added = _transitions(transitions)
        renewed = {s.name: s for s in added_states}
        kept_states = [renewed.pop(s.name, s) for s in self.states]
        new: dict[tuple[str, str], list[Transition]] = {}
        for row in added:
            new.setdefault((row.source, row.on), []).append(row)
        # An unconditional new row replaces the old rows of its state and event.
        replaced = {
            k for k, fresh in new.items() if replace or any(_always(r) for r in fresh)
        }
        rows: list[Transition] = []
        for row in self.transitions:
            key = (row.source, row.on)
            rows.extend(new.pop(key, ()))
            if key not in replaced:
                rows.append(row)
        for fresh in new.values():
            rows.extend(fresh)
        return Process(
            name=self.name if name is None else name,
            states=(*kept_states, *renewed.values()),
            transitions=rows,
            recurring=(*self.recurring, *_recurring(recurring)),
        )

    def with_window(
        self,
        state: str,
        *,
        within: str | None = None,
        days: int | None = None,
        hours: dt.timedelta | None = None,
    ) -> Process:
        """Return this process with the window of ``state``'s duty changed.

        Give one of ``within`` (a ``RequirementPolicy`` day count), ``days`` or
        ``hours``; none means the promised delivery time.

        Raises:
            UnknownNameError: no such state.
            InvalidProcessError: the state owes nothing.
            InvalidArgumentError: more than one window.

        Examples:
            >>> from datetime import timedelta
            >>> from servicekit.acceptance import DEFAULT_PROCESS
            >>> fast = DEFAULT_PROCESS.with_window(
            ...     "awaiting_sheet", hours=timedelta(hours=4)
            ... )
            >>> fast.state("awaiting_sheet").owes.describe()
            'team owes send_sheet within 4 business hours'
        """
        old = self.state(state)
        if old.owes is None:
            msg = f"process {self.name!r}: state '{state!s}' owes nothing, so it has no window"
            raise InvalidProcessError(msg)
        owes = attrs.evolve(old.owes, within=within, days=days, hours=hours)
        return self.extended(states=[attrs.evolve(old, owes=owes)])

    def to_mermaid(self) -> str:
        """Render the process as a mermaid ``stateDiagram-v2``.

        Each arrow is a row (a conditional row is labelled with its condition, a
        row on the state's lapse event with "(timeout)"); each state's note is its
        duty. The output is deterministic, so docs can embed it and a test compare.

        Returns:
            The diagram source, one statement per line, ending with a newline.

        Examples:
            >>> from servicekit.acceptance import DEFAULT_PROCESS
            >>> print(DEFAULT_PROCESS.to_mermaid().splitlines()[1])
                [*] --> AWAITING_SHEET: Requirement.open
        """
        lines = [
            "stateDiagram-v2",
            f"    [*] --> {self.initial.upper()}: Requirement.open",
        ]
        for state in self.states:
            for row in self.transitions:
                if row.source != state.name:
                    continue
                notes = ["timeout"] if row.on == state.lapses_with else []
                if not isinstance(row.when, Always):
                    label = _describe(row.when)
                    # The label's own parentheses are enough around a top-level group.
                    grouped = (
                        isinstance(row.when, AllOf | AnyOf) and row.when.conditions
                    )
                    notes.append(label[1:-1] if grouped else label)
                label = row.on + (f" ({', '.join(notes)})" if notes else "")
                lines.append(
                    f"    {state.name.upper()} --> {row.target.upper()}: {label}"
                )
        lines.extend(
            f"    note right of {state.name.upper()} : {state.owes.describe()}"
            for state in self.states
            if state.owes is not None
        )
        lines.extend(
            f"    note right of {state.upper()} : {duty.describe()}"
            for duty in self.recurring
            for state in duty.while_in
        )
        lines.extend(
            f"    {state.name.upper()} --> [*]"
            for state in self.states
            if state.terminal
        )
        return "\n".join(lines) + "\n"


def _always(row: Transition) -> bool:
    return isinstance(row.when, Always)


def _describe(when: Condition) -> str:
    """A short rendering of a condition for a diagram's label."""
    if isinstance(when, Equals):
        return f"{when.field}={when.value}"
    if isinstance(when, OneOf):
        return f"{when.field} in {'|'.join(str(v) for v in when.values)}"
    if isinstance(when, Compare):
        return f"{when.field} {when.op} {when.value}"
    if isinstance(when, Contains):
        return f"{when.field} has {when.value}"
    if isinstance(when, Not):
        return f"not {_describe(when.condition)}"
    if isinstance(when, AllOf | AnyOf):
        if not when.conditions:
            return "always" if isinstance(when, AllOf) else "never"
        joint = " and " if isinstance(when, AllOf) else " or "
        return "(" + joint.join(_describe(c) for c in when.conditions) + ")"
    return type(when).__name__


# ---------------------------------------------------------------------------------
# Checking and compiling.
# ---------------------------------------------------------------------------------


#: Events that change a deadline or a task and never the state.
_IN_PLACE: Final = frozenset(
    k.__name__
    for k in (DelayAnnounced, TaskAdded, TaskAssigned, TaskProgressed, TaskDone)
)


#: The events that can meet a per-task duty: they name an open task.
_TASK_MEETS: Final = frozenset({"TaskProgressed", "TaskAssigned"})


def _refuse(process: Process, problem: str) -> InvalidProcessError:
    return InvalidProcessError(f"process {process.name!r}: {problem}")


def _compile(process: Process) -> Machine:
    if not process.states:
        raise _refuse(process, "it has no state; the first state listed is the start")
    declared: dict[str, State] = {}
    for state in process.states:
        if state.name in declared:
            raise _refuse(process, f"state '{state.name!s}' is declared twice")
        declared[state.name] = state
    rows: dict[str, dict[str, list[tuple[Condition | None, StateName]]]] = {
        name: {} for name in declared
    }
    for i, row in enumerate(process.transitions):
        for end in (row.source, row.target):
            if end not in declared:
                raise _refuse(
                    process,
                    f"transition #{i} ({row.source} --{row.on}--> {row.target}) names "
                    f"the undeclared state '{end!s}'; declare it in states",
                )
        if row.on in _IN_PLACE and row.target != row.source:
            raise _refuse(
                process,
                f"transition #{i}: {row.on} must lead back to '{row.source!s}' (it "
                f"moves a deadline or a task, not the work), not to '{row.target!s}'",
            )
        earlier = rows[row.source].setdefault(row.on, [])
        if any(when is None for when, _ in earlier):
            raise _refuse(
                process,
                f"transition #{i} ({row.source} --{row.on}--> {row.target}) can never "
                f"be taken: an earlier row of '{row.source!s}' on {row.on} has no "
                "condition; give that row a condition or drop this one",
            )
        when = None if isinstance(row.when, Always) else row.when
        earlier.append((when, row.target))
    for state in process.states:
        exits = rows[state.name]
        if state.terminal and exits:
            raise _refuse(
                process,
                f"terminal state '{state.name!s}' has a way out ({', '.join(exits)}); "
                "a terminal state accepts no event",
            )
        if not state.terminal and not exits:
            raise _refuse(
                process,
                f"state '{state.name!s}' has no way out; add a transition from it or "
                "mark it terminal=True",
            )
        if state.lapses_with is not None:
            if state.lapses_with not in exits:
                raise _refuse(
                    process,
                    f"state '{state.name!s}' lapses with {state.lapses_with}, but has "
                    "no transition on it",
                )
            if state.owes is None or state.owes.promised:
                raise _refuse(
                    process,
                    f"state '{state.name!s}' lapses with {state.lapses_with}, but owes "
                    "no duty with a window that could lapse",
                )
    _check_reachable(process, rows)
    _check_duties(process)
    _check_recurring(process, declared, rows)
    return Machine(
        initial=process.initial,
        rows={s: {e: tuple(r) for e, r in row.items()} for s, row in rows.items()},
        owes={s.name: s.owes for s in process.states if s.owes is not None},
        lapses={
            s.name: s.lapses_with for s in process.states if s.lapses_with is not None
        },
        allowed={s: _classes(row) for s, row in rows.items()},
        names={s: tuple(row) for s, row in rows.items()},
        recurring=_recurring_by_state(process, declared, per_task=False),
        task_recurring=_recurring_by_state(process, declared, per_task=True),
    )


def _recurring_by_state(
    process: Process, declared: Mapping[str, State], *, per_task: bool
) -> dict[str, tuple[RecurringDuty, ...]]:
    duties = [d for d in process.recurring if d.per_task is per_task]
    return {
        state: tuple(d for d in duties if state in d.while_in)
        for state in declared
        if any(state in d.while_in for d in duties)
    }


def _classes(row: Mapping[str, object]) -> tuple[type[Event], ...]:
    out: list[type[Event]] = []
    for name in row:
        kind = EVENT_CLASSES.get(name, StepDone)
        if kind not in out:
            out.append(kind)
    return tuple(out)


def _check_reachable(
    process: Process, rows: Mapping[str, Mapping[str, list[tuple[Any, StateName]]]]
) -> None:
    seen = {process.initial}
    todo = [process.initial]
    while todo:
        for options in rows[todo.pop()].values():
            for _when, target in options:
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
    for state in process.states:
        if state.name not in seen:
            raise _refuse(
                process,
                f"state '{state.name!s}' is unreachable: no path of transitions leads "
                f"to it from the initial state '{process.initial!s}'",
            )


def _check_recurring(
    process: Process,
    declared: Mapping[str, State],
    rows: Mapping[str, Mapping[str, object]],
) -> None:
    for duty in process.recurring:
        never = f"recurring duty '{duty.name!s}' never fires"
        if duty.per_task and duty.met_by not in _TASK_MEETS:
            raise _refuse(
                process,
                f"recurring duty '{duty.name!s}' is owed per task, so it is met by an "
                f"event naming the task ({', '.join(sorted(_TASK_MEETS))}), not "
                f"{duty.met_by}",
            )
        if not duty.while_in:
            raise _refuse(
                process,
                f"{never}: it recurs in no state (a customer's duty belongs on "
                "CustomerCare, not on a process)",
            )
        for state in duty.while_in:
            if state not in declared:
                raise _refuse(process, f"{never} in the undeclared state '{state!s}'")
            if declared[state].terminal:
                raise _refuse(
                    process,
                    f"{never} in state '{state!s}': a terminal state is left never "
                    "and accepts nothing",
                )
            if duty.per_task and "TaskAdded" not in rows[state]:
                raise _refuse(
                    process,
                    f"{never} in state '{state!s}': it is owed per task, and the "
                    "state accepts no TaskAdded",
                )
            if duty.met_by not in rows[state]:
                raise _refuse(
                    process,
                    f"recurring duty '{duty.name!s}' can never be met in state "
                    f"'{state!s}': it accepts no {duty.met_by}",
                )


def _check_duties(process: Process) -> None:
    owner: dict[str, str] = {}
    for state in process.states:
        if state.owes is None:
            continue
        name = str(state.owes.what)
        if name in owner:
            raise _refuse(
                process,
                f"two duties are named {name!r} (in states '{owner[name]!s}' and "
                f"'{state.name!s}'); give each duty a name of its own",
            )
        owner[name] = state.name
    for duty in process.recurring:
        name = str(duty.name)
        if name in owner:
            where = owner[name]
            raise _refuse(
                process,
                f"two duties are named {name!r} (a recurring duty and the duty of "
                f"{where}); give each duty a name of its own",
            )
        owner[name] = "another recurring duty"


def _default() -> Process:
    """The tables of ``_state.py`` as a process (the one table, in data form)."""
    transitions: list[Transition] = []
    for source, row in EVENT_TRIGGERED_TRANSITIONS.items():
        for trigger, target in row.items():
            if isinstance(trigger, tuple):
                kind, choice = trigger
                when: Condition | None = Equals(field=POLICY_FACT, value=choice.value)
            else:
                kind, when = trigger, None
            transitions.append(
                Transition(source=source, on=kind.__name__, target=target, when=when)
            )
    lapses = TIME_TRIGGERED_EVENTS
    states = [
        State(
            name=state,
            owes=STATE_OBLIGATIONS.get(state),
            lapses_with=None if state not in lapses else lapses[state].__name__,
            terminal=state.is_terminal,
        )
        for state in RequirementState
    ]
    return Process(name="default", states=states, transitions=transitions)


DEFAULT_PROCESS: Final[Process] = _default()
"""Today's requirement workflow as a process: what ``Requirement.open`` uses."""


def to_mermaid() -> str:
    """Render the default process as a mermaid ``stateDiagram-v2``.

    ``DEFAULT_PROCESS.to_mermaid()``: each arrow is a row of
    [`EVENT_TRIGGERED_TRANSITIONS`][] (a policy-dependent outcome is labelled with
    the policy choice); each state's note is its row of [`STATE_OBLIGATIONS`][];
    time-triggered events are marked "(timeout)".

    Returns:
        The diagram source, one statement per line, ending with a newline.

    Examples:
        >>> from servicekit.acceptance import to_mermaid
        >>> print(to_mermaid().splitlines()[0])
        stateDiagram-v2
        >>> "AWAITING_ACCEPTANCE --> IN_REWORK: AcceptanceFailed" in to_mermaid()
        True
    """
    return DEFAULT_PROCESS.to_mermaid()
