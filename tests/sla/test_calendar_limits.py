"""BusinessCalendar at its limits: HolidaySet sources, horizons, year range, threads.

The contract tests live in test_calendar.py; this module pins the behaviour of the
parts a contract test does not reach: holiday sources other than a plain country,
the 50-year "never opens" horizon in both directions, the supported year range, and
the invisible caches (thread safety, pickling, independence from query order).
"""

import datetime as dt
import itertools
import json
import pickle
import threading

import holidays
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import HOUR, SHANGHAI
from servicekit.errors import (
    CalendarNeverOpensError,
    CalendarRangeError,
    DeserializationError,
    HolidayDataWarning,
    InvalidHolidayError,
    InvalidHoursError,
    InvalidTypeError,
    NaiveDatetimeError,
    UnknownNameError,
    UnknownTimezoneError,
)
from servicekit.sla import BusinessCalendar, HolidaySet, parse_hours
from servicekit.sla._timeline import CACHE_YEARS, WINDOW_YEARS

WEEK = parse_hours("Mon-Fri 09:00-12:00,13:30-18:00")
KIRITIMATI = dt.timezone(dt.timedelta(hours=14))  # year 1 here is year 0 in Shanghai


class Company(holidays.HolidayBase):
    """A company's own days off (module level, so that it pickles)."""

    def _populate(self, year):
        super()._populate(year)
        self[dt.date(year, 6, 1)] = "Founders' day"


def china():
    return BusinessCalendar(
        timezone=SHANGHAI, weekly_hours=WEEK, holidays=holidays.China()
    )


class TestHolidaySet:
    def test_country_and_market_are_exclusive(self):
        with pytest.raises(InvalidHolidayError, match="one source"):
            HolidaySet(country="US", market="NYSE")
        with pytest.raises(InvalidHolidayError, match="one source"):
            HolidaySet(country="US", source=holidays.US())
        with pytest.raises(InvalidHolidayError, match="HolidayBase"):
            HolidaySet(source={dt.date(2025, 1, 1): "x"})

    def test_unknown_country_fails_at_construction(self):
        with pytest.raises(UnknownNameError, match="XX"):
            HolidaySet(country="XX")
        with pytest.raises(LookupError):
            BusinessCalendar.for_country("XX", timezone="UTC", weekly_hours=WEEK)

    def test_financial_market(self):
        """NYSE closes on Good Friday, which is no US federal holiday."""
        cal = BusinessCalendar(
            timezone="America/New_York",
            weekly_hours=parse_hours("Mon-Fri 09:30-16:00"),
            holidays=holidays.financial_holidays("NYSE"),
        )
        assert cal.holidays.market == "XNYS"  # the ISO 10383 code holidays uses
        assert not cal.is_business_day(dt.date(2025, 4, 18))
        assert BusinessCalendar.from_dict(json.loads(json.dumps(cal.to_dict()))) == cal

    def test_categories_and_observed_are_kept(self):
        hs = HolidaySet.from_holidays(holidays.US(years=2021, observed=False))
        assert hs.observed is False
        assert hs.categories == ("public",)
        # Without observance, 2021-12-31 (New Year 2022 observed) is a working day.
        assert dt.date(2021, 12, 31) not in hs.dates_in(2021)
        assert dt.date(2021, 12, 31) in HolidaySet(country="US").dates_in(2021)
        assert HolidaySet(country="US", categories="public").categories == ("public",)

    def test_bad_categories(self):
        with pytest.raises(InvalidHolidayError, match="categories"):
            HolidaySet(country="US", categories=5)

    def test_user_added_dates_survive(self):
        """A company day off added to a holidays object must not be dropped."""
        h = holidays.China(years=2025)
        h[dt.date(2025, 3, 14)] = "Company day"
        cal = BusinessCalendar(timezone=SHANGHAI, weekly_hours=WEEK, holidays=h)
        assert cal.holidays.dates == frozenset({dt.date(2025, 3, 14)})
        assert not cal.is_business_day(dt.date(2025, 3, 14))
        assert not cal.is_business_day(dt.date(2025, 1, 29))

    def test_custom_holiday_class_without_a_code(self):
        cal = BusinessCalendar(
            timezone="UTC", weekly_hours=WEEK, holidays=Company(years=2025)
        )
        assert cal.holidays.country is None
        assert not cal.is_business_day(dt.date(2025, 6, 1))
        assert not cal.is_business_day(dt.date(2030, 6, 3) - dt.timedelta(days=2))
        # Same class and same dates: equal and equally hashed, whatever the object.
        twin = BusinessCalendar(
            timezone="UTC", weekly_hours=WEEK, holidays=Company(years=2025)
        )
        assert twin == cal
        assert hash(twin) == hash(cal)
        assert pickle.loads(pickle.dumps(cal)) == cal
        with pytest.raises(ValueError, match="no JSON form"):
            cal.to_dict()

    def test_the_users_object_is_never_mutated(self):
        h = holidays.China(years=2025)
        cal = BusinessCalendar(timezone=SHANGHAI, weekly_hours=WEEK, holidays=h)
        cal.add(pendulum.datetime(2025, 12, 30, 10, tz=SHANGHAI), 40 * HOUR)
        assert h.years == {2025}

    @pytest.mark.parametrize(
        "data",
        [
            {"dates": ["2025-13-01"]},
            {"dates": "2025-01-01"},
            {"dates": [20250101]},
        ],
    )
    def test_from_dict_errors(self, data):
        with pytest.raises((DeserializationError, InvalidHolidayError)):
            HolidaySet.from_dict(data)

    def test_from_dict_unknown_country_is_named(self):
        with pytest.raises(DeserializationError, match="no holiday calendar for"):
            HolidaySet.from_dict({"country": "XX"})

    def test_from_dict_takes_only_booleans_and_known_keys(self):
        """Issue 13: "observed": "false" was read as True; a "holiday" typo dropped all."""
        with pytest.raises(DeserializationError, match=r"at \$\.observed: expected"):
            HolidaySet.from_dict({"country": "CN", "observed": "false"})
        with pytest.raises(DeserializationError, match="unknown key 'holiday'"):
            HolidaySet.from_dict({"holiday": ["2025-01-01"]})

    def test_pickle_drops_the_population_cache(self):
        hs = HolidaySet(country="CN")
        hs.dates_in(2025)
        back = pickle.loads(pickle.dumps(hs))
        assert back == hs
        assert back._years == {}
        assert back.dates_in(2025) == hs.dates_in(2025)

    @pytest.mark.parametrize("bad", ["2025-01-01", 20250101, None])
    def test_holidays_value_must_be_dates(self, bad):
        with pytest.raises(InvalidHolidayError):
            BusinessCalendar(timezone="UTC", weekly_hours=WEEK, holidays=bad or 5)


