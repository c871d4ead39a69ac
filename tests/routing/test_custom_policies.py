"""A team's own routing policies, well-behaved and misbehaving."""

import pytest
from hypothesis import given

from routing.dispatch_helpers import DEFAULT, NOW, mk_agent, mk_ticket, scenes
from servicekit.errors import (
    DuplicateIdError,
    InvalidArgumentError,
    InvalidTypeError,
)
from servicekit.routing import (
    Assessment,
    LeastLoaded,
    Router,
    explain,
)


class SameCity:
    """The docs' example: prefer agents in the customer's city."""

    name = "same city"

    def assess(self, ticket, agent, context):
        if agent.attributes.get("city") == ticket.attributes.get("city"):
            return Assessment.ranked(0, "works in the customer's city")
        return Assessment.ranked(1)


class NotOnProbation:
    name = "not on probation"

    def assess(self, ticket, agent, context):
        if agent.attributes.get("probation"):
            return Assessment.exclude("is on probation")
        return Assessment()


class TestCustomPolicies:
    def router(self):
        base = list(Router.default().policies)
        return Router(policies=[*base[:-2], SameCity(), NotOnProbation(), *base[-2:]])

    def test_same_city_preferred(self):
        agents = [
            mk_agent("far", attributes={"city": "Urumqi"}),
            mk_agent("near", attributes={"city": "Hohhot"}, load={"chat": 1}),
            mk_agent("new", attributes={"city": "Hohhot", "probation": True}),
        ]
        t = mk_ticket(attributes={"city": "Hohhot"})
        router = self.router()
        d = router.route(t, agents, NOW)
        assert d.agent_id == "near"
        assert "agent new excluded by not on probation: is on probation" in d.reasons
        r = router.dispatch(
            [t, mk_ticket("T2", attributes={"city": "Hohhot"})], agents, NOW
        )
        assert [a.agent_id for a in r.assignments] == ["near", "far"]

    @given(scenes(max_agents=6, max_tickets=8))
    def test_custom_pipeline_scan_and_indexed_give_identical_reasons(self, scene):
        tickets, agents = scene
        router = self.router()
        assert router.dispatch(tickets, agents, NOW) == router.dispatch(
            tickets, agents, NOW, strategy="scan"
        )

    def test_keys_before_preferences_still_agree(self):
        # LeastLoaded before DedicatedManager cannot use heaps; results must not change.
        base = list(Router.default().policies)
        router = Router(policies=[*base[:7], base[9], base[8], base[10], base[7]])
        agents = [
            mk_agent("a", load={"chat": 1}, dedicated_customers={"c"}),
            mk_agent("b"),
        ]
        t = mk_ticket(customer_id="c")
        assert router.dispatch([t], agents, NOW).assignments[0].agent_id == "b"
        assert router.route(t, agents, NOW).agent_id == "b"

    def test_policy_returning_garbage_is_named(self):
        class Bad:
            name = "bad"

            def assess(self, ticket, agent, context):
                return True

        with pytest.raises(InvalidTypeError, match="policy 'bad' returned True"):
            Router(policies=[Bad()]).route(mk_ticket(), [mk_agent("a")], NOW)

    def test_router_without_availability_still_respects_capacity(self):
        router = Router(policies=[LeastLoaded()])
        assert [p.name for p in router.policies] == [
            "availability and capacity",
            "least loaded",
        ]
        r = router.dispatch(
            [mk_ticket(f"T{i}") for i in range(3)],
            [mk_agent("a", capacity={"chat": 1})],
            NOW,
        )
        assert len(r.assignments) == 1

    def test_non_policies_and_duplicate_names_refused(self):
        with pytest.raises(InvalidTypeError, match="not a routing policy"):
            Router(policies=[object()])
        with pytest.raises(DuplicateIdError):
            Router(policies=[SameCity(), SameCity()])
        with pytest.raises(InvalidTypeError):
            Router(policies="least loaded")

        class Nameless:
            name = ""

            def assess(self, ticket, agent, context):
                return Assessment()

        with pytest.raises(InvalidTypeError, match="non-empty"):
            Router(policies=[Nameless()])

    def test_custom_router_cannot_serialise(self):
        with pytest.raises(InvalidTypeError, match="not a built-in"):
            self.router().to_dict()


class TestMisbehavingPolicies:
    """Issue 12: a caller's policy that fails must be named, never a bare builtin."""

    class Raises:
        name = "crm lookup"

        def assess(self, ticket, agent, context):
            return Assessment.ranked(agent.attributes["region"])

    def test_policy_raising_key_error_is_named_with_cause(self):
        router = Router(policies=[self.Raises()])
        for call in (
            lambda: router.route(mk_ticket(), [mk_agent("a")], NOW),
            lambda: router.dispatch([mk_ticket()], [mk_agent("a")], NOW),
            lambda: router.dispatch(
                [mk_ticket()], [mk_agent("a")], NOW, strategy="scan"
            ),
        ):
            with pytest.raises(InvalidArgumentError, match="'crm lookup'") as info:
                call()
            assert isinstance(info.value.__cause__, KeyError)
            assert "KeyError" in str(info.value)

    def test_explain_names_a_raising_policy(self):
        with pytest.raises(InvalidArgumentError, match="'crm lookup'") as info:
            explain(self.Raises(), mk_ticket(), mk_agent("a"))
        assert isinstance(info.value.__cause__, KeyError)

    def test_library_errors_from_a_policy_pass_unchanged(self):
        # SeniorForRepeatComplaints refuses a malformed count with its own message.
        t = mk_ticket(attributes={"unresolved_complaints": "many"})
        with pytest.raises(InvalidArgumentError, match="whole number of complaints"):
            DEFAULT.route(t, [mk_agent("a")], NOW)

    def test_non_callable_assess_refused_at_construction(self):
        class NotCallable:
            name = "static"
            assess = "yes"

        with pytest.raises(
            InvalidTypeError, match="'static': `assess` must be a method"
        ):
            Router(policies=[NotCallable()])
