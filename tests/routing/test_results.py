"""Routing decisions and assignments as values."""

import datetime as dt
import pickle

import pytest
from hypothesis import given

from routing.dispatch_helpers import (
    DEFAULT,
    NOW,
)
from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    InvalidTypeError,
)
from servicekit.routing import (
    Assignment,
    DispatchResult,
    EscalationStep,
    LeastLoaded,
    PartTimeWeighting,
    Router,
    RoutingDecision,
    Triage,
    TriageRule,
)
from strategies import (
    routing_agents,
    routing_tickets,
)


class TestValues:
    def test_decision_and_assignment_validation(self):
        with pytest.raises(InvalidArgumentError):
            RoutingDecision(ticket_id="", agent_id=None, step="standard")
        with pytest.raises(InvalidTypeError):
            Assignment(ticket_id="T", agent_id="A", step="s", reasons="why")
        with pytest.raises(DeserializationError):
            Assignment.from_dict({"ticket_id": "T"})

    def test_pinned_constructors_need_only_the_issues_fields(self):
        """Issue 5 pins RoutingDecision(agent_id, step, reasons) and
        DispatchResult(assignments, unassigned); the extra fields have defaults."""
        d = RoutingDecision(agent_id=None, step="standard", reasons=["nobody free"])
        assert d.ticket_id is None
        assert RoutingDecision.from_dict(d.to_dict()) == d
        r = DispatchResult(
            assignments=[Assignment(ticket_id="T", agent_id="A", step="standard")],
            unassigned=[d],
        )
        assert r.agents == ()
        assert DispatchResult.from_dict(r.to_dict()) == r

    def test_decision_and_assignment_share_one_json_form(self):
        a = Assignment(ticket_id="T", agent_id="A", step="s", reasons=["x"])
        d = RoutingDecision(ticket_id="T", agent_id="A", step="s", reasons=["x"])
        assert a.to_dict() == d.to_dict()
        assert RoutingDecision.from_dict(a.to_dict()) == d
        with pytest.raises(
            DeserializationError, match=r"at \$\.agent_id: expected text"
        ):
            Assignment.from_dict({**d.to_dict(), "agent_id": None})

    def test_malformed_result_data_is_a_deserialization_error(self):
        with pytest.raises(
            DeserializationError, match=r"at \$\.assignments: expected an array"
        ):
            DispatchResult.from_dict({"assignments": None, "unassigned": []})
        with pytest.raises(
            DeserializationError, match=r"at \$\.unassigned: this required key"
        ):
            DispatchResult.from_dict({"assignments": []})
        with pytest.raises(InvalidTypeError, match="hold Agent values"):
            DispatchResult(assignments=[], unassigned=[], agents=[1])

    def test_escalation_step_refuses_unknown_keys(self):
        """A misspelt key once turned a step into a silent no-op."""
        with pytest.raises(DeserializationError, match="drop_langauge"):
            EscalationStep.from_dict({"after": "PT10M", "drop_langauge": True})

    def test_renamed_policies_survive_a_round_trip(self):
        """Regression: to_dict dropped a policy's name, so a router whose escalation
        skipped a renamed policy could not be read back (nor compared equal)."""
        router = Router(
            policies=[LeastLoaded(name="load"), PartTimeWeighting(name="pt")],
            escalations=[
                EscalationStep(after=dt.timedelta(minutes=5), drop_policies={"pt"})
            ],
        )
        assert Router.from_dict(router.to_dict()) == router
        with pytest.raises(InvalidArgumentError, match="a policy's name"):
            LeastLoaded(name=" ")

    def test_router_round_trip(self):
        router = Router.default(
            owner_wait=dt.timedelta(minutes=12),
            part_time_share=0.25,
            senior_threshold=3,
            promote_every=dt.timedelta(hours=1),
            escalations=[
                EscalationStep(after=dt.timedelta(minutes=5), drop_language=True)
            ],
            triage=Triage(
                rules=[
                    TriageRule(name="vip", when={"tier": "high_value"}, priority="high")
                ]
            ),
        )
        assert Router.from_dict(router.to_dict()) == router
        assert pickle.loads(pickle.dumps(router)) == router

    @given(routing_agents(), routing_tickets())
    def test_decision_round_trip(self, agent, ticket):
        d = DEFAULT.route(ticket, [agent], max(NOW, ticket.created_at))
        assert RoutingDecision.from_dict(d.to_dict()) == d
