"""Known-answer, regression and bad-input tests of ``BusinessCalendar`` (DESIGN §3).

One class per method or concern. Every expected value is computed by hand from the
contract (the comments show the arithmetic); named regression tests say in their
docstring which real-world bug, in which tool, they keep out of servicekit. The
random-calendar properties live in ``test_calendar_properties.py``.
"""

import datetime as dt
import json
import pickle
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import holidays
import pendulum
import pytest

from helpers import HOUR, MINUTE, ZERO
from servicekit.errors import (
    CalendarNeverOpensError,
    CalendarRangeError,
    HolidayDataWarning,
    InvalidHolidayError,
    InvalidHoursError,
    NaiveDatetimeError,
    ServiceKitError,
    UnknownNameError,
    UnknownTimezoneError,
)
from servicekit.sla import BusinessCalendar, HolidaySet, parse_hours
from servicekit.sla._timeline import Engine
from sla.reference import Reference, to_us

SHANGHAI_ZONE = ZoneInfo("Asia/Shanghai")
NEW_YORK_ZONE = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")

LUNCH = (("09:00", "12:00"), ("13:30", "18:00"))  # 7.5 h a day
WEEKDAYS = dict.fromkeys(range(5), LUNCH)


class FoundersDay(holidays.HolidayBase):
    """A company's own holiday calendar, the way the holidays docs teach it."""

    def _populate(self, year):
        super()._populate(year)
        self[dt.date(year, 3, 5)] = "Founders' Day"


def office(**overrides):
    """Mon-Fri 09:00-12:00, 13:30-18:00 in Shanghai (2025-03-03 is a Monday)."""
    kwargs = {"timezone": "Asia/Shanghai", "weekly_hours": WEEKDAYS} | overrides
    return BusinessCalendar(**kwargs)


def wall(zone, *fields):
    return dt.datetime(*fields, tzinfo=zone)


def assert_at(result, expected):
    """Same instant, and shown as a pendulum DateTime with the expected offset."""
    assert isinstance(result, pendulum.DateTime), type(result)
    assert to_us(result) == to_us(expected), (result, expected)
    assert result.utcoffset() == expected.utcoffset(), (result, expected)


@contextmanager
def years_built_at_most(limit):
    """Fail if the block builds more than ``limit`` year blocks: it must raise, not
    search thousands of years. Work is counted, never timed (no test reads a clock).
    """
    built = []
    original = Engine.build_year

    def counting(self, year):
        if year not in self.years:
            built.append(year)
        return original(self, year)

    Engine.build_year = counting
    try:
        yield built
    finally:
        Engine.build_year = original
    assert len(built) <= limit, f"built {len(built)} years: {built[:5]}…{built[-5:]}"


# -- is_open / next_open ------------------------------------------------------------


class TestIsOpen:
    def test_intervals_are_half_open(self):
        cal = office()
        assert not cal.is_open(wall(SHANGHAI_ZONE, 2025, 3, 3, 8, 59, 59, 999_999))
        assert cal.is_open(wall(SHANGHAI_ZONE, 2025, 3, 3, 9))
        assert cal.is_open(wall(SHANGHAI_ZONE, 2025, 3, 3, 11, 59, 59, 999_999))
        assert not cal.is_open(wall(SHANGHAI_ZONE, 2025, 3, 3, 12))
        assert not cal.is_open(wall(SHANGHAI_ZONE, 2025, 3, 8, 10))  # Saturday

    def test_judged_by_the_calendar_zone_not_the_argument_zone(self):
        """09:30 in Shanghai is 01:30 UTC and 20:30 the day before in New York."""
        cal = office()
        assert cal.is_open(wall(dt.UTC, 2025, 3, 3, 1, 30))
        assert cal.is_open(wall(NEW_YORK_ZONE, 2025, 3, 2, 20, 30))
        assert cal.is_open(pendulum.datetime(2025, 3, 3, 1, 30, tz="UTC"))

    def test_24_00_end_reaches_midnight(self):
        cal = BusinessCalendar(timezone="UTC", weekly_hours={0: [("18:00", "24:00")]})
        assert cal.is_open(wall(dt.UTC, 2025, 3, 3, 23, 59, 59, 999_999))
        assert not cal.is_open(wall(dt.UTC, 2025, 3, 4))


class TestNextOpen:
    def test_open_instant_is_returned_unchanged(self):
        t = wall(SHANGHAI_ZONE, 2025, 3, 3, 10, 0, 0, 123)
        assert_at(office().next_open(t), t)

    def test_lunch_weekend_and_interval_end(self):
        cal = office()
        assert_at(
            cal.next_open(wall(SHANGHAI_ZONE, 2025, 3, 3, 12)),
            wall(SHANGHAI_ZONE, 2025, 3, 3, 13, 30),
        )
        assert_at(
            cal.next_open(wall(SHANGHAI_ZONE, 2025, 3, 7, 18)),
            wall(SHANGHAI_ZONE, 2025, 3, 10, 9),
        )
        assert_at(
            cal.next_open(wall(SHANGHAI_ZONE, 2025, 3, 8, 10)),
            wall(SHANGHAI_ZONE, 2025, 3, 10, 9),
        )


# -- between ------------------------------------------------------------------------


class TestBetween:
    def test_a_full_day_with_lunch(self):
        got = office().between(
            wall(SHANGHAI_ZONE, 2025, 3, 3, 0), wall(SHANGHAI_ZONE, 2025, 3, 4, 0)
        )
        assert got == 7 * HOUR + 30 * MINUTE

    def test_a_week(self):
        got = office().between(
            wall(SHANGHAI_ZONE, 2025, 3, 3, 0), wall(SHANGHAI_ZONE, 2025, 3, 10, 0)
        )
        assert got == 5 * (7 * HOUR + 30 * MINUTE)

    def test_reversed_is_negative(self):
        a, b = wall(SHANGHAI_ZONE, 2025, 3, 3, 10), wall(SHANGHAI_ZONE, 2025, 3, 3, 14)
        assert office().between(b, a) == -(2 * HOUR + 30 * MINUTE)

    def test_sub_second_precision_is_kept(self):
        """DESIGN §2: durations keep microseconds, no rounding to minutes."""
        got = office().between(
            wall(SHANGHAI_ZONE, 2025, 3, 3, 11, 59, 59, 999_999),
            wall(SHANGHAI_ZONE, 2025, 3, 3, 13, 30, 0, 1),
        )
        assert got == dt.timedelta(microseconds=2)

    def test_start_and_end_in_different_zones(self):
        start = wall(dt.UTC, 2025, 3, 3, 1)  # 09:00 Shanghai
        end = wall(NEW_YORK_ZONE, 2025, 3, 2, 23)  # 12:00 Shanghai
        assert office().between(start, end) == 3 * HOUR


# -- add / subtract -------------------------------------------------------------------


