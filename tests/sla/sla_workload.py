"""Synthetic, deterministic ticket event logs for SLA tests and benchmarks.

Shared by ``tests/sla/test_clock_dask.py`` and ``benchmarks/bench_sla.py`` (which puts
``tests/`` on ``sys.path``), so both evaluate the same kind of tickets.

A ticket is planned first as plain data (instants in µs, kinds, fields), then turned
into :class:`TicketEvent` values directly or into the JSON dicts a CRM would send.
The mix: all priorities, channels and tiers, categories including
``"logistics_complaint"`` and ``"requirement"``; agent replies, customer messages,
pending and on-hold pauses, solves, reopens, closes, priority and tier changes, and
some events at the same instant (ties). Creation instants cover 2025, so China's
holidays and make-up working days are crossed; some tickets are written in UTC, the
rest in Beijing time. About 8 events per ticket on average.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs

from servicekit import Channel, Priority, Tier
from servicekit.sla import EventKind, PolicySet, TicketEvent, TicketStatus

__all__ = [
    "NOW",
    "Plan",
    "all_business_hours",
    "event_dicts",
    "events_of",
    "make_plans",
]

SHANGHAI: Final = ZoneInfo("Asia/Shanghai")
NOW: Final = dt.datetime(2026, 1, 5, 10, 30, tzinfo=SHANGHAI)
"""The evaluation instant: every planned event is at or before it."""

_FIRST: Final = dt.datetime(2025, 1, 1, tzinfo=SHANGHAI)
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_NOW_US: Final = (NOW - _EPOCH) // dt.timedelta(microseconds=1)
_FIRST_US: Final = (_FIRST - _EPOCH) // dt.timedelta(microseconds=1)
_MIN: Final = 60_000_000  # µs

_PRIORITIES: Final = (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT)
_PRIORITY_W: Final = (20, 55, 18, 7)
# The six channels the workload has always drawn (issue 14 added more members).
_CHANNELS: Final = tuple(
    Channel.parse(c) for c in ("phone", "chat", "email", "web", "social", "bot")
)
_CHANNEL_W: Final = tuple(
    {"phone": 15, "chat": 20, "email": 30, "web": 20, "social": 10, "bot": 5}[c.value]
    for c in _CHANNELS
)
_TIERS: Final = (Tier.HIGH_VALUE, Tier.POTENTIAL, Tier.ORDINARY)
_TIER_W: Final = (15, 20, 65)
_CATEGORIES: Final = (
    "logistics_complaint",
    "requirement",
    "billing",
    "product_question",
    "account",
    None,
)
_CATEGORY_W: Final = (15, 10, 20, 25, 15, 15)
_CITIES: Final = ("Hohhot", "Baotou", "Ordos", "Chifeng", "Beijing")

# One planned event: (instant in µs, kind, fields).
Event = tuple[int, EventKind, dict[str, Any]]


@attrs.frozen
class Plan:
    """One ticket as plain data: its events in time order and its time zone."""

    zone: str
    events: tuple[Event, ...]


def _gap(rng: random.Random) -> int:
    """A gap between events in µs: 0 (a tie) sometimes, minutes to days otherwise."""
    r = rng.random()
    if r < 0.06:
        return 0
    if r < 0.5:
        return rng.randrange(10_000_000, 30 * _MIN)  # 10 s to 30 min
    if r < 0.86:
        return rng.randrange(30 * _MIN, 8 * 60 * _MIN)  # up to a working day
    return rng.randrange(8 * 60 * _MIN, 4 * 24 * 60 * _MIN)  # up to four days


def _created_us(rng: random.Random) -> int:
    """Mostly during the day, some at night; any day of 2025 up to just before NOW."""
    span = _NOW_US - _FIRST_US
    day = rng.randrange(span // (24 * 60 * _MIN)) * 24 * 60 * _MIN
    if rng.random() < 0.8:
        minute = rng.randrange(8 * 60, 20 * 60)
    else:
        minute = rng.randrange(24 * 60)
    t = _FIRST_US + day + minute * _MIN + rng.randrange(60_000_000)
    if rng.random() < 0.1:  # a recent ticket: its clocks are still running at NOW
        t = _NOW_US - rng.randrange(1, 3 * 24 * 60 * _MIN)
    return min(t, _NOW_US)


def _plan(rng: random.Random) -> Plan:
    t = _created_us(rng)
    created: dict[str, Any] = {
        "priority": rng.choices(_PRIORITIES, _PRIORITY_W)[0],
        "tier": rng.choices(_TIERS, _TIER_W)[0],
        "channel": rng.choices(_CHANNELS, _CHANNEL_W)[0],
    }
    category = rng.choices(_CATEGORIES, _CATEGORY_W)[0]
    if category is not None:
        created["category"] = category
    if rng.random() < 0.3:
        created["attributes"] = {"city": rng.choice(_CITIES)}
    events: list[Event] = [(t, EventKind.CREATED, created)]
    status = TicketStatus.OPEN
    budget = rng.choices(range(3, 16), weights=(1, 3, 5, 7, 9, 9, 9, 9, 8, 7, 6, 5, 4))
    n = budget[0]
    awaiting = True  # a customer waits for a reply
    while len(events) < n:
        if awaiting and status is TicketStatus.OPEN and rng.random() < 0.55:
            t += rng.randrange(5_000_000, 20 * _MIN)  # a prompt reply
            if t > _NOW_US:
                break
            events.append((t, EventKind.AGENT_REPLY, {}))
            awaiting = False
            continue
        t += _gap(rng)
        if t > _NOW_US:
            break
        r = rng.random()
        kind: EventKind
        fields: dict[str, Any] = {}
        if status is TicketStatus.CLOSED:
            break
        if status is TicketStatus.SOLVED:
            if r < 0.35:
                kind = EventKind.REOPENED
                status = TicketStatus.OPEN
                awaiting = True
            elif r < 0.55:
                kind, fields = EventKind.STATUS_CHANGED, {"status": TicketStatus.CLOSED}
                status = TicketStatus.CLOSED
            elif r < 0.65:
                kind, fields = EventKind.STATUS_CHANGED, {"status": TicketStatus.OPEN}
                status = TicketStatus.OPEN
            else:
                kind = EventKind.CUSTOMER_MESSAGE  # starts nothing on a solved ticket
        elif status in {TicketStatus.PENDING, TicketStatus.ON_HOLD}:
            if r < 0.5:
                kind = EventKind.CUSTOMER_MESSAGE
                awaiting = True
            elif r < 0.85:
                kind, fields = EventKind.STATUS_CHANGED, {"status": TicketStatus.OPEN}
                status = TicketStatus.OPEN
            else:
                kind, fields = EventKind.STATUS_CHANGED, {"status": TicketStatus.SOLVED}
                status = TicketStatus.SOLVED
        elif r < (0.45 if awaiting else 0.2):
            kind = EventKind.AGENT_REPLY
            awaiting = False
        elif r < 0.55:
            kind = EventKind.CUSTOMER_MESSAGE
            awaiting = True
        elif r < 0.7:
            pause = TicketStatus.PENDING if rng.random() < 0.8 else TicketStatus.ON_HOLD
            kind, fields = EventKind.STATUS_CHANGED, {"status": pause}
            status = pause
        elif r < 0.85:
            kind, fields = EventKind.STATUS_CHANGED, {"status": TicketStatus.SOLVED}
            status = TicketStatus.SOLVED
        elif r < 0.95:
            kind = EventKind.PRIORITY_CHANGED
            fields = {"priority": rng.choices(_PRIORITIES, _PRIORITY_W)[0]}
        else:
            kind, fields = EventKind.TIER_CHANGED, {"tier": rng.choice(_TIERS)}
        events.append((t, kind, fields))
    zone = "UTC" if rng.random() < 0.2 else "Asia/Shanghai"
    return Plan(zone=zone, events=tuple(events))


def make_plans(n: int, seed: int) -> list[Plan]:
    """``n`` ticket plans, the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311  (reproducible data, not secrets)
    return [_plan(rng) for _ in range(n)]


