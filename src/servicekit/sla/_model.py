"""SLA vocabulary and rules as data: metrics, targets, policies, ticket events.

Every value here is frozen and converts to and from JSON-native data. Policies hold
conditions (never lambdas), so a policy set can be stored, listed and diffed. This
module must never read the clock or do I/O.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, Self, TypeVar

import attrs

from servicekit import _codec
from servicekit._boundary import check_depth, quote, said
from servicekit._conditions import (
    AllOf,
    Always,
    AnyOf,
    Condition,
    Equals,
    OneOf,
    condition_from,
    fields_read,
    or_always,
)
from servicekit._pickling import keeps_instants
from servicekit._vocabulary import Channel, NamedEnum, Priority, Tier, parse_member
from servicekit.errors import (
    CalendarRangeError,
    DuplicateIdError,
    InvalidArgumentError,
    InvalidEventError,
    InvalidTypeError,
    NoMatchingPolicyError,
    ServiceKitError,
)
from servicekit.sla._calendar import BusinessCalendar, engine_of
from servicekit.sla._instants import delta_us, instant_us

if TYPE_CHECKING:
    from servicekit.sla._report import MetricStatus

__all__ = [
    "EventKind",
    "Metric",
    "MetricDefinition",
    "MetricState",
    "PolicySet",
    "SlaPolicy",
    "SlaTarget",
    "TicketEvent",
    "TicketStatus",
]


class Metric(NamedEnum):
    """The four SLA clocks.

    Examples:
        >>> from servicekit.sla import Metric
        >>> Metric.parse("first_response") is Metric.FIRST_RESPONSE
        True
    """

    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"
    PERIODIC_UPDATE = "periodic_update"
    RESOLUTION = "resolution"


class EventKind(NamedEnum):
    """What happened to a ticket.

    Examples:
        >>> from servicekit.sla import EventKind
        >>> EventKind("agent_reply") is EventKind.AGENT_REPLY
        True

    ``CUSTOMER_NOTIFIED`` (the customer was told the result) and ``SURVEY_SENT``
    (the satisfaction survey went out) change no built-in clock: they exist to stop
    a team's own promises after the solve (a [`MetricDefinition`][]'s ``stop_on``).
    """

    CREATED = "created"
    CUSTOMER_MESSAGE = "customer_message"
    AGENT_REPLY = "agent_reply"
    STATUS_CHANGED = "status_changed"
    PRIORITY_CHANGED = "priority_changed"
    TIER_CHANGED = "tier_changed"
    REOPENED = "reopened"
    FACTS_CHANGED = "facts_changed"
    CUSTOMER_NOTIFIED = "customer_notified"
    SURVEY_SENT = "survey_sent"


class TicketStatus(NamedEnum):
    """A ticket's status; ``SOLVED`` and ``CLOSED`` are the solved ones.

    Examples:
        >>> from servicekit.sla import TicketStatus
        >>> TicketStatus.parse("ON_HOLD")
        <TicketStatus.ON_HOLD: 'on_hold'>
    """

    OPEN = "open"
    PENDING = "pending"
    ON_HOLD = "on_hold"
    SOLVED = "solved"
    CLOSED = "closed"


class MetricState(NamedEnum):
    """Where one metric stands.

    Examples:
        >>> from servicekit.sla import MetricState
        >>> [s.value for s in MetricState]
        ['not_started', 'running', 'paused', 'met', 'breached']
    """

    NOT_STARTED = "not_started"
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"


def to_metric(value: object) -> Metric:
    """Converter: a [`Metric`][] from a member, value or name."""
    return Metric.parse(value)


def to_state(value: object) -> MetricState:
    """Converter: a [`MetricState`][] from a member, value or name."""
    return MetricState.parse(value)


def to_ticket_status(value: object) -> TicketStatus:
    """Converter: a [`TicketStatus`][] from a member, value or name."""
    return TicketStatus.parse(value)


def _to_kind(value: object) -> EventKind:
    # Exact-type checks first: an event is built once per line of a JSON export.
    return value if type(value) is EventKind else EventKind.parse(value)


SOLVED_STATUSES: Final = frozenset({TicketStatus.SOLVED, TicketStatus.CLOSED})
_PAUSABLE: Final = frozenset({TicketStatus.PENDING, TicketStatus.ON_HOLD})

_T = TypeVar("_T")


# ---------------------------------------------------------------------------- targets


def _to_within(value: object) -> dt.timedelta:
    us = delta_us(value, "SlaTarget.within")
    if us <= 0:
        msg = f"SlaTarget.within must be positive, e.g. timedelta(minutes=30); got {value!r}"
        said_as = said("error.sla.within_not_positive", value=repr(value))
        raise InvalidArgumentError(msg, message=said_as)
    return dt.timedelta(microseconds=us)


def _to_warn_at(value: object) -> tuple[float, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"warn_at must be a list of fractions such as (0.5, 0.75); got {value!r}"
        said_as = said("error.sla.warn_at.not_list", value=repr(value))
        raise InvalidArgumentError(msg, message=said_as)
    out: list[float] = []
    for f in value:
        if isinstance(f, bool) or not isinstance(f, int | float):
            msg = f"each warn_at fraction must be a number; got {f!r}"
            said_as = said("error.sla.warn_at.not_number", value=repr(f))
            raise InvalidTypeError(msg, message=said_as)
        if not (math.isfinite(f) and 0 < f < 1):
            msg = f"each warn_at fraction must lie strictly between 0 and 1 (the breach is 1); got {f!r}"
            said_as = said("error.sla.warn_at.out_of_range", value=repr(f))
            raise InvalidArgumentError(msg, message=said_as)
        out.append(float(f))
    if len(set(out)) != len(out):
        msg = f"warn_at lists a fraction twice: {tuple(out)!r}"
        said_as = said("error.sla.warn_at.twice", fractions=repr(tuple(out)))
        raise InvalidArgumentError(msg, message=said_as)
    return tuple(sorted(out))


def _same(value: _T) -> _T:
    return value


def _to_bool(value: object) -> bool:
    if not isinstance(value, bool):
        msg = f"business_hours must be True or False; got {value!r}"
        said_as = said("error.sla.business_hours_not_bool", value=repr(value))
        raise InvalidTypeError(msg, message=said_as)
    return value


def _to_target_name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        msg = f"SlaTarget.name must be a non-empty string; got {quote(value)}"
        said_as = said("error.sla.target_name_empty", value=quote(value))
        raise InvalidArgumentError(msg, message=said_as)
    return value


def _default_name(target: SlaTarget) -> str:
    return metric_name(target.metric)


def metric_name(metric: Metric | MetricDefinition | str) -> str:
    """The name a metric goes by in reports: a member's value, a definition's name."""
    if isinstance(metric, MetricDefinition):
        return metric.name
    return metric.value if isinstance(metric, Metric) else metric


def metric_of_name(name: object) -> Metric | str:
    """A report's metric read back: a built-in member, else a team metric's name."""
    if isinstance(name, Metric):
        return name
    if not isinstance(name, str) or not name.strip():
        msg = f"a metric is named by a non-empty string; got {quote(name)}"
        said_as = said("error.sla.metric_name_empty", name=quote(name))
        raise InvalidArgumentError(msg, message=said_as)
    try:
        return Metric.parse(name)
    except ServiceKitError:
        return name


def metric_key(metric: Metric | MetricDefinition) -> Metric | str:
    """The key of a metric in [`SlaReport.metrics`][]: a member, or a definition's name."""
    return metric.name if isinstance(metric, MetricDefinition) else metric