class TestAdd:
    def test_within_a_morning(self):
        assert_at(
            office().add(wall(SHANGHAI_ZONE, 2025, 3, 3, 9), 2 * HOUR),
            wall(SHANGHAI_ZONE, 2025, 3, 3, 11),
        )

    def test_result_is_pendulum_in_the_calendar_zone(self):
        got = office().add(wall(dt.UTC, 2025, 3, 3, 1), HOUR)
        assert isinstance(got, pendulum.DateTime)
        assert got.timezone_name == "Asia/Shanghai"
        assert (got.hour, got.minute) == (10, 0)

    def test_pendulum_input(self):
        start = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")
        assert_at(
            office().add(start, 30 * MINUTE), wall(SHANGHAI_ZONE, 2025, 3, 3, 9, 30)
        )

    def test_sub_second_delta(self):
        start = wall(SHANGHAI_ZONE, 2025, 3, 3, 11, 59, 59, 999_999)
        got = office().add(start, dt.timedelta(microseconds=2))
        assert_at(got, wall(SHANGHAI_ZONE, 2025, 3, 3, 13, 30, 0, 1))

    def test_zero_while_closed_is_the_start_itself(self):
        """DESIGN §3: ``add(t, 0) == t`` even when closed (earliest t >= start)."""
        saturday = wall(SHANGHAI_ZONE, 2025, 3, 8, 10, 15)
        assert_at(office().add(saturday, ZERO), saturday)
        lunch = wall(SHANGHAI_ZONE, 2025, 3, 3, 12, 45)
        assert_at(office().add(lunch, ZERO), lunch)

    def test_landing_on_an_interval_end_returns_the_end(self):
        """The earliest instant is the close (12:00), not the reopening (13:30)."""
        assert_at(
            office().add(wall(SHANGHAI_ZONE, 2025, 3, 3, 11), HOUR),
            wall(SHANGHAI_ZONE, 2025, 3, 3, 12),
        )
        assert_at(
            office().add(wall(SHANGHAI_ZONE, 2025, 3, 7, 17), HOUR),
            wall(SHANGHAI_ZONE, 2025, 3, 7, 18),
        )

    def test_subtract_within_a_day_and_over_a_weekend(self):
        cal = office()
        assert_at(
            cal.subtract(wall(SHANGHAI_ZONE, 2025, 3, 3, 14, 30), 2 * HOUR),
            wall(SHANGHAI_ZONE, 2025, 3, 3, 11),
        )
        assert_at(
            cal.subtract(wall(SHANGHAI_ZONE, 2025, 3, 10, 9), HOUR),
            wall(SHANGHAI_ZONE, 2025, 3, 7, 17),
        )

    def test_subtract_returns_the_latest_instant(self):
        """From 13:30 back 30 min is 11:30: the closed lunch adds nothing."""
        cal = office()
        assert_at(
            cal.subtract(wall(SHANGHAI_ZONE, 2025, 3, 3, 13, 30), 30 * MINUTE),
            wall(SHANGHAI_ZONE, 2025, 3, 3, 11, 30),
        )
        # Back zero from a closed instant is that instant, not the previous close.
        assert_at(
            cal.subtract(wall(SHANGHAI_ZONE, 2025, 3, 8, 10), ZERO),
            wall(SHANGHAI_ZONE, 2025, 3, 8, 10),
        )


# -- named regressions ------------------------------------------------------------------