class TestHorizon:
    @staticmethod
    def monday_only(first_holiday, years):
        weeks = years * 53
        return BusinessCalendar(
            timezone="UTC",
            weekly_hours={0: [("09:00", "10:00")]},
            holidays=[first_holiday + dt.timedelta(weeks=k) for k in range(weeks)],
        )

    def test_answer_does_not_depend_on_what_was_computed_before(self):
        """The horizon is a property of the calendar, not of its cache."""
        fresh = self.monday_only(dt.date(2025, 1, 6), 60)
        warmed = self.monday_only(dt.date(2025, 1, 6), 60)
        with pytest.raises(CalendarNeverOpensError):
            warmed.next_open(pendulum.datetime(2025, 1, 1))
        end = pendulum.datetime(2081, 1, 1)
        for cal in (fresh, warmed):
            with pytest.raises(CalendarNeverOpensError, match="before"):
                cal.subtract(end, HOUR)

    def test_within_the_horizon_the_past_is_found(self):
        cal = self.monday_only(dt.date(2025, 1, 6), 60)
        assert cal.subtract(pendulum.datetime(2070, 1, 1), HOUR) == pendulum.datetime(
            2024, 12, 30, 9
        )

    def test_far_result_is_fine_when_the_calendar_opens_soon(self):
        """Work before the closed decades counts; 300 h of Mondays ends past them."""
        cal = self.monday_only(dt.date(2025, 1, 6), 60)
        result = cal.add(pendulum.datetime(2020, 1, 1), 300 * HOUR)
        assert result.year > 2084
        assert cal.between(pendulum.datetime(2020, 1, 1), result) == 300 * HOUR

    def test_far_business_day_is_refused_when_nothing_opens_within_the_horizon(self):
        cal = self.monday_only(dt.date(2025, 1, 6), 60)
        with pytest.raises(CalendarNeverOpensError, match="after"):
            cal.add_business_days(pendulum.datetime(2025, 1, 1), 3)

    def test_many_business_days_beyond_the_horizon(self):
        cal = BusinessCalendar(timezone="UTC", weekly_hours=WEEK)
        start = pendulum.datetime(2025, 1, 1)
        far = cal.add_business_days(start, 60 * 261)
        assert far.year == 2085
        # [Jan 1, far) holds Jan 1 itself and the first 60*261 - 1 days after it.
        assert cal.business_days_between(start.date(), far.date()) == 60 * 261


