"""The holiday-data horizon (issue 14): ``known_until``, the warning, strict mode, announcements.

China's holidays and make-up working days (调休) are announced by the State Council a
year at a time; past the last announcement the ``holidays`` package only estimates
the fixed holidays and knows no make-up days. These tests pin where a calendar's data
ends, that a computation reaching past it warns (once per calendar object) or raises
when strict, that it stays silent otherwise, and that a team can add an announced
year as data. The properties compare against a brute-force reference: the horizon is
local midnight after ``known_until`` in the calendar's zone, and each computation's
span (or the dates it consults) is checked against it directly.
"""

import datetime as dt
import pickle
import warnings
from zoneinfo import ZoneInfo

import holidays
import pendulum
import pytest
from holidays.countries import China
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import HOUR, MINUTE, SHANGHAI, sh
from servicekit.errors import (
    DeserializationError,
    HolidayDataMissingError,
    HolidayDataWarning,
    InvalidHolidayError,
    InvalidHoursError,
    ServiceKitError,
)
from servicekit.sla import (
    BusinessCalendar,
    EventKind,
    HolidayAnnouncement,
    HolidaySet,
    Metric,
    SlaPolicy,
    SlaTarget,
    TicketEvent,
    TicketStatus,
    evaluate,
    parse_hours,
)
from servicekit.sla._calendar import engine_of

OFFICE = parse_hours("Mon-Fri 09:00-12:00,13:30-18:00")
KNOWN_UNTIL = dt.date(2026, 12, 31)  # the installed holidays package has 2026's notice


def china(*, strict=False, zone=SHANGHAI):
    return BusinessCalendar.for_country(
        "CN", timezone=zone, weekly_hours=OFFICE, strict=strict
    )


_SHARED: dict[tuple[str, bool], BusinessCalendar] = {}


def unwarned(zone, *, strict=False):
    """A shared China calendar with its "warned once" memory cleared (fast examples).

    Building a calendar and its years costs milliseconds; the properties reuse one
    per zone and forget that it warned, which is exactly a fresh object's state.
    """
    cal = _SHARED.get((zone, strict))
    if cal is None:
        cal = _SHARED[zone, strict] = china(zone=zone, strict=strict)
    engine_of(cal).warned = False
    return cal


def caught(call):
    """Run ``call``; return its result (or the exception) and the horizon warnings."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            result = call()
        except HolidayDataMissingError as e:
            result = e
    return result, [w for w in seen if issubclass(w.category, HolidayDataWarning)]


# --------------------------------------------------------------- the reference


def horizon_us(zone):
    """Brute force: local midnight of the first day after ``known_until``, as µs."""
    first = KNOWN_UNTIL + dt.timedelta(days=1)
    midnight = dt.datetime(first.year, first.month, first.day, tzinfo=ZoneInfo(zone))
    return us(midnight)


def us(t):
    delta = t - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def expected_crossing(op, cal, args, result):
    """Whether the computation's span (or the dates it consults) reaches past the data."""
    h = horizon_us(cal.timezone)
    if op == "between":
        lo, hi = sorted((us(args[0]), us(args[1])))
        return lo < hi and hi > h
    if op == "add":
        return args[1] > dt.timedelta(0) and us(result) > h
    if op == "subtract":
        return args[1] > dt.timedelta(0) and us(args[0]) > h
    if op == "is_open":
        return us(args[0]) >= h
    if op == "next_open":
        return us(result) >= h
    if op == "add_business_days":
        # Office hours never pass midnight: the result's local date is its day.
        return result.date() > KNOWN_UNTIL
    if op == "is_business_day":
        return args[0] > KNOWN_UNTIL
    a, b = args  # business_days_between: [a, b) forwards, (b, a] backwards
    return (b > a and b - dt.timedelta(days=1) > KNOWN_UNTIL) or (
        b < a and a > KNOWN_UNTIL
    )