class TestRegressions:
    @staticmethod
    def new_york_nine_to_five(hols):
        return BusinessCalendar(
            timezone="America/New_York",
            weekly_hours=dict.fromkeys(range(5), (("09:00", "17:00"),)),
            holidays=hols,
        )

    def test_pandas_16867_friday_afternoon_target_skips_monday_holiday(self):
        """pandas issue 16867: CustomBusinessHour gave Mon 2014-01-20 15:00 (MLK Day).

        From Friday 2014-01-17 15:00 with Monday a holiday, 8 business hours are
        2 h on Friday plus 6 h on Tuesday: Tuesday 15:00. 7 hours gave the right
        answer in pandas; 8, a full day, jumped into the holiday.
        """
        cal = self.new_york_nine_to_five(holidays.US(years=2014))
        friday = wall(NEW_YORK_ZONE, 2014, 1, 17, 15)
        assert_at(cal.add(friday, 7 * HOUR), wall(NEW_YORK_ZONE, 2014, 1, 21, 14))
        assert_at(cal.add(friday, 8 * HOUR), wall(NEW_YORK_ZONE, 2014, 1, 21, 15))

    def test_pandas_29901_hour_by_hour_targets_never_go_back(self):
        """pandas issue 29901: adding 1..29 business hours from Fri 13:00 before MLK
        Day jumped back to Monday and then to 2014-01-31; targets must only advance.
        """
        cal = self.new_york_nine_to_five(holidays.US(years=2014))
        friday = wall(NEW_YORK_ZONE, 2014, 1, 17, 13)
        targets = [to_us(cal.add(friday, n * HOUR)) for n in range(1, 30)]
        assert targets == sorted(set(targets))
        assert_at(cal.add(friday, 8 * HOUR), wall(NEW_YORK_ZONE, 2014, 1, 21, 13))
        assert_at(cal.add(friday, 29 * HOUR), wall(NEW_YORK_ZONE, 2014, 1, 24, 10))

    def test_pandas_26381_long_day_target_lands_in_the_next_period(self):
        """pandas PR 26381: with hours 00:00-23:00, 22:00 + 4 h gave 02:00, not 03:00."""
        cal = BusinessCalendar(
            timezone="UTC", weekly_hours=dict.fromkeys(range(5), (("00:00", "23:00"),))
        )
        got = cal.add(wall(dt.UTC, 2014, 7, 3, 22), 4 * HOUR)
        assert_at(got, wall(dt.UTC, 2014, 7, 4, 3))

    def test_ticket_opened_on_a_weekend_starts_its_clock_at_the_next_opening(self):
        """Clocks that start counting at the raw creation instant put a Saturday
        10:00 ticket's 1-business-hour target on Monday 09:00 (the weekend hour
        "spent") or Saturday 11:00; it is Monday 10:00.
        """
        assert_at(
            office().add(wall(SHANGHAI_ZONE, 2025, 3, 8, 10), HOUR),
            wall(SHANGHAI_ZONE, 2025, 3, 10, 10),
        )

    def test_ticket_opened_on_a_holiday_starts_its_clock_at_the_next_opening(self):
        """A ticket opened on a Monday holiday starts counting on Tuesday 09:00."""
        cal = office(holidays=[dt.date(2025, 3, 10)])
        assert_at(
            cal.add(wall(SHANGHAI_ZONE, 2025, 3, 10, 10), HOUR),
            wall(SHANGHAI_ZONE, 2025, 3, 11, 10),
        )
        assert (
            cal.between(
                wall(SHANGHAI_ZONE, 2025, 3, 10, 0), wall(SHANGHAI_ZONE, 2025, 3, 11, 0)
            )
            == ZERO
        )

    def test_start_exactly_at_an_interval_end(self):
        """Off-by-one at a boundary: 12:00 is closed, so 1 h from 12:00 is 14:30."""
        cal = office()
        noon = wall(SHANGHAI_ZONE, 2025, 3, 3, 12)
        assert not cal.is_open(noon)
        assert_at(cal.add(noon, HOUR), wall(SHANGHAI_ZONE, 2025, 3, 3, 14, 30))
        assert cal.between(noon, wall(SHANGHAI_ZONE, 2025, 3, 3, 13, 30)) == ZERO
        assert_at(
            cal.add(wall(SHANGHAI_ZONE, 2025, 3, 7, 18), HOUR),
            wall(SHANGHAI_ZONE, 2025, 3, 10, 10),
        )

    def test_china_spring_festival_2025_make_up_days(self):
        """Every peer (pandas, numpy, businesstime, exchange_calendars) treats
        Sunday 2025-01-26 and Saturday 2025-02-08 as closed; China worked them
        (调休) to pay for the 01-28..02-04 Spring Festival break.
        """
        cal = office(holidays=holidays.China(years=2025))
        assert cal.is_business_day(dt.date(2025, 1, 26))
        assert cal.is_business_day(dt.date(2025, 2, 8))
        for day in range(28, 32):
            assert not cal.is_business_day(dt.date(2025, 1, day))
        for day in range(1, 5):
            assert not cal.is_business_day(dt.date(2025, 2, day))
        assert cal.is_business_day(dt.date(2025, 1, 27))
        # Make-up days work Monday's hours, lunch break included.
        assert cal.is_open(wall(SHANGHAI_ZONE, 2025, 1, 26, 9, 30))
        assert not cal.is_open(wall(SHANGHAI_ZONE, 2025, 1, 26, 12, 30))
        # Friday 17:00 + 2 h: 1 h on Friday, 1 h on the make-up Sunday.
        assert_at(
            cal.add(wall(SHANGHAI_ZONE, 2025, 1, 24, 17), 2 * HOUR),
            wall(SHANGHAI_ZONE, 2025, 1, 26, 10),
        )
        # Monday 2025-01-27 17:00 + 2 h: 1 h on Monday, then nothing until Wed 02-05.
        assert_at(
            cal.add(wall(SHANGHAI_ZONE, 2025, 1, 27, 17), 2 * HOUR),
            wall(SHANGHAI_ZONE, 2025, 2, 5, 10),
        )
        # 01-20..01-24 (5) + Sun 26 + Mon 27 + 02-05..07 (3) + Sat 08 = 11.
        assert (
            cal.business_days_between(dt.date(2025, 1, 20), dt.date(2025, 2, 10)) == 11
        )

    def test_eight_hour_target_across_a_lunch_break(self):
        """Tools without lunch breaks (pandas' single start/end, numpy) put Monday
        10:00 + 8 h at 18:00; with 12:00-13:30 closed it is Tuesday 10:30.
        """
        cal = office()
        # Mon: 10-12 (2 h) + 13:30-18 (4.5 h) = 6.5 h; Tue 09:00 + 1.5 h.
        assert_at(
            cal.add(wall(SHANGHAI_ZONE, 2025, 3, 3, 10), 8 * HOUR),
            wall(SHANGHAI_ZONE, 2025, 3, 4, 10, 30),
        )
        assert (
            cal.between(
                wall(SHANGHAI_ZONE, 2025, 3, 3, 10),
                wall(SHANGHAI_ZONE, 2025, 3, 4, 10, 30),
            )
            == 8 * HOUR
        )

    def test_new_york_24x7_spring_forward_day_has_23_hours(self):
        """A 24×7 desk counting wall-clock hours gives 24 h on 2025-03-09: it had 23."""
        cal = BusinessCalendar.always_open(timezone="America/New_York")
        assert (
            cal.between(
                wall(NEW_YORK_ZONE, 2025, 3, 9), wall(NEW_YORK_ZONE, 2025, 3, 10)
            )
            == 23 * HOUR
        )
        assert_at(
            cal.add(wall(NEW_YORK_ZONE, 2025, 3, 9), 24 * HOUR),
            wall(NEW_YORK_ZONE, 2025, 3, 10, 1),
        )

    def test_new_york_24x7_fall_back_day_has_25_hours(self):
        """…and 25 on 2025-11-02, when 01:00-02:00 happens twice."""
        cal = BusinessCalendar.always_open(timezone="America/New_York")
        assert (
            cal.between(
                wall(NEW_YORK_ZONE, 2025, 11, 2), wall(NEW_YORK_ZONE, 2025, 11, 3)
            )
            == 25 * HOUR
        )
        assert_at(
            cal.add(wall(NEW_YORK_ZONE, 2025, 11, 2), 24 * HOUR),
            wall(NEW_YORK_ZONE, 2025, 11, 2, 23),
        )

    def test_interval_containing_the_repeated_hour_counts_it_twice(self):
        """00:00-03:00 on 2025-11-02 is 4 real hours; on 2025-03-09 only 2."""
        cal = BusinessCalendar(
            timezone="America/New_York",
            weekly_hours=dict.fromkeys(range(7), (("00:00", "03:00"),)),
        )
        assert (
            cal.between(
                wall(NEW_YORK_ZONE, 2025, 11, 2), wall(NEW_YORK_ZONE, 2025, 11, 3)
            )
            == 4 * HOUR
        )
        assert (
            cal.between(
                wall(NEW_YORK_ZONE, 2025, 3, 9), wall(NEW_YORK_ZONE, 2025, 3, 10)
            )
            == 2 * HOUR
        )
        # 00:00 EDT (04:00 UTC) + 3.5 h = 07:30 UTC = 02:30 EST, the second time round.
        got = cal.add(wall(NEW_YORK_ZONE, 2025, 11, 2), 3 * HOUR + 30 * MINUTE)
        assert to_us(got) == to_us(wall(dt.UTC, 2025, 11, 2, 7, 30))
        assert got.utcoffset() == -5 * HOUR
        # The first 01:30 (EDT) is open, and so is the second (EST).
        first = wall(dt.UTC, 2025, 11, 2, 5, 30)
        second = wall(dt.UTC, 2025, 11, 2, 6, 30)
        assert cal.is_open(first)
        assert cal.is_open(second)

    def test_night_shift_whose_start_date_is_a_holiday(self):
        """A holiday on Wednesday cancels Wednesday's 22:00-06:00 shift, including
        its hours on Thursday morning, but not Tuesday's shift ending Wednesday 06:00.
        """
        cal = BusinessCalendar(
            timezone="Europe/London",
            weekly_hours=dict.fromkeys(range(5), (("22:00", "06:00"),)),
            holidays=[dt.date(2025, 3, 5)],
        )
        assert cal.is_open(wall(LONDON, 2025, 3, 5, 3))  # Tuesday's shift
        assert not cal.is_open(wall(LONDON, 2025, 3, 5, 23))
        assert not cal.is_open(wall(LONDON, 2025, 3, 6, 3))
        assert cal.is_open(wall(LONDON, 2025, 3, 6, 23))  # Thursday's shift
        assert not cal.is_business_day(dt.date(2025, 3, 5))
        # Wed 05:00 + 2 h: 1 h of Tuesday's shift, then Thursday 22:00 + 1 h.
        got = cal.add(wall(LONDON, 2025, 3, 5, 5), 2 * HOUR)
        assert_at(got, wall(LONDON, 2025, 3, 6, 23))
        # Close of business of Tuesday is Wednesday 06:00.
        tuesday_evening = wall(LONDON, 2025, 3, 4, 21)
        assert_at(
            cal.add_business_days(tuesday_evening, 0), wall(LONDON, 2025, 3, 5, 6)
        )
        assert_at(
            cal.add_business_days(tuesday_evening, 1), wall(LONDON, 2025, 3, 7, 6)
        )

    def test_pandas_23542_weekend_workdays_and_holidays_together(self):
        """pandas issue 23542: CustomBusinessHour ignored a Saturday in the weekmask
        when a Friday holiday intervened. Mon-Sat 08:00-17:00, Friday off: Thursday
        08:00 + 10 h is Saturday 09:00.
        """
        cal = BusinessCalendar(
            timezone="UTC",
            weekly_hours=dict.fromkeys(range(6), (("08:00", "17:00"),)),
            holidays=[dt.date(2018, 11, 9)],
        )
        got = cal.add(wall(dt.UTC, 2018, 11, 8, 8), 10 * HOUR)
        assert_at(got, wall(dt.UTC, 2018, 11, 10, 9))


