"""Review findings on the SLA clocks: each test failed before the fix it pins."""

import datetime as dt

import pendulum

from servicekit.sla import (
    BusinessCalendar,
    Equals,
    EventKind,
    Metric,
    MetricState,
    PolicySet,
    SlaPolicy,
    SlaTarget,
    TicketEvent,
    evaluate,
)

UTC24 = BusinessCalendar.always_open("UTC")
M = dt.timedelta(minutes=1)
T0 = pendulum.datetime(2025, 3, 3, tz="UTC")


def target(metric, within):
    return SlaTarget(metric=metric, within=within, business_hours=False)


def policy(name, *targets, when=None):
    return SlaPolicy(name=name, calendar=UTC24, targets=targets, when=when)


def test_policy_memo_tells_true_from_1():
    """Rule 5 / DESIGN §2 determinism: the selection memo keyed attributes by ``==``,
    so a ticket with ``vip=1`` (no match: conditions tell bool from int) made every
    later ``vip=True`` ticket of the same PolicySet fall to the catch-all."""
    ps = PolicySet(
        [
            policy(
                "vip",
                target(Metric.FIRST_RESPONSE, 5 * M),
                when=Equals(field="attributes.vip", value=True),
            ),
            policy("rest", target(Metric.FIRST_RESPONSE, 30 * M)),
        ]
    )

    def chosen(value):
        created = TicketEvent(at=T0, kind=EventKind.CREATED, attributes={"vip": value})
        return evaluate(ps, [created], T0).policy

    assert chosen(1) == "rest"
    assert chosen(True) == "vip"
    assert chosen(1.0) == "rest"
    assert chosen(True) == "vip"


def test_change_listed_after_solve_at_same_instant_breaches_at_reopen():
    """Rule 7: a shorter target set while the ticket is solved breaches when it is
    reopened. A change stamped in the same instant as the solve (listed after it)
    was treated as made while running, so the breach was back-dated to the solve,
    although the report at 01:40 said MET."""
    ps = PolicySet(
        [
            policy(
                "urgent",
                target(Metric.RESOLUTION, 60 * M),
                when={"priority": "urgent"},
            ),
            policy("normal", target(Metric.RESOLUTION, 120 * M)),
        ]
    )
    at = T0.add(minutes=90)
    events = [
        TicketEvent(at=T0, kind=EventKind.CREATED, priority="normal"),
        TicketEvent(at=at, kind=EventKind.STATUS_CHANGED, status="solved"),
        TicketEvent(at=at, kind=EventKind.PRIORITY_CHANGED, priority="urgent"),
    ]
    before = evaluate(ps, events, T0.add(minutes=100)).metrics[Metric.RESOLUTION]
    assert before.state is MetricState.MET
    reopen = T0.add(minutes=120)
    events.append(TicketEvent(at=reopen, kind=EventKind.REOPENED))
    res = evaluate(ps, events, reopen).metrics[Metric.RESOLUTION]
    assert res.state is MetricState.BREACHED
    assert res.breached_at == reopen
