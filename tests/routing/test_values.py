import datetime as dt
import pickle

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit._iso import duration_from_iso, duration_to_iso
from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    InvalidTypeError,
)
from servicekit.routing import _values as v
from strategies import routing_tickets


class TestFrozenMap:
    def test_order_independent_of_insertion(self):
        a = v.FrozenMap({"b": 1, "a": 2})
        b = v.FrozenMap([("a", 2), ("b", 1)])
        assert list(a) == ["a", "b"]
        assert a == b
        assert hash(a) == hash(b)
        assert a == {"a": 2, "b": 1}
        assert a != 3
        assert repr(a) == "{'a': 2, 'b': 1}"
        assert pickle.loads(pickle.dumps(a)) == a
        assert "a" in a
        assert a.get("z", 0) == 0
        assert list(a.keys()) == ["a", "b"]
        assert list(a.values()) == [2, 1]
        assert len(a) == 2


class TestDurations:
    @given(
        st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=10_000))
    )
    def test_iso_round_trip_is_exact(self, d):
        assert duration_from_iso(duration_to_iso(d), "d") == d

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("PT30M", dt.timedelta(minutes=30)),
            ("PT1H", dt.timedelta(hours=1)),
            ("P1D", dt.timedelta(days=1)),
            ("PT0.5S", dt.timedelta(milliseconds=500)),
            (
                "P2DT3H4M5.000006S",
                dt.timedelta(days=2, hours=3, minutes=4, seconds=5, microseconds=6),
            ),
        ],
    )
    def test_parses_common_spellings(self, text, expected):
        assert duration_from_iso(text, "d") == expected

    @pytest.mark.parametrize("text", ["P", "PT", "30M", "PT-1S", "", 30, None, "P1W"])
    def test_rejects_garbage(self, text):
        with pytest.raises(DeserializationError):
            duration_from_iso(text, "d")

    def test_duration_checks(self):
        with pytest.raises(InvalidTypeError):
            v.duration(30, "wait")
        with pytest.raises(InvalidArgumentError, match="zero or positive"):
            v.duration(dt.timedelta(seconds=-1), "wait")
        with pytest.raises(InvalidArgumentError, match="must be positive"):
            v.duration(dt.timedelta(0), "wait", positive=True)

    def test_humanize(self):
        assert v.humanize(dt.timedelta(seconds=59)) == "59 s"
        assert v.humanize(dt.timedelta(minutes=5, seconds=10)) == "5 min"
        assert v.humanize(dt.timedelta(hours=2, minutes=5)) == "2 h 05 min"
        assert v.plural(1, "agent") == "1 agent"
        assert v.plural(1200, "agent") == "1,200 agents"


class TestInstants:
    @given(
        st.datetimes(
            timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=8))])
        )
    )
    def test_micros_is_exact_both_paths(self, when):
        expected = (when - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(
            microseconds=1
        )
        assert v.micros(when) == expected
        try:
            utc = when.astimezone(dt.UTC)
        except OverflowError:
            utc = None
        if utc is None:
            # Issue 12: a bare OverflowError escaped for instants before year 1 in UTC.
            with pytest.raises(InvalidArgumentError, match="outside years 1-9999"):
                v.instant(when, "x")
        else:
            assert v.micros(v.instant(when, "x")) == expected

    def test_instant_before_year_one_in_utc_is_a_library_error(self):
        early = dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        with pytest.raises(InvalidArgumentError, match=r"now \(0001-01-01"):
            v.instant(early, "now")

    def test_fraction_and_count(self):
        with pytest.raises(InvalidTypeError):
            v.fraction("0.5", "share", low=0, high=1, low_open=True)
        with pytest.raises(InvalidArgumentError):
            v.fraction(float("nan"), "share", low=0, high=1, low_open=True)
        assert v.fraction(0, "s", low=0, high=1, low_open=False) == 0.0
        with pytest.raises(InvalidArgumentError):
            v.count(True, "n")

    def test_names_and_enum(self):
        with pytest.raises(InvalidTypeError):
            v.names(3, "skills")
        with pytest.raises(InvalidArgumentError):
            v.names({""}, "skills")
        with pytest.raises(InvalidTypeError):
            v.attributes(None)


class TestSharedValidators:
    def test_items_of(self):
        assert v.items_of(int, [1, 2], "xs") == (1, 2)
        for bad in ("12", {"a": 1}, 3, None):
            with pytest.raises(InvalidTypeError, match="must be a list of int values"):
                v.items_of(int, bad, "xs")
        with pytest.raises(InvalidTypeError, match="must hold int values"):
            v.items_of(int, [1, "2"], "xs")

    def test_flag_refuses_truthy_stand_ins(self):
        check = v.flag("X.on")
        check(None, None, True)
        for bad in (1, 0, None, "yes"):
            with pytest.raises(InvalidTypeError, match=r"X\.on must be True or False"):
                check(None, None, bad)

    def test_skill_levels(self):
        assert v.skill_levels({"b": 2, "a": 10}, "S") == {"a": 10, "b": 2}
        with pytest.raises(InvalidTypeError, match="S must map skill names"):
            v.skill_levels([("a", 1)], "S")
        with pytest.raises(InvalidArgumentError, match=r"S\['a'\] must be a whole"):
            v.skill_levels({"a": 1.5}, "S")
        with pytest.raises(InvalidArgumentError, match="a skill name in S"):
            v.skill_levels({"": 1}, "S")

    def test_first_duplicate(self):
        assert v.first_duplicate(["a", "b", "a", "b"]) == "a"
        assert v.first_duplicate(["a", "b"]) is None


@given(st.integers(-(10**7), 10**7))
def test_plural_writes_thousands_as_format_does(n):
    expected = f"{n:,} agent" if n == 1 else f"{n:,} agents"
    assert v.plural(n, "agent") == expected


@given(
    routing_tickets(owners=st.none() | st.just("A1")),
    st.none() | st.sampled_from(["A2", "B7"]),
)
def test_trusted_evolve_is_attrs_evolve_without_the_checks(ticket, owner):
    got = v.trusted_evolve(ticket, owner_id=owner)
    assert got == attrs.evolve(ticket, owner_id=owner)
    assert type(got) is type(ticket)
    assert got.owner_id == owner
    assert v.trusted_evolve(ticket) == ticket
