"""A state machine test of recurring duties as of any instant, against brute force.

A requirement of a small process works (owing a progress note every business day,
a report every week and a summary every month), pauses, resumes and stops, on the
real China calendar around the Spring Festival and the National Day; while working,
tasks are added, progressed and done, each owing a check-in every business day
(a per-task duty, its owner named). At every step
the record as of ``now`` (``breaches + missed(now)``) and the instances owed
(``due_duties(now)``) must equal an independent reference: it walks every date of
every stint in the working state, groups the dates into periods by hand (the date
itself, the ISO week, the month), takes each period's last business day, and
decides each instance from the meeting events alone.

Regression (issue 18): a missed instance was recorded only when the next meeting
event arrived, and not at all when the requirement left the duty's state, so a
team that stopped writing notes looked clean.
"""

import datetime as dt
import functools

import pendulum
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from acceptance.test_recurring import CHINA, SH
from servicekit.acceptance import (
    Breach,
    BreachKind,
    Obligation,
    Process,
    RecurringDuty,
    Requirement,
    RequirementPolicy,
    State,
    StepDone,
    TaskAdded,
    TaskDone,
    TaskProgressed,
    Transition,
)

#: (duty, how its periods are keyed from a date, the step that meets it)
DUTIES = (
    ("note", lambda d: d, "noted"),
    ("report", lambda d: d.isocalendar()[:2], "reported"),
    ("summary", lambda d: (d.year, d.month), "summarised"),
)
EVERY = {"note": "business_day", "report": "week", "summary": "month"}
KEYS = {name: key for name, key, _step in DUTIES} | {"check_in": lambda d: d}
#: The duty each open task owes: a check-in every business day, met by its progress.
PER_TASK = "check_in"


def _rows(source, *pairs):
    return [Transition(source=source, on=on, target=target) for on, target in pairs]


PROCESS = Process(
    name="paused work",
    states=[
        State(name="working"),
        State(name="paused"),
        State(name="done", terminal=True),
    ],
    transitions=[
        *_rows(
            "working",
            ("noted", "working"),
            ("reported", "working"),
            ("summarised", "working"),
            ("TaskAdded", "working"),
            ("TaskProgressed", "working"),
            ("TaskDone", "working"),
            ("pause", "paused"),
            ("stop", "done"),
        ),
        *_rows("paused", ("resume", "working"), ("stop", "done")),
    ],
    recurring=[
        RecurringDuty(
            name=name,
            party="team",
            every=EVERY[name],
            met_by=step,
            while_in=["working"],
        )
        for name, _key, step in DUTIES
    ]
    + [
        RecurringDuty(
            name=PER_TASK,
            party="team",
            every="business_day",
            met_by="TaskProgressed",
            while_in=["working"],
            per_task=True,
        )
    ],
)


@functools.cache
def close_of(day):
    noon = pendulum.datetime(day.year, day.month, day.day, 12, tz=SH)
    return CHINA.add_business_days(noon, 0)


def instances(name, start, end):
    return _instances(name, start.date(), end.date())


@functools.cache
def _instances(name, start, end):
    """Each period (by its key) around [start, end + 100 days]: (key, first, last, due)."""
    key = KEYS[name]
    day = start - dt.timedelta(days=95)
    periods = {}
    while day <= end + dt.timedelta(days=100):
        periods.setdefault(key(day), []).append(day)
        day += dt.timedelta(days=1)
    out = []
    for k, days in periods.items():
        working = [d for d in days if CHINA.is_business_day(d)]
        if working and days[-1] >= start - dt.timedelta(days=1):
            out.append((k, days[0], days[-1], close_of(working[-1])))
    return sorted(out, key=lambda i: i[3])


class Reference:
    """Stints (in the working state, or of an open task) and the meetings in each."""

    def __init__(self, start):
        self.stints = [self.stint(start)]
        self.tasks = {}  # task id -> its stint

    @staticmethod
    def stint(enter, task=None):
        duties = [PER_TASK] if task else [n for n, _k, _s in DUTIES]
        return {
            "enter": enter,
            "left": None,
            "met": {n: [] for n in duties},
            "task": task,
        }

    def record(self, now):
        """(breaches as of now, owed instances as (what, since, due_at, task))."""
        breaches, owed = [], []
        for stint in [*self.stints, *self.tasks.values()]:
            enter, left, task = stint["enter"], stint["left"], stint["task"]
            for name, met in stint["met"].items():
                key = KEYS[name]
                current = None
                for k, first, last, due in instances(name, enter, left or now):
                    if due < enter:
                        continue
                    inside = [m for m in met if key(m.date()) == k]
                    if inside:
                        if inside[0] > due:
                            breaches.append(("late", name, due, inside[0], task))
                        continue
                    if left is not None:
                        if due < left:
                            breaches.append(("lapsed", name, due, due, task))
                        continue
                    if last < now.date():
                        breaches.append(("lapsed", name, due, due, task))
                    elif current is None:
                        midnight = pendulum.datetime(
                            first.year, first.month, first.day, tz=SH
                        )
                        current = (name, max(midnight, enter), due, task)
                if current is not None:
                    owed.append(current)
        return sorted(breaches, key=str), owed


