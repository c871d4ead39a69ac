"""What an SLA clock reports: alerts, each metric's status, and the ticket's report.

These are the values [`evaluate`][servicekit.sla.evaluate] and
[`SlaClock.report`][servicekit.sla.SlaClock.report] return. They hold their instants
as integer microseconds since the epoch and show them as datetimes in the policy
calendar's zone only when asked, so a fold builds a report without a datetime per
alert. This module must never read the clock or do I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Self, TypeVar

import attrs

from servicekit import _codec
from servicekit._vocabulary import NamedEnum
from servicekit.errors import (
    CalendarRangeError,
    DeserializationError,
    InvalidArgumentError,
)
from servicekit.messages import Message
from servicekit.sla._instants import delta_us, instant_us, zone_named
from servicekit.sla._model import (
    FIRST_US,
    LAST_US,
    METRIC_ORDER,
    Metric,
    MetricState,
    SlaTarget,
    TicketStatus,
    _FrozenDict,
    metric_name,
    metric_of_name,
)
from servicekit.sla._timeline import datetime_at
from servicekit.sla._unseal import sealed_copy, unsealing_works

if TYPE_CHECKING:
    import pendulum

__all__ = ["Alert", "AlertKind", "MetricStatus", "SlaReport"]

_ONE_US: Final = dt.timedelta(microseconds=1)
_T = TypeVar("_T")


class AlertKind(NamedEnum):
    """A warning threshold or the breach.

    Examples:
        >>> from servicekit.sla import AlertKind
        >>> AlertKind.parse("breach")
        <AlertKind.BREACH: 'breach'>
    """

    WARNING = "warning"
    BREACH = "breach"


def _to_alerts(value: Iterable[Alert]) -> tuple[Alert, ...]:
    return tuple(value)


def _same(value: _T) -> _T:
    return value


# ------------------------------------------------------------------ the JSON forms
#
# A value holds its instants as epoch microseconds, shown in its zone on demand; its
# JSON form is a record of what it shows (instants with the zone's offset), read and
# written by the one codec. Inside a report, alerts and statuses leave their zone out:
# it is the report's.


def _in_range(at: dt.datetime) -> dt.datetime:
    # Only the first and last years can hold an instant a zone cannot show.
    if not 1 < at.year < 9999 and not FIRST_US <= instant_us(at, "at") <= LAST_US:
        msg = (
            f"the instant {at.isoformat()} is outside the years a datetime can show "
            "in every zone (0001-01-02 … 9999-12-30 UTC)"
        )
        raise CalendarRangeError(msg)
    return at


def _maybe_in_range(at: dt.datetime | None) -> dt.datetime | None:
    return None if at is None else _in_range(at)


def _checked_zone(name: str | None) -> str | None:
    if name is not None:
        zone_named(name)
    return name


def _checked_count(n: int) -> int:
    if n < 0:
        msg = f"a count must be >= 0; got {n}"
        raise InvalidArgumentError(msg)
    return n


def _checked_threshold(fraction: float) -> float:
    if not 0 < fraction <= 1:
        msg = f"a threshold is a fraction in (0, 1]; got {fraction}"
        raise InvalidArgumentError(msg)
    return fraction


def _checked_elapsed(elapsed: dt.timedelta) -> dt.timedelta:
    if not dt.timedelta(0) <= elapsed <= _LONGEST:
        msg = "elapsed time runs from zero to the span of the datetime range"
        raise InvalidArgumentError(msg)
    return elapsed


def _checked_name(name: str) -> str:
    if not name.strip():
        msg = "a report names the policy it applied; got an empty name"
        raise InvalidArgumentError(msg)
    return name


def instant_key(at: dt.datetime | None) -> int | None:
    """A stored instant's equality key: the instant, whatever the zone it is shown in."""
    # By instant: inside a repeated hour, == between zones is always False (PEP 495).
    return None if at is None else instant_us(at, "at")


_LONGEST: Final = dt.timedelta(microseconds=LAST_US - FIRST_US)
STORED_INSTANT: Final = _codec.Shape(dt.datetime, _in_range, _same)
STORED_MAYBE_INSTANT: Final = _codec.Shape(dt.datetime | None, _maybe_in_range, _same)
_ZONE: Final = _codec.Shape(str, _checked_zone, _same)
_MAYBE_ZONE: Final = _codec.Shape(str | None, _checked_zone, _same)
_COUNT: Final = _codec.Shape(int, _checked_count, _same)
# A built-in metric by its value, a team's (MetricDefinition) by its name.
_METRIC: Final = _codec.Shape(str, metric_of_name, metric_name)


