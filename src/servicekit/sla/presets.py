"""Ready-made SLA policy sets to copy and edit.

This module only builds values; it must never read the clock or do I/O.

``SERVICE_STANDARD`` is the service standard the seeds run today, as a policy set
(first match wins).

Copy it and edit: ``PolicySet([*SERVICE_STANDARD.policies[:-1], my_policy])``. Every
clock is real (24×7) time except the dedicated manager's, and every target warns at
50 % and 75 % of its allowance. Resolution pauses while the ticket is pending (waiting
for the customer) or on hold.

1. ``urgent`` (priority URGENT, e.g. an outage): first reply and every next reply
   within **5 minutes**, whatever the channel, day or hour.
2. ``bot`` (channel BOT): the bot answers within **10 seconds**.
3. ``chat`` (channel CHAT): a human agent replies within **30 seconds**.
4. ``logistics_fast_lane`` (category ``"logistics_complaint"``): logistics complaints
   skip the queue, answered within **15 minutes**. The plan's "tell the customer the
   result within 15 minutes after resolution" is the team-defined metric
   [`RESULT_NOTICE`][], which the preset does not measure: it needs the CRM to
   record a ``CUSTOMER_NOTIFIED`` event, and a CRM that records none would see every
   solved complaint breach. Add it where yours does::

       SlaTarget(metric=RESULT_NOTICE, within=timedelta(minutes=15),
                 business_hours=False)
5. ``high_value`` (tier HIGH_VALUE): two promises at once. Like everyone, a first
   reply and every next reply within **30 minutes** (targets ``first_response``
   and ``next_response``); *also* an answer from the customer's dedicated manager
   within **2 business hours** of the China calendar ([`CHINA_BUSINESS_CALENDAR`][])
   (target ``manager_answer``, stopped only by an ``AGENT_REPLY`` whose
   ``attributes`` say ``{"role": "dedicated_manager"}``, or by solving). A Friday
   17:00 request is owed a reply by 17:30 and the manager's answer by Monday 10:00.
6. ``requirement`` (category ``"requirement"``): answered within 30 minutes, then a
   progress update (a public reply) at least every **7 days** (168 hours) while the
   requirement is open. Its delivery deadlines belong to
   [`servicekit.acceptance`][servicekit.acceptance], so RESOLUTION is not measured here.
7. ``standard`` (everything else): first and next replies within **30 minutes**.

Policies 1-5 and 7 also promise a clear answer or a solution within **24 hours**
(RESOLUTION, real hours, paused while pending or on hold).

Examples:
    >>> from servicekit.sla.presets import SERVICE_STANDARD
    >>> [t.name for t in SERVICE_STANDARD.select({"tier": "high_value"}).targets]
    ['first_response', 'next_response', 'manager_answer', 'resolution']
    >>> SERVICE_STANDARD.select({"channel": "chat", "priority": "normal"}).name
    'chat'
    >>> SERVICE_STANDARD.select({"priority": "urgent", "channel": "chat"}).name
    'urgent'
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from servicekit._conditions import AllOf, Equals
from servicekit._vocabulary import Channel, Priority, Tier
from servicekit.sla._calendar import BusinessCalendar
from servicekit.sla._hours import parse_hours
from servicekit.sla._model import (
    EventKind,
    Metric,
    MetricDefinition,
    PolicySet,
    SlaPolicy,
    SlaTarget,
)

__all__ = [
    "BY_DEDICATED_MANAGER",
    "CHINA_BUSINESS_CALENDAR",
    "RESULT_NOTICE",
    "SATISFACTION_CALLBACK",
    "SERVICE_STANDARD",
]

CHINA_BUSINESS_CALENDAR: Final = BusinessCalendar.for_country(
    "CN",
    timezone="Asia/Shanghai",
    weekly_hours=parse_hours("Mon-Fri 09:00-12:00,13:30-18:00"),
)
"""Beijing time, Monday to Friday 09:00-12:00 and 13:30-18:00, closed on China's public
holidays and open on their 调休 make-up working days."""


def _t(metric: Metric, within: dt.timedelta, *, business: bool = False) -> SlaTarget:
    return SlaTarget(metric=metric, within=within, business_hours=business)


BY_DEDICATED_MANAGER: Final = AllOf(
    conditions=[
        Equals(field="kind", value=EventKind.AGENT_REPLY.value),
        Equals(field="attributes.role", value="dedicated_manager"),
    ]
)
"""The events that stop the ``manager_answer`` target: a public reply whose
``attributes`` hold ``{"role": "dedicated_manager"}``."""

_SOLVED: Final = {
    "kind": EventKind.STATUS_CHANGED.value,
    "status": ["solved", "closed"],
}

RESULT_NOTICE: Final = MetricDefinition(
    name="result_notice",
    start_on=_SOLVED,
    stop_on={"kind": EventKind.CUSTOMER_NOTIFIED.value},
    pause_on=(),
)
"""A promise after the solve: from solving the ticket (SOLVED or CLOSED) to the
``CUSTOMER_NOTIFIED`` event that says the customer was told the result. A reopened and
solved-again ticket owes a new notice (a new cycle); it never pauses."""

SATISFACTION_CALLBACK: Final = MetricDefinition(
    name="satisfaction_callback",
    start_on=_SOLVED,
    stop_on={"kind": EventKind.SURVEY_SENT.value},
    pause_on=(),
)
"""A satisfaction call-back (or survey) after every solved problem: from the solve to
the ``SURVEY_SENT`` event. The plans name no deadline, so ``SERVICE_STANDARD`` does not
measure it; add a target with your own::

    SlaTarget(metric=SATISFACTION_CALLBACK, within=timedelta(days=1))