class TestYearRange:
    @pytest.mark.parametrize(
        "delta",
        [dt.timedelta(days=10**6), dt.timedelta.max, dt.timedelta(days=5 * 10**6)],
    )
    def test_huge_deltas_fail_fast(self, delta):
        cal = china()
        start = pendulum.datetime(2025, 1, 24, 10, tz=SHANGHAI)
        with pytest.raises(CalendarRangeError, match="beyond"):
            cal.add(start, delta)
        with pytest.raises(CalendarRangeError):
            cal.subtract(start, delta)

    def test_instants_near_the_ends_of_time(self):
        cal = BusinessCalendar.always_open()
        with pytest.raises(CalendarRangeError):
            cal.is_open(dt.datetime(1, 1, 2, tzinfo=dt.UTC))
        with pytest.raises(CalendarRangeError):
            cal.is_open(dt.datetime(9999, 12, 31, 12, tzinfo=dt.UTC))
        assert cal.is_open(dt.datetime(9000, 1, 1, tzinfo=dt.UTC))
        assert cal.is_open(dt.datetime(9998, 12, 31, 23, tzinfo=dt.UTC))
        assert cal.is_open(dt.datetime(2, 1, 1, tzinfo=dt.UTC))

    def test_long_spans_are_exact(self):
        cal = BusinessCalendar.always_open("Europe/London")
        a = pendulum.datetime(1990, 1, 1, tz="Europe/London")
        b = pendulum.datetime(2040, 1, 1, tz="Europe/London")
        assert cal.between(a, b) == b - a
        assert cal.add(a, b - a) == b
        assert cal.subtract(b, b - a) == a


class TestConversions:
    def test_inputs_in_other_zones_and_types(self):
        cal = china()
        ref = pendulum.datetime(2025, 3, 3, 10, tz=SHANGHAI)
        same = [
            ref,
            ref.in_timezone("UTC"),
            ref.in_timezone("America/New_York"),
            dt.datetime(2025, 3, 3, 2, tzinfo=dt.UTC),
            dt.datetime(2025, 3, 3, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        ]
        answers = {cal.add(v, 5 * HOUR).isoformat() for v in same}
        assert answers == {"2025-03-03T16:30:00+08:00"}

    @pytest.mark.parametrize("bad", [dt.date(2025, 1, 1), "2025-01-01T00:00", 1.5])
    def test_non_datetimes(self, bad):
        with pytest.raises(InvalidTypeError):
            china().is_open(bad)

    def test_naive(self):
        with pytest.raises(NaiveDatetimeError, match="naive"):
            china().between(dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 2))

    def test_delta_must_be_a_timedelta(self):
        with pytest.raises(InvalidTypeError, match="timedelta"):
            china().add(pendulum.datetime(2025, 1, 1), 3600)

    @pytest.mark.parametrize("n", [1.0, "2", True])
    def test_business_day_count_must_be_an_int(self, n):
        with pytest.raises(InvalidTypeError):
            china().add_business_days(pendulum.datetime(2025, 1, 1), n)

    def test_negative_business_days(self):
        with pytest.raises(ValueError, match="0 or more"):
            china().add_business_days(pendulum.datetime(2025, 1, 1), -1)

    @pytest.mark.parametrize("bad", [pendulum.datetime(2025, 1, 1), "2025-01-01"])
    def test_business_day_queries_take_dates(self, bad):
        with pytest.raises(InvalidTypeError, match="date"):
            china().is_business_day(bad)
        with pytest.raises(InvalidTypeError):
            china().business_days_between(bad, dt.date(2025, 1, 1))

    def test_subtract_zero_and_negative(self):
        cal = china()
        t = pendulum.datetime(2025, 1, 25, 3, tz=SHANGHAI)
        assert cal.subtract(t, dt.timedelta(0)) == t
        with pytest.raises(ValueError, match="negative"):
            cal.subtract(t, -HOUR)

    @settings(max_examples=60)
    @given(
        st.integers(0, 3 * 365 * 24 * 3600),
        st.sampled_from(["America/New_York", "Europe/London", "Australia/Lord_Howe"]),
    )
    def test_returned_instants_round_trip_through_their_fields(self, seconds, zone):
        """The fast conversions must agree with zoneinfo, fold included."""
        cal = BusinessCalendar.always_open(zone)
        t = pendulum.datetime(2024, 1, 1, tz="UTC").add(seconds=seconds)
        local = cal.next_open(t)
        assert local.timestamp() == t.timestamp()
        rebuilt = pendulum.DateTime(
            local.year,
            local.month,
            local.day,
            local.hour,
            local.minute,
            local.second,
            tzinfo=pendulum.timezone(zone),
            fold=local.fold,
        )
        assert cal.between(t, rebuilt) == dt.timedelta(0)


