import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit import Tier
from servicekit.errors import (
    DeserializationError,
    DuplicateIdError,
    InvalidArgumentError,
    InvalidTypeError,
)
from servicekit.scoring import (
    CustomerActivity,
    TierAssignment,
    TieringPolicy,
    tier_customers,
)
from servicekit.scoring._tiering import tier_of

AS_OF = dt.date(2024, 6, 1)

activities = st.builds(
    CustomerActivity,
    customer=st.text("abcxyz", min_size=1, max_size=4),
    purchases=st.integers(0, 40),
    spend=st.floats(0, 50_000, allow_nan=False),
    last_purchase=st.integers(0, 400).map(lambda d: AS_OF - dt.timedelta(days=d)),
)
policies = st.builds(
    lambda hp, pp, hs, ps, hr, pr: TieringPolicy(
        high_value_purchases=max(hp, pp),
        potential_purchases=min(hp, pp),
        high_value_spend=max(hs, ps),
        potential_spend=min(hs, ps),
        high_value_recency_days=min(hr, pr),
        potential_recency_days=max(hr, pr),
    ),
    st.integers(0, 30),
    st.integers(0, 30),
    st.floats(0, 30_000),
    st.floats(0, 30_000),
    st.integers(0, 365),
    st.integers(0, 365),
)


def brute_tier(a, p):
    r = (AS_OF - a.last_purchase).days
    if (
        a.purchases >= p.high_value_purchases
        and a.spend >= p.high_value_spend
        and r <= p.high_value_recency_days
    ):
        return Tier.HIGH_VALUE
    if r <= p.potential_recency_days and (
        a.purchases >= p.potential_purchases or a.spend >= p.potential_spend
    ):
        return Tier.POTENTIAL
    return Tier.ORDINARY


