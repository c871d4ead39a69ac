"""Named targets, several per metric, and targets stopped by chosen events (issue 14).

A policy may hold any number of targets; each has a name, unique within the policy.
``SlaReport.targets`` maps the names to their statuses; ``SlaReport.metrics[m]`` is
the earliest-due target of ``m``. A target's ``stop_when`` says which stopping events
count for it (rule 21 in docs/sla.md). Scenarios run on the real China calendar.
"""

from __future__ import annotations

import json
import pickle
from typing import TYPE_CHECKING

import attrs
import pendulum
import pytest
from hypothesis import given, settings

from servicekit.errors import (
    DeserializationError,
    DuplicateIdError,
    InvalidArgumentError,
)
from servicekit.sla import (
    Equals,
    EventKind,
    MetricState,
    PolicySet,
    SlaClock,
    SlaReport,
    SlaTarget,
    TicketEvent,
    TicketStatus,
    evaluate,
)
from servicekit.sla.presets import (
    BY_DEDICATED_MANAGER,
    CHINA_BUSINESS_CALENDAR,
    SERVICE_STANDARD,
)
from sla.clock_world import (
    FR,
    HOUR,
    MINUTE,
    NR,
    RES,
    created,
    message,
    policy,
    reopened,
    reply,
    status,
    target,
)
from strategies import sla_cases

SH = "Asia/Shanghai"


if TYPE_CHECKING:
    import datetime as dt


def at(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=SH)


def manager_reply(when: dt.datetime) -> TicketEvent:
    return TicketEvent(
        at=when, kind=EventKind.AGENT_REPLY, attributes={"role": "dedicated_manager"}
    )


def clear_answer(when: dt.datetime) -> TicketEvent:
    return TicketEvent(
        at=when, kind=EventKind.AGENT_REPLY, attributes={"clear_answer": True}
    )


class TestVipFridayEmail:
    """The preset's wrong answer the issue reports: the VIP lost the 30-minute reply."""

    def test_both_promises_and_both_due_instants(self):
        """Friday 17:00: a reply by 17:30 (real time) and the manager by Monday 10:00."""
        t0 = at(2025, 3, 7, 17)
        events = [created(t0, tier="high_value", channel="email")]
        report = evaluate(SERVICE_STANDARD, events, t0)
        assert report.policy == "high_value"
        first = report.targets["first_response"]
        manager = report.targets["manager_answer"]
        assert first.due_at == at(2025, 3, 7, 17, 30)
        assert manager.due_at == at(2025, 3, 10, 10)
        assert first.state is manager.state is MetricState.RUNNING
        # The metric shows its earliest-due target.
        assert report.metrics[FR] is first
        assert report.next_change_at == at(2025, 3, 7, 17, 15)

    def test_an_ordinary_customer_is_owed_the_reply_only(self):
        t0 = at(2025, 3, 7, 17)
        report = evaluate(SERVICE_STANDARD, [created(t0, channel="email")], t0)
        assert report.policy == "standard"
        assert list(report.targets) == ["first_response", "next_response", "resolution"]
        assert report.metrics[FR].due_at == at(2025, 3, 7, 17, 30)

    def test_an_agents_reply_does_not_answer_for_the_manager(self):
        """The agent's reply meets the 30 minutes; the manager's promise keeps running."""
        t0 = at(2025, 3, 7, 17)
        events = [
            created(t0, tier="high_value", channel="email"),
            reply(t0.add(minutes=10)),
        ]
        report = evaluate(SERVICE_STANDARD, events, at(2025, 3, 10, 9, 30))
        assert report.targets["first_response"].state is MetricState.MET
        manager = report.targets["manager_answer"]
        assert manager.state is MetricState.RUNNING
        assert (
            manager.elapsed == 90 * MINUTE
        )  # Friday 17:10-18:00 and Monday 09:00-09:30
        events.append(manager_reply(at(2025, 3, 10, 9, 45)))
        report = evaluate(SERVICE_STANDARD, events, at(2025, 3, 10, 12))
        manager = report.targets["manager_answer"]
        assert manager.state is MetricState.MET
        assert manager.stopped_at == at(2025, 3, 10, 9, 45)

    def test_national_day_make_up_sunday(self):
        """Friday 26 Sep 2025, 17:00: Sunday the 28th is a 调休 working day."""
        t0 = at(2025, 9, 26, 17)
        events = [created(t0, tier="high_value", channel="email")]
        report = evaluate(SERVICE_STANDARD, events, t0)
        assert report.targets["first_response"].due_at == at(2025, 9, 26, 17, 30)
        assert report.targets["manager_answer"].due_at == at(2025, 9, 28, 10)

    def test_spring_festival(self):
        """Friday 24 Jan 2025, 17:00: the 26th (Sunday) is a make-up day, then the
        holiday runs 28 Jan-4 Feb and 8 Feb (Saturday) is another make-up day."""
        t0 = at(2025, 1, 24, 17)
        events = [created(t0, tier="high_value", channel="email")]
        report = evaluate(SERVICE_STANDARD, events, t0)
        assert report.targets["manager_answer"].due_at == at(2025, 1, 26, 10)
        late = at(2025, 1, 27, 17)
        report = evaluate(SERVICE_STANDARD, [created(late, tier="high_value")], late)
        assert report.targets["manager_answer"].due_at == at(2025, 2, 5, 10)
        assert report.targets["first_response"].due_at == at(2025, 1, 27, 17, 30)

    def test_the_manager_answering_first_meets_both(self):
        """A reply from the manager is a reply: it stops the first-response clock too."""
        t0 = at(2025, 3, 7, 17)
        events = [created(t0, tier="high_value"), manager_reply(t0.add(minutes=20))]
        report = evaluate(SERVICE_STANDARD, events, t0.add(hours=1))
        assert report.targets["first_response"].state is MetricState.MET
        assert report.targets["manager_answer"].state is MetricState.MET

    def test_solving_stops_every_promise(self):
        """Rule 12 holds for conditional targets: a solved ticket owes no answer."""
        t0 = at(2025, 3, 7, 17)
        events = [
            created(t0, tier="high_value"),
            status(t0.add(minutes=5), TicketStatus.SOLVED),
        ]
        report = evaluate(SERVICE_STANDARD, events, at(2025, 3, 12, 9))
        assert report.targets["manager_answer"].state is MetricState.MET
        assert report.next_change_at is None


