"""Erlang B and C after the move: the known answers, and the same answers as before."""

import datetime as dt
import math

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit.errors import InvalidArgumentError, InvalidTypeError
from servicekit.workforce import (
    StaffingPlan,
    average_speed_of_answer,
    erlang_b,
    erlang_c,
    occupancy,
    offered_traffic,
    required_agents,
    service_level,
)
from workforce.queue_reference import erlang_b_poisson, old_required_agents


def old_erlang_c(n, a):
    """Erlang C as servicekit computed it before issue 15 (forward recursion)."""
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    if a == 0:
        return 0.0
    if n <= a:
        return 1.0
    return n * b / (n - a * (1 - b))


class TestKnownAnswers:
    def test_100_calls_in_30_minutes_at_80_20(self):
        """The issue's known answer: 100 calls / 30 min, 180 s AHT, 80/20 -> 14."""
        plan = required_agents(
            volume=100,
            period=dt.timedelta(minutes=30),
            aht=dt.timedelta(seconds=180),
            target_answer=dt.timedelta(seconds=20),
            service_level=0.8,
        )
        assert plan.traffic == 10.0
        assert plan.agents == 14
        assert plan.service_level == pytest.approx(0.8883500191794669, rel=1e-12)
        assert plan.waiting_probability == pytest.approx(0.1741319335950498, rel=1e-12)
        assert (plan.answer_rate, plan.abandon_rate) == (None, None)

    def test_erlang_b_of_poisson(self):
        for n, a in [(0, 1.0), (1, 1.0), (14, 10.0), (2000, 1950.0)]:
            assert erlang_b(n, a) == pytest.approx(erlang_b_poisson(n, a), rel=1e-10)


class TestSameAnswersAsBefore:
    @given(st.integers(0, 6000), st.floats(0, 5000, allow_nan=False))
    def test_erlang_c_bit_for_bit(self, n, a):
        assert erlang_c(n, a) == old_erlang_c(n, a)

    @given(
        volume=st.integers(1, 40_000),
        aht_s=st.integers(20, 900),
        t_s=st.integers(0, 120),
        sl=st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.99]),
        cap=st.sampled_from([1.0, 0.9, 0.85, 0.7]),
        shrink=st.sampled_from([0.0, 0.15, 0.3, 0.35]),
    )
    def test_required_agents_bit_for_bit(self, *, volume, aht_s, t_s, sl, cap, shrink):
        """The search now starts near the traffic on float counters; every field
        must still be the float the old search from one agent up gave."""
        plan = required_agents(
            volume=volume,
            period=dt.timedelta(hours=1),
            aht=dt.timedelta(seconds=aht_s),
            target_answer=dt.timedelta(seconds=t_s),
            service_level=sl,
            max_occupancy=cap,
            shrinkage=shrink,
        )
        a = volume * aht_s / 3600
        n, scheduled, service, busy, wait = old_required_agents(
            a=a, aht_s=aht_s, target_s=t_s, sl=sl, cap=cap, shrink=shrink
        )
        assert (plan.agents, plan.scheduled_agents) == (n, scheduled)
        assert (plan.service_level, plan.occupancy) == (service, busy)
        assert plan.waiting_probability == wait
        assert plan.traffic == a

    def test_scheduled_agents_are_exact(self):
        """17 / (1 - 0.15) is 20 exactly, though 17 / 0.85 is 20.000000000000004."""
        plan = required_agents(
            volume=1200,
            period=dt.timedelta(hours=8),
            aht=dt.timedelta(minutes=5),
            target_answer=dt.timedelta(seconds=20),
            shrinkage=0.15,
        )
        assert (plan.agents, plan.scheduled_agents) == (17, 20)


