"""Benchmark: dispatch a large queue with the indexed router vs a naive all-pairs scan.

Run: ``.venv/bin/python benchmarks/bench_routing.py [--big | --small]``

First, small dispatches (``--small``: only those): one ticket among 20 agents per
``dispatch`` call, 5,000 calls in a row, each handed the agents the previous call
returned, as the demo's simulation does; timed with the router's cross-call memo
(validated team indexes, eligibility, requirements, per-agent live state and the
last ``now``), with the memo forgotten before every call, and with ``strategy="scan"``;
each figure is the best of 3 runs.

Workload: 100,000 queued tickets, 2,000 agents, 30 skills, 5 languages, 3 channels,
the built-in pipeline (``Router.default()``). Each agent has 4 skills at levels 1-10
and speaks Mandarin plus maybe one more language; each ticket needs one skill at
level 3 or above and one language. Two all-pairs peers run on a slice of the queue
and are extrapolated linearly per ticket: ``naive_dispatch`` below, the obvious
hand-written loop (every agent for every ticket, plain predicates, one sort key, no
reasons: the cheapest all-pairs baseline, so the ratio against it is the honest one;
timed with every agent free and with agents as full as the dispatch left them, since
full agents are skipped sooner), and the same router with ``strategy="scan"``, which
judges every agent through every policy and works out the same reasons word for word.
A rule-heavy variant of both workloads (case owners on half the tickets, 20 dedicated
customers per agent) shows the preference rules' cost. Scaling: a workload a tenth the
size (10,000 tickets, 200 agents), so the main run is the "10x tickets and 10x agents"
step; there the naive loop runs the whole queue, so that ratio is measured, not
extrapolated. ``--big`` also runs 1,000,000 tickets on
20,000 agents (minutes, several GB). Every peer must pick the same agents as the
indexed dispatch, which is checked here too. Times are wall clock and CPU (the
process's own CPU time, which other load on the machine does not inflate).
"""

from __future__ import annotations

import datetime as dt
import gc
import math
import random
import sys
import time

import attrs
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


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_RANK = {p: i for i, p in enumerate(Priority)}


def _us(t: dt.datetime) -> int:
    # datetime's own subtraction: pendulum's would build a slow Interval.
    return dt.datetime.__sub__(t, _EPOCH) // dt.timedelta(microseconds=1)


def naive_dispatch(
    tickets: list[Ticket], agents: list[Agent], now: dt.datetime
) -> list[tuple[str, str | None]]:
    """All-pairs baseline: Router.default()'s rules as one plain loop per ticket."""
    owner_wait, share, threshold = dt.timedelta(minutes=30), 0.5, 2
    now_us = _us(now)
    agents = sorted(agents, key=lambda a: a.id)
    by_id = {a.id: a for a in agents}
    load = {a.id: dict(a.load) for a in agents}
    total_cap = {a.id: sum(a.capacity.values()) for a in agents}
    total_load = {a.id: sum(a.load.values()) for a in agents}
    last = {
        a.id: -math.inf if a.last_assigned_at is None else _us(a.last_assigned_at)
        for a in agents
    }

    def queue_key(t: Ticket) -> tuple[object, ...]:
        due = t.due_at
        return (
            _RANK[t.priority],
            due is None,
            0 if due is None else _us(due),
            _us(t.created_at),
            t.id,
        )

    out: list[tuple[str, str | None]] = []
    for t in sorted(tickets, key=queue_key):
        ch, waited = t.channel, now_us - _us(t.created_at)
        owner = by_id.get(t.owner_id) if t.owner_id is not None else None
        holds = (
            owner is not None
            and owner.available
            and owner.capacity.get(t.channel, 0) > 0
            and waited < owner_wait // dt.timedelta(microseconds=1)
        )
        senior_only = t.attributes.get("unresolved_complaints", 0) >= threshold
        best, best_key = None, None
        for a in agents:
            cap, used = a.capacity.get(ch, 0), load[a.id].get(ch, 0)
            if not a.available or used >= cap:
                continue
            if any(a.skills.get(s, 0) < t.min_levels.get(s, 1) for s in t.skills):
                continue
            if t.language is not None and t.language not in a.languages:
                continue
            if t.group is not None and t.group not in a.groups:
                continue
            if a.part_time and used >= max(1, math.floor(cap * share)):
                continue
            if senior_only and not a.senior:
                continue
            if holds and a.id != t.owner_id:
                continue
            key = (
                0 if t.owner_id is None or a.id == t.owner_id else 1,
                0
                if t.customer_id in a.dedicated_customers
                else 1
                if t.tier in a.dedicated_tiers
                else 2,
                total_load[a.id] / total_cap[a.id],
                last[a.id],
                a.id,
            )
            if best_key is None or key < best_key:
                best, best_key = a.id, key
        if best is not None:
            load[best][ch] = load[best].get(ch, 0) + 1
            total_load[best] += 1
            last[best] = now_us
        out.append((t.id, best))
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