CLEAR = policy(
    "clear",
    target(FR, 30 * MINUTE),
    target(RES, 24 * HOUR),
    SlaTarget(
        name="clear_answer",
        metric=RES,
        within=24 * HOUR,
        business_hours=False,
        stop_when={"attributes.clear_answer": True},
    ),
    calendar=CHINA_BUSINESS_CALENDAR,
)


class TestClearAnswer:
    """'A clear answer within 24 hours' is not any reply, and not only the solve."""

    def test_a_plain_reply_does_not_stop_it(self):
        t0 = at(2025, 3, 3, 10)
        events = [created(t0), reply(t0.add(minutes=5))]
        report = evaluate(CLEAR, events, t0.add(hours=25))
        assert report.targets["clear_answer"].state is MetricState.BREACHED
        assert report.targets["clear_answer"].breached_at == t0.add(hours=24)

    def test_a_reply_marked_clear_stops_it(self):
        t0 = at(2025, 3, 3, 10)
        events = [created(t0), clear_answer(t0.add(hours=3))]
        report = evaluate(CLEAR, events, t0.add(hours=25))
        clear = report.targets["clear_answer"]
        assert clear.state is MetricState.MET
        assert clear.stopped_at == t0.add(hours=3)
        # The resolution clock, stopped only by solving, breached meanwhile.
        assert report.targets["resolution"].state is MetricState.BREACHED
        # Both were due at 10:00 the next day: a tie goes to the policy's first.
        assert report.metrics[RES] is report.targets["resolution"]

    def test_it_pauses_while_pending_and_resumes_on_reopen(self):
        """It follows RESOLUTION's pauses (rule 13) and reopens (rule 11)."""
        t0 = at(2025, 3, 3, 10)
        events = [
            created(t0),
            status(t0.add(hours=1), TicketStatus.PENDING),
            status(t0.add(hours=3), TicketStatus.OPEN),
            clear_answer(t0.add(hours=4)),
            status(t0.add(hours=5), TicketStatus.SOLVED),
            reopened(t0.add(hours=6)),
        ]
        report = evaluate(CLEAR, events, t0.add(hours=7))
        clear = report.targets["clear_answer"]
        assert clear.state is MetricState.RUNNING
        # 1 h, paused 2 h, 1 h to the clear answer, then running again since 16:00.
        assert clear.elapsed == 3 * HOUR
        report = evaluate(CLEAR, events[:2], t0.add(hours=2))
        assert report.targets["clear_answer"].state is MetricState.PAUSED

    def test_a_clock_keeps_its_cycles_through_json_and_pickle(self):
        t0 = at(2025, 3, 3, 10)
        clock = SlaClock.start(CLEAR, [created(t0)])
        clock = clock.apply([reply(t0.add(minutes=5))])
        data = json.loads(json.dumps(clock.to_dict()))
        assert data["state"]["tracks"]
        again = SlaClock.from_dict(data).apply([clear_answer(t0.add(hours=2))])
        direct = clock.apply([clear_answer(t0.add(hours=2))])
        now = t0.add(hours=3)
        assert again.report(now) == direct.report(now)
        assert pickle.loads(pickle.dumps(direct)).report(now) == direct.report(now)
        assert direct.report(now).targets["clear_answer"].state is MetricState.MET

    def test_a_stored_clock_under_another_policy_set_is_refused(self):
        t0 = at(2025, 3, 3, 10)
        data = SlaClock.start(CLEAR, [created(t0)]).to_dict()
        data["state"]["tracks"] = []
        with pytest.raises(DeserializationError, match="further"):
            SlaClock.from_dict(data)


