"""Every sla value holding an instant survives pickle and deepcopy exactly (issue 12).

``pendulum.DateTime`` pickles without ``fold``: an event at 01:30 New York in the
second occurrence of the repeated hour came back as the first one, an hour early.
"""

import copy
import datetime as dt
import pickle

import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.sla import (
    BusinessCalendar,
    EventKind,
    Metric,
    SlaClock,
    SlaPolicy,
    SlaTarget,
    TicketEvent,
    evaluate,
)
from sla.sla_fold import fold_instants, instants

ROUND_TRIPS = (
    lambda v: pickle.loads(pickle.dumps(v)),
    copy.deepcopy,
)


def _policy(zone: str) -> SlaPolicy:
    return SlaPolicy(
        name="p",
        calendar=BusinessCalendar.always_open(zone),
        targets=[
            SlaTarget(metric=m, within=dt.timedelta(hours=2))
            for m in (Metric.FIRST_RESPONSE, Metric.RESOLUTION)
        ],
    )


def _events(at: pendulum.DateTime) -> list[TicketEvent]:
    return [
        TicketEvent(at=at, kind=EventKind.CREATED, priority="high", channel="email"),
        TicketEvent(at=at, kind=EventKind.AGENT_REPLY),
        TicketEvent(at=at, kind=EventKind.STATUS_CHANGED, status="pending"),
        TicketEvent(at=at, kind=EventKind.PRIORITY_CHANGED, priority="urgent"),
        TicketEvent(at=at, kind=EventKind.CUSTOMER_MESSAGE),
    ]


def test_pickle_keeps_fold_of_ticket_event_in_repeated_hour():
    late = pendulum.datetime(2025, 11, 2, 1, 30, tz="America/New_York").replace(fold=1)
    e = TicketEvent(at=late, kind=EventKind.CREATED)
    for trip in ROUND_TRIPS:
        back = trip(e)
        assert back.to_dict()["at"] == "2025-11-02T01:30:00-05:00"
        assert back == e
        assert back.at.fold == 1


@settings(max_examples=60)
@given(fold_instants(), st.sampled_from(ROUND_TRIPS))
def test_pickle_keeps_every_sla_instant_in_repeated_hours(at, trip):
    events = _events(at)
    policy = _policy(at.timezone_name)
    report = evaluate(policy, events, at.add(hours=1))
    clock = SlaClock.start(policy, events[:2]).apply(events[2:])
    values = [*events, report, *report.metrics.values(), *report.alerts]
    for value in values:
        back = trip(value)
        assert instants(back) == instants(value)
        assert back.to_dict() == value.to_dict()
        assert back == value
    back_clock = trip(clock)
    assert back_clock.to_dict() == clock.to_dict()
    assert back_clock.report(at.add(hours=3)) == clock.report(at.add(hours=3))