@_codec.value(
    omit_if_default=("timezone", "target"),
    shapes={
        "metric": _METRIC,
        "threshold": _codec.Shape(float, _checked_threshold, _same),
        "cycle": _COUNT,
        "at": STORED_INSTANT,
        "timezone": _MAYBE_ZONE,
    },
)
@attrs.frozen(kw_only=True)
class _AlertRecord(_codec.Serialisable):
    """An [`Alert`][] as JSON; ``timezone`` is None inside a report (the report's).

    ``target`` is None for a target named after its metric (as before issue 14).
    """

    kind: AlertKind
    metric: Metric | str
    threshold: float
    cycle: int
    at: dt.datetime = attrs.field(eq=instant_key)
    timezone: str | None = None
    target: str | None = None


@_codec.value(
    omit_if_default=("timezone",),
    shapes={
        "metric": _METRIC,
        "cycles": _COUNT,
        "breached_cycles": _COUNT,
        "started_at": STORED_MAYBE_INSTANT,
        "due_at": STORED_MAYBE_INSTANT,
        "breached_at": STORED_MAYBE_INSTANT,
        "stopped_at": STORED_MAYBE_INSTANT,
        "elapsed": _codec.Shape(dt.timedelta, _checked_elapsed, _same),
        "timezone": _MAYBE_ZONE,
    },
)
@attrs.frozen(kw_only=True)
class _StatusRecord(_codec.Serialisable):
    """A [`MetricStatus`][] as JSON; ``remaining`` and ``percent_used`` are derived.

    They are written for readers of the data; read back, each must be what the
    other fields give (so an edited copy is refused, not silently recomputed).
    """

    metric: Metric | str
    state: MetricState
    target: SlaTarget
    cycles: int
    breached_cycles: int
    started_at: dt.datetime | None = attrs.field(default=None, eq=instant_key)
    due_at: dt.datetime | None = attrs.field(default=None, eq=instant_key)
    breached_at: dt.datetime | None = attrs.field(default=None, eq=instant_key)
    stopped_at: dt.datetime | None = attrs.field(default=None, eq=instant_key)
    elapsed: dt.timedelta
    remaining: dt.timedelta | None = None
    percent_used: float | None = None
    timezone: str | None = None


@_codec.value(
    omit_if_default=("targets",),
    shapes={
        "policy": _codec.Shape(str, _checked_name, _same),
        "timezone": _ZONE,
        "now": STORED_INSTANT,
        "next_change_at": STORED_MAYBE_INSTANT,
    },
)
@attrs.frozen(kw_only=True)
class _ReportRecord(_codec.Serialisable):
    """An [`SlaReport`][] as JSON.

    ``targets`` is left out when ``metrics`` says it all: one target per metric,
    named after it (every report before issue 14).
    """

    policy: str
    status: TicketStatus
    timezone: str
    now: dt.datetime = attrs.field(eq=instant_key)
    next_change_at: dt.datetime | None = attrs.field(default=None, eq=instant_key)
    metrics: Mapping[str, _StatusRecord]
    alerts: tuple[_AlertRecord, ...]
    targets: Mapping[str, _StatusRecord] | None = None


def _us(at: dt.datetime | None) -> int | None:
    return None if at is None else instant_us(at, "at")


def _zone_of(record: _AlertRecord | _StatusRecord, zone: str | None) -> str:
    """The zone a record read alone is shown in: its own, else ``from_dict``'s."""
    own = record.timezone
    if own is None:
        if zone is None:
            msg = (
                "'timezone' is missing: name the zone the instants are shown in "
                "(data stored before issue 13 lacks it: pass from_dict(data, "
                "timezone=...))"
            )
            raise DeserializationError(msg)
        return zone
    if zone is not None and own != zone:
        msg = f"'timezone' is {own!r}, not the zone {zone!r} it was read in"
        raise DeserializationError(msg)
    return own


def _alert_record(alert: Alert, *, alone: bool = True) -> _AlertRecord:
    return _AlertRecord(
        kind=alert.kind,
        metric=alert.metric,
        threshold=alert.threshold,
        cycle=alert.cycle,
        at=alert.at,
        timezone=alert.timezone if alone else None,
        target=None if alert.target == metric_name(alert.metric) else alert.target,
    )


