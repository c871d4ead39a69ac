"""Rostering: named agents onto a shift plan's shifts, as an integer programme.

Each rule group (shift counts, each coverage rule, minimum rest, days off,
consecutive days, part-time hours) is written with a relaxation that is switched off
when solving. When no roster keeps every rule, a deletion filter over the groups finds
a set of rules that cannot all hold (while any smaller set can), and the error names
them, with the shifts they leave short. Solved by HiGHS through SciPy's
``milp``. This module must never read a clock or do I/O.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

import attrs
import pendulum

from servicekit.errors import (
    InfeasiblePlanError,
    InvalidArgumentError,
    InvalidTypeError,
)
from servicekit.routing import _values as v
from servicekit.workforce._roster import (
    CoverageRule,
    RosterRules,
    StaffMember,
    check_rules_against_staff,
)
from servicekit.workforce._schedule import Roster, RosterShift
from servicekit.workforce._shifts import distinct_items
from servicekit.workforce._shifts_milp import Model, Solution, whole
from servicekit.workforce._shifts_plan import ShiftPlan
from servicekit.workforce._shifts_time import (
    Horizon,
    horizon_of,
    instant_at,
    shift_us,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["build_roster"]

_US: Final = dt.timedelta(microseconds=1)
_HOUR_US: Final = 3_600_000_000
_WEEK: Final = 7
# How many unfilled shifts an error message lists before "and N more".
_SHOWN: Final = 5
# Relaxation values below this are the solver's rounding, not a shortfall.
_TINY: Final = 1e-6


@attrs.frozen
class _Shift:
    """One template started on one date, needing ``count`` agents (internal)."""

    template: str
    day: dt.date
    count: int
    start_us: int
    end_us: int
    paid_hours: float
    breaks_us: tuple[tuple[int, int], ...]
    stretches_us: tuple[tuple[int, int], ...]

    def label(self) -> str:
        return f"the {self.template!r} shift of {self.day.isoformat()}"


@attrs.define
class _Group:
    """A rule group: its name, and the relaxation variables that loosen it."""

    name: str
    relax: list[tuple[int, float]] = attrs.field(factory=list)
    # The shifts whose rows this group's relaxation variables loosen, if per shift.
    rows: list[tuple[int, str, int]] = attrs.field(factory=list)


def _shifts_of(plan: ShiftPlan) -> list[_Shift]:
    zone = pendulum.timezone(plan.timezone)
    out = []
    for s in plan.starts:
        if s.agents == 0:
            continue
        t = plan.template(s.template)
        begin, stretches = shift_us(t, s.day, zone)
        out.append(
            _Shift(
                template=t.name,
                day=s.day,
                count=s.agents,
                start_us=begin,
                end_us=begin + t.length // _US,
                paid_hours=sum(b - a for a, b in stretches) / _HOUR_US,
                breaks_us=tuple(
                    (begin + b.after // _US, begin + b.end // _US) for b in t.breaks
                ),
                stretches_us=stretches,
            )
        )
    return out


def _inputs(
    plan: object,
    staff: object,
    rules: object,
    coverage: object,
) -> tuple[ShiftPlan, tuple[StaffMember, ...], RosterRules, tuple[CoverageRule, ...]]:
    if not isinstance(plan, ShiftPlan):
        msg = f"plan must be a ShiftPlan (from plan_shifts, or built by hand); got {type(plan).__name__}"
        raise InvalidTypeError(msg)
    members = distinct_items(StaffMember, staff, "staff", lambda m: m.id, "id")
    if not isinstance(rules, RosterRules):
        msg = f"rules must be RosterRules; got {type(rules).__name__}"
        raise InvalidTypeError(msg)
    needs = v.items_of(CoverageRule, coverage, "coverage")
    twice = v.first_duplicate(r.name for r in needs)
    if twice is not None:
        msg = f"two coverage rules are named {twice!r}; name each rule once"
        raise InvalidArgumentError(msg)
    known = {t.name for t in plan.templates}
    for i, r in enumerate(needs):
        unknown = sorted(r.templates - known)
        if unknown:
            msg = (
                f"coverage[{i}].templates names {', '.join(map(repr, unknown))}, which "
                f"the plan does not hold (it holds {', '.join(sorted(known))})"
            )
            raise InvalidArgumentError(msg)
    check_rules_against_staff(needs, members)
    return plan, members, rules, needs


def _previous(value: object) -> Roster | None:
    if value is not None and not isinstance(value, Roster):
        msg = f"previous must be a Roster or None; got {type(value).__name__}"
        raise InvalidTypeError(msg)
    return value


@attrs.define
class _Problem:
    model: Model
    shifts: list[_Shift]
    staff: tuple[StaffMember, ...]
    # (agent index, shift index, variable) for each allowed pairing.
    pairs: list[tuple[int, int, int]]
    groups: list[_Group]


@attrs.define
class _Builder:
    """Writes the roster programme one rule group at a time (internal)."""

    shifts: list[_Shift]
    staff: tuple[StaffMember, ...]
    rules: RosterRules
    history: list[tuple[RosterShift, ...]]
    model: Model = attrs.field(factory=Model)
    # (agent index, shift index, variable) for each allowed pairing.
    pairs: list[tuple[int, int, int]] = attrs.field(factory=list)
    by_shift: list[list[tuple[int, int]]] = attrs.field(factory=list)
    by_agent_day: list[dict[dt.date, list[int]]] = attrs.field(factory=list)
    var_of: dict[tuple[int, int], int] = attrs.field(factory=dict)
    span: list[dt.date] = attrs.field(factory=list)

    def __attrs_post_init__(self) -> None:
        self.by_shift = [[] for _ in self.shifts]
        self.by_agent_day = [{} for _ in self.staff]
        for s, shift in enumerate(self.shifts):
            for a, member in enumerate(self.staff):
                if member.can_work(shift.day, shift.template):
                    var = self.model.variable(1.0, upper=1)
                    self.pairs.append((a, s, var))
                    self.by_shift[s].append((a, var))
                    self.by_agent_day[a].setdefault(shift.day, []).append(var)
                    self.var_of[a, s] = var
        days = sorted({shift.day for shift in self.shifts})
        self.span = [
            days[0] + dt.timedelta(days=i) for i in range((days[-1] - days[0]).days + 1)
        ]

    @property
    def weeks(self) -> list[list[dt.date]]:
        return [self.span[i : i + _WEEK] for i in range(0, len(self.span), _WEEK)]

    def switch(self, name: str) -> tuple[_Group, int]:
        """A group relaxed as a whole by one 0/1 variable (fixed at 0 when solving)."""
        var = self.model.variable(0.0, upper=0)
        return _Group(name, [(var, 1.0)]), var

    def counts(self) -> _Group:
        """Each shift gets the agents the plan starts on it."""
        group = _Group("shift counts (the agents each shift of the plan needs)")
        for s, shift in enumerate(self.shifts):
            gap = self.model.variable(0.0, upper=0, integer=False)
            group.relax.append((gap, float(shift.count)))
            group.rows.append((gap, shift.label(), shift.count))
            terms = [(var, 1.0) for _, var in self.by_shift[s]]
            self.model.constrain([*terms, (gap, 1.0)], lower=shift.count)
        return group

    def coverage(self, i: int, rule: CoverageRule) -> _Group:
        """At least ``rule.at_least`` qualified agents on each shift it applies to."""
        group = _Group(f"coverage[{i}] {rule.name!r} ({rule.describe()})")
        for s, shift in enumerate(self.shifts):
            if not rule.applies_to(shift.template):
                continue
            gap = self.model.variable(0.0, upper=0, integer=False)
            group.relax.append((gap, float(rule.at_least)))
            group.rows.append((gap, shift.label(), rule.at_least))
            terms = [
                (var, 1.0)
                for a, var in self.by_shift[s]
                if rule.qualifies(self.staff[a])
            ]
            self.model.constrain([*terms, (gap, 1.0)], lower=rule.at_least)
        return group

    def coverage_always(self, i: int, rule: CoverageRule, horizon: Horizon) -> _Group:
        """At least ``rule.at_least`` qualified agents on duty at each interval."""
        group = _Group(f"coverage[{i}] {rule.name!r} ({rule.describe()})")
        covering: dict[int, list[int]] = {}
        for s, shift in enumerate(self.shifts):
            if rule.applies_to(shift.template):
                for j in horizon.covered(shift.stretches_us):
                    covering.setdefault(j, []).append(s)
        for j in sorted(covering):
            gap = self.model.variable(0.0, upper=0, integer=False)
            group.relax.append((gap, float(rule.at_least)))
            group.rows.append(
                (gap, f"the interval from {horizon.label(j)}", rule.at_least)
            )
            terms = [
                (var, 1.0)
                for s in covering[j]
                for a, var in self.by_shift[s]
                if rule.qualifies(self.staff[a])
            ]
            self.model.constrain([*terms, (gap, 1.0)], lower=rule.at_least)
        return group

    def one_shift_per_date(self) -> None:
        """The frame of the roster, never relaxed."""
        for agent_days in self.by_agent_day:
            for day_vars in agent_days.values():
                if len(day_vars) > 1:
                    self.model.constrain([(var, 1.0) for var in day_vars], upper=1)

    def rest(self) -> _Group:
        """No two shifts of an agent closer than the minimum rest (or overlapping)."""
        rest_us = self.rules.min_rest // _US
        group, switch = self.switch(
            f"minimum rest ({self.rules.min_rest} between shifts)"
        )
        shifts = self.shifts
        order = sorted(range(len(shifts)), key=lambda s: shifts[s].start_us)
        for k, s1 in enumerate(order):
            first = shifts[s1]
            for s2 in order[k + 1 :]:
                second = shifts[s2]
                if second.start_us >= first.end_us + rest_us:
                    break
                if second.day == first.day:
                    continue
                for a in range(len(self.staff)):
                    x1, x2 = self.var_of.get((a, s1)), self.var_of.get((a, s2))
                    if x1 is not None and x2 is not None:
                        self.model.constrain(
                            [(x1, 1.0), (x2, 1.0), (switch, -1.0)], upper=1
                        )
        # Shifts already worked (the previous roster) need their rest too.
        for a, past in enumerate(self.history):
            for p in past:
                p_start, p_end = v.micros(p.start), v.micros(p.end)
                for s, shift in enumerate(shifts):
                    x = self.var_of.get((a, s))
                    if (
                        x is not None
                        and shift.start_us < p_end + rest_us
                        and shift.end_us + rest_us > p_start
                    ):
                        self.model.constrain([(x, 1.0), (switch, -1.0)], upper=0)
        return group

    def days_off(self) -> _Group:
        """At most ``7 - days_off_per_week`` working dates in each week."""
        off = self.rules.days_off_per_week
        group, switch = self.switch(f"days off per week ({off} in every 7 days)")
        cap = _WEEK - off
        for week in self.weeks:
            if cap >= len(week):
                continue
            for worked in self.by_agent_day:
                terms = [(var, 1.0) for d in week for var in worked.get(d, ())]
                if len(terms) > cap:
                    self.model.constrain([*terms, (switch, -float(_WEEK))], upper=cap)
        return group

    def consecutive(self) -> _Group:
        """At most ``m`` working dates in any ``m + 1`` in a row.

        Windows reaching back before the roster count the dates the previous roster
        has the agent working.
        """
        m = self.rules.max_consecutive_days
        group, switch = self.switch(f"max consecutive days ({m})")
        first = self.span[0]
        for i in range(-m, len(self.span) - m):
            window = [first + dt.timedelta(days=i + k) for k in range(m + 1)]
            for a, worked in enumerate(self.by_agent_day):
                before = {p.day for p in self.history[a]}
                done = sum(1 for d in window if d < first and d in before)
                if i < 0 and not done:
                    continue
                terms = [(var, 1.0) for d in window for var in worked.get(d, ())]
                if len(terms) > m - done:
                    self.model.constrain(
                        [*terms, (switch, -float(m + 1))], upper=m - done
                    )
        return group

    def hours(self) -> _Group:
        """A part-timer's paid hours in each week within their cap."""
        group, switch = self.switch(
            "part-time hours (each part-timer's max_hours_per_week)"
        )
        week_of = {d: w for w, week in enumerate(self.weeks) for d in week}
        for a, member in enumerate(self.staff):
            if member.max_hours_per_week is None:
                continue
            cap_h = member.max_hours_per_week / dt.timedelta(hours=1)
            per_week: dict[int, list[tuple[int, float]]] = {}
            for s, shift in enumerate(self.shifts):
                paired = self.var_of.get((a, s))
                if paired is not None:
                    per_week.setdefault(week_of[shift.day], []).append(
                        (paired, shift.paid_hours)
                    )
            for terms in per_week.values():
                if sum(h for _, h in terms) > cap_h:
                    self.model.constrain([*terms, (switch, -24.0 * _WEEK)], upper=cap_h)
        return group

    def fairness(self) -> None:
        """Second to working as few shifts as can be: the busiest agent works as few.

        The weight keeps the whole term below one shift's worth.
        """
        days = len(self.span)
        busiest = self.model.variable(1.0 / (days + 1), upper=days)
        per_agent: list[list[tuple[int, float]]] = [[] for _ in self.staff]
        for a, _s, var in self.pairs:
            per_agent[a].append((var, 1.0))
        for terms in per_agent:
            self.model.constrain([*terms, (busiest, -1.0)], upper=0)


