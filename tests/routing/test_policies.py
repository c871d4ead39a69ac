import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    InvalidTypeError,
)
from servicekit.routing import (
    Agent,
    Assessment,
    Availability,
    ChannelMatch,
    DedicatedManager,
    LanguageMatch,
    LeastLoaded,
    LongestIdle,
    OwnerStickiness,
    PartTimeWeighting,
    RequiredSkills,
    Requirements,
    RoutingContext,
    RoutingPolicy,
    SeniorForRepeatComplaints,
    SkillGroupMatch,
    Ticket,
    explain,
    policy_from_dict,
)
from servicekit.routing._indexed import AgentIndex, LiveAgent
from strategies import ROUTING_NOW, routing_teams, routing_tickets

BUILTINS = [
    ChannelMatch(),
    Availability(),
    RequiredSkills(),
    LanguageMatch(),
    SkillGroupMatch(),
    PartTimeWeighting(share=0.5),
    SeniorForRepeatComplaints(threshold=2),
    OwnerStickiness(wait=dt.timedelta(hours=6)),
    DedicatedManager(),
    LeastLoaded(),
    LongestIdle(),
]


def context(ticket, agents):
    waited = ROUTING_NOW - ticket.created_at
    return RoutingContext(
        now=ROUTING_NOW,
        waited=dt.timedelta(seconds=waited.total_seconds()),
        step="standard",
        requirements=Requirements.of(ticket),
        agents={a.id: a for a in agents},
    )


def sign(x):
    return (x > 0) - (x < 0)


@st.composite
def cases(draw):
    agents = draw(routing_teams(max_size=6))
    owners = st.none() | st.sampled_from([*(a.id for a in agents), "gone"])
    return draw(routing_tickets(ident="T", owners=owners)), agents


class TestFastFormsAgreeWithAssess:
    """The index-friendly forms the router uses must say exactly what assess says."""

    @given(cases(), st.sampled_from(BUILTINS))
    def test_filters(self, case, policy):
        ticket, agents = case
        ctx = context(ticket, agents)
        index = AgentIndex(agents)
        key = policy.fast_filter_key(ticket, ctx)
        static = index.all if key is None else set(policy.fast_filter_ids(key, index))
        for a in agents:
            fast = a.id in static and policy.fast_has_room(LiveAgent(a), ticket.channel)
            assert policy.assess(ticket, a, ctx).admitted == fast, a

    @given(
        cases(),
        st.sampled_from([p for p in BUILTINS if p.fast_has_levels or p.fast_has_rank]),
    )
    def test_rankings_order_agents_alike(self, case, policy):
        ticket, agents = case
        ctx = context(ticket, agents)
        index = AgentIndex(agents)
        levels = policy.fast_levels(ticket, ctx, index) or []

        def fast(a):
            if policy.fast_has_rank:
                return policy.fast_rank(LiveAgent(a))
            return next(
                (i for i, (_, ids) in enumerate(levels) if a.id in ids), len(levels)
            )

        admitted = [a for a in agents if policy.assess(ticket, a, ctx).admitted]
        for a, b in itertools.combinations(admitted, 2):
            slow = sign(
                policy.assess(ticket, a, ctx).rank - policy.assess(ticket, b, ctx).rank
            )
            assert slow == sign(fast(a) - fast(b))

    @pytest.mark.parametrize("policy", BUILTINS, ids=lambda p: p.name)
    def test_round_trip_and_protocol(self, policy):
        assert isinstance(policy, RoutingPolicy)
        assert policy_from_dict(policy.to_dict()) == policy


