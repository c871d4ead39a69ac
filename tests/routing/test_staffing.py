import datetime as dt
import math
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from servicekit.errors import (
    DeserializationError,
    InvalidArgumentError,
    InvalidTypeError,
)
from servicekit.routing.staffing import (
    StaffingPlan,
    average_speed_of_answer,
    erlang_b,
    erlang_c,
    occupancy,
    offered_traffic,
    required_agents,
    service_level,
)


def scipy_erlang_b(n, a):
    """Independent: B(N, A) = P(X = N) / P(X <= N) for X ~ Poisson(A)."""
    if a == 0:
        return 0.0 if n else 1.0
    return float(stats.poisson.pmf(n, a) / stats.poisson.cdf(n, a))


def scipy_erlang_c(n, a):
    """Independent: C = P(X >= N) form via log-space Poisson terms (no recursion).

    C = (A^N/N! · N/(N-A)) / (Σ_{k<N} A^k/k! + A^N/N! · N/(N-A)), divided through
    by e^A so every term is a Poisson probability.
    """
    if a == 0:
        return 0.0
    if n <= a:
        return 1.0
    top = stats.poisson.pmf(n, a) * n / (n - a)
    return float(top / (stats.poisson.cdf(n - 1, a) + top))


def lgamma_erlang_c(n, a):
    """A third, textbook route: sum factorial terms in log space with math.lgamma."""
    logs = [k * math.log(a) - math.lgamma(k + 1) for k in range(n)]
    top = n * math.log(a) - math.lgamma(n + 1) + math.log(n / (n - a))
    m = max([*logs, top])
    below = sum(math.exp(x - m) for x in logs)
    return math.exp(top - m) / (below + math.exp(top - m))


traffic = st.floats(0.01, 300, allow_nan=False)


def plan_for_ten(**overrides):
    """required_agents for 10 one-minute contacts an hour, with some inputs changed."""
    return required_agents(
        **{
            "volume": 10,
            "period": dt.timedelta(hours=1),
            "aht": dt.timedelta(minutes=1),
            "target_answer": dt.timedelta(seconds=20),
            **overrides,
        }
    )


class TestErlang:
    @given(st.integers(0, 400), traffic)
    def test_erlang_b_matches_scipy(self, n, a):
        assert erlang_b(n, a) == pytest.approx(
            scipy_erlang_b(n, a), rel=1e-9, abs=1e-300
        )

    @given(st.integers(1, 400), traffic)
    def test_erlang_c_matches_scipy(self, n, a):
        assert erlang_c(agents=n, traffic=a) == pytest.approx(
            scipy_erlang_c(n, a), rel=1e-8, abs=1e-300
        )

    @given(st.integers(1, 200), traffic)
    def test_erlang_c_matches_lgamma_formula(self, n, a):
        if n > a:
            assert erlang_c(n, a) == pytest.approx(
                lgamma_erlang_c(n, a), rel=1e-8, abs=1e-300
            )

    @pytest.mark.parametrize(
        ("n", "a"), [(2000, 1950.0), (2000, 1999.5), (2000, 1000.0), (5000, 4900.0)]
    )
    def test_stable_for_thousands_of_agents(self, n, a):
        c = erlang_c(agents=n, traffic=a)
        assert 0.0 <= c <= 1.0
        assert c == pytest.approx(scipy_erlang_c(n, a), rel=1e-7, abs=1e-300)

    @given(st.integers(1500, 2500), st.floats(0.5, 0.99999))
    @settings(max_examples=40)
    def test_stable_around_two_thousand_agents(self, n, load):
        """The issue's bar: 2,000 agents, every load up to saturation, vs scipy."""
        a = n * load
        assert erlang_c(agents=n, traffic=a) == pytest.approx(
            scipy_erlang_c(n, a), rel=1e-9, abs=1e-300
        )

    def test_known_values(self):
        assert erlang_c(agents=2, traffic=1.0) == pytest.approx(1 / 3)
        assert erlang_b(1, 1.0) == pytest.approx(0.5)
        assert erlang_c(agents=0, traffic=0.0) == 0.0
        assert erlang_c(agents=3, traffic=3.0) == 1.0

    @given(st.integers(1, 200), traffic, st.integers(1, 900), st.integers(0, 120))
    def test_service_level_formula(self, n, a, aht_s, t_s):
        sl = service_level(
            agents=n,
            traffic=a,
            aht=dt.timedelta(seconds=aht_s),
            target_answer=dt.timedelta(seconds=t_s),
        )
        expected = (
            0.0
            if n <= a
            else 1 - scipy_erlang_c(n, a) * math.exp(-(n - a) * t_s / aht_s)
        )
        assert sl == pytest.approx(max(0.0, expected), rel=1e-7, abs=1e-12)

    def test_asa_and_occupancy(self):
        assert average_speed_of_answer(
            agents=2, traffic=1.0, aht=dt.timedelta(minutes=3)
        ) == dt.timedelta(seconds=60)
        assert average_speed_of_answer(
            agents=0, traffic=0, aht=dt.timedelta(minutes=3)
        ) == dt.timedelta(0)
        assert occupancy(agents=20, traffic=12.5) == 0.625
        assert occupancy(agents=0, traffic=0) == 0.0
        with pytest.raises(InvalidArgumentError, match="without bound"):
            average_speed_of_answer(agents=2, traffic=2.0, aht=dt.timedelta(minutes=3))
        with pytest.raises(InvalidArgumentError, match="at least one agent"):
            occupancy(agents=0, traffic=1.0)
        assert (
            service_level(
                agents=0,
                traffic=0.0,
                aht=dt.timedelta(minutes=1),
                target_answer=dt.timedelta(0),
            )
            == 1.0
        )

    @pytest.mark.parametrize(
        "call",
        [
            lambda: erlang_c(agents=-1, traffic=1.0),
            lambda: erlang_c(agents=1.5, traffic=1.0),
            lambda: erlang_c(agents=True, traffic=1.0),
            lambda: erlang_c(agents=1, traffic=-1.0),
            lambda: erlang_c(agents=1, traffic=math.inf),
            lambda: erlang_c(agents=1, traffic=math.nan),
            lambda: offered_traffic(
                volume=10, period=dt.timedelta(0), aht=dt.timedelta(minutes=1)
            ),
            lambda: plan_for_ten(service_level=1.0),
            lambda: plan_for_ten(shrinkage=1.0),
            lambda: plan_for_ten(max_occupancy=0),
            lambda: plan_for_ten(target_answer=dt.timedelta(seconds=-1)),
        ],
    )
    def test_bad_input_is_a_clear_value_error(self, call):
        # A servicekit error, not any ValueError (a bare one from deep inside would
        # have passed the old check).
        with pytest.raises(InvalidArgumentError):
            call()

    def test_wrong_types(self):
        with pytest.raises(InvalidTypeError):
            erlang_c(agents=1, traffic="1")
        with pytest.raises(InvalidTypeError):
            offered_traffic(volume=1, period=3600, aht=dt.timedelta(minutes=1))


