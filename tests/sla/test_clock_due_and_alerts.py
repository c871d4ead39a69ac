"""Rules 15-20 of the SLA clocks: due instants, breaches, warnings and alerts.

Hand-computed: every expected instant is worked out in the comments (business
clocks checked against ``BusinessCalendar.add``); each docstring names the rule of
``docs/sla.md`` it pins. The shared world is ``sla/clock_world.py``.
"""

import datetime as dt

import pytest

from helpers import DAY, HOUR, MINUTE, SECOND, ZERO, sh
from servicekit.sla import (
    AlertKind,
    MetricState,
    evaluate,
)
from servicekit.sla.presets import SERVICE_STANDARD
from sla.clock_world import (
    ALL_FOUR,
    FR,
    MON,
    MONDAY_UTC,
    PU,
    RES,
    created,
    manager_reply,
    message,
    metric,
    policy,
    reply,
    status,
    target,
)


class TestDueAndBreach:
    def test_running_exactly_at_due_is_breached(self):
        """Rule 16: now == due_at is BREACHED; one microsecond earlier it is RUNNING."""
        p = policy("p", target(FR, HOUR))
        assert (
            metric(evaluate(p, [created(MONDAY_UTC)], MONDAY_UTC + HOUR), FR).state
            is MetricState.BREACHED
        )
        just = metric(
            evaluate(
                p,
                [created(MONDAY_UTC)],
                MONDAY_UTC + HOUR - dt.timedelta(microseconds=1),
            ),
            FR,
        )
        assert just.state is MetricState.RUNNING

    def test_business_clock_stopped_in_closed_hours_after_due(self):
        """Rules 15, 16: high value created Fri 16:00 (due 18:00), replied Sat 10:00: BREACHED at 18:00.

        Elapsed is exactly the target (2 h); the cycle stopped after its due instant.
        """
        fri = sh(2025, 3, 7, 16)
        r = evaluate(
            SERVICE_STANDARD,
            [created(fri, tier="high_value"), manager_reply(sh(2025, 3, 8, 10))],
            sh(2025, 3, 8, 11),
        )
        first = r.targets["manager_answer"]
        assert (first.state, first.elapsed, first.breached_at) == (
            MetricState.BREACHED,
            2 * HOUR,
            sh(2025, 3, 7, 18),
        )

    def test_business_clock_created_and_answered_while_closed(self):
        """Rules 14, 16: created and answered on Saturday: nothing elapsed, MET."""
        sat = sh(2025, 3, 8, 10)
        r = evaluate(
            SERVICE_STANDARD,
            [created(sat, tier="high_value"), manager_reply(sat + HOUR)],
            sat + HOUR,
        )
        manager = r.targets["manager_answer"]
        assert (manager.state, manager.elapsed) == (MetricState.MET, ZERO)

    def test_pausing_after_the_breach_stays_breached(self):
        """Rule 16: a breach is final: putting a late ticket on hold does not hide it."""
        events = [created(MONDAY_UTC), status(MONDAY_UTC + 9 * HOUR, "on_hold")]
        res = metric(evaluate(ALL_FOUR, events, MONDAY_UTC + 10 * HOUR), RES)
        assert res.state is MetricState.BREACHED
        assert res.breached_at == MONDAY_UTC + 8 * HOUR
        assert res.elapsed == 9 * HOUR

    def test_remaining_and_percent_used(self):
        """Rule 17: remaining = target - elapsed, percent_used = 100 * elapsed / target."""
        p = policy("p", target(FR, 40 * MINUTE))
        at_10 = metric(evaluate(p, [created(MONDAY_UTC)], MONDAY_UTC + 10 * MINUTE), FR)
        assert (at_10.remaining, at_10.percent_used) == (30 * MINUTE, 25.0)
        at_60 = metric(evaluate(p, [created(MONDAY_UTC)], MONDAY_UTC + 60 * MINUTE), FR)
        assert (at_60.remaining, at_60.percent_used) == (-20 * MINUTE, 150.0)
        assert at_60.elapsed + at_60.remaining == at_60.target.within

    def test_warnings_at_each_fraction(self):
        """Rule 18: warn_at (0.25, 0.5, 0.75) of 40 min fall at 10, 20 and 30 min, sorted."""
        p = policy("p", target(FR, 40 * MINUTE, warn_at=(0.75, 0.25, 0.5)))
        r = evaluate(p, [created(MONDAY_UTC)], MONDAY_UTC)
        assert [(a.threshold, a.at) for a in r.alerts] == [
            (0.25, MONDAY_UTC + 10 * MINUTE),
            (0.5, MONDAY_UTC + 20 * MINUTE),
            (0.75, MONDAY_UTC + 30 * MINUTE),
            (1.0, MONDAY_UTC + 40 * MINUTE),
        ]

    @pytest.mark.parametrize(
        ("fraction", "expected"), [(0.9, 36 * MINUTE), (0.1, 4 * MINUTE)]
    )
    def test_decimal_fractions_fall_on_the_decimal_instant(self, fraction, expected):
        """Rule 18: 0.9 x 40 min is 36 min, as the user wrote it, not 36 min + 1 us."""
        p = policy("p", target(FR, 40 * MINUTE, warn_at=(fraction,)))
        r = evaluate(p, [created(MONDAY_UTC)], MONDAY_UTC)
        assert r.alerts[0].at == MONDAY_UTC + expected

    def test_warnings_skip_a_pause(self):
        """Rules 13, 18: RESOLUTION 8 h paused 2 h-5 h: 75 % (6 h) falls at 9 h, the breach at 11 h."""
        events = [
            created(MONDAY_UTC),
            status(MONDAY_UTC + 2 * HOUR, "pending"),
            status(MONDAY_UTC + 5 * HOUR, "open"),
        ]
        r = evaluate(ALL_FOUR, events, MONDAY_UTC + 5 * HOUR)
        res_alerts = [(a.threshold, a.at) for a in r.alerts if a.metric is RES]
        assert res_alerts == [
            (0.5, MONDAY_UTC + 7 * HOUR),
            (0.75, MONDAY_UTC + 9 * HOUR),
            (1.0, MONDAY_UTC + 11 * HOUR),
        ]