class TestBusinessDaysAgainstNumpy:
    HOLIDAYS = (dt.date(2025, 1, 1), dt.date(2025, 5, 1), dt.date(2025, 10, 1))

    @settings(max_examples=200)
    @given(
        st.dates(dt.date(2024, 6, 1), dt.date(2026, 6, 1)),
        st.dates(dt.date(2024, 6, 1), dt.date(2026, 6, 1)),
    )
    def test_business_days_between_is_numpy_busday_count(self, a, b):
        """DESIGN §3 names numpy's convention, so numpy is the oracle, both ways."""
        np = pytest.importorskip("numpy")
        cal = BusinessCalendar(
            timezone="UTC", weekly_hours=WEEK, holidays=self.HOLIDAYS
        )
        expected = int(
            np.busday_count(a, b, holidays=[np.datetime64(d) for d in self.HOLIDAYS])
        )
        assert cal.business_days_between(a, b) == expected


class TestWorkingPeriods:
    def test_periods_are_clipped_and_ordered(self):
        cal = china()
        start = pendulum.datetime(2025, 1, 24, 11, tz=SHANGHAI)
        periods = list(cal.working_periods(start, start.add(days=3)))
        assert [(a.isoformat(), b.isoformat()) for a, b in periods] == [
            ("2025-01-24T11:00:00+08:00", "2025-01-24T12:00:00+08:00"),
            ("2025-01-24T13:30:00+08:00", "2025-01-24T18:00:00+08:00"),
            ("2025-01-26T09:00:00+08:00", "2025-01-26T12:00:00+08:00"),
            ("2025-01-26T13:30:00+08:00", "2025-01-26T18:00:00+08:00"),
            ("2025-01-27T09:00:00+08:00", "2025-01-27T11:00:00+08:00"),
        ]
        total = sum((b - a for a, b in periods), dt.timedelta(0))
        assert total == cal.between(start, start.add(days=3))

    def test_empty_or_reversed(self):
        cal = china()
        t = pendulum.datetime(2025, 1, 24, 11, tz=SHANGHAI)
        assert list(cal.working_periods(t, t)) == []
        assert list(cal.working_periods(t.add(hours=1), t)) == []


class TestSharing:
    def test_threads_share_one_calendar(self):
        cal = china()
        start = pendulum.datetime(2025, 1, 24, 10, tz=SHANGHAI)
        with pytest.warns(HolidayDataWarning):
            expected = [cal.add(start.add(days=k * 40), 500 * HOUR) for k in range(40)]
        fresh = china()
        results: dict[int, pendulum.DateTime] = {}

        def work(k):
            results[k] = fresh.add(start.add(days=k * 40), 500 * HOUR)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(40)]

        # Starts up to 2029 reach past China's announced holidays.
        def run_all():
            for t in threads:
                t.start()
            for t in threads:
                t.join()

        with pytest.warns(HolidayDataWarning):
            run_all()
        assert [results[k] for k in range(40)] == expected

    def test_pickled_calendar_answers_the_same(self):
        cal = china()
        start = pendulum.datetime(2025, 1, 24, 10, tz=SHANGHAI)
        cal.add(start, 100 * HOUR)
        back = pickle.loads(pickle.dumps(cal))
        assert back == cal
        assert hash(back) == hash(cal)
        assert back.add(start, 100 * HOUR) == cal.add(start, 100 * HOUR)

    def test_calendar_is_frozen(self):
        cal = china()
        with pytest.raises(AttributeError):
            cal.timezone = "UTC"


