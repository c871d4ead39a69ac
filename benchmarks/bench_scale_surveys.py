"""Benchmark segment tables at scale: serial ``segment_table`` vs mergeable summaries.

Run:  .venv/bin/python benchmarks/bench_scale_surveys.py [--quick] [--repeat 1]

Workload (issue 17): 10,000,000 NPS answers, 32 cities x 12 months, in partitions of
250,000. The peer is ``segment_table`` on every row in one process; the contender is
``summarise_segments`` per partition in 1 or 2 worker processes (a spawn
``multiprocessing`` pool), merged with ``merge_summaries`` in the parent and turned
into a table with ``segment_table_from_summaries``. Each partition's answers are made
inside the process that summarises them, from the partition's seed, so the data set
is never in one process on the parallel path; the serial peer makes the same
partitions, in order, in its own fresh process and keeps them all.

Reported per run: wall seconds (parent's ``perf_counter`` from handing the work to
a started pool, whose workers have imported servicekit, to the finished table), CPU seconds of each process (``time.process_time``), the critical
path (the busiest worker's CPU plus the parent's merge), and each process's peak
resident memory (``ru_maxrss``). The tables must be equal (``==``, float for float)
or the run stops. Targets: speed-up >= 1.6x at 2 workers (printed on wall time and,
since the machine is shared, on the CPU critical path too); a worker's peak memory is
bounded by its partition: it stays within 25 % when the data set is 4x smaller with
the same partitions, and below the serial peer's. The exit status is 1 when a
target is missed (a table that differs stops the run with a message).
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import random
import resource
import sys
import time
from collections import defaultdict

from servicekit.scoring import (
    NpsMeasure,
    merge_summaries,
    segment_table,
    segment_table_from_summaries,
    summarise_segments,
)

CITIES = tuple(f"city-{i:02d}" for i in range(32))
MONTHS = tuple(f"2025-{m:02d}" for m in range(1, 13))
MEASURE = NpsMeasure(field="nps")
BY = {"by": "city", "period": "month"}
TARGET_SPEEDUP = 1.6
MEMORY_SLACK = 1.25
# One dict per distinct (city, month, answer): rows share them, as rows read from a
# columnar file share their interned values. The per-row cost is the list slot.
_ROWS = [
    {"city": c, "month": m, "nps": s} for c in CITIES for m in MONTHS for s in range(11)
]
_NPS_WEIGHTS = list(itertools.accumulate([3, 1, 1, 2, 2, 3, 4, 8, 12, 25, 40]))


def make_rows(seed: int, n: int) -> list[dict]:
    """A partition's ``n`` answers from its seed (cities differ in their mix)."""
    rng = random.Random(seed)
    cells = rng.choices(range(len(CITIES) * len(MONTHS)), k=n)
    scores = rng.choices(range(11), cum_weights=_NPS_WEIGHTS, k=n)
    # Every fourth city moves its passives up a point: the ranks have something to find.
    lifted = [(c // len(MONTHS)) % 4 == 0 for c in range(len(CITIES) * len(MONTHS))]
    return [
        _ROWS[11 * c + (s + 1 if lifted[c] and 6 <= s <= 8 else s)]
        for c, s in zip(cells, scores, strict=True)
    ]


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def serial_table(partitions: list[tuple[int, int]]) -> tuple:
    """The peer, in a fresh process: every row kept, one ``segment_table``."""
    start = time.process_time()
    rows: list[dict] = []
    for seed, n in partitions:
        rows += make_rows(seed, n)
    table = segment_table(rows, measure=MEASURE, **BY)
    return table, time.process_time() - start, _peak_mib()


def summarise_partition(task: tuple[int, int]) -> tuple:
    """A worker's part: make one partition's rows, summarise them, drop the rows."""
    seed, n = task
    start = time.process_time()
    summaries = summarise_segments(make_rows(seed, n), measure=MEASURE, **BY)
    return summaries, time.process_time() - start, os.getpid(), _peak_mib()


def _ready(_: int) -> int:
    time.sleep(0.2)  # long enough that every worker of the pool answers once
    return os.getpid()


def _pool(workers):
    """A spawn pool whose workers have started and imported servicekit."""
    pool = multiprocessing.get_context("spawn").Pool(workers)
    pool.map(_ready, range(workers), chunksize=1)
    return pool


def run_serial(partitions):
    with _pool(1) as pool:
        start = time.perf_counter()
        table, cpu, peak = pool.apply(serial_table, (partitions,))
        wall = time.perf_counter() - start
    return table, wall, cpu, peak


def run_merged(partitions, workers):
    cpu_by_worker: defaultdict[int, float] = defaultdict(float)
    peak_by_worker: dict[int, float] = {}
    merge_cpu = 0.0
    merged: dict = {}
    with _pool(workers) as pool:
        start = time.perf_counter()
        for summaries, cpu, pid, peak in pool.imap_unordered(
            summarise_partition, partitions
        ):
            t = time.process_time()
            merged = merge_summaries(merged, summaries)
            merge_cpu += time.process_time() - t
            cpu_by_worker[pid] += cpu
            peak_by_worker[pid] = max(peak, peak_by_worker.get(pid, 0.0))
        t = time.process_time()
        table = segment_table_from_summaries(merged, **BY)
        merge_cpu += time.process_time() - t
        wall = time.perf_counter() - start
    critical = max(cpu_by_worker.values()) + merge_cpu
    return table, wall, critical, max(peak_by_worker.values()), merge_cpu


def best(runs):
    """The run with the least wall time (best of N)."""
    return min(runs, key=lambda r: r[1])


FAILED: list[bool] = []


def verdict(ok: bool) -> str:
    """PASS or FAIL; a FAIL makes the script's exit status 1."""
    if not ok:
        FAILED.append(True)
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000,000 answers")
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs")
    parser.add_argument("--partition", type=int, default=250_000)
    args = parser.parse_args()
    total = 1_000_000 if args.quick else 10_000_000
    size = min(args.partition, total // 4)
    partitions = [(1000 + i, size) for i in range(total // size)]
    small = partitions[: len(partitions) // 4]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{total:,} NPS answers, {len(CITIES)} cities x {len(MONTHS)} months, "
        f"{len(partitions)} partitions of {size:,}; best of {args.repeat}; "
        f"{os.cpu_count()} cores, load average {load} (wall times need idle cores)"
    )

    serial = best([run_serial(partitions) for _ in range(args.repeat)])
    table, s_wall, s_cpu, s_peak = serial
    print(
        f"serial segment_table          wall {s_wall:7.2f} s  cpu {s_cpu:7.2f} s  "
        f"peak {s_peak:8.1f} MiB"
    )
    results = {}
    for workers in (1, 2):
        run = best([run_merged(partitions, workers) for _ in range(args.repeat)])
        merged_table, wall, critical, peak, merge_cpu = run
        if merged_table != table:
            msg = f"{workers} worker(s): the merged table differs from the serial one"
            raise SystemExit(msg)
        results[workers] = run
        print(
            f"summaries, {workers} worker(s)       wall {wall:7.2f} s  "
            f"critical path {critical:7.2f} s (merge {merge_cpu:.3f} s)  "
            f"worker peak {peak:8.1f} MiB  speed-up wall {s_wall / wall:5.2f}x  "
            f"cpu {s_cpu / critical:5.2f}x"
        )
    _, small_wall, _, small_peak, _ = run_merged(small, 2)
    print(
        f"summaries, 2 workers, {len(small) * size:,} answers: wall {small_wall:.2f} s  "
        f"worker peak {small_peak:.1f} MiB"
    )
    print("tables: merged == serial, every estimate, interval, rank and shrunk value")

    _, wall2, critical2, peak2, _ = results[2]
    print(
        f"{verdict(s_wall / wall2 >= TARGET_SPEEDUP)} speed-up at 2 workers (wall): "
        f"{s_wall / wall2:.2f}x (target >= {TARGET_SPEEDUP}x)"
    )
    print(
        f"{verdict(s_cpu / critical2 >= TARGET_SPEEDUP)} speed-up at 2 workers "
        f"(CPU critical path): {s_cpu / critical2:.2f}x (target >= {TARGET_SPEEDUP}x)"
    )
    bounded = peak2 <= MEMORY_SLACK * small_peak and peak2 < s_peak
    print(
        f"{verdict(bounded)} worker peak bounded by the partition: {peak2:.1f} MiB for "
        f"{total:,} answers vs {small_peak:.1f} MiB for {len(small) * size:,} "
        f"(<= {MEMORY_SLACK}x), serial peer {s_peak:.1f} MiB"
    )
    print("PASS merged tables equal the serial table exactly")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
