"""A state machine driving ``SlaClock`` event by event, checked against the reference.

Every step applies one event (valid or not) to the current clock at the current
instant, or moves time on. Valid events must give the reference's report; invalid
ones (a second CREATED, REOPENED on an unsolved ticket, a status change after CLOSED,
an event earlier than the last one, a batch with a bad event in it) must raise
``InvalidEventError`` and leave the clock usable and its report unchanged.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)

from servicekit.errors import InvalidEventError
from servicekit.sla import EventKind, SlaClock, TicketStatus, evaluate
from sla.sla_reference import Invalid, from_report, replay, utc
from strategies import priorities, sla_event, sla_logs, sla_policy_sets, tiers

ONE_US = dt.timedelta(microseconds=1)
GAPS = st.one_of(
    st.just(0),
    st.integers(1, 90),
    st.sampled_from((1, 5, 30, 60, 90, 240, 480, 1440)).map(lambda m: 60 * m),
    st.integers(1, 60).map(lambda h: 3600 * h),
)
KINDS = st.sampled_from(list(EventKind))
STATUSES = st.sampled_from(list(TicketStatus))
FACTS = EventKind.FACTS_CHANGED
ZONES = st.sampled_from(("UTC", "Asia/Shanghai", "America/New_York"))


class SlaClockMachine(RuleBasedStateMachine):
    """One ticket: ``self.events`` were all accepted, ``self.clock`` folded them."""

    @initialize(data=st.data())
    def create(self, data):
        key, self.policies = data.draw(sla_policy_sets(), label="policies")
        events, _ = data.draw(sla_logs(key, max_events=0), label="created")
        self.events = list(events)
        self.now = utc(events[0].at)
        self.clock = SlaClock.start(self.policies, self.events)

    def expected(self):
        return replay(self.policies, self.events).report(self.now)

    def try_event(self, event):
        """Apply ``event``: valid iff the reference accepts the log with it.

        Either way the clock it was applied to keeps its report (apply returns a new
        clock and never mutates the old one).
        """
        before = self.clock.report(self.now)
        try:
            replay(self.policies, [*self.events, event])
        except Invalid:
            with pytest.raises(InvalidEventError):
                self.clock.apply(event)
        else:
            new = self.clock.apply(event)
            assert self.clock.report(self.now) == before
            self.clock = new
            self.events.append(event)

    @rule(seconds=GAPS)
    def wait(self, seconds):
        """Time passes with no event."""
        self.now += dt.timedelta(seconds=seconds)

    @rule(kind=KINDS, status=STATUSES, data=st.data(), zone=ZONES)
    def event(self, kind, status, data, zone):
        """Any event kind now, including ones the ticket's state does not allow."""
        self.try_event(
            sla_event(
                self.now,
                kind,
                status=status if kind is EventKind.STATUS_CHANGED else None,
                priority=data.draw(priorities)
                if kind in {EventKind.CREATED, EventKind.PRIORITY_CHANGED, FACTS}
                else None,
                # FACTS_CHANGED carries at least one fact: here always a tier
                tier=data.draw(tiers)
                if kind in {EventKind.CREATED, EventKind.TIER_CHANGED, FACTS}
                else None,
                zone=zone,
            )
        )

    @rule()
    def reopen(self):
        """REOPENED: valid only on a SOLVED ticket (rule 4)."""
        self.try_event(sla_event(self.now, EventKind.REOPENED))

    @rule(status=STATUSES)
    def change_status(self, status):
        """STATUS_CHANGED: never away from CLOSED (rule 4)."""
        self.try_event(sla_event(self.now, EventKind.STATUS_CHANGED, status=status))

    @rule()
    def reply(self):
        """AGENT_REPLY."""
        self.try_event(sla_event(self.now, EventKind.AGENT_REPLY))

    @rule()
    def message(self):
        """CUSTOMER_MESSAGE."""
        self.try_event(sla_event(self.now, EventKind.CUSTOMER_MESSAGE))

    @rule(back=st.integers(1, 3600))
    def event_in_the_past(self, back):
        """An event earlier than the last one applied raises; the clock is unchanged."""
        last = utc(self.clock.last_event_at)
        event = sla_event(last - dt.timedelta(seconds=back), EventKind.AGENT_REPLY)
        before = self.clock.report(self.now)
        with pytest.raises(InvalidEventError):
            self.clock.apply(event)
        assert self.clock.report(self.now) == before

    @rule(
        first=st.sampled_from(
            (EventKind.CUSTOMER_MESSAGE, EventKind.AGENT_REPLY, TicketStatus.SOLVED)
        ),
        kind=st.sampled_from((EventKind.CREATED, EventKind.REOPENED)),
    )
    def batch_with_a_bad_event(self, first, kind):
        """A batch whose last event is invalid raises and applies none of the batch."""
        if isinstance(first, TicketStatus):
            good = sla_event(self.now, EventKind.STATUS_CHANGED, status=first)
        else:
            good = sla_event(self.now, first)
        bad = sla_event(self.now, kind)
        try:
            replay(self.policies, [*self.events, good, bad])
        except Invalid:
            before = self.clock.report(self.now)
            with pytest.raises(InvalidEventError):
                self.clock.apply([good, bad])
            assert self.clock.report(self.now) == before

    @rule()
    def report_before_the_last_event(self):
        """A report before the last event is refused (rule 2)."""
        last = utc(self.clock.last_event_at)
        with pytest.raises(InvalidEventError):
            self.clock.report(last - ONE_US)

    @invariant()
    def matches_reference(self):
        """After every step the clock reports what the reference and evaluate() say."""
        report = self.clock.report(self.now)
        assert from_report(report) == self.expected()
        assert evaluate(self.policies, self.events, self.now) == report


SlaClockMachine.TestCase.settings = settings(
    max_examples=settings.default.max_examples,
    stateful_step_count=30,
    deadline=None,
)
test_sla_clock_machine = SlaClockMachine.TestCase
