import json

import pytest
from hypothesis import given

from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    InvalidTypeError,
)
from servicekit.scoring import (
    CsatMeasure,
    IndexMeasure,
    MeanMeasure,
    Measure,
    NpsMeasure,
    SatisfactionIndex,
    ShareMeasure,
    measure_from,
)
from strategies import measures


@given(measures)
def test_round_trip_and_protocol(m):
    assert isinstance(m, Measure)
    assert measure_from(json.loads(json.dumps(m.to_dict()))) == m


def test_defaults_name_the_usual_fields():
    assert NpsMeasure().field == "nps"
    assert CsatMeasure().field == "rating"
    assert MeanMeasure().field == "rating"
    assert ShareMeasure().field == "resolved"
    assert IndexMeasure().field == "ratings"
    assert IndexMeasure().index == SatisfactionIndex()


@pytest.mark.parametrize(
    ("build", "error"),
    [
        (lambda: NpsMeasure(field=""), InvalidArgumentError),
        (lambda: CsatMeasure(satisfied_at=9), InvalidArgumentError),
        (lambda: MeanMeasure(scale=1), InvalidArgumentError),
        (lambda: IndexMeasure(index={"a": 1}), TypeError),
    ],
)
def test_invalid_measures(build, error):
    with pytest.raises(error):
        build()


def test_measure_from_errors():
    with pytest.raises(DeserializationError, match="unknown type 'median'"):
        measure_from({"type": "median", "field": "x"})
    with pytest.raises(DeserializationError, match="missing 'type'"):
        measure_from({"field": "x"})
    # The tag key was "kind" before issue 13; one key names variants everywhere now.
    with pytest.raises(DeserializationError, match="missing 'type'"):
        measure_from({"kind": "nps", "field": "x"})
    with pytest.raises(DeserializationError, match="satisfied_at"):
        measure_from({"type": "csat", "field": "x", "scale": 5, "satisfied_at": 7})


def test_keys_validate_values():
    with pytest.raises(InvalidTypeError, match="booleans"):
        list(NpsMeasure().keys([10, True]))
    with pytest.raises(InvalidArgumentError, match="0–10"):
        list(NpsMeasure().keys([11]))
    assert list(NpsMeasure().keys([10.0, 3])) == [10, 3]
    with pytest.raises(InvalidTypeError, match="True or False"):
        list(ShareMeasure().keys([1, 0]))
    assert CsatMeasure().summarise({5: 3, 1: 1}).successes == 3
