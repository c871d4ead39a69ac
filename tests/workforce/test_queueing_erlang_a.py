"""Erlang A (M/M/N+M) against two independent computations, its limits and its errors."""

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.errors import InvalidArgumentError, InvalidTypeError
from servicekit.workforce import (
    QueueMetrics,
    average_speed_of_answer,
    erlang_a,
    erlang_b,
    erlang_c,
    required_agents,
    service_level,
)
from workforce.queue_reference import abandon_by_little, chain, mandelbaum_zeltyn

HOUR = dt.timedelta(hours=1)
AHT = dt.timedelta(minutes=3)
AHT_S = 180.0


def metrics(n, a, beta, tau):
    """erlang_a for traffic a (Erlangs), patience AHT/beta, target tau x AHT."""
    return erlang_a(
        agents=n,
        volume=a * 20,  # 20 three-minute contacts an hour make one Erlang
        period=HOUR,
        aht=AHT,
        patience=dt.timedelta(seconds=AHT_S / beta),
        target_answer=dt.timedelta(seconds=AHT_S * tau),
    )


def same(ours: QueueMetrics, ref: dict[str, float], *, tol: float) -> None:
    assert ours.waiting_probability == pytest.approx(ref["waiting"], abs=tol)
    assert ours.abandon_rate == pytest.approx(ref["abandoned"], abs=tol)
    assert ours.answer_rate == pytest.approx(ref["answered"], abs=tol)
    assert ours.service_level == pytest.approx(ref["service_level"], abs=tol)
    # The ASA is rounded to the microsecond by its timedelta.
    assert ours.asa.total_seconds() / AHT_S == pytest.approx(
        ref["asa"], rel=tol, abs=1e-8
    )


# Patience and targets as rounded seconds: the values passed through timedeltas.
betas = st.sampled_from([0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.5])
taus = st.sampled_from([0.0, 1 / 18, 1 / 9, 1 / 6, 1 / 3, 0.5, 1.0, 2.0])


class TestAgainstTheTruncatedChain:
    @settings(max_examples=25)
    @given(st.integers(0, 30), st.integers(1, 600), betas, taus)
    def test_every_measure(self, n, volume, beta, tau):
        a = volume / 20
        same(metrics(n, a, beta, tau), chain(n, a, beta, tau), tol=1e-9)

    def test_an_overloaded_desk_is_stable(self):
        """More traffic than agents: callers hang up, so the queue stays finite."""
        ours = metrics(5, 12.0, 0.5, 1 / 9)
        same(ours, chain(5, 12.0, 0.5, 1 / 9), tol=1e-9)
        assert ours.abandon_rate > 0.5
        assert ours.occupancy == pytest.approx(12.0 * ours.answer_rate / 5)


class TestAgainstMandelbaumZeltyn:
    @settings(max_examples=30)
    @given(
        st.integers(1, 2500),
        st.floats(0.7, 1.3),
        st.sampled_from([0.5, 1.0, 2.0, 6.0]),
        taus,
    )
    def test_closed_forms_up_to_thousands_of_agents(self, n, load, beta, tau):
        a = round(n * load * 20) / 20
        if a == 0:
            return
        same(metrics(n, a, beta, tau), mandelbaum_zeltyn(n, a, beta, tau), tol=1e-7)

    @pytest.mark.parametrize(
        ("n", "a"), [(2000, 1950.0), (2000, 2100.0), (5000, 4990.0)]
    )
    def test_stable_for_thousands_of_agents(self, n, a):
        ours = metrics(n, a, 1.0, 1 / 9)
        for share in (ours.service_level, ours.answer_rate, ours.waiting_probability):
            assert 0.0 <= share <= 1.0
        same(ours, mandelbaum_zeltyn(n, a, 1.0, 1 / 9), tol=1e-7)

    @pytest.mark.parametrize(("n", "a"), [(1, 1000.0), (5, 400.0)])
    def test_weights_beyond_a_double_are_rescaled(self, n, a):
        """A desk far too small for patient callers: the queue's weights, products of
        ratios up to A / N, pass 1e308 before they turn; the sum rescales them."""
        same(metrics(n, a, 0.01, 0.5), mandelbaum_zeltyn(n, a, 0.01, 0.5), tol=1e-7)