ZONES = st.sampled_from([SHANGHAI, "America/New_York", "Pacific/Kiritimati"])
# Instants within two months either side of the horizon, on a minute grid or not.
NEAR = st.builds(
    lambda minutes, micro: (
        dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        + dt.timedelta(minutes=minutes, microseconds=micro)
    ),
    st.integers(0, 120 * 24 * 60),
    st.sampled_from([0, 0, 0, 1, 999_999]),
)
NEAR = st.one_of(
    NEAR,
    st.builds(  # local midnight after known_until, give or take a microsecond
        lambda zone, micro: (
            dt.datetime(2027, 1, 1, tzinfo=ZoneInfo(zone))
            + dt.timedelta(microseconds=micro)
        ),
        st.sampled_from([SHANGHAI, "America/New_York", "Pacific/Kiritimati"]),
        st.sampled_from([-1, 0, 1]),
    ),
)
DURATIONS = st.builds(
    lambda minutes: dt.timedelta(minutes=minutes), st.integers(0, 40 * 9 * 60)
)
# The edges themselves, often: the last known day and the first unknown one.
EDGE_DAYS = st.sampled_from(
    [dt.date(2026, 12, d) for d in (30, 31)] + [dt.date(2027, 1, d) for d in (1, 2)]
)
DAYS = st.one_of(st.dates(dt.date(2026, 11, 1), dt.date(2027, 3, 1)), EDGE_DAYS)
OPS = {
    "between": st.tuples(NEAR, NEAR),
    "add": st.tuples(NEAR, DURATIONS),
    "subtract": st.tuples(NEAR, DURATIONS),
    "is_open": st.tuples(NEAR),
    "next_open": st.tuples(NEAR),
    "add_business_days": st.tuples(NEAR, st.integers(0, 30)),
    "is_business_day": st.tuples(DAYS),
    "business_days_between": st.tuples(DAYS, DAYS),
}
CASES = st.sampled_from(sorted(OPS)).flatmap(
    lambda op: st.tuples(st.just(op), OPS[op], ZONES)
)


class TestAgainstTheReference:
    @settings(max_examples=120, deadline=None)
    @given(case=CASES)
    def test_a_warning_iff_the_span_reaches_past_known_until(self, case):
        op, args, zone = case
        cal = unwarned(zone)
        result, seen = caught(lambda: getattr(cal, op)(*args))
        assert len(seen) == int(expected_crossing(op, cal, args, result))

    @settings(max_examples=80, deadline=None)
    @given(case=CASES)
    def test_strict_raises_iff_the_span_reaches_past_known_until(self, case):
        op, args, zone = case
        lenient = unwarned(zone)
        answer, _ = caught(lambda: getattr(lenient, op)(*args))
        strict = unwarned(zone, strict=True)
        result, seen = caught(lambda: getattr(strict, op)(*args))
        assert not seen
        if expected_crossing(op, lenient, args, answer):
            assert isinstance(result, HolidayDataMissingError)
        else:
            assert result == answer

    @settings(max_examples=40, deadline=None)
    @given(
        calls=st.lists(
            st.tuples(NEAR, DURATIONS.filter(lambda d: d > dt.timedelta(0))),
            min_size=1,
            max_size=6,
        )
    )
    def test_once_per_calendar_whatever_the_calls(self, calls):
        cal = unwarned(SHANGHAI)
        h = horizon_us(SHANGHAI)
        results, seen = caught(lambda: [cal.add(t, d) for t, d in calls])
        assert len(seen) == int(any(us(r) > h for r in results))


# ----------------------------------------------------------------- known_until


