"""Business-calendar-aware SLA clocks: calendars, policies, and reports from event logs.

Examples:
    >>> import datetime as dt, pendulum
    >>> from servicekit.sla import BusinessCalendar, parse_hours
    >>> cal = BusinessCalendar.for_country(
    ...     "CN",
    ...     timezone="Asia/Shanghai",
    ...     weekly_hours=parse_hours("Mon-Fri 09:00-18:00"),
    ... )
    >>> cal.add(
    ...     pendulum.datetime(2025, 1, 27, 17, tz="Asia/Shanghai"),
    ...     dt.timedelta(hours=2),
    ... )
    DateTime(2025, 2, 5, 10, 0, 0, tzinfo=Timezone('Asia/Shanghai'))
"""

from servicekit.conditions import (
    AllOf,
    Always,
    AnyOf,
    Compare,
    Condition,
    Contains,
    Equals,
    Not,
    OneOf,
    TextContains,
    TextHasWord,
    TextMatches,
    condition_from,
)
from servicekit.sla._calendar import BusinessCalendar
from servicekit.sla._clock import (
    Alert,
    AlertKind,
    MetricStatus,
    SlaClock,
    SlaReport,
    evaluate,
    evaluate_many,
)
from servicekit.sla._holidays import HolidayAnnouncement, HolidaySet
from servicekit.sla._hours import parse_hours
from servicekit.sla._model import (
    EventKind,
    Metric,
    MetricDefinition,
    MetricState,
    PolicySet,
    SlaPolicy,
    SlaTarget,
    TicketEvent,
    TicketStatus,
)
from servicekit.sla._stream import evaluate_partition, evaluate_stream, group_events
from servicekit.sla._vectorised import (
    add_array,
    add_business_days_array,
    between_array,
    business_days_between_array,
)

__all__ = [
    "Alert",
    "AlertKind",
    "AllOf",
    "Always",
    "AnyOf",
    "BusinessCalendar",
    "Compare",
    "Condition",
    "Contains",
    "Equals",
    "EventKind",
    "HolidayAnnouncement",
    "HolidaySet",
    "Metric",
    "MetricDefinition",
    "MetricState",
    "MetricStatus",
    "Not",
    "OneOf",
    "PolicySet",
    "SlaClock",
    "SlaPolicy",
    "SlaReport",
    "SlaTarget",
    "TextContains",
    "TextHasWord",
    "TextMatches",
    "TicketEvent",
    "TicketStatus",
    "add_array",
    "add_business_days_array",
    "between_array",
    "business_days_between_array",
    "condition_from",
    "evaluate",
    "evaluate_many",
    "evaluate_partition",
    "evaluate_stream",
    "group_events",
    "parse_hours",
]