def _formulate(
    plan: ShiftPlan,
    staff: tuple[StaffMember, ...],
    rules: RosterRules,
    coverage: tuple[CoverageRule, ...],
    history: list[tuple[RosterShift, ...]],
) -> _Problem:
    shifts = _shifts_of(plan)
    b = _Builder(shifts, staff, rules, history)
    # The plan's intervals, read only for rules that count agents on duty per interval.
    horizon = (
        horizon_of(plan.required, plan.start, plan.interval, plan.timezone)
        if any(rule.always for rule in coverage)
        else None
    )
    groups = [
        b.counts(),
        *(
            b.coverage_always(i, rule, horizon)
            if rule.always and horizon is not None
            else b.coverage(i, rule)
            for i, rule in enumerate(coverage)
        ),
        b.rest(),
        b.days_off(),
        b.consecutive(),
        b.hours(),
    ]
    b.one_shift_per_date()
    b.fairness()
    return _Problem(b.model, shifts, staff, b.pairs, groups)


def _relaxed(
    problem: _Problem,
    chosen: Sequence[_Group],
    limit: dt.timedelta | None,
    *,
    least: bool,
) -> Solution:
    """Solve with the ``chosen`` groups relaxed (by as little as can be, if ``least``)."""
    upper = list(problem.model.upper)
    cost = [0.0] * len(upper)
    for group in chosen:
        for var, top in group.relax:
            upper[var] = top
            cost[var] = 1.0 if least else 0.0
    return problem.model.solve(limit, cost=cost, upper=upper)


