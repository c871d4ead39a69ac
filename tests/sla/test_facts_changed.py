"""Any fact can change: FACTS_CHANGED selects the policy again (rule 6, issue 14).

A ticket found to be a logistics complaint after it was created must enter the fast
lane from then on, with the retroactive rules that priority and tier changes follow.
"""

from __future__ import annotations

import json

import pendulum
import pytest
from hypothesis import given, settings

from servicekit.errors import DeserializationError, InvalidEventError
from servicekit.sla import (
    EventKind,
    MetricState,
    PolicySet,
    SlaClock,
    SlaPolicy,
    TicketEvent,
    evaluate,
)
from servicekit.sla.presets import CHINA_BUSINESS_CALENDAR, SERVICE_STANDARD
from sla.clock_world import FR, HOUR, MINUTE, NR, created, message, reply, target
from strategies import sla_cases

SH = "Asia/Shanghai"
MON = pendulum.datetime(2025, 3, 3, 10, tz=SH)


def facts(at, **changed):
    return TicketEvent(at=at, kind=EventKind.FACTS_CHANGED, **changed)


class TestRecategorised:
    def test_a_logistics_complaint_found_an_hour_later_enters_the_fast_lane(self):
        """Created as an order question (standard, 30 min); at 11:00 it is found to be
        a logistics complaint: the customer's pending next reply is due in 15 minutes
        from its start (10:50), so 11:05, not 11:20."""
        events = [
            created(MON, channel="email", category="order"),
            reply(MON + 20 * MINUTE),
            message(MON + 50 * MINUTE),
            facts(MON + HOUR, category="logistics_complaint"),
        ]
        before = evaluate(SERVICE_STANDARD, events[:3], MON + HOUR)
        assert before.policy == "standard"
        assert before.metrics[NR].due_at == MON + 80 * MINUTE
        report = evaluate(SERVICE_STANDARD, events, MON + HOUR)
        assert report.policy == "logistics_fast_lane"
        assert report.metrics[NR].due_at == MON + 65 * MINUTE
        assert report.metrics[NR].state is MetricState.RUNNING
        # The first reply, met at 10:20, stays met.
        assert report.metrics[FR].state is MetricState.MET

    def test_a_change_past_the_new_target_breaches_at_the_change(self):
        """Rule 7: 20 minutes used, 15 allowed from 10:20: breached at 10:20, not 10:15."""
        events = [
            created(MON, channel="email"),
            facts(MON + 20 * MINUTE, category="logistics_complaint"),
        ]
        report = evaluate(SERVICE_STANDARD, events, MON + 21 * MINUTE)
        first = report.metrics[FR]
        assert first.state is MetricState.BREACHED
        assert first.breached_at == MON + 20 * MINUTE

    def test_a_clock_takes_the_change(self):
        clock = SlaClock.start(SERVICE_STANDARD, [created(MON, channel="email")])
        clock = clock.apply([facts(MON + 5 * MINUTE, category="logistics_complaint")])
        assert clock.report(MON + 6 * MINUTE).policy == "logistics_fast_lane"
        again = SlaClock.from_dict(json.loads(json.dumps(clock.to_dict())))
        assert again.report(MON + 6 * MINUTE) == clock.report(MON + 6 * MINUTE)


class TestOtherFacts:
    def test_a_channel_change(self):
        events = [created(MON, channel="email"), facts(MON + MINUTE, channel="chat")]
        assert evaluate(SERVICE_STANDARD, events, MON + MINUTE).policy == "chat"

    def test_attributes_are_merged(self):
        """The attributes named are replaced; the others stay."""
        vip_city = SlaPolicy(
            name="hohhot_vip",
            when={"attributes.city": "Hohhot", "attributes.vip": True},
            calendar=CHINA_BUSINESS_CALENDAR,
            targets=[target(FR, 10 * MINUTE)],
        )
        policies = PolicySet([vip_city, *SERVICE_STANDARD.policies])
        events = [
            created(MON, channel="email", attributes={"city": "Hohhot"}),
            facts(MON + MINUTE, attributes={"vip": True}),
        ]
        report = evaluate(policies, events, MON + 2 * MINUTE)
        assert report.policy == "hohhot_vip"
        events.append(facts(MON + 3 * MINUTE, attributes={"city": "Baotou"}))
        assert evaluate(policies, events, MON + 3 * MINUTE).policy == "standard"

    def test_several_facts_at_once(self):
        events = [
            created(MON, channel="email"),
            facts(MON + MINUTE, priority="urgent", tier="high_value"),
        ]
        assert evaluate(SERVICE_STANDARD, events, MON + MINUTE).policy == "urgent"


class TestBadEvents:
    def test_no_fact_at_all(self):
        with pytest.raises(InvalidEventError, match="at least one fact"):
            facts(MON)

    def test_no_status(self):
        with pytest.raises(InvalidEventError, match="does not carry status"):
            facts(MON, status="open")

    def test_no_fact_in_json(self):
        with pytest.raises(DeserializationError, match="at least one fact"):
            TicketEvent.from_dict({"at": MON.isoformat(), "kind": "facts_changed"})

    def test_json_round_trip(self):
        e = facts(MON, category="logistics_complaint", attributes={"vip": True})
        data = json.loads(json.dumps(e.to_dict()))
        assert data["kind"] == "facts_changed"
        assert TicketEvent.from_dict(data) == e


def _as_facts_changed(e: TicketEvent) -> TicketEvent:
    if e.kind is EventKind.PRIORITY_CHANGED:
        return facts(e.at, priority=e.priority)
    if e.kind is EventKind.TIER_CHANGED:
        return facts(e.at, tier=e.tier)
    return e


@settings(max_examples=150, deadline=None)
@given(sla_cases())
def test_facts_changed_is_a_priority_or_tier_change(case):
    """FACTS_CHANGED follows the same rules as the events it generalises, which the
    brute-force reference checks (tests/sla/test_clock_properties.py)."""
    policies, events, now = case
    changed = [_as_facts_changed(e) for e in events]
    assert evaluate(policies, changed, now) == evaluate(policies, events, now)
