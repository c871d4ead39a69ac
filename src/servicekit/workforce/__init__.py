"""Workforce planning: queueing models, staffing and interval requirements.

How many agents a desk needs: Erlang B, C and A ([`erlang_a`][] when callers hang
up), the fewest agents for a target ([`required_agents`][]), and agents per interval
of a forecast over a business calendar ([`interval_requirements`][]). Pure
arithmetic: no clock, no I/O, no randomness.

Examples:
    >>> from datetime import timedelta
    >>> from servicekit.workforce import required_agents
    >>> required_agents(
    ...     volume=100,
    ...     period=timedelta(minutes=30),
    ...     aht=timedelta(minutes=3),
    ...     target_answer=timedelta(seconds=20),
    ...     service_level=0.8,
    ... ).agents
    14
"""

from servicekit.workforce._intervals import (
    IntervalRequirements,
    interval_requirements,
    spread_volume,
)
from servicekit.workforce._queueing import (
    QueueMetrics,
    average_speed_of_answer,
    erlang_a,
    erlang_b,
    erlang_c,
    occupancy,
    offered_traffic,
    service_level,
)
from servicekit.workforce._staffing import StaffingPlan, required_agents

__all__ = [
    "IntervalRequirements",
    "QueueMetrics",
    "StaffingPlan",
    "average_speed_of_answer",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "interval_requirements",
    "occupancy",
    "offered_traffic",
    "required_agents",
    "service_level",
    "spread_volume",
]
