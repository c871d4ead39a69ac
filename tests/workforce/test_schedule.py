"""Who is on duty: a roster's answer against a scan of every shift, and the router."""

import datetime as dt
import pickle

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.errors import (
    InvalidArgumentError,
    InvalidTypeError,
    NaiveDatetimeError,
    UnknownNameError,
)
from servicekit.routing import Agent, Router, Ticket
from servicekit.workforce import (
    CoverageRule,
    Roster,
    RosterShift,
    ShiftBreak,
    ShiftPlan,
    ShiftTemplate,
    StaffMember,
    build_roster,
    plan_shifts,
)

H = dt.timedelta(hours=1)
BASE = pendulum.datetime(2025, 10, 1, tz="Asia/Shanghai")


@st.composite
def shifts(draw):
    start = BASE + draw(st.integers(0, 48)) * H
    length = draw(st.integers(1, 12)) * H
    breaks = []
    if length >= 3 * H and draw(st.booleans()):
        b = start + draw(st.integers(1, length // H - 2)) * H
        breaks.append((b, b + dt.timedelta(minutes=30)))
    return RosterShift(
        agent=draw(st.sampled_from(["A", "B", "C", "D"])),
        template="t",
        day=start.date(),
        start=start,
        end=start + length,
        breaks=breaks,
    )


@settings(max_examples=40)
@given(
    st.lists(shifts(), max_size=8),
    st.integers(-2, 64 * 4).map(lambda q: BASE + q * dt.timedelta(minutes=15)),
)
def test_on_duty_is_every_agent_whose_shift_holds_the_instant_off_break(items, at):
    roster = Roster(shifts=items)
    expected = sorted(
        {
            s.agent
            for s in items
            if s.start <= at < s.end and not any(a <= at < b for a, b in s.breaks)
        }
    )
    assert list(roster.on_duty(at)) == expected
    assert all(
        s.on_duty(at) == (s.start <= at < s.end and s.agent in expected)
        for s in items
        if not s.breaks
    )


def test_an_instant_in_another_zone_is_the_same_instant():
    s = RosterShift(
        agent="A", template="t", day=BASE.date(), start=BASE, end=BASE + 8 * H
    )
    roster = Roster(shifts=[s])
    assert roster.on_duty(BASE.in_timezone("UTC").add(hours=7, minutes=59)) == ("A",)
    with pytest.raises(NaiveDatetimeError):
        roster.on_duty(dt.datetime(2025, 10, 1, 9))


def test_the_router_only_assigns_to_agents_on_duty_and_keeps_logged_off_ones_off():
    """Issue 15: the 24x7 desk's clocks are backed by someone on duty."""
    desk = ShiftTemplate(
        name="desk",
        start="08:00",
        length=12 * H,
        breaks=[ShiftBreak(after=4 * H, length=H)],
    )
    night = ShiftTemplate(name="night", start="20:00", length=12 * H)
    plan = plan_shifts(
        [desk, night],
        [1] * 4 + [0] + [1] * 19,  # nobody needed during the desk's break at noon
        start=BASE.set(hour=8),
        interval=H,
    )
    roster = build_roster(
        plan,
        [StaffMember(id=i, languages={"zh"}) for i in ("A", "B", "C")],
        coverage=[CoverageRule(name="zh at night", language="zh", templates={"night"})],
    )
    staff = [Agent(id=i, capacity={"chat": 3}) for i in ("A", "B", "C")]
    for hour in range(24):
        now = BASE.set(hour=8).add(hours=hour)
        on = roster.agents_at(now, staff)
        assert [a.id for a in on] == ["A", "B", "C"]
        assert {a.id for a in on if a.available} == set(roster.on_duty(now))
        ticket = Ticket(
            id="T", created_at=now, priority="normal", tier="ordinary", channel="chat"
        )
        decision = Router.default().route(ticket, on, now)
        assert (
            (decision.agent_id in roster.on_duty(now))
            if decision.agent_id
            else not roster.on_duty(now)
        )
    someone = roster.on_duty(BASE.set(hour=9))[0]
    logged_off = [Agent(id=someone, available=False)]
    assert roster.agents_at(BASE.set(hour=9), logged_off)[0].available is False
    stranger = roster.agents_at(BASE.set(hour=9), [Agent(id="Z")])[0]
    assert stranger.available is False


def test_a_roster_round_trips_and_keeps_its_order():
    a = RosterShift(
        agent="B", template="t", day=BASE.date(), start=BASE + H, end=BASE + 2 * H
    )
    b = RosterShift(
        agent="A", template="t", day=BASE.date(), start=BASE + H, end=BASE + 3 * H
    )
    c = RosterShift(agent="C", template="t", day=BASE.date(), start=BASE, end=BASE + H)
    roster = Roster(shifts=[a, b, c])
    assert [s.agent for s in roster.shifts] == ["C", "A", "B"]
    assert Roster.from_dict(roster.to_dict()) == roster
    assert roster.agents == ("A", "B", "C")
    assert roster.shifts_of("A") == (b,)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"end": BASE},
            InvalidArgumentError,
            r"RosterShift\.end .* must be after start",
        ),
        ({"agent": ""}, InvalidArgumentError, r"RosterShift\.agent"),
        ({"template": None}, InvalidArgumentError, r"RosterShift\.template"),
        (
            {"day": BASE},
            InvalidArgumentError,
            r"RosterShift\.day must be a datetime\.date",
        ),
        (
            {"start": dt.datetime(2025, 10, 1)},
            NaiveDatetimeError,
            r"RosterShift\.start",
        ),
        ({"breaks": "x"}, InvalidArgumentError, r"RosterShift\.breaks must be a list"),
        (
            {"breaks": [(BASE,)]},
            InvalidArgumentError,
            r"RosterShift\.breaks\[0\] must be a \(start, end\) pair",
        ),
        (
            {"breaks": [(BASE - H, BASE)]},
            InvalidArgumentError,
            r"RosterShift\.breaks\[0\] .* inside the shift",
        ),
        (
            {"breaks": [(BASE + H, BASE + H)]},
            InvalidArgumentError,
            r"RosterShift\.breaks\[0\]",
        ),
    ],
)
def test_bad_roster_shifts_are_refused_naming_the_field(kwargs, error, match):
    args = {
        "agent": "A",
        "template": "t",
        "day": BASE.date(),
        "start": BASE,
        "end": BASE + 8 * H,
    } | kwargs
    with pytest.raises(error, match=match):
        RosterShift(**args)


