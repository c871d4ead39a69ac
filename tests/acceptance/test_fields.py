"""Tests of the acceptance field converters: instants pinned to fixed offsets, texts,
enums; and instants read back from ISO-8601 text through the codec."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import servicekit.acceptance._fields as field_converters
from servicekit import Channel
from servicekit._iso import duration_from_iso, duration_to_iso
from servicekit.acceptance import Delivered
from servicekit.acceptance._fields import (
    elapsed,
    instant_key,
    member,
    reasons,
    text,
    to_instant,
    utc,
)
from servicekit.errors import (
    CalendarRangeError,
    DeserializationError,
    InvalidArgumentError,
    InvalidTypeError,
    NaiveDatetimeError,
    UnknownNameError,
)
from strategies import acceptance_instants

US = dt.timedelta(microseconds=1)


def parse_instant(value: object, _what: str = "") -> dt.datetime:
    """An instant read back as every acceptance value reads one: through the codec."""
    return Delivered.from_dict({"type": "Delivered", "at": value}).at


def _us(value: dt.datetime) -> int:
    """Brute-force instant: integer microseconds since the epoch."""
    u = value.astimezone(dt.UTC)
    naive = dt.datetime(
        u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond
    )
    return (naive - dt.datetime(1970, 1, 1)) // US


class TestToInstant:
    @given(acceptance_instants)
    def test_same_instant_same_wall_clock(self, value):
        out = to_instant(value)
        assert isinstance(out, pendulum.DateTime)
        assert _us(out) == _us(value)
        assert out.utcoffset() == value.utcoffset()
        assert out.replace(tzinfo=None) == value.replace(tzinfo=None, fold=0)

    @given(acceptance_instants)
    def test_iso_round_trip_keeps_the_instant(self, value):
        out = to_instant(value)
        back = parse_instant(json.loads(json.dumps(out.isoformat())), "x")
        assert instant_key(back) == instant_key(out)
        assert _us(back) == _us(value)
        assert back.utcoffset() == out.utcoffset()

    @given(acceptance_instants)
    def test_zone_is_kept(self, value):
        assert to_instant(value).tzinfo.name == value.tzinfo.key

    def test_instant_key(self):
        assert instant_key(None) is None
        assert instant_key(
            pendulum.datetime(2025, 1, 1, 8, tz="Asia/Shanghai")
        ) == dt.datetime(2025, 1, 1, tzinfo=dt.UTC)

    def test_instant_never_moves_if_pendulum_changes_the_offset(self, monkeypatch):
        """Guard: should pendulum ever carry a tzinfo over at another offset (say, by
        dropping ``fold``), the instant must not silently move by an hour."""
        original = field_converters.pendulum.instance
        monkeypatch.setattr(
            field_converters.pendulum, "instance", lambda v: original(v.replace(fold=0))
        )
        value = dt.datetime(
            2025, 11, 2, 1, 30, tzinfo=ZoneInfo("America/New_York"), fold=1
        )
        out = to_instant(value)
        assert _us(out) == _us(value)
        assert out.utcoffset() == dt.timedelta(hours=-5)

    def test_foreign_tzinfo_keeps_its_offset(self):
        class Plus90(dt.tzinfo):
            def utcoffset(self, _):
                return dt.timedelta(minutes=90)

            def dst(self, _):
                return dt.timedelta(0)

            def tzname(self, _):
                return "P90"

        value = dt.datetime(2025, 1, 1, 12, tzinfo=Plus90())
        out = to_instant(value)
        assert _us(out) == _us(value)
        assert out.utcoffset() == dt.timedelta(minutes=90)

    def test_naive_is_refused_with_a_fix(self):
        with pytest.raises(NaiveDatetimeError, match="give it a time zone"):
            to_instant(dt.datetime(2025, 1, 1))

    def test_a_date_is_not_an_instant(self):
        with pytest.raises(InvalidTypeError, match="timezone-aware datetime"):
            to_instant(dt.date(2025, 1, 1))

    def test_sub_second_offset_is_refused_not_rounded(self):
        zone = dt.timezone(dt.timedelta(hours=1, microseconds=5))
        with pytest.raises(InvalidArgumentError, match="fraction of a second"):
            to_instant(dt.datetime(2025, 1, 1, tzinfo=zone))

    def test_negative_and_odd_second_offsets(self):
        zone = dt.timezone(-dt.timedelta(hours=4, minutes=56, seconds=2))
        out = to_instant(dt.datetime(1880, 1, 1, tzinfo=zone))
        assert out.utcoffset() == -dt.timedelta(hours=4, minutes=56, seconds=2)
        assert instant_key(parse_instant(out.isoformat(), "x")) == instant_key(out)

    @pytest.mark.parametrize(
        "value",
        [
            dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5))),
            dt.datetime(1, 6, 1, tzinfo=dt.UTC),
            dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(-dt.timedelta(hours=5))),
            dt.datetime.max.replace(tzinfo=dt.UTC),
        ],
    )
    def test_instants_beyond_the_calendar_years_are_refused(self, value):
        """Regression: year-1 and year-9999 instants passed, then overflowed with a
        bare OverflowError when compared in UTC or shown in the calendar's zone."""
        with pytest.raises(CalendarRangeError, match="outside the years 2 to 9998"):
            to_instant(value)
        with pytest.raises(DeserializationError, match="outside the years"):
            parse_instant(value.isoformat(), "x")

    def test_fold_one_in_a_repeated_hour(self):
        """Regression: PEP 495 makes ``==`` between a zoned instant in a repeated hour and
        the same instant at a fixed offset False, so JSON round trips compared unequal."""
        ny = ZoneInfo("America/New_York")
        first = dt.datetime(2025, 11, 2, 1, 30, tzinfo=ny, fold=0)
        second = dt.datetime(2025, 11, 2, 1, 30, tzinfo=ny, fold=1)
        a, b = to_instant(first), to_instant(second)
        assert _us(b) - _us(a) == 3600 * 10**6
        back = parse_instant(b.isoformat(), "x")
        assert back != b  # PEP 495: the plain == lies inside the repeated hour ...
        assert instant_key(back) == instant_key(b)  # ... so instant fields use this key
        assert utc(a) < utc(b)


