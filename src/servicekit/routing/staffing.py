"""Staffing with Erlang C: an alias of the staffing in [`servicekit.workforce`][].

Staffing moved to [`servicekit.workforce`][servicekit.workforce] (issue 15), where
Erlang A and interval requirements live too; these names are the very same objects,
so code written against ``servicekit.routing.staffing`` keeps working. Pure
arithmetic: no clock, no I/O.

Examples:
    >>> from datetime import timedelta
    >>> from servicekit.routing.staffing import required_agents
    >>> required_agents(
    ...     volume=1200,
    ...     period=timedelta(hours=8),
    ...     aht=timedelta(minutes=5),
    ...     target_answer=timedelta(seconds=20),
    ... ).agents
    17
"""

from servicekit.workforce import (
    StaffingPlan,
    average_speed_of_answer,
    erlang_b,
    erlang_c,
    occupancy,
    offered_traffic,
    required_agents,
    service_level,
)

__all__ = [
    "StaffingPlan",
    "average_speed_of_answer",
    "erlang_b",
    "erlang_c",
    "occupancy",
    "offered_traffic",
    "required_agents",
    "service_level",
]
