"""Self-tests of the brute-force reference (``tests/sla/reference.py``).

The reference is only worth something if it is right, so it is checked here on cases
computed by hand, and its cell stepping is shown to lose nothing against stepping
minute by minute. Nothing here imports servicekit.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import HOUR, MINUTE
from sla.reference import (
    Ambiguous,
    NeverOpens,
    Reference,
    from_us,
    parse_time_of_day,
    to_us,
)
from strategies import CALENDAR_ANCHORS, calendar_cases, calendar_instants

SHANGHAI_ZONE = ZoneInfo("Asia/Shanghai")
NEW_YORK_ZONE = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")

LUNCH = (("09:00", "12:00"), ("13:30", "18:00"))
SHANGHAI_OFFICE = Reference(
    timezone="Asia/Shanghai", weekly_hours=dict.fromkeys(range(5), LUNCH)
)


def wall(zone, *fields):
    return dt.datetime(*fields, tzinfo=zone)


def same_instant(a, b):
    return to_us(a) == to_us(b)


class TestParsing:
    def test_bounds(self):
        assert parse_time_of_day("09:30") == 9 * 3600 + 30 * 60
        assert parse_time_of_day("09:30:15") == 9 * 3600 + 30 * 60 + 15
        assert parse_time_of_day(dt.time(23, 59, 59)) == 86_399
        assert parse_time_of_day("24:00") == 86_400

    def test_microsecond_round_trip(self):
        t = wall(NEW_YORK_ZONE, 2025, 11, 2, 1, 30, 0, 123_456)
        assert same_instant(from_us(to_us(t)), t)
        assert to_us(dt.datetime(1970, 1, 1, 0, 0, 1, 5, tzinfo=dt.UTC)) == 1_000_005

    def test_cell_size_is_the_gcd_of_the_bounds(self):
        assert SHANGHAI_OFFICE.step == 900  # 09:00, 12:00, 13:30, 18:00
        five = Reference(timezone="UTC", weekly_hours={0: [("09:05", "10:00")]})
        assert five.step == 300
        odd = Reference(timezone="UTC", weekly_hours={0: [("09:00:30", "10:00")]})
        assert odd.step == 30


class TestShanghaiOffice:
    """Mon-Fri 09:00-12:00, 13:30-18:00 in Asia/Shanghai; 2025-03-03 is a Monday."""

    def test_a_day_with_a_lunch_break_is_seven_and_a_half_hours(self):
        got = SHANGHAI_OFFICE.between(
            wall(SHANGHAI_ZONE, 2025, 3, 3, 8), wall(SHANGHAI_ZONE, 2025, 3, 3, 19)
        )
        assert got == 7 * HOUR + 30 * MINUTE

    def test_between_is_antisymmetric_and_exact_to_the_microsecond(self):
        a = wall(SHANGHAI_ZONE, 2025, 3, 3, 9, 0, 0, 1)
        b = wall(SHANGHAI_ZONE, 2025, 3, 3, 9, 0, 1)
        assert SHANGHAI_OFFICE.between(a, b) == dt.timedelta(microseconds=999_999)
        assert SHANGHAI_OFFICE.between(b, a) == -dt.timedelta(microseconds=999_999)

    def test_add_skips_lunch(self):
        got = SHANGHAI_OFFICE.add(wall(SHANGHAI_ZONE, 2025, 3, 3, 11), 2 * HOUR)
        assert same_instant(got, wall(SHANGHAI_ZONE, 2025, 3, 3, 14, 30))

    def test_add_that_lands_on_an_interval_end_returns_that_end(self):
        got = SHANGHAI_OFFICE.add(wall(SHANGHAI_ZONE, 2025, 3, 3, 11), HOUR)
        assert same_instant(got, wall(SHANGHAI_ZONE, 2025, 3, 3, 12))

    def test_add_zero_while_closed_is_the_start(self):
        got = SHANGHAI_OFFICE.add(wall(SHANGHAI_ZONE, 2025, 3, 8, 10), dt.timedelta(0))
        assert same_instant(got, wall(SHANGHAI_ZONE, 2025, 3, 8, 10))

    def test_add_over_a_weekend(self):
        got = SHANGHAI_OFFICE.add(wall(SHANGHAI_ZONE, 2025, 3, 7, 17), 2 * HOUR)
        assert same_instant(got, wall(SHANGHAI_ZONE, 2025, 3, 10, 10))

    def test_add_refuses_negative(self):
        with pytest.raises(ValueError):
            SHANGHAI_OFFICE.add(wall(SHANGHAI_ZONE, 2025, 3, 3, 11), -HOUR)
        with pytest.raises(ValueError):
            SHANGHAI_OFFICE.subtract(wall(SHANGHAI_ZONE, 2025, 3, 3, 11), -HOUR)

    def test_subtract(self):
        office = SHANGHAI_OFFICE
        assert same_instant(
            office.subtract(wall(SHANGHAI_ZONE, 2025, 3, 3, 14, 30), 2 * HOUR),
            wall(SHANGHAI_ZONE, 2025, 3, 3, 11),
        )
        assert same_instant(
            office.subtract(wall(SHANGHAI_ZONE, 2025, 3, 3, 13, 30), 30 * MINUTE),
            wall(SHANGHAI_ZONE, 2025, 3, 3, 11, 30),
        )
        assert same_instant(
            office.subtract(wall(SHANGHAI_ZONE, 2025, 3, 3, 9), HOUR),
            wall(SHANGHAI_ZONE, 2025, 2, 28, 17),
        )

    def test_next_open(self):
        office = SHANGHAI_OFFICE
        lunch = wall(SHANGHAI_ZONE, 2025, 3, 3, 12, 30)
        assert same_instant(
            office.next_open(lunch), wall(SHANGHAI_ZONE, 2025, 3, 3, 13, 30)
        )
        saturday = wall(SHANGHAI_ZONE, 2025, 3, 8, 10)
        assert same_instant(
            office.next_open(saturday), wall(SHANGHAI_ZONE, 2025, 3, 10, 9)
        )
        working = wall(SHANGHAI_ZONE, 2025, 3, 3, 10, 0, 0, 7)
        assert same_instant(office.next_open(working), working)
        assert office.is_open(working)
        assert not office.is_open(
            wall(SHANGHAI_ZONE, 2025, 3, 3, 12)
        )  # half-open intervals

    def test_business_days(self):
        office = SHANGHAI_OFFICE
        friday_evening = wall(SHANGHAI_ZONE, 2025, 3, 7, 20)
        assert same_instant(
            office.add_business_days(friday_evening, 1),
            wall(SHANGHAI_ZONE, 2025, 3, 10, 18),
        )
        assert same_instant(
            office.add_business_days(friday_evening, 0),
            wall(SHANGHAI_ZONE, 2025, 3, 7, 18),
        )
        saturday = wall(SHANGHAI_ZONE, 2025, 3, 8, 10)
        assert same_instant(
            office.add_business_days(saturday, 0), wall(SHANGHAI_ZONE, 2025, 3, 10, 18)
        )
        tuesday_off = Reference(
            timezone="Asia/Shanghai",
            weekly_hours=dict.fromkeys(range(5), LUNCH),
            holidays=[dt.date(2025, 3, 11)],
        )
        assert same_instant(
            tuesday_off.add_business_days(friday_evening, 3),
            wall(SHANGHAI_ZONE, 2025, 3, 13, 18),
        )
        monday, next_monday = dt.date(2025, 3, 3), dt.date(2025, 3, 10)
        assert office.business_days_between(monday, next_monday) == 5
        assert office.business_days_between(next_monday, monday) == -5
        assert office.business_days_between(monday, monday) == 0
        assert tuesday_off.business_days_between(next_monday, dt.date(2025, 3, 17)) == 4


class TestDaylightSaving:
    def test_new_york_24x7_has_23_and_25_hour_days(self):
        always = Reference(
            timezone="America/New_York",
            weekly_hours=dict.fromkeys(range(7), (("00:00", "24:00"),)),
        )
        spring = always.between(
            wall(NEW_YORK_ZONE, 2025, 3, 9), wall(NEW_YORK_ZONE, 2025, 3, 10)
        )
        autumn = always.between(
            wall(NEW_YORK_ZONE, 2025, 11, 2), wall(NEW_YORK_ZONE, 2025, 11, 3)
        )
        assert (spring, autumn) == (23 * HOUR, 25 * HOUR)

    def test_lord_howe_shifts_by_half_an_hour(self):
        always = Reference(
            timezone="Australia/Lord_Howe",
            weekly_hours=dict.fromkeys(range(7), (("00:00", "24:00"),)),
        )
        autumn = always.between(
            wall(LORD_HOWE, 2025, 4, 6), wall(LORD_HOWE, 2025, 4, 7)
        )
        spring = always.between(
            wall(LORD_HOWE, 2025, 10, 5), wall(LORD_HOWE, 2025, 10, 6)
        )
        assert (autumn, spring) == (24 * HOUR + 30 * MINUTE, 23 * HOUR + 30 * MINUTE)

    def test_repeated_hour_counts_twice_and_skipped_hour_not_at_all(self):
        one_to_two = Reference(
            timezone="America/New_York",
            weekly_hours=dict.fromkeys(range(7), (("01:00", "02:00"),)),
        )
        assert (
            one_to_two.between(
                wall(NEW_YORK_ZONE, 2025, 11, 2), wall(NEW_YORK_ZONE, 2025, 11, 3)
            )
            == 2 * HOUR
        )
        assert (
            one_to_two.between(
                wall(NEW_YORK_ZONE, 2025, 3, 9), wall(NEW_YORK_ZONE, 2025, 3, 10)
            )
            == HOUR
        )
        two_to_three = Reference(
            timezone="America/New_York",
            weekly_hours=dict.fromkeys(range(7), (("02:00", "03:00"),)),
        )
        assert (
            two_to_three.between(
                wall(NEW_YORK_ZONE, 2025, 3, 9), wall(NEW_YORK_ZONE, 2025, 3, 10)
            )
            == 0 * HOUR
        )
        assert (
            two_to_three.between(
                wall(NEW_YORK_ZONE, 2025, 11, 2), wall(NEW_YORK_ZONE, 2025, 11, 3)
            )
            == HOUR
        )
        got = two_to_three.add(wall(NEW_YORK_ZONE, 2025, 3, 9), 30 * MINUTE)
        assert same_instant(got, wall(NEW_YORK_ZONE, 2025, 3, 10, 2, 30))
        with pytest.raises(Ambiguous):
            two_to_three.closing(dt.date(2025, 3, 9))

    def test_closing_inside_the_repeated_hour_is_the_second_one(self):
        early = Reference(
            timezone="America/New_York",
            weekly_hours=dict.fromkeys(range(7), (("00:00", "01:30"),)),
        )
        assert early.closing(dt.date(2025, 11, 2)) == dt.datetime(
            2025, 11, 2, 6, 30, tzinfo=dt.UTC
        )
        assert early.closing(dt.date(2025, 11, 1)) == dt.datetime(
            2025, 11, 1, 5, 30, tzinfo=dt.UTC
        )

    @pytest.mark.parametrize("zone", sorted(CALENDAR_ANCHORS))
    def test_strategy_anchors_are_dst_changes(self, zone):
        """The random calendars centre on DST changes; make sure they really are."""
        tz = ZoneInfo(zone)
        lengths = {
            d: dt.datetime.combine(d + dt.timedelta(days=1), dt.time(), tzinfo=tz)
            .astimezone(dt.UTC)
            .replace(tzinfo=None)
            - dt.datetime.combine(d, dt.time(), tzinfo=tz)
            .astimezone(dt.UTC)
            .replace(tzinfo=None)
            for d in CALENDAR_ANCHORS[zone]
        }
        has_dst = zone not in {"UTC", "Asia/Shanghai"}
        assert all((length != 24 * HOUR) == has_dst for length in lengths.values())


class TestNightShiftsAndSpecialDays:
    def test_night_shift_belongs_to_its_start_date(self):
        monday_night = Reference(
            timezone="Europe/London", weekly_hours={0: [("22:00", "06:00")]}
        )
        assert monday_night.is_open(wall(LONDON, 2025, 3, 3, 23))
        assert monday_night.is_open(wall(LONDON, 2025, 3, 4, 3))
        assert not monday_night.is_open(wall(LONDON, 2025, 3, 4, 6))
        assert not monday_night.is_open(wall(LONDON, 2025, 3, 3, 3))  # Sunday's, none
        assert monday_night.closing(dt.date(2025, 3, 3)) == dt.datetime(
            2025, 3, 4, 6, tzinfo=dt.UTC
        )
        off = Reference(
            timezone="Europe/London",
            weekly_hours={0: [("22:00", "06:00")]},
            holidays=[dt.date(2025, 3, 3)],
        )
        assert not off.is_open(wall(LONDON, 2025, 3, 4, 3))
        assert not off.is_business_day(dt.date(2025, 3, 3))

    def test_make_up_days_use_monday_hours_or_workday_hours(self):
        sunday = dt.date(2025, 1, 26)
        weekly = dict.fromkeys(range(5), LUNCH)
        default = Reference(
            timezone="Asia/Shanghai", weekly_hours=weekly, workdays=[sunday]
        )
        assert default.is_open(wall(SHANGHAI_ZONE, 2025, 1, 26, 9, 30))
        assert not default.is_open(wall(SHANGHAI_ZONE, 2025, 1, 26, 12, 30))
        short = Reference(
            timezone="Asia/Shanghai",
            weekly_hours=weekly,
            workdays=[sunday],
            workday_hours=[("10:00", "12:00")],
        )
        assert not short.is_open(wall(SHANGHAI_ZONE, 2025, 1, 26, 9, 30))
        assert short.is_open(wall(SHANGHAI_ZONE, 2025, 1, 26, 10, 30))
        assert short.is_business_day(sunday)
        assert not short.is_business_day(dt.date(2025, 2, 2))

    def test_never_opening_is_reported_not_looped(self):
        mondays = [dt.date(2025, 3, 3) + dt.timedelta(weeks=i) for i in range(200)]
        closed = Reference(
            timezone="UTC", weekly_hours={0: [("09:00", "17:00")]}, holidays=mondays
        )
        with pytest.raises(NeverOpens):
            closed.add(wall(dt.UTC, 2025, 3, 1), HOUR)
        with pytest.raises(NeverOpens):
            closed.add_business_days(wall(dt.UTC, 2025, 3, 1), 1)


@settings(max_examples=max(10, settings.default.max_examples // 4))
@given(case=calendar_cases(), data=st.data())
def test_coarse_cells_agree_with_minute_steps(case, data):
    """Stepping by the gcd of the bounds loses nothing against 60-second steps."""
    coarse = Reference(**case.kwargs)
    fine = Reference(**case.kwargs, step=60)
    start = data.draw(calendar_instants(case))
    end = start + dt.timedelta(
        microseconds=data.draw(st.integers(0, 3 * 86_400 * 10**6))
    )
    assert coarse.between(start, end) == fine.between(start, end)
    assert coarse.is_open(start) == fine.is_open(start)
    delta = coarse.between(start, end)
    assert same_instant(coarse.add(start, delta), fine.add(start, delta))
    assert same_instant(coarse.subtract(end, delta), fine.subtract(end, delta))
