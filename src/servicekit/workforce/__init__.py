"""Workforce planning: how many people, on which shifts, who, and who is on duty.

How many agents a desk needs: Erlang B, C and A ([`erlang_a`][] when callers hang
up), the fewest agents for a target ([`required_agents`][]), and agents per interval
of a forecast over a business calendar ([`interval_requirements`][]). Shift plans
choose how many agents start each shift template on each day to cover those
requirements ([`plan_shifts`][]); rosters put named agents on the shifts under rest,
days-off and language rules ([`build_roster`][]); a [`Roster`][] says who is on duty
at an instant and gives the router agents marked available accordingly. Plans and
rosters are solved by HiGHS through SciPy (``pip install 'servicekit[planning]'``);
importing this package, and the queueing arithmetic, do not need SciPy.
[`simulate_desk`][] runs a desk contact by contact from a seed, through the real
router and SLA clocks, to show whether a plan holds.

Examples:
    >>> import datetime as dt, pendulum
    >>> from servicekit.workforce import ShiftTemplate, plan_shifts, required_agents
    >>> required_agents(
    ...     volume=100,
    ...     period=dt.timedelta(minutes=30),
    ...     aht=dt.timedelta(minutes=3),
    ...     target_answer=dt.timedelta(seconds=20),
    ...     service_level=0.8,
    ... ).agents
    14
    >>> plan = plan_shifts(
    ...     [ShiftTemplate(name="day", start="09:00", length=dt.timedelta(hours=8))],
    ...     [2] * 16,
    ...     start=pendulum.datetime(2025, 1, 6, 9, tz="Asia/Shanghai"),
    ...     interval=dt.timedelta(minutes=30),
    ... )
    >>> plan.count("day", dt.date(2025, 1, 6))
    2
"""

import importlib
from typing import TYPE_CHECKING, Final

from servicekit.workforce._arrivals import Arrival, BotChannel
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
from servicekit.workforce._schedule import Roster, RosterShift
from servicekit.workforce._shifts_milp import SolveStatus
from servicekit.workforce._simulation import (
    ContactType,
    DeskSimulation,
    SimulatedContact,
    simulate_desk,
)
from servicekit.workforce._staffing import StaffingPlan, required_agents

if TYPE_CHECKING:
    from servicekit.workforce._roster import CoverageRule, RosterRules, StaffMember
    from servicekit.workforce._roster_solve import build_roster
    from servicekit.workforce._shifts import ShiftBreak, ShiftTemplate
    from servicekit.workforce._shifts_plan import (
        ShiftPlan,
        ShiftStart,
        plan_shifts,
        plan_shifts_capped,
    )
    from servicekit.workforce._shifts_time import IntervalCounts

__all__ = [
    "Arrival",
    "BotChannel",
    "ContactType",
    "CoverageRule",
    "DeskSimulation",
    "IntervalCounts",
    "IntervalRequirements",
    "QueueMetrics",
    "Roster",
    "RosterRules",
    "RosterShift",
    "ShiftBreak",
    "ShiftPlan",
    "ShiftStart",
    "ShiftTemplate",
    "SimulatedContact",
    "SolveStatus",
    "StaffMember",
    "StaffingPlan",
    "average_speed_of_answer",
    "build_roster",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "interval_requirements",
    "occupancy",
    "offered_traffic",
    "plan_shifts",
    "plan_shifts_capped",
    "required_agents",
    "service_level",
    "simulate_desk",
    "spread_volume",
]

# Shift planning and rostering are imported when first asked for (PEP 562): a run that
# only simulates or sizes a desk, such as ``servicekit demo``, never loads them.
_LAZY: Final[dict[str, str]] = {
    "CoverageRule": "_roster",
    "RosterRules": "_roster",
    "StaffMember": "_roster",
    "build_roster": "_roster_solve",
    "ShiftBreak": "_shifts",
    "ShiftTemplate": "_shifts",
    "ShiftPlan": "_shifts_plan",
    "ShiftStart": "_shifts_plan",
    "plan_shifts": "_shifts_plan",
    "plan_shifts_capped": "_shifts_plan",
    "IntervalCounts": "_shifts_time",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
