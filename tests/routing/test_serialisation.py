"""Stored routing values under the serialisation contract (issue 13).

Tickets, agents and whole routers (policies, escalation steps, queue order, triage)
round-trip exactly, as data and as JSON text; a stored document mutated anywhere
(not only at the top, as tests/test_serialisation_contract.py does) is read back as a
value or refused with a ``DeserializationError`` naming a JSON path, nothing else.
"""

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz
import servicekit.routing
from servicekit import Channel, Priority, Tier, _codec
from servicekit.errors import DeserializationError
from servicekit.routing import (
    Agent,
    DispatchResult,
    EscalationStep,
    QueueOrder,
    Router,
    Ticket,
    Triage,
    TriageRule,
    policy_from_dict,
)
from strategies import ROUTING_NOW, routing_agents, routing_queues, routing_tickets

# A pipeline a CRM might store: built-in policies (some renamed or tuned), escalation
# steps, promotion and a triage table.
routers = st.builds(
    lambda policies, afters, promote, triage: Router(
        policies=policies,
        escalations=[
            EscalationStep(after=dt.timedelta(minutes=m), drop_skills={"refunds"})
            for m in sorted(afters)
        ],
        queue=QueueOrder(promote_every=promote),
        triage=triage,
    ),
    st.lists(
        st.sampled_from(Router.default().policies)
        | st.builds(
            servicekit.routing.PartTimeWeighting, share=st.sampled_from([0.25, 1.0])
        )
        | st.builds(
            servicekit.routing.OwnerStickiness,
            wait=st.sampled_from(
                [dt.timedelta(0), dt.timedelta(minutes=5, microseconds=7)]
            ),
            name=st.just("owner"),
        ),
        unique_by=lambda p: p.name,
        max_size=6,
    ),
    st.sets(st.integers(1, 120), max_size=3),
    st.none() | st.just(dt.timedelta(hours=1)),
    st.none()
    | st.just(
        Triage(
            rules=[
                TriageRule(name="vip", when={"tier": "high_value"}, priority="high"),
                TriageRule(
                    name="refunds", when={"channel": ["chat"]}, skills={"refunds"}
                ),
            ]
        )
    ),
)


def _through_json(data: Any) -> Any:
    return json.loads(json.dumps(data, allow_nan=False, ensure_ascii=False))


@given(routing_tickets(), routing_agents())
def test_tickets_and_agents_round_trip_as_data_and_as_json_text(ticket, agent):
    for value in (ticket, agent):
        assert type(value).from_dict(value.to_dict()) == value
        assert type(value).from_dict(_through_json(value.to_dict())) == value


@settings(deadline=None)
@given(routers, st.data())
def test_a_stored_router_routes_as_the_original(router, data):
    """The pipeline read back is the same value and makes the same decisions."""
    back = Router.from_dict(_through_json(router.to_dict()))
    assert back == router
    assert [policy_from_dict(p.to_dict()) for p in router.policies] == list(
        router.policies
    )
    agents = data.draw(st.lists(routing_agents(), max_size=4, unique_by=lambda a: a.id))
    tickets = data.draw(routing_queues(agents, max_size=4))
    result = router.dispatch(tickets, agents, ROUTING_NOW)
    assert back.dispatch(tickets, agents, ROUTING_NOW) == result
    assert DispatchResult.from_dict(_through_json(result.to_dict())) == result


def test_every_public_routing_value_goes_through_the_codec():
    """So tests/test_serialisation_contract.py holds each of them to the contract."""
    exported = [getattr(servicekit.routing, n) for n in servicekit.routing.__all__]
    values = {c for c in exported if isinstance(c, type) and hasattr(c, "to_dict")}
    values -= {servicekit.routing.Condition}  # a protocol, not a value class
    values = {c for c in values if c.__module__.startswith("servicekit.routing")}
    assert values <= set(_codec._SPECS)
    # Ticket, Agent, 11 policies, a policy's assessment, step, queue order, 3 triage
    # values, 3 outcomes, the router.
    assert len(values) == 23


@given(routing_tickets())
def test_the_vocabulary_is_read_by_parse_in_any_case(ticket):
    data = ticket.to_dict()
    read = Ticket.from_dict(
        data | {"priority": "URGENT", "tier": " High_Value ", "channel": "Chat"}
    )
    assert (read.priority, read.tier, read.channel) == (
        Priority.URGENT,
        Tier.HIGH_VALUE,
        Channel.CHAT,
    )


# ----------------------------------------------------------------------- the fuzz


JUNK = fuzz.junk(
    # Near misses: values of the right JSON type that a field refuses.
    [
        "2026-03-02T10:00:00",
        "0001-01-01T00:00:00+05:00",
        "PT0S",
        "-PT1H",
        "fax",
        "gold",
        "whenever",
        "",
        "  ",
        -1,
        0,
        11,
        1.5,
        [""],
        {"op": "nope"},
        {"type": "random"},
        {"chat": -1},
    ]
)


READERS = [
    pytest.param(Ticket.from_dict, routing_tickets(), id="Ticket"),
    pytest.param(Agent.from_dict, routing_agents(), id="Agent"),
    pytest.param(Router.from_dict, routers, id="Router"),
    pytest.param(
        policy_from_dict, st.sampled_from(Router.default().policies), id="policy"
    ),
]


@pytest.mark.parametrize(("read", "values"), READERS)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_mutated_documents_raise_only_deserialization_errors(read, values, data):
    document = data.draw(fuzz.mutated(values.map(lambda v: v.to_dict()), JUNK))
    try:
        value = read(document)
    except DeserializationError as e:
        message = str(e)
        assert " at $" in message, message
        assert len(message) < 2_000, message[:200]
    else:
        # What a mutation left valid reads back as itself.
        assert read(value.to_dict()) == value