"""

_M = dt.timedelta(minutes=1)
_H = dt.timedelta(hours=1)
# "Every request is given a clear answer or a solution within 24 hours": real hours.
_ANSWER_IN_A_DAY: Final = _t(Metric.RESOLUTION, 24 * _H)

SERVICE_STANDARD: Final = PolicySet(
    [
        SlaPolicy(
            name="urgent",
            when={"priority": Priority.URGENT},
            calendar=CHINA_BUSINESS_CALENDAR,
            targets=[
                _t(Metric.FIRST_RESPONSE, 5 * _M),
                _t(Metric.NEXT_RESPONSE, 5 * _M),
                _ANSWER_IN_A_DAY,
            ],
        ),
        SlaPolicy(
            name="bot",
            when={"channel": Channel.BOT},
            calendar=CHINA_BUSINESS_CALENDAR,
            targets=[
                _t(Metric.FIRST_RESPONSE, dt.timedelta(seconds=10)),
                _t(Metric.NEXT_RESPONSE, dt.timedelta(seconds=10)),
                _ANSWER_IN_A_DAY,
            ],
        ),
        SlaPolicy(
            name="chat",
            when={"channel": Channel.CHAT},
            calendar=CHINA_BUSINESS_CALENDAR,
            targets=[
                _t(Metric.FIRST_RESPONSE, dt.timedelta(seconds=30)),
                _t(Metric.NEXT_RESPONSE, dt.timedelta(seconds=30)),
                _ANSWER_IN_A_DAY,
            ],
        ),
        SlaPolicy(
            name="logistics_fast_lane",
            when={"category": "logistics_complaint"},
            calendar=CHINA_BUSINESS_CALENDAR,
            targets=[
                _t(Metric.FIRST_RESPONSE, 15 * _M),
                _t(Metric.NEXT_RESPONSE, 15 * _M),
                _ANSWER_IN_A_DAY,
            ],
        ),
        SlaPolicy(
            name="high_value",
            when={"tier": Tier.HIGH_VALUE},
            calendar=CHINA_BUSINESS_CALENDAR,
            targets=[
                _t(Metric.FIRST_RESPONSE, 30 * _M),
                _t(Metric.NEXT_RESPONSE, 30 * _M),
                SlaTarget(
                    name="manager_answer",
                    metric=Metric.FIRST_RESPONSE,
                    within=2 * _H,
                    business_hours=True,
                    stop_when=BY_DEDICATED_MANAGER,
                ),
                _ANSWER_IN_A_DAY,
            ],
        ),
        SlaPolicy(
            name="requirement",
            when={"category": "requirement"},
            calendar=CHINA_BUSINESS_CALENDAR,
            targets=[
                _t(Metric.FIRST_RESPONSE, 30 * _M),
                _t(Metric.NEXT_RESPONSE, 30 * _M),
                _t(Metric.PERIODIC_UPDATE, 7 * 24 * _H),
            ],
        ),
        SlaPolicy(
            name="standard",
            calendar=CHINA_BUSINESS_CALENDAR,
            targets=[
                _t(Metric.FIRST_RESPONSE, 30 * _M),
                _t(Metric.NEXT_RESPONSE, 30 * _M),
                _ANSWER_IN_A_DAY,
            ],
        ),
    ]
)
"""The service standard as a policy set: the seven policies listed above, first
match wins, every one on ``CHINA_BUSINESS_CALENDAR``."""
