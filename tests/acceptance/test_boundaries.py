"""A custom calendar's bad answer, and deeply nested data, raise library errors (issue 12)."""

import datetime as dt

import pendulum
import pytest

from servicekit.acceptance import (
    Delivered,
    Obligation,
    Requirement,
    RequirementPolicy,
    event_from_dict,
)
from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    InvalidTypeError,
)

T = pendulum.datetime(2025, 3, 3, 10, tz="UTC")


class Answers:
    """A BusinessDayCalendar whose add_business_days answers what it is told."""

    timezone = "UTC"

    def __init__(self, answer):
        self.answer = answer

    def add_business_days(self, start, n):
        return self.answer(start, n)

    def to_dict(self):
        return {}


def _open(answer):
    return Requirement.open(
        id="R", received_at=T, policy=RequirementPolicy(Answers(answer))
    )


@pytest.mark.parametrize(
    "garbage",
    ["tomorrow", dt.date(2025, 3, 5), dt.datetime(2025, 3, 5), None, 3],
    ids=["str", "date", "naive", "none", "int"],
)
def test_custom_calendar_returning_garbage_is_refused_naming_it(garbage):
    with pytest.raises(InvalidTypeError, match=r"Answers\.add_business_days"):
        _open(lambda _start, _n: garbage)


def test_custom_calendar_answering_before_the_start_is_refused():
    with pytest.raises(
        InvalidArgumentError, match=r"Answers\.add_business_days.*before the start"
    ):
        _open(lambda start, _n: start.subtract(days=1))


def test_custom_calendar_answering_after_the_start_still_works():
    (o,) = _open(lambda start, n: start.add(days=n)).obligations
    assert o.due_at == T.add(days=2)


def _deep(levels):
    value = []
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("read", "data"),
    [
        (
            event_from_dict,
            {"type": "Delivered", "at": "2025-01-01T00:00:00+00:00", "x": _deep(500)},
        ),
        (Delivered.from_dict, {"type": "Delivered", "at": _deep(500)}),
        (Requirement.from_dict, {"id": "R", "history": _deep(500)}),
        (RequirementPolicy.from_dict, {"calendar": _deep(500)}),
        (Obligation.from_dict, {"party": _deep(500)}),
    ],
)
def test_500_nested_lists_are_a_deserialization_error_not_a_recursion_error(read, data):
    with pytest.raises(DeserializationError, match="nests deeper than 64"):
        read(data)
