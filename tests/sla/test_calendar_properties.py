"""Hypothesis properties of ``BusinessCalendar`` on random calendars.

Two kinds of evidence: agreement with the brute-force reference (``sla.reference``)
for every method, and algebraic laws that must hold whatever the calendar (``add``
and ``between`` are inverse, ``add`` is monotone and composes, ``subtract`` inverts
``add``, ``between`` is additive and antisymmetric, values survive serialisation and
pickling). Random calendars (``strategies.calendar_cases``) have lunch breaks, night
shifts, holidays and make-up days near DST changes in five zones, Lord Howe's
30-minute shift included. Instants are compared by instant (PEP 495), never by wall
clock.
"""

import contextlib
import dataclasses
import datetime as dt
import json
import pickle
from zoneinfo import ZoneInfo

import pendulum
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from helpers import ZERO
from servicekit.errors import CalendarNeverOpensError, CalendarRangeError
from servicekit.sla import BusinessCalendar
from servicekit.sla._calendar import engine_of
from servicekit.sla._timeline import CACHE_YEARS, WINDOW_YEARS
from sla.reference import Ambiguous, Reference, to_us
from strategies import business_durations, calendar_cases, calendar_instants


def budget(fraction):
    """A share of the active Hypothesis profile's examples (at least 10).

    Relative, not absolute, so that ``HYPOTHESIS_PROFILE=thorough`` still scales
    every test up, while the default run of ``tests/sla`` stays within its time
    budget (each example builds a fresh calendar, traced by coverage).
    """
    return settings(max_examples=max(10, int(settings.default.max_examples * fraction)))


def build(case):
    return BusinessCalendar(**case.kwargs), Reference(**case.kwargs)


def assert_instant(result, expected, zone):
    """``result`` is a pendulum DateTime in ``zone`` at the same instant as expected."""
    assert isinstance(result, pendulum.DateTime), type(result)
    assert to_us(result) == to_us(expected), (result, expected.astimezone(dt.UTC))
    # The wall clock (and its fold) shown must be the zone's own for that instant.
    local = expected.astimezone(ZoneInfo(zone))
    assert result.utcoffset() == local.utcoffset(), (result, local)
    assert result.replace(tzinfo=None) == local.replace(tzinfo=None), (result, local)


def zone_of(case):
    return str(case.kwargs["timezone"])


# -- agreement with the reference ---------------------------------------------------


@budget(0.75)
@given(case=calendar_cases(), data=st.data())
def test_is_open_and_next_open_agree_with_reference(case, data):
    cal, ref = build(case)
    at = data.draw(calendar_instants(case), label="at")
    assert cal.is_open(at) == ref.is_open(at)
    assert_instant(cal.next_open(at), ref.next_open(at), zone_of(case))


@budget(0.75)
@given(case=calendar_cases(), data=st.data())
def test_between_agrees_with_reference(case, data):
    cal, ref = build(case)
    start = data.draw(calendar_instants(case), label="start")
    end = data.draw(calendar_instants(case), label="end")
    got = cal.between(start, end)
    assert isinstance(got, dt.timedelta)
    assert got == ref.between(start, end)


@budget(0.75)
@given(case=calendar_cases(), data=st.data())
def test_add_agrees_with_reference(case, data):
    cal, ref = build(case)
    start = data.draw(calendar_instants(case), label="start")
    delta = data.draw(business_durations(case), label="delta")
    assert_instant(cal.add(start, delta), ref.add(start, delta), zone_of(case))


@budget(0.75)
@given(case=calendar_cases(), data=st.data())
def test_subtract_agrees_with_reference(case, data):
    cal, ref = build(case)
    end = data.draw(calendar_instants(case), label="end")
    delta = data.draw(business_durations(case), label="delta")
    assert_instant(cal.subtract(end, delta), ref.subtract(end, delta), zone_of(case))


@budget(0.75)
@given(case=calendar_cases(), data=st.data())
def test_add_and_subtract_of_a_measured_span_agree_with_reference(case, data):
    """Durations measured between two grid instants make ``add`` land exactly on
    interval ends (the "earliest instant" rule) far more often than random ones.
    """
    cal, ref = build(case)
    start, end = sorted(
        (data.draw(calendar_instants(case), label=x) for x in "ab"), key=to_us
    )
    delta = ref.between(start, end)
    forward = cal.add(start, delta)
    assert_instant(forward, ref.add(start, delta), zone_of(case))
    assert to_us(forward) <= to_us(end)
    backward = cal.subtract(end, delta)
    assert_instant(backward, ref.subtract(end, delta), zone_of(case))
    assert to_us(backward) >= to_us(start)