def _datetime(us: int, zone: ZoneInfo) -> dt.datetime:
    return (_EPOCH + dt.timedelta(microseconds=us)).astimezone(zone)


def events_of(plan: Plan) -> list[TicketEvent]:
    """The ticket's events, built directly (as a CRM's adapter would)."""
    zone = ZoneInfo(plan.zone)
    return [
        TicketEvent(at=_datetime(us, zone), kind=kind, **fields)
        for us, kind, fields in plan.events
    ]


def event_dicts(plan: Plan, ticket_id: str | None = None) -> list[dict[str, Any]]:
    """The ticket's events as JSON-native dicts (for ``TicketEvent.from_dict``).

    With a ``ticket_id``, each dict also carries it, as a line of the CLI's export
    does (``TicketEvent.from_dict`` refuses that key, as it refuses every unknown one).
    """
    zone = ZoneInfo(plan.zone)
    out = []
    for us, kind, fields in plan.events:
        d: dict[str, Any] = {} if ticket_id is None else {"ticket_id": ticket_id}
        d["at"] = _datetime(us, zone).isoformat()
        d["kind"] = kind.value
        for name, value in fields.items():
            d[name] = dict(value) if name == "attributes" else str(value)
        out.append(d)
    return out


def all_business_hours(policies: PolicySet) -> PolicySet:
    """The same policies with every target counted in business hours (the costly path)."""
    return PolicySet(
        [
            attrs.evolve(
                p,
                name=p.name,
                targets=[attrs.evolve(t, business_hours=True) for t in p.targets],
            )
            for p in policies
        ]
    )
