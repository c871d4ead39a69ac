import datetime as dt

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from routing import reference
from servicekit import Priority
from servicekit.errors import (
    DeserializationError,
    DuplicateIdError,
    InvalidArgumentError,
    InvalidTypeError,
)
from servicekit.routing import QueueOrder, Ticket
from strategies import ROUTING_NOW, routing_queues

promotions = st.none() | st.timedeltas(
    min_value=dt.timedelta(minutes=1), max_value=dt.timedelta(hours=10)
)


class TestQueueOrder:
    @given(routing_queues(max_size=15), promotions, st.data())
    def test_matches_reference_and_ignores_input_order(self, tickets, bound, data):
        q = QueueOrder(promote_every=bound)
        expected = [
            t.id
            for t in sorted(
                tickets, key=lambda t: reference.queue_key(t, ROUTING_NOW, bound)
            )
        ]
        assert [t.id for t in q.order(tickets, ROUTING_NOW)] == expected
        shuffled = data.draw(st.permutations(tickets))
        assert [t.id for t in q.order(shuffled, ROUTING_NOW)] == expected

    @given(routing_queues(max_size=5), promotions)
    def test_effective_priority_never_drops_and_stops_at_urgent(self, tickets, bound):
        q = QueueOrder(promote_every=bound)
        for t in tickets:
            p = q.effective_priority(t, ROUTING_NOW)
            assert p >= t.priority
            assert q.key(t, ROUTING_NOW)[0] == p.rank

    def test_promotion_one_level_per_bound(self):
        now = pendulum.datetime(2026, 1, 1, 12)
        q = QueueOrder(promote_every=dt.timedelta(hours=1))
        for hours, expected in [
            (0, "low"),
            (1, "normal"),
            (2, "high"),
            (3, "urgent"),
            (9, "urgent"),
        ]:
            t = Ticket(
                id="T",
                created_at=now.subtract(hours=hours),
                priority="low",
                tier="ordinary",
                channel="chat",
            )
            assert q.effective_priority(t, now) is Priority(expected)

    def test_due_at_before_creation_and_none_last(self):
        now = pendulum.datetime(2026, 1, 1, 12)
        mk = lambda i, due, created: Ticket(  # noqa: E731
            id=i,
            created_at=now.subtract(minutes=created),
            priority="high",
            tier="ordinary",
            channel="chat",
            due_at=None if due is None else now.add(minutes=due),
        )
        order = QueueOrder().order(
            [mk("nodue", None, 50), mk("late", 30, 40), mk("soon", 10, 1)], now
        )
        assert [t.id for t in order] == ["soon", "late", "nodue"]

    def test_bad_input(self):
        now = pendulum.datetime(2026, 1, 1, 12)
        t = Ticket(
            id="T", created_at=now, priority="low", tier="ordinary", channel="chat"
        )
        with pytest.raises(DuplicateIdError):
            QueueOrder().order([t, t], now)
        with pytest.raises(InvalidTypeError):
            QueueOrder().order(["T"], now)
        with pytest.raises(InvalidArgumentError, match="after now"):
            QueueOrder().order([t], now.subtract(seconds=1))
        with pytest.raises(InvalidArgumentError):
            QueueOrder(promote_every=dt.timedelta(0))
        with pytest.raises(InvalidTypeError):
            QueueOrder(promote_every=60)

    @given(promotions)
    def test_round_trip(self, bound):
        q = QueueOrder(promote_every=bound)
        assert QueueOrder.from_dict(q.to_dict()) == q

    def test_from_dict_errors(self):
        with pytest.raises(DeserializationError):
            QueueOrder.from_dict({"promote_every": "an hour"})
        with pytest.raises(DeserializationError):
            QueueOrder.from_dict([])
