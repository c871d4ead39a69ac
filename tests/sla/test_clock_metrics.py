"""Rules 8-12 of the SLA clocks: first response, next response, periodic update, resolution.

Hand-computed: every expected instant is worked out in the comments (business
clocks checked against ``BusinessCalendar.add``); each docstring names the rule of
``docs/sla.md`` it pins. The shared world is ``sla/clock_world.py``.
"""

from helpers import DAY, HOUR, MINUTE, ZERO
from servicekit.sla import (
    MetricState,
    evaluate,
)
from sla.clock_world import (
    ALL_FOUR,
    FR,
    MONDAY_UTC,
    NR,
    PU,
    RES,
    created,
    message,
    metric,
    reopened,
    reply,
    status,
)


class TestFirstResponse:
    def test_one_cycle_from_created_to_the_first_reply(self):
        """Rule 8: later replies do not touch FIRST_RESPONSE."""
        r = evaluate(
            ALL_FOUR,
            [
                created(MONDAY_UTC),
                reply(MONDAY_UTC + 10 * MINUTE),
                message(MONDAY_UTC + 11 * MINUTE),
                reply(MONDAY_UTC + 50 * MINUTE),
            ],
            MONDAY_UTC + HOUR,
        )
        first = metric(r, FR)
        assert (first.cycles, first.state, first.elapsed) == (
            1,
            MetricState.MET,
            10 * MINUTE,
        )
        assert first.stopped_at == MONDAY_UTC + 10 * MINUTE