# The facts a stopping event shows to a target's ``stop_when``.
EVENT_FACTS: Final = ("kind", "status", "attributes")


def _fields_named(condition: object) -> Iterator[str]:
    """Every field a condition tree names (a caller's own condition names none)."""
    field = getattr(condition, "field", None)
    if isinstance(field, str):
        yield field
    inner = getattr(condition, "condition", None)
    if inner is not None:
        yield from _fields_named(inner)
    for part in getattr(condition, "conditions", ()):
        yield from _fields_named(part)


def _to_stop_when(value: object) -> Condition | None:
    if value is None:
        return None
    condition = condition_from(value)
    if isinstance(condition, Always):
        msg = (
            "stop_when=Always() would stop the clock at any event; leave it out (None) "
            "for the metric's own stopping events"
        )
        said_as = said("error.sla.stop_when_always")
        raise InvalidArgumentError(msg, message=said_as)
    for field in _fields_named(condition):
        if field.partition(".")[0] not in EVENT_FACTS or field == "attributes.":
            msg = (
                f"stop_when reads {field!r}, which no event carries; a stopping event "
                "shows 'kind', 'status' and 'attributes.<name>'"
            )
            said_as = said("error.sla.stop_when_unknown_field", field=repr(field))
            raise InvalidArgumentError(msg, message=said_as)
    return condition


def _write_stop_when(condition: Condition | None) -> Condition | None:
    return condition


# The facts a team metric's start_on and stop_on see: the event's, and the ticket's
# own after the event (``ticket.status``, ``ticket.attributes.<name>``, ...).
DEFINITION_FACTS: Final = (*EVENT_FACTS, "ticket")
TICKET_FACTS: Final = (
    "status",
    "priority",
    "tier",
    "channel",
    "category",
    "attributes",
)
_FACT_VALUES: Final[dict[str, type[NamedEnum]]] = {
    "kind": EventKind,
    "status": TicketStatus,
    "ticket.status": TicketStatus,
}


def _values_named(condition: object) -> Iterator[tuple[str, object]]:
    """(field, value) for every Equals/OneOf value a condition tree compares."""
    field = getattr(condition, "field", None)
    if isinstance(field, str):
        if hasattr(condition, "value") and not hasattr(condition, "op"):
            yield field, condition.value
        for v in getattr(condition, "values", ()):
            yield field, v
    inner = getattr(condition, "condition", None)
    if inner is not None:
        yield from _values_named(inner)
    for part in getattr(condition, "conditions", ()):
        yield from _values_named(part)


def _to_definition_condition(value: object, what: str) -> Condition:
    verb = "start" if what == "start_on" else "stop"
    if value is None:
        msg = (
            f"MetricDefinition.{what} is required: name the events that "
            f"{verb} the clock, e.g. "
            "{'kind': 'created'}"
        )
        said_as = said(f"error.sla.definition.required.{verb}")
        raise InvalidArgumentError(msg, message=said_as)
    condition = condition_from(value)
    if isinstance(condition, Always) or fields_read(condition) == frozenset():
        msg = (
            f"MetricDefinition.{what} matches every event or none; name the events that "
            f"{verb} the clock (kind, status, "
            "attributes)"
        )
        said_as = said(f"error.sla.definition.constant.{verb}")
        raise InvalidArgumentError(msg, message=said_as)
    for field in _fields_named(condition):
        head, _, rest = field.partition(".")
        ticket_ok = (
            head == "ticket"
            and rest.partition(".")[0] in TICKET_FACTS
            and rest != "attributes."
        )
        if (head not in EVENT_FACTS or field == "attributes.") and not ticket_ok:
            msg = (
                f"MetricDefinition.{what} reads {field!r}, which no event carries; "
                "an event shows 'kind', 'status', 'attributes.<name>', and the "
                "ticket's own facts as 'ticket.<fact>' (status, priority, tier, "
                "channel, category, attributes.<name>)"
            )
            said_as = said(
                "error.sla.definition.unknown_fact", what=what, field=repr(field)
            )
            raise InvalidArgumentError(msg, message=said_as)
    for field, v in _values_named(condition):
        enum_type = _FACT_VALUES.get(field)
        if enum_type is None:
            continue
        try:
            enum_type.parse(v)
        except ServiceKitError:
            names = ", ".join(m.value for m in enum_type)
            msg = (
                f"MetricDefinition.{what} compares {field!r} with {quote(v)}, which no "
                f"event can carry (one of: {names}); the clock would never "
                f"{verb} on it"
            )
            said_as = said(
                f"error.sla.definition.never.{verb}",
                what=what,
                field=repr(field),
                value=quote(v),
                names=names,
            )
            raise InvalidArgumentError(msg, message=said_as) from None
    return condition


def _to_start_on(value: object) -> Condition:
    return _to_definition_condition(value, "start_on")


def _to_stop_on(value: object) -> Condition:
    return _to_definition_condition(value, "stop_on")


def _to_definition_name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        msg = f"MetricDefinition.name must be a non-empty string; got {quote(value)}"
        said_as = said("error.sla.definition.name_empty", value=quote(value))
        raise InvalidArgumentError(msg, message=said_as)
    try:
        builtin = Metric.parse(value)
    except ServiceKitError:
        return value
    msg = (
        f"MetricDefinition.name {value!r} is the built-in metric {builtin.value}; "
        "name a team's own metric differently (or use Metric."
        f"{builtin.name} itself)"
    )
    said_as = said(
        "error.sla.definition.builtin_name",
        value=repr(value),
        metric=builtin.value,
        member=builtin.name,
    )
    raise InvalidArgumentError(msg, message=said_as)


def _to_definition_pause(value: object) -> frozenset[TicketStatus] | None:
    return None if value is None else _to_pause_on(value)


@_codec.value(
    omit_if_default=("pause_on",),
    shapes={
        "name": _codec.Shape(str, _to_definition_name, _same),
        "start_on": _codec.Shape(Condition, _to_start_on, _same),
        "stop_on": _codec.Shape(Condition, _to_stop_on, _same),
        "pause_on": _codec.Shape(
            frozenset[TicketStatus] | None, _to_definition_pause, _same
        ),
    },
)
@attrs.frozen(kw_only=True)
class MetricDefinition(_codec.Serialisable):
    """A team's own SLA metric: the events that start, pause and stop its clock.

    The way Jira Service Management defines an SLA: a clock starts at an event that
    matches ``start_on`` (a new cycle each time, so a reopened promise counts again),
    pauses while the ticket's status is in ``pause_on``, and stops at an event that
    matches ``stop_on`` - met, or breached if its target's ``within`` ran out first.
    An event matching both stops the running cycle and starts the next (a clock that
    restarts at every reply). Solving a ticket stops none of a team's clocks unless
    ``stop_on`` says so, so promises *after* the solve are definitions too: start on
    the solve, stop on ``CUSTOMER_NOTIFIED``. Targets measure a definition like a
    built-in metric (``SlaTarget(metric=definition, ...)``): business or 24×7 time,
    warnings, breaches, ``next_change_at``, policy re-selection (rules 6-7), all as
    for the four built-in ones (rules D1-D5 in ``docs/sla.md``).

    Args:
        name: the metric's name in reports (``SlaReport.metrics[name]``); not a
            built-in metric's name.
        start_on: a condition over an event's facts (``kind``, ``status``,
            ``attributes.<name>``) and the ticket's after it (``ticket.status``,
            ``ticket.priority``, ``ticket.category``, ``ticket.attributes.<name>``,
            ...); a mapping is the shorthand (``{"kind": "created"}``).
        stop_on: the same, for the events that stop the clock.
        pause_on: statuses (PENDING, ON_HOLD) that pause it; None: the policy's
            ``pause_on``; ``()``: it never pauses.

    Raises:
        InvalidArgumentError: a missing or catch-all condition, a fact no event
            carries, a kind or status that does not exist (so the clock could never
            start or stop), a built-in metric's name, a status that cannot pause.

    Examples:
        >>> import datetime as dt
        >>> from servicekit.sla import MetricDefinition, SlaTarget
        >>> notice = MetricDefinition(
        ...     name="result_notice",
        ...     start_on={"kind": "status_changed", "status": "solved"},
        ...     stop_on={"kind": "customer_notified"},
        ... )
        >>> t = SlaTarget(metric=notice, within=dt.timedelta(minutes=15))
        >>> t.name
        'result_notice'
        >>> SlaTarget.from_dict(t.to_dict()) == t
        True
    """

    name: str = attrs.field(converter=_to_definition_name)
    start_on: Condition = attrs.field(converter=_to_start_on)
    stop_on: Condition = attrs.field(converter=_to_stop_on)
    pause_on: frozenset[TicketStatus] | None = attrs.field(
        default=None, converter=_to_definition_pause
    )

    @property
    def reads_ticket(self) -> bool:
        """Whether a condition reads the ticket's facts (not only the event's)."""
        return any(
            f.partition(".")[0] == "ticket"
            for c in (self.start_on, self.stop_on)
            for f in _fields_named(c)
        )