def _diagnose(problem: _Problem, limit: dt.timedelta | None) -> InfeasiblePlanError:
    """Name a set of rule groups that cannot all hold, each needed for the conflict.

    A deletion filter over the groups: relax each in turn, and keep it relaxed if the
    rest stay infeasible. What is left is infeasible, and relaxing any one of its
    groups makes the rest feasible (an irreducible conflict).
    """
    groups = [g for g in problem.groups if g.relax]
    enforced = list(groups)
    for group in groups:
        trial = [g for g in enforced if g is not group]
        relaxed = [g for g in groups if g not in trial]
        if _relaxed(problem, relaxed, limit, least=False).values is None:
            enforced = trial
    # Where the per-shift rules of the conflict fall short, at the least.
    relaxed = [g for g in groups if g not in enforced or g.rows]
    detail = _relaxed(problem, relaxed, limit, least=True).values
    lines = []
    for group in enforced:
        unmet = (
            [
                f"{label} ({round(detail[var])} of {needed} missing)"
                for var, label, needed in group.rows
                if detail[var] > _TINY
            ]
            if detail is not None
            else []
        )
        line = group.name
        if unmet:
            more = f" and {len(unmet) - _SHOWN} more" if len(unmet) > _SHOWN else ""
            line += ": short on " + ", ".join(unmet[:_SHOWN]) + more
        lines.append(line)
    if all(g.rows for g in enforced):
        # No working-time rule is involved: who may work when is what falls short.
        lines.append(
            "staff availability (each member's weekdays, unavailable dates and "
            "templates, one shift per date)"
        )
    msg = (
        "no roster keeps every rule; these rules cannot all hold together (relaxing "
        "any one of them resolves this conflict): "
        + "; ".join(f"[{line}]" for line in lines)
    )
    return InfeasiblePlanError(msg, tuple(lines))


