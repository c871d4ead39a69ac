"""What an SLA clock reports: alerts, each metric's status, and the ticket's report.

These are the values [`evaluate`][servicekit.sla.evaluate] and
[`SlaClock.report`][servicekit.sla.SlaClock.report] return. They hold their instants
as integer microseconds since the epoch and show them as datetimes in the policy
calendar's zone only when asked, so a fold builds a report without a datetime per
alert. This module must never read the clock or do I/O.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final, Self, cast

import attrs

from servicekit._boundary import quote
from servicekit._iso import duration_from_iso, duration_to_iso, instant_from_iso
from servicekit._vocabulary import NamedEnum
from servicekit.errors import DeserializationError
from servicekit.sla._instants import instant_us
from servicekit.sla._model import (
    FIRST_US,
    LAST_US,
    METRIC_ORDER,
    Metric,
    MetricState,
    SlaTarget,
    TicketStatus,
    _FrozenDict,
    _get,
    _mapping,
    get_list,
    reads,
)
from servicekit.sla._timeline import datetime_at

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import pendulum

__all__ = ["Alert", "AlertKind", "MetricStatus", "SlaReport"]

_ONE_US: Final = dt.timedelta(microseconds=1)


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


def _optional_iso(us: int | None, tz: str) -> str | None:
    return None if us is None else datetime_at(us, tz).isoformat()


def _optional_us(value: Any, what: str) -> int | None:
    return None if value is None else stored_us(value, what)


def stored_us(value: Any, what: str) -> int:
    """A stored instant, refused unless every zone can show it (no later OverflowError)."""
    us = instant_us(instant_from_iso(value, what), what)
    if not FIRST_US <= us <= LAST_US:
        msg = (
            f"{what} {quote(value)} is outside the years a datetime can show in every "
            "zone (0001-01-02 … 9999-12-30 UTC)"
        )
        raise DeserializationError(msg)
    return us


def _stored_zone(value: object, what: str) -> str:
    """A stored zone name that instants can be shown in, or DeserializationError."""
    try:
        datetime_at(0, value)  # type: ignore[arg-type]
    except (ValueError, LookupError, OSError, TypeError) as e:
        msg = f"{what} must be an IANA time zone name; got {quote(value)}"
        raise DeserializationError(msg) from e
    return cast("str", value)


def _duration_in_range(us: int, what: str) -> int:
    if not 0 <= us <= LAST_US - FIRST_US:
        msg = f"{what} must be a duration from zero to the span of the datetime range"
        raise DeserializationError(msg)
    return us


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"{what} must be a whole number >= 0; got {value!r}"
        raise DeserializationError(msg)
    return value


def _threshold(value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value <= 1
    ):
        msg = f"Alert.threshold must be a fraction in (0, 1]; got {value!r}"
        raise DeserializationError(msg)
    return float(value)


def _duration_us(value: Any, what: str) -> int:
    d = duration_from_iso(value, what)
    return (d.days * 86400 + d.seconds) * 1_000_000 + d.microseconds


def _public_repr(value: object, names: tuple[str, ...]) -> str:
    """``Class(name=repr, ...)`` over public fields and properties (instants, durations)."""
    shown = ", ".join(f"{n}={getattr(value, n)!r}" for n in names)
    return f"{type(value).__name__}({shown})"


@attrs.frozen(kw_only=True, repr=False)
class Alert:
    """A warning or breach of one metric's latest cycle, at an instant.

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
    metric: Metric
    threshold: float
    cycle: int
    timezone: str
    _at: int = attrs.field(alias="at_us")

    @property
    def at(self) -> pendulum.DateTime:
        """The instant of the alert, in the policy calendar's zone."""
        return datetime_at(self._at, self.timezone)

    def __repr__(self) -> str:
        return _public_repr(
            self, ("kind", "metric", "threshold", "cycle", "timezone", "at")
        )

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-native data."""
        return {
            "kind": self.kind.value,
            "metric": self.metric.value,
            "threshold": self.threshold,
            "cycle": self.cycle,
            "at": self.at.isoformat(),
        }

    @classmethod
    @reads("Alert")
    def from_dict(cls, data: Mapping[str, Any], *, timezone: str) -> Self:
        """Rebuild an alert from [`to_dict`][] data, shown in ``timezone``.

        Raises:
            DeserializationError: a key is missing or a value is unusable.
        """
        d = _mapping(data, "Alert")
        return cls(
            kind=AlertKind.parse(_get(d, "kind", "Alert")),
            metric=Metric.parse(_get(d, "metric", "Alert")),
            threshold=_threshold(_get(d, "threshold", "Alert")),
            cycle=_count(_get(d, "cycle", "Alert"), "Alert.cycle"),
            timezone=_stored_zone(timezone, "Alert timezone"),
            at_us=stored_us(_get(d, "at", "Alert"), "Alert.at"),
        )


@attrs.frozen(kw_only=True, repr=False)
class MetricStatus:
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

    metric: Metric
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

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-native data (instants ISO-8601 with offsets, durations ISO-8601)."""
        tz = self.timezone
        return {
            "metric": self.metric.value,
            "state": self.state.value,
            "target": self.target.to_dict(),
            "cycles": self.cycles,
            "breached_cycles": self.breached_cycles,
            "started_at": _optional_iso(self._started, tz),
            "due_at": _optional_iso(self._due, tz),
            "breached_at": _optional_iso(self._breached, tz),
            "stopped_at": _optional_iso(self._stopped, tz),
            "elapsed": duration_to_iso(self.elapsed),
            "remaining": duration_to_iso(self.remaining),
            "percent_used": self.percent_used,
        }

    @classmethod
    @reads("MetricStatus")
    def from_dict(cls, data: Mapping[str, Any], *, timezone: str) -> Self:
        """Rebuild a status from [`to_dict`][] data, shown in ``timezone``.

        Raises:
            DeserializationError: a key is missing or a value is unusable.
        """
        d = _mapping(data, "MetricStatus")
        w = "MetricStatus"
        return cls(
            metric=Metric.parse(_get(d, "metric", w)),
            state=MetricState.parse(_get(d, "state", w)),
            target=SlaTarget.from_dict(_get(d, "target", w)),
            timezone=_stored_zone(timezone, "MetricStatus timezone"),
            cycles=_count(_get(d, "cycles", w), "MetricStatus.cycles"),
            breached_cycles=_count(
                _get(d, "breached_cycles", w), "MetricStatus.breached_cycles"
            ),
            elapsed_us=_duration_in_range(
                _duration_us(_get(d, "elapsed", w), "MetricStatus.elapsed"),
                "MetricStatus.elapsed",
            ),
            started_us=_optional_us(d.get("started_at"), "MetricStatus.started_at"),
            due_us=_optional_us(d.get("due_at"), "MetricStatus.due_at"),
            breached_us=_optional_us(d.get("breached_at"), "MetricStatus.breached_at"),
            stopped_us=_optional_us(d.get("stopped_at"), "MetricStatus.stopped_at"),
        )


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


