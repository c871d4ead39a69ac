"""Every scoring ``from_dict`` against hostile stored data (issue 12).

A ``from_dict`` checks the nesting depth before reading anything, rejects keys its
value does not have, accepts booleans only where the value holds a boolean (and
nothing else there), and raises nothing but ``DeserializationError``.
"""

import copy
import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit import Tier
from servicekit.errors import DeserializationError
from servicekit.scoring import (
    Comparison,
    Complaint,
    CsatMeasure,
    CustomerActivity,
    Estimate,
    FollowUpAlert,
    IndexMeasure,
    IndexResult,
    NpsMeasure,
    NpsResult,
    RatingResult,
    RiskAlert,
    SatisfactionIndex,
    SegmentRow,
    SegmentTable,
    TierAssignment,
    TieringPolicy,
    csat,
    measure_from,
    nps,
    segment_table,
)

NOW = dt.datetime(2025, 3, 31, 9, tzinfo=dt.UTC)
RATINGS = {"response_speed": 4, "resolution": 2, "attitude": 5, "follow_up": 3}


def _table():
    rows = [
        {"city": c, "month": m, "nps": s}
        for c, scores in [("A", [10] * 40), ("B", [0] * 35), ("C", [8, 9] * 3)]
        for m in ("2025-02", "2025-03")
        for s in scores
    ]
    return segment_table(rows, by="city", period="month", measure=NpsMeasure())


TABLE = _table()
SAMPLES = {
    "Estimate": (Estimate.from_dict, nps([10, 9, 3]).estimate),
    "Comparison": (
        Comparison.from_dict,
        TABLE.for_period("2025-03")[0].change,
    ),
    "NpsResult": (NpsResult.from_dict, nps([10, 9, 3, 7])),
    "RatingResult": (RatingResult.from_dict, csat([5, 4, 1, 3])),
    "IndexResult": (IndexResult.from_dict, SatisfactionIndex().score([RATINGS] * 3)),
    "SatisfactionIndex": (SatisfactionIndex.from_dict, SatisfactionIndex()),
    "SegmentRow": (SegmentRow.from_dict, TABLE.rows[0]),
    "SegmentTable": (SegmentTable.from_dict, TABLE),
    "FollowUpAlert": (
        FollowUpAlert.from_dict,
        FollowUpAlert(response="T-1", reasons=["attitude rated 1 (below 3)"]),
    ),
    "Complaint": (Complaint.from_dict, Complaint(customer="C-1", at=NOW)),
    "RiskAlert": (
        RiskAlert.from_dict,
        RiskAlert(
            customer="C-1", unresolved=3, first_at=NOW, last_at=NOW, reasons=["x"]
        ),
    ),
    "TieringPolicy": (TieringPolicy.from_dict, TieringPolicy()),
    "CustomerActivity": (
        CustomerActivity.from_dict,
        CustomerActivity(
            customer="C-1", purchases=3, spend=99.5, last_purchase=NOW.date()
        ),
    ),
    "TierAssignment": (
        TierAssignment.from_dict,
        TierAssignment(
            customer="C-1", tier=Tier.POTENTIAL, recency_days=3, reasons=["r"]
        ),
    ),
    "measure (csat)": (measure_from, CsatMeasure()),
    "measure (index)": (measure_from, IndexMeasure()),
}
NAMES = sorted(SAMPLES)


def _data(name):
    parse, value = SAMPLES[name]
    return parse, json.loads(json.dumps(value.to_dict()))


def _paths(data, prefix=()):
    """Every path (tuple of keys and indexes) to a value inside ``data``."""
    yield prefix
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, (*prefix, i))


def _replace(data, path, value):
    if not path:
        return value
    out = copy.deepcopy(data)
    target = out
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return out


def _deep(levels):
    value = []
    for _ in range(levels):
        value = [value]
    return value


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([10**400, -(10**400), 2**53 + 1, 2**63])
    | st.floats()
    | st.text(max_size=6)
    | st.sampled_from(["inf", "-inf", "2025-03-31", "2025-03-31T09:00:00", "nps"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


@pytest.mark.parametrize("name", NAMES)
def test_samples_round_trip(name):
    parse, data = _data(name)
    assert parse(data) == SAMPLES[name][1]


@pytest.mark.parametrize("name", NAMES)
def test_deep_nesting_is_refused_before_reading(name):
    """Regression (issue 12): 500 nested lists gave a bare RecursionError."""
    parse, data = _data(name)
    with pytest.raises(DeserializationError, match="nests deeper than 64"):
        parse(_deep(500))
    for path in list(_paths(data))[1:]:
        with pytest.raises(DeserializationError, match="nests deeper than 64"):
            parse(_replace(data, path, _deep(500)))


@pytest.mark.parametrize("name", NAMES)
def test_unknown_keys_are_refused(name):
    """Regression (issue 12): unknown keys were ignored, so a typo lost a field."""
    parse, data = _data(name)
    for path in _paths(data):
        target = data
        for step in path:
            target = target[step]
        if not isinstance(target, dict) or (
            name.startswith("SatisfactionIndex") and path == ("weights",)
        ):
            continue
        if path and path[-1] in {"weights", "dimensions"}:
            continue  # names, not keys of a value
        broken = copy.deepcopy(data)
        target = broken
        for step in path:
            target = target[step]
        target["colour"] = 1
        with pytest.raises(DeserializationError, match="unknown key 'colour'"):
            parse(broken)


@pytest.mark.parametrize("name", NAMES)
def test_booleans_only_as_json_booleans(name):
    """Regression (issue 12): a boolean stands only where the value holds one."""
    parse, data = _data(name)
    for path in list(_paths(data))[1:]:
        target = data
        for step in path:
            target = target[step]
        if isinstance(target, bool):
            replacements = [1, 0, "true", None]
        elif isinstance(target, int | float):
            replacements = [True, False]
        else:
            continue
        for value in replacements:
            with pytest.raises(DeserializationError):
                parse(_replace(data, path, value))


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
@settings(max_examples=60)
def test_only_deserialization_errors(name, data):
    """Any JSON value anywhere: a value or a DeserializationError, nothing else."""
    parse, stored = _data(name)
    path = data.draw(st.sampled_from(list(_paths(stored))))
    value = data.draw(json_values)
    message = ""
    try:
        parse(_replace(stored, path, value))
    except DeserializationError as e:
        message = str(e)
    assert len(message) < 600