@budget(0.75)
@given(case=calendar_cases(), data=st.data())
def test_business_days_agree_with_reference(case, data):
    cal, ref = build(case)
    window = st.integers(-25, 25).map(lambda i: case.anchor + dt.timedelta(days=i))
    a = data.draw(window, label="a")
    b = data.draw(window, label="b")
    assert cal.is_business_day(a) == ref.is_business_day(a)
    assert cal.business_days_between(a, b) == ref.business_days_between(a, b)


@budget(0.75)
@given(case=calendar_cases(), data=st.data())
def test_add_business_days_agrees_with_reference(case, data):
    cal, ref = build(case)
    start = data.draw(calendar_instants(case), label="start")
    n = data.draw(st.integers(0, 8), label="n")
    try:
        expected = ref.add_business_days(start, n)
    except Ambiguous:
        # The target day's only hours fall in a skipped DST hour: the contract is
        # silent on its "closing instant".
        assume(False)
    assert_instant(cal.add_business_days(start, n), expected, zone_of(case))


# -- algebraic laws -------------------------------------------------------------------


@budget(0.5)
@given(case=calendar_cases(), data=st.data())
def test_between_inverts_add(case, data):
    cal = BusinessCalendar(**case.kwargs)
    start = data.draw(calendar_instants(case), label="start")
    delta = data.draw(business_durations(case), label="delta")
    end = cal.add(start, delta)
    assert to_us(end) >= to_us(start)
    assert cal.between(start, end) == delta


@budget(0.5)
@given(case=calendar_cases(), data=st.data())
def test_add_is_monotone_in_delta(case, data):
    cal = BusinessCalendar(**case.kwargs)
    start = data.draw(calendar_instants(case), label="start")
    small, large = sorted(
        [
            data.draw(business_durations(case), label="a"),
            data.draw(business_durations(case), label="b"),
        ]
    )
    assert to_us(cal.add(start, small)) <= to_us(cal.add(start, large))


@budget(0.5)
@given(case=calendar_cases(), data=st.data())
def test_add_composes(case, data):
    cal = BusinessCalendar(**case.kwargs)
    start = data.draw(calendar_instants(case), label="start")
    a = data.draw(business_durations(case, weeks=1), label="a")
    b = data.draw(business_durations(case, weeks=1), label="b")
    assume(a > ZERO)
    assert to_us(cal.add(cal.add(start, a), b)) == to_us(cal.add(start, a + b))


@budget(0.5)
@given(case=calendar_cases(), data=st.data())
def test_subtract_inverts_add_on_working_instants(case, data):
    cal = BusinessCalendar(**case.kwargs)
    start = cal.next_open(data.draw(calendar_instants(case), label="start"))
    assert cal.is_open(start)
    delta = data.draw(business_durations(case), label="delta")
    assert to_us(cal.subtract(cal.add(start, delta), delta)) == to_us(start)


@budget(0.5)
@given(case=calendar_cases(), data=st.data())
def test_between_is_additive_and_antisymmetric(case, data):
    cal = BusinessCalendar(**case.kwargs)
    a, b, c = (data.draw(calendar_instants(case), label=x) for x in "abc")
    assert cal.between(a, b) + cal.between(b, c) == cal.between(a, c)
    assert cal.between(b, a) == -cal.between(a, b)
    assert cal.between(a, a) == ZERO


# -- values ---------------------------------------------------------------------------


@budget(0.5)
@given(case=calendar_cases(), data=st.data())
def test_to_dict_round_trips_through_json(case, data):
    cal = BusinessCalendar(**case.kwargs)
    plain = cal.to_dict()
    again = BusinessCalendar.from_dict(json.loads(json.dumps(plain)))
    assert again == cal
    assert again.to_dict() == plain
    start = data.draw(calendar_instants(case), label="start")
    delta = data.draw(business_durations(case), label="delta")
    assert to_us(again.add(start, delta)) == to_us(cal.add(start, delta))


@budget(0.5)
@given(case=calendar_cases(), data=st.data())
def test_pickle_round_trips(case, data):
    cal = BusinessCalendar(**case.kwargs)
    start = data.draw(calendar_instants(case), label="start")
    cal.add(start, dt.timedelta(hours=1))  # warm any memoisation before pickling
    again = pickle.loads(pickle.dumps(cal))
    assert again == cal
    assert hash(again) == hash(cal)
    delta = data.draw(business_durations(case), label="delta")
    assert to_us(again.add(start, delta)) == to_us(cal.add(start, delta))


# -- year boundaries and long spans ---------------------------------------------------
# Implementations that precompute per year break at 31 December: a night shift that
# crosses into January, Lord Howe's summer time spanning the new year, holidays of a
# year not yet tabulated. Re-centre random calendars on New Year's Eve.

YEAR_ENDS = (dt.date(2024, 12, 31), dt.date(2025, 12, 31), dt.date(2026, 1, 1))