class TestAlerts:
    def test_first_evaluated_long_after_the_breach(self):
        """Rule 19: a backlog imported days late yields one BREACH per breached metric, no warnings.

        Without this a notification job would page the on-call agent with every past
        warning at once.
        """
        r = evaluate(SERVICE_STANDARD, [created(MON, priority="urgent")], MON + 3 * DAY)
        assert [(a.kind, a.metric, a.at) for a in r.alerts] == [
            (AlertKind.BREACH, FR, MON + 5 * MINUTE),
            (AlertKind.BREACH, RES, MON + 24 * HOUR),
        ]
        assert r.breached == (FR, RES)
        assert r.next_change_at is None
        assert r.passed_alerts() == r.alerts
        assert r.upcoming_alerts() == ()

    def test_next_change_at_is_the_earliest_future_alert(self):
        """Rule 20: urgent at minute 1: next is FR 50 % at 2:30; at minute 3, FR 75 % at 3:45."""
        events = [created(MON, priority="urgent")]
        r = evaluate(SERVICE_STANDARD, events, MON + MINUTE)
        assert r.next_change_at == MON + 2 * MINUTE + 30 * SECOND
        assert r.passed_alerts() == ()
        assert [(a.metric, a.threshold) for a in r.upcoming_alerts()] == [
            (FR, 0.5),
            (FR, 0.75),
            (FR, 1.0),
            (RES, 0.5),
            (RES, 0.75),
            (RES, 1.0),
        ]
        r3 = evaluate(SERVICE_STANDARD, events, MON + 3 * MINUTE)
        assert r3.next_change_at == MON + 3 * MINUTE + 45 * SECOND
        assert [(a.metric, a.threshold) for a in r3.passed_alerts()] == [(FR, 0.5)]

    def test_an_alert_exactly_at_now_is_passed(self):
        """Rule 20: next_change_at is strictly after now; an alert at now is passed."""
        r = evaluate(
            SERVICE_STANDARD, [created(MON, priority="urgent")], MON + 150 * SECOND
        )
        assert [a.threshold for a in r.passed_alerts()] == [0.5]
        assert r.next_change_at == MON + 225 * SECOND

    def test_nothing_running_means_no_next_change(self):
        """Rule 20: a solved ticket needs no timer."""
        r = evaluate(
            SERVICE_STANDARD,
            [created(MON), reply(MON + MINUTE), status(MON + 2 * MINUTE, "solved")],
            MON + 3 * MINUTE,
        )
        assert r.alerts == ()
        assert r.next_change_at is None

    def test_paused_keeps_passed_warnings_only(self):
        """Rule 19: paused at 2.5 h of 4 h: the 50 % warning (2 h) stays, no breach is scheduled."""
        p = policy("p", target(RES, 4 * HOUR))
        events = [
            created(MONDAY_UTC),
            status(MONDAY_UTC + 2 * HOUR + 30 * MINUTE, "pending"),
        ]
        r = evaluate(p, events, MONDAY_UTC + 5 * HOUR)
        assert [(a.kind, a.threshold, a.at) for a in r.alerts] == [
            (AlertKind.WARNING, 0.5, MONDAY_UTC + 2 * HOUR)
        ]
        assert r.next_change_at is None

    def test_report_is_constant_until_next_change(self):
        """Rule 20: between now and next_change_at only elapsed time changes."""
        events = [
            created(MON, priority="urgent"),
            reply(MON + MINUTE),
            message(MON + 2 * MINUTE),
        ]
        r = evaluate(SERVICE_STANDARD, events, MON + 3 * MINUTE)
        nxt = r.next_change_at
        assert nxt == MON + 2 * MINUTE + 150 * SECOND
        just_before = evaluate(
            SERVICE_STANDARD, events, nxt - dt.timedelta(microseconds=1)
        )
        for m, s in r.metrics.items():
            t = just_before.metrics[m]
            assert (t.state, t.due_at, t.breached_at) == (
                s.state,
                s.due_at,
                s.breached_at,
            )
        assert just_before.alerts == r.alerts
        assert just_before.next_change_at == nxt

    def test_alerts_are_sorted_by_instant_then_metric(self):
        """Rule 19: two metrics with alerts at the same instant come in metric order."""
        p = policy("p", target(RES, HOUR), target(FR, HOUR))
        r = evaluate(p, [created(MONDAY_UTC)], MONDAY_UTC)
        assert [(a.at, a.metric) for a in r.alerts] == [
            (MONDAY_UTC + 30 * MINUTE, FR),
            (MONDAY_UTC + 30 * MINUTE, RES),
            (MONDAY_UTC + 45 * MINUTE, FR),
            (MONDAY_UTC + 45 * MINUTE, RES),
            (MONDAY_UTC + HOUR, FR),
            (MONDAY_UTC + HOUR, RES),
        ]

    def test_met_or_not_started_has_no_alerts(self):
        """Rule 19: nothing for a MET metric or one that has not started."""
        r = evaluate(
            ALL_FOUR,
            [created(MONDAY_UTC), reply(MONDAY_UTC + MINUTE)],
            MONDAY_UTC + 2 * MINUTE,
        )
        assert {a.metric for a in r.alerts} == {PU, RES}
