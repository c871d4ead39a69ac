"""Staffing with Erlang C: waiting probability, service level, ASA, agents needed.

Re-exports ``servicekit.routing._staffing``. Pure arithmetic: no clock, no I/O.

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

from servicekit.routing._staffing import (
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