class TestMakeUpDays:
    def test_listed_workdays_need_hours(self):
        """Make-up days default to Monday's hours; a closed Monday must not make
        them silently closed too.
        """
        with pytest.raises(InvalidHoursError, match="workday_hours"):
            BusinessCalendar(
                timezone="UTC",
                weekly_hours=parse_hours("Tue-Fri 09:00-17:00"),
                workdays=[dt.date(2025, 1, 11)],
            )
        cal = BusinessCalendar(
            timezone="UTC",
            weekly_hours=parse_hours("Tue-Fri 09:00-17:00"),
            workdays=[dt.date(2025, 1, 11)],
            workday_hours=[("10:00", "12:00")],
        )
        assert cal.is_business_day(dt.date(2025, 1, 11))

    def test_make_up_day_wins_over_a_holiday_on_the_same_date(self):
        day = dt.date(2025, 1, 11)
        cal = BusinessCalendar(
            timezone="UTC", weekly_hours=WEEK, holidays=[day], workdays=[day]
        )
        assert cal.is_business_day(day)


class TestFromDict:
    def test_not_a_mapping(self):
        with pytest.raises(DeserializationError):
            BusinessCalendar.from_dict(["UTC"])

    def test_missing_key(self):
        with pytest.raises(DeserializationError, match="timezone"):
            BusinessCalendar.from_dict({"weekly_hours": {}})

    def test_bad_values_name_their_path(self):
        good = china().to_dict()
        with pytest.raises(DeserializationError, match=r"at \$\.timezone: unknown"):
            BusinessCalendar.from_dict({**good, "timezone": "Mars/Olympus"})
        with pytest.raises(DeserializationError):
            BusinessCalendar.from_dict({**good, "workdays": ["not a date"]})
        with pytest.raises(DeserializationError):
            BusinessCalendar.from_dict({**good, "weekly_hours": {"0": [["09:00"]]}})

    def test_plain_date_list_holidays_and_make_up_hours(self):
        data = {
            "timezone": "UTC",
            "weekly_hours": {"0": [["09:00", "17:00"]]},
            "holidays": ["2025-01-06"],
            "workdays": ["2025-01-11"],
            "workday_hours": [["10:00", "12:00"]],
        }
        cal = BusinessCalendar.from_dict(data)
        assert not cal.is_business_day(dt.date(2025, 1, 6))
        assert cal.is_business_day(dt.date(2025, 1, 11))
        assert BusinessCalendar.from_dict(cal.to_dict()) == cal


class TestBoundedCache:
    """Issue 12: the precomputed timeline once spanned every year ever queried."""

    @staticmethod
    def built_years(cal):
        eng = cal._engine
        return set(eng.years), eng.timeline.y1 - eng.timeline.y0 + 1

    def test_far_year_query_leaves_the_cache_bounded(self):
        """One reply mistyped as year 9025 must not build the 7,000 years between."""
        cal = china()
        near = pendulum.datetime(2025, 3, 3, 10, tz=SHANGHAI)
        far = pendulum.datetime(9025, 3, 3, 10, tz=SHANGHAI)
        before = cal.add(near, 30 * HOUR)
        with pytest.warns(HolidayDataWarning):  # 9025 is past the announced years
            got = cal.add(far, 30 * HOUR)
        years, span = self.built_years(cal)
        assert len(years) <= CACHE_YEARS
        assert span <= WINDOW_YEARS
        assert not any(2030 < y < 9020 for y in years)
        # The answers are those of calendars that never saw the other query.
        with pytest.warns(HolidayDataWarning):
            assert got == china().add(far, 30 * HOUR)
        assert cal.add(near, 30 * HOUR) == before == china().add(near, 30 * HOUR)

    def test_long_queries_walk_the_years_with_a_bounded_cache(self):
        """Spans longer than one snapshot are exact and keep the cache bounded."""
        cal = china()
        start = pendulum.datetime(2020, 5, 6, 11, tz=SHANGHAI)
        with pytest.warns(HolidayDataWarning):  # past China's announced years
            self.check_long_queries(cal, start)

    def check_long_queries(self, cal, start):
        far = cal.add(start, 40_000 * HOUR)  # about 20 years of office hours
        assert far.year > 2020 + WINDOW_YEARS
        assert cal.between(start, far) == 40_000 * HOUR
        assert cal.subtract(far, 40_000 * HOUR) == start
        assert cal.between(far, start) == -40_000 * HOUR
        days = cal.business_days_between(start.date(), far.date())
        cuts = [start.date(), *(dt.date(y, 1, 1) for y in range(2021, far.year + 1))]
        pieces = [
            china().business_days_between(a, b)
            for a, b in zip(cuts, [*cuts[1:], far.date()], strict=True)
        ]
        assert days == sum(pieces)
        assert cal.business_days_between(far.date(), start.date()) == -sum(pieces)
        assert cal.add_business_days(start, days).date() == far.date()
        years, span = self.built_years(cal)
        assert len(years) <= CACHE_YEARS
        assert span <= WINDOW_YEARS

    def test_working_periods_are_not_cut_where_snapshots_meet(self):
        cal = BusinessCalendar.always_open("Europe/London")
        a = pendulum.datetime(1990, 1, 1, tz="Europe/London")
        b = pendulum.datetime(2040, 1, 1, tz="Europe/London")
        assert list(cal.working_periods(a, b)) == [(a, b)]
        office = china()
        with pytest.warns(HolidayDataWarning):  # 2040 is past the announced years
            periods = list(office.working_periods(a, b))
        total = sum((q - p for p, q in periods), dt.timedelta(0))
        assert total == office.between(a, b)
        assert all(q < r for (_, q), (r, _) in itertools.pairwise(periods))

    def test_the_cache_is_private_to_equality_hash_and_pickle(self):
        used, fresh = china(), china()
        with pytest.warns(HolidayDataWarning):  # 9025 is past the announced years
            used.add(pendulum.datetime(9025, 3, 3, 10, tz=SHANGHAI), HOUR)
        assert used == fresh
        assert hash(used) == hash(fresh)
        back = pickle.loads(pickle.dumps(used))
        assert back == used
        assert not back._engine.years


