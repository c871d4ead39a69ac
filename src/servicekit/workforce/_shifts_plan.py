"""Shift plans: how many agents start each template on each day, and what they cover.

From agents required per interval (a plain list of counts, a start instant and an
interval of 15, 30 or 60 minutes, or any value with ``start``, ``interval`` and
``required`` attributes) and a set of [`ShiftTemplate`][servicekit.workforce.ShiftTemplate]s,
[`plan_shifts`][servicekit.workforce.plan_shifts] finds the cheapest plan that covers
every interval, and [`plan_shifts_capped`][servicekit.workforce.plan_shifts_capped]
the plan with the least shortfall when at most so many agents may work a day. Both
are integer programmes solved by HiGHS through SciPy's ``milp``. This module must
never read a clock or do I/O; it imports SciPy only when it solves.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import Final

import attrs
import pendulum

from servicekit import _codec
from servicekit.errors import (
    InfeasiblePlanError,
    InvalidArgumentError,
    InvalidTypeError,
)
from servicekit.routing import _values as v
from servicekit.sla import BusinessCalendar
from servicekit.workforce._shifts import (
    ShiftTemplate,
    distinct_items,
    weekday_names,
)
from servicekit.workforce._shifts_milp import Model, SolveStatus, whole
from servicekit.workforce._shifts_time import (
    Horizon,
    IntervalCounts,
    check_interval,
    check_zone,
    horizon_of,
    instant_at,
    shift_us,
)

__all__ = ["ShiftPlan", "ShiftStart", "plan_shifts", "plan_shifts_capped"]

_US: Final = dt.timedelta(microseconds=1)
# How many uncovered intervals an error message lists before "and N more".
_SHOWN: Final = 5


def _check_template(
    i: int, t: ShiftTemplate, step: dt.timedelta, calendar: BusinessCalendar | None
) -> None:
    where = f"templates[{i}] ({t.name!r})"
    at = dt.timedelta(
        hours=t.start.hour, minutes=t.start.minute, seconds=t.start.second
    )
    for what, value in (
        ("start", at),
        ("length", t.length),
        *(
            (f"breaks[{j}]", x)
            for j, b in enumerate(t.breaks)
            for x in (b.after, b.length)
        ),
    ):
        if value % step:
            msg = (
                f"{where}.{what} ({value}) is not a whole number of {step} intervals; "
                "shifts and breaks start and end on interval boundaries"
            )
            raise InvalidArgumentError(msg)
    if calendar is not None:
        closed = {d for d in t.weekdays if not calendar.weekly_hours[d]}
        if closed:
            msg = (
                f"{where}.weekdays includes {weekday_names(closed)}, on which the "
                "calendar has no working hours; drop those weekdays from the template "
                "or give the calendar hours then"
            )
            raise InvalidArgumentError(msg)


@attrs.frozen
class _Column:
    template: int
    day: dt.date
    covers: tuple[int, ...]


def _columns(
    templates: tuple[ShiftTemplate, ...],
    horizon: Horizon,
    calendar: BusinessCalendar | None,
) -> list[_Column]:
    first = horizon.local_date(horizon.start_us)
    last = horizon.local_date(horizon.end_us - 1)
    out = []
    day = first - dt.timedelta(days=1)
    while day <= last:
        for i, t in enumerate(templates):
            if not t.runs_on(day, calendar):
                continue
            _, segments = shift_us(t, day, horizon.zone)
            covers = horizon.covered(segments)
            if covers:
                out.append(_Column(i, day, tuple(covers)))
        day += dt.timedelta(days=1)
    return out


def _templates(
    value: object, step: dt.timedelta, calendar: BusinessCalendar | None
) -> tuple[ShiftTemplate, ...]:
    templates = distinct_items(
        ShiftTemplate, value, "templates", lambda t: t.name, "name"
    )
    for i, t in enumerate(templates):
        _check_template(i, t, step, calendar)
    return templates


def _calendar(value: object) -> BusinessCalendar | None:
    if value is not None and not isinstance(value, BusinessCalendar):
        msg = f"calendar must be a servicekit.sla.BusinessCalendar or None; got {type(value).__name__}"
        raise InvalidTypeError(msg)
    return value


def _start_instant(value: object) -> dt.datetime:
    return v.aware(value, "ShiftPlan.start")


def _counts(value: object, what: str) -> tuple[int, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"ShiftPlan.{what} must be a list of whole numbers; got {value!r}"
        raise InvalidTypeError(msg)
    return tuple(v.count(n, f"ShiftPlan.{what}[{i}]") for i, n in enumerate(value))


def _required_counts(value: object) -> tuple[int, ...]:
    return _counts(value, "required")


def _coverage_counts(value: object) -> tuple[int, ...]:
    return _counts(value, "coverage")


def _plan_templates(value: object) -> tuple[ShiftTemplate, ...]:
    return v.items_of(ShiftTemplate, value, "ShiftPlan.templates")


def _plan_starts(value: object) -> tuple[ShiftStart, ...]:
    return v.items_of(ShiftStart, value, "ShiftPlan.starts")


def _template_name(value: object) -> str:
    return v.check_id(value, "ShiftStart.template", "'early'")


def _agents(value: object) -> int:
    return v.count(value, "ShiftStart.agents")


def _day(value: object) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        msg = f"ShiftStart.day must be a datetime.date; got {value!r}"
        raise InvalidTypeError(msg)
    return value


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class ShiftStart(_codec.Serialisable):
    """How many agents start one template on one date.

    Examples:
        >>> import datetime as dt
        >>> from servicekit.workforce import ShiftStart
        >>> ShiftStart(template="early", day=dt.date(2025, 10, 1), agents=3).to_dict()
        {'template': 'early', 'day': '2025-10-01', 'agents': 3}
    """

    template: str = attrs.field(converter=_template_name)
    day: dt.date = attrs.field(converter=_day)
    agents: int = attrs.field(converter=_agents)


def _status(value: object) -> SolveStatus:
    return v.enum_member(SolveStatus, value, "ShiftPlan.status")  # type: ignore[no-any-return]


def _finite(value: object) -> float:
    return v.fraction(value, "ShiftPlan.cost", low=0.0, high=math.inf, low_open=False)


@_codec.value(omit_if_default=())
@attrs.frozen(kw_only=True)
class ShiftPlan(_codec.Serialisable):
    """How many agents start each template on each date, and what that covers.

    Built by [`plan_shifts`][servicekit.workforce.plan_shifts] and
    [`plan_shifts_capped`][servicekit.workforce.plan_shifts_capped]; a CRM may also
    build one from its own rota to roster it.

    Args:
        start: The first interval's start.
        interval: Each interval's length.
        timezone: The zone shift start times are read in (IANA name).
        templates: The templates the plan may use.
        starts: Agents per template and date (only non-zero ones, by date then
            template order).
        required: Agents required per interval.
        coverage: Agents on duty per interval under this plan.
        cost: The sum of each started shift's cost.
        status: ``OPTIMAL``, or ``TIME_LIMIT`` when the solver stopped early.

    Raises:
        InvalidArgumentError: ``required`` and ``coverage`` differ in length, a start
            names a template the plan does not hold, or two templates share a name.

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.workforce import ShiftTemplate, plan_shifts
        >>> h = dt.timedelta(hours=1)
        >>> plan = plan_shifts(
        ...     [
        ...         ShiftTemplate(name="morning", start="08:00", length=4 * h, cost=4),
        ...         ShiftTemplate(name="day", start="08:00", length=8 * h, cost=7),
        ...     ],
        ...     [1, 1, 2, 2, 1, 1, 1, 1],
        ...     start=pendulum.datetime(2025, 1, 6, 8, tz="Asia/Shanghai"),
        ...     interval=h,
        ... )
        >>> [(s.template, s.agents) for s in plan.starts], plan.cost
        ([('morning', 1), ('day', 1)], 11.0)
        >>> plan.coverage, plan.surplus, plan.total_shortfall
        ((2, 2, 2, 2, 1, 1, 1, 1), (1, 1, 0, 0, 0, 0, 0, 0), 0)
        >>> ShiftPlan.from_dict(plan.to_dict()) == plan
        True
    """

    start: dt.datetime = attrs.field(converter=_start_instant)
    interval: dt.timedelta = attrs.field(converter=check_interval)
    timezone: str = attrs.field()
    templates: tuple[ShiftTemplate, ...] = attrs.field(converter=_plan_templates)
    starts: tuple[ShiftStart, ...] = attrs.field(converter=_plan_starts)
    required: tuple[int, ...] = attrs.field(converter=_required_counts)
    coverage: tuple[int, ...] = attrs.field(converter=_coverage_counts)
    cost: float = attrs.field(converter=_finite)
    status: SolveStatus = attrs.field(default=SolveStatus.OPTIMAL, converter=_status)

    @timezone.validator
    def _check_zone(self, _attribute: object, value: object) -> None:
        check_zone(
            v.check_id(value, "ShiftPlan.timezone", "'Asia/Shanghai'"),
            "ShiftPlan.timezone",
        )

    def __attrs_post_init__(self) -> None:
        if len(self.coverage) != len(self.required):
            msg = (
                f"ShiftPlan.coverage has {len(self.coverage)} intervals but required "
                f"has {len(self.required)}; give one count per interval in each"
            )
            raise InvalidArgumentError(msg)
        names = [t.name for t in self.templates]
        twice = v.first_duplicate(names)
        if twice is not None:
            msg = f"ShiftPlan.templates names {twice!r} twice"
            raise InvalidArgumentError(msg)
        seen: set[tuple[str, dt.date]] = set()
        for i, s in enumerate(self.starts):
            if (s.template, s.day) in seen:
                msg = (
                    f"ShiftPlan.starts[{i}] repeats {s.template!r} on "
                    f"{s.day.isoformat()}; give one count per template and date"
                )
                raise InvalidArgumentError(msg)
            seen.add((s.template, s.day))
            if s.template not in names:
                msg = (
                    f"ShiftPlan.starts[{i}] names the template {s.template!r}, which "
                    f"the plan does not hold (it holds {', '.join(names) or 'none'})"
                )
                raise InvalidArgumentError(msg)

    @property
    def end(self) -> pendulum.DateTime:
        """The end of the last interval."""
        zone = pendulum.timezone(self.timezone)
        return instant_at(
            v.micros(self.start) + self.interval // _US * len(self.required), zone
        )

    @property
    def shortfall(self) -> tuple[int, ...]:
        """Agents missing per interval: ``max(0, required - coverage)``."""
        return tuple(
            max(0, r - c) for r, c in zip(self.required, self.coverage, strict=True)
        )

    @property
    def surplus(self) -> tuple[int, ...]:
        """Agents beyond the requirement per interval: ``max(0, coverage - required)``."""
        return tuple(
            max(0, c - r) for r, c in zip(self.required, self.coverage, strict=True)
        )

    @property
    def total_shortfall(self) -> int:
        """Agent-intervals missing over the whole plan."""
        return sum(self.shortfall)

    @property
    def total_surplus(self) -> int:
        """Agent-intervals beyond the requirement over the whole plan."""
        return sum(self.surplus)

    @property
    def agents_started(self) -> int:
        """Shifts started over the whole plan (one agent each)."""
        return sum(s.agents for s in self.starts)

    def template(self, name: str) -> ShiftTemplate:
        """Return the template named ``name``.

        Raises:
            UnknownNameError: the plan holds no such template.
        """
        for t in self.templates:
            if t.name == name:
                return t
        from servicekit.errors import UnknownNameError  # noqa: PLC0415

        msg = f"the plan has no template {name!r}; it has {', '.join(t.name for t in self.templates)}"
        raise UnknownNameError(msg)

    def count(self, template: str, day: dt.date) -> int:
        """Return how many agents start ``template`` on ``day`` (0 when none).

        Examples:
            >>> import datetime as dt, pendulum
            >>> from servicekit.workforce import ShiftTemplate, plan_shifts
            >>> plan = plan_shifts(
            ...     [
            ...         ShiftTemplate(
            ...             name="all-day", start="00:00", length=dt.timedelta(days=1)
            ...         )
            ...     ],
            ...     [2] * 24,
            ...     start=pendulum.datetime(2025, 1, 6, tz="UTC"),
            ...     interval=dt.timedelta(hours=1),
            ... )
            >>> (
            ...     plan.count("all-day", dt.date(2025, 1, 6)),
            ...     plan.count("all-day", dt.date(2025, 1, 7)),
            ... )
            (2, 0)
        """
        return sum(
            s.agents for s in self.starts if s.template == template and s.day == day
        )

    def shift_times(
        self, template: str, day: dt.date
    ) -> tuple[pendulum.DateTime, pendulum.DateTime]:
        """Return when ``template`` started on ``day`` begins and ends, in the plan's zone.

        Examples:
            >>> import datetime as dt, pendulum
            >>> from servicekit.workforce import ShiftTemplate, plan_shifts
            >>> night = ShiftTemplate(
            ...     name="night", start="22:00", length=dt.timedelta(hours=9)
            ... )
            >>> plan = plan_shifts(
            ...     [night],
            ...     [1] * 9,
            ...     start=pendulum.datetime(2025, 1, 6, 22, tz="Asia/Shanghai"),
            ...     interval=dt.timedelta(hours=1),
            ... )
            >>> [str(t) for t in plan.shift_times("night", dt.date(2025, 1, 6))]
            ['2025-01-06 22:00:00+08:00', '2025-01-07 07:00:00+08:00']
        """
        zone = pendulum.timezone(self.timezone)
        t = self.template(template)
        begin, _ = shift_us(t, day, zone)
        return instant_at(begin, zone), instant_at(begin + t.length // _US, zone)


def _build(
    horizon: Horizon,
    templates: tuple[ShiftTemplate, ...],
    columns: list[_Column],
    values: Sequence[float],
    status: SolveStatus,
) -> ShiftPlan:
    coverage = [0] * len(horizon.required)
    starts: list[ShiftStart] = []
    cost = 0.0
    for col, x in zip(columns, values, strict=False):
        n = whole(x)
        if n == 0:
            continue
        t = templates[col.template]
        starts.append(ShiftStart(template=t.name, day=col.day, agents=n))
        cost += n * t.cost
        for i in col.covers:
            coverage[i] += n
    return ShiftPlan(
        start=horizon.start,
        interval=horizon.interval,
        timezone=horizon.timezone,
        templates=templates,
        starts=starts,
        required=horizon.required,
        coverage=coverage,
        cost=cost,
        status=status,
    )


def _uncoverable(horizon: Horizon, columns: list[_Column]) -> None:
    reach: set[int] = set()
    for col in columns:
        reach.update(col.covers)
    missing = [i for i, r in enumerate(horizon.required) if r and i not in reach]
    if not missing:
        return
    lines = tuple(f"{horizon.label(i)} ({horizon.required[i]} needed)" for i in missing)
    shown = ", ".join(lines[:_SHOWN])
    more = f" and {len(lines) - _SHOWN} more" if len(lines) > _SHOWN else ""
    msg = (
        f"no shift covers {len(missing)} "
        f"{'intervals that need' if len(missing) > 1 else 'interval that needs'} agents: {shown}{more}; add a template that runs then, or check "
        "the requirements"
    )
    raise InfeasiblePlanError(msg, lines)


def _prepare(  # noqa: PLR0917 -- the planners' own arguments, passed on
    templates: object,
    required: object,
    start: dt.datetime | None,
    interval: dt.timedelta | None,
    calendar: object,
    timezone: str | None,
) -> tuple[Horizon, tuple[ShiftTemplate, ...], list[_Column]]:
    cal = _calendar(calendar)
    if cal is not None:
        if timezone is not None and timezone != cal.timezone:
            msg = f"timezone {timezone!r} differs from the calendar's {cal.timezone!r}; give one of them"
            raise InvalidArgumentError(msg)
        timezone = cal.timezone
    horizon = horizon_of(required, start, interval, timezone)
    checked = _templates(templates, horizon.interval, cal)
    return horizon, checked, _columns(checked, horizon, cal)


def _time_limit(value: object) -> dt.timedelta | None:
    return None if value is None else v.duration(value, "time_limit", positive=True)


def plan_shifts(
    templates: Sequence[ShiftTemplate],
    required: Sequence[int] | IntervalCounts,
    *,
    start: dt.datetime | None = None,
    interval: dt.timedelta | None = None,
    calendar: BusinessCalendar | None = None,
    timezone: str | None = None,
    time_limit: dt.timedelta | None = None,
) -> ShiftPlan:
    """Return the cheapest plan that covers every interval's requirement.

    A shift covers an interval when the interval lies wholly inside one of its
    on-duty stretches (its breaks excluded). Shifts are considered on each date from
    the day before the first interval (a night shift reaching into it) to the last
    interval's date, on the dates each template runs (see
    [`ShiftTemplate`][servicekit.workforce.ShiftTemplate]).

    Args:
        templates: The shift templates to choose from (names unique).
        required: Agents required per interval, in order; or any value with
            ``start``, ``interval`` and ``required`` attributes (such as interval
            requirements), and then no ``start`` or ``interval``.
        start: The first interval's start (aware), on an interval boundary.
        interval: Each interval's length: whole minutes that divide a day.
        calendar: Holidays and make-up days for the templates' day rules, and the
            zone; a template may not run on a weekday the calendar is closed.
        timezone: The zone of the templates' start times, when there is no calendar
            (default: ``start``'s zone).
        time_limit: Stop the solver after this long with the best plan found
            (``status`` is then ``TIME_LIMIT``).

    Returns:
        The plan, with coverage, surplus and cost.

    Raises:
        InfeasiblePlanError: some interval needing agents is covered by no shift;
            the message names those intervals.
        InvalidArgumentError: bad requirements or templates, named by field (a
            template off the interval grid, or on a weekday the calendar is closed).
        MissingExtraError: SciPy is not installed (``servicekit[planning]``).

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.workforce import ShiftTemplate, plan_shifts
        >>> h = dt.timedelta(hours=1)
        >>> early = ShiftTemplate(name="early", start="06:00", length=8 * h)
        >>> late = ShiftTemplate(name="late", start="14:00", length=8 * h)
        >>> plan = plan_shifts(
        ...     [early, late],
        ...     [2] * 8 + [3] * 8,
        ...     start=pendulum.datetime(2025, 1, 6, 6, tz="Asia/Shanghai"),
        ...     interval=h,
        ... )
        >>> [(s.template, s.agents) for s in plan.starts], plan.cost, plan.status
        ([('early', 2), ('late', 3)], 5.0, <SolveStatus.OPTIMAL: 'optimal'>)
    """
    horizon, checked, columns = _prepare(
        templates, required, start, interval, calendar, timezone
    )
    limit = _time_limit(time_limit)
    _uncoverable(horizon, columns)
    model = Model()
    rows: list[list[tuple[int, float]]] = [[] for _ in horizon.required]
    for col in columns:
        # More agents than the largest need it covers never lowers the cost.
        cap = max(horizon.required[i] for i in col.covers)
        var = model.variable(checked[col.template].cost, upper=cap)
        for i in col.covers:
            rows[i].append((var, 1.0))
    for i, r in enumerate(horizon.required):
        if r:
            model.constrain(rows[i], lower=r)
    solution = model.solve(limit)
    if solution.values is None or solution.status is None:
        raise _no_solution(limit)
    return _build(horizon, checked, columns, solution.values, solution.status)


def _no_solution(limit: dt.timedelta | None) -> InfeasiblePlanError:
    msg = f"the solver found no plan within the time limit of {limit}; allow it longer"
    return InfeasiblePlanError(msg, (msg,))


def plan_shifts_capped(
    templates: Sequence[ShiftTemplate],
    required: Sequence[int] | IntervalCounts,
    *,
    head_count: int,
    start: dt.datetime | None = None,
    interval: dt.timedelta | None = None,
    calendar: BusinessCalendar | None = None,
    timezone: str | None = None,
    time_limit: dt.timedelta | None = None,
) -> ShiftPlan:
    """Return the plan with the least shortfall when at most ``head_count`` agents work a day.

    First the total shortfall (agent-intervals missing) is minimised with at most
    ``head_count`` shifts starting on any one date; among the plans with that
    shortfall, the cheapest is returned. Arguments and coverage rules are those of
    [`plan_shifts`][servicekit.workforce.plan_shifts]; intervals no shift covers are
    reported as shortfall, not refused.

    Args:
        templates: The shift templates to choose from.
        required: Agents required per interval (or an object holding them).
        head_count: At most this many shifts start on any one date (zero or more).
        start: The first interval's start.
        interval: Each interval's length.
        calendar: Holidays, make-up days and the zone.
        timezone: The zone, when there is no calendar.
        time_limit: Stop each of the two solves after this long.

    Returns:
        The plan; ``shortfall`` says where agents are missing.

    Raises:
        InvalidArgumentError: bad input, named by field.
        MissingExtraError: SciPy is not installed (``servicekit[planning]``).

    Examples:
        >>> import datetime as dt, pendulum
        >>> from servicekit.workforce import ShiftTemplate, plan_shifts_capped
        >>> h = dt.timedelta(hours=1)
        >>> plan = plan_shifts_capped(
        ...     [ShiftTemplate(name="day", start="09:00", length=4 * h)],
        ...     [3, 3, 3, 3],
        ...     head_count=2,
        ...     start=pendulum.datetime(2025, 1, 6, 9, tz="UTC"),
        ...     interval=h,
        ... )
        >>> plan.coverage, plan.shortfall, plan.total_shortfall
        ((2, 2, 2, 2), (1, 1, 1, 1), 4)
    """
    cap = v.count(head_count, "head_count")
    horizon, checked, columns = _prepare(
        templates, required, start, interval, calendar, timezone
    )
    limit = _time_limit(time_limit)
    model = Model()
    rows: list[list[tuple[int, float]]] = [[] for _ in horizon.required]
    per_day: dict[dt.date, list[tuple[int, float]]] = {}
    for col in columns:
        var = model.variable(0.0, upper=cap)
        per_day.setdefault(col.day, []).append((var, 1.0))
        for i in col.covers:
            rows[i].append((var, 1.0))
    costs = [checked[col.template].cost for col in columns]
    gaps = []
    for i, r in enumerate(horizon.required):
        if r:
            gap = model.variable(1.0, upper=r, integer=False)
            gaps.append(gap)
            model.constrain([*rows[i], (gap, 1.0)], lower=r)
    for terms in per_day.values():
        model.constrain(terms, upper=cap)
    first = model.solve(limit)
    if first.values is None or first.status is None:
        raise _no_solution(limit)
    # Shortfall is a whole number at the optimum; keep it, then pay as little as can be.
    model.constrain([(g, 1.0) for g in gaps], upper=round(first.objective) + 0.5)
    second = model.solve(limit, cost=costs + [0.0] * len(gaps))
    if second.values is None or second.status is None:
        raise _no_solution(limit)
    status = (
        SolveStatus.OPTIMAL
        if first.status is second.status is SolveStatus.OPTIMAL
        else SolveStatus.TIME_LIMIT
    )
    return _build(horizon, checked, columns, second.values, status)