def rule_heavy(
    tickets: list[Ticket], agents: list[Agent], seed: int
) -> tuple[list[Ticket], list[Agent]]:
    """The same queue where the preference rules bite: every agent manages 20
    customers personally, half the tickets have a case owner, and tickets are at most
    20 minutes old, so owners' claims (30 minutes) still hold."""
    rng = random.Random(seed)
    agents = [
        attrs.evolve(
            a,
            dedicated_customers={f"C{i:05d}" for i in rng.sample(range(50_000), 20)},
        )
        for a in agents
    ]
    ids = [a.id for a in agents]
    tickets = [
        attrs.evolve(
            t,
            owner_id=rng.choice(ids) if rng.random() < 0.5 else None,
            created_at=NOW.subtract(seconds=rng.randint(0, 1200)),
        )
        for t in tickets
    ]
    return tickets, agents


def report(label: str, n: int, wall: float, cpu: float) -> None:
    print(
        f"{label}: {n:,} tickets in {wall:.2f} s wall / {cpu:.2f} s CPU = "
        f"{n / wall:,.0f} tickets/s wall, {n / cpu:,.0f} tickets/s CPU "
        f"({cpu / n * 1e6:.1f} us CPU per ticket)"
    )


def forget(router: Router) -> None:
    """Drop everything the router keeps across calls (benchmark only)."""
    compiled = router._compiled  # noqa: SLF001  # benchmark only
    compiled.team = None
    compiled.teams = {}
    compiled.requirements = {}
    compiled.lives = {}
    compiled.earlier = {}
    compiled.last_now = None


def small_dispatches(
    router: Router,
    tickets: list[Ticket],
    agents: list[Agent],
    strategy: str = "indexed",
    *,
    cold: bool = False,
) -> tuple[list[tuple[str, str | None]], float]:
    """The demo's pattern: one ticket per ``dispatch`` call, each call handed the
    agents the previous call returned (loads carried over, a full desk reset).
    ``cold`` forgets the router's cross-call memo before every call (the path every
    call took before it existed). Returns the choices and CPU seconds per call."""
    out = []
    current = agents
    gc.collect()
    cpu = time.process_time()
    for t in tickets:
        if cold:
            forget(router)
        r = router.dispatch([t], current, NOW, strategy=strategy)  # type: ignore[arg-type]
        chosen = r.assignments[0].agent_id if r.assignments else None
        out.append((t.id, chosen))
        current = list(r.agents) if chosen is not None else agents
    return out, (time.process_time() - cpu) / len(tickets)


def _best_of_3(
    router: Router,
    tickets: list[Ticket],
    agents: list[Agent],
    strategy: str = "indexed",
    *,
    cold: bool = False,
) -> tuple[list[tuple[str, str | None]], float]:
    """``small_dispatches`` run 3 times; the run with the least CPU time.

    Each run starts with the router's memo forgotten, as the first run would, so a
    later run is not flattered by the memo an earlier one filled.
    """
    runs = []
    for _ in range(3):
        forget(router)
        runs.append(small_dispatches(router, tickets, agents, strategy, cold=cold))
    assert all(r[0] == runs[0][0] for r in runs)
    return min(runs, key=lambda r: r[1])


def small(router: Router) -> None:
    """Route one ticket among 20 agents, call after call (target: <= 20 us)."""
    rng = random.Random(11)
    agents = make_agents(20, rng)
    tickets = make_tickets(5_000, rng)
    # Each figure is the best of 3 runs (as in bench_sla): one run is a tenth of a
    # second, short enough for a neighbour's burst on a shared machine to skew it.
    warm, warm_cpu = _best_of_3(router, tickets, agents)
    cold, cold_cpu = _best_of_3(router, tickets, agents, cold=True)
    scan, scan_cpu = _best_of_3(router, tickets, agents, "scan")
    print(
        f"small dispatches: {len(tickets):,} calls of one ticket among {len(agents)} "
        "agents, each handed the agents the previous call returned"
    )
    print(f"  indexed, memo reused across calls: {warm_cpu * 1e6:.1f} us CPU per call")
    print(
        f"  indexed, memo forgotten before each call: {cold_cpu * 1e6:.1f} us CPU per "
        f"call (x{cold_cpu / warm_cpu:.1f})"
    )
    print(
        f"  strategy='scan': {scan_cpu * 1e6:.1f} us CPU per call "
        f"(x{scan_cpu / warm_cpu:.1f}); same choices in all three: "
        f"{warm == cold == scan}"
    )
    verdict = "met" if warm_cpu <= 20e-6 else "NOT met"
    print(f"  target <= 20 us per call: {verdict} on CPU time")