class TestBuiltinExceptionsStayInside:
    """Issue 12: bare built-in exceptions escaped the calendar's boundary."""

    @pytest.mark.parametrize("name", ["America", "x" * 300, "Europe/" + "y" * 250])
    def test_directory_or_overlong_zone_name_is_an_unknown_timezone(self, name):
        """Not IsADirectoryError or 'File name too long' from the zone file lookup."""
        with pytest.raises(UnknownTimezoneError) as info:
            BusinessCalendar(timezone=name, weekly_hours=WEEK)
        assert len(str(info.value)) < 200

    @pytest.mark.parametrize(
        ("kwargs", "error"),
        [
            ({"country": "US", "categories": ["nope"]}, UnknownNameError),
            ({"country": "CN", "subdiv": "XX"}, UnknownNameError),
            ({"country": 5}, InvalidHolidayError),
            ({"country": "US", "subdiv": 5}, InvalidHolidayError),
            ({"market": ""}, InvalidHolidayError),
        ],
    )
    def test_holidays_package_errors_become_servicekit_errors(self, kwargs, error):
        """Not the holidays package's own ValueError or TypeError."""
        with pytest.raises(error) as info:
            HolidaySet(**kwargs)
        assert "None" not in str(info.value)

    def test_lower_case_country_and_market_codes_are_accepted(self):
        assert HolidaySet(country="cn") == HolidaySet(country="CN")
        assert HolidaySet(market=" nyse ").market == "NYSE"
        cal = BusinessCalendar.for_country("cn", timezone=SHANGHAI, weekly_hours=WEEK)
        assert not cal.is_business_day(dt.date(2025, 1, 29))

    @pytest.mark.parametrize(
        "zone", ["UTC", SHANGHAI, "America/New_York", "Pacific/Kiritimati"]
    )
    def test_documented_year_range_works_at_both_ends(self, zone):
        """2-01-01 and 9998-12-31 are inside the documented range 2…9998."""
        cal = BusinessCalendar(
            timezone=zone, weekly_hours=parse_hours("Daily 09:00-17:00")
        )
        first = pendulum.datetime(2, 1, 1, 10, tz=zone)
        last = pendulum.datetime(9998, 12, 31, 10, tz=zone)
        assert cal.add(first, HOUR) == first.add(hours=1)
        assert cal.subtract(last, HOUR) == last.subtract(hours=1)
        assert cal.add(last, dt.timedelta(0)) == last
        assert cal.subtract(first, dt.timedelta(0)) == first
        assert cal.between(first, first.add(days=1)) == 8 * HOUR
        assert cal.between(last.subtract(days=1), last) == 8 * HOUR
        assert cal.is_business_day(dt.date(2, 1, 1))
        assert cal.is_business_day(dt.date(9998, 12, 31))

    @pytest.mark.parametrize(
        "call",
        [
            lambda cal: cal.add(
                dt.datetime(1, 1, 1, tzinfo=KIRITIMATI), dt.timedelta(0)
            ),
            lambda cal: cal.add(dt.datetime(1, 1, 1, tzinfo=dt.UTC), HOUR),
            lambda cal: cal.subtract(dt.datetime(1, 1, 1, tzinfo=dt.UTC), HOUR),
            lambda cal: cal.add(dt.datetime(9999, 12, 31, 23, tzinfo=dt.UTC), HOUR),
            lambda cal: cal.add(
                dt.datetime(9999, 12, 31, 23, tzinfo=dt.UTC), dt.timedelta(0)
            ),
            lambda cal: cal.subtract(dt.datetime.max.replace(tzinfo=dt.UTC), HOUR),
            lambda cal: cal.add(
                pendulum.datetime(2025, 1, 1, tz=SHANGHAI),
                dt.timedelta(days=999_999_999),
            ),
            lambda cal: cal.is_open(dt.datetime(1, 1, 1, tzinfo=dt.UTC)),
            lambda cal: cal.next_open(dt.datetime(9999, 12, 31, 20, tzinfo=dt.UTC)),
            lambda cal: cal.add_business_days(
                dt.datetime(9999, 12, 1, tzinfo=dt.UTC), 40
            ),
        ],
    )
    def test_years_1_and_9999_raise_calendar_range_error_not_overflow(self, call):
        """Not OverflowError: the ends of time are the library's CalendarRangeError."""
        with pytest.raises(CalendarRangeError) as info:
            call(china())
        text = str(info.value)
        assert "datetime.datetime(" not in text
        assert (
            "days, " not in text
        )  # no timedelta repr such as "999999999 days, 0:00:00"


