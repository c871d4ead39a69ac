"""A Hypothesis state machine driving a requirement of a team's own process.

The process is the default one extended as a team would: one extra state (a
solution review the team owes within 1 business day, whose lapse escalates), one
optional stage (only complex requirements go through the review; the others go
straight to delivery) and one changed window (the follow-up within a fixed 2
business days). The reference is an independent plain model of that process,
written from its description in dicts of names and integer microseconds, with the
day-by-day business-day counting of ``test_requirement_stateful``.
"""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from hypothesis import event as hyp_event
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from acceptance.test_requirement_stateful import reference_close
from helpers import epoch_us
from servicekit.acceptance import (
    DEFAULT_PROCESS,
    ObligationRule,
    Requirement,
    State,
    StepDone,
    Transition,
)
from servicekit.conditions import Equals
from servicekit.errors import InvalidEventError, InvalidTransitionError
from strategies import (
    ACCEPTANCE_EVENT_TYPES,
    ACCEPTANCE_ZONES,
    acceptance_event_at,
    acceptance_gaps,
    acceptance_instants,
    acceptance_policies,
)

PROCESS = DEFAULT_PROCESS.extended(
    name="reviewed",
    states=[
        State(
            name="solution_review",
            owes=ObligationRule(party="team", what="review_solution", days=1),
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
            source="solution_review", on="solution_approved", target="in_delivery"
        ),
        Transition(
            source="solution_review", on="review_lapsed", target="solution_review"
        ),
        Transition(source="solution_review", on="Cancelled", target="cancelled"),
    ],
).with_window("awaiting_follow_up", days=2)

# The plain model of PROCESS.
SPEC = {
    "awaiting_sheet": {"SheetSent": "awaiting_confirmation", "Cancelled": "cancelled"},
    "awaiting_confirmation": {
        "CustomerConfirmed": "review if complex, else in_delivery",
        "ConfirmationExpired": "awaiting_sheet",
        "Cancelled": "cancelled",
    },
    "solution_review": {
        "solution_approved": "in_delivery",
        "review_lapsed": "solution_review",
        "Cancelled": "cancelled",
    },
    "in_delivery": {
        "Delivered": "awaiting_acceptance",
        "DelayAnnounced": "in_delivery",
        "Cancelled": "cancelled",
    },
    "awaiting_acceptance": {
        "AcceptancePassed": "awaiting_follow_up",
        "AcceptanceFailed": "in_rework",
        "AcceptanceTimedOut": "depends on the policy",
        "Cancelled": "cancelled",
    },
    "in_rework": {
        "Delivered": "awaiting_acceptance",
        "DelayAnnounced": "in_rework",
        "Cancelled": "cancelled",
    },
    "awaiting_follow_up": {"FollowUpDone": "closed", "Cancelled": "cancelled"},
    "closed": {},
    "cancelled": {},
}
# A policy field's name, or a fixed number of business days.
WINDOW = {
    "awaiting_sheet": "confirm_within",
    "awaiting_confirmation": "customer_confirm_within",
    "solution_review": 1,
    "awaiting_acceptance": "accept_within",
    "in_rework": "rework_within",
    "awaiting_follow_up": 2,
}
TIMEOUT = {
    "awaiting_confirmation": "ConfirmationExpired",
    "awaiting_acceptance": "AcceptanceTimedOut",
    "solution_review": "review_lapsed",
}
OWES = {
    "awaiting_sheet": ("team", "send_sheet"),
    "awaiting_confirmation": ("customer", "confirm_sheet"),
    "solution_review": ("team", "review_solution"),
    "in_delivery": ("team", "deliver"),
    "awaiting_acceptance": ("customer", "accept"),
    "in_rework": ("team", "resubmit"),
    "awaiting_follow_up": ("team", "follow_up"),
}
STEPS = ("solution_approved", "review_lapsed", "solution_rejected")
US = dt.timedelta(microseconds=1)


def name_of(event):
    return event.step if isinstance(event, StepDone) else type(event).__name__