class TestKnownUntil:
    def test_china_is_known_until_the_last_announced_year(self):
        """The package's CN tables end with the State Council's 2026 notice."""
        assert china().known_until == KNOWN_UNTIL
        assert HolidaySet(country="CN").known_until == KNOWN_UNTIL
        assert HolidaySet.from_holidays(holidays.China()).known_until == KNOWN_UNTIL

    @pytest.mark.parametrize(
        "holiday_set",
        [
            HolidaySet(country="US"),  # rules hold for every year: no horizon
            HolidaySet(market="NYSE"),
            HolidaySet(dates=[dt.date(2026, 1, 1)]),
            HolidaySet(),
        ],
        ids=["US", "NYSE", "dates", "none"],
    )
    def test_sets_without_announced_transfers_have_no_horizon(self, holiday_set):
        assert holiday_set.known_until is None
        cal = BusinessCalendar(
            timezone="UTC", weekly_hours=OFFICE, holidays=holiday_set
        )
        _, seen = caught(lambda: cal.add(sh(2090, 1, 2, 10), 400 * HOUR))
        assert not seen

    def test_a_custom_china_subclass_keeps_its_tables_horizon(self):
        class OurChina(China):
            """A company's days off on top of China's."""

        hs = HolidaySet(source=OurChina())
        assert hs.known_until == KNOWN_UNTIL
        cal = BusinessCalendar(timezone=SHANGHAI, weekly_hours=OFFICE, holidays=hs)
        _, seen = caught(lambda: cal.add(sh(2026, 12, 31, 17), 2 * HOUR))
        assert "OurChina" in str(seen[0].message) or "CN" in str(seen[0].message)

    def test_announcements_alone_cover_their_consecutive_years(self):
        notice = {"holidays": [dt.date(2026, 1, 1)]}
        hs = (
            HolidaySet()
            .with_announcement(2026, **notice)
            .with_announcement(2027, holidays=[dt.date(2027, 1, 1)])
            .with_announcement(2029, holidays=[dt.date(2029, 1, 1)])
        )
        assert hs.known_until == dt.date(2027, 12, 31)  # 2028 is missing

    def test_an_announcement_after_a_gap_does_not_move_known_until(self):
        hs = HolidaySet(country="CN").with_announcement(
            2028, holidays=[dt.date(2028, 1, 1)]
        )
        assert hs.known_until == KNOWN_UNTIL

    def test_a_strict_china_market_is_known_until_its_tables_end(self):
        """The Shanghai exchange follows the State Council's transfers."""
        hs = HolidaySet(market="XSHG", strict=True)
        assert hs.known_until is not None
        assert hs.strict


# ---------------------------------------------------------------- the warning


class TestTheWarning:
    def test_a_deadline_starting_before_and_ending_after_the_horizon_warns(self):
        """The bug: a deadline in an unannounced year silently assumed no make-up
        days. A 2-business-hour first response from Thursday 31 December 2026 17:00
        is due in 2027: the warning names the country and the first missing year."""
        cal = china()
        due, seen = caught(lambda: cal.add(sh(2026, 12, 31, 17), 2 * HOUR))
        assert due.year == 2027
        assert len(seen) == 1
        w = seen[0].message
        assert isinstance(w, UserWarning)
        assert (w.country, w.year, w.known_until) == ("CN", 2027, KNOWN_UNTIL)
        assert "CN" in str(w)
        assert "2027" in str(w)
        assert "with_announcement" in str(w)
        assert seen[0].filename == __file__  # points at the caller, not servicekit

    def test_the_warning_pickles_with_its_fields(self):
        """Warnings cross processes (pytest-xdist, Dask workers) by pickle."""
        cal = china()
        _, seen = caught(lambda: cal.add(sh(2026, 12, 31, 17), 2 * HOUR))
        back = pickle.loads(pickle.dumps(seen[0].message))
        assert (back.country, back.year, back.known_until) == ("CN", 2027, KNOWN_UNTIL)
        assert str(back) == str(seen[0].message)

    def test_a_deadline_inside_the_data_does_not_warn(self):
        cal = china()
        due, seen = caught(lambda: cal.add(sh(2026, 12, 30, 17), 2 * HOUR))
        assert due == sh(2026, 12, 31, 10)
        assert not seen

    def test_a_deadline_ending_exactly_at_the_horizon_does_not_warn(self):
        """Working time up to midnight 31 December is known, the instant after not."""
        cal = BusinessCalendar.for_country(
            "CN", timezone=SHANGHAI, weekly_hours=parse_hours("Daily 00:00-24:00")
        )
        due, seen = caught(lambda: cal.add(sh(2026, 12, 31, 23), HOUR))
        assert due == sh(2027, 1, 1)
        assert not seen
        _, seen = caught(lambda: cal.add(sh(2026, 12, 31, 23), HOUR + MINUTE))
        assert len(seen) == 1

    def test_once_per_calendar_object(self):
        cal = china()
        _, seen = caught(
            lambda: [cal.add(sh(2026, 12, 31, 17), k * HOUR) for k in (2, 3, 40)]
        )
        assert len(seen) == 1
        _, seen = caught(lambda: cal.between(sh(2026, 12, 1), sh(2027, 6, 1)))
        assert not seen  # already said

    def test_the_warned_memory_is_not_part_of_the_value(self):
        """Equal calendars stay equal (and hash alike) whether or not one warned; a
        copy from pickle or JSON is a new object and warns again."""
        used, fresh = china(), china()
        caught(lambda: used.add(sh(2026, 12, 31, 17), 2 * HOUR))
        assert used == fresh
        assert hash(used) == hash(fresh)
        assert pickle.dumps(used) == pickle.dumps(fresh)
        for copy in (
            pickle.loads(pickle.dumps(used)),
            BusinessCalendar.from_dict(used.to_dict()),
        ):
            _, seen = caught(lambda c=copy: c.add(sh(2026, 12, 31, 17), 2 * HOUR))
            assert len(seen) == 1

    def test_computations_wholly_after_the_horizon_warn_too(self):
        cal = china()
        _, seen = caught(lambda: cal.between(sh(2030, 3, 4, 9), sh(2030, 3, 5, 9)))
        assert seen[0].message.year == 2027

    def test_an_empty_span_past_the_horizon_consults_nothing(self):
        cal = china()
        t = sh(2030, 3, 4, 9)
        _, seen = caught(lambda: (cal.between(t, t), cal.add(t, dt.timedelta(0))))
        assert not seen
        _, seen = caught(lambda: cal.business_days_between(t.date(), t.date()))
        assert not seen

    @pytest.mark.parametrize(
        ("a", "b", "warns"),
        [
            (dt.date(2026, 12, 28), dt.date(2027, 1, 1), False),  # [28, 31]: known
            (dt.date(2026, 12, 28), dt.date(2027, 1, 2), True),  # counts 1 January
            (dt.date(2027, 1, 1), dt.date(2026, 12, 28), True),  # (28, 1 Jan]
            (dt.date(2026, 12, 31), dt.date(2026, 12, 28), False),
        ],
    )
    def test_business_days_between_consults_exactly_its_dates(self, a, b, warns):
        """The edges of numpy's busday_count convention, on either side."""
        cal = china()
        _, seen = caught(lambda: cal.business_days_between(a, b))
        assert len(seen) == int(warns)

    def test_working_periods_past_the_horizon_warn(self):
        cal = china()
        _, seen = caught(
            lambda: list(cal.working_periods(sh(2026, 12, 31), sh(2027, 1, 8)))
        )
        assert len(seen) == 1


