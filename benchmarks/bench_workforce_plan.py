"""Benchmark: shift plans against pyworkforce's MinRequiredResources, and a month's roster.

Run: ``.venv/bin/python benchmarks/bench_workforce_plan.py`` (needs the ``bench`` and
``planning`` extras: ``pip install -e '.[test,bench,planning]'``).

1. Shift scheduling (issue 15): a week of 30-minute intervals (7 x 48 = 336) with 20
   shift templates (starts from 00:00 to 16:00, 4 to 9 hours, some with a break,
   integer costs), requirements from a two-peak intraday profile that varies by day.
   ``plan_shifts`` (SciPy's milp, HiGHS) and pyworkforce's ``MinRequiredResources``
   (OR-Tools CP-SAT, its default 2 search workers) get the same inputs; both must
   reach the same optimal cost, and ours must be at least as fast. Times are the
   process's CPU time (``time.process_time``: CP-SAT's worker threads count too),
   best of 3; wall-clock times are printed beside them.
2. Roster: 60 named agents (15 Uyghur and 10 Mongolian speakers, 10 part-timers at 24
   hours a week, a few days of leave each) over 4 weeks of a 24x7 desk, with "a
   Uyghur speaker on every shift", "a Mongolian speaker on every day and night
   shift" and "an English speaker on duty at every half-hour" (breaks included; 15
   speak English), 11 hours' rest, 2 days off a week, at most 6 days in a row.
   Target: solved in under 30 s (CPU). Every rule is checked on the result.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time

import pendulum
from pyworkforce.scheduling import MinRequiredResources

from servicekit.workforce import (
    CoverageRule,
    RosterRules,
    ShiftBreak,
    ShiftTemplate,
    StaffMember,
    build_roster,
    plan_shifts,
)

HALF = dt.timedelta(minutes=30)
H = dt.timedelta(hours=1)
WEEK_START = pendulum.datetime(2025, 10, 13, tz="Asia/Shanghai")  # a Monday
REPEAT = 3


STARTS = [
    "00:00",
    "01:00",
    "02:00",
    "03:00",
    "04:00",
    "05:00",
    "06:00",
    "06:30",
    "07:00",
    "07:30",
    "08:00",
    "08:30",
    "09:00",
    "10:00",
    "11:00",
    "12:00",
    "13:00",
    "14:00",
    "15:00",
    "16:00",
]
HOURS = (8, 8, 8, 6, 8, 9, 8, 9, 8, 4, 9, 8, 9, 6, 4, 9, 8, 9, 9, 8)


def templates_20() -> list[ShiftTemplate]:
    """20 templates that end by midnight (pyworkforce's shifts live within a day)."""
    out = []
    for i, (start, hours) in enumerate(zip(STARTS, HOURS, strict=True)):
        if hours == 9:
            breaks = [ShiftBreak(after=4 * H, length=H)]
        elif hours == 8 and i % 3 == 0:
            breaks = [ShiftBreak(after=4 * H, length=HALF)]
        else:
            breaks = []
        paid = hours * H - sum((b.length for b in breaks), dt.timedelta())
        out.append(
            ShiftTemplate(
                name=f"s{i:02d}",
                start=start,
                length=hours * H,
                breaks=breaks,
                # Paid half-hours, plus a night premium for starts before 06:00.
                cost=paid // HALF + (4 if start < "06:00" else 0),
            )
        )
    return out


def requirements(rng: random.Random) -> list[int]:
    """Agents per half-hour for a week: morning and afternoon peaks, a quiet night."""
    out = []
    for day in range(7):
        scale = 1.0 if day < 5 else 0.6
        for p in range(48):
            hour = p / 2
            base = (
                2
                + 10 * max(0.0, 1 - abs(hour - 10.5) / 4)
                + 8 * max(0.0, 1 - abs(hour - 15.5) / 4)
            )
            out.append(max(1, round(scale * base + rng.uniform(-1, 1))))
    return out


def coverage_array(t: ShiftTemplate) -> list[int]:
    """The template as pyworkforce's 0/1 array of half-hours within the day."""
    first = (t.start.hour * 60 + t.start.minute) // 30
    on = [0] * 48
    for a, b in t.on_duty_offsets():
        for p in range(first + a // HALF, first + b // HALF):
            on[p] = 1
    return on


def best_of(fn, n=REPEAT):
    cpu = wall = float("inf")
    result = None
    for _ in range(n):
        c0, w0 = time.process_time(), time.perf_counter()
        result = fn()
        cpu = min(cpu, time.process_time() - c0)
        wall = min(wall, time.perf_counter() - w0)
    return result, cpu, wall


def bench_shift_plan() -> bool:

    rng = random.Random(15)
    templates = templates_20()
    required = requirements(rng)
    assert all(
        t.start.hour * 60 + t.start.minute + t.length // dt.timedelta(minutes=1)
        <= 24 * 60
        for t in templates
    )

    def ours():
        return plan_shifts(templates, required, start=WEEK_START, interval=HALF)

    def peer():
        model = MinRequiredResources(
            num_days=7,
            periods=48,
            shifts_coverage={t.name: coverage_array(t) for t in templates},
            required_resources=[required[d * 48 : (d + 1) * 48] for d in range(7)],
            max_period_concurrency=10_000,
            max_shift_concurrency=max(required),
            cost_dict={t.name: int(t.cost) for t in templates},
        )
        return model.solve()

    plan, our_cpu, our_wall = best_of(ours)
    solution, peer_cpu, peer_wall = best_of(peer)
    same = abs(plan.cost - solution["cost"]) < 1e-6
    print("Shift scheduling: 7 days x 48 half-hours (336 intervals), 20 templates")
    print(
        f"  servicekit plan_shifts (HiGHS):         cost {plan.cost:8.1f}  {plan.status.value:8s}  CPU {our_cpu * 1000:8.1f} ms  wall {our_wall * 1000:8.1f} ms"
    )
    print(
        f"  pyworkforce MinRequiredResources (CP-SAT): cost {solution['cost']:8.1f}  {solution['status']:8s}  CPU {peer_cpu * 1000:8.1f} ms  wall {peer_wall * 1000:8.1f} ms"
    )
    print(
        f"  shifts started: {plan.agents_started}, surplus {plan.total_surplus} agent-half-hours"
    )
    ratio = peer_cpu / our_cpu
    print(f"  ratio (peer CPU / ours): {ratio:.2f}x")
    ok_cost = (
        same and plan.status.value == "optimal" and solution["status"] == "OPTIMAL"
    )
    print(f"  {'PASS' if ok_cost else 'FAIL'}: same optimal cost as pyworkforce")
    print(
        f"  {'PASS' if ratio >= 1 else 'FAIL'}: at least as fast as pyworkforce (CPU)"
    )
    return ok_cost and ratio >= 1


def desk_templates() -> list[ShiftTemplate]:
    """A 24x7 desk: three 9-hour shifts with an hour's break each, and a night."""
    nine = [("early", "06:00", 4), ("day", "09:00", 4), ("late", "14:00", 2)]
    return [
        *(
            ShiftTemplate(
                name=name,
                start=start,
                length=9 * H,
                breaks=[ShiftBreak(after=after * H, length=H)],
                cost=8,
            )
            for name, start, after in nine
        ),
        ShiftTemplate(name="night", start="22:00", length=8 * H, cost=10),
    ]


def month_requirements() -> list[int]:
    day = (
        [3] * 12 + [7] * 6 + [11] * 12 + [10] * 10 + [5] * 4 + [3] * 4
    )  # 00:00 … 24:00
    return day * 28


def staff_60(rng: random.Random) -> list[StaffMember]:
    out = []
    first = WEEK_START.date()
    for i in range(60):
        langs = {"zh"}
        if i < 15:
            langs.add("ug")
        elif i < 25:
            langs.add("mn")
        if i % 4 == 3:
            langs.add("en")
        leave = {
            first + dt.timedelta(days=rng.randrange(28))
            for _ in range(rng.randint(0, 3))
        }
        out.append(
            StaffMember(
                id=f"A{i:02d}",
                languages=langs,
                max_hours_per_week=24 * H if i >= 50 else None,
                unavailable=leave,
            )
        )
    return out


def check_roster(roster, plan, staff, rules, coverage) -> list[str]:
    """Every rule the roster breaks (an independent check, as in the tests)."""
    problems = []
    members = {m.id: m for m in staff}
    on: dict = {}
    for s in roster.shifts:
        on.setdefault((s.template, s.day), []).append(s.agent)
    for s in plan.starts:
        who = on.get((s.template, s.day), [])
        if len(who) < s.agents:
            problems.append(f"{s.template} {s.day} short")
        problems.extend(
            f"{rule.name} on {s.template} {s.day}"
            for rule in coverage
            if rule.applies_to(s.template)
            and not rule.always
            and sum(rule.qualifies(members[a]) for a in who) < rule.at_least
        )
    for rule in (r for r in coverage if r.always):  # every template, every interval
        for j, staffed in enumerate(plan.coverage):
            at = plan.start + j * plan.interval
            on = sum(rule.qualifies(members[a]) for a in roster.on_duty(at))
            if staffed and on < rule.at_least:
                problems.append(f"{rule.name} at {at}")
    first = min(s.day for s in plan.starts)
    for agent in roster.agents:
        mine = roster.shifts_of(agent)
        days = sorted((s.day - first).days for s in mine)
        if len(set(days)) != len(days):
            problems.append(f"{agent} twice a day")
        for a, b in itertools.pairwise(mine):
            if b.start - a.end < rules.min_rest:
                problems.append(f"{agent} rest")
        for w in range(0, 29, 7):
            if (
                sum(1 for d in days if w <= d < w + 7) > 7 - rules.days_off_per_week
                and w + 7 <= 29
            ):
                problems.append(f"{agent} days off week {w // 7}")
            cap = members[agent].max_hours_per_week
            if (
                cap is not None
                and sum(
                    (s.paid_time for s in mine if w <= (s.day - first).days < w + 7),
                    dt.timedelta(),
                )
                > cap
            ):
                problems.append(f"{agent} hours week {w // 7}")
        run = best = 0
        for d in range(29):
            run = run + 1 if d in days else 0
            best = max(best, run)
        if best > rules.max_consecutive_days:
            problems.append(f"{agent} {best} days in a row")
        problems.extend(
            f"{agent} unavailable {s.day}"
            for s in mine
            if not members[agent].can_work(s.day, s.template)
        )
    return problems


def bench_roster() -> bool:
    rng = random.Random(60)
    (plan, plan_cpu, _) = best_of(
        lambda: plan_shifts(
            desk_templates(), month_requirements(), start=WEEK_START, interval=HALF
        ),
        n=1,
    )
    staff = staff_60(rng)
    rules = RosterRules()
    coverage = [
        CoverageRule(name="uyghur on every shift", language="ug"),
        CoverageRule(
            name="mongolian by day and night", language="mn", templates={"day", "night"}
        ),
        CoverageRule(name="english always on duty", language="en", always=True),
    ]
    roster, cpu, wall = best_of(
        lambda: build_roster(plan, staff, rules=rules, coverage=coverage), n=1
    )
    problems = check_roster(roster, plan, staff, rules, coverage)
    print(
        "Roster: 60 agents, 4 weeks (28 days), 4 templates, 3 language coverage rules"
    )
    print(
        f"  plan: {plan.agents_started} shifts, cost {plan.cost:.0f}, CPU {plan_cpu:.2f} s"
    )
    print(
        f"  build_roster: {len(roster.shifts)} agent-shifts, {roster.status.value}, CPU {cpu:.2f} s, wall {wall:.2f} s"
    )
    print(f"  rule check: {'no violations' if not problems else problems[:5]}")
    ok = cpu < 30 and not problems
    print(f"  {'PASS' if ok else 'FAIL'}: solved in under 30 s with every rule kept")
    return ok


if __name__ == "__main__":
    a = bench_shift_plan()
    print()
    b = bench_roster()
    print()
    print("PASS" if a and b else "FAIL")
