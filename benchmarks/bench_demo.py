"""Wall time of ``servicekit demo`` against its 10-second budget (issue 7).

Runs the installed ``servicekit`` script as a user would (a fresh process each time, so
imports count), several times, and prints the median and the best:

* the default demo (one month, 1,200 requests a working day, ``--jobs`` automatic);
* the same with ``--jobs 1`` (everything in one process), the cost on a one-core machine;
* ``--json --html`` (the renderers' share);
* the peer: ``python -c "import pandas"``, the start-up of the usual analysis stack, to
  put the numbers in proportion (a notebook that imports pandas has not begun yet).

The budget is the issue's: under 10 s on this machine (2 cores). Run it on a quiet
machine: ``.venv/bin/python benchmarks/bench_demo.py``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET = 10.0
RUNS = 3


def script() -> list[str]:
    beside = Path(sys.executable).with_name("servicekit")
    return (
        [str(beside)] if beside.exists() else [sys.executable, "-m", "servicekit.cli"]
    )


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 -- our own script
    return time.perf_counter() - start


def measure(label: str, args: list[str]) -> float:
    times = [timed(args) for _ in range(RUNS)]
    median = statistics.median(times)
    print(f"{label:<38} median {median:6.2f} s   best {min(times):6.2f} s")
    return median


def main() -> None:
    print(f"servicekit demo, {RUNS} runs each, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        page = str(Path(tmp) / "report.html")
        default = measure("demo (default)", [*script(), "demo"])
        serial = measure("demo --jobs 1", [*script(), "demo", "--jobs", "1"])
        measure(
            "demo --json --html FILE", [*script(), "demo", "--json", "--html", page]
        )
    try:
        peer = measure(
            "peer: python -c 'import pandas'", [sys.executable, "-c", "import pandas"]
        )
    except subprocess.CalledProcessError:  # pragma: no cover - pandas missing
        peer = float("nan")
    print(
        f"budget {BUDGET:.0f} s: default uses {default / BUDGET:.0%} of it "
        f"({'PASS' if default < BUDGET else 'FAIL'}); --jobs 1 uses {serial / BUDGET:.0%}"
    )
    print(f"the whole demo costs {default / peer:.1f}x importing pandas")


if __name__ == "__main__":
    main()