class TestSeveralTargetsPerMetric:
    def test_two_allowances_on_one_clock(self):
        """30 business minutes and 4 real hours for one first reply."""
        cal = CHINA_BUSINESS_CALENDAR
        p = policy(
            "two",
            SlaTarget(metric=FR, within=30 * MINUTE, name="soon"),
            SlaTarget(metric=FR, within=4 * HOUR, business_hours=False, name="hard"),
            calendar=cal,
        )
        t0 = at(2025, 3, 7, 17, 50)  # Friday, 10 minutes before closing
        report = evaluate(p, [created(t0)], t0)
        assert report.targets["soon"].due_at == at(2025, 3, 10, 9, 20)
        assert report.targets["hard"].due_at == at(2025, 3, 7, 21, 50)
        assert report.metrics[FR] is report.targets["hard"]  # due first
        later = evaluate(
            p, [created(t0), reply(at(2025, 3, 10, 9))], at(2025, 3, 10, 9)
        )
        assert later.targets["hard"].state is MetricState.BREACHED
        assert later.targets["soon"].state is MetricState.MET
        assert {a.target for a in later.alerts} == {"hard"}  # none for a met one
        assert {a.target for a in report.alerts} == {"soon", "hard"}
        assert SlaReport.from_dict(json.loads(json.dumps(later.to_dict()))) == later

    def test_next_response_copy_follows_each_cycle(self):
        p = policy(
            "nr",
            target(FR, 30 * MINUTE),
            target(NR, 30 * MINUTE),
            SlaTarget(metric=NR, within=HOUR, business_hours=False, name="nr_hour"),
        )
        t0 = pendulum.datetime(2025, 3, 3, 9, tz="UTC")
        events = [
            created(t0),
            reply(t0.add(minutes=1)),
            message(t0.add(minutes=2)),
            reply(t0.add(minutes=50)),
            message(t0.add(minutes=55)),
        ]
        report = evaluate(p, events, t0.add(hours=1))
        plain, hour = report.targets["next_response"], report.targets["nr_hour"]
        assert (plain.cycles, plain.breached_cycles) == (2, 1)
        assert (hour.cycles, hour.breached_cycles) == (2, 0)
        assert hour.started_at == t0.add(minutes=55)

    def test_a_manager_update_clock_ignores_other_replies(self):
        """A conditional NEXT_RESPONSE keeps running through agents' replies."""
        p = policy(
            "mgr",
            target(FR, 30 * MINUTE),
            target(NR, 30 * MINUTE),
            SlaTarget(
                metric=NR,
                within=HOUR,
                business_hours=False,
                name="manager_next",
                stop_when=BY_DEDICATED_MANAGER,
            ),
        )
        t0 = pendulum.datetime(2025, 3, 3, 9, tz="UTC")
        events = [
            created(t0),
            reply(t0.add(minutes=1)),
            message(t0.add(minutes=2)),
            reply(t0.add(minutes=10)),
            message(t0.add(minutes=20)),  # the plain clock restarts; this one runs on
        ]
        report = evaluate(p, events, t0.add(minutes=30))
        mgr = report.targets["manager_next"]
        assert mgr.started_at == t0.add(minutes=2)
        assert mgr.cycles == 1
        events.append(manager_reply(t0.add(minutes=40)))
        report = evaluate(p, events, t0.add(minutes=45))
        assert report.targets["manager_next"].state is MetricState.MET


