"""Benchmark servicekit.workforce against pyworkforce, the field's Python reference.

Run:  .venv/bin/python benchmarks/bench_workforce.py [--repeat 7]
      .venv/bin/python benchmarks/bench_workforce.py --only erlang_a

Needs the ``bench`` extra (``pip install -e '.[bench]'``: pyworkforce 0.5.1, the
newest release that installs on Python 3.11). Both libraries answer the same
questions in the same process; before a line is timed, every answer is checked
against the peer's (agent counts equal, probabilities within 1e-12 relative), so a
fast wrong answer stops the run instead of being reported. Times are CPU times
(``time.process_time``, the machine is shared), best of ``--repeat`` runs of a loop
long enough to take a few tenths of a second.

Targets (issue 15):

* ``erlang_c`` and ``required_agents``: at least 2x faster than pyworkforce on small
  cases (10 to 40 Erlangs), and ``required_agents`` at least 7x faster at 1,900
  Erlangs (where pyworkforce re-runs its recursion for every head count it tries).
  ``erlang_c`` at 1,900 Erlangs is reported without a target: both libraries run
  the same one-step-per-agent recursion, so only the per-call overhead differs
  (likewise on small cases, where that overhead is most of the call). pyworkforce is
  asked the only way its API allows: build an ``ErlangC`` for the workload, then call
  ``waiting_probability(n)`` or ``required_positions(...)``; servicekit's
  ``erlang_c`` takes the traffic in Erlangs, ``required_agents`` the volume, period
  and handling time (as timedeltas built beforehand, as a caller holds them).
* ``erlang_a``: pyworkforce 0.5.1 has none (its ErlangA needs Python 3.12), so the
  microseconds per call are reported at 10, 100 and 2,000 agents; its correctness
  is tested against Mandelbaum & Zeltyn's closed forms in tests/workforce.

Shift scheduling and rostering (the planning half of issue 15, which needs the
``planning`` extra) are measured by ``benchmarks/bench_workforce_plan.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import math
import sys
import time
from typing import TYPE_CHECKING

from pyworkforce.queuing import ErlangC

from servicekit.workforce import erlang_a, erlang_c, required_agents

if TYPE_CHECKING:
    from collections.abc import Callable

# (contacts, interval minutes, AHT minutes, answer target seconds, service level)
SMALL = [
    (100, 30, 3, 20, 0.8),  # the known answer: 10 Erlangs, 14 agents
    (150, 30, 4, 20, 0.8),
    (200, 60, 6, 30, 0.9),
    (300, 60, 5, 20, 0.85),
    (400, 30, 3, 15, 0.8),
    (720, 60, 3, 20, 0.9),
]
LARGE = [(38_000, 60, 3, 20, 0.8)]  # 1,900 Erlangs
SMALL_TARGET = 2.0
LARGE_TARGET = 7.0


def best_of(repeat: int, loops: int, fn: Callable[[], object]) -> float:
    """Best CPU time of one call, in microseconds, over ``repeat`` timed loops."""
    best = math.inf
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        for _ in range(loops):
            fn()
        best = min(best, time.process_time() - start)
    return best / loops * 1e6


def loops_for(fn: Callable[[], object], budget_s: float = 0.2) -> int:
    """How many calls take about ``budget_s`` of CPU time."""
    start = time.process_time()
    fn()
    once = max(time.process_time() - start, 1e-7)
    return max(1, int(budget_s / once))


def agree(what: str, ours: float, theirs: float) -> None:
    if not math.isclose(ours, theirs, rel_tol=1e-12, abs_tol=1e-15):
        sys.exit(f"DISAGREE {what}: servicekit {ours!r} vs pyworkforce {theirs!r}")


def ratio_line(name: str, ours_us: float, theirs_us: float, target: float) -> bool:
    """Print one comparison; a target of 0 means reported only (always passes)."""
    ratio = theirs_us / ours_us
    if target:
        verdict = f"(target >= {target:g}x)  " + ("PASS" if ratio >= target else "FAIL")
    else:
        verdict = "(no target: reported)"
    print(
        f"{name:<36} servicekit {ours_us:9.2f} µs  pyworkforce {theirs_us:9.2f} µs  "
        f"{ratio:5.2f}x  {verdict}"
    )
    return ratio >= target


def time_pair(
    repeat: int, ours: Callable[[], object], theirs: Callable[[], object]
) -> tuple[float, float]:
    """Best µs per call of each, with as many calls per loop for both."""
    loops = loops_for(theirs)
    return best_of(repeat, loops, ours), best_of(repeat, loops, theirs)


def mean_ratio_line(
    name: str, times: list[tuple[float, float]], target: float, cases: list
) -> bool:
    """The ratio line of the mean times over several cases, then each case's."""
    ours = sum(t[0] for t in times) / len(times)
    theirs = sum(t[1] for t in times) / len(times)
    passed = ratio_line(name, ours, theirs, target)
    if len(times) > 1:
        for case, (mine, peer) in zip(cases, times, strict=True):
            volume, interval, aht, answer, sl = case
            print(
                f"    {volume:>6} per {interval} min, AHT {aht} min, {sl:.0%}/{answer}s: "
                f"{mine:7.2f} µs vs {peer:7.2f} µs, {peer / mine:5.2f}x"
            )
    return passed


