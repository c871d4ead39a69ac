"""Print the deadlines of the seeds' service standard for a few real tickets.

This is the main job until ``servicekit demo`` exists (issue 7): it builds the China
business calendar (09:00-12:00, 13:30-18:00, public holidays and 调休 make-up days) and
shows when each promise of the service standard falls due for tickets received at
awkward moments: a Friday evening before the 2025 Spring Festival, a make-up Sunday,
the middle of a lunch break.
"""

from __future__ import annotations

import datetime as dt

import pendulum

from servicekit.sla import BusinessCalendar, parse_hours

ZONE = "Asia/Shanghai"

# (what is promised, how long, measured in business hours?)
STANDARD = [
    ("urgent request answered", dt.timedelta(minutes=5), False),
    ("non-urgent request answered", dt.timedelta(minutes=30), False),
    ("logistics complaint answered (fast lane)", dt.timedelta(minutes=15), False),
    ("high-value customer called back by their manager", dt.timedelta(hours=2), True),
    ("clear answer or solution given", dt.timedelta(hours=24), False),
]
# (what is promised, business days after the previous step) in the requirement
# workflow, if every step uses its full allowance.
REQUIREMENT_STEPS = [
    ("requirement confirmation sheet sent", 2),
    ("customer confirms the sheet (else invalid)", 1),
]
TICKETS = [
    pendulum.datetime(2025, 1, 24, 17, 40, tz=ZONE),  # Friday, Spring Festival ahead
    pendulum.datetime(2025, 1, 26, 11, 50, tz=ZONE),  # Sunday, a make-up working day
    pendulum.datetime(2025, 3, 5, 12, 45, tz=ZONE),  # Wednesday, in the lunch break
]


def main() -> None:
    """Print each ticket's deadlines."""
    business = BusinessCalendar.for_country(
        "CN",
        timezone=ZONE,
        weekly_hours=parse_hours("Mon-Fri 09:00-12:00,13:30-18:00"),
    )
    around_the_clock = BusinessCalendar.always_open(ZONE)
    fmt = "ddd YYYY-MM-DD HH:mm"
    for received in TICKETS:
        print(f"Received {received.format(fmt)} ({ZONE})")
        for what, within, in_business_hours in STANDARD:
            cal = business if in_business_hours else around_the_clock
            due = cal.add(received, within)
            clock = "business hours" if in_business_hours else "24x7"
            print(f"  {what:<50} {due.format(fmt)}  ({within}, {clock})")
        previous = received
        for what, days in REQUIREMENT_STEPS:
            previous = business.add_business_days(previous, days)
            print(f"  {what:<50} {previous.format(fmt)}  (+{days} business days)")
        print()


if __name__ == "__main__":
    main()