def _alert_of(record: _AlertRecord, zone: str | None = None) -> Alert:
    return Alert(
        kind=record.kind,
        metric=record.metric,
        threshold=record.threshold,
        cycle=record.cycle,
        timezone=_zone_of(record, zone),
        at_us=instant_us(record.at, "at"),
        target=metric_name(record.metric) if record.target is None else record.target,
    )


def _status_record(status: MetricStatus, *, alone: bool = True) -> _StatusRecord:
    return _StatusRecord(
        metric=status.metric,
        state=status.state,
        target=status.target,
        cycles=status.cycles,
        breached_cycles=status.breached_cycles,
        started_at=status.started_at,
        due_at=status.due_at,
        breached_at=status.breached_at,
        stopped_at=status.stopped_at,
        elapsed=status.elapsed,
        remaining=status.remaining,
        percent_used=status.percent_used,
        timezone=status.timezone if alone else None,
    )


def _status_of(record: _StatusRecord, zone: str | None = None) -> MetricStatus:
    status = MetricStatus(
        metric=record.metric,
        state=record.state,
        target=record.target,
        timezone=_zone_of(record, zone),
        cycles=record.cycles,
        breached_cycles=record.breached_cycles,
        elapsed_us=delta_us(record.elapsed, "elapsed"),
        started_us=_us(record.started_at),
        due_us=_us(record.due_at),
        breached_us=_us(record.breached_at),
        stopped_us=_us(record.stopped_at),
    )
    for key in ("remaining", "percent_used"):
        stored = getattr(record, key)
        if stored is not None and stored != getattr(status, key):
            msg = (
                f"{key!r} is {_codec.to_data(stored)!r}, but the target and the "
                f"elapsed time give {_codec.to_data(getattr(status, key))!r}; it is "
                "derived: leave it out or correct it"
            )
            raise DeserializationError(msg)
    return status


def _report_record(report: SlaReport) -> _ReportRecord:
    zone = report.timezone
    return _ReportRecord(
        policy=report.policy,
        status=report.status,
        timezone=zone,
        now=report.now,
        next_change_at=report.next_change_at,
        metrics={
            metric_name(m): _status_record(s, alone=False)
            for m, s in report.metrics.items()
        },
        alerts=tuple(_alert_record(a, alone=False) for a in report.alerts),
        targets=None
        if _by_metric(report.metrics) == report.targets
        else {n: _status_record(s, alone=False) for n, s in report.targets.items()},
    )


def _by_metric(
    metrics: Mapping[Metric | str, MetricStatus],
) -> dict[str, MetricStatus]:
    """The targets of a report whose metrics say it all: each named after its metric."""
    return {s.target.name: s for s in metrics.values()}


def _report_of(record: _ReportRecord) -> SlaReport:
    zone = record.timezone
    metrics: dict[Metric | str, MetricStatus] = {}
    for name, status in record.metrics.items():
        metric = metric_of_name(name)
        if status.metric != metric:
            msg = (
                f"metrics[{metric_name(metric)!r}] holds the status of "
                f"{metric_name(status.metric)}"
            )
            raise DeserializationError(msg)
        metrics[metric] = _status_of(status, zone)
    targets = None
    if record.targets is not None:
        targets = {n: _status_of(s, zone) for n, s in record.targets.items()}
        for name, named in targets.items():
            if named.target.name != name:
                msg = f"targets[{name!r}] holds the status of target {named.target.name!r}"
                raise DeserializationError(msg)
        for metric, shown in metrics.items():
            if targets.get(shown.target.name) != shown:
                msg = (
                    f"metrics[{metric_name(metric)!r}] is not the status of any of "
                    "the report's targets"
                )
                raise DeserializationError(msg)
    return SlaReport(
        policy=record.policy,
        status=record.status,
        timezone=zone,
        metrics=metrics,
        targets=targets,
        alerts=[_alert_of(a, zone) for a in record.alerts],
        now_us=instant_us(record.now, "now"),
        next_change_us=_us(record.next_change_at),
    )


_V = TypeVar("_V", bound="Alert | MetricStatus")


def _read_in_zone(cls: type[_V], data: object, timezone: str | None) -> _V:
    """Read ``data``, shown in ``timezone`` where it names no zone itself."""
    if timezone is None:
        return _codec.from_data(cls, data)
    if isinstance(data, Mapping) and "timezone" not in data:
        data = {**data, "timezone": timezone}
    value = _codec.from_data(cls, data)
    if value.timezone != timezone:
        msg = (
            f"{cls.__name__} data is unusable: at $.timezone: {value.timezone!r} is "
            f"not the zone it was read in, {timezone!r}"
        )
        raise DeserializationError(msg)
    return value


