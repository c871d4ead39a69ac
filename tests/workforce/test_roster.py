"""Rosters checked by an independent rule checker, and against brute force when tiny."""

import datetime as dt
import functools
import itertools
from collections import defaultdict

import holidays
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.errors import (
    InfeasiblePlanError,
    InvalidArgumentError,
    InvalidTypeError,
)
from servicekit.routing import Agent
from servicekit.sla import BusinessCalendar, parse_hours
from servicekit.workforce import (
    CoverageRule,
    Roster,
    RosterRules,
    RosterShift,
    ShiftBreak,
    ShiftPlan,
    ShiftStart,
    ShiftTemplate,
    SolveStatus,
    StaffMember,
    _shifts_milp,
    build_roster,
    plan_shifts,
)

H = dt.timedelta(hours=1)
ZONE = "Asia/Urumqi"
FIRST = dt.date(2025, 10, 1)
EARLY = ShiftTemplate(name="early", start="07:00", length=8 * H)
LATE = ShiftTemplate(name="late", start="15:00", length=8 * H)
NIGHT = ShiftTemplate(name="night", start="23:00", length=8 * H)


def plan_of(templates, counts):
    """A hand-built plan: ``counts[(template, day offset)]`` agents (no solve).

    Its hourly intervals run from the first date to the end of the day after the
    last, so every shift lies inside them.
    """
    hours = 24 * (max(d for _, d in counts) + 2)
    return ShiftPlan(
        start=pendulum.datetime(2025, 10, 1, tz=ZONE),
        interval=H,
        timezone=ZONE,
        templates=templates,
        starts=[
            ShiftStart(template=t, day=FIRST + dt.timedelta(days=d), agents=n)
            for (t, d), n in sorted(counts.items())
        ],
        required=[0] * hours,
        coverage=[0] * hours,
        cost=0,
    )


@functools.cache
def templates_on_duty(plan):
    """Per interval of the plan: its start and the templates on duty then (reference).

    Cached per plan: the brute-force search checks thousands of rosters of one plan.
    """
    shifts = []
    for s in plan.starts:
        if s.agents:
            start, end = plan.shift_times(s.template, s.day)
            t = plan.template(s.template)
            shifts.append(
                (
                    s.template,
                    start,
                    end,
                    [(start + b.after, start + b.end) for b in t.breaks],
                )
            )
    out = []
    for j in range(len(plan.required)):
        at = plan.start + j * plan.interval
        out.append(
            (
                at,
                [
                    name
                    for name, start, end, breaks in shifts
                    if start <= at < end and not any(a <= at < b for a, b in breaks)
                ],
            )
        )
    return out


# ------------------------------------------------------------ the independent checker


def violations(roster, plan, staff, rules, coverage, *, previous=None):
    """Every rule a roster breaks, worked out from its shifts alone (reference).

    ``previous`` (a roster before this one) counts for rest and consecutive days.
    """
    out = []
    before = Roster(shifts=()) if previous is None else previous
    members = {m.id: m for m in staff}
    on = defaultdict(list)
    for s in roster.shifts:
        on[s.template, s.day].append(s.agent)
        start, end = plan.shift_times(s.template, s.day)
        if (s.start, s.end) != (start, end):
            out.append(f"{s.agent} {s.template} {s.day}: times differ from the plan")
    live = [s for s in plan.starts if s.agents]
    for s in live:
        if len(on[s.template, s.day]) < s.agents:
            out.append(
                f"{s.template} {s.day}: {len(on[s.template, s.day])} < {s.agents}"
            )
        for rule in coverage:
            if rule.applies_to(s.template) and not rule.always:
                n = sum(rule.qualifies(members[a]) for a in on[s.template, s.day])
                if n < rule.at_least:
                    out.append(f"{rule.name} on {s.template} {s.day}")
    for rule in (r for r in coverage if r.always):
        for at, names in templates_on_duty(plan):
            if any(rule.applies_to(t) for t in names):
                n = sum(rule.qualifies(members[a]) for a in roster.on_duty(at))
                if n < rule.at_least:
                    out.append(f"{rule.name} at {at}")
    if not live:
        return out
    first = min(s.day for s in live)
    last = max(s.day for s in live)
    n_days = (last - first).days + 1
    for agent in roster.agents:
        m = members[agent]
        mine = sorted(roster.shifts_of(agent), key=lambda s: s.start)
        days = [s.day for s in mine]
        if len(set(days)) != len(days):
            out.append(f"{agent}: two shifts on one date")
        out.extend(
            f"{agent}: cannot work {s.template} on {s.day}"
            for s in mine
            if not m.can_work(s.day, s.template)
        )
        earlier = sorted(before.shifts_of(agent), key=lambda s: s.start)
        for a, b in itertools.pairwise(earlier[-1:] + mine):
            if b.start - a.end < rules.min_rest:
                out.append(f"{agent}: rest {b.start - a.end} after {a.day}")
        worked = {(d - first).days for d in days}
        worked_before = {(s.day - first).days for s in earlier}
        for w in range(0, n_days, 7):
            length = min(7, n_days - w)
            cap = 7 - rules.days_off_per_week
            count = sum(1 for d in worked if w <= d < w + 7)
            if cap < length and count > cap:
                out.append(f"{agent}: {count} days in week {w // 7}")
            if m.max_hours_per_week is not None:
                paid = sum(
                    (s.paid_time for s in mine if w <= (s.day - first).days < w + 7),
                    dt.timedelta(),
                )
                if paid > m.max_hours_per_week:
                    out.append(f"{agent}: {paid} in week {w // 7}")
        run = best = 0
        for d in range(min(worked_before, default=0), n_days):
            run = run + 1 if d in worked | worked_before else 0
            best = max(best, run)
        if best > rules.max_consecutive_days:
            out.append(f"{agent}: {best} days in a row")
    return out


