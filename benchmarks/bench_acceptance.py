"""Benchmark: applying events to requirements of a richer process (issue 18).

Run it on its own (it is not part of the test run)::

    .venv/bin/python benchmarks/bench_acceptance.py [--quick]

Work, identical in shape on both sides and built before any timing:

* **richer**: 5,000 requirements of the default process extended as a team would
  (a solution review for complex requirements, with a window in business hours and
  a lapse step), on the China calendar; each gets 20 events (sheet, confirmation,
  review steps for the complex half, delay notices, deliveries, a failed and a
  passed acceptance, the follow-up): 100,000 events in all, applied round-robin so
  every requirement's history grows as in a live CRM.
* **today** (the peer, main's code path): the same 5,000 requirements on
  ``DEFAULT_PROCESS`` with today's event mix (no review steps; three more delay
  notices in their place, so the count stays 100,000).

Timed with ``time.process_time`` (the machine is shared), best of N rounds:

* ``apply`` per event on each side, and the ratio richer / today;
* asking every requirement for its due duties at one instant (``overdue(now)`` and
  ``obligations``) at 1,000, 2,000 and 5,000 requirements: the cost per requirement
  must stay flat (linear in requirements).

Targets (issue 18): ``apply`` under 60 µs per event on the richer process; the
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
    AcceptanceFailed,
    AcceptancePassed,
    CustomerConfirmed,
    DelayAnnounced,
    Delivered,
    FollowUpDone,
    ObligationRule,
    Requirement,
    RequirementPolicy,
    SheetSent,
    State,
    StepDone,
    Transition,
)
from servicekit.conditions import Equals
from servicekit.sla import BusinessCalendar, parse_hours

SH = "Asia/Shanghai"
CHINA = BusinessCalendar(
    timezone=SH,
    weekly_hours=parse_hours("Mon-Fri 09:00-12:00, 13:30-18:00"),
    holidays=holidays.China(years=range(2024, 2028)),
)
POLICY = RequirementPolicy(CHINA)
EVENTS_PER_REQUIREMENT = 20

RICHER = DEFAULT_PROCESS.extended(
    name="reviewed",
    states=[
        State(
            name="solution_review",
            owes=ObligationRule(
                party="team", what="review_solution", hours=dt.timedelta(hours=8)
            ),
            lapses_with="review_lapsed",
        )
    ],
    transitions=[
        Transition(
            source="awaiting_confirmation",
            on="CustomerConfirmed",
            target="solution_review",
            when=Equals(field="attributes.complexity", value="complex"),
        ),
        Transition(
            source="solution_review", on="solution_adjusted", target="solution_review"
        ),
        Transition(
            source="solution_review", on="solution_approved", target="in_delivery"
        ),
        Transition(
            source="solution_review", on="review_lapsed", target="solution_review"
        ),
        Transition(source="solution_review", on="Cancelled", target="cancelled"),
    ],
)


def script(start: pendulum.DateTime, *, reviewed: bool) -> list[object]:
    """20 legal events for one requirement, all on time (dated minutes apart)."""
    t = start

    def at() -> pendulum.DateTime:
        nonlocal t
        t = t.add(minutes=5)
        return t

    far = start.add(days=300)
    events: list[object] = [
        SheetSent(at=at(), delivery_due=far),
        CustomerConfirmed(at=at()),
    ]
    if reviewed:
        events += [StepDone(at=at(), step="solution_adjusted") for _ in range(2)]
        events.append(StepDone(at=at(), step="solution_approved"))
    delays = EVENTS_PER_REQUIREMENT - len(events) - 5
    for i in range(delays):
        events.append(DelayAnnounced(at=at(), new_due=far.add(days=i + 1)))
    events += [
        Delivered(at=at()),
        AcceptanceFailed(at=at(), reasons=["totals off"]),
        Delivered(at=at()),
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
        script(r.received_at, reviewed=richer and i % 2 == 1)
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
        count += len(req.obligations) + len(req.overdue(now))
    return count


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--quick", action="store_true", help="500 requirements, 1 round"
    )
    args = parser.parse_args()
    n = 500 if args.quick else 5000
    rounds = 1 if args.quick else 3

    results = {}
    for label, richer in (("today", False), ("richer", True)):
        reqs, scripts = workload(n, richer=richer)
        seconds, live = best_of(rounds, apply_all, reqs, scripts)
        events = n * EVENTS_PER_REQUIREMENT
        results[label] = seconds / events * 1e6
        closed = sum(r.is_terminal for r in live)
        print(
            f"{label:>6}: {events:,} events over {n:,} requirements in {seconds:.2f} s "
            f"CPU: {results[label]:.1f} µs/event, {events / seconds:,.0f} events/s "
            f"({closed:,} closed)"
        )
    ratio = results["richer"] / results["today"]
    print(f"ratio richer / today: {ratio:.2f}")

    # Due duties at one instant, mid-way: every requirement asked once.
    reqs, scripts = workload(n, richer=True)
    half = [
        r.apply_all(s[: EVENTS_PER_REQUIREMENT // 2])  # type: ignore[arg-type]
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

    ok_apply = results["richer"] < 60
    ok_linear = large <= 1.5 * small
    print(
        f"{'PASS' if ok_apply else 'FAIL'}: apply {results['richer']:.1f} µs/event "
        "on the richer process (target < 60 µs)"
    )
    print(
        f"{'PASS' if ok_linear else 'FAIL'}: due-duties query linear "
        f"({large:.2f} µs/requirement at {max(per_req):,} vs {small:.2f} at "
        f"{min(per_req):,}; target within 1.5x)"
    )
    return 0 if ok_apply and ok_linear else 1


if __name__ == "__main__":
    sys.exit(main())