class TestMessages:
    """Issue 12: messages speak the user's units and quote short prefixes."""

    def test_holiday_messages_show_no_python_reprs(self):
        with pytest.raises(UnknownNameError) as info:
            HolidaySet(country="XX")
        assert "(subdivision None)" not in str(info.value)
        assert "'XX'" in str(info.value)

    def test_huge_inputs_are_quoted_by_a_short_prefix(self):
        huge = "Mon-Fri " + "9" * 100_000
        with pytest.raises(InvalidHoursError) as info:
            parse_hours(huge)
        assert len(str(info.value)) < 400
        with pytest.raises(InvalidHolidayError) as info:
            BusinessCalendar(
                timezone=SHANGHAI, weekly_hours=WEEK, holidays=["x" * 10**6]
            )
        assert len(str(info.value)) < 400
        with pytest.raises(DeserializationError) as info:
            BusinessCalendar.from_dict(
                {"timezone": SHANGHAI, "weekly_hours": {"0": 7}, "x": "y" * 10**6}
            )
        assert len(str(info.value)) < 400

    def test_durations_and_instants_read_as_such(self):
        cal = china()
        start = pendulum.datetime(2025, 1, 24, 10, tz=SHANGHAI)
        with pytest.raises(ValueError) as info:
            cal.add(start, -dt.timedelta(hours=1, minutes=30))
        assert "-1 h 30 min" in str(info.value)
        with pytest.raises(NaiveDatetimeError) as info:
            cal.add(dt.datetime(2025, 1, 24, 10), HOUR)
        assert "2025-01-24T10:00:00" in str(info.value)
        assert "datetime.datetime(" not in str(info.value)

    def test_deeply_nested_calendar_data_is_refused(self):
        deep = []
        for _ in range(500):
            deep = [deep]
        with pytest.raises(DeserializationError, match="nests deeper"):
            BusinessCalendar.from_dict(
                {"timezone": SHANGHAI, "weekly_hours": {"0": deep}}
            )
        with pytest.raises(DeserializationError, match="nests deeper"):
            HolidaySet.from_dict({"dates": deep})

    def test_walking_back_past_year_1_is_a_range_error(self):
        cal = BusinessCalendar.always_open()
        with pytest.raises(CalendarRangeError, match="ends of the supported years"):
            cal.subtract(dt.datetime(3, 1, 5, tzinfo=dt.UTC), dt.timedelta(days=800))

    def test_holiday_set_data_must_be_a_mapping(self):
        with pytest.raises(DeserializationError, match="expected an object"):
            HolidaySet.from_dict(["CN"])
