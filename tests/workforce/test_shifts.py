"""Shift plans against a brute-force enumeration of every plan, and their bad input."""

import datetime as dt
import itertools
import subprocess
import sys
import textwrap

import holidays
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.errors import (
    InfeasiblePlanError,
    InvalidArgumentError,
    InvalidTypeError,
    MissingExtraError,
    NaiveDatetimeError,
    UnknownNameError,
)
from servicekit.sla import BusinessCalendar, parse_hours
from servicekit.workforce import (
    IntervalCounts,
    ShiftBreak,
    ShiftPlan,
    ShiftStart,
    ShiftTemplate,
    SolveStatus,
    _shifts_milp,
    plan_shifts,
    plan_shifts_capped,
)

H = dt.timedelta(hours=1)
MONDAY = pendulum.datetime(2025, 1, 6, 6, tz="UTC")

# ------------------------------------------------------------- brute-force reference


def hours_on_duty(t):
    """The hours of the day a template started at its start hour is on duty (reference)."""
    first = t.start.hour
    off = set()
    for b in t.breaks:
        off.update(range(first + b.after // H, first + (b.after + b.length) // H))
    return {h for h in range(first, first + t.length // H) if h not in off}


def coverage_of(templates, counts, n):
    """Agents on duty per hourly interval from 06:00 for the given counts (reference)."""
    return [
        sum(
            c
            for t, c in zip(templates, counts, strict=True)
            if 6 + i in hours_on_duty(t)
        )
        for i in range(n)
    ]


@st.composite
def tiny_instances(draw):
    n_templates = draw(st.integers(2, 3))
    templates = []
    for k in range(n_templates):
        length = draw(st.integers(1, 4))
        breaks = []
        if length >= 3 and draw(st.booleans()):
            breaks = [ShiftBreak(after=H, length=H)]
        templates.append(
            ShiftTemplate(
                name=f"t{k}",
                start=dt.time(draw(st.integers(4, 10))),
                length=length * H,
                breaks=breaks,
                cost=draw(st.integers(1, 5)),
            )
        )
    n = draw(st.integers(2, 6))
    required = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    return templates, required


def counts_of(plan, templates):
    day = MONDAY.date()
    return [plan.count(t.name, day) for t in templates]


@settings(max_examples=40)
@given(tiny_instances())
def test_the_plan_costs_what_the_cheapest_enumerated_plan_costs(instance):
    templates, required = instance
    n = len(required)
    best = None
    for counts in itertools.product(range(3), repeat=len(templates)):
        cover = coverage_of(templates, counts, n)
        if all(c >= r for c, r in zip(cover, required, strict=True)):
            cost = sum(c * t.cost for c, t in zip(counts, templates, strict=True))
            best = cost if best is None else min(best, cost)
    if best is None:
        with pytest.raises(InfeasiblePlanError) as e:
            plan_shifts(templates, required, start=MONDAY, interval=H)
        assert e.value.conflicts
        return
    plan = plan_shifts(templates, required, start=MONDAY, interval=H)
    assert plan.cost == pytest.approx(best)
    assert plan.status is SolveStatus.OPTIMAL
    counts = counts_of(plan, templates)
    assert list(plan.coverage) == coverage_of(templates, counts, n)
    assert plan.total_shortfall == 0
    assert list(plan.surplus) == [
        c - r for c, r in zip(plan.coverage, required, strict=True)
    ]


@settings(max_examples=30)
@given(tiny_instances(), st.integers(0, 3))
def test_the_capped_plan_has_the_least_shortfall_then_the_least_cost(instance, cap):
    templates, required = instance
    n = len(required)
    best = None
    for counts in itertools.product(range(3), repeat=len(templates)):
        if sum(counts) > cap:
            continue
        cover = coverage_of(templates, counts, n)
        short = sum(max(0, r - c) for c, r in zip(cover, required, strict=True))
        cost = sum(c * t.cost for c, t in zip(counts, templates, strict=True))
        best = (short, cost) if best is None else min(best, (short, cost))
    plan = plan_shifts_capped(
        templates, required, head_count=cap, start=MONDAY, interval=H
    )
    assert (plan.total_shortfall, plan.cost) == pytest.approx(best)
    assert sum(counts_of(plan, templates)) <= cap
    assert list(plan.coverage) == coverage_of(templates, counts_of(plan, templates), n)


# ------------------------------------------------------------------- known answers


def test_a_night_shift_started_the_day_before_covers_the_first_hours():
    night = ShiftTemplate(name="night", start="22:00", length=9 * H)
    plan = plan_shifts(
        [night],
        [1] * 7,
        start=pendulum.datetime(2025, 1, 7, tz="Asia/Shanghai"),
        interval=H,
    )
    assert plan.starts == (
        ShiftStart(template="night", day=dt.date(2025, 1, 6), agents=1),
    )


def test_thirty_minute_intervals_and_a_break_leave_a_gap_another_shift_fills():
    half = dt.timedelta(minutes=30)
    long = ShiftTemplate(
        name="long",
        start="09:00",
        length=4 * H,
        breaks=[ShiftBreak(after=2 * H, length=half)],
        cost=4,
    )
    cover = ShiftTemplate(name="cover", start="11:00", length=half, cost=1)
    plan = plan_shifts(
        [long, cover],
        [1] * 8,
        start=pendulum.datetime(2025, 1, 6, 9, tz="UTC"),
        interval=half,
    )
    assert plan.cost == 5
    assert plan.coverage == (1,) * 8


def test_a_shift_on_the_spring_forward_day_covers_real_hours():
    """An 8-hour shift from midnight on 9 March 2025 in New York ends at 09:00 local."""
    zone = "America/New_York"
    plan = plan_shifts(
        [ShiftTemplate(name="d", start="00:00", length=8 * H)],
        [1] * 8,
        start=pendulum.datetime(2025, 3, 9, tz=zone),
        interval=H,
    )
    assert plan.agents_started == 1
    start, end = plan.shift_times("d", dt.date(2025, 3, 9))
    assert (start.hour, end.hour) == (0, 9)
    assert plan.end == end


def test_a_china_national_day_week_uses_holiday_and_makeup_day_templates():
    """Sunday 28 September 2025 is a make-up working day; 1-8 October are holidays."""
    cal = BusinessCalendar(
        timezone="Asia/Shanghai",
        weekly_hours=parse_hours("Mon-Sun 08:00-20:00"),
        holidays=holidays.China(years=2025),
    )
    office = ShiftTemplate(
        name="office",
        start="09:00",
        length=8 * H,
        weekdays={0, 1, 2, 3, 4},
        holidays=False,
        makeup_days=True,
        cost=1,
    )
    festival = ShiftTemplate(
        name="festival",
        start="09:00",
        length=8 * H,
        weekdays={5, 6},
        holidays=True,
        makeup_days=False,
        cost=2,
    )
    day = [0] * 9 + [1] * 8 + [0] * 7
    plan = plan_shifts(
        [office, festival],
        day * 7,
        start=pendulum.datetime(2025, 9, 28, tz="Asia/Shanghai"),
        interval=H,
        calendar=cal,
    )
    got = {(s.day.isoformat(), s.template) for s in plan.starts}
    assert got == {
        ("2025-09-28", "office"),
        ("2025-09-29", "office"),
        ("2025-09-30", "office"),
        ("2025-10-01", "festival"),
        ("2025-10-02", "festival"),
        ("2025-10-03", "festival"),
        ("2025-10-04", "festival"),
    }
    assert plan.cost == 11
    assert plan.timezone == "Asia/Shanghai"


def test_requirements_can_come_as_an_object_with_start_interval_and_required():
    class Need:
        start = pendulum.datetime(2025, 1, 6, 9, tz="UTC")
        interval = H
        required = (1, 1)

    assert isinstance(Need(), IntervalCounts)
    plan = plan_shifts([ShiftTemplate(name="d", start="09:00", length=2 * H)], Need())
    assert plan.agents_started == 1
    with pytest.raises(InvalidArgumentError, match="do not pass them as well"):
        plan_shifts(
            [ShiftTemplate(name="d", start="09:00", length=2 * H)], Need(), interval=H
        )


def test_uncoverable_intervals_are_named():
    with pytest.raises(InfeasiblePlanError) as e:
        plan_shifts(
            [ShiftTemplate(name="d", start="09:00", length=H)],
            [0, 1, 1, 1, 1, 1, 1, 1],
            start=pendulum.datetime(2025, 1, 6, 8, tz="UTC"),
            interval=H,
        )
    assert "2025-01-06 10:00 (1 needed)" in str(e.value)
    assert "and 1 more" in str(e.value)
    assert len(e.value.conflicts) == 6


def test_plan_queries_and_its_own_checks():
    plan = plan_shifts(
        [ShiftTemplate(name="d", start="09:00", length=2 * H)],
        [2, 1],
        start=pendulum.datetime(2025, 1, 6, 9, tz="Asia/Shanghai"),
        interval=H,
    )
    assert plan.count("d", dt.date(2025, 1, 6)) == 2
    assert plan.total_surplus == 1
    with pytest.raises(UnknownNameError, match="no template 'x'"):
        plan.template("x")
    base = plan.to_dict()
    with pytest.raises(InvalidArgumentError, match="coverage has 1 intervals"):
        ShiftPlan.from_dict(base | {"coverage": [1]})
    with pytest.raises(InvalidArgumentError, match="names the template 'x'"):
        ShiftPlan.from_dict(
            base | {"starts": [{"template": "x", "day": "2025-01-06", "agents": 1}]}
        )
    with pytest.raises(InvalidArgumentError, match=r"ShiftPlan\.timezone 'Mars/Base'"):
        ShiftPlan.from_dict(base | {"timezone": "Mars/Base"})
    twice = base["starts"] * 2
    with pytest.raises(
        InvalidArgumentError, match=r"starts\[1\] repeats 'd' on 2025-01-06"
    ):
        ShiftPlan.from_dict(base | {"starts": twice})
    with pytest.raises(InvalidArgumentError, match="names 'd' twice"):
        ShiftPlan.from_dict(base | {"templates": base["templates"] * 2})


def test_the_start_zone_needs_a_name_or_a_timezone():
    fixed = dt.datetime(2025, 1, 6, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    templates = [ShiftTemplate(name="d", start="09:00", length=H)]
    with pytest.raises(InvalidArgumentError, match="no IANA name"):
        plan_shifts(templates, [1], start=fixed, interval=H)
    plan = plan_shifts(
        templates, [1], start=fixed, interval=H, timezone="Asia/Shanghai"
    )
    assert plan.agents_started == 1
    with pytest.raises(
        InvalidArgumentError, match="'Mars/Base' is not a known time zone"
    ):
        plan_shifts(templates, [1], start=fixed, interval=H, timezone="Mars/Base")
    utc = plan_shifts(
        templates, [1], start=dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC), interval=H
    )
    assert utc.timezone == "UTC"


def test_time_limits_are_passed_on():
    plan = plan_shifts(
        [ShiftTemplate(name="d", start="09:00", length=H)],
        [1],
        start=MONDAY.set(hour=9),
        interval=H,
        time_limit=dt.timedelta(seconds=30),
    )
    assert plan.status is SolveStatus.OPTIMAL


class _FakeResult:
    def __init__(self, x, status):
        self.x, self.status, self.fun = x, status, 0.0


def _fake_solver(monkeypatch, x, status):
    optimize, sparse = _shifts_milp.load_scipy()

    class Optimize:
        LinearConstraint = optimize.LinearConstraint
        Bounds = optimize.Bounds

        @staticmethod
        def milp(c, **_):
            return _FakeResult(None if x is None else [x] * len(c), status)

    monkeypatch.setattr(_shifts_milp, "load_scipy", lambda: (Optimize, sparse))


def test_a_solver_stopped_by_its_time_limit_says_so(monkeypatch):
    _fake_solver(monkeypatch, 1.0, 1)
    templates = [ShiftTemplate(name="d", start="09:00", length=H)]
    start = MONDAY.set(hour=9)
    plan = plan_shifts(templates, [1], start=start, interval=H)
    assert plan.status is SolveStatus.TIME_LIMIT
    capped = plan_shifts_capped(templates, [1], head_count=1, start=start, interval=H)
    assert capped.status is SolveStatus.TIME_LIMIT


def test_a_solver_with_nothing_by_its_time_limit_raises(monkeypatch):
    _fake_solver(monkeypatch, None, 1)
    templates = [ShiftTemplate(name="d", start="09:00", length=H)]
    start = MONDAY.set(hour=9)
    with pytest.raises(InfeasiblePlanError, match="time limit"):
        plan_shifts(templates, [1], start=start, interval=H)
    with pytest.raises(InfeasiblePlanError, match="time limit"):
        plan_shifts_capped(templates, [1], head_count=1, start=start, interval=H)


def test_a_second_capped_solve_with_nothing_raises(monkeypatch):
    optimize, sparse = _shifts_milp.load_scipy()
    calls = []

    class Optimize:
        LinearConstraint = optimize.LinearConstraint
        Bounds = optimize.Bounds

        @staticmethod
        def milp(c, **_):
            calls.append(c)
            return _FakeResult([0.0] * len(c) if len(calls) == 1 else None, 1)

    monkeypatch.setattr(_shifts_milp, "load_scipy", lambda: (Optimize, sparse))
    with pytest.raises(InfeasiblePlanError, match="time limit"):
        plan_shifts_capped(
            [ShiftTemplate(name="d", start="09:00", length=H)],
            [1],
            head_count=1,
            start=MONDAY.set(hour=9),
            interval=H,
        )


# ------------------------------------------------------------------------ bad input

T = ShiftTemplate(name="d", start="09:00", length=H)
START = pendulum.datetime(2025, 1, 6, 9, tz="UTC")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"interval": dt.timedelta(minutes=7)},
            InvalidArgumentError,
            "interval must be whole minutes",
        ),
        (
            {"interval": dt.timedelta(seconds=90)},
            InvalidArgumentError,
            "interval must be whole minutes",
        ),
        (
            {"interval": dt.timedelta(0)},
            InvalidArgumentError,
            "interval must be positive",
        ),
        ({"required": [1, -1]}, InvalidArgumentError, r"required\[1\]"),
        ({"required": [1.0]}, InvalidArgumentError, r"required\[0\]"),
        ({"required": []}, InvalidArgumentError, "required is empty"),
        ({"required": "11"}, InvalidTypeError, "required must be a list"),
        ({"start": dt.datetime(2025, 1, 6, 9)}, NaiveDatetimeError, "start"),
        (
            {"start": START.add(minutes=15)},
            InvalidArgumentError,
            "not on a 1:00:00 interval boundary",
        ),
        ({"start": None}, InvalidArgumentError, "give start"),
        ({"templates": []}, InvalidArgumentError, "templates is empty"),
        (
            {"templates": [T, T]},
            InvalidArgumentError,
            "two of templates share the name 'd'",
        ),
        ({"templates": ["d"]}, InvalidTypeError, "templates must hold ShiftTemplate"),
        (
            {"templates": [ShiftTemplate(name="x", start="09:15", length=H)]},
            InvalidArgumentError,
            r"templates\[0\] \('x'\)\.start",
        ),
        (
            {"templates": [ShiftTemplate(name="x", start="09:00", length=1.5 * H)]},
            InvalidArgumentError,
            r"templates\[0\] \('x'\)\.length",
        ),
        (
            {
                "templates": [
                    ShiftTemplate(
                        name="x",
                        start="09:00",
                        length=2 * H,
                        breaks=[ShiftBreak(after=dt.timedelta(minutes=30), length=H)],
                    )
                ]
            },
            InvalidArgumentError,
            r"templates\[0\] \('x'\)\.breaks\[0\]",
        ),
        ({"calendar": "CN"}, InvalidTypeError, "calendar must be"),
        (
            {
                "calendar": BusinessCalendar.always_open("UTC"),
                "timezone": "Asia/Shanghai",
            },
            InvalidArgumentError,
            "differs from the calendar's",
        ),
        (
            {
                "calendar": BusinessCalendar(
                    timezone="UTC", weekly_hours=parse_hours("Mon-Fri 09:00-18:00")
                )
            },
            InvalidArgumentError,
            r"templates\[0\] \('d'\)\.weekdays includes Sat, Sun, on which the calendar has no working hours",
        ),
        (
            {"time_limit": dt.timedelta(0)},
            InvalidArgumentError,
            "time_limit must be positive",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(kwargs, error, match):
    args = {"templates": [T], "required": [1], "start": START, "interval": H} | kwargs
    with pytest.raises(error, match=match):
        plan_shifts(args.pop("templates"), args.pop("required"), **args)


def test_a_negative_head_count_is_refused():
    with pytest.raises(InvalidArgumentError, match="head_count"):
        plan_shifts_capped([T], [1], head_count=-1, start=START, interval=H)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"length": dt.timedelta(0)},
            InvalidArgumentError,
            "ShiftTemplate.length must be positive",
        ),
        ({"length": -H}, InvalidArgumentError, "ShiftTemplate.length must be positive"),
        ({"length": 25 * H}, InvalidArgumentError, "at most 24 hours"),
        (
            {"length": 8},
            InvalidTypeError,
            "ShiftTemplate.length must be a datetime.timedelta",
        ),
        (
            {"start": "9am"},
            InvalidArgumentError,
            "ShiftTemplate.start must be a time of day",
        ),
        ({"start": 9}, InvalidTypeError, "ShiftTemplate.start must be a time of day"),
        ({"start": dt.time(9, tzinfo=dt.UTC)}, InvalidArgumentError, "without a zone"),
        ({"name": ""}, InvalidArgumentError, "ShiftTemplate.name"),
        ({"cost": -1}, InvalidArgumentError, "ShiftTemplate.cost must be finite"),
        (
            {"cost": float("nan")},
            InvalidArgumentError,
            "ShiftTemplate.cost must be finite",
        ),
        ({"cost": "1"}, InvalidTypeError, "ShiftTemplate.cost must be a number"),
        ({"weekdays": {7}}, InvalidArgumentError, "ShiftTemplate.weekdays holds 7"),
        ({"weekdays": "Mon"}, InvalidTypeError, "ShiftTemplate.weekdays must be a set"),
        (
            {"weekdays": set(), "holidays": False, "makeup_days": False},
            InvalidArgumentError,
            "can never run",
        ),
        (
            {"holidays": 1},
            InvalidTypeError,
            "ShiftTemplate.holidays must be True or False",
        ),
        (
            {"breaks": [ShiftBreak(after=7 * H, length=2 * H)]},
            InvalidArgumentError,
            r"ShiftTemplate.breaks\[0\] runs from 7:00:00 to 9:00:00",
        ),
        (
            {
                "breaks": [
                    ShiftBreak(after=2 * H, length=2 * H),
                    ShiftBreak(after=3 * H, length=H),
                ]
            },
            InvalidArgumentError,
            "ShiftTemplate.breaks of 'x' overlap",
        ),
        (
            {"breaks": [(1, 2)]},
            InvalidTypeError,
            "ShiftTemplate.breaks must hold ShiftBreak",
        ),
    ],
)
def test_bad_templates_are_refused_naming_the_field(kwargs, error, match):
    args = {"name": "x", "start": "09:00", "length": 8 * H} | kwargs
    with pytest.raises(error, match=match):
        ShiftTemplate(**args)


