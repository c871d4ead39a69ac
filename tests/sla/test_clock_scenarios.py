"""Hand-computed scenarios of the SLA clocks, one or more per rule of ``docs/sla.md``.

Every expected instant is worked out by hand in the comments (and, for business
clocks, checked against ``BusinessCalendar.add``). Each test's docstring names the
rule it pins and, where there is one, the real-world bug it keeps out. The random
properties and the brute-force reference live in ``test_clock_properties.py`` and
``test_clock_stateful.py``.
"""

import datetime as dt
import json
import pickle
from zoneinfo import ZoneInfo

import pendulum
import pytest

from servicekit import Channel, Priority, Tier
from servicekit.errors import (
    DeserializationError,
    DuplicateIdError,
    InvalidArgumentError,
    InvalidEventError,
    InvalidTypeError,
    NaiveDatetimeError,
    NoMatchingPolicyError,
    ServiceKitError,
    UnknownNameError,
)
from servicekit.sla import (
    Alert,
    AlertKind,
    BusinessCalendar,
    EventKind,
    Metric,
    MetricState,
    MetricStatus,
    PolicySet,
    SlaClock,
    SlaPolicy,
    SlaReport,
    SlaTarget,
    TicketEvent,
    TicketStatus,
    evaluate,
    evaluate_many,
)
from servicekit.sla.presets import CHINA_BUSINESS_CALENDAR, SERVICE_STANDARD

SH = "Asia/Shanghai"
NY = "America/New_York"
S = dt.timedelta(seconds=1)
M = dt.timedelta(minutes=1)
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
ZERO = dt.timedelta(0)
UTC24 = BusinessCalendar.always_open("UTC")

FR = Metric.FIRST_RESPONSE
NR = Metric.NEXT_RESPONSE
PU = Metric.PERIODIC_UPDATE
RES = Metric.RESOLUTION

# Monday 3 March 2025, 10:00 Beijing time: an ordinary working morning.
MON = pendulum.datetime(2025, 3, 3, 10, tz=SH)
T0 = pendulum.datetime(2025, 3, 3, 9, tz="UTC")


def sh(*args):
    return pendulum.datetime(*args, tz=SH)


def created(at, **facts):
    return TicketEvent(at=at, kind=EventKind.CREATED, **facts)


def reply(at):
    return TicketEvent(at=at, kind=EventKind.AGENT_REPLY)


def message(at):
    return TicketEvent(at=at, kind=EventKind.CUSTOMER_MESSAGE)


def status(at, new):
    return TicketEvent(at=at, kind=EventKind.STATUS_CHANGED, status=new)


def reopened(at):
    return TicketEvent(at=at, kind=EventKind.REOPENED)


def priority(at, new):
    return TicketEvent(at=at, kind=EventKind.PRIORITY_CHANGED, priority=new)


def target(metric, within, *, business=False, warn_at=(0.5, 0.75)):
    return SlaTarget(
        metric=metric, within=within, business_hours=business, warn_at=warn_at
    )


def policy(name, *targets, calendar=UTC24, when=None, **kw):
    return SlaPolicy(name=name, targets=targets, calendar=calendar, when=when, **kw)


# A 24x7 policy measuring all four clocks, for rules that are not about the preset.
ALL_FOUR = policy(
    "all-four",
    target(FR, 30 * M),
    target(NR, 30 * M),
    target(PU, 2 * H),
    target(RES, 8 * H),
)


def metric(report, m):
    return report.metrics[m]


def same_instant(a, b):
    return a is not None and b is not None and a.timestamp() == b.timestamp()


# ============================================================ the service standard


class TestServiceStandard:
    def test_urgent_outage_answered_in_4_minutes_is_met(self):
        """Rules 5, 8, 16: an URGENT ticket (5 min, 24x7) replied at minute 4 is MET."""
        r = evaluate(
            SERVICE_STANDARD,
            [created(MON, priority=Priority.URGENT), reply(MON + 4 * M)],
            MON + 10 * M,
        )
        first = metric(r, FR)
        assert r.policy == "urgent"
        assert first.state is MetricState.MET
        assert first.elapsed == 4 * M
        assert first.remaining == 1 * M
        assert first.stopped_at == MON + 4 * M
        assert first.breached_at is None
        assert first.due_at == MON + 5 * M

    def test_urgent_outage_answered_in_6_minutes_is_breached_at_minute_5(self):
        """Rule 16: the breach instant is the due instant (created + 5 min), not the reply."""
        r = evaluate(
            SERVICE_STANDARD,
            [created(MON, priority=Priority.URGENT), reply(MON + 6 * M)],
            MON + 10 * M,
        )
        first = metric(r, FR)
        assert first.state is MetricState.BREACHED
        assert first.breached_at == MON + 5 * M
        assert first.stopped_at == MON + 6 * M
        assert first.remaining == -1 * M
        assert first.percent_used == 120.0

    def test_urgent_is_24x7_even_at_night_on_a_holiday(self):
        """Rule 14: urgent targets are real time: 03:00 on Spring Festival is due 03:05."""
        night = sh(2025, 1, 29, 3)
        r = evaluate(SERVICE_STANDARD, [created(night, priority="urgent")], night)
        assert metric(r, FR).due_at == night + 5 * M

    @pytest.mark.parametrize(
        ("channel", "name", "allowance"),
        [(Channel.CHAT, "chat", 30 * S), (Channel.BOT, "bot", 10 * S)],
    )
    def test_chat_30_seconds_and_bot_10_seconds(self, channel, name, allowance):
        """Rules 8, 16: a reply one second early is MET, one second late is BREACHED."""
        base = [created(MON, channel=channel, priority="normal")]
        on_time = evaluate(
            SERVICE_STANDARD, [*base, reply(MON + allowance - S)], MON + H
        )
        late = evaluate(SERVICE_STANDARD, [*base, reply(MON + allowance + S)], MON + H)
        assert on_time.policy == late.policy == name
        assert metric(on_time, FR).state is MetricState.MET
        assert metric(late, FR).state is MetricState.BREACHED
        assert metric(late, FR).breached_at == MON + allowance

    def test_bot_reply_exactly_at_10_seconds_is_breached(self):
        """Rule 16: a cycle stopped at an instant >= due_at is BREACHED (the bound is closed)."""
        r = evaluate(
            SERVICE_STANDARD,
            [created(MON, channel="bot"), reply(MON + 10 * S)],
            MON + M,
        )
        assert metric(r, FR).state is MetricState.BREACHED
        assert metric(r, FR).breached_at == MON + 10 * S

    def test_logistics_complaint_fast_lane_15_minutes(self):
        """Rule 5: category logistics_complaint selects the 15-minute fast lane."""
        r = evaluate(
            SERVICE_STANDARD,
            [created(MON, category="logistics_complaint", channel="email")],
            MON + 14 * M,
        )
        assert r.policy == "logistics_fast_lane"
        assert metric(r, FR).state is MetricState.RUNNING
        assert metric(r, FR).due_at == MON + 15 * M
        assert metric(r, FR).remaining == M

    def test_high_value_friday_17_00_is_due_monday_10_00(self):
        """Rules 14, 15: 2 business hours = Fri 17:00-18:00 + Mon 09:00-10:00."""
        friday = sh(2025, 3, 7, 17)
        r = evaluate(SERVICE_STANDARD, [created(friday, tier=Tier.HIGH_VALUE)], friday)
        assert r.policy == "high_value"
        assert metric(r, FR).due_at == sh(2025, 3, 10, 10)
        assert CHINA_BUSINESS_CALENDAR.add(friday, 2 * H) == sh(2025, 3, 10, 10)
        # Saturday noon: still one business hour used, one left.
        sat = evaluate(
            SERVICE_STANDARD, [created(friday, tier="high_value")], sh(2025, 3, 8, 12)
        )
        assert metric(sat, FR).elapsed == H
        assert metric(sat, FR).state is MetricState.RUNNING

    def test_high_value_skips_the_lunch_break(self):
        """Rules 14, 15, 18: Mon 11:00 + 2 h = 11:00-12:00 + 13:30-14:30; warnings skip lunch too.

        50 % (1 h) falls at 12:00 exactly (the end of the morning, not 13:30);
        75 % (1.5 h) at 14:00.
        """
        start = sh(2025, 3, 3, 11)
        r = evaluate(SERVICE_STANDARD, [created(start, tier="high_value")], start)
        assert metric(r, FR).due_at == sh(2025, 3, 3, 14, 30)
        first_alerts = [(a.kind, a.threshold, a.at) for a in r.alerts if a.metric is FR]
        assert first_alerts == [
            (AlertKind.WARNING, 0.5, sh(2025, 3, 3, 12)),
            (AlertKind.WARNING, 0.75, sh(2025, 3, 3, 14)),
            (AlertKind.BREACH, 1.0, sh(2025, 3, 3, 14, 30)),
        ]
        at_lunch = evaluate(
            SERVICE_STANDARD, [created(start, tier="high_value")], sh(2025, 3, 3, 13)
        )
        assert metric(at_lunch, FR).elapsed == H

    def test_24h_resolution_with_pending_pauses(self):
        """Rules 11, 13: 24 real hours, minus the time spent pending.

        Created Mon 10:00, pending Mon 12:00 - Tue 12:00 (24 h paused), so 2 h are
        used and the remaining 22 h run from Tue 12:00: due Wed 10:00. Solved Wed
        09:00: MET with 23 h elapsed.
        """
        events = [
            created(MON, priority="urgent"),
            reply(MON + 2 * M),
            status(MON + 2 * H, TicketStatus.PENDING),
            status(MON + 26 * H, TicketStatus.OPEN),
        ]
        paused = evaluate(SERVICE_STANDARD, events[:3], MON + 10 * H)
        assert metric(paused, RES).state is MetricState.PAUSED
        assert metric(paused, RES).due_at is None
        assert metric(paused, RES).elapsed == 2 * H
        running = evaluate(SERVICE_STANDARD, events, MON + 26 * H)
        assert metric(running, RES).due_at == sh(2025, 3, 5, 10)
        done = evaluate(
            SERVICE_STANDARD,
            [*events, status(sh(2025, 3, 5, 9), TicketStatus.SOLVED)],
            sh(2025, 3, 6),
        )
        assert metric(done, RES).state is MetricState.MET
        assert metric(done, RES).elapsed == 23 * H
        assert done.next_change_at is None

    def test_requirement_weekly_update_counts_cycles(self):
        """Rule 10: PERIODIC_UPDATE runs between consecutive public replies (7 days, 24x7).

        Replies at +10 min, +6 d, +14 d: cycle 1 (6 d) MET, cycle 2 (8 d) breached at
        +6 d + 7 d = +13 d, cycle 3 running, due +21 d.
        """
        start = MON
        events = [
            created(start, category="requirement"),
            reply(start + 10 * M),
            reply(start + 6 * D),
            reply(start + 14 * D),
        ]
        before = evaluate(SERVICE_STANDARD, events[:1], start + 5 * M)
        assert before.policy == "requirement"
        assert metric(before, PU).state is MetricState.NOT_STARTED
        assert metric(before, PU).cycles == 0
        assert RES not in before.metrics  # delivery belongs to servicekit.acceptance
        r = evaluate(SERVICE_STANDARD, events, start + 15 * D)
        update = metric(r, PU)
        assert update.cycles == 3
        assert update.breached_cycles == 1
        assert update.state is MetricState.RUNNING
        assert update.started_at == start + 14 * D
        assert update.due_at == start + 21 * D
        mid = evaluate(SERVICE_STANDARD, events[:3], start + 13 * D)
        assert metric(mid, PU).state is MetricState.BREACHED
        assert metric(mid, PU).breached_at == start + 6 * D + 7 * D