# -- business days ----------------------------------------------------------------------


class TestBusinessDays:
    def test_is_business_day(self):
        cal = office(holidays=[dt.date(2025, 3, 5)])
        assert cal.is_business_day(dt.date(2025, 3, 4))
        assert not cal.is_business_day(dt.date(2025, 3, 5))
        assert not cal.is_business_day(dt.date(2025, 3, 8))

    def test_add_business_days_one_from_friday_evening_is_monday_close(self):
        """ "Within 1 business day" of a Friday-evening ticket is Monday 18:00."""
        assert_at(
            office().add_business_days(wall(SHANGHAI_ZONE, 2025, 3, 7, 20), 1),
            wall(SHANGHAI_ZONE, 2025, 3, 10, 18),
        )

    def test_add_business_days_zero(self):
        """n = 0 is close of the start's own date, even if already past (Friday
        evening), or of the next business day when the date is closed (Saturday).
        """
        cal = office()
        assert_at(
            cal.add_business_days(wall(SHANGHAI_ZONE, 2025, 3, 7, 20), 0),
            wall(SHANGHAI_ZONE, 2025, 3, 7, 18),
        )
        assert_at(
            cal.add_business_days(wall(SHANGHAI_ZONE, 2025, 3, 8, 10), 0),
            wall(SHANGHAI_ZONE, 2025, 3, 10, 18),
        )

    def test_add_business_days_counts_from_the_local_date(self):
        """Monday 00:30 Shanghai is Sunday 16:30 UTC: the local date decides."""
        start = wall(dt.UTC, 2025, 3, 2, 16, 30)
        assert_at(
            office().add_business_days(start, 2), wall(SHANGHAI_ZONE, 2025, 3, 5, 18)
        )

    def test_add_business_days_skips_holidays_and_uses_make_up_days(self):
        cal = office(holidays=holidays.China(years=2025))
        friday = wall(SHANGHAI_ZONE, 2025, 1, 24, 12)
        assert_at(
            cal.add_business_days(friday, 1), wall(SHANGHAI_ZONE, 2025, 1, 26, 18)
        )
        assert_at(
            cal.add_business_days(friday, 2), wall(SHANGHAI_ZONE, 2025, 1, 27, 18)
        )
        assert_at(cal.add_business_days(friday, 3), wall(SHANGHAI_ZONE, 2025, 2, 5, 18))

    def test_business_days_between(self):
        cal = office(holidays=[dt.date(2025, 3, 5)])
        monday, next_monday = dt.date(2025, 3, 3), dt.date(2025, 3, 10)
        assert cal.business_days_between(monday, next_monday) == 4
        assert cal.business_days_between(monday, monday) == 0
        assert cal.business_days_between(monday, dt.date(2025, 3, 4)) == 1

    def test_business_days_between_is_negative_when_reversed(self):
        """numpy busday_count convention: the begin date counts, the end never does,
        so for b < a the count is minus the business days in (b, a].
        """
        cal = office()
        assert (
            cal.business_days_between(dt.date(2025, 3, 10), dt.date(2025, 3, 3)) == -5
        )
        assert cal.business_days_between(dt.date(2025, 3, 9), dt.date(2025, 3, 8)) == 0
        # Monday back to Saturday: Monday itself counts (numpy gives -1).
        assert (
            cal.business_days_between(dt.date(2025, 3, 10), dt.date(2025, 3, 8)) == -1
        )


# -- constructors and conveniences ------------------------------------------------------


class TestConstruction:
    def test_always_open(self):
        cal = BusinessCalendar.always_open()
        start = wall(dt.UTC, 2025, 12, 31, 23, 59, 59, 999_999)
        assert cal.is_open(start)
        assert cal.is_business_day(dt.date(2025, 12, 25))
        assert cal.between(start, start + 1000 * HOUR) == 1000 * HOUR
        assert_at(cal.add(start, 90 * MINUTE), start + 90 * MINUTE)

    def test_weekly_hours_accept_time_objects_and_seconds(self):
        by_time = office(weekly_hours={0: [(dt.time(9), dt.time(12, 0, 30))]})
        by_str = office(weekly_hours={0: [("09:00", "12:00:30")]})
        monday = wall(SHANGHAI_ZONE, 2025, 3, 3)
        assert by_time.between(monday, monday + 24 * HOUR) == 3 * HOUR + dt.timedelta(
            seconds=30
        )
        assert by_str.between(monday, monday + 24 * HOUR) == 3 * HOUR + dt.timedelta(
            seconds=30
        )

    def test_explicit_workdays_and_workday_hours(self):
        sunday = dt.date(2025, 3, 9)
        cal = office(workdays=[sunday], workday_hours=[("10:00", "12:00")])
        assert cal.is_business_day(sunday)
        assert not cal.is_open(wall(SHANGHAI_ZONE, 2025, 3, 9, 9, 30))
        assert (
            cal.between(
                wall(SHANGHAI_ZONE, 2025, 3, 9), wall(SHANGHAI_ZONE, 2025, 3, 10)
            )
            == 2 * HOUR
        )

    def test_parse_hours(self):
        hours = parse_hours("Mon-Fri 09:00-12:00,13:30-18:00; Sat 10:00-14:00")
        assert set(hours) == {0, 1, 2, 3, 4, 5}
        cal = BusinessCalendar(timezone="Asia/Shanghai", weekly_hours=hours)
        week = (wall(SHANGHAI_ZONE, 2025, 3, 3), wall(SHANGHAI_ZONE, 2025, 3, 10))
        assert cal.between(*week) == office().between(*week) + 4 * HOUR
        assert cal.is_open(wall(SHANGHAI_ZONE, 2025, 3, 8, 13, 59))
        assert not cal.is_open(wall(SHANGHAI_ZONE, 2025, 3, 9, 11))
        assert not cal.is_open(wall(SHANGHAI_ZONE, 2025, 3, 5, 12, 15))

    def test_for_country_china(self):
        cal = BusinessCalendar.for_country(
            "CN", timezone="Asia/Shanghai", weekly_hours=WEEKDAYS
        )
        assert cal.is_business_day(dt.date(2025, 1, 26))  # make-up Sunday
        assert not cal.is_business_day(dt.date(2025, 1, 28))
        assert not cal.is_business_day(dt.date(2026, 10, 1))  # National Day
        assert cal.is_business_day(dt.date(2026, 2, 14))  # make-up Saturday 2026

    def test_for_country_subdivision(self):
        """César Chávez Day (2025-03-31) is a California holiday, not a federal one."""
        hours = dict.fromkeys(range(5), (("09:00", "17:00"),))
        ca = BusinessCalendar.for_country(
            "US", timezone="America/Los_Angeles", weekly_hours=hours, subdiv="CA"
        )
        us = BusinessCalendar.for_country(
            "US", timezone="America/Los_Angeles", weekly_hours=hours
        )
        assert not ca.is_business_day(dt.date(2025, 3, 31))
        assert us.is_business_day(dt.date(2025, 3, 31))

    def test_holiday_object_years_are_populated_on_demand(self):
        """A ``holidays.China`` built for 2024 only must still know 2026's National
        Day and 2026's make-up Saturday when arithmetic crosses into 2026.
        """
        cal = office(holidays=holidays.China(years=2024))
        assert not cal.is_business_day(dt.date(2026, 10, 1))
        assert cal.is_business_day(dt.date(2026, 2, 14))
        # Across New Year: 2025-12-31 17:00 + 2 h skips 2026-01-01/02 (holidays) and
        # the weekend, and works the make-up Sunday 2026-01-04.
        got = cal.add(wall(SHANGHAI_ZONE, 2025, 12, 31, 17), 2 * HOUR)
        assert_at(got, wall(SHANGHAI_ZONE, 2026, 1, 4, 10))

    def test_custom_holiday_subclass_years_are_populated_on_demand(self):
        """The ``holidays`` docs teach companies to subclass ``HolidayBase`` for
        their own days off. DESIGN §3 populates years the object lacks on demand;
        a calendar that only snapshots the years populated at construction keeps
        the clock running on 2026's company holiday.
        """
        cal = TestRegressions.new_york_nine_to_five(FoundersDay(years=2025))
        assert not cal.is_business_day(dt.date(2025, 3, 5))
        assert not cal.is_business_day(dt.date(2026, 3, 5))
        assert cal.is_business_day(dt.date(2026, 3, 6))

    def test_holiday_removed_from_the_object_is_a_working_day(self):
        """DESIGN §3: a ``HolidayBase``'s *dates* are the closed days. A company that
        works on Independence Day removes it from its holidays object; rebuilding
        the country's holidays from its code brings the day back, and every SLA
        clock silently stops for a day that was in fact worked.
        """
        us = holidays.US(years=2025)
        us.pop(dt.date(2025, 7, 4))
        assert dt.date(2025, 7, 4) not in us
        cal = TestRegressions.new_york_nine_to_five(us)
        assert cal.is_business_day(dt.date(2025, 7, 4))
        assert (
            cal.between(
                wall(NEW_YORK_ZONE, 2025, 7, 4), wall(NEW_YORK_ZONE, 2025, 7, 5)
            )
            == 8 * HOUR
        )
        again = BusinessCalendar.from_dict(json.loads(json.dumps(cal.to_dict())))
        assert again.is_business_day(dt.date(2025, 7, 4))

    def test_holiday_added_to_the_object_is_closed(self):
        us = holidays.US(years=2025)
        us.append({dt.date(2025, 3, 5): "Company day"})
        cal = TestRegressions.new_york_nine_to_five(us)
        assert not cal.is_business_day(dt.date(2025, 3, 5))
        again = BusinessCalendar.from_dict(json.loads(json.dumps(cal.to_dict())))
        assert not again.is_business_day(dt.date(2025, 3, 5))

    def test_holiday_object_without_years_is_populated_on_demand(self):
        cal = TestRegressions.new_york_nine_to_five(holidays.US())
        assert not cal.is_business_day(dt.date(2014, 1, 20))
        assert_at(
            cal.add(wall(NEW_YORK_ZONE, 2014, 1, 17, 15), 8 * HOUR),
            wall(NEW_YORK_ZONE, 2014, 1, 21, 15),
        )


