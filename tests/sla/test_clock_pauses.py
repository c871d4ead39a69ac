"""Rules 13-14 of the SLA clocks: pauses, including pauses across closed hours.

Hand-computed: every expected instant is worked out in the comments (business
clocks checked against ``BusinessCalendar.add``); each docstring names the rule of
``docs/sla.md`` it pins. The shared world is ``sla/clock_world.py``.
"""

from helpers import HOUR, MINUTE, sh
from servicekit.sla import (
    MetricState,
    evaluate,
)
from servicekit.sla.presets import CHINA_BUSINESS_CALENDAR, SERVICE_STANDARD
from sla.clock_world import (
    ALL_FOUR,
    BUSINESS_RESOLUTION,
    FR,
    MON,
    MONDAY_UTC,
    RES,
    created,
    metric,
    reply,
    status,
)


class TestPausesAcrossClosedHours:
    """The bug behind frappe/erpnext PRs 47029, 49414 and 52489: "Resolution By" was
    computed by shifting the start by the hold's *real* duration (total_hold_time),
    so a hold spanning closed hours pushed the deadline past the working time it
    owed, and one version applied the hold time twice (to the start and to the
    result). Here elapsed time is summed over running stretches only."""

    FRIDAY = sh(2025, 3, 7, 10)

    def events(self):
        return [
            created(self.FRIDAY),
            reply(self.FRIDAY + 10 * MINUTE),
            status(sh(2025, 3, 7, 17), "pending"),
            status(sh(2025, 3, 10, 10), "open"),
        ]

    def test_pause_from_friday_17_00_to_monday_10_00(self):
        """Rules 13, 14: elapsed = Fri 10:00-12:00 + 13:30-17:00 (5.5 h) + Mon 10:00-11:00 (1 h).

        The pause holds Fri 17:00-18:00 and Mon 09:00-10:00 of working time and the
        whole weekend; none of it is counted and nothing is subtracted twice.
        Remaining 9.5 h from Mon 11:00: Mon 1 h + 4.5 h, Tue 09:00-12:00 + 13:30-14:30.
        """
        r = evaluate(BUSINESS_RESOLUTION, self.events(), sh(2025, 3, 10, 11))
        res = metric(r, RES)
        assert res.elapsed == 6 * HOUR + 30 * MINUTE
        assert res.remaining == 9 * HOUR + 30 * MINUTE
        assert res.due_at == sh(2025, 3, 11, 14, 30)
        assert CHINA_BUSINESS_CALENDAR.add(sh(2025, 3, 10, 11), 9.5 * HOUR) == sh(
            2025, 3, 11, 14, 30
        )

    def test_paused_over_the_weekend(self):
        """Rules 13, 15: on Saturday the cycle is PAUSED with 5.5 h used and no due_at."""
        r = evaluate(BUSINESS_RESOLUTION, self.events()[:3], sh(2025, 3, 8, 12))
        res = metric(r, RES)
        assert (res.state, res.elapsed, res.due_at) == (
            MetricState.PAUSED,
            5 * HOUR + 30 * MINUTE,
            None,
        )

    def test_solved_straight_from_paused_keeps_the_pause(self):
        """Rule 13: pending Fri 17:00, solved Mon 10:00: the weekend and Mon 09:00-10:00 are not counted."""
        events = [*self.events()[:3], status(sh(2025, 3, 10, 10), "solved")]
        res = metric(evaluate(BUSINESS_RESOLUTION, events, sh(2025, 3, 12)), RES)
        assert res.state is MetricState.MET
        assert res.elapsed == 5 * HOUR + 30 * MINUTE
        assert res.stopped_at == sh(2025, 3, 10, 10)

    def test_solved_from_paused_on_the_24h_preset(self):
        """Rule 13: SERVICE_STANDARD (24 real hours): 7 h before the hold, solved Monday: MET, 7 h."""
        events = [
            created(self.FRIDAY, tier="high_value"),
            reply(self.FRIDAY + HOUR),
            status(sh(2025, 3, 7, 17), "pending"),
            status(sh(2025, 3, 10, 10), "solved"),
        ]
        res = metric(evaluate(SERVICE_STANDARD, events, sh(2025, 3, 12)), RES)
        assert (res.state, res.elapsed) == (MetricState.MET, 7 * HOUR)

    def test_first_response_never_pauses(self):
        """Rule 13: pending before any reply does not stop the customer waiting for one."""
        events = [created(MON), status(MON + MINUTE, "pending")]
        r = evaluate(SERVICE_STANDARD, events, MON + 10 * MINUTE)
        assert metric(r, FR).state is MetricState.RUNNING
        assert metric(r, FR).elapsed == 10 * MINUTE
        assert metric(r, RES).state is MetricState.PAUSED

    def test_on_hold_pauses_like_pending(self):
        """Rule 13: the default pause_on is PENDING and ON_HOLD."""
        events = [
            created(MONDAY_UTC),
            status(MONDAY_UTC + HOUR, "on_hold"),
            status(MONDAY_UTC + 3 * HOUR, "pending"),
        ]
        res = metric(evaluate(ALL_FOUR, events, MONDAY_UTC + 5 * HOUR), RES)
        assert (res.state, res.elapsed) == (MetricState.PAUSED, HOUR)

    def test_created_outside_hours_waits_for_the_opening(self):
        """Rule 14: created Saturday, a business clock starts counting Monday 09:00."""
        sat = sh(2025, 3, 8, 15)
        r = evaluate(BUSINESS_RESOLUTION, [created(sat)], sh(2025, 3, 10, 9, 30))
        assert metric(r, FR).elapsed == 30 * MINUTE
        assert metric(r, FR).due_at == sh(2025, 3, 10, 11)
