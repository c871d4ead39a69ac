"""CPU time of ``servicekit demo --jobs 1`` against its 4-second goal (issue 12).

Runs the installed ``servicekit`` script as a user would (a fresh process each time, so
imports count), several times, and reports for each run the child's **CPU time** (user
plus system, from ``resource.getrusage(RUSAGE_CHILDREN)``) and, for information only,
its wall time, which on a shared machine is mostly the other processes' noise:

* the default demo with ``--jobs 1`` (everything in one process): the goal is at most
  4 s of CPU;
* ``--volume 300 --jobs 1``: a quarter of the month, to see how the cost scales;
* the peer: ``python -c "import pandas"``, the start-up of the usual analysis stack, to
  put the numbers in proportion.

Nothing here passes or fails: it prints the median CPU time and its ratio to the goal.
``--html`` is never timed (writing a page is not what the goal is about). Run it with
``.venv/bin/python benchmarks/bench_demo.py``.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL_CPU_SECONDS = 4.0
RUNS = 3


def script() -> list[str]:
    beside = Path(sys.executable).with_name("servicekit")
    return (
        [str(beside)] if beside.exists() else [sys.executable, "-m", "servicekit.cli"]
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of ``args`` in a child process."""
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 -- our own script
    return _children_cpu() - cpu, time.perf_counter() - start


def measure(label: str, args: list[str]) -> float:
    runs = [timed(args) for _ in range(RUNS)]
    cpu = statistics.median(c for c, _ in runs)
    wall = statistics.median(w for _, w in runs)
    print(
        f"{label:<36} CPU median {cpu:6.2f} s  best {min(c for c, _ in runs):6.2f} s"
        f"   (wall median {wall:6.2f} s)"
    )
    return cpu


def main() -> None:
    print(
        f"servicekit demo, {RUNS} runs each, {os.cpu_count()} CPUs, CPU time of the child"
    )
    serial = measure("demo --jobs 1", [*script(), "demo", "--jobs", "1"])
    measure(
        "demo --volume 300 --jobs 1",
        [*script(), "demo", "--volume", "300", "--jobs", "1"],
    )
    try:
        peer = measure(
            "peer: python -c 'import pandas'", [sys.executable, "-c", "import pandas"]
        )
    except subprocess.CalledProcessError:  # pragma: no cover - pandas missing
        peer = float("nan")
    print(
        f"goal {GOAL_CPU_SECONDS:.0f} s of CPU with --jobs 1: the demo takes "
        f"{serial / GOAL_CPU_SECONDS:.2f}x the goal ({serial:.2f} s)"
    )
    print(f"the whole demo costs {serial / peer:.1f}x importing pandas (CPU)")


if __name__ == "__main__":
    main()
