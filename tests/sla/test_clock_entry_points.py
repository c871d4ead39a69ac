"""SlaClock (one event at a time) and evaluate_many (many tickets), on hand-computed logs.

Hand-computed: every expected instant is worked out in the comments (business
clocks checked against ``BusinessCalendar.add``); each docstring names the rule of
``docs/sla.md`` it pins. The shared world is ``sla/clock_world.py``.
"""

import pickle

import pytest

from helpers import HOUR, MINUTE
from servicekit.errors import (
    InvalidEventError,
    InvalidTypeError,
)
from servicekit.sla import (
    SlaClock,
    evaluate,
    evaluate_many,
)
from servicekit.sla.presets import SERVICE_STANDARD
from sla.clock_world import (
    ALL_FOUR,
    MON,
    MONDAY_UTC,
    created,
    message,
    reopened,
    reply,
    status,
)


class TestSlaClock:
    def test_incremental_equals_batch(self):
        """SlaClock.start(first).apply(rest) == evaluate(all)."""
        events = [
            created(MONDAY_UTC),
            reply(MONDAY_UTC + MINUTE),
            message(MONDAY_UTC + 5 * MINUTE),
            status(MONDAY_UTC + 6 * MINUTE, "pending"),
            status(MONDAY_UTC + HOUR, "open"),
        ]
        clock = SlaClock.start(ALL_FOUR, events[:2])
        for e in events[2:]:
            clock = clock.apply([e])
        assert clock.report(MONDAY_UTC + 2 * HOUR) == evaluate(
            ALL_FOUR, events, MONDAY_UTC + 2 * HOUR
        )
        assert clock.last_event_at == MONDAY_UTC + HOUR

    def test_apply_an_earlier_event_raises_and_keeps_the_clock(self):
        """SlaClock.apply refuses an event earlier than one applied; the old clock is unchanged."""
        clock = SlaClock.start(
            ALL_FOUR, [created(MONDAY_UTC), reply(MONDAY_UTC + 10 * MINUTE)]
        )
        before = clock.report(MONDAY_UTC + HOUR)
        with pytest.raises(InvalidEventError, match="earlier than an event"):
            clock.apply([message(MONDAY_UTC + 5 * MINUTE)])
        assert clock.report(MONDAY_UTC + HOUR) == before

    def test_a_failed_batch_changes_nothing(self):
        """A batch whose second event is invalid raises; the first is not half-applied."""
        clock = SlaClock.start(ALL_FOUR, [created(MONDAY_UTC)])
        before = clock.report(MONDAY_UTC + HOUR)
        with pytest.raises(InvalidEventError, match="REOPENED"):
            clock.apply([reply(MONDAY_UTC + MINUTE), reopened(MONDAY_UTC + 2 * MINUTE)])
        assert clock.report(MONDAY_UTC + HOUR) == before

    def test_apply_accepts_a_single_event_and_rejects_other_things(self):
        """apply(event) works like apply([event]); a dict raises InvalidTypeError."""
        clock = SlaClock.start(ALL_FOUR, [created(MONDAY_UTC)])
        assert clock.apply(reply(MONDAY_UTC + MINUTE)).report(
            MONDAY_UTC + HOUR
        ) == clock.apply([reply(MONDAY_UTC + MINUTE)]).report(MONDAY_UTC + HOUR)
        with pytest.raises(InvalidTypeError, match="TicketEvent"):
            clock.apply([{"at": "2025-03-03T09:01:00+00:00", "kind": "agent_reply"}])

    def test_clock_pickles(self):
        """A clock stored between requests (pickle) reports the same."""
        clock = SlaClock.start(SERVICE_STANDARD, [created(MON, tier="high_value")])
        back = pickle.loads(pickle.dumps(clock))
        assert back.report(MON + HOUR) == clock.report(MON + HOUR)
        assert back.apply([reply(MON + 2 * HOUR)]).report(
            MON + 3 * HOUR
        ) == clock.apply([reply(MON + 2 * HOUR)]).report(MON + 3 * HOUR)


class TestEvaluateMany:
    def test_lazily_in_order(self):
        """evaluate_many is a generator: a bad ticket raises only when it is reached."""
        logs = [
            [created(MON, priority="urgent")],
            [created(MON, channel="chat")],
            [reply(MON)],  # no CREATED
        ]
        it = evaluate_many(SERVICE_STANDARD, logs, MON + MINUTE)
        assert next(it).policy == "urgent"
        assert next(it).policy == "chat"
        with pytest.raises(InvalidEventError, match="CREATED"):
            next(it)

    def test_reads_its_input_lazily(self):
        """evaluate_many pulls one history at a time from an iterator."""
        pulled = []

        def histories():
            for p in ("urgent", "normal"):
                pulled.append(p)
                yield [created(MON, priority=p)]

        it = evaluate_many(SERVICE_STANDARD, histories(), MON)
        assert pulled == []
        next(it)
        assert pulled == ["urgent"]

    def test_equals_evaluate_each(self):
        """evaluate_many(ps, logs, now) == [evaluate(ps, log, now) for log in logs]."""
        logs = [
            [created(MON, priority="urgent"), reply(MON + 6 * MINUTE)],
            [created(MON, tier="high_value"), message(MON + MINUTE)],
        ]
        now = MON + HOUR
        assert list(evaluate_many(SERVICE_STANDARD, logs, now)) == [
            evaluate(SERVICE_STANDARD, log, now) for log in logs
        ]
        assert list(evaluate_many(ALL_FOUR, logs, now)) == [
            evaluate(ALL_FOUR, log, now) for log in logs
        ]
