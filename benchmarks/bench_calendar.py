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
  ``numpy.busday_count``, one scalar call each, with a precomputed ``busdaycalendar``;
* a far-year query (issue 12): the first ``add`` at year 9025 on a calendar already
  used in 2025 (what one mistyped reply did to the shared calendar), against the first
  query in 2025 on a fresh calendar and against pandas' first ``CustomBusinessHour``
  addition in 2262 (the last year a pandas ``Timestamp`` holds); then the memory the
  calendar keeps after it (``tracemalloc``, the far query's peak and what stays).

Then every target of issue 2's Performance section is printed with PASS or FAIL.
Never commit the output: figures belong in the closing note of the work, not the repo.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import random
import statistics
import sys
import time
import tracemalloc
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


def per_call_us(jobs, *, repeats, min_batch_ns=20_000_000):
    """Median µs per call of each job, timed in interleaved batches.

    ``jobs`` maps a name to ``(func, args)``. One batch calls ``func(*a)`` once per
    argument tuple (varied inputs, so no cached single answer flatters anyone),
    looped until the batch lasts at least ``min_batch_ns``. Batches of all jobs are
    interleaved, round after round, so that a machine slowing down or speeding up
    mid-run shifts servicekit and its peer alike and leaves their ratio honest.
    """
    loops = {}
    for name, (func, args) in jobs.items():
        for a in args:  # warm-up: lazy tables, caches, specialisation
            func(*a)
        n = 1
        while True:
            t0 = time.perf_counter_ns()
            for _ in range(n):
                for a in args:
                    func(*a)
            if time.perf_counter_ns() - t0 >= min_batch_ns:
                break
            n *= 2
        loops[name] = n
    samples = {name: [] for name in jobs}
    for _ in range(repeats):
        for name, (func, args) in jobs.items():
            n = loops[name]
            gc.collect()  # a pending full collection is nobody's per-call cost
            t0 = time.perf_counter_ns()
            for _ in range(n):
                for a in args:
                    func(*a)
            elapsed = time.perf_counter_ns() - t0
            samples[name].append(elapsed / (n * len(args)) / 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


def first_call_us(make, call, *, repeats):
    """Median µs of ``call(obj)`` on a fresh ``obj = make()``: a cold first query."""
    samples = []
    for _ in range(repeats):
        obj = make()
        gc.collect()
        t0 = time.perf_counter_ns()
        call(obj)
        samples.append((time.perf_counter_ns() - t0) / 1000)
    return statistics.median(samples)


def kept_bytes(make, call):
    """Peak and retained bytes (tracemalloc) of ``call(obj)`` on ``obj = make()``."""
    obj = make()
    gc.collect()
    tracemalloc.start()
    call(obj)
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, current


def plain(instant):
    """The same instant as a stdlib ``datetime`` in ZONE: what a CRM would pass."""
    u = instant.astimezone(TZ)
    fields = (u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond)
    return dt.datetime(*fields, tzinfo=TZ, fold=u.fold)


def to_utc(instant):
    return instant.astimezone(dt.UTC)


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
    aware = [plain(cal.next_open(t)) for t in aware]
    naive = [pd.Timestamp(t.astimezone(TZ).replace(tzinfo=None)) for t in aware]

    print(f"servicekit BusinessCalendar benchmark, {options.calls} inputs, median of")
    print(
        f"{repeats} batches; Python {sys.version.split()[0]}, pandas {pd.__version__},"
    )
    print(f"numpy {np.__version__}")
    print()
    print(f"{'operation':<34}{'servicekit µs':>14}{'peer µs':>10}{'peer/sk':>9}")

    def pandas_add(ts, off):
        return ts + off

    ends = {
        span: [plain(cal.add(t, dt.timedelta(hours=hours))) for t in aware]
        for span, hours in SPANS.items()
    }
    bdc = np.busdaycalendar(weekmask="1111100", holidays=np.array(HOLIDAYS, "M8[D]"))
    ns = [rng.randrange(1, 251) for _ in aware]
    days = [np.datetime64(t.astimezone(TZ).date(), "D") for t in aware]
    pairs = [
        (d, d + dt.timedelta(days=rng.randrange(-366, 367)))
        for d in (t.astimezone(TZ).date() for t in aware)
    ]
    np_pairs = [(np.datetime64(a, "D"), np.datetime64(b, "D")) for a, b in pairs]

    jobs = {}
    for span, hours in SPANS.items():
        delta = dt.timedelta(hours=hours)
        jobs["add", span] = (cal.add, [(t, delta) for t in aware])
        jobs["pandas", span] = (pandas_add, [(t, pandas_offsets[span]) for t in naive])
        jobs["between", span] = (cal.between, list(zip(aware, ends[span], strict=True)))
    jobs["add_business_days"] = (
        cal.add_business_days,
        list(zip(aware, ns, strict=True)),
    )
    jobs["busday_offset"] = (
        functools.partial(np.busday_offset, roll="forward", busdaycal=bdc),
        list(zip(days, ns, strict=True)),
    )
    jobs["business_days_between"] = (cal.business_days_between, pairs)
    jobs["busday_count"] = (functools.partial(np.busday_count, busdaycal=bdc), np_pairs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas' own deprecations are not ours
        us = per_call_us(jobs, repeats=repeats)

    results = {}
    for span in SPANS:
        sk, pdt, btw = us["add", span], us["pandas", span], us["between", span]
        results[span] = {"add": sk, "pandas": pdt, "between": btw}
        print(f"{'add, ' + span:<34}{sk:>14.2f}{pdt:>10.2f}{pdt / sk:>9.1f}")
        print(f"{'between, ' + span:<34}{btw:>14.2f}{'':>10}{'':>9}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = [
                pandas_add(ts, pandas_offsets[span]).tz_localize(ZONE).to_pydatetime()
                for ts in naive
            ]
        # pandas answers "the next opening" where the contract says "the close" when
        # a target lands on an interval end: the same business instant. Only a
        # non-zero business gap between the two answers is a real disagreement.
        pairs_here = list(zip(theirs, ends[span], strict=True))
        late = sum(to_utc(p) != to_utc(e) for p, e in pairs_here)
        wrong = sum(cal.between(e, p) != dt.timedelta(0) for p, e in pairs_here)
        if late or wrong:
            print(
                f"  (pandas: {late}/{len(naive)} answers are the next opening rather"
                f" than the close; {wrong} differ in business time)"
            )
    abd, npo = us["add_business_days"], us["busday_offset"]
    print(
        f"{'add_business_days (n in 1..250)':<34}{abd:>14.2f}{npo:>10.2f}{npo / abd:>9.2f}"
    )
    bdb, npc = us["business_days_between"], us["busday_count"]
    print(
        f"{'business_days_between (±1 year)':<34}{bdb:>14.2f}{npc:>10.2f}{npc / bdb:>9.2f}"
    )
    # For b < a numpy counts (b, a], not [b, a): compare forward ranges only.
    wrong = sum(
        cal.business_days_between(a, b) != int(np.busday_count(x, y, busdaycal=bdc))
        for (a, b), (x, y) in zip(pairs, np_pairs, strict=True)
        if a <= b
    )
    if wrong:
        print(f"  (numpy disagrees with servicekit on {wrong} forward counts)")

    # -- a far-year query (issue 12) ---------------------------------------------------
    def office():
        return BusinessCalendar(
            timezone=ZONE,
            weekly_hours=dict.fromkeys(range(5), INTERVALS),
            holidays=holidays.China(),
        )

    def used_office():
        cal = office()
        cal.add(dt.datetime(2025, 3, 3, 10, tzinfo=TZ), dt.timedelta(hours=2))
        return cal

    def far_add(cal):
        return cal.add(dt.datetime(9025, 3, 3, 10, tzinfo=TZ), dt.timedelta(hours=2))

    def near_add(cal):
        return cal.add(dt.datetime(2025, 3, 3, 10, tzinfo=TZ), dt.timedelta(hours=2))

    def fresh_offset():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.offsets.CustomBusinessHour(
                n=2,
                start=[a for a, _ in INTERVALS],
                end=[b for _, b in INTERVALS],
                weekmask="Mon Tue Wed Thu Fri",
                holidays=HOLIDAYS,
            )

    def pandas_far(off):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.Timestamp(2262, 3, 3, 10) + off

    cold = max(3, repeats // 5)
    far_us = first_call_us(used_office, far_add, repeats=cold)
    near_us = first_call_us(office, near_add, repeats=cold)
    pandas_far_us = first_call_us(fresh_offset, pandas_far, repeats=cold)
    peak, kept = kept_bytes(used_office, far_add)
    print(
        f"{'add, first query at 9025 (cold)':<34}{far_us:>14.0f}{pandas_far_us:>10.0f}"
        f"{pandas_far_us / far_us:>9.2f}"
    )
    print(f"{'add, first query at 2025 (cold)':<34}{near_us:>14.0f}{'':>10}{'':>9}")
    print(
        f"  (peer: pandas' first addition in 2262, the last year it holds; the 9025"
        f" query peaks at {peak / 2**20:.1f} MiB and leaves {kept / 2**20:.1f} MiB)"
    )

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
    checks.append(
        (
            f"far-year first query ≤ 3× a first query in 2025 (is {far_us / near_us:.2f}×)",
            far_us <= 3 * near_us,
        )
    )
    checks.append(
        (
            f"memory kept after a far-year query ≤ 8 MiB (is {kept / 2**20:.1f} MiB)",
            kept <= 8 * 2**20,
        )
    )
    print()
    for label, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    passed = sum(ok for _, ok in checks)
    print(f"\n{passed}/{len(checks)} targets met")


if __name__ == "__main__":
    main()