class TestFastPathsCheckLikeTheSlowOnes:
    """The inlined checks of the common case must refuse what the full ones do."""

    @pytest.mark.parametrize(
        "overrides",
        [
            {"volume": -1},
            {"volume": math.nan},
            {"volume": math.inf},
            {"period": -dt.timedelta(hours=1)},
            {"period": dt.timedelta(0)},
            {"aht": -dt.timedelta(minutes=3)},
            {"service_level": 1.0},
            {"service_level": 0.0},
            {"service_level": math.nan},
            {"max_occupancy": 1.5},
            {"shrinkage": -0.1},
            {"target_answer": dt.timedelta(seconds=-1)},
        ],
    )
    def test_out_of_range(self, overrides):
        with pytest.raises(InvalidArgumentError):
            required_agents(
                **{
                    "volume": 100,
                    "period": dt.timedelta(hours=1),
                    "aht": dt.timedelta(minutes=3),
                    "target_answer": dt.timedelta(seconds=20),
                    **overrides,
                }
            )

    def test_a_negative_period_with_no_volume_is_refused(self):
        """Regression: 0 x a negative period is -0.0 traffic, which looks valid."""
        with pytest.raises(InvalidArgumentError, match="period"):
            required_agents(
                volume=0,
                period=-dt.timedelta(hours=1),
                aht=dt.timedelta(minutes=3),
                target_answer=dt.timedelta(seconds=20),
            )

    @pytest.mark.parametrize(
        "call",
        [
            lambda: erlang_c(True, 1.0),
            lambda: erlang_c(2, "1"),
            lambda: required_agents(
                volume=100,
                period=dt.timedelta(hours=1),
                aht=dt.timedelta(minutes=3),
                target_answer=dt.timedelta(seconds=20),
                service_level="high",
            ),
            lambda: required_agents(
                volume="100",
                period=dt.timedelta(hours=1),
                aht=dt.timedelta(minutes=3),
                target_answer=dt.timedelta(seconds=20),
            ),
            lambda: required_agents(
                volume=100,
                period=dt.timedelta(hours=1),
                aht=dt.timedelta(minutes=3),
                target_answer=20,
            ),
        ],
    )
    def test_wrong_types(self, call):
        with pytest.raises((InvalidTypeError, InvalidArgumentError)):
            call()

    def test_erlang_c_accepts_int_traffic_and_subclasses(self):
        class Seats(int):
            pass

        assert erlang_c(Seats(2), 1) == erlang_c(2, 1.0)
        assert type(erlang_b(Seats(2), 1.0)) is float
        assert offered_traffic(
            volume=10, period=dt.timedelta(hours=1), aht=dt.timedelta(minutes=6)
        ) == pytest.approx(1.0)
        assert erlang_c(10_000, 5.0) == 0.0  # the underflow-watching path

    def test_pendulum_durations_take_the_checked_path(self):
        """Regression: a pendulum.Duration divided by a timedelta raised AttributeError."""
        plan = required_agents(
            volume=100,
            period=pendulum.duration(minutes=30),
            aht=pendulum.duration(minutes=3),
            target_answer=pendulum.duration(seconds=20),
        )
        assert plan.agents == 14
        assert StaffingPlan.from_dict(plan.to_dict()) == plan


class TestErlangCMeasures:
    """The Erlang C measures, from their new home (tests/routing/test_staffing.py
    checks them against SciPy through the alias)."""

    def test_known_values(self):
        aht = dt.timedelta(minutes=3)
        answer = dt.timedelta(seconds=20)
        sl = service_level(agents=14, traffic=10.0, aht=aht, target_answer=answer)
        assert sl == pytest.approx(0.8883500191794669, rel=1e-12)
        assert (
            service_level(agents=0, traffic=0.0, aht=aht, target_answer=answer) == 1.0
        )
        assert (
            service_level(agents=10, traffic=10.0, aht=aht, target_answer=answer) == 0.0
        )
        asa = average_speed_of_answer(agents=2, traffic=1.0, aht=aht)
        assert asa == dt.timedelta(seconds=60)
        assert average_speed_of_answer(agents=1, traffic=0.0, aht=aht) == dt.timedelta(
            0
        )
        assert occupancy(agents=20, traffic=12.5) == 0.625
        assert occupancy(agents=0, traffic=0.0) == 0.0

    def test_impossible_asks(self):
        aht = dt.timedelta(minutes=3)
        with pytest.raises(InvalidArgumentError, match="without bound"):
            average_speed_of_answer(agents=2, traffic=2.0, aht=aht)
        with pytest.raises(InvalidArgumentError, match="too long"):
            average_speed_of_answer(
                agents=3, traffic=2.9999999999, aht=dt.timedelta(days=999_999_999)
            )
        with pytest.raises(InvalidArgumentError, match="at least one agent"):
            occupancy(agents=0, traffic=1.0)
