"""Independent re-statements of the queueing models, for property tests.

Nothing here shares code or formulas with ``servicekit.workforce``:

* [`chain`][]: the M/M/N+M birth–death chain truncated far into its tail, its
  stationary distribution from log-space products (numpy), abandonment from Little's
  law (``θ·E[Q] / λ``), and the tagged contact's fate from the transient
  distribution of its own absorbing chain (``scipy.linalg.expm``) and its
  fundamental matrix: no incomplete beta, no telescoping products.
* [`mandelbaum_zeltyn`][]: the closed forms of Mandelbaum & Zeltyn for exponential
  patience, through SciPy's regularised incomplete gamma function, and the ASA by
  numerical integration of the virtual-wait density.
* [`erlang_b_poisson`][] and [`old_required_agents`][]: Erlang B from SciPy's
  Poisson distribution, and the staffing search exactly as servicekit ran it before
  issue 15 (the forward Erlang B recursion from one agent up), to pin "answers as
  today".

Time is in units of the average handling time: μ = 1, λ = A (the traffic), θ = β
(AHT / mean patience), the target τ = target / AHT.
"""

import math
from fractions import Fraction

import numpy as np
from scipy import integrate, linalg, special, stats


def erlang_b_poisson(n: int, a: float) -> float:
    """B(N, A) = P(X = N) / P(X <= N) for X ~ Poisson(A)."""
    if n == 0:
        return 1.0
    if a == 0:
        return 0.0
    return float(np.exp(stats.poisson.logpmf(n, a) - stats.poisson.logcdf(n, a)))


def chain(n: int, a: float, beta: float, tau: float) -> dict[str, float]:
    """Erlang A's measures from a truncated chain (see the module docstring)."""
    queue = int(max(0.0, (a - n) / beta) + 12 * math.sqrt(a / beta + 1) + 30)
    top = n + queue
    log_w = np.zeros(top + 1)
    for k in range(1, top + 1):
        death = k if k <= n else n + (k - n) * beta
        log_w[k] = log_w[k - 1] + math.log(a) - math.log(death)
    w = np.exp(log_w - log_w.max())
    pi = w / w.sum()
    in_queue = np.maximum(np.arange(top + 1) - n, 0)
    # The tagged contact: transient states "k ahead" (0 .. queue-1), then absorbed
    # as answered or as hung up.
    m = queue
    answered, hung_up = m, m + 1
    gen = np.zeros((m + 2, m + 2))
    for k in range(m):
        gen[k, answered if k == 0 else k - 1] += n + k * beta
        gen[k, hung_up] += beta
        gen[k, k] = -(n + (k + 1) * beta)
    arriving = pi[n : n + m]  # PASTA: an arrival in state n+k finds k ahead
    by_tau = linalg.expm(gen * tau)[:m, answered]
    time_in = linalg.inv(-gen[:m, :m])  # expected time in each transient state
    answered_from = time_in @ gen[:m, answered]
    wait_if_answered = time_in @ answered_from  # E[time to answer ; answered]
    below = pi[:n].sum()
    answer = below + arriving @ answered_from
    return {
        "waiting": float(pi[n:].sum()),
        "abandoned": float(beta * (in_queue * pi).sum() / a),
        "answered": float(answer),
        "service_level": float(below + arriving @ by_tau),
        "asa": float(arriving @ wait_if_answered / answer) if answer else 0.0,
    }


def abandon_by_little(n: int, a: float, beta: float) -> float:
    """P(abandon) = θ·E[Q] / λ from the truncated chain's stationary distribution."""
    queue = int(max(0.0, (a - n) / beta) + 12 * math.sqrt(a / beta + 1) + 30)
    k = np.arange(1, n + queue + 1, dtype=float)
    death = np.where(k <= n, k, n + (k - n) * beta)
    log_w = np.concatenate(([0.0], np.cumsum(math.log(a) - np.log(death))))
    w = np.exp(log_w - log_w.max())
    in_queue = np.maximum(np.arange(n + queue + 1) - n, 0)
    return float(beta * (in_queue * w).sum() / w.sum() / a)


