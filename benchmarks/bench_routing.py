"""Benchmark: dispatch a large queue with the indexed router vs a naive all-pairs scan.

Run: ``.venv/bin/python benchmarks/bench_routing.py [--quick]``

Workload: 100,000 queued tickets, 2,000 agents, 30 skills, 5 languages, 3 channels,
the built-in pipeline (``Router.default()``). The peer is the same router with
``strategy="scan"``, which evaluates every policy on every agent for every ticket (the
obvious implementation); it is timed on a slice and extrapolated linearly per ticket,
which flatters it (its per-ticket cost grows with the number of agents, not less).
Scaling: the same workload with 10x tickets and 10x agents. Both strategies must pick
the same agents on the slice, which is checked here too.
"""

from __future__ import annotations

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
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def run(n_tickets: int, n_agents: int, seed: int = 7) -> tuple[float, float, object]:
    rng = random.Random(seed)
    agents = make_agents(n_agents, rng)
    tickets = make_tickets(n_tickets, rng)
    router = Router.default()
    result, seconds = timed(lambda: router.dispatch(tickets, agents, NOW))
    return n_tickets / seconds, seconds, (result, tickets, agents, router)


def main() -> None:
    quick = "--quick" in sys.argv
    n_tickets, n_agents = (20_000, 400) if quick else (100_000, 2_000)
    rate, seconds, bundle = run(n_tickets, n_agents)
    result, tickets, agents, router = bundle  # type: ignore[misc]
    print(
        f"indexed dispatch: {n_tickets:,} tickets -> {n_agents:,} agents in {seconds:.2f} s = {rate:,.0f} tickets/s"
    )
    print(
        f"  assigned {len(result.assignments):,}, left waiting {len(result.unassigned):,}"
    )

    slice_n = 300 if quick else 1_000
    part = tickets[:slice_n]
    scan, scan_s = timed(lambda: router.dispatch(part, agents, NOW, strategy="scan"))
    fast = router.dispatch(part, agents, NOW)
    same = [(a.ticket_id, a.agent_id) for a in scan.assignments] == [
        (a.ticket_id, a.agent_id) for a in fast.assignments
    ]
    scan_rate = slice_n / scan_s
    print(
        f"naive all-pairs scan (peer): {slice_n:,} tickets x {n_agents:,} agents in {scan_s:.2f} s = "
        f"{scan_rate:,.0f} tickets/s; extrapolated to {n_tickets:,} tickets: {n_tickets / scan_rate:,.0f} s"
    )
    print(f"  same assignments as indexed on the slice: {same}")
    print(f"ratio indexed / scan: {rate / scan_rate:,.0f}x faster")

    big_t, big_a = n_tickets * 10, n_agents * 10
    big_rate, big_s, _ = run(big_t, big_a, seed=8)
    print(
        f"10x scaling: {big_t:,} tickets -> {big_a:,} agents in {big_s:.2f} s = {big_rate:,.0f} tickets/s "
        f"(time x{big_s / seconds:.1f} for 10x tickets and 10x agents; linear would be x10, "
        f"(t+a)·log(a) predicts x{10 * (1 + (n_agents * 10).bit_length() / 1) / (1 + n_agents.bit_length()):.1f})"
    )
    ok = rate >= 20_000
    print(f"target >= 20,000 tickets/s: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