def _public_repr(value: object, names: tuple[str, ...]) -> str:
    """``Class(name=repr, ...)`` over public fields and properties (instants, durations)."""
    shown = ", ".join(f"{n}={getattr(value, n)!r}" for n in names)
    return f"{type(value).__name__}({shown})"


def _metric_name(value: Alert) -> str:
    return metric_name(value.metric)


@_codec.value(form=_codec.Shape(_AlertRecord, _alert_of, _alert_record))
# No __weakref__ slot: the fold builds these by __class__ assignment (see
# ``_unsealed``), which Python 3.11 refuses for a slotted class that has one.
@attrs.frozen(kw_only=True, repr=False, weakref_slot=False)
class Alert(_codec.Serialisable):
    """A warning or breach of one target's latest cycle, at an instant.

    ``target`` names the target (its metric's name unless the policy named it).

    ``at`` may lie in the past (already passed) or the future (scheduled); compare it
    with the report's ``now``.

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.sla import (
        ...     BusinessCalendar,
        ...     EventKind,
        ...     Metric,
        ...     SlaPolicy,
        ...     SlaTarget,
        ...     TicketEvent,
        ...     evaluate,
        ... )
        >>> policy = SlaPolicy(
        ...     name="chat",
        ...     calendar=BusinessCalendar.always_open("UTC"),
        ...     targets=[
        ...         SlaTarget(
        ...             metric=Metric.FIRST_RESPONSE, within=dt.timedelta(seconds=30)
        ...         )
        ...     ],
        ... )
        >>> t0 = pendulum.datetime(2025, 3, 3, 9)
        >>> report = evaluate(policy, [TicketEvent(at=t0, kind=EventKind.CREATED)], t0)
        >>> [(a.kind.value, a.threshold, a.at.second) for a in report.alerts]
        [('warning', 0.5, 15), ('warning', 0.75, 22), ('breach', 1.0, 30)]
    """

    kind: AlertKind
    metric: Metric | str
    threshold: float
    cycle: int
    timezone: str
    _at: int = attrs.field(alias="at_us")
    target: str = attrs.field(default=attrs.Factory(_metric_name, takes_self=True))

    @property
    def at(self) -> pendulum.DateTime:
        """The instant of the alert, in the policy calendar's zone."""
        return datetime_at(self._at, self.timezone)

    def __repr__(self) -> str:
        return _public_repr(
            self, ("kind", "metric", "target", "threshold", "cycle", "timezone", "at")
        )

    @property
    def message(self) -> Message:
        """The alert as a sentence: ``str()`` English, ``render("zh-CN")`` Chinese.

        Built when asked for (evaluating a ticket builds none). Its JSON form
        (``message.to_dict()``) carries the code and the parameters, for a CRM to
        word in its own language.

        Examples:
            >>> from servicekit.sla import Alert, AlertKind, Metric
            >>> def alert(kind, threshold, at):
            ...     return Alert(
            ...         kind=kind,
            ...         metric=Metric.FIRST_RESPONSE,
            ...         threshold=threshold,
            ...         cycle=1,
            ...         timezone="Asia/Shanghai",
            ...         at_us=at * 1_000_000,
            ...     )
            >>> str(alert(AlertKind.WARNING, 0.5, 1_740_963_720).message)
            'first response: warning, 50% of the time to its target used at 2025-03-03T09:02:00+08:00'
            >>> alert(AlertKind.BREACH, 1.0, 1_740_963_840).message.render("zh-CN")
            '首次响应：超时，于2025年3月3日 09:04未达成目标'
        """
        at = self.at
        name = metric_name(self.metric)
        if self.kind is AlertKind.WARNING:
            share = {"share": self.threshold, "at": at}
            if self.target == name:
                return Message("sla.warning", {"metric": name, **share})
            return Message(
                "sla.warning.named",
                {"metric": name, "target": self.target, **share},
            )
        if self.target == name:
            return Message("sla.breach", {"metric": name, "at": at})
        return Message(
            "sla.breach.named",
            {"metric": name, "target": self.target, "at": at},
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, timezone: str | None = None) -> Self:
        """Rebuild an alert from ``to_dict()`` data.

        Args:
            data: the alert's data.
            timezone: the zone to show its instant in, for data stored without its
                ``"timezone"`` (before issue 13); redundant otherwise (and if given,
                it must be the stored one).

        Raises:
            DeserializationError: the data does not describe an alert; the message
                names the JSON path and what was expected there.
        """
        return _read_in_zone(cls, data, timezone)