# -------------------------------------------------------------- generated rosters


@st.composite
def roster_cases(draw, max_agents=7, max_days=8):
    templates = draw(
        st.lists(
            st.sampled_from([EARLY, LATE, NIGHT]), min_size=1, max_size=3, unique=True
        )
    )
    n_days = draw(st.integers(2, max_days))
    counts = {
        (t.name, d): draw(st.integers(0, 2)) for t in templates for d in range(n_days)
    }
    staff = [
        StaffMember(
            id=f"A{i}",
            languages=draw(st.frozensets(st.sampled_from(["ug", "zh"]))),
            max_hours_per_week=draw(st.none() | st.sampled_from([16 * H, 24 * H])),
            templates=draw(
                st.none()
                | st.frozensets(
                    st.sampled_from([t.name for t in templates]), min_size=1
                )
            ),
            unavailable=draw(
                st.frozensets(
                    st.integers(0, n_days - 1).map(
                        lambda d: FIRST + dt.timedelta(days=d)
                    ),
                    max_size=1,
                )
            ),
        )
        for i in range(draw(st.integers(1, max_agents)))
    ]
    rules = RosterRules(
        min_rest=draw(st.sampled_from([8, 11, 16])) * H,
        days_off_per_week=draw(st.integers(0, 3)),
        max_consecutive_days=draw(st.integers(2, 6)),
    )
    coverage = []
    if any("ug" in m.languages for m in staff) and draw(st.booleans()):
        always = draw(st.booleans())
        coverage.append(CoverageRule(name="uyghur", language="ug", always=always))
    previous = []
    for m in staff:
        # Up to max_consecutive_days days in a row just before, maybe a night last.
        k = draw(st.integers(0, rules.max_consecutive_days))
        for back in range(k, 0, -1):
            t = NIGHT if back == 1 and draw(st.booleans()) else EARLY
            day = FIRST - dt.timedelta(days=back)
            start = pendulum.datetime(
                day.year, day.month, day.day, t.start.hour, tz=ZONE
            )
            previous.append(
                RosterShift(
                    agent=m.id,
                    template=t.name,
                    day=day,
                    start=start,
                    end=start + t.length,
                )
            )
    return plan_of(templates, counts), staff, rules, coverage, Roster(shifts=previous)


@settings(max_examples=25)
@given(roster_cases())
def test_a_roster_keeps_every_rule_or_names_a_conflict(case):
    plan, staff, rules, coverage, previous = case
    try:
        roster = build_roster(
            plan, staff, rules=rules, coverage=coverage, previous=previous
        )
    except InfeasiblePlanError as e:
        error = e
    else:
        error = None
    if error is not None:
        assert error.conflicts
        assert all(line in str(error) for line in error.conflicts)
        return
    assert violations(roster, plan, staff, rules, coverage, previous=previous) == []
    assert roster.status is SolveStatus.OPTIMAL


def every_roster(plan, staff):
    """Every way to give each agent at most one of the plan's shifts per date."""
    shifts = [(s.template, s.day) for s in plan.starts if s.agents]
    by_day = defaultdict(list)
    for t, d in shifts:
        by_day[d].append(t)
    slots = [(m, d) for m in staff for d in sorted(by_day)]
    for choice in itertools.product(*([None, *by_day[d]] for _, d in slots)):
        yield [(m.id, t, d) for (m, d), t in zip(slots, choice, strict=True) if t]


