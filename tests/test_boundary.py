"""The shared input limits: nesting depth and quoting in messages (issue 12)."""

import copy
import pickle

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit._boundary import MAX_DEPTH, check_depth, depth_of, quote
from servicekit._pickling import keeps_instants
from servicekit.errors import DeserializationError, InvalidArgumentError

json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=2), inner, max_size=3)
    ),
    max_leaves=30,
)


def reference_depth(value):
    if isinstance(value, dict):
        return 1 + max((reference_depth(v) for v in value.values()), default=0)
    if isinstance(value, list | tuple):
        return 1 + max((reference_depth(v) for v in value), default=0)
    return 0


@given(json_like)
def test_depth_equals_the_recursive_definition(value):
    assert depth_of(value) == reference_depth(value)


def nested(levels):
    value: list[object] = []
    for _ in range(levels - 1):
        value = [value]
    return value


def test_five_hundred_nested_lists_are_refused_without_recursion():
    """Regression (issue 12): 500 nested lists gave a bare RecursionError."""
    deep = nested(100_000)
    with pytest.raises(DeserializationError, match="deeper than 64 levels"):
        check_depth(deep, "attributes")
    with pytest.raises(InvalidArgumentError, match="deeper than 64 levels"):
        check_depth(deep, "attributes", stored=False)


def test_the_limit_itself_is_allowed():
    check_depth(nested(MAX_DEPTH), "data")
    with pytest.raises(DeserializationError):
        check_depth(nested(MAX_DEPTH + 1), "data")


def test_quote_cuts_long_strings_and_says_how_long():
    """Regression (issue 12): a 50 MB value was echoed whole in a message."""
    shown = quote("a" * 50_000_000)
    assert len(shown) < 100
    assert "50,000,000 characters" in shown
    assert quote("it's") == '"it\'s"'
    assert quote("it's" * 100).startswith('"it')
    assert quote("it's" * 100).split(" (")[0].endswith('…"')


def test_quote_describes_huge_numbers_by_their_digits():
    """Regression (issue 12): a 309-digit number was printed in full."""
    assert quote(10**308) == "a 309-digit number"
    assert quote(-(10**30)) == "a 31-digit number"
    assert quote(2**100_000) == "a number of about 30,104 digits"
    assert quote(12) == "12"
    assert quote(True) == "True"


def test_quote_cuts_other_reprs():
    assert quote([1] * 1000).endswith("(3,000 characters)")
    assert quote(1.5) == "1.5"


@keeps_instants
@attrs.frozen
class _Holder:
    at: object
    note: str = ""


@keeps_instants
@attrs.frozen(slots=False)
class _DictHolder:
    at: object


@pytest.mark.parametrize("fold", [0, 1])
def test_pickled_instants_keep_their_fold(fold):
    """Regression (issue 12): pendulum pickles DateTime without fold, so 01:30 in New
    York's repeated hour came back an hour early."""
    at = pendulum.datetime(2025, 11, 2, 1, 30, tz="America/New_York").replace(fold=fold)
    for cls in (_Holder, _DictHolder):
        back = pickle.loads(pickle.dumps(cls(at=at)))
        assert back.at.utcoffset() == at.utcoffset()
        assert back.at.fold == fold
        assert type(back.at) is type(at)
        assert copy.deepcopy(cls(at=at)).at.utcoffset() == at.utcoffset()
    assert pickle.loads(pickle.dumps(_Holder(at=3, note="x"))) == _Holder(
        at=3, note="x"
    )