def _read_target_metric(data: object, _: object) -> Metric | MetricDefinition:
    if isinstance(data, Mapping):
        return MetricDefinition.from_dict(data)
    try:
        return Metric.parse(data)
    except ServiceKitError:
        names = ", ".join(m.value for m in Metric)
        msg = (
            f"{quote(data)} is not a Metric (one of: {names}); a team's own metric "
            "is written as its definition (name, start_on, stop_on)"
        )
        said_as = said("error.sla.unknown_metric", value=quote(data), names=names)
        raise InvalidArgumentError(msg, message=said_as) from None


def _write_target_metric(metric: Metric | MetricDefinition) -> Any:
    return metric.to_dict() if isinstance(metric, MetricDefinition) else metric.value


def _to_target_metric(value: object) -> Metric | MetricDefinition:
    if isinstance(value, MetricDefinition):
        return value
    return to_metric(value)


def event_facts(e: TicketEvent) -> dict[str, Any]:
    """The facts a target's ``stop_when`` sees of event ``e``."""
    out: dict[str, Any] = {"kind": e.kind, "attributes": e.attributes}
    if e.status is not None:
        out["status"] = e.status
    return out


@_codec.value(
    omit_if_default=("name", "stop_when"),
    hooks={"metric": (_read_target_metric, _write_target_metric)},
    shapes={
        "within": _codec.Shape(dt.timedelta, _to_within, _same),
        "warn_at": _codec.Shape(tuple[float, ...], _to_warn_at, _same),
        "stop_when": _codec.Shape(Condition | None, _to_stop_when, _write_stop_when),
    },
)
@attrs.frozen(kw_only=True)
class SlaTarget(_codec.Serialisable):
    """How long one metric may run, in which clock, with warnings at which fractions.

    Args:
        metric: the clock this target applies to: a built-in [`Metric`][], or a
            team's own [`MetricDefinition`][].
        within: the allowance; positive.
        business_hours: count the policy calendar's working time (True) or real
            24×7 time (False).
        warn_at: fractions of ``within`` (strictly between 0 and 1) at which a warning
            falls; kept sorted.
        name: names the promise in [`SlaReport.targets`][servicekit.sla.SlaReport];
            unique within a policy. Defaults to the metric's name
            (``"first_response"``).
        stop_when: a condition over the stopping event's facts (``kind``,
            ``status``, ``attributes.<name>``): only a matching event, or solving
            the ticket, stops this target's clock. None: the metric's own stopping
            events (rules 8-12). Built-in metrics only: a definition's ``stop_on``
            says what stops its clock.

    Raises:
        InvalidArgumentError, InvalidTypeError, UnknownNameError: bad fields.

    Examples:
        >>> import datetime as dt
        >>> from servicekit.sla import Metric, SlaTarget
        >>> t = SlaTarget(metric=Metric.FIRST_RESPONSE, within=dt.timedelta(minutes=30))
        >>> t.warn_at, t.business_hours
        ((0.5, 0.75), True)
        >>> SlaTarget.from_dict(t.to_dict()) == t
        True
    """

    metric: Metric | MetricDefinition = attrs.field(converter=_to_target_metric)
    within: dt.timedelta = attrs.field(converter=_to_within)
    business_hours: bool = attrs.field(default=True, converter=_to_bool)
    warn_at: tuple[float, ...] = attrs.field(default=(0.5, 0.75), converter=_to_warn_at)
    name: str = attrs.field(
        default=attrs.Factory(_default_name, takes_self=True),
        converter=_to_target_name,
    )
    stop_when: Condition | None = attrs.field(default=None, converter=_to_stop_when)

    def __attrs_post_init__(self) -> None:
        if self.stop_when is not None and isinstance(self.metric, MetricDefinition):
            msg = (
                f"target {self.name!r}: stop_when applies to the built-in metrics; "
                f"the definition {self.metric.name!r} says what stops its clock "
                "(MetricDefinition.stop_on)"
            )
            said_as = said(
                "error.sla.definition.stop_when",
                target=repr(self.name),
                definition=repr(self.metric.name),
            )
            raise InvalidArgumentError(msg, message=said_as)


# ---------------------------------------------------------------------------- policies


def _to_targets(value: object) -> tuple[SlaTarget, ...]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        msg = f"targets must be a list of SlaTarget; got {value!r}"
        said_as = said("error.sla.targets_not_list", value=repr(value))
        raise InvalidTypeError(msg, message=said_as)
    out = tuple(value)
    seen: set[str] = set()
    for t in out:
        if not isinstance(t, SlaTarget):
            msg = f"each target must be an SlaTarget; got {t!r}"
            said_as = said("error.sla.target_type", value=repr(t))
            raise InvalidTypeError(msg, message=said_as)
        if t.name in seen:
            msg = (
                f"two targets are named {t.name!r}; name each promise of a policy "
                "(SlaTarget(name=...)): reports key targets by name"
            )
            said_as = said("error.sla.two_targets_named", name=repr(t.name))
            raise DuplicateIdError(msg, message=said_as)
        seen.add(t.name)
    return out


def _to_pause_on(value: object) -> frozenset[TicketStatus]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"pause_on must be a list of statuses; got {value!r}"
        said_as = said("error.sla.pause_on_not_list", value=repr(value))
        raise InvalidTypeError(msg, message=said_as)
    out = frozenset(TicketStatus.parse(v) for v in value)
    wrong = out - _PAUSABLE
    if wrong:
        msg = (
            f"pause_on may hold only PENDING and ON_HOLD; {sorted(wrong)} cannot pause a "
            "clock (solving stops it, and an open ticket is the one being worked)"
        )
        said_as = said("error.sla.pause_on_status", wrong=str(sorted(wrong)))
        raise InvalidArgumentError(msg, message=said_as)
    return out


