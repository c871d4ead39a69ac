"""The one codec (servicekit._codec): the serialisation contract on toy values.

Every public value's own round trip and contract are checked in
tests/test_serialisation_contract.py; this module pins the codec's rules themselves.
"""

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any, Literal, Protocol

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit import Priority, _codec
from servicekit._boundary import MAX_DEPTH
from servicekit.errors import DeserializationError, InvalidArgumentError


class Rule(Protocol):
    def holds(self) -> bool: ...


@_codec.value(tag="equals")
@attrs.frozen(kw_only=True)
class Same(_codec.Serialisable):
    field: str
    value: str | int | float | bool | None


@_codec.value(tag="all")
@attrs.frozen(kw_only=True)
class Every(_codec.Serialisable):
    rules: tuple[Rule, ...]


_codec.variants(Rule, [Same, Every])


@_codec.value()
@attrs.frozen(kw_only=True)
class Happening(_codec.Serialisable):
    at: dt.datetime
    on: dt.date = dt.date(2025, 1, 24)
    priority: Priority | None = None
    within: dt.timedelta = dt.timedelta(hours=1)
    flags: frozenset[str] = frozenset()
    facts: Mapping[str, int] = attrs.field(factory=dict)
    ok: bool = True
    share: float = 0.5
    count: int = 1


def _nonempty(_inst: object, _attr: object, value: tuple[Happening, ...]) -> None:
    if not value:
        msg = "a log needs at least one happening"
        raise InvalidArgumentError(msg)


@_codec.value()
@attrs.frozen(kw_only=True)
class Log(_codec.Serialisable):
    happenings: tuple[Happening, ...] = attrs.field(validator=_nonempty)
    rule: Rule | None = None


AT = pendulum.datetime(2025, 1, 24, 17, 40, tz="Asia/Shanghai")
OK = {"happenings": [{"at": "2025-01-24T17:40:00+08:00"}]}


def test_round_trip_and_the_written_form():
    h = Happening(
        at=AT,
        priority=Priority.HIGH,
        flags=frozenset({"b", "a"}),
        facts={"x": 1},
        within=dt.timedelta(minutes=90, microseconds=5),
    )
    log = Log(happenings=(h,), rule=Every(rules=(Same(field="a", value=1),)))
    data = log.to_dict()
    assert data["rule"] == {
        "type": "all",
        "rules": [{"type": "equals", "field": "a", "value": 1}],
    }
    written = data["happenings"][0]
    assert written["at"] == "2025-01-24T17:40:00+08:00"
    assert written["priority"] == "high"
    assert type(written["priority"]) is str
    assert written["within"] == "PT1H30M0.000005S"
    assert written["flags"] == ["a", "b"]
    assert written["on"] == "2025-01-24"
    assert Log.from_dict(json.loads(json.dumps(data))) == log


def test_fields_that_default_to_none_or_empty_are_left_out():
    assert Happening(at=AT).to_dict() == {
        "at": "2025-01-24T17:40:00+08:00",
        "on": "2025-01-24",
        "within": "PT1H",
        "ok": True,
        "share": 0.5,
        "count": 1,
    }


def _error(data: Any, cls: type = Log) -> str:
    with pytest.raises(DeserializationError) as info:
        cls.from_dict(data)
    return str(info.value)


@pytest.mark.parametrize(
    ("patch", "path", "expected"),
    [
        ({"at": "2025-01-24T17:40:00"}, "$.happenings[0].at", "no UTC offset"),
        ({"at": 3}, "$.happenings[0].at", "ISO-8601"),
        ({"ok": "false"}, "$.happenings[0].ok", "expected true or false, got text"),
        ({"ok": 0}, "$.happenings[0].ok", "expected true or false"),
        ({"count": True}, "$.happenings[0].count", "expected a whole number"),
        ({"count": 1.0}, "$.happenings[0].count", "expected a whole number"),
        ({"share": "0.5"}, "$.happenings[0].share", "expected a finite number"),
        ({"share": float("nan")}, "$.happenings[0].share", "finite number"),
        ({"share": True}, "$.happenings[0].share", "finite number"),
        ({"priority": "nope"}, "$.happenings[0].priority", "is not a Priority"),
        ({"priority": 1}, "$.happenings[0].priority", "text name of a Priority"),
        ({"flags": "ab"}, "$.happenings[0].flags", "expected an array, got text"),
        ({"flags": [1]}, "$.happenings[0].flags[0]", "expected text"),
        ({"facts": {"x": "1"}}, "$.happenings[0].facts['x']", "whole number"),
        ({"facts": []}, "$.happenings[0].facts", "expected an object"),
        ({"on": "24/01/2025"}, "$.happenings[0].on", "a date such as"),
        ({"within": "1 hour"}, "$.happenings[0].within", "ISO-8601 duration"),
        ({"wen": 1}, "$.happenings[0]", "unknown key 'wen'; expected at, on"),
    ],
)
def test_every_failure_names_its_path(patch, path, expected):
    """Regression (issue 13): errors did not say where in a document they were, and
    ``"observed": "false"`` was read as True."""
    message = _error({"happenings": [{"at": "2025-01-24T17:40:00+08:00", **patch}]})
    assert message.startswith("Log data is unusable: at ")
    assert f"at {path}: " in message
    assert expected in message