class TestBadTargets:
    def test_two_targets_with_one_name(self):
        with pytest.raises(DuplicateIdError, match="'soon'"):
            policy(
                "p",
                SlaTarget(metric=FR, within=HOUR, name="soon"),
                SlaTarget(metric=RES, within=HOUR, name="soon"),
            )

    def test_a_second_target_left_unnamed(self):
        """The default name is the metric's: a second target of a metric needs one."""
        with pytest.raises(DuplicateIdError, match="name each promise"):
            policy("p", target(FR, HOUR), target(FR, 2 * HOUR))

    @pytest.mark.parametrize("name", ["", "  ", 3, None])
    def test_a_bad_name(self, name):
        with pytest.raises(InvalidArgumentError, match=r"SlaTarget\.name"):
            SlaTarget(metric=FR, within=HOUR, name=name)

    @pytest.mark.parametrize("field", ["priority", "attributes.", "tier", "customer"])
    def test_a_stop_condition_naming_an_unknown_fact(self, field):
        with pytest.raises(InvalidArgumentError, match="no event carries"):
            SlaTarget(metric=FR, within=HOUR, stop_when={field: "x"})

    def test_a_stop_condition_that_always_holds(self):
        with pytest.raises(InvalidArgumentError, match="any event"):
            SlaTarget(metric=FR, within=HOUR, stop_when={"type": "always"})

    def test_a_broken_stop_condition(self):
        with pytest.raises(DeserializationError, match="field"):
            SlaTarget(metric=FR, within=HOUR, stop_when={"type": "equals"})

    def test_nested_conditions_are_checked(self):
        with pytest.raises(InvalidArgumentError, match="'tier'"):
            SlaTarget(
                metric=FR,
                within=HOUR,
                stop_when={
                    "type": "not",
                    "condition": {"type": "any", "conditions": [{"tier": "x"}]},
                },
            )


class TestStoredForms:
    def test_a_target_named_after_its_metric_is_stored_as_before(self):
        t = target(FR, HOUR)
        assert "name" not in t.to_dict()
        assert "stop_when" not in t.to_dict()
        named = SlaTarget(
            metric=FR, within=HOUR, name="mgr", stop_when=BY_DEDICATED_MANAGER
        )
        data = json.loads(json.dumps(named.to_dict()))
        assert data["name"] == "mgr"
        assert SlaTarget.from_dict(data) == named

    def test_a_report_from_before_issue_14_reads(self):
        """Stored reports hold no "targets": they read with one target per metric."""
        t0 = at(2025, 3, 3, 10)
        report = evaluate(SERVICE_STANDARD, [created(t0)], t0)
        data = report.to_dict()
        assert "targets" not in data
        assert all("target" not in a for a in data["alerts"])
        again = SlaReport.from_dict(data)
        assert again == report
        assert list(again.targets) == ["first_response", "next_response", "resolution"]

    def test_an_edited_report_is_refused(self):
        t0 = at(2025, 3, 7, 17)
        report = evaluate(SERVICE_STANDARD, [created(t0, tier="high_value")], t0)
        data = report.to_dict()
        data["targets"]["manager_answer"] = data["targets"]["first_response"]
        with pytest.raises(DeserializationError, match="manager_answer"):
            SlaReport.from_dict(data)
        data = report.to_dict()
        data["metrics"]["first_response"]["cycles"] = 2
        with pytest.raises(DeserializationError, match="not the status"):
            SlaReport.from_dict(data)

    def test_a_policy_set_with_named_targets_round_trips(self):
        data = json.loads(json.dumps(SERVICE_STANDARD.to_dict()))
        assert PolicySet.from_dict(data) == SERVICE_STANDARD

    def test_event_facts_round_trip(self):
        e = manager_reply(at(2025, 3, 3, 10))
        assert TicketEvent.from_dict(json.loads(json.dumps(e.to_dict()))) == e