@_codec.value(form=_codec.Shape(_StatusRecord, _status_of, _status_record))
# No __weakref__ slot: the fold builds these by __class__ assignment (see
# ``_unsealed``), which Python 3.11 refuses for a slotted class that has one.
@attrs.frozen(kw_only=True, repr=False, weakref_slot=False)
class MetricStatus(_codec.Serialisable):
    """Where one metric stands at the report's ``now``.

    ``elapsed`` and ``remaining`` are in the target's clock (working time for a
    business-hours target), and ``elapsed + remaining == target.within`` always;
    ``remaining`` is negative past the target. Instants are in the policy calendar's
    zone. For NEXT_RESPONSE and PERIODIC_UPDATE the state and instants are the latest
    cycle's; ``cycles`` counts the cycles and ``breached_cycles`` the breached ones.

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.sla import (
        ...     BusinessCalendar,
        ...     EventKind,
        ...     Metric,
        ...     SlaPolicy,
        ...     SlaTarget,
        ...     TicketEvent,
        ...     evaluate,
        ...     parse_hours,
        ... )
        >>> cal = BusinessCalendar(
        ...     timezone="Asia/Shanghai",
        ...     weekly_hours=parse_hours("Mon-Fri 09:00-12:00,13:30-18:00"),
        ... )
        >>> policy = SlaPolicy(
        ...     name="standard",
        ...     calendar=cal,
        ...     targets=[
        ...         SlaTarget(
        ...             metric=Metric.FIRST_RESPONSE, within=dt.timedelta(hours=2)
        ...         )
        ...     ],
        ... )
        >>> created = pendulum.datetime(2025, 3, 3, 11, tz="Asia/Shanghai")
        >>> report = evaluate(
        ...     policy,
        ...     [TicketEvent(at=created, kind=EventKind.CREATED)],
        ...     created.add(hours=2),
        ... )
        >>> first = report.metrics[Metric.FIRST_RESPONSE]
        >>> first.state.value, first.elapsed, first.due_at.time()
        ('running', datetime.timedelta(seconds=3600), Time(14, 30, 0))
    """

    metric: Metric | str
    state: MetricState
    target: SlaTarget
    timezone: str
    cycles: int = 0
    breached_cycles: int = 0
    _elapsed: int = attrs.field(alias="elapsed_us")
    _started: int | None = attrs.field(default=None, alias="started_us")
    _due: int | None = attrs.field(default=None, alias="due_us")
    _breached: int | None = attrs.field(default=None, alias="breached_us")
    _stopped: int | None = attrs.field(default=None, alias="stopped_us")

    def __repr__(self) -> str:
        return _public_repr(self, _STATUS_REPR)

    def _at(self, us: int | None) -> pendulum.DateTime | None:
        return None if us is None else datetime_at(us, self.timezone)

    @property
    def started_at(self) -> pendulum.DateTime | None:
        """When the latest cycle started; None if none has."""
        return self._at(self._started)

    @property
    def due_at(self) -> pendulum.DateTime | None:
        """When the latest cycle runs out: None while paused or not started."""
        return self._at(self._due)

    @property
    def breached_at(self) -> pendulum.DateTime | None:
        """When the latest cycle was breached, or None."""
        return self._at(self._breached)

    @property
    def stopped_at(self) -> pendulum.DateTime | None:
        """When the latest cycle stopped (MET or BREACHED and stopped), or None."""
        return self._at(self._stopped)

    @property
    def elapsed(self) -> dt.timedelta:
        """Time counted so far in the latest cycle, in the target's clock."""
        return _ONE_US * self._elapsed

    @property
    def remaining(self) -> dt.timedelta:
        """``target.within - elapsed``; negative once past the target."""
        return self.target.within - _ONE_US * self._elapsed

    @property
    def percent_used(self) -> float:
        """``100 * elapsed / target.within``."""
        within = self.target.within
        return (
            100
            * self._elapsed
            / ((within.days * 86400 + within.seconds) * 1_000_000 + within.microseconds)
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, timezone: str | None = None) -> Self:
        """Rebuild a status from ``to_dict()`` data.

        Args:
            data: the status's data.
            timezone: the zone to show its instants in, for data stored without its
                ``"timezone"`` (before issue 13); redundant otherwise (and if given,
                it must be the stored one).

        Raises:
            DeserializationError: the data does not describe a status; the message
                names the JSON path and what was expected there.
        """
        return _read_in_zone(cls, data, timezone)