# ============================================================ calendars: holidays and DST


HV_BUSINESS = policy(
    "hv-business",
    target(FR, 2 * H, business=True),
    target(NR, 2 * H, business=True),
    target(RES, 16 * H, business=True),
    calendar=CHINA_BUSINESS_CALENDAR,
)


class TestSpringFestival2025:
    """China 2025: Jan 26 (Sun) and Feb 8 (Sat) are make-up working days; Jan 28 - Feb 4 are holidays."""

    def test_friday_before_the_festival_is_due_on_the_make_up_sunday(self):
        """Rule 14: Fri Jan 24 17:00 + 2 h = 17:00-18:00 + Sun Jan 26 09:00-10:00."""
        fri = sh(2025, 1, 24, 17)
        r = evaluate(HV_BUSINESS, [created(fri)], fri)
        assert metric(r, FR).due_at == sh(2025, 1, 26, 10)
        assert CHINA_BUSINESS_CALENDAR.add(fri, 2 * H) == sh(2025, 1, 26, 10)

    def test_eve_of_the_festival_waits_for_february_5(self):
        """Rules 14, 18: Mon Jan 27 17:00 + 2 h = 1 h on the 27th, then Feb 5 09:00-10:00.

        50 % falls at 18:00 on Jan 27, 75 % at Feb 5 09:30, the breach at Feb 5 10:00.
        """
        eve = sh(2025, 1, 27, 17)
        r = evaluate(HV_BUSINESS, [created(eve)], eve)
        assert metric(r, FR).due_at == sh(2025, 2, 5, 10)
        assert CHINA_BUSINESS_CALENDAR.add(eve, 2 * H) == sh(2025, 2, 5, 10)
        assert [a.at for a in r.alerts if a.metric is FR] == [
            sh(2025, 1, 27, 18),
            sh(2025, 2, 5, 9, 30),
            sh(2025, 2, 5, 10),
        ]
        # During the holiday nothing moves: elapsed is still 1 h on Feb 1.
        holiday = evaluate(HV_BUSINESS, [created(eve)], sh(2025, 2, 1, 12))
        assert metric(holiday, FR).elapsed == H
        assert metric(holiday, FR).state is MetricState.RUNNING
        assert holiday.next_change_at == sh(2025, 2, 5, 9, 30)

    def test_resolution_across_the_whole_festival(self):
        """Rule 14: 16 business hours from the make-up Sunday Jan 26 09:00.

        Jan 26: 7.5 h, Jan 27: 7.5 h (15 h), Jan 28 - Feb 4 closed, Feb 5 09:00-10:00:
        due Feb 5 10:00.
        """
        sunday = sh(2025, 1, 26, 9)
        r = evaluate(HV_BUSINESS, [created(sunday)], sunday)
        assert metric(r, RES).due_at == sh(2025, 2, 5, 10)
        assert CHINA_BUSINESS_CALENDAR.add(sunday, 16 * H) == sh(2025, 2, 5, 10)

    def test_next_response_before_the_make_up_saturday(self):
        """Rules 9, 14: a customer writes Fri Feb 7 17:30: 0.5 h + Sat Feb 8 09:00-10:30."""
        fri = sh(2025, 2, 7, 17)
        events = [created(fri), reply(fri + 10 * M), message(fri + 30 * M)]
        r = evaluate(HV_BUSINESS, events, fri + 30 * M)
        assert metric(r, NR).due_at == sh(2025, 2, 8, 10, 30)
        assert CHINA_BUSINESS_CALENDAR.add(fri + 30 * M, 2 * H) == sh(
            2025, 2, 8, 10, 30
        )
        # Sunday Feb 9 is an ordinary closed Sunday: after Saturday the breach is final.
        late = evaluate(HV_BUSINESS, events, sh(2025, 2, 9, 12))
        assert metric(late, NR).state is MetricState.BREACHED
        assert metric(late, NR).breached_at == sh(2025, 2, 8, 10, 30)


NY_CAL = BusinessCalendar.always_open(NY)


class TestDaylightSaving:
    """America/New_York 2025: clocks spring forward Mar 9 02:00 and fall back Nov 2 02:00."""

    @pytest.mark.parametrize("business", [True, False])
    def test_spring_forward_one_hour_from_01_30_is_03_30_edt(self, business):
        """Rules 14, 15: 02:00-03:00 does not exist, so one real hour after 01:30 EST is 03:30 EDT."""
        p = policy("ny", target(FR, H, business=business), calendar=NY_CAL)
        start = pendulum.datetime(2025, 3, 9, 1, 30, tz=NY)
        due = metric(evaluate(p, [created(start)], start), FR).due_at
        assert (due.hour, due.minute) == (3, 30)
        assert due.utcoffset() == -4 * H
        assert due - start == H

    @pytest.mark.parametrize("business", [True, False])
    def test_fall_back_repeated_hour_counts_twice(self, business):
        """Rules 14, 15: one real hour after 01:30 EDT is 01:30 EST; 24 h after midnight is 23:00."""
        p = policy(
            "ny",
            target(FR, H, business=business),
            target(RES, 24 * H, business=business),
            calendar=NY_CAL,
        )
        # pendulum picks the later 01:30 (EST) for an ambiguous time: build the first.
        first_0130 = dt.datetime(2025, 11, 2, 1, 30, tzinfo=ZoneInfo(NY), fold=0)
        assert first_0130.utcoffset() == -4 * H
        due = metric(evaluate(p, [created(first_0130)], first_0130), FR).due_at
        assert (due.hour, due.minute) == (1, 30)
        assert due.utcoffset() == -5 * H
        midnight = pendulum.datetime(2025, 11, 2, tz=NY)
        r = evaluate(p, [created(midnight)], midnight)
        assert metric(r, RES).due_at.hour == 23
        assert metric(r, RES).due_at.day == 2
        # At 23:00 wall time the day has run 24 real hours: breached exactly then.
        at_23 = evaluate(
            p, [created(midnight)], pendulum.datetime(2025, 11, 2, 23, tz=NY)
        )
        assert metric(at_23, RES).state is MetricState.BREACHED
        assert metric(at_23, RES).elapsed == 24 * H

    def test_spring_forward_day_has_23_hours(self):
        """Rule 14: 24 h from Mar 9 00:00 EST is Mar 10 01:00 EDT."""
        p = policy("ny", target(RES, 24 * H), calendar=NY_CAL)
        midnight = pendulum.datetime(2025, 3, 9, tz=NY)
        due = metric(evaluate(p, [created(midnight)], midnight), RES).due_at
        assert (due.month, due.day, due.hour) == (3, 10, 1)


# ============================================================ rules 1-4: events