def test_bad_breaks_are_refused_naming_the_field():
    with pytest.raises(
        InvalidArgumentError, match=r"ShiftBreak\.length must be positive"
    ):
        ShiftBreak(after=H, length=dt.timedelta(0))
    with pytest.raises(
        InvalidArgumentError, match=r"ShiftBreak\.after must be zero or positive"
    ):
        ShiftBreak(after=-H, length=H)


def test_start_and_seconds_round_trip_through_the_codec():
    t = ShiftTemplate(name="x", start=dt.time(9, 0, 30), length=H)
    assert t.to_dict()["start"] == "09:00:30"
    assert ShiftTemplate.from_dict(t.to_dict()) == t


def test_shift_start_refuses_a_datetime_as_its_day():
    with pytest.raises(InvalidTypeError, match=r"ShiftStart\.day"):
        ShiftStart(template="x", day=START, agents=1)


# ------------------------------------------------------------------- missing SciPy


def test_solving_without_scipy_says_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy", None)
    with pytest.raises(
        MissingExtraError, match=r"pip install 'servicekit\[planning\]'"
    ) as e:
        plan_shifts([T], [1], start=START, interval=H)
    assert isinstance(e.value, ImportError)


def test_the_package_imports_without_scipy():
    """Importing servicekit.workforce must not need the planning extra."""
    code = textwrap.dedent(
        """
        import sys
        sys.modules["scipy"] = None
        import servicekit.workforce as w
        t = w.ShiftTemplate(name="d", start="09:00", length=__import__("datetime").timedelta(hours=1))
        print(t.name, "scipy" in sys.modules and sys.modules["scipy"] is None)
        """
    )
    out = subprocess.run(  # noqa: S603 -- our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["d", "True"]
