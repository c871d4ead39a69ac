"""The world of the hand-computed SLA clock scenarios (``test_clock_*.py``).

Monday 3 March 2025 in Beijing, a 24x7 UTC calendar, event builders and small
policies shared by the scenario files, so each name means one thing in all of them.
Durations and zones come from ``tests/helpers.py``.
"""

import pendulum

from helpers import HOUR, MINUTE, NEW_YORK, SHANGHAI
from servicekit.sla import (
    BusinessCalendar,
    EventKind,
    Metric,
    SlaPolicy,
    SlaTarget,
    TicketEvent,
)
from servicekit.sla.presets import CHINA_BUSINESS_CALENDAR

UTC24 = BusinessCalendar.always_open("UTC")

FR = Metric.FIRST_RESPONSE
NR = Metric.NEXT_RESPONSE
PU = Metric.PERIODIC_UPDATE
RES = Metric.RESOLUTION

# Monday 3 March 2025, 10:00 Beijing time: an ordinary working morning.
MON = pendulum.datetime(2025, 3, 3, 10, tz=SHANGHAI)
MONDAY_UTC = pendulum.datetime(2025, 3, 3, 9, tz="UTC")


def created(at, **facts):
    return TicketEvent(at=at, kind=EventKind.CREATED, **facts)


def reply(at):
    return TicketEvent(at=at, kind=EventKind.AGENT_REPLY)


def manager_reply(at):
    """A public reply by the customer's dedicated manager (SERVICE_STANDARD's
    ``manager_answer`` target stops on it, issue 14)."""
    return TicketEvent(
        at=at, kind=EventKind.AGENT_REPLY, attributes={"role": "dedicated_manager"}
    )


def message(at):
    return TicketEvent(at=at, kind=EventKind.CUSTOMER_MESSAGE)


def status(at, new):
    return TicketEvent(at=at, kind=EventKind.STATUS_CHANGED, status=new)


def reopened(at):
    return TicketEvent(at=at, kind=EventKind.REOPENED)


def priority(at, new):
    return TicketEvent(at=at, kind=EventKind.PRIORITY_CHANGED, priority=new)


def target(metric, within, *, business=False, warn_at=(0.5, 0.75)):
    return SlaTarget(
        metric=metric, within=within, business_hours=business, warn_at=warn_at
    )


def policy(name, *targets, calendar=UTC24, when=None, **kw):
    return SlaPolicy(name=name, targets=targets, calendar=calendar, when=when, **kw)


# A 24x7 policy measuring all four clocks, for rules that are not about the preset.
ALL_FOUR = policy(
    "all-four",
    target(FR, 30 * MINUTE),
    target(NR, 30 * MINUTE),
    target(PU, 2 * HOUR),
    target(RES, 8 * HOUR),
)


def metric(report, m):
    return report.metrics[m]


def same_instant(a, b):
    return a is not None and b is not None and a.timestamp() == b.timestamp()


HV_BUSINESS = policy(
    "hv-business",
    target(FR, 2 * HOUR, business=True),
    target(NR, 2 * HOUR, business=True),
    target(RES, 16 * HOUR, business=True),
    calendar=CHINA_BUSINESS_CALENDAR,
)


NY_CAL = BusinessCalendar.always_open(NEW_YORK)


def fields_of(p):
    return {
        "name": p.name,
        "targets": p.targets,
        "calendar": p.calendar,
        "when": p.when,
        "pause_on": p.pause_on,
    }


BUSINESS_RESOLUTION = policy(
    "business-resolution",
    target(FR, 2 * HOUR, business=True),
    target(RES, 16 * HOUR, business=True),
    calendar=CHINA_BUSINESS_CALENDAR,
)