class TestOrdering:
    def test_events_out_of_order_are_sorted(self):
        """Rule 1: a CRM may export events in any order; the report is the same."""
        events = [
            created(T0),
            reply(T0 + 5 * M),
            message(T0 + 10 * M),
            reply(T0 + 20 * M),
            status(T0 + 30 * M, "pending"),
        ]
        now = T0 + H
        expected = evaluate(ALL_FOUR, events, now)
        assert evaluate(ALL_FOUR, list(reversed(events)), now) == expected
        assert evaluate(ALL_FOUR, [events[3], *events[:3], events[4]], now) == expected

    def test_reply_then_solve_at_the_same_instant(self):
        """Rules 1, 10, 12: the reply comes first, so it starts an update cycle that solving stops."""
        r = evaluate(
            ALL_FOUR,
            [created(T0), reply(T0 + M), status(T0 + M, "solved")],
            T0 + H,
        )
        assert metric(r, FR).state is MetricState.MET
        assert metric(r, PU).cycles == 1
        assert metric(r, PU).state is MetricState.MET
        assert metric(r, PU).elapsed == ZERO

    def test_solve_then_reply_at_the_same_instant(self):
        """Rules 1, 10, 12: solving first stops first response there; the later reply counts for nothing."""
        r = evaluate(
            ALL_FOUR,
            [created(T0), status(T0 + M, "solved"), reply(T0 + M)],
            T0 + H,
        )
        assert metric(r, FR).state is MetricState.MET
        assert metric(r, FR).stopped_at == T0 + M
        assert metric(r, PU).state is MetricState.NOT_STARTED
        assert metric(r, PU).cycles == 0

    def test_created_goes_first_among_ties(self):
        """Rule 1: an auto-reply stamped in the same second as CREATED but listed first.

        CRMs stamp auto-replies in the ticket's own second and may list them first;
        CREATED is moved to the front of its instant, the rest keep input order.
        """
        r = evaluate(ALL_FOUR, [created(T0), reply(T0)], T0)
        assert evaluate(ALL_FOUR, [reply(T0), created(T0)], T0) == r
        assert metric(r, FR).state is MetricState.MET
        assert metric(r, FR).elapsed == ZERO

    def test_an_event_before_created_still_raises(self):
        """Rule 2: only ties move; an event a second before CREATED is an error."""
        with pytest.raises(InvalidEventError, match="first event must be CREATED"):
            evaluate(ALL_FOUR, [reply(T0 - dt.timedelta(seconds=1)), created(T0)], T0)

    def test_events_at_the_same_instant_in_different_zones_are_one_instant(self):
        """Rule 1: sorting is by instant, not by wall clock: 17:00 Shanghai is before 10:00 UTC."""
        shanghai = pendulum.datetime(2025, 3, 3, 17, tz=SH)  # 09:00 UTC
        r = evaluate(
            ALL_FOUR,
            [reply(pendulum.datetime(2025, 3, 3, 10, tz="UTC")), created(shanghai)],
            T0 + 2 * H,
        )
        assert metric(r, FR).elapsed == H


class TestEventLogErrors:
    def test_missing_created(self):
        """Rule 2: a log without CREATED (an export that lost it) raises, naming what came first."""
        with pytest.raises(InvalidEventError, match="first event must be CREATED"):
            evaluate(ALL_FOUR, [reply(T0)], T0)

    def test_event_before_created(self):
        """Rule 2: a reply stamped before the ticket's creation (clock skew) raises."""
        with pytest.raises(InvalidEventError, match="AGENT_REPLY"):
            evaluate(ALL_FOUR, [created(T0), reply(T0 - S)], T0)

    def test_two_created(self):
        """Rule 2: a ticket is created once (two logs merged by mistake)."""
        with pytest.raises(InvalidEventError, match="second CREATED"):
            evaluate(ALL_FOUR, [created(T0), created(T0 + M)], T0 + H)

    def test_event_after_now(self):
        """Rule 2: a report never describes a log from the future."""
        with pytest.raises(InvalidEventError, match="future"):
            evaluate(ALL_FOUR, [created(T0), reply(T0 + H)], T0 + M)

    def test_reopened_on_an_open_ticket(self):
        """Rule 4: REOPENED is only valid on a SOLVED ticket."""
        with pytest.raises(InvalidEventError, match="only a SOLVED ticket"):
            evaluate(ALL_FOUR, [created(T0), reopened(T0 + M)], T0 + H)

    @pytest.mark.parametrize(
        "after",
        [
            status(T0 + 2 * M, "open"),
            status(T0 + 2 * M, "solved"),
            status(T0 + 2 * M, "pending"),
            reopened(T0 + 2 * M),
        ],
        ids=["open", "solved", "pending", "reopened"],
    )
    def test_nothing_changes_a_closed_ticket(self, after):
        """Rule 4: a CLOSED ticket cannot change status or be reopened; open a follow-up."""
        with pytest.raises(InvalidEventError, match="CLOSED"):
            evaluate(ALL_FOUR, [created(T0), status(T0 + M, "closed"), after], T0 + H)

    def test_solved_then_closed_is_fine(self):
        """Rule 4: SOLVED -> CLOSED is the normal end of a ticket."""
        r = evaluate(
            ALL_FOUR,
            [created(T0), status(T0 + M, "solved"), status(T0 + D, "closed")],
            T0 + 2 * D,
        )
        assert r.status is TicketStatus.CLOSED
        assert metric(r, RES).state is MetricState.MET
        assert metric(r, RES).stopped_at == T0 + M

    def test_ticket_starts_open(self):
        """Rule 4: with no status event the ticket is OPEN."""
        assert evaluate(ALL_FOUR, [created(T0)], T0).status is TicketStatus.OPEN

    @pytest.mark.parametrize(
        ("kind", "field"),
        [
            (EventKind.AGENT_REPLY, {"status": "solved"}),
            (EventKind.CUSTOMER_MESSAGE, {"attributes": {"vip": True}}),
            (EventKind.STATUS_CHANGED, {"status": "open", "priority": "high"}),
            (EventKind.PRIORITY_CHANGED, {"priority": "high", "tier": "ordinary"}),
            (EventKind.TIER_CHANGED, {"tier": "ordinary", "channel": "chat"}),
            (EventKind.REOPENED, {"category": "x"}),
            (EventKind.CREATED, {"status": "open"}),
        ],
    )
    def test_a_field_the_kind_does_not_carry(self, kind, field):
        """Rule 3: a field on an event kind that does not carry it raises (it would be ignored silently)."""
        with pytest.raises(InvalidEventError, match="does not carry"):
            TicketEvent(at=T0, kind=kind, **field)

    @pytest.mark.parametrize(
        ("kind", "needed"),
        [
            (EventKind.STATUS_CHANGED, "status"),
            (EventKind.PRIORITY_CHANGED, "priority"),
            (EventKind.TIER_CHANGED, "tier"),
        ],
    )
    def test_a_required_field_is_missing(self, kind, needed):
        """Rule 3: STATUS_CHANGED needs a status, PRIORITY_CHANGED a priority, TIER_CHANGED a tier."""
        with pytest.raises(InvalidEventError, match=f"needs {needed}"):
            TicketEvent(at=T0, kind=kind)

    def test_naive_datetimes(self):
        """Rule 2 (boundary): an instant without a zone is ambiguous, for events and for now."""
        naive = dt.datetime(2025, 3, 3, 9)
        with pytest.raises(NaiveDatetimeError):
            TicketEvent(at=naive, kind=EventKind.CREATED)
        with pytest.raises(NaiveDatetimeError):
            evaluate(ALL_FOUR, [created(T0)], naive)

    @pytest.mark.parametrize(
        "events",
        [
            [{"at": "2025-03-03T09:00:00+00:00", "kind": "created"}],
            ["created"],
            created(T0),
            "created",
            None,
        ],
        ids=["dicts", "strings", "one-event", "string", "none"],
    )
    def test_events_that_are_not_ticket_events(self, events):
        """Rule 2 (boundary): JSON must go through TicketEvent.from_dict first; the message says so."""
        with pytest.raises(InvalidTypeError, match="TicketEvent"):
            evaluate(ALL_FOUR, events, T0)

    @pytest.mark.parametrize("events", [[], (), iter([])])
    def test_empty_logs(self, events):
        """Rule 2: an empty log has no CREATED."""
        with pytest.raises(InvalidEventError, match="empty"):
            evaluate(ALL_FOUR, events, T0)

    def test_bad_policies_argument(self):
        """evaluate takes a PolicySet or an SlaPolicy, nothing else."""
        with pytest.raises(InvalidTypeError, match="PolicySet or an SlaPolicy"):
            evaluate([ALL_FOUR], [created(T0)], T0)

    def test_unknown_event_kind(self):
        """Rule 3 (boundary): an unknown kind names the known ones."""
        with pytest.raises(UnknownNameError, match="agent_reply"):
            TicketEvent(at=T0, kind="agent_note")