class Model:
    """The reviewed process as its description states it, in plain values."""

    def __init__(self, received_at, policy, complex_):
        self.policy = policy
        self.complex = complex_
        self.state = "awaiting_sheet"
        self.last = epoch_us(received_at)
        self.since = self.last
        self.promised = None
        self.due = self.window("awaiting_sheet", received_at)
        self.escalated = False
        self.breaches = []

    def window(self, state, start):
        days = WINDOW.get(state)
        if days is None:
            return self.promised if state == "in_delivery" else None
        if isinstance(days, str):
            days = getattr(self.policy, days)
        return reference_close(start, days, self.policy.calendar.timezone)

    def breach(self, kind, at):
        self.breaches.append((kind, *OWES[self.state], self.due, at))

    def predict(self, event):
        """Update the model for ``event`` and return None, or return the error class."""
        name = name_of(event)
        at = epoch_us(event.at)
        if name not in SPEC[self.state]:
            return InvalidTransitionError
        timeout = TIMEOUT.get(self.state)
        if name == timeout and self.escalated:
            return InvalidTransitionError
        if at < self.last:
            return InvalidEventError
        if timeout and not self.escalated:
            if name == timeout and at < self.due:
                return InvalidEventError
            if name != timeout and at > self.due:
                return InvalidTransitionError
        if name == "DelayAnnounced":
            new_due = epoch_us(event.new_due)
            if self.due is not None and new_due <= self.due:
                return InvalidEventError
            if self.due is None or self.due - at >= self.policy.delay_notice // US:
                self.due = new_due
            else:
                self.breach("late_delay_notice", at)
            self.last = at
            return None
        if self.due is not None:
            if name == timeout:
                self.breach("lapsed", at)
            elif name != "Cancelled" and at > self.due:
                self.breach("late", at)
        self.last = at
        target = SPEC[self.state][name]
        if name == "CustomerConfirmed":
            target = "solution_review" if self.complex else "in_delivery"
        if name == "AcceptanceTimedOut":
            deem = self.policy.on_acceptance_timeout == "deem_accepted"
            target = "awaiting_follow_up" if deem else self.state
        if name == timeout and target == self.state:
            self.escalated = True
            return None
        if name == "SheetSent":
            due = event.delivery_due
            self.promised = None if due is None else epoch_us(due)
        self.escalated = False
        self.state = target
        self.since = at
        self.due = self.window(target, event.at)
        return None


class ReviewedProcessMachine(RuleBasedStateMachine):
    @initialize(
        received_at=acceptance_instants,
        policy=acceptance_policies,
        complex_=st.booleans(),
    )
    def open(self, received_at, policy, complex_):
        self.req = Requirement.open(
            id="R",
            received_at=received_at,
            policy=policy,
            process=PROCESS,
            attributes={"complexity": "complex" if complex_ else "simple"},
        )
        self.model = Model(received_at, policy, complex_)
        self.now = received_at

    @rule(gap=acceptance_gaps)
    def wait(self, gap):
        self.now += gap

    @rule(zone=st.sampled_from(ACCEPTANCE_ZONES), data=st.data())
    def send_allowed(self, zone, data):
        names = [n for n in self.req.allowed_steps if n != "Cancelled"]
        if names:
            self.send(data.draw(st.sampled_from(names)), dt.timedelta(0), zone, data)

    @rule(
        name=st.sampled_from([k.__name__ for k in ACCEPTANCE_EVENT_TYPES] + [*STEPS]),
        back=st.sampled_from([dt.timedelta(0), dt.timedelta(hours=7)]),
        zone=st.sampled_from(ACCEPTANCE_ZONES),
        data=st.data(),
    )
    def send_any(self, name, back, zone, data):
        self.send(name, back, zone, data)

    def send(self, name, back, zone, data):
        at = (self.now - back).astimezone(ZoneInfo(zone))
        kinds = {k.__name__: k for k in ACCEPTANCE_EVENT_TYPES}
        if name in kinds:
            event = data.draw(acceptance_event_at(at, kinds[name]))
        else:
            event = StepDone(at=at, step=name)
        before = self.req
        expected = self.model.predict(event)
        if expected is not None:
            with pytest.raises(expected):
                self.req.apply(event)
            assert self.req == before
            return
        self.req = self.req.apply(event)
        self.now = max(self.now, at, key=epoch_us)
        hyp_event(f"reached {self.req.state.value}")

    @rule()
    def apply_timeouts(self):
        events = self.req.timeouts(self.now)
        timeout = TIMEOUT.get(self.model.state)
        model = self.model
        if timeout and not model.escalated and epoch_us(self.now) > model.due:
            assert [name_of(e) for e in events] == [timeout]
            assert epoch_us(events[0].at) == model.due
        else:
            assert events == ()
        for event in events:
            assert self.model.predict(event) is None
        self.req = self.req.apply_all(events)

    @invariant()
    def agrees_with_the_model(self):
        req, model = self.req, self.model
        assert req.state.value == model.state
        assert req.escalated == model.escalated
        assert [
            (
                b.kind.value,
                b.party.value,
                b.what.value,
                epoch_us(b.due_at),
                epoch_us(b.at),
            )
            for b in req.breaches
        ] == model.breaches
        assert set(req.allowed_steps) == set(SPEC[model.state])
        if req.is_terminal:
            assert req.obligations == ()
        else:
            (owed,) = req.obligations
            assert (owed.party.value, owed.what.value) == OWES[model.state]
            assert epoch_us(owed.since) == model.since
            assert (None if owed.due_at is None else epoch_us(owed.due_at)) == model.due

    @rule()
    def json_round_trip(self):
        data = json.loads(json.dumps(self.req.to_dict()))
        assert Requirement.from_dict(data) == self.req


ReviewedProcessMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=30, deadline=None
)
TestReviewedProcessMachine = ReviewedProcessMachine.TestCase