@settings(max_examples=25)
@given(roster_cases(max_agents=2, max_days=3))
def test_a_roster_exists_exactly_when_brute_force_finds_one(case):
    plan, staff, rules, coverage, previous = case
    exists = False
    for assignment in every_roster(plan, staff):
        shifts = []
        for agent, t, d in assignment:
            start, end = plan.shift_times(t, d)
            shifts.append(
                RosterShift(agent=agent, template=t, day=d, start=start, end=end)
            )
        if not violations(
            Roster(shifts=shifts), plan, staff, rules, coverage, previous=previous
        ):
            exists = True
            break
    try:
        build_roster(plan, staff, rules=rules, coverage=coverage, previous=previous)
    except InfeasiblePlanError:
        assert not exists
    else:
        assert exists


# ------------------------------------------------------------------- known answers


def test_conflicting_rules_are_named():
    """Two agents cannot both work all seven days when six in a row is the most."""
    plan = plan_of([EARLY], {("early", d): 2 for d in range(7)})
    staff = [StaffMember(id="A"), StaffMember(id="B")]
    with pytest.raises(InfeasiblePlanError) as e:
        build_roster(plan, staff, rules=RosterRules(days_off_per_week=0))
    assert len(e.value.conflicts) == 2
    assert e.value.conflicts[0].startswith("shift counts")
    assert "short on the 'early' shift of 2025-10" in e.value.conflicts[0]
    assert e.value.conflicts[1] == "max consecutive days (6)"


def test_rest_and_part_time_hours_conflicts_are_named():
    plan = plan_of([LATE, EARLY], {("late", 0): 1, ("early", 1): 1})
    with pytest.raises(InfeasiblePlanError, match=r"minimum rest \(11:00:00"):
        build_roster(plan, [StaffMember(id="A")])
    plan = plan_of([EARLY], {("early", 0): 1, ("early", 1): 1})
    with pytest.raises(InfeasiblePlanError, match="part-time hours"):
        build_roster(plan, [StaffMember(id="A", max_hours_per_week=10 * H)])
    with pytest.raises(InfeasiblePlanError, match=r"days off per week \(6 in every 7"):
        build_roster(
            plan, [StaffMember(id="A")], rules=RosterRules(days_off_per_week=6)
        )


def test_a_coverage_rule_no_one_can_meet_is_refused_up_front():
    plan = plan_of([EARLY], {("early", 0): 1})
    with pytest.raises(
        InvalidArgumentError,
        match=r"coverage\[0\] \('mongolian'\) needs agents speaking 'mn', but none",
    ):
        build_roster(
            plan,
            [StaffMember(id="A"), StaffMember(id="B", languages={"zh"})],
            coverage=[CoverageRule(name="mongolian", language="mn")],
        )
    with pytest.raises(InvalidArgumentError, match="with the skill 'refunds'"):
        build_roster(
            plan,
            [StaffMember(id="A")],
            coverage=[CoverageRule(name="r", skill="refunds")],
        )


def test_a_coverage_rule_adds_a_speaker_the_plan_did_not_ask_for():
    plan = plan_of([NIGHT], {("night", 0): 1})
    staff = [StaffMember(id="A"), StaffMember(id="B", languages={"ug"})]
    rule = CoverageRule(name="two ug", language="ug", at_least=1)
    roster = build_roster(plan, staff, coverage=[rule])
    assert roster.on_duty(pendulum.datetime(2025, 10, 2, 3, tz=ZONE)) == ("B",)


def test_bad_roster_input_is_refused_naming_the_field():
    plan = plan_of([EARLY], {("early", 0): 1})
    a = StaffMember(id="A")
    cases = [
        ({"plan": "p"}, InvalidTypeError, "plan must be a ShiftPlan"),
        ({"staff": []}, InvalidArgumentError, "staff is empty"),
        ({"staff": [a, a]}, InvalidArgumentError, "two of staff share the id 'A'"),
        ({"rules": {}}, InvalidTypeError, "rules must be RosterRules"),
        (
            {"coverage": [CoverageRule(name="x", language="zh")] * 2},
            InvalidArgumentError,
            "two coverage rules are named 'x'",
        ),
        (
            {"coverage": [CoverageRule(name="x", language="zh", templates={"late"})]},
            InvalidArgumentError,
            r"coverage\[0\]\.templates names 'late'",
        ),
        ({"time_limit": -H}, InvalidArgumentError, "time_limit"),
    ]
    for kwargs, error, match in cases:
        args = {"plan": plan, "staff": [a], "rules": RosterRules()} | kwargs
        with pytest.raises(error, match=match):
            build_roster(args.pop("plan"), args.pop("staff"), **args)


