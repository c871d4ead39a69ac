"""The vectorised calendar arithmetic equals the scalar methods, element for element.

The scalar ``BusinessCalendar`` methods are the oracle here (they are themselves
checked against a brute-force reference in ``tests/sla``): on Hypothesis-drawn
calendars (lunch breaks, night shifts, holidays and make-up days near DST changes in
five zones) every element of ``between_array``, ``add_array``,
``add_business_days_array`` and ``business_days_between_array`` must be exactly the
scalar answer, to the microsecond. Columns mix instants near the anchor with some
years away, so the snapshot-splitting and scalar-fallback paths are exercised too.
"""

import datetime as dt
import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.errors import (
    CalendarNeverOpensError,
    CalendarRangeError,
    InvalidArgumentError,
    InvalidTypeError,
    MissingExtraError,
)
from servicekit.sla import (
    BusinessCalendar,
    _vectorised,
    add_array,
    add_business_days_array,
    between_array,
    business_days_between_array,
    parse_hours,
)
from sla.reference import to_us
from strategies import business_durations, calendar_cases, calendar_instants

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
SH = "Asia/Shanghai"


def budget(fraction):
    return settings(max_examples=max(10, int(settings.default.max_examples * fraction)))


def column(instants):
    return np.array([to_us(t) for t in instants], dtype=np.int64).view("M8[us]")