_STATUS_REPR: Final = (
    "metric",
    "state",
    "target",
    "timezone",
    "cycles",
    "breached_cycles",
    "elapsed",
    "started_at",
    "due_at",
    "breached_at",
    "stopped_at",
)


def _to_targets_map(
    value: Mapping[str, MetricStatus] | None,
) -> Mapping[str, MetricStatus]:
    if value is None:
        return None  # type: ignore[return-value]  # set from metrics after init
    frozen: Mapping[Any, Any] = _FrozenDict(value)
    return frozen


def _to_metrics(
    value: Mapping[Any, MetricStatus],
) -> Mapping[Metric | str, MetricStatus]:
    frozen: Mapping[Any, Any] = _FrozenDict(
        {metric_of_name(k): v for k, v in value.items()}
    )
    return frozen


@_codec.value(form=_codec.Shape(_ReportRecord, _report_of, _report_record))
# No __weakref__ slot: the fold builds these by __class__ assignment (see
# ``_unsealed``), which Python 3.11 refuses for a slotted class that has one.
@attrs.frozen(kw_only=True, repr=False, weakref_slot=False)
class SlaReport(_codec.Serialisable):
    """Every measured metric of one ticket at ``now``, and when that will next change.

    Attributes:
        policy: the name of the policy applied (after any re-selection).
        status: the ticket's status.
        metrics: per metric the policy measures, the [`MetricStatus`][] of its
            earliest-due target (ties: the first in the policy).
        targets: every target's [`MetricStatus`][], by the target's name.
        alerts: warnings and breaches of the latest cycles, by instant (rule 19).
        timezone: the policy calendar's zone, in which instants are shown.

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.sla import EventKind, Metric, TicketEvent, evaluate
        >>> from servicekit.sla.presets import SERVICE_STANDARD
        >>> t0 = pendulum.datetime(2025, 3, 3, 10, tz="Asia/Shanghai")
        >>> events = [
        ...     TicketEvent(at=t0, kind=EventKind.CREATED, priority="urgent"),
        ...     TicketEvent(at=t0.add(minutes=3), kind=EventKind.AGENT_REPLY),
        ... ]
        >>> report = evaluate(SERVICE_STANDARD, events, t0.add(minutes=10))
        >>> report.policy, report.metrics[Metric.FIRST_RESPONSE].state.value
        ('urgent', 'met')
        >>> report.next_change_at
        DateTime(2025, 3, 3, 22, 0, 0, tzinfo=Timezone('Asia/Shanghai'))
    """

    policy: str
    status: TicketStatus
    timezone: str
    metrics: Mapping[Metric | str, MetricStatus] = attrs.field(converter=_to_metrics)
    alerts: tuple[Alert, ...] = attrs.field(converter=_to_alerts)
    _now: int = attrs.field(alias="now_us")
    _next: int | None = attrs.field(alias="next_change_us")
    targets: Mapping[str, MetricStatus] = attrs.field(
        default=None, converter=_to_targets_map
    )

    def __attrs_post_init__(self) -> None:
        given: object = self.targets
        if given is None:  # one target per metric, named after it
            _set_targets(self, _FrozenDict(_by_metric(self.metrics)))

    @property
    def now(self) -> pendulum.DateTime:
        """The instant this report describes."""
        return datetime_at(self._now, self.timezone)

    def __repr__(self) -> str:
        return _public_repr(
            self,
            (
                "policy",
                "status",
                "timezone",
                "now",
                "next_change_at",
                "metrics",
                "targets",
                "alerts",
            ),
        )

    @property
    def next_change_at(self) -> pendulum.DateTime | None:
        """The earliest alert after ``now`` (schedule one timer here), or None (rule 20)."""
        return None if self._next is None else datetime_at(self._next, self.timezone)

    @property
    def due_at(self) -> pendulum.DateTime | None:
        """The earliest instant a running target runs out: where the queue orders it.

        Over every target whose latest cycle is still running (not stopped, not
        paused), breached ones included: their instant is past, so they come first.
        None while nothing runs (every target met, paused or not started), and a
        routing queue then orders the ticket after those with a deadline.
        [`Ticket.with_sla`][servicekit.routing.Ticket.with_sla] copies it onto a
        routing ticket.

        Examples:
            >>> import pendulum
            >>> from servicekit.sla import EventKind, TicketEvent, evaluate
            >>> from servicekit.sla.presets import SERVICE_STANDARD
            >>> friday = pendulum.datetime(2025, 3, 7, 17, tz="Asia/Shanghai")
            >>> vip = [
            ...     TicketEvent(at=friday, kind=EventKind.CREATED, tier="high_value")
            ... ]
            >>> report = evaluate(SERVICE_STANDARD, vip, friday.add(minutes=5))
            >>> report.due_at  # the 30-minute reply, before the manager's 2 hours
            DateTime(2025, 3, 7, 17, 30, 0, tzinfo=Timezone('Asia/Shanghai'))
        """
        running = [
            s._due  # noqa: SLF001
            for s in self.targets.values()
            if s._stopped is None and s._due is not None  # noqa: SLF001
        ]
        return datetime_at(min(running), self.timezone) if running else None

    @property
    def breached(self) -> tuple[Metric | str, ...]:
        """The metrics whose latest cycle is breached."""
        return tuple(
            m for m, s in self.metrics.items() if s.state is MetricState.BREACHED
        )

    def passed_alerts(self) -> tuple[Alert, ...]:
        """The alerts at or before ``now``."""
        return tuple(a for a in self.alerts if a._at <= self._now)  # noqa: SLF001

    def upcoming_alerts(self) -> tuple[Alert, ...]:
        """The alerts after ``now``, soonest first."""
        return tuple(a for a in self.alerts if a._at > self._now)  # noqa: SLF001


