"""The service-standard preset on real tickets: urgent outages, high-value customers, channels.

Hand-computed: every expected instant is worked out in the comments (business
clocks checked against ``BusinessCalendar.add``); each docstring names the rule of
``docs/sla.md`` it pins. The shared world is ``sla/clock_world.py``.
"""

import pytest

from helpers import DAY, HOUR, MINUTE, SECOND, sh
from servicekit import Channel, Priority, Tier
from servicekit.sla import (
    AlertKind,
    MetricState,
    TicketStatus,
    evaluate,
)
from servicekit.sla.presets import CHINA_BUSINESS_CALENDAR, SERVICE_STANDARD
from sla.clock_world import (
    FR,
    MON,
    PU,
    RES,
    created,
    metric,
    reply,
    status,
)


class TestServiceStandard:
    def test_urgent_outage_answered_in_4_minutes_is_met(self):
        """Rules 5, 8, 16: an URGENT ticket (5 min, 24x7) replied at minute 4 is MET."""
        r = evaluate(
            SERVICE_STANDARD,
            [created(MON, priority=Priority.URGENT), reply(MON + 4 * MINUTE)],
            MON + 10 * MINUTE,
        )
        first = metric(r, FR)
        assert r.policy == "urgent"
        assert first.state is MetricState.MET
        assert first.elapsed == 4 * MINUTE
        assert first.remaining == 1 * MINUTE
        assert first.stopped_at == MON + 4 * MINUTE
        assert first.breached_at is None
        assert first.due_at == MON + 5 * MINUTE

    def test_urgent_outage_answered_in_6_minutes_is_breached_at_minute_5(self):
        """Rule 16: the breach instant is the due instant (created + 5 min), not the reply."""
        r = evaluate(
            SERVICE_STANDARD,
            [created(MON, priority=Priority.URGENT), reply(MON + 6 * MINUTE)],
            MON + 10 * MINUTE,
        )
        first = metric(r, FR)
        assert first.state is MetricState.BREACHED
        assert first.breached_at == MON + 5 * MINUTE
        assert first.stopped_at == MON + 6 * MINUTE
        assert first.remaining == -1 * MINUTE
        assert first.percent_used == 120.0

    def test_urgent_is_24x7_even_at_night_on_a_holiday(self):
        """Rule 14: urgent targets are real time: 03:00 on Spring Festival is due 03:05."""
        night = sh(2025, 1, 29, 3)
        r = evaluate(SERVICE_STANDARD, [created(night, priority="urgent")], night)
        assert metric(r, FR).due_at == night + 5 * MINUTE

    @pytest.mark.parametrize(
        ("channel", "name", "allowance"),
        [(Channel.CHAT, "chat", 30 * SECOND), (Channel.BOT, "bot", 10 * SECOND)],
    )
    def test_chat_30_seconds_and_bot_10_seconds(self, channel, name, allowance):
        """Rules 8, 16: a reply one second early is MET, one second late is BREACHED."""
        base = [created(MON, channel=channel, priority="normal")]
        on_time = evaluate(
            SERVICE_STANDARD, [*base, reply(MON + allowance - SECOND)], MON + HOUR
        )
        late = evaluate(
            SERVICE_STANDARD, [*base, reply(MON + allowance + SECOND)], MON + HOUR
        )
        assert on_time.policy == late.policy == name
        assert metric(on_time, FR).state is MetricState.MET
        assert metric(late, FR).state is MetricState.BREACHED
        assert metric(late, FR).breached_at == MON + allowance

    def test_bot_reply_exactly_at_10_seconds_is_breached(self):
        """Rule 16: a cycle stopped at an instant >= due_at is BREACHED (the bound is closed)."""
        r = evaluate(
            SERVICE_STANDARD,
            [created(MON, channel="bot"), reply(MON + 10 * SECOND)],
            MON + MINUTE,
        )
        assert metric(r, FR).state is MetricState.BREACHED
        assert metric(r, FR).breached_at == MON + 10 * SECOND

    def test_logistics_complaint_fast_lane_15_minutes(self):
        """Rule 5: category logistics_complaint selects the 15-minute fast lane."""
        r = evaluate(
            SERVICE_STANDARD,
            [created(MON, category="logistics_complaint", channel="email")],
            MON + 14 * MINUTE,
        )
        assert r.policy == "logistics_fast_lane"
        assert metric(r, FR).state is MetricState.RUNNING
        assert metric(r, FR).due_at == MON + 15 * MINUTE
        assert metric(r, FR).remaining == MINUTE

    def test_high_value_friday_17_00_is_due_monday_10_00(self):
        """Rules 14, 15: 2 business hours = Fri 17:00-18:00 + Mon 09:00-10:00."""
        friday = sh(2025, 3, 7, 17)
        r = evaluate(SERVICE_STANDARD, [created(friday, tier=Tier.HIGH_VALUE)], friday)
        assert r.policy == "high_value"
        assert r.targets["manager_answer"].due_at == sh(2025, 3, 10, 10)
        assert metric(r, FR).due_at == sh(2025, 3, 7, 17, 30)  # and the reply
        assert CHINA_BUSINESS_CALENDAR.add(friday, 2 * HOUR) == sh(2025, 3, 10, 10)
        # Saturday noon: still one business hour used, one left.
        sat = evaluate(
            SERVICE_STANDARD, [created(friday, tier="high_value")], sh(2025, 3, 8, 12)
        )
        assert sat.targets["manager_answer"].elapsed == HOUR
        assert sat.targets["manager_answer"].state is MetricState.RUNNING

    def test_high_value_skips_the_lunch_break(self):
        """Rules 14, 15, 18: Mon 11:00 + 2 h = 11:00-12:00 + 13:30-14:30; warnings skip lunch too.

        50 % (1 h) falls at 12:00 exactly (the end of the morning, not 13:30);
        75 % (1.5 h) at 14:00.
        """
        start = sh(2025, 3, 3, 11)
        r = evaluate(SERVICE_STANDARD, [created(start, tier="high_value")], start)
        assert r.targets["manager_answer"].due_at == sh(2025, 3, 3, 14, 30)
        first_alerts = [
            (a.kind, a.threshold, a.at)
            for a in r.alerts
            if a.target == "manager_answer"
        ]
        assert first_alerts == [
            (AlertKind.WARNING, 0.5, sh(2025, 3, 3, 12)),
            (AlertKind.WARNING, 0.75, sh(2025, 3, 3, 14)),
            (AlertKind.BREACH, 1.0, sh(2025, 3, 3, 14, 30)),
        ]
        at_lunch = evaluate(
            SERVICE_STANDARD, [created(start, tier="high_value")], sh(2025, 3, 3, 13)
        )
        assert at_lunch.targets["manager_answer"].elapsed == HOUR

    def test_24h_resolution_with_pending_pauses(self):
        """Rules 11, 13: 24 real hours, minus the time spent pending.

        Created Mon 10:00, pending Mon 12:00 - Tue 12:00 (24 h paused), so 2 h are
        used and the remaining 22 h run from Tue 12:00: due Wed 10:00. Solved Wed
        09:00: MET with 23 h elapsed.
        """
        events = [
            created(MON, priority="urgent"),
            reply(MON + 2 * MINUTE),
            status(MON + 2 * HOUR, TicketStatus.PENDING),
            status(MON + 26 * HOUR, TicketStatus.OPEN),
        ]
        paused = evaluate(SERVICE_STANDARD, events[:3], MON + 10 * HOUR)
        assert metric(paused, RES).state is MetricState.PAUSED
        assert metric(paused, RES).due_at is None
        assert metric(paused, RES).elapsed == 2 * HOUR
        running = evaluate(SERVICE_STANDARD, events, MON + 26 * HOUR)
        assert metric(running, RES).due_at == sh(2025, 3, 5, 10)
        done = evaluate(
            SERVICE_STANDARD,
            [*events, status(sh(2025, 3, 5, 9), TicketStatus.SOLVED)],
            sh(2025, 3, 6),
        )
        assert metric(done, RES).state is MetricState.MET
        assert metric(done, RES).elapsed == 23 * HOUR
        assert done.next_change_at is None

    def test_requirement_weekly_update_counts_cycles(self):
        """Rule 10: PERIODIC_UPDATE runs between consecutive public replies (7 days, 24x7).

        Replies at +10 min, +6 d, +14 d: cycle 1 (6 d) MET, cycle 2 (8 d) breached at
        +6 d + 7 d = +13 d, cycle 3 running, due +21 d.
        """
        start = MON
        events = [
            created(start, category="requirement"),
            reply(start + 10 * MINUTE),
            reply(start + 6 * DAY),
            reply(start + 14 * DAY),
        ]
        before = evaluate(SERVICE_STANDARD, events[:1], start + 5 * MINUTE)
        assert before.policy == "requirement"
        assert metric(before, PU).state is MetricState.NOT_STARTED
        assert metric(before, PU).cycles == 0
        assert RES not in before.metrics  # delivery belongs to servicekit.acceptance
        r = evaluate(SERVICE_STANDARD, events, start + 15 * DAY)
        update = metric(r, PU)
        assert update.cycles == 3
        assert update.breached_cycles == 1
        assert update.state is MetricState.RUNNING
        assert update.started_at == start + 14 * DAY
        assert update.due_at == start + 21 * DAY
        mid = evaluate(SERVICE_STANDARD, events[:3], start + 13 * DAY)
        assert metric(mid, PU).state is MetricState.BREACHED
        assert metric(mid, PU).breached_at == start + 6 * DAY + 7 * DAY
