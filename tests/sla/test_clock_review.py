"""Review findings on the SLA clocks: each test failed before the fix it pins."""

import datetime as dt

import pendulum

from servicekit.sla import (
    BusinessCalendar,
    Equals,
    EventKind,
    Metric,
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