def _check_name(_inst: object, _attr: object, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        msg = f"a policy needs a non-empty name; got {value!r}"
        said_as = said("error.sla.policy_name_empty", value=repr(value))
        raise InvalidArgumentError(msg, message=said_as)


def _check_calendar(_inst: object, _attr: object, value: object) -> None:
    if not isinstance(value, BusinessCalendar):
        msg = f"calendar must be a BusinessCalendar; got {type(value).__name__}"
        said_as = said("error.sla.calendar_type", type=type(value).__name__)
        raise InvalidTypeError(msg, message=said_as)


_DEFAULT_PAUSE: Final = (TicketStatus.PENDING, TicketStatus.ON_HOLD)


def _read_calendar(data: object, _: object) -> BusinessCalendar:
    return BusinessCalendar.from_dict(data)  # type: ignore[arg-type]


def _write_calendar(calendar: BusinessCalendar) -> dict[str, Any]:
    return calendar.to_dict()


def _write_when(when: Condition) -> Condition | None:
    # A policy for every ticket is stored with "when": null.
    return None if isinstance(when, Always) else when


def _to_name(value: str) -> str:
    _check_name(None, None, value)
    return value


@_codec.value(
    omit_if_default=(),
    hooks={"calendar": (_read_calendar, _write_calendar)},
    shapes={
        "name": _codec.Shape(str, _to_name, _same),
        # A condition's data (or the shorthand) through the codec, null for every
        # ticket, so errors inside it name their path ($.when.conditions[0].value).
        "when": _codec.Shape(Condition | None, or_always, _write_when),
        "targets": _codec.Shape(tuple[SlaTarget, ...], _to_targets, _same),
        "pause_on": _codec.Shape(frozenset[TicketStatus], _to_pause_on, _same),
    },
)
@attrs.frozen(kw_only=True)
class SlaPolicy(_codec.Serialisable):
    """A named set of targets for the tickets ``when`` matches, on one calendar.

    Args:
        name: shown in reports; unique within a [`PolicySet`][].
        targets: any number of [`SlaTarget`][]s, several per metric if need be,
            with distinct names; a metric without a target is not measured.
        calendar: working time for ``business_hours`` targets, and the zone of the
            instants the reports show.
        when: a condition over the ticket's facts (``priority``, ``tier``,
            ``channel``, ``category``, ``attributes.<name>``), a shorthand mapping
            (``{"priority": Priority.URGENT}``; a list means one of), or None for every
            ticket.
        pause_on: statuses that pause RESOLUTION and PERIODIC_UPDATE.

    Raises:
        InvalidArgumentError, InvalidTypeError, InvalidConditionError: bad fields.

    Examples:
        >>> import datetime as dt
        >>> from servicekit import Priority
        >>> from servicekit.sla import BusinessCalendar, Metric, SlaPolicy, SlaTarget
        >>> urgent = SlaPolicy(
        ...     name="urgent",
        ...     when={"priority": Priority.URGENT},
        ...     calendar=BusinessCalendar.always_open("Asia/Shanghai"),
        ...     targets=[
        ...         SlaTarget(
        ...             metric=Metric.FIRST_RESPONSE,
        ...             within=dt.timedelta(minutes=5),
        ...             business_hours=False,
        ...         )
        ...     ],
        ... )
        >>> urgent.target(Metric.FIRST_RESPONSE).within
        datetime.timedelta(seconds=300)
        >>> urgent.matches({"priority": "urgent"})
        True
    """

    name: str = attrs.field(validator=_check_name)
    targets: tuple[SlaTarget, ...] = attrs.field(converter=_to_targets)
    calendar: BusinessCalendar = attrs.field(validator=_check_calendar)  # type: ignore[assignment]
    when: Condition = attrs.field(default=None, converter=condition_from)
    pause_on: frozenset[TicketStatus] = attrs.field(
        default=_DEFAULT_PAUSE, converter=_to_pause_on
    )

    def target(self, metric: Metric | MetricDefinition | str) -> SlaTarget | None:
        """Return the target named ``metric``'s name (else the first for ``metric``), or None.

        A string names a target (``"manager_answer"``); a [`Metric`][] or a
        [`MetricDefinition`][] finds the target carrying its default name, else the
        metric's first target.
        """
        if isinstance(metric, MetricDefinition):
            measuring = [t for t in self.targets if t.metric == metric]
            named = [t for t in measuring if t.name == metric.name]
            found = named or measuring
            return found[0] if found else None
        if isinstance(metric, Metric):
            first = None
            for t in self.targets:
                if t.metric is metric:
                    if t.name == metric.value:
                        return t
                    first = first or t
            return first
        for t in self.targets:
            if t.name == metric:
                return t
        return None

    def matches(self, facts: Mapping[str, Any]) -> bool:
        """Return whether this policy applies to a ticket with these facts."""
        return self.when.matches(facts)


def _to_policies(value: object) -> tuple[SlaPolicy, ...]:
    if isinstance(value, SlaPolicy):
        value = (value,)
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        msg = f"a PolicySet needs a list of SlaPolicy; got {value!r}"
        said_as = said("error.sla.policies_not_list", value=repr(value))
        raise InvalidTypeError(msg, message=said_as)
    out = tuple(value)
    if not out:
        msg = "a PolicySet needs at least one policy (add a catch-all with when=None)"
        raise InvalidArgumentError(msg, message=said("error.sla.no_policies"))
    names: set[str] = set()
    for p in out:
        if not isinstance(p, SlaPolicy):
            msg = f"each policy must be an SlaPolicy; got {p!r}"
            said_as = said("error.sla.policy_type", value=repr(p))
            raise InvalidTypeError(msg, message=said_as)
        if p.name in names:
            msg = (
                f"two policies are named {p.name!r}; names identify policies in reports"
            )
            said_as = said("error.sla.two_policies_named", name=repr(p.name))
            raise DuplicateIdError(msg, message=said_as)
        names.add(p.name)
    return out


METRIC_ORDER: Final = (
    Metric.FIRST_RESPONSE,
    Metric.NEXT_RESPONSE,
    Metric.PERIODIC_UPDATE,
    Metric.RESOLUTION,
)


class CompiledTarget:
    """A target in integer microseconds, bound to the engine that measures it."""

    __slots__ = ("engine", "idle", "metric", "name", "target", "warn", "within")

    def __init__(self, target: SlaTarget, calendar: BusinessCalendar) -> None:
        self.target = target
        self.metric = metric_key(target.metric)
        self.name = target.name
        self.within = delta_us(target.within, "within")
        # The earliest instant elapsed time reaches f × within, rounded up to the
        # microsecond; f is read as the decimal it was written as (0.9, not the binary
        # double just below it, which would put the warning 1 µs late).
        self.warn = tuple(
            (f, -((-Fraction(repr(f)) * self.within) // 1)) for f in target.warn_at
        )
        self.engine = engine_of(calendar) if target.business_hours else None
        # The report's status of this target before its clock first starts: the same
        # value for every ticket, so the fold builds it once (invisible memoisation).
        self.idle: MetricStatus | None = None

    def span(self, a: int, b: int) -> int:
        """Time counted by this target's clock in ``[a, b)``, ``a <= b``."""
        eng = self.engine
        return b - a if eng is None else eng.between_us(a, b)

    def add(self, a: int, x: int) -> int:
        """The earliest instant ``t >= a`` with ``span(a, t) == x``."""
        eng = self.engine
        return a + x if eng is None else eng.add_us(a, x)


# A track is one run of cycles the fold keeps: a metric, the condition that stops
# it (None: the metric's own stopping events) and an ordinal among a policy's
# targets with the same two. The first four are each metric's own; then further
# targets of the built-in metrics; then the team's definitions (always last, so the
# tracks a solve stops are a prefix).
TrackKey = tuple[Metric | MetricDefinition, Condition | None, int]
_OWN_TRACKS: Final[tuple[TrackKey, ...]] = tuple((m, None, 0) for m in METRIC_ORDER)


def _track_keys(policy: SlaPolicy) -> list[TrackKey]:
    """The track of each of ``policy``'s targets, in its order."""
    seen: dict[tuple[Metric | MetricDefinition, Condition | None], int] = {}
    out = []
    for t in policy.targets:
        pair = (t.metric, t.stop_when)
        k = seen.get(pair, 0)
        seen[pair] = k + 1
        out.append((t.metric, t.stop_when, k))
    return out


def tracks_of(policies: Iterable[SlaPolicy]) -> tuple[TrackKey, ...]:
    """Every track the policies' targets need: each metric's own four first.

    Then the further targets of built-in metrics, then the definitions' tracks.
    """
    out = list(_OWN_TRACKS)
    defined: list[TrackKey] = []
    known = set(out)
    for policy in policies:
        for key in _track_keys(policy):
            if key not in known:
                known.add(key)
                (defined if isinstance(key[0], MetricDefinition) else out).append(key)
    return (*out, *defined)


# A further track, as the fold follows it: its index in the fold's cycles, the
# slot (in METRIC_ORDER) of the metric whose starts it follows, and the condition a
# stopping event must match (None: it stops when the metric's own does).
Extra = tuple[int, int, Condition | None, frozenset[str] | None]


def _kinds_needed(condition: Condition | None) -> frozenset[str] | None:
    """The event kinds a condition can match, when it says (``kind`` equals), else None.

    The fold skips the condition for other events: most events of most tickets
    cannot stop a "reply by the manager" target.
    """
    parts = condition.conditions if isinstance(condition, AllOf) else (condition,)
    for part in parts:
        if isinstance(part, Equals) and part.field == "kind":
            return frozenset({str(part.value)})
    return None


_PAUSABLE_SLOTS: Final = (2, 3)  # PERIODIC_UPDATE and RESOLUTION (rule 13)


def _extras(tracks: tuple[TrackKey, ...]) -> tuple[Extra, ...]:
    slot: dict[Metric | MetricDefinition, int] = {
        m: i for i, m in enumerate(METRIC_ORDER)
    }
    return tuple(
        (i, slot[metric], condition, _kinds_needed(condition))
        for i, (metric, condition, _k) in enumerate(tracks)
        if i >= len(METRIC_ORDER) and not isinstance(metric, MetricDefinition)
    )


# A definition's track as the fold runs it: its index in the fold's cycles, the
# definition, whether its conditions read the ticket's facts, its own pause statuses
# (None: the policy's), and the event kinds its conditions can match (None: any).
Defined = tuple[
    int, MetricDefinition, bool, frozenset[TicketStatus] | None, frozenset[str] | None
]


def kinds_matched(condition: object) -> frozenset[str] | None:
    """The event kinds ``condition`` can match, when its ``kind`` tests say; else None.

    The fold asks a definition's conditions only about events of these kinds.
    """
    kind = type(condition)
    if kind is Equals and condition.field == "kind":  # type: ignore[attr-defined]
        return frozenset({str(condition.value)})  # type: ignore[attr-defined]
    if kind is OneOf and condition.field == "kind":  # type: ignore[attr-defined]
        return frozenset(str(v) for v in condition.values)  # type: ignore[attr-defined]
    if kind is AllOf:
        pinned = [
            k
            for k in map(kinds_matched, condition.conditions)  # type: ignore[attr-defined]
            if k is not None
        ]
        return frozenset.intersection(*pinned) if pinned else None
    if kind is AnyOf:
        parts = [kinds_matched(c) for c in condition.conditions]  # type: ignore[attr-defined]
        if any(k is None for k in parts):
            return None
        return frozenset().union(*parts)  # type: ignore[arg-type]
    return None


def _defined(tracks: tuple[TrackKey, ...]) -> tuple[Defined, ...]:
    out = []
    for i, (metric, _c, _k) in enumerate(tracks):
        if isinstance(metric, MetricDefinition):
            start, stop = kinds_matched(metric.start_on), kinds_matched(metric.stop_on)
            kinds = None if start is None or stop is None else start | stop
            out.append((i, metric, metric.reads_ticket, metric.pause_on, kinds))
    return tuple(out)


class CompiledPolicy:
    """A policy's targets indexed by the policy set's tracks, ready for the fold."""

    __slots__ = (
        "index",
        "measured",
        "names",
        "pause_on",
        "policy",
        "targets",
        "timezone",
    )

    def __init__(
        self, policy: SlaPolicy, index: int, tracks: tuple[TrackKey, ...] = _OWN_TRACKS
    ) -> None:
        self.policy = policy
        self.index = index
        self.pause_on = policy.pause_on
        self.timezone = policy.calendar.timezone
        keys = _track_keys(policy)
        on = dict(zip(keys, policy.targets, strict=True))
        self.targets: tuple[CompiledTarget | None, ...] = tuple(
            None if key not in on else CompiledTarget(on[key], policy.calendar)
            for key in tracks
        )
        # (track, target) in track order, so metrics keep METRIC_ORDER; a report
        # lists targets in the policy's order (``names``, None when that is it).
        self.measured: tuple[tuple[int, CompiledTarget], ...] = tuple(
            (i, ct) for i, ct in enumerate(self.targets) if ct is not None
        )
        names = tuple(t.name for t in policy.targets)
        self.names = (
            None if names == tuple(ct.name for _, ct in self.measured) else names
        )


_MEMO_LIMIT: Final = 4096
_KEYED_TYPES: Final = frozenset({str, int, float, bool, type(None)})


def _typed_key(attributes: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """A memo key for ``attributes`` that only equal facts share, or None.

    ``True == 1 == 1.0`` and they hash alike, but conditions tell a bool from a number,
    so each value is keyed with its exact type. Anything but a plain scalar (lists,
    mappings, enum members, subclasses) is not memoised.
    """
    if not attributes:
        return ()
    out = []
    for k in sorted(attributes):
        v = attributes[k]
        t = type(v)
        if t not in _KEYED_TYPES:
            return None
        out.append((k, t, v))
    return tuple(out)


@_codec.value(
    shapes={"policies": _codec.Shape(tuple[SlaPolicy, ...], _to_policies, _same)}
)
@attrs.frozen
class PolicySet(_codec.Serialisable):
    """Policies in order; the first whose ``when`` matches a ticket applies.

    Args:
        policies: one or more [`SlaPolicy`][] with distinct names.

    Raises:
        InvalidArgumentError, InvalidTypeError, DuplicateIdError: bad policies.

    Examples:
        >>> import datetime as dt
        >>> from servicekit.sla import (
        ...     BusinessCalendar,
        ...     Metric,
        ...     PolicySet,
        ...     SlaPolicy,
        ...     SlaTarget,
        ... )
        >>> cal = BusinessCalendar.always_open("UTC")
        >>> first = SlaTarget(
        ...     metric=Metric.FIRST_RESPONSE, within=dt.timedelta(hours=1)
        ... )
        >>> ps = PolicySet(
        ...     [
        ...         SlaPolicy(
        ...             name="vip",
        ...             when={"tier": "high_value"},
        ...             calendar=cal,
        ...             targets=[first],
        ...         ),
        ...         SlaPolicy(name="everyone", calendar=cal, targets=[first]),
        ...     ]
        ... )
        >>> ps.select({"tier": "ordinary"}).name
        'everyone'
    """

    policies: tuple[SlaPolicy, ...] = attrs.field(converter=_to_policies)
    _compiled: tuple[CompiledPolicy, ...] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _tracks: tuple[TrackKey, ...] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _extras: tuple[Extra, ...] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _pausable: tuple[int, ...] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    # Whether the fold must note each event's effect on the metrics further tracks
    # follow: not when every one is a conditional FIRST_RESPONSE track (one cycle,
    # from CREATED; only its own events stop it).
    marked: bool = attrs.field(init=False, repr=False, eq=False, hash=False)
    # The event kinds further tracks must see; every kind when some track needs
    # them all (marked, or a condition that does not name its kind). Others cannot
    # start or stop one, so the fold skips following them.
    follow_kinds: frozenset[str] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    _memo: dict[tuple[Any, ...], int] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    # Invisible memoisation of further tracks' stop conditions on events without
    # attributes, whose facts are only their kind and status: (track, kind, status).
    _stop_memo: dict[tuple[int, str, str | None], bool] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    # The same for track -1 (any track), by (kind, status): the fold reads it for
    # every followed event without attributes, before it calls ``stops_bare``.
    _any_stop_memo: dict[tuple[str, str | None], bool] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _keyed_attributes: tuple[str, ...] | None = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    # The team's definitions the targets measure, as the fold runs them, and the
    # index of the first one's track (the tracks before it are the ones a solve
    # stops, rule 12; a definition stops only on its own stop_on).
    defined: tuple[Defined, ...] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    first_defined: int = attrs.field(init=False, repr=False, eq=False, hash=False)
    # Invisible memoisation of definitions' conditions on events without
    # attributes, for definitions that read only the event: (track, kind, status).
    _defined_memo: dict[int, dict[tuple[Any, Any], tuple[bool, bool]]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    # The event kinds some definition's conditions can match (every kind if one
    # names none): the fold skips others unless they may pause or resume a clock.
    defined_kinds: frozenset[str] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        tracks = tracks_of(self.policies)
        extras = _extras(tracks)
        defined = _defined(tracks)
        object.__setattr__(self, "_tracks", tracks)
        object.__setattr__(self, "_extras", extras)
        object.__setattr__(self, "defined", defined)
        object.__setattr__(
            self, "first_defined", defined[0][0] if defined else len(tracks)
        )
        object.__setattr__(self, "_defined_memo", {d[0]: {} for d in defined})
        every = frozenset(m.value for m in EventKind)
        object.__setattr__(
            self,
            "defined_kinds",
            frozenset().union(*(every if d[4] is None else d[4] for d in defined)),
        )
        object.__setattr__(
            self,
            "marked",
            any(c is None or base != 0 for _i, base, c, _k in extras),
        )
        kinds: set[str] = set()
        for _i, _base, _c, needed in extras:
            kinds |= {m.value for m in EventKind} if needed is None else needed
        object.__setattr__(
            self,
            "follow_kinds",
            frozenset(m.value for m in EventKind) if self.marked else frozenset(kinds),
        )
        object.__setattr__(
            self,
            "_pausable",
            _PAUSABLE_SLOTS
            + tuple(i for i, base, _, _k in extras if base in _PAUSABLE_SLOTS),
        )
        object.__setattr__(
            self,
            "_compiled",
            tuple(CompiledPolicy(p, i, tracks) for i, p in enumerate(self.policies)),
        )
        # Invisible memoisation of select_index by the facts, which are immutable.
        object.__setattr__(self, "_memo", {})
        object.__setattr__(self, "_stop_memo", {})
        object.__setattr__(self, "_any_stop_memo", {})
        object.__setattr__(self, "_keyed_attributes", self._attributes_read())

    def _attributes_read(self) -> tuple[str, ...] | None:
        """The attribute names the policies' conditions read, or None if unknown.

        The memo keys on these attributes only, so tickets that differ in facts no
        policy looks at (a customer's city, say) share one entry. None (a condition
        of the caller's own, or one reading ``attributes`` whole) keys on them all.
        """
        names: set[str] = set()
        for policy in self.policies:
            fields = fields_read(policy.when)
            if fields is None:
                return None
            for field in fields:
                head, _, rest = field.partition(".")
                if head == "attributes":
                    if not rest:
                        return None
                    names.add(rest.partition(".")[0])
        return tuple(sorted(names))

    def __getstate__(self) -> dict[str, Any]:
        # The compiled form points at calendar engines: ship the policies only.
        return {"policies": self.policies}

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "policies", state["policies"])
        self.__attrs_post_init__()

    @property
    def tracks(self) -> tuple[TrackKey, ...]:
        """The fold's tracks: each metric's own, then those of further targets."""
        return self._tracks

    @property
    def extras(self) -> tuple[Extra, ...]:
        """The tracks beyond each metric's own, as the fold follows them."""
        return self._extras

    @property
    def pausable(self) -> tuple[int, ...]:
        """The tracks that pause with the ticket's status (rule 13)."""
        return self._pausable

    def stops_bare(
        self, track: int, kind: EventKind, status: TicketStatus | None
    ) -> bool:
        """Whether an attribute-less event of this kind and status stops a track.

        ``track`` is a further track's index, or -1 for any of them. Such an
        event's facts are only its kind and status, so the answer is
        remembered per (track, kind, status) (invisible memoisation): the fold asks
        with -1 before following an event at all, then per track.
        """
        key = (track, kind, status)
        known = self._stop_memo.get(key)
        if known is None:
            facts: dict[str, Any] = {"kind": kind, "attributes": {}}
            if status is not None:
                facts["status"] = status
            known = self._stop_memo[key] = any(
                condition is not None
                and (needed is None or kind in needed)
                and condition.matches(facts)
                for i, _base, condition, needed in self._extras
                if track in {-1, i}
            )
            if track == -1:
                self._any_stop_memo[kind, status] = known
        return known

    def defined_bare(
        self,
        track: int,
        definition: MetricDefinition,
        key: tuple[EventKind, TicketStatus | None],
    ) -> tuple[bool, bool]:
        """Whether an event without attributes stops, and starts, a definition.

        ``key`` is the event's (kind, status): all its facts when the definition
        reads nothing of the ticket, so the answer is remembered per track and key
        (invisible memoisation).
        """
        memo = self._defined_memo[track]
        known = memo.get(key)
        if known is None:
            kind, status = key
            facts: dict[str, Any] = {"kind": kind, "attributes": {}}
            if status is not None:
                facts["status"] = status
            known = memo[key] = (
                definition.stop_on.matches(facts),
                definition.start_on.matches(facts),
            )
        return known

    def compiled(self, index: int) -> CompiledPolicy:
        """The integer form of the policy at ``index`` (for the clocks)."""
        return self._compiled[index]

    def __iter__(self) -> Any:
        return iter(self.policies)

    def __len__(self) -> int:
        return len(self.policies)

    def select(self, facts: Mapping[str, Any]) -> SlaPolicy:
        """Return the first policy matching ``facts``.

        Raises:
            NoMatchingPolicyError: no policy matches; the message names the facts.
        """
        return self.policies[self.select_index(facts)]

    def select_index(self, facts: Mapping[str, Any]) -> int:
        """Return the position of the first policy matching ``facts``.

        Raises:
            NoMatchingPolicyError: no policy matches.
        """
        for i, p in enumerate(self.policies):
            if p.when.matches(facts):
                return i
        shown = {k: (str(v) if isinstance(v, str) else v) for k, v in facts.items()}
        names = ", ".join(p.name for p in self.policies)
        msg = (
            f"no SLA policy matches a ticket with facts {shown!r} (tried: {names}); "
            "add a catch-all policy with when=None at the end"
        )
        said_as = said("error.sla.no_policy_matches", facts=repr(shown), tried=names)
        raise NoMatchingPolicyError(msg, message=said_as)

    def index_for(
        self,
        priority: Priority | None,
        tier: Tier | None,
        channel: Channel | None,
        category: str | None,
        attributes: Mapping[str, Any],
    ) -> int:
        """[`select_index`][] of these facts, memoised (the clocks' hot path)."""
        keyed = self._keyed_attributes
        if keyed is None:
            typed = _typed_key(attributes)
        elif not keyed:  # no condition reads an attribute (SERVICE_STANDARD)
            typed = ()
        else:
            typed = _typed_key({k: attributes[k] for k in keyed if k in attributes})
        if typed is None:  # a value the memo cannot key safely (a list, a dict)
            return self.select_index(
                facts_of(priority, tier, channel, category, attributes)
            )
        key = (priority, tier, channel, category, typed)
        memo = self._memo
        found = memo.get(key)
        if found is not None:
            return found
        i = self.select_index(facts_of(priority, tier, channel, category, attributes))
        if len(memo) < _MEMO_LIMIT:
            memo[key] = i
        return i


# ---------------------------------------------------------------------------- events

# Which optional fields each event kind carries, and which it requires.
_CARRIES: Final[dict[EventKind, frozenset[str]]] = {
    EventKind.CREATED: frozenset(
        {"priority", "tier", "channel", "category", "attributes"}
    ),
    # Elsewhere, attributes are the event's own facts (who replied, a clear
    # answer), read by targets' stop_when; they never change the ticket's facts.
    EventKind.CUSTOMER_MESSAGE: frozenset({"attributes"}),
    EventKind.AGENT_REPLY: frozenset({"attributes"}),
    EventKind.STATUS_CHANGED: frozenset({"status", "attributes"}),
    EventKind.PRIORITY_CHANGED: frozenset({"priority", "attributes"}),
    EventKind.TIER_CHANGED: frozenset({"tier", "attributes"}),
    EventKind.REOPENED: frozenset({"attributes"}),
    EventKind.CUSTOMER_NOTIFIED: frozenset({"attributes"}),
    EventKind.SURVEY_SENT: frozenset({"attributes"}),
    # Any of the ticket's facts; the attributes named are replaced, the rest kept.
    EventKind.FACTS_CHANGED: frozenset(
        {"priority", "tier", "channel", "category", "attributes"}
    ),
}
_REQUIRES: Final[dict[EventKind, str]] = {
    EventKind.STATUS_CHANGED: "status",
    EventKind.PRIORITY_CHANGED: "priority",
    EventKind.TIER_CHANGED: "tier",
}
_OPTIONAL_FIELDS: Final[tuple[str, ...]] = (
    "priority",
    "tier",
    "channel",
    "category",
    "status",
)
_FACTS_CHANGED_FIELDS: Final = ("priority", "tier", "channel", "category")
_NOT_CARRIED: Final = {
    kind: tuple(f for f in _OPTIONAL_FIELDS if f not in carries)
    for kind, carries in _CARRIES.items()
}


def _to_priority(value: object) -> Priority | None:
    if value is None or type(value) is Priority:
        return value
    return parse_member(Priority, value)


def _to_tier(value: object) -> Tier | None:
    if value is None or type(value) is Tier:
        return value
    return parse_member(Tier, value)


def _to_channel(value: object) -> Channel | None:
    if value is None or type(value) is Channel:
        return value
    return Channel.parse(value)


def _to_status(value: object) -> TicketStatus | None:
    if value is None or type(value) is TicketStatus:
        return value
    return TicketStatus.parse(value)


def _to_category(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        msg = f"category must be a non-empty string or None; got {value!r}"
        said_as = said("error.sla.category_type", value=repr(value))
        raise InvalidTypeError(msg, message=said_as)
    return value


def _to_attributes(value: object) -> Mapping[str, Any]:
    if type(value) is _FrozenDict:
        return value  # built by _json_mapping: frozen and checked already
    if type(value) is dict and not value:
        return _NO_ATTRIBUTES
    if not isinstance(value, Mapping):
        msg = (
            f"attributes must be a mapping of names to JSON values; got {quote(value)}"
        )
        said_as = said("error.sla.attributes_not_mapping", value=quote(value))
        raise InvalidTypeError(msg, message=said_as)
    check_depth(value, "attributes", stored=False)
    return _json_mapping(value, "attributes")


def _json_mapping(value: Mapping[Any, Any], path: str) -> _FrozenDict:
    out = {}
    for k, v in value.items():
        if not isinstance(k, str):
            msg = f"{path} names must be strings; got {k!r}"
            said_as = said("error.sla.attribute_name_type", path=path, key=repr(k))
            raise InvalidTypeError(msg, message=said_as)
        out[k] = _json_value(v, f"{path}.{k}")
    return _FrozenDict(out)


def _json_value(value: object, path: str) -> Any:
    """A JSON value, frozen: lists become tuples and objects read-only dicts.

    So an event's attributes survive ``to_dict`` → JSON → ``from_dict`` unchanged.
    """
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            msg = (
                f"{path} is {value!r}, which JSON cannot hold and which equals nothing"
            )
            said_as = said(
                "error.sla.attribute_not_finite", path=path, value=repr(value)
            )
            raise InvalidArgumentError(msg, message=said_as)
        return value
    if isinstance(value, list | tuple):
        return tuple(_json_value(v, f"{path}[{i}]") for i, v in enumerate(value))
    if isinstance(value, Mapping):
        return _json_mapping(value, path)
    msg = (
        f"{path} must be a JSON value (string, number, boolean, None, list or mapping); "
        f"got {type(value).__name__} {value!r}"
    )
    said_as = said(
        "error.sla.attribute_not_json",
        path=path,
        type=type(value).__name__,
        value=repr(value),
    )
    raise InvalidTypeError(msg, message=said_as)


def plain_json(value: Any) -> Any:
    """The JSON-native form of a frozen JSON value."""
    if isinstance(value, tuple):
        return [plain_json(v) for v in value]
    if isinstance(value, Mapping):
        return {k: plain_json(v) for k, v in value.items()}
    return value


class _FrozenDict(dict[str, Any]):
    """A read-only dict, so an event's attributes cannot change after it is built."""

    __slots__ = ()

    def _readonly(self, *_a: object, **_k: object) -> Any:
        msg = "a TicketEvent's attributes are read-only; build a new event"
        said_as = said("error.sla.attributes_read_only")
        raise InvalidTypeError(msg, message=said_as)

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _readonly
    __ior__ = _readonly

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items(), key=lambda kv: kv[0])))

    def __reduce__(self) -> Any:
        return (_FrozenDict, (dict(self),))


_NO_ATTRIBUTES: Final = _FrozenDict()


# The instants every zone can show as a datetime (DESIGN §2: no bare OverflowError).
FIRST_US: Final = instant_us(dt.datetime(1, 1, 2, tzinfo=dt.UTC), "bound")
LAST_US: Final = instant_us(dt.datetime(9999, 12, 30, tzinfo=dt.UTC), "bound")


def _at_key(value: dt.datetime) -> int:
    return instant_us(value, "at")


def _read_at(data: object, _: object) -> dt.datetime:
    at = _codec.read_instant(data, dt.datetime)
    # Only the first and last years can hold an instant a zone cannot show.
    if not 1 < at.year < 9999:
        _check_range(at)
    return at


def _check_range(at: dt.datetime) -> int:
    us = instant_us(at, "TicketEvent.at")
    if not FIRST_US <= us <= LAST_US:
        msg = (
            f"TicketEvent.at {at.isoformat()} is outside the years a datetime can show "
            "in every zone (0001-01-02 … 9999-12-30 UTC); use a real instant"
        )
        said_as = said("error.sla.event_out_of_range", at=at.isoformat())
        raise CalendarRangeError(msg, message=said_as)
    return us


def _read_category(data: object, _: object) -> str | None:
    if data is not None and type(data) is not str:
        raise _codec.ExpectedError("text or null", data)
    return _to_category(data)


def _read_attributes(data: object, _: object) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise _codec.ExpectedError("an object of names to JSON values", data)
    if not data:
        return _NO_ATTRIBUTES
    # The codec has refused data nested too deeply before any hook runs.
    return _json_mapping(data, "attributes")


@_codec.value(
    hooks={
        "at": (_read_at, None),
        "category": (_read_category, None),
        "attributes": (_read_attributes, plain_json),
    }
)
@keeps_instants
# No __weakref__ slot: the quick reader (_event_json) builds events by __class__
# assignment, which Python 3.11 refuses for a slotted class that has one.
@attrs.frozen(kw_only=True, weakref_slot=False)
class TicketEvent(_codec.Serialisable):
    """One thing that happened to a ticket, at an instant.

    Args:
        at: an aware datetime (naive raises ``NaiveDatetimeError``).
        kind: what happened.
        priority: the priority (``CREATED`` and ``PRIORITY_CHANGED``).
        tier: the customer tier (``CREATED`` and ``TIER_CHANGED``).
        channel: the channel (``CREATED``).
        category: a free-form category such as ``"logistics"`` (``CREATED``).
            ``FACTS_CHANGED`` carries any of priority, tier, channel, category and
            attributes (at least one): the new facts, for which the policy is
            selected again (rule 6); the attributes it names replace the ticket's,
            the others stay.
        status: the new status (``STATUS_CHANGED``).
        attributes: further facts: on ``CREATED`` the ticket's, for policy
            conditions (``attributes.<name>``); on any other event the event's own
            (who replied, a clear answer), for targets' ``stop_when``.

    Equality compares instants, not wall clocks.

    Raises:
        InvalidEventError: a field the kind does not carry, or a missing one.

    Examples:
        >>> import pendulum
        >>> from servicekit import Priority
        >>> from servicekit.sla import EventKind, TicketEvent
        >>> e = TicketEvent(
        ...     at=pendulum.datetime(2025, 1, 24, 17, 40, tz="Asia/Shanghai"),
        ...     kind=EventKind.CREATED,
        ...     priority=Priority.URGENT,
        ...     attributes={"city": "Hohhot"},
        ... )
        >>> TicketEvent.from_dict(e.to_dict()) == e
        True
    """

    at: dt.datetime = attrs.field(eq=_at_key)
    kind: EventKind = attrs.field(converter=_to_kind)
    priority: Priority | None = attrs.field(default=None, converter=_to_priority)
    tier: Tier | None = attrs.field(default=None, converter=_to_tier)
    channel: Channel | None = attrs.field(default=None, converter=_to_channel)
    category: str | None = attrs.field(default=None, converter=_to_category)
    status: TicketStatus | None = attrs.field(default=None, converter=_to_status)
    attributes: Mapping[str, Any] = attrs.field(
        factory=dict, converter=_to_attributes, hash=False
    )
    _us: int = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        # Raises for non-datetimes and naive ones, before anything else is checked.
        object.__setattr__(self, "_us", _check_range(self.at))
        for name in _NOT_CARRIED[self.kind]:
            if getattr(self, name) is not None:
                msg = f"a {self.kind.name} event does not carry {name}; drop it or use another event kind"
                said_as = said(
                    "error.sla.event_does_not_carry", kind=self.kind.name, field=name
                )
                raise InvalidEventError(msg, message=said_as)
        if self.kind is EventKind.FACTS_CHANGED and not (
            self.attributes
            or any(getattr(self, f) is not None for f in _FACTS_CHANGED_FIELDS)
        ):
            msg = (
                "a FACTS_CHANGED event needs at least one fact: priority, tier, "
                "channel, category or attributes"
            )
            raise InvalidEventError(msg, message=said("error.sla.facts_changed_empty"))
        needed = _REQUIRES.get(self.kind)
        if needed is not None and getattr(self, needed) is None:
            msg = f"a {self.kind.name} event needs {needed}=…"
            said_as = said("error.sla.event_needs", kind=self.kind.name, field=needed)
            raise InvalidEventError(msg, message=said_as)

    def moved_to(self, at: dt.datetime) -> Self:
        """Return the same event at another instant; only the new instant is checked.

        Every other field was checked when this event was built, so a generator that
        stamps one kind of event on many instants can build it once and move it, at
        a fraction of the cost of building each (or of ``attrs.evolve``, which runs
        every converter again).

        Raises:
            NaiveDatetimeError: ``at`` has no time zone.
            CalendarRangeError: ``at`` is outside the years an event may hold.

        Examples:
            >>> import pendulum
            >>> from servicekit.sla import EventKind, TicketEvent
            >>> reply = TicketEvent(
            ...     at=pendulum.datetime(2025, 1, 24, 9, tz="UTC"),
            ...     kind=EventKind.AGENT_REPLY,
            ... )
            >>> later = pendulum.datetime(2025, 1, 24, 10, tz="UTC")
            >>> reply.moved_to(later) == TicketEvent(
            ...     at=later, kind=EventKind.AGENT_REPLY
            ... )
            True
        """
        return moved_event(self, at, _check_range(at))


_E = TypeVar("_E", bound=TicketEvent)


def moved_event(event: _E, at: dt.datetime, us: int) -> _E:
    """``event`` at ``at``, which is ``us`` microseconds since the epoch; unchecked.

    Private: the caller vouches that ``at`` is aware, within the years an event may
    hold, and that ``us`` is its ``instant_us`` (``TicketEvent.moved_to`` checks and
    then calls this; tests/sla/test_event_moved_to.py compares the two).
    """
    moved = object.__new__(type(event))
    for get, put in _EVENT_COPIED:
        put(moved, get(event))
    _SET_AT(moved, at)
    _SET_US(moved, us)
    return moved


def _slot(name: str) -> Any:
    """The slot descriptor of ``TicketEvent``'s field ``name`` (frozen: set through it)."""
    return inspect.getattr_static(TicketEvent, name)


# The fields a moved event copies as they are (all but its instant), as their slots'
# getters and setters: cheaper than getattr and object.__setattr__ by name.
_EVENT_SLOTS: Final = tuple(
    a.name for a in attrs.fields(TicketEvent) if a.name not in {"at", "_us"}
)
_EVENT_COPIED: Final = tuple(
    (_slot(name).__get__, _slot(name).__set__) for name in _EVENT_SLOTS
)
_SET_AT: Final = _slot("at").__set__
_SET_US: Final = _slot("_us").__set__


def merged_attributes(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> Mapping[str, Any]:
    """``old`` with the attributes ``new`` names replaced (both frozen already)."""
    return _FrozenDict({**old, **new})


def facts_of(
    priority: Priority | None,
    tier: Tier | None,
    channel: Channel | None,
    category: str | None,
    attributes: Mapping[str, Any],
) -> dict[str, Any]:
    """The facts policy conditions see; unknown facts are absent, not None."""
    out: dict[str, Any] = {"attributes": attributes}
    if priority is not None:
        out["priority"] = priority
    if tier is not None:
        out["tier"] = tier
    if channel is not None:
        out["channel"] = channel
    if category is not None:
        out["category"] = category
    return out


# The quick reader builds the class above, so it is imported after it (issue 13).
from servicekit.sla._event_json import read_event  # noqa: E402

_codec.quick_reader(TicketEvent, read_event)
