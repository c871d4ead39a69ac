"""Evaluate the seeds' service standard on a few real tickets' event logs.

A small, readable companion to ``servicekit demo`` (the main job). It takes the ready-made
policy set :data:`servicekit.sla.presets.SERVICE_STANDARD` on the China business
calendar (09:00-12:00, 13:30-18:00, public holidays and 调休 make-up days) and prints,
for each ticket, every SLA metric's state, due instant and alerts, as a CRM would see
them on read, plus the requirement workflow's first deadlines.
"""

from __future__ import annotations

import pendulum

from servicekit.sla import EventKind, TicketEvent, evaluate
from servicekit.sla.presets import CHINA_BUSINESS_CALENDAR, SERVICE_STANDARD

ZONE = "Asia/Shanghai"
FMT = "ddd MM-DD HH:mm:ss"


def at(
    day: int, hour: int, minute: int = 0, second: int = 0, month: int = 1
) -> pendulum.DateTime:
    """An instant in Beijing time in 2025."""
    return pendulum.datetime(2025, month, day, hour, minute, second, tz=ZONE)


def e(when: pendulum.DateTime, kind: EventKind, **facts: object) -> TicketEvent:
    """One event of a ticket's log."""
    return TicketEvent(at=when, kind=kind, **facts)  # type: ignore[arg-type]


# (what happened, the ticket's events, when the CRM reads the report)
TICKETS = [
    (
        "Outage reported on Friday evening before the Spring Festival, answered in 4 min",
        [
            e(at(24, 17, 40), EventKind.CREATED, priority="urgent", channel="phone"),
            e(at(24, 17, 44), EventKind.AGENT_REPLY),
            e(at(24, 18, 30), EventKind.CUSTOMER_MESSAGE),
        ],
        at(24, 18, 33),
    ),
    (
        "High-value customer's e-mail on a make-up Sunday, manager replies Monday",
        [
            e(at(26, 11, 50), EventKind.CREATED, tier="high_value", channel="email"),
            e(at(27, 10, 15), EventKind.AGENT_REPLY),
            e(at(27, 10, 20), EventKind.STATUS_CHANGED, status="pending"),
        ],
        at(27, 16, 0),
    ),
    (
        "Logistics complaint from the web form in the lunch break, upgraded to urgent",
        [
            e(
                at(5, 12, 45, month=3),
                EventKind.CREATED,
                channel="web",
                category="logistics_complaint",
            ),
            e(at(5, 12, 52, month=3), EventKind.PRIORITY_CHANGED, priority="urgent"),
        ],
        at(5, 12, 53, month=3),
    ),
]


def main() -> None:
    """Print each ticket's SLA report."""
    for title, events, now in TICKETS:
        report = evaluate(SERVICE_STANDARD, events, now)
        print(f"{title}\n  policy {report.policy!r}, read at {now.format(FMT)}")
        for metric, status in report.metrics.items():
            due = status.due_at.format(FMT) if status.due_at else "-"
            print(
                f"  {metric.value:<16} {status.state.value:<11} due {due:<16}"
                f" used {status.percent_used:6.1f} %"
            )
        for alert in report.alerts:
            when = "passed" if alert.at <= now else "ahead "
            print(
                f"    {when} {alert.kind.value:<7} {alert.metric.value:<16} {alert.at.format(FMT)}"
            )
        nxt = report.next_change_at
        print(f"  next timer: {nxt.format(FMT) if nxt else 'none'}\n")
    received = at(24, 17, 40)
    sheet = CHINA_BUSINESS_CALENDAR.add_business_days(received, 2)
    confirm = CHINA_BUSINESS_CALENDAR.add_business_days(sheet, 1)
    print(f"A requirement received {received.format(FMT)}:")
    print(f"  confirmation sheet due {sheet.format(FMT)} (2 business days)")
    print(f"  customer confirms by   {confirm.format(FMT)} (1 business day)")


if __name__ == "__main__":
    main()