class TestTicketEventValues:
    def test_attributes_are_read_only(self):
        """Rule 3: an event is a fact; changing its attributes after the fact would change history."""
        e = created(T0, attributes={"city": "Hohhot"})
        with pytest.raises(InvalidTypeError, match="read-only"):
            e.attributes["city"] = "Baotou"
        with pytest.raises(InvalidTypeError):
            e.attributes.update(city="Baotou")
        with pytest.raises(InvalidTypeError):
            del e.attributes["city"]
        assert e.attributes == {"city": "Hohhot"}

    def test_the_callers_dict_is_copied(self):
        """Rule 3: mutating the dict passed in does not reach the event."""
        given = {"city": "Hohhot"}
        e = created(T0, attributes=given)
        given["city"] = "Baotou"
        assert e.attributes["city"] == "Hohhot"

    def test_events_are_equal_and_hash_equal_by_instant_across_zones(self):
        """Rule 1: equality compares instants, so a log read back in another zone dedupes."""
        utc = reply(pendulum.datetime(2025, 3, 3, 2, tz="UTC"))
        beijing = reply(pendulum.datetime(2025, 3, 3, 10, tz=SH))
        assert utc == beijing
        assert hash(utc) == hash(beijing)
        assert len({utc, beijing}) == 1
        assert utc != reply(pendulum.datetime(2025, 3, 3, 10, tz="UTC"))
        with_attrs = created(T0, attributes={"a": 1})
        assert hash(with_attrs) == hash(created(T0, attributes={"a": 1}))

    def test_targets_and_policies_are_hashable_values(self):
        """Policies are values: usable as dict keys and in sets, equal when built alike."""
        assert hash(target(FR, 5 * M)) == hash(target(FR, 300 * S))
        assert {ALL_FOUR, ALL_FOUR.__class__(**_fields(ALL_FOUR))} == {ALL_FOUR}
        assert hash(SERVICE_STANDARD) == hash(
            PolicySet.from_dict(SERVICE_STANDARD.to_dict())
        )

    def test_event_json_round_trip(self):
        """TicketEvent.from_dict(to_dict()) keeps every field."""
        e = created(
            MON,
            priority="urgent",
            tier="high_value",
            channel="chat",
            category="logistics_complaint",
            attributes={"city": "Hohhot", "orders": [1, 2]},
        )
        back = TicketEvent.from_dict(json.loads(json.dumps(e.to_dict())))
        assert back == e
        assert back.attributes == e.attributes

    @pytest.mark.parametrize(
        "data",
        [
            {"kind": "created"},
            {"at": "2025-03-03T09:00:00+00:00"},
            {"at": "2025-03-03T09:00:00", "kind": "created"},
            {"at": "yesterday", "kind": "created"},
            {"at": "2025-03-03T09:00:00+00:00", "kind": "teleported"},
            {
                "at": "2025-03-03T09:00:00+00:00",
                "kind": "agent_reply",
                "status": "open",
            },
            {"at": "2025-03-03T09:00:00+00:00", "kind": "created", "priority": "meh"},
            [],
        ],
    )
    def test_event_from_bad_dicts(self, data):
        """A bad stored event raises DeserializationError, naming the data."""
        with pytest.raises(DeserializationError):
            TicketEvent.from_dict(data)


def _fields(p):
    return {
        "name": p.name,
        "targets": p.targets,
        "calendar": p.calendar,
        "when": p.when,
        "pause_on": p.pause_on,
    }


# ============================================================ rule 5: selection


class TestSelection:
    def test_first_match_wins(self):
        """Rule 5: an urgent chat is urgent (5 min), not chat (30 s): order is priority."""
        r = evaluate(
            SERVICE_STANDARD, [created(MON, priority="urgent", channel="chat")], MON
        )
        assert r.policy == "urgent"

    def test_no_matching_policy_names_the_facts(self):
        """Rule 5: without a catch-all, the error says which facts matched nothing."""
        only_vip = policy("vip", target(FR, H), when={"tier": "high_value"})
        with pytest.raises(NoMatchingPolicyError, match="ordinary") as info:
            evaluate(only_vip, [created(T0, tier="ordinary", channel="email")], T0)
        assert "email" in str(info.value)
        assert "vip" in str(info.value)

    def test_attributes_select_a_policy(self):
        """Rule 5: attributes on CREATED are facts as attributes.<name>."""
        ps = PolicySet(
            [
                policy("hohhot", target(FR, M), when={"attributes.city": "Hohhot"}),
                policy("rest", target(FR, H)),
            ]
        )
        assert (
            evaluate(ps, [created(T0, attributes={"city": "Hohhot"})], T0).policy
            == "hohhot"
        )
        assert evaluate(ps, [created(T0)], T0).policy == "rest"

    def test_a_single_policy_is_a_one_policy_set(self):
        """evaluate(SlaPolicy) equals evaluate(PolicySet([policy]))."""
        events = [created(T0), reply(T0 + M), message(T0 + 2 * M)]
        assert evaluate(ALL_FOUR, events, T0 + H) == evaluate(
            PolicySet([ALL_FOUR]), events, T0 + H
        )
        assert SlaClock.start(ALL_FOUR, events).report(T0 + H) == evaluate(
            ALL_FOUR, events, T0 + H
        )


# ============================================================ rules 6-7: priority changes


class TestPriorityChanges:
    def test_upgrade_at_minute_3_keeps_the_start(self):
        """Rule 6: NORMAL (30 min) upgraded to URGENT (5 min) at minute 3 is due at minute 5.

        ServiceNow's "retroactive" start: the clock is not restarted at the upgrade
        (which would give the customer 8 minutes).
        """
        events = [created(MON, priority="normal"), priority(MON + 3 * M, "urgent")]
        r = evaluate(SERVICE_STANDARD, events, MON + 4 * M)
        assert r.policy == "urgent"
        assert metric(r, FR).started_at == MON
        assert metric(r, FR).due_at == MON + 5 * M
        assert metric(r, FR).target.within == 5 * M
        later = evaluate(SERVICE_STANDARD, events, MON + 6 * M)
        assert metric(later, FR).breached_at == MON + 5 * M

    def test_upgrade_at_minute_10_breaches_at_the_change(self):
        """Rule 7: the 5-minute target is already spent at minute 10, so the breach is at minute 10.

        Reports for now < minute 10 said RUNNING under the 30-minute target; a breach
        at minute 5 would rewrite them.
        """
        events = [created(MON, priority="normal"), priority(MON + 10 * M, "urgent")]
        before = evaluate(SERVICE_STANDARD, events[:1], MON + 10 * M - S)
        assert metric(before, FR).state is MetricState.RUNNING
        r = evaluate(SERVICE_STANDARD, events, MON + 10 * M)
        assert metric(r, FR).state is MetricState.BREACHED
        assert metric(r, FR).breached_at == MON + 10 * M
        assert metric(r, FR).remaining == -5 * M
        assert [(a.kind, a.at) for a in r.alerts if a.metric is FR] == [
            (AlertKind.BREACH, MON + 10 * M)
        ]

    def test_warnings_caused_by_the_change_fall_at_the_change(self):
        """Rule 7: URGENT's 50 % (2.5 min) is already passed at minute 3: it falls at minute 3."""
        events = [created(MON, priority="normal"), priority(MON + 3 * M, "urgent")]
        r = evaluate(SERVICE_STANDARD, events, MON + 3 * M)
        assert [(a.kind, a.threshold, a.at) for a in r.alerts if a.metric is FR] == [
            (AlertKind.WARNING, 0.5, MON + 3 * M),
            (AlertKind.WARNING, 0.75, MON + 3 * M + 45 * S),
            (AlertKind.BREACH, 1.0, MON + 5 * M),
        ]
        assert r.next_change_at == MON + 3 * M + 45 * S

    def test_change_while_solved_takes_effect_when_reopened(self):
        """Rule 7: a shorter target set while the ticket is solved breaches at the reopen.

        Solved at 1.5 h under a 4 h RESOLUTION, upgraded at 1:40 to 1 h, reopened at
        2:00: the report at 1:50 said MET (the ticket was solved), so the breach the
        change causes happens when the clock runs again, at 2:00, not at 1:40.
        """
        four = policy("four", target(RES, 4 * H), when={"priority": "normal"})
        one = policy("one", target(RES, 1 * H))
        ps = PolicySet([four, one])
        events = [
            created(MON, priority="normal"),
            status(MON + 90 * M, "solved"),
            priority(MON + 100 * M, "urgent"),
        ]
        assert metric(evaluate(ps, events, MON + 110 * M), RES).state is MetricState.MET
        r = evaluate(ps, [*events, reopened(MON + 2 * H)], MON + 130 * M)
        assert metric(r, RES).state is MetricState.BREACHED
        assert metric(r, RES).breached_at == MON + 2 * H
        assert [(a.kind, a.at) for a in r.alerts] == [(AlertKind.BREACH, MON + 2 * H)]

    def test_reopened_under_the_same_target_keeps_its_past_warnings(self):
        """Rules 7, 11: warnings passed before a solve stay where they were after a reopen.

        A 4 h RESOLUTION warned at 2 h and 3 h; solved at 3.5 h, a change to a policy
        with the same target while solved, reopened: the warnings are not re-fired at
        the reopen.
        """
        four = policy("four", target(RES, 4 * H), when={"priority": "normal"})
        same = policy("same", target(RES, 4 * H))
        events = [
            created(MON, priority="normal"),
            status(MON + 210 * M, "solved"),
            priority(MON + 4 * H, "urgent"),
            reopened(MON + 5 * H),
        ]
        r = evaluate(PolicySet([four, same]), events, MON + 5 * H)
        assert [(a.kind, a.threshold, a.at) for a in r.alerts] == [
            (AlertKind.WARNING, 0.5, MON + 2 * H),
            (AlertKind.WARNING, 0.75, MON + 3 * H),
            (AlertKind.BREACH, 1.0, MON + 5 * H + 30 * M),
        ]

    def test_breached_then_downgraded_stays_breached(self):
        """Rules 6, 16: URGENT unanswered at minute 5 is breached; a downgrade at minute 10 does not undo it.

        Agents downgrading a ticket to hide a breach is the classic SLA-gaming move.
        """
        events = [created(MON, priority="urgent"), priority(MON + 10 * M, "normal")]
        r = evaluate(SERVICE_STANDARD, events, MON + 20 * M)
        assert r.policy == "standard"
        assert metric(r, FR).state is MetricState.BREACHED
        assert metric(r, FR).breached_at == MON + 5 * M
        # Rule 17 holds against the target now in force (30 min), breach or not.
        assert metric(r, FR).remaining == 30 * M - 20 * M
        done = evaluate(SERVICE_STANDARD, [*events, reply(MON + 21 * M)], MON + H)
        assert metric(done, FR).state is MetricState.BREACHED

    def test_met_stays_met_after_an_upgrade(self):
        """Rule 6: a NORMAL ticket answered at minute 10 (MET) upgraded at minute 20 stays MET."""
        events = [
            created(MON, priority="normal"),
            reply(MON + 10 * M),
            priority(MON + 20 * M, "urgent"),
        ]
        r = evaluate(SERVICE_STANDARD, events, MON + H)
        assert r.policy == "urgent"
        first = metric(r, FR)
        assert first.state is MetricState.MET
        assert first.breached_at is None
        assert first.stopped_at == MON + 10 * M
        # Rule 17's identity holds against the target shown, whichever it is.
        assert first.elapsed + first.remaining == first.target.within

    def test_unchanged_target_keeps_its_past_warnings(self):
        """Rules 7, 18: a change does not move the alerts of a target it does not change.

        RESOLUTION is 24 real hours in both "standard" and "urgent". Created Mon
        10:00, its 50 % warning fell at 22:00; upgrading at 23:00 must not move it
        to 23:00 (a notifier keyed on alert instants would send it again).
        """
        events = [
            created(MON, priority="normal"),
            reply(MON + M),
            priority(MON + 13 * H, "urgent"),
        ]
        before = evaluate(SERVICE_STANDARD, events[:2], MON + 12 * H + 30 * M)
        after = evaluate(SERVICE_STANDARD, events, MON + 13 * H)
        assert before.metrics[RES].target == after.metrics[RES].target

        def res_alerts(r):
            return [(a.threshold, a.at) for a in r.alerts if a.metric is RES]

        assert res_alerts(before)[0] == (0.5, MON + 12 * H)
        assert res_alerts(after) == res_alerts(before)

    def test_same_policy_after_the_change_changes_nothing(self):
        """Rule 6: NORMAL -> LOW keeps the standard policy; the report is as without the event."""
        base = [created(MON, priority="normal")]
        r = evaluate(SERVICE_STANDARD, [*base, priority(MON + M, "low")], MON + 2 * M)
        assert r.metrics == evaluate(SERVICE_STANDARD, base, MON + 2 * M).metrics

    def test_tier_change_reselects(self):
        """Rule 6: TIER_CHANGED to HIGH_VALUE moves an email ticket to business hours.

        Created Fri 16:50 (standard, 30 min), high value from 17:00: 2 business
        hours from 16:50 = 16:50-18:00 (1 h 10) + Mon 09:00-09:50.
        """
        friday = sh(2025, 3, 7, 17)
        events = [
            created(friday - 10 * M, channel="email"),
            TicketEvent(at=friday, kind=EventKind.TIER_CHANGED, tier="high_value"),
        ]
        r = evaluate(SERVICE_STANDARD, events, friday)
        assert r.policy == "high_value"
        assert metric(r, FR).due_at == sh(2025, 3, 10, 9, 50)
        assert metric(r, FR).state is MetricState.RUNNING

    def test_tier_change_after_a_breach_keeps_it(self):
        """Rule 6: created Fri 16:00 (standard, due 16:30), high value at 17:00: breached at 16:30."""
        friday = sh(2025, 3, 7, 17)
        events = [
            created(friday - H, channel="email"),
            TicketEvent(at=friday, kind=EventKind.TIER_CHANGED, tier="high_value"),
        ]
        r = evaluate(SERVICE_STANDARD, events, friday)
        assert metric(r, FR).state is MetricState.BREACHED
        assert metric(r, FR).breached_at == sh(2025, 3, 7, 16, 30)

    def test_pause_on_differs_between_policies(self):
        """Rules 6, 13: the new policy's pause_on applies from the change on.

        "never" does not pause, "pausing" pauses on PENDING. Pending from minute 10,
        the ticket becomes urgent ("pausing") at minute 20 and reopens at minute 40:
        resolution ran 0-20 and 40-50, so 30 min at minute 50.
        """
        ps = PolicySet(
            [
                policy("pausing", target(RES, 2 * H), when={"priority": "urgent"}),
                policy("never", target(RES, 2 * H), pause_on=()),
            ]
        )
        events = [
            created(T0, priority="normal"),
            status(T0 + 10 * M, "pending"),
            priority(T0 + 20 * M, "urgent"),
            status(T0 + 40 * M, "open"),
        ]
        at_15 = evaluate(ps, events[:2], T0 + 15 * M)
        assert metric(at_15, RES).state is MetricState.RUNNING
        at_30 = evaluate(ps, events[:3], T0 + 30 * M)
        assert metric(at_30, RES).state is MetricState.PAUSED
        assert metric(at_30, RES).elapsed == 20 * M
        r = evaluate(ps, events, T0 + 50 * M)
        assert metric(r, RES).elapsed == 30 * M
        assert metric(r, RES).due_at == T0 + 50 * M + 90 * M
        # The other way round: paused under "pausing", downgraded to "never" at 20 min.
        back = [
            created(T0, priority="urgent"),
            status(T0 + 10 * M, "pending"),
            priority(T0 + 20 * M, "normal"),
        ]
        r2 = evaluate(ps, back, T0 + 50 * M)
        assert metric(r2, RES).state is MetricState.RUNNING
        assert metric(r2, RES).elapsed == 10 * M + 30 * M


