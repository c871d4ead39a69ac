"""A clock's stored form: the state of its fold as JSON-native data, and back.

[`SlaClock`][servicekit.sla.SlaClock] is written and read as a [`StoredClock`][]
through the one codec. Its instants are the fold's own (epoch microseconds, which
belong to no zone) and are written in UTC. A state read back is checked as a whole
(``Fold.check``), so no document gives a clock that no event log could produce.
This module must never read the clock or do I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping  # noqa: TC003 -- the codec reads field annotations at run time
from typing import Any, Final

import attrs

from servicekit import _codec
from servicekit._vocabulary import (  # noqa: TC001 -- the codec reads field annotations at run time
    Channel,
    Priority,
    Tier,
)
from servicekit.errors import InvalidArgumentError
from servicekit.sla._fold import Cycle, Fold
from servicekit.sla._instants import instant_us
from servicekit.sla._model import (
    METRIC_ORDER,
    EventKind,
    PolicySet,
    TicketEvent,
    TicketStatus,
    plain_json,
)
from servicekit.sla._report import STORED_INSTANT, STORED_MAYBE_INSTANT, instant_key
from servicekit.sla._timeline import datetime_at

__all__ = ["StoredClock", "restored_fold", "stored_clock"]

_ANY_INSTANT: Final = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _us(at: dt.datetime) -> int:
    return instant_us(at, "the instant")


def _maybe_us(at: dt.datetime | None) -> int | None:
    return None if at is None else instant_us(at, "the instant")


def _utc(us: int) -> dt.datetime:
    return datetime_at(us, "UTC")


def _maybe_utc(us: int | None) -> dt.datetime | None:
    return None if us is None else datetime_at(us, "UTC")


def _check_stretches(
    cycle: _CycleRecord, _: object, closed: tuple[tuple[dt.datetime, dt.datetime], ...]
) -> None:
    start = _us(cycle.start)
    for a, b in closed:
        if not start <= _us(a) < _us(b):
            msg = (
                "each closed stretch [start, end] must begin at or after the cycle's "
                f"start and end after it begins; got [{a.isoformat()}, {b.isoformat()}]"
            )
            raise InvalidArgumentError(msg)


def _check_stopped(cycle: _CycleRecord, _: object, stop: dt.datetime | None) -> None:
    if stop is not None and cycle.active is not None:
        msg = "a cycle cannot be running (active) and stopped at once"
        raise InvalidArgumentError(msg)


@_codec.value(
    omit_if_default=(),
    shapes={
        "start": STORED_INSTANT,
        "active": STORED_MAYBE_INSTANT,
        "stop": STORED_MAYBE_INSTANT,
        "breach": STORED_MAYBE_INSTANT,
        "due": STORED_MAYBE_INSTANT,
        "floor": STORED_MAYBE_INSTANT,
    },
)
@attrs.frozen(kw_only=True)
class _CycleRecord(_codec.Serialisable):
    """One cycle of a metric: its start, finished stretches and decided instants.

    ``passed`` holds the warnings already passed when a policy change replaced the
    target, as ``[fraction, instant]`` pairs (rule 7).
    """

    start: dt.datetime = attrs.field(eq=instant_key)
    closed: tuple[tuple[dt.datetime, dt.datetime], ...] = attrs.field(
        validator=_check_stretches
    )
    active: dt.datetime | None = attrs.field(default=None, eq=instant_key)
    stop: dt.datetime | None = attrs.field(
        default=None, eq=instant_key, validator=_check_stopped
    )
    breach: dt.datetime | None = attrs.field(default=None, eq=instant_key)
    due: dt.datetime | None = attrs.field(default=None, eq=instant_key)
    passed: tuple[tuple[float, dt.datetime], ...] | None = None
    floor: dt.datetime | None = attrs.field(default=None, eq=instant_key)


@_codec.value()
@attrs.frozen(kw_only=True)
class _MetricCycles(_codec.Serialisable):
    """Each metric's cycles, oldest first, under the metric's name."""

    first_response: tuple[_CycleRecord, ...]
    next_response: tuple[_CycleRecord, ...]
    periodic_update: tuple[_CycleRecord, ...]
    resolution: tuple[_CycleRecord, ...]


def _created(facts: _FactsRecord) -> TicketEvent:
    # A CREATED event validates and converts the facts exactly as the log did; its
    # instant is never read.
    return TicketEvent(
        at=_ANY_INSTANT,
        kind=EventKind.CREATED,
        priority=facts.priority,
        tier=facts.tier,
        channel=facts.channel,
        category=facts.category,
        attributes={} if facts.attributes is None else facts.attributes,
    )


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class _FactsRecord(_codec.Serialisable):
    """The ticket's facts now, as a CREATED event would carry them."""

    priority: Priority | None = None
    tier: Tier | None = None
    channel: Channel | None = None
    category: str | None = None
    attributes: Mapping[str, Any] | None = None

    def __attrs_post_init__(self) -> None:
        _created(self)


