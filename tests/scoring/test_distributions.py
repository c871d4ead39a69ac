import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import special, stats

from servicekit.errors import InvalidArgumentError
from servicekit.scoring._distributions import (
    normal_cdf,
    normal_ppf,
    normal_sf,
    regularized_beta,
    t_cdf,
    t_ppf,
    t_sf,
    two_sided_z,
)

REL = 1e-9

probabilities = st.one_of(
    st.floats(1e-12, 1 - 1e-12),
    st.floats(-12, -1).map(lambda e: 10.0**e),
    st.floats(-12, -1).map(lambda e: 1.0 - 10.0**e),
)
dfs = st.one_of(
    st.integers(1, 60).map(float),
    st.floats(0.3, 5.0),
    st.floats(5.0, 500.0),
    st.floats(2.0, 6.5).map(lambda e: 10.0**e),
)


def close(a, b, rel=REL, abs_tol=1e-300):
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)


class TestNormal:
    @given(probabilities)
    def test_ppf_matches_scipy(self, p):
        assert close(normal_ppf(p), float(stats.norm.ppf(p)), abs_tol=1e-12)

    @given(st.floats(-37, 37))
    def test_cdf_and_sf_match_scipy(self, x):
        assert close(normal_cdf(x), float(stats.norm.cdf(x)))
        assert close(normal_sf(x), float(stats.norm.sf(x)))

    @given(probabilities)
    def test_ppf_inverts_cdf(self, p):
        x = normal_ppf(p)
        assert close(normal_cdf(x), p, rel=1e-9)

    def test_known_critical_values(self):
        assert two_sided_z(0.95) == pytest.approx(1.959963984540054, rel=1e-15)
        assert two_sided_z(0.99) == pytest.approx(2.5758293035489004, rel=1e-15)
        assert normal_ppf(0.5) == 0.0

    @pytest.mark.parametrize("p", [0.0, 1.0, -0.1, 1.5, math.nan])
    def test_ppf_rejects_impossible_probabilities(self, p):
        with pytest.raises(InvalidArgumentError, match="strictly between 0 and 1"):
            normal_ppf(p)


class TestStudentT:
    @given(probabilities, dfs)
    def test_ppf_matches_scipy(self, p, df):
        expected = float(stats.t.ppf(p, df))
        assert close(t_ppf(p, df), expected, abs_tol=1e-12)

    @given(st.floats(-60, 60), dfs)
    def test_cdf_and_sf_match_scipy(self, t, df):
        expected = float(stats.t.cdf(t, df))
        if expected > 1e-290:
            assert close(t_cdf(t, df), expected, rel=1e-9)
        upper = float(stats.t.sf(t, df))
        if upper > 1e-290:
            assert close(t_sf(t, df), upper, rel=1e-9)

    @given(st.floats(0.05, 0.95), dfs)
    def test_ppf_inverts_cdf(self, p, df):
        assert close(t_cdf(t_ppf(p, df), df), p, rel=1e-10)

    @given(st.floats(1e-6, 0.5), dfs)
    def test_symmetry(self, p, df):
        # 1 - p is rounded, so compare with an absolute floor near the centre.
        assert math.isclose(
            t_ppf(p, df), -t_ppf(1 - p, df), rel_tol=1e-8, abs_tol=1e-12
        )

    def test_closed_forms(self):
        # df = 1 is Cauchy, df = 2 has an algebraic quantile.
        assert t_ppf(0.975, 1) == pytest.approx(math.tan(math.pi * 0.475), rel=1e-13)
        p = 0.9
        assert t_ppf(p, 2) == pytest.approx(
            (2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-13
        )
        assert t_ppf(0.5, 7) == 0.0
        assert t_cdf(0.0, 3) == 0.5

    def test_far_tail_is_not_lost_to_cancellation(self):
        """Regression: P(T > t) was computed as 0.5 − 0.5·I(…) ≈ 1 − 1 = 0.

        The first version chose the continued-fraction branch by ``t² < df``; with df
        in the hundred thousands and t = 25 the tail (5e-140) came out exactly 0,
        which would make every large-sample p-value 0.
        """
        expected = float(stats.t.cdf(-25.185263512605093, 165424.34281781578))
        assert close(t_cdf(-25.185263512605093, 165424.34281781578), expected, rel=1e-8)

    def test_millions_of_degrees_of_freedom(self):
        """Regression: lgamma(a + ½) − lgamma(a) lost 9 digits for df ≈ 1e6.

        A million-response index uses df = 999,999; the quantile drifted by 1e-8
        relative until the log-gamma ratio was computed from its Stirling series.
        """
        assert close(t_ppf(0.975, 999_999.0), float(stats.t.ppf(0.975, 999_999.0)))
        assert close(
            t_ppf(0.9644220361874213, 2375235.5558590656),
            float(stats.t.ppf(0.9644220361874213, 2375235.5558590656)),
        )

    @pytest.mark.parametrize("df", [0.0, -1.0, math.inf, math.nan])
    def test_rejects_bad_degrees_of_freedom(self, df):
        with pytest.raises(InvalidArgumentError, match="degrees of freedom"):
            t_ppf(0.9, df)
        with pytest.raises(InvalidArgumentError):
            t_cdf(1.0, df)
        with pytest.raises(InvalidArgumentError):
            t_sf(1.0, df)

    def test_extreme_tails(self):
        """Tails down to the float minimum keep their value; beyond it is infinity.

        Regression: t² overflowed for |t| > 1e154, the tail came back as 0 and the
        quantile search stepped back to a finite, wrong answer (4e212 for Cauchy at
        p = 1e-300, whose true quantile is −1/(π·1e-300)).
        """
        assert t_ppf(1e-300, 1.0) == pytest.approx(-1 / (math.pi * 1e-300), rel=1e-12)
        assert t_sf(1e200, 1.0) == pytest.approx(1 / (math.pi * 1e200), rel=1e-12)
        assert t_ppf(1e-250, 0.3) == -math.inf  # the true quantile is about −1e833
        assert t_ppf(1e-12, 0.3) == pytest.approx(
            float(stats.t.ppf(1e-12, 0.3)), rel=1e-9
        )

    def test_infinite_t(self):
        assert t_sf(math.inf, 5) == 0.0
        assert t_cdf(-math.inf, 5) == 0.0


class TestIncompleteBeta:
    @given(st.floats(0.1, 200), st.floats(0.1, 200), st.floats(0, 1))
    def test_matches_scipy(self, a, b, x):
        # Above 1/2, scipy is asked for the complement at 1 − x (exact there): its
        # betainc loses digits within an ulp of 1 (0.5, 0.5, 1 − 2⁻⁵³ gives
        # 1 − 9.5e-9 where the true value is 1 − (2/π)·2^−26.5 = 1 − 6.7e-9).
        if x <= 0.5:
            expected = float(special.betainc(a, b, x))
        else:
            expected = 1.0 - float(special.betainc(b, a, 1.0 - x))
        got = regularized_beta(a, b, x)
        assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-14)

    def test_next_to_one(self):
        """Regression (test oracle): I_x(1/2, 1/2) = (2/π)·asin(√x) one ulp below 1."""
        x = 1.0 - 2.0**-53
        expected = 1.0 - 2.0 / math.pi * math.asin(math.sqrt(2.0**-53))
        assert regularized_beta(0.5, 0.5, x) == pytest.approx(expected, rel=1e-15)

    def test_ends(self):
        assert regularized_beta(2, 3, 0) == 0.0
        assert regularized_beta(2, 3, 1) == 1.0
        assert regularized_beta(2, 3, -1) == 0.0