# ============================================================ rules 8-12: the four clocks


class TestFirstResponse:
    def test_one_cycle_from_created_to_the_first_reply(self):
        """Rule 8: later replies do not touch FIRST_RESPONSE."""
        r = evaluate(
            ALL_FOUR,
            [created(T0), reply(T0 + 10 * M), message(T0 + 11 * M), reply(T0 + 50 * M)],
            T0 + H,
        )
        first = metric(r, FR)
        assert (first.cycles, first.state, first.elapsed) == (
            1,
            MetricState.MET,
            10 * M,
        )
        assert first.stopped_at == T0 + 10 * M


class TestNextResponse:
    def test_messages_before_the_first_reply_start_nothing(self):
        """Rule 9: a customer chasing an unanswered ticket is covered by FIRST_RESPONSE."""
        r = evaluate(
            ALL_FOUR, [created(T0), message(T0 + M), message(T0 + 2 * M)], T0 + 5 * M
        )
        assert metric(r, NR).state is MetricState.NOT_STARTED
        assert metric(r, NR).cycles == 0
        after = evaluate(
            ALL_FOUR,
            [created(T0), message(T0 + M), reply(T0 + 3 * M)],
            T0 + 5 * M,
        )
        assert metric(after, NR).state is MetricState.NOT_STARTED

    def test_cycles_and_breached_cycles(self):
        """Rule 9: cycle 1 answered in 10 min (MET), cycle 2 in 40 min (breached), cycle 3 running.

        A second message while waiting does not restart the cycle (a chatty customer
        does not extend the deadline).
        """
        events = [
            created(T0),
            reply(T0 + M),
            message(T0 + 10 * M),
            reply(T0 + 20 * M),
            message(T0 + 30 * M),
            message(T0 + 50 * M),  # still awaiting: starts nothing
            reply(T0 + 70 * M),
            message(T0 + 80 * M),
        ]
        r = evaluate(ALL_FOUR, events, T0 + 90 * M)
        nxt = metric(r, NR)
        assert nxt.cycles == 3
        assert nxt.breached_cycles == 1
        assert nxt.state is MetricState.RUNNING
        assert nxt.started_at == T0 + 80 * M
        assert nxt.due_at == T0 + 110 * M
        mid = evaluate(ALL_FOUR, events[:7], T0 + 75 * M)
        assert metric(mid, NR).state is MetricState.BREACHED
        assert (
            metric(mid, NR).breached_at == T0 + 60 * M
        )  # from the message at 30, not 50
        assert metric(mid, NR).cycles == 2

    def test_a_breach_in_an_earlier_cycle_is_still_counted(self):
        """Rule 9: the state is the latest cycle's; breached_cycles remembers the others."""
        events = [
            created(T0),
            reply(T0 + M),
            message(T0 + 10 * M),
            reply(T0 + 50 * M),  # breached at 40
            message(T0 + 60 * M),
            reply(T0 + 61 * M),
        ]
        nxt = metric(evaluate(ALL_FOUR, events, T0 + 2 * H), NR)
        assert (nxt.state, nxt.cycles, nxt.breached_cycles) == (MetricState.MET, 2, 1)

    def test_reopened_starts_a_cycle(self):
        """Rules 9, 11: a reopened ticket has a customer waiting: NEXT_RESPONSE starts."""
        events = [
            created(T0),
            reply(T0 + M),
            status(T0 + 2 * M, "solved"),
            reopened(T0 + H),
        ]
        r = evaluate(ALL_FOUR, events, T0 + H + 10 * M)
        nxt = metric(r, NR)
        assert (nxt.state, nxt.cycles) == (MetricState.RUNNING, 1)
        assert nxt.started_at == T0 + H
        assert nxt.due_at == T0 + H + 30 * M

    def test_solving_stops_all_cycles_and_messages_on_solved_tickets_start_nothing(
        self,
    ):
        """Rule 12: "thanks!" after the solution must not open a new SLA cycle."""
        events = [
            created(T0),
            reply(T0 + M),
            message(T0 + 10 * M),
            status(T0 + 15 * M, "solved"),
            message(T0 + 20 * M),
        ]
        r = evaluate(ALL_FOUR, events, T0 + 3 * H)
        nxt = metric(r, NR)
        assert (nxt.state, nxt.cycles, nxt.stopped_at) == (
            MetricState.MET,
            1,
            T0 + 15 * M,
        )
        assert metric(r, PU).state is MetricState.MET
        assert metric(r, RES).state is MetricState.MET
        assert r.alerts == ()
        assert r.next_change_at is None
        # A reply on a solved ticket starts nothing either (rule 10: "unsolved").
        r2 = evaluate(ALL_FOUR, [*events, reply(T0 + 30 * M)], T0 + 3 * H)
        assert metric(r2, PU).cycles == 1