@given(acceptance_instants, acceptance_instants)
def test_elapsed_against_integer_microseconds(a, b):
    out = elapsed(to_instant(a), to_instant(b))
    assert type(out) is dt.timedelta
    assert out == (_us(b) - _us(a)) * US


class TestParseInstant:
    @pytest.mark.parametrize(
        ("value", "match"),
        [
            (1, "expected an ISO-8601 instant"),
            ("yesterday", "not ISO-8601"),
            ("2025-01-01T10:00:00", "no UTC offset"),
        ],
    )
    def test_bad_values(self, value, match):
        with pytest.raises(DeserializationError, match=r"at \$\.at: .*" + match):
            parse_instant(value)


class TestDurations:
    @given(st.timedeltas())
    def test_round_trip_exact(self, value):
        assert duration_from_iso(duration_to_iso(value), "d") == value

    @pytest.mark.parametrize(
        ("value", "iso"),
        [
            (dt.timedelta(hours=24), "PT24H"),
            (dt.timedelta(0), "PT0S"),
            (dt.timedelta(minutes=90), "PT1H30M"),
            (dt.timedelta(minutes=1, seconds=5), "PT1M5S"),
            (dt.timedelta(seconds=1, microseconds=500000), "PT1.5S"),
            (-dt.timedelta(hours=1), "-PT1H"),
        ],
    )
    def test_known_answers(self, value, iso):
        assert duration_to_iso(value) == iso

    def test_days_mean_24_hours(self):
        assert duration_from_iso("P1DT1H", "d") == dt.timedelta(hours=25)

    @pytest.mark.parametrize("value", ["", "P", "PT", "P1DT", "24h", 24, "PT1.5H"])
    def test_bad_durations(self, value):
        with pytest.raises(DeserializationError, match="ISO-8601 duration"):
            duration_from_iso(value, "delay_notice")


class TestTexts:
    def test_text_must_be_a_string(self):
        with pytest.raises(InvalidTypeError):
            text(3, "x")

    def test_blank_refused_when_required(self):
        with pytest.raises(InvalidArgumentError, match="must not be blank"):
            text("  ", "x", allow_empty=False)

    def test_bare_string_is_not_a_list_of_reasons(self):
        """Regression: tuple("late") gave the reasons ('l', 'a', 't', 'e')."""
        with pytest.raises(InvalidTypeError, match="list of strings"):
            reasons("late", "reasons", allow_none=False)

    def test_non_iterable_refused(self):
        with pytest.raises(InvalidTypeError):
            reasons(5, "reasons", allow_none=True)

    def test_empty_list_refused_when_required(self):
        with pytest.raises(InvalidArgumentError, match="at least one"):
            reasons([], "reasons", allow_none=False)
        assert reasons([], "reasons", allow_none=True) == ()


class TestMember:
    def test_names_and_values_in_any_case(self):
        assert member(Channel, " EMAIL ", "channel") is Channel.EMAIL
        assert member(Channel, "Email", "channel") is Channel.EMAIL

    def test_unknown_names_the_field_and_quotes_short(self):
        """A 10 MB text is quoted short: the message may end up in a log."""
        with pytest.raises(UnknownNameError, match="channel must be one of") as info:
            member(Channel, "x" * 10_000_000, "channel")
        assert len(str(info.value)) < 300


@given(
    st.datetimes(
        min_value=dt.datetime(1990, 1, 1),
        max_value=dt.datetime(2040, 1, 1),
        timezones=st.sampled_from(
            [ZoneInfo("America/New_York"), ZoneInfo("Asia/Shanghai"), dt.UTC]
        ),
        allow_imaginary=False,
    ),
    st.booleans(),
)
def test_utc_is_astimezone_in_utc(value, as_pendulum):
    """The fast UTC conversion (every event pays it) equals the standard one.

    Across DST changes too: the repeated hour's two folds stay two instants.
    """
    if as_pendulum:
        value = pendulum.instance(value)
    expected = dt.datetime.astimezone(value, dt.UTC)
    got = field_converters.utc(value)
    assert got == expected
    assert got.utcoffset() == dt.timedelta(0)


def test_utc_refuses_a_naive_datetime():
    """A naive value would silently be read in the machine's own zone."""
    with pytest.raises(NaiveDatetimeError):
        field_converters.utc(dt.datetime(2025, 1, 1, 9))