class TestNextResponse:
    def test_messages_before_the_first_reply_start_nothing(self):
        """Rule 9: a customer chasing an unanswered ticket is covered by FIRST_RESPONSE."""
        r = evaluate(
            ALL_FOUR,
            [
                created(MONDAY_UTC),
                message(MONDAY_UTC + MINUTE),
                message(MONDAY_UTC + 2 * MINUTE),
            ],
            MONDAY_UTC + 5 * MINUTE,
        )
        assert metric(r, NR).state is MetricState.NOT_STARTED
        assert metric(r, NR).cycles == 0
        after = evaluate(
            ALL_FOUR,
            [
                created(MONDAY_UTC),
                message(MONDAY_UTC + MINUTE),
                reply(MONDAY_UTC + 3 * MINUTE),
            ],
            MONDAY_UTC + 5 * MINUTE,
        )
        assert metric(after, NR).state is MetricState.NOT_STARTED

    def test_cycles_and_breached_cycles(self):
        """Rule 9: cycle 1 answered in 10 min (MET), cycle 2 in 40 min (breached), cycle 3 running.

        A second message while waiting does not restart the cycle (a chatty customer
        does not extend the deadline).
        """
        events = [
            created(MONDAY_UTC),
            reply(MONDAY_UTC + MINUTE),
            message(MONDAY_UTC + 10 * MINUTE),
            reply(MONDAY_UTC + 20 * MINUTE),
            message(MONDAY_UTC + 30 * MINUTE),
            message(MONDAY_UTC + 50 * MINUTE),  # still awaiting: starts nothing
            reply(MONDAY_UTC + 70 * MINUTE),
            message(MONDAY_UTC + 80 * MINUTE),
        ]
        r = evaluate(ALL_FOUR, events, MONDAY_UTC + 90 * MINUTE)
        nxt = metric(r, NR)
        assert nxt.cycles == 3
        assert nxt.breached_cycles == 1
        assert nxt.state is MetricState.RUNNING
        assert nxt.started_at == MONDAY_UTC + 80 * MINUTE
        assert nxt.due_at == MONDAY_UTC + 110 * MINUTE
        mid = evaluate(ALL_FOUR, events[:7], MONDAY_UTC + 75 * MINUTE)
        assert metric(mid, NR).state is MetricState.BREACHED
        assert (
            metric(mid, NR).breached_at == MONDAY_UTC + 60 * MINUTE
        )  # from the message at 30, not 50
        assert metric(mid, NR).cycles == 2

    def test_a_breach_in_an_earlier_cycle_is_still_counted(self):
        """Rule 9: the state is the latest cycle's; breached_cycles remembers the others."""
        events = [
            created(MONDAY_UTC),
            reply(MONDAY_UTC + MINUTE),
            message(MONDAY_UTC + 10 * MINUTE),
            reply(MONDAY_UTC + 50 * MINUTE),  # breached at 40
            message(MONDAY_UTC + 60 * MINUTE),
            reply(MONDAY_UTC + 61 * MINUTE),
        ]
        nxt = metric(evaluate(ALL_FOUR, events, MONDAY_UTC + 2 * HOUR), NR)
        assert (nxt.state, nxt.cycles, nxt.breached_cycles) == (MetricState.MET, 2, 1)

    def test_reopened_starts_a_cycle(self):
        """Rules 9, 11: a reopened ticket has a customer waiting: NEXT_RESPONSE starts."""
        events = [
            created(MONDAY_UTC),
            reply(MONDAY_UTC + MINUTE),
            status(MONDAY_UTC + 2 * MINUTE, "solved"),
            reopened(MONDAY_UTC + HOUR),
        ]
        r = evaluate(ALL_FOUR, events, MONDAY_UTC + HOUR + 10 * MINUTE)
        nxt = metric(r, NR)
        assert (nxt.state, nxt.cycles) == (MetricState.RUNNING, 1)
        assert nxt.started_at == MONDAY_UTC + HOUR
        assert nxt.due_at == MONDAY_UTC + HOUR + 30 * MINUTE

    def test_solving_stops_all_cycles_and_messages_on_solved_tickets_start_nothing(
        self,
    ):
        """Rule 12: "thanks!" after the solution must not open a new SLA cycle."""
        events = [
            created(MONDAY_UTC),
            reply(MONDAY_UTC + MINUTE),
            message(MONDAY_UTC + 10 * MINUTE),
            status(MONDAY_UTC + 15 * MINUTE, "solved"),
            message(MONDAY_UTC + 20 * MINUTE),
        ]
        r = evaluate(ALL_FOUR, events, MONDAY_UTC + 3 * HOUR)
        nxt = metric(r, NR)
        assert (nxt.state, nxt.cycles, nxt.stopped_at) == (
            MetricState.MET,
            1,
            MONDAY_UTC + 15 * MINUTE,
        )
        assert metric(r, PU).state is MetricState.MET
        assert metric(r, RES).state is MetricState.MET
        assert r.alerts == ()
        assert r.next_change_at is None
        # A reply on a solved ticket starts nothing either (rule 10: "unsolved").
        r2 = evaluate(
            ALL_FOUR, [*events, reply(MONDAY_UTC + 30 * MINUTE)], MONDAY_UTC + 3 * HOUR
        )
        assert metric(r2, PU).cycles == 1


class TestStatusBackToOpen:
    def test_solved_to_open_starts_no_next_response_cycle(self):
        """Rules 9, 11: only REOPENED starts a NEXT_RESPONSE cycle; SOLVED -> OPEN resumes RESOLUTION only.

        The next customer message starts one (nobody is awaiting a reply).
        """
        events = [
            created(MONDAY_UTC),
            reply(MONDAY_UTC + MINUTE),
            status(MONDAY_UTC + 2 * MINUTE, "solved"),
            status(MONDAY_UTC + HOUR, "open"),
        ]
        r = evaluate(ALL_FOUR, events, MONDAY_UTC + 2 * HOUR)
        assert metric(r, NR).state is MetricState.NOT_STARTED
        assert metric(r, RES).state is MetricState.RUNNING
        r2 = evaluate(
            ALL_FOUR, [*events, message(MONDAY_UTC + 2 * HOUR)], MONDAY_UTC + 2 * HOUR
        )
        assert metric(r2, NR).state is MetricState.RUNNING


