"""Queue order from the SLA: a routing ticket's deadline comes from its report (issue 14).

Before, the preset said logistics complaints skip the queue but the router ordered
them first only if the CRM copied each ticket's due instant onto the routing ticket
by hand; ``Ticket.with_sla(report)`` and ``SlaReport.due_at`` do it.
"""

from __future__ import annotations

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.errors import InvalidTypeError
from servicekit.routing import QueueOrder, Ticket
from servicekit.sla import EventKind, MetricState, TicketEvent, evaluate
from servicekit.sla.presets import SERVICE_STANDARD
from strategies import sla_logs, sla_policy_sets

SHANGHAI = "Asia/Shanghai"
FRIDAY_5PM = pendulum.datetime(2025, 3, 7, 17, tz=SHANGHAI)


def routing_ticket(ticket_id, created_at, **facts):
    return Ticket(
        id=ticket_id,
        created_at=created_at,
        priority=facts.get("priority", "normal"),
        tier=facts.get("tier", "ordinary"),
        channel=facts.get("channel", "email"),
    )


def brute_due(report):
    """The earliest due instant among targets still running, by their public fields."""
    dues = [
        s.due_at
        for s in report.targets.values()
        if s.stopped_at is None
        and s.due_at is not None
        and s.state in {MetricState.RUNNING, MetricState.BREACHED}
    ]
    return min(dues, key=lambda d: d.timestamp()) if dues else None


@settings(max_examples=60)
@given(data=st.data())
def test_due_at_is_the_earliest_running_targets_deadline(data):
    key, policies = data.draw(sla_policy_sets(), label="policies")
    events, now = data.draw(sla_logs(key), label="log")
    report = evaluate(policies, events, now)
    expected = brute_due(report)
    if expected is None:
        assert report.due_at is None
    else:
        assert report.due_at.timestamp() == expected.timestamp()
        assert report.due_at.tzinfo.name == report.timezone


def test_vip_friday_email_is_due_at_the_thirty_minute_reply_not_the_managers_answer():
    """A VIP emailing on Friday at 17:00 is owed a reply by 17:30 (both promises run)."""
    created = [TicketEvent(at=FRIDAY_5PM, kind=EventKind.CREATED, tier="high_value")]
    report = evaluate(SERVICE_STANDARD, created, FRIDAY_5PM.add(minutes=1))
    assert report.due_at == pendulum.datetime(2025, 3, 7, 17, 30, tz=SHANGHAI)
    replied = [
        *created,
        TicketEvent(at=FRIDAY_5PM.add(minutes=10), kind=EventKind.AGENT_REPLY),
    ]
    after_reply = evaluate(SERVICE_STANDARD, replied, FRIDAY_5PM.add(minutes=11))
    manager = after_reply.targets["manager_answer"]
    assert manager.state is MetricState.RUNNING
    # The manager's 2 business hours run on: due on Monday at 10:00 ...
    assert manager.due_at == pendulum.datetime(2025, 3, 10, 10, tz=SHANGHAI)
    # ... but the VIP's 24-hour (calendar time) resolution is due first, on Saturday.
    resolution = after_reply.targets["resolution"]
    assert after_reply.due_at == resolution.due_at == FRIDAY_5PM.add(hours=24)


def test_a_breached_ticket_stays_first_with_its_past_deadline():
    t0 = pendulum.datetime(2025, 3, 3, 10, tz=SHANGHAI)
    events = [TicketEvent(at=t0, kind=EventKind.CREATED, priority="urgent")]
    report = evaluate(SERVICE_STANDARD, events, t0.add(hours=1))
    assert report.breached
    assert report.due_at < report.now


def test_nothing_running_means_no_deadline_and_the_queue_puts_it_last():
    t0 = pendulum.datetime(2025, 3, 3, 10, tz=SHANGHAI)
    events = [
        TicketEvent(at=t0, kind=EventKind.CREATED),
        TicketEvent(
            at=t0.add(minutes=5), kind=EventKind.STATUS_CHANGED, status="solved"
        ),
    ]
    report = evaluate(SERVICE_STANDARD, events, t0.add(minutes=6))
    assert report.due_at is None
    assert routing_ticket("T", t0).with_sla(report).due_at is None


def test_queue_follows_the_reports_without_hand_copying():
    """Three normal-priority tickets: the one whose promise runs out first goes first."""
    t0 = pendulum.datetime(2025, 3, 3, 9, tz=SHANGHAI)
    now = t0.add(minutes=50)
    logs = {
        # an ordinary email created first: 30 minutes, breached by now
        "ordinary": [TicketEvent(at=t0, kind=EventKind.CREATED, channel="email")],
        # a VIP answered in time: only the manager's 2 business hours remain
        "vip": [
            TicketEvent(
                at=t0.add(minutes=5), kind=EventKind.CREATED, tier="high_value"
            ),
            TicketEvent(at=t0.add(minutes=10), kind=EventKind.AGENT_REPLY),
        ],
        # a fresh ordinary ticket: due at 10:15
        "fresh": [TicketEvent(at=t0.add(minutes=45), kind=EventKind.CREATED)],
    }
    tickets = [
        routing_ticket(name, log[0].at, tier=log[0].tier or "ordinary").with_sla(
            evaluate(SERVICE_STANDARD, log, now)
        )
        for name, log in logs.items()
    ]
    order = [t.id for t in QueueOrder().order(reversed(tickets), now)]
    assert order == ["ordinary", "fresh", "vip"]


def test_with_sla_refuses_anything_but_a_report():
    ticket = routing_ticket("T", FRIDAY_5PM)
    with pytest.raises(InvalidTypeError, match="SlaReport"):
        ticket.with_sla({"due_at": FRIDAY_5PM})