def test_a_roster_holds_roster_shifts_only():
    with pytest.raises(InvalidTypeError, match=r"Roster\.shifts must hold RosterShift"):
        Roster(shifts=["A"])
    with pytest.raises(UnknownNameError, match=r"Roster\.status"):
        Roster(shifts=[], status="done")


def test_breaks_at_a_shift_edge_leave_one_stretch():
    t = ShiftTemplate(
        name="t",
        start="08:00",
        length=4 * H,
        breaks=[
            ShiftBreak(after=dt.timedelta(0), length=H),
            ShiftBreak(after=3 * H, length=H),
        ],
    )
    assert t.on_duty_offsets() == ((H, 3 * H),)
    s = RosterShift(
        agent="A",
        template="t",
        day=BASE.date(),
        start=BASE,
        end=BASE + 4 * H,
        breaks=[(BASE, BASE + H), (BASE + 3 * H, BASE + 4 * H)],
    )
    assert s.paid_time == 2 * H


def test_a_plan_refuses_counts_that_are_not_a_list():
    plan = plan_shifts(
        [ShiftTemplate(name="d", start="08:00", length=H)],
        [1],
        start=BASE.set(hour=8),
        interval=H,
    )
    with pytest.raises(InvalidTypeError, match=r"ShiftPlan\.coverage must be a list"):
        ShiftPlan(
            **{
                **{
                    f: getattr(plan, f)
                    for f in (
                        "start",
                        "interval",
                        "timezone",
                        "templates",
                        "starts",
                        "required",
                        "cost",
                    )
                },
                "coverage": 3,
            }
        )
    rule = CoverageRule(name="night zh", language="zh", templates={"night"})
    assert rule.describe() == "at least 1 agent speaking 'zh' on every night shift"
    assert not rule.applies_to("day")


def test_plans_and_rosters_survive_pickling_for_worker_processes():
    plan = plan_shifts(
        [ShiftTemplate(name="d", start="08:00", length=2 * H)],
        [1, 1],
        start=BASE.set(hour=8),
        interval=H,
    )
    roster = build_roster(plan, [StaffMember(id="A")])
    for value in (plan, roster, *plan.templates, *roster.shifts):
        assert pickle.loads(pickle.dumps(value)) == value
    again = pickle.loads(pickle.dumps(roster))
    assert again.on_duty(BASE.set(hour=9)) == ("A",)
