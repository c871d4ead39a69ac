"""SLA clocks across the Spring Festival, its make-up working days, and DST changes.

Hand-computed: every expected instant is worked out in the comments (business
clocks checked against ``BusinessCalendar.add``); each docstring names the rule of
``docs/sla.md`` it pins. The shared world is ``sla/clock_world.py``.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pendulum
import pytest

from helpers import HOUR, MINUTE, NEW_YORK, sh
from servicekit.sla import (
    MetricState,
    evaluate,
)
from servicekit.sla.presets import CHINA_BUSINESS_CALENDAR
from sla.clock_world import (
    FR,
    HV_BUSINESS,
    NR,
    NY_CAL,
    RES,
    created,
    message,
    metric,
    policy,
    reply,
    target,
)


class TestSpringFestival2025:
    """China 2025: Jan 26 (Sun) and Feb 8 (Sat) are make-up working days; Jan 28 - Feb 4 are holidays."""

    def test_friday_before_the_festival_is_due_on_the_make_up_sunday(self):
        """Rule 14: Fri Jan 24 17:00 + 2 h = 17:00-18:00 + Sun Jan 26 09:00-10:00."""
        fri = sh(2025, 1, 24, 17)
        r = evaluate(HV_BUSINESS, [created(fri)], fri)
        assert metric(r, FR).due_at == sh(2025, 1, 26, 10)
        assert CHINA_BUSINESS_CALENDAR.add(fri, 2 * HOUR) == sh(2025, 1, 26, 10)

    def test_eve_of_the_festival_waits_for_february_5(self):
        """Rules 14, 18: Mon Jan 27 17:00 + 2 h = 1 h on the 27th, then Feb 5 09:00-10:00.

        50 % falls at 18:00 on Jan 27, 75 % at Feb 5 09:30, the breach at Feb 5 10:00.
        """
        eve = sh(2025, 1, 27, 17)
        r = evaluate(HV_BUSINESS, [created(eve)], eve)
        assert metric(r, FR).due_at == sh(2025, 2, 5, 10)
        assert CHINA_BUSINESS_CALENDAR.add(eve, 2 * HOUR) == sh(2025, 2, 5, 10)
        assert [a.at for a in r.alerts if a.metric is FR] == [
            sh(2025, 1, 27, 18),
            sh(2025, 2, 5, 9, 30),
            sh(2025, 2, 5, 10),
        ]
        # During the holiday nothing moves: elapsed is still 1 h on Feb 1.
        holiday = evaluate(HV_BUSINESS, [created(eve)], sh(2025, 2, 1, 12))
        assert metric(holiday, FR).elapsed == HOUR
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
        assert CHINA_BUSINESS_CALENDAR.add(sunday, 16 * HOUR) == sh(2025, 2, 5, 10)

    def test_next_response_before_the_make_up_saturday(self):
        """Rules 9, 14: a customer writes Fri Feb 7 17:30: 0.5 h + Sat Feb 8 09:00-10:30."""
        fri = sh(2025, 2, 7, 17)
        events = [created(fri), reply(fri + 10 * MINUTE), message(fri + 30 * MINUTE)]
        r = evaluate(HV_BUSINESS, events, fri + 30 * MINUTE)
        assert metric(r, NR).due_at == sh(2025, 2, 8, 10, 30)
        assert CHINA_BUSINESS_CALENDAR.add(fri + 30 * MINUTE, 2 * HOUR) == sh(
            2025, 2, 8, 10, 30
        )
        # Sunday Feb 9 is an ordinary closed Sunday: after Saturday the breach is final.
        late = evaluate(HV_BUSINESS, events, sh(2025, 2, 9, 12))
        assert metric(late, NR).state is MetricState.BREACHED
        assert metric(late, NR).breached_at == sh(2025, 2, 8, 10, 30)


class TestDaylightSaving:
    """America/New_York 2025: clocks spring forward Mar 9 02:00 and fall back Nov 2 02:00."""

    @pytest.mark.parametrize("business", [True, False])
    def test_spring_forward_one_hour_from_01_30_is_03_30_edt(self, business):
        """Rules 14, 15: 02:00-03:00 does not exist, so one real hour after 01:30 EST is 03:30 EDT."""
        p = policy("ny", target(FR, HOUR, business=business), calendar=NY_CAL)
        start = pendulum.datetime(2025, 3, 9, 1, 30, tz=NEW_YORK)
        due = metric(evaluate(p, [created(start)], start), FR).due_at
        assert (due.hour, due.minute) == (3, 30)
        assert due.utcoffset() == -4 * HOUR
        assert due - start == HOUR

    @pytest.mark.parametrize("business", [True, False])
    def test_fall_back_repeated_hour_counts_twice(self, business):
        """Rules 14, 15: one real hour after 01:30 EDT is 01:30 EST; 24 h after midnight is 23:00."""
        p = policy(
            "ny",
            target(FR, HOUR, business=business),
            target(RES, 24 * HOUR, business=business),
            calendar=NY_CAL,
        )
        # pendulum picks the later 01:30 (EST) for an ambiguous time: build the first.
        first_0130 = dt.datetime(2025, 11, 2, 1, 30, tzinfo=ZoneInfo(NEW_YORK), fold=0)
        assert first_0130.utcoffset() == -4 * HOUR
        due = metric(evaluate(p, [created(first_0130)], first_0130), FR).due_at
        assert (due.hour, due.minute) == (1, 30)
        assert due.utcoffset() == -5 * HOUR
        midnight = pendulum.datetime(2025, 11, 2, tz=NEW_YORK)
        r = evaluate(p, [created(midnight)], midnight)
        assert metric(r, RES).due_at.hour == 23
        assert metric(r, RES).due_at.day == 2
        # At 23:00 wall time the day has run 24 real hours: breached exactly then.
        at_23 = evaluate(
            p, [created(midnight)], pendulum.datetime(2025, 11, 2, 23, tz=NEW_YORK)
        )
        assert metric(at_23, RES).state is MetricState.BREACHED
        assert metric(at_23, RES).elapsed == 24 * HOUR

    def test_spring_forward_day_has_23_hours(self):
        """Rule 14: 24 h from Mar 9 00:00 EST is Mar 10 01:00 EDT."""
        p = policy("ny", target(RES, 24 * HOUR), calendar=NY_CAL)
        midnight = pendulum.datetime(2025, 3, 9, tz=NEW_YORK)
        due = metric(evaluate(p, [created(midnight)], midnight), RES).due_at
        assert (due.month, due.day, due.hour) == (3, 10, 1)