def plain(b: Breach):
    return (b.kind.value, str(b.what), b.due_at, b.at, b.task)


class RecurringMachine(RuleBasedStateMachine):
    @initialize(
        start=st.sampled_from(
            [
                pendulum.datetime(2025, 1, 20, 10, tz=SH),
                pendulum.datetime(2025, 1, 24, 19, tz=SH),
                pendulum.datetime(2025, 9, 25, 9, tz=SH),
                pendulum.datetime(2025, 12, 29, 17, 59, tz=SH),
            ]
        )
    )
    def start(self, start):
        self.now = start
        self.req = Requirement.open(
            id="R", received_at=start, policy=RequirementPolicy(CHINA), process=PROCESS
        )
        self.ref = Reference(start)

    @rule(hours=st.integers(0, 60), minutes=st.integers(0, 59))
    def wait(self, hours, minutes):
        self.now = self.now.add(hours=hours, minutes=minutes)

    @rule(duty=st.sampled_from(DUTIES))
    def meet(self, duty):
        name, _key, step = duty
        if self.req.state != "working":
            return
        self.req = self.req.apply(StepDone(at=self.now, step=step))
        self.ref.stints[-1]["met"][name].append(self.now)

    def open_tasks(self):
        return [t.id for t in self.req.tasks if t.is_open]

    @rule()
    def add_task(self):
        if self.req.state != "working" or len(self.open_tasks()) >= 2:
            return
        task = f"T{len(self.req.tasks) + 1}"
        self.req = self.req.apply(
            TaskAdded(at=self.now, task=task, owner="Li", due_at=self.now.add(days=99))
        )
        self.ref.tasks[task] = self.ref.stint(self.now, task)

    @rule(which=st.integers(0, 1), done=st.booleans())
    def work_on_a_task(self, which, done):
        tasks = self.open_tasks()
        if not tasks:
            return
        task = tasks[which % len(tasks)]
        if done:
            self.req = self.req.apply(TaskDone(at=self.now, task=task))
            self.ref.tasks[task]["left"] = self.now
        else:
            self.req = self.req.apply(TaskProgressed(at=self.now, task=task))
            self.ref.tasks[task]["met"][PER_TASK].append(self.now)

    @rule()
    def pause_or_resume(self):
        if self.open_tasks():
            return  # the work cannot move while a task is open
        if self.req.state == "working":
            self.req = self.req.apply(StepDone(at=self.now, step="pause"))
            self.ref.stints[-1]["left"] = self.now
        elif self.req.state == "paused":
            self.req = self.req.apply(StepDone(at=self.now, step="resume"))
            self.ref.stints.append(self.ref.stint(self.now))

    @rule()
    def stop(self):
        if self.req.state in {"working", "paused"} and not self.open_tasks():
            self.req = self.req.apply(StepDone(at=self.now, step="stop"))
            if self.ref.stints[-1]["left"] is None:
                self.ref.stints[-1]["left"] = self.now

    @invariant()
    def the_record_as_of_now_is_the_reference(self):
        breaches, owed = self.ref.record(self.now)
        missed = self.req.missed(self.now)
        assert all(b.kind is BreachKind.LAPSED and b.at == b.due_at for b in missed)
        recorded = (*self.req.breaches, *missed)
        assert sorted((plain(b) for b in recorded), key=str) == breaches
        assert all(b.owner == ("Li" if b.task else None) for b in recorded)
        assert [
            (str(o.what), o.since, o.due_at, o.task)
            for o in self.req.due_duties(self.now)
            if o.what != "complete_task"
        ] == owed
        due = self.req.due_duties(self.now)
        assert all(o.owner == ("Li" if o.task else None) for o in due)
        # Asking changes nothing, and an event now records exactly what was missed.
        assert self.req.missed(self.now) == missed

    @invariant()
    def a_due_duty_is_overdue_only_past_its_due_time(self):
        for o in self.req.due_duties(self.now):
            assert isinstance(o, Obligation)
            assert o.is_overdue(self.now) == (o.due_at < self.now)


RecurringMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=25, deadline=None
)
TestRecurringAsOfNow = RecurringMachine.TestCase
