"""Workforce planning: shift plans, rosters of named agents, and who is on duty.

Shift plans choose how many agents start each shift template on each day to cover
the agents required per interval; rosters put named agents on those shifts under
rest, days-off and language rules; a schedule says who is on duty at an instant and
gives the router agents marked available accordingly. Plans and rosters are solved
by HiGHS through SciPy (``pip install 'servicekit[planning]'``); importing this
package does not need SciPy.

Examples:
    >>> import datetime as dt, pendulum
    >>> from servicekit.workforce import ShiftTemplate, plan_shifts
    >>> plan = plan_shifts(
    ...     [ShiftTemplate(name="day", start="09:00", length=dt.timedelta(hours=8))],
    ...     [2] * 16,
    ...     start=pendulum.datetime(2025, 1, 6, 9, tz="Asia/Shanghai"),
    ...     interval=dt.timedelta(minutes=30),
    ... )
    >>> plan.count("day", dt.date(2025, 1, 6))
    2
"""

from servicekit.workforce._roster import CoverageRule, RosterRules, StaffMember
from servicekit.workforce._roster_solve import build_roster
from servicekit.workforce._schedule import Roster, RosterShift
from servicekit.workforce._shifts import ShiftBreak, ShiftTemplate
from servicekit.workforce._shifts_milp import SolveStatus
from servicekit.workforce._shifts_plan import (
    ShiftPlan,
    ShiftStart,
    plan_shifts,
    plan_shifts_capped,
)
from servicekit.workforce._shifts_time import IntervalCounts

__all__ = [
    "CoverageRule",
    "IntervalCounts",
    "Roster",
    "RosterRules",
    "RosterShift",
    "ShiftBreak",
    "ShiftPlan",
    "ShiftStart",
    "ShiftTemplate",
    "SolveStatus",
    "StaffMember",
    "build_roster",
    "plan_shifts",
    "plan_shifts_capped",
]
