"""Working-hours parsing (servicekit.sla._hours): bounds, weekly tables, compact syntax."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit.errors import InvalidHoursError
from servicekit.sla import BusinessCalendar, parse_hours
from servicekit.sla._hours import (
    US_PER_DAY,
    day_to_json,
    format_bound,
    parse_bound,
    parse_day,
    parse_interval,
    parse_weekly,
)

HOUR_US = 3600 * 1_000_000


class TestParseBound:
    @pytest.mark.parametrize(
        ("text", "us"),
        [
            ("09:00", 9 * HOUR_US),
            ("9:05", 9 * HOUR_US + 5 * 60_000_000),
            ("23:59:59", 24 * HOUR_US - 1_000_000),
            ("12:00:00.5", 12 * HOUR_US + 500_000),
            ("00:00:00.000001", 1),
        ],
    )
    def test_text(self, text, us):
        assert parse_bound(text, is_end=False) == us

    def test_time_objects_keep_microseconds(self):
        assert (
            parse_bound(dt.time(9, 30, 1, 7), is_end=False) == 9.5 * HOUR_US + 1_000_007
        )

    def test_24_00_only_as_an_end(self):
        assert parse_bound("24:00", is_end=True) == US_PER_DAY
        with pytest.raises(InvalidHoursError, match="cannot start"):
            parse_bound("24:00", is_end=False)

    @pytest.mark.parametrize(
        "bad", ["25:00", "24:01", "12:60", "12:00:61", "noon", "9", ""]
    )
    def test_malformed(self, bad):
        with pytest.raises(InvalidHoursError):
            parse_bound(bad, is_end=True)

    def test_aware_time_rejected(self):
        with pytest.raises(InvalidHoursError, match="time zone"):
            parse_bound(dt.time(9, tzinfo=dt.UTC), is_end=False)

    def test_wrong_type(self):
        with pytest.raises(InvalidHoursError, match="HH:MM"):
            parse_bound(9, is_end=False)

    @given(st.integers(0, US_PER_DAY))
    def test_format_round_trip(self, us):
        assert parse_bound(format_bound(us), is_end=True) == us


class TestIntervals:
    def test_night_shift_unfolds_past_midnight(self):
        assert parse_interval(("22:00", "06:00")) == (22 * HOUR_US, 30 * HOUR_US)
        assert parse_interval("22:00-06:00") == (22 * HOUR_US, 30 * HOUR_US)

    def test_empty_interval_rejected(self):
        """Issue 2: an interval that ends where it starts is an error, not 24 hours."""
        with pytest.raises(InvalidHoursError, match="empty"):
            parse_interval(("09:00", "09:00"))

    @pytest.mark.parametrize(
        "bad", [("09:00",), ("09:00", "10:00", "11:00"), 5, {"a": 1}]
    )
    def test_not_a_pair(self, bad):
        with pytest.raises(InvalidHoursError, match="pair"):
            parse_interval(bad)

    def test_overlap_named_in_message(self):
        with pytest.raises(InvalidHoursError, match="overlap"):
            parse_day([("09:00", "12:00"), ("11:00", "13:00")], what="Mon")

    def test_touching_is_fine(self):
        assert parse_day([("09:00", "12:00"), ("12:00", "13:00")], what="Mon")

    def test_day_must_be_a_list(self):
        with pytest.raises(InvalidHoursError, match="list"):
            parse_day("09:00-12:00", what="Mon")
        assert parse_day(None, what="Mon") == ()

    def test_day_to_json_folds_night_shift(self):
        assert day_to_json(((22 * HOUR_US, 30 * HOUR_US),)) == [["22:00", "06:00"]]


class TestWeekly:
    def test_keys_may_be_names_or_digit_strings(self):
        days = parse_weekly({"Mon": [("09:00", "10:00")], "6": [("09:00", "10:00")]})
        assert days[0]
        assert days[6]
        assert not days[3]

    @pytest.mark.parametrize("key", [7, -1, "Funday", True, 1.0])
    def test_bad_weekday(self, key):
        with pytest.raises(InvalidHoursError, match="weekday"):
            parse_weekly({key: [("09:00", "10:00")]})

    def test_same_weekday_twice(self):
        with pytest.raises(InvalidHoursError, match="twice"):
            parse_weekly({0: [("09:00", "10:00")], "Mon": [("11:00", "12:00")]})

    def test_not_a_mapping(self):
        with pytest.raises(InvalidHoursError, match="weekly_hours"):
            parse_weekly([("09:00", "10:00")])

    def test_night_shift_into_next_day_overlap(self):
        with pytest.raises(InvalidHoursError, match="night shift"):
            parse_weekly({0: [("22:00", "06:00")], 1: [("05:00", "09:00")]})

    def test_sunday_night_shift_wraps_to_monday(self):
        with pytest.raises(InvalidHoursError, match="Sun→Mon"):
            parse_weekly({6: [("22:00", "06:00")], 0: [("05:00", "09:00")]})


class TestParseHours:
    def test_issue_example(self):
        assert parse_hours("Mon-Fri 09:00-12:00,13:30-18:00; Sat 10:00-14:00") == {
            **{d: [("09:00", "12:00"), ("13:30", "18:00")] for d in range(5)},
            5: [("10:00", "14:00")],
        }

    def test_wrapping_range_lists_and_closed(self):
        hours = parse_hours("Fri-Mon 10:00-14:00; Wed,Thu 09:00-17:00; Tue closed")
        assert sorted(hours) == [0, 2, 3, 4, 5, 6]

    def test_daily_and_full_names(self):
        assert sorted(parse_hours("daily 00:00-24:00")) == list(range(7))
        assert list(parse_hours("Wednesday 09:00-10:00")) == [2]

    @pytest.mark.parametrize(
        "bad",
        [
            "",
            "   ",
            "Mon-Fri",
            "Mon-Fri 0900-1200",
            "Mon 0900",
            "Someday 09:00-12:00",
            "Mon 09:00-12:00; Mon 13:00-14:00",
            "Mon 09:00-12:00,11:00-13:00",
            ";;",
            "Mon 25:00-26:00",
        ],
    )
    def test_bad_text(self, bad):
        with pytest.raises(InvalidHoursError):
            parse_hours(bad)

    def test_not_text(self):
        with pytest.raises(InvalidHoursError):
            parse_hours(None)

    def test_result_builds_a_calendar(self):
        cal = BusinessCalendar(
            timezone="UTC", weekly_hours=parse_hours("Mon-Fri 09:00-17:00")
        )
        assert cal.weekly_hours[0] == (("09:00", "17:00"),)
