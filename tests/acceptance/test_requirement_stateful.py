"""A Hypothesis state machine driving Requirement with random legal and illegal events.

The reference is an independent, deliberately plain re-statement of the issue's rules
(dicts of names, integer microseconds, day-by-day business-day counting), so every
deadline, breach and refusal of the library is checked against arithmetic that is
obviously right.
"""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from hypothesis import event as hyp_event
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from helpers import epoch_us
from servicekit.acceptance import Cancelled, DelayAnnounced, Requirement
from servicekit.errors import InvalidEventError, InvalidTransitionError
from strategies import (
    ACCEPTANCE_EVENT_TYPES,
    ACCEPTANCE_OFFICE,
    ACCEPTANCE_ZONES,
    acceptance_event_at,
    acceptance_gaps,
    acceptance_instants,
    acceptance_policies,
)

SPEC = {
    "awaiting_sheet": {"SheetSent": "awaiting_confirmation", "Cancelled": "cancelled"},
    "awaiting_confirmation": {
        "CustomerConfirmed": "in_delivery",
        "ConfirmationExpired": "awaiting_sheet",
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
WINDOW = {
    "awaiting_sheet": "confirm_within",
    "awaiting_confirmation": "customer_confirm_within",
    "awaiting_acceptance": "accept_within",
    "in_rework": "rework_within",
    "awaiting_follow_up": "follow_up_within",
}
TIMEOUT = {
    "awaiting_confirmation": "ConfirmationExpired",
    "awaiting_acceptance": "AcceptanceTimedOut",
}
OWES = {
    "awaiting_sheet": ("team", "send_sheet"),
    "awaiting_confirmation": ("customer", "confirm_sheet"),
    "in_delivery": ("team", "deliver"),
    "awaiting_acceptance": ("customer", "accept"),
    "in_rework": ("team", "resubmit"),
    "awaiting_follow_up": ("team", "follow_up"),
}
US = dt.timedelta(microseconds=1)
# The smallest valid payload of each event that needs one.
PAYLOAD = {
    "AcceptanceFailed": {"reasons": ["wrong"]},
    "DelayAnnounced": {"new_due": dt.datetime(9000, 1, 1, tzinfo=dt.UTC)},
    "FollowUpDone": {"solved": True},
    "Cancelled": {"reason": "again"},
}
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
BERLIN = ZoneInfo(ACCEPTANCE_OFFICE["timezone"])
OFFICE_HOLIDAYS = set(ACCEPTANCE_OFFICE["holidays"])


def reference_close(start, n, timezone):
    """Close of business on business day T+n, counting one day at a time."""
    if timezone == "UTC":  # always open: every day is a business day closing at 24:00
        day = start.astimezone(dt.UTC).date() + dt.timedelta(days=n)
        return epoch_us(
            dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC)
        )

    def business(day):
        return day.weekday() < 5 and day not in OFFICE_HOLIDAYS

    def close(day):
        return epoch_us(dt.datetime.combine(day, dt.time(18), BERLIN))

    day = start.astimezone(BERLIN).date()
    if n == 0:
        while not business(day):
            day += dt.timedelta(days=1)
        if close(day) >= epoch_us(start):
            return close(day)
        n = 1  # a 0-day window opened after close runs to the next business day
    while n:
        day += dt.timedelta(days=1)
        n -= business(day)
    return close(day)


class Model:
    """The workflow as the issue states it, in plain values."""

    def __init__(self, received_at, policy):
        self.policy = policy
        self.state = "awaiting_sheet"
        self.last = epoch_us(received_at)
        self.since = self.last
        self.due = self.window("awaiting_sheet", received_at)
        self.promised = None
        self.rework = 0
        self.rediscussions = 0
        self.escalated = False
        self.breaches = []

    def breach(self, kind, at):
        self.breaches.append((kind, *OWES[self.state], self.due, at))

    def window(self, state, start):
        field = WINDOW.get(state)
        if field is None:
            return self.promised if state == "in_delivery" else None
        return reference_close(
            start, getattr(self.policy, field), self.policy.calendar.timezone
        )

    def predict(self, event):
        """Update the model for ``event`` and return None, or return the error class."""
        name = type(event).__name__
        at = epoch_us(event.at)
        if name not in SPEC[self.state]:
            return InvalidTransitionError
        if name == "AcceptanceTimedOut" and self.escalated:
            return InvalidTransitionError
        if at < self.last:
            return InvalidEventError
        timeout = TIMEOUT.get(self.state)
        if timeout and not self.escalated:
            if name == timeout and at < self.due:
                return InvalidEventError
            if name != timeout and at > self.due:
                return InvalidTransitionError
        if name == "DelayAnnounced":
            new_due = epoch_us(event.new_due)
            if self.due is not None and new_due <= self.due:
                return InvalidEventError
            notice = self.policy.delay_notice // US
            if self.due is None or self.due - at >= notice:
                self.due = new_due
            else:
                self.breach("late_delay_notice", at)
            self.last = at
            return None
        if self.due is not None:
            if name in TIMEOUT.values():
                self.breach("lapsed", at)
            elif name != "Cancelled" and at > self.due:
                self.breach("late", at)
        self.last = at
        target = SPEC[self.state][name]
        if name == "AcceptanceTimedOut":
            if self.policy.on_acceptance_timeout == "escalate":
                self.escalated = True
                return None
            target = "awaiting_follow_up"
        if name == "SheetSent":
            self.promised = (
                None if event.delivery_due is None else epoch_us(event.delivery_due)
            )
        self.rework += name == "AcceptanceFailed"
        self.rediscussions += name == "ConfirmationExpired"
        self.escalated = False
        self.state = target
        self.since = at
        self.due = self.window(target, event.at)
        return None


class RequirementMachine(RuleBasedStateMachine):
    @initialize(received_at=acceptance_instants, policy=acceptance_policies)
    def open(self, received_at, policy):
        self.req = Requirement.open(id="R", received_at=received_at, policy=policy)
        self.model = Model(received_at, policy)
        self.now = received_at

    @rule(gap=acceptance_gaps)
    def wait(self, gap):
        self.now += gap

    @rule(
        back=st.just(dt.timedelta(0)),
        zone=st.sampled_from(ACCEPTANCE_ZONES),
        data=st.data(),
    )
    def send_allowed(self, back, zone, data):
        # Random events are mostly refused, so the workflow would rarely get past its
        # first steps; this rule picks among the events the state allows, except the
        # Cancelled that would end the run.
        kinds = tuple(k for k in self.req.allowed_events if k is not Cancelled)
        if kinds:
            self.send_one(data.draw(st.sampled_from(kinds)), back, zone, data)

    @rule(
        kind=st.sampled_from(ACCEPTANCE_EVENT_TYPES),
        back=st.one_of(
            st.just(dt.timedelta(0)),
            st.timedeltas(min_value=US, max_value=dt.timedelta(days=2)),
        ),
        zone=st.sampled_from(ACCEPTANCE_ZONES),
        data=st.data(),
    )
    def send_any(self, kind, back, zone, data):
        self.send_one(kind, back, zone, data)

    def send_one(self, kind, back, zone, data):
        at = self.now - back
        due = self.model.due
        if kind is DelayAnnounced and due is not None and data.draw(st.booleans()):
            # Random instants almost never hit ``due - delay_notice``; aim at it.
            edge = (
                due
                - self.model.policy.delay_notice // US
                + data.draw(st.sampled_from([-1, 0, 1]))
            )
            if edge >= self.model.last:
                at = EPOCH + edge * US
                hyp_event("delay notice on the boundary")
        at = at.astimezone(ZoneInfo(zone))
        event = data.draw(acceptance_event_at(at, kind))
        before = self.req
        expected = self.model.predict(event)
        if expected is not None:
            # Exact class: InvalidEventError and InvalidTransitionError are siblings.
            with pytest.raises(expected):
                self.req.apply(event)
            assert self.req == before
            return
        after = self.req.apply(event)
        assert after.history == (*before.history, event)
        self.req = after
        self.now = max(self.now, at, key=epoch_us)
        hyp_event(f"reached {after.state.value}")

    @rule()
    def apply_timeouts(self):
        events = self.req.timeouts(self.now)
        timeout = TIMEOUT.get(self.model.state)
        if timeout and not self.model.escalated and epoch_us(self.now) > self.model.due:
            assert [type(e).__name__ for e in events] == [timeout]
            assert epoch_us(events[0].at) == self.model.due
        else:
            assert events == ()
        for event in events:
            assert self.model.predict(event) is None
        self.req = self.req.apply_all(events)
        # Applying what timeouts(now) returns leaves nothing pending at now.
        assert self.req.timeouts(self.now) == ()

    @invariant()
    def agrees_with_the_reference(self):
        req, model = self.req, self.model
        assert req.state.value == model.state
        assert (req.rework_count, req.rediscussion_count) == (
            model.rework,
            model.rediscussions,
        )
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
        if req.is_terminal:
            assert (req.obligations, req.allowed_events) == ((), ())
            assert req.timeouts(self.now + dt.timedelta(days=3650)) == ()
        else:
            (obligation,) = req.obligations
            assert (obligation.party.value, obligation.what.value) == OWES[model.state]
            assert epoch_us(obligation.since) == model.since
            due = None if obligation.due_at is None else epoch_us(obligation.due_at)
            assert due == model.due
            zone = req.policy.calendar.timezone
            assert obligation.since.timezone_name == zone
            assert obligation.due_at is None or obligation.due_at.timezone_name == zone

    @invariant()
    def replaying_the_history_rebuilds_the_value(self):
        req = self.req
        again = Requirement(
            id=req.id,
            received_at=req.received_at,
            policy=req.policy,
            history=req.history,
        )
        assert again == req
        assert again.obligations == req.obligations
        assert again.breaches == req.breaches
        assert again.state is req.state

    @rule()
    def json_round_trip(self):
        data = json.loads(json.dumps(self.req.to_dict()))
        assert Requirement.from_dict(data) == self.req

    @invariant()
    def terminal_states_accept_nothing(self):
        if SPEC[self.model.state]:
            return
        before = self.req
        for kind in ACCEPTANCE_EVENT_TYPES:
            payload = PAYLOAD.get(kind.__name__, {})
            event = kind(at=self.now, **payload)
            with pytest.raises(InvalidTransitionError, match="terminal"):
                self.req.apply(event)
        assert self.req == before

    @invariant()
    def overdue_is_monotone_in_now_and_strictly_after_the_due_time(self):
        earlier = set()
        due = self.model.due
        edges = (
            () if due is None else (due - epoch_us(self.now) + d for d in (-1, 0, 1))
        )
        steps = sorted(
            {0, 1, 3_600_000_000, 86_400_000_000 * 3, 86_400_000_000 * 40, *edges}
        )
        for step in steps:
            now = self.now + step * US
            current = set(self.req.overdue(now))
            assert earlier <= current
            expected = due is not None and epoch_us(now) > due
            assert bool(current) == expected
            assert current <= set(self.req.obligations)
            earlier = current


# As many runs as the profile's examples (50 by default), each up to 40 steps.
RequirementMachine.TestCase.settings = settings(
    max_examples=settings.default.max_examples, stateful_step_count=40, deadline=None
)
TestRequirementMachine = RequirementMachine.TestCase
