"""Benchmark: text conditions (keyword triage) against hand-written ``in`` and ``re``.

Run: ``.venv/bin/python benchmarks/bench_text_conditions.py``

Workload: 20,000 ticket subjects (Chinese and English, 10-60 characters) judged by a
keyword table of six rules, as a triage table or an SLA policy set reads them: two
substrings (``TextContains``), two whole words (``TextHasWord``, one casefolded) and
two regular expressions (``TextMatches``). The peer is the same table written by
hand as Python would: ``in`` for substrings, ``re.search`` with ``\\b`` for words
(a peer only for the Latin words: ``re`` has no notion of a Chinese word) and
``re.search`` for the patterns. The answers must agree.

Then the hostile case: ``(a+)+$`` on a run of ``a`` and a ``!``. ``re`` backtracks
exponentially (it is timed on 18 to 22 characters, each one doubling its time);
``TextMatches`` is timed on 10,000 and 100,000 characters, and must be linear.

Times are CPU (``time.process_time``), best of 5. Targets: the keyword table within
10x of the hand-written peer; the hostile case linear (100,000 characters cost at
most 20x what 10,000 do).
"""

from __future__ import annotations

import random
import re
import time
from typing import TYPE_CHECKING

from servicekit.conditions import TextContains, TextHasWord, TextMatches

if TYPE_CHECKING:
    from collections.abc import Callable

FIELD = "attributes.subject"
WORDS_ZH = [
    "订单",
    "退款",
    "物流",
    "系统故障",
    "发票",
    "你好",
    "请问",
    "无法",
    "支付",
    "客服",
]
WORDS_EN = ["order", "Refund", "late", "system", "down", "invoice", "please", "VIP"]


def make_subjects(n: int, rng: random.Random) -> list[str]:
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(3, 12)):
            if rng.random() < 0.6:
                parts.append(rng.choice(WORDS_ZH))
            else:
                parts.append(" " + rng.choice(WORDS_EN) + " ")
        if rng.random() < 0.2:
            parts.append(f"#{rng.randint(100000, 999999)}")
        out.append("".join(parts))
    return out


RULES = [
    TextContains(field=FIELD, value="退款"),
    TextContains(field=FIELD, value="系统故障"),
    TextHasWord(field=FIELD, word="refund", casefold=True),
    TextHasWord(field=FIELD, word="late"),
    TextMatches(field=FIELD, pattern=r"#\d{6}"),
    TextMatches(field=FIELD, pattern=r"\b(system (is )?down|outage)\b", casefold=True),
]
PEER_PATTERNS = [
    re.compile(r"\brefund\b", re.IGNORECASE),
    re.compile(r"\blate\b"),
    re.compile(r"#\d{6}"),
    re.compile(r"\b(system (is )?down|outage)\b", re.IGNORECASE),
]


def ours(subjects: list[str]) -> list[int]:
    out = []
    for s in subjects:
        facts = {"attributes": {"subject": s}}
        out.append(next((i for i, r in enumerate(RULES) if r.matches(facts)), -1))
    return out


def peer(subjects: list[str]) -> list[int]:
    out = []
    p_refund, p_late, p_order, p_down = PEER_PATTERNS
    for s in subjects:
        if "退款" in s:
            out.append(0)
        elif "系统故障" in s:
            out.append(1)
        elif p_refund.search(s):
            out.append(2)
        elif p_late.search(s):
            out.append(3)
        elif p_order.search(s):
            out.append(4)
        elif p_down.search(s):
            out.append(5)
        else:
            out.append(-1)
    return out


def best(run: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    rng = random.Random(14)
    subjects = make_subjects(20_000, rng)
    assert ours(subjects) == peer(subjects), "the keyword table disagrees with its peer"
    t_ours = best(lambda: ours(subjects))
    t_peer = best(lambda: peer(subjects))
    ratio = t_ours / t_peer
    print(f"keyword table, {len(subjects):,} subjects, 6 rules")
    print(
        f"  servicekit text conditions: {t_ours:.3f} s CPU ({len(subjects) / t_ours:,.0f}/s)"
    )
    print(
        f"  hand-written in / re.search: {t_peer:.3f} s CPU ({len(subjects) / t_peer:,.0f}/s)"
    )
    print(f"  ratio servicekit / peer: {ratio:.2f}x")
    print(f"{'PASS' if ratio <= 10 else 'FAIL'}: keyword table within 10x of the peer")

    hostile = TextMatches(field="s", pattern=r"(a+)+$")
    peer_re = re.compile(r"(a+)+$")
    print("hostile pattern (a+)+$ on 'a' * n + '!'")
    for n in (18, 20, 22):
        text = "a" * n + "!"
        t = best(lambda text=text: peer_re.search(text), repeat=1)
        print(f"  re.search, n={n}: {t * 1000:.1f} ms CPU")
    linear = {}
    for n in (10_000, 100_000):
        facts = {"s": "a" * n + "!"}
        assert not hostile.matches(facts)
        linear[n] = best(lambda facts=facts: hostile.matches(facts))
        print(f"  TextMatches, n={n:,}: {linear[n] * 1000:.1f} ms CPU")
    growth = linear[100_000] / linear[10_000]
    print(f"  10x the text costs {growth:.1f}x the time")
    print(
        f"{'PASS' if growth <= 20 else 'FAIL'}: the hostile pattern is linear in the text"
    )


if __name__ == "__main__":
    main()