def test_several_failures_are_all_named():
    message = _error(
        {"happenings": [{"at": "x", "ok": "yes"}, {"at": "2025-01-24T17:40:00Z"}, 5]}
    )
    assert "$.happenings[0].at" in message
    assert "$.happenings[0].ok" in message
    assert "$.happenings[2]: expected an object describing a Happening" in message
    assert "$.happenings[1]" not in message


def test_missing_keys_and_the_class_own_rules():
    assert "at $.happenings: this required key is missing" in _error({})
    assert "at $.happenings[0].at: this required key is missing" in _error(
        {"happenings": [{}]}
    )
    message = _error({"happenings": []})
    assert "at $: a log needs at least one happening" in message


def test_variants_are_read_by_their_tag():
    good = {**OK, "rule": {"type": "equals", "field": "a", "value": None}}
    assert Log.from_dict(good).rule == Same(field="a", value=None)
    assert "at $.rule: unknown type 'eqals'; expected one of: all, equals" in _error(
        {**OK, "rule": {"type": "eqals"}}
    )
    assert "at $.rule: missing 'type'" in _error({**OK, "rule": {"field": "a"}})
    assert "at $.rule: expected an object with a 'type'" in _error({**OK, "rule": 3})
    nested = {"type": "all", "rules": [{"type": "equals", "field": 3, "value": [1]}]}
    message = _error({**OK, "rule": nested})
    assert "at $.rule.rules[0].field: expected text, got a number 3" in message
    assert (
        "at $.rule.rules[0].value: expected text or a number or a boolean or null, "
        "got an array"
    ) in message
    # A variant read on its own checks its tag too.
    assert "'type' must be 'equals' for a Same" in _error(
        {"type": "all", "field": "a", "value": 1}, Same
    )


class Check(Protocol):
    def passes(self) -> bool: ...


@_codec.value(tag="is")
@attrs.frozen(kw_only=True)
class Is(_codec.Serialisable):
    field: str
    value: str | int | list[str | int] = 0


def _short_check(data: Mapping[str, str | int | list[str | int]]) -> Check:
    ((field, value),) = data.items()
    return Is(field=field, value=value)


# A family with a shorthand (an object without "type") and an old tag key.
_codec.variants(
    Check,
    [Is],
    shorthand=_codec.Shape(dict[str, str | int | list[str | int]], _short_check, dict),
    old_tag="kind",
)


@_codec.value()
@attrs.frozen(kw_only=True)
class Gate(_codec.Serialisable):
    check: Check


def test_a_family_reads_its_shorthand_and_refuses_its_old_tag():
    assert Gate.from_dict({"check": {"a": 1}}) == Gate(check=Is(field="a", value=1))
    assert Gate.from_dict({"check": {"a": ["x", 2]}}).check == Is(
        field="a", value=["x", 2]
    )
    assert "at $.check['a'][0]: expected text or a number, got null" in _error(
        {"check": {"a": [None]}}, Gate
    )
    assert (
        "at $.check['a']: expected text or a number or an array, got an object"
        in _error({"check": {"a": {}}}, Gate)
    )
    message = _error({"check": {"kind": "is", "field": "a"}}, Gate)
    assert "at $.check: 'kind' named the type in documents written before" in message
    # The tagged form wins over the shorthand, and the old tag key is no fact.
    assert "unknown type 'x'" in _error({"check": {"type": "x"}}, Gate)


def test_a_family_member_the_codec_does_not_know_writes_itself():
    class Mine:
        def passes(self) -> bool:
            return True

        def to_dict(self) -> dict[str, Any]:
            return {"type": "mine"}

    class Sub(Is):
        pass

    class Bare:
        def passes(self) -> bool:
            return True

    assert Gate(check=Mine()).to_dict() == {"check": {"type": "mine"}}
    # Without a to_dict it is passed on as it is (Router.to_dict refuses it first).
    bare = Bare()
    assert Gate(check=bare).to_dict()["check"] is bare
    # A subclass of a member is written as that member, alone and in a field.
    assert Sub(field="a").to_dict() == {"type": "is", "field": "a", "value": 0}
    assert Gate(check=Sub(field="a")).to_dict()["check"] == Sub(field="a").to_dict()