class TestStatusBackToOpen:
    def test_solved_to_open_starts_no_next_response_cycle(self):
        """Rules 9, 11: only REOPENED starts a NEXT_RESPONSE cycle; SOLVED -> OPEN resumes RESOLUTION only.

        The next customer message starts one (nobody is awaiting a reply).
        """
        events = [
            created(T0),
            reply(T0 + M),
            status(T0 + 2 * M, "solved"),
            status(T0 + H, "open"),
        ]
        r = evaluate(ALL_FOUR, events, T0 + 2 * H)
        assert metric(r, NR).state is MetricState.NOT_STARTED
        assert metric(r, RES).state is MetricState.RUNNING
        r2 = evaluate(ALL_FOUR, [*events, message(T0 + 2 * H)], T0 + 2 * H)
        assert metric(r2, NR).state is MetricState.RUNNING


class TestPeriodicUpdate:
    def test_pending_pauses_the_update_clock(self):
        """Rule 13: waiting for the customer does not count against the update promise."""
        events = [
            created(T0),
            reply(T0 + M),  # PU cycle starts, 2 h
            status(T0 + H + M, "pending"),  # 1 h used
            status(T0 + 5 * H + M, "open"),
        ]
        r = evaluate(ALL_FOUR, events, T0 + 5 * H + 31 * M)
        update = metric(r, PU)
        assert update.elapsed == H + 30 * M
        assert update.due_at == T0 + 6 * H + M

    def test_reply_while_pending_starts_a_paused_cycle(self):
        """Rules 10, 13: a reply while pending ends the cycle and starts one that is paused."""
        events = [
            created(T0),
            reply(T0 + M),
            status(T0 + 10 * M, "pending"),
            reply(T0 + 20 * M),
        ]
        update = metric(evaluate(ALL_FOUR, events, T0 + H), PU)
        assert (update.cycles, update.state, update.elapsed) == (
            2,
            MetricState.PAUSED,
            ZERO,
        )


class TestResolution:
    def test_reopen_resumes_with_accumulated_time(self):
        """Rule 11: solved after 3 h, reopened a day later: 3 h carried, due 5 h after the reopen."""
        events = [
            created(T0),
            reply(T0 + M),
            status(T0 + 3 * H, "solved"),
            reopened(T0 + D),
        ]
        r = evaluate(ALL_FOUR, events, T0 + D + H)
        res = metric(r, RES)
        assert res.cycles == 1
        assert res.state is MetricState.RUNNING
        assert res.elapsed == 4 * H
        assert res.due_at == T0 + D + 5 * H

    def test_status_back_to_open_also_resumes(self):
        """Rule 11: STATUS_CHANGED SOLVED -> OPEN behaves like REOPENED for RESOLUTION."""
        events = [created(T0), status(T0 + 3 * H, "solved"), status(T0 + D, "open")]
        res = metric(evaluate(ALL_FOUR, events, T0 + D + H), RES)
        assert res.elapsed == 4 * H

    def test_solved_to_pending_resumes_paused(self):
        """Rules 11, 13: SOLVED -> PENDING resumes RESOLUTION, paused."""
        events = [created(T0), status(T0 + 3 * H, "solved"), status(T0 + D, "pending")]
        res = metric(evaluate(ALL_FOUR, events, T0 + D + H), RES)
        assert (res.state, res.elapsed, res.due_at) == (MetricState.PAUSED, 3 * H, None)

    def test_a_breach_survives_reopening(self):
        """Rule 16: breached at 8 h, solved at 9 h, reopened: still BREACHED."""
        events = [created(T0), status(T0 + 9 * H, "solved"), reopened(T0 + D)]
        res = metric(evaluate(ALL_FOUR, events, T0 + D + M), RES)
        assert res.state is MetricState.BREACHED
        assert res.breached_at == T0 + 8 * H


# ============================================================ rules 13-14: pauses and clocks


