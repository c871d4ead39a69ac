"""Benchmark: dispatch a large queue with the indexed router vs a naive all-pairs scan.

Run: ``.venv/bin/python benchmarks/bench_routing.py [--big]``

Workload: 100,000 queued tickets, 2,000 agents, 30 skills, 5 languages, 3 channels,
the built-in pipeline (``Router.default()``). Each agent has 4 skills at levels 1-10
and speaks Mandarin plus maybe one more language; each ticket needs one skill at
level 3 or above and one language. The peer is the same router with
``strategy="scan"``, which evaluates every policy on every agent for every ticket (the
obvious implementation); it is timed on a 200-ticket slice and extrapolated linearly
per ticket. Scaling: a workload a tenth the size (10,000 tickets, 200 agents), so the
main run is the "10x tickets and 10x agents" step; ``--big`` also runs 1,000,000
tickets on 20,000 agents (minutes, several GB). Both strategies must pick the same
agents on the slice, which is checked here too. Times are wall clock and CPU (the
process's own CPU time, which other load on the machine does not inflate).
"""

from __future__ import annotations

import gc
import math
import random
import sys
import time

import pendulum

from servicekit import Channel, Priority, Tier
from servicekit.routing import Agent, Router, Ticket

NOW = pendulum.datetime(2026, 3, 2, 10, tz="Asia/Shanghai")
SKILLS = [f"skill{i:02d}" for i in range(30)]
LANGS = ["zh", "en", "mn", "ug", "yue"]
LANG_W = [70, 10, 7, 7, 6]
CHANNELS = [Channel.CHAT, Channel.EMAIL, Channel.PHONE]


def make_agents(n: int, rng: random.Random) -> list[Agent]:
    out = []
    for i in range(n):
        skills = {s: rng.randint(1, 10) for s in rng.sample(SKILLS, 4)}
        langs = {"zh"} | set(rng.choices(LANGS, weights=LANG_W, k=1))
        out.append(
            Agent(
                id=f"A{i:06d}",
                skills=skills,
                languages=langs,
                capacity={Channel.CHAT: 4, Channel.EMAIL: 40, Channel.PHONE: 1},
                part_time=rng.random() < 0.1,
                senior=rng.random() < 0.05,
                dedicated_customers={f"C{rng.randrange(50_000):05d}"}
                if rng.random() < 0.05
                else set(),
                dedicated_tiers={Tier.HIGH_VALUE} if rng.random() < 0.05 else set(),
                last_assigned_at=NOW.subtract(minutes=rng.randint(0, 600)),
            )
        )
    return out


def make_tickets(n: int, rng: random.Random) -> list[Ticket]:
    out = []
    for i in range(n):
        skill = rng.choice(SKILLS)
        out.append(
            Ticket(
                id=f"T{i:07d}",
                created_at=NOW.subtract(seconds=rng.randint(0, 7200)),
                priority=rng.choice(list(Priority)),
                tier=rng.choices(list(Tier), weights=[5, 15, 80])[0],
                channel=rng.choices(CHANNELS, weights=[30, 60, 10])[0],
                skills={skill},
                min_levels={skill: 3},
                language=rng.choices(LANGS, weights=LANG_W)[0],
                customer_id=f"C{rng.randrange(50_000):05d}",
            )
        )
    return out


def timed(fn):  # type: ignore[no-untyped-def]
    # Building 100,000 tickets leaves a full collection pending; run it now so it is
    # not charged to the dispatch being timed.
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def workload(
    n_tickets: int, n_agents: int, seed: int
) -> tuple[list[Ticket], list[Agent]]:
    rng = random.Random(seed)
    agents = make_agents(n_agents, rng)
    return make_tickets(n_tickets, rng), agents


def report(label: str, n: int, wall: float, cpu: float) -> None:
    print(
        f"{label}: {n:,} tickets in {wall:.2f} s wall / {cpu:.2f} s CPU = "
        f"{n / wall:,.0f} tickets/s wall, {n / cpu:,.0f} tickets/s CPU "
        f"({cpu / n * 1e6:.1f} us CPU per ticket)"
    )


def main() -> None:
    big = "--big" in sys.argv
    router = Router.default()
    n_tickets, n_agents = 100_000, 2_000
    tickets, agents = workload(n_tickets, n_agents, seed=7)
    result, wall, cpu = timed(lambda: router.dispatch(tickets, agents, NOW))
    print(
        f"workload: {n_tickets:,} queued tickets, {n_agents:,} agents, 30 skills, 5 languages, 3 channels"
    )
    report("servicekit indexed dispatch", n_tickets, wall, cpu)
    print(
        f"  assigned {len(result.assignments):,}, left waiting {len(result.unassigned):,}"
    )

    slice_n = 200
    part = tickets[:slice_n]
    scan, scan_wall, scan_cpu = timed(
        lambda: router.dispatch(part, agents, NOW, strategy="scan")
    )
    fast = router.dispatch(part, agents, NOW)
    same = [(a.ticket_id, a.agent_id) for a in scan.assignments] == [
        (a.ticket_id, a.agent_id) for a in fast.assignments
    ]
    report(
        f"peer: naive all-pairs scan, {slice_n} tickets x {n_agents:,} agents",
        slice_n,
        scan_wall,
        scan_cpu,
    )
    print(
        f"  extrapolated to {n_tickets:,} tickets at the same per-ticket cost: "
        f"{scan_cpu / slice_n * n_tickets:,.0f} s CPU"
    )
    print(f"  same assignments as the indexed dispatch on the slice: {same}")
    ratio = (scan_cpu / slice_n) / (cpu / n_tickets)
    print(
        f"ratio: indexed is {ratio:,.0f}x faster per ticket than the all-pairs scan (CPU)"
    )

    small_t, small_a = n_tickets // 10, n_agents // 10
    s_tickets, s_agents = workload(small_t, small_a, seed=8)
    _, s_wall, s_cpu = timed(lambda: router.dispatch(s_tickets, s_agents, NOW))
    report(f"scaling: {small_t:,} tickets x {small_a:,} agents", small_t, s_wall, s_cpu)
    predicted = 10 * math.log2(n_agents) / math.log2(small_a)
    print(
        f"  10x tickets and 10x agents cost x{cpu / s_cpu:.1f} CPU "
        f"(linear would be x10; (tickets + agents)·log(agents) predicts x{predicted:.1f}; "
        f"an all-pairs scan would be x100)"
    )
    if big:
        b_tickets, b_agents = workload(n_tickets * 10, n_agents * 10, seed=9)
        _, b_wall, b_cpu = timed(lambda: router.dispatch(b_tickets, b_agents, NOW))
        report(
            f"scaling: {n_tickets * 10:,} tickets x {n_agents * 10:,} agents",
            n_tickets * 10,
            b_wall,
            b_cpu,
        )
        print(f"  10x tickets and 10x agents cost x{b_cpu / cpu:.1f} CPU")
    print(
        f"target >= 20,000 tickets/s: {'met' if n_tickets / cpu >= 20_000 else 'NOT met'} on CPU time"
    )


if __name__ == "__main__":
    main()