def brute_required(*, volume, period, aht, target, sl, max_occ, shrink):
    a = volume * aht.total_seconds() / period.total_seconds()
    n = 1
    while True:
        if n > a and a / n <= max_occ * (1 + 1e-12):
            c = scipy_erlang_c(n, a)
            if (
                1
                - c * math.exp(-(n - a) * target.total_seconds() / aht.total_seconds())
                >= sl - 1e-12
            ):
                return n, math.ceil(round(n / (1 - shrink), 9))
        n += 1


class TestRequiredAgents:
    def test_city_desk_example(self):
        """Our users' desk: 20 agents, 1,200 requests a day (8 opening hours, AHT 5 min)."""
        plan = required_agents(
            volume=1200,
            period=dt.timedelta(hours=8),
            aht=dt.timedelta(minutes=5),
            target_answer=dt.timedelta(seconds=20),
            service_level=0.8,
            shrinkage=0.15,
        )
        assert plan.traffic == 12.5
        assert plan.agents == 17
        assert (
            plan.scheduled_agents == 20
        )  # ceil(17 / 0.85): the desk's 20 are just enough
        assert plan.service_level >= 0.8
        with_20 = service_level(
            agents=20,
            traffic=12.5,
            aht=dt.timedelta(minutes=5),
            target_answer=dt.timedelta(seconds=20),
        )
        assert with_20 > 0.97

    @given(
        volume=st.integers(1, 3000),
        aht_s=st.integers(60, 900),
        t_s=st.integers(0, 60),
        sl=st.sampled_from([0.5, 0.8, 0.9, 0.95]),
        occ=st.sampled_from([1.0, 0.85]),
        shrink=st.sampled_from([0.0, 0.3, 0.35]),
    )
    def test_minimal_against_brute_force(self, *, volume, aht_s, t_s, sl, occ, shrink):
        period = dt.timedelta(hours=1)
        aht = dt.timedelta(seconds=aht_s)
        plan = required_agents(
            volume=volume,
            period=period,
            aht=aht,
            target_answer=dt.timedelta(seconds=t_s),
            service_level=sl,
            max_occupancy=occ,
            shrinkage=shrink,
        )
        n, scheduled = brute_required(
            volume=volume,
            period=period,
            aht=aht,
            target=dt.timedelta(seconds=t_s),
            sl=sl,
            max_occ=occ,
            shrink=shrink,
        )
        assert plan.agents == n
        assert plan.scheduled_agents == scheduled
        assert plan.occupancy <= occ * (1 + 1e-12)
        assert StaffingPlan.from_dict(plan.to_dict()) == plan
        assert pickle.loads(pickle.dumps(plan)) == plan

    def test_two_thousand_agents(self):
        plan = required_agents(
            volume=120_000,
            period=dt.timedelta(hours=1),
            aht=dt.timedelta(minutes=1),
            target_answer=dt.timedelta(seconds=20),
        )
        assert 2000 < plan.agents < 2100
        assert plan.waiting_probability < 1

    def test_occupancy_cap_met_exactly(self):
        """Regression: float noise (11.05 / 13 = 0.8500000000000001) demanded a 14th agent."""
        plan = required_agents(
            volume=60,
            period=dt.timedelta(hours=1),
            aht=dt.timedelta(seconds=663),
            target_answer=dt.timedelta(0),
            service_level=0.5,
            max_occupancy=0.85,
        )
        assert plan.agents == 13
        assert plan.occupancy == pytest.approx(0.85)

    def test_zero_volume(self):
        plan = required_agents(
            volume=0,
            period=dt.timedelta(hours=1),
            aht=dt.timedelta(minutes=3),
            target_answer=dt.timedelta(seconds=20),
        )
        assert (plan.agents, plan.scheduled_agents, plan.service_level) == (0, 0, 1.0)

    def test_round_trip_and_bad_data(self):
        plan = required_agents(
            volume=100,
            period=dt.timedelta(hours=1),
            aht=dt.timedelta(minutes=3),
            target_answer=dt.timedelta(seconds=20),
        )
        data = plan.to_dict()
        assert StaffingPlan.from_dict(data) == plan
        with pytest.raises(DeserializationError):
            StaffingPlan.from_dict({"agents": 1})