# ------------------------------------------------------------- for the fold that builds them


def alert_us(alert: Alert) -> int:
    """The instant of ``alert``, in microseconds since the epoch."""
    return alert._at  # noqa: SLF001 -- this module's own field


def due_us(status: MetricStatus) -> int | None:
    """The instant ``status`` runs out, in microseconds since the epoch, or None."""
    return status._due  # noqa: SLF001 -- this module's own field


def alert_order(alert: Alert) -> tuple[int, int, float]:
    """The order of a report's alerts: by instant, then metric, then threshold."""
    # A team's metrics after the built-in four, in the fold's (track) order.
    return (alert._at, _METRIC_RANK.get(alert.metric, 4), alert.threshold)  # noqa: SLF001 -- this module's own field


def first_after(alerts: Iterable[Alert], now_us: int) -> int | None:
    """The instant of the first of ``alerts`` (in order) after ``now_us``, or None."""
    for a in alerts:
        if a._at > now_us:  # noqa: SLF001 -- this module's own field
            return a._at  # noqa: SLF001
    return None


_METRIC_RANK: Final[dict[Metric | str, int]] = {
    m: i for i, m in enumerate(METRIC_ORDER)
}


# The fold builds ~3 statuses, a few alerts and one report per ticket, without
# attrs' frozen __init__ (which goes through object.__setattr__ for each field).
# Each is first an "unsealed" twin: the same base and slots, without the frozen
# guard, so each field is a plain slot store; assigning ``__class__`` then makes it
# the frozen class. Python allows that between classes of one layout (on 3.11 only
# without a ``__weakref__`` slot, which these classes forgo for it); it costs under
# half of calling each slot's setter (0.3 against 0.7 µs for a status on 3.11).
# Where the assignment is refused, ``sealed_copy`` copies the twin's slots into a
# new frozen value (``UNSEAL`` is read at each call, so both ways are tested). No
# class has a converter or validator on this path, so the values are the
# constructors' (tests/sla/test_clock_properties.py).


def _setter(cls: type, name: str) -> Any:
    """The ``__set__`` of ``cls``'s slot ``name`` (it bypasses the frozen guard)."""
    return cls.__dict__[name].__set__


class _UnsealedStatus(_codec.Serialisable):
    """A ``MetricStatus`` being filled in (see above)."""

    __slots__ = MetricStatus.__slots__
    metric: Metric | str
    state: MetricState
    target: SlaTarget
    timezone: str
    cycles: int
    breached_cycles: int
    _elapsed: int
    _started: int | None
    _due: int | None
    _breached: int | None
    _stopped: int | None


class _UnsealedAlert(_codec.Serialisable):
    """An ``Alert`` being filled in (see above)."""

    __slots__ = Alert.__slots__
    kind: AlertKind
    metric: Metric | str
    threshold: float
    cycle: int
    timezone: str
    _at: int
    target: str