def test_bad_staff_rules_and_coverage_values_are_refused_naming_the_field():
    cases = [
        (lambda: StaffMember(id=""), InvalidArgumentError, "StaffMember.id"),
        (
            lambda: StaffMember(id="A", weekdays={9}),
            InvalidArgumentError,
            "StaffMember.weekdays holds 9",
        ),
        (
            lambda: StaffMember(id="A", weekdays="Mon"),
            InvalidTypeError,
            "StaffMember.weekdays",
        ),
        (
            lambda: StaffMember(id="A", unavailable="2025-10-01"),
            InvalidTypeError,
            "StaffMember.unavailable",
        ),
        (
            lambda: StaffMember(id="A", unavailable={"2025-10-01"}),
            InvalidTypeError,
            "StaffMember.unavailable holds",
        ),
        (
            lambda: StaffMember(id="A", max_hours_per_week=dt.timedelta(0)),
            InvalidArgumentError,
            "StaffMember.max_hours_per_week must be positive",
        ),
        (
            lambda: CoverageRule(name="x", language="ug", at_least=0),
            InvalidArgumentError,
            "at_least must be 1",
        ),
        (
            lambda: RosterRules(max_consecutive_days=0),
            InvalidArgumentError,
            "max_consecutive_days",
        ),
        (
            lambda: RosterRules(min_rest=-H),
            InvalidArgumentError,
            "RosterRules.min_rest",
        ),
    ]
    for build, error, match in cases:
        with pytest.raises(error, match=match):
            build()


def test_an_empty_plan_gives_an_empty_roster():
    roster = build_roster(plan_of([EARLY], {("early", 0): 0}), [StaffMember(id="A")])
    assert roster.shifts == ()


def test_a_roster_with_nothing_by_its_time_limit_raises(monkeypatch):
    optimize, sparse = _shifts_milp.load_scipy()

    class Result:
        x, status, fun = None, 1, 0.0

    class Optimize:
        LinearConstraint = optimize.LinearConstraint
        Bounds = optimize.Bounds

        @staticmethod
        def milp(c, **_):
            return Result()

    monkeypatch.setattr(_shifts_milp, "load_scipy", lambda: (Optimize, sparse))
    with pytest.raises(InfeasiblePlanError, match="no roster within the time limit"):
        build_roster(plan_of([EARLY], {("early", 0): 1}), [StaffMember(id="A")])


def test_a_national_day_fortnight_in_urumqi_keeps_a_uyghur_speaker_on_every_shift():
    """China's National Day 2025 (1-8 October) with its make-up days (28 Sep, 11 Oct)."""
    cal = BusinessCalendar(
        timezone=ZONE,
        weekly_hours=parse_hours("Mon-Sun 00:00-24:00"),
        holidays=holidays.China(years=2025),
    )
    office = ShiftTemplate(
        name="office",
        start="10:00",
        length=8 * H,
        weekdays={0, 1, 2, 3, 4},
        holidays=False,
    )
    desk = ShiftTemplate(name="desk", start="08:00", length=12 * H, cost=1.5)
    night = ShiftTemplate(name="night", start="20:00", length=12 * H, cost=1.8)
    n_days = 14
    day = [1] * 14 + [2] * 8 + [1] * 2  # from 20:00 the day before, hour by hour
    plan = plan_shifts(
        [office, desk, night],
        day * n_days,
        start=pendulum.datetime(2025, 9, 27, 20, tz=ZONE),
        interval=H,
        calendar=cal,
    )
    assert plan.total_shortfall == 0
    staff = [StaffMember(id=f"U{i}", languages={"ug", "zh"}) for i in range(4)] + [
        StaffMember(id=f"Z{i}", languages={"zh"}) for i in range(6)
    ]
    staff.append(StaffMember(id="P", languages={"zh"}, max_hours_per_week=24 * H))
    rule = CoverageRule(name="uyghur on every shift in Urumqi", language="ug")
    roster = build_roster(plan, staff, coverage=[rule])
    assert violations(roster, plan, staff, RosterRules(), [rule]) == []
    holiday = pendulum.datetime(2025, 10, 3, 12, tz=ZONE)
    assert any(a.startswith("U") for a in roster.on_duty(holiday))
    makeup = pendulum.datetime(2025, 10, 11, 12, tz=ZONE)
    assert "office" in {s.template for s in roster.shifts if s.day == makeup.date()}