# --------------------------------------------------------------------- strict


class TestStrict:
    def test_strict_raises_a_lookup_error_naming_country_and_year(self):
        cal = china(strict=True)
        with pytest.raises(HolidayDataMissingError) as info:
            cal.add(sh(2026, 12, 31, 17), 2 * HOUR)
        assert isinstance(info.value, LookupError)
        assert isinstance(info.value, ServiceKitError)
        assert "CN" in str(info.value)
        assert "2027" in str(info.value)

    def test_strict_raises_every_time_and_leaves_the_calendar_usable(self):
        cal = china(strict=True)
        for _ in range(2):
            with pytest.raises(HolidayDataMissingError):
                cal.between(sh(2026, 12, 1), sh(2027, 1, 5))
        assert cal.add(sh(2026, 12, 30, 17), 2 * HOUR) == sh(2026, 12, 31, 10)
        assert cal == china(strict=True)
        assert cal != china()

    def test_strict_serialises(self):
        cal = china(strict=True)
        data = cal.to_dict()
        assert data["holidays"]["strict"] is True
        assert BusinessCalendar.from_dict(data) == cal
        assert "strict" not in china().to_dict()["holidays"]


# ----------------------------------------------------------------- SLA clocks


def policy(cal, metric, within):
    return SlaPolicy(
        name="office",
        targets=[SlaTarget(metric=metric, within=within)],
        calendar=cal,
    )


