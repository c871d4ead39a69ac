"""``TicketEvent.moved_to``: the same event at another instant, checked like a new one."""

import datetime as dt
import pickle

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import SHANGHAI, sh
from servicekit import Channel, Priority, Tier
from servicekit.errors import CalendarRangeError, NaiveDatetimeError
from servicekit.sla import EventKind, TicketEvent, TicketStatus
from servicekit.sla._instants import instant_us
from servicekit.sla._model import moved_event
from sla.sla_fold import fold_instants

EVENTS = st.one_of(
    st.builds(
        TicketEvent,
        at=st.just(sh(2025, 1, 24, 17, 40)),
        kind=st.just(EventKind.CREATED),
        priority=st.sampled_from(list(Priority)),
        tier=st.sampled_from(list(Tier)),
        channel=st.sampled_from(list(Channel)),
        category=st.sampled_from(["billing", "logistics", None]),
        attributes=st.dictionaries(
            st.sampled_from(["city", "vip"]), st.text(max_size=5)
        ),
    ),
    st.builds(
        TicketEvent,
        at=st.just(sh(2025, 1, 24, 17, 40)),
        kind=st.just(EventKind.STATUS_CHANGED),
        status=st.sampled_from(list(TicketStatus)),
    ),
    st.builds(
        TicketEvent,
        at=st.just(sh(2025, 1, 24, 17, 40)),
        kind=st.sampled_from([EventKind.AGENT_REPLY, EventKind.CUSTOMER_MESSAGE]),
    ),
)
INSTANTS = st.one_of(
    fold_instants(),
    st.datetimes(
        min_value=dt.datetime(1900, 1, 1),
        max_value=dt.datetime(2200, 1, 1),
        timezones=st.sampled_from([dt.UTC, pendulum.timezone(SHANGHAI)]),
    ),
)


@given(EVENTS, INSTANTS)
def test_moved_is_the_event_built_at_that_instant(event, at):
    moved = event.moved_to(at)
    built = attrs.evolve(event, at=at)
    assert moved == built
    assert moved.at is at
    assert moved._us == built._us
    assert moved.to_dict() == built.to_dict()
    again = pickle.loads(pickle.dumps(moved))
    assert (again, again.at.utcoffset(), again._us) == (
        built,
        at.utcoffset(),
        built._us,
    )


@given(EVENTS, INSTANTS)
def test_the_unchecked_move_is_the_checked_one(event, at):
    """The private move, fed a valid instant and its microseconds, equals ``moved_to``."""
    fast = moved_event(event, at, instant_us(at, "at"))
    slow = event.moved_to(at)
    assert (fast, fast.at, fast._us, type(fast)) == (
        slow,
        slow.at,
        slow._us,
        type(slow),
    )
    assert fast.to_dict() == slow.to_dict()


def test_the_original_is_left_as_it_was():
    reply = TicketEvent(at=sh(2025, 1, 24, 9), kind=EventKind.AGENT_REPLY)
    reply.moved_to(sh(2025, 1, 24, 10))
    assert reply.at == sh(2025, 1, 24, 9)
    assert reply._us == TicketEvent(at=sh(2025, 1, 24, 9), kind="agent_reply")._us


@pytest.mark.parametrize(
    ("at", "error"),
    [
        (dt.datetime(2025, 1, 24, 9), NaiveDatetimeError),
        (dt.datetime(1, 1, 1, tzinfo=dt.UTC), CalendarRangeError),
        (dt.datetime(9999, 12, 31, 12, tzinfo=dt.UTC), CalendarRangeError),
    ],
)
def test_the_new_instant_is_checked(at, error):
    reply = TicketEvent(at=sh(2025, 1, 24, 9), kind=EventKind.AGENT_REPLY)
    with pytest.raises(error):
        reply.moved_to(at)
