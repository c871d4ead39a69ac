"""Benchmark: render 100,000 routing reasons in English and in Simplified Chinese.

Run: ``.venv/bin/python benchmarks/bench_messages.py``

The reasons are the router's own: a queue of 2,000 tickets dispatched among 200
agents (the workload of ``bench_routing.py``, a tenth of its size) with the built-in
pipeline, each decision's reasons (and their nested notes) taken as they are, the
whole repeated to 100,000 reason lines. Timed (CPU time, best of 3):

* building: what the router pays, the reasons as ``Message`` values (no text);
* English: ``str()`` of each, the text servicekit has always printed;
* Chinese: ``render(messages, "zh-CN")``, the gettext catalog and Babel's CLDR
  formatting (Babel's import and the catalog's first read are paid before timing);
* the peer: each line made as English text at once, when it is built, as the
  router did before its reasons were messages (the same words, so the same work as
  its f-strings did, within the cost of the template lookup).

Targets: building a reason as a message costs no more than making its text did
(ratio <= 1.05), so the router does not slow down (``bench_routing.py`` checks the
router itself: ``benchmarks/compare.py main --only bench_routing -- --small``);
each locale renders 100,000 reasons within 2 s of CPU time (20 us a line), fast
enough to show a full day's decisions in a CRM.
"""

from __future__ import annotations

import gc
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_routing import NOW, make_agents, make_tickets

from servicekit.messages import Message, render
from servicekit.routing import Router

LINES = 100_000


def best_cpu(fn, repeat=3):
    best = None
    out = None
    for _ in range(repeat):
        gc.collect()
        cpu = time.process_time()
        out = fn()
        took = time.process_time() - cpu
        best = took if best is None else min(best, took)
    return out, best


def reasons() -> list[Message | str]:
    rng = random.Random(7)
    agents = make_agents(200, rng)
    tickets = make_tickets(2_000, rng)
    result = Router.default().dispatch(tickets, agents, NOW)
    lines: list[Message | str] = []
    for d in (*result.assignments, *result.unassigned):
        lines.extend(d.messages)
    return (lines * (LINES // len(lines) + 1))[:LINES]


def rebuild(lines: list[Message | str]) -> list[Message]:
    # What the router pays: one Message per line (the notes inside are shared).
    return [Message(m.code, m.params) for m in lines if isinstance(m, Message)]


def eager(lines: list[Message | str]) -> list[str]:
    # The peer: the text made when the line is built.
    return [str(Message(m.code, m.params)) for m in lines if isinstance(m, Message)]


def main() -> None:
    lines = reasons()
    render(lines[:10], "zh-CN")  # Babel's import and the catalog's read, once
    _, build = best_cpu(lambda: rebuild(lines))
    _, peer = best_cpu(lambda: eager(lines))
    english, en_cpu = best_cpu(lambda: [str(m) for m in lines])
    chinese, zh_cpu = best_cpu(lambda: render(lines, "zh-CN"))
    n = len(lines)
    print(f"rendering {n:,} routing reasons (CPU time, best of 3)")
    print(
        f"  building them as messages: {build * 1e3:.1f} ms ({build / n * 1e6:.2f} us a line)"
    )
    print(
        f"  peer, text made when built: {peer * 1e3:.1f} ms ({peer / n * 1e6:.2f} us a line)"
    )
    print(f"  English, str(): {en_cpu * 1e3:.1f} ms ({en_cpu / n * 1e6:.2f} us a line)")
    print(
        f"  Simplified Chinese, render(..., 'zh-CN'): {zh_cpu * 1e3:.1f} ms ({zh_cpu / n * 1e6:.2f} us a line; x{zh_cpu / en_cpu:.1f} English)"
    )
    print(f"  sample: {english[0]}")
    print(f"          {chinese[0]}")
    ratio = build / peer
    print(
        f"  building / text when built: {ratio:.2f} (target <= 1.05): {'PASS' if ratio <= 1.05 else 'FAIL'}"
    )
    for name, took in (("English", en_cpu), ("Chinese", zh_cpu)):
        verdict = "PASS" if took <= 2.0 else "FAIL"
        print(f"  {name}: {took:.2f} s for {n:,} (target <= 2 s): {verdict}")


if __name__ == "__main__":
    main()