BUSINESS_RESOLUTION = policy(
    "business-resolution",
    target(FR, 2 * H, business=True),
    target(RES, 16 * H, business=True),
    calendar=CHINA_BUSINESS_CALENDAR,
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
            reply(self.FRIDAY + 10 * M),
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
        assert res.elapsed == 6 * H + 30 * M
        assert res.remaining == 9 * H + 30 * M
        assert res.due_at == sh(2025, 3, 11, 14, 30)
        assert CHINA_BUSINESS_CALENDAR.add(sh(2025, 3, 10, 11), 9.5 * H) == sh(
            2025, 3, 11, 14, 30
        )

    def test_paused_over_the_weekend(self):
        """Rules 13, 15: on Saturday the cycle is PAUSED with 5.5 h used and no due_at."""
        r = evaluate(BUSINESS_RESOLUTION, self.events()[:3], sh(2025, 3, 8, 12))
        res = metric(r, RES)
        assert (res.state, res.elapsed, res.due_at) == (
            MetricState.PAUSED,
            5 * H + 30 * M,
            None,
        )

    def test_solved_straight_from_paused_keeps_the_pause(self):
        """Rule 13: pending Fri 17:00, solved Mon 10:00: the weekend and Mon 09:00-10:00 are not counted."""
        events = [*self.events()[:3], status(sh(2025, 3, 10, 10), "solved")]
        res = metric(evaluate(BUSINESS_RESOLUTION, events, sh(2025, 3, 12)), RES)
        assert res.state is MetricState.MET
        assert res.elapsed == 5 * H + 30 * M
        assert res.stopped_at == sh(2025, 3, 10, 10)

    def test_solved_from_paused_on_the_24h_preset(self):
        """Rule 13: SERVICE_STANDARD (24 real hours): 7 h before the hold, solved Monday: MET, 7 h."""
        events = [
            created(self.FRIDAY, tier="high_value"),
            reply(self.FRIDAY + H),
            status(sh(2025, 3, 7, 17), "pending"),
            status(sh(2025, 3, 10, 10), "solved"),
        ]
        res = metric(evaluate(SERVICE_STANDARD, events, sh(2025, 3, 12)), RES)
        assert (res.state, res.elapsed) == (MetricState.MET, 7 * H)

    def test_first_response_never_pauses(self):
        """Rule 13: pending before any reply does not stop the customer waiting for one."""
        events = [created(MON), status(MON + M, "pending")]
        r = evaluate(SERVICE_STANDARD, events, MON + 10 * M)
        assert metric(r, FR).state is MetricState.RUNNING
        assert metric(r, FR).elapsed == 10 * M
        assert metric(r, RES).state is MetricState.PAUSED

    def test_on_hold_pauses_like_pending(self):
        """Rule 13: the default pause_on is PENDING and ON_HOLD."""
        events = [created(T0), status(T0 + H, "on_hold"), status(T0 + 3 * H, "pending")]
        res = metric(evaluate(ALL_FOUR, events, T0 + 5 * H), RES)
        assert (res.state, res.elapsed) == (MetricState.PAUSED, H)

    def test_created_outside_hours_waits_for_the_opening(self):
        """Rule 14: created Saturday, a business clock starts counting Monday 09:00."""
        sat = sh(2025, 3, 8, 15)
        r = evaluate(BUSINESS_RESOLUTION, [created(sat)], sh(2025, 3, 10, 9, 30))
        assert metric(r, FR).elapsed == 30 * M
        assert metric(r, FR).due_at == sh(2025, 3, 10, 11)


# ============================================================ rules 15-18: due, breach, warnings


class TestDueAndBreach:
    def test_running_exactly_at_due_is_breached(self):
        """Rule 16: now == due_at is BREACHED; one microsecond earlier it is RUNNING."""
        p = policy("p", target(FR, H))
        assert (
            metric(evaluate(p, [created(T0)], T0 + H), FR).state is MetricState.BREACHED
        )
        just = metric(
            evaluate(p, [created(T0)], T0 + H - dt.timedelta(microseconds=1)), FR
        )
        assert just.state is MetricState.RUNNING

    def test_business_clock_stopped_in_closed_hours_after_due(self):
        """Rules 15, 16: high value created Fri 16:00 (due 18:00), replied Sat 10:00: BREACHED at 18:00.

        Elapsed is exactly the target (2 h); the cycle stopped after its due instant.
        """
        fri = sh(2025, 3, 7, 16)
        r = evaluate(
            SERVICE_STANDARD,
            [created(fri, tier="high_value"), reply(sh(2025, 3, 8, 10))],
            sh(2025, 3, 8, 11),
        )
        first = metric(r, FR)
        assert (first.state, first.elapsed, first.breached_at) == (
            MetricState.BREACHED,
            2 * H,
            sh(2025, 3, 7, 18),
        )

    def test_business_clock_created_and_answered_while_closed(self):
        """Rules 14, 16: created and answered on Saturday: nothing elapsed, MET."""
        sat = sh(2025, 3, 8, 10)
        r = evaluate(
            SERVICE_STANDARD, [created(sat, tier="high_value"), reply(sat + H)], sat + H
        )
        assert (metric(r, FR).state, metric(r, FR).elapsed) == (MetricState.MET, ZERO)

    def test_pausing_after_the_breach_stays_breached(self):
        """Rule 16: a breach is final: putting a late ticket on hold does not hide it."""
        events = [created(T0), status(T0 + 9 * H, "on_hold")]
        res = metric(evaluate(ALL_FOUR, events, T0 + 10 * H), RES)
        assert res.state is MetricState.BREACHED
        assert res.breached_at == T0 + 8 * H
        assert res.elapsed == 9 * H

    def test_remaining_and_percent_used(self):
        """Rule 17: remaining = target - elapsed, percent_used = 100 * elapsed / target."""
        p = policy("p", target(FR, 40 * M))
        at_10 = metric(evaluate(p, [created(T0)], T0 + 10 * M), FR)
        assert (at_10.remaining, at_10.percent_used) == (30 * M, 25.0)
        at_60 = metric(evaluate(p, [created(T0)], T0 + 60 * M), FR)
        assert (at_60.remaining, at_60.percent_used) == (-20 * M, 150.0)
        assert at_60.elapsed + at_60.remaining == at_60.target.within

    def test_warnings_at_each_fraction(self):
        """Rule 18: warn_at (0.25, 0.5, 0.75) of 40 min fall at 10, 20 and 30 min, sorted."""
        p = policy("p", target(FR, 40 * M, warn_at=(0.75, 0.25, 0.5)))
        r = evaluate(p, [created(T0)], T0)
        assert [(a.threshold, a.at) for a in r.alerts] == [
            (0.25, T0 + 10 * M),
            (0.5, T0 + 20 * M),
            (0.75, T0 + 30 * M),
            (1.0, T0 + 40 * M),
        ]

    @pytest.mark.parametrize(("fraction", "expected"), [(0.9, 36 * M), (0.1, 4 * M)])
    def test_decimal_fractions_fall_on_the_decimal_instant(self, fraction, expected):
        """Rule 18: 0.9 x 40 min is 36 min, as the user wrote it, not 36 min + 1 us."""
        p = policy("p", target(FR, 40 * M, warn_at=(fraction,)))
        r = evaluate(p, [created(T0)], T0)
        assert r.alerts[0].at == T0 + expected

    def test_warnings_skip_a_pause(self):
        """Rules 13, 18: RESOLUTION 8 h paused 2 h-5 h: 75 % (6 h) falls at 9 h, the breach at 11 h."""
        events = [
            created(T0),
            status(T0 + 2 * H, "pending"),
            status(T0 + 5 * H, "open"),
        ]
        r = evaluate(ALL_FOUR, events, T0 + 5 * H)
        res_alerts = [(a.threshold, a.at) for a in r.alerts if a.metric is RES]
        assert res_alerts == [(0.5, T0 + 7 * H), (0.75, T0 + 9 * H), (1.0, T0 + 11 * H)]


# ============================================================ rules 19-20: alerts


class TestAlerts:
    def test_first_evaluated_long_after_the_breach(self):
        """Rule 19: a backlog imported days late yields one BREACH per breached metric, no warnings.

        Without this a notification job would page the on-call agent with every past
        warning at once.
        """
        r = evaluate(SERVICE_STANDARD, [created(MON, priority="urgent")], MON + 3 * D)
        assert [(a.kind, a.metric, a.at) for a in r.alerts] == [
            (AlertKind.BREACH, FR, MON + 5 * M),
            (AlertKind.BREACH, RES, MON + 24 * H),
        ]
        assert r.breached == (FR, RES)
        assert r.next_change_at is None
        assert r.passed_alerts() == r.alerts
        assert r.upcoming_alerts() == ()

    def test_next_change_at_is_the_earliest_future_alert(self):
        """Rule 20: urgent at minute 1: next is FR 50 % at 2:30; at minute 3, FR 75 % at 3:45."""
        events = [created(MON, priority="urgent")]
        r = evaluate(SERVICE_STANDARD, events, MON + M)
        assert r.next_change_at == MON + 2 * M + 30 * S
        assert r.passed_alerts() == ()
        assert [(a.metric, a.threshold) for a in r.upcoming_alerts()] == [
            (FR, 0.5),
            (FR, 0.75),
            (FR, 1.0),
            (RES, 0.5),
            (RES, 0.75),
            (RES, 1.0),
        ]
        r3 = evaluate(SERVICE_STANDARD, events, MON + 3 * M)
        assert r3.next_change_at == MON + 3 * M + 45 * S
        assert [(a.metric, a.threshold) for a in r3.passed_alerts()] == [(FR, 0.5)]

    def test_an_alert_exactly_at_now_is_passed(self):
        """Rule 20: next_change_at is strictly after now; an alert at now is passed."""
        r = evaluate(SERVICE_STANDARD, [created(MON, priority="urgent")], MON + 150 * S)
        assert [a.threshold for a in r.passed_alerts()] == [0.5]
        assert r.next_change_at == MON + 225 * S

    def test_nothing_running_means_no_next_change(self):
        """Rule 20: a solved ticket needs no timer."""
        r = evaluate(
            SERVICE_STANDARD,
            [created(MON), reply(MON + M), status(MON + 2 * M, "solved")],
            MON + 3 * M,
        )
        assert r.alerts == ()
        assert r.next_change_at is None

    def test_paused_keeps_passed_warnings_only(self):
        """Rule 19: paused at 2.5 h of 4 h: the 50 % warning (2 h) stays, no breach is scheduled."""
        p = policy("p", target(RES, 4 * H))
        events = [created(T0), status(T0 + 2 * H + 30 * M, "pending")]
        r = evaluate(p, events, T0 + 5 * H)
        assert [(a.kind, a.threshold, a.at) for a in r.alerts] == [
            (AlertKind.WARNING, 0.5, T0 + 2 * H)
        ]
        assert r.next_change_at is None

    def test_report_is_constant_until_next_change(self):
        """Rule 20: between now and next_change_at only elapsed time changes."""
        events = [created(MON, priority="urgent"), reply(MON + M), message(MON + 2 * M)]
        r = evaluate(SERVICE_STANDARD, events, MON + 3 * M)
        nxt = r.next_change_at
        assert nxt == MON + 2 * M + 150 * S
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
        p = policy("p", target(RES, H), target(FR, H))
        r = evaluate(p, [created(T0)], T0)
        assert [(a.at, a.metric) for a in r.alerts] == [
            (T0 + 30 * M, FR),
            (T0 + 30 * M, RES),
            (T0 + 45 * M, FR),
            (T0 + 45 * M, RES),
            (T0 + H, FR),
            (T0 + H, RES),
        ]

    def test_met_or_not_started_has_no_alerts(self):
        """Rule 19: nothing for a MET metric or one that has not started."""
        r = evaluate(ALL_FOUR, [created(T0), reply(T0 + M)], T0 + 2 * M)
        assert {a.metric for a in r.alerts} == {PU, RES}


# ============================================================ SlaClock and evaluate_many


class TestSlaClock:
    def test_incremental_equals_batch(self):
        """SlaClock.start(first).apply(rest) == evaluate(all)."""
        events = [
            created(T0),
            reply(T0 + M),
            message(T0 + 5 * M),
            status(T0 + 6 * M, "pending"),
            status(T0 + H, "open"),
        ]
        clock = SlaClock.start(ALL_FOUR, events[:2])
        for e in events[2:]:
            clock = clock.apply([e])
        assert clock.report(T0 + 2 * H) == evaluate(ALL_FOUR, events, T0 + 2 * H)
        assert clock.last_event_at == T0 + H

    def test_apply_an_earlier_event_raises_and_keeps_the_clock(self):
        """SlaClock.apply refuses an event earlier than one applied; the old clock is unchanged."""
        clock = SlaClock.start(ALL_FOUR, [created(T0), reply(T0 + 10 * M)])
        before = clock.report(T0 + H)
        with pytest.raises(InvalidEventError, match="earlier than an event"):
            clock.apply([message(T0 + 5 * M)])
        assert clock.report(T0 + H) == before

    def test_a_failed_batch_changes_nothing(self):
        """A batch whose second event is invalid raises; the first is not half-applied."""
        clock = SlaClock.start(ALL_FOUR, [created(T0)])
        before = clock.report(T0 + H)
        with pytest.raises(InvalidEventError, match="REOPENED"):
            clock.apply([reply(T0 + M), reopened(T0 + 2 * M)])
        assert clock.report(T0 + H) == before

    def test_apply_accepts_a_single_event_and_rejects_other_things(self):
        """apply(event) works like apply([event]); a dict raises InvalidTypeError."""
        clock = SlaClock.start(ALL_FOUR, [created(T0)])
        assert clock.apply(reply(T0 + M)).report(T0 + H) == clock.apply(
            [reply(T0 + M)]
        ).report(T0 + H)
        with pytest.raises(InvalidTypeError, match="TicketEvent"):
            clock.apply([{"at": "2025-03-03T09:01:00+00:00", "kind": "agent_reply"}])

    def test_clock_pickles(self):
        """A clock stored between requests (pickle) reports the same."""
        clock = SlaClock.start(SERVICE_STANDARD, [created(MON, tier="high_value")])
        back = pickle.loads(pickle.dumps(clock))
        assert back.report(MON + H) == clock.report(MON + H)
        assert back.apply([reply(MON + 2 * H)]).report(MON + 3 * H) == clock.apply(
            [reply(MON + 2 * H)]
        ).report(MON + 3 * H)


class TestEvaluateMany:
    def test_lazily_in_order(self):
        """evaluate_many is a generator: a bad ticket raises only when it is reached."""
        logs = [
            [created(MON, priority="urgent")],
            [created(MON, channel="chat")],
            [reply(MON)],  # no CREATED
        ]
        it = evaluate_many(SERVICE_STANDARD, logs, MON + M)
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
            [created(MON, priority="urgent"), reply(MON + 6 * M)],
            [created(MON, tier="high_value"), message(MON + M)],
        ]
        now = MON + H
        assert list(evaluate_many(SERVICE_STANDARD, logs, now)) == [
            evaluate(SERVICE_STANDARD, log, now) for log in logs
        ]
        assert list(evaluate_many(ALL_FOUR, logs, now)) == [
            evaluate(ALL_FOUR, log, now) for log in logs
        ]


