"""Stored requirements under the serialisation contract (issue 13).

A requirement with its events round-trips exactly, as data and as JSON text, and a
stored document mutated anywhere (not only at the top, as the shared contract test
does) is read back as a value or refused with a ``DeserializationError`` naming a
JSON path: nothing else ever escapes.
"""

import enum
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz
import servicekit.acceptance
from servicekit import _codec
from servicekit.acceptance import (
    Requirement,
    RequirementPolicy,
    RequirementState,
    event_from_dict,
)
from servicekit.errors import DeserializationError
from strategies import acceptance_events, acceptance_policies, acceptance_requirements

with_events = acceptance_requirements(max_events=10).filter(lambda r: r.history)


def test_every_public_acceptance_value_goes_through_the_codec():
    """So tests/test_serialisation_contract.py holds each of them to the contract."""
    exported = [
        getattr(servicekit.acceptance, n) for n in servicekit.acceptance.__all__
    ]
    values = {c for c in exported if isinstance(c, type) and hasattr(c, "to_dict")}
    values -= {servicekit.acceptance.BusinessDayCalendar}  # a protocol, not a value
    assert values <= set(_codec._SPECS)
    assert (
        len(values) == 37
    )  # 24 events, a verdict, a task, care, recurring duty, policy, requirement, rule, obligation, breach, process, state, row


def test_every_acceptance_enum_parses_names_and_values_in_any_case():
    exported = [
        getattr(servicekit.acceptance, n) for n in servicekit.acceptance.__all__
    ]
    enums = [c for c in exported if isinstance(c, type) and issubclass(c, enum.Enum)]
    assert len(enums) == 6
    for kind in enums:
        for m in kind:
            for text in (m.value, m.name, m.name.lower(), f" {m.value.upper()} "):
                assert kind.parse(text) is m


@settings(max_examples=40, suppress_health_check=[HealthCheck.filter_too_much])
@given(with_events)
def test_a_requirement_with_events_round_trips_as_data_and_as_json_text(req):
    data = req.to_dict()
    assert Requirement.from_dict(data) == req
    text = json.dumps(data, allow_nan=False, ensure_ascii=False)
    back = Requirement.from_dict(json.loads(text))
    assert back == req
    assert [e.to_dict() for e in back.history] == data["history"]
    assert (back.state, back.breaches, back.obligations) == (
        req.state,
        req.breaches,
        req.obligations,
    )


@settings(max_examples=25)
@given(acceptance_requirements(max_events=6))
def test_the_stored_state_is_read_by_name_or_value_in_any_case(req):
    for spelling in (req.state.value, req.state.name, req.state.name.lower()):
        assert Requirement.from_dict(req.to_dict() | {"state": spelling}) == req


def test_the_state_names_parse_in_any_case():
    assert RequirementState.parse(" In_Rework ") is RequirementState.IN_REWORK


# ----------------------------------------------------------------------- the fuzz


JUNK = fuzz.junk(
    # Near misses: values of the right JSON type that a field refuses.
    [
        "2025-01-01T00:00:00",
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59+00:00",
        "2025-01-01T00:00:00+05:00:00.5",
        "PT1H",
        "-PT1H",
        "P",
        "closed",
        "SheetSent",
        "Shipped",
        "team",
        "",
        "  ",
        -1,
        0,
        6,
        [],
        [""],
    ]
)


READERS = [
    pytest.param(
        Requirement.from_dict,
        acceptance_requirements(max_events=8).map(lambda r: r.to_dict()),
        id="Requirement",
    ),
    pytest.param(
        event_from_dict, acceptance_events.map(lambda e: e.to_dict()), id="event"
    ),
    pytest.param(
        RequirementPolicy.from_dict,
        acceptance_policies.map(lambda p: p.to_dict()),
        id="RequirementPolicy",
    ),
]


@pytest.mark.parametrize(("read", "documents"), READERS)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_mutated_documents_raise_only_deserialization_errors(read, documents, data):
    document = data.draw(fuzz.mutated(documents, JUNK, frozenset({"calendar"})))
    try:
        value = read(document)
    except DeserializationError as e:
        message = str(e)
        assert " at $" in message, message
        assert len(message) < 2_000, message[:200]
    else:
        # What a mutation left valid reads back as itself.
        assert read(value.to_dict()) == value


def test_nan_and_infinity_are_not_numbers_here():
    data = {"type": "FollowUpDone", "at": "2025-01-01T00:00:00+00:00", "solved": True}
    for bad in (math.nan, math.inf):
        with pytest.raises(DeserializationError, match=r"at \$\.attitude: expected"):
            event_from_dict(data | {"attitude": bad})