class TestPolicyDetails:
    def test_bad_parameters(self):
        with pytest.raises(InvalidArgumentError, match="at least 1"):
            SeniorForRepeatComplaints(threshold=0)
        with pytest.raises(InvalidArgumentError):
            OwnerStickiness(wait=dt.timedelta(minutes=-1))
        with pytest.raises(InvalidTypeError):
            PartTimeWeighting(share="half")
        with pytest.raises(DeserializationError, match="unknown type 'random'"):
            policy_from_dict({"type": "random"})
        with pytest.raises(DeserializationError, match="unknown key 'speed'"):
            policy_from_dict({"type": "least_loaded", "speed": 2})
        with pytest.raises(DeserializationError, match="unknown type"):
            policy_from_dict({"type": ["least_loaded"]})
        # A bad value keeps its own message (it was once 'does not take ['share']').
        with pytest.raises(DeserializationError, match=r"at \$\.share: expected a"):
            policy_from_dict({"type": "part_time", "share": "half"})
        with pytest.raises(DeserializationError, match="share must lie in"):
            policy_from_dict({"type": "part_time", "share": 3.0})
        # Issue 13: the one tag key is "type"; the old "policy" is not read.
        with pytest.raises(DeserializationError, match="missing 'type'"):
            policy_from_dict({"policy": "least_loaded"})

    def test_non_numeric_complaint_count(self):
        t = Ticket(
            id="T9",
            created_at=ROUTING_NOW,
            priority="low",
            tier="ordinary",
            channel="chat",
            attributes={"unresolved_complaints": "many"},
        )
        with pytest.raises(InvalidArgumentError, match="whole number of complaints"):
            SeniorForRepeatComplaints().complaints(t)

    def test_part_time_limit(self):
        p = PartTimeWeighting(share=0.5)
        assert [p.limit(c) for c in range(6)] == [0, 1, 1, 1, 2, 2]
        assert PartTimeWeighting(share=1).limit(3) == 3

    def test_assessment_validation_and_round_trip(self):
        with pytest.raises(InvalidArgumentError, match="NaN"):
            Assessment(rank=float("nan"))
        with pytest.raises(InvalidTypeError):
            Assessment(rank="1")
        with pytest.raises(InvalidTypeError):
            Assessment(admitted=1)
        # bool("false") is True: a string must not be read as a verdict.
        with pytest.raises(DeserializationError, match="expected true or false"):
            Assessment.from_dict({"admitted": "false", "rank": 1, "reason": ""})
        for bad in ("abc", 2**2000, float("nan"), True):
            with pytest.raises(DeserializationError, match="'inf' or '-inf'"):
                Assessment.from_dict({"admitted": True, "rank": bad, "reason": ""})
        with pytest.raises(InvalidTypeError, match="sentence"):
            Assessment(reason=None)
        for a in [
            Assessment.exclude("x"),
            Assessment.ranked(-2.5, "y"),
            Assessment(rank=float("-inf")),
        ]:
            assert Assessment.from_dict(a.to_dict()) == a

    def test_requirements_validation(self):
        with pytest.raises(InvalidTypeError):
            Requirements(skills=["a"])
        with pytest.raises(InvalidArgumentError, match=r"Requirements\.language"):
            Requirements(language=5)
        with pytest.raises(InvalidArgumentError, match=r"Requirements\.owner_id"):
            Requirements(owner_id="")
        assert Requirements(language=" UG ").language == "ug"

    def test_ranked_refuses_text_ranks_and_explain_refuses_non_values(self):
        """Regression: Assessment.ranked('1') quietly became rank 1.0."""
        with pytest.raises(InvalidTypeError, match="rank must be a number"):
            Assessment.ranked("1")
        with pytest.raises(InvalidTypeError, match="a Ticket and an Agent"):
            explain(LeastLoaded(), None, Agent(id="A"))
        assert Requirements(groups={"g"}).groups == frozenset({"g"})

    def test_live_reasons(self):
        live = LiveAgent(
            Agent(id="A", last_assigned_at=ROUTING_NOW - dt.timedelta(minutes=3))
        )
        now_us = int(ROUTING_NOW.timestamp() * 1_000_000)
        assert (
            LongestIdle().fast_rank_reason(live, now_us)
            == "last received a ticket 3 min ago"
        )
        assert LeastLoaded().fast_rank_reason(live, now_us) == "has no capacity"
        assert (
            LongestIdle().fast_rank_reason(LiveAgent(Agent(id="B")), now_us)
            == "has not received a ticket yet"
        )