def test_scalar_unions_keep_the_json_type():
    for v in ("1", 1, 1.5, True, None):
        back = Same.from_dict({"type": "equals", "field": "a", "value": v}).value
        assert back == v
        assert type(back) is type(v)


def test_not_an_object_at_the_top():
    assert "at $: expected an object describing a Log, got an array" in _error([1])


def test_too_deep_data_is_refused_first():
    deep: Any = 1
    for _ in range(MAX_DEPTH + 1):
        deep = [deep]
    assert "nests deeper than" in _error({"happenings": deep})


def test_too_deep_data_names_where():
    """Regression (issue 13): the depth error named no path, unlike every other."""
    deep: Any = 1
    for _ in range(MAX_DEPTH):
        deep = [deep]
    message = _error({"happenings": [{"at": "x", "facts": {"a b": deep}}]})
    assert "at $.happenings[0].facts['a b']…: nests deeper than 64" in message
    assert "at $[0][0][0][0]…: nests deeper than" in _error([deep])


@_codec.value()
@attrs.frozen(kw_only=True)
class Span(_codec.Serialisable):
    ends: tuple[int, str]
    mode: Literal["open", 1] = "open"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"ends": [1]}, "at $.ends: expected an array of 2 items, got an array"),
        ({"ends": [1, 2]}, "at $.ends[1]: expected text, got a number 2"),
        ({"ends": [1, "a"], "mode": "shut"}, "at $.mode: expected one of 'open', 1"),
        ({"ends": [1, "a"], "mode": True}, "at $.mode: expected one of 'open', 1"),
    ],
)
def test_fixed_tuples_and_literals_are_read_exactly(data, expected):
    """Regression (issue 13): a pair field took any length, True passed for 1."""
    assert expected in _error(data, Span)


def test_fixed_tuples_are_written_as_arrays():
    span = Span(ends=(1, "a"), mode=1)
    assert span.to_dict() == {"ends": [1, "a"], "mode": 1}
    assert Span.from_dict(span.to_dict()) == span


@pytest.mark.parametrize(
    "patch",
    [
        {"at": "x" * 100_000},
        {"within": "P" * 100_000},
        {"priority": "x" * 100_000},
        {"ok": "x" * 100_000},
    ],
)
def test_huge_values_are_quoted_short(patch):
    """Regression (issue 13): a 100 kB instant came back whole in the message."""
    message = _error({"happenings": [{"at": "2025-01-24T17:40:00+08:00", **patch}]})
    assert "at $.happenings[0]." in message
    assert len(message) < 400


@given(
    st.builds(
        Happening,
        at=st.datetimes(
            min_value=dt.datetime(1900, 1, 1),
            max_value=dt.datetime(2200, 1, 1),
            timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=8))]),
        ),
        on=st.dates(),
        priority=st.none() | st.sampled_from(list(Priority)),
        within=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(999)),
        flags=st.frozensets(st.text(max_size=3)),
        facts=st.dictionaries(st.text(max_size=3), st.integers()),
        ok=st.booleans(),
        share=st.floats(allow_nan=False, allow_infinity=False),
        count=st.integers(),
    )
)
def test_json_text_round_trips(h):
    assert Happening.from_dict(json.loads(json.dumps(h.to_dict()))) == h


def _explode(error: BaseException):
    def hook(_value: object, _type: object) -> object:
        raise error

    return hook


@pytest.mark.parametrize(
    ("error", "raised"),
    [(OverflowError("bad"), DeserializationError), (MemoryError(), MemoryError)],
)
def test_only_data_errors_become_deserialization_errors(error, raised):
    """A parser's OverflowError is bad data (said with its path); a MemoryError is not."""

    @_codec.value(hooks={"n": (_explode(error), None)})
    @attrs.frozen(kw_only=True)
    class Boom(_codec.Serialisable):
        n: int

    with pytest.raises(raised) as info:
        Boom.from_dict({"n": 1})
    if raised is DeserializationError:
        assert "at $.n: unusable value (OverflowError: 'bad')" in str(info.value)


def test_to_data_writes_what_to_dict_writes():
    h = Happening(at=AT, flags=frozenset({"b", "a"}))
    assert _codec.to_data(h) == h.to_dict()
    assert _codec.to_data([h, (1, "a")]) == [h.to_dict(), [1, "a"]]