class TestDefinitions:
    @given(st.integers(0, 80), st.integers(0, 1600), betas, taus)
    def test_answered_and_abandoned_share_every_offered_contact(
        self, n, volume, beta, tau
    ):
        m = metrics(n, volume / 20, beta, tau)
        assert m.answer_rate + m.abandon_rate == pytest.approx(1.0, abs=1e-12)
        assert m.service_level <= m.answer_rate + 1e-12
        assert m.agents == n

    @given(st.integers(1, 40), st.integers(1, 800), betas, taus)
    def test_more_agents_never_do_worse(self, n, volume, beta, tau):
        fewer, more = (metrics(k, volume / 20, beta, tau) for k in (n, n + 1))
        assert more.service_level >= fewer.service_level - 1e-12
        assert more.answer_rate >= fewer.answer_rate - 1e-12
        assert more.asa <= fewer.asa + dt.timedelta(microseconds=1)

    def test_no_traffic(self):
        m = metrics(3, 0.0, 1.0, 0.1)
        assert (m.service_level, m.answer_rate, m.abandon_rate) == (1.0, 1.0, 0.0)
        assert m.asa == dt.timedelta(0)

    def test_no_agents_answer_nobody(self):
        m = metrics(0, 2.0, 1.0, 0.1)
        assert (m.answer_rate, m.abandon_rate, m.occupancy) == (0.0, 1.0, 0.0)
        assert m.waiting_probability == 1.0

    def test_round_trip(self):
        m = metrics(14, 10.0, 1.5, 1 / 9)
        assert QueueMetrics.from_dict(m.to_dict()) == m


class TestSmallShares:
    @pytest.mark.parametrize("beta", [1e-3, 1e-6, 1e-8])
    def test_a_small_abandon_rate_keeps_its_digits(self, beta):
        """abandon_rate is summed from each state's hang-up share, not taken as
        one minus the answer rate, which at one in a billion keeps six digits."""
        ours = metrics(14, 10.0, beta, 0.1).abandon_rate
        assert ours == pytest.approx(abandon_by_little(14, 10.0, beta), rel=1e-12)


class TestLimits:
    @pytest.mark.parametrize(("n", "a"), [(14, 10.0), (3, 2.0), (120, 110.0)])
    def test_endless_patience_is_erlang_c(self, n, a):
        patient = metrics(n, a, 1e-7, 1 / 9)
        assert patient.abandon_rate < 1e-5
        assert patient.waiting_probability == pytest.approx(erlang_c(n, a), rel=1e-5)
        assert patient.service_level == pytest.approx(
            service_level(
                agents=n, traffic=a, aht=AHT, target_answer=dt.timedelta(seconds=20)
            ),
            rel=1e-5,
        )
        asa_c = average_speed_of_answer(agents=n, traffic=a, aht=AHT)
        assert patient.asa.total_seconds() == pytest.approx(
            asa_c.total_seconds(), rel=1e-4
        )

    @pytest.mark.parametrize(("n", "a"), [(14, 10.0), (3, 5.0), (1, 0.5)])
    def test_no_patience_is_erlang_b(self, n, a):
        b = erlang_b(n, a)
        for beta in (1e6, math.inf):
            m = (
                metrics(n, a, beta, 0.1)
                if beta != math.inf
                else erlang_a(
                    agents=n,
                    volume=a * 20,
                    period=HOUR,
                    aht=AHT,
                    patience=dt.timedelta(0),
                    target_answer=dt.timedelta(seconds=20),
                )
            )
            assert m.abandon_rate == pytest.approx(b, rel=1e-5)
            assert m.service_level == pytest.approx(1 - b, rel=1e-5)
            assert m.waiting_probability == pytest.approx(b, rel=1e-5)
            assert m.asa < dt.timedelta(milliseconds=1)


def call(**overrides):
    return erlang_a(
        **{
            "agents": 10,
            "volume": 100,
            "period": HOUR,
            "aht": AHT,
            "patience": dt.timedelta(minutes=2),
            "target_answer": dt.timedelta(seconds=20),
            **overrides,
        }
    )