def mandelbaum_zeltyn(n: int, a: float, beta: float, tau: float) -> dict[str, float]:
    """Erlang A's measures from Mandelbaum & Zeltyn's incomplete-gamma expressions.

    With ``J(s) = e^{λ/θ} / θ · (θ/λ)^s · γ(s, λ/θ)`` and the virtual wait's density
    ``v(x) = λ·π_{N-1}·exp(λ(1 - e^{-θx})/θ - Nμx)`` for ``x > 0``:
    ``P(W > 0) = λ·J(N/θ)·π_{N-1}``, ``P(Ab) = λ·π_{N-1}·(J(N/θ) - J(N/θ + 1))``,
    ``P(answered within t) = P(W = 0) + λ·π_{N-1}·∫_0^t v e^{-θx}``, the last
    through ``γ(N/θ + 1, λ/θ) - γ(N/θ + 1, λ/θ·e^{-θt})``.
    """
    lam, theta = a, beta
    s = n / theta
    x = lam / theta

    def log_j(shape: float) -> float:
        lower = special.gammaln(shape) + math.log(special.gammainc(shape, x))
        return x - math.log(theta) - shape * math.log(x) + lower

    # Logs throughout: J and γ overflow a double long before N reaches thousands.
    log_below = -math.log(erlang_b_poisson(n - 1, a))  # Σ_{k<N} π_k / π_{N-1}
    log_lam_j = math.log(lam) + log_j(s)
    log_last = -np.logaddexp(log_below, log_lam_j)  # log π_{N-1}
    waiting = math.exp(log_lam_j + log_last)
    abandoned = waiting * -math.expm1(log_j(s + 1) - log_j(s))
    start = x * math.exp(-theta * tau)
    log_scale = (
        math.log(lam)
        + log_last
        + x
        - math.log(theta)
        - (s + 1) * math.log(x)
        + special.gammaln(s + 1)
    )
    within = math.exp(log_scale) * (
        special.gammainc(s + 1, x) - special.gammainc(s + 1, start)
    )
    answered = 1.0 - abandoned

    def wait_density_answered(t: float) -> float:
        exponent = lam * -math.expm1(-theta * t) / theta - (n + theta) * t
        return t * math.exp(math.log(lam) + log_last + exponent)

    # Split at the density's peak (λ·e^{-θx} = N + θ), which quad could miss.
    peak = max(0.0, math.log(lam / (n + theta)) / theta)
    mean_answered = sum(
        integrate.quad(
            wait_density_answered, lo, hi, limit=400, epsabs=1e-13, epsrel=1e-11
        )[0]
        for lo, hi in ((0.0, peak), (peak, np.inf))
    )
    return {
        "waiting": waiting,
        "abandoned": abandoned,
        "answered": answered,
        "service_level": math.exp(log_below + log_last) + within,
        "asa": mean_answered / answered,
    }


def old_required_agents(
    *, a: float, aht_s: float, target_s: float, sl: float, cap: float, shrink: float
) -> tuple[int, int, float, float, float]:
    """Today's (pre-issue-15) search, verbatim in its arithmetic.

    Returns (agents, scheduled, service level, occupancy, waiting probability).
    """
    n = 0
    b = 1.0
    cap_with_noise = cap * (1 + 1e-12)
    while True:
        n += 1
        b = a * b / (n + a * b)
        if n <= a or a / n > cap_with_noise:
            continue
        c = n * b / (n - a * (1 - b))
        service = max(0.0, 1.0 - c * math.exp(-(n - a) * target_s / aht_s))
        if service >= sl:
            break
    scheduled = math.ceil(Fraction(n) / (1 - Fraction(shrink)))
    return n, scheduled, service, a / n, c