def _peer(case: tuple[int, int, int, int, float]) -> ErlangC:
    volume, interval, aht, target_s, _ = case
    return ErlangC(transactions=volume, aht=aht, asa=target_s / 60, interval=interval)


def _ours_inputs(
    case: tuple[int, int, int, int, float],
) -> tuple[int, dt.timedelta, dt.timedelta, dt.timedelta, float]:
    volume, interval, aht, target_s, sl = case
    return (
        volume,
        dt.timedelta(minutes=interval),
        dt.timedelta(minutes=aht),
        dt.timedelta(seconds=target_s),
        sl,
    )


def _required(cases, repeat: int, label: str, target: float) -> bool:
    times = []
    for case in cases:
        volume, period, aht, answer, sl = _ours_inputs(case)
        plan = required_agents(
            volume=volume,
            period=period,
            aht=aht,
            target_answer=answer,
            service_level=sl,
        )
        peer = _peer(case).required_positions(service_level=sl)
        if plan.agents != peer["raw_positions"]:
            sys.exit(f"DISAGREE agents for {case}: {plan.agents} vs {peer}")
        agree(f"service level {case}", plan.service_level, peer["service_level"])
        agree(f"occupancy {case}", plan.occupancy, peer["occupancy"])
        agree(f"waiting {case}", plan.waiting_probability, peer["waiting_probability"])

        def ours(volume=volume, period=period, aht=aht, answer=answer, sl=sl):
            return required_agents(
                volume=volume,
                period=period,
                aht=aht,
                target_answer=answer,
                service_level=sl,
            )

        def theirs(case=case, sl=sl):
            return _peer(case).required_positions(service_level=sl)

        times.append(time_pair(repeat, ours, theirs))
    return mean_ratio_line(label, times, target, cases)


def bench_required_agents_small(repeat: int) -> bool:
    """required_agents on small desks (10-40 Erlangs), mean over the cases."""
    return _required(SMALL, repeat, "required_agents, small (mean of 6)", SMALL_TARGET)


def bench_required_agents_large(repeat: int) -> bool:
    """required_agents at 1,900 Erlangs."""
    return _required(LARGE, repeat, "required_agents, 1,900 Erlangs", LARGE_TARGET)


def _erlang_c(cases, repeat: int, label: str, target: float) -> bool:
    times = []
    for case in cases:
        peer = _peer(case)
        a = peer.intensity
        n = peer.required_positions(service_level=case[4])["raw_positions"]
        agree(f"erlang_c {case}", erlang_c(n, a), peer.waiting_probability(n))

        def ours(n=n, a=a):
            return erlang_c(n, a)

        def theirs(case=case, n=n):
            return _peer(case).waiting_probability(n)

        times.append(time_pair(repeat, ours, theirs))
    return mean_ratio_line(label, times, target, cases)


def bench_erlang_c_small(repeat: int) -> bool:
    """erlang_c at the staffing answer of each small desk."""
    return _erlang_c(SMALL, repeat, "erlang_c, small (mean of 6)", SMALL_TARGET)


def bench_erlang_c_large(repeat: int) -> bool:
    """erlang_c at 1,900 Erlangs."""
    return _erlang_c(LARGE, repeat, "erlang_c, 1,900 Erlangs", 0.0)


def bench_erlang_a(repeat: int) -> bool:
    """erlang_a per call at 10, 100 and 2,000 agents (no peer: reported only)."""
    aht = dt.timedelta(minutes=3)
    patience = dt.timedelta(minutes=2)
    hour = dt.timedelta(hours=1)
    answer = dt.timedelta(seconds=20)
    for agents in (10, 100, 2000):
        volume = round(agents * 0.95 * 20)  # 95 % of the agents' capacity offered

        def call(agents=agents, volume=volume):
            return erlang_a(
                agents=agents,
                volume=volume,
                period=hour,
                aht=aht,
                patience=patience,
                target_answer=answer,
            )

        m = call()
        us = best_of(repeat, loops_for(call), call)
        print(
            f"erlang_a, {agents:>4} agents, {volume / 20:6.1f} Erlangs  "
            f"{us:9.2f} µs per call  (SL {m.service_level:.3f}, "
            f"abandon {m.abandon_rate:.4f}; no peer: reported)"
        )
    return True


#: Each benchmark takes ``repeat`` and returns whether its targets passed (shift
#: plans and rosters: bench_workforce_plan.py).
BENCHMARKS: list[Callable[[int], bool]] = [
    bench_erlang_c_small,
    bench_required_agents_small,
    bench_erlang_c_large,
    bench_required_agents_large,
    bench_erlang_a,
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", help="run the benchmarks whose name contains this")
    args = parser.parse_args()
    results = [
        bench(args.repeat)
        for bench in BENCHMARKS
        if not args.only or args.only in bench.__name__
    ]
    print("ALL PASS" if all(results) else "SOME TARGETS FAILED")


if __name__ == "__main__":
    main()