class TestTiering:
    @given(st.lists(activities, unique_by=lambda a: a.customer), policies)
    def test_matches_brute_force_and_is_sorted(self, people, policy):
        out = tier_customers(people, as_of=AS_OF, policy=policy)
        assert [a.customer for a in out] == sorted(p.customer for p in people)
        by_id = {p.customer: p for p in people}
        for a in out:
            assert a.tier == brute_tier(by_id[a.customer], policy)
            assert a.recency_days == (AS_OF - by_id[a.customer].last_purchase).days
            assert a.reasons
            assert TierAssignment.from_dict(json.loads(json.dumps(a.to_dict()))) == a

    @given(
        activities, policies, st.integers(0, 10), st.floats(0, 5000), st.integers(0, 30)
    )
    def test_more_activity_never_lowers_the_tier(self, a, policy, more, extra, sooner):
        better = CustomerActivity(
            customer=a.customer,
            purchases=a.purchases + more,
            spend=a.spend + extra,
            last_purchase=min(AS_OF, a.last_purchase + dt.timedelta(days=sooner)),
        )
        (before,) = tier_customers([a], as_of=AS_OF, policy=policy)
        (after,) = tier_customers([better], as_of=AS_OF, policy=policy)
        assert after.tier >= before.tier

    def test_defaults_and_reasons(self):
        p = TieringPolicy()
        assert (
            p.high_value_purchases,
            p.high_value_spend,
            p.high_value_recency_days,
        ) == (12, 10_000.0, 90)
        assert (p.potential_purchases, p.potential_spend, p.potential_recency_days) == (
            4,
            2_000.0,
            180,
        )
        out = tier_customers(
            [
                {
                    "customer": "a",
                    "purchases": 12,
                    "spend": 10_000,
                    "last_purchase": "2024-03-03",
                },
                CustomerActivity(
                    customer="b",
                    purchases=1,
                    spend=5.0,
                    last_purchase=dt.date(2023, 1, 1),
                ),
                CustomerActivity(
                    customer="c", purchases=1, spend=5.0, last_purchase=AS_OF
                ),
            ],
            as_of=AS_OF,
        )
        assert [a.tier for a in out] == [Tier.HIGH_VALUE, Tier.ORDINARY, Tier.ORDINARY]
        assert out[0].reasons == (
            "12 purchases >= 12",
            "spend 10000 >= 10000",
            "last purchase 90 days ago <= 90",
        )
        assert out[1].reasons == ("last purchase 517 days ago > 180",)
        assert out[2].reasons == ("1 purchases < 4", "spend 5 < 2000")

    def test_errors(self):
        a = CustomerActivity(customer="a", purchases=1, spend=1.0, last_purchase=AS_OF)
        with pytest.raises(DuplicateIdError, match="twice"):
            tier_customers([a, a], as_of=AS_OF)
        with pytest.raises(InvalidArgumentError, match="after as_of"):
            tier_customers([a], as_of=AS_OF - dt.timedelta(days=1))
        with pytest.raises(InvalidTypeError, match="as_of must be a date"):
            tier_customers([a], as_of=dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
        with pytest.raises(InvalidTypeError, match="as_of must be a date"):
            tier_customers([a], as_of=None)
        with pytest.raises(InvalidTypeError, match="TieringPolicy"):
            tier_customers([a], as_of=AS_OF, policy={"high_value_spend": 1})
        with pytest.raises(InvalidTypeError, match="CustomerActivity"):
            tier_customers([3], as_of=AS_OF)
        with pytest.raises(DeserializationError):
            tier_customers([{"customer": "a"}], as_of=AS_OF)

    @pytest.mark.parametrize(
        ("kwargs", "error"),
        [
            ({"purchases": -1}, InvalidArgumentError),
            ({"purchases": True}, InvalidTypeError),
            ({"spend": float("nan")}, InvalidArgumentError),
            ({"spend": "9"}, InvalidTypeError),
            ({"customer": ""}, InvalidTypeError),
            (
                {"last_purchase": dt.datetime(2024, 1, 1, tzinfo=dt.UTC)},
                InvalidTypeError,
            ),
        ],
    )
    def test_activity_validation(self, kwargs, error):
        base = {"customer": "a", "purchases": 1, "spend": 1.0, "last_purchase": AS_OF}
        with pytest.raises(error):
            CustomerActivity(**{**base, **kwargs})

    def test_policy_validation_and_round_trip(self):
        with pytest.raises(InvalidArgumentError, match="at least as strict"):
            TieringPolicy(high_value_purchases=2, potential_purchases=5)
        with pytest.raises(InvalidArgumentError, match="at least as strict"):
            TieringPolicy(high_value_recency_days=365)
        p = TieringPolicy(high_value_spend=20_000)
        assert TieringPolicy.from_dict(json.loads(json.dumps(p.to_dict()))) == p
        with pytest.raises(DeserializationError, match="at least as strict"):
            TieringPolicy.from_dict({"high_value_recency_days": 365})
        assert TieringPolicy.from_dict({}) == TieringPolicy()
        a = CustomerActivity(customer="a", purchases=1, spend=1.5, last_purchase=AS_OF)
        assert CustomerActivity.from_dict(json.loads(json.dumps(a.to_dict()))) == a
        with pytest.raises(Exception, match="not a Tier"):
            TierAssignment(customer="a", tier="vip", recency_days=1, reasons=["x"])
        with pytest.raises(InvalidArgumentError, match="reasons"):
            TierAssignment(customer="a", tier=Tier.ORDINARY, recency_days=1, reasons=[])


_POLICIES = st.builds(
    TieringPolicy,
    high_value_purchases=st.integers(8, 14),
    high_value_spend=st.sampled_from([2_000.0, 10_000.0, 30_000.0]),
    high_value_recency_days=st.integers(0, 120),
    potential_purchases=st.integers(0, 8),
    potential_spend=st.sampled_from([0.0, 500.0, 2_000.0]),
    potential_recency_days=st.integers(120, 365),
)


@given(st.lists(activities, max_size=8), st.one_of(st.none(), _POLICIES))
def test_the_unchecked_tier_is_the_assigned_one(people, policy):
    """The generators' private ``tier_of`` gives each customer ``tier_customers``'s tier."""
    unique = list({p.customer: p for p in people}.values())
    rules = TieringPolicy() if policy is None else policy
    for assigned in tier_customers(unique, as_of=AS_OF, policy=policy):
        a = next(p for p in unique if p.customer == assigned.customer)
        recency = (AS_OF - a.last_purchase).days
        assert tier_of(a.purchases, a.spend, recency, rules) is assigned.tier