def durations(deltas):
    return np.array(
        [d // dt.timedelta(microseconds=1) for d in deltas], dtype=np.int64
    ).view("m8[us]")


def instant(us):
    return EPOCH + dt.timedelta(microseconds=int(us))


def far(case, data, years):
    """An instant ``years`` away from the case's anchor (the other snapshot paths)."""
    shifted = case.anchor + dt.timedelta(
        days=365 * years
    )  # 29 February has no year after
    return dt.datetime.combine(shifted, dt.time(12), tzinfo=dt.UTC) + dt.timedelta(
        seconds=data.draw(st.integers(0, 86_400 * 30))
    )


def instants_of(case, data, size):
    near = st.lists(calendar_instants(case), min_size=1, max_size=size)
    out = data.draw(near)
    if data.draw(st.booleans()):
        out.append(far(case, data, data.draw(st.sampled_from([-15, -3, 4, 20]))))
    return out


@budget(0.5)
@given(case=calendar_cases(), data=st.data())
def test_between_array_is_the_scalar_between(case, data):
    cal = BusinessCalendar(**case.kwargs)
    starts = instants_of(case, data, 12)
    ends = data.draw(
        st.lists(calendar_instants(case), min_size=len(starts), max_size=len(starts))
    )
    got = between_array(cal, column(starts), column(ends))
    assert got.dtype == np.dtype("m8[us]")
    want = [cal.between(a, b) for a, b in zip(starts, ends, strict=True)]
    assert got.tolist() == want


@budget(0.5)
@given(case=calendar_cases(), data=st.data())
def test_add_array_is_the_scalar_add(case, data):
    cal = BusinessCalendar(**case.kwargs)
    starts = instants_of(case, data, 12)
    deltas = data.draw(
        st.lists(
            business_durations(case, weeks=60 if len(starts) % 3 == 0 else 2),
            min_size=len(starts),
            max_size=len(starts),
        )
    )
    try:
        want = [to_us(cal.add(a, d)) for a, d in zip(starts, deltas, strict=True)]
    except (CalendarNeverOpensError, CalendarRangeError) as error:
        with pytest.raises(type(error)):
            add_array(cal, column(starts), durations(deltas))
        return
    got = add_array(cal, column(starts), durations(deltas))
    assert got.dtype == np.dtype("M8[us]")
    assert got.view(np.int64).tolist() == want


@budget(0.5)
@given(case=calendar_cases(), data=st.data())
def test_add_business_days_array_is_the_scalar_form(case, data):
    cal = BusinessCalendar(**case.kwargs)
    starts = instants_of(case, data, 10)
    counts = data.draw(
        st.lists(st.integers(0, 40), min_size=len(starts), max_size=len(starts))
    )
    try:
        want = [
            to_us(cal.add_business_days(a, n))
            for a, n in zip(starts, counts, strict=True)
        ]
    except (CalendarNeverOpensError, CalendarRangeError) as error:
        with pytest.raises(type(error)):
            add_business_days_array(cal, column(starts), np.array(counts))
        return
    got = add_business_days_array(cal, column(starts), np.array(counts))
    assert got.view(np.int64).tolist() == want


@budget(0.5)
@given(case=calendar_cases(), data=st.data())
def test_business_days_between_array_is_the_scalar_form(case, data):
    cal = BusinessCalendar(**case.kwargs)
    offsets = st.integers(-60, 60) | st.integers(-6000, 6000)
    pairs = data.draw(st.lists(st.tuples(offsets, offsets), min_size=1, max_size=12))
    a = [case.anchor + dt.timedelta(days=x) for x, _ in pairs]
    b = [case.anchor + dt.timedelta(days=y) for _, y in pairs]
    got = business_days_between_array(
        cal, np.array(a, dtype="M8[D]"), np.array(b, dtype="M8[D]")
    )
    want = [cal.business_days_between(x, y) for x, y in zip(a, b, strict=True)]
    assert got.tolist() == want


# -- the China calendar the benchmark uses, on a dense column ------------------------


@pytest.fixture(scope="module")
def china():
    return BusinessCalendar.for_country(
        "CN", timezone=SH, weekly_hours=parse_hours("Mon-Fri 09:00-12:00,13:30-18:00")
    )


def test_a_dense_column_on_the_china_calendar_matches_the_scalar_loop(china):
    """Make-up Saturdays (调休) and Spring Festival, a thousand rows, chunked by two."""
    rng = np.random.default_rng(17)
    lo = np.datetime64("2024-12-01", "us").astype(np.int64)
    hi = np.datetime64("2026-03-01", "us").astype(np.int64)
    s = rng.integers(lo, hi, 1000)
    e = rng.integers(lo, hi, 1000)
    d = rng.integers(0, 300 * 3_600_000_000, 1000)
    d[::7] = 0
    n = rng.integers(0, 25, 1000)
    original = _vectorised._CHUNK
    try:
        _vectorised._CHUNK = 300
        between = between_array(china, s.view("M8[us]"), e.view("M8[us]"))
        added = add_array(china, s.view("M8[us]"), d.view("m8[us]"))
        closes = add_business_days_array(china, s.view("M8[us]"), n)
    finally:
        _vectorised._CHUNK = original
    for i in range(1000):
        a, b = instant(s[i]), instant(e[i])
        assert between[i] == np.timedelta64(
            china.between(a, b) // dt.timedelta(microseconds=1), "us"
        )
        assert added.view(np.int64)[i] == to_us(
            china.add(a, dt.timedelta(microseconds=int(d[i])))
        )
        assert closes.view(np.int64)[i] == to_us(china.add_business_days(a, int(n[i])))


def test_other_units_are_read_exactly(china):
    seconds = np.array(["2025-01-24T09:00:00", "2025-01-26T01:00:00"], "M8[s]")
    nanos = seconds.astype("M8[ns]")
    want = between_array(china, seconds[:1].repeat(2), seconds)
    assert (between_array(china, nanos[:1].repeat(2), nanos) == want).all()
    hours = np.array([2, 3], "m8[h]")
    assert (
        add_array(china, seconds, hours)
        == add_array(china, seconds, hours.astype("m8[us]"))
    ).all()


def test_a_single_duration_or_count_applies_to_every_row(china):
    starts = np.array(["2025-01-24T01:00", "2025-01-25T01:00"], "M8[us]")
    assert (
        add_array(china, starts, np.timedelta64(1, "h"))
        == add_array(china, starts, np.array([1, 1], "m8[h]"))
    ).all()
    assert (
        add_business_days_array(china, starts, 1)
        == add_business_days_array(china, starts, np.array([1, 1]))
    ).all()


def test_empty_columns_give_empty_results(china):
    empty = np.array([], "M8[us]")
    assert between_array(china, empty, empty).shape == (0,)
    assert add_array(china, empty, np.array([], "m8[us]")).shape == (0,)
    days = np.array([], "M8[D]")
    assert business_days_between_array(china, days, days).shape == (0,)


# -- missing values, bad columns ------------------------------------------------------


def test_nat_raises_naming_its_row_unless_kept(china):
    starts = np.array(["2025-03-03T01:00", "NaT", "2025-03-04T01:00"], "M8[us]")
    ends = np.array(["2025-03-03T05:00", "2025-03-03T05:00", "NaT"], "M8[us]")
    with pytest.raises(InvalidArgumentError, match=r"start\[1\] is NaT"):
        between_array(china, starts, ends)
    kept = between_array(china, starts, ends, missing="keep")
    assert np.isnat(kept).tolist() == [False, True, True]
    assert kept[0] == np.timedelta64(3, "h")
    added = add_array(china, starts, np.timedelta64(1, "h"), missing="keep")
    assert np.isnat(added).tolist() == [False, True, False]
    closes = add_business_days_array(china, starts, 0, missing="keep")
    assert np.isnat(closes).tolist() == [False, True, False]
    with pytest.raises(InvalidArgumentError, match=r"a\[0\] is NaT"):
        business_days_between_array(
            china, np.array(["NaT"], "M8[D]"), np.array(["2025-01-01"], "M8[D]")
        )
    with pytest.raises(InvalidArgumentError, match="missing must be"):
        between_array(china, starts, ends, missing="drop")


def test_sub_microsecond_instants_are_refused_not_rounded(china):
    nanos = np.array(["2025-03-03T01:00:00.000000001"], "M8[ns]")
    with pytest.raises(CalendarRangeError, match="finer than a microsecond"):
        between_array(china, nanos, nanos)
    with pytest.raises(InvalidArgumentError, match="finer than a microsecond"):
        add_array(china, nanos.astype("M8[us]"), np.array([1], "m8[ns]"))


def test_instants_too_far_to_hold_are_refused(china):
    years = np.array([300_000], "M8[Y]")
    with pytest.raises(CalendarRangeError, match="too far from 1970"):
        between_array(china, years, years)
    early = np.array(["0001-01-01T00:00"], "M8[us]")  # as the scalar add refuses
    with pytest.raises(CalendarRangeError, match="too close to the ends"):
        add_array(china, early, np.timedelta64(1, "h"))
    days = np.array(["-0010-01-01"], "M8[D]")
    with pytest.raises(CalendarRangeError, match="outside the years"):
        business_days_between_array(china, days, days)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c: between_array(c, np.array([1, 2]), np.array([1, 2])),
            "integers have no unit",
        ),
        (
            lambda c: between_array(
                c, np.array(["NaT"], "M8"), np.array(["NaT"], "M8")
            ),
            "has no unit",
        ),
        (
            lambda c: add_array(c, np.array(["2025-01-01"], "M8[us]"), np.array([1.5])),
            "timedelta64",
        ),
        (
            lambda c: add_business_days_array(
                c, np.array(["2025-01-01"], "M8[us]"), np.array([1.5])
            ),
            "whole numbers",
        ),
        (
            lambda c: business_days_between_array(
                c,
                np.array(["2025-01-01"], "M8[us]"),
                np.array(["2025-01-01"], "M8[us]"),
            ),
            "datetime64\\[D\\]",
        ),
        (
            lambda c: between_array(
                "calendar", np.array([], "M8[us]"), np.array([], "M8[us]")
            ),
            "BusinessCalendar",
        ),
    ],
)
def test_wrong_dtypes_are_type_errors(china, call, message):
    with pytest.raises(InvalidTypeError, match=message):
        call(china)