def build_roster(
    plan: ShiftPlan,
    staff: Sequence[StaffMember],
    *,
    rules: RosterRules | None = None,
    coverage: Sequence[CoverageRule] = (),
    previous: Roster | None = None,
    time_limit: dt.timedelta | None = None,
) -> Roster:
    """Put named agents on a plan's shifts, keeping every rule, with as few shifts worked as can be.

    Each shift of the plan gets at least the agents the plan starts on it; an agent
    works at most one shift per date, only on dates and templates they can work
    ([`StaffMember`][servicekit.workforce.StaffMember]), with the rest, days off and
    consecutive-day limits of ``rules``, a part-timer within their weekly hours, and
    every [`CoverageRule`][servicekit.workforce.CoverageRule] met on every shift it
    applies to (which may put more agents on a shift than the plan asked for).

    Args:
        plan: The shift plan to staff.
        staff: The agents (ids unique).
        rules: Working-time rules (default: ``RosterRules()``).
        coverage: Language and skill rules.
        previous: The roster before this one (last week's or month's): its shifts
            count towards the rest before each agent's first shift and towards
            consecutive working days; they are not part of the result.
        time_limit: Stop the solver after this long with the best roster found.

    Returns:
        The roster.

    Raises:
        InfeasiblePlanError: no roster keeps every rule; the message (and
            ``conflicts``) names the rules in conflict and the shifts left unfilled.
        InvalidArgumentError: bad input named by field, or a coverage rule that no
            member of staff can count towards.
        MissingExtraError: SciPy is not installed (``servicekit[planning]``).

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.workforce import (
        ...     CoverageRule,
        ...     RosterRules,
        ...     ShiftTemplate,
        ...     StaffMember,
        ...     build_roster,
        ...     plan_shifts,
        ... )
        >>> day = ShiftTemplate(name="day", start="09:00", length=dt.timedelta(hours=8))
        >>> plan = plan_shifts(
        ...     [day],
        ...     ([2] * 8 + [0] * 16) * 3,
        ...     start=pendulum.datetime(2025, 10, 6, 9, tz="Asia/Urumqi"),
        ...     interval=dt.timedelta(hours=1),
        ... )
        >>> staff = [
        ...     StaffMember(id="A", languages={"ug"}),
        ...     StaffMember(id="B"),
        ...     StaffMember(id="C"),
        ... ]
        >>> roster = build_roster(
        ...     plan, staff, coverage=[CoverageRule(name="uyghur", language="ug")]
        ... )
        >>> [(s.day.day, s.agent) for s in roster.shifts_of("A")]
        [(6, 'A'), (7, 'A'), (8, 'A')]
        >>> build_roster(
        ...     plan,
        ...     staff,
        ...     rules=RosterRules(max_consecutive_days=2),
        ...     coverage=[CoverageRule(name="uyghur", language="ug")],
        ... )
        Traceback (most recent call last):
        ...
        servicekit.errors.InfeasiblePlanError: no roster keeps every rule; these rules cannot all hold together (relaxing any one of them resolves this conflict): [coverage[0] 'uyghur' (at least 1 agent speaking 'ug' on every shift): short on the 'day' shift of 2025-10-08 (1 of 1 missing)]; [max consecutive days (2)]
    """
    checked_plan, members, checked_rules, needs = _inputs(
        plan, staff, RosterRules() if rules is None else rules, coverage
    )
    limit = (
        None
        if time_limit is None
        else v.duration(time_limit, "time_limit", positive=True)
    )
    before = _previous(previous)
    if not any(s.agents for s in checked_plan.starts):
        return Roster(shifts=())
    history = [() if before is None else before.shifts_of(m.id) for m in members]
    problem = _formulate(checked_plan, members, checked_rules, needs, history)
    found = problem.model.solve(limit)
    if found.values is None or found.status is None:
        if found.infeasible:
            raise _diagnose(problem, limit)
        msg = f"the solver found no roster within the time limit of {limit}; allow it longer"
        raise InfeasiblePlanError(msg, (msg,))
    zone = pendulum.timezone(checked_plan.timezone)
    out = []
    for a, s, var in problem.pairs:
        if whole(found.values[var]) != 1:
            continue
        shift = problem.shifts[s]
        out.append(
            RosterShift(
                agent=members[a].id,
                template=shift.template,
                day=shift.day,
                start=instant_at(shift.start_us, zone),
                end=instant_at(shift.end_us, zone),
                breaks=[
                    (instant_at(x, zone), instant_at(y, zone))
                    for x, y in shift.breaks_us
                ],
            )
        )
    return Roster(shifts=out, status=found.status)