class TestSlaClocks:
    def test_an_sla_due_in_the_unannounced_year_warns(self):
        """The bug: the clock's due instant silently assumed no 2027 make-up days."""
        events = [TicketEvent(at=sh(2026, 12, 31, 17), kind=EventKind.CREATED)]
        pol = policy(china(), Metric.FIRST_RESPONSE, 2 * HOUR)
        report, seen = caught(lambda: evaluate(pol, events, sh(2026, 12, 31, 17, 30)))
        assert report.metrics[Metric.FIRST_RESPONSE].due_at.year == 2027
        assert len(seen) == 1
        assert seen[0].message.country == "CN"

    def test_a_pause_across_the_horizon_warns(self):
        """The bug: a ticket pending over New Year resumes in 2027, and its remaining
        resolution time is laid onto 2027's unknown schedule."""
        events = [
            TicketEvent(at=sh(2026, 12, 28, 10), kind=EventKind.CREATED),
            TicketEvent(
                at=sh(2026, 12, 29, 10),
                kind=EventKind.STATUS_CHANGED,
                status=TicketStatus.PENDING,
            ),
        ]
        pol = policy(china(), Metric.RESOLUTION, 16 * HOUR)
        paused, seen = caught(lambda: evaluate(pol, events, sh(2026, 12, 30, 10)))
        assert paused.metrics[Metric.RESOLUTION].due_at is None
        assert not seen  # paused inside the data: nothing is computed past it
        resumed = [
            *events,
            TicketEvent(
                at=sh(2027, 1, 4, 10),
                kind=EventKind.STATUS_CHANGED,
                status=TicketStatus.OPEN,
            ),
        ]
        report, seen = caught(lambda: evaluate(pol, resumed, sh(2027, 1, 4, 11)))
        assert report.metrics[Metric.RESOLUTION].due_at.year == 2027
        assert len(seen) == 1

    def test_a_strict_calendar_makes_the_sla_evaluation_raise(self):
        events = [TicketEvent(at=sh(2026, 12, 31, 17), kind=EventKind.CREATED)]
        pol = policy(china(strict=True), Metric.FIRST_RESPONSE, 2 * HOUR)
        with pytest.raises(HolidayDataMissingError):
            evaluate(pol, events, sh(2026, 12, 31, 17, 30))

    def test_calendar_time_targets_do_not_consult_holidays(self):
        events = [TicketEvent(at=sh(2026, 12, 31, 17), kind=EventKind.CREATED)]
        pol = SlaPolicy(
            name="24x7",
            targets=[
                SlaTarget(
                    metric=Metric.FIRST_RESPONSE, within=48 * HOUR, business_hours=False
                )
            ],
            calendar=china(strict=True),
        )
        report = evaluate(pol, events, sh(2026, 12, 31, 18))
        assert report.metrics[Metric.FIRST_RESPONSE].due_at == sh(2027, 1, 2, 17)

    def test_an_announcement_silences_the_clock(self):
        events = [TicketEvent(at=sh(2026, 12, 31, 17), kind=EventKind.CREATED)]
        cal = china(strict=True).with_announcement(
            2027, holidays=[dt.date(2027, 1, 1)], workdays=[]
        )
        report = evaluate(
            policy(cal, Metric.FIRST_RESPONSE, 2 * HOUR),
            events,
            sh(2026, 12, 31, 17, 30),
        )
        assert report.metrics[Metric.FIRST_RESPONSE].due_at == sh(2027, 1, 4, 10)


# ---------------------------------------------------------------- announcements


# A hypothetical schedule for 2027, for these tests only (not the real notice): New
# Year on Friday 1 January with Saturday 2 January worked, and a closed Monday.
HYPOTHETICAL_2027 = {
    "holidays": [dt.date(2027, 1, 1), dt.date(2027, 1, 4)],
    "workdays": [dt.date(2027, 1, 2)],
}


