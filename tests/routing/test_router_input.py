"""Bad input to the router, and the regressions it once let through."""

import datetime as dt

import pendulum
import pytest

from routing.dispatch_helpers import (
    DEFAULT,
    NOW,
    mk_agent,
    mk_ticket,
)
from servicekit.errors import (
    DuplicateIdError,
    InvalidArgumentError,
    InvalidTypeError,
    NaiveDatetimeError,
)
from servicekit.routing import (
    QueueOrder,
    Router,
    Ticket,
)


class TestBadInput:
    def test_duplicate_agent_ids(self):
        with pytest.raises(DuplicateIdError, match="'a'"):
            DEFAULT.dispatch([mk_ticket()], [mk_agent("a"), mk_agent("a")], NOW)

    def test_duplicate_ticket_ids(self):
        with pytest.raises(DuplicateIdError):
            DEFAULT.dispatch([mk_ticket(), mk_ticket()], [mk_agent("a")], NOW)

    def test_already_assigned_ticket(self):
        with pytest.raises(InvalidArgumentError, match="already assigned to a"):
            DEFAULT.dispatch([mk_ticket(assignee_id="a")], [mk_agent("a")], NOW)
        with pytest.raises(InvalidArgumentError, match="already assigned"):
            DEFAULT.route(mk_ticket(assignee_id="a"), [mk_agent("a")], NOW)

    def test_naive_now(self):
        with pytest.raises(NaiveDatetimeError):
            DEFAULT.dispatch([], [], dt.datetime(2026, 1, 1))

    def test_ticket_from_the_future(self):
        with pytest.raises(InvalidArgumentError, match="after now"):
            DEFAULT.dispatch([mk_ticket(minutes_ago=-1)], [], NOW)

    def test_wrong_container_and_item_types(self):
        with pytest.raises(InvalidTypeError):
            DEFAULT.dispatch("T1", [], NOW)
        with pytest.raises(InvalidTypeError):
            DEFAULT.dispatch([], "A1", NOW)
        with pytest.raises(InvalidTypeError):
            DEFAULT.dispatch([{"id": "T"}], [], NOW)
        with pytest.raises(InvalidTypeError):
            DEFAULT.dispatch([], [{"id": "A"}], NOW)
        with pytest.raises(InvalidArgumentError, match="strategy"):
            DEFAULT.dispatch([], [], NOW, strategy="fast")
        with pytest.raises(InvalidTypeError):
            Router(policies=[], triage="rules")
        with pytest.raises(InvalidTypeError):
            Router(policies=[], queue=None)
        with pytest.raises(InvalidTypeError):
            Router(policies=[], escalations="x")
        with pytest.raises(InvalidTypeError):
            Router(policies=[], escalations=[1])

    def test_failed_dispatch_changes_nothing(self):
        agents = [mk_agent("a")]
        with pytest.raises(DuplicateIdError):
            DEFAULT.dispatch([mk_ticket(), mk_ticket()], agents, NOW)
        assert agents[0].load == {}


class TestRegressions:
    def test_pep495_repeated_hour_orders_by_instant(self):
        """PEP 495: aware datetimes in different zones compare unequal inside a
        repeated hour; a queue keyed on raw datetimes misorders fall-back tickets."""
        ny = pendulum.timezone("America/New_York")
        first = dt.datetime(2025, 11, 2, 1, 30, tzinfo=ny)  # 05:30 UTC
        second = dt.datetime(2025, 11, 2, 1, 30, fold=1, tzinfo=ny)  # 06:30 UTC
        now = pendulum.datetime(2025, 11, 2, 12)
        a = Ticket(
            id="b-first",
            created_at=first,
            priority="low",
            tier="ordinary",
            channel="chat",
        )
        b = Ticket(
            id="a-second",
            created_at=second.astimezone(dt.UTC),
            priority="low",
            tier="ordinary",
            channel="chat",
        )
        assert [t.id for t in QueueOrder().order([b, a], now)] == [
            "b-first",
            "a-second",
        ]

    def test_microseconds_apart_are_not_merged(self):
        """Float timestamps near 1.7e9 s lose sub-microsecond steps; keys must be exact."""
        t0 = pendulum.datetime(2026, 1, 1, 12, 0, 0, 1)
        t1 = pendulum.datetime(2026, 1, 1, 12, 0, 0, 2)
        now = pendulum.datetime(2026, 1, 2)
        a = Ticket(
            id="z", created_at=t0, priority="low", tier="ordinary", channel="chat"
        )
        b = Ticket(
            id="a", created_at=t1, priority="low", tier="ordinary", channel="chat"
        )
        assert [t.id for t in QueueOrder().order([b, a], now)] == ["z", "a"]

    def test_stale_heap_entry_of_a_full_agent_is_not_reused(self):
        """A lazy heap once handed out an agent whose entry was filed before it filled up."""
        agents = [
            mk_agent("a", capacity={"chat": 1, "email": 1}),
            mk_agent("b", capacity={"chat": 2}),
        ]
        tickets = [
            mk_ticket("T1", minutes_ago=3),
            mk_ticket("T2", minutes_ago=2, channel="email"),
            mk_ticket("T3", minutes_ago=1),
        ]
        result = DEFAULT.dispatch(tickets, agents, NOW)
        assert [(a.ticket_id, a.agent_id) for a in result.assignments] == [
            ("T1", "a"),
            ("T2", "a"),
            ("T3", "b"),
        ]
