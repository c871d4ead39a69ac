"""The desk's local instants and measured waits agree with the general path.

The desk makes each contact's local datetimes with the zone's ``fromutc`` directly,
and the simulation measures waits from the run's own microseconds rather than from
those datetimes: both must give exactly what ``astimezone`` and reading the
datetimes back give, in every zone, across DST changes, folds included.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit._vocabulary import Channel
from servicekit.routing import Agent, Router, Ticket
from servicekit.routing import _values as v
from servicekit.routing._model import created_us
from servicekit.workforce import Arrival, simulate_desk
from servicekit.workforce._desk_engine import Desk

UTC_BASES = [
    dt.datetime(2025, 3, 9, 5, 30, tzinfo=dt.UTC),  # New York springs forward at 7:00
    dt.datetime(2025, 11, 2, 4, 30, tzinfo=dt.UTC),  # and falls back at 6:00
    dt.datetime(2025, 3, 30, 0, 30, tzinfo=dt.UTC),  # London springs forward at 1:00
    dt.datetime(2025, 10, 26, 0, 15, tzinfo=dt.UTC),  # and falls back at 1:00
]


class _Naive(dt.tzinfo):
    """A zone that knows no folds: an hour ahead from 2025-03-09 07:00 UTC on."""

    def utcoffset(self, when: dt.datetime | None) -> dt.timedelta:
        assert when is not None
        switch = dt.datetime(2025, 3, 9, 7)  # a wall time
        return dt.timedelta(hours=-4 if when.replace(tzinfo=None) >= switch else -5)

    def dst(self, when: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(0)


ZONES = [
    pendulum.timezone("America/New_York"),
    pendulum.timezone("Europe/London"),
    zoneinfo.ZoneInfo("America/New_York"),
    zoneinfo.ZoneInfo("Europe/London"),
    pendulum.timezone("Asia/Shanghai"),
    pendulum.UTC,
    dt.UTC,
    dt.timezone(dt.timedelta(hours=-3, minutes=-30)),
    pendulum.FixedTimezone(19800),
    _Naive(),
]


def _desk(base: dt.datetime, zone: dt.tzinfo) -> Desk:
    return Desk(Router.default(), [], None, [], base, zone)


@settings(max_examples=300, deadline=None)
@given(
    base=st.sampled_from(UTC_BASES),
    zone=st.sampled_from(ZONES),
    seconds=st.floats(0, 4 * 3600, allow_nan=False) | st.integers(0, 4 * 3600),
)
def test_a_local_instant_is_the_utc_instant_in_the_zone(base, zone, seconds):
    desk = _desk(base, zone)
    fast = desk.local(seconds)
    slow = desk.instant(seconds).astimezone(zone)
    assert fast == slow
    assert (fast.fold, fast.utcoffset(), fast.tzinfo) == (
        slow.fold,
        slow.utcoffset(),
        slow.tzinfo,
    )
    assert type(fast) is type(slow)
    assert fast.replace(tzinfo=None) == slow.replace(tzinfo=None)


STARTS = [
    pendulum.datetime(2025, 3, 9, 0, 30, tz="America/New_York"),
    pendulum.datetime(2025, 11, 2, 0, 30, tz="America/New_York"),
    pendulum.datetime(2025, 3, 30, 0, 0, tz="Europe/London"),
    pendulum.datetime(2025, 10, 26, 0, 15, tz="Europe/London"),
    dt.datetime(2025, 11, 2, 0, 45, tzinfo=zoneinfo.ZoneInfo("America/New_York")),
    dt.datetime(2025, 3, 9, 1, 0, tzinfo=_Naive()),
    dt.datetime(2025, 3, 9, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
]


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    start=st.sampled_from(STARTS),
    volumes=st.lists(st.integers(0, 60), min_size=1, max_size=5),
    agents=st.integers(1, 6),
    seconds=st.tuples(st.integers(0, 3600), st.integers(0, 120)),
)
def test_waits_measured_from_the_run_are_those_of_the_contacts(
    seed, start, volumes, agents, seconds
):
    """A result measured on its own contacts (the general path) is the result."""
    warm_up, target = seconds
    sim = simulate_desk(
        seed=seed,
        volumes=volumes,
        start=start,
        interval=dt.timedelta(minutes=30),
        agents=agents,
        aht=dt.timedelta(minutes=4),
        patience=dt.timedelta(minutes=2),
        target_answer=dt.timedelta(seconds=target),
        warm_up=dt.timedelta(seconds=warm_up),
    )
    again = sim._of(sim.contacts)
    # repr, not ==: an empty run's rates are NaN, which equals nothing.
    assert repr(again) == repr(sim)


@settings(max_examples=100, deadline=None)
@given(
    start=st.sampled_from(STARTS),
    minutes=st.lists(st.integers(0, 240), min_size=1, max_size=4),
)
def test_a_given_arrivals_instant_is_read_from_its_ticket(start, minutes):
    """The simulation reads each arrival's kept microseconds: they are its instant,
    for a ticket built, repeated from a shape, or given a case owner."""
    shape = Arrival(
        ticket=Ticket(
            id="T0", created_at=start, priority="high", tier="potential", channel="chat"
        ),
        handling=dt.timedelta(minutes=3),
    )
    for i, m in enumerate(minutes):
        at = (start + dt.timedelta(minutes=m)).astimezone(start.tzinfo)
        again = shape.repeated(
            id=f"T{i + 1}", created_at=at, handling=dt.timedelta(minutes=1)
        )
        owned = v.trusted_evolve(again.ticket, owner_id="a1")
        for ticket in (again.ticket, owned, shape.ticket):
            assert created_us(ticket) == v.micros(ticket.created_at)


def test_a_contact_ending_on_a_full_channel_opens_no_room():
    """An agent still at capacity after one fewer (it started above) gains no room."""
    agent = Agent(id="a1", capacity={"chat": 1}, load={"chat": 2})
    desk = Desk(Router.default(), [agent], None, [], UTC_BASES[0], dt.UTC)
    assert desk.session is not None
    desk.holding[0] = ("a1", Channel.CHAT)
    assert desk._finish(0) == ("a1", Channel.CHAT)
    assert desk.rooms["a1"] == frozenset() == desk.session.room("a1")