class TestAnnouncements:
    def test_an_announcement_moves_known_until_and_is_used(self):
        cal = china(strict=True).with_announcement(2027, **HYPOTHETICAL_2027)
        assert cal.known_until == dt.date(2027, 12, 31)
        assert cal.is_business_day(dt.date(2027, 1, 2))  # the make-up Saturday
        assert not cal.is_business_day(dt.date(2027, 1, 4))
        assert cal.add(sh(2026, 12, 31, 17), 2 * HOUR) == sh(2027, 1, 2, 10)
        with pytest.raises(HolidayDataMissingError):  # 2028 is still unknown
            cal.add(sh(2027, 12, 31, 17), 2 * HOUR)

    def test_an_announcement_replaces_the_packages_estimate_for_its_year(self):
        """The package estimates 2027's Spring Festival; the notice is the truth."""
        estimate = HolidaySet(country="CN").dates_in(2027)
        assert any(d.month == 2 for d in estimate)
        announced = HolidaySet(country="CN").with_announcement(
            2027, **HYPOTHETICAL_2027
        )
        assert announced.dates_in(2027) == frozenset(HYPOTHETICAL_2027["holidays"])
        assert announced.workdays_in(2027) == frozenset(HYPOTHETICAL_2027["workdays"])
        assert announced.dates_in(2026) == HolidaySet(country="CN").dates_in(2026)

    def test_a_second_announcement_of_a_year_corrects_the_first(self):
        hs = HolidaySet(country="CN").with_announcement(2027, **HYPOTHETICAL_2027)
        fixed = hs.with_announcement(2027, holidays=[dt.date(2027, 1, 1)])
        assert len(fixed.announcements) == 1
        assert fixed.dates_in(2027) == {dt.date(2027, 1, 1)}
        assert fixed.workdays_in(2027) == frozenset()

    def test_a_notice_date_in_the_neighbouring_year_counts_in_its_own_year(self):
        """A New Year bridge can reach back into December (2018's notice did)."""
        hs = HolidaySet().with_announcement(
            2027,
            holidays=[dt.date(2027, 1, 1)],
            workdays=[dt.date(2026, 12, 26)],
        )
        assert dt.date(2026, 12, 26) in hs.workdays_in(2026)
        cal = BusinessCalendar(timezone=SHANGHAI, weekly_hours=OFFICE, holidays=hs)
        assert cal.is_business_day(dt.date(2026, 12, 26))

    def test_the_announcement_round_trips_through_the_codec(self):
        cal = china().with_announcement(2027, **HYPOTHETICAL_2027)
        data = cal.to_dict()
        assert data["holidays"]["announcements"] == [
            {
                "year": 2027,
                "holidays": ["2027-01-01", "2027-01-04"],
                "workdays": ["2027-01-02"],
            }
        ]
        back = BusinessCalendar.from_dict(data)
        assert back == cal
        assert back.known_until == dt.date(2027, 12, 31)
        assert "announcements" not in china().to_dict()["holidays"]

    def test_a_custom_source_keeps_its_identity_when_announced(self):
        class OurChina(China):
            """A company's days off on top of China's."""

        hs = HolidaySet(source=OurChina())
        hs.dates_in(2025)  # grows the private copy
        once = hs.with_announcement(2027, **HYPOTHETICAL_2027)
        again = HolidaySet(source=OurChina()).with_announcement(
            2027, **HYPOTHETICAL_2027
        )
        assert once == again

    def test_bad_announcement_data_names_its_path(self):
        data = china().with_announcement(2027, **HYPOTHETICAL_2027).to_dict()
        data["holidays"]["announcements"][0]["year"] = "2027"
        with pytest.raises(DeserializationError, match=r"announcements\[0\]\.year"):
            BusinessCalendar.from_dict(data)

    def test_make_up_days_need_hours(self):
        cal = BusinessCalendar(
            timezone="UTC", weekly_hours=parse_hours("Tue-Fri 09:00-17:00")
        )
        with pytest.raises(InvalidHoursError, match="workday_hours"):
            cal.with_announcement(2027, **HYPOTHETICAL_2027)
        ok = cal.with_announcement(2027, holidays=[dt.date(2027, 1, 1)])
        assert ok.known_until == dt.date(2027, 12, 31)


class TestBadAnnouncements:
    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"year": True, "holidays": [dt.date(2027, 1, 1)]}, "whole number"),
            ({"year": "2027", "holidays": [dt.date(2027, 1, 1)]}, "whole number"),
            ({"year": 0, "holidays": [dt.date(2027, 1, 1)]}, "lie in"),
            ({"year": 2027, "holidays": []}, "no holidays"),
            ({"year": 2027, "holidays": ["2027-01-01"]}, "not a datetime.date"),
            ({"year": 2027, "holidays": [dt.date(2030, 1, 1)]}, "more than a year"),
            (
                {
                    "year": 2027,
                    "holidays": [dt.date(2027, 1, 1)],
                    "workdays": [dt.date(2029, 1, 6)],
                },
                "more than a year",
            ),
            (
                {
                    "year": 2027,
                    "holidays": [dt.date(2027, 1, 1)],
                    "workdays": [dt.date(2027, 1, 1)],
                },
                "one or the other",
            ),
        ],
    )
    def test_refused_at_the_boundary(self, kwargs, match):
        with pytest.raises(InvalidHolidayError, match=match):
            HolidayAnnouncement(**kwargs)
        year = kwargs.pop("year")
        with pytest.raises(InvalidHolidayError, match=match):
            china().with_announcement(year, **kwargs)

    def test_two_announcements_of_one_year_are_refused(self):
        a = HolidayAnnouncement(year=2027, holidays=[dt.date(2027, 1, 1)])
        with pytest.raises(InvalidHolidayError, match="two announcements for 2027"):
            HolidaySet(announcements=[a, a])

    @pytest.mark.parametrize("value", ["2027", 2027, [{"year": 2027}]])
    def test_announcements_must_be_announcements(self, value):
        with pytest.raises(InvalidHolidayError, match="announcements"):
            HolidaySet(announcements=value)

    def test_one_announcement_is_accepted_as_the_list(self):
        a = HolidayAnnouncement(year=2027, holidays=[dt.date(2027, 1, 1)])
        assert HolidaySet(announcements=a).announcements == (a,)

    def test_strict_must_be_a_boolean(self):
        with pytest.raises(TypeError):
            HolidaySet(country="CN", strict="yes")


