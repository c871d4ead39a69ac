"""Recurring duties: owed once per calendar period, met by an event, reported as obligations.

A [`RecurringDuty`][] says who owes what how often ("a progress note every business
day while in delivery", "a care letter every month") and which event meets it. Its
instances are the calendar's periods (business days, ISO weeks, months, quarters);
each instance is due at the close of business of the period's last business day, and
a period with no business day at all (a week inside the Spring Festival) owes
nothing. [`RecurringTrack`][] folds the meeting events of one duty; requirement-level
duties are tracked by the requirement's fold while it is in their states, customer-
level ones by [`CustomerCare`][servicekit.acceptance.CustomerCare]. Nothing here reads
the clock: "now" is always given.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import Any, Final

import attrs
import pendulum

from servicekit import _codec
from servicekit._pickling import keeps_instants
from servicekit._vocabulary import NamedEnum
from servicekit.acceptance._events import step_name
from servicekit.acceptance._fields import (
    instant_key,
    member,
    text,
    to_instant,
    utc,
)
from servicekit.acceptance._state import (
    DUTY_NAME,
    Breach,
    BreachKind,
    DutyName,
    Obligation,
    Party,
    StateName,
    Task,
    duty_name,
    state_name,
)
from servicekit.errors import InvalidTypeError
from servicekit.sla import BusinessCalendar

__all__ = [
    "Every",
    "RecurringDuty",
    "RecurringTrack",
    "check_calendar_days",
    "missed_at",
    "owed_at",
]

#: How many periods in a row may have no business day before the search gives up
#: (a calendar closed for ten years owes nothing rather than searching forever).
_MAX_EMPTY_PERIODS: Final = 520


class Every(NamedEnum):
    """The calendar rule a duty recurs on.

    Examples:
        >>> from servicekit.acceptance import Every
        >>> Every.parse("Month")
        <Every.MONTH: 'month'>
    """

    BUSINESS_DAY = "business_day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"


Period = tuple[dt.date, dt.date]


def period_of(every: Every, day: dt.date) -> Period:
    """The period of ``every`` holding the local date ``day``: its first and last date."""
    if every is Every.BUSINESS_DAY:
        return day, day
    if every is Every.WEEK:
        first = day - dt.timedelta(days=day.weekday())
        return first, first + dt.timedelta(days=6)
    months = 1 if every is Every.MONTH else 3
    start_month = (day.month - 1) // months * months + 1
    first = day.replace(month=start_month, day=1)
    end_month = start_month + months
    after = (
        first.replace(year=first.year + 1, month=1)
        if end_month > 12
        else first.replace(month=end_month)
    )
    return first, after - dt.timedelta(days=1)


def _party(value: object) -> Party:
    return member(Party, value, "party")


def _every(value: object) -> Every:
    return member(Every, value, "every")


def _duty(value: object) -> DutyName:
    return duty_name(value, "RecurringDuty.name")


def _met_by(value: object) -> str:
    name = text(value, "RecurringDuty.met_by", allow_empty=False)
    return name if name[:1].isupper() else step_name(name, "RecurringDuty.met_by")


def _states(value: object) -> tuple[StateName, ...]:
    if isinstance(value, str) or not isinstance(value, tuple | list):
        msg = f"RecurringDuty.while_in must be a list of state names, got {value!r}"
        raise InvalidTypeError(msg)
    return tuple(state_name(step_name(v, "RecurringDuty.while_in")) for v in value)


def _names(value: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


def _per_task(value: object) -> bool:
    if not isinstance(value, bool):
        msg = f"RecurringDuty.per_task must be True or False, got {value!r}"
        raise InvalidTypeError(msg)
    return value


@_codec.value(
    omit_if_default=("per_task",),
    shapes={
        "name": DUTY_NAME,
        "while_in": _codec.Shape(tuple[str, ...], _states, _names),
    },
)
@attrs.frozen(kw_only=True)
class RecurringDuty(_codec.Serialisable):
    """A duty owed once per period of ``every``, met by the event ``met_by``.

    Args:
        name: the duty's lower_snake_case name.
        party: who owes it (``"team"`` or ``"customer"``).
        every: ``"business_day"``, ``"week"`` (ISO, Monday to Sunday), ``"month"``
            or ``"quarter"``; each instance is due at close of business on the
            period's last business day.
        met_by: the event that meets it: an event class's name or a step.
        while_in: for a requirement's duty, the states in which it recurs (its
            first instance is the one due after entering them); empty for a
            customer's duty (``CustomerCare``).
        per_task: owed by each open task of those states, from ``TaskAdded`` to
            ``TaskDone``, and met by ``met_by`` for that task (``"TaskProgressed"``:
            "each task owner updates progress every day"); its obligations and
            breaches name the task and its owner.

    Examples:
        >>> from servicekit.acceptance import RecurringDuty
        >>> note = RecurringDuty(
        ...     name="progress_note",
        ...     party="team",
        ...     every="business_day",
        ...     met_by="TaskProgressed",
        ...     while_in=["in_delivery"],
        ... )
        >>> note.describe()
        'team owes progress_note every business day (met by TaskProgressed)'
        >>> RecurringDuty.from_dict(note.to_dict()) == note
        True
    """

    name: DutyName = attrs.field(converter=_duty)
    party: Party = attrs.field(converter=_party)
    every: Every = attrs.field(converter=_every)
    met_by: str = attrs.field(converter=_met_by)
    while_in: tuple[StateName, ...] = attrs.field(default=(), converter=_states)
    per_task: bool = attrs.field(default=False, converter=_per_task)

    def start(self, since: pendulum.DateTime) -> RecurringTrack:
        """Start recurring at ``since`` (entering one of its states, opening a care file)."""
        return RecurringTrack(duty=self, since=since)

    def describe(self) -> str:
        """Return a one-line English description, as used in the diagram."""
        every = self.every.value.replace("_", " ")
        return f"{self.party.value} owes {self.name!s} every {every} (met by {self.met_by})"


def check_calendar_days(calendar: Any) -> None:
    """Refuse a calendar that cannot say which dates are business days.

    Raises:
        InvalidTypeError: the calendar has no ``is_business_day``.
    """
    if not callable(getattr(calendar, "is_business_day", None)):
        cal = type(calendar).__name__
        msg = (
            "recurring duties need a calendar with is_business_day(date), as "
            f"servicekit.sla.BusinessCalendar has; {cal} has none"
        )
        raise InvalidTypeError(msg)


def _close(calendar: Any, first: dt.date, last: dt.date) -> pendulum.DateTime | None:
    """Close of business on the last business day of ``[first, last]``, if any.

    Memoised for servicekit's own calendars, which are immutable values (a
    calendar of the caller's own might change, so it is asked every time).
    """
    if type(calendar) is BusinessCalendar:
        return _known_close(calendar, first, last)
    return _find_close(calendar, first, last)


@functools.lru_cache(maxsize=8192)
def _known_close(
    calendar: BusinessCalendar, first: dt.date, last: dt.date
) -> pendulum.DateTime | None:
    return _find_close(calendar, first, last)


def _find_close(
    calendar: Any, first: dt.date, last: dt.date
) -> pendulum.DateTime | None:
    day = last
    while day >= first:
        if calendar.is_business_day(day):
            # Any instant of the date will do: a 0-day count closes that date.
            noon = pendulum.datetime(
                day.year, day.month, day.day, 12, tz=calendar.timezone
            )
            close = to_instant(calendar.add_business_days(noon, 0))
            return to_instant(close.in_timezone(calendar.timezone))
        day -= dt.timedelta(days=1)
    return None


def _date_of(at: dt.datetime) -> dt.date:
    """The local date of ``at`` as a plain date (pendulum's date arithmetic is slow)."""
    return dt.date(at.year, at.month, at.day)


@functools.lru_cache(maxsize=8192)
def _midnight(zone: str, day: dt.date) -> pendulum.DateTime:
    """The start of ``day`` in ``zone`` (memoised: a pure function of its keys)."""
    return pendulum.datetime(day.year, day.month, day.day, tz=zone)


def instance(
    calendar: Any, every: Every, day: dt.date, not_before: dt.datetime
) -> tuple[Period, pendulum.DateTime] | None:
    """The first instance from the period holding ``day`` due at or after ``not_before``."""
    period = period_of(every, day)
    for _ in range(_MAX_EMPTY_PERIODS):
        due = _close(calendar, *period)
        if due is not None and utc(due) >= utc(not_before):
            return period, due
        period = period_of(every, period[1] + dt.timedelta(days=1))
    return None


@keeps_instants
@attrs.frozen(kw_only=True)
class RecurringTrack:
    """How one recurring duty stands: since when it recurs, and the last period met.

    Not exported: built by the folds (a requirement's, a customer's), which give
    every instant in the calendar's zone, and read through their
    ``due_duties(now)``.
    """

    duty: RecurringDuty
    since: pendulum.DateTime = attrs.field(eq=instant_key)
    met_through: dt.date | None = None

    def _next_day(self) -> dt.date:
        # The folds give every instant in the calendar's zone: dates are local.
        start = _date_of(self.since)
        if self.met_through is None:
            return start
        return max(start, self.met_through + dt.timedelta(days=1))

    def owed(
        self, calendar: Any, today: dt.date, task: Task | None = None
    ) -> Obligation | None:
        """The instance owed on the local date ``today``: the earliest still meetable.

        An instance whose period ended before ``today`` can no longer be met (it
        is in [`missed`][]); the one of ``today``'s period is owed, overdue once
        its due time passed, until the period ends. O(1): it jumps to ``today``.
        A per-task duty's obligation names ``task`` and its owner.
        """
        day = max(self._next_day(), today)
        found = instance(calendar, self.duty.every, day, self.since)
        if found is None:
            return None
        (first, _last), due = found
        opened = _midnight(calendar.timezone, first)
        since = opened if utc(opened) > utc(self.since) else self.since
        return Obligation(
            party=self.duty.party,
            what=self.duty.name,
            since=since,
            due_at=due,
            owner=None if task is None else task.owner,
            task=None if task is None else task.id,
        )

    def missed(
        self, calendar: Any, at: pendulum.DateTime, task: Task | None = None
    ) -> tuple[Breach, ...]:
        """The instances lapsed by ``at`` (given in the calendar's zone), not yet recorded.

        Exactly the ``LAPSED`` breaches an event meeting the duty at ``at`` would
        record: every unmet instance of a period that ended before ``at``'s date.
        Nothing changes; the breaches are dated at their due times.
        """
        _target, breaches = self._walk(calendar, at, task)
        return tuple(b for b in breaches if b.kind is BreachKind.LAPSED)

    def stop(
        self, calendar: Any, at: pendulum.DateTime, task: Task | None = None
    ) -> tuple[Breach, ...]:
        """The breaches of leaving the duty's states at ``at``: what can never be met.

        Every unmet instance due before ``at`` lapses (dated at its due time),
        including the one of ``at``'s own period if its due time has passed; an
        instance due later is owed no more.
        """
        _target, breaches = self._walk(calendar, at, task)
        return tuple(
            b
            if b.kind is BreachKind.LAPSED
            else self._breach(BreachKind.LAPSED, b.due_at, b.due_at, task)
            for b in breaches
        )

    def meet(
        self, calendar: Any, at: pendulum.DateTime, task: Task | None = None
    ) -> tuple[RecurringTrack, tuple[Breach, ...]]:
        """Meet the instance of ``at``'s period; earlier unmet instances lapse.

        Each instance missed before it is a ``LAPSED`` breach dated at its due
        time; meeting the instance after its due time is a ``LATE`` one.
        """
        target, breaches = self._walk(calendar, at, task)
        if target is None:
            return self, ()  # that period is met already: a second note is welcome
        met = RecurringTrack(duty=self.duty, since=self.since, met_through=target[1])
        return met, breaches

    def _walk(
        self, calendar: Any, at: pendulum.DateTime, task: Task | None
    ) -> tuple[Period | None, tuple[Breach, ...]]:
        """The period of ``at`` (None if met already) and what meeting it would record."""
        duty = self.duty
        target = period_of(duty.every, _date_of(at))
        if self.met_through is not None and target[1] <= self.met_through:
            return None, ()
        breaches: list[Breach] = []
        cursor = self._next_day()
        while True:
            found = instance(calendar, duty.every, cursor, self.since)
            if found is None or found[0][0] > target[1]:
                break
            (_first, last), due = found
            if last >= target[0]:
                if utc(at) > utc(due):
                    breaches.append(self._breach(BreachKind.LATE, due, at, task))
                break
            breaches.append(self._breach(BreachKind.LAPSED, due, due, task))
            cursor = last + dt.timedelta(days=1)
        return target, tuple(breaches)

    def _breach(
        self,
        kind: BreachKind,
        due: pendulum.DateTime,
        at: pendulum.DateTime,
        task: Task | None,
    ) -> Breach:
        return Breach(
            kind=kind,
            party=self.duty.party,
            what=self.duty.name,
            due_at=due,
            at=at,
            owner=None if task is None else task.owner,
            task=None if task is None else task.id,
        )


def _local(calendar: Any, now: dt.datetime) -> pendulum.DateTime:
    return to_instant(to_instant(now).in_timezone(calendar.timezone))


def owed_at(
    tracks: tuple[RecurringTrack, ...],
    calendar: Any,
    now: dt.datetime,
    tasks: tuple[Task, ...] = (),
) -> tuple[Obligation, ...]:
    """Each track's instance owed at ``now`` (see [`RecurringTrack.owed`][]).

    With ``tasks``, the tracks are per-task ones, one per task in that order.

    Raises:
        NaiveDatetimeError: ``now`` has no time zone.
    """
    # The local date only: the plain datetime conversion (pendulum's own is slower
    # and builds a DateTime this query does not need).
    zone = zoneinfo.ZoneInfo(calendar.timezone)
    today = dt.datetime.fromtimestamp(to_instant(now).timestamp(), zone).date()
    if tasks:
        owed = (
            t.owed(calendar, today, task) for t, task in zip(tracks, tasks, strict=True)
        )
    else:
        owed = (track.owed(calendar, today) for track in tracks)
    return tuple(o for o in owed if o is not None)


def missed_at(
    tracks: tuple[RecurringTrack, ...],
    calendar: Any,
    now: dt.datetime,
    tasks: tuple[Task, ...] = (),
) -> tuple[Breach, ...]:
    """Every instance lapsed by ``now`` and not yet recorded, oldest due time first.

    With ``tasks``, the tracks are per-task ones, one per task in that order.

    Raises:
        NaiveDatetimeError: ``now`` has no time zone.
    """
    at = _local(calendar, now)
    named = zip(tracks, tasks, strict=True) if tasks else ((t, None) for t in tracks)
    found = [b for track, task in named for b in track.missed(calendar, at, task)]
    # Stable: instances due at one instant keep the order of the duties.
    return tuple(sorted(found, key=lambda b: utc(b.due_at)))
