"""sla's rules and events read through the one codec: paths, refusals, no coercion.

The contract test (tests/test_serialisation_contract.py) round-trips and fuzzes every
value; these are the cases issue 13 names for sla, and the hooks sla adds.
"""

import pytest

from servicekit import Channel
from servicekit.errors import DeserializationError
from servicekit.sla import (
    BusinessCalendar,
    PolicySet,
    SlaPolicy,
    SlaTarget,
    TicketEvent,
)
from servicekit.sla.presets import SERVICE_STANDARD

AT = "2025-03-03T10:00:00+08:00"


def _policy_data():
    return SERVICE_STANDARD.to_dict()["policies"][0]


def test_a_misspelt_when_is_refused_not_a_catch_all():
    """Issue 13: "wen" for "when" silently made an urgent-only policy match everyone."""
    data = _policy_data()
    data["wen"] = data.pop("when")
    with pytest.raises(DeserializationError, match=r"at \$: unknown key 'wen'"):
        SlaPolicy.from_dict(data)


def test_errors_name_the_path_inside_a_policy_set():
    data = SERVICE_STANDARD.to_dict()
    data["policies"][2]["targets"][0]["within"] = "soon"
    data["policies"][3]["pause_on"] = ["solved"]
    with pytest.raises(DeserializationError) as caught:
        PolicySet.from_dict(data)
    message = str(caught.value)
    assert "at $.policies[2].targets[0].within: " in message
    assert "at $.policies[3].pause_on: pause_on may hold only" in message


def test_a_rule_of_one_field_is_reported_at_that_field():
    target = {"metric": "resolution", "within": "PT1H", "warn_at": [0.5, 1.5]}
    with pytest.raises(DeserializationError, match=r"at \$\.warn_at: each warn_at"):
        SlaTarget.from_dict(target)
    with pytest.raises(DeserializationError, match=r"at \$\.within: SlaTarget.within"):
        SlaTarget.from_dict({**target, "within": "PT0S", "warn_at": [0.5]})
    with pytest.raises(DeserializationError, match=r"at \$\.business_hours: expected"):
        SlaTarget.from_dict({**target, "business_hours": "false", "warn_at": [0.5]})


def test_when_must_be_null_or_an_object():
    data = {**_policy_data(), "when": ["urgent"]}
    with pytest.raises(
        DeserializationError, match=r"at \$\.when: expected an object with a 'type'"
    ):
        SlaPolicy.from_dict(data)
    data = {**_policy_data(), "when": {"type": "sounds_like", "field": "x"}}
    with pytest.raises(DeserializationError, match=r"at \$\.when: unknown type"):
        SlaPolicy.from_dict(data)


def test_errors_inside_a_when_name_their_whole_path():
    """Issue 13: a condition's error names its path from the policy set down."""
    data = SERVICE_STANDARD.to_dict()
    data["policies"][2]["when"] = {
        "type": "all",
        "conditions": [{"type": "equals", "field": "channel", "value": {"a": 1}}],
    }
    with pytest.raises(
        DeserializationError,
        match=r"at \$\.policies\[2\]\.when\.conditions\[0\]\.value: expected text",
    ):
        PolicySet.from_dict(data)


def test_a_when_stored_before_issue_13_is_refused_with_the_way_to_convert_it():
    data = {**_policy_data(), "when": {"op": "equals", "field": "x", "value": 1}}
    with pytest.raises(
        DeserializationError, match=r"at \$\.when: 'op' named the type in documents"
    ):
        SlaPolicy.from_dict(data)


def test_a_catch_all_is_stored_as_null():
    data = SERVICE_STANDARD.to_dict()
    assert data["policies"][-1]["when"] is None
    assert data["policies"][0]["when"] == {
        "type": "equals",
        "field": "priority",
        "value": "urgent",
    }


def test_a_policy_reads_the_shorthand_when_as_before():
    data = {**_policy_data(), "when": {"priority": "urgent"}}
    assert SlaPolicy.from_dict(data) == SERVICE_STANDARD.policies[0]


def test_event_fields_are_read_without_coercion():
    cases = {
        "channel": ("fax", r"at \$\.channel: 'fax' is not a Channel; expected one of"),
        "category": ("", r"at \$\.category: category must be a non-empty string"),
        "attributes": (None, r"at \$\.attributes: expected an object"),
        "priority": (1, r"at \$\.priority: expected the text name of a Priority"),
    }
    for key, (value, message) in cases.items():
        with pytest.raises(DeserializationError, match=message):
            TicketEvent.from_dict({"at": AT, "kind": "created", key: value})
    with pytest.raises(DeserializationError, match=r"at \$\.channel: expected the"):
        TicketEvent.from_dict({"at": AT, "kind": "created", "channel": 7})


def test_channels_are_read_by_name_in_any_case():
    event = TicketEvent.from_dict({"at": AT, "kind": "created", "channel": " WeB "})
    assert event.channel is Channel.WEB
    assert event.to_dict()["channel"] == "web"


def test_an_event_keeps_refusing_what_its_kind_does_not_carry():
    with pytest.raises(DeserializationError, match="does not carry priority"):
        TicketEvent.from_dict({"at": AT, "kind": "agent_reply", "priority": "high"})


def test_instants_at_the_end_of_time_are_refused_at_their_path():
    for at in ("9999-12-31T23:00:00+00:00", "0001-01-01T00:00:00+08:00"):
        with pytest.raises(DeserializationError, match=r"at \$\.at: TicketEvent.at"):
            TicketEvent.from_dict({"at": at, "kind": "created"})
    assert TicketEvent.from_dict({"at": "9999-12-29T00:00:00+00:00", "kind": "created"})


def test_null_and_empty_fields_read_as_left_out():
    plain = TicketEvent.from_dict({"at": AT, "kind": "created"})
    spelt_out = {"at": AT, "kind": "created", "channel": None, "attributes": {}}
    assert TicketEvent.from_dict(spelt_out) == plain
    assert plain.to_dict() == {"at": AT, "kind": "created"}


def test_wrong_types_in_the_optional_fields():
    with pytest.raises(DeserializationError, match=r"at \$\.category: expected text"):
        TicketEvent.from_dict({"at": AT, "kind": "created", "category": 5})
    # A tuple is no JSON value: Python data, not a parsed document.
    with pytest.raises(DeserializationError, match=r"at \$\.attributes: expected"):
        TicketEvent.from_dict({"at": AT, "kind": "created", "attributes": ("a",)})


def test_a_calendar_without_holidays_may_say_null():
    open_ = BusinessCalendar.always_open("UTC")
    assert BusinessCalendar.from_dict({**open_.to_dict(), "holidays": None}) == open_
