"""``Arrival.repeated``'s quick freezing of flat attributes is the ticket's own.

A repeated arrival's attributes, when they are a flat dict of plain values, are frozen
without the converter's walk (issue 12); these properties compare the result with what
``Ticket``'s converter makes of the same value, errors included.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit.routing import _values as v
from servicekit.workforce._arrivals import _attributes

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=4),
    st.floats(allow_nan=True, allow_infinity=True),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(max_size=3), inner, max_size=3),
    ),
    max_leaves=6,
)
_KEYS = st.one_of(st.text(max_size=4), st.integers(), st.booleans())


def _outcome(convert, value):
    try:
        out = convert(value)
    except Exception as error:  # noqa: BLE001 -- the same refusal is what is compared
        return ("refused", type(error), str(error))
    return ("made", type(out), list(out.items()), out, hash(out))


@given(st.dictionaries(_KEYS, _VALUES, max_size=5))
def test_quick_attributes_are_the_converters(value):
    assert _outcome(_attributes, value) == _outcome(v.attributes, value)


@given(st.dictionaries(st.text(max_size=4), _SCALARS, max_size=5))
def test_flat_attributes_are_the_converters(value):
    expected = _outcome(v.attributes, value)
    assert _outcome(_attributes, value) == expected


@pytest.mark.parametrize(
    "value",
    [
        {"city": "Lhasa", "unresolved": 2, "vip": True, "note": None},
        {"b": 1, "a": 2},
        {"x": 1.5},
        {"x": math.inf},
        {1: "a"},
        {"x": [1, {"y": 2}]},
        "not a mapping",
        v.FrozenMap({"a": 1}),
    ],
)
def test_named_cases(value):
    assert _outcome(_attributes, value) == _outcome(v.attributes, value)