def main() -> None:
    big = "--big" in sys.argv
    router = Router.default()
    small(router)
    if "--small" in sys.argv:
        return
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

    # The naive loop's cost per ticket depends on how many agents are already full,
    # so it is timed at both ends of the run: with every agent free (dearest), and
    # with the agents as the full dispatch left them (cheapest).
    naive_n = 1_000
    part = tickets[:naive_n]
    for label, state in [
        ("every agent free", agents),
        ("agents as the full dispatch left them", list(result.agents)),
    ]:
        fast = router.dispatch(part, state, NOW)
        fast_pairs = [(a.ticket_id, a.agent_id) for a in fast.assignments]
        fast_pairs += [(u.ticket_id, None) for u in fast.unassigned]
        naive, naive_wall, naive_cpu = timed(
            lambda s=state: naive_dispatch(part, s, NOW)
        )
        report(
            f"peer 1: naive all-pairs loop, {naive_n:,} tickets x {n_agents:,} agents, "
            f"{label}",
            naive_n,
            naive_wall,
            naive_cpu,
        )
        print(
            f"  extrapolated to {n_tickets:,} tickets at the same per-ticket cost: "
            f"{naive_cpu / naive_n * n_tickets:,.0f} s CPU; same assignments as the "
            f"indexed dispatch on the slice: {sorted(naive) == sorted(fast_pairs)}"
        )
        ratio = (naive_cpu / naive_n) / (cpu / n_tickets)
        print(
            f"ratio: indexed is {ratio:,.0f}x faster per ticket than the naive "
            f"all-pairs loop with {label} (CPU)"
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
        f"peer 2: router strategy='scan' (every agent judged), {slice_n} tickets "
        f"x {n_agents:,} agents",
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
        f"ratio: indexed is {ratio:,.0f}x faster per ticket than the scan strategy (CPU)"
    )

    small_t, small_a = n_tickets // 10, n_agents // 10
    s_tickets, s_agents = workload(small_t, small_a, seed=8)
    s_result, s_wall, s_cpu = timed(lambda: router.dispatch(s_tickets, s_agents, NOW))
    report(f"scaling: {small_t:,} tickets x {small_a:,} agents", small_t, s_wall, s_cpu)
    # The slices above start with every agent free; here the naive loop runs the whole
    # queue as agents fill up, so its cost is measured, not extrapolated.
    s_naive, sn_wall, sn_cpu = timed(lambda: naive_dispatch(s_tickets, s_agents, NOW))
    s_pairs = [(a.ticket_id, a.agent_id) for a in s_result.assignments]
    s_pairs += [(u.ticket_id, None) for u in s_result.unassigned]
    report("  peer 1 on the whole of it", small_t, sn_wall, sn_cpu)
    print(
        f"  same assignments for all {small_t:,} tickets: "
        f"{sorted(s_naive) == sorted(s_pairs)}; "
        f"ratio: indexed is {sn_cpu / s_cpu:,.0f}x faster (CPU, measured)"
    )
    predicted = 10 * math.log2(n_agents) / math.log2(small_a)
    print(
        f"  10x tickets and 10x agents cost x{cpu / s_cpu:.1f} CPU "
        f"(linear would be x10; (tickets + agents)·log(agents) predicts x{predicted:.1f}; "
        f"an all-pairs scan would be x100)"
    )
    h_tickets, h_agents = rule_heavy(tickets, agents, seed=3)
    hs_tickets, hs_agents = rule_heavy(s_tickets, s_agents, seed=4)
    _, h_wall, h_cpu = timed(lambda: router.dispatch(h_tickets, h_agents, NOW))
    _, hs_wall, hs_cpu = timed(lambda: router.dispatch(hs_tickets, hs_agents, NOW))
    report(
        "rule-heavy variant (case owners on half the tickets, 20 dedicated customers "
        f"per agent): {n_tickets:,} x {n_agents:,}",
        n_tickets,
        h_wall,
        h_cpu,
    )
    report(f"  and {small_t:,} x {small_a:,}", small_t, hs_wall, hs_cpu)
    print(f"  10x tickets and 10x agents cost x{h_cpu / hs_cpu:.1f} CPU")
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
    verdict = {True: "met", False: "NOT met"}
    print(
        f"target >= 20,000 tickets/s: {verdict[n_tickets / cpu >= 20_000]} on CPU "
        f"time, {verdict[n_tickets / wall >= 20_000]} on wall-clock time "
        f"(rule-heavy variant: {verdict[n_tickets / h_cpu >= 20_000]} on CPU time)"
    )


if __name__ == "__main__":
    main()