def _with_copies(policies: PolicySet) -> PolicySet:
    """Each policy with a second, renamed copy of each target (same clock)."""
    return PolicySet(
        [
            attrs.evolve(
                p,
                targets=[
                    *p.targets,
                    *(attrs.evolve(t, name=f"copy_{t.name}") for t in p.targets),
                ],
            )
            for p in policies
        ]
    )


@settings(max_examples=150, deadline=None)
@given(sla_cases())
def test_a_copy_of_a_target_reports_as_the_original(case):
    """Further tracks follow their metric's own exactly when no condition is given,
    and adding them changes nothing else in the report (the reference model covers
    the originals: tests/sla/test_clock_properties.py)."""
    policies, events, now = case
    plain = evaluate(policies, events, now)
    copied = evaluate(_with_copies(policies), events, now)
    assert copied.metrics == plain.metrics
    assert copied.next_change_at == plain.next_change_at
    for name, original in plain.targets.items():
        copy = copied.targets[f"copy_{name}"]
        assert attrs.evolve(copy, target=original.target) == original
    assert [a for a in copied.alerts if not a.target.startswith("copy_")] == list(
        plain.alerts
    )


@settings(max_examples=60, deadline=None)
@given(sla_cases())
def test_a_condition_no_event_meets_only_solving_stops(case):
    """A copy stopped by no event runs until the ticket is solved."""
    policies, events, now = case
    never = Equals(field="attributes.never", value=True)
    changed = PolicySet(
        [
            attrs.evolve(
                p,
                targets=[
                    *p.targets,
                    *(
                        attrs.evolve(t, name=f"held_{t.name}", stop_when=never)
                        for t in p.targets
                    ),
                ],
            )
            for p in policies
        ]
    )
    report = evaluate(changed, events, now)
    for name, held in report.targets.items():
        if name.startswith("held_") and held.stopped_at is not None:
            solved = [
                e
                for e in events
                if e.kind is EventKind.STATUS_CHANGED
                and e.status in {TicketStatus.SOLVED, TicketStatus.CLOSED}
            ]
            assert solved


ANSWERED_OR_WAITING = policy(
    "answered_or_waiting",
    target(FR, 30 * MINUTE),
    target(RES, 24 * HOUR),
    SlaTarget(
        name="answer_or_ask",
        metric=FR,
        within=2 * HOUR,
        business_hours=False,
        stop_when={"kind": "status_changed", "status": "pending"},
    ),
    calendar=CHINA_BUSINESS_CALENDAR,
)


class TestStopConditionsOnEventsWithoutAttributes:
    """An event without attributes is judged by its kind *and* status.

    The fold remembers a stop condition's answer for such events; a memo keyed on
    the kind alone would let a ticket put on hold inherit the answer given for a
    ticket set pending (or the reverse) in the same policy set.
    """

    def test_pending_stops_it_and_on_hold_does_not_in_either_order(self):
        t0 = at(2025, 3, 3, 10)
        pending = [created(t0), status(t0.add(minutes=40), TicketStatus.PENDING)]
        held = [created(t0), status(t0.add(minutes=40), TicketStatus.ON_HOLD)]
        now = t0.add(hours=3)
        for first, second in ((pending, held), (held, pending)):
            policies = PolicySet([ANSWERED_OR_WAITING])
            reports = {
                first[1].status: evaluate(policies, first, now),
                second[1].status: evaluate(policies, second, now),
            }
            asked = reports[TicketStatus.PENDING].targets["answer_or_ask"]
            assert asked.state is MetricState.MET
            assert asked.stopped_at == t0.add(minutes=40)
            waiting = reports[TicketStatus.ON_HOLD].targets["answer_or_ask"]
            assert waiting.state is MetricState.BREACHED
            assert waiting.breached_at == t0.add(hours=2)

    def test_attributes_still_decide_when_an_event_has_them(self):
        """The manager's reply stops the manager's clock; a plain reply never does."""
        t0 = at(2025, 3, 3, 10)
        vip = TicketEvent(at=t0, kind=EventKind.CREATED, tier="high_value")
        plain = evaluate(
            SERVICE_STANDARD, [vip, reply(t0.add(minutes=5))], t0.add(hours=1)
        )
        by_manager = evaluate(
            SERVICE_STANDARD, [vip, manager_reply(t0.add(minutes=5))], t0.add(hours=1)
        )
        assert plain.targets["manager_answer"].state is MetricState.RUNNING
        assert by_manager.targets["manager_answer"].state is MetricState.MET