# -- values ---------------------------------------------------------------------------


class TestValues:
    def test_json_round_trip_of_a_country_calendar(self):
        """Serialising a ``for_country`` calendar must not freeze it to the years
        populated so far: after the round trip 2026's holidays are still known.
        """
        cal = BusinessCalendar.for_country(
            "CN", timezone="Asia/Shanghai", weekly_hours=WEEKDAYS
        )
        cal.is_business_day(dt.date(2025, 1, 1))
        plain = json.loads(json.dumps(cal.to_dict()))
        assert plain == cal.to_dict(), "to_dict must be JSON-native (no tuples, dates)"
        again = BusinessCalendar.from_dict(plain)
        assert again == cal
        assert not again.is_business_day(dt.date(2026, 10, 1))
        assert again.is_business_day(dt.date(2026, 2, 14))

    def test_json_round_trip_of_a_holiday_object_calendar(self):
        """A calendar given a ``holidays.China`` object directly keeps its holidays
        and its make-up days through ``to_dict``/``from_dict``.
        """
        cal = office(holidays=holidays.China(years=2025))
        again = BusinessCalendar.from_dict(json.loads(json.dumps(cal.to_dict())))
        assert again.is_business_day(dt.date(2025, 1, 26))
        assert again.is_business_day(dt.date(2025, 2, 8))
        assert not again.is_business_day(dt.date(2025, 1, 28))
        start = wall(SHANGHAI_ZONE, 2025, 1, 24, 17)
        assert to_us(again.add(start, 2 * HOUR)) == to_us(cal.add(start, 2 * HOUR))

    def test_pickle_of_a_holiday_object_calendar(self):
        cal = office(holidays=holidays.China(years=2025))
        again = pickle.loads(pickle.dumps(cal))
        assert again.is_business_day(dt.date(2025, 2, 8))
        assert not again.is_business_day(dt.date(2025, 1, 28))


# -- bad input --------------------------------------------------------------------------


class TestBadInput:
    naive = dt.datetime(2025, 3, 3, 10)
    aware = wall(SHANGHAI_ZONE, 2025, 3, 3, 10)

    @pytest.mark.parametrize(
        "call",
        [
            lambda cal, naive, aware: cal.is_open(naive),
            lambda cal, naive, aware: cal.next_open(naive),
            lambda cal, naive, aware: cal.between(naive, aware),
            lambda cal, naive, aware: cal.between(aware, naive),
            lambda cal, naive, aware: cal.add(naive, HOUR),
            lambda cal, naive, aware: cal.subtract(naive, HOUR),
            lambda cal, naive, aware: cal.add_business_days(naive, 1),
        ],
        ids=[
            "is_open",
            "next_open",
            "between-start",
            "between-end",
            "add",
            "subtract",
            "add_business_days",
        ],
    )
    def test_naive_datetimes(self, call):
        with pytest.raises(NaiveDatetimeError) as info:
            call(office(), self.naive, self.aware)
        assert isinstance(info.value, ValueError)
        assert isinstance(info.value, ServiceKitError)

    @pytest.mark.parametrize(
        "zone", ["Mars/Olympus_Mons", "Asia/Shangai", "../etc/passwd", ""]
    )
    def test_unknown_time_zone(self, zone):
        with pytest.raises(UnknownTimezoneError):
            BusinessCalendar(timezone=zone, weekly_hours=WEEKDAYS)

    def test_host_time_zone_is_not_an_iana_name(self):
        """DESIGN §1: the core never reads the system time zone. ``"localtime"``
        opens /usr/share/zoneinfo/localtime, a link to the host's /etc/localtime,
        so one calendar (and its ``to_dict``) would mean Shanghai on one server
        and UTC on the next.
        """
        with pytest.raises(UnknownTimezoneError):
            BusinessCalendar(timezone="localtime", weekly_hours=WEEKDAYS)

    def test_unknown_time_zone_in_always_open(self):
        with pytest.raises(UnknownTimezoneError):
            BusinessCalendar.always_open(timezone="Nowhere/Land")

    @pytest.mark.parametrize(
        "intervals",
        [
            [("09:00", "12:00"), ("11:00", "13:00")],
            [("09:00", "18:00"), ("12:00", "13:00")],  # one inside another
            [("08:00", "18:00"), ("17:00", "02:00")],  # night shift starts too early
            [("09:00", "12:00"), ("09:00", "12:00")],
        ],
    )
    def test_overlapping_intervals(self, intervals):
        with pytest.raises(InvalidHoursError):
            office(weekly_hours={0: intervals})

    def test_empty_interval(self):
        """Issue 2 lists "empty intervals" among the errors: 09:00-09:00 has no length
        (it must not silently become a 24-hour night shift either).
        """
        with pytest.raises(InvalidHoursError):
            office(weekly_hours={0: [("09:00", "09:00")]})

    @pytest.mark.parametrize("position", ["start", "end"])
    @pytest.mark.parametrize(
        "bound", ["25:00", "12:60", "9am", "", "24:01", "09:00:60", "0900", "-01:00"]
    )
    def test_malformed_hour_strings(self, bound, position):
        interval = (bound, "23:00") if position == "start" else ("08:00", bound)
        with pytest.raises(InvalidHoursError):
            office(weekly_hours={0: [interval]})

    def test_interval_cannot_start_at_24_00(self):
        with pytest.raises(InvalidHoursError):
            office(weekly_hours={0: [("24:00", "06:00")]})

    @pytest.mark.parametrize(
        "text",
        [
            "Mon-Fri 9-5",
            "Funday 09:00-17:00",
            "Mon-Fri",
            "Mon 09:00-25:00",
            "Mon 09:00",
        ],
    )
    def test_malformed_parse_hours(self, text):
        with pytest.raises(InvalidHoursError):
            parse_hours(text)

    def test_negative_delta(self):
        with pytest.raises(ValueError) as info:
            office().add(self.aware, -dt.timedelta(microseconds=1))
        assert isinstance(info.value, ServiceKitError)

    @pytest.mark.parametrize("entry", [20250101, None, "next tuesday", 3.5])
    def test_non_date_holiday_entries(self, entry):
        with pytest.raises(InvalidHolidayError):
            office(holidays=[dt.date(2025, 1, 1), entry])

    @pytest.mark.parametrize("entry", [20250126, None, "sunday"])
    def test_non_date_workday_entries(self, entry):
        with pytest.raises(InvalidHolidayError):
            office(workdays=[entry])


