"""The entry points of the SLA clocks: evaluate a log, or keep a clock and feed it.

[`evaluate`][] and [`evaluate_many`][] fold whole event logs; [`SlaClock`][] keeps
the fold of the events so far and takes new ones as they arrive. The engine is in
``_fold``, the reports it gives in ``_report``. This module must never read the
clock or do I/O: "now" is a parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Self

import attrs

from servicekit import _codec
from servicekit.errors import InvalidTypeError
from servicekit.sla._fold import Fold, fold_events
from servicekit.sla._instants import instant_us
from servicekit.sla._model import PolicySet, SlaPolicy, TicketEvent
from servicekit.sla._report import Alert, AlertKind, MetricStatus, SlaReport
from servicekit.sla._stored_clock import StoredClock, restored_fold, stored_clock
from servicekit.sla._timeline import datetime_at

if TYPE_CHECKING:
    import datetime as dt

    import pendulum

__all__ = [
    "Alert",
    "AlertKind",
    "MetricStatus",
    "SlaClock",
    "SlaReport",
    "evaluate",
    "evaluate_many",
]


def _policy_set(policies: object) -> PolicySet:
    if isinstance(policies, PolicySet):
        return policies
    if isinstance(policies, SlaPolicy):
        return PolicySet([policies])
    msg = f"policies must be a PolicySet or an SlaPolicy; got {type(policies).__name__}"
    raise InvalidTypeError(msg)


def evaluate(
    policies: PolicySet | SlaPolicy, events: Iterable[TicketEvent], now: dt.datetime
) -> SlaReport:
    """Return every SLA metric of one ticket at ``now``, from its event log.

    Args:
        policies: a [`PolicySet`][] (first match wins) or one [`SlaPolicy`][].
        events: the ticket's events in any order; sorted by instant, ties in input
            order.
        now: an aware datetime at or after the last event.

    Raises:
        InvalidEventError: no CREATED first, a second CREATED, an event after ``now``,
            or an impossible status change.
        NoMatchingPolicyError: no policy matches the ticket's facts.
        InvalidTypeError: an argument of the wrong type.
        NaiveDatetimeError: ``now`` has no time zone.

    Examples:
        >>> import pendulum
        >>> from servicekit.sla import EventKind, Metric, TicketEvent, evaluate
        >>> from servicekit.sla.presets import SERVICE_STANDARD
        >>> t0 = pendulum.datetime(2025, 3, 3, 10, tz="Asia/Shanghai")
        >>> report = evaluate(
        ...     SERVICE_STANDARD,
        ...     [TicketEvent(at=t0, kind=EventKind.CREATED, priority="normal")],
        ...     t0.add(minutes=40),
        ... )
        >>> report.metrics[Metric.FIRST_RESPONSE].state.value
        'breached'
    """
    ps = _policy_set(policies)
    n = instant_us(now, "now")
    return fold_events(ps, events).report(n)


def evaluate_many(
    policies: PolicySet | SlaPolicy,
    histories: Iterable[Iterable[TicketEvent]],
    now: dt.datetime,
) -> Iterator[SlaReport]:
    """Yield [`evaluate`][] of each ticket's events, lazily and in order.

    The policies' calendars are precomputed once and shared, and everything pickles,
    so the same call runs inside a Dask or Spark partition.

    Raises:
        InvalidEventError: a ticket's log is impossible (see [`evaluate`][]); raised
            when that ticket is reached, after the reports before it.
        NoMatchingPolicyError: no policy matches a ticket's facts, likewise.

    Examples:
        >>> import pendulum
        >>> from servicekit.sla import EventKind, TicketEvent, evaluate_many
        >>> from servicekit.sla.presets import SERVICE_STANDARD
        >>> t0 = pendulum.datetime(2025, 3, 3, 10, tz="Asia/Shanghai")
        >>> logs = [
        ...     [TicketEvent(at=t0, kind=EventKind.CREATED, priority=p)]
        ...     for p in ("urgent", "normal")
        ... ]
        >>> [r.policy for r in evaluate_many(SERVICE_STANDARD, logs, t0)]
        ['urgent', 'standard']
    """
    ps = _policy_set(policies)
    n = instant_us(now, "now")
    return _reports(ps, histories, n)


def _reports(
    ps: PolicySet, histories: Iterable[Iterable[TicketEvent]], n: int
) -> Iterator[SlaReport]:
    for events in histories:
        yield fold_events(ps, events).report(n)


def _clock_of(stored: StoredClock) -> SlaClock:
    return SlaClock(stored.policies, restored_fold(stored))


def _stored(clock: SlaClock) -> StoredClock:
    return stored_clock(clock.policies, clock._fold)  # noqa: SLF001 -- this module's own class


@_codec.value(form=_codec.Shape(StoredClock, _clock_of, _stored))
@attrs.frozen(eq=False)
class SlaClock(_codec.Serialisable):
    """A ticket's clocks after the events so far: apply new events as they arrive.

    ``SlaClock.start(policies, events).apply(more).report(now)`` equals
    ``evaluate(policies, events + more, now)`` when ``more`` comes in time order after
    ``events``; the clock never replays what it has seen. Applying returns a new clock
    and leaves this one as it was. Clocks compare by identity; compare their reports.

    Examples:
        >>> import pendulum
        >>> from servicekit.sla import EventKind, Metric, SlaClock, TicketEvent
        >>> from servicekit.sla.presets import SERVICE_STANDARD
        >>> t0 = pendulum.datetime(2025, 3, 3, 10, tz="Asia/Shanghai")
        >>> clock = SlaClock.start(
        ...     SERVICE_STANDARD, [TicketEvent(at=t0, kind=EventKind.CREATED)]
        ... )
        >>> later = clock.apply(
        ...     [TicketEvent(at=t0.add(minutes=5), kind=EventKind.AGENT_REPLY)]
        ... )
        >>> later.report(t0.add(minutes=6)).metrics[Metric.FIRST_RESPONSE].state.value
        'met'
        >>> clock.report(t0.add(minutes=6)).metrics[Metric.FIRST_RESPONSE].state.value
        'running'
    """

    policies: PolicySet
    _fold: Fold = attrs.field(eq=False, repr=False)

    @classmethod
    def start(
        cls, policies: PolicySet | SlaPolicy, events: Iterable[TicketEvent]
    ) -> SlaClock:
        """Fold ``events`` (any order; CREATED among them) into a new clock.

        Raises:
            InvalidEventError: the log is impossible (see [`evaluate`][]).
            NoMatchingPolicyError: no policy matches the ticket's facts.
        """
        ps = _policy_set(policies)
        return cls(ps, fold_events(ps, events))

    @property
    def last_event_at(self) -> pendulum.DateTime:
        """The instant of the latest event applied."""
        return datetime_at(self._fold.last, self._fold.policy.timezone)

    def apply(self, events: Iterable[TicketEvent]) -> SlaClock:
        """Return the clock after ``events``, which must not precede [`last_event_at`][].

        Raises:
            InvalidEventError: an event earlier than one already applied, or one the
                ticket's state does not allow; this clock is unchanged.
        """
        if isinstance(events, TicketEvent):
            events = (events,)
        given: object = events
        if type(given) is not tuple and not isinstance(given, Iterable):
            msg = f"events must be a TicketEvent or a list of them; got {given!r}"
            raise InvalidTypeError(msg)
        fold = self._fold.copy()
        for e in given:
            if not isinstance(e, TicketEvent):
                msg = f"each event must be a TicketEvent; got {e!r}"
                raise InvalidTypeError(msg)
            fold.apply(e)
        return SlaClock(self.policies, fold)

    def report(self, now: dt.datetime) -> SlaReport:
        """Return the report at ``now`` (not before the last event)."""
        return self._fold.report(instant_us(now, "now"))

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-native data: the policy set and the clocks' state.

        Store it instead of the event log; [`from_dict`][] gives back a clock whose
        reports, and whatever events it is given next, are those of the original.

        Examples:
            >>> import json, pendulum
            >>> from servicekit.sla import EventKind, SlaClock, TicketEvent
            >>> from servicekit.sla.presets import SERVICE_STANDARD
            >>> t0 = pendulum.datetime(2025, 3, 3, 10, tz="Asia/Shanghai")
            >>> clock = SlaClock.start(
            ...     SERVICE_STANDARD, [TicketEvent(at=t0, kind=EventKind.CREATED)]
            ... )
            >>> stored = json.dumps(clock.to_dict())
            >>> again = SlaClock.from_dict(json.loads(stored))
            >>> again.report(t0.add(hours=1)) == clock.report(t0.add(hours=1))
            True
        """
        return super().to_dict()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Rebuild a clock from [`to_dict`][servicekit.sla.SlaClock.to_dict] data.

        The stored state is checked as a whole: state no event log could produce
        (a CLOSED ticket whose resolution clock runs, a stretch after the last
        event) is refused, naming the field.

        Raises:
            DeserializationError: the data does not describe a clock; the message
                names the JSON path and what was expected there.
        """
        return _codec.from_data(cls, data)