def _as241(p):
    """The normal quantile servicekit used to hand-write: Wichura's AS 241 (PPND16)."""

    def poly(coefficients, x):
        result = 0.0
        for c in reversed(coefficients):
            result = result * x + c
        return result

    a = (3.3871328727963666080e0, 1.3314166789178437745e2, 1.9715909503065514427e3,
         1.3731693765509461125e4, 4.5921953931549871457e4, 6.7265770927008700853e4,
         3.3430575583588128105e4, 2.5090809287301226727e3)  # fmt: skip
    b = (1.0, 4.2313330701600911252e1, 6.8718700749205790830e2, 5.3941960214247511077e3,
         2.1213794301586595867e4, 3.9307895800092710610e4, 2.8729085735721942674e4,
         5.2264952788528545610e3)  # fmt: skip
    c = (1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
         3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
         2.27238449892691845833e-2, 7.74545014278341407640e-4)  # fmt: skip
    d = (1.0, 2.05319162663775882187e0, 1.67638483018380384940e0,
         6.89767334985100004550e-1, 1.48103976427480074590e-1,
         1.51986665636164571966e-2, 5.47593808499534494600e-4,
         1.05075007164441684324e-9)  # fmt: skip
    e = (6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
         2.96560571828504891230e-1, 2.65321895265761230930e-2,
         1.24266094738807843860e-3, 2.71155556874348757815e-5,
         2.01033439929228813265e-7)  # fmt: skip
    f = (1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1,
         1.48753612908506148525e-2, 7.86869131145613259100e-4,
         1.84631831751005468180e-5, 1.42151175831644588870e-7,
         2.04426310338993978564e-15)  # fmt: skip
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        return q * poly(a, r) / poly(b, r)
    r = math.sqrt(-math.log(p if q < 0 else 1.0 - p))
    if r <= 5.0:
        value = poly(c, r - 1.6) / poly(d, r - 1.6)
    else:
        value = poly(e, r - 5.0) / poly(f, r - 5.0)
    return -value if q < 0 else value


class TestNormalQuantileFromTheStandardLibrary:
    """Regression (issue 12): scoring hand-wrote the quantile ``NormalDist`` has."""

    @given(
        st.one_of(
            probabilities,
            st.floats(5e-324, 1.0, exclude_max=True),
            st.floats(-300, -1).map(lambda e: 10.0**e),
        )
    )
    def test_identical_to_the_old_hand_written_one(self, p):
        assert normal_ppf(p) == _as241(p)

    def test_known_values_unchanged(self):
        assert two_sided_z(0.95) == 1.9599639845400536  # as before the change
        assert two_sided_z(0.99) == 2.5758293035489
        assert normal_ppf(1e-300) == _as241(1e-300)