class TestNeverOpens:
    @staticmethod
    def mondays_only_all_holidays():
        """Open on Mondays only, and every Monday for 60 years is a holiday."""
        first = dt.date(2025, 1, 6)
        mondays = [first + dt.timedelta(weeks=i) for i in range(60 * 53)]
        assert mondays[-1].year >= 2085
        return BusinessCalendar(
            timezone="UTC",
            weekly_hours={0: [("09:00", "17:00")]},
            holidays=mondays,
        )

    @pytest.mark.parametrize(
        "call",
        [
            lambda cal, t: cal.add(t, HOUR),
            lambda cal, t: cal.next_open(t),
            lambda cal, t: cal.add_business_days(t, 1),
            lambda cal, t: cal.add_business_days(t, 0),
        ],
        ids=["add", "next_open", "add_business_days-1", "add_business_days-0"],
    )
    def test_sixty_years_of_holidays_raise_instead_of_hanging(self, call):
        cal = self.mondays_only_all_holidays()
        with years_built_at_most(200), pytest.raises(CalendarNeverOpensError) as info:
            call(cal, wall(dt.UTC, 2025, 1, 1))
        assert isinstance(info.value, ValueError)

    def test_subtract_into_the_past_of_a_calendar_that_never_was_open(self):
        cal = self.mondays_only_all_holidays()
        with years_built_at_most(200), pytest.raises(CalendarNeverOpensError):
            cal.subtract(wall(dt.UTC, 2085, 1, 1), HOUR)

    @staticmethod
    def one_make_up_day():
        """No weekly hours: open on one Saturday only, 09:00-17:00."""
        return BusinessCalendar(
            timezone="UTC",
            weekly_hours={},
            workdays=[dt.date(2025, 1, 4)],
            workday_hours=[("09:00", "17:00")],
        )

    def test_calendar_that_never_opens_again_raises_never_opens_not_range_error(self):
        """Once its only make-up day is past, the calendar never opens again: say so
        at once, rather than building every year to 9999 and blaming the year range.
        """
        cal = self.one_make_up_day()
        start = wall(dt.UTC, 2025, 1, 1)
        assert_at(cal.add(start, 8 * HOUR), wall(dt.UTC, 2025, 1, 4, 17))
        calls = [
            lambda: cal.add(start, 9 * HOUR),
            lambda: cal.next_open(wall(dt.UTC, 2025, 1, 5)),
            lambda: cal.next_open(wall(dt.UTC, 9990, 1, 5)),
            lambda: cal.add_business_days(start, 2),
            lambda: cal.subtract(wall(dt.UTC, 2025, 1, 5), 9 * HOUR),
            lambda: cal.subtract(wall(dt.UTC, 2025, 1, 3), HOUR),
        ]
        for call in calls:
            with years_built_at_most(10), pytest.raises(CalendarNeverOpensError):
                call()

    def test_country_make_up_days_end_with_the_years_holidays_knows(self):
        cal = BusinessCalendar(
            timezone="Asia/Shanghai",
            weekly_hours={},
            workday_hours=[("09:00", "17:00")],
            holidays=HolidaySet(country="CN"),
        )
        assert cal.is_business_day(dt.date(2025, 1, 26))  # a make-up Sunday
        with years_built_at_most(10), pytest.raises(CalendarNeverOpensError):
            cal.next_open(wall(SHANGHAI_ZONE, 2500, 1, 1))

    def test_no_working_time_at_all(self):
        """Raised when built or when first asked: either way, never a hang."""

        def build_and_ask():
            cal = BusinessCalendar(timezone="UTC", weekly_hours={})
            return cal.add(wall(dt.UTC, 2025, 1, 1), HOUR)

        with years_built_at_most(200), pytest.raises(CalendarNeverOpensError):
            build_and_ask()


# -- cross-check of the hand-computed regressions against the reference ---------------


@pytest.mark.parametrize(
    ("start", "delta"),
    [
        (wall(SHANGHAI_ZONE, 2025, 1, 24, 17), 2 * HOUR),
        (wall(SHANGHAI_ZONE, 2025, 1, 27, 17), 2 * HOUR),
        (wall(SHANGHAI_ZONE, 2025, 3, 3, 10), 8 * HOUR),
        (wall(SHANGHAI_ZONE, 2025, 3, 8, 10), HOUR),
    ],
)
def test_spring_festival_examples_agree_with_reference(start, delta):
    cn = holidays.China(years=2025)
    kwargs = {"timezone": "Asia/Shanghai", "weekly_hours": WEEKDAYS}
    cal = BusinessCalendar(**kwargs, holidays=cn)
    ref = Reference(**kwargs, holidays=list(cn), workdays=cn.weekend_workdays)
    assert to_us(cal.add(start, delta)) == to_us(ref.add(start, delta))


# -- edges the contract implies ---------------------------------------------------------