class TestBadInput:
    @pytest.mark.parametrize(
        ("field", "bad"),
        [
            ("agents", -1),
            ("volume", -5),
            ("volume", math.nan),
            ("volume", math.inf),
            ("patience", dt.timedelta(seconds=-1)),
            ("aht", dt.timedelta(0)),
            ("period", dt.timedelta(0)),
            ("target_answer", dt.timedelta(seconds=-1)),
        ],
    )
    def test_out_of_range_names_the_field(self, field, bad):
        with pytest.raises(InvalidArgumentError, match=field):
            call(**{field: bad})

    @pytest.mark.parametrize(("field", "bad"), [("patience", 120), ("volume", "100")])
    def test_wrong_types_name_the_field(self, field, bad):
        with pytest.raises(InvalidTypeError, match=field):
            call(**{field: bad})

    def test_a_queue_of_millions_is_refused_not_summed(self):
        """Regression guard: 2,000 Erlangs on 10 agents with a year's patience would
        walk a chain hundreds of millions of states long."""
        with pytest.raises(InvalidArgumentError, match="patience"):
            call(agents=10, volume=40_000, patience=dt.timedelta(days=365))

    def test_a_queue_that_thins_too_slowly_is_refused_up_front(self):
        """As many agents as traffic and callers who wait ~2,700 years: the tail of the
        queue would take millions of states to sum."""
        with pytest.raises(InvalidArgumentError, match="patience"):
            call(agents=100, volume=2000, patience=dt.timedelta(days=1_000_000))

    def test_traffic_beyond_the_models(self):
        with pytest.raises(InvalidArgumentError, match="Erlangs"):
            call(volume=10**9)


def brute_required(a, beta, tau, *, sl, answered, cap):
    """The fewest agents by trying every count from zero (erlang_a on each)."""
    n = 0
    while True:
        m = metrics(n, a, beta, tau)
        if (
            m.service_level >= sl
            and m.answer_rate >= answered
            and m.occupancy <= cap * (1 + 1e-12)
        ):
            return n, m
        n += 1


class TestRequiredAgentsWithPatience:
    @settings(max_examples=30)
    @given(
        volume=st.integers(1, 1200),
        beta=betas,
        tau=taus,
        sl=st.sampled_from([None, 0.5, 0.8, 0.9]),
        answered=st.sampled_from([None, 0.8, 0.95, 0.99]),
        cap=st.sampled_from([1.0, 0.85]),
    )
    def test_fewest_agents_against_brute_force(
        self, *, volume, beta, tau, sl, answered, cap
    ):
        a = volume / 20
        plan = required_agents(
            volume=volume,
            period=HOUR,
            aht=AHT,
            target_answer=dt.timedelta(seconds=AHT_S * tau),
            patience=dt.timedelta(seconds=AHT_S / beta),
            service_level=sl,
            answer_rate=answered,
            max_occupancy=cap,
        )
        sl_target = 0.8 if sl is None and answered is None else (sl or 0.0)
        n, m = brute_required(
            a, beta, tau, sl=sl_target, answered=answered or 0.0, cap=cap
        )
        assert plan.agents == n
        assert plan.service_level == m.service_level
        assert plan.answer_rate == m.answer_rate
        assert plan.abandon_rate == m.abandon_rate
        assert plan.asa == m.asa
        assert plan.traffic == a

    def test_users_question_1200_a_day_at_95_percent_answered(self):
        """USERS.md 2 and 4: 1,200 requests a day, 95 % answered (hang-ups count)."""
        plan = required_agents(
            volume=1200,
            period=dt.timedelta(hours=8),
            aht=dt.timedelta(minutes=5),
            target_answer=dt.timedelta(seconds=30),
            patience=dt.timedelta(minutes=2),
            answer_rate=0.95,
            shrinkage=0.15,
        )
        assert plan.agents == 16
        assert plan.scheduled_agents == 19
        assert plan.answer_rate >= 0.95
        assert plan.abandon_rate == pytest.approx(1 - plan.answer_rate)

    def test_an_answer_rate_needs_patience(self):
        with pytest.raises(InvalidArgumentError, match="patience"):
            required_agents(
                volume=100,
                period=HOUR,
                aht=AHT,
                target_answer=dt.timedelta(seconds=20),
                answer_rate=0.95,
            )

    def test_no_traffic_needs_nobody(self):
        plan = required_agents(
            volume=0,
            period=HOUR,
            aht=AHT,
            target_answer=dt.timedelta(seconds=20),
            patience=dt.timedelta(minutes=1),
        )
        assert (plan.agents, plan.answer_rate, plan.abandon_rate) == (0, 1.0, 0.0)

    def test_zero_patience_plans_erlang_b(self):
        plan = required_agents(
            volume=200,
            period=HOUR,
            aht=AHT,
            target_answer=dt.timedelta(seconds=20),
            patience=dt.timedelta(0),
            answer_rate=0.99,
        )
        assert erlang_b(plan.agents, 10.0) <= 0.01 < erlang_b(plan.agents - 1, 10.0)