class _UnsealedReport(_codec.Serialisable):
    """An ``SlaReport`` being filled in (see above)."""

    __slots__ = SlaReport.__slots__
    policy: str
    status: TicketStatus
    timezone: str
    metrics: Mapping[Metric | str, MetricStatus]
    alerts: tuple[Alert, ...]
    _now: int
    _next: int | None
    targets: Mapping[str, MetricStatus]


# Each twin and the slots its builder below fills (the test suite checks they are
# all of them).
FILLED_SLOTS: Final[dict[type, tuple[str, ...]]] = {
    MetricStatus: (
        "metric",
        "state",
        "target",
        "timezone",
        "cycles",
        "breached_cycles",
        "_elapsed",
        "_started",
        "_due",
        "_breached",
        "_stopped",
    ),
    Alert: ("kind", "metric", "threshold", "cycle", "timezone", "_at", "target"),
    SlaReport: (
        "policy",
        "status",
        "timezone",
        "metrics",
        "alerts",
        "_now",
        "_next",
        "targets",
    ),
}


# Read at each call, so the slower path (``sealed_copy``) can be tested as well.
UNSEAL: bool = unsealing_works(
    (_UnsealedStatus, MetricStatus, FILLED_SLOTS[MetricStatus]),
    (_UnsealedAlert, Alert, FILLED_SLOTS[Alert]),
    (_UnsealedReport, SlaReport, FILLED_SLOTS[SlaReport]),
)

_set_targets: Final = _setter(SlaReport, "targets")


def new_status(  # noqa: PLR0917 -- one parameter per field, in field order
    metric: Metric | str,
    state: MetricState,
    target: SlaTarget,
    timezone: str,
    cycles: int,
    breached_cycles: int,
    elapsed_us: int,
    started_us: int | None,
    due_us: int | None,
    breached_us: int | None,
    stopped_us: int | None,
) -> MetricStatus:
    """``MetricStatus(...)`` of these fields, built without attrs' ``__init__``."""
    u = _UnsealedStatus()
    u.metric = metric
    u.state = state
    u.target = target
    u.timezone = timezone
    u.cycles = cycles
    u.breached_cycles = breached_cycles
    u._elapsed = elapsed_us  # noqa: SLF001 -- this module's own class
    u._started = started_us  # noqa: SLF001
    u._due = due_us  # noqa: SLF001
    u._breached = breached_us  # noqa: SLF001
    u._stopped = stopped_us  # noqa: SLF001
    if UNSEAL:
        u.__class__ = MetricStatus  # type: ignore[assignment]
        return u  # type: ignore[return-value]
    return sealed_copy(u, MetricStatus)


def new_alert(  # noqa: PLR0917 -- one parameter per field, in field order
    kind: AlertKind,
    metric: Metric | str,
    threshold: float,
    cycle: int,
    timezone: str,
    at_us: int,
    target: str,
) -> Alert:
    """``Alert(...)`` of these fields, built without attrs' ``__init__``."""
    u = _UnsealedAlert()
    u.kind = kind
    u.metric = metric
    u.threshold = threshold
    u.cycle = cycle
    u.timezone = timezone
    u._at = at_us  # noqa: SLF001 -- this module's own class
    u.target = target
    if UNSEAL:
        u.__class__ = Alert  # type: ignore[assignment]
        return u  # type: ignore[return-value]
    return sealed_copy(u, Alert)


def assembled_report(
    *,
    policy: str,
    status: TicketStatus,
    timezone: str,
    now_us: int,
    metrics: dict[Metric | str, MetricStatus],
    targets: dict[str, MetricStatus],
    alerts: list[Alert],
    next_change_us: int | None,
) -> SlaReport:
    """The report a fold assembled, without the converters' second look.

    Every fold report goes through here (one per ticket): its metrics are keyed by
    ``Metric`` members already, which is all ``_to_metrics`` would check. Equal to
    ``SlaReport(...)`` of the same fields (tests/sla/test_clock_properties.py).
    """
    u = _UnsealedReport()
    u.policy = policy
    u.status = status
    u.timezone = timezone
    u.metrics = _FrozenDict(metrics)
    u.targets = _FrozenDict(targets)
    u.alerts = tuple(alerts)
    u._now = now_us  # noqa: SLF001 -- this module's own class
    u._next = next_change_us  # noqa: SLF001
    if UNSEAL:
        u.__class__ = SlaReport  # type: ignore[assignment]
        return u  # type: ignore[return-value]
    return sealed_copy(u, SlaReport)