class TestHugeAndMalformedInput:
    def test_many_agents_for_little_traffic_stops_at_underflow(self):
        """Regression: erlang_c(10**7 agents, 5 E) walked all ten million steps."""
        assert erlang_b(10**12, 5.0) == 0.0
        assert erlang_c(agents=10**12, traffic=5.0) == 0.0

    def test_absurd_traffic_is_refused_not_looped_over(self):
        """Regression: a volume of 10**9 a hour ran required_agents for 13 s."""
        with pytest.raises(InvalidArgumentError, match="over 1,000,000 agents"):
            required_agents(
                volume=10**9,
                period=dt.timedelta(hours=1),
                aht=dt.timedelta(minutes=5),
                target_answer=dt.timedelta(seconds=20),
            )
        with pytest.raises(InvalidArgumentError, match="Erlangs"):
            erlang_c(agents=10, traffic=2e6)
        assert erlang_c(agents=1_000_001, traffic=1e6) == pytest.approx(
            scipy_erlang_c(1_000_001, 1e6), rel=1e-6
        )

    def test_wait_beyond_timedelta_is_a_clear_error(self):
        with pytest.raises(InvalidArgumentError, match="too long"):
            average_speed_of_answer(
                agents=3, traffic=2.9999999999, aht=dt.timedelta(days=999_999_999)
            )

    def test_volume_message_speaks_of_contacts(self):
        with pytest.raises(InvalidTypeError, match="contacts expected"):
            offered_traffic(
                volume="lots", period=dt.timedelta(hours=1), aht=dt.timedelta(1)
            )

    def test_plan_from_dict_refuses_non_numbers(self):
        data = required_agents(
            volume=100,
            period=dt.timedelta(hours=1),
            aht=dt.timedelta(minutes=3),
            target_answer=dt.timedelta(seconds=20),
        ).to_dict()
        with pytest.raises(
            DeserializationError, match=r"at \$\.service_level: expected a finite"
        ):
            StaffingPlan.from_dict({**data, "service_level": "high"})
        with pytest.raises(DeserializationError, match=r"at \$\.traffic: expected"):
            StaffingPlan.from_dict({**data, "traffic": True})
        with pytest.raises(
            DeserializationError, match=r"at \$: StaffingPlan\.occupancy"
        ):
            StaffingPlan.from_dict({**data, "occupancy": 1.5})

    def test_plan_is_built_from_the_issues_fields_and_validated(self):
        """Issue 5 pins StaffingPlan(agents, scheduled_agents, service_level, asa,
        occupancy, waiting_probability); traffic is extra and optional."""
        plan = StaffingPlan(
            agents=17,
            scheduled_agents=20,
            service_level=0.875,
            asa=dt.timedelta(seconds=11),
            occupancy=0.735,
            waiting_probability=0.3,
        )
        assert plan.traffic is None
        assert StaffingPlan.from_dict(plan.to_dict()) == plan
        for field, bad in [
            ("agents", -1),
            ("service_level", 1.5),
            ("occupancy", float("nan")),
            ("asa", dt.timedelta(seconds=-1)),
            ("traffic", -2.0),
        ]:
            with pytest.raises(InvalidArgumentError):
                StaffingPlan(**{**plan.__getstate__(), field: bad})
