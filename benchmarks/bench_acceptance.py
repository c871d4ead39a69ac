"""Benchmark: applying events to requirements of a richer process (issue 18).

Run it on its own (it is not part of the test run)::

    .venv/bin/python benchmarks/bench_acceptance.py [--quick]

Work, identical in shape on both sides and built before any timing:

* **standard**: 5,000 requirements of ``STANDARD_PROCESS`` on the China calendar,
  half of them complex; each gets 20 events (sheet, confirmation, solution drafted,
  reviewed for the complex half, presented and agreed, two tasks added (one with a
  window in business hours), progressed and done, a weekly report, the delivery to
  internal acceptance and the delivery application that passes it, a failed
  acceptance naming its criterion, a second delivery and application, the
  acceptance and the follow-up), meeting the recurring progress note and report
  as it goes: 100,000 events in all, applied round-robin so every requirement's
  history grows as in a live CRM.
* **today** (the peer, main's code path): the same 5,000 requirements on
  ``DEFAULT_PROCESS`` with today's event mix (sheet, confirmation, 13 delay
  notices, two deliveries, a failed and a passed acceptance, the follow-up).

Timed with ``time.process_time`` (the machine is shared), best of N rounds:

* ``apply`` per event on each side, and the ratio richer / today;
* asking every requirement for its due duties at one instant (``due_duties(now)``:
  the state's duty, open tasks, recurring instances) with the standard
  requirements stopped mid-way (in delivery, tasks open), at 1,000, 2,000 and
  5,000 requirements: the cost per requirement must stay flat (linear); and,
  for information, the recurring instances missed by then (``missed(now)``, which
  walks each missed period).

Targets (issue 18): ``apply`` under 60 µs per event on the standard process; the
due-duties query linear (per-requirement cost at 5,000 within 1.5x of at 1,000).
Never commit the output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

import holidays
import pendulum

from servicekit.acceptance import (
    DEFAULT_PROCESS,
    STANDARD_PROCESS,
    AcceptanceFailed,
    AcceptancePassed,
    CustomerConfirmed,
    DelayAnnounced,
    Delivered,
    DeliveryApplied,
    FollowUpDone,
    ProgressReported,
    Requirement,
    RequirementPolicy,
    SheetSent,
    SolutionAgreed,
    SolutionDrafted,
    SolutionPresented,
    SolutionReviewed,
    TaskAdded,
    TaskDone,
    TaskProgressed,
    Verdict,
)
from servicekit.sla import BusinessCalendar, parse_hours

SH = "Asia/Shanghai"
CHINA = BusinessCalendar(
    timezone=SH,
    weekly_hours=parse_hours("Mon-Fri 09:00-12:00, 13:30-18:00"),
    holidays=holidays.China(years=range(2024, 2028)),
)
POLICY = RequirementPolicy(CHINA)
EVENTS_PER_REQUIREMENT = 20

RICHER = STANDARD_PROCESS
CRITERIA = ("totals match", "runs in 5 minutes")


def script(start: pendulum.DateTime, *, standard: bool, complex_: bool) -> list[object]:
    """20 legal events for one requirement, all on time (dated minutes apart)."""
    t = start

    def at() -> pendulum.DateTime:
        nonlocal t
        t = t.add(minutes=5)
        return t

    far = start.add(days=300)
    if not standard:
        # Today's mix: sheet, confirmation, delay notices, two deliveries, follow-up.
        events: list[object] = [
            SheetSent(at=at(), delivery_due=far),
            CustomerConfirmed(at=at()),
        ]
        events += [
            DelayAnnounced(at=at(), new_due=far.add(days=i + 1)) for i in range(13)
        ]
        return [
            *events,
            Delivered(at=at()),
            AcceptanceFailed(at=at(), reasons=["totals off"]),
            Delivered(at=at()),
            AcceptancePassed(at=at()),
            FollowUpDone(at=at(), solved=True, attitude=5, competence=4),
        ]
    events = [
        SheetSent(at=at(), delivery_due=far),
        CustomerConfirmed(at=at()),
        SolutionDrafted(at=at(), steps=["export", "reconcile"]),
    ]
    if complex_:
        events.append(
            SolutionReviewed(
                at=at(), verdicts=[Verdict(department="legal", approved=True)]
            )
        )
    events += [
        SolutionPresented(at=at()),
        SolutionAgreed(at=at()),
        TaskAdded(at=at(), task="T1", owner="Li", within=dt.timedelta(hours=6)),
        TaskAdded(at=at(), task="T2", owner="Wang", due_at=far),
        ProgressReported(at=at(), summary="on track"),
    ]
    # Progress notes fill the script to 20 events (one more for a simple one).
    notes = EVENTS_PER_REQUIREMENT - len(events) - 9
    events += [
        TaskProgressed(at=at(), task="T1" if i % 2 else "T2", percent=10 * i)
        for i in range(notes)
    ]
    events += [
        TaskDone(at=at(), task="T1"),
        TaskDone(at=at(), task="T2"),
        Delivered(at=at()),
        DeliveryApplied(at=at(), contents=["report"], criteria=CRITERIA),
        AcceptanceFailed(at=at(), reasons=["off"], failed_criteria=CRITERIA[:1]),
        Delivered(at=at()),
        DeliveryApplied(at=at(), contents=["fixed report"], criteria=CRITERIA),
        AcceptancePassed(at=at()),
        FollowUpDone(at=at(), solved=True, attitude=5, competence=4),
    ]
    return events


def requirements(n: int, *, richer: bool) -> list[Requirement]:
    base = pendulum.datetime(2025, 3, 3, 9, tz=SH)
    return [
        Requirement.open(
            id=f"R{i}",
            received_at=base.add(minutes=i % 500),
            policy=POLICY,
            process=RICHER if richer else DEFAULT_PROCESS,
            attributes={"complexity": "complex" if i % 2 else "simple"},
        )
        for i in range(n)
    ]


def workload(n: int, *, richer: bool) -> tuple[list[Requirement], list[list[object]]]:
    reqs = requirements(n, richer=richer)
    scripts = [
        script(r.received_at, standard=richer, complex_=i % 2 == 1)
        for i, r in enumerate(reqs)
    ]
    for s in scripts:
        assert len(s) == EVENTS_PER_REQUIREMENT, len(s)
    return reqs, scripts


def apply_all(
    reqs: list[Requirement], scripts: list[list[object]]
) -> list[Requirement]:
    live = list(reqs)
    for step in range(EVENTS_PER_REQUIREMENT):
        for i, req in enumerate(live):
            live[i] = req.apply(scripts[i][step])  # type: ignore[arg-type]
    return live


def best_of(rounds: int, func, *args):  # type: ignore[no-untyped-def]
    best = float("inf")
    out = None
    for _ in range(rounds):
        t0 = time.process_time()
        out = func(*args)
        best = min(best, time.process_time() - t0)
    return best, out


def due_duties(reqs: list[Requirement], now: pendulum.DateTime) -> int:
    count = 0
    for req in reqs:
        count += len(req.due_duties(now))
    return count


def missed_at(reqs: list[Requirement], now: pendulum.DateTime) -> int:
    return sum(len(req.missed(now)) for req in reqs)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--quick", action="store_true", help="500 requirements, 1 round"
    )
    args = parser.parse_args()
    n = 500 if args.quick else 5000
    rounds = 1 if args.quick else 3

    results = {}
    for label, richer in (("today", False), ("standard", True)):
        reqs, scripts = workload(n, richer=richer)
        seconds, live = best_of(rounds, apply_all, reqs, scripts)
        events = n * EVENTS_PER_REQUIREMENT
        results[label] = seconds / events * 1e6
        closed = sum(r.is_terminal for r in live)
        print(
            f"{label:>8}: {events:,} events over {n:,} requirements in {seconds:.2f} s "
            f"CPU: {results[label]:.1f} µs/event, {events / seconds:,.0f} events/s "
            f"({closed:,} closed)"
        )
    ratio = results["standard"] / results["today"]
    print(f"ratio standard / today: {ratio:.2f} (per event)")

    # Due duties at one instant, in delivery with tasks open: every requirement once.
    reqs, scripts = workload(n, richer=True)
    half = [
        r.apply_all(s[:10])  # type: ignore[arg-type]
        for r, s in zip(reqs, scripts, strict=True)
    ]
    now = pendulum.datetime(2025, 3, 20, 12, tz=SH)
    per_req = {}
    for size in sorted({max(1, n // 5), max(1, 2 * n // 5), n}):
        seconds, _ = best_of(rounds + 2, due_duties, half[:size], now)
        per_req[size] = seconds / size * 1e6
        print(
            f"due duties of {size:,} requirements at one instant: {seconds * 1e3:.1f} ms "
            f"CPU ({per_req[size]:.2f} µs per requirement)"
        )
    small, large = per_req[min(per_req)], per_req[max(per_req)]
    seconds, missed = best_of(rounds, missed_at, half, now)
    print(
        f"missed duties of {n:,} requirements at one instant ({missed:,} instances): "
        f"{seconds * 1e3:.1f} ms CPU ({seconds / n * 1e6:.2f} µs per requirement)"
    )

    ok_apply = results["standard"] < 60
    ok_linear = large <= 1.5 * small
    print(
        f"{'PASS' if ok_apply else 'FAIL'}: apply {results['standard']:.1f} µs/event "
        "on the standard process (target < 60 µs)"
    )
    print(
        f"{'PASS' if ok_linear else 'FAIL'}: due-duties query linear "
        f"({large:.2f} µs/requirement at {max(per_req):,} vs {small:.2f} at "
        f"{min(per_req):,}; target within 1.5x)"
    )
    return 0 if ok_apply and ok_linear else 1


if __name__ == "__main__":
    sys.exit(main())