# ============================================================ building targets and policies


class TestTargetErrors:
    @pytest.mark.parametrize("within", [ZERO, -M, dt.timedelta(microseconds=-1)])
    def test_within_must_be_positive(self, within):
        """A zero or negative allowance would breach every ticket at creation."""
        with pytest.raises(InvalidArgumentError, match="positive"):
            SlaTarget(metric=FR, within=within)

    @pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.1, float("nan"), float("inf")])
    def test_warn_at_strictly_between_0_and_1(self, fraction):
        """Rule 18: a fraction of 1 is the breach itself; 0 would warn at creation."""
        with pytest.raises(InvalidArgumentError, match="strictly between 0 and 1"):
            SlaTarget(metric=FR, within=H, warn_at=(fraction,))

    def test_warn_at_duplicates(self):
        """Rule 18: one warning per fraction."""
        with pytest.raises(InvalidArgumentError, match="twice"):
            SlaTarget(metric=FR, within=H, warn_at=(0.5, 0.5))

    @pytest.mark.parametrize("warn_at", ["0.5", 0.5, [True], ["half"]])
    def test_warn_at_types(self, warn_at):
        """warn_at is a list of numbers."""
        with pytest.raises(ServiceKitError, match="warn_at"):
            SlaTarget(metric=FR, within=H, warn_at=warn_at)

    def test_no_warnings(self):
        """warn_at=() means breach alerts only."""
        r = evaluate(policy("p", target(FR, H, warn_at=())), [created(T0)], T0)
        assert [a.kind for a in r.alerts] == [AlertKind.BREACH]

    @pytest.mark.parametrize("name", ["first-response", "sla", "", None])
    def test_bad_metric_names(self, name):
        """An unknown metric name raises UnknownNameError listing the four."""
        with pytest.raises(ServiceKitError, match="first_response, next_response"):
            SlaTarget(metric=name, within=H)

    def test_metric_names_are_forgiving(self):
        """A member, its value or its name (any case) all work."""
        assert {
            SlaTarget(metric=m, within=H).metric
            for m in (FR, "first_response", "FIRST_RESPONSE", " First_Response ")
        } == {FR}

    def test_business_hours_must_be_a_bool(self):
        """business_hours="no" is truthy: refusing it prevents a silent business clock."""
        with pytest.raises(InvalidTypeError, match="True or False"):
            SlaTarget(metric=FR, within=H, business_hours="no")


class TestPolicyErrors:
    def test_two_targets_for_one_metric(self):
        """A policy has at most one target per metric."""
        with pytest.raises(
            InvalidArgumentError, match="two targets for FIRST_RESPONSE"
        ):
            policy("p", target(FR, H), target(FR, 2 * H))

    @pytest.mark.parametrize("st", ["solved", "closed", "open"])
    def test_pause_on_only_pending_and_on_hold(self, st):
        """Rule 13: solving stops clocks; an OPEN ticket is the one being worked."""
        with pytest.raises(InvalidArgumentError, match="PENDING and ON_HOLD"):
            policy("p", target(FR, H), pause_on=[st])

    def test_pause_on_unknown_status(self):
        """An unknown status names the known ones."""
        with pytest.raises(UnknownNameError, match="pending"):
            policy("p", target(FR, H), pause_on=["waiting"])

    @pytest.mark.parametrize("cal", [None, "Asia/Shanghai", {"timezone": "UTC"}])
    def test_calendar_must_be_a_calendar(self, cal):
        """A zone name is not a calendar: the message says which type was given."""
        with pytest.raises(InvalidTypeError, match="BusinessCalendar"):
            SlaPolicy(name="p", targets=[target(FR, H)], calendar=cal)

    @pytest.mark.parametrize("name", ["", "   ", None])
    def test_name_required(self, name):
        """Reports name the policy applied."""
        with pytest.raises(InvalidArgumentError, match="name"):
            SlaPolicy(name=name, targets=[target(FR, H)], calendar=UTC24)

    @pytest.mark.parametrize("targets", [target(FR, H), "first_response", [object()]])
    def test_targets_must_be_a_list_of_targets(self, targets):
        """A bare target (not in a list) is refused, not iterated."""
        with pytest.raises(InvalidTypeError, match="SlaTarget"):
            SlaPolicy(name="p", targets=targets, calendar=UTC24)

    def test_unmeasured_metric_is_absent_from_reports(self):
        """A metric without a target is not measured: absent from metrics and alerts."""
        r = evaluate(policy("p", target(RES, H)), [created(T0)], T0)
        assert list(r.metrics) == [RES]


class TestPolicySetErrors:
    def test_empty(self):
        """Rule 5: an empty set would match nothing."""
        with pytest.raises(InvalidArgumentError, match="at least one policy"):
            PolicySet([])

    def test_duplicate_names(self):
        """Rule 5: names identify policies in reports."""
        with pytest.raises(DuplicateIdError, match="'p'"):
            PolicySet([policy("p", target(FR, H)), policy("p", target(FR, 2 * H))])

    @pytest.mark.parametrize("bad", ["p", {"p": 1}, [target(FR, H)], 3])
    def test_not_policies(self, bad):
        """A PolicySet holds SlaPolicy values only."""
        with pytest.raises(InvalidTypeError):
            PolicySet(bad)


# ============================================================ serialisation


class TestSerialisation:
    def test_report_round_trips_through_json(self):
        """SlaReport.to_dict -> JSON -> from_dict gives an equal report."""
        events = [
            created(MON, tier="high_value"),
            reply(MON + M),
            message(MON + H),
            status(MON + 2 * H, "pending"),
        ]
        r = evaluate(SERVICE_STANDARD, events, MON + 3 * H)
        data = json.loads(json.dumps(r.to_dict()))
        assert SlaReport.from_dict(data) == r
        assert data["metrics"]["first_response"]["state"] == "met"
        assert data["next_change_at"] == r.next_change_at.isoformat()

    def test_policy_round_trips_through_json(self):
        """SlaPolicy and PolicySet survive JSON, calendar and condition included."""
        for p in (*SERVICE_STANDARD.policies, ALL_FOUR, HV_BUSINESS):
            assert SlaPolicy.from_dict(json.loads(json.dumps(p.to_dict()))) == p

    @pytest.mark.parametrize(
        ("cls", "data"),
        [
            (SlaTarget, {"within": "PT5M"}),
            (SlaTarget, {"metric": "first_response"}),
            (SlaTarget, {"metric": "first_response", "within": "five minutes"}),
            (SlaTarget, "first_response"),
            (SlaPolicy, {"targets": [], "calendar": UTC24.to_dict()}),
            (SlaPolicy, {"name": "p", "calendar": UTC24.to_dict()}),
            (SlaPolicy, {"name": "p", "targets": [], "calendar": {}}),
            (SlaPolicy, {"name": "p", "targets": "x", "calendar": UTC24.to_dict()}),
            (PolicySet, {}),
            (PolicySet, {"policies": "urgent"}),
            (PolicySet, []),
            (SlaReport, {}),
            (TicketEvent, {"kind": "created"}),
        ],
    )
    def test_from_dict_missing_keys_and_malformed_data(self, cls, data):
        """Stored data that lost a key or a well-formed value raises DeserializationError."""
        with pytest.raises(DeserializationError):
            cls.from_dict(data)

    def test_metric_status_and_alert_from_dict_missing_keys(self):
        """MetricStatus and Alert data without their keys raise DeserializationError."""
        with pytest.raises(DeserializationError, match="metric"):
            MetricStatus.from_dict({}, timezone="UTC")
        with pytest.raises(DeserializationError, match="kind"):
            Alert.from_dict({}, timezone="UTC")

    @pytest.mark.parametrize(
        ("cls", "data"),
        [
            (SlaTarget, {"metric": "sla", "within": "PT5M"}),
            (SlaTarget, {"metric": "first_response", "within": "PT0S"}),
            (SlaTarget, {"metric": "first_response", "within": "PT5M", "warn_at": [2]}),
            (
                SlaPolicy,
                {
                    "name": "p",
                    "targets": [],
                    "calendar": UTC24.to_dict(),
                    "pause_on": ["solved"],
                },
            ),
        ],
    )
    def test_from_dict_bad_values(self, cls, data):
        """A stored value that is well-formed but invalid raises DeserializationError."""
        with pytest.raises(DeserializationError):
            cls.from_dict(data)

    def test_from_dict_bad_values_raise_a_servicekit_error(self):
        """Whatever the class, a bad stored value raises a servicekit error naming it."""
        with pytest.raises(ServiceKitError, match="'sla'"):
            SlaTarget.from_dict({"metric": "sla", "within": "PT5M"})

    def test_policy_set_pickles(self):
        """Everything pickles (for Dask and Spark): the compiled form is rebuilt."""
        back = pickle.loads(pickle.dumps(SERVICE_STANDARD))
        assert back == SERVICE_STANDARD
        events = [created(MON, tier="high_value")]
        assert evaluate(back, events, MON + H) == evaluate(
            SERVICE_STANDARD, events, MON + H
        )
        r = evaluate(SERVICE_STANDARD, events, MON + H)
        assert pickle.loads(pickle.dumps(r)) == r
