"""Benchmark: servicekit ``BusinessCalendar`` against pandas and numpy (issue 2).

Run it on its own (it is not part of the test run)::

    .venv/bin/python benchmarks/bench_calendar.py [--quick]

Equivalent work on both sides: Mon-Fri 09:00-12:00 and 13:00-18:00 (whole hours,
because pandas ``CustomBusinessHour`` needs them), the same holiday dates (China's
2024-2028 public holidays as a plain list, so no make-up days, which pandas and numpy
cannot express), and the same varied start instants in 2025-2026. Shanghai has no DST,
so pandas' naive wall clock and servicekit's zone-aware instants mean the same thing.

Timed, in this one process, as the median over repeated batches of the per-call cost
(``time.perf_counter_ns``, after a warm-up batch):

* ``add`` over 1 business hour, 1 business week (40 h) and 1 business year (2000 h),
  servicekit vs ``Timestamp + CustomBusinessHour(n)``;
* ``between`` over the same spans (servicekit only: pandas has no equivalent);
* ``add_business_days`` vs ``numpy.busday_offset`` and ``business_days_between`` vs
  ``numpy.busday_count``, one scalar call each, with a precomputed ``busdaycalendar``.

Then every target of issue 2's Performance section is printed with PASS or FAIL.
Never commit the output: figures belong in the closing note of the work, not the repo.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import random
import statistics
import sys
import time
import warnings
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pandas as pd

from servicekit.sla import BusinessCalendar

ZONE = "Asia/Shanghai"
TZ = ZoneInfo(ZONE)
INTERVALS = (("09:00", "12:00"), ("13:00", "18:00"))  # 8 business hours a day
HOLIDAYS = sorted(d for d in holidays.China(years=range(2024, 2029)))
SPANS = {"1 hour": 1, "1 week": 5 * 8, "1 year": 250 * 8}  # business hours


def per_call_us(func, args, *, repeats, min_batch_ns=20_000_000):
    """Median µs per call of ``func(*a)`` over ``args``, in repeated batches.

    One batch calls ``func`` once per argument tuple (varied inputs, so no cache of
    a single answer flatters anyone); batches are repeated until each lasts at
    least ``min_batch_ns`` in total, then ``repeats`` batches are timed.
    """
    for a in args:  # warm-up: imports, lazy tables, branch predictors
        func(*a)
    loops = 1
    while True:
        t0 = time.perf_counter_ns()
        for _ in range(loops):
            for a in args:
                func(*a)
        if time.perf_counter_ns() - t0 >= min_batch_ns:
            break
        loops *= 2
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        for _ in range(loops):
            for a in args:
                func(*a)
        samples.append((time.perf_counter_ns() - t0) / (loops * len(args)) / 1000)
    return statistics.median(samples)


def starts(rng, n):
    """Varied start instants: any minute of 2025, some inside hours, some outside."""
    base = dt.datetime(2025, 1, 1, tzinfo=TZ)
    return [base + dt.timedelta(minutes=rng.randrange(365 * 24 * 60)) for _ in range(n)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--calls", type=int, default=200, help="distinct inputs")
    options = parser.parse_args()
    repeats = 5 if options.quick else 25
    rng = random.Random(20250126)

    cal = BusinessCalendar(
        timezone=ZONE,
        weekly_hours=dict.fromkeys(range(5), INTERVALS),
        holidays=HOLIDAYS,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas' own deprecations are not ours
        pandas_offsets = {
            span: pd.offsets.CustomBusinessHour(
                n=hours,
                start=[a for a, _ in INTERVALS],
                end=[b for _, b in INTERVALS],
                weekmask="Mon Tue Wed Thu Fri",
                holidays=HOLIDAYS,
            )
            for span, hours in SPANS.items()
        }
    aware = starts(rng, options.calls)
    # Pandas starts must already be inside business hours: CustomBusinessHour first
    # rolls an outside instant to the next opening, while servicekit waits for it.
    # Both sides get the same, open, instants so that they do the same work.
    aware = [cal.next_open(t) for t in aware]
    naive = [pd.Timestamp(t.astimezone(TZ).replace(tzinfo=None)) for t in aware]

    print(f"servicekit BusinessCalendar benchmark, {options.calls} inputs, median of")
    print(
        f"{repeats} batches; Python {sys.version.split()[0]}, pandas {pd.__version__},"
    )
    print(f"numpy {np.__version__}")
    print()
    print(f"{'operation':<34}{'servicekit µs':>14}{'peer µs':>10}{'peer/sk':>9}")

    results = {}
    for span, hours in SPANS.items():
        delta = dt.timedelta(hours=hours)
        offset = pandas_offsets[span]
        sk = per_call_us(cal.add, [(t, delta) for t in aware], repeats=repeats)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pdt = per_call_us(
                lambda ts, off: ts + off, [(t, offset) for t in naive], repeats=repeats
            )
        ends = [cal.add(t, delta) for t in aware]
        btw = per_call_us(
            cal.between, list(zip(aware, ends, strict=True)), repeats=repeats
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            disagree = sum(
                (ts + offset) != pd.Timestamp(e.astimezone(TZ).replace(tzinfo=None))
                for ts, e in zip(naive, ends, strict=True)
            )
        results[span] = {"add": sk, "pandas": pdt, "between": btw}
        print(f"{'add, ' + span:<34}{sk:>14.2f}{pdt:>10.2f}{pdt / sk:>9.1f}")
        print(f"{'between, ' + span:<34}{btw:>14.2f}{'':>10}{'':>9}")
        if disagree:
            print(
                f"  (pandas disagrees with servicekit on {disagree}/{len(naive)} adds)"
            )

    bdc = np.busdaycalendar(weekmask="1111100", holidays=np.array(HOLIDAYS, "M8[D]"))
    ns = [rng.randrange(1, 251) for _ in aware]
    days = [np.datetime64(t.astimezone(TZ).date(), "D") for t in aware]
    abd = per_call_us(
        cal.add_business_days, list(zip(aware, ns, strict=True)), repeats=repeats
    )
    npo = per_call_us(
        functools.partial(np.busday_offset, roll="forward", busdaycal=bdc),
        list(zip(days, ns, strict=True)),
        repeats=repeats,
    )
    print(
        f"{'add_business_days (n in 1..250)':<34}{abd:>14.2f}{npo:>10.2f}{npo / abd:>9.2f}"
    )
    pairs = [
        (
            t.astimezone(TZ).date(),
            t.astimezone(TZ).date() + dt.timedelta(days=rng.randrange(-366, 367)),
        )
        for t in aware
    ]
    np_pairs = [(np.datetime64(a, "D"), np.datetime64(b, "D")) for a, b in pairs]
    bdb = per_call_us(cal.business_days_between, pairs, repeats=repeats)
    npc = per_call_us(
        functools.partial(np.busday_count, busdaycal=bdc), np_pairs, repeats=repeats
    )
    print(
        f"{'business_days_between (±1 year)':<34}{bdb:>14.2f}{npc:>10.2f}{npc / bdb:>9.2f}"
    )
    wrong = sum(
        cal.business_days_between(a, b) != int(np.busday_count(x, y, busdaycal=bdc))
        for (a, b), (x, y) in zip(pairs, np_pairs, strict=True)
    )
    if wrong:
        print(f"  (numpy disagrees with servicekit on {wrong}/{len(pairs)} counts)")

    checks = []
    for what in ("add", "between"):
        ratio = results["1 year"][what] / results["1 hour"][what]
        checks.append(
            (f"{what}: 1-year cost ≤ 2× 1-hour cost (is {ratio:.2f}×)", ratio <= 2)
        )
    for span in SPANS:
        ratio = results[span]["pandas"] / results[span]["add"]
        checks.append(
            (f"add {span}: ≥ 8× faster than pandas (is {ratio:.1f}×)", ratio >= 8)
        )
    for span in SPANS:
        ratio = results[span]["between"] / results[span]["add"]
        checks.append(
            (f"between {span}: < ¼ of servicekit add (is {ratio:.2f}×)", ratio < 0.25)
        )
    checks.append(
        (
            f"business_days_between ≤ 2× numpy busday_count (is {bdb / npc:.2f}×)",
            bdb <= 2 * npc,
        )
    )
    checks.append(
        (
            f"add_business_days ≤ 5× numpy busday_offset (is {abd / npo:.2f}×)",
            abd <= 5 * npo,
        )
    )
    print()
    for label, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    passed = sum(ok for _, ok in checks)
    print(f"\n{passed}/{len(checks)} targets met")


if __name__ == "__main__":
    main()