class TestEdges:
    def test_fold_of_an_input_inside_the_repeated_hour_is_honoured(self):
        """PEP 495: 01:30 fold=0 and fold=1 in New York on 2025-11-02 are an hour
        apart; a calendar that drops ``fold`` (e.g. by rebuilding the datetime from
        its wall clock) measures 0.
        """
        cal = BusinessCalendar.always_open(timezone="America/New_York")
        first = dt.datetime(2025, 11, 2, 1, 30, tzinfo=NEW_YORK_ZONE)
        second = dt.datetime(2025, 11, 2, 1, 30, tzinfo=NEW_YORK_ZONE, fold=1)
        assert cal.between(first, second) == HOUR
        assert to_us(cal.add(first, HOUR)) == to_us(second)

    def test_input_in_the_skipped_hour_follows_pep_495(self):
        """02:30 on 2025-03-09 does not exist in New York; PEP 495 reads it with
        the pre-transition offset (EST), i.e. 07:30 UTC.
        """
        cal = BusinessCalendar.always_open(timezone="America/New_York")
        ghost = dt.datetime(2025, 3, 9, 2, 30, tzinfo=NEW_YORK_ZONE)
        assert cal.between(ghost, wall(dt.UTC, 2025, 3, 9, 8)) == 30 * MINUTE

    def test_pendulum_duration_delta(self):
        got = office().add(
            wall(SHANGHAI_ZONE, 2025, 3, 3, 9), pendulum.duration(hours=2, minutes=30)
        )
        assert_at(got, wall(SHANGHAI_ZONE, 2025, 3, 3, 11, 30))

    def test_ten_years_of_24x7_is_real_elapsed_time(self):
        cal = BusinessCalendar.always_open(timezone="Europe/London")
        start, end = wall(LONDON, 2020, 1, 1), wall(LONDON, 2030, 1, 1)
        assert cal.between(start, end) == end.astimezone(dt.UTC) - start.astimezone(
            dt.UTC
        )

    def test_holidays_as_mapping_set_or_generator(self):
        wednesday = dt.date(2025, 3, 5)
        for given_as in (
            {wednesday: "Founders' Day"},
            {wednesday},
            (d for d in [wednesday]),
        ):
            cal = office(holidays=given_as)
            assert not cal.is_business_day(wednesday), given_as
            assert cal.is_business_day(dt.date(2025, 3, 6))

    def test_equal_arguments_make_equal_calendars(self):
        assert office() == office()
        assert office() != office(holidays=[dt.date(2025, 3, 5)])
        assert office() != office(timezone="Asia/Tokyo")

    def test_night_shift_only_day_is_a_business_day(self):
        cal = BusinessCalendar(timezone="UTC", weekly_hours={6: [("22:00", "06:00")]})
        sunday = dt.date(2025, 3, 9)
        assert cal.is_business_day(sunday)
        assert not cal.is_business_day(sunday + dt.timedelta(days=1))
        assert_at(
            cal.add_business_days(wall(dt.UTC, 2025, 3, 9, 12), 0),
            wall(dt.UTC, 2025, 3, 10, 6),
        )

    def test_opening_after_45_closed_years_is_found_both_ways(self):
        """The 50-year horizon must not be cut short: 45 closed years are searched,
        forward by ``add``/``next_open`` and backward by ``subtract``.
        """
        first = dt.date(2025, 1, 6)
        mondays = [first + dt.timedelta(weeks=i) for i in range(45 * 52)]
        cal = BusinessCalendar(
            timezone="UTC", weekly_hours={0: [("09:00", "17:00")]}, holidays=mondays
        )
        after = mondays[-1] + dt.timedelta(weeks=1)
        before = first - dt.timedelta(weeks=1)
        with years_built_at_most(200):
            got = cal.add(wall(dt.UTC, 2025, 1, 1), HOUR)
            back = cal.subtract(
                dt.datetime.combine(after, dt.time(), tzinfo=dt.UTC), HOUR
            )
            opens = cal.next_open(wall(dt.UTC, 2025, 1, 7))
        assert_at(got, dt.datetime.combine(after, dt.time(10), tzinfo=dt.UTC))
        assert_at(back, dt.datetime.combine(before, dt.time(16), tzinfo=dt.UTC))
        assert_at(opens, dt.datetime.combine(after, dt.time(9), tzinfo=dt.UTC))

    def test_leaving_the_representable_years_raises_a_servicekit_error(self):
        """Year 9999 + 1 business hour cannot be represented: a clear
        ``CalendarRangeError``, not an ``OverflowError`` from deep inside.
        """
        cal = BusinessCalendar.always_open()
        with pytest.raises(CalendarRangeError):
            cal.add(wall(dt.UTC, 9999, 12, 31, 23, 30), HOUR)

    @pytest.mark.parametrize(
        ("start", "delta"),
        [
            (wall(dt.UTC, 2025, 3, 3, 9, 0, 29), dt.timedelta(seconds=1)),
            (wall(dt.UTC, 2025, 3, 3, 9, 0, 29, 999_999), dt.timedelta(microseconds=2)),
            (wall(dt.UTC, 2025, 3, 3, 17, 59, 28), dt.timedelta(seconds=3)),
            (wall(dt.UTC, 2025, 3, 7, 17, 0), 8 * HOUR + dt.timedelta(seconds=31)),
        ],
    )
    def test_second_level_bounds_agree_with_reference(self, start, delta):
        kwargs = {
            "timezone": "UTC",
            "weekly_hours": dict.fromkeys(range(5), (("09:00:30", "17:59:30"),)),
        }
        cal, ref = BusinessCalendar(**kwargs), Reference(**kwargs)
        assert to_us(cal.add(start, delta)) == to_us(ref.add(start, delta))
        assert to_us(cal.subtract(start, delta)) == to_us(ref.subtract(start, delta))
        end = start + 3 * HOUR
        assert cal.between(start, end) == ref.between(start, end)

    def test_parse_hours_round_the_clock(self):
        cal = BusinessCalendar(
            timezone="UTC", weekly_hours=parse_hours("Mon-Sun 00:00-24:00")
        )
        start = wall(dt.UTC, 2025, 3, 3, 7, 13)
        assert cal.between(start, start + 7 * 24 * HOUR) == 7 * 24 * HOUR


@pytest.mark.parametrize(
    "intervals",
    [
        (("00:00", "02:30"),),  # ends in the skipped hour
        (("02:30", "05:00"),),  # starts in it
        (("01:30", "02:30"),),
        (("22:00", "02:30"),),  # night shift ending in it
        (("02:15", "02:45"), ("03:15", "04:00")),
    ],
)
def test_interval_bounds_inside_the_skipped_hour(intervals):
    """A bound that does not exist on 2025-03-09 in New York (02:00-03:00 is
    skipped) must not be converted with PEP 495's fold=0 reading (02:30 EST =
    03:30 EDT): by DESIGN §3 an interval starting at 02:30 is open from 03:00 EDT,
    the first wall-clock time inside it, and one ending at 02:30 closes at 03:00.
    """
    kwargs = {
        "timezone": "America/New_York",
        "weekly_hours": dict.fromkeys(range(7), intervals),
    }
    cal, ref = BusinessCalendar(**kwargs), Reference(**kwargs)
    saturday = wall(NEW_YORK_ZONE, 2025, 3, 8, 12)
    sunday = wall(NEW_YORK_ZONE, 2025, 3, 9, 0, 10)
    assert to_us(cal.next_open(saturday)) == to_us(ref.next_open(saturday))
    assert cal.between(saturday, saturday + 48 * HOUR) == ref.between(
        saturday, saturday + 48 * HOUR
    )
    for delta in (20 * MINUTE, HOUR, 90 * MINUTE):
        assert to_us(cal.add(saturday, delta)) == to_us(ref.add(saturday, delta))
        noon = wall(NEW_YORK_ZONE, 2025, 3, 9, 12)
        assert to_us(cal.subtract(noon, delta)) == to_us(ref.subtract(noon, delta))
    for n in (0, 1):
        got, expected = (
            cal.add_business_days(sunday, n),
            ref.add_business_days(sunday, n),
        )
        assert to_us(got) == to_us(expected)