@_codec.value(
    omit_if_default=("tracks",),
    shapes={"since": STORED_INSTANT, "last": STORED_INSTANT},
)
@attrs.frozen(kw_only=True)
class _StateRecord(_codec.Serialisable):
    """The state of a clock's fold: the policy in force, facts, flags and cycles."""

    policy: str
    facts: _FactsRecord
    since: dt.datetime = attrs.field(eq=instant_key)
    changed_solved: bool
    last: dt.datetime = attrs.field(eq=instant_key)
    status: TicketStatus
    awaiting: bool
    first_done: bool
    cycles: _MetricCycles
    # The cycles of further targets (named, or with stop_when), in the order of the
    # policy set's tracks; absent when there are none (every clock before issue 14).
    tracks: tuple[tuple[_CycleRecord, ...], ...] = ()


@_codec.value()
@attrs.frozen(kw_only=True)
class StoredClock(_codec.Serialisable):
    """An [`SlaClock`][servicekit.sla.SlaClock] as JSON: its policies and its state."""

    policies: PolicySet
    state: _StateRecord


def _cycle_record(c: Cycle) -> _CycleRecord:
    passed = c.passed
    return _CycleRecord(
        start=_utc(c.start),
        closed=tuple((_utc(a), _utc(b)) for a, b in c.closed),
        active=_maybe_utc(c.active),
        stop=_maybe_utc(c.stop),
        breach=_maybe_utc(c.breach),
        due=_maybe_utc(c.due),
        passed=None
        if passed is None
        else tuple((f, _utc(w)) for f, w in sorted(passed.items())),
        floor=_maybe_utc(c.floor),
    )


def _cycle_of(record: _CycleRecord) -> Cycle:
    passed = record.passed
    return Cycle.restore(
        start=_us(record.start),
        closed=[(_us(a), _us(b)) for a, b in record.closed],
        active=_maybe_us(record.active),
        stop=_maybe_us(record.stop),
        breach=_maybe_us(record.breach),
        due=_maybe_us(record.due),
        passed=None if passed is None else {f: _us(w) for f, w in passed},
        floor=_maybe_us(record.floor),
    )


def stored_clock(policies: PolicySet, fold: Fold) -> StoredClock:
    """The stored form of a clock under ``policies`` whose state is ``fold``."""
    cycles = {
        m.value: tuple(_cycle_record(c) for c in fold.cycles[i])
        for i, m in enumerate(METRIC_ORDER)
    }
    attributes: Any = fold.attributes
    return StoredClock(
        policies=policies,
        state=_StateRecord(
            policy=fold.policy.policy.name,
            facts=_FactsRecord(
                priority=fold.priority,
                tier=fold.tier,
                channel=fold.channel,
                category=fold.category,
                attributes=plain_json(attributes),
            ),
            since=_utc(fold.since),
            changed_solved=fold.changed_solved,
            last=_utc(fold.last),
            status=fold.status,
            awaiting=fold.awaiting,
            first_done=fold.first_done,
            cycles=_MetricCycles(**cycles),
            tracks=tuple(
                tuple(_cycle_record(c) for c in fold.cycles[i])
                for i in range(len(METRIC_ORDER), len(fold.cycles))
            ),
        ),
    )


def restored_fold(stored: StoredClock) -> Fold:
    """The fold ``stored`` describes, checked as a whole.

    Raises:
        DeserializationError: the policy set lacks the policy in force, or no event
            log could produce this state; the message names the field.
    """
    state = stored.state
    return Fold.restore(
        stored.policies,
        policy=state.policy,
        created=_created(state.facts),
        since=_us(state.since),
        last=_us(state.last),
        status=state.status,
        changed_solved=state.changed_solved,
        awaiting=state.awaiting,
        first_done=state.first_done,
        cycles=[
            [_cycle_of(c) for c in getattr(state.cycles, m.value)] for m in METRIC_ORDER
        ]
        + [[_cycle_of(c) for c in track] for track in state.tracks],
    )