class TestPeriodicUpdate:
    def test_pending_pauses_the_update_clock(self):
        """Rule 13: waiting for the customer does not count against the update promise."""
        events = [
            created(MONDAY_UTC),
            reply(MONDAY_UTC + MINUTE),  # PU cycle starts, 2 h
            status(MONDAY_UTC + HOUR + MINUTE, "pending"),  # 1 h used
            status(MONDAY_UTC + 5 * HOUR + MINUTE, "open"),
        ]
        r = evaluate(ALL_FOUR, events, MONDAY_UTC + 5 * HOUR + 31 * MINUTE)
        update = metric(r, PU)
        assert update.elapsed == HOUR + 30 * MINUTE
        assert update.due_at == MONDAY_UTC + 6 * HOUR + MINUTE

    def test_reply_while_pending_starts_a_paused_cycle(self):
        """Rules 10, 13: a reply while pending ends the cycle and starts one that is paused."""
        events = [
            created(MONDAY_UTC),
            reply(MONDAY_UTC + MINUTE),
            status(MONDAY_UTC + 10 * MINUTE, "pending"),
            reply(MONDAY_UTC + 20 * MINUTE),
        ]
        update = metric(evaluate(ALL_FOUR, events, MONDAY_UTC + HOUR), PU)
        assert (update.cycles, update.state, update.elapsed) == (
            2,
            MetricState.PAUSED,
            ZERO,
        )


class TestResolution:
    def test_reopen_resumes_with_accumulated_time(self):
        """Rule 11: solved after 3 h, reopened a day later: 3 h carried, due 5 h after the reopen."""
        events = [
            created(MONDAY_UTC),
            reply(MONDAY_UTC + MINUTE),
            status(MONDAY_UTC + 3 * HOUR, "solved"),
            reopened(MONDAY_UTC + DAY),
        ]
        r = evaluate(ALL_FOUR, events, MONDAY_UTC + DAY + HOUR)
        res = metric(r, RES)
        assert res.cycles == 1
        assert res.state is MetricState.RUNNING
        assert res.elapsed == 4 * HOUR
        assert res.due_at == MONDAY_UTC + DAY + 5 * HOUR

    def test_status_back_to_open_also_resumes(self):
        """Rule 11: STATUS_CHANGED SOLVED -> OPEN behaves like REOPENED for RESOLUTION."""
        events = [
            created(MONDAY_UTC),
            status(MONDAY_UTC + 3 * HOUR, "solved"),
            status(MONDAY_UTC + DAY, "open"),
        ]
        res = metric(evaluate(ALL_FOUR, events, MONDAY_UTC + DAY + HOUR), RES)
        assert res.elapsed == 4 * HOUR

    def test_solved_to_pending_resumes_paused(self):
        """Rules 11, 13: SOLVED -> PENDING resumes RESOLUTION, paused."""
        events = [
            created(MONDAY_UTC),
            status(MONDAY_UTC + 3 * HOUR, "solved"),
            status(MONDAY_UTC + DAY, "pending"),
        ]
        res = metric(evaluate(ALL_FOUR, events, MONDAY_UTC + DAY + HOUR), RES)
        assert (res.state, res.elapsed, res.due_at) == (
            MetricState.PAUSED,
            3 * HOUR,
            None,
        )

    def test_a_breach_survives_reopening(self):
        """Rule 16: breached at 8 h, solved at 9 h, reopened: still BREACHED."""
        events = [
            created(MONDAY_UTC),
            status(MONDAY_UTC + 9 * HOUR, "solved"),
            reopened(MONDAY_UTC + DAY),
        ]
        res = metric(evaluate(ALL_FOUR, events, MONDAY_UTC + DAY + MINUTE), RES)
        assert res.state is MetricState.BREACHED
        assert res.breached_at == MONDAY_UTC + 8 * HOUR