class TestMoreBadInput:
    def test_unknown_country(self):
        with pytest.raises(UnknownNameError) as info:
            BusinessCalendar.for_country("XX", timezone="UTC", weekly_hours=WEEKDAYS)
        assert isinstance(info.value, LookupError)

    @pytest.mark.parametrize(
        "plain",
        [
            {},
            {"nonsense": 1},
            None,
            [],
        ],
        ids=["empty", "unknown-key", "none", "list"],
    )
    def test_from_dict_rejects_what_it_cannot_read(self, plain):
        with pytest.raises(ServiceKitError):
            BusinessCalendar.from_dict(plain)

    def test_from_dict_rejects_a_bad_holiday_string(self):
        plain = office(holidays=[dt.date(2025, 3, 5)]).to_dict()
        text = json.dumps(plain).replace("2025-03-05", "2025-13-05")
        assert text != json.dumps(plain)
        with pytest.raises(ServiceKitError) as info:
            BusinessCalendar.from_dict(json.loads(text))
        assert isinstance(info.value, ValueError)

    @pytest.mark.parametrize("weekday", [7, -1, "Funday", None])
    def test_weekday_out_of_range(self, weekday):
        with pytest.raises(ServiceKitError):
            office(weekly_hours={weekday: [("09:00", "17:00")]})

    def test_hours_given_as_a_bare_string(self):
        with pytest.raises(ServiceKitError):
            office(weekly_hours={0: "09:00-17:00"})

    def test_delta_that_is_not_a_timedelta(self):
        with pytest.raises(TypeError) as info:
            office().add(wall(SHANGHAI_ZONE, 2025, 3, 3, 9), 3600)
        assert isinstance(info.value, ServiceKitError)

    def test_start_that_is_a_date_not_an_instant(self):
        with pytest.raises(TypeError) as info:
            office().add(dt.date(2025, 3, 3), HOUR)
        assert isinstance(info.value, ServiceKitError)


@pytest.mark.parametrize(
    "intervals",
    [
        (("00:00", "24:00"),),
        (("00:00", "08:00"), ("20:00", "24:00")),
        (("00:30", "02:00"),),
        (("22:00", "00:30"),),
    ],
)
def test_dates_whose_midnight_does_not_exist(intervals):
    """Santiago springs forward at midnight: 2025-09-07 starts at 01:00 (and
    2025-04-06's midnight happens twice). Engines that build "local midnight"
    with a wall-clock constructor land an hour off; compare with the reference.
    """
    kwargs = {
        "timezone": "America/Santiago",
        "weekly_hours": dict.fromkeys(range(7), intervals),
    }
    cal, ref = BusinessCalendar(**kwargs), Reference(**kwargs)
    starts = [
        wall(dt.UTC, 2025, month, day, hour, 30 * half)
        for month, day in ((9, 6), (9, 7), (4, 5), (4, 6))
        for hour in range(0, 24, 3)
        for half in (0, 1)
    ]
    for start in starts:
        assert cal.is_open(start) == ref.is_open(start), start
        assert to_us(cal.next_open(start)) == to_us(ref.next_open(start)), start
        assert to_us(cal.add(start, 90 * MINUTE)) == to_us(
            ref.add(start, 90 * MINUTE)
        ), start
        assert to_us(cal.subtract(start, 90 * MINUTE)) == to_us(
            ref.subtract(start, 90 * MINUTE)
        )
        assert cal.between(start, start + 30 * HOUR) == ref.between(
            start, start + 30 * HOUR
        )
        for n in (0, 1):
            got = cal.add_business_days(start, n)
            assert to_us(got) == to_us(ref.add_business_days(start, n)), (start, n)


class TestSharing:
    def test_memoisation_is_invisible(self):
        """DESIGN/STYLE: caches are allowed only when invisible. Heavy use across
        decades must not change equality, hash or serialised form.
        """
        used = office(holidays=holidays.China(years=2025))
        before = (hash(used), json.dumps(used.to_dict(), sort_keys=True))

        # 2049 is past China's announced holidays: the calendar warns, and that
        # memory must be as invisible as the caches.
        def use_across_decades():
            for year in (2001, 2025, 2049):
                used.add(wall(SHANGHAI_ZONE, year, 6, 1, 10), 500 * HOUR)
                used.subtract(wall(SHANGHAI_ZONE, year, 6, 1, 10), 500 * HOUR)

        with pytest.warns(HolidayDataWarning):
            use_across_decades()
        fresh = office(holidays=holidays.China(years=2025))
        assert used == fresh
        assert (hash(used), json.dumps(used.to_dict(), sort_keys=True)) == before

    def test_threads_sharing_one_calendar_get_the_sequential_answers(self):
        """DESIGN §1: values are safe to share between threads. Lazily grown
        per-year tables are the classic race: many threads asking about scattered
        years of one fresh calendar must see what a single thread sees.
        """
        starts = [
            wall(SHANGHAI_ZONE, year, month, 3, 10, 17)
            for year in range(2000, 2040, 3)
            for month in (1, 6, 11)
        ]
        starts.sort(key=lambda t: (t.month, -t.year))  # scatter the years
        delta = 123 * HOUR + 45 * MINUTE

        def answers(cal, items):
            return [
                (to_us(cal.add(t, delta)), cal.between(t, t + 400 * HOUR))
                for t in items
            ]

        shared = office(holidays=holidays.China(years=2025))
        # Years up to 2039 lie past China's announced holidays: both calendars warn.
        chunks = [starts[i::8] for i in range(8)]

        def in_parallel():
            with ThreadPoolExecutor(max_workers=8) as pool:
                return list(pool.map(lambda chunk: answers(shared, chunk), chunks))

        with pytest.warns(HolidayDataWarning):
            parallel = in_parallel()
        sequential = office(holidays=holidays.China(years=2025))
        with pytest.warns(HolidayDataWarning):
            one_by_one = [answers(sequential, chunk) for chunk in chunks]
        assert parallel == one_by_one

    def test_a_failed_operation_leaves_the_calendar_as_it_was(self):
        """DESIGN §2: a failed operation leaves every object as it was. A range
        error half-way through growing the per-year tables must not leave them
        half-grown for the next, valid, query.
        """
        cal = office(holidays=holidays.China(years=2025))
        start = wall(SHANGHAI_ZONE, 2025, 1, 24, 17)
        with pytest.raises(CalendarRangeError):
            cal.add(start, dt.timedelta(days=3_000_000))
        with pytest.raises(CalendarRangeError):
            cal.subtract(start, dt.timedelta(days=3_000_000))
        fresh = office(holidays=holidays.China(years=2025))
        assert cal == fresh

        # 4000 hours from January 2025 reach past China's announced holidays.
        def answers(c):
            deltas = (2 * HOUR, 300 * HOUR, 4000 * HOUR)
            return [
                (to_us(c.add(start, d)), to_us(c.subtract(start, d))) for d in deltas
            ]

        with pytest.warns(HolidayDataWarning):
            got = answers(cal)
        with pytest.warns(HolidayDataWarning):
            assert got == answers(fresh)