def year_end_cases():
    return st.tuples(calendar_cases(), st.sampled_from(YEAR_ENDS)).map(
        lambda pair: dataclasses.replace(pair[0], anchor=pair[1])
    )


@budget(0.4)
@given(case=year_end_cases(), data=st.data())
def test_year_boundary_agrees_with_reference(case, data):
    cal, ref = build(case)
    start = data.draw(calendar_instants(case, days=4), label="start")
    end = data.draw(calendar_instants(case, days=4), label="end")
    delta = data.draw(business_durations(case, weeks=1), label="delta")
    zone = zone_of(case)
    assert cal.is_open(start) == ref.is_open(start)
    assert cal.between(start, end) == ref.between(start, end)
    assert_instant(cal.add(start, delta), ref.add(start, delta), zone)
    assert_instant(cal.subtract(end, delta), ref.subtract(end, delta), zone)
    n = data.draw(st.integers(0, 4), label="n")
    try:
        expected = ref.add_business_days(start, n)
    except Ambiguous:
        assume(False)
    assert_instant(cal.add_business_days(start, n), expected, zone)


@budget(0.15)
@given(case=calendar_cases(), data=st.data())
def test_long_spans_agree_with_reference(case, data):
    """Up to most of a year of business time: many per-year tables, DST twice."""
    cal, ref = build(case)
    start = data.draw(calendar_instants(case), label="start")
    delta = data.draw(business_durations(case, weeks=45), label="delta")
    end = cal.add(start, delta)
    assert_instant(end, ref.add(start, delta), zone_of(case))
    assert cal.between(start, end) == delta
    assert_instant(cal.subtract(end, delta), ref.subtract(end, delta), zone_of(case))


@budget(0.1)
@given(
    case=calendar_cases(),
    data=st.data(),
    far=st.lists(st.integers(2, 9998), min_size=1, max_size=3),
)
def test_far_year_queries_neither_change_answers_nor_grow_the_cache(case, data, far):
    """Issue 12: one query in year 9025 once grew the timeline over every year in
    between, for good. Queries anywhere must leave answers (checked against the
    reference) and the cache's size as they were.
    """
    cal, ref = build(case)
    start = data.draw(calendar_instants(case), label="start")
    delta = data.draw(business_durations(case), label="delta")
    first = cal.add(start, delta)
    for year in far:
        with contextlib.suppress(CalendarNeverOpensError, CalendarRangeError):
            cal.next_open(dt.datetime(year, 6, 1, 12, tzinfo=dt.UTC))
    assert cal._engine.timeline.y1 - cal._engine.timeline.y0 < WINDOW_YEARS
    assert len(cal._engine.years) <= CACHE_YEARS
    assert_instant(cal.add(start, delta), ref.add(start, delta), zone_of(case))
    assert to_us(cal.add(start, delta)) == to_us(first)


# -- the engine's fast path -----------------------------------------------------------


def _worked_between(engine, s, e):
    """The general path's ``between_us`` inside one snapshot: two ``worked`` calls."""
    tl = engine.ensure(s, e)
    return tl.worked(e) - tl.worked(s)


@budget(0.5)
@given(case=calendar_cases(), data=st.data())
def test_between_us_fast_path_agrees_with_the_timelines_worked(case, data):
    cal, _ = build(case)
    engine = engine_of(cal)
    a = to_us(data.draw(calendar_instants(case), label="a"))
    b = to_us(data.draw(calendar_instants(case), label="b"))
    s, e = min(a, b), max(a, b)
    first = engine.between_us(s, e)  # may load the snapshot (the general path)
    tl = engine.timeline
    assume(tl is not None and tl.lo <= s and e < tl.quiet_hi)
    assert engine.between_us(s, e) == first == _worked_between(engine, s, e)
    # Before the snapshot's first working range: nothing worked, or only after it.
    lo, start = tl.lo, tl.starts[0]
    if lo < start:
        before = start - 1
        assert engine.between_us(lo, before) == 0 == _worked_between(engine, lo, before)
        if e > start:
            assert engine.between_us(lo, e) == _worked_between(engine, lo, e)


def test_between_us_fast_path_before_a_sparse_snapshots_first_range():
    # Open on Mondays only: the first working range of a snapshot may start well
    # after the snapshot's low end, so an interval there can precede every range.
    cal = BusinessCalendar(timezone="UTC", weekly_hours={0: [("09:00", "10:00")]})
    engine = engine_of(cal)
    monday = to_us(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC))  # its snapshot: from 2025
    assert engine.between_us(monday, monday + 3_600_000_000) == 3_600_000_000
    tl = engine.timeline
    lo, start = tl.lo, tl.starts[0]
    assert lo < start - 1  # the case this test is for
    for s, e in [(lo, start - 1), (lo, start + 60_000_000), (lo, monday)]:
        assert engine.between_us(s, e) == _worked_between(engine, s, e)