def _to_metrics(value: Mapping[Any, MetricStatus]) -> Mapping[Metric, MetricStatus]:
    frozen: Mapping[Any, Any] = _FrozenDict(
        {Metric.parse(k): v for k, v in value.items()}
    )
    return frozen


@attrs.frozen(kw_only=True, repr=False)
class SlaReport:
    """Every measured metric of one ticket at ``now``, and when that will next change.

    Attributes:
        policy: the name of the policy applied (after any re-selection).
        status: the ticket's status.
        metrics: one [`MetricStatus`][] per metric the policy measures.
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
    metrics: Mapping[Metric, MetricStatus] = attrs.field(converter=_to_metrics)
    alerts: tuple[Alert, ...] = attrs.field(converter=_to_alerts)
    _now: int = attrs.field(alias="now_us")
    _next: int | None = attrs.field(alias="next_change_us")

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
                "alerts",
            ),
        )

    @property
    def next_change_at(self) -> pendulum.DateTime | None:
        """The earliest alert after ``now`` (schedule one timer here), or None (rule 20)."""
        return None if self._next is None else datetime_at(self._next, self.timezone)

    @property
    def breached(self) -> tuple[Metric, ...]:
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

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-native data."""
        nxt = self.next_change_at
        return {
            "policy": self.policy,
            "status": self.status.value,
            "timezone": self.timezone,
            "now": self.now.isoformat(),
            "next_change_at": None if nxt is None else nxt.isoformat(),
            "metrics": {m.value: s.to_dict() for m, s in self.metrics.items()},
            "alerts": [a.to_dict() for a in self.alerts],
        }

    @classmethod
    @reads("SlaReport")
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Rebuild a report from [`to_dict`][] data.

        Raises:
            DeserializationError: a key is missing or a value is unusable.
        """
        d = _mapping(data, "SlaReport")
        # An unknown zone raises now, not when an instant is shown.
        tz = _stored_zone(_get(d, "timezone", "SlaReport"), "SlaReport.timezone")
        name = _get(d, "policy", "SlaReport")
        if not isinstance(name, str) or not name.strip():
            msg = f"SlaReport.policy must be a policy name; got {name!r}"
            raise DeserializationError(msg)
        metrics = _mapping(_get(d, "metrics", "SlaReport"), "SlaReport.metrics")
        statuses = {}
        for k, v in metrics.items():
            status = MetricStatus.from_dict(v, timezone=tz)
            if Metric.parse(k) is not status.metric:
                msg = f"SlaReport.metrics[{k!r}] holds the status of {status.metric.value}"
                raise DeserializationError(msg)
            statuses[k] = status
        alerts = get_list(d, "alerts", "SlaReport")
        return cls(
            policy=name,
            status=TicketStatus.parse(_get(d, "status", "SlaReport")),
            timezone=tz,
            metrics=statuses,
            alerts=[Alert.from_dict(a, timezone=tz) for a in alerts],
            now_us=stored_us(_get(d, "now", "SlaReport"), "SlaReport.now"),
            next_change_us=_optional_us(
                d.get("next_change_at"), "SlaReport.next_change_at"
            ),
        )


def assembled_report(
    *,
    policy: str,
    status: TicketStatus,
    timezone: str,
    now_us: int,
    metrics: dict[Metric, MetricStatus],
    alerts: list[Alert],
    next_change_us: int | None,
) -> SlaReport:
    """The report a fold assembled, without the converters' second look.

    Every fold report goes through here (one per ticket): its metrics are keyed by
    ``Metric`` members already, which is all ``_to_metrics`` would check. Equal to
    ``SlaReport(...)`` of the same fields (tests/sla/test_clock_properties.py).
    """
    report = object.__new__(SlaReport)
    frozen = _FrozenDict(cast("dict[str, MetricStatus]", metrics))
    for name, value in (
        ("policy", policy),
        ("status", status),
        ("timezone", timezone),
        ("metrics", frozen),
        ("alerts", tuple(alerts)),
        ("_now", now_us),
        ("_next", next_change_us),
    ):
        object.__setattr__(report, name, value)
    return report


# ------------------------------------------------------------- for the fold that builds them


def alert_us(alert: Alert) -> int:
    """The instant of ``alert``, in microseconds since the epoch."""
    return alert._at  # noqa: SLF001 -- this module's own field


def due_us(status: MetricStatus) -> int | None:
    """The instant ``status`` runs out, in microseconds since the epoch, or None."""
    return status._due  # noqa: SLF001 -- this module's own field


def alert_order(alert: Alert) -> tuple[int, int, float]:
    """The order of a report's alerts: by instant, then metric, then threshold."""
    return (alert._at, _METRIC_RANK[alert.metric], alert.threshold)  # noqa: SLF001 -- this module's own field


def first_after(alerts: Iterable[Alert], now_us: int) -> int | None:
    """The instant of the first of ``alerts`` (in order) after ``now_us``, or None."""
    for a in alerts:
        if a._at > now_us:  # noqa: SLF001 -- this module's own field
            return a._at  # noqa: SLF001
    return None


_METRIC_RANK: Final = {m: i for i, m in enumerate(METRIC_ORDER)}
