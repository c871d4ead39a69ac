"""Run benchmarks at two git revisions side by side, in one sitting, and compare.

Usage::

    .venv/bin/python benchmarks/compare.py BEFORE [AFTER] [--only NAME ...] [-- ARGS]

``BEFORE`` and ``AFTER`` are git revisions (``AFTER`` defaults to the working tree as
it is, uncommitted changes included). Each revision is checked out into a temporary
worktree (the working tree itself for the default ``AFTER``) and every benchmark
script is run with that revision's own script and its own ``src/`` first on
``PYTHONPATH``, by this interpreter (so both use the same installed dependencies).
The two sides of each benchmark run one right after the other, so a change in the
load of a shared machine falls on both alike (rerun to see the noise).

``--only bench_sla`` (repeatable) restricts the run to some scripts; arguments after
``--`` are passed to every script (``-- --small`` for bench_routing's quick mode).

Each script prints its own report; this prints both reports of a benchmark one after
the other and then, for every line found on both sides (the same text with its
numbers left out), the first number that differs and the ratio ``after / before``,
labelled by the text before it. A ratio is only as meaningful as the line's number: for a time
below 1 is faster, for a throughput above 1 is better; the label says which. Nothing
passes or fails here; the ratios are for a person to read (and to quote in a closing
note, with this command).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def git(*args: str) -> str:
    return subprocess.run(  # noqa: S603 -- git with our own arguments
        ["git", "-C", str(ROOT), *args],  # noqa: S607 -- git from PATH, as a user runs it
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def checkout(rev: str, into: Path) -> Path:
    git("worktree", "add", "--detach", "--force", str(into), rev)
    return into


def run(tree: Path, script: str, args: list[str]) -> str:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    done = subprocess.run(  # noqa: S603 -- this interpreter on our own scripts
        [sys.executable, str(tree / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tree,
        check=False,
    )
    out = done.stdout
    if done.returncode != 0:
        out += f"\n[exit {done.returncode}]\n{done.stderr[-2000:]}"
    return out


def keyed(report: str) -> dict[str, str]:
    """Lines with numbers, keyed by their shape (numbers as ``#``, first 40 chars)."""
    found: dict[str, str] = {}
    for line in report.splitlines():
        if NUMBER.search(line):
            found.setdefault(NUMBER.sub("#", " ".join(line.split()))[:40], line)
    return found


def compare(before: str, after: str) -> list[str]:
    """For each line on both sides: its first number that differs, and the ratio."""
    old, new = keyed(before), keyed(after)
    rows = []
    for key, line in old.items():
        if key not in new:
            continue
        pairs = zip(NUMBER.finditer(line), NUMBER.finditer(new[key]), strict=False)
        for a, b in pairs:
            x, y = (float(m.group().replace(",", "")) for m in (a, b))
            if x != y:
                label = " ".join(line[: a.start()].split())[-60:]
                ratio = f"{y / x:8.3f}" if x else "       -"
                rows.append(f"  {ratio}  {x:>12g} -> {y:<12g} {label}")
                break
    return rows


def main() -> None:
    argv = sys.argv[1:]
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before")
    parser.add_argument("after", nargs="?")
    parser.add_argument("--only", action="append", default=[])
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="servicekit-compare-") as tmp:
        trees = {"before": checkout(options.before, Path(tmp) / "before")}
        trees["after"] = (
            checkout(options.after, Path(tmp) / "after") if options.after else ROOT
        )
        try:
            scripts = sorted(
                p.name
                for p in (trees["before"] / "benchmarks").glob("bench_*.py")
                if (trees["after"] / "benchmarks" / p.name).exists()
            )
            wanted = {n.removesuffix(".py") for n in options.only}
            for script in scripts:
                if wanted and script.removesuffix(".py") not in wanted:
                    continue
                reports = {
                    side: run(tree, script, extra) for side, tree in trees.items()
                }
                for side, report in reports.items():
                    rev = (
                        (options.after or "working tree")
                        if side == "after"
                        else options.before
                    )
                    print(f"=== {script} at {side} ({rev})\n{report.rstrip()}\n")
                print(f"=== {script}: after / before, line by line")
                print(
                    "\n".join(compare(reports["before"], reports["after"]))
                    or "  (no line in common)"
                )
                print()
        finally:
            for tree in trees.values():
                if tree != ROOT:
                    git("worktree", "remove", "--force", str(tree))


if __name__ == "__main__":
    main()