def test_an_aware_pandas_column_is_refused_with_the_conversion_to_use(china):
    pd = pytest.importorskip("pandas")
    aware = pd.Series(pd.to_datetime(["2025-01-24 17:00"])).dt.tz_localize(SH)
    with pytest.raises(InvalidTypeError, match=r"tz_convert\('UTC'\)"):
        between_array(china, aware, aware)
    naive = aware.dt.tz_convert("UTC").dt.tz_localize(None)
    assert between_array(china, naive, naive)[0] == np.timedelta64(0, "us")


def test_lengths_and_negative_values_are_refused(china):
    two = np.array(["2025-01-01", "2025-01-02"], "M8[us]")
    with pytest.raises(InvalidArgumentError, match="start has 2, end has 1"):
        between_array(china, two, two[:1])
    with pytest.raises(InvalidArgumentError, match=r"delta\[1\] is a negative"):
        add_array(china, two, np.array([1, -1], "m8[h]"))
    with pytest.raises(InvalidArgumentError, match=r"n\[0\] must be 0 or more"):
        add_business_days_array(china, two, np.array([-1, 2]))


def test_a_calendar_that_never_opens_again_raises_as_the_scalar_does():
    """Only make-up days in 2025: a start in 2027 finds no working time ever."""
    cal = BusinessCalendar(
        timezone="UTC",
        weekly_hours={},
        workdays=[dt.date(2025, 3, 1)],
        workday_hours=[("09:00", "17:00")],
    )
    starts = np.array(["2027-01-01T00:00"], "M8[us]")
    with pytest.raises(CalendarNeverOpensError):
        cal.add(instant(starts.view(np.int64)[0]), dt.timedelta(hours=1))
    with pytest.raises(CalendarNeverOpensError):
        add_array(cal, starts, np.timedelta64(1, "h"))
    with pytest.raises(CalendarNeverOpensError):
        add_business_days_array(cal, starts, 1)
    assert between_array(cal, starts, starts + np.timedelta64(30, "D"))[0] == 0


def test_without_numpy_the_error_names_the_extra(monkeypatch, china):
    real = importlib.import_module

    def no_numpy(name, *args):
        if name == "numpy":
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", no_numpy)
    with pytest.raises(MissingExtraError, match=r"servicekit\[columnar\]"):
        between_array(china, [], [])


def test_keys_too_close_for_a_table_fall_back_to_searchsorted(china, monkeypatch):
    starts = np.array(["2025-01-24T01:30", "2025-02-08T07:00"], "M8[us]")
    ends = np.array(["2025-02-05T03:00", "2025-01-20T00:00"], "M8[us]")
    want = (
        between_array(china, starts, ends),
        add_array(china, starts, abs(ends - starts)),
    )
    monkeypatch.setattr(_vectorised, "_TABLE_LIMIT", 1)
    _vectorised._arrays.cache_clear()
    try:
        got = (
            between_array(china, starts, ends),
            add_array(china, starts, abs(ends - starts)),
        )
    finally:
        _vectorised._arrays.cache_clear()
    assert all((g == w).all() for g, w in zip(got, want, strict=True))
