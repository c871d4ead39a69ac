"""SlaClock.to_dict / from_dict: the stored state of a ticket's clocks (DESIGN §2).

Round trips are property-tested in ``test_clock_properties.py``; this module pins the
stored form and every way a stored clock can be unusable, each of which must raise
DeserializationError at the boundary, never a bare error or a half-built clock.
"""

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import MINUTE
from servicekit.errors import DeserializationError
from servicekit.sla import EventKind, Metric, MetricState, SlaClock, TicketEvent
from servicekit.sla.presets import SERVICE_STANDARD
from sla.clock_world import MON


def stored():
    events = [
        TicketEvent(
            at=MON,
            kind=EventKind.CREATED,
            priority="normal",
            attributes={"city": "Hohhot", "tags": ["b2b"]},
        ),
        TicketEvent(at=MON + 3 * MINUTE, kind=EventKind.AGENT_REPLY),
        TicketEvent(
            at=MON + 4 * MINUTE, kind=EventKind.STATUS_CHANGED, status="pending"
        ),
        TicketEvent(at=MON + 9 * MINUTE, kind=EventKind.STATUS_CHANGED, status="open"),
        TicketEvent(at=MON + 10 * MINUTE, kind=EventKind.CUSTOMER_MESSAGE),
        TicketEvent(
            at=MON + 11 * MINUTE, kind=EventKind.PRIORITY_CHANGED, priority="urgent"
        ),
    ]
    return SlaClock.start(SERVICE_STANDARD, events).to_dict()


def test_the_stored_state_is_plain_json_in_utc():
    """Instants are ISO-8601 in UTC; the stored clock names its policy, not an index."""
    data = stored()
    assert json.loads(json.dumps(data)) == data
    state = data["state"]
    assert state["policy"] == "urgent"
    assert state["last"] == "2025-03-03T02:11:00+00:00"
    assert state["facts"]["attributes"] == {"city": "Hohhot", "tags": ["b2b"]}
    resolution = state["cycles"]["resolution"][0]
    assert resolution["closed"] == [
        ["2025-03-03T02:00:00+00:00", "2025-03-03T02:04:00+00:00"]
    ]
    assert resolution["active"] == "2025-03-03T02:09:00+00:00"


def test_a_restored_clock_goes_on_where_it_stopped():
    """The restored clock accepts the next event and reports as the original would."""
    clock = SlaClock.from_dict(stored())
    replied = clock.apply(TicketEvent(at=MON + 12 * MINUTE, kind=EventKind.AGENT_REPLY))
    nxt = replied.report(MON + 13 * MINUTE).metrics[Metric.NEXT_RESPONSE]
    assert nxt.state is MetricState.MET
    assert nxt.elapsed == 2 * MINUTE


def _drop(key):
    def corrupt(d):
        del d["state"][key]

    return corrupt


def _set(path, value):
    def corrupt(d):
        target = d
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return corrupt


CORRUPTIONS = {
    "no policies": lambda d: d.pop("policies"),
    "no state": lambda d: d.pop("state"),
    "state not a mapping": _set(("state",), [1, 2]),
    "no facts": _drop("facts"),
    "no since": _drop("since"),
    "no cycles": _drop("cycles"),
    "unknown policy": _set(("state", "policy"), "platinum"),
    "bad status": _set(("state", "status"), "archived"),
    "flag not a bool": _set(("state", "awaiting"), "yes"),
    "naive instant": _set(("state", "since"), "2025-03-03T02:00:00"),
    "instant not a string": _set(("state", "last"), 1_741_000_000),
    "bad priority": _set(("state", "facts", "priority"), "whenever"),
    "attributes not a mapping": _set(("state", "facts", "attributes"), ""),
    "cycles of a metric missing": lambda d: d["state"]["cycles"].pop("resolution"),
    "two first-response cycles": lambda d: d["state"]["cycles"][
        "first_response"
    ].append(copy.deepcopy(d["state"]["cycles"]["first_response"][0])),
    "cycle not a mapping": _set(("state", "cycles", "next_response"), ["x"]),
    "stretch not a pair": _set(
        ("state", "cycles", "resolution", 0, "closed"), [["2025-03-03T02:00:00+00:00"]]
    ),
    "stretch ending before it starts": _set(
        ("state", "cycles", "resolution", 0, "closed"),
        [["2025-03-03T02:04:00+00:00", "2025-03-03T02:00:00+00:00"]],
    ),
    "running and stopped": _set(
        ("state", "cycles", "resolution", 0, "stop"), "2025-03-03T02:10:00+00:00"
    ),
    "passed warnings not a list": _set(
        ("state", "cycles", "resolution", 0, "passed"), {"0.5": "x"}
    ),
    "passed warning with a bool fraction": _set(
        ("state", "cycles", "resolution", 0, "passed"),
        [[True, "2025-03-03T02:00:00+00:00"]],
    ),
}


@pytest.mark.parametrize("corrupt", CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
def test_unusable_stored_clocks_raise_deserialization_error(corrupt):
    data = stored()
    corrupt(data)
    with pytest.raises(DeserializationError):
        SlaClock.from_dict(data)


def test_not_a_mapping():
    with pytest.raises(
        DeserializationError, match="expected an object describing a SlaClock"
    ):
        SlaClock.from_dict([])  # type: ignore[arg-type]


def _leaves(node, path=()):
    if path:
        yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, (*path, i))


json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=30)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
STORED = stored()
STATE_LEAVES = list(_leaves(STORED["state"]))


@settings(deadline=None)
@given(st.sampled_from(STATE_LEAVES), json_values)
def test_any_value_replaced_by_any_json_is_refused_cleanly(path, value):
    """Whatever one stored value (or subtree) becomes, from_dict raises DeserializationError or
    builds a clock that can report; it never leaks a bare TypeError or KeyError."""
    data = copy.deepcopy(STORED)
    _set(("state", *path), value)(data)
    try:
        clock = SlaClock.from_dict(data)
    except DeserializationError:
        return
    clock.report(MON + 20 * MINUTE)