# ------------------------------------------------------------------- vectorised


class TestVectorised:
    """The NumPy paths consult the same data: they warn as the scalar ones do."""

    np = pytest.importorskip("numpy")

    def test_each_array_function_warns_past_the_horizon(self):
        from servicekit.sla import (  # noqa: PLC0415
            add_array,
            add_business_days_array,
            between_array,
            business_days_between_array,
        )

        np = self.np
        inside = np.array(["2026-12-28T08:00"], "datetime64[us]")  # Mon 16:00
        across = np.array(["2026-12-31T08:00"], "datetime64[us]")  # Thu 16:00
        cases = [
            (lambda s: add_array(china(), s, np.timedelta64(4, "h"))),
            (lambda s: between_array(china(), s, s + np.timedelta64(1, "D"))),
            (lambda s: add_business_days_array(china(), s, np.array([1]))),
            (
                lambda s: business_days_between_array(
                    china(), s.astype("datetime64[D]"), s.astype("datetime64[D]") + 2
                )
            ),
        ]
        for call in cases:
            _, seen = caught(lambda c=call: c(inside))
            assert not seen, call
            _, seen = caught(lambda c=call: c(across))
            assert len(seen) == 1, call

    def test_empty_backward_and_same_day_spans_in_arrays(self):
        from servicekit.sla import between_array, business_days_between_array  # noqa: PLC0415

        np = self.np
        far = np.array(["2030-01-02T09:00"], "datetime64[us]")
        _, seen = caught(lambda: between_array(china(), far, far))
        assert not seen
        day = far.astype("datetime64[D]")
        _, seen = caught(lambda: business_days_between_array(china(), day, day))
        assert not seen
        _, seen = caught(lambda: business_days_between_array(china(), day, day - 3))
        assert len(seen) == 1


def test_pendulum_instants_in_other_zones_are_judged_by_the_calendars_zone():
    """Midnight in Shanghai is 16:00 UTC on 31 December: the horizon is local."""
    cal = BusinessCalendar.for_country(
        "CN", timezone=SHANGHAI, weekly_hours=parse_hours("Daily 00:00-24:00")
    )
    _, seen = caught(lambda: cal.is_open(pendulum.datetime(2026, 12, 31, 15, 59)))
    assert not seen
    _, seen = caught(lambda: cal.is_open(pendulum.datetime(2026, 12, 31, 16, 0)))
    assert len(seen) == 1


# ------------------------------------------------------- announcements, as a property


@settings(max_examples=30, deadline=None)
@given(
    years=st.sets(st.integers(2020, 2034), max_size=6),
    package=st.booleans(),
)
def test_known_until_ends_the_run_of_consecutive_known_years(years, package):
    """Brute force: walk the years from the package's last one (or the first
    announced one) while each next year is announced; each announced year's days
    are exactly its notice's."""
    hs = HolidaySet(country="CN") if package else HolidaySet()
    for y in sorted(years):
        hs = hs.with_announcement(
            y, holidays=[dt.date(y, 1, 1), dt.date(y, 3, y % 28 + 1)]
        )
    start = KNOWN_UNTIL.year if package else min(years, default=None)
    if start is None:
        assert hs.known_until is None
    else:
        last = start
        while last + 1 in years:
            last += 1
        assert hs.known_until == dt.date(last, 12, 31)
    for y in years:
        assert hs.dates_in(y) == {dt.date(y, 1, 1), dt.date(y, 3, y % 28 + 1)}
        assert hs.workdays_in(y) == frozenset()
    assert HolidaySet.from_dict(hs.to_dict()) == hs