def test_last_weeks_roster_counts_for_rest_and_consecutive_days():
    """A month's roster must not put someone back on after a night or a long run."""
    night_before = RosterShift(
        agent="A",
        template="night",
        day=FIRST - dt.timedelta(days=1),
        start=pendulum.datetime(2025, 9, 30, 23, tz=ZONE),
        end=pendulum.datetime(2025, 10, 1, 7, tz=ZONE),
    )
    plan = plan_of([EARLY], {("early", 0): 1})
    previous = Roster(shifts=[night_before])
    with pytest.raises(InfeasiblePlanError, match="minimum rest"):
        build_roster(plan, [StaffMember(id="A")], previous=previous)
    roster = build_roster(
        plan, [StaffMember(id="A"), StaffMember(id="B")], previous=previous
    )
    assert roster.agents == ("B",)
    run = Roster(
        shifts=[
            RosterShift(
                agent="A",
                template="early",
                day=FIRST - dt.timedelta(days=back),
                start=pendulum.datetime(2025, 10, 1, 7, tz=ZONE)
                - dt.timedelta(days=back),
                end=pendulum.datetime(2025, 10, 1, 15, tz=ZONE)
                - dt.timedelta(days=back),
            )
            for back in range(1, 6)
        ]
    )
    three = plan_of([EARLY], {("early", d): 1 for d in range(3)})
    with pytest.raises(InfeasiblePlanError, match=r"max consecutive days \(6\)"):
        build_roster(three, [StaffMember(id="A")], previous=run)
    assert build_roster(three, [StaffMember(id="A")]).agents == ("A",)
    with pytest.raises(InvalidTypeError, match="previous must be a Roster"):
        build_roster(three, [StaffMember(id="A")], previous=[])


def test_staff_come_from_routing_agents():
    m = StaffMember.from_agent(Agent(id="A", languages={"MN"}), weekdays={0, 1})
    assert (m.id, m.languages, m.weekdays) == (
        "A",
        frozenset({"mn"}),
        frozenset({0, 1}),
    )
    with pytest.raises(InvalidTypeError, match="agent must be"):
        StaffMember.from_agent("A")


def test_a_speaker_always_on_duty_may_be_shared_by_overlapping_shifts():
    """Per shift, two overlapping shifts need two speakers; on duty, one can do."""
    day = ShiftTemplate(name="day", start="08:00", length=10 * H)
    mid = ShiftTemplate(name="mid", start="10:00", length=4 * H)
    plan = plan_of([day, mid], {("day", 0): 1, ("mid", 0): 1})
    staff = [StaffMember(id="U", languages={"ug"}), StaffMember(id="Z")]
    per_shift = CoverageRule(name="ug", language="ug")
    with pytest.raises(InfeasiblePlanError, match="'ug'"):
        build_roster(plan, staff, coverage=[per_shift])
    on_duty = CoverageRule(name="ug", language="ug", always=True)
    roster = build_roster(plan, staff, coverage=[on_duty])
    assert [s.template for s in roster.shifts_of("U")] == ["day"]
    assert violations(roster, plan, staff, RosterRules(), [on_duty]) == []
    assert "on duty at every interval a shift covers" in on_duty.describe()


def test_a_break_that_leaves_no_speaker_on_duty_is_named():
    lunch = ShiftTemplate(
        name="day",
        start="08:00",
        length=8 * H,
        breaks=[ShiftBreak(after=4 * H, length=H)],
    )
    plan = plan_of([lunch, LATE], {("day", 0): 2, ("late", 1): 1})
    staff = [StaffMember(id="U", languages={"ug"}), StaffMember(id="Z")]
    rule = CoverageRule(name="ug", language="ug", always=True, templates={"day"})
    roster = build_roster(plan, staff, coverage=[rule])
    assert roster.on_duty(pendulum.datetime(2025, 10, 1, 12, tz=ZONE)) == ()
    other = plan_of(
        [lunch, ShiftTemplate(name="cover", start="12:00", length=H)],
        {("day", 0): 1, ("cover", 0): 1},
    )
    everywhere = CoverageRule(name="ug", language="ug", always=True)
    with pytest.raises(InfeasiblePlanError) as e:
        build_roster(other, staff, coverage=[everywhere])
    assert "the interval from 2025-10-01" in e.value.conflicts[0]
